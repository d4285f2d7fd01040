/**
 * The built-in rules' view of a canonical document: the input the built-in pack is evaluated on,
 * holding what `policies/` reads and leaving out what no built-in rule reads. Why: the usage
 * section's per-permission labels were 200 MB of the 10,000-function / 1M-record document, and
 * the wasm evaluator holds its input several times over (text, parsed values, evaluation); with
 * them the audit did not fit in memory (bench/results/scale.md).
 *
 * What is left out (checked against every `input.` path in policies/, and by the equivalence test
 * test/evaluate/rules-view.test.ts, which evaluates both on fixtures with usage):
 * - `policies` (the managed policy documents: rules read the IAM facts and analysis); `accounts`
 *   stays (one small entry per account: LR016 reads its function coverage);
 * - of `meta`, the `sources` and `warnings` lists and `partial` (rules read `meta.iamDataVersion`
 *   only): one entry per input file, 0.75 MB with 2,100 CloudTrail files, and every slice carries
 *   `meta`;
 * - of each function's requirements, those its role grants (rules read only the denied ones,
 *   `missing` in policies/lib/analysis.rego) and every requirement's `statements`: 19 of the
 *   165 MB of input at 10,000 functions were requirements; of each of its configuration readers,
 *   what LR013 does not read (`principalType`, `actions`), the readers themselves held for its
 *   evidence (`configurationReadersHeld`, held-lists.ts);
 * - `usage.coverage`, `usage.disagreements`;
 * - of each role: its policy documents (`inlinePolicies`, `attachedPolicies`, `trustPolicy`: the
 *   rules read the IAM facts and analysis derived from them), `source` (but for its
 *   `terraformModule`, read by lambda_module_calls in policies/lib/analysis.rego, or else its
 *   `address`, read by lambda_module_role_outside there), and the escalation methods
 *   its policies rule out (`analysis.blockedEscalations`: for the reader of the document, LR014
 *   reports the paths only; 0.8 MB at 10,000 functions); of its `facts` the
 *   uncapped lists no rule reads (`allowedActions`, `services`, `fullAccessServices`), and of
 *   `facts.statements` only those naming an unknown action (LR019 reads no other). 104 MB of roles
 *   at 10,000 functions. A rule that starts reading one of these must be given it here: the
 *   equivalence test compares the view with the whole document on an account where they occur.
 * - of each IAM user and group (`principals`), its policy documents, `facts` and
 *   `analysis.blockedEscalations` (slimIdentity): LR014 reads its identity and escalation paths;
 * - usage principals that are not a function's own session (`lambda-service`, `other`): every
 *   rule that reads `usage.principals` keeps only `sessionKind == "function"`; of an action with
 *   no denied call only `action`, `count` and `deniedCount` (LR009 reads the rest of denied ones);
 * - labels that LR008 skips (not `fullWindow`, or no function), and in the others the permission
 *   list itself: LR008 is given what it computes from it, of the unused actions without an
 *   exception (distinct and sorted) their number (`unusedActionCount`), the first eight, which its
 *   message names (`unusedActionsHead`), and the list itself as a held list (`unusedActionsHeld`,
 *   held-lists.ts: the evaluator puts it in the finding's evidence), the ones with a kept exception
 *   (`keptExceptions`) and how many permissions carry each label (`labelCounts`); read by
 *   `unused_count`, `unused_head`, `unused_evidence`, `kept_exceptions` and `label_count` in
 *   unused_permission.rego. Why: 900,000 unused permissions at 10,000 functions were 70 of the 165
 *   MB of input, and building and sorting their set was the costliest part of the costliest rule;
 *   the list itself, copied into the evidence, was a quarter of the result's bytes.
 * And one thing is added, `usage.usedByFunction`: what `used_by_function` in policies/lib/functions.rego
 * computes from the principals (the actions each function's own sessions called successfully, by
 * role and function), one entry per pair (usedByFunctionOf). Why: grouping the principals by pair
 * has no form in Rego that is linear in both engines. A multi-value rule is linear in wasm and
 * quadratic in native OPA (`opa eval` on a canonical document: 166 s for the rule alone at 10,000
 * functions); a grouping comprehension is linear natively (comprehension indexing) and quadratic in
 * wasm, which does not index, and a role shared by thousands of functions is one slice. The rule
 * reads this list when it is there and groups natively when it is not.
 * Custom rule packs may read anything: they are given the whole document (src/evaluate/evaluator.ts).
 */

import type { CanonicalDocument, LambdaFunction, Principal, Role } from "../model/document.js";
import type { PermissionLabels, PrincipalUsage } from "../model/usage.js";
import type { LabelDigest } from "../model/pending.js";
import { digestOfLabels, strictlyAscending } from "../usage/labels.js";
import { HELD, HeldLists } from "./held-lists.js";

