/**
 * Lambda API responses captured from AWS (LocalStack's recorded snapshots, the AWS CLI's
 * documented outputs: test/fixtures/lambda-api-sweep/SOURCE.md), each as the AWS CLI writes it,
 * read by the account readers and turned into the permissions the execution role needs. The
 * expected values come from the AWS documentation, not from leastrole's output:
 * - logs: AWSLambdaBasicExecutionRole and "Lambda execution role" (CreateLogGroup, CreateLogStream,
 *   PutLogEvents on the function's log group, `/aws/lambda/<name>` unless LoggingConfig.LogGroup);
 * - DLQ: "Dead-letter queues" (sqs:SendMessage on the queue);
 * - destinations: "Adding a destination" (sqs:SendMessage on an SQS destination);
 * - event sources: the "Execution role permissions" of each source page (SQS: ReceiveMessage,
 *   DeleteMessage, GetQueueAttributes; DynamoDB streams: DescribeStream, GetRecords,
 *   GetShardIterator, ListStreams; Kinesis: AWSLambdaKinesisExecutionRole; self-managed Kafka:
 *   "Configuring Lambda execution role permissions": secretsmanager:GetSecretValue on the auth
 *   secret, and, for a cluster reached in a VPC, ec2:CreateNetworkInterface,
 *   DescribeNetworkInterfaces, DescribeVpcs, DeleteNetworkInterface, DescribeSubnets,
 *   DescribeSecurityGroups on `*`), and the on-failure destination (sqs:SendMessage).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyzeDocument, requiredPermissions } from "../../src/analysis/index.js";
import { normalizeFragments } from "../../src/normalize/index.js";
import { exportRole } from "../support/authorization-details.js";
import type { LambdaFunction } from "../../src/model/document.js";
import { fn as builtFn } from "../fixtures/rules/builders.js";
import { mustRead } from "./helpers.js";

interface Case {
  id: string;
  command: string;
  output: unknown;
  reconstructed?: boolean;
}
const cases: Case[] = (JSON.parse(readFileSync(new URL("../fixtures/lambda-api-sweep/responses.json", import.meta.url), "utf8")) as { cases: Case[] }).cases;
const byId = (id: string): Case => {
  const c = cases.find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id}`);
  return c;
};
const brief = (f: LambdaFunction) => requiredPermissions(f).map((r) => `${r.action} ${r.resource}`);
const read = (c: Case) => mustRead(`lambda-api-sweep/${c.id}.json`, c.output);

/** What AWSLambdaBasicExecutionRole grants, on the function's own log group. */
function logs(region: string, account: string, group: string): string[] {
  const arn = `arn:aws:logs:${region}:${account}:log-group:${group}`;
  return [`logs:CreateLogGroup ${arn}`, `logs:CreateLogStream ${arn}:log-stream:*`, `logs:PutLogEvents ${arn}:log-stream:*`];
}


const SOURCE_VPC_ENI = ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"].map((a) => `${a} *`);

