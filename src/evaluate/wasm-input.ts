/**
 * Writing an evaluation input as JSON straight into a rule pack's wasm memory, and evaluating it.
 *
 * Why: opa-wasm's `evaluate(object)` does `JSON.stringify` → `TextEncoder` → copy into the wasm
 * memory, so the document object, its whole JSON text (a V8 string) and a byte copy are alive at
 * once next to the wasm heap. At 10,000 functions that text alone is hundreds of MB of V8 heap and
 * the audit thrashed in garbage collection at the 4 GiB heap limit (bench/results/scale.md). Here
 * the input is serialised element by element (each function, role, usage entry on its own) into
 * UTF-8 chunks outside the V8 heap, then copied into the wasm memory: the largest string alive is
 * one element's JSON. (Not written into the wasm memory directly: the instance must be created at
 * its final size, see evaluateChunks, and the size is known only once the input is encoded.)
 *
 * This evaluates as opa-wasm's ABI 1.2 fast path does (`LoadedPolicy.evaluate` of
 * @open-policy-agent/opa-wasm 1.10.0, pinned: the input already in memory at the data heap
 * pointer), with `opa_eval`'s steps taken one by one so that the result's value is written out
 * without its result set (evaluateChunksText); policies compiled for an older ABI fall back to
 * `evaluate`.
 */

import type { LoadedPolicy } from "./opa-wasm.js";
import { writeJson } from "../normalize/write-json.js";
import { appendAll } from "../collections.js";

/** Small pieces (`{`, `"key":`, short values) are batched before encoding. */
const FLUSH_AT = 1 << 16;

/** Fields of opa-wasm 1.10.0's LoadedPolicy that the fast path uses (not in its declarations). */
interface PolicyInternals {
  dataAddr: number;
  dataHeapPtr: number;
}

/**
 * Collects UTF-8 bytes in fixed-size chunks outside the V8 heap (ArrayBuffers are external), so
 * the input's size is known before the wasm instance is sized for it.
 */
export class ChunkSink {
  readonly chunks: Uint8Array[] = [];
  private current: Uint8Array;
  private used = 0;
  private pending = "";
  length = 0;

  constructor(private readonly chunkSize = CHUNK_SIZE) {
    this.current = chunkSize === 0 ? new Uint8Array(0) : newChunk(chunkSize);
  }

