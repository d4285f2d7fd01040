/**
 * `collect`: read an AWS account's IAM and Lambda configuration (and optionally usage data) into
 * the files `leastrole audit` reads, plus manifest.json. Read-only by construction (every call
 * goes through callAws and its allow-list). A failed call is recorded and the rest collected;
 * the manifest then says `partial: true` and why.
 */

import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { packageVersion } from "../evaluate/locate.js";
import { PageTokens } from "./all-pages.js";
import type { CallContext } from "./aws-call.js";
import { callAws } from "./aws-call.js";
import type { ClientPool } from "./clients.js";
import { collectAccessAdvisor } from "./collect-access-advisor.js";
import { collectAccessAnalyzer } from "./collect-access-analyzer.js";
import { collectConfigAggregator } from "./collect-config-aggregator.js";
import { collectConfigRules } from "./collect-config-rules.js";
import { collectLookup, collectS3Logs } from "./collect-cloudtrail.js";
import { collectAthena, collectLake } from "./collect-query.js";
import { collectEventDataStore, collectTrailSelectors } from "./collect-trails.js";
import { collectIam } from "./collect-iam.js";
import { collectLambda } from "./collect-lambda.js";
import { CollectError } from "./errors.js";
import { isNotPartial, MANIFEST_FILE, MANIFEST_VERSION, readManifest, reasonFor, type CollectManifest, type ManifestCall } from "./manifest.js";
import { DAY_MS, describeCloudTrail, parseCloudTrailSource, parseSince, resolveOptions, type CloudTrailSource, type CollectOptions, type ResolvedOptions } from "./options.js";
import { isExpiredCredentials } from "./retry.js";
import { Run } from "./run.js";
import { OutWriter } from "./writer.js";

export interface CollectResult {
  manifest: CollectManifest;
  /** Absolute path of manifest.json. */
  manifestPath: string;
  /** Absolute path of the out directory. */
  out: string;
}

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function requestedRegions(o: ResolvedOptions): CollectManifest["options"]["regionsRequested"] {
  return o.regions === undefined ? "default" : o.regions;
}

/**
 * Node's socket, DNS and TLS error codes (and the SDK's timeout): AWS was never reached, so the
 * credentials are not what failed.
 */
const NETWORK_ERROR = /^(ECONNREFUSED|ECONNRESET|ECONNABORTED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EHOSTDOWN|EPIPE|TimeoutError|RequestTimeout|CERT_.*|UNABLE_TO_.*|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_.*)$/;

/** What to check when sts:GetCallerIdentity failed: the endpoint or network when AWS was not reached, else the credentials. */
function identityHint(code: string | null, o: ResolvedOptions, home: string): string {
  const endpoint = o.endpoint ?? process.env.AWS_ENDPOINT_URL_STS ?? configuredEndpoint(o);
  if (code !== null && NETWORK_ERROR.test(code)) return endpoint ? `check the endpoint ${endpoint} and the network` : "check the network (DNS, proxy, firewall)";
  // An answer that is not AWS's: something else listens there.
  if (code === "UnparseableResponse") return endpoint ? `check the endpoint ${endpoint}` : "check the network (a proxy answering instead of AWS?)";
  // An emulator accepts any credentials, but the SDK signs every request and needs some: users
  // pointing collect at one with --endpoint are told what to set (found by the collect review).
  if (code === "CredentialsProviderError" && endpoint && !o.profile) {
    return `check the credentials: the endpoint ${endpoint} needs some even if it accepts any (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile)`;
  }
  // A session token past its expiration (AWS's common errors: ExpiredTokenException; IAM, STS and S3 say ExpiredToken).
  if (code !== null && isExpiredCredentials({ name: code })) {
    return `the session token${o.profile ? ` of profile ${o.profile}` : ""} has expired: get new credentials (aws sso login, assume the role again, or new AWS_SESSION_TOKEN and keys) and run again`;
  }
  // STS answers from the identity's home region (its regional endpoint): one not enabled in the
  // account, or a session token from STS's global endpoint used in an opt-in region, says the token
  // is invalid however good the credentials are (IAM API reference, SetSecurityTokenServicePreferences).
  if (code === "InvalidClientTokenId" || code === "UnrecognizedClientException") {
    return `check the credentials${o.profile ? ` of profile ${o.profile}` : ""}, and that the region ${home} (where STS was asked) is enabled in the account: an opt-in region not enabled answers this too (set AWS_REGION to a region enabled by default, such as us-east-1)`;
  }
  return `check the credentials${o.profile ? ` of profile ${o.profile}` : ""}`;
}

