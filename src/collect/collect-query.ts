/**
 * CloudTrail usage through a query service: the shipped aggregation query (src/usage/sql.ts, what
 * `leastrole sql athena-usage` / `lake-usage` print) run in Athena over the CloudTrail table, or
 * in CloudTrail Lake on an event data store. Start → poll with backoff → read every result page →
 * write the rows in the formats the usage reader ingests (query-rows.ts):
 *
 * - Athena: CSV as Athena itself writes result files (header line, every value double-quoted,
 *   NULL as an empty unquoted field), `cloudtrail/athena/<region>/<query id>-00001.csv`.
 * - Lake: `{"QueryResultRows": […]}` pages as `aws cloudtrail get-query-results` prints them,
 *   `cloudtrail/lake/<region>/<query id>-00001.json`.
 *
 * The query is the one write-like thing collect does (docs/collect.md): it is started only with
 * these sources, and stopped (StopQueryExecution / CancelQuery, on collect's own query id only)
 * when the run is interrupted or the query outlives `queryTimeoutMs`, so an abandoned query does
 * not go on scanning and billing. A query that fails, is cancelled or times out is a failed
 * manifest entry that records the query's id and state: the collection, and the audit of it, are
 * partial.
 */

import { rmSync } from "node:fs";
import type { Row } from "@aws-sdk/client-athena";
import { ATHENA_USAGE_QUERY, LAKE_USAGE_QUERY, renderUsageQuery, USAGE_ROW_COLUMNS } from "../usage/sql.js";
import { renderSecurityLakeQuery, SECURITY_LAKE_USAGE_QUERY, SECURITY_LAKE_V1_USAGE_QUERY } from "../usage/security-lake.js";
import { PageTokens } from "./all-pages.js";
import { attemptsOf, callAws, type CallContext, type CallHow } from "./aws-call.js";
import { CollectError } from "./errors.js";
import type { QueryRecord } from "./manifest.js";
import type { AthenaSource, LakeSource } from "./options.js";
import { awsErrorCode, awsErrorMessage } from "./retry.js";
import { QueryError, type Run, type UnitSpec } from "./run.js";
import { relPath } from "./writer.js";

/** Rows per result file: bounded memory, files an editor can open. */
export const QUERY_ROWS_PER_FILE = 50_000;
const DAY_MS = 86_400_000;
/** The poll interval doubles up to this. */
const MAX_POLL_MS = 10_000;

export interface QueryRunOptions {
  pollMs: number;
  timeoutMs: number;
  signal: AbortSignal | undefined;
}

type Window = { start: Date; end: Date };

/** `2026-01-10T00:00:00Z`: CloudTrail's eventTime format, so that string comparison in the SQL is time order. */
export function cloudTrailTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** `2026-01-10 00:00:00`: the literal Lake's `timestamp '…'` accepts. */
export function lakeTime(d: Date): string {
  return d.toISOString().replace("T", " ").replace(/\.\d{3}Z$/, "");
}

/** `"catalog"."database"."table"` (Trino quoted identifiers; the names were validated by parseCloudTrailSource). */
export function athenaTableName(source: Pick<AthenaSource, "catalog" | "database" | "table">): string {
  return [source.catalog, source.database, source.table]
    .filter((x): x is string => x !== null)
    .map((n) => `"${n}"`)
    .join(".");
}

const ATHENA_WINDOW_ANCHOR = "WHERE eventtime >= '{{start}}' AND eventtime < '{{end}}'";

/** `yyyy/MM/dd` of a UTC day: the shipped table's `day` partition (projection format). */
function partitionDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replaceAll("-", "/");
}

/**
 * The Athena usage query for `window`. With `dayPartitions` the window's days are added as
 * predicates on the shipped table's `day` partition, so Athena reads only those days' files
 * instead of every projected day since 2020 (cost is bytes scanned). The last day is end + 1:
 * CloudTrail files land in the folder of their delivery day, up to ~15 minutes after the event.
 * The SQL is src/usage/sql.ts's, unchanged apart from that predicate.
 */
