import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { analyzeDocument, ASSUME_ROLE_METHOD, ESCALATION_METHODS } from "../../src/analysis/index.js";
import { principalContext } from "../../src/analysis/context.js";
import { MAX_READERS, READ_CONFIGURATION_ACTIONS } from "../../src/analysis/readers.js";
import { evaluateRequest } from "../../src/iam/evaluate.js";
import { arnMatches, literalPrefixPattern, loadActionCatalogSync } from "../../src/iam/index.js";
import type { CanonicalDocument, LambdaFunction, PolicyDocument, Role } from "../../src/model/document.js";
import { emptyUsage, type ActionUsage } from "../../src/model/usage.js";
import { ACCOUNT, allow, awsManaged, customerManaged, deny, documentOf, fn, functionArn, policy, role, roleArn, trigger, user } from "../fixtures/rules/builders.js";

const catalog = loadActionCatalogSync();
const analyzed = (doc: CanonicalDocument) => analyzeDocument(doc, catalog);
const fnOf = (doc: CanonicalDocument, name: string): LambdaFunction => doc.functions.find((f) => f.name === name)!;
const roleOf = (doc: CanonicalDocument, name: string): Role => doc.roles.find((r) => r.name === name)!;
const decisions = (f: LambdaFunction, purpose: string) => Object.fromEntries(f.analysis!.requirements.filter((r) => r.purpose === purpose).map((r) => [r.action, r.decision]));

const BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
const SQS_ROLE = "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole";
const VPC_ROLE = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole";

