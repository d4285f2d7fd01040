/**
 * Rendering `leastrole diff`: a terminal table, Markdown for a pull-request comment, JSON. The
 * report is already sorted (src/audit/diff.ts); these only format it, so output is byte-stable.
 */

import { INCOMPLETE_INPUTS_REASON, UNCONFIRMED_KINDS, type DiffReport, type PermissionChange, type SeverityChange, type UnconfirmedFinding, type UnconfirmedKind } from "../audit/diff.js";
import type { PolicyStatement, SourceLocation } from "../model/document.js";
import { SEVERITIES, type Finding, type Severity } from "../model/findings.js";
import { mdCode, mdText } from "./markdown-escape.js";
import { plural } from "../printable.js";
import { clip } from "./clip.js";
import { GITHUB_COMMENT_LIMIT } from "./markdown.js";
import { sortKeysDeep, stripControl } from "./view.js";
import { wrap } from "./table.js";
import { shownArn } from "../deployment-account.js";

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

/**
 * Why the findings no longer reported are not confirmed fixed, said once (the headline, the
 * heading): each kind among them (their `unconfirmedKind`, diff schema 1.6), in the order of
 * UNCONFIRMED_KINDS: the after inputs are incomplete, have no usage covering them (LR008 against
 * a plan), hold no CloudTrail records covering them, do not hold the functions the findings are
 * about (an IAM export without the Lambda lists, a template with a role alone), or their event
 * source mappings (a mapping defined in another stack), … Each one's own reason is said beside it
 * when they are not all the first (unconfirmedReasonShown).
 */
function unconfirmedCause(fs: readonly Pick<UnconfirmedFinding, "unconfirmedReason" | "unconfirmedKind">[]): string {
  const kinds = new Set(fs.map(reasonKind));
  const said = UNCONFIRMED_KINDS.filter((k) => kinds.has(k)).map((k) => CAUSE_TEXT[k]);
  return `the after inputs ${said.length > 1 ? `${said.slice(0, -1).join(", ")} or ${said[said.length - 1]}` : said[0]}`;
}

const CAUSE_TEXT: Record<UnconfirmedKind, string> = {
  "incomplete-inputs": "are incomplete",
  usage: "have no usage data covering them",
  calls: "hold no CloudTrail records covering them",
  "data-events": "may not log the data-event calls they listed",
  "unused-actions": "still grant actions they called unused without showing them used",
  functions: "do not hold the functions they are about",
  triggers: "do not hold the event source mappings they are about",
};

/**
 * What an unconfirmed entry's reason is about, for the heading: its `unconfirmedKind` (diff schema
 * 1.6). A report of 1.5 or before (a saved JSON rendered again) has none: there it is told as those
 * versions' renderers told it, `incomplete-inputs` for INCOMPLETE_INPUTS_REASON or no reason (1.3),
 * `functions` by the start of diff.ts functionGap's reasons (which no resource name can change: a
 * rule id has no space), else `usage`, which then stood for the calls, data events and unused
 * actions too.
 */
function reasonKind(f: Pick<UnconfirmedFinding, "unconfirmedReason" | "unconfirmedKind">): UnconfirmedKind {
  if (f.unconfirmedKind !== undefined && (UNCONFIRMED_KINDS as readonly string[]).includes(f.unconfirmedKind)) return f.unconfirmedKind;
  if (f.unconfirmedReason === undefined || f.unconfirmedReason === INCOMPLETE_INPUTS_REASON) return "incomplete-inputs";
  return /^(the after inputs do not hold function |\S+ is decided by the functions of role )/.test(f.unconfirmedReason) ? "functions" : "usage";
}

/**
 * Why the findings lowered in severity that are not confirmed are not (SeverityChange
 * unconfirmedReason, diff schema 1.5): said once in the headline and the heading, each one's own
 * reason under it.
 */
