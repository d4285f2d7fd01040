/**
 * accountOf scans the ARN in place (it runs per escalation candidate); its law is the plain
 * definition: the fifth colon-separated field, when it is exactly 12 ASCII digits.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { accountOf } from "../../src/analysis/policies.js";

const reference = (arn: string): string | null => {
  const a = arn.split(":")[4];
  return a !== undefined && /^\d{12}$/.test(a) ? a : null;
};

const field = fc.oneof(
  fc.constantFrom("", "arn", "aws", "aws-cn", "iam", "lambda", "us-east-1", "123456789012", "12345678901", "1234567890123", "12345678901a", "٠١٢٣٤٥٦٧٨٩٠١", "role/x", "function:f", "*"),
  fc.string({ maxLength: 14 }),
  fc.stringMatching(/^\d{10,13}$/),
);

describe("accountOf", () => {
  it("is the fifth field of the ARN when it is 12 digits, for any string", () => {
    fc.assert(
      fc.property(fc.array(field, { maxLength: 8 }), (parts) => {
        const arn = parts.join(":");
        expect(accountOf(arn)).toBe(reference(arn));
      }),
      { numRuns: 2000 },
    );
  });

  it("on real ARNs", () => {
    expect(accountOf("arn:aws:iam::123456789012:role/service-role/r")).toBe("123456789012");
    expect(accountOf("arn:aws:lambda:us-east-1:123456789012:function:f:PROD")).toBe("123456789012");
    expect(accountOf("arn:aws:s3:::bucket/key")).toBeNull();
    expect(accountOf("arn:aws:iam::aws:policy/AdministratorAccess")).toBeNull();
    expect(accountOf("arn:aws:iam::123456789012")).toBe("123456789012");
  });
});
