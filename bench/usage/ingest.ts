/**
 * CloudTrail ingestion benchmark: leastrole's readUsage against (a) the floor, gunzip + JSON.parse
 * of the same files in Node, one thread and all cores, and (b) DuckDB read_json with all threads,
 * in one run on the same files. Each method runs in its own child process so its peak RSS
 * (getrusage maxrss) is its own.
 *
 *   npx tsx bench/usage/ingest.ts [--records 1000000] [--files 200] [--methods a,b,c] [--runs 1]
 *
 * Data is generated (deterministic) under bench/out/usage/<records>-<generator hash>/ when
 * missing: a change to the generator gives new data, never a stale mix.
 */

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { availableParallelism, cpus, totalmem } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { gunzipSync } from "node:zlib";

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? dflt) : dflt;
};

function listGz(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith(".json.gz")) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** The floor's per-file work: what any reader of these files must at least do. */
const FLOOR_FILE = `
const { readFileSync } = require("node:fs");
const { gunzipSync } = require("node:zlib");
function floorFile(p, groups) {
  const doc = JSON.parse(gunzipSync(readFileSync(p)).toString("utf8"));
  let n = 0;
  for (const r of doc.Records) {
    const k = (r.userIdentity && r.userIdentity.sessionContext && r.userIdentity.sessionContext.sessionIssuer && r.userIdentity.sessionContext.sessionIssuer.arn) + "|" + r.eventSource + "|" + r.eventName;
    groups.set(k, (groups.get(k) || 0) + 1);
    n++;
  }
  return n;
}`;

async function method(name: string, files: string[], dir: string): Promise<{ records: number; groups: number; note?: string }> {
  switch (name) {
    case "floor-1": {
      const groups = new Map<string, number>();
      let records = 0;
      for (const p of files) {
        const doc = JSON.parse(gunzipSync(readFileSync(p)).toString("utf8")) as { Records: any[] };
        for (const r of doc.Records) {
          const k = `${r.userIdentity?.sessionContext?.sessionIssuer?.arn}|${r.eventSource}|${r.eventName}`;
          groups.set(k, (groups.get(k) ?? 0) + 1);
          records++;
        }
      }
      return { records, groups: groups.size };
    }
    case "floor-all": {
      const n = availableParallelism();
      let next = 0;
      let records = 0;
      const all = new Map<string, number>();
      await Promise.all(
        Array.from({ length: n }, () => new Promise<void>((resolve, reject) => {
          const w = new Worker(`${FLOOR_FILE}
            const { parentPort } = require("node:worker_threads");
            parentPort.on("message", (p) => { const g = new Map(); const n = floorFile(p, g); parentPort.postMessage({ n, g: [...g] }); });`, { eval: true });
          const feed = (): void => {
            if (next >= files.length) {
              void w.terminate().then(() => resolve());
              return;
            }
            w.postMessage(files[next++]);
          };
          w.on("message", (m: { n: number; g: [string, number][] }) => {
            records += m.n;
            for (const [k, c] of m.g) all.set(k, (all.get(k) ?? 0) + c);
            feed();
          });
          w.on("error", reject);
          feed();
        })),
      );
      return { records, groups: all.size, note: `${n} worker threads` };
    }
    case "duckdb": {
      const { DuckDBInstance } = duck as typeof import("@duckdb/node-api");
      const inst = await DuckDBInstance.create(":memory:", { threads: String(availableParallelism()) });
      const c = await inst.connect();
      const cols = "{'Records': 'STRUCT(eventSource VARCHAR, eventName VARCHAR, eventTime VARCHAR, userIdentity STRUCT(type VARCHAR, arn VARCHAR, sessionContext STRUCT(sessionIssuer STRUCT(arn VARCHAR))))[]'}";
      const q = `SELECT r.userIdentity.sessionContext.sessionIssuer.arn AS role_arn, r.eventSource, r.eventName, count(*) AS n
        FROM (SELECT unnest(Records) AS r FROM read_json('${dir}/**/*.json.gz', columns = ${cols}, maximum_object_size = 268435456)) GROUP BY ALL`;
      const rows = (await c.runAndReadAll(q)).getRowObjectsJson() as { n: string }[];
      return { records: rows.reduce((s, r) => s + Number(r.n), 0), groups: rows.length, note: `threads=${availableParallelism()}, explicit columns` };
    }
    case "leastrole":
    case "leastrole-1":
    case "leastrole-fullparse": {
      const { readUsage } = lib as typeof import("../../src/usage/index.js");
      const agg = await readUsage([dir], {
        workers: name === "leastrole-1" ? 1 : availableParallelism(),
        fastScan: name !== "leastrole-fullparse",
      });
      const groups = agg.sessions.reduce((s, x) => s + x.actions.length, 0);
      return { records: agg.coverage.recordsRead, groups, note: `sessions=${agg.sessions.length} duplicatesRemoved=${agg.coverage.duplicatesRemoved}` };
    }
    default:
      throw new Error(`unknown method ${name}`);
  }
}

