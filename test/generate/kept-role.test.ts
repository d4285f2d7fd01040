/**
 * The Terraform and CloudFormation outputs keep what identifies today's role when the generated role
 * keeps its name: its path, its template logical ID or plan resource name, and a name the template
 * left to CloudFormation. Otherwise the output is a second role, not a replacement (a role whose
 * path, logical ID or RoleName changed is replaced, and creating it beside today's clashes).
 */
import { execFileSync, spawnSync } from "node:child_process";
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

function hasTerraform(): boolean {
  return spawnSync("terraform", ["version"], { encoding: "utf8" }).status === 0;
}

function hasSamTranslator(): boolean {
  try {
    execFileSync("python3", ["-c", "import samtranslator"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

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

  it("an unnamed role whose logical ID is longer than a role name (CDK's BucketNotificationsHandler…Role…): its logical ID, no RoleName", async () => {
    // CDK writes such IDs for its singleton handlers (BucketNotificationsHandler050a…RoleB6FB88EC,
    // 72 characters); CloudFormation truncates the name it makes from them. Before, the role was
    // taken for one of no name: a new role named after the function, beside today's.
    const id = "BucketNotificationsHandler050a0587b7544547bf325f094a3db834RoleB6FB88EC";
    const file = join(dir, "long-id.yaml");
    writeFileSync(file, template({ Description: "x" }).replaceAll("OrdersExecRole", id));
    const { document } = await normalize([file]);
    const resources = (YAML.parse(runGenerate(document, { format: "cloudformation" }).output) as { Resources: Resources }).Resources;
    expect(Object.keys(resources)).toEqual([id]);
    expect(resources[id]?.Properties.RoleName).toBeUndefined();
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

describe("Terraform output from a template names the role after its logical ID", () => {
  it("a logical ID that starts with a digit is a valid Terraform name (terraform reads the configuration)", async () => {
    // CloudFormation deploys a logical ID such as 1OrdersRole (alphanumeric; aws-cdk#26075), which
    // Terraform refuses as a resource name. Before, resource "aws_iam_role" "1OrdersRole" went out.
    const file = join(dir, "digit.yaml");
    writeFileSync(file, template({ RoleName: "orders-exec" }).replaceAll("OrdersExecRole", "1OrdersRole"));
    const { document } = await normalize([file]);
    const tf = runGenerate(document, { format: "terraform" }).output;
    expect(tf).toContain('resource "aws_iam_role" "_1OrdersRole" {');
    expect(tf).toMatch(/\n  role += aws_iam_role\._1OrdersRole\.id\n/);
    if (!hasTerraform()) return;
    const tfDir = mkdtempSync(join(tmpdir(), "leastrole-tf-digit-"));
    try {
      writeFileSync(join(tfDir, "main.tf"), tf);
      // Without the AWS provider, console stops at "Missing required provider", after it checked the names.
      const r = spawnSync("terraform", ["console"], { input: "1\n", cwd: tfDir, encoding: "utf8", env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null", CHECKPOINT_DISABLE: "1", NO_COLOR: "1" } });
      expect(`${r.stdout}${r.stderr}`).not.toContain("Invalid resource name");
    } finally {
      rmSync(tfDir, { recursive: true, force: true });
    }
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

describe("CloudFormation output from a SAM template whose role SAM makes", () => {
  // SAM makes `ApiRole` from the function's Policies: it is not in the template as written, and the
  // transform refuses a second resource with that logical ID (samtranslator
  // DuplicateLogicalIdException). Before, the output wrote `ApiRole`: pasted, the stack failed.
  const sam = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
      KeySchema: [{ AttributeName: id, KeyType: HASH }]
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      CodeUri: s3://bucket/code.zip
      Policies:
        - AmazonDynamoDBFullAccess
      Environment:
        Variables:
          TABLE: !Ref Orders
`;

  it("gives the role a logical ID of its own, no RoleName, and says how to wire it", async () => {
    const file = join(dir, "sam-ids.yaml");
    writeFileSync(file, sam);
    const { document } = await normalize([file]);
    expect(document.roles.map((r) => [r.source?.address, r.source?.samMadeFrom])).toEqual([["ApiRole", "Api"]]);
    const output = runGenerate(document, { format: "cloudformation" }).output;
    expect(Object.keys((YAML.parse(output) as { Resources: Resources }).Resources)).toEqual(["ApiLeastPrivilegeRole"]);
    expect(output).toContain("SAM makes ApiRole from Api's Policies and refuses a second resource with that logical ID");
  });

  // The real transform, where aws-sam-translator (PyPI) is installed, as on the development machine.
  it.runIf(hasSamTranslator())("pasted as the header says, samtranslator accepts the template (the old output's ApiRole it refused)", async () => {
    const file = join(dir, "sam.yaml");
    writeFileSync(file, sam);
    const { document } = await normalize([file]);
    const output = runGenerate(document, { format: "cloudformation" }).output;
    const resources = (YAML.parse(output) as { Resources: Resources }).Resources;
    expect(Object.keys(resources)).toEqual(["ApiLeastPrivilegeRole"]);
    expect(resources.ApiLeastPrivilegeRole?.Properties.RoleName).toBeUndefined();
    expect(output).toContain("set Api's Role: !GetAtt ApiLeastPrivilegeRole.Arn and remove its Policies");

    // The user's edit, as the header says; then the real transform (aws-sam-translator from PyPI).
    const edited = YAML.parse(sam) as { Resources: Resources };
    const fn = edited.Resources.Api as { Properties: { [k: string]: unknown } };
    delete fn.Properties.Policies;
    fn.Properties.Role = { "Fn::GetAtt": ["ApiLeastPrivilegeRole", "Arn"] };
    const transform = (template: { Resources: Resources }, resourcesToAdd: Resources): string => {
      const t = join(dir, "edited.json");
      writeFileSync(t, JSON.stringify({ ...template, Resources: { ...template.Resources, ...resourcesToAdd } }));
      const script = [
        "import json, sys",
        "from samtranslator.translator.transform import transform",
        "from samtranslator.public.exceptions import InvalidDocumentException",
        "class Loader:",
        "    def load(self, *a, **k): return None",
        "try:",
        "    out = transform(json.load(open(sys.argv[1])), {}, Loader())",
        "    print('ok ' + ' '.join(sorted(k for k, v in out['Resources'].items() if v['Type'] == 'AWS::IAM::Role')))",
        "except InvalidDocumentException as e:",
        "    print('error ' + ' '.join(str(c) for c in e.causes))",
      ].join("\n");
      return execFileSync("python3", ["-c", script, t], { encoding: "utf8", env: { ...process.env, AWS_DEFAULT_REGION: "us-east-1" } }).trim();
    };
    expect(transform(edited, resources)).toBe("ok ApiLeastPrivilegeRole");
    // The old output pasted into the template as written: SAM's own ID, refused (DuplicateLogicalIdException).
    expect(transform(YAML.parse(sam) as { Resources: Resources }, { ApiRole: resources.ApiLeastPrivilegeRole as Resources[string] })).toBe("error ('Api', 'ApiRole', 'AWS::IAM::Role')");
  });
});
