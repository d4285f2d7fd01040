/**
 * Bytes → JSON values, the way AWS exports actually arrive: gzip (sniffed by magic bytes, not by
 * extension), UTF-8 with or without BOM, UTF-16 LE with BOM (PowerShell redirects), and several
 * JSON documents concatenated in one file (a raw dump of paginated calls). Syntax errors become an
 * InputError naming the file, the line and the column, and saying "truncated" when the text ends
 * early, instead of V8's bare "Unexpected end of JSON input".
 */

import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { InputError } from "../errors.js";
import { MAX_STRING_LENGTH } from "./large-json.js";

export function sha256(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The bytes, gunzipped when gzip (sniffed by magic bytes). */
export function gunzipped(bytes: Uint8Array, file: string): Buffer {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) {
    try {
      return gunzipSync(data);
    } catch (cause) {
      throw new InputError("gzip data is corrupt or truncated", { file, cause });
    }
  }
  return data;
}

/**
 * UTF-8 bytes from which on a file is parsed from its bytes (large-json.ts), not as one string:
 * past MAX_STRING_LENGTH the string cannot be made at all, and below it the string would double
 * the file's memory.
 */
export const LARGE_JSON_BYTES = 256 << 20;

/** Bytes that are parsed without being made a string: large, and not UTF-16 (which has a BOM). */
export function isLargeUtf8(data: Buffer, threshold = LARGE_JSON_BYTES): boolean {
  return data.length > threshold && !(data[0] === 0xff && data[1] === 0xfe) && !(data[0] === 0xfe && data[1] === 0xff);
}

/** Decode bytes (gunzipped) to text, honouring a UTF-16 LE/BE or UTF-8 byte-order mark. */
export function decodeGunzipped(data: Buffer, file: string): string {
  if (data.length > MAX_STRING_LENGTH * (data[0] === 0xff || data[0] === 0xfe ? 2 : 1)) {
    throw new InputError(`the file is too large to read as text (${data.length} bytes after decompression)`, { file });
  }
  if (data.length >= 2 && data[0] === 0xff && data[1] === 0xfe) return data.subarray(2).toString("utf16le");
  if (data.length >= 2 && data[0] === 0xfe && data[1] === 0xff) {
    // UTF-16 BE: swap to LE; rare, but Windows tools can write it.
    const swapped = Buffer.alloc(data.length - 2);
    for (let i = 2; i + 1 < data.length; i += 2) {
      swapped[i - 2] = data[i + 1]!;
      swapped[i - 1] = data[i]!;
    }
    return swapped.toString("utf16le");
  }
  const text = data.toString("utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Whether the text looks like JSON at all (first non-blank character opens a value). */
export function looksLikeJson(text: string): boolean {
  const m = /\S/.exec(text);
  if (!m) return false;
  const c = text[m.index];
  return c === "{" || c === "[";
}

/**
 * Parse one JSON document, or several concatenated ones (`{…}{…}` or one per line). Returns the
 * list of top-level values; a single document gives a list of one.
 * @throws InputError naming the file, with line and column of the first syntax error.
 */
export function parseJsonDocuments(text: string, file: string): unknown[] {
  if (text.trim() === "") throw new InputError("the file is empty", { file });
  try {
    return [JSON.parse(text)];
  } catch (first) {
    const spans = splitTopLevel(text);
    if (spans.length > 1) {
      const values: unknown[] = [];
      for (const [start, end] of spans) {
        try {
          values.push(JSON.parse(text.slice(start, end)));
        } catch (error) {
          throw syntaxError(text, file, error, start, values.length);
        }
      }
      return values;
    }
    throw syntaxError(text, file, first, 0, undefined);
  }
}

/**
 * Offsets of the top-level values in a text holding several concatenated JSON values. Tracks
 * strings and nesting only; each piece is then parsed with JSON.parse, which does the real work.
 */
function splitTopLevel(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      if (depth === 0) return []; // a top-level string: not a concatenation of documents
    } else if (c === 0x7b || c === 0x5b) {
      if (depth === 0) start = i;
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth < 0) return [];
      if (depth === 0) spans.push([start, i + 1]);
    } else if (depth === 0 && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09 && c !== 0x2c) {
      return []; // stray top-level content: let the first parse error stand
    }
  }
  if (depth !== 0 && start >= 0) spans.push([start, text.length]); // truncated last document: parse reports it
  return spans;
}

function syntaxError(text: string, file: string, error: unknown, offset: number, docIndex: number | undefined): InputError {
  const raw = error instanceof Error ? error.message : String(error);
  // V8's messages do not always carry a position: find it with a scanner of our own.
  const piece = docIndex === undefined ? text : text.slice(offset);
  const found = locateJsonError(piece);
  const at = offset + found.offset;
  const before = text.slice(0, at);
  const line = before.split("\n").length;
  const column = at - before.lastIndexOf("\n");
  const doc = docIndex === undefined ? "" : ` (document ${docIndex + 1} of several concatenated)`;
  const what = found.truncated ? "the JSON ends early (truncated file?)" : `not valid JSON: ${found.message}`;
  const options: { file: string; path?: string; cause: unknown } = { file, cause: error };
  if (docIndex !== undefined) options.path = `[${docIndex}]`;
  void raw;
  return new InputError(`${what} at line ${line}, column ${column}${doc}`, options);
}

/**
 * Where the first JSON syntax error is: a small recursive-descent scanner that builds nothing.
 * `truncated` when the text ends inside a value.
 */
export function locateJsonError(text: string): { offset: number; truncated: boolean; message: string } {
  let i = 0;
  class Stop extends Error {
    constructor(readonly at: number, readonly truncated: boolean, message: string) {
      super(message);
    }
  }
  const ws = () => {
    while (i < text.length && (text[i] === " " || text[i] === "\n" || text[i] === "\r" || text[i] === "\t")) i++;
  };
  const need = (what: string): never => {
    if (i >= text.length) throw new Stop(i, true, "unexpected end");
    throw new Stop(i, false, `expected ${what}, found ${JSON.stringify(text[i])}`);
  };
  const value = (depth: number): void => {
    ws();
    if (depth > 10_000) throw new Stop(i, false, "nesting too deep");
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') need("a property name in double quotes");
        string();
        ws();
        if (text[i] !== ":") need("':'");
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return;
        } else need("',' or '}'");
      }
    } else if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          return;
        } else need("',' or ']'");
      }
    } else if (c === '"') string();
    else if (c !== undefined && /[-0-9]/.test(c)) {
      const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
      if (!m || m[0] === "-") need("a number");
      i += m![0].length;
    } else {
      for (const lit of ["true", "false", "null"]) {
        if (text.startsWith(lit, i)) {
          i += lit.length;
          return;
        }
        if (lit.startsWith(text.slice(i)) && i < text.length && text.length - i < lit.length) throw new Stop(text.length, true, "unexpected end");
      }
      need("a value");
    }
  };
  const string = () => {
    i++; // opening quote
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c === 0x5c) i += 2;
      else if (c < 0x20) throw new Stop(i, false, "control character in a string");
      else i++;
    }
    throw new Stop(text.length, true, "unexpected end");
  };
  try {
    value(0);
    ws();
    if (i < text.length) return { offset: i, truncated: false, message: `unexpected ${JSON.stringify(text[i])} after the end of the document` };
    return { offset: text.length, truncated: false, message: "invalid JSON" };
  } catch (e) {
    if (e instanceof Stop) return { offset: e.at, truncated: e.truncated, message: e.message };
    if (e instanceof RangeError) return { offset: i, truncated: false, message: "nesting too deep" };
    throw e;
  }
}
