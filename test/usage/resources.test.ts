/**
 * Resource ARNs derived from requestParameters when a record has no resources[] (management
 * events of Secrets Manager, Lambda …), in the forms each API documents for its parameters.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readUsage } from "../../src/usage/index.js";
import { copySourceOf, deriveResources, resourcesOf, type ResourceContext } from "../../src/usage/resources.js";
import { athenaRows, writeRows } from "../support/athena-rows.js";
import { roleCallRecord } from "../support/cloudtrail-record.js";

const ctx = (eventSource: string, params: ResourceContext["params"]): ResourceContext => ({ eventSource, region: "eu-west-1", accountId: "210987654321", partition: "aws", resources: [], params });
/** Both entry points (the memoised one and the reference) give the same. */
const arns = (eventSource: string, params: ResourceContext["params"]): string[] => {
  const a = deriveResources(ctx(eventSource, params));
  expect(resourcesOf(ctx(eventSource, params))).toEqual(a);
  return a;
};

describe("Secrets Manager SecretId", () => {
  const S = "arn:aws:secretsmanager:eu-west-1:210987654321:secret:";
  it("gives a secret named by name its random suffix as ??????", () => {
    expect(arns("secretsmanager.amazonaws.com", { secretId: "billing/stripe" })).toEqual([`${S}billing/stripe-??????`]);
  });

  it("completes a partial ARN (without the -XXXXXX suffix) the same way", () => {
    expect(arns("secretsmanager.amazonaws.com", { secretId: `${S}billing/stripe` })).toEqual([`${S}billing/stripe-??????`]);
    expect(arns("secretsmanager.amazonaws.com", { secretId: `${S}billing/api-key` })).toEqual([`${S}billing/api-key-??????`]);
  });

  it("keeps a complete ARN (ending in - and six characters) exactly, as Secrets Manager reads it", () => {
    expect(arns("secretsmanager.amazonaws.com", { secretId: `${S}billing/stripe-Q1w2E3` })).toEqual([`${S}billing/stripe-Q1w2E3`]);
    // A name that itself ends so is read as complete by Secrets Manager too (the API reference
    // advises against such names).
    expect(arns("secretsmanager.amazonaws.com", { secretId: `${S}billing/key-abcdef` })).toEqual([`${S}billing/key-abcdef`]);
  });
});

describe("Lambda FunctionName", () => {
  const F = "arn:aws:lambda:eu-west-1:";
  it("takes a name, a qualified name, a full ARN and a partial ARN (account:function:name)", () => {
    expect(arns("lambda.amazonaws.com", { functionName: "resize" })).toEqual([`${F}210987654321:function:resize`]);
    expect(arns("lambda.amazonaws.com", { functionName: "resize:live" })).toEqual([`${F}210987654321:function:resize:live`]);
    expect(arns("lambda.amazonaws.com", { functionName: `${F}210987654321:function:resize` })).toEqual([`${F}210987654321:function:resize`]);
    expect(arns("lambda.amazonaws.com", { functionName: "210987654321:function:resize" })).toEqual([`${F}210987654321:function:resize`]);
    expect(arns("lambda.amazonaws.com", { functionName: "210987654321:function:resize:3" })).toEqual([`${F}210987654321:function:resize:3`]);
  });

  it("keeps a partial ARN's own account (another account's function)", () => {
    expect(arns("lambda.amazonaws.com", { functionName: "555566667777:function:shared-enricher" })).toEqual([`${F}555566667777:function:shared-enricher`]);
  });
});

describe("Lambda Qualifier given apart from FunctionName", () => {
  const F = "arn:aws:lambda:eu-west-1:210987654321:function:";
  it("names the qualified ARN, which the call is authorised on", () => {
    // "Lambda requires IAM or VPC endpoint policies to specify the fully qualified ARN in the
    // Resource element when authorizing API calls that use an unqualified ARN with a qualifier
    // parameter" (Lambda, since 2022-01-24). Before, function:resize was named, which refuses the call.
    expect(arns("lambda.amazonaws.com", { functionName: "resize", qualifier: "live" })).toEqual([`${F}resize:live`]);
    expect(arns("lambda.amazonaws.com", { functionName: `${F}resize`, qualifier: "3" })).toEqual([`${F}resize:3`]);
    expect(arns("lambda.amazonaws.com", { functionName: "555566667777:function:resize", qualifier: "$LATEST" })).toEqual(["arn:aws:lambda:eu-west-1:555566667777:function:resize:$LATEST"]);
    // A FunctionName already qualified keeps its own; a qualifier that is no version or alias changes nothing.
    expect(arns("lambda.amazonaws.com", { functionName: "resize:live", qualifier: "live" })).toEqual([`${F}resize:live`]);
    expect(arns("lambda.amazonaws.com", { functionName: "resize", qualifier: "a*" })).toEqual([`${F}resize`]);
    expect(arns("lambda.amazonaws.com", { functionName: "resize" })).toEqual([`${F}resize`]);
  });

  it("is read alike by every reader and by the Athena query's rows", async () => {
    const call = (seq: number, name: string, requestParameters: object) => roleCallRecord({ account: "123456789012", roleArn: "arn:aws:iam::123456789012:role/r", session: "fn", time: "2026-10-02T10:00:00Z", source: "lambda", name, seq, extra: { requestParameters } });
    const dir = mkdtempSync(join(tmpdir(), "leastrole-lambda-qualifier-"));
    const path = join(dir, "records.json");
    writeFileSync(
      path,
      JSON.stringify({
        Records: [
          call(1, "GetFunctionConfiguration", { functionName: "resize", qualifier: "3" }),
          call(2, "GetPolicy", { functionName: "arn:aws:lambda:us-east-1:123456789012:function:resize", qualifier: "live" }),
          call(3, "GetFunction", { functionName: "resize" }),
          call(4, "Invoke", { functionName: "resize", qualifier: "live", invocationType: "Event" }),
        ],
      }),
    );
    const F = "arn:aws:lambda:us-east-1:123456789012:function:resize";
    const want = [
      ["lambda:GetFunction", [F]],
      ["lambda:GetFunctionConfiguration", [`${F}:3`]],
      ["lambda:GetPolicy", [`${F}:live`]],
      ["lambda:InvokeFunction", [`${F}:live`]],
    ];
    const wasm = await readUsage([path], { workers: 1 });
    for (const fastScan of ["js", false] as const) expect((await readUsage([path], { workers: 1, fastScan })).sessions).toEqual(wasm.sessions);
    expect(wasm.sessions[0]?.actions.map((a) => [a.action, a.resources])).toEqual(want);
    const rows = writeRows(dir, await athenaRows(path));
    for (const p of [rows.json, rows.csv]) expect((await readUsage([p], { workers: 1 })).sessions[0]?.actions.map((a) => [a.action, a.resources]), p).toEqual(want);
  });
});

