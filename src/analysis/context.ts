/**
 * The request context the analysis knows for a principal's own calls. Only keys that are certain
 * for every call are supplied; anything else stays unknown, so a statement conditioned on it makes
 * the decision "conditional" rather than a guess.
 */
import type { RequestContext } from "./iam.js";
import { accountOf } from "./policies.js";

/** The request fields for a principal's reference instant (PrincipalPolicies.earliestTime). */
export function timeOf(earliestTime: number | null): { earliestTime?: number } {
  return earliestTime === null ? {} : { earliestTime };
}

const cache = new Map<string, RequestContext>();

/**
 * Frozen and shared per (principal, extra keys): the analysis asks for the same context hundreds of
 * thousands of times at 10,000 functions, and the IAM engine caches what it derives from a frozen
 * context (evaluateRequest), which a fresh object per call defeated.
 */
export function principalContext(principalArn: string, extra: Record<string, string> = {}): RequestContext {
  // A role session's aws:PrincipalArn is its role's ARN, path included, which only the caller knows
  // (extra); never the session's own ARN.
  const extraKeys = Object.keys(extra);
  const key = extraKeys.length === 0 ? principalArn : `${principalArn}\u0000${JSON.stringify(extra)}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const ctx: Record<string, string> = { ...(/^arn:[^:]+:sts::[^:]*:assumed-role\//.test(principalArn) ? {} : { "aws:PrincipalArn": principalArn }), ...extra };
  const account = accountOf(principalArn);
  if (account !== null) ctx["aws:PrincipalAccount"] = account;
  // Bounded: an embedder analysing account after account must not grow it without end.
  if (cache.size >= 200_000) cache.clear();
  cache.set(key, Object.freeze(ctx));
  return ctx;
}
