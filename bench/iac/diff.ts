/**
 * Diff benchmark: `leastrole diff` of two revisions of a Terraform plan with N functions (each with
 * its own role and inline policy, Terraform's own shape from bench/iac/synthetic.ts); the after
 * revision widens one inline statement. Whole pipeline (both sides read, normalised, analysed and
 * audited) and the comparison alone, with wall and CPU time.
 *
 *   npx tsx bench/iac/diff.ts [functions=1000]
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { diff, diffDocuments } from "../../src/audit/diff.js";
import { renderPermissionDiffMarkdown } from "../../src/report/diff.js";
import { buildPlan } from "./synthetic.js";

const N = Number(process.argv[2] ?? 1000);
const dir = mkdtempSync(join(tmpdir(), "lr-diff-bench-"));
const before = buildPlan(N);
// One instance's inline policy gains `s3:*` in the plan's resource_changes (what the reader reads
// for a resource with a change entry): the one change a reviewer must see.
const entry = before.indexOf('"address":"module.svc[\\"s7\\"].aws_iam_role_policy.fn"', before.indexOf('"resource_changes"'));
if (entry < 0) throw new Error("synthetic plan changed shape");
const action = before.indexOf('\\"Action\\":[', entry);
const after = before.slice(0, action) + '\\"Action\\":[\\"s3:*\\",' + before.slice(action + '\\"Action\\":['.length);
writeFileSync(join(dir, "before.json"), before);
writeFileSync(join(dir, "after.json"), after);

const load = loadavg()[0]!.toFixed(1);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const result = await diff([join(dir, "before.json")], [join(dir, "after.json")]);
const wall = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const c0 = process.cpuUsage();
const t1 = performance.now();
for (let i = 0; i < 3; i++) diffDocuments(result.before, result.after);
const compare = (performance.now() - t1) / 3;
const compareCpu = process.cpuUsage(c0);
const md = renderPermissionDiffMarkdown(result.report);
console.log(
  JSON.stringify({
    functions: N,
    planMB: +(Buffer.byteLength(before) / 1e6).toFixed(1),
    loadAverage: +load,
    wholeDiffMs: Math.round(wall),
    wholeDiffCpuMs: Math.round((cpu.user + cpu.system) / 1000),
    compareMs: Math.round(compare),
    compareCpuMs: Math.round((compareCpu.user + compareCpu.system) / 3000),
    changes: result.report.changes.map((c) => `${c.change} ${c.ownerName} ${c.kind}`),
    introduced: result.report.findings.introduced.map((f) => f.ruleId),
    markdownChars: md.length,
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
