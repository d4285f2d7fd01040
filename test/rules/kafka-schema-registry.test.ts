/**
 * A Kafka event source mapping with a schema registry (`SchemaRegistryConfig` in
 * AmazonManagedKafkaEventSourceConfig or SelfManagedKafkaEventSourceConfig, provisioned mode).
 * Lambda's poller reads the registry with the execution role: the Lambda developer guide
 * ("Configuring Lambda permissions for Amazon MSK event source mappings", optional permissions):
 * "For AWS Glue Schema Registry: Your function needs glue:GetRegistry and glue:GetSchemaVersion
 * permissions"; "For Confluent Schema Registry with BASIC_AUTH or CLIENT_CERTIFICATE_TLS_AUTH: Your
 * function needs secretsmanager:GetSecretValue permission for the secret containing the
 * authentication credentials" (and for a private CA certificate's secret). The AWS CDK's
 * GlueSchemaRegistry grants GetRegistry on the registry and GetSchemaVersion on the registry and
 * `schema/<registry>/*`; its ConfluentSchemaRegistry grants read of the secret. Before, the
 * registry was read from no input: LR010 passed a role without these and `generate` left them
 * out, so the mapping could not validate a record.
 *
 * Through the readers (list-event-source-mappings, a CloudFormation template, a Terraform plan),
 * the normaliser, the analysis, the compiled pack (LR010) and `generate`.
 * Needs `npm run build:policies`.
 */
import { describe, expect, it } from "vitest";
import { builtinFindings, readTemplate } from "./support/template-rules.js";
import { requiredPermissions } from "../../src/analysis/index.js";
import { generatePolicy } from "../../src/generate/generate.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import type { LambdaFunction } from "../../src/model/document.js";
import { readEventSourceMappings } from "../../src/sources/lambda-event-source-mappings.js";
import { readTerraformPlan } from "../../src/sources/terraform/index.js";
import { normalizeFragments } from "../normalize/checked.js";

const catalog = loadActionCatalogSync();
const A = "123456789012";
const CLUSTER = `arn:aws:kafka:us-east-1:${A}:cluster/orders/7a3f1c2e-0b1d-4e5f-8a9b-0c1d2e3f4a5b-2`;
const REGISTRY = `arn:aws:glue:us-east-1:${A}:registry/orders-registry`;
const SCHEMAS = `arn:aws:glue:us-east-1:${A}:schema/orders-registry/*`;
const CONFLUENT_SECRET = `arn:aws:secretsmanager:us-east-1:${A}:secret:confluent-sr-AbCdEf`;
const CA_SECRET = `arn:aws:secretsmanager:us-east-1:${A}:secret:confluent-ca-GhIjKl`;

/** The registry's rows of requiredPermissions, as `purpose action resource [| alternatives]`. */
const registryRows = (fn: LambdaFunction) =>
  requiredPermissions(fn)
    .filter((r) => r.action.startsWith("glue:") || (r.action === "secretsmanager:GetSecretValue" && r.resource.includes("confluent")))
    .map((r) => `${r.purpose} ${r.action} ${r.resource}${r.alternativeResources ? ` | ${r.alternativeResources.join(",")}` : ""}`);

const GLUE_ROWS = [`trigger glue:GetRegistry ${REGISTRY}`, `trigger glue:GetSchemaVersion ${SCHEMAS} | ${REGISTRY}`];

