/**
 * The audit of a plan reduced to its `resource_changes` (test/iac/fixtures/terraform-resource-changes-only:
 * `jq '{format_version, terraform_version, resource_changes}'` of a plan Terraform made), as
 * READMEs and CI logs publish plans: without `configuration`, a function's execution role known
 * only after apply cannot be followed to the role the plan creates. Before, LR016 called that role
 * used by no function and granting "0 actions", though the function may run with it and its
 * managed policy attachment (its `policy_arn` known only after apply) was not read.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const cli = join(packageRoot(), "dist", "cli.js");
const plan = join(packageRoot(), "test", "iac", "fixtures", "terraform-resource-changes-only", "plan.json");

interface Report {
  findings: Array<{ ruleId: string; severity: string; message: string }>;
  warnings: Array<{ code: string; message: string }>;
  partial?: boolean;
}

function audit(): Report {
  const r = spawnSync(process.execPath, [cli, "audit", plan, "--format", "json", "--quiet"], { encoding: "utf8", maxBuffer: 1 << 26 });
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

describe("audit of a plan's resource_changes alone (terraform-resource-changes-only)", () => {
  it("does not call the role unused, nor its unread permissions none", () => {
    const report = audit();
    expect(report.findings.map((f) => `${f.ruleId} ${f.severity} ${f.message}`)).toEqual([
      "LR016 low Role aws_iam_role.iam_for_lambda trusts Lambda but no function in the inputs names it as its execution role, though the execution role of a function in them is known only after apply and may be it (give the configuration's folder with --tf-config, or the plan's configuration section, to follow the reference); it grants at least 0 actions across 0 services (never used, or last use not recorded); some of its policies are not in the inputs",
    ]);
    // Why, in the warnings: the function's role and the attachment's policy were not followed.
    const codes = report.warnings.map((w) => w.code);
    expect(codes).toContain("terraform-unknown-role");
    expect(codes).toContain("unresolved-managed-policy");
    // Said once, by the plan's reader: not again with advice to add an IAM export, which cannot
    // resolve a reference. The report is still partial.
    expect(codes).not.toContain("role-not-in-inputs");
    expect(report.partial ?? (report as { summary?: { partial?: boolean } }).summary?.partial).toBe(true);
  });
});
