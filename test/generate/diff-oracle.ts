/**
 * Test oracle: the right-sizing diff as it was written before it stopped walking every action of
 * a statement (f8855a8, src/generate/diff.ts), kept verbatim but for its names. The property test
 * in diff-equivalence.property.test.ts holds the new diffAgainst equal to it.
 */
/* eslint-disable */
import type { PolicyStatement } from "../../src/model/document.js";
import { actionKeyOf } from "../../src/analysis/index.js";
import { ContentCache, pushTo } from "../../src/collections.js";
import type { CurrentPolicy } from "../../src/generate/current-policies.js";
import { actionApplies, patternCovers, type ActionCatalog } from "../../src/generate/iam.js";
import type { PolicyBuild } from "../../src/generate/types.js";
import type { ActionList, CurrentStatementDiff, GeneratedStatementDiff, NarrowedAction, PolicyDiff } from "../../src/generate/diff.js";

const ACTION_LIST_CAP = 100;

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
  return cache.set(key, { names: sorted.map((x) => x.name), lower: sorted.map((x) => x.lower) });
}

export function referenceDiffAgainst(policies: readonly CurrentPolicy[], unresolved: string[], roleArn: string, build: PolicyBuild, subject: string, catalog: ActionCatalog): PolicyDiff {
  const generated = new Map<string, string[]>();
  for (const g of build.grants) {
    const k = g.action.toLowerCase();
    pushTo(generated, k, g.resource);
  }
  const currentAll = new Map<string, string[]>();
  const current: CurrentStatementDiff[] = [];
  const allows: { policy: CurrentPolicy; st: PolicyStatement }[] = [];
  for (const policy of policies) {
    policy.document.Statement.forEach((st, index) => {
      if (st.Effect !== "Allow") return;
      allows.push({ policy, st });
      const resources = st.Resource ?? ["*"];
      const removed: string[] = [];
      const kept: string[] = [];
      const narrowed: NarrowedAction[] = [];
      const actions = statementActions(st, catalog);
      for (let i = 0; i < actions.names.length; i++) {
        const a = actions.names[i] as string;
        const k = actions.lower[i] as string;
        const all = currentAll.get(k);
        if (all === undefined) currentAll.set(k, [...resources]);
        else all.push(...resources);
        const gen = generated.get(k);
        if (gen === undefined) removed.push(a);
        else if (st.NotResource === undefined && resources.every((r) => coveredBy(gen, r))) kept.push(a);
        else narrowed.push({ action: a, from: [...resources], to: [...gen].sort() });
      }
      current.push({
        policy: policy.id,
        policyKind: policy.kind,
        index,
        sid: st.Sid === undefined || st.Sid === "" ? null : st.Sid,
        actionCount: actions.names.length,
        resources: st.Resource ?? [],
        conditional: st.Condition !== undefined,
        notResource: st.NotResource !== undefined,
        removed: actionList(removed),
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
  let narrowedActions = 0;
  let keptActions = 0;
  let removedActions = 0;
  for (const [k, res] of currentAll) {
    const gen = generated.get(k);
    if (gen === undefined) removedActions++;
    else if (res.every((r) => coveredBy(gen, r))) keptActions++;
    else narrowedActions++;
  }
  const addedActions = new Set(generatedDiff.flatMap((g) => g.added.map((a) => a.toLowerCase()))).size;
  const widenedActions = new Set(generatedDiff.flatMap((g) => g.widened.map((w) => w.action.toLowerCase()))).size;
  return {
    roleArn,
    subject,
    summary: {
      currentStatements: current.length,
      currentPolicies: policies.length,
      currentActions: currentAll.size,
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
