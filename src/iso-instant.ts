/**
 * An instant given on the command line (`--as-of`, `collect --since`), read one way on every
 * machine: `YYYY-MM-DD` is that day's start in UTC, and a date-time must say its zone (`Z` or an
 * offset such as `+02:00`). Why strict: `Date.parse` reads `2026/11/27`, `Nov 27 2026` and
 * `2026-11-27T10:00` in the machine's local time zone and `11/12/2026` as 12 November, so the same
 * command moved the usage window by up to a day, or by months, from one machine to the next
 * without a word (the bad-input sweep of session 58).
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2}))?$/;

/** Epoch milliseconds of `text`, or null when it is not a real day or a zoned ISO 8601 date-time. */
export function parseIsoInstant(text: string): number | null {
  const m = ISO.exec(text.trim());
  if (m === null) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return null;
  if (m[4] === undefined) return day.getTime();
  const [h, mi, s] = [Number(m[4]), Number(m[5]), Number(m[6] ?? "0")];
  if (h > 23 || mi > 59 || s > 59) return null;
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? "00"}${m[7] ?? ""}${(m[8] as string).toUpperCase().replace(/^([+-]\d{2})(\d{2})$/, "$1:$2")}`);
  return Number.isNaN(ms) ? null : ms;
}

/** What a rejected instant should look like, for the error message. */
export const ISO_INSTANT_FORMS = "YYYY-MM-DD (the day's start in UTC) or an ISO 8601 date-time with its zone, e.g. 2026-11-27T10:00:00Z or 2026-11-27T10:00:00+02:00";
