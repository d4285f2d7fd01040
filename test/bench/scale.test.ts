/**
 * The end-to-end benchmark's inputs and the stage timings it reads: the synthetic account is the
 * same bytes for the same arguments, `audit` reads it as it is (findings, usage labelled for the
 * generated functions), and the timings hook (library and `audit --timings`) covers every stage.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { generateAccount, type ScaleAccount } from "../../bench/scale/generate.js";
import { audit, AUDIT_STAGES, formatStageTimings, type StageTimings } from "../../src/index.js";
import { packageRoot } from "../../src/evaluate/locate.js";

const work = mkdtempSync(join(tmpdir(), "lr-scale-"));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

function hashDir(dir: string): string {
  const h = createHash("sha256");
  for (const f of walk(dir).sort()) h.update(`${relative(dir, f)}\0`).update(readFileSync(f));
  return h.digest("hex");
}

let tiny: ScaleAccount;
beforeAll(() => {
  tiny = generateAccount(join(work, "a"), { functions: 12, records: 1500, seed: 3 });
});

describe("bench/scale/generate.ts", () => {
  it("gives the same bytes for the same arguments, other bytes for another seed", () => {
    const again = generateAccount(join(work, "b"), { functions: 12, records: 1500, seed: 3 });
    const other = generateAccount(join(work, "c"), { functions: 12, records: 1500, seed: 4 });
    expect(walk(tiny.dir).length).toBeGreaterThan(5);
    expect(hashDir(again.dir)).toBe(hashDir(tiny.dir));
    expect(hashDir(other.dir)).not.toBe(hashDir(tiny.dir));
  });

  it("writes one authorization-details file with every role, and the trail in the S3 delivery tree", () => {
    const auth = JSON.parse(readFileSync(tiny.authDetailsFile, "utf8")) as { RoleDetailList: Array<{ AssumeRolePolicyDocument: unknown }>; Policies: unknown[] };
    expect(auth.RoleDetailList).toHaveLength(tiny.roles);
    // The AWS CLI prints policy documents as objects.
    expect(typeof auth.RoleDetailList[0]!.AssumeRolePolicyDocument).toBe("object");
    const trail = walk(tiny.trailDir).map((f) => relative(tiny.trailDir, f));
    expect(trail).toHaveLength(tiny.trailFiles);
    for (const f of trail) expect(f).toMatch(/^AWSLogs\/123456789012\/CloudTrail\/[a-z]+-[a-z]+-\d\/2026\/(10|11)\/\d\d\/123456789012_CloudTrail_[a-z0-9-]+_\d{8}T\d{4}Z_[A-Z2-7]{16}\.json\.gz$/);
  });

  it("is read as it is by audit: findings, and usage labelled for the generated functions", async () => {
    const timings: StageTimings = {};
    const cpuTimings: StageTimings = {};
    const t = performance.now();
    const c = process.cpuUsage();
    const { report, document } = await audit([tiny.dir], { timings, cpuTimings, workers: 1 });
    const total = performance.now() - t;
    const used = process.cpuUsage(c);
    const cpuTotal = (used.user + used.system) / 1000;

    expect(document.functions).toHaveLength(tiny.functions);
    expect(document.roles).toHaveLength(tiny.roles);
    expect(report.findings.length).toBeGreaterThan(0);
    const ruleIds = new Set(report.findings.map((f) => f.ruleId));
    expect(ruleIds.has("LR008")).toBe(true); // unused permissions: each function uses ~60% of its grants
    expect(ruleIds.has("LR009")).toBe(true); // the denied calls

    // Every function session is one of the generated functions, and every active one is there.
    const arns = new Set(document.functions.map((f) => f.arn));
    const sessions = document.usage.principals.filter((p) => p.sessionKind === "function");
    expect(sessions.every((p) => p.functionArn !== null && arns.has(p.functionArn))).toBe(true);
    expect(new Set(sessions.map((p) => p.functionArn)).size).toBe(tiny.activeFunctions);
    expect(document.usage.principals.some((p) => p.sessionKind === "lambda-service")).toBe(true);
    const labels = document.usage.labels.flatMap((l) => l.permissions.map((p) => p.label));
    expect(labels).toContain("used");
    expect(labels).toContain("unused");
    expect(document.usage.coverage.recordsRead).toBeGreaterThan(1400);

    // The timings hook: every stage of a run with usage, none negative, together within the wall time.
    expect(Object.keys(timings).sort()).toEqual(AUDIT_STAGES.filter((s) => s !== "report").sort());
    for (const ms of Object.values(timings)) expect(ms).toBeGreaterThanOrEqual(0);
    expect(Object.values(timings).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(total);
    expect(Object.keys(cpuTimings).sort()).toEqual(Object.keys(timings).sort());
    for (const ms of Object.values(cpuTimings)) expect(ms).toBeGreaterThanOrEqual(0);
    // process.cpuUsage has microsecond resolution: allow its rounding.
    expect(Object.values(cpuTimings).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(cpuTotal + 1);
  });

  it("the CPU timings cost a fixed number of process.cpuUsage calls, not two per role", async () => {
    // Before, the IAM facts were timed with a getrusage pair per role: 20,000+ system calls at
    // 10,000 roles, in the very run being measured.
    const many = generateAccount(join(work, "many"), { functions: 240, records: 300, seed: 5 });
    const calls = vi.spyOn(process, "cpuUsage");
    try {
      const cpuTimings: StageTimings = {};
      await audit([many.dir], { timings: {}, cpuTimings, workers: 1 });
      expect(many.roles).toBeGreaterThan(100);
      expect(calls.mock.calls.length).toBeLessThan(60);
      expect(cpuTimings.iamFacts ?? -1).toBeGreaterThanOrEqual(0);
    } finally {
      calls.mockRestore();
    }
  });

  it("with --access-advisor, writes a report per role that audit joins to its role and merges into the labels", async () => {
    const withAdvisor = generateAccount(join(work, "aa"), { functions: 12, records: 1500, seed: 3, accessAdvisor: true });
    expect(withAdvisor.accessAdvisorFiles).toBe(withAdvisor.roles);
    expect(readdirSync(join(withAdvisor.accountDir, "iam", "access-advisor"))).toHaveLength(withAdvisor.roles);
    const { document } = await audit([withAdvisor.dir], { workers: 1 });
    const advisorSources = document.meta.sources.filter((s) => s.kind === "access-advisor");
    expect(advisorSources).toHaveLength(withAdvisor.roles);
    // Every unused permission of a role whose report says the service was never used carries it as a source.
    const sources = document.usage.labels.flatMap((l) => l.permissions.filter((p) => p.label === "unused").map((p) => p.sources));
    expect(sources.some((s) => s.includes("access-advisor"))).toBe(true);
    // The same account without the reports is the same account otherwise.
    expect(hashDir(join(withAdvisor.dir, "cloudtrail"))).toBe(hashDir(join(tiny.dir, "cloudtrail")));
  });
});

describe("audit --timings", () => {
  const cli = join(packageRoot(), "dist", "cli.js");

  it("prints every stage on stderr, non-negative, summing to at most the total", () => {
    if (!existsSync(cli)) throw new Error("build first: npm run build");
    const r = spawnSync(process.execPath, [cli, "audit", tiny.dir, "--format", "json", "--output", join(work, "r.json"), "--timings", "--quiet"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    const matches = [...r.stderr.matchAll(/^ {2}(\S+(?: \S+)?) +(\d+\.\d) ms(?: +[\d.]+%)?(?: +cpu +(\d+\.\d) ms)?$/gm)];
    const rows = new Map(matches.map((m) => [m[1]!, Number(m[2])]));
    const cpuRows = new Map(matches.map((m) => [m[1]!, Number(m[3])]));
    const stages = ["read", "normalize", "IAM facts", "usage", "analysis", "evaluate", "report"];
    for (const s of stages) expect(rows.get(s), s).toBeGreaterThanOrEqual(0);
    for (const s of stages) expect(cpuRows.get(s), s).toBeGreaterThanOrEqual(0);
    expect(stages.reduce((a, s) => a + cpuRows.get(s)!, 0)).toBeLessThanOrEqual(rows.get("cpu")! + 0.5);
    const sum = stages.reduce((a, s) => a + rows.get(s)!, 0);
    // Each figure is rounded to 0.1 ms.
    expect(sum).toBeLessThanOrEqual(rows.get("total")! + 0.5);
    expect(rows.get("cpu")).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/peak rss +\d+\.\d MiB/);
  });

  it("formats a fixed table: stages that ran, the rest as other, the total", () => {
    const text = formatStageTimings({ read: 10, usage: 30 }, { totalMs: 50 });
    expect(text).toBe(["stage timings:", "  read             10.0 ms   20.0%", "  usage            30.0 ms   60.0%", "  other            10.0 ms   20.0%", "  total            50.0 ms", ""].join("\n"));
    const withCpu = formatStageTimings({ read: 10 }, { totalMs: 20, cpuMs: 12 }, { read: 8 });
    expect(withCpu).toBe(["stage timings:", "  read             10.0 ms   50.0%   cpu        8.0 ms", "  other            10.0 ms   50.0%   cpu        4.0 ms", "  total            20.0 ms", "  cpu              12.0 ms", ""].join("\n"));
  });
});
