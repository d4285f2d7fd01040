/**
 * Evaluates a function's required permissions (requirements.ts) against its execution role with
 * the IAM engine, and finds the VPC and X-Ray capabilities a role grants that none of its
 * functions needs (LR005, LR006, LR007, LR010).
 */
import type { LambdaFunction, Role } from "../model/document.js";
import type { Requirement, UnneededCapability } from "../model/analysis.js";
import { evaluateRequest } from "./iam.js";
import { principalContext } from "./context.js";
import { pointers, type PrincipalPolicies } from "./policies.js";
import { requiredPermissions, TRACING_ACTIONS, VPC_ACTIONS } from "./requirements.js";

export function evaluateRequirements(fn: LambdaFunction, role: Role | null, policies: PrincipalPolicies | null): Requirement[] {
  return requiredPermissions(fn).map((r) => {
    if (role === null || policies === null) {
      return { ...r, decision: "no-role" as const, explanation: `The execution role ${fn.roleArn} is not in the inputs.`, statements: [] };
    }
    const result = evaluateRequest({
      identityPolicies: policies.identity,
      permissionsBoundary: policies.boundary,
      request: {
        action: r.action,
        resource: r.resource,
        principalArn: role.arn,
        context: principalContext(role.arn, { "aws:RequestedRegion": fn.region }),
      },
    });
    return { ...r, decision: result.decision, explanation: result.explanation.summary, statements: pointers(result.explanation.statements) };
  });
}

/**
 * VPC and tracing capabilities the role grants (allowed on `*`) although none of its functions
 * needs them. A capability needed by one function of a shared role is not "unneeded" for the
 * others: removing it would break that function (LR001 reports the sharing).
 */
export function unneededCapabilities(role: Role, policies: PrincipalPolicies, fns: readonly LambdaFunction[]): UnneededCapability[] {
  const out: UnneededCapability[] = [];
  const needsVpc = fns.some((f) => f.vpc !== null && f.vpc.subnetIds.length > 0);
  const needsTracing = fns.some((f) => f.tracingMode === "Active");
  const check = (purpose: "vpc" | "tracing", actions: readonly string[]) => {
    const granted: string[] = [];
    const refs = [];
    for (const action of actions) {
      const r = evaluateRequest({
        identityPolicies: policies.identity,
        permissionsBoundary: policies.boundary,
        request: { action, resource: "*", principalArn: role.arn, context: principalContext(role.arn) },
      });
      if (r.decision === "allowed") {
        granted.push(action);
        refs.push(...r.explanation.statements);
      }
    }
    if (granted.length > 0) out.push({ purpose, actions: granted.sort(), statements: pointers(refs) });
  };
  if (!needsVpc) check("vpc", VPC_ACTIONS);
  if (!needsTracing) check("tracing", TRACING_ACTIONS);
  return out;
}
