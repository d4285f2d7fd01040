/**
 * The shipped aggregation SQL, run with DuckDB over the corpus logs: ingesting its rows gives the
 * same usage as reading the raw files.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import {
  ATHENA_USAGE_QUERY,
  DUCKDB_TRINO_MACROS,
  USAGE_ROW_COLUMNS,
  athenaToDuckDb,
  duckDbCloudTrailView,
  readUsage,
  renderUsageQuery,
} from "../../src/usage/index.js";
import { INVICTUS, STRATUS } from "./helpers.js";

async function runQuery(): Promise<{ [k: string]: string | null }[]> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  for (const m of DUCKDB_TRINO_MACROS) await c.run(m);
  await c.run(duckDbCloudTrailView(`${INVICTUS}/*.json`, "records", "ct_invictus"));
  await c.run(duckDbCloudTrailView(`${STRATUS}/*.json`, "array", "ct_stratus"));
  await c.run("CREATE VIEW cloudtrail_logs AS SELECT * FROM ct_invictus UNION ALL SELECT * FROM ct_stratus");
  const sql = athenaToDuckDb(renderUsageQuery(ATHENA_USAGE_QUERY, { table: "cloudtrail_logs", start: "2000-01-01T00:00:00Z", end: "2100-01-01T00:00:00Z" }));
  const reader = await c.runAndReadAll(sql);
  expect(reader.columnNames()).toEqual([...USAGE_ROW_COLUMNS]);
  return reader.getRowObjectsJson() as { [k: string]: string | null }[];
}

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

  it("renders parameters and refuses values that would break out of the SQL literal", () => {
    const q = renderUsageQuery(ATHENA_USAGE_QUERY, { table: "db.cloudtrail_logs", start: "2026-10-01T00:00:00Z", end: "2026-10-31T00:00:00Z" });
    expect(q).toContain("eventtime >= '2026-10-01T00:00:00Z' AND eventtime < '2026-10-31T00:00:00Z'");
    expect(q).not.toContain("{{");
    expect(() => renderUsageQuery(ATHENA_USAGE_QUERY, { table: "x", start: "2026' OR 1=1 --", end: "2026" })).toThrow(/not ISO 8601/);
    expect(() => renderUsageQuery(ATHENA_USAGE_QUERY, { table: "x; drop", start: "2026", end: "2026" })).toThrow(/not allowed/);
  });

});
