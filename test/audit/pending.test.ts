/**
 * The audit's PendingDocument (src/audit/build-document.ts buildPendingDocument): the usage labels
 * and the roles' scope suggestions are made as the rules' slices ask for them, in whatever order,
 * and what comes out is what the eager pipeline gives, member for member and byte for byte: the
 * slices (pendingRulesSlices against sliceRulesView of the finished document), the finished
 * document (against buildDocument's), and the report (against auditDocument's on it), also from the
 * CLI, which does not keep the labels in its document unless a custom rule pack may read them.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateAccount } from "../../bench/scale/generate.js";
import { auditDocument, auditPendingAsync } from "../../src/audit/audit-document.js";
import { buildDocument, buildPendingDocument, type BuildOptions } from "../../src/audit/build-document.js";
import { builtinRulesView } from "../../src/evaluate/rules-view.js";
import { pendingRulesSlices, sliceRulesView } from "../../src/evaluate/rules-slices.js";
import { loadRulePack } from "../../src/evaluate/pack.js";
import { packageRoot } from "../../src/evaluate/locate.js";
import type { CanonicalDocument } from "../../src/model/document.js";
import type { AuditReport } from "../../src/report/json.js";
import { pinnedOpa } from "../support/opa.js";

const work = mkdtempSync(join(tmpdir(), "lr-pending-"));
let dir = "";
let exportOnly: string[] = [];
// Kept exceptions (labels carry them) and Access Advisor reports (disagreements): every part of a label set.
const options: BuildOptions = {
  workers: 1,
  config: { exceptions: [{ function: "*-1*", actions: ["s3:*", "dynamodb:*", "sqs:*", "sns:*"], reason: "disaster recovery" }] },
};
let eager: CanonicalDocument;
beforeAll(async () => {
  const account = generateAccount(join(work, "a"), { functions: 240, records: 12_000, seed: 5, accessAdvisor: true });
  dir = account.dir;
  exportOnly = [account.authDetailsFile, join(account.accountDir, "lambda")];
  eager = await buildDocument([dir], options);
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const text = (x: unknown): string => JSON.stringify(x);

describe("the pending document", () => {
  it("is not vacuous: labels, kept exceptions, disagreements and scope suggestions are there", () => {
    expect(eager.usage.labels.length).toBeGreaterThan(100);
    expect(eager.usage.labels.some((l) => l.permissions.some((p) => p.exception !== null))).toBe(true);
    expect(eager.usage.disagreements.length).toBeGreaterThan(0);
    expect(eager.roles.some((r) => (r.analysis?.scopeSuggestions.length ?? 0) > 0)).toBe(true);
  });

  it("gives sliceRulesView's slices of the finished document, asked for in any order, and buildDocument's document", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(7, 31, 100), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 40 }), async (size, seed, labelsFirst) => {
        const pending = await buildPendingDocument([dir], options);
        expect(pending.deferred).toBe(true);
        // Before any slice, some functions' labels and roles asked for out of order (what the
        // slices ask for later must be the same objects, made once).
        const n = pending.partial.functions.length;
        for (let k = 0; k < labelsFirst; k++) pending.labels((seed + k * 7919) % n);
        pending.role(seed % pending.partial.roles.length);
        const slices = pendingRulesSlices(pending, size)!;
        const order = [...Array(slices.count).keys()].sort((a, b) => ((a * 2654435761 + seed) % 97) - ((b * 2654435761 + seed) % 97) || a - b);
        const made: Array<Record<string, unknown>> = [];
        for (const i of order) made[i] = slices.slice(i);
        const finished = pending.finish();
        expect(pending.finish()).toBe(finished);
        expect(text(finished)).toBe(text(eager));
        const expected = sliceRulesView(builtinRulesView(finished), size);
        expect(made.length).toBe(expected.length);
        for (let i = 0; i < expected.length; i++) expect(text(made[i]), `slice ${i} of ${size}`).toBe(text(expected[i]));
      }),
      { numRuns: 6 },
    );
  }, 180_000);

  it("audits to auditDocument's report on buildDocument's document, with its workers evaluating slices", async () => {
    const pending = await buildPendingDocument([dir], options);
    const { document, report } = await auditPendingAsync(pending, { sliceFunctions: 9, evaluateWorkers: 1, today: "2026-11-01" });
    expect(text(document)).toBe(text(eager));
    expect(report.findings.length).toBeGreaterThan(100);
    expect(report.findings.some((f) => f.ruleId === "LR008")).toBe(true);
    expect(report).toEqual(auditDocument(eager, { today: "2026-11-01" }));
    // Nothing was left for the evaluation to make when the document needs no usage labels.
    const noUsage = await buildPendingDocument(exportOnly, options);
    expect(noUsage.deferred).toBe(false);
    expect(noUsage.partial).toBe(noUsage.finish());
  }, 180_000);

  it("keepLabels false: the same slices and report, a document without the labels", async () => {
    const pending = await buildPendingDocument([dir], options, false);
    const slices = pendingRulesSlices(pending, 31);
    const made = Array.from({ length: slices.count }, (_, i) => text(slices.slice(i)));
    const finished = pending.finish();
    expect(made).toEqual(sliceRulesView(builtinRulesView(eager), 31).map(text));
    expect(finished.usage.labels).toEqual([]);
    expect(text({ ...finished, usage: { ...finished.usage, labels: eager.usage.labels } })).toBe(text(eager));
    // The labels handed out are not held: asked again, a function's set is made again, equal.
    expect(pending.labels(3)).not.toBe(pending.labels(3));
    expect(text(pending.labels(3))).toBe(text(eager.usage.labels.find((l) => l.functionArn === eager.functions[3]!.arn)));
  }, 180_000);

  it("the CLI's report is auditDocument's, with a custom pack that reads the labels and without", () => {
    const config = join(work, "leastrole.yml");
    writeFileSync(config, `exceptions:\n  - function: "*-1*"\n    actions: ["s3:*", "dynamodb:*", "sqs:*", "sns:*"]\n    reason: disaster recovery\n`);
    const custom = join(import.meta.dirname, "..", "fixtures", "packs", "usage-labels");
    const cli = (extra: string[]): AuditReport => {
      const out = join(work, "report.json");
      const r = spawnSync(process.execPath, [join(packageRoot(), "dist", "cli.js"), "audit", dir, "--config", config, "--format", "json", "--output", out, "--quiet", ...extra], {
        encoding: "utf8",
        env: { ...process.env, LEASTROLE_OPA: pinnedOpa() },
      });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(readFileSync(out, "utf8")) as AuditReport;
    };
    const today = new Date().toISOString().slice(0, 10);
    for (const extra of [[], ["--rules", custom]]) {
      const report = cli(extra);
      const expected = auditDocument(eager, { today, ...(extra.length > 0 ? { rules: [loadRulePack(custom, { opaPath: pinnedOpa() })] } : {}) });
      expect(JSON.parse(JSON.stringify(report.findings))).toEqual(JSON.parse(JSON.stringify(expected.findings)));
      if (extra.length > 0) expect(report.findings.filter((f) => f.ruleId === "ACME002").length).toBeGreaterThan(50);
    }
  }, 180_000);
});
