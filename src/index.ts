/**
 * leastrole's public API. Nothing else in src/ is a public import path: embedders import from
 * "leastrole" and get exactly what is exported here. The pipeline's stages are here in order:
 * sources → normalize → usage → analysis → evaluate → report, plus generate and collect; the IAM
 * engine is the `iam` namespace.
 */

// The whole pipeline in one call
export {
  audit,
  auditDocument,
  auditDocumentAsync,
  buildDocument,
  type AuditOptions,
  type AuditPathsOptions,
  type AuditResult,
  type BuildOptions,
  type BuildProgress,
} from "./audit/index.js";
export { AUDIT_STAGES, formatStageTimings, type AuditStage, type StageTimings, type TimingTotals } from "./audit/index.js";

export * from "./errors.js";
export * from "./model/index.js";

// Configuration
export { findConfig, findNearestConfig, loadConfig, validateConfig } from "./config/index.js";

// Sources and the canonical document
export {
  readSources,
  readSourceBytes,
  fragmentFromDocument,
  emptyFragment,
  type ReadResult,
  type SourceFragment,
} from "./sources/index.js";
export type { ConfigState, FunctionPatch, FunctionVersionRecord, Pagination, PathContext, PrincipalRecord, RolePolicyPatch, RoleRecord, RoleUseRecord } from "./sources/types.js";
export type { LayerVersionRecord } from "./sources/lambda-layers.js";
export type { ReadOneOptions } from "./sources/read-sources.js";
export { normalize } from "./audit/index.js";
export {
  normalizeFragments,
  validateCanonicalDocument,
  serializeCanonicalDocument,
  writeCanonicalDocument,
  type CollectedFunctionLists,
  type NormalizeOptions,
  type NormalizeResult,
  type ValidationResult,
} from "./normalize/index.js";
export type { FactsFunction } from "./normalize/facts.js";
export type { ManagedPolicyLookup, ShippedManagedPolicy } from "./normalize/policies.js";

// Usage (CloudTrail, Access Advisor, Access Analyzer)
export { readUsage, labelUsage, type ReadUsageOptions, type LabelOptions, type UsageException, type UsageAggregate } from "./usage/index.js";
export type { LabelDocument } from "./usage/labels.js";
export { sessionsLabelsRead, sessionFilterDocument, type SessionFilterDocument } from "./usage/session-filter.js";
export type { DeployedFunction } from "./usage/deployed-names.js";
export type { ReadUsageProgress } from "./usage/read-usage.js";
export type { AccessAdvisorReport, AccessAdvisorService } from "./usage/access-advisor.js";
export type { AccessAnalyzerFinding } from "./usage/access-analyzer.js";
export type { FileReport, FunctionCreation, ManagementCounts, PlaceDays, TrailChange } from "./usage/accumulate.js";
export type { DataEventSelection, TrailSelectors } from "./usage/event-selectors.js";
export type { LakePage } from "./usage/lake-page.js";
// The SQL `leastrole sql` prints and `collect --cloudtrail athena:/lake:/security-lake:` runs, for a
// program that runs the aggregation itself where the logs are (docs/usage.md, "Organisation scale").
export { ATHENA_TABLE_DDL, ATHENA_USAGE_QUERY, LAKE_USAGE_QUERY, renderUsageQuery, type RenderOptions as UsageQueryRenderOptions } from "./usage/sql.js";
export { SECURITY_LAKE_USAGE_QUERY, SECURITY_LAKE_V1_USAGE_QUERY, renderSecurityLakeQuery, type SecurityLakeRenderOptions } from "./usage/security-lake.js";
export type { SessionFilter, SessionKey, SessionUsage } from "./usage/aggregate.js";

// Analysis the rules read
export { analyzeDocument, requiredPermissions, type AnalyzeOptions, type RequiredPermission } from "./analysis/index.js";

// Rule packs and evaluation
export {
  applySuppressions,
  compileRegoPack,
  encodeDocument,
  evaluateDocument,
  evaluateDocumentAsync,
  loadBuiltinPack,
  isPackFailure,
  loadRulePack,
  PACK_ENTRYPOINT,
  PACK_FAILURE_CODES,
  suppressionsFromDocument,
  suppressionsFromTags,
  type Diagnostic,
  type EncodedDocument,
  type EvaluateOptions,
  type EvaluationResult,
  type LoadRulePackOptions,
  type PackSummary,
  type RuleCatalog,
  type RuleMetadata,
  type CompiledModule,
  type RulePack,
  type SuppressionRule,
} from "./evaluate/index.js";
export type { CompileOptions, CompiledPack } from "./evaluate/compile-rego.js";
export type { RelatedResource, RuleOption } from "./evaluate/catalog.js";
export type { SuppressionOutcome } from "./evaluate/suppressions.js";

