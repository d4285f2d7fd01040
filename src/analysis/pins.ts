/**
 * "A fixed value pins the caller": the one rule, shared by the trust-policy analysis (LR011,
 * trust.ts) and the function resource-policy analysis (LR012, resource-policy.ts), for when a
 * statement's conditions admit only named callers.
 *
 * A condition pins when it requires a caller-identifying key to match values that are all fixed
 * (AWS Config's lambda-function-public-access-prohibited: "fixed values that don't contain a
 * wildcard" where the caller is matched). Conditions are ANDed, so one pinning condition pins the
 * statement; a condition's values are ORed, so one wildcard value among fixed ones pins nothing.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
 */
import type { PolicyStatement } from "../model/document.js";
import { splitArn } from "../iam/arn.js";

/** One pinning condition: the (key, value) pairs it admits, any of which lets a caller in. */
export type Pin = readonly [key: string, value: string];

/** Keys whose value is the caller's (or the calling resource's) account. aws:SourceOwner is the legacy form of aws:SourceAccount that SNS, SES and others still send. */
const ACCOUNT_KEYS = new Set(["aws:sourceaccount", "aws:principalaccount", "aws:sourceowner"]);
/** Keys whose value is an ARN naming an account in its fifth field. */
const ARN_KEYS = new Set(["aws:sourcearn", "aws:principalarn"]);
/** Keys naming one organisation (or, for Alexa, one skill): fixed when free of wildcards. */
const ID_KEYS = new Set(["aws:principalorgid", "aws:sourceorgid", "lambda:eventsourcetoken"]);
/**
 * Organisation paths (`o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*`) carry wildcards by design: a path
 * with a fixed organisation ID pins to that organisation (or an OU subtree of it), whatever follows.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths
 */
const ORG_PATH_KEYS = new Set(["aws:principalorgpaths", "aws:sourceorgpaths"]);

/** Caller keys of a function's resource policy (LR012): who or what invokes. */
export const RESOURCE_POLICY_KEYS: ReadonlySet<string> = new Set([...ACCOUNT_KEYS, ...ARN_KEYS, ...ID_KEYS, ...ORG_PATH_KEYS]);

/**
 * Caller keys of a trust policy (LR011): those, and the identity, network and external-ID keys an
 * sts:AssumeRole* request carries; web identity's audience and subject (`…:aud`, `…:sub`) too.
 */
const TRUST_EXTRA_KEYS = new Set(["aws:userid", "aws:username", "sts:externalid", "aws:sourcevpce", "aws:sourceip", "aws:sourcevpc"]);
/**
 * Audiences that tell no caller apart. GitHub's is `sts.amazonaws.com` for every repository using
 * the official action. SAML's (`SAML:aud`) is the Recipient of the assertion, the AWS sign-in
 * endpoint (`https://signin.aws.amazon.com/saml`) every user of the IdP posts to (IAM User Guide,
 * "Configure SAML assertions for the authentication response"); the subject keys (`SAML:sub`…) do pin.
 */
const NOT_PINNING = new Set(["token.actions.githubusercontent.com:aud", "saml:aud"]);

export function isTrustKey(key: string): boolean {
  if (NOT_PINNING.has(key)) return false;
  return RESOURCE_POLICY_KEYS.has(key) || TRUST_EXTRA_KEYS.has(key) || /:(aud|sub|oaud)$/.test(key);
}

export function isResourcePolicyKey(key: string): boolean {
  return RESOURCE_POLICY_KEYS.has(key);
}

/** A 12-digit account, or a template reference (`${AWS::AccountId}`, `unknown`) that is one once deployed. */
const FIXED_ACCOUNT = /^(?:\d{12}|\$\{[^}]*\}|unknown)$/;
const REFERENCE = /^(?:\$\{[^}]*\}|unknown)$/;

/** An ARN's account field; template references (`${AWS::Region}`) hold colons, so they are blanked first (`${}`: a reference). */
export function arnAccount(arn: string): string {
  return splitArn(arn.replace(/\$\{[^}]*\}/g, "${}"))?.[4] ?? "";
}

