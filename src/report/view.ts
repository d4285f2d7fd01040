/**
 * What every human-facing report needs to know beyond the findings list: which function a
 * finding concerns (a finding on a role concerns every function that runs with it), which fixes
 * clear the most findings, which roles are shared, and how much of each role's grant is used.
 * Computed once here so the table, Markdown and HTML reports cannot disagree.
 */

import { severityRank } from "../evaluate/findings.js";
import type { CanonicalDocument, LambdaFunction, LambdaServiceUse, Role } from "../model/document.js";
import { SEVERITIES, type Finding, type Severity } from "../model/findings.js";
import { makesPartial } from "../model/warning-label.js";
import type { AuditReport } from "./json.js";
import { constructName } from "../normalize/display-names.js";

export type GroupKind = "function" | "role" | "policy" | "principal" | "layer";

/** Findings that concern one function (its own and its role's), or one resource no function uses. */
export interface FindingGroup {
  kind: GroupKind;
  arn: string;
  name: string;
  /** For functions: region and execution role; for others: why they stand alone. */
  detail: string;
  /** Unsuppressed findings, in report order (severity, rule, resource). */
  findings: Finding[];
  /** Worst severity among `findings`. */
  worst: Severity;
}

/**
 * What names a finding's resource inside its file, for a person: the CDK construct path when the
 * template was synthesised (`OrdersStack/Api/ServiceRole/Resource`), else the Terraform address,
 * logical ID or export entry. Null when the location has neither.
 */
export function locationName(location: Finding["location"]): string | null {
  return location?.construct ?? location?.address ?? null;
}

/**
 * The CDK construct path of each function, role, principal and managed policy the document gives
 * one (a synthesised template's `aws:cdk:path`, or its manifest's), without the CloudFormation
 * resource's own `/Resource` leaf: `Stack/Api`, `Stack/Api/ServiceRole`. A CDK app's generated
 * names (`Stack-ApiServiceRole1BD550DA`, made up before deployment) are not what its author wrote;
 * the construct is. Empty for inputs without construct paths.
 */
export function constructNames(document: Partial<CanonicalDocument>): Map<string, string> {
  const names = new Map<string, string>();
  const add = (arn: string, construct: string | undefined) => {
    if (construct) names.set(arn, constructName(construct));
  };
  for (const fn of document.functions ?? []) add(fn.arn, fn.source?.construct);
  for (const role of document.roles ?? []) add(role.arn, role.source?.construct);
  for (const p of document.principals ?? []) add(p.arn, p.source?.construct);
  for (const [arn, p] of Object.entries(document.policies ?? {})) add(arn, p.source?.construct);
  return names;
}

/**
 * How the reports name each function, role, principal and policy of a template or plan, by ARN: its
 * `displayName` (the CDK construct path, the CloudFormation logical ID, the Terraform address, a
 * terraform-aws-modules/lambda call: src/normalize/display-names.ts), as the built-in rules'
 * messages name it, else its construct. Empty for account exports, whose names are AWS's. The
 * table, Markdown and HTML reports all name resources through this one map, so that a heading never
 * says `SlackNotifierLambda` above a finding that says `LambdaFunction`. The lists are ordered by
 * these names (compareShown, inShownOrder); `resource.name`, fingerprints and the findings' own
 * order (the JSON report's) do not change.
 */
