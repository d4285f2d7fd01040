/**
 * manifest.json: what a collection fetched, per call, and what it could not. `audit` reads it to
 * say its data is partial; `--resume` reads it to skip calls already done.
 */

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CollectError } from "./errors.js";
import { allowedOperation } from "./operations.js";
import { printable } from "../printable.js";

export const MANIFEST_FILE = "manifest.json";
export const MANIFEST_VERSION = 1;

export type CallStatus = "ok" | "failed" | "skipped";

export interface ManifestCall {
  /** `<region|global>/<service:Operation>[/<target>]`, unique; the resume key. */
  id: string;
  service: string;
  operation: string;
  /** `global` for IAM and STS, the region otherwise. */
  region: string;
  /** What the call was about (function name, role ARN, S3 URL); null for account-wide calls. */
  target: string | null;
  status: CallStatus;
  /** Files written, relative to the out directory, sorted. */
  files: string[];
  /** Items collected (functions, roles, events, objects…), null when not countable. */
  count: number | null;
  /** The call succeeded and AWS said there is nothing (ResourceNotFoundException): no file. */
  absent: boolean;
  /**
   * Why a call was skipped, or a note on a fallback. On a failed call: why its failure does not
   * make the collection partial (it is then listed in `notes`, not `reasons`).
   */
  reason: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  /**
   * Failed entries only, when the call that failed is not the entry's own `service:operation` but
   * one the unit makes before it (`accessanalyzer:ListAnalyzers` of the GetFindingV2 entry,
   * `iam:GenerateServiceLastAccessedDetails` of the GetServiceLastAccessedDetails one): the
   * permission that was missing is that call's. `id` stays the unit's (the --resume key).
   */
  failedOperation?: string;
  /** HTTP attempts including the SDK's and our own throttling retries. */
  attempts: number;
  startedAt: string;
  finishedAt: string;
  /** Carried over from an earlier run by --resume, not called again. */
  resumed: boolean;
  /** Athena / CloudTrail Lake entries only: the query this call started, polled or read. */
  query?: QueryRecord;
}

/** What the manifest keeps about an Athena or CloudTrail Lake query. */
export interface QueryRecord {
  /** QueryExecutionId (Athena) or QueryId (Lake). */
  id: string;
  /** Last state seen: QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED (Athena); QUEUED, RUNNING, FINISHED, FAILED, CANCELLED, TIMED_OUT (Lake). */
  state: string;
  /** AWS's StateChangeReason / ErrorMessage, or why collect stopped the query. */
  stateReason: string | null;
  /** Bytes the query scanned (what Athena bills), when reported. */
  bytesScanned: number | null;
  /** Rows of results written (header excluded). */
  rows: number | null;
}

export interface CollectManifest {
  manifestVersion: typeof MANIFEST_VERSION;
  /** Marks the file for content-based detection by the source readers. */
  kind: "leastrole-collect-manifest";
  tool: { name: "leastrole"; version: string };
  account: { id: string; arn: string; partition: string } | null;
  startedAt: string;
  finishedAt: string;
  options: {
    profile: string | null;
    regionsRequested: string[] | "all" | "default";
    regions: string[];
    accessAdvisor: boolean;
    accessAnalyzer: boolean;
    cloudtrail: string | null;
    /**
     * `--config-aggregator`: the aggregator whose inventory replaced IAM's and Lambda's (no
     * lambda:ListFunctions call lists any region's functions then). Absent in manifests written
     * before it existed: read as null. `region` null: the run stopped before it read the
     * profile's region.
     */
    configAggregator?: { name: string; region: string | null } | null;
    /** CloudTrail window, ISO 8601 UTC. */
    window: { start: string; end: string } | null;
    /** --endpoint, else AWS_ENDPOINT_URL (the SDK honours it); null: AWS's own endpoints. */
    endpoint: string | null;
  };
  /** How the files differ from raw API output, so readers know what they hold. */
  transformations: {
    iamPolicyDocuments: "decoded-to-objects";
    environmentVariableValues: "replaced-by-empty-string";
    timestamps: "iso-8601-utc";
  };
  /** True when any call failed (but those `notes` lists): the data is incomplete and findings may be missing. */
  partial: boolean;
  /** One line per failed call or degraded step, sorted. */
  reasons: string[];
  /**
   * One line per call that failed without making the collection incomplete, or per thing it
   * could not settle (what the trails log: `audit` then judges it from the records), sorted.
   */
  notes: string[];
  calls: ManifestCall[];
}

