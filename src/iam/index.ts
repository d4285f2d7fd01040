/**
 * Public API of the IAM semantics engine: policy grammar, action catalog, ARN matching,
 * request evaluation, effective permissions and the shipped AWS managed policies.
 * See docs/iam-engine.md.
 */

export { parsePolicyDocument, tryParsePolicyDocument, POLICY_VERSIONS, type ParseOptions, type TryParseResult } from "./parse-policy.js";
export {
  parseConditionOperator,
  canonicalConditionOperator,
  BASE_OPERATORS,
  type ParsedOperator,
  type OperatorFamily,
  type SetQualifier,
} from "./condition-operators.js";
export { ActionSet } from "./action-set.js";
export {
  ActionCatalog,
  ACCESS_LEVELS,
  loadActionCatalog,
  loadActionCatalogSync,
  normaliseAccessLevels,
  serviceOf,
  type ActionInfo,
  type LoadCatalogOptions,
  type PatternExpansion,
  type ResourceTypeRef,
  type ServiceInfo,
} from "./catalog.js";
export { globMatches, globCovers, globCoversTokens, globTokens, hasWildcard, type GlobToken, type GlobWildcard } from "./wildcard.js";
export { arnMatches, arnConditionMatches, isRegionCode, patternCovers, narrowestPrefixPattern, parseArn, splitArn, policyLiteral, literalArn, literalCommonPrefix, literalPrefixPattern, hasPatternWildcard, type ArnParts, type PolicyVariables } from "./arn.js";
export { evaluateCondition, conditionFrom, conditionalFrom, instantOf, ContextValues, type ContextValue, type RequestContext, type Tri, type ConditionResult } from "./conditions.js";
export {
  actionApplies,
  evaluateRequest,
  type Decision,
  type EvaluationInput,
  type EvaluationRequest,
  type EvaluationResult,
  type NamedPolicy,
  type PolicyKind,
  type StatementRef,
} from "./evaluate.js";
export {
  computePrincipalFacts,
  emptyRoleFacts,
  listActionGrants,
  listGrantedActionNames,
  allowedActionSet,
  ALLOWED_ACTIONS_CAP,
  type ActionGrant,
  type PrincipalPolicies,
} from "./principal-facts.js";
export { SENSITIVE_ACTIONS } from "./sensitive-actions.js";
export { serviceMayAssume } from "./service-trust.js";
export { isActionAllowed, whoCanCall, type ActionQueryOptions } from "./queries.js";
export {
  isAwsManagedPolicyArn,
  loadManagedPolicyDataset,
  lookupAwsManagedPolicy,
  lookupAwsManagedPolicyDocument,
  managedPolicyDataInfo,
  MANAGED_POLICY_DATA_FILE,
  type AwsManagedPolicy,
  type ManagedPolicyDataset,
} from "./managed-policies.js";
