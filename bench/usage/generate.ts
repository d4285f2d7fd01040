/**
 * Synthetic CloudTrail for the ingestion benchmark: S3-delivered files (`{"Records":[…]}`, gzip)
 * in the `AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/` tree, deterministic (seeded LCG).
 *
 * Record shapes are the real ones from the corpus (invictus-ir-aws-dataset, key order and nesting
 * of S3 delivery): AssumedRole sessions of Lambda execution roles (session name = function name),
 * awslambda_ sessions, EC2 instance-role and IAM-user calls, with requestParameters,
 * responseElements, additionalEventData, tlsDetails and resources as the services write them.
 * About 1.4 KB per record, like the reference benchmark (dependencies.md §5).
 *
 *   npx tsx bench/usage/generate.ts <outDir> <files> <recordsPerFile> [seed]
 */

import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export class Lcg {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (Math.imul(this.s, 1664525) + 1013904223) >>> 0;
    return this.s / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }
  hex(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += "0123456789abcdef"[this.int(16)];
    return s;
  }
  alnum(n: number): string {
    const a = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let s = "";
    for (let i = 0; i < n; i++) s += a[this.int(a.length)];
    return s;
  }
}

const ACCOUNTS = ["123837392027", "712967571683", "307578594326", "844015365555"];
const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];

/** The resources a caller's calls name (a function's table, bucket, queue …). */
export interface Target {
  acct: string;
  region: string;
  table: string;
  bucket: string;
  queueUrl: string;
  topicArn: string;
  secretId: string;
  parameter: string;
  functionName: string;
}

/** The resources named after a function, as this benchmark's own trail has always named them. */
export function targetOf(acct: string, region: string, fn: string): Target {
  return {
    acct,
    region,
    table: `${fn}-table`,
    bucket: `${fn}-bucket-${acct}`,
    queueUrl: `https://sqs.${region}.amazonaws.com/${acct}/${fn}-queue`,
    topicArn: `arn:aws:sns:${region}:${acct}:${fn}-events`,
    secretId: `${fn}/db-credentials`,
    parameter: `/${fn}/config/endpoint`,
    functionName: `${fn}-worker`,
  };
}

export interface Call {
  source: string;
  name: string;
  readOnly: boolean;
  params: (r: Lcg, t: Target) => unknown;
  response?: (r: Lcg) => unknown;
  resources?: (acct: string, region: string, p: any) => { accountId?: string; type: string; ARN: string }[];
  category?: "Data";
}

const s3Resources = (a: string, _g: string, p: any) => [{ type: "AWS::S3::Object", ARN: `arn:aws:s3:::${p.bucketName}/${p.key}` }, { accountId: a, type: "AWS::S3::Bucket", ARN: `arn:aws:s3:::${p.bucketName}` }];

export const CALLS: Call[] = [
  { source: "dynamodb", name: "GetItem", readOnly: true, category: "Data", params: (r, t) => ({ tableName: t.table, key: { pk: { S: `order#${r.int(100000)}` } }, consistentRead: false, projectionExpression: "pk, sk, #s" }) },
  { source: "dynamodb", name: "PutItem", readOnly: false, category: "Data", params: (r, t) => ({ tableName: t.table, key: { pk: { S: `order#${r.int(100000)}` } }, conditionExpression: "attribute_not_exists(pk)" }) },
  { source: "dynamodb", name: "Query", readOnly: true, category: "Data", params: (r, t) => ({ tableName: t.table, keyConditionExpression: "pk = :pk", limit: 25 + r.int(50) }) },
  { source: "s3", name: "GetObject", readOnly: true, category: "Data", params: (r, t) => ({ bucketName: t.bucket, Host: `${t.bucket}.s3.amazonaws.com`, key: `incoming/2026/${r.int(12) + 1}/${r.hex(16)}.json` }), resources: s3Resources },
  { source: "s3", name: "PutObject", readOnly: false, category: "Data", params: (r, t) => ({ bucketName: t.bucket, Host: `${t.bucket}.s3.amazonaws.com`, key: `processed/${r.hex(16)}.json`, "x-amz-server-side-encryption": "aws:kms" }), resources: s3Resources },
  { source: "sqs", name: "SendMessage", readOnly: false, category: "Data", params: (_r, t) => ({ queueUrl: t.queueUrl, messageBody: "HIDDEN_DUE_TO_SECURITY_REASONS", messageAttributes: "HIDDEN_DUE_TO_SECURITY_REASONS" }), response: (r) => ({ mD5OfMessageBody: r.hex(32), messageId: `${r.hex(8)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}-${r.hex(12)}` }) },
  { source: "kms", name: "Decrypt", readOnly: true, params: () => ({ encryptionAlgorithm: "SYMMETRIC_DEFAULT", encryptionContext: { "aws:lambda:FunctionArn": "HIDDEN" } }), resources: (a, g) => [{ accountId: a, type: "AWS::KMS::Key", ARN: `arn:aws:kms:${g}:${a}:key/6f1b7e2c-1111-4c5e-9a9b-2b3c4d5e6f70` }] },
  { source: "secretsmanager", name: "GetSecretValue", readOnly: true, params: (_r, t) => ({ secretId: t.secretId }) },
  { source: "ssm", name: "GetParameter", readOnly: true, params: (_r, t) => ({ name: t.parameter, withDecryption: true }) },
  { source: "sns", name: "Publish", readOnly: false, category: "Data", params: (_r, t) => ({ topicArn: t.topicArn, message: "HIDDEN_DUE_TO_SECURITY_REASONS" }), response: (r) => ({ messageId: `${r.hex(8)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}-${r.hex(12)}` }) },
  { source: "lambda", name: "GetFunction20150331v2", readOnly: true, params: (_r, t) => ({ functionName: t.functionName }) },
  { source: "sts", name: "GetCallerIdentity", readOnly: true, params: () => null },
  { source: "ec2", name: "DescribeInstances", readOnly: true, params: () => ({ instancesSet: {}, filterSet: {} }) },
];

