/**
 * Rendering `leastrole diff`: a terminal table, Markdown for a pull-request comment, JSON. The
 * report is already sorted (src/audit/diff.ts); these only format it, so output is byte-stable.
 */

import type { DiffReport, PermissionChange, SeverityChange } from "../audit/diff.js";
import type { PolicyStatement, SourceLocation } from "../model/document.js";
import type { Finding } from "../model/findings.js";
import { mdCode, mdText } from "./markdown-escape.js";
import { plural } from "../printable.js";
import { GITHUB_COMMENT_LIMIT } from "./markdown.js";
import { sortKeysDeep, stripControl } from "./view.js";

const SIGN: Record<PermissionChange["change"], string> = { added: "+", removed: "-", widened: "+", narrowed: "-", changed: "~" };

const KIND_LABEL: Record<PermissionChange["kind"], string> = {
  "trust-statement": "trust",
  "inline-statement": "inline",
  "managed-statement": "managed policy",
  "managed-attachment": "attached policy",
  "permissions-boundary": "boundary",
  "group-membership": "group",
  "execution-role": "execution role",
  "resource-policy-statement": "resource policy",
  trigger: "trigger",
  "function-url": "function URL",
};

function list(xs: string[] | undefined): string {
  return (xs ?? []).join(", ");
}

function principalText(p: PolicyStatement["Principal"]): string {
  if (p === undefined) return "";
  if (p === "*") return "*";
  return Object.keys(p)
    .sort()
    .map((t) => `${t}: ${list(p[t])}`)
    .join("; ");
}

