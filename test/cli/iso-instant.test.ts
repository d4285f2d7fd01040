import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseIsoInstant } from "../../src/iso-instant.js";
import { asOfFlag } from "../../src/cli/context.js";
import { parseSince } from "../../src/collect/options.js";

describe("instants given on the command line (--as-of, collect --since)", () => {
  it("a day is its start in UTC, whatever the machine's time zone", () => {
    const saved = process.env.TZ;
    try {
      for (const tz of ["UTC", "Pacific/Kiritimati", "America/Los_Angeles"]) {
        process.env.TZ = tz;
        expect(asOfFlag("2026-11-27")).toBe("2026-11-27T00:00:00.000Z");
        expect(parseSince("2026-11-27").toISOString()).toBe("2026-11-27T00:00:00.000Z");
        expect(asOfFlag("2026-11-27T10:00:00+02:00")).toBe("2026-11-27T08:00:00.000Z");
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it("refuses what Date.parse reads in local time or month first, and days that do not exist", () => {
    // Before: each was accepted, the first three read in the machine's zone, the last as 12 November.
    for (const bad of ["2026/11/27", "Nov 27 2026", "2026-11-27T10:00", "11/12/2026", "2026-02-30", "2026-11-27T24:00Z", "yesterday"]) {
      expect(() => asOfFlag(bad), bad).toThrow(/--as-of must be a date or date-time/);
      expect(() => parseSince(bad), bad).toThrow(/--since/);
    }
  });

  it("reads every real day and zoned date-time as Date.UTC says (fast-check)", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date("1971-01-01T00:00:00Z"), max: new Date("2199-12-31T23:59:59Z"), noInvalidDate: true }), fc.integer({ min: -14 * 60, max: 14 * 60 }), (d, offsetMinutes) => {
        const day = d.toISOString().slice(0, 10);
        expect(parseIsoInstant(day)).toBe(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
        expect(parseIsoInstant(d.toISOString())).toBe(d.getTime());
        // The same instant written with another offset.
        const local = new Date(d.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 23);
        const sign = offsetMinutes < 0 ? "-" : "+";
        const abs = Math.abs(offsetMinutes);
        const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
        expect(parseIsoInstant(`${local}${zone}`)).toBe(d.getTime());
      }),
    );
  });
});
