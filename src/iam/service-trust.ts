/**
 * May an AWS service principal assume a role, by its trust policy? True when an Allow statement
 * names the service principal (`lambda.amazonaws.com`) and allows `sts:AssumeRole` (directly or by a
 * wildcard or NotAction that covers it), and no Deny statement of the policy takes that back.
 * `Principal: "*"` in an Allow does not count: that is a role anyone can assume, not a service role.
 *
 * An explicit Deny wins over any Allow (IAM User Guide, "Policy evaluation logic"), in a trust
 * policy as anywhere: `{"Effect": "Deny", "Principal": {"Service": "lambda.amazonaws.com"},
 * "Action": "sts:AssumeRole"}`, or a Deny of everyone, leaves the service unable to assume the role
 * whatever the Allow says. Conditions are judged as they hold for the service's own AssumeRole
 * call: a service principal's request carries `aws:PrincipalIsAWSService` true and
 * `aws:PrincipalServiceName`, and no organisation (`aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`:
 * why data-perimeter policies exempt services with `BoolIfExists aws:PrincipalIsAWSService false`,
 * aws-samples/resource-control-policy-examples); any other key is unknown, and a Deny that holds
 * only on unknown keys is not taken to apply.
 */

import type { PolicyDocument, PolicyPrincipal, PolicyStatement } from "../model/document.js";
import { conditionalFrom, ContextValues, evaluateCondition } from "./conditions.js";

/** Keys a service principal's request never carries: it belongs to no organisation. */
const ABSENT_FOR_SERVICES: ReadonlySet<string> = new Set(["aws:principalorgid", "aws:principalorgpaths"]);

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

/** The statement's Action covers sts:AssumeRole, or its NotAction leaves it out. */
function coversAssumeRole(s: PolicyStatement): boolean {
  if (s.Action) return s.Action.some(actionCoversAssumeRole);
  if (s.NotAction) return !s.NotAction.some(actionCoversAssumeRole);
  return false;
}

function namesService(p: PolicyPrincipal | undefined, service: string): boolean {
  if (p === undefined) return false;
  if (p === "*") return true;
  return (p["AWS"] ?? []).includes("*") || (p["Service"] ?? []).some((s) => s === "*" || s.toLowerCase() === service);
}

/** Whether a Deny statement applies to the service principal's sts:AssumeRole call (true only when certain). */
function deniesService(d: PolicyStatement, service: string, ctx: ContextValues, earliest: number | null): boolean {
  if (d.Effect !== "Deny" || !coversAssumeRole(d) || d.NotResource !== undefined) return false;
  // A Deny with NotPrincipal is not applied: IAM refuses NotPrincipal in a role trust policy (IAM
  // User Guide, NotPrincipal), so no account enforces it, and the role is judged by its Allow
  // statements. A role a function runs with stays an execution role, so LR011 can say its policy
  // cannot be deployed and the role's other findings are not lost (analysis/trust.ts).
  const principal = d.Principal !== undefined && namesService(d.Principal, service);
  if (!principal) return false;
  if (conditionalFrom(d, earliest) === null) return false; // a closed time window denies nothing
  return evaluateCondition(d.Condition, ctx, true).result === true;
}

/**
 * Whether `service` (a service principal, lower case) may assume the role. `earliest`: the
 * reference instant (epoch ms, PrincipalPolicies.earliestTime); a statement whose aws:CurrentTime
 * window closed before it allows or denies nothing.
 */
export function serviceMayAssume(trust: PolicyDocument | null, service: string, earliest: number | null = null): boolean {
  if (!trust) return false;
  const statements = trust.Statement;
  const ctx = new ContextValues({ "aws:PrincipalIsAWSService": "true", "aws:PrincipalServiceName": service }, false, ABSENT_FOR_SERVICES, earliest);
  const allowed = statements.some((s) => {
    if (s.Effect !== "Allow" || !s.Principal || s.Principal === "*") return false;
    const named = s.Principal["Service"] ?? [];
    if (!named.some((svc) => svc.toLowerCase() === service) || !coversAssumeRole(s)) return false;
    // An Allow whose conditions cannot hold for the service's call (a closed time window,
    // `Bool aws:PrincipalIsAWSService false`) lets it assume nothing.
    return conditionalFrom(s, earliest) !== null && evaluateCondition(s.Condition, ctx, true).result !== false;
  });
  return allowed && !statements.some((d) => deniesService(d, service, ctx, earliest));
}
