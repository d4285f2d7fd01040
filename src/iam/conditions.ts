/**
 * Evaluation of a statement's Condition block against a request context, in three-valued logic:
 * true, false, or "unknown" when the answer depends on a context key the caller did not supply
 * (and did not declare absent). "unknown" is what turns an allow into "allowed only under
 * conditions" instead of a silent allow.
 *
 * Semantics (AWS, "IAM JSON policy elements: Condition operators" and "Single-valued vs.
 * multivalued context keys"):
 * - operators in a block are ANDed, keys under an operator are ANDed, values of one key are ORed;
 * - condition keys are case-insensitive; String values case-sensitive unless *IgnoreCase;
 * - a key absent from the request: `…IfExists` → true; negated operators (StringNotEquals,
 *   NotIpAddress, ArnNotLike…) → true; `ForAllValues:` → true; `ForAnyValue:` and every other
 *   operator → false; `Null: true` → true;
 * - `ForAnyValue:` true when some request value matches; `ForAllValues:` true when every request
 *   value matches; a negated operator under a qualifier is negated per request value;
 * - without a qualifier, a multivalued request key matches when any value does (negated: none does);
 * - policy variables in String* and Arn* condition values are substituted under Version 2012-10-17.
 */

import type { PolicyStatement } from "../model/document.js";
import { arnConditionMatches, resolveVariable, type PolicyVariables } from "./arn.js";
import { NEGATED_OPERATORS, parseConditionOperator, type ParsedOperator } from "./condition-operators.js";
import { cidrContains, parseCidr, parseIp } from "./ip.js";
import { globMatches, globTokens, globTokensMatch, type GlobToken } from "./wildcard.js";

export type Tri = true | false | "unknown";

export type ContextValue = string | number | boolean | readonly (string | number | boolean)[];
/** Request context: condition key → value(s). Keys are matched case-insensitively. */
export type RequestContext = { readonly [key: string]: ContextValue };

/** A normalised context: lower-case key → string values. */
const NO_KEYS: ReadonlySet<string> = new Set();

export class ContextValues {
  readonly values = new Map<string, string[]>();

  constructor(
    context: RequestContext | undefined,
    /** True: keys not in the context are absent from the request (AWS semantics). False: unknown. */
    readonly complete: boolean,
    /**
     * Lower-case keys known to be absent even when the context is incomplete: what the principal's
     * type rules out (`aws:username` is never in a role session's request context).
     */
    private readonly absent: ReadonlySet<string> = NO_KEYS,
    /**
     * Epoch milliseconds at or after which the request is made, or null. `aws:CurrentTime` and
     * `aws:EpochTime`, when the context does not give them, are then judged over every instant from
     * here on (timeWindow), instead of being unknown.
     */
    readonly earliestTime: number | null = null,
    /**
     * Lower-case keys the request certainly carries with a value not known here, even when the
     * context is complete: a role session's aws:PrincipalArn (its role's ARN, whose path the session
     * ARN does not give).
     */
    private readonly unknownKeys: ReadonlySet<string> = NO_KEYS,
  ) {
    if (context !== undefined) {
      for (const [key, raw] of Object.entries(context)) {
        const list = Array.isArray(raw) ? raw : [raw];
        this.values.set(key.toLowerCase(), list.map((v) => (typeof v === "string" ? v : String(v))));
      }
    }
  }

  get(key: string): string[] | undefined {
    return this.values.get(key.toLowerCase());
  }

  /** Is the key certainly absent from the request (not merely unknown)? */
  knownAbsent(key: string): boolean {
    const k = key.toLowerCase();
    return !this.values.has(k) && !this.unknownKeys.has(k) && (this.complete || this.absent.has(k));
  }

  private vars: Map<string, string> | undefined;

  /** Single values as policy variables (`${aws:username}`); multivalued keys cannot be variables. */
  variables(): PolicyVariables {
    if (this.vars === undefined) {
      this.vars = new Map<string, string>();
      for (const [k, v] of this.values) if (v.length === 1) this.vars.set(k, v[0] as string);
    }
    return this.vars;
  }
}

export interface ConditionResult {
  result: Tri;
  /** Keys whose absence from the (incomplete) context made the result unknown. */
  missingKeys: string[];
}

/**
 * Evaluate a whole Condition element. `useVariables` is true for Version 2012-10-17 policies.
 */
