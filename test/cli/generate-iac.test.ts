/**
 * `leastrole generate` on what IaC tools really write (test/iac/fixtures/cdk-agnostic: `cdk synth`
 * of an env-bound and an environment-agnostic stack, each with a nested stack): what the
 * CloudFormation and Terraform outputs must be to deploy.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const cli = join(packageRoot(), "dist", "cli.js");
const fixtures = join(packageRoot(), "test", "iac", "fixtures");
const agnostic = join(fixtures, "cdk-agnostic", "cdk.out");

function generate(args: string[]): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, "generate", ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
  expect(r.status, r.stderr).toBe(0);
  return { stdout: r.stdout, stderr: r.stderr };
}

/** The lines that are not comments (YAML `#`, HCL `#`): what CloudFormation or Terraform reads. */
function code(text: string): string {
  return text
    .split("\n")
    .filter((l) => !/^\s*#/.test(l))
    .join("\n");
}

describe("generate for an assembly with an environment-agnostic stack", () => {
  it("fills the stack's synthetic account (unknown-<hash>) with the deployment's own in CloudFormation", () => {
    const { stdout } = generate([agnostic, "--format", "cloudformation"]);
    // Before: `arn:aws:logs:${AWS::Region}:unknown-e14b8f51:log-group:…`, which matches no log group once deployed.
    expect(code(stdout)).not.toMatch(/unknown/);
    expect(stdout).toContain("Fn::Sub: arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/OrdersStackAgnostic-Processor60228016*");
    expect(stdout).toMatch(/Fn::Sub: arn:aws:sqs:\$\{AWS::Region\}:\$\{AWS::AccountId\}:\$\{OrdersDlq[0-9A-F]+\.QueueName\}/);
    // The env-bound stack keeps its account.
    expect(stdout).toContain("arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/OrdersStack-Processor60228016*");
  });

  it("fills it with data.aws_caller_identity in Terraform", () => {
    const { stdout } = generate([agnostic, "--format", "terraform"]);
    expect(code(stdout)).not.toMatch(/unknown/);
    expect(stdout).toContain('"arn:aws:logs:${data.aws_region.leastrole.name}:${data.aws_caller_identity.leastrole.account_id}:log-group:/aws/lambda/OrdersStackAgnostic-Processor60228016*"');
    expect(stdout.match(/^data "aws_caller_identity" "leastrole" \{\}$/gm)).toHaveLength(1);
  });

  it("warns that a nested stack's function's IAM JSON holds ${AWS::StackName}, which IAM takes as text", () => {
    const targets = JSON.parse(generate([agnostic]).stdout) as Array<{ subject: string; policy: { Statement: Array<{ Resource?: string[] }> }; warnings: Array<{ code: string }> }>;
    const nested = targets.find((t) => /:function:OrdersStack-Nested.*-NestedFn/.test(t.subject));
    expect(nested?.policy.Statement.flatMap((s) => s.Resource ?? [])).toContain("arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/${AWS::StackName}-NestedFn2B*");
    // Before: only usage-absent, while the agnostic copy of the same function had this warning.
    expect(nested?.warnings.map((w) => w.code)).toContain("unresolved-references");
  });
});
