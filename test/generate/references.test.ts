/**
 * rewriteValue: which parts of a generated Resource string are written back as the expressions a
 * template or plan made them from (value-references.ts).
 */
import { describe, expect, it } from "vitest";
import { rewriteText, rewriteValue } from "../../src/generate/references.js";
import type { ValueReferences } from "../../src/sources/value-references.js";

function table(values: [string, string | null][], whole: string[] = []): ValueReferences {
  return { file: "t.yaml", language: "cloudformation", values: new Map(values), whole: new Set(whole), conditionParameters: [] };
}

describe("rewriteValue", () => {
  const t = table(
    [
      ["dev-orders", "${Env}-orders"],
      ["dev", "${Env}"],
      ["dev-orders-api", "${Env}-orders-api"],
      ["prd-orders", null],
    ],
    ["dev"],
  );

  it("writes a name inside an ARN at name boundaries, the longest first", () => {
    expect(rewriteValue("arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/dev-orders/stream/*", t)).toEqual({
      expression: "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Env}-orders/stream/*",
      baked: [],
    });
    expect(rewriteValue("arn:aws:logs:unknown:unknown:log-group:/aws/lambda/dev-orders-api:*", t).expression).toBe("arn:aws:logs:unknown:unknown:log-group:/aws/lambda/${Env}-orders-api:*");
  });

  it("leaves a name that merely contains a value (no boundary) as it is", () => {
    expect(rewriteValue("arn:aws:dynamodb:eu-west-1:111122223333:table/dev-orders-archive", t)).toEqual({ expression: null, baked: [] });
    expect(rewriteValue("arn:aws:s3:::my-dev-orders/*", t)).toEqual({ expression: null, baked: [] });
  });

  it("writes a value that is a reference alone only where it is the whole string", () => {
    expect(rewriteValue("dev", t)).toEqual({ expression: "${Env}", baked: [] });
    expect(rewriteValue("arn:aws:ssm:eu-west-1:111122223333:parameter/dev/*", t)).toEqual({ expression: null, baked: [] });
  });

  it("says which parts came from a default but cannot be written back", () => {
    expect(rewriteValue("arn:aws:logs:unknown:unknown:log-group:/aws/lambda/prd-orders:*", t)).toEqual({ expression: null, baked: ["prd-orders"] });
  });
});

describe("rewriteText", () => {
  const refs = {
    language: "cloudformation" as const,
    values: {},
    names: { "dev-orders": "${Env}-orders", "dev-orders-api": "${Env}-orders-api", "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:dev-orders-dlq": "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${Env}-orders-dlq" },
  };

  it("writes a comment's names as the body writes them, at the boundaries of prose and ARNs", () => {
    expect(rewriteText("required (logs): /aws/lambda/dev-orders-api", refs)).toBe("required (logs): /aws/lambda/${Env}-orders-api");
    expect(rewriteText("required by the configuration (logs: /aws/lambda/dev-orders-api); the names", refs)).toBe("required by the configuration (logs: /aws/lambda/${Env}-orders-api); the names");
    expect(rewriteText("required (dead-letter): arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:dev-orders-dlq", refs)).toBe("required (dead-letter): arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${Env}-orders-dlq");
    expect(rewriteText("the table dev-orders. Then", refs)).toBe("the table ${Env}-orders. Then");
  });

  it("leaves a name that merely contains one, and text without references, as it is", () => {
    expect(rewriteText("table/my-dev-orders-archive and dev-orders.v2", refs)).toBe("table/my-dev-orders-archive and dev-orders.v2");
    expect(rewriteText("/aws/lambda/dev-orders-api", undefined)).toBe("/aws/lambda/dev-orders-api");
    expect(rewriteText("/aws/lambda/dev-orders-api", { language: "cloudformation", values: {} })).toBe("/aws/lambda/dev-orders-api");
  });
});
