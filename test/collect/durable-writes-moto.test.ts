/**
 * What `collect`'s manifest says was written is on disk after a power loss, and a write that fails
 * leaves nothing under the file's final name; --resume trusts both ("file exists" = "file is whole").
 *
 * A power loss cannot be caused here, so the first test watches the system calls the real CLI
 * makes against moto (strace, as .ci/run installs it): every file renamed into the out folder was
 * fsync'ed under its temporary name before the rename; before each write of the manifest, every
 * folder a file was renamed (or a folder made) into since the last manifest was fsync'ed; and the
 * manifest's own rename is followed by an fsync of the out folder. Before, no fsync was made: a
 * machine that lost power could come back with the manifest listing a file that is empty, zeros,
 * or not there, and --resume skipped it.
 *
 * And --resume does not trust a manifest over the files: one missing, empty or cut short is fetched
 * again (before, a cut ListFunctions file ended the resume with a SyntaxError).
 */

import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect, type CollectManifest } from "../../src/collect/index.js";
import { startMoto, TEST_CREDENTIALS, type MotoServer } from "./support/moto.js";
import { filesUnder, outDirs } from "./support/out-dirs.js";
import { seedAccount, seedTrailBucket, trailObject, trailRecord, TRAIL_BUCKET } from "./support/seed.js";

const straceWorks = spawnSync("strace", ["-qq", "-e", "trace=none", "true"]).status === 0;

let moto: MotoServer;
const { outDir, removeAll } = outDirs("leastrole-durable-");
const cli = join(import.meta.dirname, "../../src/cli/main.ts");
const env = { ...process.env, AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, AWS_REGION: "us-east-1", AWS_PROFILE: "" };
const trail = [
  trailObject("team/", "us-east-1", "2026-01-15T10:05", "AAAAAAAAAAAAAAAA", [trailRecord("2026-01-15T10:01:00Z", "GetItem", "1")]),
  trailObject("team/", "us-east-1", "2026-01-16T10:05", "BBBBBBBBBBBBBBBB", [trailRecord("2026-01-16T10:01:00Z", "PutItem", "2")]),
];

beforeAll(async () => {
  moto = startMoto();
  await seedAccount(moto.endpoint);
  await seedTrailBucket(moto.endpoint, trail);
});

afterAll(() => {
  moto?.stop();
  removeAll();
});

type Call = { kind: "fsync"; path: string } | { kind: "rename"; from: string; to: string };

/**
 * strace -f -y lines, in the order they happened: an fsync when it returned (`<... fsync resumed>`
 * for one another thread interrupted), a rename when it started. Failed calls are left out.
 */
function parseTrace(text: string): Call[] {
  const calls: Call[] = [];
  const pendingFsync = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const [, pid, rest] = m as unknown as [string, string, string];
    let f = /^f(?:data)?sync\(\d+<(.*)>\)\s+= 0$/.exec(rest);
    if (f) {
      calls.push({ kind: "fsync", path: f[1]! });
      continue;
    }
    f = /^f(?:data)?sync\(\d+<(.*)> <unfinished \.\.\.>$/.exec(rest);
    if (f) {
      pendingFsync.set(pid, f[1]!);
      continue;
    }
    if (/^<\.\.\. f(?:data)?sync resumed>\)\s+= 0$/.test(rest) && pendingFsync.has(pid)) {
      calls.push({ kind: "fsync", path: pendingFsync.get(pid)! });
      pendingFsync.delete(pid);
      continue;
    }
    const r = /^rename(?:at2?)?\((?:AT_FDCWD(?:<[^>]*>)?, )?"([^"]+)", (?:AT_FDCWD(?:<[^>]*>)?, )?"([^"]+)"(?:, \w+)?(?:\)\s+= 0| <unfinished \.\.\.>)$/.exec(rest);
    if (r) calls.push({ kind: "rename", from: r[1]!, to: r[2]! });
  }
  return calls;
}

