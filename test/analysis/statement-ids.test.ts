import { describe, expect, it } from "vitest";
import { resourcePolicyStatementIds } from "../../src/analysis/statement-ids.js";
import type { PolicyStatement } from "../../src/model/document.js";

const ARN = "arn:aws:lambda:us-east-1:123456789012:function:api";
const st = (extra: Partial<PolicyStatement>): PolicyStatement => ({ Effect: "Allow", Action: ["lambda:InvokeFunction"], Principal: "*", Resource: [ARN], ...extra });

describe("resourcePolicyStatementIds", () => {
  it("names a statement by its policy's qualifier and its Sid", () => {
    const ids = resourcePolicyStatementIds({
      resourcePolicy: { Statement: [st({ Sid: "any", Resource: [`${ARN}:live`] }), st({ Sid: "any" })] },
      resourcePolicyStatementOrigins: [
        { qualifier: "live", index: 0 },
        { qualifier: null, index: 0 },
      ],
    });
    expect(ids).toEqual(["sid:live:any", "sid::any"]);
  });

  it("without a Sid, by content: the same wherever the statement stands", () => {
    const a = st({});
    const b = st({ Principal: { Service: ["s3.amazonaws.com"] } });
    const ab = resourcePolicyStatementIds({ resourcePolicy: { Statement: [a, b] } });
    const ba = resourcePolicyStatementIds({ resourcePolicy: { Statement: [b, a] } });
    expect(ab[0]).toMatch(/^content:[0-9a-f]{32}$/);
    expect(ab[0]).not.toBe(ab[1]);
    expect([ab[1], ab[0]]).toEqual(ba);
  });

  it("a Sid two statements of one policy share (inputs that disagree) names neither", () => {
    const ids = resourcePolicyStatementIds({ resourcePolicy: { Statement: [st({ Sid: "x" }), st({ Sid: "x", Principal: { AWS: ["arn:aws:iam::444455556666:root"] } })] } });
    expect(ids.every((id) => id.startsWith("content:"))).toBe(true);
    expect(ids[0]).not.toBe(ids[1]);
  });
});
