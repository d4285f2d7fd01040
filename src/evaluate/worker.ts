/**
 * A worker thread that evaluates slices of the built-in rules' view for parallel.ts: its own
 * instance of the pack's module (compiled once, shared), the input as UTF-8 JSON encoded by the
 * calling thread into one of this worker's shared-memory slots, the result set back as JSON text.
 *
 * Messages in: `{ kind: "init", module, data }` once, then `{ kind: "slice", id, slot, length,
 * buffer? }` (`buffer`: the slot's shared memory, sent when the slot is new or has grown).
 * Messages out: `{ id, text, whole }` (wasm-input.ts ResultText), or `{ id, error }` when the
 * evaluation failed.
 */
import { parentPort } from "node:worker_threads";
import { PACK_ENTRYPOINT } from "./compile-rego.js";
import { pagesFor } from "./memory.js";
import { loadPolicyUnsigned, withSharedCodecs, type LoadedPolicy } from "./opa-wasm.js";
import { ChunkSink, evaluateChunksText } from "./wasm-input.js";

interface Init {
  kind: "init";
  module: WebAssembly.Module;
  data: Record<string, unknown>;
}

interface Slice {
  kind: "slice";
  id: number;
  slot: number;
  length: number;
  buffer?: SharedArrayBuffer;
}

const port = parentPort;
if (port === null) throw new Error("src/evaluate/worker.ts runs as a worker thread");

let init: Init | null = null;
let dataBytes = 0;
let policy: LoadedPolicy | null = null;
const slots: SharedArrayBuffer[] = [];

function instanceFor(inputBytes: number): LoadedPolicy {
  const pages = pagesFor(inputBytes, dataBytes);
  if (policy === null || policy.mem.buffer.byteLength < pages * 65536) {
    policy = null; // the old memory can go before the new one is made
    const fresh = loadPolicyUnsigned((init as Init).module, { initial: pages });
    fresh.setData((init as Init).data);
    policy = fresh;
  }
  return policy;
}

port.on("message", (m: Init | Slice) => {
  if (m.kind === "init") {
    init = m;
    dataBytes = JSON.stringify(m.data).length;
    policy = null;
    return;
  }
  if (m.buffer !== undefined) slots[m.slot] = m.buffer;
  // The slot is the caller's again once the input is copied into the wasm memory: nothing to release.
  const release = (input: ChunkSink): void => {
    input.chunks.length = 0;
  };
  try {
    const slot = slots[m.slot];
    if (slot === undefined) throw new Error(`input slot ${m.slot} was never sent`);
    const p = instanceFor(m.length);
    const id = p.entrypoints[PACK_ENTRYPOINT];
    if (typeof id !== "number") throw new Error(`entrypoint ${PACK_ENTRYPOINT} is not valid in this instance`);
    const { text, whole } = withSharedCodecs(() => evaluateChunksText(p, ChunkSink.of([new Uint8Array(slot, 0, m.length)], m.length), id, release));
    port.postMessage({ id: m.id, text, whole });
  } catch (thrown) {
    policy = null; // the instance may be in any state after an abort
    const error = thrown instanceof Error ? thrown.message : String(thrown);
    port.postMessage({ id: m.id, error });
  }
});
