/**
 * Differential test against @cloud-copilot/iam-simulate (AGPL, devDependency, test-only) over
 * 10,000 generated policy/request pairs (fixed seed: failures reproduce). Callers are a role and a
 * user of the account and a role of another account; policies include policy variables, account
 * and cross-account resource-policy principals, every condition operator family. Every disagreement must be
 * fixed or belong to a class listed here with the AWS documentation that says we are right.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ACCOUNT, arbCase, ours, simulate, type DifferentialCase } from "./support/differential.js";

const RUNS = 10_000;

/**
 * Known, documented disagreement classes.
 *
 * kms-key-without-key-policy: iam-simulate denies a KMS key request when the simulation carries no
 * key policy (every real key has one, and "Unless the key policy explicitly allows it, you cannot use
 * IAM policies to allow access to a KMS key" — AWS KMS Developer Guide, "Key policies"). leastrole
 * audits roles from exports that do not carry key policies, so without one it assumes the *default*
 * key policy, which "gives the AWS account … full access to the KMS key … and enables IAM policies"
 * (AWS KMS, "Default key policy"). The test checks that claim: with the default key policy supplied,
 * iam-simulate must agree with us.
 */
const DEFAULT_KEY_POLICY = {
  Version: "2012-10-17",
  Statement: [{ Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }],
};

function knownClass(c: DifferentialCase): string | null {
  if (c.request.action.startsWith("kms:") && c.resourcePolicy === null) return "kms-key-without-key-policy";
  return null;
}

describe("differential: evaluateRequest vs @cloud-copilot/iam-simulate", () => {
  it(`agrees on ${RUNS} generated policy/request pairs`, async () => {
    const cases = fc.sample(arbCase, { seed: 20261128, numRuns: RUNS });
    let agree = 0;
    let simErrors = 0;
    const known: { [cls: string]: number } = {};
    const unexplained: unknown[] = [];
    const byDecision: { [d: string]: number } = {};
    for (const c of cases) {
      const sim = await simulate(c);
      if (sim.decision === "error") {
        simErrors++;
        continue;
      }
      const mine = ours(c, sim.ignored);
      byDecision[sim.decision] = (byDecision[sim.decision] ?? 0) + 1;
      if (mine === sim.decision) {
        agree++;
        continue;
      }
      const cls = knownClass(c);
      if (cls === "kms-key-without-key-policy") {
        const withKeyPolicy = { ...c, resourcePolicy: DEFAULT_KEY_POLICY };
        const sim2 = await simulate(withKeyPolicy);
        expect(ours(withKeyPolicy, sim2.ignored), JSON.stringify(withKeyPolicy)).toBe(sim2.decision);
        expect(mine, "our answer without a key policy equals our answer with the default one").toBe(ours(withKeyPolicy, sim2.ignored));
        known[cls] = (known[cls] ?? 0) + 1;
        continue;
      }
      unexplained.push({ case: c, iamSimulate: sim.decision, leastrole: mine });
    }
    // Every generated policy is valid IAM: iam-simulate must accept all of them.
    expect(simErrors).toBe(0);
    expect(unexplained.slice(0, 3)).toEqual([]);
    expect(agree + Object.values(known).reduce((a, b) => a + b, 0)).toBe(RUNS);
    console.log(`differential: ${agree}/${RUNS} agree; documented classes: ${JSON.stringify(known)}; iam-simulate decisions: ${JSON.stringify(byDecision)}`);
    // The comparison is meaningful only if every outcome occurs often.
    for (const d of ["allowed", "explicit-deny", "implicit-deny"]) expect(byDecision[d] ?? 0, d).toBeGreaterThan(RUNS / 10);
  }, 600_000);

  it("generates all three decisions in meaningful proportions", async () => {
    const counts: { [d: string]: number } = {};
    for (const c of fc.sample(arbCase, { seed: 7, numRuns: 400 })) {
      const d = ours(c);
      counts[d] = (counts[d] ?? 0) + 1;
    }
    for (const d of ["allowed", "explicit-deny", "implicit-deny"]) expect(counts[d] ?? 0, d).toBeGreaterThan(30); // each outcome ≥ 7.5 %
  });
});
