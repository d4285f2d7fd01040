/**
 * A function that mounts an EFS access point the same plan creates (a real plan:
 * test/iac/fixtures/terraform-efs-access-point, the shape of terraform-aws-lambda's with-efs
 * example). Lambda mounts it with the execution role (elasticfilesystem:ClientMount, and
 * ClientWrite for a read-write mount). Before, the access point's ARN, known only after apply,
 * was dropped: the generated policy had neither action and the function could not mount its file
 * system.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const cli = join(packageRoot(), "dist", "cli.js");
const plan = join(packageRoot(), "test", "iac", "fixtures", "terraform-efs-access-point", "plan.json");

interface Statement {
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string[]>>;
}

function efsStatements(planPath: string): Statement[] {
  const r = spawnSync(process.execPath, [cli, "generate", planPath, "--format", "json", "--quiet"], { encoding: "utf8", maxBuffer: 1 << 26 });
  expect(r.status).toBe(0);
  const out = JSON.parse(r.stdout) as Array<{ policy: { Statement: Statement[] } }>;
  return out.flatMap((t) => t.policy.Statement).filter((s) => s.Action.some((a) => a.startsWith("elasticfilesystem:")));
}

const accessPoint = "arn:aws:elasticfilesystem:us-east-1:unknown:access-point/${aws_efs_access_point.lambda.id}";

describe("a function mounting an EFS access point the plan creates", () => {
  it("generate grants ClientMount and ClientWrite on the file system, for that access point", () => {
    const statements = efsStatements(plan);
    expect(statements.flatMap((s) => s.Action).sort()).toEqual(["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]);
    for (const s of statements) {
      expect(s.Resource).toEqual(["arn:aws:elasticfilesystem:us-east-1:unknown:file-system/*"]);
      expect(s.Condition).toEqual({ StringEquals: { "elasticfilesystem:AccessPointArn": [accessPoint] } });
    }
  });

  it("reads the same from the plan alone, without its .tf files", () => {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-efs-"));
    try {
      copyFileSync(plan, join(dir, "plan.json"));
      expect(efsStatements(join(dir, "plan.json")).flatMap((s) => s.Action).sort()).toEqual(["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("generate -f terraform names the access point in the condition as Terraform will make it", () => {
    const r = spawnSync(process.execPath, [cli, "generate", plan, "--format", "terraform", "--quiet"], { encoding: "utf8", maxBuffer: 1 << 26 });
    expect(r.status).toBe(0);
    // The Condition, as HCL: the account is the caller's and the id the access point's once made.
    const condition = r.stdout.slice(r.stdout.indexOf('"elasticfilesystem:AccessPointArn"'));
    expect(condition).toMatch(
      /^"elasticfilesystem:AccessPointArn" = \[\s*"arn:aws:elasticfilesystem:us-east-1:\$\{data\.aws_caller_identity\.leastrole\.account_id\}:access-point\/\$\{aws_efs_access_point\.lambda\.id\}",?\s*\]/,
    );
  });
});
