/**
 * Canonical documents for generation tests, built field by field with the real model types
 * (no casts beyond the role facts, which generation does not read).
 */
import type { CanonicalDocument, LambdaFunction, PolicyDocument, Role } from "../../src/model/document.js";
import { SCHEMA_VERSION } from "../../src/model/document.js";
import type { ActionUsage, PrincipalUsage } from "../../src/model/usage.js";
import { emptyUsage } from "../../src/model/usage.js";
import { emptyRoleFacts } from "../../src/iam/index.js";

export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";

export function fnArn(name: string, region = REGION, account = ACCOUNT): string {
  return `arn:aws:lambda:${region}:${account}:function:${name}`;
}

export function roleArn(name: string, account = ACCOUNT): string {
  return `arn:aws:iam::${account}:role/service-role/${name}`;
}

export function lambdaFunction(name: string, role: string, extra: Partial<LambdaFunction> = {}): LambdaFunction {
  return {
    arn: fnArn(name),
    name,
    accountId: ACCOUNT,
    region: REGION,
    runtime: "nodejs20.x",
    packageType: "Zip",
    roleArn: role,
    versions: [],
    aliases: [],
    lastModified: "2026-10-01T12:00:00Z",
    vpc: null,
    tracingMode: "PassThrough",
    environmentVariableNames: [],
    kmsKeyArn: null,
    deadLetterTargetArn: null,
    destinations: { onSuccess: null, onFailure: null },
    logGroup: `/aws/lambda/${name}`,
    logFormat: "Text",
    layers: [],
    fileSystems: [],
    triggers: [],
    resourcePolicy: null,
    functionUrls: [],
    tags: {},
    source: null,
    ...extra,
  };
}

export function role(arn: string, functions: string[], inline: { name: string; document: PolicyDocument }[] = [], attached: string[] = []): Role {
  return {
    arn,
    name: arn.slice(arn.lastIndexOf("/") + 1),
    path: "/service-role/",
    roleId: "AROAEXAMPLE",
    accountId: ACCOUNT,
    createDate: "2025-01-01T00:00:00Z",
    trustPolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] }, Action: ["sts:AssumeRole"] }] },
    inlinePolicies: inline.map((p) => ({ ...p, source: null })),
    attachedPolicies: attached.map((a) => ({ arn: a, name: a.slice(a.lastIndexOf("/") + 1) })),
    permissionsBoundaryArn: null,
    lastUsed: null,
    tags: {},
    trustsLambda: true,
    functions: [...functions].sort(),
    source: null,
    facts: emptyRoleFacts(),
  };
}

export function action(name: string, count: number, resources: string[] = [], extra: Partial<ActionUsage> = {}): ActionUsage {
  return {
    action: name,
    count,
    deniedCount: 0,
    firstSeen: "2026-10-01T00:00:00Z",
    lastSeen: "2026-10-30T00:00:00Z",
    resources: [...resources].sort(),
    resourcesTruncated: false,
    resourcePrefix: null,
    errorCodes: {},
    ...extra,
  };
}

export function session(fn: LambdaFunction, actions: ActionUsage[]): PrincipalUsage {
  return {
    accountId: fn.accountId,
    roleArn: fn.roleArn,
    functionName: fn.name,
    functionArn: fn.arn,
    sessionKind: "function",
    sessionName: fn.name,
    invokedBy: null,
    regions: [fn.region],
    actions,
    unmapped: {},
    firstSeen: "2026-10-01T00:00:00Z",
    lastSeen: "2026-10-30T00:00:00Z",
  };
}

/**
 * A document with usage over a window of `windowDays` (default 30) from 2026-10-01, records on
 * every day of it unless `coveredDays` says how many (the first ones). Data events are `logged`
 * (for every resource) unless `dataEvents` says otherwise: the usage is then the whole truth, and
 * the policy holds what it shows; with any other value, the data-event actions the role grants and
 * the usage does not show are kept (src/generate/unlogged.ts).
 */
