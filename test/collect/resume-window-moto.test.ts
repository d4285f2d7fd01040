/**
 * `collect --resume` given another CloudTrail window than the collection was started with, against
 * moto: the log files already copied are of the recorded window and are not fetched again, so a
 * resumed run that stated another window over them (a 30-day collection resumed with `--days 90`
 * said 90 days in its manifest and held 30) is refused, and the manifest left as it was. The same
 * window typed again (the same `--since`, or `--days` of the recorded length) continues it.
 */

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect, CollectError, type CollectOptions } from "../../src/collect/index.js";
import { packageRoot } from "../../src/evaluate/locate.js";
import { startMoto, TEST_CREDENTIALS, type MotoServer } from "./support/moto.js";
import { filesUnder, outDirs } from "./support/out-dirs.js";
import { seedTrailBucket, trailObject, trailRecord, TRAIL_BUCKET } from "./support/seed.js";

let moto: MotoServer;
const { outDir, removeAll } = outDirs("leastrole-resume-window-");
const cli = join(packageRoot(), "dist", "cli.js");

// A log file 10 days before the end, one 60 days before: a 30-day window holds the first only.
const END = new Date("2026-01-31T00:00:00Z");
const recent = trailObject("team/", "us-east-1", "2026-01-21T10:05", "AAAAAAAAAAAAAAAA", [trailRecord("2026-01-21T10:01:00Z", "GetItem", "1")]);
const older = trailObject("team/", "us-east-1", "2025-12-02T10:05", "BBBBBBBBBBBBBBBB", [trailRecord("2025-12-02T10:01:00Z", "PutItem", "2")]);
const copied = (out: string) => filesUnder(out, "cloudtrail/s3").map((f) => f.replace(/^.*\/CloudTrail\/us-east-1\//, ""));

beforeAll(async () => {
  moto = startMoto();
  await seedTrailBucket(moto.endpoint, [recent, older]);
});

afterAll(() => {
  moto?.stop();
  removeAll();
});

const started = (out: string): CollectOptions => ({
  endpoint: moto.endpoint,
  credentials: TEST_CREDENTIALS,
  throttleBaseMs: 1,
  out,
  regions: ["us-east-1"],
  cloudtrail: `s3://${TRAIL_BUCKET}/team/`,
  days: 30,
  until: END,
});

describe("collect --resume with a CloudTrail window", () => {
  it("refuses another window (--days 90 after a 30-day collection), the manifest unchanged", async () => {
    const out = outDir();
    const first = await collect(started(out));
    expect(first.manifest.options.window).toEqual({ start: "2026-01-01T00:00:00.000Z", end: "2026-01-31T00:00:00.000Z" });
    expect(copied(out)).toEqual([expect.stringMatching(/^2026\/01\/21\//)]);
    const before = readFileSync(join(out, "manifest.json"), "utf8");

    // Before: accepted; the S3 copy was carried over whole and the manifest said 2025-11-02 – 2026-01-31.
    const resumed = collect({ ...started(out), days: 90, resume: true });
    await expect(resumed).rejects.toThrow(CollectError);
    await expect(collect({ ...started(out), days: 90, resume: true })).rejects.toThrow(
      "cannot resume with another CloudTrail window: the collection was started with 2026-01-01T00:00:00.000Z – 2026-01-31T00:00:00.000Z (30 days), and what it copied of the logs is of that window; " +
        "this run asks for 2025-11-02T00:00:00.000Z – 2026-01-31T00:00:00.000Z (90 days); leave --since and --days out to continue with the collection's window, or collect into a new --out",
    );
    await expect(collect({ ...started(out), days: undefined, since: "2025-11-02", resume: true })).rejects.toThrow(/cannot resume with another CloudTrail window/);
    expect(readFileSync(join(out, "manifest.json"), "utf8")).toBe(before);
    expect(copied(out)).toEqual([expect.stringMatching(/^2026\/01\/21\//)]);
  });

  it("continues the recorded window when the same one is given again: --days of its length, or its --since", async () => {
    const out = outDir();
    const first = await collect(started(out));
    // A later "now": --days 30 is the same command typed again, not a window ending at this run's now.
    const again = await collect({ ...started(out), until: undefined, resume: true });
    expect(again.manifest.options.window).toEqual(first.manifest.options.window);
    const bySince = await collect({ ...started(out), days: undefined, until: undefined, since: "2026-01-01", resume: true });
    expect(bySince.manifest.options.window).toEqual(first.manifest.options.window);
    expect(copied(out)).toEqual([expect.stringMatching(/^2026\/01\/21\//)]);
  });

  it("the CLI: --resume --days without --cloudtrail is checked against the collection's own source, not refused as needing --cloudtrail", () => {
    if (!existsSync(cli)) throw new Error("build first: npm run build");
    const out = outDir();
    const env = { ...process.env, NO_COLOR: "1", AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, AWS_REGION: "us-east-1", AWS_PROFILE: "" };
    const run = (...args: string[]) => spawnSync(process.execPath, [cli, "collect", "--out", out, "--endpoint", moto.endpoint, ...args], { encoding: "utf8", env });
    const first = run("--regions", "us-east-1", "--cloudtrail", `s3://${TRAIL_BUCKET}/team/`, "--days", "30");
    expect(first.status, first.stderr).toBe(0);
    // Before: "--since/--days set the CloudTrail window: they need --cloudtrail", though the collection has it.
    const other = run("--resume", "--days", "90");
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(/^leastrole: .*cannot resume with another CloudTrail window: the collection was started with \S+ – \S+ \(30 days\), .*this run asks for \S+ – \S+ \(90 days\)/m);
    const same = run("--resume", "--days", "30");
    expect(same.status, same.stderr).toBe(0);
    expect(same.stderr).toMatch(/resuming the collection started at \S+ with --regions us-east-1 --cloudtrail s3:\/\/\S+, CloudTrail window \S+ – \S+ \(30 days\)/);
  });
});