/** Whether `value` names a fixed caller for `key` (lower case). */
export function fixedValue(key: string, value: unknown): boolean {
  if (typeof value !== "string") return value !== null && value !== undefined;
  if (value === "" || /^[*?]+$/.test(value)) return false;
  if (ACCOUNT_KEYS.has(key)) return FIXED_ACCOUNT.test(value);
  // An ARN names its account in the fifth field; an S3 bucket's ARN names none (any account can own
  // a bucket of that name once it is free), so a bucket ARN alone pins no account.
  if (ARN_KEYS.has(key)) return REFERENCE.test(value) || FIXED_ACCOUNT.test(arnAccount(value));
  if (ID_KEYS.has(key)) return !/[*?]/.test(value);
  if (ORG_PATH_KEYS.has(key)) return /^(?:o-[a-z0-9]+|\$\{[^}]*\})\//.test(value);
  if (key === "token.actions.githubusercontent.com:sub") return /^repo:[^*?/:]+\//.test(value);
  // A network of every address (0.0.0.0/0, ::/0, 0.0.0.0/1 …) admits any caller: a CIDR pins only
  // with at least 8 fixed bits (IpAddress takes CIDR blocks, IAM user guide, condition operators).
  if (key === "aws:sourceip") return !/\/[0-7]$/.test(value.trim());
  return true;
}

/**
 * An operator that, on an Allow, admits only requests whose key matches its values. Not: `Null`,
 * negated operators, `...IfExists` and `ForAllValues:` (both true when the request lacks the key,
 * as a direct call lacks aws:SourceArn).
 */
function admitting(operator: string): boolean {
  const base = operator.replace(/^ForAnyValue:/i, "");
  return !(/^Null$/i.test(base) || /Not/i.test(base) || /IfExists$/i.test(base) || /^ForAllValues:/i.test(base));
}

/** The pinning conditions of an Allow statement (empty: it admits any caller its principals name). */
export function allowPins(st: PolicyStatement, isKey: (key: string) => boolean): Pin[][] {
  const out: Pin[][] = [];
  for (const [op, block] of Object.entries(st.Condition ?? {})) {
    if (!admitting(op)) continue;
    for (const [k, values] of Object.entries(block)) {
      const key = k.toLowerCase();
      if (isKey(key) && values.length > 0 && values.every((v) => fixedValue(key, v))) out.push(values.map((v) => [key, v] as const));
    }
  }
  return out;
}

/** Negated matching operators: on a Deny, "deny unless the key matches". */
const NEGATED = /^(?:StringNotEquals|StringNotEqualsIgnoreCase|StringNotLike|ArnNotEquals|ArnNotLike)(?:IfExists)?$/i;

/**
 * What a Deny's conditions leave in: the callers it does not deny, when that is a fixed set. A
 * Deny applies when all its conditions hold (AND), a negated condition holds when the key matches
 * none of its values (NOR), and holds when the request lacks the key (as does `...IfExists`, and
 * `ForAllValues:` on a missing key): so a Deny whose every condition is a negated match of a caller
 * key with fixed values lets in only requests matching one of those values, and pins every Allow it
 * covers to them. `ForAnyValue:` is false on a missing key (a call without it is not denied), and
 * any other condition lets requests that fail it through: neither pins. Null: no pin.
 * `caller`: "any" judges it for every caller; "not-service" for callers that are not AWS services,
 * for whom a `BoolIfExists aws:PrincipalIsAWSService false` block always holds (exemptsServices)
 * and is skipped; "service-on-behalf" for an AWS service calling on behalf of a resource (an S3
 * bucket's notification, an SNS topic), the confused-deputy case: its request carries
 * `aws:PrincipalIsAWSService` true and the resource's `aws:SourceAccount`/`aws:SourceArn`, so
 * `Bool(IfExists) aws:PrincipalIsAWSService true` and `Null {aws:SourceAccount: false}` hold and
 * are skipped (onlyForServices). That is the data perimeter's EnforceConfusedDeputyProtection
 * (aws-samples/data-perimeter-policy-examples, resource_control_policies/identity_perimeter_rcp.json):
 * with `StringNotEqualsIfExists aws:SourceOrgID` it holds services to the organisation's resources.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */
