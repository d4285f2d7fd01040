/**
 * Merging per-file partials into one UsageAggregate: duplicates removed by eventID fingerprint
 * (per eventTime hour, in memory that does not grow with the logs: dedup.ts), event groups mapped
 * to IAM actions, everything sorted so the result does not depend on file or worker order.
 */

import type { ActionUsage } from "../model/usage.js";
import type { Warning } from "../model/document.js";
import { plural } from "../printable.js";
import type { FilePartial, FileReport, FunctionCreation, GroupPartial, ManagementCounts, PlaceDays, TrailChange } from "./accumulate.js";
import { mergeSamples, minInvoker, type Sample } from "./accumulate.js";
import { parentList, type Parents } from "./parents.js";
import { eventToActions, isAccessDenied } from "./event-actions.js";
import { isCallHalfEvent } from "./resources.js";
import { isViaServiceEvent, refusalReasons } from "./denials.js";
import { EventDedup, LATE_COPY, type DedupOptions } from "./dedup.js";
import type { AccessAdvisorReport } from "./access-advisor.js";
import type { AccessAnalyzerFinding } from "./access-analyzer.js";
import { incompleteLakePages, lakePageWarnings } from "./lake-page.js";
import { addCounts } from "./trail-gaps.js";
import type { TrailSelectors } from "./event-selectors.js";
import { appendAll } from "../collections.js";

export type { FileReport } from "./accumulate.js";

/** One role session's usage: the compact aggregate leastrole ingests from any source. */
export interface SessionUsage {
  accountId: string;
  roleArn: string;
  /** The STS session name, or `awslambda_*` for all of the role's Lambda service sessions. */
  sessionName: string;
  /** Distinct STS sessions behind this entry: 1, or how many Lambda service sessions were folded. */
  sessionCount: number;
  /** userIdentity.invokedBy when a service made the calls with the role's credentials. */
  invokedBy: string | null;
  /**
   * The function the session's credentials were issued to, as the records say it
   * (userIdentity.inScopeOf.credentialsIssuedTo of a Lambda function: its ARN, region and account
   * included); labels.ts attributes the session by it. Absent when the records do not say.
   */
  functionArn?: string;
  regions: string[];
  firstSeen: string;
  lastSeen: string;
  actions: ActionUsage[];
  /** Events of this session that are not IAM-authorised calls (GetCallerIdentity …), by name. */
  unmapped: { [event: string]: number };
}

export interface UsageAggregate {
  kind: "leastrole-usage-aggregate";
  version: 1;
  files: FileReport[];
  coverage: {
    accounts: string[];
    regions: string[];
    days: string[];
    /** Days with records per account and region, sorted (window-coverage.ts judges each function's own). */
    places: PlaceDays[];
    firstEvent: string | null;
    lastEvent: string | null;
    recordsRead: number;
    recordsSkipped: number;
    duplicatesRemoved: number;
    dataEventRecords: number;
    /** Per account, its management events (trail-gaps.ts); sorted. */
    management: ManagementCounts[];
    partial: boolean;
    partialReasons: string[];
  };
  sessions: SessionUsage[];
  functionCreations: FunctionCreation[];
  /** Calls that started, stopped or reconfigured a trail (trail-logging.ts), sorted, duplicates removed. */
  trailChanges?: TrailChange[];
  accessAdvisor: AccessAdvisorReport[];
  accessAnalyzer: AccessAnalyzerFinding[];
  /** Trails' event selectors given with the logs (get-event-selectors output), sorted by trail. */
  trails: TrailSelectors[];
  warnings: Warning[];
}

/** What a session is, to a caller choosing the sessions it reads (UsageAggregator.setSessionFilter). */
export type SessionKey = Pick<SessionUsage, "accountId" | "roleArn" | "sessionName" | "invokedBy"> & { functionArn?: string | null | undefined };
/**
 * Whether a session is kept in the aggregate (its records are counted in the coverage whatever it
 * says). It is asked of each file's sessions as they are merged and of the merged sessions, so it
 * must read invokedBy only as isLambdaServiceSession does: a role's folded Lambda service session
 * carries the smallest invokedBy of all files, a file's part its own.
 */