/**
 * The endpoint the collection read from, for the manifest: --endpoint, else AWS_ENDPOINT_URL, which
 * the SDK honours unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is set (a collection of an emulator
 * must not pass for one of AWS). Null: the SDK's own endpoints.
 */
function configuredEndpoint(o: ResolvedOptions): string | null {
  if (o.endpoint !== undefined) return o.endpoint;
  if (process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === "true") return null;
  return process.env.AWS_ENDPOINT_URL || null;
}

/**
 * `--resume` continues the collection the manifest records: the options that shape what is
 * collected (regions, features, the CloudTrail source and its window) default to the manifest's, so
 * `collect --out DIR --resume` is enough after a Ctrl-C or a partial run. Found by the collect
 * review: the interrupt message said "run again with --resume", which was refused unless every flag
 * was repeated, and a resumed run moved the CloudTrail window to its own "now" (the usage already
 * copied then no longer matched the window the manifest stated). Options given are kept, and
 * checkResumable refuses those that differ. Not inherited: the profile and the endpoint, which say
 * where credentials and signed requests go, and are the user's to give.
 */
function withRecordedOptions(options: CollectOptions, prev: CollectManifest): CollectOptions {
  const p = prev.options;
  const cloudtrail = options.cloudtrail ?? p.cloudtrail ?? undefined;
  const sameSource = options.cloudtrail === undefined || (p.cloudtrail !== null && describeCloudTrail(resolveSource(options.cloudtrail)) === p.cloudtrail);
  const windowGiven = options.since !== undefined || options.days !== undefined || options.until !== undefined;
  // The recorded window, also when the one given is the same (the first command typed again):
  // --days of a window "ending now" would otherwise end at this run's now. Another window stays as
  // given, and checkResumable refuses it.
  const window = sameSource && p.window !== null && (!windowGiven || sameWindowAsked(options, p.window)) ? { since: new Date(p.window.start), until: new Date(p.window.end), days: undefined } : {};
  return {
    ...options,
    regions: options.regions ?? (p.regionsRequested === "default" ? undefined : p.regionsRequested),
    accessAdvisor: options.accessAdvisor ?? p.accessAdvisor,
    accessAnalyzer: options.accessAnalyzer ?? p.accessAnalyzer,
    cloudtrail,
    configAggregator: options.configAggregator ?? p.configAggregator?.name,
    aggregatorRegion: options.aggregatorRegion ?? (options.configAggregator === undefined ? (p.configAggregator?.region ?? undefined) : undefined),
    ...window,
  };
}

/**
 * Whether the --since, --days or --until given name the window the collection records: the same
 * start, the same number of days, the same end (each given one checked).
 */
function sameWindowAsked(options: CollectOptions, recorded: { start: string; end: string }): boolean {
  const start = Date.parse(recorded.start);
  const end = Date.parse(recorded.end);
  if (options.until !== undefined && options.until.getTime() !== end) return false;
  if (options.since !== undefined) return parseSince(options.since).getTime() === start;
  if (options.days !== undefined) return options.days * DAY_MS === end - start;
  return true;
}

/** A window as the manifest records it, with its length: `2026-01-10T00:00:00.000Z – 2026-01-20T00:00:00.000Z (10 days)`. */
function windowText(w: { start: string; end: string }): string {
  const days = Math.round(((Date.parse(w.end) - Date.parse(w.start)) / DAY_MS) * 10) / 10;
  return `${w.start} – ${w.end} (${days} ${days === 1 ? "day" : "days"})`;
}

function resolveSource(source: NonNullable<CollectOptions["cloudtrail"]>): CloudTrailSource {
  return typeof source === "string" ? parseCloudTrailSource(source) : source;
}

interface ResumeKey {
  regionsRequested: CollectManifest["options"]["regionsRequested"];
  accessAdvisor: boolean;
  accessAnalyzer: boolean;
  cloudtrail: string | null;
  configAggregator: string | null;
}

