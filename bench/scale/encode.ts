/**
 * The rules' input encoding on the calling thread, measured alone: every slice of the built-in
 * pack's input (sliceRulesView of builtinRulesView of an analysed synthetic account) written to
 * JSON text three ways, alternating in one process:
 *   - fields:  writeJson member by member down to each field (one JSON.stringify per field), as
 *              the encoding was before session 41;
 *   - arrays:  writeJson with arrays written 64 whole items per JSON.stringify, as wasm-input.ts's
 *              encodeChunked does it now;
 *   - floor:   one JSON.stringify of each slice, the reference (what V8 takes for the same text
 *              when the 512 MiB string limit and the wasm copy are not in the way).
 * The three texts are compared byte for byte (sha256 per slice), so a figure is never for a
 * different output. CPU milliseconds of this thread (process.cpuUsage), median and range.
 *
 *   npx tsx bench/scale/encode.ts [--functions 10000] [--rounds 4]
 */
import { createHash } from "node:crypto";
import { analyzeDocument } from "../../src/analysis/index.js";
import { builtinRulesView } from "../../src/evaluate/rules-view.js";
import { sliceRulesView } from "../../src/evaluate/rules-slices.js";
import { writeJson } from "../../src/normalize/write-json.js";
import { build } from "../analysis/analyze.js";

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? def : process.argv[i + 1]!;
};
const functions = Number(arg("functions", "10000"));
const rounds = Number(arg("rounds", "4"));

const slices = sliceRulesView(builtinRulesView(analyzeDocument(build(functions))));

type Method = "fields" | "arrays" | "floor";
const METHODS: readonly Method[] = ["fields", "arrays", "floor"];

/** Every slice written one way; the digest of each slice's text and the CPU it took. */
function run(method: Method): { cpuMs: number; bytes: number; digests: string[] } {
  const digests: string[] = [];
  let bytes = 0;
  const start = process.cpuUsage();
  const texts: string[][] = [];
  for (const slice of slices) {
    const parts: string[] = [];
    if (method === "floor") parts.push(JSON.stringify(slice));
    // STREAM_DEPTH of wasm-input.ts: document → section → entity → its fields.
    else writeJson(slice, (s) => parts.push(s), 4, 0, method === "arrays" ? { arraysWhole: true, items: 64 } : {});
    texts.push(parts);
  }
  const used = process.cpuUsage(start);
  // Digests outside the timed part: hashing is not encoding.
  for (const parts of texts) {
    const h = createHash("sha256");
    for (const p of parts) {
      h.update(p);
      bytes += Buffer.byteLength(p);
    }
    digests.push(h.digest("hex"));
  }
  return { cpuMs: (used.user + used.system) / 1000, bytes, digests };
}

const times: Record<Method, number[]> = { fields: [], arrays: [], floor: [] };
let reference: string[] | null = null;
let bytes = 0;
for (let r = 0; r < rounds; r++) {
  // Each round in a different order, so that none is always first after a collection.
  const order = r % 2 === 0 ? METHODS : [...METHODS].reverse();
  for (const m of order) {
    const out = run(m);
    times[m].push(out.cpuMs);
    bytes = out.bytes;
    if (reference === null) reference = out.digests;
    else if (out.digests.join() !== reference.join()) throw new Error(`${m}: the text differs from the other methods'`);
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
console.log(`${functions} functions, ${slices.length} slices, ${(bytes / 1e6).toFixed(1)} MB of JSON, ${rounds} rounds; the three texts identical (sha256 per slice)`);
console.log("| method | CPU ms median | range | × floor |");
console.log("|---|---:|---:|---:|");
for (const m of METHODS) {
  const t = times[m];
  console.log(`| ${m} | ${median(t).toFixed(0)} | ${Math.min(...t).toFixed(0)}–${Math.max(...t).toFixed(0)} | ${(median(t) / median(times.floor)).toFixed(2)} |`);
}
