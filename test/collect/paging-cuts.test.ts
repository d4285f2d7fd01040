/**
 * A page that says more follow but gives no token (IsTruncated and no Marker /
 * NextContinuationToken), or a token already followed, used to end the paging as if it were the
 * last page (or, a token-only list repeating its token, to loop for ever). Now the paging stops
 * there and says it is cut (PageTokens): the unit is degraded or failed, naming the call, and the
 * file written says it is not whole, as audit reads it. Moto never answers such a page: the calls
 * are answered here by a stand-in client.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { allPages, PageTokens } from "../../src/collect/all-pages.js";
import type { CallContext } from "../../src/collect/aws-call.js";
import { collectAccessAnalyzer } from "../../src/collect/collect-access-analyzer.js";
import { collectLookup, collectS3Logs } from "../../src/collect/collect-cloudtrail.js";
import { aggregatorFile, collectConfigAggregator } from "../../src/collect/collect-config-aggregator.js";
import { collectAthena, collectLake } from "../../src/collect/collect-query.js";
import { collectConfigRules } from "../../src/collect/collect-config-rules.js";
import { collectIam } from "../../src/collect/collect-iam.js";
import { collectLambda } from "../../src/collect/collect-lambda.js";
import { Run } from "../../src/collect/run.js";
import { OutWriter } from "../../src/collect/writer.js";
import { readUsageFile } from "../../src/usage/index.js";
import { USAGE_ROW_COLUMNS } from "../../src/usage/sql.js";
import { normalizeFragments } from "../normalize/checked.js";
import { readValue } from "../sources/helpers.js";

type Answer = (operation: string, input: Record<string, unknown>) => unknown;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A Run whose AWS calls `answer` answers (operation: the SDK command's name without "Command"). */
function fakeRun(answer: Answer, resume?: { dir: string; previous: Run }): { run: Run; dir: string; asked: Array<{ operation: string; input: Record<string, unknown> }> } {
  const dir = resume?.dir ?? mkdtempSync(join(tmpdir(), "leastrole-paging-"));
  if (resume === undefined) dirs.push(dir);
  const asked: Array<{ operation: string; input: Record<string, unknown> }> = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const operation = command.constructor.name.replace(/Command$/, "");
      asked.push({ operation, input: command.input });
      if (asked.length > 50) throw new Error("the paging did not stop");
      return { $metadata: { attempts: 1 }, ...(answer(operation, command.input) as object) };
    },
  };
  const ctx = { clients: { get: () => client }, throttle: { retries: 0, baseMs: 1, capMs: 1 }, sleep: async () => undefined } as unknown as CallContext;
  return { run: new Run(ctx, new OutWriter(dir), new Map(resume?.previous.calls ?? []), () => undefined), dir, asked };
}

const json = (dir: string, rel: string) => JSON.parse(readFileSync(join(dir, rel), "utf8")) as Record<string, unknown>;

describe("PageTokens", () => {
  it("follows the token while IsTruncated (or, without the flag, while a token is given)", () => {
    const flagged = new PageTokens("Op", "Marker", "items");
    expect([flagged.next("m1", true), flagged.next("m2", true), flagged.next("m3", false), flagged.cut]).toEqual(["m1", "m2", undefined, null]);
    const tokens = new PageTokens("Op", "NextToken", "items");
    expect([tokens.next("t1"), tokens.next(undefined), tokens.cut]).toEqual(["t1", undefined, null]);
    expect([new PageTokens("Op", "NextToken", "items").next(""), new PageTokens("Op", "Marker", "items").next(undefined, false)]).toEqual([undefined, undefined]);
  });

  it("more said to follow but no token, or one already followed, is a cut", () => {
    const none = new PageTokens("Op", "Marker", "roles");
    expect([none.next("m1", true), none.next(undefined, true), none.cut, none.cutToken]).toEqual(["m1", undefined, "Op page 2 says more roles follow (IsTruncated) but gives no Marker", undefined]);
    const again = new PageTokens("Op", "NextToken", "items");
    expect([again.next("t1"), again.next("t2"), again.next("t1"), again.cut, again.cutToken]).toEqual(["t1", "t2", undefined, "Op page 3 says more items follow but gives a NextToken already followed", "t1"]);
  });
});

