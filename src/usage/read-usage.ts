/**
 * `readUsage(paths, options)`: every usage file under the given paths → one UsageAggregate.
 *
 * Files are found by walking directories (the S3 `AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/`
 * tree or flat; digest and Insights folders skipped), read one file at a time per worker thread
 * across the cores into a per-worker batch, and the batches merged on the main thread (merging is
 * order-independent, so the result does not depend on timing). Memory: each worker holds one
 * decompressed file and a batch of at most `batchFingerprints` events' fingerprints (plus its
 * sessions × actions aggregate); the main thread holds the aggregate
 * (bounded by sessions × actions × capped resources) and the eventID dedup buffers, which spill to
 * a temporary directory past `dedupMemoryEntries` (dedup.ts: exact for any file order).
 */

import { lstatSync, readdirSync, readlinkSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { Worker } from "node:worker_threads";
import { InputError } from "../errors.js";
import { checkPathList } from "../path-list.js";
import { startWorker, workerEntry } from "../worker-entry.js";
import { UsageAggregator, type UsageAggregate } from "./aggregate.js";
import { sessionsLabelsRead, type SessionFilterDocument } from "./session-filter.js";
import type { DedupOptions } from "./dedup.js";
import { BatchReader, type FileResult, type ReadFileOptions } from "./read-file.js";
import { unpackBatch, type WireBatch } from "./batch-wire.js";

export interface ReadUsageProgress {
  filesDone: number;
  filesTotal: number;
  recordsRead: number;
  bytesRead: number;
  bytesTotal: number;
}

export interface ReadUsageOptions extends ReadFileOptions {
  /** Worker threads; default: available cores, or none when the files total under 1 MiB (1 = read in-process, no workers). */
  workers?: number;
  /** Called after each file is read (in the order reads complete). */
  onProgress?: (p: ReadUsageProgress) => void;
  /** Keep only files whose path passes (after the built-in digest/Insights exclusion). */
  filter?: (path: string) => boolean;
  /** eventID fingerprints (12 bytes each) kept in memory before spilling to disk. Default 2²⁰. */
  dedupMemoryEntries?: number;
  /** Directory for the dedup spill files. Default: the OS temporary directory. */
  spillDir?: string;
  /** A reader's batch of files is merged when it holds this many eventID fingerprints (default 2²⁰) or 2¹⁴ groups. */
  batchFingerprints?: number;
  /** Stops the reading (workers are stopped, the promise rejects): the caller no longer needs it. */
  signal?: AbortSignal;
  /**
   * Start one worker now and the others once this settles: for a caller that keeps one core busy
   * until then (the audit normalises the account while the first worker reads). Default: all now.
   */
  moreWorkersAfter?: Promise<unknown>;
  /**
   * Paths the caller met among the activity inputs but could not read (a file it cannot open, a
   * folder it cannot list, a broken link), with what went wrong: each is reported as a file that
   * could not be read, and makes the usage partial, since the events it held are missing.
   */
  unread?: Array<{ path: string; message: string; named?: boolean }>;
  /**
   * The document the aggregate will be labelled against, once the caller knows it (null: none):
   * the sessions its labels do not read (session-filter.ts sessionsLabelsRead) are left out of the
   * aggregate, in the workers and on this thread, and their records still count in the coverage.
   * The reading waits for it to settle before it finishes, so the aggregate is the same whenever
   * it does; a rejection counts as null. The audit gives its document once the account is normalised.
   */
  sessionsFor?: Promise<SessionFilterDocument | null>;
}

/** Folders of the S3 tree that hold no API events. */
const SKIP_DIRS = new Set(["CloudTrail-Digest", "CloudTrail-Insight", "node_modules", ".git"]);

/**
 * Files under the given paths, sorted (directories walked; missing paths are an InputError). With
 * `unread`, what a walk meets but cannot read (a folder it cannot list, a broken link among the
 * data files) is put there with what went wrong; before, a broken link was left out without a word
 * and a folder that could not be listed threw. A link back to a folder being walked is not
 * followed (it was walked again at every level until the path was too long).
 */
export function listUsageFiles(paths: string[], filter?: (p: string) => boolean, unread?: Array<{ path: string; message: string }>): { path: string; size: number }[] {
  const out: { path: string; size: number }[] = [];
  const ancestors = new Set<string>();
  const walk = (p: string, top: boolean): void => {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      if (top) throw new InputError(`usage input not found: ${(e as Error).message}`, { file: p });
      if (isDataFileName(p) && (filter === undefined || filter(p))) unread?.push({ path: p, message: statProblem(p, e) });
      return;
    }
    if (st.isDirectory()) {
      const id = `${st.dev}:${st.ino}`;
      if (ancestors.has(id)) return;
      let names: string[];
      try {
        names = readdirSync(p).sort();
      } catch (e) {
        if (unread === undefined) throw e;
        unread.push({ path: p, message: `cannot list the folder: ${(e as Error).message}` });
        return;
      }
      ancestors.add(id);
      for (const name of names) {
        if (SKIP_DIRS.has(name) || name.startsWith(".")) continue;
        walk(join(p, name), false);
      }
      ancestors.delete(id);
    } else if (st.isFile()) {
      if (!top && !isDataFileName(p)) return;
      if (filter === undefined || filter(p)) out.push({ path: p, size: st.size });
    }
  };
  for (const p of paths) walk(p, true);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** In directories: data files by extension, or no extension (cloudmapper's per-ARN files). */
function isDataFileName(path: string): boolean {
  const name = path.split(/[\\/]/).pop() ?? "";
  return !/\.[A-Za-z0-9]+$/.test(name) || /\.(json|jsonl|ndjson|gz|csv)$/i.test(name);
}

/** Why a path listed in a folder cannot be stat'ed: a broken link said as one, else the error. */
export function statProblem(path: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") {
    try {
      if (lstatSync(path).isSymbolicLink()) return `a symbolic link to ${readlinkSync(path)}, which does not exist`;
    } catch {
      // Gone since it was listed: the error below says so.
    }
  }
  if (code === "ELOOP") return `a symbolic link that leads back to itself (${(e as Error).message})`;
  return `cannot read: ${(e as Error).message}`;
}

export async function readUsage(paths: string[], options: ReadUsageOptions = {}): Promise<UsageAggregate> {
  checkPathList(paths, "readUsage's paths");
  const unread = [...(options.unread ?? [])];
  const files = listUsageFiles(paths, options.filter, unread);
  const dedup: DedupOptions = {};
  if (options.dedupMemoryEntries !== undefined) dedup.memoryEntries = options.dedupMemoryEntries;
  if (options.spillDir !== undefined) dedup.spillDir = options.spillDir;
  const agg = new UsageAggregator(options.resourceCap ?? 50, dedup);
  for (const u of unread) {
    const message = `${u.message}; the activity data it may hold is missing, so the usage is partial`;
    agg.addFileReport({ path: u.path, format: "unreadable", sha256: "", records: 0, skipped: 0, partialReasons: [message] });
    // An error when the path was named on the command line (exit code 2), else a warning: met in a
    // folder walk, the rest is read and the usage partial (README's exit codes).
    agg.addWarning({ code: "unreadable-file", severity: u.named === true ? "error" : "warning", file: u.path, message });
  }
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
  // The document's filter, set as soon as it is known: the batches merged after it keep only the
  // sessions its labels read (readWithWorkers hands the document to the workers too).
  const sessionsFor = options.sessionsFor?.catch(() => null);
  const keep = sessionsFor?.then((d) => (d === null ? null : sessionsLabelsRead(d)));
  void keep?.then((f) => f !== null && agg.setSessionFilter(f));
  const finish = async (): Promise<UsageAggregate> => {
    const f = keep === undefined ? null : await keep;
    if (f !== null) agg.setSessionFilter(f);
    return agg.finish();
  };
  const mergeBatch = (r: FileResult): void => {
    agg.merge(r.partial);
    for (const a of r.accessAdvisor) agg.addAccessAdvisor(a);
    for (const f of r.accessAnalyzer) agg.addAccessAnalyzer(f);
    for (const t of r.trails ?? []) agg.addTrail(t);
  };
  const fileRead = (i: number, records: number): void => {
    done++;
    bytesRead += (files[i] as { size: number }).size;
    recordsRead += records;
    options.onProgress?.({ filesDone: done, filesTotal: files.length, recordsRead, bytesRead, bytesTotal });
  };
  const flushAt = options.batchFingerprints ?? BATCH_FINGERPRINTS;
  // A small input is read on this thread: starting a worker (its module, its scanner) costs more
  // than it saves below about a megabyte of logs (the demo account: 0.1 s of 0.5).
  const defaultWorkers = bytesTotal < IN_THREAD_BYTES ? 1 : availableParallelism();
  let nWorkers = Math.max(1, Math.min(options.workers ?? defaultWorkers, files.length));
  const entry = nWorkers > 1 ? usageWorkerEntry() : null;
  if (nWorkers > 1 && entry === null) {
    agg.addWarning({ code: "usage-workers-unavailable", severity: "info", message: "usage worker entry not found next to the library; reading in one thread" });
    nWorkers = 1;
  }
  if (nWorkers <= 1) {
    const reader = new BatchReader(fileOptions);
    files.forEach((f, i) => {
      options.signal?.throwIfAborted();
      fileRead(i, reader.read(f.path));
      if (reader.isFull(flushAt)) mergeBatch(reader.flush() as FileResult);
    });
    const last = reader.flush();
    if (last !== null) mergeBatch(last);
    return finish();
  }
  await readWithWorkers(entry as URL, files, nWorkers, fileOptions, flushAt, fileRead, mergeBatch, options.signal, options.moreWorkersAfter, sessionsFor);
  return finish();
}

/**
 * Files are read in batches (one accumulator for many files, merged once: see
 * FileAccumulator.nextFile); a batch is merged when it holds this many eventID fingerprints
 * (16 bytes each: 16 MiB) or many groups (BatchReader.isFull), which bounds a reader's memory
 * whatever the size of the logs. Merging runs on the main thread beside the workers on a small
 * machine: per million records it took 1.2 CPU-s at 2¹⁶, 0.7 at 2¹⁸, and the wall time of 2
 * workers fell by about a tenth again at 2²⁰ (bench/results/usage.md).
 */
const BATCH_FINGERPRINTS = 1 << 20;
/** Below this many bytes of files (as stored, compressed or not), no worker is started. */
const IN_THREAD_BYTES = 1 << 20;
/** The share of files taken after which every worker posts its batch (see readWithWorkers). */
const EARLY_FLUSH = 0.85;

/** A reader's young generation (startWorker in worker-entry.ts says why). */
const READER_YOUNG_GENERATION_MB = 96;

/** This stage's worker entry (src/worker-entry.ts): null when re-bundled without it. */
function usageWorkerEntry(): URL | null {
  return workerEntry(import.meta.url, "./worker.ts", "./usage-worker.js");
}

/**
 * The workers take the files one at a time from a shared counter, each reading into its own
 * batch; batches are merged as they arrive. Merging is order-independent (sums, minima and
 * maxima, the smallest ARNs of a sample, sorted lists; dedup.ts is exact for any order), so the
 * aggregate equals a sequential read whatever the scheduling. The workers never wait for this
 * thread: it only merges (earlier, it handed out files from its message handlers, and queued a few
 * MiB per worker so that they would not wait while it merged; a thread busy elsewhere, normalising
 * the account while the trail is read, would have starved them).
 */
async function readWithWorkers(
  entry: URL,
  files: { path: string; size: number }[],
  n: number,
  options: ReadFileOptions,
  flushAt: number,
  fileRead: (i: number, records: number) => void,
  merge: (r: FileResult) => void,
  signal?: AbortSignal,
  moreWorkersAfter?: Promise<unknown>,
  sessionsFor?: Promise<SessionFilterDocument | null>,
): Promise<void> {
  signal?.throwIfAborted();
  const workers: Worker[] = [];
  let flushed = 0;
  // Removed once the reading ends: a listener left on the caller's signal (the audit's lives to its
  // end) held `fail`, and through its scope `merge` and the whole aggregator, with every session's
  // groups: 156 MB of live heap to the end of an audit whose trail had 37,404 other sessions (session 48).
  let onAbort: (() => void) | null = null;
  try {
    await new Promise<void>((resolve, reject) => {
      let finished = false;
      const fail = (e: unknown): void => {
        if (!finished) {
          finished = true;
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      };
      onAbort = () => fail(signal?.reason ?? new Error("usage reading aborted"));
      signal?.addEventListener("abort", onAbort, { once: true });
      const next = new SharedArrayBuffer(4);
      const paths = files.map((f) => f.path);
      // Once most files are taken, each worker posts its batch so far: this thread merges those big
      // batches while the workers read the last files, and what is left to merge after the last
      // read (when the workers sit idle) is small.
      const earlyAt = Math.floor(files.length * EARLY_FLUSH);
      const start = (): void => {
        if (finished) return;
        const w = startWorker(entry, { youngGenerationMb: READER_YOUNG_GENERATION_MB });
        workers.push(w);
        w.on("message", (m: { id?: number; records?: number; error?: string; batch?: WireBatch; flushed?: boolean }) => {
          if (finished) return;
          if (m.error !== undefined) {
            fail(new InputError(`reading usage file failed: ${m.error}`, { file: files[m.id ?? -1]?.path ?? "" }));
            return;
          }
          try {
            if (m.batch !== undefined) merge(unpackBatch(m.batch));
            if (m.id !== undefined) fileRead(m.id, m.records ?? 0);
          } catch (e) {
            fail(e);
            return;
          }
          // A worker says "flushed" once no file is left: when every started one has, the reading
          // is done, and a worker not started yet is not needed.
          if (m.flushed === true && ++flushed === workers.length) {
            finished = true;
            resolve();
          }
        });
        w.on("error", fail);
        w.on("exit", (code) => {
          if (!finished && code !== 0) fail(new Error(`usage worker exited with code ${code}`));
        });
        w.postMessage({ kind: "pull", files: paths, next, options, flushAt, earlyAt, sessions });
      };
      // The document, once known, to the workers started (those started later get it with their files).
      // As JSON text, made once: a string is copied to each worker whole, where the document (every
      // function and role) was structured-cloned once per worker on the calling thread (~60 ms
      // each at 10,000 functions), and each worker parses its copy on its own core.
      let sessions: string | null = null;
      void sessionsFor?.then((d) => {
        if (d === null || finished) return;
        sessions = JSON.stringify(d);
        for (const w of workers) w.postMessage({ kind: "sessions", document: sessions });
      });
      start();
      const more = (): void => {
        for (let k = 1; k < n; k++) start();
      };
      if (moreWorkersAfter === undefined) more();
      else moreWorkersAfter.then(more, more);
    });
  } finally {
    if (onAbort !== null) signal?.removeEventListener("abort", onAbort);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
