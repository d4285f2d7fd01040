/**
 * Recognising a role made by the terraform-aws-modules/lambda module (its iam.tf:
 * `aws_iam_role.lambda[0]`), so that advice names the module call's inputs (`attach_network_policy`,
 * `policy_statements` …) rather than a policy its user cannot write beside the module's.
 */
import type { TerraformModule } from "../../model/document.js";
import type { PlanIndex, TfResource } from "./plan-index.js";

/**
 * The module's published addresses: the registry's `terraform-aws-modules/lambda/aws` (also with a
 * registry host in front) and its GitHub repository (`github.com/…`, `git::https://…`, `git@github.com:…`),
 * each optionally with `?ref=`. A `//modules/…` subdirectory is another module of the repository
 * (alias, deploy, docker-build) and makes no role.
 */
const REGISTRY = /^(?:[a-z0-9.-]+\.[a-z]{2,}\/)?terraform-aws-modules\/lambda\/aws(?:\?.*)?$/i;
const GIT = /^(?:git::)?(?:(?:https?|ssh):\/\/)?(?:[^@/]+@)?github\.com[/:]terraform-aws-modules\/terraform-aws-lambda(?:\.git)?\/?(?:\?.*)?$/i;

export function isLambdaModuleSource(source: string): boolean {
  return REGISTRY.test(source) || GIT.test(source);
}

/**
 * The module call that made role `r`, when it is the module's: the call's `source` (the plan's
 * `configuration`, nested calls under `module_calls.<name>.module`) is the module's published
 * address; or, for a local copy (`../modules/terraform-aws-lambda`, a vendored fork) or a plan
 * without its configuration, the call has the module's shape: this role at `aws_iam_role.lambda[0]`
 * and the function `aws_lambda_function.this[0]` beside it. A call of any other published module
 * is not taken on the shape alone.
 */
export function lambdaModuleOfRole(index: PlanIndex, r: TfResource): TerraformModule | undefined {
  if (r.type !== "aws_iam_role" || r.name !== "lambda" || r.key !== "[0]" || r.moduleInstance === "") return undefined;
  const source = index.moduleCalls.get(r.modulePath)?.source ?? null;
  if (source !== null && isLambdaModuleSource(source)) return { source, call: r.moduleInstance };
  const local = source === null || source.startsWith("./") || source.startsWith("../");
  if (!local) return undefined;
  const fn = index.byModuleInstance.get(`${r.modulePath}.aws_lambda_function.this\u0000${r.moduleInstance}`) ?? [];
  return fn.some((f) => f.key === "[0]") ? { source, call: r.moduleInstance } : undefined;
}
