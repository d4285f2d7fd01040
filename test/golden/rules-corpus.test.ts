/**
 * Golden files of the built-in rule pack over the public corpus: normalise each input, analyse it,
 * evaluate the compiled pack with `scope: account` (so LR014 also covers roles and users that are
 * not execution roles), and compare the findings with test/golden/rules/<input>.json. Every finding
 * in those files was reviewed by hand (see the review notes in docs/rules/README.md).
 *
 * Regenerate after an intended change: UPDATE_GOLDEN=1 npx vitest run test/golden
 * Needs `npm run build:policies` for the wasm (as `npm test` does).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeDocument } from "../../src/analysis/index.js";
import { evaluateDocument, loadBuiltinPack, type EvaluateOptions } from "../../src/evaluate/index.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import { normalize } from "../../src/audit/normalize-paths.js";
import { CORPUS, corpusInputs } from "./corpus-inputs.js";

const GOLDEN = join(import.meta.dirname, "rules");
const update = process.env.UPDATE_GOLDEN === "1";
const catalog = loadActionCatalogSync();
// Rule options are being renamed `config` → `ruleOptions` in the evaluator; both are given.
const options = { ruleOptions: { scope: "account" }, config: { scope: "account" }, today: "2026-11-01" } as EvaluateOptions;

async function findingsOf(path: string) {
  const { document } = await normalize([join(CORPUS, path)]);
  const { findings, diagnostics } = evaluateDocument(analyzeDocument(document, catalog), [loadBuiltinPack()], options);
  return {
    input: path,
    diagnostics,
    findings: findings.map((f) => ({ ruleId: f.ruleId, severity: f.severity, resource: f.resource, message: f.message, fingerprint: f.fingerprint, location: f.location })),
  };
}

describe.skipIf(!existsSync(CORPUS))("built-in pack over the public corpus (golden files)", () => {
  it.each(corpusInputs())("$name", async ({ name, path }) => {
    const actual = await findingsOf(path);
    const file = join(GOLDEN, `${name}.json`);
    const text = JSON.stringify(actual, null, 2) + "\n";
    if (update || !existsSync(file)) writeFileSync(file, text);
    expect(actual.diagnostics).toEqual([]);
    expect(text).toBe(readFileSync(file, "utf8"));
  }, 60_000);
});
