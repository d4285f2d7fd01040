/**
 * Request evaluation: for a principal's identity policies, an optional permissions boundary and an
 * optional resource policy, decide allowed / explicit deny / implicit deny for one request, or
 * "conditional" when the answer depends on context keys the caller did not supply.
 *
 * The logic follows AWS "Policy evaluation logic" (same account unless both accounts are known and
 * differ):
 * 1. an explicit Deny in any of the policies wins;
 * 2. same account: allowed when (an identity policy allows AND the boundary, if any, allows) OR the
 *    resource policy allows the principal directly; a resource-policy grant to a role ARN is still
 *    limited by the role's boundary, a grant to a user or a role session is not ("Evaluating
 *    identity-based policies with permissions boundaries");
 * 3. cross account: the identity policy (within the boundary) AND the resource policy must allow;
 *    KMS keys and IAM roles (an sts: call with the role's trust policy as resource policy) behave
 *    that way in the same account too: the key or trust policy must allow or delegate to IAM;
 * 4. otherwise implicit deny.
 * SCPs, RCPs, session and endpoint policies are out of scope here (the inputs do not carry them).
 */

import type { PolicyDocument, PolicyPrincipal, PolicyStatement } from "../model/document.js";
import { arnAccount, arnMatches, splitArn } from "./arn.js";
import { and, ContextValues, evaluateCondition, instantOf, not, or, type RequestContext, type Tri } from "./conditions.js";
import { globMatches } from "./wildcard.js";

export type Decision = "allowed" | "explicit-deny" | "implicit-deny" | "conditional";

export type PolicyKind = "inline" | "managed" | "boundary" | "resource";

/** A policy with a name the explanation can point at (`inline:<name>` or the managed policy ARN). */
export interface NamedPolicy {
  id: string;
  document: PolicyDocument;
  /** Defaults to "managed" when the id is an ARN, else "inline". */
  kind?: "inline" | "managed";
}

export interface EvaluationRequest {
  /** `service:Action`, matched case-insensitively. */
  action: string;
  /** The resource ARN, or `*` for actions that take no resource. */
  resource: string;
  /** The calling principal (role, user, or `arn:aws:sts::…:assumed-role/…` session). */
  principalArn?: string;
  /** Condition keys of the request. Policy variables (`${aws:username}`) are read from here too. */
  context?: RequestContext;
  /**
   * True: keys missing from `context` are absent from the request (AWS semantics: `…IfExists` holds,
   * `Null: true` holds, StringEquals fails). False (default): they are unknown, and a statement that
   * depends on them makes the decision "conditional".
   */
  contextComplete?: boolean;
  /**
   * Keys certainly absent from the request even where the context is otherwise incomplete: a
   * condition on them is then decided as AWS decides it for a missing key (`…IfExists` holds,
   * StringEquals fails), not "conditional". The calls Lambda makes with the execution role outside
   * the function's environment (ENIs, event source polling, destinations) carry no
   * `lambda:SourceFunctionArn`. Pass one shared array: derived contexts are cached by it.
   */
  absentKeys?: readonly string[];
  /**
   * The request is made at this instant or later (ISO 8601, or epoch milliseconds). Without
   * `aws:CurrentTime`/`aws:EpochTime` in `context`, a condition on them is then settled where every
   * instant from here on gives the same answer: a window that closed before it never matches
   * (the statement does not apply), a start date before it always does. Otherwise such a
   * condition is unknown, as any key the context does not give.
   */
  earliestTime?: string | number;
  /** Account that owns the resource, when the ARN does not say (S3). */
  resourceAccount?: string;
}

export interface EvaluationInput {
  identityPolicies: readonly (NamedPolicy | PolicyDocument)[];
  permissionsBoundary?: NamedPolicy | PolicyDocument | null;
  resourcePolicy?: NamedPolicy | PolicyDocument | null;
  request: EvaluationRequest;
}

export interface StatementRef {
  policy: string;
  policyKind: PolicyKind;
  /** Index in the policy's Statement array. */
  index: number;
  sid: string | null;
  effect: "Allow" | "Deny";
  /** "applies": matches the request; "conditional": matches only if the missing context keys allow. */
  match: "applies" | "conditional";
}

export interface EvaluationResult {
  decision: Decision;
  explanation: {
    /** One sentence for humans. */
    summary: string;
    /** The statements that decided (denies for a deny, grants for an allow, undecided ones for conditional). */
    statements: StatementRef[];
    /** Context keys that would settle a conditional decision, sorted. */
    missingContextKeys: string[];
  };
}

