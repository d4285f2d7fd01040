/**
 * The bookkeeping of one collection: each unit of work (one API call, or one paginated call with
 * all its pages) becomes one manifest entry; with --resume a unit the previous manifest records
 * as ok, whose files are all still there and whole, is carried over instead of called again.
 */

import { readFileSync } from "node:fs";
import { attemptsOf, operationOf, type CallContext } from "./aws-call.js";
import { CollectError } from "./errors.js";
import { canonicalCall, type ManifestCall, type QueryRecord } from "./manifest.js";
import type { AwsService } from "./operations.js";
import type { CollectProgress } from "./options.js";
import { awsErrorCode, awsErrorMessage, isExpiredCredentials, isUnrenewableCredentials } from "./retry.js";
import type { OutWriter } from "./writer.js";

export interface UnitSpec {
  service: AwsService;
  operation: string;
  /** Region, or `global` for IAM/STS/account-wide calls. */
  region: string;
  target?: string | null | undefined;
}

export interface UnitOutcome<T> {
  files?: string[];
  count?: number | null;
  absent?: boolean;
  /** ok but degraded: recorded, and makes the collection partial. */
  degraded?: string;
  data?: T;
  attempts?: number;
  /** Athena / Lake: the query, recorded in the manifest. */
  query?: QueryRecord;
}

/** An error that carries the query it is about (a failed, cancelled or timed-out query): the manifest records both. */
export class QueryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly query: QueryRecord,
    readonly attempts: number,
  ) {
    super(message);
    this.name = code;
  }
}

export interface UnitHow {
  /** Call even when resumable (the caller decided the earlier result is not enough). */
  fresh?: boolean;
  /**
   * The unit's failure does not make the collection partial, and this says why (the failed
   * entry's `reason`; the manifest lists it under `notes`, not `reasons`): what it reads only
   * refines what `audit` can judge without it. A function: decides from the error (null: the
   * failure makes the collection partial).
   */
  failureNote?: string | ((error: unknown) => string | null);
}

/** Thrown inside a unit to record it as skipped (nothing to collect), not failed. */
export class SkipUnit extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/**
 * The credentials expired during the run (ExpiredToken, ExpiredTokenException), or the SDK could
 * not renew them (CredentialsProviderError, TokenProviderError: an SSO session that ended): every
 * later call would fail the same way, each recorded as one more failure of the collection, so the
 * run stops, as it does when interrupted, with a manifest that --resume continues from once the
 * user has new credentials. The call that found it is recorded as failed.
 */
export class CredentialsExpired extends CollectError {
  constructor(readonly call: ManifestCall) {
    const what = `${call.failedOperation ?? `${call.service}:${call.operation}`}${call.target ? ` ${call.target}` : ""}${call.region === "global" ? "" : ` in ${call.region}`}`;
    const renewal = isUnrenewableCredentials({ name: call.errorCode });
    super(
      `the credentials ${renewal ? "could not be renewed" : "expired"} during the collection (${what}: ${call.errorCode}: ${call.errorMessage}): the collection stopped; ` +
        `${renewal ? "do what the message says (an SSO profile: aws sso login)" : "get new credentials (a new session: aws sso login, assume the role again, or new AWS_SESSION_TOKEN and keys)"}, then run again with --resume to continue`,
    );
  }
}

/** Credentials that expired, or that the SDK could not renew: the run stops (CredentialsExpired). */
function credentialsGone(code: string | null): boolean {
  const error = { name: code };
  return isExpiredCredentials(error) || isUnrenewableCredentials(error);
}

function interrupted(): CollectError {
  return new CollectError("interrupted: the collection stopped; run again with --resume to continue");
}

export function unitId(spec: UnitSpec): string {
  const base = `${spec.region}/${spec.service}:${spec.operation}`;
  return spec.target ? `${base}/${spec.target}` : base;
}

