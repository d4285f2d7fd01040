/**
 * One readUsage over a folder, from an esbuild bundle of src/usage, with its timeline: when the
 * first and last files were done (onProgress), when the aggregate was ready, and the process's
 * CPU time. Used for the interleaved A/B rounds and the GC counts of bench/results/usage.md:
 *
 *   node_modules/.bin/esbuild src/usage/index.ts src/usage/worker.ts --bundle --platform=node \
 *     --format=esm --target=node20 --outdir=bench/out/abX --entry-names=[name] \
 *     && mv bench/out/abX/worker.js bench/out/abX/usage-worker.js
 *   LIB=$PWD/bench/out/abX/index.js node bench/usage/timeline.mjs <dir> [workers=2]
 *   LIB=… node --trace-gc bench/usage/timeline.mjs <dir> 1      (garbage collections, one thread)
 *
 * The bundle must sit inside the repository: it finds build/wasm/ from its own location.
 */
const lib = await import(process.env.LIB ?? new URL("../out/usage-dist/index.js", import.meta.url).href);
const [dir, workers = "2"] = process.argv.slice(2);
if (dir === undefined) throw new Error("usage: node bench/usage/timeline.mjs <dir> [workers]");
const t0 = performance.now();
const c0 = process.cpuUsage();
let first = null;
let last = null;
const agg = await lib.readUsage([dir], {
  workers: Number(workers),
  onProgress: () => {
    last = performance.now() - t0;
    first ??= last;
  },
});
const end = performance.now() - t0;
const cpu = process.cpuUsage(c0);
console.log(JSON.stringify({ records: agg.coverage.recordsRead, firstFileMs: Math.round(first), lastFileMs: Math.round(last), endMs: Math.round(end), tailMs: Math.round(end - last), cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