interface StatementOutcome {
  ref: StatementRef;
  result: Tri;
  /** For resource-policy Allow statements: the principal matched only as an account (delegation). */
  viaAccountOnly: boolean;
  /** For resource-policy statements: the principal matched because the role ARN itself is named (boundary still applies). */
  viaRoleArn: boolean;
  missingKeys: string[];
}

/** Evaluate one request. Pure; safe to call for many requests (patterns are compiled once and cached). */
export function evaluateRequest(input: EvaluationInput): EvaluationResult {
  const { request } = input;
  const ctx = contextValues(request);
  // Statements of every policy that apply or may apply to this request (outcomes). The decisions
  // below are ORs over them, taken in loops: the analysis evaluates ~10^5 requests, and the
  // filtered and spread arrays of each request were a fifth of the calling thread's allocation at
  // 10,000 functions (bench/results/scale.md, "Session 54").
  const identity: StatementOutcome[] = [];
  input.identityPolicies.forEach((p, i) => outcomes(p, "identity", i, undefined, null, request, ctx, identity));
  const boundaryPolicy = input.permissionsBoundary ?? null;
  const boundary: StatementOutcome[] = [];
  if (boundaryPolicy) outcomes(boundaryPolicy, "permissions-boundary", -1, "boundary", null, request, ctx, boundary);
  const resourcePolicy = input.resourcePolicy ?? null;
  const resource: StatementOutcome[] = [];
  if (resourcePolicy) outcomes(resourcePolicy, "resource-policy", -1, "resource", request.principalArn ?? null, request, ctx, resource, boundaryPolicy !== null);

  const explicitDeny = or(or(orOver(identity, isDeny), orOver(boundary, isDeny)), orOver(resource, isDeny));
  const identityAllow = orOver(identity, isDirectAllow);
  const boundaryAllow: Tri = boundaryPolicy ? orOver(boundary, isDirectAllow) : true;
  const resourceAllow = orOver(resource, isDirectAllow);

  const principalAccount = request.principalArn ? arnAccount(request.principalArn) : null;
  const resourceAccount = request.resourceAccount ?? arnAccount(request.resource);
  const crossAccount = principalAccount !== null && resourceAccount !== null && principalAccount !== resourceAccount;

  let allow: Tri;
  if (crossAccount) {
    // The resource policy must name the principal (an account-level grant delegates to the other account's identity policies).
    allow = and(and(identityAllow, boundaryAllow), resourcePolicy ? orOver(resource, isAllow) : false);
  } else {
    // A grant naming the role ARN is limited by the role's boundary; a grant to everyone ("*"), to a
    // user or to a role session is not (AWS: "an implicit deny in a permissions boundary does limit
    // the permissions granted to the ARN of the underlying IAM role by the resource-based policy").
    const unbounded = orOver(resource, isUnboundedAllow);
    const roleArnGrant = orOver(resource, isRoleArnAllow);
    // KMS keys: the key policy must allow, directly or by delegating to the account's IAM policies
    // (AWS KMS: "Unless the key policy explicitly allows it, you cannot use IAM policies to allow
    // access to a KMS key"). Without a key policy in the input we assume the default key policy,
    // which delegates to IAM.
    const kmsKey = resourcePolicy !== null && /^arn:[^:]+:kms:[^:]*:[^:]*:key\//.test(request.resource);
    // A role's trust policy is the other exception ("IAM role trust policies and KMS key policies are
    // exceptions to this logic, because they must explicitly allow access for principals", IAM User
    // Guide, "Policy evaluation logic"): an identity policy allowing sts:AssumeRole counts only where
    // the trust policy names the caller's account (`arn:aws:iam::<acct>:root` or the account ID),
    // delegating to it; a trust policy naming the caller's ARN allows it directly, as above.
    const trustPolicy = resourcePolicy !== null && isRoleTrustRequest(request);
    const identityPath = kmsKey || trustPolicy ? and(and(identityAllow, boundaryAllow), orOver(resource, isDelegation)) : and(identityAllow, boundaryAllow);
    allow = or(or(identityPath, unbounded), and(roleArnGrant, boundaryAllow));
  }

  // The statements named in the result, in policy order (identity, boundary, resource).
  let every: StatementOutcome[] | null = null;
  const all = (): StatementOutcome[] => (every ??= [...identity, ...boundary, ...resource]);
  const refs = (list: StatementOutcome[], result: Tri): StatementRef[] =>
    list.filter((o) => o.result === result).map((o) => ({ ...o.ref, match: result === true ? "applies" : "conditional" }));

  if (explicitDeny === true) {
    const denied = refs(all().filter(isDeny), true);
    return result("explicit-deny", `Explicitly denied by ${describe(denied)}.`, denied, []);
  }
  if (allow === false) {
    const why =
      identityAllow !== false && boundaryAllow === false
        ? "the permissions boundary does not allow the action on this resource"
        : crossAccount && identityAllow !== false && resourceAllow === false
          ? "cross-account access needs the resource policy to allow it too"
          : "no statement allows the action on this resource";
    return result("implicit-deny", `Implicitly denied: ${why}.`, [], []);
  }
  const grants = all().filter(isAllow);
  if (allow === true && explicitDeny === false) {
    const allowedBy = refs(grants, true);
    return result("allowed", `Allowed by ${describe(allowedBy)}.`, allowedBy, []);
  }
  const denies = all().filter(isDeny);
  const undecided = [...refs(grants, "unknown"), ...refs(denies, "unknown")];
  const missing = [...new Set(all().filter((o) => o.result === "unknown").flatMap((o) => o.missingKeys))].sort();
  const summary =
    explicitDeny === "unknown" && allow === true
      ? `Allowed unless a conditional Deny applies (${describe(refs(denies, "unknown"))}); depends on ${missing.join(", ") || "the request context"}.`
      : `Allowed only under conditions (${describe(refs(grants, "unknown"))}); depends on ${missing.join(", ") || "the request context"}.`;
  return result("conditional", summary, undecided, missing);
}