export type SessionFilter = (s: SessionKey) => boolean;

/** A group as accumulated across files: a file's partial group without its file-local principal index. */
type GroupAcc = Omit<GroupPartial, "principal"> & { id: number };

/** An action's usage while a session's groups are summed (finish). */
type ActionAcc = ActionUsage & { prefixAll: string | null; allParents: Parents | undefined; ok: Sample; unnamed: number; refusedMask: number };

interface SessionAcc {
  accountId: string;
  roleArn: string;
  sessionName: string;
  invokedBy: string | null;
  functionArn: string | null;
  regions: Set<string>;
  /** By callKey: (eventSource, eventName, versioned) as a number, with the error code as a string. */
  groups: Map<number | string, GroupAcc>;
  /** Fingerprints of the folded Lambda service sessions' names (their count is reported); null for others. */
  serviceSessions: Set<number> | null;
}

export class UsageAggregator {
  private readonly dedup: EventDedup;
  /** Every session group, by a global id: duplicates found at the end are subtracted through it. */
  private readonly groupList: GroupAcc[] = [];
  private finished = false;
  /** roleArn → sessionName → invokedBy ("\u0000" for the folded Lambda service principal): nested, not one joined key (see callKey). */
  private readonly sessions = new Map<string, Map<string, Map<string, SessionAcc>>>();
  private sessionList: SessionAcc[] = [];
  /** setSessionFilter's; null: every session is kept. */
  private sessionFilter: SessionFilter | null = null;
  /**
   * The groups of sessions the filter leaves out, one per call key: what the dedup needs of them
   * (a global id, and the event name, which says whether a duplicate is a record of its own).
   */
  private readonly sinks = new Map<number | string, GroupAcc>();
  /** eventSource → eventName → a small number (callKey). */
  private readonly callIds = new Map<string, Map<string, number>>();
  private nextCallId = 0;
  private readonly files: FileReport[] = [];
  private readonly accounts = new Set<string>();
  private readonly regions = new Set<string>();
  private readonly days = new Set<string>();
  private readonly places = new Map<string, { accountId: string | null; region: string | null; days: Set<string> }>();
  private readonly creations = new Map<string, FunctionCreation>();
  private readonly trailChanges = new Map<string, TrailChange>();
  private readonly warnings: Warning[] = [];
  private readonly advisor: AccessAdvisorReport[] = [];
  private readonly analyzer: AccessAnalyzerFinding[] = [];
  private readonly trails: TrailSelectors[] = [];
  private recordsRead = 0;
  private recordsSkipped = 0;
  private duplicates = 0;
  private dataEventRecords = 0;
  private readonly management = new Map<string, ManagementCounts>();
  private firstEvent: string | null = null;
  private lastEvent: string | null = null;

  constructor(
    private readonly resourceCap = 50,
    dedupOptions: DedupOptions = {},
  ) {
    this.dedup = new EventDedup(dedupOptions);
  }

