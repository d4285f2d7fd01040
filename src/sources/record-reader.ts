/**
 * Typed access to untrusted JSON with errors that name the file and the JSON path. Readers use
 * these instead of casts so that a wrong shape is an InputError at `RoleDetailList[3].Arn`, never a
 * TypeError deep inside the normaliser. `eachRecord` isolates records: one bad role is reported and
 * skipped, the other roles of the file are kept.
 */

import { InputError, LeastroleError, toError } from "../errors.js";
import type { Warning, WarningSeverity } from "../model/document.js";
import { normalizeTimestamp } from "./timestamps.js";
import { printable } from "../printable.js";

export type JsonObject = { [key: string]: unknown };

export class FileContext {
  readonly warnings: Warning[] = [];
  /** Set when a record or part of one was dropped: the fragment is then partial. */
  partial = false;

  constructor(readonly file: string) {}

  fail(path: string, message: string): never {
    const options: { file: string; path?: string } = { file: this.file };
    if (path !== "") options.path = path;
    throw new InputError(message, options);
  }

  warn(code: string, severity: WarningSeverity, path: string, message: string): void {
    const warning: Warning = { code, severity, message, file: this.file };
    if (path !== "") warning.path = path;
    this.warnings.push(warning);
    if (severity === "error") this.partial = true;
  }

  /** Report an error caught while reading part of the file, and mark the fragment partial. */
  report(error: unknown, code = "invalid-record"): void {
    if (error instanceof LeastroleError) {
      this.warn(error.code === "policy-parse" ? "invalid-policy-document" : code, "error", error.path ?? "", error.message);
    } else {
      // Not a user-input problem but a defect in a reader: still keep the other records.
      debugReaderDefect(this.file, error);
      this.warn("reader-defect", "error", "", `internal error while reading: ${toError(error).message}`);
    }
  }
}

export function joinPath(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  const safe = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  const segment = safe === key ? key : `[${safe}]`;
  if (base === "") return segment;
  return segment.startsWith("[") ? base + segment : `${base}.${segment}`;
}

/** Envelope keys SDK dumps add to every response: boto3 `ResponseMetadata`, JS SDK v3 `$metadata`. */
export function isResponseMetadataKey(key: string): boolean {
  return key === "ResponseMetadata" || key === "$metadata";
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

export function asObject(value: unknown, ctx: FileContext, path: string): JsonObject {
  if (!isObject(value)) ctx.fail(path, `expected an object, found ${typeName(value)}`);
  return value;
}

export function reqString(o: JsonObject, key: string, ctx: FileContext, path: string): string {
  const v = o[key];
  if (typeof v !== "string" || v === "") ctx.fail(joinPath(path, key), v === undefined ? `${key} is missing` : `expected a non-empty string, found ${typeName(v)}`);
  return v;
}

export function optString(o: JsonObject, key: string, ctx: FileContext, path: string): string | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") ctx.fail(joinPath(path, key), `expected a string, found ${typeName(v)}`);
  return v === "" ? null : v;
}

export function optObject(o: JsonObject, key: string, ctx: FileContext, path: string): JsonObject | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  return asObject(v, ctx, joinPath(path, key));
}

export function optArray(o: JsonObject, key: string, ctx: FileContext, path: string): unknown[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) ctx.fail(joinPath(path, key), `expected an array, found ${typeName(v)}`);
  return v;
}

export function stringList(o: JsonObject, key: string, ctx: FileContext, path: string): string[] {
  return optArray(o, key, ctx, path).map((item, i) => {
    if (typeof item !== "string") ctx.fail(joinPath(joinPath(path, key), i), `expected a string, found ${typeName(item)}`);
    return item;
  });
}

/** A timestamp in any AWS form, as ISO UTC; a present but unreadable value is a warning and null. */
export function optTimestamp(o: JsonObject, key: string, ctx: FileContext, path: string): string | null {
  const v = o[key];
  const ts = normalizeTimestamp(v);
  if (ts === undefined) {
    ctx.warn("invalid-timestamp", "warning", joinPath(path, key), `not a timestamp: ${JSON.stringify(v).slice(0, 60)}`);
    return null;
  }
  return ts;
}

/** IAM tags: `[{Key, Value}]`. */
export function tagsFromList(value: unknown, ctx: FileContext, path: string): { [key: string]: string } {
  if (value === undefined || value === null) return {};
  if (!Array.isArray(value)) ctx.fail(path, `expected a list of {Key, Value}, found ${typeName(value)}`);
  const entries = value.map((item, i): [string, string] => {
    const p = joinPath(path, i);
    const t = asObject(item, ctx, p);
    return [reqString(t, "Key", ctx, p), typeof t["Value"] === "string" ? t["Value"] : printable(t["Value"] ?? "")];
  });
  return sortedObject(entries);
}

/** Lambda tags: `{key: value}`. */
export function tagsFromMap(value: unknown, ctx: FileContext, path: string): { [key: string]: string } {
  if (value === undefined || value === null) return {};
  const o = asObject(value, ctx, path);
  const entries = Object.entries(o).map(([k, v]): [string, string] => {
    if (typeof v !== "string") ctx.fail(joinPath(path, k), `tag value must be a string, found ${typeName(v)}`);
    return [k, v];
  });
  return sortedObject(entries);
}

export function sortKeys<T>(o: { [key: string]: T }): { [key: string]: T } {
  return sortedObject(Object.keys(o).map((k): [string, T] => [k, o[k]!]));
}

/**
 * An object from entries, keys sorted (the last of duplicate keys wins). Object.fromEntries defines
 * properties, so a key named `__proto__` (a tag, say) stays a key instead of setting the prototype.
 */
export function sortedObject<T>(entries: Array<[string, T]>): { [key: string]: T } {
  return Object.fromEntries([...new Map(entries)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Read each record of a list; a record that fails is reported (with its path) and skipped, the
 * others are kept.
 */
export function eachRecord<T>(items: unknown[], ctx: FileContext, path: string, read: (item: unknown, path: string) => T): T[] {
  const out: T[] = [];
  items.forEach((item, i) => {
    try {
      out.push(read(item, joinPath(path, i)));
    } catch (error) {
      ctx.report(error);
    }
  });
  return out;
}

/**
 * A reader's defect, caught so that the file's other records are read (`reader-defect`, exit code
 * 3): its stack trace on stderr when LEASTROLE_DEBUG is set, as the CLI prints one for an internal
 * error it did not catch (cli/main.ts), for the bug report. The warning keeps the message only.
 */
export function debugReaderDefect(file: string, thrown: unknown): void {
  if (process.env.LEASTROLE_DEBUG) process.stderr.write(`leastrole: debug: ${file}: ${toError(thrown).stack ?? String(thrown)}\n`);
}