/** The OR of the results of the statements `keep` takes (false when none). */
function orOver(list: readonly StatementOutcome[], keep: (o: StatementOutcome) => boolean): Tri {
  let acc: Tri = false;
  for (const o of list) {
    if (!keep(o)) continue;
    acc = or(acc, o.result);
    if (acc === true) return true;
  }
  return acc;
}
const isDeny = (o: StatementOutcome): boolean => o.ref.effect === "Deny";
const isAllow = (o: StatementOutcome): boolean => o.ref.effect === "Allow";
/** An Allow that grants by itself: not a resource policy's grant to the principal's account only, which delegates to its IAM policies. */
const isDirectAllow = (o: StatementOutcome): boolean => o.ref.effect === "Allow" && !o.viaAccountOnly;
const isUnboundedAllow = (o: StatementOutcome): boolean => isDirectAllow(o) && !o.viaRoleArn;
const isRoleArnAllow = (o: StatementOutcome): boolean => isDirectAllow(o) && o.viaRoleArn;
/** Does the resource policy allow the principal's account (delegating to IAM policies)? */
const isDelegation = (o: StatementOutcome): boolean => o.ref.effect === "Allow" && o.viaAccountOnly;

/** An STS call on an IAM role (sts:AssumeRole, sts:TagSession …): the resource policy is the role's trust policy. */
function isRoleTrustRequest(request: EvaluationRequest): boolean {
  return /^sts:/i.test(request.action) && /^arn:[^:]+:iam::[^:]*:role\//.test(request.resource);
}

/**
 * The global keys AWS puts in every request and that follow from the principal ARN, added when the
 * caller's context does not set them: aws:PrincipalArn (not for a role session, whose role's path is
 * unknown: the caller gives the role's ARN, or the key stays unknown),
 * aws:PrincipalAccount, and aws:username for IAM users ("Global condition context keys").
 */
/**
 * Keys the principal's type rules out of every request it makes. `aws:username`: "requests made
 * using the AWS account root user, IAM roles [or federated users] don't include this key" (AWS
 * global condition keys); as a policy variable it then has no value and a Resource built from it
 * matches nothing, so a role policy on `user/${aws:username}` grants the role nothing.
 */
const ABSENT_FOR_SESSIONS: ReadonlySet<string> = new Set(["aws:username"]);
function principalAbsentKeys(context: RequestContext | undefined, principalArn: string | undefined): ReadonlySet<string> | undefined {
  if (principalArn === undefined) return undefined;
  if (!/^arn:[^:]+:(?:iam::\d{12}:role\/|sts::\d{12}:(?:assumed-role|federated-user)\/)/.test(principalArn)) return undefined;
  if (context !== undefined && Object.keys(context).some((k) => k.toLowerCase() === "aws:username")) return undefined;
  return ABSENT_FOR_SESSIONS;
}

