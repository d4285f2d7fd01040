/**
 * Every place in a JSON value, and a copy with one place replaced: the mutation tests' walk (the
 * readers' fuzz tests put values, or an object that cannot be made a string, at each place).
 */
export type JsonPath = Array<string | number>;

/** The paths of every value under `value`, the root's (`[]`) first. */
export function jsonPaths(value: unknown, prefix: JsonPath = [], out: JsonPath[] = []): JsonPath[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => jsonPaths(v, [...prefix, i], out));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) jsonPaths(v, [...prefix, k], out);
  return out;
}

/** A deep copy of `value` with the value at `path` replaced (the root itself for `[]`). */
export function withValueAt(value: unknown, path: JsonPath, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = JSON.parse(JSON.stringify(value)) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1] as string | number] = replacement;
  return copy;
}
