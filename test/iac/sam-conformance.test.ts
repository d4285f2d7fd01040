/**
 * Conformance of the SAM expansion with the SAM translator itself: every input/output pair of
 * the translator's own tests in the corpus. Two checks per pair:
 * 1. the generated IAM roles, event source mappings, permissions, URLs and event invoke configs
 *    equal the translator's, property for property (lists compared sorted, as the translator's
 *    test harness does with deep_sort_lists);
 * 2. reading the SAM input and reading the translator's CloudFormation output give the same
 *    roles, policies and function permissions (the document the rules see is the same).
 */
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseYamlLocated } from "../../src/sources/cloudformation/located.js";
import { expandSam, samPolicyTemplateNames } from "../../src/sources/cloudformation/sam.js";
import { readCloudFormationTemplate } from "../../src/sources/cloudformation/index.js";

const dir = "/work/shared/corpus/aws-sam-translator";
const pairs = readdirSync(`${dir}/input`).map((f) => f.replace(/\.yaml$/, "")).sort();
const COMPARED = ["AWS::IAM::Role", "AWS::IAM::ManagedPolicy", "AWS::Lambda::EventSourceMapping", "AWS::Lambda::Permission", "AWS::Lambda::Url", "AWS::Lambda::EventInvokeConfig"];

/**
 * The one known difference: when a destination is `!If [Cond, !Ref X, !Ref AWS::NoValue]`, the
 * translator swaps the branches under a new condition named `NOT<Cond><hash>` and resolves the
 * parameter default; we keep the condition and branch order. Same value under every parameter
 * choice (checked by the fragment comparison below).
 */
const CONDITION_REWRITES = new Set(["function_with_event_dest/MyTestFunctionEventInvokeConfig", "function_with_event_dest/MyTestFunctionRole"]);

function deepSort(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepSort).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, deepSort((v as Record<string, unknown>)[k])]));
  return v;
}

describe("SAM translator conformance", () => {
  it("ships the translator's policy templates unchanged (81 templates)", () => {
    const shipped = JSON.parse(readFileSync("src/sources/cloudformation/sam-policy-templates.json", "utf8"));
    const corpus = JSON.parse(readFileSync(`${dir}/policy_templates.json`, "utf8"));
    expect(shipped).toEqual(corpus);
    expect(samPolicyTemplateNames()).toHaveLength(81);
  });

  it.each(pairs)("%s: generated resources equal the translator output", (name) => {
    const input = parseYamlLocated(readFileSync(`${dir}/input/${name}.yaml`, "utf8"), name).value as Record<string, unknown>;
    const output = JSON.parse(readFileSync(`${dir}/output/${name}.json`, "utf8")) as { Resources: Record<string, { Type: string; Properties: unknown }> };
    const { resources } = expandSam(input, "aws");
    let compared = 0;
    for (const [id, r] of Object.entries(output.Resources)) {
      if (!COMPARED.includes(r.Type)) continue;
      if (r.Type === "AWS::IAM::Role" && !(id in (input.Resources as object)) && !resources[id]) continue;
      const mine = resources[id];
      expect(mine, `${name}: ${id} generated`).toBeDefined();
      if (CONDITION_REWRITES.has(`${name}/${id}`)) continue;
      expect(deepSort(mine?.Properties), `${name}: ${id}`).toEqual(deepSort(r.Properties));
      compared++;
    }
    expect(compared).toBeGreaterThan(0);
  });

  it.each(pairs)("%s: reading the SAM input gives the same roles and functions as reading the translator output", (name) => {
    const fromSam = readCloudFormationTemplate(readFileSync(`${dir}/input/${name}.yaml`), "t");
    const fromCfn = readCloudFormationTemplate(readFileSync(`${dir}/output/${name}.json`), "t");
    const roles = (f: typeof fromSam) =>
      f.roles.map((r) => ({ arn: r.arn, trust: r.trustPolicy, inline: r.inlinePolicies.map((p) => ({ name: p.name, document: p.document })), attached: r.attachedPolicies, boundary: r.permissionsBoundaryArn }));
    const functions = (f: typeof fromSam) =>
      f.functions.map((fn) => ({ arn: fn.arn, roleArn: fn.roleArn, triggers: fn.triggers, policy: fn.resourcePolicy, urls: fn.functionUrls, destinations: fn.destinations, dlq: fn.deadLetterTargetArn, tracing: fn.tracingMode }));
    // Connectors included (sam-connectors.ts): their managed policies are attached to the same roles.
    expect(roles(fromSam)).toEqual(roles(fromCfn));
    expect(functions(fromSam)).toEqual(functions(fromCfn));
  });

  it("expands DynamoDBCrudPolicy and S3ReadPolicy with the template's actions and resources", () => {
    const warnings: never[] = [];
    const tpl = `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: a.b
      Policies:
        - DynamoDBCrudPolicy: {TableName: orders}
        - S3ReadPolicy: {BucketName: my-bucket}
        - SQSPollerPolicy: {QueueName: !GetAtt Q.QueueName}
  Q:
    Type: AWS::SQS::Queue
    Properties: {QueueName: jobs}
`;
    const f = readCloudFormationTemplate(tpl, "t.yaml", { accountId: "123456789012", region: "eu-west-1" });
    void warnings;
    const role = f.roles.find((r) => r.name === "FnRole");
    const byName = Object.fromEntries((role?.inlinePolicies ?? []).map((p) => [p.name, p.document.Statement]));
    expect(byName.FnRolePolicy0?.[0]?.Action).toEqual([
      "dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:Scan", "dynamodb:Query", "dynamodb:UpdateItem",
      "dynamodb:BatchWriteItem", "dynamodb:BatchGetItem", "dynamodb:DescribeTable", "dynamodb:ConditionCheckItem",
    ]);
    expect(byName.FnRolePolicy0?.[0]?.Resource).toEqual(["arn:aws:dynamodb:eu-west-1:123456789012:table/orders", "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/index/*"]);
    expect(byName.FnRolePolicy1?.[0]?.Resource).toEqual(["arn:aws:s3:::my-bucket", "arn:aws:s3:::my-bucket/*"]);
    expect(byName.FnRolePolicy2?.[0]?.Resource).toEqual(["arn:aws:sqs:eu-west-1:123456789012:jobs"]);
    expect(role?.attachedPolicies.map((p) => p.arn)).toEqual(["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]);
  });
});
