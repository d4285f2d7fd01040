import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeTimestamp } from "../../src/sources/timestamps.js";

describe("normalizeTimestamp", () => {
  it.each([
    // ISO with Z (IAM wire format)
    ["2019-08-07T01:43:56Z", "2019-08-07T01:43:56.000Z"],
    // CLI v2 / cloudmapper: offset with colon
    ["2018-10-19T21:45:27+00:00", "2018-10-19T21:45:27.000Z"],
    // Python str(datetime), as in every cloudsplaining file
    ["2019-08-16 17:27:59+00:00", "2019-08-16T17:27:59.000Z"],
    // Lambda LastModified, offset without colon (cloudmapper lambda-list-functions.json)
    ["2019-04-30T16:26:38.618+0000", "2019-04-30T16:26:38.618Z"],
    // boto3 microseconds are truncated to milliseconds
    ["2019-08-07T01:43:56.123456+00:00", "2019-08-07T01:43:56.123Z"],
    // a non-UTC offset is converted
    ["2019-08-07T03:43:56+02:00", "2019-08-07T01:43:56.000Z"],
    ["2019-08-06T20:43:56-0500", "2019-08-07T01:43:56.000Z"],
    // epoch seconds with fraction (CLI v1, get-function-event-invoke-config example) and milliseconds
    [1577824396.653, "2019-12-31T20:33:16.653Z"],
    [1569284520333, "2019-09-24T00:22:00.333Z"],
    ["1569284520.333", "2019-09-24T00:22:00.333Z"],
    // date only
    ["2019-08-07", "2019-08-07T00:00:00.000Z"],
    // Windows PowerShell's ConvertTo-Json (.NET's JSON date): milliseconds, UTC, the offset only informative
    ["/Date(1763460000000)/", "2025-11-18T10:00:00.000Z"],
    ["/Date(1763460000000+0100)/", "2025-11-18T10:00:00.000Z"],
  ])("%s → %s", (input, expected) => {
    expect(normalizeTimestamp(input)).toBe(expected);
  });

  it("absent values are null, unreadable ones undefined", () => {
    expect(normalizeTimestamp(undefined)).toBeNull();
    expect(normalizeTimestamp(null)).toBeNull();
    expect(normalizeTimestamp("")).toBeNull();
    for (const bad of ["yesterday", "2019-02-30T00:00:00Z", "2019-13-01", "Jul 10, 2023, 2:26:49 PM", "/Date(abc)/", "Date(1763460000000)", -5, true, {}, "2019-08-07T25:00:00Z"]) {
      expect(normalizeTimestamp(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });

  it("years before 100 are those years (Date.UTC reads 0-99 as 1900-1999): 0099 is not 1999", () => {
    expect(normalizeTimestamp("0099-06-01T12:00:00Z")).toBe("0099-06-01T12:00:00.000Z");
    expect(normalizeTimestamp("0002-03-04")).toBe("0002-03-04T00:00:00.000Z");
    // Rolled-over dates are still refused in those years (0003 is no leap year).
    expect(normalizeTimestamp("0003-02-29")).toBeUndefined();
    expect(normalizeTimestamp("0004-02-29")).toBe("0004-02-29T00:00:00.000Z");
  });

  it(".NET's DateTime.MinValue (the AWS SDK for .NET's unset date, through PowerShell's ConvertTo-Json) is absent, not the year 1901", () => {
    // PowerShell 6+ writes a DateTime of unspecified kind without an offset; Windows PowerShell as /Date(ms)/.
    // Before: "0001-01-01T00:00:00" was 1901-01-01T00:00:00.000Z, and /Date(-62135596800000)/ a warning.
    for (const minValue of ["0001-01-01T00:00:00", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00.0000000", "/Date(-62135596800000)/"]) {
      expect(normalizeTimestamp(minValue), minValue).toBeNull();
    }
    // Other dates before 1970 in the .NET form are no AWS timestamp.
    expect(normalizeTimestamp("/Date(-1000)/")).toBeUndefined();
  });

  it("property: every instant written in every AWS form normalises to the same ISO Z text", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2090, 0, 1) }), (ms) => {
        const iso = new Date(ms).toISOString(); // 2019-08-07T01:43:56.123Z
        const [date, time] = iso.slice(0, -1).split("T") as [string, string];
        const forms = [iso, `${date}T${time}+00:00`, `${date} ${time}+00:00`, `${date}T${time}+0000`, ms, ms / 1000];
        for (const f of forms) expect(normalizeTimestamp(f)).toBe(iso);
      }),
    );
  });

  it("property: normalising is idempotent", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date("1971-01-01"), max: new Date("9000-01-01"), noInvalidDate: true }), (d) => {
        const once = normalizeTimestamp(d.toISOString());
        expect(normalizeTimestamp(once)).toBe(once);
      }),
    );
  });
});
