import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { atWordBoundary } from "../../src/analysis/scope.js";
import { patternCovers } from "../../src/iam/index.js";

describe("LR017 suggestions stop at a word boundary", () => {
  it("cuts a character-level prefix back to the last separator", () => {
    expect(atWordBoundary("arn:aws:dynamodb:us-east-1:1:table/billing-2026-1*")).toBe("arn:aws:dynamodb:us-east-1:1:table/billing-2026-*");
    expect(atWordBoundary("arn:aws:sqs:us-east-1:1:q-1*")).toBe("arn:aws:sqs:us-east-1:1:q-*");
  });

  it("keeps patterns already at a boundary, exact ARNs, and never widens to the whole type", () => {
    expect(atWordBoundary("arn:aws:dynamodb:us-east-1:1:table/orders-*")).toBe("arn:aws:dynamodb:us-east-1:1:table/orders-*");
    expect(atWordBoundary("arn:aws:dynamodb:us-east-1:1:table/orders")).toBe("arn:aws:dynamodb:us-east-1:1:table/orders");
    expect(atWordBoundary("arn:aws:dynamodb:us-east-1:1:table/ord*")).toBe("arn:aws:dynamodb:us-east-1:1:table/ord*");
    expect(atWordBoundary(null)).toBeNull();
  });

  it("only ever widens the pattern it is given (property)", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9_./-]{1,20}$/), (name) => {
        const p = `arn:aws:dynamodb:us-east-1:123456789012:table/${name}*`;
        const out = atWordBoundary(p)!;
        expect(patternCovers(out, p)).toBe(true);
      }),
    );
  });
});