/** The previous manifest in `dir`, or null. A manifest that cannot be read is an error, not "none". */
export function readManifest(dir: string): CollectManifest | null {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new CollectError(`cannot resume: the manifest is not valid JSON (${(e as Error).message})`, { file, cause: e });
  }
  const m = parsed as Partial<CollectManifest> | null;
  if (!m || m.kind !== "leastrole-collect-manifest" || !Array.isArray(m.calls)) {
    throw new CollectError("cannot resume: this is not a leastrole collect manifest", { file });
  }
  if (m.manifestVersion !== MANIFEST_VERSION) {
    throw new CollectError(`cannot resume: manifest version ${printable(m.manifestVersion)} is not ${MANIFEST_VERSION}`, {
      file,
      path: "manifestVersion",
    });
  }
  return m as CollectManifest;
}

/** The entry with its fields in the documented order (stable, readable manifests). */
export function canonicalCall(c: ManifestCall): ManifestCall {
  return {
    id: c.id,
    service: c.service,
    operation: c.operation,
    region: c.region,
    target: c.target,
    status: c.status,
    files: c.files,
    count: c.count,
    absent: c.absent,
    reason: c.reason,
    errorCode: c.errorCode,
    errorMessage: c.errorMessage,
    ...(c.failedOperation !== undefined ? { failedOperation: c.failedOperation } : {}),
    attempts: c.attempts,
    startedAt: c.startedAt,
    finishedAt: c.finishedAt,
    resumed: c.resumed,
    ...(c.query
      ? { query: { id: c.query.id, state: c.query.state, stateReason: c.query.stateReason, bytesScanned: c.query.bytesScanned, rows: c.query.rows } }
      : {}),
  };
}

/** A failed call whose failure does not make the collection partial (see ManifestCall.reason). */
export function isNotPartial(call: ManifestCall): boolean {
  return call.status === "failed" && call.reason !== null;
}

export function reasonFor(call: ManifestCall): string {
  // A failed entry names the call that failed (failedOperation), which may precede the unit's own.
  const operation = (call.status === "failed" ? call.failedOperation : undefined) ?? `${call.service}:${call.operation}`;
  const what = call.target ? `${operation} ${call.target}` : operation;
  const where = call.region === "global" ? "" : ` in ${call.region}`;
  if (call.status === "failed") {
    const failed = `${what}${where} failed: ${call.errorCode ?? "Error"}: ${call.errorMessage ?? ""}`.trimEnd();
    return call.reason === null ? failed : `${failed} (${call.reason})`;
  }
  return `${what}${where}: ${call.reason ?? call.status}`;
}

/**
 * A denial whose message names the KMS action refused: an object encrypted with SSE-KMS read
 * without kms:Decrypt on its key ("… is not authorized to perform: kms:Decrypt on resource:
 * arn:aws:kms:…"). S3 often says only "Access Denied" for it (see summarisedReasons).
 */
function kmsDenial(call: ManifestCall): boolean {
  return /\bkms:Decrypt\b/.test(call.errorMessage ?? "");
}

/** Error codes that say the identity lacks a permission: the remedy is to grant it. */
function isDenial(call: ManifestCall): boolean {
  if (/AccessDenied|Unauthorized|NotAuthorized|Forbidden/i.test(call.errorCode ?? "")) return true;
  return call.errorCode === "UnparseableResponse" && /^HTTP 40[13]\b/.test(call.errorMessage ?? "");
}

/**
 * The security token was not recognised (UnrecognizedClientException from JSON services such as
 * Lambda and AWS Config, InvalidClientTokenId from query services): in a region, while the same
 * credentials identified the account (sts:GetCallerIdentity) and read the others, that is a region
 * not enabled in the account, or a session token from STS's global endpoint, which is valid only
 * in the regions enabled by default (IAM API reference, SetSecurityTokenServicePreferences). Not
 * fixed by --resume.
 */