export function evaluateCondition(
  condition: { readonly [operator: string]: { readonly [key: string]: readonly string[] } } | undefined,
  ctx: ContextValues,
  useVariables: boolean,
): ConditionResult {
  if (condition === undefined) return { result: true, missingKeys: [] };
  let result: Tri = true;
  const missing: string[] = [];
  for (const [operatorName, block] of Object.entries(condition)) {
    const op = parseConditionOperator(operatorName);
    for (const [key, values] of Object.entries(block)) {
      let r: Tri;
      if (op === null) r = false; // unreachable for parsed documents: the parser rejects unknown operators
      else r = evaluateKey(op, key, values, ctx, useVariables, missing);
      result = and(result, r);
      if (result === false) return { result: false, missingKeys: [] };
    }
  }
  return { result, missingKeys: result === "unknown" ? [...new Set(missing)].sort() : [] };
}

/**
 * A statement's Condition judged from `earliest` (epoch ms) on, knowing nothing of the request but
 * its time: false when it can never hold again (a time window that has closed, whatever the other
 * keys), true when it always holds (only time keys, all settled), "unknown" otherwise. For the
 * statement-level facts (which statements still grant, and without condition) that have no request.
 */
export function conditionFrom(
  condition: { readonly [operator: string]: { readonly [key: string]: readonly string[] } } | undefined,
  earliest: number,
): Tri {
  return evaluateCondition(condition, new ContextValues(undefined, false, NO_KEYS, earliest), true).result;
}

/**
 * Is the statement conditional from `earliest` (PrincipalPolicies.earliestTime) on? False without a
 * Condition or with only start dates already past; null when its time window has closed, so that it
 * grants (or denies, or trusts) nothing (docs/iam-engine.md, "Time windows").
 */
export function conditionalFrom(st: PolicyStatement, earliest: number | null): boolean | null {
  const hasConditions = st.Condition !== undefined && Object.keys(st.Condition).length > 0;
  if (!hasConditions || earliest === null) return hasConditions;
  const from = conditionFrom(st.Condition, earliest);
  return from === false ? null : from !== true;
}

export function and(a: Tri, b: Tri): Tri {
  if (a === false || b === false) return false;
  if (a === true && b === true) return true;
  return "unknown";
}

export function or(a: Tri, b: Tri): Tri {
  if (a === true || b === true) return true;
  if (a === false && b === false) return false;
  return "unknown";
}

export function not(a: Tri): Tri {
  return a === "unknown" ? a : !a;
}

function evaluateKey(op: ParsedOperator, key: string, policyValues: readonly string[], ctx: ContextValues, useVariables: boolean, missing: string[]): Tri {
  const requestValues = ctx.get(key);
  if (requestValues === undefined) {
    if (ctx.earliestTime !== null) {
      const settled = timeWindow(op, key, policyValues, ctx.earliestTime);
      if (settled !== null) {
        if (settled === "unknown") missing.push(key);
        return settled;
      }
    }
    if (!ctx.knownAbsent(key)) {
      missing.push(key);
      return "unknown";
    }
    return absentKeyResult(op, policyValues);
  }
  if (op.family === "Null") {
    // Null: "true" asks that the key be absent; it is present here.
    return policyValues.some((v) => v.toLowerCase() === "false");
  }
  const negated = NEGATED_OPERATORS.has(op.base);
  const positiveBase = negated ? positiveOf(op.base) : op.base;
  // Policy variables in condition values (String*, Arn*) when the policy is 2012-10-17.
  let values: readonly string[] = policyValues;
  let unresolved = false;
  // StringLike values with variables are matched as tokens: what a variable stands for, `${*}`,
  // `${?}` and `${$}` included, is literal text, never a wildcard (IAM User Guide, "Variables and
  // tags", Special characters: "${*} – use where you need an * (asterisk) character"). Arn* values
  // are matched by arn.ts with the variables, which reads them the same way (arnConditionMatches).
  let literalGlobs: Array<{ tokens: GlobToken[]; key: string } | null> | null = null;
  let arnVariables: PolicyVariables | undefined;
  if (useVariables && (op.family === "String" || op.family === "Arn") && policyValues.some((v) => v.includes("${"))) {
    const vars = ctx.variables();
    const resolved: string[] = [];
    let settled = false;
    const globbed = positiveBase === "StringLike";
    if (globbed) literalGlobs = [];
    for (const v of policyValues) {
      if (globbed) {
        const tokens = v.includes("${") ? variableGlobTokens(v, vars) : null;
        (literalGlobs as Array<{ tokens: GlobToken[]; key: string } | null>).push(tokens === null ? null : { tokens, key: JSON.stringify(tokens) });
      }
      const r = substitute(v, vars);
      if (r === null) {
        unresolved = true;
        const m = /\$\{([^},]*)/.exec(v);
        const varKey = m ? (m[1] as string).trim() : null;
        if (varKey !== null && ctx.knownAbsent(varKey)) settled = true;
        else if (varKey !== null) missing.push(varKey);
      } else resolved.push(r);
    }
    // AWS: an unresolvable variable "might cause the entire statement to be invalid": the key
    // evaluates to false whatever the operator (negated ones included), so the statement does not apply.
    if (unresolved) return ctx.complete || settled ? false : "unknown";
    if (op.family === "Arn") arnVariables = vars;
    else values = resolved;
  }
  const globs = literalGlobs;
  const matchOne = (requestValue: string): boolean =>
    values.some((pv, i) => {
      if (arnVariables !== undefined) return arnConditionMatches(pv, requestValue, arnVariables);
      const g = globs?.[i];
      if (g === undefined || g === null) return matches(positiveBase, pv, requestValue);
      return globTokensMatch(g.tokens, g.key, requestValue);
    });
  if (op.qualifier === "ForAnyValue") {
    return requestValues.some((rv) => (negated ? !matchOne(rv) : matchOne(rv)));
  }
  if (op.qualifier === "ForAllValues") {
    return requestValues.every((rv) => (negated ? !matchOne(rv) : matchOne(rv)));
  }
  const any = requestValues.some(matchOne);
  return negated ? !any : any;
}

