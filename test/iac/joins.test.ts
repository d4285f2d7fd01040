/**
 * Joining IaC data that names a function rather than defining it, and values known only at
 * deployment: the reader/normaliser defects listed in issue #9.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildDocument } from "../../src/audit/build-document.js";
import { normalizeFragments } from "../../src/normalize/index.js";
import { readCloudFormationTemplate } from "../../src/sources/cloudformation/index.js";
import { readSourceBytes } from "../../src/sources/read-sources.js";
import type { SourceFragment } from "../../src/sources/types.js";

const fx = "test/iac/fixtures/diff";

describe("patches that name a function", () => {
  it("a permission in another template, on a !Sub ARN with ${AWS::Region}/${AWS::AccountId}, joins the function by name", async () => {
    const doc = await buildDocument([`${fx}/lambda-kinesis-lambda.yaml`, `${fx}/permission-by-sub-arn.yaml`]);
    const consumer = doc.functions.find((f) => f.name === "ConsumerFunction")!;
    expect(consumer.resourcePolicy?.Statement.map((s) => [s.Principal, s.Action])).toEqual([[{ Service: ["sns.amazonaws.com"] }, ["lambda:InvokeFunction"]]]);
    expect(doc.meta.warnings.filter((w) => w.code === "unknown-function")).toEqual([]);
  });

  it("a get-policy file from the us-east-1 folder joins the template's function whose region is not known yet", () => {
    const template = readCloudFormationTemplate(readFileSync(`${fx}/lambda-kinesis-lambda.yaml`), "template.yaml");
    const policy = JSON.stringify({
      Policy: JSON.stringify({ Version: "2012-10-17", Id: "default", Statement: [{ Sid: "s3", Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:us-east-1:123456789012:function:ConsumerFunction" }] }),
      RevisionId: "4f1b0c3e-0000-4000-8000-000000000000",
    });
    const read = readSourceBytes("account/us-east-1/lambda-get-policy/ConsumerFunction", policy, { context: { call: "lambda-get-policy", service: "lambda", parameter: "ConsumerFunction", region: "us-east-1" } });
    expect(read.warnings).toEqual([]);
    const patch = read.fragment!.functionPatches[0]!;
    // The file says the ARN; it is not the template's synthetic one, so the name and region join.
    expect(patch.functionName).toBe("ConsumerFunction");
    const { document } = normalizeFragments([template, read.fragment as SourceFragment], {});
    const consumer = document.functions.find((f) => f.name === "ConsumerFunction")!;
    expect(consumer.region).toBe("unknown");
    expect(consumer.resourcePolicy?.Statement).toHaveLength(1);
    expect(document.meta.warnings.filter((w) => w.code === "unknown-function")).toEqual([]);
  });
});

describe("values known only at deployment", () => {
  it("SubnetIds: !Ref of a List parameter without a default is kept as a placeholder, with a note", () => {
    const f = readCloudFormationTemplate(readFileSync(`${fx}/vpc-list-parameter.yaml`), "vpc.yaml");
    expect(f.functions[0]!.vpc).toEqual({ vpcId: null, subnetIds: ["${Subnets}"], securityGroupIds: ["sg-1", "sg-2"] });
    // Groups is read with its Default (said, for generate to warn of names made from it).
    expect(f.warnings.map((w) => [w.code, w.path])).toEqual([
      ["cloudformation-parameter-default", "Parameters.Groups"],
      ["cloudformation-symbolic-list", "Resources.Fn.Properties.VpcConfig.SubnetIds"],
    ]);
    // Given the parameter, the real list.
    const given = readCloudFormationTemplate(readFileSync(`${fx}/vpc-list-parameter.yaml`), "vpc.yaml", { parameters: { Subnets: "subnet-1, subnet-2" } });
    expect(given.functions[0]!.vpc?.subnetIds).toEqual(["subnet-1", "subnet-2"]);
    expect(given.warnings.map((w) => w.code)).toEqual(["cloudformation-parameter-default"]);
  });

  it("the placeholder keeps the function in its VPC, so the ENI permissions it needs are checked", async () => {
    const doc = await buildDocument([`${fx}/vpc-list-parameter.yaml`]);
    const needs = JSON.stringify(doc.functions[0]!.analysis);
    expect(needs).toContain("ec2:CreateNetworkInterface");
  });
});

describe("a qualifier known only at deployment, on a function outside the template", () => {
  it("an invoke config on !GetAtt Version.Version is the version's: no alias ${Version.Version}, the destination the version's", async () => {
    const doc = await buildDocument([`${fx}/enricher-function.yaml`, `${fx}/invoke-config-on-version.yaml`]);
    const fn = doc.functions.find((f) => f.name === "enricher")!;
    // The same as for a function the template defines (lambda-shapes.ts applyInvokeConfig).
    expect(fn.aliases).toEqual([]);
    expect(fn.destinations).toEqual({ onSuccess: null, onFailure: null });
    expect(fn.qualifiedDeliveryTargets).toEqual([
      { kind: "on-failure", arn: "arn:aws:sqs:us-east-1:123456789012:enricher-failures", qualifiers: ["${EnricherVersion.Version}"], roleArn: "arn:aws:iam::123456789012:role/enricher-role" },
    ]);
    expect(doc.meta.warnings.filter((w) => w.code === "unknown-function" || w.code === "delivery-role-not-checked")).toEqual([]);
  });

  it("an AWS::Lambda::Alias of a function the template names is that function's alias, targeted or not", async () => {
    const doc = await buildDocument([`${fx}/enricher-function.yaml`, `${fx}/alias-of-named-function.yaml`]);
    const fn = doc.functions.find((f) => f.name === "enricher")!;
    expect(fn.aliases).toEqual(["live"]);
    expect(doc.meta.warnings.filter((w) => w.code === "unknown-function")).toEqual([]);
  });
});
