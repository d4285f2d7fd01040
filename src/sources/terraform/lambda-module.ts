/**
 * Recognising a role made by the terraform-aws-modules/lambda module (its iam.tf:
 * `aws_iam_role.lambda[0]`), so that advice names the module call's inputs (`attach_network_policy`,
 * `policy_statements` …) rather than a policy its user cannot write beside the module's; and a
 * function the module makes (`aws_lambda_function.this[0]`), so that advice on a function whose
 * call is given a role made elsewhere (`create_role = false`, `lambda_role`) names that role, not
 * the call's `attach_*` inputs, which make nothing then.
 */
import type { SourceLocation, TerraformModule } from "../../model/document.js";
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

/**
 * The module call that made function `r`, when it is the module's: the call's source is the
 * module's published address; or, for a local copy, the call's configuration declares the module's
 * role and function (`aws_iam_role.lambda`, `aws_lambda_function.this`: the plan's configuration
 * lists a resource whatever its count, so a call with `create_role = false` still shows it). Without
 * the configuration, only when the call made its own role beside the function (lambdaModuleOfRole's
 * shape): a function `this[0]` alone is the shape of many local modules.
 */
export function lambdaModuleOfFunction(index: PlanIndex, r: TfResource): TerraformModule | undefined {
  if (r.type !== "aws_lambda_function" || r.name !== "this" || r.key !== "[0]" || r.moduleInstance === "") return undefined;
  const source = index.moduleCalls.get(r.modulePath)?.source ?? null;
  if (source !== null && isLambdaModuleSource(source)) return { source, call: r.moduleInstance };
  if (source === null) {
    const role = index.byModuleInstance.get(`${r.modulePath}.aws_iam_role.lambda\u0000${r.moduleInstance}`) ?? [];
    return role.some((x) => x.key === "[0]") ? { source, call: r.moduleInstance } : undefined;
  }
  if (!source.startsWith("./") && !source.startsWith("../")) return undefined;
  return index.config.has(`${r.modulePath}.aws_iam_role.lambda`) && index.config.has(`${r.modulePath}.aws_lambda_function.this`) ? { source, call: r.moduleInstance } : undefined;
}

/** The location itself is extended, not copied: locations are keys of `statementLines`. */
export function withTerraformModule(loc: SourceLocation, module: TerraformModule | undefined): SourceLocation {
  if (module !== undefined) loc.terraformModule = module;
  return loc;
}
