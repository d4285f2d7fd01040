/**
 * The text report of a CDK app names functions and roles by their construct paths, as the JSON,
 * Markdown and SARIF reports do: the names a CDK app's resources get before deployment
 * (`GetParameterStack-AWS679f53fac002430cb0da5b7982bd22872D164C4C`) are CloudFormation's, not what
 * the app's author wrote. Both shapes a cloud assembly comes in: the CDK's integration snapshots
 * (construct paths in the manifest's `aws:cdk:logicalId` metadata only) and `cdk synth`'s own
 * output (`aws:cdk:path` on every resource). A template without construct paths is reported as before.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { auditDocument } from "../../src/audit/index.js";
import { buildDocument } from "../../src/audit/build-document.js";
import { renderTable } from "../../src/report/index.js";

const SWEEP = new URL("../fixtures/cdk-sweep/", import.meta.url).pathname;
const SYNTH = new URL("../iac/fixtures/cdk-synth/cdk.out/", import.meta.url).pathname;

async function table(paths: string[]): Promise<string> {
  const doc = await buildDocument(paths, { workers: 1 });
  return renderTable(auditDocument(doc), doc, { color: false, width: 200 });
}

/** The report's text with its lines joined, so that a wrapped message reads whole. */
const text = (out: string) => out.replace(/\s+/g, " ");

/** Each block's head and the lines under a finding saying where it is (dimmed in a terminal). */
const heads = (out: string) => out.split("\n").filter((l) => /^(function|\d+ functions:|role|policy) /.test(l));
const wheres = (out: string) => out.split("\n").filter((l) => /^ {10,}(on (function|role|policy|principal|layer) |in )/.test(l)).map((l) => l.trim());

describe("the text report of a CDK app", () => {
  it("names the function and its role by construct, and the construct that adds a statement (manifest construct paths)", async () => {
    const out = await table([join(SWEEP, "aws-custom-resource-ssm-cross-stack")]);
    // Before: function GetParameterStack-AWS679f53fac002430cb0da5b7982bd22872D164C4C (unknown, role
    // AWS679f53fac002430cb0da5b7982bd2287ServiceRoleC1EA0FF2-75cf490e), and "on role" the role's name.
    expect(heads(out)).toEqual(["function GetParameterStack/AWS679f53fac002430cb0da5b7982bd2287 (region unknown, role GetParameterStack/AWS679f53fac002430cb0da5b7982bd2287/ServiceRole)"]);
    // The message names the role and the policy by construct (before: "Role
    // AWS679f53fac002430cb0da5b7982bd2287ServiceRoleC1EA0FF2-75cf490e:
    // inline:GetParameterCustomResourcePolicyD8E5D455 Statement[0]"), so the line under it that
    // said "on role <construct>, in <policy construct>" is not printed again.
    expect(text(out)).toContain("LR003 Role GetParameterStack/AWS679f53fac002430cb0da5b7982bd2287/ServiceRole: GetParameterStack/GetParameter/CustomResourcePolicy Statement[0] grants 1 action");
    expect(text(out)).not.toContain("AWS679f53fac002430cb0da5b7982bd2287ServiceRoleC1EA0FF2-75cf490e");
    expect(wheres(out)).toEqual([]);
  });

  it("says a grant is in the role's DefaultPolicy compactly", async () => {
    const out = await table([join(SWEEP, "provider-no-echo")]);
    expect(heads(out)).toEqual(["function integ-provider-no-echo/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a (region unknown, role integ-provider-no-echo/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/ServiceRole)"]);
    expect(text(out)).toContain("LR003 Role integ-provider-no-echo/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/ServiceRole: integ-provider-no-echo/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/ServiceRole/DefaultPolicy Statement[0]");
    expect(wheres(out)).toEqual([]);
  });

  it("does the same on what cdk synth writes (aws:cdk:path metadata), functions sharing a role listed by construct", async () => {
    const out = await table([join(SYNTH, "OrdersStack.template.json"), join(SYNTH, "OrdersStackNestedB84F9012.nested.template.json")]);
    expect(heads(out)).toContain("2 functions: OrdersStack/ReportA, OrdersStack/ReportB (role OrdersStack/SharedRole; eu-west-1)");
    expect(heads(out)).toContain("function OrdersStack/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a (eu-west-1, role OrdersStack/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/ServiceRole)");
    expect(text(out)).toContain("Role OrdersStack/Api/ServiceRole: OrdersStack/Api/ServiceRole/DefaultPolicy Statement[2] allows");
    expect(text(out)).toContain("Role OrdersStack/AWS679f53fac002430cb0da5b7982bd2287/ServiceRole: OrdersStack/ReadParam/CustomResourcePolicy Statement[0]");
    expect(text(out)).toContain("Role OrdersStack/SharedRole is the execution role of 2 functions (OrdersStack/ReportA, OrdersStack/ReportB)");
    expect(wheres(out)).toEqual([]);
    // No physical name of the app's functions in a head.
    expect(heads(out).filter((l) => /OrdersStack-/.test(l))).toEqual([]);
  });

  it("names a plan's functions and roles in the block heads as the messages do: by the terraform-aws-modules call and the role's address, not by function_name and name", async () => {
    const out = await table([new URL("../fixtures/terraform-sweep/tfmod-shared-role/plan.json", import.meta.url).pathname]);
    expect(heads(out)).toEqual(["function module.orders (eu-west-1, role aws_iam_role.shared)", "function module.reports (eu-west-1, role aws_iam_role.shared)"]);
    expect(text(out)).toContain("Function module.reports cannot write its logs");
  });

  it("a template without construct paths: its resources by logical ID, as the messages name them, and no `in` line", async () => {
    const out = await table(["/work/shared/corpus/serverless-patterns-sam/cloudtrail-lambda-slack-sam/template.yml"]);
    const h = heads(out);
    expect(h.length).toBeGreaterThan(0);
    expect(h.every((l) => !l.includes("/"))).toBe(true);
    // The function's FunctionName is SlackNotifierLambda, its role's RoleName LambdaBasicExecutionRole.
    // Before: "(unknown, role LambdaIamRole)": the template names no region, which read as the role's.
    expect(h).toEqual(["function LambdaFunction (region unknown, role LambdaIamRole)"]);
    expect(wheres(out).filter((l) => l.startsWith("in "))).toEqual([]);
  });
});
