import { describe, expect, it } from "vitest";
import { asOfFlag } from "../../src/cli/context.js";

describe("--as-of", () => {
  it("takes dates and date-times as UTC instants", () => {
    expect(asOfFlag("2026-02-28")).toBe("2026-02-28T00:00:00.000Z");
    expect(asOfFlag("2024-02-29")).toBe("2024-02-29T00:00:00.000Z");
    expect(asOfFlag("2026-03-01T00:30:00+02:00")).toBe("2026-02-28T22:30:00.000Z");
  });

  it("refuses a day its month does not have instead of rolling it over (2026-02-30 was read as 2026-03-02)", () => {
    for (const bad of ["2026-02-30", "2026-02-29", "2026-04-31", "2026-02-30T10:00:00Z", "2026-13-01"]) {
      expect(() => asOfFlag(bad), bad).toThrow(/--as-of must be a date or date-time/);
    }
    expect(() => asOfFlag("2026-02-30")).toThrow(/no such day/);
    expect(() => asOfFlag("yesterday")).toThrow(/--as-of must be a date or date-time \(got yesterday\)/);
  });
});
