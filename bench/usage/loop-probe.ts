/** Raw byte-loop speed probe: how fast can JS walk the bytes tracking strings and depth? */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
const dir = "bench/out/usage/1000000/AWSLogs/123837392027/CloudTrail/us-east-1";
const files: string[] = [];
const walk = (d: string): void => { for (const n of readdirSync(d)) { const p = join(d, n); if (statSync(p).isDirectory()) walk(p); else files.push(p); } };
walk(dir);
const bufs = files.map((f) => gunzipSync(readFileSync(f)));
function skipAll(b: Uint8Array): number {
  const n = b.length;
  let depth = 0, i = 0, recs = 0;
  while (i < n) {
    const c = b[i]!;
    if (c === 0x22) {
      i++;
      for (;;) { const d = b[i]!; if (d === 0x22) break; i += d === 0x5c ? 2 : 1; }
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) { depth--; if (depth === 2) recs++; }
    i++;
  }
  return recs;
}
function skipIndexOf(b: Buffer): number {
  const n = b.length;
  let depth = 0, i = 0, recs = 0;
  while (i < n) {
    const c = b[i]!;
    if (c === 0x22) {
      for (;;) { i = b.indexOf(0x22, i + 1); let k = i - 1, bs = 0; while (b[k] === 0x5c) { bs++; k--; } if ((bs & 1) === 0) break; }
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) { depth--; if (depth === 2) recs++; }
    i++;
  }
  return recs;
}
const bytes = bufs.reduce((s, b) => s + b.length, 0);
for (let r = 0; r < 3; r++) {
  for (const [name, f] of [["loop", skipAll], ["indexOf", skipIndexOf]] as const) {
    const c = process.cpuUsage(); let recs = 0;
    for (const b of bufs) recs += f(b as Buffer);
    const u = process.cpuUsage(c); const ms = (u.user + u.system) / 1000;
    console.log(name, Math.round(ms), "ms cpu", Math.round(bytes / 1e6 / (ms / 1000)), "MB/s", recs);
  }
}
