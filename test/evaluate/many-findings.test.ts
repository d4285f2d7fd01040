/**
 * A pack with more findings than V8 takes as the arguments of one call (about 125,000): the
 * evaluator once appended a pack's findings with push(...findings), and such a pack crashed the
 * whole audit with "Maximum call stack size exceeded", the built-in findings lost with it.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateDocument, loadRulePack } from "../../src/evaluate/index.js";
import { auditDocument } from "../../src/index.js";
import { renderMarkdown, renderTable } from "../../src/report/index.js";
import { pinnedOpa } from "../support/opa.js";
import { syntheticDocument } from "../support/synthetic-document.js";

beforeAll(() => {
  process.env.LEASTROLE_OPA = pinnedOpa();
});

describe("a pack with over 200,000 findings", () => {
  it("is evaluated and every finding reported", () => {
    // Two functions × 105,000 numbers: 210,000 findings.
    const doc = syntheticDocument(2);
    const pack = loadRulePack(join(import.meta.dirname, "..", "fixtures", "packs", "many-findings"));
    const result = evaluateDocument(doc, [pack]);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(result.findings).toHaveLength(210_000);
    expect(result.packs).toEqual([expect.objectContaining({ findings: 210_000, failed: false })]);
    expect(new Set(result.findings.map((f) => f.fingerprint)).size).toBe(210_000);
  }, 120_000);

  it("is audited and rendered as a table and Markdown", () => {
    // The table's id column width was Math.max(5, ...findings): the CLI's default format crashed
    // (exit 3, no report) once the evaluator no longer did.
    const doc = syntheticDocument(2);
    const report = auditDocument(doc, { rules: [join(import.meta.dirname, "..", "fixtures", "packs", "many-findings")], noBuiltinRules: true });
    expect(report.findings).toHaveLength(210_000);
    expect(renderTable(report, doc, { color: false, maxGroups: 1 })).toMatch(/MANY001/);
    expect(renderMarkdown(report, doc)).toMatch(/MANY001/);
  }, 120_000);
});
