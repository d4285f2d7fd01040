/**
 * JSON past the longest string V8 can make (2^29 - 24 characters, ~512 MiB): a canonical document
 * written by `leastrole normalize` for 10,000 functions with their usage is ~650 MB, and
 * `buffer.toString()` fails on it before JSON.parse is reached. Here the UTF-8 bytes are parsed
 * piece by piece: a container whose bytes fit in `pieceBytes` is handed to JSON.parse whole (which
 * does the real work); a larger one is cut into its members, each parsed the same way. The
 * scanner tracks only strings and nesting, and looks at each byte about once (parseAt).
 *
 * The result equals JSON.parse of the same text (property test in test/sources/large-json.test.ts):
 * the last of duplicate keys wins, and a `__proto__` key is an own property, as JSON.parse makes it.
 */

import { InputError } from "../errors.js";

/** The longest string V8 (Node 20-24) can make, in UTF-16 code units. */
export const MAX_STRING_LENGTH = (1 << 29) - 24;

/** Pieces handed to JSON.parse whole: big enough that the scanner stays out of the way. */
const PIECE_BYTES = 64 << 20;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

class Malformed extends Error {
  constructor(
    readonly at: number,
    readonly truncated: boolean,
    message: string,
  ) {
    super(message);
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(buf: Buffer, i: number, end: number): number {
  while (i < end && isSpace(buf[i] as number)) i++;
  return i;
}

/**
 * The index just past the string that opens at `i` (a quote), or -1 when it does not close before
 * `end`: the next quote not escaped, found with Buffer.indexOf (strings are most of the bytes).
 */
function stringEnd(buf: Buffer, i: number, end: number): number {
  let from = i + 1;
  for (;;) {
    const q = buf.indexOf(QUOTE, from);
    if (q === -1 || q >= end) return -1;
    let backslashes = 0;
    for (let k = q - 1; k > i && buf[k] === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    from = q + 1;
  }
}

function skipString(buf: Buffer, i: number, end: number): number {
  const e = stringEnd(buf, i, end);
  if (e < 0) throw new Malformed(end, true, "unexpected end inside a string");
  return e;
}

/** The index just past a scalar (number, true, false, null) that starts at `i`. */
function skipScalar(buf: Buffer, i: number, end: number): number {
  let j = i;
  while (j < end) {
    const c = buf[j] as number;
    if (c === COMMA || c === CLOSE_OBJECT || c === CLOSE_ARRAY || isSpace(c)) break;
    j++;
  }
  if (j === i) throw new Malformed(i, false, "expected a value");
  return j;
}

/**
 * Where the container opening at `i` ends, when that is within `budget` bytes; -1 when it is
 * longer (or the bytes end first: the member-by-member parse then says where). One loop with a
 * depth counter, however deep the nesting.
 */
function endWithin(buf: Buffer, i: number, limit: number, budget: number): number {
  const stop = Math.min(limit, i + budget);
  let depth = 0;
  for (let j = i; j < stop; j++) {
    const b = buf[j] as number;
    if (b === QUOTE) {
      const e = stringEnd(buf, j, stop);
      if (e < 0) return -1;
      j = e - 1;
    } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) depth++;
    else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

/** The index just past a scalar or string that starts at `i`. */
function skipLeaf(buf: Buffer, i: number, limit: number): number {
  return buf[i] === QUOTE ? skipString(buf, i, limit) : skipScalar(buf, i, limit);
}

function text(buf: Buffer, start: number, end: number): string {
  return buf.toString("utf8", start, end);
}

/** JSON.parse of one piece; its errors are thrown as Malformed at the piece's offset. */
function parsePiece(buf: Buffer, start: number, end: number): unknown {
  try {
    return JSON.parse(text(buf, start, end));
  } catch (error) {
    // V8 says "… in JSON at position N" (Node 20) or "…, \"…\" is not valid JSON" (no position).
    const m = /position (\d+)/.exec(error instanceof Error ? error.message : "");
    const at = m ? start + Buffer.byteLength(text(buf, start, end).slice(0, Number(m[1])), "utf8") : start;
    throw new Malformed(at, false, error instanceof Error ? error.message.replace(/ in JSON at position \d+.*$/s, "") : String(error));
  }
}

/**
 * The value that starts at `start` and where it ends. A container that ends within `pieceBytes`
 * is one JSON.parse; a longer one is parsed member by member (the punctuation between members is
 * checked here, the members by JSON.parse), each member the same way. So every byte is scanned
 * once, and the first `pieceBytes` of each larger container once more (the attempt that found it
 * larger), then parsed once.
 */
function parseAt(buf: Buffer, start: number, limit: number, pieceBytes: number): { value: unknown; end: number } {
  const c = buf[start];
  if (c !== OPEN_OBJECT && c !== OPEN_ARRAY) {
    const end = skipLeaf(buf, start, limit);
    return { value: parsePiece(buf, start, end), end };
  }
  const small = endWithin(buf, start, limit, pieceBytes);
  if (small >= 0) return { value: parsePiece(buf, start, small), end: small };
  const isObject = c === OPEN_OBJECT;
  const close = isObject ? CLOSE_OBJECT : CLOSE_ARRAY;
  const object: Record<string, unknown> = {};
  const array: unknown[] = [];
  let i = skipSpace(buf, start + 1, limit);
  if (i < limit && buf[i] === close) return { value: isObject ? object : array, end: i + 1 };
  for (;;) {
    let key = "";
    if (isObject) {
      if (i >= limit) throw new Malformed(limit, true, "unexpected end");
      if (buf[i] !== QUOTE) throw new Malformed(i, false, "expected a property name in double quotes");
      const keyEnd = skipString(buf, i, limit);
      key = parsePiece(buf, i, keyEnd) as string;
      i = skipSpace(buf, keyEnd, limit);
      if (i >= limit) throw new Malformed(limit, true, "unexpected end");
      if (buf[i] !== COLON) throw new Malformed(i, false, "expected ':'");
      i = skipSpace(buf, i + 1, limit);
    }
    if (i >= limit) throw new Malformed(limit, true, "unexpected end");
    const member = parseAt(buf, i, limit, pieceBytes);
    // defineProperty: `object[key] = …` with the key "__proto__" would set the prototype instead.
    if (isObject) Object.defineProperty(object, key, { value: member.value, enumerable: true, writable: true, configurable: true });
    else array.push(member.value);
    i = skipSpace(buf, member.end, limit);
    if (i >= limit) throw new Malformed(limit, true, "unexpected end");
    const next = buf[i];
    if (next === close) return { value: isObject ? object : array, end: i + 1 };
    if (next !== COMMA) throw new Malformed(i, false, `expected ',' or '${isObject ? "}" : "]"}'`);
    i = skipSpace(buf, i + 1, limit);
  }
}

function lineAndColumn(buf: Buffer, at: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = buf.indexOf(0x0a); i !== -1 && i < at; i = buf.indexOf(0x0a, i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: buf.toString("utf8", lineStart, Math.min(at, buf.length)).length + 1 };
}

/**
 * The JSON documents in UTF-8 `buf` (one, or several concatenated), parsed piece by piece.
 * @throws InputError naming the file, with line and column of the first syntax error found.
 */
export function parseLargeJson(buf: Buffer, file: string, pieceBytes = PIECE_BYTES): unknown[] {
  const values: unknown[] = [];
  let i = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  try {
    i = skipSpace(buf, i, buf.length);
    if (i >= buf.length) throw new InputError("the file is empty", { file });
    while (i < buf.length) {
      const c = buf[i];
      if (c !== OPEN_OBJECT && c !== OPEN_ARRAY) throw new Malformed(i, false, `unexpected ${JSON.stringify(String.fromCharCode(c as number))}`);
      const { value, end } = parseAt(buf, i, buf.length, pieceBytes);
      values.push(value);
      i = skipSpace(buf, end, buf.length);
    }
  } catch (error) {
    if (!(error instanceof Malformed)) throw error;
    const { line, column } = lineAndColumn(buf, error.at);
    const what = error.truncated ? "the JSON ends early (truncated file?)" : `not valid JSON: ${error.message}`;
    const doc = values.length > 0 ? ` (document ${values.length + 1} of several concatenated)` : "";
    throw new InputError(`${what} at line ${line}, column ${column}${doc}`, { file, cause: error });
  }
  return values;
}
