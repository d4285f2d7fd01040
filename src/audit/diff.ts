/**
 * `diff(before, after)`: what a change does to the permissions of Lambda functions and their
 * roles, for code review. Each side is built and audited exactly as `audit` would (any inputs: a
 * Terraform plan, a template, an account export, several files), then compared:
 *
 * - permission rows (`permissionRows`: statements of trust, inline and customer managed policies,
 *   attachments, boundaries, execution roles, resource-policy statements, triggers, URLs) added or
 *   removed; a removed and an added statement of the same policy are paired into one change, called
 *   `widened` or `narrowed` when one statement's scope contains the other's;
 * - roles that became shared (execution role of more functions than before);
 * - findings introduced and fixed, by fingerprint (rule id + resource + detail), so a finding that
 *   only moved to another line is neither; a finding on both sides whose severity differs (LR001
 *   medium → high when a tag is added) is raised or lowered: the same fingerprint is not "nothing
 *   changed" when the change is what made it high.
 *
 * Everything is sorted, so the same two inputs always give the same report.
 */

import { relative, sep } from "node:path";
import { statSync } from "node:fs";
import type { CanonicalDocument, PolicyStatement, Principal, Role, SourceLocation, Trigger } from "../model/document.js";
import type { LabelledPermission, PermissionLabels } from "../model/usage.js";
import type { Finding, FindingResource, Severity } from "../model/findings.js";
import { severityRank } from "../evaluate/findings.js";
import { permissionRows, type PermissionRow, type PermissionRowKind } from "../sources/cloudformation/permission-rows.js";
import { emptyFragment, type SourceFragment } from "../sources/types.js";
import type { AuditReport } from "../report/json.js";
import { auditDocument, packsFor, type AuditOptions } from "./audit-document.js";
import { loadBuiltinPack, type RulePack } from "../evaluate/pack.js";
import { buildDocument, refuseUndeclaredParameters, type BuildOptions } from "./build-document.js";
import { checkPathList } from "./route-inputs.js";
import { parseArn } from "../sources/arns.js";
import { windowCoverage } from "../usage/window-coverage.js";
import { dataEventUnlogged } from "../generate/unlogged.js";
import { loadActionCatalogSync } from "../iam/catalog.js";
import type { RuleFlag } from "../evaluate/catalog.js";
import { leavesResourcesOut } from "../model/warning-label.js";
import { pathContext } from "../sources/path-context.js";

// 1.1: findings.raised and findings.lowered. 1.2: before.partialReasons and after.partialReasons.
// 1.3: findings.unconfirmed and changes[].unconfirmed. 1.4: findings.unconfirmed[].unconfirmedReason,
// and findings of rules that need usage (LR008, LR009, LR017) unconfirmed against an after side
// without usage covering them. 1.5: findings.lowered[].unconfirmedReason: a finding of a rule whose
// severity usage raises (LR001) lowered against an after side without usage covering it, where the
// before side had usage, is marked not confirmed; and findings about functions the after side
// neither holds nor lists (or, for LR001 and LR016, a role's functions it does not hold) are
// unconfirmed rather than fixed, the rows of such a function unconfirmed rather than removed.
// 1.6: findings.unconfirmed[].unconfirmedKind and findings.lowered[].unconfirmedKind, what each
// unconfirmedReason is about (UNCONFIRMED_KINDS), where a reader had to tell it from the text,
// and changes[].unconfirmedKind beside changes[].unconfirmed.
export const DIFF_SCHEMA_VERSION = "1.6";

/**
 * What keeps a finding the after side no longer reports (or reports lower) from being confirmed,
 * one word each, set beside `unconfirmedReason` (new in diff schema 1.6) so that a reader sorts
 * entries by it, never by the reason's text:
 * - `incomplete-inputs`: the after inputs are incomplete and do not hold its resource whole
 *   (INCOMPLETE_INPUTS_REASON; resourceReadWhole);
 * - `usage`: its rule reports only from usage data (`needsUsage`), or usage raises its severity
 *   (`usageRaisesSeverity`), and the after side has no usage covering its resource (usageGap);
 * - `calls`: it is made from the calls CloudTrail recorded (`needsCalls`) and the after side holds
 *   no CloudTrail records covering its resource for the whole window (callsGap);
 * - `data-events`: the denied calls it listed are data events the after side's trail may not log
 *   (deniedDataEventsUnlogged);
 * - `unused-actions`: actions it called unused are still granted and not shown used there
 *   (`unusedActionsEvidence`; unusedActionsLeft);
 * - `functions`: the after side neither holds nor lists the function it is about, or the functions
 *   of the role that decide it (`needsFunctions`; functionGap);
 * - `triggers`: the after side holds the function but not the event source mappings that decide it
 *   (`needsTriggers`; triggerGap) and does not list the function's mappings.
 */
export const UNCONFIRMED_KINDS = ["incomplete-inputs", "usage", "calls", "data-events", "unused-actions", "functions", "triggers"] as const;
export type UnconfirmedKind = (typeof UNCONFIRMED_KINDS)[number];

/** Why an entry is not confirmed: its kind and its sentence. */
interface Unconfirmed {
  kind: UnconfirmedKind;
  reason: string;
}

function unconfirmedAs(kind: UnconfirmedKind, reason: string | null): Unconfirmed | null {
  return reason === null ? null : { kind, reason };
}

export type ChangeKind = "added" | "removed" | "widened" | "narrowed" | "changed";

export interface PermissionChange {
  change: ChangeKind;
  kind: PermissionRowKind;
  /** ARN of the role, function, managed policy or principal the permission belongs to. */
  owner: string;
  ownerType: "role" | "function" | "policy" | "principal";
  ownerName: string;
  /** Inline policy name, attached policy ARN… (null where the kind says it all). */
  policy: string | null;
  /** The permission before and after (canonical: lists sorted, no Sid); null on the side without it. */
  before: unknown;
  after: unknown;
  /** Where to look: the after side's location, or the before side's for a removal. */
  source: SourceLocation | null;
  /** Functions whose permissions this changes (the role's functions on either side), sorted. */
  functions: string[];
  /**
   * Set (true) when the change may be only the other side's missing data: a row `removed` whose
   * owner is not in the after side's document while the after side's inputs are incomplete (its
   * file could not be read), or `added` whose owner is not in the before side's while the before
   * side's are. Such a row is not known to be removed (added): its owner may be there, unread.
   * Also (since 1.5) when the owner is a function the other side does not hold and whose region's
   * function list it does not hold either (an IAM export given without the Lambda lists).
   * Since 1.6 also a `trigger` row removed from a function the after side holds, where the before
   * side lists the function's event source mappings and the after side does not (a template whose
   * mapping may be in another stack), and the other way for `added`.
   * Absent otherwise. New in diff schema 1.3.
   */
  unconfirmed?: true;
  /**
   * Set with `unconfirmed` (diff schema 1.6): why, as UNCONFIRMED_KINDS says it: `incomplete-inputs`
   * (the owner is missing from an incomplete side), `functions` (a function the other side neither
   * holds nor lists), `triggers` (a mapping the other side neither holds nor lists).
   */
  unconfirmedKind?: UnconfirmedKind;
}

export interface SharedRoleChange {
  roleArn: string;
  roleName: string;
  /** Functions using the role before and after, sorted. */
  before: string[];
  after: string[];
}

/** A finding both sides report, at another severity after the change. */
export interface SeverityChange {
  before: Severity;
  after: Severity;
  /** The finding as the after side reports it. */
  finding: Finding;
  /**
   * Set on a `lowered` entry only when the lowering may be only the after side's missing data, and
   * says why, one sentence: the rule's severity is raised by usage data (catalog
   * `usageRaisesSeverity`, LR001: high when the functions sharing a role use different
   * permissions), the before side had usage, and the after side has none covering the finding's
   * resource (a plan or template against an export with CloudTrail); or the rule is decided by a
   * role's functions (catalog `needsFunctions`, LR001) and the after side does not hold all of the
   * role's functions (functionGap). Such an entry is still
   * listed under `lowered` (both sides report the finding), not confirmed. Absent otherwise. New in
   * diff schema 1.5.
   */
  unconfirmedReason?: string;
  /** What `unconfirmedReason` is about (`usage` or `functions` here), set with it. New in diff schema 1.6. */
  unconfirmedKind?: UnconfirmedKind;
}

