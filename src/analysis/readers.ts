/**
 * Which principals can read a function's configuration — environment variables included — with
 * lambda:GetFunctionConfiguration or lambda:GetFunction (LR013).
 *
 * Thousands of principals × thousands of functions: per principal, the statements that can matter
 * are those whose Action/NotAction covers one of the two actions (identity Allow and Deny, and the
 * boundary). Principals without such an Allow are skipped at once, except for a function whose
 * resource policy names one of the actions (it can grant them on its own). For the rest, when every such
 * statement applies to `Resource: "*"` without a resource-dependent condition, the answer does not
 * depend on the function and is computed once per account; principals with resource-scoped grants
 * are pre-matched by ARN pattern and evaluated only on the functions a pattern matches, on their
 * reduced policy set. Principals whose reduced statements are the same (a group's policy, one
 * managed policy on many roles) and read nothing of the principal (no condition, no policy
 * variable) get the same answer: they form one class, pre-matched and evaluated once per function.
 * Why: 2,000 users and 3,000 other roles beside 10,000 functions, with deployer policies scoped to a
 * team's functions, took 19.4 s per-principal (bench/results/scale.md, session 47).
 */
import type { CanonicalDocument, LambdaFunction, PolicyDocument, PolicyStatement, Principal, Role } from "../model/document.js";
import type { ConfigurationReader } from "../model/analysis.js";
import { actionApplies, arnMatches, evaluateRequest, type NamedPolicy } from "./iam.js";
import { principalContext, timeOf } from "./context.js";
import { byString, type PrincipalPolicies } from "./policies.js";
import { isPlaceholderAccount } from "../deployment-account.js";

export const READ_CONFIGURATION_ACTIONS = ["lambda:GetFunction", "lambda:GetFunctionConfiguration"] as const;

/** Cap on readers listed per function (they are evidence, and every one is wasm input); the count is always exact. */
export const MAX_READERS = 5;

interface Reduced {
  principal: Role | Principal;
  type: "role" | "user";
  identity: NamedPolicy[];
  boundary: NamedPolicy | null;
  /** The decision does not depend on the function (every relevant statement applies to `*`, with no resource-dependent condition). */
  uniform: boolean;
  /** Resource patterns of the relevant Allow statements; null when one of them cannot be pre-matched (NotResource, policy variables). */
  allowPatterns: string[] | null;
  /** Some identity policy has a relevant Allow: without one, only a resource policy can make it a reader. */
  identityAllows: boolean;
  /** PrincipalPolicies.earliestTime. */
  earliestTime: number | null;
  /** Principals with the same key get the same decision on every function (classKey); null: a class of its own. */
  classKey: string | null;
}

/** Principals that get the same decision on every function: one stands for all. */
interface ReaderClass {
  rep: Reduced;
  /** In principal ARN order. */
  members: Reduced[];
}

/** The principals (in ARN order) in classes of equal classKey, each class's members in ARN order. */
function classesOf(principals: readonly Reduced[]): ReaderClass[] {
  const classes: ReaderClass[] = [];
  const byKey = new Map<string, ReaderClass>();
  for (const r of principals) {
    const known = r.classKey === null ? undefined : byKey.get(r.classKey);
    if (known) known.members.push(r);
    else {
      const c = { rep: r, members: [r] };
      classes.push(c);
      if (r.classKey !== null) byKey.set(r.classKey, c);
    }
  }
  return classes;
}

function relevant(st: PolicyStatement): boolean {
  return READ_CONFIGURATION_ACTIONS.some((a) => actionApplies(st, a));
}

function reduce(p: NamedPolicy): NamedPolicy | null {
  const kept = p.document.Statement.filter(relevant);
  if (kept.length === 0) return null;
  const document: PolicyDocument = { ...p.document, Statement: kept };
  return { ...p, document };
}

/**
 * Condition keys whose value depends on the resource (the function): its tags, its account, Lambda's
 * own keys. Any other key (aws:RequestedRegion, aws:SourceIp, aws:MultiFactorAuthPresent,
 * aws:PrincipalTag/…) has the same value for every function, so the decision does not vary.
 */
function resourceDependentKey(key: string): boolean {
  const k = key.toLowerCase();
  return k.startsWith("aws:resource") || k.startsWith("lambda:");
}

function uniformStatement(st: PolicyStatement): boolean {
  const keys = Object.values(st.Condition ?? {}).flatMap((block) => Object.keys(block));
  return !keys.some(resourceDependentKey) && st.Resource !== undefined && st.Resource.includes("*") && st.NotResource === undefined;
}

/**
 * What the decision of a principal's reduced policies depends on besides the function, as a string:
 * two principals with the same key get the same decision on every function. Their statements, as
 * long as none reads the principal: a condition may read its ARN, tags or name, and a policy
 * variable (`${aws:username}`) its name, so a principal with either is a class of its own (null).
 * Without conditions the request's time is not read either.
 */
