/**
 * Trust-policy analysis of a role (LR011): who may assume it, from which account, and whether a
 * condition pins the caller. Only Allow statements trust; a Deny in a trust policy narrows and is
 * not a principal.
 */
import type { PolicyDocument, PolicyStatement } from "../model/document.js";
import type { TrustAnalysis, TrustedPrincipal, TrustedPrincipalKind } from "../model/analysis.js";
import { accountOf, byString } from "./policies.js";
import { conditionalFrom } from "./iam.js";
import { splitArn } from "../iam/arn.js";
import { globMatches } from "../iam/wildcard.js";

/** Lambda's service principals: the regular one and Lambda@Edge's. */
export const LAMBDA_PRINCIPALS = new Set(["lambda.amazonaws.com", "edgelambda.amazonaws.com"]);

/**
 * Condition keys that pin who can assume the role (confused-deputy protection, organisation or
 * principal restriction, external ID). A key with only `*` values pins nothing.
 */
const RESTRICTING_KEYS = new Set([
  "aws:sourcearn",
  "aws:sourceaccount",
  "aws:sourceorgid",
  "aws:sourceorgpaths",
  "aws:principalorgid",
  "aws:principalorgpaths",
  "aws:principalarn",
  "aws:principalaccount",
  "aws:userid",
  "aws:username",
  "sts:externalid",
  "aws:sourcevpce",
  "aws:sourceip",
  "aws:sourcevpc",
  // Web identity: the audience / subject of the token.
  "accounts.google.com:aud",
  "cognito-identity.amazonaws.com:aud",
  "token.actions.githubusercontent.com:sub",
]);

/**
 * GitHub's audience is `sts.amazonaws.com` for every repository that uses the official action: it
 * does not tell one caller from another (the subject does).
 */
const NOT_RESTRICTING = new Set(["token.actions.githubusercontent.com:aud"]);

function conditionKeys(st: PolicyStatement): string[] {
  const keys = new Set<string>();
  for (const block of Object.values(st.Condition ?? {})) for (const k of Object.keys(block)) keys.add(k.toLowerCase());
  return [...keys].sort(byString);
}

/** Keys whose values are accounts, or ARNs naming one in their fifth field. */
const ACCOUNT_KEYS = new Set(["aws:sourceaccount", "aws:principalaccount"]);
const ARN_KEYS = new Set(["aws:sourcearn", "aws:principalarn"]);

/** A 12-digit account, or a template reference that is one once deployed. */
const FIXED_ACCOUNT = /^(?:\d{12}|\$\{[^}]*\}|unknown)$/;

/** An ARN's account field; template references before it (`${AWS::Region}`) hold colons, so they are blanked first. */
function arnAccount(arn: string): string {
  return splitArn(arn.replace(/\$\{[^}]*\}/g, "${}"))?.[4] ?? "";
}

/**
 * Whether a condition value names a fixed caller for its key (AWS Config's "fixed values that don't
 * contain a wildcard" where the caller's identity is matched): a wildcard in an account, in a
 * GitHub subject's owner (`repo:*`), or a value that is all wildcards admits anyone.
 */
function fixedValue(key: string, value: unknown): boolean {
  if (typeof value !== "string") return value !== null && value !== undefined;
  if (value === "" || /^[*?]+$/.test(value)) return false;
  if (ACCOUNT_KEYS.has(key)) return FIXED_ACCOUNT.test(value);
  if (ARN_KEYS.has(key)) return /^\$\{[^}]*\}$/.test(value) || FIXED_ACCOUNT.test(arnAccount(value));
  if (key === "token.actions.githubusercontent.com:sub") return /^repo:[^*?/:]+\//.test(value);
  if (key === "aws:principalorgid" || key === "aws:sourceorgid") return !/[*?]/.test(value);
  return true;
}

/**
 * A condition pins the caller when it requires a restricting key to match fixed values. Not
 * pinning: `Null` and negated operators; `...IfExists` and `ForAllValues:` (both true when the
 * request lacks the key); a wildcard value among fixed ones (values are ORed). Conditions are
 * ANDed: one pinning condition pins the statement.
 */
function restricts(st: PolicyStatement): boolean {
  for (const [op, block] of Object.entries(st.Condition ?? {})) {
    const base = op.replace(/^ForAnyValue:/i, "");
    if (/^Null$/i.test(base) || /Not/i.test(base) || /IfExists$/i.test(base) || /^ForAllValues:/i.test(base)) continue;
    for (const [key, values] of Object.entries(block)) {
      const k = key.toLowerCase();
      const pinned = !NOT_RESTRICTING.has(k) && (RESTRICTING_KEYS.has(k) || /:(aud|sub|oaud)$/.test(k));
      if (pinned && values.length > 0 && values.every((v) => fixedValue(k, v))) return true;
    }
  }
  return false;
}

/** The actions that let a principal assume a role; sts:TagSession and sts:SetSourceIdentity only go with them. */
const ASSUME_ACTIONS = ["sts:assumerole", "sts:assumerolewithwebidentity", "sts:assumerolewithsaml"];

/** The statement lets its principals assume the role (not only tag the session or set a source identity). */
function canAssume(st: PolicyStatement): boolean {
  if (st.Action !== undefined) return st.Action.some((p) => ASSUME_ACTIONS.some((a) => globMatches(p, a, true)));
  if (st.NotAction !== undefined) return ASSUME_ACTIONS.some((a) => !st.NotAction!.some((p) => globMatches(p, a, true)));
  return false;
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
  let notPrincipalAllow = false;
  (trust?.Statement ?? []).forEach((st, statementIndex) => {
    if (st.Effect !== "Allow") return;
    if (conditionalFrom(st, earliest) === null) return;
    if (!canAssume(st)) return;
    if (st.NotPrincipal !== undefined) notPrincipalAllow = true;
    const actions = [...(st.Action ?? st.NotAction?.map((a) => `not ${a}`) ?? [])].sort(byString);
    const keys = conditionKeys(st);
    const restricted = restricts(st);
    const add = (type: string, id: string) => {
      const kind = kindOf(type, id);
      const accountId = kind === "aws-account" || kind === "aws-principal" ? (/^\d{12}$/.test(id) ? id : accountOf(id)) : null;
      principals.push({
        kind,
        identifier: id,
        accountId,
        crossAccount: accountId !== null && accountId !== roleAccount,
        statementIndex,
        actions,
        conditionKeys: keys,
        restricted,
      });
    };
    const p = st.Principal;
    if (p === undefined) return;
    if (p === "*") add("AWS", "*");
    else for (const [type, ids] of Object.entries(p)) for (const id of ids) add(type, id);
  });
  principals.sort((a, b) => a.statementIndex - b.statementIndex || byString(a.identifier, b.identifier));
  return { principals, notPrincipalAllow };
}
