/**
 * What Terraform last applied, as a user gets it (fixtures: a real apply against moto,
 * test/iac/fixtures/terraform-state): `terraform show -json` without a plan file, and the state
 * itself (`terraform state pull`, `terraform.tfstate`). Every value is known, ARNs included: read by
 * the plan reader as a plan that changes nothing.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";
import { detectIac } from "../../src/sources/cloudformation/index.js";
import { readTerraformPlan } from "../../src/sources/terraform/index.js";

const dir = join(packageRoot(), "test", "iac", "fixtures", "terraform-state");
const read = (name: string) => readTerraformPlan(readFileSync(join(dir, name)), name);
const work = mkdtempSync(join(tmpdir(), "lr-tfstate-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("a Terraform state", () => {
  const shown = read("show-state.json");
  const pulled = read("terraform.tfstate");
  const shape = (f: ReturnType<typeof read>) => ({
    functions: f.functions.map((x) => ({ arn: x.arn, role: x.roleArn, triggers: x.triggers.map((t) => [t.kind, t.eventSourceArn]), env: x.environmentVariableNames })),
    roles: f.roles.map((r) => ({ arn: r.arn, inline: r.inlinePolicies.map((p) => [p.name, p.document]), attached: r.attachedPolicies })),
  });

  it("is recognised in both forms, and nothing else with a version 4 is", () => {
    for (const name of ["show-state.json", "terraform.tfstate"]) expect(detectIac(JSON.parse(readFileSync(join(dir, name), "utf8")))).toBe("terraform-plan");
    expect(detectIac({ version: 4, resources: [] })).toBeNull();
    expect(detectIac({ format_version: "1.0", values: {} })).toBeNull();
  });

  it("reads the deployed functions and role with their real ARNs, the same from either form", () => {
    expect(shape(shown)).toEqual(shape(pulled));
    expect(shape(pulled).functions).toEqual([
      { arn: "arn:aws:lambda:eu-west-1:123456789012:function:worker-a", role: "arn:aws:iam::123456789012:role/worker", triggers: [["sqs", "arn:aws:sqs:eu-west-1:123456789012:jobs"]], env: ["API_KEY", "TABLE"] },
      { arn: "arn:aws:lambda:eu-west-1:123456789012:function:worker-b", role: "arn:aws:iam::123456789012:role/worker", triggers: [], env: ["API_KEY", "TABLE"] },
    ]);
    expect(shape(pulled).roles[0]?.attached).toEqual([{ arn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", name: "AWSLambdaBasicExecutionRole" }]);
    expect(pulled.warnings).toEqual([]);
  });

  it("keeps the environment's values inside the reader", () => {
    expect(readFileSync(join(dir, "terraform.tfstate"), "utf8")).toContain("tf-secret-value");
    for (const f of [shown, pulled]) expect(JSON.stringify(f)).not.toContain("tf-secret-value");
  });

  it("points at the instance's attributes in the state file", () => {
    const lines = readFileSync(join(dir, "terraform.tfstate"), "utf8").split("\n");
    const fn = pulled.functions[0];
    expect(fn?.source).toMatchObject({ address: 'aws_lambda_function.worker["a"]' });
    expect(lines[(fn?.source?.line ?? 0) - 1]).toMatch(/"attributes": \{/);
  });

  it("in a folder walk, leaves terraform.tfstate.backup (the state before the last apply) alone", () => {
    const folder = join(work, "tf");
    cpSync(join(dir, "terraform.tfstate"), join(folder, "terraform.tfstate"), { recursive: true });
    cpSync(join(dir, "terraform.tfstate"), join(folder, "terraform.tfstate.backup"));
    const r = spawnSync(process.execPath, [join(packageRoot(), "dist", "cli.js"), "normalize", folder], { encoding: "utf8", maxBuffer: 1 << 24 });
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { functions: unknown[]; meta: { sources: Array<{ path: string }> } };
    expect(doc.functions).toHaveLength(2);
    expect(doc.meta.sources.map((s) => s.path.slice(folder.length + 1))).toEqual(["terraform.tfstate"]);
  });
});
