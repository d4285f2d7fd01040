/**
 * A log file re-packed in an archive CloudTrail does not write (zip, bz2 …) inside CloudTrail's
 * delivery folder: its events are missing, so the usage is partial and the file is named. Before,
 * it was skipped as "not a JSON file" (an info note) and the usage looked whole (the bad-input
 * sweep of session 58).
 */
import { cpSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildDocument } from "../../src/audit/build-document.js";
import { archiveInCloudTrailPlace } from "../../src/usage/log-file-name.js";

const demo = join(import.meta.dirname, "../../examples/demo-account");
const DAY = "cloudtrail/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/23";

describe("archives in CloudTrail's delivery folder", () => {
  for (const ext of [".zip", ".bz2", ".tar.gz"]) {
    it(`a log file as ${ext}: named, the usage partial`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "lr-ct-archive-"));
      try {
        cpSync(demo, dir, { recursive: true });
        const day = join(dir, DAY);
        const [log] = readdirSync(day);
        const packed = join(day, `${log as string}${ext}`.replace(/\.json\.gz(?=\.)/, ".json"));
        renameSync(join(day, log as string), packed);
        const doc = await buildDocument([dir], { asOf: "2026-11-28T00:00:00Z" });
        expect(doc.usage.coverage.partial).toBe(true);
        expect(doc.usage.coverage.partialReasons.some((r) => r.startsWith(packed) && r.includes("archive"))).toBe(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it("knows an archive by its extension, in CloudTrail's delivery place only", () => {
    expect(archiveInCloudTrailPlace("x/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/23/a.zip")).toBe("zip");
    expect(archiveInCloudTrailPlace("x/AWSLogs/o-abc123/111122223333/CloudTrail/us-east-1/a.json.bz2")).toBe("bz2");
    expect(archiveInCloudTrailPlace("x/AWSLogs/111122223333/CloudTrail/us-east-1/a.json.gz")).toBeNull();
    expect(archiveInCloudTrailPlace("x/backups/logs.zip")).toBeNull();
  });
});
