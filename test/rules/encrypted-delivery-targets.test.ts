/**
 * A dead-letter queue, destination or on-failure destination that is an SQS queue or SNS topic
 * encrypted with a customer managed key the same template makes. Lambda sends with the execution
 * role, and SQS and SNS encrypt the message with the sender's permissions: the SQS developer
 * guide's producer example for an SSE-KMS queue grants kms:GenerateDataKey and kms:Decrypt on the
 * key, and SendMessage fails with KMS.AccessDeniedException ("not authorized to perform:
 * kms:GenerateDataKey") without it; aws-cdk-lib's Queue.grantSendMessages and
 * Topic.grantPublish add the key's actions for the same reason. Before, only sqs:SendMessage /
 * sns:Publish was required: `generate`'s policy could not deliver a failed event, and LR010 passed
 * such a role. An AWS managed key (`alias/aws/sqs`) needs nothing of the role.
 *
 * Through the template reader, the normaliser, the analysis, the compiled pack (LR010) and
 * `generate`. Needs `npm run build:policies`.
 */
import { describe, expect, it } from "vitest";
import { builtinFindings, readTemplate } from "./support/template-rules.js";
import { requiredPermissions } from "../../src/analysis/index.js";
import { generatePolicy } from "../../src/generate/generate.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import { readTerraformPlan } from "../../src/sources/terraform/index.js";
import { normalizeFragments } from "../normalize/checked.js";

const catalog = loadActionCatalogSync();
const A = "123456789012";
const TOPIC_KEY = `arn:aws:kms:us-east-1:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

const template = (dlqKey: string, statements = "") => `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy: { Version: '2012-10-17', Statement: [{ Effect: Allow, Principal: { AWS: !Sub 'arn:aws:iam::\${AWS::AccountId}:root' }, Action: 'kms:*', Resource: '*' }] }
  DLQ:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: orders-dlq
      KmsMasterKeyId: ${dlqKey}
  Failures:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: orders-failures
      KmsMasterKeyId: ${TOPIC_KEY}
  Plain:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: orders-plain
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: orders
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
      KeySchema: [{ AttributeName: id, KeyType: HASH }]
      StreamSpecification: { StreamViewType: NEW_IMAGE }
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: worker
      Runtime: python3.12
      Handler: app.handler
      Code: { ZipFile: x }
      Role: !GetAtt WorkerRole.Arn
      DeadLetterConfig: { TargetArn: !GetAtt DLQ.Arn }
  Async:
    Type: AWS::Lambda::EventInvokeConfig
    Properties:
      FunctionName: !Ref Worker
      Qualifier: $LATEST
      DestinationConfig:
        OnFailure: { Destination: !Ref Failures }
        OnSuccess: { Destination: !GetAtt Plain.Arn }
  Stream:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Worker
      EventSourceArn: !GetAtt Table.StreamArn
      StartingPosition: LATEST
      DestinationConfig: { OnFailure: { Destination: !GetAtt DLQ.Arn } }
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }]
      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole, arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole]
      Policies:
        - PolicyName: deliver
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - { Effect: Allow, Action: sqs:SendMessage, Resource: [!GetAtt DLQ.Arn, !GetAtt Plain.Arn] }
              - { Effect: Allow, Action: sns:Publish, Resource: !Ref Failures }
