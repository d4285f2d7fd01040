/**
 * Functions: published versions folded into their function, per-function data (resource policy,
 * triggers, URL, destinations, tags) attached, each by full ARN; by name and region only when the
 * file named the function by path (cloudmapper). Data about a function that is not in the inputs
 * is reported, not invented into a half-empty function.
 */

import type { FunctionUrl, LambdaFunction, PolicyDocument, PolicyStatement, Trigger, Warning } from "../model/document.js";
import type { FunctionPatch, FunctionVersionRecord } from "../sources/types.js";
import { canonicalJson } from "./canonical-json.js";
import { compareStrings } from "./merge.js";

function compareVersions(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  return Number.isFinite(na) && Number.isFinite(nb) ? na - nb : compareStrings(a, b);
}

export function foldVersions(functions: Map<string, LambdaFunction>, versions: readonly FunctionVersionRecord[], warnings: Warning[]): void {
  const byFunction = new Map<string, FunctionVersionRecord[]>();
  for (const v of versions) {
    const list = byFunction.get(v.functionArn) ?? [];
    list.push(v);
    byFunction.set(v.functionArn, list);
  }
  for (const [arn, list] of [...byFunction].sort(([a], [b]) => compareStrings(a, b))) {
    list.sort((a, b) => compareVersions(a.version, b.version));
    let fn = functions.get(arn);
    if (!fn) {
      // Only published versions were exported: describe the function by its newest version.
      const newest = list[list.length - 1]!;
      fn = { ...newest.config, versions: [] };
      functions.set(arn, fn);
      warnings.push({
        code: "no-latest-configuration",
        severity: "warning",
        message: `${arn}: only published versions are in the inputs; the function is described by version ${newest.version}`,
        ...(newest.config.source ? { file: newest.config.source.file } : {}),
      });
    }
    const base = fn;
    // Only versions whose frozen role differs from $LATEST are listed: they keep another role in use.
    const differing = list.filter((v) => v.roleArn !== base.roleArn).map((v) => ({ version: v.version, roleArn: v.roleArn }));
    const all = new Map([...base.versions, ...differing].map((v) => [v.version, v]));
    base.versions = [...all.values()].sort((a, b) => compareVersions(a.version, b.version));
  }
}

