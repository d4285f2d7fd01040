/**
 * routeInputs sniffs each file's first bytes (gunzipped when gzip) to send activity data to the
 * usage stage and the rest to the source readers: whole, truncated and damaged gzip included.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { keysAt, topLevelKeys } from "../../src/audit/json-head.js";
import { classifyHead, routeInputs } from "../../src/audit/route-inputs.js";
import { isCloudTrailLogFile } from "../../src/usage/log-file-name.js";
import { packageRoot } from "../../src/evaluate/locate.js";
import { readSourceBytes } from "../../src/sources/index.js";

const dir = mkdtempSync(join(tmpdir(), "lr-route-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function trail(records: number): string {
  const rs = Array.from({ length: records }, (_, i) => ({
    eventVersion: "1.08",
    eventTime: "2026-11-01T00:00:00Z",
    eventSource: "dynamodb.amazonaws.com",
    eventName: "GetItem",
    awsRegion: "us-east-1",
    requestID: `r-${i}-${Math.sin(i).toString(36)}`,
    eventID: `e-${i}-${Math.cos(i).toString(36)}`,
  }));
  return JSON.stringify({ Records: rs });
}

/**
 * JSON that compresses about 2×: the first 4 KB of its gzip (the probe) inflate to less than the
 * sniffed 16 KB, and its first item opens with 12 KB of noise, so what tells it apart comes after
 * what the probe alone would give.
 */
function noisy(wrap: (items: object[]) => object, item: (noise: string) => object): Buffer {
  const hex = (i: number) => Array.from({ length: i === 0 ? 192 : 16 }, (_, k) => createHash("sha256").update(`${i}/${k}`).digest("hex")).join("");
  const data = gzipSync(JSON.stringify(wrap(Array.from({ length: 40 }, (_, i) => item(hex(i))))));
  expect(data.length).toBeGreaterThan(16 * 1024);
  return data;
}

describe("routeInputs", () => {
  it("sends CloudTrail (plain, gzip, a gzip head past the sniffed bytes, damaged gzip) to usage, the rest to the readers", async () => {
    const big = gzipSync(trail(3000));
    expect(big.length).toBeGreaterThan(64 * 1024); // the sniff reads a truncated stream
    const damaged = Buffer.from(big);
    damaged.fill(0xff, 2048, 4096); // the deflate data breaks after its first KB
    const files: Record<string, Buffer | string> = {
      "a/trail.json": trail(3),
      "a/trail.json.gz": big,
      "a/damaged.json.gz": damaged,
      "b/iam.json": JSON.stringify({ UserDetailList: [], RoleDetailList: [], Policies: [] }),
      "b/iam.json.gz": gzipSync(JSON.stringify({ RoleDetailList: [] })),
      "b/empty.json": "",
      // Past the probe: the whole head is inflated, as for any gzip before.
      "c/noisy-trail.json.gz": noisy((records) => ({ Records: records }), (n) => ({ requestID: n, eventVersion: "1.08", eventSource: "s3.amazonaws.com", eventName: "GetObject" })),
      "c/noisy-iam.json.gz": noisy((roles) => ({ RoleDetailList: roles }), (n) => ({ RoleName: "r", RoleId: n })),
    };
    for (const [name, data] of Object.entries(files)) {
      mkdirSync(join(dir, name, ".."), { recursive: true });
      writeFileSync(join(dir, name), data);
    }
    const routed = await routeInputs([dir]);
    expect(routed.usage).toEqual(["a/damaged.json.gz", "a/trail.json", "a/trail.json.gz", "c/noisy-trail.json.gz"].map((f) => join(dir, f)));
    expect(routed.sources.map((s) => s.file)).toEqual(["b/empty.json", "b/iam.json", "b/iam.json.gz", "c/noisy-iam.json.gz"].map((f) => join(dir, f)));
    expect(routed.warnings).toEqual([]);
  });
});