  merge(part: FilePartial): void {
    if (part.files !== undefined) appendAll(this.files, part.files);
    else {
      const report: FileReport = { path: part.path, format: part.format, sha256: part.sha256, records: part.records, skipped: part.skipped, partialReasons: part.partialReasons };
      if (part.lakePage !== undefined) report.lakePage = part.lakePage;
      this.files.push(report);
    }
    appendAll(this.warnings, part.warnings);
    this.recordsRead += part.records;
    this.recordsSkipped += part.skipped;
    this.dataEventRecords += part.dataEventRecords;
    for (const m of part.management) {
      const have = this.management.get(m.accountId);
      if (have === undefined) this.management.set(m.accountId, { ...m });
      else addCounts(have, m);
    }
    for (const a of part.accounts) this.accounts.add(a);
    for (const r of part.regions) this.regions.add(r);
    for (const d of part.days) this.days.add(d);
    for (const p of part.places ?? []) {
      const k = `${p.accountId ?? ""}\u0000${p.region ?? ""}`;
      let have = this.places.get(k);
      if (have === undefined) this.places.set(k, (have = { accountId: p.accountId, region: p.region, days: new Set() }));
      for (const d of p.days) have.days.add(d);
    }
    if (part.firstEvent !== null && (this.firstEvent === null || part.firstEvent < this.firstEvent)) this.firstEvent = part.firstEvent;
    if (part.lastEvent !== null && (this.lastEvent === null || part.lastEvent > this.lastEvent)) this.lastEvent = part.lastEvent;
    // Delivered twice (CloudTrail delivers at least once), a change is one change.
    for (const c of part.trailChanges ?? []) this.trailChanges.set(`${c.accountId}\u0000${c.region}\u0000${c.trail}\u0000${c.event}\u0000${c.time}`, c);
    for (const c of part.functionCreations) {
      const k = `${c.accountId}:${c.region}:${c.functionName}`;
      const prev = this.creations.get(k);
      // The latest creation wins: a function deleted and re-created is as old as the last one.
      if (prev === undefined || c.time > prev.time) this.creations.set(k, c);
    }

    const keep = this.sessionFilter;
    const sessionOfPrincipal = part.principals.map((p): SessionAcc | null => {
      // A worker's refused sessions come folded (PrincipalPartial.dropped); the others are judged here.
      if (p.dropped === true || (keep !== null && !keep(p))) return null;
      // The folded Lambda service principal is one per role, whatever invokedBy its files saw.
      const service = p.sessionFingerprints !== null;
      let byName = this.sessions.get(p.roleArn);
      if (byName === undefined) this.sessions.set(p.roleArn, (byName = new Map()));
      let byInvoker = byName.get(p.sessionName);
      if (byInvoker === undefined) byName.set(p.sessionName, (byInvoker = new Map()));
      // A session scoped to a function (inScopeOf) is apart from the same name's other sessions.
      const invoker = `${service ? "\u0000" : (p.invokedBy ?? "")}${p.functionArn === null ? "" : `\u0000${p.functionArn}`}`;
      let s = byInvoker.get(invoker);
      if (s === undefined) {
        s = { accountId: p.accountId, roleArn: p.roleArn, sessionName: p.sessionName, invokedBy: p.invokedBy, functionArn: p.functionArn, regions: new Set(), groups: new Map(), serviceSessions: service ? new Set() : null };
        byInvoker.set(invoker, s);
        this.sessionList.push(s);
      }
      for (const r of p.regions) s.regions.add(r);
      if (p.sessionFingerprints !== null && s.serviceSessions !== null) {
        for (const n of p.sessionFingerprints) s.serviceSessions.add(n);
        s.invokedBy = minInvoker(s.invokedBy, p.invokedBy);
      }
      return s;
    });
    const globalId = part.groups.map((g: GroupPartial) => {
      const s = sessionOfPrincipal[g.principal] as SessionAcc | null;
      const key = this.callKey(g);
      if (s === null) return this.sinkOf(key, g);
      const acc = s.groups.get(key);
      if (acc === undefined) {
        // A literal, not `{ ...rest }`: spreading a cloned object copies it property by property in
        // the runtime, and every group of every batch is new once (a third of the merge, session 26).
        const fresh: GroupAcc = {
          eventSource: g.eventSource,
          eventName: g.eventName,
          errorCode: g.errorCode,
          versioned: g.versioned,
          count: g.count,
          firstSeen: g.firstSeen,
          lastSeen: g.lastSeen,
          resources: g.resources.slice(),
          resourcesTruncated: g.resourcesTruncated,
          prefix: g.prefix,
          // Shared, not copied: merges replace a sample's parents, never change them in place.
          parents: g.parents,
          unnamed: g.unnamed,
          deniedBy: g.deniedBy,
          id: this.groupList.length,
        };
        s.groups.set(key, fresh);
        this.groupList.push(fresh);
        return fresh.id;
      }
      acc.count += g.count;
      acc.unnamed += g.unnamed;
      acc.deniedBy |= g.deniedBy;
      if (g.firstSeen < acc.firstSeen) acc.firstSeen = g.firstSeen;
      if (g.lastSeen > acc.lastSeen) acc.lastSeen = g.lastSeen;
      mergeResources(acc, g, this.resourceCap);
      return acc.id;
    });

    // Duplicates are decided at the end (finish), per eventTime hour. A re-delivery has the same
    // time and resources as its first copy and falls in the same session group, so merging it
    // now and subtracting its count later gives what skipping it would have. The copies of an
    // action sent to several accounts (sharedEventID) also fall in one hour; the one dropped is
    // the resource owner's (LATE_COPY, kept on the global id), whatever the order.
    const fp = part.fingerprints;
    for (let i = 0; i < fp.length; i += 4) {
      const g = fp[i + 2] as number;
      this.dedup.add(fp[i] as number, fp[i + 1] as number, fp[i + 3] as number, g < LATE_COPY ? (globalId[g] as number) : (globalId[g - LATE_COPY] as number) + LATE_COPY);
    }
  }

