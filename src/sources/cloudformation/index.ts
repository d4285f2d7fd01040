/** CloudFormation / SAM / CDK template input: see docs/iac.md. */
export { readCloudFormationTemplate, type CloudFormationReadOptions, type IacFragment, type StatementLocation } from "./read-template.js";
export { expandSam, expandTemplate, isSamTemplate, samPolicyTemplateNames, SAM_TRANSFORM, type SamResource, type SamWarning } from "./sam.js";
export { IntrinsicResolver, NO_VALUE, parameterValues, type IntrinsicContext } from "./intrinsics.js";
export { detectIac, type IacKind } from "./detect-iac.js";
export { decodeText, parseJsonLocated, parseYamlLocated, childPath, type Located } from "./located.js";
export { syntheticFunctionArn, syntheticRoleArn, syntheticPolicyArn, syntheticAccountFor, type ArnContext } from "./lambda-shapes.js";
export { permissionRows, diffPermissions, canonicalStatement, type PermissionRow, type PermissionRowKind, type PermissionDiff } from "./permission-rows.js";
export { readIac, type IacReadOptions } from "./read-iac.js";
export { cdkAssemblyOptions, type StackReadOptions, type StackTemplateContext } from "./cdk-assembly.js";
export { serverlessStateOptions } from "./serverless-state.js";
export { samConfigOptions, parseParameterOverrides } from "./sam-config.js";
