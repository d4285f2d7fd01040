/**
 * A template's layer versions (AWS::Lambda::LayerVersion, SAM's AWS::Serverless::LayerVersion)
 * and the permissions it adds to them (AWS::Lambda::LayerVersionPermission: LayerVersionArn,
 * Principal an account ID or `*`, OrganizationId with `*`; CloudFormation template reference), read
 * as the statements Lambda's AddLayerVersionPermission writes, to LR022. Ref of a layer version
 * is its ARN, so a function's `Layers: [!Ref Layer]` names the same version.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { auditDocument, buildDocument } from "../../src/index.js";

const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  SharedLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      LayerName: shared
      ContentUri: layer/
  SharedLayerPublic:
    Type: AWS::Lambda::LayerVersionPermission
    Properties:
      Action: lambda:GetLayerVersion
      LayerVersionArn: !Ref SharedLayer
      Principal: "*"
  OrgLayer:
    Type: AWS::Lambda::LayerVersion
    Properties:
      LayerName: org-only
      Content: { S3Bucket: artifacts, S3Key: org.zip }
  OrgLayerPermission:
    Type: AWS::Lambda::LayerVersionPermission
    Properties:
      Action: lambda:GetLayerVersion
      LayerVersionArn: !Ref OrgLayer
      Principal: "*"
      OrganizationId: o-a1b2c3d4e5
  PartnerPermission:
    Type: AWS::Lambda::LayerVersionPermission
    Properties:
      Action: lambda:GetLayerVersion
      LayerVersionArn: !Ref OrgLayer
      Principal: "210987654321"
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Layers: [!Ref SharedLayer, !Ref OrgLayer]
`;

describe("CloudFormation and SAM layer versions and their permissions, to LR022", () => {
  it("reports the public version (high) and the account outside the inputs (medium), naming the function that runs them; not the organisation's grant", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-cfn-layers-"));
    const file = join(dir, "template.yaml");
    writeFileSync(file, TEMPLATE);
    const document = await buildDocument([file], { iac: { accountId: "123456789012", region: "us-east-1" } });
    expect(document.layerVersions?.map((l) => [l.arn, l.functions, l.policy?.Statement.map((s) => s.Sid)])).toEqual([
      ["arn:aws:lambda:us-east-1:123456789012:layer:org-only:${OrgLayer.Version}", ["arn:aws:lambda:us-east-1:123456789012:function:Orders"], ["OrgLayerPermission", "PartnerPermission"]],
      ["arn:aws:lambda:us-east-1:123456789012:layer:shared:${SharedLayer.Version}", ["arn:aws:lambda:us-east-1:123456789012:function:Orders"], ["SharedLayerPublic"]],
    ]);
    // The organisation's grant is written as Lambda writes it.
    expect(document.layerVersions?.[0]?.policy?.Statement[0]?.Condition).toEqual({ StringEquals: { "aws:PrincipalOrgID": ["o-a1b2c3d4e5"] } });
    const findings = auditDocument(document).findings.filter((f) => f.ruleId === "LR022");
    // Located at the AWS::Lambda::LayerVersionPermission that grants it (what to edit or remove), on its line, not at the layer version.
    expect(findings.map((f) => [f.severity, f.resource.name, f.evidence["sid"], f.location])).toEqual([
      ["high", "shared:${SharedLayer.Version}", "SharedLayerPublic", { file, line: 9, address: "SharedLayerPublic" }],
      ["medium", "org-only:${OrgLayer.Version}", "PartnerPermission", { file, line: 27, address: "PartnerPermission" }],
    ]);
    expect(document.layerVersions?.[0]?.policyStatementSources?.map((s) => s?.address)).toEqual(["OrgLayerPermission", "PartnerPermission"]);
    expect(findings[0]!.message).toContain("used by 1 function of the inputs: Orders");
  });

  it("names the functions running a shared version by logical ID, as the template does, not by FunctionName", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-cfn-layers-"));
    const file = join(dir, "template.yaml");
    // Billing's FunctionName is billing-prod: the name in AWS, not what the template calls it.
    writeFileSync(file, TEMPLATE + `  Billing:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: billing-prod
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Layers: [!Ref SharedLayer]
`);
    const document = await buildDocument([file], { iac: { accountId: "123456789012", region: "us-east-1" } });
    const findings = auditDocument(document).findings.filter((f) => f.ruleId === "LR022" && f.severity === "high");
    // In the order of the names shown (Billing, Orders), not of the version's functions (by ARN:
    // Orders, then billing-prod), which the evidence keeps.
    expect(findings.map((f) => f.message.replace(/^.*; used by /, "used by "))).toEqual(["used by 2 functions of the inputs: Billing, Orders"]);
    expect(findings[0]!.evidence["functions"]).toEqual(["arn:aws:lambda:us-east-1:123456789012:function:Orders", "arn:aws:lambda:us-east-1:123456789012:function:billing-prod"]);
  });
});
