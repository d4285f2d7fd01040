/**
 * A law of reading the configuration beside a plan: it only fills in what the plan knows only
 * after apply. On plans and states whose policies are all known, the document read with the
 * `.tf` files is the one read without them, but for where things are (locations) and the notes.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";
import { normalizeFragments } from "../../src/normalize/index.js";
import { analyzeDocument } from "../../src/analysis/index.js";
import { readTerraformPlan, readTfFiles } from "../../src/sources/terraform/index.js";

const fixtures = join(packageRoot(), "test", "iac", "fixtures");

/** The document without locations and warnings: what the plan says, not where. */
function content(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(content);
  if (v === null || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === "source" || k === "location" || k === "locations" || k.endsWith("StatementSources") || k === "statementSources" || k === "warnings" || k === "sources") continue;
    out[k] = content(x);
  }
  return out;
}

describe("the configuration fills in only what the plan knows only after apply", () => {
  const cases: Array<[string, string, string]> = [
    ["a state: every value known", "terraform-state/show-state.json", "terraform-state/config"],
    ["a plan with its module (fanout)", "terraform/fanout.plan.json", "terraform/fanout"],
  ];
  for (const [what, planPath, configDir] of cases) {
    it(what, () => {
      const bytes = readFileSync(join(fixtures, planPath));
      const without = readTerraformPlan(bytes, "plan.json");
      const withConfig = readTerraformPlan(bytes, "plan.json", { configFiles: readTfFiles(join(fixtures, configDir)) });
      // Nothing was unknown, so nothing was read from the code.
      expect(withConfig.warnings.filter((w) => w.code === "terraform-policy-from-config" || w.code === "terraform-value-from-config")).toEqual([]);
      expect(without.functions.length + without.roles.length).toBeGreaterThan(0);
      expect(content(normalizeFragments([withConfig]).document)).toEqual(content(normalizeFragments([without]).document));
    });
  }

  it("a plan with values known only after apply (lambda-app): those are read from the code", () => {
    const bytes = readFileSync(join(fixtures, "terraform/lambda-app.plan.json"));
    const without = readTerraformPlan(bytes, "plan.json");
    const withConfig = readTerraformPlan(bytes, "plan.json", { configFiles: readTfFiles(join(fixtures, "terraform/lambda-app")) });
    // A jsonencode policy naming var.queue_arn (a queue of the same plan): unread, then read.
    expect(without.warnings.filter((w) => w.code === "terraform-unknown-policy").map((w) => w.message.split(" ")[0])).toEqual(["module.worker.aws_iam_role_policy.queue.policy"]);
    expect(withConfig.warnings.filter((w) => w.code === "terraform-unknown-policy")).toEqual([]);
    const statements = (f: typeof without, name: string) => f.roles.flatMap((r) => r.inlinePolicies.filter((p) => p.name === name).map((p) => p.document.Statement.map((st) => st.Resource)));
    expect(statements(without, "queue-consume")).toEqual([]);
    expect(statements(withConfig, "queue-consume")).toEqual([[["arn:aws:sqs:eu-west-1:unknown:jobs"]]]);
    // A deferred policy document: the plan gives the statement, the code its two resources, where
    // the placeholders of the statement attribute had made both the table's ARN.
    expect(statements(without, "orders-rw")).toEqual([[["${aws_dynamodb_table.orders.arn}", "${aws_dynamodb_table.orders.arn}"], ["*"]]]);
    expect(statements(withConfig, "orders-rw")).toEqual([[["arn:aws:dynamodb:eu-west-1:unknown:table/orders", "arn:aws:dynamodb:eu-west-1:unknown:table/orders/index/*"], ["*"]]]);
  });

  it("a module called with count: each instance's arguments with its own count.index", () => {
    const dir = join(fixtures, "terraform-module-count");
    const plan = readTerraformPlan(readFileSync(join(dir, "plan.json")), "plan.json", { configFiles: readTfFiles(dir) });
    expect(plan.roles.map((r) => [r.name, r.inlinePolicies.map((p) => p.document.Statement.map((st) => st.Resource))])).toEqual([
      ["shard-0", [[["arn:aws:sqs:us-west-2:unknown:jobs", "arn:aws:s3:::shard-0-archive/*"]]]],
      ["shard-1", [[["arn:aws:sqs:us-west-2:unknown:jobs", "arn:aws:s3:::shard-1-archive/*"]]]],
    ]);
  });
});

