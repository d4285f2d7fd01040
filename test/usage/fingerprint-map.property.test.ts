/**
 * FingerprintMap reused (src/usage/fingerprints.ts reset): the dedup's resolve empties one map
 * between hours instead of making one per hour. Whatever the sizes of the rounds (a large hour
 * then small ones, which use the front of a larger table, then a large one again, which grows it),
 * a reset map answers every putIfAbsent and replace exactly as a new map does, and keeps nothing
 * from an earlier round.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FingerprintMap } from "../../src/usage/fingerprints.js";

// Keys from a small space, so that rounds repeat each other's keys (stale entries would show).
const key = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 3 }));
const op = fc.record({ key, value: fc.nat({ max: 2 ** 32 - 1 }), replace: fc.boolean() });
const round = fc.record({ capacity: fc.integer({ min: 1, max: 300 }), ops: fc.array(op, { maxLength: 200 }) });

describe("FingerprintMap.reset", () => {
  it("makes the map behave as a new one, round after round", () => {
    fc.assert(
      fc.property(fc.array(round, { minLength: 1, maxLength: 6 }), (rounds) => {
        const reused = new FingerprintMap(rounds[0]?.capacity);
        for (const { capacity, ops } of rounds) {
          reused.reset(capacity);
          const fresh = new FingerprintMap(capacity);
          for (const { key: [a, b], value, replace } of ops) {
            // (0, 0) marks an empty slot: the dedup's hashes are never both 0 (fingerprints.ts).
            const h1 = a + 1;
            const h2 = b;
            const got = reused.putIfAbsent(h1, h2, value);
            expect(got).toBe(fresh.putIfAbsent(h1, h2, value));
            if (replace) {
              reused.replace(h1, h2, value ^ 1);
              fresh.replace(h1, h2, value ^ 1);
            }
          }
          expect(reused.size).toBe(fresh.size);
        }
      }),
      { numRuns: 300 },
    );
  });
});