describe.skipIf(!straceWorks)("collect's files and manifest, as the CLI writes them (strace)", () => {
  it("each file is fsync'ed before its rename, its folder before the manifest that lists it, and the manifest's folder after it", () => {
    const out = outDir();
    const log = join(dirname(out), "strace.log");
    const r = spawnSync(
      "strace",
      ["-f", "-qq", "-y", "-e", "trace=fsync,fdatasync,rename,renameat,renameat2", "-o", log, process.execPath, "--import", "tsx", cli, "-q", "collect", "--out", out, "--regions", "us-east-1", "--endpoint", moto.endpoint, "--cloudtrail", `s3://${TRAIL_BUCKET}/team/`, "--since", "2026-01-10"],
      { env, encoding: "utf8", timeout: 300_000 },
    );
    // Complete: moto's missing ListCapacityProviders is a note, not a reason (support/moto.ts).
    expect(r.status, r.stderr).toBe(0);
    const calls = parseTrace(readFileSync(log, "utf8")).filter((c) => (c.kind === "fsync" ? c.path : c.to).startsWith(dirname(out)));
    const manifestPath = join(out, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as CollectManifest;
    const written = manifest.calls.flatMap((c) => (c.status === "ok" ? c.files : []));
    expect(written.length).toBeGreaterThan(5);
    // The log files copied from S3 (written by writeAsync) are among the renames watched.
    expect(filesUnder(out, `cloudtrail/s3/${TRAIL_BUCKET}`)).toHaveLength(trail.length);

    const renames = calls.filter((c): c is Extract<Call, { kind: "rename" }> => c.kind === "rename");
    // Every file collect wrote (the manifest's and the log files) arrived by a rename from a temporary name.
    for (const f of [...written, ...trail.map((t) => `cloudtrail/s3/${TRAIL_BUCKET}/${t.key}`), "manifest.json"]) {
      expect(renames.some((c) => c.to === join(out, f)), f).toBe(true);
    }
    const synced = new Set<string>();
    // Folders with a rename (or a folder made in them) not yet fsync'ed.
    let unsynced = new Set<string>();
    let manifests = 0;
    for (const c of calls) {
      if (c.kind === "fsync") {
        synced.add(c.path);
        unsynced.delete(c.path);
        continue;
      }
      expect(synced.has(c.from), `${c.from} renamed to ${c.to} before it was fsync'ed`).toBe(true);
      if (c.to === manifestPath) {
        manifests++;
        expect([...unsynced], `folders renamed into, not fsync'ed before manifest.json was written`).toEqual([]);
      }
      unsynced.add(dirname(c.to));
      // A folder made since: the parents of the file's folders up to the out folder's parent.
      for (let d = dirname(c.to); d.length > out.length; d = dirname(d)) if (!synced.has(dirname(d))) unsynced.add(dirname(d));
    }
    expect(manifests).toBeGreaterThan(0);
    // The last manifest's rename is fsync'ed too (its folder), so it is not lost after it was reported.
    expect([...unsynced]).toEqual([]);
    expect(filesUnder(out).filter((f) => f.includes(".partial-"))).toEqual([]);
  }, 300_000);
});

describe.skipIf(!existsSync("/dev/full"))("a file whose write fails (disk full)", () => {
  it("is not under its final name, the call is failed in the manifest, and --resume fetches it again", async () => {
    const out = outDir();
    const options = { endpoint: moto.endpoint, credentials: TEST_CREDENTIALS, throttleBaseMs: 1, out, regions: ["us-east-1"] };
    const first = (await collect(options)).manifest;
    const rel = "lambda/us-east-1/list-tags/orders-processor.json";
    const id = "us-east-1/lambda:ListTags/orders-processor";
    expect(first.calls.find((c) => c.id === id)).toMatchObject({ status: "ok", files: [rel] });
    const file = join(out, ...rel.split("/"));
    const whole = readFileSync(file, "utf8");
    // The file is gone (so --resume fetches it again) and its next write fails as on a full disk:
    // the temporary name this process writes is /dev/full, where a write gets ENOSPC. Made once the
    // run has started, after --resume swept the temporary files an earlier run left.
    unlinkSync(file);
    const tmp = `${file}.partial-${process.pid}`;
    let planted = false;
    const plant = () => {
      if (!planted) symlinkSync("/dev/full", tmp);
      planted = true;
    };
    try {
      const failed = (await collect({ ...options, resume: true, onProgress: plant })).manifest;
      expect(planted).toBe(true);
      expect(failed.calls.find((c) => c.id === id)).toMatchObject({ status: "failed", files: [] });
      expect(failed.partial).toBe(true);
      expect(existsSync(file)).toBe(false);
      // Nothing left under the temporary name either (here: the link to /dev/full).
      expect(() => lstatSync(tmp)).toThrow(/ENOENT/);
    } finally {
      rmSync(tmp, { force: true });
    }
    const resumed = (await collect({ ...options, resume: true })).manifest;
    expect(resumed.calls.find((c) => c.id === id)).toMatchObject({ status: "ok", resumed: false, files: [rel] });
    expect(readFileSync(file, "utf8")).toBe(whole);
    expect(resumed.partial).toBe(false);
  }, 120_000);
});

describe("--resume with a manifest whose file is missing or damaged", () => {
  it("makes that call again instead of trusting the manifest: a file deleted, one cut short, one empty (what a crash leaves)", async () => {
    const out = outDir();
    const options = { endpoint: moto.endpoint, credentials: TEST_CREDENTIALS, throttleBaseMs: 1, out, regions: ["us-east-1"] };
    await collect(options);
    const path = (rel: string) => join(out, ...rel.split("/"));
    const damaged = {
      "global/iam:GetAccountAuthorizationDetails": "iam/get-account-authorization-details.json",
      "us-east-1/lambda:ListFunctions": "lambda/us-east-1/list-functions.json",
      "us-east-1/lambda:ListTags/orders-processor": "lambda/us-east-1/list-tags/orders-processor.json",
    };
    const before = Object.fromEntries(Object.values(damaged).map((rel) => [rel, readFileSync(path(rel), "utf8")]));
    writeFileSync(path(damaged["global/iam:GetAccountAuthorizationDetails"]), "");
    const list = before[damaged["us-east-1/lambda:ListFunctions"]]!;
    writeFileSync(path(damaged["us-east-1/lambda:ListFunctions"]), list.slice(0, list.length / 2));
    unlinkSync(path(damaged["us-east-1/lambda:ListTags/orders-processor"]));

    const resumed = (await collect({ ...options, resume: true })).manifest;
    const byId = new Map(resumed.calls.map((c) => [c.id, c]));
    for (const [id, rel] of Object.entries(damaged)) {
      expect(byId.get(id), id).toMatchObject({ status: "ok", resumed: false, files: [rel] });
      expect(readFileSync(path(rel), "utf8"), rel).toBe(before[rel]);
    }
    // The calls whose files are whole are carried over.
    expect(byId.get("us-east-1/lambda:GetPolicy/report-generator")).toMatchObject({ status: "ok", resumed: true });
    expect(byId.get("us-east-1/lambda:ListTags/report-generator")).toMatchObject({ status: "ok", resumed: true });
    expect(resumed.partial).toBe(false);
  }, 120_000);
});
