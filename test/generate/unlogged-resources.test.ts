/**
 * What the function's own data-event calls prove about the trail (src/generate/unlogged.ts): a call
 * on a resource shows that calls of its read/write class there are logged, nothing more. CloudTrail
 * selectors can log data events for some buckets or tables only (basic DataResources values, advanced
 * resources.ARN) and only reads or only writes (advanced readOnly), so s3:GetObject seen on one
 * bucket says nothing of s3:PutObject anywhere, nor of s3:GetObject on another bucket. Before, one
 * data-event call of a service had every unseen data-event action of that service left out of the
 * policy, on every resource: the function's first write to its output bucket failed in production.
 *
 * The usage is read from CloudTrail records as S3 delivers them (data events: eventCategory Data,
 * managementEvent false, readOnly, and the resources array with the object and its bucket, or the
 * table), through readUsage and labelUsage, as `leastrole collect` does.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generatePolicy } from "../../src/generate/index.js";
import { dataEventClass } from "../../src/generate/unlogged.js";
import { evaluateRequest, loadActionCatalogSync } from "../../src/iam/index.js";
import type { CanonicalDocument, PolicyDocument } from "../../src/model/document.js";
import type { DataEventTypeCoverage } from "../../src/model/usage.js";
import { labelUsage, readUsage } from "../../src/usage/index.js";
import { roleCallRecord } from "../support/cloudtrail-record.js";
import { ACCOUNT, action, document, lambdaFunction, REGION, role, roleArn, session } from "./fixtures.js";

const catalog = loadActionCatalogSync();
const allowed = (p: PolicyDocument, a: string, r: string): boolean => evaluateRequest({ identityPolicies: [p], request: { action: a, resource: r } }).decision === "allowed";
const TRAIL = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/org-trail`;

/** An S3 object data event as CloudTrail writes it: the object and its bucket in `resources`. */
function s3ObjectCall(fnName: string, r: string, name: string, bucket: string, key: string, day: string, seq: number): object {
  return roleCallRecord({
    account: ACCOUNT, roleArn: r, session: fnName, time: `${day}T10:00:00Z`, source: "s3", name, seq,
    extra: {
      requestParameters: { bucketName: bucket, Host: `${bucket}.s3.${REGION}.amazonaws.com`, key },
      readOnly: name.startsWith("Get"),
      resources: [{ type: "AWS::S3::Object", ARN: `arn:aws:s3:::${bucket}/${key}` }, { accountId: ACCOUNT, type: "AWS::S3::Bucket", ARN: `arn:aws:s3:::${bucket}` }],
      eventType: "AwsApiCall", managementEvent: false, eventCategory: "Data",
    },
  });
}

