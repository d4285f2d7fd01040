/**
 * The shipped aggregation SQL, run with DuckDB over the corpus logs: ingesting its rows gives the
 * same usage as reading the raw files.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import {
  ATHENA_TABLE_DDL,
  ATHENA_USAGE_QUERY,
  DUCKDB_TRINO_MACROS,
  USAGE_ROW_COLUMNS,
  athenaToDuckDb,
  duckDbCloudTrailView,
  readUsage,
  renderUsageQuery,
} from "../../src/usage/index.js";
import { PARAM_KEYS, paramColumn } from "../../src/usage/event.js";
import { INVICTUS, STRATUS } from "./helpers.js";
import { roleCallRecord } from "../support/cloudtrail-record.js";
import { denialRecords, SECRET_KEY, TABLE } from "../support/denial-records.js";

/** One record as its own CloudTrail file in `dir`: its path. */
function writeOne(dir: string, record: object): string {
  const path = join(dir, "only.json");
  writeFileSync(path, JSON.stringify({ Records: [record] }));
  return path;
}

async function runQuery(recordsGlob?: string): Promise<{ [k: string]: string | null }[]> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  for (const m of DUCKDB_TRINO_MACROS) await c.run(m);
  if (recordsGlob !== undefined) await c.run(duckDbCloudTrailView(recordsGlob, "records"));
  else {
    await c.run(duckDbCloudTrailView(`${INVICTUS}/*.json`, "records", "ct_invictus"));
    await c.run(duckDbCloudTrailView(`${STRATUS}/*.json`, "array", "ct_stratus"));
    await c.run("CREATE VIEW cloudtrail_logs AS SELECT * FROM ct_invictus UNION ALL SELECT * FROM ct_stratus");
  }
  const sql = athenaToDuckDb(renderUsageQuery(ATHENA_USAGE_QUERY, { table: "cloudtrail_logs", start: "2000-01-01T00:00:00Z", end: "2100-01-01T00:00:00Z" }));
  const reader = await c.runAndReadAll(sql);
  expect(reader.columnNames()).toEqual([...USAGE_ROW_COLUMNS]);
  return reader.getRowObjectsJson() as { [k: string]: string | null }[];
}

/**
 * The records as one CloudTrail file, read by the wasm scanner (returned), and by the query on
 * DuckDB, the JavaScript scanner and the full parser, each of which must give the same sessions.
 */
async function everyReader(records: object[], name: string): Promise<Awaited<ReturnType<typeof readUsage>>> {
  const dir = mkdtempSync(join(tmpdir(), `leastrole-sql-${name}-`));
  const logs = join(dir, `111122223333_CloudTrail_us-east-1_20261005T0800Z_${name}.json`);
  writeFileSync(logs, JSON.stringify({ Records: records }));
  const json = join(dir, "rows.json");
  writeFileSync(json, JSON.stringify(await runQuery(logs)));
  const raw = await readUsage([logs], { workers: 1 });
  for (const other of [await readUsage([json], { workers: 1 }), await readUsage([logs], { workers: 1, fastScan: "js" }), await readUsage([logs], { workers: 1, fastScan: false })]) {
    expect(other.sessions).toEqual(raw.sessions);
  }
  return raw;
}

describe("Athena table DDL (leastrole sql athena-table)", () => {
  it("its opening comment names every projected partition and the placeholders to replace, as docs/usage.md does", () => {
    // Before: "partition projection by day", for a table PARTITIONED BY (region STRING, day STRING)
    // whose region values ({{regions}}) the user must fill in.
    const comment = ATHENA_TABLE_DDL.split("\n").filter((l) => l.startsWith("--")).join(" ");
    const partitions = /PARTITIONED BY \(([^)]*)\)/.exec(ATHENA_TABLE_DDL)![1]!.split(",").map((c) => c.trim().split(" ")[0]!);
    expect(partitions).toEqual(["region", "day"]);
    expect(comment).toContain("partition projection by region and day");
    for (const placeholder of new Set(ATHENA_TABLE_DDL.match(/\{\{\w+\}\}/g))) expect(comment).toContain(placeholder);
  });
});

