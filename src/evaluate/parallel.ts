/**
 * The built-in pack's slices (rules-slices.ts) evaluated on worker threads beside the calling
 * thread. Why: the evaluate stage is single-threaded wasm, 6–8 s of the 10,000-function audit,
 * while the machine's other cores sit idle; slices are independent by construction, so they can
 * go anywhere and their results are concatenated in slice order, exactly as evaluated one after the
 * other (test/evaluate/parallel.test.ts).
 *
 * The calling thread encodes every slice (the view shares the document's objects, which only it
 * holds) and hands whole encoded slices to the workers, keeping each one a slice ahead so that it
 * never waits; in between it evaluates slices itself. A slice reaches its worker through one of the
 * worker's shared-memory slots (`AHEAD` per worker, sent once and grown when a slice does not fit):
 * the encoded bytes are copied in and only the slot's number travels. Why not transfer the chunks,
 * as this did before: every ArrayBuffer that arrives by transfer counts as new external memory of
 * the receiving thread, and V8 answers external memory growth with full mark-compacts, each marking
 * the audit's ~450 MB heap on the other core while both threads evaluate. (The 4 such collections
 * measured at 10,000 functions came mostly from the rule pack's instance being made again for
 * larger slices, see memory.ts; with the slots nothing is transferred at all after the first ones.)
 *
 * A worker that cannot start or dies leaves its slices to this thread: the result is the same,
 * only slower. An evaluation that fails in a worker fails the pack, as it would here.
 */
import type { Worker } from "node:worker_threads";
import { EvaluationError } from "../errors.js";
import { heldListsOf, type HeldLists } from "./held-lists.js";
import { startWorker, workerEntry } from "../worker-entry.js";
import type { RulePack } from "./pack.js";
import { slicesOf, type RulesSlices } from "./rules-slices.js";
import { ChunkSink, encodeChunked, parseResultText, recycle, type ResultText } from "./wasm-input.js";

/** Below this many slices the workers' start (~50 ms each, plus their instance) is not worth it. */
export const PARALLEL_MIN_SLICES = 4;

/** Slices queued per worker: the one it evaluates and the next, so it never waits for this thread. */
const AHEAD = 2;
/** Slices this thread keeps encoded for the workers before it evaluates one itself. */
const READY = 2;

type Reply = ({ id: number } & ResultText) | { id: number; error: string };

interface Lane {
  worker: Worker;
  /** Slice id → the slot holding it, and its length there. */
  inFlight: Map<number, { slot: number; length: number }>;
  /** The worker's input slots (shared memory; index = slot number) and which are free. */
  slots: SharedArrayBuffer[];
  free: number[];
  dead: boolean;
}

/** A slot's first size; one grows to the slice that does not fit, plus a quarter. */
const SLOT_BYTES = 8 << 20;

