/**
 * `--cloudtrail security-lake:…` against moto's server mode. moto does not execute SQL: the rows
 * queued for GetQueryResults are the real output of the exact SQL collect sends, run on DuckDB
 * over a Security Lake management events table (OCSF Parquet made from CloudTrail records by the
 * published mapping, test/support/security-lake-ocsf.ts), as collect-query-moto.test.ts does for
 * athena:….
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AthenaClient, GetQueryExecutionCommand } from "@aws-sdk/client-athena";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit } from "../../src/audit/audit.js";
import { athenaUsageSql } from "../../src/collect/collect-query.js";
import { collect, parseCloudTrailSource, type CollectManifest } from "../../src/collect/index.js";
import type { AthenaSource } from "../../src/collect/options.js";
import { DUCKDB_SECURITY_LAKE_MACROS, DUCKDB_TRINO_MACROS, securityLakeToDuckDb, USAGE_ROW_COLUMNS } from "../../src/usage/index.js";
import { securityLakeTable, type Rec } from "../support/security-lake-ocsf.js";
import { startMoto, TEST_CREDENTIALS, type MotoServer } from "./support/moto.js";
import { ACCOUNT, seedAccount, trailRecord, type Seeded } from "./support/seed.js";

let moto: MotoServer;
let seeded: Seeded;
const tmp = mkdtempSync(join(tmpdir(), "leastrole-collect-seclake-"));

const DB = "amazon_security_lake_glue_db_us_east_1";
const MGMT = "amazon_security_lake_table_us_east_1_cloud_trail_mgmt_2_0";
const SOURCE = `security-lake:${DB}.${MGMT}?output=s3://athena-results/leastrole/`;
const WINDOW = { since: "2026-01-10", until: new Date("2026-01-20T00:00:00Z") };
const window = { start: new Date("2026-01-10T00:00:00Z"), end: WINDOW.until };

/** The orders function's calls: in the window, and one before it (the SQL's window must drop it). */
const RECORDS = [
  trailRecord("2026-01-05T08:00:00Z", "DeleteItem", "0"),
  trailRecord("2026-01-15T10:01:00Z", "GetItem", "1"),
  trailRecord("2026-01-15T10:02:00Z", "GetItem", "2"),
  trailRecord("2026-01-16T11:00:00Z", "PutItem", "3"),
] as Rec[];

async function securityLakeRows(): Promise<Array<Array<string | null>>> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  for (const m of [...DUCKDB_TRINO_MACROS, ...DUCKDB_SECURITY_LAKE_MACROS]) await c.run(m);
  await c.run(`CREATE SCHEMA "${DB}"`);
  await securityLakeTable(c, RECORDS, 2, tmp, `"${DB}"."${MGMT}"`);
  const reader = await c.runAndReadAll(securityLakeToDuckDb(athenaUsageSql(parseCloudTrailSource(SOURCE) as AthenaSource, window)));
  expect(reader.columnNames()).toEqual([...USAGE_ROW_COLUMNS]);
  return (reader.getRowObjectsJson() as Array<Record<string, unknown>>).map((r) => USAGE_ROW_COLUMNS.map((col) => (r[col] === null || r[col] === undefined ? null : String(r[col]))));
}

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

beforeAll(async () => {
  moto = startMoto();
  seeded = await seedAccount(moto.endpoint);
  const s3 = new S3Client({ endpoint: moto.endpoint, credentials: TEST_CREDENTIALS, region: "us-east-1", forcePathStyle: true });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: "athena-results" }));
  } finally {
    s3.destroy();
  }
}, 600_000);

afterAll(() => {
  moto?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe("collect --cloudtrail security-lake: against moto", () => {
  let out: string;
  let manifest: CollectManifest;
  let rows: Array<Array<string | null>>;

  beforeAll(async () => {
    rows = await securityLakeRows();
    await queueAthenaResult(rows);
    out = join(tmp, "out");
    manifest = (await collect({ endpoint: moto.endpoint, credentials: TEST_CREDENTIALS, throttleBaseMs: 1, regions: ["us-east-1"], queryPollMs: 5, out, cloudtrail: SOURCE, ...WINDOW })).manifest;
  }, 300_000);

  it("sends the Security Lake query, writes its rows, and collects no trail event selectors", async () => {
    const calls = new Map(manifest.calls.map((c) => [c.id, c]));
    const start = calls.get(`us-east-1/athena:StartQueryExecution/${DB}.${MGMT}`);
    expect(start?.status).toBe("ok");
    const id = start?.query?.id ?? "";
    expect(calls.get(`us-east-1/athena:GetQueryResults/${DB}.${MGMT}`)).toMatchObject({ status: "ok", count: rows.length, files: [`cloudtrail/athena/us-east-1/${id}-00001.csv`] });
    expect(manifest.partial).toBe(false);
    expect(manifest.options.cloudtrail).toBe(`security-lake:${DB}.${MGMT}?version=2&output=s3://athena-results/leastrole/`);
    expect(manifest.calls.filter((c) => /cloudtrail:(DescribeTrails|GetEventSelectors)/.test(c.id))).toEqual([]);
    const athena = new AthenaClient({ endpoint: moto.endpoint, credentials: TEST_CREDENTIALS, region: "us-east-1" });
    try {
      const sent = (await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution?.Query;
      expect(sent).toContain(`FROM "${DB}"."${MGMT}"`);
      expect(sent).toContain("time_dt >= from_iso8601_timestamp('2026-01-10T00:00:00Z') AND time_dt < from_iso8601_timestamp('2026-01-20T00:00:00Z')");
    } finally {
      athena.destroy();
    }
  });

  it("audit on the output gives the usage labels of the queried calls", async () => {
    const { document } = await audit([out], { asOf: "2026-01-20T00:00:00Z" });
    const orders = document.usage.principals.find((p) => p.functionName === "orders-processor");
    expect(orders?.actions.map((a) => [a.action, a.count])).toEqual([
      ["dynamodb:GetItem", 2],
      ["dynamodb:PutItem", 1],
    ]);
    const labels = new Map(document.usage.labels.find((l) => l.functionArn === seeded.functions.orders.replace(/:\d+$/, ""))?.permissions.map((p) => [p.action, p.label]));
    expect(labels.get("dynamodb:GetItem")).toBe("used");
    expect(labels.get("dynamodb:DeleteItem")).not.toBe("used");
    expect(document.usage.coverage.dataEvents).toBe("unknown");
  });
});
