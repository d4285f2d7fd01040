/**
 * Grants → statements. Grants are merged (same action, resource and condition), grants covered by
 * a wider grant of the same action are folded into it, then actions are grouped into one statement
 * per (service, condition, resource set), sorted, so the same grants always give the same bytes.
 */

import type { PolicyDocument, PolicyStatement } from "../model/document.js";
import { hasPatternWildcard, patternCovers, serviceOf } from "./iam.js";
import type { GeneratedStatement, Grant, Provenance, ScopingKind } from "./types.js";

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const KIND_RANK: { [k in Provenance["kind"]]: number } = { required: 0, observed: 1, exception: 2, "not-logged": 3, unattributed: 4 };

function provenanceKey(p: Provenance): string {
  switch (p.kind) {
    case "observed":
      return `1\u0000observed`;
    case "required":
      return `0\u0000${p.purpose}\u0000${p.detail}`;
    case "exception":
      return `2\u0000${p.reason}\u0000${p.pattern}`;
    case "not-logged":
      return `3\u0000${p.reason}`;
    case "unattributed":
      return `4\u0000${p.reason}`;
  }
}

/** `observed`, `required:<purpose>`, `exception:<reason>`, `not-logged`, `unattributed`. */
export function provenanceLabel(p: Provenance): string {
  return p.kind === "observed" || p.kind === "not-logged" || p.kind === "unattributed" ? p.kind : p.kind === "required" ? `required:${p.purpose}` : `exception:${p.reason}`;
}

function mergeProvenance(a: readonly Provenance[], b: readonly Provenance[]): Provenance[] {
  const byKey = new Map<string, Provenance>();
  for (const p of [...a, ...b]) {
    const k = provenanceKey(p);
    const prev = byKey.get(k);
    if (prev !== undefined && prev.kind === "observed" && p.kind === "observed") {
      // The same action observed under several names of one grant: keep the larger, later figure.
      byKey.set(k, { kind: "observed", calls: Math.max(prev.calls, p.calls), lastSeen: prev.lastSeen > p.lastSeen ? prev.lastSeen : p.lastSeen });
    } else if (prev === undefined) byKey.set(k, p);
  }
  return [...byKey.entries()].sort((x, y) => cmp(x[0], y[0])).map(([, p]) => p);
}

export function conditionKey(c: Grant["condition"]): string {
  if (c === undefined) return "";
  const sorted = Object.keys(c)
    .sort()
    .map((op) => [op, Object.keys(c[op] ?? {}).sort().map((k) => [k, [...((c[op] ?? {})[k] ?? [])].sort()])]);
  return JSON.stringify(sorted);
}

const SCOPING_RANK: ScopingKind[] = ["exact", "as-configured", "prefix", "parent", "truncated-prefix", "unnamed", "unknown-action", "no-resource-level-permissions"];

/**
 * Merge duplicate grants and fold grants covered by a wider grant of the same action and
 * condition (an observed stream ARN under the required `log-group:<g>:*`). Sorted by action,
 * resource, condition. Idempotent and independent of input order.
 */
export function normaliseGrants(grants: readonly Grant[]): Grant[] {
  const merged = new Map<string, Grant>();
  for (const g of grants) {
    const key = `${g.action.toLowerCase()}\u0000${g.resource}\u0000${conditionKey(g.condition)}`;
    const prev = merged.get(key);
    if (prev === undefined) {
      merged.set(key, { ...g, provenance: mergeProvenance([], g.provenance) });
      continue;
    }
    prev.provenance = mergeProvenance(prev.provenance, g.provenance);
    if (SCOPING_RANK.indexOf(g.scoping) < SCOPING_RANK.indexOf(prev.scoping)) prev.scoping = g.scoping;
    // Canonical spelling wins over a differently-cased duplicate, deterministically.
    if (g.action < prev.action) prev.action = g.action;
  }
  const byAction = new Map<string, Grant[]>();
  for (const g of merged.values()) {
    const k = `${g.action.toLowerCase()}\u0000${conditionKey(g.condition)}`;
    const list = byAction.get(k) ?? [];
    list.push(g);
    byAction.set(k, list);
  }
  const out: Grant[] = [];
  for (const list of byAction.values()) {
    list.sort((a, b) => cmp(a.resource, b.resource));
    const kept: Grant[] = [];
    // Only a pattern can cover a different resource: exact ARNs need no comparison.
    const wide = list.filter((h) => hasPatternWildcard(h.resource));
    for (const g of list) {
      // A cover is another grant whose pattern matches every ARN g's pattern matches. Ties (equal
      // languages, different text) cannot happen after merging except for equivalent spellings,
      // which the resource order breaks deterministically.
      const cover = wide.find((h) => h !== g && patternCovers(h.resource, g.resource) && !(patternCovers(g.resource, h.resource) && g.resource < h.resource));
      if (cover === undefined) kept.push(g);
      else cover.provenance = mergeProvenance(cover.provenance, g.provenance);
    }
    out.push(...kept);
  }
  return out.sort((a, b) => cmp(a.action.toLowerCase(), b.action.toLowerCase()) || cmp(a.resource, b.resource) || cmp(conditionKey(a.condition), conditionKey(b.condition)));
}