describe("routeInputs: files whose name or place says CloudTrail", () => {
  it("go to the usage reader whatever their head (empty, damaged, not JSON), which says what is wrong and makes the usage partial", async () => {
    // Before, they went to the source readers, which noted them as "skipped: not a JSON file" (info).
    const root = join(dir, "named");
    const delivery = "AWSLogs/111111111111/CloudTrail/us-east-1/2026/11/14/111111111111_CloudTrail_us-east-1_20261114T2005Z_EVENINGxFILE0001.json.gz";
    const files: Record<string, Buffer | string> = {
      [delivery]: "",
      // An organisation trail's place, a name of our own: the place says CloudTrail.
      "AWSLogs/o-abc123def4/222222222222/CloudTrail/eu-west-1/2026/11/14/copy.json.gz": "<html>403</html>",
      // The name alone says CloudTrail (a flat download).
      "flat/333333333333_CloudTrail_eu-west-1_20261114T0000Z_AbCdEf0123456789.json.gz": Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad]),
      // Neither: noted by the source readers, as before.
      "flat/empty.json": "",
      "AWSLogs/111111111111/README.txt": "notes",
    };
    for (const [name, data] of Object.entries(files)) {
      mkdirSync(join(root, name, ".."), { recursive: true });
      writeFileSync(join(root, name), data);
    }
    const routed = await routeInputs([root]);
    expect(routed.usage).toEqual(
      [delivery, "AWSLogs/o-abc123def4/222222222222/CloudTrail/eu-west-1/2026/11/14/copy.json.gz", "flat/333333333333_CloudTrail_eu-west-1_20261114T0000Z_AbCdEf0123456789.json.gz"].map((f) => join(root, f)).sort(),
    );
    expect(routed.sources.map((s) => s.file)).toEqual(["AWSLogs/111111111111/README.txt", "flat/empty.json"].map((f) => join(root, f)));
    // Digest and Insights files are not API events: never taken for a delivery by their name.
    expect(isCloudTrailLogFile("111111111111_CloudTrail-Digest_us-east-1_trail_us-east-1_20261114T2005Z.json.gz")).toBe(false);
    expect(isCloudTrailLogFile("AWSLogs/111111111111/CloudTrail-Insight/us-east-1/2026/11/14/x.json.gz")).toBe(false);
  });
});

