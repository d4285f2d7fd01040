/**
 * JSON written piece by piece, for values too large to hold as one string (a 10,000-function
 * canonical document is past V8's 512 MiB string limit; the rules' input is copied into wasm memory
 * in chunks). The output is byte for byte `JSON.stringify(value, null, indent)` for plain data
 * (objects, arrays, strings, finite numbers, booleans, null; undefined members left out,
 * undefined array items as null).
 */

function skipped(v: unknown): boolean {
  return v === undefined || typeof v === "function" || typeof v === "symbol";
}

/**
 * Write `value` through `write`. The first `depth` levels are written member by member, deeper
 * values by one `JSON.stringify` each, or several array items at a time (`chunk`: up to 512 items,
 * fewer past 1 MiB of text). `indent`: spaces per level as JSON.stringify's third argument (0: compact).
 */
export function writeJson(value: unknown, write: (s: string) => void, depth: number, indent = 0, chunk: Partial<Chunking> = {}): void {
  writeLevel(value, write, depth, indent, 0, { items: Math.max(1, Math.floor(chunk.items ?? 512)), chars: chunk.chars ?? 1 << 20, arraysWhole: chunk.arraysWhole ?? false });
}

/**
 * Items of an array at `level` that are written whole, several at a time (`chunk`) by one
 * JSON.stringify of them nested in `level` arrays of one item, which puts them at their indentation. Why: the
 * alternative, one JSON.stringify per item and its line breaks re-indented by a regular
 * expression, was a third of writing a 130 MB report (45,000 findings at 10,000 functions).
 */
function writeItemsWhole(items: readonly unknown[], write: (s: string) => void, indent: number, level: number, chunk: Chunking): void {
  // The wrappers' text before the first item and after the last (JSON.stringify's own layout).
  let head = 0;
  let tail = 0;
  for (let j = 0; j <= level; j++) {
    head += 1 + (indent > 0 ? 1 + indent * (j + 1) : 0);
    tail += 1 + (indent > 0 ? 1 + indent * j : 0);
  }
  const between = indent > 0 ? `,\n${" ".repeat(indent * (level + 1))}` : ",";
  let count = chunk.items;
  for (let from = 0; from < items.length; ) {
    const next = Math.min(items.length, from + count);
    let wrapped: unknown = items.slice(from, next);
    for (let j = 0; j < level; j++) wrapped = [wrapped];
    const text = JSON.stringify(wrapped, null, indent);
    // The separator before this chunk's first item, then its items as they are laid out in place.
    write(from > 0 ? between : between.slice(1));
    write(text.slice(head, text.length - tail));
    // Fewer items at a time when they are large (whole functions of a canonical document): each
    // string stays around chunk.chars (1 MiB), as a piece is meant to.
    if (text.length > chunk.chars && count > 1) count = Math.max(1, Math.floor(((next - from) * chunk.chars) / text.length));
    from = next;
  }
}

/** Items per JSON.stringify, at most, and the text length past which fewer are taken. */
interface Chunking {
  items: number;
  chars: number;
  /**
   * Every array met within `depth` written as chunks of whole items, not item by item: objects are
   * still walked member by member down to `depth`. Why: the rules' input (wasm-input.ts) walked each
   * function and role field by field, one JSON.stringify per field; a chunk of items per call costs
   * 30–40% less CPU for the same bytes (the 10,000-function slices, 335–399 → 178–247 CPU-ms:
   * bench/results/scale.md, "Session 41"), and `chars` still bounds the strings.
   */
  arraysWhole: boolean;
}

function writeLevel(value: unknown, write: (s: string) => void, depth: number, indent: number, level: number, chunk: Chunking): void {
  if (depth <= 0 || value === null || typeof value !== "object" || typeof (value as { toJSON?: unknown }).toJSON === "function") {
    const s = JSON.stringify(value, null, indent) ?? "null";
    // A nested value's own line breaks carry its level's indentation (strings never hold a raw
    // line break in JSON, so every "\n" is structural).
    write(indent > 0 && level > 0 ? s.replace(/\n/g, `\n${" ".repeat(indent * level)}`) : s);
    return;
  }
  const inner = indent > 0 ? `\n${" ".repeat(indent * (level + 1))}` : "";
  const outer = indent > 0 ? `\n${" ".repeat(indent * level)}` : "";
  const colon = indent > 0 ? ": " : ":";
  if (Array.isArray(value)) {
    if (value.length === 0) {
      write("[]");
      return;
    }
    write("[");
    if (depth <= 1 || chunk.arraysWhole) {
      writeItemsWhole(value, write, indent, level, chunk);
      write(`${outer}]`);
      return;
    }
    for (let i = 0; i < value.length; i++) {
      write(i > 0 ? `,${inner}` : inner);
      const v: unknown = value[i];
      if (skipped(v)) write("null");
      else writeLevel(v, write, depth - 1, indent, level + 1, chunk);
    }
    write(`${outer}]`);
    return;
  }
  write("{");
  let first = true;
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (skipped(v)) continue;
    write(`${first ? "" : ","}${inner}${JSON.stringify(key)}${colon}`);
    first = false;
    writeLevel(v, write, depth - 1, indent, level + 1, chunk);
  }
  write(first ? "}" : `${outer}}`);
}
