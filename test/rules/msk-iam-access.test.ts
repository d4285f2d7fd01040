/**
 * An Amazon MSK mapping without a SASL/SCRAM or mTLS secret whose cluster the template defines.
 * The cluster says how Lambda reaches it: an AWS::MSK::ServerlessCluster only with IAM access
 * control (CloudFormation requires its ClientAuthentication.Sasl.Iam), an AWS::MSK::Cluster as its
 * ClientAuthentication says (`Sasl.Iam.Enabled`, `Unauthenticated.Enabled`). With IAM access
 * control the execution role needs the kafka-cluster permissions the Lambda developer guide lists
 * ("Configuring Amazon MSK cluster authentication methods", IAM authentication) on the cluster,
 * the mapping's topics and consumer group (ARNs as the MSK developer guide's "Authorization policy
 * resources" writes them) and its kafka:// on-failure topic. Before, the mode was never read: every
 * such mapping only warned (kafka-access-not-checked), LR010 checked none of them and `generate`
 * wrote a policy with which the function could not read its topic.
 *
 * Through the template reader, the normaliser, the analysis, the compiled pack (LR010) and
 * `generate`. The templates are written here: no public template found defines the cluster and
 * its consumer together (aws-samples/serverless-patterns msk-lambda-iam-python-sam takes the
 * cluster's name and ID as parameters); the consumer's policy in the "grants" case is that
 * pattern's KafkaClusterPermissionsPolicy, written for the cluster of this template.
 * Needs `npm run build:policies`.
 */
import { describe, expect, it } from "vitest";
import { analyzeDocument, requiredPermissions } from "../../src/analysis/index.js";
import { evaluateDocument, loadBuiltinPack } from "../../src/evaluate/index.js";
import { generatePolicy } from "../../src/generate/generate.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import { readCloudFormationTemplate } from "../../src/sources/cloudformation/index.js";
import { readTerraformPlan } from "../../src/sources/terraform/index.js";
import { normalizeFragments } from "../normalize/checked.js";

const catalog = loadActionCatalogSync();

const CONSUMER = `  Consumer:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "x"
      Role: !GetAtt ConsumerRole.Arn
`;
const ROLE = (statements: string) => `  ConsumerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }]
      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaMSKExecutionRole]
${statements}`;
const SERVERLESS = `  Cluster:
    Type: AWS::MSK::ServerlessCluster
    Properties:
      ClusterName: orders
      ClientAuthentication: { Sasl: { Iam: { Enabled: true } } }
      VpcConfigs: [{ SubnetIds: [subnet-1, subnet-2] }]
`;
const PROVISIONED = (auth: string) => `  Cluster:
    Type: AWS::MSK::Cluster
    Properties:
      ClusterName: orders
      KafkaVersion: 3.6.0
      NumberOfBrokerNodes: 2
      BrokerNodeGroupInfo: { InstanceType: kafka.m5.large, ClientSubnets: [subnet-1, subnet-2] }
${auth === "" ? "" : `      ClientAuthentication: ${auth}\n`}`;
const MAPPING = (source: string, extra = "") => `  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Consumer
      EventSourceArn: ${source}
      Topics: [orders]
      StartingPosition: LATEST
${extra}`;

function read(resources: string) {
  const fragment = readCloudFormationTemplate(Buffer.from(`AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n${resources}`), "template.yaml", { region: "us-east-1", accountId: "123456789012" });
  return normalizeFragments([fragment]);
}

const kafkaCluster = (doc: ReturnType<typeof read>["document"]) =>
  requiredPermissions(doc.functions[0]!)
    .filter((r) => r.action.startsWith("kafka-cluster:"))
    .map((r) => `${r.purpose} ${r.subject} ${r.action} ${r.resource}`)
    .sort();

const TOPIC = "arn:aws:kafka:us-east-1:123456789012:topic/orders/*";
const GROUP = "arn:aws:kafka:us-east-1:123456789012:group/orders/*";