describe("classifyHead", () => {
  // Heads as the AWS CLI and CloudTrail write them; each names the kind it must be routed to.
  const heads: Array<[string, string, ReturnType<typeof classifyHead>]> = [
    ["CloudTrail file with records", '{"Records":[{"eventVersion":"1.08","eventSource":"s3.amazonaws.com"', "usage"],
    ["CloudTrail file with no records (CloudTrail delivers them)", '{"Records":[]}', "usage"],
    ["the same, pretty-printed", '{\n  "Records": [\n  ]\n}\n', "usage"],
    ["get-account-authorization-details", '{"UserDetailList":[],"RoleDetailList":[{"RoleName":"r"', "sources"],
    ["a key named Records below the top level is not CloudTrail", '{"Functions":[{"Records":[]}]}', "sources"],
    ["Lake rows as collect writes them", '{"QueryResultRows":[[{"row_kind":"usage"}', "usage"],
    ["aws cloudtrail get-query-results (status and statistics first)", '{\n    "QueryStatus": "FINISHED",\n    "QueryStatistics": {\n        "ResultsCount": 2,\n        "TotalResultsCount": 2\n    },\n    "QueryResultRows": [\n        [\n            {\n                "row_kind": "usage"', "usage"],
    ["a results page with NextToken before the rows", '{"NextToken":"AAAA","QueryStatus":"FINISHED","QueryResultRows":[]}', "usage"],
    ["a Lake query that failed (no rows)", '{"QueryStatus":"FAILED","ErrorMessage":"Query syntax error"}', "usage"],
    ["a CloudTrail digest file (the usage reader notes it)", '{"awsAccountId":"111122223333","digestStartTime":"2015-08-17T14:01:31Z","digestEndTime":"2015-08-17T15:01:31Z","digestS3Bucket":"b"', "usage"],
    ["aws logs filter-log-events of a trail's log group", '{\n    "events": [\n        {\n            "logStreamName": "111122223333_CloudTrail_us-east-1",\n            "timestamp": 1793064570000,\n            "message": "{\\"eventVersion\\":\\"1.08\\",\\"eventTime\\":\\"2026-10-27T01:29:30Z\\",\\"eventSource\\":\\"sqs.amazonaws.com\\"', "usage"],
    ["aws logs get-log-events of a trail's log stream", '{"events":[{"timestamp":1793064570000,"message":"{\\"eventVersion\\":\\"1.08\\",\\"eventSource\\": \\"s3.amazonaws.com\\"}","ingestionTime":1795810822000}]', "usage"],
    ["subscription data of a trail's log group", '{"messageType":"DATA_MESSAGE","owner":"111122223333","logGroup":"aws-cloudtrail-logs","logStream":"s","subscriptionFilters":["f"],"logEvents":[{"id":"1","timestamp":1,"message":"{\\"eventVersion\\":\\"1.08\\",\\"eventSource\\":\\"s3.amazonaws.com\\"', "usage"],
    ["subscription data with only a CONTROL_MESSAGE", '{"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1,"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}', "usage"],
    ["subscription data of another log group is not CloudTrail", '{"messageType":"DATA_MESSAGE","owner":"1","logGroup":"/aws/lambda/f","logStream":"s","subscriptionFilters":["f"],"logEvents":[{"id":"1","timestamp":1,"message":"START RequestId: 1"}]}', "sources"],
    ["cloudtrail describe-query output is not results", '{"QueryId":"q","QueryString":"SELECT 1","QueryStatus":"FINISHED","QueryStatistics":{}}', "sources"],
  ];
  it.each(heads)("%s", (_what, head, kind) => {
    expect(classifyHead(head)).toBe(kind);
  });
});

describe("topLevelKeys", () => {
  const cases: Array<[string, string, string[]]> = [
    ["nested values and strings holding quotes, braces and commas are skipped", '{"a":{"b":[1,{"c":2}]},"d":"x\\"}{,","e":[]}', ["a", "d", "e"]],
    ["a head cut inside a value gives the keys before the cut", '{"QueryStatus":"FINISHED","QueryResultRows":[[{"row_kind":"us', ["QueryStatus", "QueryResultRows"]],
    ["a head cut inside a key", '{"a":1,"Query', ["a"]],
    ["a byte-order mark and blanks before the object", '\ufeff \n{ "k" : true }', ["k"]],
    ["not an object", '[{"a":1}]', []],
  ];
  it.each(cases)("%s", (_what, head, keys) => {
    expect(topLevelKeys(head)).toEqual(keys);
  });
});

describe("Lambda event payloads (a SAM project's events/*.json)", () => {
  const dir = join(packageRoot(), "test", "iac", "fixtures", "sam-project-events");

  it("go to the source readers, which say what they are, not to the usage stage as CloudTrail", async () => {
    for (const name of ["s3.json", "sqs.json", "api.json", "schedule.json"]) expect(classifyHead(readFileSync(join(dir, name), "utf8")), name).toBe("sources");
    const said = (name: string) => readSourceBytes(join(dir, name), readFileSync(join(dir, name)), { explicit: false }).warnings.map((w) => [w.code, w.severity]);
    for (const name of ["s3.json", "sqs.json", "api.json", "schedule.json"]) expect(said(name), name).toEqual([["input-not-used", "info"]]);
  });

  it("a CloudTrail record with an aws:… value elsewhere, and an EventBridge envelope of one, are still activity", () => {
    expect(classifyHead('{"Records":[{"eventSource":"s3.amazonaws.com","eventName":"GetObject","requestParameters":{"source":"aws:s3"}}]}')).toBe("usage");
    expect(classifyHead('{"version":"0","detail-type":"AWS API Call via CloudTrail","source":"aws.s3","detail":{"eventSource":"s3.amazonaws.com","eventName":"PutObject"}}')).toBe("usage");
  });
});

