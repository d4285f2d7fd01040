/**
 * Validation of canonical documents against schemas/canonical.schema.json (generated from
 * src/model/ by scripts/build-schemas.mjs). The schema is compiled once, on first use.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import type { Ajv as AjvClass, ErrorObject, ValidateFunction } from "ajv";
import { packageRoot } from "../evaluate/locate.js";
import { InputError } from "../errors.js";
import { SCHEMA_VERSION } from "../model/document.js";

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
    // Loaded here, not imported: ajv was ~25 ms of every command's start (and of each rule
    // evaluation worker's), and only a canonical document given as input is validated.
    const { Ajv } = createRequire(import.meta.url)("ajv") as { Ajv: typeof AjvClass };
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

/**
 * Documents this process built (buildDocument): known to be valid, so the public entry points do
 * not validate them again. Weak: an embedder's documents are not kept alive by it.
 */
const built = new WeakSet<object>();

export function markBuiltDocument<T extends object>(document: T): T {
  built.add(document);
  return document;
}

/** Versions read as they are: a 1.1, 1.2 or 1.3 document is a 1.4 one without the later optional fields. */
const READABLE_VERSIONS = new Set([SCHEMA_VERSION, "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "1.10"]);

/**
 * A canonical document given to a public entry point (auditDocument, evaluateDocument), checked
 * against the shipped schema unless this process built it. Why: such a document often arrives as
 * `JSON.parse(text) as CanonicalDocument` from another job or another leastrole version, and the
 * rules read whatever is there: a document without `roles` lost half its findings and one of
 * another shape gave a clean report, not partial. Throws InputError saying what is wrong. (About
 * 100 ms at 10,000 functions; the CLI's own documents do not come through here.)
 */
export function checkCanonicalInput(document: unknown, caller: string): void {
  if (typeof document === "object" && document !== null && built.has(document)) return;
  const what = `${caller}: the document is not a canonical document`;
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new InputError(`${what} (got ${document === null ? "null" : Array.isArray(document) ? "an array" : typeof document}, not an object)`);
  }
  const version = (document as { schemaVersion?: unknown }).schemaVersion;
  if (typeof version === "string" && !READABLE_VERSIONS.has(version)) {
    const older = /^1\.0(\.|$)/.test(version);
    throw new InputError(
      `${what} of a version this leastrole reads: schemaVersion is ${JSON.stringify(version)}, not ${SCHEMA_VERSION}` +
        (older ? " (read it with buildDocument([file]) or `leastrole normalize`, which bring it up to date)" : " (written by another leastrole version: normalise its inputs again with this one)"),
      { path: "schemaVersion" },
    );
  }
  const result = validateCanonicalDocument(document);
  if (result.valid) return;
  const errors = groupedMissing(result.errors);
  const shown = errors.slice(0, 5);
  const more = errors.length > shown.length ? ` and ${errors.length - shown.length} more` : "";
  throw new InputError(`${what} (schemas/canonical.schema.json): ${shown.join("; ")}${more}`);
}

/** `x: must have required property 'a'`, `… 'b'` as one `x: must have required properties 'a', 'b'`: {hello: 1} lacks nine. */
function groupedMissing(errors: string[]): string[] {
  const missing = new Map<string, string[]>();
  const out: string[] = [];
  for (const e of errors) {
    const m = /^(.*): must have required property (.*)$/.exec(e);
    if (m === null) out.push(e);
    else {
      const list = missing.get(m[1]!);
      if (list === undefined) {
        missing.set(m[1]!, [m[2]!]);
        out.push(m[1]!); // its place, filled below
      } else list.push(m[2]!);
    }
  }
  return out.map((e) => {
    const list = missing.get(e);
    if (list === undefined) return e;
    missing.delete(e);
    return `${e}: must have required ${list.length > 1 ? "properties" : "property"} ${list.join(", ")}`;
  });
}