function classKey(identity: readonly NamedPolicy[], boundary: NamedPolicy | null): string | null {
  const statements = [identity.map((p) => p.document.Statement), boundary === null ? null : boundary.document.Statement];
  for (const st of [...identity, ...(boundary ? [boundary] : [])].flatMap((p) => p.document.Statement)) {
    if (st.Condition !== undefined && Object.keys(st.Condition).length > 0) return null;
    if ((st.Resource ?? st.NotResource ?? []).some((r) => r.includes("${"))) return null;
  }
  return JSON.stringify(statements);
}

function prepare(principal: Role | Principal, type: "role" | "user", policies: PrincipalPolicies): Reduced {
  const identity = policies.identity.map(reduce).filter((p): p is NamedPolicy => p !== null);
  const identityAllows = identity.some((p) => p.document.Statement.some((st) => st.Effect === "Allow"));
  // A boundary without a relevant Allow denies both actions everywhere.
  const boundary = policies.boundary ? (reduce(policies.boundary) ?? { ...policies.boundary, document: { Statement: [] } }) : null;
  const all = [...identity, ...(boundary ? [boundary] : [])].flatMap((p) => p.document.Statement);
  const uniform = all.every(uniformStatement);
  // Cheap pre-match for the non-uniform: a function no relevant Allow pattern matches is denied
  // without running the engine (the engine would say implicit deny).
  const allows = identity.flatMap((p) => p.document.Statement.filter((st) => st.Effect === "Allow"));
  const matchable = allows.every((st) => st.Resource !== undefined && st.NotResource === undefined && !st.Resource.some((r) => r.includes("${")));
  const allowPatterns = matchable ? allows.flatMap((st) => st.Resource ?? []) : null;
  return { principal, type, identity, boundary, uniform, allowPatterns, identityAllows, earliestTime: policies.earliestTime, classKey: classKey(identity, boundary) };
}

/**
 * The function's resource policy if one of its statements names one of the two actions, else null.
 * Why: a resource policy none of whose statements applies to the request neither allows nor denies
 * it, in the same account and across accounts alike (iam/evaluate.ts), so the answer is the one
 * without it, and the per-account shortcuts below hold. Lambda resource policies are almost always
 * `lambda:InvokeFunction` grants to services and triggers: at 10,000 functions, evaluating every
 * principal against each of the 517 functions with one was 475,570 evaluations, 3–4 s.
 */
function readingPolicy(fn: LambdaFunction): PolicyDocument | null {
  const policy = fn.resourcePolicy;
  return policy !== null && policy.Statement.some(relevant) ? policy : null;
}

/** What a principal may do to a function's configuration: the read actions allowed, and whether only under conditions. */
interface Verdict {
  actions: string[];
  conditional: boolean;
}

function verdictOf(r: Reduced, fn: LambdaFunction, resourcePolicy: PolicyDocument | null): Verdict | null {
  const actions: string[] = [];
  let conditional = false;
  for (const action of READ_CONFIGURATION_ACTIONS) {
    const result = evaluateRequest({
      identityPolicies: r.identity,
      permissionsBoundary: r.boundary,
      resourcePolicy,
      request: { action, resource: fn.arn, principalArn: r.principal.arn, context: principalContext(r.principal.arn), ...timeOf(r.earliestTime) },
    });
    if (result.decision === "allowed" || result.decision === "conditional") {
      actions.push(action);
      if (result.decision === "conditional") conditional = true;
    }
  }
  return actions.length === 0 ? null : { actions, conditional };
}

function readerOf(r: Reduced, fn: LambdaFunction, v: Verdict): ConfigurationReader {
  // LR013 names the reader as the user's code does; the rules' slices may not hold the principal.
  const shown = readerName(r.principal, fn.accountId);
  const named = shown === undefined ? {} : { displayName: shown };
  return { principalArn: r.principal.arn, ...named, principalType: r.type, actions: [...v.actions], decision: v.conditional ? "conditional" : "allowed" };
}

function decide(r: Reduced, fn: LambdaFunction, resourcePolicy: PolicyDocument | null): ConfigurationReader | null {
  const v = verdictOf(r, fn, resourcePolicy);
  return v === null ? null : readerOf(r, fn, v);
}

/**
 * How LR013 names a reader: its display name (the code's name); in a template's or plan's
 * placeholder account its name, since the ARN's account (`unknown-9b80985c`) is no account of the
 * author's. A reader of another file than the function's (each IaC file read beside others has a
 * placeholder of its own) is also named by its file: two templates may both define `FunctionRole`.
 * Undefined for an account export's reader, which the message names by ARN.
 */
function readerName(principal: Role | Principal, fnAccount: string): string | undefined {
  if (!isPlaceholderAccount(principal.accountId)) return principal.displayName;
  const name = principal.displayName ?? principal.name;
  const file = principal.source?.file;
  return principal.accountId !== fnAccount && file ? `${name} (${file})` : name;
}

export interface ReaderIndex {
  readersOf(fn: LambdaFunction): { readers: ConfigurationReader[]; count: number };
}

