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