/** The options of a resume check as the flags that give them (what the user types). */
function asFlags(k: ResumeKey): string {
  const flags = [
    ...(k.regionsRequested === "default" ? [] : [`--regions ${k.regionsRequested === "all" ? "all" : k.regionsRequested.join(",")}`]),
    ...(k.accessAdvisor ? ["--access-advisor"] : []),
    ...(k.accessAnalyzer ? ["--access-analyzer"] : []),
    ...(k.cloudtrail !== null ? [`--cloudtrail ${k.cloudtrail}`] : []),
    ...(k.configAggregator !== null ? [`--config-aggregator ${k.configAggregator}`] : []),
  ];
  return flags.length === 0 ? "no option (the default region, no usage)" : flags.join(" ");
}

/**
 * An endpoint as compared on resume: `http://127.0.0.1:4566/` and `http://127.0.0.1:4566` are one
 * server (found by the collect review: a trailing slash refused the resume). The URL parser also
 * lower-cases the host and drops a default port.
 */
function sameEndpoint(endpoint: string | null): string | null {
  if (endpoint === null) return null;
  try {
    const u = new URL(endpoint);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, "")}`;
  } catch {
    return endpoint;
  }
}

/** Resume only with the options the collection was started with: other options mean other files. */
function checkResumable(prev: CollectManifest, o: ResolvedOptions, file: string): void {
  const now: ResumeKey = {
    regionsRequested: requestedRegions(o),
    accessAdvisor: o.accessAdvisor,
    accessAnalyzer: o.accessAnalyzer,
    cloudtrail: describeCloudTrail(o.cloudtrail),
    configAggregator: o.configAggregator?.name ?? null,
  };
  const before: ResumeKey = {
    regionsRequested: prev.options.regionsRequested,
    accessAdvisor: prev.options.accessAdvisor,
    accessAnalyzer: prev.options.accessAnalyzer,
    cloudtrail: prev.options.cloudtrail,
    configAggregator: prev.options.configAggregator?.name ?? null,
  };
  if (JSON.stringify(now) !== JSON.stringify(before)) {
    throw new CollectError(
      `cannot resume with different options: the collection was started with ${asFlags(before)}, this run asks for ${asFlags(now)}; leave the options out to continue with the collection's own, or collect into a new --out`,
      { file },
    );
  }
  // Another CloudTrail window: the log files, Event history or query rows already copied are of the
  // recorded window, and are not fetched again. Before, the manifest then stated the new window over
  // them (a 30-day collection resumed with --days 90 said 90 days and held 30), or mixed the two when
  // some regions' units were made again.
  const recorded = prev.options.window;
  const asked = o.window === null ? null : { start: o.window.start.toISOString(), end: o.window.end.toISOString() };
  if (recorded !== null && asked !== null && (recorded.start !== asked.start || recorded.end !== asked.end)) {
    throw new CollectError(
      `cannot resume with another CloudTrail window: the collection was started with ${windowText(recorded)}, and what it copied of the logs is of that window; this run asks for ${windowText(asked)}; leave --since and --days out to continue with the collection's window, or collect into a new --out`,
      { file },
    );
  }
  // Another endpoint is another data source (an emulator, AWS): one manifest records one. Emulators
  // share account ids (moto's is always 123456789012), so the account check cannot tell them apart.
  const endpoint = configuredEndpoint(o);
  const started = prev.options.endpoint ?? null;
  if (sameEndpoint(endpoint) !== sameEndpoint(started)) {
    const name = (e: string | null) => (e === null ? "AWS's own endpoints" : `endpoint ${e}`);
    // Not taken from the manifest: a file in the folder must not choose where signed requests go.
    const fix = started === null ? "leave out --endpoint and AWS_ENDPOINT_URL" : `pass --endpoint ${started}`;
    throw new CollectError(`cannot resume from another endpoint: the collection was started against ${name(started)}, this run reads ${name(endpoint)} (${fix})`, { file });
  }
}