/** Copies an encoded slice into a free slot of the lane; the message for the worker. */
function fill(lane: Lane, id: number, sink: ChunkSink, slotBytes: number): { kind: "slice"; id: number; slot: number; length: number; buffer?: SharedArrayBuffer } {
  const slot = lane.free.pop() as number;
  let buffer: SharedArrayBuffer | undefined;
  if ((lane.slots[slot]?.byteLength ?? 0) < sink.length) {
    buffer = new SharedArrayBuffer(Math.max(slotBytes, Math.ceil((sink.length * 1.25) / 65536) * 65536));
    lane.slots[slot] = buffer;
  }
  const bytes = new Uint8Array(lane.slots[slot] as SharedArrayBuffer);
  let at = 0;
  for (const c of sink.chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  const length = sink.length;
  recycle(sink);
  lane.inFlight.set(id, { slot, length });
  // The slot's buffer travels once, when it is new: the worker keeps it.
  return buffer === undefined ? { kind: "slice", id, slot, length } : { kind: "slice", id, slot, length, buffer };
}

/**
 * Evaluates every slice, on `threads` workers and this thread. `result`: the results concatenated
 * in slice order, or the first result that is not an array (buildFindings reports it);
 * `onWorkers`: how many slices the workers evaluated. `evaluateHere` evaluates one encoded slice on
 * this thread (throws EvaluationError). `slotBytes`: the workers' input slots' first size (tests
 * make it small, so that slots grow); `onWorker`: told of each worker started (tests stop one).
 */
export async function evaluateSlicesParallel(
  pack: RulePack,
  slices: Array<Record<string, unknown>> | RulesSlices,
  data: Record<string, unknown>,
  evaluateHere: (input: ChunkSink) => unknown,
  threads: number,
  slotBytes = SLOT_BYTES,
  onWorker?: (worker: Worker) => void,
): Promise<{ result: unknown; onWorkers: number; problem: string | null }> {
  // Slices made as they are asked for (pendingRulesSlices), or given whole: each is dropped once encoded.
  const source = Array.isArray(slices) ? slicesOf(slices) : slices;
  let onWorkers = 0;
  // Why the workers did not all take part (no entry file, a worker that could not start or died).
  let problem: string | null = null;
  const results: unknown[] = new Array(source.count);
  // Each slice's held lists (held-lists.ts), put back into its findings when its result is in.
  const heldBy: Array<HeldLists | undefined> = new Array(source.count);
  const restore = (id: number, raw: unknown): unknown => heldBy[id]?.restore(raw) ?? raw;
  const done: boolean[] = new Array(source.count).fill(false);
  const entry = workerEntry(import.meta.url, "./worker.ts", "./evaluate-worker.js");
  const lanes: Lane[] = [];
  let failure: unknown = null;
  // Slices a dead worker held: evaluated here, from the copy in its slot (a slice is made once).
  const orphans: Array<{ id: number; input: ChunkSink }> = [];
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };

  let finished = false;
  if (entry === null) problem = "the evaluation worker entry is not next to the library (re-bundled?)";
  else {
    for (let i = 0; i < threads; i++) {
      let worker: Worker;
      try {
        worker = startWorker(entry);
      } catch (thrown) {
        problem ??= `a worker thread could not start (${thrown instanceof Error ? thrown.message : String(thrown)})`;
        break;
      }
      // Not unref'd: while this thread waits for the last slices, the workers are all that keeps
      // the process alive (they are terminated in the finally below).
      const lane: Lane = { worker, inFlight: new Map(), slots: [], free: Array.from({ length: AHEAD }, (_, k) => AHEAD - 1 - k), dead: false };
      worker.on("message", (m: Reply) => {
        const held = lane.inFlight.get(m.id);
        if (held !== undefined) lane.free.push(held.slot);
        lane.inFlight.delete(m.id);
        if ("error" in m) {
          failure ??= new EvaluationError(`evaluation aborted: ${m.error}`, { file: pack.origin });
        } else {
          try {
            // As evaluator.ts reads a result set: none (undefined) is no findings.
            const set = parseResultText(m);
            results[m.id] = restore(m.id, !set || set.length === 0 ? [] : (set[0] as { result: unknown }).result);
          } catch (thrown) {
            failure ??= thrown;
          }
        }
        done[m.id] = true;
        onWorkers++;
        notify();
      });
      const lost = (thrown?: unknown): void => {
        if (lane.dead) return;
        lane.dead = true;
        if (!finished) problem ??= `a worker thread stopped (${thrown instanceof Error ? thrown.message : "exited"}); its slices were evaluated on the calling thread`;
        for (const [id, { slot, length }] of lane.inFlight) {
          orphans.push({ id, input: ChunkSink.of([new Uint8Array(lane.slots[slot] as SharedArrayBuffer, 0, length).slice()], length) });
        }
        lane.inFlight.clear();
        notify();
      };
      worker.on("error", lost);
      worker.on("exit", () => lost());
      worker.postMessage({ kind: "init", module: pack.module, data });
      lanes.push(lane);
      onWorker?.(worker);
    }
  }

  const encodeFor = (i: number): ChunkSink => {
    const slice = source.slice(i);
    heldBy[i] = heldListsOf(slice);
    return encodeChunked(slice);
  };
  const here = ({ id, input }: { id: number; input: ChunkSink }): void => {
    results[id] = restore(id, evaluateHere(input));
    done[id] = true;
  };
  // Lets the workers' replies (and deaths) in between slices evaluated here.
  const yieldToEvents = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  try {
    let next = 0;
    // Slices encoded ahead for the workers: while a worker is full this thread makes the next
    // slices first (up to READY) and evaluates one itself only then. Why: a slice can take longer to
    // make than to evaluate (its labels and scope suggestions made on demand, pendingRulesSlices),
    // and a worker's replies wait while this thread evaluates: evaluating here first starved the
    // worker (idle a third of the time at 10,000 functions).
    const ready: Array<{ id: number; input: ChunkSink }> = [];
    while ((next < source.count || ready.length > 0) && failure === null) {
      const lane = lanes.find((l) => !l.dead && l.inFlight.size < AHEAD);
      if (lane !== undefined) {
        const r = ready.shift() ?? { id: next, input: encodeFor(next++) };
        lane.worker.postMessage(fill(lane, r.id, r.input, slotBytes));
        continue;
      }
      if (next < source.count && ready.length < READY) ready.push({ id: next, input: encodeFor(next++) });
      else here(ready.shift() as { id: number; input: ChunkSink });
      while (orphans.length > 0 && failure === null) here(orphans.shift() as { id: number; input: ChunkSink });
      await yieldToEvents();
    }
    // What the workers still hold (or dropped by dying).
    for (;;) {
      while (orphans.length > 0 && failure === null) here(orphans.shift() as { id: number; input: ChunkSink });
      if (failure !== null || lanes.every((l) => l.dead || l.inFlight.size === 0)) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    finished = true;
    await Promise.all(lanes.map((l) => l.worker.terminate().catch(() => undefined)));
  }
  if (failure !== null) throw failure;
  const out: unknown[] = [];
  for (let i = 0; i < results.length; i++) {
    if (!done[i]) throw new EvaluationError(`slice ${i} of the rules' input was never evaluated`, { file: pack.origin });
    const r = results[i];
    if (!Array.isArray(r)) return { result: r, onWorkers, problem };
    for (const x of r) out.push(x);
  }
  return { result: out, onWorkers, problem };
}