export function document(functions: LambdaFunction[], roles: Role[], principals: PrincipalUsage[] = [], options: { windowDays?: number; coveredDays?: number; dataEvents?: "logged" | "present" | "absent" | "unknown"; policies?: CanonicalDocument["policies"] } = {}): CanonicalDocument {
  const usage = emptyUsage();
  if (principals.length > 0 || options.windowDays !== undefined) {
    usage.present = true;
    const days = options.windowDays ?? 30;
    usage.window = { start: "2026-10-01T00:00:00Z", end: new Date(Date.UTC(2026, 9, 1 + days)).toISOString().replace(".000", ""), days };
    usage.coverage.days = Array.from({ length: options.coveredDays ?? days }, (_, i) => new Date(Date.UTC(2026, 9, 1 + i)).toISOString().slice(0, 10));
    usage.coverage.dataEvents = options.dataEvents ?? "logged";
  }
  usage.principals = principals;
  return {
    schemaVersion: SCHEMA_VERSION,
    meta: {
      generator: { name: "test", version: "0" },
      iamDataVersion: "test",
      managedPolicyDataDate: "test",
      asOf: "2026-10-31T00:00:00Z",
      sources: [],
      warnings: [],
      partial: false,
    },
    accounts: [{ accountId: ACCOUNT, partition: "aws", regions: [REGION] }],
    functions: [...functions].sort((a, b) => (a.arn < b.arn ? -1 : 1)),
    roles: [...roles].sort((a, b) => (a.arn < b.arn ? -1 : 1)),
    principals: [],
    policies: options.policies ?? {},
    usage,
  };
}

/** A realistic orders function: VPC, tracing, SQS trigger, DLQ, destinations, env key, EFS. */
export function ordersScenario(): { doc: CanonicalDocument; fn: LambdaFunction } {
  const r = roleArn("orders-role");
  const fn = lambdaFunction("orders-api", r, {
    vpc: { vpcId: "vpc-1", subnetIds: ["subnet-b", "subnet-a"], securityGroupIds: ["sg-1"] },
    tracingMode: "Active",
    environmentVariableNames: ["TABLE"],
    kmsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1111-2222`,
    deadLetterTargetArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:orders-dlq`,
    destinations: { onSuccess: `arn:aws:sns:${REGION}:${ACCOUNT}:orders-done`, onFailure: "arn:aws:s3:::orders-failures" },
    fileSystems: [`arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:access-point/fsap-0123`],
    triggers: [
      { uuid: "u-1", kind: "sqs", eventSourceArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:orders-in`, state: "Enabled", onFailureDestination: null, secretArns: [], kmsKeyArn: null },
    ],
  });
  const usage = session(fn, [
    action("dynamodb:GetItem", 1200, [`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders`]),
    action("dynamodb:Query", 40, [`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders`, `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders/index/by-customer`]),
    action("s3:GetObject", 300, [
      "arn:aws:s3:::orders-docs",
      "arn:aws:s3:::orders-docs/invoices/2026/a.pdf",
      "arn:aws:s3:::orders-docs/invoices/2026/b.pdf",
      "arn:aws:s3:::orders-docs/invoices/2026/c.pdf",
    ]),
    action("s3:ListBucket", 12, ["arn:aws:s3:::orders-docs"]),
    action("sts:GetCallerIdentity", 3),
    action("ssm:GetParameter", 5, [`arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/orders/prod/db`]),
    action("iam:ListRoles", 2, [], { deniedCount: 2, errorCodes: { AccessDenied: 2 } }),
  ]);
  const current: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [
      { Sid: "Everything", Effect: "Allow", Action: ["dynamodb:*", "s3:*"], Resource: ["*"] },
      { Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], Resource: ["arn:aws:logs:*:*:*"] },
      { Effect: "Allow", Action: ["dynamodb:RestoreTableFromBackup"], Resource: [`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders`] },
    ],
  };
  const doc = document([fn], [role(r, [fn.arn], [{ name: "orders-inline", document: current }])], [usage]);
  return { doc, fn };
}
