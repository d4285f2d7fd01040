/**
 * Plans that leave resources of their configuration out, as Terraform 1.11 writes them
 * (test/iac/fixtures/terraform-partial-plans, made against moto): a `-target` plan (before and
 * after the apply), a `-refresh-only` plan and a plan with nothing to change. Before: a `-target`
 * plan of a Terraform older than 1.8 (no `complete` key, as Droshow/copidock's) read as "nothing
 * to audit" and one of 1.8 onwards warned without the report saying it was partial; the function a
 * `-refresh-only` plan holds (in prior_state only) was not read; every plan with nothing to change
 * was warned "not complete or not applyable".
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const cli = join(packageRoot(), "dist", "cli.js");
const dir = join(packageRoot(), "test", "iac", "fixtures", "terraform-partial-plans");

interface Report {
  summary: { functions: number; roles: number; partial: boolean };
  warnings: Array<{ code: string; severity: string; message: string; path?: string }>;
}

function audit(file: string): Report {
  const r = spawnSync(process.execPath, [cli, "audit", file, "--format", "json", "--quiet"], { encoding: "utf8", maxBuffer: 1 << 26 });
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

function normalized(file: string): { functions: Array<{ name: string; roleArn: string }>; roles: Array<{ arn: string; attachedPolicies: Array<{ arn: string }> }> } {
  const r = spawnSync(process.execPath, [cli, "normalize", file, "--quiet"], { encoding: "utf8", maxBuffer: 1 << 26 });
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}

// The warnings' codes but the note that the `.tf` files beside the plan are read.
const codes = (r: Report) => r.warnings.map((w) => w.code).filter((c) => c !== "terraform-config-beside");

describe("plans that leave resources out (terraform-partial-plans)", () => {
  it("names the function and attachment a -target plan does not plan, and reports it partial", () => {
    for (const name of ["target.plan.json", "target-applied.plan.json"]) {
      const report = audit(join(dir, name));
      expect(report.summary, name).toMatchObject({ functions: 0, roles: 1, partial: true });
      const unplanned = report.warnings.filter((w) => w.code === "terraform-unplanned-resource");
      expect(unplanned, name).toEqual([
        expect.objectContaining({
          severity: "warning",
          path: "configuration.root_module.resources[1]",
          message: expect.stringMatching(/^2 resources \(aws_iam_role_policy_attachment\.logs, aws_lambda_function\.test_lambda\): the configuration defines them, but the plan does not plan them \(a plan made with -target, or -refresh-only\)/),
        }),
      ]);
      expect(codes(report), name).toContain("terraform-plan-incomplete");
    }
  });

  it("says it of a -target plan that has no `complete` key (Terraform before 1.8)", () => {
    const plan = JSON.parse(readFileSync(join(dir, "target.plan.json"), "utf8")) as Record<string, unknown>;
    for (const k of ["complete", "applyable", "errored"]) delete plan[k];
    const file = join(mkdtempSync(join(tmpdir(), "lr-target-")), "plan.json");
    writeFileSync(file, JSON.stringify(plan));
    const report = audit(file);
    expect(report.summary.partial).toBe(true);
    expect(codes(report)).toEqual(["terraform-unplanned-resource"]);
  });

  it("reads a -refresh-only plan's function and role from prior_state, as the no-change plan has them", () => {
    const refresh = normalized(join(dir, "refresh-only.plan.json"));
    const noop = normalized(join(dir, "noop.plan.json"));
    expect(refresh.functions.map((f) => [f.name, f.roleArn])).toEqual([["lambda_function_name", "arn:aws:iam::123456789012:role/iam_for_lambda"]]);
    expect(refresh.functions.map((f) => [f.name, f.roleArn])).toEqual(noop.functions.map((f) => [f.name, f.roleArn]));
    expect(refresh.roles.map((r) => [r.arn, r.attachedPolicies.map((p) => p.arn)])).toEqual(noop.roles.map((r) => [r.arn, r.attachedPolicies.map((p) => p.arn)]));
    const report = audit(join(dir, "refresh-only.plan.json"));
    expect(report.summary).toMatchObject({ functions: 1, roles: 1, partial: false });
    expect(codes(report)).toEqual(["terraform-refresh-only-plan"]);
  });

  it("does not call a plan with nothing to change incomplete", () => {
    const report = audit(join(dir, "noop.plan.json"));
    expect(report.summary).toMatchObject({ functions: 1, roles: 1, partial: false });
    expect(codes(report)).toEqual([]);
  });
});
