/**
 * The audit of a plan whose function settings are known only after apply, in the shapes Lambda
 * modules write them (test/iac/fixtures/terraform-unknown-shapes: a real `terraform plan` against
 * moto). Each finding here was wrong before: LR006 told a VPC function to drop its ENI permissions,
 * the event source was "other" and the dead-letter queue a placeholder (no LR010: the missing
 * permissions were never required), and LR012 called an API Gateway permission "on behalf of any
 * account".
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const cli = join(packageRoot(), "dist", "cli.js");
const fixtures = join(packageRoot(), "test", "iac", "fixtures");
const plan = join(fixtures, "terraform-unknown-shapes", "plan.json");

interface Report {
  findings: Array<{ ruleId: string; message: string; resource: { name: string } }>;
  warnings: Array<{ code: string; message: string }>;
}

function audit(...extra: string[]): Report {
  const r = spawnSync(process.execPath, [cli, "audit", plan, "--format", "json", "--quiet", ...extra], { encoding: "utf8", maxBuffer: 1 << 26 });
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout) as Report;
}

describe("audit of settings known only after apply (terraform-unknown-shapes)", () => {
  it("requires what the function's triggers and dead-letter queue need, and keeps its VPC permissions", () => {
    const findings = audit().findings.map((f) => `${f.ruleId} ${f.message}`).sort();
    expect(findings).toEqual([
      "LR010 Function aws_lambda_function.f: its execution role cannot use its dead-letter target arn:aws:sqs:eu-central-1:unknown:fn-dlq (missing sqs:SendMessage)",
      "LR010 Function aws_lambda_function.f: its execution role cannot use its event source arn:aws:sqs:eu-central-1:unknown:jobs (missing sqs:DeleteMessage, sqs:GetQueueAttributes, sqs:ReceiveMessage)",
    ]);
  });

  it("generate grants the queue actions and the ENI actions the VPC needs", () => {
    const r = spawnSync(process.execPath, [cli, "generate", plan, "--format", "json", "--quiet"], { encoding: "utf8", maxBuffer: 1 << 26 });
    const actions = new Set<string>();
    JSON.stringify(JSON.parse(r.stdout)).replace(/"((?:sqs|ec2):[A-Za-z]+)"/g, (_, a: string) => {
      actions.add(a);
      return "";
    });
    for (const a of ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces"]) expect(actions).toContain(a);
  });
});

describe("a root of module calls only (terraform-module-root)", () => {
  it("the .tf files beside the plan are its configuration: the module's policy is read from them", () => {
    const r = spawnSync(process.execPath, [cli, "audit", join(fixtures, "terraform-module-root", "plan.json"), "--format", "json", "--quiet"], { encoding: "utf8", maxBuffer: 1 << 26 });
    const report = JSON.parse(r.stdout) as Report;
    expect(report.warnings.map((w) => w.code).sort()).toEqual(["terraform-config-beside", "terraform-policy-from-config"]);
    // Read whole, not partial: the one finding is the missing log permissions.
    expect(report.warnings.map((w) => w.code)).not.toContain("terraform-unknown-policy");
    expect(report.findings.map((f) => f.ruleId)).toEqual(["LR005"]);
  });
});

describe("a wrapper module (terraform-wrapper)", () => {
  it("finds what each function's evaluated policies and triggers say", () => {
    const r = spawnSync(process.execPath, [cli, "audit", join(fixtures, "terraform-wrapper", "plan.json"), "--format", "json", "--quiet"], { encoding: "utf8", maxBuffer: 1 << 26 });
    const report = JSON.parse(r.stdout) as Report;
    // By the name in AWS (the function's, and its role's, which the wrapper names after it): the
    // messages name them by address.
    const of = (fn: string) => report.findings.filter((f) => f.resource.name === fn);
    const byRule = (fn: string) => of(fn).map((f) => f.ruleId).sort();
    // The wrapper's functions: s3:* on * (read from the .tf files), and the alias's on-failure
    // queue their role cannot send to; none for the on-success block that is not there. No LR005:
    // the module makes the log group, so Lambda never needs logs:CreateLogGroup.
    expect(byRule("orders")).toEqual(["LR002", "LR003", "LR010", "LR020"]);
    expect(of("orders").filter((f) => f.ruleId === "LR010").map((f) => f.message)).toEqual([
      "Function module.lambdas.module.wrapper[\"orders\"].aws_lambda_function.this: its execution role cannot use its destination arn:aws:sqs:eu-central-1:unknown:failed (missing sqs:SendMessage)",
    ]);
    // The directly called module: its stream, through the alias the mapping names.
    expect(of("ingest").filter((f) => f.ruleId === "LR010").map((f) => f.message)).toEqual([
      "Function module.ingest.aws_lambda_function.this: its execution role cannot use its event source arn:aws:dynamodb:eu-central-1:unknown:table/orders/stream/${aws_dynamodb_table.orders.stream_label} (missing dynamodb:DescribeStream, dynamodb:GetRecords, dynamodb:GetShardIterator, dynamodb:ListStreams)",
    ]);
  });
});
