/**
 * The gap the peer comparison found (docs/comparison.md): Cloudsplaining reports AWS managed
 * read-only policies such as AmazonS3ReadOnlyAccess (in cloudsplaining's example-authz-details
 * export) as data exfiltration, and leastrole said nothing when one was attached to an execution
 * role (LR003 skips AWS managed policies, LR004 only reports full-access ones). LR018 closes it.
 * Here the real pipeline runs on an export whose Lambda roles carry those AWS managed policies,
 * their documents resolved from the shipped AWS managed policy data, as in the corpus.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { audit } from "../../src/index.js";
import { exportRole, writeExport } from "../support/authorization-details.js";

const work = mkdtempSync(join(tmpdir(), "leastrole-lr018-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A Lambda role with these AWS managed policies and inline documents. */
const role = (name: string, managed: string[], inline: object[] = []) => exportRole(name, { managed, inline });

async function lr018(roles: unknown[]) {
  const { report } = await audit([writeExport(work, roles)]);
  return report.findings.filter((f) => f.ruleId === "LR018" || f.ruleId === "LR004" || f.ruleId === "LR003");
}

describe("LR018 managed-policy-data-read on real AWS managed policies", () => {
  it("AmazonS3ReadOnlyAccess, AmazonSSMReadOnlyAccess and AWSLambdaExecute on an execution role are reported, with the read actions", async () => {
    const findings = await lr018([
      role("s3-fn-role", ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]),
      role("ssm-fn-role", ["arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess"]),
      role("legacy-fn-role", ["arn:aws:iam::aws:policy/AWSLambdaExecute"]),
    ]);
    const byRole = Object.fromEntries(findings.map((f) => [f.resource.name, f]));
    expect(findings.map((f) => `${f.ruleId} ${f.resource.name}`).sort()).toEqual(["LR018 legacy-fn-role", "LR018 s3-fn-role", "LR018 ssm-fn-role"]);
    expect(byRole["s3-fn-role"]!.evidence).toMatchObject({ actions: ["s3:GetObject"], resources: ["*"], conditional: false });
    expect(byRole["ssm-fn-role"]!.evidence).toMatchObject({ actions: ["ssm:GetParameter", "ssm:GetParameters"] });
    // AWSLambdaExecute grants s3:GetObject on arn:aws:s3:::* — every object, although not written "*".
    expect(byRole["legacy-fn-role"]!.evidence).toMatchObject({ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::*"] });
    expect(byRole["s3-fn-role"]!.severity).toBe("medium");
    expect(byRole["s3-fn-role"]!.message).toBe("Role s3-fn-role: the AWS managed policy AmazonS3ReadOnlyAccess lets the function read every resource of the account with s3:GetObject");
  });

  it("AmazonEC2RoleforSSM (cloudmapper's export) was already reported, by LR004: it grants all of ec2messages/ssmmessages", async () => {
    const findings = await lr018([role("ssm-agent-role", ["arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM"])]);
    expect(findings.map((f) => f.ruleId)).toEqual(["LR004"]);
  });

  it("a full-access policy stays LR004's, Lambda's basic execution policy is clean, and an inline grant stays LR003's", async () => {
    const findings = await lr018([
      role("full", ["arn:aws:iam::aws:policy/AmazonS3FullAccess"]),
      role("basic", ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]),
      role("inline", ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"], [{ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }]),
    ]);
    expect(findings.map((f) => `${f.ruleId} ${f.resource.name}`).sort()).toEqual(["LR003 inline", "LR004 full"]);
  });

  it("a Deny on the read actions removes the finding", async () => {
    const deny = { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: ["s3:GetObject"], Resource: "*" }] };
    const findings = await lr018([role("denied", ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"], [deny])]);
    expect(findings).toEqual([]);
  });
});
