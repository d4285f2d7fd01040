// Hottest source lines of a V8 .cpuprofile (self time, from positionTicks), with the line's text.
//   node bench/profile/lines.mjs <file.cpuprofile> <bundle.mjs> [rows=30]
import { readFileSync } from "node:fs";

const [file, bundle, rowsArg] = process.argv.slice(2);
const p = JSON.parse(readFileSync(file, "utf8"));
const text = readFileSync(bundle, "utf8").split("\n");
const perTick = (p.endTime - p.startTime) / 1000 / p.samples.length;
const lines = new Map();
for (const n of p.nodes) {
  if (!n.callFrame.url.endsWith(bundle.replace(/^.*\//, ""))) continue;
  for (const t of n.positionTicks ?? []) lines.set(t.line, (lines.get(t.line) ?? 0) + t.ticks);
}
for (const [line, ticks] of [...lines].sort((a, b) => b[1] - a[1]).slice(0, Number(rowsArg ?? 30))) {
  console.log(`${(ticks * perTick).toFixed(0).padStart(6)} ms  ${String(line).padStart(6)}  ${text[line - 1].trim().slice(0, 150)}`);
}
