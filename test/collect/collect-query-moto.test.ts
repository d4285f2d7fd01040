/**
 * `--cloudtrail athena:…` against moto's server mode, and the Lambda aliases/versions calls.
 *
 * moto does not execute SQL: GetQueryResults returns rows queued through its documented
 * `POST /moto-api/static/athena/query-results` endpoint. The rows queued here are real output of
 * the shipped query: the exact SQL collect sends (window and day-partition predicates bound) is run
 * on DuckDB over CloudTrail records in AWS's format, and moto then serves those rows through the
 * real Athena API (QUEUED → RUNNING → SUCCEEDED, paginated GetQueryResults with a header row).
 * Query states moto cannot produce on its own (a query that never finishes) come from moto's
 * state manager (`/moto-api/state-manager/set-transition`, manual progression).
 */

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AthenaClient, GetQueryExecutionCommand } from "@aws-sdk/client-athena";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { AddPermissionCommand, CreateAliasCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit } from "../../src/audit/audit.js";
import { athenaUsageSql } from "../../src/collect/collect-query.js";
import { collect, CollectError, parseCloudTrailSource, type CollectManifest, type CollectOptions } from "../../src/collect/index.js";
import { relPath } from "../../src/collect/writer.js";
import { athenaToDuckDb, DUCKDB_TRINO_MACROS, duckDbCloudTrailView, USAGE_ROW_COLUMNS } from "../../src/usage/index.js";
import { startMoto, TEST_CREDENTIALS, type MotoServer } from "./support/moto.js";
import { ACCOUNT, seedAccount, trailRecord, type Seeded } from "./support/seed.js";

let moto: MotoServer;
let seeded: Seeded;
const tmp = mkdtempSync(join(tmpdir(), "leastrole-collect-query-"));
let n = 0;
const outDir = () => join(tmp, `out-${++n}`);

const SOURCE = "athena:cloudtrail.logs?output=s3://athena-results/leastrole/";
const WINDOW = { since: "2026-01-10", until: new Date("2026-01-20T00:00:00Z") };
const window = { start: new Date("2026-01-10T00:00:00Z"), end: WINDOW.until };
const base = (endpoint: string): Omit<CollectOptions, "out"> => ({
  endpoint,
  credentials: TEST_CREDENTIALS,
  throttleBaseMs: 1,
  regions: ["us-east-1"],
  queryPollMs: 5,
});

/** The orders function's calls: in the window, and one before it (the SQL's window must drop it). */
const RECORDS = [
  trailRecord("2026-01-05T08:00:00Z", "DeleteItem", "0"),
  trailRecord("2026-01-15T10:01:00Z", "GetItem", "1"),
  trailRecord("2026-01-15T10:02:00Z", "GetItem", "2"),
  trailRecord("2026-01-16T11:00:00Z", "PutItem", "3"),
  trailRecord("2026-01-19T23:50:00Z", "Query", "4"),
];

/** Runs the SQL collect sends, on DuckDB over RECORDS laid out as the shipped table (with its `day` partition column). */
async function shippedQueryRows(): Promise<Array<Array<string | null>>> {
  const file = join(tmp, "records.json");
  writeFileSync(file, JSON.stringify({ Records: RECORDS }));
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  for (const m of DUCKDB_TRINO_MACROS) await c.run(m);
  await c.run(duckDbCloudTrailView(file, "records", "ct_raw"));
  await c.run("CREATE SCHEMA cloudtrail");
  await c.run("CREATE VIEW cloudtrail.logs AS SELECT *, replace(substr(eventtime, 1, 10), '-', '/') AS day FROM ct_raw");
  const source = parseCloudTrailSource(SOURCE);
  if (source.kind !== "athena") throw new Error("not athena");
  const reader = await c.runAndReadAll(athenaToDuckDb(athenaUsageSql(source, window)));
  expect(reader.columnNames()).toEqual([...USAGE_ROW_COLUMNS]);
  const rows = reader.getRowObjectsJson() as Array<Record<string, unknown>>;
  return rows.map((r) => USAGE_ROW_COLUMNS.map((col) => (r[col] === null || r[col] === undefined ? null : String(r[col]))));
}

