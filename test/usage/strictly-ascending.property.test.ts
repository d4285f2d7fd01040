/**
 * labels.ts takes a role's granted list as it is when strictlyAscending says it is in sort()'s
 * order, instead of sorting the distinct actions: the two must agree for every list.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { strictlyAscending } from "../../src/usage/labels.js";

const action = fc.tuple(fc.constantFrom("s3", "s3express", "ec2", "ec2-instance-connect", "kms"), fc.constantFrom("GetObject", "getObject", "ListMultipartUploadParts", "ListMultiRegionAccessPoints", "Put", "PutObject")).map(([s, a]) => `${s}:${a}`);

describe("strictlyAscending", () => {
  it("holds exactly when the list is sort() of its distinct strings", () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 12 }), (list) => {
        const sorted = [...new Set(list)].sort();
        expect(strictlyAscending(list)).toBe(sorted.length === list.length && sorted.every((a, i) => a === list[i]));
      }),
      { numRuns: 500 },
    );
    // Sorted lists are common in the generated ones too: the law's both sides are reached.
    expect(strictlyAscending(["ec2-instance-connect:Put", "ec2:Put", "s3:Put"])).toBe(true);
    expect(strictlyAscending(["ec2:Put", "ec2-instance-connect:Put"])).toBe(false);
    expect(strictlyAscending(["s3:Put", "s3:Put"])).toBe(false);
    expect(strictlyAscending([])).toBe(true);
  });
});
