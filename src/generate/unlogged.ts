/**
 * Actions the trail may not show: kept as today's policy grants them.
 *
 * - Data events (S3 object, DynamoDB item, Lambda Invoke, SQS message …): CloudTrail logs them only
 *   for the resources its data-event selectors cover (CloudTrail user guide, "Logging data events"),
 *   and an advanced selector may log only reads or only writes of them (`readOnly` true or false).
 *   A trail with S3 data events for some buckets says nothing of DynamoDB, nor of another bucket.
 *   So, unless the user stated that data events are logged for every resource
 *   (`usage.dataEventsLogged`, coverage `logged`), or the trail's event selectors log the action's
 *   resource type for every resource (coverage `dataEventSelectors`), the absence of a data-event
 *   call proves nothing: leaving the action out could break the function (billing-sync's daily
 *   dynamodb:Query on a trail whose selectors cover S3 only). What the logs do prove is narrower:
 *   a call of the function on a resource (an S3 bucket's objects, a table, a queue, a function …)
 *   shows that calls of its read/write class there are logged (selectors filter on the resource and
 *   on readOnly). So each of today's grants of a data-event action is kept, on today's resources,
 *   unless it lies within such a resource where a call of the same class was seen (or within the
 *   object prefixes the selectors log in full); a grant on `*` or a wildcard that reaches beyond
 *   the resources seen cannot be split, and is kept whole. Before, one data-event call of a service
 *   had every data-event action of that service the function was not seen calling left out, on
 *   every resource: s3:GetObject seen on one bucket dropped s3:PutObject on all of them.
 * - Management events the trail's selectors leave out (src/usage/trail-gaps.ts): on an account
 *   whose logs hold no read event (a write-only trail), every action CloudTrail may record as a
 *   read; no write event (a read-only trail), every other action; no AWS KMS event (KMS events
 *   excluded), every kms action; no management event at all (a data-events trail), all of them.
 * - Actions CloudTrail never records (src/usage/not-logged.ts: execute-api, OpenSearch HTTP,
 *   rds-db:connect …) and those AWS does not document: kept whatever the trail logs. The Lambda
 *   service's own log writes are not among them: the function's requirements grant those.
 *
 * Each such action the role grants today and the function was not seen calling (for data events:
 * on that resource) is kept on the resources (and under the conditions) today's Allow statements
 * grant it on, with provenance `not-logged` and a warning naming them. Which actions the role
 * grants is the IAM engine's answer (unconditional Deny and the permissions boundary taken into
 * account, as for the usage labels); statements granting through NotResource cannot be carried
 * over narrowly and are named instead of being widened to `*`.
 */

import type { CanonicalDocument, PolicyStatement, Role } from "../model/document.js";
import type { ActionUsage, DataEventTypeCoverage } from "../model/usage.js";
import { DATA_EVENT_ACTIONS, dataEventClassOf, dataEventTypeOf, isDataEventAction, isUnconfirmedAction, NOT_LOGGED, NOT_LOGGED_SERVICES, notLoggedReason, UNCONFIRMED_ACTIONS } from "../usage/not-logged.js";
import type { CurrentPolicy } from "./current-policies.js";
import { ActionSet, actionApplies, allowedActionSet, arnMatches, instantOf, serviceOf, type ActionCatalog } from "./iam.js";
import type { ActionInfo } from "../iam/catalog.js";
import { mayBeReadEvent, trailGapReasons, type TrailGapReasons } from "../usage/trail-gaps.js";
import { isS3ObjectAction, loggedPrefixesFor } from "../usage/data-event-scope.js";
import type { Grant, Provenance } from "./types.js";

/** Made by the Lambda service with the execution role, and granted by the function's requirements. */
const SERVICE_MADE = new Set(["logs:createloggroup", "logs:createlogstream", "logs:putlogevents"]);

/** Never recorded by CloudTrail, whatever the trail logs (the patterns, for the catalog). */
const NEVER_LOGGED_PATTERNS = [...Object.keys(NOT_LOGGED).filter((a) => !SERVICE_MADE.has(a)), ...Object.keys(NOT_LOGGED_SERVICES).map((svc) => `${svc}:*`)];

