/**
 * The one place src/generate/ reaches into the IAM engine. Generation never re-implements IAM
 * semantics (ARN globbing, action expansion, request evaluation): it asks the engine. Keeping the
 * imports here means a change in the engine's module layout touches one file.
 */

export { loadActionCatalogSync, arnMatches, narrowestPrefixPattern, patternCovers, splitArn, evaluateRequest, globMatches, actionApplies, ActionSet, allowedActionSet, instantOf, literalArn, literalCommonPrefix, literalPrefixPattern, policyLiteral, hasPatternWildcard, serviceOf } from "../iam/index.js";
export type { ActionCatalog, ActionInfo, ResourceTypeRef, EvaluationResult } from "../iam/index.js";
export { matchResourceType, childPatternOf, callableWithoutResource, unnamedCallResources, accountWidePattern, type FormatMatch } from "../iam/resource-types.js";