  /**
   * Leave out the sessions `keep` refuses, those merged so far and those to come: they are not in
   * the finished aggregate, and their groups are not kept. Their records still count in the
   * coverage (records, days, regions, duplicates removed), which is read from every record. Why:
   * a caller that reads only some sessions (the audit: the execution roles', session-filter.ts
   * sessionsLabelsRead) need not hold the rest, and a real trail is mostly other identities' short
   * sessions (ECS tasks, EC2 instances, people), each with its own groups.
   */
  setSessionFilter(keep: SessionFilter): void {
    this.sessionFilter = keep;
    this.sessionList = this.sessionList.filter((s) => keep(s));
    for (const [role, byName] of this.sessions) {
      for (const [name, byInvoker] of byName) {
        for (const [invoker, s] of byInvoker) if (!keep(s)) byInvoker.delete(invoker);
        if (byInvoker.size === 0) byName.delete(name);
      }
      if (byName.size === 0) this.sessions.delete(role);
    }
  }

  /** The global id of a left-out session's group (setSessionFilter): one group per call key, counts and resources not kept. */
  private sinkOf(key: number | string, g: GroupPartial): number {
    let sink = this.sinks.get(key);
    if (sink === undefined) {
      sink = { eventSource: g.eventSource, eventName: g.eventName, errorCode: g.errorCode, versioned: g.versioned, count: 0, firstSeen: g.firstSeen, lastSeen: g.lastSeen, resources: [], resourcesTruncated: false, prefix: null, parents: undefined, unnamed: 0, deniedBy: 0, id: this.groupList.length };
      this.sinks.set(key, sink);
      this.groupList.push(sink);
    }
    return sink.id;
  }

  /**
   * A group's key within its session: a number for the usual call (no error code), else a string
   * with the error code. Why not one joined string: at 10,000 functions the merges look up 150,000
   * groups, and building and hashing a joined string for each was a third of their time.
   */
  private callKey(g: GroupPartial): number | string {
    let byName = this.callIds.get(g.eventSource);
    if (byName === undefined) this.callIds.set(g.eventSource, (byName = new Map()));
    let id = byName.get(g.eventName);
    if (id === undefined) byName.set(g.eventName, (id = this.nextCallId++));
    const key = id * 2 + (g.versioned ? 1 : 0);
    return g.errorCode === null ? key : `${key}\n${g.errorCode}`;
  }

