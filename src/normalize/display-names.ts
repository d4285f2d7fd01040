/**
 * Display names: how the user's code names a role, function, user, group or policy, for the rule
 * messages. A template's or plan's physical names are often not the user's: CloudFormation makes
 * a role's name at deployment (`Stack-FnServiceRoleC1EA0FF2-1A2B3C`), a CDK assembly's stacks get a
 * made-up account and a suffix, and a Terraform user edits `module.x.aws_iam_role.this[0]`, not the
 * `name` it evaluates to. So an entity read from infrastructure as code is named by its CDK
 * construct path (without the L1 `/Resource` child), else its logical ID or Terraform address,
 * which is what the user can search for in their code. Account exports keep their names (no
 * display name): the name in AWS is what their user knows.
 *
 * Computed once per input file here, before the inputs are merged, so that a canonical document
 * given as input keeps the display names its own inputs gave (its fragment carries them).
 */

import type { SourceLocation } from "../model/document.js";
import type { SourceFragment } from "../sources/types.js";

/** The source kinds whose entities the user wrote as code. */
const IAC_KINDS = new Set(["terraform-plan", "cloudformation"]);

/** A CDK construct path as the user wrote it: the CDK names an L2 construct's CloudFormation resource `Resource`, the user wrote its parent. */
export function constructName(construct: string): string {
  return construct.replace(/\/Resource$/, "");
}

/** The name a location gives its resource in the user's code; null when it gives none. */
export function writtenName(source: SourceLocation | null | undefined): string | null {
  if (!source) return null;
  if (source.construct) return constructName(source.construct);
  return source.address ?? null;
}

/** Sets `displayName` on the entities of an IaC file's fragment where it differs from their name. */
export function setDisplayNames(fragment: SourceFragment): void {
  if (!IAC_KINDS.has(fragment.source.kind)) return;
  const named = <T extends { name: string; displayName?: string; source: SourceLocation | null }>(entity: T): void => {
    const written = writtenName(entity.source);
    if (written !== null && written !== entity.name) entity.displayName = written;
  };
  for (const role of fragment.roles) {
    named(role);
    for (const policy of role.inlinePolicies) inlineNamed(policy, role.source);
  }
  for (const p of fragment.principals) {
    named(p);
    for (const policy of p.inlinePolicies) inlineNamed(policy, p.source);
  }
  for (const fn of fragment.functions) {
    // A function of a terraform-aws-modules/lambda call is the call the user wrote
    // (`module.reports`), not the module's own `module.reports.aws_lambda_function.this[0]`.
    const call = fn.source?.terraformModule?.call;
    if (call !== undefined && fn.source?.address?.startsWith(`${call}.aws_lambda_function.`) === true) fn.displayName = call;
    // A function the Serverless Framework compiled is `<Key>LambdaFunction` in its template
    // (`RandomUnderscorejokeLambdaFunction` for `random_joke`), a name written nowhere the user
    // looks; its deployed name (`aws-nodejs-dev-random_joke`) is what serverless.yml makes, the
    // console and `serverless deploy` show. A function the user wrote under `resources:` keeps
    // its logical ID.
    else if (fragment.serverlessFramework === true && fn.source?.address?.endsWith("LambdaFunction") === true && !fn.name.includes("${")) delete fn.displayName;
    else named(fn);
  }
  for (const policy of fragment.policies) if (!policy.awsManaged) named(policy);
  for (const patch of fragment.rolePolicyPatches ?? []) if (patch.inlinePolicy) inlineNamed(patch.inlinePolicy, null);
}

/**
 * An inline policy is named by its own resource (an AWS::IAM::Policy, aws_iam_role_policy) when it
 * has one; one written in its role's definition has the role's location and is known by its name.
 */
function inlineNamed(policy: { name: string; displayName?: string; source: SourceLocation | null }, holder: SourceLocation | null): void {
  const written = writtenName(policy.source);
  if (written === null || written === policy.name) return;
  if (holder !== null && policy.source?.file === holder.file && writtenInside(policy.source?.address ?? null, holder.address)) return;
  policy.displayName = written;
}

/** Whether an address is its holder's own or one inside it (`Role.Policies.Read`, `aws_iam_role.fn.inline_policy[0]`). */
function writtenInside(address: string | null, holder: string | null): boolean {
  if (address === null || holder === null) return false;
  return address === holder || address.startsWith(`${holder}.`) || address.startsWith(`${holder}[`);
}
