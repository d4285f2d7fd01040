/**
 * The pure parts of `--cloudtrail athena:…` and `lake:…`: the source syntax, the SQL binding, and
 * the conversion of result rows into the files the usage reader ingests. CloudTrail Lake has no
 * emulator here (moto 5.2.5 implements no StartQuery/DescribeQuery/GetQueryResults), so for Lake
 * these tests are all there is: its AWS round trip is untested (docs/collect.md says so).
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { routeInputs } from "../../src/audit/route-inputs.js";
import {
  athenaResultPage,
  athenaUsageSql,
  checkUsageColumns,
  cloudTrailTime,
  csvLine,
  lakeTime,
  lakeUsageSql,
} from "../../src/collect/collect-query.js";
import { CollectError, parseCloudTrailSource } from "../../src/collect/index.js";
import { describeCloudTrail, resolveOptions } from "../../src/collect/options.js";
import { parseCsv } from "../../src/usage/query-rows.js";
import { ATHENA_USAGE_QUERY, LAKE_USAGE_QUERY, readUsage, renderUsageQuery, USAGE_ROW_COLUMNS } from "../../src/usage/index.js";

const tmp = mkdtempSync(join(tmpdir(), "leastrole-query-units-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const window = { start: new Date("2026-01-10T06:30:00Z"), end: new Date("2026-01-20T00:00:00.250Z") };

describe("--cloudtrail athena:… and lake:…", () => {
  it("parses the Athena source with its optional parameters", () => {
    expect(parseCloudTrailSource("athena:cloudtrail.logs")).toEqual({
      kind: "athena",
      catalog: null,
      database: "cloudtrail",
      table: "logs",
      workgroup: null,
      output: null,
      region: null,
      dayPartitions: true,
    });
    expect(parseCloudTrailSource("athena:AwsDataCatalog.security.org_trail?workgroup=audit&output=s3://acme-athena/leastrole&region=eu-west-1&partitions=none")).toEqual({
      kind: "athena",
      catalog: "AwsDataCatalog",
      database: "security",
      table: "org_trail",
      workgroup: "audit",
      output: "s3://acme-athena/leastrole/",
      region: "eu-west-1",
      dayPartitions: false,
    });
  });

  it("refuses malformed Athena sources with a message naming the problem", () => {
    expect(() => parseCloudTrailSource("athena:logs")).toThrow(/expected athena:<database>.<table>/);
    expect(() => parseCloudTrailSource('athena:db.lo"gs')).toThrow(/is not a catalog, database or table name/);
    expect(() => parseCloudTrailSource("athena:db.logs; DROP TABLE x")).toThrow(CollectError);
    expect(() => parseCloudTrailSource("athena:db.logs?wg=x")).toThrow(/unknown parameter "wg"/);
    expect(() => parseCloudTrailSource("athena:db.logs?output=https://x")).toThrow(/is not an s3:\/\/bucket\/prefix URL/);
    expect(() => parseCloudTrailSource("athena:db.logs?region=mars")).toThrow(/not a region name/);
    expect(() => parseCloudTrailSource("athena:db.logs?workgroup=a&workgroup=b")).toThrow(/given twice/);
    expect(() => parseCloudTrailSource("athena:db.logs?partitions=month")).toThrow(/partitions must be/);
    expect(() => parseCloudTrailSource("athena:db.logs?workgroup=")).toThrow(/has no value/);
  });

  it("parses Lake sources by id or ARN (the ARN gives the region)", () => {
    expect(parseCloudTrailSource("lake:EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE")).toEqual({ kind: "lake", eventDataStore: "EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE", region: null });
    expect(parseCloudTrailSource("lake:arn:aws:cloudtrail:us-east-2:123456789012:eventdatastore/EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE")).toEqual({
      kind: "lake",
      eventDataStore: "EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE",
      region: "us-east-2",
    });
    expect(() => parseCloudTrailSource("lake:arn:aws:cloudtrail:us-east-2:123456789012:eventdatastore/EXAMPLE-1?region=eu-west-1")).toThrow(/differs from the ARN's us-east-2/);
    expect(() => parseCloudTrailSource("lake:")).toThrow(/expected lake:<event data store id or ARN>/);
    expect(() => parseCloudTrailSource("lake:abc def")).toThrow(CollectError);
  });

  it("describes a source as the text that parses back to it (the manifest records it; --resume compares it)", () => {
    const name = fc.stringMatching(/^[a-z0-9_][a-z0-9_-]{0,20}$/);
    const athena = fc.record({
      catalog: fc.option(name, { nil: null }),
      database: name,
      table: name,
      workgroup: fc.option(fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/), { nil: null }),
      output: fc.option(fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,18}[a-z0-9]$/).map((b) => `s3://${b}/results/`), { nil: null }),
      region: fc.option(fc.constantFrom("us-east-1", "eu-west-1", "ap-southeast-2"), { nil: null }),
      dayPartitions: fc.boolean(),
    });
    fc.assert(
      fc.property(athena, (a) => {
        const source = { kind: "athena" as const, ...a };
        expect(parseCloudTrailSource(describeCloudTrail(source) as string)).toEqual(source);
      }),
    );
    const lake = { kind: "lake" as const, eventDataStore: "EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE", region: "eu-west-1" };
    expect(parseCloudTrailSource(describeCloudTrail(lake) as string)).toEqual(lake);
  });

  it("sets the window and query defaults", () => {
    const o = resolveOptions({ out: "x", cloudtrail: "athena:db.logs", days: 7, until: window.end });
    expect(o.window?.start.toISOString()).toBe("2026-01-13T00:00:00.250Z");
    expect(o.queryPollMs).toBe(1000);
    expect(o.queryTimeoutMs).toBe(1_800_000);
  });
});

describe("binding the shipped SQL", () => {
  it("formats times as CloudTrail writes eventTime (Athena) and as Lake's timestamp literal", () => {
    expect(cloudTrailTime(window.end)).toBe("2026-01-20T00:00:00Z");
    expect(lakeTime(window.start)).toBe("2026-01-10 06:30:00");
  });

  it("Athena: the shipped query on the quoted table, the window, and the day partitions from the start's day to the day after the end", () => {
    const source = { catalog: null, database: "cloudtrail", table: "logs", dayPartitions: true };
    const sql = athenaUsageSql(source, window);
    expect(sql).toContain(`FROM "cloudtrail"."logs" t`);
    expect(sql).toContain("WHERE day >= '2026/01/10' AND day <= '2026/01/21' AND eventtime >= '2026-01-10T06:30:00Z' AND eventtime < '2026-01-20T00:00:00Z'");
    expect(sql).not.toContain("{{");
    // Nothing else differs from the shipped text.
    const plain = renderUsageQuery(ATHENA_USAGE_QUERY, { table: `"cloudtrail"."logs"`, start: "2026-01-10T06:30:00Z", end: "2026-01-20T00:00:00Z" });
    expect(sql.replace("day >= '2026/01/10' AND day <= '2026/01/21' AND ", "")).toBe(plain);
    expect(athenaUsageSql({ ...source, dayPartitions: false }, window)).toBe(plain);
    expect(athenaUsageSql({ ...source, catalog: "AwsDataCatalog" }, window)).toContain(`FROM "AwsDataCatalog"."cloudtrail"."logs" t`);
  });

  it("Athena: the partition range always covers every day an in-window event can be delivered on", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true }), fc.integer({ min: 1, max: 400 * 86_400 }), (start, seconds) => {
        const end = new Date(start.getTime() + seconds * 1000);
        const m = /day >= '(\d{4})\/(\d\d)\/(\d\d)' AND day <= '(\d{4})\/(\d\d)\/(\d\d)'/.exec(athenaUsageSql({ catalog: null, database: "d", table: "t", dayPartitions: true }, { start, end }));
        expect(m).not.toBeNull();
        const first = Date.UTC(Number(m![1]), Number(m![2]) - 1, Number(m![3]));
        const last = Date.UTC(Number(m![4]), Number(m![5]) - 1, Number(m![6]));
        expect(first).toBeLessThanOrEqual(start.getTime());
        expect(start.getTime() - first).toBeLessThan(86_400_000);
        // An event just before the end, delivered up to a day later, lands in a day <= last.
        expect(last + 86_400_000).toBeGreaterThan(end.getTime() + 15 * 60_000);
      }),
    );
  });

  it("Lake: the shipped Lake query FROM the event data store id, with timestamp literals", () => {
    const sql = lakeUsageSql("EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE", window);
    expect(sql).toBe(renderUsageQuery(LAKE_USAGE_QUERY, { table: "EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE", start: "2026-01-10 06:30:00", end: "2026-01-20 00:00:00" }));
    expect(sql).toContain("FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE\nWHERE eventTime >= timestamp '2026-01-10 06:30:00' AND eventTime < timestamp '2026-01-20 00:00:00'");
  });
});

const ROLE = "arn:aws:iam::123456789012:role/service-role/orders-fn-role";
/** Rows of the shipped query (its columns), as strings: a usage row and a coverage row. */
const ROWS: Array<Record<string, string | null>> = [
  {
    ...Object.fromEntries(USAGE_ROW_COLUMNS.map((c) => [c, null])),
    row_kind: "usage",
    account_id: "123456789012",
    role_arn: ROLE,
    session_name: "orders-processor",
    aws_region: "us-east-1",
    event_source: "dynamodb.amazonaws.com",
    event_name: "GetItem",
    version_id_present: "0",
    rp_tablename: "orders",
    calls: "2",
    data_events: "0",
    first_seen: "2026-01-15T10:01:00Z",
    last_seen: "2026-01-15T10:02:00Z",
  },
  {
    ...Object.fromEntries(USAGE_ROW_COLUMNS.map((c) => [c, null])),
    row_kind: "coverage",
    account_id: "123456789012",
    aws_region: "us-east-1",
    event_day: "2026-01-15",
    calls: "2",
    data_events: "0",
    first_seen: "2026-01-15T10:01:00Z",
    last_seen: "2026-01-15T10:02:00Z",
  },
];

