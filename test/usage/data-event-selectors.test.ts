/**
 * Data events the trail's event selectors log (src/usage/event-selectors.ts, not-logged.ts
 * dataEventTypeOf): a trail logging S3 data events for every bucket shows every s3:GetObject, so a
 * granted s3:GetObject the function never calls is unused, not unknowable; one logging one bucket
 * shows nothing of the others, and DynamoDB stays unknowable whatever S3's selectors say.
 * The selectors are as `aws cloudtrail get-event-selectors` prints them (the CLI reference's
 * examples: basic DataResources with `arn:aws:s3` / `arn:aws:lambda`, advanced field selectors).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Role } from "../../src/model/document.js";
import { dataEventsOfTrails, parseEventSelectors } from "../../src/usage/event-selectors.js";
import { labelUsage, readUsage } from "../../src/usage/index.js";
import { dataEventTypeOf } from "../../src/usage/not-logged.js";
import { grantsWithinPrefixes } from "../../src/usage/data-event-scope.js";
import { roleCallRecord } from "../support/cloudtrail-record.js";
import { roleWithFunction } from "./helpers.js";
import { generatePolicy } from "../../src/generate/index.js";
import { evaluateRequest, loadActionCatalogSync } from "../../src/iam/index.js";
import type { PolicyDocument } from "../../src/model/document.js";
import { ACCOUNT, action, document, lambdaFunction, REGION, role as roleOf, roleArn, session } from "../generate/fixtures.js";

const ACCT = "123456789012";
const TRAIL = `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/org-trail`;
const basic = (resources: Array<{ Type: string; Values: string[] }>, readWriteType = "All", includeManagement = true) => ({
  TrailARN: TRAIL,
  EventSelectors: [{ ReadWriteType: readWriteType, IncludeManagementEvents: includeManagement, DataResources: resources, ExcludeManagementEventSources: [] }],
});
const advanced = (...selectors: Array<Array<{ Field: string; [op: string]: unknown }>>) => ({
  TrailARN: TRAIL,
  AdvancedEventSelectors: [
    { Name: "Management events selector", FieldSelectors: [{ Field: "eventCategory", Equals: ["Management"] }] },
    ...selectors.map((fields, i) => ({ Name: `data ${i}`, FieldSelectors: [{ Field: "eventCategory", Equals: ["Data"] }, ...fields] })),
  ],
});
const type = (t: string) => ({ Field: "resources.type", Equals: [t] });

describe("data-event selectors", () => {
  it("read every resource of a type from the service's bare ARN prefix, in any partition", () => {
    const all = parseEventSelectors(basic([{ Type: "AWS::S3::Object", Values: ["arn:aws:s3"] }, { Type: "AWS::Lambda::Function", Values: ["arn:aws:lambda"] }, { Type: "AWS::DynamoDB::Table", Values: ["arn:aws:dynamodb"] }]));
    expect(all.dataEvents).toEqual([
      { type: "AWS::DynamoDB::Table", reads: "all", writes: "all", limits: [] },
      { type: "AWS::Lambda::Function", reads: "all", writes: "all", limits: [] },
      { type: "AWS::S3::Object", reads: "all", writes: "all", limits: [] },
    ]);
    for (const v of ["arn:aws:s3:::", "arn:aws-cn:s3", "arn:aws-us-gov:s3:::"]) {
      expect(parseEventSelectors(basic([{ Type: "AWS::S3::Object", Values: [v] }])).dataEvents?.[0], v).toMatchObject({ reads: "all", writes: "all" });
    }
    // Data resources are logged even by a selector that leaves management events out.
    expect(parseEventSelectors(basic([{ Type: "AWS::S3::Object", Values: ["arn:aws:s3"] }], "All", false))).toMatchObject({ readEvents: false, dataEvents: [{ type: "AWS::S3::Object", reads: "all" }] });
    // No data resources: no data events.
    expect(parseEventSelectors(basic([])).dataEvents).toBeUndefined();
    // Data resources without values log nothing: the selectors Stratus Red Team's
    // cloudtrail-event-selectors attack puts on a trail (corpus: invictus-ir-aws-dataset, its
    // PutEventSelectors record's responseElements) leave it logging no event at all.
    const stratus = {
      TrailARN: "arn:aws:cloudtrail:us-east-1:123837392027:trail/stratus-red-team-ctes-trail-qyxyekjbtk",
      EventSelectors: [{ ReadWriteType: "ReadOnly", IncludeManagementEvents: false, DataResources: [{ Type: "AWS::S3::Object", Values: [] }, { Type: "AWS::Lambda::Function", Values: [] }], ExcludeManagementEventSources: [] }],
    };
    expect(parseEventSelectors(stratus)).toEqual({ trail: stratus.TrailARN, readEvents: false, writeEvents: false, kmsEvents: false });
  });

  it("take named buckets, one read/write type, or any field but readOnly as some calls only", () => {
    const bucket = parseEventSelectors(basic([{ Type: "AWS::S3::Object", Values: ["arn:aws:s3:::amzn-s3-demo-bucket/"] }]));
    expect(bucket.dataEvents).toEqual([
      { type: "AWS::S3::Object", reads: "some", writes: "some", limits: ["1 resource ARN prefix (arn:aws:s3:::amzn-s3-demo-bucket/)"], readPrefixes: ["arn:aws:s3:::amzn-s3-demo-bucket/"], writePrefixes: ["arn:aws:s3:::amzn-s3-demo-bucket/"] },
    ]);
    expect(parseEventSelectors(basic([{ Type: "AWS::S3::Object", Values: ["arn:aws:s3"] }], "WriteOnly")).dataEvents).toEqual([{ type: "AWS::S3::Object", reads: "none", writes: "all", limits: ["writes only"] }]);
    expect(parseEventSelectors(advanced([type("AWS::S3::Object"), { Field: "resources.ARN", StartsWith: ["arn:aws:s3:::orders-"] }])).dataEvents).toEqual([
      { type: "AWS::S3::Object", reads: "some", writes: "some", limits: ["resources.ARN StartsWith arn:aws:s3:::orders-"] },
    ]);
    expect(parseEventSelectors(advanced([type("AWS::DynamoDB::Table"), { Field: "eventName", NotEquals: ["Scan"] }])).dataEvents?.[0]).toMatchObject({ reads: "some", writes: "some" });
    // Advanced: the type alone is every resource; readOnly splits it, and two selectors join again.
    expect(parseEventSelectors(advanced([type("AWS::SQS::Queue")])).dataEvents).toEqual([{ type: "AWS::SQS::Queue", reads: "all", writes: "all", limits: [] }]);
    expect(parseEventSelectors(advanced([type("AWS::SQS::Queue"), { Field: "readOnly", Equals: ["true"] }])).dataEvents).toEqual([{ type: "AWS::SQS::Queue", reads: "all", writes: "none", limits: ["reads only"] }]);
    expect(parseEventSelectors(advanced([type("AWS::SQS::Queue"), { Field: "readOnly", Equals: ["true"] }], [type("AWS::SQS::Queue"), { Field: "readOnly", Equals: ["false"] }])).dataEvents).toEqual([{ type: "AWS::SQS::Queue", reads: "all", writes: "all", limits: [] }]);
    // Management selectors are not data selectors.
    expect(parseEventSelectors(advanced()).dataEvents).toBeUndefined();
  });

  it("join across trails: one trail's reads and another's writes make every call logged", () => {
    const reads = parseEventSelectors(basic([{ Type: "AWS::S3::Object", Values: ["arn:aws:s3"] }], "ReadOnly"));
    const writes = { ...parseEventSelectors(basic([{ Type: "AWS::S3::Object", Values: ["arn:aws:s3"] }], "WriteOnly")), trail: `${TRAIL}-writes` };
    expect(dataEventsOfTrails([reads])).toEqual([{ type: "AWS::S3::Object", logged: "some", limits: ["reads only"], statedBy: [TRAIL], loggedEverywhere: "reads" }]);
    expect(dataEventsOfTrails([reads, writes])).toEqual([{ type: "AWS::S3::Object", logged: "all", limits: [], statedBy: [TRAIL, `${TRAIL}-writes`] }]);
  });

  it("map each judged action to the one type CloudTrail records it under", () => {
    expect(dataEventTypeOf("s3:GetObject")).toBe("AWS::S3::Object");
    expect(dataEventTypeOf("S3:ListBucket")).toBe("AWS::S3::Object");
    expect(dataEventTypeOf("dynamodb:Query")).toBe("AWS::DynamoDB::Table");
    expect(dataEventTypeOf("dynamodb:GetRecords")).toBe("AWS::DynamoDB::Stream");
    expect(dataEventTypeOf("kinesis:GetRecords")).toBe("AWS::Kinesis::Stream");
    expect(dataEventTypeOf("lambda:InvokeFunction")).toBe("AWS::Lambda::Function");
    // Publish goes to a topic, a platform endpoint or a phone number: not judged by any one type.
    expect(dataEventTypeOf("sns:Publish")).toBeNull();
    expect(dataEventTypeOf("ssm:GetParameter")).toBeNull();
  });
});

// ---- labels: a function with S3, DynamoDB and Lambda data-event grants on a trail with selectors

const ROLE = `arn:aws:iam::${ACCT}:role/exports-role`;
const FN = `arn:aws:lambda:us-east-1:${ACCT}:function:exports`;
const GRANTED = ["dynamodb:GetItem", "lambda:InvokeFunction", "s3:DeleteObject", "s3:GetObject", "s3:PutObject", "sns:Publish", "ssm:GetParameter"];
const { role, fn } = roleWithFunction(ACCT, "exports-role", "exports", GRANTED);

/** The function's S3 PutObject data event every day of October 2026 (one a day covers the window). */
function records(readOnlyManagement = true): object[] {
  return Array.from({ length: 31 }, (_, i) => {
    const day = `2026-10-${String(i + 1).padStart(2, "0")}`;
    return [
      roleCallRecord({ account: ACCT, roleArn: ROLE, session: "exports", time: `${day}T10:00:00Z`, source: "s3", name: "PutObject", seq: 2 * i + 1, extra: { readOnly: false, managementEvent: false, eventCategory: "Data", eventType: "AwsApiCall", resources: [{ type: "AWS::S3::Object", ARN: `arn:aws:s3:::exports/${day}.csv` }] } }),
      roleCallRecord({ account: ACCT, roleArn: ROLE, session: "ops", time: `${day}T11:00:00Z`, source: "iam", name: readOnlyManagement ? "ListRoles" : "UpdateRole", seq: 2 * i + 2, extra: { readOnly: readOnlyManagement } }),
    ];
  }).flat();
}

