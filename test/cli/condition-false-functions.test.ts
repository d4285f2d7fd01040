/**
 * A template whose only function has a Condition that is false with the parameter values read (a
 * trigger switched off by its parameter's Default, as aws-samples/sessions-with-aws-sam's cognito
 * template does): `audit` and `generate` say that the function is not created and which values
 * decided it. Before, both said the inputs hold no Lambda function, of a template that has one.
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
Parameters:
  EnableTrigger:
    Type: String
    Default: "false"
    AllowedValues: ["true", "false"]
  Stage:
    Type: String
    Default: dev
Conditions:
  Trigger: !Equals [!Ref EnableTrigger, "true"]
  TriggerInProd: !And [!Condition Trigger, !Equals [!Ref Stage, prod]]
Resources:
  PreSignUp:
    Type: AWS::Serverless::Function
    Condition: Trigger
    Properties:
      Runtime: python3.12
      Handler: index.handler
      InlineCode: "def handler(e, c): return e"
  Audit:
    Type: AWS::Lambda::Function
    Condition: TriggerInProd
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/audit
      Code:
        ZipFile: "def handler(e, c): return e"
`;

describe("a template whose functions' conditions are false", () => {
  const run = (dir: string, ...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: dir });

  it("audit and generate say the functions are not created, with the values that decided it; with the values given they are read", () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-cond-false-"));
    try {
      writeFileSync(join(dir, "template.yaml"), template);
      const audit = run(dir, "audit", "template.yaml", "--format", "json");
      expect(audit.status, audit.stderr).toBe(0);
      const said = 'template.yaml: function Audit is not created: its condition TriggerInProd is false with EnableTrigger="false", Stage="dev"; give the parameter values the stack deploys with (--parameter) to read it (and 1 more function not created)';
      expect(audit.stderr).toContain(`leastrole: note: nothing to audit: ${said}`);
      expect(audit.stderr).not.toContain("hold no Lambda functions");
      const report = JSON.parse(audit.stdout) as { warnings: Array<{ code: string; severity: string; message: string }> };
      expect(report.warnings.filter((w) => w.code === "cloudformation-function-not-created").map((w) => [w.severity, w.message])).toEqual([
        ["info", 'function Audit is not created: its condition TriggerInProd is false with EnableTrigger="false", Stage="dev"; give the parameter values the stack deploys with (--parameter) to read it'],
        ["info", 'function PreSignUp is not created: its condition Trigger is false with EnableTrigger="false"; give the parameter values the stack deploys with (--parameter) to read it'],
      ]);
      const generate = run(dir, "generate", "template.yaml");
      expect(generate.status, generate.stderr).toBe(0);
      expect(generate.stderr).toContain(`leastrole: note: nothing to generate: ${said}`);
      // With the values the stack deploys with, both are read and nothing is said of them.
      const given = run(dir, "generate", "template.yaml", "--parameter", "EnableTrigger=true", "--parameter", "Stage=prod");
      expect(given.status, given.stderr).toBe(0);
      expect((JSON.parse(given.stdout) as Array<{ functionName: string }>).map((p) => p.functionName).sort()).toEqual(["Audit", "PreSignUp"]);
      expect(given.stderr).not.toContain("not created");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