/**
 * Builds the per-principal reductions and their classes once; `readersOf` then costs O(classes of
 * scoped principals) per function, with one evaluation per account for the uniform ones (cached). Only a function whose
 * resource policy names one of the two actions has every principal evaluated against it.
 */
export function buildReaderIndex(
  document: CanonicalDocument,
  policiesOf: (p: Role | Principal) => PrincipalPolicies,
): ReaderIndex {
  // Every principal, for the functions whose resource policy names a read action: such a policy
  // can make a reader of a principal no identity policy lets read (a same-account grant to a user).
  const everyone: Reduced[] = [];
  for (const r of document.roles) everyone.push(prepare(r, "role", policiesOf(r)));
  for (const u of document.principals) if (u.type === "user") everyone.push(prepare(u, "user", policiesOf(u)));
  everyone.sort((a, b) => byString(a.principal.arn, b.principal.arn));
  // Without such a resource policy only a principal with an identity Allow can read.
  const prepared = everyone.filter((r) => r.identityAllows);
  const uniform = prepared.filter((r) => r.uniform);
  const scoped = classesOf(prepared.filter((r) => !r.uniform));
  const classOfArn = new Map<string, ReaderClass>();
  for (const c of scoped) for (const m of c.members) classOfArn.set(m.principal.arn, c);
  // Uniform principals' answers per function account (same for every function of the account
  // without a resource policy): computed once, kept sorted by principal ARN, with their ARNs so that
  // a function's own role is looked up, not searched for (thousands of users may read every function).
  const uniformByAccount = new Map<string, { list: ConfigurationReader[]; arns: Set<string> }>();
  const uniformReaders = (fn: LambdaFunction): { list: ConfigurationReader[]; arns: Set<string> } => {
    let hit = uniformByAccount.get(fn.accountId);
    if (!hit) {
      const list = uniform.map((r) => decide(r, fn, null)).filter((x): x is ConfigurationReader => x !== null);
      hit = { list, arns: new Set(list.map((r) => r.principalArn)) };
      uniformByAccount.set(fn.accountId, hit);
    }
    return hit;
  };
  /**
   * The scoped principals that can read a function without a reading resource policy: the first
   * MAX_READERS by ARN and how many, the function's own role left out. One evaluation per class
   * whose patterns match the function.
   */
  const scopedReaders = (fn: LambdaFunction): { readers: ConfigurationReader[]; count: number } => {
    let count = 0;
    // The first members of each class that reads: the first MAX_READERS of all are among them.
    const firsts: Array<{ member: Reduced; verdict: Verdict }> = [];
    for (const c of scoped) {
      if (c.rep.allowPatterns !== null && !c.rep.allowPatterns.some((p) => arnMatches(p, fn.arn))) continue;
      const v = verdictOf(c.rep, fn, null);
      if (v === null) continue;
      // The function's role may be a member: it is left out (it sees its environment anyway).
      count += c.members.length - (classOfArn.get(fn.roleArn) === c ? 1 : 0);
      let taken = 0;
      for (const member of c.members) {
        if (taken === MAX_READERS) break;
        if (member.principal.arn === fn.roleArn) continue;
        firsts.push({ member, verdict: v });
        taken++;
      }
    }
    firsts.sort((a, b) => byString(a.member.principal.arn, b.member.principal.arn));
    return { readers: firsts.slice(0, MAX_READERS).map((x) => readerOf(x.member, fn, x.verdict)), count };
  };
  return {
    readersOf(fn) {
      // The function's own execution role sees its environment anyway.
      const own = (r: { principalArn: string }) => r.principalArn === fn.roleArn;
      const resourcePolicy = readingPolicy(fn);
      if (resourcePolicy !== null) {
        // A resource policy can name principals: every principal on its own.
        const variable: ConfigurationReader[] = [];
        for (const r of everyone) {
          if (r.principal.arn === fn.roleArn) continue;
          const reader = decide(r, fn, resourcePolicy);
          if (reader) variable.push(reader);
        }
        return { readers: variable.slice(0, MAX_READERS), count: variable.length };
      }
      const { readers: variable, count: variableCount } = scopedReaders(fn);
      const { list: fixed, arns: fixedArns } = uniformReaders(fn);
      const ownInFixed = fixedArns.has(fn.roleArn) ? 1 : 0;
      // Merge the two sorted lists for the first MAX_READERS; the count is exact.
      const readers: ConfigurationReader[] = [];
      let a = 0;
      let b = 0;
      while (readers.length < MAX_READERS && (a < fixed.length || b < variable.length)) {
        const x = fixed[a];
        const y = variable[b];
        if (x !== undefined && own(x)) {
          a++;
          continue;
        }
        if (y === undefined || (x !== undefined && x.principalArn < y.principalArn)) {
          readers.push(x as ConfigurationReader);
          a++;
        } else {
          readers.push(y);
          b++;
        }
      }
      return { readers, count: fixed.length - ownInFixed + variableCount };
    },
  };
}
