/**
 * The official SARIF 2.1.0 JSON schema (shipped in @microsoft/jest-sarif), compiled with ajv 8.
 * It is written in the draft-04 dialect (`id`, not `$id`) but uses no draft-04-only keyword, so it
 * compiles as draft-07 once `id` is renamed.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import type * as Sarif from "sarif";

const require = createRequire(import.meta.url);
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export function sarifValidator() {
  const schema = JSON.parse(readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8")) as Record<string, unknown>;
  delete schema.$schema;
  schema.$id = schema.id;
  delete schema.id;
  // unicodeRegExp off: the schema's `language` pattern has a stray `]` that only non-unicode regexps accept.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

const validate = sarifValidator();

/** Parse and validate; throws with the first schema errors when invalid. */
export function expectValidSarif(text: string): Sarif.Log {
  const log = JSON.parse(text) as Sarif.Log;
  if (!validate(log)) throw new Error(`invalid SARIF: ${JSON.stringify(validate.errors?.slice(0, 5), null, 2)}`);
  return log;
}

export { validate as validateSarif };
