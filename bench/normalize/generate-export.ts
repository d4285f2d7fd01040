/**
 * A synthetic AWS account export for the normaliser benchmark, in the shapes the AWS CLI writes:
 * get-account-authorization-details in pages (URL-encoded trust policies as the raw API returns
 * them, inline policies as objects, customer managed policies with two versions, AWS managed
 * attachments resolved from the shipped data), list-functions per region in pages of 50 (with
 * environment variables, VPC, layers, tracing, DLQ), event source mappings per region, function URL
 * configs and get-policy outputs. Seeded: the same arguments give the same bytes.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"];
export const TEAMS = ["orders", "billing", "users", "search", "reports", "auth", "media", "inventory"];
export const AWS_MANAGED = [
  "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
  "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
  "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole",
  "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
  "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
  "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess",
];

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource: string | string[];
}

/** What a caller needs to know about a generated role to make up calls it may (or may not) make. */
export interface GeneratedRole {
  arn: string;
  name: string;
  /** The role's unique id (AROA…), which CloudTrail puts before the session name in principalId. */
  id: string;
  team: string;
  inlineStatements: PolicyStatement[];
  /** ARNs of the attached managed policies (AWS managed and customer). */
  managedArns: string[];
}

export interface GeneratedFunction {
  name: string;
  arn: string;
  region: string;
  roleArn: string;
  vpc: boolean;
  /** The SQS queue of its event source mapping, when it has one. */
  queueArn: string | null;
}

export interface GeneratedExport {
  dir: string;
  files: string[];
  bytes: number;
  account: string;
  roles: GeneratedRole[];
  functions: GeneratedFunction[];
  /** Customer managed policies: ARN → the secret name pattern its default version grants. */
  customerSecrets: Map<string, string>;
}

export interface ExportShape {
  /** Roles per get-account-authorization-details page file (default 1,000; Infinity: one file, as `aws iam get-account-authorization-details > file` writes it). */
  pageSize?: number;
  /** Policy documents as JSON objects, as the AWS CLI and boto3 print them (default: URL-encoded trust and managed policy documents, as the raw API returns them). */
  decodedPolicies?: boolean;
}

