/**
 * A canonical document given to auditDocument / evaluateDocument from outside (JSON.parse of a
 * `leastrole normalize` output, as a CI job hands it to another): checked against the shipped
 * schema. Before, any object was evaluated: a document of a future version, one without `roles`
 * or `{hello: 1}` gave a clean, non-partial report, and null a TypeError.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { auditDocument, auditDocumentAsync, buildDocument } from "../../src/index.js";
import { encodeDocument, evaluateDocument, evaluateDocumentAsync, loadBuiltinPack } from "../../src/evaluate/index.js";
import { SCHEMA_VERSION, type CanonicalDocument } from "../../src/model/document.js";

const demo = join(import.meta.dirname, "..", "..", "examples", "demo-account");
let text: string;
const parsed = (): CanonicalDocument => JSON.parse(text) as CanonicalDocument;

beforeAll(async () => {
  text = JSON.stringify(await buildDocument([demo]));
});

function inputError(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected an InputError");
}

describe("a document from outside", () => {
  it("a document as `leastrole normalize` wrote it is audited as before", () => {
    const report = auditDocument(parsed(), { evaluateWorkers: 0 });
    expect(report.findings.length).toBeGreaterThan(0);
    expect(evaluateDocument(parsed(), [loadBuiltinPack()]).findings.length).toBe(report.findings.length);
  });

  it("another schema version is refused, naming both versions", () => {
    const doc = { ...parsed(), schemaVersion: "9.0" };
    const e = inputError(() => auditDocument(doc));
    expect(e.message.startsWith(`auditDocument: the document is not a canonical document of a version this leastrole reads: schemaVersion is "9.0", not ${SCHEMA_VERSION} `)).toBe(true);
    expect(e.path).toBe("schemaVersion");
    expect(inputError(() => auditDocument({ ...parsed(), schemaVersion: "1.0" })).message).toMatch(/buildDocument\(\[file\]\) or `leastrole normalize`/);
  });

  it("a missing or renamed top-level member is named", () => {
    const { roles, ...noRoles } = parsed();
    void roles;
    expect(inputError(() => auditDocument(noRoles as CanonicalDocument)).message).toMatch(/\(document\): must have required property 'roles'/);
    const { functions, ...rest } = parsed();
    const renamed = { ...rest, lambdas: functions } as unknown as CanonicalDocument;
    const e = inputError(() => evaluateDocument(renamed, [loadBuiltinPack()]));
    expect(e.message).toMatch(/^evaluateDocument: the document is not a canonical document \(schemas\/canonical\.schema\.json\): /);
    expect(e.message).toContain("must have required property 'functions'");
    expect(e.message).toContain("must NOT have additional properties (lambdas)");
  });

  it("a wrong value deep inside is named by its path", () => {
    const doc = parsed();
    (doc.functions[0] as unknown as Record<string, unknown>).roleArn = 42;
    expect(inputError(() => auditDocument(doc)).message).toContain("functions[0].roleArn: must be string");
  });

  it("an object of another shape, null or a string is an InputError, not a clean report or a TypeError", async () => {
    expect(inputError(() => auditDocument({ hello: 1 } as unknown as CanonicalDocument)).message).toBe(
      "auditDocument: the document is not a canonical document (schemas/canonical.schema.json): (document): must have required properties 'accounts', 'functions', 'meta', 'policies', 'principals', 'roles', 'schemaVersion', 'usage'; (document): must NOT have additional properties (hello)",
    );
    expect(inputError(() => auditDocument(null as unknown as CanonicalDocument)).message).toBe("auditDocument: the document is not a canonical document (got null, not an object)");
    expect(inputError(() => evaluateDocument(null as unknown as CanonicalDocument, [loadBuiltinPack()])).message).toMatch(/got null/);
    expect(inputError(() => evaluateDocument(text as unknown as CanonicalDocument, [loadBuiltinPack()])).message).toMatch(/got string/);
    await expect(auditDocumentAsync([] as unknown as CanonicalDocument)).rejects.toThrow(/got an array/);
    await expect(evaluateDocumentAsync({ hello: 1 } as unknown as CanonicalDocument, [loadBuiltinPack()])).rejects.toBeInstanceOf(InputError);
  });

  it("an encoded document is checked by the document it was encoded from", () => {
    const { roles, ...noRoles } = parsed();
    void roles;
    expect(inputError(() => evaluateDocument(encodeDocument(noRoles as unknown as CanonicalDocument), [loadBuiltinPack()])).message).toMatch(/required property 'roles'/);
  });
});
