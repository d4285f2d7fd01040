/**
 * Calls on the function's role by a session leastrole could not attribute to a function (a
 * Lambda@Edge replica's `us-east-1.<function>`, a person or tool using the role): they may have
 * been the function's, so their successful calls are granted as its own would be.
 * Found by the CloudTrail sweep (session 14, /tmp/s14/out-trail/lambda-shapes).
 */
import { describe, expect, it } from "vitest";
import { generateForRole, generatePolicy } from "../../src/generate/index.js";
import { evaluateRequest, loadActionCatalogSync } from "../../src/iam/index.js";
import type { PolicyDocument } from "../../src/model/document.js";
import type { PrincipalUsage } from "../../src/model/usage.js";
import { ACCOUNT, action, document, lambdaFunction, REGION, role, roleArn, session } from "./fixtures.js";

const catalog = loadActionCatalogSync();
const allowed = (p: PolicyDocument, a: string, r: string): boolean => evaluateRequest({ identityPolicies: [p], request: { action: a, resource: r } }).decision === "allowed";
const TABLE = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders`;
const TODAY: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["dynamodb:*"], Resource: [`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders*`] }] };

function scenario() {
  const r = roleArn("orders-shared-role");
  const api = lambdaFunction("orders-api", r);
  const worker = lambdaFunction("orders-worker", r);
  const edge: PrincipalUsage = {
    ...session(api, [action("dynamodb:DescribeTable", 2, [TABLE]), action("dynamodb:ListTables", 1), action("iam:ListRoles", 1, [], { deniedCount: 1, errorCodes: { AccessDenied: 1 } })]),
    sessionKind: "other",
    sessionName: "us-east-1.orders-api",
    functionArn: null,
    functionName: null,
    regions: ["eu-west-1"],
  };
  const doc = document([api, worker], [role(r, [api.arn, worker.arn], [{ name: "orders", document: TODAY }])], [session(api, [action("dynamodb:GetItem", 10, [TABLE])]), session(worker, [action("dynamodb:Query", 4, [TABLE])]), edge]);
  return { doc, api, worker, r };
}

describe("calls by a session on the role attributed to no function", () => {
  it("are granted in each function's policy as its own calls would be, and named", () => {
    const { doc, api, worker } = scenario();
    for (const fn of [api, worker]) {
      const g = generatePolicy(doc, fn.arn, {}, catalog);
      expect(allowed(g.policy, "dynamodb:DescribeTable", TABLE), fn.name).toBe(true);
      // On the resources the calls touched, as observed calls; a call with no resource recorded
      // gets the type in the region the calls were made (the replica ran in eu-west-1).
      expect(allowed(g.policy, "dynamodb:DescribeTable", `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/users`)).toBe(false);
      expect(allowed(g.policy, "iam:ListRoles", "*")).toBe(false);
      const kept = g.grants.filter((x) => x.provenance.some((p) => p.kind === "unattributed"));
      expect(kept.map((x) => [x.action, x.resource])).toEqual([
        ["dynamodb:DescribeTable", TABLE],
        ["dynamodb:ListTables", "*"],
      ]);
      expect(kept[0]?.provenance).toEqual([{ kind: "unattributed", reason: "dynamodb:DescribeTable called on this role by session us-east-1.orders-api, which leastrole could not attribute to a function: 2 successful calls, last 2026-10-30T00:00:00Z" }]);
      expect(g.warnings.find((w) => w.code === "unattributed-sessions")?.message).toBe(
        `1 session(s) on role ${fn.roleArn} could not be attributed to a function (us-east-1.orders-api); they may have been this function's. Their successful calls are granted as if they were its own (provenance unattributed): dynamodb:DescribeTable, dynamodb:ListTables. Remove what this function does not need.`,
      );
      // Its denied call is not the function's to be told about.
      expect(g.warnings.filter((w) => w.code === "denied-calls-not-granted")).toEqual([]);
      // Grouped with the function's own call on the same table, each provenance named.
      expect(g.statements.find((s) => s.actions.includes("dynamodb:DescribeTable"))).toMatchObject({ sid: "DynamodbObservedUnattributed", provenance: ["observed", "unattributed"] });
    }
    // The function's own call stays scoped to what it called.
    expect(generatePolicy(doc, api.arn, {}, catalog).grants.filter((x) => x.action === "dynamodb:GetItem").map((x) => x.resource)).toEqual([TABLE]);
  });

  it("each grant names the sessions that called its action, not every unattributed session of the role", () => {
    // Before, both reasons said "by sessions i-0a1b2c3d4e5f60718, old-cleaner".
    const { doc, api } = scenario();
    const other = (name: string, actions: Parameters<typeof session>[1]): PrincipalUsage => ({ ...session(api, actions), sessionKind: "other", sessionName: name, functionArn: null, functionName: null });
    const two = { ...doc, usage: { ...doc.usage, principals: [...doc.usage.principals.filter((p) => p.sessionKind !== "other"), other("i-0a1b2c3d4e5f60718", [action("s3:ListAllMyBuckets", 30)]), other("old-cleaner", [action("dynamodb:DeleteItem", 3, [TABLE]), action("s3:ListAllMyBuckets", 2, [], { deniedCount: 2, errorCodes: { AccessDenied: 2 } })])] } };
    const g = generatePolicy(two, api.arn, {}, catalog);
    const reasons = Object.fromEntries(g.grants.flatMap((x) => x.provenance.filter((p) => p.kind === "unattributed").map((p) => [x.action, p.kind === "unattributed" ? p.reason : ""])));
    expect(reasons).toEqual({
      // old-cleaner's ListAllMyBuckets calls were all denied: it is no caller of what is granted.
      "s3:ListAllMyBuckets": "s3:ListAllMyBuckets called on this role by session i-0a1b2c3d4e5f60718, which leastrole could not attribute to a function: 30 successful calls, last 2026-10-30T00:00:00Z",
      "dynamodb:DeleteItem": "dynamodb:DeleteItem called on this role by session old-cleaner, which leastrole could not attribute to a function: 3 successful calls, last 2026-10-30T00:00:00Z",
    });
  });

  it("are in the role's union too", () => {
    const { doc, r } = scenario();
    const union = generateForRole(doc, r, {}, catalog).union;
    expect(allowed(union.policy, "dynamodb:DescribeTable", TABLE)).toBe(true);
  });
});
