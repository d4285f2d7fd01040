/**
 * `leastrole audit --format html` on an account with more findings than the page shows
 * (report/html.ts maxFindings, maxFindingsPerRule): the page is bounded, says what it leaves out,
 * and the CLI generates the least-privilege policies of the shown findings' roles only. Before, at
 * 10,000 functions, every card and every function's policy made a 569 MB page (no browser opens
 * it) in minutes, at 2.1 GB of memory.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateAccount } from "../../bench/scale/generate.js";
import { packageRoot } from "../../src/evaluate/locate.js";

const root = packageRoot();
const cli = join(root, "dist", "cli.js");
const work = mkdtempSync(join(tmpdir(), "lr-html-scale-"));
let html = "";
let json: { findings: Array<{ ruleId: string; fingerprint: string; resource: { type: string; arn: string } }> } = { findings: [] };
let functions = 0;

beforeAll(() => {
  if (!existsSync(cli)) throw new Error("build first: npm run build");
  const account = generateAccount(join(work, "a"), { functions: 150, records: 3_000, seed: 5 });
  functions = account.functions;
  for (const format of ["html", "json"]) {
    const r = spawnSync(process.execPath, [cli, "audit", account.dir, "--format", format, "--output", join(work, `report.${format}`), "--quiet"], { cwd: root, encoding: "utf8" });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status, r.stderr).toBe(0);
  }
  html = readFileSync(join(work, "report.html"), "utf8");
  json = JSON.parse(readFileSync(join(work, "report.json"), "utf8"));
}, 180_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("audit --format html past the page's bound", () => {
  it("shows at most 50 findings of a rule and says how many of each rule it leaves out", () => {
    const perRule = new Map<string, number>();
    for (const f of json.findings) perRule.set(f.ruleId, (perRule.get(f.ruleId) ?? 0) + 1);
    expect(Math.max(...perRule.values()), "a rule past the bound").toBeGreaterThan(50);
    const shown = json.findings.filter((f) => html.includes(`<code>${f.fingerprint}</code>`));
    const shownPerRule = new Map<string, number>();
    for (const f of shown) shownPerRule.set(f.ruleId, (shownPerRule.get(f.ruleId) ?? 0) + 1);
    for (const [rule, n] of perRule) expect(shownPerRule.get(rule) ?? 0, rule).toBe(Math.min(n, 50));
    expect(html).toContain(`<strong>${shown.length} of ${json.findings.length} findings shown</strong>`);
  });

  it("generates the policies of the shown findings' roles only, and every link to one resolves", () => {
    const labels = new Set([...html.matchAll(/<summary>Generated policy for function ([^<]+)<\/summary>/g)].map((m) => m[1]));
    expect(labels.size).toBeGreaterThan(0);
    expect(labels.size).toBeLessThan(functions);
    for (const m of html.matchAll(/<a href="#(fix-\d+)">/g)) expect(html).toContain(`id="${m[1]}"`);
  });
});
