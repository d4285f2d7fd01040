/**
 * Functions: published versions folded into their function, per-function data (resource policy,
 * triggers, URL, destinations, tags) attached, each by full ARN; by name and region only when the
 * file named the function by path (cloudmapper). Data about a function that is not in the inputs
 * is reported, not invented into a half-empty function.
 */

import type { AliasRoute, FunctionUrl, FunctionVersion, LambdaFunction, PolicyDocument, PolicyStatement, QualifiedDeliveryTarget, ResourcePolicyStatementOrigin, SourceLocation, Trigger, Warning } from "../model/document.js";
import type { FunctionPatch, FunctionVersionRecord } from "../sources/types.js";
import { isVersionQualifier } from "../sources/arns.js";
import { canonicalJson } from "./canonical-json.js";
import { compareStrings } from "./merge.js";
import { sortedUnion } from "../collections.js";
import { mappingOf, mskAccessSentence, mskAccessUnknown } from "./kafka-access.js";
import { namedInText } from "../deployment-account.js";

function compareVersions(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  return Number.isFinite(na) && Number.isFinite(nb) ? na - nb : compareStrings(a, b);
}

/**
 * Folds published versions into their function. Returns the versions the inputs hold of each
 * function (by unqualified ARN), listed in `versions` or not: an alias routing to one of them runs
 * with a known role, $LATEST's when it is not listed.
 */
export function foldVersions(functions: Map<string, LambdaFunction>, versions: readonly FunctionVersionRecord[], warnings: Warning[]): Map<string, Set<string>> {
  const read = new Map<string, Set<string>>();
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
    // Only versions whose frozen role, VPC or tracing differ from $LATEST's are listed: they keep
    // another role in use, or need ENI or X-Ray permissions $LATEST does not (and the reverse).
    const differing = list.map((v) => versionDifference(base, v)).filter((v): v is FunctionVersion => v !== null);
    const all = new Map([...base.versions, ...differing].map((v) => [v.version, v]));
    base.versions = [...all.values()].sort((a, b) => compareVersions(a.version, b.version));
    // A version keeps the dead-letter target it was published with: failed events of calls to it
    // (an alias pointing at it) go there, sent with the version's role.
    for (const v of list) {
      if (v.config.deadLetterTargetArn) addQualifiedDelivery(base, "dead-letter", v.config.deadLetterTargetArn, v.version, v.roleArn);
    }
    read.set(arn, new Set(list.map((v) => v.version)));
  }
  return read;
}

/** What a published version runs with that `$LATEST` does not; null when nothing differs. */
function versionDifference(latest: LambdaFunction, v: FunctionVersionRecord): FunctionVersion | null {
  const out: FunctionVersion = { version: v.version, roleArn: v.roleArn };
  if (canonicalJson(v.config.vpc) !== canonicalJson(latest.vpc)) out.vpc = v.config.vpc;
  if (v.config.tracingMode !== latest.tracingMode) out.tracingMode = v.config.tracingMode;
  return v.roleArn !== latest.roleArn || "vpc" in out || "tracingMode" in out ? out : null;
}

/** Records a delivery target of an alias or version (finishDeliveryTargets groups and sorts them). */
function addQualifiedDelivery(fn: LambdaFunction, kind: QualifiedDeliveryTarget["kind"], arn: string, qualifier: string, roleArn: string | null): void {
  (fn.qualifiedDeliveryTargets ??= []).push({ kind, arn, qualifiers: [qualifier], roleArn });
}

/**
 * The role a qualifier runs with: a published version's own (listed in `versions` when it differs
 * from $LATEST's, else $LATEST's); an alias points to a version the inputs do not name, so it is
 * $LATEST's only when no version in the inputs runs with another role.
 */