/** An assumed-role session's ARN (`arn:aws:sts::<account>:assumed-role/<role name>/<session>`). */
function isRoleSession(arn: string): boolean {
  return /^arn:[^:]+:sts::[^:]*:assumed-role\//.test(arn);
}

const UNKNOWN_FOR_SESSIONS: ReadonlySet<string> = new Set(["aws:principalarn"]);
/** Keys a role session's request carries whose value its ARN does not give (withPrincipalKeys), unless the context gives them. */
function principalUnknownKeys(context: RequestContext | undefined, principalArn: string | undefined): ReadonlySet<string> | undefined {
  if (principalArn === undefined || !isRoleSession(principalArn)) return undefined;
  if (context !== undefined && Object.keys(context).some((k) => k.toLowerCase() === "aws:principalarn")) return undefined;
  return UNKNOWN_FOR_SESSIONS;
}

function withPrincipalKeys(context: RequestContext | undefined, principalArn: string | undefined): RequestContext | undefined {
  if (principalArn === undefined) return context;
  const have = new Set(Object.keys(context ?? {}).map((k) => k.toLowerCase()));
  const derived: { [key: string]: string } = {};
  // A role session's aws:PrincipalArn is its role's ARN ("Global condition context keys"), whose
  // path the session ARN does not carry (`assumed-role/<name>/…` for `role/service-role/<name>`):
  // left unknown unless the caller gives it, rather than `role/<name>`, which is another ARN when
  // the role has a path (a condition on it then decided wrongly either way).
  if (!have.has("aws:principalarn") && !isRoleSession(principalArn)) derived["aws:PrincipalArn"] = principalArn;
  const account = arnAccount(principalArn);
  if (account !== null && !have.has("aws:principalaccount")) derived["aws:PrincipalAccount"] = account;
  const user = /^arn:[^:]+:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(principalArn);
  if (user && !have.has("aws:username")) derived["aws:username"] = user[1] as string;
  return { ...derived, ...context };
}

/**
 * Derived context values per frozen context object, principal and completeness. A frozen context
 * cannot change, so what is derived from it (principal keys, lower-cased map) can be shared by every
 * request that passes the same object; the analysis evaluates ~10^5 requests with a few thousand
 * contexts. Unfrozen contexts are derived afresh each time (the caller may change them).
 */
const derivedContexts = new WeakMap<RequestContext, Map<string, Array<{ complete: boolean; earliest: number | null; absent: readonly string[] | undefined; values: ContextValues }>>>();
function contextValues(request: EvaluationRequest): ContextValues {
  const complete = request.contextComplete === true;
  const context = request.context;
  const earliest = earliestOf(request.earliestTime);
  if (context === undefined || !Object.isFrozen(context)) return derivedContext(request, complete, earliest);
  let byPrincipal = derivedContexts.get(context);
  if (byPrincipal === undefined) derivedContexts.set(context, (byPrincipal = new Map()));
  // By principal, then a scan of the few (completeness, earliest time) pairs an analysis uses: no
  // key string made per request (47 MB of the calling thread's allocation at 10,000 functions).
  const principal = request.principalArn ?? "";
  let list = byPrincipal.get(principal);
  if (list === undefined) byPrincipal.set(principal, (list = []));
  for (const e of list) if (e.complete === complete && e.earliest === earliest && e.absent === request.absentKeys) return e.values;
  const values = derivedContext(request, complete, earliest);
  list.push({ complete, earliest, absent: request.absentKeys, values });
  return values;
}

function derivedContext(request: EvaluationRequest, complete: boolean, earliest: number | null): ContextValues {
  const principal = principalAbsentKeys(request.context, request.principalArn);
  const given = request.absentKeys;
  // A key the context gives is not absent, whatever the caller says.
  const absent =
    given === undefined || given.length === 0
      ? principal
      : new Set([...(principal ?? []), ...given.map((k) => k.toLowerCase()).filter((k) => !Object.keys(request.context ?? {}).some((c) => c.toLowerCase() === k))]);
  return new ContextValues(withPrincipalKeys(request.context, request.principalArn), complete, absent, earliest, principalUnknownKeys(request.context, request.principalArn));
}

/** `earliestTime` as epoch milliseconds; a value that is not a time is an error, not a silent "unknown". */
function earliestOf(t: string | number | undefined): number | null {
  if (t === undefined) return null;
  const ms = instantOf(t);
  if (ms === null) throw new TypeError(`earliestTime is not a time: ${String(t)}`);
  return ms;
}

