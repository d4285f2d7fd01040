/**
 * The Terraform and CloudFormation outputs keep what identifies today's role when the generated role
 * keeps its name: its path, its template logical ID or plan resource name, and a name the template
 * left to CloudFormation. Otherwise the output is a second role, not a replacement (a role whose
 * path, logical ID or RoleName changed is replaced, and creating it beside today's clashes).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import YAML from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { runGenerate } from "../../src/generate/index.js";
import { normalize } from "../../src/audit/normalize-paths.js";

const dir = mkdtempSync(join(tmpdir(), "leastrole-kept-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const template = (roleProps: object) => `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  OrdersExecRole:
    Type: AWS::IAM::Role
    Properties:
${YAML.stringify(roleProps).replace(/^/gm, "      ")}
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: all
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - { Effect: Allow, Action: "dynamodb:*", Resource: "*" }
  Orders:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: orders
      Runtime: python3.12
      Handler: app.handler
      Code: { ZipFile: "def handler(e, c): pass" }
      Role: !GetAtt OrdersExecRole.Arn
`;

type Resources = { [id: string]: { Type: string; Properties: { [k: string]: unknown } } };

async function cloudFormationOf(roleProps: object, name: string): Promise<Resources> {
  const file = join(dir, name);
  writeFileSync(file, template(roleProps));
  const { document } = await normalize([file]);
  return (YAML.parse(runGenerate(document, { format: "cloudformation" }).output) as { Resources: Resources }).Resources;
}

describe("CloudFormation output from a template keeps today's role", () => {
  it("an unnamed role: its logical ID, and no RoleName (CloudFormation names it, as today)", async () => {
    const resources = await cloudFormationOf({ Description: "x" }, "unnamed.yaml");
    expect(Object.keys(resources)).toEqual(["OrdersExecRole"]);
    expect(resources.OrdersExecRole?.Properties.RoleName).toBeUndefined();
    expect(resources.OrdersExecRole?.Properties.Path).toBeUndefined();
  });

  it("a named role with a path: its logical ID, RoleName and Path", async () => {
    const resources = await cloudFormationOf({ RoleName: "orders-exec", Path: "/service-role/" }, "named.yaml");
    expect(Object.keys(resources)).toEqual(["OrdersExecRole"]);
    expect(resources.OrdersExecRole?.Properties).toMatchObject({ RoleName: "orders-exec", Path: "/service-role/" });
  });

  it("a split of a shared role is a new role: a logical ID of its own, named after the function", async () => {
    const file = join(dir, "shared.yaml");
    writeFileSync(
      file,
      `${template({ RoleName: "shared" })}  Billing:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: billing
      Runtime: python3.12
      Handler: app.handler
      Code: { ZipFile: "def handler(e, c): pass" }
      Role: !GetAtt OrdersExecRole.Arn
`,
    );
    const { document } = await normalize([file]);
    const resources = (YAML.parse(runGenerate(document, { format: "cloudformation", split: true }).output) as { Resources: Resources }).Resources;
    expect(Object.keys(resources).sort()).toEqual(["BillingRoleRole", "OrdersRoleRole"]);
    expect(resources.OrdersRoleRole?.Properties.RoleName).toBe("orders-role");
    expect(resources.OrdersRoleRole?.Properties.Path).toBeUndefined();
  });
});

describe("Terraform output from a plan keeps today's role", () => {
  it("a root module's role keeps its resource name and path; a module's role keeps its path only", async () => {
    const { document } = await normalize(["test/iac/fixtures/terraform/lambda-app.plan.json"]);
    const tf = runGenerate(document, { format: "terraform" }).output;
    expect(tf).toMatch(/resource "aws_iam_role" "api" \{\n  name = "api-handler-role"\n  path = "\/service\/"\n/);
    // module.worker.aws_iam_role.this: one block here cannot take a module's place; its name is today's.
    expect(tf).toMatch(/resource "aws_iam_role" "jobs-worker-role" \{\n  name = "jobs-worker-role"\n  assume_role_policy/);
  });
});

describe("an export's role", () => {
  it("keeps its path in both outputs", async () => {
    const { document } = await normalize(["examples/demo-account"]);
    // orders-shared-role, billing-sync-role and image-resizer-role are under /service-role/.
    const role = document.roles.find((r) => r.path !== "/" && document.functions.some((f) => f.roleArn === r.arn))!;
    expect(role.path).toBe("/service-role/");
    const fn = document.functions.find((f) => f.roleArn === role.arn)!;
    expect(runGenerate(document, { format: "terraform", function: fn.arn }).output).toContain(`path = ${JSON.stringify(role.path)}`);
    const resources = (YAML.parse(runGenerate(document, { format: "cloudformation", function: fn.arn }).output) as { Resources: Resources }).Resources;
    expect(Object.values(resources)[0]?.Properties.Path).toBe(role.path);
  });
});
