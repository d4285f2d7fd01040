/**
 * What lifts a refused kms:Decrypt that is Lambda's own decryption of the function's environment
 * with the AWS managed key aws/lambda. "By default, Lambda uses an AWS managed key … Lambda creates
 * the AWS managed key in your account and manages permissions to it for you" (Lambda developer
 * guide, "Securing environment variables"): Lambda lets the execution role use the key by the
 * role's unique ID, not through the role's policies, and that no longer holds once the role was
 * deleted and re-created with the same name; setting the function's role to another and back makes
 * Lambda do it again (AWS re:Post knowledge center, "lambda-kmsaccessdeniedexception-errors"; AWS
 * Support as quoted in luxifr.github.io, "AWS Lambda invocation error decrypting environment").
 * Before, `generate` advised a kept exception (a grant in the role), which lifts nothing. LR009
 * says the same (policies/rules/denied_call.rego, environment_key_note).
 */
import type { LambdaFunction } from "../model/document.js";
import type { PrincipalUsage } from "../model/usage.js";
import { LAMBDA_SERVICE_SESSION } from "../usage/attribution.js";

export const ENVIRONMENT_KEY_ADVICE =
  "Lambda decrypts the environment variables under the AWS managed key aws/lambda with the execution role, which Lambda itself lets use the key (by the role's unique ID), not the role's policies: granting kms:Decrypt in the role does not lift this. " +
  "Update the function's configuration (set its execution role to another and back) so that Lambda lets the role use the key again: it no longer can once the role was deleted and re-created with the same name.";

/** The same for a refusal in the function's own session, which Lambda or the code may have made. */
export const POSSIBLE_ENVIRONMENT_KEY_ADVICE =
  "If these were Lambda decrypting the function's environment variables, which are under the AWS managed key aws/lambda (no KMSKeyArn), the role's policies do not govern them: Lambda itself lets the execution role use that key (by the role's unique ID), and granting kms:Decrypt in the role does not lift the refusal; update the function's configuration (set its execution role to another and back) so that Lambda does again. " +
  "If they were the code's own, grant kms:Decrypt on the key (the records do not say which: leastrole does not read their encryption context).";

/**
 * The advice for a refused kms:Decrypt of a function with environment variables and no KMSKeyArn
 * (they are under aws/lambda): Lambda's when refused only in Lambda's own sessions that name the
 * function (`awslambda_*`, folded into the function); Lambda's or the code's in the function's own
 * session. Empty otherwise: with a customer managed key the role does need kms:Decrypt on it
 * (LR010's environment-kms requirement).
 */
export function environmentKeyAdvice(fn: LambdaFunction, sessions: readonly PrincipalUsage[]): ReadonlyMap<string, string> {
  if (fn.kmsKeyArn !== null || fn.environmentVariableNames.length === 0) return NONE;
  const refusedIn = sessions.filter((s) => s.actions.some((a) => a.action === "kms:Decrypt" && a.deniedCount > 0));
  if (refusedIn.length === 0) return NONE;
  // Lambda's own sessions: Lambda's decryption. The function's session (named after it): Lambda
  // decrypts the environment with the execution role too (AWS Support, quoted in luxifr.github.io,
  // "AWS Lambda invocation error decrypting environment"), and so may the code: both are said.
  if (refusedIn.every((s) => s.sessionName === LAMBDA_SERVICE_SESSION)) return new Map([["kms:Decrypt", ENVIRONMENT_KEY_ADVICE]]);
  return new Map([["kms:Decrypt", `If the function's code needs it, add a kept exception. ${POSSIBLE_ENVIRONMENT_KEY_ADVICE}`]]);
}

const NONE: ReadonlyMap<string, string> = new Map();