describe("module outputs (terraform-module-outputs: real plan, module for_each and count)", () => {
  const dir = join(fixtures, "terraform-module-outputs");
  const bytes = readFileSync(join(dir, "plan.json"));
  const roleOf = (f: ReturnType<typeof readTerraformPlan>) => Object.fromEntries(f.functions.map((fn) => [fn.name, fn.roleArn]));

  it("a function given another instance's role (module.fn[\"orders\"].role_arn) runs with that role", () => {
    const plan = readTerraformPlan(bytes, "plan.json", { configFiles: readTfFiles(dir) });
    expect(roleOf(plan)).toEqual({
      audit: "arn:aws:iam::unknown:role/orders-role",
      dispatch: "arn:aws:iam::unknown:role/dispatch",
      orders: "arn:aws:iam::unknown:role/orders-role",
      reports: "arn:aws:iam::unknown:role/reports-role",
      "worker-0": "arn:aws:iam::unknown:role/worker-0-role",
      "worker-1": "arn:aws:iam::unknown:role/worker-1-role",
    });
    expect(plan.warnings.filter((w) => w.code === "terraform-unknown-role")).toEqual([]);
    // The module makes no role for it (count = 0): there are five roles, not six.
    expect(plan.roles.map((r) => r.name).sort()).toEqual(["dispatch", "orders-role", "reports-role", "worker-0-role", "worker-1-role"]);
  });

  it("module instances named without a key: values(module.fn)[*] in key order, module.worker[*] in index order", () => {
    const plan = readTerraformPlan(bytes, "plan.json", { configFiles: readTfFiles(dir) });
    const dispatch = plan.roles.find((r) => r.name === "dispatch");
    expect(dispatch?.inlinePolicies.map((p) => p.document.Statement.map((st) => st.Resource))).toEqual([
      [
        [
          "arn:aws:lambda:eu-west-1:unknown:function:orders",
          "arn:aws:lambda:eu-west-1:unknown:function:reports",
          "arn:aws:lambda:eu-west-1:unknown:function:worker-0",
          "arn:aws:lambda:eu-west-1:unknown:function:worker-1",
          "arn:aws:lambda:eu-west-1:unknown:function:audit",
        ],
      ],
    ]);
    expect(plan.warnings.filter((w) => w.code === "terraform-unknown-policy")).toEqual([]);
  });

  it("a dead-letter queue of a dynamic block, and a mapping and a permission naming module.fn[\"reports\"].function_arn", () => {
    const plan = readTerraformPlan(bytes, "plan.json", { configFiles: readTfFiles(dir) });
    const { document } = normalizeFragments([plan]);
    const fn = (name: string) => document.functions.find((f) => f.name === name);
    // `dynamic "dead_letter_config" { for_each = var.dlq_arn == null ? [] : [true] … }`: the
    // queue of the same plan, by the ARN the reader builds for it (a placeholder before).
    expect(fn("orders")?.deadLetterTargetArn).toBe("arn:aws:sqs:eu-west-1:unknown:failed");
    expect(fn("worker-0")?.deadLetterTargetArn).toBeNull();
    // The reports instance's, not the first instance's (orders had both before).
    expect(fn("reports")?.triggers.map((t) => [t.kind, t.eventSourceArn])).toEqual([["sqs", "arn:aws:sqs:eu-west-1:unknown:jobs"]]);
    expect(fn("reports")?.resourcePolicy?.Statement.map((st) => st.Sid)).toEqual(["s3-uploads"]);
    expect(fn("orders")?.triggers).toEqual([]);
    expect(fn("orders")?.resourcePolicy).toBeNull();
  });

  it("without the .tf files: the condition's operand is not the role, and module.fn[\"reports\"] leads into that instance", () => {
    const plan = readTerraformPlan(bytes, "plan.json");
    // The plan lists var.create_role (false) first among the expression's references, then
    // aws_iam_role.this[0] (no instance in module.audit), then var.role_arn: the last is the value.
    // Its chain names module.fn["orders"], whose role it is (not the first instance by chance).
    expect(roleOf(plan).audit).toBe("arn:aws:iam::unknown:role/orders-role");
    const { document } = normalizeFragments([plan]);
    const fn = (name: string) => document.functions.find((f) => f.name === name);
    expect(fn("reports")?.triggers.map((t) => t.kind)).toEqual(["sqs"]);
    expect(fn("reports")?.resourcePolicy?.Statement.map((st) => st.Sid)).toEqual(["s3-uploads"]);
    expect(fn("orders")?.triggers).toEqual([]);
  });
});

