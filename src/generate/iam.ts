/**
 * The one place src/generate/ reaches into the IAM engine. Generation never re-implements IAM
 * semantics (ARN globbing, action expansion, request evaluation): it asks the engine. Keeping the
 * imports here means a change in the engine's module layout touches one file.
 */

export { loadActionCatalogSync, type ActionCatalog, type ActionInfo, type ResourceTypeRef } from "../iam/catalog.js";
export { arnMatches, narrowestPrefixPattern, patternCovers, splitArn } from "../iam/arn.js";
export { evaluateRequest, actionApplies, type EvaluationResult } from "../iam/evaluate.js";
export { globMatches } from "../iam/wildcard.js";
