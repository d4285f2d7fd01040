/**
 * `readUsage(paths, options)`: every usage file under the given paths → one UsageAggregate.
 *
 * Files are found by walking directories (the S3 `AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/`
 * tree or flat; digest and Insights folders skipped), read one file per worker thread across the
 * cores, and merged on the main thread in a fixed order so the result does not depend on timing.
 * Memory: each worker holds one decompressed file at a time; the main thread holds the aggregate
 * (bounded by sessions × actions × capped resources) and the eventID dedup buffers, which spill to
 * a temporary directory past `dedupMemoryEntries` (dedup.ts: exact for any file order).
 */

import { existsSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { InputError } from "../errors.js";
import { UsageAggregator, type UsageAggregate } from "./aggregate.js";
import type { DedupOptions } from "./dedup.js";
import { readUsageFile, type FileResult, type ReadFileOptions } from "./read-file.js";

export interface ReadUsageProgress {
  filesDone: number;
  filesTotal: number;
  recordsRead: number;
  bytesRead: number;
  bytesTotal: number;
}

export interface ReadUsageOptions extends ReadFileOptions {
  /** Worker threads; default: available cores (1 = read in-process, no workers). */
  workers?: number;
  /** Called after each file is merged (in merge order). */
  onProgress?: (p: ReadUsageProgress) => void;
  /** Keep only files whose path passes (after the built-in digest/Insights exclusion). */
  filter?: (path: string) => boolean;
  /** eventID fingerprints (12 bytes each) kept in memory before spilling to disk. Default 2²⁰. */
  dedupMemoryEntries?: number;
  /** Directory for the dedup spill files. Default: the OS temporary directory. */
  spillDir?: string;
}

/** Folders of the S3 tree that hold no API events. */
const SKIP_DIRS = new Set(["CloudTrail-Digest", "CloudTrail-Insight", "node_modules", ".git"]);

/** Files under the given paths, sorted (directories walked; missing paths are an InputError). */
export function listUsageFiles(paths: string[], filter?: (p: string) => boolean): { path: string; size: number }[] {
  const out: { path: string; size: number }[] = [];
  const walk = (p: string, top: boolean): void => {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      if (top) throw new InputError(`usage input not found: ${(e as Error).message}`, { file: p });
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) {
        if (SKIP_DIRS.has(name) || name.startsWith(".")) continue;
        walk(join(p, name), false);
      }
    } else if (st.isFile()) {
      // In directories: data files by extension, or no extension (cloudmapper's per-ARN files).
      const name = p.split(/[\\/]/).pop() ?? "";
      if (!top && /\.[A-Za-z0-9]+$/.test(name) && !/\.(json|jsonl|ndjson|gz|csv)$/i.test(name)) return;
      if (filter === undefined || filter(p)) out.push({ path: p, size: st.size });
    }
  };
  for (const p of paths) walk(p, true);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export async function readUsage(paths: string[], options: ReadUsageOptions = {}): Promise<UsageAggregate> {
  const files = listUsageFiles(paths, options.filter);
  const dedup: DedupOptions = {};
  if (options.dedupMemoryEntries !== undefined) dedup.memoryEntries = options.dedupMemoryEntries;
  if (options.spillDir !== undefined) dedup.spillDir = options.spillDir;
  const agg = new UsageAggregator(options.resourceCap ?? 50, dedup);
  try {
    return await readInto(agg, files, options);
  } finally {
    // Spill files are removed by finish(); this covers a read that failed half-way.
    agg.dispose();
  }
}

