/**
 * What `generate` says of the policies a template or plan puts on today's role from outside the
 * role's definition (CDK's DefaultPolicy, a Policy or ManagedPolicy naming the role, Terraform's
 * aws_iam_role_policy and attachments). The generated role replaces the definition only: pasted,
 * it leaves them attached, and the role is as broad as before. Each output names them (logical ID
 * or address, file, line, CDK construct path), with what to do: remove it (and what DependsOn it),
 * or take the role out of one that names other roles too; `--format json` carries them in
 * `separatePolicies`; the CLI prints the warning on stderr.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildDocument } from "../../src/audit/build-document.js";
import { packageRoot } from "../../src/evaluate/locate.js";
import { generatePolicy, runGenerate } from "../../src/generate/index.js";
import type { GeneratedPolicy } from "../../src/generate/types.js";

const root = packageRoot();
const cdk = join(root, "test", "iac", "fixtures", "cdk-policy-resources", "cdk.out");
const plan = join(root, "test", "iac", "fixtures", "terraform-policy-resources", "plan.json");
const slack = "/work/shared/corpus/serverless-patterns-sam/cloudtrail-lambda-slack-sam/template.yml";
const dir = mkdtempSync(join(tmpdir(), "leastrole-separate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const API = "arn:aws:lambda:eu-west-1:111122223333:function:Orders-ApiF70053CD";
const EXPORTER = "arn:aws:lambda:eu-west-1:111122223333:function:Orders-Exporter5EE693A2";

describe("generate names the policies beside the role it replaces", () => {
  it("CDK's DefaultPolicy: remove it, and its logical ID from the function's DependsOn (json: separatePolicies)", async () => {
    const doc = await buildDocument([cdk], { workers: 1 });
    const g = generatePolicy(doc, API);
    expect(g.separatePolicies?.map((p) => [p.source.address, p.type, p.action, p.dependents])).toEqual([["ApiServiceRoleDefaultPolicyB24862FE", "AWS::IAM::Policy", "remove", ["ApiF70053CD"]]]);
    const w = g.warnings.find((x) => x.code === "policies-attached-elsewhere")?.message;
    expect(w).toContain("ApiServiceRoleDefaultPolicyB24862FE (AWS::IAM::Policy, ");
    expect(w).toContain("Orders.template.json, line ");
    expect(w).toContain("CDK Orders/Api/ServiceRole/DefaultPolicy/Resource");
    expect(w).toContain("remove it, and its logical ID from the DependsOn of ApiF70053CD");
    // The JSON output is the build: the field is there, as the API gives it.
    const json = JSON.parse(runGenerate(doc, { format: "json", function: API }).output) as GeneratedPolicy[];
    expect(json[0]?.separatePolicies).toEqual(g.separatePolicies);
  });

  it("a Policy and a ManagedPolicy naming two roles: take this role out of their Roles", async () => {
    const doc = await buildDocument([cdk], { workers: 1 });
    const g = generatePolicy(doc, EXPORTER);
    expect(g.separatePolicies?.map((p) => [p.source.address, p.action, p.sharedWith])).toEqual([
      ["BucketAccess1F7583DE", "edit", ["role ImporterServiceRole6C1C53A3"]],
      ["TableAdminBC3102D9", "edit", ["role ImporterServiceRole6C1C53A3"]],
    ]);
    expect(g.warnings.find((x) => x.code === "policies-attached-elsewhere")?.message).toContain("and on role ImporterServiceRole6C1C53A3 too: take this role out of its Roles");
  });

  it("--format cloudformation and sam write it in the header; a new role (another name) has none", async () => {
    const doc = await buildDocument([cdk], { workers: 1 });
    const cfn = runGenerate(doc, { format: "cloudformation", function: API }).output;
    expect(cfn).toMatch(/^# {3}warning \(policies-attached-elsewhere\): .*ApiServiceRoleDefaultPolicyB24862FE/m);
    const sam = runGenerate(doc, { format: "sam", function: API }).output;
    expect(sam).toMatch(/^# {3}warning \(policies-attached-elsewhere\): .*ApiServiceRoleDefaultPolicyB24862FE/m);
    // A role of its own for the function (a split's, another name) is not today's: nothing stays on it.
    const fresh = generatePolicy(doc, API, { roleName: "orders-api-least" });
    expect(fresh.separatePolicies).toBeUndefined();
    expect(fresh.warnings.map((x) => x.code)).not.toContain("policies-attached-elsewhere");
  });

  it("a SAM function's role: the template's own AWS::IAM::Policy is named, not said to be added by SAM", async () => {
    const file = join(dir, "sam.yaml");
    // A policy naming the role SAM makes for the function (`<Function>Role`, which SAM lets a template reference).
    writeFileSync(
      file,
      `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(e, c): return {}"
      Policies:
        - DynamoDBReadPolicy:
            TableName: orders
  ExtraAccess:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: extra
      Roles:
        - !Ref OrdersFunctionRole
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: "s3:*"
            Resource: "*"
`,
    );
    const doc = await buildDocument([file], { workers: 1 });
    const out = runGenerate(doc, { format: "sam" }).output;
    // Before: "SAM still attaches AWSLambdaBasicExecutionRole … and adds the inline policies extra".
    expect(out).not.toContain("adds the inline policies extra");
    expect(out).toMatch(/^# {3}warning \(policies-attached-elsewhere\): A resource .*ExtraAccess \(AWS::IAM::Policy, .*sam\.yaml, line 13\) puts inline policy extra on it: remove it\./m);
  });

  it.skipIf(!existsSync(slack))("the corpus's hand-written AWS::IAM::Policy (serverless-patterns cloudtrail-lambda-slack-sam)", async () => {
    const doc = await buildDocument([slack], { workers: 1 });
    const [target] = runGenerate(doc, { format: "cloudformation" }).targets;
    expect(target?.build.separatePolicies?.map((p) => [p.source.address, p.inlinePolicy, p.action])).toEqual([["RolePolicies", "LambdaBasicExecutionRolePolicy", "remove"]]);
  });

  it("--format terraform from a plan names each block, its depends_on, and what the exclusive resources would do to the generated policy", async () => {
    const doc = await buildDocument([plan], { workers: 1 });
    const out = runGenerate(doc, { format: "terraform" }).output;
    const api = out.split("\n").find((l) => l.startsWith("# Warning (policies-attached-elsewhere)") && l.includes("api_logs"));
    // The role's one aws_iam_role_policy is the one the output writes, under its address and name
    // (aws_lambda_function.api's depends_on on it stays right); before, it was to be removed.
    expect(api).not.toContain("aws_iam_role_policy.api_tables");
    expect(out).toMatch(/# The policy takes the place of aws_iam_role_policy\.api_tables \(.*main\.tf, line 20\), inline policy tables: the same address and name/);
    expect(out).toMatch(/resource "aws_iam_role_policy" "api_tables" \{\n {2}name = "tables"\n {2}role = aws_iam_role\.api\.id\n/);
    expect(api).toContain("aws_iam_policy_attachment.queues (");
    expect(api).toContain("to role aws_iam_role.worker too: take this role out of its roles");
    const worker = out.split("\n").find((l) => l.startsWith("# Warning (policies-attached-elsewhere)") && l.includes("worker_s3"));
    expect(worker).toContain("aws_iam_role_policies_exclusive.worker (");
    expect(worker).toContain("deletes every inline policy of the role it does not name, the generated one too");
    expect(worker).toContain("aws_iam_role_policy_attachments_exclusive.worker (");
    const actions = runGenerate(doc, { format: "json" }).targets.map((t) => t.build.separatePolicies?.map((p) => `${p.source.address}:${p.action}`));
    expect(actions).toEqual([
      ["aws_iam_policy_attachment.queues:edit", "aws_iam_role_policy.api_tables:remove", "aws_iam_role_policy_attachment.api_logs:remove"],
      [
        "aws_iam_policy_attachment.queues:edit",
        "aws_iam_role_policies_exclusive.worker:edit",
        "aws_iam_role_policy.worker_legacy:remove",
        "aws_iam_role_policy.worker_s3:remove",
        "aws_iam_role_policy_attachments_exclusive.worker:edit",
      ],
    ]);
  });

  it("the CLI says it on stderr", () => {
    const r = spawnSync(process.execPath, [join(root, "dist", "cli.js"), "generate", cdk, "--function", "Orders-ApiF70053CD", "--format", "cloudformation"], { encoding: "utf8", maxBuffer: 1 << 26 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^leastrole: .*Orders-ApiF70053CD: A resource outside today's role definition puts policies on the role.*ApiServiceRoleDefaultPolicyB24862FE/m);
  });
});
