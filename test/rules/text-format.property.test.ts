/**
 * The law of `format` (policies/lib/text.rego), which the built-in rules write their messages with
 * in place of `sprintf` (a JavaScript round trip per call in wasm): for a template of text and "%s"
 * placeholders and arguments that are strings or integers, it gives what `sprintf` gives with "%s"
 * for each string and "%d" for each integer. Held in both engines the rules run in: the wasm module
 * (the audit) and native OPA (`opa test`, `opa eval` on a canonical document).
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";
import { readTarGz } from "../../src/evaluate/tar.js";
import { pinnedOpa } from "../support/opa.js";

const opaWasm = createRequire(import.meta.url)("@open-policy-agent/opa-wasm") as {
  loadPolicySync(wasm: Buffer): { evaluate(input: unknown, entrypoint: string): Array<{ result: unknown }> };
};

interface Case {
  template: string;
  sprintfTemplate: string;
  args: Array<string | number>;
}

const work = mkdtempSync(join(tmpdir(), "lr-text-format-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const opa = pinnedOpa();
copyFileSync(join(packageRoot(), "policies", "lib", "text.rego"), join(work, "text.rego"));
writeFileSync(
  join(work, "probe.rego"),
  ["package probe", "", "import data.leastrole.lib.text", "", "pairs := [[text.format(c.template, c.args), sprintf(c.sprintfTemplate, c.args)] | some c in input.cases]", ""].join("\n"),
);
execFileSync(opa, ["build", "-t", "wasm", "-e", "probe/pairs", "-o", join(work, "bundle.tar.gz"), join(work, "text.rego"), join(work, "probe.rego")]);
const wasm = readTarGz(readFileSync(join(work, "bundle.tar.gz"))).get("policy.wasm");
if (wasm === undefined) throw new Error("opa build wrote no policy.wasm");
const policy = opaWasm.loadPolicySync(wasm);

function wasmPairs(cases: Case[]): Array<[string, string]> {
  return policy.evaluate({ cases }, "probe/pairs")[0]!.result as Array<[string, string]>;
}

function nativePairs(cases: Case[]): Array<[string, string]> {
  writeFileSync(join(work, "input.json"), JSON.stringify({ cases }));
  const out = JSON.parse(
    execFileSync(opa, ["eval", "--format", "json", "-d", join(work, "text.rego"), "-d", join(work, "probe.rego"), "-i", join(work, "input.json"), "data.probe.pairs"], { encoding: "utf8" }),
  ) as { result: Array<{ expressions: Array<{ value: Array<[string, string]> }> }> };
  return out.result[0]!.expressions[0]!.value;
}

// Text between placeholders: anything but "%" (a "%" of the template is sprintf's verb); the
// arguments may hold "%" and "%s" (names do), which neither formatter reads.
const text = fc.string({ unit: "grapheme", maxLength: 12 }).map((s) => s.replaceAll("%", ""));
const arg = fc.oneof(fc.string({ unit: "grapheme", maxLength: 10 }), fc.constantFrom("%s", "100%", "a%sb"), fc.integer({ min: -1e15, max: 1e15 }));
const caseOf = fc.tuple(text, fc.array(fc.tuple(arg, text), { maxLength: 6 })).map(([head, rest]): Case => {
  const args = rest.map(([a]) => a);
  return {
    template: head + rest.map(([, t]) => `%s${t}`).join(""),
    sprintfTemplate: head + rest.map(([a, t]) => `${typeof a === "number" ? "%d" : "%s"}${t}`).join(""),
    args,
  };
});

describe("text.format", () => {
  it("writes what sprintf writes with %s for strings and %d for integers, in wasm", () => {
    fc.assert(
      fc.property(fc.array(caseOf, { minLength: 1, maxLength: 40 }), (cases) => {
        for (const [format, sprintf] of wasmPairs(cases)) expect(format).toBe(sprintf);
      }),
      { numRuns: 60 },
    );
  });

  it("and natively, on the same kind of cases (one opa eval for many)", () => {
    const cases = fc.sample(caseOf, { numRuns: 300, seed: 49 });
    const pairs = nativePairs(cases);
    expect(pairs).toHaveLength(cases.length);
    for (const [format, sprintf] of pairs) expect(format).toBe(sprintf);
    // The two engines agree with each other too.
    expect(wasmPairs(cases).map(([f]) => f)).toEqual(pairs.map(([f]) => f));
  });
});