describe("result rows → files the usage reader ingests", () => {
  it("CSV lines as Athena writes them parse back to the values (NULL ↔ empty field)", () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.string(), { nil: null }), { minLength: 1, maxLength: 8 }), (values) => {
        const header = values.map((_, i) => `c${i}`);
        const { header: h, rows } = parseCsv(`${csvLine(header)}\n${csvLine(values)}\n`);
        expect(h).toEqual(header);
        expect(rows).toEqual([values.map((v) => v ?? "")]);
      }),
    );
    expect(csvLine(["a", null, 'say "hi"', ""])).toBe('"a",,"say ""hi""",""');
  });

  it("skips the header row of the first GetQueryResults page only, and refuses a result without the usage columns", () => {
    const datum = (v: string | null) => (v === null ? {} : { VarCharValue: v });
    const toRow = (r: Record<string, string | null>) => ({ Data: USAGE_ROW_COLUMNS.map((c) => datum(r[c] ?? null)) });
    const headerRow = { Data: USAGE_ROW_COLUMNS.map((c) => datum(c)) };
    const meta = { ColumnInfo: USAGE_ROW_COLUMNS.map((c) => ({ Name: c })) };
    const first = athenaResultPage({ ResultSet: { Rows: [headerRow, toRow(ROWS[0]!)], ResultSetMetadata: meta } }, null);
    expect(first.header).toEqual([...USAGE_ROW_COLUMNS]);
    expect(first.lines).toHaveLength(1);
    // A later page whose first row happens to look like anything is all data.
    const second = athenaResultPage({ ResultSet: { Rows: [toRow(ROWS[1]!)], ResultSetMetadata: meta } }, first.header);
    expect(second.lines).toEqual([csvLine(USAGE_ROW_COLUMNS.map((c) => ROWS[1]![c] ?? null))]);
    // Without ResultSetMetadata, the first row names the columns.
    expect(athenaResultPage({ ResultSet: { Rows: [headerRow, toRow(ROWS[0]!)] } }, null).lines).toHaveLength(1);
    expect(athenaResultPage({ ResultSet: { Rows: [] } }, null)).toEqual({ header: [...USAGE_ROW_COLUMNS], lines: [] });
    expect(() => athenaResultPage({ ResultSet: { Rows: [{ Data: [datum("eventname"), datum("n")] }] } }, null)).toThrow(/missing: row_kind/);
    expect(() => checkUsageColumns(USAGE_ROW_COLUMNS.map((c) => c.toUpperCase()))).not.toThrow();
  });

  it("both files are routed to the usage stage and read to the same usage", async () => {
    // Athena: CSV as collect writes it.
    const csv = join(tmp, "athena.csv");
    writeFileSync(csv, `${[csvLine(USAGE_ROW_COLUMNS), ...ROWS.map((r) => csvLine(USAGE_ROW_COLUMNS.map((c) => r[c] ?? null)))].join("\n")}\n`);
    // Lake: GetQueryResults pages keep each row as a list of one-column maps (nulls left out).
    const lake = join(tmp, "lake.json");
    const lakeRows = ROWS.map((r) => USAGE_ROW_COLUMNS.filter((c) => r[c] !== null).map((c) => ({ [c]: r[c] })));
    writeFileSync(lake, `${JSON.stringify({ QueryResultRows: lakeRows }, null, 2)}\n`);
    const routed = await routeInputs([csv, lake]);
    expect(routed.usage).toEqual([csv, lake].sort());
    const a = await readUsage([csv], { workers: 1 });
    const b = await readUsage([lake], { workers: 1 });
    expect(a.warnings).toEqual([]);
    expect(b.warnings).toEqual([]);
    expect(a.sessions).toEqual(b.sessions);
    expect(a.sessions).toHaveLength(1);
    expect(JSON.stringify(a.sessions)).toContain("dynamodb:GetItem");
    expect(a.coverage.days).toEqual(b.coverage.days);
  });
});
