/**
 * CloudTrail Lake GetQueryResults output, one page per file as `aws cloudtrail get-query-results`
 * prints it: a page followed by others (NextToken), the pages of one query given together, a query
 * not finished. What is missing is partial and said, naming the file; what is all there is not.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readUsage } from "../../src/usage/index.js";

const dir = mkdtempSync(join(tmpdir(), "lr-lake-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROLE = "arn:aws:iam::111122223333:role/service-role/billing-sync-role";

/** A row of the shipped Lake query as GetQueryResults gives it: a list of one-column maps. */
function usageRow(eventName: string, day: number): Array<{ [k: string]: string }> {
  const t = `2026-11-${String(day).padStart(2, "0")} 01:29:07.000`;
  const cols = { row_kind: "usage", account_id: "111122223333", role_arn: ROLE, session_name: "billing-sync", aws_region: "us-east-1", event_source: "dynamodb.amazonaws.com", event_name: eventName, version_id_present: "0", calls: "3", first_seen: t, last_seen: t };
  return Object.entries(cols).map(([k, v]) => ({ [k]: v }));
}

const ROWS = ["GetItem", "PutItem", "Query", "Scan", "UpdateItem"].map((n, i) => usageRow(n, i + 1));

/** A page as the CLI prints it (members in the API's order). */
function page(rows: unknown[], extra: { status?: string; total?: number; next?: string; error?: string } = {}): object {
  return {
    QueryStatus: extra.status ?? "FINISHED",
    QueryStatistics: { ResultsCount: rows.length, TotalResultsCount: extra.total ?? rows.length, BytesScanned: 123456 },
    QueryResultRows: rows,
    ...(extra.next !== undefined ? { NextToken: extra.next } : {}),
    ...(extra.error !== undefined ? { ErrorMessage: extra.error } : {}),
  };
}

let n = 0;
function files(...docs: object[]): string[] {
  n++;
  return docs.map((d, i) => {
    const f = join(dir, `set${n}-page-${i + 1}.json`);
    writeFileSync(f, JSON.stringify(d, null, 4));
    return f;
  });
}

const calls = (agg: Awaited<ReturnType<typeof readUsage>>) => agg.sessions.flatMap((s) => s.actions.map((a) => `${a.action}=${a.count}`));
const ALL_CALLS = ["dynamodb:GetItem=3", "dynamodb:PutItem=3", "dynamodb:Query=3", "dynamodb:Scan=3", "dynamodb:UpdateItem=3"];