describe("Terraform plans whose values quote CloudTrail's field names", () => {
  // test/fixtures/terraform-sweep/tfmod-triggers-url: an EventBridge rule on "AWS API Call via
  // CloudTrail" events, whose event_pattern (`\"eventSource\": [\"ec2.amazonaws.com\"]`) is in the
  // plan's first bytes, as Terraform 1.11.4 wrote it.
  const plan = join(packageRoot(), "test", "fixtures", "terraform-sweep", "tfmod-triggers-url", "plan.json");

  it("go to the source readers, which read them as plans, not to the usage stage as CloudTrail", async () => {
    const head = readFileSync(plan, "utf8").slice(0, 16 * 1024);
    expect(head).toContain('\\"eventSource\\"');
    expect(classifyHead(head)).toBe("sources");
    const routed = await routeInputs([plan]);
    expect(routed.sources.map((s) => s.file)).toEqual([plan]);
    expect(routed.usage).toEqual([]);
  });

  it("a state file (`terraform state pull`) by its keys, and CloudTrail with a format_version elsewhere still activity", () => {
    expect(classifyHead('{"version":4,"terraform_version":"1.11.4","serial":3,"lineage":"x","outputs":{},"resources":[{"type":"aws_cloudwatch_event_rule","instances":[{"attributes":{"event_pattern":"{\\"detail\\":{\\"eventSource\\":[\\"s3.amazonaws.com\\"]}}"}}]}]}')).toBe("sources");
    expect(classifyHead('{"Records":[{"eventSource":"s3.amazonaws.com","requestParameters":{"format_version":"1"}}]}')).toBe("usage");
  });
});

describe("Templates and CDK assemblies holding an EventBridge rule on CloudTrail's API calls", () => {
  // The pattern of the EventBridge User Guide's "AWS API Call via CloudTrail" events: EventBridge
  // matches a value with a list, so the pattern's eventSource is `["s3.amazonaws.com"]`, never the
  // bare string a CloudTrail record holds.
  const pattern = { source: ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"], detail: { eventSource: ["s3.amazonaws.com"], eventName: ["PutBucketPolicy"] } };
  const template = {
    AWSTemplateFormatVersion: "2010-09-09",
    Resources: {
      Rule: { Type: "AWS::Events::Rule", Properties: { EventPattern: pattern, Targets: [{ Arn: { "Fn::GetAtt": ["Fn", "Arn"] }, Id: "fn" }] } },
      Fn: { Type: "AWS::Lambda::Function", Properties: { Runtime: "python3.12", Handler: "index.handler", Role: { "Fn::GetAtt": ["Role", "Arn"] }, Code: { ZipFile: "x" } } },
    },
  };

  it("go to the source readers, whether the pattern is an object, text or a CDK tree.json's props", async () => {
    // A CloudFormation JSON template (as `cdk synth` writes it, the rule before the function).
    expect(classifyHead(JSON.stringify(template, null, 1))).toBe("sources");
    // EventPattern given as text, as some templates and `aws events put-rule` inputs write it.
    expect(classifyHead(JSON.stringify({ ...template, Resources: { Rule: { Type: "AWS::Events::Rule", Properties: { EventPattern: JSON.stringify(pattern) } } } }))).toBe("sources");
    // cdk.out/tree.json: the construct tree with each resource's CloudFormation props.
    expect(classifyHead(JSON.stringify({ version: "tree-0.1", tree: { id: "App", path: "", children: { Stack: { id: "Stack", path: "Stack", children: { Rule: { id: "Rule", path: "Stack/Rule", attributes: { "aws:cdk:cloudformation:type": "AWS::Events::Rule", "aws:cdk:cloudformation:props": { eventPattern: pattern } } } } } } } }))).toBe("sources");
    const dir = mkdtempSync(join(tmpdir(), "lr-evtpl-"));
    const file = join(dir, "template.json");
    writeFileSync(file, JSON.stringify(template, null, 2));
    const routed = await routeInputs([file]);
    expect(routed.sources.map((s) => s.file)).toEqual([file]);
    expect(routed.usage).toEqual([]);
  });

  it("CloudTrail's records, their EventBridge envelope and a trail's log events (a record as text) are still activity", () => {
    expect(classifyHead('{"Records":[{"eventVersion":"1.09","eventSource":"s3.amazonaws.com","eventName":"PutBucketPolicy"}]}')).toBe("usage");
    expect(classifyHead('{"version":"0","detail-type":"AWS API Call via CloudTrail","source":"aws.s3","detail":{"eventSource": "s3.amazonaws.com","eventName":"PutBucketPolicy"}}')).toBe("usage");
    expect(classifyHead('{"events":[{"timestamp":1,"message":"{\\"eventVersion\\":\\"1.09\\",\\"eventSource\\": \\"s3.amazonaws.com\\"}"}]}')).toBe("usage");
  });
});

/** UTF-16 with its byte-order mark, as Windows PowerShell 5.1's `>` (LE) and `Out-File -Encoding BigEndianUnicode` (BE) write. */
function utf16(text: string, order: "le" | "be"): Buffer {
  const le = Buffer.from(text, "utf16le");
  return order === "le" ? Buffer.concat([Buffer.from([0xff, 0xfe]), le]) : Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()]);
}

