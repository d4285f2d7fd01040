import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { sortKeysDeep } from "../../src/report/view.js";

/** The obvious definition: every object rebuilt with its keys sorted, every array mapped. */
function reference(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reference);
  if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, reference(obj[k])]));
  }
  return value;
}

describe("sortKeysDeep", () => {
  it("gives the text of the obvious definition, leaves its input as it was, and is idempotent", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        const before = JSON.stringify(value);
        const sorted = sortKeysDeep(value);
        expect(JSON.stringify(sorted)).toBe(JSON.stringify(reference(value)));
        expect(JSON.stringify(value)).toBe(before);
        // As text: an object with integer-like keys ("0") lists them first whatever the order they
        // were added in, so it is never in string order and is rebuilt (with the same text) each time.
        expect(JSON.stringify(sortKeysDeep(sorted))).toBe(JSON.stringify(sorted));
      }),
      { numRuns: 2000 },
    );
  });

  it("sorts objects of many keys as of few (insertion sort up to 24 keys, Array#sort beyond)", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { minKeys: 1, maxKeys: 60 }), (value) => {
        expect(JSON.stringify(sortKeysDeep(value))).toBe(JSON.stringify(reference(value)));
      }),
      { numRuns: 1000 },
    );
  });

  it("keeps a `__proto__` key of JSON text as a key, not as the object's prototype", () => {
    const value = JSON.parse('{"z": 1, "__proto__": {"polluted": true}, "a": [{"y": 2, "b": 3}]}') as unknown;
    const sorted = sortKeysDeep(value) as Record<string, unknown>;
    expect(JSON.stringify(sorted)).toBe('{"__proto__":{"polluted":true},"a":[{"b":3,"y":2}],"z":1}');
    expect(Object.getPrototypeOf(sorted)).toBe(Object.prototype);
    expect((sorted as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it("returns parts already in order as they are (no copy)", () => {
    const inner = { a: 1, b: ["x", "y"] };
    const value = { evidence: inner, list: ["s", "t"] };
    expect(sortKeysDeep(value)).toBe(value);
    const outOfOrder = { z: inner, a: 1 };
    const sorted = sortKeysDeep(outOfOrder) as Record<string, unknown>;
    expect(Object.keys(sorted)).toEqual(["a", "z"]);
    expect(sorted.z).toBe(inner);
  });
});
