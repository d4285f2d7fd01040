/**
 * What a function's configuration needs from its execution role, whether or not CloudTrail ever
 * shows it (Lambda writes logs, creates ENIs and polls event sources with the role; most of those
 * calls are data events or are made by the service and never appear as the function's own calls).
 *
 * Shape shared with `requiredPermissions(fn)` of src/analysis/requirements.ts (issue 6); this table
 * exists because that module had not landed when generation needed it. The two should be merged
 * into one (the lead decides where). Sources for each row are cited inline: the Lambda developer
 * guide's execution-role pages and AWSLambda*ExecutionRole managed policies.
 *
 * Resources are real ARNs from the configuration. Where the ARN cannot be known from the
 * configuration (the ENI Lambda will create, the MSK cluster's subnets) the row is scoped to the
 * resource type in the function's account and region, never to `*`, unless the action has no
 * resource-level permissions (the generator checks that against the catalog).
 */

import type { LambdaFunction, Trigger } from "../model/document.js";
import type { RequiredPermission, RequirementPurpose } from "./types.js";

interface Place {
  partition: string;
  region: string;
  account: string;
}

function placeOf(fn: LambdaFunction): Place {
  const partition = fn.arn.split(":")[1] ?? "aws";
  return { partition, region: fn.region, account: fn.accountId };
}

function arn(p: Place, service: string, resource: string, region = p.region, account = p.account): string {
  return `arn:${p.partition}:${service}:${region}:${account}:${resource}`;
}

function row(purpose: RequirementPurpose, detail: string, actions: readonly string[], resource: string, condition?: RequiredPermission["condition"]): RequiredPermission[] {
  return actions.map((action) => (condition === undefined ? { purpose, action, resource, detail } : { purpose, action, resource, detail, condition }));
}

/** Service of an ARN (`sqs`, `sns`, `lambda`, `events`, `s3`), or null. */
function serviceOf(a: string): string | null {
  const parts = a.split(":");
  return parts.length >= 6 && parts[0] === "arn" ? (parts[2] ?? null) : null;
}

/**
 * Send actions for an asynchronous-invocation destination or dead-letter target, by the target's
 * service (Lambda developer guide, "Adding a destination": SQS SendMessage, SNS Publish, Lambda
 * InvokeFunction, EventBridge PutEvents, S3 PutObject + ListBucket for S3 failure destinations).
 */
function sendTo(purpose: RequirementPurpose, detail: string, target: string): RequiredPermission[] {
  switch (serviceOf(target)) {
    case "sqs":
      return row(purpose, detail, ["sqs:SendMessage"], target);
    case "sns":
      return row(purpose, detail, ["sns:Publish"], target);
    case "lambda":
      return row(purpose, detail, ["lambda:InvokeFunction"], target);
    case "events":
      return row(purpose, detail, ["events:PutEvents"], target);
    case "s3": {
      const bucket = target.replace(/\/.*$/, "");
      return [...row(purpose, detail, ["s3:ListBucket"], bucket), ...row(purpose, detail, ["s3:PutObject"], `${bucket}/*`)];
    }
    default:
      return [];
  }
}

/**
 * ENI management for pollers that run in a VPC the configuration does not describe (MSK, MQ,
 * DocumentDB, self-managed Kafka): the subnets are the cluster's, so scoped to the account and region.
 */
