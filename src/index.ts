/**
 * leastrole's public API. Nothing else in src/ is a public import path: embedders import from
 * "leastrole" and get exactly what is exported here.
 */

export { audit, auditDocument, buildDocument, type AuditOptions, type AuditPathsOptions, type AuditResult, type BuildOptions, type BuildProgress } from "./audit/index.js";
export * from "./errors.js";
export * from "./model/index.js";
export {
  applySuppressions,
  compileRegoPack,
  encodeDocument,
  evaluateDocument,
  loadBuiltinPack,
  loadRulePack,
  PACK_ENTRYPOINT,
  suppressionsFromTags,
  type Diagnostic,
  type EncodedDocument,
  type EvaluateOptions,
  type EvaluationResult,
  type LoadRulePackOptions,
  type PackSummary,
  type RuleCatalog,
  type RuleMetadata,
  type RulePack,
  type SuppressionRule,
} from "./evaluate/index.js";
export { toJsonReport, summarise, REPORT_SCHEMA_VERSION, type AuditReport, type AuditSummary } from "./report/json.js";
