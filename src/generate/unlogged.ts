/**
 * Actions the trail may not show: kept as today's policy grants them.
 *
 * - Data events (S3 object, DynamoDB item, Lambda Invoke, SQS message …): CloudTrail logs them only
 *   for the resources its data-event selectors cover (CloudTrail user guide, "Logging data events").
 *   A trail with S3 data events for some buckets says nothing of DynamoDB. So, unless the user
 *   stated that data events are logged for every resource (`usage.dataEventsLogged`, coverage
 *   `logged`), or the trail's event selectors log the action's resource type for every resource
 *   (coverage `dataEventSelectors`), or the function itself was seen making data-event calls of the service (the trail's
 *   selectors then cover its resources of that service), the absence of a data-event call proves
 *   nothing: leaving the action out could break the function (billing-sync's daily dynamodb:Query
 *   on a trail whose selectors cover S3 only).
 * - Management events the trail's selectors leave out (src/usage/trail-gaps.ts): on an account
 *   whose logs hold no read event (a write-only trail), every action CloudTrail may record as a
 *   read; no write event (a read-only trail), every other action; no AWS KMS event (KMS events
 *   excluded), every kms action; no management event at all (a data-events trail), all of them.
 * - Actions CloudTrail never records (src/usage/not-logged.ts: execute-api, OpenSearch HTTP,
 *   rds-db:connect …) and those AWS does not document: kept whatever the trail logs. The Lambda
 *   service's own log writes are not among them: the function's requirements grant those.
 *
 * Each such action the role grants today and the function was not seen calling is kept on the
 * resources (and under the conditions) today's Allow statements grant it on, with provenance
 * `not-logged` and a warning naming them. Which actions the role grants is the IAM engine's answer
 * (unconditional Deny and the permissions boundary taken into account, as for the usage labels);
 * statements granting through NotResource cannot be carried over narrowly and are named instead of
 * being widened to `*`.
 */

import type { CanonicalDocument, PolicyStatement, Role } from "../model/document.js";
import { DATA_EVENT_ACTIONS, dataEventTypeOf, isDataEventAction, isUnconfirmedAction, NOT_LOGGED, NOT_LOGGED_SERVICES, notLoggedReason, UNCONFIRMED_ACTIONS } from "../usage/not-logged.js";
import type { CurrentPolicy } from "./current-policies.js";
import { ActionSet, actionApplies, allowedActionSet, instantOf, serviceOf, type ActionCatalog } from "./iam.js";
import type { ActionInfo } from "../iam/catalog.js";
import { mayBeReadEvent, trailGapReasons, type TrailGapReasons } from "../usage/trail-gaps.js";
import { grantsWithinPrefixes } from "../usage/data-event-scope.js";
import type { Grant, Provenance } from "./types.js";

/** Made by the Lambda service with the execution role, and granted by the function's requirements. */
const SERVICE_MADE = new Set(["logs:createloggroup", "logs:createlogstream", "logs:putlogevents"]);

/** Never recorded by CloudTrail, whatever the trail logs (the patterns, for the catalog). */
const NEVER_LOGGED_PATTERNS = [...Object.keys(NOT_LOGGED).filter((a) => !SERVICE_MADE.has(a)), ...Object.keys(NOT_LOGGED_SERVICES).map((svc) => `${svc}:*`)];

export const NOT_LOGGED_REASON = "data event the trail may not log for every resource: kept as today's policy grants it";
const READ_NOT_LOGGED_REASON = "read event the trail does not log (no read event in the account's logs): kept as today's policy grants it";
const KMS_NOT_LOGGED_REASON = "AWS KMS event the trail does not log (no KMS event in the account's logs): kept as today's policy grants it";
const WRITE_NOT_LOGGED_REASON = "write event the trail does not log (a trail of reads or of data events only): kept as today's policy grants it";

export interface UnloggedDataEvents {
  grants: Grant[];
  /** Data-event (and undocumented) actions kept (granted today, not seen), sorted. */
  kept: string[];
  /** Actions CloudTrail never records, kept (granted today), sorted. */
  neverLogged: string[];
  /** Management-event actions the account's trail leaves out (trail-gaps.ts), kept, sorted. */
  managementNotLogged: string[];
  /** Actions granted today only through NotResource: not kept, named. */
  notResource: string[];
  /** Services whose unseen data-event actions are left out because the function's own data-event calls of them are in the logs (no selectors naming their type were given). */
  loggedServices: string[];
}

const NONE: UnloggedDataEvents = { grants: [], kept: [], neverLogged: [], managementNotLogged: [], notResource: [], loggedServices: [] };

/** Whether the usage lets a data-event action the logs do not show be left out of the policy. */
export function dataEventsLoggedEverywhere(document: CanonicalDocument): boolean {
  return document.usage.coverage.dataEvents === "logged";
}

/**
 * The data-event grants to keep for a function of `role` that was seen calling `observed`
 * (lower-case action names with successful calls). None when the usage is absent (the policy is
 * then configuration only, as said by `usage-absent`) or data events are logged everywhere.
 */
