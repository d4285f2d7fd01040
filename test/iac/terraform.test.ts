import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError, LeastroleError } from "../../src/errors.js";
import { detectIac, readTerraformPlan } from "../../src/sources/terraform/index.js";
import { normalizeFragments } from "../../src/normalize/index.js";
import { requiredPermissions } from "../../src/analysis/index.js";
import { jsonPaths, withValueAt, type JsonPath } from "../support/json-paths.js";
import { statementLinesFrom, statementOffsets } from "../../src/sources/terraform/config-locations.js";

const corpus = "/work/shared/corpus";
const CORPUS_PLANS = [
  `${corpus}/checkov-tfplan-fixtures/plan_with_deleted_resources.tfplan.json`,
  `${corpus}/checkov-tfplan-fixtures/plan_with_iam_data_block.tfplan.json`,
  `${corpus}/checkov-tfplan-fixtures/plan_nested_child_modules.tfplan.json`,
  `${corpus}/checkov-tfplan-fixtures/plan_with_iam_policies.tfplan.json`,
  `${corpus}/terraform-plans/cloudgoat-lambda_privesc.plan.json`,
];
const APP = "test/iac/fixtures/terraform/lambda-app.plan.json";
const ERRORED = "test/iac/fixtures/terraform/errored.plan.json";

function utf16leWithBom(text: string): Uint8Array {
  const body = Buffer.from(text, "utf16le");
  return new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), body]));
}

describe("Terraform plans in the corpus", () => {
  it.each(CORPUS_PLANS)("%s reads without error and is detected as a plan", (file) => {
    const bytes = readFileSync(file);
    expect(detectIac(JSON.parse(bytes.toString("utf8")), file)).toBe("terraform-plan");
    const f = readTerraformPlan(bytes, file);
    expect(f.source.kind).toBe("terraform-plan");
    expect(f.source.path).toBe(file);
    expect(f.source.sha256).toMatch(/^[0-9a-f]{64}$/);
    for (const r of f.roles) {
      expect(r.source?.file).toBe(file);
      expect(r.source?.line).toBeGreaterThan(0);
      expect(r.source?.address).toMatch(/aws_iam_role\./);
    }
  });

  it("cloudgoat lambda_privesc: the lambda-trusted debug role gets AdministratorAccess through a reference-only attachment", () => {
    const f = readTerraformPlan(readFileSync(CORPUS_PLANS[4] as string), "cloudgoat.plan.json");
    expect(f.roles.map((r) => r.name)).toEqual(["cg-debug-role-cgidexample01", "cg-lambdaManager-role-cgidexample01"]);
    const debug = f.roles.find((r) => r.name === "cg-debug-role-cgidexample01");
    expect(debug?.arn).toBe("arn:aws:iam::unknown:role/cg-debug-role-cgidexample01");
    expect(debug?.trustPolicy?.Statement[0]?.Principal).toEqual({ Service: ["lambda.amazonaws.com"] });
    expect(debug?.attachedPolicies).toEqual([{ arn: "arn:aws:iam::aws:policy/AdministratorAccess", name: "AdministratorAccess" }]);
    const manager = f.roles.find((r) => r.name === "cg-lambdaManager-role-cgidexample01");
    // The customer policy's ARN is unknown at plan time: the attachment is linked by reference.
    expect(manager?.attachedPolicies.map((p) => p.arn)).toEqual(["arn:aws:iam::unknown:policy/cg-lambdaManager-policy-cgidexample01"]);
    const policy = f.policies.find((p) => p.name === "cg-lambdaManager-policy-cgidexample01");
    expect(policy?.document?.Statement.flatMap((s) => s.Action ?? [])).toEqual(expect.arrayContaining(["iam:PassRole", "lambda:*"]));
    expect(policy?.resolution).toBe("input");
    expect(f.functions).toEqual([]);
    // The manager role's trust policy is jsonencode() of the user's ARN, unknown at plan time:
    // reported, and the role marked incomplete rather than "trusts nobody".
    expect(manager?.trustPolicy).toBeNull();
    expect(f.warnings.map((w) => [w.code, w.message])).toEqual([
      ["terraform-unknown-policy", expect.stringContaining("aws_iam_role.lambdaManager_role.assume_role_policy is known only after apply")],
    ]);
    expect(f.incompletePrincipals).toEqual([manager?.arn]);
    expect(f.partial).toBe(true);
  });

  it("plan_with_iam_policies: the inline policy joins its role by configuration reference (role unknown at plan time); CRLF JSON parses", () => {
    const f = readTerraformPlan(readFileSync(CORPUS_PLANS[3] as string), "p.json");
    expect(f.roles).toHaveLength(1);
    const role = f.roles[0];
    // The role's name is not set in configuration (generated): the address stands in for it.
    expect(role?.name).toBe("aws_iam_role.example");
    expect(role?.inlinePolicies.map((p) => [p.name, p.document.Statement[0]?.Action])).toEqual([["example", ["iam:*"]]]);
    expect(role?.inlinePolicies[0]?.source).toEqual({ file: "p.json", line: 245, address: "aws_iam_role_policy.fail_1" });
    expect(f.policies.map((p) => p.arn)).toEqual(["arn:aws:iam::unknown:policy/policy_pass"]);
  });

  it("users and groups become principals with their inline and attached policies", () => {
    const iam = readTerraformPlan(readFileSync(CORPUS_PLANS[3] as string), "p.json");
    expect(iam.principals.map((p) => [p.type, p.arn, p.inlinePolicies.map((i) => [i.name, i.document.Statement[0]?.Action])])).toEqual([
      ["group", "arn:aws:iam::unknown:group/example", [["example", ["s3:Get*", "iam:*"]]]],
      ["user", "arn:aws:iam::unknown:user/example", [["example", ["iam:*"]]]],
    ]);
    const goat = readTerraformPlan(readFileSync(CORPUS_PLANS[4] as string), "g.json");
    // chris's policy (sts:AssumeRole on the manager role) is attached by reference: its ARN is unknown at plan time.
    expect(goat.principals.map((p) => [p.name, p.attachedPolicies.map((a) => a.arn), p.tags])).toEqual([
      ["chris-cgidexample01", ["arn:aws:iam::unknown:policy/cg-chris-policy-cgidexample01"], { Name: "cg-chris-cgidexample01", Scenario: "lambda-privesc", Stack: "CloudGoat" }],
    ]);
    expect(goat.policies.find((p) => p.name === "cg-chris-policy-cgidexample01")?.document?.Statement.flatMap((s) => s.Action ?? [])).toContain("sts:AssumeRole");
  });

  it("plan_with_deleted_resources: the deleted half of a replacement is ignored; format 0.1 nested modules read", () => {
    const deleted = readTerraformPlan(readFileSync(CORPUS_PLANS[0] as string), "d.json");
    expect(deleted.roles).toEqual([]);
    const nested = readTerraformPlan(readFileSync(CORPUS_PLANS[2] as string), "n.json");
    expect(nested.functions).toEqual([]);
    expect(nested.warnings).toEqual([]);
  });

  it("UTF-16 LE with BOM and UTF-8 with BOM give the same fragment as plain UTF-8", () => {
    const text = readFileSync(CORPUS_PLANS[4] as string, "utf8");
    const plain = readTerraformPlan(text, "x");
    const u16 = readTerraformPlan(utf16leWithBom(text), "x");
    const u8bom = readTerraformPlan(new Uint8Array(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])), "x");
    const strip = (f: typeof plain) => ({ ...f, source: { ...f.source, sha256: "" } });
    expect(strip(u16)).toEqual(strip(plain));
    expect(strip(u8bom)).toEqual(strip(plain));
  });

  it("UTF-16 text mistakenly decoded as UTF-8 is an InputError naming the file", () => {
    const bytes = utf16leWithBom(readFileSync(CORPUS_PLANS[4] as string, "utf8"));
    expect(() => readTerraformPlan(Buffer.from(bytes).toString("utf8"), "ps.json")).toThrow(expect.objectContaining({ file: "ps.json", code: "input" }));
  });

  it("an already-parsed plan object reads the same, without line numbers", () => {
    const text = readFileSync(CORPUS_PLANS[4] as string, "utf8");
    const fromObject = readTerraformPlan(JSON.parse(text) as object, "x");
    expect(fromObject.roles.map((r) => r.arn)).toEqual(readTerraformPlan(text, "x").roles.map((r) => r.arn));
    expect(fromObject.roles[0]?.source?.line).toBeNull();
  });
});

