/**
 * Seeds a moto server through the AWS SDK (and, for SQS and EC2 whose SDK clients are not
 * dependencies, through their documented query APIs over HTTP): the account the collector tests
 * read back. Secrets in environment variables are distinctive strings the tests search for on disk.
 */

import { gzipSync } from "node:zlib";
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  IAMClient,
  PutRolePolicyCommand,
} from "@aws-sdk/client-iam";
import {
  AddPermissionCommand,
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  LambdaClient,
  PutFunctionEventInvokeConfigCommand,
} from "@aws-sdk/client-lambda";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { TEST_CREDENTIALS } from "./moto.js";
import { zipOf } from "./zip.js";

export const ACCOUNT = "123456789012";
export const SECRET_VALUES = ["hunter2-SECRET-db-password-7f3a", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSEED-SECRET"];
export const TRAIL_BUCKET = "org-trail-logs";

const LAMBDA_TRUST = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
};
const EC2_TRUST = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
};

/** A signed-looking Authorization header: moto routes by the credential scope's service. */
function authHeader(service: string, region: string): string {
  return `AWS4-HMAC-SHA256 Credential=${TEST_CREDENTIALS.accessKeyId}/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`;
}

async function query(endpoint: string, service: string, region: string, params: Record<string, string>): Promise<string> {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: authHeader(service, region) },
    body: new URLSearchParams(params).toString(),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${service} ${params.Action}: HTTP ${response.status}: ${text}`);
  return text;
}

export async function createQueue(endpoint: string, region: string, name: string): Promise<string> {
  await query(endpoint, "sqs", region, { Action: "CreateQueue", QueueName: name, Version: "2012-11-05" });
  return `arn:aws:sqs:${region}:${ACCOUNT}:${name}`;
}

async function createSubnet(endpoint: string, region: string): Promise<{ subnet: string; sg: string }> {
  const vpc = /<vpcId>([^<]+)<\/vpcId>/.exec(
    await query(endpoint, "ec2", region, { Action: "CreateVpc", CidrBlock: "10.0.0.0/16", Version: "2016-11-15" }),
  )?.[1];
  const subnet = /<subnetId>([^<]+)<\/subnetId>/.exec(
    await query(endpoint, "ec2", region, { Action: "CreateSubnet", VpcId: vpc ?? "", CidrBlock: "10.0.1.0/24", Version: "2016-11-15" }),
  )?.[1];
  const sg = /<groupId>([^<]+)<\/groupId>/.exec(
    await query(endpoint, "ec2", region, {
      Action: "CreateSecurityGroup",
      GroupName: "orders-fn",
      GroupDescription: "orders function",
      VpcId: vpc ?? "",
      Version: "2016-11-15",
    }),
  )?.[1];
  if (!subnet || !sg) throw new Error("could not create a subnet and security group in moto");
  return { subnet, sg };
}

export interface Seeded {
  roles: { orders: string; report: string; ci: string };
  functions: { orders: string; report: string; euHelper: string };
  ordersQueue: string;
  dlq: string;
  failureQueue: string;
  subnet: string;
}

const CODE = zipOf({ "index.py": "def handler(event, context):\n    return {'ok': True}\n" });

export async function seedAccount(endpoint: string): Promise<Seeded> {
  const common = { endpoint, credentials: TEST_CREDENTIALS };
  const iam = new IAMClient({ ...common, region: "us-east-1" });
  const lambda = new LambdaClient({ ...common, region: "us-east-1" });
  const lambdaEu = new LambdaClient({ ...common, region: "eu-west-1" });
  try {
    const orders = await iam.send(
      new CreateRoleCommand({ RoleName: "orders-fn-role", Path: "/service-role/", AssumeRolePolicyDocument: JSON.stringify(LAMBDA_TRUST) }),
    );
    const report = await iam.send(new CreateRoleCommand({ RoleName: "report-fn-role", AssumeRolePolicyDocument: JSON.stringify(LAMBDA_TRUST) }));
    const ci = await iam.send(new CreateRoleCommand({ RoleName: "ci-deploy-role", AssumeRolePolicyDocument: JSON.stringify(EC2_TRUST) }));
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: "orders-fn-role",
        PolicyName: "orders-inline",
        PolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Sid: "Tables", Effect: "Allow", Action: "dynamodb:*", Resource: "*" },
            {
              Sid: "Queue",
              Effect: "Allow",
              Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
              Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:orders`,
            },
          ],
        }),
      }),
    );
    const managed = await iam.send(
      new CreatePolicyCommand({
        PolicyName: "orders-read-bucket",
        PolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::orders-bucket/*" }],
        }),
      }),
    );
    await iam.send(new AttachRolePolicyCommand({ RoleName: "orders-fn-role", PolicyArn: managed.Policy?.Arn }));
    await iam.send(
      new AttachRolePolicyCommand({ RoleName: "orders-fn-role", PolicyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: "report-fn-role",
        PolicyName: "admin",
        PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }),
      }),
    );

    const ordersQueue = await createQueue(endpoint, "us-east-1", "orders");
    const dlq = await createQueue(endpoint, "us-east-1", "orders-dlq");
    const failureQueue = await createQueue(endpoint, "us-east-1", "report-failures");
    const { subnet, sg } = await createSubnet(endpoint, "us-east-1");

    const ordersFn = await lambda.send(
      new CreateFunctionCommand({
        FunctionName: "orders-processor",
        Runtime: "python3.12",
        Handler: "index.handler",
        Role: orders.Role?.Arn,
        Code: { ZipFile: CODE },
        Publish: true,
        VpcConfig: { SubnetIds: [subnet], SecurityGroupIds: [sg] },
        TracingConfig: { Mode: "Active" },
        DeadLetterConfig: { TargetArn: dlq },
        Environment: { Variables: { DB_PASSWORD: SECRET_VALUES[0] as string, AWS_SECRET_LIKE: SECRET_VALUES[1] as string, TABLE: "orders" } },
        Tags: { team: "payments", "leastrole:suppress": "LR001" },
      }),
    );
    const reportFn = await lambda.send(
      new CreateFunctionCommand({
        FunctionName: "report-generator",
        Runtime: "nodejs20.x",
        Handler: "index.handler",
        Role: report.Role?.Arn,
        Code: { ZipFile: CODE },
      }),
    );
    const euFn = await lambdaEu.send(
      new CreateFunctionCommand({
        FunctionName: "eu-helper",
        Runtime: "python3.12",
        Handler: "index.handler",
        Role: report.Role?.Arn,
        Code: { ZipFile: CODE },
      }),
    );
    await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: "orders-processor", EventSourceArn: ordersQueue, BatchSize: 10 }));
    await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: "report-generator", AuthType: "NONE" }));
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: "report-generator",
        StatementId: "FunctionURLAllowPublicAccess",
        Action: "lambda:InvokeFunctionUrl",
        Principal: "*",
        FunctionUrlAuthType: "NONE",
      }),
    );
    await lambda.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: "report-generator",
        MaximumRetryAttempts: 1,
        DestinationConfig: { OnFailure: { Destination: failureQueue } },
      }),
    );
    return {
      roles: { orders: orders.Role?.Arn ?? "", report: report.Role?.Arn ?? "", ci: ci.Role?.Arn ?? "" },
      functions: { orders: ordersFn.FunctionArn ?? "", report: reportFn.FunctionArn ?? "", euHelper: euFn.FunctionArn ?? "" },
      ordersQueue,
      dlq,
      failureQueue,
      subnet,
    };
  } finally {
    iam.destroy();
    lambda.destroy();
    lambdaEu.destroy();
  }
}

/**
 * Two more execution roles: `apac-fn-role`, used only by `apac-fn` in ap-southeast-2 (a region the
 * other tests do not collect), and `leftover-fn-role`, used by no function and allowed to write to
 * S3 (LR016 medium when every region was read).
 */
export async function seedRegionalRoles(endpoint: string): Promise<{ apac: string; leftover: string }> {
  const common = { endpoint, credentials: TEST_CREDENTIALS };
  const iam = new IAMClient({ ...common, region: "us-east-1" });
  const lambdaAp = new LambdaClient({ ...common, region: "ap-southeast-2" });
  try {
    const apac = await iam.send(new CreateRoleCommand({ RoleName: "apac-fn-role", AssumeRolePolicyDocument: JSON.stringify(LAMBDA_TRUST) }));
    const leftover = await iam.send(new CreateRoleCommand({ RoleName: "leftover-fn-role", AssumeRolePolicyDocument: JSON.stringify(LAMBDA_TRUST) }));
    const write = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::exports/*" }] };
    for (const RoleName of ["apac-fn-role", "leftover-fn-role"]) {
      await iam.send(new PutRolePolicyCommand({ RoleName, PolicyName: "write", PolicyDocument: JSON.stringify(write) }));
    }
    await lambdaAp.send(
      new CreateFunctionCommand({ FunctionName: "apac-fn", Runtime: "python3.12", Handler: "index.handler", Role: apac.Role?.Arn, Code: { ZipFile: CODE } }),
    );
    return { apac: apac.Role?.Arn ?? "", leftover: leftover.Role?.Arn ?? "" };
  } finally {
    iam.destroy();
    lambdaAp.destroy();
  }
}

/** One CloudTrail record of the orders function's own session (AWS's record format). */
export function trailRecord(eventTime: string, eventName: string, id: string): object {
  return {
    eventVersion: "1.09",
    userIdentity: {
      type: "AssumedRole",
      principalId: "AROAEXAMPLEORDERS:orders-processor",
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/orders-fn-role/orders-processor`,
      accountId: ACCOUNT,
      sessionContext: {
        sessionIssuer: {
          type: "Role",
          principalId: "AROAEXAMPLEORDERS",
          arn: `arn:aws:iam::${ACCOUNT}:role/service-role/orders-fn-role`,
          accountId: ACCOUNT,
          userName: "orders-fn-role",
        },
      },
    },
    eventTime,
    eventSource: "dynamodb.amazonaws.com",
    eventName,
    awsRegion: "us-east-1",
    sourceIPAddress: "10.0.1.15",
    userAgent: "Boto3/1.34",
    requestParameters: { tableName: "orders" },
    responseElements: null,
    requestID: `req-${id}`,
    eventID: `evt-${id}`,
    readOnly: eventName.startsWith("Describe"),
    eventType: "AwsApiCall",
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: "Management",
  };
}

/** CloudTrail's S3 key for a log file (AWS layout), and the gzip body it holds. */
export function trailObject(prefix: string, region: string, isoMinute: string, suffix: string, records: object[]): { key: string; body: Buffer } {
  const [date, time] = isoMinute.split("T") as [string, string];
  const [y, m, d] = date.split("-");
  const stamp = `${date.replaceAll("-", "")}T${time.replace(":", "").slice(0, 4)}Z`;
  const key = `${prefix}AWSLogs/${ACCOUNT}/CloudTrail/${region}/${y}/${m}/${d}/${ACCOUNT}_CloudTrail_${region}_${stamp}_${suffix}.json.gz`;
  return { key, body: gzipSync(JSON.stringify({ Records: records })) };
}

export async function seedTrailBucket(endpoint: string, objects: { key: string; body: Buffer }[]): Promise<void> {
  const s3 = new S3Client({ endpoint, credentials: TEST_CREDENTIALS, region: "us-east-1", forcePathStyle: true });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: TRAIL_BUCKET }));
    for (const o of objects) await s3.send(new PutObjectCommand({ Bucket: TRAIL_BUCKET, Key: o.key, Body: o.body }));
  } finally {
    s3.destroy();
  }
}