/** Resolve each patch to a function; unknown targets become warnings. */
export function applyPatches(functions: Map<string, LambdaFunction>, patches: readonly FunctionPatch[], warnings: Warning[], fileOf: (p: FunctionPatch) => string | undefined): void {
  const byNameRegion = new Map<string, LambdaFunction[]>();
  const byName = new Map<string, LambdaFunction[]>();
  for (const fn of functions.values()) {
    byName.set(fn.name, [...(byName.get(fn.name) ?? []), fn]);
    const key = `${fn.region}\u0000${fn.name}`;
    byNameRegion.set(key, [...(byNameRegion.get(key) ?? []), fn]);
  }
  const ordered = [...patches].sort((a, b) => compareStrings(fileOf(a) ?? "", fileOf(b) ?? "") || compareStrings(a.path, b.path));
  const policies = new Map<string, PolicyDocument[]>();
  const urls = new Map<string, FunctionUrl[]>();
  const find = (t: Pick<FunctionPatch, "functionArn" | "functionName" | "region">): LambdaFunction | undefined => {
    let fn = t.functionArn ? functions.get(t.functionArn) : undefined;
    if (!fn && t.functionName) {
      // By name: within the region when known; without a region (IaC), only when the name is unique.
      let candidates = t.region ? (byNameRegion.get(`${t.region}\u0000${t.functionName}`) ?? []) : (byName.get(t.functionName) ?? []);
      // A function from IaC whose region is not known before deployment (`unknown`, `${AWS::Region}`)
      // is in every region: a patch naming the region still joins it when the name is unique.
      if (candidates.length === 0 && t.region) candidates = (byName.get(t.functionName) ?? []).filter((f) => f.region === "unknown" || f.region.includes("${"));
      if (candidates.length === 1) fn = candidates[0];
    }
    return fn;
  };
  for (const original of ordered) {
    let patch = original;
    let fn = find(patch);
    // The path named no function the inputs have (a qualified policy saved as `name-alias.json`):
    // the function the data itself names.
    if (!fn && patch.otherwise) {
      fn = find(patch.otherwise);
      if (fn) patch = { ...patch, ...patch.otherwise };
    }
    if (!fn) {
      const file = fileOf(patch);
      warnings.push({
        code: "unknown-function",
        severity: "warning",
        message: `data about function ${patch.functionArn ?? `${patch.functionName ?? "?"} in ${patch.region ?? "an unknown region"}`}, which is not in the function inputs (add its list-functions output); ignored`,
        ...(file ? { file } : {}),
        ...(patch.path ? { path: patch.path } : {}),
      });
      continue;
    }
    const p = patch.patch;
    if (patch.qualifier && patch.qualifier !== "$LATEST" && !/^\d+$/.test(patch.qualifier) && !fn.aliases.includes(patch.qualifier)) {
      fn.aliases = [...fn.aliases, patch.qualifier].sort();
    }
    if (p.triggers) fn.triggers = mergeTriggers(fn.triggers, p.triggers);
    if (p.resourcePolicy) policies.set(fn.arn, [...(policies.get(fn.arn) ?? []), p.resourcePolicy]);
    if (p.functionUrl) urls.set(fn.arn, [...(urls.get(fn.arn) ?? []), p.functionUrl]);
    if (p.tags) fn.tags = Object.fromEntries(Object.entries({ ...p.tags, ...fn.tags }).sort(([a], [b]) => compareStrings(a, b)));
    if (p.destinations) {
      // The unqualified config is the function's own; a qualified one fills only what is missing.
      const unqualified = patch.qualifier === null;
      fn.destinations = {
        onSuccess: unqualified ? (p.destinations.onSuccess ?? fn.destinations.onSuccess) : (fn.destinations.onSuccess ?? p.destinations.onSuccess),
        onFailure: unqualified ? (p.destinations.onFailure ?? fn.destinations.onFailure) : (fn.destinations.onFailure ?? p.destinations.onFailure),
      };
    }
  }
  for (const [arn, docs] of policies) {
    const fn = functions.get(arn)!;
    // Statement locations index the function's own statements, which stay first unless duplicates go.
    if (fn.resourcePolicyStatementSources && new Set(fn.resourcePolicy?.Statement.map((s) => canonicalJson(s))).size !== (fn.resourcePolicy?.Statement.length ?? 0)) delete fn.resourcePolicyStatementSources;
    fn.resourcePolicy = mergePolicies(docs, fn.resourcePolicy);
  }
  for (const [arn, list] of urls) functions.get(arn)!.functionUrl = pickUrl([...list, ...(functions.get(arn)!.functionUrl ? [functions.get(arn)!.functionUrl!] : [])]);
}

function mergeTriggers(a: Trigger[], b: Trigger[]): Trigger[] {
  const byKey = new Map<string, Trigger>();
  for (const t of [...a, ...b]) byKey.set(t.uuid ?? canonicalJson(t), byKey.get(t.uuid ?? canonicalJson(t)) ?? t);
  return [...byKey.values()].sort((x, y) => compareStrings(x.eventSourceArn ?? "", y.eventSourceArn ?? "") || compareStrings(x.uuid ?? "", y.uuid ?? ""));
}

/**
 * A function and its aliases each have a resource policy: the union of their statements is what
 * can invoke the function in some form (the view a reviewer needs). Duplicates are removed.
 */
function mergePolicies(docs: PolicyDocument[], existing: PolicyDocument | null): PolicyDocument {
  const all = existing ? [existing, ...docs] : docs;
  if (all.length === 1) return all[0]!;
  const seen = new Set<string>();
  const statements: PolicyStatement[] = [];
  for (const d of all) {
    for (const s of d.Statement) {
      const key = canonicalJson(s);
      if (!seen.has(key)) {
        seen.add(key);
        statements.push(s);
      }
    }
  }
  const first = all[0]!;
  return { ...(first.Version ? { Version: first.Version } : {}), ...(first.Id ? { Id: first.Id } : {}), Statement: statements };
}

/** One URL per function in the model: the public one (NONE) if any qualifier has it, else the unqualified one. */
function pickUrl(list: FunctionUrl[]): FunctionUrl {
  return [...list].sort(
    (a, b) =>
      (a.authType === "NONE" ? 0 : 1) - (b.authType === "NONE" ? 0 : 1) ||
      (a.qualifier === null ? 0 : 1) - (b.qualifier === null ? 0 : 1) ||
      compareStrings(a.qualifier ?? "", b.qualifier ?? "") ||
      compareStrings(a.url ?? "", b.url ?? ""),
  )[0]!;
}