function loweredCause(cs: readonly SeverityChange[]): string {
  return unconfirmedCause(cs.filter((c) => c.unconfirmedReason !== undefined).map((c) => ({ unconfirmedReason: c.unconfirmedReason, unconfirmedKind: c.unconfirmedKind })));
}

/** An entry whose reason the heading says whole: the after inputs incomplete, in those words. */
function incompleteOnly(f: Pick<UnconfirmedFinding, "unconfirmedReason" | "unconfirmedKind">): boolean {
  return reasonKind(f) === "incomplete-inputs" && (f.unconfirmedReason === undefined || f.unconfirmedReason === INCOMPLETE_INPUTS_REASON);
}

/** The heading of the findings the after side no longer reports and cannot confirm fixed (DiffReport findings.unconfirmed). */
function unconfirmedTitle(fs: readonly UnconfirmedFinding[]): string {
  return `No longer reported, not confirmed fixed (${unconfirmedCause(fs)})`;
}

/** A finding's own reason, shown beside it unless the heading says it for all (only incomplete inputs). */
function unconfirmedReasonShown(fs: readonly UnconfirmedFinding[]): (f: UnconfirmedFinding) => string | null {
  const all = fs.every(incompleteOnly);
  return (f) => (all ? null : (f.unconfirmedReason ?? INCOMPLETE_INPUTS_REASON));
}

/**
 * After an owner's name: why its changes are not confirmed, when they all are not (the owner is
 * missing from a side whose inputs are incomplete); each such change's line has `?` for its sign.
 */
