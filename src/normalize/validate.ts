/**
 * Validation of canonical documents against schemas/canonical.schema.json (generated from
 * src/model/ by scripts/build-schemas.mjs). The schema is compiled once, on first use.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { packageRoot } from "../evaluate/locate.js";

export interface ValidationResult {
  valid: boolean;
  /** Readable errors: `functions[3].roleArn: must be string`. Empty when valid. */
  errors: string[];
}

let compiled: ValidateFunction | undefined;

export function canonicalSchemaPath(): string {
  return join(packageRoot(), "schemas", "canonical.schema.json");
}

function validator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(canonicalSchemaPath(), "utf8")) as object;
    // strict: the generated schema must stay clean; allErrors so a user sees every problem at once.
    const ajv = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true });
    compiled = ajv.compile(schema);
  }
  return compiled;
}

export function validateCanonicalDocument(document: unknown): ValidationResult {
  const validate = validator();
  if (validate(document)) return { valid: true, errors: [] };
  return { valid: false, errors: (validate.errors ?? []).slice(0, 50).map(formatError) };
}

function formatError(e: ErrorObject): string {
  // instancePath is a JSON pointer (/functions/3/roleArn); show it in the same dotted form as elsewhere.
  const path = e.instancePath
    .split("/")
    .slice(1)
    .map((seg) => seg.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc === "" ? seg : `${acc}.${seg}`), "");
  const extra = e.keyword === "additionalProperties" ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : e.keyword === "enum" ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(", ")})` : "";
  return `${path === "" ? "(document)" : path}: ${e.message ?? e.keyword}${extra}`;
}