describe("CloudWatch Logs logGroupIdentifier", () => {
  const G = "arn:aws:logs:eu-west-1:210987654321:log-group:";
  it("names the log group it gives by name or ARN, as logGroupName does", () => {
    // "Specify either the name or ARN of the log group to view … You must include either
    // logGroupIdentifier or logGroupName, but not both" (CloudWatch Logs API reference). Before, none.
    expect(arns("logs.amazonaws.com", { logGroupIdentifier: "/aws/lambda/resize" })).toEqual([`${G}/aws/lambda/resize`]);
    expect(arns("logs.amazonaws.com", { logGroupIdentifier: "arn:aws:logs:us-east-1:555566667777:log-group:/app/orders" })).toEqual(["arn:aws:logs:us-east-1:555566667777:log-group:/app/orders"]);
    expect(arns("logs.amazonaws.com", { logGroupIdentifier: "arn:aws:logs:us-east-1:555566667777:log-group:/app/orders:*" })).toEqual(["arn:aws:logs:us-east-1:555566667777:log-group:/app/orders"]);
    expect(arns("logs.amazonaws.com", { logGroupIdentifier: "/app/*" })).toEqual([]);
    expect(arns("logs.amazonaws.com", { logGroupIdentifier: "arn:aws:logs:us-east-1:555566667777:destination:d" })).toEqual([]);
    expect(arns("logs.amazonaws.com", { logGroupName: "/app/a" })).toEqual([`${G}/app/a`]);
  });

  it("is read alike by every reader and by the Athena query's rows", async () => {
    const call = (seq: number, name: string, requestParameters: object) => roleCallRecord({ account: "123456789012", roleArn: "arn:aws:iam::123456789012:role/r", session: "fn", time: "2026-10-02T10:00:00Z", source: "logs", name, seq, extra: { requestParameters } });
    const dir = mkdtempSync(join(tmpdir(), "leastrole-logs-identifier-"));
    const path = join(dir, "records.json");
    writeFileSync(
      path,
      JSON.stringify({
        Records: [
          call(1, "FilterLogEvents", { logGroupIdentifier: "/aws/lambda/resize", startTime: 1759395600000 }),
          call(2, "DescribeLogStreams", { logGroupIdentifier: "arn:aws:logs:us-east-1:555566667777:log-group:/app/orders" }),
          call(3, "GetLogGroupFields", { logGroupIdentifier: "/app/orders" }),
        ],
      }),
    );
    const want = [
      ["logs:DescribeLogStreams", ["arn:aws:logs:us-east-1:555566667777:log-group:/app/orders"]],
      ["logs:FilterLogEvents", ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/resize"]],
      ["logs:GetLogGroupFields", ["arn:aws:logs:us-east-1:123456789012:log-group:/app/orders"]],
    ];
    const wasm = await readUsage([path], { workers: 1 });
    for (const fastScan of ["js", false] as const) expect((await readUsage([path], { workers: 1, fastScan })).sessions).toEqual(wasm.sessions);
    expect(wasm.sessions[0]?.actions.map((a) => [a.action, a.resources])).toEqual(want);
    const rows = writeRows(dir, await athenaRows(path));
    for (const p of [rows.json, rows.csv]) expect((await readUsage([p], { workers: 1 })).sessions[0]?.actions.map((a) => [a.action, a.resources]), p).toEqual(want);
  });
});

describe("CloudWatch Logs logStreamName", () => {
  const G = "arn:aws:logs:eu-west-1:210987654321:log-group:";
  const named = (eventName: string, params: ResourceContext["params"]): string[] => {
    const c = { ...ctx("logs.amazonaws.com", params), eventName };
    const a = deriveResources(c);
    expect(resourcesOf(c)).toEqual(a);
    return a;
  };
  it("names the log stream of the calls authorised on it (log-stream, required), the group of the others", () => {
    // Before: the group alone, and generate granted log-group:<g>:log-stream:* (parent-resource-only).
    const S = "2026/10/02/[$LATEST]0123456789abcdef0123456789abcdef";
    for (const e of ["CreateLogStream", "DeleteLogStream", "GetLogEvents", "PutLogEvents"]) {
      expect(named(e, { logGroupName: "/aws/lambda/resize", logStreamName: S }), e).toEqual([`${G}/aws/lambda/resize:log-stream:${S}`]);
    }
    expect(named("GetLogEvents", { logGroupIdentifier: "arn:aws:logs:us-east-1:555566667777:log-group:/app/orders:*", logStreamName: "s1" })).toEqual(["arn:aws:logs:us-east-1:555566667777:log-group:/app/orders:log-stream:s1"]);
    // Authorised on log-group (Service Authorization Reference), whatever stream they give.
    expect(named("DescribeLogStreams", { logGroupName: "/app/a", logStreamName: "s1" })).toEqual([`${G}/app/a`]);
    expect(named("FilterLogEvents", { logGroupName: "/app/a", logStreamName: "s1" })).toEqual([`${G}/app/a`]);
    // No name a stream can have (":" or "*", or empty): the group, as before; no group: none.
    expect(named("PutLogEvents", { logGroupName: "/app/a", logStreamName: "a:b" })).toEqual([`${G}/app/a`]);
    expect(named("PutLogEvents", { logGroupName: "/app/a", logStreamName: "a*" })).toEqual([`${G}/app/a`]);
    expect(named("PutLogEvents", { logGroupName: "/app/a", logStreamName: "" })).toEqual([`${G}/app/a`]);
    expect(named("PutLogEvents", { logGroupIdentifier: "/app/*", logStreamName: "s1" })).toEqual([]);
    expect(named("PutLogEvents", { logStreamName: "s1" })).toEqual([]);
  });

  it("is read alike by every reader and by the Athena query's rows", async () => {
    const call = (seq: number, name: string, requestParameters: object) => roleCallRecord({ account: "123456789012", roleArn: "arn:aws:iam::123456789012:role/r", session: "fn", time: "2026-10-02T10:00:00Z", source: "logs", name, seq, extra: { requestParameters } });
    const dir = mkdtempSync(join(tmpdir(), "leastrole-logs-stream-"));
    const path = join(dir, "records.json");
    const L = "arn:aws:logs:us-east-1:123456789012:log-group:";
    writeFileSync(
      path,
      JSON.stringify({
        Records: [
          call(1, "CreateLogStream", { logGroupName: "/app/audit", logStreamName: "2026/10/02/[$LATEST]abc" }),
          call(2, "PutLogEvents", { logGroupName: "/app/audit", logStreamName: "2026/10/02/[$LATEST]abc" }),
          call(3, "GetLogEvents", { logGroupIdentifier: "/app/orders", logStreamName: "s1", startFromHead: true }),
          call(4, "DescribeLogStreams", { logGroupName: "/app/orders", logStreamNamePrefix: "s" }),
        ],
      }),
    );
    const want = [
      ["logs:CreateLogStream", [`${L}/app/audit:log-stream:2026/10/02/[$LATEST]abc`]],
      ["logs:DescribeLogStreams", [`${L}/app/orders`]],
      ["logs:GetLogEvents", [`${L}/app/orders:log-stream:s1`]],
      ["logs:PutLogEvents", [`${L}/app/audit:log-stream:2026/10/02/[$LATEST]abc`]],
    ];
    const wasm = await readUsage([path], { workers: 1 });
    for (const fastScan of ["js", false] as const) expect((await readUsage([path], { workers: 1, fastScan })).sessions).toEqual(wasm.sessions);
    expect(wasm.sessions[0]?.actions.map((a) => [a.action, a.resources])).toEqual(want);
    const rows = writeRows(dir, await athenaRows(path));
    for (const p of [rows.json, rows.csv]) expect((await readUsage([p], { workers: 1 })).sessions[0]?.actions.map((a) => [a.action, a.resources]), p).toEqual(want);
  });
});

describe("Kinesis consumerARN", () => {
  const C = "arn:aws:kinesis:us-east-1:123456789012:stream/clicks/consumer/reports:1700000000";
  it("names the enhanced fan-out consumer, which SubscribeToShard is authorised on (consumer, required)", () => {
    // Before: none, and generate granted kinesis:SubscribeToShard on every consumer of every stream.
    expect(arns("kinesis.amazonaws.com", { consumerARN: C })).toEqual([C]);
    expect(arns("kinesis.amazonaws.com", { consumerARN: C, streamARN: "arn:aws:kinesis:us-east-1:123456789012:stream/clicks" })).toEqual([C]);
    expect(arns("kinesis.amazonaws.com", { consumerARN: "arn:aws:kinesis:us-east-1:123456789012:stream/clicks/consumer/*" })).toEqual([]);
    // streamARN instead of streamName: the stream, as before.
    expect(arns("kinesis.amazonaws.com", { streamARN: "arn:aws:kinesis:us-east-1:123456789012:stream/clicks" })).toEqual(["arn:aws:kinesis:us-east-1:123456789012:stream/clicks"]);
  });

  it("is read alike by every reader and by the Athena query's rows", async () => {
    const call = (seq: number, name: string, requestParameters: object) => roleCallRecord({ account: "123456789012", roleArn: "arn:aws:iam::123456789012:role/r", session: "fn", time: "2026-10-02T10:00:00Z", source: "kinesis", name, seq, extra: { requestParameters } });
    const dir = mkdtempSync(join(tmpdir(), "leastrole-kinesis-consumer-"));
    const path = join(dir, "records.json");
    writeFileSync(
      path,
      JSON.stringify({
        Records: [
          call(1, "SubscribeToShard", { consumerARN: C, shardId: "shardId-000000000000", startingPosition: { type: "LATEST" } }),
          call(2, "DescribeStreamConsumer", { consumerARN: C }),
          call(3, "GetRecords", { streamARN: "arn:aws:kinesis:us-east-1:123456789012:stream/clicks", shardIterator: "AAAA" }),
        ],
      }),
    );
    const want = [
      ["kinesis:DescribeStreamConsumer", [C]],
      ["kinesis:GetRecords", ["arn:aws:kinesis:us-east-1:123456789012:stream/clicks"]],
      ["kinesis:SubscribeToShard", [C]],
    ];
    const wasm = await readUsage([path], { workers: 1 });
    for (const fastScan of ["js", false] as const) expect((await readUsage([path], { workers: 1, fastScan })).sessions).toEqual(wasm.sessions);
    expect(wasm.sessions[0]?.actions.map((a) => [a.action, a.resources])).toEqual(want);
    const rows = writeRows(dir, await athenaRows(path));
    for (const p of [rows.json, rows.csv]) expect((await readUsage([p], { workers: 1 })).sessions[0]?.actions.map((a) => [a.action, a.resources]), p).toEqual(want);
  });
});

describe("Kinesis consumer by streamARN and consumerName", () => {
  const ST = "arn:aws:kinesis:us-east-1:123456789012:stream/clicks";
  const named = (eventName: string, params: ResourceContext["params"]): string[] => {
    const c = { ...ctx("kinesis.amazonaws.com", params), eventName };
    const a = deriveResources(c);
    expect(resourcesOf(c)).toEqual(a);
    return a;
  };
  it("names the consumer of that name created at any time (consumer, required; the ARN's timestamp is not in the request)", () => {
    // Before: the stream, which DescribeStreamConsumer is not authorised on.
    for (const e of ["DescribeStreamConsumer", "DeregisterStreamConsumer"]) expect(named(e, { streamARN: ST, consumerName: "reports" }), e).toEqual([`${ST}/consumer/reports:*`]);
    // consumerARN, when given too, is the consumer itself.
    const C = `${ST}/consumer/reports:1700000000`;
    expect(named("DescribeStreamConsumer", { streamARN: ST, consumerName: "reports", consumerARN: C })).toEqual([C]);
    // RegisterStreamConsumer (and ListStreamConsumers) are authorised on the stream.
    expect(named("RegisterStreamConsumer", { streamARN: ST, consumerName: "reports" })).toEqual([ST]);
    // A name or a stream ARN that is not one (Kinesis API reference patterns): none.
    expect(named("DescribeStreamConsumer", { streamARN: ST, consumerName: "re*" })).toEqual([]);
    expect(named("DescribeStreamConsumer", { streamARN: `${ST}/x`, consumerName: "reports" })).toEqual([]);
  });

  it("is read alike by every reader and by the Athena query's rows", async () => {
    const call = (seq: number, name: string, requestParameters: object) => roleCallRecord({ account: "123456789012", roleArn: "arn:aws:iam::123456789012:role/r", session: "fn", time: "2026-10-02T10:00:00Z", source: "kinesis", name, seq, extra: { requestParameters } });
    const dir = mkdtempSync(join(tmpdir(), "leastrole-kinesis-consumer-name-"));
    const path = join(dir, "records.json");
    writeFileSync(
      path,
      JSON.stringify({
        Records: [
          call(1, "DescribeStreamConsumer", { streamARN: ST, consumerName: "reports" }),
          call(2, "DeregisterStreamConsumer", { streamARN: ST, consumerName: "old" }),
          call(3, "RegisterStreamConsumer", { streamARN: ST, consumerName: "reports" }),
        ],
      }),
    );
    const want = [
      ["kinesis:DeregisterStreamConsumer", [`${ST}/consumer/old:*`]],
      ["kinesis:DescribeStreamConsumer", [`${ST}/consumer/reports:*`]],
      ["kinesis:RegisterStreamConsumer", [ST]],
    ];
    const wasm = await readUsage([path], { workers: 1 });
    for (const fastScan of ["js", false] as const) expect((await readUsage([path], { workers: 1, fastScan })).sessions).toEqual(wasm.sessions);
    expect(wasm.sessions[0]?.actions.map((a) => [a.action, a.resources])).toEqual(want);
    const rows = writeRows(dir, await athenaRows(path));
    for (const p of [rows.json, rows.csv]) expect((await readUsage([p], { workers: 1 })).sessions[0]?.actions.map((a) => [a.action, a.resources]), p).toEqual(want);
  });
});

describe("DynamoDB indexName", () => {
  const T = "arn:aws:dynamodb:eu-west-1:210987654321:table/";
  it("names the index a Query or Scan ran on, with resources[] (the table only) and without", () => {
    expect(arns("dynamodb.amazonaws.com", { tableName: "invoices", indexName: "by-due-date" })).toEqual([`${T}invoices`, `${T}invoices/index/by-due-date`]);
    const listed = { ...ctx("dynamodb.amazonaws.com", { tableName: "invoices", indexName: "by-due-date" }), resources: [`${T}invoices`] };
    expect(resourcesOf(listed)).toEqual([`${T}invoices`, `${T}invoices/index/by-due-date`]);
    expect(deriveResources(listed)).toEqual([`${T}invoices`, `${T}invoices/index/by-due-date`]);
    expect(arns("dynamodb.amazonaws.com", { tableName: `${T}invoices`, indexName: "by-due-date" })).toEqual([`${T}invoices`, `${T}invoices/index/by-due-date`]);
  });
});

describe("DynamoDB ExecuteStatement without resources[]", () => {
  const T = "arn:aws:dynamodb:eu-west-1:210987654321:table/";
  it("names the statement's table, and a SELECT's index under it", () => {
    expect(arns("dynamodb.amazonaws.com", { statement: `SELECT * FROM "invoices"."by-due-date" WHERE due = '2026-01-01'` })).toEqual([`${T}invoices`, `${T}invoices/index/by-due-date`]);
    expect(arns("dynamodb.amazonaws.com", { statement: "UPDATE invoices SET paid = ***(Redacted) WHERE id = 'x'" })).toEqual([`${T}invoices`]);
    // A statement of the verb alone (the rows of an older query): none.
    expect(arns("dynamodb.amazonaws.com", { statement: "SELECT" })).toEqual([]);
  });
});

describe("S3 copy source (x-amz-copy-source)", () => {
  const src = (v: string | undefined, eventName = "CopyObject") => copySourceOf("s3.amazonaws.com", eventName, v === undefined ? {} : { "x-amz-copy-source": v }, "aws");
  it("reads bucket/key with or without the leading slash, URL-decoded, as the source object", () => {
    expect(src("intake/2026/11/scan 01.pdf")).toEqual({ eventName: "CopyObject (copy source)", versioned: false, resources: ["arn:aws:s3:::intake/2026/11/scan 01.pdf"] });
    expect(src("/intake/2026/11/scan%2001.pdf")?.resources).toEqual(["arn:aws:s3:::intake/2026/11/scan 01.pdf"]);
  });

  it("takes ?versionId= as a versioned read, and an encoded ? as part of the key", () => {
    expect(src("intake/a.pdf?versionId=3HL4kqtJlcpXroDTDmJ%2Brmj")).toEqual({ eventName: "CopyObject (copy source)", versioned: true, resources: ["arn:aws:s3:::intake/a.pdf"] });
    expect(src("intake/what%3Fnow.pdf")).toEqual({ eventName: "CopyObject (copy source)", versioned: false, resources: ["arn:aws:s3:::intake/what?now.pdf"] });
  });

  it("keeps an access point's object ARN, and names UploadPartCopy's half after it", () => {
    const ap = "arn:aws:s3:eu-west-1:210987654321:accesspoint/intake-ap/object/2026/a.pdf";
    expect(src(encodeURIComponent(ap), "UploadPartCopy")).toEqual({ eventName: "UploadPartCopy (copy source)", versioned: false, resources: [ap] });
  });

  it("counts a copy whose record lacks the header (no resource), and nothing for other calls or services", () => {
    expect(src(undefined)).toEqual({ eventName: "CopyObject (copy source)", versioned: false, resources: [] });
    expect(src("just-a-bucket")?.resources).toEqual([]);
    expect(src("intake/a.pdf", "PutObject")).toBeNull();
    expect(copySourceOf("dynamodb.amazonaws.com", "CopyObject", { "x-amz-copy-source": "a/b" }, "aws")).toBeNull();
  });
});

describe("Bedrock modelId", () => {
  const B = "arn:aws:bedrock:eu-west-1:";
  it("names the foundation model a model id or a foundation-model ARN invokes (the ARN has no account)", () => {
    // Before: no resource at all, and generate granted InvokeModel on application-inference-profile/* (denying the call).
    expect(arns("bedrock.amazonaws.com", { modelId: "anthropic.claude-3-haiku-20240307-v1:0" })).toEqual([`${B}:foundation-model/anthropic.claude-3-haiku-20240307-v1:0`]);
    const fm = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0";
    expect(arns("bedrock.amazonaws.com", { modelId: fm })).toEqual([fm]);
  });

  it("names an inference profile and the foundation model in any Region it routes to", () => {
    const model = "arn:aws:bedrock:*::foundation-model/anthropic.claude-3-haiku-20240307-v1:0";
    expect(arns("bedrock.amazonaws.com", { modelId: "us.anthropic.claude-3-haiku-20240307-v1:0" })).toEqual([`${B}210987654321:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0`, model]);
    expect(arns("bedrock.amazonaws.com", { modelId: "global.anthropic.claude-3-haiku-20240307-v1:0" })).toEqual([`${B}210987654321:inference-profile/global.anthropic.claude-3-haiku-20240307-v1:0`, model]);
    const profile = "arn:aws:bedrock:us-east-1:111122223333:inference-profile/eu.anthropic.claude-3-haiku-20240307-v1:0";
    expect(arns("bedrock.amazonaws.com", { modelId: profile })).toEqual([profile, model]);
  });

  it("keeps an application inference profile's or a provisioned model's ARN as it is", () => {
    for (const a of ["arn:aws:bedrock:eu-west-1:210987654321:application-inference-profile/a1b2c3d4e5f6", "arn:aws:bedrock:eu-west-1:210987654321:provisioned-model/x9y8z7"]) {
      expect(arns("bedrock.amazonaws.com", { modelId: a })).toEqual([a]);
    }
  });
});

describe("API Gateway management paths", () => {
  const gw = (eventName: string, params: ResourceContext["params"]): string[] => deriveResources({ ...ctx("apigateway.amazonaws.com", params), eventName });
  it("names the path a call is on where its event name and restApiId make it certain", () => {
    expect(gw("GetRestApis", {})).toEqual(["arn:aws:apigateway:eu-west-1::/restapis"]);
    expect(gw("GetRestApi", { restApiId: "abc123" })).toEqual(["arn:aws:apigateway:eu-west-1::/restapis/abc123"]);
    expect(gw("GetStages", { restApiId: "abc123" })).toEqual(["arn:aws:apigateway:eu-west-1::/restapis/abc123/stages"]);
    expect(gw("GetAccount", {})).toEqual(["arn:aws:apigateway:eu-west-1::/account"]);
  });

  it("names none where it is not certain (generate grants every path then)", () => {
    expect(gw("GetExport", { restApiId: "abc123" })).toEqual([]);
    expect(gw("GetRestApi", {})).toEqual([]);
    expect(gw("GetRestApi", { restApiId: "a/../b" })).toEqual([]);
    expect(resourcesOf(ctx("apigateway.amazonaws.com", { restApiId: "abc123" }))).toEqual([]);
  });
});

describe("SSM GetParametersByPath path", () => {
  const P = "arn:aws:ssm:eu-west-1:210987654321:parameter/";
  it("names the path's parameter ARN, its leading slash not doubled, recursive or not", () => {
    expect(arns("ssm.amazonaws.com", { path: "/orders/prod" })).toEqual([`${P}orders/prod`]);
    // `recursive` is a boolean: authorisation is on the path either way (the readers keep strings only).
    expect(arns("ssm.amazonaws.com", { path: "/orders/prod/" })).toEqual([`${P}orders/prod/`]);
  });

  it("names none for the root path", () => {
    expect(arns("ssm.amazonaws.com", { path: "/" })).toEqual([]);
  });
});

describe("SSM name: a parameter in the parameter calls only", () => {
  const P = "arn:aws:ssm:eu-west-1:210987654321:parameter/";
  const at = (eventName: string, params: ResourceContext["params"]): string[] => {
    const c = { ...ctx("ssm.amazonaws.com", params), eventName };
    expect(resourcesOf(c)).toEqual(deriveResources(c));
    return deriveResources(c);
  };

  it("names a parameter by name, with or without its leading slash, or by ARN", () => {
    expect(at("GetParameter", { name: "/orders/db-url" })).toEqual([`${P}orders/db-url`]);
    expect(at("GetParameter", { name: "db-url" })).toEqual([`${P}db-url`]);
    expect(at("GetParameter", { name: `${P}orders/db-url` })).toEqual([`${P}orders/db-url`]);
    expect(at("GetParameters", { names: ["/a/x", "b"] })).toEqual([`${P}a/x`, `${P}b`]);
  });

  it("drops a version or label selector (name:3, name:live): the call is authorised on the parameter", () => {
    expect(at("GetParameter", { name: "/orders/db-url:3" })).toEqual([`${P}orders/db-url`]);
    expect(at("GetParameter", { name: "db-url:live" })).toEqual([`${P}db-url`]);
    expect(at("GetParameter", { name: `${P}orders/db-url:7` })).toEqual([`${P}orders/db-url`]);
    expect(at("GetParameters", { names: ["/a/x:2", "/a/y"] })).toEqual([`${P}a/x`, `${P}a/y`]);
  });

  it("names no parameter for an association, maintenance window or patch baseline named by `name`", () => {
    for (const e of ["CreateAssociation", "DescribeAssociation", "CreateMaintenanceWindow", "CreatePatchBaseline"]) {
      expect(at(e, { name: "AWS-GatherSoftwareInventory" })).toEqual([]);
    }
  });

  it("names a document call's document: an AWS-owned one in no account, the caller's in its account, a shared one by its ARN", () => {
    const D = "arn:aws:ssm:eu-west-1:210987654321:document/";
    // invictus-ir-aws-dataset: the SSM agent's GetDocument, {"name": "AWS-GatherSoftwareInventory", "documentVersion": "1"}.
    for (const e of ["GetDocument", "DescribeDocument", "UpdateDocument", "ListDocumentVersions"]) {
      expect(at(e, { name: "AWS-GatherSoftwareInventory" })).toEqual(["arn:aws:ssm:eu-west-1::document/AWS-GatherSoftwareInventory"]);
    }
    expect(at("GetDocument", { name: "AmazonCloudWatch-ManageAgent" })).toEqual(["arn:aws:ssm:eu-west-1::document/AmazonCloudWatch-ManageAgent"]);
    expect(at("GetDocument", { name: "deploy-app" })).toEqual([`${D}deploy-app`]);
    expect(at("GetDocument", { name: "arn:aws:ssm:us-east-2:12345678912:document/My-Shared-Document" })).toEqual(["arn:aws:ssm:us-east-2:12345678912:document/My-Shared-Document"]);
    expect(at("GetDocument", { name: "a*" })).toEqual([]);
    // …whichever the memo saw first: the parameter call's ARN is not served to a document call.
    expect(at("GetParameter", { name: "shared-name" })).toEqual([`${P}shared-name`]);
    expect(at("GetDocument", { name: "shared-name" })).toEqual([`${D}shared-name`]);
    expect(at("GetParameter", { name: "shared-name" })).toEqual([`${P}shared-name`]);
  });

  it("is read alike by every reader", async () => {
    const call = (seq: number, name: string, requestParameters: object) => roleCallRecord({ account: "123456789012", roleArn: "arn:aws:iam::123456789012:role/r", session: "fn", time: "2023-07-10T12:00:00Z", source: "ssm", name, seq, region: "us-east-1", extra: { requestParameters } });
    const path = join(mkdtempSync(join(tmpdir(), "leastrole-ssm-names-")), "records.json");
    writeFileSync(path, JSON.stringify({ Records: [call(1, "GetParameter", { name: "AWS-GatherSoftwareInventory" }), call(2, "GetDocument", { name: "AWS-GatherSoftwareInventory", documentVersion: "1" }), call(3, "GetDocument", { name: "AWS-GatherSoftwareInventory" }), call(4, "GetParameter", { name: "/app/flag:2" })] }));
    const wasm = await readUsage([path], { workers: 1 });
    for (const fastScan of ["js", false] as const) expect((await readUsage([path], { workers: 1, fastScan })).sessions).toEqual(wasm.sessions);
    expect(wasm.sessions[0]?.actions.map((a) => [a.action, a.count, a.resources])).toEqual([
      ["ssm:GetDocument", 2, ["arn:aws:ssm:us-east-1::document/AWS-GatherSoftwareInventory"]],
      ["ssm:GetParameter", 2, ["arn:aws:ssm:us-east-1:123456789012:parameter/AWS-GatherSoftwareInventory", "arn:aws:ssm:us-east-1:123456789012:parameter/app/flag"]],
    ]);
  });
});

describe("ECS taskDefinition", () => {
  const T = "arn:aws:ecs:eu-west-1:210987654321:task-definition/";
  it("names family:revision as that revision, a family as every revision (the latest is run)", () => {
    expect(arns("ecs.amazonaws.com", { taskDefinition: "nightly-export:7" })).toEqual([`${T}nightly-export:7`]);
    expect(arns("ecs.amazonaws.com", { taskDefinition: "nightly-export" })).toEqual([`${T}nightly-export:*`]);
  });

  it("keeps a full ARN with its revision, and one without as every revision", () => {
    expect(arns("ecs.amazonaws.com", { taskDefinition: "arn:aws:ecs:us-east-1:555566667777:task-definition/shared_job:12" })).toEqual([
      "arn:aws:ecs:us-east-1:555566667777:task-definition/shared_job:12",
    ]);
    expect(arns("ecs.amazonaws.com", { taskDefinition: "arn:aws:ecs:us-east-1:555566667777:task-definition/shared_job" })).toEqual([
      "arn:aws:ecs:us-east-1:555566667777:task-definition/shared_job:*",
    ]);
  });

  it("names none for a value that is no family (a wildcard would otherwise reach the policy)", () => {
    expect(arns("ecs.amazonaws.com", { taskDefinition: "job*" })).toEqual([]);
  });
});

describe("calls Lambda functions make that name their resource by a parameter of their own", () => {
  const A = "eu-west-1:210987654321";
  it("Step Functions executionArn: the execution, standard or Express", () => {
    expect(arns("states.amazonaws.com", { executionArn: `arn:aws:states:${A}:execution:checkout:7f9e` })).toEqual([`arn:aws:states:${A}:execution:checkout:7f9e`]);
    expect(arns("states.amazonaws.com", { executionArn: `arn:aws:states:${A}:express:checkout:7f9e:a1b2` })).toEqual([`arn:aws:states:${A}:express:checkout:7f9e:a1b2`]);
  });

  it("Firehose deliveryStreamName, Cognito userPoolId, Glue jobName, Athena workGroup: the named resource in the call's account and region", () => {
    expect(arns("firehose.amazonaws.com", { deliveryStreamName: "clicks-to-s3" })).toEqual([`arn:aws:firehose:${A}:deliverystream/clicks-to-s3`]);
    expect(arns("cognito-idp.amazonaws.com", { userPoolId: "eu-west-1_AbC123xyz" })).toEqual([`arn:aws:cognito-idp:${A}:userpool/eu-west-1_AbC123xyz`]);
    expect(arns("glue.amazonaws.com", { jobName: "nightly-etl" })).toEqual([`arn:aws:glue:${A}:job/nightly-etl`]);
    expect(arns("athena.amazonaws.com", { workGroup: "analytics" })).toEqual([`arn:aws:athena:${A}:workgroup/analytics`]);
  });

  it("CodeBuild projectName: a name, or a shared project's ARN as it is", () => {
    expect(arns("codebuild.amazonaws.com", { projectName: "site-build" })).toEqual([`arn:aws:codebuild:${A}:project/site-build`]);
    expect(arns("codebuild.amazonaws.com", { projectName: "arn:aws:codebuild:eu-west-1:555566667777:project/shared" })).toEqual(["arn:aws:codebuild:eu-west-1:555566667777:project/shared"]);
  });

  it("keys of another service's call name nothing there", () => {
    expect(arns("lambda.amazonaws.com", { jobName: "nightly-etl" })).toEqual([]);
    expect(arns("s3.amazonaws.com", { workGroup: "analytics" })).toEqual([]);
  });
});

describe("Glue Data Catalog tables", () => {
  const G = "arn:aws:glue:eu-west-1:210987654321";
  it("names the catalog, the database and the table of a call on one table (GetTable's name, GetPartitions' tableName)", () => {
    const three = [`${G}:catalog`, `${G}:database/events`, `${G}:table/events/clicks`];
    expect(arns("glue.amazonaws.com", { databaseName: "events", name: "clicks" })).toEqual(three);
    expect(arns("glue.amazonaws.com", { databaseName: "events", tableName: "clicks" })).toEqual(three);
    expect(arns("glue.amazonaws.com", { catalogId: "210987654321", databaseName: "events", tableName: "clicks" })).toEqual(three);
  });

  it("uses the account catalogId names (another account's catalog)", () => {
    const O = "arn:aws:glue:eu-west-1:555566667777";
    expect(arns("glue.amazonaws.com", { catalogId: "555566667777", databaseName: "shared", name: "orders" })).toEqual([`${O}:catalog`, `${O}:database/shared`, `${O}:table/shared/orders`]);
  });

  it("names none for a database alone (GetTables is authorised on tables it does not name), a name alone, or another kind of catalog", () => {
    expect(arns("glue.amazonaws.com", { databaseName: "events" })).toEqual([]);
    expect(arns("glue.amazonaws.com", { name: "events" })).toEqual([]);
    expect(arns("glue.amazonaws.com", { catalogId: "210987654321:s3tablescatalog/lake", databaseName: "events", tableName: "clicks" })).toEqual([]);
  });
});

describe("Glue GetDatabase", () => {
  const G = "arn:aws:glue:eu-west-1:210987654321";
  const ofEvent = (eventName: string, params: ResourceContext["params"]): string[] => {
    const c = { ...ctx("glue.amazonaws.com", params), eventName };
    const a = deriveResources(c);
    expect(resourcesOf(c)).toEqual(a);
    return a;
  };
  it("names the catalog and the database GetDatabase reads by `name`, in catalogId's account when given", () => {
    // GetDatabase's request is {"CatalogId"?, "Name"} (Glue API reference); CloudTrail records
    // the JSON request's members in lower camel case, as it does GetTable's databaseName and name.
    expect(ofEvent("GetDatabase", { name: "events" })).toEqual([`${G}:catalog`, `${G}:database/events`]);
    expect(ofEvent("GetDatabase", { name: "shared", catalogId: "555566667777" })).toEqual(["arn:aws:glue:eu-west-1:555566667777:catalog", "arn:aws:glue:eu-west-1:555566667777:database/shared"]);
  });

  it("reads `name` as a database for GetDatabase only: other Glue calls name a crawler or a trigger by it", () => {
    expect(ofEvent("GetCrawler", { name: "events" })).toEqual([]);
    expect(ofEvent("GetTrigger", { name: "events" })).toEqual([]);
    // GetTable's name is its table (the three ARNs above), whatever the event name says.
    expect(ofEvent("GetDatabase", { name: "clicks", databaseName: "events" })).toEqual([`${G}:catalog`, `${G}:database/events`, `${G}:table/events/clicks`]);
    expect(ofEvent("GetDatabase", { name: "x", catalogId: "210987654321:s3tablescatalog/lake" })).toEqual([]);
  });
});

describe("ECS services (UpdateService, DescribeServices)", () => {
  const E = "arn:aws:ecs:eu-west-1:210987654321:service/";
  it("names service/<cluster>/<service>, the cluster by name or ARN, `default` when the call names none", () => {
    expect(arns("ecs.amazonaws.com", { cluster: "production", service: "checkout" })).toEqual([`${E}production/checkout`]);
    expect(arns("ecs.amazonaws.com", { cluster: "arn:aws:ecs:eu-west-1:210987654321:cluster/production", service: "checkout" })).toEqual([`${E}production/checkout`]);
    expect(arns("ecs.amazonaws.com", { service: "checkout" })).toEqual([`${E}default/checkout`]);
    // Another account's cluster, by its ARN: the service is in that account.
    expect(arns("ecs.amazonaws.com", { cluster: "arn:aws:ecs:us-east-1:555566667777:cluster/shared", service: "api" })).toEqual(["arn:aws:ecs:us-east-1:555566667777:service/shared/api"]);
  });

  it("keeps a service named by ARN as it is, and names each service of DescribeServices' list", () => {
    expect(arns("ecs.amazonaws.com", { cluster: "production", service: "arn:aws:ecs:eu-west-1:555566667777:service/shared/api" })).toEqual(["arn:aws:ecs:eu-west-1:555566667777:service/shared/api"]);
    expect(arns("ecs.amazonaws.com", { cluster: "production", services: ["checkout", "arn:aws:ecs:eu-west-1:210987654321:service/production/cart", "checkout"] })).toEqual([
      `${E}production/checkout`,
      `${E}production/cart`,
    ]);
  });

  it("names none for what is no service or cluster name", () => {
    expect(arns("ecs.amazonaws.com", { cluster: "production", service: "check*" })).toEqual([]);
    expect(arns("ecs.amazonaws.com", { cluster: "prod/uction", service: "checkout" })).toEqual([]);
    expect(arns("ecs.amazonaws.com", { cluster: "arn:aws:ecs:eu-west-1:210987654321:service/x", service: "checkout" })).toEqual([]);
  });
});

describe("Batch SubmitJob", () => {
  const B = "arn:aws:batch:eu-west-1:210987654321:";
  it("names the job queue and the job definition, both (the call is authorised on the two)", () => {
    expect(arns("batch.amazonaws.com", { jobName: "nightly", jobQueue: "high-priority", jobDefinition: "render:3" })).toEqual([`${B}job-queue/high-priority`, `${B}job-definition/render:3`]);
    expect(arns("batch.amazonaws.com", { jobQueue: `${B}job-queue/high-priority`, jobDefinition: `${B}job-definition/render:3` })).toEqual([`${B}job-queue/high-priority`, `${B}job-definition/render:3`]);
  });

  it("names every revision of a job definition named without one (the latest active revision runs)", () => {
    expect(arns("batch.amazonaws.com", { jobQueue: "q", jobDefinition: "render" })).toEqual([`${B}job-queue/q`, `${B}job-definition/render:*`]);
    expect(arns("batch.amazonaws.com", { jobDefinition: "arn:aws:batch:us-east-1:555566667777:job-definition/shared_render" })).toEqual(["arn:aws:batch:us-east-1:555566667777:job-definition/shared_render:*"]);
  });

  it("names none for what is no queue or definition name, and reads jobName as Glue's only on Glue", () => {
    expect(arns("batch.amazonaws.com", { jobQueue: "q*", jobDefinition: "render:latest" })).toEqual([]);
    expect(arns("batch.amazonaws.com", { jobName: "nightly" })).toEqual([]);
  });
});

describe("SQS queueUrl", () => {
  it("reads the queue's Region, account and name from every endpoint form, FIFO queues included", () => {
    const Q = "arn:aws:sqs:us-west-2:210987654321:";
    expect(arns("sqs.amazonaws.com", { queueUrl: "https://sqs.us-west-2.amazonaws.com/210987654321/orders.fifo" })).toEqual([`${Q}orders.fifo`]);
    expect(arns("sqs.amazonaws.com", { queueUrl: "https://sqs.us-west-2.api.aws/210987654321/orders" })).toEqual([`${Q}orders`]);
    expect(arns("sqs.amazonaws.com", { queueUrl: "https://us-west-2.queue.amazonaws.com/210987654321/orders" })).toEqual([`${Q}orders`]);
    // Every Region's form: the European Sovereign Cloud's eusc-de-east-1, GovCloud's us-gov-west-1.
    expect(arns("sqs.amazonaws.com", { queueUrl: "https://sqs.eusc-de-east-1.amazonaws.eu/210987654321/orders" })).toEqual(["arn:aws:sqs:eusc-de-east-1:210987654321:orders"]);
    expect(arns("sqs.amazonaws.com", { queueUrl: "https://sqs.us-gov-west-1.amazonaws.com/210987654321/orders" })).toEqual(["arn:aws:sqs:us-gov-west-1:210987654321:orders"]);
    // The legacy us-east-1 endpoint (the cloudmapper demo account's https://queue.amazonaws.com/123456789012/demo).
    expect(arns("sqs.amazonaws.com", { queueUrl: "https://queue.amazonaws.com/123456789012/demo" })).toEqual(["arn:aws:sqs:us-east-1:123456789012:demo"]);
  });

  it("names none where the host gives no Region (no `amazonaws` Region)", () => {
    expect(arns("sqs.amazonaws.com", { queueUrl: "https://sqs.amazonaws.com/210987654321/orders" })).toEqual([]);
  });
});

describe("SQS queueName (GetQueueUrl, CreateQueue)", () => {
  it("names the queue in the caller's account, or in the owner's account GetQueueUrl gives", () => {
    expect(arns("sqs.amazonaws.com", { queueName: "orders" })).toEqual(["arn:aws:sqs:eu-west-1:210987654321:orders"]);
    expect(arns("sqs.amazonaws.com", { queueName: "orders.fifo", queueOwnerAWSAccountId: "555566667777" })).toEqual(["arn:aws:sqs:eu-west-1:555566667777:orders.fifo"]);
  });

  it("prefers queueUrl, and names none for what is no queue name", () => {
    expect(arns("sqs.amazonaws.com", { queueUrl: "https://sqs.eu-west-1.amazonaws.com/210987654321/orders", queueName: "other" })).toEqual(["arn:aws:sqs:eu-west-1:210987654321:orders"]);
    expect(arns("sqs.amazonaws.com", { queueName: "ord*" })).toEqual([]);
  });
});

describe("DynamoDB Streams streamArn", () => {
  it("names the stream a DescribeStream or GetShardIterator read, by its ARN", () => {
    const S = "arn:aws:dynamodb:eu-west-1:210987654321:table/pictures/stream/2026-10-09T00:07:23.254";
    expect(arns("dynamodb.amazonaws.com", { streamArn: S })).toEqual([S]);
    // Kinesis spells it streamARN; a DynamoDB call's streamArn is not Kinesis's.
    expect(arns("kinesis.amazonaws.com", { streamArn: S })).toEqual([]);
  });
});

describe("S3 bucketName that names no bucket", () => {
  // The S3 user guide's PutBucketAcl example ("CloudTrail log file entries for Amazon S3") writes
  // "bucketName": "": the call names no bucket, and arn:aws:s3::: is no bucket's ARN.
  it("gives no ARN for an empty bucketName, with or without a key", () => {
    expect(arns("s3.amazonaws.com", { bucketName: "" })).toEqual([]);
    expect(arns("s3.amazonaws.com", { bucketName: "", key: "reports/a.csv" })).toEqual([]);
    expect(arns("s3.amazonaws.com", { bucketName: "b" })).toEqual(["arn:aws:s3:::b"]);
  });

  it("counts such a call as naming no resource in every reader, the scanner's bucket-and-key path too", async () => {
    const call = (seq: number, name: string, requestParameters: object) => roleCallRecord({ account: "111122223333", roleArn: "arn:aws:iam::111122223333:role/r", session: "fn", time: "2026-10-02T10:00:00Z", source: "s3", name, seq, extra: { requestParameters } });
    const path = join(mkdtempSync(join(tmpdir(), "leastrole-s3-empty-")), "records.json");
    writeFileSync(path, JSON.stringify({ Records: [call(1, "PutBucketAcl", { bucketName: "" }), call(2, "GetObject", { bucketName: "", key: "reports/a.csv" }), call(3, "GetObject", { key: "reports/a.csv", bucketName: "" })] }));
    const wasm = await readUsage([path], { workers: 1 });
    for (const fastScan of ["js", false] as const) expect((await readUsage([path], { workers: 1, fastScan })).sessions).toEqual(wasm.sessions);
    expect(wasm.sessions[0]?.actions.map((a) => [a.action, a.count, a.resources, a.unnamedCalls])).toEqual([
      ["s3:GetObject", 2, [], 2],
      ["s3:PutBucketAcl", 1, [], 1],
    ]);
  });
});

describe("S3 bucketName that is an access point (its ARN or its alias)", () => {
  const AP = "arn:aws:s3:us-west-2:123456789012:accesspoint/reports-ap";
  it("names the access point and its object (accesspoint, accesspointobject), not arn:aws:s3:::arn:…", () => {
    // "When using this action with an access point through the AWS SDKs, you provide the access
    // point ARN in place of the bucket name" (S3 API reference, GetObject).
    expect(arns("s3.amazonaws.com", { bucketName: AP, key: "in/2026/a.csv" })).toEqual([AP, `${AP}/object/in/2026/a.csv`]);
    expect(arns("s3.amazonaws.com", { bucketName: AP })).toEqual([AP]);
    // A Multi-Region Access Point's ARN has no Region.
    expect(arns("s3.amazonaws.com", { bucketName: "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap", key: "k" })).toEqual([
      "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap",
      "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap/object/k",
    ]);
  });

  it("names none for an alias (\"Aliases cannot be used in IAM policies\") or another kind of ARN", () => {
    expect(arns("s3.amazonaws.com", { bucketName: "reports-ap-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias", key: "in/a.csv" })).toEqual([]);
    expect(arns("s3.amazonaws.com", { bucketName: "reports-ap-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias" })).toEqual([]);
    expect(arns("s3.amazonaws.com", { bucketName: "arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01ac5d28a6a232904/accesspoint/ap", key: "k" })).toEqual([]);
  });

  it("is read alike by every reader, the scanner's bucket-and-key path too", async () => {
    const call = (seq: number, name: string, requestParameters: object) => roleCallRecord({ account: "123456789012", roleArn: "arn:aws:iam::123456789012:role/r", session: "fn", time: "2026-10-02T10:00:00Z", source: "s3", name, seq, region: "us-west-2", extra: { requestParameters, managementEvent: false, eventCategory: "Data" } });
    const path = join(mkdtempSync(join(tmpdir(), "leastrole-s3-ap-")), "records.json");
    const alias = "reports-ap-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias";
    writeFileSync(
      path,
      JSON.stringify({
        Records: [
          call(1, "GetObject", { bucketName: AP, key: "in/a.csv" }),
          call(2, "GetObject", { key: "in/b.csv", bucketName: AP }),
          call(3, "PutObject", { bucketName: alias, key: "out/a.csv" }),
          call(4, "ListObjects", { bucketName: AP }),
          call(5, "GetObject", { bucketName: "plain-bucket", key: "x" }),
        ],
      }),
    );
    const wasm = await readUsage([path], { workers: 1 });
    for (const fastScan of ["js", false] as const) expect((await readUsage([path], { workers: 1, fastScan })).sessions).toEqual(wasm.sessions);
    expect(wasm.sessions[0]?.actions.map((a) => [a.action, a.count, a.resources, a.unnamedCalls])).toEqual([
      ["s3:GetObject", 3, ["arn:aws:s3:::plain-bucket", "arn:aws:s3:::plain-bucket/x", AP, `${AP}/object/in/a.csv`, `${AP}/object/in/b.csv`], undefined],
      ["s3:ListBucket", 1, [AP], undefined],
      ["s3:PutObject", 1, [], 1],
    ]);
  });
});

describe("SNS CreateTopic name", () => {
  const at = (eventName: string, params: ResourceContext["params"]): string[] => {
    const c = { ...ctx("sns.amazonaws.com", params), eventName };
    expect(resourcesOf(c)).toEqual(deriveResources(c));
    return deriveResources(c);
  };
  it("is the topic it creates, in the call's Region and account; other calls' names are not topics", () => {
    expect(at("CreateTopic", { name: "hello" })).toEqual(["arn:aws:sns:eu-west-1:210987654321:hello"]);
    expect(at("CreateTopic", { name: "orders.fifo" })).toEqual(["arn:aws:sns:eu-west-1:210987654321:orders.fifo"]);
    expect(at("CreateTopic", { name: "not a topic name" })).toEqual([]);
    expect(at("CreatePlatformApplication", { name: "hello" })).toEqual([]);
  });

  it("is read alike by every reader (the SNS guide's CloudTrail example)", async () => {
    const call = (seq: number, name: string, requestParameters: object) => roleCallRecord({ account: "123456789012", roleArn: "arn:aws:iam::123456789012:role/r", session: "fn", time: "2014-09-30T00:00:00Z", source: "sns", name, seq, region: "us-west-2", extra: { requestParameters } });
    const path = join(mkdtempSync(join(tmpdir(), "leastrole-sns-create-")), "records.json");
    writeFileSync(path, JSON.stringify({ Records: [call(1, "CreateTopic", { name: "hello" }), call(2, "Publish", { topicArn: "arn:aws:sns:us-west-2:123456789012:hello" }), call(3, "CreateTopic", { name: "hello" })] }));
    const wasm = await readUsage([path], { workers: 1 });
    for (const fastScan of ["js", false] as const) expect((await readUsage([path], { workers: 1, fastScan })).sessions).toEqual(wasm.sessions);
    expect(wasm.sessions[0]?.actions.map((a) => [a.action, a.count, a.resources])).toEqual([
      ["sns:CreateTopic", 2, ["arn:aws:sns:us-west-2:123456789012:hello"]],
      ["sns:Publish", 1, ["arn:aws:sns:us-west-2:123456789012:hello"]],
    ]);
  });
});

describe("Secrets Manager CreateSecret name", () => {
  it("is the secret it creates, its random suffix as ??????, in every reader (the Secrets Manager guide's CloudTrail example)", async () => {
    const c = { ...ctx("secretsmanager.amazonaws.com", { name: "MyDatabaseSecret" }), eventName: "CreateSecret" };
    expect(deriveResources(c)).toEqual(["arn:aws:secretsmanager:eu-west-1:210987654321:secret:MyDatabaseSecret-??????"]);
    expect(resourcesOf(c)).toEqual(deriveResources(c));
    // Another call's name is no secret (a secretId is).
    expect(deriveResources({ ...c, eventName: "ListSecrets" })).toEqual([]);
    const call = (seq: number, name: string, requestParameters: object) => roleCallRecord({ account: "123456789012", roleArn: "arn:aws:iam::123456789012:role/r", session: "fn", time: "2018-04-03T17:50:55Z", source: "secretsmanager", name, seq, region: "us-west-2", extra: { requestParameters } });
    const path = join(mkdtempSync(join(tmpdir(), "leastrole-secret-create-")), "records.json");
    writeFileSync(path, JSON.stringify({ Records: [call(1, "CreateSecret", { name: "MyDatabaseSecret", clientRequestToken: "EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE" }), call(2, "DeleteSecret", { secretId: "MyDatabaseSecret" })] }));
    const wasm = await readUsage([path], { workers: 1 });
    for (const fastScan of ["js", false] as const) expect((await readUsage([path], { workers: 1, fastScan })).sessions).toEqual(wasm.sessions);
    const secret = "arn:aws:secretsmanager:us-west-2:123456789012:secret:MyDatabaseSecret-??????";
    expect(wasm.sessions[0]?.actions.map((a) => [a.action, a.resources])).toEqual([["secretsmanager:CreateSecret", [secret]], ["secretsmanager:DeleteSecret", [secret]]]);
  });
});

describe("EC2, IAM, Step Functions and CloudTrail calls: only where the request names all the call is authorised on", () => {
  const on = (eventSource: string, eventName: string, params: ResourceContext["params"]): string[] => deriveResources({ ...ctx(eventSource, params), eventName });
  const E = "arn:aws:ec2:eu-west-1:210987654321";

  it("names each id of a CreateTags resourcesSet by its prefix, a snapshot and an image without account; none when one id is of no known type", () => {
    expect(on("ec2.amazonaws.com", "CreateTags", { resourcesSet: ["i-0abc", "vol-1", "snap-2", "ami-3", "sg-4", "eni-5", "subnet-6", "vpc-7"] })).toEqual([
      `${E}:instance/i-0abc`, `${E}:volume/vol-1`, "arn:aws:ec2:eu-west-1::snapshot/snap-2", "arn:aws:ec2:eu-west-1::image/ami-3", `${E}:security-group/sg-4`, `${E}:network-interface/eni-5`, `${E}:subnet/subnet-6`, `${E}:vpc/vpc-7`,
    ]);
    // A launch template (lt-) is a type this table does not know: naming the others only would refuse the call.
    expect(on("ec2.amazonaws.com", "CreateTags", { resourcesSet: ["i-0abc", "lt-1"] })).toEqual([]);
    expect(on("ec2.amazonaws.com", "CreateTags", { resourcesSet: [] })).toEqual([]);
  });

  it("names a StopInstances' instances, none when an id is not an instance's; none for DescribeInstances, RunInstances or CreateSnapshot", () => {
    expect(on("ec2.amazonaws.com", "StopInstances", { instancesSet: ["i-1", "i-2"] })).toEqual([`${E}:instance/i-1`, `${E}:instance/i-2`]);
    expect(on("ec2.amazonaws.com", "StopInstances", { instancesSet: ["i-1", "vol-2"] })).toEqual([]);
    // No resource-level permissions, or authorised on what has no id yet.
    expect(on("ec2.amazonaws.com", "DescribeInstances", { instancesSet: ["i-1"] })).toEqual([]);
    expect(on("ec2.amazonaws.com", "RunInstances", { instanceId: "i-1" })).toEqual([]);
    expect(on("ec2.amazonaws.com", "CreateSnapshot", { volumeId: "vol-1" })).toEqual([]);
    // Without the event name (a cache keyed by the parameter alone), none: resourcesFollowEventName keeps such calls off it.
    expect(deriveResources(ctx("ec2.amazonaws.com", { instancesSet: ["i-1"] }))).toEqual([]);
  });

  it("names a volume attachment's volume and instance, none without the instance or with ids of other types", () => {
    expect(on("ec2.amazonaws.com", "AttachVolume", { volumeId: "vol-1", instanceId: "i-1" })).toEqual([`${E}:volume/vol-1`, `${E}:instance/i-1`]);
    expect(on("ec2.amazonaws.com", "DetachVolume", { volumeId: "vol-1" })).toEqual([]);
    expect(on("ec2.amazonaws.com", "AttachVolume", { volumeId: "i-1", instanceId: "vol-1" })).toEqual([]);
    expect(on("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", { groupId: "sg-0a1b" })).toEqual([`${E}:security-group/sg-0a1b`]);
    expect(on("ec2.amazonaws.com", "DeleteSnapshot", { snapshotId: "snap-1" })).toEqual(["arn:aws:ec2:eu-west-1::snapshot/snap-1"]);
    expect(on("ec2.amazonaws.com", "CreateKeyPair", { keyName: "my key" })).toEqual([`${E}:key-pair/my key`]);
    expect(on("ec2.amazonaws.com", "DeleteKeyPair", { keyName: "caf\u00e9" })).toEqual([]);
  });

  it("names what an IAM Create* call creates under its path, a policy call's policyArn; none for a malformed path or name", () => {
    const I = "arn:aws:iam::210987654321";
    expect(on("iam.amazonaws.com", "CreateRole", { roleName: "etl", path: "/service-role/" })).toEqual([`${I}:role/service-role/etl`]);
    expect(on("iam.amazonaws.com", "CreateUser", { userName: "Bob" })).toEqual([`${I}:user/Bob`]);
    expect(on("iam.amazonaws.com", "CreateRole", { roleName: "etl", path: "service-role" })).toEqual([]);
    expect(on("iam.amazonaws.com", "GetPolicyVersion", { policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess", versionId: "v1" })).toEqual(["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
  });

  it("names an existing user, group or role called by name as <type>/<name> and <type>/*/<name>: the entity under any path, no other", () => {
    const I = "arn:aws:iam::210987654321";
    expect(on("iam.amazonaws.com", "GetRole", { roleName: "etl" })).toEqual([`${I}:role/etl`, `${I}:role/*/etl`]);
    // AttachRolePolicy is authorised on the role, the policy being a condition (iam:PolicyARN).
    expect(on("iam.amazonaws.com", "AttachRolePolicy", { roleName: "etl", policyArn: `${I}:policy/p` })).toEqual([`${I}:role/etl`, `${I}:role/*/etl`]);
    expect(on("iam.amazonaws.com", "UpdateAssumeRolePolicy", { roleName: "etl" })).toEqual([`${I}:role/etl`, `${I}:role/*/etl`]);
    // AddUserToGroup names the user too, but is authorised on the group only (Service Authorization Reference).
    expect(on("iam.amazonaws.com", "AddUserToGroup", { userName: "Bob", groupName: "admin" })).toEqual([`${I}:group/admin`, `${I}:group/*/admin`]);
    expect(on("iam.amazonaws.com", "CreateAccessKey", { userName: "rotator+1@x.io" })).toEqual([`${I}:user/rotator+1@x.io`, `${I}:user/*/rotator+1@x.io`]);
    // Without userName the call is on the caller's own user: not named.
    expect(on("iam.amazonaws.com", "CreateAccessKey", {})).toEqual([]);
    expect(on("iam.amazonaws.com", "GetUser", {})).toEqual([]);
    // A name IAM would refuse (a / would make the pattern match another path's entity; a *, others).
    expect(on("iam.amazonaws.com", "GetRole", { roleName: "a/etl" })).toEqual([]);
    expect(on("iam.amazonaws.com", "GetRole", { roleName: "*" })).toEqual([]);
    // A rename is authorised on the new name too: both are named (IAM renames, below).
  });

  it("the by-name patterns match the entity of that name at any path, and no entity of another name (IAM: * in a Resource matches / too)", () => {
    // IAM's Resource matching, on the resource segment: * any characters (/ included), ? one.
    const matches = (pattern: string, arn: string): boolean => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "s").test(arn);
    const I = "arn:aws:iam::210987654321";
    const patterns = on("iam.amazonaws.com", "GetRole", { roleName: "etl" });
    const covered = (arn: string): boolean => patterns.some((p) => matches(p, arn));
    for (const arn of [`${I}:role/etl`, `${I}:role/service-role/etl`, `${I}:role/a/b/etl`, `${I}:role/etl/etl`]) expect(covered(arn), arn).toBe(true);
    for (const arn of [`${I}:role/other-etl`, `${I}:role/service-role/other-etl`, `${I}:role/etl2`, `${I}:role/service-role/etl2`, `${I}:user/etl`, `${I}:instance-profile/etl`, "arn:aws:iam::111122223333:role/etl"]) expect(covered(arn), arn).toBe(false);
  });

  it("names a state machine or activity created by name, a trail by name or ARN; none for names those APIs refuse", () => {
    const S = "arn:aws:states:eu-west-1:210987654321";
    expect(on("states.amazonaws.com", "CreateStateMachine", { name: "nightly-report" })).toEqual([`${S}:stateMachine:nightly-report`]);
    expect(on("states.amazonaws.com", "CreateActivity", { name: "review" })).toEqual([`${S}:activity:review`]);
    expect(on("states.amazonaws.com", "CreateStateMachine", { name: "has space" })).toEqual([]);
    expect(on("states.amazonaws.com", "DescribeActivity", { activityArn: `${S}:activity:review` })).toEqual([`${S}:activity:review`]);
    expect(on("cloudtrail.amazonaws.com", "UpdateTrail", { name: "org-trail" })).toEqual(["arn:aws:cloudtrail:eu-west-1:210987654321:trail/org-trail"]);
    expect(on("cloudtrail.amazonaws.com", "StopLogging", { name: "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail" })).toEqual(["arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail"]);
    expect(on("cloudtrail.amazonaws.com", "PutEventSelectors", { trailName: "org-trail" })).toEqual(["arn:aws:cloudtrail:eu-west-1:210987654321:trail/org-trail"]);
    // CreateEventDataStore's `name` is no trail.
    expect(on("cloudtrail.amazonaws.com", "CreateEventDataStore", { name: "lake" })).toEqual([]);
    expect(on("cloudtrail.amazonaws.com", "UpdateTrail", { name: "a b" })).toEqual([]);
  });
});

describe("EventBridge Scheduler calls", () => {
  const on = (eventName: string, params: ResourceContext["params"]): string[] => deriveResources({ ...ctx("scheduler.amazonaws.com", params), eventName });
  const S = "arn:aws:scheduler:eu-west-1:210987654321";

  it("name schedule/<group>/<name> (the default group when the request gives none), or schedule-group/<name>", () => {
    // Service Authorization Reference: CreateSchedule, UpdateSchedule, DeleteSchedule and GetSchedule
    // are authorised on the schedule (arn:…:schedule/${GroupName}/${ScheduleName}), the group calls
    // on the group. Before, all named none, and generate granted them on every schedule.
    for (const e of ["CreateSchedule", "UpdateSchedule", "DeleteSchedule", "GetSchedule"]) {
      expect(on(e, { name: "nightly-report", groupName: "billing" })).toEqual([`${S}:schedule/billing/nightly-report`]);
      expect(on(e, { name: "nightly-report" })).toEqual([`${S}:schedule/default/nightly-report`]);
    }
    expect(on("CreateScheduleGroup", { name: "billing" })).toEqual([`${S}:schedule-group/billing`]);
    expect(on("DeleteScheduleGroup", { name: "billing" })).toEqual([`${S}:schedule-group/billing`]);
    // A list call, or a name that is no schedule's (a wildcard would reach the policy), names none.
    expect(on("ListSchedules", { groupName: "billing" })).toEqual([]);
    expect(on("CreateSchedule", { name: "report*" })).toEqual([]);
    expect(on("CreateSchedule", { name: "report", groupName: "a/b" })).toEqual([]);
    // resourcesOf keyed by the value alone must not serve another call's `name`.
    expect(resourcesOf({ ...ctx("scheduler.amazonaws.com", { name: "billing" }), eventName: "GetScheduleGroup" })).toEqual([`${S}:schedule-group/billing`]);
    expect(resourcesOf({ ...ctx("scheduler.amazonaws.com", { name: "billing" }), eventName: "GetSchedule" })).toEqual([`${S}:schedule/default/billing`]);
  });

  it("are read alike by every reader: the WebAssembly scanner, the JavaScript scanner and the full parser", async () => {
    const call = (seq: number, name: string, requestParameters: object) => roleCallRecord({ account: "123456789012", roleArn: "arn:aws:iam::123456789012:role/r", session: "fn", time: "2026-10-02T10:00:00Z", source: "scheduler", name, seq, region: "us-east-1", extra: { requestParameters } });
    const path = join(mkdtempSync(join(tmpdir(), "leastrole-scheduler-")), "records.json");
    const target = { arn: "arn:aws:lambda:us-east-1:123456789012:function:reminder", roleArn: "arn:aws:iam::123456789012:role/scheduler-invoke" };
    writeFileSync(
      path,
      JSON.stringify({
        Records: [
          call(1, "CreateSchedule", { name: "remind-42", groupName: "reminders", scheduleExpression: "at(2026-10-03T09:00:00)", flexibleTimeWindow: { mode: "OFF" }, target, clientToken: "b3f1" }),
          call(2, "GetSchedule", { name: "remind-42", groupName: "reminders" }),
          call(3, "DeleteSchedule", { name: "remind-41" }),
        ],
      }),
    );
    const wasm = await readUsage([path], { workers: 1 });
    for (const fastScan of ["js", false] as const) expect((await readUsage([path], { workers: 1, fastScan })).sessions).toEqual(wasm.sessions);
    expect(wasm.sessions[0]?.actions.map((a) => [a.action, a.resources])).toEqual([
      ["scheduler:CreateSchedule", ["arn:aws:scheduler:us-east-1:123456789012:schedule/reminders/remind-42"]],
      ["scheduler:DeleteSchedule", ["arn:aws:scheduler:us-east-1:123456789012:schedule/default/remind-41"]],
      ["scheduler:GetSchedule", ["arn:aws:scheduler:us-east-1:123456789012:schedule/reminders/remind-42"]],
    ]);
  });
});

describe("IAM renames: UpdateUser and UpdateGroup", () => {
  const on = (eventName: string, params: ResourceContext["params"]): string[] => deriveResources({ ...ctx("iam.amazonaws.com", params), eventName });
  const I = "arn:aws:iam::210987654321";

  it("name the entity as it is (by name, any path) and as it becomes: a new name by name, a new path by its ARN", () => {
    // "To change a user name, the requester must have appropriate permissions on both the source
    // object and the target object" (IAM API reference, UpdateUser). Before, both named none.
    expect(on("UpdateUser", { userName: "Bob", newUserName: "Robert" })).toEqual([`${I}:user/Bob`, `${I}:user/*/Bob`, `${I}:user/Robert`, `${I}:user/*/Robert`]);
    expect(on("UpdateUser", { userName: "Bob", newPath: "/sales/" })).toEqual([`${I}:user/Bob`, `${I}:user/*/Bob`, `${I}:user/sales/Bob`]);
    expect(on("UpdateGroup", { groupName: "Test", newGroupName: "Test_1", newPath: "/" })).toEqual([`${I}:group/Test`, `${I}:group/*/Test`, `${I}:group/Test_1`]);
    // Nothing changed: the entity only.
    expect(on("UpdateUser", { userName: "Bob" })).toEqual([`${I}:user/Bob`, `${I}:user/*/Bob`]);
    // A name or path that is none names nothing (a wildcard would reach the policy).
    expect(on("UpdateUser", { userName: "Bob", newUserName: "Rob*" })).toEqual([]);
    expect(on("UpdateGroup", { groupName: "Test", newPath: "no-slash" })).toEqual([]);
    expect(on("UpdateUser", { newUserName: "Robert" })).toEqual([]);
  });
});