function roleOfQualifier(fn: LambdaFunction, qualifier: string, versionsRead: ReadonlyMap<string, Set<string>>): string | null {
  if (isVersionQualifier(qualifier)) return fn.versions.find((v) => v.version === qualifier)?.roleArn ?? fn.roleArn;
  // An alias whose routing is known (list-aliases): the role of the versions it routes to, when
  // the inputs hold them all and they share one.
  const route = fn.aliasRoutes?.find((r) => r.name === qualifier);
  if (route) {
    const roles = new Set(routedVersions(route).map((v) => roleOfVersion(fn, v, versionsRead)));
    return roles.size === 1 ? [...roles][0]! : null;
  }
  return fn.versions.every((v) => v.roleArn === fn.roleArn) ? fn.roleArn : null;
}

/** The versions an alias routes calls to: the one it points to, then the weighted one(s). */
export function routedVersions(route: AliasRoute): string[] {
  return [route.functionVersion, ...Object.keys(route.additionalVersionWeights ?? {}).filter((v) => v !== route.functionVersion)];
}

/**
 * The execution role a version runs with: $LATEST's (`$LATEST`, or a version the inputs hold whose
 * role is the same), a listed version's own; null when the inputs do not hold the version.
 */
function roleOfVersion(fn: LambdaFunction, version: string, versionsRead: ReadonlyMap<string, Set<string>>): string | null {
  if (version === "$LATEST") return fn.roleArn;
  const listed = fn.versions.find((v) => v.version === version);
  if (listed) return listed.roleArn;
  return versionsRead.get(fn.arn)?.has(version) === true ? fn.roleArn : null;
}

/**
 * An alias that routes calls to a version the inputs do not hold (list-functions without
 * `--function-version ALL`, no list-versions-by-function): the role that version runs with is not
 * known, so a role only it runs with can be taken for unused (LR016) and what the alias's invoke
 * config sends is not checked. Said, naming the alias and the versions; returns those versions'
 * ARNs (the account's functionCoverage.versionsUnread, which holds LR016 back).
 */
export function aliasRouteWarnings(fn: LambdaFunction, versionsRead: ReadonlyMap<string, Set<string>>, warnings: Warning[]): string[] {
  const unread = new Set<string>();
  for (const route of fn.aliasRoutes ?? []) {
    const unknown = routedVersions(route).filter((v) => roleOfVersion(fn, v, versionsRead) === null);
    if (unknown.length === 0) continue;
    for (const v of unknown) unread.add(`${fn.arn}:${v}`);
    const file = fn.source?.file;
    warnings.push({
      code: "alias-version-not-in-inputs",
      severity: "warning",
      ...(file ? { file } : {}),
      message: `${namedInText(fn)}: alias ${route.name} routes calls to version ${unknown.join(" and ")}, which the inputs do not hold: the execution role it runs with is not known, so LR016 reports a role no function in the inputs uses only at low, saying so; give the function's versions (aws lambda list-versions-by-function, or list-functions --function-version ALL)`,
    });
  }
  return [...unread];
}

const DELIVERY_LABEL: { [k in QualifiedDeliveryTarget["kind"]]: string } = { "dead-letter": "dead-letter target", "on-success": "on-success destination", "on-failure": "on-failure destination" };

/**
 * After versions and patches: the qualified delivery targets grouped by target and role (one entry
 * lists every qualifier), without those that are $LATEST's own with the same role, sorted; the
 * field removed when none is left. A target sent with another role than the function's, or an
 * unknown one, is not checked against the function's role: said in a warning.
 */
