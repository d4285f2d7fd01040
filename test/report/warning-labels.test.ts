/**
 * The reports label an input warning as stderr does. A warning of severity "error" means "makes
 * the inputs partial" (docs/canonical-document.md): stderr prints it as `leastrole: warning:`, and
 * the HTML report showed it as "error", two labels for one warning. Now the HTML says "warning" and
 * that it makes the audit partial; the JSON keeps the severity (its contract). The table and
 * Markdown reports name no severity (their "Partial data" lists say the warnings' messages).
 * Input: the errored Terraform plan (test/iac/fixtures/terraform/README.md), whose
 * `terraform-plan-errored` warning is of severity "error".
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { auditDocument } from "../../src/audit/index.js";
import { normalize } from "../../src/audit/normalize-paths.js";
import { loadBuiltinPack } from "../../src/evaluate/pack.js";
import type { CanonicalDocument } from "../../src/model/document.js";
import { warningLabel } from "../../src/model/warning-label.js";
import { inputWarningLines } from "../../src/cli/warning-groups.js";
import { renderHtml, renderMarkdown, renderTable, type AuditReport } from "../../src/report/index.js";
import { packageRoot } from "../../src/evaluate/locate.js";

const ERRORED_PLAN = join(packageRoot(), "test", "iac", "fixtures", "terraform", "errored.plan.json");

describe("an input warning of severity error in the reports", () => {
  let doc: CanonicalDocument;
  let report: AuditReport;
  beforeAll(async () => {
    doc = (await normalize([ERRORED_PLAN])).document;
    report = auditDocument(doc);
  });

  it("HTML: labelled as stderr labels it, with 'makes the audit partial'; never a bare 'error'", () => {
    const w = doc.meta.warnings.find((x) => x.code === "terraform-plan-errored")!;
    expect(w.severity).toBe("error");
    // stderr's label for it.
    expect(inputWarningLines([w])[0]).toMatch(/^leastrole: warning: /);
    const html = renderHtml(report, doc, { catalog: loadBuiltinPack().catalog.rules });
    const items = [...html.matchAll(/<ul class="warnings">([^]*?)<\/ul>/g)].flatMap((m) => [...(m[1] as string).matchAll(/<li>([^]*?)<\/li>/g)].map((x) => x[1] as string));
    const escaped = w.message.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
    const said = items.filter((li) => li.endsWith(escaped));
    expect(said).toHaveLength(1);
    for (const li of said) expect(li.startsWith(`<strong>${warningLabel(w)}</strong> <em class="partial">makes the audit partial</em> `), li).toBe(true);
    expect(items.filter((li) => li.startsWith("<strong>error</strong>"))).toEqual([]);
  });

  it("table and Markdown name no severity: their partial-data lists give the message", () => {
    const w = doc.meta.warnings.find((x) => x.code === "terraform-plan-errored")!;
    const table = renderTable(report, doc, { color: false, width: 100_000 });
    const md = renderMarkdown(report, doc);
    for (const text of [table, md]) {
      expect(text).toContain("Partial data");
      // The message's opening words (Markdown escapes its punctuation).
      const line = text.split("\n").find((l) => l.includes(w.message.split(" (")[0]!.replace(/\W+$/, "").split(": ").pop()!));
      expect(line, text).toBeDefined();
      expect(line).not.toMatch(/\berror\b/);
    }
  });
});
