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

export function sha256(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Decode bytes to text: gunzip when gzip, then honour a UTF-16 LE or UTF-8 byte-order mark. */
export function decodeText(bytes: Uint8Array, file: string): string {
  let data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) {
    try {
      data = gunzipSync(data);
    } catch (cause) {
      throw new InputError("gzip data is corrupt or truncated", { file, cause });
    }
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
  const pos = /position (\d+)/.exec(raw);
  const truncated = /end of JSON input|Unterminated string/i.test(raw);
  let where = "";
  if (pos) {
    const at = offset + Number(pos[1]);
    const before = text.slice(0, at);
    const line = before.split("\n").length;
    const column = at - before.lastIndexOf("\n");
    where = ` at line ${line}, column ${column}`;
  }
  const doc = docIndex === undefined ? "" : ` (document ${docIndex + 1} of several concatenated)`;
  const what = truncated ? "the JSON ends early (truncated file?)" : "not valid JSON";
  const options: { file: string; path?: string; cause: unknown } = { file, cause: error };
  if (docIndex !== undefined) options.path = `[${docIndex}]`;
  return new InputError(`${what}${where}${doc}: ${raw.replace(/^JSON\.parse: /, "")}`, options);
}
