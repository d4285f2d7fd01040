/**
 * A plan read without its .tf files: a policy document's `"${aws_cloudwatch_log_group.fn.arn}:*"`
 * is in the plan only as the references it is made of (`configuration` holds no text around them),
 * so it is read as the reference alone, and whether the statement grants the function's log
 * requirement is not known. Said as a warning, and the plan partial (before: an info warning the
 * table does not print, the requirement "conditional" with no finding, and the audit not partial).
 * The plan: Terraform 1.11.4's, test/fixtures/terraform-sweep/sweep-log-group-suffix (SOURCE.md),
 * without its jsonencode policy, which is unread anyway and made it partial on its own.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readTerraformPlan } from "../../src/sources/terraform/index.js";

const file = join(import.meta.dirname, "..", "fixtures", "terraform-sweep", "sweep-log-group-suffix", "plan.json");

function withoutInlinePolicy(): Uint8Array {
  const plan = JSON.parse(readFileSync(file, "utf8"));
  const drop = (list: Array<{ address: string }>) => list.filter((r) => r.address !== "aws_iam_role_policy.logs");
  plan.resource_changes = drop(plan.resource_changes);
  plan.planned_values.root_module.resources = drop(plan.planned_values.root_module.resources);
  plan.configuration.root_module.resources = drop(plan.configuration.root_module.resources);
  return Buffer.from(JSON.stringify(plan));
}

describe("a policy value read as its reference alone", () => {
  it("is a warning, and the plan is partial", () => {
    const f = readTerraformPlan(withoutInlinePolicy(), "plan.json");
    const said = f.warnings.filter((w) => w.severity !== "info");
    expect(said.map((w) => [w.code, w.path])).toEqual([["terraform-reference-alone", "resource_changes[0]"]]);
    expect(said[0]?.message).toContain("${aws_cloudwatch_log_group.fn.arn} are known only after apply");
    expect(said[0]?.message).toContain("the plan is read as partial");
    expect(f.partial).toBe(true);
  });
});
