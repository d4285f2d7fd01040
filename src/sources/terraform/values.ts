/** Small readers of Terraform attribute values. */

import { isRecord } from "../cloudformation/lambda-shapes.js";

/** The value at `path` (keys into objects, indices into lists), undefined where the path leads nowhere. */
export function valueAtPath(v: unknown, path: readonly (string | number)[]): unknown {
  let cur = v;
  for (const k of path) {
    if (typeof k === "number" ? !Array.isArray(cur) : !isRecord(cur) || !Object.hasOwn(cur, k)) return undefined;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur;
}

/** `after_unknown` marks a value, or a whole block above it, `true`. */
export function unknownAt(unknown: unknown, path: readonly (string | number)[]): boolean {
  let cur = unknown;
  for (const k of path) {
    if (cur === true) return true;
    if (typeof k === "number" ? !Array.isArray(cur) : !isRecord(cur) || !Object.hasOwn(cur, k)) return false;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur === true;
}

/** The string elements of a list attribute (unknown or null elements dropped). */
export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** A map(string) attribute, keys sorted; undefined when it is not a map. */
export function stringMap(v: unknown): { [k: string]: string } | undefined {
  if (!isRecord(v)) return undefined;
  const out: { [k: string]: string } = {};
  for (const k of Object.keys(v).sort()) {
    const x = v[k];
    if (typeof x === "string") out[k] = x;
  }
  return out;
}
