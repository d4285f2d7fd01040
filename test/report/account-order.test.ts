/**
 * An account export has no display names, so ordering the reports' lists by the names they show
 * (view.ts compareShown, inShownOrder) must leave its reports byte for byte what they were: the
 * golden files in account-reports/ were rendered by the code before that change (see the README
 * there). The synthetic account runs functions of several regions, so its "Functions using it"
 * lists (by ARN) are not in the order of the functions' names, and must stay so.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { auditDocument } from "../../src/audit/index.js";
import { buildDocument } from "../../src/audit/build-document.js";
import { renderHtml, renderMarkdown, renderTable } from "../../src/report/index.js";
import type { RuleMetadata } from "../../src/evaluate/catalog.js";
import type { CanonicalDocument } from "../../src/model/document.js";
import type { AuditReport } from "../../src/report/json.js";
import { scenario } from "./fixtures.js";

const GOLDEN = join(import.meta.dirname, "account-reports");
// At the path the golden files were rendered from, not LEASTROLE_CORPUS: the reports name the
// corpus's files by path, and the Markdown escapes and shortens those messages, so the golden files
// hold only for this path (elsewhere the comparison is skipped, as without the corpus).
const DEMO = "/work/shared/corpus/cloudmapper-demo-account/account-data";

function expectReports(name: string, report: AuditReport, doc: CanonicalDocument, catalog?: RuleMetadata[]): void {
  // The rule pack's build hash changes with any rule's text; the reports are compared without it.
  const fixed: AuditReport = { ...report, tool: { ...report.tool, rulesVersion: "RULES-VERSION" } };
  const golden = (ext: string) => readFileSync(join(GOLDEN, `${name}.${ext}`), "utf8");
  expect(renderTable(fixed, doc, { color: false, width: 100 })).toBe(golden("txt"));
  expect(renderMarkdown(fixed, doc)).toBe(golden("md"));
  expect(renderHtml(fixed, doc, catalog ? { catalog } : {})).toBe(golden("html"));
}

describe("the reports of an account export are as before the lists were ordered by the names shown", () => {
  it("the synthetic account (several regions, shared roles)", () => {
    const s = scenario(40, 11);
    expect((s.document.functions ?? []).some((fn) => fn.displayName !== undefined)).toBe(false);
    expectReports("synthetic-account", s.report, s.document, s.catalog);
  });

  it.skipIf(!existsSync(DEMO))("the CloudMapper demo account", async () => {
    const doc = await buildDocument([DEMO], { workers: 1 });
    expectReports("cloudmapper-demo-account", auditDocument(doc), doc);
  });
});