describe("MSK IAM access control, when the template defines the cluster", () => {
  it("a serverless cluster: the trigger says IAM, and its cluster, topics, group and kafka:// topic are required", () => {
    const { document, warnings } = read(
      SERVERLESS + CONSUMER + ROLE("") +
        MAPPING("!GetAtt Cluster.Arn", "      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: orders-consumer }\n      DestinationConfig: { OnFailure: { Destination: kafka://orders-failed } }\n"),
    );
    const t = document.functions[0]!.triggers[0]!;
    expect([t.kafkaAccess, t.kafkaClusterType, t.kafkaClusterArn, t.topics, t.consumerGroupId]).toEqual(["iam", "serverless", "arn:aws:kafka:us-east-1:123456789012:cluster/orders/*", ["orders"], "orders-consumer"]);
    expect(kafkaCluster(document)).toEqual([
      "trigger ${Cluster.Arn} kafka-cluster:AlterGroup arn:aws:kafka:us-east-1:123456789012:group/orders/*/orders-consumer",
      "trigger ${Cluster.Arn} kafka-cluster:Connect ${Cluster.Arn}",
      "trigger ${Cluster.Arn} kafka-cluster:DescribeGroup arn:aws:kafka:us-east-1:123456789012:group/orders/*/orders-consumer",
      "trigger ${Cluster.Arn} kafka-cluster:DescribeTopic arn:aws:kafka:us-east-1:123456789012:topic/orders/*/orders",
      "trigger ${Cluster.Arn} kafka-cluster:ReadData arn:aws:kafka:us-east-1:123456789012:topic/orders/*/orders",
      "trigger-destination kafka://orders-failed kafka-cluster:DescribeTopic arn:aws:kafka:us-east-1:123456789012:topic/orders/*/orders-failed",
      "trigger-destination kafka://orders-failed kafka-cluster:WriteData arn:aws:kafka:us-east-1:123456789012:topic/orders/*/orders-failed",
    ]);
    expect(warnings.filter((w) => w.code === "kafka-access-not-checked")).toEqual([]);
  });

  it("a SAM MSK event on a provisioned cluster's Ref: IAM alone is IAM; unauthenticated alone needs nothing; both, neither, or no ClientAuthentication stay unknown", () => {
    const event = (auth: string) =>
      read(
        PROVISIONED(auth) +
          CONSUMER.replace(
            "      Role: !GetAtt ConsumerRole.Arn\n",
            "      Role: !GetAtt ConsumerRole.Arn\n      Events:\n        Orders:\n          Type: MSK\n          Properties: { Stream: !Ref Cluster, Topics: [orders, refunds], StartingPosition: LATEST, ConsumerGroupId: orders-consumer }\n",
          ) +
          ROLE(""),
      );
    const iam = event("{ Sasl: { Iam: { Enabled: true } } }");
    expect(iam.document.functions[0]!.triggers.map((t) => [t.kafkaAccess, t.topics, t.consumerGroupId])).toEqual([["iam", ["orders", "refunds"], "orders-consumer"]]);
    expect(kafkaCluster(iam.document).filter((r) => r.includes("ReadData"))).toEqual([
      "trigger ${Cluster} kafka-cluster:ReadData arn:aws:kafka:us-east-1:123456789012:topic/orders/*/orders",
      "trigger ${Cluster} kafka-cluster:ReadData arn:aws:kafka:us-east-1:123456789012:topic/orders/*/refunds",
    ]);
    expect(iam.warnings.filter((w) => w.code === "kafka-access-not-checked")).toEqual([]);

    const open = event("{ Unauthenticated: { Enabled: true }, Sasl: { Scram: { Enabled: true } } }");
    expect(open.document.functions[0]!.triggers[0]!.kafkaAccess).toBe("unauthenticated");
    expect(kafkaCluster(open.document)).toEqual([]);
    expect(open.warnings.filter((w) => w.code === "kafka-access-not-checked")).toEqual([]);

    for (const auth of ["{ Sasl: { Iam: { Enabled: true } }, Unauthenticated: { Enabled: true } }", "{ Sasl: { Scram: { Enabled: true } } }", ""]) {
      const unknown = event(auth);
      expect(unknown.document.functions[0]!.triggers[0]!.kafkaAccess, auth).toBeUndefined();
      expect(kafkaCluster(unknown.document), auth).toEqual([]);
      expect(unknown.warnings.filter((w) => w.code === "kafka-access-not-checked").length, auth).toBe(1);
    }
  });

  it("a JSON template's string form of Fn::GetAtt (\"Cluster.Arn\") names the cluster too", () => {
    // CloudFormation takes `"Fn::GetAtt": "Cluster.Arn"` as `["Cluster", "Arn"]`. Before, the
    // mapping's source was then of no kind: nothing was required of it.
    const template = {
      AWSTemplateFormatVersion: "2010-09-09",
      Resources: {
        Cluster: { Type: "AWS::MSK::ServerlessCluster", Properties: { ClusterName: "orders", ClientAuthentication: { Sasl: { Iam: { Enabled: true } } }, VpcConfigs: [{ SubnetIds: ["subnet-1"] }] } },
        Consumer: { Type: "AWS::Lambda::Function", Properties: { Runtime: "python3.12", Handler: "app.handler", Role: "arn:aws:iam::123456789012:role/consumer", Code: { ZipFile: "x" } } },
        Mapping: { Type: "AWS::Lambda::EventSourceMapping", Properties: { FunctionName: { Ref: "Consumer" }, EventSourceArn: { "Fn::GetAtt": "Cluster.Arn" }, Topics: ["orders"], StartingPosition: "LATEST" } },
      },
    };
    const { document } = normalizeFragments([readCloudFormationTemplate(Buffer.from(JSON.stringify(template)), "template.json", { region: "us-east-1", accountId: "123456789012" })]);
    const t = document.functions[0]!.triggers[0]!;
    expect([t.kind, t.kafkaAccess]).toEqual(["kafka", "iam"]);
    expect(kafkaCluster(document)).toContain(`trigger ${t.eventSourceArn} kafka-cluster:ReadData ${TOPIC}/orders`);
  });

  it("a mapping with a SASL/SCRAM secret authenticates with it: no kafka-cluster permission, whatever the cluster allows", () => {
    const { document } = read(
      PROVISIONED("{ Sasl: { Iam: { Enabled: true }, Scram: { Enabled: true } } }") + CONSUMER + ROLE("") +
        MAPPING("!Ref Cluster", "      SourceAccessConfigurations: [{ Type: SASL_SCRAM_512_AUTH, URI: arn:aws:secretsmanager:us-east-1:123456789012:secret:AmazonMSK_orders-AbCdEf }]\n"),
    );
    expect(kafkaCluster(document)).toEqual([]);
  });

  it("LR010 reports the kafka-cluster permissions the role lacks, and passes the role that grants them", () => {
    const lr010 = (statements: string) => {
      const { document } = read(SERVERLESS + CONSUMER + ROLE(statements) + MAPPING("!GetAtt Cluster.Arn"));
      const { findings, diagnostics } = evaluateDocument(analyzeDocument(document, catalog), [loadBuiltinPack()], { today: "2026-12-03" });
      expect(diagnostics).toEqual([]);
      return findings.filter((f) => f.ruleId === "LR010");
    };
    const missing = lr010("");
    expect(missing.map((f) => (f.evidence as { subject: string }).subject)).toEqual(["${Cluster.Arn}"]);
    expect((missing[0]!.evidence as { missing: Array<{ action: string }> }).missing.map((m) => m.action).sort()).toEqual([
      "kafka-cluster:AlterGroup",
      "kafka-cluster:Connect",
      "kafka-cluster:DescribeGroup",
      "kafka-cluster:DescribeTopic",
      "kafka-cluster:ReadData",
    ]);
    // serverless-patterns msk-lambda-iam-python-sam's statement, on this template's cluster.
    const granted = lr010(`      Policies:
        - PolicyName: KafkaClusterPermissionsPolicy
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: [kafka-cluster:Connect, kafka-cluster:DescribeGroup, kafka-cluster:DescribeCluster, kafka-cluster:AlterCluster, kafka-cluster:AlterClusterDynamicConfiguration, kafka-cluster:WriteDataIdempotently, kafka-cluster:AlterGroup, kafka-cluster:DescribeTopic, kafka-cluster:ReadData, kafka-cluster:DescribeClusterDynamicConfiguration]
                Resource:
                  - !GetAtt Cluster.Arn
                  - !Sub arn:aws:kafka:\${AWS::Region}:\${AWS::AccountId}:topic/orders/*
                  - !Sub arn:aws:kafka:\${AWS::Region}:\${AWS::AccountId}:group/orders/*
`);
    expect(granted).toEqual([]);
  });

  it("generate writes them, on the cluster, the topic and the group as the template names them", () => {
    const { document } = read(SERVERLESS + CONSUMER + ROLE("") + MAPPING("!Ref Cluster", "      DestinationConfig: { OnFailure: { Destination: kafka://orders-failed } }\n"));
    const g = generatePolicy(document, "Consumer", {}, catalog);
    const grants = g.policy.Statement.filter((s) => (s.Action ?? []).some((a) => a.startsWith("kafka-cluster:")))
      .map((s) => `${[...(s.Action ?? [])].sort().join(",")} ${[s.Resource ?? []].flat().sort().join(",")}`)
      .sort();
    expect(grants).toEqual([
      "kafka-cluster:AlterGroup,kafka-cluster:DescribeGroup " + `${GROUP}/*`,
      "kafka-cluster:Connect ${Cluster}",
      "kafka-cluster:DescribeTopic " + `${TOPIC}/orders,${TOPIC}/orders-failed`,
      "kafka-cluster:ReadData " + `${TOPIC}/orders`,
      "kafka-cluster:WriteData " + `${TOPIC}/orders-failed`,
    ]);
    expect(g.warnings.filter((w) => w.code === "kafka-access-not-granted")).toEqual([]);
  });

  describe("in a Terraform plan: aws_msk_serverless_cluster, aws_msk_cluster's client_authentication", () => {
    // A plan that makes the cluster and the mapping (the cluster's ARN known only after apply;
    // the mapping's event_source_arn a reference to it), in the plan's JSON shape.
    const plan = (cluster: { type: string; values: object; unknown?: object }) => {
      const resources = [
        { address: "aws_lambda_function.consumer", mode: "managed", type: "aws_lambda_function", name: "consumer", values: { function_name: "consumer", role: "arn:aws:iam::123456789012:role/consumer", runtime: "python3.12" } },
        { address: `${cluster.type}.orders`, mode: "managed", type: cluster.type, name: "orders", values: cluster.values },
        {
          address: "aws_lambda_event_source_mapping.orders", mode: "managed", type: "aws_lambda_event_source_mapping", name: "orders",
          values: { function_name: "consumer", topics: ["orders"], starting_position: "LATEST", amazon_managed_kafka_event_source_config: [{ consumer_group_id: "orders-consumer" }], destination_config: [] },
        },
      ];
      const unknown: Record<string, object> = { [`${cluster.type}.orders`]: { arn: true, ...(cluster.unknown ?? {}) }, "aws_lambda_event_source_mapping.orders": { event_source_arn: true } };
      return {
        format_version: "1.2", terraform_version: "1.9.0",
        planned_values: { root_module: { resources } },
        resource_changes: resources.map((r) => ({ address: r.address, mode: "managed", type: r.type, name: r.name, change: { actions: ["create"], before: null, after: r.values, after_unknown: unknown[r.address] ?? {} } })),
        configuration: {
          provider_config: { aws: { name: "aws", expressions: { region: { constant_value: "us-east-1" } } } },
          root_module: {
            resources: [
              { address: "aws_lambda_function.consumer", mode: "managed", type: "aws_lambda_function", name: "consumer", expressions: { function_name: { constant_value: "consumer" } } },
              { address: `${cluster.type}.orders`, mode: "managed", type: cluster.type, name: "orders", expressions: { cluster_name: { constant_value: "orders" } } },
              {
                address: "aws_lambda_event_source_mapping.orders", mode: "managed", type: "aws_lambda_event_source_mapping", name: "orders",
                expressions: { function_name: { references: ["aws_lambda_function.consumer.arn", "aws_lambda_function.consumer"] }, event_source_arn: { references: [`${cluster.type}.orders.arn`, `${cluster.type}.orders`] } },
              },
            ],
          },
        },
      };
    };
    const triggerOf = (p: object) => {
      const { document, warnings } = normalizeFragments([readTerraformPlan(Buffer.from(JSON.stringify(p)), "plan.json", { accountId: "123456789012" })]);
      return { t: document.functions[0]!.triggers[0]!, document, warnings };
    };

    it("a serverless cluster is IAM: the cluster, topic and group are required", () => {
      const { t, document, warnings } = triggerOf(plan({ type: "aws_msk_serverless_cluster", values: { cluster_name: "orders", client_authentication: [{ sasl: [{ iam: [{ enabled: true }] }] }] } }));
      expect([t.kind, t.kafkaAccess, t.kafkaClusterType, t.kafkaClusterArn, t.topics, t.consumerGroupId]).toEqual(["kafka", "iam", "serverless", "arn:aws:kafka:us-east-1:123456789012:cluster/orders/*", ["orders"], "orders-consumer"]);
      expect(requiredPermissions(document.functions[0]!).find((r) => r.action === "kafka:DescribeClusterV2")!.alternativeActions).toBeUndefined();
      expect(kafkaCluster(document).map((r) => r.split(" ").slice(2).join(" "))).toEqual([
        `kafka-cluster:AlterGroup ${GROUP}/orders-consumer`,
        `kafka-cluster:Connect ${t.eventSourceArn}`,
        `kafka-cluster:DescribeGroup ${GROUP}/orders-consumer`,
        `kafka-cluster:DescribeTopic ${TOPIC}/orders`,
        `kafka-cluster:ReadData ${TOPIC}/orders`,
      ]);
      expect(warnings.filter((w) => w.code === "kafka-access-not-checked")).toEqual([]);
    });

    it("a provisioned cluster: sasl.iam alone is IAM, unauthenticated alone is unauthenticated, both or a value known after apply stay unknown", () => {
      const provisioned = (auth: object, unknown?: object) => triggerOf(plan({ type: "aws_msk_cluster", values: { cluster_name: "orders", client_authentication: [auth] }, ...(unknown ? { unknown } : {}) }));
      const iam = provisioned({ sasl: [{ iam: true, scram: false }], tls: [], unauthenticated: false });
      expect([iam.t.kafkaAccess, iam.t.kafkaClusterType]).toEqual(["iam", "provisioned"]);
      expect(kafkaCluster(iam.document)).toContain(`trigger ${iam.t.eventSourceArn} kafka-cluster:DescribeClusterDynamicConfiguration ${iam.t.eventSourceArn}`);
      expect(requiredPermissions(iam.document.functions[0]!).find((r) => r.action === "kafka:DescribeClusterV2")!.alternativeActions).toEqual(["kafka:DescribeCluster"]);
      const open = provisioned({ sasl: [], tls: [], unauthenticated: true });
      expect(open.t.kafkaAccess).toBe("unauthenticated");
      expect(kafkaCluster(open.document)).toEqual([]);
      expect(provisioned({ sasl: [{ iam: true, scram: false }], tls: [], unauthenticated: true }).t.kafkaAccess).toBeUndefined();
      const later = provisioned({ sasl: [{ scram: false }], tls: [], unauthenticated: false }, { client_authentication: [{ sasl: [{ iam: true }] }] });
      expect(later.t.kafkaAccess).toBeUndefined();
      expect(later.warnings.filter((w) => w.code === "kafka-access-not-checked").length).toBe(1);
    });
  });
});

