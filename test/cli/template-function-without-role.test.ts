/**
 * An AWS::Lambda::Function without Role: CloudFormation refuses it (Role is a required property),
 * so leastrole says so once, as a warning, and the audit is partial. Before, stderr printed
 * `leastrole: error: … Fn has no Role` and exited 0 (an error that was not one), followed by a
 * second warning about the placeholder `${Fn.Role}` advising to give the template that defines the
 * role, which was the template given.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const cli = join(packageRoot(), "dist", "cli.js");

const template = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Code:
        ZipFile: "def handler(e, c): pass"
  Other:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt OtherRole.Arn
      Code:
        ZipFile: "def handler(e, c): pass"
  OtherRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: all
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: "dynamodb:*"
                Resource: "*"
`;

describe("a template's Lambda function without Role", () => {
  it("is one warning saying CloudFormation refuses it; the rest is audited, the report partial, exit 0", () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-no-role-"));
    try {
      const file = join(dir, "template.yaml");
      writeFileSync(file, template);
      const r = spawnSync(process.execPath, [cli, "audit", file, "--format", "json"], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).not.toContain("leastrole: error:");
      const about = r.stderr.split("\n").filter((l) => l.includes("Fn.Role") || l.includes("Fn has no Role"));
      expect(about).toEqual([`leastrole: warning: ${file}: Resources.Fn.Properties: Fn has no Role: CloudFormation refuses an AWS::Lambda::Function without one (a required property), so the template does not deploy as written; its execution role is unknown, shown as \${Fn.Role}`]);
      const report = JSON.parse(r.stdout) as { summary: { partial: boolean }; findings: Array<{ ruleId: string; resource: { arn: string } }> };
      expect(report.summary.partial).toBe(true);
      // The other function is judged: its role's dynamodb:* on * is reported.
      expect(report.findings.filter((f) => f.ruleId === "LR002").map((f) => f.resource.arn)).toEqual(["arn:aws:iam::unknown:role/OtherRole"]);
      // Fn, whose role is unknown, is judged on nothing: no finding names it.
      expect(report.findings.filter((f) => f.resource.arn.endsWith(":function:Fn"))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
