/**
 * What lifts a refused kms:Decrypt that is Lambda's own decryption of the function's environment
 * with the AWS managed key aws/lambda. "By default, Lambda uses an AWS managed key … Lambda creates
 * the AWS managed key in your account and manages the permissions to it for you" (Lambda developer
 * guide, "Securing environment variables"): Lambda uses it through a grant for the execution role,
 * not through the role's policies, and the grant no longer holds once the role was deleted and
 * re-created with the same name; updating the function's configuration makes Lambda create it again
 * (AWS re:Post knowledge center, "lambda-kmsaccessdeniedexception-errors": the role set to a
 * temporary value and back). Before, `generate` advised a kept exception (a grant in the role),
 * which lifts nothing. LR009 says the same (policies/rules/denied_call.rego,
 * lambda_environment_decrypt).
 */
import type { LambdaFunction } from "../model/document.js";
import type { PrincipalUsage } from "../model/usage.js";
import { LAMBDA_SERVICE_SESSION } from "../usage/attribution.js";

export const ENVIRONMENT_KEY_ADVICE =
  "Lambda decrypts the environment variables under the AWS managed key aws/lambda through a grant it creates for the execution role when the function's configuration is saved, not through the role's policies: granting kms:Decrypt in the role does not lift this. " +
  "Update the function's configuration (set its execution role to another and back) so that Lambda creates the grant again: it no longer holds when the role was deleted and re-created with the same name.";

/**
 * The advice for the function's refused actions that are Lambda's own environment decryption under
 * aws/lambda: kms:Decrypt refused only in Lambda's own sessions that name the function
 * (`awslambda_*`, folded into the function), of a function with environment variables and no
 * KMSKeyArn. Empty otherwise: with a customer managed key the role does need kms:Decrypt on it
 * (LR010's environment-kms requirement), and the code's own Decrypt is the role's to grant.
 */
export function environmentKeyAdvice(fn: LambdaFunction, sessions: readonly PrincipalUsage[]): ReadonlyMap<string, string> {
  if (fn.kmsKeyArn !== null || fn.environmentVariableNames.length === 0) return NONE;
  const refusedIn = sessions.filter((s) => s.actions.some((a) => a.action === "kms:Decrypt" && a.deniedCount > 0));
  if (refusedIn.length === 0 || !refusedIn.every((s) => s.sessionName === LAMBDA_SERVICE_SESSION)) return NONE;
  return new Map([["kms:Decrypt", ENVIRONMENT_KEY_ADVICE]]);
}

const NONE: ReadonlyMap<string, string> = new Map();
