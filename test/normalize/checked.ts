/**
 * The normaliser as the tests call it: every document it produces is validated against
 * schemas/canonical.schema.json (ajv, compiled once), so no test can pass on a document the
 * schema would reject.
 */
import { expect } from "vitest";
import { normalize as normalizeRaw } from "../../src/audit/normalize-paths.js";
import { normalizeFragments as normalizeFragmentsRaw, validateCanonicalDocument } from "../../src/normalize/index.js";

export const normalizeFragments: typeof normalizeFragmentsRaw = (...args) => {
  const result = normalizeFragmentsRaw(...args);
  expect(validateCanonicalDocument(result.document).errors).toEqual([]);
  return result;
};

export const normalize: typeof normalizeRaw = async (...args) => {
  const result = await normalizeRaw(...args);
  expect(validateCanonicalDocument(result.document).errors).toEqual([]);
  return result;
};
