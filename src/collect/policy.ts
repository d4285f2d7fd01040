/**
 * The minimal IAM policy for running collect, generated from the allow-list (operations.ts): the
 * document users attach to the identity that runs `leastrole collect` is exactly the set of
 * actions the code can call, no more. docs/collect.md shows it; a test keeps the page current.
 */

import { COLLECT_OPERATIONS, type CollectFeature } from "./operations.js";
import { asFolder } from "./cloudtrail-log-layout.js";

export interface CollectPolicyOptions {
  /**
   * Features the policy must allow; default all. `inventory` is always included, and
   * `cloudtrail-trails` with `cloudtrail-s3` or `cloudtrail-athena` (collect reads the trails' event selectors with them).
   */
  features?: readonly CollectFeature[];
  /** With `cloudtrail-s3`: restrict S3 to this bucket and prefix instead of `*`. */
  s3?: { bucket: string; prefix: string };
  /** ARN partition for S3 resources. Default `aws`. */
  partition?: string;
  /**
   * With `cloudtrail-athena`: the query result location (s3://bucket/prefix/) and the bucket of
   * the CloudTrail logs the table reads. Without them the results statement names the bucket
   * Athena's console creates by default (`aws-athena-query-results-*`) and the logs statement `*`.
   */
  athena?: { output?: string; logBucket?: string };
}

/**
 * Actions no collect call is authorised as, but that Athena performs with the caller's
 * credentials while it runs collect's query: it reads the table's definition from the Glue Data
 * Catalog, reads the CloudTrail log files from S3, writes the result file (CSV and metadata) to the
 * query result location, and reads it back for GetQueryResults. A policy without them lets
 * StartQueryExecution succeed and the query fail (AccessDenied in the state change reason).
 */
export const ATHENA_DELEGATED_ACTIONS = Object.freeze({
  glue: Object.freeze(["glue:GetDatabase", "glue:GetPartitions", "glue:GetTable"]),
  logs: Object.freeze(["s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket"]),
  results: Object.freeze([
    "s3:AbortMultipartUpload",
    "s3:GetBucketLocation",
    "s3:GetObject",
    "s3:ListBucket",
    "s3:ListBucketMultipartUploads",
    "s3:ListMultipartUploadParts",
    "s3:PutObject",
  ]),
});

export interface IamPolicyStatement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface IamPolicyDocument {
  Version: "2012-10-17";
  Statement: IamPolicyStatement[];
}

export const ALL_FEATURES: readonly CollectFeature[] = Object.freeze([
  "inventory",
  "all-regions",
  "access-advisor",
  "access-analyzer",
  "cloudtrail-lookup",
  "cloudtrail-s3",
  "cloudtrail-athena",
  "cloudtrail-lake",
  "cloudtrail-trails",
  "config-aggregator",
]);

const SIDS: Record<CollectFeature, string> = {
  inventory: "LeastroleCollectInventory",
  "all-regions": "LeastroleCollectEnabledRegions",
  "access-advisor": "LeastroleCollectAccessAdvisor",
  "access-analyzer": "LeastroleCollectAccessAnalyzer",
  "cloudtrail-lookup": "LeastroleCollectCloudTrailLookup",
  "cloudtrail-s3": "LeastroleCollectCloudTrailS3",
  "cloudtrail-athena": "LeastroleCollectCloudTrailAthena",
  "cloudtrail-lake": "LeastroleCollectCloudTrailLake",
  "cloudtrail-trails": "LeastroleCollectCloudTrailTrails",
  "config-aggregator": "LeastroleCollectConfigAggregator",
};

function actionsFor(feature: CollectFeature): string[] {
  const actions = COLLECT_OPERATIONS.filter((op) => op.feature === feature && op.iamAction !== null).map((op) => op.iamAction as string);
  return [...new Set(actions)].sort();
}

export function collectPolicy(options: CollectPolicyOptions = {}): IamPolicyDocument {
  const wanted = new Set<CollectFeature>(["inventory", ...(options.features ?? ALL_FEATURES)]);
  // Reading the trail's log files (s3://) or querying them (athena:) also reads what the trails log.
  if (wanted.has("cloudtrail-s3") || wanted.has("cloudtrail-athena")) wanted.add("cloudtrail-trails");
  const partition = options.partition ?? "aws";
  const statements: IamPolicyStatement[] = [];
  for (const feature of ALL_FEATURES) {
    if (!wanted.has(feature)) continue;
    const actions = actionsFor(feature);
    if (actions.length === 0) continue;
    if (feature === "cloudtrail-s3" && options.s3) {
      // The prefix as collect lists it: `org` is the folder `org/`, which must not allow `org2/`.
      const bucket = options.s3.bucket;
      const prefix = asFolder(options.s3.prefix);
      statements.push({
        Sid: `${SIDS[feature]}List`,
        Effect: "Allow",
        Action: actions.filter((a) => a === "s3:ListBucket"),
        Resource: `arn:${partition}:s3:::${bucket}`,
        ...(prefix === "" ? {} : { Condition: { StringLike: { "s3:prefix": [`${prefix}*`] } } }),
      });
      statements.push({
        Sid: `${SIDS[feature]}Read`,
        Effect: "Allow",
        Action: actions.filter((a) => a !== "s3:ListBucket"),
        Resource: `arn:${partition}:s3:::${bucket}/${prefix}*`,
      });
      continue;
    }
    if (feature === "cloudtrail-athena") {
      statements.push({ Sid: SIDS[feature], Effect: "Allow", Action: actions, Resource: "*" });
      statements.push({ Sid: `${SIDS[feature]}Catalog`, Effect: "Allow", Action: [...ATHENA_DELEGATED_ACTIONS.glue], Resource: "*" });
      const logBucket = options.athena?.logBucket;
      statements.push({
        Sid: `${SIDS[feature]}ReadLogs`,
        Effect: "Allow",
        Action: [...ATHENA_DELEGATED_ACTIONS.logs],
        Resource: logBucket ? [`arn:${partition}:s3:::${logBucket}`, `arn:${partition}:s3:::${logBucket}/*`] : "*",
      });
      const out = options.athena?.output ? /^s3:\/\/([^/]+)\/?(.*)$/.exec(options.athena.output) : null;
      const bucket = out ? out[1] : "aws-athena-query-results-*";
      const prefix = out ? (out[2] ?? "") : "";
      statements.push({
        Sid: `${SIDS[feature]}WriteResults`,
        Effect: "Allow",
        Action: [...ATHENA_DELEGATED_ACTIONS.results],
        Resource: [`arn:${partition}:s3:::${bucket}`, `arn:${partition}:s3:::${bucket}/${prefix}*`],
      });
      continue;
    }
    // These actions either support no resource-level permissions (List*, LookupEvents,
    // GetAccountAuthorizationDetails) or must cover every function/role of the account.
    statements.push({ Sid: SIDS[feature], Effect: "Allow", Action: actions, Resource: "*" });
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** The Markdown table of operations (docs/collect.md). */
export function operationsTable(): string {
  const rows = COLLECT_OPERATIONS.map(
    (op) => `| ${op.service}:${op.operation} | ${op.iamAction === null ? "(none needed)" : `\`${op.iamAction}\``} | ${op.feature} | ${op.note} |`,
  );
  return ["| operation | IAM action | needed for | why |", "| --- | --- | --- | --- |", ...rows].join("\n");
}
