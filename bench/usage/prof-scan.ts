import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { scanRecords } from "../../src/usage/scan-records.js";
const dir = "bench/out/usage/50000";
const files: string[] = [];
const walk = (d: string): void => { for (const n of readdirSync(d)) { const p = join(d, n); if (statSync(p).isDirectory()) walk(p); else files.push(p); } };
walk(dir);
const bufs = files.map((f) => gunzipSync(readFileSync(f)));
for (let r = 0; r < 3; r++) { let n = 0; for (const b of bufs) scanRecords(b, { event: () => n++, skipped: () => {} }); }