const TIME_KEYS: ReadonlySet<string> = new Set(["aws:currenttime", "aws:epochtime"]);

/**
 * A condition on the time of the request (`aws:CurrentTime`, `aws:EpochTime`), judged over every
 * instant t ≥ `earliest` (epoch ms): false when no such instant satisfies it (a window that closed
 * before `earliest`: the statement never applies again), true when every one does (a start date
 * already past), "unknown" when the answer changes over time (a window still open, or not yet
 * open). Null when the operator does not compare times (the key is then judged as any other).
 *
 * Why a range and not one instant: the reference instant of an audit is when its inputs were taken,
 * and the policy keeps working after it; a grant that starts next month is still a grant to report.
 * The keys are always present in a request (AWS global condition keys), so `…IfExists` changes
 * nothing, and a single value makes `ForAnyValue:`/`ForAllValues:` the plain test.
 */
export function timeWindow(op: ParsedOperator, key: string, policyValues: readonly string[], earliest: number): Tri | null {
  const k = key.toLowerCase();
  if (!TIME_KEYS.has(k)) return null;
  if (op.family === "Null") return policyValues.some((v) => v.toLowerCase() === "false");
  const parse = op.family === "Date" ? parseDate : op.family === "Numeric" && k === "aws:epochtime" ? parseEpochSeconds : null;
  if (parse === null) return null;
  const negated = NEGATED_OPERATORS.has(op.base);
  const relation = (negated ? positiveOf(op.base) : op.base).replace(op.family, "");
  let any: Tri = false;
  for (const text of policyValues) {
    const p = parse(text);
    // An unparseable value matches no request (as in `matches`).
    if (p === null) continue;
    any = or(any, overFuture(relation, p, earliest));
  }
  return negated ? not(any) : any;
}

/** Does `t <relation> p` hold for every t ≥ earliest (true), none (false), or some (unknown)? */
function overFuture(relation: string, p: number, earliest: number): Tri {
  switch (relation) {
    case "Equals":
      return p < earliest ? false : "unknown";
    case "LessThan":
      return p <= earliest ? false : "unknown";
    case "LessThanEquals":
      return p < earliest ? false : "unknown";
    case "GreaterThan":
      return p < earliest ? true : "unknown";
    case "GreaterThanEquals":
      return p <= earliest ? true : "unknown";
    default:
      return "unknown";
  }
}

function parseEpochSeconds(text: string): number | null {
  const n = parseNumber(text);
  return n === null ? null : n * 1000;
}

function absentKeyResult(op: ParsedOperator, policyValues: readonly string[]): boolean {
  if (op.family === "Null") return policyValues.some((v) => v.toLowerCase() === "true");
  if (op.ifExists) return true;
  if (op.qualifier === "ForAllValues") return true;
  if (op.qualifier === "ForAnyValue") return false;
  return NEGATED_OPERATORS.has(op.base);
}

