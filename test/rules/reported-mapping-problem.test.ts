/**
 * LR010 on what Lambda says of an event source mapping: `StateTransitionReason`
 * (EVENT_SOURCE_AUTHZ_ERROR when Lambda stopped an Amazon MQ or Kafka mapping because it "does not
 * have the required permissions to access the event source") and `LastProcessingResult` ("PROBLEM:
 * Cluster failed to authorize Lambda."). Before, both were dropped by the readers: a mapping Lambda
 * had stopped for want of access read like any other, and when the role's policies allowed
 * everything (the refusal came from a key policy, an SCP or the cluster's ACLs) nothing was said.
 * Through the readers (list-event-source-mappings and a Terraform plan of an existing mapping), the
 * normaliser, the analysis and the compiled pack. Needs `npm run build:policies`.
 */
import { describe, expect, it } from "vitest";
import { analyzeDocument } from "../../src/analysis/index.js";
import { evaluateDocument, loadBuiltinPack } from "../../src/evaluate/index.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import type { Finding } from "../../src/model/findings.js";
import { readSourceBytes } from "../../src/sources/read-sources.js";
import { readTerraformPlan } from "../../src/sources/terraform/index.js";
import { normalizeFragments } from "../normalize/checked.js";

const catalog = loadActionCatalogSync();
const ACCOUNT = "123456789012";
const FN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:orders-consumer`;
const BROKER = `arn:aws:mq:us-east-1:${ACCOUNT}:broker:orders:b-0b1e2d3c-4f5a-6b7c-8d9e-0f1a2b3c4d5e`;
const CLUSTER = `arn:aws:kafka:us-east-1:${ACCOUNT}:cluster/orders/0b1e2d3c-4f5a-6b7c-8d9e-0f1a2b3c4d5e-2`;
const QUEUE = `arn:aws:sqs:us-east-1:${ACCOUNT}:orders-queue`;
const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };
const MANAGED = (name: string) => ({ PolicyName: name, PolicyArn: `arn:aws:iam::aws:policy/service-role/${name}` });

function iam(managed: string[]) {
  return {
    RoleDetailList: [{
      Path: "/", RoleName: "consumer-role", RoleId: "AROACONSUMER", Arn: `arn:aws:iam::${ACCOUNT}:role/consumer-role`, CreateDate: "2026-09-01T00:00:00Z",
      AssumeRolePolicyDocument: trust, RolePolicyList: [], AttachedManagedPolicies: managed.map(MANAGED), Tags: [], RoleLastUsed: {},
    }],
    UserDetailList: [], GroupDetailList: [], Policies: [],
  };
}
const functions = { Functions: [{ FunctionName: "orders-consumer", FunctionArn: FN, Runtime: "nodejs22.x", Role: `arn:aws:iam::${ACCOUNT}:role/consumer-role`, Version: "$LATEST", LastModified: "2026-10-01T00:00:00.000+0000" }] };

function lr010(managed: string[], mappings: object[]): Finding[] {
  const fragments = [
    readSourceBytes("iam.json", JSON.stringify(iam(managed))).fragment!,
    readSourceBytes("lambda/us-east-1/functions.json", JSON.stringify(functions)).fragment!,
    readSourceBytes("lambda/us-east-1/list-event-source-mappings.json", JSON.stringify({ EventSourceMappings: mappings })).fragment!,
  ];
  const doc = normalizeFragments(fragments).document;
  const { findings, diagnostics } = evaluateDocument(analyzeDocument(doc, catalog), [loadBuiltinPack()], { today: "2026-11-28" });
  expect(diagnostics).toEqual([]);
  return findings.filter((f) => f.ruleId === "LR010");
}

// Entries as list-event-source-mappings returns them (the fields of the API reference's
// EventSourceMappingConfiguration; an Amazon MQ mapping names its broker's secret).
const mqMapping = (extra: object) => ({
  UUID: "6d9bce8e-836b-442c-8070-74e77903c815", BatchSize: 100, MaximumBatchingWindowInSeconds: 0, EventSourceArn: BROKER, FunctionArn: FN,
  LastModified: 1759300000, Queues: ["orders"],
  SourceAccessConfigurations: [{ Type: "BASIC_AUTH", URI: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:MQaccess-AbCdEf` }],
  ...extra,
});
const kafkaMapping = (extra: object) => ({
  UUID: "9f5a8c2e-1d3b-4e6f-8a7b-2c4d6e8f0a1b", BatchSize: 100, EventSourceArn: CLUSTER, FunctionArn: FN, LastModified: 1759300000,
  Topics: ["orders"], StartingPosition: "LATEST", AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: "9f5a8c2e-1d3b-4e6f-8a7b-2c4d6e8f0a1b" },
  ...extra,
});

