/**
 * Files and folders among the inputs that cannot be read (EACCES). Tests run as root, which reads
 * anything whatever its mode: node:fs is wrapped so that opening a path with DENIED in its name, or
 * listing a folder named locked, fails as it does for a user without the permission.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";

vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  const denied = (what: string, p: unknown): never => {
    throw Object.assign(new Error(`EACCES: permission denied, ${what} '${String(p)}'`), { code: "EACCES", errno: -13, syscall: what, path: String(p) });
  };
  const openSync = ((p: Parameters<typeof fs.openSync>[0], ...rest: unknown[]) =>
    String(p).includes("DENIED") ? denied("open", p) : (fs.openSync as (...a: unknown[]) => number)(p, ...rest)) as typeof fs.openSync;
  const readdirSync = ((p: Parameters<typeof fs.readdirSync>[0], ...rest: unknown[]) =>
    /[\\/]locked$/.test(String(p)) ? denied("scandir", p) : (fs.readdirSync as (...a: unknown[]) => unknown)(p, ...rest)) as typeof fs.readdirSync;
  return { ...fs, default: { ...fs, openSync, readdirSync }, openSync, readdirSync };
});

const { routeInputs } = await import("../../src/audit/route-inputs.js");
const { buildDocument } = await import("../../src/audit/build-document.js");

const dir = mkdtempSync(join(tmpdir(), "lr-unreadable-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const demo = join(import.meta.dirname, "../../examples/demo-account");

function write(path: string, data: string): string {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, data);
  return path;
}

const record = JSON.stringify({ Records: [{ eventVersion: "1.08", eventTime: "2026-11-20T00:00:00Z", eventSource: "s3.amazonaws.com", eventName: "GetObject", awsRegion: "us-east-1", eventID: "x-1" }] });

describe("routeInputs: paths that cannot be read", () => {
  it("what may have held activity data goes to the usage stage as unread; the rest is an error of the account inputs", async () => {
    const root = join(dir, "route");
    const day = join(root, "trail/AWSLogs/111111111111/CloudTrail/us-east-1/2026/11/15");
    const delivered = write(join(day, "111111111111_CloudTrail_us-east-1_20261115T0805Z_AbCdEf15.json.gz"), record);
    // Named as a delivery: its events are missing.
    const deniedDelivery = write(join(day, "111111111111_CloudTrail_us-east-1_20261115T0915Z_DENIED.json.gz"), record);
    // A folder of the CloudTrail tree that cannot be listed.
    mkdirSync(join(root, "trail/AWSLogs/111111111111/CloudTrail/us-east-1/2026/11/locked"), { recursive: true });
    // Any name, in a folder whose other files are activity data.
    const flat = write(join(root, "flat/copy.json"), record);
    const deniedFlat = write(join(root, "flat/DENIED-copy.json"), record);
    // Among account files only: no activity data there.
    const iam = write(join(root, "account/iam.json"), JSON.stringify({ RoleDetailList: [] }));
    const deniedAccount = write(join(root, "account/DENIED-lambda.json"), "{}");
    // Named on the command line beside activity data: what it held cannot be known.
    const deniedNamed = write(join(root, "DENIED-named.json"), record);
    const routed = await routeInputs([join(root, "trail"), join(root, "flat"), join(root, "account"), deniedNamed]);
    expect(routed.usage).toEqual([delivered, flat].sort());
    expect(routed.sources.map((s) => s.file)).toEqual([iam]);
    expect(routed.unreadUsage.map((u) => u.path).sort()).toEqual([deniedDelivery, join(root, "trail/AWSLogs/111111111111/CloudTrail/us-east-1/2026/11/locked"), deniedFlat, deniedNamed].sort());
    expect(routed.unreadUsage.find((u) => u.path === deniedDelivery)?.message).toMatch(/^cannot read: EACCES: permission denied, open /);
    expect(routed.unreadUsage.find((u) => u.path.endsWith("locked"))?.message).toMatch(/^cannot list the folder: EACCES: permission denied, scandir /);
    // Found in a folder walk: a warning (README: exit 0, the inputs partial), not an error.
    expect(routed.warnings).toEqual([{ code: "unreadable-file", severity: "warning", file: deniedAccount, message: `cannot read: EACCES: permission denied, open '${deniedAccount}'` }]);
    // Only the file named on the command line is marked so (an error of the usage stage, exit 2).
    expect(routed.unreadUsage.filter((u) => u.named === true).map((u) => u.path)).toEqual([deniedNamed]);
  });
});

describe("buildDocument: a CloudTrail file that cannot be read", () => {
  it("makes the usage partial, so that what it held is unknowable, not unused", async () => {
    // Before, the file was only noted: the demo's usage stayed complete, and its permissions unused.
    const trail = join(dir, "build/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20");
    const file = write(join(trail, "111122223333_CloudTrail_us-east-1_20261120T0805Z_DENIED.json.gz"), record);
    const asOf = "2026-11-28T00:00:00Z";
    const before = await buildDocument([demo], { asOf, workers: 1 });
    expect(before.usage.coverage.partial).toBe(false);
    const doc = await buildDocument([demo, join(dir, "build")], { asOf, workers: 1 });
    expect(doc.usage.coverage.partial).toBe(true);
    expect(doc.usage.coverage.partialReasons).toEqual([expect.stringContaining(`${file}: cannot read: EACCES`)]);
    // Met in a folder: a warning, the usage partial all the same.
    expect(doc.meta.warnings.filter((w) => w.file === file).map((w) => [w.code, w.severity])).toEqual([["unreadable-file", "warning"]]);
    expect(doc.meta.partial).toBe(true);
    const labels = doc.usage.labels.flatMap((l) => l.permissions.map((p) => p.label));
    expect(labels).not.toContain("unused");
    expect(labels).toContain("unknowable");
  });
});