describe("Lambda API responses captured from AWS, through the readers", () => {
  it("holds 20+ distinct responses, each read without warnings", () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    for (const c of cases) {
      const fragment = read(c);
      expect(fragment.warnings, c.id).toEqual([]);
      expect(fragment.partial, c.id).toBe(false);
      expect(fragment.source.records, c.id).toBeGreaterThan(0);
    }
  });

  // Function configurations: [case, function name, region, role, env names, DLQ, log format, layers]
  const functions: Array<[string, string, string, string, string[], string | null, "Text" | "JSON" | null, string[]]> = [
    ["create-function-pending", "lifecycle-fn-5f3c1a2b", "us-east-1", "arn:aws:iam::123456789012:role/lambda-role-8d2e4f60", [], null, "Text", []],
    ["get-function-active", "lifecycle-fn-5f3c1a2b", "us-east-1", "arn:aws:iam::123456789012:role/lambda-role-8d2e4f60", [], null, "Text", []],
    ["update-function-configuration-in-progress", "lifecycle-fn-5f3c1a2b", "us-east-1", "arn:aws:iam::123456789012:role/lambda-role-8d2e4f60", ["ENV_A"], null, "Text", []],
    ["get-function-after-update", "lifecycle-fn-5f3c1a2b", "us-east-1", "arn:aws:iam::123456789012:role/lambda-role-8d2e4f60", ["ENV_A"], null, "Text", []],
    ["get-function-configuration-no-logging-config", "redundant-fn-2a4c6e8f", "us-east-1", "arn:aws:iam::123456789012:role/lambda-role-3b5d7f91", [], null, null, []],
    ["create-function-dead-letter-queue", "dlq-fn-4e6a8c0e", "us-east-1", "arn:aws:iam::123456789012:role/lambda-role-5d7f9b13", [], "arn:aws:sqs:us-east-1:123456789012:dlq-queue-6c8e0a2c", "Text", []],
    ["get-function-cli-example", "my-function", "us-west-2", "arn:aws:iam::123456789012:role/service-role/helloWorldPython-role-uy3l9qyq", [], null, null, []],
    ["create-function-cli-example", "my-function", "us-west-2", "arn:aws:iam::123456789012:role/service-role/MyTestFunction-role-zgur6bf4", [], null, null, []],
    ["update-function-configuration-cli-example", "my-function", "us-west-2", "arn:aws:iam::123456789012:role/service-role/my-function-role-uy3l9qyq", [], null, null, []],
  ];
  it.each(functions)("%s: the function's fields and the permissions its configuration needs", (id, name, region, roleArn, env, dlq, logFormat, layers) => {
    const fragment = read(byId(id));
    expect(fragment.source.kind).toBe("lambda-functions");
    expect(fragment.functions).toHaveLength(1);
    const f = fragment.functions[0]!;
    expect(f.arn).toBe(`arn:aws:lambda:${region}:123456789012:function:${name}`);
    expect(f.roleArn).toBe(roleArn);
    // PassThrough tracing and an empty VpcConfig (or none) need nothing.
    expect(f.tracingMode).toBe("PassThrough");
    expect(f.vpc).toBeNull();
    expect(f.environmentVariableNames).toEqual(env);
    expect(f.kmsKeyArn).toBeNull();
    expect(f.deadLetterTargetArn).toBe(dlq);
    expect(f.logGroup).toBe(`/aws/lambda/${name}`);
    expect(f.logFormat).toBe(logFormat);
    expect(f.layers).toEqual(layers);
    expect(f.fileSystems).toEqual([]);
    // A pending or updating function is still the function: its role needs the same.
    const expected = [...logs(region, "123456789012", `/aws/lambda/${name}`), ...(dlq ? [`sqs:SendMessage ${dlq}`] : [])];
    expect(brief(f).sort()).toEqual(expected.sort());
  });

  it("list-functions: three functions, layers kept in order (one from another account), no layer permission on the role", () => {
    const fragment = read(byId("list-functions-cli-example"));
    expect(fragment.functions.map((f) => f.name)).toEqual(["helloworld", "my-function", "my-python-function"]);
    expect(fragment.listedFunctionRegions).toEqual(["us-west-2"]);
    const py = fragment.functions[2]!;
    expect(py.layers).toEqual(["arn:aws:lambda:us-west-2:420165488524:layer:AWSLambda-Python37-SciPy1x:2", "arn:aws:lambda:us-west-2:123456789012:layer:pythonLayer:1"]);
    // Layers are extracted at deployment with the deployer's lambda:GetLayerVersion, not the role's.
    expect(brief(py).sort()).toEqual(logs("us-west-2", "123456789012", "/aws/lambda/my-python-function").sort());
  });

  it("a container image function: PackageType Image, no Runtime or Handler, ECR code pulled by Lambda, not the role", () => {
    const f = read(byId("get-function-image")).functions[0]!;
    expect([f.packageType, f.runtime, f.environmentVariableNames]).toEqual(["Image", null, ["CUSTOM_ENV"]]);
    // The image is pulled with the deployer's ECR permissions ("Lambda container images":
    // ecr:BatchGetImage, GetDownloadUrlForLayer for the function's creator or the repository
    // policy), not the execution role's.
    expect(brief(f).sort()).toEqual(logs("us-east-1", "123456789012", "/aws/lambda/image-fn-6a8c0e2a").sort());
  });

  it("publish-version: a published version is read as a version of its function, with its own role", () => {
    const fragment = read(byId("publish-version"));
    expect(fragment.functions).toEqual([]);
    expect(fragment.functionVersions.map((v) => [v.functionArn, v.version, v.roleArn])).toEqual([
      ["arn:aws:lambda:us-east-1:123456789012:function:url-fn-0e2a4c6e", "1", "arn:aws:iam::123456789012:role/lambda-role-1f3b5d7f"],
    ]);
  });

  it("function URLs: the function's and its alias's, both public (AuthType NONE)", () => {
    const list = read(byId("list-function-url-configs"));
    expect(list.functionPatches.map((p) => [p.functionArn, p.qualifier, p.patch.functionUrl?.authType])).toEqual([
      ["arn:aws:lambda:us-east-1:123456789012:function:url-fn-0e2a4c6e", null, "NONE"],
      ["arn:aws:lambda:us-east-1:123456789012:function:url-fn-0e2a4c6e", "urlalias", "NONE"],
    ]);
    const one = read(byId("create-function-url-config-alias"));
    expect(one.functionPatches.map((p) => [p.qualifier, p.patch.functionUrl])).toEqual([
      ["urlalias", { authType: "NONE", url: "https://w8e4r6t2y5u7i9o1p3a5s7d9f.lambda-url.us-east-1.on.aws/", qualifier: "urlalias" }],
    ]);
  });

  it("event invoke configs: SQS destinations on $LATEST, an empty OnSuccess, configs without destinations", () => {
    const q = "arn:aws:sqs:us-east-1:123456789012:destination-queue-7d9f1b3d";
    const put = read(byId("event-invoke-config-sqs-destinations"));
    expect(put.functionPatches).toHaveLength(1);
    expect(put.functionPatches[0]!.functionArn).toBe("arn:aws:lambda:us-east-1:123456789012:function:destination-fn-8e0a2c4e");
    expect(put.functionPatches[0]!.patch.destinations).toEqual({ onSuccess: q, onFailure: q });
    const withDest = builtFn("destination-fn-8e0a2c4e", "r", { destinations: put.functionPatches[0]!.patch.destinations! });
    expect(brief(withDest).filter((r) => !r.startsWith("logs:"))).toEqual([`sqs:SendMessage ${q}`]);

    const get = read(byId("get-function-event-invoke-config-cli-example"));
    expect(get.functionPatches[0]!.qualifier).toBe("BLUE");
    expect(get.functionPatches[0]!.patch.destinations).toEqual({ onSuccess: null, onFailure: "arn:aws:sqs:us-east-2:123456789012:failed-invocations" });

    const list = read(byId("list-function-event-invoke-configs-cli-example"));
    expect(list.functionPatches.map((p) => [p.qualifier, p.patch.destinations])).toEqual([
      ["GREEN", { onSuccess: null, onFailure: null }],
      ["BLUE", { onSuccess: null, onFailure: null }],
    ]);
  });

  it("get-policy: the resource policy is attached to the function its statement names", () => {
    const fragment = read(byId("get-policy-cli-example"));
    expect(fragment.functionPatches).toHaveLength(1);
    expect(fragment.functionPatches[0]!.functionArn).toBe("arn:aws:lambda:us-west-2:123456789012:function:my-function");
    expect(fragment.functionPatches[0]!.patch.resourcePolicy?.Statement[0]?.Principal).toEqual({ Service: ["iotevents.amazonaws.com"] });
  });

  // Event source mappings: [case, function, kind, state, permissions of the trigger (docs)]
  const kinesis = "arn:aws:kinesis:us-east-1:123456789012:stream/kinesis-stream-1a3c5e7a";
  const ddbOnFailure = "arn:aws:dynamodb:us-east-1:123456789012:table/ddb-table-4d6f8a0c/stream/2025-10-13T19:18:52.377";
  const ddbList = "arn:aws:dynamodb:us-east-1:123456789012:table/ddb-table-7a9c1e3a/stream/2024-10-12T10:57:30.412";
  const ddbDisabling = "arn:aws:dynamodb:us-east-1:123456789012:table/ddb-table-9c1e3a5c/stream/2024-10-12T10:56:58.730";
  const sqsQueue = "arn:aws:sqs:us-east-1:123456789012:sqs-source-queue-1e3a5c7e";
  const fifo = "arn:aws:sqs:us-east-1:123456789012:sqs-fifo-queue-3a5c7e9a.fifo";
  const ddb = (s: string) => [`dynamodb:DescribeStream ${s}`, `dynamodb:GetRecords ${s}`, `dynamodb:GetShardIterator ${s}`, "dynamodb:ListStreams *"];
  const sqs = (q: string) => [`sqs:DeleteMessage ${q}`, `sqs:GetQueueAttributes ${q}`, `sqs:ReceiveMessage ${q}`];
  const secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:MyBrokerSecretName";
  const mappings: Array<[string, string, string, string, string[]]> = [
    ["create-event-source-mapping-kinesis", "kinesis-fn-2b4d6f8b", "kinesis", "Creating",
      ["DescribeStream", "DescribeStreamSummary", "GetRecords", "GetShardIterator", "ListShards"].map((a) => `kinesis:${a} ${kinesis}`)],
    ["create-event-source-mapping-dynamodb-on-failure-sqs", "ddb-fn-5e7a9c1e", "dynamodb", "Creating",
      [...ddb(ddbOnFailure), "sqs:SendMessage arn:aws:sqs:us-east-1:123456789012:ddb-failure-queue-6f8a0c2f"]],
    ["list-event-source-mappings-dynamodb", "ddb-fn-8b0d2f4b", "dynamodb", "Enabled", ddb(ddbList)],
    ["update-event-source-mapping-dynamodb-disabling", "ddb-fn-0d2f4b6d", "dynamodb", "Disabling", ddb(ddbDisabling)],
    ["get-event-source-mapping-sqs", "sqs-fn-2f4b6d8f", "sqs", "Enabled", sqs(sqsQueue)],
    ["create-event-source-mapping-sqs-batch-item-failures", "sqs-batch-fn-4b6d8f0b", "sqs", "Creating", sqs(fifo)],
    ["create-event-source-mapping-self-managed-kafka-sasl", "my-kafka-function", "self-managed-kafka", "Creating", [`secretsmanager:GetSecretValue ${secret}`]],
    // A cluster reached through the VPC's subnets: the pollers' network interfaces (before: nothing).
    ["create-event-source-mapping-self-managed-kafka-vpc", "my-kafka-function", "self-managed-kafka", "Creating", SOURCE_VPC_ENI],
  ];
  it.each(mappings)("%s: the trigger and the permissions its poller needs", (id, name, kind, state, expected) => {
    const fragment = read(byId(id));
    expect(fragment.source.kind).toBe("lambda-event-source-mappings");
    expect(fragment.functionPatches).toHaveLength(1);
    const patch = fragment.functionPatches[0]!;
    expect(patch.functionArn).toBe(`arn:aws:lambda:us-east-1:123456789012:function:${name}`);
    const t = patch.patch.triggers![0]!;
    expect(t.kind).toBe(kind);
    expect(t.state).toBe(state);
    // An empty `OnFailure: {}` (what AWS writes when none is set) is no destination.
    expect(t.kmsKeyArn).toBeNull();
    const f = builtFn(name, "r", { triggers: [t] });
    expect(brief(f).filter((r) => !r.startsWith("logs:")).sort()).toEqual([...expected].sort());
  });
});