export function finishDeliveryTargets(fn: LambdaFunction, warnings: Warning[]): void {
  if (!fn.qualifiedDeliveryTargets) return;
  const latest = (kind: QualifiedDeliveryTarget["kind"]) => (kind === "dead-letter" ? fn.deadLetterTargetArn : kind === "on-success" ? fn.destinations.onSuccess : fn.destinations.onFailure);
  const groups = new Map<string, QualifiedDeliveryTarget>();
  for (const t of fn.qualifiedDeliveryTargets) {
    if (t.arn === latest(t.kind) && t.roleArn === fn.roleArn) continue;
    const key = canonicalJson([t.kind, t.arn, t.roleArn]);
    const g = groups.get(key);
    if (g) g.qualifiers = [...new Set([...g.qualifiers, ...t.qualifiers])];
    else groups.set(key, { ...t, qualifiers: [...t.qualifiers] });
  }
  const list = [...groups.values()]
    .map((g) => ({ ...g, qualifiers: g.qualifiers.sort(compareQualifiers) }))
    .sort((a, b) => compareStrings(a.kind, b.kind) || compareStrings(a.arn, b.arn) || compareStrings(a.roleArn ?? "", b.roleArn ?? ""));
  if (list.length === 0) delete fn.qualifiedDeliveryTargets;
  else fn.qualifiedDeliveryTargets = list;
  for (const t of list) {
    if (t.roleArn === fn.roleArn) continue;
    const which = t.qualifiers.map((q) => (isVersionQualifier(q) ? `version ${q}` : `alias ${q}`)).join(", ");
    const file = fn.source?.file;
    warnings.push({
      code: "delivery-role-not-checked",
      severity: "warning",
      ...(file ? { file } : {}),
      message:
        t.roleArn === null
          ? `${namedInText(fn)}: the ${DELIVERY_LABEL[t.kind]} ${t.arn} of ${which}: which role the alias runs with is not known (versions of the function run with different roles), so no rule checks that it may send there, and a generated policy leaves it out`
          : `${namedInText(fn)}: the ${DELIVERY_LABEL[t.kind]} ${t.arn} of ${which} is sent with that version's role ${t.roleArn}, not the function's: no rule checks it, and a generated policy for the function leaves it out`,
    });
  }
}

/**
 * An Amazon MSK mapping that names no SASL/SCRAM or mTLS secret reads its cluster with IAM access
 * control or unauthenticated, and only the cluster says which (kafka-access.ts): unless the inputs
 * define the cluster (`kafkaAccess`), the kafka-cluster permissions IAM access control needs of the
 * role, its Kafka on-failure topic's included, are not required, and a warning says so. Before, nothing did, and a `kafka://` on-failure destination
 * was dropped without a word.
 */
export function kafkaAccessWarnings(fn: LambdaFunction, warnings: Warning[]): void {
  const file = fn.source?.file;
  for (const t of fn.triggers) {
    const unknown = mskAccessUnknown(t);
    if (unknown === null) continue;
    warnings.push({
      code: "kafka-access-not-checked",
      severity: "warning",
      ...(file ? { file } : {}),
      message: `${namedInText(fn)}: ${mappingOf(t)} ${mskAccessSentence(unknown)}: no rule checks them, and a generated policy leaves them out`,
    });
  }
}

/** Published versions first, by number; then aliases by name. */
function compareQualifiers(a: string, b: string): number {
  const va = isVersionQualifier(a);
  const vb = isVersionQualifier(b);
  if (va !== vb) return va ? -1 : 1;
  return va ? compareVersions(a, b) : compareStrings(a, b);
}

