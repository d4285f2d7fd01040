/**
 * collect's options, one per CLI flag, and their validation. Bad options are CollectErrors
 * naming the flag, raised before any AWS call.
 */

import { isAbsolute, resolve } from "node:path";
import { ISO_INSTANT_FORMS, parseIsoInstant } from "../iso-instant.js";
import type { ClientSettings } from "./clients.js";
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from "./timeouts.js";
import { CollectError } from "./errors.js";
import type { ManifestCall } from "./manifest.js";

/**
 * Where CloudTrail usage comes from: Event history, the trail's log files, the shipped usage
 * query run in Athena over a table of those files, or the Lake usage query on an event data store.
 */
export type CloudTrailSource =
  | { kind: "lookup" }
  | { kind: "s3"; bucket: string; prefix: string }
  | AthenaSource
  | LakeSource;

export interface AthenaSource {
  kind: "athena";
  /** Data catalog; null = Athena's default (AwsDataCatalog). */
  catalog: string | null;
  database: string;
  table: string;
  /** Workgroup; null = `primary`, Athena's default. */
  workgroup: string | null;
  /** Query result location (s3://bucket/prefix/); null = the workgroup's. */
  output: string | null;
  /** Region of the table and workgroup; null = the home region. */
  region: string | null;
  /**
   * Add `day` partition predicates for the window (the shipped table's projection, `yyyy/MM/dd`)
   * so Athena reads only the window's days; false for tables without that partition.
   */
  dayPartitions: boolean;
  /**
   * `security-lake:…`: the table is Amazon Security Lake's CloudTrail management events table
   * (OCSF), queried with the Security Lake usage query (src/usage/security-lake.ts) instead of the
   * CloudTrail one; absent for `athena:…`.
   */
  securityLake?: SecurityLakeTables;
}

export interface SecurityLakeTables {
  /** Security Lake source version: 2 (OCSF 1.1.0, tables `…_2_0`) or 1 (`…_1_0`). */
  version: 1 | 2;
  /** The S3 and Lambda data events tables, in the management table's database; null: not read. */
  s3Table: string | null;
  lambdaTable: string | null;
}

export interface LakeSource {
  kind: "lake";
  /** Event data store id (the UUID) or ARN; the query's FROM uses the id. */
  eventDataStore: string;
  region: string | null;
}

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
  /** `--cloudtrail lookup|s3://bucket/prefix|athena:<db>.<table>[?…]|lake:<event data store>[?…]|security-lake:<db>.<table>[?…]`. */
  cloudtrail?: string | CloudTrailSource | undefined;
  /** `--access-advisor`: ACTION_LEVEL last-accessed data for every role Lambda can assume. */
  accessAdvisor?: boolean | undefined;
  /** `--access-analyzer`: unused-access findings of an existing unused-access analyzer. */
  accessAnalyzer?: boolean | undefined;
  /**
   * `--config-aggregator <name>`: the IAM and Lambda inventory of every account and region an AWS
   * Config aggregator aggregates, read with the credentials of the aggregator's account, instead
   * of IAM's and Lambda's APIs in the credentials' own account.
   */
  configAggregator?: string | undefined;
  /** `--aggregator-region`: the region the aggregator is in (default: the profile's region). */
  aggregatorRegion?: string | undefined;
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
  /** How long to wait for a connection to an endpoint, ms. Default 10000. */
  connectTimeoutMs?: number | undefined;
  /**
   * How long one request may go without an answer (no byte received), ms. Default 60000. A call that
   * times out is retried by the SDK (maxAttempts), then recorded as failed (TimeoutError).
   */
  requestTimeoutMs?: number | undefined;
  /** Our own throttling retries after the SDK's. Default 5. */
  throttleRetries?: number | undefined;
  /** Backoff base for our throttling retries, ms. Default 1000. */
  throttleBaseMs?: number | undefined;
  /** Parallel per-function / per-object calls. Default 4. */
  concurrency?: number | undefined;
  /** Access Advisor polling interval and give-up time, ms. Defaults 2000 and 300000. */
  pollIntervalMs?: number | undefined;
  pollTimeoutMs?: number | undefined;
  /** Athena/Lake query: first polling interval (doubles up to 10 s) and give-up time, ms. Defaults 1000 and 1800000 (30 min). */
  queryPollMs?: number | undefined;
  queryTimeoutMs?: number | undefined;
  /**
   * Aborting it (the CLI does on Ctrl-C) ends the call in flight, cancels a running Athena/Lake
   * query and stops the run (a CollectError; the manifest says it did not finish).
   */
  signal?: AbortSignal | undefined;
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
  /** `--config-aggregator`; region null: the profile's. */
  configAggregator: { name: string; region: string | null } | null;
  window: { start: Date; end: Date } | null;
  endpoint: string | undefined;
  credentials: ClientSettings["credentials"];
  maxAttempts: number;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  throttleRetries: number;
  throttleBaseMs: number;
  concurrency: number;
  pollIntervalMs: number;
  pollTimeoutMs: number;
  queryPollMs: number;
  queryTimeoutMs: number;
  signal: AbortSignal | undefined;
  onProgress: (event: CollectProgress) => void;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
