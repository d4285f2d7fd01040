/**
 * collect's options, one per CLI flag, and their validation. Bad options are CollectErrors
 * naming the flag, raised before any AWS call.
 */

import { isAbsolute, resolve } from "node:path";
import type { ClientSettings } from "./clients.js";
import { CollectError } from "./errors.js";
import type { ManifestCall } from "./manifest.js";

/** Where CloudTrail usage comes from. Athena is not supported yet (no shipped query to run). */
export type CloudTrailSource = { kind: "lookup" } | { kind: "s3"; bucket: string; prefix: string };

export type CollectProgress =
  | { kind: "phase"; message: string }
  | { kind: "call"; call: ManifestCall; message: string }
  | { kind: "throttled"; operation: string; retry: number; delayMs: number; message: string };

export interface CollectOptions {
  /** `--out`: the directory to write; must be empty or absent unless `resume`. */
  out: string;
  /** `--profile`. */
  profile?: string | undefined;
  /** `--regions a,b` or `--regions all` (the account's enabled regions); default: the profile's region. */
  regions?: string[] | "all" | undefined;
  /** `--resume`: continue in `out`, skipping calls the manifest records as ok. */
  resume?: boolean | undefined;
  /** `--cloudtrail lookup|s3://bucket/prefix`. */
  cloudtrail?: string | CloudTrailSource | undefined;
  /** `--access-advisor`: ACTION_LEVEL last-accessed data for every role Lambda can assume. */
  accessAdvisor?: boolean | undefined;
  /** `--access-analyzer`: unused-access findings of an existing unused-access analyzer. */
  accessAnalyzer?: boolean | undefined;
  /** `--since`: start of the CloudTrail window (ISO 8601 date or date-time). */
  since?: string | Date | undefined;
  /** `--days`: length of the CloudTrail window ending now (default 90, Event history's limit). */
  days?: number | undefined;
  /** End of the window (default: now). */
  until?: Date | undefined;
  /** One endpoint for all services (local emulator). AWS_ENDPOINT_URL works without it. */
  endpoint?: string | undefined;
  /** Credentials instead of the default chain (embedding, tests). */
  credentials?: ClientSettings["credentials"];
  /** SDK attempts per call (standard retry mode). Default 5. */
  maxAttempts?: number | undefined;
  /** Our own throttling retries after the SDK's. Default 5. */
  throttleRetries?: number | undefined;
  /** Backoff base for our throttling retries, ms. Default 1000. */
  throttleBaseMs?: number | undefined;
  /** Parallel per-function / per-object calls. Default 4. */
  concurrency?: number | undefined;
  /** Access Advisor polling interval and give-up time, ms. Defaults 2000 and 300000. */
  pollIntervalMs?: number | undefined;
  pollTimeoutMs?: number | undefined;
  /** Progress events (the CLI prints `message` on stderr). */
  onProgress?: ((event: CollectProgress) => void) | undefined;
}

export interface ResolvedOptions {
  out: string;
  profile: string | undefined;
  regions: string[] | "all" | undefined;
  resume: boolean;
  cloudtrail: CloudTrailSource | null;
  accessAdvisor: boolean;
  accessAnalyzer: boolean;
  window: { start: Date; end: Date } | null;
  endpoint: string | undefined;
  credentials: ClientSettings["credentials"];
  maxAttempts: number;
  throttleRetries: number;
  throttleBaseMs: number;
  concurrency: number;
  pollIntervalMs: number;
  pollTimeoutMs: number;
  onProgress: (event: CollectProgress) => void;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const DAY_MS = 86_400_000;

/** `lookup`, `s3://bucket/prefix` → a CloudTrailSource; anything else is a CollectError. */
export function parseCloudTrailSource(value: string): CloudTrailSource {
  if (value === "lookup") return { kind: "lookup" };
  const s3 = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(value);
  if (s3) return { kind: "s3", bucket: s3[1] ?? "", prefix: s3[2] ?? "" };
  if (value.startsWith("athena:")) {
    throw new CollectError(
      "--cloudtrail athena:… is not supported yet: leastrole does not ship its Athena usage query; use --cloudtrail lookup or --cloudtrail s3://bucket/prefix",
    );
  }
  throw new CollectError(`--cloudtrail ${JSON.stringify(value)}: expected "lookup" or "s3://bucket/prefix"`);
}

function positiveInt(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) throw new CollectError(`${name} must be an integer ≥ ${min}, got ${String(value)}`);
  return value;
}

