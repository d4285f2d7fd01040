/**
 * The one place src/analysis/ imports the IAM engine from: its public barrel (src/iam/index.ts),
 * plus `actionApplies` (does a statement's Action/NotAction cover an action?), which the engine
 * has but does not export yet; asked of its owner to add to the barrel, then this becomes one line.
 */
export {
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
export { actionApplies } from "../iam/evaluate.js";
