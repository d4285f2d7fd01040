/**
 * What a trail's management-event selectors leave out, judged from the records themselves.
 *
 * A trail (or event data store) may log write management events only (ReadWriteType WriteOnly, a
 * common cost saving), or exclude AWS KMS events (the console's "Exclude AWS KMS events"; KMS's
 * Encrypt, Decrypt and GenerateDataKey are most of an account's events). CloudTrail user guide,
 * "Logging management events": read and write events, and excluding AWS KMS and Amazon RDS Data
 * API events. A function's kms:Decrypt or ssm:GetParameter on such a trail is never in the logs:
 * calling it unused, or leaving it out of a generated policy, would break the function.
 *
 * The records say so themselves. Every management event carries `readOnly`; an account whose logs
 * hold many management events and not one read does not log reads (any account's reads outnumber
 * its writes: Describe*, Get*, List* by the console, AWS Config, the functions). An account whose
 * logs hold reads but not one kms.amazonaws.com event among many excludes KMS events: with Lambda
 * functions in it, Lambda's own Decrypt of encrypted environment variables, Secrets Manager and
 * SSE-KMS all call KMS. Event history (`lookup-events`) can exclude neither, and never says so
 * wrongly here: it holds reads and KMS events like any full trail.
 *
 * Below the thresholds the logs are too few to tell, and the management events are taken as
 * logged (`unknown`), as before this check existed.
 *
 * The other two gaps, rarer: a ReadOnly trail (no write among at least 1,000 management events:
 * with Lambda functions at work, the Lambda service's CreateLogStream alone is a write), and a
 * trail of data events only (IncludeManagementEvents false: at least 100 data events and not one
 * management event), whose logs show no management call at all.
 */

import type { Warning } from "../model/document.js";
import type { ManagementEventCoverage } from "../model/usage.js";
import type { ManagementCounts } from "./accumulate.js";

/** Management events with a readOnly flag needed before "no read among them" means reads are not logged. */
export const MIN_EVENTS_FOR_READS = 100;
/** Management events needed before "no KMS event among them" means KMS events are excluded. */
export const MIN_EVENTS_FOR_KMS = 1000;

/**
 * What is said of the trail rather than judged from its records, per kind of event: `logged`, and
 * `by` whom (the configuration's key, or a trail's event selectors). It wins over the records.
 */
export interface Stated {
  logged: boolean;
  by: string;
  /**
   * The configuration's word: it wins whatever the records show. A trail's event selectors saying
   * a kind is logged give way to records that show it is not (at least as many events as the
   * judgement needs, none of the kind): the logs read are then not all that trail's (Athena over
   * another trail's bucket, selectors of the wrong trail), and a call missing from them is not a
   * call not made.
   */
  final?: boolean;
}

export interface TrailStatement {
  reads?: Stated;
  writes?: Stated;
  kms?: Stated;
}

/** Write management events needed before "no write among them" means writes are not logged (a ReadOnly trail). */
export const MIN_EVENTS_FOR_WRITES = 1000;

/** Per account (sorted), what its management events show of the trail's selectors, or what is said of them. */
export function managementCoverage(counts: readonly ManagementCounts[], said: TrailStatement = {}): ManagementEventCoverage[] {
  type Verdict = "logged" | "not-logged" | "unknown";
  return [...counts]
    .sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0))
    .map((c) => {
      const statedBy: { reads?: string; writes?: string; kms?: string } = {};
      // Many data events and not one management event: the trail logs none (a data-events trail).
      const none = c.events === 0 && c.dataEvents >= MIN_EVENTS_FOR_READS;
      // What was said, unless it says logged where the records show it is not (Stated.final).
      // KMS's judgement is weaker (an account may truly call no KMS): the selectors win there.
      const decide = (kind: "reads" | "writes" | "kms", judged: Verdict): Verdict => {
        const s = said[kind];
        if (s === undefined || (!s.final && s.logged && judged === "not-logged" && (kind !== "kms" || none))) return judged;
        statedBy[kind] = s.by;
        return s.logged ? "logged" : "not-logged";
      };
      const writes = decide("writes", c.flagged > c.reads ? "logged" : none || (c.flagged >= MIN_EVENTS_FOR_WRITES && c.reads === c.flagged) ? "not-logged" : "unknown");
      const reads = decide("reads", c.reads > 0 ? "logged" : none || c.flagged >= MIN_EVENTS_FOR_READS ? "not-logged" : "unknown");
      const kms = decide("kms", c.kms > 0 ? "logged" : none || (reads === "logged" && c.events >= MIN_EVENTS_FOR_KMS) ? "not-logged" : "unknown");
      const out: ManagementEventCoverage = { accountId: c.accountId, events: c.events, readEvents: c.reads, kmsEvents: c.kms, reads, kms, writes, dataEvents: c.dataEvents };
      if (Object.keys(statedBy).length > 0) out.statedBy = statedBy;
      return out;
    });
}

/** Adds b's counts into a (same account). */
export function addCounts(a: ManagementCounts, b: ManagementCounts): void {
  a.events += b.events;
  a.flagged += b.flagged;
  a.reads += b.reads;
  a.kms += b.kms;
  a.dataEvents += b.dataEvents;
}

/**
 * Action names CloudTrail may record as read events (readOnly true): IAM's Read and List access
 * levels do not cover them all (kms:Decrypt is Write in the Service Authorization Reference, a read
 * event in CloudTrail), so the name counts too. Wide on purpose: an action taken for a read is
 * only called unknowable, never unused.
 */