${statements}`;
const read = (text: string) => readTemplate(text, A);
const DLQ = `arn:aws:sqs:us-east-1:${A}:orders-dlq`;
const TOPIC = `arn:aws:sns:us-east-1:${A}:orders-failures`;

const kmsRows = (text: string) =>
  requiredPermissions(read(text).functions[0]!)
    .filter((r) => r.action.startsWith("kms:"))
    .map((r) => `${r.purpose} ${r.subject} ${r.action} ${r.resource}`);

describe("delivery targets encrypted with a customer managed key", () => {
  it("the DLQ's key (an AWS::KMS::Key of the template), the SNS destination's key, the mapping's on-failure queue's key; not a plain queue's", () => {
    const document = read(template("!Ref Key"));
    const key = document.functions[0]!.deliveryKeys!.find((k) => k.target === DLQ)!.keyArn;
    expect(key).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\//);
    expect(document.functions[0]!.deliveryKeys!.map((k) => k.target)).toEqual([TOPIC, DLQ]);
    expect(kmsRows(template("!Ref Key"))).toEqual([
      `dead-letter ${DLQ} kms:Decrypt ${key}`,
      `dead-letter ${DLQ} kms:GenerateDataKey ${key}`,
      `destination ${TOPIC} kms:Decrypt ${TOPIC_KEY}`,
      `destination ${TOPIC} kms:GenerateDataKey ${TOPIC_KEY}`,
      `trigger-destination ${DLQ} kms:Decrypt ${key}`,
      `trigger-destination ${DLQ} kms:GenerateDataKey ${key}`,
    ]);
  });

  it("an AWS managed key (alias/aws/sqs) needs nothing of the role", () => {
    expect(kmsRows(template("alias/aws/sqs")).filter((r) => r.includes(DLQ))).toEqual([]);
  });

  it("LR010 reports the key actions a role with only SendMessage and Publish lacks; granting them passes", () => {
    const lr010 = (statements: string) => {
      const findings = builtinFindings(read(template(`arn:aws:kms:us-east-1:${A}:key/0000aaaa-bbbb-cccc-dddd-eeeeffff0000`, statements)));
      return findings.filter((f) => f.ruleId === "LR010").map((f) => (f.evidence as { purpose: string; subject: string; missing: Array<{ action: string }> })).map((e) => `${e.purpose} ${e.subject} ${e.missing.map((m) => m.action).sort().join(",")}`).sort();
    };
    expect(lr010("")).toEqual([
      `dead-letter ${DLQ} kms:Decrypt,kms:GenerateDataKey`,
      `destination ${TOPIC} kms:Decrypt,kms:GenerateDataKey`,
      `trigger-destination ${DLQ} kms:Decrypt,kms:GenerateDataKey`,
    ]);
    expect(lr010(`              - { Effect: Allow, Action: [kms:GenerateDataKey, kms:Decrypt], Resource: [arn:aws:kms:us-east-1:${A}:key/0000aaaa-bbbb-cccc-dddd-eeeeffff0000, ${TOPIC_KEY}] }\n`)).toEqual([]);
  });

  it("generate grants kms:GenerateDataKey and kms:Decrypt on each key", () => {
    const g = generatePolicy(read(template(`arn:aws:kms:us-east-1:${A}:key/0000aaaa-bbbb-cccc-dddd-eeeeffff0000`)), "worker", {}, catalog);
    const flat = g.policy.Statement.flatMap((s) => (s.Action ?? []).flatMap((a) => [s.Resource ?? []].flat().map((r) => `${a} ${r}`)));
    expect(flat.filter((x) => x.startsWith("kms:")).sort()).toEqual([
      `kms:Decrypt arn:aws:kms:us-east-1:${A}:key/0000aaaa-bbbb-cccc-dddd-eeeeffff0000`,
      `kms:Decrypt ${TOPIC_KEY}`,
      `kms:GenerateDataKey arn:aws:kms:us-east-1:${A}:key/0000aaaa-bbbb-cccc-dddd-eeeeffff0000`,
      `kms:GenerateDataKey ${TOPIC_KEY}`,
    ]);
  });

  it("a Terraform plan: the aws_sqs_queue DLQ's kms_master_key_id (its ARN known after apply, from a key of the plan); an alias/aws/sns topic needs nothing", () => {
    const KEY = `arn:aws:kms:us-east-1:${A}:key/0000aaaa-bbbb-cccc-dddd-eeeeffff0000`;
    const resources = [
      { address: "aws_lambda_function.worker", mode: "managed", type: "aws_lambda_function", name: "worker", values: { function_name: "worker", role: `arn:aws:iam::${A}:role/worker`, runtime: "python3.12", dead_letter_config: [{}] } },
      { address: "aws_sqs_queue.dlq", mode: "managed", type: "aws_sqs_queue", name: "dlq", values: { name: "orders-dlq", kms_master_key_id: KEY } },
      { address: "aws_sns_topic.failures", mode: "managed", type: "aws_sns_topic", name: "failures", values: { name: "orders-failures", kms_master_key_id: "alias/aws/sns", arn: TOPIC } },
      {
        address: "aws_lambda_function_event_invoke_config.worker", mode: "managed", type: "aws_lambda_function_event_invoke_config", name: "worker",
        values: { function_name: "worker", destination_config: [{ on_failure: [{ destination: TOPIC }], on_success: [] }] },
      },
    ];
    const unknown: Record<string, object> = { "aws_sqs_queue.dlq": { arn: true, id: true }, "aws_lambda_function.worker": { dead_letter_config: [{ target_arn: true }] } };
    const plan = {
      format_version: "1.2", terraform_version: "1.9.0",
      planned_values: { root_module: { resources } },
      resource_changes: resources.map((r) => ({ address: r.address, mode: "managed", type: r.type, name: r.name, change: { actions: ["create"], before: null, after: r.values, after_unknown: unknown[r.address] ?? {} } })),
      configuration: {
        provider_config: { aws: { name: "aws", expressions: { region: { constant_value: "us-east-1" } } } },
        root_module: {
          resources: [
            {
              address: "aws_lambda_function.worker", mode: "managed", type: "aws_lambda_function", name: "worker",
              expressions: { function_name: { constant_value: "worker" }, dead_letter_config: [{ target_arn: { references: ["aws_sqs_queue.dlq.arn", "aws_sqs_queue.dlq"] } }] },
            },
            { address: "aws_sqs_queue.dlq", mode: "managed", type: "aws_sqs_queue", name: "dlq", expressions: { name: { constant_value: "orders-dlq" } } },
            { address: "aws_sns_topic.failures", mode: "managed", type: "aws_sns_topic", name: "failures", expressions: { name: { constant_value: "orders-failures" } } },
            { address: "aws_lambda_function_event_invoke_config.worker", mode: "managed", type: "aws_lambda_function_event_invoke_config", name: "worker", expressions: { function_name: { references: ["aws_lambda_function.worker.function_name", "aws_lambda_function.worker"] } } },
          ],
        },
      },
    };
    const { document } = normalizeFragments([readTerraformPlan(Buffer.from(JSON.stringify(plan)), "plan.json", { accountId: A })]);
    const fn = document.functions[0]!;
    expect([fn.deadLetterTargetArn, fn.destinations.onFailure]).toEqual([DLQ, TOPIC]);
    expect(fn.deliveryKeys).toEqual([{ target: DLQ, keyArn: KEY }]);
    expect(requiredPermissions(fn).filter((r) => r.action.startsWith("kms:")).map((r) => `${r.purpose} ${r.subject} ${r.action} ${r.resource}`)).toEqual([`dead-letter ${DLQ} kms:Decrypt ${KEY}`, `dead-letter ${DLQ} kms:GenerateDataKey ${KEY}`]);
  });
});