describe("CloudTrail Lake results pages", () => {
  // [what, pages, complete]: the pages of one query, each written to its own file, read together.
  const sets: Array<[string, object[], boolean]> = [
    ["every row in one page", [page(ROWS)], true],
    ["the pages collect writes (rows only; its manifest says whether they are complete)", [{ QueryResultRows: ROWS.slice(0, 3) }, { QueryResultRows: ROWS.slice(3) }], true],
    ["every page of a query, given together", [page(ROWS.slice(0, 2), { total: 5, next: "AAAA" }), page(ROWS.slice(2, 4), { total: 5, next: "BBBB" }), page(ROWS.slice(4), { total: 5 })], true],
    ["a first page alone: NextToken says more follow", [page(ROWS.slice(0, 2), { total: 5, next: "AAAA" })], false],
    ["a first page without QueryStatistics", [{ QueryResultRows: ROWS.slice(0, 2), NextToken: "AAAA" }], false],
    ["the last page alone: it holds fewer rows than the query's total", [page(ROWS.slice(4), { total: 5 })], false],
    ["a page in the middle missing", [page(ROWS.slice(0, 2), { total: 5, next: "AAAA" }), page(ROWS.slice(4), { total: 5 })], false],
    ["the same first page twice beside the last: the rows do not add up to the total", [page(ROWS.slice(0, 2), { total: 5, next: "AAAA" }), page(ROWS.slice(0, 2), { total: 5, next: "AAAA" }), page(ROWS.slice(4), { total: 5 })], false],
  ];
  it.each(sets)("%s", async (_what, docs, complete) => {
    const paths = files(...docs);
    const agg = await readUsage(paths, { workers: 1 });
    expect(agg.coverage.partial).toBe(!complete);
    const warned = agg.warnings.filter((w) => w.code === "lake-results-incomplete");
    if (complete) {
      expect(warned).toEqual([]);
      return;
    }
    // Every page that is not part of a complete set is named, and says how to get the rest.
    const incomplete = agg.files.filter((f) => f.partialReasons.length > 0).map((f) => f.path);
    expect(warned.map((w) => w.file)).toEqual(incomplete);
    expect(incomplete.length).toBeGreaterThan(0);
    for (const w of warned) {
      expect(w.message).toMatch(/^CloudTrail Lake results are incomplete: /);
      expect(w.message).toContain("--next-token");
      expect(w.message).toContain("leastrole collect --cloudtrail lake:");
    }
    expect(agg.coverage.partialReasons.filter((r) => r.includes("CloudTrail Lake results are incomplete")).length).toBe(incomplete.length);
  });

  it("says what is missing: the page's NextToken, the rows given and the query's total", async () => {
    const [first] = files(page(ROWS.slice(0, 2), { total: 5, next: "AAAA" }));
    const agg = await readUsage([first as string], { workers: 1 });
    expect(agg.warnings.map((w) => [w.file, ...w.message.split("; ").slice(0, 2)])).toEqual([
      [first, "CloudTrail Lake results are incomplete: NextToken says more pages follow", "the page given holds 2 of the query's 5 rows (QueryStatistics.TotalResultsCount)"],
    ]);
  });

  it("the pages of a query given together count every row once, as one page would", async () => {
    const one = await readUsage(files(page(ROWS)), { workers: 1 });
    const three = await readUsage(files(page(ROWS.slice(0, 2), { total: 5, next: "A" }), page(ROWS.slice(2, 4), { total: 5, next: "B" }), page(ROWS.slice(4), { total: 5 })), { workers: 2 });
    expect(calls(one)).toEqual(ALL_CALLS);
    expect(calls(three)).toEqual(ALL_CALLS);
    // Read by two workers, each page in a batch of its own worker: decided over all of them.
    expect(three.coverage.partial).toBe(false);
  });

  // [status, error message, what the warning says]
  const statuses: Array<[string, string | undefined, RegExp]> = [
    ["QUEUED", undefined, /^CloudTrail Lake query status is QUEUED, not FINISHED: its rows are not all there yet; get the results again once the query has finished$/],
    ["RUNNING", undefined, /^CloudTrail Lake query status is RUNNING, not FINISHED: its rows are not all there yet/],
    ["FAILED", "Query exceeded the maximum scan size", /^CloudTrail Lake query status is FAILED \(Query exceeded the maximum scan size\), not FINISHED: it has no complete results; run the query again/],
    ["CANCELLED", undefined, /^CloudTrail Lake query status is CANCELLED, not FINISHED: it has no complete results/],
    ["TIMED_OUT", undefined, /^CloudTrail Lake query status is TIMED_OUT, not FINISHED: it has no complete results/],
  ];
  it.each(statuses)("a query %s: partial, said once, naming the file", async (status, error, message) => {
    const [p] = files(page([], { status, total: 0, ...(error !== undefined ? { error } : {}) }));
    const agg = await readUsage([p as string], { workers: 1 });
    expect(agg.coverage.partial).toBe(true);
    expect(agg.warnings.map((w) => [w.code, w.file])).toEqual([["lake-query-not-finished", p]]);
    expect(agg.warnings[0]?.message).toMatch(message);
  });

  it("a failed query's output without rows (only QueryStatus and ErrorMessage) is read as Lake results", async () => {
    const [p] = files({ QueryStatus: "FAILED", ErrorMessage: "Access denied" });
    const agg = await readUsage([p as string], { workers: 1 });
    expect(agg.files.map((f) => f.format)).toEqual(["usage-query-lake"]);
    expect(agg.warnings.map((w) => w.code)).toEqual(["lake-query-not-finished"]);
  });

  it("rows of another query (raw events): one warning naming the shipped query, not one per row", async () => {
    const raw = Array.from({ length: 50 }, (_, i) => [{ eventTime: `2026-10-27 01:29:${String(i).padStart(2, "0")}.000` }, { eventSource: "dynamodb.amazonaws.com" }, { eventName: "GetItem" }, { userIdentity: "{type=AssumedRole}" }]);
    const [p] = files(page(raw));
    const agg = await readUsage([p as string], { workers: 1 });
    expect(agg.coverage.partial).toBe(true);
    expect(agg.coverage.recordsSkipped).toBe(0);
    expect(agg.warnings.map((w) => [w.code, w.file, w.message])).toEqual([
      [
        "unrecognised-usage-file",
        p,
        "QueryResultRows are not rows of the shipped usage query (no row_kind column; the first row has eventTime, eventSource, eventName, userIdentity): run the query `leastrole sql lake-usage` prints in CloudTrail Lake and give its results, or let `leastrole collect --cloudtrail lake:<event data store>` run it",
      ],
    ]);
  });
});
