/**
 * Sealing an ActionSet indexes its non-zero words so that count, isEmpty, OR and AND-NOT touch only
 * those: a law over random sets, sealed or not, that every answer is the same as the full scan's.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ActionSet, popcount } from "../../src/iam/action-set.js";

const BITS = 22_091; // the size of the shipped catalog: ~700 words, the last one partial
const arbMembers = fc.oneof(
  fc.array(fc.integer({ min: 0, max: BITS - 1 }), { maxLength: 40 }), // sparse, like statement sets
  fc.array(fc.integer({ min: 0, max: BITS - 1 }), { minLength: 500, maxLength: 2500 }), // dense
);
const setOf = (members: number[]) => {
  const s = new ActionSet(BITS);
  for (const i of members) s.add(i);
  return s;
};
const fullCount = (s: ActionSet) => s.words.reduce((n, w) => n + popcount(w), 0);

describe("sealed ActionSet", () => {
  it("counts, tests emptiness, ORs and subtracts exactly as the full scan does", () => {
    fc.assert(
      fc.property(arbMembers, arbMembers, (a, b) => {
        const sealed = setOf(a).seal();
        const plain = setOf(a);
        expect(sealed.count()).toBe(fullCount(plain));
        expect(sealed.count()).toBe(new Set(a).size);
        expect(sealed.isEmpty()).toBe(a.length === 0);
        const orSealed = setOf(b).orInPlace(sealed);
        const orPlain = setOf(b).orInPlace(plain);
        expect(orSealed.equals(orPlain)).toBe(true);
        const minusSealed = setOf(b).andNotInPlace(sealed);
        const minusPlain = setOf(b).andNotInPlace(plain);
        expect(minusSealed.equals(minusPlain)).toBe(true);
        expect(fullCount(minusSealed)).toBe(new Set(b.filter((x) => !new Set(a).has(x))).size);
      }),
      { numRuns: 60 },
    );
  });

  it("refuses to change once sealed", () => {
    const s = setOf([1, 2, 3]).seal();
    expect(() => s.add(4)).toThrow(/sealed/);
    expect(s.count()).toBe(3);
  });
});