export function generateExport(dir: string, functions: number, roles: number, seed = 7, shape: ExportShape = {}): GeneratedExport {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const account = "123456789012";
  const encode = (doc: object): unknown => (shape.decodedPolicies ? doc : encodeURIComponent(JSON.stringify(doc)));
  const generatedRoles: GeneratedRole[] = [];
  const generatedFunctions: GeneratedFunction[] = [];
  const customerSecrets = new Map<string, string>();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  let bytes = 0;
  const write = (name: string, value: unknown) => {
    const path = join(dir, name);
    mkdirSync(join(path, ".."), { recursive: true });
    const text = JSON.stringify(value, null, 1);
    writeFileSync(path, text);
    files.push(path);
    bytes += Buffer.byteLength(text);
  };

  const customer = Array.from({ length: 50 }, (_, i) => `arn:aws:iam::${account}:policy/team-${TEAMS[i % TEAMS.length]}-${i}`);
  const trust = encode({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
  const roleArns: string[] = [];
  const roleDetails = Array.from({ length: roles }, (_, i) => {
    const team = pick(TEAMS);
    const path = rand() < 0.6 ? "/service-role/" : `/${team}/`;
    const name = `${team}-fn-role-${i}`;
    const arn = `arn:aws:iam::${account}:role${path}${name}`;
    roleArns.push(arn);
    const table = `arn:aws:dynamodb:${pick(REGIONS)}:${account}:table/${team}-${i}`;
    const statements: PolicyStatement[] = [
      { Sid: "Table", Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"], Resource: [table, `${table}/index/*`] },
      { Effect: "Allow", Action: rand() < 0.3 ? "s3:*" : ["s3:GetObject", "s3:PutObject"], Resource: rand() < 0.4 ? "*" : `arn:aws:s3:::${team}-bucket-${i}/*` },
    ];
    if (rand() < 0.2) statements.push({ Effect: "Allow", Action: ["sqs:*", "sns:Publish", "kms:Decrypt"], Resource: "*" });
    if (rand() < 0.05) statements.push({ Effect: "Allow", Action: "*", Resource: "*" });
    const id = `AROA${String(i).padStart(17, "0")}`;
    const attached = [
      { PolicyName: "AWSLambdaBasicExecutionRole", PolicyArn: AWS_MANAGED[0]! },
      ...(rand() < 0.3 ? [{ PolicyName: "x", PolicyArn: pick(AWS_MANAGED.slice(1)) }] : []),
      ...(rand() < 0.2 ? [{ PolicyName: "c", PolicyArn: pick(customer) }] : []),
    ].map((p) => ({ PolicyName: p.PolicyArn.slice(p.PolicyArn.lastIndexOf("/") + 1), PolicyArn: p.PolicyArn }));
    generatedRoles.push({ arn, name, id, team, inlineStatements: statements, managedArns: attached.map((p) => p.PolicyArn) });
    return {
      Path: path,
      RoleName: name,
      RoleId: id,
      Arn: arn,
      CreateDate: "2024-05-06T07:08:09Z",
      AssumeRolePolicyDocument: trust,
      InstanceProfileList: [],
      RolePolicyList: [{ PolicyName: `${name}-inline`, PolicyDocument: { Version: "2012-10-17", Statement: statements } }],
      AttachedManagedPolicies: attached,
      Tags: [{ Key: "team", Value: team }],
      RoleLastUsed: rand() < 0.7 ? { LastUsedDate: "2026-11-20T10:00:00Z", Region: pick(REGIONS) } : {},
    };
  });
  customer.forEach((arn, i) => customerSecrets.set(arn, `team-${i}-`));
  const policies = customer.map((arn, i) => ({
    PolicyName: arn.slice(arn.lastIndexOf("/") + 1),
    PolicyId: `ANPA${i}`,
    Arn: arn,
    Path: "/",
    DefaultVersionId: "v2",
    AttachmentCount: 1,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    CreateDate: "2024-01-01T00:00:00Z",
    UpdateDate: "2024-02-01T00:00:00Z",
    PolicyVersionList: [
      { Document: encode({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: `arn:aws:secretsmanager:*:${account}:secret:team-${i}-*` }] }), VersionId: "v2", IsDefaultVersion: true, CreateDate: "2024-02-01T00:00:00Z" },
      { Document: encode({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "secretsmanager:*", Resource: "*" }] }), VersionId: "v1", IsDefaultVersion: false, CreateDate: "2024-01-01T00:00:00Z" },
    ],
  }));
  // Pages of 1,000 roles, as a raw paginated dump: one file per page, the last with the policies.
  // One file (pageSize Infinity) is what the AWS CLI writes: it follows the markers itself.
  const single = shape.pageSize === Infinity;
  const PAGE = single ? Math.max(1, roleDetails.length) : (shape.pageSize ?? 1000);
  for (let p = 0; p * PAGE < roleDetails.length; p++) {
    const last = (p + 1) * PAGE >= roleDetails.length;
    write(single ? "iam/account-authorization-details.json" : `iam/authorization-details-${String(p).padStart(3, "0")}.json`, {
      UserDetailList: [],
      GroupDetailList: [],
      RoleDetailList: roleDetails.slice(p * PAGE, (p + 1) * PAGE),
      Policies: last ? policies : [],
      IsTruncated: !last,
      ...(last ? {} : { Marker: `page-${p + 1}` }),
    });
  }

  const byRegion = new Map<string, object[]>(REGIONS.map((r) => [r, []]));
  const esm = new Map<string, object[]>(REGIONS.map((r) => [r, []]));
  for (let i = 0; i < functions; i++) {
    const region = pick(REGIONS);
    const team = pick(TEAMS);
    const name = `${team}-${pick(["api", "worker", "cron", "stream"])}-${i}`;
    const arn = `arn:aws:lambda:${region}:${account}:function:${name}`;
    // Most roles serve one function; some functions share (roles are reused modulo the count).
    const role = roleArns[i % roleArns.length]!;
    const vpc = rand() < 0.25;
    byRegion.get(region)!.push({
      FunctionName: name,
      FunctionArn: arn,
      Runtime: pick(["nodejs20.x", "python3.12", "java21", "nodejs22.x"]),
      Role: role,
      Handler: "index.handler",
      CodeSize: 1000 + i,
      Description: "",
      Timeout: 30,
      MemorySize: 256,
      LastModified: "2026-10-01T12:00:00.000+0000",
      CodeSha256: "H4QrZXTeJhAFtZ6dfi7NjMZiGHZfFgGpD38SjX+BaMw=",
      Version: "$LATEST",
      VpcConfig: vpc ? { SubnetIds: ["subnet-1", "subnet-2"], SecurityGroupIds: ["sg-1"], VpcId: "vpc-1" } : { SubnetIds: [], SecurityGroupIds: [], VpcId: "" },
      Environment: { Variables: { TABLE_NAME: `${team}-${i}`, API_KEY: `sk-${Math.floor(rand() * 1e12)}`, LOG_LEVEL: "info" } },
      TracingConfig: { Mode: rand() < 0.3 ? "Active" : "PassThrough" },
      ...(rand() < 0.1 ? { DeadLetterConfig: { TargetArn: `arn:aws:sqs:${region}:${account}:${name}-dlq` } } : {}),
      ...(rand() < 0.2 ? { Layers: [{ Arn: `arn:aws:lambda:${region}:${account}:layer:shared:3`, CodeSize: 1000 }] } : {}),
      RevisionId: `rev-${i}`,
      PackageType: "Zip",
      Architectures: ["arm64"],
      EphemeralStorage: { Size: 512 },
      LoggingConfig: { LogFormat: "Text", LogGroup: `/aws/lambda/${name}` },
    });
    const hasQueue = rand() < 0.3;
    generatedFunctions.push({ name, arn, region, roleArn: role, vpc, queueArn: hasQueue ? `arn:aws:sqs:${region}:${account}:${name}-queue` : null });
    if (hasQueue) esm.get(region)!.push({ UUID: `uuid-${i}`, EventSourceArn: `arn:aws:sqs:${region}:${account}:${name}-queue`, FunctionArn: arn, State: "Enabled", BatchSize: 10, LastModified: 1759320000.5 });
    if (rand() < 0.05) {
      write(`lambda/${region}/urls/${name}.json`, { FunctionUrl: `https://${i}.lambda-url.${region}.on.aws/`, FunctionArn: arn, AuthType: rand() < 0.5 ? "NONE" : "AWS_IAM", CreationTime: "2026-01-01T00:00:00.000Z", LastModifiedTime: "2026-01-01T00:00:00.000Z" });
      write(`lambda/${region}/policies/${name}.json`, { Policy: JSON.stringify({ Version: "2012-10-17", Id: "default", Statement: [{ Sid: "url", Effect: "Allow", Principal: "*", Action: "lambda:InvokeFunctionUrl", Resource: arn, Condition: { StringEquals: { "lambda:FunctionUrlAuthType": "NONE" } } }] }), RevisionId: "r" });
    }
  }
  for (const region of REGIONS) {
    const list = byRegion.get(region)!;
    // list-functions pages hold at most 50 functions; a dump of all pages is concatenated JSON.
    const pages: string[] = [];
    for (let p = 0; p * 50 < list.length; p++) pages.push(JSON.stringify({ Functions: list.slice(p * 50, (p + 1) * 50), ...((p + 1) * 50 < list.length ? { NextMarker: `m${p}` } : {}) }));
    const path = join(dir, `lambda/${region}/list-functions.json`);
    mkdirSync(join(path, ".."), { recursive: true });
    const text = pages.join("\n");
    writeFileSync(path, text);
    files.push(path);
    bytes += Buffer.byteLength(text);
    write(`lambda/${region}/list-event-source-mappings.json`, { EventSourceMappings: esm.get(region)! });
  }
  return { dir, files: files.sort(), bytes, account, roles: generatedRoles, functions: generatedFunctions, customerSecrets };
}