export interface DiffSide {
  inputs: string[];
  functions: number;
  roles: number;
  findings: number;
  partial: boolean;
  /**
   * Why this side's inputs were incomplete, one line each naming its file: the side's audit
   * report's `summary.partialReasons` (report/view.ts partialDataReasons); empty when not partial.
   * Added in diff schema 1.2: before, a partial diff said only "see the warnings about the inputs",
   * which neither the diff's JSON nor its comment held.
   */
  partialReasons: string[];
}

/**
 * A finding the before side reports and the after side does not, not known to be fixed: the
 * finding as the before side reports it, and why the after side cannot confirm it is gone.
 */
export interface UnconfirmedFinding extends Finding {
  /**
   * Why it is not called fixed, one sentence: the after inputs are incomplete and may not hold its
   * resource whole (INCOMPLETE_INPUTS_REASON), or its rule reports only from usage data
   * (catalog `needsUsage`) and the after side has none covering its resource (no usage at all,
   * usage read in part, or not covering the function for the whole window), or it lists actions
   * it calls unused (catalog `unusedActionsEvidence`: LR008) that the after side's role still
   * grants and its usage does not show used (only `unknowable` or `too-new` there: the reason names
   * them by label), or it is made from the calls CloudTrail recorded (catalog `needsCalls`: LR009,
   * LR017) and the after side's usage holds no CloudTrail records covering its resource for the
   * whole window (an Access Advisor report alone: callsGap), or it lists denied calls of data
   * events the after side's trail may not log (deniedDataEventsUnlogged: the reason names them).
   * New in diff schema 1.4; absent in reports of 1.3.
   */
  unconfirmedReason?: string;
  /**
   * What `unconfirmedReason` is about (UNCONFIRMED_KINDS), always set with it since diff schema
   * 1.6; absent in reports of 1.5 and before, whose renderers tell it from the reason's start.
   */
  unconfirmedKind?: UnconfirmedKind;
}

export interface DiffReport {
  schemaVersion: string;
  tool: AuditReport["tool"];
  before: DiffSide;
  after: DiffSide;
  changes: PermissionChange[];
  sharedRoles: SharedRoleChange[];
  /**
   * By fingerprint: `introduced` only after, `fixed` only before, `raised`/`lowered` on both sides
   * at another severity, `unchanged` (a count) on both at the same severity. `unconfirmed`: only
   * before, while the after side's inputs are incomplete (`after.partial`) and do not hold its
   * resource whole (resourceReadWhole: missing, a function without its role, a principal whose
   * analysis is incomplete), so not known to be fixed: an IAM export that could not
   * be read leaves every role out, and every finding on them with it. Such a finding was `fixed`
   * before diff schema 1.3. Since 1.4 also a finding of a rule that needs usage data (catalog
   * `needsUsage`: LR008, LR009, LR017) when the after side has no usage covering its resource
   * (usageGap): a Terraform plan or a template holds no CloudTrail, so its audit cannot report
   * such a finding, fixed or not. Each says why (`unconfirmedReason`). (`introduced` stays as it
   * is against a partial before side: a gate on it fails closed.) Since 1.5 a `lowered` entry of a
   * rule whose severity usage raises (catalog `usageRaisesSeverity`: LR001) has an
   * `unconfirmedReason` when the before side had usage and the after side has none covering it.
   * Since 1.5 also a finding on a function the after side does not hold and whose account and
   * region's function list it does not hold either (an IAM export without the Lambda lists: before,
   * "fixed"), and one of a rule decided by a role's functions (catalog `needsFunctions`: LR001,
   * LR016) on a role whose functions the after side does not hold (functionGap); a function the
   * after side lists as gone was deleted, and its findings are fixed. A finding listing actions it
   * calls unused (catalog `unusedActionsEvidence`: LR008's `unused`) is also unconfirmed when some
   * of them are, on the after side, still granted to the function's role and neither used nor
   * excepted (`unknowable`, `too-new`: unusedActionsLeft), where before it was fixed (the output's
   * shape is that of 1.5). So is one of a rule made from the calls CloudTrail recorded (catalog
   * `needsCalls`: LR009, LR017) when the after side's usage covers its resource through an Access
   * Advisor report but holds no CloudTrail records covering it for the whole window (callsGap),
   * where before it was fixed (same shape). Since 1.6 each entry's `unconfirmedKind` says what its
   * reason is about; also unconfirmed: a finding of a rule decided by a function's event source
   * mappings (catalog `needsTriggers`: LR010) whose mapping the after side neither holds nor lists
   * (triggerGap: a template whose mapping is in another stack), and a function's findings, or a
   * role's decided by its functions, against an after side that may leave the function out (a
   * Terraform plan with `complete: false`: functionListing's leftOut).
   */
  findings: { introduced: Finding[]; fixed: Finding[]; unconfirmed: UnconfirmedFinding[]; raised: SeverityChange[]; lowered: SeverityChange[]; unchanged: number };
}

export interface DiffOptions extends BuildOptions, AuditOptions {
  /**
   * Compare only what the after side defines (its roles, functions, policies, users and groups):
   * a plan or template against a whole account export, where everything else in the account is
   * not part of the change.
   */
  onlyAfterResources?: boolean;
}

/** What diffDocuments compares with, beyond the two sides. */
export interface DiffDocumentsOptions {
  /** As DiffOptions.onlyAfterResources. */
  onlyAfterResources?: boolean;
  /**
   * Ids of the rules whose findings come only from usage data (their catalog's `needsUsage`,
   * usageRuleIds): such a finding the after side no longer reports is fixed only when the after
   * side has usage covering its resource. Default: those of the built-in pack. A custom pack's
   * rules count only when given here (`diff` gives those of the packs it ran).
   */
  usageRules?: Iterable<string>;
  /**
   * Ids of the rules whose severity usage data can raise (their catalog's `usageRaisesSeverity`,
   * usageSeverityRuleIds): such a finding lowered against an after side without usage covering its
   * resource, where the before side had usage, is marked not confirmed (`unconfirmedReason`).
   * Default: those of the built-in pack; a custom pack's count only when given here.
   */
  usageSeverityRules?: Iterable<string>;
  /**
   * Ids of the rules whose findings on a role are decided by the role's functions (their catalog's
   * `needsFunctions`, functionRuleIds: LR001, LR016): such a finding the after side no longer
   * reports (or reports lower) is not confirmed when the after side holds the role but not its
   * functions (functionGap). Default: those of the built-in pack; a custom pack's count only when
   * given here.
   */
  functionRules?: Iterable<string>;
  /**
   * Per rule id, the evidence field of its findings listing the actions each calls unused (their
   * catalog's `unusedActionsEvidence`, unusedActionRules: LR008's `unused`): such a finding the
   * after side no longer reports, with usage covering its function, is fixed only when each action
   * listed is no longer granted to the function's role there, labelled `used`, or covered by a kept
   * exception (unusedActionsLeft); an action only `unknowable` or `too-new` there leaves it
   * unconfirmed. Default: those of the built-in pack; a custom pack's count only when given here.
   */
  unusedActionRules?: Iterable<readonly [string, string]>;
  /**
   * Ids of the rules whose findings come from the calls CloudTrail recorded (their catalog's
   * `needsCalls`, callsRuleIds: LR009's denied calls, LR017's resources of calls): such a finding
   * the after side no longer reports is fixed only when the after side's usage holds CloudTrail
   * records covering its resource for the whole window (callsGap), not an Access Advisor report
   * alone, which shows only what was accessed. Default: those of the built-in pack; a custom
   * pack's count only when given here.
   */
  callsRules?: Iterable<string>;
  /**
   * Ids of the rules whose findings on a function are decided by its event source mappings (their
   * catalog's `needsTriggers`, triggerRuleIds: LR010): such a finding the after side no longer
   * reports is not confirmed when the after side holds the function but not a mapping the before
   * side had, and does not list the function's mappings (triggerGap). Default: those of the
   * built-in pack; a custom pack's count only when given here.
   */
  triggerRules?: Iterable<string>;
}

/** The ids of the packs' rules whose catalog entry sets the flag. */
function rulesMarked(packs: readonly Pick<RulePack, "catalog">[], flag: RuleFlag): Set<string> {
  return new Set(packs.flatMap((p) => p.catalog.rules.filter((r) => r[flag] === true).map((r) => r.id)));
}