export function displayNames(document: Partial<CanonicalDocument>, constructs: ReadonlyMap<string, string> = constructNames(document)): Map<string, string> {
  const names = new Map(constructs);
  const add = (arn: string, displayName: string | undefined) => {
    if (displayName) names.set(arn, displayName);
  };
  for (const fn of document.functions ?? []) add(fn.arn, fn.displayName);
  for (const role of document.roles ?? []) add(role.arn, role.displayName);
  for (const p of document.principals ?? []) add(p.arn, p.displayName);
  for (const [arn, p] of Object.entries(document.policies ?? {})) add(arn, p.displayName);
  return names;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Orders resources by what a report shows for them: the display name when there is one (the code's
 * name: displayNames), else the name in AWS; the ARN breaks ties, so the order is total. Why: a
 * list labelled `LambdaFunction`, `module.orders`, `OrdersStack/ReportA` but ordered by the names
 * in AWS does not look sorted. For an account export (no display names) this is the order by name
 * and ARN the lists had.
 */
export function compareShown(names: ReadonlyMap<string, string>): (a: { name: string; arn: string }, b: { name: string; arn: string }) => number {
  return (a, b) => cmp(names.get(a.arn) ?? a.name, names.get(b.arn) ?? b.name) || cmp(a.arn, b.arn);
}

/**
 * ARNs listed by what is shown for them (`shown`: the display name, else the name in AWS), ties by
 * ARN, when the document has display names; as they are otherwise (an account export's lists are
 * by ARN, and its reports stay byte for byte what they were).
 */
export function inShownOrder(arns: readonly string[], names: ReadonlyMap<string, string>, shown: (arn: string) => string): string[] {
  if (names.size === 0) return [...arns];
  return arns
    .map((arn) => ({ arn, name: shown(arn) }))
    .sort((a, b) => cmp(a.name, b.name) || cmp(a.arn, b.arn))
    .map((x) => x.arn);
}

function worstOf(findings: readonly Finding[]): Severity {
  let worst: Severity = "info";
  for (const f of findings) if (severityRank(f.severity) < severityRank(worst)) worst = f.severity;
  return worst;
}

export function roleNameOf(arn: string): string {
  const slash = arn.lastIndexOf("/");
  return slash >= 0 ? arn.slice(slash + 1) : arn;
}

/** Functions (unqualified ARNs) that run with each role, from both sides of the document. */
export function functionsByRole(document: Partial<CanonicalDocument>): Map<string, string[]> {
  const byRole = new Map<string, Set<string>>();
  const add = (role: string, fn: string) => {
    let set = byRole.get(role);
    if (!set) byRole.set(role, (set = new Set()));
    set.add(fn);
  };
  for (const role of document.roles ?? []) for (const fn of role.functions ?? []) add(role.arn, fn);
  for (const fn of document.functions ?? []) {
    add(fn.roleArn, fn.arn);
    for (const v of fn.versions ?? []) add(v.roleArn, fn.arn);
  }
  return new Map([...byRole].map(([role, fns]) => [role, [...fns].sort()]));
}

const SERVICE_USE: Record<LambdaServiceUse["kind"], string> = {
  "capacity-provider-operator": "operator role of capacity provider",
  "network-connector-operator": "operator role of network connector",
  "microvm-image-build": "build role of MicroVM image",
  "web-function-execution": "execution role of web function",
};

/** What a role no function uses is for, when Lambda runs something else with it. */
function unusedRoleDetail(role: Role): string {
  const uses = role.lambdaServiceUses ?? [];
  if (uses.length === 0) return "used by no function";
  // A resource's name is the end of its ARN (`…:capacity-provider:fleet`).
  return uses.map((u) => `${SERVICE_USE[u.kind]} ${u.resource.slice(u.resource.lastIndexOf(":") + 1)}`).join(", ");
}

/**
 * A function's region as a block head says it: a template or plan that names none (no --region, no
 * samconfig.toml) gives the region "unknown", which read as `(unknown, role X)` beside the role.
 */
export function regionLabel(region: string): string {
  return region === "unknown" ? "region unknown" : region;
}

/**
 * Group unsuppressed findings by the function they concern. A finding on a role appears under
 * every function using the role (a reader asking "what is wrong with my function" must see it);
 * a finding on a managed policy appears under the functions whose roles attach it. Findings that
 * reach no function get a group of their own resource. Groups are ordered worst first, then by
 * the name the report shows (`names`: displayNames, a template's or plan's resources as its code
 * names them; else the name in AWS), then ARN.
 */
export function groupFindingsByFunction(
  findings: readonly Finding[],
  document: Partial<CanonicalDocument>,
  fnsOfRole: Map<string, string[]> = functionsByRole(document),
  names: ReadonlyMap<string, string> = new Map(),
): FindingGroup[] {
  const fnByArn = new Map<string, LambdaFunction>((document.functions ?? []).map((f) => [f.arn, f]));
  const roleByArn = new Map<string, Role>((document.roles ?? []).map((r) => [r.arn, r]));
  const rolesOfPolicy = new Map<string, string[]>();
  for (const role of document.roles ?? []) {
    for (const p of role.attachedPolicies ?? []) {
      const list = rolesOfPolicy.get(p.arn) ?? [];
      list.push(role.arn);
      rolesOfPolicy.set(p.arn, list);
    }
  }

  const layerUsers = new Map((document.layerVersions ?? []).map((l) => [l.arn, l.functions]));
  const groups = new Map<string, FindingGroup>();
  const groupFor = (kind: GroupKind, arn: string, name: string, detail: string): FindingGroup => {
    const key = `${kind}\u0000${arn}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { kind, arn, name, detail, findings: [], worst: "info" }));
    return g;
  };
  const functionGroup = (fnArn: string): FindingGroup => {
    const fn = fnByArn.get(fnArn);
    const name = fn?.name ?? roleNameOf(fnArn.replace(/:function:/, "/"));
    const detail = fn ? `${regionLabel(fn.region)}, role ${roleNameOf(fn.roleArn)}` : "not in the inputs";
    return groupFor("function", fnArn, name, detail);
  };

  for (const f of findings) {
    if (f.suppressed) continue;
    const arn = f.resource.arn;
    let targets: FindingGroup[] = [];
    if (f.resource.type === "function") targets = [functionGroup(arn)];
    else if (f.resource.type === "role") {
      const fns = fnsOfRole.get(arn) ?? [];
      const role = roleByArn.get(arn);
      targets = fns.length > 0 ? fns.map(functionGroup) : [groupFor("role", arn, f.resource.name, role ? unusedRoleDetail(role) : "not in the inputs")];
    } else if (f.resource.type === "policy") {
      const fns = [...new Set((rolesOfPolicy.get(arn) ?? []).flatMap((r) => fnsOfRole.get(r) ?? []))].sort();
      targets = fns.length > 0 ? fns.map(functionGroup) : [groupFor("policy", arn, f.resource.name, "attached to no function's role")];
    } else if (f.resource.type === "layer") {
      // A layer version's findings concern the functions that run it; a version none uses stands alone.
      const fns = layerUsers.get(arn) ?? [];
      targets = fns.length > 0 ? fns.map(functionGroup) : [groupFor("layer", arn, f.resource.name, "layer version no function of the inputs uses")];
    } else targets = [groupFor("principal", arn, f.resource.name, "IAM user or group")];
    for (const g of targets) g.findings.push(f);
  }
  const out = [...groups.values()];
  for (const g of out) g.worst = worstOf(g.findings);
  // Functions first, then the resources no function uses; worst first inside each.
  const kindRank: Record<GroupKind, number> = { function: 0, role: 1, policy: 2, layer: 3, principal: 4 };
  const byShown = compareShown(names);
  return out.sort((a, b) => kindRank[a.kind] - kindRank[b.kind] || severityRank(a.worst) - severityRank(b.worst) || byShown(a, b));
}

/** One rule's remediation and how much applying it everywhere would clear. */
export interface TopFix {
  ruleId: string;
  name: string;
  remediation: string;
  /** Worst severity among the findings it clears. */
  worst: Severity;
  findings: number;
  bySeverity: Partial<Record<Severity, number>>;
  /** Distinct resources the findings are on. */
  resources: number;
  /** Distinct functions concerned (directly or through their role). */
  functions: number;
}

/**
 * The fixes that clear the most severe unsuppressed findings: one entry per rule, ordered by the
 * critical findings it clears, then the high, medium, low and info ones, then by rule id
 * (deterministic). Why not by findings cleared: at 10,000 functions that put 10,000 medium
 * environment-exposure findings first and left the 910 critical privilege-escalation paths out of
 * the five shown; a security engineer fixes the criticals first.
 */
export function topFixes(
  findings: readonly Finding[],
  document: Partial<CanonicalDocument>,
  limit = 5,
  fnsOfRole: Map<string, string[]> = functionsByRole(document),
): TopFix[] {
  const byRule = new Map<string, { fix: TopFix; resources: Set<string>; fns: Set<string> }>();
  for (const f of findings) {
    if (f.suppressed) continue;
    let entry = byRule.get(f.ruleId);
    if (!entry) {
      entry = {
        fix: { ruleId: f.ruleId, name: f.name, remediation: f.remediation, worst: f.severity, findings: 0, bySeverity: {}, resources: 0, functions: 0 },
        resources: new Set(),
        fns: new Set(),
      };
      byRule.set(f.ruleId, entry);
    }
    const fix = entry.fix;
    fix.findings++;
    fix.bySeverity[f.severity] = (fix.bySeverity[f.severity] ?? 0) + 1;
    if (severityRank(f.severity) < severityRank(fix.worst)) fix.worst = f.severity;
    if (!fix.remediation && f.remediation) fix.remediation = f.remediation;
    entry.resources.add(f.resource.arn);
    if (f.resource.type === "function") entry.fns.add(f.resource.arn);
    else if (f.resource.type === "role") for (const fn of fnsOfRole.get(f.resource.arn) ?? []) entry.fns.add(fn);
    else if (f.resource.type === "layer") for (const fn of document.layerVersions?.find((l) => l.arn === f.resource.arn)?.functions ?? []) entry.fns.add(fn);
  }
  const fixes = [...byRule.values()].map(({ fix, resources, fns }) => ({ ...fix, resources: resources.size, functions: fns.size }));
  fixes.sort((a, b) => compareBySeverityCleared(a, b) || cmp(a.ruleId, b.ruleId));
  return fixes.slice(0, limit);
}

/** What a fix clears by severity, most severe first, as every report writes it: `2 critical, 1 high`. */
export function clearedBySeverity(fix: TopFix): string {
  return SEVERITIES.filter((sv) => fix.bySeverity[sv]).map((sv) => `${fix.bySeverity[sv]} ${sv}`).join(", ");
}

/** More of the most severe findings cleared first: critical, then high, medium, low, info. */
function compareBySeverityCleared(a: TopFix, b: TopFix): number {
  for (const sv of SEVERITIES) {
    const d = (b.bySeverity[sv] ?? 0) - (a.bySeverity[sv] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Granted versus used, for one role. */
export interface RoleUsage {
  roleArn: string;
  roleName: string;
  accountId: string;
  functions: string[];
  /** Concrete actions the role allows; null when the role is not in the inputs. */
  granted: number | null;
  /** Some managed policy could not be resolved: the grant is at least `granted`. */
  grantedIsLowerBound: boolean;
  /**
   * `known`: usage covers the role; `partial`: usage was read only in part (used is a lower
   * bound, unused an upper bound); `unknown`: no usage data for this role's account at all.
   */
  status: "known" | "partial" | "unknown";
  /** Why usage is unknown or partial, for the reader. */
  statusReason: string | null;
  /** Distinct actions the role's functions called successfully; null when unknown. */
  used: number | null;
  /** Of those, how many the role's own grant names (null when the grant is truncated or unknown). */
  usedGranted: number | null;
  /** Up to 50 used actions, sorted. */
  usedActions: string[];
}

const ROLE_ARN_IN_TEXT = /arn:[a-z-]+:iam::\d{12}:role\//;

/**
 * Granted-versus-used per role. "Used" counts distinct actions the role's functions called
 * successfully (calls that were all denied do not count: a denied call used nothing). Usage that
 * was never supplied is `unknown`, never 0: drawing 0 would tell the reader every permission is
 * unused when we simply do not know.
 */
export function roleUsage(document: Partial<CanonicalDocument>, fnsOfRole: Map<string, string[]> = functionsByRole(document)): RoleUsage[] {
  const usage = document.usage;
  const usedByRole = new Map<string, Set<string>>();
  for (const p of usage?.principals ?? []) {
    if (p.sessionKind !== "function") continue;
    let set = usedByRole.get(p.roleArn);
    if (!set) usedByRole.set(p.roleArn, (set = new Set()));
    for (const a of p.actions) if (a.count > a.deniedCount) set.add(a.action);
  }
  const coveredAccounts = new Set(usage?.coverage?.accounts ?? []);
  const roles = new Map<string, Role>((document.roles ?? []).map((r) => [r.arn, r]));
  const arns = new Set<string>([...roles.keys(), ...[...fnsOfRole.keys()]]);
  const out: RoleUsage[] = [];
  for (const arn of [...arns].sort()) {
    const role = roles.get(arn);
    const accountId = role?.accountId ?? /^arn:[^:]*:iam::(\d+):/.exec(arn)?.[1] ?? "";
    let status: RoleUsage["status"] = "known";
    let statusReason: string | null = null;
    if (!usage?.present) {
      status = "unknown";
      statusReason = "no usage data (CloudTrail, Access Advisor) was supplied";
    } else if (coveredAccounts.size > 0 && !coveredAccounts.has(accountId)) {
      status = "unknown";
      statusReason = `the usage data does not cover account ${accountId}`;
    } else if (usage.coverage?.partial) {
      // A reason that names a role applies to that role only; one that names none applies to all.
      const reasons = usage.coverage.partialReasons;
      const applicable = reasons.filter((r) => r.includes(arn) || !ROLE_ARN_IN_TEXT.test(r));
      if (reasons.length === 0 || applicable.length > 0) {
        status = "partial";
        statusReason = applicable.length > 0 ? `usage is partial: ${applicable.join("; ")}` : "usage is partial";
      }
    }
    const usedSet = usedByRole.get(arn) ?? new Set<string>();
    const used = [...usedSet].sort();
    let usedGranted: number | null = null;
    if (status !== "unknown" && role && !role.facts.actionsTruncated) {
      const granted = new Set(role.facts.allowedActions.map((a) => a.toLowerCase()));
      usedGranted = used.filter((a) => granted.has(a.toLowerCase())).length;
    }
    out.push({
      roleArn: arn,
      roleName: role?.name ?? roleNameOf(arn),
      accountId,
      functions: fnsOfRole.get(arn) ?? [],
      granted: role ? role.facts.allowedActionCount : null,
      grantedIsLowerBound: role?.facts.incomplete ?? false,
      status,
      statusReason,
      used: status === "unknown" ? null : used.length,
      usedGranted,
      usedActions: status === "unknown" ? [] : used.slice(0, 50),
    });
  }
  return out;
}

/** Roles that are the execution role of more than one function. */
export function sharedRoleCount(document: Partial<CanonicalDocument>, fnsOfRole: Map<string, string[]> = functionsByRole(document)): number {
  let n = 0;
  for (const fns of fnsOfRole.values()) if (fns.length > 1) n++;
  return n;
}

/**
 * Why the audit is partial, one line each naming the file (and the path inside it) and what is
 * missing, from every place that makes it partial: the warnings that do (model/warning-label.ts
 * makesPartial: every place in the readers and the normaliser that makes the inputs partial says
 * so with one), a source read only in part whose reader said why in no such warning, and the usage
 * coverage's reasons. Empty when the audit is not partial, and only when it is not. Why not every
 * warning, as before: a note of the inputs that made nothing partial (cloudmapper's demo export's
 * `account ID "aws"` users) was listed as a reason beside the real one, and a report the normaliser
 * had made partial without a warning of that severity (an execution role missing from the IAM
 * export) could list none. The table, Markdown and HTML reports and the JSON report's
 * `summary.partialReasons` all list these.
 */
export function partialDataReasons(document: Partial<CanonicalDocument>): string[] {
  const coverage = document.usage?.coverage;
  if (document.meta?.partial !== true && coverage?.partial !== true) return [];
  const reasons: string[] = [];
  const explained = new Set<string>();
  // Errors (unreadable input) before warnings, so the five lines a terminal shows are the worst.
  const warnings = (document.meta?.warnings ?? []).filter(makesPartial).sort((a, b) => Number(a.severity !== "error") - Number(b.severity !== "error"));
  for (const w of warnings) {
    reasons.push(warningReason(w));
    if (w.file !== undefined) explained.add(w.file);
  }
  for (const source of document.meta?.sources ?? []) {
    if (source.partial !== true || explained.has(source.path)) continue;
    explained.add(source.path);
    reasons.push(...partialSourceReasons(document, source.path));
  }
  // A usage file that could not be read is said twice, as the file's warning and as the coverage's
  // reason (usage/read-usage.ts): once here.
  for (const r of coverage?.partialReasons ?? []) if (!reasons.includes(r)) reasons.push(`usage: ${r}`);
  // Not expected: every place that makes the document partial says why (above). Said rather than an
  // empty list under a "partial" banner, which would hide that a reason went unsaid.
  if (reasons.length === 0) reasons.push("the inputs were read only in part, and no input says why");
  return [...new Set(reasons)];
}

/**
 * Why a source its reader flagged partial is, when none of its warnings makes the inputs partial
 * by itself: the reader judged it on what it read, a role or principal whose policies it could not
 * all read (a plan's `assume_role_policy` known only after apply: cloudgoat's lambda_privesc plan).
 * The file's warnings about such a principal (by its name in the file, as the plan reader's begin
 * `aws_iam_role.x.assume_role_policy …`) say what is missing; a principal none names is said to be
 * read in part; a file with neither, that it was.
 */
function partialSourceReasons(document: Partial<CanonicalDocument>, file: string): string[] {
  const incomplete = [...(document.roles ?? []), ...(document.principals ?? [])]
    .filter((p) => p.facts?.incomplete === true && p.source?.file === file)
    .map((p) => p.displayName ?? p.name)
    .sort();
  const warnings = (document.meta?.warnings ?? []).filter((w) => w.file === file && w.severity !== "info");
  const reasons: string[] = [];
  const unsaid: string[] = [];
  for (const name of incomplete) {
    const about = warnings.filter((w) => [".", ":", " "].some((sep) => w.message.startsWith(name + sep)));
    if (about.length === 0) unsaid.push(name);
    for (const w of about) reasons.push(warningReason(w));
  }
  if (unsaid.length > 0) {
    const whom = unsaid.length === 1 ? unsaid[0] : `${unsaid.length} principals (${unsaid.slice(0, 3).join(", ")}${unsaid.length > 3 ? ", …" : ""})`;
    reasons.push(`${file}: read only in part: what ${whom} ${unsaid.length === 1 ? "is" : "are"} granted is not all known${warnings.length > 0 ? " (see the file's warnings)" : ""}`);
  }
  if (reasons.length === 0) reasons.push(`${file}: read only in part${warnings.length > 0 ? " (see the file's warnings)" : ""}`);
  return reasons;
}

/** A warning as the reasons list it: file, path inside it, message. */
function warningReason(w: { file?: string; path?: string; message: string }): string {
  return [w.file, w.path].filter(Boolean).join(": ") + (w.file || w.path ? ": " : "") + w.message;
}

/**
 * Strip control characters (ESC, CR, BEL, C1 …) from text that came from the inputs: ARNs, tags
 * and messages are attacker-controllable, and an escape sequence in a role tag must not be able
 * to rewrite the user's terminal or a CI log.
 */
export function stripControl(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, "");
}

/** First paragraph of a remediation, on one line. */
export function firstParagraph(text: string): string {
  const para = text.trim().split(/\n\s*\n/)[0] ?? "";
  return para.replace(/\s+/g, " ").trim();
}

/**
 * `value` with every object's keys in sorted order (OPA writes objects in its own order). Parts
 * already in order are returned as they are: most arrays in evidence are lists of strings, and
 * copying them all was a fifth of writing the report at 10,000 functions.
 */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      // Most arrays are of strings (LR008's unused actions: ~150 a finding, 48,000 findings at
      // 10,000 functions): no call for what cannot change.
      if (v === null || typeof v !== "object") {
        if (out !== null) out.push(v);
        continue;
      }
      const sorted = sortKeysDeep(v);
      if (sorted !== v && out === null) out = value.slice(0, i);
      if (out !== null) out.push(sorted);
    }
    return out ?? value;
  }
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    let changed = false;
    for (let i = 1; i < keys.length && !changed; i++) changed = (keys[i - 1] as string) > (keys[i] as string);
    // The values array only when something changes (a finding's evidence mostly does not).
    let values: unknown[] | null = null;
    for (let i = 0; i < keys.length; i++) {
      const v = obj[keys[i] as string];
      const sorted = v === null || typeof v !== "object" ? v : sortKeysDeep(v);
      if (sorted !== v && values === null) values = keys.slice(0, i).map((k) => obj[k]);
      if (values !== null) values.push(sorted);
    }
    if (!changed && values === null) return value;
    const order = keys.map((_, i) => i);
    if (changed) sortIndicesByKey(order, keys);
    // Assigned one by one rather than Object.fromEntries of [key, value] pairs (a pair array per
    // key); `__proto__` (JSON may have it) is defined, as fromEntries would, not assigned.
    const sorted: Record<string, unknown> = {};
    for (const i of order) {
      const k = keys[i] as string;
      const v = values === null ? obj[k] : values[i];
      if (k === "__proto__") Object.defineProperty(sorted, k, { value: v, enumerable: true, writable: true, configurable: true });
      else sorted[k] = v;
    }
    return sorted;
  }
  return value;
}

/**
 * `order` (indices into `keys`, distinct strings) sorted by key. An object of evidence has a few
 * keys: sorted by insertion there, as Array#sort's work array and comparator calls were 150 MB of
 * the calling thread's allocation while it wrote a 10,000-function report (results/scale.md,
 * "Session 54"); larger objects by Array#sort.
 */
function sortIndicesByKey(order: number[], keys: readonly string[]): void {
  if (order.length > 24) {
    order.sort((a, b) => ((keys[a] as string) < (keys[b] as string) ? -1 : 1));
    return;
  }
  for (let i = 1; i < order.length; i++) {
    const x = order[i] as number;
    const key = keys[x] as string;
    let j = i - 1;
    while (j >= 0 && (keys[order[j] as number] as string) > key) {
      order[j + 1] = order[j] as number;
      j--;
    }
    order[j + 1] = x;
  }
}

/** No function, role or finding: the inputs held nothing to judge (the stderr note says which). */
export function nothingAudited(s: AuditReport["summary"]): boolean {
  return s.functions === 0 && s.roles === 0 && s.findings === 0 && s.suppressed === 0;
}

export const NOTHING_AUDITED = "Nothing audited: the inputs hold no Lambda functions or IAM roles (give the account's exports, a Terraform plan or a template with them).";
