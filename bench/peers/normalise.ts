/**
 * The shared vocabulary of the peer comparison (bench/peers/compare.ts, docs/comparison.md,
 * test/peers/): the categories every tool's findings are mapped to, the mapping of each tool's
 * finding types, and the normalisation of leastrole's own findings, which the test reruns so the
 * stored comparison cannot silently go stale.
 *
 * Categories are per principal (role, user, group; unattached policies get a `policy/` row):
 * "which principals does each tool flag, for what", because the tools disagree on what a finding
 * is (Cloudsplaining reports policies, Parliament statements or policies, leastrole principals and
 * functions) but all of them are, in the end, about what a principal can do.
 */

export const CATEGORIES = [
  "privilege-escalation",
  "data-exfiltration",
  "resource-exposure",
  "credentials-exposure",
  "infrastructure-modification",
  "permissions-management",
  "overly-permissive",
  "policy-validity",
  "trust",
  "lambda-configuration",
  "usage",
  "hygiene",
] as const;

export type Category = (typeof CATEGORIES)[number];

/** Cloudsplaining's per-policy (and, with `-t`, per-role) finding sections. */
export const CLOUDSPLAINING_CATEGORY: Record<string, Category> = {
  PrivilegeEscalation: "privilege-escalation",
  DataExfiltration: "data-exfiltration",
  ResourceExposure: "resource-exposure",
  CredentialsExposure: "credentials-exposure",
  InfrastructureModification: "infrastructure-modification",
  ServiceWildcard: "overly-permissive",
  AssumableByAnyPrincipal: "trust",
  AssumableByAnyPrincipalWithConditions: "trust",
  AssumableByCrossAccountPrincipal: "trust",
  // A role that EC2/ECS/Lambda can assume: informational (low) in Cloudsplaining; for leastrole that
  // is the definition of its scope, not a finding.
  AssumableByComputeServices: "trust",
};

/**
 * Parliament issue codes (parliament/config.yaml and community_auditors/config_override.yaml, 1.6.4).
 * Everything that says the policy is malformed, stale or inconsistent is `policy-validity`.
 */
export const PARLIAMENT_CATEGORY: Record<string, Category> = {
  PRIVILEGE_ESCALATION: "privilege-escalation",
  CREDENTIALS_EXPOSURE: "credentials-exposure",
  PERMISSIONS_MANAGEMENT_ACTIONS: "permissions-management",
  SENSITIVE_ACCESS: "data-exfiltration",
  RESOURCE_POLICY_PRIVILEGE_ESCALATION: "resource-exposure",
  RESOURCE_STAR: "overly-permissive",
  RESOURCE_EFFECTIVELY_STAR: "overly-permissive",
  NOTRESOURCE_WITH_ALLOW: "overly-permissive",
  NOTPRINCIPAL_WITH_ALLOW: "overly-permissive",
  SINGLE_VALUE_CONDITION_TOO_PERMISSIVE: "policy-validity",
  EXCEPTION: "policy-validity",
  MALFORMED_JSON: "policy-validity",
  MALFORMED: "policy-validity",
  DUPLICATE_SID: "policy-validity",
  UNKNOWN_PRINCIPAL: "policy-validity",
  UNKNOWN_FEDERATION_SOURCE: "policy-validity",
  MISMATCHED_TYPE_OPERATION_TO_NULL: "policy-validity",
  MISMATCHED_TYPE_BUT_USABLE: "policy-validity",
  MISMATCHED_TYPE: "policy-validity",
  UNKNOWN_ACTION: "policy-validity",
  UNKNOWN_PREFIX: "policy-validity",
  UNKNOWN_CONDITION_FOR_ACTION: "policy-validity",
  BAD_PATTERN_FOR_MFA: "policy-validity",
  INVALID_SID: "policy-validity",
  INVALID_ARN: "policy-validity",
  NO_VERSION: "policy-validity",
  INVALID_VERSION: "policy-validity",
  OLD_VERSION: "policy-validity",
  RESOURCE_MISMATCH: "policy-validity",
  UNKNOWN_OPERATOR: "policy-validity",
};

