/**
 * The policies a template or plan puts on today's role from outside the role's own definition
 * (Role.policyResources: CDK's `<Role>DefaultPolicy`, an AWS::IAM::Policy or ManagedPolicy with
 * `Roles: [!Ref FnRole]`, Terraform's aws_iam_role_policy and attachments). The generated role
 * takes the place of the role's definition only: pasted into the template or configuration, it
 * leaves these attached, and the role is as broad as before. Nothing the output writes can delete
 * a resource of the template or configuration, so each is named, with what to do with it: remove
 * it, or, when it also names other roles, users or groups, take this role out of it; and what
 * depends on it by name (CDK makes each function depend on its role's DefaultPolicy: removing the
 * policy alone fails the template, "Unresolved resource dependencies").
 */

import type { Role, RolePolicyResource } from "../model/document.js";
import type { GenerateFormat, GenerationWarning, SeparatePolicy } from "./types.js";

/** What to do with each separate policy resource of the role the output replaces, sorted as the role lists them. */
export function separatePoliciesOf(role: Role | undefined): SeparatePolicy[] {
  return (role?.policyResources ?? []).map((p) => ({ ...p, action: actionOf(p) }));
}

/**
 * For the Terraform output of a role the plan's root module writes (`aws_iam_role.shared`, as a
 * role made beside terraform-aws-modules/lambda calls given it with create_role = false is): when
 * the output is one inline policy and the role has one root `aws_iam_role_policy` of its own to
 * remove, that resource is the one the output writes, under its address and policy name, so the
 * user replaces their block rather than removing it and adding one of the same address (before,
 * `aws_iam_role_policy.shared` was both written and to be removed). Marks it `replace`.
 */
export function replacedPolicyResource(separate: SeparatePolicy[], role: Role, policies: readonly { kind: string }[], format: GenerateFormat | undefined): void {
  if (format !== "terraform" || !/^aws_iam_role\.[A-Za-z_][A-Za-z0-9_-]*$/.test(role.source?.address ?? "")) return;
  if (policies.length !== 1 || policies[0]?.kind !== "inline") return;
  const own = separate.filter((p) => p.type === "aws_iam_role_policy" && p.action === "remove" && p.inlinePolicy !== undefined && /^aws_iam_role_policy\.[A-Za-z_][A-Za-z0-9_-]*$/.test(p.source.address ?? ""));
  if (own.length === 1 && own[0] !== undefined) own[0].action = "replace";
}

function actionOf(p: RolePolicyResource): SeparatePolicy["action"] {
  if (p.source.samMadeFrom !== undefined) return "connector";
  if (p.type === "aws_iam_role_policies_exclusive" || p.type === "aws_iam_role_policy_attachments_exclusive") return "edit";
  return p.sharedWith.length > 0 ? "edit" : "remove";
}

/**
 * One warning naming them all, or null. A SAM connector's policy is left to the CloudFormation and
 * SAM outputs' own header line (it follows the function to whichever role it runs with), and named
 * here for the other formats.
 */
export function separatePoliciesWarning(separate: readonly SeparatePolicy[], format: GenerateFormat | undefined): GenerationWarning | null {
  // The one the output takes the place of is no resource left beside it (renderTerraform says so).
  const shown = separate.filter((p) => p.action !== "replace" && (p.action !== "connector" || (format !== "cloudformation" && format !== "sam")));
  if (shown.length === 0) return null;
  const one = shown.length === 1;
  return {
    code: "policies-attached-elsewhere",
    message:
      `${one ? "A resource" : `${shown.length} resources`} outside today's role definition put${one ? "s" : ""} policies on the role, and stay${one ? "s" : ""} when this role replaces it: ` +
      `${shown.map(sentence).join("; ")}. Until then the role keeps what ${one ? "it grants" : "they grant"} beside this policy.`,
  };
}

function sentence(p: SeparatePolicy): string {
  const where = [p.source.file, p.source.line === null ? null : `line ${p.source.line}`, p.source.construct === undefined ? null : `CDK ${p.source.construct}`].filter((x) => x !== null).join(", ");
  const name = p.source.address ?? p.type;
  const terraform = p.type.startsWith("aws_");
  const inline = p.inlinePolicy !== undefined;
  const puts = inline ? `puts inline policy ${p.inlinePolicy} on it` : `attaches ${(p.managedPolicyArns ?? []).join(", ")} to it`;
  // A Terraform address names its type already (`aws_iam_role_policy.x`).
  const head = name.startsWith(`${p.type}.`) || name.includes(`.${p.type}.`) ? `${name} (${where})` : `${name} (${p.type}, ${where})`;
  const dependents = p.dependents.length === 0 ? "" : `, and ${terraform ? "its address from the depends_on" : "its logical ID from the DependsOn"} of ${p.dependents.join(", ")}`;
  switch (p.type) {
    case "aws_iam_role_policies_exclusive":
      return `${head} deletes every inline policy of the role it does not name, the generated one too: remove it${dependents}, or name only the generated policy in policy_names`;
    case "aws_iam_role_policy_attachments_exclusive":
      return `${head} attaches ${(p.managedPolicyArns ?? []).join(", ") || "no managed policy"} and detaches any other: remove it${dependents}, or list only the generated role's managed policies in policy_arns`;
  }
  if (p.action === "connector") return `${head} ${puts}, made by the SAM connector ${p.source.samMadeFrom}: it attaches to the role the function runs with; remove the connector if the function does not need what it grants`;
  if (p.action === "edit") {
    const key = terraform ? "roles" : "Roles";
    return `${head} ${puts} and ${inline ? "on" : "to"} ${p.sharedWith.join(", ")} too: take this role out of its ${key} (or remove it${dependents}, if they do not need it)`;
  }
  return `${head} ${puts}: remove it${dependents}`;
}