async function readInto(agg: UsageAggregator, files: { path: string; size: number }[], options: ReadUsageOptions): Promise<UsageAggregate> {
  const fileOptions: ReadFileOptions = {};
  if (options.fastScan !== undefined) fileOptions.fastScan = options.fastScan;
  if (options.resourceCap !== undefined) fileOptions.resourceCap = options.resourceCap;
  if (options.maxRecordWarnings !== undefined) fileOptions.maxRecordWarnings = options.maxRecordWarnings;
  const bytesTotal = files.reduce((s, f) => s + f.size, 0);
  let bytesRead = 0;
  let recordsRead = 0;
  let done = 0;
  const mergeOne = (i: number, r: FileResult): void => {
    agg.merge(r.partial);
    for (const a of r.accessAdvisor) agg.addAccessAdvisor(a);
    for (const f of r.accessAnalyzer) agg.addAccessAnalyzer(f);
    done++;
    bytesRead += (files[i] as { size: number }).size;
    recordsRead += r.partial.records;
    options.onProgress?.({ filesDone: done, filesTotal: files.length, recordsRead, bytesRead, bytesTotal });
  };
  let nWorkers = Math.max(1, Math.min(options.workers ?? availableParallelism(), files.length));
  if (nWorkers > 1 && workerEntry() === null) {
    agg.addWarning({ code: "usage-workers-unavailable", severity: "info", message: "usage worker entry not found next to the library; reading in one thread" });
    nWorkers = 1;
  }
  if (nWorkers <= 1) {
    files.forEach((f, i) => mergeOne(i, readUsageFile(f.path, fileOptions)));
    return agg.finish();
  }
  await readWithWorkers(files.map((f) => f.path), nWorkers, fileOptions, mergeOne);
  return agg.finish();
}

/**
 * The worker entry next to this module: `worker.ts` when running from source (tsx, vitest), else
 * `usage-worker.js` (the build's entry for src/usage/worker.ts). Null when it is not there (a
 * re-bundled embedding): reading then stays in-process.
 */
function workerEntry(): URL | null {
  const here = import.meta.url;
  const url = new URL(here.endsWith(".ts") ? "./worker.ts" : "./usage-worker.js", here);
  try {
    return url.protocol === "file:" && existsSync(fileURLToPath(url)) ? url : null;
  } catch {
    return null;
  }
}

function spawnWorker(): Worker {
  const here = import.meta.url;
  if (here.endsWith(".ts")) {
    // Running from source: register tsx's loader inside the worker, then load the .ts entry.
    const entry = JSON.stringify(new URL("./worker.ts", here).href);
    return new Worker(`import("tsx/esm/api").then((m) => { m.register(); return import(${entry}); })`, { eval: true });
  }
  return new Worker(new URL("./usage-worker.js", here));
}

/**
 * One file per worker at a time; results merged in file order (a small reorder buffer), so the
 * aggregate is identical to a sequential read whatever the scheduling.
 */
async function readWithWorkers(paths: string[], n: number, options: ReadFileOptions, merge: (i: number, r: FileResult) => void): Promise<void> {
  const workers = Array.from({ length: n }, spawnWorker);
  let next = 0;
  let nextToMerge = 0;
  const ready = new Map<number, FileResult>();
  try {
    await new Promise<void>((resolve, reject) => {
      let finished = false;
      const fail = (e: unknown): void => {
        if (!finished) {
          finished = true;
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      };
      const feed = (w: Worker): void => {
        if (next >= paths.length) return;
        const id = next++;
        w.postMessage({ id, path: paths[id], options });
      };
      for (const w of workers) {
        w.on("message", (m: { id: number; result?: FileResult; error?: string }) => {
          if (m.error !== undefined || m.result === undefined) {
            fail(new InputError(`reading usage file failed: ${m.error ?? "no result"}`, { file: paths[m.id] as string }));
            return;
          }
          ready.set(m.id, m.result);
          while (ready.has(nextToMerge)) {
            const r = ready.get(nextToMerge) as FileResult;
            ready.delete(nextToMerge);
            try {
              merge(nextToMerge, r);
            } catch (e) {
              fail(e);
              return;
            }
            nextToMerge++;
          }
          if (nextToMerge === paths.length) {
            finished = true;
            resolve();
            return;
          }
          feed(w);
        });
        w.on("error", fail);
        w.on("exit", (code) => {
          if (!finished && code !== 0) fail(new Error(`usage worker exited with code ${code}`));
        });
        feed(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
