/**
 * buildDocument starts reading CloudTrail before the account is read and normalised: a failure in
 * between must reach the caller as itself, with the readers stopped (no hang, no stray rejection).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildDocument } from "../../src/audit/build-document.js";

const demo = join(import.meta.dirname, "../../examples/demo-account");

describe("buildDocument with CloudTrail", () => {
  it("reports a normalisation error while the workers read, and stops them", async () => {
    await expect(buildDocument([demo], { asOf: "not a date", workers: 2 })).rejects.toThrow(/asOf is not a timestamp/);
  });

  it("gives the same document with one, two and the default number of readers", async () => {
    const asOf = "2026-11-28T00:00:00Z";
    const [one, two, auto] = await Promise.all([buildDocument([demo], { asOf, workers: 1 }), buildDocument([demo], { asOf, workers: 2 }), buildDocument([demo], { asOf })]);
    expect(one.usage.coverage.recordsRead).toBeGreaterThan(0);
    expect(two).toEqual(one);
    expect(auto).toEqual(one);
  });
});