/** The ids of the packs' rules whose METADATA says their findings come from the calls CloudTrail recorded (`custom.needs_calls`). */
export function callsRuleIds(packs: readonly Pick<RulePack, "catalog">[]): Set<string> {
  return rulesMarked(packs, "needsCalls");
}

/** The ids of the packs' rules whose METADATA says their findings on a function are decided by its event source mappings (`custom.needs_triggers`). */
export function triggerRuleIds(packs: readonly Pick<RulePack, "catalog">[]): Set<string> {
  return rulesMarked(packs, "needsTriggers");
}

/** The ids of the packs' rules whose METADATA says they need usage data (`custom.needs_usage`). */
export function usageRuleIds(packs: readonly Pick<RulePack, "catalog">[]): Set<string> {
  return rulesMarked(packs, "needsUsage");
}

/** The ids of the packs' rules whose METADATA says their findings on a role are decided by its functions (`custom.needs_functions`). */
export function functionRuleIds(packs: readonly Pick<RulePack, "catalog">[]): Set<string> {
  return rulesMarked(packs, "needsFunctions");
}

/** Per rule id of the packs, the evidence field its METADATA says lists the actions its findings call unused (`custom.unused_actions_evidence`). */
export function unusedActionRules(packs: readonly Pick<RulePack, "catalog">[]): Map<string, string> {
  return new Map(packs.flatMap((p) => p.catalog.rules.flatMap((r) => (r.unusedActionsEvidence !== undefined ? [[r.id, r.unusedActionsEvidence] as const] : []))));
}

/** The ids of the packs' rules whose METADATA says usage data can raise their severity (`custom.usage_raises_severity`). */
export function usageSeverityRuleIds(packs: readonly Pick<RulePack, "catalog">[]): Set<string> {
  return rulesMarked(packs, "usageRaisesSeverity");
}

export interface DiffResult {
  report: DiffReport;
  before: { document: CanonicalDocument; report: AuditReport };
  after: { document: CanonicalDocument; report: AuditReport };
}

/**
 * Keys for synthetic IaC ARNs that line up across the two sides: a file inside a folder given is
 * keyed by its path inside it (`old/` and `new/` checkouts), a file given by name by its position
 * among the files given by name — the first is the plain `unknown` account, so
 * `diff base.yaml template.yaml` compares one stack whatever the names, and files added after it
 * on one side (`--after template.yaml new-stack.yaml`) stay stacks of their own.
 */
function keyOf(roots: string[]): (file: string) => string {
  const isDir = (r: string): boolean => {
    try {
      return statSync(r).isDirectory();
    } catch {
      return false;
    }
  };
  const dirs = roots.filter(isDir);
  const named = roots.filter((r) => !isDir(r));
  return (file) => {
    const i = named.indexOf(file);
    if (i >= 0) return i === 0 ? "" : `#${i}`;
    for (const d of dirs) {
      const rel = relative(d, file);
      if (!rel.startsWith("..") && !rel.startsWith(sep)) return rel.split(sep).join("/");
    }
    return file;
  };
}

async function side(paths: string[], options: DiffOptions, declared: Map<string, string[]>): Promise<{ document: CanonicalDocument; report: AuditReport }> {
  const onIacParameters = (m: Map<string, string[]>): void => m.forEach((names, file) => declared.set(file, names));
  const document = await buildDocument(paths, { ...options, iacKeyOf: keyOf(paths), onIacParameters });
  return { document, report: auditDocument(document, options) };
}

export async function diff(before: string[], after: string[], options: DiffOptions = {}): Promise<DiffResult> {
  checkPathList(before, "diff's before side");
  checkPathList(after, "diff's after side");
  // A parameter is for the templates of either side (one the change adds is declared only after):
  // refused only when neither side's templates declare it.
  const declared = new Map<string, string[]>();
  // The packs loaded once, for both sides (a folder of .rego was compiled for each) and for their
  // catalogs: which rules need usage data.
  const packs = packsFor(options);
  const sideOptions: DiffOptions = { ...options, rules: packs, noBuiltinRules: true };
  const b = await side(before, sideOptions, declared);
  const a = await side(after, sideOptions, declared);
  refuseUndeclaredParameters(options.iac?.parameters ?? {}, declared);
  const report = diffDocuments(b, a, { before, after }, {
    onlyAfterResources: options.onlyAfterResources === true,
    usageRules: usageRuleIds(packs),
    usageSeverityRules: usageSeverityRuleIds(packs),
    functionRules: functionRuleIds(packs),
    unusedActionRules: unusedActionRules(packs),
    callsRules: callsRuleIds(packs),
    triggerRules: triggerRuleIds(packs),
  });
  return { report, before: b, after: a };
}

/* ------------------------------------------------------------ comparing */

/** The document as a fragment, for `permissionRows` (AWS managed policies: their attachment says it). */
function fragmentOf(document: CanonicalDocument): SourceFragment {
  const f = emptyFragment({ path: "", kind: "canonical-document", sha256: "", records: 0 });
  f.roles = document.roles;
  f.principals = document.principals;
  f.policies = Object.values(document.policies).filter((p) => !p.awsManaged);
  f.functions = document.functions;
  return f;
}

type Owner = { type: PermissionChange["ownerType"]; name: string; functions: string[] };

function owners(document: CanonicalDocument): Map<string, Owner> {
  const m = new Map<string, Owner>();
  for (const fn of document.functions) m.set(fn.arn, { type: "function", name: fn.name, functions: [fn.arn] });
  for (const r of document.roles) m.set(r.arn, { type: "role", name: r.name, functions: r.functions });
  for (const p of document.principals) m.set(p.arn, { type: "principal", name: p.name, functions: [] });
  // The functions of the roles each policy is attached to, by policy (one pass over the roles, not
  // one per policy).
  const usersOf = new Map<string, string[]>();
  for (const r of document.roles) {
    for (const arn of new Set(r.attachedPolicies.map((x) => x.arn))) {
      const list = usersOf.get(arn);
      if (list === undefined) usersOf.set(arn, [...r.functions]);
      else list.push(...r.functions);
    }
  }
  for (const p of Object.values(document.policies)) {
    m.set(p.arn, { type: "policy", name: p.name, functions: [...new Set(usersOf.get(p.arn) ?? [])].sort() });
  }
  return m;
}

const STATEMENT_KINDS = new Set<PermissionRowKind>(["trust-statement", "inline-statement", "managed-statement", "resource-policy-statement"]);
/** Kinds of which an owner has one value: a new value replaces the old one. */
const SINGLE_KINDS = new Set<PermissionRowKind>(["execution-role", "permissions-boundary", "function-url"]);

function globRegExp(pattern: string, flags: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, flags);
}

/**
 * Every pattern of `inner` is matched by some pattern of `outer`, the inner pattern read as text:
 * `s3:*` covers `s3:Get*`, `arn:aws:s3:::b/*` covers `arn:aws:s3:::b/logs/*`. (A wildcard in the
 * inner pattern is matched by a wildcard or, conservatively, also by `*`.)
 */
function covers(outer: string[] | undefined, inner: string[] | undefined, caseInsensitive: boolean): boolean {
  if (outer === undefined || inner === undefined) return outer === inner;
  const res = outer.map((p) => globRegExp(p, caseInsensitive ? "i" : ""));
  return inner.every((p) => res.some((re) => re.test(p)));
}

function principalCovers(outer: PolicyStatement["Principal"], inner: PolicyStatement["Principal"]): boolean {
  if (outer === undefined || inner === undefined) return outer === inner;
  if (outer === "*") return true;
  if (inner === "*") return false;
  return Object.entries(inner).every(([type, ids]) => covers(outer[type] ?? (outer.AWS?.includes("*") ? ["*"] : []), ids, false));
}

/** Every condition of `outer` is also in `inner` (fewer conditions: a wider grant). */
function conditionsWeaker(outer: PolicyStatement["Condition"], inner: PolicyStatement["Condition"]): boolean {
  for (const [op, keys] of Object.entries(outer ?? {})) {
    for (const [key, values] of Object.entries(keys)) {
      const other = inner?.[op]?.[key];
      if (!other || JSON.stringify([...other].sort()) !== JSON.stringify([...values].sort())) return false;
    }
  }
  return true;
}