const ROLE = (name: string) => ({
  RoleName: name,
  RoleId: `AROA${name.toUpperCase()}`,
  Arn: `arn:aws:iam::123456789012:role/${name}`,
  Path: "/",
  CreateDate: new Date("2026-01-01T00:00:00Z"),
  AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] })),
  RolePolicyList: [],
  AttachedManagedPolicies: [],
  InstanceProfileList: [],
  Tags: [],
  RoleLastUsed: {},
});

describe("collect: GetAccountAuthorizationDetails", () => {
  for (const [what, second] of [
    ["no Marker", { RoleDetailList: [ROLE("two")], IsTruncated: true }],
    ["a Marker already followed", { RoleDetailList: [ROLE("two")], IsTruncated: true, Marker: "m2" }],
  ] as const) {
    it(`a page with IsTruncated and ${what} makes the export say it is cut, and the collection partial`, async () => {
      const { run, dir } = fakeRun((op, input) => {
        expect(op).toBe("GetAccountAuthorizationDetails");
        return input.Marker === undefined ? { RoleDetailList: [ROLE("one")], IsTruncated: true, Marker: "m2" } : second;
      });
      const roles = await collectIam(run, "us-east-1");
      expect(roles?.map((r) => r.name)).toEqual(["one", "two"]);
      const entry = [...run.calls.values()][0]!;
      const cut = `GetAccountAuthorizationDetails page 2 says more records follow (IsTruncated) but gives ${what}: the export holds the 2 roles, 0 policies, 0 users and 0 groups of the pages read, the others are missing`;
      expect([entry.status, entry.reason]).toEqual(["ok", cut]);
      expect(run.degraded).toEqual([`${entry.id}: ${cut}`]);
      const written = json(dir, "iam/get-account-authorization-details.json");
      expect(written.IsTruncated).toBe(true);
      // What audit makes of it: pages missing (truncated-pagination), the IAM inputs partial.
      const { fragment } = readValue("get-account-authorization-details.json", written);
      expect(fragment!.pagination).toEqual({ truncated: true, path: "IsTruncated" });
      const document = normalizeFragments([fragment!]).document;
      expect(document.meta.partial).toBe(true);
      expect(document.meta.warnings.map((w) => w.code)).toContain("truncated-pagination");
    });
  }

  it("--resume makes a cut export again: carried over, the resumed collection said it was complete", async () => {
    const first = fakeRun((_op, input) => (input.Marker === undefined ? { RoleDetailList: [ROLE("one")], IsTruncated: true } : {}));
    await collectIam(first.run, "us-east-1");
    expect([...first.run.calls.values()][0]!.reason).not.toBeNull();
    const again = fakeRun((_op, input) => (input.Marker === undefined ? { RoleDetailList: [ROLE("one")], IsTruncated: true, Marker: "m2" } : { RoleDetailList: [ROLE("two")], IsTruncated: false }), { dir: first.dir, previous: first.run });
    expect((await collectIam(again.run, "us-east-1"))?.map((r) => r.name)).toEqual(["one", "two"]);
    const entry = [...again.run.calls.values()][0]!;
    expect([again.asked.length, entry.resumed, entry.reason, again.run.degraded]).toEqual([2, false, null, []]);
    expect(json(first.dir, "iam/get-account-authorization-details.json").IsTruncated).toBeUndefined();
  });

  it("a whole export has no IsTruncated and is not degraded", async () => {
    const { run, dir } = fakeRun((_op, input) => (input.Marker === undefined ? { RoleDetailList: [ROLE("one")], IsTruncated: true, Marker: "m2" } : { RoleDetailList: [ROLE("two")], IsTruncated: false }));
    await collectIam(run, "us-east-1");
    expect([...run.calls.values()][0]!.reason).toBeNull();
    expect(json(dir, "iam/get-account-authorization-details.json").IsTruncated).toBeUndefined();
  });
});

