/**
 * schemas/canonical.schema.json is generated from src/model/ (scripts/build-schemas.mjs): the
 * committed file must be what the types generate now, and ajv must accept real documents and name
 * what is wrong in bad ones.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { canonicalSchemaPath, normalizeFragments, validateCanonicalDocument } from "../../src/normalize/index.js";
import { readSourceBytes } from "../../src/sources/read-sources.js";
import { buildExport } from "../normalize/export-builder.js";

describe("canonical schema", () => {
  it("the committed schema matches the types (drift check: run `node scripts/build-schemas.mjs` after changing src/model)", () => {
    const run = () => execFileSync(process.execPath, ["scripts/build-schemas.mjs", "--check"], { encoding: "utf8", stdio: "pipe" });
    expect(run).not.toThrow();
  }, 60_000);

  it("is a draft-07 schema with closed objects and all canonical definitions", () => {
    const schema = JSON.parse(readFileSync(canonicalSchemaPath(), "utf8")) as { $schema: string; additionalProperties: boolean; definitions: Record<string, unknown>; required: string[] };
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(["accounts", "functions", "meta", "policies", "principals", "roles", "schemaVersion", "usage"]);
    for (const name of ["LambdaFunction", "Role", "ManagedPolicy", "PolicyDocument", "RoleFacts", "UsageSection", "Warning", "SourceInfo"]) expect(schema.definitions).toHaveProperty(name);
  });

  const doc = () =>
    normalizeFragments(
      buildExport({
        account: "123456789012",
        roles: [{ name: "r", path: "/", trustsLambda: true, actions: ["s3:GetObject"], managed: [] }],
        functions: [{ name: "f", region: "us-east-1", role: 0, env: [], sqs: true, url: null, version: null }],
      }).map((f) => readSourceBytes(f.file, f.text).fragment!),
    ).document;

  it("accepts a normalised document", () => {
    expect(validateCanonicalDocument(doc())).toEqual({ valid: true, errors: [] });
  });

  it("names the path and the problem in a bad one", () => {
    const bad = doc() as unknown as { functions: Array<Record<string, unknown>>; roles: Array<Record<string, unknown>>; extra?: number };
    bad.functions[0]!["roleArn"] = 42;
    bad.functions[0]!["environment"] = { KEY: "value" }; // values have no place in the document
    delete bad.roles[0]!["trustsLambda"];
    bad.extra = 1;
    const { valid, errors } = validateCanonicalDocument(bad);
    expect(valid).toBe(false);
    expect(errors).toContain("functions[0].roleArn: must be string");
    expect(errors).toContain("functions[0]: must NOT have additional properties (environment)");
    expect(errors).toContain("roles[0]: must have required property 'trustsLambda'");
    expect(errors).toContain("(document): must NOT have additional properties (extra)");
  });
});