/** Resolve each patch to a function; unknown targets become warnings. */
export function applyPatches(
  functions: Map<string, LambdaFunction>,
  patches: readonly FunctionPatch[],
  warnings: Warning[],
  fileOf: (p: FunctionPatch) => string | undefined,
  versionsRead: ReadonlyMap<string, Set<string>> = new Map(),
): void {
  const byNameRegion = new Map<string, LambdaFunction[]>();
  const byName = new Map<string, LambdaFunction[]>();
  for (const fn of functions.values()) {
    byName.set(fn.name, [...(byName.get(fn.name) ?? []), fn]);
    const key = `${fn.region}\u0000${fn.name}`;
    byNameRegion.set(key, [...(byNameRegion.get(key) ?? []), fn]);
  }
  const ordered = [...patches].sort((a, b) => compareStrings(fileOf(a) ?? "", fileOf(b) ?? "") || compareStrings(a.path, b.path));
  const policies = new Map<string, QualifiedPolicy[]>();
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
  // Aliases' routing first: an alias's invoke config, in any file, is sent with the role of the
  // versions the alias routes to (roleOfQualifier). The first file's, in file order, for an alias
  // two files configure.
  for (const original of ordered) {
    const route = original.patch.aliasRoute;
    if (!route) continue;
    const fn = find(original) ?? (original.otherwise ? find(original.otherwise) : undefined);
    if (!fn || fn.aliasRoutes?.some((r) => r.name === route.name)) continue;
    fn.aliasRoutes = [...(fn.aliasRoutes ?? []), route].sort((a, b) => compareStrings(a.name, b.name));
  }
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
    // A version is no alias, a template's `${Version.Version}` included (isVersionQualifier): the
    // CloudFormation reader says so of the functions it defines, and so must the join of the ones
    // it only names. Before, an invoke config on `!GetAtt Version.Version` of a function outside
    // the template listed `${Version.Version}` among the function's aliases.
    if (patch.qualifier && patch.qualifier !== "$LATEST" && !isVersionQualifier(patch.qualifier) && !fn.aliases.includes(patch.qualifier)) {
      fn.aliases = [...fn.aliases, patch.qualifier].sort();
    }
    if (p.triggers) fn.triggers = mergeTriggers(fn.triggers, p.triggers);
    if (p.resourcePolicy) {
      const qualifier = patch.qualifier === "$LATEST" ? null : patch.qualifier;
      policies.set(fn.arn, [...(policies.get(fn.arn) ?? []), { document: p.resourcePolicy, qualifier, sources: p.resourcePolicyStatementSources ?? null, part: p.resourcePolicyPart === true }]);
    }
    // A Config rule of another file (a template that names a deployed function's ARN) is as much the function's.
    if (p.configRules) fn.configRules = sortedUnion(fn.configRules, p.configRules);
    if (p.functionUrl) urls.set(fn.arn, [...(urls.get(fn.arn) ?? []), p.functionUrl]);
    if (p.tags) fn.tags = Object.fromEntries(Object.entries({ ...p.tags, ...fn.tags }).sort(([a], [b]) => compareStrings(a, b)));
    if (p.destinations) {
      if (patch.qualifier === null || patch.qualifier === "$LATEST") {
        fn.destinations = { onSuccess: p.destinations.onSuccess ?? fn.destinations.onSuccess, onFailure: p.destinations.onFailure ?? fn.destinations.onFailure };
      } else {
        // An alias's or version's own event invoke config: its destinations are as much the
        // role's requirements as $LATEST's (asynchronous calls to `live` deliver there).
        const role = roleOfQualifier(fn, patch.qualifier, versionsRead);
        if (p.destinations.onSuccess) addQualifiedDelivery(fn, "on-success", p.destinations.onSuccess, patch.qualifier, role);
        if (p.destinations.onFailure) addQualifiedDelivery(fn, "on-failure", p.destinations.onFailure, patch.qualifier, role);
      }
    }
  }
  for (const [arn, docs] of policies) {
    const fn = functions.get(arn)!;
    mergePolicies(fn, wholePoliciesFirst(fn, docs));
  }
  // Every function, not only those with URL files: a template can declare two URLs of one qualifier.
  for (const fn of functions.values()) fn.functionUrls = functionUrlsOf([...fn.functionUrls, ...(urls.get(fn.arn) ?? [])]);
}

function mergeTriggers(a: Trigger[], b: Trigger[]): Trigger[] {
  const byKey = new Map<string, Trigger>();
  for (const t of [...a, ...b]) byKey.set(t.uuid ?? canonicalJson(t), byKey.get(t.uuid ?? canonicalJson(t)) ?? t);
  return [...byKey.values()].sort((x, y) => compareStrings(x.eventSourceArn ?? "", y.eventSourceArn ?? "") || compareStrings(x.uuid ?? "", y.uuid ?? ""));
}