const WINDOW = { start: new Date("2026-01-01T00:00:00Z"), end: new Date("2026-01-20T00:00:00Z") };
const QUERY_OPTIONS = { pollMs: 1, timeoutMs: 60_000, signal: undefined };
const ANALYZER = "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/unused";

describe("collect: CloudTrail", () => {
  it("LookupEvents: the last chunk keeps the NextToken, which makes the usage partial; the unit is degraded", async () => {
    const event = (id: string) => ({ EventId: id, EventName: "GetObject", EventSource: "s3.amazonaws.com", EventTime: new Date("2026-01-10T00:00:00Z"), CloudTrailEvent: JSON.stringify({ eventVersion: "1.08", eventID: id, eventTime: "2026-01-10T00:00:00Z", eventSource: "s3.amazonaws.com", eventName: "GetObject", awsRegion: "us-east-1", userIdentity: { type: "AssumedRole", arn: "arn:aws:sts::123456789012:assumed-role/one/fn", accountId: "123456789012" } }) });
    const { run, dir, asked } = fakeRun((_op, input) => (input.NextToken === undefined ? { Events: [event("e1")], NextToken: "t1" } : { Events: [event("e2")], NextToken: "t1" }));
    await collectLookup(run, "us-east-1", { start: new Date("2026-01-01T00:00:00Z"), end: new Date("2026-01-20T00:00:00Z") });
    expect(asked.length).toBe(2);
    const entry = [...run.calls.values()][0]!;
    expect([entry.status, entry.reason]).toEqual(["ok", "LookupEvents page 2 says more events follow but gives a NextToken already followed: the 2 events of the pages read are kept, the others are missing"]);
    const files = readdirSync(join(dir, "cloudtrail/lookup/us-east-1"));
    expect(files).toEqual(["lookup-events-00001.json"]);
    const written = json(dir, "cloudtrail/lookup/us-east-1/lookup-events-00001.json");
    expect([(written.Events as unknown[]).length, written.NextToken]).toEqual([2, "t1"]);
    const read = readUsageFile(join(dir, "cloudtrail/lookup/us-east-1/lookup-events-00001.json"));
    expect(read.partial.partialReasons.join("\n")).toMatch(/NextToken: more events match than it holds/);
  });
  for (const [what, answer] of [
    ["no NextContinuationToken", (input: Record<string, unknown>) => (input.ContinuationToken === undefined ? { CommonPrefixes: [{ Prefix: "AWSLogs/" }], IsTruncated: true, NextContinuationToken: "c1" } : { CommonPrefixes: [], IsTruncated: true })],
    ["a NextContinuationToken already followed", () => ({ CommonPrefixes: [{ Prefix: "AWSLogs/" }], IsTruncated: true, NextContinuationToken: "c1" })],
  ] as const) {
    it(`a page with IsTruncated and ${what} fails the listing, named, and fetches nothing`, async () => {
      const { run, asked } = fakeRun((op, input) => {
        expect(op).toBe("ListObjectsV2");
        return answer(input);
      });
      await collectS3Logs(run, "us-east-1", { kind: "s3", bucket: "trail-logs", prefix: "" } as never, { start: new Date("2026-01-01T00:00:00Z"), end: new Date("2026-01-20T00:00:00Z") }, 2);
      expect(asked.length).toBe(2);
      const entries = [...run.calls.values()];
      const list = entries.find((c) => c.operation === "ListObjectsV2")!;
      expect([list.status, list.errorCode, list.errorMessage]).toEqual([
        "failed",
        "ListingCut",
        `ListObjectsV2 s3://trail-logs/ page 2 says more keys follow (IsTruncated) but gives ${what}: the log files listed after it are unknown, so none is fetched (--resume lists again)`,
      ]);
      expect(entries.filter((c) => c.operation === "GetObject" && c.status === "ok")).toEqual([]);
    });
  }
  it("CloudTrail Lake GetQueryResults repeating its NextToken: the last file keeps it, the unit is degraded", async () => {
    const { run, dir } = fakeRun((op) => {
      if (op === "StartQuery") return { QueryId: "q1" };
      if (op === "DescribeQuery") return { QueryStatus: "FINISHED" };
      return { QueryResultRows: [[{ eventID: "e" }]], NextToken: "t1" };
    });
    await collectLake(run, "us-east-1", { kind: "lake", eventDataStore: "store", region: null }, WINDOW, QUERY_OPTIONS);
    const entry = [...run.calls.values()].find((c) => c.operation === "GetQueryResults")!;
    expect([entry.status, entry.reason]).toEqual(["ok", "cloudtrail:GetQueryResults page 2 says more rows follow but gives a NextToken already followed: the 2 rows of the pages read are kept, the others are missing"]);
    expect(entry.files.length).toBe(1);
    expect(json(dir, entry.files[0]!)).toMatchObject({ NextToken: "t1" });
  });

  it("Athena GetQueryResults repeating its NextToken: failed with the query, no CSV kept (a CSV cannot say it is cut)", async () => {
    const header = { Data: USAGE_ROW_COLUMNS.map((c) => ({ VarCharValue: c })) };
    const row = { Data: USAGE_ROW_COLUMNS.map(() => ({ VarCharValue: "x" })) };
    const { run, dir } = fakeRun((op, input) => {
      if (op === "StartQueryExecution") return { QueryExecutionId: "a1" };
      if (op === "GetQueryExecution") return { QueryExecution: { Status: { State: "SUCCEEDED" } } };
      return { ResultSet: { Rows: input.NextToken === undefined ? [header, row] : [row] }, NextToken: "t1" };
    });
    await collectAthena(run, "us-east-1", { kind: "athena", catalog: null, database: "db", table: "trail", workgroup: null, output: null, region: null } as never, WINDOW, QUERY_OPTIONS);
    const entry = [...run.calls.values()].find((c) => c.operation === "GetQueryResults")!;
    expect([entry.status, entry.errorCode, entry.query?.id]).toEqual(["failed", "ListingCut", "a1"]);
    expect(entry.errorMessage).toBe("athena:GetQueryResults page 2 says more rows follow but gives a NextToken already followed: the rows after it are unknown, so none is kept (--resume runs the query again)");
    let left: string[] = [];
    try {
      left = readdirSync(join(dir, "cloudtrail/athena/us-east-1"));
    } catch {
      left = [];
    }
    expect(left).toEqual([]);
  });

});