/**
 * Calls the random mix above never picks (kept apart so its bytes do not change): the rest of a
 * table's grant, and what Lambda itself does with an execution role (polling a queue for an event
 * source mapping, attaching a VPC function's network interfaces), shapes as those services log them.
 */
export const MORE_CALLS: Call[] = [
  { source: "dynamodb", name: "UpdateItem", readOnly: false, category: "Data", params: (r, t) => ({ tableName: t.table, key: { pk: { S: `order#${r.int(100000)}` } }, updateExpression: "SET #s = :s", conditionExpression: "attribute_exists(pk)" }) },
  { source: "sqs", name: "ReceiveMessage", readOnly: true, category: "Data", params: (_r, t) => ({ queueUrl: t.queueUrl, maxNumberOfMessages: 10, waitTimeSeconds: 20, attributeNames: ["All"], messageAttributeNames: ["All"] }) },
  { source: "sqs", name: "DeleteMessage", readOnly: false, category: "Data", params: (r, t) => ({ queueUrl: t.queueUrl, receiptHandle: r.alnum(40) }) },
  { source: "ec2", name: "CreateNetworkInterface", readOnly: false, params: (r) => ({ subnetId: "subnet-1", description: "AWS Lambda VPC ENI", groupSet: { items: [{ groupId: "sg-1" }] }, privateIpAddressesSet: {}, ipv6AddressCount: 0, clientToken: r.hex(32) }), response: (r) => ({ requestId: `${r.hex(8)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}-${r.hex(12)}`, networkInterface: { networkInterfaceId: `eni-${r.hex(17)}`, subnetId: "subnet-1", vpcId: "vpc-1", interfaceType: "lambda", status: "pending" } }) },
  { source: "ec2", name: "DescribeNetworkInterfaces", readOnly: true, params: () => ({ networkInterfaceIdSet: {}, filterSet: { items: [{ name: "subnet-id", valueSet: { items: [{ value: "subnet-1" }] } }] } }) },
];

/** A call by its IAM action name (`dynamodb:GetItem`), from either list. */
export function callOf(action: string): Call {
  const [prefix, name] = action.split(":");
  const call = [...CALLS, ...MORE_CALLS].find((c) => c.source === prefix && (c.name === name || (prefix === "lambda" && name === "GetFunction" && c.name.startsWith("GetFunction"))));
  if (!call) throw new Error(`no CloudTrail shape for ${action}`);
  return call;
}

const USER_AGENTS = [
  "aws-sdk-nodejs/2.1467.0 linux/v18.18.0 exec-env/AWS_Lambda_nodejs18.x promise",
  "Boto3/1.28.62 md/Botocore#1.31.62 ua/2.0 os/linux#5.10.197-208.753.amzn2.x86_64 md/arch#x86_64 lang/python#3.11.6 md/pyimpl#CPython exec-env/AWS_Lambda_python3.11 cfg/retry-mode#legacy Botocore/1.31.62",
  "aws-sdk-java/2.20.162 Linux/5.10.197-208.753.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.8.1+1-LTS Java/17.0.8.1 vendor/Amazon.com_Inc. exec-env/AWS_Lambda_java17 io/sync http/Apache cfg/retry-mode/legacy",
];

const isoSeconds = (t: number): string => new Date(t).toISOString().replace(/\.\d+Z$/, "Z");