export function denyPin(st: PolicyStatement, isKey: (key: string) => boolean, caller: "any" | "not-service" | "service-on-behalf" = "any"): Pin[] | null {
  const entries = Object.entries(st.Condition ?? {});
  if (entries.length === 0) return null;
  const out: Pin[] = [];
  for (const [op, block] of entries) {
    const base = op.replace(/^ForAllValues:/i, "");
    if (caller === "not-service" && /^BoolIfExists$/i.test(op) && exemptsServices(block)) continue;
    if (caller === "service-on-behalf" && onlyForServices(op, block)) continue;
    if (!NEGATED.test(base)) return null;
    for (const [k, values] of Object.entries(block)) {
      const key = k.toLowerCase();
      if (!isKey(key) || values.length === 0 || !values.every((v) => fixedValue(key, v))) return null;
      for (const v of values) out.push([key, v]);
    }
  }
  return out.length > 0 ? out : null;
}

/**
 * `BoolIfExists: {"aws:PrincipalIsAWSService": "false"}` alone in its block: the data-perimeter
 * form that keeps a Deny off AWS service principals (aws-samples/resource-control-policy-examples;
 * IAM User Guide, aws:PrincipalIsAWSService). It holds for every caller that is not a service
 * (false for a signed request of an IAM principal, absent for an unsigned one: IfExists holds), so
 * for those callers the Deny's other conditions decide alone.
 */
function exemptsServices(block: { readonly [key: string]: readonly string[] }): boolean {
  const entries = Object.entries(block);
  return entries.length === 1 && entries[0]![0].toLowerCase() === "aws:principalisawsservice" && entries[0]![1].length > 0 && entries[0]![1].every((v) => String(v).toLowerCase() === "false");
}

/**
 * A block that holds for every service call on behalf of a resource: `Bool` or `BoolIfExists`
 * `aws:PrincipalIsAWSService` true, or `Null` with `aws:SourceAccount`/`aws:SourceArn` false (the
 * key is present: the service acts for some resource's account, which is when a confused deputy
 * can be led to act for another account's). Each alone in its block, as the examples write them.
 */
function onlyForServices(op: string, block: { readonly [key: string]: readonly string[] }): boolean {
  const entries = Object.entries(block);
  if (entries.length === 0) return false;
  const all = (value: string) => entries.every(([, vs]) => vs.length > 0 && vs.every((v) => String(v).toLowerCase() === value));
  if (/^Bool(IfExists)?$/i.test(op)) return entries.every(([k]) => k.toLowerCase() === "aws:principalisawsservice") && all("true");
  if (/^Null$/i.test(op)) return entries.every(([k]) => ["aws:sourceaccount", "aws:sourcearn"].includes(k.toLowerCase())) && all("false");
  return false;
}

/**
 * The account a pin admits: "own" for an organisation, a skill, a template reference, or when the
 * function's account is not known; else the account named (its own account is "own" too).
 */
function admitted(key: string, value: string, own: ReadonlySet<string>, ownKnown: boolean): string {
  if (!ownKnown) return "own";
  let account: string | null = null;
  if (ACCOUNT_KEYS.has(key)) account = value;
  else if (ARN_KEYS.has(key)) account = arnAccount(value);
  // A whole-ARN reference (`${Rule.Arn}`) names no account field: one of the stack's own resources.
  if (account === null || account === "" || REFERENCE.test(account) || own.has(account)) return "own";
  return account;
}

/**
 * Whether one of the pins admits only callers of `account` by naming it: every value an account
 * key (`aws:PrincipalAccount`, `aws:SourceAccount` …) equal to it, or an ARN key's ARN in it. Not
 * an organisation (many accounts) nor a template reference (unknown account).
 */
export function pinsToAccount(pins: readonly Pin[][], account: string): boolean {
  return pins.some((values) => values.every(([k, v]) => (ACCOUNT_KEYS.has(k) && v === account) || (ARN_KEYS.has(k) && arnAccount(v) === account)));
}

/**
 * Of a pinned statement: the other accounts its pins admit, when no pin admits only the own
 * account or organisation (else []): a grant to those accounts, not a public one.
 */
export function otherAccounts(pins: readonly Pin[][], own: ReadonlySet<string>, ownKnown: boolean): string[] {
  if (pins.length === 0) return [];
  const byPin = pins.map((values) => values.map(([k, v]) => admitted(k, v, own, ownKnown)));
  if (byPin.some((accounts) => accounts.every((a) => a === "own"))) return [];
  return [...new Set(byPin.flat().filter((a) => a !== "own"))].sort();
}
