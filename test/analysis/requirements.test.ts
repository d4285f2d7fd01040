import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { requiredPermissions, destinationPermission } from "../../src/analysis/index.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import { fn, trigger } from "../fixtures/rules/builders.js";
import { mskAccessUnknown } from "../../src/normalize/kafka-access.js";

const catalog = loadActionCatalogSync();
const brief = (f: Parameters<typeof requiredPermissions>[0]) => requiredPermissions(f).map((r) => `${r.purpose} ${r.action} ${r.resource}`);

describe("requiredPermissions", () => {
  it("asks for the log group and its streams, as AWSLambdaBasicExecutionRole grants them", () => {
    expect(brief(fn("api", "r"))).toEqual([
      "logs logs:CreateLogGroup arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/api",
      "logs logs:CreateLogStream arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/api:log-stream:*",
      "logs logs:PutLogEvents arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/api:log-stream:*",
    ]);
    expect(requiredPermissions(fn("api", "r")).find((r) => r.action === "logs:CreateLogGroup")?.essential).toBe(false);
  });

  it("respects a custom LoggingConfig log group", () => {
    expect(brief(fn("api", "r", { logGroup: "/shared/app-logs" }))[1]).toBe(
      "logs logs:CreateLogStream arn:aws:logs:us-east-1:123456789012:log-group:/shared/app-logs:log-stream:*",
    );
  });

  it("adds the six EC2 actions of Lambda's guide for a VPC function and the X-Ray actions for Active tracing", () => {
    const r = brief(fn("api", "r", { vpc: { vpcId: "vpc-1", subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"] }, tracingMode: "Active" }));
    expect(r.filter((x) => x.startsWith("vpc "))).toEqual([
      "vpc ec2:AssignPrivateIpAddresses *",
      "vpc ec2:CreateNetworkInterface *",
      "vpc ec2:DeleteNetworkInterface *",
      "vpc ec2:DescribeNetworkInterfaces *",
      "vpc ec2:DescribeSubnets *",
      "vpc ec2:UnassignPrivateIpAddresses *",
    ]);
    expect(r.filter((x) => x.startsWith("tracing "))).toEqual(["tracing xray:PutTelemetryRecords *", "tracing xray:PutTraceSegments *"]);
    // An empty VpcConfig (what the API returns for a non-VPC function) is not a VPC; security groups
    // with subnets left unresolved by an IaC reader still are.
    expect(brief(fn("api", "r", { vpc: { vpcId: "", subnetIds: [], securityGroupIds: [] } })).some((x) => x.startsWith("vpc "))).toBe(false);
    expect(brief(fn("api", "r", { vpc: { vpcId: null, subnetIds: [], securityGroupIds: ["${LambdaSecurityGroupId}"] } })).some((x) => x.startsWith("vpc "))).toBe(true);
    // The API's own word: no subnet and VpcId "" is no VPC, whatever the security groups.
    expect(brief(fn("api", "r", { vpc: { vpcId: "", subnetIds: [], securityGroupIds: ["sg-1"] } })).some((x) => x.startsWith("vpc "))).toBe(false);
  });

  it("reads each event source with the actions its AWS page lists, on the source's ARN", () => {
    const queue = "arn:aws:sqs:us-east-1:123456789012:orders";
    const stream = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000";
    const consumer = "arn:aws:kinesis:us-east-1:123456789012:stream/clicks/consumer/app:1700000000";
    const r = brief(fn("api", "r", { triggers: [trigger("sqs", queue), trigger("dynamodb", stream), trigger("kinesis", consumer)] }));
    expect(r).toContain(`trigger sqs:ReceiveMessage ${queue}`);
    expect(r).toContain(`trigger sqs:DeleteMessage ${queue}`);
    expect(r).toContain(`trigger sqs:GetQueueAttributes ${queue}`);
    expect(r).toContain(`trigger dynamodb:GetRecords ${stream}`);
    // ListStreams takes no resource: evaluated on `*`.
    expect(r).toContain("trigger dynamodb:ListStreams *");
    expect(r).toContain("trigger kinesis:GetRecords arn:aws:kinesis:us-east-1:123456789012:stream/clicks");
    expect(r).toContain(`trigger kinesis:SubscribeToShard ${consumer}`);
  });

  it("asks for the secrets and on-failure destination of a trigger, not for its filter criteria key", () => {
    const secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:kafka-AbCdEf";
    const r = brief(
      fn("api", "r", {
        triggers: [trigger("self-managed-kafka", null, { secretArns: [secret], kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k1", onFailureDestination: "arn:aws:s3:::failed-events" })],
      }),
    );
    expect(r).toContain(`trigger-secret secretsmanager:GetSecretValue ${secret}`);
    // KMSKeyArn encrypts the mapping's filter criteria: Lambda and whoever reads the mapping decrypt
    // it, never the execution role (GetEventSourceMapping reference, "Data encryption at rest").
    expect(r.some((x) => x.startsWith("trigger-kms"))).toBe(false);
    // The key of the queue the poller reads is the role's to use.
    const queueKey = "arn:aws:kms:us-east-1:123456789012:key/queue";
    const sqs = trigger("sqs", "arn:aws:sqs:us-east-1:123456789012:q", { kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k1", sourceKmsKeyArn: queueKey });
    expect(brief(fn("api", "r", { triggers: [sqs] })).filter((x) => x.startsWith("trigger-kms"))).toEqual([`trigger-kms kms:Decrypt ${queueKey}`]);
    expect(r).toContain("trigger-destination s3:PutObject arn:aws:s3:::failed-events/*");
    // "For an S3 destination: s3:PutObject and s3:ListBucket" (Lambda developer guide).
    expect(r).toContain("trigger-destination s3:ListBucket arn:aws:s3:::failed-events");
  });

  it("an S3 on-failure destination of asynchronous invocations needs the bucket listed as well as the object written", () => {
    // "For an S3 destination: s3:PutObject and s3:ListBucket". Before, only PutObject was
    // required, so LR010 passed a role that cannot deliver the record.
    const r = brief(fn("api", "r", { destinations: { onSuccess: null, onFailure: "arn:aws:s3:::async-failures" } })).filter((x) => x.startsWith("destination "));
    expect(r).toEqual(["destination s3:ListBucket arn:aws:s3:::async-failures", "destination s3:PutObject arn:aws:s3:::async-failures/*"]);
  });

  it("maps DLQ and destinations by ARN type, and the environment key only when there are variables", () => {
    const key = "arn:aws:kms:us-east-1:123456789012:key/env";
    const r = brief(
      fn("api", "r", {
        deadLetterTargetArn: "arn:aws:sns:us-east-1:123456789012:dlq",
        destinations: { onSuccess: "arn:aws:events:us-east-1:123456789012:event-bus/default", onFailure: "arn:aws:lambda:us-east-1:123456789012:function:on-fail" },
        kmsKeyArn: key,
        environmentVariableNames: ["TABLE"],
      }),
    );
    expect(r).toContain("dead-letter sns:Publish arn:aws:sns:us-east-1:123456789012:dlq");
    expect(r).toContain("destination events:PutEvents arn:aws:events:us-east-1:123456789012:event-bus/default");
    expect(r).toContain("destination lambda:InvokeFunction arn:aws:lambda:us-east-1:123456789012:function:on-fail");
    expect(r).toContain(`environment-kms kms:Decrypt ${key}`);
    expect(brief(fn("api", "r", { kmsKeyArn: key })).some((x) => x.startsWith("environment-kms"))).toBe(false);
    expect(destinationPermission("arn:aws:dynamodb:us-east-1:1:table/t")).toBeNull();
  });

  it("names only actions the AWS catalog knows, sorted and without duplicates (any configuration)", () => {
    const arb = fc.record({
      vpc: fc.boolean(),
      tracing: fc.boolean(),
      kinds: fc.subarray(["sqs", "dynamodb", "kinesis", "kafka", "mq", "docdb"] as const),
      dlq: fc.constantFrom(null, "arn:aws:sqs:us-east-1:123456789012:dlq", "arn:aws:sns:us-east-1:123456789012:t"),
    });
    const sources = {
      sqs: "arn:aws:sqs:us-east-1:123456789012:q",
      dynamodb: "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x",
      kinesis: "arn:aws:kinesis:us-east-1:123456789012:stream/s",
      kafka: "arn:aws:kafka:us-east-1:123456789012:cluster/c/uuid",
      mq: "arn:aws:mq:us-east-1:123456789012:broker:b:id",
      docdb: "arn:aws:rds:us-east-1:123456789012:cluster:d",
    };
    fc.assert(
      fc.property(arb, (c) => {
        const reqs = requiredPermissions(
          fn("api", "r", {
            vpc: c.vpc ? { vpcId: "vpc-1", subnetIds: ["s"], securityGroupIds: [] } : null,
            tracingMode: c.tracing ? "Active" : "PassThrough",
            triggers: c.kinds.map((k) => trigger(k, sources[k])),
            deadLetterTargetArn: c.dlq,
          }),
        );
        for (const r of reqs) expect(catalog.action(r.action), r.action).not.toBeNull();
        const keys = reqs.map((r) => [r.purpose, r.subject, r.action, r.resource].join("\u0000"));
        expect(new Set(keys).size).toBe(keys.length);
        expect([...keys].sort()).toEqual(keys);
      }),
      { numRuns: 60 },
    );
  });
});

describe("Kafka mappings: what the cluster's authentication decides", () => {
  const cluster = "arn:aws:kafka:us-east-1:123456789012:cluster/orders/7a3f1c2e-0b1d-4e5f-8a9b-0c1d2e3f4a5b-2";
  const secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:AmazonMSK_orders-AbCdEf";
  const dest = { onFailureDestination: "kafka://orders-failed" };

  it("an MSK mapping without a secret (IAM access control or unauthenticated) is undecided: nothing kafka-cluster is required, and what IAM would need is named", () => {
    const t = trigger("kafka", cluster, dest);
    const r = brief(fn("api", "r", { triggers: [t] }));
    expect(r.filter((x) => x.includes("kafka-cluster:") || x.startsWith("trigger-destination"))).toEqual([]);
    expect(mskAccessUnknown(t)).toEqual({
      source: cluster,
      destination: "kafka://orders-failed",
      destinationTopicArn: "arn:aws:kafka:us-east-1:123456789012:topic/orders/7a3f1c2e-0b1d-4e5f-8a9b-0c1d2e3f4a5b-2/orders-failed",
      // An account's mapping does not say whether the cluster is serverless (schema 1.12 kafkaClusterType).
      clusterType: null,
    });
    expect(mskAccessUnknown(trigger("kafka", cluster))).toEqual({ source: cluster, destination: null, destinationTopicArn: null, clusterType: null });
    expect(mskAccessUnknown({ ...trigger("kafka", cluster), kafkaClusterType: "serverless" })?.clusterType).toBe("serverless");
    // A cross-account mapping names the VPC connection, not the cluster: the topic ARN is not known.
    const vpcConnection = "arn:aws:kafka:us-east-1:123456789012:vpc-connection/444455556666/orders/51jn98b4-0a61-46cc-b0a6-61g9a3d797d5-7";
    expect(mskAccessUnknown(trigger("kafka", vpcConnection, dest))?.destinationTopicArn).toBeNull();
  });

  it("a SASL/SCRAM or mTLS secret, or a self-managed cluster, decides it: the secret, nothing more", () => {
    for (const t of [trigger("kafka", cluster, { ...dest, secretArns: [secret] }), trigger("self-managed-kafka", null, { ...dest, secretArns: [secret] }), trigger("self-managed-kafka", null, dest)]) {
      expect(mskAccessUnknown(t)).toBeNull();
      expect(brief(fn("api", "r", { triggers: [t] })).filter((x) => x.startsWith("trigger-destination") || x.includes("kafka-cluster:"))).toEqual([]);
    }
    expect(brief(fn("api", "r", { triggers: [trigger("kafka", cluster, { ...dest, secretArns: [secret] })] }))).toContain(`trigger-secret secretsmanager:GetSecretValue ${secret}`);
  });
});
