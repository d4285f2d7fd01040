/**
 * A custom pack whose evaluation runs long is said on stderr while it runs. Why: a rule that
 * iterates far more than it needs (nested `some` over every function and role, a comprehension
 * over a large range, a partial rule looked up by key, which wasm re-evaluates on every lookup)
 * kept `leastrole audit` silent for ten minutes and more, with no word of which pack ran. (Said,
 * not stopped: a pack that is slow on a large account is not wrong, and Ctrl-C ends the audit.)
 *
 * The evaluation is synchronous wasm on this thread, so nothing on it can speak until it returns:
 * a watchdog thread waits on a shared flag and writes to stderr itself (fs.writeSync on fd 2 does
 * not go through this thread's event loop). Only the CLI turns it on (noticeSlowPacks): an
 * embedder's stderr is the embedder's. The built-in pack is not watched.
 */
import { Worker } from "node:worker_threads";
import type { RulePack } from "./pack.js";

let afterMs: number | undefined;

/** Say on stderr when a custom pack's evaluation has run `ms` milliseconds, and again at twice, four times … that; undefined: never. */
export function noticeSlowPacks(ms: number | undefined): void {
  afterMs = ms;
}

// A CommonJS script (eval: true), so that it runs the same from the ESM and CommonJS builds.
const WATCHDOG = `
const { workerData } = require("node:worker_threads");
const { writeSync } = require("node:fs");
const flag = new Int32Array(workerData.flag);
let waited = 0;
let wait = workerData.afterMs;
let message = workerData.message;
while (Atomics.wait(flag, 0, 0, wait) === "timed-out") {
  waited += wait;
  try { writeSync(2, message.replace("{s}", String(Math.max(1, Math.round(waited / 1000))))); } catch {}
  // The advice once; then the time alone, ever less often (after 30 s, 60 s, 120 s …).
  message = workerData.again;
  wait = waited;
}
`;

/** Starts watching a pack's evaluation; the function returned stops it (call it when the evaluation returns or throws). */
export function watchSlowPack(pack: RulePack): () => void {
  if (afterMs === undefined || pack.origin === "builtin") return () => {};
  const files = [...new Set(pack.catalog.rules.map((r) => (r.file ? `${r.id} ${r.file}${r.line ? `:${r.line}` : ""}` : r.id)))];
  const rules = files.length === 0 ? "" : ` (its rules: ${files.slice(0, 5).join(", ")}${files.length > 5 ? ", …" : ""})`;
  const message =
    `leastrole: rule pack ${pack.origin} is still evaluating after {s} s${rules}: a rule may iterate over far more than it needs ` +
    "(nested `some` over functions and roles, a large comprehension, a partial rule looked up by key, which wasm re-evaluates on every lookup: " +
    'docs/writing-rules.md, "What runs in WebAssembly"); Ctrl-C stops it\n';
  const flag = new SharedArrayBuffer(4);
  try {
    const again = `leastrole: rule pack ${pack.origin} is still evaluating after {s} s\n`;
    const worker = new Worker(WATCHDOG, { eval: true, workerData: { flag, afterMs, message, again } });
    worker.unref();
  } catch {
    return () => {};
  }
  return () => {
    const cell = new Int32Array(flag);
    Atomics.store(cell, 0, 1);
    Atomics.notify(cell, 0);
  };
}
