/**
 * Deny statements of a resource-based policy (a function's resource policy, a role's trust policy)
 * applied to its Allow statements, for LR011 and LR012. An explicit Deny wins over any Allow
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html), so
 * a Deny without conditions takes back what it covers, and a Deny whose conditions all negate a
 * caller pin (`StringNotEquals aws:SourceAccount 111122223333`) lets in only those callers: it pins
 * every Allow it covers (pins.ts, denyPin). A Deny counts only where it covers the whole of what it
 * is applied to (all the statement's actions, resources, principals); partly covering ones are
 * left out, which can only over-report.
 */
import type { PolicyPrincipal, PolicyStatement } from "../model/document.js";
import { conditionalFrom } from "./iam.js";
import { globMatches } from "../iam/wildcard.js";

/** The Deny statements of a policy whose aws:CurrentTime window is open at `earliest`. */
export function openDenies(statements: readonly PolicyStatement[], earliest: number | null): PolicyStatement[] {
  return statements.filter((st) => st.Effect === "Deny" && conditionalFrom(st, earliest) !== null);
}

/** The Deny's Action (or the complement of its NotAction) covers every one of `actions`. */
export function coversActions(d: PolicyStatement, actions: readonly string[]): boolean {
  if (d.Action !== undefined) return actions.every((a) => d.Action!.some((p) => globMatches(p, a, true)));
  if (d.NotAction !== undefined) return actions.every((a) => !d.NotAction!.some((p) => globMatches(p, a, true)));
  return false;
}

/** The Deny's Resource (or the complement of its NotResource) covers every resource the Allow names; absent: the policy's own resource. */
export function coversResources(d: PolicyStatement, resources: readonly string[] | undefined): boolean {
  if (resources === undefined || resources.length === 0) return d.NotResource === undefined;
  if (d.Resource !== undefined) return resources.every((r) => d.Resource!.some((p) => globMatches(p, r)));
  if (d.NotResource !== undefined) return resources.every((r) => !d.NotResource!.some((p) => globMatches(p, r)));
  return true;
}

/** An account ID, or its root ARN, as the account; any other identifier as written. */
function principalKey(type: string, id: string): string {
  const root = /^arn:[^:]+:iam::(\d{12}):root$/.exec(id);
  return `${type}\u0000${root ? root[1] : id}`;
}

function listed(p: PolicyPrincipal | undefined, type: string, id: string): boolean {
  if (p === undefined) return false;
  if (p === "*") return true;
  const key = principalKey(type, id);
  return Object.entries(p).some(([t, ids]) => ids.some((i) => i === "*" || principalKey(t, i) === key));
}

/** Whether the Deny applies to the principal `type`/`id` (`*`, "AWS": anyone). */
export function coversPrincipal(d: PolicyStatement, type: string, id: string): boolean {
  if (d.Principal !== undefined) return everyone(d.Principal) || (id !== "*" && listed(d.Principal, type, id));
  // NotPrincipal: everyone but those listed; a wildcard Allow principal is not all of them.
  if (d.NotPrincipal !== undefined) return id !== "*" && !listed(d.NotPrincipal, type, id);
  return false;
}

/** `*` or `{"AWS": "*"}`: anyone. */
export function everyone(p: PolicyPrincipal | undefined): boolean {
  return p === "*" || (typeof p === "object" && (p.AWS ?? []).includes("*"));
}

/**
 * The AWS principals a Deny with NotPrincipal and no condition leaves in: as pins of the caller's
 * account or ARN (`aws:PrincipalAccount`, `aws:PrincipalArn`); null when it lists anything else (a
 * service, a federated provider), whose calls those keys do not describe.
 */
export function notPrincipalPins(d: PolicyStatement): Array<readonly [string, string]> | null {
  const p = d.NotPrincipal;
  if (p === undefined || p === "*" || d.Condition !== undefined) return null;
  const out: Array<readonly [string, string]> = [];
  for (const [type, ids] of Object.entries(p)) {
    if (type !== "AWS") return null;
    for (const id of ids) {
      if (id === "*") return null;
      const root = /^arn:[^:]+:iam::(\d{12}):root$/.exec(id);
      if (/^\d{12}$/.test(id)) out.push(["aws:principalaccount", id]);
      else if (root) out.push(["aws:principalaccount", root[1]!]);
      else out.push(["aws:principalarn", id]);
    }
  }
  return out.length > 0 ? out : null;
}
