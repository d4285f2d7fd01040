/**
 * Does a trust policy let Lambda assume the role? True when `lambda.amazonaws.com` (or
 * `edgelambda.amazonaws.com`, Lambda@Edge) may, by the IAM engine's reading of the policy
 * (serviceMayAssume: an Allow naming the service principal for `sts:AssumeRole`, and no Deny of the
 * policy that takes it back). `Principal: "*"` does not count: that is a role anyone can assume, a
 * different finding, not a Lambda execution role.
 */

import type { PolicyDocument } from "../model/document.js";
import { serviceMayAssume } from "../iam/index.js";

const LAMBDA_SERVICES = new Set(["lambda.amazonaws.com", "edgelambda.amazonaws.com"]);
const EDGE_SERVICES = new Set(["edgelambda.amazonaws.com"]);

/**
 * Lambda@Edge may run the role's functions: the trust lets `edgelambda.amazonaws.com` assume it,
 * which CloudFront requires of a function it replicates (CloudFront developer guide, "Set up IAM
 * permissions and roles for Lambda@Edge").
 */
export function trustsLambdaAtEdge(trust: PolicyDocument | null, earliest: number | null = null): boolean {
  return trustsLambda(trust, EDGE_SERVICES, earliest);
}

export function trustsLambda(trust: PolicyDocument | null, services: ReadonlySet<string> = LAMBDA_SERVICES, earliest: number | null = null): boolean {
  return [...services].some((service) => serviceMayAssume(trust, service, earliest));
}