export const DAY_MS = 86_400_000;
/** How far back CloudTrail Event history (LookupEvents) goes. */
const EVENT_HISTORY_DAYS = 90;
/**
 * ConfigurationAggregatorName: 1 to 256 characters of `[\w\-]` (AWS Config API Reference,
 * "SelectAggregateResourceConfig", https://docs.aws.amazon.com/config/latest/APIReference/API_SelectAggregateResourceConfig.html).
 */
const AGGREGATOR_NAME = /^[\w-]{1,256}$/;

const S3_URL = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/;
/** Glue/Athena names: letters, digits, underscore (hyphen tolerated, Glue allows it); quoted in the SQL. */
const ATHENA_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,254}$/;
const EDS_ID = /^[A-Za-z0-9][A-Za-z0-9-]{2,63}$/;
const EDS_ARN = /^arn:[a-z-]+:cloudtrail:([a-z0-9-]+):\d{12}:eventdatastore\/([A-Za-z0-9][A-Za-z0-9-]{2,63})$/;

/** `?a=b&c=d` after the source, restricted to the names the source knows. */
function queryParams(flag: string, text: string, allowed: readonly string[]): Map<string, string> {
  const params = new Map<string, string>();
  if (text === "") return params;
  for (const part of text.split("&")) {
    const eq = part.indexOf("=");
    const key = eq < 0 ? part : part.slice(0, eq);
    let value = "";
    try {
      value = eq < 0 ? "" : decodeURIComponent(part.slice(eq + 1));
    } catch {
      throw new CollectError(`--cloudtrail ${flag}: parameter ${key} is not valid percent-encoding`);
    }
    if (!allowed.includes(key)) throw new CollectError(`--cloudtrail ${flag}: unknown parameter ${JSON.stringify(key)} (known: ${allowed.join(", ")})`);
    if (value === "") throw new CollectError(`--cloudtrail ${flag}: parameter ${key} has no value`);
    if (params.has(key)) throw new CollectError(`--cloudtrail ${flag}: parameter ${key} is given twice`);
    params.set(key, value);
  }
  return params;
}

function regionParam(flag: string, params: Map<string, string>): string | null {
  const region = params.get("region") ?? null;
  if (region !== null && !REGION.test(region)) throw new CollectError(`--cloudtrail ${flag}: region ${JSON.stringify(region)} is not a region name`);
  return region;
}

