/**
 * LR021 broad-managed-policy through the real pipeline (export → normaliser with the shipped AWS
 * managed policy data → analysis → compiled pack), on execution roles carrying the AWS managed
 * policies Lambda roles are given in real accounts: broad ones reported once per policy, full
 * access left to LR004, Lambda's own and read-only ones silent; both judged within the role's
 * permissions boundary and its Deny statements.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { audit } from "../../src/index.js";
import { exportPolicy, exportRole, writeExport } from "../support/authorization-details.js";

const work = mkdtempSync(join(tmpdir(), "leastrole-lr021-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const aws = (path: string) => `arn:aws:iam::aws:policy/${path}`;
/** A customer managed policy allowing these actions on every resource (a permissions boundary here). */
const boundary = (name: string, Action: string[]) => exportPolicy(`arn:aws:iam::123456789012:policy/${name}`, [{ Effect: "Allow", Action, Resource: "*" }]);

describe("LR021 broad-managed-policy", () => {
  it("reports broad AWS managed policies once each, leaves full access to LR004 and Lambda's own and read-only policies alone", async () => {
    const file = writeExport(work, [
      exportRole("vpc", { managed: [aws("service-role/AWSLambdaBasicExecutionRole"), aws("AmazonVPCFullAccess")] }),
      exportRole("invoker", { managed: [aws("service-role/AWSLambdaRole"), aws("service-role/AWSLambdaBasicExecutionRole")] }),
      exportRole("lambda-own", {
        managed: [
          aws("service-role/AWSLambdaBasicExecutionRole"),
          aws("service-role/AWSLambdaSQSQueueExecutionRole"),
          aws("service-role/AWSLambdaVPCAccessExecutionRole"),
          aws("AWSXrayWriteOnlyAccess"),
          aws("CloudWatchLambdaInsightsExecutionRolePolicy"),
        ],
      }),
      exportRole("full", { managed: [aws("AmazonS3FullAccess")] }),
      exportRole("auditor", { managed: [aws("SecurityAudit")] }),
    ]);
    const { report } = await audit([file]);
    const lr021 = report.findings.filter((f) => f.ruleId === "LR021");
    expect(lr021.map((f) => [f.resource.name, f.evidence.policy, f.severity])).toEqual([
      ["vpc", aws("AmazonVPCFullAccess"), "high"],
      ["invoker", aws("service-role/AWSLambdaRole"), "medium"],
    ]);
    const vpc = lr021[0]!.evidence;
    expect(vpc.services).toEqual(["ec2"]);
    expect(vpc.permissionsManagementActions).toContain("ec2:CreateNetworkInterfacePermission");
    expect(vpc.actionCount as number).toBeGreaterThan(50);
    // The ENI actions AWS documents for VPC functions are not among them.
    expect(vpc.actions).not.toContain("ec2:CreateNetworkInterface");
    const invoker = lr021[1]!.evidence;
    expect(invoker.actions).toEqual(["lambda:InvokeFunction"]);
    expect(invoker.statements).toEqual([{ policy: aws("service-role/AWSLambdaRole"), index: 0, sid: null }]);
    // Full access is LR004's, once.
    expect(report.findings.filter((f) => f.resource.name === "full").map((f) => f.ruleId)).toContain("LR004");
  });

  it("counts what the role is allowed: a boundary or a Deny on every resource blocks some or all of it", async () => {
    const denyEc2 = { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "ec2:*", Resource: "*" }] };
    const file = writeExport(
      work,
      [
        exportRole("logs-only", { managed: [aws("AmazonVPCFullAccess")], boundary: "arn:aws:iam::123456789012:policy/logs-only" }),
        exportRole("one-write", { managed: [aws("AmazonVPCFullAccess")], boundary: "arn:aws:iam::123456789012:policy/one-write" }),
        exportRole("denied", { managed: [aws("AmazonVPCFullAccess")], inline: [denyEc2] }),
      ],
      [boundary("logs-only", ["logs:*"]), boundary("one-write", ["logs:*", "ec2:CreateVpc", "ec2:DeleteVpc", "ec2:DescribeVpcs"])],
    );
    const { report } = await audit([file]);
    const lr021 = report.findings.filter((f) => f.ruleId === "LR021");
    expect(lr021.map((f) => f.resource.name)).toEqual(["one-write"]);
    // What the boundary leaves of the policy's 95: the two VPC writes (ec2:DescribeVpcs reads).
    // 95, not 100: five of its writes have one optional resource type, whose calls may name none
    // (ec2:ReleaseAddress, ec2:DisassociateVpcCidrBlock …), and are not counted, as in LR003.
    expect(lr021[0]!.evidence.actions).toEqual(["ec2:CreateVpc", "ec2:DeleteVpc"]);
    expect(lr021[0]!.evidence.actionCount).toBe(2);
    expect(lr021[0]!.evidence.blockedActionCount).toBe(93);
    // The permissions-management actions are among those blocked: medium, not high.
    expect(lr021[0]!.severity).toBe("medium");
  });

  it("LR004 too: a boundary that blocks every action of a full-access policy makes it low, one that blocks some says how many", async () => {
    const file = writeExport(
      work,
      [
        exportRole("s3-blocked", { managed: [aws("AmazonS3FullAccess")], boundary: "arn:aws:iam::123456789012:policy/logs-only" }),
        exportRole("admin-bounded", { managed: [aws("AdministratorAccess")], boundary: "arn:aws:iam::123456789012:policy/all-but-iam" }),
        exportRole("s3-open", { managed: [aws("AmazonS3FullAccess")] }),
      ],
      [boundary("logs-only", ["logs:*"]), boundary("all-but-iam", ["s3:*", "dynamodb:*", "logs:*"])],
    );
    const { report } = await audit([file]);
    const lr004 = Object.fromEntries(report.findings.filter((f) => f.ruleId === "LR004").map((f) => [f.resource.name, f]));
    expect(lr004["s3-open"]!.severity).toBe("high");
    expect(lr004["s3-open"]!.evidence.blockedActionCount).toBe(0);
    expect(lr004["s3-blocked"]!.severity).toBe("low");
    expect(lr004["s3-blocked"]!.evidence.blockedActionCount).toBe(lr004["s3-blocked"]!.evidence.actionCount);
    expect(lr004["s3-blocked"]!.message).toMatch(/blocks all of them$/);
    expect(lr004["admin-bounded"]!.severity).toBe("critical");
    expect(lr004["admin-bounded"]!.message).toMatch(/; the permissions boundary or a Deny blocks \d+ of its \d+ actions$/);
  });

  it("as AWS publishes a policy in the export: a condition lowers the severity, a closed time window grants nothing, a past start date is no condition", async () => {
    // get-account-authorization-details lists the AWS managed policies in use with their documents.
    const published = (name: string, Condition?: object) => exportPolicy(aws(name), [{ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: "*", ...(Condition ? { Condition } : {}) }]);
    const file = writeExport(
      work,
      [
        exportRole("regional", { managed: [aws("ExampleRegionalInvoke")] }),
        exportRole("closed", { managed: [aws("ExampleWindowInvoke")] }),
        exportRole("started", { managed: [aws("ExampleStartedInvoke")] }),
      ],
      [
        published("ExampleRegionalInvoke", { StringEquals: { "aws:RequestedRegion": "eu-west-1" } }),
        published("ExampleWindowInvoke", { DateLessThan: { "aws:CurrentTime": "2017-12-31T23:59:59Z" } }),
        published("ExampleStartedInvoke", { DateGreaterThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } }),
      ],
    );
    const { report } = await audit([file]);
    expect(report.findings.filter((f) => f.ruleId === "LR021").map((f) => [f.resource.name, f.severity, f.evidence.conditional])).toEqual([
      ["started", "medium", false],
      ["regional", "low", true],
    ]);
    // LR003 leaves AWS managed statements to LR021.
    expect(report.findings.filter((f) => f.ruleId === "LR003")).toEqual([]);
  });
  it("does not count actions whose ordinary call names no resource (cloudwatch:PutMetricData), as LR003 does not", async () => {
    // CloudWatchAPIKeyAccess grants cloudwatch:PutMetricData on `*` and nothing else scopable:
    // the action's one resource type is optional, its calls name none, so no ARN can scope it.
    // CloudWatchAgentServerPolicy grants it beside log writes that do name a log group.
    const file = writeExport(work, [exportRole("metrics", { managed: [aws("CloudWatchAPIKeyAccess")] }), exportRole("agent", { managed: [aws("CloudWatchAgentServerPolicy")] })]);
    const { report } = await audit([file]);
    const lr021 = report.findings.filter((f) => f.ruleId === "LR021");
    expect(lr021.map((f) => f.resource.name)).toEqual(["agent"]);
    const actions = lr021[0]!.evidence.actions as string[];
    expect(actions).not.toContain("cloudwatch:PutMetricData");
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.every((a) => a.startsWith("logs:") || a.startsWith("ssm:") || a.startsWith("ec2:"))).toBe(true);
  });
});