describe("values known only after apply, in the shapes Lambda modules write (terraform-unknown-shapes: real plan)", () => {
  const dir = join(fixtures, "terraform-unknown-shapes");
  const bytes = readFileSync(join(dir, "plan.json"));
  const read = (withConfig: boolean) => {
    const plan = readTerraformPlan(bytes, "plan.json", withConfig ? { configFiles: readTfFiles(dir) } : {});
    const fn = normalizeFragments([plan]).document.functions.find((f) => f.name === "shapes");
    if (!fn) throw new Error("no function");
    return fn;
  };

  it("a VPC function whose subnets and security groups the plan makes is in a VPC (with or without the .tf files)", () => {
    for (const withConfig of [false, true]) {
      expect(read(withConfig).vpc).toEqual({ vpcId: null, subnetIds: ["${aws_subnet.a.id}"], securityGroupIds: ["${aws_security_group.fn.id}"] });
    }
  });

  it("a permission on the version the plan publishes is that version's", () => {
    for (const withConfig of [false, true]) {
      const st = read(withConfig).resourcePolicy?.Statement.find((s) => s.Sid === "VersionOnly");
      expect(st?.Resource).toEqual(["arn:aws:lambda:eu-central-1:unknown:function:shapes:${aws_lambda_function.f.version}"]);
    }
  });

  it("with the .tf files: a dynamic block's dead-letter queue, each.value's event source and source ARN", () => {
    const fn = read(true);
    expect(fn.deadLetterTargetArn).toBe("arn:aws:sqs:eu-central-1:unknown:fn-dlq");
    expect(fn.triggers.map((t) => [t.kind, t.eventSourceArn])).toEqual([["sqs", "arn:aws:sqs:eu-central-1:unknown:jobs"]]);
    const api = fn.resourcePolicy?.Statement.find((s) => JSON.stringify(s.Principal).includes("apigateway"));
    // The API's execution ARN in the plan's account, its id known only after apply: a source
    // pinned to this account (LR012 called it "on behalf of any account" with a bare placeholder).
    expect(api?.Condition).toEqual({ ArnLike: { "AWS:SourceArn": ["arn:aws:execute-api:eu-central-1:unknown:${aws_api_gateway_rest_api.api.id}/*/*/*"] } });
  });
});

describe("a role that cannot be followed says where its expression is", () => {
  const dir = join(fixtures, "terraform-unknown-shapes");
  // The plan's reference list for the role removed, and the code's role an undefined local.
  const plan = JSON.parse(readFileSync(join(dir, "plan.json"), "utf8")) as { configuration: { root_module: { resources: Array<{ address: string; expressions: Record<string, unknown> }> } } };
  for (const r of plan.configuration.root_module.resources) if (r.address === "aws_lambda_function.f") delete r.expressions.role;
  const files = readTfFiles(dir);
  const text = (files["main.tf"] as string).replace("role          = aws_iam_role.r.arn", "role          = local.missing");

  it("with the .tf files: the file, line and expression", () => {
    const read = readTerraformPlan(plan, "plan.json", { configFiles: { ...files, "main.tf": text } });
    expect(read.warnings.filter((w) => w.code === "terraform-unknown-role").map((w) => w.message)).toEqual([
      "aws_lambda_function.f: the execution role is known only after apply, and its expression in main.tf:49 cannot be evaluated here (local.missing)",
    ]);
  });

  it("without them: the attribute", () => {
    const read = readTerraformPlan(plan, "plan.json");
    expect(read.warnings.filter((w) => w.code === "terraform-unknown-role").map((w) => w.message)).toEqual([
      "aws_lambda_function.f: the execution role is known only after apply, and its reference cannot be followed (${aws_lambda_function.f.role})",
    ]);
  });
});

