/**
 * The top-level JSON values of a text that holds several: JSON Lines, objects back to back with no
 * separator (`}{`: Firehose's default S3 output, for EventBridge events and CloudWatch Logs
 * subscription data alike), pretty-printed documents one after the other, values separated by
 * commas. Only strings and nesting are tracked to find where a value ends (strings may hold `}{`);
 * each value is then parsed with JSON.parse, which does the real checking.
 *
 * A value that breaks (a raw line break inside a string, which JSON forbids; the text ending inside
 * it; a span JSON.parse rejects) is reported, and reading goes on at the line after its start: a
 * damaged line of JSON Lines costs that line only.
 */

export interface JsonValueSpan {
  /** Character offsets of the value in the text, [start, end). */
  start: number;
  end: number;
  /** 1-based line and column of its start. */
  line: number;
  column: number;
  /** The parsed value, when it could be read. */
  value?: unknown;
  /** Why it could not be read. */
  error?: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

/** `origin`: where the text starts in its file (the rest of a file after its first value). */
export function* jsonValues(text: string, origin: { line: number; column: number } = { line: 1, column: 1 }): Generator<JsonValueSpan> {
  const n = text.length;
  let i = 0;
  let line = origin.line;
  // Columns of the first line count from the origin's.
  let lineStart = 1 - origin.column;
  /** The next line break at or after a position (n when none): found once per line, not per string. */
  let nextNl = -1;
  const newlineFrom = (from: number): number => {
    if (nextNl < from) {
      nextNl = text.indexOf("\n", from);
      if (nextNl < 0) nextNl = n;
    }
    return nextNl;
  };
  /** Go on at the line after the one where a value that broke started; false at the end of the text. */
  const resync = (start: number): boolean => {
    // Back to the value's start: the newline found last may be further on.
    const nl = text.indexOf("\n", start);
    if (nl < 0) return false;
    nextNl = nl;
    i = nl + 1;
    line++;
    lineStart = i;
    return true;
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === NEWLINE) {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    // Blanks and commas between values.
    if (c === 0x20 || c === 0x0d || c === 0x09 || c === 0x2c) {
      i++;
      continue;
    }
    const start = i;
    const at = { start, line, column: start - lineStart + 1 };
    if (c === QUOTE) {
      // A string (lookup-events' CloudTrailEvent, `jq '.Events[].CloudTrailEvent'`): on one line.
      const q = stringEnd(text, i);
      const nl = newlineFrom(i);
      if (q < 0 || nl < q) {
        yield { ...at, end: Math.min(nl, n), error: q < 0 && nl >= n ? "the text ends inside a string (truncated?)" : "a string is not closed on its line" };
        if (!resync(start)) return;
        continue;
      }
      try {
        yield { ...at, end: q + 1, value: JSON.parse(text.slice(start, q + 1)) };
      } catch (e) {
        yield { ...at, end: q + 1, error: `not JSON: ${(e as Error).message}` };
      }
      i = q + 1;
      continue;
    }
    if (c !== 0x7b && c !== 0x5b) {
      // Not the start of an object or an array: the rest of the line is not ours.
      const end = newlineFrom(i);
      yield { ...at, end, error: `not JSON: ${JSON.stringify(text.slice(start, Math.min(end, start + 20)))}` };
      i = end;
      continue;
    }
    let depth = 0;
    let j = i;
    let broken: string | null = null;
    let lines = 0;
    let lastNl = -1;
    for (; j < n; j++) {
      const ch = text.charCodeAt(j);
      if (ch === QUOTE) {
        const q = stringEnd(text, j);
        const nl = newlineFrom(j);
        if (q < 0 || nl < q) {
          broken = q < 0 && nl >= n ? "the text ends inside a string (truncated?)" : "a string is not closed on its line";
          break;
        }
        j = q;
      } else if (ch === 0x7b || ch === 0x5b) {
        depth++;
      } else if (ch === 0x7d || ch === 0x5d) {
        depth--;
        if (depth === 0) break;
      } else if (ch === NEWLINE) {
        lines++;
        lastNl = j;
      }
    }
    if (broken === null && j >= n) broken = "the text ends inside this value (truncated?)";
    if (broken !== null) {
      yield { ...at, end: Math.min(j, n), error: broken };
      if (!resync(start)) return;
      continue;
    }
    const end = j + 1;
    let value: unknown;
    try {
      value = JSON.parse(text.slice(start, end));
    } catch (e) {
      yield { ...at, end, error: `not JSON: ${(e as Error).message}` };
      if (!resync(start)) return;
      continue;
    }
    yield { ...at, end, value };
    i = end;
    line += lines;
    if (lastNl >= 0) lineStart = lastNl + 1;
  }
}

/** The index of the quote closing the string that opens at `open`: the first one not escaped; -1 when none. */
function stringEnd(text: string, open: number): number {
  let q = open + 1;
  for (;;) {
    q = text.indexOf('"', q);
    if (q < 0) return -1;
    let b = q - 1;
    while (text.charCodeAt(b) === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q;
    q++;
  }
}
