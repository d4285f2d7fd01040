/**
 * buildDocument starts reading CloudTrail before the account is read and normalised: a failure in
 * between must reach the caller as itself, with the readers stopped (no hang, no stray rejection).
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
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

  it("carries what the usage readers said of a file into the document's warnings (an Advisor report of no known role)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-advisor-"));
    const report = join(dir, "report.json");
    writeFileSync(report, JSON.stringify({ JobStatus: "COMPLETED", JobType: "SERVICE_LEVEL", JobCreationDate: "2026-11-27T00:00:00Z", JobCompletionDate: "2026-11-27T00:01:00Z", ServicesLastAccessed: [{ ServiceName: "Amazon S3", ServiceNamespace: "s3", TotalAuthenticatedEntities: 0 }] }));
    try {
      const doc = await buildDocument([demo, report], { asOf: "2026-11-28T00:00:00Z" });
      expect(doc.meta.warnings.filter((w) => w.code === "access-advisor-role-unknown").map((w) => w.file)).toEqual([report]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("takes the configuration's word that data events are logged for every resource, and only its word", async () => {
    // The demo's trail holds S3, SQS and DynamoDB data events: "present", which proves nothing of
    // other resources; "logged" only when the configuration says so.
    const asOf = "2026-11-28T00:00:00Z";
    const [seen, said] = await Promise.all([buildDocument([demo], { asOf }), buildDocument([demo], { asOf, config: { usage: { dataEventsLogged: true } } })]);
    expect(seen.usage.coverage.dataEvents).toBe("present");
    expect(said.usage.coverage.dataEvents).toBe("logged");
  });

  it("lists every CloudTrail file among the sources with its SHA-256, as the account's files", async () => {
    const doc = await buildDocument([demo], { asOf: "2026-11-28T00:00:00Z" });
    const trail = doc.meta.sources.filter((s) => s.kind === "cloudtrail");
    expect(trail.length).toBeGreaterThan(1);
    expect(doc.meta.sources.some((s) => s.kind !== "cloudtrail")).toBe(true);
    for (const s of doc.meta.sources) expect(s.sha256, s.path).toBe(createHash("sha256").update(readFileSync(s.path)).digest("hex"));
  });
});
