/**
 * Per-file accumulation. A file's events are folded into groups keyed by
 * (role session, eventSource, eventName, errorCode, versioned) with counts, first/last seen and a
 * capped resource sample. The result (FilePartial) is small, structured-clone friendly (it is what
 * a worker thread posts back) and carries one fingerprint per counted event so that duplicates
 * across files can be removed when partials are merged (aggregate.ts).
 */

import type { Warning } from "../model/document.js";
import { isLambdaServiceSession, LAMBDA_SERVICE_SESSION, partitionOf, sessionOf, type SessionRef } from "./attribution.js";
import type { UsageEvent } from "./event.js";
import { hourOf } from "./dedup.js";
import { fingerprintTo } from "./fingerprints.js";
import { commonPrefix, resourcesOf } from "./resources.js";

export interface AccumulateOptions {
  /** Resource ARNs kept per (session, action); the prefix summary still covers all. Default 50. */
  resourceCap?: number;
  /** Warnings kept per file about skipped records (the rest are counted). Default 5. */
  maxRecordWarnings?: number;
}

export interface GroupPartial {
  principal: number;
  eventSource: string;
  eventName: string;
  errorCode: string | null;
  versioned: boolean;
  count: number;
  firstSeen: string;
  lastSeen: string;
  resources: string[];
  resourcesTruncated: boolean;
  /** Common prefix of every resource seen (null when none seen). */
  prefix: string | null;
}

export interface PrincipalPartial {
  accountId: string;
  roleArn: string;
  /** The session name; LAMBDA_SERVICE_SESSION for the role's Lambda service sessions, folded. */
  sessionName: string;
  /** For the folded Lambda service sessions: the smallest invokedBy seen (deterministic). */
  invokedBy: string | null;
  regions: string[];
  /** The distinct session names folded into a Lambda service principal (sorted); null otherwise. */
  sessionNames: string[] | null;
}

export interface FunctionCreation {
  accountId: string;
  region: string;
  functionName: string;
  time: string;
}

/** What one file held and whether it was read in full (the aggregate lists one per file). */
export interface FileReport {
  path: string;
  format: string;
  records: number;
  skipped: number;
  /** Empty when the file was read in full. */
  partialReasons: string[];
}

/**
 * The accumulated usage of one file, or of a batch of files read by one accumulator in turn
 * (`files` then lists each file's report; `path`, `format` and `partialReasons` are the last
 * file's). Merging is order-independent, so a batch merges like its files one by one.
 */
export interface FilePartial {
  path: string;
  format: string;
  /** Records read (in every file of a batch). */
  records: number;
  skipped: number;
  /** Set for a batch: one report per file. Absent: the partial is the one file `path`. */
  files?: FileReport[];
  /** Why the file is incomplete (truncated, unreadable, not CloudTrail …); empty when complete. */
  partialReasons: string[];
  warnings: Warning[];
  principals: PrincipalPartial[];
  groups: GroupPartial[];
  /**
   * Quadruples (hash1, hash2, group index, eventTime hour) for counted events that have an eventID:
   * duplicates are removed across files by eventID within an hour (dedup.ts).
   */
  fingerprints: Uint32Array;
  accounts: string[];
  regions: string[];
  days: string[];
  dataEventRecords: number;
  firstEvent: string | null;
  lastEvent: string | null;
  functionCreations: FunctionCreation[];
}

