/**
 * Two builds of leastrole compared by the work they do rather than the time they take: each audit
 * runs under Valgrind (cachegrind, no cache simulation), which counts the machine instructions
 * executed by every thread, JIT-compiled and WebAssembly code included.
 *
 * Why: this machine's speed moves by ±25% from minute to minute (results/scale.md, sessions 17 to
 * 53), so alternating pairs of wall or CPU times (pairs.ts) cannot show a change below ~0.5 s at
 * 10,000 functions, and twenty sessions of such changes read "no measurable difference". An
 * instruction count does not depend on the machine's speed. Node runs with `--predictable` (V8's
 * deterministic mode: its compiler and collector work on the isolate's own thread, fixed random
 * seeds) and fixed hash and random seeds, so that run-to-run differences come only from how the
 * threads interleave (the readers' batches, which slices the calling thread evaluates) and from
 * when the collector runs (some of its collections are started by timers, so Valgrind's slowness
 * moves them): runs of one build on the 1,000-function input differed by 0.1–0.6% (results/scale.md,
 * "Session 53"), where its wall time differs by a quarter. Pinning each audit to one core (one
 * thread, no workers) left that spread as it was. `cg_annotate bench/out/instructions/<side>.cachegrind`
 * splits a count by native function: the collector's (v8::internal::MarkCompactCollector, Scavenger,
 * Sweeper, Marking…), TurboFan's (v8::internal::compiler::…), zlib's and hashing's; JIT-compiled
 * and wasm code is one `???` line. What it does not see: memory stalls (a deep walk of a large
 * heap is few instructions and many cache misses), the collector's parallelism, and the cores left
 * idle; a change that only moves work between threads shows no difference here. It is a measure of
 * CPU work, not of time.
 *
 *   npm run build && npx tsx bench/scale/instructions.ts --base <checkout with dist/> [--head <checkout>]
 *     [--input bench/out/scale/f1000-r100000-s11/input] [--runs 2]
 *
 * Each round runs the base and the head side by side (Valgrind runs one thread at a time, so two
 * audits use the two cores); the 1,000-function input takes about two minutes a round, the
 * 10,000-function one about nine. The reports are compared too (byte for byte but for
 * `rulesVersion`). Needs `valgrind` on PATH (Linux).
 */

import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { twoBuildsArgs } from "./two-builds.js";

const { arg, root, base, head, input } = twoBuildsArgs(process.argv.slice(2), "f1000-r100000-s11");
const rounds = Number(arg("runs", "2"));
if (!Number.isInteger(rounds) || rounds < 1) throw new Error("--runs: a whole number of at least 1");
if (spawnSync("valgrind", ["--version"]).status !== 0) throw new Error("valgrind is not on PATH (apt-get install valgrind)");
const out = join(root, "bench", "out", "instructions");
mkdirSync(out, { recursive: true });

/** V8's deterministic mode and fixed seeds: see the header. */
const NODE_FLAGS = ["--predictable", "--hash-seed=1", "--random-seed=1"];

function audit(side: "base" | "head"): Promise<number> {
  const dir = side === "base" ? base : head;
  const child = spawn(
    "valgrind",
    ["--tool=cachegrind", "--cache-sim=no", `--cachegrind-out-file=${join(out, `${side}.cachegrind`)}`, process.execPath, ...NODE_FLAGS, join(dir, "dist", "cli.js"), "audit", input, "--format", "json", "--output", join(out, `${side}.json`), "--quiet"],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (s: string) => (stderr += s));
  return new Promise((done, fail) => {
    child.on("error", fail);
    child.on("close", (code) => {
      // Exit 1 is findings at or above --fail-on: not given here, so anything but 0 is a failure.
      const refs = /I\s+refs:\s+([\d,]+)/.exec(stderr);
      if (code !== 0 || refs === null) fail(new Error(`${side} audit under valgrind exited ${code}: ${stderr.slice(-2000)}`));
      else done(Number((refs[1] as string).replaceAll(",", "")));
    });
  });
}

/** The report without the line naming the rules' version (a rule's text changed, not its findings). */
const reportText = (side: "base" | "head"): string => readFileSync(join(out, `${side}.json`), "utf8").replace(/^\s*"rulesVersion": .*$/m, "");

const started = new Date().toISOString();
const counts = { base: [] as number[], head: [] as number[] };
let sameReports = true;
for (let r = 0; r < rounds; r++) {
  const [b, h] = await Promise.all([audit("base"), audit("head")]);
  counts.base.push(b);
  counts.head.push(h);
  if (reportText("base") !== reportText("head")) sameReports = false;
  process.stderr.write(`round ${r + 1}/${rounds}: base ${(b / 1e9).toFixed(3)} G, head ${(h / 1e9).toFixed(3)} G instructions\n`);
}

const mean = (xs: number[]): number => xs.reduce((a, x) => a + x, 0) / xs.length;
const spread = (xs: number[]): number => (Math.max(...xs) - Math.min(...xs)) / mean(xs);
const change = mean(counts.head) / mean(counts.base) - 1;
// Within-build spread: a difference no larger than the larger of the two is not told from it.
const noise = Math.max(spread(counts.base), spread(counts.head));
const pct = (x: number): string => `${x >= 0 ? "+" : ""}${(100 * x).toFixed(2)}%`;
console.log(
  [
    `Instructions ${started} → ${new Date().toISOString()}, valgrind --tool=cachegrind --cache-sim=no, node ${NODE_FLAGS.join(" ")}.`,
    `base ${base}, head ${head}, input ${input}, ${rounds} round(s), base and head side by side.`,
    "",
    "| | base | head |",
    "|---|---|---|",
    `| instructions (G) | ${counts.base.map((x) => (x / 1e9).toFixed(3)).join(", ")} | ${counts.head.map((x) => (x / 1e9).toFixed(3)).join(", ")} |`,
    "",
    `head − base: ${pct(change)} of the base's instructions; spread within a build ${rounds > 1 ? pct(noise).slice(1) : "unknown (one round)"}: ${
      rounds < 2 ? "run two rounds or more to tell" : Math.abs(change) <= noise ? "no difference beyond the spread" : change < 0 ? "head does less work" : "head does more work"
    }`,
    sameReports ? "Reports: the same in every round (but for rulesVersion)." : "Reports: DIFFERENT (compare bench/out/instructions/base.json and head.json).",
  ].join("\n"),
);
