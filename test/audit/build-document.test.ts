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

  it("tells the reading's progress only after the account's, ending with every file read", async () => {
    const seen: Array<{ stage: string; done: number; total?: number }> = [];
    // The demo's trail is small: read on this thread, before the account, and told after it.
    await buildDocument([demo], { asOf: "2026-11-28T00:00:00Z", onProgress: (p) => seen.push({ ...p }) });
    const stages = seen.map((p) => p.stage);
    const firstUsage = stages.indexOf("usage");
    expect(firstUsage).toBeGreaterThan(stages.indexOf("read"));
    expect(stages.slice(firstUsage).filter((x) => x === "read")).toEqual([]);
    const last = seen.filter((p) => p.stage === "usage").at(-1)!;
    expect(last.done).toBe(last.total);
    expect(last.total).toBeGreaterThan(1);
  });

  it("gives the same document with one, two and the default number of readers", async () => {
    const asOf = "2026-11-28T00:00:00Z";
    const [one, two, auto] = await Promise.all([buildDocument([demo], { asOf, workers: 1 }), buildDocument([demo], { asOf, workers: 2 }), buildDocument([demo], { asOf })]);
    expect(one.usage.coverage.recordsRead).toBeGreaterThan(0);
    expect(two).toEqual(one);
    expect(auto).toEqual(one);
  });
});