const ISO_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/** CloudTrail writes `2023-07-10T11:54:48Z`; Lake and exports write other forms. → ISO, seconds. */
export function normaliseTime(s: string): string | null {
  // Fast path: CloudTrail's own form, checked by shape without a regex.
  if (s.length === 20 && s.charCodeAt(19) === 90 && s.charCodeAt(10) === 84 && s.charCodeAt(4) === 45 && ISO_SECONDS.test(s)) return s;
  let t = s.trim();
  if (/^\d{4}-\d\d-\d\d \d/.test(t)) t = t.replace(" ", "T");
  if (/^\d{4}-\d\d-\d\dT[\d:.]+$/.test(t)) t += "Z";
  const ms = /^\d+(\.\d+)?$/.test(t) ? Number(t) * 1000 : Date.parse(t);
  if (!Number.isFinite(ms)) return null;
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export class FileAccumulator {
  private readonly principals: PrincipalPartial[] = [];
  private readonly principalIndex = new Map<string, Map<string, Map<string, number>>>();
  private readonly principalByRef = new Map<SessionRef, number>();
  private readonly sessionCache = new Map<string, { issuerArn: string | null; principalArn: string | null; invokedBy: string | null; identityType: string | null; ref: SessionRef | null }>();
  /** Per group: members of its resource sample, and the index of its largest ARN when full. */
  private readonly members: Set<string>[] = [];
  private readonly maxIdx: number[] = [];
  private readonly principalRegions: Set<string>[] = [];
  /** Per principal: the region added last (see add). */
  private readonly principalLastRegion: (string | undefined)[] = [];
  /** The time whose day was added last, the region and account added last (see add). */
  private dayOf = "";
  private lastRegion: string | null = null;
  private lastAccount: string | null = null;
  /** Per principal: the partition of its role ARN (aws, aws-cn, …), parsed once. */
  private readonly principalPartition: string[] = [];
  /** Per group: the resource added last (see add). */
  private readonly lastResource: (string | undefined)[] = [];
  /** Per principal: the session names folded into it (Lambda service principals only). */
  private readonly principalSessions: (Set<string> | null)[] = [];
  private readonly groups: GroupPartial[] = [];
  private readonly groupIndex: Map<string, Map<string, number>>[] = [];
  private fps = new Uint32Array(4 * 1024);
  private nfp = 0;
  private readonly accounts = new Set<string>();
  private readonly regions = new Set<string>();
  private readonly days = new Set<string>();
  private dataEventRecords = 0;
  private firstEvent: string | null = null;
  private lastEvent: string | null = null;
  private readonly creations: FunctionCreation[] = [];
  /** Per file (reset by nextFile). */
  private records = 0;
  private skippedCount = 0;
  warnings: Warning[] = [];
  partialReasons: string[] = [];
  format = "unknown";
  /** Files of the batch already closed by nextFile, their warnings, and their totals. */
  private readonly closed: FileReport[] = [];
  private readonly closedWarnings: Warning[] = [];
  private closedRecords = 0;
  private closedSkipped = 0;
  private readonly resourceCap: number;
  private readonly maxRecordWarnings: number;

  constructor(
    public path: string,
    options: AccumulateOptions = {},
  ) {
    this.resourceCap = options.resourceCap ?? 50;
    this.maxRecordWarnings = options.maxRecordWarnings ?? 5;
  }

  /** A record that cannot be counted: reported (first few per file) and counted as skipped. */
  skip(where: string | number, reason: string): void {
    this.records++;
    this.skippedCount++;
    if (this.skippedCount <= this.maxRecordWarnings) {
      this.warnings.push({ code: "cloudtrail-record-skipped", severity: "warning", message: `record skipped: ${reason}`, file: this.path, path: typeof where === "number" ? `Records[${where}]` : where });
    }
  }

  /** `where`: a JSON path, or the index in Records (formatted only when needed). */
  add(ev: UsageEvent, where: string | number): void {
    const time = normaliseTime(ev.eventTime);
    if (time === null) {
      this.skip(where, `eventTime ${JSON.stringify(ev.eventTime)} is not a timestamp`);
      return;
    }
    this.records++;
    if (this.firstEvent === null || time < this.firstEvent) this.firstEvent = time;
    if (this.lastEvent === null || time > this.lastEvent) this.lastEvent = time;
    // Consecutive records mostly share the day, region and account (the scanner hands back the
    // same region and account strings): compared with the previous record's before a Set is hashed.
    if (!sameDay(time, this.dayOf)) {
      this.dayOf = time;
      this.days.add(time.slice(0, 10));
    }
    if (ev.awsRegion !== null && ev.awsRegion !== this.lastRegion) {
      this.lastRegion = ev.awsRegion;
      this.regions.add(ev.awsRegion);
    }
    const account = ev.recipientAccountId ?? ev.identityAccountId;
    if (account !== null && account !== this.lastAccount) {
      this.lastAccount = account;
      this.accounts.add(account);
    }
    if (ev.eventCategory === "Data" || ev.managementEvent === false) this.dataEventRecords++;

    // Function creation dates, from any caller: they make "too new" exact when logs have them.
    if (ev.errorCode === null && ev.eventSource === "lambda.amazonaws.com" && ev.eventName.startsWith("CreateFunction") && ev.params.functionName !== undefined && ev.awsRegion !== null && ev.recipientAccountId !== null) {
      const fn = ev.params.functionName;
      this.creations.push({ accountId: ev.recipientAccountId, region: ev.awsRegion, functionName: fn.startsWith("arn:") ? (fn.split(":")[6] ?? fn) : fn, time });
    }

    if (ev.eventType !== null && ev.eventType !== "AwsApiCall") return;
    // A session's records share their userIdentity strings (the scanner even returns the same
    // string objects), so the session is looked up by principalId and checked by identity.
    let session: SessionRef | null;
    const cached = ev.principalId === null ? undefined : this.sessionCache.get(ev.principalId);
    if (cached !== undefined && cached.issuerArn === ev.issuerArn && cached.principalArn === ev.principalArn && cached.invokedBy === ev.invokedBy && cached.identityType === ev.identityType) {
      session = cached.ref;
    } else {
      session = sessionOf(ev);
      if (ev.principalId !== null) {
        if (this.sessionCache.size > 10_000) this.sessionCache.clear();
        this.sessionCache.set(ev.principalId, { issuerArn: ev.issuerArn, principalArn: ev.principalArn, invokedBy: ev.invokedBy, identityType: ev.identityType, ref: session });
      }
    }
    if (session === null) return;

    const p = this.principalOf(session);
    if (ev.awsRegion !== null && ev.awsRegion !== this.principalLastRegion[p]) {
      this.principalLastRegion[p] = ev.awsRegion;
      (this.principalRegions[p] as Set<string>).add(ev.awsRegion);
    }

    const versioned = ev.params.versionId !== undefined;
    const gi = this.groupOf(p, ev.eventSource, ev.eventName, ev.errorCode, versioned, time);
    const g = this.groups[gi] as GroupPartial;
    g.count++;
    if (time < g.firstSeen) g.firstSeen = time;
    if (time > g.lastSeen) g.lastSeen = time;
    const res = resourcesOf({
      eventSource: ev.eventSource,
      region: ev.awsRegion,
      accountId: ev.recipientAccountId ?? session.accountId,
      partition: this.principalPartition[p] as string,
      resources: ev.resources,
      params: ev.params,
    });
    // resourcesOf hands back the same string for a repeated resource, and adding a resource twice
    // changes nothing: a group's calls on one table, queue, … cost one identity compare each.
    const last = this.lastResource;
    for (let k = 0; k < res.length; k++) {
      const r = res[k] as string;
      if (r === last[gi]) continue;
      this.addResourceTo(gi, g, r);
      last[gi] = r;
    }

    if (ev.eventId !== null) {
      if (this.nfp + 4 > this.fps.length) {
        const bigger = new Uint32Array(this.fps.length * 2);
        bigger.set(this.fps);
        this.fps = bigger;
      }
      fingerprintTo(ev.eventId, this.fps, this.nfp);
      this.fps[this.nfp + 2] = gi;
      this.fps[this.nfp + 3] = hourOf(time) >>> 0;
      this.nfp += 4;
    }
  }

  /**
   * Pre-aggregated usage (a row of the shipped SQL): `count` events of one session and call with
   * these resources. Rows are deduplicated by the query, so no fingerprints.
   */
  addGroup(
    session: { accountId: string; roleArn: string; sessionName: string; invokedBy: string | null },
    call: { eventSource: string; eventName: string; errorCode: string | null; versioned: boolean; region: string | null },
    count: number,
    firstSeen: string,
    lastSeen: string,
    resources: string[],
  ): void {
    const p = this.principalByKey(session);
    if (call.region !== null) (this.principalRegions[p] as Set<string>).add(call.region);
    const gi = this.groupOf(p, call.eventSource, call.eventName, call.errorCode, call.versioned, firstSeen);
    const g = this.groups[gi] as GroupPartial;
    g.count += count;
    if (firstSeen < g.firstSeen) g.firstSeen = firstSeen;
    if (lastSeen > g.lastSeen) g.lastSeen = lastSeen;
    for (const r of resources) this.addResourceTo(gi, g, r);
  }

  /** Pre-aggregated coverage: `count` events of one account/region/day. */
  addCoverage(account: string | null, region: string | null, day: string | null, count: number, dataEvents: number, first: string, last: string): void {
    this.records += count;
    this.dataEventRecords += dataEvents;
    if (account !== null) this.accounts.add(account);
    if (region !== null) this.regions.add(region);
    if (day !== null) this.days.add(day);
    if (this.firstEvent === null || first < this.firstEvent) this.firstEvent = first;
    if (this.lastEvent === null || last > this.lastEvent) this.lastEvent = last;
  }

  addCreation(c: FunctionCreation): void {
    this.creations.push(c);
  }

  /** addResource with the group's side tables in arrays (no WeakMap lookups on the hot path). */
  private addResourceTo(gi: number, g: GroupPartial, r: string): void {
    g.prefix = g.prefix === null ? r : g.prefix.length === 0 || r.startsWith(g.prefix) ? g.prefix : commonPrefix(g.prefix, r);
    let members = this.members[gi];
    if (members === undefined) this.members[gi] = members = new Set();
    const res = g.resources;
    if (res.length < this.resourceCap) {
      if (members.has(r)) return;
      res.push(r);
      members.add(r);
      return;
    }
    let max = this.maxIdx[gi] ?? -1;
    if (max < 0) {
      max = 0;
      for (let i = 1; i < res.length; i++) if ((res[i] as string) > (res[max] as string)) max = i;
      this.maxIdx[gi] = max;
    }
    const top = res[max] as string;
    // Full sample: every member is ≤ top, so an ARN above it is new (and dropped) without hashing
    // it; one equal to top is a member.
    if (r >= top) {
      if (r !== top) g.resourcesTruncated = true;
      return;
    }
    if (members.has(r)) return;
    g.resourcesTruncated = true;
    if (r < top) {
      members.delete(top);
      members.add(r);
      res[max] = r;
      this.maxIdx[gi] = -1;
    }
  }

  /** Nested maps (role → session → invokedBy): no key string is built per record. */
  private principalOf(session: SessionRef): number {
    let p = this.principalByRef.get(session);
    if (p === undefined) {
      p = this.principalByKey(session);
      this.principalByRef.set(session, p);
    }
    return p;
  }

  /**
   * Lambda's own sessions on a role (awslambda_…, or invokedBy lambda.amazonaws.com) are folded
   * into one principal per role, keyed by LAMBDA_SERVICE_SESSION; every other session keeps its
   * own (role, session, invokedBy) entry, so functions sharing a role stay apart.
   */
  private principalByKey(session: { accountId: string; roleArn: string; sessionName: string; invokedBy: string | null }): number {
    const service = isLambdaServiceSession(session.sessionName, session.invokedBy);
    let bySession = this.principalIndex.get(session.roleArn);
    if (bySession === undefined) this.principalIndex.set(session.roleArn, (bySession = new Map()));
    const name = service ? LAMBDA_SERVICE_SESSION : session.sessionName;
    let byInvoker = bySession.get(name);
    if (byInvoker === undefined) bySession.set(name, (byInvoker = new Map()));
    // Any session named awslambda_… is a service session, so the folded key cannot collide.
    const inv = service ? "" : (session.invokedBy ?? "");
    let p = byInvoker.get(inv);
    if (p === undefined) {
      p = this.principals.length;
      this.principals.push({ accountId: session.accountId, roleArn: session.roleArn, sessionName: name, invokedBy: session.invokedBy, regions: [], sessionNames: null });
      this.principalRegions.push(new Set());
      this.principalPartition.push(partitionOf(session.roleArn));
      this.principalSessions.push(service ? new Set() : null);
      byInvoker.set(inv, p);
    }
    if (service) {
      (this.principalSessions[p] as Set<string>).add(session.sessionName);
      const pr = this.principals[p] as PrincipalPartial;
      pr.invokedBy = minInvoker(pr.invokedBy, session.invokedBy);
    }
    return p;
  }

  private groupOf(p: number, eventSource: string, eventName: string, errorCode: string | null, versioned: boolean, time: string): number {
    let byName = this.groupIndex[p];
    if (byName === undefined) this.groupIndex[p] = byName = new Map();
    let bySource = byName.get(eventSource);
    if (bySource === undefined) byName.set(eventSource, (bySource = new Map()));
    // Successful unversioned calls (nearly all) use the event name itself as the key.
    const k = errorCode === null && !versioned ? eventName : `${eventName}\n${errorCode ?? ""}${versioned ? "\nv" : ""}`;
    let gi = bySource.get(k);
    if (gi === undefined) {
      gi = this.groups.length;
      this.groups.push({ principal: p, eventSource, eventName, errorCode, versioned, count: 0, firstSeen: time, lastSeen: time, resources: [], resourcesTruncated: false, prefix: null });
      bySource.set(k, gi);
    }
    return gi;
  }

  /** Records of the current file. */
  get recordsInFile(): number {
    return this.records;
  }

  /** Fingerprints buffered so far (4 numbers each): a batch is flushed when this grows large. */
  get fingerprintCount(): number {
    return this.nfp >>> 2;
  }

  /**
   * Close the current file and start the next one in the same accumulator. Reading many files
   * into one accumulator and merging once replaces a merge (and, in a worker, a structured clone)
   * per file: at 5,000 records per file those cost about as much as accumulating the records.
   */
  nextFile(path: string): void {
    this.closeFile();
    this.path = path;
    this.format = "unknown";
  }

  private closeFile(): void {
    this.closed.push({ path: this.path, format: this.format, records: this.records, skipped: this.skippedCount, partialReasons: this.partialReasons });
    this.closedWarnings.push(...this.fileWarnings());
    this.closedRecords += this.records;
    this.closedSkipped += this.skippedCount;
    this.records = 0;
    this.skippedCount = 0;
    this.warnings = [];
    this.partialReasons = [];
  }

  private fileWarnings(): Warning[] {
    return this.skippedCount > this.maxRecordWarnings
      ? [...this.warnings, { code: "cloudtrail-record-skipped", severity: "warning", message: `${this.skippedCount - this.maxRecordWarnings} more records skipped`, file: this.path }]
      : this.warnings;
  }

  finish(): FilePartial {
    if (this.closed.length > 0) {
      // A batch: close the last file too; the partial lists every file.
      const { path, format, partialReasons } = this;
      this.closeFile();
      const single = this.finishSingle();
      const files = this.closed.slice();
      return { ...single, path, format, partialReasons, files, records: this.closedRecords, skipped: this.closedSkipped, warnings: this.closedWarnings.slice() };
    }
    return this.finishSingle();
  }

  private finishSingle(): FilePartial {
    this.principals.forEach((p, i) => {
      p.regions = [...(this.principalRegions[i] as Set<string>)].sort();
      const names = this.principalSessions[i];
      if (names !== null && names !== undefined) p.sessionNames = [...names].sort();
    });
    return {
      path: this.path,
      format: this.format,
      records: this.records,
      skipped: this.skippedCount,
      partialReasons: this.partialReasons,
      warnings: this.fileWarnings(),
      principals: this.principals,
      groups: this.groups,
      fingerprints: this.fps.slice(0, this.nfp),
      accounts: [...this.accounts].sort(),
      regions: [...this.regions].sort(),
      days: [...this.days].sort(),
      dataEventRecords: this.dataEventRecords,
      firstEvent: this.firstEvent,
      lastEvent: this.lastEvent,
      functionCreations: this.creations,
    };
  }
}

/** Do two normalised times (YYYY-MM-DDTHH:MM:SSZ) fall on the same day? */
function sameDay(a: string, b: string): boolean {
  if (b.length < 10) return false;
  for (let i = 9; i >= 0; i--) if (a.charCodeAt(i) !== b.charCodeAt(i)) return false;
  return true;
}

/** The smallest non-null invokedBy of two: folded sessions get one, whatever the file order. */
export function minInvoker(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a <= b ? a : b;
}

/** Add a resource to the capped sample (sorted on output) and widen the common prefix. */
export function addResource(
  g: { resources: string[]; resourcesTruncated: boolean; prefix: string | null },
  r: string,
  cap: number,
): void {
  g.prefix = g.prefix === null ? r : g.prefix.length === 0 || r.startsWith(g.prefix) ? g.prefix : commonPrefix(g.prefix, r);
  const res = g.resources;
  let members = memberSets.get(res);
  if (members === undefined) memberSets.set(res, (members = new Set(res)));
  if (members.has(r)) return;
  if (res.length < cap) {
    res.push(r);
    members.add(r);
    return;
  }
  // Keep the `cap` smallest ARNs: the sample then does not depend on file or worker order. The
  // sample is full: only an ARN below its largest can change it (one compare in the usual case).
  g.resourcesTruncated = true;
  let max = maxIndex.get(res);
  if (max === undefined) {
    max = 0;
    for (let i = 1; i < res.length; i++) if ((res[i] as string) > (res[max] as string)) max = i;
    maxIndex.set(res, max);
  }
  const top = res[max] as string;
  if (r < top) {
    members.delete(top);
    members.add(r);
    res[max] = r;
    maxIndex.delete(res);
  }
}

/**
 * Merge two capped samples: the `cap` smallest of the union. Each sample holds the smallest ARNs
 * of what it saw, so this equals the sample of everything seen, in any merge order.
 */
export function mergeSamples(
  into: { resources: string[]; resourcesTruncated: boolean; prefix: string | null },
  from: { resources: string[]; resourcesTruncated: boolean; prefix: string | null },
  cap: number,
): void {
  if (from.prefix !== null) into.prefix = into.prefix === null ? from.prefix : commonPrefix(into.prefix, from.prefix);
  if (from.resourcesTruncated) into.resourcesTruncated = true;
  // Sorted, its last ARN is its largest: when full, only smaller ARNs can enter (the usual case
  // after a few files is that none does, and the merge ends after one pass).
  if (!isSorted(into.resources)) into.resources.sort();
  const full = into.resources.length >= cap;
  const max = into.resources[into.resources.length - 1];
  const have = new Set(into.resources);
  const fresh = from.resources.filter((r) => !have.has(r) && (!full || max === undefined || r < max));
  if (fresh.length === 0) {
    // Everything new was at or above the full sample's largest: dropped, so truncated.
    if (from.resources.some((r) => !have.has(r))) into.resourcesTruncated = true;
    return;
  }
  const union = [...into.resources, ...fresh].sort();
  if (union.length > cap) into.resourcesTruncated = true;
  into.resources = union.length > cap ? union.slice(0, cap) : union;
}

function isSorted(xs: string[]): boolean {
  for (let i = 1; i < xs.length; i++) if ((xs[i - 1] as string) > (xs[i] as string)) return false;
  return true;
}

/** Side tables of a sample array: its members, and the index of its largest ARN when full. */
const memberSets = new WeakMap<string[], Set<string>>();
const maxIndex = new WeakMap<string[], number>();