describe("generated plan with Lambda functions (lambda-app)", () => {
  const f = readTerraformPlan(readFileSync(APP), APP);
  const fn = (name: string) => f.functions.find((x) => x.name === name);

  it("reads all three functions with their execution roles joined by ARN", () => {
    expect(f.functions.map((x) => x.name)).toEqual(["api-handler", "jobs-worker", "legacy-report"]);
    const roleArns = new Set(f.roles.map((r) => r.arn));
    expect(fn("api-handler")?.roleArn).toBe("arn:aws:iam::unknown:role/service/api-handler-role");
    expect(roleArns.has(fn("api-handler")?.roleArn as string)).toBe(true);
    // Inside a child module, `role = aws_iam_role.this.arn` is module-relative.
    expect(fn("jobs-worker")?.roleArn).toBe("arn:aws:iam::unknown:role/jobs-worker-role");
    expect(roleArns.has(fn("jobs-worker")?.roleArn as string)).toBe(true);
    // A literal role ARN stays as written (the role is outside the plan).
    expect(fn("legacy-report")?.roleArn).toBe("arn:aws:iam::123456789012:role/legacy-report-role");
    expect(fn("api-handler")?.arn).toBe("arn:aws:lambda:eu-west-1:unknown:function:api-handler");
    expect(fn("jobs-worker")?.source?.address).toBe("module.worker.aws_lambda_function.this");
  });

  it("keeps environment variable names and never the values", () => {
    expect(fn("api-handler")?.environmentVariableNames).toEqual(["API_TOKEN", "TABLE_NAME"]);
    expect(JSON.stringify(f)).not.toContain("not-a-real-secret-value");
  });

  it("data.aws_iam_policy_document: rendered JSON used for the trust policy; a deferred one is rebuilt with placeholders", () => {
    const api = f.roles.find((r) => r.name === "api-handler-role");
    expect(api?.trustPolicy?.Statement[0]?.Principal).toEqual({ Service: ["lambda.amazonaws.com"] });
    const orders = api?.inlinePolicies.find((p) => p.name === "orders-rw");
    expect(orders?.document.Statement.map((s) => [s.Sid, s.Action, s.Resource])).toEqual([
      ["OrdersReadWrite", ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], ["${aws_dynamodb_table.orders.arn}", "${aws_dynamodb_table.orders.arn}"]],
      ["Everything", ["s3:*"], ["*"]],
    ]);
    // `${aws_dynamodb_table.orders.arn}` read as its reference alone (the text around it is not in the plan): said as a warning.
    expect(f.warnings.find((w) => w.code === "terraform-reference-alone")?.message).toContain("data.aws_iam_policy_document.orders_rw");
    expect(api?.inlinePolicies.find((p) => p.name === "logs")?.document.Statement[0]?.Action).toEqual(["logs:CreateLogStream", "logs:PutLogEvents"]);
  });

  it("a deferred data.aws_iam_policy_document: from planned_values without a change entry, and from configuration alone", () => {
    const plan = JSON.parse(readFileSync(APP, "utf8")) as { resource_changes: { address: string }[]; planned_values: { root_module: { resources: { address: string }[] } } };
    plan.resource_changes = plan.resource_changes.filter((r) => r.address !== "data.aws_iam_policy_document.orders_rw");
    // planned_values marks the unknown elements as null: one placeholder each.
    const fromPlanned = readTerraformPlan(JSON.stringify(plan), "no-change-entry.json");
    expect(fromPlanned.roles.find((r) => r.name === "api-handler-role")?.inlinePolicies.find((p) => p.name === "orders-rw")?.document.Statement[0]?.Resource).toEqual([
      "${aws_dynamodb_table.orders.arn}",
      "${aws_dynamodb_table.orders.arn}",
    ]);
    plan.planned_values.root_module.resources = plan.planned_values.root_module.resources.filter((r) => r.address !== "data.aws_iam_policy_document.orders_rw");
    const g = readTerraformPlan(JSON.stringify(plan), "older.json");
    const orders = g.roles.find((r) => r.name === "api-handler-role")?.inlinePolicies.find((p) => p.name === "orders-rw");
    expect(orders?.document.Statement.map((s) => [s.Sid, s.Effect, s.Action, s.Resource])).toEqual([
      ["OrdersReadWrite", "Allow", ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], ["${aws_dynamodb_table.orders.arn}"]],
      ["Everything", "Allow", ["s3:*"], ["*"]],
    ]);
  });

  it("a role looked up with data.aws_iam_role gives the function its ARN read at plan time", () => {
    const plan = JSON.parse(readFileSync(APP, "utf8"));
    const fn = plan.resource_changes.find((r: { address: string }) => r.address === "aws_lambda_function.legacy");
    fn.change.after.role = null;
    fn.change.after_unknown.role = true;
    plan.prior_state.values.root_module.resources.push({
      address: "data.aws_iam_role.existing", mode: "data", type: "aws_iam_role", name: "existing",
      values: { arn: "arn:aws:iam::123456789012:role/ops/existing-role", name: "existing-role" },
    });
    plan.configuration.root_module.resources.push({ address: "data.aws_iam_role.existing", mode: "data", type: "aws_iam_role", name: "existing", expressions: {} });
    const cfg = plan.configuration.root_module.resources.find((r: { address: string }) => r.address === "aws_lambda_function.legacy");
    cfg.expressions.role = { references: ["data.aws_iam_role.existing.arn", "data.aws_iam_role.existing"] };
    const g = readTerraformPlan(JSON.stringify(plan), "data-role.json");
    expect(g.functions.find((x) => x.name === "legacy-report")?.roleArn).toBe("arn:aws:iam::123456789012:role/ops/existing-role");
    expect(g.warnings.map((w) => w.code)).not.toContain("terraform-unknown-role");
  });

  it("attachments: by reference to a customer policy, a literal AWS policy, managed_policy_arns, and aws_iam_policy_attachment through a module output", () => {
    const api = f.roles.find((r) => r.name === "api-handler-role");
    expect(api?.attachedPolicies.map((p) => p.arn)).toEqual([
      "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
      "arn:aws:iam::unknown:policy/app/shared-read",
    ]);
    const worker = f.roles.find((r) => r.name === "jobs-worker-role");
    expect(worker?.attachedPolicies.map((p) => p.arn)).toEqual([
      "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
      "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole",
      "arn:aws:iam::unknown:policy/app/shared-read",
    ]);
    expect(worker?.permissionsBoundaryArn).toBe("arn:aws:iam::123456789012:policy/boundary");
    // legacy-report-role is not in the plan: the attachment is reported, not dropped silently.
    expect(f.warnings.filter((w) => w.code === "terraform-external-role").map((w) => w.message)).toEqual([
      expect.stringContaining("legacy-report-role"),
    ]);
  });

  it("a policy built with jsonencode of unknown values is reported and the role marked incomplete", () => {
    const w = f.warnings.find((x) => x.code === "terraform-unknown-policy");
    expect(w?.message).toContain("module.worker.aws_iam_role_policy.queue");
    expect(w?.path).toMatch(/^resource_changes\[\d+\]\.change\.after\.policy$/);
    expect(f.incompletePrincipals).toEqual(["arn:aws:iam::unknown:role/jobs-worker-role"]);
    expect(f.partial).toBe(true);
  });

  it("permission, function URL, ESM, VPC, DLQ and tracing land on the functions", () => {
    const api = fn("api-handler");
    expect(api?.functionUrls).toEqual([{ authType: "NONE", url: null, qualifier: null }]);
    expect(api?.resourcePolicy?.Statement).toEqual([
      {
        Sid: "AllowAPIGatewayInvoke",
        Effect: "Allow",
        Action: ["lambda:InvokeFunction"],
        Resource: ["arn:aws:lambda:eu-west-1:unknown:function:api-handler"],
        Principal: { Service: ["apigateway.amazonaws.com"] },
        Condition: { ArnLike: { "AWS:SourceArn": ["arn:aws:execute-api:eu-west-1:123456789012:abcdef123/*/*"] } },
      },
    ]);
    expect(api?.tracingMode).toBe("Active");
    const worker = fn("jobs-worker");
    expect(worker?.triggers).toEqual([
      { uuid: null, kind: "sqs", eventSourceArn: "${aws_sqs_queue.jobs.arn}", state: "Enabled", onFailureDestination: null, secretArns: [], kmsKeyArn: null },
    ]);
    expect(worker?.vpc).toEqual({ vpcId: null, subnetIds: ["subnet-0123456789abcdef0"], securityGroupIds: ["sg-0123456789abcdef0"] });
    expect(worker?.deadLetterTargetArn).toBe("arn:aws:sqs:eu-west-1:123456789012:jobs-dlq");
  });

  it("is deterministic and sorted", () => {
    const again = readTerraformPlan(readFileSync(APP), APP);
    expect(JSON.stringify(again)).toBe(JSON.stringify(f));
    expect(f.roles.map((r) => r.arn)).toEqual([...f.roles.map((r) => r.arn)].sort());
    expect(f.functions.map((r) => r.arn)).toEqual([...f.functions.map((r) => r.arn)].sort());
  });

  it("an account and region given by the caller go into the synthetic ARNs", () => {
    const g = readTerraformPlan(readFileSync(APP), APP, { accountId: "111122223333" });
    expect(g.functions.find((x) => x.name === "api-handler")?.roleArn).toBe("arn:aws:iam::111122223333:role/service/api-handler-role");
    expect(g.roles.map((r) => r.accountId)).toEqual(["111122223333", "111122223333"]);
  });
});

