/**
 * Output formats. Terraform is checked with the real `terraform` binary when it is installed
 * (`terraform fmt` must leave our text unchanged, and `terraform console` must evaluate our
 * `jsonencode(...)` to the very policy we generated); CloudFormation/SAM with the yaml package.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { diffPolicies, generatePolicy, hclString, logicalId, policyExpression, renderCloudFormation, renderDiffMarkdown, renderPolicyMarkdown, renderSamPolicies, renderTerraform, sizePolicies, MANAGED_POLICY_LIMIT } from "../../src/generate/index.js";
import type { PolicyDocument } from "../../src/model/document.js";
import { githubAutolinks, outsideCode } from "../support/markdown.js";
import { ordersScenario } from "./fixtures.js";

const hasTerraform = spawnSync("terraform", ["version"], { encoding: "utf8" }).status === 0;

function scenario(target?: "inline" | "managed") {
  const { doc, fn } = ordersScenario();
  const g = generatePolicy(doc, fn.arn, {
    exceptions: [{ function: "orders-*", actions: ["dynamodb:RestoreTableFromBackup"], reason: 'disaster recovery "DR-7" ${not.a.var} %{nor.a.directive}' }],
    ...(target ? { target } : {}),
  });
  return { g, t: { ...g, subject: g.functionArn } };
}

function terraform(args: string[], input: string, cwd: string): string {
  return execFileSync("terraform", args, { input, cwd, encoding: "utf8", env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null", CHECKPOINT_DISABLE: "1" } });
}

describe("Terraform", () => {
  it("escapes HCL string specials so they stay literal", () => {
    expect(hclString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(hclString("arn:aws:s3:::b/${aws:username}/*")).toBe('"arn:aws:s3:::b/$${aws:username}/*"');
    expect(hclString("%{if x}")).toBe('"%%{if x}"');
  });

  it("writes aws_iam_role with the Lambda trust policy and aws_iam_role_policy with jsonencode", () => {
    const { t } = scenario();
    const tf = renderTerraform([t]);
    expect(tf).toMatch(/^resource "aws_iam_role" "orders-role" \{$/m);
    expect(tf).toContain('Principal = { Service = "lambda.amazonaws.com" }');
    expect(tf).toMatch(/^resource "aws_iam_role_policy" "orders-role" \{$/m);
    expect(tf).toContain("role = aws_iam_role.orders-role.id");
    expect(tf).toContain("policy = jsonencode({");
    // Provenance and reasons are comments above the statements.
    expect(tf).toContain('# kept exception (dynamodb:RestoreTableFromBackup): disaster recovery "DR-7" ${not.a.var} %{nor.a.directive}');
    expect(tf).toMatch(/# observed dynamodb:GetItem: 1,200 successful calls/);
    expect(tf).toMatch(/# \*: xray:PutTelemetryRecords has no resource-level permissions/);
  });

  it("splits into aws_iam_policy + attachments when the policy is managed", () => {
    const { t } = scenario("managed");
    const tf = renderTerraform([t]);
    expect(tf).toMatch(/^resource "aws_iam_policy" "orders-role" \{$/m);
    expect(tf).toMatch(/^resource "aws_iam_role_policy_attachment" "orders-role" \{$/m);
    expect(tf).toContain("policy_arn = aws_iam_policy.orders-role.arn");
    expect(tf).not.toContain("aws_iam_role_policy\" ");
  });

  it.skipIf(!hasTerraform)("is exactly what terraform fmt writes (so it parses), inline and managed", () => {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-tf-"));
    try {
      for (const target of ["inline", "managed"] as const) {
        const tf = renderTerraform([scenario(target).t]);
        expect(terraform(["fmt", "-no-color", "-"], tf, dir)).toBe(tf);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!hasTerraform)("jsonencode(...) evaluates in terraform console to the generated policy, variables and quotes included", () => {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-tf-"));
    try {
      const { g } = scenario();
      const tricky: PolicyDocument = {
        Version: "2012-10-17",
        Statement: [
          ...g.policy.Statement,
          { Sid: "Vars", Effect: "Allow", Action: ["s3:GetObject"], Resource: ['arn:aws:s3:::b/${aws:username}/"q"\\x'], Condition: { "ForAllValues:StringLike": { "aws:TagKeys": ["%{x}", "a*"] } } },
        ],
      };
      // Comments included: they must not break the expression.
      writeFileSync(join(dir, "main.tf"), `locals {\n  p = ${policyExpression(tricky, g, "  ")}\n}\n`);
      const out = terraform(["console"], "local.p\n", dir).trim();
      expect(JSON.parse(JSON.parse(out) as string)).toEqual(tricky);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("CloudFormation and SAM", () => {
  it("is a template with AWS::IAM::Role, the trust policy and the inline policy, Version quoted", () => {
    const { g, t } = scenario();
    const text = renderCloudFormation([t]);
    const tpl = YAML.parse(text) as { AWSTemplateFormatVersion: string; Resources: { [id: string]: { Type: string; Properties: Record<string, unknown> } } };
    expect(tpl.AWSTemplateFormatVersion).toBe("2010-09-09");
    const r = tpl.Resources.OrdersRoleRole;
    expect(r?.Type).toBe("AWS::IAM::Role");
    expect(r?.Properties.RoleName).toBe("orders-role");
    expect(r?.Properties.AssumeRolePolicyDocument).toEqual({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
    expect(r?.Properties.Policies).toEqual([{ PolicyName: "orders-api-least-privilege", PolicyDocument: g.policy }]);
    // YAML 1.1 readers would take an unquoted 2012-10-17 for a date.
    expect(text).toContain('Version: "2012-10-17"');
    expect(text).not.toMatch(/Version: 2012/);
    // Comments carry provenance and the exception's reason.
    expect(text).toMatch(/# kept exception \(dynamodb:RestoreTableFromBackup\): disaster recovery/);
    expect(text).toMatch(/# observed s3:GetObject: 300 successful calls/);
  });

  it("references split managed policies from ManagedPolicyArns", () => {
    const { g, t } = scenario("managed");
    const tpl = YAML.parse(renderCloudFormation([t])) as { Resources: { [id: string]: { Type: string; Properties: Record<string, unknown> } } };
    expect(tpl.Resources.OrdersRoleRole?.Properties.ManagedPolicyArns).toEqual(g.policies.map((_p, i) => ({ Ref: `OrdersRolePolicy${i + 1}` })));
    expect(tpl.Resources.OrdersRolePolicy1?.Type).toBe("AWS::IAM::ManagedPolicy");
    expect(tpl.Resources.OrdersRolePolicy1?.Properties.PolicyDocument).toEqual(g.policies[0]?.document);
  });

  it("writes no YAML anchors or aliases, which CloudFormation rejects, when roles share the trust policy", () => {
    const { t } = scenario();
    const text = renderCloudFormation([t, { ...t, roleName: "other" }, { ...t, roleName: "third" }]);
    const doc = YAML.parseDocument(text);
    let aliases = 0;
    let anchors = 0;
    YAML.visit(doc, {
      Alias() {
        aliases++;
      },
      Node(_k, n) {
        if ("anchor" in n && n.anchor !== undefined) anchors++;
      },
    });
    expect({ aliases, anchors }).toEqual({ aliases: 0, anchors: 0 });
    expect(text).not.toMatch(/[:-] [&*]a\d/);
    // A SAM Policies list whose documents are one object (two parts sharing a statement) too.
    const shared = t.policies[0]!;
    expect(renderSamPolicies({ ...t, policies: [shared, shared] })).not.toMatch(/[&*]a\d/);
  });

  it("writes a SAM function's Policies list", () => {
    const { g, t } = scenario();
    const sam = YAML.parse(renderSamPolicies(t)) as { Policies: PolicyDocument[] };
    expect(sam.Policies).toEqual([g.policy]);
  });

  // A policy over the role's 10,240-character inline budget, in managed parts as generate splits it
  // (the tester's repro: 26 DynamoDB tables with long names and a few more statements).
  function splitScenario() {
    const { g, t } = scenario();
    const tables = Array.from({ length: 60 }, (_, i) => `arn:aws:dynamodb:us-east-1:111122223333:table/${i}-${"q".repeat(150)}`);
    const policy: PolicyDocument = { Version: "2012-10-17", Statement: [...g.policy.Statement, { Sid: "DynamodbObserved", Effect: "Allow", Action: ["dynamodb:Query"], Resource: tables }] };
    const policies = sizePolicies(policy, "orders-role-least-privilege", "inline");
    return { policies, t: { ...t, policy, policies } };
  }

  it("declares a split policy's parts as AWS::IAM::ManagedPolicy resources and refers to them from Policies, none inline", () => {
    // Before, the parts went into Policies as documents: SAM made them inline policies of the role,
    // 16,404 characters together in the tester's repro, and IAM refused the role (10,240 at most).
    const { policies, t } = splitScenario();
    expect(policies.length).toBeGreaterThan(1);
    expect(policies.every((p) => p.kind === "managed" && p.size <= MANAGED_POLICY_LIMIT)).toBe(true);
    const text = renderSamPolicies(t);
    const sam = YAML.parse(text) as { Policies: unknown[]; Resources: { [id: string]: { Type: string; Properties: { ManagedPolicyName: string; PolicyDocument: PolicyDocument } } } };
    const ids = policies.map((_p, i) => `OrdersRolePolicy${i + 1}`);
    expect(sam.Policies).toEqual(ids.map((id) => ({ Ref: id })));
    expect(Object.keys(sam.Resources)).toEqual(ids);
    policies.forEach((p, i) => {
      const r = sam.Resources[ids[i]!]!;
      expect(r.Type).toBe("AWS::IAM::ManagedPolicy");
      expect(r.Properties.ManagedPolicyName).toBe(p.name);
      expect(r.Properties.PolicyDocument).toEqual(p.document);
    });
    // The same resources as the CloudFormation output declares for the same target.
    const cfn = YAML.parse(renderCloudFormation([t])) as { Resources: { [id: string]: unknown } };
    for (const id of ids) expect(sam.Resources[id]).toEqual(cfn.Resources[id]);
    // Provenance comments sit above the statements in the resources too; the header says where they go.
    expect(text).toMatch(/^ {10}# observed dynamodb:GetItem/m);
    expect(text).toContain(`# Resources: the AWS::IAM::ManagedPolicy resources Policies refers to, for the template's Resources (the policy is in ${policies.length} managed policies, not inline).`);
    expect(renderSamPolicies(t)).toBe(text);
  });

  it("says when SAM's own AWSLambdaBasicExecutionRole takes the role past IAM's 10 managed policies", () => {
    const { t } = scenario("managed");
    const part = t.policies[0]!;
    const parts = (n: number) => ({ ...t, policies: Array.from({ length: n }, (_, i) => ({ ...part, name: `orders-role-least-privilege-${i + 1}` })) });
    expect(renderSamPolicies(parts(9))).not.toContain("# With the");
    const ten = renderSamPolicies(parts(10));
    expect(ten).toContain("# With the AWSLambdaBasicExecutionRole SAM attaches, the role has at least 11 managed policies: more than the default 10 per role");
    expect((YAML.parse(ten) as { Policies: unknown[] }).Policies).toHaveLength(10);
    // With what SAM attaches for the function's features (Tracing, an SQS event source) counted too.
    const place = { function: "Worker", attached: ["AWSLambdaBasicExecutionRole", "AWSLambdaSQSQueueExecutionRole", "AWSXrayWriteOnlyAccess"], inline: ["DeadLetterQueuePolicy"], connectors: [] };
    const eight = renderSamPolicies(parts(8), new Set(), place);
    expect(eight).toContain("# Properties.Policies of the AWS::Serverless::Function Worker (for ");
    expect(eight).toContain("# SAM still attaches AWSLambdaBasicExecutionRole, AWSLambdaSQSQueueExecutionRole, AWSXrayWriteOnlyAccess to the role it makes (for the function's features; they grant on *), and adds the inline policies DeadLetterQueuePolicy");
    expect(eight).toContain("# With the AWSLambdaBasicExecutionRole, AWSLambdaSQSQueueExecutionRole, AWSXrayWriteOnlyAccess SAM attaches, the role has at least 11 managed policies");
    // A connector's policy is attached to the same role: said, and counted.
    const seven = renderSamPolicies(parts(7), new Set(), { ...place, connectors: ["WorkerOrdersPolicy (WorkerOrders)"] });
    expect(seven).toContain("# The template's connectors attach WorkerOrdersPolicy (WorkerOrders) to that role too, whatever Policies says: what it grants stays");
    expect(seven).toContain("# With the AWSLambdaBasicExecutionRole, AWSLambdaSQSQueueExecutionRole, AWSXrayWriteOnlyAccess, WorkerOrdersPolicy (WorkerOrders) SAM attaches, the role has at least 11 managed policies");
  });

  it("keeps a policy that fits inline as one document in Policies, without Resources", () => {
    const { g, t } = scenario();
    const sam = YAML.parse(renderSamPolicies(t)) as Record<string, unknown>;
    expect(Object.keys(sam)).toEqual(["Policies"]);
    expect(sam.Policies).toEqual([g.policy]);
    expect(renderSamPolicies(t)).not.toContain("Resources");
  });

  it("gives SAM managed policies logical IDs unique across the targets of one output (a.b and a_b sanitise alike)", () => {
    const { t } = scenario("managed");
    const taken = new Set<string>();
    const docs = ["orders.api", "orders_api"].map((roleName) => YAML.parse(renderSamPolicies({ ...t, roleName }, taken)) as { Policies: { Ref: string }[]; Resources: object });
    expect(docs.map((d) => d.Policies)).toEqual([[{ Ref: "OrdersApiPolicy1" }], [{ Ref: "OrdersApi2Policy1" }]]);
    expect(docs.map((d) => Object.keys(d.Resources))).toEqual([["OrdersApiPolicy1"], ["OrdersApi2Policy1"]]);
  });
});

describe("Markdown", () => {
  it("lists statements with provenance, the JSON, wildcards, exceptions and warnings", () => {
    const { g } = scenario();
    const md = renderPolicyMarkdown(g, g.functionArn);
    expect(md).toContain("| `DynamodbObservedKeptException` |");
    expect(md).toContain("```json");
    expect(md).toContain("#### Wildcards, and why");
    expect(md).toContain("#### Kept exceptions");
    expect(md).toContain('disaster recovery \\"DR\\-7\\" \\$\\{not\\.a\\.var\\} \\%\\{nor\\.a\\.directive\\}');
    expect(md).toContain("**denied\\-calls\\-not\\-granted**");
  });
});

describe("Markdown code", () => {
  it("escapes | only in table cells, and shows each policy as JSON that parses back to it", () => {
    const { g } = scenario();
    const odd = "arn:aws:s3:::b/x|y```z\u2028w";
    const build = { ...g, roleName: "x|y", policies: g.policies.map((p) => ({ ...p, document: { ...p.document, Statement: [...p.document.Statement, { Sid: "Odd", Effect: "Allow" as const, Action: ["s3:GetObject"], Resource: [odd] }] } })) };
    const md = renderPolicyMarkdown({ ...build, statements: [...build.statements, { sid: "Odd", service: "s3", actions: ["s3:GetObject"], resources: [odd], provenance: ["observed"], notes: [] }] }, "arn:aws:iam::1:role/x|y");
    expect(md).toContain("### Least-privilege policy for `arn:aws:iam::1:role/x|y`");
    expect(md).toContain("Role `x|y`:");
    // A fence longer than the backtick run inside; U+2028 is dropped from the shown text (stripControl).
    expect(md).toContain("| `Odd` | `s3:GetObject` | ````arn:aws:s3:::b/x\\|y```zw```` |");
    const diff = renderDiffMarkdown(diffPolicies(ordersScenario().doc, g.roleArn, build, "arn:aws:iam::1:role/x|y"), build);
    expect(diff).toContain("for `arn:aws:iam::1:role/x|y`");
    for (const text of [md, diff]) {
      const blocks = [...text.matchAll(/^(`{3,})json\n([\s\S]*?)\n\1$/gm)].map((m) => JSON.parse(m[2]!) as PolicyDocument);
      expect(blocks).toEqual(build.policies.map((p) => p.document));
    }
  });
});

describe("Markdown and GitHub autolinks", () => {
  it("leaves no @mention or #reference outside code, <summary> included (no backticks in raw HTML)", () => {
    const { g } = scenario("managed");
    const build = {
      ...g,
      roleName: "@octocat",
      policies: g.policies.map((p) => ({ ...p, name: "@octocat-least-privilege #12" })),
      exceptions: [{ function: "@octocat", reason: "ask @octocat, see #12", actions: ["s3:GetObject"], resources: [], resourcesFrom: "configuration" as const }],
      warnings: [{ code: "usage-partial" as const, message: "Role @octocat: #12" }],
    };
    for (const md of [renderPolicyMarkdown(build, "@octocat"), renderDiffMarkdown(diffPolicies(ordersScenario().doc, g.roleArn, build, "@octocat"), build)]) {
      expect(md).toContain("octocat");
      expect(githubAutolinks(outsideCode(md))).toEqual([]);
      for (const m of md.matchAll(/<summary>(.*?)<\/summary>/g)) {
        expect(m[1]).not.toContain("`");
        expect(githubAutolinks(m[1]!)).toEqual([]);
      }
    }
  });
});

describe("Terraform references from a plan", () => {
  it("keeps ${aws_x.y.arn} as an interpolation and escapes IAM policy variables", () => {
    expect(hclString("${aws_sqs_queue.jobs.arn}", true)).toBe('"${aws_sqs_queue.jobs.arn}"');
    expect(hclString("arn:aws:s3:::${aws_s3_bucket.b.bucket}/${aws:username}/*", true)).toBe('"arn:aws:s3:::${aws_s3_bucket.b.bucket}/$${aws:username}/*"');
    expect(hclString("${aws_sqs_queue.jobs.arn}")).toBe('"$${aws_sqs_queue.jobs.arn}"');
  });

  it("writes IAM's literal forms ${$}, ${*}, ${?} (observed names) as text, never as interpolations", () => {
    expect(hclString("arn:aws:s3:::${aws_s3_bucket.b.bucket}/logs/${$}{var.env}/k${*}${?}", true)).toBe('"arn:aws:s3:::${aws_s3_bucket.b.bucket}/logs/$${$}{var.env}/k$${*}$${?}"');
  });

  it.skipIf(!hasTerraform)("terraform evaluates them back to IAM's literal forms, beside a live reference", () => {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-tf-"));
    try {
      const value = hclString("arn:aws:s3:::${local.bucket}/logs/${$}{var.env}/k${*}${?}%{x}", true);
      writeFileSync(join(dir, "main.tf"), `locals {\n  bucket = "b"\n  p = ${value}\n}\n`);
      expect(JSON.parse(terraform(["console"], "local.p\n", dir).trim())).toBe("arn:aws:s3:::b/logs/${$}{var.env}/k${*}${?}%{x}");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Terraform for an input that does not say the account or region", () => {
  const unknownArns = ["arn:aws:logs:unknown:unknown:log-group:/aws/lambda/orders:*", "arn:aws:sqs:eu-west-1:unknown:jobs", "arn:aws:s3:::b/${aws:username}/*"];
  function targets() {
    const { t } = scenario();
    const document: PolicyDocument = { Version: "2012-10-17", Statement: [{ Sid: "Unknown", Effect: "Allow", Action: ["logs:PutLogEvents", "sqs:SendMessage"], Resource: unknownArns }] };
    const target = { ...t, policies: [{ ...t.policies[0]!, document }] };
    return [target, { ...target, roleName: "other" }];
  }

  it("fills the unknown parts from data sources of its own, declared once, and leaves known ARNs and IAM variables alone", () => {
    const tf = renderTerraform(targets());
    expect(tf.match(/^data "aws_caller_identity" "leastrole" \{\}$/gm)).toHaveLength(1);
    expect(tf.match(/^data "aws_region" "leastrole" \{\}$/gm)).toHaveLength(1);
    expect(tf).toContain('"arn:aws:logs:${data.aws_region.leastrole.name}:${data.aws_caller_identity.leastrole.account_id}:log-group:/aws/lambda/orders:*"');
    expect(tf).toContain('"arn:aws:sqs:eu-west-1:${data.aws_caller_identity.leastrole.account_id}:jobs"');
    expect(tf).toContain('"arn:aws:s3:::b/$${aws:username}/*"');
    expect(tf).not.toMatch(/"arn:[^"\n]*:unknown:/);
    expect(renderTerraform([scenario().t])).not.toContain("data ");
  });

  it.skipIf(!hasTerraform)("is what terraform fmt writes, and evaluates to the policy with the account and region filled in", () => {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-tf-"));
    try {
      const tf = renderTerraform(targets());
      expect(terraform(["fmt", "-no-color", "-"], tf, dir)).toBe(tf);
      // terraform console cannot read data sources without the provider: locals stand in for them.
      const policy = /\n {2}policy = (jsonencode\(\{[\s\S]*?\n {2}\}\))\n\}/.exec(tf)?.[1] as string;
      const withLocals = policy.replaceAll("data.aws_caller_identity.leastrole.account_id", "local.account").replaceAll("data.aws_region.leastrole.name", "local.region");
      writeFileSync(join(dir, "main.tf"), `locals {\n  account = "123456789012"\n  region = "us-west-2"\n  p = ${withLocals}\n}\n`);
      const out = JSON.parse(JSON.parse(terraform(["console"], "local.p\n", dir).trim()) as string) as PolicyDocument;
      expect(out.Statement[0]!.Resource).toEqual(["arn:aws:logs:us-west-2:123456789012:log-group:/aws/lambda/orders:*", "arn:aws:sqs:eu-west-1:123456789012:jobs", "arn:aws:s3:::b/${aws:username}/*"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("several roles in one output", () => {
  it("keeps Terraform names and CloudFormation logical IDs unique when role names sanitise alike", () => {
    const { t } = scenario();
    const a = { ...t, roleName: "orders.api" };
    const b = { ...t, roleName: "orders_api" };
    const tf = renderTerraform([a, b]);
    expect(tf).toMatch(/^resource "aws_iam_role" "orders_api" \{$/m);
    expect(tf).toMatch(/^resource "aws_iam_role" "orders_api_2" \{$/m);
    expect(tf).toContain("role = aws_iam_role.orders_api_2.id");
    const tpl = YAML.parse(renderCloudFormation([{ ...t, roleName: "orders-api" }, { ...t, roleName: "orders_api" }])) as { Resources: { [id: string]: { Properties: { RoleName: string } } } };
    expect(Object.entries(tpl.Resources).map(([id, r]) => [id, r.Properties.RoleName])).toEqual([
      ["OrdersApiRole", "orders-api"],
      ["OrdersApi2Role", "orders_api"],
    ]);
  });

  // orders.api and orders_api sanitise alike; the numbered second one is then the third's own name.
  const collide = ["orders.api", "orders_api", "orders_api_2"];

  it("numbers around every name already used: a role whose own name is another's numbered name is not lost", () => {
    const { t } = scenario();
    const tpl = YAML.parse(renderCloudFormation(collide.map((roleName) => ({ ...t, roleName })))) as { Resources: { [id: string]: { Properties: { RoleName: string } } } };
    expect(Object.values(tpl.Resources).map((r) => r.Properties.RoleName)).toEqual(collide);
    const tf = renderTerraform(collide.map((roleName) => ({ ...t, roleName })));
    const roles = [...tf.matchAll(/^resource "aws_iam_role" "([^"]+)" \{$/gm)].map((m) => m[1]);
    expect(roles).toHaveLength(3);
    expect(new Set(roles).size).toBe(3);
    for (const n of collide) expect(tf).toContain(`name = "${n}"`);
  });

  it("keeps split policies' names (<name>_<i>, <Name>Policy<i>) apart from other roles' names", () => {
    const { t } = scenario("managed");
    const two = { ...t, policies: [t.policies[0]!, { ...t.policies[0]!, name: "second" }] };
    expect(two.policies.every((p) => p.kind === "managed")).toBe(true);
    // Terraform: role "a" has policies a_1 and a_2; a role named a_1 must not reuse a_1.
    const tf = renderTerraform([{ ...two, roleName: "a" }, { ...t, roleName: "a_1" }]);
    for (const type of ["aws_iam_role", "aws_iam_policy", "aws_iam_role_policy_attachment"]) {
      const names = [...tf.matchAll(new RegExp(`^resource "${type}" "([^"]+)" \\{$`, "gm"))].map((m) => m[1]);
      expect(new Set(names).size, `${type}: ${names.join(", ")}`).toBe(names.length);
    }
    // CloudFormation: role "a" has AManagedPolicy1; a role kept under that logical ID keeps it, and
    // the other role's policies are numbered around it, each Ref naming its own policy.
    const text = renderCloudFormation([{ ...two, roleName: "a" }, { ...t, roleName: "b", kept: { path: "/", logicalId: "APolicy1" } }]);
    const tpl = YAML.parse(text) as { Resources: { [id: string]: { Type: string; Properties: { RoleName?: string; ManagedPolicyName?: string; ManagedPolicyArns?: { Ref: string }[] } } } };
    expect(tpl.Resources.APolicy1?.Properties.RoleName).toBe("b");
    const a = Object.values(tpl.Resources).find((r) => r.Properties.RoleName === "a");
    const refs = (a?.Properties.ManagedPolicyArns ?? []).map((r) => r.Ref);
    expect(refs).toHaveLength(2);
    expect(refs.map((id) => tpl.Resources[id]?.Properties.ManagedPolicyName)).toEqual([two.policies[0]!.name, "second"]);
    expect(Object.keys(tpl.Resources)).toHaveLength(2 + 2 + t.policies.length);
  });

  it("CloudFormation: a role the template left unnamed gets managed policies left unnamed too", () => {
    // Before: ManagedPolicyName <role>-least-privilege, which made the stack need CAPABILITY_NAMED_IAM
    // and collided in a second stack of the template (the generated-policy sweep of session 58).
    const { t } = scenario("managed");
    const text = renderCloudFormation([{ ...t, roleName: "SQSFunctionRole", kept: { path: "/", logicalId: "SQSFunctionRole", generatedName: true } }]);
    const tpl = YAML.parse(text) as { Resources: { [id: string]: { Type: string; Properties: { RoleName?: string; ManagedPolicyName?: string } } } };
    const policies = Object.values(tpl.Resources).filter((r) => r.Type === "AWS::IAM::ManagedPolicy");
    expect(policies.length).toBe(t.policies.length);
    expect(policies.every((r) => r.Properties.ManagedPolicyName === undefined)).toBe(true);
    expect(tpl.Resources.SQSFunctionRole?.Properties.RoleName).toBeUndefined();
  });

  it("cuts a long logical ID's body, not its suffix, so a role's and its policies' IDs differ", () => {
    const long = "x".repeat(300);
    expect(logicalId(long, "Role")).toHaveLength(255);
    expect(logicalId(long, "Role").endsWith("Role")).toBe(true);
    expect(logicalId(long, "Policy1")).not.toBe(logicalId(long, "Policy2"));
  });

  it.skipIf(!hasTerraform)("declares no resource twice (terraform reads the configuration)", () => {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-tf-"));
    try {
      const { t } = scenario();
      writeFileSync(join(dir, "main.tf"), renderTerraform(collide.map((roleName) => ({ ...t, roleName }))));
      // Without the AWS provider console stops at "Missing required provider", after it checked the configuration.
      const r = spawnSync("terraform", ["console"], { input: "1\n", cwd: dir, encoding: "utf8", env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null", CHECKPOINT_DISABLE: "1", NO_COLOR: "1" } });
      expect(`${r.stdout}${r.stderr}`).not.toContain("Duplicate resource");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