export interface RoleSession {
  acct: string;
  /** Full role ARN, path included (the sessionIssuer ARN). */
  roleArn: string;
  /** The role's unique id (AROA…): principalId is `<id>:<session name>`. */
  roleId: string;
  sessionName: string;
  accessKeyId: string;
  /** When the session's credentials were issued. */
  creationDate: string;
  /** `lambda.amazonaws.com` for calls Lambda makes with the role (awslambda_ sessions). */
  invokedBy?: string;
}

/** The userIdentity of a role session, as CloudTrail writes it for an AssumedRole caller. */
export function roleSessionIdentity(s: RoleSession): { [k: string]: unknown } {
  const roleName = s.roleArn.slice(s.roleArn.lastIndexOf("/") + 1);
  return {
    type: "AssumedRole",
    principalId: `${s.roleId}:${s.sessionName}`,
    arn: `arn:aws:sts::${s.acct}:assumed-role/${roleName}/${s.sessionName}`,
    accountId: s.acct,
    accessKeyId: s.accessKeyId,
    sessionContext: {
      sessionIssuer: { type: "Role", principalId: s.roleId, arn: s.roleArn, accountId: s.acct, userName: roleName },
      webIdFederationData: {},
      attributes: { creationDate: s.creationDate, mfaAuthenticated: "false" },
    },
    ...(s.invokedBy ? { invokedBy: s.invokedBy } : {}),
  };
}

/** An IAM user with long-term keys: noise a Lambda audit must not attribute to any function. */
export function iamUserIdentity(acct: string): object {
  return { type: "IAMUser", principalId: "AIDATFQR7NSC5U6Q3TMDR", arn: `arn:aws:iam::${acct}:user/benjamin`, accountId: acct, accessKeyId: "AKIATFQZ7NSC8Q4X21BJ", userName: "benjamin", sessionContext: { sessionIssuer: {}, webIdFederationData: {}, attributes: { creationDate: "2026-09-01T00:00:00Z", mfaAuthenticated: "true" } } };
}

export interface RecordSpec {
  /** Event time, ms since the epoch. */
  t: number;
  acct: string;
  region: string;
  call: Call;
  /** call.params(r, target), computed by the caller (its random draws come before `denied`'s). */
  params: unknown;
  userIdentity: object;
  /** The caller's ARN, for the AccessDenied message. */
  callerArn: string;
  denied: boolean;
  eventSource?: string;
  eventName?: string;
}

/** The rest of a record, in S3 delivery's key order; draws the per-record random fields from r. */
export function writeRecord(r: Lcg, spec: RecordSpec): { [k: string]: unknown } {
  const { call, acct, region, denied } = spec;
  const rec: { [k: string]: unknown } = {
    eventVersion: "1.09",
    userIdentity: spec.userIdentity,
    eventTime: isoSeconds(spec.t),
    eventSource: spec.eventSource ?? `${call.source}.amazonaws.com`,
    eventName: spec.eventName ?? call.name,
    awsRegion: region,
    sourceIPAddress: `${3 + r.int(200)}.${r.int(256)}.${r.int(256)}.${r.int(256)}`,
    userAgent: r.pick(USER_AGENTS),
  };
  if (denied) {
    rec.errorCode = "AccessDenied";
    rec.errorMessage = `User: ${spec.callerArn} is not authorized to perform: ${call.source}:${call.name} because no identity-based policy allows the ${call.source}:${call.name} action`;
  }
  const params = spec.params;
  rec.requestParameters = params;
  rec.responseElements = denied ? null : (call.response?.(r) ?? null);
  if (call.source === "s3") rec.additionalEventData = { SignatureVersion: "SigV4", CipherSuite: "TLS_AES_128_GCM_SHA256", bytesTransferredIn: 0, AuthenticationMethod: "AuthHeader", "x-amz-id-2": r.alnum(76), bytesTransferredOut: r.int(90000) };
  rec.requestID = `${r.hex(8)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}-${r.hex(12)}`;
  rec.eventID = `${r.hex(8)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}-${r.hex(12)}`;
  rec.readOnly = call.readOnly;
  const res = call.resources?.(acct, region, params);
  if (res !== undefined) rec.resources = res;
  rec.eventType = "AwsApiCall";
  rec.managementEvent = call.category !== "Data";
  rec.recipientAccountId = acct;
  rec.eventCategory = call.category ?? "Management";
  rec.tlsDetails = { tlsVersion: "TLSv1.3", cipherSuite: "TLS_AES_128_GCM_SHA256", clientProvidedHostHeader: `${call.source}.${region}.amazonaws.com` };
  return rec;
}