/** lookup-events events as the CLI prints them (Resources before CloudTrailEvent), the first with `resources` ARNs. */
function lookupEvents(resources: number): object[] {
  return [0, 1].map((i) => ({
    EventId: `e-${i}`,
    EventName: "GetSecretValue",
    ReadOnly: "true",
    EventTime: "2026-11-30T08:00:30Z",
    EventSource: "secretsmanager.amazonaws.com",
    Username: "orders-fn",
    Resources: Array.from({ length: i === 0 ? resources : 0 }, (_, k) => ({ ResourceType: "AWS::EC2::Instance", ResourceName: `i-${String(k).padStart(17, "0")}` })),
    CloudTrailEvent: JSON.stringify({ eventVersion: "1.09", eventSource: "secretsmanager.amazonaws.com", eventName: "GetSecretValue", eventID: `e-${i}` }),
  }));
}

describe("routeInputs: activity data the head did not show", () => {
  it("UTF-16 LE and BE with BOM (PowerShell redirects) go to the usage reader, not to the account readers that skip CloudTrail", async () => {
    // Before, the head was read as UTF-8 only: a NUL between every character, nothing matched.
    const root = join(dir, "utf16");
    mkdirSync(root);
    const ct = JSON.stringify({ Records: [{ eventVersion: "1.08", eventSource: "secretsmanager.amazonaws.com", eventName: "GetSecretValue" }] }, null, 4);
    const files: Record<string, Buffer> = {
      "ct-le.json": utf16(ct, "le"),
      "ct-be.json": utf16(ct, "be"),
      "lookup-le.json": utf16(JSON.stringify({ Events: lookupEvents(1) }, null, 4), "le"),
      "iam-le.json": utf16(JSON.stringify({ UserDetailList: [], RoleDetailList: [] }), "le"),
    };
    for (const [name, data] of Object.entries(files)) writeFileSync(join(root, name), data);
    const routed = await routeInputs([root]);
    expect(routed.usage).toEqual(["ct-be.json", "ct-le.json", "lookup-le.json"].map((f) => join(root, f)));
    expect(routed.sources.map((s) => s.file)).toEqual([join(root, "iam-le.json")]);
  });

  it("lookup-events whose first event's Resources fill the sniffed head, with its wrapper, its pages in a list and without it", async () => {
    // 400 resources: ~30 KB before the first CloudTrailEvent, past the 16 KiB the router reads.
    const root = join(dir, "lookup-big");
    mkdirSync(root);
    const events = lookupEvents(400);
    expect(JSON.stringify(events[0], null, 4).indexOf("CloudTrailEvent")).toBeGreaterThan(16 * 1024);
    writeFileSync(join(root, "lookup.json"), JSON.stringify({ Events: events }, null, 4));
    writeFileSync(join(root, "pages.json"), JSON.stringify([{ Events: events, NextToken: "t" }, { Events: events }], null, 4));
    writeFileSync(join(root, "query-events.json"), JSON.stringify(events, null, 4)); // --query Events
    writeFileSync(join(root, "jq.jsonl"), events.map((e) => JSON.stringify(e)).join("\n")); // jq -c '.Events[]'
    // Keys sorted (jq -S): CloudTrailEvent comes before Resources then.
    writeFileSync(join(root, "sorted.json"), JSON.stringify({ Events: events.map((e) => Object.fromEntries(Object.entries(e).sort(([a], [b]) => (a < b ? -1 : 1)))) }));
    const routed = await routeInputs([root]);
    expect(routed.usage).toEqual(["jq.jsonl", "lookup.json", "pages.json", "query-events.json", "sorted.json"].map((f) => join(root, f)));
    expect(routed.sources).toEqual([]);
  });

  it("the shipped usage query's rows as a JSON array of row objects go to the usage reader", async () => {
    // Before, only the Athena CSV (its header starts with row_kind) was recognised.
    const row = { row_kind: "usage", account_id: "111122223333", role_arn: "arn:aws:iam::111122223333:role/r", event_source: "s3.amazonaws.com", event_name: "GetObject", calls: "3" };
    expect(classifyHead(JSON.stringify([row, row], null, 1))).toBe("usage");
    // Whatever the order of the columns.
    expect(classifyHead(JSON.stringify([Object.fromEntries(Object.entries(row).reverse())]))).toBe("usage");
    expect(classifyHead(JSON.stringify([{ account_id: "111122223333", role_arn: "arn" }]))).toBe("sources");
  });

  it("other services' event listings with an EventId stay with the account readers", () => {
    expect(classifyHead(JSON.stringify({ Events: [{ SourceIdentifier: "c", SourceType: "cluster", Message: "m", EventCategories: [], Severity: "INFO", Date: "2026-11-30", EventId: "REDSHIFT-EVENT-2000" }] }))).toBe("sources");
    expect(classifyHead(JSON.stringify({ StackEvents: [{ StackId: "s", EventId: "e", StackName: "n", LogicalResourceId: "l" }] }))).toBe("sources");
  });
});