export function athenaUsageSql(source: Pick<AthenaSource, "catalog" | "database" | "table" | "dayPartitions" | "securityLake">, window: Window): string {
  const sl = source.securityLake;
  if (sl !== undefined) {
    // Security Lake's tables: its own query, whose window also bounds the time_dt (version 1: eventday) partitions.
    const inDatabase = (table: string): string => athenaTableName({ ...source, table });
    return renderSecurityLakeQuery(sl.version === 2 ? SECURITY_LAKE_USAGE_QUERY : SECURITY_LAKE_V1_USAGE_QUERY, {
      table: athenaTableName(source),
      ...(sl.s3Table !== null ? { s3Table: inDatabase(sl.s3Table) } : {}),
      ...(sl.lambdaTable !== null ? { lambdaTable: inDatabase(sl.lambdaTable) } : {}),
      start: cloudTrailTime(window.start),
      end: cloudTrailTime(window.end),
    });
  }
  let sql = ATHENA_USAGE_QUERY;
  if (source.dayPartitions) {
    const parts = sql.split(ATHENA_WINDOW_ANCHOR);
    // The anchor is the one window predicate of the shipped query; if sql.ts changes it, fail loudly here (and in the unit test).
    if (parts.length !== 2) throw new Error(`the shipped Athena usage query no longer has exactly one "${ATHENA_WINDOW_ANCHOR}"`);
    const first = partitionDay(Date.UTC(window.start.getUTCFullYear(), window.start.getUTCMonth(), window.start.getUTCDate()));
    const last = partitionDay(window.end.getTime() + DAY_MS);
    sql = parts.join(`WHERE day >= '${first}' AND day <= '${last}' AND eventtime >= '{{start}}' AND eventtime < '{{end}}'`);
  }
  return renderUsageQuery(sql, { table: athenaTableName(source), start: cloudTrailTime(window.start), end: cloudTrailTime(window.end) });
}

/** The Lake usage query for `window` on the event data store (its id is what FROM takes). */
export function lakeUsageSql(eventDataStore: string, window: Window): string {
  return renderUsageQuery(LAKE_USAGE_QUERY, { table: eventDataStore, start: lakeTime(window.start), end: lakeTime(window.end) });
}

/** One CSV field as Athena writes it: NULL → empty and unquoted, anything else quoted with `"` doubled. */
function csvField(value: string | null | undefined): string {
  return value === null || value === undefined ? "" : `"${value.replaceAll('"', '""')}"`;
}

export function csvLine(values: ReadonlyArray<string | null | undefined>): string {
  return values.map(csvField).join(",");
}

/** A GetQueryResults row's values; a Datum without VarCharValue is SQL NULL. */
export function athenaRowValues(row: Row): Array<string | null> {
  return (row.Data ?? []).map((d) => (d.VarCharValue === undefined ? null : d.VarCharValue));
}

/**
 * One GetQueryResults page → CSV lines. `header` is null for the first page: its column names come
 * from ResultSetMetadata (or, without it, the first row), and the first row is skipped when it is
 * the header, as Athena returns it for a SELECT. Later pages are all data.
 */
export function athenaResultPage(
  output: { ResultSet?: { Rows?: Row[]; ResultSetMetadata?: { ColumnInfo?: Array<{ Name?: string }> } } },
  header: string[] | null,
): { header: string[]; lines: string[] } {
  const page = output.ResultSet?.Rows ?? [];
  if (header !== null) return { header, lines: page.map((row) => csvLine(athenaRowValues(row))) };
  const columns = (output.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name ?? "");
  const firstRow = page[0] ? athenaRowValues(page[0]) : [];
  let names = columns.length > 0 ? columns : firstRow.map((v) => v ?? "");
  if (names.length === 0 && page.length === 0) names = [...USAGE_ROW_COLUMNS]; // no rows at all: an empty result
  checkUsageColumns(names);
  const isHeader = page[0] !== undefined && firstRow.length === names.length && firstRow.every((v, i) => v !== null && v.toLowerCase() === names[i]?.toLowerCase());
  return { header: names, lines: page.slice(isHeader ? 1 : 0).map((row) => csvLine(athenaRowValues(row))) };
}

/** Checks a result's column names are the usage query's (it is what the usage reader expects). */
export function checkUsageColumns(columns: readonly string[]): void {
  const lower = columns.map((c) => c.toLowerCase());
  const missing = USAGE_ROW_COLUMNS.filter((c) => !lower.includes(c));
  if (missing.length > 0) throw new Error(`the query's result does not have the usage query's columns (missing: ${missing.join(", ")})`);
}

/** Sleep `ms`, or less when the signal aborts. */
function pause(ctx: CallContext, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return ctx.sleep(ms);
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    signal.addEventListener("abort", done);
    void ctx.sleep(ms).then(done);
  });
}

