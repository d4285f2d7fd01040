/**
 * A worker thread that evaluates slices of the built-in rules' view for parallel.ts: its own
 * instance of the pack's module (compiled once, shared), the input as UTF-8 chunks encoded by the
 * calling thread, the result set back as JSON text with the chunks' buffers (for the caller's pool).
 *
 * Messages in: `{ kind: "init", module, data }` once, then `{ kind: "slice", id, chunks, length }`.
 * Messages out: `{ id, text, buffers }`, or `{ id, error, buffers }` when the evaluation failed.
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
  chunks: Uint8Array[];
  length: number;
}

const port = parentPort;
if (port === null) throw new Error("src/evaluate/worker.ts runs as a worker thread");

let init: Init | null = null;
let dataBytes = 0;
let policy: LoadedPolicy | null = null;

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
  // Every chunk's buffer goes back to the caller's pool, whatever happens.
  const buffers = [...new Set(m.chunks.map((c) => c.buffer as ArrayBuffer))];
  const release = (input: ChunkSink): void => {
    input.chunks.length = 0;
  };
  try {
    const p = instanceFor(m.length);
    const id = p.entrypoints[PACK_ENTRYPOINT];
    if (typeof id !== "number") throw new Error(`entrypoint ${PACK_ENTRYPOINT} is not valid in this instance`);
    const text = withSharedCodecs(() => evaluateChunksText(p, ChunkSink.of(m.chunks, m.length), id, release));
    port.postMessage({ id: m.id, text, buffers }, buffers);
  } catch (thrown) {
    policy = null; // the instance may be in any state after an abort
    const error = thrown instanceof Error ? thrown.message : String(thrown);
    port.postMessage({ id: m.id, error, buffers }, buffers);
  }
});
