/**
 * How much of the usage window the CloudTrail data covers: the days of the window with at least
 * one record. The labels call nothing unused unless every day is covered (labels.ts); the policy
 * generator and the CLI say how short the data falls, so that a policy made from four days of logs
 * is not mistaken for one made from thirty.
 */

import type { UsageSection } from "../model/usage.js";

const DAY = 86_400_000;

export interface WindowCoverage {
  /** Days of the window. */
  days: number;
  /** Days of the window with records. */
  covered: number;
  /** The window's days without records (YYYY-MM-DD), oldest first. */
  missing: string[];
}

/** The window's days (YYYY-MM-DD) that `daysSeen` lacks, from `startMs` (inclusive) to `endMs` (exclusive). */
export function missingWindowDays(startMs: number, endMs: number, daysSeen: ReadonlySet<string>): string[] {
  const missing: string[] = [];
  for (let t = startMs; t < endMs; t += DAY) {
    const d = new Date(t).toISOString().slice(0, 10);
    if (!daysSeen.has(d)) missing.push(d);
  }
  return missing;
}

/** Null when there is no usage window (no usage data, or no dated record). */
export function windowCoverage(usage: Pick<UsageSection, "window" | "coverage">): WindowCoverage | null {
  const w = usage.window;
  if (w === null) return null;
  const startMs = Date.parse(w.start);
  const endMs = Date.parse(w.end);
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs)) return null;
  const missing = missingWindowDays(startMs, endMs, new Set(usage.coverage.days));
  return { days: w.days, covered: w.days - missing.length, missing };
}

/** Days with records in one account and region, as the usage aggregate keeps them. */
export interface PlaceDaysSeen {
  accountId: string | null;
  region: string | null;
  days: readonly string[];
}

/**
 * Why the data cannot show a function of `accountId` in `region` everything it did over the window,
 * when the window is covered as a whole (missingWindowDays over every account found nothing), or
 * null. An organisation trail's accounts join it on different days, and a trail may log one region
 * for longer than another: the window is covered for a function only if its own account has
 * records on every day of it, and its own region's records start by the window's first day and
 * last until its last. Within a region, a day without records may be a quiet day, so only the span
 * is held to (a region without any record says nothing: a function that never ran writes none).
 */
export function placeUncovered(startMs: number, endMs: number, places: readonly PlaceDaysSeen[], accountId: string, region: string | null): { region: string | null; reason: string } | null {
  const accountDays = new Set<string>();
  let regionDays: readonly string[] | null = null;
  for (const p of places) {
    if (p.accountId !== accountId) continue;
    for (const d of p.days) accountDays.add(d);
    if (region !== null && p.region === region) regionDays = p.days;
  }
  if (accountDays.size === 0) return { region: null, reason: `no usage data for account ${accountId}` };
  const missing = missingWindowDays(startMs, endMs, accountDays);
  if (missing.length > 0) {
    const days = Math.round((endMs - startMs) / DAY);
    return { region: null, reason: `usage data for account ${accountId} misses ${missing.length} of ${days} days of the window (first missing: ${missing[0]})` };
  }
  if (regionDays === null || regionDays.length === 0) return null;
  const first = new Date(startMs).toISOString().slice(0, 10);
  const last = new Date(endMs - DAY).toISOString().slice(0, 10);
  const seenFirst = regionDays[0] as string;
  const seenLast = regionDays[regionDays.length - 1] as string;
  if (seenFirst > first) return { region, reason: `usage data for account ${accountId} in ${region} starts ${seenFirst}, after the window's first day ${first}` };
  if (seenLast < last) return { region, reason: `usage data for account ${accountId} in ${region} ends ${seenLast}, before the window's last day ${last}` };
  return null;
}
