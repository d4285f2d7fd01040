/** Terraform plan input (`terraform show -json`): see docs/iac.md. */
export { readTerraformPlan, type TerraformReadOptions } from "./read-plan.js";
export { detectIac, type IacKind } from "../cloudformation/detect-iac.js";
export { decodeText } from "../cloudformation/located.js";
export { indexConfigBlocks, type TerraformConfigFiles, type BlockLocation } from "./config-locations.js";
export { permissionRows, diffPermissions, canonicalStatement, type PermissionRow, type PermissionRowKind, type PermissionDiff } from "../cloudformation/permission-rows.js";
export type { IacFragment, StatementLocation } from "../cloudformation/read-template.js";
export { readIac, type IacReadOptions } from "../cloudformation/read-iac.js";
export { readTfFiles } from "./config-files.js";
