/**
 * A function that mounts an EFS access point (FileSystemConfigs). "If the file system has a
 * user-configured IAM policy, your function's execution role must have" elasticfilesystem:ClientMount,
 * and ClientWrite "not required for read-only connections" (Lambda developer guide, "Configuring file
 * system access for Lambda functions"); IAM authorises both on the file system, the access point in
 * `elasticfilesystem:AccessPointArn`. The inputs hold neither the file system's policy nor whether
 * the mount is read-only, so both are required but not essential: LR010 says "may" (low).
 * Before, only `generate` added them: LR010 passed a role without them, and the generated policy
 * and the rules disagreed.
 *
 * Through the template reader, the normaliser, the analysis, the compiled pack (LR010) and
 * `generate`. Needs `npm run build:policies`.
 */
import { describe, expect, it } from "vitest";
import { builtinFindings, readTemplate } from "./support/template-rules.js";
import { analyzeDocument, requiredPermissions } from "../../src/analysis/index.js";
import { generatePolicy } from "../../src/generate/generate.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";

const catalog = loadActionCatalogSync();
const AP = "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-0123456789abcdef0";
const FILE_SYSTEMS = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/*";
const VPC = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole";
const EFS = "arn:aws:iam::aws:policy/AmazonElasticFileSystemClientReadWriteAccess";

/** A VPC function mounting AP; `statement` (a policy statement in flow YAML) is added as an inline policy when given. */
const template = (managed: string, statement = "") => `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Api:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: api
      Runtime: python3.12
      Handler: app.handler
      Code: { ZipFile: x }
      Role: !GetAtt ApiRole.Arn
      VpcConfig: { SubnetIds: [subnet-0a1b2c3d], SecurityGroupIds: [sg-0a1b2c3d] }
      FileSystemConfigs:
        - { Arn: '${AP}', LocalMountPath: /mnt/data }
  ApiRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }]
      ManagedPolicyArns:
${managed.split(", ").map((m) => `        - ${m}\n`).join("")}${
  statement === ""
    ? ""
    : `      Policies:
        - PolicyName: efs
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - ${statement}
`
}`;
const read = (text: string) => readTemplate(text);

const lr010 = (text: string) => {
  const findings = builtinFindings(read(text));
  return findings.filter((f) => f.ruleId === "LR010");
};
const MAY = `Function Api: its execution role may not be able to mount its EFS access point ${AP} (missing elasticfilesystem:ClientMount, elasticfilesystem:ClientWrite); EFS checks these when the file system has a file system policy, and ClientWrite only for a read-write mount`;

describe("an EFS access point the function mounts", () => {
  it("requires ClientMount and ClientWrite on the account's file systems, with the access point in the request, not essential", () => {
    const rows = requiredPermissions(read(template(VPC)).functions[0]!)
      .filter((r) => r.purpose === "file-system")
      .map((r) => [r.subject, r.action, r.resource, r.context, r.essential]);
    expect(rows).toEqual([
      [AP, "elasticfilesystem:ClientMount", FILE_SYSTEMS, { "elasticfilesystem:AccessPointArn": AP }, false],
      [AP, "elasticfilesystem:ClientWrite", FILE_SYSTEMS, { "elasticfilesystem:AccessPointArn": AP }, false],
    ]);
  });

  it("LR010 says a role without them may not mount it (low)", () => {
    expect(lr010(template(VPC)).map((f) => [f.severity, f.message])).toEqual([["low", MAY]]);
  });

  it("passes AmazonElasticFileSystemClientReadWriteAccess, and generate's own grant conditioned on the access point", () => {
    expect(lr010(template(`${VPC}, ${EFS}`))).toEqual([]);
    const generated = `{ Effect: Allow, Action: [elasticfilesystem:ClientMount, elasticfilesystem:ClientWrite], Resource: '${FILE_SYSTEMS}', Condition: { StringEquals: { 'elasticfilesystem:AccessPointArn': '${AP}' } } }`;
    expect(lr010(template(VPC, generated))).toEqual([]);
    // Conditioned on another access point, it does not let this one in.
    expect(lr010(template(VPC, generated.replace("fsap-0123456789abcdef0", "fsap-0fedcba987654321f"))).map((f) => f.message)).toEqual([MAY]);
  });

  it("a grant on a file system the role names may be the access point's: undecidable, not reported; another account's is reported", () => {
    const named = (fs: string) => `{ Effect: Allow, Action: [elasticfilesystem:ClientMount, elasticfilesystem:ClientWrite], Resource: '${fs}' }`;
    const doc = analyzeDocument(read(template(VPC, named("arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0a1b2c3d"))), catalog);
    const reqs = doc.functions[0]!.analysis!.requirements.filter((r) => r.purpose === "file-system");
    expect(reqs.map((r) => r.decision)).toEqual(["unresolved", "unresolved"]);
    expect(reqs[0]!.explanation).toContain("file-system/fs-0a1b2c3d");
    expect(lr010(template(VPC, named("arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0a1b2c3d")))).toEqual([]);
    expect(lr010(template(VPC, named("arn:aws:elasticfilesystem:us-east-1:210987654321:file-system/fs-0a1b2c3d"))).map((f) => f.message)).toEqual([MAY]);
  });

  it("generate grants what the rules require: both actions on the file systems, conditioned on the access point", () => {
    const g = generatePolicy(read(template(VPC)), "api", {}, catalog);
    const efs = g.policy.Statement.filter((s) => (s.Action ?? []).some((a) => a.startsWith("elasticfilesystem:")));
    expect(efs.map((s) => [s.Action, s.Resource, s.Condition])).toEqual([
      [["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"], [FILE_SYSTEMS], { StringEquals: { "elasticfilesystem:AccessPointArn": [AP] } }],
    ]);
  });
});
