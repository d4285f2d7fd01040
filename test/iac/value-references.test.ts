/**
 * The template reader's record of where the names it resolved came from (value-references.ts):
 * each value made from a parameter read with its Default, and the Fn::Sub text that makes it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";
import { readCloudFormationTemplate } from "../../src/sources/cloudformation/read-template.js";

const fixtures = join(packageRoot(), "test", "iac", "fixtures");

function read(file: string, parameters?: Record<string, string>) {
  return readCloudFormationTemplate(readFileSync(file), file, parameters === undefined ? {} : { parameters }).valueReferences;
}

describe("CloudFormation value references", () => {
  const stack = join(fixtures, "cfn-parameter-defaults", "stack.yaml");

  it("records a !Sub of a parameter, and a GetAtt of a resource named by one, as their Fn::Sub text", () => {
    const values = read(stack)?.values;
    expect(values?.get("dev-orders-fn-role")).toBe("${Env}-orders-fn-role");
    expect(values?.get("dev-orders-dlq")).toBe("${Env}-orders-dlq");
    expect(values?.get("arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:dev-orders-dlq")).toBe("arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${Env}-orders-dlq");
  });

  it("records a value made through Fn::FindInMap keyed by a parameter as that lookup", () => {
    // FunctionName: !Join ['-', [!FindInMap [EnvMap, !Ref Env, Prefix], orders]]; before, null
    // (the defaults' entry `dev`, written as it is).
    expect(read(stack)?.values.get("dev-orders")).toBe("${Fn::FindInMap:EnvMap:(Env):Prefix}-orders");
  });

  it("still records as one no Fn::Sub writes back a lookup whose key is made otherwise than by !Ref, and a list member", () => {
    const file = join(mkdtempSync(join(tmpdir(), "lr-map-refs-")), "stack.yaml");
    try {
      writeFileSync(
        file,
        [
          "Parameters:\n  Env: { Type: String, Default: dev }\n  Envs: { Type: CommaDelimitedList, Default: 'eu,us' }",
          "Mappings:\n  EnvMap:\n    dev-x: { Prefix: devx }\n    dev: { Prefix: d }",
          "Resources:",
          "  Q1: { Type: AWS::SQS::Queue, Properties: { QueueName: !Join ['-', [!FindInMap [EnvMap, !Sub '${Env}-x', Prefix], q1]] } }",
          "  Q2: { Type: AWS::SQS::Queue, Properties: { QueueName: !Join ['-', [!Select [0, !Ref Envs], q2]] } }",
          "  Q3: { Type: AWS::SQS::Queue, Properties: { QueueName: !Join ['-', [!FindInMap [EnvMap, !Ref Env, Prefix], q3]] } }",
          "",
        ].join("\n"),
      );
      const values = read(file)?.values;
      expect(values?.get("devx-q1")).toBeNull();
      expect(values?.get("eu-q2")).toBeNull();
      expect(values?.get("d-q3")).toBe("${Fn::FindInMap:EnvMap:(Env):Prefix}-q3");
    } finally {
      rmSync(dirname(file), { recursive: true, force: true });
    }
  });

  it("names the defaulted parameters the template's conditions use", () => {
    expect(read(stack)?.conditionParameters).toEqual(["AllowAll", "Env"]);
  });

  it("records each defaulted parameter's value and the longest its declaration allows (AllowedValues, else MaxLength)", () => {
    // Generate sizes a policy written with ${Env} as deployed with the longest value (size.ts).
    expect(read(stack)?.parameters).toEqual({
      AllowAll: { value: "true" },
      Env: { value: "dev", longest: 4, basis: "AllowedValues" },
      // !FindInMap [EnvMap, !Ref Env, Prefix]: dev for dev, prd for prod.
      "Fn::FindInMap:EnvMap:(Env):Prefix": { value: "dev", longest: 3, basis: "Mappings" },
      SharedBucketExport: { value: "shared-data-BucketName" },
      TableName: { value: "orders" },
    });
  });

  it("records nothing of a parameter given (--parameter)", () => {
    const values = read(stack, { Env: "prod", AllowAll: "false", TableName: "orders-live" })?.values;
    expect(values?.has("prod-orders-dlq") ?? false).toBe(false);
  });

  it("records CDK's Fn::Join of a CfnParameter (cdk synth output)", () => {
    const values = read(join(fixtures, "cdk-parameters", "cdk.out", "OrdersParams.template.json"))?.values;
    expect(values?.get("dev-orders")).toBe("${Env}-orders");
    expect(values?.get("dev-orders-api")).toBe("${Env}-orders-api");
  });
});