  /** A finished sink holding chunks encoded elsewhere (another thread's ChunkSink). */
  static of(chunks: Uint8Array[], length: number): ChunkSink {
    const sink = new ChunkSink(0);
    appendAll(sink.chunks, chunks);
    sink.length = length;
    return sink;
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

  /** Encodes what is pending and closes the last chunk; `chunks` then holds every byte. */
  finish(): void {
    this.flush();
    if (this.used > 0) this.chunks.push(this.current.subarray(0, this.used));
    else if (this.current.byteLength === CHUNK_SIZE && pool.length < POOLED) pool.push(this.current);
    this.current = new Uint8Array(0);
    this.used = 0;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const s = this.pending;
    this.pending = "";
    this.encode(s);
  }

  private encode(s: string): void {
    let rest = s;
    for (;;) {
      // encodeInto never splits a character: it stops before one that does not fit.
      const { read, written } = encoder.encodeInto(rest, this.current.subarray(this.used));
      this.used += written;
      this.length += written;
      if (read === rest.length) return;
      rest = rest.slice(read);
      this.chunks.push(this.current.subarray(0, this.used));
      this.current = newChunk(Math.max(this.chunkSize, 4));
      this.used = 0;
    }
  }
}

const encoder = new TextEncoder();

const CHUNK_SIZE = 16 << 20;

/**
 * Chunks of the default size given back once copied into a wasm memory, for the next input (at
 * most POOLED of them). Why: the built-in pack is evaluated in ~20 slices at 10,000 functions, and
 * a fresh 16 MiB chunk per slice is external memory that V8 answers with full mark-compacts of the
 * audit's 1 GB heap (see withSharedCodecs in opa-wasm.ts).
 */
const pool: Uint8Array[] = [];
const POOLED = 2;

function newChunk(size: number): Uint8Array {
  return (size === CHUNK_SIZE ? pool.pop() : undefined) ?? new Uint8Array(size);
}

/** Gives an input's chunks back to the pool (the input must not be read after this). */
export function recycle(input: ChunkSink): void {
  for (const c of input.chunks) {
    if (pool.length < POOLED && c.buffer.byteLength === CHUNK_SIZE && c.byteOffset === 0) pool.push(new Uint8Array(c.buffer as ArrayBuffer));
  }
  input.chunks.length = 0;
}

/** How deep the input is written piece by piece: document → section → entity → its fields. */
const STREAM_DEPTH = 4;

/** The input serialised to UTF-8 JSON in external chunks (see ChunkSink). */
export function encodeChunked(input: unknown): ChunkSink {
  const sink = new ChunkSink();
  // Objects member by member, arrays (functions, roles, usage entries) 64 whole items per
  // JSON.stringify: a third less CPU than field by field (write-json.ts Chunking.arraysWhole), and
  // the 1 MiB bound on each string still holds.
  writeJson(input, (s) => sink.write(s), STREAM_DEPTH, 0, { arraysWhole: true, items: 64 });
  sink.finish();
  return sink;
}

/**
 * Evaluates `entrypoint` of a loaded policy on an input already encoded in chunks, copied straight
 * into its memory at the data heap pointer. The instance must have been created with room for the
 * input and the evaluation (`initial` pages): OPA's allocator learns the memory's size when it is
 * instantiated and grows it itself one allocation at a time past that, so memory grown from
 * JavaScript is not used and an evaluation that has to grow made the 1,000-function audit 40×
 * slower (129 CPU-s against 3.2). Throws what opa-wasm throws (strings on an abort).
 */
export function evaluateChunks(policy: LoadedPolicy, input: ChunkSink, entrypoint: number): Array<{ result: unknown }> | null {
  return parseResultText(evaluateChunksText(policy, input, entrypoint));
}

/**
 * An evaluation's result as JSON text the module wrote: the value under the result set's one
 * `result` (`whole` false), or the whole result set (`whole` true: no result, or a module whose
 * result set evaluateChunksText could not read). Not wrapped into the set's text here: parsing such
 * a joined string copies it whole first, a large string for the collector per slice.
 */
export interface ResultText {
  text: string;
  whole: boolean;
}

/** The result set a ResultText stands for, as opa_eval's text would parse. */
export function parseResultText(r: ResultText): Array<{ result: unknown }> | null {
  if (r.whole) return JSON.parse(r.text) as Array<{ result: unknown }> | null;
  return [{ result: JSON.parse(r.text) as unknown }];
}

/**
 * evaluateChunks, with the result as the JSON text the module wrote (a worker thread passes it on
 * as it is). `release` gets the input once it is copied into the wasm memory (default: its chunks
 * go back to this thread's pool).
 */
export function evaluateChunksText(policy: LoadedPolicy, input: ChunkSink, entrypoint: number, release: (input: ChunkSink) => void = recycle): ResultText {
  const internals = policy as unknown as LoadedPolicy & PolicyInternals;
  if (policy.minorVersion < 2 || typeof internals.dataHeapPtr !== "number" || typeof internals.dataAddr !== "number") {
    const whole = new Uint8Array(input.length);
    let at = 0;
    for (const c of input.chunks) {
      whole.set(c, at);
      at += c.length;
    }
    release(input);
    return { text: JSON.stringify(policy.evaluate(whole.buffer, entrypoint)), whole: true };
  }
  const inputAddr = internals.dataHeapPtr;
  const inputLen = input.length;
  if (inputAddr + inputLen > policy.mem.buffer.byteLength) {
    throw new Error(`the rules' input (${Math.round(inputLen / 2 ** 20)} MiB) does not fit in the rule pack's memory`);
  }
  const bytes = new Uint8Array(policy.mem.buffer);
  let at = inputAddr;
  for (const c of input.chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  release(input); // the copy in wasm memory is the only one needed from here
  const exports = policy.wasmInstance.exports as unknown as EvalExports;
  // What opa_eval does (OPA's wasm/src/context.c), step by step, so that the value under the
  // result set's one `result` is written out rather than the set: writing a set hashes each
  // element to find the next one (opa_value_iter_set), and the one element here is every finding
  // of the slice, hashed deeply once more after eval's own set insert (~7% of an evaluation at
  // 10,000 functions, `node --cpu-prof`: opa_value_hash under opa_value_iter).
  exports.opa_heap_ptr_set(inputAddr + inputLen);
  const ctx = exports.opa_eval_ctx_new();
  exports.opa_eval_ctx_set_input(ctx, exports.opa_value_parse(inputAddr, inputLen));
  exports.opa_eval_ctx_set_data(ctx, internals.dataAddr);
  exports.opa_eval_ctx_set_entrypoint(ctx, entrypoint);
  // opa_eval aborts the same way (opa_abort: opa-wasm throws its message).
  if (exports.eval(ctx) !== 0) throw new Error("eval failed");
  // An i32 to JavaScript: an address past 2 GiB comes back negative (opa-wasm's own reader fails there).
  const resultSet = exports.opa_eval_ctx_get_result(ctx) >>> 0;
  const only = onlyResultOf(new DataView(policy.mem.buffer), resultSet);
  const textAddr = exports.opa_json_dump(only ?? resultSet) >>> 0;
  // The memory's buffer read after the dump, which may have grown it (and detached the old one).
  return { text: textAt(policy.mem.buffer, textAddr), whole: only === null };
}

/** The exports of OPA's wasm ABI that evaluateChunksText calls (all in ABI 1.0's list). */
interface EvalExports {
  opa_heap_ptr_set(addr: number): void;
  opa_eval_ctx_new(): number;
  opa_value_parse(addr: number, len: number): number;
  opa_eval_ctx_set_input(ctx: number, value: number): void;
  opa_eval_ctx_set_data(ctx: number, value: number): void;
  opa_eval_ctx_set_entrypoint(ctx: number, entrypoint: number): void;
  eval(ctx: number): number;
  opa_eval_ctx_get_result(ctx: number): number;
  opa_json_dump(value: number): number;
}

function textAt(buffer: ArrayBufferLike, addr: number): string {
  const out = new Uint8Array(buffer);
  const end = out.indexOf(0, addr);
  return new TextDecoder().decode(out.subarray(addr, end < 0 ? out.length : end));
}

// OPA's value types and the wasm32 layout of its sets, objects and strings (wasm/src/value.h of
// OPA 1.22.3): a one-byte type, then pointers and sizes of 4 bytes each, 4-aligned.
const OPA_STRING = 4;
const OPA_OBJECT = 6;
const OPA_SET = 7;
const OPA_STRING_INTERNED = 8;
const RESULT_KEY = [..."result"].map((c) => c.charCodeAt(0));

/**
 * The address of `v` when the result set at `set` is `{{"result": v}}`, else null (no result, or a
 * module whose memory is not laid out as expected: the caller then writes the whole set, as
 * opa_eval would). Every step is checked, so a module built by another OPA version is read right
 * or not at all.
 */
export function onlyResultOf(mem: DataView, set: number): number | null {
  const at = (addr: number): number => (addr + 4 <= mem.byteLength ? mem.getUint32(addr, true) : 0);
  const typeAt = (addr: number): number => (addr > 0 && addr < mem.byteLength ? mem.getUint8(addr) : 0);
  /** The one entry of a hash table of `n` buckets at `buckets` holding `len` entries, or 0. */
  const onlyEntry = (table: number): number => {
    if (at(table + 12) !== 1) return 0;
    const buckets = at(table + 4);
    const n = at(table + 8);
    if (buckets === 0 || n === 0 || buckets + 4 * n > mem.byteLength) return 0;
    for (let i = 0; i < n; i++) {
      const entry = at(buckets + 4 * i);
      if (entry !== 0) return entry;
    }
    return 0;
  };
  if (typeAt(set) !== OPA_SET) return null;
  const element = onlyEntry(set);
  // opa_set_elem_t { v, next }: the one element, an object with the one key "result".
  const object = element === 0 || at(element + 4) !== 0 ? 0 : at(element);
  if (typeAt(object) !== OPA_OBJECT) return null;
  // opa_object_elem_t { k, v, next }.
  const member = onlyEntry(object);
  if (member === 0 || at(member + 8) !== 0) return null;
  const key = at(member);
  const keyType = typeAt(key);
  // opa_string_t { hdr, free, len, v }.
  if ((keyType !== OPA_STRING && keyType !== OPA_STRING_INTERNED) || at(key + 4) !== RESULT_KEY.length) return null;
  const chars = at(key + 8);
  if (chars === 0 || chars + RESULT_KEY.length > mem.byteLength) return null;
  for (let i = 0; i < RESULT_KEY.length; i++) if (mem.getUint8(chars + i) !== RESULT_KEY[i]) return null;
  const value = at(member + 4);
  return typeAt(value) === 0 ? null : value;
}
