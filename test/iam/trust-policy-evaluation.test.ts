/**
 * sts:AssumeRole decided with the role's trust policy as the resource policy (the IAM engine,
 * src/iam/evaluate.ts). AWS: "IAM role trust policies and KMS key policies are exceptions to this
 * logic, because they must explicitly allow access for principals" (IAM User Guide, "Policy
 * evaluation logic", awsdocs/iam-user-guide doc_source/reference_policies_evaluation-logic.md):
 * within one account an identity policy allowing sts:AssumeRole counts only when the trust policy
 * names the caller's account (`arn:aws:iam::<acct>:root` or the 12-digit ID, which "delegates
 * authority to the account": "AWS JSON policy elements: Principal"); a trust policy naming the
 * caller's role ARN, user ARN or session ARN allows it on its own (a role ARN's grant still limited
 * by the role's permissions boundary); across accounts both must allow. Each case is checked against
 * the expected decision and against @cloud-copilot/iam-simulate (test-only oracle, as in
 * differential.test.ts).
 */
import { describe, expect, it } from "vitest";
import { evaluateRequest, parsePolicyDocument } from "../../src/iam/index.js";
import { ours, simulate, type DifferentialCase } from "./support/differential.js";

const A = "111122223333";
const B = "444455556666";
const SELF = `arn:aws:iam::${A}:role/app-role`;
const SESSION = `arn:aws:sts::${A}:assumed-role/app-role/orders-fn`;
const PARTNER = `arn:aws:iam::${B}:role/partner`;
const TARGET = `arn:aws:iam::${A}:role/admin`;

const doc = (...Statement: object[]) => ({ Version: "2012-10-17", Statement });
const trust = (Principal: unknown, extra: object = {}) => doc({ Effect: "Allow", Principal, Action: "sts:AssumeRole", ...extra });
const assumeOn = (resource: string) => doc({ Effect: "Allow", Action: "sts:AssumeRole", Resource: resource });

interface Case {
  name: string;
  principal?: string;
  trust: object;
  identity: object[];
  boundary?: object;
  expected: "allowed" | "implicit-deny" | "explicit-deny";
}

const CASES: Case[] = [
  // The trust policies of the IAM User Guide's examples ("AWS JSON policy elements: Principal").
  { name: "trusts the account root; identity allows", trust: trust({ AWS: `arn:aws:iam::${A}:root` }), identity: [assumeOn(TARGET)], expected: "allowed" },
  { name: "trusts the account root; identity silent", trust: trust({ AWS: `arn:aws:iam::${A}:root` }), identity: [], expected: "implicit-deny" },
  { name: "trusts the account ID (short form); identity allows a prefix", trust: trust({ AWS: A }), identity: [assumeOn(`arn:aws:iam::${A}:role/adm*`)], expected: "allowed" },
  { name: "trusts the caller's role ARN; identity silent", trust: trust({ AWS: SELF }), identity: [], expected: "allowed" },
  { name: "trusts the caller's role ARN; its boundary does not allow", trust: trust({ AWS: SELF }), identity: [], boundary: doc({ Effect: "Allow", Action: "s3:*", Resource: "*" }), expected: "implicit-deny" },
  { name: "trusts the role ARN; the caller is a session of the role", principal: SESSION, trust: trust({ AWS: SELF }), identity: [], expected: "allowed" },
  { name: "trusts that session ARN; identity silent", principal: SESSION, trust: trust({ AWS: SESSION }), identity: [], expected: "allowed" },
  // Not trusted: the identity policy alone does not let the caller in (was allowed before).
  { name: "trusts another role; identity allows", trust: trust({ AWS: `arn:aws:iam::${A}:role/other` }), identity: [assumeOn(TARGET)], expected: "implicit-deny" },
  { name: "trusts a service only; identity allows every role", trust: trust({ Service: "lambda.amazonaws.com" }), identity: [assumeOn("*")], expected: "implicit-deny" },
  // Deny wins, in either policy.
  { name: "trusts the account root; identity denies", trust: trust({ AWS: `arn:aws:iam::${A}:root` }), identity: [assumeOn("*"), doc({ Effect: "Deny", Action: "sts:AssumeRole", Resource: TARGET })], expected: "explicit-deny" },
  { name: "trusts the role ARN; trust denies it too", trust: doc({ Effect: "Allow", Principal: { AWS: SELF }, Action: "sts:AssumeRole" }, { Effect: "Deny", Principal: { AWS: SELF }, Action: "sts:AssumeRole" }), identity: [], expected: "explicit-deny" },
  // Across accounts both must allow.
  { name: "cross-account: trusts the caller's account; identity allows", principal: PARTNER, trust: trust({ AWS: `arn:aws:iam::${B}:root` }), identity: [assumeOn(TARGET)], expected: "allowed" },
  { name: "cross-account: trusts the caller's ARN; identity silent", principal: PARTNER, trust: trust({ AWS: PARTNER }), identity: [], expected: "implicit-deny" },
];

describe("sts:AssumeRole with the role's trust policy", () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const k: DifferentialCase = { principal: c.principal ?? SELF, identityPolicies: c.identity, permissionsBoundary: c.boundary ?? null, resourcePolicy: c.trust, request: { action: "sts:AssumeRole", resource: TARGET }, context: {} };
      const sim = await simulate(k);
      expect(sim.decision, "iam-simulate").toBe(c.expected);
      expect(ours(k, sim.ignored)).toBe(c.expected);
    });
  }

  it("a template's placeholder account: its root in the trust policy delegates to the caller of that account", () => {
    const decide = (identity: object[]) =>
      evaluateRequest({
        identityPolicies: identity.map((d, i) => ({ id: `inline:p${i}`, document: parsePolicyDocument(d) })),
        resourcePolicy: { id: "trust", document: parsePolicyDocument(trust({ AWS: "arn:aws:iam::unknown:root" })) },
        request: { action: "sts:AssumeRole", resource: "arn:aws:iam::unknown:role/AdminRole", principalArn: "arn:aws:iam::unknown:role/FnRole" },
      }).decision;
    expect(decide([assumeOn("arn:aws:iam::unknown:role/AdminRole")])).toBe("allowed");
    expect(decide([])).toBe("implicit-deny");
  });

  it("a trust condition the inputs cannot settle (sts:ExternalId, aws:MultiFactorAuthPresent) makes it conditional", () => {
    for (const condition of [{ StringEquals: { "sts:ExternalId": ["Unique-ID-1234"] } }, { Bool: { "aws:MultiFactorAuthPresent": ["true"] } }]) {
      const r = evaluateRequest({
        identityPolicies: [{ id: "inline:p", document: parsePolicyDocument(assumeOn(TARGET)) }],
        resourcePolicy: { id: "trust", document: parsePolicyDocument(trust({ AWS: `arn:aws:iam::${A}:root` }, { Condition: condition })) },
        request: { action: "sts:AssumeRole", resource: TARGET, principalArn: SELF },
      });
      expect(r.decision).toBe("conditional");
    }
  });
});
