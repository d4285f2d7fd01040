/**
 * Fast questions about one principal, built on evaluateRequest: "can this role call
 * lambda:GetFunctionConfiguration on this function?", "can it iam:PassRole this role?", and the
 * reverse, "which of these principals can?".
 */

import type { PolicyDocument } from "../model/document.js";
import { evaluateRequest, type Decision, type EvaluationResult, type NamedPolicy } from "./evaluate.js";
import type { RequestContext } from "./conditions.js";
import type { PrincipalPolicies } from "./principal-facts.js";

export interface ActionQueryOptions {
  principalArn?: string;
  context?: RequestContext;
  contextComplete?: boolean;
  resourcePolicy?: PolicyDocument | NamedPolicy | null;
}

/**
 * Evaluate `action` on `resource` for a principal given as PrincipalPolicies (the same input as
 * computePrincipalFacts). Unresolved managed policies are left out, and `incomplete: true` tells the
 * caller that the decision was made without them (a deny may then be wrong).
 */
export function isActionAllowed(
  principal: PrincipalPolicies,
  action: string,
  resource: string,
  options: ActionQueryOptions = {},
): EvaluationResult & { incomplete: boolean } {
  const identityPolicies: NamedPolicy[] = [
    ...principal.inlinePolicies.map((p) => ({ id: `inline:${p.name}`, document: p.document, kind: "inline" as const })),
    ...principal.managedPolicies.flatMap((p) => (p.document === null ? [] : [{ id: p.arn, document: p.document, kind: "managed" as const }])),
  ];
  const b = principal.permissionsBoundary ?? null;
  const incomplete = principal.managedPolicies.some((p) => p.document === null) || (b !== null && b.document === null);
  const request: Parameters<typeof evaluateRequest>[0]["request"] = { action, resource };
  if (options.principalArn !== undefined) request.principalArn = options.principalArn;
  if (options.context !== undefined) request.context = options.context;
  if (options.contextComplete !== undefined) request.contextComplete = options.contextComplete;
  const result = evaluateRequest({
    identityPolicies,
    // An unresolved boundary is ignored (its limits are unknown): the answer is then an upper bound too, flagged incomplete.
    permissionsBoundary: b !== null && b.document !== null ? { id: b.arn, document: b.document } : null,
    resourcePolicy: options.resourcePolicy ?? null,
    request,
  });
  return { ...result, incomplete };
}

/**
 * Which of the principals (keyed by ARN) may call `action` on `resource`: those whose decision is
 * "allowed" or "conditional", sorted by key. Explicit and implicit denies are left out.
 */
export function whoCanCall(
  principals: ReadonlyMap<string, PrincipalPolicies> | { readonly [key: string]: PrincipalPolicies },
  action: string,
  resource: string,
  options: Omit<ActionQueryOptions, "principalArn"> = {},
): { principal: string; decision: Decision; incomplete: boolean }[] {
  const entries = principals instanceof Map ? [...principals.entries()] : Object.entries(principals);
  return entries
    .map(([key, p]) => {
      const r = isActionAllowed(p, action, resource, { ...options, principalArn: key.startsWith("arn:") ? key : undefined });
      return { principal: key, decision: r.decision, incomplete: r.incomplete };
    })
    .filter((r) => r.decision !== "implicit-deny" && r.decision !== "explicit-deny")
    .sort((a, b) => (a.principal < b.principal ? -1 : a.principal > b.principal ? 1 : 0));
}
