/**
 * The IAM API returns policy documents URL-encoded (RFC 3986) inside the XML; the AWS SDK for
 * JavaScript passes them on as strings, while the AWS CLI and boto3 decode them to objects
 * (botocore handlers.json_decode_policies). collect writes what the CLI writes — objects — so
 * the file is readable and identical in shape to `aws iam get-account-authorization-details`.
 * A document that does not decode is kept as the string it was, and reported.
 */

import type { GetAccountAuthorizationDetailsCommandOutput } from "@aws-sdk/client-iam";
import { tryParsePolicyDocument } from "../iam/parse-policy.js";
import { serviceMayAssume } from "../iam/service-trust.js";

export type AuthorizationDetails = Pick<
  GetAccountAuthorizationDetailsCommandOutput,
  "UserDetailList" | "GroupDetailList" | "RoleDetailList" | "Policies"
>;

/** Decode one document: URL-encoded JSON or plain JSON → object. Throws on anything else. */
export function decodePolicyDocument(doc: string): unknown {
  const trimmed = doc.trim();
  // `+` is a literal plus in these documents (RFC 3986 encoding, not form encoding).
  const json = trimmed.startsWith("{") ? trimmed : decodeURIComponent(trimmed);
  const value: unknown = JSON.parse(json);
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error("not a JSON object");
  return value;
}

/** Decoded document, or the original string plus a problem description. */
function decodeField(doc: unknown, where: string, problems: string[]): unknown {
  if (typeof doc !== "string") return doc;
  try {
    return decodePolicyDocument(doc);
  } catch (e) {
    problems.push(`${where}: policy document could not be decoded (${(e as Error).message}); kept as returned`);
    return doc;
  }
}

type Obj = Record<string, unknown>;
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

/**
 * Every policy document in the merged output decoded in place (on a copy). Fields: role trust
 * policies (also inside instance profiles), inline policies of roles/users/groups, and every
 * version of every managed policy.
 */
export function decodeAuthorizationDetails(details: AuthorizationDetails): { details: Obj; problems: string[] } {
  const problems: string[] = [];
  const copy = structuredClone(details) as Obj;
  arr(copy.RoleDetailList).forEach((role, i) => {
    const at = `RoleDetailList[${i}]`;
    role.AssumeRolePolicyDocument = decodeField(role.AssumeRolePolicyDocument, `${at}.AssumeRolePolicyDocument`, problems);
    arr(role.RolePolicyList).forEach((p, j) => {
      p.PolicyDocument = decodeField(p.PolicyDocument, `${at}.RolePolicyList[${j}].PolicyDocument`, problems);
    });
    arr(role.InstanceProfileList).forEach((ip, j) => {
      arr(ip.Roles).forEach((r, k) => {
        r.AssumeRolePolicyDocument = decodeField(
          r.AssumeRolePolicyDocument,
          `${at}.InstanceProfileList[${j}].Roles[${k}].AssumeRolePolicyDocument`,
          problems,
        );
      });
    });
  });
  arr(copy.UserDetailList).forEach((user, i) => {
    arr(user.UserPolicyList).forEach((p, j) => {
      p.PolicyDocument = decodeField(p.PolicyDocument, `UserDetailList[${i}].UserPolicyList[${j}].PolicyDocument`, problems);
    });
  });
  arr(copy.GroupDetailList).forEach((group, i) => {
    arr(group.GroupPolicyList).forEach((p, j) => {
      p.PolicyDocument = decodeField(p.PolicyDocument, `GroupDetailList[${i}].GroupPolicyList[${j}].PolicyDocument`, problems);
    });
  });
  arr(copy.Policies).forEach((policy, i) => {
    arr(policy.PolicyVersionList).forEach((v, j) => {
      v.Document = decodeField(v.Document, `Policies[${i}].PolicyVersionList[${j}].Document`, problems);
    });
  });
  return { details: copy, problems };
}

/** Lambda's service principals: the regular one and Lambda@Edge's (normalize/trust.ts). */
const LAMBDA_SERVICES = ["lambda.amazonaws.com", "edgelambda.amazonaws.com"];

/**
 * Whether a decoded trust policy lets Lambda assume the role, as the normaliser decides it
 * (normalize/trust.ts, serviceMayAssume: an Allow of sts:AssumeRole to the Lambda service
 * principal that no Deny of the policy takes back). Used to choose the roles Access Advisor is
 * asked about: a role whose trust denies Lambda is no execution role, and asking about it costs a
 * report job. A document that does not parse (kept as the string IAM returned) is not asked about:
 * the normaliser cannot read it either, and reports it.
 */
export function trustsLambda(trustPolicy: unknown): boolean {
  const parsed = tryParsePolicyDocument(trustPolicy);
  const trust = parsed.document;
  return trust !== undefined && LAMBDA_SERVICES.some((service) => serviceMayAssume(trust, service));
}
