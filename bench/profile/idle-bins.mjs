// Idle and garbage-collection time of a .cpuprofile (node --cpu-prof) in buckets of <seconds>:
// where a thread waits (the evaluation's end, results/scale.md "Session 54").
//   node bench/profile/idle-bins.mjs <file.cpuprofile> [seconds=0.5]
import { readFileSync } from "node:fs";
const [file, bin = 0.5] = process.argv.slice(2);
const p = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(p.nodes.map((x) => [x.id, x]));
let t = 0; const bins = new Map();
for (let i = 0; i < p.samples.length; i++) {
  t += p.timeDeltas[i] ?? 0;
  const b = Math.floor(t / 1e6 / bin);
  const n = byId.get(p.samples[i]).callFrame.functionName;
  const e = bins.get(b) ?? { idle: 0, gc: 0, all: 0 };
  const d = p.timeDeltas[i + 1] ?? 0;
  e.all += d; if (n === "(idle)") e.idle += d; if (n === "(garbage collector)") e.gc += d;
  bins.set(b, e);
}
for (const [b, e] of [...bins].sort((a, b) => a[0] - b[0])) console.log((b * bin).toFixed(1), "idle", (e.idle / 1000).toFixed(0), "gc", (e.gc / 1000).toFixed(0));
