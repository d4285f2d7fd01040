/**
 * The usage window's bounds, for `usage.windowDays`, `--window-days` and the SDK's `windowDays`
 * alike (the schema's minimum and maximum, from src/model/config.ts, are these: test/config
 * checks). A window of a fraction of a day, none, or over a year of CloudTrail is a typo, not a
 * setting.
 */
export const WINDOW_DAYS = { min: 1, max: 400 } as const;

/** The one wording of a bad window, for the flag, the config file and the SDK; `given` is shown as written. */
export function windowDaysProblem(days: number, given: string): string | null {
  if (Number.isInteger(days) && days >= WINDOW_DAYS.min && days <= WINDOW_DAYS.max) return null;
  return `must be a whole number of days from ${WINDOW_DAYS.min} to ${WINDOW_DAYS.max} (got ${given})`;
}
