/**
 * Data events of one class only: a trail logging write data events only (`ReadWriteType:
 * WriteOnly`, advanced `readOnly` Equals `false`) shows every write of the type on every resource,
 * so an unseen write the role grants is unused and generate leaves it out, while an unseen read
 * stays unknowable and kept; the mirror for reads. The class is CloudTrail's `readOnly` for the
 * action (usage/not-logged.ts dataEventClassOf); one whose class is not known (sqs:ReceiveMessage)
 * needs both classes logged. And S3 selectors on a key prefix: a call under the prefix shows
 * nothing of the rest of its bucket.
 *
 * The selectors are get-event-selectors outputs from the AWS CLI reference and the CloudTrail user
 * guide (test/fixtures/event-selectors/SOURCE.md).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generatePolicy } from "../../src/generate/index.js";
import { evaluateRequest, loadActionCatalogSync } from "../../src/iam/index.js";
import type { PolicyDocument, Role } from "../../src/model/document.js";
import { dataEventsOfTrails, parseEventSelectors } from "../../src/usage/event-selectors.js";
import { labelUsage, readUsage } from "../../src/usage/index.js";
import { dataEventClassOf } from "../../src/usage/not-logged.js";
import { roleCallRecord } from "../support/cloudtrail-record.js";
import { action, document, lambdaFunction, role as roleOf, roleArn, session } from "../generate/fixtures.js";
import { roleWithFunction } from "./helpers.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "event-selectors");
const fixture = (name: string): { [k: string]: unknown } => JSON.parse(readFileSync(join(FIXTURES, name), "utf8")) as { [k: string]: unknown };
const coverageOf = (...names: string[]) => dataEventsOfTrails(names.map((n) => parseEventSelectors(fixture(n))));
const catalog = loadActionCatalogSync();

describe("get-event-selectors as CloudTrail prints it", () => {
  it("reads an empty operator list as no filter (the user guide's output prints all six)", () => {
    const t = parseEventSelectors(fixture("guide-advanced-prefixes.json"));
    // `"Equals": []` beside `"StartsWith": […]` is no Equals filter: the prefixes are logged in
    // full. Before, every empty list was a limit ("resources.ARN Equals ") and no prefix was known.
    expect(coverageOf("guide-advanced-prefixes.json")).toEqual([
      {
        type: "AWS::S3::Object",
        logged: "some",
        limits: ["resources.ARN StartsWith arn:aws:s3:::mybucket/prefix, arn:aws:s3:::mybucket2/prefix2"],
        statedBy: ["arn:aws:cloudtrail:us-east-2:123456789012:trail/TrailName"],
        prefixes: ["arn:aws:s3:::mybucket/prefix", "arn:aws:s3:::mybucket2/prefix2"],
      },
    ]);
    // The management selector's empty lists exclude nothing either.
    expect(t).toMatchObject({ readEvents: true, writeEvents: true, kmsEvents: true });
    // Printed so, a selector excluding RDS Data API events keeps AWS KMS's (before: "Equals": [] read as "only these sources", none).
    const all = { Equals: [], StartsWith: [], EndsWith: [], NotEquals: [], NotStartsWith: [], NotEndsWith: [] };
    const rds = parseEventSelectors({
      TrailARN: "arn:aws:cloudtrail:us-east-2:123456789012:trail/TrailName",
      AdvancedEventSelectors: [{ Name: "Management events but RDS Data API", FieldSelectors: [{ Field: "eventCategory", ...all, Equals: ["Management"] }, { Field: "eventSource", ...all, NotEquals: ["rdsdata.amazonaws.com"] }] }],
    });
    expect(rds).toMatchObject({ readEvents: true, writeEvents: true, kmsEvents: true });
  });

  it("says which class a WriteOnly or ReadOnly trail logs for every resource; two such trails log all", () => {
    expect(coverageOf("cli-all-s3-lambda-writeonly.json").map((c) => [c.type, c.logged, c.loggedEverywhere, c.limits])).toEqual([
      ["AWS::Lambda::Function", "some", "writes", ["writes only"]],
      ["AWS::S3::Object", "some", "writes", ["writes only"]],
    ]);
    expect(coverageOf("cli-all-s3-lambda-readonly-data-only.json").map((c) => c.loggedEverywhere)).toEqual(["reads", "reads"]);
    // A trail's reads and another's writes: every call is logged, nothing to say per class.
    for (const c of coverageOf("cli-all-s3-lambda-writeonly.json", "cli-all-s3-lambda-readonly-data-only.json")) {
      expect(c).toMatchObject({ logged: "all", limits: [] });
      expect(c.loggedEverywhere).toBeUndefined();
    }
    // Advanced selectors with readOnly Equals false.
    expect(coverageOf("guide-advanced-writes-dynamodb-sqs.json").map((c) => [c.type, c.loggedEverywhere])).toEqual([
      ["AWS::DynamoDB::Table", "writes"],
      ["AWS::SQS::Queue", "writes"],
    ]);
    // Several trails: one logging every write, one every call under two key prefixes.
    expect(coverageOf("cli-all-s3-lambda-writeonly.json", "guide-advanced-prefixes.json").find((c) => c.type === "AWS::S3::Object")).toMatchObject({
      logged: "some",
      loggedEverywhere: "writes",
      prefixes: ["arn:aws:s3:::mybucket/prefix", "arn:aws:s3:::mybucket2/prefix2"],
    });
    // Filtered on eventName or a NotStartsWith: no class is logged everywhere.
    expect(coverageOf("cli-advanced-eventname-notstartswith.json").every((c) => c.loggedEverywhere === undefined)).toBe(true);
  });

  it("classes a data-event action as CloudTrail's readOnly does, or not at all where the sources disagree", () => {
    const cls = (a: string) => dataEventClassOf(a, catalog.accessLevel(a));
    expect(["s3:GetObject", "s3:ListBucket", "dynamodb:Query", "dynamodb:GetItem", "dynamodb:Scan"].map(cls)).toEqual(["read", "read", "read", "read", "read"]);
    // Not a data event (not-logged.ts, SQS's read-only queue calls): no class.
    expect(cls("sqs:GetQueueAttributes")).toBeNull();
    expect(["s3:PutObject", "s3:DeleteObject", "s3:PutObjectAcl", "dynamodb:BatchWriteItem", "sqs:SendMessage", "sqs:DeleteMessage", "lambda:InvokeFunction"].map(cls)).toEqual(Array(7).fill("write"));
    // Read in IAM, but they change state or share an event with writes: judged only when both classes are logged.
    expect(["sqs:ReceiveMessage", "dynamodb:ConditionCheckItem", "dynamodb:PartiQLSelect", "kinesis:SubscribeToShard"].map(cls)).toEqual([null, null, null, null]);
    expect(cls("ssm:GetParameter")).toBeNull();
  });
});

// ---- labels (LR008 reads them)

const ACCT = "123456789012";
const ROLE = `arn:aws:iam::${ACCT}:role/uploads-role`;
const FN = `arn:aws:lambda:us-east-1:${ACCT}:function:uploads`;
const GRANTED = [
  "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "lambda:InvokeFunction", "s3:DeleteObject", "s3:GetObject", "s3:PutObject",
  "sqs:DeleteMessage", "sqs:ReceiveMessage", "sqs:SendMessage",
];
const { role, fn } = roleWithFunction(ACCT, "uploads-role", "uploads", GRANTED);

/** The function's PutObject data event every day of October 2026, under `key`, with one management read a day. */
function records(key: string): object[] {
  return Array.from({ length: 31 }, (_, i) => {
    const day = `2026-10-${String(i + 1).padStart(2, "0")}`;
    return [
      roleCallRecord({ account: ACCT, roleArn: ROLE, session: "uploads", time: `${day}T10:00:00Z`, source: "s3", name: "PutObject", seq: 2 * i + 1, extra: { readOnly: false, managementEvent: false, eventCategory: "Data", resources: [{ type: "AWS::S3::Object", ARN: `${key}${day}.csv` }] } }),
      roleCallRecord({ account: ACCT, roleArn: ROLE, session: "ops", time: `${day}T11:00:00Z`, source: "iam", name: "ListRoles", seq: 2 * i + 2 }),
    ];
  }).flat();
}

