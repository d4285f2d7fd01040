/**
 * The request context the analysis knows for a principal's own calls. Only keys that are certain
 * for every call are supplied; anything else stays unknown, so a statement conditioned on it makes
 * the decision "conditional" rather than a guess.
 */
import type { RequestContext } from "./iam.js";
import { accountOf } from "./policies.js";

export function principalContext(principalArn: string, extra: Record<string, string> = {}): RequestContext {
  const ctx: Record<string, string> = { "aws:PrincipalArn": principalArn, ...extra };
  const account = accountOf(principalArn);
  if (account !== null) ctx["aws:PrincipalAccount"] = account;
  return ctx;
}