export function unloggedDataEventGrants(document: CanonicalDocument, role: Role | undefined, current: readonly CurrentPolicy[], observed: ReadonlySet<string>, catalog: ActionCatalog): UnloggedDataEvents {
  if (role === undefined || !document.usage.present) return NONE;
  const loggedEverywhere = dataEventsLoggedEverywhere(document);
  // The function's own data-event calls of a service: the trail's selectors cover its resources there.
  const loggedServices = new Set([...observed].filter(isDataEventAction).map(serviceOf));
  const gaps = trailGapReasons(document.usage.coverage.managementEvents).get(role.accountId) ?? NO_GAPS;
  // What the trails' selectors log of the action's data-event type, when they name it: `all`, every
  // call is in the logs; `some`, a call may be missing. That is known, where "the function's own
  // data-event calls of the service are in the logs, so the selectors cover its resources there"
  // is a guess (selectors naming one bucket show its calls and none of another's): the selectors
  // win over it.
  const selected = new Map((document.usage.coverage.dataEventSelectors ?? []).map((t) => [t.type, t] as const));
  // A managed policy whose document is unknown may grant anything: no prefix judgement then.
  const unresolved = role.attachedPolicies.some((a) => (document.policies[a.arn]?.document ?? null) === null);
  const statements = unresolved ? [] : current.flatMap((p) => p.document.Statement);
  const unseenDataEventLogged = (lower: string): boolean => {
    const type = dataEventTypeOf(lower);
    const said = type === null ? undefined : selected.get(type);
    // `some`: still every call, when today's grants of this S3 object action all lie under the
    // prefixes whose calls are logged (data-event-scope.ts).
    if (said !== undefined) return said.logged === "all" || grantsWithinPrefixes(statements, lower, said.prefixes ?? []);
    if (!loggedServices.has(serviceOf(lower))) return false;
    guessed.add(serviceOf(lower));
    return true;
  };
  // The services whose unseen data-event actions were left out on that guess (said in the warning).
  const guessed = new Set<string>();
  // Why an action the logs may not show is kept (null: the logs would show it, so it is left out).
  const unseenReason = (a: string): string | null => {
    const lower = a.toLowerCase();
    if (observed.has(lower)) return null;
    const never = notLoggedReason(lower);
    if (never !== null) return `${never}: kept as today's policy grants it`;
    if (isDataEventAction(lower) || isUnconfirmedAction(lower)) return !loggedEverywhere && !unseenDataEventLogged(lower) ? NOT_LOGGED_REASON : null;
    if (gaps.kms !== null && lower.startsWith("kms:")) return KMS_NOT_LOGGED_REASON;
    const read = mayBeReadEvent(lower, catalog.accessLevel(lower));
    if (gaps.reads !== null && read) return READ_NOT_LOGGED_REASON;
    if (gaps.writes !== null && !read && !SERVICE_MADE.has(lower)) return WRITE_NOT_LOGGED_REASON;
    return null;
  };
  const granted = grantedInvisibleActions(document, role, catalog, gaps).flatMap((a) => {
    const reason = unseenReason(a);
    return reason === null ? [] : [[a, reason] as const];
  });
  if (granted.length === 0) return { ...NONE, loggedServices: [...guessed].sort() };
  const grants: Grant[] = [];
  const kept: string[] = [];
  const neverLogged: string[] = [];
  const managementNotLogged: string[] = [];
  const notResource: string[] = [];
  for (const [action, reason] of granted) {
    const statements = allowing(current, action);
    const usable = statements.filter((st) => st.Resource !== undefined);
    if (usable.length === 0) {
      if (statements.length > 0) notResource.push(action);
      continue;
    }
    const provenance: Provenance[] = [{ kind: "not-logged", reason }];
    const info = catalog.action(action);
    const carried: Grant[] = [];
    for (const st of usable) {
      for (const resource of st.Resource ?? []) {
        // A grant that can match none of the action's resources is dead today and left out:
        // `s3:*` on `bucket/*` carries ListBucket over on an object ARN otherwise.
        if (info !== null && !canMatchSomeType(info, resource)) continue;
        const g: Grant = { action, resource, scoping: "as-configured", provenance };
        if (st.Condition !== undefined) g.condition = st.Condition;
        carried.push(g);
      }
    }
    // Granted today on nothing it can match: not kept, so not named as kept either.
    if (carried.length === 0) continue;
    grants.push(...carried);
    (notLoggedReason(action) !== null ? neverLogged : reason === READ_NOT_LOGGED_REASON || reason === WRITE_NOT_LOGGED_REASON || reason === KMS_NOT_LOGGED_REASON ? managementNotLogged : kept).push(action);
  }
  return { grants, kept: kept.sort(), neverLogged: neverLogged.sort(), managementNotLogged: managementNotLogged.sort(), notResource: notResource.sort(), loggedServices: [...guessed].sort() };
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

/** The actions the role is allowed that the logs may not show, by the IAM engine, in catalog order. */
function grantedInvisibleActions(document: CanonicalDocument, role: Role, catalog: ActionCatalog, gaps: TrailGapReasons): string[] {
  let byRole = grantedCache.get(document.policies);
  if (byRole === undefined) grantedCache.set(document.policies, (byRole = new WeakMap()));
  let byGaps = byRole.get(role);
  if (byGaps === undefined) byRole.set(role, (byGaps = new Map()));
  // The same role and policies with other trail gaps (another document's usage) give another list.
  const key = gapsKey(gaps);
  const cached = byGaps.get(key);
  if (cached !== undefined) return cached;
  const invisible = invisibleSet(catalog, gaps);
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
