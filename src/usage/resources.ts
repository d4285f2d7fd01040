/**
 * Resource ARNs of a call: `resources[]` when the record has it (S3, KMS, STS …), otherwise
 * derived from requestParameters for the common services. Formats follow the ARN tables in the
 * Service Authorization Reference (table/<name>, queue name, parameter/<name>, secret:<name>-??????,
 * function:<name>[:qualifier], stream/<name>, log-group:<name>).
 */

import type { RequestParams } from "./event.js";
import { eventSourceHost } from "./event-actions.js";

export interface ResourceContext {
  eventSource: string;
  region: string | null;
  /** Account that owns the resource when the parameters give only a name (recipientAccountId). */
  accountId: string | null;
  partition: string;
  resources: string[];
  params: RequestParams;
}

const isArn = (s: string): boolean => s.startsWith("arn:");

/** Resource ARNs of one call, in a stable order without duplicates. */
export function resourcesOf(ctx: ResourceContext): string[] {
  if (ctx.resources.length > 0) return dedupe(ctx.resources);
  const p = ctx.params;
  const { region, accountId, partition } = ctx;
  const host = eventSourceHost(ctx.eventSource);
  const out: string[] = [];
  const regional = (service: string, rest: string): string | null =>
    region !== null && accountId !== null ? `arn:${partition}:${service}:${region}:${accountId}:${rest}` : null;
  const push = (v: string | null): void => {
    if (v !== null && v !== "") out.push(v);
  };
  switch (host) {
    case "dynamodb":
      if (p.tableName !== undefined) push(isArn(p.tableName) ? p.tableName : regional("dynamodb", `table/${p.tableName}`));
      break;
    case "s3":
      if (p.bucketName !== undefined) {
        push(`arn:${partition}:s3:::${p.bucketName}`);
        if (p.key !== undefined) push(`arn:${partition}:s3:::${p.bucketName}/${p.key}`);
      }
      break;
    case "sqs":
      if (p.queueUrl !== undefined) push(queueUrlToArn(p.queueUrl, partition));
      break;
    case "sns":
      if (p.topicArn !== undefined) push(p.topicArn);
      if (p.targetArn !== undefined) push(p.targetArn);
      break;
    case "kms":
      if (p.keyId !== undefined) {
        push(isArn(p.keyId) ? p.keyId : regional("kms", p.keyId.startsWith("alias/") ? p.keyId : `key/${p.keyId}`));
      }
      break;
    case "secretsmanager":
      if (p.secretId !== undefined) push(isArn(p.secretId) ? p.secretId : regional("secretsmanager", `secret:${p.secretId}-??????`));
      break;
    case "ssm": {
      const names = p.names ?? (p.name !== undefined ? [p.name] : []);
      for (const n of names) push(isArn(n) ? n : regional("ssm", `parameter/${n.replace(/^\//, "")}`));
      break;
    }
    case "lambda":
      if (p.functionName !== undefined) push(isArn(p.functionName) ? p.functionName : regional("lambda", `function:${p.functionName}`));
      break;
    case "kinesis":
      if (p.streamARN !== undefined) push(p.streamARN);
      else if (p.streamName !== undefined) push(regional("kinesis", `stream/${p.streamName}`));
      break;
    case "logs":
      if (p.logGroupName !== undefined) push(regional("logs", `log-group:${p.logGroupName}`));
      break;
    case "states":
      if (p.stateMachineArn !== undefined) push(p.stateMachineArn);
      break;
    default:
      break;
  }
  return dedupe(out);
}

/** `https://sqs.us-east-1.amazonaws.com/123456789012/orders` → `arn:aws:sqs:us-east-1:123456789012:orders`. */
export function queueUrlToArn(url: string, partition = "aws"): string | null {
  const m = /^https?:\/\/(?:sqs\.([a-z0-9-]+)\.[^/]+|([a-z0-9-]+)\.queue\.[^/]+)\/(\d{12})\/([^/?#]+)/.exec(url);
  if (m === null) return null;
  const region = m[1] ?? m[2];
  return `arn:${partition}:sqs:${region}:${m[3]}:${m[4]}`;
}

function dedupe(xs: string[]): string[] {
  if (xs.length < 2) return xs;
  return [...new Set(xs)];
}

/**
 * Longest common prefix of `a` and `b`. Used incrementally: the prefix of all resources seen is
 * kept exactly even when the stored sample is capped.
 */
export function commonPrefix(a: string, b: string): string {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return a.slice(0, i);
}
