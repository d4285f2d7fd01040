/**
 * `leastrole audit` and `generate` on an AWS Config custom rule's evaluator: AWS's CloudFormation
 * sample (aws-cloudformation/aws-cloudformation-templates Config/Config.yaml, see
 * test/fixtures/config-custom-rule/SOURCE.md), as written and with `config:PutEvaluations` taken out
 * of its evaluator's role; and a deployed evaluator exported with the AWS CLI (list-functions,
 * get-policy with the statement `add-permission --principal config.amazonaws.com` writes, an
 * authorization-details export). Before, LR010 said nothing of a role that cannot report the rule's
 * results, and generate wrote a policy without config:PutEvaluations.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";
import { EXPORT_ACCOUNT, exportRole, writeExport } from "../support/authorization-details.js";

const cli = join(packageRoot(), "dist", "cli.js");
const A = EXPORT_ACCOUNT;
const real = join(packageRoot(), "test", "fixtures", "config-custom-rule", "Config.yaml");
const dir = mkdtempSync(join(tmpdir(), "leastrole-config-rule-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const withoutGrant = join(dir, "Config.yaml");
const text = readFileSync(real, "utf8");
writeFileSync(withoutGrant, text.replace("                  - config:PutEvaluations\n", ""));

function run(...args: string[]): string {
  const r = spawnSync(process.execPath, [cli, ...args, "--quiet"], { encoding: "utf8", maxBuffer: 1 << 26 });
  expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  expect([0, 1]).toContain(r.status);
  return r.stdout;
}

interface Finding {
  ruleId: string;
  message: string;
  evidence: { purpose?: string; subject?: string };
}
const lr010 = (path: string) => (JSON.parse(run("audit", path, "--format", "json")) as { findings: Finding[] }).findings.filter((f) => f.ruleId === "LR010");

describe("an AWS Config custom rule's evaluator, from the command line", () => {
  it("audit: the real template's role grants config:PutEvaluations (no LR010); without it, LR010 names the rule", () => {
    expect(text).toContain("                  - config:PutEvaluations\n");
    expect(lr010(real)).toEqual([]);
    expect(lr010(withoutGrant).map((f) => [f.message, f.evidence.purpose, f.evidence.subject])).toEqual([
      [
        "Function VolumeAutoEnableIOComplianceCheck: its execution role cannot report the results of its AWS Config rule ConfigRuleForVolumeAutoEnableIO (missing config:PutEvaluations)",
        "config-rule",
        "ConfigRuleForVolumeAutoEnableIO",
      ],
    ]);
  });

  it("generate writes config:PutEvaluations on * for it, from the template alone", () => {
    const out = JSON.parse(run("generate", withoutGrant, "--format", "json")) as Array<{ functionName?: string; statements: Array<{ actions: string[]; resources: string[]; provenance: string[]; notes: string[] }> }>;
    const statements = out.find((t) => t.functionName === "VolumeAutoEnableIOComplianceCheck")!.statements.filter((s) => s.actions.some((a) => a.startsWith("config:")));
    expect(statements.map((s) => [s.actions, s.resources, s.provenance, s.notes])).toEqual([[["config:PutEvaluations"], ["*"], ["required:config-rule"], ["required (config-rule): ConfigRuleForVolumeAutoEnableIO"]]]);
  });

  /** An account export of one function (list-functions) and its role (authorization details), granted only its logs. */
  function account(name: string): string {
    const folder = join(dir, name);
    mkdirSync(join(folder, "iam"), { recursive: true });
    mkdirSync(join(folder, "lambda", "us-east-1"), { recursive: true });
    writeExport(join(folder, "iam"), [exportRole(`${name}-role`, { managed: ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"] })]);
    writeFileSync(
      join(folder, "lambda", "us-east-1", "list-functions.json"),
      JSON.stringify({
        Functions: [
          {
            FunctionName: name,
            FunctionArn: `arn:aws:lambda:us-east-1:${A}:function:${name}`,
            Runtime: "python3.12",
            Role: `arn:aws:iam::${A}:role/${name}-role`,
            Handler: "app.handler",
            CodeSize: 1024,
            Description: "",
            Timeout: 60,
            MemorySize: 128,
            LastModified: "2026-11-20T10:15:00.000+0000",
            CodeSha256: "aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd28=",
            Version: "$LATEST",
            TracingConfig: { Mode: "PassThrough" },
            RevisionId: "0b1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
            PackageType: "Zip",
            Architectures: ["x86_64"],
            EphemeralStorage: { Size: 512 },
            LoggingConfig: { LogFormat: "Text", LogGroup: `/aws/lambda/${name}` },
          },
        ],
      }),
    );
    return folder;
  }

  it("an account export: a get-policy statement letting config.amazonaws.com invoke the function makes it an evaluator", () => {
    const folder = account("required-tags");
    const arn = `arn:aws:lambda:us-east-1:${A}:function:required-tags`;
    // What `aws lambda get-policy` prints after `add-permission --statement-id config
    // --action lambda:InvokeFunction --principal config.amazonaws.com --source-account <account>`.
    const policy = { Version: "2012-10-17", Id: "default", Statement: [{ Sid: "config", Effect: "Allow", Principal: { Service: "config.amazonaws.com" }, Action: "lambda:InvokeFunction", Resource: arn, Condition: { StringEquals: { "AWS:SourceAccount": A } } }] };
    writeFileSync(join(folder, "lambda", "us-east-1", "get-policy-required-tags.json"), JSON.stringify({ Policy: JSON.stringify(policy), RevisionId: "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f" }));
    expect(lr010(folder).map((f) => f.message)).toEqual([
      "Function required-tags: its execution role cannot report the results of its AWS Config rule invoked by config.amazonaws.com (resource policy statement config) (missing config:PutEvaluations)",
    ]);
  });

  it("an account export with describe-config-rules (the AWS CLI's example): the rule's function is its evaluator, named by the rule", () => {
    const folder = account("InstanceTypeCheck");
    writeFileSync(join(folder, "describe-config-rules.json"), readFileSync(join(packageRoot(), "test", "fixtures", "config-custom-rule", "describe-config-rules.json")));
    const doc = JSON.parse(run("normalize", folder)) as { meta: { sources: Array<{ kind: string; records: number }> }; functions: Array<{ name: string; configRules?: string[] }> };
    expect(doc.meta.sources.filter((x) => x.kind === "aws-config-rules").map((x) => x.records)).toEqual([1]);
    expect(doc.functions.map((f) => [f.name, f.configRules])).toEqual([["InstanceTypeCheck", ["InstanceTypesAreT2micro"]]]);
    expect(lr010(folder).map((f) => f.message)).toEqual([
      "Function InstanceTypeCheck: its execution role cannot report the results of its AWS Config rule InstanceTypesAreT2micro (missing config:PutEvaluations)",
    ]);
  });
});
