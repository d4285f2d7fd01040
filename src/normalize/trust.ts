/**
 * Does a trust policy let Lambda assume the role? True when an Allow statement names the service
 * principal `lambda.amazonaws.com` (or `edgelambda.amazonaws.com`, Lambda@Edge) and allows
 * `sts:AssumeRole` (directly or by a wildcard that covers it). `Principal: "*"` does not count:
 * that is a role anyone can assume, a different finding, not a Lambda execution role.
 */

import type { PolicyDocument } from "../model/document.js";

const LAMBDA_SERVICES = new Set(["lambda.amazonaws.com", "edgelambda.amazonaws.com"]);

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

export function trustsLambda(trust: PolicyDocument | null): boolean {
  if (!trust) return false;
  return trust.Statement.some((s) => {
    if (s.Effect !== "Allow" || !s.Principal || s.Principal === "*") return false;
    const services = s.Principal["Service"] ?? [];
    if (!services.some((svc) => LAMBDA_SERVICES.has(svc.toLowerCase()))) return false;
    if (s.Action) return s.Action.some(actionCoversAssumeRole);
    // NotAction: allowed unless sts:AssumeRole is excluded.
    if (s.NotAction) return !s.NotAction.some(actionCoversAssumeRole);
    return false;
  });
}
