/**
 * Writing an evaluation input as JSON straight into a rule pack's wasm memory, and evaluating it.
 *
 * Why: opa-wasm's `evaluate(object)` does `JSON.stringify` → `TextEncoder` → copy into the wasm
 * memory, so the document object, its whole JSON text (a V8 string) and a byte copy are alive at
 * once next to the wasm heap. At 10,000 functions that text alone is hundreds of MB of V8 heap and
 * the audit thrashed in garbage collection at the 4 GiB heap limit (bench/results/scale.md). Here
 * the input is serialised element by element (each function, role, usage entry on its own) and
 * encoded into the wasm memory as it goes: the largest string alive is one element's JSON.
 *
 * This drives opa-wasm's ABI 1.2 fast path (`opa_eval` with the input already in memory at the
 * data heap pointer) exactly as `LoadedPolicy.evaluate` of @open-policy-agent/opa-wasm 1.10.0
 * (pinned) does after its own copy; policies compiled for an older ABI fall back to `evaluate`.
 */

import type { LoadedPolicy } from "./opa-wasm.js";

const PAGE = 65536;
/** wasm32 memory ends at 4 GiB (65,536 pages). */
const MAX_PAGES = 65536;
/** Small pieces (`{`, `"key":`, short values) are batched before encoding. */
const FLUSH_AT = 1 << 16;

/** Fields of opa-wasm 1.10.0's LoadedPolicy that the fast path uses (not in its declarations). */
interface PolicyInternals {
  dataAddr: number;
  dataHeapPtr: number;
}

/** Appends UTF-8 bytes to a wasm memory from `start` on, growing it as needed. */
class WasmSink {
  private view: Uint8Array;
  private pending = "";
  offset: number;

  constructor(
    private readonly mem: WebAssembly.Memory,
    readonly start: number,
  ) {
    this.view = new Uint8Array(mem.buffer);
    this.offset = start;
  }

  write(s: string): void {
    if (s.length < FLUSH_AT) {
      this.pending += s;
      if (this.pending.length >= FLUSH_AT) this.flush();
      return;
    }
    this.flush();
    this.encode(s);
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const s = this.pending;
    this.pending = "";
    this.encode(s);
  }

  private encode(s: string): void {
    let rest = s;
    for (;;) {
      // encodeInto never splits a character: it stops before one that does not fit.
      const { read, written } = encoder.encodeInto(rest, this.view.subarray(this.offset));
      this.offset += written;
      if (read === rest.length) return;
      rest = rest.slice(read);
      this.ensure(this.offset + rest.length * 3);
    }
  }

  /** Grows the memory so that `end` bytes fit, at least doubling what is used (fewer grow steps). */
  ensure(end: number): void {
    const have = this.mem.buffer.byteLength;
    if (end <= have) return;
    const wantPages = Math.min(MAX_PAGES, Math.max(Math.ceil(end / PAGE), Math.ceil((2 * this.offset) / PAGE)));
    const grow = wantPages - have / PAGE;
    if (grow <= 0 || end > MAX_PAGES * PAGE) {
      throw new Error(`the rules' input needs more than the 4 GiB a WebAssembly memory can hold (${Math.round(end / 2 ** 20)} MiB written so far)`);
    }
    this.mem.grow(grow);
    this.view = new Uint8Array(this.mem.buffer);
  }
}

const encoder = new TextEncoder();

function skipped(v: unknown): boolean {
  return v === undefined || typeof v === "function" || typeof v === "symbol";
}

/**
 * Writes `value` as JSON, byte for byte what `JSON.stringify(value)` gives for plain data (objects,
 * arrays, strings, finite numbers, booleans, null; undefined members left out, undefined array
 * items as null). The first `depth` levels are written piece by piece, deeper values by one
 * `JSON.stringify` each.
 */
export function writeJson(value: unknown, write: (s: string) => void, depth: number): void {
  if (depth <= 0 || value === null || typeof value !== "object" || typeof (value as { toJSON?: unknown }).toJSON === "function") {
    write(JSON.stringify(value) ?? "null");
    return;
  }
  if (Array.isArray(value)) {
    write("[");
    for (let i = 0; i < value.length; i++) {
      if (i > 0) write(",");
      const v: unknown = value[i];
      if (skipped(v)) write("null");
      else writeJson(v, write, depth - 1);
    }
    write("]");
    return;
  }
  write("{");
  let first = true;
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (skipped(v)) continue;
    write(`${first ? "" : ","}${JSON.stringify(key)}:`);
    first = false;
    writeJson(v, write, depth - 1);
  }
  write("}");
}

/** How deep the input is written piece by piece: document → section → entity → its fields. */
const STREAM_DEPTH = 4;

/**
 * Evaluates `entrypoint` of a loaded policy on `input`, written straight into its memory.
 * `memoryFactor`: the evaluation is given at least this many times the input's size of memory
 * up front (growing step by step while evaluating is slower), within the 4 GiB of wasm32.
 * Throws what opa-wasm throws (strings on an abort), or an Error when the input does not fit.
 */
export function evaluateStreamed(policy: LoadedPolicy, input: unknown, entrypoint: number, memoryFactor: number, maxInitialPages: number): Array<{ result: unknown }> | null {
  const internals = policy as unknown as LoadedPolicy & PolicyInternals;
  if (policy.minorVersion < 2 || typeof internals.dataHeapPtr !== "number" || typeof internals.dataAddr !== "number") {
    return policy.evaluate(new TextEncoder().encode(JSON.stringify(input)).buffer, entrypoint);
  }
  const sink = new WasmSink(policy.mem, internals.dataHeapPtr);
  writeJson(input, (s) => sink.write(s), STREAM_DEPTH);
  sink.flush();
  const inputAddr = sink.start;
  const inputLen = sink.offset - sink.start;
  const wantPages = Math.min(maxInitialPages, Math.ceil((sink.offset + memoryFactor * inputLen + (1 << 20)) / PAGE));
  const havePages = policy.mem.buffer.byteLength / PAGE;
  if (wantPages > havePages) policy.mem.grow(wantPages - havePages);
  const exports = policy.wasmInstance.exports as { opa_eval: (...args: number[]) => number };
  const resultAddr = exports.opa_eval(0, entrypoint, internals.dataAddr, inputAddr, inputLen, inputAddr + inputLen, 0);
  const bytes = new Uint8Array(policy.mem.buffer);
  const end = bytes.indexOf(0, resultAddr);
  return JSON.parse(new TextDecoder().decode(bytes.subarray(resultAddr, end < 0 ? bytes.length : end))) as Array<{ result: unknown }>;
}