describe("a wrapper module and a module's own idioms (terraform-wrapper: real plan)", () => {
  const dir = join(fixtures, "terraform-wrapper");
  const bytes = readFileSync(join(dir, "plan.json"));
  const withConfig = readTerraformPlan(bytes, "plan.json", { configFiles: readTfFiles(dir) });
  const { document } = normalizeFragments([withConfig]);
  const inline = (role: string, name: string) => document.roles.find((r) => r.name === role)?.inlinePolicies.find((p) => p.name === name)?.document.Statement;

  it("a log group the plan makes is one Lambda never creates: no logs:CreateLogGroup required", () => {
    expect(document.functions.map((f) => [f.name, f.logGroupCreated])).toEqual([
      ["ingest", true],
      ["orders", true],
      ["reports", true],
    ]);
    const analysed = analyzeDocument(normalizeFragments([withConfig]).document);
    expect(analysed.functions.flatMap((f) => f.analysis?.requirements.filter((r) => r.action === "logs:CreateLogGroup") ?? [])).toEqual([]);
  });

  it("a policy document whose whole statement list is known only after apply is evaluated from its block", () => {
    for (const role of ["orders", "reports"]) {
      // Keys in lexical order; the Sid is the key without its hyphen (replace with a regular expression).
      expect(inline(role, "inline")).toEqual([
        { Effect: "Allow", Sid: "publish", Action: ["sns:Publish"], Resource: ["arn:aws:sns:eu-central-1:unknown:alerts"] },
        { Effect: "Allow", Sid: "s3all", Action: ["s3:*"], Resource: ["*"] },
      ]);
    }
    expect(withConfig.warnings.filter((w) => w.code === "terraform-unknown-policy")).toEqual([]);
  });

  it("without the .tf files, that policy is unread with a warning, never a policy with no statement", () => {
    const plan = readTerraformPlan(bytes, "plan.json");
    expect(plan.warnings.filter((w) => w.code === "terraform-unknown-policy").map((w) => w.message.split(":")[0])).toEqual([
      'module.lambdas.module.wrapper["orders"].aws_iam_role_policy.inline[0].policy',
      'module.lambdas.module.wrapper["reports"].aws_iam_role_policy.inline[0].policy',
    ]);
    expect(plan.roles.flatMap((r) => r.inlinePolicies.filter((p) => p.name === "inline"))).toEqual([]);
  });

  it("try passes over an instance that does not exist (count = 0) to the log group made here", () => {
    expect(inline("orders", "logs")?.[0]?.Resource).toEqual([
      "arn:aws:logs:eu-central-1:unknown:log-group:/aws/lambda/orders:*",
      "arn:aws:logs:eu-central-1:unknown:log-group:/aws/lambda/orders:*:*",
    ]);
  });

  it("a stream and a rule from maps, the mapping naming the alias through try", () => {
    const ingest = document.functions.find((f) => f.name === "ingest");
    expect(ingest?.triggers.map((t) => [t.kind, t.eventSourceArn])).toEqual([["dynamodb", "arn:aws:dynamodb:eu-central-1:unknown:table/orders/stream/${aws_dynamodb_table.orders.stream_label}"]]);
    expect(ingest?.resourcePolicy?.Statement.map((s) => s.Condition)).toEqual([{ ArnLike: { "AWS:SourceArn": ["arn:aws:events:eu-central-1:unknown:rule/nightly"] } }]);
    expect(withConfig.warnings.filter((w) => w.code === "function-not-in-inputs" || w.message.includes("local.alias_arn"))).toEqual([]);
  });
});