  /**
   * The order in which the dedup prefers a key's copies that fell in different groups (dedup.ts
   * resolve): by session (account, role, session name, invoker, function, a role's folded Lambda
   * service sessions last; the kept sessions before the groups of sessions the filter left out),
   * then by call (event source, event name, no error code before an error code, unversioned
   * first). It reads what the groups are, never their ids, which follow the order the workers'
   * batches were merged in. Two groups it ranks equal are both of left-out sessions with one call,
   * which nothing reads but the duplicate count, alike for both.
   */
  private groupOrder(): (a: number, b: number) => number {
    let sessionOf: (SessionAcc | undefined)[] | null = null;
    return (a, b) => {
      if (sessionOf === null) {
        // Built on the first conflict only: copies of one key in two groups are rare.
        sessionOf = [];
        for (const s of this.sessionList) for (const g of s.groups.values()) sessionOf[g.id] = s;
      }
      const ga = this.groupList[a] as GroupAcc;
      const gb = this.groupList[b] as GroupAcc;
      const sa = sessionOf[a];
      const sb = sessionOf[b];
      if (sa !== sb) {
        if (sa === undefined) return 1;
        if (sb === undefined) return -1;
        const bySession = cmp(sa.accountId, sb.accountId) || cmp(sa.roleArn, sb.roleArn) || cmp(sa.sessionName, sb.sessionName) || cmp(sa.invokedBy ?? "", sb.invokedBy ?? "") || cmp(sa.functionArn ?? "", sb.functionArn ?? "") || Number(sa.serviceSessions !== null) - Number(sb.serviceSessions !== null);
        if (bySession !== 0) return bySession;
      }
      return (
        cmp(ga.eventSource, gb.eventSource) ||
        cmp(ga.eventName, gb.eventName) ||
        (ga.errorCode === gb.errorCode ? 0 : ga.errorCode === null ? -1 : gb.errorCode === null ? 1 : cmp(ga.errorCode, gb.errorCode)) ||
        Number(ga.versioned) - Number(gb.versioned)
      );
    };
  }

  /** Free the dedup buffers and spill files without finishing (reading was abandoned). */
  dispose(): void {
    this.dedup.dispose();
  }

  addWarning(w: Warning): void {
    this.warnings.push(w);
  }

  addFileReport(r: FileReport): void {
    this.files.push(r);
  }

  addAccessAdvisor(r: AccessAdvisorReport): void {
    this.advisor.push(r);
  }

  addAccessAnalyzer(f: AccessAnalyzerFinding): void {
    this.analyzer.push(f);
  }

  addTrail(t: TrailSelectors): void {
    this.trails.push(t);
  }