describe("a function's URLs in a plan", () => {
  it("a URL on the function and one on its alias: both kept (one URL per function was kept before)", () => {
    const fnValues = { function_name: "api", role: "arn:aws:iam::123456789012:role/r", runtime: "python3.12" };
    const resource = (address: string, type: string, values: object) => ({ address, mode: "managed", type, name: address.split(".")[1], values });
    const urls = [
      resource("aws_lambda_function_url.live", "aws_lambda_function_url", { function_name: "api", qualifier: "live", authorization_type: "NONE" }),
      resource("aws_lambda_function_url.own", "aws_lambda_function_url", { function_name: "api", authorization_type: "AWS_IAM" }),
    ];
    const resources = [resource("aws_lambda_function.api", "aws_lambda_function", fnValues), ...urls];
    const plan = {
      format_version: "1.2",
      terraform_version: "1.9.0",
      planned_values: { root_module: { resources } },
      resource_changes: resources.map((r) => ({ address: r.address, mode: "managed", type: r.type, name: r.name, change: { actions: ["create"], before: null, after: r.values, after_unknown: {} } })),
      configuration: { provider_config: { aws: { name: "aws", expressions: { region: { constant_value: "us-east-1" } } } }, root_module: {} },
    };
    const f = readTerraformPlan(Buffer.from(JSON.stringify(plan)), "plan.json");
    const { document } = normalizeFragments([f]);
    expect(document.functions[0]!.functionUrls).toEqual([
      { authType: "AWS_IAM", url: null, qualifier: null },
      { authType: "NONE", url: null, qualifier: "live" },
    ]);
  });
});