function pascal(s: string): string {
  return s
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== "")
    .map((w) => (w[0] as string).toUpperCase() + w.slice(1))
    .join("");
}

function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** Group normalised grants into statements, sorted, with Sids and provenance notes. */
export function groupStatements(grants: readonly Grant[]): GeneratedStatement[] {
  const perAction = new Map<string, { action: string; condition: Grant["condition"]; grants: Grant[] }>();
  for (const g of grants) {
    const k = `${g.action}\u0000${conditionKey(g.condition)}`;
    const e = perAction.get(k) ?? { action: g.action, condition: g.condition, grants: [] };
    e.grants.push(g);
    perAction.set(k, e);
  }
  const groups = new Map<string, { service: string; condition: Grant["condition"]; resources: string[]; grants: Grant[]; actions: string[] }>();
  for (const e of perAction.values()) {
    const resources = [...new Set(e.grants.map((g) => g.resource))].sort();
    const service = serviceOf(e.action);
    const key = `${service}\u0000${conditionKey(e.condition)}\u0000${resources.join("\n")}`;
    const grp = groups.get(key) ?? { service, condition: e.condition, resources, grants: [], actions: [] };
    grp.grants.push(...e.grants);
    grp.actions.push(e.action);
    groups.set(key, grp);
  }
  const sorted = [...groups.entries()].sort((a, b) => cmp(a[0], b[0])).map(([, g]) => g);
  const usedSids = new Map<string, number>();
  return sorted.map((g) => {
    const provenance = mergeProvenance([], g.grants.flatMap((x) => x.provenance));
    const kinds = [...new Set(provenance.map((p) => p.kind))].sort((a, b) => KIND_RANK[a] - KIND_RANK[b]);
    const base = `${pascal(g.service)}${kinds.map((k) => (k === "exception" ? "KeptException" : pascal(k))).join("")}`;
    const n = (usedSids.get(base) ?? 0) + 1;
    usedSids.set(base, n);
    const sid = n === 1 ? base : `${base}${n}`;
    const statement: GeneratedStatement = {
      sid,
      service: g.service,
      actions: [...g.actions].sort((a, b) => cmp(a.toLowerCase(), b.toLowerCase())),
      resources: g.resources,
      provenance: [...new Set(provenance.map(provenanceLabel))].sort(),
      notes: notesOf(g.grants),
    };
    if (g.condition !== undefined) statement.condition = g.condition;
    return statement;
  });
}

/** One line per reason, for comments and the Markdown report. */
function notesOf(grants: readonly Grant[]): string[] {
  const lines = new Set<string>();
  const observed = new Map<string, { calls: number; lastSeen: string }>();
  for (const g of grants) {
    for (const p of g.provenance) {
      if (p.kind === "required") lines.add(`required (${p.purpose}): ${p.detail}`);
      else if (p.kind === "exception") lines.add(`kept exception (${p.pattern}): ${p.reason}`);
      else if (p.kind === "not-logged") lines.add(`not logged: ${p.reason}`);
      else if (p.kind === "unattributed") lines.add(`unattributed: ${p.reason}`);
      else {
        const prev = observed.get(g.action);
        if (prev === undefined || p.calls > prev.calls) observed.set(g.action, { calls: p.calls, lastSeen: p.lastSeen });
      }
    }
  }
  const obs = [...observed.entries()].sort((a, b) => cmp(a[0], b[0])).map(([a, o]) => `observed ${a}: ${formatCount(o.calls)} successful calls, last ${o.lastSeen}`);
  return [...[...lines].sort(), ...obs];
}

/** The IAM JSON statement of a generated statement (keys in AWS's documented order). */
export function toPolicyStatement(s: GeneratedStatement): PolicyStatement {
  const st: PolicyStatement = { Sid: s.sid, Effect: "Allow", Action: [...s.actions], Resource: [...s.resources] };
  if (s.condition !== undefined) st.Condition = s.condition;
  return st;
}

export function toPolicyDocument(statements: readonly GeneratedStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements.map(toPolicyStatement) };
}