function result(decision: Decision, summary: string, statements: StatementRef[], missingContextKeys: string[]): EvaluationResult {
  return { decision, explanation: { summary, statements, missingContextKeys } };
}

function describe(refs: StatementRef[]): string {
  if (refs.length === 0) return "no statement";
  return refs
    .slice(0, 3)
    .map((r) => `${r.policy} Statement[${r.index}]${r.sid ? ` (${r.sid})` : ""}`)
    .join(", ")
    .concat(refs.length > 3 ? ` and ${refs.length - 3} more` : "");
}

function isNamed(p: NamedPolicy | PolicyDocument): p is NamedPolicy {
  return "document" in p && "id" in p;
}

function named(p: NamedPolicy | PolicyDocument, fallbackId: string, forcedKind?: PolicyKind): { id: string; kind: PolicyKind; document: PolicyDocument } {
  if (isNamed(p)) {
    const kind: PolicyKind = forcedKind ?? p.kind ?? (p.id.startsWith("arn:") ? "managed" : "inline");
    return { id: p.id, kind, document: p.document };
  }
  return { id: fallbackId, kind: forcedKind ?? "inline", document: p as PolicyDocument };
}

/**
 * The statements of policy `p` that apply or may apply to the request, appended to `out`. `p`
 * unnamed is called `fallback` (`fallback[index]` when index ≥ 0). Only statements that apply or
 * may apply: a `false` outcome is neutral in every use (an OR of results, refs and missing keys of
 * true/unknown ones), and most statements of a role are about other actions, so not building
 * their outcomes saves most of the allocation; the policy's name is made only for those.
 */
function outcomes(
  p: NamedPolicy | PolicyDocument,
  fallback: string,
  index: number,
  forcedKind: PolicyKind | undefined,
  principalArn: string | null,
  request: EvaluationRequest,
  ctx: ContextValues,
  out: StatementOutcome[],
  hasBoundary = false,
): void {
  const document = isNamed(p) ? p.document : p;
  const useVariables = document.Version === "2012-10-17";
  const action = matchKeyOf(request.action);
  let policy: { id: string; kind: PolicyKind } | null = null;
  const statements = document.Statement;
  for (let i = 0; i < statements.length; i++) {
    const st = statements[i] as PolicyStatement;
    if (!actionAppliesTo(st, action)) continue;
    policy ??= named(p, index >= 0 ? `${fallback}[${index}]` : fallback, forcedKind);
    const missingKeys: string[] = [];
    let viaAccountOnly = false;
    let viaRoleArn = false;
    let r: Tri = resourceApplies(st, request.resource, ctx, useVariables, missingKeys);
    if (r !== false && policy.kind === "resource") {
      const pr = principalApplies(st, principalArn, hasBoundary);
      if (pr === "account") viaAccountOnly = true;
      if (pr === "role") viaRoleArn = true;
      r = and(r, pr === "account" || pr === "role" ? true : pr);
    }
    if (r !== false) {
      const c = evaluateCondition(st.Condition, ctx, useVariables);
      missingKeys.push(...c.missingKeys);
      r = and(r, c.result);
    }
    if (r === false) continue;
    out.push({
      ref: { policy: policy.id, policyKind: policy.kind, index: i, sid: st.Sid === undefined || st.Sid === "" ? null : st.Sid, effect: st.Effect, match: "applies" },
      result: r,
      viaAccountOnly,
      viaRoleArn,
      missingKeys: r === "unknown" ? missingKeys : [],
    });
  }
}

/**
 * Patterns of an Action/NotAction list grouped by lower-case service prefix, so a request only tests
 * the patterns of its own service (ReadOnlyAccess lists ~1,800 patterns). Keyed by the list object:
 * parsed documents must not be mutated.
 */
interface ActionIndex {
  any: boolean;
  exact: Set<string>;
  byService: Map<string, string[]>;
  /** Patterns whose service prefix has a wildcard. */
  wildService: string[];
}
const actionIndexCache = new WeakMap<readonly string[], ActionIndex>();

function actionIndex(patterns: readonly string[]): ActionIndex {
  let index = actionIndexCache.get(patterns);
  if (index !== undefined) return index;
  index = { any: false, exact: new Set(), byService: new Map(), wildService: [] };
  for (const p of patterns) {
    const lower = p.toLowerCase();
    if (lower === "*") {
      index.any = true;
      continue;
    }
    const colon = lower.indexOf(":");
    const service = colon < 0 ? lower : lower.slice(0, colon);
    if (service.includes("*") || service.includes("?")) index.wildService.push(lower);
    else if (!lower.includes("*") && !lower.includes("?")) index.exact.add(lower);
    else {
      const list = index.byService.get(service);
      if (list === undefined) index.byService.set(service, [lower]);
      else list.push(lower);
    }
  }
  actionIndexCache.set(patterns, index);
  return index;
}

