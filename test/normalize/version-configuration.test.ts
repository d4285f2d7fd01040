/**
 * A published version keeps the VpcConfig and TracingConfig it was published with
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html), and Lambda creates its
 * network interfaces and uploads its traces with its role whenever it is invoked. Found in review:
 * the normaliser kept only a version's role, so a version in a VPC (or tracing) whose `$LATEST` was
 * moved out was judged by `$LATEST`'s settings: LR006/LR007 missed the permissions, called them
 * unneeded, and generate left them out.
 */
import { describe, expect, it } from "vitest";
import { analyzeDocument } from "../../src/analysis/index.js";
import { auditDocument } from "../../src/audit/audit-document.js";
import { generatePolicy } from "../../src/generate/index.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import { readSourceBytes } from "../../src/sources/read-sources.js";
import type { SourceFragment } from "../../src/sources/types.js";
import { normalizeFragments } from "./checked.js";

const ACCOUNT = "123456789012";
const fnArn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:worker`;
const roleArn = `arn:aws:iam::${ACCOUNT}:role/worker-role`;
const catalog = loadActionCatalogSync();

function fragments(files: Array<{ file: string; text: string }>): SourceFragment[] {
  return files.map(({ file, text }) => {
    const r = readSourceBytes(file, text);
    if (!r.fragment) throw new Error(JSON.stringify(r.warnings));
    return r.fragment;
  });
}

const authz = (actions: string[]) =>
  JSON.stringify({
    RoleDetailList: [
      {
        Path: "/", RoleName: "worker-role", RoleId: "AROA1", Arn: roleArn,
        AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] },
        RolePolicyList: actions.length ? [{ PolicyName: "inline", PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] } }] : [],
        AttachedManagedPolicies: [],
      },
    ],
  });
// The shape list-functions --function-version ALL (what `leastrole collect` runs) returns for
// $LATEST and each version: a function outside any VPC has an empty VpcConfig.
const latest = { FunctionName: "worker", FunctionArn: fnArn, Role: roleArn, Runtime: "python3.12", Version: "$LATEST", VpcConfig: { SubnetIds: [], SecurityGroupIds: [], VpcId: "" }, TracingConfig: { Mode: "PassThrough" } };
const version3 = { ...latest, FunctionArn: `${fnArn}:3`, Version: "3", VpcConfig: { SubnetIds: ["subnet-0a1"], SecurityGroupIds: ["sg-0b2"], VpcId: "vpc-0c3" }, TracingConfig: { Mode: "Active" } };

function document(actions: string[], versions: object[]) {
  return normalizeFragments(
    fragments([
      { file: "iam/authz.json", text: authz(actions) },
      { file: "lambda/us-east-1/list-functions.json", text: JSON.stringify({ Functions: [latest, ...versions] }) },
    ]),
  ).document;
}

const findings = (doc: ReturnType<typeof document>, rule: string) => auditDocument(analyzeDocument(doc, catalog)).findings.filter((f) => f.ruleId === rule);

describe("a published version's own VPC and tracing", () => {
  it("are kept in the document, only where they differ from $LATEST's", () => {
    // get-function-configuration --qualifier 3 reads the same.
    const single = normalizeFragments(
      fragments([
        { file: "lambda/us-east-1/list-functions.json", text: JSON.stringify({ Functions: [latest] }) },
        { file: "lambda/us-east-1/get-function-configuration/worker%3A3.json", text: JSON.stringify(version3) },
      ]),
    ).document.functions[0]!;
    expect(single.versions.map((v) => [v.version, v.vpc?.vpcId, v.tracingMode])).toEqual([["3", "vpc-0c3", "Active"]]);
    const fn = document([], [version3, { ...latest, FunctionArn: `${fnArn}:2`, Version: "2" }]).functions[0]!;
    expect(fn.vpc).toBeNull();
    expect(fn.tracingMode).toBe("PassThrough");
    expect(fn.versions).toEqual([{ version: "3", roleArn, vpc: { vpcId: "vpc-0c3", subnetIds: ["subnet-0a1"], securityGroupIds: ["sg-0b2"] }, tracingMode: "Active" }]);
  });

  it("LR006 and LR007 report the permissions the version needs and its role lacks", () => {
    const doc = document([], [version3]);
    expect(findings(doc, "LR006").map((f) => f.message)).toEqual([
      "Function worker runs in VPC vpc-0c3 (version 3) but its execution role does not allow ec2:AssignPrivateIpAddresses, ec2:CreateNetworkInterface, ec2:DeleteNetworkInterface, ec2:DescribeNetworkInterfaces, ec2:DescribeSubnets, ec2:UnassignPrivateIpAddresses",
    ]);
    expect(findings(doc, "LR007").map((f) => f.message)).toEqual(["Function worker has Active tracing (version 3) but its execution role does not allow xray:PutTelemetryRecords, xray:PutTraceSegments"]);
  });

  it("the permissions the version needs are not unneeded, and generate grants them", () => {
    const granted = ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses", "xray:PutTraceSegments", "xray:PutTelemetryRecords"];
    expect(findings(document(granted, [version3]), "LR006")).toEqual([]);
    expect(findings(document(granted, [version3]), "LR007")).toEqual([]);
    // Without the version, the same grants are unneeded.
    expect(findings(document(granted, []), "LR006").map((f) => f.evidence.actions)).toHaveLength(1);
    const actions = generatePolicy(document([], [version3]), "worker", {}, catalog).grants.map((g) => g.action);
    expect(actions).toEqual(expect.arrayContaining(["ec2:CreateNetworkInterface", "xray:PutTraceSegments"]));
    expect(generatePolicy(document([], []), "worker", {}, catalog).grants.map((g) => g.action)).not.toContain("ec2:CreateNetworkInterface");
  });
});
