/**
 * Per-principal facts from the IAM engine. The normaliser assembles each principal's policies
 * (inline, managed by resolved document, boundary; for users also their groups' policies) and hands
 * them to a facts function, by default the IAM engine's `computePrincipalFacts`.
 */

import { computePrincipalFacts, loadActionCatalogSync, type PrincipalPolicies } from "../iam/index.js";
import type { ManagedPolicy, RoleFacts } from "../model/document.js";
import type { PrincipalRecord, RoleRecord } from "../sources/types.js";
import { appendAll } from "../collections.js";

export type { PrincipalPolicies };

/** Computes facts from a principal's policies. Replaceable (tests, or an embedder's own engine). */
export type FactsFunction = (policies: PrincipalPolicies) => RoleFacts;

export function defaultFactsFunction(): { compute: FactsFunction; iamDataVersion: string } {
  const catalog = loadActionCatalogSync();
  return { compute: (p) => computePrincipalFacts(p, catalog), iamDataVersion: catalog.iamDataVersion() };
}

export function principalPolicies(
  principal: RoleRecord | PrincipalRecord,
  policies: ReadonlyMap<string, ManagedPolicy>,
  groups: ReadonlyArray<PrincipalRecord> = [],
  earliestTime: number | null = null,
): PrincipalPolicies {
  const managed = (arn: string) => ({ arn, document: policies.get(arn)?.document ?? null, source: policies.get(arn)?.source ?? null });
  const inline = [...principal.inlinePolicies];
  const attached = principal.attachedPolicies.map((a) => managed(a.arn));
  for (const g of groups) {
    // A user's effective permissions include its groups'; group inline policies are named `<group>/<policy>`.
    appendAll(inline, g.inlinePolicies.map((p) => ({ ...p, name: `${g.name}/${p.name}` })));
    for (const a of g.attachedPolicies) if (!attached.some((m) => m.arn === a.arn)) attached.push(managed(a.arn));
  }
  return {
    inlinePolicies: inline,
    managedPolicies: attached,
    permissionsBoundary: principal.permissionsBoundaryArn ? managed(principal.permissionsBoundaryArn) : null,
    earliestTime,
  };
}
