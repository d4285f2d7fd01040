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
 * values by one `JSON.stringify` each. `indent`: spaces per level as JSON.stringify's third
 * argument (0: compact).
 */
export function writeJson(value: unknown, write: (s: string) => void, depth: number, indent = 0): void {
  writeLevel(value, write, depth, indent, 0);
}

function writeLevel(value: unknown, write: (s: string) => void, depth: number, indent: number, level: number): void {
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
    for (let i = 0; i < value.length; i++) {
      write(i > 0 ? `,${inner}` : inner);
      const v: unknown = value[i];
      if (skipped(v)) write("null");
      else writeLevel(v, write, depth - 1, indent, level + 1);
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
    writeLevel(v, write, depth - 1, indent, level + 1);
  }
  write(first ? "}" : `${outer}}`);
}
