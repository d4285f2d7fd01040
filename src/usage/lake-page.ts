/**
 * Whether CloudTrail Lake GetQueryResults output holds all of its query's rows. One output is one
 * page (the AWS CLI does not page get-query-results for you): `NextToken` says more pages follow,
 * `QueryStatistics.TotalResultsCount` how many rows the query has in all, and a `QueryStatus`
 * other than FINISHED that the rows are not all there (QUEUED, RUNNING) or never will be (FAILED,
 * CANCELLED, TIMED_OUT). A page's completeness is decided over every page given (the aggregate):
 * the pages of one query, fetched one by one and given together, are its complete results.
 */

import type { Warning } from "../model/document.js";
import type { FileReport } from "./accumulate.js";
import { isObj, type Obj } from "./read-records.js";
import { printable } from "../printable.js";

/** What a Lake results page says of its place among its query's pages. */
export interface LakePage {
  /** Rows in this page. */
  rows: number;
  /** QueryStatistics.TotalResultsCount: the query's rows over all pages; null when not given. */
  total: number | null;
  /** The page's NextToken (more pages follow; it names the next one), or null for the last page. */
  nextToken: string | null;
}

/** GetQueryResults' output members (CloudTrail API Reference): the CLI prints them in this order. */
export const LAKE_RESULT_KEYS: ReadonlySet<string> = new Set(["QueryStatus", "QueryStatistics", "QueryResultRows", "NextToken", "ErrorMessage"]);

/** GetQueryResults output: with rows, or a status and no rows (a query failed or still running). */
export function isLakeResults(doc: unknown): doc is Obj {
  if (!isObj(doc)) return false;
  return Array.isArray(doc.QueryResultRows) || (typeof doc.QueryStatus === "string" && Object.keys(doc).every((k) => LAKE_RESULT_KEYS.has(k)));
}

/** A Lake row's column names, as written ([{column: value}, …]). */
function columnsOf(row: unknown): string[] {
  return Array.isArray(row) ? row.flatMap((cell) => (isObj(cell) ? Object.keys(cell) : [])) : [];
}

/**
 * Rows of some other query (`SELECT *` gives raw events, not the shipped query's groups): one
 * message for the file, instead of one "not a usage row" per row. Null when a row has row_kind.
 */
export function foreignLakeRows(rows: unknown[]): string | null {
  if (rows.length === 0 || rows.some((r) => columnsOf(r).some((c) => c.toLowerCase() === "row_kind"))) return null;
  const columns = columnsOf(rows[0]);
  const shown = columns.length === 0 ? "no columns" : columns.slice(0, 6).join(", ") + (columns.length > 6 ? ", …" : "");
  return `QueryResultRows are not rows of the shipped usage query (no row_kind column; the first row has ${shown}): run the query \`leastrole sql lake-usage\` prints in CloudTrail Lake and give its results, or let \`leastrole collect --cloudtrail lake:<event data store>\` run it`;
}

/** How to get every page: said wherever a page is missing. */
const FETCH_ALL = "fetch every page (aws cloudtrail get-query-results --next-token …, until no NextToken is returned) and give them all, or let `leastrole collect --cloudtrail lake:<event data store>` run the query and fetch them";

/**
 * The problem with a query status, or null when the query finished (or the output, as `collect`
 * writes it, has no status).
 */
export function lakeStatusProblem(doc: Obj): string | null {
  const status = doc.QueryStatus;
  if (status === undefined || status === "FINISHED") return null;
  const error = typeof doc.ErrorMessage === "string" && doc.ErrorMessage !== "" ? ` (${doc.ErrorMessage})` : "";
  if (status === "QUEUED" || status === "RUNNING") {
    return `CloudTrail Lake query status is ${status}, not FINISHED: its rows are not all there yet; get the results again once the query has finished`;
  }
  return `CloudTrail Lake query status is ${printable(status)}${error}, not FINISHED: it has no complete results; run the query again (leastrole sql lake-usage), or let \`leastrole collect --cloudtrail lake:<event data store>\` run it`;
}

/** The page's place among its query's pages (call only for a finished query). */
export function lakePageOf(doc: Obj): LakePage {
  const stats = isObj(doc.QueryStatistics) ? doc.QueryStatistics : null;
  const total = stats !== null && typeof stats.TotalResultsCount === "number" && Number.isInteger(stats.TotalResultsCount) ? stats.TotalResultsCount : null;
  return {
    rows: Array.isArray(doc.QueryResultRows) ? doc.QueryResultRows.length : 0,
    total,
    nextToken: typeof doc.NextToken === "string" && doc.NextToken !== "" ? doc.NextToken : null,
  };
}

/**
 * The pages that are not part of a complete set, each with why. A page is complete by itself when
 * no NextToken follows it and it holds the query's total (or no total is stated: `collect`'s pages,
 * whose completeness its manifest tracks). The other pages are grouped by their query's total (the
 * output names no query id; pages of one query state the same total): a group is complete when its
 * rows add up to exactly that total, exactly one of its pages is the last (no NextToken) and no two
 * name the same next page (a page given twice). Two queries with the same total given together
 * add up to more than it: partial, the safe side.
 */
export function incompleteLakePages(files: FileReport[]): Map<string, string> {
  const groups = new Map<number | null, FileReport[]>();
  for (const f of files) {
    const p = f.lakePage;
    if (p === undefined || (p.nextToken === null && (p.total === null || p.rows === p.total))) continue;
    const g = groups.get(p.total);
    if (g === undefined) groups.set(p.total, [f]);
    else g.push(f);
  }
  const out = new Map<string, string>();
  for (const [total, pages] of groups) {
    const sum = pages.reduce((s, f) => s + (f.lakePage as LakePage).rows, 0);
    const tokens = pages.map((f) => (f.lakePage as LakePage).nextToken);
    const last = tokens.filter((t) => t === null).length;
    const distinct = new Set(tokens).size === tokens.length;
    if (total !== null && sum === total && last === 1 && distinct) continue;
    for (const f of pages) {
      const p = f.lakePage as LakePage;
      const next = p.nextToken !== null ? "NextToken says more pages follow; " : "";
      const count =
        total === null
          ? "QueryStatistics does not say how many rows the query has"
          : `${pages.length === 1 ? "the page given holds" : `the ${pages.length} pages given hold`} ${sum} of the query's ${total} rows (QueryStatistics.TotalResultsCount)`;
      const twice = distinct ? "" : " (a page is given twice)";
      out.set(f.path, `CloudTrail Lake results are incomplete: ${next}${count}${twice}; ${FETCH_ALL}`);
    }
  }
  return out;
}

/** The reasons as the aggregate's file reports and warnings carry them. */
export function lakePageWarnings(reasons: Map<string, string>): Warning[] {
  return [...reasons].map(([file, message]) => ({ code: "lake-results-incomplete", severity: "warning", file, message }));
}
