/**
 * S3 object data events the trail logs for some buckets or key prefixes only. Such a trail shows
 * every object call on those prefixes and none on the others: a role whose every grant of an object
 * action lies under the logged prefixes makes no call of it the logs would not show, so the action
 * can be judged (unused when no call is seen) although the trail does not log every bucket.
 *
 * Only S3 object actions: their data events carry the object's ARN (`arn:aws:s3:::bucket/key`),
 * which a selector's prefix (basic `Values` such as `arn:aws:s3:::bucket/` or
 * `arn:aws:s3:::bucket/reports/`, advanced `resources.ARN` `StartsWith`) matches as a string
 * prefix (CloudTrail API Reference, DataResource). Bucket-level calls (ListBucket …) are left out:
 * their resource is the bucket, which no object prefix names. A grant lies under a prefix when its
 * Resource pattern starts with the prefix literally (`arn:aws:s3:::bucket/reports/*` under
 * `arn:aws:s3:::bucket/`); `*`, a wildcard or variable before the prefix's end, or a NotResource
 * grant is not under any, and leaves the action unknowable.
 */

import { actionApplies } from "../iam/index.js";
import type { PolicyStatement } from "../model/document.js";
import type { DataEventTypeCoverage } from "../model/usage.js";

/** The S3 data-event actions whose resource is an object (not a bucket), lower case. */
const OBJECT_ACTIONS = new Set(
  [
    "GetObject", "GetObjectVersion", "GetObjectAcl", "GetObjectVersionAcl", "GetObjectTagging", "GetObjectVersionTagging",
    "GetObjectAttributes", "GetObjectVersionAttributes", "GetObjectRetention", "GetObjectLegalHold", "PutObject", "PutObjectAcl",
    "PutObjectVersionAcl", "PutObjectTagging", "PutObjectVersionTagging", "PutObjectRetention", "PutObjectLegalHold",
    "DeleteObject", "DeleteObjectVersion", "DeleteObjectTagging", "DeleteObjectVersionTagging", "RestoreObject",
    "AbortMultipartUpload", "ListMultipartUploadParts",
  ].map((a) => `s3:${a}`.toLowerCase()),
);

/** An S3 object ARN prefix a selector can name: a bucket and a slash, then any key prefix. */
const OBJECT_PREFIX = /^arn:aws(?:-[a-z-]+)?:s3:::[^/*?]+\/[^*?]*$/;

export function isObjectPrefix(value: string): boolean {
  return OBJECT_PREFIX.test(value);
}

export function isS3ObjectAction(action: string): boolean {
  return OBJECT_ACTIONS.has(action.toLowerCase());
}

/**
 * Whether every Allow statement granting `action` grants it only on resources under one of the
 * logged `prefixes` (and at least one grants it). Conditions only narrow a grant, so they are not
 * read; Deny statements and the permissions boundary only take away.
 */
export function grantsWithinPrefixes(statements: Iterable<PolicyStatement>, action: string, prefixes: readonly string[]): boolean {
  if (prefixes.length === 0 || !isS3ObjectAction(action)) return false;
  let any = false;
  for (const st of statements) {
    if (st.Effect !== "Allow" || !actionApplies(st, action)) continue;
    if (st.Resource === undefined) return false;
    for (const pattern of st.Resource) {
      if (!prefixes.some((p) => pattern.startsWith(p))) return false;
      any = true;
    }
  }
  return any;
}

/**
 * The object ARN prefixes under which every call of an action of `cls` (CloudTrail's readOnly for
 * it, not-logged.ts) is logged: those of both classes, and those of its class alone. An action whose
 * class is not known gets the first only.
 */
export function loggedPrefixesFor(said: Pick<DataEventTypeCoverage, "prefixes" | "readPrefixes" | "writePrefixes">, cls: "read" | "write" | null): string[] {
  const own = cls === "read" ? said.readPrefixes : cls === "write" ? said.writePrefixes : undefined;
  return [...(said.prefixes ?? []), ...(own ?? [])];
}
