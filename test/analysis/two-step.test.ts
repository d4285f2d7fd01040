/**
 * The analysis in two steps (src/analysis/analyze.ts): the identities' part made before the usage
 * is read, completed once it is in, gives exactly analyzeDocument's result; and an audit that
 * overlaps the first step with its CloudTrail workers builds the same document as one that reads
 * in one thread.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateAccount } from "../../bench/scale/generate.js";
import { analyzeDocument, analyzeIdentities, completeAnalysis } from "../../src/analysis/index.js";
import { buildDocument } from "../../src/audit/build-document.js";
import type { CanonicalDocument } from "../../src/model/document.js";
import { emptyUsage } from "../../src/model/usage.js";

const work = mkdtempSync(join(tmpdir(), "lr-two-step-"));
let dir = "";
let doc: CanonicalDocument;
beforeAll(async () => {
  dir = generateAccount(join(work, "a"), { functions: 60, records: 6000, seed: 5 }).dir;
  doc = await buildDocument([dir], { workers: 1 });
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("analyzeIdentities + completeAnalysis", () => {
  it("made before the usage is known and completed after, equals analyzeDocument (key order included)", () => {
    // Not vacuous: the usage decides some roles' scope suggestions, the only part the first step leaves out.
    const one = analyzeDocument(doc);
    expect(one.roles.some((r) => (r.analysis?.scopeSuggestions.length ?? 0) > 0)).toBe(true);
    const before: CanonicalDocument = { ...doc, usage: emptyUsage() };
    const two = completeAnalysis(analyzeIdentities(before), doc);
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
    // In the order of RoleAnalysis (src/model/analysis.ts), as analyzeDocument always wrote it.
    expect(Object.keys(two.roles[0]?.analysis ?? {})).toEqual(["executionRole", "incomplete", "trust", "grants", "fullAccessPolicies", "broadManagedPolicies", "escalationPaths", "blockedEscalations", "scopeSuggestions", "summary"]);
  });

  it("a draft of other entity lists is made again", () => {
    const draft = analyzeIdentities({ ...doc, roles: doc.roles.slice(1) });
    const changed: CanonicalDocument = { ...doc, roles: [...doc.roles] };
    expect(JSON.stringify(completeAnalysis(draft, changed))).toBe(JSON.stringify(analyzeDocument(changed)));
  });
});

describe("buildDocument", () => {
  it("gives the same document with the analysis overlapping two CloudTrail workers as in one thread", async () => {
    const parallel = await buildDocument([dir], { workers: 2 });
    expect(parallel.usage.present).toBe(true);
    expect(JSON.stringify(parallel)).toBe(JSON.stringify(doc));
  }, 120_000);
});