/**
 * leastrole rule ids. LR013 is "other principals can read this function's environment variables"
 * (secrets in clear text), hence credentials exposure; LR012 is a resource policy that exposes the
 * function, hence resource exposure.
 */
export const LEASTROLE_CATEGORY: Record<string, Category> = {
  LR001: "hygiene",
  LR002: "overly-permissive",
  LR003: "overly-permissive",
  LR004: "overly-permissive",
  LR005: "lambda-configuration",
  LR006: "lambda-configuration",
  LR007: "lambda-configuration",
  LR008: "usage",
  LR009: "usage",
  LR010: "lambda-configuration",
  LR011: "trust",
  LR012: "resource-exposure",
  LR013: "credentials-exposure",
  LR014: "privilege-escalation",
  LR015: "overly-permissive",
  LR016: "hygiene",
  LR017: "usage",
  LR018: "data-exfiltration",
  LR019: "policy-validity",
  LR020: "resource-exposure",
  LR021: "infrastructure-modification",
};

/** principal key → category → sorted, unique evidence items. */
export type PrincipalTable = Record<string, Partial<Record<Category, string[]>>>;

/** `role/<name>`, `user/<name>`, `group/<name>`, `function/<name>` from an IAM or Lambda ARN. */
export function principalKey(arn: string): string {
  const rest = arn.split(":").slice(5).join(":");
  const lambda = /^function:([^:]+)/.exec(rest);
  if (lambda) return `function/${lambda[1]}`;
  const [kind, ...path] = rest.split("/");
  return `${kind}/${path[path.length - 1] ?? ""}`;
}

export function add(table: PrincipalTable, key: string, category: Category, item: string): void {
  const row = (table[key] ??= {});
  const items = (row[category] ??= []);
  if (!items.includes(item)) items.push(item);
}

/** Sorted keys and items, so the stored comparison is byte-stable. */
export function sortTable(table: PrincipalTable): PrincipalTable {
  const out: PrincipalTable = {};
  for (const key of Object.keys(table).sort()) {
    const row: Partial<Record<Category, string[]>> = {};
    for (const c of CATEGORIES) {
      const items = table[key]?.[c];
      if (items && items.length > 0) row[c] = [...items].sort();
    }
    out[key] = row;
  }
  return out;
}

/** How many principals each category flags (the comparable number across tools). */
export function countByCategory(table: PrincipalTable): Partial<Record<Category, number>> {
  const out: Partial<Record<Category, number>> = {};
  for (const c of CATEGORIES) {
    const n = Object.values(table).filter((row) => (row[c]?.length ?? 0) > 0).length;
    if (n > 0) out[c] = n;
  }
  return out;
}

/** The subset of a leastrole JSON-report finding the comparison reads. */
export interface LeastroleFindingLike {
  ruleId: string;
  resource: { type: string; arn: string; name: string };
  evidence?: unknown;
}

/**
 * leastrole findings as a principal table. LR014 lists its path ids (the escalation methods, like
 * Cloudsplaining's types); other rules give the rule id and, where the evidence names one, the
 * policy statement or service, so two findings of one rule on one role stay distinct.
 */
export function leastroleTable(findings: LeastroleFindingLike[], omitRules: string[] = []): PrincipalTable {
  const table: PrincipalTable = {};
  for (const f of findings) {
    if (omitRules.includes(f.ruleId)) continue;
    const category = LEASTROLE_CATEGORY[f.ruleId];
    if (!category) throw new Error(`bench/peers: leastrole rule ${f.ruleId} has no comparison category (add it to LEASTROLE_CATEGORY)`);
    const key = principalKey(f.resource.arn);
    const ev = (f.evidence ?? {}) as Record<string, unknown>;
    if (f.ruleId === "LR014" && Array.isArray(ev.paths)) {
      for (const p of ev.paths as Array<{ id: string }>) add(table, key, category, `LR014 ${p.id}`);
    } else {
      add(table, key, category, f.ruleId);
    }
  }
  return sortTable(table);
}