describe("Athena aggregation SQL (run on DuckDB)", () => {
  it("its rows ingest to the same usage as the raw corpus files", async () => {
    const rows = await runQuery();
    expect(rows.filter((r) => r.row_kind === "usage").length).toBeGreaterThan(20);
    const dir = mkdtempSync(join(tmpdir(), "leastrole-sql-"));
    const json = join(dir, "rows.json");
    writeFileSync(json, JSON.stringify(rows));
    // The same rows as Athena's CSV download.
    const csv = join(dir, "rows.csv");
    const cell = (v: string | null): string => (v === null ? "" : /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    writeFileSync(csv, [USAGE_ROW_COLUMNS.map((c) => `"${c}"`).join(","), ...rows.map((r) => USAGE_ROW_COLUMNS.map((c) => cell(r[c] ?? null)).join(","))].join("\n"));

    const raw = await readUsage([INVICTUS, STRATUS], { workers: 1 });
    for (const p of [json, csv]) {
      const fromSql = await readUsage([p], { workers: 1 });
      expect(fromSql.warnings).toEqual([]);
      expect(fromSql.coverage.partial).toBe(false);
      expect(fromSql.sessions).toEqual(raw.sessions);
      expect(fromSql.functionCreations).toEqual(raw.functionCreations);
      // Query rows hold no per-record readOnly: no management-event counts (trail gaps unknown).
      const { duplicatesRemoved: _d, management: mSql, ...covSql } = fromSql.coverage;
      const { duplicatesRemoved: _e, management: _m, ...covRaw } = raw.coverage;
      expect(covSql).toEqual(covRaw);
      expect(mSql).toEqual([]);
    }
    expect(raw.sessions.length).toBe(12);
  });

  it("keeps the same copy of different records under one eventID whatever the files' order, as the raw readers do", async () => {
    // CloudTrail does not write two different records under one eventID; a mixed or hand-made
    // table can. The query keeps one copy by what it is (dedup.ts keeps the copy in the least group:
    // session, then call), not by which file the engine read first.
    const ROLE = "arn:aws:iam::111122223333:role/orders-role";
    const call = (session: string, name: string, errorCode?: string): object =>
      roleCallRecord({ account: "111122223333", roleArn: ROLE, session, time: "2026-10-03T08:00:00Z", source: "dynamodb", name, seq: 7, region: "eu-west-1", extra: { requestParameters: { tableName: "orders" }, ...(errorCode === undefined ? {} : { errorCode, errorMessage: "throttled" }) } });
    // Each case: its copies, and the one both the query and the raw readers must count.
    const cases: [object[], number][] = [
      [[call("orders-fn", "PutItem"), call("orders-fn", "GetItem")], 1],
      [[call("orders-fn", "GetItem", "ThrottlingException"), call("orders-fn", "GetItem")], 1],
      [[call("orders-fn", "PutItem"), call("billing-fn", "GetItem")], 1],
    ];
    for (const [copies, kept] of cases) {
      const seen: unknown[] = [];
      for (const order of [copies, [...copies].reverse()]) {
        const dir = mkdtempSync(join(tmpdir(), "leastrole-sql-conflict-"));
        order.forEach((r, i) => writeFileSync(join(dir, `111122223333_CloudTrail_eu-west-1_20261003T080${i}Z_f${i}.json`), JSON.stringify({ Records: [r] })));
        const json = join(dir, "rows.json");
        writeFileSync(json, JSON.stringify(await runQuery(join(dir, "111122223333_*.json"))));
        const fromSql = await readUsage([json], { workers: 1 });
        const raw = await readUsage(order.map((_, i) => join(dir, `111122223333_CloudTrail_eu-west-1_20261003T080${i}Z_f${i}.json`)), { workers: 1 });
        const only = await readUsage([writeOne(dir, copies[kept] as object)], { workers: 1 });
        expect(fromSql.sessions).toEqual(only.sessions);
        expect(raw.sessions).toEqual(only.sessions);
        seen.push(fromSql.sessions);
        rmSync(dir, { recursive: true, force: true });
      }
      expect(seen[0]).toEqual(seen[1]);
    }
  });

  it("counts an S3 copy's source and a Publish without a topic as the raw records do", async () => {
    // The corpus has neither: a copy's source is read from requestParameters["x-amz-copy-source"]
    // (a key with hyphens, `$["…"]` in Trino), and a Publish to a phone number names no resource.
    const ROLE = "arn:aws:iam::111122223333:role/intake-role";
    const call = (seq: number, source: string, name: string, extra: { [k: string]: unknown }): object =>
      roleCallRecord({ account: "111122223333", roleArn: ROLE, session: "intake-fn", time: `2026-10-0${1 + (seq % 5)}T08:00:00Z`, source, name, seq, region: "eu-west-1", extra });
    const copy = (seq: number, from: string, to: string): object =>
      call(seq, "s3", "CopyObject", {
        requestParameters: { bucketName: "archive", key: to, "x-amz-copy-source": from, Host: "archive.s3.eu-west-1.amazonaws.com" },
        resources: [{ type: "AWS::S3::Object", ARN: `arn:aws:s3:::archive/${to}` }, { accountId: "111122223333", type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::archive" }],
      });
    const records = [
      copy(1, "intake/2026/a%20b.pdf", "2026/a.pdf"),
      copy(2, "/intake/2026/c.pdf?versionId=QUpfdndhfd8438MNFDN93jdnJFkdmqnh893", "2026/c.pdf"),
      call(3, "sns", "Publish", { requestParameters: { topicArn: "arn:aws:sns:eu-west-1:111122223333:intake-events" } }),
      call(4, "sns", "Publish", { requestParameters: { phoneNumber: "HIDDEN_DUE_TO_SECURITY_REASONS", message: "HIDDEN_DUE_TO_SECURITY_REASONS" } }),
    ];
    const dir = mkdtempSync(join(tmpdir(), "leastrole-sql-copy-"));
    const logs = join(dir, "111122223333_CloudTrail_eu-west-1_20261005T0800Z_copy.json");
    writeFileSync(logs, JSON.stringify({ Records: records }));
    const rows = await runQuery(logs);
    const json = join(dir, "rows.json");
    writeFileSync(json, JSON.stringify(rows));
    const raw = await readUsage([logs], { workers: 1 });
    const fromSql = await readUsage([json], { workers: 1 });
    expect(fromSql.sessions).toEqual(raw.sessions);
    const actions = Object.fromEntries((raw.sessions[0]?.actions ?? []).map((a) => [a.action, a]));
    expect(actions["s3:PutObject"]?.resources).toEqual(["arn:aws:s3:::archive", "arn:aws:s3:::archive/2026/a.pdf", "arn:aws:s3:::archive/2026/c.pdf"]);
    expect(actions["s3:GetObject"]?.resources).toEqual(["arn:aws:s3:::intake/2026/a b.pdf", "arn:aws:s3:::intake/2026/c.pdf"]);
    expect(actions["s3:GetObjectVersion"]?.resources).toEqual(["arn:aws:s3:::intake/2026/c.pdf"]);
    expect([actions["s3:GetObject"]?.count, actions["s3:PutObject"]?.count]).toEqual([2, 2]);
    expect(actions["sns:Publish"]).toMatchObject({ count: 2, resources: ["arn:aws:sns:eu-west-1:111122223333:intake-events"], unnamedCalls: 1 });
    expect(raw.coverage.recordsRead).toBe(4);
  });

  it("counts a KMS ReEncrypt as ReEncryptFrom on the source key and ReEncryptTo on the destination, in every reader", async () => {
    // "ReEncrypt is authorized twice - once as ReEncryptFrom on the source key and once as
    // ReEncryptTo on the destination key" (KMS API reference, ReEncryptRequest); CloudTrail's
    // resources[] lists "the source KMS key and the destination KMS key, in that order" (KMS
    // developer guide, CloudTrail ReEncrypt example, whose fields these records keep). Before,
    // both actions were counted on both keys.
    const ROLE = "arn:aws:iam::111122223333:role/rotate-role";
    const OLD = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const NEW = "arn:aws:kms:us-west-2:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321";
    const key = (arn: string) => ({ accountId: "111122223333", type: "AWS::KMS::Key", ARN: arn });
    const reEncrypt = (seq: number, keys: string[], destinationKeyId: string): object =>
      roleCallRecord({ account: "111122223333", roleArn: ROLE, session: "rotate-fn", time: "2026-10-02T08:00:00Z", source: "kms", name: "ReEncrypt", seq, region: "us-west-2", extra: {
        requestParameters: { sourceEncryptionAlgorithm: "SYMMETRIC_DEFAULT", destinationKeyId, destinationEncryptionAlgorithm: "SYMMETRIC_DEFAULT" },
        resources: keys.map(key),
      } });
    // A re-delivery of the first (same eventID), and a re-encryption under the same key.
    const raw = await everyReader([reEncrypt(1, [OLD, NEW], "0987dcba-09fe-87dc-65ba-ab0987654321"), reEncrypt(1, [OLD, NEW], "0987dcba-09fe-87dc-65ba-ab0987654321"), reEncrypt(2, [NEW], NEW)], "reencrypt");
    const actions = Object.fromEntries((raw.sessions[0]?.actions ?? []).map((a) => [a.action, [a.count, a.resources]]));
    expect(actions).toEqual({ "kms:ReEncryptFrom": [2, [NEW, OLD]], "kms:ReEncryptTo": [2, [NEW]] });
    expect([raw.coverage.recordsRead, raw.coverage.duplicatesRemoved]).toEqual([3, 1]);
  });

  it("reads a Bedrock call's modelId as the raw records do, in every reader", async () => {
    const ROLE = "arn:aws:iam::111122223333:role/chat-role";
    const call = (seq: number, name: string, modelId: string): object =>
      roleCallRecord({ account: "111122223333", roleArn: ROLE, session: "chat-fn", time: `2026-10-0${1 + (seq % 5)}T08:00:00Z`, source: "bedrock", name, seq, region: "us-east-1", extra: { requestParameters: { modelId } } });
    const records = [
      call(1, "InvokeModel", "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"),
      call(2, "Converse", "anthropic.claude-3-haiku-20240307-v1:0"),
      call(3, "Converse", "us.anthropic.claude-3-haiku-20240307-v1:0"),
      call(4, "InvokeModel", "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6"),
    ];
    const raw = await everyReader(records, "chat");
    const actions = Object.fromEntries((raw.sessions[0]?.actions ?? []).map((a) => [a.action, a]));
    expect(Object.keys(actions)).toEqual(["bedrock:InvokeModel"]);
    expect(actions["bedrock:InvokeModel"]).toMatchObject({
      count: 4,
      resources: [
        "arn:aws:bedrock:*::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
        "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6",
        "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0",
        "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
      ],
    });
  });

  it("reads an API Gateway call's path as the raw records do, in every reader", async () => {
    const ROLE = "arn:aws:iam::111122223333:role/ops-role";
    const call = (seq: number, name: string, requestParameters: object | null): object =>
      roleCallRecord({ account: "111122223333", roleArn: ROLE, session: "ops-fn", time: `2026-10-0${1 + (seq % 5)}T08:00:00Z`, source: "apigateway", name, seq, region: "us-east-1", extra: { requestParameters } });
    const records = [
      call(1, "GetRestApis", null),
      call(2, "GetRestApi", { restApiId: "abc123" }),
      call(3, "GetStages", { restApiId: "abc123" }),
      call(4, "GetExport", { restApiId: "abc123", stageName: "prod", exportType: "oas30" }),
      call(5, "GetRestApis", { limit: 25 }),
    ];
    const raw = await everyReader(records, "ops");
    const actions = Object.fromEntries((raw.sessions[0]?.actions ?? []).map((a) => [a.action, a]));
    // GetExport's path needs its stage and export type: no resource, counted unnamed.
    expect(actions["apigateway:GET"]).toMatchObject({
      count: 5,
      unnamedCalls: 1,
      resources: ["arn:aws:apigateway:us-east-1::/restapis", "arn:aws:apigateway:us-east-1::/restapis/abc123", "arn:aws:apigateway:us-east-1::/restapis/abc123/stages"],
    });
  });

  it("reads a GetParametersByPath path and an ECS task definition as the raw records do, in every reader", async () => {
    const ROLE = "arn:aws:iam::111122223333:role/batch-role";
    const call = (seq: number, source: string, name: string, requestParameters: object): object =>
      roleCallRecord({ account: "111122223333", roleArn: ROLE, session: "batch-fn", time: `2026-10-0${1 + (seq % 5)}T08:00:00Z`, source, name, seq, region: "eu-west-1", extra: { requestParameters } });
    const fargate = { awsvpcConfiguration: { subnets: ["subnet-0a1b2c3d"], securityGroups: ["sg-0a1b2c3d"], assignPublicIp: "DISABLED" } };
    const records = [
      call(1, "ssm", "GetParametersByPath", { path: "/orders/prod", recursive: true, withDecryption: true }),
      call(2, "ssm", "GetParametersByPath", { path: "/orders/shared", recursive: false, withDecryption: true, maxResults: 10, nextToken: "AAEAAf" }),
      call(3, "ecs", "RunTask", { cluster: "batch", count: 1, launchType: "FARGATE", networkConfiguration: fargate, enableECSManagedTags: false, enableExecuteCommand: false, taskDefinition: "nightly-export" }),
      call(4, "ecs", "RunTask", { cluster: "batch", count: 1, launchType: "FARGATE", networkConfiguration: fargate, overrides: { containerOverrides: [{ name: "app", command: ["run"] }] }, taskDefinition: "reindex:4" }),
      call(5, "ecs", "StartTask", { cluster: "batch", containerInstances: ["arn:aws:ecs:eu-west-1:111122223333:container-instance/batch/0f1e2d3c"], taskDefinition: "arn:aws:ecs:eu-west-1:111122223333:task-definition/reindex:5" }),
    ];
    const raw = await everyReader(records, "params");
    const actions = Object.fromEntries((raw.sessions[0]?.actions ?? []).map((a) => [a.action, a]));
    expect(actions["ssm:GetParametersByPath"]).toMatchObject({
      count: 2,
      resources: ["arn:aws:ssm:eu-west-1:111122223333:parameter/orders/prod", "arn:aws:ssm:eu-west-1:111122223333:parameter/orders/shared"],
    });
    expect(actions["ecs:RunTask"]).toMatchObject({
      count: 2,
      resources: ["arn:aws:ecs:eu-west-1:111122223333:task-definition/nightly-export:*", "arn:aws:ecs:eu-west-1:111122223333:task-definition/reindex:4"],
    });
    expect(actions["ecs:StartTask"]).toMatchObject({ count: 1, resources: ["arn:aws:ecs:eu-west-1:111122223333:task-definition/reindex:5"] });
  });

  it("reads the Step Functions, Firehose, Cognito, CodeBuild, Glue, Athena and SQS queueName parameters as the raw records do, in every reader", async () => {
    const ROLE = "arn:aws:iam::111122223333:role/jobs-role";
    const call = (seq: number, source: string, name: string, requestParameters: object): object =>
      roleCallRecord({ account: "111122223333", roleArn: ROLE, session: "jobs-fn", time: `2026-10-0${1 + (seq % 5)}T08:00:00Z`, source, name, seq, region: "eu-west-1", extra: { requestParameters } });
    const A = "eu-west-1:111122223333";
    const records = [
      call(1, "states", "DescribeExecution", { executionArn: `arn:aws:states:${A}:execution:checkout:7f9e` }),
      call(2, "firehose", "PutRecordBatch", { deliveryStreamName: "clicks-to-s3", records: [{ data: "HIDDEN_DUE_TO_SECURITY_REASONS" }] }),
      call(3, "cognito-idp", "AdminGetUser", { userPoolId: "eu-west-1_AbC123xyz", username: "HIDDEN_DUE_TO_SECURITY_REASONS" }),
      call(4, "codebuild", "StartBuild", { projectName: "site-build", sourceVersion: "main" }),
      call(5, "glue", "StartJobRun", { jobName: "nightly-etl", arguments: { "--day": "2026-10-01" } }),
      call(6, "athena", "StartQueryExecution", { queryString: "SELECT 1", workGroup: "analytics", queryExecutionContext: { database: "events" }, clientRequestToken: "8c0e" }),
      call(7, "athena", "GetQueryResults", { queryExecutionId: "2f3a", maxResults: 100 }),
      call(8, "sqs", "GetQueueUrl", { queueName: "orders" }),
      call(9, "sqs", "GetQueueUrl", { queueName: "audit.fifo", queueOwnerAWSAccountId: "555566667777" }),
    ];
    const raw = await everyReader(records, "jobs");
    const resources = Object.fromEntries((raw.sessions[0]?.actions ?? []).map((a) => [a.action, a.resources]));
    expect(resources).toEqual({
      "states:DescribeExecution": [`arn:aws:states:${A}:execution:checkout:7f9e`],
      "firehose:PutRecordBatch": [`arn:aws:firehose:${A}:deliverystream/clicks-to-s3`],
      "cognito-idp:AdminGetUser": [`arn:aws:cognito-idp:${A}:userpool/eu-west-1_AbC123xyz`],
      "codebuild:StartBuild": [`arn:aws:codebuild:${A}:project/site-build`],
      "glue:StartJobRun": [`arn:aws:glue:${A}:job/nightly-etl`],
      "athena:StartQueryExecution": [`arn:aws:athena:${A}:workgroup/analytics`],
      // The workgroup of a query named by id is not in the record.
      "athena:GetQueryResults": [],
      "sqs:GetQueueUrl": [`arn:aws:sqs:${A}:orders`, "arn:aws:sqs:eu-west-1:555566667777:audit.fifo"].sort(),
    });
  });

  it("reads a Glue Data Catalog call's database and table as the raw records do, in every reader", async () => {
    const ROLE = "arn:aws:iam::111122223333:role/report-role";
    // Athena reads the catalog on the caller's behalf: the Glue calls carry the function's session, invokedBy Athena.
    const call = (seq: number, name: string, requestParameters: object): object =>
      roleCallRecord({ account: "111122223333", roleArn: ROLE, session: "report-fn", time: `2026-10-0${1 + (seq % 5)}T08:00:00Z`, source: "glue", name, seq, region: "eu-west-1", invokedBy: "athena.amazonaws.com", extra: { requestParameters } });
    const records = [
      call(1, "GetTable", { catalogId: "111122223333", databaseName: "events", name: "clicks" }),
      call(2, "GetPartitions", { catalogId: "111122223333", databaseName: "events", tableName: "clicks", expression: "day='2026-10-01'", segment: { segmentNumber: 0, totalSegments: 1 } }),
      call(3, "GetTables", { databaseName: "events", expression: "click*" }),
    ];
    const raw = await everyReader(records, "glue");
    const resources = Object.fromEntries(raw.sessions.flatMap((s) => s.actions).map((a) => [a.action, a.resources]));
    const G = "arn:aws:glue:eu-west-1:111122223333";
    expect(resources).toEqual({
      "glue:GetTable": [`${G}:catalog`, `${G}:database/events`, `${G}:table/events/clicks`],
      "glue:GetPartitions": [`${G}:catalog`, `${G}:database/events`, `${G}:table/events/clicks`],
      "glue:GetTables": [],
    });
  });

  it("reads a DynamoDB stream's ARN (streamArn) apart from a Kinesis stream's (streamARN), in every reader", async () => {
    // Each key its own column: lower-cased, both would be rp_streamarn and one would be lost.
    const columns = PARAM_KEYS.map(paramColumn);
    expect(new Set(columns).size).toBe(PARAM_KEYS.length);
    // versionId is a flag of its own (version_id_present).
    for (const k of PARAM_KEYS) if (k !== "versionId") expect(USAGE_ROW_COLUMNS as readonly string[]).toContain(paramColumn(k));
    const ROLE = "arn:aws:iam::111122223333:role/keywords-role";
    const STREAM = "arn:aws:dynamodb:us-east-1:111122223333:table/master-pictures/stream/2019-10-09T00:07:23.254";
    // The event source mapping's calls, with the function's role and a Lambda service session (awslambda_…).
    const call = (seq: number, source: string, name: string, requestParameters: object): object =>
      roleCallRecord({ account: "111122223333", roleArn: ROLE, session: "awslambda_292_20191110150720334", time: `2026-10-0${1 + (seq % 5)}T08:00:00Z`, source, name, seq, userAgent: "leb-kcl-6193f5fe, amazon-kinesis-client-library-java-lambda_1.2.1, aws-internal/3", extra: { requestParameters } });
    const records = [
      call(1, "dynamodb", "DescribeStream", { streamArn: STREAM }),
      call(2, "dynamodb", "DescribeStream", { streamArn: STREAM, exclusiveStartShardId: "shardId-00000001570000000000-a1b2c3d4" }),
      call(3, "kinesis", "DescribeStreamSummary", { streamARN: "arn:aws:kinesis:us-east-1:111122223333:stream/clicks" }),
    ];
    const raw = await everyReader(records, "streams");
    const resources = Object.fromEntries(raw.sessions.flatMap((s) => s.actions).map((a) => [a.action, a.resources]));
    expect(resources).toEqual({ "dynamodb:DescribeStream": [STREAM], "kinesis:DescribeStreamSummary": ["arn:aws:kinesis:us-east-1:111122223333:stream/clicks"] });
  });

  it("reads EC2 sets and ids, IAM Create* paths and policy ARNs, Step Functions' created names and activities, and trails as the raw records do, in every reader", async () => {
    // Before, none of these calls named a resource: a scheduler's StopInstances was granted on instance/*.
    const ROLE = "arn:aws:iam::111122223333:role/ops-role";
    const call = (seq: number, source: string, name: string, requestParameters: object): object =>
      roleCallRecord({ account: "111122223333", roleArn: ROLE, session: "ops-fn", time: `2026-10-0${1 + (seq % 5)}T08:00:00Z`, source, name, seq, region: "eu-west-1", extra: { requestParameters } });
    const E = "arn:aws:ec2:eu-west-1:111122223333";
    const records = [
      call(1, "ec2", "StopInstances", { instancesSet: { items: [{ instanceId: "i-0abc123" }, { instanceId: "i-0def456" }] }, force: false }),
      call(2, "ec2", "StopInstances", { instancesSet: { items: [{ instanceId: "i-0abc123" }] }, force: true }),
      call(3, "ec2", "CreateTags", { resourcesSet: { items: [{ resourceId: "snap-066877671789bd71b" }, { resourceId: "sg-11bbcc22" }] }, tagSet: { items: [{ key: "Name", value: "web" }] } }),
      // A RunInstances instancesSet holds launch specifications, no instance ids; what it creates has none yet.
      call(4, "ec2", "RunInstances", { instancesSet: { items: [{ imageId: "ami-029eb80bc237bec6f", minCount: 1, maxCount: 1 }] }, instanceType: "t3.micro" }),
      call(5, "ec2", "AttachVolume", { volumeId: "vol-0a1b2c3d", instanceId: "i-0abc123", device: "/dev/sdf" }),
      call(6, "iam", "CreateRole", { roleName: "etl", path: "/service-role/", assumeRolePolicyDocument: "{}" }),
      // On an existing role by name: its path is not in the record, so the role at any path.
      call(7, "iam", "GetRole", { roleName: "etl" }),
      call(8, "iam", "GetPolicy", { policyArn: "arn:aws:iam::111122223333:policy/etl-read" }),
      call(9, "states", "CreateStateMachine", { name: "nightly", roleArn: "arn:aws:iam::111122223333:role/sfn", definition: "HIDDEN_DUE_TO_SECURITY_REASONS" }),
      call(10, "states", "GetActivityTask", { activityArn: "arn:aws:states:eu-west-1:111122223333:activity:review", workerName: "w" }),
      call(11, "cloudtrail", "StopLogging", { name: "org-trail" }),
      call(12, "cloudtrail", "GetEventSelectors", { trailName: "arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail" }),
    ];
    const raw = await everyReader(records, "ec2iam");
    const got = Object.fromEntries((raw.sessions[0]?.actions ?? []).map((a) => [a.action, [a.count, a.unnamedCalls ?? 0, a.resources]]));
    expect(got).toEqual({
      "ec2:StopInstances": [2, 0, [`${E}:instance/i-0abc123`, `${E}:instance/i-0def456`]],
      "ec2:CreateTags": [1, 0, [`${E}:security-group/sg-11bbcc22`, "arn:aws:ec2:eu-west-1::snapshot/snap-066877671789bd71b"]],
      "ec2:RunInstances": [1, 1, []],
      "ec2:AttachVolume": [1, 0, [`${E}:instance/i-0abc123`, `${E}:volume/vol-0a1b2c3d`]],
      "iam:CreateRole": [1, 0, ["arn:aws:iam::111122223333:role/service-role/etl"]],
      "iam:GetRole": [1, 0, ["arn:aws:iam::111122223333:role/*/etl", "arn:aws:iam::111122223333:role/etl"]],
      "iam:GetPolicy": [1, 0, ["arn:aws:iam::111122223333:policy/etl-read"]],
      "states:CreateStateMachine": [1, 0, ["arn:aws:states:eu-west-1:111122223333:stateMachine:nightly"]],
      "states:GetActivityTask": [1, 0, ["arn:aws:states:eu-west-1:111122223333:activity:review"]],
      "cloudtrail:StopLogging": [1, 0, ["arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail"]],
      "cloudtrail:GetEventSelectors": [1, 0, ["arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail"]],
    });
  });

  it("reads an IAM rename (UpdateUser, UpdateGroup) on the old and the new name and path, and EventBridge Scheduler's schedules, as the raw records do, in every reader", async () => {
    // Before, a rename named no resource (generate granted iam:UpdateUser on every user), and so
    // did a schedule call (scheduler:CreateSchedule on every schedule).
    const ROLE = "arn:aws:iam::111122223333:role/ops-role";
    const call = (seq: number, source: string, name: string, requestParameters: object): object =>
      roleCallRecord({ account: "111122223333", roleArn: ROLE, session: "ops-fn", time: `2026-10-0${1 + (seq % 5)}T08:00:00Z`, source, name, seq, region: "eu-west-1", extra: { requestParameters } });
    const I = "arn:aws:iam::111122223333";
    const records = [
      // The IAM API reference's UpdateUser example renames Bob to Robert; UpdateGroup's moves a group.
      call(1, "iam", "UpdateUser", { userName: "Bob", newUserName: "Robert" }),
      call(2, "iam", "UpdateGroup", { groupName: "Test", newGroupName: "Test_1", newPath: "/division_abc/" }),
      call(3, "scheduler", "CreateSchedule", { name: "nightly", groupName: "reports", scheduleExpression: "rate(1 day)", flexibleTimeWindow: { mode: "OFF" } }),
      call(4, "scheduler", "DeleteSchedule", { name: "old-nightly" }),
    ];
    const raw = await everyReader(records, "rename");
    const got = Object.fromEntries((raw.sessions[0]?.actions ?? []).map((a) => [a.action, [a.count, a.unnamedCalls ?? 0, a.resources]]));
    expect(got).toEqual({
      "iam:UpdateUser": [1, 0, [`${I}:user/*/Bob`, `${I}:user/*/Robert`, `${I}:user/Bob`, `${I}:user/Robert`]],
      "iam:UpdateGroup": [1, 0, [`${I}:group/*/Test`, `${I}:group/Test`, `${I}:group/division_abc/Test_1`]],
      "scheduler:CreateSchedule": [1, 0, ["arn:aws:scheduler:eu-west-1:111122223333:schedule/reports/nightly"]],
      "scheduler:DeleteSchedule": [1, 0, ["arn:aws:scheduler:eu-west-1:111122223333:schedule/default/old-nightly"]],
    });
    // Rows of a query older than the rename columns cannot tell a rename's new name: the rename
    // names none (the old name alone would be too few), as before those columns.
    const dir = mkdtempSync(join(tmpdir(), "leastrole-sql-rename-old-"));
    const logs = join(dir, "111122223333_CloudTrail_eu-west-1_20261005T0800Z_renameold.json");
    writeFileSync(logs, JSON.stringify({ Records: records.slice(0, 2) }));
    const rows = (await runQuery(logs)).map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !["rp_newusername", "rp_newgroupname", "rp_newpath"].includes(k))));
    const json = join(dir, "rows.json");
    writeFileSync(json, JSON.stringify(rows));
    const older = await readUsage([json], { workers: 1 });
    expect(older.sessions[0]?.actions.map((a) => [a.action, a.unnamedCalls ?? 0, a.resources])).toEqual([["iam:UpdateGroup", 1, []], ["iam:UpdateUser", 1, []]]);
  });

  it("reads rows of the query before the EC2, IAM, Step Functions and CloudTrail columns, those calls naming none; a set column that is not JSON is a skipped row naming it", async () => {
    const ROLE = "arn:aws:iam::111122223333:role/scheduler-role";
    const stop = (seq: number, id: string): object =>
      roleCallRecord({ account: "111122223333", roleArn: ROLE, session: "scheduler-fn", time: `2026-10-0${1 + seq}T08:00:00Z`, source: "ec2", name: "StopInstances", seq, region: "eu-west-1", extra: { requestParameters: { instancesSet: { items: [{ instanceId: id }] }, force: false } } });
    const dir = mkdtempSync(join(tmpdir(), "leastrole-sql-old-"));
    const logs = join(dir, "111122223333_CloudTrail_eu-west-1_20261005T0800Z_old.json");
    writeFileSync(logs, JSON.stringify({ Records: [stop(1, "i-0abc123"), stop(2, "i-0def456")] }));
    const rows = await runQuery(logs);
    const added = USAGE_ROW_COLUMNS.slice(USAGE_ROW_COLUMNS.indexOf("error_message") + 1);
    expect(added).toContain("rp_instancesset");
    // The old query's rows: the same columns but the added ones, the two calls in one row.
    const old = Object.values(
      Object.fromEntries(
        rows.map((r) => {
          const o = Object.fromEntries(Object.entries(r).filter(([c]) => !(added as string[]).includes(c)));
          return [JSON.stringify({ ...o, calls: null, first_seen: null, last_seen: null }), o];
        }),
      ),
    ).map((o) => ({ ...o, calls: o.row_kind === "usage" ? "2" : o.calls, first_seen: "2026-10-02T08:00:00Z", last_seen: "2026-10-03T08:00:00Z" }));
    const oldJson = join(dir, "old-rows.json");
    writeFileSync(oldJson, JSON.stringify(old));
    const fromOld = await readUsage([oldJson], { workers: 1 });
    expect(fromOld.warnings).toEqual([]);
    expect(fromOld.sessions[0]?.actions.map((a) => [a.action, a.count, a.unnamedCalls ?? 0, a.resources])).toEqual([["ec2:StopInstances", 2, 2, []]]);
    // A set column whose text is not JSON: the row is skipped, the file and the column named.
    const bad = join(dir, "bad-rows.json");
    writeFileSync(bad, JSON.stringify(rows.map((r) => (r.row_kind === "usage" ? { ...r, rp_instancesset: "{items:" } : r))));
    const fromBad = await readUsage([bad], { workers: 1 });
    expect(fromBad.coverage.partial).toBe(true);
    expect(fromBad.warnings.map((w) => [w.code, w.file, w.message])).toContainEqual(["cloudtrail-record-skipped", bad, 'record skipped: rp_instancesset "{items:" is not JSON (the query writes requestParameters.instancesSet as JSON text)']);
  });

  it("reads an ECS service (service, or the list services) in its cluster as the raw records do, in every reader", async () => {
    const ROLE = "arn:aws:iam::111122223333:role/ops-role";
    const call = (seq: number, source: string, name: string, requestParameters: object): object =>
      roleCallRecord({ account: "111122223333", roleArn: ROLE, session: "ops-fn", time: `2026-10-0${1 + (seq % 5)}T08:00:00Z`, source, name, seq, region: "eu-west-1", extra: { requestParameters } });
    // requestParameters as CloudTrail records the JSON request (its members in lower camel case):
    // UpdateService's cluster, service, desiredCount and DescribeServices' cluster, services,
    // include (ECS API reference; the shapes of public CloudTrail samples, e.g. an UpdateService
    // {"cluster","service","desiredCount"} in driftwire's docs, and the aws-cli DescribeServices
    // body {"services": [...]} in aws/aws-cli#1455).
    const records = [
      call(1, "ecs", "UpdateService", { cluster: "production", service: "checkout", desiredCount: 4, forceNewDeployment: false }),
      call(2, "ecs", "UpdateService", { service: "cart", desiredCount: 0 }),
      call(3, "ecs", "DescribeServices", { cluster: "arn:aws:ecs:eu-west-1:111122223333:cluster/production", services: ["checkout", "cart"], include: ["TAGS"] }),
      call(4, "ecs", "DescribeServices", { cluster: "production", services: ["checkout"] }),
    ];
    const raw = await everyReader(records, "services");
    const resources = Object.fromEntries((raw.sessions[0]?.actions ?? []).map((a) => [a.action, a.resources]));
    const E = "arn:aws:ecs:eu-west-1:111122223333:service/";
    expect(resources).toEqual({
      "ecs:UpdateService": [`${E}default/cart`, `${E}production/checkout`],
      "ecs:DescribeServices": [`${E}production/cart`, `${E}production/checkout`],
    });
  });

  it("reads a Batch SubmitJob's job queue and job definition as the raw records do, in every reader", async () => {
    const ROLE = "arn:aws:iam::111122223333:role/ops-role";
    const call = (seq: number, requestParameters: object): object =>
      roleCallRecord({ account: "111122223333", roleArn: ROLE, session: "ops-fn", time: `2026-10-0${1 + (seq % 5)}T08:00:00Z`, source: "batch", name: "SubmitJob", seq, region: "eu-west-1", extra: { readOnly: false, requestParameters } });
    // SubmitJob's request members as CloudTrail records them (Batch API reference, SubmitJob: jobName,
    // jobQueue, jobDefinition, containerOverrides …; public lookup-events samples of SubmitJob show
    // requestParameters.jobName and .tags under these spellings).
    const records = [
      call(1, { jobName: "nightly-render", jobQueue: "high-priority", jobDefinition: "render:3", containerOverrides: { command: ["render", "--all"] } }),
      call(2, { jobName: "adhoc", jobQueue: "arn:aws:batch:eu-west-1:111122223333:job-queue/low-priority", jobDefinition: "render", tags: { team: "media" } }),
    ];
    const raw = await everyReader(records, "submitjob");
    const B = "arn:aws:batch:eu-west-1:111122223333:";
    expect(raw.sessions[0]?.actions.map((a) => [a.action, a.resources])).toEqual([
      ["batch:SubmitJob", [`${B}job-definition/render:*`, `${B}job-definition/render:3`, `${B}job-queue/high-priority`, `${B}job-queue/low-priority`]],
    ]);
  });

  it("reads a Glue GetDatabase's database as the raw records do, and another Glue call's `name` as no database, in every reader", async () => {
    const ROLE = "arn:aws:iam::111122223333:role/ops-role";
    const call = (seq: number, name: string, requestParameters: object): object =>
      roleCallRecord({ account: "111122223333", roleArn: ROLE, session: "ops-fn", time: `2026-10-0${1 + (seq % 5)}T08:00:00Z`, source: "glue", name, seq, region: "eu-west-1", extra: { requestParameters } });
    // GetDatabase's request is {CatalogId?, Name} (Glue API reference), recorded in lower camel
    // case as the repository reads GetTable's databaseName and name.
    const records = [
      call(1, "GetDatabase", { name: "events" }),
      // The same `name`, another call: a crawler, not a database (the fast readers derive per value
      // otherwise, and would give it the database's ARNs).
      call(2, "GetCrawler", { name: "events" }),
      call(3, "GetDatabase", { name: "events" }),
      call(4, "GetDatabase", { name: "shared", catalogId: "555566667777" }),
    ];
    const raw = await everyReader(records, "getdatabase");
    const resources = Object.fromEntries((raw.sessions[0]?.actions ?? []).map((a) => [a.action, a.resources]));
    const G = "arn:aws:glue:eu-west-1:";
    expect(resources).toEqual({
      "glue:GetDatabase": [`${G}111122223333:catalog`, `${G}111122223333:database/events`, `${G}555566667777:catalog`, `${G}555566667777:database/shared`],
      "glue:GetCrawler": [],
    });
  });

  it("reads an EventBridge PutEvents data event's bus from its resources[], in every reader", async () => {
    // The EventBridge user guide's data event for PutEvents ("Logging Amazon EventBridge API calls
    // using AWS CloudTrail", data event examples): entries[].eventBusName is logged, and so is the
    // bus in resources[] (AWS::Events::EventBus), which every reader reads first; a global
    // endpoint's call lists the endpoint too, which is no resource PutEvents is authorised on
    // (Service Authorization Reference: event-bus, event-busv2): the call is counted on its bus alone.
    const ROLE = "arn:aws:iam::111122223333:role/MyRole";
    const putEvents = (seq: number, entries: object[], resources: object[], endpointId?: string): object =>
      roleCallRecord({
        account: "111122223333", roleArn: ROLE, session: "johndoe-session", time: `2026-10-0${1 + (seq % 5)}T08:00:00Z`, source: "events", name: "PutEvents", seq, userAgent: "aws-cli/2.33.13",
        extra: { readOnly: false, managementEvent: false, eventCategory: "Data", requestParameters: { entries, ...(endpointId === undefined ? {} : { endpointId }) }, responseElements: { failedEntryCount: 0, entries: [{ eventId: "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111" }] }, resources },
      });
    const bus = (name: string): object => ({ type: "AWS::Events::EventBus", ARN: `arn:aws:events:us-east-1:111122223333:event-bus/${name}` });
    const records = [
      putEvents(1, [{ source: "my-application", detailType: "MyDetailType", detail: "HIDDEN_DUE_TO_SECURITY_REASONS", eventBusName: "default" }], [bus("default")]),
      putEvents(2, [{ source: "orders", detailType: "OrderPlaced", detail: "HIDDEN_DUE_TO_SECURITY_REASONS", eventBusName: "orders" }], [bus("orders"), { type: "AWS::Events::Endpoint", ARN: "arn:aws:events:us-east-1:111122223333:endpoint/MyGlobalEndpoint" }], "abc1234567.us-east-1"),
    ];
    const raw = await everyReader(records, "putevents");
    const resources = Object.fromEntries((raw.sessions[0]?.actions ?? []).map((a) => [a.action, a.resources]));
    expect(resources).toEqual({
      "events:PutEvents": ["arn:aws:events:us-east-1:111122223333:event-bus/default", "arn:aws:events:us-east-1:111122223333:event-bus/orders"],
    });
  });

  it("counts a DynamoDB ExecuteStatement under its PartiQL verb in every reader, the query giving the verb alone", async () => {
    // The DynamoDB guide's ExecuteStatement data event (understanding-ddb-log-entries), its
    // statement a SELECT, and the same call as an INSERT and with no statement logged.
    const ROLE = "arn:aws:iam::111122223333:role/admin-role";
    const TABLE_ARN = "arn:aws:dynamodb:us-west-2:111122223333:table/Music";
    const statement = (seq: number, requestParameters: object | null): object =>
      roleCallRecord({
        account: "111122223333", roleArn: ROLE, session: "bob", time: `2026-10-0${1 + (seq % 5)}T08:00:00Z`, region: "us-west-2", source: "dynamodb", name: "ExecuteStatement", seq,
        extra: { readOnly: false, managementEvent: false, eventCategory: "Data", requestParameters, resources: [{ accountId: "111122223333", type: "AWS::DynamoDB::Table", ARN: TABLE_ARN }] },
      });
    const records = [
      statement(1, { statement: "SELECT * FROM Music WHERE Artist = 'No One You Know' AND SongTitle = 'Call Me Today' AND nonKeyAttr = ***(Redacted)" }),
      statement(2, { statement: "INSERT INTO Music VALUE {'Artist' : ***(Redacted), 'SongTitle' : ***(Redacted), 'Album' : ***(Redacted)}" }),
      statement(3, null),
    ];
    const raw = await everyReader(records, "partiql");
    const counts = Object.fromEntries((raw.sessions[0]?.actions ?? []).map((a) => [a.action, [a.count, a.resources]]));
    // Before: the four PartiQL actions, three calls each.
    expect(counts).toEqual({
      "dynamodb:PartiQLSelect": [2, [TABLE_ARN]],
      "dynamodb:PartiQLInsert": [2, [TABLE_ARN]],
      "dynamodb:PartiQLUpdate": [1, [TABLE_ARN]],
      "dynamodb:PartiQLDelete": [1, [TABLE_ARN]],
    });
  });

  it("counts a DynamoDB multi-item call item by item from the query's rows, as from the records; rows of an older query count it whole", async () => {
    // TransactWriteItems of Put items only, as the DynamoDB guide's CloudTrail example writes one
    // (requestParameters.requestItems, a list of objects): the query keeps each item's operation and
    // table (rp_requestitems), so two transactions with other keys are one row.
    const ROLE = "arn:aws:iam::111122223333:role/admin-role";
    const TABLE_ARN = "arn:aws:dynamodb:us-east-1:111122223333:table/Music";
    const records = [1, 2].map((seq) =>
      roleCallRecord({
        account: "111122223333", roleArn: ROLE, session: "bob", time: `2026-10-0${seq}T08:00:00Z`, source: "dynamodb", name: "TransactWriteItems", seq,
        extra: { readOnly: false, managementEvent: false, eventCategory: "Data", requestParameters: { requestItems: [{ operation: "Put", tableName: "Music", key: { Artist: `No One You Know ${seq}` }, items: ["Artist", "SongTitle"] }] }, resources: [{ accountId: "111122223333", type: "AWS::DynamoDB::Table", ARN: TABLE_ARN }] },
      }),
    );
    const raw = await everyReader(records, "items");
    const counts = (u: Awaited<ReturnType<typeof readUsage>>): { [action: string]: [number, string[]] } => Object.fromEntries((u.sessions[0]?.actions ?? []).map((a) => [a.action, [a.count, a.resources]]));
    // Before: from the rows, all four TransactWriteItems candidates.
    expect(counts(raw)).toEqual({ "dynamodb:PutItem": [2, [TABLE_ARN]] });
    const dir = mkdtempSync(join(tmpdir(), "leastrole-sql-items-"));
    const logs = join(dir, "111122223333_CloudTrail_us-east-1_20261005T0800Z_items.json");
    writeFileSync(logs, JSON.stringify({ Records: records }));
    const rows = (await runQuery(logs)).filter((r) => r.row_kind === "usage");
    expect(rows.map((r) => [r.calls, r.rp_requestitems])).toEqual([["2", '[{"operation":"Put","tableName":"Music","TableName":null,"statement":null}]']]);
    // Rows of a query older than the column: every candidate, as before.
    const old = join(dir, "old-rows.json");
    writeFileSync(old, JSON.stringify(rows.map(({ rp_requestitems: _i, ...r }) => r)));
    expect(counts(await readUsage([old], { workers: 1 }))).toEqual(Object.fromEntries(["dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"].map((a) => [a, [2, [TABLE_ARN]]])));
    // A column that is not JSON: the row is skipped, and the warning names the column.
    const bad = join(dir, "bad-rows.json");
    writeFileSync(bad, JSON.stringify(rows.map((r) => ({ ...r, rp_requestitems: "[{operation=Put}]" }))));
    const skipped = await readUsage([bad], { workers: 1 });
    expect(skipped.sessions).toEqual([]);
    expect(skipped.warnings.map((w) => w.message).join("\n")).toMatch(/rp_requestitems "\[\{operation=Put\}\]" is not JSON/);
  });

  it("reads a refusal's message as the raw records do: KMS's refusals and the resource a refusal names", async () => {
    // The corpus has none: errorMessage is kept for the refusal codes only (error_message, last column).
    const dir = mkdtempSync(join(tmpdir(), "leastrole-sql-denials-"));
    const logs = join(dir, "111122223333_CloudTrail_us-east-1_20261005T0800Z_denials.json");
    writeFileSync(logs, JSON.stringify({ Records: denialRecords() }));
    const rows = await runQuery(logs);
    // A call that succeeded keeps no message: its rows group as before.
    expect(rows.filter((r) => r.row_kind === "usage" && r.error_code === null).every((r) => r.error_message === null)).toBe(true);
    const json = join(dir, "rows.json");
    writeFileSync(json, JSON.stringify(rows));
    // And as Athena's CSV download: messages hold commas, colons and parentheses.
    const csv = join(dir, "rows.csv");
    const cell = (v: string | null): string => (v === null ? "" : /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    writeFileSync(csv, [USAGE_ROW_COLUMNS.map((c) => `"${c}"`).join(","), ...rows.map((r) => USAGE_ROW_COLUMNS.map((c) => cell(r[c] ?? null)).join(","))].join("\n"));
    const raw = await readUsage([logs], { workers: 1 });
    for (const p of [json, csv]) {
      const fromSql = await readUsage([p], { workers: 1 });
      expect(fromSql.warnings).toEqual([]);
      expect(fromSql.sessions).toEqual(raw.sessions);
    }
    const actions = Object.fromEntries((raw.sessions[0]?.actions ?? []).map((a) => [a.action, a]));
    expect(actions["kms:Decrypt"]).toMatchObject({ deniedCount: 3, resources: [SECRET_KEY] });
    expect(actions["secretsmanager:GetSecretValue"]).toMatchObject({ deniedCount: 0 });
    expect(actions["dynamodb:PutItem"]).toMatchObject({ deniedCount: 1, resources: [TABLE] });
    // Rows of a query older than the column: refusals read by their codes alone, as before.
    const old = join(dir, "old-rows.json");
    writeFileSync(old, JSON.stringify(rows.map(({ error_message: _m, ...r }) => r)));
    const before = Object.fromEntries(((await readUsage([old], { workers: 1 })).sessions[0]?.actions ?? []).map((a) => [a.action, a]));
    expect(before["secretsmanager:GetSecretValue"]).toMatchObject({ deniedCount: 2 });
    expect(before["kms:Decrypt"]).toBeUndefined();
  });

  it("renders parameters and refuses values that would break out of the SQL literal", () => {
    const q = renderUsageQuery(ATHENA_USAGE_QUERY, { table: "db.cloudtrail_logs", start: "2026-10-01T00:00:00Z", end: "2026-10-31T00:00:00Z" });
    expect(q).toContain("eventtime >= '2026-10-01T00:00:00Z' AND eventtime < '2026-10-31T00:00:00Z'");
    expect(q).not.toContain("{{");
    expect(() => renderUsageQuery(ATHENA_USAGE_QUERY, { table: "x", start: "2026' OR 1=1 --", end: "2026" })).toThrow(/not ISO 8601/);
    expect(() => renderUsageQuery(ATHENA_USAGE_QUERY, { table: "x; drop", start: "2026", end: "2026" })).toThrow(/not allowed/);
  });

});