describe("captured responses of one account, normalised and analysed against its execution role", () => {
  it("a DynamoDB stream poller with AWSLambdaDynamoDBExecutionRole: the stream is allowed, the SQS on-failure destination is not", () => {
    const mapping = byId("create-event-source-mapping-dynamodb-on-failure-sqs").output as { FunctionArn: string };
    // The mapping's function, as list-functions writes it (the create-function response's shape,
    // named as the mapping's function: the snapshots record no configuration of that function).
    const config = { ...(byId("create-function-pending").output as object), FunctionName: "ddb-fn-5e7a9c1e", FunctionArn: mapping.FunctionArn, Role: "arn:aws:iam::123456789012:role/ddb-poller" };
    const gaad = { UserDetailList: [], GroupDetailList: [], Policies: [], RoleDetailList: [exportRole("ddb-poller", { managed: ["arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole"] })] };
    const fragments = [
      mustRead("iam-get-account-authorization-details.json", gaad),
      mustRead("lambda-list-functions.json", { Functions: [config] }),
      mustRead("lambda-list-event-source-mappings.json", { EventSourceMappings: [mapping] }),
    ];
    const document = analyzeDocument(normalizeFragments(fragments).document);
    const f = document.functions.find((x) => x.name === "ddb-fn-5e7a9c1e")!;
    const decisions = (f.analysis?.requirements ?? []).filter((r) => r.purpose.startsWith("trigger")).map((r) => `${r.decision} ${r.action} ${r.resource}`);
    const stream = "arn:aws:dynamodb:us-east-1:123456789012:table/ddb-table-4d6f8a0c/stream/2025-10-13T19:18:52.377";
    expect(decisions.sort()).toEqual(
      [
        `allowed dynamodb:DescribeStream ${stream}`,
        `allowed dynamodb:GetRecords ${stream}`,
        `allowed dynamodb:GetShardIterator ${stream}`,
        "allowed dynamodb:ListStreams *",
        "implicit-deny sqs:SendMessage arn:aws:sqs:us-east-1:123456789012:ddb-failure-queue-6f8a0c2f",
      ].sort(),
    );
  });
});
