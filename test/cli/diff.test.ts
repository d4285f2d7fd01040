/**
 * `leastrole diff` and the IaC flags of `audit`, run through the real command-line program
 * (in-process: buildProgram), writing with --output so the report files can be read back.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildDocument } from "../../src/audit/build-document.js";
import { iacOptionsOf } from "../../src/cli/iac-flags.js";
import { buildProgram } from "../../src/cli/program.js";

const work = mkdtempSync(join(tmpdir(), "lr-diff-"));
const fx = "test/iac/fixtures/diff";
const plan = "test/iac/fixtures/terraform/lambda-app.plan.json";
const sam = "/work/shared/corpus/serverless-patterns-sam";

async function cli(args: string[]): Promise<{ code: number; error: string | null }> {
  process.exitCode = 0;
  try {
    await buildProgram().parseAsync(["node", "leastrole", "-q", ...args]);
    return { code: Number(process.exitCode ?? 0), error: null };
  } catch (e) {
    return { code: 2, error: (e as Error).message };
  } finally {
    process.exitCode = 0;
  }
}

afterEach(() => {
  process.exitCode = 0;
});

describe("leastrole diff", () => {
  it("--fail-on fails on an introduced finding, and not on findings both sides have", async () => {
    const out = join(work, "widened.txt");
    expect((await cli(["diff", plan, `${fx}/lambda-app.widened.plan.json`, "--fail-on", "high", "-o", out])).code).toBe(1);
    expect(readFileSync(out, "utf8")).toContain("+ widened  inline logs: Allow logs:*, logs:CreateLogStream, logs:PutLogEvents");
    // The plan has findings of its own (LR004…): unchanged, they do not fail a review.
    expect((await cli(["diff", plan, plan, "--fail-on", "info", "-o", join(work, "same.txt")])).code).toBe(0);
    // Fixing is not failing.
    expect((await cli(["diff", `${fx}/lambda-app.widened.plan.json`, plan, "--fail-on", "low", "-o", join(work, "fixed.txt")])).code).toBe(0);
    expect(readFileSync(join(work, "fixed.txt"), "utf8")).toMatch(/Findings fixed:\n {2}HIGH LR002/);
  });

  it("names a plan's resources as the findings' messages do (its Terraform address), and its ARNs of no account as made at deploy", async () => {
    // Before: the Markdown's Resource column said `api-handler-role` (the name in AWS) beside
    // "Role aws_iam_role.api: …", and the text table gave arn:aws:iam::unknown:role/service/api-handler-role.
    const md = join(work, "names.md");
    await cli(["diff", plan, `${fx}/lambda-app.widened.plan.json`, "-f", "markdown", "-o", md]);
    const markdown = readFileSync(md, "utf8");
    expect(markdown).toContain("| high | `LR002` | `aws_iam_role.api` | Role aws\\_iam\\_role\\.api\\: inline\\:logs Statement\\[0\\]");
    expect(markdown).toContain("**role `aws_iam_role.api`** (functions: aws\\_lambda\\_function\\.api)");
    expect(markdown).not.toContain("api-handler-role");
    const txt = join(work, "names.txt");
    await cli(["diff", plan, `${fx}/lambda-app.widened.plan.json`, "-o", txt]);
    const table = readFileSync(txt, "utf8");
    expect(table).toContain("role aws_iam_role.api  (functions: aws_lambda_function.api)\n  ARN known only at deploy (no account ID given: --account-id sets one)\n");
    expect(table).toMatch(/Findings introduced:\n {2}HIGH LR002 role aws_iam_role\.api: Role aws_iam_role\.api:/);
    // A real account (--account-id): its ARN, as before.
    await cli(["diff", plan, `${fx}/lambda-app.widened.plan.json`, "--account-id", "111122223333", "-o", txt]);
    expect(readFileSync(txt, "utf8")).toContain("role aws_iam_role.api  (functions: aws_lambda_function.api)\n  arn:aws:iam::111122223333:role/service/api-handler-role\n");
  });

  it("names a finding by the side that reports it, a changed role by the after side (a template against an account export)", async () => {
    const md = join(work, "sides.md");
    await cli(["diff", "examples/demo-account", `${fx}/billing-sync-fix.yaml`, "--account-id", "111122223333", "--only-after-resources", "-f", "markdown", "-o", md]);
    const markdown = readFileSync(md, "utf8");
    // The change is the template's: its role by its logical ID (before: `billing-sync-role`).
    expect(markdown).toContain("**role `BillingSyncRole`** (functions: billing\\-sync)");
    // The fixed findings are the export's: named as their messages name the role.
    const fixed = markdown.split("#### Findings fixed")[1]!.split("\n").filter((l) => l.startsWith("| high") || l.startsWith("| medium") || l.startsWith("| low"));
    expect(fixed.length).toBeGreaterThan(0);
    for (const row of fixed) expect(row).toMatch(/^\| \w+ \| `LR\d+` \| `billing-sync-role` \| Role billing\\-sync\\-role/);
  });

  it("--fail-on fails on a finding the change raises to the severity (same fingerprint, medium → high)", async () => {
    const [plain, tagged] = [`${fx}/shared-role.yaml`, `${fx}/shared-role.tagged.yaml`];
    const out = join(work, "raised.json");
    expect((await cli(["diff", plain, tagged, "--fail-on", "high", "-f", "json", "-o", out])).code).toBe(1);
    const report = JSON.parse(readFileSync(out, "utf8")) as { findings: { raised: Array<{ before: string; after: string; finding: { ruleId: string } }> } };
    expect(report.findings.raised.map((c) => [c.finding.ruleId, c.before, c.after])).toEqual([["LR001", "medium", "high"]]);
    expect((await cli(["diff", plain, tagged, "--fail-on", "critical", "-o", join(work, "raised-critical.txt")])).code).toBe(0);
    // Lowering it is not failing.
    expect((await cli(["diff", tagged, plain, "--fail-on", "low", "-o", join(work, "lowered.txt")])).code).toBe(0);
  });

  it("writes markdown and JSON; --before/--after add inputs to a side", async () => {
    const md = join(work, "d.md");
    expect((await cli(["diff", "--before", `${fx}/lambda-kinesis-lambda.yaml`, "--after", `${fx}/lambda-kinesis-lambda.edited.yaml`, "-f", "markdown", "-o", md])).code).toBe(0);
    expect(readFileSync(md, "utf8")).toMatch(/^### leastrole: 7 permission changes/);
    const js = join(work, "d.json");
    expect((await cli(["diff", `${fx}/lambda-kinesis-lambda.yaml`, `${fx}/lambda-kinesis-lambda.edited.yaml`, "-f", "json", "-o", js])).code).toBe(0);
    const report = JSON.parse(readFileSync(js, "utf8")) as { before: { inputs: string[] }; changes: unknown[] };
    expect(report.before.inputs).toEqual([`${fx}/lambda-kinesis-lambda.yaml`]);
    expect(report.changes).toHaveLength(7);
  });

  it("--before/--after take one path each, repeated for more; beside one of them, the input without a flag is the other side", async () => {
    const a = `${fx}/lambda-kinesis-lambda.yaml`;
    const b = `${fx}/lambda-kinesis-lambda.edited.yaml`;
    const report = async (args: string[]) => {
      const out = join(work, `sides-${args.join("_").replace(/[^a-z]/gi, "")}.json`);
      const r = await cli(["diff", ...args, "-f", "json", "-o", out]);
      expect(r.code, `${args.join(" ")}: ${r.error}`).toBe(0);
      return JSON.parse(readFileSync(out, "utf8")) as { before: { inputs: string[] }; after: { inputs: string[] }; changes: unknown[] };
    };
    const plain = await report([a, b]);
    expect(plain.changes).toHaveLength(7);
    // `--before old new`: variadic, this put both on the before side and left the after side empty.
    for (const args of [["--before", a, b], [a, "--after", b], ["--after", b, a], [b, "--before", a]]) {
      const r = await report(args);
      expect([r.before.inputs, r.after.inputs], args.join(" ")).toEqual([[a], [b]]);
      expect(r.changes).toEqual(plain.changes);
    }
    // Several inputs a side: the flag repeated.
    const several = await report(["--before", a, "--before", `${fx}/billing-sync-fix.yaml`, "--after", b, "--after", `${fx}/billing-sync-fix.yaml`]);
    expect([several.before.inputs, several.after.inputs]).toEqual([[a, `${fx}/billing-sync-fix.yaml`], [b, `${fx}/billing-sync-fix.yaml`]]);
  });

  it("refuses inputs whose side is ambiguous, the old variadic form among them, saying how to write it", async () => {
    const a = `${fx}/lambda-kinesis-lambda.yaml`;
    const b = `${fx}/lambda-kinesis-lambda.edited.yaml`;
    const c = `${fx}/billing-sync-fix.yaml`;
    for (const args of [["--before", a, c, "--after", b, c], [a, "--after", b, c], ["--before", a, b, c], [a, b, "--before", c, "--after", c]]) {
      const r = await cli(["diff", ...args, "-o", join(work, "ambiguous.txt")]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.error).toMatch(/^which side is .* on\? --before and --after take one path each \(repeat the flag for more\).*--before a --before b --after c --after d$/);
    }
  });

  it("--account-id and --region make the synthetic ARNs real ones", async () => {
    const js = join(work, "acct.json");
    expect((await cli(["diff", `${fx}/lambda-kinesis-lambda.yaml`, `${fx}/lambda-kinesis-lambda.edited.yaml`, "--account-id", "123456789012", "--region", "eu-west-1", "-f", "json", "-o", js])).code).toBe(0);
    const report = JSON.parse(readFileSync(js, "utf8")) as { changes: Array<{ owner: string }> };
    expect(report.changes.map((c) => c.owner)).toContain("arn:aws:lambda:eu-west-1:123456789012:function:AuditFunction");
    expect(report.changes.map((c) => c.owner)).toContain("arn:aws:iam::123456789012:role/ProducerFunctionRole");
  });

  it("warns when a side without an account has roles named like the other side's account roles (docs/iac.md: give --account-id)", async () => {
    // The demo account's billing-sync-role, narrowed in a template (docs/iac.md's example). Before,
    // without --account-id the role read as added (arn:aws:iam::unknown:…), nothing fixed, and no word said why.
    const fix = join(work, "fix.yaml");
    writeFileSync(
      fix,
      [
        'AWSTemplateFormatVersion: "2010-09-09"',
        "Resources:",
        "  BillingSyncRole:",
        "    Type: AWS::IAM::Role",
        "    Properties:",
        "      RoleName: billing-sync-role",
        "      Path: /service-role/",
        '      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: "sts:AssumeRole"}]}',
        '      Policies: [{PolicyName: billing-everything, PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: [dynamodb:GetItem], Resource: "arn:aws:dynamodb:us-east-1:111122223333:table/billing"}]}}]',
        "",
      ].join("\n"),
    );
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      const out = join(work, "unknown-account.json");
      expect((await cli(["diff", "examples/demo-account", fix, "--only-after-resources", "-f", "json", "-o", out])).code).toBe(0);
      const warned = stderr.join("").split("\n").filter((l) => l.includes("name no account"));
      expect(warned).toEqual([
        "leastrole: warning: the after inputs name no account, and their role billing-sync-role has the name of a role of account 111122223333 on the other side: compared as different roles (one added, never changed, nothing fixed); give --account-id 111122223333 (and --region) so that the ARNs are the account's",
      ]);
      stderr.length = 0;
      expect((await cli(["diff", "examples/demo-account", fix, "--only-after-resources", "--account-id", "111122223333", "-f", "json", "-o", out])).code).toBe(0);
      expect(stderr.join("")).not.toContain("name no account");
    } finally {
      process.stderr.write = write;
    }
  });

  it("says what is wrong with bad flags and missing sides, in one line", async () => {
    expect((await cli(["diff", plan])).error).toMatch(/diff needs inputs on both sides/);
    expect((await cli(["diff", plan, plan, "--account-id", "12"])).error).toMatch(/--account-id must be 12 digits/);
    expect((await cli(["diff", plan, plan, "--parameter", "NoEquals"])).error).toMatch(/--parameter must be Key=Value/);
    expect((await cli(["diff", plan, plan, "--tf-config", join(work, "nope")])).error).toMatch(/no such folder/);
    expect((await cli(["diff", plan, "/nonexistent/x.json"])).error).toMatch(/no such file or folder/);
    const unreadable = join(work, "unreadable.json");
    writeFileSync(unreadable, JSON.stringify({ foo: 1 }));
    expect((await cli(["diff", unreadable, plan])).error).toMatch(/no roles or functions in the before inputs/);
  });

  it("a plan that adds the first Lambda diffs against a plan with none: everything is added", async () => {
    const empty = join(work, "empty.plan.json");
    // A valid plan with no resources in scope (what `terraform show -json` writes for an S3-only change).
    writeFileSync(empty, JSON.stringify({ format_version: "1.2", terraform_version: "1.9.0", planned_values: { root_module: { resources: [{ address: "aws_s3_bucket.b", mode: "managed", type: "aws_s3_bucket", name: "b", provider_name: "registry.terraform.io/hashicorp/aws", values: { bucket: "b" } }] } }, resource_changes: [], configuration: { root_module: {} } }));
    const js = join(work, "first.json");
    expect((await cli(["diff", empty, plan, "--fail-on", "critical", "-f", "json", "-o", js])).code).toBe(0);
    const report = JSON.parse(readFileSync(js, "utf8")) as { changes: Array<{ change: string }> };
    expect(report.changes.length).toBeGreaterThan(0);
    expect(new Set(report.changes.map((c) => c.change))).toEqual(new Set(["added"]));
  });
});

describe("IaC inputs read together", () => {
  it("two templates with the same logical IDs are two stacks: their generated roles do not merge", async () => {
    // Both define ProducerFunction / ConsumerFunction and their generated roles.
    const doc = await buildDocument([`${fx}/lambda-kinesis-lambda.yaml`, `${sam}/lambda-kinesis-lambda/template.yaml`]);
    expect(doc.roles).toHaveLength(4);
    expect(doc.functions).toHaveLength(4);
    expect(new Set(doc.roles.map((r) => r.accountId)).size).toBe(2);
    for (const fn of doc.functions) expect(doc.roles.find((r) => r.arn === fn.roleArn)?.functions).toEqual([fn.arn]);
    expect(doc.meta.warnings.filter((w) => /conflict/.test(w.code))).toEqual([]);
    // One template alone keeps the plain `unknown` account of the documented convention.
    const one = await buildDocument([`${fx}/lambda-kinesis-lambda.yaml`]);
    expect(one.roles.map((r) => r.accountId)).toEqual(["unknown", "unknown"]);
  });

  it("with --account-id the same template read twice is one stack (the real ARNs are equal)", async () => {
    const doc = await buildDocument([`${fx}/lambda-kinesis-lambda.yaml`, `${sam}/lambda-kinesis-lambda/template.yaml`], { iac: { accountId: "123456789012" } });
    expect(doc.roles.map((r) => r.arn)).toEqual(["arn:aws:iam::123456789012:role/ConsumerFunctionRole", "arn:aws:iam::123456789012:role/ProducerFunctionRole"]);
  });
});

describe("leastrole audit: IaC flags", () => {
  it("--tf-config points SARIF at the .tf statement; --account-id makes the ARNs real", async () => {
    const out = join(work, "audit.sarif");
    const dir = "test/iac/fixtures/terraform/lambda-app";
    expect((await cli(["audit", plan, "--tf-config", dir, "--account-id", "123456789012", "-f", "sarif", "-o", out])).code).toBe(0);
    const log = JSON.parse(readFileSync(out, "utf8")) as { runs: Array<{ results: Array<{ ruleId: string; properties: { resourceArn: string; evidence?: { policy?: string } }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }> }> }> };
    const results = log.runs[0]!.results;
    const s3 = results.find((r) => r.ruleId === "LR002" && r.properties.evidence?.policy === "inline:orders-rw")!;
    const main = readFileSync(`${dir}/main.tf`, "utf8").split("\n");
    const sid = main.findIndex((l) => /sid\s+= "Everything"/.test(l));
    expect(s3.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: `${dir}/main.tf`, uriBaseId: "%SRCROOT%" }, region: { startLine: sid } }); // the `statement {` line above the sid
    expect(s3.properties.resourceArn).toBe("arn:aws:iam::123456789012:role/service/api-handler-role");
  });

  it("--parameter overrides a CloudFormation parameter default", async () => {
    const flags = iacOptionsOf({ parameter: ["KinesisStreamName=orders", "Empty="] });
    expect(flags).toEqual({ parameters: { KinesisStreamName: "orders", Empty: "" } });
    // Only what the template declares: an undeclared name (Empty) is refused (test/iac/parameters.test.ts).
    const doc = await buildDocument([`${fx}/lambda-kinesis-lambda.yaml`], { iac: iacOptionsOf({ parameter: ["KinesisStreamName=orders"] })! });
    const text = JSON.stringify(doc.roles.find((r) => r.name === "ProducerFunctionRole")!.inlinePolicies);
    expect(text).toContain("stream/orders");
    expect(text).not.toContain("stream/testDataStream");
    expect(iacOptionsOf({})).toBeUndefined();
    expect(iacOptionsOf({ partition: "aws-cn", region: "cn-north-1" })).toEqual({ partition: "aws-cn", region: "cn-north-1" });
  });
});