function parseAthena(value: string): AthenaSource {
  const [path = "", query = ""] = value.slice("athena:".length).split(/\?(.*)/s, 2);
  const names = path.split(".");
  const usage = 'expected athena:<database>.<table> or athena:<catalog>.<database>.<table>, then optionally ?workgroup=…&output=s3://…&region=…&partitions=none';
  if (names.length < 2 || names.length > 3) throw new CollectError(`--cloudtrail ${JSON.stringify(value)}: ${usage}`);
  const bad = names.filter((n) => !ATHENA_NAME.test(n));
  if (bad.length > 0) throw new CollectError(`--cloudtrail ${JSON.stringify(value)}: ${bad.map((b) => JSON.stringify(b)).join(", ")} is not a catalog, database or table name (letters, digits, _ and -)`);
  const params = queryParams(JSON.stringify(value), query, ["workgroup", "output", "region", "partitions"]);
  const output = params.get("output") ?? null;
  if (output !== null && !S3_URL.test(output)) throw new CollectError(`--cloudtrail ${JSON.stringify(value)}: output ${JSON.stringify(output)} is not an s3://bucket/prefix URL`);
  const workgroup = params.get("workgroup") ?? null;
  if (workgroup !== null && !/^[A-Za-z0-9._-]{1,128}$/.test(workgroup)) throw new CollectError(`--cloudtrail ${JSON.stringify(value)}: workgroup ${JSON.stringify(workgroup)} is not a workgroup name`);
  const partitions = params.get("partitions") ?? "day";
  if (partitions !== "day" && partitions !== "none") throw new CollectError(`--cloudtrail ${JSON.stringify(value)}: partitions must be "day" (the shipped table) or "none"`);
  const [catalog, database, table] = names.length === 3 ? names : [null, ...names];
  return {
    kind: "athena",
    catalog: catalog ?? null,
    database: database as string,
    table: table as string,
    workgroup,
    output: output === null ? null : output.endsWith("/") ? output : `${output}/`,
    region: regionParam(JSON.stringify(value), params),
    dayPartitions: partitions === "day",
  };
}

function parseSecurityLake(value: string): AthenaSource {
  const [path = "", query = ""] = value.slice("security-lake:".length).split(/\?(.*)/s, 2);
  const flag = JSON.stringify(value);
  const names = path.split(".");
  const usage = "expected security-lake:<database>.<table> (the CloudTrail management events table, …_cloud_trail_mgmt_2_0) or security-lake:<catalog>.<database>.<table>, then optionally ?s3=<table>&lambda=<table>&version=1|2&workgroup=…&output=s3://…&region=…";
  if (names.length < 2 || names.length > 3) throw new CollectError(`--cloudtrail ${flag}: ${usage}`);
  const params = queryParams(flag, query, ["s3", "lambda", "version", "workgroup", "output", "region"]);
  const bad = [...names, params.get("s3"), params.get("lambda")].filter((n): n is string => n !== undefined && !ATHENA_NAME.test(n));
  if (bad.length > 0) throw new CollectError(`--cloudtrail ${flag}: ${bad.map((b) => JSON.stringify(b)).join(", ")} is not a catalog, database or table name (letters, digits, _ and -)`);
  const output = params.get("output") ?? null;
  if (output !== null && !S3_URL.test(output)) throw new CollectError(`--cloudtrail ${flag}: output ${JSON.stringify(output)} is not an s3://bucket/prefix URL`);
  const workgroup = params.get("workgroup") ?? null;
  if (workgroup !== null && !/^[A-Za-z0-9._-]{1,128}$/.test(workgroup)) throw new CollectError(`--cloudtrail ${flag}: workgroup ${JSON.stringify(workgroup)} is not a workgroup name`);
  const table = names[names.length - 1] as string;
  // The version is in the table's name (…_cloud_trail_mgmt_1_0, …_2_0); a table named otherwise needs ?version=.
  const named = /_1_0$/.test(table) ? "1" : /_2_0$/.test(table) ? "2" : null;
  const version = params.get("version") ?? named;
  if (version !== "1" && version !== "2") throw new CollectError(`--cloudtrail ${flag}: version must be 1 or 2 (Security Lake's source version${named === null ? "; the table's name does not end in _1_0 or _2_0" : ""})`);
  if (named !== null && version !== named) throw new CollectError(`--cloudtrail ${flag}: version ${version} differs from the table's name (…_${named}_0)`);
  const [catalog, database] = names.length === 3 ? names : [null, ...names];
  return {
    kind: "athena",
    catalog: catalog ?? null,
    database: database as string,
    table,
    workgroup,
    output: output === null ? null : output.endsWith("/") ? output : `${output}/`,
    region: regionParam(flag, params),
    dayPartitions: false,
    securityLake: { version: version === "1" ? 1 : 2, s3Table: params.get("s3") ?? null, lambdaTable: params.get("lambda") ?? null },
  };
}

