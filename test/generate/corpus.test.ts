/**
 * Generation on real public inputs (../shared/corpus, read-only) through the normaliser: the
 * cloudmapper demo account's VPC function, and AWS serverless-patterns SAM templates whose ARNs are
 * CloudFormation references.
 */
import { spawnSync, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { cloudFormationValue, runGenerate } from "../../src/generate/index.js";
import { normalize } from "../../src/audit/normalize-paths.js";
import { buildDocument } from "../../src/audit/build-document.js";

const CORPUS = "/work/shared/corpus";
const hasTerraform = spawnSync("terraform", ["version"], { encoding: "utf8" }).status === 0;

describe("cloudmapper demo account", () => {
  it("gives the VPC function its log group and the ENI permissions, and says the document is partial and usage absent", async () => {
    const { document } = await normalize([join(CORPUS, "cloudmapper-demo-account")]);
    const r = runGenerate(document, { format: "terraform" });
    expect(r.targets.map((t) => t.subject)).toEqual(["arn:aws:lambda:us-east-1:123456789012:function:invpclambda"]);
    const b = r.targets[0]!.build;
    expect(b.policy.Statement.map((s) => [s.Sid, s.Action, s.Resource])).toEqual([
      ["Ec2Required", ["ec2:AssignPrivateIpAddresses", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:UnassignPrivateIpAddresses"], ["*"]],
      ["LogsRequired", ["logs:CreateLogGroup"], ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/invpclambda", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/invpclambda:*"]],
      ["LogsRequired2", ["logs:CreateLogStream", "logs:PutLogEvents"], ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/invpclambda:log-stream:*"]],
    ]);
    expect(b.warnings.map((w) => w.code)).toEqual(["document-partial", "role-not-in-input", "usage-absent"]);
    if (hasTerraform) {
      const dir = mkdtempSync(join(tmpdir(), "leastrole-tf-"));
      try {
        expect(execFileSync("terraform", ["fmt", "-"], { input: r.output, cwd: dir, encoding: "utf8" })).toBe(r.output);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});

describe("serverless-patterns SAM templates (ARNs are CloudFormation references)", () => {
  it("a function named with Fn::Select of its split stack id: the log group's name is said unresolved in every output, never written as if known", async () => {
    // eventbridge-webhooks/1-stripe: FunctionName !Sub ["InboundWebhook-Lambda-${ID}", {ID: !Select [2, !Split ["/", !Ref AWS::StackId]]}].
    // Before: the CloudFormation, SAM and Terraform outputs wrote `${!Fn::Select:2}` (the literal
    // text `${Fn::Select:2}` once deployed, a log group no function has) with no warning.
    const { document } = await normalize([join(CORPUS, "serverless-patterns-sam/eventbridge-webhooks/1-stripe")]);
    for (const format of ["cloudformation", "sam", "terraform", "json"] as const) {
      const r = runGenerate(document, { format });
      const fn = r.targets.find((t) => t.subject.endsWith(":function:WebhookFunction"))!;
      expect(fn, format).toBeDefined();
      const warning = fn.build.warnings.find((w) => w.code === "unresolved-references");
      expect(warning, format).toBeDefined();
      if (format !== "json") expect(warning?.message, format).toContain("${Fn::Select:2}");
    }
  });

  it("keeps the stream reference as Fn::Sub and fills the unknown region/account with pseudo parameters", async () => {
    const { document } = await normalize([join(CORPUS, "serverless-patterns-sam/apigw-lambda-dynamodb-stream-lambda")]);
    const r = runGenerate(document, { format: "cloudformation" });
    const consumer = r.targets.find((t) => t.subject.endsWith(":function:ConsumerFunction"))!;
    // Deployable as written (the references are Fn::Sub, the region and account the stack's own):
    // nothing to replace by hand. The IAM JSON of the same function still needs it (below).
    expect(consumer.build.warnings.map((w) => w.code)).not.toContain("unresolved-references");
    // The comments name the function as the body writes ARNs, not by the reader's unknown region and account.
    expect(r.output).toContain("for arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:ConsumerFunction");
    expect(r.output).not.toMatch(/unknown:unknown/);
    const json = runGenerate(document, { format: "json" }).targets.find((t) => t.subject.endsWith(":function:ConsumerFunction"))!;
    expect(json.build.warnings.map((w) => w.code)).toContain("unresolved-references");
    const tpl = YAML.parse(r.output) as { Resources: { [id: string]: { Properties: { RoleName?: string; Policies?: { PolicyDocument: { Statement: { Action: string[]; Resource: unknown[] }[] } }[] } } } };
    // The role SAM makes for the function (ConsumerFunctionRole) gets a logical ID of its own (SAM
    // refuses a second resource with its ID), and its name stays CloudFormation's to make.
    expect(Object.keys(tpl.Resources)).toContain("ConsumerFunctionLeastPrivilegeRole");
    expect(Object.keys(tpl.Resources)).not.toContain("ConsumerFunctionRole");
    expect(tpl.Resources.ConsumerFunctionLeastPrivilegeRole?.Properties.RoleName).toBeUndefined();
    const statements = tpl.Resources.ConsumerFunctionLeastPrivilegeRole?.Properties.Policies?.[0]?.PolicyDocument.Statement ?? [];
    const stream = statements.find((s) => s.Action.includes("dynamodb:GetRecords"));
    expect(stream?.Resource).toEqual([{ "Fn::Sub": "${DynamoDBTable.StreamArn}" }]);
    const logs = statements.find((s) => s.Action.includes("logs:PutLogEvents"));
    expect(logs?.Resource).toEqual([{ "Fn::Sub": "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/ConsumerFunction:log-stream:*" }]);
  });

  it("Fn::Sub keeps IAM policy variables literal with ${!…}", () => {
    expect(cloudFormationValue("arn:aws:s3:::${Bucket}/${aws:username}/*")).toEqual({ "Fn::Sub": "arn:aws:s3:::${Bucket}/${!aws:username}/*" });
    expect(cloudFormationValue("arn:aws:s3:::b/${aws:username}/*")).toBe("arn:aws:s3:::b/${aws:username}/*");
  });

  it("IAM's literal forms ${$}, ${*}, ${?} (observed names) are never references: plain, or ${!…} inside Fn::Sub", () => {
    expect(cloudFormationValue("arn:aws:s3:::b/exports/${$}{date}/${$}{AWS::AccountId}/k${*}${?}")).toBe("arn:aws:s3:::b/exports/${$}{date}/${$}{AWS::AccountId}/k${*}${?}");
    expect(cloudFormationValue("arn:aws:sqs:unknown:unknown:q${$}{Queue}${*}${?}")).toEqual({ "Fn::Sub": "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:q${!$}{Queue}${!*}${!?}" });
  });

  it("a value imported from another stack (the reader's ${ImportValue:…}) is written as Fn::ImportValue in a Fn::Sub variable, not as literal text", () => {
    // Before: the text `${ImportValue:shared-orders-queue-arn}` was the Resource, an ARN of nothing.
    expect(cloudFormationValue("${ImportValue:shared-orders-queue-arn}")).toEqual({ "Fn::Sub": ["${Import1}", { Import1: { "Fn::ImportValue": "shared-orders-queue-arn" } }] });
    // An export name made from a parameter (!ImportValue !Sub "${Env}-queue-arn"), inside an ARN with the stack's places.
    expect(cloudFormationValue("arn:aws:sqs:unknown:unknown:${ImportValue:${Env}-queue-name}")).toEqual({
      "Fn::Sub": ["arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${Import1}", { Import1: { "Fn::ImportValue": { "Fn::Sub": "${Env}-queue-name" } } }],
    });
  });

  it("generate -f sam: an SQS event whose queue is imported (Queue: !ImportValue …) polls that queue", async () => {
    const template = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Env: {Type: String, Default: dev}
Resources:
  Consumer:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Events:
        Orders:
          Type: SQS
          Properties:
            Queue: !ImportValue
              Fn::Sub: "\${Env}-orders-queue-arn"
`;
    const dir = mkdtempSync(join(tmpdir(), "leastrole-import-"));
    const file = join(dir, "template.yaml");
    writeFileSync(file, template);
    // As the CLI reads it (buildDocument keeps what the template made its names from).
    const document = await buildDocument([file]);
    const out = YAML.parse(runGenerate(document, { format: "sam" }).output) as { Policies: { Statement: { Action: string[]; Resource: unknown[] }[] }[] };
    rmSync(dir, { recursive: true, force: true });
    const sqs = out.Policies[0]?.Statement.find((st) => st.Action.includes("sqs:ReceiveMessage"));
    expect(sqs?.Resource).toEqual([{ "Fn::Sub": ["${Import1}", { Import1: { "Fn::ImportValue": { "Fn::Sub": "${Env}-orders-queue-arn" } } }] }]);
  });

  it("generate -f sam: a statement's comment names an ARN as the body writes it, with the stack's region and account, not the reader's unknown:unknown", async () => {
    const template = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Dlq:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      DeadLetterQueue: {Type: SQS, TargetArn: !GetAtt Dlq.Arn}
`;
    const dir = mkdtempSync(join(tmpdir(), "leastrole-notes-"));
    const file = join(dir, "template.yaml");
    writeFileSync(file, template);
    const output = runGenerate(await buildDocument([file]), { format: "sam" }).output;
    rmSync(dir, { recursive: true, force: true });
    // Before: "# required (dead-letter): arn:aws:sqs:unknown:unknown:${Dlq.QueueName}" above a
    // Resource that says ${AWS::Region}:${AWS::AccountId}.
    expect(output).toContain("# required (dead-letter): arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${Dlq.QueueName}");
    expect(output).not.toContain("unknown:unknown");
  });

  it("Fn::Sub keeps the pseudo parameters the reader could not fill in (a generated function name's stack)", () => {
    expect(cloudFormationValue("arn:aws:logs:unknown:unknown:log-group:/aws/lambda/${AWS::StackName}-Worker-*:log-stream:*")).toEqual({
      "Fn::Sub": "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${AWS::StackName}-Worker-*:log-stream:*",
    });
  });
});
