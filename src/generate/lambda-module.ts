/**
 * A role made by the terraform-aws-modules/lambda module, as `generate --format terraform` writes
 * it: the module call's inputs, not resources (src/generate/render-terraform.ts lambdaModuleBlock).
 * Used where the output is chosen (run.ts) and where generate warns about the role's other policy
 * resources (generate.ts): the module's own attachments are governed by the inputs the output sets.
 */

import type { CanonicalDocument, Role } from "../model/document.js";

/**
 * The terraform-aws-modules/lambda input that makes each of the policies its role gets, by the
 * attachment's resource name in the module's iam.tf (`aws_iam_role_policy_attachment.logs`).
 */
const LAMBDA_MODULE_INPUTS: Record<string, string> = {
  logs: "attach_cloudwatch_logs_policy",
  dead_letter: "attach_dead_letter_policy",
  vpc: "attach_network_policy",
  tracing: "attach_tracing_policy",
  async: "attach_async_event_policy",
  additional_json: "attach_policy_json",
  additional_jsons: "attach_policy_jsons",
  additional_one: "attach_policy",
  additional_many: "attach_policies",
  additional_inline: "attach_policy_statements",
};

/**
 * A role made by terraform-aws-modules/lambda, as the Terraform reader recognised it
 * (`role.source.terraformModule`, src/sources/terraform/lambda-module.ts: the call's source, else the
 * module's shape), run by the call's `aws_lambda_function.this[0]`, every policy it gets from the same
 * call's attachments of iam.tf. The inputs that make today's policies, but `attach_policy_json` (the
 * output sets it), are to be turned off.
 */
export function lambdaModuleOf(document: CanonicalDocument, role: Role): { call: string; inputsOff: string[]; resetTrust: boolean } | undefined {
  const call = role.source?.terraformModule?.call;
  if (call === undefined) return undefined;
  if (!document.functions.some((f) => f.roleArn === role.arn && f.source?.address === `${call}.aws_lambda_function.this[0]`)) return undefined;
  const inputs = new Set<string>();
  for (const p of role.policyResources ?? []) {
    const prefix = `${call}.aws_iam_role_policy_attachment.`;
    const address = p.source.address ?? "";
    const a = address.startsWith(prefix) ? /^([a-z_]+)\[\d+\]$/.exec(address.slice(prefix.length)) : null;
    const input = a !== null && Object.hasOwn(LAMBDA_MODULE_INPUTS, a[1] as string) ? LAMBDA_MODULE_INPUTS[a[1] as string] : undefined;
    if (input === undefined) return undefined; // a policy from elsewhere: not the module's shape
    if (input !== "attach_policy_json") inputs.add(input);
  }
  // The generated role is Lambda's alone, as the other outputs write its trust policy.
  const lambdaOnly = (p: unknown): boolean => {
    if (p === null || typeof p !== "object") return false;
    const entries = Object.entries(p as Record<string, unknown>);
    return entries.every(([k, v]) => k === "Service" && (Array.isArray(v) ? v : [v]).every((x) => x === "lambda.amazonaws.com" || x === "edgelambda.amazonaws.com"));
  };
  const resetTrust = (role.trustPolicy?.Statement ?? []).some((st) => st.Effect === "Allow" && !lambdaOnly(st.Principal));
  return { call, inputsOff: [...inputs].sort(), resetTrust };
}
