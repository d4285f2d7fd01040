/**
 * The policies that apply to a principal, in the shape the IAM engine evaluates: identity policies
 * (inline, attached managed, and for users their groups'), the permissions boundary, and whether
 * any of them could not be resolved (then every "not allowed" is only "not shown to be allowed").
 */
import type { CanonicalDocument, ManagedPolicy, PolicyDocument, PolicyStatement, Principal, Role } from "../model/document.js";
import type { StatementPointer } from "../model/analysis.js";
import type { NamedPolicy, StatementRef } from "./iam.js";
import { instantOf } from "./iam.js";
import { arnAccount } from "../iam/arn.js";

export interface PrincipalPolicies {
  identity: NamedPolicy[];
  boundary: NamedPolicy | null;
  /** Some attached managed policy or the boundary has no document, or the principal's facts say a policy of its own could not be read. */
  incomplete: boolean;
  /**
   * The document's reference instant (`meta.asOf`, epoch ms), null without one (a template): the
   * principal's requests are made at or after it, so `aws:CurrentTime` windows that closed before
   * it grant nothing and start dates before it hold (EvaluationRequest.earliestTime).
   */
  earliestTime: number | null;
}

/** `meta.asOf` as epoch milliseconds, or null (absent or not a time). */
export function earliestTimeOf(document: CanonicalDocument): number | null {
  return instantOf(document.meta.asOf);
}

/** Is this an AWS managed policy ARN (`arn:<partition>:iam::aws:policy/…`)? */
export function isAwsManagedArn(arn: string): boolean {
  return /^arn:[^:]+:iam::aws:policy\//.test(arn);
}

function managedDocument(policies: CanonicalDocument["policies"], arn: string): { doc: PolicyDocument | null; policy: ManagedPolicy | null } {
  const policy = policies[arn] ?? null;
  return { doc: policy?.document ?? null, policy };
}

/** Policies of a role or an IAM user/group (users get their groups' policies too, looked up by name). */
export function policiesOf(
  principal: Role | Principal,
  document: CanonicalDocument,
  groupsByName?: ReadonlyMap<string, Principal>,
): PrincipalPolicies {
  const identity: NamedPolicy[] = [];
  // The normaliser marks a principal incomplete when a policy of its own could not be read (an
  // inline policy that does not decode, one Terraform knows only after apply): it is left out of
  // `inlinePolicies`, so nothing below would see it, yet it might grant what looks refused.
  // A role whose trust policy alone is unknown (a template's `assume_role_policy` known only after
  // apply) is marked incomplete too, yet its permissions are all there: that flag is not taken then
  // (a missing trust policy together with an unread permission policy is taken as complete: rare).
  let incomplete = principal.facts?.incomplete === true && !("trustPolicy" in principal && principal.trustPolicy === null);
  // Group inline policies are named `inline:<group>/<policy>`, as the normaliser names them in facts.
  const add = (owner: Role | Principal, prefix: string) => {
    for (const p of owner.inlinePolicies) identity.push({ id: `inline:${prefix}${p.name}`, document: p.document, kind: "inline" });
    for (const ref of owner.attachedPolicies) {
      const { doc } = managedDocument(document.policies, ref.arn);
      if (doc === null) {
        incomplete = true;
        continue;
      }
      if (!identity.some((x) => x.id === ref.arn)) identity.push({ id: ref.arn, document: doc, kind: "managed" });
    }
  };
  add(principal, "");
  if ("type" in principal && principal.type === "user" && groupsByName) {
    for (const g of principal.groups) {
      const group = groupsByName.get(g);
      if (group === undefined) {
        incomplete = true;
        continue;
      }
      add(group, `${g}/`);
    }
  }
  let boundary: NamedPolicy | null = null;
  if (principal.permissionsBoundaryArn) {
    const { doc } = managedDocument(document.policies, principal.permissionsBoundaryArn);
    if (doc === null) incomplete = true;
    else boundary = { id: `boundary:${principal.permissionsBoundaryArn}`, document: doc, kind: "managed" };
  }
  // Stable order: the engine's explanations list statements in policy order.
  identity.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { identity, boundary, incomplete, earliestTime: earliestTimeOf(document) };
}

/** The engine's statement reference as a compact pointer. */
export function pointer(ref: StatementRef): StatementPointer {
  const policy = ref.policyKind === "boundary" && !ref.policy.startsWith("boundary:") ? `boundary:${ref.policy}` : ref.policy;
  return { policy, index: ref.index, sid: ref.sid };
}

export function pointers(refs: readonly StatementRef[]): StatementPointer[] {
  const seen = new Set<string>();
  const out: StatementPointer[] = [];
  for (const r of refs) {
    const p = pointer(r);
    const key = `${p.policy}#${p.index}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out.sort(comparePointers);
}

export function comparePointers(a: StatementPointer, b: StatementPointer): number {
  return a.policy < b.policy ? -1 : a.policy > b.policy ? 1 : a.index - b.index;
}

/** Partition of an ARN (`aws`, `aws-cn`, `aws-us-gov`), `aws` when it cannot be read. */
export function partitionOf(arn: string): string {
  const p = arn.split(":")[1];
  return p !== undefined && p !== "" ? p : "aws";
}

/** Account of an ARN when it names a 12-digit account, else null. */
export function accountOf(arn: string): string | null {
  // The fifth field when it is 12 digits, resource part optional; read in place (arnAccount):
  // split + a regular expression per escalation candidate cost ~2.5 s at 10,000 roles.
  return arnAccount(arn, 5);
}

const actionKeys = new WeakMap<PolicyStatement, string>();

/**
 * A statement's Action and NotAction as one string: all that what it grants depends on, apart from
 * its resources and conditions. Why: roles repeat the same action lists with their own resources
 * (an inline policy per role, `dynamodb:GetItem…` on its own table), so the analyses that read only
 * the actions (grants.ts, escalation.ts) compute once per list, not once per role.
 */
export function actionKeyOf(st: PolicyStatement): string {
  // Per statement object too: an AWS managed policy's statements (ReadOnlyAccess lists ~1,800
  // actions) are the same objects in every role that attaches it. Parsed documents are not
  // mutated (the IAM engine's pattern indexes rely on it as well).
  let key = actionKeys.get(st);
  if (key === undefined) {
    key = st.Action !== undefined ? `A${JSON.stringify(st.Action)}` : st.NotAction !== undefined ? `N${JSON.stringify(st.NotAction)}` : "-";
    actionKeys.set(st, key);
  }
  return key;
}

export function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
