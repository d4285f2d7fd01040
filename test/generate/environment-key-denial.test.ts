/**
 * A refused kms:Decrypt in Lambda's own sessions on the role that name the function (`awslambda_*`,
 * src/usage/attribution.ts) of a function whose environment uses the AWS managed key aws/lambda (no
 * KMSKeyArn) is Lambda decrypting the environment through the grant it makes for the role, not
 * through the role's policies (Lambda developer guide, "Securing environment variables"; AWS
 * re:Post "lambda-kmsaccessdeniedexception-errors"). Before, `generate` said "If the function needs
 * it, add a kept exception", which grants the action in the role and lifts nothing. The function
 * code's own refused Decrypt keeps the advice (LR009 says the same: policies/rules/denied_call.rego).
 */
import { describe, expect, it } from "vitest";
import { generatePolicy } from "../../src/generate/index.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import { ACCOUNT, action, document, lambdaFunction, REGION, role, roleArn, session } from "./fixtures.js";

const catalog = loadActionCatalogSync();
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

function denial(sessionName: string, kmsKeyArn: string | null) {
  const r = roleArn("api-role");
  const fn = lambdaFunction("api", r, { environmentVariableNames: ["TABLE"], kmsKeyArn });
  const decrypt = action("kms:Decrypt", 2, [KEY], { deniedCount: 2, errorCodes: { AccessDenied: 2 } });
  const principal = { ...session(fn, [decrypt]), sessionName, ...(sessionName === "awslambda_*" ? { invokedBy: "lambda.amazonaws.com" } : {}) };
  const g = generatePolicy(document([fn], [role(r, [fn.arn])], [principal]), fn.arn, {}, catalog);
  return g.warnings.find((w) => w.code === "denied-calls-not-granted" && w.action === "kms:Decrypt")?.message;
}

describe("a refused kms:Decrypt of the environment under aws/lambda", () => {
  it("in Lambda's own sessions: generate says what lifts it, not to keep an exception", () => {
    const message = denial("awslambda_*", null);
    expect(message).toBe(
      `kms:Decrypt: all 2 calls were denied (AccessDenied) on ${KEY}; not granted. ` +
        "Lambda decrypts the environment variables under the AWS managed key aws/lambda through a grant it creates for the execution role when the function's configuration is saved, not through the role's policies: granting kms:Decrypt in the role does not lift this. " +
        "Update the function's configuration (set its execution role to another and back) so that Lambda creates the grant again: it no longer holds when the role was deleted and re-created with the same name.",
    );
  });

  it("in the function code's session, or with a customer managed key: the usual advice", () => {
    expect(denial("api", null)).toMatch(/If the function needs it, add a kept exception\.$/);
    expect(denial("awslambda_*", KEY)).toMatch(/If the function needs it, add a kept exception\.$/);
  });
});