async function labels(selectors: string[], who: Role = role, key = "arn:aws:s3:::uploads/") {
  const dir = mkdtempSync(join(tmpdir(), "lr-data-class-"));
  const file = join(dir, "trail.json");
  writeFileSync(file, JSON.stringify({ Records: records(key) }));
  const extra = selectors.map((name, i) => {
    const f = join(dir, `event-selectors-${i}.json`);
    writeFileSync(f, readFileSync(join(FIXTURES, name), "utf8"));
    return f;
  });
  const usage = labelUsage(await readUsage([file, ...extra]), { roles: [who], functions: [fn], policies: {} }, { asOf: "2026-11-01T00:00:00Z", windowDays: 30 });
  return new Map((usage.labels.find((l) => l.functionArn === FN)?.permissions ?? []).map((p) => [p.action, p]));
}

describe("labels when the trail logs one class of data events everywhere", () => {
  it("a WriteOnly trail: unseen writes are unused, unseen reads unknowable", async () => {
    const byAction = await labels(["cli-all-s3-lambda-writeonly.json"]);
    expect(byAction.get("s3:PutObject")?.label).toBe("used");
    // Before: unknowable ("for some calls only (writes only)"), though every write is logged.
    expect(byAction.get("s3:DeleteObject")).toMatchObject({ label: "unused", reason: "not seen in CloudTrail" });
    expect(byAction.get("lambda:InvokeFunction")?.label).toBe("unused");
    expect(byAction.get("s3:GetObject")).toMatchObject({ label: "unknowable", reason: expect.stringContaining("(writes only)") as unknown });
    // Types the selectors do not name: as before.
    expect(byAction.get("dynamodb:GetItem")?.label).toBe("unknowable");
  });

  it("a ReadOnly trail of data events only: the mirror", async () => {
    const byAction = await labels(["cli-all-s3-lambda-readonly-data-only.json"]);
    expect(byAction.get("s3:GetObject")).toMatchObject({ label: "unused", reason: "not seen in CloudTrail" });
    expect(byAction.get("s3:DeleteObject")).toMatchObject({ label: "unknowable", reason: expect.stringContaining("(reads only)") as unknown });
    // lambda:InvokeFunction is a write: not logged by this trail.
    expect(byAction.get("lambda:InvokeFunction")?.label).toBe("unknowable");
  });

  it("advanced readOnly false: DynamoDB and SQS writes judged; reads and the unclassed ones not", async () => {
    const byAction = await labels(["guide-advanced-writes-dynamodb-sqs.json"]);
    expect(byAction.get("dynamodb:DeleteItem")?.label).toBe("unused");
    expect(byAction.get("sqs:SendMessage")?.label).toBe("unused");
    expect(byAction.get("sqs:DeleteMessage")?.label).toBe("unused");
    expect(byAction.get("dynamodb:GetItem")?.label).toBe("unknowable");
    // CloudTrail's readOnly for these is not documented as the catalog's: never unused on one class's word.
    expect(byAction.get("sqs:ReceiveMessage")).toMatchObject({ label: "unknowable", reason: expect.stringContaining("CloudTrail's read/write class for sqs:ReceiveMessage is not documented, so it is judged only where both classes are logged") as unknown });
    expect(byAction.get("dynamodb:GetItem")?.reason).not.toContain("class for");
    expect(byAction.get("dynamodb:ConditionCheckItem")?.label).toBe("unknowable");
  });

  it("S3 selectors on a key prefix: an object action granted beyond the prefix stays unknowable", async () => {
    const scoped = (resource: string): Role => ({ ...role, inlinePolicies: [{ name: "uploads", source: null, document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject"], Resource: [resource] }] } }] });
    const under = await labels(["cli-basic-prefixes.json"], scoped("arn:aws:s3:::mybucket/prefix/*"), "arn:aws:s3:::mybucket/prefix/");
    expect(under.get("s3:DeleteObject")?.label).toBe("unused");
    const beyond = await labels(["cli-basic-prefixes.json"], scoped("arn:aws:s3:::mybucket/*"), "arn:aws:s3:::mybucket/prefix/");
    expect(beyond.get("s3:PutObject")?.label).toBe("used");
    expect(beyond.get("s3:DeleteObject")?.label).toBe("unknowable");
  });

  it("a write-only selector on a bucket: a write granted only there is judged, a read is not", async () => {
    expect(coverageOf("guide-advanced-bucket-writes.json")).toEqual([
      { type: "AWS::S3::Object", logged: "some", limits: ["resources.ARN StartsWith arn:aws:s3:::bucket_name/", "writes only"], statedBy: ["arn:aws:cloudtrail:us-east-1:111122223333:trail/TrailName"], writePrefixes: ["arn:aws:s3:::bucket_name/"] },
    ]);
    const scoped: Role = { ...role, inlinePolicies: [{ name: "bucket", source: null, document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject", "s3:GetObject"], Resource: ["arn:aws:s3:::bucket_name/*"] }] } }] };
    const byAction = await labels(["guide-advanced-bucket-writes.json"], scoped, "arn:aws:s3:::bucket_name/");
    // Before: unknowable, as no prefix logged both reads and writes.
    expect(byAction.get("s3:DeleteObject")).toMatchObject({ label: "unused", reason: "not seen in CloudTrail" });
    expect(byAction.get("s3:GetObject")?.label).toBe("unknowable");
  });
});

// ---- generate

describe("generate when the trail logs one class of data events everywhere", () => {
  const allowed = (p: PolicyDocument, a: string, r: string): boolean => evaluateRequest({ identityPolicies: [p], request: { action: a, resource: r } }).decision === "allowed";
  const today: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:*"], Resource: ["*"] }] };
  const make = (policy: PolicyDocument, key: string, selectors: string[]) => {
    const r = roleArn("uploads-role");
    const f = lambdaFunction("uploads", r);
    const doc = document([f], [roleOf(r, [f.arn], [{ name: "today", document: policy }])], [session(f, [action("s3:PutObject", 30, [`${key}a.csv`])])], { dataEvents: "present" });
    if (selectors.length > 0) doc.usage.coverage.dataEventSelectors = coverageOf(...selectors);
    return generatePolicy(doc, f.arn, {}, catalog);
  };

  it("leaves out unseen writes on a WriteOnly trail, keeps the reads as today's policy grants them", () => {
    const before = make(today, "arn:aws:s3:::uploads/", []);
    expect(allowed(before.policy, "s3:DeleteObject", "arn:aws:s3:::config/a.json")).toBe(true);
    const g = make(today, "arn:aws:s3:::uploads/", ["cli-all-s3-lambda-writeonly.json"]);
    // s3:* grants s3:DeleteObject on every bucket; every write is logged and none was seen.
    expect(allowed(g.policy, "s3:DeleteObject", "arn:aws:s3:::config/a.json")).toBe(false);
    expect(allowed(g.policy, "s3:DeleteObject", "arn:aws:s3:::uploads/a.csv")).toBe(false);
    // The one write seen: granted where seen, not beyond (every PutObject is in the logs).
    expect(allowed(g.policy, "s3:PutObject", "arn:aws:s3:::uploads/a.csv")).toBe(true);
    expect(allowed(g.policy, "s3:PutObject", "arn:aws:s3:::config/a.json")).toBe(false);
    // Reads are not logged: kept whole, provenance not-logged.
    expect(allowed(g.policy, "s3:GetObject", "arn:aws:s3:::config/a.json")).toBe(true);
    expect(g.grants.find((x) => x.action === "s3:GetObject")?.provenance).toEqual([{ kind: "not-logged", reason: expect.stringContaining("data event") as unknown }]);
    const warning = g.warnings.find((w) => w.code === "data-events-not-logged")?.message ?? "";
    expect(warning).toContain("s3:GetObject");
    expect(warning).not.toContain("s3:DeleteObject");
    expect(warning).not.toContain("s3:PutObject");
    // The selectors were given: the warning says what they log in full, and does not ask for them (before: "or give its event selectors").
    expect(warning).toContain("The event selectors given log in full AWS::Lambda::Function writes, AWS::S3::Object writes; everything else they log for some calls only.");
    expect(warning).not.toContain("give its event selectors");
    expect(before.warnings.find((w) => w.code === "data-events-not-logged")?.message).toContain("give its event selectors");
  });

  it("keeps an object action beyond a logged key prefix, though the function's calls under it are seen", () => {
    const policy = (resource: string): PolicyDocument => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject"], Resource: [resource] }] });
    // Before: a PutObject seen under mybucket/prefix made the whole bucket's writes "logged", and
    // s3:DeleteObject on mybucket/* was left out, though the trail logs mybucket/prefix only.
    const g = make(policy("arn:aws:s3:::mybucket/*"), "arn:aws:s3:::mybucket/prefix/", ["cli-basic-prefixes.json"]);
    expect(allowed(g.policy, "s3:DeleteObject", "arn:aws:s3:::mybucket/other/a.csv")).toBe(true);
    expect(g.warnings.find((w) => w.code === "data-events-not-logged")?.message).toContain("s3:DeleteObject on arn:aws:s3:::mybucket/*");
    // Granted under the prefix only: every call there is logged, and DeleteObject was never seen.
    const under = make(policy("arn:aws:s3:::mybucket/prefix/*"), "arn:aws:s3:::mybucket/prefix/", ["cli-basic-prefixes.json"]);
    expect(allowed(under.policy, "s3:DeleteObject", "arn:aws:s3:::mybucket/prefix/a.csv")).toBe(false);
    // The same with advanced StartsWith as the user guide prints it (empty operator lists).
    const guide = make(policy("arn:aws:s3:::mybucket/*"), "arn:aws:s3:::mybucket/prefix/", ["guide-advanced-prefixes.json"]);
    expect(allowed(guide.policy, "s3:DeleteObject", "arn:aws:s3:::mybucket/other/a.csv")).toBe(true);
  });

  it("leaves out an unseen write granted only under a bucket whose writes alone are logged", () => {
    const policy: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject", "s3:GetObject"], Resource: ["arn:aws:s3:::bucket_name/*"] }] };
    const g = make(policy, "arn:aws:s3:::bucket_name/", ["guide-advanced-bucket-writes.json"]);
    expect(allowed(g.policy, "s3:DeleteObject", "arn:aws:s3:::bucket_name/a.csv")).toBe(false);
    expect(allowed(g.policy, "s3:GetObject", "arn:aws:s3:::bucket_name/a.csv")).toBe(true);
  });
});
