/**
 * The shipped Athena usage query (src/usage/sql.ts) run with DuckDB over CloudTrail files, and its
 * rows written as `readUsage` reads a query's output: JSON (what DuckDB or a script writes) and
 * Athena's CSV download.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { ATHENA_USAGE_QUERY, DUCKDB_TRINO_MACROS, USAGE_ROW_COLUMNS, athenaToDuckDb, duckDbCloudTrailView, renderUsageQuery } from "../../src/usage/index.js";

export type UsageRow = { [column: string]: string | null };

/** The query's rows over `glob` (files of `{"Records": […]}`). */
export async function athenaRows(glob: string): Promise<UsageRow[]> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  for (const m of DUCKDB_TRINO_MACROS) await c.run(m);
  await c.run(duckDbCloudTrailView(glob, "records"));
  const sql = athenaToDuckDb(renderUsageQuery(ATHENA_USAGE_QUERY, { table: "cloudtrail_logs", start: "2000-01-01T00:00:00Z", end: "2100-01-01T00:00:00Z" }));
  const reader = await c.runAndReadAll(sql);
  if (reader.columnNames().join() !== USAGE_ROW_COLUMNS.join()) throw new Error(`the query's columns are not USAGE_ROW_COLUMNS: ${reader.columnNames().join(", ")}`);
  return reader.getRowObjectsJson() as UsageRow[];
}

/** The rows as `rows.json` and as Athena's CSV download `rows.csv` in `dir`: their two paths. */
export function writeRows(dir: string, rows: UsageRow[]): { json: string; csv: string } {
  const json = join(dir, "rows.json");
  writeFileSync(json, JSON.stringify(rows));
  const csv = join(dir, "rows.csv");
  const cell = (v: string | null): string => (v === null ? "" : /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  writeFileSync(csv, [USAGE_ROW_COLUMNS.map((c) => `"${c}"`).join(","), ...rows.map((r) => USAGE_ROW_COLUMNS.map((c) => cell(r[c] ?? null)).join(","))].join("\n"));
  return { json, csv };
}
