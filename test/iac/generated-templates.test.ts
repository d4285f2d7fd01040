/**
 * Templates written by deployment tools, not by hand, as the tools write them (trimmed copies of
 * real output, each fixture with its SOURCE.md): the patterns of their own that leastrole must
 * read as CloudFormation deploys them.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { auditDocument, buildDocument } from "../../src/index.js";
import { packageRoot } from "../../src/evaluate/locate.js";

const fixtures = join(packageRoot(), "test", "iac", "fixtures");

describe("Architect's sam.json", () => {
  const file = join(fixtures, "architect-sam", "sam.json");

  it("joins every function to the shared Role its `!Sub [role/${roleName}, {roleName: !Ref Role}]` names", async () => {
    const document = await buildDocument([file], { iac: { accountId: "123456789012", region: "us-east-1" } });
    const role = document.roles.find((r) => r.displayName === "Role" || r.name === "Role");
    expect(role).toBeDefined();
    expect(document.functions.map((f) => [f.displayName ?? f.name, f.roleArn])).toEqual([
      ["BgQueueLambda", role?.arn],
      ["GetIndexHTTPLambda", role?.arn],
      ["PostQHTTPLambda", role?.arn],
    ]);
    // The role and its separate AWS::IAM::Policy are read, so nothing is missing.
    expect(document.meta.warnings.filter((w) => /not in the IAM inputs/.test(w.message))).toEqual([]);
    const findings = auditDocument(document).findings;
    // Before, the functions' role was "not in the inputs" and the role "used by no function".
    expect(findings.filter((f) => f.ruleId === "LR016")).toEqual([]);
    expect(findings.find((f) => f.ruleId === "LR001")?.message).toBe("Role Role is the execution role of 3 functions (BgQueueLambda, GetIndexHTTPLambda, PostQHTTPLambda)");
    // Architect's queue policy names sqs:SendMessageBatch, which no IAM policy can grant
    // (SendMessageBatch is authorised by sqs:SendMessage).
    expect(findings.find((f) => f.ruleId === "LR019")?.message).toMatch(/sqs:SendMessageBatch/);
  });
});
