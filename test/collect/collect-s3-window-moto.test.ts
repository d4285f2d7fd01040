/**
 * `--cloudtrail s3://…` lists only the window's log files: the CloudTrail layout's folders are
 * walked with Delimiter "/", and each region folder is listed from the window's first day
 * (StartAfter) until past its last, against moto (which implements both for ListObjectsV2).
 *
 * Its own moto server, with pages of 10 keys (MOTO_S3_DEFAULT_MAX_KEYS; S3's are 1,000): the
 * bucket below holds ~700 objects, so listing all of them takes ~70 calls where the walk takes
 * ~15, the difference an organisation trail's bucket makes at scale (millions of keys).
 */

import { gzipSync } from "node:zlib";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect, type CollectManifest, type CollectOptions } from "../../src/collect/index.js";
import { pool } from "../../src/collect/run.js";
import { startFaultProxy, type FaultProxy } from "./support/fault-proxy.js";
import { notesBesidesCapacityProviders, startMoto, TEST_CREDENTIALS, type MotoServer } from "./support/moto.js";
import { filesUnder, outDirs } from "./support/out-dirs.js";

const BUCKET = "org-trail-window";
const ORG = "o-a1b2c3d4e5";
const ACCOUNTS = ["111111111111", "222222222222"];
const REGIONS = ["eu-west-1", "us-east-1"];
const PAGE = 10;
// Mid-day bounds: the 20 Dec is fetched (the day overlaps the window), and so is the 19 Jan.
const WINDOW = { since: "2025-12-20T12:00:00Z", until: new Date("2026-01-19T06:00:00Z") };
const DAY = 86_400_000;

let moto: MotoServer;
let proxy: FaultProxy;
const { outDir, removeAll } = outDirs("leastrole-collect-s3-window-");

const days = (from: string, to: string, step: number): string[] => {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += step * DAY) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
};

/** A log file's key as CloudTrail names it (`folder` is CloudTrail, CloudTrail-Digest, CloudTrail-Insight). */
function logKey(root: string, account: string, folder: string, region: string, day: string, n: number): string {
  const [y, m, d] = day.split("-");
  const kind = folder === "CloudTrail" ? "CloudTrail" : folder;
  return `${root}${account}/${folder}/${region}/${y}/${m}/${d}/${account}_${kind}_${region}_${day.replaceAll("-", "")}T${String(n).padStart(2, "0")}05Z_AAAAAAAAAAAAAAA${n % 10}.json.gz`;
}

const orgRoot = `org/AWSLogs/${ORG}/`;
/** The day of every event file seeded, by key. */
const eventFiles = new Map<string, string>();
const otherKeys: string[] = [];
for (const account of ACCOUNTS) {
  for (const region of REGIONS) {
    // Three years of weekly files, then the window's days and the days on either side of it.
    const logged = [...days("2023-01-02", "2025-12-15", 7), ...days("2025-12-19", "2026-01-20", 3), "2026-01-19", "2026-01-20", "2026-02-03"];
    for (const day of logged) eventFiles.set(logKey(orgRoot, account, "CloudTrail", region, day, 1), day);
    for (const day of ["2025-12-28", "2026-01-05"]) {
      otherKeys.push(logKey(orgRoot, account, "CloudTrail-Digest", region, day, 2));
      otherKeys.push(logKey(orgRoot, account, "CloudTrail-Insight", region, day, 3));
      otherKeys.push(`org/AWSLogs/${ORG}/${account}/elasticloadbalancing/${region}/${day.replaceAll("-", "/")}/${account}_elasticloadbalancing_${region}_app.lb.log.gz`);
    }
  }
}
// A sibling prefix (`org2/`, another trail's) and logs copied without CloudTrail's layout.
const org2Key = logKey(`org2/AWSLogs/`, ACCOUNTS[0] as string, "CloudTrail", "us-east-1", "2026-01-05", 4);
const copiedKeys = ["2025-11-30", "2025-12-21", "2026-01-10"].map((day) => `exports/CloudTrail/us-east-1/${day.replaceAll("-", "/")}/copied_${day}.json.gz`);

const windowDays = new Set(days("2025-12-20", "2026-01-19", 1));
/** The event files of the window under `prefix`, as collect writes them (what listing everything and filtering found). */
const expectedUnder = (prefix: string) =>
  [...eventFiles]
    .filter(([key, day]) => key.startsWith(prefix) && windowDays.has(day))
    .map(([key]) => `cloudtrail/s3/${BUCKET}/${key}`)
    .sort();

const body = gzipSync(JSON.stringify({ Records: [] }));

beforeAll(async () => {
  const before = process.env.MOTO_S3_DEFAULT_MAX_KEYS;
  process.env.MOTO_S3_DEFAULT_MAX_KEYS = String(PAGE);
  try {
    moto = startMoto();
  } finally {
    if (before === undefined) delete process.env.MOTO_S3_DEFAULT_MAX_KEYS;
    else process.env.MOTO_S3_DEFAULT_MAX_KEYS = before;
  }
  const s3 = new S3Client({ endpoint: moto.endpoint, credentials: TEST_CREDENTIALS, region: "us-east-1", forcePathStyle: true });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const keys = [...eventFiles.keys(), ...otherKeys, org2Key, ...copiedKeys];
    await pool(keys, 16, (Key) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: body })));
  } finally {
    s3.destroy();
  }
  proxy = await startFaultProxy(moto.endpoint, []);
}, 180_000);

afterAll(async () => {
  await proxy?.close();
  moto?.stop();
  removeAll();
});

