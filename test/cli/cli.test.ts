/**
 * The CLI as a user runs it: the built binary (dist/cli.js) spawned with real arguments, checking
 * exit codes, stdout and the one-line errors on stderr.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";
import { CORPUS } from "../golden/corpus-inputs.js";
import { syntheticDocument } from "../support/synthetic-document.js";
import { pinnedOpa } from "../support/opa.js";

const cli = join(packageRoot(), "dist", "cli.js");
const work = mkdtempSync(join(tmpdir(), "lr-cli-"));
const docPath = join(work, "doc.json");

function run(args: string[], cwd = work) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error("build first: npm run build");
  writeFileSync(docPath, JSON.stringify(syntheticDocument(30, 8)));
});

describe("leastrole CLI", () => {
  it("prints the JSON findings contract", () => {
    const r = run(["audit", docPath, "--format", "json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { schemaVersion: string; tool: Record<string, string>; summary: { findings: number }; findings: Array<Record<string, unknown>> };
    expect(out.schemaVersion).toBe("1.4");
    expect(Object.keys(out.tool)).toEqual(["name", "version", "rulesVersion", "iamDataVersion"]);
    expect(out.summary.findings).toBe(out.findings.length);
    expect(Object.keys(out.findings[0]!)).toEqual(["ruleId", "name", "severity", "resource", "message", "evidence", "remediation", "fingerprint", "suppressed", "location"]);
  });

  it("carries what the input readers reported in the JSON report and as SARIF notifications, not only on stderr", () => {
    // A function whose execution role is not in the inputs: the document is partial, and says why.
    const functions = join(work, "list-functions.json");
    writeFileSync(functions, JSON.stringify({ Functions: [{ FunctionName: "orders", FunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:orders", Runtime: "nodejs20.x", Role: "arn:aws:iam::123456789012:role/orders-role", Handler: "index.handler", LastModified: "2026-01-01T00:00:00.000+0000" }] }));
    const json = run(["audit", functions, "--format", "json", "--quiet"]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { summary: { partial: boolean }; warnings: Array<{ code: string; severity: string; file?: string; message: string }> };
    expect(report.summary.partial).toBe(true);
    const missing = report.warnings.filter((w) => w.code === "role-not-in-inputs");
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatchObject({ severity: "warning", file: functions });
    expect(missing[0]!.message).toContain("arn:aws:iam::123456789012:role/orders-role");
    const sarif = JSON.parse(run(["audit", functions, "--format", "sarif", "--quiet"]).stdout) as { runs: Array<{ invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications?: Array<{ level: string; descriptor: { id: string }; message: { text: string } }> }> }> };
    const invocation = sarif.runs[0]!.invocations[0]!;
    expect(invocation.executionSuccessful).toBe(true);
    const notes = (invocation.toolExecutionNotifications ?? []).filter((n) => n.descriptor.id === "role-not-in-inputs");
    expect(notes.map((n) => n.level)).toEqual(["warning"]);
    expect(notes[0]!.message.text).toContain(`${functions}: `);
  });

  it("generate and normalize take the template's parameters, account and region, as audit does", () => {
    const template = join(work, "queue-template.yaml");
    writeFileSync(
      template,
      [
        "Parameters:",
        "  QueueArn: {Type: String, Default: not-an-arn}",
        "Resources:",
        "  Role:",
        "    Type: AWS::IAM::Role",
        "    Properties:",
        "      AssumeRolePolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}",
        "  Fn:",
        "    Type: AWS::Lambda::Function",
        "    Properties: {FunctionName: fn, Role: !GetAtt Role.Arn, Runtime: python3.12, Handler: a.b, Code: {ZipFile: x}, DeadLetterConfig: {TargetArn: !Ref QueueArn}}",
        "",
      ].join("\n"),
    );
    const args = ["--parameter", "QueueArn=arn:aws:sqs:eu-west-1:123456789012:dlq", "--account-id", "123456789012", "--region", "eu-west-1"];
    const generated = run(["generate", template, ...args, "--quiet"]);
    expect(generated.code).toBe(0);
    const policy = JSON.stringify(JSON.parse(generated.stdout));
    expect(policy).toContain("arn:aws:sqs:eu-west-1:123456789012:dlq");
    expect(policy).toContain("arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/fn");
    const normalized = JSON.parse(run(["normalize", template, ...args, "--quiet"]).stdout) as { functions: Array<{ arn: string; deadLetterTargetArn: string }> };
    expect(normalized.functions.map((f) => [f.arn, f.deadLetterTargetArn])).toEqual([["arn:aws:lambda:eu-west-1:123456789012:function:fn", "arn:aws:sqs:eu-west-1:123456789012:dlq"]]);
  });

  it("stops quietly when the reader of its output goes away (| head): exit 0, no stack trace", async () => {
    // normalize's output (~450 KB) is far more than a pipe holds: the writes after the close fail with EPIPE.
    const child = spawn(process.execPath, [cli, "normalize", join(packageRoot(), "examples", "demo-account"), "--quiet"], { cwd: work, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });

  it("keeps the inputs' control characters off the terminal: warnings, notes and errors on stderr", () => {
    const template = join(work, "ansi-template.yaml");
    // A role ARN that would retitle the terminal, clear it and turn it red (YAML double-quoted escapes).
    writeFileSync(template, 'Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties: {FunctionName: f, Role: "arn:aws:iam::111122223333:role/r\\e]0;PWNED\\a\\e[2J\\e[31mRED\\nleastrole: note: all clear", Runtime: python3.12, Handler: i.h, Code: {ZipFile: x}}\n');
    const audit = run(["audit", template]);
    expect(audit.stderr).toContain("PWNED");
    const generate = run(["generate", template, "--function", "f\u001b[2J\u0007"]);
    expect(generate.code).toBe(2);
    for (const stderr of [audit.stderr, generate.stderr, run(["audit", template, "--nope\u001b[2J"]).stderr]) {
      // eslint-disable-next-line no-control-regex
      expect(stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(stderr).not.toMatch(/^leastrole: note: all clear/m);
    }
  });

  it("gives byte-identical output run after run", () => {
    expect(run(["audit", docPath]).stdout).toBe(run(["audit", docPath]).stdout);
  });

  it("exits 1 with --fail-on when a finding reaches the threshold, 0 when none does", () => {
    expect(run(["audit", docPath, "--fail-on", "high"]).code).toBe(1);
    expect(run(["audit", docPath, "--fail-on", "critical"]).code).toBe(0);
  });

  it("writes to --output", () => {
    const out = join(work, "report.json");
    const r = run(["audit", docPath, "-o", out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(existsSync(out)).toBe(true);
  });

  it("answers every user mistake with one line and exit 2", () => {
    for (const [args, pattern] of [
      [["audit", join(work, "missing.json")], /missing\.json: no such file/],
      [["audit", docPath, "--fail-on", "severe"], /argument 'severe' is invalid/],
      [["audit", docPath, "--frobnicate"], /unknown option '--frobnicate'/],
      // Commander's suggestion on the same line (before: on a second line of its own).
      [["audti"], /^leastrole: unknown command 'audti' \(did you mean audit\?\)$/m],
      [["audit", docPath, "--formt", "json"], /^leastrole: unknown option '--formt' \(did you mean --format\?\)$/m],
      [["explain", "LR999"], /no rule "LR999"/],
      [["audit", docPath, "--window-days", "30.5"], /--window-days must be a whole number of days from 1 to 400 \(got 30\.5\)/],
      [["audit", docPath, "--as-of", "2026-02-30"], /--as-of must be a date or date-time \(got 2026-02-30: no such day\)/],
    ] as Array<[string[], RegExp]>) {
      const r = run(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n").length, r.stderr).toBeLessThanOrEqual(1);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    writeFileSync(join(work, "notjson.json"), "{ nope");
    const r = run(["audit", join(work, "notjson.json")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/notjson\.json: not valid JSON/);
  });

  it("a file named on the command line that cannot be read is an input error: the report is still written, exit 2 (a folder walk only warns)", () => {
    // Before: `leastrole: error: …: not a JSON file` on stderr, and exit 0.
    const dir = mkdtempSync(join(work, "unread-"));
    const garbage = join(dir, "notes.txt.json");
    writeFileSync(garbage, "not json at all");
    const delivery = join(dir, "111111111111_CloudTrail_us-east-1_20261114T2005Z_EVENINGxFILE0001.json.gz");
    writeFileSync(delivery, "");
    for (const [file, said] of [
      [garbage, /notes\.txt\.json: not a JSON file/],
      [delivery, /EVENINGxFILE0001\.json\.gz: named or placed as a CloudTrail log file, but it is empty \(0 bytes\)/],
    ] as Array<[string, RegExp]>) {
      for (const command of ["audit", "normalize", "generate"]) {
        const r = run([command, docPath, file, "--quiet"]);
        expect(r.code, `${command} ${file}: ${r.stderr}`).toBe(2);
        expect(r.stdout.length).toBeGreaterThan(0);
        expect(r.stderr).toMatch(said);
        expect(r.stderr).toMatch(/named on the command line, it could not be read \(exit code 2\)/);
      }
    }
    // The same files met in a folder: warnings, not an input error.
    const walked = run(["audit", docPath, dir, "--quiet"]);
    expect(walked.code, walked.stderr).toBe(0);
  });

  it("Access Analyzer outputs that hold no unused-access data are named with what to give instead, not a list of every input", () => {
    const dir = mkdtempSync(join(work, "analyzer-"));
    // `aws accessanalyzer get-generated-policy` output (Access Analyzer API Reference, GetGeneratedPolicy).
    const generated = join(dir, "generated.json");
    writeFileSync(generated, JSON.stringify({
      jobDetails: { completedOn: "2026-11-28T02:00:00Z", jobId: "c557dc4a-0338-4489-95dd-739014860ff9", startedOn: "2026-11-28T01:50:00Z", status: "SUCCEEDED" },
      generatedPolicyResult: {
        generatedPolicies: [{ policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "SupportedServiceSid0", Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: "*" }] }) }],
        properties: { cloudTrailProperties: { endTime: "2026-11-28T00:00:00Z", startTime: "2026-10-29T00:00:00Z", trailProperties: [{ allRegions: true, cloudTrailArn: "arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail", regions: [] }] }, isComplete: true, principalArn: "arn:aws:iam::123456789012:role/orders-role" },
      },
    }));
    // `aws accessanalyzer list-findings` (API v1: external-access findings only, no findingType).
    const v1 = join(dir, "list-findings.json");
    writeFileSync(v1, JSON.stringify({ findings: [{
      id: "a8b2c0f4-1111-2222-3333-444455556666", principal: { AWS: "999988887777" }, action: ["sts:AssumeRole"], resource: "arn:aws:iam::123456789012:role/orders-role", isPublic: false,
      resourceType: "AWS::IAM::Role", condition: {}, createdAt: "2026-11-01T10:00:00+00:00", analyzedAt: "2026-11-01T10:00:00+00:00", updatedAt: "2026-11-01T10:00:00+00:00", status: "ACTIVE", resourceOwnerAccount: "123456789012", sources: [],
    }] }));
    for (const [file, said] of [
      [generated, /generated\.json: skipped: IAM Access Analyzer get-generated-policy output .*: give the CloudTrail logs it was generated from/],
      [v1, /list-findings\.json: skipped: IAM Access Analyzer list-findings output \(external-access findings\).*list-findings-v2/],
    ] as Array<[string, RegExp]>) {
      const r = run(["audit", docPath, file, "--quiet"]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(said);
      expect(r.stderr).not.toMatch(/accepted: account data/);
    }
  });

  it.skipIf(!existsSync(CORPUS))("passes a --fail-on gate on a recognised plan that holds no Lambda or IAM role (empty audit, a note on stderr)", () => {
    // Real plan from checkov's fixtures: child modules with S3 buckets only.
    const plan = join(CORPUS, "checkov-tfplan-fixtures", "plan_nested_child_modules.tfplan.json");
    const r = run(["audit", plan, "--format", "json", "--fail-on", "low"]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { findings: unknown[] }).findings).toEqual([]);
    expect(r.stderr).toMatch(/nothing to audit: the inputs \(terraform-plan\) hold no Lambda functions or IAM roles/);
    // An input nothing can read stays a user error.
    writeFileSync(join(work, "other.json"), JSON.stringify({ foo: 1 }));
    const bad = run(["audit", join(work, "other.json")]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no inputs recognised/);
    // It names every kind of input the readers take, as audit --help does (before: exports, logs,
    // plans and CloudFormation/SAM templates, not usage rows, CDK or canonical documents).
    expect(bad.stderr).toContain("expected AWS exports, CloudTrail logs, usage query rows, Terraform plans, CloudFormation/SAM/CDK templates, canonical documents");
    // A bare policy document is seen, not read: the error says so, and what to give instead.
    writeFileSync(join(work, "policy.json"), JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }));
    const bare = run(["audit", join(work, "policy.json")]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/policy\.json: an IAM policy document \(1 statement\) attached to nothing.*give the account export or the template that attaches it to a role/);
  });

  it.skipIf(!existsSync(CORPUS))("CloudTrail without an account export says there is nothing to audit, not only 'No findings'", () => {
    const r = run(["audit", join(CORPUS, "stratus-red-team-detonation-logs"), "--format", "table"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/nothing to audit: the activity files were read, but no input holds Lambda functions or IAM roles/);
  });

  it("collect --out naming a file, or a path under a file: one line and exit 2 (found by the collect sweep: was an internal error, exit 3)", () => {
    const file = join(work, "afile");
    writeFileSync(file, "x");
    // No AWS call happens before the out directory is checked: no credentials or endpoint needed.
    for (const [out, why] of [
      [file, /afile: --out names a file, not a folder: choose a new directory$/],
      [join(file, "sub"), /afile\/sub: cannot create the out directory: a part of the path is a file, not a folder$/],
    ] as const) {
      const r = run(["collect", "--out", out, "--regions", "us-east-1"]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(why);
    }
  });

  it("lists and explains the rules", () => {
    expect(run(["rules"]).stdout).toMatch(/^LR001\s+medium\s+shared-execution-role/m);
    const explain = run(["explain", "shared-execution-role"]);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toMatch(/^LR001 shared-execution-role \(medium, blast-radius\)/);
    expect(explain.stdout).toMatch(/How to fix:/);
    expect(explain.stdout).not.toContain("Needs usage data");
    // Its severity is raised by usage (METADATA custom.usage_raises_severity): said, and carried by the JSON list.
    expect(explain.stdout).toContain("\nUsage data (CloudTrail, Access Advisor) can raise its severity: without it a finding may be less severe, and `diff` does not call one lowered");
    // A rule whose findings come only from usage says so (METADATA custom.needs_usage), and the JSON list carries it.
    expect(run(["explain", "LR008"]).stdout).toContain("\nNeeds usage data (CloudTrail, Access Advisor): without it the rule reports nothing, and `diff` does not call its findings fixed");
    const listed = JSON.parse(run(["rules", "--format", "json"]).stdout) as Array<{ id: string; needsUsage?: boolean; usageRaisesSeverity?: boolean; needsFunctions?: boolean }>;
    expect(listed.filter((r) => r.needsUsage === true).map((r) => r.id)).toEqual(["LR008", "LR009", "LR017"]);
    expect(listed.filter((r) => r.usageRaisesSeverity === true).map((r) => r.id)).toEqual(["LR001"]);
    expect(listed.filter((r) => r.needsFunctions === true).map((r) => r.id)).toEqual(["LR001", "LR016"]);
    // LR010 is decided by a function's event source mappings (METADATA custom.needs_triggers): said, and carried.
    expect((listed as Array<{ id: string; needsTriggers?: boolean }>).filter((r) => r.needsTriggers === true).map((r) => r.id)).toEqual(["LR010"]);
    expect(run(["explain", "LR010"]).stdout).toContain("\nNeeds the function's event source mappings: its findings on a function are decided by them");
    // LR008's findings list the actions they call unused (METADATA custom.unused_actions_evidence): said, and carried.
    expect(run(["explain", "LR008"]).stdout).toContain("\nIts findings list the actions they call unused (evidence `unused`): `diff` calls one fixed only when each of them is no longer granted, used or excepted");
    expect((listed as Array<{ id: string; unusedActionsEvidence?: string }>).filter((r) => r.unusedActionsEvidence !== undefined).map((r) => [r.id, r.unusedActionsEvidence])).toEqual([["LR008", "unused"]]);
    expect(explain.stdout).toContain("\nNeeds the functions of a role: its findings on a role are decided by the functions that use it");
    // LR009 and LR017 report from the calls CloudTrail recorded (METADATA custom.needs_calls): said, and carried.
    expect(run(["explain", "LR009"]).stdout).toContain("\nNeeds the calls CloudTrail recorded (denied calls, the resources calls reached), which an Access Advisor report does not show: `diff` does not call its findings fixed");
    expect(explain.stdout).not.toContain("Needs the calls CloudTrail recorded");
    expect((listed as Array<{ id: string; needsCalls?: boolean }>).filter((r) => r.needsCalls === true).map((r) => r.id)).toEqual(["LR009", "LR017"]);
  });

  it("explains a custom rule with a title only (no description, no remediation) without empty sections", () => {
    process.env.LEASTROLE_OPA = pinnedOpa();
    const dir = mkdtempSync(join(tmpdir(), "lr-explain-"));
    writeFileSync(join(dir, "runtime.rego"), ["# METADATA", "# title: Unsupported runtime", "# custom:", "#   id: ACME005", "#   severity: info", "package leastrole.rules.runtime", "", "findings := []", ""].join("\n"));
    const r = run(["explain", "ACME005", "--rules", dir]);
    expect(r.code).toBe(0);
    // Before: the title, three blank lines and an empty "How to fix:".
    expect(r.stdout).toBe("ACME005 runtime (info, general)\nUnsupported runtime\n");
  });

  it("writes a starter config that it then accepts", () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-init-"));
    expect(run(["init"], dir).code).toBe(0);
    expect(run(["init"], dir).code).toBe(2); // refuses to overwrite
    expect(run(["init", "--force"], dir).code).toBe(0);
  });

  it("prints its version and help", () => {
    expect(run(["--version"]).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/audit/);
  });
});
