/**
 * Merging fragments into one set of records, by ARN. Fragments are first sorted by source path
 * (then content hash), so the same inputs in any order merge to the same records. Duplicates that
 * agree are folded silently (two exports of one account overlap); duplicates that disagree keep
 * the first and say so.
 */

import type { DeclaredSuppression, LambdaFunction, ManagedPolicy, RolePolicyResource, SourceInfo, SourceLocation, Warning } from "../model/document.js";
import type { UsageSection } from "../model/usage.js";
import type { FunctionPatch, FunctionVersionRecord, PrincipalRecord, RolePolicyPatch, RoleRecord, RoleUseRecord, SourceFragment } from "../sources/types.js";
import type { LayerVersionRecord } from "../sources/lambda-layers.js";
import { canonicalJson } from "./canonical-json.js";
import { appendAll } from "../collections.js";

export interface Merged {
  roles: Map<string, RoleRecord>;
  principals: Map<string, PrincipalRecord>;
  policies: Map<string, ManagedPolicy>;
  functions: Map<string, LambdaFunction>;
  versions: FunctionVersionRecord[];
  patches: FunctionPatch[];
  /** Layer versions as the inputs name them, in input order (src/normalize/layers.ts joins them). */
  layerVersions: LayerVersionRecord[];
  /** Roles Lambda resources other than functions run with: the fragments' and those a canonical document's roles carry. */
  roleUses: RoleUseRecord[];
  /** Suppressions written in the inputs (a template's resource Metadata), in input order. */
  suppressions: DeclaredSuppression[];
  incomplete: Set<string>;
  sources: SourceInfo[];
  warnings: Warning[];
  partial: boolean;
  usage: UsageSection | null;
  /** asOf carried by canonical documents given as input. */
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A record as compared with another of the same ARN: without where it was read, at every level.
 * A role's inline policies, a function's event sources carry their own `source`: comparing them
 * made two copies of one export (`iam.json` and `backup/iam.json`, or the same file found in two
 * folders given) "differ" on every role with an inline policy, a warning per role for nothing.
 */
function withoutSource(record: object): string {
  return canonicalJson(dropSources(record));
}

function dropSources(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropSources);
  if (value === null || typeof value !== "object") return value;
  const out: { [k: string]: unknown } = {};
  for (const [k, v] of Object.entries(value)) {
    // Only a SourceLocation (or its null): a tag or condition key named "source" is data.
    if (k === "source" && (v === null || (typeof v === "object" && typeof (v as { file?: unknown }).file === "string"))) continue;
    Object.defineProperty(out, k, { value: dropSources(v), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

export function mergeFragments(input: readonly SourceFragment[]): Merged {
  const fragments = [...input].sort((a, b) => compareStrings(a.source.path, b.source.path) || compareStrings(a.source.sha256, b.source.sha256));
  const merged: Merged = {
    roles: new Map(),
    principals: new Map(),
    policies: new Map(),
    functions: new Map(),
    versions: [],
    patches: [],
    layerVersions: [],
    roleUses: [],
    suppressions: [],
    incomplete: new Set(),
    sources: [],
    warnings: [],
    partial: false,
    usage: null,
  };
  const versionKeys = new Set<string>();
  const superseded = configSuperseded(fragments);
  const conflict = (kind: string, arn: string, kept: SourceLocation | null | undefined, other: SourceLocation | null | undefined) =>
    merged.warnings.push({
      code: "conflicting-records",
      severity: "warning",
      // One place on both sides: one record is a canonical document's copy of the other (its
      // records carry their files' places), the document given beside its own inputs (before:
      // "differs between X and X", which said nothing).
      message:
        where(kept) !== undefined && where(kept) === where(other)
          ? `${kind} ${arn} differs between ${where(other)} and a canonical document's copy of it (a normalize output given beside the files it was made from); kept the first (inputs sorted by path): give the document or its inputs, not both`
          : `${kind} ${arn} differs between ${where(kept) ?? "one input"} and ${where(other) ?? "another"}; kept the first (inputs sorted by path)`,
      ...(other?.file ? { file: other.file } : {}),
      ...(other?.file && other.address ? { path: other.address } : {}),
    });

  for (const f of fragments) {
    if (f.carriedSources) appendAll(merged.sources, f.carriedSources);
    else merged.sources.push(f.partial ? { ...f.source, partial: true } : f.source);
    appendAll(merged.warnings, f.warnings);
    merged.partial ||= f.partial;
    for (const arn of f.incompletePrincipals) merged.incomplete.add(arn);
    if (f.usage) {
      if (merged.usage === null) merged.usage = f.usage;
      else merged.warnings.push({ code: "several-usage-sections", severity: "warning", file: f.source.path, message: "several input documents carry usage; kept the first (inputs sorted by path)" });
    }

    if (f.roleUses) appendAll(merged.roleUses, f.roleUses);
    const stale = superseded.get(f) ?? null;
    for (const record of f.roles) {
      if (stale?.has(record.arn)) continue;
      // A canonical document's role carries its uses: they join the others, so that the role
      // compares equal to the same role read from an export.
      const { lambdaServiceUses, ...r } = record;
      for (const u of lambdaServiceUses ?? []) merged.roleUses.push({ ...u, roleArn: r.arn });
      const seen = merged.roles.get(r.arn);
      if (!seen) merged.roles.set(r.arn, r);
      else if (withoutSource(seen) !== withoutSource(r)) conflict("role", r.arn, seen.source, r.source);
    }
    for (const p of f.principals) {
      const seen = merged.principals.get(p.arn);
      if (!seen) merged.principals.set(p.arn, p);
      else if (withoutSource(seen) !== withoutSource(p)) conflict(p.type, p.arn, seen.source, p.source);
    }
    for (const p of f.policies) if (!stale?.has(p.arn)) mergePolicy(merged, p, conflict);
    for (const fn of f.functions) {
      if (stale?.has(fn.arn)) continue;
      const seen = merged.functions.get(fn.arn);
      if (!seen) merged.functions.set(fn.arn, { ...fn });
      else {
        // get-function carries tags that list-functions lacks: fold them in; any other difference is a conflict.
        const tags = { ...fn.tags, ...seen.tags };
        if (withoutSource({ ...seen, tags: {} }) !== withoutSource({ ...fn, tags: {} })) conflict("function", fn.arn, seen.source, fn.source);
        seen.tags = Object.fromEntries(Object.entries(tags).sort(([a], [b]) => compareStrings(a, b)));
      }
    }
    for (const v of f.functionVersions) {
      const key = `${v.functionArn}\u0000${v.version}`;
      if (!versionKeys.has(key)) {
        versionKeys.add(key);
        merged.versions.push(v);
      }
    }
    appendAll(merged.patches, stale ? f.functionPatches.filter((p) => p.functionArn === null || !stale.has(p.functionArn)) : f.functionPatches);
    if (f.layerVersions) appendAll(merged.layerVersions, f.layerVersions);
    if (f.suppressions) appendAll(merged.suppressions, f.suppressions);
  }
  for (const f of fragments) for (const p of f.rolePolicyPatches ?? []) attachToRole(merged, p);
  return merged;
}

/**
 * The resources of each AWS Config file that another Config file holds a later state of, or whose
 * last state says deleted: history files of many days each hold states of one role, and the first
 * by path (what other duplicates keep) is not the latest (`…/2026/11/9/` sorts after `…/11/15/`).
 * A tie in capture time goes to the later path, so that the choice does not depend on the order
 * the files were given in.
 */
function configSuperseded(fragments: readonly SourceFragment[]): Map<SourceFragment, Set<string>> {
  // A state without its capture time (a select row that did not select it) cannot be ordered:
  // such records are merged as any other duplicates are.
  const latest = new Map<string, { captured: string; path: string; deployed: boolean }>();
  for (const f of fragments) {
    for (const s of f.configStates ?? []) {
      if (s.captured === null) continue;
      const seen = latest.get(s.arn);
      if (!seen || s.captured > seen.captured || (s.captured === seen.captured && f.source.path > seen.path)) latest.set(s.arn, { captured: s.captured, path: f.source.path, deployed: s.deployed });
    }
  }
  const out = new Map<SourceFragment, Set<string>>();
  for (const f of fragments) {
    if (!f.configStates) continue;
    const stale = new Set<string>();
    for (const s of f.configStates) {
      const last = latest.get(s.arn);
      if (s.captured !== null && last !== undefined && (!last.deployed || last.path !== f.source.path)) stale.add(s.arn);
    }
    if (stale.size > 0) out.set(f, stale);
  }
  return out;
}

/**
 * Whether the role is the one another stack exported as `${<construct>}`: its CDK construct
 * path (`Data/Shared`, with path metadata), else `<stack>/<logical ID>` (the name CloudFormation
 * makes starts with the stack's name).
 */
function madeFrom(r: RoleRecord, exported: string): boolean {
  if (r.source?.construct === `${exported}/Resource`) return true;
  const slash = exported.indexOf("/");
  const stack = exported.slice(0, slash);
  const id = exported.slice(slash + 1);
  return r.generatedName === true && r.source?.address === id && r.name.startsWith(`${stack}-`);
}

/**
 * A policy a template puts on a role of another input (another stack's, the account's): on the one
 * role with that name in that account, or made from that CDK construct; else its warning. After
 * every fragment is merged, so the order of the inputs does not matter.
 */
function attachToRole(merged: Merged, p: RolePolicyPatch): void {
  const matches = [...merged.roles.values()].filter((r) =>
    r.accountId === p.accountId && (p.roleName !== undefined ? r.name === p.roleName && r.generatedName !== true : p.roleConstruct !== undefined && madeFrom(r, p.roleConstruct)),
  );
  const role = matches.length === 1 ? matches[0] : undefined;
  if (role === undefined) {
    merged.warnings.push(p.unmatched);
    return;
  }
  // New arrays: the record's are the fragment's.
  if (p.inlinePolicy !== undefined) {
    const name = p.inlinePolicy.name;
    role.inlinePolicies = [...role.inlinePolicies.filter((x) => x.name !== name), p.inlinePolicy].sort((a, b) => compareStrings(a.name, b.name));
  }
  if (p.managedPolicy !== undefined && !role.attachedPolicies.some((x) => x.arn === p.managedPolicy?.arn)) {
    role.attachedPolicies = [...role.attachedPolicies, p.managedPolicy].sort((a, b) => compareStrings(a.arn, b.arn));
  }
  const at = (x: RolePolicyResource) => `${x.source.file}\u0000${x.source.address ?? ""}`;
  role.policyResources = [...(role.policyResources ?? []).filter((x) => at(x) !== at(p.resource)), p.resource].sort((a, b) => compareStrings(at(a), at(b)));
}

function mergePolicy(merged: Merged, p: ManagedPolicy, conflict: (kind: string, arn: string, a?: SourceLocation | null, b?: SourceLocation | null) => void): void {
  const seen = merged.policies.get(p.arn);
  if (!seen) {
    merged.policies.set(p.arn, p);
    return;
  }
  // A resolved copy beats an unresolved one (a filtered export next to a full one).
  if (seen.resolution === "unresolved" && p.resolution !== "unresolved") {
    merged.policies.set(p.arn, { ...p, otherVersions: unionVersions(seen, p) });
    return;
  }
  if (p.resolution !== "unresolved" && canonicalJson(seen.document) !== canonicalJson(p.document)) conflict("managed policy", p.arn, seen.source, p.source);
  seen.otherVersions = unionVersions(seen, p);
}

/**
 * A record's file, with its JSON path when it has one: two records of one file (pages of an
 * export merged by a script that appended a page twice) were "between x.json and x.json".
 */
function where(source: SourceLocation | null | undefined): string | undefined {
  if (!source?.file) return undefined;
  return source.address ? `${source.file} (${source.address})` : source.file;
}

function unionVersions(a: ManagedPolicy, b: ManagedPolicy): ManagedPolicy["otherVersions"] {
  const defaultId = a.resolution !== "unresolved" ? a.defaultVersionId : b.defaultVersionId;
  const byId = new Map<string, ManagedPolicy["otherVersions"][number]>();
  for (const v of [...a.otherVersions, ...b.otherVersions]) if (v.versionId !== defaultId && !byId.has(v.versionId)) byId.set(v.versionId, v);
  return [...byId.values()].sort((x, y) => {
    const nx = Number(x.versionId.replace(/^v/, ""));
    const ny = Number(y.versionId.replace(/^v/, ""));
    return Number.isFinite(nx) && Number.isFinite(ny) && nx !== ny ? nx - ny : compareStrings(x.versionId, y.versionId);
  });
}
