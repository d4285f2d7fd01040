/**
 * generate --format terraform on plans of terraform-aws-modules/lambda
 * (test/fixtures/terraform-sweep/tfmod-*): the role is the module's
 * (`module.<call>.aws_iam_role.lambda[0]`), which a configuration cannot replace, so the output
 * gives the policy to the module call's inputs. Before, it wrote an `aws_iam_role` of the same
 * name beside the module's (EntityAlreadyExists at apply) and told the user to remove the module's
 * own attachments from its iam.tf.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runGenerate } from "../../src/generate/index.js";
import { normalize } from "../../src/audit/normalize-paths.js";
import { buildDocument } from "../../src/index.js";

const FIXTURES = "test/fixtures/terraform-sweep";

async function generateFor(name: string): Promise<string> {
  const { document } = await normalize([`${FIXTURES}/${name}/plan.json`]);
  return runGenerate(document, { format: "terraform" }).output;
}

describe("generate --format terraform for a terraform-aws-modules/lambda role", () => {
  it("sets the module call's policy_json and turns off the attach_* inputs whose policies the role has today", async () => {
    const tf = await generateFor("tfmod-event-source-mapping");
    expect(tf).not.toMatch(/resource "aws_iam_role"/);
    expect(tf).not.toContain("policies-attached-elsewhere");
    expect(tf).toContain("Today's role is module.lambda_function.aws_iam_role.lambda[0], made by the terraform-aws-modules/lambda module");
    const block = tf.slice(tf.indexOf('module "lambda_function" {'));
    // The role has the module's logs policy, policy_statements' and AWSLambdaSQSQueueExecutionRole (policies).
    expect(block.split("\n").slice(1, 5)).toEqual([
      "  attach_cloudwatch_logs_policy = false",
      "  attach_policies               = false",
      "  attach_policy_statements      = false",
      "  attach_policy_json            = true",
    ]);
    expect(block).toContain("  policy_json = jsonencode({");
    expect(block).toContain('Action   = ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]');
    expect(block.trimEnd().endsWith("}")).toBe(true);
  });

  it("says nothing of removing the module's own attachments from its iam.tf, which the inputs it writes turn off (stderr contradicted the output)", async () => {
    const { document } = await normalize([`${FIXTURES}/tfmod-triggers-url/plan.json`]);
    const result = runGenerate(document, { format: "terraform" });
    const warnings = result.targets.flatMap((t) => t.build.warnings.map((w) => w.code));
    expect(warnings).not.toContain("policies-attached-elsewhere");
    expect(result.output).toContain("attach_cloudwatch_logs_policy = false");
    // The same role written as JSON keeps the warning: there the attachments do stay beside the policy.
    const json = runGenerate(document, { format: "json" });
    expect(json.targets.flatMap((t) => t.build.warnings.map((w) => w.code))).toContain("policies-attached-elsewhere");
  });

  it("a role with the module's network, tracing and logs policies: those three off", async () => {
    const tf = await generateFor("tfmod-with-vpc");
    const block = tf.slice(tf.indexOf('module "lambda_function_in_vpc" {'));
    expect(block.split("\n").slice(1, 5)).toEqual([
      "  attach_cloudwatch_logs_policy = false",
      "  attach_network_policy         = false",
      "  attach_tracing_policy         = false",
      "  attach_policy_json            = true",
    ]);
  });

  it("a role today's trust policy lets another account assume (assume_role_policy_statements): the module's own trust, Lambda's alone", async () => {
    const tf = await generateFor("tfmod-complete");
    const block = tf.slice(tf.indexOf('module "lambda_function" {'));
    expect(block).toMatch(/\n {2}trusted_entities +\= \[\]\n/);
    expect(block).toMatch(/\n {2}assume_role_policy_statements +\= \{\}\n/);
    expect(tf).toContain("Today's trust policy lets more than Lambda assume the role");
    expect(await generateFor("tfmod-event-source-mapping")).not.toContain("trusted_entities");
  });

  it("the module is known by the call's source in the plan (the role's source.terraformModule): a call of another published module of the same shape is not it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-tfmod-"));
    try {
      const withSource = async (source: string) => {
        const plan = JSON.parse(readFileSync(`${FIXTURES}/tfmod-event-source-mapping/plan.json`, "utf8"));
        plan.configuration.root_module.module_calls.lambda_function.source = source;
        const file = join(dir, "plan.json");
        writeFileSync(file, JSON.stringify(plan));
        const { document } = await normalize([file]);
        return runGenerate(document, { format: "terraform" }).output;
      };
      expect(await withSource("terraform-aws-modules/lambda/aws")).toContain('module "lambda_function" {');
      expect(await withSource("terraform-aws-modules/iam/aws")).not.toContain('module "lambda_function" {');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a role written beside the calls that share it (create_role = false, lambda_role = aws_iam_role.shared.arn): each function's calls are its own, and the policy goes on that aws_iam_role with an aws_iam_role_policy, no module input", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-tfmod-"));
    try {
      // CloudTrail records of the two functions' sessions on the shared role, as Lambda names them (the function's name).
      const call = (i: number, fn: string, eventName: string, table: string) => ({
        eventVersion: "1.08",
        userIdentity: {
          type: "AssumedRole",
          principalId: `AROAEXAMPLEEXAMPLE01:${fn}`,
          arn: `arn:aws:sts::123456789012:assumed-role/tfmod-shared/${fn}`,
          accountId: "123456789012",
          sessionContext: { sessionIssuer: { type: "Role", principalId: "AROAEXAMPLEEXAMPLE01", arn: "arn:aws:iam::123456789012:role/tfmod-shared", accountId: "123456789012", userName: "tfmod-shared" } },
        },
        eventTime: `2026-10-${String(1 + i).padStart(2, "0")}T10:00:00Z`,
        eventSource: "dynamodb.amazonaws.com",
        eventName,
        awsRegion: "eu-west-1",
        sourceIPAddress: "3.3.3.3",
        userAgent: "aws-sdk-js/3",
        requestParameters: { tableName: table },
        requestID: `req-${i}`,
        eventID: `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`,
        readOnly: eventName !== "PutItem",
        resources: [{ accountId: "123456789012", type: "AWS::DynamoDB::Table", ARN: `arn:aws:dynamodb:eu-west-1:123456789012:table/${table}` }],
        eventType: "AwsApiCall",
        managementEvent: false,
        recipientAccountId: "123456789012",
        eventCategory: "Data",
      });
      const trail = join(dir, "records.json");
      writeFileSync(trail, JSON.stringify({ Records: [call(0, "tfmod-shared-orders", "PutItem", "orders"), call(1, "tfmod-shared-reports", "Query", "reports")] }));
      const document = await buildDocument([`${FIXTURES}/tfmod-shared-role/plan.json`, trail]);
      expect(document.usage.principals.map((p) => [p.functionArn, p.actions.map((a) => a.action)])).toEqual([
        ["arn:aws:lambda:eu-west-1:123456789012:function:tfmod-shared-orders", ["dynamodb:PutItem"]],
        ["arn:aws:lambda:eu-west-1:123456789012:function:tfmod-shared-reports", ["dynamodb:Query"]],
      ]);
      const tf = runGenerate(document, { format: "terraform" }).output;
      expect(tf).not.toContain("module ");
      expect(tf).toContain('resource "aws_iam_role" "shared" {\n  name = "tfmod-shared"\n');
      // The user's aws_iam_role_policy.shared, under its address and policy name: replacing that block
      // updates the policy in place (before, a policy tfmod-shared-least-privilege at the same address,
      // and a warning to remove aws_iam_role_policy.shared).
      expect(tf).toContain('resource "aws_iam_role_policy" "shared" {\n  name = "tfmod-shared"\n  role = aws_iam_role.shared.id\n');
      expect(tf).toContain("# The policy takes the place of aws_iam_role_policy.shared (test/fixtures/terraform-sweep/tfmod-shared-role/main.tf, line 18), inline policy tfmod-shared");
      expect(tf).not.toContain("policies-attached-elsewhere");
      expect(tf.match(/resource "aws_iam_role_policy"/g)?.length).toBe(1);
      // Both functions' log groups (the user's policy grants the orders group only) and both functions' calls.
      for (const group of ["tfmod-shared-orders", "tfmod-shared-reports"]) expect(tf).toContain(`"arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/${group}:log-stream:*"`);
      // (DynamoDB data events: the trail may not log them all, so today's grant is kept, the observed calls named.)
      expect(tf).toContain("# observed dynamodb:PutItem: 1 successful calls");
      expect(tf).toContain("# observed dynamodb:Query: 1 successful calls");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the log statements follow the group each function writes to (logging_log_group), without logs:CreateLogGroup on a group that exists (use_existing_cloudwatch_log_group = true) or that the module makes", async () => {
    const tf = await generateFor("tfmod-existing-log-group");
    expect(tf).not.toContain("logs:CreateLogGroup");
    for (const group of ["/aws/lambda/tfmod-existing-default", "/shared/tfmod-existing", "/custom/tfmod-retention"]) {
      expect(tf).toContain(`Resource = ["arn:aws:logs:eu-west-1:123456789012:log-group:${group}:log-stream:*"]`);
    }
  });

  it("an alias made with the module's modules/alias: its SQS mapping and its failure queue (on the alias and on its version) go to the call's policy; no on_success destination, which the alias module does not make (it was warned as a destination of no known ARN)", async () => {
    const { document } = await normalize([`${FIXTURES}/tfmod-alias/plan.json`]);
    const run = runGenerate(document, { format: "terraform" });
    const warnings = run.targets.flatMap((t) => t.build.warnings.map((w) => w.message));
    expect(warnings.filter((w) => w.includes("on-success"))).toEqual([]);
    expect(run.output).toContain('Action   = ["sqs:SendMessage"]\n        Resource = ["arn:aws:sqs:eu-west-1:123456789012:tfmod-alias-failures"]');
    expect(run.output).toContain('Action   = ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]\n        Resource = ["arn:aws:sqs:eu-west-1:123456789012:tfmod-alias-jobs"]');
  });

  it("Terraform reads what it writes", async (ctx) => {
    if (spawnSync("terraform", ["version"], { encoding: "utf8" }).status !== 0) ctx.skip();
    for (const name of ["tfmod-event-source-mapping", "tfmod-complete", "tfmod-simple", "tfmod-shared-role", "tfmod-alias"]) {
      const tf = await generateFor(name);
      const r = spawnSync("terraform", ["fmt", "-"], { input: tf, encoding: "utf8", env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null", CHECKPOINT_DISABLE: "1", NO_COLOR: "1" } });
      expect(r.stderr, name).toBe("");
      expect(r.status, name).toBe(0);
    }
  });
});
