/**
 * `leastrole audit examples/demo-account` as a user runs it (the built binary), in every format:
 * the findings the demo was made to show, SARIF that validates against the SARIF 2.1.0 schema,
 * and no environment variable value anywhere in any output.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";
import { expectValidSarif } from "../report/sarif-schema.js";

const root = packageRoot();
const cli = join(root, "dist", "cli.js");
const demo = join("examples", "demo-account");
const SECRETS = ["demo-Sup3rSecret-do-not-leak", "sk_live_demo_51DoNotLeakThisValue"];

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 1 << 28 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error("build first: npm run build");
});

describe("leastrole audit examples/demo-account", () => {
  it("finds the mistakes the demo account was made to show", () => {
    const r = run(["audit", demo, "--format", "json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { summary: { partial: boolean; functions: number }; findings: Array<{ ruleId: string; resource: { name: string }; severity: string; message: string }> };
    expect(out.summary.functions).toBe(5);
    expect(out.summary.partial).toBe(false);
    const has = (rule: string, name: string) => out.findings.some((f) => f.ruleId === rule && f.resource.name === name);
    expect(has("LR001", "orders-shared-role")).toBe(true); // shared role
    expect(out.findings.find((f) => f.ruleId === "LR001")?.severity).toBe("high"); // different classifications
    expect(has("LR004", "orders-shared-role")).toBe(true); // AmazonDynamoDBFullAccess
    expect(has("LR004", "reports-role")).toBe(true); // AmazonS3FullAccess
    expect(has("LR010", "orders-worker")).toBe(true); // missing sqs:ReceiveMessage
    expect(has("LR012", "orders-api")).toBe(true); // public URL
    expect(has("LR008", "reports-generator")).toBe(true); // unused S3 permissions
    expect(has("LR002", "billing-sync-role")).toBe(true); // dynamodb:*
    expect(has("LR009", "billing-sync")).toBe(true); // denied GetSecretValue
    expect(has("LR017", "billing-sync-role")).toBe(true);
    expect(out.findings.find((f) => f.ruleId === "LR017")?.message).toContain("table/billing-2026-*");
    expect(has("LR016", "old-etl-role")).toBe(true); // orphaned admin role
    expect(has("LR013", "billing-sync")).toBe(true); // ci-deployer reads environments
    // image-resizer is the good example: its unused permissions are too new to judge
    expect(out.findings.some((f) => f.resource.name === "image-resizer" || f.resource.name === "image-resizer-role")).toBe(false);
  });

  it("says why nothing is unused when the logs do not cover the window, and says nothing when they do", () => {
    const long = run(["audit", demo, "--window-days", "60", "--format", "json"]);
    expect(long.stderr).toContain("leastrole: note: the usage data covers 32 of the 60 days of its window (28 without records, the first 2026-09-29): no permission is called unused");
    expect((JSON.parse(long.stdout) as { findings: Array<{ ruleId: string }> }).findings.some((f) => f.ruleId === "LR008")).toBe(false);
    expect(run(["audit", demo]).stderr).not.toContain("of its window");
  });

  it("with an Access Advisor report and no CloudTrail, LR008 names the services it shows not accessed, and the note says so", () => {
    // `aws iam get-service-last-accessed-details` output for billing-sync's role, in a file named
    // after the URL-encoded role ARN; EC2 is granted (AWSLambdaVPCAccessExecutionRole) and never accessed.
    const d = mkdtempSync(join(tmpdir(), "leastrole-demo-advisor-"));
    const roleArn = "arn:aws:iam::111122223333:role/service-role/billing-sync-role";
    writeFileSync(join(d, `${encodeURIComponent(roleArn)}.json`), JSON.stringify({
      JobStatus: "COMPLETED", JobType: "SERVICE_LEVEL", JobCreationDate: "2026-11-28T09:00:00.123000+00:00", JobCompletionDate: "2026-11-28T09:00:04.456000+00:00", IsTruncated: false,
      ServicesLastAccessed: [
        { ServiceName: "Amazon DynamoDB", ServiceNamespace: "dynamodb", LastAuthenticated: "2026-11-27T10:00:00+00:00", LastAuthenticatedEntity: roleArn, LastAuthenticatedRegion: "us-east-1", TotalAuthenticatedEntities: 1 },
        { ServiceName: "Amazon EC2", ServiceNamespace: "ec2", TotalAuthenticatedEntities: 0 },
      ],
    }));
    const r = run(["audit", join(demo, "iam"), join(demo, "lambda"), d, "--format", "json"]);
    expect(r.code).toBe(0);
    const lr008 = (JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; resource: { name: string }; evidence: { unused: string[]; window: unknown } }> }).findings.filter((f) => f.ruleId === "LR008");
    expect(lr008.map((f) => [f.resource.name, f.evidence.unused.every((a) => a.startsWith("ec2:")), f.evidence.window])).toEqual([["billing-sync", true, { start: "2026-10-29T00:00:00Z", end: "2026-11-28T00:00:00Z", days: 30 }]]);
    expect(r.stderr).toContain("no permission is called unused from the logs, only services and tracked actions the Access Advisor reports of 1 role show not accessed in it");
  });

  it("with Access Analyzer findings and no other activity data, says why nothing is called unused", () => {
    // get-finding-v2 output (Access Analyzer API Reference, GetFindingV2) in a list: EC2 unused.
    const d = mkdtempSync(join(tmpdir(), "leastrole-demo-analyzer-"));
    const file = join(d, "unused-access-findings.json");
    writeFileSync(file, JSON.stringify({ findings: [{
      analyzedAt: "2026-11-27T00:00:00Z", createdAt: "2026-11-01T00:00:00Z", id: "f-1", resource: "arn:aws:iam::111122223333:role/service-role/billing-sync-role", resourceType: "AWS::IAM::Role",
      resourceOwnerAccount: "111122223333", status: "ACTIVE", updatedAt: "2026-11-27T00:00:00Z", findingType: "UnusedPermission", findingDetails: [{ unusedPermissionDetails: { serviceNamespace: "ec2" } }],
    }] }));
    const r = run(["audit", join(demo, "iam"), join(demo, "lambda"), file, "--format", "json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string }>; warnings: Array<{ code: string; message: string }> };
    expect(out.findings.some((f) => f.ruleId === "LR008")).toBe(false);
    // Before: nothing said at all, as if the findings had been read and found nothing.
    expect(out.warnings.filter((w) => w.code === "access-analyzer-only").map((w) => w.message)).toEqual([
      "Access Analyzer findings alone call no permission unused: they do not say the analyzer's tracking period (its unusedAccessAge: give them with their analyzer, as leastrole collect writes them), so they cannot cover the usage window; they count as agreement with CloudTrail logs or Access Advisor reports given with them",
    ]);
    expect(r.stderr).toContain("Access Analyzer findings alone call no permission unused");
  });

  it("with Access Analyzer findings given with their analyzer, a finding whose unusedAccessAge spans the --as-of window calls what it names unused", () => {
    // As leastrole collect writes them: the analyzer as get-analyzer prints it, its
    // unusedAccessAge 90 days, beside get-finding-v2 output: billing-sync's role unused (an
    // UnusedIAMRole finding, no last access), analysed 2026-11-28 06:00. Before, the age was not
    // read: findings alone called nothing unused, whatever their analyzer.
    const d = mkdtempSync(join(tmpdir(), "leastrole-demo-analyzer-age-"));
    const file = join(d, "unused-access-findings.json");
    const analyzer = { arn: "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/unused", name: "unused", type: "ACCOUNT_UNUSED_ACCESS", status: "ACTIVE", configuration: { unusedAccess: { unusedAccessAge: 90 } } };
    writeFileSync(file, JSON.stringify({ analyzer, findings: [{
      analyzedAt: "2026-11-28T06:00:00Z", createdAt: "2026-11-01T00:00:00Z", id: "f-1", resource: "arn:aws:iam::111122223333:role/service-role/billing-sync-role", resourceType: "AWS::IAM::Role",
      resourceOwnerAccount: "111122223333", status: "ACTIVE", updatedAt: "2026-11-28T06:00:00Z", findingType: "UnusedIAMRole", findingDetails: [{ unusedIamRoleDetails: {} }],
    }] }));
    const noWindow = JSON.parse(run(["audit", join(demo, "iam"), join(demo, "lambda"), file, "--format", "json"]).stdout) as { warnings: Array<{ code: string; message: string }> };
    expect(noWindow.warnings.filter((w) => w.code === "access-analyzer-only").map((w) => w.message)).toEqual([
      "Access Analyzer findings alone give no usage window, so they call no permission unused: give --as-of (the window's end, no later than the findings' analyzedAt) to have a finding whose analyzer's unusedAccessAge spans the window prove unused what it names",
    ]);
    const r = run(["audit", join(demo, "iam"), join(demo, "lambda"), file, "--as-of", "2026-11-28", "--format", "json"]);
    const out = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; resource: { name: string }; evidence: { unused: string[] } }>; warnings: Array<{ code: string }> };
    const lr008 = out.findings.filter((f) => f.ruleId === "LR008");
    // Every action the role grants that IAM's last-accessed data shows (not Lambda's own log writes, which it does not).
    expect(lr008.map((f) => [f.resource.name, f.evidence.unused.includes("ec2:CreateNetworkInterface"), f.evidence.unused.includes("dynamodb:DeleteTable"), f.evidence.unused.some((a) => a.startsWith("logs:"))])).toEqual([["billing-sync", true, true, false]]);
    expect(out.warnings.some((w) => w.code === "access-analyzer-only")).toBe(false);
    // A window ending after the analysis (the default ends the day after the newest event): said, with the --as-of that fits.
    const late = run(["audit", join(demo, "iam"), join(demo, "lambda"), file, "--as-of", "2026-11-29", "--format", "json"]);
    expect((JSON.parse(late.stdout) as { findings: Array<{ ruleId: string }> }).findings.some((f) => f.ruleId === "LR008")).toBe(false);
    expect(late.stderr).toContain("unused-access-findings.json: Access Analyzer findings of 1 role (their analyzer's unusedAccessAge 90 days): the first was analysed 2026-11-28T06:00:00Z, before the window's end, 2026-11-29T00:00:00Z, so they prove nothing unused in the window, only use; give --as-of 2026-11-28");
    const long = run(["audit", join(demo, "iam"), join(demo, "lambda"), file, "--as-of", "2026-11-28", "--window-days", "100", "--format", "json"]);
    expect(long.stderr).toContain("their age, counted back from their analysis (the first 2026-11-28T06:00:00Z), does not reach the window's start, 2026-08-20T00:00:00Z, so they prove nothing unused in the window, only use; give a shorter --window-days");
    expect(r.stderr).not.toContain("access-analyzer-window-not-covered");
    expect(r.stderr).not.toContain("prove nothing unused in the window");
    // get-analyzer output given on its own beside them: said, with the jq that joins it (before: exit code 2, "not an input leastrole reads").
    const alone = join(d, "get-analyzer.json");
    writeFileSync(alone, JSON.stringify({ analyzer }));
    const named = run(["audit", join(demo, "iam"), join(demo, "lambda"), file, alone, "--as-of", "2026-11-28", "--format", "json"]);
    expect(named.code).toBe(0);
    expect(named.stderr).toContain("get-analyzer.json: skipped: aws accessanalyzer get-analyzer/list-analyzers output (unused: unusedAccessAge 90 days) holds no finding");
    // Before (the findings counted in no coverage field): "no permission is called unused", beside LR008.
    expect(r.stderr).toContain("no permission is called unused from the logs, only what the Access Analyzer findings of 1 role, whose analyzer's unusedAccessAge spans it, name unused; give the missing days");
  });

  it("given the output of generate-service-last-accessed-details (a job id, no report), says to fetch the report", () => {
    const d = mkdtempSync(join(tmpdir(), "leastrole-demo-job-"));
    const file = join(d, "job.json");
    // As `aws iam generate-service-last-accessed-details --arn …` prints it (AWS CLI reference).
    writeFileSync(file, JSON.stringify({ JobId: "examplef-1305-c245-eba4-71fe298bcda7" }, null, 4));
    const r = run(["audit", join(demo, "iam"), join(demo, "lambda"), file, "--format", "json"]);
    // Before: an info note, "IAM Access Advisor output (read by the usage stage)", not on stderr: as if it had been used.
    expect(r.stderr).toContain("job.json: skipped: aws iam generate-service-last-accessed-details output: a job id, not a report; give the output of aws iam get-service-last-accessed-details --job-id examplef-1305-c245-eba4-71fe298bcda7 instead");
  });

  it("its README's table names every rule the audit reports", () => {
    // Before: billing-sync-role's LR020 was reported and not in the table, so a first run showed a
    // finding the demo's README did not explain.
    const readme = readFileSync(join(root, demo, "README.md"), "utf8");
    const named = new Set(readme.split("\n").filter((l) => l.startsWith("|")).flatMap((row) => [...row.matchAll(/\bLR\d{3}\b/g)].map((m) => m[0])));
    const r = run(["audit", demo, "--format", "json", "--scope", "account"]);
    const reported = new Set((JSON.parse(r.stdout) as { findings: Array<{ ruleId: string }> }).findings.map((f) => f.ruleId));
    expect(reported.size).toBeGreaterThan(10);
    expect([...reported].filter((id) => !named.has(id)).sort()).toEqual([]);
  });

  it("fails the gate with --fail-on high", () => {
    expect(run(["audit", demo, "--fail-on", "high", "--format", "json"]).code).toBe(1);
  });

  it("writes SARIF that validates against the SARIF 2.1.0 schema", () => {
    const r = run(["audit", demo, "--format", "sarif"]);
    expect(r.code).toBe(0);
    const log = expectValidSarif(r.stdout);
    const results = log.runs[0]!.results!;
    expect(results.length).toBeGreaterThan(10);
    expect(results.every((res) => res.partialFingerprints?.["leastrole/v1"])).toBe(true);
  });

  it("never prints an environment variable value, in any format", () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-demo-"));
    for (const format of ["table", "json", "sarif", "markdown", "html"]) {
      const out = join(dir, `report.${format}`);
      const r = run(["audit", demo, "--format", format, "-o", out]);
      expect(r.code, `${format}: ${r.stderr}`).toBe(0);
      const text = readFileSync(out, "utf8") + r.stderr;
      for (const secret of SECRETS) expect(text, format).not.toContain(secret);
    }
    const doc = run(["normalize", demo]);
    expect(doc.code).toBe(0);
    for (const secret of SECRETS) expect(doc.stdout).not.toContain(secret);
    expect(doc.stdout).toContain("DB_PASSWORD"); // the name is kept
  });

  it("generates a least-privilege policy, and a diff", () => {
    const json = run(["generate", demo, "--function", "billing-sync"]);
    expect(json.code).toBe(0);
    const policy = JSON.stringify(JSON.parse(json.stdout));
    expect(policy).toContain("arn:aws:dynamodb:us-east-1:111122223333:table/billing-2026-10");
    expect(policy).not.toContain('"dynamodb:*"');
    const tf = run(["generate", demo, "--function", "billing-sync", "--format", "terraform"]);
    expect(tf.stdout).toMatch(/resource "aws_iam_role_policy"/);
    const diff = run(["generate", demo, "--diff"]);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toMatch(/remov/i);
  });

  it("refuses a --prefix-threshold that is not a whole number of at least 2 (it was ignored without a word)", () => {
    for (const bad of ["abc", "1", "2.5", ""]) {
      const r = run(["generate", demo, "--prefix-threshold", bad, "--format", "json"]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr, bad).toContain("--prefix-threshold must be a whole number of at least 2");
      expect(r.stdout, bad).toBe("");
    }
    expect(run(["generate", demo, "--prefix-threshold", "4", "--format", "json"]).code).toBe(0);
  });

  it("--max-length: a whole number of at least 1000 (or 0), for the Markdown only", () => {
    for (const bad of ["abc", "5", "2000.5", "-1", ""]) {
      const r = run(["generate", demo, "--diff", "--max-length", bad]);
      expect([r.code, r.stdout], bad).toEqual([2, ""]);
      expect(r.stderr, bad).toContain("--max-length must be a whole number of characters, at least 1000 (or 0 for no limit)");
    }
    const json = run(["generate", demo, "--max-length", "5000"]);
    expect([json.code, json.stdout]).toEqual([2, ""]);
    expect(json.stderr).toContain("--max-length is the length of the Markdown (--diff, or --format markdown), not of json");
    const cut = run(["generate", demo, "--diff", "--max-length", "3000"]);
    expect(cut.code).toBe(0);
    expect(cut.stdout.length).toBeLessThanOrEqual(3000);
    expect(cut.stdout).toMatch(/right-sizing diffs not shown to fit a pull-request comment of 3,000 characters/);
  });

  it("refuses --diff with a --format other than markdown (the diff is Markdown: -f terraform was ignored without a word)", () => {
    for (const format of ["terraform", "cloudformation", "sam", "json"]) {
      for (const flag of [["-f", format], [`--format=${format}`]]) {
        const r = run(["generate", demo, "--diff", ...flag]);
        expect(r.code, format).toBe(2);
        expect(r.stderr, format).toContain(`--diff writes a Markdown diff (for a pull-request comment), not ${format}: leave out --format ${format}`);
        expect(r.stdout, format).toBe("");
      }
    }
    const md = run(["generate", demo, "--diff", "-f", "markdown"]);
    expect(md.code).toBe(0);
    expect(md.stdout).toBe(run(["generate", demo, "--diff"]).stdout);
  });

  it("generates customer managed policies with --target managed, as docs/generate.md says", () => {
    // IAM quotas: inline policies of a role 10,240 characters together, a managed policy 6,144
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
    const inline = JSON.parse(run(["generate", demo, "--function", "billing-sync"]).stdout) as { policies: { kind: string; limit: number }[] }[];
    const managed = run(["generate", demo, "--function", "billing-sync", "--target", "managed"]);
    expect(managed.code).toBe(0);
    const out = JSON.parse(managed.stdout) as typeof inline;
    expect([inline[0]?.policies.map((p) => [p.kind, p.limit]), out[0]?.policies.map((p) => [p.kind, p.limit])]).toEqual([[["inline", 10_240]], [["managed", 6_144]]]);
    expect(run(["generate", demo, "--function", "billing-sync", "--target", "managed", "--format", "terraform"]).stdout).toMatch(/resource "aws_iam_policy"[^]*resource "aws_iam_role_policy_attachment"/);
    const bad = run(["generate", demo, "--target", "attached"]);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/argument 'attached' is invalid. Allowed choices are inline, managed/)]);
  });

  it("writes generate's output to a file as it goes, and leaves the file alone when there is nothing to write", () => {
    const out = join(mkdtempSync(join(tmpdir(), "lr-gen-")), "policy.json");
    const ok = run(["generate", demo, "--split", "--output", out]);
    expect(ok.code).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(run(["generate", demo, "--split"]).stdout);
    writeFileSync(out, "yesterday's policy\n");
    const typo = run(["generate", demo, "--function", "no-such-function", "--output", out]);
    expect(typo.code).not.toBe(0);
    expect(typo.stderr).toMatch(/no-such-function/);
    expect(readFileSync(out, "utf8")).toBe("yesterday's policy\n");
  });
});
