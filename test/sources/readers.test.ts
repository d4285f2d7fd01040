/**
 * Every reader against the shapes AWS documents. Outputs quoted from the AWS CLI documentation
 * (aws/aws-cli awscli/examples/lambda/*.rst) are marked [CLI-EX]; the others are built from the
 * botocore service model shapes (input-formats.md §2) and are marked synthetic.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readSourceBytes } from "../../src/sources/read-sources.js";
import { normalizeFragments } from "../normalize/checked.js";
import { mustRead, readValue, readWalked } from "./helpers.js";

const ACCOUNT = "123456789012";

// [CLI-EX] get-function.rst
const GET_FUNCTION = {
  Concurrency: { ReservedConcurrentExecutions: 100 },
  Code: { RepositoryType: "S3", Location: "https://awslambda-us-west-2-tasks.s3.us-west-2.amazonaws.com/snapshots/123456789012/my-function..." },
  Configuration: {
    TracingConfig: { Mode: "PassThrough" },
    Version: "$LATEST",
    CodeSha256: "5tT2qgzYUHoqwR616pZ2dpkn/0J1FrzJmlKidWaaCgk=",
    FunctionName: "my-function",
    VpcConfig: { SubnetIds: [], VpcId: "", SecurityGroupIds: [] },
    MemorySize: 128,
    RevisionId: "28f0fb31-5c5c-43d3-8955-03e76c5c1075",
    CodeSize: 304,
    FunctionArn: "arn:aws:lambda:us-west-2:123456789012:function:my-function",
    Handler: "index.handler",
    Role: "arn:aws:iam::123456789012:role/service-role/helloWorldPython-role-uy3l9qyq",
    Timeout: 3,
    LastModified: "2025-09-24T18:20:35.054+0000",
    Runtime: "nodejs22.x",
    Description: "",
  },
};

// [CLI-EX] list-functions.rst (third function: two layers, one from another account)
const LIST_FUNCTIONS = {
  Functions: [
    {
      Layers: [
        { CodeSize: 41784542, Arn: "arn:aws:lambda:us-west-2:420165488524:layer:AWSLambda-Python37-SciPy1x:2" },
        { CodeSize: 4121, Arn: "arn:aws:lambda:us-west-2:123456789012:layer:pythonLayer:1" },
      ],
      TracingConfig: { Mode: "PassThrough" },
      Version: "$LATEST",
      FunctionName: "my-python-function",
      VpcConfig: { SubnetIds: [], VpcId: "", SecurityGroupIds: [] },
      FunctionArn: "arn:aws:lambda:us-west-2:123456789012:function:my-python-function",
      Handler: "lambda_function.lambda_handler",
      Role: "arn:aws:iam::123456789012:role/service-role/my-python-function-role-z5g7dr6n",
      LastModified: "2025-10-01T19:40:41.643+0000",
      Runtime: "python3.11",
    },
  ],
};

describe("lambda functions reader", () => {
  it("get-function [CLI-EX]: configuration, empty VpcConfig is no VPC, default log group", () => {
    const f = mustRead("get-function.json", GET_FUNCTION);
    expect(f.source.kind).toBe("lambda-functions");
    expect(f.functions).toHaveLength(1);
    const fn = f.functions[0]!;
    expect(fn).toMatchObject({
      arn: "arn:aws:lambda:us-west-2:123456789012:function:my-function",
      name: "my-function",
      accountId: ACCOUNT,
      region: "us-west-2",
      runtime: "nodejs22.x",
      roleArn: "arn:aws:iam::123456789012:role/service-role/helloWorldPython-role-uy3l9qyq",
      vpc: null,
      tracingMode: "PassThrough",
      lastModified: "2025-09-24T18:20:35.054Z",
      logGroup: "/aws/lambda/my-function",
    });
    expect(f.source).toMatchObject({ records: 1, region: "us-west-2", accountId: ACCOUNT });
  });

  it("list-functions pages: NextMarker on the last page of the only file for a region is partial", () => {
    const page = { ...LIST_FUNCTIONS, NextMarker: "abc" };
    const f = mustRead("us-west-2.json", page);
    expect(f.pagination).toEqual({ truncated: true, path: "NextMarker" });
    expect(normalizeFragments([f], { lookupManagedPolicy: null }).document.meta.warnings.map((w) => w.code)).toContain("truncated-pagination");
    expect(mustRead("all-pages.json", JSON.stringify(page) + "\n" + JSON.stringify(LIST_FUNCTIONS)).pagination).toEqual({ truncated: false, path: "[1].NextMarker" });
  });

  it("list-functions cut by the AWS CLI (--max-items): its NextToken is truncated-pagination like NextMarker", () => {
    const f = mustRead("us-west-2.json", { ...LIST_FUNCTIONS, NextToken: "eyJNYXJrZXIiOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAyfQ==" });
    expect(f.pagination).toEqual({ truncated: true, path: "NextToken" });
    const doc = normalizeFragments([f], { lookupManagedPolicy: null }).document;
    expect(doc.meta.warnings.find((w) => w.code === "truncated-pagination")).toMatchObject({ severity: "error", path: "NextToken" });
    expect(doc.meta.partial).toBe(true);
    expect(mustRead("all.json", { ...LIST_FUNCTIONS, NextToken: "" }).pagination).toEqual({ truncated: false, path: "NextMarker" });
  });

  it("a hand-merged file whose cut list-functions page is followed by get-function outputs is still cut", () => {
    const getOther = { ...GET_FUNCTION, Configuration: { ...GET_FUNCTION.Configuration, FunctionName: "other", FunctionArn: "arn:aws:lambda:us-west-2:123456789012:function:other" } };
    const f = mustRead("merged.json", JSON.stringify({ ...LIST_FUNCTIONS, NextMarker: "abc" }) + "\n" + JSON.stringify(getOther));
    expect(f.functions).toHaveLength(2);
    expect(f.pagination).toEqual({ truncated: true, path: "[0].NextMarker" });
    const doc = normalizeFragments([f], { lookupManagedPolicy: null }).document;
    expect(doc.meta.warnings.find((w) => w.code === "truncated-pagination")).toMatchObject({ severity: "error", file: "merged.json", path: "[0].NextMarker" });
    expect(doc.meta.partial).toBe(true);
  });

  it("one file of every region's list-functions (a shell loop over the regions): each region's list is judged on its own last page", () => {
    const fn = LIST_FUNCTIONS.Functions[0]!;
    const euWest = { Functions: [{ ...fn, FunctionName: "eu-fn", FunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:eu-fn" }] };
    const loop = JSON.stringify({ ...LIST_FUNCTIONS, NextToken: "eyJNYXJrZXIiOiAiYWJjIn0=" }) + "\n" + JSON.stringify(euWest);
    const f = mustRead("all-regions.json", loop);
    expect(f.listPages).toEqual([
      { truncated: true, path: "[0].NextToken", region: "us-west-2" },
      { truncated: false, path: "[1].NextMarker", region: "eu-west-1" },
    ]);
    // Before, only the last page (eu-west-1's, whole) counted: us-west-2's cut list was read as
    // whole, and its region counted as fully listed (what LR016 concludes a role's disuse from).
    const doc = normalizeFragments([f], { lookupManagedPolicy: null }).document;
    expect(doc.meta.partial).toBe(true);
    const warnings = doc.meta.warnings.filter((w) => w.code === "truncated-pagination");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ severity: "error", file: "all-regions.json", path: "[0].NextToken" });
    expect(warnings[0]!.message).toContain("(us-west-2)");
    expect(doc.accounts[0]!.functionCoverage).toEqual({ regions: [], complete: false });
    // us-west-2's final page in another file completes it.
    const rest = mustRead("us-west-2-2.json", { Functions: [{ ...fn, FunctionName: "late", FunctionArn: "arn:aws:lambda:us-west-2:123456789012:function:late" }] });
    const whole = normalizeFragments([f, rest], { lookupManagedPolicy: null }).document;
    expect(whole.meta.warnings.map((w) => w.code)).not.toContain("truncated-pagination");
    expect(whole.accounts[0]!.functionCoverage).toEqual({ regions: ["eu-west-1", "us-west-2"], complete: false });
  });

  it("list-functions [CLI-EX]: layers kept in order, including another account's", () => {
    const fn = mustRead("list.json", LIST_FUNCTIONS).functions[0]!;
    expect(fn.layers).toEqual(["arn:aws:lambda:us-west-2:420165488524:layer:AWSLambda-Python37-SciPy1x:2", "arn:aws:lambda:us-west-2:123456789012:layer:pythonLayer:1"]);
  });

  it("get-function Tags, environment NAMES only, KMS, DLQ, logging config, EFS, image package (synthetic)", () => {
    const secret = "AKIAEXAMPLESECRETVALUE";
    const f = mustRead("gf.json", {
      Configuration: {
        FunctionName: "worker",
        FunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:worker",
        Role: "arn:aws:iam::123456789012:role/app/worker-role",
        PackageType: "Image",
        Environment: { Variables: { Z_KEY: secret, A_TABLE: "orders-table-prod-7f3a" } },
        KMSKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        DeadLetterConfig: { TargetArn: "arn:aws:sqs:eu-west-1:123456789012:dlq" },
        LoggingConfig: { LogFormat: "JSON", LogGroup: "/custom/worker" },
        FileSystemConfigs: [{ Arn: "arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-1", LocalMountPath: "/mnt/efs" }],
        TracingConfig: { Mode: "Active" },
        VpcConfig: { SubnetIds: ["subnet-b", "subnet-a"], SecurityGroupIds: ["sg-1"], VpcId: "vpc-1" },
      },
      Tags: { team: "orders", "cost-center": "42" },
    });
    const fn = f.functions[0]!;
    expect(fn.environmentVariableNames).toEqual(["A_TABLE", "Z_KEY"]);
    expect(JSON.stringify(f)).not.toContain(secret);
    expect(JSON.stringify(f)).not.toContain("orders-table-prod-7f3a");
    expect(fn).toMatchObject({
      packageType: "Image",
      runtime: null,
      kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      deadLetterTargetArn: "arn:aws:sqs:eu-west-1:123456789012:dlq",
      logGroup: "/custom/worker",
      logFormat: "JSON",
      tracingMode: "Active",
      vpc: { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: ["sg-1"] },
      fileSystems: ["arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-1"],
    });
    expect(Object.keys(fn.tags)).toEqual(["cost-center", "team"]);
  });

  it("FunctionVersion=ALL: published versions become version records with their own role (synthetic)", () => {
    const base = { FunctionName: "api", Runtime: "python3.12" };
    const f = mustRead("all.json", {
      Functions: [
        { ...base, FunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:api:$LATEST", Version: "$LATEST", Role: "arn:aws:iam::123456789012:role/api-v2" },
        { ...base, FunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:api:1", Version: "1", Role: "arn:aws:iam::123456789012:role/api-v1" },
        { ...base, FunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:api:2", Version: "2", Role: "arn:aws:iam::123456789012:role/api-v2" },
      ],
    });
    expect(f.functions.map((x) => x.arn)).toEqual(["arn:aws:lambda:us-east-1:123456789012:function:api"]);
    expect(f.functionVersions.map((v) => [v.version, v.roleArn])).toEqual([
      ["1", "arn:aws:iam::123456789012:role/api-v1"],
      ["2", "arn:aws:iam::123456789012:role/api-v2"],
    ]);
  });

  // The AWS CLI's example of list-versions-by-function (awscli/examples/lambda), with version 1
  // published under an older role: that role still runs whenever version 1 is invoked.
  const LIST_VERSIONS = {
    Versions: [
      {
        TracingConfig: { Mode: "PassThrough" },
        Version: "$LATEST",
        CodeSha256: "sU0cJ2/hOZevwV/lTxCuQqK3gDZP3i8gUoqUUVRmY6E=",
        FunctionName: "my-function",
        VpcConfig: { SubnetIds: [], VpcId: "", SecurityGroupIds: [] },
        MemorySize: 256,
        RevisionId: "93017fc9-59cb-41dc-901b-4845ce4bf668",
        CodeSize: 266,
        FunctionArn: "arn:aws:lambda:us-west-2:123456789012:function:my-function:$LATEST",
        Handler: "index.handler",
        Role: "arn:aws:iam::123456789012:role/service-role/helloWorldPython-role-uy3l9qyq",
        Timeout: 3,
        LastModified: "2019-10-01T16:47:28.490+0000",
        Runtime: "nodejs10.x",
        Description: "",
      },
      {
        TracingConfig: { Mode: "PassThrough" },
        Version: "1",
        CodeSha256: "5tT2qgzYUHoqwR616pZ2dpkn/0J1FrzJmlKidWaaCgk=",
        FunctionName: "my-function",
        VpcConfig: { SubnetIds: [], VpcId: "", SecurityGroupIds: [] },
        MemorySize: 256,
        RevisionId: "949c8914-012e-4795-998c-e467121951b1",
        CodeSize: 304,
        FunctionArn: "arn:aws:lambda:us-west-2:123456789012:function:my-function:1",
        Handler: "index.handler",
        Role: "arn:aws:iam::123456789012:role/service-role/old-role",
        Timeout: 3,
        LastModified: "2019-09-26T20:28:40.438+0000",
        Runtime: "nodejs10.x",
        Description: "new version",
      },
    ],
  };

  it("list-versions-by-function: $LATEST is the function, each published version keeps its own role", () => {
    const f = mustRead("my-function-versions.json", LIST_VERSIONS);
    expect(f.source.kind).toBe("lambda-functions");
    expect(f.functions.map((x) => [x.arn, x.roleArn])).toEqual([["arn:aws:lambda:us-west-2:123456789012:function:my-function", "arn:aws:iam::123456789012:role/service-role/helloWorldPython-role-uy3l9qyq"]]);
    expect(f.functionVersions.map((v) => [v.functionArn, v.version, v.roleArn])).toEqual([["arn:aws:lambda:us-west-2:123456789012:function:my-function", "1", "arn:aws:iam::123456789012:role/service-role/old-role"]]);
    // One function's versions say nothing of the region's other functions (LR016 relies on it).
    expect(f.listedFunctionRegions ?? []).toEqual([]);
    const doc = normalizeFragments([f], { lookupManagedPolicy: null }).document;
    expect(doc.functions[0]!.versions).toEqual([{ version: "1", roleArn: "arn:aws:iam::123456789012:role/service-role/old-role" }]);
    expect(doc.meta.warnings.map((w) => w.code)).not.toContain("truncated-pagination");
  });

  it("list-versions-by-function cut after its first page is truncated-pagination of that function; another function's full list does not complete it", () => {
    const cut = mustRead("cut.json", { ...LIST_VERSIONS, NextMarker: "eyJtYXJrZXIiOiAiMSJ9" });
    const other = mustRead("other.json", {
      Versions: [{ ...LIST_VERSIONS.Versions[0], FunctionName: "other", FunctionArn: "arn:aws:lambda:us-west-2:123456789012:function:other:$LATEST" }],
    });
    const doc = normalizeFragments([cut, other], { lookupManagedPolicy: null }).document;
    const cuts = doc.meta.warnings.filter((w) => w.code === "truncated-pagination");
    expect(cuts).toHaveLength(1);
    expect(cuts[0]).toMatchObject({ severity: "error", file: "cut.json", path: "NextMarker" });
    expect(cuts[0]!.message).toContain("function arn:aws:lambda:us-west-2:123456789012:function:my-function");
    expect(doc.meta.partial).toBe(true);
  });

  it("IAM list-policy-versions and Greengrass function-definition versions are not read as Lambda versions", () => {
    const policyVersions = { Versions: [{ VersionId: "v2", IsDefaultVersion: true, CreateDate: "2019-10-01T16:47:28Z" }] };
    const greengrass = { Versions: [{ Arn: "arn:aws:greengrass:us-west-2:123456789012:/greengrass/definition/functions/063f/versions/9748", CreationTimestamp: "2019-06-18T17:04:30.776Z", Id: "063f", Version: "9748" }] };
    for (const v of [policyVersions, greengrass]) expect(readValue("v.json", v).fragment).toBeNull();
  });

  it("a function without Role is reported with its path; the other functions are kept", () => {
    const { fragment } = readValue("two.json", {
      Functions: [
        { FunctionName: "a", FunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:a", Runtime: "nodejs20.x" },
        { FunctionName: "b", FunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:b", Role: "arn:aws:iam::123456789012:role/b" },
      ],
    });
    expect(fragment!.functions.map((f) => f.name)).toEqual(["b"]);
    expect(fragment!.partial).toBe(true);
    expect(fragment!.warnings[0]).toMatchObject({ severity: "error", file: "two.json", path: "Functions[0].Role" });
    expect(normalizeFragments([fragment!], { lookupManagedPolicy: null }).document.meta.sources[0]).toMatchObject({ path: "two.json", records: 1, partial: true });
  });
});

describe("get-policy reader", () => {
  const policy = {
    Version: "2012-10-17",
    Id: "default",
    Statement: [
      {
        Sid: "FunctionURLAllowPublicAccess",
        Effect: "Allow",
        Principal: "*",
        Action: "lambda:InvokeFunctionUrl",
        Resource: "arn:aws:lambda:us-east-1:123456789012:function:public-fn",
        Condition: { StringEquals: { "lambda:FunctionUrlAuthType": "NONE" } },
      },
    ],
  };
  it("Policy as a JSON string (real API output): the function comes from the statement's Resource", () => {
    const f = mustRead("policy.json", { Policy: JSON.stringify(policy), RevisionId: "r1" });
    expect(f.source.kind).toBe("lambda-policy");
    expect(f.functionPatches[0]).toMatchObject({ functionArn: "arn:aws:lambda:us-east-1:123456789012:function:public-fn", qualifier: null });
    expect(f.functionPatches[0]!.patch.resourcePolicy!.Statement[0]!.Principal).toBe("*");
  });
  it("Policy as an object (as the CLI documentation shows it) is accepted too", () => {
    const f = mustRead("policy.json", { Policy: policy, RevisionId: "r1" });
    expect(f.functionPatches[0]!.patch.resourcePolicy!.Statement[0]!.Condition).toEqual({ StringEquals: { "lambda:FunctionUrlAuthType": ["NONE"] } });
  });
  it("an invalid policy string is an error naming file and path", () => {
    const { fragment, warnings } = readValue("p.json", { Policy: '{"Statement": [{"Effect": "Maybe", "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:us-east-1:1:function:f"}]}' });
    expect(fragment).toBeNull();
    expect(warnings[0]).toMatchObject({ severity: "error", code: "invalid-policy-document", file: "p.json" });
    expect(warnings[0]!.path).toMatch(/^Policy\.Statement\[0\]\.Effect/);
  });
  it("SDK dumps with response metadata (boto3 ResponseMetadata, JS SDK v3 $metadata) are recognised", () => {
    expect(mustRead("p1.json", { Policy: JSON.stringify(policy), RevisionId: "r", ResponseMetadata: { RequestId: "x", HTTPStatusCode: 200 } }).source.kind).toBe("lambda-policy");
    expect(mustRead("p2.json", { $metadata: { httpStatusCode: 200, attempts: 1 }, Policy: JSON.stringify(policy), RevisionId: "r" }).source.kind).toBe("lambda-policy");
  });
  it("the Policy alone (get-policy --query Policy --output text): read as the function's resource policy, not an identity policy attached to nothing", () => {
    // Before, it was "an IAM policy document attached to nothing" (an info note): a public
    // function's policy given that way went unread, and LR012 said nothing.
    const f = mustRead("public-fn-policy.json", policy);
    expect(f.source.kind).toBe("lambda-policy");
    expect(f.functionPatches[0]).toMatchObject({ functionArn: "arn:aws:lambda:us-east-1:123456789012:function:public-fn", qualifier: null });
    expect(f.functionPatches[0]!.patch.resourcePolicy!.Statement[0]!.Principal).toBe("*");
    expect(f.functionPatches[0]!.patch.resourcePolicyStatementSources).toEqual([{ file: "public-fn-policy.json", line: null, address: "Statement[0]" }]);
    const bad = readValue("p.json", { ...policy, Statement: [{ ...policy.Statement[0], Effect: "Maybe" }] });
    expect(bad.warnings[0]).toMatchObject({ severity: "error", code: "invalid-policy-document", file: "p.json" });
    expect(bad.warnings[0]!.path).toMatch(/^Statement\[0\]\.Effect/);
    // An identity policy (no Principal) on a function stays a document attached to nothing, as
    // does another service's resource policy.
    const identity = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:us-east-1:123456789012:function:public-fn" }] };
    expect(readValue("identity.json", identity).warnings.map((w) => w.code)).toEqual(["standalone-policy-document"]);
    const bucket = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }] };
    expect(readValue("bucket.json", bucket).warnings.map((w) => w.code)).toEqual(["standalone-policy-document"]);
  });
  it("an S3 bucket policy in the same {Policy} envelope is not taken for a Lambda policy", () => {
    const { fragment, warnings } = readValue("bucket-policy.json", { Policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }] }) });
    expect(fragment).toBeNull();
    expect(warnings[0]!.code).toBe("unrecognized-input");
  });
});

describe("event source mappings reader (synthetic, botocore EventSourceMappingConfiguration)", () => {
  const list = {
    EventSourceMappings: [
      {
        UUID: "a1b2c3d4-5678-90ab-cdef-11111EXAMPLE",
        BatchSize: 10,
        EventSourceArn: "arn:aws:sqs:us-west-2:123456789012:mySQSqueue",
        FunctionArn: "arn:aws:lambda:us-west-2:123456789012:function:my-function",
        LastModified: 1569284520.333,
        State: "Enabled",
        StateTransitionReason: "USER_INITIATED",
      },
      {
        UUID: "b2",
        EventSourceArn: "arn:aws:kafka:us-west-2:123456789012:cluster/demo/abc-1",
        FunctionArn: "arn:aws:lambda:us-west-2:123456789012:function:my-function:live",
        State: "Enabled",
        DestinationConfig: { OnFailure: { Destination: "arn:aws:sqs:us-west-2:123456789012:failed" } },
        SourceAccessConfigurations: [
          { Type: "SASL_SCRAM_512_AUTH", URI: "arn:aws:secretsmanager:us-west-2:123456789012:secret:kafka-AbC" },
          { Type: "VPC_SUBNET", URI: "subnet:subnet-1" },
        ],
      },
      { UUID: "c3", FunctionArn: "arn:aws:lambda:us-west-2:123456789012:function:my-function", SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ["b-1:9092"] } } },
    ],
  };
  it("kinds, qualifier, failure destination, secrets", () => {
    const f = mustRead("esm.json", list);
    expect(f.source.kind).toBe("lambda-event-source-mappings");
    expect(f.functionPatches.map((p) => [p.functionArn, p.qualifier, p.patch.triggers![0]!.kind])).toEqual([
      ["arn:aws:lambda:us-west-2:123456789012:function:my-function", null, "sqs"],
      ["arn:aws:lambda:us-west-2:123456789012:function:my-function", "live", "kafka"],
      ["arn:aws:lambda:us-west-2:123456789012:function:my-function", null, "self-managed-kafka"],
    ]);
    expect(f.functionPatches[1]!.patch.triggers![0]).toMatchObject({
      onFailureDestination: "arn:aws:sqs:us-west-2:123456789012:failed",
      secretArns: ["arn:aws:secretsmanager:us-west-2:123456789012:secret:kafka-AbC"],
    });
  });
  it("a single mapping (get-event-source-mapping) is read too", () => {
    const f = mustRead("one.json", list.EventSourceMappings[0]);
    expect(f.functionPatches).toHaveLength(1);
  });
  it("a list cut short (the API's NextMarker, the AWS CLI's NextToken) is truncated-pagination: the missing mappings' permissions would be dropped", () => {
    // ListEventSourceMappings returns at most MaxItems (100) a call and a NextMarker while more
    // follow; the AWS CLI writes its own NextToken instead under --max-items or --no-paginate.
    for (const key of ["NextMarker", "NextToken"]) {
      const f = mustRead("esm.json", { ...list, [key]: "eyJNYXJrZXIiOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAzfQ==" });
      expect(f.pagination).toEqual({ truncated: true, path: key });
      const doc = normalizeFragments([f], { lookupManagedPolicy: null }).document;
      expect(doc.meta.warnings.find((w) => w.code === "truncated-pagination")).toMatchObject({ severity: "error", file: "esm.json", path: key });
      expect(doc.meta.partial).toBe(true);
    }
    // Pages kept one after the other in one file: the last one names no marker, the list is whole.
    const pages = JSON.stringify({ ...list, NextMarker: "m1" }) + "\n" + JSON.stringify({ EventSourceMappings: [] });
    expect(mustRead("all-pages.json", pages).pagination).toEqual({ truncated: false, path: "[1].NextMarker" });
    const whole = mustRead("esm.json", list);
    expect(whole.pagination).toEqual({ truncated: false, path: "NextMarker" });
    expect(normalizeFragments([whole], { lookupManagedPolicy: null }).document.meta.warnings.map((w) => w.code)).not.toContain("truncated-pagination");
  });
  it("pages kept in an array are read page by page; a cut page followed by single mappings (a hand-merged file) is still cut", () => {
    const array = mustRead("pages.json", [{ ...list, NextMarker: "m1" }, { EventSourceMappings: [list.EventSourceMappings[0]!], NextToken: "t2" }]);
    expect(array.functionPatches).toHaveLength(4);
    expect(array.warnings).toEqual([]);
    expect(array.pagination).toEqual({ truncated: true, path: "[1].NextToken" });
    expect(mustRead("pages.json", [{ ...list, NextMarker: "m1" }, { EventSourceMappings: [] }]).pagination).toEqual({ truncated: false, path: "[1].NextMarker" });
    const merged = mustRead("merged.json", JSON.stringify({ ...list, NextMarker: "m1" }) + "\n" + JSON.stringify({ ...list.EventSourceMappings[0]!, UUID: "d4" }));
    expect(merged.functionPatches).toHaveLength(4);
    expect(merged.pagination).toEqual({ truncated: true, path: "[0].NextMarker" });
    expect(normalizeFragments([merged], { lookupManagedPolicy: null }).document.meta.partial).toBe(true);
  });
  it("one file of every region's list (a shell loop over the regions): each region's list is judged on its own last page", () => {
    const euWest = { EventSourceMappings: [{ ...list.EventSourceMappings[0]!, UUID: "e5", FunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:eu-fn" }] };
    const f = mustRead("all-regions.json", JSON.stringify({ ...list, NextToken: "t1" }) + "\n" + JSON.stringify(euWest));
    expect(f.listPages).toEqual([
      { truncated: true, path: "[0].NextToken", region: "us-west-2" },
      { truncated: false, path: "[1].NextMarker", region: "eu-west-1" },
    ]);
    const doc = normalizeFragments([f], { lookupManagedPolicy: null }).document;
    expect(doc.meta.partial).toBe(true);
    expect(doc.meta.warnings.filter((w) => w.code === "truncated-pagination").map((w) => [w.file, w.path])).toEqual([["all-regions.json", "[0].NextToken"]]);
  });
  it("a cut list is completed only by the final page of the same account's list, and of the same function's when a collector's path names it", () => {
    const other = "210987654321";
    const cut = mustRead("a/esm.json", { ...list, NextMarker: "m1" });
    expect(cut.source).toMatchObject({ accountId: ACCOUNT, region: "us-west-2" });
    const codes = (fragments: Parameters<typeof normalizeFragments>[0]) => normalizeFragments(fragments, { lookupManagedPolicy: null }).document.meta.warnings.filter((w) => w.code === "truncated-pagination").map((w) => w.file);
    // Another account's whole list in the same region says nothing about this account's mappings.
    const otherAccount = mustRead("b/esm.json", { EventSourceMappings: [{ ...list.EventSourceMappings[0]!, FunctionArn: `arn:aws:lambda:us-west-2:${other}:function:my-function` }] });
    expect(codes([cut, otherAccount])).toEqual(["a/esm.json"]);
    expect(codes([cut, mustRead("a/esm-2.json", { EventSourceMappings: [list.EventSourceMappings[0]!] })])).toEqual([]);
    // cloudmapper's per-function files (lambda-list-event-source-mappings/<function>): the whole
    // list of one function does not complete the region's list, nor another function's.
    const at = (fn: string) => ({ call: "lambda-list-event-source-mappings", service: "lambda", parameter: fn, region: "us-west-2" });
    const perFunction = mustRead("us-west-2/lambda-list-event-source-mappings/other", { EventSourceMappings: [] }, at("other"));
    expect(perFunction.pagination).toEqual({ truncated: false, path: "NextMarker", scope: "name:other" });
    expect(codes([cut, perFunction])).toEqual(["a/esm.json"]);
    const cutOfOne = mustRead("us-west-2/lambda-list-event-source-mappings/my-function", { ...list, NextMarker: "m1" }, at("my-function"));
    expect(codes([cutOfOne, perFunction])).toEqual(["us-west-2/lambda-list-event-source-mappings/my-function"]);
  });
});

describe("function URL and event invoke config readers", () => {
  it("get-function-url-config (synthetic, botocore GetFunctionUrlConfigResponse)", () => {
    const f = mustRead("url.json", {
      FunctionUrl: "https://abcdefg.lambda-url.us-west-2.on.aws/",
      FunctionArn: "arn:aws:lambda:us-west-2:123456789012:function:my-function",
      AuthType: "NONE",
      CreationTime: "2021-09-30T18:15:56.103557Z",
      LastModifiedTime: "2021-09-30T18:15:56.103557Z",
    });
    expect(f.source.kind).toBe("lambda-function-url");
    expect(f.functionPatches[0]!.patch.functionUrl).toEqual({ authType: "NONE", url: "https://abcdefg.lambda-url.us-west-2.on.aws/", qualifier: null });
  });
  it("list-function-url-configs with an alias qualifier", () => {
    const f = mustRead("urls.json", { FunctionUrlConfigs: [{ FunctionUrl: "https://x.lambda-url.us-west-2.on.aws/", FunctionArn: "arn:aws:lambda:us-west-2:123456789012:function:f:prod", AuthType: "AWS_IAM" }] });
    expect(f.functionPatches[0]).toMatchObject({ qualifier: "prod", patch: { functionUrl: { authType: "AWS_IAM", qualifier: "prod" } } });
  });
  it("get-function-event-invoke-config [CLI-EX]: BLUE alias, empty OnSuccess, epoch LastModified", () => {
    const f = mustRead("eic.json", {
      LastModified: 1577824396.653,
      FunctionArn: "arn:aws:lambda:us-east-2:123456789012:function:my-function:BLUE",
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnSuccess: {}, OnFailure: { Destination: "arn:aws:sqs:us-east-2:123456789012:failed-invocations" } },
    });
    expect(f.source.kind).toBe("lambda-event-invoke-config");
    expect(f.functionPatches[0]).toMatchObject({
      functionArn: "arn:aws:lambda:us-east-2:123456789012:function:my-function",
      qualifier: "BLUE",
      patch: { destinations: { onSuccess: null, onFailure: "arn:aws:sqs:us-east-2:123456789012:failed-invocations" } },
    });
  });
});

describe("per-function lists cut short (list-function-url-configs, list-function-event-invoke-configs)", () => {
  // Both calls take --function-name and answer at most MaxItems (50) configs a call, one per
  // qualifier, with a NextMarker while more follow (Lambda API Reference, ListFunctionUrlConfigs and
  // ListFunctionEventInvokeConfigs); the AWS CLI writes its own NextToken under --max-items.
  const FN = `arn:aws:lambda:us-west-2:${ACCOUNT}:function:my-function`;
  const OTHER = `arn:aws:lambda:us-west-2:${ACCOUNT}:function:other`;
  const url = (fn: string, qualifier: string | null, authType: string) => ({
    FunctionUrl: `https://${qualifier ?? "latest"}.lambda-url.us-west-2.on.aws/`,
    FunctionArn: qualifier ? `${fn}:${qualifier}` : fn,
    AuthType: authType,
    CreationTime: "2026-09-30T18:15:56.103557Z",
    LastModifiedTime: "2026-09-30T18:15:56.103557Z",
    InvokeMode: "BUFFERED",
  });
  const invoke = (fn: string, qualifier: string, failure: string) => ({
    LastModified: 1577824396.653,
    FunctionArn: `${fn}:${qualifier}`,
    MaximumRetryAttempts: 0,
    MaximumEventAgeInSeconds: 3600,
    DestinationConfig: { OnSuccess: {}, OnFailure: { Destination: `arn:aws:sqs:us-west-2:${ACCOUNT}:${failure}` } },
  });
  const urls = (fn: string, extra: object = {}) => ({ FunctionUrlConfigs: [url(fn, "live", "AWS_IAM")], ...extra });
  const invokes = (fn: string, extra: object = {}) => ({ FunctionEventInvokeConfigs: [invoke(fn, "live", "failed")], ...extra });
  const truncation = (fragments: Parameters<typeof normalizeFragments>[0]) => {
    const doc = normalizeFragments(fragments, { lookupManagedPolicy: null }).document;
    return { partial: doc.meta.partial, warnings: doc.meta.warnings.filter((w) => w.code === "truncated-pagination") };
  };

  for (const [kind, list, key] of [
    ["lambda-function-url", urls, "FunctionUrlConfigs"],
    ["lambda-event-invoke-config", invokes, "FunctionEventInvokeConfigs"],
  ] as const) {
    it(`${kind}: the API's NextMarker or the AWS CLI's NextToken on the last page is truncated-pagination naming the file and the function; meta.partial`, () => {
      for (const token of ["NextMarker", "NextToken"]) {
        const f = mustRead("page.json", list(FN, { [token]: "eyJNYXJrZXIiOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ==" }));
        expect(f.source.kind).toBe(kind);
        expect(f.listPages).toEqual([{ truncated: true, path: token, scope: FN }]);
        const { partial, warnings } = truncation([f]);
        expect(partial).toBe(true);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatchObject({ severity: "error", file: "page.json", path: token });
        expect(warnings[0]!.message).toContain(`of function ${FN}`);
      }
      // The whole list (no token, or the empty one some SDKs write) is no warning.
      for (const whole of [list(FN), list(FN, { NextMarker: "" })]) {
        const f = mustRead("all.json", whole);
        expect(f.listPages).toEqual([{ truncated: false, path: "NextMarker", scope: FN }]);
        expect(truncation([f])).toEqual({ partial: false, warnings: [] });
      }
    });

    it(`${kind}: only the final page of the same function's list completes a cut one`, () => {
      const cut = mustRead("my-function-1.json", list(FN, { NextMarker: "m1" }));
      // Pages one per file: the final page of the same function completes the list.
      expect(truncation([cut, mustRead("my-function-2.json", list(FN))])).toEqual({ partial: false, warnings: [] });
      // Another function's whole list says nothing about this one's missing pages.
      const { partial, warnings } = truncation([cut, mustRead("other.json", list(OTHER))]);
      expect(partial).toBe(true);
      expect(warnings.map((w) => w.file)).toEqual(["my-function-1.json"]);
      // Pages kept in one file, one after the other or as an array: every page is read, the last decides.
      const pages = JSON.stringify(list(FN, { NextMarker: "m1" })) + "\n" + JSON.stringify({ [key]: [] });
      const joined = mustRead("pages.json", pages);
      expect(joined.functionPatches).toHaveLength(1);
      expect(joined.listPages).toEqual([{ truncated: false, path: "[1].NextMarker", scope: FN }]);
      const array = mustRead("pages.json", [list(FN, { NextMarker: "m1" }), list(FN, { NextToken: "t2" })]);
      expect(array.functionPatches).toHaveLength(2);
      expect(array.listPages).toEqual([{ truncated: true, path: "[1].NextToken", scope: FN }]);
    });

    it(`${kind}: one file of every function's list (a shell loop with --max-items): each function's list is judged on its own last page`, () => {
      // Before, only the file's last page counted: the cut list of the first function went unreported.
      const loop = [JSON.stringify(list(FN, { NextToken: "t1" })), JSON.stringify(list(OTHER))].join("\n");
      const f = mustRead("all-functions.json", loop);
      expect(f.functionPatches).toHaveLength(2);
      expect(f.listPages).toEqual([
        { truncated: true, path: "[0].NextToken", scope: FN },
        { truncated: false, path: "[1].NextMarker", scope: OTHER },
      ]);
      const { partial, warnings } = truncation([f]);
      expect(partial).toBe(true);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ file: "all-functions.json", path: "[0].NextToken" });
      expect(warnings[0]!.message).toContain(`of function ${FN}`);
      // The next page of the first function, saved after them, completes its list; so does its final page in another file.
      const resumed = loop + "\n" + JSON.stringify(list(FN));
      expect(truncation([mustRead("all-functions.json", resumed)])).toEqual({ partial: false, warnings: [] });
      expect(truncation([f, mustRead("my-function-2.json", list(FN))])).toEqual({ partial: false, warnings: [] });
      // An empty page after a cut one is that list's next (final) page.
      expect(mustRead("pages.json", [list(FN, { NextMarker: "m1" }), { [key]: [] }]).listPages).toEqual([{ truncated: false, path: "[1].NextMarker", scope: FN }]);
    });

    it(`${kind}: a cut page that names no function (an empty page) is completed by no other file`, () => {
      const empty = mustRead("empty.json", { [key]: [], NextMarker: "m1" });
      expect(empty.listPages).toEqual([{ truncated: true, path: "NextMarker", scope: "file:empty.json" }]);
      const { partial, warnings } = truncation([empty, mustRead("all.json", list(FN))]);
      expect(partial).toBe(true);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.message).toContain("the function it is of is not named in it");
      // In a collector layout the path names the function: its final page completes it.
      const context = { call: "lambda-list-function-url-configs", service: "lambda", parameter: FN, region: "us-west-2" };
      const named = mustRead("us-west-2/lambda-list-function-url-configs/my-function.json", { [key]: [], NextMarker: "m1" }, context);
      expect(named.listPages!.map((p) => p.scope)).toEqual([FN]);
    });
  }
});

describe("list-tags reader", () => {
  it("needs the function from the path (file named after the ARN)", () => {
    const named = mustRead("exports/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Atagged.json", { Tags: { env: "prod" } });
    expect(named.functionPatches[0]).toMatchObject({ functionArn: "arn:aws:lambda:us-east-1:123456789012:function:tagged", patch: { tags: { env: "prod" } } });
    const anonymous = readValue("tags.json", { Tags: { env: "prod" } });
    expect(anonymous.fragment!.functionPatches).toEqual([]);
    expect(anonymous.fragment!.warnings[0]!.code).toBe("unattributable-record");
  });
});

describe("list-capacity-providers reader (synthetic, Lambda API Reference ListCapacityProviders)", () => {
  const provider = (name: string, role: string) => ({
    CapacityProviderArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:capacity-provider:${name}`,
    State: "Active",
    VpcConfig: { SubnetIds: ["subnet-0a1b"], SecurityGroupIds: ["sg-0c2d"] },
    PermissionsConfig: { CapacityProviderOperatorRoleArn: `arn:aws:iam::${ACCOUNT}:role/${role}` },
    InstanceRequirements: { Architectures: ["arm64"] },
    CapacityProviderScalingConfig: { MaxVCpuCount: 40, ScalingMode: "Auto" },
    LastModified: "2026-10-02T09:14:07.000+0000",
  });
  const operatorRole = {
    RoleDetailList: [
      {
        Path: "/",
        RoleName: "lmi-operator",
        RoleId: "AROAEXAMPLEOP",
        Arn: `arn:aws:iam::${ACCOUNT}:role/lmi-operator`,
        CreateDate: "2026-10-01T00:00:00Z",
        AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] },
        RolePolicyList: [],
        AttachedManagedPolicies: [],
        Tags: [],
        RoleLastUsed: {},
      },
    ],
    UserDetailList: [],
    GroupDetailList: [],
    Policies: [],
  };

  it("puts each provider's operator role use on the role of the IAM export, whatever the file order", () => {
    const list = mustRead("lambda/us-east-1/list-capacity-providers.json", { CapacityProviders: [provider("cp-b", "lmi-operator"), provider("cp-a", "lmi-operator")] });
    expect(list.source).toMatchObject({ kind: "lambda-capacity-providers", records: 2, region: "us-east-1", accountId: ACCOUNT });
    const iam = mustRead("iam.json", operatorRole);
    for (const order of [[list, iam], [iam, list]]) {
      const role = normalizeFragments(order, { lookupManagedPolicy: null }).document.roles[0]!;
      expect(role.lambdaServiceUses).toEqual([
        { kind: "capacity-provider-operator", resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:capacity-provider:cp-a` },
        { kind: "capacity-provider-operator", resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:capacity-provider:cp-b` },
      ]);
    }
    // A role no provider names carries no list at all.
    expect(normalizeFragments([iam], { lookupManagedPolicy: null }).document.roles[0]!.lambdaServiceUses).toBeUndefined();
  });

  it("reads get-capacity-provider too; a provider without its operator role is an error naming it; a cut list is partial", () => {
    const one = mustRead("get-capacity-provider.json", { CapacityProvider: provider("cp-a", "lmi-operator") });
    expect(one.roleUses).toEqual([{ roleArn: `arn:aws:iam::${ACCOUNT}:role/lmi-operator`, kind: "capacity-provider-operator", resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:capacity-provider:cp-a` }]);
    const { PermissionsConfig: _p, ...noRole } = provider("cp-x", "r");
    const bad = mustRead("list.json", { CapacityProviders: [noRole, provider("cp-a", "lmi-operator")] });
    expect(bad.roleUses).toHaveLength(1);
    expect(bad.partial).toBe(true);
    expect(bad.warnings[0]).toMatchObject({ severity: "error", file: "list.json", path: "CapacityProviders[0].PermissionsConfig" });
    expect(bad.warnings[0]!.message).toContain("capacity provider arn:aws:lambda:us-east-1:123456789012:capacity-provider:cp-x names no operator role");
    const cut = mustRead("page1.json", { CapacityProviders: [provider("cp-a", "lmi-operator")], NextMarker: "eyJ" });
    expect(normalizeFragments([cut], { lookupManagedPolicy: null }).document.meta.warnings.map((w) => w.code)).toContain("truncated-pagination");
    const pages = mustRead("pages.json", [{ CapacityProviders: [provider("cp-a", "lmi-operator")], NextMarker: "eyJ" }, { CapacityProviders: [provider("cp-b", "lmi-operator")] }]);
    expect(pages.roleUses!.map((u) => u.resource.split(":").pop())).toEqual(["cp-a", "cp-b"]);
    expect(normalizeFragments([pages], { lookupManagedPolicy: null }).document.meta.warnings.map((w) => w.code)).not.toContain("truncated-pagination");
  });

  it("list-capacity-providers --max-items (the AWS CLI's NextToken in place of the API's NextMarker) is read, and partial; so is a cut page a get-capacity-provider output follows", () => {
    // Before, the NextToken key made the file unrecognised ("not an input leastrole reads"), and
    // the operator roles of the providers it did hold were not read either.
    const { fragment, warnings } = readValue("cut.json", { CapacityProviders: [provider("cp-a", "lmi-operator")], NextToken: "eyJNYXJrZXIiOiAiYWJjIn0=" });
    expect(warnings).toEqual([]);
    expect(fragment!.roleUses).toHaveLength(1);
    expect(fragment!.pagination).toEqual({ truncated: true, path: "NextToken" });
    const doc = normalizeFragments([fragment!], { lookupManagedPolicy: null }).document;
    expect(doc.meta.warnings.find((w) => w.code === "truncated-pagination")).toMatchObject({ severity: "error", file: "cut.json", path: "NextToken" });
    expect(doc.meta.partial).toBe(true);
    // Every region's list in one file (a shell loop over the regions): each region's last page counts.
    const euProvider = { ...provider("cp-eu", "lmi-operator"), CapacityProviderArn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:capacity-provider:cp-eu` };
    const regions = mustRead("all-regions.json", JSON.stringify({ CapacityProviders: [provider("cp-a", "lmi-operator")], NextToken: "t1" }) + "\n" + JSON.stringify({ CapacityProviders: [euProvider] }));
    expect(regions.listPages).toEqual([
      { truncated: true, path: "[0].NextToken", region: "us-east-1" },
      { truncated: false, path: "[1].NextMarker", region: "eu-west-1" },
    ]);
    expect(normalizeFragments([regions], { lookupManagedPolicy: null }).document.meta.warnings.filter((w) => w.code === "truncated-pagination").map((w) => w.path)).toEqual(["[0].NextToken"]);
    // A get-capacity-provider output after the cut page (a hand-merged file) does not make the list whole.
    const merged = mustRead("merged.json", JSON.stringify({ CapacityProviders: [provider("cp-a", "lmi-operator")], NextMarker: "eyJ" }) + "\n" + JSON.stringify({ CapacityProvider: provider("cp-b", "lmi-operator") }));
    expect(merged.roleUses).toHaveLength(2);
    expect(merged.pagination).toEqual({ truncated: true, path: "[0].NextMarker" });
  });
});

describe("authorization details reader", () => {
  const role = (name: string, extra: object = {}) => ({
    Path: "/service-role/",
    RoleName: name,
    RoleId: "AROAEXAMPLE",
    Arn: `arn:aws:iam::123456789012:role/service-role/${name}`,
    CreateDate: "2019-08-07T01:43:56Z",
    AssumeRolePolicyDocument: "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22lambda.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D",
    RolePolicyList: [],
    AttachedManagedPolicies: [],
    Tags: [{ Key: "team", Value: "a" }],
    RoleLastUsed: {},
    ...extra,
  });
  it("all three policy encodings; pages as an array and concatenated; IsTruncated on the last page is partial", () => {
    const page1 = { RoleDetailList: [role("one", { RolePolicyList: [{ PolicyName: "p", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: "*" } }) }] })], IsTruncated: true, Marker: "m1" };
    const page2 = { RoleDetailList: [role("two", { RolePolicyList: [{ PolicyName: "q", PolicyDocument: { Statement: [{ Effect: "Allow", Action: ["sqs:SendMessage"], Resource: "*" }] } }] })], IsTruncated: false };
    for (const text of [JSON.stringify([page1, page2]), JSON.stringify(page1) + "\n" + JSON.stringify(page2)]) {
      const { fragment } = readValue("pages.json", text);
      expect(fragment!.roles.map((r) => r.name)).toEqual(["one", "two"]);
      expect(fragment!.roles[0]!.trustPolicy!.Statement[0]!.Principal).toEqual({ Service: ["lambda.amazonaws.com"] });
      expect(fragment!.roles[0]!.inlinePolicies[0]!.document.Statement[0]!.Action).toEqual(["s3:GetObject"]);
      expect(fragment!.roles[0]!.lastUsed).toEqual({ date: null, region: null });
      expect(fragment!.partial).toBe(false);
    }
    // Pages as separate files: complete when some file has the final page, partial otherwise.
    const p1 = readValue("page1.json", page1).fragment!;
    const p2 = readValue("page2.json", page2).fragment!;
    expect(p1.pagination).toEqual({ truncated: true, path: "IsTruncated" });
    expect(normalizeFragments([p1, p2]).document.meta.partial).toBe(false);
    const alone = normalizeFragments([p1]).document;
    expect(alone.meta.partial).toBe(true);
    expect(alone.meta.warnings.find((w) => w.code === "truncated-pagination")).toMatchObject({ severity: "error", file: "page1.json", path: "IsTruncated" });
    expect(alone.meta.sources[0]).toMatchObject({ path: "page1.json", partial: true });
    expect(normalizeFragments([p1, p2]).document.meta.sources.map((s) => s.partial)).toEqual([undefined, undefined]);
  });
  it("the AWS CLI's NextToken (--max-items cut the output; it drops IsTruncated and Marker) is partial like IsTruncated", () => {
    const page = { RoleDetailList: [role("one")], Policies: [], NextToken: "eyJNYXJrZXIiOiAiQUJDIiwgImJvdG9fdHJ1bmNhdGVfYW1vdW50IjogMX0=" };
    const f = readValue("authz.json", page).fragment!;
    expect(f.pagination).toEqual({ truncated: true, path: "NextToken" });
    const doc = normalizeFragments([f]).document;
    expect(doc.meta.partial).toBe(true);
    expect(doc.meta.warnings.find((w) => w.code === "truncated-pagination")).toMatchObject({ severity: "error", file: "authz.json", path: "NextToken" });
    // Pages concatenated in one file: only the last page's token counts.
    const both = readValue("pages.json", JSON.stringify(page) + "\n" + JSON.stringify({ RoleDetailList: [role("two")] })).fragment!;
    expect(both.pagination).toEqual({ truncated: false, path: "[1].IsTruncated" });
  });
  it("a last page that kept the API's Marker without IsTruncated true is partial: the Marker says more pages follow", () => {
    // GetAccountAuthorizationDetails: "When IsTruncated is true, this element [Marker] is present".
    for (const page of [{ RoleDetailList: [role("one")], Marker: "AAEAAWE2" }, { RoleDetailList: [role("one")], IsTruncated: false, Marker: "AAEAAWE2" }]) {
      const f = readValue("authz.json", page).fragment!;
      expect(f.pagination).toEqual({ truncated: true, path: "Marker" });
      const doc = normalizeFragments([f]).document;
      expect(doc.meta.partial).toBe(true);
      expect(doc.meta.warnings.find((w) => w.code === "truncated-pagination")).toMatchObject({ severity: "error", file: "authz.json", path: "Marker" });
    }
    // No marker, or an empty one, with IsTruncated false or absent: the whole export.
    for (const page of [{ RoleDetailList: [role("one")] }, { RoleDetailList: [role("one")], IsTruncated: false, Marker: "" }]) {
      expect(readValue("authz.json", page).fragment!.pagination).toEqual({ truncated: false, path: "IsTruncated" });
    }
  });
  it("one file of several accounts' exports (a loop over the accounts' profiles): each account's export is judged on its own last page", () => {
    const other = { ...role("elsewhere"), Arn: "arn:aws:iam::210987654321:role/service-role/elsewhere" };
    const cut = { RoleDetailList: [role("one")], NextToken: "eyJNYXJrZXIiOiAiQUJDIn0=" };
    const f = readValue("accounts.json", JSON.stringify(cut) + "\n" + JSON.stringify({ RoleDetailList: [other], IsTruncated: false })).fragment!;
    expect(f.listPages).toEqual([
      { truncated: true, path: "[0].NextToken", accountId: "123456789012" },
      { truncated: false, path: "[1].IsTruncated", accountId: "210987654321" },
    ]);
    // Before, only the file's last page (the other account's, whole) counted.
    const doc = normalizeFragments([f]).document;
    expect(doc.meta.partial).toBe(true);
    const warnings = doc.meta.warnings.filter((w) => w.code === "truncated-pagination");
    expect(warnings.map((w) => [w.file, w.path])).toEqual([["accounts.json", "[0].NextToken"]]);
    expect(warnings[0]!.message).toContain("of account 123456789012");
    // A page of AWS managed policies alone after the cut page is that export's next (final) page.
    const awsOnly = { Policies: [{ PolicyName: "AWSLambdaBasicExecutionRole", Arn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", DefaultVersionId: "v1", PolicyVersionList: [{ VersionId: "v1", IsDefaultVersion: true, Document: { Version: "2012-10-17", Statement: [] } }] }], IsTruncated: false };
    const whole = readValue("accounts.json", [cut, awsOnly, { RoleDetailList: [other] }].map((p) => JSON.stringify(p)).join("\n")).fragment!;
    expect(whole.listPages).toEqual([
      { truncated: false, path: "[1].IsTruncated", accountId: "123456789012" },
      { truncated: false, path: "[2].IsTruncated", accountId: "210987654321" },
    ]);
    expect(normalizeFragments([whole]).document.meta.warnings.map((w) => w.code)).not.toContain("truncated-pagination");
  });
  it("a CreateDate given but unreadable is warned and leaves the role's age unknown, not absent", () => {
    const { fragment } = readValue("authz.json", { RoleDetailList: [role("odd", { CreateDate: "Tuesday" }), role("ps", { CreateDate: "/Date(1763460000000)/" }), role("none", { CreateDate: null })] });
    expect(fragment!.roles.map((r) => [r.name, r.createDate, r.createDateUnreadable])).toEqual([
      ["odd", null, true],
      ["ps", "2025-11-18T10:00:00.000Z", undefined],
      ["none", null, undefined],
    ]);
    expect(fragment!.warnings.map((w) => [w.code, w.path])).toEqual([["invalid-timestamp", "RoleDetailList[0].CreateDate"]]);
  });
  it("an invalid inline policy: reported with its path, the role kept and marked incomplete", () => {
    const { fragment } = readValue("authz.json", { RoleDetailList: [role("bad", { RolePolicyList: [{ PolicyName: "broken", PolicyDocument: { Statement: [{ Effect: "Allow", Resource: "*" }] } }] })] });
    expect(fragment!.roles).toHaveLength(1);
    expect(fragment!.incompletePrincipals).toEqual(["arn:aws:iam::123456789012:role/service-role/bad"]);
    expect(fragment!.warnings[0]).toMatchObject({ severity: "error", file: "authz.json" });
    expect(fragment!.warnings[0]!.path).toMatch(/^RoleDetailList\[0\]\.RolePolicyList\[0\]\.PolicyDocument\.Statement\[0\]/);
  });
  it("a role without Arn is dropped with its path; the others stay", () => {
    const { fragment } = readValue("authz.json", { RoleDetailList: [{ RoleName: "x" }, role("ok")] });
    expect(fragment!.roles.map((r) => r.name)).toEqual(["ok"]);
    expect(fragment!.warnings[0]).toMatchObject({ path: "RoleDetailList[0].Arn", severity: "error" });
  });
});

describe("detection by content", () => {
  it("iam list-policies ({Policies} without documents) is not taken for an authorization details export", () => {
    const listPolicies = { Policies: [{ PolicyName: "AWSLambdaBasicExecutionRole", Arn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", DefaultVersionId: "v1", AttachmentCount: 3 }], IsTruncated: false };
    const r = readValue("list-policies.json", listPolicies);
    expect(r.fragment).toBeNull();
    expect(r.warnings[0]).toMatchObject({ code: "input-not-used", severity: "info" });
    expect(mustRead("filtered.json", { Policies: [] }).source.kind).toBe("iam-authorization-details");
    expect(readValue("roles.json", { Roles: [{ RoleName: "r", Arn: "arn:aws:iam::123456789012:role/r" }] }).warnings[0]).toMatchObject({ code: "input-not-used", severity: "info" });
  });
  it("IAM outputs about the account, not its roles (get-account-summary, get-credential-report, list-saml/open-id-connect-providers) are info, not a warning that makes the inputs partial", () => {
    // As the AWS CLI and cloudmapper's account-data/ write them (IAM API Reference response shapes).
    const outputs: Array<[string, unknown, string]> = [
      ["iam-get-account-summary.json", { SummaryMap: { Roles: 4, Policies: 2, AccountMFAEnabled: 1 } }, "iam get-account-summary output"],
      ["iam-get-credential-report.json", { Content: "dXNlcixhcm4K", ReportFormat: "text/csv", GeneratedTime: "2019-04-30T16:26:38+00:00" }, "iam get-credential-report output"],
      ["iam-list-saml-providers.json", { SAMLProviderList: [] }, "iam list-saml-providers output"],
      ["oidc.json", { OpenIDConnectProviderList: [{ Arn: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }] }, "iam list-open-id-connect-providers output"],
    ];
    for (const [file, value, what] of outputs) {
      const r = readValue(file, value);
      expect(r.fragment).toBeNull();
      expect(r.warnings).toHaveLength(1);
      expect(r.warnings[0]).toMatchObject({ code: "input-not-used", severity: "info", file });
      expect(r.warnings[0]?.message).toContain(what);
    }
  });
  it("a YAML template is recognised with a comment after Resources: or quoted keys, as YAML allows", () => {
    // Before, only a bare `Resources:` line was taken for a template: `Resources: # the stack` (a
    // common habit) or `"Resources":` made the template "not a JSON file (it does not start with { or [)".
    const body = (resourcesLine: string, typeKey = "Type") =>
      [
        'AWSTemplateFormatVersion: "2010-09-09"',
        resourcesLine,
        "  Role:",
        `    ${typeKey}: AWS::IAM::Role # the function's role`,
        "    Properties:",
        '      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: "sts:AssumeRole"}]}',
        "",
      ].join("\n");
    const crlf = (text: string) => text.replace(/\n/g, "\r\n");
    for (const text of [body("Resources:"), body("Resources: # every resource of the stack"), body('"Resources":', '"Type"'), body("'Resources' :"), crlf(body("Resources:")), crlf(body("Resources: # the stack"))]) {
      const r = readValue("template.yaml", text);
      expect(r.warnings, text).toEqual([]);
      expect(r.fragment?.source.kind, text).toBe("cloudformation");
      expect(r.fragment?.roles.map((x) => x.name), text).toEqual(["Role"]);
    }
  });
  it("a YAML template indented as a whole is recognised, as YAML allows (a top-level mapping at any indentation)", () => {
    // AWS Quick Start's CIS benchmark template (cfn-lint's test/fixtures/templates/quickstart/cis_benchmark.yaml)
    // indents every line by two spaces under `---`: before, "YAML, but not a CloudFormation or SAM template".
    const text = [
      "---",
      "",
      "  # the stack's own comment",
      '  AWSTemplateFormatVersion: "2010-09-09"',
      "  Resources:",
      "    Role:",
      "      Type: AWS::IAM::Role",
      "      Properties:",
      '        AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: "sts:AssumeRole"}]}',
      "",
    ].join("\n");
    const r = readValue("cis_benchmark.yaml", text);
    expect(r.warnings).toEqual([]);
    expect(r.fragment?.source.kind).toBe("cloudformation");
    expect(r.fragment?.roles.map((x) => x.name)).toEqual(["Role"]);
    // A nested `Resources:` key is still not a template's (a mapping whose top-level keys are at column 0).
    const nested = ["Metadata:", "  Resources:", "    Role:", "      Type: AWS::IAM::Role", ""].join("\n");
    expect(readValue("other.yaml", nested).warnings[0]?.message).toContain("YAML, but not a CloudFormation or SAM template");
  });
  it("an empty file named on the command line is said to be empty", () => {
    // README lists "empty" among the files that exit 2; before, it was "not a JSON file (it does not start with { or [)".
    for (const text of ["", "\n  \n"]) {
      const w = readValue("iam.json", text).warnings;
      expect(w).toEqual([{ code: "not-json", severity: "error", file: "iam.json", message: "empty file (no bytes, or only white space): not an input; write it again" }]);
    }
  });
  it("a binary Terraform plan file says how to make the JSON leastrole reads", () => {
    // A saved plan (`terraform plan -out`, a zip whose first entry is tfplan), often named
    // plan.json or tfplan.json in CI: before, only "not a JSON file (it does not start with { or [)".
    const bin = readFileSync(new URL("../iac/fixtures/terraform-partial-plans/target.bin", import.meta.url));
    const explicit = readSourceBytes("tfplan.json", bin, { explicit: true }).warnings;
    expect(explicit).toEqual([expect.objectContaining({ code: "not-json", severity: "error", file: "tfplan.json" })]);
    expect(explicit[0]?.message).toContain("a binary Terraform plan file (`terraform plan -out`); leastrole reads its JSON: `terraform show -json <plan file> > plan.json`");
    // Met in a folder: skipped, saying what it is.
    expect(readSourceBytes("plan.bin", bin).warnings).toEqual([expect.objectContaining({ code: "input-not-used", severity: "info", message: expect.stringContaining("a binary Terraform plan file") })]);
    // Another zip is not taken for one.
    const other = Buffer.from(bin);
    other.write("xfplan", 30, "latin1");
    expect(readSourceBytes("other.json", other, { explicit: true }).warnings[0]?.message).not.toContain("Terraform plan");
  });
  it("a YAML file that is no template says so, not only that it is not JSON", () => {
    // Before: "not a JSON file (it does not start with { or [)" for a .yaml named on the command
    // line, which reads as if YAML templates were not accepted at all.
    for (const [file, text] of [["stack.yaml", "Parameters:\n  Env: {Type: String}\n"], ["broken.yml", "a: [1\n"]] as const) {
      const w = readValue(file, text).warnings[0];
      expect(w).toMatchObject({ code: "not-json", severity: "error", file });
      expect(w?.message).toContain("YAML, but not a CloudFormation or SAM template");
    }
  });
  it("file names do not matter; unknown JSON is a warning met in a folder, an error (the inputs partial) given explicitly, as non-JSON is", () => {
    expect(mustRead("whatever.txt", GET_FUNCTION).source.kind).toBe("lambda-functions");
    expect(readWalked("x.json", { Buckets: [] }).warnings[0]).toMatchObject({ code: "unrecognized-input", severity: "warning", file: "x.json" });
    expect(readValue("x.json", { Buckets: [] }).warnings[0]).toMatchObject({ code: "unrecognized-input", severity: "error", file: "x.json" });
    expect(readValue("notes.md", "# hello").warnings[0]).toMatchObject({ code: "not-json", severity: "error" });
  });
  it("in a collector's folder, an IAM or Lambda call no reader takes is info; an unrecognised file of a call one takes stays a warning; named, an error", () => {
    // cloudmapper's collect writes every call it makes (account-data/<account>/<region>/<service>-<call>.json):
    // before, its IAM summaries and credential report were warnings, listed as partial data.
    // (The shapes of some are recognised by their content, input-not-used; any other call's is judged by its name.)
    const other = { Whatever: [{ Id: "x" }] };
    for (const call of ["iam-list-virtual-mfa-devices", "iam-get-account-password-policy", "lambda-list-provisioned-concurrency-configs", "lambda-get-account-settings"]) {
      expect(readWalked(`account-data/demo/us-east-1/${call}.json`, other).warnings[0], call).toMatchObject({ code: "unrecognized-input", severity: "info" });
    }
    // leastrole collect's layout (<service>/<region>/<call>/<name>.json): the same.
    expect(readWalked("lambda/us-east-1/get-account-settings.json", { AccountLimit: {}, AccountUsage: {} }).warnings[0]).toMatchObject({ code: "unrecognized-input", severity: "info" });
    // list-layers is read (the layer versions LR022 judges): in a shape no reader knows, a warning.
    expect(readWalked("account-data/demo/us-east-1/lambda-list-layers.json", other).warnings[0]).toMatchObject({ code: "unrecognized-input", severity: "warning" });
    // A call whose output is read, in a shape no reader knows: damaged or new, worth a warning.
    expect(readWalked("account-data/demo/us-east-1/lambda-get-policy/orders.json", { Unexpected: true }).warnings[0]).toMatchObject({ code: "unrecognized-input", severity: "warning" });
    expect(readWalked("lambda/us-east-1/get-policy/orders.json", { Unexpected: true }).warnings[0]).toMatchObject({ code: "unrecognized-input", severity: "warning" });
    expect(readWalked("account-data/demo/us-east-1/iam-get-account-authorization-details.json", { Unexpected: true }).warnings[0]).toMatchObject({ code: "unrecognized-input", severity: "warning" });
    // Named by the user, any of them is what the user meant to give: an error.
    expect(readValue("account-data/demo/us-east-1/iam-list-virtual-mfa-devices.json", other).warnings[0]).toMatchObject({ code: "unrecognized-input", severity: "error" });
  });

  it("CloudTrail that reaches the account readers is said to be uncounted, naming no command that does not exist", () => {
    // Before: "read by the usage stage: leastrole usage", a command leastrole does not have, of events it had not read.
    const records = [{ eventVersion: "1.08", eventSource: "s3.amazonaws.com", eventName: "GetObject" }];
    for (const value of [{ Records: records }, records]) {
      const w = readValue("ct.json", value).warnings[0];
      expect(w).toMatchObject({ code: "input-not-used", file: "ct.json" });
      expect(w?.message).toBe("skipped: CloudTrail records, but the file's start was not recognised as activity data, so its events are not counted in the usage");
    }
  });
  it("the unknown-input warning names every kind of input, activity data included", () => {
    const message = readValue("x.json", { Buckets: [] }).warnings[0]?.message ?? "";
    expect(message).toMatch(/^skipped: not an input leastrole reads; accepted: account data \(iam get-account-authorization-details; /);
    for (const named of ["a canonical document", "list-capacity-providers", "list-aliases/get-alias", "CloudFormation/SAM/CDK templates", "terraform show -json plans", "CloudTrail log files", "cloudtrail lookup-events output", "EventBridge events", "filter-log-events/get-log-events or Firehose", "Athena or CloudTrail Lake usage query", "iam get-service-last-accessed-details", "Access Analyzer unused-access findings"]) {
      expect(message).toContain(named);
    }
  });
});

describe("get-account-authorization-details with null lists", () => {
  it("reads an export whose empty lists are written null (Go's encoding of a nil slice), records and nested lists alike", () => {
    const role = {
      Path: "/service-role/",
      RoleName: "fn-role",
      RoleId: "AROAEXAMPLEID",
      Arn: `arn:aws:iam::${ACCOUNT}:role/service-role/fn-role`,
      CreateDate: "2026-01-01T00:00:00Z",
      AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] },
      InstanceProfileList: null,
      RolePolicyList: [{ PolicyName: "logs", PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "logs:PutLogEvents", Resource: "*" }] } }],
      AttachedManagedPolicies: null,
      Tags: null,
      RoleLastUsed: null,
    };
    const fragment = mustRead("gaad.json", { UserDetailList: null, GroupDetailList: null, RoleDetailList: [role], Policies: null, IsTruncated: false, Marker: null });
    expect(fragment.roles.map((r) => [r.arn, r.inlinePolicies.map((p) => p.name), r.attachedPolicies])).toEqual([[role.Arn, ["logs"], []]]);
    expect(mustRead("empty.json", { UserDetailList: null, GroupDetailList: null, RoleDetailList: null, Policies: null }).roles).toEqual([]);
  });
});
