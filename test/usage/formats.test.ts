/**
 * Input shapes and bad input. Record shapes are taken from the real corpus files; the variants
 * (gzip, lookup-events, JSON Lines, EventBridge, truncation, damage) are built from them here.
 */
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { labelUsage, readUsage, readUsageFile } from "../../src/usage/index.js";
import { InputError } from "../../src/errors.js";
import { classifyHead } from "../../src/audit/route-inputs.js";
import { INVICTUS, readJson } from "./helpers.js";

const BIG = join(INVICTUS, "218007301253_CloudTrail_us-east-1_20230710T1200Z_iLj9fb7yyUG9X4Bf.json");
let dir: string;
let records: { [k: string]: unknown }[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "leastrole-usage-"));
  records = (readJson(BIG) as { Records: { [k: string]: unknown }[] }).Records;
});

const write = (name: string, data: string | Buffer): string => {
  const p = join(dir, name);
  mkdirSync(join(p, ".."), { recursive: true });
  writeFileSync(p, data);
  return p;
};

describe("shapes", () => {
  it("reads gzip by magic bytes, whatever the name, with the same result as the plain file", async () => {
    const plain = await readUsage([BIG], { workers: 1 });
    const gz = write("no-extension-here", gzipSync(readFileSync(BIG)));
    const fromGz = await readUsage([gz], { workers: 1 });
    expect(fromGz.sessions).toEqual(plain.sessions);
    expect(fromGz.coverage.recordsRead).toBe(records.length);
    expect(fromGz.files[0]?.format).toBe("cloudtrail-s3");
  });

  it("reads lookup-events output (CloudTrailEvent is a JSON string) like the records themselves", async () => {
    const page = { Events: records.map((r) => ({ EventId: r.eventID, EventName: r.eventName, ReadOnly: String(r.readOnly), EventTime: 1688990000, EventSource: r.eventSource, CloudTrailEvent: JSON.stringify(r) })) };
    const p = write("lookup.json", JSON.stringify(page));
    const a = await readUsage([p], { workers: 1 });
    const b = await readUsage([BIG], { workers: 1 });
    expect(a.files[0]?.format).toBe("cloudtrail-lookup-events");
    expect(a.sessions).toEqual(b.sessions);
    expect(a.coverage.recordsRead).toBe(records.length);
  });

  it("reads lookup-events whose CloudTrailEvent jq has parsed (`.Events[] |= (.CloudTrailEvent |= fromjson)`) like the records themselves", async () => {
    // The jq idiom that makes lookup-events readable leaves each record an object in place of its
    // string. Before, every event was skipped ("no CloudTrailEvent string"): no call was counted.
    const events = records.map((r) => ({ EventId: r.eventID, EventName: r.eventName, ReadOnly: String(r.readOnly), EventTime: "2023-07-10T12:00:00+00:00", EventSource: r.eventSource, Resources: [], CloudTrailEvent: r }));
    const b = await readUsage([BIG], { workers: 1 });
    for (const [name, text] of [
      ["lookup-fromjson.json", JSON.stringify({ Events: events }, null, 2)],
      ["lookup-fromjson-events.json", JSON.stringify(events)],
      ["lookup-fromjson.jsonl", events.map((e) => JSON.stringify(e)).join("\n")],
    ] as const) {
      const a = await readUsage([write(name, text)], { workers: 1 });
      expect([name, a.files[0]?.format, a.coverage.partial, a.coverage.recordsRead, a.warnings]).toEqual([name, "cloudtrail-lookup-events", false, records.length, []]);
      expect(a.sessions).toEqual(b.sessions);
    }
  });

  it("lookup-events with a NextToken (--max-items or --no-paginate cut it) is partial: the older events are missing", async () => {
    const events = records.map((r) => ({ EventId: r.eventID, EventName: r.eventName, EventTime: 1688990000, EventSource: r.eventSource, CloudTrailEvent: JSON.stringify(r) }));
    const oldest = records.map((r) => r.eventTime as string).sort()[0];
    const cut = write("lookup-cut.json", JSON.stringify({ Events: events, NextToken: "eyJOZXh0VG9rZW4iOiAiQUJDIiwgImJvdG9fdHJ1bmNhdGVfYW1vdW50IjogMTV9" }));
    const a = await readUsage([cut], { workers: 1 });
    expect(a.coverage.partial).toBe(true);
    expect(a.coverage.recordsRead).toBe(records.length);
    expect(a.warnings.map((w) => [w.code, w.file, w.path])).toEqual([["cloudtrail-lookup-more-events", cut, "NextToken"]]);
    expect(a.warnings[0]?.message).toContain(`the events before ${oldest} are missing`);
    // A list of pages: only a token on the last one says more follow.
    const pages = write("lookup-pages.json", JSON.stringify([{ Events: events.slice(0, 5), NextToken: "t1" }, { Events: events.slice(5) }]));
    const b = await readUsage([pages], { workers: 1 });
    expect([b.coverage.partial, b.warnings]).toEqual([false, []]);
    const cutList = write("lookup-pages-cut.json", JSON.stringify([{ Events: events.slice(0, 5), NextToken: "t1" }, { Events: events.slice(5), NextToken: "t2" }]));
    expect((await readUsage([cutList], { workers: 1 })).warnings.map((w) => w.path)).toEqual(["[1].NextToken"]);
  });

  it("reads lookup-events' events without the wrapper (--query Events, jq -c '.Events[]', one event) like the records themselves", async () => {
    // Before, "none of its elements is a CloudTrail record": the calls in them were missing.
    const events = records.map((r) => ({ EventId: r.eventID, EventName: r.eventName, ReadOnly: String(r.readOnly), EventTime: 1688990000, EventSource: r.eventSource, Resources: [], CloudTrailEvent: JSON.stringify(r) }));
    const b = await readUsage([BIG], { workers: 1 });
    for (const [name, text] of [
      ["query-events.json", JSON.stringify(events, null, 4)],
      ["jq-events.jsonl", events.map((e) => JSON.stringify(e)).join("\n")],
    ] as const) {
      const a = await readUsage([write(name, text)], { workers: 1 });
      expect(a.coverage.partialReasons, name).toEqual([]);
      expect(a.coverage.recordsRead, name).toBe(records.length);
      expect(a.sessions, name).toEqual(b.sessions);
      // Known to be lookup-events output, so management events only (coverage.dataEvents "absent",
      // docs/usage.md). Before, events one per line were taken for JSON Lines of any trail: "unknown".
      expect(a.files[0]?.format, name).toBe("cloudtrail-lookup-events");
    }
    const one = readUsageFile(write("one-event.json", JSON.stringify(events[0]))).partial;
    expect([one.format, one.records]).toEqual(["cloudtrail-lookup-events", 1]);
  });

  it("reads lookup-events' CloudTrailEvent strings on their own (--query 'Events[].CloudTrailEvent', jq '.Events[].CloudTrailEvent') like the records themselves", async () => {
    // Before: "a JSON array, but none of its elements is a CloudTrail record" and "not JSON and
    // not the CSV of the usage query": the calls in them were missing, the usage partial.
    const strings = records.map((r) => JSON.stringify(r));
    const b = await readUsage([BIG], { workers: 1 });
    for (const [name, text] of [
      // The AWS CLI's default JSON output: an array of strings, indented by 4.
      ["query-cloudtrailevent.json", JSON.stringify(strings, null, 4)],
      // jq without -r: one JSON string per line.
      ["jq-cloudtrailevent.jsonl", strings.map((s) => JSON.stringify(s)).join("\n") + "\n"],
      // jq -r: the strings' text, one event object per line (read before too).
      ["jq-r-cloudtrailevent.jsonl", strings.join("\n") + "\n"],
    ] as const) {
      const a = await readUsage([write(name, text)], { workers: 1 });
      expect(a.coverage.partialReasons, name).toEqual([]);
      expect(a.warnings, name).toEqual([]);
      expect(a.coverage.recordsRead, name).toBe(records.length);
      expect(a.sessions, name).toEqual(b.sessions);
    }
    // Strings that are no events stay unread, and said.
    const other = readUsageFile(write("strings.json", JSON.stringify(["a", "b"]))).partial;
    expect([other.format, other.records, other.partialReasons.length]).toEqual(["unrecognised", 0, 1]);
    // A broken string among events is that event skipped and named, the others counted.
    const broken = readUsageFile(write("query-broken.json", JSON.stringify([strings[0], "{\"eventVersion\":", strings[1]]))).partial;
    expect([broken.records, broken.skipped]).toEqual([3, 1]);
    expect(broken.warnings.map((w) => w.path)).toEqual(["[1]"]);
  });

  it("the CloudTrail console's Event history CSV is named for what it is, partial, with what to export instead", async () => {
    // Its columns are the console's (Event history's column titles): the event, its time, source
    // and user name (a role session's name), never the role a call was made with. Before: "not JSON
    // and not the CSV of the usage query", or, met in a folder, skipped as "not a JSON file" and the
    // usage taken as complete.
    const header = "Event ID,Event time,User name,Event name,Resource type,Resource name,AWS access key,AWS region,Error code,Source IP address,Event source,Read-only";
    const rows = records.slice(0, 3).map((r) => [r.eventID, r.eventTime, "orders-api", r.eventName, "", "", "ASIATFQR7NSCXL3YK5UK", r.awsRegion, "", r.sourceIPAddress, r.eventSource, String(r.readOnly)].map((v) => `"${String(v ?? "")}"`).join(","));
    for (const text of [[header, ...rows].join("\r\n"), [header.split(",").map((h) => `"${h}"`).join(","), ...rows].join("\n")]) {
      const p = write("event_history.csv", text);
      expect(classifyHead(text)).toBe("usage");
      const a = await readUsage([p], { workers: 1 });
      expect(a.coverage.partial).toBe(true);
      expect(a.coverage.recordsRead).toBe(0);
      expect(a.warnings.map((w) => [w.code, w.file])).toEqual([["unrecognised-usage-file", p]]);
      expect(a.warnings[0]?.message).toMatch(/^the CloudTrail console's Event history download \(CSV\): .* export the trail's log files .* give `aws cloudtrail lookup-events` output/);
    }
  });

  it("reads UTF-16 with BOM, big-endian as well as little-endian, like UTF-8", async () => {
    // Before, BE was read as UTF-8 ("not JSON"); the audit's router now sends both here.
    const text = readFileSync(BIG, "utf8");
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(Buffer.from(text, "utf16le")).swap16()]);
    const b = await readUsage([BIG], { workers: 1 });
    for (const [name, data] of [["utf16le.json", le], ["utf16be.json", be], ["utf16be.json.gz", gzipSync(be)]] as const) {
      const a = await readUsage([write(name, data)], { workers: 1 });
      expect(a.coverage.partialReasons, name).toEqual([]);
      expect(a.sessions, name).toEqual(b.sessions);
    }
  });

  it("lookup-events holds management events only: its data events are absent, not unknown", async () => {
    const page = { Events: records.map((r) => ({ EventId: r.eventID, EventName: r.eventName, EventTime: 1688990000, EventSource: r.eventSource, CloudTrailEvent: JSON.stringify(r) })) };
    const doc = { functions: [], roles: [], meta: { asOf: null } } as unknown as Parameters<typeof labelUsage>[1];
    const lookup = labelUsage(await readUsage([write("lookup-mgmt.json", JSON.stringify(page))], { workers: 1 }), doc);
    expect(lookup.coverage.dataEvents).toBe("absent");
    // The same records as the trail delivers them say nothing either way; beside them, neither does the lookup.
    expect(labelUsage(await readUsage([BIG], { workers: 1 }), doc).coverage.dataEvents).toBe("unknown");
    expect(labelUsage(await readUsage([BIG, write("lookup-mgmt2.json", JSON.stringify(page))], { workers: 1 }), doc).coverage.dataEvents).toBe("unknown");
  });

  it("an Access Advisor job still running or failed is left out with a warning, and makes nothing partial", async () => {
    const report = (status: string) => ({ JobStatus: status, JobType: "SERVICE_LEVEL", JobCreationDate: "2026-11-27T00:00:00Z", ServicesLastAccessed: [] });
    const role = encodeURIComponent("arn:aws:iam::123456789012:role/app");
    const a = await readUsage([write(`${role}.json`, JSON.stringify(report("IN_PROGRESS"))), BIG], { workers: 1 });
    expect(a.accessAdvisor).toEqual([]);
    expect(a.coverage.partial).toBe(false);
    expect(a.warnings.map((w) => [w.code, w.message])).toEqual([["access-advisor-job-not-completed", "Access Advisor job status is IN_PROGRESS, not COMPLETED: the report is left out; fetch it again when the job has completed"]]);
    const failed = await readUsage([write(`failed-${role}.json`, JSON.stringify(report("FAILED")))], { workers: 1 });
    expect([failed.coverage.partial, failed.warnings.map((w) => w.code)]).toEqual([false, ["access-advisor-job-not-completed"]]);
    // A status that is no string is quoted as JSON, not a TypeError (String() of {"toString": ""} throws).
    const odd = await readUsage([write(`odd-${role}.json`, JSON.stringify({ ...report("x"), JobStatus: { toString: "" } }))], { workers: 1 });
    expect(odd.warnings.map((w) => w.message)).toEqual(['Access Advisor job status is {"toString":""}, not COMPLETED: the report is left out; fetch it again when the job has completed']);
  });

  it("an Access Advisor job printed without its services list is still a job not completed; a failed one says its Error and to start a new job", async () => {
    // IN_PROGRESS: JobCompletionDate "is null if the job is still in progress" (IAM API Reference,
    // GetServiceLastAccessedDetails); FAILED: `Error` "contains details about the reason the operation failed".
    const role = encodeURIComponent("arn:aws:iam::123456789012:role/app");
    const running = write(`running-bare/${role}.json`, JSON.stringify({ JobStatus: "IN_PROGRESS", JobType: "ACTION_LEVEL", JobCreationDate: "2026-11-27T00:00:00.929000+00:00" }, null, 4));
    const failed = write(`failed-error/${role}.json`, JSON.stringify({ JobStatus: "FAILED", JobCreationDate: "2026-11-27T00:00:00Z", JobCompletionDate: "2026-11-27T00:01:00Z", ServicesLastAccessed: [], Error: { Message: "An internal error occurred.", Code: "InternalFailure" } }, null, 4));
    for (const f of [running, failed]) expect(classifyHead(readFileSync(f, "utf8"))).toBe("usage");
    const a = await readUsage([running, failed], { workers: 1 });
    expect([a.coverage.partial, a.accessAdvisor]).toEqual([false, []]);
    expect(a.warnings.map((w) => [w.code, w.message])).toEqual([
      ["access-advisor-job-not-completed", "Access Advisor job FAILED (InternalFailure: An internal error occurred.): the report is left out; start a new job (aws iam generate-service-last-accessed-details) and fetch its output"],
      ["access-advisor-job-not-completed", "Access Advisor job status is IN_PROGRESS, not COMPLETED: the report is left out; fetch it again when the job has completed"],
    ]);
  });

  it("reads an Access Advisor report given as its pages (IsTruncated/Marker), as an array or one after the other", async () => {
    // As `aws iam get-service-last-accessed-details --job-id … [--marker …]` prints each page: the
    // CLI does not follow the Marker itself (IAM API Reference, GetServiceLastAccessedDetails:
    // "If additional items exist beyond the maximum you specify, the IsTruncated response element is true").
    const page = (services: object[], marker: string | null) => ({
      JobStatus: "COMPLETED",
      JobType: "SERVICE_LEVEL",
      JobCreationDate: "2026-11-27T00:00:00.929000+00:00",
      ServicesLastAccessed: services,
      JobCompletionDate: "2026-11-27T00:00:01.929000+00:00",
      IsTruncated: marker !== null,
      ...(marker !== null ? { Marker: marker } : {}),
    });
    const p1 = page([{ ServiceName: "Amazon DynamoDB", LastAuthenticated: "2026-11-20T10:00:00+00:00", ServiceNamespace: "dynamodb", LastAuthenticatedEntity: "arn:aws:iam::123456789012:role/app", LastAuthenticatedRegion: "us-east-1", TotalAuthenticatedEntities: 1 }], "AAAAAgAAAAEAAAAAAAAAAQ==");
    const p2 = page([{ ServiceName: "AWS Lambda", ServiceNamespace: "lambda", TotalAuthenticatedEntities: 0 }], null);
    const role = encodeURIComponent("arn:aws:iam::123456789012:role/app");
    for (const [name, text] of [
      ["array", JSON.stringify([p1, p2], null, 4)],
      ["concatenated", `${JSON.stringify(p1, null, 4)}\n${JSON.stringify(p2, null, 4)}\n`],
    ] as const) {
      const a = await readUsage([write(`pages-${name}/${role}.json`, text)], { workers: 1 });
      expect([name, a.coverage.partial, a.warnings, a.files[0]?.format]).toEqual([name, false, [], "access-advisor"]);
      expect(a.accessAdvisor.map((r) => [r.roleArn, r.services.map((s) => [s.namespace, s.lastAuthenticated])])).toEqual([
        ["arn:aws:iam::123456789012:role/app", [["dynamodb", "2026-11-20T10:00:00Z"], ["lambda", null]]],
      ]);
    }
    // The first page alone: its services are used, and the cut is said.
    const cut = await readUsage([write(`pages-cut/${role}.json`, JSON.stringify(p1, null, 4))], { workers: 1 });
    expect(cut.accessAdvisor.map((r) => r.services.map((s) => s.namespace))).toEqual([["dynamodb"]]);
    expect([cut.coverage.partial, cut.warnings.map((w) => w.code)]).toEqual([false, ["access-advisor-truncated"]]);
    // Pages of two different jobs are not one report.
    const mixed = await readUsage([write(`pages-mixed/${role}.json`, JSON.stringify([p1, { ...p2, JobCreationDate: "2026-11-01T00:00:00Z" }]))], { workers: 1 });
    expect(mixed.accessAdvisor).toEqual([]);
    expect(mixed.warnings.map((w) => w.message)).toEqual(["Access Advisor output cannot be used: page 2 is of another job (JobCreationDate 2026-11-01T00:00:00Z, page 1: 2026-11-27T00:00:00.929000+00:00)"]);
  });

  it("list-findings-v2 summaries of unused-access findings (no findingDetails) are said to be unusable, not silently read as nothing", async () => {
    // FindingSummaryV2 has no findingDetails; get-finding-v2 has them (Access Analyzer API Reference).
    const summary = (id: string, findingType: string) => ({
      analyzedAt: "2026-11-27T10:00:00+00:00",
      createdAt: "2026-11-20T10:00:00+00:00",
      id,
      resource: "arn:aws:iam::123456789012:role/app",
      resourceType: "AWS::IAM::Role",
      resourceOwnerAccount: "123456789012",
      status: "ACTIVE",
      updatedAt: "2026-11-27T10:00:00+00:00",
      findingType,
    });
    const page = { findings: [summary("fa8f3c3a-0001", "UnusedPermission"), summary("fa8f3c3a-0002", "UnusedIAMRole")] };
    const a = await readUsage([write("list-findings-v2.json", JSON.stringify(page, null, 4))], { workers: 1 });
    // Neither can be used: the permission finding names nothing, the role finding not when the role was last used.
    expect(a.accessAnalyzer.map((f) => [f.id, f.findingType, f.services, f.withoutDetails])).toEqual([
      ["fa8f3c3a-0001", "UnusedPermission", [], true],
      ["fa8f3c3a-0002", "UnusedIAMRole", [], true],
    ]);
    expect(a.warnings.map((w) => [w.code, w.message])).toEqual([
      ["access-analyzer-no-details", "1 UnusedIAMRole finding has no findingDetails (fa8f3c3a-0002): list-findings-v2 gives summaries only, which do not say when the role was last used, only that it went unused for the analyzer's unusedAccessAge (1 to 365 days, possibly shorter than the window) before its analysis, so it is not used. Give the output of aws accessanalyzer get-finding-v2 --analyzer-arn … --id … for each"],
      ["access-analyzer-no-details", "1 UnusedPermission finding has no findingDetails (fa8f3c3a-0001): list-findings-v2 gives summaries only, which name no unused service or action, so it is not used. Give the output of aws accessanalyzer get-finding-v2 --analyzer-arn … --id … for each"],
    ]);
    const detailed = { ...summary("fa8f3c3a-0003", "UnusedPermission"), findingDetails: [{ unusedPermissionDetails: { serviceNamespace: "s3", actions: [{ action: "PutObject" }] } }] };
    expect((await readUsage([write("get-finding-v2.json", JSON.stringify(detailed, null, 4))], { workers: 1 })).warnings).toEqual([]);
  });

  it("a cut list-findings-v2 or get-finding-v2 output (nextToken, or the CLI's NextToken with --max-items) is said: truncated-pagination", async () => {
    // ListFindingsV2 and GetFindingV2 answer nextToken while more findings / findingDetails
    // follow (Access Analyzer API Reference); the AWS CLI prints it with --no-paginate, and its
    // own NextToken when --max-items cut the paging; it fetches every page and prints neither otherwise.
    const finding = (id: string) => ({
      analyzedAt: "2026-11-27T10:00:00+00:00",
      createdAt: "2026-11-20T10:00:00+00:00",
      id,
      resource: "arn:aws:iam::123456789012:role/app",
      resourceType: "AWS::IAM::Role",
      resourceOwnerAccount: "123456789012",
      status: "ACTIVE",
      updatedAt: "2026-11-27T10:00:00+00:00",
      findingType: "UnusedIAMRole",
      findingDetails: [{ unusedIamRoleDetails: { lastAccessed: "2026-01-01T00:00:00+00:00" } }],
    });
    const list = await readUsage([write("list-findings-v2-cut.json", JSON.stringify({ findings: [finding("c-1")], nextToken: "eyJ0b2tlbiI6IjEifQ==" }))], { workers: 1 });
    expect(list.accessAnalyzer.map((f) => f.id)).toEqual(["c-1"]);
    expect(list.warnings.map((w) => [w.code, w.path, w.message])).toEqual([
      ["truncated-pagination", "nextToken", "Access Analyzer output is cut: a list-findings-v2 output whose findings go on past this page (nextToken is set): only those given are read, the rest are missing. Fetch every page (the AWS CLI does unless --max-items or --no-paginate is given)"],
    ]);
    const cli = await readUsage([write("list-findings-v2-max-items.json", JSON.stringify({ findings: [finding("c-2")], NextToken: "eyJuZXh0VG9rZW4iOiAiMiJ9" }))], { workers: 1 });
    expect(cli.warnings.map((w) => [w.code, w.path])).toEqual([["truncated-pagination", "NextToken"]]);
    const one = await readUsage([write("get-finding-v2-cut.json", JSON.stringify([finding("c-3"), { ...finding("c-4"), nextToken: "eyJ0b2tlbiI6IjIifQ==" }]))], { workers: 1 });
    expect(one.warnings.map((w) => [w.code, w.path, w.message.slice(0, 86)])).toEqual([["truncated-pagination", "[1].nextToken", "Access Analyzer output is cut: a get-finding-v2 output whose findingDetails go on past"]]);
    // Findings label nothing: usage is not made partial.
    expect([list.coverage.partial, one.coverage.partial]).toEqual([false, false]);
    // A last page (no token, or the null the CLI prints) is whole.
    expect((await readUsage([write("list-findings-v2-last.json", JSON.stringify({ findings: [finding("c-5")], nextToken: null }))], { workers: 1 })).warnings).toEqual([]);
  });

  it("an Access Advisor time that is no timestamp makes the report unusable, named, not 'never accessed'", async () => {
    const role = encodeURIComponent("arn:aws:iam::123456789012:role/app");
    const report = { JobStatus: "COMPLETED", JobType: "SERVICE_LEVEL", JobCompletionDate: "2026-11-27T00:01:00Z", ServicesLastAccessed: [{ ServiceName: "Amazon S3", ServiceNamespace: "s3", LastAuthenticated: "30/10/2026 09:11" }] };
    const a = await readUsage([write(`bad-date-${role}.json`, JSON.stringify(report))], { workers: 1 });
    expect(a.accessAdvisor).toEqual([]);
    expect(a.coverage.partial).toBe(true);
    expect(a.warnings.map((w) => w.message)).toEqual(['Access Advisor output cannot be used: ServicesLastAccessed[0].LastAuthenticated "30/10/2026 09:11" is not a timestamp']);
  });

  it("reads JSON Lines and EventBridge envelopes", async () => {
    const jsonl = write("events.jsonl", records.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const eb = write("eb.jsonl", records.map((r) => JSON.stringify({ version: "0", "detail-type": "AWS API Call via CloudTrail", source: "aws.ec2", detail: r })).join("\n"));
    const b = await readUsage([BIG], { workers: 1 });
    for (const p of [jsonl, eb]) {
      const a = await readUsage([p], { workers: 1 });
      expect(a.sessions).toEqual(b.sessions);
      expect(a.coverage.recordsRead).toBe(records.length);
      expect(a.coverage.partial).toBe(false);
    }
  });

  it("reads JSON objects back to back with no separator (Firehose's S3 output), like the records themselves", async () => {
    const b = await readUsage([BIG], { workers: 1 });
    const envelopes = records.map((r) => JSON.stringify({ version: "0", "detail-type": "AWS API Call via CloudTrail", source: "aws.ec2", detail: r })).join("");
    const bare = records.map((r) => JSON.stringify(r)).join("");
    // `zcat *.json.gz > all.json`: CloudTrail files one after the other (the second one pretty-printed).
    const files = JSON.stringify({ Records: records.slice(0, 100) }) + JSON.stringify({ Records: records.slice(100) }, null, 2);
    for (const [name, data, format] of [
      ["eb-firehose-1-2023-07-10.gz", gzipSync(envelopes), "cloudtrail-json-stream"],
      ["records-concat.json", bare, "cloudtrail-json-stream"],
      ["zcat-all.json", files, "cloudtrail-s3"],
    ] as const) {
      for (const fastScan of [true, "js", false] as const) {
        const a = await readUsage([write(name, data)], { workers: 1, fastScan });
        expect([name, fastScan, a.files[0]?.format, a.coverage.partial, a.coverage.recordsRead, a.warnings]).toEqual([name, fastScan, fastScan === false && format === "cloudtrail-s3" ? "cloudtrail-json-stream" : format, false, records.length, []]);
        expect(a.sessions).toEqual(b.sessions);
      }
    }
  });

  describe("CloudTrail delivered to CloudWatch Logs (each log event's message is a record)", () => {
    const stream = "123837392027_CloudTrail_us-east-1";
    const ts = (r: { [k: string]: unknown }) => Date.parse(r.eventTime as string);
    // As the AWS CLI prints them (members in the API's order, indented by 4).
    const filterOutput = (extra: object = {}) => JSON.stringify({ events: records.map((r, i) => ({ logStreamName: stream, timestamp: ts(r), message: JSON.stringify(r), ingestionTime: ts(r) + 60_000, eventId: String(37e50 + i) })), searchedLogStreams: [], ...extra }, null, 4);
    const getOutput = (events = records) => JSON.stringify({ events: events.map((r) => ({ timestamp: ts(r), message: JSON.stringify(r), ingestionTime: ts(r) + 60_000 })), nextForwardToken: "f/3712", nextBackwardToken: "b/3700" }, null, 4);
    /** The invictus records over and over, as many as a GetLogEvents call fits in its 1 MB (message bytes + 26 each, the size CloudWatch Logs counts). */
    const upToOneMegabyte = () => {
      const events: typeof records = [];
      for (let size = 0, i = 0; ; i++) {
        const r = records[i % records.length] as (typeof records)[0];
        const next = Buffer.byteLength(JSON.stringify(r)) + 26;
        if (size + next > 1_048_576) return events;
        size += next;
        events.push(r);
      }
    };
    /** Subscription data as Firehose writes it to S3: each message gzipped by CloudWatch Logs, the members back to back. */
    const firehose = (): Buffer => {
      const control = { messageType: "CONTROL_MESSAGE", owner: "CloudwatchLogs", logGroup: "", logStream: "", subscriptionFilters: [], logEvents: [{ id: "", timestamp: 1688990000000, message: "CWL CONTROL MESSAGE: Checking health of destination Firehose." }] };
      const data = (part: typeof records) => ({ messageType: "DATA_MESSAGE", owner: "123837392027", logGroup: "aws-cloudtrail-logs-123837392027", logStream: stream, subscriptionFilters: ["to-firehose"], logEvents: part.map((r, i) => ({ id: String(31e54 + i), timestamp: ts(r), message: JSON.stringify(r) })) });
      const half = Math.floor(records.length / 2);
      return Buffer.concat([control, data(records.slice(0, half)), data(records.slice(half))].map((m) => gzipSync(JSON.stringify(m))));
    };

    it.each([
      ["filter-log-events", () => filterOutput(), "cloudtrail-cwl-filter-log-events"],
      ["get-log-events (its tokens are always there: no sign of more)", () => getOutput(), "cloudtrail-cwl-get-log-events"],
      ["subscription data written by Firehose (gzip members back to back, a CONTROL_MESSAGE first)", firehose, "cloudtrail-cwl-subscription"],
      // Before, "not CloudTrail … data (top-level keys: events, searchedLogStreams)", exit code 2.
      ["jq-parsed filter-log-events messages (jq '.events[].message |= fromjson')", () => JSON.stringify({ ...JSON.parse(filterOutput()), events: (JSON.parse(filterOutput()).events as Array<{ message: string }>).map((e) => ({ ...e, message: JSON.parse(e.message) })) }), "cloudtrail-cwl-filter-log-events"],
    ] as const)("%s: read like the records themselves", async (name, make, format) => {
      const b = await readUsage([BIG], { workers: 1 });
      const a = await readUsage([write(`cwl/${name.split(" ")[0]}.json`, make())], { workers: 1 });
      expect([a.files[0]?.format, a.coverage.partial, a.coverage.recordsRead, a.warnings]).toEqual([format, false, records.length, []]);
      expect(a.sessions).toEqual(b.sessions);
    });

    it.each([
      ["filter-log-events --no-paginate (the API's nextToken)", () => filterOutput({ nextToken: "AAAA" }), /^filter-log-events output with a nextToken: more events match than it holds/],
      ["filter-log-events --max-items (the CLI's NextToken)", () => filterOutput({ NextToken: "eyJuZXh0VG9rZW4iOiBudWxsfQ==" }), /^filter-log-events output with a nextToken/],
      ["get-log-events with 10,000 events, the most one call returns", () => getOutput(Array.from({ length: 10_000 }, (_, i) => records[i % records.length] as (typeof records)[0])), /^get-log-events output with 10000 events, the most one call returns: the stream may hold more/],
      // A call returns as many events as fit in 1 MB (CloudWatch Logs API Reference, GetLogEvents):
      // with CloudTrail records of 1-2 KB that cap, not the 10,000 events, is what cuts a page.
      ["get-log-events cut at 1 MB, as the API cuts a page of CloudTrail records", () => getOutput(upToOneMegabyte()), /^get-log-events output of \d+ events and \d+ KB: one call returns at most 1 MB of events, and this page is within one CloudTrail record \(256 KB\) of it: the stream may hold more/],
    ] as const)("%s: partial, said naming the file", async (_what, make, message) => {
      const file = write(`cwl/more-${_what.split(" ")[1]}.json`, make());
      const a = await readUsage([file], { workers: 1 });
      expect(a.coverage.partial).toBe(true);
      expect(a.warnings.map((w) => [w.code, w.file])).toEqual([["cloudwatch-logs-more-events", file]]);
      expect(a.warnings[0]?.message).toMatch(message);
    });

    it("a log group that is not CloudTrail: the file is named once, not each message", () => {
      const lambdaLogs = { messageType: "DATA_MESSAGE", owner: "123837392027", logGroup: "/aws/lambda/orders", logStream: "2023/07/10/[$LATEST]abc", subscriptionFilters: ["f"], logEvents: [{ id: "1", timestamp: 1688990000000, message: "START RequestId: 1" }, { id: "2", timestamp: 1688990000001, message: "END RequestId: 1" }] };
      const r = readUsageFile(write("cwl/lambda.json", JSON.stringify(lambdaLogs))).partial;
      expect(r.skipped).toBe(0);
      expect(r.warnings.map((w) => w.message)).toEqual(["CloudWatch Logs events, but no message is a CloudTrail record (logEvents[0].message: message is not JSON: Unexpected token 'S', \"START RequestId: 1\" is not valid JSON)"]);
    });
  });

  it("a JSON Lines line that breaks costs that line only, named by its line", () => {
    const lines = records.slice(0, 10).map((r) => JSON.stringify(r));
    lines[4] = (lines[4] as string).slice(0, 200); // cut short
    const r = readUsageFile(write("cut-line.jsonl", lines.join("\n"))).partial;
    expect([r.records, r.skipped]).toEqual([10, 1]);
    expect(r.warnings.map((w) => [w.path, w.message])).toEqual([["line 5", "record skipped: a string is not closed on its line"]]);
    expect(r.partialReasons).toEqual(["1 value is not JSON (see warnings)"]);
  });

  it("removes duplicate deliveries by eventID across files", async () => {
    const d = join(dir, "dups");
    write("dups/a.json", JSON.stringify({ Records: records }));
    write("dups/b.json", JSON.stringify({ Records: records.slice(0, 100) }));
    const once = await readUsage([BIG], { workers: 1 });
    const twice = await readUsage([d], { workers: 2 });
    const roleCalls = records.slice(0, 100).filter((r) => (r.userIdentity as { type?: string } | undefined)?.type === "AssumedRole" && r.eventType === "AwsApiCall").length;
    expect(roleCalls).toBeGreaterThan(0);
    expect(twice.coverage.duplicatesRemoved).toBe(roleCalls);
    expect(twice.sessions).toEqual(once.sessions);
  });

  // Insights events have their API inside insightDetails (no top-level eventSource): they are no
  // calls, and leaving them out must not make the data partial (which silences every "unused").
  const insight = (state: string, time: string) => ({ eventVersion: "1.08", eventTime: time, awsRegion: "us-east-1", eventID: `ins-${state}`, eventType: "AwsCloudTrailInsight", recipientAccountId: "123837392027", sharedEventID: "12345678-aaaa-bbbb-cccc-1234567890ab", insightDetails: { state, eventSource: "dynamodb.amazonaws.com", eventName: "UpdateTable", insightType: "ApiCallRateInsight", insightContext: { statistics: { baseline: { average: 0.01 }, insight: { average: 5 } } } }, eventCategory: "Insight" });
  it.each([
    ["WebAssembly scanner", true],
    ["JavaScript scanner", "js"],
    ["JSON.parse", false],
  ] as const)("Insights events are left out without making the data partial, said once per file (%s)", async (_how, fastScan) => {
    const file = write(`insights-${String(fastScan)}/123837392027_CloudTrail-Insight_us-east-1_20230710T1200Z_x.json.gz`, gzipSync(JSON.stringify({ Records: [insight("Start", "2023-07-10T11:00:00Z"), ...records.slice(0, 20), insight("End", "2023-07-10T12:00:00Z")] })));
    const a = await readUsage([file], { workers: 1, fastScan });
    expect(a.coverage.partial).toBe(false);
    expect(a.coverage.recordsRead).toBe(20);
    expect(a.coverage.recordsSkipped).toBe(0);
    expect(a.warnings.map((w) => [w.severity, w.file, w.message])).toEqual([["info", file, "2 CloudTrail Insights events left out: they report unusual API call or error rates, not API calls"]]);
    // Only Insights events: no usage data at all, and nothing partial.
    const only = write(`insights-only-${String(fastScan)}.json`, JSON.stringify({ Records: [insight("Start", "2023-07-10T11:00:00Z")] }));
    const b = await readUsage([only], { workers: 1, fastScan });
    expect([b.coverage.partial, b.coverage.recordsRead, b.warnings.map((w) => w.message)]).toEqual([false, 0, ["1 CloudTrail Insights event left out: it reports unusual API call or error rates, not API calls"]]);
  });

  it("a digest file named explicitly is noted and left out, nothing partial", async () => {
    // CloudTrail User Guide, "CloudTrail digest file structure" (abridged).
    const digest = {
      awsAccountId: "123837392027",
      digestStartTime: "2023-07-10T11:00:00Z",
      digestEndTime: "2023-07-10T12:00:00Z",
      digestS3Bucket: "amzn-s3-demo-bucket",
      digestS3Object: "AWSLogs/123837392027/CloudTrail-Digest/us-east-1/2023/07/10/123837392027_CloudTrail-Digest_us-east-1_trail_us-east-1_20230710T120000Z.json.gz",
      digestPublicKeyFingerprint: "31e8b5433410dfb61a9dc45cc65b22ff",
      digestSignatureAlgorithm: "SHA256withRSA",
      newestEventTime: "2023-07-10T11:52:27Z",
      oldestEventTime: "2023-07-10T11:02:27Z",
      previousDigestS3Bucket: null,
      previousDigestS3Object: null,
      previousDigestHashValue: null,
      previousDigestHashAlgorithm: null,
      previousDigestSignature: null,
      logFiles: [{ s3Bucket: "amzn-s3-demo-bucket", s3Object: "AWSLogs/123837392027/CloudTrail/us-east-1/2023/07/10/x.json.gz", hashValue: "9bb6196fc6b84d6f075a56548feca262bd99ba3c2de41b618e5b6e22c1fc71f6", hashAlgorithm: "SHA-256", newestEventTime: "2023-07-10T11:52:27Z", oldestEventTime: "2023-07-10T11:02:27Z" }],
    };
    const file = write("digest/123837392027_CloudTrail-Digest_us-east-1_trail_us-east-1_20230710T120000Z.json.gz", gzipSync(JSON.stringify(digest)));
    const a = await readUsage([file, BIG], { workers: 1 });
    expect(a.coverage.partial).toBe(false);
    expect(a.files.find((f) => f.path === file)?.format).toBe("cloudtrail-digest");
    expect(a.warnings.map((w) => [w.code, w.severity, w.file])).toEqual([["cloudtrail-digest-skipped", "info", file]]);
  });

  it("walks the S3 tree and skips digest files", async () => {
    write("tree/AWSLogs/123837392027/CloudTrail/us-east-1/2023/07/10/x.json.gz", gzipSync(readFileSync(BIG)));
    write("tree/AWSLogs/123837392027/CloudTrail-Digest/us-east-1/2023/07/10/d.json.gz", gzipSync(JSON.stringify({ awsAccountId: "123837392027", digestStartTime: "2023-07-10T11:00:00Z" })));
    const a = await readUsage([join(dir, "tree")], { workers: 1 });
    expect(a.files.map((f) => f.path)).toEqual([join(dir, "tree/AWSLogs/123837392027/CloudTrail/us-east-1/2023/07/10/x.json.gz")]);
    expect(a.coverage.partial).toBe(false);
  });
});

