/**
 * The keys and versions of the `terraform show -json` format (internal/command/jsonplan/plan.go),
 * on a real plan of Terraform 1.11.4 (test/fixtures/terraform-sweep/SOURCE.md, docs-lambda-basic).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readTerraformPlan } from "../../src/sources/terraform/index.js";

const DIR = new URL("../fixtures/terraform-sweep/", import.meta.url).pathname;
const role = (name: string) => `arn:aws:iam::unknown:role/${name}`;

/**
 * The keys and versions of the format, on a real plan (docs-lambda-basic) changed as a Terraform
 * that writes them would: the change's actions, a deferred change, a top-level key or a
 * format_version of a later Terraform. The shapes are plan.go's (internal/command/jsonplan).
 */
describe("what a plan of another Terraform version holds", () => {
  const base = () => JSON.parse(readFileSync(join(DIR, "docs-lambda-basic/plan.json"), "utf8")) as Record<string, any>;
  const FN = "aws_lambda_function.test_lambda";
  const readPlan = (plan: object) => readTerraformPlan(JSON.stringify(plan), "later.plan.json");

  it('["create", "forget"] replaces the function: the new one is read (it was dropped as deleted)', () => {
    const plan = base();
    plan.resource_changes.find((r: any) => r.address === FN).change.actions = ["create", "forget"];
    const f = readPlan(plan);
    expect(f.functions.map((fn) => [fn.source?.address, fn.roleArn])).toEqual([[FN, role("iam_for_lambda")]]);
    expect(f.warnings).toEqual([]);
  });

  it('["forget"] of a function: not in the plan, and said with its address', () => {
    const plan = base();
    const rc = plan.resource_changes.find((r: any) => r.address === FN);
    rc.change.actions = ["forget"];
    rc.change.before = rc.change.after;
    rc.change.after = null;
    const f = readPlan(plan);
    expect(f.functions).toEqual([]);
    expect(f.warnings.map((w) => [w.code, w.severity, w.path])).toEqual([["terraform-forgotten-resource", "info", "resource_changes[1]"]]);
    expect(f.warnings[0]!.message).toContain(`${FN} is removed from Terraform's state without being destroyed`);
  });

  it("a deferred change of the function: said, naming it and the reason, and the plan partial (it was silently missing)", () => {
    const plan = base();
    const rc = plan.resource_changes.find((r: any) => r.address === FN);
    plan.resource_changes = plan.resource_changes.filter((r: any) => r !== rc);
    plan.planned_values.root_module.resources = plan.planned_values.root_module.resources.filter((r: any) => r.address !== FN);
    plan.deferred_changes = [{ reason: "provider_config_unknown", resource_change: rc }, { reason: "deferred_prereq", resource_change: { ...rc, address: "aws_sqs_queue.q", type: "aws_sqs_queue", name: "q" } }];
    const f = readPlan(plan);
    expect(f.functions).toEqual([]);
    // Sorted by path, as every reader's warnings are.
    expect(f.warnings.map((w) => [w.code, w.severity, w.path])).toEqual([
      ["terraform-deferred-change", "info", "deferred_changes"],
      ["terraform-deferred-change", "warning", "deferred_changes[0].resource_change"],
    ]);
    expect(f.warnings[1]!.message).toBe(
      `${FN}: its change is deferred (reason provider_config_unknown): Terraform plans it in a later round, so this plan does not say what it will be; what it grants or runs is not read, and the plan is partial`,
    );
    expect(f.warnings[0]!.message).toContain("1 other resource's change is deferred to a later round (aws_sqs_queue.q)");
    expect(f.partial).toBe(true);
  });

  it("the keys Terraform 1.2 to 1.14 added are known; a key no version writes is named", () => {
    const plan = { ...base(), action_invocations: [], deferred_action_invocations: [], checks: [], resource_drift: [] };
    expect(readPlan(plan).warnings).toEqual([]);
    const f = readPlan({ ...plan, ephemeral_changes: [], zz_extra: {} });
    expect(f.warnings.map((w) => [w.code, w.severity, w.path, w.message])).toEqual([
      ["terraform-plan-unknown-key", "info", "ephemeral_changes", "ephemeral_changes, zz_extra: top-level keys of the plan that leastrole does not know (a newer Terraform's), not read"],
    ]);
    expect(f.functions.map((fn) => fn.name)).toEqual(["lambda_function_name"]);
  });

  it("a later format_version is read where its keys are known, and said: 1.3 as information, 2.0 as a warning (2.0 was refused)", () => {
    const minor = readPlan({ ...base(), format_version: "1.3" });
    expect(minor.functions.map((fn) => fn.name)).toEqual(["lambda_function_name"]);
    expect(minor.warnings.map((w) => [w.code, w.severity, w.path])).toEqual([["terraform-plan-format-unknown", "info", "format_version"]]);
    const major = readPlan({ ...base(), format_version: "2.0" });
    expect(major.functions.map((fn) => [fn.name, fn.roleArn])).toEqual([["lambda_function_name", role("iam_for_lambda")]]);
    expect(major.warnings.map((w) => [w.code, w.severity])).toEqual([["terraform-plan-format-unknown", "warning"]]);
    expect(major.warnings[0]!.message).toContain("format_version 2.0 is not one leastrole knows (0.1 to 1.2)");
    expect(() => readPlan({ ...base(), format_version: "latest" })).toThrow(/format_version latest: not a version number/);
  });
});
