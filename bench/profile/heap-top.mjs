// Allocation by function of a sampled heap profile (heap-sample.mjs): self and inclusive MB.
//   node bench/profile/heap-top.mjs <file.heapprofile> [rows=30]
import { readFileSync } from "node:fs";
const p = JSON.parse(readFileSync(process.argv[2], "utf8"));
const self = new Map(); let total = 0;
const incl = new Map();
const walk = (n, stack) => {
  const name = `${n.callFrame.functionName || "(anon)"}:${n.callFrame.lineNumber + 1}`;
  const sz = n.selfSize;
  total += sz;
  self.set(name, (self.get(name) ?? 0) + sz);
  const st = [...stack, name];
  for (const k of new Set(st)) incl.set(k, (incl.get(k) ?? 0) + sz);
  for (const c of n.children) walk(c, st);
};
walk(p.head, []);
console.log("total sampled MB", (total / 1e6).toFixed(0));
console.log("SELF"); for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[3] ?? 30))) console.log((v / 1e6).toFixed(0).padStart(6), k);
console.log("INCL"); for (const [k, v] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[3] ?? 30))) console.log((v / 1e6).toFixed(0).padStart(6), k);
