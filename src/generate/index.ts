/**
 * Public API of policy generation (issue 7): least-privilege policies from usage, configuration
 * requirements and kept exceptions; IAM JSON, Terraform, CloudFormation/SAM and Markdown output;
 * right-sizing diffs; the role-per-function split. See docs/generate.md.
 */

export { generatePolicy, generateForRole, findFunction, explainWildcards, FunctionNotFoundError, DEFAULT_WINDOW_DAYS } from "./generate.js";
export { runGenerate, writeGenerate, selectTargets, eachTarget, type WrittenTarget, type GenerateFormat, type GenerateRunOptions, type GenerateRunResult, type GenerateTarget } from "./run.js";
export { configurationRequirements } from "./requirements.js";
export { DEFAULT_PREFIX_THRESHOLD, mergeActionUsage, observedGrants } from "./observed.js";
export { matchResourceType, childPatternOf } from "./iam.js";
export { normaliseGrants, groupStatements, toPolicyDocument, provenanceLabel } from "./statements.js";
export { policySize, packStatements, sizePolicies, INLINE_ROLE_POLICY_LIMIT, MANAGED_POLICY_LIMIT, DEFAULT_MANAGED_POLICIES_PER_ROLE } from "./size.js";
export { exceptionApplies, exceptionGrants } from "./exceptions.js";
export { currentPolicies, type CurrentPolicy } from "./current-policies.js";
export { diffPolicies, diffAgainst, ACTION_LIST_CAP, type PolicyDiff, type CurrentStatementDiff, type GeneratedStatementDiff, type NarrowedAction, type ActionList } from "./diff.js";
export { renderTerraform, renderTerraformRole, policyExpression, hclString, terraformName, type TerraformTarget } from "./render-terraform.js";
export { renderCloudFormation, renderSamPolicies, logicalId, cloudFormationValue, type CloudFormationTarget, type CloudFormationValue } from "./render-cloudformation.js";
export { renderPolicyMarkdown, renderDiffMarkdown, subjectNames, type PolicyMarkdownOptions } from "./render-markdown.js";
export type {
  AppliedException,
  GenerateOptions,
  GeneratedPolicy,
  GeneratedStatement,
  GenerationWarning,
  GenerationWarningCode,
  Grant,
  PolicyBuild,
  PolicyTarget,
  Provenance,
  RequiredPermission,
  RequirementPurpose,
  RoleGeneration,
  ScopingKind,
  SizedPolicy,
  WildcardExplanation,
} from "./types.js";
export type { OutputReferences } from "./references.js";