/** An action lower-cased, and its service prefix (the whole action when it has no colon). */
interface ActionMatchKey {
  lower: string;
  service: string;
}
/**
 * Per action string, its key: the same few thousand actions are matched against every statement
 * of every request, and lower-casing and slicing them each time made two strings per statement
 * (138 MB of the calling thread's allocation at 10,000 functions: results/scale.md, "Session 54").
 */
const matchKeys = new Map<string, ActionMatchKey>();
function matchKeyOf(action: string): ActionMatchKey {
  let key = matchKeys.get(action);
  if (key === undefined) {
    const lower = action.toLowerCase();
    const colon = lower.indexOf(":");
    key = { lower, service: colon < 0 ? lower : lower.slice(0, colon) };
    if (matchKeys.size >= 1 << 16) matchKeys.clear();
    matchKeys.set(action, key);
  }
  return key;
}

function anyActionMatches(patterns: readonly string[], action: ActionMatchKey): boolean {
  const index = actionIndex(patterns);
  if (index.any) return true;
  const lower = action.lower;
  if (index.exact.has(lower)) return true;
  const candidates = index.byService.get(action.service);
  if (candidates !== undefined) for (const p of candidates) if (globMatches(p, lower, true)) return true;
  for (const p of index.wildService) if (globMatches(p, lower, true)) return true;
  return false;
}

/** Action / NotAction against a concrete action, case-insensitively. */
export function actionApplies(st: PolicyStatement, action: string): boolean {
  return actionAppliesTo(st, matchKeyOf(action));
}

function actionAppliesTo(st: PolicyStatement, action: ActionMatchKey): boolean {
  if (st.Action !== undefined) return anyActionMatches(st.Action, action);
  if (st.NotAction !== undefined) return !anyActionMatches(st.NotAction, action);
  return false;
}

/** Resource / NotResource against an ARN. A statement with neither (trust policy) applies to any resource. */
export function resourceApplies(st: PolicyStatement, arn: string, ctx: ContextValues, useVariables: boolean, missingKeys: string[]): Tri {
  const any = (patterns: readonly string[]): Tri => {
    let acc: Tri = false;
    for (const p of patterns) {
      acc = or(acc, patternTri(p, arn, ctx, useVariables, missingKeys));
      if (acc === true) return true;
    }
    return acc;
  };
  if (st.Resource !== undefined) return any(st.Resource);
  if (st.NotResource === undefined) return true;
  // AWS: "If AWS cannot resolve a variable this might cause the entire statement to be invalid".
  // A NotResource pattern for this resource's service with a variable without value (and no
  // default) makes the statement not apply: it cannot say what it excludes. In Resource such a
  // pattern simply matches nothing (patternTri). Both as iam-simulate does.
  if (useVariables) {
    for (const p of st.NotResource) {
      const unresolved = unresolvedVariables([p], ctx);
      if (unresolved.length === 0 || !sameService(p, arn)) continue;
      if (ctx.complete || unresolved.some((k) => ctx.knownAbsent(k))) return false;
      missingKeys.push(...unresolved);
      return "unknown";
    }
  }
  return not(any(st.NotResource));
}

/**
 * Could the pattern match this ARN whatever its unresolved `${…}` turn out to be? Each `${…}` read
 * as `*` over the whole string (across `:` too, as a template's `${Queue.Arn}` may span parts): an
 * ARN this does not match, no value can make the pattern match. So `log-group:/aws/lambda/other:*`
 * behind `${AWS::Region}:${AWS::AccountId}` is no grant on the function's own log group (it was
 * "conditional" when only the service was compared), while `…/${aws:username}/*` on another
 * user's folder stays unknown.
 */
function couldMatch(pattern: string, arn: string, only?: (body: string) => boolean): boolean {
  return globMatches(pattern.replace(/\$\{([^}]*)\}/g, (all, body: string) => (only === undefined || only(body.trim()) ? "*" : all)), arn, false);
}

/**
 * Is the pattern about this resource's service? A NotResource pattern for it with a variable
 * without value invalidates the statement (resourceApplies), as iam-simulate, our differential
 * oracle, reads AWS's "might cause the entire statement to be invalid".
 */
