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
 * - every Deny statement of the principal is one of the target's, or names no action any Allow
 *   statement of the target may name (AWS's delegation policies deny the principal iam:Delete*
 *   PermissionsBoundary and iam:CreatePolicyVersion on its boundary: a target granted only S3 holds
 *   nothing those take away), and the principal's permissions boundary, if any, is the target's too
 *   (else the target may hold what they take from the principal);
 * - neither has a policy the inputs do not give (PrincipalPolicies.incomplete).
 * The target's own Deny statements and boundary only take from it, so they are not looked at.
 * What resource policies outside the inputs grant the target by its ARN (a KMS key policy, a
 * bucket policy) is not seen; roles whose trust policies name it are the caller's business
 * (escalation.ts keeps such a target).
 */
import type { PolicyStatement } from "../model/document.js";
import { globCovers, patternCovers } from "./iam.js";
import { globMatches } from "../iam/wildcard.js";
import { serviceOf } from "../iam/catalog.js";
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
  const service = serviceOf(action);
  return /[*?]/.test(service) || services.has(service);
}

/**
 * Whether action pattern `x` matches every action pattern `a` matches (both lower case): equal, or
 * `x` a wildcard covering `a`. A pattern without a wildcard covers only itself, and one of another
 * service (the part before `:` without wildcards) nothing: the glob comparison, most of the cost,
 * only for a wildcard of the same service.
 */
function actionCovers(x: string, a: string): boolean {
  if (x === a) return true;
  if (!x.includes("*") && !x.includes("?")) return false;
  const colon = x.indexOf(":");
  if (colon > 0 && !/[*?]/.test(x.slice(0, colon)) && !a.startsWith(x.slice(0, colon + 1)) && !/[*?]/.test(a.slice(0, a.indexOf(":") + 1))) return false;
  return globCovers(x, a);
}

/**
 * Whether `s` is `t` (resources, condition, NotAction) with at least its actions: the same statement
 * of a shared policy, or one that names more actions (a conditional statement is compared so, its
 * condition being the same). An action of a service that does not exist is left out.
 */
function sameButActions(s: PolicyStatement, t: PolicyStatement, services: ReadonlySet<string> | null): boolean {
  if (s.Effect !== t.Effect) return false;
  const rest = (x: PolicyStatement) => JSON.stringify([x.Resource, x.NotResource, x.Condition ?? {}, x.NotAction, x.Principal, x.NotPrincipal]);
  if (rest(s) !== rest(t)) return false;
  if (t.Action === undefined) return s.Action === undefined;
  if (s.Action === undefined) return false;
  const sActions = s.Action.map((a) => a.toLowerCase());
  return t.Action.every((a) => !mayBeReal(a, services) || sActions.some((x) => actionCovers(x, a.toLowerCase())));
}

/**
 * Whether action patterns `a` and `b` (lower case) may name a common action. True unless certain:
 * two literals that differ, a pattern that does not match a literal, or two patterns of different
 * services named without wildcards.
 */
function mayOverlap(a: string, b: string): boolean {
  const wa = /[*?]/.test(a);
  const wb = /[*?]/.test(b);
  if (!wa && !wb) return a === b;
  if (!wb) return globMatches(a, b);
  if (!wa) return globMatches(b, a);
  const sa = serviceOf(a);
  const sb = serviceOf(b);
  return /[*?]/.test(sa) || /[*?]/.test(sb) || sa === sb;
}

/**
 * Whether a Deny statement of the principal may take back some of what the target's Allow
 * statements grant (they name a common action): true for a NotAction on either side.
 */
function denyMayTouch(d: PolicyStatement, allows: readonly PolicyStatement[], services: ReadonlySet<string> | null): boolean {
  if (allows.length === 0) return false;
  if (d.Action === undefined) return true;
  const denied = d.Action.map((x) => x.toLowerCase());
  for (const t of allows) {
    if (t.Action === undefined) return true;
    for (const a of t.Action) {
      if (!mayBeReal(a, services)) continue;
      const la = a.toLowerCase();
      if (denied.some((x) => mayOverlap(x, la))) return true;
    }
  }
  return false;
}

/** Whether the principal's statement `s` grants at least what the target's statement `t` grants, to whoever holds it. */
function covers(s: PolicyStatement, t: PolicyStatement, services: ReadonlySet<string> | null): boolean {
  if (sameButActions(s, t, services) && samePrincipalIndependent(t)) return true;
  if (s.Effect !== "Allow" || (s.Condition !== undefined && Object.keys(s.Condition).length > 0)) return false;
  if (s.Action === undefined || s.Resource === undefined) return false;
  if (JSON.stringify([s.Action, s.Resource]).includes("${")) return false;
  const sActions = s.Action.map((a) => a.toLowerCase());
  const everyAction = sActions.includes("*");
  const actionsCovered = t.Action !== undefined ? t.Action.every((a) => everyAction || !mayBeReal(a, services) || sActions.some((x) => actionCovers(x, a.toLowerCase()))) : everyAction;
  if (!actionsCovered) return false;
  const everyResource = s.Resource.includes("*");
  if (everyResource) return true;
  if (t.Resource === undefined) return false;
  return t.Resource.every((r) => !r.includes("${") && s.Resource!.some((x) => patternCovers(x, r)));
}

