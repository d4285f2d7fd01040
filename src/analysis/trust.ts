/**
 * Trust-policy analysis of a role (LR011): who may assume it, from which account, and whether a
 * condition pins the caller. Only Allow statements trust; a Deny in a trust policy narrows them
 * (denies.ts) and is not a principal.
 */
import type { PolicyDocument, PolicyStatement } from "../model/document.js";
import type { TrustAnalysis, TrustedPrincipal, TrustedPrincipalKind } from "../model/analysis.js";
import { accountOf, byString } from "./policies.js";
import { conditionalFrom } from "./iam.js";
import { allowPins, denyPin, isTrustKey, pinsToAccount } from "./pins.js";
import { coversActions, coversPrincipal, coversResources, everyone, openDenies } from "./denies.js";
import { globMatches } from "../iam/wildcard.js";

/** Lambda's service principals: the regular one and Lambda@Edge's. */
export const LAMBDA_PRINCIPALS = new Set(["lambda.amazonaws.com", "edgelambda.amazonaws.com"]);

function conditionKeys(st: PolicyStatement): string[] {
  const keys = new Set<string>();
  for (const block of Object.values(st.Condition ?? {})) for (const k of Object.keys(block)) keys.add(k.toLowerCase());
  return [...keys].sort(byString);
}

/**
 * The unique ID of a role (AROA) or user (AIDA) as IAM shows it in a Principal element once that
 * principal is deleted (IAM User Guide, "Unique identifiers": the prefixes; "AWS JSON policy
 * elements: Principal": "the principal ID shows up … because AWS can no longer map it back to an ARN").
 */
const UNIQUE_PRINCIPAL_ID = /^(AROA|AIDA)[A-Z0-9]{12,}$/;

/** The actions that let a principal assume a role; sts:TagSession and sts:SetSourceIdentity only go with them. */
const ASSUME_ACTIONS = ["sts:assumerole", "sts:assumerolewithwebidentity", "sts:assumerolewithsaml"];

/** The statement's Action (or the complement of its NotAction) covers `action`: it lets its principals assume the role, not only tag the session or set a source identity. */
function covers(st: PolicyStatement, action: string): boolean {
  if (st.Action !== undefined) return st.Action.some((p) => globMatches(p, action, true));
  if (st.NotAction !== undefined) return !st.NotAction.some((p) => globMatches(p, action, true));
  return false;
}

/**
 * The assume calls a principal of the type can make (AWS STS API Reference): IAM principals,
 * accounts and services call sts:AssumeRole; a SAML provider's users sts:AssumeRoleWithSAML; a web
 * identity provider's (OIDC, Cognito, Google, Amazon, Facebook) sts:AssumeRoleWithWebIdentity. A
 * statement allowing `sts:AssumeRole` to an OIDC provider lets no one in. `*` is anyone, by any call.
 */
function callableBy(type: string, id: string): readonly string[] {
  if (id === "*") return ASSUME_ACTIONS;
  if (type !== "Federated") return ["sts:assumerole"];
  return /^arn:[^:]+:iam::[^:]*:saml-provider\//i.test(id) ? ["sts:assumerolewithsaml"] : ["sts:assumerolewithwebidentity"];
}

/**
 * The statement lets a Cognito identity pool's unauthenticated identities in: a condition on
 * `cognito-identity.amazonaws.com:amr` (the token's multivalued "authentication methods
 * references", `unauthenticated` for a guest) under a matching operator, with a value that matches
 * `unauthenticated`, as the guide's "unauthenticated role" trust policy writes it
 * (`ForAnyValue:StringLike`). The pool's `aud` pins the pool, not the caller: a guest identity is
 * given to anyone who asks, when the pool allows them.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html
 */
function admitsGuests(st: PolicyStatement): boolean {
  for (const [op, block] of Object.entries(st.Condition ?? {})) {
    if (/not|^null$/i.test(op.replace(/^ForA(ny|ll)Values:/i, ""))) continue;
    for (const [k, values] of Object.entries(block)) {
      if (k.toLowerCase() === "cognito-identity.amazonaws.com:amr" && values.some((v) => globMatches(String(v), "unauthenticated", /ignorecase/i.test(op)))) return true;
    }
  }
  return false;
}

/** The Deny statements covering `actions` on the Allow's resources: all, those without conditions, those that pin (for any caller, for callers that are not services). */
function denying(denies: readonly PolicyStatement[], actions: readonly string[], resources: readonly string[] | undefined) {
  const covering = denies.filter((d) => coversActions(d, actions) && coversResources(d, resources));
  return {
    removing: covering.filter((d) => d.Condition === undefined),
    pinning: covering.filter((d) => denyPin(d, isTrustKey) !== null),
    // A Deny that exempts service principals (BoolIfExists aws:PrincipalIsAWSService false) still
    // pins every other caller: it decides for the AWS and federated principals, not for a service.
    pinningNonService: covering.filter((d) => denyPin(d, isTrustKey, "not-service") !== null),
  };
}

function kindOf(type: string, id: string): TrustedPrincipalKind {
  if (id === "*") return "wildcard";
  if (type === "Service") return LAMBDA_PRINCIPALS.has(id.toLowerCase()) ? "lambda" : "service";
  if (type === "Federated") return "federated";
  if (type === "CanonicalUser") return "canonical-user";
  if (/^\d{12}$/.test(id) || /^arn:[^:]+:iam::\d{12}:root$/.test(id)) return "aws-account";
  return "aws-principal";
}

