/**
 * Data-event actions the trail may not log (src/generate/unlogged.ts): a trail whose data-event
 * selectors cover S3 only shows no DynamoDB item call, so a granted dynamodb:Query the function
 * makes every day must not be left out of its policy. Found by the CloudTrail sweep (session 14):
 * generate removed billing-sync's 79 DynamoDB actions without a word when the trail kept S3 and
 * SQS data events but not DynamoDB's.
 */
import { describe, expect, it } from "vitest";
import { diffPolicies, generatePolicy } from "../../src/generate/index.js";
import { evaluateRequest, loadActionCatalogSync } from "../../src/iam/index.js";
import type { PolicyDocument } from "../../src/model/document.js";
import { ACCOUNT, action, document, lambdaFunction, REGION, role, roleArn, session } from "./fixtures.js";

const catalog = loadActionCatalogSync();
const allowed = (p: PolicyDocument, a: string, r: string): boolean => evaluateRequest({ identityPolicies: [p], request: { action: a, resource: r } }).decision === "allowed";
const TABLE = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/billing-2026-11`;

const TODAY: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Action: ["dynamodb:*"], Resource: ["*"] },
    { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: ["arn:aws:s3:::billing-exports/*"] },
    { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [`arn:aws:sqs:${REGION}:${ACCOUNT}:billing-*`], Condition: { Bool: { "aws:SecureTransport": ["true"] } } },
    { Effect: "Allow", Action: ["sns:Publish"], NotResource: [`arn:aws:sns:${REGION}:${ACCOUNT}:admin`] },
    { Effect: "Deny", Action: ["dynamodb:DeleteItem"], Resource: ["*"] },
  ],
};

function scenario(dataEvents: "logged" | "present" | "absent" | "unknown") {
  const r = roleArn("billing-sync-role");
  const fn = lambdaFunction("billing-sync", r);
  // What a trail with S3 data events only shows: the S3 object calls and management calls.
  const usage = session(fn, [action("s3:PutObject", 30, ["arn:aws:s3:::billing-exports/2026/11/a.csv"]), action("dynamodb:DescribeTable", 30, [TABLE])]);
  const doc = document([fn], [role(r, [fn.arn], [{ name: "billing-everything", document: TODAY }])], [usage], { dataEvents });
  return { doc, fn };
}

describe("data-event actions the trail may not log", () => {
  for (const dataEvents of ["present", "absent", "unknown"] as const) {
    it(`are kept as today's policy grants them when data events are ${dataEvents}`, () => {
      const { doc, fn } = scenario(dataEvents);
      const g = generatePolicy(doc, fn.arn, {}, catalog);
      // The calls the function makes that the trail does not show are still allowed…
      for (const a of ["dynamodb:Query", "dynamodb:BatchWriteItem", "dynamodb:GetItem"]) expect(allowed(g.policy, a, TABLE), a).toBe(true);
      // …and so is S3's GetObject: the function's own PutObject calls show the trail logs writes of
      // billing-exports, not its reads (a selector may log writes only).
      expect(allowed(g.policy, "s3:GetObject", "arn:aws:s3:::billing-exports/2026/11/b.csv")).toBe(true);
      // Only the writes the logs show there are judged: PutObject is granted on what it was seen on.
      expect(g.grants.some((x) => x.action === "s3:PutObject" && x.provenance.some((p) => p.kind === "not-logged"))).toBe(false);
      // Kept ones stay on today's resources, under today's conditions (sqs:SendMessage requires TLS).
      const sqs = g.statements.find((s) => s.actions.includes("sqs:SendMessage"));
      expect(sqs).toMatchObject({ resources: [`arn:aws:sqs:${REGION}:${ACCOUNT}:billing-*`], condition: { Bool: { "aws:SecureTransport": ["true"] } }, provenance: ["not-logged"] });
      // Management actions the usage would show stay out; Deny still applies; NotResource is not widened.
      expect(allowed(g.policy, "dynamodb:DeleteTable", TABLE)).toBe(false);
      expect(allowed(g.policy, "dynamodb:DeleteItem", TABLE)).toBe(false);
      expect(allowed(g.policy, "sns:Publish", `arn:aws:sns:${REGION}:${ACCOUNT}:alerts`)).toBe(false);
      // The observed data event keeps its observed resource.
      expect(g.grants.filter((x) => x.action === "s3:PutObject").map((x) => x.provenance.map((p) => p.kind))).toEqual([["observed"]]);

      const w = g.warnings.find((x) => x.code === "data-events-not-logged");
      expect(w?.message).toContain("Kept as today's policy grants them, since the function may call them unseen: dynamodb:BatchGetItem, dynamodb:BatchWriteItem, dynamodb:ConditionCheckItem,");
      expect(w?.message).toContain("dynamodb:Query");
      expect(w?.message).not.toContain("dynamodb:DeleteItem,");
      expect(w?.message).toContain("the usage holds data-event calls of s3 only");
      expect(w?.message).toContain("Granted on the resources seen only: s3:PutObject");
      expect(w?.message).toContain("Judged logged from the function's own data-event calls, so the calls of the same class there it was not seen making are left out: s3:PutObject calls on arn:aws:s3:::billing-exports/*;");
      expect(w?.message).toContain("s3:GetObject");
      expect(w?.message).toContain("Granted today only through NotResource, so not kept: sns:Publish");
      expect(w?.message).toContain("usage.dataEventsLogged: true");
      expect(g.statements.find((s) => s.actions.includes("dynamodb:Query"))?.sid).toBe("DynamodbNotLogged");
      expect(g.wildcards.find((x) => x.action === "dynamodb:Query")?.reason).toMatch(/data event the trail may not log/);

      // The right-sizing diff removes DynamoDB's management actions, not its data events.
      const d = diffPolicies(doc, fn.roleArn, g, fn.arn, catalog);
      const removed = d.current.flatMap((c) => c.removed.actions);
      expect(removed).toContain("dynamodb:DeleteTable");
      expect(removed).not.toContain("dynamodb:Query");
      expect(removed).not.toContain("dynamodb:BatchWriteItem");
    });
  }

  it("are left out, as the usage says, only when data events are logged for every resource", () => {
    const { doc, fn } = scenario("logged");
    const g = generatePolicy(doc, fn.arn, {}, catalog);
    expect(allowed(g.policy, "dynamodb:Query", TABLE)).toBe(false);
    expect(g.grants.some((x) => x.provenance.some((p) => p.kind === "not-logged"))).toBe(false);
    expect(g.warnings.map((w) => w.code)).not.toContain("data-events-not-logged");
  });

  it("CloudTrail never records some actions: kept whatever the trail logs, and named", () => {
    const r = roleArn("ws-role");
    const fn = lambdaFunction("ws", r);
    const api = `arn:aws:execute-api:${REGION}:${ACCOUNT}:abc123/prod/POST/@connections/*`;
    const today: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["execute-api:ManageConnections", "dynamodb:Query"], Resource: [api, TABLE] }] };
    for (const dataEvents of ["logged", "absent"] as const) {
      const doc = document([fn], [role(r, [fn.arn], [{ name: "today", document: today }])], [session(fn, [action("dynamodb:Query", 3, [TABLE])])], { dataEvents });
      const g = generatePolicy(doc, fn.arn, {}, catalog);
      expect(allowed(g.policy, "execute-api:ManageConnections", api), dataEvents).toBe(true);
      const w = g.warnings.find((x) => x.code === "data-events-not-logged");
      expect(w?.message).toContain("CloudTrail never records execute-api:ManageConnections");
    }
  });

  it("are not added to a policy made without usage (configuration only, as said)", () => {
    const r = roleArn("bare-role");
    const fn = lambdaFunction("bare", r);
    const g = generatePolicy(document([fn], [role(r, [fn.arn], [{ name: "today", document: TODAY }])], [], {}), fn.arn, {}, catalog);
    expect(g.grants.some((x) => x.provenance.some((p) => p.kind === "not-logged"))).toBe(false);
    expect(g.warnings.map((w) => w.code)).toEqual(["usage-absent"]);
  });
  it("management events the account's trail leaves out (write-only, KMS excluded) are kept, and named", () => {
    const r = roleArn("params-role");
    const fn = lambdaFunction("params", r);
    const param = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/params/*`;
    const key = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const today: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["ssm:GetParameter", "ssm:PutParameter"], Resource: [param] },
        { Effect: "Allow", Action: ["kms:Decrypt"], Resource: [key] },
        { Effect: "Allow", Action: ["sns:CreateTopic"], Resource: ["*"] },
      ],
    };
    const make = (reads: "logged" | "not-logged", kms: "logged" | "not-logged" | "unknown") => {
      const doc = document([fn], [role(r, [fn.arn], [{ name: "today", document: today }])], [session(fn, [action("sns:CreateTopic", 4, [`arn:aws:sns:${REGION}:${ACCOUNT}:orders`])])], { dataEvents: "logged" });
      doc.usage.coverage.managementEvents = [{ accountId: ACCOUNT, events: 5000, readEvents: reads === "logged" ? 4000 : 0, kmsEvents: kms === "logged" ? 100 : 0, reads, kms }];
      return generatePolicy(doc, fn.arn, {}, catalog);
    };
    // Write-only trail: the reads the function may make unseen are kept on today's resources; its unseen writes are not.
    const writeOnly = make("not-logged", "unknown");
    expect(allowed(writeOnly.policy, "ssm:GetParameter", `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/params/db`)).toBe(true);
    expect(allowed(writeOnly.policy, "kms:Decrypt", key)).toBe(true);
    expect(allowed(writeOnly.policy, "ssm:PutParameter", `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/params/db`)).toBe(false);
    expect(writeOnly.grants.find((g) => g.action === "ssm:GetParameter")?.provenance).toEqual([{ kind: "not-logged", reason: expect.stringMatching(/^read event the trail does not log/) }]);
    const w = writeOnly.warnings.find((x) => x.code === "management-events-not-logged");
    expect(w?.message).toContain("Kept as today's policy grants them: kms:Decrypt, ssm:GetParameter.");
    expect(writeOnly.warnings.find((x) => x.code === "data-events-not-logged")).toBeUndefined();
    // KMS events excluded: kms:Decrypt only.
    const noKms = make("logged", "not-logged");
    expect(allowed(noKms.policy, "kms:Decrypt", key)).toBe(true);
    expect(allowed(noKms.policy, "ssm:GetParameter", `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/params/db`)).toBe(false);
    // The same roles and policies with another usage section: what is kept follows the usage, not a
    // cache of the first answer (found in review: the granted-and-unseen list was cached per role only).
    const shared = document([fn], [role(r, [fn.arn], [{ name: "today", document: today }])], [session(fn, [action("sns:CreateTopic", 4, [`arn:aws:sns:${REGION}:${ACCOUNT}:orders`])])], { dataEvents: "logged" });
    const asSaid = (reads: "logged" | "not-logged") => ({ ...shared, usage: { ...shared.usage, coverage: { ...shared.usage.coverage, managementEvents: [{ accountId: ACCOUNT, events: 5000, readEvents: reads === "logged" ? 4000 : 0, kmsEvents: 100, reads, kms: "logged" as const }] } } });
    expect(allowed(generatePolicy(asSaid("logged"), fn.arn, {}, catalog).policy, "ssm:GetParameter", `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/params/db`)).toBe(false);
    expect(allowed(generatePolicy(asSaid("not-logged"), fn.arn, {}, catalog).policy, "ssm:GetParameter", `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/params/db`)).toBe(true);
    // A trail that logs both: neither is kept, and nothing is said.
    const full = make("logged", "logged");
    expect(allowed(full.policy, "kms:Decrypt", key)).toBe(false);
    expect(full.warnings.map((x) => x.code)).not.toContain("management-events-not-logged");
    // A read-only trail: the unseen writes are kept, the reads (which it logs) are not.
    const shows = (writes: "logged" | "not-logged", reads: "logged" | "not-logged") => {
      const doc = document([fn], [role(r, [fn.arn], [{ name: "today", document: today }])], [session(fn, [action("ssm:GetParameter", 4, [`arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/params/db`])])], { dataEvents: "logged" });
      doc.usage.coverage.managementEvents = [{ accountId: ACCOUNT, events: 5000, readEvents: 5000, kmsEvents: 100, reads, kms: "logged", writes }];
      return generatePolicy(doc, fn.arn, {}, catalog);
    };
    const readOnly = shows("not-logged", "logged");
    expect(allowed(readOnly.policy, "ssm:PutParameter", `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/params/db`)).toBe(true);
    expect(allowed(readOnly.policy, "sns:CreateTopic", `arn:aws:sns:${REGION}:${ACCOUNT}:orders`)).toBe(true);
    expect(allowed(readOnly.policy, "kms:Decrypt", key)).toBe(false);
    expect(readOnly.grants.find((g) => g.action === "ssm:PutParameter")?.provenance).toEqual([{ kind: "not-logged", reason: expect.stringMatching(/^write event the trail does not log/) }]);
    expect(readOnly.warnings.find((x) => x.code === "management-events-not-logged")?.message).toContain("Kept as today's policy grants them: sns:CreateTopic, ssm:PutParameter.");
    // The Lambda service's own log writes stay the requirements', not kept as unlogged writes.
    expect(readOnly.grants.filter((g) => g.action.startsWith("logs:")).every((g) => g.provenance.every((p) => p.kind !== "not-logged"))).toBe(true);
    // No management event logged at all: today's grants are all kept.
    const none = shows("not-logged", "not-logged");
    for (const [a, res] of [["ssm:PutParameter", `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/params/db`], ["kms:Decrypt", key], ["sns:CreateTopic", "*"]] as const) expect(allowed(none.policy, a, res), a).toBe(true);
  });
});

describe("grants carried over that can match nothing", () => {
  it("are left out: s3:* on bucket/* keeps object actions there, bucket actions only on the bucket", () => {
    const r = roleArn("media-role");
    const fn = lambdaFunction("media", r);
    const today: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:*"], Resource: ["arn:aws:s3:::media/*", "arn:aws:s3:::media"] }] };
    const doc = document([fn], [role(r, [fn.arn], [{ name: "media-everything", document: today }])], [session(fn, [action("dynamodb:DescribeTable", 3, [TABLE])])], { dataEvents: "unknown" });
    const g = generatePolicy(doc, fn.arn, {}, catalog);
    const on = (a: string) => g.grants.filter((x) => x.action === a).map((x) => x.resource).sort();
    // Kept as today grants them (S3 data events may not be logged), each on what it can match.
    expect(on("s3:ListBucket")).toEqual(["arn:aws:s3:::media"]);
    expect(on("s3:GetObject")).toEqual(["arn:aws:s3:::media/*"]);
    expect(allowed(g.policy, "s3:ListBucket", "arn:aws:s3:::media")).toBe(true);
    expect(allowed(g.policy, "s3:GetObject", "arn:aws:s3:::media/2026/a.jpg")).toBe(true);
    // Before: ListBucket, ListBucketVersions … also on media/*, which names no bucket.
    expect(g.grants.some((x) => x.action.startsWith("s3:ListBucket") && x.resource.includes("/"))).toBe(false);
  });

  it("an action granted today on nothing it can match is neither kept nor named as kept", () => {
    const r = roleArn("media-role");
    const fn = lambdaFunction("media", r);
    const today: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:ListBucket", "s3:GetObject"], Resource: ["arn:aws:s3:::media/*"] }] };
    const doc = document([fn], [role(r, [fn.arn], [{ name: "media-objects", document: today }])], [session(fn, [action("dynamodb:DescribeTable", 3, [TABLE])])], { dataEvents: "unknown" });
    const g = generatePolicy(doc, fn.arn, {}, catalog);
    expect(g.grants.filter((x) => x.action === "s3:ListBucket")).toEqual([]);
    const w = g.warnings.find((x) => x.code === "data-events-not-logged")?.message ?? "";
    expect(w).toContain("s3:GetObject");
    expect(w).not.toContain("s3:ListBucket");
  });
});
