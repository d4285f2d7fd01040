// One measurement in a fresh process, so peak RSS belongs to this configuration alone.
//   node bench/evaluate-child.mjs <doc.json> <object|encoded> <runs>
// Prints JSON: { evalMs: [...], wasmMemoryBytes, findings }.
import { readFileSync } from "node:fs";
import { encodeDocument, evaluateDocument, loadBuiltinPack } from "../dist/index.js";

const [file, mode, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 5);
const text = readFileSync(file, "utf8");
const doc = JSON.parse(text);
const pack = loadBuiltinPack();
const evalMs = [];
let findings = 0;
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  // object: what an embedder with a document in memory pays (stringify + encode + copy + eval);
  // encoded: the document's JSON text is already at hand (read from disk), encoded once.
  const input = mode === "encoded" ? encodeDocument(doc, text) : doc;
  const result = evaluateDocument(input, [pack]);
  evalMs.push(performance.now() - t);
  findings = result.findings.length;
}
process.stdout.write(JSON.stringify({ evalMs, findings }) + "\n");
