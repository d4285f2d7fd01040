/**
 * evaluateChunksText runs OPA's eval step by step and writes out the value under the result set's
 * one `result` rather than the set (wasm-input.ts onlyResultOf, which reads the set from the
 * module's memory). That text, put back under `result` in a set, must be byte for byte what the
 * module's own `opa_eval` writes for the same entrypoint and input (and parseResultText must give
 * what that text parses to): for any JSON value, for sets, for no result at all, and for
 * entrypoints whose result is not one value.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPolicyUnsigned, type LoadedPolicy } from "../../src/evaluate/opa-wasm.js";
import { encodeChunked, evaluateChunksText, onlyResultOf, parseResultText } from "../../src/evaluate/wasm-input.js";
import { pinnedOpa } from "../support/opa.js";

const REGO = `package t

echo := input.value

as_set := {x | some x in input.value}

# Undefined unless the input has "flag": no result, an empty result set.
maybe := "set" if input.flag

many contains x if some x in ["a", "b"]
`;

const ENTRYPOINTS = ["t/echo", "t/as_set", "t/maybe", "t/many"];

let module: WebAssembly.Module;
beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), "lr-result-text-"));
  try {
    writeFileSync(join(dir, "t.rego"), REGO);
    execFileSync(pinnedOpa(), ["build", "-t", "wasm", "-O=0", ...ENTRYPOINTS.flatMap((e) => ["-e", e]), "-o", join(dir, "b.tar.gz"), join(dir, "t.rego")]);
    execFileSync("tar", ["xzf", join(dir, "b.tar.gz"), "-C", dir, "/policy.wasm"]);
    module = new WebAssembly.Module(readFileSync(join(dir, "policy.wasm")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

function instance(): LoadedPolicy {
  const p = loadPolicyUnsigned(module, { initial: 64 });
  p.setData({});
  return p;
}

/** The module's own one-call path, as opa-wasm drives it: the reference text. */
function opaEvalText(input: unknown, entrypoint: string): string {
  const p = instance() as LoadedPolicy & { dataAddr: number; dataHeapPtr: number };
  const bytes = new TextEncoder().encode(JSON.stringify(input));
  new Uint8Array(p.mem.buffer).set(bytes, p.dataHeapPtr);
  const exports = p.wasmInstance.exports as { opa_eval: (...args: number[]) => number };
  const addr = exports.opa_eval(0, p.entrypoints[entrypoint] as number, p.dataAddr, p.dataHeapPtr, bytes.length, p.dataHeapPtr + bytes.length, 0) >>> 0;
  const mem = new Uint8Array(p.mem.buffer);
  return new TextDecoder().decode(mem.subarray(addr, mem.indexOf(0, addr)));
}

/**
 * evaluateChunksText's result as the result set's text (the value under `result` wrapped back),
 * and whether it came as the whole set.
 */
function ours(input: unknown, entrypoint: string): { text: string; whole: boolean } {
  const p = instance();
  const r = evaluateChunksText(p, encodeChunked(input), p.entrypoints[entrypoint] as number);
  const text = r.whole ? r.text : `[{"result":${r.text}}]`;
  // What the callers parse is what the set's text parses to.
  expect(parseResultText(r)).toEqual(JSON.parse(text));
  return { text, whole: r.whole };
}

const ourText = (input: unknown, entrypoint: string): string => ours(input, entrypoint).text;

describe("evaluateChunksText", () => {
  it("writes what opa_eval writes, for any JSON value as the result", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const input = { value };
        const r = ours(input, "t/echo");
        expect(r.text).toBe(opaEvalText(input, "t/echo"));
        // The value itself, not the set: the path that skips writing the set (onlyResultOf found
        // the one result in the set the module made) was taken.
        expect(r.whole).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it("writes what opa_eval writes for sets, no result, and several results", () => {
    for (const input of [{ value: ["b", "a", "b", { k: [1, 2] }] }, { value: [] }, { flag: true }, {}]) {
      for (const entrypoint of ENTRYPOINTS) expect(ourText(input, entrypoint), `${entrypoint} on ${JSON.stringify(input)}`).toBe(opaEvalText(input, entrypoint));
    }
    // No result at all: the empty result set, as opa_eval writes it, handed on whole.
    expect(ours({}, "t/maybe")).toEqual({ text: "[]", whole: true });
    expect(ourText({ flag: true }, "t/maybe")).toBe('[{"result":"set"}]');
  });

  it("reads the result set only when the memory holds one, else leaves it to the caller", () => {
    const p = instance();
    const view = new DataView(p.mem.buffer);
    // Address 0, past the memory's end, and a byte that is no OPA set.
    expect(onlyResultOf(view, 0)).toBeNull();
    expect(onlyResultOf(view, p.mem.buffer.byteLength + 16)).toBeNull();
    const at = (p as LoadedPolicy & { dataHeapPtr: number }).dataHeapPtr;
    new Uint8Array(p.mem.buffer).fill(0, at, at + 64);
    view.setUint8(at, 6); // an object, not a set
    expect(onlyResultOf(view, at)).toBeNull();
    view.setUint8(at, 7); // a set whose header says it holds nothing
    expect(onlyResultOf(view, at)).toBeNull();
  });
});
