/**
 * Suppressions written in a template, beside the resource: `Metadata: leastrole: suppress:` on a
 * CloudFormation, SAM or CDK resource (src/sources/cloudformation/metadata-suppressions.ts),
 * carried in the canonical document's `suppressions` and applied by the evaluator as the config
 * file's are. Before, the Metadata was not read: every finding here was reported unsuppressed.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { auditDocument, buildDocument, serializeCanonicalDocument, type CanonicalDocument, type Finding } from "../../src/index.js";

const work = mkdtempSync(join(tmpdir(), "lr-meta-suppress-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const CDK = join(import.meta.dirname, "..", "fixtures", "cdk-metadata-suppress");

function write(name: string, text: string): string {
  const file = join(work, name);
  writeFileSync(file, text);
  return file;
}

const audit = (document: CanonicalDocument, today = "2026-12-01") => auditDocument(document, { evaluateWorkers: 0, today });
const find = (findings: Finding[], ruleId: string, name: string): Finding | undefined => findings.find((f) => f.ruleId === ruleId && f.resource.name.endsWith(name));

/**
 * A SAM function whose SAM-made role is bounded by a permissions boundary without CloudWatch Logs
 * (LR005 on the function) and whose policy reads objects from every bucket (LR003 on the role).
 */
const SAM = (metadata: string) => `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Boundary:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: ["s3:*"]
            Resource: "*"
  Lister:
    Type: AWS::Serverless::Function
${metadata}
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      PermissionsBoundary: !Ref Boundary
      Policies:
        - Statement:
            - Effect: Allow
              Action: ["s3:GetObject"]
              Resource: "*"
`;

const SAM_SUPPRESSED = SAM(`    Metadata:
      leastrole:
        suppress:
          - rule: LR005
            reason: "logs go to the telemetry extension, not CloudWatch"
          - rule: wildcard-resource
            reason: "the function reads objects of every bucket of the account by design"
            expires: 2027-03-31`);

