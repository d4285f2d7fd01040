/**
 * Where one audit's CPU goes, thread by thread: the CLI run as a child, every thread's CPU time
 * (/proc/<pid>/task/<tid>/stat utime + stime) sampled every 100 ms and its last value kept. Prints
 * each thread that used CPU with when it started, and three sums: the calling thread, the threads
 * started with the process (V8's platform workers: its optimising compiler and the garbage
 * collector's helpers; libuv's pool), and those started later (the CloudTrail readers and the
 * rule evaluation worker). Why: the stage timings and `--cpu-prof` see the JavaScript threads
 * only, and V8's own threads were a fifth of the audit's CPU (bench/results/scale.md, "Session 45").
 *
 *   npm run build && node bench/scale/thread-cpu.mjs bench/out/scale/f10000-r1000000-s11/input [cli=dist/cli.js] [node flags…]
 *
 * With LEASTROLE_THREAD_TIMELINE=1 it also prints, per half second, the cores each group of
 * threads kept busy: where the calling thread works alone while a core idles (the one-core
 * spells that only overlap can win back; results/scale.md, "Session 52"); LEASTROLE_THREAD_STEP sets
 * the bucket in seconds (0.5 by default; finer than 0.2 is below the sampling).
 *
 * Linux only (/proc). Clock ticks are taken as 100 per second (getconf CLK_TCK on Linux/x86-64).
 * A thread that ends between two samples loses at most its last 100 ms.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const [input, cli = "dist/cli.js", ...flags] = process.argv.slice(2);
if (input === undefined) throw new Error("usage: node bench/scale/thread-cpu.mjs <input> [cli] [node flags…]");
const TICKS = 100;
const t0 = performance.now();
const child = spawn(process.execPath, [...flags, cli, "audit", input, "--format", "json", "--output", "/dev/null", "--quiet"], { stdio: "inherit" });
/** tid → { cpu: seconds, start: clock ticks since boot } */
const threads = new Map();
/** Per sample: seconds since start, and tid → CPU seconds so far (for the timeline). */
const history = [];
const statOf = (path) => {
  const s = readFileSync(path, "utf8");
  return s.slice(s.lastIndexOf(")") + 2).split(" ");
};
const sample = () => {
  let tids;
  try {
    tids = readdirSync(`/proc/${child.pid}/task`);
  } catch {
    return;
  }
  const now = new Map();
  history.push({ at: (performance.now() - t0) / 1000, cpu: now });
  for (const tid of tids) {
    try {
      const f = statOf(`/proc/${child.pid}/task/${tid}/stat`);
      // utime, stime and starttime: fields 14, 15 and 22 of stat, counted from after the name.
      threads.set(Number(tid), { cpu: (Number(f[11]) + Number(f[12])) / TICKS, start: Number(f[19]) });
      now.set(Number(tid), (Number(f[11]) + Number(f[12])) / TICKS);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
};
const timer = setInterval(sample, 100);
const code = await new Promise((resolve) => child.on("exit", (c) => resolve(c)));
clearInterval(timer);
const wall = (performance.now() - t0) / 1000;
const main = threads.get(child.pid);
if (main === undefined) throw new Error("the audit ended before its threads could be read");
// Threads started within 0.15 s of the calling thread came with the process (V8's platform
// threads are made before any JavaScript runs, within a clock tick or two); the first reader
// starts only once the inputs are routed (0.3–0.5 s on the 10,000-function input).
const rows = [...threads].sort((a, b) => a[0] - b[0]).map(([tid, t]) => ({ tid, at: (t.start - main.start) / TICKS, cpu: t.cpu }));
const early = rows.filter((r) => r.tid !== child.pid && r.at < 0.15);
const late = rows.filter((r) => r.at >= 0.15);
const sum = (xs) => xs.reduce((a, r) => a + r.cpu, 0);
console.log(`audit exit ${code}, ${wall.toFixed(2)} s wall, ${sum(rows).toFixed(2)} CPU-s in all`);
console.log("| thread | started (s) | CPU s |\n|---|---:|---:|");
for (const r of rows) if (r.cpu > 0) console.log(`| ${r.tid === child.pid ? "calling" : r.tid - child.pid} | ${r.at.toFixed(1)} | ${r.cpu.toFixed(2)} |`);
console.log(`\ncalling thread ${main.cpu.toFixed(2)} CPU-s; started with the process (V8 platform, libuv) ${sum(early).toFixed(2)}; started later (readers, evaluation) ${sum(late).toFixed(2)}`);

if (process.env.LEASTROLE_THREAD_TIMELINE === "1") {
  const group = (tid) => (tid === child.pid ? 0 : early.some((r) => r.tid === tid) ? 1 : 2);
  const STEP = Number(process.env.LEASTROLE_THREAD_STEP ?? 0.5);
  const buckets = [];
  const last = new Map();
  for (const { at, cpu } of history) {
    const b = (buckets[Math.floor(at / STEP)] ??= [0, 0, 0]);
    for (const [tid, c] of cpu) {
      b[group(tid)] += c - (last.get(tid) ?? 0);
      last.set(tid, c);
    }
  }
  console.log("\n| from s | calling thread | V8 platform, libuv | readers, evaluation | busy cores |\n|---:|---:|---:|---:|---:|");
  for (const [i, b] of buckets.entries()) {
    if (b === undefined) continue;
    const cores = b.map((x) => x / STEP);
    console.log(`| ${(i * STEP).toFixed(1)} | ${cores.map((c) => c.toFixed(2)).join(" | ")} | ${(cores[0] + cores[1] + cores[2]).toFixed(2)} |`);
  }
}