interface PollOutcome {
  state: string;
  reason: string | null;
  bytesScanned: number | null;
  attempts: number;
  /** Why collect stopped waiting (interrupted, timed out), when it did. */
  stoppedBy: "interrupted" | "timeout" | null;
}

/**
 * Poll until a terminal state, the timeout, or an abort. Backoff: pollMs, doubling to 10 s
 * (a query of 90 days of an organisation's trail runs minutes; polling every second is waste).
 */
async function poll(
  ctx: CallContext,
  options: QueryRunOptions,
  describe: () => Promise<{ state: string; reason: string | null; bytesScanned: number | null; attempts: number }>,
  terminal: ReadonlySet<string>,
): Promise<PollOutcome> {
  const deadline = Date.now() + options.timeoutMs;
  let delay = options.pollMs;
  let attempts = 0;
  for (;;) {
    const d = await describe();
    attempts += d.attempts;
    if (terminal.has(d.state)) return { ...d, attempts, stoppedBy: null };
    if (options.signal?.aborted) return { ...d, attempts, stoppedBy: "interrupted" };
    if (Date.now() >= deadline) return { ...d, attempts, stoppedBy: "timeout" };
    await pause(ctx, Math.min(delay, Math.max(0, deadline - Date.now())), options.signal);
    delay = Math.min(delay * 2, MAX_POLL_MS);
  }
}

/**
 * Stop collect's own query; a failure to stop (no permission, the query ended meanwhile) is
 * reported with the query, not instead of it.
 */
/**
 * After polling one of our queries: when the wait ended early (timeout, interruption) stop the
 * query (StopQueryExecution / CancelQuery: it would otherwise keep scanning, and billing) and fail
 * the unit saying whether the stop worked; when it ended in any state but `success`, fail with that
 * state; else the unit's result. The QueryError carries the record for the manifest.
 */
async function settleQuery(
  outcome: PollOutcome,
  id: string,
  timeoutMs: number | undefined,
  success: string,
  stopName: string,
  stop: () => Promise<{ attempts: number }>,
  run: Run,
): Promise<{ count: null; attempts: number; query: QueryRecord }> {
  let record: QueryRecord = { id, state: outcome.state, stateReason: outcome.reason, bytesScanned: outcome.bytesScanned, rows: null };
  let attempts = outcome.attempts;
  if (outcome.stoppedBy !== null) {
    run.phase(`${outcome.stoppedBy === "timeout" ? "query timed out" : "interrupted"}: stopping the running query ${id} (${stopName})`);
    const stopped = await stopQuery(stop);
    attempts += stopped.attempts;
    const why = outcome.stoppedBy === "timeout" ? `still ${outcome.state} after ${timeoutMs} ms` : "the run was interrupted";
    record = { ...record, state: stopped.error === null ? "CANCELLED" : outcome.state, stateReason: `stopped by leastrole: ${why}${stopped.error === null ? "" : `; ${stopName} failed: ${stopped.error}`}` };
    throw new QueryError(outcome.stoppedBy === "timeout" ? "QueryTimedOut" : "QueryInterrupted", `query ${id} ${why}; ${stopped.error === null ? `${stopName} was called` : `${stopName} failed (${stopped.error}): the query may still be running`}`, record, attempts);
  }
  if (outcome.state !== success) {
    throw new QueryError(outcome.state === "CANCELLED" ? "QueryCancelled" : "QueryFailed", `query ${id} ${outcome.state}${outcome.reason ? `: ${outcome.reason}` : ""}`, record, attempts);
  }
  return { count: null, attempts, query: record };
}

async function stopQuery(send: () => Promise<{ attempts: number }>): Promise<{ attempts: number; error: string | null }> {
  try {
    return { attempts: (await send()).attempts, error: null };
  } catch (e) {
    return { attempts: attemptsOf(e), error: `${awsErrorCode(e)}: ${awsErrorMessage(e)}` };
  }
}

/** Ends a run whose query was stopped because the user interrupted it. */
function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CollectError("interrupted: the query was cancelled and the collection stopped; run again with --resume to continue");
}

/**
 * Starting, polling and stopping our own query are not ended by Ctrl-C: the query's id and state
 * are what lets collect stop it (it would go on scanning, and billing). The timeouts bound them.
 */
const UNINTERRUPTIBLE: CallHow = { uninterruptible: true };

