/**
 * The minimal IAM policy for running collect, generated from the allow-list (operations.ts): the
 * document users attach to the identity that runs `leastrole collect` is exactly the set of
 * actions the code can call, no more. docs/collect.md shows it; a test keeps the page current.
 */

import { COLLECT_OPERATIONS, type CollectFeature } from "./operations.js";

export interface CollectPolicyOptions {
  /** Features the policy must allow; default all. `inventory` is always included. */
  features?: readonly CollectFeature[];
  /** With `cloudtrail-s3`: restrict S3 to this bucket and prefix instead of `*`. */
  s3?: { bucket: string; prefix: string };
  /** ARN partition for S3 resources. Default `aws`. */
  partition?: string;
}

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
]);

const SIDS: Record<CollectFeature, string> = {
  inventory: "LeastroleCollectInventory",
  "all-regions": "LeastroleCollectEnabledRegions",
  "access-advisor": "LeastroleCollectAccessAdvisor",
  "access-analyzer": "LeastroleCollectAccessAnalyzer",
  "cloudtrail-lookup": "LeastroleCollectCloudTrailLookup",
  "cloudtrail-s3": "LeastroleCollectCloudTrailS3",
};

function actionsFor(feature: CollectFeature): string[] {
  const actions = COLLECT_OPERATIONS.filter((op) => op.feature === feature && op.iamAction !== null).map((op) => op.iamAction as string);
  return [...new Set(actions)].sort();
}

export function collectPolicy(options: CollectPolicyOptions = {}): IamPolicyDocument {
  const wanted = new Set<CollectFeature>(["inventory", ...(options.features ?? ALL_FEATURES)]);
  const partition = options.partition ?? "aws";
  const statements: IamPolicyStatement[] = [];
  for (const feature of ALL_FEATURES) {
    if (!wanted.has(feature)) continue;
    const actions = actionsFor(feature);
    if (actions.length === 0) continue;
    if (feature === "cloudtrail-s3" && options.s3) {
      const { bucket, prefix } = options.s3;
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
