/**
 * Configuration mistakes that change what leastrole reports, said where the user looks (stderr,
 * the report), run as a user runs them: the built binary on examples/demo-account with a config
 * file. A kept exception or a suppression that applies to nothing is a mistake whose effect shows
 * late (a disaster-recovery permission missing from a generated policy, a finding reported again).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const root = packageRoot();
const cli = join(root, "dist", "cli.js");
const demo = join("examples", "demo-account");
const work = mkdtempSync(join(tmpdir(), "lr-config-mistakes-"));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 1 << 28 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function config(name: string, text: string): string {
  const file = join(work, name);
  writeFileSync(file, text);
  return file;
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error("build first: npm run build");
});

describe("a kept exception whose function pattern matches no function", () => {
  const file = () =>
    config(
      "exc-typo.yaml",
      `version: 1
exceptions:
  - { function: "order-api", actions: ["dynamodb:RestoreTableFromBackup"], reason: "DR runbook" }
  - { function: "orders-*", actions: ["dynamodb:DescribeTable"], reason: "health check" }
`,
    );

  it("is warned by audit, naming the exception and the pattern (and the function it likely meant); one that matches is not", () => {
    const r = run(["audit", demo, "-c", file(), "-f", "json", "-o", join(work, "exc-typo.json")]);
    expect(r.code).toBe(0);
    const lines = r.stderr.split("\n").filter((l) => l.includes("kept exception"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('leastrole: warning: exceptions[0].function: kept exception "DR runbook" (dynamodb:RestoreTableFromBackup): function "order-api" matches no function of the inputs');
    expect(lines[0]).toContain('did you mean "orders-api"?');
    const report = JSON.parse(readFileSync(join(work, "exc-typo.json"), "utf8")) as { warnings: Array<{ code: string; path?: string }> };
    expect(report.warnings.filter((w) => w.code === "exception-matches-no-function").map((w) => w.path)).toEqual(["exceptions[0].function"]);
  });

  it("is warned by generate, whose policy lacks the action", () => {
    const out = join(work, "gen-typo.json");
    const r = run(["generate", demo, "-c", file(), "--function", "orders-api", "-o", out]);
    expect(r.code).toBe(0);
    expect(readFileSync(out, "utf8")).not.toContain("RestoreTableFromBackup");
    expect(r.stderr).toMatch(/warning: exceptions\[0\]\.function: kept exception "DR runbook" \(dynamodb:RestoreTableFromBackup\): function "order-api" matches no function/);
  });
});