describe("Metadata suppressions on a SAM function", () => {
  it("suppress LR005 on the function and LR003 on the role SAM makes from it, with the reason and the template origin", async () => {
    const file = write("sam.yaml", SAM_SUPPRESSED);
    const document = await buildDocument([file]);
    const report = audit(document);
    const lr005 = find(report.findings, "LR005", "Lister");
    const lr003 = find(report.findings, "LR003", "ListerRole");
    expect(lr005?.resource.type).toBe("function");
    expect(lr003?.resource.type).toBe("role");
    expect(lr005?.suppressed).toEqual({ reason: "logs go to the telemetry extension, not CloudWatch", expires: null, origin: `template:${file}#Lister` });
    expect(lr003?.suppressed).toEqual({ reason: "the function reads objects of every bucket of the account by design", expires: "2027-03-31", origin: `template:${file}#Lister` });
    // One suppression for the function and its role: used by either, not "unused" on the other.
    expect(report.diagnostics.filter((d) => d.code.startsWith("suppression-") || d.code === "invalid-suppression")).toEqual([]);
    const fnArn = document.functions.find((f) => f.name.endsWith("Lister"))!.arn;
    const roleArn = document.roles.find((r) => r.name.endsWith("ListerRole"))!.arn;
    expect(document.suppressions?.map((s) => ({ rule: s.rule, resources: s.resources, origin: s.origin, address: s.source.address, line: s.source.line }))).toEqual([
      { rule: "LR005", resources: [roleArn, fnArn].sort(), origin: `template:${file}#Lister`, address: "Lister", line: 18 },
      { rule: "wildcard-resource", resources: [roleArn, fnArn].sort(), origin: `template:${file}#Lister`, address: "Lister", line: 20 },
    ]);
  });

  it("without the Metadata, the same findings are reported unsuppressed", async () => {
    const document = await buildDocument([write("sam-plain.yaml", SAM(""))]);
    const report = audit(document);
    expect(find(report.findings, "LR005", "Lister")?.suppressed).toBeNull();
    expect(find(report.findings, "LR003", "ListerRole")?.suppressed).toBeNull();
    expect(document.suppressions).toBeUndefined();
  });

  it("an expired one lets the finding through with a warning; on its last day it still applies", async () => {
    const document = await buildDocument([write("sam-expiring.yaml", SAM_SUPPRESSED)]);
    const after = audit(document, "2027-04-01");
    expect(find(after.findings, "LR003", "ListerRole")?.suppressed).toBeNull();
    expect(find(after.findings, "LR005", "Lister")?.suppressed).not.toBeNull();
    const expired = after.diagnostics.filter((d) => d.code === "suppression-expired");
    expect(expired).toHaveLength(1);
    expect(expired[0]!.message).toContain("expired on 2027-03-31");
    expect(expired[0]!.message).toContain("#Lister)");
    expect(find(audit(document, "2027-03-31").findings, "LR003", "ListerRole")?.suppressed?.expires).toBe("2027-03-31");
  });

  it("one without a reason or with a date that is not a day is not applied, with the config file's warnings", async () => {
    const file = write(
      "sam-bad.yaml",
      SAM(`    Metadata:
      leastrole:
        suppress:
          - rule: LR005
          - rule: LR003
            reason: "by design"
            expires: 2027-3-31`),
    );
    const report = audit(await buildDocument([file]));
    expect(find(report.findings, "LR005", "Lister")?.suppressed).toBeNull();
    expect(find(report.findings, "LR003", "ListerRole")?.suppressed).toBeNull();
    const invalid = report.diagnostics.filter((d) => d.code === "invalid-suppression").map((d) => d.message);
    expect(invalid).toHaveLength(2);
    expect(invalid.find((m) => m.includes('"rule":"LR005"'))).toMatch(new RegExp(`\\(template:.*sam-bad\\.yaml#Lister\\) ignored: a reason is required$`));
    expect(invalid.find((m) => m.includes('"rule":"LR003"'))).toContain('ignored: expires must be a date YYYY-MM-DD (got "2027-3-31")');
  });

  it("an entry written with intrinsic functions is read as CloudFormation resolves it (a reason by !Sub, a date by !Ref)", async () => {
    // Before, a reason written `!Sub` was read as missing and the suppression refused.
    const text = SAM(`    Metadata:
      leastrole:
        suppress:
          - rule: LR005
            reason: !Sub "logs of \${Team} go to the telemetry extension"
          - rule: LR003
            reason: !Join [" ", ["reads", "every", "bucket"]]
            expires: !Ref ReviewBy`).replace("Resources:\n", `Parameters:\n  Team:\n    Type: String\n    Default: payments\n  ReviewBy:\n    Type: String\n    Default: "2027-03-31"\nResources:\n`);
    const file = write("sam-intrinsic.yaml", text);
    const report = audit(await buildDocument([file]));
    expect(find(report.findings, "LR005", "Lister")?.suppressed).toEqual({ reason: "logs of payments go to the telemetry extension", expires: null, origin: `template:${file}#Lister` });
    expect(find(report.findings, "LR003", "ListerRole")?.suppressed).toEqual({ reason: "reads every bucket", expires: "2027-03-31", origin: `template:${file}#Lister` });
    expect(report.diagnostics.filter((d) => d.code === "invalid-suppression")).toEqual([]);
  });

  it("one whose rule has no finding there is reported unused, one naming no rule as unknown", async () => {
    const file = write(
      "sam-unused.yaml",
      SAM(`    Metadata:
      leastrole:
        suppress:
          - rule: LR011
            reason: "the role trusts only Lambda anyway"
          - rule: LR999
            reason: "a typo"`),
    );
    const report = audit(await buildDocument([file]));
    const codes = report.diagnostics.filter((d) => d.code.startsWith("suppression-")).map((d) => [d.code, d.rule]);
    expect(codes).toEqual([
      ["suppression-unused", "LR011"],
      ["suppression-unknown-rule", "LR999"],
    ]);
    expect(report.diagnostics.find((d) => d.code === "suppression-unused")?.message).toMatch(/^suppression of LR011 on arn:aws:iam::unknown:role\/ListerRole, arn:aws:lambda:unknown:unknown:function:Lister \(template:.*sam-unused\.yaml#Lister\) matched no finding: that rule reports nothing on this resource/);
  });

  it("an unused one whose rule rules.disable turns off says so, as a config file's does", async () => {
    const file = write(
      "sam-disabled.yaml",
      SAM(`    Metadata:
      leastrole:
        suppress:
          - rule: LR011
            reason: "the role trusts only Lambda anyway"`),
    );
    const report = auditDocument(await buildDocument([file]), { evaluateWorkers: 0, today: "2026-12-01", disable: ["LR011"] });
    const unused = report.diagnostics.filter((d) => d.code === "suppression-unused").map((d) => d.message);
    expect(unused).toHaveLength(1);
    expect(unused[0]).toMatch(/#Lister\) matched no finding: rule LR011 is turned off by rules.disable, so there is nothing to suppress \(remove one or the other\)$/);
  });
});

describe("Metadata suppressions on CloudFormation resources", () => {
  const CFN = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Accepted:
    Type: AWS::IAM::Role
    Metadata:
      leastrole:
        suppress:
          - rule: LR003
            reason: "reads every table of the account for the nightly export"
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: read
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: dynamodb:GetItem
                Resource: "*"
  Other:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
  OtherPolicy:
    Type: AWS::IAM::Policy
    Metadata:
      leastrole:
        suppress:
          - rule: LR003
            reason: "written by the platform team's module"
    Properties:
      PolicyName: other
      Roles: [!Ref Other]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: dynamodb:GetItem
            Resource: "*"
  Third:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: read
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: dynamodb:GetItem
                Resource: "*"
  Bucket:
    Type: AWS::S3::Bucket
    Metadata:
      leastrole:
        suppress:
          - rule: LR003
            reason: "not a resource of any finding"
  Odd:
    Type: AWS::IAM::Role
    Metadata:
      leastrole:
        suppress: LR003
      cdk_nag:
        rules_to_suppress:
          - id: LR003
            reason: "cdk-nag's own key: not ours"
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: read
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: dynamodb:GetItem
                Resource: "*"
`;

  it("a role's Metadata suppresses its finding, an AWS::IAM::Policy's the finding on the role it is put on; others are reported", async () => {
    const file = write("cfn.yaml", CFN);
    const report = audit(await buildDocument([file]));
    expect(find(report.findings, "LR003", "Accepted")?.suppressed).toEqual({ reason: "reads every table of the account for the nightly export", expires: null, origin: `template:${file}#Accepted` });
    expect(find(report.findings, "LR003", "Other")?.suppressed).toEqual({ reason: "written by the platform team's module", expires: null, origin: `template:${file}#OtherPolicy` });
    expect(find(report.findings, "LR003", "Third")?.suppressed).toBeNull();
    // cdk-nag's key names cdk-nag's rules: not read, so Odd's LR003 is reported.
    expect(find(report.findings, "LR003", "Odd")?.suppressed).toBeNull();
  });

  it("Metadata on a resource no finding names, or not in the shape, is said with the file and the path", async () => {
    const file = write("cfn-warn.yaml", CFN);
    const document = await buildDocument([file]);
    const said = document.meta.warnings.filter((w) => w.code === "suppression-not-applicable" || w.code === "invalid-suppression").map((w) => ({ code: w.code, file: w.file, path: w.path }));
    expect(said).toEqual([
      { code: "suppression-not-applicable", file, path: "Resources.Bucket.Metadata.leastrole" },
      { code: "invalid-suppression", file, path: "Resources.Odd.Metadata.leastrole" },
    ]);
    expect(document.suppressions?.map((s) => s.origin)).toEqual([`template:${file}#Accepted`, `template:${file}#OtherPolicy`]);
  });

  it("travel in the canonical document: a document written and read again suppresses the same findings", async () => {
    const file = write("cfn-doc.yaml", CFN);
    const document = await buildDocument([file]);
    const saved = write("doc.json", serializeCanonicalDocument(document));
    const again = await buildDocument([saved]);
    expect(again.suppressions).toEqual(document.suppressions);
    const suppressed = (d: CanonicalDocument) => audit(d).findings.filter((f) => f.suppressed).map((f) => [f.ruleId, f.resource.arn, f.suppressed?.origin]);
    expect(suppressed(again)).toEqual(suppressed(document));
    expect(suppressed(again)).toHaveLength(2);
  });
});

describe("Metadata suppressions in a CDK cloud assembly", () => {
  it("the function's Metadata (CfnResource.addMetadata) suppresses its LR012; expired, unused and cdk_nag entries as above", async () => {
    const document = await buildDocument([CDK]);
    const report = audit(document);
    const template = join(CDK, "Stack1.template.json");
    const lr012 = (name: string) => find(report.findings, "LR012", name);
    expect(lr012("NoAuthFunctionUrls65ABC157")?.suppressed?.origin).toBe(`template:${template}#NoAuthFunctionUrls65ABC157`);
    expect(lr012("CorsFunctionUrlsD81CF424")?.suppressed).toBeNull();
    expect(lr012("StreamFunctionUrlsAAB55C9C")?.suppressed).toBeNull();
    expect(report.diagnostics.filter((d) => d.code.startsWith("suppression-")).map((d) => [d.code, d.rule])).toEqual([
      ["suppression-expired", "public-function"],
      ["suppression-unused", "LR003"],
    ]);
    // The construct path the manifest gives (the snapshot has no aws:cdk:path metadata).
    expect(document.suppressions?.find((s) => s.source.address === "NoAuthFunctionUrls65ABC157")?.source.construct).toBe("Stack1/NoAuthFunctionUrls/Resource");
  });
});
