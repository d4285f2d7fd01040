// Compile-job time from `node --trace-opt --trace-deopt … > <log> 2>&1`: in all, first compiles, recompiles by function.
//   node bench/profile/compile-jobs.mjs <log>
import { readFileSync } from "node:fs";
const lines = readFileSync(process.argv[2], "utf8").split("\n");
const bySfi = new Map();
let total=0, first=0, again=0; const againBy = new Map();
for (const l of lines) {
  const m = /completed compiling .*<JSFunction (\S*) \(sfi = (0x[0-9a-f]+)\)>.*took ([\d.]+), ([\d.]+), ([\d.]+) ms/.exec(l);
  if (!m) continue;
  const t = +m[3] + +m[4] + +m[5]; total += t;
  const n = bySfi.get(m[2]) ?? 0; bySfi.set(m[2], n + 1);
  if (n === 0) first += t; else { again += t; const k = m[1]; againBy.set(k, (againBy.get(k) ?? 0) + t); }
}
console.log(`total ${total.toFixed(0)} first ${first.toFixed(0)} recompiles ${again.toFixed(0)} ms; sfis ${bySfi.size}`);
for (const [k, v] of [...againBy].sort((a,b)=>b[1]-a[1]).slice(0,25)) console.log(v.toFixed(0).padStart(6), k);
