/**
 * The terminal report: a summary, the findings grouped by function, the suppressed findings
 * apart, then the fixes that clear the most findings. Plain ASCII layout, so CI logs and any
 * terminal show it the same; colour only when the caller asks (the CLI decides from the TTY,
 * NO_COLOR and FORCE_COLOR), so the function itself never looks at the environment.
 */

import pc from "picocolors";
import { plural } from "../printable.js";
import type { CanonicalDocument } from "../model/document.js";
import { constructName } from "../normalize/display-names.js";
import { SEVERITIES, type Finding, type Severity } from "../model/findings.js";
import type { AuditReport } from "./json.js";
import { clearedBySeverity, constructNames, displayNames, firstParagraph, functionsByRole, groupFindingsByFunction, NOTHING_AUDITED, nothingAudited, partialDataReasons, regionLabel, sharedRoleCount, stripControl, topFixes } from "./view.js";

export interface TableOptions {
  /** ANSI colours (default: none, when no options are given). */
  color: boolean;
  /** Terminal width in columns (default 100, at least 60). */
  width?: number;
  /** Most findings listed per function before "… and N more" (default 20). */
  maxPerGroup?: number;
  /**
   * Most function/resource blocks listed, worst first (default: all). The rest are counted in one
   * line; the summary and the top fixes still cover every finding.
   */
  maxGroups?: number;
  /** Most top fixes listed (default 5). */
  topFixes?: number;
}

type Colors = ReturnType<typeof pc.createColors>;

const LABEL: Record<Severity, string> = { critical: "CRITICAL", high: "HIGH", medium: "MEDIUM", low: "LOW", info: "INFO" };

function paint(c: Colors, severity: Severity, text: string): string {
  switch (severity) {
    case "critical":
      return c.bold(c.red(text));
    case "high":
      return c.red(text);
    case "medium":
      return c.yellow(text);
    case "low":
      return c.cyan(text);
    default:
      return c.dim(text);
  }
}

/** One line of input text: control characters removed, whitespace runs collapsed. */
function oneLine(text: string): string {
  return stripControl(text).replace(/\s+/g, " ").trim();
}

