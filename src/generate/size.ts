/**
 * IAM policy size limits and splitting (IAM User Guide, "IAM and AWS STS quotas, name requirements,
 * and character limits", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html:
 * "Role policy size cannot exceed 10,240 characters" for the aggregate of a role's inline policies,
 * "Managed policy size cannot exceed 6,144 characters"):
 * - the inline policies of a role together: 10,240 characters;
 * - each customer managed policy: 6,144 characters;
 * - managed policies attached to a role: 10 by default (20 after a quota increase);
 * "IAM does not count white space when calculating the size of a policy against these limits."
 *
 * We measure the compact JSON (no whitespace between tokens) and count whitespace inside strings,
 * which can only over-estimate, so a policy we call fitting does fit.
 *
 * Because the inline limit is an aggregate per role, splitting one inline policy into several
 * inline policies gains nothing: a policy that does not fit inline becomes several managed policies.
 */

import type { PolicyDocument, PolicyStatement } from "../model/document.js";
import type { PolicyTarget, SizedPolicy } from "./types.js";
import { unknownPlaces } from "./unknown-places.js";

export const INLINE_ROLE_POLICY_LIMIT = 10_240;
export const MANAGED_POLICY_LIMIT = 6_144;
export const DEFAULT_MANAGED_POLICIES_PER_ROLE = 10;

/**
 * The length assumed for a reference kept in the output (`${Env}`, `${var.env}`) whose
 * declaration says nothing of its length (a parameter without AllowedValues or MaxLength, a
 * Terraform variable): long enough for a stage-and-region name such as `prod-eu-central-orders`
 * (22) with room to spare.
 */
export const DEFAULT_REFERENCE_LENGTH = 32;

/** A reference kept in the output: the value it was read with, and the length assumed for it deployed. */
export interface ReferenceLength {
  value: string;
  assumed: number;
}

/**
 * The size of `doc` as IAM would count it once deployed with each reference of `written` (the
 * Resource strings the output writes as expressions) at its assumed length: the resolved size,
 * plus, for every occurrence of a reference in a written Resource, the characters its assumed
 * value has beyond the value read (never less: a shorter value only shrinks the policy). Why:
 * the policy is sized on the values read (`dev`), and the same text deployed with
 * `prod-eu-central-orders` is longer; past the limit, IAM refuses it at deploy time (LimitExceeded).
 */
export function deployedSize(doc: PolicyDocument, written: { readonly [resolved: string]: string }, lengths: ReadonlyMap<string, ReferenceLength>): number {
  let extra = 0;
  for (const st of doc.Statement) {
    for (const r of st.Resource ?? []) {
      if (!Object.hasOwn(written, r)) continue;
      for (const m of (written[r] as string).matchAll(/\$\{[^}]*\}/g)) {
        const l = lengths.get(m[0]);
        if (l !== undefined) extra += Math.max(0, l.assumed - l.value.length);
      }
    }
  }
  return policySize(doc) + extra;
}

/** The longest Region code (ap-southeast-2, cn-northwest-1, eusc-de-east-1) and an account ID's length. */
const LONGEST_REGION = 14;
const ACCOUNT_ID_LENGTH = 12;

/**
 * Size as IAM counts it (upper bound): compact JSON length, with a region or account the IaC
 * readers wrote `unknown` (unknown-places.ts) counted at the longest it can be deployed as. Why:
 * the CloudFormation and Terraform outputs write them as the stack's own (`${AWS::Region}`,
 * `${AWS::AccountId}`), 12 characters more per ARN in ap-southeast-2; a policy of a template's
 * hundred log groups and tables sized on `unknown` fitted here and IAM refused it at deploy time
 * (LimitExceeded).
 */
export function policySize(doc: PolicyDocument): number {
  let extra = 0;
  for (const st of doc.Statement) {
    for (const r of st.Resource ?? []) {
      const places = unknownPlaces(r);
      if (places === null) continue;
      if (places.region) extra += Math.max(0, LONGEST_REGION - (places.head[3] as string).length);
      if (places.account) extra += Math.max(0, ACCOUNT_ID_LENGTH - (places.head[4] as string).length);
    }
  }
  return JSON.stringify(doc).length + extra;
}

function docOf(statements: PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * Split one statement whose own size exceeds `limit` into several with the same actions and
 * consecutive slices of its resources (or, for a `*`-only statement, slices of its actions).
 * Sids get a numeric suffix so they stay unique.
 */
function splitStatement(st: PolicyStatement, limit: number): PolicyStatement[] {
  const resources = st.Resource ?? [];
  const actions = st.Action ?? [];
  const bySlices = resources.length > 1 ? "Resource" : "Action";
  const items = bySlices === "Resource" ? resources : actions;
  const out: PolicyStatement[] = [];
  let current: string[] = [];
  const make = (slice: string[], n: number): PolicyStatement => ({ ...st, Sid: `${st.Sid ?? "Statement"}Part${n}`, [bySlices]: slice });
  for (const item of items) {
    const candidate = [...current, item];
    if (current.length > 0 && policySize(docOf([make(candidate, out.length + 1)])) > limit) {
      out.push(make(current, out.length + 1));
      current = [item];
    } else current = candidate;
  }
  if (current.length > 0) out.push(make(current, out.length + 1));
  return out;
}

/**
 * Pack statements, in order, into as few documents as fit `limit` each (next-fit keeps the
 * statement order, hence determinism and readable diffs between runs).
 */
export function packStatements(statements: readonly PolicyStatement[], limit: number): PolicyDocument[] {
  const docs: PolicyStatement[][] = [];
  let current: PolicyStatement[] = [];
  for (const st of statements) {
    const pieces = policySize(docOf([st])) > limit ? splitStatement(st, limit) : [st];
    for (const piece of pieces) {
      if (current.length > 0 && policySize(docOf([...current, piece])) > limit) {
        docs.push(current);
        current = [];
      }
      current.push(piece);
    }
  }
  if (current.length > 0 || docs.length === 0) docs.push(current);
  return docs.map(docOf);
}

/**
 * The documents to deploy: one inline policy when it fits the role's inline budget, else managed
 * policies within 6,144 each. `target: "managed"` always produces managed policies.
 */
export function sizePolicies(doc: PolicyDocument, baseName: string, target: PolicyTarget): SizedPolicy[] {
  if (target === "inline" && policySize(doc) <= INLINE_ROLE_POLICY_LIMIT) {
    return [{ name: baseName, kind: "inline", document: doc, size: policySize(doc), limit: INLINE_ROLE_POLICY_LIMIT }];
  }
  const docs = packStatements(doc.Statement, MANAGED_POLICY_LIMIT);
  return docs.map((d, i) => ({
    name: docs.length === 1 ? baseName : `${baseName}-${i + 1}`,
    kind: "managed" as const,
    document: d,
    size: policySize(d),
    limit: MANAGED_POLICY_LIMIT,
  }));
}
