/**
 * Interleaved A/B of readUsage over a subset of the 1M files (read, gunzip, scan, accumulate,
 * merge), in one process, so both sides see the same machine load; the aggregates must be equal. CPU time (process.cpuUsage) is what is
 * compared: wall time on the shared 2-core machine varies with other engineers' jobs.
 *
 *   npx tsx bench/usage/ab.ts A.mjs B.mjs [files=17] [rounds=6]
 * A.js / B.js: esbuild bundles of src/usage/index.ts (e.g. one built from HEAD, one from the tree).
 */
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const [a, b, nFiles = "17", nRounds = "6"] = process.argv.slice(2);
if (a === undefined || b === undefined) throw new Error("usage: ab.ts A.js B.js [files] [rounds]");
// The 1M-record data ingest.ts generated (bench/out/usage/1000000-<generator hash>), or $DATA.
const dir = process.env.DATA ?? join("bench/out/usage", readdirSync("bench/out/usage").filter((n) => n.startsWith("1000000-")).sort()[0] ?? "1000000");
const files: string[] = [];
const walk = (d: string): void => {
  for (const n of readdirSync(d).sort()) {
    const p = join(d, n);
    if (statSync(p).isDirectory()) walk(p);
    else if (n.endsWith(".json.gz")) files.push(p);
  }
};
walk(dir);
const pick = files.filter((_, i) => i % Math.floor(files.length / Number(nFiles)) === 0).slice(0, Number(nFiles));
type Agg = { coverage: { recordsRead: number }; sessions: unknown[] };
type Lib = { readUsage: (paths: string[], o?: object) => Promise<Agg> };
const libs: [string, Lib][] = [
  ["A", (await import(resolve(a))) as Lib],
  ["B", (await import(resolve(b))) as Lib],
];
const workers = Number(process.env.AB_WORKERS ?? "1");
const wanted = new Set(pick);
const res: { [k: string]: number[] } = { A: [], B: [] };
let check: string | null = null;
for (let r = 0; r < Number(nRounds); r++) {
  for (const [name, lib] of r % 2 === 0 ? libs : [...libs].reverse()) {
    const c = process.cpuUsage();
    const agg = await lib.readUsage([dir], { workers, filter: (p: string) => wanted.has(p) });
    const u = process.cpuUsage(c);
    // Both sides must produce the same aggregate (files aside: their order is the same anyway).
    const key = JSON.stringify(agg.sessions);
    if (check === null) check = key;
    else if (key !== check) console.error(`round ${r}: ${name} gives a different aggregate`);
    (res[name] as number[]).push(Math.round((u.user + u.system) / 1000));
  }
}
const med = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
for (const [k, v] of Object.entries(res)) console.log(`${k}: readUsage CPU-ms (this process) ${v.join(" ")} (median of rounds 2+: ${med(v.slice(1))}), ${pick.length} files, workers=${workers}`);
