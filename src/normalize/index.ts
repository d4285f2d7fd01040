/**
 * Public API of the normaliser: AWS exports (files, folders or fragments) → the canonical document,
 * and validation of canonical documents against the generated schema.
 */

export { normalizeFragments, type CollectedFunctionLists, type NormalizeOptions, type NormalizeResult } from "./normalize.js";
export { validateCanonicalDocument, canonicalSchemaPath, type ValidationResult } from "./validate.js";
export { trustsLambda } from "./trust.js";
export { defaultFactsFunction, principalPolicies, type FactsFunction, type PrincipalPolicies } from "./facts.js";
export type { ManagedPolicyLookup, ShippedManagedPolicy } from "./policies.js";
export { canonicalJson } from "./canonical-json.js";
export { serializeCanonicalDocument, writeCanonicalDocument } from "./serialize.js";
