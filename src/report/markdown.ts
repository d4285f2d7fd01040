/**
 * The pull-request comment: a summary table, the top fixes, the findings by severity with their
 * evidence folded in <details>, the suppressed findings apart. GitHub rejects comments longer than
 * 65,536 characters, so the comment is built most-important-first against a budget: when it runs
 * out, lower-severity findings lose their evidence, then are left out, and a note says how many.
 */

import type { CanonicalDocument } from "../model/document.js";
import { SEVERITIES, type Finding, type Severity } from "../model/findings.js";
import type { AuditReport } from "./json.js";
import { plural } from "../printable.js";
import { clip } from "./clip.js";
import { htmlEscape, mdCode, mdFence, mdText } from "./markdown-escape.js";
import { clearedBySeverity, displayNames, functionsByRole, inShownOrder, locationName, NOTHING_AUDITED, nothingAudited, partialDataReasons, sharedRoleCount, sortKeysDeep, topFixes } from "./view.js";
import { ARN_KNOWN_AT_DEPLOY, hasPlaceholderAccount } from "../deployment-account.js";

/** GitHub's limit on an issue or pull-request comment body. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface MarkdownOptions {
  /** Longest output, in UTF-16 code units (what GitHub counts; default 65,536). */
  maxLength?: number;
  /** A link to the full report (e.g. the CI artifact with the HTML report), shown when truncated. */
  fullReportUrl?: string;
}

const ICON: Record<Severity, string> = { critical: "🔴", high: "🟠", medium: "🟡", low: "🔵", info: "⚪" };
const TITLE: Record<Severity, string> = { critical: "Critical", high: "High", medium: "Medium", low: "Low", info: "Info" };

/** Evidence longer than this is cut inside its block (one finding must not eat the comment). */
const MAX_EVIDENCE = 4_000;

function evidenceJson(f: Finding): string | null {
  if (Object.keys(f.evidence).length === 0) return null;
  const json = JSON.stringify(sortKeysDeep(f.evidence), null, 2);
  return json.length <= MAX_EVIDENCE ? json : `${json.slice(0, MAX_EVIDENCE)}\n… (${json.length - MAX_EVIDENCE} more characters; see the JSON report)`;
}

/** A resource as the comment names it: as the user's code does when it is code (view.ts displayNames), else its name. */
type NameOf = (arn: string, name: string) => string;

function findingHead(f: Finding, fnsOfRole: Map<string, string[]>, nameOf: NameOf): string {
  const on = `${f.resource.type} ${mdCode(nameOf(f.resource.arn, f.resource.name))}`;
  const fns = f.resource.type === "role" ? (fnsOfRole.get(f.resource.arn) ?? []).length : 0;
  const used = fns > 0 ? ` (${plural(fns, "function")})` : "";
  const named = locationName(f.location);
  const where = f.location ? ` · ${mdCode(f.location.file + (f.location.line !== null ? `:${f.location.line}` : ""))}${named ? ` ${mdCode(named)}` : ""}` : "";
  return `${ICON[f.severity]} **${mdCode(f.ruleId)} ${mdText(f.name)}** · ${on}${used}${where}`;
}

function findingBlock(f: Finding, fnsOfRole: Map<string, string[]>, fnNames: Map<string, string>, nameOf: NameOf, withDetails: boolean): string {
  // Every block ends with a blank line: without it the next finding would continue this
  // paragraph, and a heading after </details> would be swallowed by the HTML block.
  const lines = [findingHead(f, fnsOfRole, nameOf) + "  ", mdText(f.message), ""];
  if (withDetails) {
    const ev = evidenceJson(f);
    const parts: string[] = [];
    // A template's or plan's ARN in a placeholder account is no ARN the author can look up: the
    // heading names the resource as the code does; the ARN is made at deploy.
    parts.push(`ARN: ${hasPlaceholderAccount(f.resource.arn) ? mdText(ARN_KNOWN_AT_DEPLOY) : mdCode(f.resource.arn)}`);
    const fns = f.resource.type === "role" ? fnsOfRole.get(f.resource.arn) ?? [] : [];
    if (fns.length > 0) {
      const names = fns.slice(0, 20).map((a) => mdCode(fnNames.get(a) ?? a));
      parts.push(`Functions using it: ${names.join(", ")}${fns.length > 20 ? ` and ${fns.length - 20} more` : ""}`);
    }
    if (ev) parts.push(mdFence(ev, "json"));
    if (f.remediation.trim()) parts.push(`**How to fix:** ${mdText(f.remediation)}`);
    lines.push("<details><summary>Evidence and fix</summary>", "", parts.join("\n\n"), "", "</details>", "");
  }
  return lines.join("\n") + "\n";
}

