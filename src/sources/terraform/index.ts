/** Terraform plan input (`terraform show -json`): see docs/iac.md. */
export { readTerraformPlan, type TerraformReadOptions } from "./read-plan.js";
export { detectIac, type IacKind } from "../cloudformation/detect-iac.js";
export { decodeText } from "../cloudformation/located.js";
export { indexConfigBlocks, type TerraformConfigFiles, type BlockLocation } from "./config-locations.js";
