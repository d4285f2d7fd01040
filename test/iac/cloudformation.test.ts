import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError, LeastroleError } from "../../src/errors.js";
import { detectIac, parseYamlLocated, readCloudFormationTemplate } from "../../src/sources/cloudformation/index.js";
import { expandForEach } from "../../src/sources/cloudformation/language-extensions.js";
import { configurationRequirements } from "../../src/generate/requirements.js";
import { normalizeFragments } from "../../src/normalize/index.js";
import { analyzeDocument } from "../../src/analysis/analyze.js";
import { generatePolicy } from "../../src/generate/generate.js";
import { jsonPaths, withValueAt, type JsonPath } from "../support/json-paths.js";

const corpus = "/work/shared/corpus";

function templatesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...templatesUnder(p));
    else if (/\.(ya?ml|json)$/.test(entry) && entry !== "policy_templates.json") out.push(p);
  }
  return out.sort();
}

const PATTERNS = templatesUnder(`${corpus}/serverless-patterns-sam`);
const TRANSLATOR = templatesUnder(`${corpus}/aws-sam-translator`);

/** 1-based line of the first line of `text` that equals `needle` once trimmed at the right. */
function lineOf(text: string, needle: string): number {
  const i = text.split("\n").findIndex((l) => l.trimEnd() === needle);
  if (i < 0) throw new Error(`not found: ${needle}`);
  return i + 1;
}

function read(path: string) {
  return readCloudFormationTemplate(readFileSync(path), path);
}

