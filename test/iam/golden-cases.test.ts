/**
 * The AWS IAM documentation's policy-evaluation examples as data (test/iam/cases/*.json). Each case
 * names the page it comes from; documents go through parsePolicyDocument first, as in production.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateRequest, parsePolicyDocument, type EvaluationRequest } from "../../src/iam/index.js";

interface RawPolicy {
  id: string;
  document: unknown;
}
interface Case {
  name: string;
  identityPolicies: RawPolicy[];
  permissionsBoundary?: RawPolicy;
  resourcePolicy?: RawPolicy;
  request: EvaluationRequest;
  expect: { decision: string; statements?: { policy: string; index: number; sid?: string }[]; missingContextKeys?: string[] };
}

const dir = join(import.meta.dirname, "cases");
const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
const parse = (p: RawPolicy) => ({ id: p.id, document: parsePolicyDocument(p.document, { file: p.id }) });

describe.each(files)("%s", (file) => {
  const { cases } = JSON.parse(readFileSync(join(dir, file), "utf8")) as { cases: Case[] };
  it("has cases", () => expect(cases.length).toBeGreaterThan(0));
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const result = evaluateRequest({
      identityPolicies: c.identityPolicies.map(parse),
      permissionsBoundary: c.permissionsBoundary ? parse(c.permissionsBoundary) : null,
      resourcePolicy: c.resourcePolicy ? parse(c.resourcePolicy) : null,
      request: c.request,
    });
    expect(result.decision, result.explanation.summary).toBe(c.expect.decision);
    if (c.expect.statements) {
      expect(result.explanation.statements.map((s) => ({ policy: s.policy, index: s.index, ...(s.sid !== null && c.expect.statements?.some((e) => e.sid) ? { sid: s.sid } : {}) }))).toEqual(c.expect.statements);
    }
    if (c.expect.missingContextKeys) expect(result.explanation.missingContextKeys).toEqual(c.expect.missingContextKeys);
    expect(result.explanation.summary.length).toBeGreaterThan(10);
  });
});