const READ_NAME = /^(get|list|describe|head|lookup|search|batchget|query|scan|select|check|verify|validate|preview|simulate|test|decrypt|encrypt|generatedatakey|generatemac|generaterandom|reencrypt|sign|export|download|view|read|retrieve)/;

export function mayBeReadEvent(action: string, accessLevel: string | null): boolean {
  if (accessLevel === "Read" || accessLevel === "List") return true;
  const colon = action.indexOf(":");
  return READ_NAME.test(action.slice(colon + 1).toLowerCase());
}

/** The reasons an account's labels give for actions its trail does not log (null: none). */
export interface TrailGapReasons {
  reads: string | null;
  /** Write management events not logged (a ReadOnly trail, or one logging no management event). */
  writes: string | null;
  kms: string | null;
}

export function trailGapReasons(coverage: readonly ManagementEventCoverage[] | undefined): Map<string, TrailGapReasons> {
  const out = new Map<string, TrailGapReasons>();
  for (const c of coverage ?? []) {
    // Whoever said so, or else the records' own evidence.
    const readsBy = c.statedBy?.reads;
    const writesBy = c.statedBy?.writes;
    const kmsBy = c.statedBy?.kms;
    // Judged from the records with no management event at all: one reason for every kind.
    const none = c.events === 0 ? `no management event among the ${c.dataEvents ?? 0} records of account ${c.accountId}, all data events: the trail appears to log no management events` : null;
    const reads = c.reads !== "not-logged" ? null : readsBy !== undefined ? `${readsBy} says the trail does not log read management events` : none ?? `no read event among the ${c.events} management events of account ${c.accountId}: the trail appears to log write events only, so read calls are not in the logs`;
    const writes = c.writes !== "not-logged" ? null : writesBy !== undefined ? `${writesBy} says the trail does not log write management events` : none ?? `no write event among the ${c.events} management events of account ${c.accountId}: the trail appears to log read events only, so write calls are not in the logs`;
    const kms = c.kms !== "not-logged" ? null : kmsBy !== undefined ? `${kmsBy} says the trail excludes AWS KMS events` : none ?? `no AWS KMS event among the ${c.events} management events of account ${c.accountId}: the trail appears to exclude AWS KMS events`;
    if (reads !== null || writes !== null || kms !== null) out.set(c.accountId, { reads, writes, kms });
  }
  return out;
}

type GapKind = keyof TrailGapReasons;
const GAP_KINDS: readonly GapKind[] = ["reads", "writes", "kms"];
const GAP_PHRASE: Record<GapKind, string> = { reads: "read management events", writes: "write management events", kms: "AWS KMS events" };

/**
 * What one source (a trail's event selectors, a configuration key) says of several kinds at once,
 * said once. A trail whose selectors select no management event (none at all, or data events only)
 * leaves out reads, writes and KMS events: before, the warning said "the event selectors of <trail>
 * says the trail does not log …" three times over, one sentence per kind, and not what to do.
 */
function statedTogether(by: string, kinds: readonly GapKind[]): string {
  const what = kinds.includes("reads") && kinds.includes("writes") ? "no management events (no read, no write, no AWS KMS event)" : `neither ${GAP_PHRASE[kinds[0] as GapKind]} nor ${GAP_PHRASE[kinds[1] as GapKind]}`;
  const why = by.startsWith("the event selectors of ") ? (kinds.includes("reads") && kinds.includes("writes") ? ": none of its event selectors selects them, and CloudTrail logs no event that matches no selector" : "") : "";
  return `according to ${by}, the trail logs ${what}${why}`;
}

/**
 * What to do when a trail's event selectors say it: they are the trail's configuration, which the
 * records cannot overrule (Stated), so the way out is other selectors or other logs. (What the
 * records alone suggest, the configuration keys can overrule: docs/usage.md says how.)
 */
function gapAdvice(c: ManagementEventCoverage, kinds: readonly GapKind[]): string {
  if (!kinds.some((k) => c.statedBy?.[k]?.startsWith("the event selectors of ") === true)) return "";
  return (
    " If these logs are another trail's, give that trail's event selectors (aws cloudtrail get-event-selectors) instead; if this trail should log these events, " +
    "change its event selectors (aws cloudtrail put-event-selectors; a trail created without selectors logs every management event) and audit the logs written since."
  );
}

/**
 * One warning per account whose trail appears to leave management events out, for the document's
 * warnings: what is not logged (each source said once, with all it says), what follows, what to do.
 */
export function trailGapWarnings(coverage: readonly ManagementEventCoverage[] | undefined): Warning[] {
  const out: Warning[] = [];
  const reasons = trailGapReasons(coverage);
  for (const c of coverage ?? []) {
    const r = reasons.get(c.accountId);
    if (r === undefined) continue;
    const kinds = GAP_KINDS.filter((k) => r[k] !== null);
    const byStater = new Map<string, GapKind[]>();
    for (const k of kinds) {
      const by = c.statedBy?.[k];
      if (by !== undefined) byStater.set(by, [...(byStater.get(by) ?? []), k]);
    }
    const parts: string[] = [];
    for (const k of kinds) {
      const by = c.statedBy?.[k];
      const together = by === undefined ? undefined : byStater.get(by);
      const part = by !== undefined && together !== undefined && together.length > 1 ? statedTogether(by, together) : (r[k] as string);
      if (!parts.includes(part)) parts.push(part);
    }
    const sentence = parts.join("; ");
    out.push({
      code: "trail-management-events-excluded",
      severity: "warning",
      message: `${sentence}. The actions whose calls would be such events count as unknowable, never unused, and generate keeps them as today's policy grants them.${gapAdvice(c, kinds)}`,
    });
  }
  return out;
}
