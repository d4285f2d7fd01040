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