let duck: unknown;
let lib: unknown;

async function child(name: string, dir: string): Promise<void> {
  const files = listGz(dir);
  // Module loading is not ingestion: done before the clock starts. leastrole runs from a bundle
  // built like the package (bench/out/usage-dist), so its worker threads load plain JS.
  if (name === "duckdb") duck = await import("@duckdb/node-api");
  if (name.startsWith("leastrole")) lib = await import(join(process.cwd(), "bench/out/usage-dist/index.js"));
  const t = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const r = await method(name, files, dir);
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  // CPU time of all the process's threads (workers, DuckDB's threads): less sensitive than wall
  // time to other load on a shared machine.
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  // maxRSS is in kilobytes; worker threads share the process, so it includes them.
  console.log(JSON.stringify({ method: name, seconds, cpuSeconds, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), ...r }));
}

async function main(): Promise<void> {
  if (args[0] === "--child") {
    await child(args[1] as string, args[2] as string);
    return;
  }
  const records = Number(opt("records", "1000000"));
  const nFiles = Number(opt("files", String(Math.round(records / 5000))));
  const methods = opt("methods", "floor-1,floor-all,duckdb,leastrole,leastrole-1").split(",");
  const runs = Number(opt("runs", "1"));
  const genHash = createHash("sha256").update(readFileSync("bench/usage/generate.ts")).digest("hex").slice(0, 8);
  const dir = join("bench/out/usage", `${records}-${genHash}`);
  if (!existsSync(dir)) {
    const { generate } = await import("./generate.js");
    const g = generate(dir, nFiles, Math.round(records / nFiles));
    console.error(`generated ${JSON.stringify(g)}`);
  }
  // Bundle src/usage like tsup would (index + the worker entry, side by side).
  execFileSync("node_modules/.bin/esbuild", ["src/usage/index.ts", "src/usage/worker.ts", "--bundle", "--platform=node", "--format=esm", "--target=node20", "--outdir=bench/out/usage-dist", "--entry-names=[name]", "--log-level=warning"]);
  execFileSync("mv", ["bench/out/usage-dist/worker.js", "bench/out/usage-dist/usage-worker.js"]);
  // The children run this file as plain JavaScript: under tsx, every worker thread would load its
  // modules through tsx's loader thread, a cost of the benchmark harness, not of any reader.
  execFileSync("node_modules/.bin/esbuild", ["bench/usage/ingest.ts", "--bundle", "--platform=node", "--format=esm", "--target=node20", "--packages=external", "--outfile=bench/out/usage-dist/ingest-child.mjs", "--log-level=warning"]);
  const files = listGz(dir);
  const gz = files.reduce((s, f) => s + statSync(f).size, 0);
  console.error(`machine: ${cpus()[0]?.model ?? "?"} × ${availableParallelism()} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`);
  console.error(`data: ${files.length} files, ${(gz / 2 ** 20).toFixed(1)} MiB gzip, ${records} records`);
  for (let run = 0; run < runs; run++) {
    for (const m of methods) {
      const out = execFileSync(process.execPath, ["bench/out/usage-dist/ingest-child.mjs", "--child", m, dir], { encoding: "utf8", maxBuffer: 1 << 24 });
      process.stdout.write(out);
    }
  }
}

await main();
