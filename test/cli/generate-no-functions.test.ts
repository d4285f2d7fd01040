/**
 * `leastrole generate` on inputs that hold no Lambda function (a CloudTrail folder alone, roles
 * without functions): no policy to make. It says so, and writes no output CloudFormation refuses.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const cli = join(packageRoot(), "dist", "cli.js");
// The CloudTrail logs of test/fixtures/sam-deployed-trail without its template.
const logs = join(packageRoot(), "test", "fixtures", "sam-deployed-trail", "AWSLogs");
// The demo account's IAM export alone: roles and no function.
const roles = join(packageRoot(), "examples", "demo-account", "iam");

function generate(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, "generate", ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("generate with no function in the inputs", () => {
  it("-f cloudformation writes no template rather than Resources: {} (CloudFormation wants at least one resource)", () => {
    const r = generate([logs, "-f", "cloudformation"]);
    expect(r.status, r.stderr).toBe(0);
    // Before: a template with `Resources: {}`, which CloudFormation refuses.
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("leastrole: note: nothing to generate: no input holds a Lambda function");
    // Before, audit's "nothing to audit" note came first, a second answer to the same question.
    expect(r.stderr).not.toContain("nothing to audit");
  });

  it("says so for roles without functions, where it said nothing and printed []", () => {
    const r = generate([roles]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
    // Before: no word on stderr about why the output was empty.
    expect(r.stderr).toContain("leastrole: note: nothing to generate: no input holds a Lambda function, and policies are made per function");
  });

  it("-f terraform and -f sam stay empty", () => {
    for (const f of ["terraform", "sam"]) expect(generate([logs, "-f", f]).stdout).toBe("");
  });
});