describe("every template in the corpus", () => {
  it("finds the 24 serverless-patterns templates and the 22 translator files", () => {
    expect(PATTERNS).toHaveLength(24);
    expect(TRANSLATOR).toHaveLength(22);
  });

  it.each([...PATTERNS, ...TRANSLATOR])("%s: every function read, joined to a role, located", (path) => {
    const text = readFileSync(path, "utf8");
    const parsed = path.endsWith(".json") ? JSON.parse(text) : parseYamlLocated(text, path).value;
    expect(detectIac(parsed, path)).toBe("cloudformation");
    const f = read(path);
    const declared = Object.values((parsed as { Resources: Record<string, { Type: string }> }).Resources).filter((r) =>
      ["AWS::Lambda::Function", "AWS::Serverless::Function"].includes(r.Type),
    ).length;
    expect(f.functions).toHaveLength(declared);
    const roleArns = new Set(f.roles.map((r) => r.arn));
    for (const fn of f.functions) {
      // Every function's role is a role of the template, or a real ARN given as a literal.
      expect(roleArns.has(fn.roleArn) || /^arn:aws:iam::\d{12}:role\//.test(fn.roleArn), `${fn.name} → ${fn.roleArn}`).toBe(true);
      expect(fn.source?.file).toBe(path);
      expect(fn.source?.line).toBeGreaterThan(0);
      expect(JSON.stringify(fn)).not.toMatch(/"Environment"/);
    }
    for (const role of f.roles) {
      expect(role.source?.line).toBeGreaterThan(0);
      for (const p of role.inlinePolicies) expect(p.source?.line).toBeGreaterThan(0);
    }
    for (const s of f.statementLocations) expect(s.source.line).toBeGreaterThan(0);
    const statements = f.roles.reduce((n, r) => n + (r.trustPolicy?.Statement.length ?? 0) + r.inlinePolicies.reduce((m, p) => m + p.document.Statement.length, 0), 0);
    expect(f.statementLocations.filter((s) => s.policy !== "managed")).toHaveLength(statements);
  });

  it("reads the 45 function resources of the serverless-patterns templates", () => {
    // SOURCE.md says 46: that count also matched `- Type: AWS::Lambda::Function` inside a
    // CloudTrail DataResources selector (cloudtrail-lambda-slack-sam), which is not a resource.
    expect(PATTERNS.reduce((n, p) => n + read(p).functions.length, 0)).toBe(45);
  });
});

describe("specific templates", () => {
  it("apigw-kinesis-lambda: SAM function with a policy template and a Kinesis event, located on the template's lines", () => {
    const path = `${corpus}/serverless-patterns-sam/apigw-kinesis-lambda/template.yaml`;
    const text = readFileSync(path, "utf8");
    const f = read(path);
    const fn = f.functions.find((x) => x.name === "LambdaConsumer");
    expect(fn?.source).toEqual({ file: path, line: lineOf(text, "  LambdaConsumer:"), address: "LambdaConsumer" });
    expect(fn?.roleArn).toBe("arn:aws:iam::unknown:role/LambdaConsumerRole");
    expect(fn?.triggers.map((t) => [t.kind, t.eventSourceArn])).toEqual([["kinesis", "${KinesisStream.Arn}"]]);
    const role = f.roles.find((r) => r.name === "LambdaConsumerRole");
    expect(role?.attachedPolicies.map((p) => p.name)).toEqual(["AWSLambdaBasicExecutionRole", "AWSLambdaKinesisExecutionRole"]);
    const policy = role?.inlinePolicies.find((p) => p.name === "LambdaConsumerRolePolicy0");
    expect(policy?.document.Statement.map((s) => s.Action)).toEqual([
      ["kinesis:ListStreams", "kinesis:DescribeLimits"],
      ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator"],
    ]);
    // The generated inline policy points at the `- KinesisStreamReadPolicy:` entry that produced it.
    expect(policy?.source?.line).toBe(lineOf(text, "      - KinesisStreamReadPolicy:"));
    const apigw = f.roles.find((r) => r.name === "APIGatewayRole");
    const loc = f.statementLocations.find((s) => s.ownerArn === apigw?.arn && s.policy === "inline");
    expect(loc?.source.address).toBe("Resources.APIGatewayRole.Properties.Policies[0].PolicyDocument.Statement[0]");
    expect(text.split("\n")[(loc?.source.line ?? 0) - 1]).toMatch(/^\s*- Effect: Allow|^\s*- Action/);
  });

  it("a URL on the function and one on its alias: both kept (one URL per function was kept before)", () => {
    const template = {
      Resources: {
        Fn: { Type: "AWS::Lambda::Function", Properties: { FunctionName: "api", Role: "arn:aws:iam::123456789012:role/r", Runtime: "python3.12", Handler: "a.h", Code: { ZipFile: "x" } } },
        Live: { Type: "AWS::Lambda::Alias", Properties: { FunctionName: { Ref: "Fn" }, FunctionVersion: "1", Name: "live" } },
        LiveUrl: { Type: "AWS::Lambda::Url", Properties: { TargetFunctionArn: { Ref: "Fn" }, Qualifier: "live", AuthType: "NONE" } },
        OwnUrl: { Type: "AWS::Lambda::Url", Properties: { TargetFunctionArn: { "Fn::GetAtt": ["Fn", "Arn"] }, AuthType: "AWS_IAM" } },
      },
    };
    const f = readCloudFormationTemplate(Buffer.from(JSON.stringify(template)), "t.json");
    const { document } = normalizeFragments([f]);
    expect(document.functions[0]!.functionUrls).toEqual([
      { authType: "AWS_IAM", url: null, qualifier: null },
      { authType: "NONE", url: null, qualifier: "live" },
    ]);
  });

  it("SAM FunctionUrlConfig with AutoPublishAlias: the URL and its public permissions are the alias's (as samtranslator writes them)", () => {
    const template = {
      Transform: "AWS::Serverless-2016-10-31",
      Resources: {
        Api: { Type: "AWS::Serverless::Function", Properties: { FunctionName: "api", Runtime: "python3.12", Handler: "a.h", CodeUri: "s3://b/k.zip", AutoPublishAlias: "live", FunctionUrlConfig: { AuthType: "NONE" } } },
      },
    };
    const f = readCloudFormationTemplate(Buffer.from(JSON.stringify(template)), "sam.json");
    const { document } = normalizeFragments([f]);
    const fn = document.functions[0]!;
    expect(fn.functionUrls).toEqual([{ authType: "NONE", url: null, qualifier: "live" }]);
    expect(fn.resourcePolicy?.Statement.map((s) => [s.Action, s.Resource])).toEqual([
      [["lambda:InvokeFunction"], [`${fn.arn}:live`]],
      [["lambda:InvokeFunctionUrl"], [`${fn.arn}:live`]],
    ]);
    // A URL whose TargetFunctionArn is `!Ref` an alias is that alias's, without a Qualifier.
    const cfn = {
      Resources: {
        Fn: { Type: "AWS::Lambda::Function", Properties: { FunctionName: "api", Role: "arn:aws:iam::123456789012:role/r", Runtime: "python3.12", Handler: "a.h", Code: { ZipFile: "x" } } },
        Live: { Type: "AWS::Lambda::Alias", Properties: { FunctionName: { Ref: "Fn" }, FunctionVersion: "1", Name: "live" } },
        Url: { Type: "AWS::Lambda::Url", Properties: { TargetFunctionArn: { Ref: "Live" }, AuthType: "NONE" } },
      },
    };
    const g = normalizeFragments([readCloudFormationTemplate(Buffer.from(JSON.stringify(cfn)), "cfn.json")]).document;
    expect(g.functions[0]!.functionUrls).toEqual([{ authType: "NONE", url: null, qualifier: "live" }]);
  });

  it("cloudfront-lambda-url-rust: a public Function URL and both public permissions", () => {
    const f = read(`${corpus}/serverless-patterns-sam/cloudfront-lambda-url-rust/template.yml`);
    const fn = f.functions[0];
    expect(fn?.functionUrls).toEqual([{ authType: "NONE", url: null, qualifier: null }]);
    expect(fn?.resourcePolicy?.Statement.map((s) => [s.Action, s.Principal, s.Condition])).toEqual([
      [["lambda:InvokeFunction"], "*", { Bool: { "lambda:InvokedViaFunctionUrl": ["true"] } }],
      [["lambda:InvokeFunctionUrl"], "*", { StringEquals: { "lambda:FunctionUrlAuthType": ["NONE"] } }],
    ]);
    expect(fn?.environmentVariableNames).toEqual(["RUST_BACKTRACE", "RUST_LOG"]);
  });

  it("apigw-lambda-sfn-transcribe-translate-polly-sam: plain AWS::Lambda::Function with Role !GetAtt, six functions on one wide role", () => {
    const f = read(`${corpus}/serverless-patterns-sam/apigw-lambda-sfn-transcribe-translate-polly-sam/template.yaml`);
    expect(new Set(f.functions.map((x) => x.roleArn))).toEqual(new Set(["arn:aws:iam::unknown:role/capstone-translator-role"]));
    const role = f.roles.find((r) => r.name === "capstone-translator-role");
    expect(role?.inlinePolicies[0]?.document.Statement.flatMap((s) => s.Action)).toEqual(expect.arrayContaining(["s3:*", "states:*", "transcribe:*"]));
    // !GetAtt of a function inside another role's policy is the same ARN as the function record.
    const connect = f.roles.find((r) => r.name === "ConnectRouteApiRole");
    expect(connect?.inlinePolicies[0]?.document.Statement[0]?.Resource).toEqual(
      f.functions.filter((x) => ["translator-dev-authorizer", "translator-dev-invokeTranslator"].includes(x.name)).map((x) => x.arn),
    );
  });

  it("lambda-microvms: !Sub with a parameter default names the role; iam:PassRole resolves to the role's ARN", () => {
    const f = read(`${corpus}/serverless-patterns-sam/lambda-microvms-multi-tenant-ai-agents/template.yaml`);
    expect(f.functions[0]?.name).toBe("openclaw-mt-orchestrator");
    const orchestrator = f.roles.find((r) => r.name === "openclaw-mt-OrchestratorRole");
    const passRole = orchestrator?.inlinePolicies[0]?.document.Statement.find((s) => s.Action?.includes("iam:PassRole"));
    expect(passRole?.Resource).toEqual([f.roles.find((r) => r.name === "openclaw-mt-MicroVMExecutionRole")?.arn]);
  });

  it("lambda-microvms: the network connector's operator role and the MicroVM image's build role are Lambda's, not leftovers", () => {
    const f = read(`${corpus}/serverless-patterns-sam/lambda-microvms-multi-tenant-ai-agents/template.yaml`);
    const arnOf = (name: string) => f.roles.find((r) => r.name === name)!.arn;
    expect(f.roleUses).toEqual([
      { roleArn: arnOf("openclaw-mt-NetworkConnectorOperatorRole"), kind: "network-connector-operator", resource: "openclaw-mt-egress" },
      { roleArn: arnOf("openclaw-mt-MicroVMBuildRole"), kind: "microvm-image-build", resource: "openclaw-mt-openclaw" },
    ]);
    const { document } = normalizeFragments([f]);
    const uses = Object.fromEntries(document.roles.map((r) => [r.name, r.lambdaServiceUses?.map((u) => u.kind) ?? []]));
    expect(uses).toMatchObject({ "openclaw-mt-NetworkConnectorOperatorRole": ["network-connector-operator"], "openclaw-mt-MicroVMBuildRole": ["microvm-image-build"], "openclaw-mt-OrchestratorRole": [] });
  });

  it("a capacity provider's operator role: a literal name, !GetAtt, and a role of another stack given by ARN", () => {
    const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };
    const template = {
      Resources: {
        Operator: { Type: "AWS::IAM::Role", Properties: { RoleName: "lmi-operator", AssumeRolePolicyDocument: trust, ManagedPolicyArns: ["arn:aws:iam::aws:policy/AWSLambdaManagedEC2ResourceOperator"] } },
        Named: { Type: "AWS::Lambda::CapacityProvider", Properties: { CapacityProviderName: "fleet", VpcConfig: { SubnetIds: ["subnet-1"] }, PermissionsConfig: { CapacityProviderOperatorRoleArn: { "Fn::GetAtt": ["Operator", "Arn"] } } } },
        Shared: { Type: "AWS::Lambda::CapacityProvider", Properties: { VpcConfig: { SubnetIds: ["subnet-1"] }, PermissionsConfig: { CapacityProviderOperatorRoleArn: "arn:aws:iam::123456789012:role/platform/shared-operator" } } },
      },
    };
    const f = readCloudFormationTemplate(Buffer.from(JSON.stringify(template)), "t.json");
    expect(f.roleUses).toEqual([
      { roleArn: f.roles[0]!.arn, kind: "capacity-provider-operator", resource: "fleet" },
      { roleArn: "arn:aws:iam::123456789012:role/platform/shared-operator", kind: "capacity-provider-operator", resource: "Shared" },
    ]);
  });

  it("SAM capacity providers and network connectors: the operator role SAM makes unless OperatorRole is given", () => {
    const template = {
      Transform: "AWS::Serverless-2016-10-31",
      Resources: {
        Fleet: { Type: "AWS::Serverless::CapacityProvider", Properties: { CapacityProviderName: "fleet", VpcConfig: { SubnetIds: ["subnet-1"], SecurityGroupIds: ["sg-1"] } } },
        Egress: { Type: "AWS::Serverless::NetworkConnector", Properties: { OperatorRole: "arn:aws:iam::123456789012:role/egress-operator", VpcConfig: { SubnetIds: ["subnet-1"] } } },
      },
    };
    const f = readCloudFormationTemplate(Buffer.from(JSON.stringify(template)), "t.json");
    // Only the capacity provider gets a generated role: the connector names its own.
    expect(f.roles.map((r) => [r.name, r.attachedPolicies.map((p) => p.arn)])).toEqual([["FleetOperatorRole", ["arn:aws:iam::aws:policy/AWSLambdaManagedEC2ResourceOperator"]]]);
    expect(f.roles[0]!.trustPolicy?.Statement[0]?.Principal).toEqual({ Service: ["lambda.amazonaws.com"] });
    expect(f.roleUses).toEqual([
      { roleArn: f.roles[0]!.arn, kind: "capacity-provider-operator", resource: "fleet" },
      { roleArn: "arn:aws:iam::123456789012:role/egress-operator", kind: "network-connector-operator", resource: "Egress" },
    ]);
  });

  it("a web function's execution role (AWS::Lambda::WebFunctionRevision, SAM's AWS::Serverless::WebFunction) is in use", () => {
    const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };
    const cfn = {
      Resources: {
        WebRole: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: trust } },
        Web: { Type: "AWS::Lambda::WebFunction", Properties: { FunctionName: "storefront" } },
        WebRevision: {
          Type: "AWS::Lambda::WebFunctionRevision",
          Properties: { FunctionName: "storefront", BuildConfig: { RuntimeConfig: { Runtime: "nodejs24.x" } }, ServiceConfig: { ExecutionRoleArn: { "Fn::GetAtt": ["WebRole", "Arn"] }, TimeoutSeconds: 30 } },
        },
      },
    };
    const f = readCloudFormationTemplate(Buffer.from(JSON.stringify(cfn)), "t.json");
    expect(f.roleUses).toEqual([{ roleArn: f.roles[0]!.arn, kind: "web-function-execution", resource: "storefront" }]);
    expect(f.functions).toEqual([]);
    // SAM: the revision, and the role SAM generates (AWSLambdaBasicExecutionRole) when ExecutionRoleArn is absent.
    const sam = { Transform: "AWS::Serverless-2016-10-31", Resources: { Shop: { Type: "AWS::Serverless::WebFunction", Properties: { FunctionName: "shop", CodeUri: "s3://b/k.zip", Runtime: "nodejs24.x" } } } };
    const s = readCloudFormationTemplate(Buffer.from(JSON.stringify(sam)), "t.json");
    expect(s.roles.map((r) => [r.name, r.attachedPolicies.map((p) => p.arn)])).toEqual([["ShopRole", ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]]]);
    expect(s.roleUses).toEqual([{ roleArn: s.roles[0]!.arn, kind: "web-function-execution", resource: "shop" }]);
  });

  it("a durable function (DurableConfig): CloudFormation's is durable; SAM's role gets the durable basic policy, as samtranslator writes it", () => {
    const cfn = { Resources: { Saga: { Type: "AWS::Lambda::Function", Properties: { Role: "arn:aws:iam::123456789012:role/r", Runtime: "nodejs24.x", Handler: "i.h", Code: { ZipFile: "x" }, DurableConfig: { ExecutionTimeout: 3600 } } } } };
    expect(readCloudFormationTemplate(Buffer.from(JSON.stringify(cfn)), "t.json").functions[0]!.durable).toBe(true);
    const sam = {
      Transform: "AWS::Serverless-2016-10-31",
      Resources: {
        Saga: { Type: "AWS::Serverless::Function", Properties: { Runtime: "nodejs24.x", Handler: "i.h", CodeUri: ".", DurableConfig: { ExecutionTimeout: 3600, RetentionPeriodInDays: 7 } } },
        Plain: { Type: "AWS::Serverless::Function", Properties: { Runtime: "nodejs24.x", Handler: "i.h", CodeUri: "." } },
      },
    };
    const f = readCloudFormationTemplate(Buffer.from(JSON.stringify(sam)), "t.json");
    expect(f.functions.map((fn) => [fn.name, fn.durable ?? false])).toEqual([["Plain", false], ["Saga", true]]);
    expect(f.roles.map((r) => [r.name, r.attachedPolicies.map((p) => p.arn)])).toEqual([
      ["PlainRole", ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]],
      ["SagaRole", ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicDurableExecutionRolePolicy"]],
    ]);
  });

  it("activemq-lambda: MQ event source with its secret, and the policy SAM generates for it", () => {
    const f = read(`${corpus}/serverless-patterns-sam/activemq-lambda/template.yaml`);
    const fn = f.functions[0];
    expect(fn?.triggers.map((t) => [t.kind, t.secretArns])).toEqual([["mq", ["arn:aws:secretsmanager:us-east-1:733304292857:secret:mq_secret_01-9T06KM"]]]);
    const role = f.roles[0];
    expect(role?.inlinePolicies.map((p) => p.name)).toEqual(["MQListenerFunctionRolePolicy0", "SamAutoGeneratedAMQPolicy"]);
  });

  it("a DocumentDB event: the role's policy is the SAM translator's, and LR010's requirements are met by it", () => {
    // test/iac/fixtures/sam-documentdb/SOURCE.md. Before: `DocumentDBExecutionRolePolicy` with the two
    // group reads on the cluster ARN and no network-interface actions, so LR010 reported the
    // function unable to use its source (missing ec2:…, rds:DescribeDBClusterParameters, …).
    const dir = new URL("./fixtures/sam-documentdb/", import.meta.url).pathname;
    const policies = (f: ReturnType<typeof read>) => f.roles.map((r) => [r.arn, r.inlinePolicies.map((p) => [p.name, p.document]), r.attachedPolicies.map((p) => p.arn)]);
    const sam = read(`${dir}input.yaml`);
    expect(policies(sam)).toEqual(policies(read(`${dir}output.json`)));
    expect(sam.roles[0]?.inlinePolicies.map((p) => p.name)).toEqual(["SamAutoGeneratedDocumentDBPolicy"]);
    const requirements = analyzeDocument(normalizeFragments([sam]).document).functions[0]!.analysis!.requirements.filter((r) => r.purpose === "trigger");
    // The groups are read by their own ARNs (cluster-pg, subgrp) in the cluster's Region and account;
    // SAM grants them in the stack's (${AWS::Region}, ${AWS::AccountId}): allowed where the stack is the cluster's.
    expect(requirements.filter((r) => !r.action.startsWith("rds:")).map((r) => r.decision)).toEqual(requirements.filter((r) => !r.action.startsWith("rds:")).map(() => "allowed"));
    expect(requirements.filter((r) => r.action.startsWith("rds:")).map((r) => [r.action, r.resource, r.decision])).toEqual([
      ["rds:DescribeDBClusterParameters", "arn:aws:rds:us-west-2:123456789012:cluster-pg:*", "conditional"],
      ["rds:DescribeDBClusters", "arn:aws:rds:us-west-2:123456789012:cluster:sample-cluster", "allowed"],
      ["rds:DescribeDBSubnetGroups", "arn:aws:rds:us-west-2:123456789012:subgrp:*", "conditional"],
    ]);
    expect(requirements.filter((r) => r.decision === "conditional").map((r) => r.explanation)).toEqual([
      expect.stringContaining("depends on AWS::AccountId, AWS::Region"),
      expect.stringContaining("depends on AWS::AccountId, AWS::Region"),
    ]);
  });

  it("a pull event's SecretsManagerKmsKeyId: the execution role needs kms:Decrypt on it to read the secret, and a template-only generate grants it", () => {
    // SAM grants it (SamAutoGeneratedDocumentDBPolicy's kms:Decrypt on key/${KmsKeyId}); the
    // requirement is Secrets Manager decrypting the secret with the poller's (the role's) permissions.
    // Before, it was no requirement, and generate's policy, made of requirements alone here, left it out.
    const dir = new URL("./fixtures/sam-documentdb/", import.meta.url).pathname;
    const sam = read(`${dir}input.yaml`);
    expect(sam.functions[0]?.triggers.map((t) => t.secretKmsKeyArn)).toEqual(["arn:aws:kms:unknown:unknown:key/myKeyId"]);
    const document = analyzeDocument(normalizeFragments([sam]).document);
    const secretReqs = document.functions[0]!.analysis!.requirements.filter((r) => r.purpose === "trigger-secret");
    expect(secretReqs.map((r) => [r.action, r.resource, r.decision])).toEqual([
      ["kms:Decrypt", "arn:aws:kms:unknown:unknown:key/myKeyId", expect.stringMatching(/^(allowed|conditional)$/)],
      ["secretsmanager:GetSecretValue", expect.stringContaining(":secretsmanager:"), "allowed"],
    ]);
    const generated = generatePolicy(document, document.functions[0]!.arn);
    const granted = generated.policy.Statement.filter((st) => [st.Action].flat().includes("kms:Decrypt")).flatMap((st) => [st.Resource].flat());
    expect(granted).toContain("arn:aws:kms:unknown:unknown:key/myKeyId");
  });

  it("IoTRule events: the permissions are the SAM translator's, SourceAccount included", () => {
    // test/iac/fixtures/sam-iot-rule/SOURCE.md. Before, the expansion had no SourceAccount condition.
    const dir = new URL("./fixtures/sam-iot-rule/", import.meta.url).pathname;
    const permissions = (f: ReturnType<typeof read>) => f.functions.map((fn) => [fn.arn, fn.resourcePolicy]);
    const sam = read(`${dir}input.yaml`);
    expect(permissions(sam)).toEqual(permissions(read(`${dir}output.json`)));
    expect(sam.functions[0]?.resourcePolicy?.Statement.map((s) => s.Condition?.StringEquals)).toEqual([{ "AWS:SourceAccount": ["${AWS::AccountId}"] }, { "AWS:SourceAccount": ["${AWS::AccountId}"] }]);
  });

  it("a custom resource outside any VPC whose role reads network interfaces (ec2:DescribeNetworkInterfaces) is not told to drop them as VPC leftovers (LR006)", () => {
    // test/iac/fixtures/nlb-private-api/SOURCE.md: the function's code calls describe_network_interfaces.
    const f = read(new URL("./fixtures/nlb-private-api/template.yaml", import.meta.url).pathname);
    const doc = analyzeDocument(normalizeFragments([f]).document);
    expect(doc.functions.map((fn) => [fn.name, fn.vpc, fn.analysis!.unneededCapabilities])).toEqual([
      ["BackendLambdaFunction", null, []],
      ["CustomLambdaFunction", null, []],
    ]);
  });

  it("MQ DynamicPolicyName names the policy after the event; SelfManagedKafka's SERVER_ROOT_CA_CERTIFICATE secret is granted (samtranslator pull.py)", () => {
    const f = readCloudFormationTemplate(
      [
        "Transform: AWS::Serverless-2016-10-31",
        "Resources:",
        "  Fn:",
        "    Type: AWS::Serverless::Function",
        "    Properties:",
        "      Runtime: python3.12",
        "      Handler: a.b",
        "      CodeUri: s3://b/k",
        "      Events:",
        "        One:",
        "          Type: MQ",
        "          Properties: {Broker: arn:aws:mq:us-east-1:123456789012:broker:b1:b-1, Queues: [q], SourceAccessConfigurations: [{Type: BASIC_AUTH, URI: arn:aws:secretsmanager:us-east-1:123456789012:secret:s1}]}",
        "        Two:",
        "          Type: MQ",
        "          Properties: {Broker: arn:aws:mq:us-east-1:123456789012:broker:b2:b-2, Queues: [q], DynamicPolicyName: true, SourceAccessConfigurations: [{Type: BASIC_AUTH, URI: arn:aws:secretsmanager:us-east-1:123456789012:secret:s2}]}",
        "        Kafka:",
        "          Type: SelfManagedKafka",
        "          Properties: {KafkaBootstrapServers: ['b:9092'], Topics: [t], SourceAccessConfigurations: [{Type: SERVER_ROOT_CA_CERTIFICATE, URI: arn:aws:secretsmanager:us-east-1:123456789012:secret:ca}]}",
      ].join("\n"),
      "mq.yaml",
    );
    const inline = f.roles[0]!.inlinePolicies;
    expect(inline.map((p) => p.name)).toEqual(["FnTwoAMQPolicy", "SamAutoGeneratedAMQPolicy", "SelfManagedKafkaExecutionRolePolicy"]);
    expect(inline.find((p) => p.name === "SelfManagedKafkaExecutionRolePolicy")?.document.Statement).toEqual([
      { Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: ["arn:aws:secretsmanager:us-east-1:123456789012:secret:ca"] },
    ]);
  });

  it("translator sqs output (CloudFormation JSON, as CDK writes): disabled SQS mapping on the function", () => {
    const f = read(`${corpus}/aws-sam-translator/output/sqs.json`);
    expect(f.functions[0]?.triggers).toEqual([
      { uuid: null, kind: "sqs", eventSourceArn: "arn:aws:sqs:us-west-2:012345678901:my-queue", state: "Disabled", onFailureDestination: null, secretArns: [], kmsKeyArn: null },
    ]);
  });

  it("connector template: the four connectors are expanded into managed policies on the functions' roles (before: warned and partial)", () => {
    const f = read(`${corpus}/aws-sam-translator/input/connector_function_to_table.yaml`);
    expect(f.partial).toBe(false);
    expect(f.warnings.filter((w) => w.code === "sam-connector-not-expanded")).toEqual([]);
    expect(f.roles.find((r) => r.name === "MyRole")?.attachedPolicies.map((p) => p.name)).toEqual(["MyConnectorPolicy", "MyConnectorWith2ACsPolicy", "MyConnectorWithRoleNamePolicy", "AWSLambdaBasicExecutionRole"]);
    expect(f.roles.find((r) => r.name === "MyServerlessFunctionRole")?.attachedPolicies.map((p) => p.name)).toEqual(["AWSLambdaBasicExecutionRole", "MyConnectorWithTableArnPolicy"]);
    // The literal `arn:{AWS::Partition}:…` (no $, not in !Sub) passes through unchanged.
    expect(f.roles.find((r) => r.name === "MyRole")?.attachedPolicies[3]?.arn).toBe("arn:{AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole");
  });
});

