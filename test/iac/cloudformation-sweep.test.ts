/**
 * CloudFormation and SAM templates published in public repositories that the corpus does not hold
 * (test/fixtures/cloudformation-sweep/SOURCE.md: the AWS CloudFormation sample templates, the
 * CloudFormation User Guide's and the DynamoDB Developer Guide's examples, cfn-lint's valid
 * templates, a Serverless Land pattern), each read as CloudFormation reads it. The expected values
 * are read off the templates with the CloudFormation resource reference (what `Ref` and
 * `Fn::GetAtt` give, which properties name the role, the event source, the invoker), never copied
 * from leastrole's output. Every template but the one refused was checked with cfn-lint 1.58
 * (SOURCE.md lists what it says).
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import type { PolicyDocument } from "../../src/model/document.js";
import { readCloudFormationTemplate } from "../../src/sources/cloudformation/index.js";
import { normalize } from "../normalize/checked.js";

const DIR = new URL("../fixtures/cloudformation-sweep/", import.meta.url).pathname;
const FILES = readdirSync(DIR).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
const path = (f: string) => join(DIR, f);
const read = (f: string, parameters?: Record<string, string>) => readCloudFormationTemplate(readFileSync(path(f)), path(f), parameters ? { parameters } : {});

/** The template CloudFormation itself would not take as written: a preprocessor's tag (rain). */
const REFUSED = ["cfn-templates-apigateway-lambda-integration.yaml"];

const role = (name: string) => `arn:aws:iam::unknown:role/${name}`;
const managed = (name: string) => `arn:aws:iam::aws:policy/${name}`;
const BASIC = managed("service-role/AWSLambdaBasicExecutionRole");

/** A policy's statements as [actions, resources], the parts that say what is granted on what. */
const grants = (d: PolicyDocument) => d.Statement.map((s) => [s.Action ?? [], s.Resource ?? []]);

interface Expected {
  /** name → role ARN, for every function. */
  functions: Record<string, string>;
  /** role ARN → its inline policies (name → grants) and attached managed policy ARNs. */
  roles: Record<string, { inline?: Record<string, unknown[]>; attached?: string[] }>;
  /** [code, path] of every warning the reader gives: none beyond these. */
  warnings: [string, string][];
  partial?: boolean;
}