function parseSince(value: string | Date): Date {
  const date = value instanceof Date ? value : new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) throw new CollectError(`--since ${JSON.stringify(String(value))} is not an ISO 8601 date or date-time`);
  return date;
}

export function resolveOptions(options: CollectOptions): ResolvedOptions {
  if (typeof options.out !== "string" || options.out === "") throw new CollectError("--out is required: the directory to write to");
  let regions: string[] | "all" | undefined;
  if (options.regions === "all") regions = "all";
  else if (options.regions !== undefined) {
    const list = [...new Set(options.regions.map((r) => r.trim()).filter((r) => r !== ""))].sort();
    if (list.length === 0) throw new CollectError("--regions is empty");
    const bad = list.filter((r) => !REGION.test(r));
    if (bad.length > 0) throw new CollectError(`--regions: not region names: ${bad.join(", ")}`);
    regions = list;
  }
  const cloudtrail =
    options.cloudtrail === undefined ? null : typeof options.cloudtrail === "string" ? parseCloudTrailSource(options.cloudtrail) : options.cloudtrail;
  if (options.since !== undefined && options.days !== undefined) throw new CollectError("--since and --days are exclusive");
  if (cloudtrail === null && (options.since !== undefined || options.days !== undefined)) {
    throw new CollectError("--since/--days set the CloudTrail window: they need --cloudtrail");
  }
  let window: ResolvedOptions["window"] = null;
  if (cloudtrail !== null) {
    const end = options.until ?? new Date();
    const start = options.since !== undefined ? parseSince(options.since) : new Date(end.getTime() - positiveInt("--days", options.days, 90) * DAY_MS);
    if (start.getTime() >= end.getTime()) throw new CollectError(`--since ${start.toISOString()} is not before ${end.toISOString()}`);
    window = { start, end };
  }
  if (options.endpoint !== undefined && !/^https?:\/\/[^/]+/.test(options.endpoint)) {
    throw new CollectError(`endpoint ${JSON.stringify(options.endpoint)} is not an http(s) URL`);
  }
  return {
    out: isAbsolute(options.out) ? options.out : resolve(options.out),
    profile: options.profile,
    regions,
    resume: options.resume === true,
    cloudtrail,
    accessAdvisor: options.accessAdvisor === true,
    accessAnalyzer: options.accessAnalyzer === true,
    window,
    endpoint: options.endpoint,
    credentials: options.credentials,
    maxAttempts: positiveInt("maxAttempts", options.maxAttempts, 5),
    throttleRetries: positiveInt("throttleRetries", options.throttleRetries, 5, 0),
    throttleBaseMs: positiveInt("throttleBaseMs", options.throttleBaseMs, 1000, 0),
    concurrency: positiveInt("concurrency", options.concurrency, 4),
    pollIntervalMs: positiveInt("pollIntervalMs", options.pollIntervalMs, 2000, 0),
    pollTimeoutMs: positiveInt("pollTimeoutMs", options.pollTimeoutMs, 300_000, 0),
    onProgress: options.onProgress ?? (() => {}),
  };
}

/** How the CloudTrail source is written in the manifest (and on the command line). */
export function describeCloudTrail(source: CloudTrailSource | null): string | null {
  if (source === null) return null;
  return source.kind === "lookup" ? "lookup" : `s3://${source.bucket}/${source.prefix}`;
}
