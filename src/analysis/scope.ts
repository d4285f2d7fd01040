/**
 * Resource wildcards that usage could narrow (LR017): an Allow statement of an execution role
 * grants every resource of a type (`table/*`, `*`), and the role's functions were seen using that
 * statement's actions only on resources that share a name prefix (`table/orders-eu`,
 * `table/orders-us` → `table/orders-*`). The observed names are data: their common prefix is
 * written as generate writes it (`literalPrefixPattern`: `$`, `*`, `?` as `${$}`, `${*}`, `${?}`),
 * or an S3 key `u/${aws:username}/…` would suggest a policy variable and `a*b` a wildcard;
 * coverage from `patternCovers`.
 */
import type { CanonicalDocument, Role } from "../model/document.js";
import type { ScopeSuggestion } from "../model/analysis.js";
import type { ActionCatalog } from "../iam/index.js";
import { matchResourceType } from "../iam/resource-types.js";
import { actionApplies, arnMatches, literalCommonPrefix, literalPrefixPattern, patternCovers, splitArn, type NamedPolicy } from "./iam.js";
import { byString, isAwsManagedArn } from "./policies.js";

/** Does the pattern cover every resource of its type (the name part is only a wildcard)? */
export function typeWide(pattern: string): boolean {
  if (pattern === "*") return true;
  const parts = splitArn(pattern);
  if (parts === null) return false;
  const service = parts[2] ?? "";
  const resource = parts[5] ?? "";
  if (service === "s3") return resource === "*" || resource === "*/*";
  return resource === "*" || /^[A-Za-z0-9_.-]+[/:]\*$/.test(resource);
}

/** Service and resource type of an ARN (`dynamodb table`), to group what a `*` grant was used on. */
function typeKey(arn: string): string {
  const parts = splitArn(arn);
  if (parts === null) return arn;
  const resource = parts[5] ?? "";
  const type = /^([A-Za-z0-9_.-]+)[/:]/.exec(resource)?.[1] ?? "";
  return `${parts[2] ?? ""} ${parts[3] ?? ""} ${parts[4] ?? ""} ${type}`;
}

type UsagePrincipal = CanonicalDocument["usage"]["principals"][number];

/**
 * Function-session usage principals by role ARN, in document order. Built once per usage section:
 * scanning every usage principal for every role was quadratic (10,000 roles × 10,000 principals).
 */
const sessionsByRole = new WeakMap<readonly UsagePrincipal[], { length: number; byRole: Map<string, UsagePrincipal[]> }>();
function functionSessionsOf(document: CanonicalDocument, roleArn: string): readonly UsagePrincipal[] {
  const all = document.usage.principals;
  let index = sessionsByRole.get(all);
  // Rebuilt if the list grew since (a caller that appends between two analyses).
  if (index === undefined || index.length !== all.length) {
    const byRole = new Map<string, UsagePrincipal[]>();
    for (const p of all) {
      if (p.sessionKind !== "function") continue;
      const list = byRole.get(p.roleArn);
      if (list === undefined) byRole.set(p.roleArn, [p]);
      else list.push(p);
    }
    index = { length: all.length, byRole };
    sessionsByRole.set(all, index);
  }
  return index.byRole.get(roleArn) ?? [];
}

