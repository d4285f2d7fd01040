/**
 * The reports of templates read without an account: their human text (headings, messages, the
 * ARN line, the HTML's resource line, tooltips and generated-policy labels, the text report) says
 * "the deployment account" or names the resource, never the placeholder account `unknown` /
 * `unknown-<8 hex>`, which stays in the evidence blocks (the machine-readable JSON, shown as it
 * is) and in the JSON report. Before: "ARN: `arn:aws:iam::unknown-9b80985c:role/FunctionRole`"
 * and "iam:CreatePolicyVersion on <any policy in unknown-cb9bc906>". With --account-id the ARN is
 * shown as it was.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { auditDocument } from "../../src/audit/index.js";
import { buildDocument } from "../../src/audit/build-document.js";
import { renderHtml, renderMarkdown, renderTable } from "../../src/report/index.js";
import { runGenerate } from "../../src/generate/index.js";
import { writeTemplate } from "../support/placeholder-template.js";

const work = mkdtempSync(join(tmpdir(), "leastrole-deployment-account-report-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const PLACEHOLDER = /unknown-[0-9a-f]{8}|::unknown:|in unknown>/;

/** The Markdown a person reads: without the evidence's JSON blocks. */
const mdProse = (md: string) => md.replace(/```json\n[\s\S]*?\n```/g, "");
/** The HTML's text and tooltips: without the evidence's <pre> blocks, the generated policies' JSON and the search index. */
const htmlProse = (html: string) =>
  html
    .replace(/<pre>[\s\S]*?<\/pre>/g, "")
    .replace(/ data-text="[^"]*"/g, "")
    .replace(/<script[\s\S]*?<\/script>/g, "");

async function audited(paths: string[], accountId?: string) {
  const doc = await buildDocument(paths, { workers: 1, ...(accountId ? { iac: { accountId } } : {}) });
  return { doc, report: auditDocument(doc) };
}

describe("reports of templates without an account", () => {
  it("Markdown, HTML and text name no placeholder account outside the evidence; the JSON keeps it", async () => {
    const { doc, report } = await audited([writeTemplate(join(work, "a")), writeTemplate(join(work, "b"))]);
    expect(report.findings.some((f) => /^arn:aws:iam::unknown-[0-9a-f]{8}:role\/AppRole$/.test(f.resource.arn))).toBe(true);

    const md = renderMarkdown(report, doc);
    expect(mdProse(md)).not.toMatch(PLACEHOLDER);
    expect(md).toContain("ARN: known only at deploy \\(no account ID given\\: \\-\\-account\\-id sets one\\)");
    expect(md).toContain("&#60;any policy in the deployment account&#62;");
    // The evidence is shown as the JSON has it.
    expect(md).toMatch(/"<any policy in unknown-[0-9a-f]{8}>"/);

    const html = renderHtml(report, doc, { fixes: Object.fromEntries(runGenerate(doc, { split: true }).targets.map((t) => [t.subject, { policyJson: "{}" }])) });
    expect(htmlProse(html)).not.toMatch(PLACEHOLDER);
    expect(html).toContain('<strong>AppRole</strong> <span class="muted">ARN known only at deploy (no account ID given: --account-id sets one)</span>');
    expect(html).toContain("<summary>function AppFunction</summary>");

    const text = renderTable(report, doc, { color: false });
    expect(text).not.toMatch(PLACEHOLDER);
    expect(text).toContain("<any policy in the deployment account>");
  });

  it("generate's Markdown headings name the function and role, not their placeholder ARNs", async () => {
    const { doc } = await audited([writeTemplate(join(work, "gen"))]);
    const policies = runGenerate(doc, { format: "markdown" }).output;
    expect(policies).toContain("### Least-privilege policy for `AppFunction`");
    const diff = runGenerate(doc, { diff: true }).output;
    expect(diff).toContain("### Right-sizing `AppRole` for `AppFunction`");
    expect([...policies.matchAll(/^###.*$/gm), ...diff.matchAll(/^###.*$/gm)].map((m) => m[0]).filter((h) => PLACEHOLDER.test(h))).toEqual([]);
  });

  it("with --account-id: the ARN line and the HTML's ARN as before", async () => {
    const { doc, report } = await audited([writeTemplate(join(work, "acct"))], "111122223333");
    expect(renderMarkdown(report, doc)).toContain("ARN: `arn:aws:iam::111122223333:role/AppRole`");
    expect(renderHtml(report, doc)).toContain("<strong>AppRole</strong> <code>arn:aws:iam::111122223333:role/AppRole</code>");
    expect(runGenerate(doc, { format: "markdown" }).output).toContain("### Least-privilege policy for `arn:aws:lambda:unknown:111122223333:function:AppFunction`");
  });
});