describe("a Kafka mapping's schema registry", () => {
  it("list-event-source-mappings: an MSK mapping's Glue registry and a self-managed mapping's Confluent secrets are required", () => {
    const mapping = (uuid: string, extra: object) => ({
      UUID: uuid,
      StartingPosition: "LATEST",
      BatchSize: 100,
      FunctionArn: `arn:aws:lambda:us-east-1:${A}:function:consumer`,
      State: "Enabled",
      Topics: ["orders"],
      ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 3 },
      ...extra,
    });
    const text = JSON.stringify({
      EventSourceMappings: [
        mapping("1b2c3d4e-5f60-4718-9a0b-1c2d3e4f5a61", {
          EventSourceArn: CLUSTER,
          AmazonManagedKafkaEventSourceConfig: {
            ConsumerGroupId: "orders",
            SchemaRegistryConfig: { SchemaRegistryURI: REGISTRY, EventRecordFormat: "JSON", SchemaValidationConfigs: [{ Attribute: "VALUE" }] },
          },
        }),
        mapping("2c3d4e5f-6071-4829-8b1c-2d3e4f5a6b72", {
          SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ["b-1.example.com:9092"] } },
          SourceAccessConfigurations: [{ Type: "SASL_SCRAM_512_AUTH", URI: `arn:aws:secretsmanager:us-east-1:${A}:secret:kafka-AbCdEf` }],
          SelfManagedKafkaEventSourceConfig: {
            ConsumerGroupId: "orders",
            SchemaRegistryConfig: {
              SchemaRegistryURI: "https://schema-registry.example.com:8081",
              AccessConfigs: [
                { Type: "BASIC_AUTH", URI: CONFLUENT_SECRET },
                { Type: "SERVER_ROOT_CA_CERTIFICATE", URI: CA_SECRET },
              ],
              EventRecordFormat: "SOURCE",
              SchemaValidationConfigs: [{ Attribute: "KEY" }],
            },
          },
        }),
      ],
    });
    const fragment = readEventSourceMappings({ file: "list-event-source-mappings.json", sha256: "0".repeat(64), values: [JSON.parse(text)], context: { region: "us-east-1", accountId: A, parameter: null } } as never);
    expect(fragment.warnings).toEqual([]);
    const [msk, smk] = fragment.functionPatches.flatMap((p) => p.patch.triggers ?? []);
    expect(msk!.schemaRegistry).toEqual({ glueRegistryArn: REGISTRY, secretArns: [] });
    // The Confluent registry's secrets are its own: not the cluster's (secretArns), whose presence
    // says the cluster is reached with SASL/SCRAM or mTLS.
    expect(smk!.schemaRegistry).toEqual({ glueRegistryArn: null, secretArns: [CA_SECRET, CONFLUENT_SECRET] });
    expect(smk!.secretArns).toEqual([`arn:aws:secretsmanager:us-east-1:${A}:secret:kafka-AbCdEf`]);
    const fn = { triggers: [msk!, smk!], arn: `arn:aws:lambda:us-east-1:${A}:function:consumer`, region: "us-east-1", accountId: A, logGroup: "/aws/lambda/consumer", roleArn: `arn:aws:iam::${A}:role/consumer`, vpc: null, tracingMode: "PassThrough", destinations: { onSuccess: null, onFailure: null }, deadLetterTargetArn: null, kmsKeyArn: null, environmentVariableNames: [], fileSystems: [] } as unknown as LambdaFunction;
    expect(registryRows(fn)).toEqual([...GLUE_ROWS, `trigger-secret secretsmanager:GetSecretValue ${CA_SECRET}`, `trigger-secret secretsmanager:GetSecretValue ${CONFLUENT_SECRET}`]);
  });

  const template = (registryConfig: string, statements = "") => `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Registry:
    Type: AWS::Glue::Registry
    Properties:
      Name: orders-registry
  Consumer:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: { ZipFile: x }
      Role: !GetAtt ConsumerRole.Arn
  ConsumerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }]
      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaMSKExecutionRole]
${statements}  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Consumer
      EventSourceArn: ${CLUSTER}
      Topics: [orders]
      StartingPosition: LATEST
      SourceAccessConfigurations: [{ Type: SASL_SCRAM_512_AUTH, URI: arn:aws:secretsmanager:us-east-1:${A}:secret:AmazonMSK_orders-AbCdEf }]
      ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 3 }
      AmazonManagedKafkaEventSourceConfig:
        ConsumerGroupId: orders
        SchemaRegistryConfig: ${registryConfig}
`;
  const read = (text: string) => readTemplate(text, A);

  it("a template: the registry's !GetAtt Arn (or Ref) is its ARN, and its schemas are required", () => {
    for (const uri of ["!GetAtt Registry.Arn", "!Ref Registry"]) {
      const document = read(template(`{ SchemaRegistryURI: ${uri}, EventRecordFormat: JSON, SchemaValidationConfigs: [{ Attribute: VALUE }] }`));
      expect(document.functions[0]!.triggers[0]!.schemaRegistry, uri).toEqual({ glueRegistryArn: REGISTRY, secretArns: [] });
      expect(registryRows(document.functions[0]!), uri).toEqual(GLUE_ROWS);
    }
  });

  it("a SAM MSK event's SchemaRegistryConfig (AWS SAM developer guide, MSK event) is the mapping's", () => {
    const sam = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Registry:
    Type: AWS::Glue::Registry
    Properties: { Name: orders-registry }
  Consumer:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: x
      Events:
        Orders:
          Type: MSK
          Properties:
            Stream: ${CLUSTER}
            Topics: [orders]
            StartingPosition: LATEST
            ConsumerGroupId: orders
            ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 3 }
            SchemaRegistryConfig: { SchemaRegistryURI: !GetAtt Registry.Arn, EventRecordFormat: JSON, SchemaValidationConfigs: [{ Attribute: VALUE }] }
`;
    const document = read(sam);
    expect(document.functions[0]!.triggers[0]!.schemaRegistry).toEqual({ glueRegistryArn: REGISTRY, secretArns: [] });
    expect(registryRows(document.functions[0]!)).toEqual(GLUE_ROWS);
  });

  const lr010Missing = (text: string) => {
    const findings = builtinFindings(read(text));
    return findings.filter((f) => f.ruleId === "LR010").flatMap((f) => (f.evidence as { missing: Array<{ action: string; resource: string }> }).missing.map((m) => `${m.action} ${m.resource}`)).sort();
  };
  const GLUE = `{ SchemaRegistryURI: !GetAtt Registry.Arn, EventRecordFormat: JSON, SchemaValidationConfigs: [{ Attribute: VALUE }] }`;

  it("LR010 reports a role that cannot read the registry; the CDK's grant and the Glue guide's `*` both pass", () => {
    const secret = `              - { Effect: Allow, Action: secretsmanager:GetSecretValue, Resource: arn:aws:secretsmanager:us-east-1:${A}:secret:AmazonMSK_orders-AbCdEf }\n`;
    const policy = (rest: string) => `      Policies:
        - PolicyName: registry
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
${secret}${rest}`;
    expect(lr010Missing(template(GLUE, policy("")))).toEqual([`glue:GetRegistry ${REGISTRY}`, `glue:GetSchemaVersion ${SCHEMAS}`]);
    // aws-cdk-lib's GlueSchemaRegistry.getSchemaRegistryPolicies, for this registry.
    const cdk = `              - { Effect: Allow, Action: glue:GetRegistry, Resource: !GetAtt Registry.Arn }
              - Effect: Allow
                Action: glue:GetSchemaVersion
                Resource: [!GetAtt Registry.Arn, !Sub 'arn:\${AWS::Partition}:glue:\${AWS::Region}:\${AWS::AccountId}:schema/orders-registry/*']
`;
    expect(lr010Missing(template(GLUE, policy(cdk)))).toEqual([]);
    // The Glue developer guide's deserializer example: GetSchemaVersion on `*`.
    const guide = `              - { Effect: Allow, Action: glue:GetRegistry, Resource: !GetAtt Registry.Arn }\n              - { Effect: Allow, Action: glue:GetSchemaVersion, Resource: '*' }\n`;
    expect(lr010Missing(template(GLUE, policy(guide)))).toEqual([]);
    // GetSchemaVersion on the registry alone is accepted too (the CDK grants it there as well).
    const registryOnly = `              - { Effect: Allow, Action: [glue:GetRegistry, glue:GetSchemaVersion], Resource: !GetAtt Registry.Arn }\n`;
    expect(lr010Missing(template(GLUE, policy(registryOnly)))).toEqual([]);
  });

  it("generate grants GetRegistry on the registry and GetSchemaVersion on its schemas and the registry", () => {
    const g = generatePolicy(read(template(GLUE)), "Consumer", {}, catalog);
    const flat = g.policy.Statement.flatMap((s) => (s.Action ?? []).flatMap((a) => [s.Resource ?? []].flat().map((r) => `${a} ${r}`)));
    expect(flat.filter((x) => x.startsWith("glue:")).sort()).toEqual([`glue:GetRegistry ${REGISTRY}`, `glue:GetSchemaVersion ${REGISTRY}`, `glue:GetSchemaVersion ${SCHEMAS}`]);
  });

  it("a Terraform plan: schema_registry_config's registry (a plan's aws_glue_registry, ARN known after apply) and access_config secrets", () => {
    const resources = [
      { address: "aws_lambda_function.consumer", mode: "managed", type: "aws_lambda_function", name: "consumer", values: { function_name: "consumer", role: `arn:aws:iam::${A}:role/consumer`, runtime: "python3.12" } },
      { address: "aws_glue_registry.orders", mode: "managed", type: "aws_glue_registry", name: "orders", values: { registry_name: "orders-registry" } },
      {
        address: "aws_lambda_event_source_mapping.orders", mode: "managed", type: "aws_lambda_event_source_mapping", name: "orders",
        values: {
          function_name: "consumer", event_source_arn: CLUSTER, topics: ["orders"], starting_position: "LATEST", destination_config: [],
          amazon_managed_kafka_event_source_config: [{ consumer_group_id: "orders", schema_registry_config: [{ event_record_format: "JSON", access_config: [], schema_validation_config: [{ attribute: "VALUE" }] }] }],
        },
      },
      {
        address: "aws_lambda_event_source_mapping.confluent", mode: "managed", type: "aws_lambda_event_source_mapping", name: "confluent",
        values: {
          function_name: "consumer", topics: ["orders"], starting_position: "LATEST", destination_config: [],
          self_managed_event_source: [{ endpoints: { KAFKA_BOOTSTRAP_SERVERS: "b-1.example.com:9092" } }],
          self_managed_kafka_event_source_config: [{ consumer_group_id: "orders", schema_registry_config: [{ schema_registry_uri: "https://schema-registry.example.com:8081", event_record_format: "SOURCE", access_config: [{ type: "BASIC_AUTH", uri: CONFLUENT_SECRET }], schema_validation_config: [{ attribute: "KEY" }] }] }],
        },
      },
    ];
    const unknown: Record<string, object> = {
      "aws_glue_registry.orders": { arn: true, id: true },
      "aws_lambda_event_source_mapping.orders": { amazon_managed_kafka_event_source_config: [{ schema_registry_config: [{ schema_registry_uri: true }] }] },
    };
    const plan = {
      format_version: "1.2", terraform_version: "1.9.0",
      planned_values: { root_module: { resources } },
      resource_changes: resources.map((r) => ({ address: r.address, mode: "managed", type: r.type, name: r.name, change: { actions: ["create"], before: null, after: r.values, after_unknown: unknown[r.address] ?? {} } })),
      configuration: {
        provider_config: { aws: { name: "aws", expressions: { region: { constant_value: "us-east-1" } } } },
        root_module: {
          resources: [
            { address: "aws_lambda_function.consumer", mode: "managed", type: "aws_lambda_function", name: "consumer", expressions: { function_name: { constant_value: "consumer" } } },
            { address: "aws_glue_registry.orders", mode: "managed", type: "aws_glue_registry", name: "orders", expressions: { registry_name: { constant_value: "orders-registry" } } },
            {
              address: "aws_lambda_event_source_mapping.orders", mode: "managed", type: "aws_lambda_event_source_mapping", name: "orders",
              expressions: {
                function_name: { references: ["aws_lambda_function.consumer.arn", "aws_lambda_function.consumer"] },
                amazon_managed_kafka_event_source_config: [{ schema_registry_config: [{ schema_registry_uri: { references: ["aws_glue_registry.orders.arn", "aws_glue_registry.orders"] } }] }],
              },
            },
            {
              address: "aws_lambda_event_source_mapping.confluent", mode: "managed", type: "aws_lambda_event_source_mapping", name: "confluent",
              expressions: { function_name: { references: ["aws_lambda_function.consumer.arn", "aws_lambda_function.consumer"] } },
            },
          ],
        },
      },
    };
    const { document } = normalizeFragments([readTerraformPlan(Buffer.from(JSON.stringify(plan)), "plan.json", { accountId: A })]);
    const triggers = document.functions[0]!.triggers;
    expect(triggers.map((t) => [t.kind, t.schemaRegistry])).toEqual(
      expect.arrayContaining([
        ["kafka", { glueRegistryArn: REGISTRY, secretArns: [] }],
        ["self-managed-kafka", { glueRegistryArn: null, secretArns: [CONFLUENT_SECRET] }],
      ]),
    );
    expect(registryRows(document.functions[0]!)).toEqual([...GLUE_ROWS, `trigger-secret secretsmanager:GetSecretValue ${CONFLUENT_SECRET}`]);
  });
});