/** Appends chunks while they fit, keeping room for the closing note. */
class Budget {
  private readonly parts: string[] = [];
  private used = 0;
  constructor(private readonly limit: number) {}
  fits(chunk: string): boolean {
    return this.used + chunk.length <= this.limit;
  }
  add(chunk: string): boolean {
    if (!this.fits(chunk)) return false;
    this.parts.push(chunk);
    this.used += chunk.length;
    return true;
  }
  text(): string {
    return this.parts.join("");
  }
}

export function renderMarkdown(report: AuditReport, document: Partial<CanonicalDocument>, options: MarkdownOptions = {}): string {
  const limit = Math.max(4_000, options.maxLength ?? GITHUB_COMMENT_LIMIT);
  // Room for the truncation note, always kept free.
  const reserve = 600;
  const budget = new Budget(limit - reserve);
  const s = report.summary;
  const fnsOfRole = functionsByRole(document);
  // Functions and resources named as the text report's block heads name them (the messages do too).
  const shownNames = displayNames(document);
  const nameOf: NameOf = (arn, name) => shownNames.get(arn) ?? name;
  const fnNames = new Map((document.functions ?? []).map((fn) => [fn.arn, nameOf(fn.arn, fn.name)]));
  const shared = sharedRoleCount(document, fnsOfRole);
  // "Functions using it" in the order of the names it shows (the first 20 of them are listed).
  const fnsShown = shownNames.size === 0 ? fnsOfRole : new Map([...fnsOfRole].map(([role, fns]) => [role, inShownOrder(fns, shownNames, (a) => fnNames.get(a) ?? a)]));

  // ---- summary: always fits (bounded size)
  const head: string[] = [];
  const verdict = s.findings === 0 ? "no findings" : plural(s.findings, "finding");
  // "no findings in 0 functions" passed in review for a clean account.
  if (nothingAudited(s)) head.push("## leastrole: nothing audited", "", NOTHING_AUDITED, "");
  else head.push(`## leastrole: ${verdict} in ${plural(s.functions, "function")}`, "");
  head.push("| Severity | Findings |", "| --- | ---: |");
  for (const sev of SEVERITIES) head.push(`| ${ICON[sev]} ${TITLE[sev]} | ${s.bySeverity[sev] ?? 0} |`);
  if (s.suppressed > 0) head.push(`| Suppressed | ${s.suppressed} |`);
  head.push("");
  head.push(
    `${plural(s.functions, "function")}, ${plural(s.roles, "role")}` +
      (shared > 0 ? ` (**${shared}** shared by several functions)` : "") +
      ` · leastrole ${mdText(report.tool.version)}`,
    "",
  );
  if (s.partial) {
    const reasons = partialDataReasons(document);
    head.push("> [!WARNING]", "> **Partial data.** Some inputs were incomplete: findings may be missing and usage understated.");
    for (const r of reasons.slice(0, 5)) head.push(`> - ${mdText(clip(r, 200))}`);
    if (reasons.length > 5) head.push(`> - … and ${reasons.length - 5} more`);
    head.push("");
  }
  budget.add(head.join("\n") + "\n");

  // ---- top fixes (at most five lines)
  const fixes = topFixes(report.findings, document, 5, fnsOfRole);
  if (fixes.length > 0) {
    const lines = ["### Top fixes", ""];
    fixes.forEach((fix, i) => {
      const remedy = fix.remediation.trim() ? `: ${mdText(clip(fix.remediation.split(/\n\s*\n/)[0]!, 400))}` : "";
      // By severity, as the table and the page say: the list is in that order (view.ts topFixes).
      const sev = clearedBySeverity(fix);
      lines.push(`${i + 1}. **${mdCode(fix.ruleId)} ${mdText(fix.name)}** clears ${plural(fix.findings, "finding")} \\(${sev}\\)${remedy}`);
    });
    budget.add(lines.join("\n") + "\n\n");
  }

  // ---- findings by severity, most severe first; details while the budget allows
  const active = report.findings.filter((f) => !f.suppressed);
  let shown = 0;
  let withoutDetails = 0;
  let stopped = false;
  for (const sev of SEVERITIES) {
    const ofSev = active.filter((f) => f.severity === sev);
    if (ofSev.length === 0 || stopped) continue;
    if (!budget.add(`### ${ICON[sev]} ${TITLE[sev]} (${ofSev.length})\n\n`)) {
      stopped = true;
      break;
    }
    for (const f of ofSev) {
      if (budget.add(findingBlock(f, fnsShown, fnNames, nameOf, true))) shown++;
      else if (budget.add(findingBlock(f, fnsShown, fnNames, nameOf, false))) {
        shown++;
        withoutDetails++;
      } else {
        stopped = true;
        break;
      }
    }
  }

  // ---- suppressed, apart
  const suppressed = report.findings.filter((f) => f.suppressed);
  let suppressedShown = 0;
  if (suppressed.length > 0 && !stopped) {
    const lines = [`### Suppressed (${suppressed.length})`, "", "| Rule | Resource | Reason | Expires | Origin |", "| --- | --- | --- | --- | --- |"];
    if (budget.add(lines.join("\n") + "\n")) {
      for (const f of suppressed) {
        const sup = f.suppressed!;
        // The resource by its name in AWS here: what a suppression's `resource` matches (with the ARN).
        const row = `| ${mdCode(f.ruleId, true)} | ${f.resource.type} ${mdCode(f.resource.name, true)} | ${mdText(sup.reason)} | ${sup.expires ? mdCode(sup.expires, true) : "never"} | ${mdCode(sup.origin, true)} |\n`;
        if (!budget.add(row)) break;
        suppressedShown++;
      }
      budget.add("\n");
    }
  }

  // ---- rule pack problems
  const notes = report.diagnostics.filter((d) => d.severity !== "info");
  if (notes.length > 0 && !stopped) {
    const lines = ["### Diagnostics", "", ...notes.slice(0, 20).map((d) => `- **${d.severity}** ${mdText(clip(d.message, 500))}`)];
    if (notes.length > 20) lines.push(`- … and ${notes.length - 20} more`);
    budget.add(lines.join("\n") + "\n\n");
  }

  // ---- the truncation note (its room was reserved)
  const missing = active.length - shown;
  const missingSuppressed = suppressed.length - suppressedShown;
  const tail: string[] = [];
  if (missing > 0 || missingSuppressed > 0 || withoutDetails > 0) {
    const what = [
      missing > 0 ? `${plural(missing, "finding")} not shown` : "",
      missingSuppressed > 0 ? `${missingSuppressed} suppressed not shown` : "",
      withoutDetails > 0 ? `${withoutDetails} shown without evidence` : "",
    ]
      .filter(Boolean)
      .join(", ");
    const link = options.fullReportUrl ? ` [Full report](${encodeURI(options.fullReportUrl.slice(0, 300)).replace(/[()]/g, (c) => encodeURIComponent(c))}).` : " Run `leastrole audit --format html` for the full report.";
    tail.push(`> [!NOTE]\n> Truncated to fit GitHub's ${limit.toLocaleString("en-US")}-character comment limit: ${what}.${link}`, "");
  }
  tail.push(`<sub>${htmlEscape(`leastrole ${report.tool.version} · rules ${report.tool.rulesVersion}`)}</sub>`, "");
  return budget.text() + tail.join("\n");
}
