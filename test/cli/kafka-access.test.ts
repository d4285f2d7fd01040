/**
 * Amazon MSK and self-managed Kafka event source mappings read from a folder as the AWS CLI writes
 * it (an authorization-details export, `list-functions`, `list-event-source-mappings`). Before, an
 * MSK mapping without a SASL/SCRAM or mTLS secret (IAM access control or unauthenticated, which
 * only the cluster says) was judged on kafka:DescribeClusterV2 and GetBootstrapBrokers alone, with
 * nothing said about the kafka-cluster permissions IAM access control needs; a Kafka topic as
 * on-failure destination (`kafka://<topic>`) was dropped without a word, and generate called it
 * "not an SQS, SNS, Lambda, EventBridge or S3 ARN".
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";
import { EXPORT_ACCOUNT, exportRole, writeExport } from "../support/authorization-details.js";

const cli = join(packageRoot(), "dist", "cli.js");
const A = EXPORT_ACCOUNT;
const cluster = `arn:aws:kafka:us-east-1:${A}:cluster/orders/7a3f1c2e-0b1d-4e5f-8a9b-0c1d2e3f4a5b-2`;
const secret = `arn:aws:secretsmanager:us-east-1:${A}:secret:AmazonMSK_orders-AbCdEf`;

const fn = (name: string) => ({
  FunctionName: name,
  FunctionArn: `arn:aws:lambda:us-east-1:${A}:function:${name}`,
  Runtime: "python3.12",
  Role: `arn:aws:iam::${A}:role/${name}-role`,
  Handler: "app.handler",
  CodeSize: 1024,
  Description: "",
  Timeout: 60,
  MemorySize: 256,
  LastModified: "2026-11-20T10:15:00.000+0000",
  CodeSha256: "aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd28=",
  Version: "$LATEST",
  TracingConfig: { Mode: "PassThrough" },
  RevisionId: "0b1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
  PackageType: "Zip",
  Architectures: ["x86_64"],
  EphemeralStorage: { Size: 512 },
  LoggingConfig: { LogFormat: "Text", LogGroup: `/aws/lambda/${name}` },
});

/** An MSK mapping as ListEventSourceMappings returns it. */
const msk = (uuid: string, name: string, extra: object) => ({
  UUID: uuid,
  StartingPosition: "LATEST",
  BatchSize: 100,
  MaximumBatchingWindowInSeconds: 0,
  EventSourceArn: cluster,
  FunctionArn: `arn:aws:lambda:us-east-1:${A}:function:${name}`,
  LastModified: "2026-11-20T10:16:00.000000+00:00",
  LastProcessingResult: "OK",
  State: "Enabled",
  StateTransitionReason: "USER_INITIATED",
  Topics: ["orders"],
  AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: uuid },
  EventSourceMappingArn: `arn:aws:lambda:us-east-1:${A}:event-source-mapping:${uuid}`,
  ...extra,
});

const dir = mkdtempSync(join(tmpdir(), "leastrole-kafka-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, "iam"));
mkdirSync(join(dir, "lambda", "us-east-1"), { recursive: true });
const names = ["iam-reader", "scram-reader", "smk-reader"];
writeExport(
  join(dir, "iam"),
  names.map((n) => exportRole(`${n}-role`, { managed: ["arn:aws:iam::aws:policy/service-role/AWSLambdaMSKExecutionRole"] })),
);
writeFileSync(join(dir, "lambda", "us-east-1", "list-functions.json"), JSON.stringify({ Functions: names.map(fn) }, null, 4));
const onFailure = { DestinationConfig: { OnFailure: { Destination: "kafka://orders-failed" } } };
writeFileSync(
  join(dir, "lambda", "us-east-1", "list-event-source-mappings.json"),
  JSON.stringify(
    {
      EventSourceMappings: [
        msk("1b2c3d4e-5f60-4718-9a0b-1c2d3e4f5a61", "iam-reader", onFailure),
        msk("2c3d4e5f-6071-4829-8b1c-2d3e4f5a6b72", "scram-reader", { ...onFailure, SourceAccessConfigurations: [{ Type: "SASL_SCRAM_512_AUTH", URI: secret }] }),
        {
          UUID: "3d4e5f60-7182-4930-9c2d-3e4f5a6b7c83",
          StartingPosition: "LATEST",
          BatchSize: 100,
          MaximumBatchingWindowInSeconds: 0,
          FunctionArn: `arn:aws:lambda:us-east-1:${A}:function:smk-reader`,
          LastModified: "2026-11-20T10:17:00.000000+00:00",
          LastProcessingResult: "OK",
          State: "Enabled",
          StateTransitionReason: "USER_INITIATED",
          Topics: ["orders"],
          SourceAccessConfigurations: [{ Type: "SASL_SCRAM_512_AUTH", URI: secret }],
          SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ["b-1.example.com:9096"] } },
          SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: "3d4e5f60-7182-4930-9c2d-3e4f5a6b7c83" },
          EventSourceMappingArn: `arn:aws:lambda:us-east-1:${A}:event-source-mapping:3d4e5f60-7182-4930-9c2d-3e4f5a6b7c83`,
          ...onFailure,
        },
      ],
    },
    null,
    4,
  ),
);

