/**
 * The built-in rules' view of a canonical document: the input the built-in pack is evaluated on,
 * holding what `policies/` reads and leaving out what no built-in rule reads. Why: the usage
 * section's per-permission labels were 200 MB of the 10,000-function / 1M-record document, and
 * the wasm evaluator holds its input several times over (text, parsed values, evaluation); with
 * them the audit did not fit in memory (bench/results/scale.md).
 *
 * What is left out (checked against every `input.` path in policies/, and by the equivalence test
 * test/evaluate/rules-view.test.ts, which evaluates both on fixtures with usage):
 * - `accounts`, `policies` (the managed policy documents: rules read the IAM facts and analysis);
 * - `usage.coverage`, `usage.disagreements`;
 * - of each role: its policy documents (`inlinePolicies`, `attachedPolicies`, `trustPolicy`: the
 *   rules read the IAM facts and analysis derived from them) and `source`; of its `facts` the
 *   uncapped lists no rule reads (`allowedActions`, `services`, `fullAccessServices`), and of
 *   `facts.statements` only those naming an unknown action (LR019 reads no other). 104 MB of roles
 *   at 10,000 functions. A rule that starts reading one of these must be given it here: the
 *   equivalence test compares the view with the whole document on an account where they occur.
 * - usage principals that are not a function's own session (`lambda-service`, `other`): every
 *   rule that reads `usage.principals` keeps only `sessionKind == "function"`; of an action with
 *   no denied call only `action`, `count` and `deniedCount` (LR009 reads the rest of denied ones);
 * - labels that LR008 skips (not `fullWindow`, or no function), and in the others every
 *   permission but the unused ones, which LR008 lists; the other labels become counts
 *   (`labelCounts`, read by `label_count` in unused_permission.rego); of each permission only
 *   `action`, `label` and `exception`.
 * Custom rule packs may read anything: they are given the whole document (src/evaluate/evaluator.ts).
 */

import type { CanonicalDocument, Role } from "../model/document.js";
import type { PermissionLabels, PrincipalUsage } from "../model/usage.js";

export interface SlimPermissionLabels {
  roleArn: string;
  functionArn: string;
  fullWindow: true;
  permissions: Array<{ action: string; label: "unused"; exception: { reason: string } | null }>;
  /** How many permissions carry each label (all of them, the listed unused ones included). */
  labelCounts: { [label: string]: number };
}

function slimLabels(l: PermissionLabels): SlimPermissionLabels | null {
  if (l.fullWindow !== true || typeof l.functionArn !== "string") return null;
  const labelCounts: { [label: string]: number } = {};
  const permissions: SlimPermissionLabels["permissions"] = [];
  for (const p of l.permissions ?? []) {
    labelCounts[p.label] = (labelCounts[p.label] ?? 0) + 1;
    if (p.label === "unused") permissions.push({ action: p.action, label: "unused", exception: p.exception });
  }
  return { roleArn: l.roleArn, functionArn: l.functionArn, fullWindow: true, permissions, labelCounts };
}

function slimPrincipal(p: PrincipalUsage): PrincipalUsage | Record<string, unknown> {
  if (!Array.isArray(p.actions)) return p;
  return { ...p, actions: p.actions.map((a) => (a.deniedCount > 0 ? a : { action: a.action, count: a.count, deniedCount: a.deniedCount })) };
}

function slimRole(role: Role): Record<string, unknown> {
  const { inlinePolicies: _i, attachedPolicies: _a, trustPolicy: _t, source: _s, facts, ...rest } = role;
  if (!facts) return rest;
  const { allowedActions: _aa, services: _sv, fullAccessServices: _fa, statements, ...factsRest } = facts;
  return { ...rest, facts: { ...factsRest, statements: (statements ?? []).filter((st) => (st.unknownActions?.length ?? 0) > 0) } };
}

/** The built-in rules' input for a document (shares the entities; nothing is copied deeply). */
export function builtinRulesView(document: Partial<CanonicalDocument>): Record<string, unknown> {
  const { accounts: _accounts, policies: _policies, usage, ...rest } = document;
  const view: Record<string, unknown> = { ...rest };
  if (rest.roles) view.roles = rest.roles.map(slimRole);
  if (usage) {
    view.usage = {
      present: usage.present,
      window: usage.window,
      principals: (usage.principals ?? []).filter((p) => p.sessionKind === "function").map(slimPrincipal),
      labels: (usage.labels ?? []).map(slimLabels).filter((l): l is SlimPermissionLabels => l !== null),
    };
  }
  return view;
}