/** The out directory's entries; a file there, or one that cannot be read, is the user's to fix (exit 2), said in one line. */
function outEntries(out: string): string[] {
  if (!statSync(out).isDirectory()) throw new CollectError("--out names a file, not a folder: choose a new directory", { file: out });
  try {
    return readdirSync(out);
  } catch (e) {
    throw new CollectError(`cannot read the out directory: ${(e as NodeJS.ErrnoException).code === "EACCES" ? "permission denied" : (e as Error).message}`, { file: out, cause: e });
  }
}

/**
 * The manifest of a collection that read nothing — only its manifest in the folder, no account
 * identified, no call ok — or null. Anything else in the folder (or a manifest that does not read)
 * is the user's: never begun again over it.
 */
function collectedNothing(out: string): CollectManifest | null {
  if (outEntries(out).join("/") !== MANIFEST_FILE) return null;
  let m: CollectManifest | null;
  try {
    m = readManifest(out);
  } catch {
    return null;
  }
  return m !== null && m.account === null && !m.calls.some((c) => c.status === "ok") ? m : null;
}

/** How often, at most, the manifest is saved while units finish. */
const SAVE_EVERY_MS = 2_000;

/** The files the `ok` entries vouch for. */
function okFiles(calls: Iterable<ManifestCall>): Set<string> {
  const files = new Set<string>();
  for (const c of calls) if (c.status === "ok") for (const f of c.files) files.add(f);
  return files;
}