const ATHENA_TERMINAL = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);
const LAKE_TERMINAL = new Set(["FINISHED", "FAILED", "CANCELLED", "TIMED_OUT"]);

export async function collectAthena(run: Run, homeRegion: string, source: AthenaSource, window: Window, options: QueryRunOptions): Promise<void> {
  const region = source.region ?? homeRegion;
  const target = [source.catalog, source.database, source.table].filter((x) => x !== null).join(".");
  const spec = (operation: string): UnitSpec => ({ service: "athena", operation, region, target });
  // Resumed as a whole: results already written need no new query (a new one would be billed again).
  if (run.carryOver(spec("GetQueryResults"))) {
    run.carryOver(spec("StartQueryExecution"));
    run.carryOver(spec("GetQueryExecution"));
    return;
  }
  const sql = athenaUsageSql(source, window);
  const started = await run.unit<string>(spec("StartQueryExecution"), { fresh: true }, async () => {
    const { output, attempts } = await callAws(
      run.ctx,
      "athena:StartQueryExecution",
      region,
      {
        QueryString: sql,
        QueryExecutionContext: { Database: source.database, ...(source.catalog !== null ? { Catalog: source.catalog } : {}) },
        ...(source.workgroup !== null ? { WorkGroup: source.workgroup } : {}),
        ...(source.output !== null ? { ResultConfiguration: { OutputLocation: source.output } } : {}),
      },
      UNINTERRUPTIBLE,
    );
    const id = output.QueryExecutionId;
    if (!id) throw new Error("StartQueryExecution returned no QueryExecutionId");
    return { count: 1, attempts, data: id, query: { id, state: "QUEUED", stateReason: null, bytesScanned: null, rows: null } };
  });
  const id = started.data;
  if (id === undefined) return;

  let record: QueryRecord = { id, state: "QUEUED", stateReason: null, bytesScanned: null, rows: null };
  const polled = await run.unit(spec("GetQueryExecution"), { fresh: true }, async () => {
    const outcome = await poll(
      run.ctx,
      options,
      async () => {
        const { output, attempts } = await callAws(run.ctx, "athena:GetQueryExecution", region, { QueryExecutionId: id }, UNINTERRUPTIBLE);
        const q = output.QueryExecution;
        const bytes = q?.Statistics?.DataScannedInBytes;
        return {
          state: q?.Status?.State ?? "UNKNOWN",
          reason: q?.Status?.StateChangeReason ?? q?.Status?.AthenaError?.ErrorMessage ?? null,
          bytesScanned: typeof bytes === "number" ? bytes : null,
          attempts,
        };
      },
      ATHENA_TERMINAL,
    );
    // Our own query only: the id StartQueryExecution just returned.
    const settled = await settleQuery(outcome, id, options.timeoutMs, "SUCCEEDED", "StopQueryExecution", () => callAws(run.ctx, "athena:StopQueryExecution", region, { QueryExecutionId: id }, UNINTERRUPTIBLE), run);
    record = settled.query;
    return settled;
  });
  throwIfInterrupted(options.signal);
  if (polled.call.status !== "ok") return;

  await run.unit(spec("GetQueryResults"), { fresh: true }, async () => {
    const dir = relPath("cloudtrail", "athena", region);
    const files: string[] = [];
    let header: string[] | null = null;
    let lines: string[] = [];
    let rows = 0;
    let attempts = 0;
    const flush = () => {
      if (header === null || (lines.length === 0 && files.length > 0)) return;
      const name = `${dir}/${relPath(`${id}-${String(files.length + 1).padStart(5, "0")}.csv`)}`;
      files.push(run.writer.write(name, `${[csvLine(header), ...lines].join("\n")}\n`));
      lines = [];
    };
    const pages = new PageTokens("athena:GetQueryResults", "NextToken", "rows");
    let token: string | undefined;
    do {
      const r = await callAws(run.ctx, "athena:GetQueryResults", region, { QueryExecutionId: id, NextToken: token, MaxResults: 1000 });
      attempts += r.attempts;
      const page = athenaResultPage(r.output, header);
      header = page.header;
      for (const line of page.lines) {
        lines.push(line);
        rows++;
        if (lines.length >= QUERY_ROWS_PER_FILE) flush();
      }
      token = pages.next(r.output.NextToken);
    } while (token);
    if (pages.cut !== null) {
      // A CSV file cannot say it is cut: the rows of the pages read would be the whole usage. None is kept.
      for (const f of files) rmSync(run.writer.abs(f), { force: true });
      throw new QueryError("ListingCut", `${pages.cut}: the rows after it are unknown, so none is kept (--resume runs the query again)`, { ...record, rows }, attempts);
    }
    flush();
    record = { ...record, rows };
    return { files, count: rows, attempts, query: record };
  });
}

