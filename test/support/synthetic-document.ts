/**
 * Deterministic synthetic canonical documents (seeded), for the evaluator's differential tests and
 * the evaluation benchmark. Shapes follow src/model/document.ts; values look like a real account:
 * several regions, some roles shared by two to five functions, classification tags, usage.
 */
import type { CanonicalDocument, LambdaFunction, Role } from "../../src/model/document.js";
import { emptyUsage } from "../../src/model/usage.js";
import { emptyRoleFacts } from "../../src/iam/index.js";
import { SCHEMA_VERSION } from "../../src/model/document.js";

/** Small fast PRNG (mulberry32): the same seed gives the same document on every machine. */
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

const REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"];
const SERVICES = ["orders", "billing", "users", "search", "reports", "auth", "media", "inventory"];
const ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem", "s3:GetObject", "s3:PutObject", "sqs:SendMessage", "sns:Publish", "kms:Decrypt"];

function emptyFacts(): Role["facts"] {
  return emptyRoleFacts();
}

export function syntheticDocument(functions: number, seed = 42): CanonicalDocument {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const account = "123456789012";
  const fns: LambdaFunction[] = [];
  const roles: Role[] = [];
  const usage = emptyUsage();
  usage.present = true;
  let i = 0;
  while (fns.length < functions) {
    const roleName = `${pick(SERVICES)}-role-${i}`;
    const roleArn = `arn:aws:iam::${account}:role/service-role/${roleName}`;
    // About one role in five is shared by 2–5 functions.
    const sharing = rand() < 0.2 ? 2 + Math.floor(rand() * 4) : 1;
    const members: string[] = [];
    for (let k = 0; k < sharing && fns.length < functions; k++) {
      const region = pick(REGIONS);
      const name = `${pick(SERVICES)}-${pick(["api", "worker", "cron", "stream"])}-${fns.length}`;
      const arn = `arn:aws:lambda:${region}:${account}:function:${name}`;
      members.push(arn);
      const tags: Record<string, string> = { team: pick(SERVICES) };
      if (rand() < 0.3) tags["data-classification"] = pick(["public", "internal", "pii"]);
      fns.push({
        arn,
        name,
        accountId: account,
        region,
        runtime: pick(["nodejs20.x", "python3.12", "java21"]),
        packageType: "Zip",
        roleArn,
        versions: [],
        aliases: [],
        lastModified: "2026-10-01T12:00:00.000Z",
        vpc: null,
        tracingMode: rand() < 0.3 ? "Active" : "PassThrough",
        environmentVariableNames: ["LOG_LEVEL", "TABLE_NAME"],
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
        tags,
        source: null,
      });
      if (rand() < 0.5) {
        usage.principals.push({
          accountId: account,
          roleArn,
          functionName: name,
          functionArn: arn,
          sessionKind: "function",
          sessionName: name,
          invokedBy: null,
          regions: [region],
          unmapped: {},
          actions: [pick(ACTIONS), pick(ACTIONS)]
            .filter((a, idx, all) => all.indexOf(a) === idx)
            .sort()
            .map((action) => ({
              action,
              count: 10 + Math.floor(rand() * 1000),
              deniedCount: 0,
              firstSeen: "2026-10-01T00:00:00Z",
              lastSeen: "2026-10-30T00:00:00Z",
              resources: [],
              resourcesTruncated: false,
              resourcePrefix: null,
              errorCodes: {},
            })),
          firstSeen: "2026-10-01T00:00:00Z",
          lastSeen: "2026-10-30T00:00:00Z",
        });
      }
    }
    roles.push({
      arn: roleArn,
      name: roleName,
      path: "/service-role/",
      roleId: `AROA${String(i).padStart(17, "0")}`,
      accountId: account,
      createDate: "2025-01-01T00:00:00Z",
      trustPolicy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] }, Action: ["sts:AssumeRole"] }],
      },
      inlinePolicies: [],
      attachedPolicies: [{ arn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", name: "AWSLambdaBasicExecutionRole" }],
      permissionsBoundaryArn: null,
      lastUsed: null,
      tags: {},
      trustsLambda: true,
      functions: [...members].sort(),
      source: null,
      facts: emptyFacts(),
    });
    i++;
  }
  fns.sort((a, b) => (a.arn < b.arn ? -1 : 1));
  roles.sort((a, b) => (a.arn < b.arn ? -1 : 1));
  return {
    schemaVersion: SCHEMA_VERSION,
    meta: {
      generator: { name: "synthetic", version: "0" },
      iamDataVersion: "synthetic",
      managedPolicyDataDate: "synthetic",
      asOf: "2026-10-31T00:00:00Z",
      sources: [],
      warnings: [],
      partial: false,
    },
    accounts: [{ accountId: account, partition: "aws", regions: REGIONS, functionCoverage: { regions: [...REGIONS], complete: true } }],
    functions: fns,
    roles,
    principals: [],
    policies: {},
    usage,
  };
}