function pollerNetworkAccess(p: Place, detail: string): RequiredPermission[] {
  return [
    ...row("trigger", detail, ["ec2:CreateNetworkInterface"], arn(p, "ec2", "network-interface/*")),
    ...row("trigger", detail, ["ec2:CreateNetworkInterface"], arn(p, "ec2", "subnet/*")),
    ...row("trigger", detail, ["ec2:CreateNetworkInterface"], arn(p, "ec2", "security-group/*")),
    ...row("trigger", detail, ["ec2:DeleteNetworkInterface"], arn(p, "ec2", "network-interface/*")),
    ...row("trigger", detail, ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"], "*"),
  ];
}

/** Read actions of one event source mapping on its source (input-formats.md §2.3; Lambda developer guide per source). */
function triggerRequirements(p: Place, t: Trigger): RequiredPermission[] {
  const detail = `event source mapping ${t.uuid ?? "(no UUID)"} (${t.kind}${t.eventSourceArn ? ` ${t.eventSourceArn}` : ""})`;
  const src = t.eventSourceArn;
  const out: RequiredPermission[] = [];
  switch (t.kind) {
    case "sqs":
      if (src) out.push(...row("trigger", detail, ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"], src));
      break;
    case "dynamodb":
      if (src) {
        out.push(...row("trigger", detail, ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"], src));
        out.push(...row("trigger", detail, ["dynamodb:ListStreams"], "*"));
      }
      break;
    case "kinesis":
      if (src) {
        // A consumer ARN (`stream/<s>/consumer/<c>:<n>`) reads through the consumer; the stream is its parent.
        const consumer = /^(.*:stream\/[^/]+)\/consumer\/.+$/.exec(src);
        const stream = consumer ? (consumer[1] as string) : src;
        out.push(...row("trigger", detail, ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"], stream));
        if (consumer) out.push(...row("trigger", detail, ["kinesis:DescribeStreamConsumer", "kinesis:SubscribeToShard"], src));
        out.push(...row("trigger", detail, ["kinesis:ListStreams"], "*"));
      }
      break;
    case "kafka":
      if (src) out.push(...row("trigger", detail, ["kafka:DescribeCluster", "kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"], src));
      out.push(...pollerNetworkAccess(p, detail));
      break;
    case "mq":
      if (src) out.push(...row("trigger", detail, ["mq:DescribeBroker"], src));
      out.push(...pollerNetworkAccess(p, detail));
      break;
    case "docdb":
      if (src) out.push(...row("trigger", detail, ["rds:DescribeDBClusters"], src));
      out.push(...row("trigger", detail, ["rds:DescribeDBClusterParameters"], arn(p, "rds", "cluster-pg:*")));
      out.push(...row("trigger", detail, ["rds:DescribeDBSubnetGroups"], arn(p, "rds", "subgrp:*")));
      out.push(...pollerNetworkAccess(p, detail));
      break;
    case "self-managed-kafka":
    case "other":
      break;
  }
  for (const s of t.secretArns) out.push(...row("trigger", detail, ["secretsmanager:GetSecretValue"], s));
  if (t.kmsKeyArn) out.push(...row("trigger", detail, ["kms:Decrypt"], t.kmsKeyArn));
  if (t.onFailureDestination) out.push(...sendTo("trigger", `${detail} on-failure destination`, t.onFailureDestination));
  return out;
}

/**
 * Every permission the function's configuration requires, in a stable order (callers sort again).
 * Purposes: logs (CreateLogGroup on the group, CreateLogStream + PutLogEvents on its streams, as
 * AWSLambdaBasicExecutionRole grants them but for this group only), VPC (the ENI actions of
 * AWSLambdaVPCAccessExecutionRole, scoped to the function's subnets and security groups), X-Ray
 * (AWSXRayDaemonWriteAccess's two write actions) when tracing is Active, triggers, dead-letter
 * queue, destinations, KMS decrypt of a customer managed environment key, EFS mount through the
 * configured access points.
 */
export function configurationRequirements(fn: LambdaFunction): RequiredPermission[] {
  const p = placeOf(fn);
  const out: RequiredPermission[] = [];
  const group = arn(p, "logs", `log-group:${fn.logGroup}`);
  const logDetail = `log group ${fn.logGroup}`;
  // CloudWatch Logs authorises CreateLogGroup against `log-group:<name>` and the stream actions
  // against `log-group:<name>:log-stream:<stream>`; `<group>:*` covers the streams.
  out.push(...row("logs", logDetail, ["logs:CreateLogGroup"], group));
  out.push(...row("logs", logDetail, ["logs:CreateLogStream", "logs:PutLogEvents"], `${group}:*`));

  if (fn.vpc !== null && fn.vpc.subnetIds.length > 0) {
    const detail = `VPC ${fn.vpc.vpcId ?? "(unknown)"} subnets ${fn.vpc.subnetIds.join(", ")}`;
    out.push(...row("vpc", detail, ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"], arn(p, "ec2", "network-interface/*")));
    for (const s of [...fn.vpc.subnetIds].sort()) out.push(...row("vpc", detail, ["ec2:CreateNetworkInterface"], arn(p, "ec2", `subnet/${s}`)));
    for (const g of [...fn.vpc.securityGroupIds].sort()) out.push(...row("vpc", detail, ["ec2:CreateNetworkInterface"], arn(p, "ec2", `security-group/${g}`)));
    out.push(...row("vpc", detail, ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"], "*"));
  }

  if (fn.tracingMode === "Active") out.push(...row("xray", "active tracing", ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], "*"));

  for (const t of fn.triggers) out.push(...triggerRequirements(p, t));

  if (fn.deadLetterTargetArn) out.push(...sendTo("dead-letter", `dead-letter target ${fn.deadLetterTargetArn}`, fn.deadLetterTargetArn));
  if (fn.destinations.onSuccess) out.push(...sendTo("destination", `on-success destination ${fn.destinations.onSuccess}`, fn.destinations.onSuccess));
  if (fn.destinations.onFailure) out.push(...sendTo("destination", `on-failure destination ${fn.destinations.onFailure}`, fn.destinations.onFailure));

  if (fn.kmsKeyArn) out.push(...row("kms-environment", `environment key ${fn.kmsKeyArn}`, ["kms:Decrypt"], fn.kmsKeyArn));

  for (const ap of fn.fileSystems) {
    // The function mounts through an access point; the file system ID is not in the access point
    // ARN, so the grant is on the account's file systems restricted to that access point
    // (Lambda developer guide, "Configuring file system access": ClientMount, ClientWrite).
    const fs = arn(p, "elasticfilesystem", "file-system/*", ap.split(":")[3] ?? p.region, ap.split(":")[4] ?? p.account);
    out.push(
      ...row("file-system", `EFS access point ${ap}`, ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"], fs, {
        StringEquals: { "elasticfilesystem:AccessPointArn": [ap] },
      }),
    );
  }
  return out;
}