function parseLake(value: string): LakeSource {
  const [store = "", query = ""] = value.slice("lake:".length).split(/\?(.*)/s, 2);
  const params = queryParams(JSON.stringify(value), query, ["region"]);
  let region = regionParam(JSON.stringify(value), params);
  const arn = EDS_ARN.exec(store);
  if (arn) {
    if (region !== null && region !== arn[1]) throw new CollectError(`--cloudtrail ${JSON.stringify(value)}: region ${region} differs from the ARN's ${arn[1]}`);
    region = arn[1] ?? null;
    return { kind: "lake", eventDataStore: arn[2] as string, region };
  }
  if (!EDS_ID.test(store)) throw new CollectError(`--cloudtrail ${JSON.stringify(value)}: expected lake:<event data store id or ARN>[?region=…]`);
  return { kind: "lake", eventDataStore: store, region };
}

/** `lookup`, `s3://bucket/prefix`, `athena:…`, `lake:…` → a CloudTrailSource; anything else is a CollectError. */
export function parseCloudTrailSource(value: string): CloudTrailSource {
  if (value === "lookup") return { kind: "lookup" };
  const s3 = S3_URL.exec(value);
  if (s3) return { kind: "s3", bucket: s3[1] ?? "", prefix: s3[2] ?? "" };
  if (value.startsWith("athena:")) return parseAthena(value);
  if (value.startsWith("lake:")) return parseLake(value);
  if (value.startsWith("security-lake:")) return parseSecurityLake(value);
  throw new CollectError(`--cloudtrail ${JSON.stringify(value)}: expected "lookup", "s3://bucket/prefix", "athena:<database>.<table>", "lake:<event data store>" or "security-lake:<database>.<table>"`);
}

function positiveInt(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) throw new CollectError(`${name} must be an integer ≥ ${min}, got ${String(value)}`);
  return value;
}

export function parseSince(value: string | Date): Date {
  // A string is read the same on every machine (iso-instant.ts): a day is its start in UTC, a
  // date-time says its zone.
  const date = value instanceof Date ? value : new Date(parseIsoInstant(value) ?? Number.NaN);
  if (Number.isNaN(date.getTime())) throw new CollectError(`--since ${JSON.stringify(String(value))} is not ${ISO_INSTANT_FORMS}`);
  return date;
}

export function resolveOptions(options: CollectOptions): ResolvedOptions {
  if (typeof options.out !== "string" || options.out === "") throw new CollectError("--out is required: the directory to write to");
  let regions: string[] | "all" | undefined;
  if (options.regions === "all") regions = "all";
  else if (options.regions !== undefined) {
    // From JavaScript, the CLI's comma-separated form (`regions: "us-east-1,eu-west-1"`) failed with
    // a TypeError ("options.regions.map is not a function"): say what to give instead.
    if (!Array.isArray(options.regions) || options.regions.some((r) => typeof r !== "string")) {
      const given = options.regions as unknown;
      const hint = typeof given === "string" ? `: give ${JSON.stringify(given.split(",").map((r) => r.trim()).filter((r) => r !== ""))}` : "";
      throw new CollectError(`regions must be a list of region names or "all", not ${JSON.stringify(given) ?? String(given)}${hint}`);
    }
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
    // Event history holds the last 90 days ("You can look up events that occurred in a Region within
    // the last 90 days", https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html):
    // a longer window would be recorded in the manifest as read while its older days cannot be.
    if (cloudtrail.kind === "lookup" && end.getTime() - start.getTime() > EVENT_HISTORY_DAYS * DAY_MS) {
      const asked = options.since !== undefined ? `--since ${start.toISOString()}` : `--days ${options.days}`;
      throw new CollectError(`--cloudtrail lookup reads Event history, which holds the last ${EVENT_HISTORY_DAYS} days: ${asked} asks for more (use --cloudtrail s3://… or athena:… for a longer window)`);
    }
    window = { start, end };
  }
  const configAggregator = aggregatorOption(options, regions, cloudtrail);
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
    configAggregator,
    window,
    endpoint: options.endpoint,
    credentials: options.credentials,
    maxAttempts: positiveInt("maxAttempts", options.maxAttempts, 5),
    connectTimeoutMs: positiveInt("connectTimeoutMs", options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS),
    requestTimeoutMs: positiveInt("requestTimeoutMs", options.requestTimeoutMs, DEFAULT_REQUEST_TIMEOUT_MS),
    throttleRetries: positiveInt("throttleRetries", options.throttleRetries, 5, 0),
    throttleBaseMs: positiveInt("throttleBaseMs", options.throttleBaseMs, 1000, 0),
    concurrency: positiveInt("concurrency", options.concurrency, 4),
    pollIntervalMs: positiveInt("pollIntervalMs", options.pollIntervalMs, 2000, 0),
    pollTimeoutMs: positiveInt("pollTimeoutMs", options.pollTimeoutMs, 300_000, 0),
    queryPollMs: positiveInt("queryPollMs", options.queryPollMs, 1000, 0),
    queryTimeoutMs: positiveInt("queryTimeoutMs", options.queryTimeoutMs, 1_800_000, 0),
    signal: options.signal,
    onProgress: options.onProgress ?? (() => {}),
  };
}

