/** Quick in-process comparison of the byte scanner and JSON.parse on generated data (interleaved). */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { scanRecords } from "../../src/usage/scan-records.js";
import { FileAccumulator } from "../../src/usage/accumulate.js";

const dir = process.argv[2] ?? join("bench/out/usage", readdirSync("bench/out/usage").filter((n) => n.startsWith("1000000-")).sort()[0] ?? "1000000");
const files: string[] = [];
const walk = (d: string): void => { for (const n of readdirSync(d)) { const p = join(d, n); if (statSync(p).isDirectory()) walk(p); else files.push(p); } };
walk(dir);
const bufs = files.map((f) => gunzipSync(readFileSync(f)));
const time = (label: string, f: () => void): void => { const t = process.hrtime.bigint(); const c = process.cpuUsage(); f(); const u = process.cpuUsage(c); console.log(label, "wall", Math.round(Number(process.hrtime.bigint() - t) / 1e6), "ms cpu", Math.round((u.user + u.system) / 1000), "ms"); };
for (let round = 0; round < 3; round++) {
  time("scan", () => { let n = 0; for (const b of bufs) scanRecords(b, { event: () => n++, skipped: () => {} }); });
  time("scan+accumulate", () => { for (const b of bufs) { const acc = new FileAccumulator("x"); scanRecords(b, { event: (ev, i) => acc.add(ev, i), skipped: () => {} }); acc.finish(); } });
  time("JSON.parse", () => { for (const b of bufs) JSON.parse(b.toString("utf8")); });
  time("toString only", () => { for (const b of bufs) b.toString("utf8"); });
}
