/**
 * Policies rendered from template files by a module outside the plan's folder
 * (test/iac/fixtures/terraform-templates: a real `terraform plan` against moto, run in
 * `envs/prod`, calling `../../modules/fn`). The plan knows neither policy; the reader follows the
 * module's local source out of the folder, reads `templatefile(…)`'s file from the module's
 * folder (`path.module`) and renders its `%{ for }` and `%{ if }` directives as Terraform would.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";
import { readTfFiles } from "../../src/sources/terraform/config-files.js";
import { readTerraformPlan } from "../../src/sources/terraform/index.js";

const cli = join(packageRoot(), "dist", "cli.js");
const fixture = join(packageRoot(), "test", "iac", "fixtures", "terraform-templates");
const prod = join(fixture, "envs", "prod");
const work = mkdtempSync(join(tmpdir(), "lr-tftpl-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Warn {
  code: string;
  severity: string;
  message: string;
}
interface Statement {
  Sid?: string;
  Action?: string[];
  Resource?: string[];
}
interface Doc {
  roles: Array<{
    name: string;
    inlinePolicies: Array<{ name: string; document: { Statement: Statement[] }; statementSources?: Array<{ file: string; line: number }> }>;
    trustPolicy?: { Statement: unknown[] };
  }>;
  meta: { warnings: Warn[] };
}

function normalize(args: string[]): Doc {
  const r = spawnSync(process.execPath, [cli, "normalize", ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
  expect(r.stderr).not.toMatch(/Error|at .*\.js:/);
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Doc;
}

const policies = (doc: Doc): Record<string, Array<[string | undefined, string[] | undefined, string[] | undefined]>> =>
  Object.fromEntries(doc.roles.map((r) => [r.name, (r.inlinePolicies.find((p) => p.name === "access")?.document.Statement ?? []).map((s) => [s.Sid, s.Action, s.Resource] as [string | undefined, string[] | undefined, string[] | undefined])]));

const logs = (fn: string): [string, string[], string[]] => ["Logs", ["logs:CreateLogStream", "logs:PutLogEvents"], [`arn:aws:logs:eu-central-1:123456789012:log-group:/aws/lambda/${fn}:*`]];
const queue: [string, string[], string[]] = ["Queue", ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], ["arn:aws:sqs:eu-central-1:123456789012:jobs-prod"]];
const table = "arn:aws:dynamodb:eu-central-1:123456789012:table/orders-prod";
const expected = {
  "orders-prod": [logs("orders-prod"), ["Tables", ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], [table, `${table}/index/*`]], queue, ["Receipts", ["s3:*"], ["arn:aws:s3:::receipts-prod-example/*"]]],
  "reports-prod": [logs("reports-prod"), ["Tables", ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], [table]], queue],
};

describe("a module outside the plan's folder renders its policy from a template file", () => {
  it("the plan itself knows neither policy", () => {
    const plan = JSON.parse(readFileSync(join(prod, "plan.json"), "utf8")) as { resource_changes: Array<{ address: string; change: { after_unknown: Record<string, unknown> } }> };
    expect(plan.resource_changes.filter((r) => r.address.includes("aws_iam_") && r.change.after_unknown.policy === true).map((r) => r.address)).toEqual([
      'module.orders.aws_iam_role_policy.extra["dead-letters"]',
      "module.orders.aws_iam_role_policy.fn",
      'module.reports.aws_iam_role_policy.extra["dead-letters"]',
      "module.reports.aws_iam_role_policy.fn",
    ]);
  });

  it("the configuration's files include the module from ../../modules/fn", () => {
    expect(Object.keys(readTfFiles(prod)).sort()).toEqual(["../../modules/fn/main.tf", "main.tf"]);
  });

  it("beside the plan: each instance's template rendered with its own arguments, as Terraform renders it", () => {
    const doc = normalize([join(prod, "plan.json")]);
    expect(policies(doc)).toEqual(expected);
    const w = doc.meta.warnings;
    expect(w.filter((x) => x.code === "terraform-unknown-policy")).toEqual([]);
    expect(w.filter((x) => x.code === "terraform-policy-from-config").map((x) => x.message.replace(/ in .*?(modules\/fn\/main\.tf:\d+)$/, " in $1")).sort()).toEqual([
      'module.orders.aws_iam_role_policy.extra["dead-letters"].policy: known only after apply; read from its expression in modules/fn/main.tf:43',
      "module.orders.aws_iam_role_policy.fn.policy: known only after apply; read from its expression in modules/fn/main.tf:22",
      'module.reports.aws_iam_role_policy.extra["dead-letters"].policy: known only after apply; read from its expression in modules/fn/main.tf:43',
      "module.reports.aws_iam_role_policy.fn.policy: known only after apply; read from its expression in modules/fn/main.tf:22",
    ]);
    // for_each over fileset("${path.module}/policies", "*.json.tftpl"): each file's policy, each.value its file name.
    // The plan knows "tracing" (its template uses no value known only after apply); "dead-letters" is rendered here.
    for (const role of doc.roles) {
      const extra = Object.fromEntries(role.inlinePolicies.filter((p) => p.name !== "access").map((p) => [p.name, p.document.Statement.map((x) => [x.Action, x.Resource])]));
      expect(extra).toEqual({
        "dead-letters": [[["sqs:SendMessage"], ["arn:aws:sqs:eu-central-1:123456789012:jobs-prod"]]],
        tracing: [[["xray:PutTraceSegments", "xray:PutTelemetryRecords"], ["*"]]],
      });
    }
    // The trust policy, file("${path.module}/trust.json"), the plan knows: read from the plan.
    expect(doc.roles.map((r) => r.trustPolicy?.Statement)).toEqual([
      [{ Effect: "Allow", Action: ["sts:AssumeRole"], Principal: { Service: ["lambda.amazonaws.com"] } }],
      [{ Effect: "Allow", Action: ["sts:AssumeRole"], Principal: { Service: ["lambda.amazonaws.com"] } }],
    ]);
  });

  it("each statement's line is its line in the template file, whatever the directives left out", () => {
    const doc = normalize([join(prod, "plan.json")]);
    const at = (r: Doc["roles"][number], name: string): string[] => (r.inlinePolicies.find((p) => p.name === name)?.statementSources ?? []).map((x) => `${x.file.replace(/\\/g, "/").split("/").slice(-3).join("/")}:${x.line}`);
    const where = Object.fromEntries(doc.roles.map((r) => [r.name, at(r, "access")]));
    // The file fileset found, for each instance; and where the plan knows the policy (tracing, and
    // the trust policy read with file()), the file is read again only to place its statements.
    expect(doc.roles.map((r) => at(r, "dead-letters"))).toEqual([["fn/policies/dead-letters.json.tftpl:4"], ["fn/policies/dead-letters.json.tftpl:4"]]);
    expect(doc.roles.map((r) => at(r, "tracing"))).toEqual([["fn/policies/tracing.json.tftpl:4"], ["fn/policies/tracing.json.tftpl:4"]]);
    const trust = (doc.roles as Array<{ trustStatementSources?: Array<{ file: string; line: number }> }>).map((r) => (r.trustStatementSources ?? []).map((x) => `${x.file.replace(/\\/g, "/").split("/").slice(-2).join("/")}:${x.line}`));
    expect(trust).toEqual([["fn/trust.json:4"], ["fn/trust.json:4"]]);
    // Lines 4, 10, 20 and 26 of modules/fn/policy.json.tftpl open the Logs, Tables, Queue and Receipts statements.
    expect(where).toEqual({
      "orders-prod": ["modules/fn/policy.json.tftpl:4", "modules/fn/policy.json.tftpl:10", "modules/fn/policy.json.tftpl:20", "modules/fn/policy.json.tftpl:26"],
      "reports-prod": ["modules/fn/policy.json.tftpl:4", "modules/fn/policy.json.tftpl:10", "modules/fn/policy.json.tftpl:20"],
    });
    const lines = readFileSync(join(fixture, "modules", "fn", "policy.json.tftpl"), "utf8").split("\n");
    expect([4, 10, 20, 26].map((n) => lines[n]?.trim())).toEqual(['"Sid": "Logs",', '"Sid": "Tables",', '"Sid": "Queue",', '"Sid": "Receipts",']);
  });

  it("a template rendered in a local (policy = local.policy) keeps its statements' lines", () => {
    const copy = join(work, "via-local");
    cpSync(fixture, copy, { recursive: true });
    const main = join(copy, "modules", "fn", "main.tf");
    const text = readFileSync(main, "utf8");
    const call = text.slice(text.indexOf('  policy = templatefile("${path.module}/policy.json.tftpl"'), text.indexOf("})\n}", text.indexOf("policy.json.tftpl")) + 2);
    writeFileSync(main, `${text.replace(call, "  policy = local.access")}\nlocals {\n  access = ${call.replace(/^\s*policy = /, "")}\n}\n`);
    expect(readFileSync(main, "utf8")).toMatch(/policy = local\.access\n[\s\S]*access = templatefile\("\$\{path\.module\}\/policy\.json\.tftpl"/);
    const doc = normalize([join(copy, "envs", "prod", "plan.json")]);
    expect(policies(doc)).toEqual(expected);
    const orders = doc.roles.find((r) => r.name === "orders-prod")?.inlinePolicies.find((p) => p.name === "access");
    expect(orders?.statementSources?.map((x) => `${x.file.replace(/\\/g, "/").split("/").slice(-2).join("/")}:${x.line}`)).toEqual(["fn/policy.json.tftpl:4", "fn/policy.json.tftpl:10", "fn/policy.json.tftpl:20", "fn/policy.json.tftpl:26"]);
  });

  it("the audit finds the s3:* that only one instance's template gives; SARIF points at its line in the template", () => {
    const r = spawnSync(process.execPath, [cli, "audit", prod, "--format", "json", "--quiet"], { encoding: "utf8" });
    const report = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; message: string; location?: { file: string; line: number; address?: string } }> };
    expect(report.findings.filter((f) => f.ruleId === "LR002").map((f) => [f.message, f.location?.file.replace(/\\/g, "/").endsWith("terraform-templates/modules/fn/main.tf"), f.location?.address])).toEqual([
      // The aws_iam_role_policy that holds the statement, not the role beside it.
      ["Role module.orders.aws_iam_role.fn: module.orders.aws_iam_role_policy.fn Statement[3] allows every action of a service (s3:*)", true, "module.orders.aws_iam_role_policy.fn"],
    ]);
    const sarif = JSON.parse(spawnSync(process.execPath, [cli, "audit", prod, "--format", "sarif", "--quiet"], { encoding: "utf8" }).stdout) as {
      runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }>;
    };
    const lr002 = sarif.runs[0]?.results.filter((x) => x.ruleId === "LR002").map((x) => x.locations[0]?.physicalLocation);
    expect(lr002?.map((l) => [l?.artifactLocation.uri.endsWith("terraform-templates/modules/fn/policy.json.tftpl"), l?.region.startLine])).toEqual([[true, 26]]);
  });

  it("auditing the repository's root: the template files are part of the configuration, not inputs (no error)", () => {
    const r = spawnSync(process.execPath, [cli, "audit", fixture, "--format", "json", "--quiet"], { encoding: "utf8" });
    const report = JSON.parse(r.stdout) as { findings: unknown[]; warnings: Array<Warn & { file?: string }> };
    expect(report.warnings.filter((w) => w.severity !== "info")).toEqual([]);
    const templates = report.warnings.filter((w) => w.file?.endsWith(".tftpl")).map((w) => [w.code, w.file?.replace(/\\/g, "/").split("/").slice(-2).join("/"), w.message.split(";")[0]]);
    expect(templates).toEqual([
      ["input-not-used", "policies/dead-letters.json.tftpl", "skipped: a Terraform template file"],
      ["input-not-used", "policies/tracing.json.tftpl", "skipped: a Terraform template file"],
      ["input-not-used", "fn/policy.json.tftpl", "skipped: a Terraform template file"],
    ]);
    expect(report.findings).toHaveLength(6);
  });

  it("--tf-config from elsewhere, and with terraform init's modules.json, give the same policies", () => {
    const plans = join(work, "plans");
    mkdirSync(plans);
    cpSync(join(prod, "plan.json"), join(plans, "plan.json"));
    expect(policies(normalize([join(plans, "plan.json"), "--tf-config", prod]))).toEqual(expected);
    // Without the configuration the four policies are reported unread, not guessed.
    expect(normalize([join(plans, "plan.json")]).meta.warnings.filter((x) => x.code === "terraform-unknown-policy")).toHaveLength(4);

    const initialised = join(work, "initialised");
    cpSync(fixture, initialised, { recursive: true });
    const manifest = '{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"orders","Source":"../../modules/fn","Dir":"../../modules/fn"},{"Key":"reports","Source":"../../modules/fn","Dir":"../../modules/fn"}]}';
    mkdirSync(join(initialised, "envs", "prod", ".terraform", "modules"), { recursive: true });
    writeFileSync(join(initialised, "envs", "prod", ".terraform", "modules", "modules.json"), manifest);
    expect(policies(normalize([join(initialised, "envs", "prod", "plan.json")]))).toEqual(expected);
  });

  it("a template file that is missing leaves that policy unread, with the reason", () => {
    const broken = join(work, "missing-template");
    cpSync(fixture, broken, { recursive: true });
    rmSync(join(broken, "modules", "fn", "policy.json.tftpl"));
    const doc = normalize([join(broken, "envs", "prod", "plan.json")]);
    expect(policies(doc)).toEqual({ "orders-prod": [], "reports-prod": [] });
    const unread = doc.meta.warnings.filter((x) => x.code === "terraform-unknown-policy" && x.message.includes("aws_iam_role_policy.fn.")).map((x) => x.message).sort();
    expect(unread).toHaveLength(2);
    expect(unread[0]).toMatch(/^module\.orders\.aws_iam_role_policy\.fn\.policy is known only after apply, and its expression in .*modules\/fn\/main\.tf:22 cannot be evaluated here \(templatefile\(/);
  });

  it("SDK callers: configFiles alone follow the module; configRoot lets the template be read", () => {
    const plan = readFileSync(join(prod, "plan.json"));
    const unread = (o: Parameters<typeof readTerraformPlan>[2]): number => readTerraformPlan(plan, "plan.json", o).warnings.filter((x) => x.code === "terraform-unknown-policy").length;
    expect(unread({ configFiles: readTfFiles(prod) })).toBe(4);
    expect(unread({ configFiles: readTfFiles(prod), configRoot: prod })).toBe(0);
  });
});