describe("routeInputs: a folder walk that meets what cannot be read", () => {
  it("a broken link in a CloudTrail tree is unread activity data (the usage partial), a link loop is walked once; neither throws", async () => {
    // Before, statSync threw from the walk: exit 3, "internal error".
    const root = join(dir, "links");
    const day = join(root, "AWSLogs/111111111111/CloudTrail/us-east-1/2026/11/15");
    mkdirSync(day, { recursive: true });
    writeFileSync(join(day, "111111111111_CloudTrail_us-east-1_20261115T0805Z_AbCdEf15.json"), trail(1));
    symlinkSync("/nonexistent/file.json.gz", join(day, "dangling.json.gz"));
    symlinkSync("..", join(root, "AWSLogs", "loop"));
    // A broken link among account files only (no activity data in that input): an error of the account inputs.
    const account = join(dir, "links-account");
    mkdirSync(account);
    writeFileSync(join(account, "iam.json"), JSON.stringify({ RoleDetailList: [] }));
    symlinkSync("/nonexistent/lambda.json", join(account, "lambda.json"));
    const routed = await routeInputs([root, account]);
    expect(routed.usage).toEqual([join(day, "111111111111_CloudTrail_us-east-1_20261115T0805Z_AbCdEf15.json")]);
    expect(routed.unreadUsage).toEqual([{ path: join(day, "dangling.json.gz"), message: "a symbolic link to /nonexistent/file.json.gz, which does not exist" }]);
    expect(routed.warnings.map((w) => [w.code, w.severity, w.file])).toEqual([
      ["input-not-used", "info", join(root, "AWSLogs", "loop")],
      // Met in a folder walk: a warning (exit 0, the inputs partial), not an error.
      ["unreadable-file", "warning", join(account, "lambda.json")],
    ]);
  });
});

