/**
 * Small collection helpers every stage uses: lists grouped by key, and a bounded cache keyed by
 * content. Here once, so that the stages do not each grow their own.
 */

/**
 * A constant table's entry for a key that comes from input (a resource type, an event source):
 * its own entries only, so that `constructor` or `valueOf` is no entry.
 */
export function own<T>(table: { readonly [key: string]: T }, key: unknown): T | undefined {
  return typeof key === "string" && Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Appends to the list of a key (not a copy of the list per item: lists can be long). */
export function pushTo<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [item]);
  else list.push(item);
}

/**
 * Appends every item to the list. Not `list.push(...items)`: a spread passes each item as an
 * argument of one call, and V8 throws "Maximum call stack size exceeded" past about 120,000 of
 * them (a custom rule pack's findings on a large account crashed the audit that way).
 */
export function appendAll<T>(list: T[], items: Iterable<T>): void {
  for (const item of items) list.push(item);
}

/** The distinct strings of both lists, sorted (a record's list of names that several inputs add to). */
export function sortedUnion(a: readonly string[] | undefined, b: readonly string[]): string[] {
  return [...new Set([...(a ?? []), ...b])].sort();
}

/** Items by key (a null key: left out), each list in the items' order. */
export function groupBy<T>(items: readonly T[], key: (t: T) => string | null): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k !== null) pushTo(out, k, item);
  }
  return out;
}

/**
 * A cache of results keyed by content, bounded: an embedder analysing account after account must
 * not grow it without end (cleared when full; the keys of one account are few).
 */
export class ContentCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly limit = 50_000) {}
  get(key: string): V | undefined {
    return this.map.get(key);
  }
  set(key: string, value: V): V {
    if (this.map.size >= this.limit) this.map.clear();
    this.map.set(key, value);
    return value;
  }
}
