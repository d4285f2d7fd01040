/**
 * A deterministic, realistic account-scale workload for the IAM engine benchmarks: N roles, mostly
 * Lambda execution roles, with AWS managed policies (from the shipped dataset), shared customer
 * managed policies, per-role inline policies (wildcards, NotAction, denies, conditions) and a few
 * permissions boundaries.
 */
import { lookupAwsManagedPolicyDocument, parsePolicyDocument, type PrincipalPolicies } from "../../src/iam/index.js";
import type { PolicyDocument } from "../../src/model/document.js";

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ACCOUNT = "111122223333";
const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];
const aws = (name: string) => `arn:aws:iam::aws:policy/${name}`;
const COMMON_MANAGED = [aws("service-role/AWSLambdaBasicExecutionRole"), aws("service-role/AWSLambdaVPCAccessExecutionRole"), aws("AWSXRayDaemonWriteAccess")];
const BROAD_MANAGED = [aws("AmazonDynamoDBFullAccess"), aws("AmazonS3FullAccess"), aws("AmazonSQSFullAccess"), aws("CloudWatchLogsFullAccess"), aws("AmazonSNSFullAccess"), aws("AmazonS3ReadOnlyAccess")];
const HUGE_MANAGED = [aws("PowerUserAccess"), aws("ReadOnlyAccess"), aws("AdministratorAccess")];

export interface WorkloadRole {
  arn: string;
  principal: PrincipalPolicies;
  /** Raw (unparsed) documents with names, for engines that take policies as JSON. */
  raw: { identity: { name: string; policy: unknown }[]; boundary: unknown | null };
}

function inlinePolicy(rand: () => number, i: number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const region = pick(REGIONS);
  const table = `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${pick(["orders", "users", "billing", "events"])}-${i % 7}`;
  const bucket = `arn:aws:s3:::${pick(["media", "reports", "uploads"])}-${i % 13}`;
  const statements: unknown[] = [];
  const n = 1 + Math.floor(rand() * 4);
  for (let k = 0; k < n; k++) {
    switch (Math.floor(rand() * 9)) {
      case 0:
        statements.push({ Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"], Resource: [table, `${table}/index/*`] });
        break;
      case 1:
        statements.push({ Effect: "Allow", Action: "dynamodb:*", Resource: rand() < 0.5 ? "*" : table });
        break;
      case 2:
        statements.push({ Effect: "Allow", Action: ["s3:Get*", "s3:Put*", "s3:List*"], Resource: [bucket, `${bucket}/*`] });
        break;
      case 3:
        statements.push({ Effect: "Allow", Action: ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], Resource: `arn:aws:sqs:${region}:${ACCOUNT}:queue-${i % 11}` });
        break;
      case 4:
        statements.push({ Effect: "Allow", Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } } });
        break;
      case 5:
        statements.push({ Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "ssm:GetParameter*"], Resource: "*" });
        break;
      case 6:
        statements.push({ Effect: "Deny", Action: ["s3:Delete*", "dynamodb:DeleteTable"], Resource: "*" });
        break;
      case 7:
        statements.push({ Effect: "Allow", NotAction: ["iam:*", "organizations:*"], Resource: "*", Condition: { StringEquals: { "aws:RequestedRegion": region } } });
        break;
      default:
        statements.push({ Effect: "Allow", Action: ["iam:PassRole"], Resource: `arn:aws:iam::${ACCOUNT}:role/app-*`, Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } } });
    }
  }
  return { Version: "2012-10-17", Statement: statements };
}

export function buildWorkload(count: number, seed = 1): WorkloadRole[] {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  // 200 shared customer managed policies and 5 boundaries: parsed once, shared by reference, as the
  // normalizer does with the canonical document's `policies` map.
  const customerRaw = Array.from({ length: 200 }, (_, i) => inlinePolicy(rand, 1000 + i));
  const customer = customerRaw.map((raw, i) => ({ arn: `arn:aws:iam::${ACCOUNT}:policy/team-${i}`, raw, document: parsePolicyDocument(raw) }));
  const boundaryRaw = Array.from({ length: 5 }, (_, i) => ({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["dynamodb:*", "s3:*", "sqs:*", "sns:*", "logs:*", "kms:Decrypt", "secretsmanager:GetSecretValue", "xray:*", "ec2:*NetworkInterface*"], Resource: "*" },
      { Effect: "Deny", Action: ["iam:*", "organizations:*"], Resource: "*" },
      ...(i % 2 === 0 ? [{ Effect: "Deny", NotAction: ["s3:*", "dynamodb:*"], Resource: "*", Condition: { StringNotEquals: { "aws:RequestedRegion": REGIONS } } }] : []),
    ],
  }));
  const boundaries = boundaryRaw.map((raw, i) => ({ arn: `arn:aws:iam::${ACCOUNT}:policy/boundary-${i}`, raw, document: parsePolicyDocument(raw) }));

  const roles: WorkloadRole[] = [];
  for (let i = 0; i < count; i++) {
    const managedArns = new Set<string>([pick(COMMON_MANAGED)]);
    const r = rand();
    if (r < 0.15) managedArns.add(pick(BROAD_MANAGED));
    if (r < 0.04) managedArns.add(pick(HUGE_MANAGED));
    const managed: PrincipalPolicies["managedPolicies"][number][] = [...managedArns].map((arn) => ({ arn, document: lookupAwsManagedPolicyDocument(arn) }));
    const rawIdentity: { name: string; policy: unknown }[] = managed.map((m) => ({ name: m.arn, policy: m.document }));
    if (rand() < 0.3) {
      const c = pick(customer);
      managed.push({ arn: c.arn, document: c.document });
      rawIdentity.push({ name: c.arn, policy: c.raw });
    }
    if (rand() < 0.01) managed.push({ arn: `arn:aws:iam::${ACCOUNT}:policy/deleted-${i}`, document: null });
    const inline: PrincipalPolicies["inlinePolicies"][number][] = [];
    const inlineCount = rand() < 0.85 ? 1 + Math.floor(rand() * 2) : 0;
    for (let k = 0; k < inlineCount; k++) {
      const raw = inlinePolicy(rand, i * 3 + k);
      inline.push({ name: `inline-${k}`, document: parsePolicyDocument(raw) as PolicyDocument });
      rawIdentity.push({ name: `inline-${k}`, policy: raw });
    }
    const b = rand() < 0.1 ? pick(boundaries) : null;
    roles.push({
      arn: `arn:aws:iam::${ACCOUNT}:role/fn-role-${i}`,
      principal: { inlinePolicies: inline, managedPolicies: managed, permissionsBoundary: b ? { arn: b.arn, document: b.document } : null },
      raw: { identity: rawIdentity, boundary: b ? b.raw : null },
    });
  }
  return roles;
}