describe("function requirements against the execution role", () => {
  it("AWSLambdaBasicExecutionRole grants the logs a function needs", () => {
    const doc = analyzed(documentOf({ roles: [role("r", { managed: [BASIC] })], functions: [fn("api", "r")], policies: [awsManaged(BASIC)] }));
    expect(decisions(fnOf(doc, "api"), "logs")).toEqual({ "logs:CreateLogGroup": "allowed", "logs:CreateLogStream": "allowed", "logs:PutLogEvents": "allowed" });
    expect(fnOf(doc, "api").analysis!.requirements[1]!.statements).toEqual([{ policy: BASIC, index: 0, sid: null }]);
  });

  it("a policy scoped to another log group does not cover a custom LoggingConfig group", () => {
    const scoped = policy(allow(["logs:CreateLogStream", "logs:PutLogEvents"], [`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/api:*`]));
    const doc = analyzed(documentOf({ roles: [role("r", { inline: { logs: scoped } })], functions: [fn("api", "r"), fn("custom", "r", { logGroup: "/shared/logs" })] }));
    expect(decisions(fnOf(doc, "api"), "logs")).toEqual({ "logs:CreateLogGroup": "implicit-deny", "logs:CreateLogStream": "allowed", "logs:PutLogEvents": "allowed" });
    expect(decisions(fnOf(doc, "custom"), "logs")["logs:PutLogEvents"]).toBe("implicit-deny");
  });

  it("CreateLogGroup granted on the group ARN with or without the trailing :* counts", () => {
    for (const resource of [`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/api`, `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/api:*`]) {
      const doc = analyzed(documentOf({ roles: [role("r", { inline: { logs: policy(allow(["logs:CreateLogGroup"], [resource])) } })], functions: [fn("api", "r")] }));
      expect(decisions(fnOf(doc, "api"), "logs")["logs:CreateLogGroup"], resource).toBe("allowed");
    }
  });

  it("a stream-prefix grant (log-stream:2026*) does not cover every stream", () => {
    const narrow = policy(allow(["logs:PutLogEvents"], [`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/api:log-stream:2026*`]));
    const doc = analyzed(documentOf({ roles: [role("r", { inline: { logs: narrow } })], functions: [fn("api", "r")] }));
    expect(decisions(fnOf(doc, "api"), "logs")["logs:PutLogEvents"]).toBe("implicit-deny");
  });

  it("an explicit deny and a permissions boundary remove a grant", () => {
    const doc = analyzed(
      documentOf({
        roles: [
          role("denied", { managed: [BASIC], inline: { d: policy(deny(["logs:PutLogEvents"])) } }),
          role("bounded", { managed: [BASIC], boundary: `arn:aws:iam::${ACCOUNT}:policy/boundary` }),
        ],
        functions: [fn("a", "denied"), fn("b", "bounded")],
        policies: [awsManaged(BASIC), customerManaged("boundary", policy(allow(["s3:GetObject"])))],
      }),
    );
    expect(decisions(fnOf(doc, "a"), "logs")["logs:PutLogEvents"]).toBe("explicit-deny");
    expect(fnOf(doc, "a").analysis!.requirements.find((r) => r.action === "logs:PutLogEvents")!.statements).toEqual([{ policy: "inline:d", index: 0, sid: null }]);
    expect(decisions(fnOf(doc, "b"), "logs")["logs:PutLogEvents"]).toBe("implicit-deny");
    expect(fnOf(doc, "b").analysis!.requirements.find((r) => r.action === "logs:PutLogEvents")!.explanation).toMatch(/boundary/);
  });

  it("a condition the analysis cannot settle makes the decision conditional, not missing", () => {
    const cond = policy(allow(["logs:*"], ["*"], { Condition: { StringEquals: { "aws:ResourceTag/team": ["a"] } } }));
    const doc = analyzed(documentOf({ roles: [role("r", { inline: { c: cond } })], functions: [fn("api", "r")] }));
    expect(decisions(fnOf(doc, "api"), "logs")["logs:PutLogEvents"]).toBe("conditional");
  });

  it("a condition on the function's own region is settled", () => {
    const cond = policy(allow(["logs:*"], ["*"], { Condition: { StringEquals: { "aws:RequestedRegion": ["eu-west-1"] } } }));
    const doc = analyzed(documentOf({ roles: [role("r", { inline: { c: cond } })], functions: [fn("api", "r")] }));
    expect(decisions(fnOf(doc, "api"), "logs")["logs:PutLogEvents"]).toBe("implicit-deny");
  });

  it("AWSLambdaSQSQueueExecutionRole covers an SQS trigger; nothing covers a KMS key not granted", () => {
    const queue = `arn:aws:sqs:us-east-1:${ACCOUNT}:orders`;
    const doc = analyzed(
      documentOf({
        roles: [role("r", { managed: [BASIC, SQS_ROLE] })],
        functions: [fn("worker", "r", { triggers: [trigger("sqs", queue)], kmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/k`, environmentVariableNames: ["A"] })],
        policies: [awsManaged(BASIC), awsManaged(SQS_ROLE)],
      }),
    );
    expect(decisions(fnOf(doc, "worker"), "trigger")).toEqual({ "sqs:DeleteMessage": "allowed", "sqs:GetQueueAttributes": "allowed", "sqs:ReceiveMessage": "allowed" });
    expect(decisions(fnOf(doc, "worker"), "environment-kms")).toEqual({ "kms:Decrypt": "implicit-deny" });
  });

  it("a role not in the document gives no-role decisions; an unresolved policy marks the role incomplete", () => {
    const doc = analyzed(
      documentOf({ roles: [role("r", { managed: [`arn:aws:iam::${ACCOUNT}:policy/gone`] })], functions: [fn("orphan", "missing"), fn("api", "r")], policies: [customerManaged("gone", null)] }),
    );
    expect(fnOf(doc, "orphan").analysis!.roleFound).toBe(false);
    expect(new Set(fnOf(doc, "orphan").analysis!.requirements.map((r) => r.decision))).toEqual(new Set(["no-role"]));
    expect(fnOf(doc, "api").analysis!.roleIncomplete).toBe(true);
    expect(roleOf(doc, "r").analysis!.incomplete).toBe(true);
  });

  it("reports VPC and X-Ray permissions as unneeded only when no function of the role needs them", () => {
    const xray = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess";
    const policies = [awsManaged(BASIC), awsManaged(VPC_ROLE), awsManaged(xray)];
    const lone = analyzed(documentOf({ roles: [role("r", { managed: [BASIC, VPC_ROLE, xray] })], functions: [fn("api", "r")], policies }));
    // AWSLambdaVPCAccessExecutionRole v3 grants six EC2 actions, all for the VPC attachment (Lambda's
    // guide lists the same six): before, ec2:DescribeSubnets was left out of the unneeded ones.
    expect(fnOf(lone, "api").analysis!.unneededCapabilities.map((c) => [c.purpose, c.actions.length])).toEqual([
      ["vpc", 6],
      ["tracing", 2],
    ]);
    const shared = analyzed(
      documentOf({
        roles: [role("r", { managed: [BASIC, VPC_ROLE, xray] })],
        functions: [fn("api", "r"), fn("db", "r", { vpc: { vpcId: "vpc-1", subnetIds: ["s"], securityGroupIds: [] }, tracingMode: "Active" })],
        policies,
      }),
    );
    expect(fnOf(shared, "api").analysis!.unneededCapabilities).toEqual([]);
    expect(decisions(fnOf(shared, "db"), "vpc")["ec2:CreateNetworkInterface"]).toBe("allowed");
  });
});

describe("LR006's unneeded VPC permissions", () => {
  it("ec2:DescribeNetworkInterfaces alone is not a VPC capability left behind; with Create or Delete it is listed with them", () => {
    // aws-samples/serverless-patterns PublicNLB-privateAPI-CFN/NLBALBCheck.yaml: a custom resource
    // outside any VPC reads a VPC endpoint's interfaces (describe_network_interfaces) and its role
    // grants that one action. Before, LR006 said to remove it, which breaks the custom resource.
    const read = policy(allow(["ec2:DescribeNetworkInterfaces"], ["*"]));
    const lone = analyzed(documentOf({ roles: [role("r", { managed: [BASIC], inline: { eni: read } })], functions: [fn("custom", "r")], policies: [awsManaged(BASIC)] }));
    expect(fnOf(lone, "custom").analysis!.unneededCapabilities).toEqual([]);
    const write = policy(allow(["ec2:DescribeNetworkInterfaces", "ec2:CreateNetworkInterface"], ["*"]));
    const both = analyzed(documentOf({ roles: [role("r", { managed: [BASIC], inline: { eni: write } })], functions: [fn("custom", "r")], policies: [awsManaged(BASIC)] }));
    expect(fnOf(both, "custom").analysis!.unneededCapabilities.map((c) => [c.purpose, c.actions])).toEqual([["vpc", ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces"]]]);
  });

  it("ec2:DescribeSubnets is a read too: alone (with DescribeNetworkInterfaces) it is not reported; with a write it is listed", () => {
    const reads = policy(allow(["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"], ["*"]));
    const lone = analyzed(documentOf({ roles: [role("r", { managed: [BASIC], inline: { eni: reads } })], functions: [fn("custom", "r")], policies: [awsManaged(BASIC)] }));
    expect(fnOf(lone, "custom").analysis!.unneededCapabilities).toEqual([]);
    const write = policy(allow(["ec2:DescribeSubnets", "ec2:DeleteNetworkInterface"], ["*"]));
    const both = analyzed(documentOf({ roles: [role("r", { managed: [BASIC], inline: { eni: write } })], functions: [fn("custom", "r")], policies: [awsManaged(BASIC)] }));
    expect(fnOf(both, "custom").analysis!.unneededCapabilities.map((c) => [c.purpose, c.actions])).toEqual([["vpc", ["ec2:DeleteNetworkInterface", "ec2:DescribeSubnets"]]]);
  });

  it("a VPC function whose role has AWSLambdaENIManagementAccess (no ec2:DescribeSubnets): the requirement is there, not essential", () => {
    const eni = "arn:aws:iam::aws:policy/service-role/AWSLambdaENIManagementAccess";
    const doc = analyzed(documentOf({ roles: [role("r", { managed: [BASIC, eni] })], functions: [fn("db", "r", { vpc: { vpcId: "vpc-1", subnetIds: ["s"], securityGroupIds: [] } })], policies: [awsManaged(BASIC), awsManaged(eni)] }));
    const vpc = fnOf(doc, "db").analysis!.requirements.filter((r) => r.purpose === "vpc");
    expect(vpc.filter((r) => r.decision !== "allowed").map((r) => [r.action, r.essential])).toEqual([["ec2:DescribeSubnets", false]]);
  });
});

describe("VPC and event-source requirements as the Lambda guide states them (the rules sweep of session 59)", () => {
  const eni = ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"];
  const inVpc = { vpc: { vpcId: "vpc-1", subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"] } };

  it("ENI writes granted on the account's interfaces in the Region (the guide's `arn:aws:ec2:<region>:<account>:*/*`) are allowed; on another Region's, not", () => {
    const scoped = policy(
      allow(["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"], ["*"]),
      allow(["ec2:DeleteNetworkInterface"], [`arn:aws:ec2:us-east-1:${ACCOUNT}:*/*`]),
    );
    const doc = analyzed(documentOf({ roles: [role("r", { managed: [BASIC], inline: { eni: scoped } })], functions: [fn("db", "r", inVpc)], policies: [awsManaged(BASIC)] }));
    expect(decisions(fnOf(doc, "db"), "vpc")["ec2:DeleteNetworkInterface"]).toBe("allowed");
    const regional = policy(allow(["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"], [`arn:aws:ec2:us-east-1:${ACCOUNT}:*`]), allow(["ec2:DescribeNetworkInterfaces"], ["*"]));
    const d2 = analyzed(documentOf({ roles: [role("r", { managed: [BASIC], inline: { eni: regional } })], functions: [fn("db", "r", inVpc)], policies: [awsManaged(BASIC)] }));
    expect(Object.entries(decisions(fnOf(d2, "db"), "vpc")).filter(([, d]) => d !== "allowed")).toEqual([["ec2:DescribeSubnets", "implicit-deny"]]);
    const elsewhere = policy(allow(["ec2:DeleteNetworkInterface"], [`arn:aws:ec2:eu-west-1:${ACCOUNT}:*/*`]), allow(eni.filter((a) => a !== "ec2:DeleteNetworkInterface"), ["*"]));
    const d3 = analyzed(documentOf({ roles: [role("r", { managed: [BASIC], inline: { eni: elsewhere } })], functions: [fn("db", "r", inVpc)], policies: [awsManaged(BASIC)] }));
    expect(decisions(fnOf(d3, "db"), "vpc")["ec2:DeleteNetworkInterface"]).toBe("implicit-deny");
  });

  it("security groups without a subnet are no VPC: no ENI requirement, and ENI grants are unneeded", () => {
    // list-functions' VpcConfig {"SubnetIds": [], "SecurityGroupIds": ["sg-1"], "VpcId": ""}: Lambda
    // makes an interface per subnet and security group, so none. It was "runs in a VPC" (LR006 medium).
    const noSubnet = { vpc: { vpcId: "", subnetIds: [], securityGroupIds: ["sg-1"] } };
    const bare = analyzed(documentOf({ roles: [role("r", { managed: [BASIC] })], functions: [fn("f", "r", noSubnet)], policies: [awsManaged(BASIC)] }));
    expect(decisions(fnOf(bare, "f"), "vpc")).toEqual({});
    const granted = analyzed(documentOf({ roles: [role("r", { managed: [BASIC, VPC_ROLE] })], functions: [fn("f", "r", noSubnet)], policies: [awsManaged(BASIC), awsManaged(VPC_ROLE)] }));
    expect(fnOf(granted, "f").analysis!.unneededCapabilities.map((c) => c.purpose)).toEqual(["vpc"]);
  });

  it("a grant conditioned on lambda:SourceFunctionArn does not apply to ENI and polling calls (Lambda sends the key only from the execution environment)", () => {
    const own = { ArnEquals: { "lambda:SourceFunctionArn": [functionArn("db")] } };
    const conditioned = policy(
      { Effect: "Allow", Action: eni, Resource: ["*"], Condition: own },
      { Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], Resource: [`arn:aws:sqs:us-east-1:${ACCOUNT}:jobs`], Condition: own },
      { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: ["*"], Condition: own },
    );
    const doc = analyzed(documentOf({ roles: [role("r", { inline: { all: conditioned } })], functions: [fn("db", "r", { ...inVpc, triggers: [trigger("sqs", `arn:aws:sqs:us-east-1:${ACCOUNT}:jobs`)] })] }));
    const f = fnOf(doc, "db");
    expect(new Set(Object.values(decisions(f, "vpc")))).toEqual(new Set(["implicit-deny"]));
    expect(new Set(Object.values(decisions(f, "trigger")))).toEqual(new Set(["implicit-deny"]));
    // CloudWatch Logs' calls carry the key: still conditional on its value.
    expect(decisions(f, "logs")["logs:PutLogEvents"]).toBe("conditional");
    // A Deny conditioned on the key's absence (…IfExists) would apply: the key is absent, not unknown.
    const ifExists = policy(allow(eni, ["*"]), { Effect: "Deny", Action: ["ec2:CreateNetworkInterface"], Resource: ["*"], Condition: { "Null": { "lambda:SourceFunctionArn": ["true"] } } });
    const d2 = analyzed(documentOf({ roles: [role("r", { managed: [BASIC], inline: { eni: ifExists } })], functions: [fn("db", "r", inVpc)], policies: [awsManaged(BASIC)] }));
    expect(decisions(fnOf(d2, "db"), "vpc")["ec2:CreateNetworkInterface"]).toBe("explicit-deny");
  });
});

describe("IaC inputs and pollers", () => {
  it("an unresolved template reference granted under another spelling is 'unresolved', not missing", () => {
    const doc = analyzed(
      documentOf({
        roles: [role("r", { managed: [BASIC], inline: { poll: policy(allow(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], [`arn:aws:sqs:us-east-1:${ACCOUNT}:orders`])) } })],
        functions: [fn("worker", "r", { triggers: [trigger("sqs", "${MessageQueue.Arn}")] }), fn("other", "r", { triggers: [trigger("kinesis", "${Stream.Arn}")] })],
        policies: [awsManaged(BASIC)],
      }),
    );
    expect(new Set(Object.values(decisions(fnOf(doc, "worker"), "trigger")))).toEqual(new Set(["unresolved"]));
    // (A policy resource with `${AWS::Region}` is a policy variable to the engine: `conditional`, also never missing.)
    // Not granted under any spelling: still missing.
    expect(decisions(fnOf(doc, "other"), "trigger")["kinesis:GetRecords"]).toBe("implicit-deny");
  });

  it("an MSK source: kafka:DescribeCluster granted in place of DescribeClusterV2 is enough (AWS takes either)", () => {
    const cluster = `arn:aws:kafka:us-east-1:${ACCOUNT}:cluster/orders/0b5c7e2a-1f3d-4c2b-9a8e-5d6f7a8b9c0d-2`;
    const grant = (describe: string) =>
      decisions(
        fnOf(
          analyzed(
            documentOf({
              roles: [role("r", { managed: [BASIC], inline: { msk: policy(allow([describe, "kafka:GetBootstrapBrokers"], [cluster])) } })],
              functions: [fn("consumer", "r", { triggers: [trigger("kafka", cluster)] })],
              policies: [awsManaged(BASIC)],
            }),
          ),
          "consumer",
        ),
        "trigger",
      );
    expect(grant("kafka:DescribeCluster")["kafka:DescribeClusterV2"]).toBe("allowed");
    expect(grant("kafka:DescribeClusterV2")["kafka:DescribeClusterV2"]).toBe("allowed");
    expect(grant("kafka:ListClusters")["kafka:DescribeClusterV2"]).toBe("implicit-deny");
  });

  it("an enhanced fan-out consumer: DescribeStreamSummary stands for DescribeStream, DescribeStreamConsumer is not essential", () => {
    const stream = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/big`;
    const consumer = `${stream}/consumer/fanout:1700000000`;
    // What the Serverless Framework grants for `consumer: true`.
    const grants = policy(
      allow(["kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStreamSummary", "kinesis:ListShards"], [stream]),
      allow(["kinesis:SubscribeToShard"], [consumer]),
    );
    const f = fnOf(
      analyzed(documentOf({ roles: [role("r", { managed: [BASIC], inline: { efo: grants } })], functions: [fn("fanout", "r", { triggers: [trigger("kinesis", consumer)] })], policies: [awsManaged(BASIC)] })),
      "fanout",
    );
    const missing = f.analysis!.requirements.filter((r) => r.purpose === "trigger" && r.decision !== "allowed").map((r) => [r.action, r.essential]);
    expect(missing).toEqual([["kinesis:DescribeStreamConsumer", false]]);
  });

  it("a reference the identity policies may grant but the boundary grants nowhere is denied, not 'unresolved'", () => {
    const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/boundary`;
    // Granted under another spelling than the function's reference (the queue's literal ARN).
    const poll = policy(allow(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], [`arn:aws:sqs:us-east-1:${ACCOUNT}:jobs`]));
    const bounded = (boundary: ReturnType<typeof policy>) =>
      analyzed(
        documentOf({
          roles: [role("r", { managed: [BASIC], inline: { poll }, boundary: BOUNDARY })],
          functions: [fn("worker", "r", { triggers: [trigger("sqs", "${Queue.Arn}")] })],
          policies: [awsManaged(BASIC), customerManaged("boundary", boundary)],
        }),
      );
    // The boundary allows logs, S3 and DynamoDB only: no queue, whatever ${Queue.Arn} names.
    const narrow = bounded(policy(allow(["logs:*", "s3:*", "dynamodb:*"], ["*"])));
    expect(new Set(Object.values(decisions(fnOf(narrow, "worker"), "trigger")))).toEqual(new Set(["implicit-deny"]));
    // A boundary that allows SQS somewhere leaves the reference unresolved, as before.
    const wide = bounded(policy(allow(["logs:*", "sqs:*"], ["*"])));
    expect(new Set(Object.values(decisions(fnOf(wide, "worker"), "trigger")))).toEqual(new Set(["unresolved"]));
  });

  it("ENI permissions are needed (not unneeded) for an MSK or MQ event source outside a VPC", () => {
    const doc = analyzed(
      documentOf({
        roles: [role("r", { managed: [BASIC, VPC_ROLE] })],
        functions: [fn("consumer", "r", { triggers: [trigger("mq", `arn:aws:mq:us-east-1:${ACCOUNT}:broker:b:b-1`)] })],
        policies: [awsManaged(BASIC), awsManaged(VPC_ROLE)],
      }),
    );
    expect(fnOf(doc, "consumer").analysis!.unneededCapabilities).toEqual([]);
  });
});

describe("trust analysis", () => {
  it("classifies principals and sees restricting conditions", () => {
    const trust = policy(
      { Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] }, Action: ["sts:AssumeRole"] },
      { Effect: "Allow", Principal: { AWS: ["arn:aws:iam::111122223333:root"] }, Action: ["sts:AssumeRole"], Condition: { StringEquals: { "sts:ExternalId": ["x-123"] } } },
      { Effect: "Allow", Principal: "*", Action: ["sts:AssumeRole"] },
      { Effect: "Allow", Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:user/dev`] }, Action: ["sts:AssumeRole"], Condition: { StringNotEquals: { "aws:PrincipalOrgID": ["o-1"] } } },
    );
    const doc = analyzed(documentOf({ roles: [role("r", { trust })] }));
    const t = roleOf(doc, "r").analysis!.trust;
    expect(t.principals.map((p) => [p.kind, p.identifier, p.crossAccount, p.restricted])).toEqual([
      ["lambda", "lambda.amazonaws.com", false, false],
      ["aws-account", "arn:aws:iam::111122223333:root", true, true],
      ["wildcard", "*", false, false],
      // A negated operator does not pin the caller.
      ["aws-principal", `arn:aws:iam::${ACCOUNT}:user/dev`, false, false],
    ]);
  });
});

describe("trust analysis: what pins the caller (AWS Config's fixed-value rule; IAM condition semantics)", () => {
  const star = (condition: object) => ({ Effect: "Allow" as const, Principal: "*" as const, Action: ["sts:AssumeRole"], Condition: condition });
  const github = (sub: string) => ({
    Effect: "Allow" as const,
    Principal: { Federated: ["arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"] },
    Action: ["sts:AssumeRoleWithWebIdentity"],
    Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": ["sts.amazonaws.com"] }, StringLike: { "token.actions.githubusercontent.com:sub": [sub] } },
  });
  const saml = (condition: object) => ({ Effect: "Allow" as const, Principal: { Federated: ["arn:aws:iam::123456789012:saml-provider/ADFS"] }, Action: ["sts:AssumeRoleWithSAML"], Condition: condition });
  const cases: [string, object, boolean][] = [
    ["IfExists passes a request without the key", star({ StringEqualsIfExists: { "sts:ExternalId": ["x-1"] } }), false],
    ["a wildcard account in aws:PrincipalArn", star({ StringLike: { "aws:PrincipalArn": ["arn:aws:iam::*:role/*"] } }), false],
    ["ForAllValues: is true without the key", star({ "ForAllValues:StringEquals": { "aws:PrincipalOrgID": ["o-abc123def4"] } }), false],
    ["one wildcard among the values", star({ StringEquals: { "aws:PrincipalAccount": ["111122223333", "*"] } }), false],
    ["a fixed organisation", star({ StringEquals: { "aws:PrincipalOrgID": ["o-abc123def4"] } }), true],
    ["a fixed principal ARN", star({ ArnLike: { "aws:PrincipalArn": ["arn:aws:iam::111122223333:role/deployer-*"] } }), true],
    ["a template's own account in an ARN", star({ ArnLike: { "aws:SourceArn": ["arn:aws:sns:${AWS::Region}:${AWS::AccountId}:alerts"] } }), true],
    ["an external ID", star({ StringEquals: { "sts:ExternalId": ["x-1"] } }), true],
    // Every address: a network condition that admits anyone (found in review, session 15).
    ["aws:SourceIp 0.0.0.0/0", star({ IpAddress: { "aws:SourceIp": ["0.0.0.0/0"] } }), false],
    ["aws:SourceIp ::/0 beside a fixed network", star({ IpAddress: { "aws:SourceIp": ["203.0.113.0/24", "::/0"] } }), false],
    ["aws:SourceIp of one network", star({ IpAddress: { "aws:SourceIp": ["203.0.113.0/24"] } }), true],
    // SAML:aud is the AWS sign-in endpoint every user of the IdP posts to (the trust policies of
    // ConsoleMe's and Cartography's test data, test/fixtures/gaad-sweep); the subject pins.
    ["SAML:aud, the sign-in endpoint", saml({ StringEquals: { "SAML:aud": ["https://signin.aws.amazon.com/saml"] } }), false],
    ["SAML:sub of one user", saml({ StringEquals: { "SAML:aud": ["https://signin.aws.amazon.com/saml"], "SAML:sub": ["alice@example.com"] } }), true],
  ];
  it.each(cases)("%s", (_name, statement, restricted) => {
    const doc = analyzed(documentOf({ roles: [role("r", { trust: policy(statement as never) })] }));
    expect(roleOf(doc, "r").analysis!.trust.principals.map((p) => p.restricted)).toEqual([restricted]);
  });

  it("a GitHub subject pins only with the owner fixed (IAM guide: pin sub to your organisation or repository)", () => {
    const doc = analyzed(documentOf({ roles: [role("any", { trust: policy(github("repo:*")) }), role("mine", { trust: policy(github("repo:my-org/*")) })] }));
    expect(roleOf(doc, "any").analysis!.trust.principals.map((p) => p.restricted)).toEqual([false]);
    expect(roleOf(doc, "mine").analysis!.trust.principals.map((p) => p.restricted)).toEqual([true]);
  });

  it("a principal allowed only sts:TagSession or sts:SetSourceIdentity cannot assume the role", () => {
    const trust = policy(
      { Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] }, Action: ["sts:AssumeRole"] },
      { Effect: "Allow", Principal: { AWS: ["arn:aws:iam::444455556666:root"] }, Action: ["sts:TagSession", "sts:SetSourceIdentity"] },
      { Effect: "Allow", Principal: { AWS: ["arn:aws:iam::777788889999:root"] }, Action: ["sts:Assume*"] },
      { Effect: "Allow", Principal: { AWS: ["arn:aws:iam::222233334444:root"] }, NotAction: ["sts:TagSession"] },
    );
    const doc = analyzed(documentOf({ roles: [role("r", { trust })] }));
    expect(roleOf(doc, "r").analysis!.trust.principals.map((p) => p.identifier)).toEqual([
      "lambda.amazonaws.com",
      "arn:aws:iam::777788889999:root",
      "arn:aws:iam::222233334444:root",
    ]);
  });
});

describe("grants and full-access managed policies (judged by content)", () => {
  it("classifies AWS managed policies by what they grant", () => {
    const names = ["AdministratorAccess", "PowerUserAccess", "AmazonDynamoDBFullAccess", "AmazonS3ReadOnlyAccess", "service-role/AWSLambdaBasicExecutionRole"];
    const arns = names.map((n) => `arn:aws:iam::aws:policy/${n}`);
    const doc = analyzed(documentOf({ roles: [role("r", { managed: arns })], policies: names.map(awsManaged) }));
    const full = roleOf(doc, "r").analysis!.fullAccessPolicies;
    expect(full.map((p) => [p.name, p.kind])).toEqual([
      ["AdministratorAccess", "admin"],
      ["AmazonDynamoDBFullAccess", "service-wide"],
      ["PowerUserAccess", "power-user"],
    ]);
    expect(full.find((p) => p.name === "AmazonDynamoDBFullAccess")!.services).toContain("dynamodb");
  });

  it("describes wildcards, resource-level actions on *, NotAction and NotResource per statement", () => {
    const doc = analyzed(
      documentOf({
        roles: [
          role("r", {
            inline: {
              app: policy(
                allow(["*"]),
                allow(["dynamodb:*"], [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/t`]),
                allow(["s3:Put*", "s3:Get*"]),
                allow(["s3:Get*", "s3:List*"], ["arn:aws:s3:::b/*"]),
                allow(["xray:PutTraceSegments", "ec2:DescribeNetworkInterfaces"]),
                { Effect: "Allow", NotAction: ["iam:*"], Resource: ["*"] },
                { Effect: "Allow", Action: ["sqs:SendMessage"], NotResource: ["arn:aws:sqs:us-east-1:123456789012:private"] },
              ),
            },
          }),
        ],
      }),
    );
    const all = roleOf(doc, "r").analysis!.grants;
    const g = (index: number) => all.find((x) => x.index === index);
    expect(g(0)).toMatchObject({ fullWildcardAction: true, starResource: true });
    expect(g(1)).toMatchObject({ serviceWildcards: ["dynamodb:*"], starResource: false, resourceLevelActionsOnStarCount: 0 });
    expect(g(2)!.writeWildcards).toEqual(["s3:Put*"]);
    const scopable = [...new Set([...catalog.expand("s3:Put*"), ...catalog.expand("s3:Get*")])].filter((a) => catalog.supportsResourceLevelPermissions(a));
    expect(g(2)!.resourceLevelActionsOnStarCount).toBe(scopable.length);
    expect(g(2)!.resourceLevelActionsOnStar.every((a) => scopable.includes(a))).toBe(true);
    // Read-only wildcards on named resources concern none of LR002/LR003/LR015: not listed.
    expect(g(3)).toBeUndefined();
    // Actions without resource-level permissions are never "resource-level on *".
    expect(g(4)!.resourceLevelActionsOnStarCount).toBe(0);
    expect(g(5)!.notAction).toEqual(["iam:*"]);
    expect(g(5)!.actionCount).toBe(catalog.size - catalog.expand("iam:*").length);
    expect(g(6)!.notResource).toEqual(["arn:aws:sqs:us-east-1:123456789012:private"]);
  });

  it("actions whose ordinary call names no resource (one optional resource type) are not scopable on *", () => {
    // The Service Authorization Reference: cloudwatch:PutMetricData has one type, `dataset`, not
    // required; comprehend:DetectEntities one, `entity-recognizer-endpoint` (custom endpoints only).
    // SAM's CloudWatchPutMetricPolicy and ComprehendBasicAccessPolicy grant them on `*`.
    const unnamed = ["cloudwatch:PutMetricData", "comprehend:DetectEntities", "translate:DeleteTerminology", "xray:PutTraceSegments"];
    const scopable = ["dynamodb:GetItem", "s3:GetObject", "sns:Publish", "translate:TranslateText"];
    const doc = analyzed(
      documentOf({
        roles: [
          role("r", { inline: { app: policy(allow(unnamed), allow([...unnamed, ...scopable])) } }),
          // Through the Deny path (counts within what the role may use): GetItem denied.
          role("d", { inline: { app: policy(allow([...unnamed, ...scopable]), deny(["dynamodb:GetItem"])) } }),
        ],
      }),
    );
    const grants = roleOf(doc, "r").analysis!.grants;
    expect(grants.find((x) => x.index === 0)).toMatchObject({ starResource: true, resourceLevelActionsOnStar: [], resourceLevelActionsOnStarCount: 0 });
    // The scopable actions of the same statement are still listed, and only they.
    expect(grants.find((x) => x.index === 1)).toMatchObject({ resourceLevelActionsOnStar: scopable, resourceLevelActionsOnStarCount: 4 });
    const denied = roleOf(doc, "d").analysis!.grants.find((x) => x.index === 0)!;
    expect(denied).toMatchObject({ blockedActionCount: 1, resourceLevelActionsOnStar: scopable.slice(1), resourceLevelActionsOnStarCount: 3 });
  });
});

describe("privilege-escalation paths (decided by the engine)", () => {
  const esc = (inline: ReturnType<typeof policy>, extra: { boundary?: ReturnType<typeof policy> } = {}) => {
    const r = role("app", { inline: { p: inline }, ...(extra.boundary ? { boundary: `arn:aws:iam::${ACCOUNT}:policy/b` } : {}) });
    const target = role("admin-fn-role", { managed: ["arn:aws:iam::aws:policy/AdministratorAccess"] });
    const doc = analyzed(
      documentOf({
        roles: [r, target],
        functions: [fn("app", "app"), fn("admin-fn", "admin-fn-role")],
        policies: [awsManaged("AdministratorAccess"), ...(extra.boundary ? [customerManaged("b", extra.boundary)] : [])],
      }),
    );
    return roleOf(doc, "app").analysis!;
  };
  const ids = (a: ReturnType<typeof esc>) => a.escalationPaths.map((p) => p.id);

  it("finds self-escalation through iam:PutRolePolicy on its own role", () => {
    const a = esc(policy(allow(["iam:PutRolePolicy"], [roleArn("app")])));
    expect(ids(a)).toEqual(["iam-put-role-policy"]);
    expect(a.escalationPaths[0]!.resources).toEqual([roleArn("app")]);
    expect(a.escalationPaths[0]!.statements).toEqual([{ policy: "inline:p", index: 0, sid: null }]);
  });

  it("PassRole + CreateFunction + InvokeFunction is a path; a PassedToService condition for another service blocks it", () => {
    const open = esc(policy(allow(["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"])));
    expect(ids(open)).toContain("passrole-lambda");
    expect(open.escalationPaths.find((p) => p.id === "passrole-lambda")!.resources).toContain("<any role in 123456789012>");
    const ec2Only = esc(
      policy(allow(["iam:PassRole"], ["*"], { Condition: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com"] } } }), allow(["lambda:CreateFunction", "lambda:InvokeFunction"])),
    );
    expect(ids(ec2Only)).not.toContain("passrole-lambda");
    expect(ec2Only.blockedEscalations.map((b) => b.id)).toContain("passrole-lambda");
  });

  it("PassRole limited to a named role that trusts Lambda reaches that role", () => {
    const a = esc(policy(allow(["iam:PassRole"], [roleArn("admin-fn-role")]), allow(["lambda:CreateFunction", "lambda:InvokeFunction"])));
    expect(a.escalationPaths.find((p) => p.id === "passrole-lambda")!.resources).toContain(roleArn("admin-fn-role"));
  });

  it("an explicit deny or a boundary removes the path", () => {
    expect(ids(esc(policy(allow(["iam:*"]), deny(["iam:*"]))))).toEqual([]);
    expect(ids(esc(policy(allow(["iam:*"])), { boundary: policy(allow(["s3:*"])) }))).toEqual([]);
  });

  it("a grant through NotAction is a path", () => {
    const a = esc(policy({ Effect: "Allow", NotAction: ["s3:*"], Resource: ["*"] }));
    expect(ids(a)).toEqual(expect.arrayContaining(["iam-attach-role-policy", "iam-put-role-policy", "passrole-lambda", "lambda-update-code", "sts-assume-any-role"]));
  });

  it("UpdateFunctionCode on its own function only is not a path; on every function it is", () => {
    expect(ids(esc(policy(allow(["lambda:UpdateFunctionCode"], [functionArn("app")]))))).toEqual([]);
    const a = esc(policy(allow(["lambda:UpdateFunctionCode"], [`arn:aws:lambda:*:${ACCOUNT}:function:*`])));
    expect(ids(a)).toEqual(["lambda-update-code"]);
    expect(a.escalationPaths[0]!.resources).toEqual(["<any function in 123456789012>"]);
  });

  it("sts:AssumeRole on one named role is not 'assume any role'", () => {
    expect(ids(esc(policy(allow(["sts:AssumeRole"], [roleArn("admin-fn-role")]))))).toEqual([]);
    expect(ids(esc(policy(allow(["sts:AssumeRole"]))))).toEqual(["sts-assume-any-role"]);
  });

  it("a grant under an unsettled condition is a conditional path", () => {
    const a = esc(policy(allow(["iam:CreatePolicyVersion"], ["*"], { Condition: { Bool: { "aws:MultiFactorAuthPresent": ["true"] } } })));
    expect(a.escalationPaths.map((p) => [p.id, p.conditional])).toEqual([["iam-create-policy-version", true]]);
  });

  it("takeover paths need every step on any resource of the type: user data needs modify, stop and start", () => {
    expect(ids(esc(policy(allow(["ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances"]))))).toEqual(["ec2-modify-user-data"]);
    const path = esc(policy(allow(["ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances"]))).escalationPaths[0]!;
    expect(path.resources).toEqual(["<any ec2 instance in 123456789012>"]);
    // One step missing, denied, or granted on a single instance only: no path.
    expect(ids(esc(policy(allow(["ec2:ModifyInstanceAttribute", "ec2:StopInstances"]))))).toEqual([]);
    expect(ids(esc(policy(allow(["ec2:*"]), deny(["ec2:StartInstances"]))))).not.toContain("ec2-modify-user-data");
    const one = `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0123456789abcdef0`;
    expect(ids(esc(policy(allow(["ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances"], [one]))))).toEqual([]);
  });

  it("EC2 Instance Connect acts on ec2 instance ARNs; ECS ExecuteCommand on tasks; AgentCore on custom code interpreters", () => {
    expect(ids(esc(policy(allow(["ec2-instance-connect:SendSSHPublicKey"], [`arn:aws:ec2:*:${ACCOUNT}:instance/*`]))))).toEqual(["ec2-instance-connect-ssh"]);
    expect(ids(esc(policy(allow(["ecs:ExecuteCommand"], [`arn:aws:ecs:*:${ACCOUNT}:task/*`]))))).toEqual(["ecs-execute-command"]);
    expect(ids(esc(policy(allow(["bedrock-agentcore:StartCodeInterpreterSession", "bedrock-agentcore:InvokeCodeInterpreter"], [`arn:aws:bedrock-agentcore:*:${ACCOUNT}:code-interpreter-custom/*`]))))).toEqual(["bedrock-code-interpreter-session"]);
    // AWS's built-in interpreter (account "aws") runs with no role of the customer's.
    expect(ids(esc(policy(allow(["bedrock-agentcore:StartCodeInterpreterSession", "bedrock-agentcore:InvokeCodeInterpreter"], ["arn:aws:bedrock-agentcore:*:aws:code-interpreter/*"]))))).toEqual([]);
  });

  it("Systems Manager Run Command and Session Manager act on ec2 instances (any, not one named or only managed ones); Run Command needs a shell document", () => {
    expect(ids(esc(policy(allow(["ssm:SendCommand"]))))).toEqual(["ssm-send-command"]);
    expect(ids(esc(policy(allow(["ssm:StartSession"], [`arn:aws:ec2:*:${ACCOUNT}:instance/*`, `arn:aws:ssm:*:${ACCOUNT}:document/*`]))))).toEqual(["ssm-start-session"]);
    const path = esc(policy(allow(["ssm:SendCommand"]))).escalationPaths[0]!;
    expect(path.resources).toEqual([`<any ec2 instance in ${ACCOUNT}>`, "<ssm document/AWS-RunPowerShellScript (AWS's)>", "<ssm document/AWS-RunShellScript (AWS's)>"]);
    // SendCommand is authorized on the document too: one fixed document (AWS Backup's and
    // GuardDuty's policies) runs no command of the caller's choosing; a shell document does.
    const instances = `arn:aws:ec2:*:*:instance/*`;
    expect(ids(esc(policy(allow(["ssm:SendCommand"], [instances, "arn:aws:ssm:*:*:document/AWSEC2-CreateVssSnapshot"]))))).toEqual([]);
    expect(ids(esc(policy(allow(["ssm:SendCommand"], [instances, "arn:aws:ssm:*:*:document/AWS-RunPowerShellScript"]))))).toEqual(["ssm-send-command"]);
    expect(ids(esc(policy(allow(["ssm:SendCommand"], [instances, "arn:aws:ssm:*:*:document/*"]))))).toEqual(["ssm-send-command"]);
    // The account's own documents are not AWS's: running one needs a document that runs anything.
    expect(ids(esc(policy(allow(["ssm:SendCommand"], [instances, `arn:aws:ssm:*:${ACCOUNT}:document/*`]))))).toEqual([]);
    expect(ids(esc(policy(allow(["ssm:SendCommand", "ssm:StartSession"], [`arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0123456789abcdef0`]))))).toEqual([]);
    expect(ids(esc(policy(allow(["ssm:SendCommand"], [`arn:aws:ssm:*:${ACCOUNT}:managed-instance/*`, `arn:aws:ssm:*:${ACCOUNT}:document/*`]))))).toEqual([]);
    // Scoped by tag: the instances' tags are not in the inputs, so the path is conditional.
    const tagged = esc(policy(allow(["ssm:SendCommand"], ["*"], { Condition: { StringEquals: { "ssm:resourceTag/env": ["dev"] } } })));
    expect(tagged.escalationPaths.map((p) => [p.id, p.conditional])).toEqual([["ssm-send-command", true]]);
  });

  describe("PassRole to other new compute: every step needed, any one way of running it", () => {
    // A role each service can be passed: the passable-role step needs one that trusts the service.
    const escTo = (service: string, inline: ReturnType<typeof policy>) => {
      const trust = policy({ Effect: "Allow", Principal: { Service: [service] }, Action: ["sts:AssumeRole"] });
      const doc = analyzed(
        documentOf({
          roles: [role("app", { inline: { p: inline } }), role("admin", { managed: ["arn:aws:iam::aws:policy/AdministratorAccess"], trust })],
          functions: [fn("app", "app")],
          policies: [awsManaged("AdministratorAccess")],
        }),
      );
      return roleOf(doc, "app").analysis!;
    };
    const cases: { id: string; service: string; steps: string[][]; scoped?: { action: string; arn: string; reaches: boolean }[] }[] = [
      { id: "passrole-codebuild", service: "codebuild.amazonaws.com", steps: [["codebuild:CreateProject"], ["codebuild:StartBuild", "codebuild:StartBuildBatch"]] },
      {
        id: "passrole-ecs",
        service: "ecs-tasks.amazonaws.com",
        steps: [["ecs:RegisterTaskDefinition"], ["ecs:RunTask", "ecs:StartTask", "ecs:CreateService"]],
        scoped: [
          { action: "ecs:RunTask", arn: `arn:aws:ecs:*:${ACCOUNT}:task-definition/*:*`, reaches: true },
          { action: "ecs:CreateService", arn: `arn:aws:ecs:*:${ACCOUNT}:service/*`, reaches: true },
          // RunTask acts on task definitions: a grant on services only does not run one.
          { action: "ecs:RunTask", arn: `arn:aws:ecs:*:${ACCOUNT}:service/*`, reaches: false },
        ],
      },
      {
        id: "passrole-glue-job",
        service: "glue.amazonaws.com",
        steps: [["glue:CreateJob"], ["glue:StartJobRun", "glue:CreateTrigger"]],
        scoped: [
          { action: "glue:CreateTrigger", arn: `arn:aws:glue:*:${ACCOUNT}:trigger/*`, reaches: true },
          { action: "glue:CreateTrigger", arn: `arn:aws:glue:*:${ACCOUNT}:job/*`, reaches: false },
        ],
      },
      { id: "glue-update-job", service: "glue.amazonaws.com", steps: [["glue:UpdateJob"], ["glue:StartJobRun", "glue:CreateTrigger"]] },
      { id: "passrole-sagemaker-job", service: "sagemaker.amazonaws.com", steps: [["sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob"]] },
      { id: "passrole-ec2-spot", service: "ec2.amazonaws.com", steps: [["ec2:RequestSpotInstances"]] },
      { id: "passrole-apprunner", service: "tasks.apprunner.amazonaws.com", steps: [["apprunner:CreateService"]] },
      {
        id: "passrole-cloudformation-stackset",
        service: "cloudformation.amazonaws.com",
        steps: [["cloudformation:CreateStackSet"], ["cloudformation:CreateStackInstances"]],
        // CreateStackSet has no resource types: AWS authorizes it on "*" only, so a statement naming
        // ARNs does not grant it, even ones matching every CloudFormation resource.
        scoped: [
          { action: "cloudformation:CreateStackSet", arn: `arn:aws:cloudformation:*:${ACCOUNT}:*`, reaches: false },
          { action: "cloudformation:CreateStackInstances", arn: `arn:aws:cloudformation:*:${ACCOUNT}:stackset/*`, reaches: true },
        ],
      },
      { id: "cloudformation-update-stackset", service: "cloudformation.amazonaws.com", steps: [["cloudformation:UpdateStackSet"]] },
      {
        id: "passrole-bedrock-code-interpreter",
        service: "bedrock-agentcore.amazonaws.com",
        steps: [["bedrock-agentcore:CreateCodeInterpreter"], ["bedrock-agentcore:StartCodeInterpreterSession"], ["bedrock-agentcore:InvokeCodeInterpreter"]],
      },
    ];

    for (const c of cases) {
      it(`${c.id}: PassRole to ${c.service} and ${c.steps.map((s) => s.join(" | ")).join(" + ")}`, () => {
        const all = (ways: (s: string[]) => string[]) => c.steps.flatMap(ways);
        // Each way of doing each step is enough, with every other step granted.
        for (let k = 0; k < c.steps.length; k++) {
          for (const way of c.steps[k]!) {
            const actions = ["iam:PassRole", ...c.steps.flatMap((s, j) => (j === k ? [way] : [s[0]!]))];
            const a = escTo(c.service, policy(allow(actions)));
            expect(ids(a), actions.join(", ")).toContain(c.id);
            const path = a.escalationPaths.find((p) => p.id === c.id)!;
            // PassRole on "*" reaches any role, those created later included.
            expect(path.resources).toContain(`<any role in ${ACCOUNT}>`);
            expect(path.actions).toEqual(actions);
          }
        }
        // PassRole on one role: the path reaches it when it trusts the service, not otherwise.
        const named = (service: string) => escTo(service, policy(allow(["iam:PassRole"], [roleArn("admin")]), allow(all((s) => s))));
        expect(named(c.service).escalationPaths.find((p) => p.id === c.id)?.resources).toContain(roleArn("admin"));
        expect(ids(named("example.amazonaws.com"))).not.toContain(c.id);
        // Without PassRole, without any one step, or with PassRole only to another service: no path.
        expect(ids(escTo(c.service, policy(allow(all((s) => s)))))).not.toContain(c.id);
        for (let k = 0; k < c.steps.length; k++) {
          const a = escTo(c.service, policy(allow(["iam:PassRole", ...c.steps.flatMap((s, j) => (j === k ? [] : s))])));
          expect(ids(a), `without ${c.steps[k]!.join(" | ")}`).not.toContain(c.id);
          expect(a.blockedEscalations.map((b) => b.id)).toContain(c.id);
        }
        const otherService = policy(allow(["iam:PassRole"], ["*"], { Condition: { StringEquals: { "iam:PassedToService": ["lambda.amazonaws.com"] } } }), allow(all((s) => s)));
        expect(ids(escTo(c.service, otherService))).not.toContain(c.id);
        for (const s of c.scoped ?? []) {
          const rest = all((x) => x).filter((x) => x !== s.action && !c.steps.find((st) => st.includes(s.action))!.includes(x));
          const a = escTo(c.service, policy(allow(["iam:PassRole", ...rest]), allow([s.action], [s.arn])));
          expect(ids(a).includes(c.id), `${s.action} on ${s.arn}`).toBe(s.reaches);
        }
      });
    }
  });

  it("the rule's documentation lists every path, in catalogue order, and every action is a real one", () => {
    const doc = readFileSync(new URL("../../docs/rules/LR014-privilege-escalation.md", import.meta.url), "utf8");
    const listed = /Paths: ([^.]+)\./.exec(doc)?.[1]?.split(", ");
    // sts-assume-role (decided with the target's trust policy, in a second pass) is listed in its place in the catalogue.
    const order = ESCALATION_METHODS.map((m) => m.id);
    order.splice(order.indexOf(ASSUME_ROLE_METHOD.after) + 1, 0, ASSUME_ROLE_METHOD.id);
    expect(listed).toEqual(order);
    const catalog = loadActionCatalogSync();
    for (const m of ESCALATION_METHODS) for (const s of m.steps) for (const a of s.actions) expect(catalog.expand(a), `${m.id}: ${a}`).toEqual([a]);
  });

  it("computes paths for IAM users too (their groups' policies included)", () => {
    const u = user("dev", { p: policy(allow(["iam:CreateAccessKey"])) });
    const doc = analyzed(documentOf({ principals: [u, user("other")] }));
    const a = doc.principals.find((p) => p.name === "dev")!.analysis!;
    expect(a.escalationPaths.map((p) => p.id)).toEqual(["iam-create-access-key"]);
  });
});

/**
 * The readers of a function's configuration by the IAM engine alone (the oracle of the properties
 * below): every principal's whole policies against the function and its resource policy, no
 * reduction, class or shortcut, in ARN order.
 */
function readersByEngine(principals: ReadonlyArray<{ arn: string; type: string; documents: PolicyDocument[] }>, f: LambdaFunction) {
  return principals
    .map((p) => {
      const actions = READ_CONFIGURATION_ACTIONS.map((action) => ({
        action,
        decision: evaluateRequest({ identityPolicies: p.documents, resourcePolicy: f.resourcePolicy, request: { action, resource: f.arn, principalArn: p.arn, context: principalContext(p.arn) } }).decision,
      })).filter((a) => a.decision === "allowed" || a.decision === "conditional");
      if (actions.length === 0) return null;
      return { principalArn: p.arn, principalType: p.type, actions: actions.map((a) => a.action), decision: actions.some((a) => a.decision === "conditional") ? "conditional" : "allowed" };
    })
    .filter((r) => r !== null)
    .sort((a, b) => (a.principalArn < b.principalArn ? -1 : 1));
}

describe("who can read a function's configuration", () => {
  const build = () => {
    const env = { environmentVariableNames: ["DB_PASSWORD"] };
    return analyzed(
      documentOf({
        roles: [role("api-role", { inline: { p: policy(allow(["lambda:*"])) } }), role("ops", { inline: { p: policy(allow(["lambda:Get*"])) }, trust: policy({ Effect: "Allow", Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:root`] }, Action: ["sts:AssumeRole"] }) })],
        principals: [
          user("one-fn", { p: policy(allow(["lambda:GetFunctionConfiguration"], [functionArn("api")])) }),
          user("denied", { p: policy(allow(["lambda:*"]), deny(["lambda:GetFunction*"])) }),
          user("regional", { p: policy(allow(["lambda:GetFunction"], ["*"], { Condition: { StringEquals: { "aws:SourceVpc": ["vpc-1"] } } })) }),
          user("none", { p: policy(allow(["s3:GetObject"])) }),
        ],
        functions: [fn("api", "api-role", env), fn("worker", "api-role", env), fn("plain", "api-role")],
      }),
    );
  };

  it("lists readers per function, excluding the function's own role, with conditional ones marked", () => {
    const doc = build();
    const readers = (name: string) => fnOf(doc, name).analysis!.configurationReaders.map((r) => `${r.principalArn.split(":").pop()} ${r.decision} ${r.actions.join(",")}`);
    expect(readers("api")).toEqual([
      "role/ops allowed lambda:GetFunction,lambda:GetFunctionConfiguration",
      "user/one-fn allowed lambda:GetFunctionConfiguration",
      "user/regional conditional lambda:GetFunction",
    ]);
    expect(readers("worker")).toEqual(["role/ops allowed lambda:GetFunction,lambda:GetFunctionConfiguration", "user/regional conditional lambda:GetFunction"]);
    // No environment variables: not computed.
    expect(fnOf(doc, "plain").analysis!.readerCount).toBe(0);
  });

  it("agrees with evaluating every principal on every function (property over random grants)", () => {
    const patterns = ["lambda:*", "lambda:Get*", "lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:List*", "*"];
    const resources = ["*", functionArn("f0"), `arn:aws:lambda:us-east-1:${ACCOUNT}:function:f*`, `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:*`];
    const grant = fc.record({ effect: fc.constantFrom("Allow", "Deny" as const), action: fc.constantFrom(...patterns), resource: fc.constantFrom(...resources) });
    fc.assert(
      fc.property(fc.array(fc.array(grant, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }), (users) => {
        const principals = users.map((gs, i) =>
          user(`u${i}`, { p: policy(...gs.map((g) => ({ Effect: g.effect as "Allow" | "Deny", Action: [g.action], Resource: [g.resource] }))) }),
        );
        const functions = [0, 1, 2].map((i) => fn(`f${i}`, "r", { environmentVariableNames: ["X"] }));
        const doc = analyzed(documentOf({ roles: [role("r")], principals, functions }));
        // Oracle: a fresh single-function document per function (no caching, no reduction across functions).
        for (const f of functions) {
          const alone = analyzed(documentOf({ roles: [role("r")], principals, functions: [f] }));
          expect(fnOf(doc, f.name).analysis!.configurationReaders).toEqual(fnOf(alone, f.name).analysis!.configurationReaders);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("equals evaluating every user's whole policies against every function's resource policy (property)", () => {
    const patterns = ["lambda:*", "lambda:Get*", "lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:InvokeFunction", "*"];
    const resources = ["*", functionArn("f0"), `arn:aws:lambda:us-east-1:${ACCOUNT}:function:f*`];
    const grant = fc.record({ effect: fc.constantFrom("Allow", "Deny" as const), action: fc.constantFrom(...patterns), resource: fc.constantFrom(...resources) });
    // Resource policies as Lambda writes them (InvokeFunction for a service or trigger), and ones that
    // grant or deny reading to a user, to the account or to everyone, or through NotAction.
    const userArn = (i: number) => `arn:aws:iam::${ACCOUNT}:user/u${i}`;
    const resourceStatement = fc.oneof(
      fc.constant({ Effect: "Allow" as const, Principal: { Service: ["s3.amazonaws.com"] }, Action: ["lambda:InvokeFunction"], Resource: ["*"] }),
      fc.record({
        Effect: fc.constantFrom("Allow" as const, "Deny" as const),
        Principal: fc.constantFrom({ AWS: [userArn(0)] }, { AWS: [userArn(1)] }, { AWS: [`arn:aws:iam::${ACCOUNT}:root`] }, { AWS: ["*"] }),
        Action: fc.constantFrom(["lambda:GetFunction"], ["lambda:GetFunctionConfiguration"], ["lambda:InvokeFunction"], ["lambda:*"]),
        Resource: fc.constant(["*"]),
      }),
      fc.constant({ Effect: "Allow" as const, Principal: { AWS: [userArn(0)] }, NotAction: ["lambda:InvokeFunction"], Resource: ["*"] }),
    );
    const resourcePolicy = fc.option(fc.array(resourceStatement, { minLength: 1, maxLength: 3 }).map((st) => policy(...(st as never[]))), { nil: null });
    fc.assert(
      fc.property(
        fc.array(fc.array(grant, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }),
        fc.array(resourcePolicy, { minLength: 3, maxLength: 3 }),
        (users, policies) => {
          const principals = users.map((gs, i) =>
            user(`u${i}`, { p: policy(...gs.map((g) => ({ Effect: g.effect as "Allow" | "Deny", Action: [g.action], Resource: [g.resource] }))) }),
          );
          const functions = policies.map((rp, i) => fn(`f${i}`, "r", { environmentVariableNames: ["X"], resourcePolicy: rp }));
          const doc = analyzed(documentOf({ roles: [role("r")], principals, functions }));
          for (const f of functions) {
            // Oracle: the IAM engine on every user's whole inline policies, no reduction or shortcut.
            const expected = readersByEngine(principals.map((u) => ({ arn: u.arn, type: "user", documents: u.inlinePolicies.map((p) => p.document) })), f);
            const got = fnOf(doc, f.name).analysis!;
            expect(got.configurationReaders).toEqual(expected.slice(0, MAX_READERS));
            expect(got.readerCount).toBe(expected.length);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("who can read a function's configuration, principals sharing their policies", () => {
  // buildReaderIndex evaluates principals whose reduced statements are equal once per function
  // (a class): a group's policy on many users, one policy on many roles, the function's own role
  // among them. Policies are drawn from a small pool so that classes form; some statements read
  // the principal (a condition on aws:username or aws:PrincipalArn, a ${aws:username} resource),
  // which must keep the principal in a class of its own.
  const userArn = (i: number) => `arn:aws:iam::${ACCOUNT}:user/u${i}`;
  const statement = fc.oneof(
    fc.record({
      Effect: fc.constantFrom("Allow" as const, "Deny" as const),
      Action: fc.constantFrom(["lambda:GetFunction"], ["lambda:GetFunctionConfiguration"], ["lambda:Get*"], ["lambda:*"], ["s3:GetObject"]),
      Resource: fc.constantFrom(["*"], [functionArn("f0")], [`arn:aws:lambda:us-east-1:${ACCOUNT}:function:f*`], [`arn:aws:lambda:us-east-1:${ACCOUNT}:function:f1*`]),
    }),
    fc.constant({ Effect: "Allow" as const, Action: ["lambda:GetFunction"], Resource: [`arn:aws:lambda:us-east-1:${ACCOUNT}:function:f*`], Condition: { StringEquals: { "aws:username": ["u1"] } } }),
    fc.constant({ Effect: "Allow" as const, Action: ["lambda:GetFunctionConfiguration"], Resource: [functionArn("f2")], Condition: { ArnLike: { "aws:PrincipalArn": [userArn(0), `arn:aws:iam::${ACCOUNT}:role/r*`] } } }),
    fc.constant({ Effect: "Allow" as const, Action: ["lambda:GetFunction"], Resource: [`arn:aws:lambda:us-east-1:${ACCOUNT}:function:\${aws:username}`] }),
  );
  const pool = fc.array(fc.array(statement, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 });

  it("equals evaluating every principal's policies on every function (property)", () => {
    fc.assert(
      fc.property(
        pool,
        fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
        (statements, userPicks, rolePicks, fnRoles) => {
          const doc = (i: number) => policy(...(statements[i % statements.length] as never[]));
          const principals = userPicks.map((pick, i) => user(`u${i}`, { p: doc(pick) }));
          const roles = rolePicks.map((pick, i) => role(`r${i}`, { inline: { p: doc(pick) } }));
          // Functions f0..f3 named so that f0's ARN is `${aws:username}` for user f0 — none; `f1*` patterns match f1 only.
          const functions = fnRoles.map((r, i) => fn(`f${i}`, `r${r % roles.length}`, { environmentVariableNames: ["X"] }));
          const analysedDoc = analyzed(documentOf({ roles, principals, functions }));
          for (const f of functions) {
            const everyone = [...roles.map((r) => ({ arn: r.arn, type: "role", documents: r.inlinePolicies.map((p) => p.document) })), ...principals.map((u) => ({ arn: u.arn, type: "user", documents: u.inlinePolicies.map((p) => p.document) }))];
            // Oracle: the IAM engine on every principal's whole policies, the function's own role left out.
            const expected = readersByEngine(everyone.filter((p) => p.arn !== f.roleArn), f);
            const got = fnOf(analysedDoc, f.name).analysis!;
            expect(got.configurationReaders).toEqual(expected.slice(0, MAX_READERS));
            expect(got.readerCount).toBe(expected.length);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("counts every member of a large class and lists the first by ARN, the function's role left out", () => {
    const reader = policy(allow(["lambda:GetFunctionConfiguration"], [`arn:aws:lambda:us-east-1:${ACCOUNT}:function:team-*`]));
    const roles = Array.from({ length: 12 }, (_, i) => role(`deploy-${String(i).padStart(2, "0")}`, { inline: { p: reader } }));
    const principals = Array.from({ length: 30 }, (_, i) => user(`dev-${String(i).padStart(2, "0")}`, { p: reader }));
    const doc = analyzed(documentOf({ roles, principals, functions: [fn("team-api", "deploy-00", { environmentVariableNames: ["X"] }), fn("other", "deploy-01", { environmentVariableNames: ["X"] })] }));
    const api = fnOf(doc, "team-api").analysis!;
    expect(api.readerCount).toBe(41);
    expect(api.configurationReaders.map((r) => r.principalArn.split(":").pop())).toEqual(["role/deploy-01", "role/deploy-02", "role/deploy-03", "role/deploy-04", "role/deploy-05"]);
    expect(fnOf(doc, "other").analysis!.readerCount).toBe(0);
  });
});

describe("scope suggestions from usage", () => {
  it("suggests the shared prefix of the tables a table/* grant was used on", () => {
    const table = (n: string) => `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${n}`;
    const doc = documentOf({
      roles: [role("r", { inline: { data: policy(allow(["dynamodb:GetItem", "dynamodb:PutItem"], [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/*`])) } })],
      functions: [fn("api", "r")],
    });
    const usage = emptyUsage();
    usage.present = true;
    const a = (action: string, resources: string[]) => ({ action, count: 5, deniedCount: 0, firstSeen: "2026-10-01T00:00:00Z", lastSeen: "2026-10-30T00:00:00Z", resources, resourcesTruncated: false, resourcePrefix: null, errorCodes: {} });
    usage.principals.push({
      accountId: ACCOUNT, roleArn: roleArn("r"), functionName: "api", functionArn: functionArn("api"), sessionKind: "function", sessionName: "api", invokedBy: null, regions: ["us-east-1"],
      actions: [a("dynamodb:GetItem", [table("orders-eu"), table("orders-us")]), a("dynamodb:PutItem", [table("orders-eu")])], unmapped: {}, firstSeen: "2026-10-01T00:00:00Z", lastSeen: "2026-10-30T00:00:00Z",
    });
    doc.usage = usage;
    const s = roleOf(analyzed(doc), "r").analysis!.scopeSuggestions;
    expect(s).toEqual([{ policy: "inline:data", index: 0, granted: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/*`, suggested: table("orders-*"), actions: ["dynamodb:GetItem", "dynamodb:PutItem"], resources: [table("orders-eu"), table("orders-us")] }]);
  });

  it("scopes from the calls that were not denied: a table seen only in an AccessDenied call is not one the role needs", () => {
    const table = (n: string) => `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${n}`;
    const doc = documentOf({ roles: [role("r", { inline: { data: policy(allow(["dynamodb:GetItem"], [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/*`])) } })], functions: [fn("api", "r")] });
    const usage = emptyUsage();
    usage.present = true;
    const sample = { resources: [table("orders-eu"), table("orders-us")], resourcesTruncated: false, resourcePrefix: null };
    usage.principals.push({
      accountId: ACCOUNT, roleArn: roleArn("r"), functionName: "api", functionArn: functionArn("api"), sessionKind: "function", sessionName: "api", invokedBy: null, regions: ["us-east-1"],
      // The denied call was on `payroll`: with it the common prefix would be `table/*` again.
      actions: [{ action: "dynamodb:GetItem", count: 6, deniedCount: 1, firstSeen: "2026-10-01T00:00:00Z", lastSeen: "2026-10-30T00:00:00Z", resources: [...sample.resources, table("payroll")], resourcesTruncated: false, resourcePrefix: null, errorCodes: { AccessDeniedException: 1 }, authorized: sample }],
      unmapped: {}, firstSeen: "2026-10-01T00:00:00Z", lastSeen: "2026-10-30T00:00:00Z",
    });
    doc.usage = usage;
    expect(roleOf(analyzed(doc), "r").analysis!.scopeSuggestions.map((s) => s.suggested)).toEqual([table("orders-*")]);
  });

  it("suggests no narrowing of a grant some calls used without naming a resource (an SMS Publish needs *)", () => {
    const topic = (n: string) => `arn:aws:sns:us-east-1:${ACCOUNT}:${n}`;
    const doc = documentOf({ roles: [role("r", { inline: { notify: policy(allow(["sns:Publish"], ["*"])) } })], functions: [fn("api", "r")] });
    const usage = emptyUsage();
    usage.present = true;
    const publish = (unnamedCalls?: number) => ({
      action: "sns:Publish", count: 6, deniedCount: 0, firstSeen: "2026-10-01T00:00:00Z", lastSeen: "2026-10-30T00:00:00Z", resources: [topic("orders-eu"), topic("orders-us")], resourcesTruncated: false, resourcePrefix: null, errorCodes: {},
      ...(unnamedCalls === undefined ? {} : { unnamedCalls }),
    });
    const principal = (unnamedCalls?: number) => ({
      accountId: ACCOUNT, roleArn: roleArn("r"), functionName: "api", functionArn: functionArn("api"), sessionKind: "function" as const, sessionName: "api", invokedBy: null, regions: ["us-east-1"],
      actions: [publish(unnamedCalls)], unmapped: {}, firstSeen: "2026-10-01T00:00:00Z", lastSeen: "2026-10-30T00:00:00Z",
    });
    usage.principals.push(principal());
    doc.usage = usage;
    expect(roleOf(analyzed(doc), "r").analysis!.scopeSuggestions.map((s) => s.suggested)).toEqual([topic("orders-*")]);
    // One of the six publishes named no topic (a phone number): `orders-*` would refuse it.
    const sms = structuredClone(doc);
    sms.usage.principals = [principal(1)];
    expect(roleOf(analyzed(sms), "r").analysis!.scopeSuggestions).toEqual([]);
  });

  /** Role r's scope suggestions when one Allow of `actions` on `resource` was used by function api as `used` says. */
  const suggestionsOf = (actions: string[], resource: string, used: ActionUsage[]) => {
    const doc = documentOf({ roles: [role("r", { inline: { data: policy(allow(actions, [resource])) } })], functions: [fn("api", "r")] });
    const usage = emptyUsage();
    usage.present = true;
    usage.principals.push({
      accountId: ACCOUNT, roleArn: roleArn("r"), functionName: "api", functionArn: functionArn("api"), sessionKind: "function", sessionName: "api", invokedBy: null, regions: ["us-east-1"],
      actions: used, unmapped: {}, firstSeen: "2026-10-01T00:00:00Z", lastSeen: "2026-10-30T00:00:00Z",
    });
    doc.usage = usage;
    return roleOf(analyzed(doc), "r").analysis!.scopeSuggestions;
  };

  describe("more resources than the usage sample keeps", () => {
    const table = (n: string) => `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${n}`;
    const queue = (n: string) => `arn:aws:sqs:us-east-1:${ACCOUNT}:${n}`;
    const suggestionsFor = (resource: string, used: ActionUsage[]) => suggestionsOf(["dynamodb:GetItem", "sqs:SendMessage"], resource, used);
    // The 50 smallest of the tables used: all orders-…; the function also used payments-eu, beyond the sample.
    const sample = Array.from({ length: 50 }, (_, i) => table(`orders-${String(i).padStart(3, "0")}`));
    const getItem = (extra: Partial<ActionUsage>): ActionUsage => ({ action: "dynamodb:GetItem", count: 900, deniedCount: 0, firstSeen: "2026-10-01T00:00:00Z", lastSeen: "2026-10-30T00:00:00Z", resources: sample, resourcesTruncated: true, resourcePrefix: `${table("")}*`, errorCodes: {}, ...extra });

    it("suggests no prefix of the sample that the resources beyond it escape", () => {
      // Before: table/orders-* from the sample alone, which refuses payments-eu.
      expect(suggestionsFor(table("*"), [getItem({ resourceParents: [{ prefix: table(""), single: false }] })])).toEqual([]);
      // Without parents (an older document, or more than 32): the one prefix of all, the same answer.
      expect(suggestionsFor(table("*"), [getItem({})])).toEqual([]);
    });

    it("suggests a prefix that covers them, and says they were there", () => {
      const [s, ...rest] = suggestionsFor(table("*"), [getItem({ resourcePrefix: `${table("orders-")}*`, resourceParents: [{ prefix: table("orders-"), single: false }] })]);
      expect(rest).toEqual([]);
      expect(s?.suggested).toBe(table("orders-*"));
      expect(s?.beyondSample).toEqual([table("orders-*")]);
      expect(s?.resources).toHaveLength(10);
    });

    it("suggests nothing for a grant whose uses it cannot all cover (a * used on tables and on one queue)", () => {
      const send: ActionUsage = { action: "sqs:SendMessage", count: 3, deniedCount: 0, firstSeen: "2026-10-01T00:00:00Z", lastSeen: "2026-10-30T00:00:00Z", resources: [queue("jobs")], resourcesTruncated: false, resourcePrefix: null, errorCodes: {} };
      const two: ActionUsage = { ...getItem({}), count: 2, resources: [table("orders-eu"), table("orders-us")], resourcesTruncated: false, resourcePrefix: `${table("orders-")}*` };
      // Before: "scope * to table/orders-*", which refuses the queue.
      expect(suggestionsFor("*", [two, send])).toEqual([]);
      // The tables alone: as before.
      expect(suggestionsFor("*", [two]).map((s) => s.suggested)).toEqual([table("orders-*")]);
    });
  });

  it("reads only the resources of the action's own types: the bucket an S3 data event lists beside each object is not GetObject's", () => {
    const object = (key: string) => `arn:aws:s3:::media/${key}`;
    const docWith = (used: ActionUsage[]) => suggestionsOf(["s3:GetObject", "s3:ListAllMyBuckets"], "*", used);
    const get: ActionUsage = { action: "s3:GetObject", count: 5, deniedCount: 0, firstSeen: "2026-10-01T00:00:00Z", lastSeen: "2026-10-30T00:00:00Z", resources: ["arn:aws:s3:::media", object("in/a.json"), object("in/b.json")], resourcesTruncated: false, resourcePrefix: `${object("in/")}*`, errorCodes: {} };
    // Before: the bucket made a second group of one, which had no suggestion of its own.
    expect(docWith([get]).map((s) => [s.suggested, s.resources])).toEqual([[object("in/*"), [object("in/a.json"), object("in/b.json")]]]);
    // ListAllMyBuckets, also used, is authorised on * only: the * grant cannot be narrowed.
    const list: ActionUsage = { ...get, action: "s3:ListAllMyBuckets", resources: [], resourcePrefix: null };
    expect(docWith([get, list])).toEqual([]);
  });

  it("writes `$`, `*`, `?` of the observed names in IAM's literal forms, as generate does", () => {
    // Found in review: the prefix of S3 keys `u/${x}/a*1` and `u/${x}/a*2` was suggested as
    // `u/${x}/a*`, a policy variable; `${aws:username}` would even read the caller's name.
    const object = (key: string) => `arn:aws:s3:::uploads/${key}`;
    const doc = documentOf({ roles: [role("r", { inline: { data: policy(allow(["s3:GetObject"], ["arn:aws:s3:::*"])) } })], functions: [fn("api", "r")] });
    const usage = emptyUsage();
    usage.present = true;
    usage.principals.push({
      accountId: ACCOUNT, roleArn: roleArn("r"), functionName: "api", functionArn: functionArn("api"), sessionKind: "function", sessionName: "api", invokedBy: null, regions: ["us-east-1"],
      actions: [{ action: "s3:GetObject", count: 5, deniedCount: 0, firstSeen: "2026-10-01T00:00:00Z", lastSeen: "2026-10-30T00:00:00Z", resources: [object("u/${aws:username}/a*?-1"), object("u/${aws:username}/a*?-2")], resourcesTruncated: false, resourcePrefix: null, errorCodes: {} }],
      unmapped: {}, firstSeen: "2026-10-01T00:00:00Z", lastSeen: "2026-10-30T00:00:00Z",
    });
    doc.usage = usage;
    const [s] = roleOf(analyzed(doc), "r").analysis!.scopeSuggestions;
    expect(s?.suggested).toBe(literalPrefixPattern(object("u/${aws:username}/a*?-")));
    expect(s?.suggested).toBe("arn:aws:s3:::uploads/u/${$}{aws:username}/a${*}${?}-*");
    // It covers what was used, read as IAM reads it (Version 2012-10-17: variables substituted).
    for (const r of s!.resources) expect(arnMatches(s!.suggested, r, {})).toBe(true);
  });
});

describe("analyzeDocument", () => {
  it("does not modify its input and is deterministic", () => {
    const doc = documentOf({ roles: [role("r", { managed: [BASIC], inline: { p: policy(allow(["iam:PassRole", "lambda:*"])) } })], functions: [fn("api", "r", { environmentVariableNames: ["A"] })], principals: [user("u", { p: policy(allow(["*"])) })], policies: [awsManaged(BASIC)] });
    const before = JSON.stringify(doc);
    const a = JSON.stringify(analyzeDocument(doc, catalog));
    expect(JSON.stringify(doc)).toBe(before);
    expect(JSON.stringify(analyzeDocument(structuredClone(doc), catalog))).toBe(a);
  });
});
