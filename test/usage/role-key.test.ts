/**
 * A role's key (account + role name, how roles are matched across inputs) is read without splitting
 * the ARN and cached by ARN (attribution.ts roleKeyOf): it must be what the split gave, for any
 * text, ARN or not, and the same from the cache as without it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { roleKeyOf, roleKeyOfUncached, roleNameOf } from "../../src/usage/attribution.js";

/** The definition the key had: the fifth `:`-separated field, `/`, the text after the last `/`. */
const bySplit = (arn: string): string => `${arn.split(":")[4] ?? ""}/${roleNameOf(arn)}`;

describe("roleKeyOf", () => {
  it("is the account and name of a role ARN, with or without its path", () => {
    expect(roleKeyOf("arn:aws:iam::123456789012:role/service-role/orders-role")).toBe("123456789012/orders-role");
    expect(roleKeyOf("arn:aws-cn:iam::123456789012:role/orders-role")).toBe("123456789012/orders-role");
    expect(roleKeyOf("orders-role")).toBe("/orders-role");
  });

  it("is the split's key for any text, from the cache and without it", () => {
    const piece = fc.stringMatching(/^[a-z0-9:/*-]{0,12}$/);
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }).map((parts) => parts.join(":")), (arn) => {
        expect(roleKeyOfUncached(arn)).toBe(bySplit(arn));
        expect(roleKeyOf(arn)).toBe(bySplit(arn));
        expect(roleKeyOf(arn)).toBe(bySplit(arn));
      }),
      { numRuns: 2000 },
    );
  });
});
