/**
 * `--cloudtrail security-lake:…`: the source syntax, and the SQL collect sends run on DuckDB over a
 * Security Lake table (OCSF Parquet, test/support/security-lake-ocsf.ts) laid out under its
 * database, as Athena names it: the rows give the usage of the same records read as files.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, describe, expect, it } from "vitest";
import { athenaUsageSql } from "../../src/collect/collect-query.js";
import { parseCloudTrailSource } from "../../src/collect/index.js";
import { describeCloudTrail, type AthenaSource } from "../../src/collect/options.js";
import { DUCKDB_SECURITY_LAKE_MACROS, DUCKDB_TRINO_MACROS, readUsage, securityLakeToDuckDb, USAGE_ROW_COLUMNS } from "../../src/usage/index.js";
import { roleCallRecord } from "../support/cloudtrail-record.js";
import { securityLakeTable, type Rec } from "../support/security-lake-ocsf.js";

const tmp = mkdtempSync(join(tmpdir(), "leastrole-seclake-source-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const DB = "amazon_security_lake_glue_db_us_east_1";
const MGMT = "amazon_security_lake_table_us_east_1_cloud_trail_mgmt_2_0";
const S3 = "amazon_security_lake_table_us_east_1_s3_data_2_0";

describe("--cloudtrail security-lake:…", () => {
  it("parses the management table, the data-event tables and the Athena parameters, and writes them back as given", () => {
    const value = `security-lake:${DB}.${MGMT}?s3=${S3}&workgroup=audit&output=s3://acme-athena/leastrole&region=eu-west-1`;
    const source = parseCloudTrailSource(value) as AthenaSource;
    expect(source).toEqual({
      kind: "athena", catalog: null, database: DB, table: MGMT, workgroup: "audit", output: "s3://acme-athena/leastrole/", region: "eu-west-1", dayPartitions: false,
      securityLake: { version: 2, s3Table: S3, lambdaTable: null },
    });
    expect(describeCloudTrail(source)).toBe(`security-lake:${DB}.${MGMT}?s3=${S3}&version=2&workgroup=audit&output=s3://acme-athena/leastrole/&region=eu-west-1`);
    expect(parseCloudTrailSource(describeCloudTrail(source) as string)).toEqual(source);
    expect((parseCloudTrailSource(`security-lake:AwsDataCatalog.${DB}.amazon_security_lake_table_us_east_1_cloud_trail_mgmt_1_0`) as AthenaSource).securityLake).toEqual({ version: 1, s3Table: null, lambdaTable: null });
    expect((parseCloudTrailSource(`security-lake:${DB}.my_view?version=1`) as AthenaSource).securityLake?.version).toBe(1);
  });

  it("refuses a source it cannot query, naming what is wrong", () => {
    expect(() => parseCloudTrailSource(`security-lake:${MGMT}`)).toThrow(/expected security-lake:<database>.<table>/);
    expect(() => parseCloudTrailSource(`security-lake:${DB}.my_view`)).toThrow(/version must be 1 or 2 .*does not end in _1_0 or _2_0/);
    expect(() => parseCloudTrailSource(`security-lake:${DB}.${MGMT}?version=1`)).toThrow(/version 1 differs from the table's name/);
    expect(() => parseCloudTrailSource(`security-lake:${DB}.${MGMT}?s3=x;drop`)).toThrow(/"x;drop" is not a catalog, database or table name/);
    expect(() => parseCloudTrailSource(`security-lake:${DB}.${MGMT}?partitions=none`)).toThrow(/unknown parameter "partitions"/);
    expect(() => parseCloudTrailSource("securitylake:db.t")).toThrow(/or "security-lake:<database>.<table>"/);
  });

  it("sends the Security Lake query with the window bound and the tables named in their database, whose rows give the usage the records give as files", async () => {
    const ROLE = "arn:aws:iam::111122223333:role/orders-role";
    const call = (seq: number, time: string, source: string, name: string, extra: Rec): Rec =>
      roleCallRecord({ account: "111122223333", roleArn: ROLE, session: "orders-fn", time, source, name, seq, region: "us-east-1", extra }) as Rec;
    const inWindow = [
      call(1, "2026-01-15T10:01:00Z", "secretsmanager", "GetSecretValue", { requestParameters: { secretId: "arn:aws:secretsmanager:us-east-1:111122223333:secret:orders-db-AbCdEf" } }),
      call(2, "2026-01-19T23:50:00Z", "sqs", "SendMessage", { requestParameters: { queueUrl: "https://sqs.us-east-1.amazonaws.com/111122223333/orders" } }),
    ];
    const before = call(3, "2026-01-05T08:00:00Z", "sqs", "DeleteQueue", { requestParameters: { queueUrl: "https://sqs.us-east-1.amazonaws.com/111122223333/orders" } });
    const getObject = call(4, "2026-01-16T11:00:00Z", "s3", "GetObject", {
      eventCategory: "Data", managementEvent: false, readOnly: true, requestParameters: { bucketName: "orders", key: "a.json" },
      resources: [{ type: "AWS::S3::Object", ARN: "arn:aws:s3:::orders/a.json" }, { accountId: "111122223333", type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::orders" }],
    });
    const source = parseCloudTrailSource(`security-lake:${DB}.${MGMT}?s3=${S3}`) as AthenaSource;
    const sql = athenaUsageSql(source, { start: new Date("2026-01-10T00:00:00Z"), end: new Date("2026-01-20T00:00:00Z") });
    expect(sql).toContain(`FROM "${DB}"."${MGMT}"`);
    expect(sql).toContain(`FROM "${DB}"."${S3}"`);
    expect(sql).toContain("time_dt >= from_iso8601_timestamp('2026-01-10T00:00:00Z') AND time_dt < from_iso8601_timestamp('2026-01-20T00:00:00Z')");
    expect(sql).not.toContain("-- source: lambda");
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    for (const m of [...DUCKDB_TRINO_MACROS, ...DUCKDB_SECURITY_LAKE_MACROS]) await c.run(m);
    await c.run(`CREATE SCHEMA "${DB}"`);
    await securityLakeTable(c, [...inWindow, before], 2, tmp, `"${DB}"."${MGMT}"`);
    await securityLakeTable(c, [getObject], 2, tmp, `"${DB}"."${S3}"`);
    const reader = await c.runAndReadAll(securityLakeToDuckDb(sql));
    expect(reader.columnNames()).toEqual([...USAGE_ROW_COLUMNS]);
    const rows = join(tmp, "rows.json");
    writeFileSync(rows, JSON.stringify(reader.getRowObjectsJson()));
    const logs = join(tmp, "111122223333_CloudTrail_us-east-1_20260120T0000Z_window.json");
    writeFileSync(logs, JSON.stringify({ Records: [...inWindow, getObject] }));
    const fromLake = await readUsage([rows], { workers: 1 });
    expect(fromLake.sessions).toEqual((await readUsage([logs], { workers: 1 })).sessions);
    expect(fromLake.sessions[0]?.actions.map((a) => a.action)).toEqual(["s3:GetObject", "secretsmanager:GetSecretValue", "sqs:SendMessage"]);
    expect(fromLake.coverage.dataEventRecords).toBe(1);
  });
});