function sameService(pattern: string, arn: string): boolean {
  const p = splitArn(pattern);
  const a = splitArn(arn);
  if (p === null || a === null) return true;
  return globMatches(p[2] as string, a[2] as string, false);
}

/** Keys of `${…}` variables (without default) in the patterns that the context does not supply. */
function unresolvedVariables(patterns: readonly string[], ctx: ContextValues): string[] {
  const out: string[] = [];
  for (const p of patterns) {
    if (!p.includes("${")) continue;
    for (const m of p.matchAll(/\$\{([^}]*)\}/g)) {
      const body = (m[1] as string).trim();
      if (body === "*" || body === "?" || body === "$" || body.includes(",")) continue;
      const values = ctx.get(body);
      // Multivalued keys cannot be policy variables.
      if (values === undefined || values.length !== 1) out.push(body);
    }
  }
  return out;
}

/**
 * Placeholders a template or plan left in a pattern (`${AWS::Region}`, `${Queue.Arn}`,
 * `${aws_sqs_queue.jobs.arn}`): CloudFormation and Terraform replace them before IAM reads the
 * policy, so they stand for a value whatever the policy's Version. An IAM policy variable names a
 * context key (`aws:username`, `s3:prefix`: one colon), which IAM reads only under 2012-10-17.
 */
function templatePlaceholders(pattern: string): string[] {
  const out: string[] = [];
  for (const m of pattern.matchAll(/\$\{([^}]*)\}/g)) {
    const body = (m[1] as string).trim();
    if (isTemplatePlaceholder(body)) out.push(body);
  }
  return out;
}

function isTemplatePlaceholder(body: string): boolean {
  return !(body === "*" || body === "?" || body === "$" || /^[A-Za-z0-9-]+:[^:]/.test(body));
}

function patternTri(pattern: string, arn: string, ctx: ContextValues, useVariables: boolean, missingKeys: string[]): Tri {
  if (!pattern.includes("${")) return arnMatches(pattern, arn);
  if (!useVariables) {
    // Without 2012-10-17 IAM reads `${aws:username}` as text; a template's placeholder is still a value.
    const placeholders = templatePlaceholders(pattern);
    if (placeholders.length === 0) return arnMatches(pattern, arn);
    if (!couldMatch(pattern, arn, isTemplatePlaceholder)) return false;
    missingKeys.push(...placeholders);
    return "unknown";
  }
  if (!ctx.complete) {
    const unresolved = unresolvedVariables([pattern], ctx);
    // A variable whose key is known to be absent has no value: the pattern matches nothing (below).
    if (unresolved.length > 0 && !unresolved.some((k) => ctx.knownAbsent(k))) {
      if (!couldMatch(pattern, arn)) return false;
      missingKeys.push(...unresolved);
      return "unknown";
    }
  }
  return arnMatches(pattern, arn, ctx.variables());
}

/**
 * Principal / NotPrincipal of a resource-policy statement. Returns true for a direct match, "account"
 * when the principal matched only through its account (`123456789012` or `arn:aws:iam::123456789012:root`),
 * which in an Allow delegates to the account's identity policies instead of granting.
 * `hasBoundary`: the principal has a permissions boundary (see denyNotPrincipalApplies).
 */
function principalApplies(st: PolicyStatement, principalArn: string | null, hasBoundary = false): Tri | "account" | "role" {
  if (st.Principal !== undefined) return principalMatch(st.Principal, principalArn);
  if (st.NotPrincipal !== undefined) {
    if (st.Effect === "Deny") return denyNotPrincipalApplies(st.NotPrincipal, principalArn, hasBoundary);
    const m = principalMatch(st.NotPrincipal, principalArn);
    return m === "unknown" ? m : m === false;
  }
  return true;
}

