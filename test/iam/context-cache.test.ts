/**
 * evaluateRequest caches what it derives from a frozen request context (principal keys, lower-cased
 * values). The cached answer must equal the uncached one, and an unfrozen context changed between
 * two calls must be read afresh.
 */
import { describe, expect, it } from "vitest";
import { evaluateRequest, type RequestContext } from "../../src/iam/index.js";
import type { PolicyDocument } from "../../src/model/document.js";

const policy: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::home/${aws:username}/*"] },
    { Effect: "Allow", Action: ["lambda:GetFunction"], Resource: ["*"], Condition: { StringEquals: { "aws:RequestedRegion": ["eu-west-1"] } } },
  ],
};
const user = "arn:aws:iam::123456789012:user/alice";

describe("request contexts", () => {
  it("a frozen context shared by many requests gives the answers of fresh contexts", () => {
    const frozen = Object.freeze({ "aws:RequestedRegion": "eu-west-1" }) as RequestContext;
    for (const [action, resource] of [
      ["s3:GetObject", "arn:aws:s3:::home/alice/x"],
      ["s3:GetObject", "arn:aws:s3:::home/bob/x"],
      ["lambda:GetFunction", "arn:aws:lambda:eu-west-1:123456789012:function:f"],
    ] as const) {
      for (const principalArn of [user, "arn:aws:iam::123456789012:user/bob"]) {
        const shared = evaluateRequest({ identityPolicies: [policy], request: { action, resource, principalArn, context: frozen } });
        const fresh = evaluateRequest({ identityPolicies: [policy], request: { action, resource, principalArn, context: { "aws:RequestedRegion": ["eu-west-1"] } } });
        expect(shared).toEqual(fresh);
      }
    }
    // Same frozen object, another principal: aws:username follows the principal, not the first call.
    const bob = evaluateRequest({ identityPolicies: [policy], request: { action: "s3:GetObject", resource: "arn:aws:s3:::home/bob/x", principalArn: "arn:aws:iam::123456789012:user/bob", context: frozen } });
    expect(bob.decision).toBe("allowed");
  });

  it("the same frozen context with another earliestTime is judged at that instant, not the first call's", () => {
    const windowed: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["*"], Condition: { DateLessThan: { "aws:CurrentTime": ["2020-01-01T00:00:00Z"] } } }],
    };
    const frozen = Object.freeze({ "aws:RequestedRegion": "eu-west-1" }) as RequestContext;
    const at = (earliestTime: string | undefined) =>
      evaluateRequest({ identityPolicies: [windowed], request: { action: "s3:GetObject", resource: "arn:aws:s3:::b/k", principalArn: user, context: frozen, ...(earliestTime ? { earliestTime } : {}) } }).decision;
    expect(at("2026-01-01T00:00:00Z")).toBe("implicit-deny");
    expect(at("2019-01-01T00:00:00Z")).toBe("conditional");
    expect(at(undefined)).toBe("conditional");
    expect(at("2026-01-01T00:00:00Z")).toBe("implicit-deny");
  });

  it("an earliestTime that is not a time is an error naming it", () => {
    expect(() => evaluateRequest({ identityPolicies: [policy], request: { action: "s3:GetObject", resource: "*", earliestTime: "next tuesday" } })).toThrow(/earliestTime is not a time: next tuesday/);
  });

  it("an unfrozen context changed between calls is read again", () => {
    const context: Record<string, string> = { "aws:RequestedRegion": "eu-west-1" };
    const request = { action: "lambda:GetFunction", resource: "arn:aws:lambda:eu-west-1:123456789012:function:f", principalArn: user, context };
    expect(evaluateRequest({ identityPolicies: [policy], request }).decision).toBe("allowed");
    context["aws:RequestedRegion"] = "us-east-1";
    expect(evaluateRequest({ identityPolicies: [policy], request }).decision).toBe("implicit-deny");
  });
});