const base = (): Omit<CollectOptions, "out"> => ({ endpoint: proxy.endpoint, credentials: TEST_CREDENTIALS, throttleBaseMs: 1, regions: ["us-east-1"], ...WINDOW });

/** Collect from `url`: the log files written, the ListObjectsV2 requests sent, and the manifest. */
async function collectLogs(url: string): Promise<{ logs: string[]; listCalls: number; manifest: CollectManifest }> {
  const out = outDir();
  proxy.seen.length = 0;
  const { manifest } = await collect({ ...base(), out, cloudtrail: url });
  const listCalls = proxy.seen.filter((s) => /^s3\/[^ ]+ GET \/[^?]+\?.*list-type=2/.test(s)).length;
  return { logs: filesUnder(out, "cloudtrail/s3"), listCalls, manifest };
}

const listEntry = (manifest: CollectManifest, url: string) => manifest.calls.find((c) => c.id === `global/s3:ListObjectsV2/${url}`);

describe("collect --cloudtrail s3://…: only the window's log files are listed", () => {
  it("an organisation trail's bucket: the window's event files, with far fewer list calls than listing every object", async () => {
    const url = `s3://${BUCKET}/org/`;
    const { logs, listCalls, manifest } = await collectLogs(url);
    const expected = expectedUnder("org/");
    // 2 accounts × 2 regions × 11 days in the window (every third day from 19 Dec, the 19 Jan).
    expect(expected).toHaveLength(2 * 2 * 11);
    expect(logs).toEqual(expected);
    // Listing every object under org/ takes ≥ 70 calls of 10 keys; the walk: org/, AWSLogs/, the
    // organisation, 2 accounts, 2 CloudTrail/ folders, then 2 pages of each of the 4 regions.
    expect(Math.ceil((eventFiles.size + otherKeys.length) / PAGE)).toBeGreaterThanOrEqual(70);
    expect(listCalls).toBeLessThanOrEqual(1 + 1 + 1 + 2 + 2 + 4 * 2);
    // One manifest entry for the source, as before: the window's objects, and every call made.
    expect(listEntry(manifest, url)).toMatchObject({ status: "ok", count: expected.length, attempts: listCalls });
    expect(manifest.calls.find((c) => c.id === `global/s3:GetObject/${url}`)).toMatchObject({ status: "ok", count: expected.length });
    expect(notesBesidesCapacityProviders(manifest).filter((n) => n.startsWith(url))).toEqual([]);
  });

  it("a prefix that names a region folder: that region's files of the window", async () => {
    const region = `${orgRoot}${ACCOUNTS[1]}/CloudTrail/us-east-1/`;
    const url = `s3://${BUCKET}/${region}`;
    const { logs, listCalls, manifest } = await collectLogs(url);
    expect(logs).toEqual(expectedUnder(region));
    expect(logs).toHaveLength(11);
    // From the window's first day: 2 pages of 10, not the region's ~170 keys.
    expect(listCalls).toBeLessThanOrEqual(2);
    expect(listEntry(manifest, url)).toMatchObject({ status: "ok", count: 11, attempts: listCalls });
  });

  it("a prefix without a trailing slash is a folder: s3://bucket/org does not take org2/", async () => {
    const url = `s3://${BUCKET}/org`;
    const { logs, manifest } = await collectLogs(url);
    expect(logs).toEqual(expectedUnder("org/"));
    expect(logs).not.toContain(`cloudtrail/s3/${BUCKET}/${org2Key}`);
    expect(listEntry(manifest, url)).toMatchObject({ status: "ok", count: 44 });
  });

  it("a layout it does not know: every object under the prefix is listed, and a note says so", async () => {
    const url = `s3://${BUCKET}/exports/`;
    const { logs, listCalls, manifest } = await collectLogs(url);
    // The copied files of the window, as the full listing finds them.
    expect(logs).toEqual([`cloudtrail/s3/${BUCKET}/exports/CloudTrail/us-east-1/2025/12/21/copied_2025-12-21.json.gz`, `cloudtrail/s3/${BUCKET}/exports/CloudTrail/us-east-1/2026/01/10/copied_2026-01-10.json.gz`]);
    // exports/ (its folders: CloudTrail/, not AWSLogs/), then exports/ in full.
    expect(listCalls).toBe(2);
    expect(listEntry(manifest, url)).toMatchObject({ status: "ok", count: 2, attempts: 2 });
    expect(notesBesidesCapacityProviders(manifest).filter((n) => n.startsWith(url))).toEqual([
      `${url}: no CloudTrail region folder (<prefix>AWSLogs/[<organization ID>/]<account ID>/CloudTrail/<region>/) was found under it, so every object under it was listed to find the window's log files; name the folder that holds AWSLogs/ (the trail's S3 key prefix) to list only the window's days`,
    ]);
    expect(manifest.partial).toBe(false);
  });

  it("the bucket itself, holding several prefixes: not walked into (above AWSLogs/ only the prefix named is), the full listing finds every trail's files", async () => {
    const url = `s3://${BUCKET}/`;
    const { logs, manifest } = await collectLogs(url);
    expect(logs).toEqual(
      [...expectedUnder(""), `cloudtrail/s3/${BUCKET}/${org2Key}`, ...[copiedKeys[1], copiedKeys[2]].map((k) => `cloudtrail/s3/${BUCKET}/${k}`)].sort(),
    );
    expect(notesBesidesCapacityProviders(manifest).some((n) => n.startsWith(`${url}: no CloudTrail region folder`))).toBe(true);
  });
});