/** A resource policy read from a file: the function's own (qualifier null) or an alias's or version's. */
interface QualifiedPolicy {
  document: PolicyDocument;
  qualifier: string | null;
  sources: (SourceLocation | null)[] | null;
  /** One statement of the policy (add-permission output), not the whole. */
  part: boolean;
}

/**
 * The policies to merge: a statement add-permission printed is left out when the whole policy of
 * its qualifier was read (get-policy, or the function's own record for the unqualified function),
 * as the whole policy is the later word: a permission removed since must not come back.
 */
function wholePoliciesFirst(fn: LambdaFunction, docs: QualifiedPolicy[]): QualifiedPolicy[] {
  const whole = new Set(docs.filter((d) => !d.part).map((d) => d.qualifier));
  if (fn.resourcePolicy) whole.add(null);
  return docs.filter((d) => !d.part || !whole.has(d.qualifier));
}

/**
 * A function and its aliases each have a resource policy: the union of their statements is what
 * can invoke the function in some form (the view a reviewer needs). Duplicates are removed, the
 * first kept. Each statement keeps where it came from: whose policy and at which index
 * (`resourcePolicyStatementOrigins`, so a finding names `live`'s Statement[0], not the union's
 * Statement[1]) and its file (`resourcePolicyStatementSources`).
 */
function mergePolicies(fn: LambdaFunction, docs: QualifiedPolicy[]): void {
  const entries: Array<{ statement: PolicyStatement; origin: ResourcePolicyStatementOrigin; source: SourceLocation | null }> = [];
  const own = fn.resourcePolicy;
  own?.Statement.forEach((statement, i) =>
    entries.push({ statement, origin: fn.resourcePolicyStatementOrigins?.[i] ?? { qualifier: null, index: i }, source: fn.resourcePolicyStatementSources?.[i] ?? null }),
  );
  for (const d of docs) d.document.Statement.forEach((statement, i) => entries.push({ statement, origin: { qualifier: d.qualifier, index: i }, source: d.sources?.[i] ?? null }));
  const seen = new Set<string>();
  const kept = entries.filter((e) => {
    const key = canonicalJson(e.statement);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const first = own ?? docs[0]!.document;
  fn.resourcePolicy = { ...(first.Version ? { Version: first.Version } : {}), ...(first.Id ? { Id: first.Id } : {}), Statement: kept.map((e) => e.statement) };
  if (kept.some((e, i) => e.origin.qualifier !== null || e.origin.index !== i)) fn.resourcePolicyStatementOrigins = kept.map((e) => e.origin);
  else delete fn.resourcePolicyStatementOrigins;
  if (kept.some((e) => e.source !== null)) fn.resourcePolicyStatementSources = kept.map((e) => e.source);
  else delete fn.resourcePolicyStatementSources;
}

/**
 * A function's URLs, one per qualifier (Lambda allows one for the unqualified function and one per
 * alias), the unqualified first. Of two descriptions of one qualifier's URL (two files, one stale),
 * the public one (NONE) is kept, then the one giving the address: whatever the files' order.
 */
export function functionUrlsOf(list: readonly FunctionUrl[]): FunctionUrl[] {
  const byQualifier = new Map<string, FunctionUrl>();
  for (const given of list) {
    const url = given.qualifier === "$LATEST" ? { ...given, qualifier: null } : given;
    const had = byQualifier.get(url.qualifier ?? "");
    if (had === undefined || preferredUrl(url, had) < 0) byQualifier.set(url.qualifier ?? "", url);
  }
  return [...byQualifier.values()].sort((a, b) => (a.qualifier === null ? 0 : 1) - (b.qualifier === null ? 0 : 1) || compareStrings(a.qualifier ?? "", b.qualifier ?? ""));
}

function preferredUrl(a: FunctionUrl, b: FunctionUrl): number {
  return (a.authType === "NONE" ? 0 : 1) - (b.authType === "NONE" ? 0 : 1) || (a.url !== null ? 0 : 1) - (b.url !== null ? 0 : 1) || compareStrings(a.url ?? "", b.url ?? "");
}