describe("a plan's mappings, permissions and URLs on an alias it creates (function_name = aws_lambda_alias.live.arn)", () => {
  // The alias's ARN is unknown until applied: these were dropped as "data about function
  // ${aws_lambda_alias.live.arn}, which is not in the function inputs", the queue's trigger with them.
  const resource = (address: string, type: string, values: object) => ({ address, mode: "managed", type, name: address.split(".")[1]!, values });
  const resources = [
    resource("aws_lambda_function.api", "aws_lambda_function", { function_name: "api", role: "arn:aws:iam::123456789012:role/r", runtime: "python3.12" }),
    resource("aws_lambda_alias.live", "aws_lambda_alias", { function_name: "api", function_version: "1", name: "live" }),
    resource("aws_lambda_function_url.live", "aws_lambda_function_url", { authorization_type: "NONE" }),
    resource("aws_lambda_event_source_mapping.jobs", "aws_lambda_event_source_mapping", { event_source_arn: "arn:aws:sqs:us-east-1:123456789012:jobs", enabled: true }),
    resource("aws_lambda_permission.url", "aws_lambda_permission", { action: "lambda:InvokeFunctionUrl", principal: "*", function_url_auth_type: "NONE", statement_id: "FunctionURLAllowPublicAccess" }),
  ];
  const toAlias = { function_name: { references: ["aws_lambda_alias.live.arn", "aws_lambda_alias.live"] } };
  const plan = {
    format_version: "1.2",
    terraform_version: "1.9.0",
    planned_values: { root_module: { resources } },
    resource_changes: resources.map((r) => ({ address: r.address, mode: "managed", type: r.type, name: r.name, change: { actions: ["create"], before: null, after: r.values, after_unknown: r.address.startsWith("aws_lambda_alias") || r.address.startsWith("aws_lambda_function.") ? {} : { function_name: true } } })),
    configuration: {
      provider_config: { aws: { name: "aws", expressions: { region: { constant_value: "us-east-1" } } } },
      root_module: {
        resources: [
          { address: "aws_lambda_function.api", mode: "managed", type: "aws_lambda_function", name: "api", expressions: { function_name: { constant_value: "api" } } },
          { address: "aws_lambda_alias.live", mode: "managed", type: "aws_lambda_alias", name: "live", expressions: { function_name: { references: ["aws_lambda_function.api.function_name", "aws_lambda_function.api"] }, name: { constant_value: "live" } } },
          { address: "aws_lambda_function_url.live", mode: "managed", type: "aws_lambda_function_url", name: "live", expressions: toAlias },
          { address: "aws_lambda_event_source_mapping.jobs", mode: "managed", type: "aws_lambda_event_source_mapping", name: "jobs", expressions: toAlias },
          { address: "aws_lambda_permission.url", mode: "managed", type: "aws_lambda_permission", name: "url", expressions: toAlias },
        ],
      },
    },
  };

  it("are the alias's function's, qualified by the alias", () => {
    const { document } = normalizeFragments([readTerraformPlan(Buffer.from(JSON.stringify(plan)), "plan.json")]);
    const fn = document.functions[0]!;
    expect(fn.functionUrls).toEqual([{ authType: "NONE", url: null, qualifier: "live" }]);
    expect(fn.triggers.map((t) => t.eventSourceArn)).toEqual(["arn:aws:sqs:us-east-1:123456789012:jobs"]);
    expect(fn.resourcePolicy?.Statement.map((st) => [st.Sid, st.Resource])).toEqual([["FunctionURLAllowPublicAccess", [`${fn.arn}:live`]]]);
    expect(document.meta.warnings.filter((w) => w.code === "unknown-function")).toEqual([]);
  });
});

describe("a Lambda Managed Instances capacity provider (aws_lambda_capacity_provider)", () => {
  // Its operator role trusts Lambda and no function names it: without the provider it read as a leftover role (LR016).
  const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
  const resource = (address: string, type: string, values: object) => ({ address, mode: "managed", type, name: address.split(".")[1]!, values });
  const resources = [
    resource("aws_iam_role.operator", "aws_iam_role", { name: "lmi-operator", path: "/", assume_role_policy: trust }),
    resource("aws_lambda_capacity_provider.fleet", "aws_lambda_capacity_provider", { name: "fleet", permissions_config: [{}], vpc_config: [{ subnet_ids: ["subnet-1"] }] }),
    resource("aws_lambda_capacity_provider.shared", "aws_lambda_capacity_provider", { name: "shared", permissions_config: [{ capacity_provider_operator_role_arn: "arn:aws:iam::123456789012:role/platform/shared-operator" }] }),
    // A web function revision's execution role, the same way (aws_lambdaweb_function_revision service_config).
    resource("aws_lambdaweb_function_revision.shop", "aws_lambdaweb_function_revision", { function_name: "shop", service_config: [{}] }),
  ];
  const plan = {
    format_version: "1.2",
    terraform_version: "1.13.0",
    planned_values: { root_module: { resources } },
    resource_changes: resources.map((r) => ({
      address: r.address, mode: "managed", type: r.type, name: r.name,
      change: { actions: ["create"], before: null, after: r.values, after_unknown: r.name === "fleet" ? { arn: true, permissions_config: [{ capacity_provider_operator_role_arn: true }] } : r.name === "shop" ? { arn: true, service_config: [{ execution_role_arn: true }] } : { arn: true } },
    })),
    configuration: {
      provider_config: { aws: { name: "aws", expressions: { region: { constant_value: "us-east-1" } } } },
      root_module: {
        resources: [
          { address: "aws_iam_role.operator", mode: "managed", type: "aws_iam_role", name: "operator", expressions: { name: { constant_value: "lmi-operator" } } },
          { address: "aws_lambda_capacity_provider.fleet", mode: "managed", type: "aws_lambda_capacity_provider", name: "fleet", expressions: { name: { constant_value: "fleet" }, permissions_config: [{ capacity_provider_operator_role_arn: { references: ["aws_iam_role.operator.arn", "aws_iam_role.operator"] } }] } },
          { address: "aws_lambda_capacity_provider.shared", mode: "managed", type: "aws_lambda_capacity_provider", name: "shared", expressions: { name: { constant_value: "shared" } } },
          { address: "aws_lambdaweb_function_revision.shop", mode: "managed", type: "aws_lambdaweb_function_revision", name: "shop", expressions: { function_name: { constant_value: "shop" }, service_config: [{ execution_role_arn: { references: ["aws_iam_role.operator.arn", "aws_iam_role.operator"] } }] } },
        ],
      },
    },
  };

  it("its operator role, followed to the plan's role or given as an ARN, is Lambda's", () => {
    const fragment = readTerraformPlan(Buffer.from(JSON.stringify(plan)), "plan.json");
    const operator = fragment.roles[0]!.arn;
    expect(fragment.roleUses).toEqual([
      { roleArn: operator, kind: "capacity-provider-operator", resource: "fleet" },
      { roleArn: "arn:aws:iam::123456789012:role/platform/shared-operator", kind: "capacity-provider-operator", resource: "shared" },
      { roleArn: operator, kind: "web-function-execution", resource: "shop" },
    ]);
    const { document } = normalizeFragments([fragment]);
    expect(document.roles[0]!.lambdaServiceUses).toEqual([
      { kind: "capacity-provider-operator", resource: "fleet" },
      { kind: "web-function-execution", resource: "shop" },
    ]);
  });
});