export function generateRecord(r: Lcg, t: number, acct: string, region: string): object {
  const call = r.pick(CALLS);
  const fnIndex = r.int(40);
  const roleName = `svc-${fnIndex % 25}-lambda-role`;
  const roleArn = `arn:aws:iam::${acct}:role/service-role/${roleName}`;
  const fn = `svc-${fnIndex}-handler`;
  const kind = r.next();
  // A session's credentials are the same for all its calls (real logs: one userIdentity per
  // session, e.g. 29 calls, 1 distinct userIdentity in invictus-ir): derived per function, account
  // and hour, as a Lambda sandbox keeps its credentials for hours.
  const hour = Math.floor(t / 3_600_000);
  const cred = new Lcg((fnIndex * 7919 + hour * 104729 + Number(acct.slice(-6))) >>> 0);
  // A role's unique id (AROA…) is fixed for the role's life, whoever assumes it and when (every
  // role in the corpus logs has one); only the session's access key changes. (Before 2026-11-29
  // it was drawn per function and hour: up to 40 ids per role, which real logs never show.)
  const roleId = `AROA${new Lcg((((fnIndex % 25) + 1) * 7919 + Number(acct.slice(-6))) >>> 0).alnum(17)}`;
  const accessKeyId = `ASIA${cred.alnum(16)}`;
  let userIdentity: object;
  let eventSource: string | undefined;
  if (kind < 0.85) {
    userIdentity = roleSessionIdentity({ acct, roleArn, roleId, sessionName: fn, accessKeyId, creationDate: isoSeconds(hour * 3_600_000) });
  } else if (kind < 0.9) {
    const session = `awslambda_${fnIndex % 25}_20260901000000${fnIndex % 10}00`;
    userIdentity = roleSessionIdentity({ acct, roleArn, roleId, sessionName: session, accessKeyId, creationDate: "2026-09-01T00:00:00Z", invokedBy: "lambda.amazonaws.com" });
  } else {
    userIdentity = iamUserIdentity(acct);
    if (call.source === "dynamodb") eventSource = "ec2.amazonaws.com";
  }
  const params = call.params(r, targetOf(acct, region, fn));
  const denied = r.next() < 0.02;
  return writeRecord(r, {
    t,
    acct,
    region,
    call,
    params,
    userIdentity,
    callerArn: `arn:aws:sts::${acct}:assumed-role/${roleName}/${fn}`,
    denied,
    ...(eventSource ? { eventSource, eventName: "DescribeInstances" } : {}),
  });
}

export function generate(outDir: string, files: number, perFile: number, seed = 42): { files: number; records: number; bytesRaw: number; bytesGz: number } {
  const r = new Lcg(seed);
  let bytesRaw = 0;
  let bytesGz = 0;
  const t0 = Date.UTC(2026, 9, 1);
  for (let f = 0; f < files; f++) {
    const acct = ACCOUNTS[f % ACCOUNTS.length] as string;
    const region = REGIONS[Math.floor(f / ACCOUNTS.length) % REGIONS.length] as string;
    const day = new Date(t0 + (f % 30) * 86_400_000);
    const ymd = day.toISOString().slice(0, 10);
    const dir = join(outDir, "AWSLogs", acct, "CloudTrail", region, ...ymd.split("-"));
    mkdirSync(dir, { recursive: true });
    const records: object[] = [];
    for (let i = 0; i < perFile; i++) records.push(generateRecord(r, day.getTime() + r.int(86_400_000), acct, region));
    // ~0.5% duplicate deliveries, like CloudTrail's at-least-once delivery.
    for (let i = 0; i < perFile / 200; i++) records[r.int(perFile)] = records[r.int(perFile)] as object;
    const json = Buffer.from(JSON.stringify({ Records: records }));
    const gz = gzipSync(json, { level: 6 });
    bytesRaw += json.length;
    bytesGz += gz.length;
    writeFileSync(join(dir, `${acct}_CloudTrail_${region}_${ymd.replace(/-/g, "")}T${String(f % 24).padStart(2, "0")}00Z_${r.alnum(16)}.json.gz`), gz);
  }
  return { files, records: files * perFile, bytesRaw, bytesGz };
}

// Run as a script only when it is this file (bench/scale/generate.ts imports it and has the same name).
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [outDir, files, per, seed] = process.argv.slice(2);
  if (outDir === undefined) {
    console.error("usage: npx tsx bench/usage/generate.ts <outDir> <files> <recordsPerFile> [seed]");
    process.exit(2);
  }
  const t = Date.now();
  const res = generate(outDir, Number(files ?? 200), Number(per ?? 5000), Number(seed ?? 42));
  console.log(JSON.stringify({ ...res, seconds: (Date.now() - t) / 1000 }));
}