async function labels(selectors: object[], said: { dataEventsLogged?: boolean; readEventsLogged?: boolean } = {}, who: Role = role) {
  const dir = mkdtempSync(join(tmpdir(), "lr-data-selectors-"));
  const file = join(dir, "trail.json");
  writeFileSync(file, JSON.stringify({ Records: records() }));
  const extra = selectors.map((sel, i) => {
    const f = join(dir, `event-selectors-${i}.json`);
    writeFileSync(f, JSON.stringify(sel, null, 4));
    return f;
  });
  const usage = labelUsage(await readUsage([file, ...extra]), { roles: [who], functions: [fn], policies: {} }, { asOf: "2026-11-01T00:00:00Z", windowDays: 30, ...said });
  const byAction = new Map((usage.labels.find((l) => l.functionArn === FN)?.permissions ?? []).map((p) => [p.action, p]));
  return { usage, byAction };
}

describe("labels under data-event selectors", () => {
  it("judge the actions of a type logged for every resource; others stay unknowable", async () => {
    const { usage, byAction } = await labels([basic([{ Type: "AWS::S3::Object", Values: ["arn:aws:s3"] }])]);
    expect(usage.coverage.dataEventSelectors).toEqual([{ type: "AWS::S3::Object", logged: "all", limits: [], statedBy: [TRAIL] }]);
    expect(byAction.get("s3:PutObject")?.label).toBe("used");
    // Never called, and the trail would show it: unused.
    expect(byAction.get("s3:GetObject")).toMatchObject({ label: "unused", reason: "not seen in CloudTrail" });
    expect(byAction.get("s3:DeleteObject")?.label).toBe("unused");
    // Other types: as before.
    expect(byAction.get("dynamodb:GetItem")).toMatchObject({ label: "unknowable", reason: "data event: logged only when the trail records data events for the resource" });
    expect(byAction.get("lambda:InvokeFunction")?.label).toBe("unknowable");
    expect(byAction.get("sns:Publish")?.label).toBe("unknowable");
    expect(byAction.get("ssm:GetParameter")?.label).toBe("unused");
  });

  it("keep actions of a type logged for some resources only unknowable, saying which", async () => {
    const { byAction } = await labels([basic([{ Type: "AWS::S3::Object", Values: ["arn:aws:s3:::exports/"] }])]);
    expect(byAction.get("s3:GetObject")).toMatchObject({
      label: "unknowable",
      reason: `data event: the event selectors of ${TRAIL} log AWS::S3::Object for some calls only (1 resource ARN prefix (arn:aws:s3:::exports/))`,
    });
    // Reads only: a write not seen may be a write not logged.
    const readsOnly = await labels([advanced([type("AWS::S3::Object"), { Field: "readOnly", Equals: ["true"] }])]);
    expect(readsOnly.byAction.get("s3:DeleteObject")?.reason).toContain("(reads only)");
  });

  it("give way to the configuration's dataEventsLogged, and are not hidden by a management read gap", async () => {
    const configured = await labels([basic([{ Type: "AWS::S3::Object", Values: ["arn:aws:s3:::exports/"] }])], { dataEventsLogged: true });
    expect(configured.byAction.get("s3:GetObject")?.label).toBe("unused");
    expect(configured.byAction.get("dynamodb:GetItem")?.label).toBe("unused");
    // The configuration says read management events are not logged: ssm:GetParameter is unknowable,
    // but s3:GetObject is a data event, which the S3 selectors log.
    const gap = await labels([basic([{ Type: "AWS::S3::Object", Values: ["arn:aws:s3"] }])], { readEventsLogged: false });
    expect(gap.byAction.get("ssm:GetParameter")?.label).toBe("unknowable");
    expect(gap.byAction.get("s3:GetObject")?.label).toBe("unused");
  });
});