/**
 * `--config-aggregator` and `--aggregator-region`, checked against the options that read one
 * account: the aggregator's inventory replaces IAM's and Lambda's, so what needs those (the roles
 * of Access Advisor, the regions of Lambda, Event history of one account) cannot come with it.
 */
function aggregatorOption(options: CollectOptions, regions: string[] | "all" | undefined, cloudtrail: CloudTrailSource | null): ResolvedOptions["configAggregator"] {
  const name = options.configAggregator;
  const region = options.aggregatorRegion;
  if (name === undefined) {
    if (region !== undefined) throw new CollectError("--aggregator-region needs --config-aggregator: it names the region of the aggregator");
    return null;
  }
  if (!AGGREGATOR_NAME.test(name)) throw new CollectError(`--config-aggregator ${JSON.stringify(name)} is not an aggregator name (1 to 256 letters, digits, _ and -)`);
  if (region !== undefined && !REGION.test(region)) throw new CollectError(`--aggregator-region ${JSON.stringify(region)} is not a region name`);
  const clash = [
    ...(regions !== undefined ? ["--regions (the aggregator holds every source region; --aggregator-region names its own)"] : []),
    ...(options.accessAdvisor === true ? ["--access-advisor (it reads the roles of the credentials' own account)"] : []),
    ...(options.accessAnalyzer === true ? ["--access-analyzer (it reads one account's analyzer)"] : []),
    ...(cloudtrail?.kind === "lookup" ? ["--cloudtrail lookup (Event history is one account's and region's)"] : []),
    ...(cloudtrail?.kind === "s3" ? ["--cloudtrail s3://… (the trails' event selectors are read per region read; use athena:…, security-lake:… or lake:… over the organisation trail)"] : []),
  ];
  if (clash.length > 0) throw new CollectError(`--config-aggregator cannot be combined with ${clash.join(", ")}`);
  return { name, region: region ?? null };
}

/** How the CloudTrail source is written in the manifest (and on the command line). */
export function describeCloudTrail(source: CloudTrailSource | null): string | null {
  if (source === null) return null;
  switch (source.kind) {
    case "lookup":
      return "lookup";
    case "s3":
      return `s3://${source.bucket}/${source.prefix}`;
    case "athena": {
      const sl = source.securityLake;
      if (sl !== undefined) {
        const params = [
          ...(sl.s3Table !== null ? [`s3=${sl.s3Table}`] : []),
          ...(sl.lambdaTable !== null ? [`lambda=${sl.lambdaTable}`] : []),
          `version=${sl.version}`,
          ...(source.workgroup !== null ? [`workgroup=${source.workgroup}`] : []),
          ...(source.output !== null ? [`output=${source.output}`] : []),
          ...(source.region !== null ? [`region=${source.region}`] : []),
        ];
        return `security-lake:${[source.catalog, source.database, source.table].filter((x) => x !== null).join(".")}?${params.join("&")}`;
      }
      const params = [
        ...(source.workgroup !== null ? [`workgroup=${source.workgroup}`] : []),
        ...(source.output !== null ? [`output=${source.output}`] : []),
        ...(source.region !== null ? [`region=${source.region}`] : []),
        ...(source.dayPartitions ? [] : ["partitions=none"]),
      ];
      return `athena:${[source.catalog, source.database, source.table].filter((x) => x !== null).join(".")}${params.length > 0 ? `?${params.join("&")}` : ""}`;
    }
    case "lake":
      return `lake:${source.eventDataStore}${source.region !== null ? `?region=${source.region}` : ""}`;
  }
}
