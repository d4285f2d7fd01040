/**
 * Permission rows: a fragment flattened into one row per thing a reviewer approves (a statement of
 * a role's trust, inline or attached managed policy, a permissions boundary, a function's
 * execution role, resource-policy statement, trigger or URL). Rows have a stable key that ignores
 * Sids, order and formatting, so two fragments — two plans, a plan and the account, two template
 * revisions — diff into exactly the permission changes, each with the file and line to look at.
 */

import type { PolicyStatement, SourceLocation } from "../../model/document.js";
import type { SourceFragment } from "../types.js";

export type PermissionRowKind =
  | "trust-statement"
  | "inline-statement"
  | "managed-attachment"
  | "managed-statement"
  | "permissions-boundary"
  | "group-membership"
  | "execution-role"
  | "resource-policy-statement"
  | "trigger"
  | "function-url";

export interface PermissionRow {
  /** Identity of the row: equal keys mean the same permission. */
  key: string;
  kind: PermissionRowKind;
  /** Role ARN, managed policy ARN or function ARN the row belongs to. */
  owner: string;
  /** Inline policy name, attached policy ARN, … (null where the kind says it all). */
  policy: string | null;
  /** The permission itself, canonical (sorted lists, no Sid). */
  value: unknown;
  source: SourceLocation | null;
}

export interface PermissionDiff {
  added: PermissionRow[];
  removed: PermissionRow[];
}

/** Lists sorted, keys sorted, Sid dropped: the meaning of a statement, not its spelling. */
export function canonicalStatement(s: PolicyStatement): unknown {
  const { Sid: _sid, ...rest } = s;
  return sortDeep(rest);
}

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v.map(sortDeep);
    return items.every((x) => typeof x === "string") ? [...(items as string[])].sort() : items;
  }
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, sortDeep(o[k])]));
  }
  return v;
}

/**
 * What a row's key compares: a statement's Action and NotAction in lower case, as IAM matches
 * them (`DynamoDB:PutItem` is `dynamodb:putitem`), so that respelling an action is no change. The
 * row keeps the spelling as written for display.
 */
function meaningOf(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const v = value as Record<string, unknown>;
  if (!Array.isArray(v.Action) && !Array.isArray(v.NotAction)) return value;
  const lower = (xs: unknown): unknown => (Array.isArray(xs) ? [...new Set(xs.map((x) => (typeof x === "string" ? x.toLowerCase() : x)))].sort() : xs);
  return { ...v, ...(v.Action !== undefined ? { Action: lower(v.Action) } : {}), ...(v.NotAction !== undefined ? { NotAction: lower(v.NotAction) } : {}) };
}

export function permissionRows(fragment: SourceFragment): PermissionRow[] {
  const rows: PermissionRow[] = [];
  const push = (kind: PermissionRowKind, owner: string, policy: string | null, value: unknown, source: SourceLocation | null): void => {
    rows.push({ key: JSON.stringify([kind, owner, policy, meaningOf(value)]), kind, owner, policy, value, source });
  };
  for (const role of fragment.roles) {
    // Each statement at its own location when the reader recorded it (IaC), else its policy's.
    (role.trustPolicy?.Statement ?? []).forEach((s, i) => push("trust-statement", role.arn, null, canonicalStatement(s), role.trustStatementSources?.[i] ?? role.source));
    for (const p of role.inlinePolicies) p.document.Statement.forEach((s, i) => push("inline-statement", role.arn, p.name, canonicalStatement(s), p.statementSources?.[i] ?? p.source));
    for (const a of role.attachedPolicies) push("managed-attachment", role.arn, a.arn, a.arn, role.source);
    if (role.permissionsBoundaryArn) push("permissions-boundary", role.arn, null, role.permissionsBoundaryArn, role.source);
  }
  // Users and groups: who could pass or assume the roles.
  for (const principal of fragment.principals) {
    for (const p of principal.inlinePolicies) p.document.Statement.forEach((s, i) => push("inline-statement", principal.arn, p.name, canonicalStatement(s), p.statementSources?.[i] ?? p.source));
    for (const a of principal.attachedPolicies) push("managed-attachment", principal.arn, a.arn, a.arn, principal.source);
    for (const g of principal.groups) push("group-membership", principal.arn, null, g, principal.source);
    if (principal.permissionsBoundaryArn) push("permissions-boundary", principal.arn, null, principal.permissionsBoundaryArn, principal.source);
  }
  for (const p of fragment.policies) (p.document?.Statement ?? []).forEach((s, i) => push("managed-statement", p.arn, null, canonicalStatement(s), p.statementSources?.[i] ?? p.source));
  for (const fn of fragment.functions) {
    push("execution-role", fn.arn, null, fn.roleArn, fn.source);
    (fn.resourcePolicy?.Statement ?? []).forEach((s, i) => push("resource-policy-statement", fn.arn, null, canonicalStatement(s), fn.resourcePolicyStatementSources?.[i] ?? fn.source));
    for (const t of fn.triggers) push("trigger", fn.arn, null, sortDeep({ kind: t.kind, eventSourceArn: t.eventSourceArn, secretArns: t.secretArns, onFailureDestination: t.onFailureDestination }), fn.source);
    // One URL per qualifier: an alias's URL is owned by the alias's ARN, so that it pairs with its own.
    for (const url of fn.functionUrls) push("function-url", url.qualifier ? `${fn.arn}:${url.qualifier}` : fn.arn, null, sortDeep(url), fn.source);
  }
  for (const p of fragment.functionPatches) {
    const owner = p.functionArn ?? p.functionName ?? "";
    for (const s of p.patch.resourcePolicy?.Statement ?? []) push("resource-policy-statement", owner, null, canonicalStatement(s), null);
    for (const t of p.patch.triggers ?? []) push("trigger", owner, null, sortDeep({ kind: t.kind, eventSourceArn: t.eventSourceArn, secretArns: t.secretArns, onFailureDestination: t.onFailureDestination }), null);
    const url = p.patch.functionUrl;
    if (url) push("function-url", url.qualifier ? `${owner}:${url.qualifier}` : owner, null, sortDeep(url), null);
  }
  // Duplicates (the same statement twice in a policy) are one permission.
  const unique = new Map(rows.map((r) => [r.key, r]));
  return [...unique.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The permission changes from `before` to `after` (rows in `after` not in `before`, and the reverse). */
export function diffPermissions(before: SourceFragment, after: SourceFragment): PermissionDiff {
  const a = permissionRows(before);
  const b = permissionRows(after);
  const inA = new Set(a.map((r) => r.key));
  const inB = new Set(b.map((r) => r.key));
  return { added: b.filter((r) => !inA.has(r.key)), removed: a.filter((r) => !inB.has(r.key)) };
}