const EXPECTED: Record<string, Expected> = {
  // RoleName lambda-role; FunctionName `!Sub lambda-function-${EnvName}`, a parameter without a
  // default: the name is known at deployment only (the function is its logical ID here).
  "cfn-templates-lambda-sample.yaml": {
    functions: { LambdaFunction: role("lambda-role") },
    roles: { [role("lambda-role")]: { attached: [managed("AWSLambdaExecute"), managed("AmazonDynamoDBFullAccess"), managed("AmazonKinesisFullAccess"), managed("AmazonS3FullAccess")] } },
    warnings: [],
  },
  // Its parameters set an EC2 volume's tag and the Config delivery channel's condition: none reaches the function or a role.
  "cfn-templates-config-custom-rule.yaml": {
    functions: { VolumeAutoEnableIOComplianceCheck: role("LambdaExecutionRole") },
    roles: {
      [role("LambdaExecutionRole")]: { inline: { root: [[["logs:*", "config:PutEvaluations", "ec2:DescribeVolumeAttribute"], ["*"]]] } },
      // Ref of a bucket without BucketName is its generated name, `${ConfigBucket}`.
      [role("ConfigRole")]: {
        inline: {
          root: [
            [["s3:GetBucketAcl"], ["arn:aws:s3:::${ConfigBucket}"]],
            [["s3:PutObject"], ["arn:aws:s3:::${ConfigBucket}/AWSLogs/${AWS::AccountId}/*"]],
            [["config:Put*"], ["*"]],
          ],
        },
        attached: [managed("service-role/AWS_ConfigRole")],
      },
    },
    warnings: [],
  },
  // SAM: `Policies: PowerUserAccess` is the AWS managed policy of that name, beside the basic role SAM always attaches.
  "cfn-templates-macro-boto3.yaml": {
    functions: { MacroFunction: role("MacroFunctionRole"), ResourceFunction: role("ResourceFunctionRole") },
    roles: { [role("MacroFunctionRole")]: { attached: [BASIC] }, [role("ResourceFunctionRole")]: { attached: [managed("PowerUserAccess"), BASIC] } },
    warnings: [],
  },
  "cfn-templates-macro-s3objects.yaml": {
    functions: { MacroFunction: role("MacroFunctionRole"), ResourceFunction: role("ResourceFunctionRole") },
    roles: { [role("MacroFunctionRole")]: { attached: [managed("AmazonS3FullAccess"), BASIC] }, [role("ResourceFunctionRole")]: { attached: [managed("AmazonS3FullAccess"), BASIC] } },
    warnings: [],
  },
  "cfn-templates-macro-stackmetrics.yaml": {
    functions: { MacroFunction: role("MacroFunctionRole"), ResourceFunction: role("ResourceFunctionRole") },
    roles: { [role("MacroFunctionRole")]: { attached: [BASIC] }, [role("ResourceFunctionRole")]: { attached: [managed("CloudWatchFullAccess"), BASIC] } },
    warnings: [],
  },
  "cfn-templates-macro-datetimenow.yaml": {
    functions: { TransformFunction: role("TransformFunctionRole") },
    roles: { [role("TransformFunctionRole")]: { attached: [BASIC] } },
    warnings: [],
  },
  // `ManagedPolicyArns: [!If [AdditionalPolicyProvided, !Ref AdditionalExecutionPolicy, !Ref AWS::NoValue]]`,
  // the condition on a parameter without a default: undecided, so the policy that may be attached is.
  // LambdaTimeout sets the timeout only: not said.
  "cfn-templates-macro-pyplate.json": {
    functions: { TransformFunction: role("TransformExecutionRole") },
    roles: { [role("TransformExecutionRole")]: { inline: { root: [[["logs:*"], ["arn:aws:logs:*:*:*"]]] }, attached: ["${AdditionalExecutionPolicy}"] } },
    warnings: [["cloudformation-undecided-condition", "Conditions.AdditionalPolicyProvided"]],
  },
  "dynamodb-guide-streams-filter.yaml": {
    functions: { ProcessEventLambda: role("LambdaExecutionRole") },
    roles: {
      [role("LambdaExecutionRole")]: {
        inline: {
          root: [
            [["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], ["arn:aws:logs:*:*:*"]],
            [["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"], ["${StreamsSampleDDBTable.StreamArn}"]],
          ],
        },
      },
    },
    warnings: [],
  },
  // A role written as an ARN of another account's role: no role of the template.
  "cfn-guide-lambda-inline-function.yaml": { functions: { primer: "arn:aws:iam::123456789012:role/lambda-role" }, roles: {}, warnings: [] },
  "cfn-guide-lambda-vpc-function.yaml": { functions: { Function: "arn:aws:iam::123456789012:role/lambda-role" }, roles: {}, warnings: [] },
  "cfn-guide-eventinvokeconfig-version.yaml": { functions: { function: "arn:aws:iam::123456789012:role/lambda-role" }, roles: {}, warnings: [] },
  // Two functions share one role; the code bucket and handler parameters only say what runs.
  "cfn-templates-lambda-s3-notifications.yaml": {
    functions: { CustomLambdaFunction: role("LambdaIAMRole"), "Test-Lambda-S3": role("LambdaIAMRole") },
    roles: { [role("LambdaIAMRole")]: { inline: { root: [[["s3:*"], ["*"]], [["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], ["arn:aws:logs:*:*:*"]]] } } },
    warnings: [],
  },
  // Names made with ${AWS::StackName} are known at deployment. The template's `!Sub arn${AWS::Partition}logs:…`
  // (colons missing, as published) is read as written, `arnawslogs:…`, and said: IAM refuses such a
  // policy (cfn-lint W1031).
  "cfn-templates-update-kms-policy-lambda.yaml": {
    functions: { LambdaFunction: role("LambdaRole") },
    roles: {
      [role("LambdaRole")]: {
        inline: {
          AllowLambdaToWriteLogs: [
            [["logs:CreateLogStream", "logs:PutLogEvents"], ["arnawslogs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/*:*"]],
            [["logs:CreateLogGroup"], ["arnawslogs:${AWS::Region}:${AWS::AccountId}:*"]],
          ],
          CloudFormationRead: [[["cloudformation:DescribeStacks"], ["arnawscloudformation:${AWS::Region}:${AWS::AccountId}:*"]]],
          KMSPolicyUpdate: [[["kms:GetKeyPolicy", "kms:PutKeyPolicy"], ["*"]]],
        },
      },
    },
    warnings: [
      ["cloudformation-invalid-resource", "Resources.LambdaRole.Properties.Policies[0].PolicyDocument.Statement[0].Resource"],
      ["cloudformation-invalid-resource", "Resources.LambdaRole.Properties.Policies[1].PolicyDocument.Statement[0].Resource"],
      ["cloudformation-invalid-resource", "Resources.LambdaRole.Properties.Policies[1].PolicyDocument.Statement[1].Resource"],
    ],
  },
  // AWS::LanguageExtensions beside SAM; AutoPublishAlias is a parameter read with its default, which names the alias.
  "cfn-lint-language-extension.yaml": {
    functions: { TestLambdaFunction: role("TestLambdaFunctionRole") },
    roles: { [role("TestLambdaFunctionRole")]: { attached: [BASIC] } },
    warnings: [
      ["cloudformation-parameter-default", "Parameters.AutoPublishAliasParameter"],
      ["input-not-used", "Resources.TestStateMachine"],
    ],
  },
  // The Lambda Developer Guide's template: the trust policy is a JSON string (a block scalar), as CloudFormation takes it.
  "lambda-guide-function-inline.yaml": {
    functions: { function: role("executionRole") },
    roles: {
      [role("executionRole")]: {
        inline: { "read-lambdasettings": [[["lambda:GetAccountSettings"], ["*"]]] },
        attached: [managed("AWSXRayDaemonWriteAccess"), managed("service-role/AWSLambdaVPCAccessExecutionRole")],
      },
    },
    warnings: [],
  },
  // A Control Tower lifecycle-event function: its name `!Sub ${AWS::AccountId}-CTLifeCycleEventLambda-…` is known at deployment.
  "controltower-vpc-tagging-lifecycle.yaml": {
    functions: { VPCTaggingLambdaFunction: role("VPCTaggingLambdaRole") },
    roles: {
      [role("VPCTaggingLambdaRole")]: {
        inline: {
          VPCTaggingLambdaRoleAssumePolicy: [[["sts:AssumeRole"], ["arn:aws:iam::*:role/AWSControlTowerExecution"]]],
          // QueueName is given: the queue's ARN is known but for the stack's region and account.
          VPCTaggingLambdaRoleSQSPolicy: [[["sqs:SendMessage"], ["arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:VPCTaggingLambdaDLQ"]]],
        },
        attached: [BASIC],
      },
    },
    warnings: [],
  },
  // A VPC function in the template's own subnets; ModuleName makes its handler only: not said.
  "cfn-templates-lambda-static-ip.yaml": {
    functions: { StaticExternalIp: role("LambdaRole") },
    roles: {
      [role("LambdaRole")]: {
        inline: {
          EC2Permissions: ["ec2:DescribeNetworkInterfaces", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeInstances", "ec2:AttachNetworkInterface"].map((a) => [[a], ["*"]]),
        },
      },
    },
    warnings: [],
  },
  // SAM: the basic role, AWSXrayWriteOnlyAccess for `Tracing: Active`, and the Kinesis event's
  // AWSLambdaKinesisExecutionRole (listed by ARN).
  "serverless-patterns-kinesis-lambda-efo.yaml": {
    functions: { ApplicationFunction: role("ApplicationFunctionRole") },
    roles: { [role("ApplicationFunctionRole")]: { attached: [managed("AWSXrayWriteOnlyAccess"), BASIC, managed("service-role/AWSLambdaKinesisExecutionRole")] } },
    warnings: [],
  },
  // SAM's safe-deployment pattern: the hooks' policies name ServerlessDeploymentApplication, the
  // CodeDeploy application SAM makes for BaseFunction's DeploymentPreference (not an undefined
  // name); BaseFunction, which CloudFormation names, is the logical ID in its synthetic ARN.
  "sessions-with-aws-sam-safe-deploy.yaml": {
    functions: { BaseFunction: role("BaseFunctionRole"), CodeDeployHook_preTrafficHook1: role("BasePreFunctionRole"), CodeDeployHook_postTrafficHook1: role("BasePostFunctionRole") },
    roles: {
      [role("BaseFunctionRole")]: { attached: [managed("AWSXrayWriteOnlyAccess"), BASIC] },
      [role("BasePreFunctionRole")]: {
        inline: {
          BasePreFunctionRolePolicy0: [[["codedeploy:PutLifecycleEventHookExecutionStatus"], ["arn:aws:codedeploy:${AWS::Region}:${AWS::AccountId}:deploymentgroup:${ServerlessDeploymentApplication}/*"]]],
          BasePreFunctionRolePolicy1: [[["lambda:InvokeFunction"], ["arn:aws:lambda:unknown:unknown:function:BaseFunction:*"]]],
        },
        attached: [managed("AWSXrayWriteOnlyAccess"), BASIC],
      },
      [role("BasePostFunctionRole")]: {
        inline: { BasePostFunctionRolePolicy0: [[["codedeploy:PutLifecycleEventHookExecutionStatus"], ["arn:aws:codedeploy:${AWS::Region}:${AWS::AccountId}:deploymentgroup:${ServerlessDeploymentApplication}/*"]]] },
        attached: [managed("AWSXrayWriteOnlyAccess"), BASIC],
      },
    },
    warnings: [["cloudformation-parameter-default", "Parameters.Environment"]],
  },
  // Fn::GetStackOutput in SNS topics only: no Lambda or IAM resource; Env decides a topic's name only.
  "cfn-lint-get-stack-output.yaml": { functions: {}, roles: {}, warnings: [] },
  // Both nested stacks are created only when their parameter says Yes (default No): those two decide what exists.
  "cfn-templates-vpc-flow-logs-main.yaml": {
    functions: {},
    roles: {},
    warnings: [
      ["cloudformation-parameter-default", "Parameters.CreateVPCFlowLogsToCloudWatch"],
      ["cloudformation-parameter-default", "Parameters.CreateVPCFlowLogsToS3"],
    ],
  },
};

describe("CloudFormation templates published in public repositories", () => {
  it("holds 15+ templates, each with a SOURCE entry and an expected reading (or refused)", () => {
    expect(FILES.length).toBeGreaterThanOrEqual(15);
    const source = readFileSync(join(DIR, "SOURCE.md"), "utf8");
    for (const f of FILES) {
      expect(source, f).toContain(`\`${f}\``);
      expect(EXPECTED[f] !== undefined || REFUSED.includes(f), f).toBe(true);
    }
  });

  it.each(Object.keys(EXPECTED))("%s: its functions, their roles, the roles' policies, and no other warning", (f) => {
    const e = EXPECTED[f]!;
    const t = read(f);
    expect(Object.fromEntries(t.functions.map((fn) => [fn.name, fn.roleArn]))).toEqual(e.functions);
    const roles = Object.fromEntries(
      t.roles.map((r) => {
        const out: { inline?: Record<string, unknown[]>; attached?: string[] } = {};
        if (r.inlinePolicies.length > 0) out.inline = Object.fromEntries(r.inlinePolicies.map((p) => [p.name, grants(p.document)]));
        if (r.attachedPolicies.length > 0) out.attached = r.attachedPolicies.map((a) => a.arn);
        return [r.arn, out];
      }),
    );
    expect(roles).toEqual(e.roles);
    expect(t.warnings.map((w) => [w.code, w.path])).toEqual(e.warnings);
    expect(t.warnings.every((w) => w.file === path(f))).toBe(true);
    expect(t.partial).toBe(e.partial ?? false);
  });

  it.each(Object.keys(EXPECTED))("%s: the whole pipeline (normaliser, schema check, analysis) takes it", async (f) => {
    const { document } = await normalize([path(f)]);
    expect(document.functions.map((fn) => fn.name).sort()).toEqual(Object.keys(EXPECTED[f]!.functions).sort());
  });

  it("a template with a preprocessor's tag (rain's !Rain::Embed) is refused with the file, the line and the tag", () => {
    const f = REFUSED[0]!;
    let error: unknown;
    try {
      read(f);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain("unknown YAML tag !Rain::Embed at line 108 (Resources.LambdaFunction.Properties.Code.ZipFile)");
    expect((error as InputError).file).toBe(path(f));
  });
});

describe("what each template's Lambda resources say", () => {
  it("AWS Config calls the custom rule's function: config.amazonaws.com may invoke it, with no source named", () => {
    const fn = read("cfn-templates-config-custom-rule.yaml").functions[0]!;
    expect(fn.resourcePolicy?.Statement).toEqual([{ Sid: "ConfigPermissionToCallLambda", Effect: "Allow", Principal: { Service: ["config.amazonaws.com"] }, Action: ["lambda:InvokeFunction"], Resource: [fn.arn] }]);
    expect(fn.runtime).toBe("nodejs20.x");
    expect(fn.triggers).toEqual([]);
  });

  it("the Lambda guide's scheduled function: EventBridge may invoke it from its rule; its trust policy, a JSON string, trusts Lambda", () => {
    const t = read("lambda-guide-function-inline.yaml");
    const fn = t.functions[0]!;
    expect(fn.resourcePolicy?.Statement.map((s) => [s.Principal, s.Condition])).toEqual([[{ Service: ["events.amazonaws.com"] }, { ArnLike: { "AWS:SourceArn": ["${scheduledEvent.Arn}"] } }]]);
    expect(t.roles[0]!.trustPolicy?.Statement).toEqual([{ Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] }, Action: ["sts:AssumeRole"] }]);
  });

  it("the Control Tower function: its dead-letter queue, and EventBridge's permission, which names it by the same !Sub as its FunctionName", () => {
    const fn = read("controltower-vpc-tagging-lifecycle.yaml").functions[0]!;
    expect(fn.deadLetterTargetArn).toBe("arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:VPCTaggingLambdaDLQ");
    expect(fn.logGroup).toBe("/aws/lambda/${AWS::AccountId}-CTLifeCycleEventLambda-AutomatedVPCTagging");
    expect(fn.resourcePolicy?.Statement.map((s) => [s.Sid, s.Principal, s.Resource, s.Condition])).toEqual([
      ["VPCTaggingLambdaPermission", { Service: ["events.amazonaws.com"] }, [fn.arn], { ArnLike: { "AWS:SourceArn": ["${VPCTaggingTagHubRule.Arn}"] } }],
    ]);
  });

  it("the static-IP function is in the template's private subnets and the VPC's default security group, all known at deployment", () => {
    expect(read("cfn-templates-lambda-static-ip.yaml").functions[0]!.vpc).toEqual({ vpcId: null, subnetIds: ["${PrivateSubnetOne}", "${PrivateSubnetTwo}"], securityGroupIds: ["${VPC.DefaultSecurityGroup}"] });
  });

  it("PyPlate's macro function may be invoked by CloudFormation", () => {
    const fn = read("cfn-templates-macro-pyplate.json").functions[0]!;
    expect(fn.resourcePolicy?.Statement.map((s) => [s.Principal, s.Action, s.Condition])).toEqual([[{ Service: ["cloudformation.amazonaws.com" ] }, ["lambda:InvokeFunction"], undefined]]);
  });

  it("the DynamoDB guide's stream mapping: a dynamodb trigger on the table's stream (its label known once deployed), enabled", () => {
    const fn = read("dynamodb-guide-streams-filter.yaml").functions[0]!;
    expect(fn.triggers.map((t) => [t.kind, t.eventSourceArn, t.state, t.onFailureDestination])).toEqual([["dynamodb", "${StreamsSampleDDBTable.StreamArn}", "Enabled", null]]);
    expect(fn.runtime).toBe("python3.7");
  });

  it("the User Guide's inline function is traced; its VPC function is in its two subnets and security group", () => {
    expect(read("cfn-guide-lambda-inline-function.yaml").functions[0]!.tracingMode).toBe("Active");
    const vpc = read("cfn-guide-lambda-vpc-function.yaml").functions[0]!;
    expect([vpc.tracingMode, vpc.vpc]).toEqual(["Active", { vpcId: null, subnetIds: ["subnet-071f712345678e7c8", "subnet-07fd123456788a036"], securityGroupIds: ["sg-085912345678492fb"] }]);
  });

  it("S3 may invoke Test-Lambda-S3 from the notification bucket of this account (SourceArn from a parameter without a default)", () => {
    const fn = read("cfn-templates-lambda-s3-notifications.yaml").functions.find((x) => x.name === "Test-Lambda-S3")!;
    expect(fn.resourcePolicy?.Statement).toEqual([
      {
        Sid: "LambdaInvokePermission",
        Effect: "Allow",
        Principal: { Service: ["s3.amazonaws.com"] },
        Action: ["lambda:InvokeFunction"],
        Resource: [fn.arn],
        Condition: { StringEquals: { "AWS:SourceAccount": ["${AWS::AccountId}"] }, ArnLike: { "AWS:SourceArn": ["arn:aws:s3:::${NotificationBucket}"] } },
      },
    ]);
    expect(fn.logGroup).toBe("/aws/lambda/Test-Lambda-S3");
  });

  it("a function named with ${AWS::StackName} writes to that log group, the name kept as a reference", () => {
    expect(read("cfn-templates-update-kms-policy-lambda.yaml").functions[0]!.logGroup).toBe("/aws/lambda/KMS-Key-Policy-Updater-${AWS::StackName}");
  });

  it("SAM's environment variables: their names only", () => {
    const fns = read("cfn-templates-macro-boto3.yaml").functions;
    expect(fns.map((f) => [f.name, f.environmentVariableNames])).toEqual([["MacroFunction", ["LAMBDA_ARN"]], ["ResourceFunction", []]]);
  });

  it("the enhanced fan-out pattern: its Kinesis event reads the consumer the template registers on its stream, not a stream", () => {
    // Consumer ARN: <stream ARN>/consumer/<ConsumerName>:<creation timestamp> (Kinesis API,
    // RegisterStreamConsumer); the stream has no Name, so its ARN holds Ref's name, `${KinesisStream}`.
    const fn = read("serverless-patterns-kinesis-lambda-efo.yaml").functions[0]!;
    expect(fn.triggers.map((t) => [t.kind, t.eventSourceArn])).toEqual([
      ["kinesis", "arn:aws:kinesis:${AWS::Region}:${AWS::AccountId}:stream/${KinesisStream}/consumer/ApplicationConsumer:${ApplicationConsumer.ConsumerCreationTimestamp}"],
    ]);
  });

  it("the flow-logs stacks, asked for, are nested stacks not read: said, and the read is partial", () => {
    const t = read("cfn-templates-vpc-flow-logs-main.yaml", { CreateVPCFlowLogsToS3: "Yes" });
    expect(t.warnings.filter((w) => w.code === "cloudformation-nested-stack").map((w) => w.path)).toEqual(["Resources.VPCFlowLogsS3Stack"]);
    expect(t.partial).toBe(true);
  });
});