const UNKNOWN_CALLS_REASON = "the function's calls counted as";
export const NOT_LOGGED_REASON = "data event the trail may not log for every resource: kept as today's policy grants it";
const READ_NOT_LOGGED_REASON = "read event the trail does not log (no read event in the account's logs): kept as today's policy grants it";
const KMS_NOT_LOGGED_REASON = "AWS KMS event the trail does not log (no KMS event in the account's logs): kept as today's policy grants it";
const WRITE_NOT_LOGGED_REASON = "write event the trail does not log (a trail of reads or of data events only): kept as today's policy grants it";

export interface UnloggedDataEvents {
  grants: Grant[];
  /** Data-event (and undocumented) actions kept (granted today, not seen), sorted. */
  kept: string[];
  /** Data-event actions seen called, also kept on today's resources the logs cannot show to be logged for them, sorted. */
  keptBeyondSeen: string[];
  /** Actions CloudTrail never records, kept (granted today), sorted. */
  neverLogged: string[];
  /** Management-event actions the account's trail leaves out (trail-gaps.ts), kept, sorted. */
  managementNotLogged: string[];
  /** Actions granted today only through NotResource: not kept, named. */
  notResource: string[];
  /**
   * What the function's own data-event calls show logged, where that left one of today's grants
   * out (`s3 reads on arn:aws:s3:::bucket-a/*`, `dynamodb writes on arn:aws:dynamodb:…:table/x`),
   * sorted. Only where no selectors log the type for every resource.
   */
  judgedLogged: string[];
  /** Grants kept whole (`s3:PutObject on *`) although the logs show calls of their class on some of what they grant: a wildcard cannot be split. Sorted. */
  unsplit: string[];
  /** Actions kept because the function made calls of their service that map to no catalog action (named in the unknown-action warning), sorted. */
  unknownKept: string[];
}

const NONE: UnloggedDataEvents = { grants: [], kept: [], keptBeyondSeen: [], neverLogged: [], managementNotLogged: [], notResource: [], judgedLogged: [], unsplit: [], unknownKept: [] };

/** Whether the usage lets a data-event action the logs do not show be left out of the policy. */
export function dataEventsLoggedEverywhere(document: CanonicalDocument): boolean {
  return document.usage.coverage.dataEvents === "logged";
}

/**
 * Whether the document's usage may miss calls of `action` because it is a data event (or one AWS
 * does not say CloudTrail records, treated as one: not-logged.ts) that the trail may not log for
 * every resource: neither are data events logged for every resource (`dataEventsLogged`, coverage
 * `logged`) nor do the trails' event selectors log every call of its type (selectorsLogEveryCall).
 * False for any other action. What `generate` keeps a grant for (NOT_LOGGED_REASON), and what
 * `diff` asks of a denied call LR009 no longer reports (src/audit/diff.ts).
 */
export function dataEventUnlogged(document: CanonicalDocument, catalog: ActionCatalog): (action: string) => boolean {
  const loggedEverywhere = dataEventsLoggedEverywhere(document);
  const selected = new Map((document.usage.coverage.dataEventSelectors ?? []).map((t) => [t.type, t] as const));
  return (action) => {
    const lower = action.toLowerCase();
    if (!(isDataEventAction(lower) || isUnconfirmedAction(lower))) return false;
    if (loggedEverywhere) return false;
    const type = dataEventTypeOf(lower);
    return !selectorsLogEveryCall(type === null ? undefined : selected.get(type), lower, catalog);
  };
}

/** A data-event action's read/write class as CloudTrail's `readOnly` gives it (usage/not-logged.ts); null when not known. */
export function dataEventClass(action: string, accessLevel: string | null): "read" | "write" | null {
  return dataEventClassOf(action, accessLevel);
}

/**
 * A resource a selector names that a call shows logged: an S3 object call, its bucket's objects
 * (`arn:aws:s3:::bucket/`, a prefix; a selector's narrowest usual value, and the object ARN's
 * bucket is the unit the selector docs use); any other call, its resource itself (a table, a
 * queue, a function, a bucket for ListBucket), matched exactly.
 */
interface Unit {
  arn: string;
  prefix: boolean;
}

