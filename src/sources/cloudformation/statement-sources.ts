/**
 * Statement locations into the records themselves: the readers collect one `StatementLocation`
 * per statement beside the fragment; copied onto each policy (`statementSources`, by statement
 * index) they survive normalisation, so the canonical document — and a finding about Statement[i]
 * in SARIF — points at the statement's own line, not only at its policy or role.
 */

import type { PolicyDocument, SourceLocation } from "../../model/document.js";
import type { IacFragment, StatementLocation } from "./read-template.js";

function keyOf(owner: string, policy: StatementLocation["policy"], name: string | null, index: number): string {
  return `${owner}\u0000${policy}\u0000${name ?? ""}\u0000${index}`;
}

export function attachStatementSources(fragment: IacFragment): void {
  const at = new Map<string, SourceLocation>();
  for (const l of fragment.statementLocations) at.set(keyOf(l.ownerArn, l.policy, l.policyName, l.statementIndex), l.source);
  const sources = (owner: string, policy: StatementLocation["policy"], name: string | null, doc: PolicyDocument | null): (SourceLocation | null)[] | undefined => {
    if (!doc) return undefined;
    const list = doc.Statement.map((_, i) => at.get(keyOf(owner, policy, name, i)) ?? null);
    return list.some((s) => s !== null) ? list : undefined;
  };
  for (const role of fragment.roles) {
    const trust = sources(role.arn, "trust", null, role.trustPolicy);
    if (trust) role.trustStatementSources = trust;
    for (const p of role.inlinePolicies) {
      const s = sources(role.arn, "inline", p.name, p.document);
      if (s) p.statementSources = s;
    }
  }
  for (const principal of fragment.principals) {
    for (const p of principal.inlinePolicies) {
      const s = sources(principal.arn, "inline", p.name, p.document);
      if (s) p.statementSources = s;
    }
  }
  for (const p of fragment.policies) {
    const s = sources(p.arn, "managed", null, p.document);
    if (s) p.statementSources = s;
  }
}
