/**
 * Does a trust policy let Lambda assume the role? True when an Allow statement names the service
 * principal `lambda.amazonaws.com` (or `edgelambda.amazonaws.com`, Lambda@Edge) and allows
 * `sts:AssumeRole` (directly or by a wildcard that covers it). `Principal: "*"` does not count:
 * that is a role anyone can assume, a different finding, not a Lambda execution role.
 */

import type { PolicyDocument } from "../model/document.js";

const LAMBDA_SERVICES = new Set(["lambda.amazonaws.com", "edgelambda.amazonaws.com"]);
const EDGE_SERVICES = new Set(["edgelambda.amazonaws.com"]);

/**
 * Lambda@Edge may run the role's functions: the trust lets `edgelambda.amazonaws.com` assume it,
 * which CloudFront requires of a function it replicates (CloudFront developer guide, "Set up IAM
 * permissions and roles for Lambda@Edge").
 */
export function trustsLambdaAtEdge(trust: PolicyDocument | null): boolean {
  return trustsLambda(trust, EDGE_SERVICES);
}

/** Answers per pattern: trust policies repeat the same few (`sts:AssumeRole`), and compiling a regex per role per pattern was most of the cost. */
const covers = new Map<string, boolean>();

function actionCoversAssumeRole(pattern: string): boolean {
  let hit = covers.get(pattern);
  if (hit === undefined) {
    const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
    hit = re.test("sts:AssumeRole");
    if (covers.size >= 10_000) covers.clear(); // bounded whatever the inputs
    covers.set(pattern, hit);
  }
  return hit;
}

export function trustsLambda(trust: PolicyDocument | null, services: ReadonlySet<string> = LAMBDA_SERVICES): boolean {
  if (!trust) return false;
  return trust.Statement.some((s) => {
    if (s.Effect !== "Allow" || !s.Principal || s.Principal === "*") return false;
    const named = s.Principal["Service"] ?? [];
    if (!named.some((svc) => services.has(svc.toLowerCase()))) return false;
    if (s.Action) return s.Action.some(actionCoversAssumeRole);
    // NotAction: allowed unless sts:AssumeRole is excluded.
    if (s.NotAction) return !s.NotAction.some(actionCoversAssumeRole);
    return false;
  });
}