  finish(): UsageAggregate {
    if (!this.finished) {
      this.finished = true;
      const { duplicates, byGroup } = this.dedup.resolve(this.groupOrder());
      this.duplicates = duplicates;
      for (const [id, n] of byGroup) {
        const g = this.groupList[id] as GroupAcc;
        g.count -= n;
        // A copy's read half, a ReEncrypt's source key, or a refused call's KMS or IAM half
        // (denials.ts) is no record of its own: its duplicates are the record's, counted once.
        if (isCallHalfEvent(g.eventName) || isViaServiceEvent(g.eventName)) this.duplicates -= n;
      }
    }
    const sessions: SessionUsage[] = [];
    for (const s of this.sessionList) {
      const actions = new Map<string, ActionAcc>();
      const unmapped: { [event: string]: number } = {};
      let first: string | null = null;
      let last: string | null = null;
      for (const g of s.groups.values()) {
        // A group is emptied by a fingerprint collision (its events are then all "duplicates"), or
        // when it held only the owner's copies of shared actions whose caller's copies were read.
        if (g.count <= 0) continue;
        if (first === null || g.firstSeen < first) first = g.firstSeen;
        if (last === null || g.lastSeen > last) last = g.lastSeen;
        const mapped = eventToActions(g.eventSource, g.eventName, g.versioned);
        if (mapped.actions.length === 0) {
          const k = `${g.eventSource}:${g.eventName}`;
          unmapped[k] = (unmapped[k] ?? 0) + g.count;
          continue;
        }
        for (const action of mapped.actions) {
          let a = actions.get(action);
          if (a === undefined) {
            a = { action, count: 0, deniedCount: 0, firstSeen: g.firstSeen, lastSeen: g.lastSeen, resources: [], resourcesTruncated: false, resourcePrefix: null, errorCodes: {}, prefixAll: null, ok: { resources: [], resourcesTruncated: false, prefix: null, parents: undefined }, allParents: undefined, unnamed: 0, refusedMask: 0 };
            actions.set(action, a);
          }
          a.count += g.count;
          const denied = isAccessDenied(g.errorCode);
          if (denied) {
            a.deniedCount += g.count;
            a.refusedMask |= g.deniedBy;
          } else {
            // The calls that were not denied, sampled apart: only they show a resource the function may use.
            mergeResources(a.ok, g, this.resourceCap);
            // Duplicates were subtracted from count only: no more calls without a resource than calls.
            a.unnamed += Math.min(g.unnamed, g.count);
          }
          if (g.errorCode !== null) a.errorCodes[g.errorCode] = (a.errorCodes[g.errorCode] ?? 0) + g.count;
          if (g.firstSeen < a.firstSeen) a.firstSeen = g.firstSeen;
          if (g.lastSeen > a.lastSeen) a.lastSeen = g.lastSeen;
          const tmp: Sample = { resources: a.resources, resourcesTruncated: a.resourcesTruncated, prefix: a.prefixAll, parents: a.allParents };
          mergeResources(tmp, g, this.resourceCap);
          a.resources = tmp.resources;
          a.resourcesTruncated = tmp.resourcesTruncated;
          a.prefixAll = tmp.prefix;
          a.allParents = tmp.parents;
        }
      }
      if (first === null || last === null) continue;
      sessions.push({
        accountId: s.accountId,
        roleArn: s.roleArn,
        sessionName: s.sessionName,
        sessionCount: s.serviceSessions === null ? 1 : s.serviceSessions.size,
        invokedBy: s.invokedBy,
        ...(s.functionArn === null ? {} : { functionArn: s.functionArn }),
        regions: [...s.regions].sort(),
        firstSeen: first,
        lastSeen: last,
        actions: [...actions.values()]
          .map(actionUsageOf)
          .sort((x, y) => cmp(x.action, y.action)),
        unmapped: sortKeys(unmapped),
      });
    }
    sessions.sort((a, b) => cmp(a.roleArn, b.roleArn) || cmp(a.sessionName, b.sessionName) || cmp(a.invokedBy ?? "", b.invokedBy ?? "") || cmp(a.functionArn ?? "", b.functionArn ?? ""));
    // Lake results pages are complete or not together (the pages of one query given as files).
    const lake = incompleteLakePages(this.files);
    const files = this.files.map((f) => (lake.has(f.path) ? { ...f, partialReasons: [...f.partialReasons, lake.get(f.path) as string] } : f)).sort((a, b) => cmp(a.path, b.path));
    const partialReasons = files.flatMap((f) => f.partialReasons.map((r) => `${f.path}: ${r}`));
    if (this.recordsSkipped > 0) partialReasons.push(`${plural(this.recordsSkipped, "record")} skipped (see warnings)`);
    return {
      kind: "leastrole-usage-aggregate",
      version: 1,
      files,
      coverage: {
        accounts: [...this.accounts].sort(),
        regions: [...this.regions].sort(),
        days: [...this.days].sort(),
        places: [...this.places.values()]
          .map((p) => ({ accountId: p.accountId, region: p.region, days: [...p.days].sort() }))
          .sort((a, b) => cmp(a.accountId ?? "", b.accountId ?? "") || cmp(a.region ?? "", b.region ?? "")),
        firstEvent: this.firstEvent,
        lastEvent: this.lastEvent,
        recordsRead: this.recordsRead,
        recordsSkipped: this.recordsSkipped,
        duplicatesRemoved: this.duplicates,
        dataEventRecords: this.dataEventRecords,
        management: [...this.management.values()].sort((a, b) => cmp(a.accountId, b.accountId)),
        partial: partialReasons.length > 0,
        partialReasons,
      },
      sessions,
      functionCreations: [...this.creations.values()].sort((a, b) => cmp(a.accountId, b.accountId) || cmp(a.region, b.region) || cmp(a.functionName, b.functionName)),
      trailChanges: [...this.trailChanges.values()].sort((a, b) => cmp(a.time, b.time) || cmp(a.accountId, b.accountId) || cmp(a.trail ?? "", b.trail ?? "") || cmp(a.event, b.event) || cmp(a.region ?? "", b.region ?? "")),
      accessAdvisor: [...this.advisor].sort((a, b) => cmp(a.roleArn ?? "", b.roleArn ?? "") || cmp(a.file, b.file)),
      accessAnalyzer: [...this.analyzer].sort((a, b) => cmp(a.resource, b.resource) || cmp(a.id, b.id)),
      trails: [...this.trails].sort((a, b) => cmp(a.trail, b.trail) || Number(a.readEvents) - Number(b.readEvents) || Number(a.kmsEvents) - Number(b.kmsEvents)),
      warnings: [...this.warnings, ...lakePageWarnings(lake)].sort((a, b) => cmp(a.file ?? "", b.file ?? "") || cmp(a.path ?? "", b.path ?? "") || cmp(a.message, b.message)),
    };
  }
}

