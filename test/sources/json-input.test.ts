import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { decodeGunzipped, gunzipped, parseJsonDocuments } from "../../src/sources/json-input.js";

/** What the reader does with a file's bytes: gunzip when gzip, then decode. */
const decodeText = (bytes: Uint8Array, file: string): string => decodeGunzipped(gunzipped(bytes, file), file);

describe("decodeText", () => {
  const json = '{"Functions": []}';
  it("reads UTF-8 with and without BOM, UTF-16 LE with BOM (PowerShell) and gzip by magic bytes", () => {
    expect(decodeText(Buffer.from(json), "f")).toBe(json);
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]), "f")).toBe(json);
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, "utf16le")]), "f")).toBe(json);
    expect(decodeText(gzipSync(Buffer.from(json)), "export.json")).toBe(json);
  });
  it("corrupt gzip is an InputError naming the file", () => {
    const broken = gzipSync(Buffer.from(json)).subarray(0, 12);
    expect(() => decodeText(broken, "x.json.gz")).toThrow(InputError);
    try {
      decodeText(broken, "x.json.gz");
    } catch (e) {
      expect((e as InputError).file).toBe("x.json.gz");
    }
  });
});

describe("parseJsonDocuments", () => {
  it("one document", () => {
    expect(parseJsonDocuments('{"a": 1}', "f")).toEqual([{ a: 1 }]);
  });
  it("concatenated documents (raw page dumps), with strings holding braces", () => {
    const text = '{"RoleDetailList": [], "Marker": "}{"}\n{"RoleDetailList": [{"x": "[\\"]"}]}';
    expect(parseJsonDocuments(text, "f")).toEqual([{ RoleDetailList: [], Marker: "}{" }, { RoleDetailList: [{ x: '["]' }] }]);
  });
  it("truncated file: says so, with line and column", () => {
    try {
      parseJsonDocuments('{\n  "Functions": [\n    {"FunctionName": "a"', "trunc.json");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).file).toBe("trunc.json");
      expect((e as Error).message).toMatch(/truncated/);
    }
  });
  it("syntax error: line and column of the error", () => {
    try {
      parseJsonDocuments('{\n  "a": 1,\n  "b": x\n}', "bad.json");
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toMatch(/line 3, column/);
    }
  });
  it("empty file is an error", () => {
    expect(() => parseJsonDocuments("  \n", "empty.json")).toThrow(/empty/);
  });
  it("a truncated second document of a concatenation names the document", () => {
    try {
      parseJsonDocuments('{"a": 1}{"b": ', "two.json");
      expect.unreachable();
    } catch (e) {
      expect((e as InputError).path).toBe("[1]");
    }
  });
});
