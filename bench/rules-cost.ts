/**
 * What each built-in rule costs in the wasm evaluator, on the input a real audit gives it.
 *
 *   npm run build && node dist/cli.js normalize <account> --output <doc.json>
 *   npx tsx bench/rules-cost.ts <doc.json> [--runs 3]
 *
 * The canonical document is reduced to the built-in rules' view (src/evaluate/rules-view.ts, what
 * the audit evaluates), and the rules are compiled into one wasm module with an entrypoint per
 * rule besides the pack's own. Each entrypoint is evaluated alone, in a fresh instance sized as the
 * evaluator sizes it (best of --runs). Every entrypoint pays for reading the input into the wasm
 * heap and writing its result: the cheapest rule's time is that floor, and a rule's own cost is
 * its time above it. Prints a Markdown table, costliest first.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPolicy } from "@open-policy-agent/opa-wasm";
import { packageRoot } from "../src/evaluate/locate.js";
import { builtinRulesView } from "../src/evaluate/rules-view.js";
// @ts-expect-error plain ESM script without types
import { findOpa } from "../scripts/opa.mjs";

const file = process.argv[2];
if (!file) throw new Error("usage: npx tsx bench/rules-cost.ts <canonical document> [--runs 3]");
const runsAt = process.argv.indexOf("--runs");
const runs = runsAt === -1 ? 3 : Number(process.argv[runsAt + 1]);

const root = packageRoot();
const policies = join(root, "policies");
const rules = readdirSync(join(policies, "rules"))
  .filter((f) => f.endsWith(".rego") && !f.endsWith("_test.rego"))
  .map((f) => /^package\s+(\S+)/m.exec(readFileSync(join(policies, "rules", f), "utf8"))![1]!.replaceAll(".", "/"));
const work = mkdtempSync(join(tmpdir(), "lr-rules-cost-"));
const entrypoints = ["leastrole/findings", ...rules.map((r) => `${r}/findings`)];
const opa: string = findOpa();
execFileSync(opa, ["build", "-t", "wasm", "-O=0", ...entrypoints.flatMap((e) => ["-e", e]), "--ignore", "*_test.rego", "--ignore", "capabilities.json", "--ignore", "build", "-o", join(work, "bundle.tar.gz"), policies]);
execFileSync("tar", ["xzf", join(work, "bundle.tar.gz"), "-C", work, "/policy.wasm"], { stdio: "ignore" });
const wasm = readFileSync(join(work, "policy.wasm"));
rmSync(work, { recursive: true, force: true });

const view = builtinRulesView(JSON.parse(readFileSync(file, "utf8")));
const bytes = Buffer.byteLength(JSON.stringify(view));
// As the evaluator sizes a first instance (src/evaluate/memory.ts): about 30× the input.
const initial = Math.ceil((bytes * 30) / 65536);

const rows: Array<{ entrypoint: string; ms: number; findings: number }> = [];
for (const entrypoint of entrypoints) {
  let best = Infinity;
  let findings = 0;
  for (let i = 0; i < runs; i++) {
    const policy = await loadPolicy(wasm, { initial });
    const t = performance.now();
    const result = policy.evaluate(view, entrypoint) as Array<{ result: unknown[] }>;
    best = Math.min(best, performance.now() - t);
    findings = result[0]?.result.length ?? 0;
  }
  rows.push({ entrypoint, ms: best, findings });
}
const floor = Math.min(...rows.map((r) => r.ms));
console.log(`input: ${(bytes / 1e6).toFixed(1)} MB (the rules' view of ${file}); floor (input in, result out) ${floor.toFixed(0)} ms\n`);
console.log("| entrypoint | ms | above the floor | findings |\n|---|---:|---:|---:|");
for (const r of rows.sort((a, b) => b.ms - a.ms)) console.log(`| ${r.entrypoint} | ${r.ms.toFixed(0)} | ${(r.ms - floor).toFixed(0)} | ${r.findings} |`);
