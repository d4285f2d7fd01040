/**
 * Timestamps in every form AWS tools write, to ISO 8601 UTC with a `Z` (always with milliseconds,
 * as `Date.prototype.toISOString` writes them, so every timestamp in the document sorts as text):
 *
 * - ISO with `Z` or an offset with colon: `2019-08-07T01:43:56Z`, `2019-08-07T01:43:56+00:00` (CLI v2)
 * - ISO with microseconds (boto3): `2019-08-07T01:43:56.123456+00:00` (truncated to milliseconds)
 * - Python `str(datetime)`: `2019-08-16 17:27:59+00:00` (space instead of `T`; cloudsplaining files)
 * - Lambda `LastModified`: `2019-04-30T16:26:38.618+0000` (offset without colon)
 * - epoch seconds or milliseconds as numbers (CLI v1 for REST-JSON services, Jackson-based
 *   exporters), or as numeric strings
 * - `/Date(1763460000000)/` or `/Date(1763460000000+0100)/` (Windows PowerShell's ConvertTo-Json,
 *   .NET's JSON date): milliseconds since the epoch, UTC; the offset only says where it was written
 *
 * A timestamp without an offset is read as UTC: every AWS API returns UTC.
 *
 * .NET's DateTime.MinValue (`0001-01-01T00:00:00`, `/Date(-62135596800000)/`) is absent: the AWS
 * SDK for .NET (v3, under AWS Tools for PowerShell) gives a field the response left out as the
 * default DateTime, and ConvertTo-Json writes it (RoleLastUsed.LastUsedDate of a role never used).
 */

const ISO_LIKE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Epoch numbers above this are milliseconds (1e11 seconds is the year 5138). */
const MS_THRESHOLD = 1e11;

/**
 * Normalise a timestamp; `null` for absent values (`undefined`, `null`, `""`), `undefined` when the
 * value is present but is not a timestamp (the caller reports it).
 */
export function normalizeTimestamp(value: unknown): string | null | undefined {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value === "number") return fromEpoch(value);
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return fromEpoch(Number(text));
  const dotnet = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(text);
  if (dotnet) return Number(dotnet[1]) === DOTNET_MIN_MS ? null : Number(dotnet[1]) < 0 ? undefined : isoOrUndefined(Number(dotnet[1]));
  const m = ISO_LIKE.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone = "Z"] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = Number((frac + "000").slice(0, 3));
  let offsetMinutes = 0;
  if (zone !== "Z" && zone !== "z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = sign * (oh * 60 + om);
  }
  const utc = utcMs(year, month - 1, day, hour, minute, Math.min(second, 59), ms) - offsetMinutes * 60_000;
  // Reject dates that Date.UTC silently rolls over (Feb 30 → Mar 2).
  const check = new Date(utcMs(year, month - 1, day, 0, 0, 0, 0));
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return undefined;
  if (utc === DOTNET_MIN_MS) return null;
  return isoOrUndefined(utc);
}

/** 0001-01-01T00:00:00Z, .NET's DateTime.MinValue, in epoch milliseconds. */
const DOTNET_MIN_MS = -62135596800000;

/** Date.UTC, but years 0–99 are those years: Date.UTC reads them as 1900–1999 (0001 became 1901). */
function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
  const date = new Date(Date.UTC(2000, month, day, hour, minute, second, ms));
  date.setUTCFullYear(year);
  return date.getTime();
}

function fromEpoch(n: number): string | undefined {
  if (!Number.isFinite(n) || n < 0) return undefined;
  return isoOrUndefined(n >= MS_THRESHOLD ? Math.trunc(n) : Math.round(n * 1000));
}

function isoOrUndefined(ms: number): string | undefined {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() > 9999) return undefined;
  return date.toISOString();
}
