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
}

export interface TrailStatement {
  reads?: Stated;
  kms?: Stated;
}

/** Per account (sorted), what its management events show of the trail's selectors, or what is said of them. */
export function managementCoverage(counts: readonly ManagementCounts[], said: TrailStatement = {}): ManagementEventCoverage[] {
  const stated = (s: Stated | undefined) => (s === undefined ? null : s.logged ? ("logged" as const) : ("not-logged" as const));
  const statedBy = { ...(said.reads !== undefined ? { reads: said.reads.by } : {}), ...(said.kms !== undefined ? { kms: said.kms.by } : {}) };
  return [...counts]
    .sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0))
    .map((c) => {
      const reads = stated(said.reads) ?? (c.reads > 0 ? "logged" : c.flagged >= MIN_EVENTS_FOR_READS ? "not-logged" : "unknown");
      const kms = stated(said.kms) ?? (c.kms > 0 ? "logged" : reads === "logged" && c.events >= MIN_EVENTS_FOR_KMS ? "not-logged" : "unknown");
      const out: ManagementEventCoverage = { accountId: c.accountId, events: c.events, readEvents: c.reads, kmsEvents: c.kms, reads, kms };
      if (said.reads !== undefined || said.kms !== undefined) out.statedBy = statedBy;
      return out;
    });
}

/** Adds b's counts into a (same account). */
export function addCounts(a: ManagementCounts, b: ManagementCounts): void {
  a.events += b.events;
  a.flagged += b.flagged;
  a.reads += b.reads;
  a.kms += b.kms;
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
  kms: string | null;
}

export function trailGapReasons(coverage: readonly ManagementEventCoverage[] | undefined): Map<string, TrailGapReasons> {
  const out = new Map<string, TrailGapReasons>();
  for (const c of coverage ?? []) {
    // Whoever said so, or else the records' own evidence.
    const readsBy = c.statedBy?.reads;
    const kmsBy = c.statedBy?.kms;
    const reads = c.reads !== "not-logged" ? null : readsBy !== undefined ? `${readsBy} says the trail does not log read management events` : `no read event among the ${c.events} management events of account ${c.accountId}: the trail appears to log write events only, so read calls are not in the logs`;
    const kms = c.kms !== "not-logged" ? null : kmsBy !== undefined ? `${kmsBy} says the trail excludes AWS KMS events` : `no AWS KMS event among the ${c.events} management events of account ${c.accountId}: the trail appears to exclude AWS KMS events`;
    if (reads !== null || kms !== null) out.set(c.accountId, { reads, kms });
  }
  return out;
}

/** One warning per account whose trail appears to leave management events out, for the document's warnings. */
export function trailGapWarnings(coverage: readonly ManagementEventCoverage[] | undefined): Warning[] {
  const out: Warning[] = [];
  for (const r of trailGapReasons(coverage).values()) {
    const reasons = [r.reads, r.kms].filter((x): x is string => x !== null).join("; ");
    out.push({
      code: "trail-management-events-excluded",
      severity: "warning",
      message: `${reasons}. The actions whose calls would be such events count as unknowable, never unused, and generate keeps them as today's policy grants them.`,
    });
  }
  return out;
}