export function scopeSuggestions(role: Role, identity: readonly NamedPolicy[], document: CanonicalDocument, catalog: ActionCatalog): ScopeSuggestion[] {
  if (!document.usage.present) return [];
  // Only a type-wide Allow of the role's own policies can be narrowed, and only its actions' usage
  // matters to it: a role without one, or an action none of them grants, needs none of the work
  // below (every used resource matched against the catalog's types: a quarter of a second at
  // 10,000 functions, bench/results/scale.md session 37).
  const wide = identity.flatMap((policy) => (isAwsManagedArn(policy.id) ? [] : policy.document.Statement.filter((st) => st.Effect === "Allow" && st.Resource !== undefined && st.Resource.some(typeWide))));
  if (wide.length === 0) return [];
  const relevant = new Map<string, boolean>();
  const isRelevant = (action: string): boolean => {
    let r = relevant.get(action);
    if (r === undefined) relevant.set(action, (r = wide.some((st) => actionApplies(st, action))));
    return r;
  };
  // What the role's function sessions did: action → resources seen.
  const used = new Map<string, Set<string>>();
  // Actions some of whose calls named no resource the records show (an SNS Publish to a phone
  // number, authorised on `*`): what they used is unknown, so no grant of theirs is narrowed.
  const unnamed = new Set<string>();
  const starOnly = new Set<string>();
  // Actions whose sample was truncated: the prefixes every resource beyond the sample starts with
  // (each parent's, usage/parents.ts, or the one prefix of all when the parents were not kept).
  const beyond = new Map<string, Set<string>>();
  for (const p of functionSessionsOf(document, role.arn)) {
    for (const a of p.actions) {
      if (a.count <= a.deniedCount || !isRelevant(a.action)) continue;
      const info = catalog.action(a.action);
      if ((a.unnamedCalls ?? 0) > 0) unnamed.add(a.action);
      // Authorised on `*` only (or unknown to the catalog): a `*` grant is what allows it.
      if (info === null || !info.supportsResourceLevelPermissions) starOnly.add(a.action);
      const set = used.get(a.action) ?? new Set<string>();
      // The resources of the calls that were not denied (`authorized` when some were): a
      // resource seen only in a denied call is not one the role needs. Only those of the action's
      // types: the bucket an S3 data event lists beside the object is not GetObject's resource.
      const sample = a.authorized ?? a;
      const ofType = (r: string) => info === null || matchResourceType(info, r, catalog) !== null;
      for (const r of sample.resources) if (ofType(r)) set.add(r);
      used.set(a.action, set);
      if (!sample.resourcesTruncated) continue;
      const heads = beyond.get(a.action) ?? new Set<string>();
      if (sample.resourceParents !== undefined) {
        for (const parent of sample.resourceParents) {
          if (!parent.single) heads.add(parent.prefix);
          else if (ofType(parent.prefix)) set.add(parent.prefix);
        }
      } else heads.add(sample.resourcePrefix === null ? "" : sample.resourcePrefix.replace(/\*$/, ""));
      beyond.set(a.action, heads);
    }
  }
  if (used.size === 0) return [];
  const out: ScopeSuggestion[] = [];
  for (const policy of identity) {
    if (isAwsManagedArn(policy.id)) continue;
    policy.document.Statement.forEach((st, index) => {
      if (st.Effect !== "Allow" || st.Resource === undefined) return;
      for (const granted of st.Resource) {
        if (!typeWide(granted)) continue;
        if ([...unnamed].some((action) => actionApplies(st, action))) continue;
        if (granted === "*" && [...starOnly].some((action) => actionApplies(st, action))) continue;
        // Used resources under this pattern, by type (a `*` grant may cover several types).
        const groups = new Map<string, { actions: Set<string>; resources: Set<string>; heads: Set<string> }>();
        const groupOf = (r: string) => {
          const k = typeKey(r);
          let g = groups.get(k);
          if (g === undefined) groups.set(k, (g = { actions: new Set<string>(), resources: new Set<string>(), heads: new Set<string>() }));
          return g;
        };
        let unknowable = false;
        for (const [action, resources] of used) {
          if (!actionApplies(st, action)) continue;
          for (const r of resources) {
            if (!arnMatches(granted, r)) continue;
            const g = groupOf(r);
            g.actions.add(action);
            g.resources.add(r);
          }
          // Beyond a truncated sample: resources under a prefix the grant covers whole count as
          // that prefix (the suggestion must cover them all); under one it may partly cover,
          // which of them it covers is unknown, and nothing is suggested.
          for (const head of beyond.get(action) ?? []) {
            if (patternCovers(granted, literalPrefixPattern(head))) {
              const g = groupOf(head);
              g.actions.add(action);
              g.heads.add(head);
            } else if (mayOverlap(granted, head)) unknowable = true;
          }
        }
        if (unknowable) continue;
        const suggestions: ScopeSuggestion[] = [];
        for (const g of groups.values()) {
          if (g.resources.size + g.heads.size < 2) break;
          const resources = [...g.resources].sort(byString);
          // One type of one account and region (typeKey): the names differ only in the resource part.
          const cut = atWordBoundary(`${literalCommonPrefix([...resources, ...g.heads])}*`);
          if (cut === null) break;
          const suggested = literalPrefixPattern(cut);
          if (suggested === granted || typeWide(suggested) || !patternCovers(granted, suggested)) break;
          // A prefix that stops inside the account or region part narrows nothing useful.
          const parts = splitArn(suggested);
          if (parts === null || (parts[5] ?? "").startsWith("*")) break;
          const s: ScopeSuggestion = { policy: policy.id, index, granted, suggested, actions: [...g.actions].sort(byString), resources: resources.slice(0, 10) };
          if (g.heads.size > 0) s.beyondSample = [...g.heads].sort(byString).map((h) => literalPrefixPattern(h));
          suggestions.push(s);
        }
        // Every type the grant was used on needs its suggestion: replacing the grant by some of
        // them would refuse the others' resources (a `*` used on tables and on one queue).
        if (suggestions.length === groups.size) out.push(...suggestions);
      }
    });
  }
  return out.sort((a, b) => byString(a.policy, b.policy) || a.index - b.index || byString(a.suggested, b.suggested));
}

/**
 * Whether `pattern` may match some resource that starts with `head` (a prefix of resources not in
 * the sample): the pattern's text before its first wildcard and `head` agree as far as both go.
 * Conservative: true whenever that cannot be ruled out this simply.
 */
function mayOverlap(pattern: string, head: string): boolean {
  const w = pattern.search(/[*?]|\$\{/);
  const literal = w < 0 ? pattern : pattern.slice(0, w);
  if (w < 0) return literal.startsWith(head);
  return literal.startsWith(head) || head.startsWith(literal);
}

/**
 * A suggestion a person would write: the character-level common prefix of `billing-2026-10` and
 * `billing-2026-11` is `billing-2026-1*`, which next year's `billing-2027-01` escapes; cut back to
 * the last separator (`billing-2026-*`). Stops at the resource type (`table/*` is no scoping).
 */
export function atWordBoundary(pattern: string | null): string | null {
  if (pattern === null || !pattern.endsWith("*")) return pattern;
  const body = pattern.slice(0, -1);
  if (/[-_/.:]$/.test(body)) return pattern;
  const cut = Math.max(body.lastIndexOf("-"), body.lastIndexOf("_"), body.lastIndexOf("."), body.lastIndexOf("/"), body.lastIndexOf(":"));
  if (cut < 0) return pattern;
  const trimmed = `${body.slice(0, cut + 1)}*`;
  // Keep the character-level prefix when the cut would leave only the resource type or less.
  const resource = trimmed.split(":").slice(5).join(":");
  return /^[^/]*\/\*$|^\*$/.test(resource) || resource === "" ? pattern : trimmed;
}
