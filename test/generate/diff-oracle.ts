/**
 * Test oracle for the right-sizing diff's statement side and its counts: the plain walk over every
 * action each statement grants, as the diff was computed before it looked generated actions up in
 * a statement's set (f8855a8). Written for clarity, not speed; diff-equivalence.property.test.ts
 * holds the diff equal to it. (The generated side, `generated`, did not change and is not here.)
 */
import type { CurrentPolicy } from "../../src/generate/current-policies.js";
import type { ActionList, CurrentStatementDiff, NarrowedAction, PolicyDiff } from "../../src/generate/diff.js";
import { patternCovers, type ActionCatalog } from "../../src/generate/iam.js";
import type { PolicyBuild } from "../../src/generate/types.js";

/** Sorted by lower-cased name. */
const sortByLower = (names: string[]): string[] =>
  names
    .map((n) => [n.toLowerCase(), n] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map((x) => x[1]);

function listOf(names: string[]): ActionList {
  const sorted = sortByLower(names);
  const counts = new Map<string, number>();
  for (const n of sorted) counts.set(n.split(":")[0]!, (counts.get(n.split(":")[0]!) ?? 0) + 1);
  const byService = Object.fromEntries([...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
  return { count: sorted.length, byService, actions: sorted.slice(0, 100), truncated: sorted.length > 100 };
}

export function referenceStatementSide(policies: readonly CurrentPolicy[], build: PolicyBuild, catalog: ActionCatalog): { current: CurrentStatementDiff[]; counts: Pick<PolicyDiff["summary"], "currentActions" | "removedActions" | "keptActions" | "narrowedActions"> } {
  const generated = new Map<string, string[]>();
  for (const g of build.grants) generated.set(g.action.toLowerCase(), [...(generated.get(g.action.toLowerCase()) ?? []), g.resource]);
  const covered = (gen: string[], r: string) => gen.some((p) => patternCovers(p, r));
  const everything = catalog.names(catalog.all);
  const grantedToday = new Map<string, string[]>();
  const current: CurrentStatementDiff[] = [];
  for (const policy of policies) {
    policy.document.Statement.forEach((st, index) => {
      if (st.Effect !== "Allow") return;
      const listed = new Set((st.Action ?? st.NotAction ?? []).flatMap((p) => catalog.expand(p)));
      const names = sortByLower(st.Action !== undefined ? [...listed] : everything.filter((n) => !listed.has(n)));
      const resources = st.Resource ?? ["*"];
      const removed: string[] = [];
      const kept: string[] = [];
      const narrowed: NarrowedAction[] = [];
      for (const a of names) {
        const today = grantedToday.get(a.toLowerCase());
        if (today === undefined) grantedToday.set(a.toLowerCase(), [...resources]);
        else today.push(...resources);
        const gen = generated.get(a.toLowerCase());
        if (gen === undefined) removed.push(a);
        else if (st.NotResource === undefined && resources.every((r) => covered(gen, r))) kept.push(a);
        else narrowed.push({ action: a, from: [...resources], to: [...gen].sort() });
      }
      current.push({
        policy: policy.id,
        policyKind: policy.kind,
        index,
        sid: st.Sid === undefined || st.Sid === "" ? null : st.Sid,
        actionCount: names.length,
        resources: st.Resource ?? [],
        conditional: st.Condition !== undefined,
        notResource: st.NotResource !== undefined,
        removed: listOf(removed),
        narrowed,
        kept: listOf(kept),
        unknownActions: catalog.unknownPatterns(st.Action ?? []),
      });
    });
  }
  const counts = { currentActions: grantedToday.size, removedActions: 0, keptActions: 0, narrowedActions: 0 };
  for (const [k, today] of grantedToday) {
    const gen = generated.get(k);
    if (gen === undefined) counts.removedActions++;
    else if (today.every((r) => covered(gen, r))) counts.keptActions++;
    else counts.narrowedActions++;
  }
  return { current, counts };
}
