/**
 * The built-in rules stay linear in native OPA (`opa eval` on a canonical document, custom tooling),
 * checked by counting, not timing: OPA's profiler counts how often each expression is evaluated,
 * and an expression evaluated once per pair of entities grows with the square of the account.
 *
 * Why: session 42 made `used_by_function` (policies/lib/functions.rego) a multi-value rule, which
 * native OPA evaluated again over every principal for each function asked. The wasm audit did not
 * change, and `opa eval` on the 10,000-function document went from 45–49 s to 273–290 s for four
 * sessions before anyone saw why (bench/results/scale.md, "Session 46"). On that code this test
 * counts 29× the evaluations of the rule's body for 5× the functions, and fails.
 *
 * The same generated account at two sizes, `SMALL` and 5× that: every expression evaluated at least
 * 200 times on the small one may be evaluated at most `BOUND` times as often on the large one.
 * Linear work grows about 5×, somewhat more where the generator's escalation paths and wildcards
 * grow faster than the functions (7.5× at most in session 46); work quadratic in the principals
 * grows ~25×.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateAccount } from "../../bench/scale/generate.js";
import { buildDocument } from "../../src/audit/build-document.js";
import { packageRoot } from "../../src/evaluate/locate.js";
import { pinnedOpa } from "../support/opa.js";

const SMALL = 30;
const FACTOR = 5;
const BOUND = 12;

const work = mkdtempSync(join(tmpdir(), "lr-native-scaling-"));
const inputs: Array<{ file: string; functions: number; principals: number }> = [];
let bundle: string;
let opa: string;

beforeAll(async () => {
  opa = pinnedOpa();
  bundle = join(work, "rules.tar.gz");
  execFileSync(opa, ["build", "-t", "rego", "--ignore", "*_test.rego", "--ignore", "capabilities.json", "--ignore", "build", "-o", bundle, join(packageRoot(), "policies")]);
  for (const functions of [SMALL, SMALL * FACTOR]) {
    const account = generateAccount(join(work, `account-${functions}`), { functions, records: functions * 150, seed: 5 });
    const doc = await buildDocument([account.dir], { workers: 1 });
    const file = join(work, `document-${functions}.json`);
    writeFileSync(file, JSON.stringify(doc));
    inputs.push({ file, functions, principals: doc.usage.principals.length });
  }
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Evaluations (and re-evaluations) of each expression of the pack, by `file:row`, and the findings. */
function profile(file: string): { counts: Map<string, number>; findings: number } {
  const out = JSON.parse(
    execFileSync(opa, ["eval", "--format", "json", "--profile", "--profile-limit", "1000000", "--profile-sort", "num_eval", "-b", bundle, "-i", file, "count(data.leastrole.findings)"], {
      encoding: "utf8",
      maxBuffer: 1 << 28,
    }),
  ) as { result: Array<{ expressions: Array<{ value: number }> }>; profile: Array<{ num_eval: number; num_redo: number; location: { file: string; row: number } }> };
  const counts = new Map<string, number>();
  for (const p of out.profile) counts.set(`${p.location.file}:${p.location.row}`, p.num_eval + p.num_redo);
  return { counts, findings: out.result[0]!.expressions[0]!.value };
}

describe("the built-in rules in native OPA", () => {
  it(`evaluate no expression more than ${BOUND}× as often for ${FACTOR}× the functions`, () => {
    const [small, large] = inputs.map((i) => profile(i.file));
    // Not vacuous: both accounts have findings and usage, the large one more of each.
    expect(small!.findings).toBeGreaterThan(0);
    expect(large!.findings).toBeGreaterThan(small!.findings);
    expect(inputs[1]!.principals).toBeGreaterThan(inputs[0]!.principals * 3);
    const busy = [...small!.counts].filter(([, n]) => n >= 200);
    expect(busy.length).toBeGreaterThan(20);
    const growth = busy.map(([where, n]) => ({ where: where.replace(packageRoot(), ""), ratio: Number(((large!.counts.get(where) ?? 0) / n).toFixed(2)) }));
    expect(growth.filter((g) => g.ratio > BOUND)).toEqual([]);
  }, 180_000);
});