export async function collect(options: CollectOptions): Promise<CollectResult> {
  // With --resume and no --cloudtrail, the CloudTrail source may be the collection's own (read
  // below), so --since/--days are checked once it is known, not refused as needing --cloudtrail.
  const deferWindow = options.resume === true && options.cloudtrail === undefined;
  let o = resolveOptions(deferWindow ? { ...options, since: undefined, days: undefined, until: undefined } : options);
  const manifestPath = join(o.out, MANIFEST_FILE);
  let previous: CollectManifest | null = null;
  let startAgain: CollectManifest | null = null;
  if (existsSync(o.out) && outEntries(o.out).length > 0) {
    startAgain = collectedNothing(o.out);
    if (!o.resume && startAgain === null) {
      throw new CollectError("the out directory is not empty: pass --resume to continue the collection there, or choose a new directory", {
        file: o.out,
      });
    }
  }
  if (startAgain !== null) {
    // A collection that stopped before it read anything (no credentials, say) holds only its
    // manifest: it is begun again, with the options given and, with --resume, the recorded ones
    // for those left out (found by the collect review: fixing the credentials and running the same
    // command again was refused, "the out directory is not empty").
    if (o.resume) o = resolveOptions(withRecordedOptions(options, startAgain));
    o.onProgress({ kind: "phase", message: `starting again: the collection in ${o.out} read nothing (${startAgain.reasons[0] ?? "it did not finish"})` });
  } else if (existsSync(o.out) && outEntries(o.out).length > 0) {
    previous = readManifest(o.out);
    if (previous === null) throw new CollectError("cannot resume: the out directory has no manifest.json", { file: o.out });
    o = resolveOptions(withRecordedOptions(options, previous));
    checkResumable(previous, o, manifestPath);
  } else if (deferWindow) {
    // Nothing to resume from: the options as given, checked as given.
    o = resolveOptions(options);
  }
  // --resume into an empty or absent folder starts a new collection: said, so that an error about
  // the options given (no region) does not read as one about the collection meant to be resumed.
  if (o.resume && previous === null && startAgain === null) o.onProgress({ kind: "phase", message: `nothing to resume in ${o.out} (no collection there): starting a new one with the options given` });
  try {
    mkdirSync(o.out, { recursive: true });
  } catch (e) {
    // A file where a parent folder should be (ENOTDIR), no permission (EACCES), a read-only disk:
    // the user's to fix, said in one line.
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOTDIR" ? "a part of the path is a file, not a folder" : code === "EACCES" || code === "EPERM" ? "permission denied" : (e as Error).message;
    throw new CollectError(`cannot create the out directory: ${why}`, { file: o.out, cause: e });
  }

  // Loaded here, not at import: the AWS SDK costs every other command ~0.25 s of startup (aws-call.ts).
  const { ClientPool: Pool } = await import("./clients.js");
  const clients: ClientPool = new Pool({
    profile: o.profile,
    endpoint: o.endpoint,
    credentials: o.credentials,
    maxAttempts: o.maxAttempts,
    connectTimeoutMs: o.connectTimeoutMs,
    requestTimeoutMs: o.requestTimeoutMs,
  });
  const ctx: CallContext = {
    clients,
    throttle: { retries: o.throttleRetries, baseMs: o.throttleBaseMs, capMs: 20_000 },
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    signal: o.signal,
    onThrottled: (key, retry, delayMs) =>
      o.onProgress({ kind: "throttled", operation: key, retry, delayMs, message: `${key}: throttled, retry ${retry} in ${delayMs} ms` }),
  };
  const writer = new OutWriter(o.out);
  if (previous !== null) {
    writer.removeLeftovers();
    // What the previous run wrote but its manifest never recorded (killed before saving it, or a
    // unit that failed after writing part of its files) is not trusted: removed, and made again.
    writer.removeUnlisted(okFiles(previous.calls));
    // Said, since the options may not have been given: what this run continues.
    // With its length: a 90-day collection (collect's default) is not audit's 30-day window.
    const window = o.window ? `, CloudTrail window ${windowText({ start: o.window.start.toISOString(), end: o.window.end.toISOString() })}` : "";
    const flags = asFlags({ ...previous.options, configAggregator: previous.options.configAggregator?.name ?? null });
    o.onProgress({ kind: "phase", message: `resuming the collection started at ${previous.startedAt} with ${flags}${window}` });
  }
  const run = new Run(ctx, writer, new Map((previous?.calls ?? []).map((c) => [c.id, c])), o.onProgress);
  const startedAt = new Date().toISOString();
  let account: CollectManifest["account"] = null;
  let regions: string[] = Array.isArray(o.regions) ? o.regions : [];
  // --config-aggregator: the aggregator's region, once known (its own, or the profile's).
  let aggregator: { name: string; region: string } | null = null;
  // Set when this run must not touch the directory's manifest (it belongs to another account).
  let keepPreviousManifest = false;

  const manifest = (complete: boolean): CollectManifest => {
    // While running, earlier ok entries not yet revisited stay listed so a crash loses nothing.
    const calls = new Map<string, ManifestCall>(complete ? [] : (previous?.calls ?? []).filter((c) => c.status === "ok").map((c) => [c.id, c]));
    for (const [id, c] of run.calls) calls.set(id, c);
    const sorted = [...calls.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const reasons = [
      ...sorted.filter((c) => c.status === "failed" && !isNotPartial(c)).map(reasonFor),
      ...run.degraded,
      ...(complete ? [] : ["the collection did not finish"]),
    ].sort();
    const notes = [...sorted.filter(isNotPartial).map(reasonFor), ...run.notes].sort();
    return {
      manifestVersion: MANIFEST_VERSION,
      kind: "leastrole-collect-manifest",
      tool: { name: "leastrole", version: packageVersion() },
      account,
      startedAt,
      finishedAt: new Date().toISOString(),
      options: {
        profile: o.profile ?? null,
        regionsRequested: requestedRegions(o),
        regions,
        accessAdvisor: o.accessAdvisor,
        accessAnalyzer: o.accessAnalyzer,
        cloudtrail: describeCloudTrail(o.cloudtrail),
        ...(o.configAggregator !== null ? { configAggregator: aggregator ?? { name: o.configAggregator.name, region: o.configAggregator.region } } : {}),
        window: o.window ? { start: o.window.start.toISOString(), end: o.window.end.toISOString() } : null,
        endpoint: configuredEndpoint(o),
      },
      transformations: {
        iamPolicyDocuments: "decoded-to-objects",
        environmentVariableValues: "replaced-by-empty-string",
        timestamps: "iso-8601-utc",
      },
      partial: reasons.length > 0,
      reasons,
      notes,
      calls: sorted,
    };
  };
  let savedAt = Date.now();
  const save = (complete: boolean): CollectManifest => {
    const m = manifest(complete);
    writer.commit(MANIFEST_FILE, m);
    savedAt = Date.now();
    return m;
  };
  // Recorded as they finish, not only per phase: a run killed in a region's per-function calls
  // then loses seconds of work, not the region's. Not after every call: the manifest of a large
  // account is megabytes, and writing it per call would cost more than the calls.
  run.afterRecord = () => {
    if (!keepPreviousManifest && account !== null && Date.now() - savedAt >= SAVE_EVERY_MS) save(false);
  };

  try {
    const defaultRegion = await clients.defaultRegion();
    if (o.configAggregator !== null && o.configAggregator.region === null && defaultRegion === undefined) {
      throw new CollectError("no region for the aggregator: pass --aggregator-region, or set a region in the profile or AWS_REGION");
    }
    if (defaultRegion === undefined && regions.length === 0 && o.regions !== "all" && o.configAggregator === null) {
      throw new CollectError("no region: pass --regions, or set a region in the profile or AWS_REGION");
    }
    // IAM, STS and Account are global; their home region only picks the partition's endpoint.
    const home = defaultRegion ?? o.configAggregator?.region ?? regions[0] ?? "us-east-1";

    run.phase("identity (sts:GetCallerIdentity)");
    const identity = await run.unit<{ id: string; arn: string }>(
      { service: "sts", operation: "GetCallerIdentity", region: "global" },
      { fresh: true },
      async () => {
        const { output, attempts } = await callAws(ctx, "sts:GetCallerIdentity", home, {});
        if (!output.Account || !output.Arn) throw new CollectError("GetCallerIdentity returned no account");
        return { count: 1, attempts, data: { id: output.Account, arn: output.Arn } };
      },
    );
    if (!identity.data) {
      save(false);
      throw new CollectError(`cannot identify the account (${identity.call.errorCode}: ${identity.call.errorMessage}); ${identityHint(identity.call.errorCode, o, home)}`, {
        file: manifestPath,
      });
    }
    account = { id: identity.data.id, arn: identity.data.arn, partition: identity.data.arn.split(":")[1] ?? "aws" };
    if (previous?.account && previous.account.id !== account.id) {
      keepPreviousManifest = true;
      throw new CollectError(`cannot resume: the collection is of account ${previous.account.id}, these credentials are of ${account.id}`, {
        file: manifestPath,
      });
    }

    if (o.configAggregator !== null) {
      // One aggregator's inventory of every source account and region replaces IAM's and Lambda's
      // of this account (options.ts refuses the options that need those).
      aggregator = { name: o.configAggregator.name, region: o.configAggregator.region ?? home };
      regions = [aggregator.region];
      save(false);
      run.phase(`AWS Config aggregator ${aggregator.name} in ${aggregator.region} (config:SelectAggregateResourceConfig)`);
      await collectConfigAggregator(run, aggregator.name, aggregator.region);
      save(false);
    } else {
      await collectAccount();
    }

    // This account's IAM, its regions' Lambda, Access Analyzer and Event history, Access Advisor.
    async function collectAccount(): Promise<void> {
      if (o.regions === "all") {
        run.phase("enabled regions (account:ListRegions)");
        const listed = await run.unit<string[]>({ service: "account", operation: "ListRegions", region: "global" }, { fresh: true }, async () => {
          const names: string[] = [];
          const pages = new PageTokens("ListRegions", "NextToken", "regions");
          let nextToken: string | undefined;
          let attempts = 0;
          do {
            const r = await callAws(ctx, "account:ListRegions", home, {
              RegionOptStatusContains: ["ENABLED", "ENABLED_BY_DEFAULT"],
              MaxResults: 50,
              NextToken: nextToken,
            });
            attempts += r.attempts;
            names.push(...(r.output.Regions ?? []).map((x) => x.RegionName).filter((n): n is string => typeof n === "string"));
            nextToken = pages.next(r.output.NextToken);
          } while (nextToken);
          // Cut (a NextToken already followed): the regions of the pages read are collected, the others not.
          const cut = pages.cut === null ? {} : { degraded: `${pages.cut}: only the ${new Set(names).size} regions of the pages read are collected` };
          return { count: names.length, attempts, data: [...new Set(names)].filter((n) => REGION_PATTERN.test(n)).sort(), ...cut };
        });
        if (listed.data && listed.data.length > 0) regions = listed.data;
        else {
          regions = [home];
          run.degraded.push(`enabled regions unknown: collected only ${home}`);
        }
      } else if (regions.length === 0) {
        // Resumed without --regions: the regions the collection read by default when it started,
        // not today's default (another AWS_REGION would otherwise drop the regions collected).
        const started = previous?.options.regionsRequested === "default" ? previous.options.regions : [];
        regions = started.length > 0 ? [...started] : [home];
      }
      save(false);

      run.phase("IAM (iam:GetAccountAuthorizationDetails)");
      const roles = await collectIam(run, home);
      save(false);

      for (const region of regions) {
        run.phase(`Lambda in ${region}`);
        await collectLambda(run, region, o.concurrency);
        run.phase(`AWS Config rules in ${region}`);
        await collectConfigRules(run, region);
        if (o.accessAnalyzer) {
          run.phase(`Access Analyzer in ${region}`);
          await collectAccessAnalyzer(run, region, o.concurrency);
        }
        if (o.cloudtrail?.kind === "lookup" && o.window) {
          run.phase(`CloudTrail event history in ${region}`);
          await collectLookup(run, region, o.window);
        }
        save(false);
      }

      if (o.accessAdvisor) {
        if (roles === null) {
          run.degraded.push("Access Advisor not collected: the IAM inventory failed, so the roles are unknown");
        } else {
          await collectAccessAdvisor(run, home, roles, o.concurrency, { intervalMs: o.pollIntervalMs, timeoutMs: o.pollTimeoutMs });
        }
        save(false);
      }
    }

    // What the logs read include: the trails' or the event data store's event selectors
    // (collect-trails.ts). Not with lookup: Event history holds every management event, whatever the trails log.
    // Not for Security Lake: it keeps management events and S3 and Lambda data events whatever the
    // trails log, so their selectors (DynamoDB data events logged, say) would claim more than its tables hold.
    if ((o.cloudtrail?.kind === "s3" || (o.cloudtrail?.kind === "athena" && o.cloudtrail.securityLake === undefined)) && o.window) {
      run.phase(`what the trails that log ${regions.join(", ")} include (cloudtrail:DescribeTrails, cloudtrail:GetEventSelectors)`);
      await collectTrailSelectors(run, regions, o.cloudtrail, account?.id ?? null, o.concurrency);
      save(false);
    }
    if (o.cloudtrail?.kind === "lake" && o.window) {
      run.phase(`what the event data store includes (cloudtrail:GetEventDataStore ${o.cloudtrail.eventDataStore})`);
      await collectEventDataStore(run, home, o.cloudtrail);
      save(false);
    }

    if (o.cloudtrail?.kind === "s3" && o.window) {
      run.phase(`CloudTrail log files under ${describeCloudTrail(o.cloudtrail)}`);
      await collectS3Logs(run, home, o.cloudtrail, o.window, o.concurrency);
    }

    if ((o.cloudtrail?.kind === "athena" || o.cloudtrail?.kind === "lake") && o.window) {
      const queryOptions = { pollMs: o.queryPollMs, timeoutMs: o.queryTimeoutMs, signal: o.signal };
      run.phase(`CloudTrail usage query (${describeCloudTrail(o.cloudtrail)})`);
      if (o.cloudtrail.kind === "athena") await collectAthena(run, home, o.cloudtrail, o.window, queryOptions);
      else await collectLake(run, home, o.cloudtrail, o.window, queryOptions);
    }

    // The folder must hold exactly what the final manifest lists: files of calls this run made
    // again and found absent or failed, and of regions no longer listed, go before the manifest
    // says "complete" (a kill in between leaves the previous manifest, "did not finish").
    writer.removeUnlisted(okFiles([...run.calls.values()]));
    const final = save(true);
    o.onProgress({
      kind: "phase",
      message: final.partial
        ? `done, PARTIAL: ${final.reasons.length} problem(s), see ${manifestPath}`
        : `done: ${final.calls.length} call(s) recorded in ${manifestPath}`,
    });
    return { manifest: final, manifestPath, out: o.out };
  } catch (error) {
    // Whatever stopped the run, leave a manifest that says so (and lets --resume continue).
    if (!keepPreviousManifest && (account !== null || run.calls.size > 0)) save(false);
    throw error;
  } finally {
    clients.destroy();
  }
}
