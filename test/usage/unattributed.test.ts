/**
 * Sessions on an execution role that leastrole cannot attribute to a function. Found by the
 * CloudTrail sweep (session 14, /tmp/s14/out-trail/lambda-shapes): a dynamodb:DescribeTable call
 * on orders-shared-role by the session `us-east-1.orders-api` (a Lambda@Edge replica's name form)
 * left DescribeTable `unused: not seen in CloudTrail` for orders-api and orders-worker, and the
 * audit said nothing of the session.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDocument } from "../../src/audit/build-document.js";
import { emptyRoleFacts } from "../../src/iam/index.js";
import type { LambdaFunction, Role } from "../../src/model/document.js";
import { labelUsage, readUsage, unattributedSessionWarnings, type UsageAggregate } from "../../src/usage/index.js";
import { roleCallRecord } from "../support/cloudtrail-record.js";

const ACCT = "123456789012";
const ROLE = `arn:aws:iam::${ACCT}:role/service-role/orders-role`;
const LONE = `arn:aws:iam::${ACCT}:role/ci-role`;
const fnArn = (n: string): string => `arn:aws:lambda:us-east-1:${ACCT}:function:${n}`;

function role(arn: string, allowed: string[]): Role {
  return {
    arn, name: arn.split("/").pop() as string, path: "/", roleId: null, accountId: ACCT, createDate: "2025-01-01T00:00:00Z", trustPolicy: null,
    inlinePolicies: [], attachedPolicies: [], permissionsBoundaryArn: null, lastUsed: null, tags: {}, trustsLambda: true, functions: [], source: null,
    facts: { ...emptyRoleFacts(), allowedActions: allowed, allowedActionCount: allowed.length },
  };
}

function fn(name: string, roleArn: string): LambdaFunction {
  return {
    arn: fnArn(name), name, accountId: ACCT, region: "us-east-1", runtime: "nodejs20.x", packageType: "Zip", roleArn, versions: [], aliases: [],
    lastModified: "2025-05-01T00:00:00Z", vpc: null, tracingMode: null, environmentVariableNames: [], kmsKeyArn: null, deadLetterTargetArn: null,
    destinations: { onSuccess: null, onFailure: null }, logGroup: `/aws/lambda/${name}`, logFormat: null, layers: [], fileSystems: [], triggers: [],
    resourcePolicy: null, functionUrls: [], tags: {}, source: null,
  };
}

const DOC = {
  roles: [role(ROLE, ["dynamodb:DescribeTable", "dynamodb:ListBackups", "dynamodb:ListTables", "ssm:GetParameter"]), role(LONE, ["s3:ListAllMyBuckets"])],
  functions: [fn("orders-api", ROLE), fn("orders-worker", ROLE)],
};

let dir: string;
let agg: UsageAggregate;
let seq = 0;
const call = (roleArn: string, session: string, time: string, source: string, name: string, region = "us-east-1"): object => roleCallRecord({ account: ACCT, roleArn, session, time, source, name, seq: ++seq, region });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "leastrole-unattributed-"));
  const records = [
    // Every day of October covered by the functions' own calls.
    ...Array.from({ length: 31 }, (_, d) => call(ROLE, d % 2 === 0 ? "orders-api" : "orders-worker", `2026-10-${String(d + 1).padStart(2, "0")}T08:00:00Z`, "dynamodb", "ListTables")),
    call(ROLE, "us-east-1.orders-api", "2026-10-20T10:00:00Z", "dynamodb", "DescribeTable", "eu-west-1"),
    call(ROLE, "us-east-1.orders-api", "2026-10-21T10:00:00Z", "dynamodb", "DescribeTable", "eu-west-1"),
    call(ROLE, "deploy-bot", "2026-10-22T10:00:00Z", "dynamodb", "DescribeTable"),
    // Before the window: not evidence of use inside it.
    call(ROLE, "deploy-bot", "2026-08-01T10:00:00Z", "ssm", "GetParameter"),
    // A role that is no function's: labelled per role, no warning.
    call(LONE, "ci-run-7", "2026-10-10T10:00:00Z", "s3", "ListBuckets"),
  ];
  writeFileSync(join(dir, "trail.json"), JSON.stringify({ Records: records }));
  agg = await readUsage([join(dir, "trail.json")], { workers: 1 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const labelsOf = (section: ReturnType<typeof labelUsage>, name: string): { [action: string]: [string, string | null] } =>
  Object.fromEntries((section.labels.find((l) => l.functionArn === fnArn(name))?.permissions ?? []).map((p) => [p.action, [p.label, p.reason]]));

describe("calls on an execution role by a session attributed to no function", () => {
  it("are never unused for the role's functions: unknowable, naming the session", () => {
    const s = labelUsage(agg, DOC, { asOf: "2026-11-01T00:00:00Z" });
    for (const name of ["orders-api", "orders-worker"]) {
      const l = labelsOf(s, name);
      expect(l["dynamodb:DescribeTable"], name).toEqual(["unknowable", "used on this role by sessions deploy-bot, us-east-1.orders-api (3 calls), which leastrole could not attribute to a function"]);
      expect(l["dynamodb:ListTables"]).toEqual(["used", null]);
      // Only calls inside the window count; what no session called stays unused.
      expect(l["ssm:GetParameter"]).toEqual(["unused", "not seen in CloudTrail"]);
      expect(l["dynamodb:ListBackups"]).toEqual(["unused", "not seen in CloudTrail"]);
    }
    expect(s.principals.filter((p) => p.sessionKind === "other").map((p) => p.sessionName)).toEqual(["ci-run-7", "deploy-bot", "us-east-1.orders-api"]);
  });

  it("are said once per execution role, with the sessions' names and calls", () => {
    const s = labelUsage(agg, DOC, { asOf: "2026-11-01T00:00:00Z" });
    const w = unattributedSessionWarnings(s.principals, DOC.functions);
    expect(w).toEqual([
      {
        code: "unattributed-sessions",
        severity: "warning",
        message:
          `role ${ROLE}: 2 sessions leastrole could not attribute to a function (4 calls): deploy-bot (2 calls), us-east-1.orders-api (2 calls; named like a Lambda@Edge replica of orders-api, not attributed: AWS does not document replicas' session names). ` +
          "What they called counts as unknowable, never unused, for the role's functions (orders-api, orders-worker); generate grants their successful calls in those functions' policies, marked unattributed.",
      },
    ]);
  });

  it("say when a session is an EC2 instance's (the role is also an instance profile's)", () => {
    const s = labelUsage(agg, DOC, { asOf: "2026-11-01T00:00:00Z" });
    const base = s.principals.find((p) => p.sessionName === "deploy-bot")!;
    // EC2 names the session after the instance: i- and 17 hex digits (8 for instances before 2016).
    const ec2 = ["i-0dbc91f429e48eeed", "i-1a2b3c4d"].map((name) => ({ ...base, sessionName: name }));
    const notEc2 = { ...base, sessionName: "i-am-a-bot" };
    const [w] = unattributedSessionWarnings([...ec2, notEc2], DOC.functions);
    expect(w?.message).toContain("i-0dbc91f429e48eeed (2 calls; an EC2 instance's session: the role is also an instance profile's)");
    expect(w?.message).toContain("i-1a2b3c4d (2 calls; an EC2 instance's session: the role is also an instance profile's)");
    expect(w?.message).toContain("i-am-a-bot (2 calls)");
  });

  it("reach the audit's warnings (the document's meta.warnings)", async () => {
    const demo = join(import.meta.dirname, "../../examples/demo-account");
    const edge = join(dir, "edge");
    const shared = "arn:aws:iam::111122223333:role/service-role/orders-shared-role";
    writeFileSync(edge, JSON.stringify({ Records: [roleCallRecord({ account: "111122223333", roleArn: shared, session: "us-east-1.orders-api", time: "2026-11-20T10:00:00Z", source: "dynamodb", name: "DescribeTable", seq: 1, region: "eu-west-1" })] }));
    const doc = await buildDocument([demo, edge], { asOf: "2026-11-28T00:00:00Z" });
    const w = doc.meta.warnings.filter((x) => x.code === "unattributed-sessions");
    expect(w).toHaveLength(1);
    expect(w[0]?.message).toMatch(new RegExp(`^role ${shared}: 1 session leastrole could not attribute to a function \\(1 call\\): us-east-1\\.orders-api \\(1 call;`));
    for (const name of ["orders-api", "orders-worker"]) {
      const ls = doc.usage.labels.find((l) => l.functionArn?.endsWith(`:function:${name}`));
      expect(ls?.permissions.find((p) => p.action === "dynamodb:DescribeTable")?.label, name).toBe("unknowable");
    }
  });
});
