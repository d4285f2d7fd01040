/**
 * Statement locations end to end: an IaC input read, normalised, audited and rendered as SARIF;
 * a finding about Statement[i] points at that statement's line (valid SARIF 2.1.0 throughout).
 */
import { readFileSync } from "node:fs";
import type * as Sarif from "sarif";
import { describe, expect, it } from "vitest";
import { auditDocument } from "../../src/audit/audit-document.js";
import { buildDocument } from "../../src/audit/build-document.js";
import { loadBuiltinPack } from "../../src/evaluate/pack.js";
import { renderSarif, statementSourceOf, toArtifactUri } from "../../src/report/sarif.js";
import { expectValidSarif } from "../report/sarif-schema.js";

const catalog = loadBuiltinPack().catalog.rules;
const lineOf = (file: string, needle: RegExp, after = 0): number => readFileSync(file, "utf8").split("\n").findIndex((l, i) => i >= after && needle.test(l)) + 1;

describe("SARIF locations of statement findings", () => {
  it("SAM: the wildcard statement's own line, not the role's", async () => {
    const file = "test/iac/fixtures/diff/lambda-kinesis-lambda.edited.yaml";
    const document = await buildDocument([file]);
    const report = auditDocument(document);
    const lr002 = report.findings.find((f) => f.ruleId === "LR002")!;
    expect(lr002.evidence).toMatchObject({ policy: "inline:ProducerFunctionRolePolicy1", statementIndex: 0 });
    const statementLine = lineOf(file, /- Effect: Allow/, lineOf(file, /kinesis:\*/) - 4);
    expect(statementSourceOf(document, lr002)).toEqual({ file, line: statementLine, address: "Resources.ProducerFunction.Properties.Policies[1].Statement[0]" });
    expect(lr002.location?.line).not.toBe(statementLine); // the finding itself points at the role

    const log = expectValidSarif(renderSarif(report, catalog, { document, sourceRoot: process.cwd() })) as Sarif.Log;
    const result = log.runs[0]!.results!.find((r) => r.ruleId === "LR002")!;
    expect(result.locations![0]!.physicalLocation).toEqual({ artifactLocation: { uri: file, uriBaseId: "%SRCROOT%" }, region: { startLine: statementLine } });
    // Without the document: the role's location, as before.
    const plain = expectValidSarif(renderSarif(report, catalog, { sourceRoot: process.cwd() })) as Sarif.Log;
    expect(plain.runs[0]!.results!.find((r) => r.ruleId === "LR002")!.locations![0]!.physicalLocation!.region).toEqual({ startLine: lr002.location!.line });
  });

  it("Terraform with its configuration: the `statement {}` block in the .tf file", async () => {
    const dir = "test/iac/fixtures/terraform/lambda-app";
    const configFiles = Object.fromEntries(["main.tf", "provider.tf", "modules/worker/main.tf"].map((p) => [p, readFileSync(`${dir}/${p}`, "utf8")]));
    const document = await buildDocument(["test/iac/fixtures/terraform/lambda-app.plan.json"], { iac: { configFiles, configRoot: dir } });
    const report = auditDocument(document);
    // The `Everything` statement (s3:* on *) of data.aws_iam_policy_document.orders_rw.
    const f = report.findings.find((x) => x.ruleId === "LR002" && x.evidence.policy === "inline:orders-rw")!;
    expect(f.evidence.statementIndex).toBe(1);
    const main = `${dir}/main.tf`;
    const everything = lineOf(main, /statement \{/, lineOf(main, /sid\s+= "OrdersReadWrite"/));
    const log = expectValidSarif(renderSarif(report, catalog, { document, sourceRoot: process.cwd() })) as Sarif.Log;
    const result = log.runs[0]!.results!.find((r) => r.partialFingerprints!["leastrole/v1"] === f.fingerprint)!;
    expect(result.locations![0]!.physicalLocation).toEqual({ artifactLocation: { uri: main, uriBaseId: "%SRCROOT%" }, region: { startLine: everything } });
  });
});

describe("resource-policy statements", () => {
  it("SAM: the statements a FunctionUrlConfig adds point at it; the public URL's finding (not theirs) at the function", async () => {
    const file = "test/iac/fixtures/diff/lambda-kinesis-lambda.edited.yaml";
    const document = await buildDocument([file]);
    const findings = auditDocument(document).findings.filter((x) => x.ruleId === "LR012");
    expect(findings.map((f) => [f.resource.name, f.message.includes("function URL with AuthType NONE"), f.location?.line])).toEqual([["ConsumerFunction", true, lineOf(file, /^ {2}ConsumerFunction:/)]]);
    // What a statement finding would point at (an AWS_IAM URL's statements are reported, for one).
    const asIfStatement = { ...findings[0]!, evidence: { statementIndex: 0 } };
    expect(statementSourceOf(document, asIfStatement)).toMatchObject({ file, line: lineOf(file, /FunctionUrlConfig:/) });
  });

  it("Terraform: each statement keeps the aws_lambda_permission it came from, through normalisation", async () => {
    const dir = "test/iac/fixtures/terraform/fanout";
    const configFiles = { "main.tf": readFileSync(`${dir}/main.tf`, "utf8"), "modules/fn/main.tf": readFileSync(`${dir}/modules/fn/main.tf`, "utf8") };
    const document = await buildDocument(["test/iac/fixtures/terraform/fanout.plan.json"], { iac: { configFiles, configRoot: dir } });
    const fn = document.functions.find((x) => x.resourcePolicy !== null)!;
    expect(fn.resourcePolicyStatementSources).toEqual([{ file: `${dir}/main.tf`, line: lineOf(`${dir}/main.tf`, /^resource "aws_lambda_permission" "sns_live"/), address: "aws_lambda_permission.sns_live" }]);
    expect(fn.resourcePolicy!.Statement).toHaveLength(fn.resourcePolicyStatementSources!.length);
  });
});

describe("artifact URIs", () => {
  it("a first folder named like a drive or scheme (`A:`) stays a relative reference (found by the property test)", () => {
    expect(toArtifactUri("A:/ ", "/repo")).toBe("A%3A/%20");
    expect(decodeURIComponent(toArtifactUri("A:/ ", "/repo"))).toBe("A:/ ");
    expect(toArtifactUri("infra/main.tf", "/repo")).toBe("infra/main.tf");
    expect(toArtifactUri("/repo/infra/main.tf", "/repo")).toBe("infra/main.tf");
    expect(toArtifactUri("C:\\work\\main.tf", "/repo")).toMatch(/^file:\/\/\//);
  });
});