describe("a durable function (aws_lambda_function durable_config)", () => {
  it("is durable; a function without the block is not", () => {
    const resource = (address: string, values: object) => ({ address, mode: "managed", type: "aws_lambda_function", name: address.split(".")[1]!, values });
    const resources = [
      resource("aws_lambda_function.saga", { function_name: "saga", role: "arn:aws:iam::123456789012:role/r", runtime: "nodejs24.x", durable_config: [{ execution_timeout: 3600, retention_period: 14 }] }),
      resource("aws_lambda_function.plain", { function_name: "plain", role: "arn:aws:iam::123456789012:role/r", runtime: "nodejs24.x", durable_config: [] }),
    ];
    const plan = {
      format_version: "1.2",
      terraform_version: "1.13.0",
      planned_values: { root_module: { resources } },
      resource_changes: resources.map((r) => ({ address: r.address, mode: "managed", type: r.type, name: r.name, change: { actions: ["create"], before: null, after: r.values, after_unknown: { arn: true } } })),
      configuration: { provider_config: { aws: { name: "aws", expressions: { region: { constant_value: "us-east-1" } } } }, root_module: { resources: [] } },
    };
    const fragment = readTerraformPlan(Buffer.from(JSON.stringify(plan)), "plan.json");
    expect(fragment.functions.map((f) => [f.name, f.durable ?? false])).toEqual([["plain", false], ["saga", true]]);
  });
});

describe("the region of a plan whose provider takes it from a variable", () => {
  // The smallest plan with one function, and the provider configuration under test.
  const plan = (providerConfig: object, rootModule: object = {}, variables?: object) => ({
    format_version: "1.2",
    terraform_version: "1.9.0",
    ...(variables ? { variables } : {}),
    planned_values: { root_module: { resources: [{ address: "aws_lambda_function.fn", mode: "managed", type: "aws_lambda_function", name: "fn", values: { function_name: "fn", role: "arn:aws:iam::123456789012:role/fn-role", runtime: "python3.12" } }] } },
    resource_changes: [{ address: "aws_lambda_function.fn", mode: "managed", type: "aws_lambda_function", name: "fn", change: { actions: ["create"], before: null, after: { function_name: "fn", role: "arn:aws:iam::123456789012:role/fn-role", runtime: "python3.12" }, after_unknown: {} } }],
    configuration: { provider_config: providerConfig, root_module: rootModule },
  });
  const regionOf = (p: object) => readTerraformPlan(Buffer.from(JSON.stringify(p)), "plan.json").functions[0]?.arn.split(":")[3];
  const byVar = (name: string) => ({ region: { references: [`var.${name}`] } });

  it("the root provider's variable, of any name, from the plan's variable values, else its default", () => {
    expect(regionOf(plan({ aws: { name: "aws", expressions: byVar("deploy_region") } }, {}, { deploy_region: { value: "eu-central-1" } }))).toBe("eu-central-1");
    expect(regionOf(plan({ aws: { name: "aws", expressions: byVar("deploy_region") } }, { variables: { deploy_region: { default: "ap-south-1" } } }))).toBe("ap-south-1");
    expect(regionOf(plan({ aws: { name: "aws", expressions: { region: { constant_value: "us-east-2" } } } }))).toBe("us-east-2");
  });

  it("a module's own provider: what the call passes (a constant, or the root's variable), else the module variable's default", () => {
    const moduleProvider = { "module.app:aws": { name: "aws", module_address: "module.app", expressions: byVar("region") } };
    const call = (expressions: object) => ({ module_calls: { app: { source: "./app", expressions, module: { variables: { region: { default: "us-west-2" } } } } } });
    expect(regionOf(plan(moduleProvider, call({})))).toBe("us-west-2");
    expect(regionOf(plan(moduleProvider, call({ region: { constant_value: "eu-west-3" } })))).toBe("eu-west-3");
    expect(regionOf(plan(moduleProvider, call({ region: { references: ["var.where"] } }), { where: { value: "sa-east-1" } }))).toBe("sa-east-1");
    // Passed something leastrole cannot evaluate: unknown, not the default.
    expect(regionOf(plan(moduleProvider, call({ region: { references: ["data.aws_region.x.name"] } })))).toBe("unknown");
  });
});

