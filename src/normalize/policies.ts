/**
 * Managed policy resolution. Every managed policy a principal references (attached, or as its
 * permissions boundary) gets a document from the input, else from the shipped AWS managed policy
 * data (AWS managed policies only), else an explicit `resolution: "unresolved"` entry with a
 * warning: an unresolved policy is never read as "no permissions" (the facts of every principal
 * using it are marked incomplete).
 */

import type { ManagedPolicy, PolicyDocument, Warning } from "../model/document.js";
import type { PrincipalRecord, RoleRecord } from "../sources/types.js";
import { isAwsManagedPolicyArn } from "../sources/arns.js";
import { compareStrings } from "./merge.js";
import { hasPlaceholderAccount, namedInText } from "../deployment-account.js";

/** What the shipped AWS managed policy data knows about one policy. */
export interface ShippedManagedPolicy {
  name: string;
  path: string;
  defaultVersionId: string | null;
  document: PolicyDocument;
}

/** Looks an AWS managed policy up by ARN (any partition); null when unknown. */
export type ManagedPolicyLookup = (arn: string) => ShippedManagedPolicy | null;

export function resolveManagedPolicies(
  policies: Map<string, ManagedPolicy>,
  principals: ReadonlyArray<RoleRecord | PrincipalRecord>,
  lookup: ManagedPolicyLookup | null,
  warnings: Warning[],
): void {
  const users = new Map<string, string[]>();
  // Policies attached somewhere (their grants are missing) and used as a boundary (it can only take away).
  const attached = new Set<string>();
  const fileOf = new Map<string, string>();
  // How the warning names each principal (namedInText: a template's by its name, not a placeholder ARN).
  const shown = new Map<string, string>();
  for (const p of principals) {
    if (p.source) fileOf.set(p.arn, p.source.file);
    shown.set(p.arn, namedInText(p));
    const refs = [...p.attachedPolicies.map((a) => ({ arn: a.arn, name: a.name })), ...(p.permissionsBoundaryArn ? [{ arn: p.permissionsBoundaryArn, name: p.permissionsBoundaryArn.slice(p.permissionsBoundaryArn.lastIndexOf("/") + 1) }] : [])];
    for (const a of p.attachedPolicies) attached.add(a.arn);
    for (const ref of refs) {
      // Push, not copy: AWSLambdaBasicExecutionRole is attached to nearly every role (10,000 copies of a growing list).
      const list = users.get(ref.arn);
      if (list === undefined) users.set(ref.arn, [p.arn]);
      else list.push(p.arn);
      if (!policies.has(ref.arn)) {
        policies.set(ref.arn, {
          arn: ref.arn,
          name: ref.name,
          path: pathOf(ref.arn),
          awsManaged: isAwsManagedPolicyArn(ref.arn),
          defaultVersionId: null,
          document: null,
          resolution: "unresolved",
          otherVersions: [],
          attachmentCount: null,
          source: null,
        });
      }
    }
  }
  for (const policy of [...policies.values()].sort((a, b) => compareStrings(a.arn, b.arn))) {
    if (policy.resolution !== "unresolved") continue;
    const shipped = policy.awsManaged && lookup ? lookup(policy.arn) : null;
    if (shipped) {
      policy.document = shipped.document;
      policy.defaultVersionId = shipped.defaultVersionId;
      policy.resolution = "aws-managed-data";
      continue;
    }
    const who = (users.get(policy.arn) ?? []).sort();
    if (who.length === 0) continue; // listed in an export without a usable document, used by nobody here
    const file = fileOf.get(who[0]!);
    warnings.push({
      ...(file ? { file } : {}),
      code: "unresolved-managed-policy",
      severity: "warning",
      message: `managed policy ${policy.arn} is not in the inputs${policy.awsManaged ? " nor in the shipped AWS managed policy data" : ""}; ${unresolvedEffect(attached.has(policy.arn), namesOf(who, shown, fileOf))}`,
    });
  }
}

/**
 * The principals as the warning names them (namedInText); when they are in several templates' or
 * plans' placeholder accounts, each with its file too: two templates may both define `MyRole`.
 */
function namesOf(who: readonly string[], shown: ReadonlyMap<string, string>, fileOf: ReadonlyMap<string, string>): string[] {
  const placeholders = new Set(who.filter(hasPlaceholderAccount).map((arn) => arn.split(":")[4]));
  return who.map((arn) => {
    const name = shown.get(arn) ?? arn;
    const file = fileOf.get(arn);
    return placeholders.size > 1 && hasPlaceholderAccount(arn) && file ? `${name} (${file})` : name;
  });
}

/**
 * What a policy missing from the inputs does to its principals' permissions: an attached one's
 * grants are missing (what they are granted is a lower bound); a permissions boundary can only
 * take permissions away (what their policies grant is an upper bound).
 */
function unresolvedEffect(isAttached: boolean, who: readonly string[]): string {
  const whom = who.length === 1 ? (who[0] as string) : `${who.length} principals (${who.slice(0, 3).join(", ")}${who.length > 3 ? ", …" : ""})`;
  return isAttached
    ? `the permissions of ${whom} are a lower bound`
    : `it is the permissions boundary of ${whom}, whose permissions are at most what their policies grant (an upper bound: the boundary may take some away)`;
}

function pathOf(arn: string): string {
  const resource = arn.slice(arn.indexOf(":policy/") + ":policy/".length);
  const segments = resource.split("/");
  return segments.length <= 1 ? "/" : `/${segments.slice(0, -1).join("/")}/`;
}