describe("bad input", () => {
  it("a truncated gzip: what decompresses is counted, the file is reported with how many bytes decompressed and the record the cut falls in, coverage partial", () => {
    const gz = gzipSync(readFileSync(BIG));
    const p = write("truncated.json.gz", gz.subarray(0, Math.floor(gz.length / 2)));
    const r = readUsageFile(p).partial;
    expect(r.records).toBeGreaterThan(10);
    expect(r.records).toBeLessThan(records.length);
    // One damage, one warning (336b8b7): the gzip line says how far the bytes go and the record the
    // cut falls in, which is the first record not counted; the JSON break it causes is not a second line.
    expect(r.partialReasons).toHaveLength(1);
    expect(r.partialReasons[0]).toMatch(new RegExp(`^gzip stream is damaged \\(unexpected end of file\\); \\d+ bytes could be decompressed, the rest is lost: the cut falls inside record ${r.records}; the ${r.records} records before it were counted`));
    expect(r.warnings.map((w) => [w.file, w.code])).toEqual([[p, "truncated-gzip"]]);
    expect(r.warnings[0]!.message).toBe(r.partialReasons[0]);
  });

  it("the rest of the files still count, and the aggregate is partial", async () => {
    const d = join(dir, "mixed");
    const gz = gzipSync(readFileSync(BIG));
    write("mixed/a-truncated.json.gz", gz.subarray(0, 5000));
    write("mixed/b-good.json", readFileSync(BIG));
    write("mixed/c-policy.json", JSON.stringify({ Version: "2012-10-17", Statement: [] }));
    const a = await readUsage([d], { workers: 1 });
    expect(a.coverage.partial).toBe(true);
    expect(a.coverage.partialReasons.some((r) => r.startsWith(join(d, "c-policy.json")) && r.includes("not CloudTrail"))).toBe(true);
    expect(a.coverage.partialReasons.some((r) => r.startsWith(join(d, "a-truncated.json.gz")))).toBe(true);
    expect(a.coverage.recordsRead).toBeGreaterThanOrEqual(records.length);
    expect(a.warnings.find((w) => w.file === join(d, "c-policy.json"))?.message).toMatch(/top-level keys: Version, Statement/);
  });

  it("records missing required fields are skipped with their index; the others count", () => {
    const broken = records.slice(0, 10).map((r, i) => (i === 3 ? { ...r, eventName: undefined } : i === 7 ? { ...r, eventTime: 12 } : r));
    const p = write("missing.json", JSON.stringify({ Records: [...broken, "not a record"] }));
    for (const fastScan of [true, false]) {
      const r = readUsageFile(p, { fastScan }).partial;
      expect(r.records).toBe(11);
      expect(r.skipped).toBe(3);
      expect(r.warnings.map((w) => [w.path?.replace(/ \(byte \d+\)/, ""), w.message])).toEqual([
        ["Records[3]", 'record skipped: missing or non-string "eventName"'],
        ["Records[7]", 'record skipped: missing or non-string "eventTime"'],
        ["Records[10]", "record skipped: record is not an object"],
      ]);
    }
  });

  it("a file that is not JSON, an empty file, and a missing path", async () => {
    const p = write("garbage.json", "this is not json {");
    const r = readUsageFile(p).partial;
    expect(r.partialReasons[0]).toMatch(/not JSON/);
    // JSON that breaks on its line 1: said once, for the file, not again for the line.
    const broken = readUsageFile(write("broken.json", '{"Records": nope}')).partial;
    expect(broken.warnings.map((w) => [w.path, w.message])).toEqual([[undefined, expect.stringMatching(/^not JSON: Unexpected token/)]]);
    expect(broken.skipped).toBe(0);
    const other = readUsageFile(write("other-lines.jsonl", '{"level":"info","msg":"a"}\n{"level":"info","msg":"b"}\n')).partial;
    expect(other.warnings.map((w) => w.message)).toEqual(["JSON values, but none is a CloudTrail record (the first: keys: level, msg)"]);
    expect(readUsageFile(write("empty.json", "")).partial.partialReasons).toEqual([]);
    // A JSON document cut short (an interrupted copy of an Access Advisor report): not JSON, where
    // it breaks. The stream reader takes up the strings inside it as values, and had said "JSON
    // values, but none is a CloudTrail record (the first: string)", which sent the user elsewhere.
    const cut = write("cut.json", '{\n  "JobStatus": "COMPLETED",\n  "ServicesLastAccessed": [\n    {\n      "ServiceName": "Amazon CloudWatch Logs",\n      "ServiceNam');
    for (const fastScan of [true, false]) {
      expect(readUsageFile(cut, { fastScan }).partial.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^not JSON: Unterminated string in JSON at position 128$/)]);
    }
    await expect(readUsage([join(dir, "nope")])).rejects.toBeInstanceOf(InputError);
  });

  it("a folder walk that meets a broken link makes the usage partial, naming it; a link loop is walked once", async () => {
    // Before, the broken link was left out without a word (the usage complete), and the loop was
    // walked again at every level until the path was too long.
    const root = join(dir, "walk-links");
    write(join("walk-links", "trail.json"), JSON.stringify({ Records: records.slice(0, 3) }));
    symlinkSync("/nonexistent/file.json.gz", join(root, "dangling.json.gz"));
    symlinkSync("/nonexistent/notes.txt", join(root, "notes.txt")); // no data file by its name: not said
    symlinkSync(".", join(root, "loop"));
    const u = await readUsage([root], { workers: 1 });
    expect(u.files.map((f) => [f.path, f.format])).toEqual([
      [join(root, "dangling.json.gz"), "unreadable"],
      [join(root, "trail.json"), "cloudtrail-s3"],
    ]);
    expect(u.coverage.partial).toBe(true);
    expect(u.coverage.partialReasons).toEqual([`${join(root, "dangling.json.gz")}: a symbolic link to /nonexistent/file.json.gz, which does not exist; the activity data it may hold is missing, so the usage is partial`]);
    expect(u.warnings.filter((w) => w.code === "unreadable-file").map((w) => w.file)).toEqual([join(root, "dangling.json.gz")]);
  });

  it("lookup-events with a broken CloudTrailEvent string: that event is skipped and named", () => {
    const page = { Events: [{ CloudTrailEvent: JSON.stringify(records[0]) }, { CloudTrailEvent: "{broken" }] };
    const r = readUsageFile(write("lookup-bad.json", JSON.stringify(page))).partial;
    expect(r.records).toBe(2);
    expect(r.skipped).toBe(1);
    expect(r.warnings[0]?.path).toBe("Events[1].CloudTrailEvent");
  });
});