describe("S3 object data events logged for some prefixes", () => {
  it("are read from basic Values and advanced resources.ARN StartsWith, reads and writes apart", () => {
    expect(parseEventSelectors(basic([{ Type: "AWS::S3::Object", Values: ["arn:aws:s3:::exports/", "arn:aws:s3:::logs"] }])).dataEvents).toEqual([
      { type: "AWS::S3::Object", reads: "some", writes: "some", limits: ["2 resource ARN prefixes (arn:aws:s3:::exports/, arn:aws:s3:::logs)"], readPrefixes: ["arn:aws:s3:::exports/"], writePrefixes: ["arn:aws:s3:::exports/"] },
    ]);
    expect(parseEventSelectors(basic([{ Type: "AWS::S3::Object", Values: ["arn:aws:s3:::exports/"] }], "ReadOnly")).dataEvents?.[0]).toMatchObject({ readPrefixes: ["arn:aws:s3:::exports/"] });
    expect(parseEventSelectors(basic([{ Type: "AWS::S3::Object", Values: ["arn:aws:s3:::exports/"] }], "ReadOnly")).dataEvents?.[0]?.writePrefixes).toBeUndefined();
    expect(parseEventSelectors(advanced([type("AWS::S3::Object"), { Field: "resources.ARN", StartsWith: ["arn:aws:s3:::exports/reports/"] }])).dataEvents?.[0]).toMatchObject({ readPrefixes: ["arn:aws:s3:::exports/reports/"], writePrefixes: ["arn:aws:s3:::exports/reports/"] });
    // Another filter beside the ARN: some of the prefix's calls are left out, so no prefix is known.
    const filtered = parseEventSelectors(advanced([type("AWS::S3::Object"), { Field: "resources.ARN", StartsWith: ["arn:aws:s3:::exports/"] }, { Field: "eventName", Equals: ["PutObject"] }])).dataEvents?.[0];
    expect(filtered?.readPrefixes).toBeUndefined();
    expect(parseEventSelectors(advanced([type("AWS::S3::Object"), { Field: "resources.ARN", NotStartsWith: ["arn:aws:s3:::exports/"] }])).dataEvents?.[0]?.readPrefixes).toBeUndefined();
    // Across trails: a prefix counts where its reads and its writes are both logged.
    const reads = parseEventSelectors(basic([{ Type: "AWS::S3::Object", Values: ["arn:aws:s3:::exports/"] }], "ReadOnly"));
    const writes = { ...parseEventSelectors(basic([{ Type: "AWS::S3::Object", Values: ["arn:aws:s3:::exports/reports/"] }], "WriteOnly")), trail: `${TRAIL}-w` };
    expect(dataEventsOfTrails([reads, writes])[0]).toMatchObject({ logged: "some", prefixes: ["arn:aws:s3:::exports/reports/"] });
    expect(dataEventsOfTrails([reads])[0]?.prefixes).toBeUndefined();
  });

  it("judge a grant only when every Allow of the object action lies under them", () => {
    const P = ["arn:aws:s3:::exports/"];
    const allow = (Action: string[], Resource: string[], extra: object = {}) => ({ Effect: "Allow" as const, Action, Resource, ...extra });
    expect(grantsWithinPrefixes([allow(["s3:GetObject"], ["arn:aws:s3:::exports/*"])], "s3:GetObject", P)).toBe(true);
    expect(grantsWithinPrefixes([allow(["s3:Get*"], ["arn:aws:s3:::exports/reports/${aws:PrincipalTag/team}/*"], { Condition: { Bool: { "aws:SecureTransport": ["true"] } } })], "s3:GetObject", P)).toBe(true);
    expect(grantsWithinPrefixes([allow(["s3:GetObject"], ["arn:aws:s3:::exports/*"]), allow(["s3:*"], ["arn:aws:s3:::other/*"])], "s3:GetObject", P)).toBe(false);
    for (const r of ["*", "arn:aws:s3:::exp*/a", "arn:aws:s3:::exports", "arn:aws:s3:::exports-archive/*"]) expect(grantsWithinPrefixes([allow(["s3:GetObject"], [r])], "s3:GetObject", P), r).toBe(false);
    expect(grantsWithinPrefixes([{ Effect: "Allow", Action: ["s3:GetObject"], NotResource: ["arn:aws:s3:::secret/*"] }], "s3:GetObject", P)).toBe(false);
    // A Deny takes away only; a bucket-level call's resource is the bucket, which no object prefix names.
    expect(grantsWithinPrefixes([allow(["s3:GetObject"], ["arn:aws:s3:::exports/*"]), { Effect: "Deny", Action: ["s3:*"], Resource: ["*"] }], "s3:GetObject", P)).toBe(true);
    expect(grantsWithinPrefixes([allow(["s3:ListBucket"], ["arn:aws:s3:::exports/*"])], "s3:ListBucket", P)).toBe(false);
    expect(grantsWithinPrefixes([], "s3:GetObject", P)).toBe(false);
  });

  it("make the object actions of a role scoped under them unused when not called; a wider role's stay unknowable", async () => {
    const scoped: Role = { ...role, inlinePolicies: [{ name: "exports", source: null, document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: ["arn:aws:s3:::exports/*"] }, { Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: ["*"] }] } }] };
    const selectors = [basic([{ Type: "AWS::S3::Object", Values: ["arn:aws:s3:::exports/"] }])];
    const { usage, byAction } = await labels(selectors, {}, scoped);
    expect(usage.coverage.dataEventSelectors?.[0]).toMatchObject({ type: "AWS::S3::Object", logged: "some", prefixes: ["arn:aws:s3:::exports/"] });
    expect(byAction.get("s3:PutObject")?.label).toBe("used");
    expect(byAction.get("s3:GetObject")).toMatchObject({ label: "unused", reason: "not seen in CloudTrail" });
    expect(byAction.get("s3:DeleteObject")?.label).toBe("unused");
    expect(byAction.get("dynamodb:GetItem")?.label).toBe("unknowable");
    const wide: Role = { ...scoped, inlinePolicies: [{ name: "wide", source: null, document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:*"], Resource: ["*"] }] } }] };
    const other = await labels(selectors, {}, wide);
    expect(other.byAction.get("s3:GetObject")?.label).toBe("unknowable");
  });
});

