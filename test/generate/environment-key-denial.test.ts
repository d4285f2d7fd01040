/**
 * A refused kms:Decrypt of a function with environment variables and no KMSKeyArn (under the AWS
 * managed key aws/lambda), which Lambda lets the execution role use by its unique ID, not through
 * the role's policies (Lambda developer guide, "Securing environment variables"; AWS re:Post
 * "lambda-kmsaccessdeniedexception-errors"). Refused in Lambda's own sessions that name the
 * function (`awslambda_*`, src/usage/attribution.ts) it is Lambda's: before, `generate` said "If
 * the function needs it, add a kept exception", which grants the action in the role and lifts
 * nothing. In the function's own session Lambda or the code may have made it: both fixes are said.
 * LR009 says the same (policies/rules/denied_call.rego).
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
        "Lambda decrypts the environment variables under the AWS managed key aws/lambda with the execution role, which Lambda itself lets use the key (by the role's unique ID), not the role's policies: granting kms:Decrypt in the role does not lift this. " +
        "Update the function's configuration (set its execution role to another and back) so that Lambda lets the role use the key again: it no longer can once the role was deleted and re-created with the same name.",
    );
  });

  it("in the function's own session, which Lambda or the code may have made: both fixes", () => {
    expect(denial("api", null)).toBe(
      `kms:Decrypt: all 2 calls were denied (AccessDenied) on ${KEY}; not granted. If the function's code needs it, add a kept exception. ` +
        "If these were Lambda decrypting the function's environment variables, which are under the AWS managed key aws/lambda (no KMSKeyArn), the role's policies do not govern them: Lambda itself lets the execution role use that key (by the role's unique ID), and granting kms:Decrypt in the role does not lift the refusal; update the function's configuration (set its execution role to another and back) so that Lambda does again. " +
        "If they were the code's own, grant kms:Decrypt on the key (the records do not say which: leastrole does not read their encryption context).",
    );
  });

  it("with a customer managed key of the function's own: the usual advice (the role must grant kms:Decrypt on it)", () => {
    expect(denial("awslambda_*", KEY)).toMatch(/; not granted\. If the function needs it, add a kept exception\.$/);
    expect(denial("api", KEY)).toMatch(/; not granted\. If the function needs it, add a kept exception\.$/);
  });
});

/**
 * Some kms:Decrypt calls allowed (the code's own key), others refused on a key no allowed call
 * used: the denied-resources-not-granted warning. Before, it kept "If the function needs them, add
 * a kept exception." for the refused environment key under aws/lambda, which the all-refused
 * warning above no longer says.
 */
describe("a kms:Decrypt refused on one key and allowed on another (denied-resources-not-granted)", () => {
  const CODE_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/0987dcba-09fe-87dc-65ba-ab0987654321`;

  function partialDenial(refusedIn: string, kmsKeyArn: string | null) {
    const r = roleArn("api-role");
    const fn = lambdaFunction("api", r, { environmentVariableNames: ["TABLE"], kmsKeyArn });
    const allowed = action("kms:Decrypt", 3, [CODE_KEY]);
    const refused = action("kms:Decrypt", 1, [KEY], { deniedCount: 1, errorCodes: { AccessDenied: 1 }, authorized: { resources: [], resourcesTruncated: false, resourcePrefix: null } });
    const own = session(fn, refusedIn === "api" ? [{ ...allowed, count: 4, deniedCount: 1, errorCodes: { AccessDenied: 1 }, resources: [CODE_KEY, KEY], authorized: { resources: [CODE_KEY], resourcesTruncated: false, resourcePrefix: null } }] : [allowed]);
    const principals = refusedIn === "api" ? [own] : [own, { ...session(fn, [refused]), sessionName: "awslambda_*", invokedBy: "lambda.amazonaws.com" }];
    const g = generatePolicy(document([fn], [role(r, [fn.arn])], principals), fn.arn, {}, catalog);
    const granted = g.policy.Statement.filter((st) => [st.Action ?? []].flat().includes("kms:Decrypt")).flatMap((st) => [st.Resource ?? []].flat());
    // With a customer managed key the configuration requires kms:Decrypt on it (environment-kms).
    expect(granted.sort()).toEqual(kmsKeyArn === null ? [CODE_KEY] : [CODE_KEY, kmsKeyArn].sort());
    return g.warnings.find((w) => w.code === "denied-resources-not-granted" && w.action === "kms:Decrypt")?.message;
  }

  it("refused in Lambda's own sessions: what lifts it, not a kept exception", () => {
    const message = partialDenial("awslambda_*", null);
    expect(message).toContain(`denied (AccessDenied) on resources no successful call used: ${KEY}.`);
    expect(message).toMatch(/Lambda decrypts the environment variables under the AWS managed key aws\/lambda with the execution role[^]*set its execution role to another and back/);
    expect(message).not.toContain("add a kept exception");
  });

  it("refused in the function's own session: both fixes, as when every call was refused", () => {
    const message = partialDenial("api", null);
    expect(message).toContain(`on resources no successful call used: ${KEY}.`);
    expect(message).toContain("If the function's code needs it, add a kept exception. If these were Lambda decrypting the function's environment variables");
  });

  it("with a customer managed key of the function's own: the usual advice", () => {
    expect(partialDenial("awslambda_*", KEY)).toMatch(/If the function needs them, add a kept exception\.$/);
  });
});

