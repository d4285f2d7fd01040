/**
 * Whether a saved page of a Lambda list call says more pages follow. The API answers with a
 * `NextMarker` while more follow (ListFunctions, ListEventSourceMappings, ListFunctionUrlConfigs,
 * ListFunctionEventInvokeConfigs, ListCapacityProviders); the AWS CLI drops it from its output and,
 * when `--max-items` or `--no-paginate` cut the list, writes its own `NextToken` instead. Either one,
 * non-empty, means the file is not the whole list.
 */

import type { Target } from "./function-target.js";
import type { Pagination, PathContext, SourceFragment } from "./types.js";
import { fromPath } from "./function-target.js";
import { isObject, joinPath } from "./record-reader.js";

export const PAGE_TOKEN_KEYS = ["NextMarker", "NextToken"] as const;

/** The key of the page's pagination token, when the page names one (more pages follow). */
export function nextPageKey(page: unknown): (typeof PAGE_TOKEN_KEYS)[number] | undefined {
  if (!isObject(page)) return undefined;
  return PAGE_TOKEN_KEYS.find((k) => typeof page[k] === "string" && page[k] !== "");
}

/**
 * A file's values as pages, each with its JSON path: the values one after the other (several
 * outputs in one file, `[i]`), and a value that is an array of pages read page by page (`[j]`).
 */
export function valuePages(values: readonly unknown[]): Array<{ value: unknown; base: string }> {
  const many = values.length > 1;
  return values.flatMap((v, i) => {
    const base = many ? `[${i}]` : "";
    return Array.isArray(v) ? v.map((p, j) => ({ value: p as unknown, base: `${base}[${j}]` })) : [{ value: v, base }];
  });
}

/**
 * Which function a per-function list is of, as `pagination.scope` (types.ts): the page's records
 * name it (the unqualified ARN of their FunctionArn), else the collector path does. When neither
 * says, or the records name several functions, the file's own path: no other file completes it.
 */
export function functionListScope(targets: ReadonlyArray<Pick<Target, "functionArn" | "functionName">>, context: PathContext, file: string): string {
  const arns = new Set(targets.map((t) => t.functionArn ?? (t.functionName !== null ? `name:${t.functionName}` : null)));
  if (arns.size === 1 && !arns.has(null)) return [...arns][0]!;
  if (arns.size === 0) {
    const fromFile = fromPath(context);
    if (fromFile.functionArn !== null) return fromFile.functionArn;
    if (fromFile.functionName !== null) return `name:${fromFile.functionName}`;
  }
  return `file:${file}`;
}

/** A page of a per-function list, in file order, with the functions its records name. */
export interface FunctionListPage {
  value: unknown;
  /** JSON path of the page in the file. */
  base: string;
  targets: ReadonlyArray<Pick<Target, "functionArn" | "functionName">>;
}

/**
 * The last page of each function's list among a file's pages (a shell loop over the functions
 * writes them one after the other). A page whose records name no function (an empty page) goes
 * on the list before it when that one said more pages follow, else it is the path's function's.
 */
export function functionListPages(pages: readonly FunctionListPage[], context: PathContext, file: string): Pagination[] {
  const last = new Map<string, Pagination>();
  let previous: Pagination | null = null;
  for (const page of pages) {
    const key = nextPageKey(page.value);
    const scope = page.targets.length === 0 && previous?.truncated ? previous.scope! : functionListScope(page.targets, context, file);
    const entry: Pagination = { truncated: key !== undefined, path: joinPath(page.base, key ?? "NextMarker"), scope };
    // Map order is first-seen order; the entry is replaced by the function's later pages.
    last.set(scope, entry);
    previous = entry;
  }
  return [...last.values()];
}

/** A page of a region's list (list-functions, list-event-source-mappings, list-capacity-providers), with the regions its records are in. */
export interface RegionListPage {
  value: unknown;
  /** JSON path of the page in the file. */
  path: string;
  regions: ReadonlySet<string>;
}

/**
 * The last page of each region's list among a file's pages, even when single records follow it in
 * a hand-merged file, and when a shell loop over the regions wrote every region's list into it.
 * A page's records are of one region; an empty page goes on the list before it when that one said
 * more pages follow (it is that list's final page), else its region is the file's. One list:
 * `pagination`, as the reader's file region says which; several: `listPages`, each with its region.
 */
export function regionListPages(pages: readonly RegionListPage[]): Pick<SourceFragment, "pagination" | "listPages"> {
  const last = new Map<string, Pagination>();
  let previous: { region: string; entry: Pagination } | null = null;
  for (const page of pages) {
    const key = nextPageKey(page.value);
    const region: string = page.regions.size === 1 ? [...page.regions][0]! : page.regions.size === 0 && previous?.entry.truncated ? previous.region : "";
    const entry: Pagination = { truncated: key !== undefined, path: joinPath(page.path, key ?? "NextMarker") };
    last.set(region, entry);
    previous = { region, entry };
  }
  if (last.size === 0) return {};
  if (last.size === 1) return { pagination: [...last.values()][0]! };
  return { listPages: [...last].map(([region, entry]) => (region === "" ? entry : { ...entry, region })) };
}