/** One line saying what a permission row grants. */
export function describePermission(kind: PermissionChange["kind"], value: unknown): string {
  if (value === null || value === undefined) return "";
  if (kind === "trust-statement" || kind === "inline-statement" || kind === "managed-statement" || kind === "resource-policy-statement") {
    const s = value as PolicyStatement;
    const parts: string[] = [s.Effect];
    if (s.Principal !== undefined) parts.push(`principal ${principalText(s.Principal)}`);
    if (s.NotPrincipal !== undefined) parts.push(`all principals except ${principalText(s.NotPrincipal)}`);
    if (s.Action) parts.push(list(s.Action));
    if (s.NotAction) parts.push(`all actions except ${list(s.NotAction)}`);
    if (s.Resource) parts.push(`on ${list(s.Resource)}`);
    if (s.NotResource) parts.push(`on all resources except ${list(s.NotResource)}`);
    const conds = Object.entries(s.Condition ?? {}).flatMap(([op, keys]) => Object.entries(keys).map(([k, v]) => `${op} ${k}=${list(v)}`));
    if (conds.length > 0) parts.push(`if ${conds.join(" and ")}`);
    return parts.join(" ");
  }
  if (kind === "trigger") {
    const t = value as { kind: string; eventSourceArn: string | null; secretArns: string[]; onFailureDestination: string | null };
    return [t.kind, t.eventSourceArn ?? "(source unknown)", t.secretArns.length > 0 ? `secrets ${list(t.secretArns)}` : "", t.onFailureDestination ? `on failure → ${t.onFailureDestination}` : ""].filter(Boolean).join(" ");
  }
  if (kind === "function-url") {
    const u = value as { authType: string; qualifier: string | null };
    return `auth ${u.authType}${u.qualifier ? ` (${u.qualifier})` : ""}`;
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}

function where(s: SourceLocation | null): string {
  if (!s) return "";
  return `${s.file}${s.line !== null ? `:${s.line}` : ""}`;
}

function groups(report: DiffReport): Array<{ owner: string; head: PermissionChange; changes: PermissionChange[] }> {
  const out: Array<{ owner: string; head: PermissionChange; changes: PermissionChange[] }> = [];
  for (const c of report.changes) {
    const last = out[out.length - 1];
    if (last && last.owner === c.owner) last.changes.push(c);
    else out.push({ owner: c.owner, head: c, changes: [c] });
  }
  return out;
}

function fnNames(arns: string[]): string {
  return arns.map((a) => a.replace(/^.*:function:/, "")).join(", ");
}

function headline(report: DiffReport): string {
  const n = report.changes.length;
  const i = report.findings.introduced.filter((f) => !f.suppressed).length;
  const f = report.findings.fixed.filter((x) => !x.suppressed).length;
  // The suppressed ones are listed below the headline too: counted apart, not left to contradict it.
  const si = report.findings.introduced.length - i;
  const sf = report.findings.fixed.length - f;
  const r = report.findings.raised.length;
  const l = report.findings.lowered.length;
  return (
    `${n} permission change${n === 1 ? "" : "s"}, ${i} finding${i === 1 ? "" : "s"} introduced${si > 0 ? ` (and ${si} suppressed)` : ""}, ${f} fixed${sf > 0 ? ` (and ${sf} suppressed)` : ""}` +
    // Only when there are some: the usual headline stays as it was.
    (r > 0 ? `, ${r} raised in severity` : "") +
    (l > 0 ? `, ${l} lowered` : "")
  );
}

function findingLine(f: Finding): string {
  return `${f.severity.toUpperCase()} ${f.ruleId} ${f.resource.type} ${f.resource.name}: ${f.message}${f.suppressed ? " (suppressed)" : ""}`;
}

export function renderPermissionDiffTable(report: DiffReport): string {
  const out: string[] = [`leastrole diff: ${headline(report)}`];
  const side = (label: string, s: DiffReport["before"]): string =>
    `${label} ${s.inputs.join(", ")} (${plural(s.functions, "function")}, ${plural(s.roles, "role")}, ${plural(s.findings, "finding")}${s.partial ? ", incomplete inputs" : ""})`;
  out.push(side("before:", report.before), side("after: ", report.after), "");
  if (report.changes.length === 0) out.push("No permission changes.", "");
  for (const g of groups(report)) {
    const fns = g.head.ownerType === "function" ? "" : g.head.functions.length > 0 ? `  (functions: ${fnNames(g.head.functions)})` : "";
    out.push(`${g.head.ownerType} ${g.head.ownerName}${fns}`);
    out.push(`  ${g.owner}`);
    for (const c of g.changes) {
      const label = `${KIND_LABEL[c.kind]}${c.policy && c.kind !== "managed-attachment" ? ` ${c.policy}` : ""}`;
      out.push(`  ${SIGN[c.change]} ${c.change.padEnd(8)} ${label}: ${describePermission(c.kind, c.after ?? c.before)}${c.source ? `  [${where(c.source)}]` : ""}`);
      if (c.before !== null && c.after !== null) out.push(`             was: ${describePermission(c.kind, c.before)}`);
    }
    out.push("");
  }
  if (report.sharedRoles.length > 0) {
    out.push("Roles now shared by several functions:");
    for (const r of report.sharedRoles) out.push(`  ${r.roleName}: ${fnNames(r.after)}${r.before.length > 0 ? ` (before: ${fnNames(r.before)})` : " (new)"}`);
    out.push("");
  }
  const section = (title: string, fs: Finding[]): void => {
    if (fs.length === 0) return;
    out.push(`${title}:`);
    for (const f of fs) out.push(`  ${findingLine(f)}${f.location ? `  [${where({ ...f.location, address: null })}]` : ""}`);
    out.push("");
  };
  section("Findings introduced", report.findings.introduced);
  const changed = (title: string, cs: SeverityChange[]): void => {
    if (cs.length === 0) return;
    out.push(`${title}:`);
    for (const c of cs) out.push(`  ${c.after.toUpperCase()} (was ${c.before.toUpperCase()}) ${findingLine(c.finding).replace(/^\S+ /, "")}${c.finding.location ? `  [${where({ ...c.finding.location, address: null })}]` : ""}`);
    out.push("");
  };
  changed("Findings raised in severity", report.findings.raised);
  section("Findings fixed", report.findings.fixed);
  changed("Findings lowered in severity", report.findings.lowered);
  return out.map(stripControl).join("\n").replace(/\n+$/, "") + "\n";
}

export interface PermissionDiffMarkdownOptions {
  /** Most characters written (default: GitHub's comment limit). */
  maxLength?: number;
}

export function renderPermissionDiffMarkdown(report: DiffReport, options: PermissionDiffMarkdownOptions = {}): string {
  const limit = options.maxLength ?? GITHUB_COMMENT_LIMIT;
  const head: string[] = [`### leastrole: ${mdText(headline(report))}`, ""];
  if (report.before.partial || report.after.partial) head.push("> Some inputs were incomplete: see the `leastrole audit` warnings.", "");
  const findingsTable = (title: string, fs: Finding[]): string[] => {
    if (fs.length === 0) return [];
    return [
      `#### ${title}`,
      "",
      "| Severity | Rule | Resource | Finding | Where |",
      "|---|---|---|---|---|",
      ...fs.map((f) => `| ${f.severity}${f.suppressed ? " (suppressed)" : ""} | ${mdCode(f.ruleId, true)} | ${mdCode(f.resource.name, true)} | ${mdText(f.message)} | ${f.location ? mdCode(where({ ...f.location, address: null }), true) : ""} |`),
      "",
    ];
  };
  const changedTable = (title: string, cs: SeverityChange[]): string[] => {
    if (cs.length === 0) return [];
    return [
      `#### ${title}`,
      "",
      "| Severity | Rule | Resource | Finding | Where |",
      "|---|---|---|---|---|",
      ...cs.map(({ before, after, finding: f }) => `| ${before} → **${after}**${f.suppressed ? " (suppressed)" : ""} | ${mdCode(f.ruleId, true)} | ${mdCode(f.resource.name, true)} | ${mdText(f.message)} | ${f.location ? mdCode(where({ ...f.location, address: null }), true) : ""} |`),
      "",
    ];
  };
  const tail: string[] = [
    ...findingsTable("Findings introduced", report.findings.introduced),
    ...changedTable("Findings raised in severity", report.findings.raised),
    ...findingsTable("Findings fixed", report.findings.fixed),
    ...changedTable("Findings lowered in severity", report.findings.lowered),
  ];
  if (report.sharedRoles.length > 0) {
    tail.push("#### Roles now shared by several functions", "");
    for (const r of report.sharedRoles) tail.push(`- ${mdCode(r.roleName)}: ${mdText(fnNames(r.after))}${r.before.length > 0 ? ` (before: ${mdText(fnNames(r.before))})` : " (new)"}`);
    tail.push("");
  }
  const body: string[] = [];
  if (report.changes.length > 0) body.push("#### Permission changes", "");
  let used = [...head, ...tail].join("\n").length + 200;
  let shown = 0;
  for (const g of groups(report)) {
    const fns = g.head.ownerType === "function" ? "" : g.head.functions.length > 0 ? ` (functions: ${mdText(fnNames(g.head.functions))})` : "";
    const block = [
      `**${g.head.ownerType} ${mdCode(g.head.ownerName)}**${fns}`,
      "",
      "| | Change | Permission | Where |",
      "|---|---|---|---|",
      ...g.changes.map((c) => {
        const label = `${KIND_LABEL[c.kind]}${c.policy && c.kind !== "managed-attachment" ? ` ${c.policy}` : ""}`;
        const now = mdCode(describePermission(c.kind, c.after ?? c.before), true);
        const was = c.before !== null && c.after !== null ? `<br>was: ${mdCode(describePermission(c.kind, c.before), true)}` : "";
        return `| ${SIGN[c.change] === "+" ? "➕" : SIGN[c.change] === "-" ? "➖" : "✏️"} | ${c.change} ${mdText(label)} | ${now}${was} | ${c.source ? mdCode(where(c.source), true) : ""} |`;
      }),
      "",
    ];
    const size = block.join("\n").length + 1;
    if (used + size > limit) break;
    used += size;
    shown += g.changes.length;
    body.push(...block);
  }
  if (shown < report.changes.length) body.push(`_${report.changes.length - shown} more changes left out to fit a comment: run \`leastrole diff --format json\` for all._`, "");
  return [...head, ...body, ...tail].join("\n").replace(/\n+$/, "") + "\n";
}

export function renderPermissionDiffJson(report: DiffReport): string {
  return JSON.stringify(sortKeysDeep(report), null, 2) + "\n";
}
