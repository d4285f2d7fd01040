/**
 * GroupCache (src/usage/group-cache.ts) behaves like a Map from (principal, event name symbol,
 * event source symbol) to group that is emptied whenever it holds half as many entries as it has
 * slots: a model test with small tables, so that probing chains, collisions and the emptying all
 * happen.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GroupCache } from "../../src/usage/group-cache.js";

type Op = { kind: "set"; p: number; n: number; s: number; g: number } | { kind: "get"; p: number; n: number; s: number } | { kind: "clear" };

// Symbol ids anywhere in int32's non-negative range: the scanner's table may hold more than 2^15.
const sym = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }));
const key = { p: fc.integer({ min: 0, max: 40 }), n: sym, s: sym };
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("set" as const), ...key, g: fc.nat() }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("get" as const), ...key }) },
  { weight: 1, arbitrary: fc.constant({ kind: "clear" as const }) },
);

describe("GroupCache", () => {
  it("answers like a Map that is emptied when half the slots are used", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.array(op, { maxLength: 300 }), (bits, ops) => {
        const cache = new GroupCache(bits);
        const model = new Map<string, number>();
        const limit = (1 << bits) >>> 1;
        for (const o of ops) {
          if (o.kind === "clear") {
            cache.clear();
            model.clear();
          } else if (o.kind === "set") {
            if (model.size >= limit) model.clear();
            cache.set(o.p, o.n, o.s, o.g);
            model.set(`${o.p},${o.n},${o.s}`, o.g);
          } else {
            expect(cache.get(o.p, o.n, o.s)).toBe(model.get(`${o.p},${o.n},${o.s}`) ?? -1);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it("keeps apart keys that differ in one part only", () => {
    const cache = new GroupCache(4);
    cache.set(1, 2, 3, 10);
    cache.set(2, 1, 3, 20);
    cache.set(1, 3, 2, 30);
    cache.set(3, 2, 1, 40);
    // The old packed key (name * 2^15 + source) made these two one key once ids passed 2^15.
    cache.set(1, 0, 2 ** 15, 50);
    cache.set(1, 1, 0, 60);
    expect([cache.get(1, 2, 3), cache.get(2, 1, 3), cache.get(1, 3, 2), cache.get(3, 2, 1), cache.get(3, 1, 2), cache.get(1, 0, 2 ** 15), cache.get(1, 1, 0)]).toEqual([10, 20, 30, 40, -1, 50, 60]);
  });
});
