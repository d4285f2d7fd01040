/**
 * Right-sizing diff: today's Allow statements of the role against the generated policy, statement
 * by statement, with action counts.
 *
 * - removed: an action today's statement grants and the generated policy does not grant at all;
 * - narrowed: granted by both, but today's statement grants it on resources the generated policy
 *   does not (`dynamodb:GetItem` on `*` → on `table/orders`);
 * - kept: today's statement grants it on nothing beyond the generated resources;
 * - added: a generated action no statement grants today (typically configuration requirements a
 *   broken role lacks, or kept exceptions);
 * - widened: a generated action granted today, but not on every generated resource.
 *
 * Action patterns are expanded with the catalog (`s3:*` counts as every S3 action), NotAction is
 * the complement; NotResource statements and conditions are flagged, not modelled, because the
 * question is "which of today's grants go away", and those go away or stay whole.
 */

import type { CanonicalDocument, PolicyStatement } from "../model/document.js";
import { actionKeyOf } from "../analysis/index.js";
import { ContentCache, pushTo } from "../collections.js";
import { currentPolicies, type CurrentPolicy } from "./current-policies.js";
import { actionApplies, ActionSet, loadActionCatalogSync, patternCovers, type ActionCatalog } from "./iam.js";
import type { PolicyBuild } from "./types.js";

/** A list of actions with its exact count, per-service counts and the first names. */
export interface ActionList {
  count: number;
  byService: { [service: string]: number };
  /** Sorted, at most `ACTION_LIST_CAP`. */
  actions: string[];
  truncated: boolean;
}

export const ACTION_LIST_CAP = 100;

export interface NarrowedAction {
  action: string;
  /** Today's resources for the action in this statement. */
  from: string[];
  /** The generated resources for the action. */
  to: string[];
}

export interface CurrentStatementDiff {
  /** `inline:<name>` or the managed policy ARN. */
  policy: string;
  policyKind: "inline" | "managed";
  index: number;
  sid: string | null;
  /** Concrete catalog actions the statement grants. */
  actionCount: number;
  resources: string[];
  conditional: boolean;
  notResource: boolean;
  removed: ActionList;
  narrowed: NarrowedAction[];
  kept: ActionList;
  /** Action patterns that match nothing in the catalog (misspelt or newer than the catalog). */
  unknownActions: string[];
}

export interface GeneratedStatementDiff {
  sid: string;
  actions: string[];
  resources: string[];
  provenance: string[];
  /** Actions no statement grants today. */
  added: string[];
  /** Actions granted today, but not on every generated resource: the resources missing today. */
  widened: { action: string; resources: string[] }[];
}

