/**
 * The public corpus inputs the built-in pack's golden files cover, one golden file per input
 * (a folder read as one account, or one file). Paths are relative to the corpus root.
 * Not covered: cloudgoat-policy-versions (bare policy documents, no principal or function to
 * evaluate), aws-sam-translator but one input (translator conformance pairs, covered by the IaC tests),
 * invictus-ir / stratus-red-team (CloudTrail only: usage, no IAM or Lambda configuration).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";

export const CORPUS = process.env.LEASTROLE_CORPUS ?? "/work/shared/corpus";

export function corpusInputs(): { name: string; path: string }[] {
  const out: { name: string; path: string }[] = [{ name: "cloudmapper-demo-account", path: "cloudmapper-demo-account" }];
  for (const f of ["example-authz-details.json", "example_authz_details_for_overrides_complete.json", "example_authz_v2.json", "managed_policy_mismatch.json"]) {
    out.push({ name: `cloudsplaining-${f.replace(/\.json$/, "")}`, path: `cloudsplaining-test-files/${f}` });
  }
  out.push({ name: "terraform-cloudgoat-lambda_privesc", path: "terraform-plans/cloudgoat-lambda_privesc.plan.json" });
  for (const f of ["plan_nested_child_modules.tfplan.json", "plan_with_deleted_resources.tfplan.json"]) out.push({ name: `checkov-${f.replace(/\.tfplan\.json$/, "")}`, path: `checkov-tfplan-fixtures/${f}` });
  // One translator input for its managed policies: `AWSLambdaRole` among every SAM policy template (LR021).
  out.push({ name: "sam-translator-function_with_policy_templates", path: "aws-sam-translator/input/function_with_policy_templates.yaml" });
  for (const d of readdirSync(join(CORPUS, "serverless-patterns-sam")).sort()) {
    if (d !== "SOURCE.md") out.push({ name: `sam-${d}`, path: `serverless-patterns-sam/${d}` });
  }
  return out;
}