describe("allPages", () => {
  it("a token already followed ends the paging (it looped for ever) with the cut said", async () => {
    let asked = 0;
    const r = await allPages({ operation: "ListFunctions", token: "NextMarker" }, async (token) => {
      if (++asked > 10) throw new Error("the paging did not stop");
      return { items: [token ?? "first"], next: "same", attempts: 1 };
    });
    expect(r).toEqual({ items: ["first", "same"], attempts: 2, cut: "ListFunctions page 2 says more items follow but gives a NextMarker already followed: the list holds the 2 items of the pages read, the others are missing", cutToken: "same" });
  });
});

describe("collect: token-only lists repeating their token (they looped for ever)", () => {
  it("DescribeConfigRules: the file keeps the NextToken (truncated-pagination), the unit is degraded", async () => {
    const { run, dir, asked } = fakeRun(() => ({ ConfigRules: [{ ConfigRuleName: "r", Source: { Owner: "AWS", SourceIdentifier: "S3_BUCKET_VERSIONING_ENABLED" } }], NextToken: "t1" }));
    await collectConfigRules(run, "us-east-1");
    expect(asked.length).toBe(2);
    const entry = [...run.calls.values()][0]!;
    expect(entry.reason).toMatch(/^DescribeConfigRules page 2 says more items follow but gives a NextToken already followed/);
    const written = json(dir, "config/us-east-1/describe-config-rules.json");
    expect(written.NextToken).toBe("t1");
    expect(readValue("config/us-east-1/describe-config-rules.json", written).fragment!.pagination?.truncated).toBe(true);
  });

  it("ListFunctions repeating its NextMarker: the file keeps it (truncated-pagination), the unit is degraded", async () => {
    const { run, dir } = fakeRun((op) => (op === "ListFunctions" ? { Functions: [], NextMarker: "m1" } : {}));
    await collectLambda(run, "us-east-1", 2);
    const entry = [...run.calls.values()].find((c) => c.operation === "ListFunctions")!;
    expect([entry.status, entry.reason]).toEqual(["ok", "ListFunctions page 2 says more items follow but gives a NextMarker already followed: the list holds the 0 items of the pages read, the others are missing"]);
    const written = json(dir, "lambda/us-east-1/list-functions.json");
    expect(written).toEqual({ Functions: [], NextMarker: "m1" });
    expect(readValue("lambda/us-east-1/list-functions.json", written).fragment!.pagination?.truncated).toBe(true);
  });

  it("SelectAggregateResourceConfig repeating its NextToken: the file keeps it (truncated-pagination), the unit is degraded", async () => {
    const { run, dir } = fakeRun((op) => {
      if (op === "DescribeConfigurationAggregators") return { ConfigurationAggregators: [{ ConfigurationAggregatorName: "agg", AccountAggregationSources: [{ AccountIds: ["123456789012"], AllAwsRegions: true }] }] };
      return { Results: [JSON.stringify({ accountId: "123456789012", awsRegion: "us-east-1", resourceType: "AWS::Lambda::Function", resourceId: "fn", configuration: {} })], NextToken: "t1" };
    });
    await collectConfigAggregator(run, "agg", "us-east-1");
    const entry = [...run.calls.values()].find((c) => c.operation === "SelectAggregateResourceConfig")!;
    expect([entry.status, entry.reason]).toEqual(["ok", expect.stringMatching(/^SelectAggregateResourceConfig page 2 says more results follow but gives a NextToken already followed/)]);
    expect(json(dir, aggregatorFile("us-east-1")).NextToken).toBe("t1");
    expect(readValue(aggregatorFile("us-east-1"), json(dir, aggregatorFile("us-east-1"))).fragment!.warnings.map((w) => w.code)).toContain("truncated-pagination");
  });
});

