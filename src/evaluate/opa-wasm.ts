/**
 * A typed door to @open-policy-agent/opa-wasm 1.10.0. Its shipped declarations do not match its
 * ESM entry (`loadPolicySync` is declared but not exported there) and type everything as `any`,
 * so we load the CommonJS entry, which exports both loaders, and describe the part we use.
 */

import { createRequire } from "node:module";

export interface LoadedPolicy {
  minorVersion: number;
  mem: WebAssembly.Memory;
  wasmInstance: { exports: Record<string, unknown> };
  entrypoints: Record<string, number>;
  /** Returns the result set `[{ result }]`, or `[]` when the entrypoint is undefined. Throws strings. */
  evaluate(input: unknown, entrypoint?: number | string): Array<{ result: unknown }> | null;
  setData(data: unknown): void;
}

interface OpaWasm {
  loadPolicySync(
    wasm: WebAssembly.Module | ArrayBuffer | ArrayBufferView,
    memory?: number | WebAssembly.MemoryDescriptor,
    customBuiltins?: Record<string, (...args: unknown[]) => unknown>,
  ): LoadedPolicy;
}

const require = createRequire(import.meta.url);
export const opaWasm = require("@open-policy-agent/opa-wasm") as OpaWasm;

/**
 * `opaWasm.loadPolicySync`, with every address the module returns read as unsigned. Wasm i32
 * results reach JavaScript signed, so past 2 GiB of wasm memory opa-wasm 1.10.0 reads a negative
 * address (`new Uint8Array(memory.buffer, addr, …)` in its JSON dump, on every call of a built-in
 * implemented in JavaScript such as sprintf) and the evaluation fails with "Start offset -2147… is
 * outside the bounds of the buffer". The 10,000-function audit's evaluation crosses 2 GiB.
 * opa-wasm reads the exports from the instance it creates, so that instance is wrapped while the
 * (synchronous) load runs: its functions return `result >>> 0`. Arguments need nothing: a number
 * above 2^31 passed to an i32 parameter wraps to the same bits.
 */
export function loadPolicyUnsigned(module: WebAssembly.Module, memory: WebAssembly.MemoryDescriptor): LoadedPolicy {
  const Real = WebAssembly.Instance;
  function Unsigned(this: unknown, m: WebAssembly.Module, imports?: Record<string, Record<string, unknown>>) {
    const instance = new Real(m, imports as never);
    const exports: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(instance.exports)) {
      if (typeof value !== "function") {
        exports[name] = value;
        continue;
      }
      const f = value as (...a: number[]) => unknown;
      exports[name] = (...args: number[]) => {
        const r = f(...args);
        return typeof r === "number" ? r >>> 0 : r;
      };
    }
    return { exports: Object.freeze(exports) };
  }
  (WebAssembly as { Instance: unknown }).Instance = Unsigned;
  try {
    return opaWasm.loadPolicySync(module, memory);
  } finally {
    (WebAssembly as { Instance: unknown }).Instance = Real;
  }
}

/**
 * Runs `f` (a synchronous evaluation) with the global TextEncoder and TextDecoder constructors
 * returning one shared instance each, the encoder writing into one reused buffer.
 *
 * Why: opa-wasm 1.10.0 passes every value to and from a built-in implemented in JavaScript
 * (`sprintf`, called for each finding's message) as JSON, encoding it with
 * `new TextEncoder().encode(text)`: a fresh ArrayBuffer per call. In the audit's process, with a
 * 1 GB heap and hundreds of MB of external memory, those allocations drove V8's external-memory
 * GC heuristics into full mark-compacts: at 10,000 functions the 90,163 `encode` calls took
 * 2.2–2.4 s, in bursts of 300–500 ms per 10,000 calls, against ~1.5 µs each in a quiet process
 * (bench/results/scale.md, session 5). opa-wasm copies each encoded value into its memory at once
 * and keeps no reference (opa.js: `_loadJSON`, `evaluate`), so a view on a reused buffer is
 * enough. Decoding a whole buffer is stateless, so one decoder serves every call. The globals are
 * restored before `f`'s result is returned; nothing else runs while `f` does.
 */
export function withSharedCodecs<T>(f: () => T): T {
  const g = globalThis as { TextEncoder: typeof TextEncoder; TextDecoder: typeof TextDecoder };
  const RealEncoder = g.TextEncoder;
  const RealDecoder = g.TextDecoder;
  const decoder = new RealDecoder();
  // A constructor that returns an object makes `new` return that object.
  function SharedEncoder(this: unknown) {
    return scratchEncoder;
  }
  function SharedDecoder(this: unknown, ...args: unknown[]) {
    // Only the default (UTF-8, non-fatal) decoder is shared; anything else is built as asked.
    return args.length === 0 ? decoder : new RealDecoder(...(args as ConstructorParameters<typeof TextDecoder>));
  }
  SharedEncoder.prototype = RealEncoder.prototype;
  SharedDecoder.prototype = RealDecoder.prototype;
  g.TextEncoder = SharedEncoder as unknown as typeof TextEncoder;
  g.TextDecoder = SharedDecoder as unknown as typeof TextDecoder;
  try {
    return f();
  } finally {
    g.TextEncoder = RealEncoder;
    g.TextDecoder = RealDecoder;
  }
}

const utf8 = new TextEncoder();
let scratch = new Uint8Array(1 << 16);
const MAX_SCRATCH = 1 << 24;

/**
 * `encode` into a buffer reused from call to call: the result is valid until the next call. Only
 * for opa-wasm's immediate copies (withSharedCodecs); a value too large for the buffer gets a
 * larger buffer, kept for the next calls up to 16 MiB (past that, a buffer of its own).
 */
// Own properties shadow the prototype's (whose getter and methods check for a real encoder).
const scratchEncoder = Object.create(TextEncoder.prototype, {
  encoding: { value: "utf-8" },
  encode: {
    value(input: unknown = ""): Uint8Array {
      const text = `${input as string}`;
      // UTF-8 takes at most 3 bytes per UTF-16 code unit.
      const room = text.length * 3;
      if (room > scratch.length) {
        if (room > MAX_SCRATCH) return utf8.encode(text);
        scratch = new Uint8Array(room);
      }
      const { written } = utf8.encodeInto(text, scratch);
      return scratch.subarray(0, written);
    },
  },
  encodeInto: { value: (src: string, dest: Uint8Array) => utf8.encodeInto(src, dest) },
}) as InstanceType<typeof TextEncoder>;