/**
 * `earliest`: the reference instant (PrincipalPolicies.earliestTime); a statement whose
 * `aws:CurrentTime` window closed before it lets nobody assume the role and is left out.
 */
export function analyzeTrust(trust: PolicyDocument | null, roleAccount: string, earliest: number | null = null): TrustAnalysis {
  const principals: TrustedPrincipal[] = [];
  const deleted = new Set<string>();
  const notPrincipalAllow: number[] = [];
  const statements = trust?.Statement ?? [];
  // IAM refuses NotPrincipal in a role trust policy with either Effect ("You cannot use the
  // NotPrincipal element in ... an IAM role trust policy", IAM User Guide, NotPrincipal): no
  // account holds such a Deny, and a template or plan with it fails at CreateRole. It is recorded
  // for LR011 to say so and not applied, as an Allow with NotPrincipal adds no principal: what
  // the Allow statements let in is reported, rather than a Deny IAM would never enforce hiding it.
  const notPrincipalDeny = statements.flatMap((st, i) => (st.Effect === "Deny" && st.NotPrincipal !== undefined ? [i] : []));
  const denies = openDenies(statements, earliest).filter((d) => d.NotPrincipal === undefined);
  statements.forEach((st, statementIndex) => {
    if (st.Effect !== "Allow") return;
    if (conditionalFrom(st, earliest) === null) return;
    const assume = ASSUME_ACTIONS.filter((a) => covers(st, a));
    if (assume.length === 0) return;
    // The trust policy's Deny statements that cover every assume action a principal may call under
    // the statement (an explicit Deny wins): without conditions they take principals back; with
    // conditions that all negate a caller pin they let in only those callers (denies.ts).
    const byActions = new Map<string, ReturnType<typeof denying>>();
    const denied = (actions: readonly string[]) => {
      const key = actions.join(" ");
      let hit = byActions.get(key);
      if (hit === undefined) byActions.set(key, (hit = denying(denies, actions, st.Resource)));
      return hit;
    };
    if (denied(assume).removing.some((d) => everyone(d.Principal))) return;
    // IAM refuses NotPrincipal with Allow in a role trust policy: recorded for LR011 to say so; it adds no principal.
    if (st.NotPrincipal !== undefined) notPrincipalAllow.push(statementIndex);
    const actions = [...(st.Action ?? st.NotAction?.map((a) => `not ${a}`) ?? [])].sort(byString);
    const keys = conditionKeys(st);
    // The caller-pinning rule shared with LR012 (pins.ts).
    const pins = allowPins(st, isTrustKey);
    const pinned = pins.length > 0;
    // `*` pinned to the role's own account is as trusting a principal of that account.
    const ownAccountOnly = pinsToAccount(pins, roleAccount);
    const add = (type: string, id: string) => {
      // A deleted role's or user's unique ID trusts no one (TrustAnalysis.deletedPrincipals).
      if (type === "AWS" && UNIQUE_PRINCIPAL_ID.test(id)) {
        deleted.add(id);
        return;
      }
      // Only the assume call this principal can make counts: the statement lets it in only when it
      // allows that call, and a Deny of that call alone takes it back.
      const relevant = assume.filter((a) => callableBy(type, id).includes(a));
      if (relevant.length === 0) return;
      const { removing, pinning, pinningNonService } = denied(relevant);
      if (removing.some((d) => everyone(d.Principal))) return;
      if (removing.some((d) => coversPrincipal(d, type, id))) return;
      const kind = kindOf(type, id);
      const guests = type === "Federated" && id.toLowerCase() === "cognito-identity.amazonaws.com" && admitsGuests(st);
      const accountId = kind === "aws-account" || kind === "aws-principal" ? (/^\d{12}$/.test(id) ? id : accountOf(id)) : null;
      principals.push({
        kind,
        identifier: id,
        accountId,
        crossAccount: accountId !== null && accountId !== roleAccount,
        statementIndex,
        ...(typeof st.Sid === "string" && st.Sid !== "" ? { sid: st.Sid } : {}),
        actions,
        conditionKeys: keys,
        restricted: !guests && (pinned || (type === "Service" ? pinning : pinningNonService).some((d) => everyone(d.Principal) || (id !== "*" && coversPrincipal(d, type, id)))),
        ...(guests ? { guests: true as const } : {}),
        ...(id === "*" && ownAccountOnly ? { ownAccountOnly: true as const } : {}),
      });
    };
    const p = st.Principal;
    if (p === undefined) return;
    if (p === "*") add("AWS", "*");
    else for (const [type, ids] of Object.entries(p)) for (const id of ids) add(type, id);
  });
  principals.sort((a, b) => a.statementIndex - b.statementIndex || byString(a.identifier, b.identifier));
  return { principals, notPrincipalAllow: notPrincipalAllow.length > 0, ...(notPrincipalAllow.length > 0 ? { notPrincipalAllowStatements: notPrincipalAllow } : {}), ...(notPrincipalDeny.length > 0 ? { notPrincipalDenyStatements: notPrincipalDeny } : {}), ...(deleted.size > 0 ? { deletedPrincipals: [...deleted].sort(byString) } : {}) };
}
