/**
 * The law behind `earliestTime` (conditions.ts timeWindow): when the engine settles a time
 * condition from an instant on (allowed or implicit deny without the time in the context), every
 * concrete `aws:CurrentTime` at or after that instant gives the same decision; only "conditional"
 * may hide a change over time. And the facts agree: a statement the facts leave out (a closed
 * window) allows nothing at any such instant.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { computePrincipalFacts, evaluateRequest, loadActionCatalog, parsePolicyDocument, type ActionCatalog } from "../../src/iam/index.js";

let catalog: ActionCatalog;
beforeAll(async () => {
  catalog = await loadActionCatalog();
});

const BASE = Date.parse("2026-01-01T00:00:00Z");
const DAY = 86_400_000;
const OPERATORS = ["DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals", "DateLessThanIfExists", "DateGreaterThanIfExists"];
/** Instants on whole days around BASE, so that equal instants (the edges) are generated often. */
const arbInstant = fc.integer({ min: -5, max: 5 }).map((d) => BASE + d * DAY);
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
const arbCondition = fc.array(
  fc.record({
    op: fc.constantFrom(...OPERATORS),
    epoch: fc.boolean(),
    values: fc.array(arbInstant, { minLength: 1, maxLength: 3 }),
  }),
  { minLength: 1, maxLength: 3 },
);

function documentOf(effect: "Allow" | "Deny", condition: { op: string; epoch: boolean; values: number[] }[]) {
  const cond: Record<string, Record<string, string[]>> = {};
  for (const c of condition) {
    const key = c.epoch ? "aws:EpochTime" : "aws:CurrentTime";
    (cond[c.op] ??= {})[key] = c.values.map((v) => (c.epoch ? String(v / 1000) : iso(v)));
  }
  const statements = [{ Effect: effect, Action: "s3:GetObject", Resource: "*", Condition: cond }];
  if (effect === "Deny") statements.unshift({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" } as never);
  return parsePolicyDocument({ Version: "2012-10-17", Statement: statements }, { file: "generated" });
}

describe("time windows", () => {
  it("a decision settled from earliestTime on is the decision at every later instant", () => {
    fc.assert(
      fc.property(fc.constantFrom("Allow" as const, "Deny" as const), arbCondition, arbInstant, fc.integer({ min: 0, max: 12 }), (effect, condition, earliest, later) => {
        const identityPolicies = [{ id: "inline:p", document: documentOf(effect, condition) }];
        const request = { action: "s3:GetObject", resource: "arn:aws:s3:::b/k" };
        const settled = evaluateRequest({ identityPolicies, request: { ...request, earliestTime: earliest } }).decision;
        const at = earliest + later * DAY;
        const concrete = evaluateRequest({ identityPolicies, request: { ...request, context: { "aws:CurrentTime": iso(at), "aws:EpochTime": String(at / 1000) } } }).decision;
        if (settled !== "conditional") expect(concrete).toBe(settled);
        // And the instant itself is one of the later ones.
        const now = evaluateRequest({ identityPolicies, request: { ...request, context: { "aws:CurrentTime": iso(earliest), "aws:EpochTime": String(earliest / 1000) } } }).decision;
        if (settled !== "conditional") expect(now).toBe(settled);
      }),
      { numRuns: 600 },
    );
  });

  it("the facts leave out a statement only when it allows nothing from earliestTime on, and call it unconditional only when it always allows", () => {
    fc.assert(
      fc.property(arbCondition, arbInstant, fc.integer({ min: 0, max: 12 }), (condition, earliest, later) => {
        const document = documentOf("Allow", condition);
        const facts = computePrincipalFacts({ inlinePolicies: [{ name: "p", document }], managedPolicies: [], earliestTime: earliest }, catalog);
        const at = earliest + later * DAY;
        const concrete = evaluateRequest({
          identityPolicies: [{ id: "inline:p", document }],
          request: { action: "s3:GetObject", resource: "arn:aws:s3:::b/k", context: { "aws:CurrentTime": iso(at), "aws:EpochTime": String(at / 1000) } },
        }).decision;
        if (facts.statements.length === 0) {
          expect(concrete).toBe("implicit-deny");
          expect(facts.allowedActionCount).toBe(0);
        } else if (!facts.statements[0]!.hasConditions) {
          expect(concrete).toBe("allowed");
          expect(facts.conditionalActionCount).toBe(0);
        }
      }),
      { numRuns: 400 },
    );
  });
});