describe("LR010 reads what Lambda says of an event source mapping", () => {
  it("a mapping Lambda stopped with EVENT_SOURCE_AUTHZ_ERROR, whose role lacks what it needs: the finding says what Lambda reported", () => {
    const all = lr010(["AWSLambdaBasicExecutionRole"], [mqMapping({ State: "Disabled", StateTransitionReason: "EVENT_SOURCE_AUTHZ_ERROR" })]);
    // The broker and its secret: both requirements of the mapping Lambda stopped, both say so.
    expect(all.map((f) => [f.evidence.purpose, f.evidence.subject, f.evidence.mappingProblem])).toEqual([
      ["trigger", BROKER, "EVENT_SOURCE_AUTHZ_ERROR"],
      ["trigger-secret", BROKER, "EVENT_SOURCE_AUTHZ_ERROR"],
    ]);
    const [f] = all;
    expect(f!.evidence.mappingProblem).toBe("EVENT_SOURCE_AUTHZ_ERROR");
    expect(f!.evidence.mappingDisabled).toBe(true);
    expect(f!.message).toMatch(/^Function orders-consumer: its execution role cannot use its event source arn:aws:mq:.* \(missing ec2:CreateNetworkInterface, [^)]*, mq:DescribeBroker\); Lambda reports that the mapping could not use it \(EVENT_SOURCE_AUTHZ_ERROR\)$/);
    expect(f!.severity).toBe("medium");
  });

  it("a Kafka mapping refused by the cluster while the role's policies allow everything: a finding of its own, saying where to look", () => {
    const findings = lr010(["AWSLambdaBasicExecutionRole", "AWSLambdaMSKExecutionRole"], [kafkaMapping({ State: "Enabled", StateTransitionReason: "USER_INITIATED", LastProcessingResult: "PROBLEM: Cluster failed to authorize Lambda." })]);
    expect(findings.map((f) => [f.evidence.purpose, f.evidence.subject])).toEqual([["trigger", CLUSTER]]);
    const [f] = findings;
    expect(f!.severity).toBe("medium");
    expect(f!.evidence.missing).toEqual([]);
    expect(f!.evidence.mappingProblem).toBe("PROBLEM: Cluster failed to authorize Lambda.");
    expect(f!.message).toContain(`Lambda reports that its event source mapping could not use ${CLUSTER} (PROBLEM: Cluster failed to authorize Lambda.), though the execution role's policies allow every action the mapping needs`);
  });

  it("a user-disabled mapping and a function error are no access problem: nothing reported when nothing is missing", () => {
    const sqs = { UUID: "a1b2c3d4-0000-0000-0000-000000000001", BatchSize: 10, EventSourceArn: QUEUE, FunctionArn: FN, LastModified: 1759300000, State: "Disabled", StateTransitionReason: "USER_INITIATED" };
    expect(lr010(["AWSLambdaBasicExecutionRole", "AWSLambdaSQSQueueExecutionRole"], [sqs])).toEqual([]);
    const failing = kafkaMapping({ State: "Enabled", StateTransitionReason: "User action", LastProcessingResult: "PROBLEM: Function call failed" });
    expect(lr010(["AWSLambdaBasicExecutionRole", "AWSLambdaMSKExecutionRole"], [failing])).toEqual([]);
  });

  it("reads StateTransitionReason and LastProcessingResult into the canonical document, and leaves empty ones out", () => {
    const fragment = readSourceBytes("lambda/us-east-1/list-event-source-mappings.json", JSON.stringify({ EventSourceMappings: [
      mqMapping({ State: "Disabled", StateTransitionReason: "EVENT_SOURCE_AUTHZ_ERROR", LastProcessingResult: "" }),
    ] })).fragment!;
    const [trigger] = fragment.functionPatches[0]!.patch.triggers!;
    expect(trigger!.stateTransitionReason).toBe("EVENT_SOURCE_AUTHZ_ERROR");
    expect("lastProcessingResult" in trigger!).toBe(false);
  });

  it("reads them from a Terraform plan of an existing mapping (the provider's computed state_transition_reason and last_processing_result)", () => {
    const mapping = {
      address: "aws_lambda_event_source_mapping.orders", mode: "managed", type: "aws_lambda_event_source_mapping", name: "orders",
      values: { event_source_arn: CLUSTER, function_name: FN, function_arn: FN, enabled: true, topics: ["orders"], uuid: "9f5a8c2e-1d3b-4e6f-8a7b-2c4d6e8f0a1b", state: "Enabled", state_transition_reason: "USER_INITIATED", last_processing_result: "PROBLEM: Cluster failed to authorize Lambda." },
    };
    const plan = {
      format_version: "1.2", terraform_version: "1.11.4",
      planned_values: { root_module: { resources: [mapping] } },
      prior_state: { format_version: "1.0", terraform_version: "1.11.4", values: { root_module: { resources: [mapping] } } },
      resource_changes: [{ address: mapping.address, mode: "managed", type: mapping.type, name: mapping.name, change: { actions: ["no-op"], before: mapping.values, after: mapping.values, after_unknown: {} } }],
      configuration: { provider_config: { aws: { name: "aws", expressions: { region: { constant_value: "us-east-1" } } } }, root_module: {} },
    };
    const fragment = readTerraformPlan(Buffer.from(JSON.stringify(plan)), "plan.json");
    const triggers = [...fragment.functions.flatMap((f) => f.triggers), ...fragment.functionPatches.flatMap((p) => p.patch.triggers ?? [])];
    expect(triggers.map((t) => [t.stateTransitionReason, t.lastProcessingResult])).toEqual([["USER_INITIATED", "PROBLEM: Cluster failed to authorize Lambda."]]);
  });
});
