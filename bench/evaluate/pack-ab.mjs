// Two builds of a rule pack on the same rules' inputs, alternating in one process: CPU per round
// (all inputs), median of the rounds after a warm-up. Optionally with live objects in the heap
// beside it (--ballast <millions of small objects>), as the audit's ~1 GB heap is.
//
//   node bench/evaluate/pack-ab.mjs <base policy.wasm> <head policy.wasm> <input.json>... [--rounds 10] [--ballast 4]
//
// The inputs are the built-in rules' view of slices (what the audit's evaluator writes into the
// module); session 49 dumped three of the 10,000-function audit's from a local build
// (encodeChunked's chunks written to a file). The wasm files: policies/build/leastrole.wasm of each build.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const opaWasm = createRequire(import.meta.url)("@open-policy-agent/opa-wasm");
const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = Number(args[i + 1]);
  args.splice(i, 2);
  return v;
};
const rounds = flag("--rounds", 10);
const ballast = flag("--ballast", 0);
const [basePath, headPath, ...inputs] = args;
if (!headPath || inputs.length === 0) throw new Error("usage: node bench/evaluate/pack-ab.mjs <base.wasm> <head.wasm> <input.json>... [--rounds 10] [--ballast 4]");
globalThis.ballast = Array.from({ length: ballast * 1e6 }, (_, i) => ({ a: i, b: `s${i}`, c: [i, i + 1] }));
const packs = { base: opaWasm.loadPolicySync(readFileSync(basePath), { initial: 20000 }), head: opaWasm.loadPolicySync(readFileSync(headPath), { initial: 20000 }) };
const texts = inputs.map((f) => readFileSync(f));
const cpu = { base: [], head: [] };
for (let round = 0; round <= rounds; round++) {
  for (const k of round % 2 ? ["head", "base"] : ["base", "head"]) {
    const c0 = process.cpuUsage();
    for (const t of texts) packs[k].evaluate(t.buffer.slice(t.byteOffset, t.byteOffset + t.byteLength), "leastrole/findings");
    const u = process.cpuUsage(c0);
    if (round > 0) cpu[k].push(Math.round((u.user + u.system) / 1000)); // round 0 warms up
  }
}
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
for (const k of ["base", "head"]) console.log(`${k}: median ${median(cpu[k])} CPU-ms per round of ${texts.length} inputs; rounds ${cpu[k].join(", ")}`);
