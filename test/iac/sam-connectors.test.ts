/**
 * SAM connectors (AWS::Serverless::Connector and embedded Connectors), against the SAM translator:
 * the translator's own connector test in the corpus, and the fixtures in
 * fixtures/sam-connectors, whose outputs aws-sam-translator 1.110.0 wrote
 * (`node scripts/sam-connectors.mjs fixtures`).
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseYamlLocated } from "../../src/sources/cloudformation/located.js";
import { expandSam } from "../../src/sources/cloudformation/sam.js";
import { readCloudFormationTemplate } from "../../src/sources/cloudformation/index.js";

const corpus = "/work/shared/corpus/aws-sam-translator";
const fixtures = join(__dirname, "fixtures", "sam-connectors");
const PAIRS: [name: string, input: string, output: string][] = [
  ["connector_function_to_table (corpus)", `${corpus}/input/connector_function_to_table.yaml`, `${corpus}/output/connector_function_to_table.json`],
  ...readdirSync(join(fixtures, "input"))
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f): [string, string, string] => [f.replace(/\.yaml$/, ""), join(fixtures, "input", f), join(fixtures, "output", f.replace(/\.yaml$/, ".json"))]),
];
/** What connectors make (SamConnector.generate_resources). */
const MADE = ["AWS::IAM::ManagedPolicy", "AWS::Lambda::Permission", "AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy"];

function deepSort(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepSort).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, deepSort((v as Record<string, unknown>)[k])]));
  return v;
}

type Output = { Resources: Record<string, { Type: string; Properties: unknown; Condition?: unknown; Metadata?: Record<string, unknown> }> };

describe("SAM connectors, as the SAM translator expands them", () => {
  it("finds the corpus pair and the six fixtures", () => {
    expect(PAIRS).toHaveLength(7);
  });

  it.each(PAIRS)("%s: the policies and permissions the connectors make equal the translator's", (_name, inputPath, outputPath) => {
    const input = parseYamlLocated(readFileSync(inputPath, "utf8"), inputPath).value as Record<string, unknown>;
    const output = JSON.parse(readFileSync(outputPath, "utf8")) as Output;
    const { resources, warnings } = expandSam(input, "aws");
    expect(warnings).toEqual([]);
    // Every resource a connector made in the translator output (its aws:sam:connectors metadata) …
    const expected = Object.entries(output.Resources).filter(([, r]) => r.Metadata?.["aws:sam:connectors"] !== undefined);
    expect(expected.length).toBeGreaterThan(0);
    for (const [id, r] of expected) {
      const mine = resources[id];
      expect(mine?.Type, `${id} made`).toBe(r.Type);
      expect(deepSort(mine?.Properties), id).toEqual(deepSort(r.Properties));
      expect(mine?.Condition, `${id} condition`).toEqual(r.Condition);
    }
    // … and no connector resource the translator does not make.
    expect(Object.entries(resources).filter(([id, r]) => MADE.includes(r.Type) && r.madeFrom !== undefined && output.Resources[id] === undefined).map(([id]) => id)).toEqual([]);
  });

  it.each(PAIRS)("%s: reading the SAM input gives the roles, policies and function permissions reading the translator output gives", (_name, inputPath, outputPath) => {
    const options = { accountId: "123456789012", region: "us-east-1" };
    const fromSam = readCloudFormationTemplate(readFileSync(inputPath), "t", options);
    const fromCfn = readCloudFormationTemplate(readFileSync(outputPath), "t", options);
    // The functions' roles (a GraphQL API's logging role, which SAM makes and this reader does not, aside).
    const roles = (f: typeof fromSam) =>
      f.roles.filter((r) => f.functions.some((fn) => fn.roleArn === r.arn)).map((r) => ({ arn: r.arn, inline: r.inlinePolicies.map((p) => ({ name: p.name, document: p.document })), attached: r.attachedPolicies }));
    const policies = (f: typeof fromSam) => f.policies.map((p) => ({ arn: p.arn, document: p.document }));
    // The statements the connectors' Lambda permissions make (SAM's per-method permissions of Api
    // events, which this reader writes per API, aside: docs/iac.md).
    const made = new Set(Object.entries((JSON.parse(readFileSync(outputPath, "utf8")) as Output).Resources).filter(([, r]) => r.Metadata?.["aws:sam:connectors"] !== undefined).map(([id]) => id));
    const functions = (f: typeof fromSam) => f.functions.map((fn) => ({ arn: fn.arn, roleArn: fn.roleArn, policy: fn.resourcePolicy?.Statement.filter((s) => made.has(s.Sid ?? "")) }));
    expect(fromSam.partial).toBe(false);
    expect(fromSam.warnings.filter((w) => w.code.startsWith("sam-"))).toEqual([]);
    expect(roles(fromSam)).toEqual(roles(fromCfn));
    expect(policies(fromSam)).toEqual(policies(fromCfn));
    expect(functions(fromSam)).toEqual(functions(fromCfn));
  });
});