// ---- generate: the types logged for every resource are left out when unseen

describe("generate under data-event selectors", () => {
  const catalog = loadActionCatalogSync();
  const allowed = (p: PolicyDocument, a: string, r: string): boolean => evaluateRequest({ identityPolicies: [p], request: { action: a, resource: r } }).decision === "allowed";
  const TABLE = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/billing-2026-11`;
  const today: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["dynamodb:*", "s3:*", "sqs:SendMessage"], Resource: ["*"] }] };

  it("leaves out unseen actions of a type logged for every resource, keeps the others", () => {
    const r = roleArn("billing-role");
    const f = lambdaFunction("billing", r);
    const doc = document([f], [roleOf(r, [f.arn], [{ name: "today", document: today }])], [session(f, [action("dynamodb:DescribeTable", 30, [TABLE])])], { dataEvents: "unknown" });
    const before = generatePolicy(doc, f.arn, {}, catalog);
    expect(allowed(before.policy, "s3:GetObject", "arn:aws:s3:::billing/a.csv")).toBe(true);
    doc.usage.coverage.dataEventSelectors = [
      { type: "AWS::S3::Object", logged: "all", limits: [], statedBy: [TRAIL] },
      { type: "AWS::SQS::Queue", logged: "some", limits: ["reads only"], statedBy: [TRAIL] },
    ];
    const after = generatePolicy(doc, f.arn, {}, catalog);
    expect(allowed(after.policy, "s3:GetObject", "arn:aws:s3:::billing/a.csv")).toBe(false);
    expect(allowed(after.policy, "dynamodb:Query", TABLE)).toBe(true);
    expect(allowed(after.policy, "sqs:SendMessage", `arn:aws:sqs:${REGION}:${ACCOUNT}:q`)).toBe(true);
    // The warning keeps naming what is kept, S3 no longer among it.
    const kept = (g: typeof after) => g.warnings.find((w) => w.code === "data-events-not-logged")?.message ?? "";
    expect(kept(before)).toContain("s3:GetObject");
    expect(kept(after)).not.toContain("s3:GetObject");
    expect(kept(after)).toContain("dynamodb:Query");
  });

  it("do not say calls of a type logged for every resource may be missing", () => {
    // billing-sync's Query on its tables, with selectors logging every DynamoDB table (as
    // get-event-selectors prints them). Before, the warning still said "Granted on the resources seen
    // only: dynamodb:Query; calls on resources whose data events the trail does not log are missing"
    // and told the user to give the selectors they had given.
    const r = roleArn("billing-role");
    const f = lambdaFunction("billing", r);
    const scoped: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["dynamodb:Query", "sqs:SendMessage"], Resource: ["*"] }] };
    const doc = document([f], [roleOf(r, [f.arn], [{ name: "today", document: scoped }])], [session(f, [action("dynamodb:Query", 30, [TABLE]), action("sqs:SendMessage", 3, [`arn:aws:sqs:${REGION}:${ACCOUNT}:q`])])], { dataEvents: "present" });
    const warning = () => generatePolicy(doc, f.arn, {}, catalog).warnings.find((w) => w.code === "data-events-not-logged")?.message ?? "";
    // Granted on `*` today, seen on one table and one queue: the grant cannot be split, so it is kept whole.
    expect(warning()).toContain("Seen called, and also kept as today's policy grants them on the resources where the logs do not show calls of their class (read or write): dynamodb:Query, sqs:SendMessage.");
    doc.usage.coverage.dataEventSelectors = [{ type: "AWS::DynamoDB::Table", logged: "all", limits: [], statedBy: [TRAIL] }];
    expect(warning()).toContain("(read or write): sqs:SendMessage.");
    expect(warning()).not.toContain("dynamodb:Query");
    // Granted today on the queue seen only: nothing beyond it to keep.
    scoped.Statement = [{ Effect: "Allow", Action: ["dynamodb:Query"], Resource: ["*"] }, { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [`arn:aws:sqs:${REGION}:${ACCOUNT}:q`] }];
    expect(warning()).toContain("Granted on the resources seen only: sqs:SendMessage;");
    // Every observed type logged for every resource, nothing kept: nothing to warn about.
    doc.usage.coverage.dataEventSelectors.push({ type: "AWS::SQS::Queue", logged: "all", limits: [], statedBy: [TRAIL] });
    expect(warning()).toBe("");
  });

  it("keep SQS's read-only queue calls a trail logging every queue's data events does not show (GetQueueUrl, GetQueueAttributes …)", () => {
    // The SQS Developer Guide's CloudTrail page lists the calls on messages as data events, not
    // GetQueueUrl or GetQueueAttributes (src/usage/not-logged.ts). Before, they were taken as
    // AWS::SQS::Queue data events: with that type logged for every queue, an unseen GetQueueUrl was
    // unused and generate dropped it, though the function calls it before every SendMessage.
    const r = roleArn("notify-role");
    const f = lambdaFunction("notify", r);
    const Q = `arn:aws:sqs:${REGION}:${ACCOUNT}:outbox`;
    const granted: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"], Resource: [Q] }] };
    const doc = document([f], [roleOf(r, [f.arn], [{ name: "today", document: granted }])], [session(f, [action("sqs:SendMessage", 30, [Q])])], { dataEvents: "present" });
    doc.usage.coverage.dataEventSelectors = [{ type: "AWS::SQS::Queue", logged: "all", limits: [], statedBy: [TRAIL] }];
    const g = generatePolicy(doc, f.arn, {}, catalog);
    for (const a of ["sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"]) expect(allowed(g.policy, a, Q), a).toBe(true);
  });

  it("leave out an unseen S3 object action granted only under the logged prefixes", () => {
    const r = roleArn("exports-role");
    const f = lambdaFunction("exports", r);
    const policy = (resource: string): PolicyDocument => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: [resource] }] });
    const make = (resource: string) => {
      const doc = document([f], [roleOf(r, [f.arn], [{ name: "today", document: policy(resource) }])], [session(f, [action("s3:PutObject", 30, ["arn:aws:s3:::exports/a.csv"])])], { dataEvents: "present" });
      doc.usage.coverage.dataEventSelectors = [{ type: "AWS::S3::Object", logged: "some", limits: ["1 resource ARN prefix (arn:aws:s3:::exports/)"], statedBy: [TRAIL], prefixes: ["arn:aws:s3:::exports/"] }];
      return generatePolicy(doc, f.arn, {}, catalog);
    };
    expect(allowed(make("arn:aws:s3:::exports/*").policy, "s3:GetObject", "arn:aws:s3:::exports/b.csv")).toBe(false);
    // Granted on every bucket today: a read of another bucket would not be in the logs, so it is kept.
    expect(allowed(make("*").policy, "s3:GetObject", "arn:aws:s3:::config/settings.json")).toBe(true);
  });

  it("judge from the function's own data-event calls only their class on their resources, with or without selectors", () => {
    const r = roleArn("uploads-role");
    const f = lambdaFunction("uploads", r);
    // The function's PutObject calls on the uploads bucket are in the logs. They show its writes
    // there logged, nothing of its reads of the config bucket: s3:GetObject stays, with or without
    // selectors (before, without selectors, it was left out: the function's own S3 data events were
    // taken to mean the trail logs every S3 data event).
    const doc = document([f], [roleOf(r, [f.arn], [{ name: "today", document: today }])], [session(f, [action("s3:PutObject", 30, ["arn:aws:s3:::uploads/a.csv"])])], { dataEvents: "present" });
    const guessed = generatePolicy(doc, f.arn, {}, catalog);
    expect(allowed(guessed.policy, "s3:GetObject", "arn:aws:s3:::config/settings.json")).toBe(true);
    // …and the selectors naming the uploads bucket only show nothing of the config bucket it reads.
    doc.usage.coverage.dataEventSelectors = [{ type: "AWS::S3::Object", logged: "some", limits: ["1 resource ARN prefix (arn:aws:s3:::uploads/)"], statedBy: [TRAIL], prefixes: ["arn:aws:s3:::uploads/"] }];
    const said = generatePolicy(doc, f.arn, {}, catalog);
    expect(allowed(said.policy, "s3:GetObject", "arn:aws:s3:::config/settings.json")).toBe(true);
    // Granted on `*` today: kept whole, and said so.
    expect(said.warnings.find((w) => w.code === "data-events-not-logged")?.message).toContain("Kept whole, as a wildcard cannot be split, though the logs show calls of the same class on some of what it grants:");
    expect(said.warnings.find((w) => w.code === "data-events-not-logged")?.message).toContain("s3:PutObject on *");
  });
});
