/**
 * A generated account (bench/scale/generate.ts: functions, roles, CloudTrail) built into its
 * canonical document once per test file, in a temporary folder removed after the file's tests.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { generateAccount } from "../../bench/scale/generate.js";
import { buildDocument } from "../../src/audit/build-document.js";
import type { CanonicalDocument } from "../../src/model/document.js";

/** Registers the hooks; the returned function gives the document inside tests. */
export function generatedAccountDocument(options: { functions: number; records: number; seed: number }, timeoutMs = 120_000): () => CanonicalDocument {
  const work = mkdtempSync(join(tmpdir(), "lr-generated-"));
  let doc: CanonicalDocument | null = null;
  beforeAll(async () => {
    const account = generateAccount(join(work, "a"), options);
    doc = await buildDocument([account.dir], { workers: 1 });
  }, timeoutMs);
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  return () => {
    if (doc === null) throw new Error("the generated account is built in beforeAll");
    return doc;
  };
}
