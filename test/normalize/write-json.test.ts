/**
 * writeJson against JSON.stringify: the same bytes, compact or indented, at every streaming depth;
 * and the canonical document written in pieces is the document serialised in one string.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { serializeCanonicalDocument, writeCanonicalDocument } from "../../src/normalize/index.js";
import { writeJson } from "../../src/normalize/write-json.js";
import { syntheticDocument } from "../support/synthetic-document.js";

function written(value: unknown, depth: number, indent?: number, items?: number, chars?: number, arraysWhole?: boolean): string {
  let out = "";
  writeJson(value, (s) => (out += s), depth, indent, { ...(items !== undefined ? { items } : {}), ...(chars !== undefined ? { chars } : {}), ...(arraysWhole !== undefined ? { arraysWhole } : {}) });
  return out;
}

describe("writeJson", () => {
  it("writes what JSON.stringify writes, compact or indented, at every streaming depth", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 5 }), fc.constantFrom(0, 1, 2, 4), (value, depth, indent) => {
        expect(written(value, depth, indent)).toBe(JSON.stringify(value, null, indent));
      }),
      { numRuns: 400 },
    );
  });

  it("writes the same with arrays of items written whole a few at a time (chunks of 1 to 5 items, cut down past 1 to 40 characters)", () => {
    const nested = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: "small", withCrossShrink: true }, fc.jsonValue({ maxDepth: 1 }), fc.array(tie("value"), { maxLength: 7 }), fc.dictionary(fc.string({ maxLength: 3 }), tie("value"), { maxKeys: 4 })),
    })).value;
    fc.assert(
      fc.property(nested, fc.integer({ min: 0, max: 5 }), fc.constantFrom(0, 1, 2, 4), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 40 }), fc.boolean(), (value, depth, indent, items, chars, arraysWhole) => {
        // arraysWhole: every array within `depth` in chunks of whole items (the rules' input, wasm-input.ts).
        expect(written(value, depth, indent, items, chars, arraysWhole)).toBe(JSON.stringify(value, null, indent));
      }),
      { numRuns: 600 },
    );
  });

  it("leaves out undefined members and writes undefined array items as null, like JSON.stringify", () => {
    const value = { a: undefined, b: [1, undefined, { c: undefined, d: "é\u2028\ud83d\ude00\n" }], e: null, f: { g: undefined }, h: [] };
    for (const indent of [0, 2]) for (const items of [1, 2, 512]) for (const arraysWhole of [false, true]) expect(written(value, 4, indent, items, undefined, arraysWhole)).toBe(JSON.stringify(value, null, indent));
  });

  it("writes the canonical document as serializeCanonicalDocument does", () => {
    const doc = syntheticDocument(30);
    let out = "";
    writeCanonicalDocument(doc, (s) => (out += s));
    expect(out).toBe(serializeCanonicalDocument(doc));
  });
});