// Reports
export {
  toJsonReport,
  summarise,
  renderTable,
  renderSarif,
  renderMarkdown,
  renderHtml,
  htmlFixRoles,
  shouldUseColor,
  REPORT_SCHEMA_VERSION,
  type AuditReport,
  type AuditSummary,
  type TableOptions,
  type SarifOptions,
  type MarkdownOptions,
  type HtmlOptions,
  type GeneratedFix,
} from "./report/index.js";
export type { GraphOptions } from "./report/html-graph.js";

// Infrastructure as code (Terraform plans, CloudFormation/SAM/CDK templates) and reviewing a change
export {
  readIac,
  readTerraformPlan,
  readTfFiles,
  detectIac,
  permissionRows,
  diffPermissions,
  type IacReadOptions,
  type IacFragment,
  type StatementLocation,
  type PermissionRow,
  type PermissionDiff,
  type TerraformReadOptions,
  type IacKind,
} from "./sources/terraform/index.js";
export { readCloudFormationTemplate, syntheticAccountFor, type CloudFormationReadOptions } from "./sources/cloudformation/index.js";
export type { PermissionRowKind } from "./sources/cloudformation/permission-rows.js";
export type { TerraformConfigFiles } from "./sources/terraform/config-locations.js";
export type { ValueReferences } from "./sources/value-references.js";
export {
  diff as diffInputs,
  diffDocuments,
  compareStatements,
  introducesAtLeast,
  usageRuleIds,
  usageSeverityRuleIds,
  functionRuleIds,
  unusedActionRules,
  callsRuleIds,
  triggerRuleIds,
  DIFF_SCHEMA_VERSION,
  INCOMPLETE_INPUTS_REASON,
  UNCONFIRMED_KINDS,
  type UnconfirmedKind,
  type DiffReport,
  type DiffDocumentsOptions,
  type UnconfirmedFinding,
  type DiffResult,
  type DiffOptions,
  type PermissionChange,
  type SharedRoleChange,
  type SeverityChange,
  type ChangeKind,
  type DiffSide,
} from "./audit/diff.js";
export { renderPermissionDiffTable, renderPermissionDiffMarkdown, renderPermissionDiffJson, type DiffDisplayNames, type PermissionDiffMarkdownOptions, type PermissionDiffTableOptions } from "./report/diff.js";

// Least-privilege generation
export {
  generatePolicy,
  generateForRole,
  runGenerate,
  writeGenerate,
  diffPolicies,
  renderTerraform,
  renderCloudFormation,
  renderPolicyMarkdown,
  renderDiffMarkdown,
  subjectNames,
  type PolicyMarkdownOptions,
  type GenerateFormat,
  type GenerateRunOptions,
  type GenerateRunResult,
  type WrittenTarget,
  type PolicyDiff,
  FunctionNotFoundError,
  type ActionList,
  type AppliedException,
  type CloudFormationTarget,
  type CurrentStatementDiff,
  type GenerateOptions,
  type GenerateTarget,
  type GeneratedPolicy,
  type GeneratedStatement,
  type GeneratedStatementDiff,
  type GenerationWarning,
  type GenerationWarningCode,
  type Grant,
  type NarrowedAction,
  type PolicyBuild,
  type PolicyTarget,
  type Provenance,
  // The model's RequirementPurpose (generation requires what the rules check), kept under its former name.
  type RequirementPurpose as GenerateRequirementPurpose,
  type RoleGeneration,
  type ScopingKind,
  type SizedPolicy,
  type TerraformTarget,
  type WildcardExplanation,
  type OutputReferences,
} from "./generate/index.js";
export type { KeptRole, SeparatePolicy } from "./generate/types.js";

// Live collection (read-only)
export { collect, collectPolicy, COLLECT_OPERATIONS, REDACTED_VALUE, type CollectOptions, type CollectResult, type CollectManifest, type CloudTrailSource, type QueryRecord } from "./collect/index.js";
export { CollectError } from "./collect/errors.js";
// Thrown by collect when the credentials expire mid-run (or cannot be renewed): resume with new ones.
export { CredentialsExpired } from "./collect/run.js";
export type { AthenaSource, CollectProgress, LakeSource, SecurityLakeTables } from "./collect/options.js";
export type { CallStatus, ManifestCall } from "./collect/manifest.js";
export type { CollectFeature } from "./collect/operations.js";
export type { CollectPolicyOptions, IamPolicyDocument, IamPolicyStatement } from "./collect/policy.js";

// The IAM engine: policy grammar, action catalog, ARN matching, evaluation, effective permissions
export * as iam from "./iam/index.js";
