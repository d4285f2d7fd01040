/**
 * The right-sizing diff looks each generated action up in a statement's set instead of walking the
 * statement's actions (~22,000 for `Action: "*"`). Law: for any policies today and any generated
 * build, its statements and counts are exactly what walking every action gives (diff-oracle.ts).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffAgainst } from "../../src/generate/diff.js";
import type { CurrentPolicy } from "../../src/generate/current-policies.js";
import type { PolicyBuild } from "../../src/generate/types.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import type { PolicyStatement } from "../../src/model/document.js";
import { referenceStatementSide } from "./diff-oracle.js";

const catalog = loadActionCatalogSync();
const ACCT = "123456789012";
const PATTERNS = ["*", "s3:*", "s3:Get*", "S3:getobject", "dynamodb:*", "dynamodb:GetItem", "dynamodb:Put*", "sqs:ReceiveMessage", "logs:*", "kms:Decrypt", "iam:PassRole", "ec2:Describe*", "nosuch:Thing", "s3:NoSuchAction"];
const ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "sqs:ReceiveMessage", "logs:PutLogEvents", "logs:CreateLogStream", "kms:Decrypt", "iam:PassRole", "ec2:DescribeInstances", "nosuch:Thing", "xray:PutTraceSegments"];
const RESOURCES = ["*", "arn:aws:s3:::orders/*", "arn:aws:s3:::orders/2026/*", "arn:aws:s3:::other", `arn:aws:dynamodb:us-east-1:${ACCT}:table/orders`, `arn:aws:dynamodb:us-east-1:${ACCT}:table/orders-*`, `arn:aws:sqs:us-east-1:${ACCT}:q`, `arn:aws:logs:us-east-1:${ACCT}:log-group:/aws/lambda/f:*`];

const arbStatement: fc.Arbitrary<PolicyStatement> = fc
  .record({
    effect: fc.constantFrom("Allow", "Allow", "Allow", "Deny"),
    not: fc.boolean(),
    actions: fc.uniqueArray(fc.constantFrom(...PATTERNS), { minLength: 1, maxLength: 3 }),
    resources: fc.uniqueArray(fc.constantFrom(...RESOURCES), { minLength: 1, maxLength: 3 }),
    resourceKind: fc.constantFrom("Resource", "Resource", "NotResource", "none"),
    condition: fc.boolean(),
    sid: fc.option(fc.constantFrom("A", "B", ""), { nil: undefined }),
  })
  .map((r) => {
    const st: Record<string, unknown> = { Effect: r.effect };
    st[r.not ? "NotAction" : "Action"] = r.actions;
    if (r.resourceKind !== "none") st[r.resourceKind] = r.resources;
    if (r.condition) st.Condition = { StringEquals: { "aws:RequestedRegion": "us-east-1" } };
    if (r.sid !== undefined) st.Sid = r.sid;
    return st as unknown as PolicyStatement;
  });

const arbPolicies: fc.Arbitrary<CurrentPolicy[]> = fc.array(
  fc.record({ kind: fc.constantFrom("inline" as const, "managed" as const), statements: fc.array(arbStatement, { minLength: 0, maxLength: 4 }) }),
  { maxLength: 3 },
).map((ps) => ps.map((p, i) => ({ id: p.kind === "inline" ? `inline:p${i}` : `arn:aws:iam::${ACCT}:policy/p${i}`, kind: p.kind, name: `p${i}`, document: { Version: "2012-10-17", Statement: p.statements } })));

const arbBuild: fc.Arbitrary<PolicyBuild> = fc
  .array(fc.record({ action: fc.constantFrom(...ACTIONS, "S3:GETOBJECT"), resource: fc.constantFrom(...RESOURCES) }), { maxLength: 12 })
  .map((grants) => {
    const bySid = new Map<string, { actions: Set<string>; resources: Set<string> }>();
    for (const g of grants) {
      const sid = g.action.split(":")[0]!.toLowerCase();
      const s = bySid.get(sid) ?? { actions: new Set(), resources: new Set() };
      s.actions.add(g.action);
      s.resources.add(g.resource);
      bySid.set(sid, s);
    }
    const statements = [...bySid].map(([sid, s]) => ({ sid, actions: [...s.actions].sort(), resources: [...s.resources].sort(), provenance: ["observed"] }));
    return { grants: grants.map((g) => ({ ...g, provenance: ["observed"] })), statements } as unknown as PolicyBuild;
  });

describe("right-sizing diff by set lookup", () => {
  it("equals the diff that walks every action of every statement", () => {
    fc.assert(
      fc.property(arbPolicies, arbBuild, (policies, build) => {
        const role = `arn:aws:iam::${ACCT}:role/r`;
        const d = diffAgainst(policies, [], role, build, role, catalog);
        const ref = referenceStatementSide(policies, build, catalog);
        expect(d.current).toEqual(ref.current);
        expect({ currentActions: d.summary.currentActions, removedActions: d.summary.removedActions, keptActions: d.summary.keptActions, narrowedActions: d.summary.narrowedActions }).toEqual(ref.counts);
      }),
      { numRuns: 200 },
    );
  });

  it("caps a `*` statement's removed list at 100 names and counts the rest", () => {
    const role = `arn:aws:iam::${ACCT}:role/r`;
    const policies: CurrentPolicy[] = [{ id: "inline:admin", kind: "inline", name: "admin", document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["*"], Resource: ["*"] }] } }];
    const build = { grants: [{ action: "s3:GetObject", resource: "arn:aws:s3:::orders/*" }], statements: [{ sid: "S3", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::orders/*"], provenance: ["observed"] }] } as unknown as PolicyBuild;
    const d = diffAgainst(policies, [], role, build, role, catalog);
    expect(d.current[0]!.removed.count).toBe(catalog.size - 1);
    expect(d.current[0]!.removed.actions).toHaveLength(100);
    expect(d.current[0]!.removed.truncated).toBe(true);
    expect(d.current[0]!.narrowed.map((n) => n.action)).toEqual(["s3:GetObject"]);
    expect(d.current).toEqual(referenceStatementSide(policies, build, catalog).current);
  });
});
