/**
 * Data-event actions the trail may not show: kept as today's policy grants them.
 *
 * CloudTrail logs a data event (S3 object, DynamoDB item, Lambda Invoke, SQS message …) only for
 * the resources its data-event selectors cover (CloudTrail user guide, "Logging data events"). A
 * trail with S3 data events for one bucket says nothing of DynamoDB, nor of the other buckets. So,
 * unless the user stated that data events are logged for every resource (`usage.dataEventsLogged`,
 * coverage `logged`), the absence of a data-event call from the logs proves nothing: leaving such
 * an action out of the policy could break the function (billing-sync's daily dynamodb:Query on a
 * trail whose selectors cover S3 only). Each data-event action the role grants today and the
 * function was not seen calling is kept on the resources (and under the conditions) today's Allow
 * statements grant it on, with provenance `not-logged` and a warning naming them.
 *
 * Which actions the role grants is the IAM engine's answer (unconditional Deny and the permissions
 * boundary taken into account, as for the usage labels); statements granting through NotResource
 * cannot be carried over narrowly and are named instead of being widened to `*`.
 */

import type { CanonicalDocument, PolicyStatement, Role } from "../model/document.js";
import { DATA_EVENT_ACTIONS } from "../usage/not-logged.js";
import type { CurrentPolicy } from "./current-policies.js";
import { actionApplies, allowedActionSet, instantOf, type ActionCatalog, type ActionSet } from "./iam.js";
import type { Grant, Provenance } from "./types.js";

export const NOT_LOGGED_REASON = "data event the trail may not log for every resource: kept as today's policy grants it";

export interface UnloggedDataEvents {
  grants: Grant[];
  /** Data-event actions kept (granted today, not seen), sorted. */
  kept: string[];
  /** Data-event actions granted today only through NotResource: not kept, named. */
  notResource: string[];
}

const NONE: UnloggedDataEvents = { grants: [], kept: [], notResource: [] };

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
  if (role === undefined || !document.usage.present || dataEventsLoggedEverywhere(document)) return NONE;
  const granted = grantedDataEventActions(document, role, catalog).filter((a) => !observed.has(a.toLowerCase()));
  if (granted.length === 0) return NONE;
  const grants: Grant[] = [];
  const kept: string[] = [];
  const notResource: string[] = [];
  const provenance: Provenance[] = [{ kind: "not-logged", reason: NOT_LOGGED_REASON }];
  for (const action of granted) {
    const statements = allowing(current, action);
    const usable = statements.filter((st) => st.Resource !== undefined);
    if (usable.length === 0) {
      if (statements.length > 0) notResource.push(action);
      continue;
    }
    kept.push(action);
    for (const st of usable) {
      for (const resource of st.Resource ?? []) {
        const g: Grant = { action, resource, scoping: "as-configured", provenance };
        if (st.Condition !== undefined) g.condition = st.Condition;
        grants.push(g);
      }
    }
  }
  return { grants, kept: kept.sort(), notResource: notResource.sort() };
}

/** Today's Allow statements that apply to the action, in policy order. */
function allowing(current: readonly CurrentPolicy[], action: string): PolicyStatement[] {
  const out: PolicyStatement[] = [];
  for (const p of current) for (const st of p.document.Statement) if (st.Effect === "Allow" && actionApplies(st, action)) out.push(st);
  return out;
}

// Per document's policies and role: the same role is asked once per function (a shared role's,
// and every function of an account at 10,000 functions), and the engine's walk is the cost.
const grantedCache = new WeakMap<object, WeakMap<Role, string[]>>();
const dataEventSets = new WeakMap<ActionCatalog, ActionSet>();

/** The data-event actions the role is allowed, by the IAM engine, in catalog order. */
function grantedDataEventActions(document: CanonicalDocument, role: Role, catalog: ActionCatalog): string[] {
  let byRole = grantedCache.get(document.policies);
  if (byRole === undefined) grantedCache.set(document.policies, (byRole = new WeakMap()));
  const cached = byRole.get(role);
  if (cached !== undefined) return cached;
  let dataEvents = dataEventSets.get(catalog);
  if (dataEvents === undefined) dataEventSets.set(catalog, (dataEvents = catalog.expandAllToSet([...DATA_EVENT_ACTIONS])));
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
  mine.andInPlace(dataEvents);
  const list = catalog.names(mine);
  byRole.set(role, list);
  return list;
}
