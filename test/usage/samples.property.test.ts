/**
 * Law of the capped resource samples: however the ARNs are split into files and merged, the
 * sample is the `cap` smallest distinct ARNs, truncated iff more were seen, and the prefix is the
 * common prefix of all of them. This is what makes worker and file order irrelevant.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addResource, mergeSamples } from "../../src/usage/accumulate.js";

const arn = fc.oneof(
  fc.constantFrom("arn:aws:s3:::b", "arn:aws:s3:::b/k1", "arn:aws:s3:::b/k2", "arn:aws:dynamodb:us-east-1:1:table/orders", "arn:aws:dynamodb:us-east-1:1:table/orders-archive"),
  fc.string({ maxLength: 6 }).map((s) => `arn:aws:s3:::bucket/${s}`),
);

type Sample = { resources: string[]; resourcesTruncated: boolean; prefix: string | null };
const empty = (): Sample => ({ resources: [], resourcesTruncated: false, prefix: null });

function commonPrefixAll(xs: string[]): string | null {
  if (xs.length === 0) return null;
  let p = xs[0] as string;
  for (const x of xs) while (!x.startsWith(p)) p = p.slice(0, -1);
  return p;
}

describe("capped resource samples", () => {
  it("any split and merge order gives the cap smallest distinct ARNs", () => {
    fc.assert(
      fc.property(fc.array(fc.array(arn, { maxLength: 30 }), { maxLength: 6 }), fc.integer({ min: 1, max: 8 }), fc.infiniteStream(fc.nat()), (files, cap, order) => {
        const parts = files.map((f) => {
          const s = empty();
          for (const r of f) addResource(s, r, cap);
          return s;
        });
        // Merge in a shuffled order.
        const it = order[Symbol.iterator]();
        const pool = [...parts];
        const merged = empty();
        while (pool.length > 0) {
          const k = (it.next().value as number) % pool.length;
          mergeSamples(merged, pool.splice(k, 1)[0] as Sample, cap);
        }
        const all = [...new Set(files.flat())].sort();
        expect([...merged.resources].sort()).toEqual(all.slice(0, cap));
        expect(merged.resourcesTruncated).toBe(all.length > cap);
        expect(merged.prefix).toBe(commonPrefixAll(files.flat()));
      }),
      { numRuns: 500 },
    );
  });
});
