/**
 * arnAccount reads the account without splitting the ARN (it runs twice per evaluated request and
 * per escalation candidate); its law is the plain definition: the fifth of six parts (or of five,
 * with `parts` 5, as analysis's accountOf reads it), when it is exactly 12 ASCII digits.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { accountOf } from "../../src/analysis/policies.js";
import { arnAccount, splitArn } from "../../src/iam/arn.js";

const reference = (arn: string): string | null => {
  const a = splitArn(arn)?.[4];
  return a !== undefined && /^\d{12}$/.test(a) ? a : null;
};
const referenceFive = (arn: string): string | null => {
  const a = arn.split(":")[4];
  return a !== undefined && /^\d{12}$/.test(a) ? a : null;
};

const field = fc.oneof(
  fc.constantFrom("", "arn", "aws", "aws-us-gov", "sts", "s3", "eu-west-1", "123456789012", "12345678901", "1234567890123", "12345678901x", "١٢٣٤٥٦٧٨٩٠١٢", "role/x", "assumed-role/r/s", "*"),
  fc.string({ maxLength: 14 }),
  fc.stringMatching(/^\d{11,13}$/),
);

describe("arnAccount", () => {
  it("is splitArn's account part when it is 12 digits (analysis: the fifth field, resource optional), for any string", () => {
    fc.assert(
      fc.property(fc.array(field, { maxLength: 8 }), (parts) => {
        const arn = parts.join(":");
        expect(arnAccount(arn)).toBe(reference(arn));
        expect(accountOf(arn)).toBe(referenceFive(arn));
      }),
      { numRuns: 2000 },
    );
  });

  it("on real ARNs", () => {
    expect(arnAccount("arn:aws:sts::123456789012:assumed-role/r/fn")).toBe("123456789012");
    expect(arnAccount("arn:aws:lambda:us-east-1:123456789012:function:f:PROD")).toBe("123456789012");
    expect(arnAccount("arn:aws:s3:::bucket/key")).toBeNull();
    expect(arnAccount("arn:aws:iam::123456789012")).toBeNull();
    expect(accountOf("arn:aws:iam::123456789012")).toBe("123456789012");
    expect(accountOf("arn:aws:iam::aws:policy/AdministratorAccess")).toBeNull();
  });
});