/**
 * One element pair (Action/NotAction, Resource/NotResource): `outer` allows at least what `inner`
 * allows. Mixed forms (Action against NotAction) are not compared: the change is just "changed".
 */
function elementCovers(outer: { yes?: string[]; not?: string[] }, inner: { yes?: string[]; not?: string[] }, caseInsensitive: boolean): boolean {
  if (outer.yes === undefined && outer.not === undefined && inner.yes === undefined && inner.not === undefined) return true;
  if (outer.yes !== undefined && inner.yes !== undefined) return covers(outer.yes, inner.yes, caseInsensitive);
  // Not*: the outer statement excludes less (everything it excludes, the inner one excludes too).
  if (outer.not !== undefined && inner.not !== undefined) return covers(inner.not, outer.not, caseInsensitive);
  return false;
}

/** `outer` applies wherever `inner` applies (same effect assumed). */
function statementCovers(outer: PolicyStatement, inner: PolicyStatement): boolean {
  return (
    elementCovers({ yes: outer.Action, not: outer.NotAction }, { yes: inner.Action, not: inner.NotAction }, true) &&
    elementCovers({ yes: outer.Resource, not: outer.NotResource }, { yes: inner.Resource, not: inner.NotResource }, false) &&
    principalCovers(outer.Principal, inner.Principal) &&
    JSON.stringify(outer.NotPrincipal ?? null) === JSON.stringify(inner.NotPrincipal ?? null) &&
    conditionsWeaker(outer.Condition, inner.Condition)
  );
}

/** How a statement changed, in terms of what it permits (a wider Deny permits less). */
export function compareStatements(before: PolicyStatement, after: PolicyStatement): ChangeKind {
  if (before.Effect !== after.Effect) return "changed";
  const wider = statementCovers(after, before);
  const narrower = statementCovers(before, after);
  if (wider === narrower) return "changed"; // equal rows never reach here; both false: a different scope
  const grantsMore = before.Effect === "Allow" ? wider : narrower;
  return grantsMore ? "widened" : "narrowed";
}

