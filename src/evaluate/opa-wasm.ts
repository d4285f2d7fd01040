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
