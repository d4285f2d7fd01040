/**
 * Rule evaluation: in-process (opa-wasm, our evaluator) versus native `opa eval` on the same
 * rules and the same input, in one run. Sizes: 100, 1,000, 10,000 functions (synthetic, seeded,
 * analysed: the document a real audit evaluates).
 *
 *   npm run build && npx tsx bench/evaluate.ts [--sizes 100,1000,10000] [--runs 5]
 *
 * In-process figures are per evaluation inside a warm process (median of --runs; the first run
 * includes instantiating the module). `opa eval` is a whole process (read, parse, compile Rego,
 * evaluate), as a user or CI would run it; its `--profile`-free wall time is the reference.
 * Peak RSS is of the whole process (/usr/bin/time -f %M) for each configuration separately.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { packageRoot } from "../src/evaluate/locate.js";
import { analyzeDocument } from "../src/analysis/index.js";
import { build } from "./analysis/analyze.js";
// @ts-expect-error plain ESM script without types
import { findOpa } from "../scripts/opa.mjs";

const root = packageRoot();
const out = join(root, "bench", "out");
mkdirSync(out, { recursive: true });
const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? def : process.argv[i + 1]!;
};
const sizes = arg("sizes", "100,1000,10000").split(",").map(Number);
const runs = Number(arg("runs", "5"));
const opa: string = findOpa({ build: false });
if (!opa) throw new Error("run npm run build:policies first (it provides the pinned opa)");

// The same Rego, as a rego-target bundle for opa eval (opa's own binary has no wasm runtime).
const regoBundle = join(out, "rules-rego.tar.gz");
execFileSync(opa, ["build", "-t", "rego", "--ignore", "*_test.rego", "--ignore", "capabilities.json", "--ignore", "build", "-o", regoBundle, join(root, "policies")]);

function timed(cmd: string, args: string[]): { wallMs: number; rssKb: number; stdout: string } {
  const t = performance.now();
  const stdout = execFileSync("/usr/bin/time", ["-f", "%M", "-o", join(out, "time.txt"), cmd, ...args], { encoding: "utf8", maxBuffer: 1 << 30 });
  const wallMs = performance.now() - t;
  const rssKb = Number(execFileSync("tail", ["-n1", join(out, "time.txt")], { encoding: "utf8" }).trim());
  return { wallMs, rssKb, stdout };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: string[] = [];
for (const n of sizes) {
  const file = join(out, `doc-${n}.json`);
  // A realistic document: synthetic account (bench/analysis/analyze.ts: roles with real managed
  // and inline policies, wildcards, PassRole, IAM users) with the analysis the rules read.
  writeFileSync(file, JSON.stringify(analyzeDocument(build(n))));
  const mb = statSync(file).size / 1e6;
  const child = (mode: string) => {
    const r = timed(process.execPath, [join(root, "bench", "evaluate-child.mjs"), file, mode, String(runs)]);
    const parsed = JSON.parse(r.stdout) as { evalMs: number[]; findings: number };
    return { ...parsed, rssKb: r.rssKb };
  };
  const obj = child("object");
  const enc = child("encoded");
  const opaRuns = Array.from({ length: n >= 10000 ? 1 : Math.max(3, Math.min(runs, 5)) }, () =>
    timed(opa, ["eval", "--format", "json", "-b", regoBundle, "-i", file, "data.leastrole.findings"]),
  );
  const opaFindings = (JSON.parse(opaRuns[0]!.stdout) as { result: Array<{ expressions: Array<{ value: unknown[] }> }> }).result[0]!.expressions[0]!.value.length;
  if (opaFindings !== obj.findings) throw new Error(`findings differ: opa eval ${opaFindings}, in-process ${obj.findings}`);
  const opaMs = median(opaRuns.map((r) => r.wallMs));
  const row = [
    n.toLocaleString("en"),
    mb.toFixed(1),
    obj.findings,
    `${median(obj.evalMs).toFixed(0)} (first ${obj.evalMs[0]!.toFixed(0)})`,
    `${median(enc.evalMs).toFixed(0)} (first ${enc.evalMs[0]!.toFixed(0)})`,
    opaMs.toFixed(0),
    (median(obj.evalMs) / opaMs).toFixed(2),
    (median(enc.evalMs) / opaMs).toFixed(2),
    (obj.rssKb / 1024).toFixed(0),
    (enc.rssKb / 1024).toFixed(0),
    (Math.max(...opaRuns.map((r) => r.rssKb)) / 1024).toFixed(0),
  ];
  rows.push(`| ${row.join(" | ")} |`);
  process.stderr.write(`${rows.at(-1)}\n`);
}

const header =
  "| functions | input MB | findings | in-process, object input: ms | in-process, pre-encoded: ms | `opa eval` wall: ms | ratio object/opa | ratio encoded/opa | peak RSS object: MiB | peak RSS encoded: MiB | peak RSS opa eval: MiB |\n" +
  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
const report = `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, OPA ${execFileSync(opa, ["version"], { encoding: "utf8" }).split("\n")[0]!.replace("Version: ", "")}.\n\n${header}\n${rows.join("\n")}\n`;
writeFileSync(join(root, "bench", "results", "evaluate.md"), report);
process.stdout.write(report);