function positiveOf(base: string): string {
  switch (base) {
    case "StringNotEquals":
      return "StringEquals";
    case "StringNotEqualsIgnoreCase":
      return "StringEqualsIgnoreCase";
    case "StringNotLike":
      return "StringLike";
    case "NumericNotEquals":
      return "NumericEquals";
    case "DateNotEquals":
      return "DateEquals";
    case "NotIpAddress":
      return "IpAddress";
    case "ArnNotEquals":
      return "ArnEquals";
    case "ArnNotLike":
      return "ArnLike";
    default:
      return base;
  }
}

/**
 * Substitute `${…}`; null when a variable is unresolved. The text for the exact operators
 * (StringEquals …); StringLike matches variableGlobTokens instead, Arn* arnConditionMatches.
 */
function substitute(value: string, vars: PolicyVariables): string | null {
  let failed = false;
  const out = value.replace(/\$\{([^}]*)\}/g, (_m, body: string) => {
    const r = resolveVariable(body, vars);
    if (r === null) {
      failed = true;
      return "";
    }
    return r;
  });
  return failed ? null : out;
}

/**
 * A condition value with its variables as glob tokens: the text around them keeps its `*` and `?`
 * wildcards, what a variable resolves to (its value, the default, `*` for `${*}` …) is one literal
 * token. Null when a variable has no value (substitute says the same).
 */
function variableGlobTokens(value: string, vars: PolicyVariables): GlobToken[] | null {
  const out: GlobToken[] = [];
  let last = 0;
  for (const m of value.matchAll(/\$\{([^}]*)\}/g)) {
    out.push(...globTokens(value.slice(last, m.index)));
    const r = resolveVariable(m[1] as string, vars);
    if (r === null) return null;
    if (r !== "") out.push(r);
    last = (m.index as number) + m[0].length;
  }
  out.push(...globTokens(value.slice(last)));
  return out;
}

function matches(base: string, policyValue: string, requestValue: string): boolean {
  switch (base) {
    case "StringEquals":
      return policyValue === requestValue;
    case "StringEqualsIgnoreCase":
      return policyValue.toLowerCase() === requestValue.toLowerCase();
    case "StringLike":
      return globMatches(policyValue, requestValue, false);
    case "NumericEquals":
    case "NumericLessThan":
    case "NumericLessThanEquals":
    case "NumericGreaterThan":
    case "NumericGreaterThanEquals":
      return compareNumbers(base, requestValue, policyValue);
    case "DateEquals":
    case "DateLessThan":
    case "DateLessThanEquals":
    case "DateGreaterThan":
    case "DateGreaterThanEquals":
      return compareDates(base, requestValue, policyValue);
    case "Bool":
      return policyValue.toLowerCase() === requestValue.toLowerCase();
    case "BinaryEquals":
      return policyValue === requestValue;
    case "IpAddress": {
      const block = parseCidr(policyValue);
      const addr = parseIp(requestValue);
      return block !== null && addr !== null && cidrContains(block, addr);
    }
    case "ArnEquals":
    case "ArnLike":
      // AWS: both check each of the six ARN parts separately and both accept wildcards (a `*` never
      // runs across a colon here, as it may at the end of a part of a Resource pattern).
      return arnConditionMatches(policyValue, requestValue);
    default:
      return false;
  }
}

function parseNumber(text: string): number | null {
  if (!/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(text)) return null;
  return Number(text);
}

function compareNumbers(base: string, requestText: string, policyText: string): boolean {
  const r = parseNumber(requestText);
  const p = parseNumber(policyText);
  if (r === null || p === null) return false;
  return compare(base.replace("Numeric", ""), r, p);
}

/**
 * An instant given as ISO 8601 or epoch milliseconds (a document's `meta.asOf`, `earliestTime`) as
 * epoch milliseconds; null when absent or not a time.
 */
export function instantOf(t: string | number | null | undefined): number | null {
  if (t === null || t === undefined) return null;
  const ms = typeof t === "number" ? t : Date.parse(t);
  return Number.isFinite(ms) ? ms : null;
}

/** ISO 8601 dates/times, or epoch seconds (AWS accepts both in Date conditions). */
export function parseDate(text: string): number | null {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}/.test(t)) return null;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? null : ms;
}

function compareDates(base: string, requestText: string, policyText: string): boolean {
  const r = parseDate(requestText);
  const p = parseDate(policyText);
  if (r === null || p === null) return false;
  return compare(base.replace("Date", ""), r, p);
}

function compare(relation: string, r: number, p: number): boolean {
  switch (relation) {
    case "Equals":
      return r === p;
    case "LessThan":
      return r < p;
    case "LessThanEquals":
      return r <= p;
    case "GreaterThan":
      return r > p;
    case "GreaterThanEquals":
      return r >= p;
    default:
      return false;
  }
}