/** A principal's statements as a GainComparer reads them, made once per principal (its PrincipalPolicies). */
interface View {
  incomplete: boolean;
  /** Its permissions boundary's number (GainComparer.idOf its text), -1 for none. */
  boundary: number;
  allows: PolicyStatement[];
  /** Its Allow and Deny statements' numbers. */
  allowIds: number[];
  denyIds: number[];
  denySet: Set<number>;
  /** The number of what a target is compared by (incomplete, boundary, statements): equal policies, equal numbers. */
  set: number;
  /** As a source: per target statement number, whether one of its Allow statements covers it (0 not yet known, 1 yes, 2 no). */
  covered: Uint8Array;
  /** As a source: per target set number, whether the target holds no more (0 not yet known, 1 yes, 2 no). */
  bySet: Uint8Array;
}

/** `a[i]`, the array grown (zeros) to hold index `i` first. */
function grownFor(a: Uint8Array, i: number): Uint8Array {
  if (i < a.length) return a;
  const grown = new Uint8Array(Math.max(i + 1, a.length * 2, 16));
  grown.set(a);
  return grown;
}

/**
 * Whether a target holds no permission a principal lacks (see the module comment), for one
 * analysis: statements and policy sets are numbered as they are met, and each principal keeps what
 * it found per target statement and per target policy set, so that thousands of principals each
 * reaching thousands of targets (every role may pass every other) compare a few statement sets,
 * not every pair. `services`: the service names the action catalog knows (lower case), null to
 * count every action as real.
 */
export class GainComparer {
  private readonly ids = new Map<string, number>();
  private readonly statements: PolicyStatement[] = [];
  private readonly views = new WeakMap<PrincipalPolicies, View>();

  constructor(private readonly services: ReadonlySet<string> | null) {}

  /** The number of a text (a statement's canonical text, a boundary, a policy set's key). */
  private idOf(key: string, statement?: PolicyStatement): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      this.ids.set(key, (id = this.ids.size));
      if (statement !== undefined) this.statements[id] = statement;
    }
    return id;
  }

  private viewOf(p: PrincipalPolicies): View {
    let v = this.views.get(p);
    if (v !== undefined) return v;
    const allows: PolicyStatement[] = [];
    const denies: PolicyStatement[] = [];
    for (const policy of p.identity) for (const st of policy.document.Statement) (st.Effect === "Allow" ? allows : denies).push(st);
    const allowIds = allows.map((st) => this.idOf(`s ${canonical(st)}`, st));
    const denyIds = denies.map((st) => this.idOf(`s ${canonical(st)}`, st));
    const boundary = p.boundary === null ? -1 : this.idOf(`b ${p.boundary.id} ${JSON.stringify(p.boundary.document)}`);
    const set = this.idOf(`t ${p.incomplete} ${boundary} ${[...allowIds].sort((a, b) => a - b).join(",")} ${[...denyIds].sort((a, b) => a - b).join(",")}`);
    v = { incomplete: p.incomplete, boundary, allows, allowIds, denyIds, denySet: new Set(denyIds), set, covered: new Uint8Array(0), bySet: new Uint8Array(0) };
    this.views.set(p, v);
    return v;
  }

  holdsNoMore(target: PrincipalPolicies, source: PrincipalPolicies): boolean {
    const s = this.viewOf(source);
    const t = this.viewOf(target);
    s.bySet = grownFor(s.bySet, t.set);
    let r = s.bySet[t.set]!;
    if (r === 0) s.bySet[t.set] = r = this.decide(t, s) ? 1 : 2;
    return r === 1;
  }

  private decide(t: View, s: View): boolean {
    if (t.incomplete || s.incomplete) return false;
    if (s.boundary !== -1 && t.boundary !== s.boundary) return false;
    // A Deny of the principal's the target lacks (or that reads the principal) matters only where
    // it may take back what the target's Allow statements grant.
    for (const d of s.denyIds) {
      if (t.denySet.has(d) && samePrincipalIndependent(this.statements[d]!)) continue;
      if (denyMayTouch(this.statements[d]!, t.allows, this.services)) return false;
    }
    for (const id of t.allowIds) {
      s.covered = grownFor(s.covered, id);
      let hit = s.covered[id]!;
      if (hit === 0) {
        const st = this.statements[id]!;
        s.covered[id] = hit = s.allows.some((x) => covers(x, st, this.services)) ? 1 : 2;
      }
      if (hit !== 1) return false;
    }
    return true;
  }
}

/** Whether `target` holds no permission `source` lacks, on their own (GainComparer for one analysis). */
export function holdsNoMore(target: PrincipalPolicies, source: PrincipalPolicies, services: ReadonlySet<string> | null = null): boolean {
  return new GainComparer(services).holdsNoMore(target, source);
}