export class Run {
  readonly calls = new Map<string, ManifestCall>();
  readonly degraded: string[] = [];
  /** What the collection could not settle without being incomplete (manifest `notes`). */
  readonly notes: string[] = [];
  /** The call that found the credentials expired: no unit starts after it (CredentialsExpired). */
  private expired: ManifestCall | null = null;
  /** Called after each entry is recorded (collect saves the manifest from time to time). */
  afterRecord: () => void = () => undefined;

  constructor(
    readonly ctx: CallContext,
    readonly writer: OutWriter,
    private readonly previous: Map<string, ManifestCall>,
    private readonly progress: (event: CollectProgress) => void,
  ) {}

  phase(message: string): void {
    this.progress({ kind: "phase", message });
  }

  /**
   * The previous run's ok entry for this unit if every file it wrote is still there and whole, and
   * it was not degraded (`reason` set: a paging cut, rows unreadable, a document undecodable):
   * that one is made again. Carried over, its files stayed what they were and its reason left the
   * manifest's reasons (only this run's degraded units are listed), so a resumed collection said
   * it was complete while holding the cut export.
   */
  resumable(spec: UnitSpec): ManifestCall | undefined {
    const prev = this.previous.get(unitId(spec));
    if (!prev || prev.status !== "ok" || prev.reason !== null) return undefined;
    if (!prev.files.every((f) => this.whole(f))) return undefined;
    return prev;
  }

  /**
   * A file is there and, being JSON, parses: one deleted, emptied or cut short since (a crash of a
   * collect that did not fsync, an edit) is fetched again. Carried over, it was read as the unit's
   * data (a cut ListFunctions ended the resume with a SyntaxError) or by audit as a damaged input,
   * and the call that would repair it was skipped. Every file collect writes besides the S3 log
   * copies (never a manifest entry's) and query results (never carried over) is JSON.
   */
  private whole(rel: string): boolean {
    let text: string;
    try {
      text = readFileSync(this.writer.abs(rel), "utf8");
    } catch {
      return false;
    }
    if (!rel.endsWith(".json")) return true;
    try {
      JSON.parse(text);
      return true;
    } catch {
      return false;
    }
  }

  /** Record the previous ok entry as resumed; false when there is none to carry over. */
  carryOver(spec: UnitSpec): boolean {
    const prev = this.resumable(spec);
    if (prev) this.record({ ...prev, resumed: true });
    return prev !== undefined;
  }