function unconfirmedNote(changes: PermissionChange[], report: DiffReport): string {
  if (!changes.every((c) => c.unconfirmed === true)) return "";
  const side = changes.every((c) => c.after === null) ? "after" : changes.every((c) => c.before === null) ? "before" : null;
  // A function both sides hold, whose mappings one side does not list (diff schema 1.6).
  if (changes.every((c) => c.unconfirmedKind === "triggers")) {
    return side === null
      ? "(not confirmed: event source mappings one side does not list)"
      : `(event source mappings not in the ${side} inputs, which do not list the function's mappings: maybe defined in another stack, not ${side === "after" ? "removed" : "new"})`;
  }
  if (side === null) return "(not confirmed: missing from incomplete inputs)";
  // A side not partial: a function whose region's function list it does not hold (diff schema 1.5).
  const why = report[side].partial ? "which are incomplete" : "which do not list the functions where it runs";
  return `(not in the ${side} inputs, ${why}: maybe unread, not ${side === "after" ? "removed" : "new"})`;
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

function fnNames(arns: string[], nameOf: NameOf): string {
  return arns.map((a) => nameOf(a, a.replace(/^.*:function:/, ""))).join(", ");
}

function headline(report: DiffReport): string {
  const n = report.changes.length;
  const un = report.changes.filter((c) => c.unconfirmed === true).length;
  const tu = report.changes.filter((c) => c.unconfirmed === true && c.unconfirmedKind === "triggers").length;
  const ou = un - tu;
  // Reports of diff schema 1.2 and before (a saved JSON rendered again) have no `unconfirmed`.
  const u = (report.findings.unconfirmed ?? []).length;
  const i = report.findings.introduced.filter((f) => !f.suppressed).length;
  const f = report.findings.fixed.filter((x) => !x.suppressed).length;
  // The suppressed ones are listed below the headline too: counted apart, not left to contradict it.
  const si = report.findings.introduced.length - i;
  const sf = report.findings.fixed.length - f;
  const r = report.findings.raised.length;
  const l = report.findings.lowered.length;
  const lu = report.findings.lowered.filter((c) => c.unconfirmedReason !== undefined).length;
  return (
    `${n} permission change${n === 1 ? "" : "s"}${
      un > 0
        ? ` (${un} not confirmed: ${[
            ...(ou > 0
              ? [`${ou === un ? (un === 1 ? "its owner is" : "their owners are") : `${ou} with ${ou === 1 ? "its owner" : "their owners"}`} missing from ${report.before.partial || report.after.partial ? "incomplete inputs" : "inputs that do not list them"}`]
              : []),
            ...(tu > 0 ? [`${tu === un ? (tu === 1 ? "an" : "") : `${tu}`} event source mapping${tu === 1 ? "" : "s"} the other inputs neither hold nor list`.trimStart()] : []),
          ].join("; ")})`
        : ""
    }, ` +
    `${i} finding${i === 1 ? "" : "s"} introduced${si > 0 ? ` (and ${si} suppressed)` : ""}, ${f} fixed${sf > 0 ? ` (and ${sf} suppressed)` : ""}` +
    (u > 0 ? `, ${u} no longer reported but not confirmed fixed (${unconfirmedCause(report.findings.unconfirmed)})` : "") +
    // Only when there are some: the usual headline stays as it was.
    (r > 0 ? `, ${r} raised in severity` : "") +
    (l > 0 ? `, ${l} lowered${lu > 0 ? ` (${lu === l ? "not" : `${lu} not`} confirmed: ${loweredCause(report.findings.lowered)})` : ""}` : "")
  );
}

/**
 * How the diff names a resource: as the user's code does when the caller gave its display name
 * (`names`: view.ts displayNames of each side's document), else its name in AWS.
 */
type NameOf = (arn: string, name: string) => string;

/**
 * Display names by ARN of each side's document (view.ts displayNames). A finding is named by the
 * side that reports it, as its message names it (an introduced or raised one by the after side's,
 * a fixed one by the before side's: an account export's role is `billing-sync-role` there, the
 * template's `BillingSyncRole`); a permission change's owner, which both sides may hold, by the
 * after side's, else the before side's.
 */
export interface DiffDisplayNames {
  before?: ReadonlyMap<string, string>;
  after?: ReadonlyMap<string, string>;
}

interface Namers {
  owner: NameOf;
  before: NameOf;
  after: NameOf;
}

function namersOf(names: DiffDisplayNames | undefined): Namers {
  return {
    owner: (arn, name) => names?.after?.get(arn) ?? names?.before?.get(arn) ?? name,
    before: (arn, name) => names?.before?.get(arn) ?? name,
    after: (arn, name) => names?.after?.get(arn) ?? name,
  };
}

function findingLine(f: Finding, nameOf: NameOf): string {
  return `${f.severity.toUpperCase()} ${f.ruleId} ${f.resource.type} ${nameOf(f.resource.arn, f.resource.name)}: ${f.message}${f.suppressed ? " (suppressed)" : ""}`;
}

export interface PermissionDiffTableOptions {
  /** Terminal width in columns (default 100, at least 60), as the audit table takes it. */
  width?: number;
  /**
   * Display names by ARN of the before and after documents (`displayNames`): a template's or
   * plan's roles, functions and policies are then named as its code names them, as the findings'
   * messages do. Without it, by their names in AWS.
   */
  names?: DiffDisplayNames;
}

/**
 * A line of the table wrapped to `width`, its continuations indented under its text: a change's
 * under its label (after `+ added   `), others two columns in. Before, a change's line ran to
 * 300-550 columns (an ARN, then the file it came from).
 */
function wrapLine(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const indent = line.length - line.trimStart().length;
  const change = /^ {2}[-+~?] \S+ +/.exec(line);
  const under = Math.min(change !== null ? change[0].length : indent + 2, width - 20);
  const head = line.slice(0, change !== null ? change[0].length : indent);
  // The first line takes the words that fit beside the head; the rest wrap under it.
  const words = line.slice(head.length).split(" ").filter((w) => w !== "");
  let first = "";
  let taken = 0;
  for (const w of words) {
    if ((first === "" ? w.length : first.length + 1 + w.length) > width - head.length) break;
    first = first === "" ? w : `${first} ${w}`;
    taken++;
  }
  if (taken === 0 && words.length > 0) {
    // A word longer than the room (an ARN): cut, as the audit table cuts it, never overflowing.
    const w = words[0] as string;
    first = w.slice(0, width - head.length);
    words[0] = w.slice(first.length);
  }
  const rest = words.slice(taken).join(" ").trim();
  return [head + first, ...(rest === "" ? [] : wrap(rest, width - under).map((l) => " ".repeat(under) + l))];
}

export function renderPermissionDiffTable(report: DiffReport, options: PermissionDiffTableOptions = {}): string {
  const width = Math.max(60, Math.floor(options.width ?? 100));
  const namers = namersOf(options.names);
  const nameOf = namers.owner;
  const out: string[] = [`leastrole diff: ${headline(report)}`];
  const side = (label: string, s: DiffReport["before"]): string =>
    `${label} ${s.inputs.join(", ")} (${plural(s.functions, "function")}, ${plural(s.roles, "role")}, ${plural(s.findings, "finding")}${s.partial ? ", incomplete inputs" : ""})`;
  out.push(side("before:", report.before), side("after: ", report.after));
  if (report.before.partial || report.after.partial) out.push(...partialLines(report, (label, r) => `  - ${label}: ${r}`, (label, n) => `  - ${label}: ... and ${n} more (see --format json)`));
  out.push("");
  if (report.changes.length === 0) out.push("No permission changes.", "");
  for (const g of groups(report)) {
    const fns = g.head.ownerType === "function" ? "" : g.head.functions.length > 0 ? `  (functions: ${fnNames(g.head.functions, nameOf)})` : "";
    const note = unconfirmedNote(g.changes, report);
    out.push(`${g.head.ownerType} ${nameOf(g.owner, g.head.ownerName)}${fns}${note === "" ? "" : `  ${note}`}`);
    // A template's or plan's ARN in a placeholder account is no ARN the author can look up.
    out.push(`  ${shownArn(g.owner)}`);
    for (const c of g.changes) {
      const label = `${KIND_LABEL[c.kind]}${c.policy && c.kind !== "managed-attachment" ? ` ${c.policy}` : ""}`;
      out.push(`  ${c.unconfirmed ? "?" : SIGN[c.change]} ${c.change.padEnd(8)} ${label}: ${describePermission(c.kind, c.after ?? c.before)}${c.source ? `  [${where(c.source)}]` : ""}`);
      if (c.before !== null && c.after !== null) out.push(`             was: ${describePermission(c.kind, c.before)}`);
    }
    out.push("");
  }
  if (report.sharedRoles.length > 0) {
    out.push("Roles now shared by several functions:");
    for (const r of report.sharedRoles) out.push(`  ${namers.after(r.roleArn, r.roleName)}: ${fnNames(r.after, namers.after)}${r.before.length > 0 ? ` (before: ${fnNames(r.before, namers.before)})` : " (new)"}`);
    out.push("");
  }
  const section = (title: string, fs: Finding[], side: NameOf): void => {
    if (fs.length === 0) return;
    out.push(`${title}:`);
    for (const f of fs) out.push(`  ${findingLine(f, side)}${f.location ? `  [${where({ ...f.location, address: null })}]` : ""}`);
    out.push("");
  };
  section("Findings introduced", report.findings.introduced, namers.after);
  const changed = (title: string, cs: SeverityChange[]): void => {
    if (cs.length === 0) return;
    out.push(`${title}:`);
    for (const c of cs) {
      out.push(`  ${c.after.toUpperCase()} (was ${c.before.toUpperCase()}) ${findingLine(c.finding, namers.after).replace(/^\S+ /, "")}${c.finding.location ? `  [${where({ ...c.finding.location, address: null })}]` : ""}`);
      // A lowering that may be only the after side's missing data (diff schema 1.5).
      if (c.unconfirmedReason !== undefined) out.push(`    not confirmed: ${c.unconfirmedReason}`);
    }
    out.push("");
  };
  changed("Findings raised in severity", report.findings.raised);
  section("Findings fixed", report.findings.fixed, namers.before);
  const unconfirmed = report.findings.unconfirmed ?? [];
  if (unconfirmed.length > 0) {
    const reasonOf = unconfirmedReasonShown(unconfirmed);
    out.push(`${unconfirmedTitle(unconfirmed)}:`);
    for (const f of unconfirmed) {
      out.push(`  ${findingLine(f, namers.before)}${f.location ? `  [${where({ ...f.location, address: null })}]` : ""}`);
      const why = reasonOf(f);
      if (why !== null) out.push(`    not confirmed: ${why}`);
    }
    out.push("");
  }
  changed("Findings lowered in severity", report.findings.lowered);
  return out.flatMap((l) => wrapLine(stripControl(l), width)).join("\n").replace(/\n+$/, "") + "\n";
}

export interface PermissionDiffMarkdownOptions {
  /** Most characters written, in UTF-16 code units (default: GitHub's comment limit, 65,536). */
  maxLength?: number;
  /** Display names of each side, as PermissionDiffTableOptions.names: the Resource column and the headings then name resources as the findings' messages do. */
  names?: DiffDisplayNames;
}

/** Permission changes that grant more come first when some must be left out. */
const CHANGE_PRIORITY: PermissionChange["change"][] = ["widened", "added", "changed", "narrowed", "removed"];

/** Function names, the first `max` of them (all when `max` is null). */
function fnNamesUpTo(arns: string[], max: number | null, nameOf: NameOf): string {
  if (max === null || arns.length <= max) return fnNames(arns, nameOf);
  return `${fnNames(arns.slice(0, max), nameOf)} and ${arns.length - max} more`;
}

/**
 * A part of the comment: a head written before its first row (only if a row is shown), rows that
 * can each be left out, and a note saying how many were. `rank` orders the rows across parts when
 * the budget runs out: the lowest ranks are kept.
 */
interface Part {
  head: string[];
  rows: Array<{ text: string; rank: number[] }>;
  foot: string[];
  shown: Set<number>;
  /** The "N more" note, written when rows of the part were left out (null: the caller says it). */
  more: ((n: number) => string) | null;
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/** Fills the parts' rows, lowest rank first, while `budget` allows; stops at the first that does not fit, so nothing less important is shown in its place. */
function fill(parts: Part[], budget: number, most = Number.MAX_SAFE_INTEGER): number {
  const rows = parts
    .flatMap((part, p) => part.rows.map((row, i) => ({ part, p, i, row })))
    .sort((x, y) => compareRanks(x.row.rank, y.row.rank) || x.p - y.p || x.i - y.i)
    .slice(0, most);
  let used = 0;
  for (const { part, i, row } of rows) {
    const opening = part.shown.size === 0 ? [...part.head, ...part.foot].join("\n").length + 1 : 0;
    const cost = row.text.length + 1 + opening;
    if (used + cost > budget) break;
    used += cost;
    part.shown.add(i);
  }
  return used;
}

function fullSize(part: Part): number {
  return part.rows.length === 0 ? 0 : [...part.head, ...part.rows.map((r) => r.text), ...part.foot].join("\n").length + 1;
}

function renderPart(part: Part): string[] {
  const omitted = part.rows.length - part.shown.size;
  if (part.shown.size === 0) return omitted > 0 && part.more ? [part.more(omitted), ""] : [];
  const out = [...part.head, ...part.rows.filter((_, i) => part.shown.has(i)).map((r) => r.text), ...part.foot];
  if (omitted > 0 && part.more) out.push(part.more(omitted), "");
  return out;
}

const JSON_HINT = "see the JSON output (`leastrole diff --format json`)";

/**
 * Why either side was partial, as the audit reports say it (each side's partialReasons, at most
 * five each): a heading line, then one line per reason and side. Before, the diff said "see the
 * warnings about the inputs", which none of its formats showed.
 */
function partialLines(report: DiffReport, line: (side: string, reason: string) => string, more: (side: string, n: number) => string): string[] {
  const out = ["Some inputs were incomplete, so findings may be missing on either side:"];
  for (const [label, s] of [["before", report.before], ["after", report.after]] as const) {
    if (!s.partial) continue;
    // Never empty for a partial side: partialDataReasons says so when no input says why.
    const reasons = s.partialReasons;
    for (const r of reasons.slice(0, 5)) out.push(line(label, r));
    if (reasons.length > 5) out.push(more(label, reasons.length - 5));
  }
  return out;
}

/**
 * The pull-request comment. GitHub refuses a body over 65,536 characters, and the large change is
 * the one that most needs review, so when the whole report does not fit: a summary of the findings
 * per severity and rule and of the permission changes per kind comes first, then the budget is
 * shared between the permission changes (those granting more first) and the findings (introduced
 * and raised before fixed and lowered, the most severe first), long cells are cut, and every
 * table says how many rows it left out.
 */
export function renderPermissionDiffMarkdown(report: DiffReport, options: PermissionDiffMarkdownOptions = {}): string {
  const limit = options.maxLength ?? GITHUB_COMMENT_LIMIT;
  const namers = namersOf(options.names);
  const whole = diffMarkdown(report, null, namers);
  return whole.length <= limit ? whole : diffMarkdown(report, limit, namers);
}

function diffMarkdown(report: DiffReport, limit: number | null, namers: Namers): string {
  const nameOf = namers.owner;
  const cut = limit !== null;
  const head: string[] = [`### leastrole: ${mdText(headline(report))}`, ""];
  if (report.before.partial || report.after.partial) head.push(...partialLines(report, (label, r) => `> - ${label}: ${mdText(clip(r, 200))}`, (label, n) => `> - ${label}: … and ${n} more (${JSON_HINT})`).map((l, i) => (i === 0 ? `> ${l}` : l)), "");

  // ---- permission changes, one part per role / function / policy
  const groupParts: Part[] = groups(report).map((g, gi) => {
    const fns = g.head.ownerType === "function" ? "" : g.head.functions.length > 0 ? ` (functions: ${mdText(fnNamesUpTo(g.head.functions, cut ? 10 : null, nameOf))})` : "";
    const note = unconfirmedNote(g.changes, report);
    return {
      head: [`**${g.head.ownerType} ${mdCode(nameOf(g.owner, g.head.ownerName))}**${fns}${note === "" ? "" : ` ${mdText(note)}`}`, "", "| | Change | Permission | Where |", "|---|---|---|---|"],
      rows: g.changes.map((c, i) => {
        const label = `${KIND_LABEL[c.kind]}${c.policy && c.kind !== "managed-attachment" ? ` ${c.policy}` : ""}`;
        const now = mdCode(clip(describePermission(c.kind, c.after ?? c.before), cut ? 500 : null), true);
        const was = c.before !== null && c.after !== null ? `<br>was: ${mdCode(clip(describePermission(c.kind, c.before), cut ? 500 : null), true)}` : "";
        const sign = c.unconfirmed ? "❔" : SIGN[c.change] === "+" ? "➕" : SIGN[c.change] === "-" ? "➖" : "✏️";
        const text = `| ${sign} | ${c.change}${c.unconfirmed ? " (not confirmed)" : ""} ${mdText(label)} | ${now}${was} | ${c.source ? mdCode(where(c.source), true) : ""} |`;
        return { text, rank: [CHANGE_PRIORITY.indexOf(c.change), gi, i] };
      }),
      foot: [""],
      shown: new Set<number>(),
      more: null,
    };
  });

  // ---- findings: introduced and raised before fixed and lowered, the most severe first
  // `why`: an unconfirmed finding's reason, under its message.
  const findingRow = (f: Finding, severity: string, side: NameOf, why: string | null = null): string =>
    `| ${severity}${f.suppressed ? " (suppressed)" : ""} | ${mdCode(f.ruleId, true)} | ${mdCode(side(f.resource.arn, f.resource.name), true)} | ${mdText(clip(f.message, cut ? 300 : null))}${why !== null ? `<br>_not confirmed: ${mdText(why)}_` : ""} | ${f.location ? mdCode(where({ ...f.location, address: null }), true) : ""} |`;
  const findingPart = (title: string, what: string, rows: Part["rows"]): Part => ({
    head: [`#### ${title}`, "", "| Severity | Rule | Resource | Finding | Where |", "|---|---|---|---|---|"],
    rows,
    foot: [""],
    shown: new Set<number>(),
    more: (n) => `_${n} more ${what} not shown to fit a comment: ${JSON_HINT}._`,
  });
  // Rank: unsuppressed new risk (0), unsuppressed risk gone (1), then the suppressed (2, 3); by severity within.
  const rank = (f: Finding, severity: Severity, worse: boolean, i: number): number[] => [(f.suppressed ? 2 : 0) + (worse ? 0 : 1), SEVERITIES.indexOf(severity), i];
  const introduced = findingPart("Findings introduced", "introduced findings", report.findings.introduced.map((f, i) => ({ text: findingRow(f, f.severity, namers.after), rank: rank(f, f.severity, true, i) })));
  const raised = findingPart(
    "Findings raised in severity",
    "raised findings",
    report.findings.raised.map((c, i) => ({ text: findingRow(c.finding, `${c.before} → **${c.after}**`, namers.after), rank: rank(c.finding, c.after, true, i) })),
  );
  const fixed = findingPart("Findings fixed", "fixed findings", report.findings.fixed.map((f, i) => ({ text: findingRow(f, f.severity, namers.before), rank: rank(f, f.severity, false, i) })));
  const unconfirmedFs = report.findings.unconfirmed ?? [];
  const reasonOf = unconfirmedReasonShown(unconfirmedFs);
  const unconfirmed = findingPart(
    unconfirmedTitle(unconfirmedFs),
    "findings not confirmed fixed",
    unconfirmedFs.map((f, i) => ({ text: findingRow(f, f.severity, namers.before, reasonOf(f)), rank: rank(f, f.severity, false, i) })),
  );
  const lowered = findingPart(
    "Findings lowered in severity",
    "lowered findings",
    report.findings.lowered.map((c, i) => ({ text: findingRow(c.finding, `${c.before} → ${c.after}${c.unconfirmedReason !== undefined ? " (not confirmed)" : ""}`, namers.after, c.unconfirmedReason ?? null), rank: rank(c.finding, c.before, false, i) })),
  );
  const findingParts = [introduced, raised, fixed, unconfirmed, lowered];

  const shared: Part = {
    head: ["#### Roles now shared by several functions", ""],
    rows: report.sharedRoles.map((r, i) => ({
      text: `- ${mdCode(namers.after(r.roleArn, r.roleName))}: ${mdText(fnNamesUpTo(r.after, cut ? 10 : null, namers.after))}${r.before.length > 0 ? ` (before: ${mdText(fnNamesUpTo(r.before, cut ? 10 : null, namers.before))})` : " (new)"}`,
      // Beside the added permissions: a role gaining a function gives it every permission of the role.
      rank: [CHANGE_PRIORITY.indexOf("added"), -1, i],
    })),
    foot: [""],
    shown: new Set<number>(),
    more: (n) => `_${n} more roles now shared not shown to fit a comment: ${JSON_HINT}._`,
  };
  const changeParts = [...groupParts, shared];

  const top: string[] = [...head];
  if (limit === null) {
    for (const part of [...changeParts, ...findingParts]) part.rows.forEach((_, i) => part.shown.add(i));
  } else {
    top.push(
      `> [!NOTE]`,
      `> Too large for one comment of ${limit.toLocaleString("en-US")} characters: the totals first, then the permission changes that grant more and the most severe findings; the rest is in the JSON output.`,
      "",
    );
    top.push(...findingSummary(report), ...changeSummary(report));
    // Room for the headings and for the "N more" note of every part that has rows, always kept.
    // (One note for all the permission changes.)
    const notes = (report.changes.length > 0 ? 1 : 0) + [shared, ...findingParts].filter((p) => p.rows.length > 0).length;
    const fixedCost = [...top, "#### Permission changes", ""].join("\n").length + 1 + notes * (JSON_HINT.length + 100);
    const room = Math.max(0, limit - fixedCost);
    const needChanges = changeParts.reduce((n, p) => n + fullSize(p), 0);
    const needFindings = findingParts.reduce((n, p) => n + fullSize(p), 0);
    // Half each, and what one side does not need to the other; at least the first change, so
    // that the permission changes, what the diff is for, are never all left out for findings.
    const firstChange = fill(changeParts.map((p) => ({ ...p, shown: new Set<number>() })), Number.MAX_SAFE_INTEGER, 1);
    const forChanges = needChanges <= room / 2 ? needChanges : Math.max(Math.floor(room / 2), room - needFindings, Math.min(firstChange, room));
    const usedByChanges = fill(changeParts, forChanges);
    fill(findingParts, room - usedByChanges);
  }

  const body: string[] = [];
  if (report.changes.length > 0) body.push("#### Permission changes", "");
  for (const part of groupParts) body.push(...renderPart(part));
  const changesShown = groupParts.reduce((n, p) => n + p.shown.size, 0);
  if (changesShown < report.changes.length) body.push(`_${report.changes.length - changesShown} more permission changes not shown to fit a comment: ${JSON_HINT}._`, "");
  const tail: string[] = [...findingParts.flatMap(renderPart), ...renderPart(shared)];
  return [...top, ...body, ...tail].join("\n").replace(/\n+$/, "") + "\n";
}

/** Findings per severity and rule, each column a category (raised/lowered at the after severity). */
function findingSummary(report: DiffReport): string[] {
  const counts = new Map<string, { severity: Severity; ruleId: string; n: [number, number, number, number, number] }>();
  const count = (severity: Severity, ruleId: string, column: number): void => {
    const key = `${SEVERITIES.indexOf(severity)}\u0000${ruleId}`;
    const entry = counts.get(key) ?? { severity, ruleId, n: [0, 0, 0, 0, 0] };
    entry.n[column]!++;
    counts.set(key, entry);
  };
  for (const f of report.findings.introduced) count(f.severity, f.ruleId, 0);
  for (const c of report.findings.raised) count(c.after, c.finding.ruleId, 1);
  for (const f of report.findings.fixed) count(f.severity, f.ruleId, 2);
  for (const c of report.findings.lowered) count(c.after, c.finding.ruleId, 3);
  const unconfirmed = report.findings.unconfirmed ?? [];
  for (const f of unconfirmed) count(f.severity, f.ruleId, 4);
  if (counts.size === 0) return [];
  // The column of the unconfirmed only when there are some (there are none against complete inputs).
  const columns = unconfirmed.length > 0 ? 5 : 4;
  const rows = [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => `| ${e.severity} | ${mdCode(e.ruleId, true)} | ${e.n.slice(0, columns).join(" | ")} |`);
  const titles = ["Introduced", "Raised", "Fixed", "Lowered", "Not confirmed fixed"].slice(0, columns);
  return ["#### Findings by severity and rule", "", `| Severity | Rule | ${titles.join(" | ")} |`, `|---|---|${"---:|".repeat(columns)}`, ...rows, ""];
}

/** Permission changes per kind of change: how many, on how many roles, functions and policies. */
function changeSummary(report: DiffReport): string[] {
  if (report.changes.length === 0) return [];
  const rows = CHANGE_PRIORITY.flatMap((change) => {
    const of = report.changes.filter((c) => c.change === change);
    return of.length === 0 ? [] : [`| ${change} | ${of.length} | ${new Set(of.map((c) => c.owner)).size} |`];
  });
  return ["#### Permission changes by kind", "", "| Change | Permissions | Roles, functions and policies |", "|---|---:|---:|", ...rows, ""];
}

export function renderPermissionDiffJson(report: DiffReport): string {
  return JSON.stringify(sortKeysDeep(report), null, 2) + "\n";
}
