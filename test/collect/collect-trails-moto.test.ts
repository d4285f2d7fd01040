/**
 * What the logs collect reads include: the trails' event selectors (DescribeTrails with shadow
 * trails, then GetEventSelectors in each trail's home region) against moto, which implements
 * both; the event data store's (GetEventDataStore, which moto lacks) and the failures (a trail
 * deleted meanwhile, an organization trail a member account cannot read) answered by the fault
 * proxy in AWS's JSON 1.1 wire format. Each collection is then audited: the trail statement must
 * come from the selectors ("the event selectors of …"), not from the records.
 *
 * Its own moto server: the trails it creates would change what the other collect tests read.
 */

import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { CloudTrailClient, CreateTrailCommand, PutEventSelectorsCommand } from "@aws-sdk/client-cloudtrail";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDocument } from "../../src/audit/build-document.js";
import { routeInputs } from "../../src/audit/route-inputs.js";
import { collect, type CollectManifest, type CollectOptions } from "../../src/collect/index.js";
import { deliversUnder } from "../../src/collect/collect-trails.js";
import { startFaultProxy, type Answer, type FaultProxy } from "./support/fault-proxy.js";
import { notesBesidesCapacityProviders, startMoto, TEST_CREDENTIALS, type MotoServer } from "./support/moto.js";
import { filesUnder, json, outDirs } from "./support/out-dirs.js";
import { ACCOUNT, seedAccount, seedTrailBucket, trailObject, trailRecord, TRAIL_BUCKET } from "./support/seed.js";

let moto: MotoServer;
const { outDir, removeAll } = outDirs("leastrole-collect-trails-");
const WINDOW = { since: "2026-01-10", until: new Date("2026-01-20T00:00:00Z") };
const arn = (region: string, name: string, account = ACCOUNT) => `arn:aws:cloudtrail:${region}:${account}:trail/${name}`;
/** A WriteOnly trail (basic selectors) of us-east-1, delivering under team/. */
const TEAM = arn("us-east-1", "team-trail");
/** A multi-region trail homed in eu-west-1 (advanced selectors: writes, no AWS KMS events), delivering under audit/. */
const SECURITY = arn("eu-west-1", "security-trail");
const WRITES_WITHOUT_KMS = [
  {
    Name: "Management writes without AWS KMS",
    FieldSelectors: [
      { Field: "eventCategory", Equals: ["Management"] },
      { Field: "readOnly", Equals: ["false"] },
      { Field: "eventSource", NotEquals: ["kms.amazonaws.com"] },
    ],
  },
];

const base = (endpoint: string): Omit<CollectOptions, "out"> => ({ endpoint, credentials: TEST_CREDENTIALS, throttleBaseMs: 1, ...WINDOW });
const byId = (m: CollectManifest) => new Map(m.calls.map((c) => [c.id, c]));
const jsonAnswer = (value: unknown, status = 200): Answer => ({ status, headers: { "content-type": "application/x-amz-json-1.1" }, body: JSON.stringify(value) });
const awsError = (type: string, message: string, status = 400): Answer => ({
  status,
  headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": type },
  body: JSON.stringify({ __type: type, Message: message }),
});

/** What audit of the folder (and any other inputs) says the trail logs. */
async function trailStatement(paths: string[]) {
  const document = await buildDocument(paths);
  return {
    coverage: document.usage.coverage.managementEvents?.[0],
    warnings: document.meta.warnings,
  };
}

beforeAll(async () => {
  moto = startMoto();
  await seedAccount(moto.endpoint);
  // The function's writes, in each trail's files (a WriteOnly trail logs no read).
  const records = (n: string) => [trailRecord("2026-01-15T10:01:00Z", "PutItem", `${n}1`), trailRecord("2026-01-15T10:02:00Z", "UpdateItem", `${n}2`)];
  await seedTrailBucket(moto.endpoint, [
    trailObject("team/", "us-east-1", "2026-01-15T10:05", "AAAAAAAAAAAAAAAA", records("t")),
    trailObject("audit/", "us-east-1", "2026-01-15T10:05", "BBBBBBBBBBBBBBBB", records("a")),
  ]);
  // A bucket of logs no trail of the account delivers to (copied from elsewhere).
  const s3 = new S3Client({ endpoint: moto.endpoint, credentials: TEST_CREDENTIALS, region: "us-east-1", forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: "copied-logs" })).finally(() => s3.destroy());
  const client = (region: string) => new CloudTrailClient({ endpoint: moto.endpoint, credentials: TEST_CREDENTIALS, region });
  const us = client("us-east-1");
  const eu = client("eu-west-1");
  const apac = client("ap-southeast-2");
  try {
    await us.send(new CreateTrailCommand({ Name: "team-trail", S3BucketName: TRAIL_BUCKET, S3KeyPrefix: "team" }));
    await us.send(new PutEventSelectorsCommand({ TrailName: "team-trail", EventSelectors: [{ ReadWriteType: "WriteOnly", IncludeManagementEvents: true }] }));
    await eu.send(new CreateTrailCommand({ Name: "security-trail", S3BucketName: TRAIL_BUCKET, S3KeyPrefix: "audit", IsMultiRegionTrail: true }));
    await eu.send(new PutEventSelectorsCommand({ TrailName: "security-trail", AdvancedEventSelectors: WRITES_WITHOUT_KMS }));
    // Logs only ap-southeast-2, which is not collected: never listed, never read.
    await apac.send(new CreateTrailCommand({ Name: "apac-trail", S3BucketName: TRAIL_BUCKET, S3KeyPrefix: "team" }));
  } finally {
    for (const c of [us, eu, apac]) c.destroy();
  }
});