/** A DynamoDB item data event: the table in `resources`. */
function dynamodbItemCall(fnName: string, r: string, name: string, table: string, day: string, seq: number): object {
  return roleCallRecord({
    account: ACCOUNT, roleArn: r, session: fnName, time: `${day}T10:00:00Z`, source: "dynamodb", name, seq,
    extra: {
      requestParameters: { tableName: table, key: { pk: "HIDDEN_DUE_TO_SECURITY_REASONS" } },
      readOnly: name === "GetItem" || name === "Query",
      resources: [{ accountId: ACCOUNT, type: "AWS::DynamoDB::Table", ARN: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${table}` }],
      eventType: "AwsApiCall", managementEvent: false, eventCategory: "Data",
    },
  });
}

const DAYS = Array.from({ length: 30 }, (_, i) => `2026-10-${String(i + 1).padStart(2, "0")}`);

/** The function `name` with today's policy, its usage read from `records` (one a day, as collect reads them). */
async function scenario(name: string, today: PolicyDocument, call: (fnName: string, r: string, day: string, seq: number) => object, selectors?: DataEventTypeCoverage[]): Promise<{ doc: CanonicalDocument; arn: string }> {
  const r = roleArn(`${name}-role`);
  const fn = lambdaFunction(name, r);
  const doc = document([fn], [role(r, [fn.arn], [{ name: "today", document: today }])], [], { dataEvents: "present" });
  const dir = mkdtempSync(join(tmpdir(), "lr-unlogged-resources-"));
  const file = join(dir, "trail.json");
  writeFileSync(file, JSON.stringify({ Records: DAYS.map((d, i) => call(name, r, d, i + 1)) }));
  doc.usage = labelUsage(await readUsage([file]), doc, { asOf: "2026-10-31T00:00:00Z", windowDays: 30 });
  if (selectors !== undefined) doc.usage.coverage.dataEventSelectors = selectors;
  return { doc, arn: fn.arn };
}

const warning = (g: ReturnType<typeof generatePolicy>): string => g.warnings.find((w) => w.code === "data-events-not-logged")?.message ?? "";
const provenance = (g: ReturnType<typeof generatePolicy>, a: string, r: string) => g.grants.filter((x) => x.action === a && x.resource === r).map((x) => x.provenance.map((p) => p.kind));

describe("data-event actions, judged per resource and read/write class", () => {
  const buckets: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: ["arn:aws:s3:::reports-a/*", "arn:aws:s3:::exports-b/*"] }] };
  const readsA = (n: string, r: string, d: string, s: number) => s3ObjectCall(n, r, "GetObject", "reports-a", `2026/${d}.csv`, d, s);

  it("s3:GetObject seen on bucket A keeps s3:PutObject on A and B, and s3:GetObject on B", async () => {
    const { doc, arn } = await scenario("reports", buckets, readsA);
    expect(doc.usage.coverage.dataEvents).toBe("present");
    const g = generatePolicy(doc, arn, {}, catalog);
    // Before: PutObject was never seen, and the function's own S3 data events were in the logs, so
    // it was left out everywhere; GetObject was granted on the objects seen only.
    for (const b of ["reports-a", "exports-b"]) expect(allowed(g.policy, "s3:PutObject", `arn:aws:s3:::${b}/out/1.csv`), `PutObject on ${b}`).toBe(true);
    expect(allowed(g.policy, "s3:GetObject", "arn:aws:s3:::exports-b/x.csv")).toBe(true);
    expect(allowed(g.policy, "s3:GetObject", "arn:aws:s3:::reports-a/2026/2026-10-01.csv")).toBe(true);
    // On today's resources, never wider, as not-logged; GetObject on A stays the observed grant only.
    expect(provenance(g, "s3:PutObject", "arn:aws:s3:::reports-a/*")).toEqual([["not-logged"]]);
    expect(provenance(g, "s3:GetObject", "arn:aws:s3:::exports-b/*")).toEqual([["not-logged"]]);
    expect(provenance(g, "s3:GetObject", "arn:aws:s3:::reports-a/*")).toEqual([]);
    expect(allowed(g.policy, "s3:PutObject", "arn:aws:s3:::other-c/x.csv")).toBe(false);
    const w = warning(g);
    expect(w).toContain("Kept as today's policy grants them, since the function may call them unseen: s3:PutObject.");
    expect(w).toContain("Seen called, and also kept as today's policy grants them on the resources where the logs do not show calls of their class (read or write): s3:GetObject.");
    expect(w).toContain("Judged logged from the function's own data-event calls, so the calls of the same class there it was not seen making are left out: s3:GetObject calls on arn:aws:s3:::reports-a/*;");
    expect(w).not.toContain("Granted on the resources seen only");
  });

  it("a read of the same bucket not seen is left out: the logs show that bucket's reads", async () => {
    const today: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectTagging", "s3:DeleteObject"], Resource: ["arn:aws:s3:::reports-a/*"] }] };
    const g = generatePolicy((await scenario("reports", today, readsA)).doc, lambdaFunction("reports", roleArn("reports-role")).arn, {}, catalog);
    expect(allowed(g.policy, "s3:GetObjectTagging", "arn:aws:s3:::reports-a/2026/x.csv")).toBe(false);
    // A write there is not shown by reads: a trail may log reads only.
    expect(allowed(g.policy, "s3:DeleteObject", "arn:aws:s3:::reports-a/2026/x.csv")).toBe(true);
    expect(warning(g)).toContain("s3 reads on arn:aws:s3:::reports-a/*");
  });

  it("a grant on * or a wildcard reaching beyond the buckets seen is kept whole, and said", async () => {
    const today: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectTagging"], Resource: ["arn:aws:s3:::reports-*/*"] }, { Effect: "Allow", Action: ["s3:PutObject"], Resource: ["*"] }] };
    const g = generatePolicy((await scenario("reports", today, readsA)).doc, lambdaFunction("reports", roleArn("reports-role")).arn, {}, catalog);
    expect(provenance(g, "s3:GetObjectTagging", "arn:aws:s3:::reports-*/*")).toEqual([["not-logged"]]);
    expect(provenance(g, "s3:PutObject", "*")).toEqual([["not-logged"]]);
    expect(allowed(g.policy, "s3:GetObject", "arn:aws:s3:::reports-old/x.csv")).toBe(true);
    expect(warning(g)).toContain("Kept whole, as a wildcard cannot be split, though the logs show calls of the same class on some of what it grants: s3:GetObject on arn:aws:s3:::reports-*/*; s3:GetObjectTagging on arn:aws:s3:::reports-*/*.");
  });

  it("dynamodb:GetItem seen on table X keeps dynamodb:PutItem on X and Y, and the reads on Y", async () => {
    const X = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders`;
    const Y = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/customers`;
    const today: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], Resource: [X, Y] }] };
    const { doc, arn } = await scenario("orders", today, (n, r, d, s) => dynamodbItemCall(n, r, "GetItem", "orders", d, s));
    const g = generatePolicy(doc, arn, {}, catalog);
    for (const t of [X, Y]) expect(allowed(g.policy, "dynamodb:PutItem", t), `PutItem on ${t}`).toBe(true);
    expect(allowed(g.policy, "dynamodb:GetItem", Y)).toBe(true);
    expect(allowed(g.policy, "dynamodb:Query", Y)).toBe(true);
    // Reads of X are in the logs: the unseen Query there is left out.
    expect(allowed(g.policy, "dynamodb:Query", X)).toBe(false);
    expect(provenance(g, "dynamodb:PutItem", X)).toEqual([["not-logged"]]);
    expect(warning(g)).toContain(`dynamodb reads on ${X}`);
  });

  it("classes an action only where its access level and its name agree; the others are judged by their own calls", () => {
    const cls = (a: string) => dataEventClass(a, catalog.accessLevel(a));
    expect(["s3:GetObject", "s3:ListBucket", "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:Scan"].map(cls)).toEqual(["read", "read", "read", "read", "read"]);
    expect(["s3:PutObject", "s3:PutObjectTagging", "s3:PutObjectAcl", "dynamodb:PutItem", "lambda:InvokeFunction", "sqs:DeleteMessage"].map(cls)).toEqual(["write", "write", "write", "write", "write", "write"]);
    // Read in IAM, but ReceiveMessage changes the message's visibility; a condition check in a
    // write transaction; a management event; an action AWS does not document as logged.
    expect(["sqs:ReceiveMessage", "dynamodb:ConditionCheckItem", "ssm:GetParameter", "lambda:CheckpointDurableExecution"].map(cls)).toEqual([null, null, null, null]);
    const Q = `arn:aws:sqs:${REGION}:${ACCOUNT}:jobs`;
    const Q2 = `arn:aws:sqs:${REGION}:${ACCOUNT}:jobs-retry`;
    const r = roleArn("worker-role");
    const fn = lambdaFunction("worker", r);
    const today: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:GetQueueAttributes", "sqs:DeleteMessage"], Resource: [Q, Q2] }] };
    const doc = document([fn], [role(r, [fn.arn], [{ name: "today", document: today }])], [session(fn, [action("sqs:ReceiveMessage", 40, [Q])])], { dataEvents: "present" });
    const g = generatePolicy(doc, fn.arn, {}, catalog);
    // ReceiveMessage's own calls show it logged on the queue; nothing of another action's class.
    expect(provenance(g, "sqs:ReceiveMessage", Q)).toEqual([["observed"]]);
    expect(provenance(g, "sqs:ReceiveMessage", Q2)).toEqual([["not-logged"]]);
    for (const a of ["sqs:GetQueueAttributes", "sqs:DeleteMessage"]) for (const q of [Q, Q2]) expect(allowed(g.policy, a, q), `${a} on ${q}`).toBe(true);
  });

  describe("with the trail's event selectors", () => {
    const objects = (logged: "all" | "some", limits: string[]): DataEventTypeCoverage[] => [{ type: "AWS::S3::Object", logged, limits, statedBy: [TRAIL] }];

    it("logging every object's reads and writes: unseen object actions are left out, as before", async () => {
      const { doc, arn } = await scenario("reports", buckets, readsA, objects("all", []));
      const g = generatePolicy(doc, arn, {}, catalog);
      expect(allowed(g.policy, "s3:PutObject", "arn:aws:s3:::exports-b/x.csv")).toBe(false);
      expect(allowed(g.policy, "s3:GetObject", "arn:aws:s3:::exports-b/x.csv")).toBe(false);
      expect(g.grants.some((x) => x.provenance.some((p) => p.kind === "not-logged"))).toBe(false);
    });

    it("logging reads only (advanced readOnly true): writes are kept, the bucket's unseen reads left out", async () => {
      const today: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectTagging", "s3:PutObject"], Resource: ["arn:aws:s3:::reports-a/*", "arn:aws:s3:::exports-b/*"] }] };
      const { doc, arn } = await scenario("reports", today, readsA, objects("some", ["reads only"]));
      const g = generatePolicy(doc, arn, {}, catalog);
      expect(allowed(g.policy, "s3:PutObject", "arn:aws:s3:::reports-a/x.csv")).toBe(true);
      expect(allowed(g.policy, "s3:GetObject", "arn:aws:s3:::exports-b/x.csv")).toBe(true);
      expect(allowed(g.policy, "s3:GetObjectTagging", "arn:aws:s3:::exports-b/x.csv")).toBe(true);
      // The selectors filter on readOnly only: reads of the bucket seen are all in the logs.
      expect(allowed(g.policy, "s3:GetObjectTagging", "arn:aws:s3:::reports-a/x.csv")).toBe(false);
    });

    it("filtering on eventName: a call seen proves nothing of another action there", async () => {
      const today: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectTagging"], Resource: ["arn:aws:s3:::reports-a/*"] }] };
      const { doc, arn } = await scenario("reports", today, readsA, objects("some", ["eventName Equals GetObject"]));
      const g = generatePolicy(doc, arn, {}, catalog);
      expect(allowed(g.policy, "s3:GetObjectTagging", "arn:aws:s3:::reports-a/x.csv")).toBe(true);
      expect(warning(g)).not.toContain("Judged logged");
    });
  });
});