const read = (template: string) => readCloudFormationTemplate(template, "template.yaml", { accountId: "123456789012", region: "eu-west-1" });
const TABLE = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders";

/** Every (action, resource) the role's attached customer managed policies allow. */
function grants(f: ReturnType<typeof read>, roleName: string): string[] {
  const role = f.roles.find((r) => r.name === roleName);
  const out: string[] = [];
  for (const attached of role?.attachedPolicies ?? []) {
    const policy = f.policies.find((p) => p.arn === attached.arn);
    for (const s of policy?.document?.Statement ?? []) {
      const actions = [s.Action ?? []].flat();
      const resources = [s.Resource ?? []].flat();
      for (const a of actions) for (const r of resources) out.push(`${a} ${r}`);
    }
  }
  return out.sort();
}

describe("a SAM function connected to a DynamoDB table", () => {
  const header = `Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: orders
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: pk, AttributeType: S }]
      KeySchema: [{ AttributeName: pk, KeyType: HASH }]
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: s3://bucket/fn.zip
`;
  const readWrite = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:PartiQLSelect", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:PartiQLDelete", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate"];
  const expected = readWrite.flatMap((a) => [`${a} ${TABLE}`, `${a} ${TABLE}/index/*`]).sort();

  it("Read + Write: the role SAM makes for the function is granted the profile's actions on the table and its indexes", () => {
    // Before: warned sam-connector-not-expanded, the role had no grant on the table, the fragment partial.
    const f = read(`${header}  FnToOrders:
    Type: AWS::Serverless::Connector
    Properties:
      Source: { Id: Fn }
      Destination: { Id: Orders }
      Permissions: [Read, Write]
`);
    expect(f.warnings.map((w) => w.code)).not.toContain("sam-connector-not-expanded");
    expect(f.partial).toBe(false);
    expect(grants(f, "FnRole")).toEqual(expected);
    expect(f.roles.find((r) => r.name === "FnRole")?.attachedPolicies.map((p) => p.name)).toContain("FnToOrdersPolicy");
    // The grant is located at the connector that makes it.
    const policy = f.policies.find((p) => p.name === "FnToOrdersPolicy");
    expect(policy?.source?.line).toBe(header.split("\n").length);
  });

  it("embedded Connectors on the function: the same grants, from the connector <Function><Name>", () => {
    const embedded = header.replace("  Fn:\n    Type: AWS::Serverless::Function\n", "  Fn:\n    Type: AWS::Serverless::Function\n    Connectors:\n      Orders:\n        Properties:\n          Destination: { Id: Orders }\n          Permissions: [Read, Write]\n");
    const f = read(embedded);
    expect(f.partial).toBe(false);
    expect(grants(f, "FnRole")).toEqual(expected);
    expect(f.policies.map((p) => p.name)).toEqual(["FnOrdersPolicy"]);
  });

  it("a list of destinations: one policy per destination, each on the function's role", () => {
    const f = read(`${header}  Jobs:
    Type: AWS::SQS::Queue
    Properties: { QueueName: jobs }
  FnToData:
    Type: AWS::Serverless::Connector
    Properties:
      Source: { Id: Fn }
      Destination:
        - Id: Orders
        - Id: Jobs
      Permissions: [Write]
`);
    expect(f.partial).toBe(false);
    expect(f.roles.find((r) => r.name === "FnRole")?.attachedPolicies.map((p) => p.name)).toEqual(expect.arrayContaining(["FnToDataPolicyDestination0", "FnToDataPolicyDestination1"]));
    const g = grants(f, "FnRole");
    expect(g).toContain(`dynamodb:PutItem ${TABLE}`);
    expect(g).toContain("sqs:SendMessage arn:aws:sqs:eu-west-1:123456789012:jobs");
    expect(g).not.toContain(`dynamodb:GetItem ${TABLE}`);
  });

  it("a pair of types SAM has no connector for: warned naming the pair, the fragment partial, nothing granted", () => {
    const f = read(`${header}  Stream:
    Type: AWS::Kinesis::Stream
    Properties: { ShardCount: 1 }
  FnToStream:
    Type: AWS::Serverless::Connector
    Properties:
      Source: { Id: Fn }
      Destination: { Id: Stream }
      Permissions: [Write]
`);
    const w = f.warnings.filter((x) => x.code === "sam-connector-not-expanded");
    expect(w).toHaveLength(1);
    expect(w[0]?.message).toContain("FnToStream: SAM has no connector from AWS::Lambda::Function to AWS::Kinesis::Stream");
    expect(w[0]?.path).toBe("Resources.FnToStream");
    expect(f.partial).toBe(true);
    expect(f.policies).toEqual([]);
  });

  it("a permission the profile does not have, a role given as an ARN: warned, what is wrong said", () => {
    const f = read(`${header}  Topic:
    Type: AWS::SNS::Topic
  FnToTopic:
    Type: AWS::Serverless::Connector
    Properties:
      Source: { Id: Fn }
      Destination: { Id: Topic }
      Permissions: [Read]
  Fixed:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: s3://bucket/fn.zip
      Role: arn:aws:iam::123456789012:role/fixed
  FixedToOrders:
    Type: AWS::Serverless::Connector
    Properties:
      Source: { Id: Fixed }
      Destination: { Id: Orders }
      Permissions: [Read]
  NoRoleName:
    Type: AWS::Serverless::Connector
    Properties:
      Source: { Type: AWS::Lambda::Function, Arn: !GetAtt Fn.Arn }
      Destination: { Id: Orders }
      Permissions: [Read]
`);
    const messages = f.warnings.filter((x) => x.code === "sam-connector-not-expanded").map((x) => x.message);
    expect(messages).toEqual([
      expect.stringContaining("FixedToOrders: the role of the Source (AWS::Lambda::Function) is not named by reference"),
      expect.stringContaining("FnToTopic: Permissions Read not valid for a connector from AWS::Lambda::Function to AWS::SNS::Topic; valid: Write"),
      expect.stringContaining("NoRoleName: the Source (AWS::Lambda::Function, given by Type and Arn) has no RoleName"),
    ]);
    expect(f.policies).toEqual([]);
    expect(f.partial).toBe(true);
  });

  it("a SAM state machine whose role SAM makes, connected to the function: noted that its role is not read (not granted to another role, nothing partial)", () => {
    const f = read(`${header}  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Policies: [AWSXrayWriteOnlyAccess]
      Definition: { StartAt: A, States: { A: { Type: Pass, End: true } } }
    Connectors:
      Call:
        Properties:
          Destination: { Id: Fn }
          Permissions: [Write]
`);
    expect(f.warnings.filter((x) => x.path?.startsWith("Resources.Flow")).map((x) => [x.code, x.severity, x.message, x.path])).toEqual([
      ["input-not-used", "info", "Flow: a state machine (AWS::Serverless::StateMachine) is not a Lambda resource; the role it runs with is not audited unless a function uses it", "Resources.Flow"],
      ["input-not-used", "info", "FlowCall: the connector grants the role SAM makes for the state machine Flow (FlowRole), not a Lambda execution role: not read", "Resources.Flow.Connectors.Call"],
    ]);
    expect(f.policies).toEqual([]);
    expect(f.partial).toBe(false);
  });

  it("a topic connected to the function: its Lambda permission is read into the function's resource policy", () => {
    const f = read(`${header}  Topic:
    Type: AWS::SNS::Topic
    Properties: { TopicName: alerts }
  TopicToFn:
    Type: AWS::Serverless::Connector
    Properties:
      Source: { Id: Topic }
      Destination: { Id: Fn }
      Permissions: [Write]
`);
    expect(f.partial).toBe(false);
    const statements = f.functions.find((fn) => fn.name === "Fn")?.resourcePolicy?.Statement ?? [];
    expect(statements).toEqual([
      expect.objectContaining({
        Sid: "TopicToFnWriteLambdaPermission",
        Action: ["lambda:InvokeFunction"],
        Principal: { Service: ["sns.amazonaws.com"] },
        Resource: ["arn:aws:lambda:eu-west-1:123456789012:function:Fn"],
        Condition: { ArnLike: { "AWS:SourceArn": ["arn:aws:sns:eu-west-1:123456789012:alerts"] } },
      }),
    ]);
  });
});
