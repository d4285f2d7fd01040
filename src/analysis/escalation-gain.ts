/**
 * Whether taking over a target principal gains nothing (LR014): the target's permissions are a
 * subset of the principal's own, statement by statement. A method that takes over a role or a user
 * (iam:PassRole to new compute, another function's code, a user's access key, a rewritten trust
 * policy) gives its caller the target's permissions and no more; a target that holds only what the
 * caller already holds is no escalation, and reporting it as a critical one (a deployer that may
 * pass its functions' logging-only execution roles) teaches users to ignore the rule.
 *
 * Decided on the policies alone, and only where that is certain (fail closed: when in doubt the
 * target is kept, since a missed escalation is worse than a noisy one):
 * - every Allow statement of the target is covered by one of the principal's that is
 *   unconditional, names no policy variable, and whose Action and Resource patterns cover the
 *   target statement's (a target with the same actions on broader resources is a gain), or is the
 *   same statement (a shared managed policy) with nothing in it that reads the principal or the
 *   network it calls from (policy variables, aws:Principal*, aws:SourceIp…: the same statement
 *   grants different things to different principals);
 * - every Deny statement of the principal is one of the target's, and the principal's permissions
 *   boundary, if any, is the target's too (else the target may hold what they take from the
 *   principal);
 * - neither has a policy the inputs do not give (PrincipalPolicies.incomplete).
 * The target's own Deny statements and boundary only take from it, so they are not looked at.
 * What resource policies outside the inputs grant the target by its ARN (a KMS key policy, a
 * bucket policy) is not seen; roles whose trust policies name it are the caller's business
 * (escalation.ts keeps such a target).
 */
import type { PolicyStatement } from "../model/document.js";
import { globCovers, patternCovers } from "./iam.js";
import type { PrincipalPolicies } from "./policies.js";

/**
 * Condition keys that read the request's resource or the request itself, not who makes it or
 * from where: a statement conditioned only on these grants every principal the same.
 */
const REQUEST_KEYS = /^(aws:(requestedregion|resourcetag\/.*|requesttag\/.*|tagkeys|securetransport|currenttime|epochtime|resourceaccount|resourceorgid|resourceorgpaths|calledvia|calledviafirst|calledvialast|viaawsservice)|iam:passedtoservice|iam:associatedresourcearn|iam:policyarn|iam:permissionsboundary)$/;

/** Keys of other services that name the calling compute (a function's or an instance's own ARN). */
const CALLER_KEYS = /source(function|instance)/;

function samePrincipalIndependent(st: PolicyStatement): boolean {
  if (canonical(st).includes("${")) return false;
  for (const keys of Object.values(st.Condition ?? {})) {
    for (const key of Object.keys(keys)) {
      const k = key.toLowerCase();
      if (k.startsWith("aws:") ? !REQUEST_KEYS.test(k) : CALLER_KEYS.test(k)) return false;
    }
  }
  return true;
}

const texts = new WeakMap<PolicyStatement, string>();

/**
 * A statement as text, whatever the order of its keys (the same statement of a shared policy,
 * written by two tools); kept per statement object, which a shared managed policy's principals
 * share: each target is compared with each principal that reaches it.
 */
function canonical(st: PolicyStatement): string {
  let text = texts.get(st);
  if (text === undefined) texts.set(st, (text = JSON.stringify({ s: st.Sid, e: st.Effect, a: st.Action, na: st.NotAction, r: st.Resource, nr: st.NotResource, c: st.Condition ?? {}, p: st.Principal, np: st.NotPrincipal })));
  return text;
}

/**
 * Whether an action of a policy may name a real action: its service is one the catalog knows, or a
 * pattern (`*`, `s3*`). An action of a service that does not exist (a typo, `zzz:Call`) grants
 * nothing, as the rest of the analysis reads it (allowedActionSet); an unknown action of a known
 * service may be one newer than the catalog, and counts.
 */
function mayBeReal(action: string, services: ReadonlySet<string> | null): boolean {
  if (services === null) return true;
  const colon = action.indexOf(":");
  const service = colon < 0 ? action : action.slice(0, colon);
  return /[*?]/.test(service) || services.has(service.toLowerCase());
}

/** Whether the principal's statement `s` grants at least what the target's statement `t` grants, to whoever holds it. */
function covers(s: PolicyStatement, t: PolicyStatement, services: ReadonlySet<string> | null): boolean {
  if (canonical(s) === canonical(t) && samePrincipalIndependent(t)) return true;
  if (s.Effect !== "Allow" || (s.Condition !== undefined && Object.keys(s.Condition).length > 0)) return false;
  if (s.Action === undefined || s.Resource === undefined) return false;
  if (JSON.stringify([s.Action, s.Resource]).includes("${")) return false;
  const sActions = s.Action.map((a) => a.toLowerCase());
  const everyAction = sActions.includes("*");
  const actionsCovered = t.Action !== undefined ? t.Action.every((a) => everyAction || !mayBeReal(a, services) || sActions.some((x) => globCovers(x, a.toLowerCase()))) : everyAction;
  if (!actionsCovered) return false;
  const everyResource = s.Resource.includes("*");
  if (everyResource) return true;
  if (t.Resource === undefined) return false;
  return t.Resource.every((r) => !r.includes("${") && s.Resource!.some((x) => patternCovers(x, r)));
}

/**
 * Whether `target` holds no permission `source` lacks (see the module comment); false when that is
 * not certain. `services`: the service names the action catalog knows (lower case), null to count
 * every action as real.
 */
export function holdsNoMore(target: PrincipalPolicies, source: PrincipalPolicies, services: ReadonlySet<string> | null = null): boolean {
  if (target.incomplete || source.incomplete) return false;
  if (source.boundary !== null) {
    if (target.boundary === null || target.boundary.id !== source.boundary.id || JSON.stringify(target.boundary.document) !== JSON.stringify(source.boundary.document)) return false;
  }
  const sourceAllows: PolicyStatement[] = [];
  const sourceDenies: PolicyStatement[] = [];
  for (const p of source.identity) for (const st of p.document.Statement) (st.Effect === "Allow" ? sourceAllows : sourceDenies).push(st);
  const targetDenies = new Set<string>();
  for (const p of target.identity) for (const st of p.document.Statement) if (st.Effect === "Deny") targetDenies.add(canonical(st));
  if (!sourceDenies.every((st) => samePrincipalIndependent(st) && targetDenies.has(canonical(st)))) return false;
  for (const p of target.identity) {
    for (const t of p.document.Statement) {
      if (t.Effect !== "Allow") continue;
      if (!sourceAllows.some((s) => covers(s, t, services))) return false;
    }
  }
  return true;
}