/** Greedy word wrap; words longer than the width (ARNs) are cut, never overflow. */
export function wrap(text: string, width: number): string[] {
  const w = Math.max(10, width);
  const lines: string[] = [];
  let line = "";
  for (let word of oneLine(text).split(" ")) {
    if (word === "") continue;
    while (word.length > w) {
      if (line) {
        lines.push(line);
        line = "";
      }
      lines.push(word.slice(0, w));
      word = word.slice(w);
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= w) line += " " + word;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/** "role X" when the merged functions share it, else the distinct details. */
function sharedDetail(details: Set<string>): string {
  const roles = new Set([...details].map((d) => d.replace(/^.*?, role /, "")));
  const regions = [...new Set([...details].map((d) => d.replace(/, role .*$/, "")))].sort();
  return roles.size === 1 ? `role ${[...roles][0]!}; ${regions.join(", ")}` : [...details].sort().join("; ");
}

/**
 * Whether a message names `name` as a whole word (not `Fn` inside `Function Fn2`): what comes before
 * and after it is the message's start or end, a space, punctuation or a quote.
 */
function namesWhole(message: string, name: string): boolean {
  const apart = (ch: string | undefined): boolean => ch === undefined || /[\s,;:()"'`]/.test(ch);
  for (let i = message.indexOf(name); i !== -1; i = message.indexOf(name, i + 1)) {
    const after = message[i + name.length];
    // A sentence's full stop after the name, but not a Terraform address going on (`aws_iam_role.x`).
    const stop = after === "." && apart(message[i + name.length + 1]);
    if (apart(message[i - 1]) && (apart(after) || stop)) return true;
  }
  return false;
}

export function renderTable(report: AuditReport, document: Partial<CanonicalDocument>, options: TableOptions = { color: false }): string {
  const c = pc.createColors(options.color);
  const width = Math.max(60, Math.floor(options.width ?? 100));
  const maxPerGroup = Math.max(1, options.maxPerGroup ?? 20);
  const out: string[] = [];
  const s = report.summary;

  // ---- summary
  // Which functions run with which role: computed once, shared by every section.
  const fnsOfRole = functionsByRole(document);
  const shared = sharedRoleCount(document, fnsOfRole);
  const headline = `leastrole ${oneLine(report.tool.version)} - ${plural(s.functions, "function")}, ${plural(s.roles, "role")}` + (shared > 0 ? ` (${shared} shared by several functions)` : "");
  for (const [i, l] of wrap(headline, width).entries()) out.push(i === 0 ? c.bold(l) : l);
  // Severity counts, wrapped segment by segment so each keeps its colour.
  const segments: Array<{ plain: string; styled: string }> = [];
  if (s.findings === 0) segments.push({ plain: "none", styled: c.green("none") });
  else
    for (const sev of SEVERITIES) {
      const n = s.bySeverity[sev] ?? 0;
      const t = `${n} ${sev}`;
      segments.push({ plain: t, styled: n > 0 ? paint(c, sev, t) : c.dim(t) });
    }
  if (s.suppressed > 0) segments.push({ plain: `(+${s.suppressed} suppressed)`, styled: c.dim(`(+${s.suppressed} suppressed)`) });
  let plainLine = "Findings:";
  let styledLine = "Findings:";
  segments.forEach((seg, i) => {
    const sep = i === 0 || seg.plain.startsWith("(") ? " " : ", ";
    if (plainLine.length + sep.length + seg.plain.length + 1 > width) {
      out.push(styledLine + (sep === ", " ? "," : ""));
      plainLine = "  " + seg.plain;
      styledLine = "  " + seg.styled;
    } else {
      plainLine += sep + seg.plain;
      styledLine += sep + seg.styled;
    }
  });
  out.push(styledLine);
  if (s.partial) {
    const reasons = partialDataReasons(document);
    for (const l of wrap("Partial data: some inputs were incomplete, so findings may be missing and usage may be understated.", width)) out.push(c.yellow(l));
    for (const r of reasons.slice(0, 5)) for (const [i, l] of wrap(r, width - 4).entries()) out.push(c.yellow(`${i === 0 ? "  - " : "    "}${l}`));
    if (reasons.length > 5) out.push(c.yellow(`  ... and ${reasons.length - 5} more (see --format json)`));
  }
  const problems = report.diagnostics.filter((d) => d.severity === "error");
  if (problems.length > 0) for (const l of wrap(`Rule errors: ${plural(problems.length, "diagnostic")} (a rule pack failed in part; see below)`, width)) out.push(c.red(l));

  // ---- findings by function
  const constructs = constructNames(document);
  const shown = displayNames(document, constructs);
  // Blocks in the order of the names their heads show (a template's logical IDs, construct paths, addresses).
  const groups = groupFindingsByFunction(report.findings, document, fnsOfRole, shown);
  const fnByArn = new Map((document.functions ?? []).map((fn) => [fn.arn, fn]));
  /** A resource as the text names it: as the user's code does when it is code, else its name. */
  const nameOf = (arn: string, name: string): string => shown.get(arn) ?? name;
  const sevWidth = Math.max(...Object.values(LABEL).map((l) => l.length));
  // A fold, not Math.max(...findings): past ~120,000 findings the spread overflowed V8's stack.
  const idWidth = Math.min(12, report.findings.reduce((m, f) => Math.max(m, oneLine(f.ruleId).length), 5));
  const indent = 2 + sevWidth + 1 + idWidth + 1;
  const findingLines = (f: Finding, dim: boolean): string[] => {
    const lines = wrap(f.message, width - indent);
    // A rule id longer than its column (a user pack's) gets a line of its own, cut to the width.
    const fullId = oneLine(f.ruleId);
    const longId = fullId.length > idWidth;
    const id = longId ? fullId.slice(0, width - 3 - sevWidth) : fullId.padEnd(idWidth);
    const styledHead = dim ? c.dim(`  ${LABEL[f.severity].padEnd(sevWidth)} ${id}`) : `  ${paint(c, f.severity, LABEL[f.severity].padEnd(sevWidth))} ${c.bold(id)}`;
    const body = lines.map((l) => (dim ? c.dim(" ".repeat(indent) + l) : " ".repeat(indent) + l));
    if (longId) return [styledHead, ...body];
    return [`${styledHead}${dim ? c.dim(" " + lines[0]) : " " + lines[0]}`, ...body.slice(1)];
  };
  // Functions with exactly the same findings (typically those sharing a role, with nothing of
  // their own) are listed together, so a role shared by 30 functions is one block, not 30.
  interface Block {
    kind: string;
    names: string[];
    details: Set<string>;
    findings: Finding[];
  }
  const blocks: Block[] = [];
  const byKey = new Map<string, Block>();
  for (const g of groups) {
    const key = g.findings.map((f) => f.fingerprint).join(",");
    const existing = g.kind === "function" ? byKey.get(key) : undefined;
    // A function's role as the code names it too (the detail is `<region>, role <name>`).
    const fn = g.kind === "function" ? fnByArn.get(g.arn) : undefined;
    const roleShown = fn === undefined ? undefined : shown.get(fn.roleArn);
    const detail = oneLine(fn !== undefined && roleShown !== undefined ? `${regionLabel(fn.region)}, role ${roleShown}` : g.detail);
    const name = oneLine(nameOf(g.arn, g.name));
    if (existing) {
      existing.names.push(name);
      existing.details.add(detail);
      continue;
    }
    const block: Block = { kind: g.kind, names: [name], details: new Set([detail]), findings: g.findings };
    if (g.kind === "function") byKey.set(key, block);
    blocks.push(block);
  }
  const printed = new Map<string, string>();
  const maxGroups = Math.max(1, options.maxGroups ?? Infinity);
  for (const b of blocks.slice(0, maxGroups)) {
    const names = b.names;
    const listed = names.length > 10 ? `${names.slice(0, 10).join(", ")} ... and ${names.length - 10} more` : names.join(", ");
    const head = b.kind === "function" ? (names.length === 1 ? `function ${names[0]}` : `${names.length} functions: ${listed}`) : `${b.kind} ${names[0]}`;
    const detail = names.length === 1 ? [...b.details][0]! : sharedDetail(b.details);
    out.push("");
    const headLines = wrap(`${head} (${detail})`, width);
    out.push(headLines.length === 1 ? `${c.bold(head)} ${c.dim(`(${detail})`)}` : headLines.map((l) => c.bold(l)).join("\n"));
    for (const f of b.findings.slice(0, maxPerGroup)) {
      const before = printed.get(f.fingerprint);
      if (before) {
        // Already shown in full under another function: one line pointing there.
        const pointer = wrap(`on ${f.resource.type} ${oneLine(nameOf(f.resource.arn, f.resource.name))}: see ${before} above`, width - indent);
        out.push(c.dim(`  ${LABEL[f.severity].padEnd(sevWidth)} ${oneLine(f.ruleId).slice(0, idWidth).padEnd(idWidth)} ${pointer[0]}`));
        for (const l of pointer.slice(1)) out.push(c.dim(" ".repeat(indent) + l));
        continue;
      }
      printed.set(f.fingerprint, names.length === 1 ? head : `function ${names[0]}`);
      out.push(...findingLines(f, false));
      // Where the finding is written when that is not its resource: the construct that adds the
      // statement (a CDK grant's `<Role>/DefaultPolicy`, an AwsCustomResource's policy), which is
      // where a CDK user changes it.
      // Either is left out when the message already names it: the built-in rules name the role and
      // the policy as the user's code does (policies/lib/analysis.rego display_name, policy_name).
      const own = constructs.get(f.resource.arn);
      const written = f.location?.construct === undefined ? undefined : constructName(f.location.construct);
      const resourceName = nameOf(f.resource.arn, f.resource.name);
      const named = (name: string): boolean => namesWhole(f.message, name);
      const where = [
        f.resource.type !== b.kind && !named(resourceName) ? `on ${f.resource.type} ${oneLine(resourceName)}` : "",
        written !== undefined && written !== own && !named(written) ? `in ${oneLine(own !== undefined && written.startsWith(`${own}/`) ? `its ${written.slice(own.length + 1)}` : written)}` : "",
      ]
        .filter(Boolean)
        .join(", ");
      if (where !== "") for (const l of wrap(where, width - indent)) out.push(c.dim(" ".repeat(indent) + l));
    }
    if (b.findings.length > maxPerGroup) out.push(c.dim(`  ... and ${b.findings.length - maxPerGroup} more`));
  }
  if (blocks.length > maxGroups) {
    const rest = blocks.slice(maxGroups);
    const fns = rest.reduce((n, b) => n + (b.kind === "function" ? b.names.length : 0), 0);
    const others = rest.filter((b) => b.kind !== "function").length;
    const what = [fns > 0 ? plural(fns, "more function") : "", others > 0 ? plural(others, "more resource") : ""].filter(Boolean).join(" and ");
    out.push("");
    for (const l of wrap(`... ${what} with less severe findings not listed (--format html or json lists them all)`, width)) out.push(c.dim(l));
  }
  if (groups.length === 0 && s.findings === 0) {
    out.push("");
    // Nothing in scope (CloudTrail alone, a plan without IAM or Lambda): a green "No findings."
    // read as a clean account to whoever saw only the report (stderr's note aside, or --quiet).
    if (nothingAudited(s)) for (const l of wrap(NOTHING_AUDITED, width)) out.push(c.yellow(l));
    else out.push(c.green("No findings."));
  }

  // ---- suppressed, apart and dimmed, each with its reason
  const suppressed = report.findings.filter((f) => f.suppressed);
  if (suppressed.length > 0) {
    out.push("");
    out.push(c.bold(`Suppressed (${suppressed.length})`) + c.dim(width >= 46 ? " - accepted, not counted above" : ""));
    for (const f of suppressed) {
      out.push(...findingLines(f, true));
      const sup = f.suppressed!;
      const why = `${f.resource.type} ${oneLine(f.resource.name)}: ${oneLine(sup.reason)}` + (sup.expires ? ` (until ${oneLine(sup.expires)})` : "") + ` [${oneLine(sup.origin)}]`;
      for (const l of wrap(why, width - indent)) out.push(c.dim(" ".repeat(indent) + l));
    }
  }

  // ---- top fixes
  const fixes = topFixes(report.findings, document, options.topFixes ?? 5, fnsOfRole);
  if (fixes.length > 0) {
    out.push("");
    out.push(c.bold("Top fixes"));
    fixes.forEach((fix, i) => {
      const sev = clearedBySeverity(fix);
      const scope = fix.functions > 0 ? `, ${plural(fix.functions, "function")}` : "";
      const line = `${oneLine(fix.ruleId)} ${oneLine(fix.name)}: clears ${plural(fix.findings, "finding")} (${sev}) on ${plural(fix.resources, "resource")}${scope}`;
      wrap(line, width - 5).forEach((l, k) => out.push(k === 0 ? `  ${`${i + 1}.`.padEnd(3)}${c.bold(l)}` : `     ${l}`));
      const remedy = firstParagraph(fix.remediation);
      if (remedy) for (const l of wrap(remedy, width - 5)) out.push(`     ${c.dim(l)}`);
    });
  }

  // ---- diagnostics (rule pack problems, expired or unused suppressions)
  const notes = report.diagnostics.filter((d) => d.severity !== "info");
  if (notes.length > 0) {
    out.push("");
    out.push(c.bold("Diagnostics"));
    for (const d of notes) {
      const text = `${d.severity}: ${oneLine(d.message)}`;
      for (const [i, l] of wrap(text, width - 4).entries()) out.push((d.severity === "error" ? c.red : c.yellow)(`${i === 0 ? "  - " : "    "}${l}`));
    }
  }
  return out.join("\n") + "\n";
}
