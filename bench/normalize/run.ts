/**
 * Normaliser benchmark: a synthetic export of N functions and N roles (default 10,000 each, four
 * regions, realistic policies), normalised with IAM facts, against the floor of reading the same
 * files and JSON.parse-ing them, in the same run. Each phase runs in its own process (peak RSS is
 * that phase's), --runs times; the median wall time is reported.
 *
 *   npx tsx bench/normalize/run.ts [--functions 10000] [--roles 10000] [--runs 3]
 */
import { execFileSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { packageRoot } from "../../src/evaluate/locate.js";
import { generateExport } from "./generate-export.js";

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? def : process.argv[i + 1]!;
};
const functions = Number(arg("functions", "10000"));
const roles = Number(arg("roles", "10000"));
const runs = Number(arg("runs", "3"));
const root = packageRoot();
const dir = join(root, "bench", "out", `normalize-export-${functions}`);

const t = performance.now();
const gen = generateExport(dir, functions, roles);
console.log(`generated ${gen.files.length} files, ${(gen.bytes / 1e6).toFixed(1)} MB in ${Math.round(performance.now() - t)} ms (${dir})`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results: Record<string, { wallMs: number[]; maxRssKb: number[]; last: Record<string, unknown> }> = {};
for (let r = 0; r < runs; r++) {
  for (const phase of ["floor", "read", "no-facts", "normalize"]) {
    const out = execFileSync(process.execPath, ["--import", "tsx", join(root, "bench", "normalize", "phase.ts"), phase, dir], { encoding: "utf8", cwd: root, maxBuffer: 1 << 26 });
    const line = JSON.parse(out.trim().split("\n").pop()!) as { wallMs: number; maxRssKb: number };
    const entry = (results[phase] ??= { wallMs: [], maxRssKb: [], last: {} });
    entry.wallMs.push(line.wallMs);
    entry.maxRssKb.push(line.maxRssKb);
    entry.last = line;
  }
}
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`);
console.log("| phase | median wall (ms) | runs (ms) | peak RSS (MB) | result |");
console.log("| --- | ---: | --- | ---: | --- |");
for (const [phase, e] of Object.entries(results)) {
  const { phase: _p, wallMs: _w, maxRssKb: _m, ...rest } = e.last;
  void _p, void _w, void _m;
  console.log(`| ${phase} | ${median(e.wallMs)} | ${e.wallMs.join(", ")} | ${(Math.max(...e.maxRssKb) / 1024).toFixed(0)} | ${JSON.stringify(rest)} |`);
}