/**
 * Serverless or provisioned. The Lambda developer guide ("Configuring Lambda permissions for Amazon
 * MSK event source mappings"): "You only need to add one of either kafka:DescribeCluster or
 * kafka:DescribeClusterV2 … For serverless Amazon MSK clusters, you must use
 * kafka:DescribeClusterV2"; the Amazon MSK developer guide ("Semantics of IAM authorization policy
 * actions") lists kafka-cluster:DescribeClusterDynamicConfiguration as not applicable to serverless
 * clusters. Only a template or plan that defines the cluster says which it is (the trigger's
 * kafkaClusterType); a cluster ARN has the same shape for both. Before, a serverless cluster's role
 * with kafka:DescribeCluster alone passed LR010 and DescribeClusterDynamicConfiguration was required
 * of it and generated.
 */
describe("MSK serverless or provisioned: kafka:DescribeClusterV2 and DescribeClusterDynamicConfiguration", () => {
  // The Lambda guide's MSK statement as many roles write it: kafka:DescribeCluster, not V2.
  const DESCRIBE_CLUSTER_ONLY = `  ConsumerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }]
      Policies:
        - PolicyName: msk
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: [kafka:DescribeCluster, kafka:GetBootstrapBrokers, ec2:CreateNetworkInterface, ec2:DeleteNetworkInterface, ec2:DescribeNetworkInterfaces, ec2:DescribeSecurityGroups, ec2:DescribeSubnets, ec2:DescribeVpcs]
                Resource: '*'
              - Effect: Allow
                Action: [kafka-cluster:Connect, kafka-cluster:DescribeGroup, kafka-cluster:AlterGroup, kafka-cluster:DescribeTopic, kafka-cluster:ReadData]
                Resource: '*'
`;
  const describeCluster = (doc: ReturnType<typeof read>["document"]) =>
    requiredPermissions(doc.functions[0]!)
      .filter((r) => r.action.startsWith("kafka:DescribeCluster"))
      .map((r) => `${r.action} instead: ${(r.alternativeActions ?? []).join(",") || "none"}`);
  const lr010Missing = (doc: ReturnType<typeof read>["document"]) => {
    const { findings, diagnostics } = evaluateDocument(analyzeDocument(doc, catalog), [loadBuiltinPack()], { today: "2026-12-03" });
    expect(diagnostics).toEqual([]);
    return findings.filter((f) => f.ruleId === "LR010").flatMap((f) => (f.evidence as { missing: Array<{ action: string }> }).missing.map((m) => m.action)).sort();
  };

  it("a template's AWS::MSK::ServerlessCluster: DescribeClusterV2 with no alternative, no DescribeClusterDynamicConfiguration; LR010 reports a role with DescribeCluster alone", () => {
    const { document } = read(SERVERLESS + CONSUMER + DESCRIBE_CLUSTER_ONLY + MAPPING("!GetAtt Cluster.Arn"));
    expect(document.functions[0]!.triggers[0]!.kafkaClusterType).toBe("serverless");
    expect(describeCluster(document)).toEqual(["kafka:DescribeClusterV2 instead: none"]);
    expect(kafkaCluster(document).some((r) => r.includes("DescribeClusterDynamicConfiguration"))).toBe(false);
    expect(lr010Missing(document)).toEqual(["kafka:DescribeClusterV2"]);
  });

  it("a template's AWS::MSK::Cluster: DescribeCluster accepted for DescribeClusterV2, DescribeClusterDynamicConfiguration required (IAM) and named without an 'if' (access unknown)", () => {
    const iam = read(PROVISIONED("{ Sasl: { Iam: { Enabled: true } } }") + CONSUMER + DESCRIBE_CLUSTER_ONLY + MAPPING("!Ref Cluster"));
    expect(iam.document.functions[0]!.triggers[0]!.kafkaClusterType).toBe("provisioned");
    expect(describeCluster(iam.document)).toEqual(["kafka:DescribeClusterV2 instead: kafka:DescribeCluster"]);
    expect(lr010Missing(iam.document)).toEqual(["kafka-cluster:DescribeClusterDynamicConfiguration"]);

    const unknown = read(PROVISIONED("") + CONSUMER + DESCRIBE_CLUSTER_ONLY + MAPPING("!Ref Cluster"));
    const [warning] = unknown.warnings.filter((w) => w.code === "kafka-access-not-checked");
    expect(warning!.message).toContain("kafka-cluster:DescribeClusterDynamicConfiguration on it: it is a provisioned cluster");
    expect(warning!.message).not.toContain("if it is a provisioned cluster");
  });

  it("a cluster outside the inputs (its ARN alone): kind unknown, DescribeCluster accepted as before", () => {
    const arn = "arn:aws:kafka:us-east-1:123456789012:cluster/orders/7a3f1c2e-0b1d-4e5f-8a9b-0c1d2e3f4a5b-2";
    const { document, warnings } = read(CONSUMER + DESCRIBE_CLUSTER_ONLY + MAPPING(arn));
    expect(document.functions[0]!.triggers[0]!.kafkaClusterType).toBeUndefined();
    expect(describeCluster(document)).toEqual(["kafka:DescribeClusterV2 instead: kafka:DescribeCluster"]);
    expect(lr010Missing(document)).toEqual([]);
    expect(warnings.find((w) => w.code === "kafka-access-not-checked")!.message).toContain("if it is a provisioned cluster");
  });

  it("generate writes no DescribeClusterDynamicConfiguration for a serverless cluster, and writes it for a provisioned one", () => {
    const actions = (cluster: string) => {
      const { document } = read(cluster + CONSUMER + ROLE("") + MAPPING("!Ref Cluster"));
      return generatePolicy(document, "Consumer", {}, catalog).policy.Statement.flatMap((s) => [s.Action ?? []].flat()).filter((a) => a.startsWith("kafka"));
    };
    const serverless = actions(SERVERLESS);
    expect(serverless).toContain("kafka:DescribeClusterV2");
    expect(serverless).toContain("kafka-cluster:Connect");
    expect(serverless).not.toContain("kafka-cluster:DescribeClusterDynamicConfiguration");
    expect(actions(PROVISIONED("{ Sasl: { Iam: { Enabled: true } } }"))).toContain("kafka-cluster:DescribeClusterDynamicConfiguration");
  });
});
