/**
 * Law of the capped resource samples: however the ARNs are split into files and merged, the
 * sample is the `cap` smallest distinct ARNs, truncated iff more were seen, the prefix is the
 * common prefix of all of them, and a truncated sample's parents are those of all of them
 * (parents.ts). This is what makes worker and file order irrelevant.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addResource, mergeSamples, type Sample } from "../../src/usage/accumulate.js";
import { parentKeyOf, parentList, parentsOf, PARENT_CAP } from "../../src/usage/parents.js";

const arn = fc.oneof(
  fc.constantFrom("arn:aws:s3:::b", "arn:aws:s3:::b/k1", "arn:aws:s3:::b/k2", "arn:aws:dynamodb:us-east-1:1:table/orders", "arn:aws:dynamodb:us-east-1:1:table/orders-archive"),
  fc.string({ maxLength: 6 }).map((s) => `arn:aws:s3:::bucket/${s}`),
  // Several parents: buckets, Regions, accounts, names without a separator.
  fc.tuple(fc.constantFrom("a", "b", "c"), fc.string({ maxLength: 3 })).map(([b, k]) => `arn:aws:s3:::bucket-${b}/${k}`),
  fc.tuple(fc.constantFrom("us-east-1", "eu-west-1"), fc.constantFrom("111122223333", "444455556666"), fc.string({ maxLength: 3 })).map(([r, a, t]) => `arn:aws:dynamodb:${r}:${a}:table/${t}`),
  fc.string({ maxLength: 3 }).map((q) => `arn:aws:sqs:us-east-1:111122223333:q${q}`),
);

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
        if (all.length > cap) expect(parentList(merged.parents ?? null)).toEqual(parentList(parentsOf(all)));
        else expect(merged.parents).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});

describe("the parents of a truncated sample", () => {
  it("each parent's prefix covers exactly its resources' common prefix, and never crosses into another parent", () => {
    fc.assert(
      fc.property(fc.array(arn, { minLength: 1, maxLength: 60 }), (xs) => {
        const parents = parentsOf(xs);
        const keys = new Set(xs.map(parentKeyOf));
        if (keys.size > PARENT_CAP) return expect(parents).toBeNull();
        const list = parentList(parents) ?? [];
        expect(list.length).toBe(keys.size);
        for (const p of list) {
          const mine = [...new Set(xs.filter((x) => parentKeyOf(x) === parentKeyOf(p.prefix)))];
          expect(p.prefix).toBe(commonPrefixAll(mine));
          expect(p.single).toBe(mine.length === 1);
          // The prefix keeps its parent: it starts with the key every one of its resources has.
          expect(p.prefix.startsWith(parentKeyOf(mine[0] as string))).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("names parents by bucket, by Region and account, and an S3 bucket by itself", () => {
    expect(parentKeyOf("arn:aws:s3:::orders/2024/a.json")).toBe("arn:aws:s3:::orders/");
    expect(parentKeyOf("arn:aws:s3:::orders")).toBe("arn:aws:s3:::orders");
    expect(parentKeyOf("arn:aws:dynamodb:eu-west-1:111122223333:table/orders/index/by-day")).toBe("arn:aws:dynamodb:eu-west-1:111122223333:table/");
    expect(parentKeyOf("arn:aws:lambda:us-east-1:111122223333:function:resize:3")).toBe("arn:aws:lambda:us-east-1:111122223333:function:");
    expect(parentKeyOf("arn:aws:sqs:us-east-1:111122223333:orders-dlq")).toBe("arn:aws:sqs:us-east-1:111122223333:");
    expect(parentKeyOf("arn:aws-cn:s3:::b")).toBe("arn:aws-cn:s3:::b");
    expect(parentKeyOf("*")).toBe("*");
  });

  it("keeps a single resource exact, and gives up beyond the cap", () => {
    const s = empty();
    for (const r of ["arn:aws:s3:::a/x/1", "arn:aws:s3:::a/x/2", "arn:aws:s3:::b/only", "arn:aws:s3:::a"]) addResource(s, r, 2);
    expect(s.resourcesTruncated).toBe(true);
    expect(parentList(s.parents ?? null)).toEqual([
      { prefix: "arn:aws:s3:::a", single: true },
      { prefix: "arn:aws:s3:::a/x/", single: false },
      { prefix: "arn:aws:s3:::b/only", single: true },
    ]);
    const many = empty();
    for (let i = 0; i <= PARENT_CAP; i++) addResource(many, `arn:aws:s3:::bucket-${i}/k`, 2);
    expect(many.resourcesTruncated).toBe(true);
    expect(many.parents).toBeNull();
  });
});