export async function collectLake(run: Run, homeRegion: string, source: LakeSource, window: Window, options: QueryRunOptions): Promise<void> {
  const region = source.region ?? homeRegion;
  const target = source.eventDataStore;
  const spec = (operation: string): UnitSpec => ({ service: "cloudtrail", operation, region, target });
  if (run.carryOver(spec("GetQueryResults"))) {
    run.carryOver(spec("StartQuery"));
    run.carryOver(spec("DescribeQuery"));
    return;
  }
  const sql = lakeUsageSql(source.eventDataStore, window);
  const started = await run.unit<string>(spec("StartQuery"), { fresh: true }, async () => {
    const { output, attempts } = await callAws(run.ctx, "cloudtrail:StartQuery", region, { QueryStatement: sql }, UNINTERRUPTIBLE);
    const id = output.QueryId;
    if (!id) throw new Error("StartQuery returned no QueryId");
    return { count: 1, attempts, data: id, query: { id, state: "QUEUED", stateReason: null, bytesScanned: null, rows: null } };
  });
  const id = started.data;
  if (id === undefined) return;

  let record: QueryRecord = { id, state: "QUEUED", stateReason: null, bytesScanned: null, rows: null };
  const polled = await run.unit(spec("DescribeQuery"), { fresh: true }, async () => {
    const outcome = await poll(
      run.ctx,
      options,
      async () => {
        const { output, attempts } = await callAws(run.ctx, "cloudtrail:DescribeQuery", region, { QueryId: id }, UNINTERRUPTIBLE);
        const bytes = output.QueryStatistics?.BytesScanned;
        return { state: output.QueryStatus ?? "UNKNOWN", reason: output.ErrorMessage ?? null, bytesScanned: typeof bytes === "number" ? bytes : null, attempts };
      },
      LAKE_TERMINAL,
    );
    const settled = await settleQuery(outcome, id, options.timeoutMs, "FINISHED", "CancelQuery", () => callAws(run.ctx, "cloudtrail:CancelQuery", region, { QueryId: id }, UNINTERRUPTIBLE), run);
    record = settled.query;
    return settled;
  });
  throwIfInterrupted(options.signal);
  if (polled.call.status !== "ok") return;

  await run.unit(spec("GetQueryResults"), { fresh: true }, async () => {
    const dir = relPath("cloudtrail", "lake", region);
    const files: string[] = [];
    let chunk: unknown[] = [];
    let rows = 0;
    let attempts = 0;
    const flush = () => {
      if (chunk.length === 0 && files.length > 0) return;
      files.push(run.writer.writeJson(`${dir}/${relPath(`${id}-${String(files.length + 1).padStart(5, "0")}.json`)}`, { QueryResultRows: chunk }));
      chunk = [];
    };
    const pages = new PageTokens("cloudtrail:GetQueryResults", "NextToken", "rows");
    let token: string | undefined;
    do {
      const r = await callAws(run.ctx, "cloudtrail:GetQueryResults", region, { QueryId: id, NextToken: token, MaxQueryResults: 1000 });
      attempts += r.attempts;
      for (const row of r.output.QueryResultRows ?? []) {
        chunk.push(row);
        rows++;
        if (chunk.length >= QUERY_ROWS_PER_FILE) flush();
      }
      token = pages.next(r.output.NextToken);
    } while (token);
    // Cut (a NextToken already followed): the last file keeps it, which the usage reader takes as
    // rows missing (a Lake page with a NextToken and no final page: partial); the unit is degraded.
    if (pages.cutToken !== undefined) files.push(run.writer.writeJson(`${dir}/${relPath(`${id}-${String(files.length + 1).padStart(5, "0")}.json`)}`, { QueryResultRows: chunk, NextToken: pages.cutToken }));
    else flush();
    record = { ...record, rows };
    return { files, count: rows, attempts, query: record, ...(pages.cut !== null ? { degraded: `${pages.cut}: the ${rows} rows of the pages read are kept, the others are missing` } : {}) };
  });
}