describe("lambda-esm-msk-filters-sam", () => {
  it("nine MSK functions: the trigger kind comes from the SAM event type when the ARN is a parameter", () => {
    const f = read(`${corpus}/serverless-patterns-sam/lambda-esm-msk-filters-sam/template.yaml`);
    expect(f.functions).toHaveLength(9);
    for (const fn of f.functions) {
      expect(fn.triggers.map((t) => [t.kind, t.eventSourceArn])).toEqual([["kafka", "StreamARNNotPassed"]]);
      const role = f.roles.find((r) => r.arn === fn.roleArn);
      expect(role?.attachedPolicies.map((p) => p.name)).toContain("AWSLambdaMSKExecutionRole");
    }
  });
});

describe("intrinsics, Globals and conditions", () => {
  const template = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String, Default: prod}
  Buckets: {Type: CommaDelimitedList, Default: "a-bucket,b-bucket"}
Mappings:
  Tables: {prod: {Name: orders-prod}}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  IsDev: !Not [!Condition IsProd]
Globals:
  Function:
    Runtime: python3.12
    Tracing: Active
    Environment:
      Variables: {GLOBAL_SECRET: s3cr3t-global}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      FunctionName: !Join ["-", [api, !Ref Stage]]
      Environment:
        Variables: {LOCAL: !Ref Stage}
      Policies:
        - Statement:
            - Effect: Allow
              Action: s3:GetObject
              Resource: !Sub
                - "arn:\${AWS::Partition}:s3:::\${B}/*"
                - B: !Select [1, !Ref Buckets]
            - !If
              - IsDev
              - {Effect: Allow, Action: "dynamodb:*", Resource: "*"}
              - !Ref AWS::NoValue
            - Effect: Allow
              Action: dynamodb:GetItem
              Resource: !Sub
                - "arn:aws:dynamodb:eu-west-1:123456789012:table/\${T}"
                - T: !FindInMap [Tables, !Ref Stage, Name]
            - Effect: Allow
              Action: sqs:SendMessage
              Resource: !Select [0, !Split [",", "arn:aws:sqs:eu-west-1:123456789012:q1,arn:aws:sqs:eu-west-1:123456789012:q2"]]
  DevOnly:
    Type: AWS::Serverless::Function
    Condition: IsDev
    Properties: {Handler: x.y}
`;

  it("resolves Join, Sub with variables, Select, Split, FindInMap, If with parameter defaults; merges Globals", () => {
    const f = readCloudFormationTemplate(template, "t.yaml");
    expect(f.functions.map((x) => x.name)).toEqual(["api-prod"]);
    const fn = f.functions[0];
    expect(fn?.runtime).toBe("python3.12");
    expect(fn?.tracingMode).toBe("Active");
    expect(fn?.environmentVariableNames).toEqual(["GLOBAL_SECRET", "LOCAL"]);
    expect(JSON.stringify(f)).not.toContain("s3cr3t-global");
    const role = f.roles.find((r) => r.name === "FnRole");
    expect(role?.attachedPolicies.map((p) => p.arn)).toEqual(["arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]);
    expect(role?.inlinePolicies[0]?.document.Statement.map((s) => [s.Action, s.Resource])).toEqual([
      [["s3:GetObject"], ["arn:aws:s3:::b-bucket/*"]],
      [["dynamodb:GetItem"], ["arn:aws:dynamodb:eu-west-1:123456789012:table/orders-prod"]],
      [["sqs:SendMessage"], ["arn:aws:sqs:eu-west-1:123456789012:q1"]],
    ]);
    // Statement locations keep the template's statement index (the If removed one).
    expect(f.statementLocations.filter((s) => s.policy === "inline").map((s) => s.statementIndex)).toEqual([0, 1, 2]);
  });

  it("parameter overrides change the decision", () => {
    const f = readCloudFormationTemplate(template, "t.yaml", { parameters: { Stage: "dev" } });
    expect(f.functions.map((x) => x.name).sort()).toEqual(["DevOnly", "api-dev"]);
    const role = f.roles.find((r) => r.name === "FnRole");
    expect(role?.inlinePolicies[0]?.document.Statement.map((s) => s.Action)).toContainEqual(["dynamodb:*"]);
  });
});

describe("a Roles list entry chosen by a condition (the custom resource provider shape: an own role unless RoleName is given)", () => {
  const template = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  RoleName: {Type: String, Default: ""}
Conditions:
  CreateRole: !Equals [!Ref RoleName, ""]
Resources:
  Role:
    Condition: CreateRole
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Code: {ZipFile: "def handler(e, c): pass"}
      Role: !If [CreateRole, !GetAtt Role.Arn, !Sub "arn:aws:iam::\${AWS::AccountId}:role/\${RoleName}"]
  Logs:
    Type: AWS::IAM::Policy
    Properties:
      Roles:
        - !If [CreateRole, !Ref Role, !Ref RoleName]
      PolicyName: logs
      PolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Action: [logs:CreateLogStream, logs:PutLogEvents], Resource: "*"}]
  Reads:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Roles:
        - !If [CreateRole, !Ref Role, !Ref AWS::NoValue]
      PolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}]
`;

  it("attaches the policies to the role the condition picks, with no warning of a role the template does not define", () => {
    const f = readCloudFormationTemplate(template, "t.yaml");
    const role = f.roles.find((r) => r.name === "Role");
    expect(role?.inlinePolicies.map((p) => p.name)).toEqual(["logs"]);
    expect(role?.attachedPolicies.map((p) => p.name)).toEqual(["Reads"]);
    expect(f.warnings.filter((w) => w.code === "cloudformation-external-role")).toEqual([]);
  });
});

