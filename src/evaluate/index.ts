export { catalogFromInspect, parseCatalog, type RuleCatalog, type RuleMetadata, type RelatedResource, type RuleOption } from "./catalog.js";
export { compileRegoPack, PACK_ENTRYPOINT, type CompiledPack, type CompileOptions } from "./compile-rego.js";
export {
  encodeDocument,
  evaluateDocument,
  evaluateDocumentAsync,
  evaluatePackRaw,
  prepareBuiltinInstance,
  type EncodedDocument,
  type EvaluateOptions,
  type EvaluationResult,
  type PackSummary,
} from "./evaluator.js";
export { buildFindings, compareFindings, failedPacks, fingerprintOf, isPackFailure, PACK_FAILURE_CODES, severityRank, type Diagnostic } from "./findings.js";
export { loadBuiltinPack, loadRulePack, SDK_BUILTINS, type CompiledModule, type LoadRulePackOptions, type RulePack } from "./pack.js";
export {
  applySuppressions,
  suppressionsFromDocument,
  suppressionsFromTags,
  validateSuppression,
  SUPPRESS_TAG_PREFIX,
  type SuppressionOutcome,
  type SuppressionRule,
} from "./suppressions.js";
export { readTarGz } from "./tar.js";
