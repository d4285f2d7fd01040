/**
 * How busy the machine's cores are over one audit: the CLI run as a child, its CPU time (every
 * thread: /proc/<pid>/stat utime + stime) sampled every 250 ms. Prints busy cores per interval and
 * the idle core-seconds, i.e. how much wall time better overlap could still win at most; what the
 * stage timings cannot say, since they count the calling thread's CPU as its wall time.
 *
 *   npm run build && node bench/scale/cpu-timeline.mjs bench/out/scale/f10000-r1000000-s11/input [cli=dist/cli.js]
 *
 * Linux only (/proc). Clock ticks are taken as 100 per second (getconf CLK_TCK on Linux/x86-64).
 */
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { readFileSync } from "node:fs";

const [input, cli = "dist/cli.js"] = process.argv.slice(2);
if (input === undefined) throw new Error("usage: node bench/scale/cpu-timeline.mjs <input> [cli]");
const TICKS = 100;
const cores = availableParallelism();
const child = spawn(process.execPath, [cli, "audit", input, "--format", "json", "--output", "/dev/null", "--quiet"], { stdio: "inherit" });
const ticks = () => {
  try {
    const stat = readFileSync(`/proc/${child.pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(f[11]) + Number(f[12]); // utime and stime, fields 14 and 15 of stat (counted from after the command's name)
  } catch {
    return null;
  }
};
const t0 = performance.now();
const samples = [];
let prev = { t: 0, ticks: 0 };
const timer = setInterval(() => {
  const n = ticks();
  if (n === null) return;
  const t = (performance.now() - t0) / 1000;
  samples.push({ t, busy: (n - prev.ticks) / TICKS / (t - prev.t) });
  prev = { t, ticks: n };
}, 250);
child.on("exit", (code) => {
  clearInterval(timer);
  const wall = (performance.now() - t0) / 1000;
  let idle = 0;
  let last = 0;
  const rows = [];
  for (const s of samples) {
    idle += Math.max(0, cores - s.busy) * (s.t - last);
    last = s.t;
    rows.push(`${s.t.toFixed(2)}\t${s.busy.toFixed(2)}`);
  }
  console.log(`t (s)\tbusy cores\n${rows.join("\n")}`);
  console.log(`exit ${code}; wall ${wall.toFixed(2)} s; ${cores} cores; CPU ${(prev.ticks / TICKS).toFixed(1)} s; idle core-seconds ${idle.toFixed(1)} (at most ${(idle / cores).toFixed(1)} s of wall time to win by overlap)`);
});