describe("collect: Access Analyzer", () => {
  it("ListFindingsV2 repeating its nextToken: the file keeps it (truncated-pagination), the unit is degraded", async () => {
    const { run, dir, asked } = fakeRun((op, input) => {
      if (op === "ListAnalyzers") return { analyzers: [{ arn: ANALYZER, type: "ACCOUNT_UNUSED_ACCESS", status: "ACTIVE" }] };
      if (op === "ListFindingsV2") return { findings: [{ id: input.nextToken === undefined ? "f1" : "f2" }], nextToken: "t1" };
      return { id: input.id, findingType: "UnusedIAMRole", resource: "arn:aws:iam::123456789012:role/one", findingDetails: [] };
    });
    await collectAccessAnalyzer(run, "us-east-1", 2);
    expect(asked.filter((a) => a.operation === "ListFindingsV2").length).toBe(2);
    const entry = [...run.calls.values()][0]!;
    expect([entry.status, entry.reason]).toEqual(["ok", "ListFindingsV2 page 2 says more findings follow but gives a nextToken already followed: the 2 findings of the pages read are kept, the others are missing"]);
    const written = json(dir, "accessanalyzer/us-east-1/unused-access-findings.json");
    expect([(written.findings as unknown[]).length, written.nextToken]).toEqual([2, "t1"]);
  });

  it("ListAnalyzers repeating its nextToken with no analyzer found: failed, named, not 'no analyzer' (skipped as complete)", async () => {
    const { run } = fakeRun(() => ({ analyzers: [], nextToken: "t1" }));
    await collectAccessAnalyzer(run, "us-east-1", 2);
    const entry = [...run.calls.values()][0]!;
    expect([entry.status, entry.errorCode]).toEqual(["failed", "ListingCut"]);
    expect(entry.errorMessage).toMatch(/^ListAnalyzers \(ACCOUNT_UNUSED_ACCESS\) page 2 says more analyzers follow but gives a nextToken already followed; ListAnalyzers \(ORGANIZATION_UNUSED_ACCESS\) page 2 .*: no active unused-access analyzer on the pages read, the others are unknown$/);
  });
});