describe("SAM ScheduleV2 events (EventBridge Scheduler)", () => {
  it("are read without a not-modelled warning: the schedule invokes through a role of its own, and the function's role needs nothing", () => {
    // SAM makes an AWS::Scheduler::Schedule (and a role for it when RoleArn is not given), no
    // Lambda permission. Before, the event was reported as not modelled and the audit as partial.
    const f = readCloudFormationTemplate(`AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Nightly:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Events:
        Every:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: rate(1 day)
`, "t.yaml");
    expect(f.functions.map((x) => x.name)).toEqual(["Nightly"]);
    expect(f.warnings.map((w) => w.code)).not.toContain("sam-event-not-modelled");
    expect(f.roles.find((r) => r.name === "NightlyRole")?.attachedPolicies.map((p) => p.arn)).toEqual(["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]);
  });
});

describe("AWS::Lambda::Permission principals and Booleans as templates write them", () => {
  const template = `
Parameters:
  PartnerAccount: {Type: String}
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: {FunctionName: fn, Handler: x.y, Runtime: python3.12, Role: arn:aws:iam::123456789012:role/r, Code: {ZipFile: x}}
  OwnAccount:
    Type: AWS::Lambda::Permission
    Properties: {FunctionName: !Ref Fn, Action: lambda:InvokeFunction, Principal: !Ref AWS::AccountId}
  Partner:
    Type: AWS::Lambda::Permission
    Properties: {FunctionName: !Ref Fn, Action: lambda:InvokeFunction, Principal: !Ref PartnerAccount}
  Events:
    Type: AWS::Lambda::Permission
    Properties: {FunctionName: !Ref Fn, Action: lambda:InvokeFunction, Principal: events.amazonaws.com}
  UrlInvoke:
    Type: AWS::Lambda::Permission
    Properties: {FunctionName: !Ref Fn, Action: lambda:InvokeFunction, Principal: "*", InvokedViaFunctionUrl: "true"}
`;

  it("an account given by reference is an AWS principal, not a service; InvokedViaFunctionUrl may be the string \"true\"", () => {
    const f = readCloudFormationTemplate(template, "t.yaml");
    const statements = f.functions[0]?.resourcePolicy?.Statement ?? [];
    // In logical ID order: Events, OwnAccount, Partner, UrlInvoke.
    expect(statements.map((s) => [s.Principal, s.Condition ?? null])).toEqual([
      [{ Service: ["events.amazonaws.com"] }, null],
      [{ AWS: ["${AWS::AccountId}"] }, null],
      [{ AWS: ["${PartnerAccount}"] }, null],
      ["*", { Bool: { "lambda:InvokedViaFunctionUrl": ["true"] } }],
    ]);
  });
});

describe("bad templates", () => {
  const error = (text: string, file = "bad.yaml"): InputError => {
    try {
      readCloudFormationTemplate(text, file);
    } catch (e) {
      if (e instanceof InputError) return e;
      throw e;
    }
    throw new Error("no error");
  };

  it("YAML syntax errors name the file and line", () => {
    const e = error("Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n   Properties: [\n");
    expect(e.file).toBe("bad.yaml");
    expect(e.message).toMatch(/^invalid YAML at line \d+/);
  });

  it("unknown short tags, missing Resources, resources without Type, non-mappings", () => {
    // Where, and what to give instead (a preprocessor's tag, as Rain's !Rain::Embed, is not CloudFormation's).
    expect(error("Resources:\n  A: !Bogus x\n").message).toBe(
      "unknown YAML tag !Bogus at line 2 (Resources.A): not a CloudFormation intrinsic function; give the template as CloudFormation receives it (after rain pkg, sam build or cdk synth)",
    );
    expect(error("Resources:\n  A: !Bogus x\n").path).toBe("Resources.A");
    expect(error("AWSTemplateFormatVersion: '2010-09-09'\n").path).toBe("Resources");
    expect(error("Resources:\n  A: {Properties: {}}\n").path).toBe("Resources.A");
    expect(error("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n  A:\n    Properties: {}\n").message).toBe("resource A has no Type at line 4");
    expect(error("- a\n- b\n").message).toMatch(/expected a mapping/);
    expect(error('{"Resources": {"A": {"Type": "AWS::SQS::Queue"}', "t.json").message).toMatch(/^truncated JSON at line 1/);
    expect(error("", "empty.yaml").message).toMatch(/expected a mapping|empty/);
  });

  it("an invalid policy document is a warning on that policy, the role marked incomplete", () => {
    const f = readCloudFormationTemplate(
      "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}\n      Policies:\n        - PolicyName: p\n          PolicyDocument: {Statement: [{Effect: Maybe, Action: s3:*, Resource: '*'}]}\n",
      "r.yaml",
    );
    expect(f.warnings.map((w) => [w.code, w.path])).toEqual([["invalid-policy-document", "Resources.R.Properties.Policies[0].PolicyDocument.Statement[0].Effect"]]);
    expect(f.incompletePrincipals).toEqual(["arn:aws:iam::unknown:role/R"]);
    expect(f.partial).toBe(true);
  });

  it("fuzz: arbitrary text and arbitrary JSON never throw anything but a LeastroleError", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v))), (text) => {
        try {
          readCloudFormationTemplate(text, "fuzz");
        } catch (e) {
          if (!(e instanceof LeastroleError)) throw e;
        }
      }),
      { numRuns: 400 },
    );
  });

  it("a resource type, event type or policy template named like an Object method is no entry of the SAM tables (the fuzz test's counterexample, seed 69640357)", () => {
    const template: unknown = {
      Transform: "AWS::Serverless-2016-10-31",
      Resources: {
        Odd: { Type: "valueOf", Properties: {} },
        Other: { Type: "constructor" },
        Fn: {
          Type: "AWS::Serverless::Function",
          Properties: {
            Runtime: "nodejs20.x",
            Handler: "i.h",
            CodeUri: ".",
            Policies: [{ toString: {} }, { constructor: { QueueName: "q" } }],
            Events: { A: { Type: "constructor", Properties: {} }, B: { Type: "hasOwnProperty", Properties: {} } },
            EventInvokeConfig: { DestinationConfig: { OnFailure: { Type: "valueOf", Destination: "arn:aws:sqs:us-east-1:111122223333:q" } } },
          },
        },
      },
    };
    const f = readCloudFormationTemplate(JSON.stringify(template), "odd.json");
    expect(f.functions.map((x) => x.name)).toHaveLength(1);
    expect(JSON.stringify(f)).not.toContain("function ");
  });

  it("reads a tag value that is an object whose toString is no function (the fuzz test's counterexample, seed -188456939)", () => {
    const odd = { toString: "" };
    const template = {
      Resources: {
        Role: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [] }, Tags: [{ Key: "team", Value: odd }] } },
        User: { Type: "AWS::IAM::User", Properties: { Tags: [{ Key: "team", Value: odd }] } },
        Fn: { Type: "AWS::Lambda::Function", Properties: { Role: { "Fn::GetAtt": ["Role", "Arn"] }, Runtime: "nodejs20.x", Handler: "i.h", Code: { ZipFile: "x" }, Tags: [{ Key: "team", Value: odd }, { Key: "stage", Value: { Ref: "AWS::Region" } }] } },
      },
    };
    const text = JSON.stringify(readCloudFormationTemplate(JSON.stringify(template), "odd.json"));
    // Written as JSON; an intrinsic is resolved.
    expect(text).toContain('"team":"{\\"toString\\":\\"\\"}"');
  });

  it("an object that cannot be made a string, at every place of real templates, never crashes them", () => {
    const odd = { toString: "", valueOf: "" };
    const docs = [
      JSON.parse(readFileSync(`${corpus}/aws-sam-translator/output/function_with_event_dest.json`, "utf8")) as unknown,
      parseYamlLocated(readFileSync(`${corpus}/aws-sam-translator/input/function_with_policy_templates.yaml`, "utf8"), "x").value,
    ];
    for (const d of docs) {
      for (const path of jsonPaths(d).slice(1)) {
        try {
          readCloudFormationTemplate(JSON.stringify(withValueAt(d, path, odd)), "m.json");
        } catch (e) {
          if (!(e instanceof LeastroleError)) throw new Error(`${path.join(".")}: ${(e as Error).message}`);
        }
      }
    }
  });

  it("the name of an Object method, at every place of real templates, is no entry of any table (Ref: valueOf crashed a condition)", () => {
    const docs = [
      JSON.parse(readFileSync(`${corpus}/aws-sam-translator/output/function_with_event_dest.json`, "utf8")) as unknown,
      parseYamlLocated(readFileSync(`${corpus}/aws-sam-translator/input/function_with_event_dest.yaml`, "utf8"), "x").value,
    ];
    const crashes: string[] = [];
    for (const d of docs) {
      for (const path of jsonPaths(d).slice(1)) {
        for (const name of ["valueOf", "constructor", "__proto__"]) {
          try {
            readCloudFormationTemplate(JSON.stringify(withValueAt(d, path, name)), "m.json");
          } catch (e) {
            if (!(e instanceof LeastroleError)) crashes.push(`${path.join(".")} = ${name}: ${(e as Error).message}`);
          }
        }
      }
    }
    expect(crashes).toEqual([]);
  });

  it("fuzz: real templates with a value replaced anywhere never crash and never leak environment values", () => {
    const base = JSON.parse(readFileSync(`${corpus}/aws-sam-translator/output/function_with_event_dest.json`, "utf8")) as unknown;
    const samInput = parseYamlLocated(readFileSync(`${corpus}/aws-sam-translator/input/function_with_policy_templates.yaml`, "utf8"), "x").value;
    const docs = [base, samInput];
    const paths = docs.map((d) => jsonPaths(d));
    const intrinsic = fc.constantFrom<unknown>({ Ref: "AWS::NoValue" }, { "Fn::If": ["Nope", 1, 2] }, { "Fn::GetAtt": "x" }, { "Fn::Sub": [1] }, { Ref: "Missing" }, { "Fn::Select": [9, []] });
    fc.assert(
      fc.property(fc.nat(1), fc.nat(), fc.oneof(fc.jsonValue({ maxDepth: 2 }), intrinsic), (which, at, replacement) => {
        const list = paths[which] as JsonPath[];
        const path = list[1 + (at % (list.length - 1))] as JsonPath;
        try {
          readCloudFormationTemplate(JSON.stringify(withValueAt(docs[which], path, replacement)), "m.json");
        } catch (e) {
          if (!(e instanceof LeastroleError)) throw e;
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe("YAML safety", () => {
  it("an alias bomb fails fast with an InputError", () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(", ")}]`);
    lines.push("Resources: {X: {Type: AWS::SQS::Queue, Properties: {Tags: *l}}}");
    const started = Date.now();
    expect(() => readCloudFormationTemplate(lines.join("\n"), "bomb.yaml")).toThrow(/too many nodes/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});

describe("flow collections whose lines are indented less than YAML 1.2 asks (CloudFormation reads them)", () => {
  // alexcasalboni/aws-lambda-power-tuning (test/iac/fixtures/power-tuning/SOURCE.md): `VpcConfig: !If [UseVPCConfig, {`
  // closed by `}, !Ref AWS::NoValue]` at the column of `VpcConfig:`. Refused whole before ("invalid YAML at line 65").
  const file = new URL("./fixtures/power-tuning/template.yml", import.meta.url).pathname;
  const text = readFileSync(file, "utf8");

  it("reads the template as CloudFormation does, at its own lines", () => {
    const parsed = parseYamlLocated(text, file);
    const globals = (parsed.value as { Globals: { Function: Record<string, unknown> } }).Globals.Function;
    expect(globals.VpcConfig).toEqual({
      "Fn::If": [
        "UseVPCConfig",
        {
          SecurityGroupIds: { "Fn::If": ["UseSecurityGroupIds", { Ref: "securityGroupIds" }, { Ref: "AWS::NoValue" }] },
          SubnetIds: { "Fn::If": ["UseSubnetIds", { Ref: "subnetIds" }, { Ref: "AWS::NoValue" }] },
        },
        { Ref: "AWS::NoValue" },
      ],
    });
    // What follows the flow map is read too (the yaml package's tree ends the map at the `}` line).
    expect(globals.Environment).toEqual({ Variables: { defaultPowerValues: { "Fn::Join": [",", { Ref: "PowerValues" }] }, minRAM: "128", visualizationURL: { Ref: "visualizationURL" } } });
    expect(parsed.lineOf("Globals.Function.VpcConfig")).toBe(lineOf(text, "    VpcConfig: !If [UseVPCConfig, {"));
    expect(parsed.lineOf("Resources.executor")).toBe(lineOf(text, "  executor:"));

    const f = read(file);
    expect(f.functions.map((fn) => [fn.name, fn.roleArn]).sort()).toEqual(
      ["analyzer", "cleaner", "executor", "initializer", "optimizer", "publisher"].map((n) => [n, `arn:aws:iam::unknown:role/${n}Role`]),
    );
    // SAM attaches the VPC policy whenever VpcConfig is written, an !If included; the defaults choose no VPC.
    const executor = f.roles.find((r) => r.arn.endsWith("/executorRole"))!;
    expect(executor.attachedPolicies.map((p) => p.name).sort()).toEqual(["AWSLambdaBasicExecutionRole", "AWSLambdaVPCAccessExecutionRole"]);
    expect(f.functions.find((fn) => fn.name === "executor")!.vpc).toBeNull();
  });

  it("brackets in quotes and comments do not open or close one; a flow collection never closed is still refused at its line", () => {
    const v = parseYamlLocated("A:\n  B: [x, {k: 'a ] b',  # not [ a bracket\n  v: \"c } d\"\n  }, y]\n  C: [1]\n", "t.yaml").value;
    expect(v).toEqual({ A: { B: ["x", { k: "a ] b", v: "c } d" }, "y"], C: [1] } });
    expect(() => parseYamlLocated("A:\n  B: [x, {k: v\n  C: 1\n", "t.yaml")).toThrow(/^invalid YAML at line \d+/);
  });
});

describe("CDK output (cdk.out/*.template.json)", () => {
  const path = "test/iac/fixtures/cdk/AppStack.template.json";
  const f = readCloudFormationTemplate(readFileSync(path), path);

  it("is CloudFormation: the service role, its DefaultPolicy, the SQS mapping and the URL", () => {
    expect(detectIac(JSON.parse(readFileSync(path, "utf8")), path)).toBe("cloudformation");
    expect(f.functions.map((x) => [x.name, x.roleArn])).toEqual([["Handler886CB40B", "arn:aws:iam::unknown:role/HandlerServiceRoleFCDC14AE"]]);
    const role = f.roles[0];
    expect(role?.attachedPolicies).toEqual([{ arn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", name: "AWSLambdaBasicExecutionRole" }]);
    expect(role?.inlinePolicies.map((p) => [p.name, p.document.Statement.map((s) => s.Resource)])).toEqual([
      ["HandlerServiceRoleDefaultPolicyCBD0CC91", [["${OrdersTable315BB997.Arn}"], ["arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:app-jobs"]]],
    ]);
    const text = readFileSync(path, "utf8");
    expect(role?.inlinePolicies[0]?.source?.line).toBe(lineOf(text, '  "HandlerServiceRoleDefaultPolicyCBD0CC91": {'));
    const fn = f.functions[0];
    expect(fn?.triggers.map((t) => [t.kind, t.eventSourceArn])).toEqual([["sqs", "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:app-jobs"]]);
    expect(fn?.functionUrls).toEqual([{ authType: "AWS_IAM", url: null, qualifier: null }]);
    expect(fn?.environmentVariableNames).toEqual(["API_KEY", "TABLE_NAME"]);
    expect(JSON.stringify(f)).not.toContain("cdk-secret-value-never-output");
    expect(f.warnings).toEqual([]);
  });

  it("with the account and region known, ARNs are concrete", () => {
    const g = readCloudFormationTemplate(readFileSync(path), path, { accountId: "123456789012", region: "eu-west-1" });
    expect(g.functions[0]?.arn).toBe("arn:aws:lambda:eu-west-1:123456789012:function:Handler886CB40B");
    expect(g.functions[0]?.triggers[0]?.eventSourceArn).toBe("arn:aws:sqs:eu-west-1:123456789012:app-jobs");
    expect(g.roles[0]?.arn).toBe("arn:aws:iam::123456789012:role/HandlerServiceRoleFCDC14AE");
  });
});

describe("explicit roles written as ARNs", () => {
  it("a role ARN built with !Sub joins the template's role by name", () => {
    const f = readCloudFormationTemplate(
      `Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      RoleName: worker-role
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
  F:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: a.b
      Role: !Sub arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/worker-role
`,
      "t.yaml",
    );
    expect(f.functions[0]?.roleArn).toBe(f.roles[0]?.arn);
    expect(f.roles[0]?.arn).toBe("arn:aws:iam::unknown:role/worker-role");
  });
});

describe("readIac: one entry point by content", () => {
  it("dispatches plans, JSON templates and YAML templates, and declines anything else", async () => {
    const { readIac } = await import("../../src/sources/cloudformation/index.js");
    expect(readIac(readFileSync(`${corpus}/terraform-plans/cloudgoat-lambda_privesc.plan.json`), "p.json")?.source.kind).toBe("terraform-plan");
    expect(readIac(readFileSync(`${corpus}/aws-sam-translator/output/sqs.json`), "t.json")?.source.kind).toBe("cloudformation");
    expect(readIac(readFileSync(`${corpus}/aws-sam-translator/input/sqs.yaml`), "t.yaml")?.functions).toHaveLength(1);
    expect(readIac('{"RoleDetailList": []}', "iam.json")).toBeNull();
    expect(readIac("name: not a template\n", "x.yaml")).toBeNull();
    expect(() => readIac("Resources:\n  A: !Bogus x\n", "bad.yaml")).toThrow(InputError);
  });
});

describe("users and groups", () => {
  it("become principals with inline, attached and Users/Groups-attached policies and memberships", () => {
    const f = readCloudFormationTemplate(
      `Resources:
  Deployers:
    Type: AWS::IAM::Group
    Properties:
      GroupName: deployers
      Policies:
        - PolicyName: pass-lambda-roles
          PolicyDocument: {Statement: [{Effect: Allow, Action: iam:PassRole, Resource: "*"}]}
  Ci:
    Type: AWS::IAM::User
    Properties:
      UserName: ci
      Path: /bots/
      Groups: [!Ref Deployers]
      ManagedPolicyArns: [arn:aws:iam::aws:policy/AWSLambda_FullAccess]
      Tags: [{Key: team, Value: platform}]
  Extra:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: extra
      PolicyDocument: {Statement: [{Effect: Allow, Action: lambda:UpdateFunctionCode, Resource: "*"}]}
      Users: [!Ref Ci]
  Shared:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: shared
      PolicyDocument: {Statement: [{Effect: Allow, Action: logs:*, Resource: "*"}]}
      Groups: [deployers]
  Other:
    Type: AWS::IAM::Group
  Join:
    Type: AWS::IAM::UserToGroupAddition
    Properties:
      GroupName: !Ref Other
      Users: [ci]
`,
      "iam.yaml",
    );
    expect(f.principals.map((p) => [p.type, p.arn, p.inlinePolicies.map((i) => i.name), p.attachedPolicies.map((a) => a.arn), p.groups, p.tags])).toEqual([
      ["group", "arn:aws:iam::unknown:group/Other", [], [], [], {}],
      ["group", "arn:aws:iam::unknown:group/deployers", ["pass-lambda-roles"], ["arn:aws:iam::unknown:policy/shared"], [], {}],
      ["user", "arn:aws:iam::unknown:user/bots/ci", ["extra"], ["arn:aws:iam::aws:policy/AWSLambda_FullAccess"], ["Other", "deployers"], { team: "platform" }],
    ]);
    expect(f.statementLocations.filter((s) => s.ownerArn.includes(":user/")).map((s) => s.policyName)).toEqual(["extra"]);
  });
});

describe("AWS::LanguageExtensions Fn::ForEach", () => {
  // The SAM developer guide's example: one function per service, from a CommaDelimitedList.
  const services = [
    "Transform:",
    "  - AWS::LanguageExtensions",
    "  - AWS::Serverless-2016-10-31",
    "Parameters:",
    "  ServiceNames:",
    "    Type: CommaDelimitedList",
    '    Default: "Users,Orders,Products"',
    "Resources:",
    "  Fn::ForEach::Services:",
    "    - Name",
    "    - !Ref ServiceNames",
    "    - ${Name}Function:",
    "        Type: AWS::Serverless::Function",
    "        Properties:",
    "          Handler: index.handler",
    "          Runtime: python3.12",
    "          CodeUri: ./services/${Name}",
    "          Environment:",
    "            Variables:",
    "              SERVICE: !Ref Name",
    "          Policies:",
    "            - DynamoDBReadPolicy:",
    "                TableName: !Sub ${Name}-table",
    "",
  ].join("\n");

  it("expands a loop over a list parameter into one function each, at the loop's line, with the identifier replaced", () => {
    const f = readCloudFormationTemplate(services, "services.yaml");
    expect(f.functions.map((fn) => [fn.name, fn.source?.line])).toEqual([
      ["OrdersFunction", 12],
      ["ProductsFunction", 12],
      ["UsersFunction", 12],
    ]);
    const orders = f.roles.find((r) => r.name === "OrdersFunctionRole");
    expect(JSON.stringify(orders?.inlinePolicies)).toContain(":table/Orders-table");
    expect(JSON.stringify(orders?.inlinePolicies)).not.toContain("${Name}");
  });

  it("takes the collection from --parameter, and says which loop needs one when there is no default", () => {
    expect(readCloudFormationTemplate(services, "services.yaml", { parameters: { ServiceNames: "Billing" } }).functions.map((fn) => fn.name)).toEqual(["BillingFunction"]);
    const noDefault = services.replace('    Default: "Users,Orders,Products"\n', "");
    expect(() => readCloudFormationTemplate(noDefault, "services.yaml")).toThrow(
      "Resources.Fn::ForEach::Services at line 8: its collection is the parameter ServiceNames, which has no default; give it with --parameter ServiceNames=a,b",
    );
  });

  it("nested loops, &{…} for logical IDs, a literal list, Ref to the identifier; and a loop without the transform is an error", () => {
    const template = {
      Transform: "AWS::LanguageExtensions",
      Resources: {
        "Fn::ForEach::Envs": [
          "Env",
          ["dev", "prod"],
          {
            "Fn::ForEach::Topics": [
              "Topic",
              ["order-created", "order-paid"],
              { "&{Topic}${Env}Queue": { Type: "AWS::SQS::Queue", Properties: { QueueName: { "Fn::Sub": "${Env}-${Topic}" }, Tags: [{ Key: "env", Value: { Ref: "Env" } }] } } },
            ],
          },
        ],
        Worker: { Type: "AWS::Lambda::Function", Properties: { FunctionName: "worker", Role: "arn:aws:iam::123456789012:role/worker", Runtime: "python3.12", Handler: "a.b", Code: { ZipFile: "x" } } },
      },
    };
    const { template: expanded } = expandForEach(template, {}, "t.json", () => null);
    expect(Object.keys(expanded.Resources as object).sort()).toEqual(["ordercreateddevQueue", "ordercreatedprodQueue", "orderpaiddevQueue", "orderpaidprodQueue", "Worker"].sort());
    expect((expanded.Resources as Record<string, { Properties: unknown }>).orderpaidprodQueue!.Properties).toEqual({ QueueName: { "Fn::Sub": "prod-order-paid" }, Tags: [{ Key: "env", Value: "prod" }] });
    expect(readCloudFormationTemplate(JSON.stringify(template), "t.json").functions.map((fn) => fn.name)).toEqual(["worker"]);
    // Whatever a loop holds, the reader gives a fragment or an InputError, never a crash.
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.array(fc.string({ maxLength: 4 }), { maxLength: 4 })), fc.oneof(fc.jsonValue(), fc.dictionary(fc.constantFrom("${Id}Q", "&{Id}", "Q", "Fn::ForEach::Y"), fc.jsonValue())), (collection, fragment) => {
        const t = JSON.stringify({ Transform: "AWS::LanguageExtensions", Parameters: { P: { Type: "CommaDelimitedList", Default: "a,b" } }, Resources: { "Fn::ForEach::X": ["Id", collection, fragment] } });
        try {
          readCloudFormationTemplate(t, "t.json");
        } catch (e) {
          expect(e).toBeInstanceOf(LeastroleError);
        }
      }),
      { numRuns: 300, seed: 20261129 },
    );
    expect(() => readCloudFormationTemplate(JSON.stringify({ ...template, Transform: undefined }), "t.json")).toThrow(/^Fn::ForEach::Envs( at line \d+)?: Fn::ForEach needs Transform: AWS::LanguageExtensions$/);
  });
});

describe("dead-letter and destination targets the template leaves unresolved", () => {
  it("are ARNs of their service with the name a reference, so the permission Lambda needs is known", () => {
    const template = [
      "Transform: AWS::Serverless-2016-10-31",
      "Resources:",
      "  Dlq:",
      "    Type: AWS::SQS::Queue",
      "  Alerts:",
      "    Type: AWS::SNS::Topic",
      "  Next:",
      "    Type: AWS::Serverless::Function",
      "    Properties: {Handler: i.h, Runtime: python3.12, CodeUri: .}",
      "  Worker:",
      "    Type: AWS::Serverless::Function",
      "    Properties:",
      "      FunctionName: worker",
      "      Handler: i.h",
      "      Runtime: python3.12",
      "      CodeUri: .",
      "      DeadLetterQueue:",
      "        Type: SQS",
      "        TargetArn: !GetAtt Dlq.Arn",
      "      EventInvokeConfig:",
      "        DestinationConfig:",
      "          OnSuccess:",
      "            Type: Lambda",
      "            Destination: !GetAtt Next.Arn",
      "          OnFailure:",
      "            Type: SQS",
      "",
    ].join("\n");
    const fn = readCloudFormationTemplate(template, "t.yaml").functions.find((f) => f.name === "worker")!;
    expect(fn.deadLetterTargetArn).toBe("arn:aws:sqs:unknown:unknown:${Dlq.QueueName}");
    // OnFailure without a Destination: SAM makes the queue (WorkerEventInvokeConfigOnFailureQueue).
    // A function CloudFormation names: Ref gives its deployed name, the logical ID does not.
    expect(fn.destinations).toEqual({ onSuccess: "arn:aws:lambda:unknown:unknown:function:${Next}", onFailure: "arn:aws:sqs:unknown:unknown:${WorkerEventInvokeConfigOnFailureQueue.QueueName}" });
    const { document } = normalizeFragments([readCloudFormationTemplate(template, "t.yaml")]);
    const needed = configurationRequirements(document.functions.find((f) => f.name === "worker")!).filter((r) => r.purpose === "dead-letter" || r.purpose === "destination").map((r) => `${r.action} ${r.resource}`);
    expect(needed.sort()).toEqual([
      "lambda:InvokeFunction arn:aws:lambda:unknown:unknown:function:${Next}",
      "sqs:SendMessage arn:aws:sqs:unknown:unknown:${Dlq.QueueName}",
      "sqs:SendMessage arn:aws:sqs:unknown:unknown:${WorkerEventInvokeConfigOnFailureQueue.QueueName}",
    ]);
  });
});

describe("an event invoke config on an alias (Qualifier) is the alias's, not $LATEST's", () => {
  // Found in review: the Qualifier of AWS::Lambda::EventInvokeConfig was ignored, and SAM's
  // EventInvokeConfig with AutoPublishAlias was put on $LATEST where SAM puts it on the alias
  // (samtranslator/model/sam_resources.py: `Qualifier = alias_name` when there is one).
  const failures = "arn:aws:sqs:us-east-1:123456789012:live-failures";
  it("AWS::Lambda::EventInvokeConfig with Qualifier: live, and one on $LATEST", () => {
    const template = [
      "Resources:",
      "  Role:",
      "    Type: AWS::IAM::Role",
      "    Properties:",
      "      AssumeRolePolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}",
      "  Worker:",
      "    Type: AWS::Lambda::Function",
      "    Properties: {FunctionName: worker, Handler: i.h, Runtime: python3.12, Role: !GetAtt Role.Arn, Code: {ZipFile: x}}",
      "  Version:",
      "    Type: AWS::Lambda::Version",
      "    Properties: {FunctionName: !Ref Worker}",
      "  Live:",
      "    Type: AWS::Lambda::Alias",
      "    Properties: {FunctionName: !Ref Worker, FunctionVersion: !GetAtt Version.Version, Name: live}",
      "  LiveInvokeConfig:",
      "    Type: AWS::Lambda::EventInvokeConfig",
      "    Properties:",
      "      FunctionName: !Ref Worker",
      "      Qualifier: live",
      "      MaximumRetryAttempts: 0",
      `      DestinationConfig: {OnFailure: {Destination: "${failures}"}}`,
      "  LatestInvokeConfig:",
      "    Type: AWS::Lambda::EventInvokeConfig",
      "    Properties:",
      "      FunctionName: !Ref Worker",
      "      Qualifier: $LATEST",
      "      DestinationConfig: {OnFailure: {Destination: arn:aws:sqs:us-east-1:123456789012:latest-failures}}",
      "",
    ].join("\n");
    const fn = readCloudFormationTemplate(template, "t.yaml").functions.find((f) => f.name === "worker")!;
    expect(fn.destinations).toEqual({ onSuccess: null, onFailure: "arn:aws:sqs:us-east-1:123456789012:latest-failures" });
    expect(fn.aliases).toEqual(["live"]);
    expect(fn.qualifiedDeliveryTargets).toEqual([{ kind: "on-failure", arn: failures, qualifiers: ["live"], roleArn: fn.roleArn }]);
    // Both are the role's requirements (the alias runs with the function's role).
    const { document } = normalizeFragments([readCloudFormationTemplate(template, "t.yaml")]);
    const needed = configurationRequirements(document.functions[0]!).filter((r) => r.purpose === "destination").map((r) => r.resource);
    expect(needed.sort()).toEqual(["arn:aws:sqs:us-east-1:123456789012:latest-failures", failures]);
  });

  it("SAM's EventInvokeConfig with AutoPublishAlias is the alias's", () => {
    const template = (alias: string) =>
      [
        "Transform: AWS::Serverless-2016-10-31",
        "Resources:",
        "  Worker:",
        "    Type: AWS::Serverless::Function",
        "    Properties:",
        "      FunctionName: worker",
        "      Handler: i.h",
        "      Runtime: python3.12",
        "      CodeUri: .",
        alias,
        "      EventInvokeConfig:",
        "        MaximumRetryAttempts: 1",
        "        DestinationConfig:",
        "          OnFailure:",
        "            Type: SQS",
        `            Destination: ${failures}`,
        "",
      ].join("\n");
    const live = readCloudFormationTemplate(template("      AutoPublishAlias: live"), "t.yaml").functions[0]!;
    expect(live.destinations).toEqual({ onSuccess: null, onFailure: null });
    expect(live.qualifiedDeliveryTargets).toEqual([{ kind: "on-failure", arn: failures, qualifiers: ["live"], roleArn: live.roleArn }]);
    // Without AutoPublishAlias, SAM writes Qualifier: $LATEST.
    const latest = readCloudFormationTemplate(template(""), "t.yaml").functions[0]!;
    expect(latest.destinations).toEqual({ onSuccess: null, onFailure: failures });
    expect(latest.qualifiedDeliveryTargets).toBeUndefined();
  });
});

describe("SAM SNS event with SqsSubscription", () => {
  const template = (sub: string) =>
    [
      "Transform: AWS::Serverless-2016-10-31",
      "Resources:",
      "  Topic:",
      "    Type: AWS::SNS::Topic",
      "  Fn:",
      "    Type: AWS::Serverless::Function",
      "    Properties:",
      "      FunctionName: fn",
      "      Handler: i.h",
      "      Runtime: python3.12",
      "      CodeUri: .",
      "      Events:",
      "        Ev:",
      "          Type: SNS",
      "          Properties:",
      "            Topic: !Ref Topic",
      `            SqsSubscription: ${sub}`,
      "",
    ].join("\n");

  it("is a queue the function polls (as the SAM translator makes it), not a permission for SNS", () => {
    const f = readCloudFormationTemplate(template("true"), "t.yaml");
    const fn = f.functions[0]!;
    expect(fn.triggers.map((t) => [t.kind, t.eventSourceArn])).toEqual([["sqs", "${FnEvQueue.Arn}"]]);
    expect(fn.resourcePolicy).toBeNull();
    expect(f.roles[0]!.attachedPolicies.map((p) => p.name)).toContain("AWSLambdaSQSQueueExecutionRole");
  });

  it("polls the queue given as QueueArn", () => {
    const fn = readCloudFormationTemplate(template("{QueueArn: 'arn:aws:sqs:us-east-1:123456789012:inbox', QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/inbox', BatchSize: 5}"), "t.yaml").functions[0]!;
    expect(fn.triggers.map((t) => [t.kind, t.eventSourceArn])).toEqual([["sqs", "arn:aws:sqs:us-east-1:123456789012:inbox"]]);
  });
});

/**
 * What CloudFormation replaces at deployment and the reader does not run: a macro named in
 * Transform, AWS::Include (`Fn::Transform`) in a policy or in Resources, an intrinsic function the
 * resolver does not know. Each is a warning naming the file, the place and the construct, and the
 * read is partial: never a refused template, a policy "not valid JSON", or a silent placeholder.
 */
describe("constructs CloudFormation replaces at deployment", () => {
  const role = `  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
`;
  const fn = `  Fn:
    Type: AWS::Lambda::Function
    Properties: {Runtime: python3.12, Handler: index.handler, Code: {ZipFile: x}, Role: !GetAtt Role.Arn}
`;
  const warned = (text: string) => {
    const f = readCloudFormationTemplate(text, "t.yaml");
    return { f, w: f.warnings.filter((x) => x.code.startsWith("cloudformation-transform") || x.code === "cloudformation-unsupported-intrinsic").map((x) => [x.code, x.path, x.file]) };
  };

  it("a macro in Transform (beside SAM) is said, and the read is partial", () => {
    const { f, w } = warned(`Transform: [AWS::Serverless-2016-10-31, ExecutionRoleBuilder]\nResources:\n${role}${fn}`);
    expect(w).toEqual([["cloudformation-transform", "Transform[1]", "t.yaml"]]);
    expect(f.warnings.find((x) => x.code === "cloudformation-transform")!.message).toContain("transform ExecutionRoleBuilder is run by CloudFormation at deployment");
    expect(f.partial).toBe(true);
    expect(f.functions.map((x) => x.name)).toEqual(["Fn"]);
  });

  it("a top-level AWS::Include transform names its Location", () => {
    const { w, f } = warned(`Transform:\n  Name: AWS::Include\n  Parameters: {Location: s3://bucket/extra.yaml}\nResources:\n${role}${fn}`);
    expect(w).toEqual([["cloudformation-transform", "Transform", "t.yaml"]]);
    expect(f.warnings.find((x) => x.code === "cloudformation-transform")!.message).toContain("AWS::Include of s3://bucket/extra.yaml");
  });

  it("AWS::Include as a policy document: the role is a lower bound, not an invalid policy", () => {
    const text = `Resources:\n${role}      Policies:\n        - PolicyName: included\n          PolicyDocument:\n            Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://bucket/policy.yaml}}\n        - PolicyName: own\n          PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::b/*"}]}\n${fn}`;
    const { f, w } = warned(text);
    expect(w).toEqual([["cloudformation-transform", "Resources.Role.Properties.Policies[0].PolicyDocument.Fn::Transform", "t.yaml"]]);
    expect(f.warnings.filter((x) => x.code === "invalid-policy-document")).toEqual([]);
    expect(f.roles[0]!.inlinePolicies.map((p) => p.name)).toEqual(["own"]);
    expect(f.incompletePrincipals).toEqual([f.roles[0]!.arn]);
  });

  it("AWS::Include among the resources: the template is read, and a name only the snippet defines is not called undefined", () => {
    const text = `Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties: {Runtime: python3.12, Handler: index.handler, Code: {ZipFile: x}, Role: !GetAtt IncludedRole.Arn}\n  Fn::Transform:\n    Name: AWS::Include\n    Parameters: {Location: s3://bucket/roles.yaml}\n`;
    const { f, w } = warned(text);
    expect(w).toEqual([["cloudformation-transform", "Resources.Fn::Transform", "t.yaml"]]);
    expect(f.warnings.filter((x) => x.code === "cloudformation-undefined-reference")).toEqual([]);
    expect(f.functions.map((x) => x.name)).toEqual(["Fn"]);
    expect(f.partial).toBe(true);
  });

  it("an intrinsic function the resolver does not know, in a resource the audit reads, is named", () => {
    const text = `Resources:\n${role}      Policies:\n        - PolicyName: p\n          PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: ec2:CreateSubnet, Resource: !Cidr [10.0.0.0/16, 2, 8]}]}\n${fn}  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: !Select [0, !Cidr [10.0.0.0/16, 2, 8]]}\n`;
    const { f, w } = warned(text);
    expect(w).toEqual([["cloudformation-unsupported-intrinsic", "Resources.Role.Properties.Policies[0].PolicyDocument.Statement[0].Resource.Fn::Cidr", "t.yaml"]]);
    expect(f.warnings.find((x) => x.code === "cloudformation-unsupported-intrinsic")!.message).toBe("Role: Fn::Cidr is not an intrinsic function leastrole evaluates: its value is read as the placeholder ${Fn::Cidr}, which names nothing");
  });
});

describe("an event invoke config on a version known only at deployment", () => {
  // The CloudFormation reference's AWS::Lambda::EventInvokeConfig example
  // (test/fixtures/cloudformation-sweep/cfn-guide-eventinvokeconfig-version.yaml): `Qualifier: !GetAtt version.Version`.
  it("is the version's: its destinations are the version's, and the function gets no alias named ${version.Version}", () => {
    const file = new URL("../fixtures/cloudformation-sweep/cfn-guide-eventinvokeconfig-version.yaml", import.meta.url).pathname;
    const fn = readCloudFormationTemplate(readFileSync(file), file).functions[0]!;
    expect(fn.aliases).toEqual([]);
    expect(fn.destinations).toEqual({ onSuccess: null, onFailure: null });
    expect(fn.qualifiedDeliveryTargets).toEqual([
      { kind: "on-success", arn: "arn:aws:sqs:us-east-2:123456789012:dlq", qualifiers: ["${version.Version}"], roleArn: "arn:aws:iam::123456789012:role/lambda-role" },
      { kind: "on-failure", arn: "arn:aws:sqs:us-east-2:123456789012:dlq", qualifiers: ["${version.Version}"], roleArn: "arn:aws:iam::123456789012:role/lambda-role" },
    ]);
  });
});

describe("cloudformation-parameter-default: said for the parameters that reach what is read", () => {
  const template = `Parameters:
  TableName: {Type: String, Default: orders-dev}
  HandlerName: {Type: String, Default: app.handler}
  Deploy: {Type: String, Default: "yes"}
  Ami: {Type: "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", Default: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64}
  TagKey: {Type: String, Default: CostCenter}
Conditions:
  Deployed: !Equals [!Ref Deploy, "yes"]
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Ref TableName
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      BillingMode: PAY_PER_REQUEST
      Tags: [{Key: !Ref TagKey, Value: x}]
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
      Policies:
        - PolicyName: p
          PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: dynamodb:GetItem, Resource: !GetAtt Table.Arn}]}
  Fn:
    Type: AWS::Lambda::Function
    Condition: Deployed
    Properties: {Runtime: python3.12, Handler: !Ref HandlerName, Code: {ZipFile: x}, Role: !GetAtt Role.Arn}
  Instance:
    Type: AWS::EC2::Instance
    Properties: {ImageId: !Ref Ami}
`;
  it("a table name a policy's !GetAtt gives and a condition that decides a function: said; a handler, an instance's AMI, a table's tag key: not", () => {
    const f = readCloudFormationTemplate(template, "t.yaml");
    expect(f.warnings.filter((w) => w.code.startsWith("cloudformation-")).map((w) => [w.code, w.path])).toEqual([
      ["cloudformation-parameter-default", "Parameters.Deploy"],
      ["cloudformation-parameter-default", "Parameters.TableName"],
    ]);
    expect(f.roles[0]!.inlinePolicies[0]!.document.Statement[0]!.Resource).toEqual(["arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/orders-dev"]);
  });
});

describe("an alias the template creates", () => {
  // samtranslator's own input and output (the corpus): AutoPublishAlias: live becomes the
  // AWS::Lambda::Alias KinesisTriggerFunctionAliaslive (FunctionName !Ref, FunctionVersion !GetAtt
  // the published version's Version). Both are that alias of the function.
  it("is listed among its function's aliases, read as SAM or as the CloudFormation samtranslator writes", () => {
    for (const file of ["input/function_with_kinesis_with_start_time_timestamp.yaml", "output/function_with_kinesis_with_start_time_timestamp.json"]) {
      const fn = read(`${corpus}/aws-sam-translator/${file}`).functions.find((f) => f.name === "KinesisTriggerFunction")!;
      expect(fn.aliases, file).toEqual(["live"]);
    }
  });

  it("is listed when nothing of the template targets it (AutoPublishAlias a parameter, read with its default)", () => {
    const file = new URL("../fixtures/cloudformation-sweep/cfn-lint-language-extension.yaml", import.meta.url).pathname;
    const fn = read(file).functions.find((f) => f.name === "TestLambdaFunction")!;
    expect(fn.aliases).toEqual(["TestAliasRef"]);
    expect(fn.triggers).toEqual([]);
    expect(fn.resourcePolicy).toBeNull();
  });

  it("an AWS::Lambda::Alias with a Name from a parameter and a FunctionName by Fn::GetAtt Arn", () => {
    const template = [
      "Parameters:",
      "  Stage: { Type: String, Default: prod }",
      "Resources:",
      "  Fn:",
      "    Type: AWS::Lambda::Function",
      "    Properties: { Runtime: python3.12, Handler: index.handler, Role: arn:aws:iam::123456789012:role/r, Code: { ZipFile: x } }",
      "  Version:",
      "    Type: AWS::Lambda::Version",
      "    Properties: { FunctionName: !Ref Fn }",
      "  StageAlias:",
      "    Type: AWS::Lambda::Alias",
      "    Properties: { FunctionName: !GetAtt Fn.Arn, FunctionVersion: !GetAtt Version.Version, Name: !Ref Stage }",
      "  CanaryAlias:",
      "    Type: AWS::Lambda::Alias",
      "    Properties: { FunctionName: !Ref Fn, FunctionVersion: $LATEST, Name: canary }",
    ].join("\n");
    const fn = readCloudFormationTemplate(Buffer.from(template), "alias.yaml", { parameters: { Stage: "beta" } }).functions[0]!;
    expect(fn.aliases).toEqual(["beta", "canary"]);
  });
});
