/**
 * A plan whose policies name resources made by the same plan (test/iac/fixtures/
 * terraform-config-policies: a real `terraform plan` against moto). The plan has each policy as
 * unknown and its expression as `{}` or bare references: before, every one was "not analysed", a
 * `s3:*` among them. With the configuration (beside the plan, or --tf-config) each is evaluated
 * from its `.tf` expression, the `templatefile(…)` with its template file.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";
import { readTfFiles } from "../../src/sources/terraform/config-files.js";
import { readTerraformPlan } from "../../src/sources/terraform/index.js";

const cli = join(packageRoot(), "dist", "cli.js");
const fixture = join(packageRoot(), "test", "iac", "fixtures", "terraform-config-policies");
const work = mkdtempSync(join(tmpdir(), "lr-tfcfg-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Warn {
  code: string;
  severity: string;
  file?: string;
  message: string;
}
interface Doc {
  roles: Array<{ name: string; inlinePolicies: Array<{ name: string; document: { Statement: Array<{ Action?: string[]; Resource?: string[] }> } }>; attachedPolicies: Array<{ arn: string }> }>;
  policies: Record<string, { name: string; document: { Statement: Array<{ Action?: string[]; Resource?: string[] }> } }>;
  meta: { warnings: Warn[] };
}

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
}

describe("policies known only after apply, read from the configuration", () => {
  const plan = join(fixture, "plan.json");
  const raw = JSON.parse(readFileSync(plan, "utf8")) as { resource_changes: Array<{ address: string; change: { after_unknown: Record<string, unknown> } }> };

  it("are unknown in the plan itself", () => {
    const unknown = raw.resource_changes.filter((r) => r.address.includes("aws_iam_") && r.change.after_unknown.policy === true).map((r) => r.address);
    expect(unknown).toEqual(["aws_iam_policy.logs", "aws_iam_role_policy.per_action[\"deleter\"]", "aws_iam_role_policy.per_action[\"reader\"]", "aws_iam_role_policy.process_orders", "aws_iam_role_policy.templated"]);
  });

  it("without the configuration: each is reported unread, and the warning says how to read it", () => {
    const alone = join(work, "alone");
    cpSync(plan, join(alone, "plan.json"), { recursive: true });
    const r = run(["normalize", join(alone, "plan.json")]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as Doc;
    const unread = doc.meta.warnings.filter((w) => w.code === "terraform-unknown-policy");
    expect(unread).toHaveLength(12);
    expect(unread.every((w) => w.message.includes("give the configuration's folder with --tf-config"))).toBe(true);
  });

  it("beside the plan: every policy is evaluated, a template file too, with the ARNs the plan lets us build", () => {
    const r = run(["normalize", plan]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as Doc;
    const w = doc.meta.warnings;
    expect(w.find((x) => x.code === "terraform-config-beside")?.message).toContain("the Terraform configuration beside the plan");
    expect(w.filter((x) => x.code === "terraform-policy-from-config").map((x) => x.message.replace(/ in .*$/, "")).sort()).toEqual([
      "aws_iam_policy.logs.policy: known only after apply; read from its expression",
      "aws_iam_role.ops.assume_role_policy: known only after apply; read from its expression",
      'aws_iam_role_policy.per_action["deleter"].policy: known only after apply; read from its expression',
      'aws_iam_role_policy.per_action["reader"].policy: known only after apply; read from its expression',
      "aws_iam_role_policy.process_orders.policy: known only after apply; read from its expression",
      "aws_iam_role_policy.templated.policy: known only after apply; read from its expression",
      "module.worker.aws_iam_role.worker.inline_policy[0].policy: known only after apply; read from its expression",
      "module.worker.aws_iam_role.worker.inline_policy[1].policy: known only after apply; read from its expression",
      'module.workers["qa"].aws_iam_role.worker.inline_policy[0].policy: known only after apply; read from its expression',
      'module.workers["qa"].aws_iam_role.worker.inline_policy[1].policy: known only after apply; read from its expression',
      'module.workers["staging"].aws_iam_role.worker.inline_policy[0].policy: known only after apply; read from its expression',
      'module.workers["staging"].aws_iam_role.worker.inline_policy[1].policy: known only after apply; read from its expression',
    ]);
    expect(w.filter((x) => x.code === "terraform-unknown-policy")).toEqual([]);

    const role = doc.roles.find((x) => x.name === "process-orders-prod");
    const inline = Object.fromEntries((role?.inlinePolicies ?? []).map((p) => [p.name, p.document.Statement.map((s) => [s.Action, s.Resource])]));
    // jsonencode with concat and a local made by a for expression; the account is the one
    // data.aws_caller_identity read while planning, the table's ARN built from its planned name.
    expect(inline.orders).toEqual([
      [
        ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"],
        ["arn:aws:dynamodb:eu-west-1:123456789012:table/orders-prod", "arn:aws:dynamodb:eu-west-1:123456789012:table/orders-prod/index/by-customer", "arn:aws:dynamodb:eu-west-1:123456789012:table/orders-prod/index/by-date"],
      ],
      [["sqs:SendMessage"], ["arn:aws:sqs:eu-west-1:123456789012:fulfillment-prod"]],
      [["s3:*"], ["arn:aws:s3:::receipts-prod-example/*"]],
    ]);
    // templatefile("${path.module}/policy.json.tpl", { queue = aws_sqs_queue.fulfillment.arn }): the
    // template file read from the configuration's folder, its variable the queue's built ARN.
    expect(inline.templated).toEqual([[["sqs:ReceiveMessage"], ["arn:aws:sqs:eu-west-1:123456789012:fulfillment-prod"]]]);
    // for_each: each instance its own action (each.value).
    expect(inline.reader).toEqual([[["dynamodb:GetItem"], ["arn:aws:dynamodb:eu-west-1:123456789012:table/orders-prod"]]]);
    expect(inline.deleter).toEqual([[["dynamodb:DeleteItem"], ["arn:aws:dynamodb:eu-west-1:123456789012:table/orders-prod"]]]);
    // A heredoc with data sources, a local and the role's own ARN interpolated.
    const logs = doc.policies["arn:aws:iam::123456789012:policy/process-orders-prod-logs"];
    expect(logs?.document.Statement.map((s) => [s.Action, s.Resource])).toEqual([
      [["logs:CreateLogStream", "logs:PutLogEvents"], ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/process-orders-prod:*"]],
      [["iam:PassRole"], ["arn:aws:iam::123456789012:role/process-orders-prod"]],
    ]);
    // A trust policy naming a user of the same plan: the user's ARN, with its path.
    const ops = (doc.roles as Array<{ name: string; trustPolicy?: { Statement: unknown[] } }>).find((x) => x.name === "ops");
    expect(ops?.trustPolicy?.Statement).toEqual([{ Effect: "Allow", Action: ["sts:AssumeRole"], Principal: { AWS: ["arn:aws:iam::123456789012:user/ci/deployer"] } }]);
    // A module's inline_policy blocks found by name (a set: the plan lists "queue" first), var.queue_arn from the call.
    const worker = doc.roles.find((x) => x.name === "worker-prod");
    expect(Object.fromEntries((worker?.inlinePolicies ?? []).map((p) => [p.name, p.document.Statement.map((s) => s.Resource)]))).toEqual({
      queue: [["arn:aws:sqs:eu-west-1:123456789012:fulfillment-prod"]],
      reports: [["arn:aws:sqs:eu-west-1:123456789012:fulfillment-prod", "arn:aws:s3:::reports-prod/*"]],
      tables: [["arn:aws:dynamodb:eu-west-1:123456789012:table/orders-prod", "arn:aws:dynamodb:eu-west-1:123456789012:table/customers-prod"]],
    });
    // The same module called with for_each: each instance's var.env is its own key (each.key in the module block).
    for (const env of ["qa", "staging"]) {
      const r = doc.roles.find((x) => x.name === `worker-${env}`);
      expect(r?.inlinePolicies.find((p) => p.name === "reports")?.document.Statement.map((s) => s.Resource)).toEqual([["arn:aws:sqs:eu-west-1:123456789012:fulfillment-prod", `arn:aws:s3:::reports-${env}/*`]]);
    }
  });

  it("the audit finds the s3:* the plan hid, at its line in main.tf", () => {
    const r = run(["audit", plan, "--format", "json", "--quiet"]);
    const report = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; severity: string; message: string; location?: { file: string; line: number } }> };
    const lr002 = report.findings.filter((f) => f.ruleId === "LR002");
    expect(lr002.map((f) => [f.severity, f.message, f.location?.file.endsWith("terraform-config-policies/main.tf")])).toEqual([["high", "Role aws_iam_role.process_orders: aws_iam_role_policy.process_orders Statement[2] allows every action of a service (s3:*)", true]]);
    // Three functions of one module block share its line; the address says which instance.
    const lr005 = report.findings.filter((f) => f.ruleId === "LR005" && f.message.includes("worker-")) as Array<{ location?: { file: string; line: number; address?: string } }>;
    expect(lr005.map((f) => [f.location?.line, f.location?.address])).toEqual([
      [48, "module.worker.aws_lambda_function.worker"],
      [48, 'module.workers["qa"].aws_lambda_function.worker'],
      [48, 'module.workers["staging"].aws_lambda_function.worker'],
    ]);
    // The logs policy's grants count: only logs:CreateLogGroup is missing.
    expect(report.findings.filter((f) => f.ruleId === "LR005" && f.message.includes("process-orders-prod")).map((f) => f.message)).toEqual([expect.stringContaining("does not allow logs:CreateLogGroup")]);
  });

  it("environment variable names the plan knows only after apply are read from the code, never a value", () => {
    const secret = "fixture-secret-value-7f3a";
    expect(readFileSync(join(fixture, "main.tf"), "utf8")).toContain(secret);
    const normalized = run(["normalize", plan]);
    const doc = JSON.parse(normalized.stdout) as Doc & { functions: Array<{ name: string; environmentVariableNames: string[]; kmsKeyArn: string | null }> };
    expect(doc.functions.find((f) => f.name === "process-orders-prod")?.environmentVariableNames).toEqual(["API_KEY", "QUEUE_URL", "TABLE"]);
    expect(doc.meta.warnings.find((w) => w.code === "terraform-value-from-config")?.message).toMatch(/^aws_lambda_function\.process_orders: environment variable names known only after apply; read from .*main\.tf:151 \(names only\)$/);
    // With names, the customer managed key that encrypts them must be usable: LR010 says it is not.
    const audit = run(["audit", plan, "--format", "json", "--quiet"]);
    const report = JSON.parse(audit.stdout) as { findings: Array<{ ruleId: string; message: string }> };
    expect(report.findings.filter((f) => f.ruleId === "LR010").map((f) => f.message)).toEqual([
      "Function aws_lambda_function.process_orders: its execution role cannot use its environment encryption key arn:aws:kms:eu-west-1:123456789012:key/${aws_kms_key.env.key_id} (missing kms:Decrypt)",
    ]);
    const outputs = [normalized.stdout, normalized.stderr, audit.stdout, audit.stderr, ...["table", "sarif", "markdown"].map((f) => run(["audit", plan, "--format", f]).stdout)];
    for (const out of outputs) expect(out).not.toContain(secret);
  });

  it("--tf-config gives the same policies from another folder; SDK callers pass configFiles", () => {
    const elsewhere = join(work, "plans");
    cpSync(plan, join(elsewhere, "plan.json"), { recursive: true });
    const viaFlag = JSON.parse(run(["normalize", join(elsewhere, "plan.json"), "--tf-config", fixture]).stdout) as Doc;
    const beside = JSON.parse(run(["normalize", plan]).stdout) as Doc;
    expect(viaFlag.roles.map((x) => x.inlinePolicies)).toEqual(beside.roles.map((x) => x.inlinePolicies));
    // In memory, a template file is read only when the caller says where the configuration is on disk
    // (configRoot) or passes the template among the files.
    const unread = (o: Parameters<typeof readTerraformPlan>[2]): string[] => readTerraformPlan(readFileSync(plan), "plan.json", o).warnings.filter((x) => x.code === "terraform-unknown-policy").map((x) => x.message.split(" ")[0] as string);
    expect(unread({ configFiles: readTfFiles(fixture) })).toEqual(["aws_iam_role_policy.templated.policy"]);
    expect(unread({ configFiles: readTfFiles(fixture), configRoot: fixture })).toEqual([]);
    expect(unread({ configFiles: { ...readTfFiles(fixture), "policy.json.tpl": readFileSync(join(fixture, "policy.json.tpl"), "utf8") } })).toEqual([]);
  });

  it("a .tf file that does not parse is named with its line, and the rest is still read", () => {
    const broken = join(work, "broken");
    cpSync(fixture, broken, { recursive: true });
    const text = readFileSync(join(broken, "modules", "worker", "main.tf"), "utf8").replace('variable "tables" { type = list(string) }', 'variable "tables" { type = list(string) ]');
    writeFileSync(join(broken, "modules", "worker", "main.tf"), text);
    const doc = JSON.parse(run(["normalize", join(broken, "plan.json")]).stdout) as Doc;
    const syntax = doc.meta.warnings.filter((x) => x.code === "terraform-config-syntax");
    expect(syntax.map((x) => [x.file?.endsWith("modules/worker/main.tf"), x.message.split(";")[0]])).toEqual([[true, "line 3: expected a new line after type, found ']'"]]);
    // The root module's policies are still read; the module's unknown one is reported unread.
    expect(doc.meta.warnings.filter((x) => x.code === "terraform-policy-from-config")).toHaveLength(6);
    expect(doc.meta.warnings.filter((x) => x.code === "terraform-unknown-policy").map((x) => x.message.split(" ")[0]).sort()).toEqual([
      "module.worker.aws_iam_role.worker.inline_policy[0].policy",
      "module.worker.aws_iam_role.worker.inline_policy[1].policy",
      'module.workers["qa"].aws_iam_role.worker.inline_policy[0].policy',
      'module.workers["qa"].aws_iam_role.worker.inline_policy[1].policy',
      'module.workers["staging"].aws_iam_role.worker.inline_policy[0].policy',
      'module.workers["staging"].aws_iam_role.worker.inline_policy[1].policy',
    ]);
  });
});

describe("a module terraform init installed from a registry or git", () => {
  const installed = join(packageRoot(), "test", "iac", "fixtures", "terraform-installed-module");

  it("is found through .terraform/modules/modules.json, and its policy evaluated with the caller's arguments", () => {
    // The project folder, as a user gives it: the walk skips .terraform/, the plan reads it.
    const r = run(["audit", installed, "--format", "json", "--quiet"]);
    const report = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; message: string; location?: { file: string; line: number } }>; warnings: Warn[] };
    expect(report.warnings.filter((w) => w.severity !== "info")).toEqual([]);
    expect(report.warnings.find((w) => w.code === "terraform-policy-from-config")?.message).toMatch(/^module\.api\.aws_iam_role_policy\.statements\.policy: known only after apply; read from its expression in .*\.terraform\/modules\/api\/lambda\/main\.tf:18$/);
    const lr002 = report.findings.filter((f) => f.ruleId === "LR002");
    // At the aws_iam_role_policy that writes the statement (its policy expression, line 18), not at
    // the role (line 7): the resource a user changes.
    expect(lr002.map((f) => [f.message, f.location?.file.endsWith(".terraform/modules/api/lambda/main.tf"), f.location?.line])).toEqual([["Role module.api.aws_iam_role.this: module.api.aws_iam_role_policy.statements Statement[0] allows every action of a service (sqs:*)", true, 18]]);
  });

  it("reads the for expression over the caller's map: one statement per key, in key order", () => {
    const doc = JSON.parse(run(["normalize", join(installed, "plan.json")]).stdout) as Doc;
    const role = doc.roles.find((x) => x.name === "orders-api");
    expect(role?.inlinePolicies.map((p) => p.document.Statement)).toEqual([
      [
        { Sid: "Queue", Effect: "Allow", Action: ["sqs:*"], Resource: ["arn:aws:sqs:us-east-2:unknown:jobs"] },
        { Sid: "Table", Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:Query"], Resource: ["arn:aws:dynamodb:us-east-2:unknown:table/orders", "arn:aws:dynamodb:us-east-2:unknown:table/orders/index/*"] },
      ],
    ]);
  });

  it("without modules.json (never initialised here), the module's policy stays unread", () => {
    const copy = join(work, "not-initialised");
    cpSync(installed, copy, { recursive: true });
    rmSync(join(copy, ".terraform"), { recursive: true });
    const doc = JSON.parse(run(["normalize", join(copy, "plan.json")]).stdout) as Doc;
    expect(doc.meta.warnings.filter((w) => w.code === "terraform-unknown-policy").map((w) => w.message.split(" ")[0])).toEqual(["module.api.aws_iam_role_policy.statements.policy"]);
  });
});

describe("a policy document with dynamic statements, deferred to apply", () => {
  const dynamic = join(packageRoot(), "test", "iac", "fixtures", "terraform-dynamic-statements");
  const statementsOf = (doc: Doc): unknown => Object.values(doc.policies).map((p) => p.document.Statement);

  it("without the configuration: the resources are placeholders of the statement attribute", () => {
    const alone = join(work, "dynamic-alone");
    cpSync(join(dynamic, "plan.json"), join(alone, "plan.json"), { recursive: true });
    const doc = JSON.parse(run(["normalize", join(alone, "plan.json")]).stdout) as Doc;
    expect(statementsOf(doc)).toEqual([
      [
        { Effect: "Allow", Sid: "queue", Action: ["sqs:*"], Resource: ["${data.aws_iam_policy_document.additional.statement[0].resources}"] },
        { Effect: "Allow", Sid: "table", Action: ["dynamodb:GetItem", "dynamodb:Query"], Resource: ["${data.aws_iam_policy_document.additional.statement[1].resources}"] },
      ],
    ]);
  });

  it("with it: each expanded statement's resources, evaluated with its iterator", () => {
    const doc = JSON.parse(run(["normalize", join(dynamic, "plan.json")]).stdout) as Doc;
    expect(statementsOf(doc)).toEqual([
      [
        { Effect: "Allow", Sid: "queue", Action: ["sqs:*"], Resource: ["arn:aws:sqs:eu-west-1:unknown:jobs"] },
        { Effect: "Allow", Sid: "table", Action: ["dynamodb:GetItem", "dynamodb:Query"], Resource: ["arn:aws:dynamodb:eu-west-1:unknown:table/orders"] },
      ],
    ]);
    expect(doc.meta.warnings.filter((w) => w.severity !== "info")).toEqual([]);
  });
});

describe("a Terraform configuration without its plan", () => {
  it("says to give the plan (or state), and that the .tf files are read beside it", () => {
    const only = join(work, "config-only");
    cpSync(join(fixture, "main.tf"), join(only, "main.tf"), { recursive: true });
    const r = run(["audit", only]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("main.tf: skipped: Terraform configuration; its plan is read (`terraform plan -out plan.bin && terraform show -json plan.bin > plan.json`");
    expect(r.stderr).not.toContain("Error:");
  });
});

describe("a policy naming every instance of resources made with count and for_each", () => {
  const splat = join(packageRoot(), "test", "iac", "fixtures", "terraform-splat");

  it("splats, values() and for over the instances give each instance's ARN, in Terraform's order", () => {
    const plan = JSON.parse(readFileSync(join(splat, "plan.json"), "utf8")) as { resource_changes: Array<{ address: string; change: { after_unknown: Record<string, unknown> } }> };
    expect(plan.resource_changes.find((r) => r.address === "aws_iam_role_policy.ingest")?.change.after_unknown.policy).toBe(true);
    const r = run(["normalize", join(splat, "plan.json")]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as Doc;
    const statements = doc.roles.find((x) => x.name === "ingest")?.inlinePolicies[0]?.document.Statement.map((x) => [x.Action, x.Resource]);
    const table = (t: string): string => `arn:aws:dynamodb:ap-southeast-2:123456789012:table/${t}-prod`;
    expect(statements).toEqual([
      // aws_sqs_queue.shard[*].arn: a list in count order.
      [["sqs:ReceiveMessage", "sqs:DeleteMessage"], [0, 1, 2].map((i) => `arn:aws:sqs:ap-southeast-2:123456789012:ingest-shard-${i}`)],
      // values(aws_dynamodb_table.t)[*].arn and a for over the map: in key order.
      [["dynamodb:PutItem"], [table("customers"), table("orders")]],
      [["dynamodb:Query"], [`${table("customers")}/index/*`, `${table("orders")}/index/*`]],
      [["dynamodb:DeleteTable"], [table("orders")]],
    ]);
    // Nothing left as a placeholder: the policy is read whole.
    expect(doc.meta.warnings.find((w) => w.code === "terraform-policy-from-config")?.message).toMatch(/^aws_iam_role_policy\.ingest\.policy: known only after apply; read from its expression in .*main\.tf:53$/);
  });
});