function overlap(a: PolicyStatement, b: PolicyStatement): number {
  const n = (x?: string[], y?: string[]): number => (x && y ? x.filter((v) => y.includes(v)).length : 0);
  return (a.Effect === b.Effect ? 1 : 0) + n(a.Action, b.Action) + n(a.NotAction, b.NotAction) + n(a.Resource, b.Resource) + n(a.NotResource, b.NotResource);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Pair the removed and added rows of one owner, kind and policy: statements by most elements in
 * common (ties: key order), single-valued kinds one to one. Unpaired rows stay added or removed.
 */
function pairRows(removed: PermissionRow[], added: PermissionRow[]): Array<[PermissionRow | null, PermissionRow | null]> {
  const out: Array<[PermissionRow | null, PermissionRow | null]> = [];
  const groupKey = (r: PermissionRow): string => JSON.stringify([r.kind, r.owner, r.policy]);
  const addedBy = new Map<string, PermissionRow[]>();
  for (const r of added) addedBy.set(groupKey(r), [...(addedBy.get(groupKey(r)) ?? []), r]);
  const used = new Set<PermissionRow>();
  for (const r of removed) {
    const candidates = (addedBy.get(groupKey(r)) ?? []).filter((x) => !used.has(x));
    let best: PermissionRow | null = null;
    if (SINGLE_KINDS.has(r.kind)) best = candidates[0] ?? null;
    else if (STATEMENT_KINDS.has(r.kind)) {
      let score = 0;
      for (const c of candidates) {
        const [x, y] = [r.value as PolicyStatement, c.value as PolicyStatement];
        // One statement containing the other (`dynamodb:*` on `*` → two actions on a table) is
        // the same grant rescoped, even with no element in common.
        const s = overlap(x, y) + (x.Effect === y.Effect && (statementCovers(x, y) || statementCovers(y, x)) ? 2 : 0);
        if (s > score) [best, score] = [c, s];
      }
      if (score < 2) best = null; // only the effect in common: a different statement
    }
    if (best) used.add(best);
    out.push([r, best]);
  }
  for (const r of added) if (!used.has(r)) out.push([null, r]);
  return out;
}

function changeOf(pair: [PermissionRow | null, PermissionRow | null]): ChangeKind {
  const [b, a] = pair;
  if (!a) return "removed";
  if (!b) return "added";
  return STATEMENT_KINDS.has(a.kind) ? compareStatements(b.value as PolicyStatement, a.value as PolicyStatement) : "changed";
}

const CHANGE_ORDER: ChangeKind[] = ["widened", "added", "changed", "narrowed", "removed"];

function findingOrder(a: Finding, b: Finding): number {
  return severityRank(a.severity) - severityRank(b.severity) || compareStrings(a.ruleId, b.ruleId) || compareStrings(a.resource.arn, b.resource.arn) || compareStrings(a.fingerprint, b.fingerprint);
}

export function diffDocuments(
  before: { document: CanonicalDocument; report: AuditReport },
  after: { document: CanonicalDocument; report: AuditReport },
  inputs: { before: string[]; after: string[] } = { before: [], after: [] },
  options: DiffDocumentsOptions = {},
): DiffReport {
  const rowsB = permissionRows(fragmentOf(before.document));
  const rowsA = permissionRows(fragmentOf(after.document));
  const keysB = new Set(rowsB.map((r) => r.key));
  const keysA = new Set(rowsA.map((r) => r.key));
  const removed = rowsB.filter((r) => !keysA.has(r.key));
  const added = rowsA.filter((r) => !keysB.has(r.key));
  const ownersB = owners(before.document);
  const ownersA = owners(after.document);
  // AWS managed policies are in every document that attaches them: not something the after side defines.
  const defined = (arn: string): boolean => !options.onlyAfterResources || (ownersA.has(arn) && after.document.policies[arn]?.awsManaged !== true);

  const partialB = before.report.summary.partial;
  const partialA = after.report.summary.partial;
  const listingB = functionListing(before.document);
  const listingA = functionListing(after.document);
  // Each side's functions, roles and principals by ARN, made once for every check below.
  const beforeIndex = indexDocument(before.document);
  const afterIndex = indexDocument(after.document);
  const unheldA = triggersUnheld(afterIndex, beforeIndex);
  const unheldB = triggersUnheld(beforeIndex, afterIndex);
  const changes: PermissionChange[] = pairRows(removed.filter((r) => defined(r.owner)), added.filter((r) => defined(r.owner))).map((pair) => {
    const row = (pair[1] ?? pair[0])!;
    const o = ownersA.get(row.owner) ?? ownersB.get(row.owner);
    const functions = [...new Set([...(ownersB.get(row.owner)?.functions ?? []), ...(ownersA.get(row.owner)?.functions ?? [])])].sort();
    // An owner missing from an incomplete side may be in the part of it that was not read, and a
    // function missing from a side that does not list its region's functions (an IAM export
    // without the Lambda lists) may be there, unread.
    // A trigger row of a function both sides hold, the other side not listing its mappings where
    // this one does (a template whose mapping is in another stack): not known to be removed (added).
    const triggerUnheld = (unheld: (arn: string) => string[]): boolean => row.kind === "trigger" && unheld(row.owner).length > 0;
    const unconfirmed: UnconfirmedKind | null =
      pair[1] === null
        ? ownersA.has(row.owner)
          ? triggerUnheld(unheldA) ? "triggers" : null
          : partialA ? "incomplete-inputs" : functionUnlisted(listingA, row.owner) ? "functions" : null
        : pair[0] === null
          ? ownersB.has(row.owner)
            ? triggerUnheld(unheldB) ? "triggers" : null
            : partialB ? "incomplete-inputs" : functionUnlisted(listingB, row.owner) ? "functions" : null
          : null;
    return {
      ...(unconfirmed !== null ? { unconfirmed: true as const, unconfirmedKind: unconfirmed } : {}),
      change: changeOf(pair),
      kind: row.kind,
      owner: row.owner,
      ownerType: o?.type ?? (row.owner.includes(":lambda:") ? "function" : "role"),
      ownerName: o?.name ?? row.owner.replace(/^.*[:/]/, ""),
      policy: row.policy,
      before: pair[0]?.value ?? null,
      after: pair[1]?.value ?? null,
      source: pair[1]?.source ?? pair[0]?.source ?? null,
      functions,
    };
  });
  changes.sort(
    (x, y) =>
      compareStrings(x.owner, y.owner) ||
      compareStrings(x.kind, y.kind) ||
      compareStrings(x.policy ?? "", y.policy ?? "") ||
      CHANGE_ORDER.indexOf(x.change) - CHANGE_ORDER.indexOf(y.change) ||
      compareStrings(JSON.stringify(x.after ?? x.before), JSON.stringify(y.after ?? y.before)),
  );

  const sharedRoles: SharedRoleChange[] = [];
  const rolesBefore = new Map<string, string[]>();
  for (const r of before.document.roles) if (!rolesBefore.has(r.arn)) rolesBefore.set(r.arn, r.functions);
  for (const role of after.document.roles) {
    const was = rolesBefore.get(role.arn) ?? [];
    const wasSet = new Set(was);
    const gained = role.functions.filter((f) => !wasSet.has(f));
    if (role.functions.length > 1 && gained.length > 0) sharedRoles.push({ roleArn: role.arn, roleName: role.name, before: [...was], after: [...role.functions] });
  }

  const fpB = new Set(before.report.findings.map((f) => f.fingerprint));
  const fpA = new Set(after.report.findings.map((f) => f.fingerprint));
  const introduced = after.report.findings.filter((f) => !fpB.has(f.fingerprint) && defined(f.resource.arn)).sort(findingOrder);
  const gone = before.report.findings.filter((f) => !fpA.has(f.fingerprint) && defined(f.resource.arn)).sort(findingOrder);
  // Against an after side with incomplete inputs a finding that is gone is fixed only when the
  // after side holds its resource whole (resourceReadWhole); otherwise it may be gone only because
  // what it is about was not read (an IAM export cut short takes every role with it).
  const whole = partialA ? resourceReadWhole(afterIndex) : () => true;
  // A finding of a rule that reports only from usage data is fixed only when the after side has
  // usage covering it: against a plan or template (no CloudTrail) every LR008 finding was "fixed".
  const usageRules = new Set(options.usageRules ?? (gone.length > 0 ? usageRuleIds([loadBuiltinPack()]) : []));
  const usageCover = usageGap(afterIndex);
  const gap = (resource: FindingResource, ruleId: string): string | null => usageCover(resource, `${ruleId} reports only from usage data`);
  // A finding on a function the after side neither holds nor lists (an IAM export without the
  // Lambda lists, a region not read) is not known to be gone with it; one of a rule decided by a
  // role's functions (LR001, LR016) not when the after side holds the role but not its functions.
  // (The built-in pack is loaded only for an SDK caller who gave no rules and has findings to judge.)
  const functionRules = new Set(options.functionRules ?? (before.report.findings.length > 0 ? functionRuleIds([loadBuiltinPack()]) : []));
  const functionsUnheld = functionGap(afterIndex, beforeIndex, options.onlyAfterResources === true);
  const fnGap = (f: Finding): string | null => functionsUnheld(f.resource, f.ruleId, functionRules.has(f.ruleId));
  const leftOutA = listingA.leftOut.length > 0;
  // A finding calling actions unused (LR008) is gone too when they are only "unknowable" or
  // "too-new" on the after side (a gap in the logs with an Access Advisor report covering the
  // window, data events not logged): fixed only when each is no longer granted, used, or excepted.
  // (Whether the after side's usage covers the function at all is usageGap's, for the rules that
  // need usage: this judges only a function with full-window labels.)
  const unusedFields = new Map(options.unusedActionRules ?? (gone.length > 0 ? unusedActionRules([loadBuiltinPack()]) : []));
  const unusedLeft = unusedActionsLeft(after.document);
  // A finding made from the calls CloudTrail recorded (LR009's denied calls, LR017's resources) is
  // gone too against usage covering the window through an Access Advisor report alone, which shows
  // neither: fixed only when CloudTrail records cover its resource for the whole window.
  const callsRules = new Set(options.callsRules ?? (gone.length > 0 ? callsRuleIds([loadBuiltinPack()]) : []));
  const callsCover = callsGap(afterIndex);
  const deniedUnlogged = deniedDataEventsUnlogged(after.document);
  // A finding decided by a function's event source mappings (LR010) is gone too when the after side
  // holds the function but not the mapping, defined in another stack or module: fixed only when
  // the after side lists the function's mappings, or holds every mapping the before side had.
  const triggerRules = new Set(options.triggerRules ?? (gone.length > 0 ? triggerRuleIds([loadBuiltinPack()]) : []));
  const triggerCheck = triggerGap(unheldA);
  const fixed: Finding[] = [];
  const unconfirmed: UnconfirmedFinding[] = [];
  for (const f of gone) {
    const field = unusedFields.get(f.ruleId);
    const why: Unconfirmed | null = !whole(f.resource)
      ? // A function an input may leave out (a -target plan) is said so; else the inputs' incompleteness.
        (f.resource.type === "function" && leftOutA ? unconfirmedAs("functions", fnGap(f)) : null) ?? { kind: "incomplete-inputs", reason: INCOMPLETE_INPUTS_REASON }
      : (unconfirmedAs("functions", fnGap(f)) ??
        (usageRules.has(f.ruleId) ? unconfirmedAs("usage", gap(f.resource, f.ruleId)) : null) ??
        (callsRules.has(f.ruleId)
          ? (unconfirmedAs("calls", callsCover(f.resource, `${f.ruleId} reports from the calls CloudTrail recorded, which an Access Advisor report does not show`)) ?? unconfirmedAs("data-events", deniedUnlogged(f)))
          : null) ??
        (field !== undefined ? unconfirmedAs("unused-actions", unusedLeft(f, field)) : null) ??
        (triggerRules.has(f.ruleId) ? unconfirmedAs("triggers", triggerCheck(f)) : null));
    if (why === null) fixed.push(f);
    else unconfirmed.push({ ...f, unconfirmedReason: why.reason, unconfirmedKind: why.kind });
  }
  // The fingerprint leaves the severity out on purpose (a finding keeps its identity, and its
  // code-scanning alert, when its severity moves), so a change of severity is compared apart.
  const severityBefore = new Map<string, Severity>();
  for (const f of before.report.findings) {
    const known = severityBefore.get(f.fingerprint);
    // Two findings with one fingerprint (not expected): compare against the more severe.
    if (known === undefined || severityRank(f.severity) < severityRank(known)) severityBefore.set(f.fingerprint, f.severity);
  }
  const raised: SeverityChange[] = [];
  const lowered: SeverityChange[] = [];
  let unchanged = 0;
  for (const f of after.report.findings) {
    const was = severityBefore.get(f.fingerprint);
    if (was === undefined || !defined(f.resource.arn)) continue;
    if (was === f.severity) unchanged++;
    else if (severityRank(f.severity) < severityRank(was)) raised.push({ before: was, after: f.severity, finding: f });
    else lowered.push({ before: was, after: f.severity, finding: f });
  }
  // A finding whose severity usage raises (LR001: high when the functions sharing a role use
  // different permissions) is reported without usage too, at what the rest of the inputs give it:
  // against an after side without usage covering it, lower than the before side's with usage
  // whether or not the change lowered it. Not confirmed then. (Raised is left as it is: against a
  // before side without usage a gate on it fails closed, as `introduced` does.) When the before side
  // had no usage either, its severity owed nothing to usage, and the lowering is compared as it is.
  // In the same way a finding decided by a role's functions (LR001 on a role some of whose
  // functions the after side does not hold) may be lower only for the functions it lacks.
  if (lowered.length > 0) {
    const severityRules = new Set([...(options.usageSeverityRules ?? usageSeverityRuleIds([loadBuiltinPack()])), ...usageRules]);
    for (const c of lowered) {
      const f = c.finding;
      const why =
        (functionRules.has(f.ruleId) ? unconfirmedAs("functions", functionsUnheld(f.resource, f.ruleId, true)) : null) ??
        (before.document.usage.present && severityRules.has(f.ruleId) ? unconfirmedAs("usage", usageCover(f.resource, `${f.ruleId}'s severity can be raised by usage data`)) : null);
      if (why !== null) {
        c.unconfirmedReason = why.reason;
        c.unconfirmedKind = why.kind;
      }
    }
  }
  const changeOrder = (x: SeverityChange, y: SeverityChange): number => findingOrder(x.finding, y.finding) || severityRank(x.before) - severityRank(y.before);
  raised.sort(changeOrder);
  lowered.sort(changeOrder);

  const sideOf = (s: { document: CanonicalDocument; report: AuditReport }, paths: string[]): DiffSide => ({
    inputs: [...paths],
    functions: s.document.functions.length,
    roles: s.document.roles.length,
    findings: s.report.summary.findings,
    partial: s.report.summary.partial,
    partialReasons: [...s.report.summary.partialReasons],
  });
  return {
    schemaVersion: DIFF_SCHEMA_VERSION,
    tool: after.report.tool,
    before: sideOf(before, inputs.before),
    after: sideOf(after, inputs.after),
    changes,
    sharedRoles,
    findings: { introduced, fixed, unconfirmed, raised, lowered, unchanged },
  };
}

/** A document's functions, roles and principals by ARN, made once for the checks of its side (resourceReadWhole, usageGap). */
interface DocumentIndex {
  document: CanonicalDocument;
  functions: ReadonlyMap<string, CanonicalDocument["functions"][number]>;
  roles: ReadonlyMap<string, Role>;
  principals: ReadonlyMap<string, Principal>;
}

function indexDocument(document: CanonicalDocument): DocumentIndex {
  return {
    document,
    functions: new Map(document.functions.map((f) => [f.arn, f] as const)),
    roles: new Map(document.roles.map((r) => [r.arn, r] as const)),
    principals: new Map(document.principals.map((p) => [p.arn, p] as const)),
  };
}

/** Why a finding is unconfirmed when the after side's inputs are incomplete and do not hold its resource whole. */
export const INCOMPLETE_INPUTS_REASON = "the after inputs are incomplete and may not hold its resource whole";

/**
 * Why the document's usage cannot show a usage rule's finding on `resource` (null: it can, and
 * a finding it no longer reports is fixed). Usage as the canonical document says it (model/usage.ts):
 * - none at all (`usage.present` false): a Terraform plan, a template, an account export given
 *   without CloudTrail or Access Advisor;
 * - read in part (`usage.coverage.partial`: a file unread, records skipped), as the audit's own
 *   summary counts it partial;
 * - for a function, no label set of it covering the whole window (`fullWindow`: the usage stage's
 *   own word that its account and Region were logged for the whole window, or an Access Advisor
 *   report covers it, src/usage/labels.ts); LR008 reports nothing without one. For a role, every
 *   function of the role in the document (a role without one: its own label set).
 * A resource the document does not hold is not a question of usage (a function the change
 * deletes takes its findings with it): the caller's other checks decide. A document whose labels
 * were not kept (buildPendingDocument with keepLabels false) shows none, so nothing is covered:
 * diffDocuments' findings of those rules are then unconfirmed, never wrongly fixed.
 */
function usageGap({ document, functions, roles, principals }: DocumentIndex): (resource: FindingResource, lead: string) => string | null {
  const usage = document.usage;
  const fullFunctions = new Set<string>();
  const fullRoles = new Set<string>();
  for (const l of usage.labels) {
    if (!l.fullWindow) continue;
    if (l.functionArn !== null) fullFunctions.add(l.functionArn);
    else fullRoles.add(l.roleArn);
  }
  const days = usage.window !== null ? `${usage.window.days}-day ` : "";
  // `lead`: what the rule does with usage ("LR008 reports only from usage data"), the reason's start.
  return (resource, lead) => {
    // A layer version is not listed in the document: taken as held, so its usage is asked for.
    const held = resource.type === "function" ? functions.has(resource.arn) : resource.type === "role" ? roles.has(resource.arn) : resource.type === "principal" ? principals.has(resource.arn) : resource.type === "policy" ? document.policies[resource.arn] !== undefined : true;
    if (!held) return null;
    if (!usage.present) return `${lead} (CloudTrail, Access Advisor), and the after inputs have none`;
    if (usage.coverage.partial) return `${lead}, and the after inputs' usage data is incomplete`;
    if (resource.type === "function") {
      return fullFunctions.has(resource.arn) ? null : `${lead}, and the after inputs' usage does not cover function ${resource.name} for the whole ${days}window`;
    }
    if (resource.type === "role") {
      const fns = roles.get(resource.arn)!.functions;
      const covered = fns.length > 0 ? fns.every((f) => fullFunctions.has(f)) : fullRoles.has(resource.arn);
      return covered ? null : `${lead}, and the after inputs' usage does not cover role ${resource.name}${fns.length > 0 ? "'s functions" : ""} for the whole ${days}window`;
    }
    return null;
  };
}

/**
 * Why the document's usage cannot show a finding of a rule made from the calls CloudTrail recorded
 * (`needsCalls`: LR009's denied calls, LR017's resources of calls) on `resource` (null: it can).
 * usageGap asks that the usage cover the resource for the whole window, which its label sets say
 * (`fullWindow`) also when an IAM Access Advisor report covers the window and no CloudTrail record
 * was read at all (src/usage/labels.ts): such a report says whether a service (or a tracked action)
 * was accessed, never which calls were denied or which resources they reached. So here the usage
 * must hold CloudTrail records (usage-query rows included: `coverage.days`, `coverage.accounts`)
 * on every day of the window (windowCoverage), for the resource's account, and no place of the
 * resource in `coverage.partialPlaces` (its account, or a function's Region, logged for less of the
 * window). A role is covered when each of its functions in the document is (one without: its
 * account). Present, whole and not partial are usageGap's questions too, asked again for a rule
 * marked needs_calls alone. A resource the document does not hold is the other checks' question.
 */
function callsGap({ document, functions, roles, principals }: DocumentIndex): (resource: FindingResource, lead: string) => string | null {
  const usage = document.usage;
  const window = usage.present ? windowCoverage(usage) : null;
  const accounts = new Set(usage.coverage.accounts);
  const places = usage.coverage.partialPlaces ?? [];
  const days = usage.window !== null ? `${usage.window.days}-day ` : "";
  const placeCovered = (accountId: string, region: string | null): boolean =>
    accounts.has(accountId) && !places.some((p) => p.accountId === accountId && (p.region === null || region === null || p.region === region));
  return (resource, lead) => {
    const held = resource.type === "function" ? functions.has(resource.arn) : resource.type === "role" ? roles.has(resource.arn) : resource.type === "principal" ? principals.has(resource.arn) : resource.type === "policy" ? document.policies[resource.arn] !== undefined : true;
    if (!held) return null;
    if (!usage.present) return `${lead}, and the after inputs have no usage data`;
    if (usage.coverage.partial) return `${lead}, and the after inputs' usage data is incomplete`;
    if (usage.coverage.days.length === 0) return `${lead}, and the after inputs' usage holds no CloudTrail records`;
    if (window === null || window.missing.length > 0) {
      return `${lead}, and the after inputs' CloudTrail records cover ${window === null ? "none" : `${window.covered}`} of the ${days}window's days`;
    }
    if (resource.type === "function") {
      const fn = functions.get(resource.arn)!;
      return placeCovered(fn.accountId, fn.region) ? null : `${lead}, and the after inputs' CloudTrail records do not cover function ${resource.name} for the whole ${days}window`;
    }
    if (resource.type === "role") {
      const role = roles.get(resource.arn)!;
      const fns = role.functions.map((arn) => functions.get(arn));
      const covered = fns.length > 0 ? fns.every((f) => f !== undefined && placeCovered(f.accountId, f.region)) : placeCovered(role.accountId, null);
      return covered ? null : `${lead}, and the after inputs' CloudTrail records do not cover role ${resource.name}${fns.length > 0 ? "'s functions" : ""} for the whole ${days}window`;
    }
    return null;
  };
}

/**
 * Why a finding listing denied calls (evidence `denied[].action`: LR009) that the document no
 * longer reports is not known to be fixed although CloudTrail covers its resource (callsGap): some
 * of them are data events (S3 objects, DynamoDB items, Lambda Invoke …) the after side's trail may
 * not log for every resource (dataEventUnlogged, what `generate` and the usage labels ask: neither
 * `usage.dataEventsLogged` nor event selectors logging every call of their type), so their
 * absence is no evidence. Null otherwise (a finding without that evidence included).
 */
function deniedDataEventsUnlogged(document: CanonicalDocument): (f: Finding) => string | null {
  let unlogged: ((action: string) => boolean) | null = null;
  return (f) => {
    const denied = (f.evidence as Record<string, unknown> | null | undefined)?.denied;
    if (!Array.isArray(denied)) return null;
    const actions = [...new Set(denied.map((d) => (d !== null && typeof d === "object" ? (d as Record<string, unknown>).action : null)).filter((a): a is string => typeof a === "string"))].sort();
    if (actions.length === 0) return null;
    unlogged ??= dataEventUnlogged(document, loadActionCatalogSync());
    const missed = actions.filter((a) => unlogged!(a));
    if (missed.length === 0) return null;
    return `${f.ruleId} reported denied data-event calls (${missed.join(", ")}) that the after inputs' trail may not log for every resource (no usage.dataEventsLogged, no event selectors logging them in full), so their absence there is not evidence`;
  };
}

/**
 * Why a finding calling actions unused (a rule with `unusedActionsEvidence`: LR008, its evidence's
 * `unused`) that the document no longer reports is not known to be fixed (null: it is). Such a
 * finding is gone when its function has no unused action left, which the change may do by removing
 * the grants or by the function using them, or only by the document's labels saying less: an
 * action the logs cannot show (`unknowable`: a day missing with an Access Advisor report covering
 * the window, a data event not logged) or `too-new` is neither used nor unused, and the label set
 * is `fullWindow` all the same. So each action the finding listed must be, in the document's
 * full-window label sets of the function, not there (the function's role no longer grants it: the
 * labels list every action it grants when the usage is not partial, which usageGap checked before),
 * labelled `used`, or covered by a kept exception. Actions are compared without case (IAM's).
 * Only a finding on a function with full-window labels is judged: the labels are per function,
 * and a function without them is deleted or not covered, which the other checks decide. Evidence
 * without the list (not an array of strings) cannot be checked: not confirmed.
 */
function unusedActionsLeft(document: CanonicalDocument): (f: Finding, field: string) => string | null {
  let byFunction: Map<string, PermissionLabels[]> | null = null;
  return (f, field) => {
    if (f.resource.type !== "function") return null;
    if (byFunction === null) {
      byFunction = new Map();
      for (const l of document.usage.labels) {
        if (!l.fullWindow || l.functionArn === null) continue;
        const list = byFunction.get(l.functionArn);
        if (list === undefined) byFunction.set(l.functionArn, [l]);
        else list.push(l);
      }
    }
    const sets = byFunction.get(f.resource.arn);
    // No full-window labels: a function deleted, or usage not covering it, which usageGap judges
    // for the rules that need usage (LR008); nothing here to tell granted from unlabelled.
    if (sets === undefined) return null;
    const listed = (f.evidence as Record<string, unknown> | null | undefined)?.[field];
    if (!Array.isArray(listed) || !listed.every((a): a is string => typeof a === "string")) {
      return `${f.ruleId}'s finding does not list the actions it called unused (evidence ${field}), so the after side cannot show them gone`;
    }
    const labelOf = new Map<string, LabelledPermission>();
    for (const l of sets) for (const p of l.permissions) {
      const key = p.action.toLowerCase();
      const known = labelOf.get(key);
      // Several label sets of one function (not expected): the one that says least.
      if (known === undefined || known.label === "used" || known.exception !== null) labelOf.set(key, p);
    }
    const left = new Map<string, string[]>();
    for (const action of listed) {
      const p = labelOf.get(action.toLowerCase());
      if (p === undefined || p.label === "used" || p.exception !== null) continue;
      const list = left.get(p.label);
      if (list === undefined) left.set(p.label, [action]);
      else list.push(action);
    }
    if (left.size === 0) return null;
    const parts = [...left].sort(([x], [y]) => compareStrings(x, y)).map(([label, actions]) => {
      const sorted = [...actions].sort(compareStrings);
      const head = sorted.slice(0, 8).join(", ");
      return `${label}: ${head}${sorted.length > 8 ? ` and ${sorted.length - 8} more` : ""}`;
    });
    const n = [...left.values()].reduce((sum, a) => sum + a.length, 0);
    return `${f.ruleId} called ${n === 1 ? "an action" : `${n} actions`} unused that function ${f.resource.name}'s role still grants and the after inputs' usage does not show used (${parts.join("; ")})`;
  };
}

/**
 * Which function lists a document's inputs hold, from its `accounts[].functionCoverage`:
 * `listed(account, region)` when they list that region's functions whole (a `list-functions` read
 * whole, a collection of every region, an account whose functions are the ones templates and
 * plans define), `listsAny(account)` when they list some of the account's. A synthetic account (a
 * template's `unknown`, no entry in `accounts`) is listed: its functions are the templates'.
 */
function functionListing(document: CanonicalDocument): { listed: (accountId: string, region: string) => boolean; listsAny: (accountId: string) => boolean; placeholder: (accountId: string) => boolean; leftOut: string[] } {
  const coverage = new Map(document.accounts.map((a) => [a.accountId, a.functionCoverage] as const));
  const placeholder = (accountId: string): boolean => !/^\d{12}$/.test(accountId);
  // Templates and plans list their functions only when none of them may leave resources out (a
  // -target plan, complete: false): a function such a plan does not hold may be one it left out.
  const leftOut = [...new Set(document.meta.warnings.map(leavesResourcesOut).filter((w): w is string => w !== null))].sort();
  const byIac = leftOut.length === 0;
  return {
    placeholder,
    leftOut,
    listed: (accountId, region) => {
      if (placeholder(accountId)) return byIac;
      const c = coverage.get(accountId);
      return c !== undefined && (c.complete || (c.definedByIac === true && byIac) || c.regions.includes(region));
    },
    listsAny: (accountId) => {
      if (placeholder(accountId)) return byIac;
      const c = coverage.get(accountId);
      return c !== undefined && (c.complete || (c.definedByIac === true && byIac) || c.regions.length > 0);
    },
  };
}

/**
 * Whether a document lists the event source mappings of a function: its inputs hold a
 * `list-event-source-mappings` output read whole (no record unread, no page missing: the source is
 * not partial) for the function's account and Region. A list names its Region by its mappings'
 * function ARNs, or, with none (a region without mappings), by its path in a collector layout
 * (`lambda/<region>/list-event-source-mappings.json`); its account by its mappings (none: the
 * document's only account, else not known to be the function's). A per-function file counts for
 * its function alone. A template or plan lists none: a mapping is a resource of its own, often in
 * another stack or module than its function.
 */
function mappingListing(document: CanonicalDocument): (fn: { arn: string; name: string; accountId: string; region: string }) => boolean {
  const accounts = document.accounts.map((a) => a.accountId).filter((id) => /^\d{12}$/.test(id));
  const lists = document.meta.sources
    .filter((s) => s.kind === "lambda-event-source-mappings" && s.partial !== true)
    .map((s) => {
      const context = pathContext(s.path);
      return { accountId: s.accountId ?? (accounts.length === 1 ? accounts[0] : undefined), region: s.region ?? context.region ?? undefined, fn: context.parameter };
    });
  return (fn) => lists.some((l) => l.accountId === fn.accountId && l.region === fn.region && (l.fn === null || l.fn === fn.name || l.fn === fn.arn));
}

/** A trigger as `triggerGap` matches it across the sides: its source (a self-managed Kafka mapping, which has none: its UUID, else its kind). */
function triggerKey(t: Trigger): string {
  return t.eventSourceArn ?? (t.uuid !== null ? `uuid:${t.uuid}` : `kind:${t.kind}`);
}

/**
 * The mappings (triggerKey, sorted) of function `arn` that the `from` side holds and the `to` side
 * may hold unread: `to` holds the function but not those mappings, `from` lists the function's
 * mappings (live account data: its mappings are all there) and `to` does not (a template or plan,
 * whose mapping may be in another stack or module). Two templates or plans are compared as they
 * are: a mapping one revision of a stack has and the next has not was removed. Empty otherwise.
 */
function triggersUnheld(to: DocumentIndex, from: DocumentIndex): (arn: string) => string[] {
  let listsFrom: ReturnType<typeof mappingListing> | null = null;
  let listsTo: ReturnType<typeof mappingListing> | null = null;
  return (arn) => {
    const now = to.functions.get(arn);
    const was = from.functions.get(arn);
    if (now === undefined || was === undefined) return [];
    const held = new Set(now.triggers.map(triggerKey));
    const missing = [...new Set(was.triggers.map(triggerKey).filter((k) => !held.has(k)))].sort(compareStrings);
    if (missing.length === 0) return [];
    listsFrom ??= mappingListing(from.document);
    listsTo ??= mappingListing(to.document);
    return listsFrom(was) && !listsTo(now) ? missing : [];
  };
}

/**
 * Why a document cannot show that a finding decided by its function's event source mappings
 * (`needsTriggers`: LR010) is gone (null: it can). The after side holds the function (a function
 * it does not hold is functionGap's), and some mapping of the function on the before side is not
 * one of the function's there (by source): a template or plan that holds the function while the
 * mapping is in another stack or module reports none of what the mapping needs. When the before
 * side lists the function's mappings (account data) the mapping was deleted only if the after side
 * lists them too (triggersUnheld); else it may be there, unread. A finding whose mappings the after
 * side all holds is judged on the role's permissions, as the audit judged it, and one of two
 * revisions of a template or plan as they are: fixed. `unheld`: triggersUnheld(after, before), which
 * the permission rows' check shares.
 */
function triggerGap(unheld: (arn: string) => string[]): (f: Finding) => string | null {
  return (f) => {
    if (f.resource.type !== "function") return null;
    const missing = unheld(f.resource.arn);
    if (missing.length === 0) return null;
    const named = missing.map((k) => k.replace(/^(uuid|kind):/, "")).slice(0, 3).join(", ") + (missing.length > 3 ? ` and ${missing.length - 3} more` : "");
    return `${f.ruleId} is decided by function ${f.resource.name}'s event source mappings, and the after inputs do not hold its ${missing.length === 1 ? "mapping" : "mappings"} on ${named} nor list the function's event source mappings (a mapping defined in another stack or module): it may be there, unread`;
  };
}

/** Whether a side that does not hold the function `arn` does not list where it would be either (so it may be there, unread). */
function functionUnlisted(listing: ReturnType<typeof functionListing>, arn: string): boolean {
  const parsed = arn.includes(":lambda:") && arn.includes(":function:") ? parseArn(arn) : null;
  return parsed !== null && !listing.listed(parsed.accountId, parsed.region);
}

/**
 * Why a document cannot show that a finding about functions is gone (null: it can). The
 * document's `accounts[].functionCoverage` says which function lists its inputs hold (as LR016
 * reads it): a function it does not hold is gone (deleted: its findings go with it) only where it
 * lists the functions of the function's account and region (a `list-functions` read whole, a
 * collection of every region, or an account whose functions are the ones templates and plans
 * define; a template's placeholder account is one). Elsewhere (an IAM export given without the
 * Lambda lists, a region not read) it may be there, unread.
 * - a finding on a function (any rule): the document holds it, or lists where it would be;
 * - a finding on a role of a rule decided by the role's functions (`byFunctions`: LR001, LR016)
 *   that the document holds: each of the role's functions on the before side is held, or listed as
 *   gone, and the document lists some functions of the role's account (LR016 reports a role none
 *   uses only then). With `onlyAfterResources`, a function the after side does not define is not
 *   part of the change, not gone: such a finding is then not confirmed.
 * Other findings (a role's own permissions) are not about functions: null.
 */
function functionGap(after: DocumentIndex, before: DocumentIndex, onlyAfterResources: boolean): (resource: FindingResource, ruleId: string, byFunctions: boolean) => string | null {
  const { listed, listsAny, placeholder, leftOut } = functionListing(after.document);
  const where = (accountId: string, region: string): string => (placeholder(accountId) ? "" : ` of account ${accountId}${region !== "" ? ` in ${region}` : ""}`);
  // Why a function the after side does not hold may be there: an input that may leave it out, said.
  const mayLeaveOut = leftOut.length > 0 ? `, which they may leave out (${leftOut.join("; ")})` : null;
  return (resource, ruleId, byFunctions) => {
    if (resource.type === "function") {
      if (after.functions.has(resource.arn)) return null;
      const arn = parseArn(resource.arn);
      if (arn === null || listed(arn.accountId, arn.region)) return null;
      if (mayLeaveOut !== null) return `the after inputs do not hold function ${resource.name}${mayLeaveOut}: it may be there, unread`;
      return `the after inputs do not hold function ${resource.name} and do not list the functions${where(arn.accountId, arn.region)}: it may be there, unread`;
    }
    if (resource.type !== "role" || !byFunctions) return null;
    const role = after.roles.get(resource.arn);
    if (role === undefined) return null; // a role the change deletes takes its findings with it
    const missing = (before.roles.get(resource.arn)?.functions ?? []).filter((fn) => {
      if (after.functions.has(fn)) return false;
      if (onlyAfterResources) return true;
      const arn = parseArn(fn);
      return arn !== null && !listed(arn.accountId, arn.region);
    });
    const nameOf = (fn: string): string => before.functions.get(fn)?.name ?? fn.replace(/^.*:function:/, "");
    if (missing.length > 0) {
      const names = missing.map(nameOf).join(", ");
      return onlyAfterResources
        ? `${ruleId} is decided by the functions of role ${resource.name}, and the after inputs do not define ${missing.length === 1 ? "its function" : "its functions"} ${names} (only what they define is compared)`
        : mayLeaveOut !== null
          ? `${ruleId} is decided by the functions of role ${resource.name}, and the after inputs do not hold ${names}${mayLeaveOut}`
          : `${ruleId} is decided by the functions of role ${resource.name}, and the after inputs do not hold ${names} nor list the functions where ${missing.length === 1 ? "it runs" : "they run"}`;
    }
    if (!listsAny(role.accountId)) {
      return leftOut.length > 0
        ? `${ruleId} is decided by the functions of role ${resource.name}, and the after inputs may leave out functions that use it (${leftOut.join("; ")})`
        : `${ruleId} is decided by the functions of role ${resource.name}, and the after inputs list no functions${where(role.accountId, "")}`;
    }
    return null;
  };
}

/**
 * Whether a document with incomplete inputs holds a finding's resource whole, so that a finding
 * on it that the document's audit no longer reports is fixed, not unread: the resource is there,
 * and the analysis read all of its permissions (`analysis.incomplete` false: every managed policy
 * and boundary resolved, every policy of its own decoded; a function: its execution role's). What
 * else a document lacks is not said per resource: a file read in part is marked as a whole (a
 * plan with one value known only after apply is a partial source, and holds every role of the
 * change), and what a read resource lacks (that value) is a warning on its file. So this is the
 * part that can be checked; a finding about several resources (LR013's readers, LR014's hops) is
 * judged by the resource it is on.
 */
function resourceReadWhole({ document, functions, roles, principals }: DocumentIndex): (resource: Finding["resource"]) => boolean {
  const analysedWhole = (x: Role | Principal | undefined): boolean => x?.analysis?.incomplete === false;
  return (resource) => {
    switch (resource.type) {
      case "function":
        return analysedWhole(roles.get(functions.get(resource.arn)?.roleArn ?? ""));
      case "role":
        return analysedWhole(roles.get(resource.arn));
      case "principal":
        return analysedWhole(principals.get(resource.arn));
      case "policy":
        return document.policies[resource.arn] !== undefined && document.policies[resource.arn]!.resolution !== "unresolved";
      default:
        // A layer version, which the document does not list: whether it was read cannot be told.
        return false;
    }
  };
}

/**
 * Whether the change brings an unsuppressed finding to or above `threshold` (what `--fail-on`
 * checks): an introduced one, or one raised from below the threshold to it. One that was already
 * at the threshold before (high → critical with `--fail-on high`) was there before the change.
 */
export function introducesAtLeast(report: DiffReport, threshold: Severity): boolean {
  const rank = severityRank(threshold);
  return (
    report.findings.introduced.some((f) => !f.suppressed && severityRank(f.severity) <= rank) ||
    report.findings.raised.some((c) => !c.finding.suppressed && severityRank(c.after) <= rank && severityRank(c.before) > rank)
  );
}