afterAll(() => {
  moto?.stop();
  removeAll();
});

describe("collect --cloudtrail s3://…: the event selectors of the trails that deliver there", () => {
  let out: string;
  let manifest: CollectManifest;
  // Through a proxy that lets everything pass: --resume must read from the endpoint the collection started with.
  let proxy: FaultProxy;

  beforeAll(async () => {
    proxy = await startFaultProxy(moto.endpoint, []);
    out = outDir();
    ({ manifest } = await collect({ ...base(proxy.endpoint), out, regions: ["us-east-1"], cloudtrail: `s3://${TRAIL_BUCKET}/team/` }));
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it("lists the trails that log the region (a multi-region trail homed elsewhere too) and reads the selectors of the one delivering under the prefix", () => {
    const calls = byId(manifest);
    // team-trail and security-trail (multi-region, homed in eu-west-1) log us-east-1; apac-trail does not.
    expect(calls.get("us-east-1/cloudtrail:DescribeTrails")).toMatchObject({ status: "ok", count: 2, files: [] });
    expect(manifest.calls.filter((c) => c.operation === "GetEventSelectors").map((c) => [c.id, c.status])).toEqual([[`us-east-1/cloudtrail:GetEventSelectors/${TEAM}`, "ok"]]);
    expect(manifest.partial).toBe(false);
    expect(notesBesidesCapacityProviders(manifest)).toEqual([]);
  });

  it("writes the selectors as `aws cloudtrail get-event-selectors --trail-name <ARN>` prints them", () => {
    const rel = `cloudtrail/get-event-selectors/${ACCOUNT}/us-east-1/team-trail.json`;
    expect(filesUnder(out, "cloudtrail/get-event-selectors")).toEqual([rel]);
    expect(byId(manifest).get(`us-east-1/cloudtrail:GetEventSelectors/${TEAM}`)?.files).toEqual([rel]);
    // moto echoes the selectors as put, and an empty list for the other kind.
    expect(json(out, rel)).toEqual({ TrailARN: TEAM, EventSelectors: [{ ReadWriteType: "WriteOnly", IncludeManagementEvents: true }], AdvancedEventSelectors: [] });
  });

  it("audit of the folder reads them as a usage input: reads not logged, said by the trail's event selectors", async () => {
    const routed = await routeInputs([out]);
    expect(routed.usage.map((f) => relative(out, f).split("\\").join("/"))).toContain(`cloudtrail/get-event-selectors/${ACCOUNT}/us-east-1/team-trail.json`);
    const { coverage, warnings } = await trailStatement([out]);
    const by = `the event selectors of ${TEAM}`;
    expect(coverage).toMatchObject({ accountId: ACCOUNT, reads: "not-logged", kms: "logged", statedBy: { reads: by, kms: by } });
    const gap = warnings.find((w) => w.code === "trail-management-events-excluded");
    expect(gap?.message).toContain(`${by} says the trail does not log read management events`);
  });

  it("--resume reads the selectors file again from disk: only DescribeTrails, which decides which trails, is asked again", async () => {
    proxy.seen.length = 0;
    const { manifest: again } = await collect({ ...base(proxy.endpoint), out, regions: ["us-east-1"], cloudtrail: `s3://${TRAIL_BUCKET}/team/`, resume: true });
    expect(byId(again).get(`us-east-1/cloudtrail:GetEventSelectors/${TEAM}`)).toMatchObject({ status: "ok", resumed: true });
    expect(byId(again).get("us-east-1/cloudtrail:DescribeTrails")).toMatchObject({ status: "ok", resumed: false });
    expect(proxy.seen.filter((s) => s.startsWith("cloudtrail/"))).toEqual(["cloudtrail/us-east-1 POST /"]);
  });
});

describe("collect --cloudtrail: which trails", () => {
  it("a trail homed in another region is read there, and its advanced selectors audited (no reads, no AWS KMS events)", async () => {
    const out = outDir();
    const { manifest } = await collect({ ...base(moto.endpoint), out, regions: ["us-east-1"], cloudtrail: `s3://${TRAIL_BUCKET}/audit/` });
    expect(manifest.calls.filter((c) => c.operation === "GetEventSelectors").map((c) => [c.id, c.status])).toEqual([[`eu-west-1/cloudtrail:GetEventSelectors/${SECURITY}`, "ok"]]);
    const rel = `cloudtrail/get-event-selectors/${ACCOUNT}/eu-west-1/security-trail.json`;
    expect(json(out, rel)).toEqual({ TrailARN: SECURITY, EventSelectors: [], AdvancedEventSelectors: WRITES_WITHOUT_KMS });
    const by = `the event selectors of ${SECURITY}`;
    const { coverage } = await trailStatement([out]);
    expect(coverage).toMatchObject({ reads: "not-logged", kms: "not-logged", statedBy: { reads: by, kms: by } });
  });

  it("the whole bucket: both trails' logs are read, so both trails' selectors, deduplicated across the regions that list them", async () => {
    const out = outDir();
    const { manifest } = await collect({ ...base(moto.endpoint), out, regions: ["eu-west-1", "us-east-1"], cloudtrail: `s3://${TRAIL_BUCKET}/` });
    expect(manifest.calls.filter((c) => c.operation === "DescribeTrails").map((c) => [c.region, c.count])).toEqual([
      ["eu-west-1", 1],
      ["us-east-1", 2],
    ]);
    expect(manifest.calls.filter((c) => c.operation === "GetEventSelectors").map((c) => c.target)).toEqual([SECURITY, TEAM]);
    const { coverage } = await trailStatement([out]);
    expect(coverage).toMatchObject({ reads: "not-logged", kms: "logged", statedBy: { reads: "the event selectors of 2 trails" } });
  });

  it("a bucket no trail delivers to: no selectors, a note, not partial; audit judges from the records", async () => {
    const out = outDir();
    const { manifest } = await collect({ ...base(moto.endpoint), out, regions: ["us-east-1"], cloudtrail: "s3://copied-logs/logs/" });
    expect(manifest.calls.some((c) => c.operation === "GetEventSelectors")).toBe(false);
    expect(notesBesidesCapacityProviders(manifest)).toEqual(["no trail that logs us-east-1 delivers to s3://copied-logs/logs/: audit judges what the logs include from their records"]);
    expect(manifest.partial).toBe(false);
  });

  it("athena:…: the table's location is not known, so every trail that logs the regions; they do not log the same, and a note says so", async () => {
    const out = outDir();
    const { manifest } = await collect({ ...base(moto.endpoint), out, regions: ["us-east-1"], cloudtrail: "athena:cloudtrail.logs", queryPollMs: 1 });
    expect(manifest.calls.filter((c) => c.operation === "GetEventSelectors").map((c) => [c.target, c.status])).toEqual([
      [SECURITY, "ok"],
      [TEAM, "ok"],
    ]);
    expect(filesUnder(out, "cloudtrail/get-event-selectors")).toEqual([
      `cloudtrail/get-event-selectors/${ACCOUNT}/eu-west-1/security-trail.json`,
      `cloudtrail/get-event-selectors/${ACCOUNT}/us-east-1/team-trail.json`,
    ]);
    expect(notesBesidesCapacityProviders(manifest)).toEqual([
      "2 trails log us-east-1 and they do not log the same: collect cannot tell which one's logs the Athena table holds, so audit takes what any of them logs, unless the logs show that reads or writes are missing; " +
        "if the table holds one trail's logs, remove the other trails' files from cloudtrail/get-event-selectors/ or say what is logged in the configuration (usage.readEventsLogged, usage.writeEventsLogged, usage.kmsEventsLogged)",
    ]);
  });

  it("Event history (lookup) holds every management event whatever the trails log: no trail is read", async () => {
    const { manifest } = await collect({ ...base(moto.endpoint), out: outDir(), regions: ["us-east-1"], cloudtrail: "lookup" });
    expect(manifest.calls.filter((c) => c.service === "cloudtrail").map((c) => c.operation)).toEqual(["LookupEvents"]);
  });
});

describe("collect: selectors that cannot be read are recorded, and the collection is not partial", () => {
  const ORG = arn("us-east-1", "org-trail", "999999999999");

  it("a trail deleted meanwhile (TrailNotFoundException) and an organization trail of the management account (AccessDenied): failed entries, notes, the rest collected", async () => {
    const proxy = await startFaultProxy(moto.endpoint, [
      // DescribeTrails as a member account sees it: the organization trail is listed (shadow), with its bucket.
      {
        match: /^cloudtrail\/us-east-1 POST \/ \{"includeShadowTrails":true\}/,
        times: Infinity,
        fault: () =>
          jsonAnswer({
            trailList: [
              { Name: ORG, TrailARN: ORG, HomeRegion: "us-east-1", S3BucketName: TRAIL_BUCKET, S3KeyPrefix: "team", IsMultiRegionTrail: true, IsOrganizationTrail: true },
              { Name: "team-trail", TrailARN: TEAM, HomeRegion: "us-east-1", S3BucketName: TRAIL_BUCKET, S3KeyPrefix: "team", IsMultiRegionTrail: false, IsOrganizationTrail: false },
              { Name: "gone-trail", TrailARN: arn("us-east-1", "gone-trail"), HomeRegion: "us-east-1", S3BucketName: TRAIL_BUCKET, S3KeyPrefix: "team", IsMultiRegionTrail: false, IsOrganizationTrail: false },
            ],
          }),
      },
      { match: /^cloudtrail\/us-east-1 POST \/ \{"TrailName":"arn:aws:cloudtrail:us-east-1:999999999999:trail\/org-trail"\}/, times: Infinity, fault: "deny" },
      {
        match: /^cloudtrail\/us-east-1 POST \/ \{"TrailName":"[^"]*gone-trail"\}/,
        times: Infinity,
        fault: () => awsError("TrailNotFoundException", `Unknown trail: ${arn("us-east-1", "gone-trail")} for the user: ${ACCOUNT}`),
      },
    ]);
    try {
      const out = outDir();
      const { manifest } = await collect({ ...base(proxy.endpoint), out, regions: ["us-east-1"], cloudtrail: `s3://${TRAIL_BUCKET}/team/` });
      const calls = byId(manifest);
      expect(calls.get(`us-east-1/cloudtrail:GetEventSelectors/${ORG}`)).toMatchObject({
        status: "failed",
        errorCode: "AccessDeniedException",
        reason: "an organization trail of account 999999999999, whose selectors only that account or a delegated administrator can read; not partial: audit judges what the logs include from their records",
        files: [],
      });
      expect(calls.get(`us-east-1/cloudtrail:GetEventSelectors/${arn("us-east-1", "gone-trail")}`)).toMatchObject({
        status: "failed",
        errorCode: "TrailNotFoundException",
        reason: "not partial: audit judges what the logs include from their records",
      });
      // The trail that could be read is, and everything else is collected.
      expect(calls.get(`us-east-1/cloudtrail:GetEventSelectors/${TEAM}`)?.status).toBe("ok");
      expect(calls.get(`global/s3:GetObject/s3://${TRAIL_BUCKET}/team/`)).toMatchObject({ status: "ok", count: 1 });
      expect(manifest.partial).toBe(false);
      expect(manifest.reasons).toEqual([]);
      expect(notesBesidesCapacityProviders(manifest)).toEqual([
        `cloudtrail:GetEventSelectors ${arn("us-east-1", "gone-trail")} in us-east-1 failed: TrailNotFoundException: Unknown trail: ${arn("us-east-1", "gone-trail")} for the user: ${ACCOUNT} (not partial: audit judges what the logs include from their records)`,
        `cloudtrail:GetEventSelectors ${ORG} in us-east-1 failed: AccessDeniedException: injected denial for this region (an organization trail of account 999999999999, whose selectors only that account or a delegated administrator can read; not partial: audit judges what the logs include from their records)`,
      ]);
      // audit: not partial; the notes are information; the statement comes from the trail that was read.
      const document = await buildDocument([out]);
      expect(document.meta.warnings.filter((w) => w.code === "collection-partial")).toEqual([]);
      expect(document.meta.warnings.filter((w) => w.code === "collection-note" && !w.message.includes("lambda:ListCapacityProviders")).map((w) => w.severity)).toEqual(["info", "info"]);
      expect(document.usage.coverage.managementEvents?.[0]).toMatchObject({ reads: "not-logged", statedBy: { reads: `the event selectors of ${TEAM}` } });
    } finally {
      await proxy.close();
    }
  });

  it("DescribeTrails denied: a failed entry and a note, no selectors, not partial", async () => {
    const proxy = await startFaultProxy(moto.endpoint, [{ match: /^cloudtrail\/\S+ POST \/ \{"includeShadowTrails":true\}/, times: Infinity, fault: "deny" }]);
    try {
      const { manifest } = await collect({ ...base(proxy.endpoint), out: outDir(), regions: ["us-east-1"], cloudtrail: `s3://${TRAIL_BUCKET}/team/` });
      expect(byId(manifest).get("us-east-1/cloudtrail:DescribeTrails")).toMatchObject({ status: "failed", errorCode: "AccessDeniedException" });
      expect(manifest.calls.some((c) => c.operation === "GetEventSelectors")).toBe(false);
      expect(manifest.partial).toBe(false);
      expect(notesBesidesCapacityProviders(manifest)).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });
});

describe("collect --cloudtrail lake:…: the event data store's selectors (GetEventDataStore, answered as AWS does: moto lacks it)", () => {
  const STORE_ID = "EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE";
  const STORE = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:eventdatastore/${STORE_ID}`;

  it("writes it as `aws cloudtrail get-event-data-store` prints it, and audit takes the store's selectors", async () => {
    const bodies: string[] = [];
    const proxy = await startFaultProxy(moto.endpoint, [
      {
        match: /^cloudtrail\/us-east-1 POST \/ \{"EventDataStore"/,
        times: Infinity,
        fault: ({ body }) => {
          bodies.push(body);
          return jsonAnswer({
            EventDataStoreArn: STORE,
            Name: "management-writes",
            Status: "ENABLED",
            AdvancedEventSelectors: [{ Name: "Management writes", FieldSelectors: [{ Field: "eventCategory", Equals: ["Management"] }, { Field: "readOnly", Equals: ["false"] }] }],
            MultiRegionEnabled: true,
            OrganizationEnabled: false,
            RetentionPeriod: 2557,
            TerminationProtectionEnabled: true,
            CreatedTimestamp: 1767225600,
            UpdatedTimestamp: 1767225600,
            BillingMode: "EXTENDABLE_RETENTION_PRICING",
          });
        },
      },
    ]);
    try {
      const out = outDir();
      const { manifest } = await collect({ ...base(proxy.endpoint), out, regions: ["us-east-1"], cloudtrail: `lake:${STORE}` });
      expect(JSON.parse(bodies[0] as string)).toEqual({ EventDataStore: STORE_ID });
      const rel = `cloudtrail/get-event-data-store/us-east-1/${STORE_ID}.json`;
      expect(byId(manifest).get(`us-east-1/cloudtrail:GetEventDataStore/${STORE_ID}`)).toMatchObject({ status: "ok", files: [rel] });
      const store = json(out, rel);
      expect(store).toMatchObject({ EventDataStoreArn: STORE, Status: "ENABLED", CreatedTimestamp: "2026-01-01T00:00:00.000Z" });
      expect(store).not.toHaveProperty("$metadata");
      // No trail is read for a Lake source.
      expect(manifest.calls.some((c) => c.operation === "DescribeTrails" || c.operation === "GetEventSelectors")).toBe(false);
      // moto implements no Lake query, so the collection holds no records: audit it with some.
      const logs = join(out, "..", "logs.json");
      writeFileSync(logs, JSON.stringify({ Records: [trailRecord("2026-01-15T10:01:00Z", "PutItem", "l1")] }));
      const { coverage } = await trailStatement([out, logs]);
      expect(coverage).toMatchObject({ reads: "not-logged", kms: "logged", statedBy: { reads: `the event selectors of ${STORE}` } });
    } finally {
      await proxy.close();
    }
  });
});

describe("deliversUnder: a trail's log files and the S3 prefix collect reads overlap", () => {
  const trail = (bucket: string | null, keyPrefix: string | null) => ({ bucket, keyPrefix });
  it.each([
    [trail("logs", null), "", true],
    [trail("logs", null), "AWSLogs/", true],
    [trail("logs", null), `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/`, true],
    [trail("logs", "team"), "team/", true],
    [trail("logs", "team/"), "team/AWSLogs/o-abc/", true],
    [trail("logs", "team"), "", true],
    [trail("logs", "team"), "audit/", false],
    [trail("logs", "team"), "AWSLogs/", false],
    [trail("logs", "teams"), "team/", false],
    // The prefix is a folder: `team` is not above team2/AWSLogs/ (it was, found by the s3window task).
    [trail("logs", "team2"), "team", false],
    [trail("logs", "team"), "team", true],
    [trail("other", "team"), "team/", false],
    [trail(null, "team"), "team/", false],
  ])("%j under %j: %s", (t, prefix, expected) => {
    expect(deliversUnder(t, { bucket: "logs", prefix })).toBe(expected);
  });
});