/** Queue one result for the next Athena query, as GetQueryResults returns it: a header row, then the rows. */
async function queueAthenaResult(rows: Array<Array<string | null>>): Promise<void> {
  const datum = (v: string | null) => (v === null ? {} : { VarCharValue: v });
  const body = {
    account_id: ACCOUNT,
    region: "us-east-1",
    results: [
      {
        rows: [{ Data: USAGE_ROW_COLUMNS.map((c) => datum(c)) }, ...rows.map((r) => ({ Data: r.map(datum) }))],
        column_info: USAGE_ROW_COLUMNS.map((c) => ({ CatalogName: "hive", SchemaName: "", TableName: "", Name: c, Label: c, Type: "varchar", Precision: 0, Scale: 0, Nullable: "UNKNOWN", CaseSensitive: true })),
      },
    ],
  };
  const r = await fetch(`${moto.endpoint}/moto-api/static/athena/query-results`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
  expect(r.status).toBe(201);
}

async function stateManager(path: "set-transition" | "unset-transition", body: object): Promise<void> {
  const r = await fetch(`${moto.endpoint}/moto-api/state-manager/${path}`, { method: "POST", body: JSON.stringify(body) });
  expect(r.ok).toBe(true);
}

async function athenaState(id: string): Promise<{ state: string | undefined; query: string | undefined }> {
  const athena = new AthenaClient({ endpoint: moto.endpoint, credentials: TEST_CREDENTIALS, region: "us-east-1" });
  try {
    const q = (await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution;
    return { state: q?.Status?.State, query: q?.Query };
  } finally {
    athena.destroy();
  }
}

const byId = (m: CollectManifest) => new Map(m.calls.map((c) => [c.id, c]));

beforeAll(async () => {
  moto = startMoto();
  seeded = await seedAccount(moto.endpoint);
  const common = { endpoint: moto.endpoint, credentials: TEST_CREDENTIALS, region: "us-east-1" };
  const s3 = new S3Client({ ...common, forcePathStyle: true });
  const lambda = new LambdaClient(common);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: "athena-results" }));
    // An alias of the published version 1, with its own resource policy: S3 may invoke it, from any account's bucket.
    await lambda.send(new CreateAliasCommand({ FunctionName: "orders-processor", Name: "live", FunctionVersion: "1" }));
    await lambda.send(
      new AddPermissionCommand({ FunctionName: "orders-processor", Qualifier: "live", StatementId: "s3-invoke", Action: "lambda:InvokeFunction", Principal: "s3.amazonaws.com" }),
    );
  } finally {
    s3.destroy();
    lambda.destroy();
  }
}, 600_000);

