/**
 * Today's identity policies of a role (inline and attached managed), as the IAM engine's named
 * policies. Used for the diff and for kept exceptions without explicit resources ("keep whatever
 * today's policy grants").
 */

import type { CanonicalDocument, PolicyDocument, Role } from "../model/document.js";

export interface CurrentPolicy {
  /** `inline:<name>` or the managed policy ARN. */
  id: string;
  kind: "inline" | "managed";
  name: string;
  document: PolicyDocument;
}

export interface CurrentPolicies {
  policies: CurrentPolicy[];
  /** Attached managed policies whose document the input did not contain. */
  unresolved: string[];
}

const rolesByArn = new WeakMap<CanonicalDocument, Map<string, Role>>();

/** The role by ARN (indexed once per document; documents are treated as immutable). */
export function roleOf(document: CanonicalDocument, roleArn: string): Role | undefined {
  let m = rolesByArn.get(document);
  if (m === undefined) {
    m = new Map(document.roles.map((r) => [r.arn, r]));
    rolesByArn.set(document, m);
  }
  return m.get(roleArn);
}

/** The role's identity policies in a stable order: inline by name, then managed by ARN. */
export function currentPolicies(document: CanonicalDocument, roleArn: string): CurrentPolicies {
  const role = roleOf(document, roleArn);
  if (role === undefined) return { policies: [], unresolved: [] };
  const policies: CurrentPolicy[] = [];
  const unresolved: string[] = [];
  for (const p of [...role.inlinePolicies].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    policies.push({ id: `inline:${p.name}`, kind: "inline", name: p.name, document: p.document });
  }
  for (const ref of [...role.attachedPolicies].sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0))) {
    const doc = document.policies[ref.arn]?.document ?? null;
    if (doc === null) unresolved.push(ref.arn);
    else policies.push({ id: ref.arn, kind: "managed", name: ref.name, document: doc });
  }
  return { policies, unresolved };
}
