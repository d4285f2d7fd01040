/**
 * The compiled wasm, run in-process through our evaluator, must give exactly what OPA's own
 * interpreter (topdown, `opa eval`) gives on the same Rego and input. Wasm and topdown differ in
 * edge cases (OPA's wasm conformance exceptions), so this runs over generated documents of several
 * sizes and hand-made edge cases.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { encodeDocument, evaluatePackRaw, loadBuiltinPack } from "../../src/evaluate/index.js";
import { packageRoot } from "../../src/evaluate/locate.js";
import type { CanonicalDocument } from "../../src/model/document.js";
import { canonicalJson } from "../support/canonical-json.js";
import { pinnedOpa } from "../support/opa.js";
import { syntheticDocument } from "../support/synthetic-document.js";

let opa: string;
beforeAll(() => {
  opa = pinnedOpa();
});

function opaEval(documentJson: string, config?: Record<string, unknown>): unknown[] {
  const dir = mkdtempSync(join(tmpdir(), "lr-diff-"));
  const input = join(dir, "input.json");
  writeFileSync(input, documentJson);
  const args = ["eval", "--format", "json", "--ignore", "*_test.rego", "--ignore", "capabilities.json", "--ignore", "build", "-d", join(packageRoot(), "policies"), "-i", input];
  if (config) {
    writeFileSync(join(dir, "config.json"), JSON.stringify({ leastrole: { config } }));
    args.push("-d", join(dir, "config.json"));
  }
  const out = JSON.parse(execFileSync(opa, [...args, "data.leastrole.findings"], { encoding: "utf8", maxBuffer: 1 << 30 })) as {
    result?: Array<{ expressions: Array<{ value: unknown[] }> }>;
  };
  return out.result?.[0]?.expressions[0]?.value ?? [];
}

function sortedCanonical(findings: unknown): string[] {
  return (findings as unknown[]).map(canonicalJson).sort();
}

const cases: Array<[string, () => string, Record<string, unknown>?]> = [
  ["empty document", () => JSON.stringify(syntheticDocument(0))],
  ["one function", () => JSON.stringify(syntheticDocument(1))],
  ["10 functions", () => JSON.stringify(syntheticDocument(10, 1))],
  ["300 functions", () => JSON.stringify(syntheticDocument(300, 2))],
  ["2,000 functions", () => JSON.stringify(syntheticDocument(2000, 3))],
  ["edge cases (unicode, quotes, dangling ARNs, denied-only usage)", () => readFileSync(join(import.meta.dirname, "..", "fixtures", "documents", "edge-cases.json"), "utf8")],
  ["configured sensitivity keys", () => JSON.stringify(syntheticDocument(200, 5)), { sensitivity_tag_keys: ["team"] }],
];

describe("wasm in-process equals opa eval", () => {
  for (const [name, make, config] of cases) {
    it(name, () => {
      const json = make();
      const wasm = evaluatePackRaw(loadBuiltinPack(), encodeDocument(JSON.parse(json) as CanonicalDocument, json), config);
      const reference = opaEval(json, config);
      expect(sortedCanonical(wasm)).toEqual(sortedCanonical(reference));
      if (name !== "empty document" && name !== "one function") expect((wasm as unknown[]).length).toBeGreaterThan(0);
    });
  }
});
