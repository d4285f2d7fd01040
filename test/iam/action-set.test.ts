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

describe("ActionSet.forEach over a range (one service's actions)", () => {
  it("visits exactly the members in [from, to), in order, however the range meets the words", () => {
    const arbRange = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: BITS }), fc.integer({ min: 0, max: BITS })),
      // ranges on and next to word boundaries
      fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: -1, max: 1 }), fc.integer({ min: -1, max: 1 })).map(([a, b, da, db]) => [
        Math.max(0, a * 32 + da),
        Math.min(BITS, b * 32 + db),
      ]),
    );
    fc.assert(
      fc.property(arbMembers, arbRange, (members, [from, to]) => {
        const s = setOf(members);
        const seen: number[] = [];
        s.forEach((i) => void seen.push(i), from, to);
        expect(seen).toEqual([...new Set(members)].sort((x, y) => x - y).filter((i) => i >= from! && i < to!));
      }),
    );
  });

  it("equals says whether two sets have the same members, as comparing every word does", () => {
    fc.assert(
      fc.property(arbMembers, arbMembers, fc.boolean(), (a, b, same) => {
        const x = setOf(a);
        const y = setOf(same ? a : b);
        const wordByWord = x.words.every((w, k) => w === y.words[k]);
        expect(x.equals(y)).toBe(wordByWord);
        expect(x.seal().equals(y.clone())).toBe(wordByWord);
      }),
      { numRuns: 200 },
    );
    // A member in the last, partial word alone.
    expect(setOf([BITS - 1]).equals(setOf([]))).toBe(false);
    expect(setOf([BITS - 1]).equals(setOf([BITS - 1]))).toBe(true);
  });
});