export interface SlimPermissionLabels {
  roleArn: string;
  functionArn: string;
  fullWindow: true;
  /** How many unused permissions' actions have no kept exception (distinct). */
  unusedActionCount: number;
  /** The first UNUSED_HEAD of them, in OPA's (UTF-8 byte) order: what LR008's message names. */
  unusedActionsHead: string[];
  /** All of them, in that order, held by the evaluator (held-lists.ts); null when there are none. */
  unusedActionsHeld: string | null;
  /** The unused permissions with a kept exception, in the labels' order. */
  keptExceptions: Array<{ action: string; reason: string }>;
  /** How many permissions carry each label (all of them, the unused ones included). */
  labelCounts: { [label: string]: number };
}

/** Strings in the order of OPA's `sort` (Go compares UTF-8 bytes; JavaScript UTF-16 units, which differ past U+FFFF). */
function sortLikeOpa(list: string[]): string[] {
  // Labels come sorted: a list already in order is not sorted again.
  // eslint-disable-next-line no-control-regex
  if (list.every((s) => /^[\x00-\x7f]*$/.test(s))) return strictlyAscending(list) ? list : list.sort();
  return list.sort((a, b) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8")));
}

/** How many unused actions LR008's message names (`array.slice(unused, 0, 8)` in unused_permission.rego). */
export const UNUSED_HEAD = 8;

export function slimLabels(l: PermissionLabels, held: HeldLists): SlimPermissionLabels | null {
  const digest = digestOfLabels(l);
  return digest === null ? null : slimDigest(digest, held);
}

/** A label set's digest as the rules read it: its unused actions in OPA's order, the list held. */
export function slimDigest(d: LabelDigest, held: HeldLists): SlimPermissionLabels {
  const unused = sortLikeOpa([...d.unusedActions]);
  return {
    roleArn: d.roleArn,
    functionArn: d.functionArn,
    fullWindow: true,
    unusedActionCount: unused.length,
    unusedActionsHead: unused.slice(0, UNUSED_HEAD),
    unusedActionsHeld: unused.length === 0 ? null : held.hold(unused, `unusedActions ${d.functionArn}`),
    keptExceptions: d.keptExceptions,
    labelCounts: d.labelCounts,
  };
}

function slimPrincipal(p: PrincipalUsage): PrincipalUsage | Record<string, unknown> {
  if (!Array.isArray(p.actions)) return p;
  return { ...p, actions: p.actions.map((a) => (a.deniedCount > 0 ? a : { action: a.action, count: a.count, deniedCount: a.deniedCount })) };
}

/**
 * An IAM user or group as the rules read it: LR014 at account scope reads its identity (ARN, name,
 * display name, type) and its escalation paths. Its policy documents, facts and the escalation
 * methods its policies rule out are left out, as of a role. Why: every user and group is in the
 * first slice (rules-slices.ts), and an account with 2,000 users had 30 MB of their facts there,
 * which no rule reads (bench/results/scale.md, session 47).
 */
export function slimIdentity(principal: Principal): Record<string, unknown> {
  const { inlinePolicies: _i, attachedPolicies: _a, facts: _f, ...rest } = principal;
  const out: Record<string, unknown> = rest;
  if (rest.analysis) out.analysis = withoutBlockedEscalations(rest.analysis);
  return out;
}

/** An analysis without the escalation methods its policies rule out (no built-in rule reads them). */
function withoutBlockedEscalations<T extends { blockedEscalations?: unknown }>(analysis: T): Omit<T, "blockedEscalations"> {
  const { blockedEscalations: _b, ...rest } = analysis;
  return rest;
}

export function slimRole(role: Role): Record<string, unknown> {
  const { inlinePolicies: _i, attachedPolicies: _a, trustPolicy: _t, source: _s, facts, ...rest } = role;
  const out: Record<string, unknown> = rest; // a fresh object: replacing its members leaves the role as it is
  // Of `source`, the terraform-aws-modules/lambda call (LR005, LR006, LR007 and LR010 name its
  // inputs) and the address (they name the role resource of a call given a role made elsewhere).
  if (role.source?.terraformModule !== undefined) out.source = { terraformModule: role.source.terraformModule };
  else if (typeof role.source?.address === "string") out.source = { address: role.source.address };
  if (rest.analysis) out.analysis = withoutBlockedEscalations(rest.analysis);
  if (facts) {
    const { allowedActions: _aa, services: _sv, fullAccessServices: _fa, statements, ...factsRest } = facts;
    out.facts = { ...factsRest, statements: (statements ?? []).filter((st) => (st.unknownActions?.length ?? 0) > 0) };
  }
  return out;
}

/** Requirement decisions the rules read (`denied_decisions` in policies/lib/analysis.rego). */
const DENIED = new Set(["implicit-deny", "explicit-deny"]);

export function slimFunction(fn: LambdaFunction, held: HeldLists): LambdaFunction | Record<string, unknown> {
  const analysis = fn.analysis;
  const readers = analysis?.configurationReaders ?? [];
  if (!analysis || (analysis.requirements === undefined && readers.length === 0)) return fn;
  const requirements = analysis.requirements === undefined ? {} : { requirements: analysis.requirements.filter((r) => DENIED.has(r.decision)).map(({ statements: _s, ...r }) => r) };
  if (readers.length === 0) return { ...fn, analysis: { ...analysis, ...requirements } };
  // LR013 reads who each reader is and its decision; its evidence gets the readers as they are,
  // held (held-lists.ts).
  return {
    ...fn,
    analysis: {
      ...analysis,
      ...requirements,
      configurationReaders: readers.map((r) => (r.displayName === undefined ? { principalArn: r.principalArn, decision: r.decision } : { principalArn: r.principalArn, displayName: r.displayName, decision: r.decision })),
      configurationReadersHeld: held.hold(readers, `configurationReaders ${fn.arn}`),
    },
  };
}

/** The built-in rules' input for a document (shares the entities; nothing is copied deeply). */
export function builtinRulesView(document: Partial<CanonicalDocument>): Record<string | symbol, unknown> {
  const view = rulesViewFrame(document);
  if (document.roles) view.roles = document.roles.map(slimRole);
  const held = view[HELD] as HeldLists;
  if (document.functions) view.functions = document.functions.map((f) => slimFunction(f, held));
  if (document.usage) {
    const usage = view.usage as Record<string, unknown>;
    usage.labels = (document.usage.labels ?? []).map((l) => slimLabels(l, held)).filter((l): l is SlimPermissionLabels => l !== null);
    // The whole view's groups; a slice gets its own (rules-slices.ts sliceOf).
    usage.usedByFunction = usedByFunctionOf(usage.principals as unknown[]);
  }
  return view;
}

/**
 * The view without its roles, functions and usage labels (their keys are there, in the document's
 * order, holding the document's own lists until replaced) and without the usage groups
 * (`usedByFunction`): what rules-slices.ts completes slice by slice when the roles' analysis and
 * the labels are made as the slices are evaluated.
 */
export function rulesViewFrame(document: Partial<CanonicalDocument>): Record<string | symbol, unknown> {
  const { policies: _policies, usage, ...rest } = document;
  // The held lists' table (held-lists.ts) under a symbol: each slice, a spread of the frame, has it
  // too, and the JSON encoding leaves it out.
  const view: Record<string | symbol, unknown> = { ...rest, [HELD]: new HeldLists() };
  if (rest.principals) view.principals = rest.principals.map(slimIdentity);
  // `partial` is left out too: the audit sets it once every label is made, after the first slices.
  if (rest.meta) {
    const { partial: _partial, ...meta } = rest.meta;
    view.meta = { ...meta, sources: [], warnings: [] };
  }
  if (usage) view.usage = { present: usage.present, window: usage.window, principals: rulesViewPrincipals(usage.principals ?? []), labels: [] };
  return view;
}

/** One [role, function] pair's successful calls, as `used_by_function` in policies/lib/functions.rego groups them. */
export interface UsedByFunction {
  /** The document's role (the principal's `documentRoleArn`, else its `roleArn`). */
  roleArn: unknown;
  functionArn: unknown;
  /** Distinct, sorted (the rule reads them as a set). */
  actions: string[];
}

/**
 * `used_by_function` of policies/lib/functions.rego, computed here for the rules' view (see the
 * file's comment): a function's own sessions (`sessionKind` function, a function ARN, no
 * `invokedBy`), grouped by the document's role and the function, with the actions called more
 * often than refused. A function may have two principals (src/usage/labels.ts): one entry of both.
 */
export function usedByFunctionOf(principals: readonly unknown[]): UsedByFunction[] {
  const byPair = new Map<string, UsedByFunction & { seen: Set<string> }>();
  for (const raw of principals) {
    const p = raw as Partial<PrincipalUsage> & Record<string, unknown>;
    if (p.sessionKind !== "function" || p.functionArn === null || p.functionArn === undefined || (p.invokedBy ?? null) !== null) continue;
    // object.get(p, "documentRoleArn", p.roleArn): a member that is there is taken as it is.
    const roleArn = "documentRoleArn" in p ? p.documentRoleArn : p.roleArn;
    const key = JSON.stringify([roleArn, p.functionArn]);
    let entry = byPair.get(key);
    if (entry === undefined) byPair.set(key, (entry = { roleArn, functionArn: p.functionArn, actions: [], seen: new Set() }));
    for (const a of Array.isArray(p.actions) ? p.actions : []) if (a.count > a.deniedCount) entry.seen.add(a.action);
  }
  return [...byPair.values()].map(({ roleArn, functionArn, seen }) => ({ roleArn, functionArn, actions: sortLikeOpa([...seen]) }));
}

/** The usage principals the rules read (their functions' own sessions), slimmed, in order. */
function rulesViewPrincipals(principals: readonly PrincipalUsage[]): Array<PrincipalUsage | Record<string, unknown>> {
  return principals.filter((p) => p.sessionKind === "function").map(slimPrincipal);
}