afterAll(() => {
  moto?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe("collect --cloudtrail athena: against moto", () => {
  let out: string;
  let manifest: CollectManifest;
  let rows: Array<Array<string | null>>;

  beforeAll(async () => {
    rows = await shippedQueryRows();
    await queueAthenaResult(rows);
    out = outDir();
    manifest = (await collect({ ...base(moto.endpoint), out, cloudtrail: SOURCE, ...WINDOW })).manifest;
  }, 300_000);

  it("starts the shipped query with the window and day partitions bound, polls it to SUCCEEDED and records it", async () => {
    const calls = byId(manifest);
    const start = calls.get("us-east-1/athena:StartQueryExecution/cloudtrail.logs");
    const polled = calls.get("us-east-1/athena:GetQueryExecution/cloudtrail.logs");
    const results = calls.get("us-east-1/athena:GetQueryResults/cloudtrail.logs");
    expect(start?.status).toBe("ok");
    const id = start?.query?.id ?? "";
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(polled).toMatchObject({ status: "ok", query: { id, state: "SUCCEEDED", bytesScanned: 0 } });
    expect(results).toMatchObject({ status: "ok", count: rows.length, query: { id, state: "SUCCEEDED", rows: rows.length }, files: [`cloudtrail/athena/us-east-1/${id}-00001.csv`] });
    expect(manifest.partial).toBe(false);
    expect(manifest.options.cloudtrail).toBe("athena:cloudtrail.logs?output=s3://athena-results/leastrole/");
    // What Athena received is the SQL run on DuckDB above.
    const sent = await athenaState(id);
    expect(sent.state).toBe("SUCCEEDED");
    expect(sent.query).toContain(`FROM "cloudtrail"."logs" t`);
    expect(sent.query).toContain("WHERE day >= '2026/01/10' AND day <= '2026/01/21' AND eventtime >= '2026-01-10T00:00:00Z' AND eventtime < '2026-01-20T00:00:00Z'");
  });

  it("writes the rows as Athena's CSV result file: header, quoted values, NULL as an empty field", () => {
    const id = byId(manifest).get("us-east-1/athena:StartQueryExecution/cloudtrail.logs")?.query?.id ?? "";
    const lines = readFileSync(join(out, `cloudtrail/athena/us-east-1/${id}-00001.csv`), "utf8").trimEnd().split("\n");
    expect(lines[0]).toBe(USAGE_ROW_COLUMNS.map((c) => `"${c}"`).join(","));
    expect(lines).toHaveLength(rows.length + 1);
    const usage = lines.find((l) => l.startsWith('"usage"') && l.includes('"GetItem"'));
    expect(usage).toContain(`"arn:aws:iam::${ACCOUNT}:role/service-role/orders-fn-role","orders-processor",,"us-east-1","dynamodb.amazonaws.com","GetItem",,"0"`);
  });

  it("audit on the output gives the usage labels of the queried calls", async () => {
    const { document, report } = await audit([out], { asOf: "2026-01-20T00:00:00Z" });
    expect(document.usage.present).toBe(true);
    expect(document.meta.sources.some((s) => s.kind === "usage-query-rows")).toBe(true);
    const orders = document.usage.principals.find((p) => p.functionName === "orders-processor");
    expect(orders?.actions.map((a) => [a.action, a.count])).toEqual([
      ["dynamodb:GetItem", 2],
      ["dynamodb:PutItem", 1],
      ["dynamodb:Query", 1],
    ]);
    const labels = new Map(document.usage.labels.find((l) => l.functionArn === seeded.functions.orders.replace(/:\d+$/, ""))?.permissions.map((p) => [p.action, p.label]));
    expect(labels.get("dynamodb:GetItem")).toBe("used");
    expect(labels.get("dynamodb:PutItem")).toBe("used");
    // Before the window: the query's window dropped it, so it is not counted as used.
    expect(labels.has("dynamodb:DeleteItem")).toBe(true);
    expect(labels.get("dynamodb:DeleteItem")).not.toBe("used");
    expect(report.findings.length).toBeGreaterThan(0);
  });

  it("--resume keeps the written results and starts no new query (it would be billed again)", async () => {
    const before = byId(manifest);
    const again = byId((await collect({ ...base(moto.endpoint), out, cloudtrail: SOURCE, ...WINDOW, resume: true })).manifest);
    for (const op of ["StartQueryExecution", "GetQueryExecution", "GetQueryResults"]) {
      const id = `us-east-1/athena:${op}/cloudtrail.logs`;
      expect(again.get(id)).toMatchObject({ status: "ok", resumed: true, query: before.get(id)?.query });
    }
  });

  it("collects the alias's own resource policy (Qualifier), which the rules then see", async () => {
    const calls = byId(manifest);
    expect(calls.get("us-east-1/lambda:ListAliases/orders-processor")).toMatchObject({ status: "ok", count: 1, files: ["lambda/us-east-1/list-aliases/orders-processor.json"] });
    const policy = calls.get("us-east-1/lambda:GetPolicy/orders-processor:live");
    expect(policy).toMatchObject({ status: "ok", files: ["lambda/us-east-1/get-policy/orders-processor%3Alive.json"] });
    expect(calls.get("us-east-1/lambda:GetPolicy/orders-processor:1")?.status).toBe("ok");
    const doc = JSON.parse(readFileSync(join(out, "lambda/us-east-1/get-policy/orders-processor%3Alive.json"), "utf8"));
    expect(JSON.parse(doc.Policy).Statement[0]).toMatchObject({ Sid: "s3-invoke", Principal: { Service: "s3.amazonaws.com" } });
    const { report, document } = await audit([out], { asOf: "2026-01-20T00:00:00Z" });
    expect(document.functions.find((f) => f.name === "orders-processor")?.aliases).toContain("live");
    const lr012 = report.findings.filter((f) => f.ruleId === "LR012" && JSON.stringify(f.resource).includes("orders-processor"));
    expect(lr012.map((f) => f.message).join("\n")).toMatch(/s3-invoke/);
  });

  it("finds a public function URL on an alias (AWS CLI's get-function-url-config --qualifier output; moto ignores the Qualifier)", async () => {
    // What `aws lambda get-function-url-config --function-name orders-processor --qualifier live` prints
    // (Lambda API reference shape), written where collect writes it.
    const aliasArn = `${seeded.functions.orders.replace(/:\d+$/, "")}:live`;
    writeFileSync(
      join(out, relPath("lambda", "us-east-1", "get-function-url-config", "orders-processor:live.json")),
      JSON.stringify({
        FunctionUrl: "https://abcdefghijklmnopqrstuvwxyz0123.lambda-url.us-east-1.on.aws/",
        FunctionArn: aliasArn,
        AuthType: "NONE",
        CreationTime: "2026-01-02T10:00:00.000000Z",
        LastModifiedTime: "2026-01-02T10:00:00.000000Z",
        InvokeMode: "BUFFERED",
      }),
    );
    // And recorded as that call's answer: audit reads only the files the manifest lists.
    const manifestFile = join(out, "manifest.json");
    const m = JSON.parse(readFileSync(manifestFile, "utf8")) as CollectManifest;
    const entry = m.calls.find((c) => c.id === "us-east-1/lambda:GetFunctionUrlConfig/orders-processor:live");
    expect(entry?.status).toBe("ok");
    Object.assign(entry ?? {}, { absent: false, count: 1, files: [relPath("lambda", "us-east-1", "get-function-url-config", "orders-processor:live.json")] });
    writeFileSync(manifestFile, JSON.stringify(m, null, 2));
    const { report, document } = await audit([out], { asOf: "2026-01-20T00:00:00Z" });
    expect(document.functions.find((f) => f.name === "orders-processor")?.functionUrls).toMatchObject([{ authType: "NONE", qualifier: "live" }]);
    const url = report.findings.find((f) => f.ruleId === "LR012" && /function URL (\(alias live\) )?with AuthType NONE/.test(f.message) && JSON.stringify(f.resource).includes("orders-processor"));
    expect(url?.evidence).toMatchObject({ qualifier: "live", url: "https://abcdefghijklmnopqrstuvwxyz0123.lambda-url.us-east-1.on.aws/" });
  });
});

describe("Athena query failures against moto", () => {
  it("a query that cannot start (unknown workgroup) is a failed entry: the collection and its audit are partial", async () => {
    const out = outDir();
    const { manifest } = await collect({ ...base(moto.endpoint), out, cloudtrail: "athena:cloudtrail.logs?workgroup=no-such-wg", ...WINDOW });
    const start = byId(manifest).get("us-east-1/athena:StartQueryExecution/cloudtrail.logs");
    expect(start?.status).toBe("failed");
    expect(start?.errorMessage).toMatch(/WorkGroup does not exist/);
    expect(byId(manifest).has("us-east-1/athena:GetQueryResults/cloudtrail.logs")).toBe(false);
    expect(manifest.partial).toBe(true);
    expect(manifest.reasons.join("\n")).toMatch(/athena:StartQueryExecution cloudtrail.logs in us-east-1 failed/);
    const { document } = await audit([out]);
    expect(document.meta.warnings.some((w) => w.code === "collection-partial" && /StartQueryExecution/.test(w.message))).toBe(true);
    expect(document.meta.partial).toBe(true);
    // No rows: no usage, so nothing can be labelled unused from this collection.
    expect(document.usage.present).toBe(false);
  });

  it("a query still running at the timeout is stopped (StopQueryExecution), recorded as cancelled, and the collection is partial", async () => {
    await stateManager("set-transition", { model_name: "athena::execution", transition: { progression: "manual", times: 1_000_000 } });
    try {
      const { manifest } = await collect({ ...base(moto.endpoint), out: outDir(), cloudtrail: SOURCE, ...WINDOW, queryTimeoutMs: 200 });
      const polled = byId(manifest).get("us-east-1/athena:GetQueryExecution/cloudtrail.logs");
      expect(polled).toMatchObject({ status: "failed", errorCode: "QueryTimedOut", query: { state: "CANCELLED" } });
      expect(polled?.query?.stateReason).toMatch(/stopped by leastrole: still QUEUED after 200 ms/);
      expect(polled?.attempts).toBeGreaterThan(2);
      expect((await athenaState(polled?.query?.id ?? "")).state).toBe("CANCELLED");
      expect(manifest.partial).toBe(true);
    } finally {
      await stateManager("unset-transition", { model_name: "athena::execution" });
    }
  });

  it("Ctrl-C (the abort signal) stops the running query and the run, leaving a manifest --resume continues from", async () => {
    await stateManager("set-transition", { model_name: "athena::execution", transition: { progression: "manual", times: 1_000_000 } });
    const out = outDir();
    const interrupt = new AbortController();
    try {
      const run = collect({
        ...base(moto.endpoint),
        out,
        cloudtrail: SOURCE,
        ...WINDOW,
        signal: interrupt.signal,
        onProgress: (e) => {
          if (e.kind === "call" && e.call.operation === "StartQueryExecution") setTimeout(() => interrupt.abort(), 50);
        },
      });
      await expect(run).rejects.toThrow(CollectError);
      await expect(run).rejects.toThrow(/interrupted/);
      const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as CollectManifest;
      const polled = byId(manifest).get("us-east-1/athena:GetQueryExecution/cloudtrail.logs");
      expect(polled).toMatchObject({ status: "failed", errorCode: "QueryInterrupted", query: { state: "CANCELLED" } });
      expect((await athenaState(polled?.query?.id ?? "")).state).toBe("CANCELLED");
      expect(manifest.reasons).toContain("the collection did not finish");
    } finally {
      await stateManager("unset-transition", { model_name: "athena::execution" });
    }
  });

  it("the CLI: Ctrl-C (SIGINT) during the query stops it and exits with an error, the manifest saying why", async () => {
    await stateManager("set-transition", { model_name: "athena::execution", transition: { progression: "manual", times: 1_000_000 } });
    const out = outDir();
    try {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", join(import.meta.dirname, "../../src/cli/main.ts"), "collect", "--out", out, "--regions", "us-east-1", "--endpoint", moto.endpoint, "--cloudtrail", SOURCE, "--since", "2026-01-10"],
        {
          env: { ...process.env, AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, AWS_REGION: "us-east-1", AWS_PROFILE: "" },
          stdio: ["ignore", "ignore", "pipe"],
        },
      );
      let stderr = "";
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/athena:StartQueryExecution cloudtrail\.logs \[us-east-1\]: ok/.test(stderr) && !child.killed) setTimeout(() => child.kill("SIGINT"), 200);
      });
      const code = await exited;
      expect(code).not.toBe(0);
      expect(stderr).toMatch(/interrupted: stopping the running query/);
      expect(stderr).toMatch(/interrupted: the query was cancelled and the collection stopped/);
      const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as CollectManifest;
      const polled = byId(manifest).get("us-east-1/athena:GetQueryExecution/cloudtrail.logs");
      expect(polled).toMatchObject({ status: "failed", errorCode: "QueryInterrupted" });
      expect((await athenaState(polled?.query?.id ?? "")).state).toBe("CANCELLED");
    } finally {
      await stateManager("unset-transition", { model_name: "athena::execution" });
    }
  }, 120_000);
});