describe("generated plan with count, for_each modules and exclusive attachments (fanout)", () => {
  const FANOUT = "test/iac/fixtures/terraform/fanout.plan.json";
  const f = readTerraformPlan(readFileSync(FANOUT), FANOUT);
  const fn = (name: string) => f.functions.find((x) => x.name === name);

  it("each instance joins its own role: count.index, literal indices and module instances", () => {
    expect(f.functions.map((x) => [x.name, x.roleArn, x.source?.address])).toEqual([
      ["batch-0", "arn:aws:iam::unknown:role/batch-0", "aws_lambda_function.batch[0]"],
      ["batch-1", "arn:aws:iam::unknown:role/batch-1", "aws_lambda_function.batch[1]"],
      ["svc-billing", "arn:aws:iam::unknown:role/svc-billing", 'module.svc["billing"].aws_lambda_function.fn'],
      ["svc-search", "arn:aws:iam::unknown:role/svc-search", 'module.svc["search"].aws_lambda_function.fn'],
    ]);
    expect(f.roles.map((r) => [r.name, r.inlinePolicies.map((p) => p.name)])).toEqual([
      ["batch-0", []],
      ["batch-1", []],
      ["svc-billing", ["svc-billing-data"]],
      ["svc-search", ["svc-search-data"]],
    ]);
    expect(fn("svc-search")?.logGroup).toBe("/custom/svc-search");
    expect(fn("svc-search")?.logFormat).toBe("JSON");
  });

  it("aws_iam_role_policy_attachments_exclusive sets the role's managed policies", () => {
    expect(f.roles.find((r) => r.name === "batch-0")?.attachedPolicies).toEqual([{ arn: "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess", name: "AmazonDynamoDBReadOnlyAccess" }]);
  });

  it("stream and self-managed Kafka mappings, destinations, and a permission on an alias", () => {
    expect(fn("batch-0")?.triggers.map((t) => [t.kind, t.eventSourceArn, t.onFailureDestination])).toEqual([
      ["dynamodb", "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2024-01-01T00:00:00.000", "arn:aws:sqs:eu-west-1:123456789012:stream-failures"],
    ]);
    expect(fn("batch-0")?.destinations).toEqual({ onSuccess: null, onFailure: "arn:aws:sns:eu-west-1:123456789012:batch-failures" });
    expect(fn("batch-1")?.triggers.map((t) => [t.kind, t.secretArns])).toEqual([["self-managed-kafka", ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:kafka-creds"]]]);
    expect(fn("batch-1")?.resourcePolicy?.Statement[0]?.Resource).toEqual(["arn:aws:lambda:eu-west-1:unknown:function:batch-1:live"]);
  });

  it("an event invoke config with a qualifier is the alias's, not $LATEST's", () => {
    // Found in review: aws_lambda_function_event_invoke_config's qualifier was ignored, so alias
    // live's destinations replaced $LATEST's. The plan is the generated fanout plan with a second
    // config on batch-1's alias, written as Terraform writes sns_live's (`qualifier =
    // aws_lambda_alias.live.name`, known at plan time: "live").
    const plan = JSON.parse(readFileSync(FANOUT, "utf8"));
    const address = "aws_lambda_function_event_invoke_config.batch1_live";
    const values = { destination_config: [{ on_failure: [{ destination: "arn:aws:sqs:eu-west-1:123456789012:live-failures" }], on_success: [] }], function_name: "batch-1", maximum_event_age_in_seconds: null, maximum_retry_attempts: 2, qualifier: "live" };
    const common = { address, mode: "managed", type: "aws_lambda_function_event_invoke_config", name: "batch1_live", provider_name: "registry.terraform.io/hashicorp/aws" };
    plan.planned_values.root_module.resources.push({ ...common, schema_version: 0, values, sensitive_values: { destination_config: [{ on_failure: [{}], on_success: [] }] } });
    plan.resource_changes.push({ ...common, change: { actions: ["create"], before: null, after: values, after_unknown: { destination_config: [{ on_failure: [{}], on_success: [] }], id: true }, before_sensitive: false, after_sensitive: { destination_config: [{ on_failure: [{}], on_success: [] }] } } });
    plan.configuration.root_module.resources.push({
      address, mode: "managed", type: "aws_lambda_function_event_invoke_config", name: "batch1_live", provider_config_key: "aws", schema_version: 0,
      expressions: {
        destination_config: [{ on_failure: [{ destination: { constant_value: "arn:aws:sqs:eu-west-1:123456789012:live-failures" } }] }],
        function_name: { references: ["aws_lambda_function.batch[1].function_name", "aws_lambda_function.batch[1]", "aws_lambda_function.batch"] },
        qualifier: { references: ["aws_lambda_alias.live.name", "aws_lambda_alias.live"] },
      },
    });
    const batch1 = readTerraformPlan(Buffer.from(JSON.stringify(plan)), FANOUT).functions.find((x) => x.name === "batch-1")!;
    expect(batch1.destinations).toEqual({ onSuccess: null, onFailure: null });
    expect(batch1.aliases).toEqual(["live"]);
    expect(batch1.qualifiedDeliveryTargets).toEqual([{ kind: "on-failure", arn: "arn:aws:sqs:eu-west-1:123456789012:live-failures", qualifiers: ["live"], roleArn: batch1.roleArn }]);
  });

  it("a permission on a function outside the plan becomes a patch keyed by its ARN", () => {
    expect(f.functionPatches).toEqual([
      {
        functionArn: "arn:aws:lambda:eu-west-1:123456789012:function:existing-fn",
        functionName: "existing-fn",
        region: "eu-west-1",
        qualifier: null,
        path: expect.stringMatching(/^resource_changes\[\d+\]$/),
        patch: {
          resourcePolicy: {
            Version: "2012-10-17",
            Id: "default",
            Statement: [
              {
                Effect: "Allow",
                Action: ["lambda:InvokeFunction"],
                Resource: ["arn:aws:lambda:eu-west-1:123456789012:function:existing-fn"],
                Principal: { AWS: ["arn:aws:iam::210987654321:root"] },
                Condition: { StringEquals: { "aws:PrincipalOrgID": ["o-abc123def4"] } },
              },
            ],
          },
        },
      },
    ]);
  });
});

describe("locations in the .tf configuration", () => {
  const dir = "test/iac/fixtures/terraform/lambda-app";
  const files = Object.fromEntries(["main.tf", "provider.tf", "modules/worker/main.tf"].map((p) => [p, readFileSync(`${dir}/${p}`, "utf8")]));
  const lineIn = (path: string, needle: RegExp, after = 0): number => {
    const lines = (files[path] as string).split("\n");
    const i = lines.findIndex((l, n) => n >= after && needle.test(l));
    if (i < 0) throw new Error(`${needle} not in ${path}`);
    return i + 1;
  };
  const f = readTerraformPlan(readFileSync(APP), APP, { configFiles: files, configRoot: dir });

  it("functions and roles point at their resource blocks, in child modules too", () => {
    const api = f.functions.find((x) => x.name === "api-handler");
    expect(api?.source).toEqual({ file: `${dir}/main.tf`, line: lineIn("main.tf", /^resource "aws_lambda_function" "api"/), address: "aws_lambda_function.api" });
    const worker = f.functions.find((x) => x.name === "jobs-worker");
    expect(worker?.source).toEqual({ file: `${dir}/modules/worker/main.tf`, line: lineIn("modules/worker/main.tf", /^resource "aws_lambda_function" "this"/), address: "module.worker.aws_lambda_function.this" });
    const role = f.roles.find((r) => r.name === "jobs-worker-role");
    expect(role?.source?.line).toBe(lineIn("modules/worker/main.tf", /^resource "aws_iam_role" "this"/));
  });

  it("policies point at the policy attribute, statements at their own lines", () => {
    const role = f.roles.find((r) => r.name === "api-handler-role");
    const orders = role?.inlinePolicies.find((p) => p.name === "orders-rw");
    const block = lineIn("main.tf", /^resource "aws_iam_role_policy" "orders"/);
    expect(orders?.source?.line).toBe(lineIn("main.tf", /^\s*policy\s*=/, block));
    const logs = role?.inlinePolicies.find((p) => p.name === "logs");
    expect(logs?.source?.line).toBe(lineIn("main.tf", /^\s*inline_policy\s*\{/));
    // Trust: the `statement {}` block of the data.aws_iam_policy_document the attribute names.
    const trust = f.statementLocations.find((s) => s.ownerArn === role?.arn && s.policy === "trust");
    expect(trust?.source).toEqual({
      file: `${dir}/main.tf`,
      line: lineIn("main.tf", /^\s*statement\s*\{/, lineIn("main.tf", /^data "aws_iam_policy_document" "lambda_trust"/)),
      address: "aws_iam_role.api.assume_role_policy.Statement[0]",
    });
    // A data document's statements: each `statement {}` block, in order.
    const dataBlock = lineIn("main.tf", /^data "aws_iam_policy_document" "orders_rw"/);
    const first = lineIn("main.tf", /^\s*statement\s*\{/, dataBlock);
    expect(f.statementLocations.filter((s) => s.policyName === "orders-rw").map((s) => [s.source.address, s.source.line])).toEqual([
      ["aws_iam_role_policy.orders.policy.Statement[0]", first],
      ["aws_iam_role_policy.orders.policy.Statement[1]", lineIn("main.tf", /^\s*statement\s*\{/, first)],
    ]);
    // jsonencode({ Statement = [{ … }] }): the line where the element opens.
    expect(f.statementLocations.find((s) => s.policyName === "logs")?.source.line).toBe(lineIn("main.tf", /Statement = \[\{/, lineIn("main.tf", /^\s*inline_policy\s*\{/)));
    const worker = f.statementLocations.find((s) => s.policy === "trust" && s.source.file.endsWith("modules/worker/main.tf"));
    expect(worker?.source.line).toBe(lineIn("modules/worker/main.tf", /Statement = \[\{/));
    // …and they are carried into the records, so they survive normalisation.
    expect(orders?.statementSources?.map((s) => s?.line)).toEqual([first, lineIn("main.tf", /^\s*statement\s*\{/, first)]);
  });

  it("statement lines: HCL lists, JSON heredocs, single objects, references", () => {
    const hcl = ["  policy = jsonencode({", "    Statement = [", "      {", '        Effect = "Allow"', "      },", "      { Effect = \"Deny\" }", "    ]", "  })", "}"];
    expect(statementLinesFrom(hcl, 0)).toEqual([3, 6]);
    const heredoc = ["  policy = <<EOF", "{", '  "Statement": [', '    {"Effect": "Allow", "Resource": "${aws_s3_bucket.b.arn}/*"},', '    {"Effect": "Deny"}', "  ]", "}", "EOF", "  other = 1"];
    expect(statementLinesFrom(heredoc, 0)).toEqual([4, 5]);
    expect(statementLinesFrom(["  policy = jsonencode({ Statement = { Effect = \"Allow\" } })"], 0)).toEqual([1]);
    expect(statementLinesFrom(["  policy = data.aws_iam_policy_document.x.json", "  role = aws_iam_role.r.id"], 0)).toBeNull();
    expect(statementLinesFrom(["  policy = jsonencode({ Statement = local.statements })"], 0)).toBeNull();
  });

  it("statement offsets in a policy's JSON text: each element of Statement, however the text is laid out (law)", () => {
    const statement = fc.record({ Sid: fc.string(), Effect: fc.constantFrom("Allow", "Deny"), Action: fc.array(fc.string()), Condition: fc.dictionary(fc.string(), fc.jsonValue()) });
    fc.assert(
      fc.property(fc.array(statement, { maxLength: 6 }), fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }), fc.constantFrom(0, 1, 2, "\t"), fc.boolean(), (statements, extra, indent, first) => {
        const doc = first ? { Statement: statements, ...extra, Version: "2012-10-17" } : { ...extra, Version: "2012-10-17", Statement: statements };
        const json = JSON.stringify(doc, null, indent);
        const offsets = statementOffsets(json);
        expect(offsets?.length).toBe(statements.length);
        // Each offset opens an object, and the first whole JSON value there is that statement.
        offsets?.forEach((o, i) => {
          let value: unknown;
          for (let k = json.indexOf("}", o); k >= 0 && value === undefined; k = json.indexOf("}", k + 1)) {
            try {
              value = JSON.parse(json.slice(o, k + 1));
            } catch {
              value = undefined;
            }
          }
          expect(value).toEqual(JSON.parse(JSON.stringify(statements[i])));
        });
      }),
      { numRuns: 300 },
    );
    expect(statementOffsets('{"Statement": {"Effect": "Allow"}}')).toEqual([14]);
    expect(statementOffsets('{"Version": "2012-10-17"}')).toBeNull();
    expect(statementOffsets("[]")).toBeNull();
  });

  it("without the configuration, locations point into the plan", () => {
    const plain = readTerraformPlan(readFileSync(APP), APP);
    expect(plain.functions.every((x) => x.source?.file === APP && x.source.line === 1)).toBe(true);
  });
});

describe("errored and bad plans", () => {
  it("an errored plan is read and reported as errored and partial", () => {
    const f = readTerraformPlan(readFileSync(ERRORED), ERRORED);
    expect(f.warnings.find((w) => w.code === "terraform-plan-errored")?.severity).toBe("error");
    expect(f.partial).toBe(true);
    expect(f.roles.map((r) => r.name)).toEqual(["errored-fn-role"]);
  });

  it("truncated JSON is an InputError naming the file and the line", () => {
    const text = readFileSync(APP, "utf8");
    let error: unknown;
    try {
      readTerraformPlan(text.slice(0, 5000), "cut.json");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).file).toBe("cut.json");
    expect((error as InputError).message).toMatch(/^truncated JSON at line 1/);
  });

  it("wrong kinds of JSON are InputErrors with a path", () => {
    expect(() => readTerraformPlan("[]", "a.json")).toThrow(InputError);
    const e = (() => {
      try {
        readTerraformPlan('{"Resources": {}}', "b.json");
      } catch (x) {
        return x as InputError;
      }
      return undefined;
    })();
    expect(e?.path).toBe("format_version");
    expect(e?.toString()).toBe("b.json: format_version: not a Terraform plan (`terraform show -json`): no format_version");
    // A state's values without a root module: neither a plan nor a state (test/iac/terraform-state.test.ts reads real ones).
    expect(() => readTerraformPlan('{"format_version": "1.0", "values": {}}', "state.json")).toThrow(/not a Terraform plan or state/);
    // A format_version that is not a version number; a later one is read and said (terraform-sweep.test.ts).
    expect(() => readTerraformPlan('{"format_version": "v9", "planned_values": {}}', "c.json")).toThrow(/unsupported Terraform JSON format_version v9/);
    expect(readTerraformPlan('{"format_version": "9.0", "planned_values": {}}', "c.json").warnings.map((w) => w.code)).toEqual(["terraform-plan-format-unknown"]);
    expect(() => readTerraformPlan('{"format_version": "1.0", "resource_changes": [{"address": 1}]}', "d.json")).toThrow(InputError);
  });

  it("fuzz: arbitrary JSON never throws anything but a LeastroleError", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        try {
          readTerraformPlan(JSON.stringify(value), "fuzz.json");
        } catch (e) {
          if (!(e instanceof LeastroleError)) throw e;
        }
      }),
      { numRuns: 300 },
    );
  });

  it("an object that cannot be made a string ({toString: \"\"}), at every place of a real plan, never crashes it", () => {
    const plan = JSON.parse(readFileSync(APP, "utf8")) as unknown;
    const odd = { toString: "", valueOf: "" };
    for (const path of jsonPaths(plan).slice(1)) {
      try {
        readTerraformPlan(JSON.stringify(withValueAt(plan, path, odd)), "m.json");
      } catch (e) {
        if (!(e instanceof LeastroleError)) throw new Error(`${path.join(".")}: ${(e as Error).message}`, { cause: e });
      }
    }
  });

  it("fuzz: mutated real plans (values replaced anywhere) never crash", () => {
    const plan = JSON.parse(readFileSync(APP, "utf8")) as unknown;
    const paths = jsonPaths(plan);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: paths.length - 1 }), fc.jsonValue({ maxDepth: 2 }), (i, replacement) => {
        try {
          const f = readTerraformPlan(JSON.stringify(withValueAt(plan, paths[i] as JsonPath, replacement)), "m.json");
          expect(JSON.stringify(f)).not.toContain("not-a-real-secret-value");
        } catch (e) {
          if (!(e instanceof LeastroleError)) throw e;
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe("a self-managed Kafka mapping reached through a VPC (source_access_configuration VPC_SUBNET)", () => {
  // Lambda developer guide, self-managed Kafka "Configuring Lambda execution role permissions":
  // a cluster reached in a VPC needs the ENI actions on the execution role. Before, nothing was
  // required of the role for it.
  const resource = (address: string, type: string, values: object) => ({ address, mode: "managed", type, name: address.split(".")[1]!, values });
  const plan = (access: object[]) => {
    const resources = [
      resource("aws_lambda_function.consumer", "aws_lambda_function", { function_name: "consumer", role: "arn:aws:iam::123456789012:role/r", runtime: "python3.12" }),
      resource("aws_lambda_event_source_mapping.kafka", "aws_lambda_event_source_mapping", {
        function_name: "consumer",
        topics: ["orders"],
        self_managed_event_source: [{ endpoints: { KAFKA_BOOTSTRAP_SERVERS: "kafka1.example.com:9092" } }],
        source_access_configuration: access,
      }),
    ];
    return {
      format_version: "1.2",
      terraform_version: "1.9.0",
      planned_values: { root_module: { resources } },
      resource_changes: resources.map((r) => ({ address: r.address, mode: "managed", type: r.type, name: r.name, change: { actions: ["create"], before: null, after: r.values, after_unknown: {} } })),
      configuration: { provider_config: { aws: { name: "aws", expressions: { region: { constant_value: "us-east-1" } } } }, root_module: {} },
    };
  };
  const eni = (p: object) => {
    const { document } = normalizeFragments([readTerraformPlan(Buffer.from(JSON.stringify(p)), "plan.json")]);
    return requiredPermissions(document.functions[0]!).filter((r) => r.action.startsWith("ec2:")).map((r) => `${r.action} ${r.resource}`);
  };
  it("requires the pollers' network interface actions only when the mapping names subnets or security groups", () => {
    expect(eni(plan([{ type: "VPC_SUBNET", uri: "subnet:subnet-0011001100" }, { type: "VPC_SECURITY_GROUP", uri: "security_group:sg-0123456789" }]))).toEqual(
      ["CreateNetworkInterface", "DeleteNetworkInterface", "DescribeNetworkInterfaces", "DescribeSecurityGroups", "DescribeSubnets", "DescribeVpcs"].map((a) => `ec2:${a} *`),
    );
    expect(eni(plan([{ type: "SASL_SCRAM_512_AUTH", uri: "arn:aws:secretsmanager:us-east-1:123456789012:secret:kafka" }]))).toEqual([]);
  });
});
