// Top self-time functions of a V8 .cpuprofile (node --cpu-prof), as a markdown table.
//   node bench/profile/top.mjs <file.cpuprofile> [rows=10]
// "(idle)" and "(program)" are shown like any other row; the total is the profile's duration.
import { readFileSync } from "node:fs";

const [file, rowsArg] = process.argv.slice(2);
const p = JSON.parse(readFileSync(file, "utf8"));
const n = Number(rowsArg ?? 10);
const byId = new Map(p.nodes.map((x) => [x.id, x]));
const self = new Map();
let total = 0;
for (let i = 0; i < p.samples.length; i++) {
  const cf = byId.get(p.samples[i]).callFrame;
  const d = p.timeDeltas[i] ?? 0;
  total += d;
  const where = cf.url ? ` ${cf.url.replace(/^.*\/(bench\/out\/|node_modules\/)/, "$1")}:${cf.lineNumber + 1}` : "";
  const key = `${cf.functionName || "(anonymous)"}${where}`;
  self.set(key, (self.get(key) ?? 0) + d);
}
console.log(`profile: ${(total / 1000).toFixed(0)} ms`);
console.log("| # | function | self ms | % |\n|---:|---|---:|---:|");
[...self].sort((a, b) => b[1] - a[1]).slice(0, n).forEach(([k, v], i) => console.log(`| ${i + 1} | \`${k}\` | ${(v / 1000).toFixed(0)} | ${((100 * v) / total).toFixed(1)} |`));

// Inclusive time of named functions (a sample counts once per function however deep the recursion):
//   node bench/profile/top.mjs <file> 10 normalizeFragments,computePrincipalFacts
const names = process.argv[4]?.split(",");
if (names) {
  const parent = new Map();
  for (const node of p.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const inclusive = new Map(names.map((x) => [x, 0]));
  for (let i = 0; i < p.samples.length; i++) {
    const seen = new Set();
    for (let id = p.samples[i]; id !== undefined; id = parent.get(id)) {
      const fn = byId.get(id).callFrame.functionName;
      if (inclusive.has(fn) && !seen.has(fn)) {
        seen.add(fn);
        inclusive.set(fn, inclusive.get(fn) + (p.timeDeltas[i] ?? 0));
      }
    }
  }
  console.log("\n| function | inclusive ms | % |\n|---|---:|---:|");
  for (const [k, v] of inclusive) console.log(`| \`${k}\` | ${(v / 1000).toFixed(0)} | ${((100 * v) / total).toFixed(1)} |`);
}