describe("routeInputs: an AWSLogs tree shared with other services' logs", () => {
  it("WAF's and VPC Flow Logs' deliveries beside the trail's (AWSLogs/<account>/<folder>/) are skipped with one note a folder, not a warning a file; AWS Config's are read, but for other types' history files", async () => {
    // A log archive bucket (Control Tower's, an organization's) holds both: AWS Config delivers to
    // AWSLogs/<account>/Config/<region>/<yyyy>/<m>/<d>/ConfigHistory|ConfigSnapshot/, one history
    // file per resource type per delivery, and leaves a ConfigWritabilityCheckFile. Before, each
    // file was sniffed and said "skipped: not an input leastrole reads" with the whole list of inputs:
    // thousands of lines for a synced bucket, the trail's own warnings lost among them. Config's
    // snapshots and its roles', policies' and functions' history files are an account's inventory
    // (src/sources/aws-config.ts): read; the other types' history files are one note.
    const root = join(dir, "archive", "o-abc123def4", "AWSLogs", "111111111111");
    const day = join(root, "CloudTrail/us-east-1/2026/11/15");
    mkdirSync(day, { recursive: true });
    writeFileSync(join(day, "111111111111_CloudTrail_us-east-1_20261115T0805Z_AbCdEf15.json"), trail(1));
    const config = join(root, "Config");
    const history = join(config, "us-east-1/2026/11/15/ConfigHistory");
    const snapshot = join(config, "us-east-1/2026/11/15/ConfigSnapshot");
    mkdirSync(history, { recursive: true });
    mkdirSync(snapshot, { recursive: true });
    writeFileSync(join(config, "ConfigWritabilityCheckFile"), "");
    for (const type of ["AWS::IAM::Role", "AWS::Lambda::Function", "AWS::S3::Bucket"]) {
      writeFileSync(join(history, `111111111111_Config_us-east-1_ConfigHistory_${type}_20261115T000000Z_20261115T010000Z_1.json.gz`), gzipSync(JSON.stringify({ fileVersion: "1.0", configurationItems: [{ configurationItemVersion: "1.3", resourceType: type, resourceId: "x", configuration: {} }] })));
    }
    writeFileSync(join(snapshot, "111111111111_Config_us-east-1_ConfigSnapshot_20261115T000000Z_abc.json.gz"), gzipSync(JSON.stringify({ fileVersion: "1.0", configSnapshotId: "abc", configurationItems: [] })));
    // AWS WAF's logs (a file every five minutes per web ACL, JSON lines) and VPC Flow Logs beside them.
    const waf = join(root, "WAFLogs/us-east-1/my-acl/2026/11/15/00/05");
    mkdirSync(waf, { recursive: true });
    writeFileSync(join(waf, "111111111111_waflogs_us-east-1_my-acl_20261115T0005Z_abc.log.gz"), gzipSync(JSON.stringify({ timestamp: 1794700000000, formatVersion: 1, webaclId: "arn:aws:wafv2:us-east-1:111111111111:regional/webacl/my-acl/abc", action: "ALLOW" }) + "\n"));
    const flows = join(root, "vpcflowlogs/us-east-1/2026/11/15");
    mkdirSync(flows, { recursive: true });
    writeFileSync(join(flows, "111111111111_vpcflowlogs_us-east-1_fl-0123_20261115T0000Z_abcd.log.gz"), gzipSync("version account-id interface-id srcaddr dstaddr\n2 111111111111 eni-1 10.0.0.1 10.0.0.2\n"));
    // An organization trail's tree: AWSLogs/<org id>/<account>/CloudTrail/ is walked, Config/ there too skipped.
    const orgDay = join(dir, "org", "AWSLogs", "o-abc123def4", "222222222222", "CloudTrail/us-east-1/2026/11/15");
    mkdirSync(orgDay, { recursive: true });
    writeFileSync(join(orgDay, "222222222222_CloudTrail_us-east-1_20261115T0805Z_AbCdEf16.json"), trail(1));
    const orgConfig = join(dir, "org", "AWSLogs", "o-abc123def4", "222222222222", "Config");
    mkdirSync(orgConfig, { recursive: true });
    writeFileSync(join(orgConfig, "ConfigWritabilityCheckFile"), "");
    // A folder of one's own named Config, outside an AWSLogs tree, is walked as any other.
    const mine = join(dir, "project", "Config");
    mkdirSync(mine, { recursive: true });
    writeFileSync(join(mine, "iam.json"), JSON.stringify({ RoleDetailList: [], UserDetailList: [], GroupDetailList: [], Policies: [] }));
    const routed = await routeInputs([join(dir, "archive"), join(dir, "org"), join(dir, "project")]);
    expect(routed.usage).toEqual([join(day, "111111111111_CloudTrail_us-east-1_20261115T0805Z_AbCdEf15.json"), join(orgDay, "222222222222_CloudTrail_us-east-1_20261115T0805Z_AbCdEf16.json")]);
    const historyOf = (type: string) => join(history, `111111111111_Config_us-east-1_ConfigHistory_${type}_20261115T000000Z_20261115T010000Z_1.json.gz`);
    expect(routed.sources.map((s) => s.file)).toEqual(
      [historyOf("AWS::IAM::Role"), historyOf("AWS::Lambda::Function"), join(snapshot, "111111111111_Config_us-east-1_ConfigSnapshot_20261115T000000Z_abc.json.gz"), join(mine, "iam.json")].sort(),
    );
    expect(routed.unreadUsage).toEqual([]);
    expect(routed.warnings.map((w) => [w.code, w.severity, w.file])).toEqual([
      ["input-not-used", "info", join(root, "WAFLogs")],
      ["input-not-used", "info", join(root, "vpcflowlogs")],
      ["input-not-used", "info", config],
    ]);
    expect(routed.warnings[0]!.message).toMatch(/^skipped: another service's deliveries in an AWSLogs tree/);
    expect(routed.warnings[2]!.message).toMatch(/^skipped: 1 AWS Config history file of resource types other than AWS::IAM::Role/);
  });
});

describe("keysAt", () => {
  const cases: Array<[string, string, Array<string | 0>, string[]]> = [
    ["a member's object", '{"Events":[{"EventId":"1","Resources":[{"ResourceName":"x"', ["Events", 0], ["EventId", "Resources"]],
    ["members before it skipped, strings with brackets included", '{"NextToken":"a]}","n":[1,{"b":2}],"Events":[{"EventId":"1"}]}', ["Events", 0], ["EventId"]],
    ["an array's first element", '[ {"row_kind":"usage","x":1}, {}]', [0], ["row_kind", "x"]],
    ["not there", '{"Records":[]}', ["Events", 0], []],
    ["cut before it", '{"Other":"abc', ["Events", 0], []],
    ["not an object at the end of the path", '{"Events":["a"]}', ["Events", 0], []],
  ];
  it.each(cases)("%s", (_what, head, path, keys) => {
    expect(keysAt(head, path)).toEqual(keys);
  });
});
