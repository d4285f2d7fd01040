/** The one place src/analysis/ imports the IAM engine from: its public barrel (src/iam/index.ts). */
export {
  actionApplies,
  allowedActionSet,
  conditionFrom,
  evaluateRequest,
  loadActionCatalogSync,
  arnMatches,
  patternCovers,
  narrowestPrefixPattern,
  splitArn,
  type ActionCatalog,
  type ActionSet,
  type Decision,
  type EvaluationResult,
  type NamedPolicy,
  type RequestContext,
  type StatementRef,
} from "../iam/index.js";