  /**
   * Run a unit, or carry it over. Returns `data` from `fn` (undefined when resumed: the caller
   * reads the files instead) and the manifest entry.
   */
  async unit<T>(spec: UnitSpec, fn: () => Promise<UnitOutcome<T>>): Promise<{ call: ManifestCall; data: T | undefined }>;
  /** `how`: see UnitHow. */
  async unit<T>(spec: UnitSpec, how: UnitHow, fn: () => Promise<UnitOutcome<T>>): Promise<{ call: ManifestCall; data: T | undefined }>;
  async unit<T>(
    spec: UnitSpec,
    a: UnitHow | (() => Promise<UnitOutcome<T>>),
    b?: () => Promise<UnitOutcome<T>>,
  ): Promise<{ call: ManifestCall; data: T | undefined }> {
    // Interrupted: start nothing new; collect() saves a manifest that --resume continues from.
    if (this.ctx.signal?.aborted) throw interrupted();
    if (this.expired !== null) throw new CredentialsExpired(this.expired);
    const fn = typeof a === "function" ? a : (b as () => Promise<UnitOutcome<T>>);
    const how: UnitHow = typeof a === "function" ? {} : a;
    const fresh = how.fresh === true;
    const id = unitId(spec);
    const prev = fresh ? undefined : this.resumable(spec);
    if (prev) {
      const call = { ...prev, resumed: true };
      this.record(call);
      return { call, data: undefined };
    }
    const startedAt = new Date().toISOString();
    const base = {
      id,
      service: spec.service,
      operation: spec.operation,
      region: spec.region,
      target: spec.target ?? null,
      startedAt,
      resumed: false,
    };
    let call: ManifestCall;
    let data: T | undefined;
    try {
      const outcome = await fn();
      data = outcome.data;
      call = {
        ...base,
        status: "ok",
        files: [...(outcome.files ?? [])].sort(),
        count: outcome.count ?? null,
        absent: outcome.absent === true,
        reason: outcome.degraded ?? null,
        errorCode: null,
        errorMessage: null,
        attempts: outcome.attempts ?? 1,
        finishedAt: new Date().toISOString(),
        ...(outcome.query ? { query: outcome.query } : {}),
      };
      if (outcome.degraded) this.degraded.push(`${id}: ${outcome.degraded}`);
    } catch (error) {
      // Interrupted while the unit ran: the call in flight was ended (an AbortError, or a body
      // stream cut short), or a unit inside this one refused to start. It did not fail, the run
      // stopped: no entry, so --resume makes it again (collect() saves the manifest: "did not
      // finish"). A stopped query is the exception: its entry records the query it cancelled.
      if (this.ctx.signal?.aborted && !(error instanceof QueryError) && !(error instanceof SkipUnit)) throw interrupted();
      // A unit inside this one found the credentials expired: the run stops (no entry for this one, so --resume makes it).
      if (error instanceof CredentialsExpired) throw error;
      const skipped = error instanceof SkipUnit;
      // The call that failed, when the unit makes others first (ListAnalyzers before GetFindingV2):
      // the permission to grant is that one's.
      const failedKey = skipped ? null : operationOf(error);
      const failedOperation = failedKey !== null && failedKey !== `${spec.service}:${spec.operation}` ? failedKey : null;
      call = {
        ...base,
        status: skipped ? "skipped" : "failed",
        files: [],
        count: null,
        absent: false,
        reason: skipped ? error.reason : ((typeof how.failureNote === "function" ? how.failureNote(error) : how.failureNote) ?? null),
        errorCode: skipped ? null : awsErrorCode(error),
        errorMessage: skipped ? null : awsErrorMessage(error),
        attempts: skipped ? 0 : error instanceof QueryError ? error.attempts : attemptsOf(error),
        finishedAt: new Date().toISOString(),
        ...(failedOperation !== null ? { failedOperation } : {}),
        ...(error instanceof QueryError ? { query: error.query } : {}),
      };
    }
    this.record(call);
    // sts:GetCallerIdentity has its own message (collect.ts: "cannot identify the account").
    if (call.status === "failed" && spec.service !== "sts" && credentialsGone(call.errorCode)) {
      this.expired ??= call;
      throw new CredentialsExpired(this.expired);
    }
    return { call, data };
  }

  private record(entry: ManifestCall): void {
    const call = canonicalCall(entry);
    this.calls.set(call.id, call);
    const what = `${call.failedOperation ?? `${call.service}:${call.operation}`}${call.target ? ` ${call.target}` : ""}`;
    const where = call.region === "global" ? "" : ` [${call.region}]`;
    const detail =
      call.status === "failed"
        ? `FAILED ${call.errorCode}: ${call.errorMessage}${call.reason !== null ? ` (${call.reason})` : ""}`
        : call.status === "skipped"
          ? `skipped: ${call.reason}`
          : call.resumed
            ? "ok (resumed)"
            : call.absent
              ? "none"
              : call.count !== null
                ? `ok (${call.count})`
                : "ok";
    this.progress({ kind: "call", call, message: `${what}${where}: ${detail}` });
    this.afterRecord();
  }
}

/** Run `fn` over `items` with at most `limit` in flight; results in input order. */
export async function pool<I, O>(items: readonly I[], limit: number, fn: (item: I) => Promise<O>): Promise<O[]> {
  const results = new Array<O>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      results[i] = await fn(items[i] as I);
    }
  });
  await Promise.all(workers);
  return results;
}
