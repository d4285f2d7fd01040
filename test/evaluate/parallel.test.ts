/**
 * The built-in pack's slices evaluated on worker threads beside this one (src/evaluate/parallel.ts)
 * give exactly what one thread gives: the same findings in the same order, the same diagnostics.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { auditDocument, auditDocumentAsync } from "../../src/audit/audit-document.js";
import { evaluateDocument, evaluateDocumentAsync, evaluatePackRaw, loadBuiltinPack, prepareBuiltinInstance } from "../../src/evaluate/index.js";
import { evaluateSlicesParallel } from "../../src/evaluate/parallel.js";
import type { ChunkSink } from "../../src/evaluate/wasm-input.js";
import { sliceRulesView } from "../../src/evaluate/rules-slices.js";
import { builtinRulesView } from "../../src/evaluate/rules-view.js";
import type { CanonicalDocument } from "../../src/model/document.js";
import { generatedAccountDocument } from "../support/generated-account.js";

const generated = generatedAccountDocument({ functions: 40, records: 4000, seed: 9 });
let doc: CanonicalDocument;
beforeAll(() => {
  doc = generated();
});

/** An encoded slice as one ArrayBuffer (evaluatePackRaw's encoded-document path). */
function concat(input: ChunkSink): ArrayBuffer {
  const out = new Uint8Array(input.length);
  let at = 0;
  for (const c of input.chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out.buffer;
}

describe("evaluateDocumentAsync", () => {
  it("gives one thread's result with 1 and 2 workers, on many slices", async () => {
    const packs = [loadBuiltinPack()];
    const one = evaluateDocument(doc, packs, { sliceFunctions: 3, today: "2026-11-01" });
    // Not vacuous: enough slices for the workers to be used, and findings of many rules.
    expect(sliceRulesView(builtinRulesView(doc), 3).length).toBeGreaterThan(8);
    expect(new Set(one.findings.map((f) => f.ruleId)).size).toBeGreaterThan(5);
    for (const evaluateWorkers of [1, 2]) {
      const parallel = await evaluateDocumentAsync(doc, packs, { sliceFunctions: 3, evaluateWorkers, today: "2026-11-01" });
      expect(parallel.findings).toEqual(one.findings);
      expect(parallel.diagnostics).toEqual(one.diagnostics);
      expect(parallel.packs).toEqual(one.packs);
    }
  }, 120_000);

  it("spreads the slices over the workers and this thread, in slice order", async () => {
    const pack = loadBuiltinPack();
    const slices = () => sliceRulesView(builtinRulesView(doc), 3);
    const sequential = evaluatePackRaw(pack, doc, undefined, 3) as unknown[];
    const here: number[] = [];
    const { result, onWorkers, problem } = await evaluateSlicesParallel(pack, slices(), pack.data, (input) => {
      here.push(input.length);
      return evaluatePackRaw(pack, { json: concat(input), document: doc }) as unknown[];
    }, 2);
    expect(result).toEqual(sequential);
    // Both sides took part (the workers are kept a slice ahead, so they take the first ones).
    expect(onWorkers).toBeGreaterThan(0);
    expect(onWorkers + here.length).toBe(slices().length);
    expect(problem).toBeNull();
  }, 120_000);

  it("grows a worker's input slots for slices that do not fit, and reuses them", async () => {
    const pack = loadBuiltinPack();
    const slices = () => sliceRulesView(builtinRulesView(doc), 3);
    const sequential = evaluatePackRaw(pack, doc, undefined, 3) as unknown[];
    const sizes = slices().map((s) => JSON.stringify(s).length);
    // Slots of 1 KiB: every first slice of a slot outgrows it, and later slices of other sizes reuse or regrow it.
    expect(Math.min(...sizes)).toBeGreaterThan(1024);
    expect(new Set(sizes).size).toBeGreaterThan(3);
    const { result, onWorkers } = await evaluateSlicesParallel(pack, slices(), pack.data, (input) => evaluatePackRaw(pack, { json: concat(input), document: doc }) as unknown[], 2, 1024);
    expect(onWorkers).toBeGreaterThan(2);
    expect(result).toEqual(sequential);
  }, 120_000);

  it("evaluates the same with the built-in instance made beforehand (prepareBuiltinInstance), with rule options too", async () => {
    const packs = [loadBuiltinPack()];
    for (const ruleOptions of [undefined, { sensitivity_tag_keys: ["tier"] }]) {
      const options = { sliceFunctions: 3, today: "2026-11-01", ...(ruleOptions ? { ruleOptions } : {}) };
      const before = evaluateDocument(doc, packs, options);
      prepareBuiltinInstance(ruleOptions);
      expect(evaluateDocument(doc, packs, options)).toEqual(before);
      prepareBuiltinInstance(ruleOptions);
      expect(await evaluateDocumentAsync(doc, packs, { ...options, evaluateWorkers: 1 })).toEqual(before);
    }
  }, 120_000);

  it("a worker that stops with slices in hand leaves them to this thread: the same result, and why it was slower", async () => {
    const pack = loadBuiltinPack();
    const sequential = evaluatePackRaw(pack, doc, undefined, 3) as unknown[];
    const here: number[] = [];
    // Stopped as soon as it starts: the slices posted to it before its exit is seen are in its slots only.
    const { result, onWorkers, problem } = await evaluateSlicesParallel(
      pack,
      sliceRulesView(builtinRulesView(doc), 3),
      pack.data,
      (input) => {
        here.push(input.length);
        return evaluatePackRaw(pack, { json: concat(input), document: doc }) as unknown[];
      },
      1,
      undefined,
      (worker) => void worker.terminate(),
    );
    expect(onWorkers).toBe(0);
    expect(here.length).toBe(sliceRulesView(builtinRulesView(doc), 3).length);
    expect(result).toEqual(sequential);
    expect(problem).toMatch(/a worker thread stopped/);
  }, 120_000);

  it("an evaluation that fails in a worker fails the pack, with the worker's reason", async () => {
    const pack = loadBuiltinPack();
    // A module with no OPA exports: the worker's instance cannot be made.
    const broken = { ...pack, module: new WebAssembly.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])) };
    await expect(
      evaluateSlicesParallel(broken, sliceRulesView(builtinRulesView(doc), 3), pack.data, (input) => evaluatePackRaw(pack, { json: concat(input), document: doc }), 1),
    ).rejects.toThrow(/evaluation aborted/);
  }, 120_000);

  it("with no workers or few slices, and through auditDocumentAsync, gives the same report", async () => {
    const whole = evaluateDocument(doc, [loadBuiltinPack()], { today: "2026-11-01" });
    const none = await evaluateDocumentAsync(doc, [loadBuiltinPack()], { evaluateWorkers: 0, sliceFunctions: 3, today: "2026-11-01" });
    const few = await evaluateDocumentAsync(doc, [loadBuiltinPack()], { evaluateWorkers: 1, today: "2026-11-01" });
    expect(none.findings).toEqual(whole.findings);
    expect(few.findings).toEqual(whole.findings);
    const report = await auditDocumentAsync(doc, { sliceFunctions: 4, evaluateWorkers: 1, today: "2026-11-01" });
    expect(report).toEqual(auditDocument(doc, { today: "2026-11-01" }));
  }, 120_000);
});