export interface PolicyDiff {
  roleArn: string;
  subject: string;
  summary: {
    currentStatements: number;
    currentPolicies: number;
    currentActions: number;
    generatedStatements: number;
    generatedActions: number;
    removedActions: number;
    narrowedActions: number;
    keptActions: number;
    addedActions: number;
    widenedActions: number;
  };
  current: CurrentStatementDiff[];
  generated: GeneratedStatementDiff[];
  /** Attached managed policies whose document is not in the input: the diff cannot see them. */
  unresolvedPolicies: string[];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `names` already in the order of their lower-cased forms (taken in StatementActions order). */
function actionList(sorted: string[]): ActionList {
  const byService: { [s: string]: number } = {};
  for (const n of sorted) {
    const s = n.slice(0, n.indexOf(":"));
    byService[s] = (byService[s] ?? 0) + 1;
  }
  const ordered: { [s: string]: number } = {};
  for (const k of Object.keys(byService).sort()) ordered[k] = byService[k] as number;
  return { count: sorted.length, byService: ordered, actions: sorted.slice(0, ACTION_LIST_CAP), truncated: sorted.length > ACTION_LIST_CAP };
}

function coveredBy(patterns: readonly string[], resource: string): boolean {
  return patterns.some((p) => patternCovers(p, resource));
}

/** A statement's concrete catalog actions (Action expanded; NotAction complemented), in the order of their lower-cased names, with those names. */
interface StatementActions {
  names: readonly string[];
  lower: readonly string[];
  /** The same actions as a set of catalog indices. Shared: never mutated. */
  set: ActionSet;
  /** How many of them per service prefix, keys sorted (actionList's byService of all of them). */
  byService: { readonly [service: string]: number };
}

/**
 * Per catalog, by the statement's Action/NotAction: roles repeat the same lists (an AWS managed
 * policy, `Action: "*"` with its ~22,000 actions), and expanding, lower-casing and sorting them for
 * every function's diff was most of the HTML report's time at 10,000 functions.
 */
const statementActionsCache = new WeakMap<ActionCatalog, ContentCache<StatementActions>>();

function statementActions(st: PolicyStatement, catalog: ActionCatalog): StatementActions {
  let cache = statementActionsCache.get(catalog);
  if (cache === undefined) statementActionsCache.set(catalog, (cache = new ContentCache(10_000)));
  const key = actionKeyOf(st);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const set = st.Action !== undefined ? catalog.expandAllToSet(st.Action) : catalog.expandAllToSet(st.NotAction ?? []).complementWithin(catalog.all);
  // A stable sort of the catalog's order: any part of it taken in this order is what sorting
  // that part alone gives (actionList relies on it).
  const sorted = catalog
    .names(set)
    .map((name) => ({ name, lower: name.toLowerCase() }))
    .sort((a, b) => cmp(a.lower, b.lower));
  const names = sorted.map((x) => x.name);
  return cache.set(key, { names, lower: sorted.map((x) => x.lower), set, byService: actionList(names).byService });
}

/**
 * Diff the role's identity policies today against a generated build (one function's policy, or
 * the union of a shared role). `subject` names what the build is for, for the report.
 */
export function diffPolicies(
  document: CanonicalDocument,
  roleArn: string,
  build: PolicyBuild,
  subject: string,
  catalog: ActionCatalog = loadActionCatalogSync(),
): PolicyDiff {
  const { policies, unresolved } = currentPolicies(document, roleArn);
  return diffAgainst(policies, unresolved, roleArn, build, subject, catalog);
}

export function diffAgainst(policies: readonly CurrentPolicy[], unresolved: string[], roleArn: string, build: PolicyBuild, subject: string, catalog: ActionCatalog): PolicyDiff {
  const generated = new Map<string, string[]>();
  for (const g of build.grants) {
    const k = g.action.toLowerCase();
    pushTo(generated, k, g.resource);
  }
  // The generated actions the catalog knows, by index: a statement's share of them is looked up
  // in its set. Why not walk the statement's actions: `Action: "*"` is ~22,000 of them against a
  // generated policy's few dozen, for every function (4.6 of the 20 s of `generate --split --diff`
  // at 10,000 functions, most of the HTML report's diffing).
  const known: { k: string; action: string; index: number; gen: string[] }[] = [];
  for (const [k, gen] of generated) {
    const info = catalog.action(k);
    if (info !== null) known.push({ k, action: info.action, index: info.index, gen });
  }
  known.sort((a, b) => cmp(a.k, b.k));
  const union = new ActionSet(catalog.bitLength);
  const current: CurrentStatementDiff[] = [];
  const allows: { policy: CurrentPolicy; st: PolicyStatement; actions: StatementActions }[] = [];
  for (const policy of policies) {
    policy.document.Statement.forEach((st, index) => {
      if (st.Effect !== "Allow") return;
      const actions = statementActions(st, catalog);
      allows.push({ policy, st, actions });
      union.orInPlace(actions.set);
      const resources = st.Resource ?? ["*"];
      const kept: string[] = [];
      const narrowed: NarrowedAction[] = [];
      const generatedHere = new Set<string>();
      const removedByService: { [s: string]: number } = { ...actions.byService };
      for (const g of known) {
        if (!actions.set.has(g.index)) continue;
        generatedHere.add(g.k);
        const service = g.action.slice(0, g.action.indexOf(":"));
        removedByService[service] = (removedByService[service] as number) - 1;
        if (st.NotResource === undefined && resources.every((r) => coveredBy(g.gen, r))) kept.push(g.action);
        else narrowed.push({ action: g.action, from: [...resources], to: [...g.gen].sort() });
      }
      // Removed: the statement's actions less the generated ones, counted, and the first names.
      const first: string[] = [];
      for (let i = 0; i < actions.names.length && first.length < ACTION_LIST_CAP; i++) {
        if (!generatedHere.has(actions.lower[i] as string)) first.push(actions.names[i] as string);
      }
      const removedCount = actions.names.length - generatedHere.size;
      const byService: { [s: string]: number } = {};
      for (const [service, n] of Object.entries(removedByService)) if (n > 0) byService[service] = n;
      current.push({
        policy: policy.id,
        policyKind: policy.kind,
        index,
        sid: st.Sid === undefined || st.Sid === "" ? null : st.Sid,
        actionCount: actions.names.length,
        resources: st.Resource ?? [],
        conditional: st.Condition !== undefined,
        notResource: st.NotResource !== undefined,
        removed: { count: removedCount, byService, actions: first, truncated: removedCount > ACTION_LIST_CAP },
        narrowed: narrowed.sort((a, b) => cmp(a.action.toLowerCase(), b.action.toLowerCase())),
        kept: actionList(kept),
        unknownActions: catalog.unknownPatterns(st.Action ?? []),
      });
    });
  }
  const generatedDiff: GeneratedStatementDiff[] = build.statements.map((s) => {
    const added: string[] = [];
    const widened: { action: string; resources: string[] }[] = [];
    for (const a of s.actions) {
      // Granted today by some Allow statement (the IAM engine's action matching, so actions the
      // catalog does not know are still compared correctly).
      const granting = allows.filter(({ st }) => actionApplies(st, a));
      if (granting.length === 0) {
        added.push(a);
        continue;
      }
      const today = granting.flatMap(({ st }) => st.Resource ?? (st.NotResource !== undefined ? ["*"] : []));
      const missing = s.resources.filter((r) => !coveredBy(today, r));
      if (missing.length > 0) widened.push({ action: a, resources: missing });
    }
    return { sid: s.sid, actions: s.actions, resources: s.resources, provenance: s.provenance, added, widened };
  });
  // Across statements: a generated action granted today is kept when every resource any statement
  // grants it on is covered by the generated ones; the rest of today's actions are removed.
  let narrowedActions = 0;
  let keptActions = 0;
  let grantedToday = 0;
  for (const g of known) {
    if (!union.has(g.index)) continue;
    grantedToday++;
    const today = allows.filter((a) => a.actions.set.has(g.index)).flatMap((a) => a.st.Resource ?? ["*"]);
    if (today.every((r) => coveredBy(g.gen, r))) keptActions++;
    else narrowedActions++;
  }
  const currentActions = union.count();
  const removedActions = currentActions - grantedToday;
  const addedActions = new Set(generatedDiff.flatMap((g) => g.added.map((a) => a.toLowerCase()))).size;
  const widenedActions = new Set(generatedDiff.flatMap((g) => g.widened.map((w) => w.action.toLowerCase()))).size;
  return {
    roleArn,
    subject,
    summary: {
      currentStatements: current.length,
      currentPolicies: policies.length,
      currentActions,
      generatedStatements: build.statements.length,
      generatedActions: generated.size,
      removedActions,
      narrowedActions,
      keptActions,
      addedActions,
      widenedActions,
    },
    current,
    generated: generatedDiff,
    unresolvedPolicies: [...unresolved].sort(),
  };
}
