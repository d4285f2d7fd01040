/**
 * LR005, LR006, LR007 and LR010 on roles the terraform-aws-modules/lambda module makes, through the
 * real pipeline (plan reader → normaliser → analysis → compiled pack), on plans Terraform made of
 * the module (test/fixtures/terraform-sweep/SOURCE.md): the finding names the call's input to set,
 * since its user cannot write a policy beside the module's.
 */
import { describe, expect, it } from "vitest";
import { audit } from "../../src/index.js";

const DIR = new URL("../fixtures/terraform-sweep/", import.meta.url).pathname;

const messages = async (fixture: string, ruleIds: string[]) => {
  const { report } = await audit([`${DIR}${fixture}/plan.json`]);
  return report.findings.filter((f) => ruleIds.includes(f.ruleId)).map((f) => [f.ruleId, f.message]);
};

describe("audit advice on a terraform-aws-modules/lambda role", () => {
  it("LR005 on a call with attach_cloudwatch_logs_policy = false names that input", async () => {
    expect(await messages("tfmod-simple", ["LR005"])).toEqual([
      [
        "LR005",
        "Function module.lambda_function cannot write its logs to /aws/lambda/tfmod-lambda-simple: its execution role does not allow logs:CreateLogStream, logs:PutLogEvents. Its role is made by the terraform-aws-modules/lambda call module.lambda_function: set attach_cloudwatch_logs_policy = true there (its default), which attaches the module's logs policy on the call's log group",
      ],
    ]);
  });

  it("LR010 on an event source no attach_* input grants: a statement in policy_statements", async () => {
    const found = await messages("tfmod-event-source-mapping", ["LR010"]);
    expect(found.length).toBeGreaterThan(0);
    for (const [, message] of found) expect(message).toContain(". Its role is made by the terraform-aws-modules/lambda call module.lambda_function: add the statement to its policy_statements input, with attach_policy_statements = true");
  });

  it("a call whose logs policy is for another call's function (create_role = false, lambda_role): no input is named", async () => {
    const found = await messages("tfmod-multiple-regions", ["LR005"]);
    expect(found.map(([, m]) => m)).toEqual(["Function module.lambda_function_us_east_1 cannot write its logs to /aws/lambda/tfmod-lambda-us-east-1: its execution role does not allow logs:CreateLogStream, logs:PutLogEvents"]);
  });

  it("a call given a role written outside the module (create_role = false, lambda_role = aws_iam_role.shared.arn): LR005 and LR007 name that role, not the call's attach_* inputs, which make nothing then", async () => {
    const outside = (call: string) =>
      `. Its role aws_iam_role.shared is not made by the terraform-aws-modules/lambda call ${call}, which is given it (create_role = false, lambda_role): grant this in that role's policies, where aws_iam_role.shared is written; the call's attach_* and policy inputs make nothing without create_role`;
    expect(await messages("tfmod-shared-role", ["LR005", "LR006", "LR007", "LR010"])).toEqual([
      // The role's own policy grants the orders function's group only.
      ["LR005", `Function module.reports cannot write its logs to /aws/lambda/tfmod-shared-reports: its execution role does not allow logs:CreateLogStream, logs:PutLogEvents${outside("module.reports")}`],
      // attach_tracing_policy = true is set on the call, and attaches nothing without create_role.
      ["LR007", `Function module.reports has Active tracing but its execution role does not allow xray:PutTelemetryRecords, xray:PutTraceSegments${outside("module.reports")}`],
    ]);
    // The two calls' functions share the role: LR001 on aws_iam_role.shared names both.
    expect(await messages("tfmod-shared-role", ["LR001"])).toEqual([["LR001", "Role aws_iam_role.shared is the execution role of 2 functions (module.orders, module.reports)"]]);
  });

  it("a log group the call reads as existing (use_existing_cloudwatch_log_group = true) is not one the function must create: no LR005 (it was low, logs:CreateLogGroup)", async () => {
    expect(await messages("tfmod-existing-log-group", ["LR005"])).toEqual([]);
  });
});