function isRegionRefusal(call: ManifestCall): boolean {
  return call.errorCode === "UnrecognizedClientException" || call.errorCode === "InvalidClientTokenId";
}

/**
 * The manifest's `reasons` for a person: the failures of one call with one error code that recur
 * (one missing per-function permission fails the call for every function) as one line each,
 * saying how many of those calls failed, where, and what to do (the IAM action to add, for a
 * denial); a failure alone, and every reason that is not a failed call, as in `reasons`. The
 * manifest keeps every call's detail.
 */
export function summarisedReasons(m: Pick<CollectManifest, "reasons" | "calls">): string[] {
  const failed = m.calls.filter((c) => c.status === "failed" && !isNotPartial(c));
  const operationOfCall = (c: ManifestCall) => (c.status === "failed" ? c.failedOperation : undefined) ?? `${c.service}:${c.operation}`;
  const grouped = new Set<string>();
  const lines: string[] = [];
  // A region that refuses the credentials other regions took: one line for the region, saying why.
  const refusing = new Map<string, ManifestCall[]>();
  for (const c of failed) {
    if (c.region !== "global" && isRegionRefusal(c)) refusing.set(c.region, [...(refusing.get(c.region) ?? []), c]);
  }
  for (const [region, calls] of refusing) {
    // Only when the credentials were taken elsewhere (sts:GetCallerIdentity at least): else they are what is wrong.
    if (!m.calls.some((c) => c.status === "ok" && c.region !== region)) continue;
    for (const c of calls) grouped.add(reasonFor(c));
    const first = calls[0] as ManifestCall;
    const operations = [...new Set(calls.map(operationOfCall))].sort();
    lines.push(
      `${calls.length} call(s) in ${region} failed (${operations.join(", ")}): ${first.errorCode} (${(first.errorMessage ?? "").trim()}), though the same credentials were accepted ` +
        `outside ${region}: ${region} is probably an opt-in region not enabled in the account, or the credentials are a session token from STS's global endpoint ` +
        `(version 1 tokens are valid only in the regions enabled by default); enable the region, or leave it out of --regions (--regions all reads only the enabled ones)`,
    );
  }
  const groups = new Map<string, ManifestCall[]>();
  for (const c of failed) {
    if (grouped.has(reasonFor(c))) continue;
    const key = `${operationOfCall(c)}\u0000${c.errorCode ?? "Error"}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  for (const calls of groups.values()) {
    if (calls.length < 2) continue;
    for (const c of calls) grouped.add(reasonFor(c));
    const first = calls[0] as ManifestCall;
    const operation = operationOfCall(first);
    const made = m.calls.filter((c) => `${c.service}:${c.operation}` === `${first.service}:${first.operation}`).length;
    const regions = [...new Set(calls.map((c) => c.region))].sort();
    const where = regions.length === 1 && regions[0] === "global" ? "" : ` in ${regions.filter((r) => r !== "global").join(", ")}`;
    const action = allowedOperation(operation)?.iamAction ?? null;
    const remedy = !isDenial(first)
      ? "collect --resume makes them again"
      : kmsDenial(first)
        ? "add kms:Decrypt on the KMS key the objects are encrypted with (in the key policy, or in the identity's policy naming the key's ARN), then collect --resume"
        : action === null
          ? "collect --resume makes them again"
          : operation === "s3:GetObject"
            ? `add ${action} to the policy of the identity that collects (see collect --print-policy), or, if the log files are encrypted with SSE-KMS, kms:Decrypt on their key (S3 answers AccessDenied for either), then collect --resume`
            : `add ${action} to the policy of the identity that collects (see collect --print-policy), then collect --resume`;
    lines.push(`${operation} failed for ${calls.length} of ${made} calls${where}: ${first.errorCode ?? "Error"} (first: ${(first.errorMessage ?? "").trim()}); ${remedy}`);
  }
  return [...lines, ...m.reasons.filter((r) => !grouped.has(r))].sort();
}