const S3_ARN = /^(arn:aws(?:-[a-z-]+)?:s3:::)([^/*?$]+)(\/[^]*)?$/;

function unitOfCall(lowerAction: string, arn: string): Unit | null {
  const m = S3_ARN.exec(arn);
  if (m !== null) {
    // The bucket a record lists beside the object belongs to the object call: its objects' unit.
    if (isS3ObjectAction(lowerAction)) return { arn: `${m[1]}${m[2]}/`, prefix: true };
    return m[3] === undefined ? { arn, prefix: false } : null;
  }
  // An ARN with a wildcard (a usage prefix) or a variable's text names no one resource.
  return /^arn:[^*?$]+$/.test(arn) ? { arn, prefix: false } : null;
}

function within(pattern: string, unit: Unit): boolean {
  return unit.prefix ? pattern.startsWith(unit.arn) : pattern === unit.arn;
}

/** Whether the grant's pattern may match something inside the unit (said in the warning when it is kept whole). */
function reaches(pattern: string, unit: Unit): boolean {
  return arnMatches(pattern, unit.prefix ? `${unit.arn}x` : unit.arn);
}

/**
 * The units of a call's resources: its sample, and a truncated sample's parents (usage/parents.ts).
 * Those of the calls that were not denied only, as for the grants (observed.ts): a resource seen
 * only in denied calls changes nothing in the policy, neither granting nor leaving out.
 */
function unitsOfCalls(u: ActionUsage): Unit[] {
  const lower = u.action.toLowerCase();
  const sample = u.authorized ?? u;
  const arns = [...sample.resources];
  for (const p of sample.resourcesTruncated ? (sample.resourceParents ?? []) : []) {
    // A parent's prefix is a resource only when single; an object prefix still names its bucket.
    if (p.single || (isS3ObjectAction(lower) && S3_ARN.exec(p.prefix)?.[3] !== undefined)) arns.push(p.prefix);
  }
  return arns.map((a) => unitOfCall(lower, a)).filter((x): x is Unit => x !== null);
}

/**
 * Selector limits that filter on the resource or on readOnly only: with them, a call seen on a
 * resource still shows its class logged there. Any other (`eventName`, `userIdentity.arn` …)
 * logs some calls of a resource and not others, so a call seen proves nothing of another action.
 */
const RESOURCE_OR_CLASS_LIMIT = /^(reads only|writes only|\d+ resource ARN prefix|resources\.ARN )/;

/** A selector limit naming resources (basic DataResource values, advanced resources.ARN). */
const RESOURCE_LIMIT = /^(\d+ resource ARN prefix|resources\.ARN )/;

function observationJudges(said: DataEventTypeCoverage | undefined, lower: string): boolean {
  if (said === undefined) return true;
  if (!said.limits.every((l) => RESOURCE_OR_CLASS_LIMIT.test(l))) return false;
  // S3 objects the selectors log under some ARNs only (a key prefix, an EndsWith, a NotStartsWith):
  // a call under one of them says nothing of the rest of its bucket, so the bucket is no unit.
  // What those selectors do log in full is said.prefixes, judged on its own (provenBy).
  return !(isS3ObjectAction(lower) && said.limits.some((l) => RESOURCE_LIMIT.test(l)));
}

/**
 * Whether the selectors show every call of the action on every resource: its type is logged for
 * every resource, or its class is (`loggedEverywhere`: a write-only trail's writes) and CloudTrail
 * records the action in that class (an action whose class is not known needs both).
 */
export function selectorsLogEveryCall(said: DataEventTypeCoverage | undefined, lower: string, catalog: ActionCatalog): boolean {
  if (said === undefined) return false;
  if (said.logged === "all") return true;
  if (said.loggedEverywhere === undefined) return false;
  const cls = dataEventClass(lower, catalog.accessLevel(lower));
  return cls !== null && `${cls}s` === said.loggedEverywhere;
}

/**
 * The data-event grants to keep for a function of `role` that was seen calling `observed`
 * (lower-case action names with successful calls; `calls`, its usage records in the window, whose
 * successful calls show what the trail logs). None when the usage is absent (the policy is then configuration
 * only, as said by `usage-absent`) or data events are logged everywhere.
 */
export function unloggedDataEventGrants(
  document: CanonicalDocument,
  role: Role | undefined,
  current: readonly CurrentPolicy[],
  observed: ReadonlySet<string>,
  catalog: ActionCatalog,
  calls: readonly ActionUsage[],
): UnloggedDataEvents {
  if (role === undefined || !document.usage.present) return NONE;
  const unloggedData = dataEventUnlogged(document, catalog);
  const gaps = trailGapReasons(document.usage.coverage.managementEvents).get(role.accountId) ?? NO_GAPS;
  // What the trails' selectors log of the action's data-event type, when they name it: `all`, every
  // call is in the logs; `some`, a call may be missing (bar the object prefixes logged in full).
  const selected = new Map((document.usage.coverage.dataEventSelectors ?? []).map((t) => [t.type, t] as const));
  const saidOf = (lower: string): DataEventTypeCoverage | undefined => {
    const type = dataEventTypeOf(lower);
    return type === null ? undefined : selected.get(type);
  };
  // What the function's own data-event calls show logged: per class (read, write), and per action
  // (its own calls, whatever its class). Undocumented actions prove only their own.
  const byClass = new Map<string, Map<string, Unit>>();
  const byAction = new Map<string, Map<string, Unit>>();
  const note = (m: Map<string, Map<string, Unit>>, key: string, unit: Unit) => {
    let units = m.get(key);
    if (units === undefined) m.set(key, (units = new Map()));
    units.set(`${unit.prefix ? "p" : "e"}${unit.arn}`, unit);
  };
  for (const u of calls) {
    const lower = u.action.toLowerCase();
    if (u.count <= u.deniedCount || !(isDataEventAction(lower) || isUnconfirmedAction(lower))) continue;
    const cls = dataEventClass(lower, catalog.accessLevel(lower));
    for (const unit of unitsOfCalls(u)) {
      note(byAction, lower, unit);
      if (cls !== null) note(byClass, `${serviceOf(lower)} ${cls}s`, unit);
    }
  }
  /** What shows calls of `lower` on the pattern logged (as said in the warning), or null. */
  const provenBy = (lower: string, pattern: string): string | null => {
    const said = saidOf(lower);
    if (said !== undefined && isS3ObjectAction(lower) && loggedPrefixesFor(said, dataEventClass(lower, catalog.accessLevel(lower))).some((p) => pattern.startsWith(p))) return "";
    if (!observationJudges(said, lower)) return null;
    for (const unit of byAction.get(lower)?.values() ?? []) if (within(pattern, unit)) return `${catalog.action(lower)?.action ?? lower} calls on ${shown(unit)}`;
    const cls = dataEventClass(lower, catalog.accessLevel(lower));
    if (cls === null) return null;
    const key = `${serviceOf(lower)} ${cls}s`;
    for (const unit of byClass.get(key)?.values() ?? []) if (within(pattern, unit)) return `${key} on ${shown(unit)}`;
    return null;
  };
  /** Whether a kept pattern reaches into a unit whose calls of the action's class are logged. */
  const reachesProven = (lower: string, pattern: string): boolean => {
    const said = saidOf(lower);
    if (said !== undefined && isS3ObjectAction(lower) && loggedPrefixesFor(said, dataEventClass(lower, catalog.accessLevel(lower))).some((p) => reaches(pattern, { arn: p, prefix: true }))) return true;
    if (!observationJudges(said, lower)) return false;
    const cls = dataEventClass(lower, catalog.accessLevel(lower));
    const units = [...(byAction.get(lower)?.values() ?? []), ...(cls === null ? [] : (byClass.get(`${serviceOf(lower)} ${cls}s`)?.values() ?? []))];
    return units.some((u) => reaches(pattern, u));
  };
  // Why an action the logs may not show is kept (null: the logs would show it, so it is left out).
  // A data event's is per grant (provenBy), below.
  const unseenReason = (a: string): string | null => {
    const lower = a.toLowerCase();
    if (isDataEventAction(lower) || isUnconfirmedAction(lower)) return unloggedData(lower) ? NOT_LOGGED_REASON : null;
    if (observed.has(lower)) return null;
    const never = notLoggedReason(lower);
    if (never !== null) return `${never}: kept as today's policy grants it`;
    if (gaps.kms !== null && lower.startsWith("kms:")) return KMS_NOT_LOGGED_REASON;
    const read = mayBeReadEvent(lower, catalog.accessLevel(lower));
    if (gaps.reads !== null && read) return READ_NOT_LOGGED_REASON;
    if (gaps.writes !== null && !read && !SERVICE_MADE.has(lower)) return WRITE_NOT_LOGGED_REASON;
    return null;
  };
  // Calls mapped to no action the catalog knows (a newer API, an event name that is not its
  // action's): which of their service's permissions authorised them is not known (the usage
  // labels say unknowable, labels.ts unknownCalls), so today's grants of that service are kept.
  // Before, the permission that authorised such a call was left out of the policy.
  const unknown = new Map<string, string[]>();
  for (const u of calls) {
    if (catalog.action(u.action) !== null) continue;
    const svc = serviceOf(u.action);
    unknown.set(svc, [...(unknown.get(svc) ?? []), u.action]);
  }
  const unknownReason = (lower: string): string | null => {
    const names = unknown.get(serviceOf(lower));
    return names === undefined || observed.has(lower) ? null : `${UNKNOWN_CALLS_REASON} ${[...new Set(names)].sort().join(", ")} are of no action the catalog knows, and may be authorised by this one: kept as today's policy grants it`;
  };
  const granted = grantedInvisibleActions(document, role, catalog, gaps, [...unknown.keys()].sort()).flatMap((a) => {
    const reason = unseenReason(a) ?? unknownReason(a.toLowerCase());
    return reason === null ? [] : [[a, reason] as const];
  });
  if (granted.length === 0) return NONE;
  const grants: Grant[] = [];
  const kept: string[] = [];
  const keptBeyondSeen: string[] = [];
  const neverLogged: string[] = [];
  const managementNotLogged: string[] = [];
  const notResource: string[] = [];
  const unknownKept: string[] = [];
  const judged = new Set<string>();
  const unsplit = new Set<string>();
  for (const [action, reason] of granted) {
    const lower = action.toLowerCase();
    const statements = allowing(current, action);
    const usable = statements.filter((st) => st.Resource !== undefined);
    if (usable.length === 0) {
      if (statements.length > 0 && !observed.has(lower)) notResource.push(action);
      continue;
    }
    const provenance: Provenance[] = [{ kind: "not-logged", reason }];
    const info = catalog.action(action);
    const dataEvent = reason === NOT_LOGGED_REASON;
    const carried: Grant[] = [];
    let provenAny = false;
    for (const st of usable) {
      for (const resource of st.Resource ?? []) {
        // A grant that can match none of the action's resources is dead today and left out:
        // `s3:*` on `bucket/*` carries ListBucket over on an object ARN otherwise.
        if (info !== null && !canMatchSomeType(info, resource)) continue;
        if (dataEvent) {
          const by = provenBy(lower, resource);
          if (by !== null) {
            provenAny = true;
            if (by !== "") judged.add(by);
            continue;
          }
          if (reachesProven(lower, resource)) unsplit.add(`${action} on ${resource}`);
        }
        const g: Grant = { action, resource, scoping: "as-configured", provenance };
        if (st.Condition !== undefined) g.condition = st.Condition;
        carried.push(g);
      }
    }
    // Granted today on nothing it can match (or only where the logs show its calls): not kept, so
    // not named as kept either; a NotResource grant beside them is named, as it is not carried.
    if (carried.length === 0) {
      if (dataEvent && provenAny && usable.length < statements.length && !observed.has(lower)) notResource.push(action);
      continue;
    }
    grants.push(...carried);
    (reason.startsWith(UNKNOWN_CALLS_REASON) ? unknownKept : notLoggedReason(action) !== null ? neverLogged : reason === READ_NOT_LOGGED_REASON || reason === WRITE_NOT_LOGGED_REASON || reason === KMS_NOT_LOGGED_REASON ? managementNotLogged : observed.has(lower) ? keptBeyondSeen : kept).push(action);
  }
  return {
    grants,
    kept: kept.sort(),
    keptBeyondSeen: keptBeyondSeen.sort(),
    neverLogged: neverLogged.sort(),
    managementNotLogged: managementNotLogged.sort(),
    notResource: notResource.sort(),
    judgedLogged: [...judged].sort(),
    unsplit: [...unsplit].sort(),
    unknownKept: unknownKept.sort(),
  };
}

/** A unit as the warning names it: a bucket's objects as `arn:aws:s3:::bucket/*`. */
function shown(unit: Unit): string {
  return unit.prefix ? `${unit.arn}*` : unit.arn;
}

/**
 * Can `resource` (a statement's Resource, wildcards allowed) match an ARN the action is authorised
 * on? False only where that is certain: an action that takes only `*` named on anything else, and
 * S3's bucket and object types, whose names are told apart by the "/" a bucket name cannot hold
 * (`bucket/*` names no bucket; `bucket`, without wildcard or "/", no object), and which alone
 * have ARNs without region and account. Every other case is kept: carrying a grant over must never
 * lose one the function may use.
 */
export function canMatchSomeType(info: ActionInfo, resource: string): boolean {
  if (resource === "*") return true;
  if (!info.supportsResourceLevelPermissions) return false;
  const m = /^arn:[^:]*:s3:::(.*)$/.exec(resource);
  if (m === null) return true;
  const rest = m[1] as string;
  // `:::` names no region and no account: only the types whose ARNs have none (bucket, object)
  // can match it, not an access point's (`arn:aws:s3:<region>:<account>:accesspoint/…`).
  return info.resourceTypes.some((t) => {
    if (!t.arnFormats.some((f) => f.startsWith("arn:${Partition}:s3:::"))) return false;
    if (t.name === "bucket") return !rest.includes("/");
    if (t.name === "object") return rest.includes("/") || rest.includes("*");
    return true;
  });
}

/** Today's Allow statements that apply to the action, in policy order. */
function allowing(current: readonly CurrentPolicy[], action: string): PolicyStatement[] {
  const out: PolicyStatement[] = [];
  for (const p of current) for (const st of p.document.Statement) if (st.Effect === "Allow" && actionApplies(st, action)) out.push(st);
  return out;
}

// Per document's policies and role: the same role is asked once per function (a shared role's,
// and every function of an account at 10,000 functions), and the engine's walk is the cost.
const grantedCache = new WeakMap<object, WeakMap<Role, Map<string, string[]>>>();
const invisibleSets = new WeakMap<ActionCatalog, Map<string, ActionSet>>();
const NO_GAPS: TrailGapReasons = { reads: null, writes: null, kms: null };

const gapsKey = (gaps: TrailGapReasons): string => `${gaps.reads !== null}/${gaps.writes !== null}/${gaps.kms !== null}`;

/** The actions the logs may not show, given what the account's trail leaves out (one set per kind of gap). */
function invisibleSet(catalog: ActionCatalog, gaps: TrailGapReasons): ActionSet {
  let byGaps = invisibleSets.get(catalog);
  if (byGaps === undefined) invisibleSets.set(catalog, (byGaps = new Map()));
  const key = gapsKey(gaps);
  let set = byGaps.get(key);
  if (set === undefined) {
    set = catalog.expandAllToSet([...DATA_EVENT_ACTIONS, ...UNCONFIRMED_ACTIONS, ...NEVER_LOGGED_PATTERNS, ...(gaps.kms !== null ? ["kms:*"] : [])]);
    const writes = gaps.writes !== null;
    if (gaps.reads !== null || writes) {
      catalog.all.forEach((i) => {
        const a = catalog.actionAt(i);
        if (a === undefined) return true;
        const read = mayBeReadEvent(a.action, a.accessLevel);
        // The Lambda service's own log writes are the function's requirements, not kept here.
        if (read ? gaps.reads !== null : writes && !SERVICE_MADE.has(a.action.toLowerCase())) (set as ActionSet).add(i);
        return true;
      });
    }
    byGaps.set(key, set);
  }
  return set;
}

/**
 * The actions the role is allowed that the logs may not show, by the IAM engine, in catalog order;
 * with every action of `unknownServices` (services of calls mapped to no catalog action).
 */
function grantedInvisibleActions(document: CanonicalDocument, role: Role, catalog: ActionCatalog, gaps: TrailGapReasons, unknownServices: readonly string[]): string[] {
  let byRole = grantedCache.get(document.policies);
  if (byRole === undefined) grantedCache.set(document.policies, (byRole = new WeakMap()));
  let byGaps = byRole.get(role);
  if (byGaps === undefined) byRole.set(role, (byGaps = new Map()));
  // The same role and policies with other trail gaps (another document's usage) give another list.
  const key = `${gapsKey(gaps)}|${unknownServices.join(" ")}`;
  const cached = byGaps.get(key);
  if (cached !== undefined) return cached;
  const invisible = unknownServices.length === 0 ? invisibleSet(catalog, gaps) : invisibleSet(catalog, gaps).clone().orInPlace(catalog.expandAllToSet(unknownServices.map((svc) => `${svc}:*`)));
  const allowed = allowedActionSet(
    {
      inlinePolicies: role.inlinePolicies,
      managedPolicies: role.attachedPolicies.map((a) => ({ arn: a.arn, document: document.policies[a.arn]?.document ?? null })),
      permissionsBoundary: role.permissionsBoundaryArn === null ? null : { arn: role.permissionsBoundaryArn, document: document.policies[role.permissionsBoundaryArn]?.document ?? null },
      // As the usage labels: a statement whose time window closed before the document's instant grants nothing.
      earliestTime: instantOf(document.meta.asOf),
    },
    catalog,
  );
  const mine = allowed.clone();
  mine.andInPlace(invisible);
  const list = catalog.names(mine);
  byGaps.set(key, list);
  return list;
}