function mergeResources(into: Sample, from: Readonly<Sample>, cap: number): void {
  mergeSamples(into, from, cap);
}

/**
 * An action's usage as the document holds it, its optional fields present only when they say
 * something. Built as one literal (keys in the order the document has always written them), not by
 * rest and spread: those copy property by property in the runtime, for each of the ~100,000
 * actions at 10,000 functions.
 */
function actionUsageOf(a: ActionAcc): ActionUsage {
  const out: ActionUsage = {
    action: a.action,
    count: a.count,
    deniedCount: a.deniedCount,
    firstSeen: a.firstSeen,
    lastSeen: a.lastSeen,
    resources: [...a.resources].sort(),
    resourcesTruncated: a.resourcesTruncated,
    resourcePrefix: prefixPattern(a.prefixAll, a.resources.length + (a.resourcesTruncated ? 1 : 0)),
    errorCodes: sortKeys(a.errorCodes),
  };
  const parents = a.resourcesTruncated ? parentList(a.allParents ?? null) : undefined;
  if (parents !== undefined) out.resourceParents = parents;
  const ok = a.ok;
  if (a.deniedCount > 0) {
    out.authorized = { resources: [...ok.resources].sort(), resourcesTruncated: ok.resourcesTruncated, resourcePrefix: prefixPattern(ok.prefix, ok.resources.length + (ok.resourcesTruncated ? 1 : 0)) };
    const okParents = ok.resourcesTruncated ? parentList(ok.parents ?? null) : undefined;
    if (okParents !== undefined) out.authorized.resourceParents = okParents;
  }
  if (a.unnamed > 0) out.unnamedCalls = a.unnamed;
  if (a.refusedMask !== 0) out.deniedBy = refusalReasons(a.refusedMask);
  return out;
}

/** `arn:aws:dynamodb:…:table/orders-` → `arn:aws:dynamodb:…:table/orders-*` when ≥ 2 resources. */
function prefixPattern(prefix: string | null, distinct: number): string | null {
  if (prefix === null || distinct < 2) return null;
  return `${prefix}*`;
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortKeys<T>(o: { [k: string]: T }): { [k: string]: T } {
  const out: { [k: string]: T } = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k] as T;
  return out;
}