/**
 * Whether a Deny with NotPrincipal applies to the principal: to everyone but the principals it
 * names, where a principal is named only when every identity AWS may check for it is (IAM User
 * Guide, "AWS JSON policy elements: NotPrincipal"):
 * - "you must also specify the account ARN of the not-denied principal. Otherwise, the policy might
 *   deny access to the entire account containing the principal. ... If an assumed-role user ... is
 *   being evaluated, AWS might validate the account first, then the role, and then the assumed-role
 *   user": a user is exempt when its ARN and its account are listed, a role session when its
 *   session ARN, its role and its account are. Listing the account does not exempt the account's
 *   users and roles (the guide's example: NotPrincipal Bob and his account's root denies "all
 *   principals except the user named Bob"). Named but without its account (or role), it "might" be
 *   denied: unknown. A session when another session of its role is listed: denied (the guide's
 *   example denies "all principals except the assumed-role user named cross-account-audit-app");
 *   when the role and its account are listed and no session: unknown (the guide recommends "the ARN
 *   for a role and the ARN for the account containing that role", while its example lists the
 *   session too).
 * - "The NotPrincipal element with a Deny effect will always deny any IAM principal that has a
 *   permissions boundary policy attached, regardless of the values specified in the NotPrincipal
 *   element."
 */
function denyNotPrincipalApplies(notPrincipal: PolicyPrincipal, principalArn: string | null, hasBoundary: boolean): Tri {
  if (notPrincipal === "*") return false;
  const aws = notPrincipal.AWS ?? [];
  if (aws.includes("*")) return false;
  if (principalArn === null) return aws.length > 0 ? "unknown" : true;
  const iamPrincipal = /^arn:[^:]+:(?:iam::[^:]*:(?:user|role)\/|sts::[^:]*:assumed-role\/)/.test(principalArn);
  if (hasBoundary && iamPrincipal) return true;
  const account = arnAccount(principalArn) ?? (splitArn(principalArn)?.[4] || null);
  const accountNamed = account !== null && aws.some((id) => id === account || id === `arn:${partitionOf(principalArn)}:iam::${account}:root`);
  if (/^arn:[^:]+:iam::[^:]*:root$/.test(principalArn)) return !accountNamed;
  const self = aws.includes(principalArn);
  if (isRoleSession(principalArn)) {
    const roleNamed = aws.some((id) => roleMatchesSession(id, principalArn));
    if (self && roleNamed && accountNamed) return false;
    if (self) return "unknown";
    // Another session of the role listed: the statement exempts that session, not this one (the
    // guide's example denies "all principals except the assumed-role user named …").
    const role = sessionRoleOf(principalArn);
    if (aws.some((id) => sessionRoleOf(id) === role)) return true;
    return roleNamed && accountNamed ? "unknown" : true;
  }
  if (/^arn:[^:]+:iam::[^:]*:role\//.test(principalArn)) {
    // The role's sessions make its calls; which one is not known here.
    return self ? "unknown" : true;
  }
  if (self && accountNamed) return false;
  return self ? "unknown" : true;
}

/** "role": the principal is a role (or one of its sessions) and the statement names the role ARN. */
function principalMatch(principal: PolicyPrincipal, principalArn: string | null): Tri | "account" | "role" {
  if (principal === "*") return true;
  const aws = principal.AWS ?? [];
  if (aws.includes("*")) return true;
  if (principalArn === null) return aws.length > 0 ? "unknown" : false;
  // The account field as written: 12 digits, or a template's placeholder account (`unknown`), whose
  // root a trust policy of the same template names once `${AWS::AccountId}` is resolved
  // (src/analysis/escalation.ts trustOf).
  const account = arnAccount(principalArn) ?? (splitArn(principalArn)?.[4] || null);
  let viaAccount = false;
  for (const id of aws) {
    if (id === principalArn) return /^arn:[^:]+:iam::[^:]*:role\//.test(id) ? "role" : true;
    if (roleMatchesSession(id, principalArn)) return "role";
    if (account !== null && (id === account || id === `arn:${partitionOf(principalArn)}:iam::${account}:root`)) viaAccount = true;
  }
  return viaAccount ? "account" : false;
}

/** `arn:aws:sts::1:assumed-role/name/session` → `arn:aws:sts::1:assumed-role/name/`; null for any other ARN. */
function sessionRoleOf(arn: string): string | null {
  return /^arn:[^:]+:sts::[^:]*:assumed-role\/[^/]+\//.exec(arn)?.[0] ?? null;
}

/** `arn:aws:iam::1:role/path/name` matches the session `arn:aws:sts::1:assumed-role/name/session`. */
function roleMatchesSession(roleArn: string, sessionArn: string): boolean {
  const s = /^arn:([^:]+):sts::(\d+):assumed-role\/([^/]+)\//.exec(sessionArn);
  const r = /^arn:([^:]+):iam::(\d+):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  return s !== null && r !== null && s[1] === r[1] && s[2] === r[2] && s[3] === r[3];
}

function partitionOf(arn: string): string {
  return splitArn(arn)?.[1] ?? "aws";
}