function run(...args: string[]): string {
  const r = spawnSync(process.execPath, [cli, ...args, "--quiet"], { encoding: "utf8", maxBuffer: 1 << 26 });
  expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  expect([0, 1]).toContain(r.status);
  return r.stdout;
}

const expected =
  `event source mapping 1b2c3d4e-5f60-4718-9a0b-1c2d3e4f5a61 reads Amazon MSK cluster ${cluster} without a SASL/SCRAM or mTLS secret, so with IAM access control or unauthenticated, which the inputs do not say; ` +
  "with IAM access control the execution role also needs kafka-cluster:Connect on the cluster (and kafka-cluster:DescribeClusterDynamicConfiguration on it if it is a provisioned cluster: MSK Serverless does not apply that action), kafka-cluster:DescribeTopic and kafka-cluster:ReadData on its topics, " +
  `kafka-cluster:DescribeGroup and kafka-cluster:AlterGroup on its consumer group, and kafka-cluster:DescribeTopic and kafka-cluster:WriteData on arn:aws:kafka:us-east-1:${A}:topic/orders/7a3f1c2e-0b1d-4e5f-8a9b-0c1d2e3f4a5b-2/orders-failed for its on-failure destination kafka://orders-failed`;

describe("Kafka event source mappings: what the cluster's authentication leaves undecided is said", () => {
  it("normalize warns about the MSK mapping without a secret, its Kafka on-failure topic included, and only about it", () => {
    const doc = JSON.parse(run("normalize", dir)) as { meta: { warnings: Array<{ code: string; message: string }> }; functions: Array<{ name: string; triggers: Array<{ onFailureDestination: string | null }> }> };
    expect(doc.meta.warnings.filter((w) => w.code === "kafka-access-not-checked").map((w) => w.message)).toEqual([
      `arn:aws:lambda:us-east-1:${A}:function:iam-reader: ${expected}: no rule checks them, and a generated policy leaves them out`,
    ]);
    // The destination is kept on each mapping (a SASL/SCRAM or self-managed cluster's topic is
    // written with the mapping's secret: nothing more of the role).
    expect(doc.functions.map((f) => `${f.name} ${f.triggers[0]?.onFailureDestination}`)).toEqual(names.map((n) => `${n} kafka://orders-failed`));
  });

  it("normalize keeps each Kafka mapping's topics and consumer group ID (what IAM access control grants on)", () => {
    // Before, both were dropped: a consumer group or topic the role must be granted on was nowhere.
    const doc = JSON.parse(run("normalize", dir)) as { functions: Array<{ name: string; triggers: Array<{ topics?: string[]; consumerGroupId?: string }> }> };
    expect(doc.functions.map((f) => [f.name, f.triggers[0]?.topics, f.triggers[0]?.consumerGroupId])).toEqual([
      ["iam-reader", ["orders"], "1b2c3d4e-5f60-4718-9a0b-1c2d3e4f5a61"],
      ["scram-reader", ["orders"], "2c3d4e5f-6071-4829-8b1c-2d3e4f5a6b72"],
      ["smk-reader", ["orders"], "3d4e5f60-7182-4930-9c2d-3e4f5a6b7c83"],
    ]);
  });

  it("generate says it leaves them out, and no longer calls the kafka:// topic an ARN it does not understand", () => {
    const out = JSON.parse(run("generate", dir, "--format", "json")) as Array<{ functionArn?: string; subject?: string; warnings: Array<{ code: string; message: string }> }>;
    const warnings = out.flatMap((t) => t.warnings);
    expect(warnings.filter((w) => w.code === "target-not-understood")).toEqual([]);
    expect(warnings.filter((w) => w.code === "kafka-access-not-granted").map((w) => w.message)).toEqual([
      `The ${expected}: not in the policy. If the cluster uses IAM access control, add them.`,
    ]);
  });
});
