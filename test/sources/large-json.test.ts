import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { parseJsonDocuments } from "../../src/sources/json-input.js";
import { parseLargeJson } from "../../src/sources/large-json.js";
import { readSourceBytes } from "../../src/sources/read-sources.js";

const bytes = (text: string) => Buffer.from(text, "utf8");

/** JSON text of `v` with arbitrary whitespace between tokens (JSON.stringify's indent is one way). */
function spaced(v: unknown, ws: string[]): string {
  let k = 0;
  const s = () => ws[k++ % ws.length] ?? "";
  const walk = (x: unknown): string => {
    if (Array.isArray(x)) return `[${s()}${x.map((e) => `${s()}${walk(e)}${s()}`).join(",")}${s()}]`;
    if (x !== null && typeof x === "object") return `{${s()}${Object.entries(x).map(([key, val]) => `${s()}${JSON.stringify(key)}${s()}:${s()}${walk(val)}${s()}`).join(",")}${s()}}`;
    return JSON.stringify(x);
  };
  return walk(v);
}

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).file).toBe("big.json");
    return (e as Error).message;
  }
  return expect.unreachable() as never;
}

describe("parseLargeJson (JSON past V8's longest string, parsed piece by piece)", () => {
  it("equals JSON.parse for any JSON document, whitespace and piece size (pieces of 1 byte to whole)", () => {
    const doc = fc.oneof(fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 6 }), fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 6 }));
    fc.assert(
      fc.property(doc, fc.array(fc.constantFrom("", " ", "\n", "\t", "\r\n  "), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 400 }), (v, ws, piece) => {
        const text = spaced(v, ws);
        expect(parseLargeJson(bytes(text), "big.json", piece)).toEqual([JSON.parse(text)]);
      }),
      { numRuns: 400 },
    );
  });

  it("strings with escapes, quotes, brackets and characters past U+FFFF, cut anywhere", () => {
    const v = { 'a"}]': ['\\', '"', "\\\"[{", "é😀\u0000", { "\\": "x\\\\" }], b: "}".repeat(50) };
    const text = JSON.stringify(v, null, 1);
    for (let piece = 1; piece <= text.length; piece += 3) expect(parseLargeJson(bytes(text), "big.json", piece)).toEqual([v]);
  });

  it("the last of duplicate keys wins and __proto__ is an own property, as JSON.parse makes them", () => {
    const text = '{"a": 1, "__proto__": {"polluted": true}, "a": [2, 3]}';
    const [v] = parseLargeJson(bytes(text), "big.json", 4) as [Record<string, unknown>];
    expect(v).toEqual(JSON.parse(text));
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(["a", "__proto__"]);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("concatenated documents and a UTF-8 byte-order mark, as parseJsonDocuments reads them", () => {
    const text = '{"RoleDetailList": [], "Marker": "}{"}\n{"RoleDetailList": [{"x": "[\\"]"}]}';
    expect(parseLargeJson(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes(text)]), "big.json", 8)).toEqual(parseJsonDocuments(text, "f"));
  });

  it("bad input: an InputError naming the file, with line and column, 'truncated' when it ends early", () => {
    expect(messageOf(() => parseLargeJson(bytes('{\n  "Functions": [\n    {"FunctionName": "a"'), "big.json", 8))).toMatch(/^the JSON ends early \(truncated file\?\) at line 3/);
    expect(messageOf(() => parseLargeJson(bytes('{\n  "a": [1, 2],\n  "b": [tru, 1]\n}'), "big.json", 4))).toMatch(/^not valid JSON: .* at line 3, column 9$/);
    expect(messageOf(() => parseLargeJson(bytes('{\n  "a": 1\n  "b": 2\n}'), "big.json", 4))).toBe("not valid JSON: expected ',' or '}' at line 3, column 3");
    expect(messageOf(() => parseLargeJson(bytes('{"a": 1}{"b": '), "big.json", 2))).toMatch(/truncated.*\(document 2 of several concatenated\)/);
    expect(messageOf(() => parseLargeJson(bytes("  \n"), "big.json"))).toBe("the file is empty");
  });

  it("a file past the size where it is parsed from its bytes reads as the same fragment", () => {
    const doc = { RoleDetailList: [], UserDetailList: [], GroupDetailList: [], Policies: [] };
    const text = JSON.stringify(doc);
    const small = readSourceBytes("iam.json", text);
    const large = readSourceBytes("iam.json", text, { largeJsonBytes: 1, largeJsonPieceBytes: 4 });
    expect(small.fragment).not.toBeNull();
    expect(large).toEqual(small);
    // Gzip (sniffed by its magic bytes) is decompressed first, then parsed from the bytes the same way.
    const gz = gzipSync(Buffer.from(text));
    const gzLarge = readSourceBytes("iam.json.gz", gz, { largeJsonBytes: 1, largeJsonPieceBytes: 4 });
    expect(gzLarge.fragment).not.toBeNull();
    expect(gzLarge).toEqual(readSourceBytes("iam.json.gz", gz));
    // Not JSON at all: the same answer as for a small file.
    expect(readSourceBytes("notes.txt", "hello", { largeJsonBytes: 1 })).toEqual(readSourceBytes("notes.txt", "hello"));
    expect(readSourceBytes("bad.json", '{"a": ', { largeJsonBytes: 1 }).warnings[0]?.message).toMatch(/truncated/);
  });
});
