/**
 * Files named on the command line that leastrole cannot read, or reads only in part, through the
 * built CLI with the demo account: README's exit codes (2: an input error, the report still
 * written) and the usage they leave partial (no permission called unused). The same files met in
 * a folder are warnings, the usage partial, exit 0.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const root = packageRoot();
const cli = join(root, "dist", "cli.js");
const DEMO = join(root, "examples", "demo-account");
const TRAIL_DAY = join(DEMO, "cloudtrail", "AWSLogs", "111122223333", "CloudTrail", "us-east-1", "2026", "11", "23");

type Report = { summary: { partial: boolean }; findings: Array<{ ruleId: string; resource: { name: string }; evidence: { unused?: string[] } }>; warnings: Array<{ code: string; file?: string; message: string }> };

function audit(args: string[]) {
  const r = spawnSync(process.execPath, [cli, "audit", ...args, "--format", "json"], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 1 << 28 });
  return { code: r.status, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

/** The functions LR008 says have unused permissions. */
const unusedOf = (r: Report) => r.findings.filter((f) => f.ruleId === "LR008" && (f.evidence.unused ?? []).length > 0).map((f) => f.resource.name);

let work: string;
let delivery: string;

beforeAll(() => {
  if (!existsSync(cli)) throw new Error("build first: npm run build");
  work = mkdtempSync(join(tmpdir(), "lr-cli-named-"));
  delivery = readdirSync(TRAIL_DAY).find((n) => n.endsWith(".json.gz")) as string;
});

describe("a file named on the command line", () => {
  it("a CloudTrail log file cut short (a download that failed) is an input error: exit 2, the error names the file and the damage, the report is written", () => {
    // Before: warnings only, and exit 0: a CI gate passed on logs it had not read in full.
    const gz = readFileSync(join(TRAIL_DAY, delivery));
    const baseline = audit([DEMO]);
    expect(baseline.code, baseline.stderr).toBe(0);
    expect(unusedOf(baseline.report).length).toBeGreaterThan(0);
    for (const [name, bytes] of [
      // Under its delivery name, and renamed; half of it (records before the cut are read), and
      // only its first 300 bytes (none is).
      [delivery, gz.subarray(0, gz.length >> 1)],
      ["trail.json.gz", gz.subarray(0, gz.length >> 1)],
      ["head.json.gz", gz.subarray(0, 300)],
    ] as const) {
      const dir = mkdtempSync(join(work, "cut-"));
      const file = join(dir, name);
      writeFileSync(file, bytes);
      const r = audit([DEMO, file]);
      expect(r.code, `${name}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(`leastrole: error: ${file}: gzip stream is damaged (unexpected end of file)`);
      // One damage, one line: the JSON break the cut leaves is said in it, where the cut falls
      // (before, a second line "JSON breaks at byte 449 … inside record 0" came first).
      expect(r.stderr.split("\n").filter((l) => l.includes(file)), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(/the rest is lost: the cut falls inside record \d+; /);
      expect(r.stderr).toMatch(name === "head.json.gz" ? /named on the command line, it could not be read \(exit code 2\)/ : /named on the command line, only the 7 records before the damage could be read \(exit code 2\)/);
      expect(r.report.summary.partial).toBe(true);
      // What it holds is missing: nothing is called unused.
      expect(unusedOf(r.report), name).toEqual([]);
    }
  });

  it("JSON of a shape leastrole does not recognise is an input error, and the usage partial: it may have held activity data", () => {
    // `aws dynamodb scan` output: no input of leastrole's. Before: a warning, exit 0, and LR008
    // called permissions unused, as if the file held no activity.
    const scan = join(work, "scan.json");
    writeFileSync(scan, JSON.stringify({ Items: [{ pk: { S: "order#1" }, total: { N: "12" } }], Count: 1, ScannedCount: 1, ConsumedCapacity: null }, null, 4));
    const r = audit([DEMO, scan]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`leastrole: error: ${scan}: skipped: not an input leastrole reads`);
    expect(r.report.summary.partial).toBe(true);
    expect(unusedOf(r.report)).toEqual([]);
  });

  it("the CloudTrail console's Event history CSV: said what to export instead, the usage partial, named or in a folder", () => {
    // The console's column titles; the rows as it writes them for a function's calls.
    const csv = [
      "Event ID,Event time,User name,Event name,Resource type,Resource name,AWS access key,AWS region,Error code,Source IP address,Event source,Read-only",
      '"4c1f0a55-1b7e-4d0e-9a64-0d8b1f0c2f11","2026-11-23T21:04:10Z","billing-sync","Scan","AWS::DynamoDB::Table","billing","ASIAV4EXAMPLE7QXBMEA","us-east-1","","52.23.11.4","dynamodb.amazonaws.com","true"',
    ].join("\r\n");
    const named = join(mkdtempSync(join(work, "console-")), "event_history.csv");
    writeFileSync(named, csv);
    const r = audit([DEMO, named]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`leastrole: error: ${named}: the CloudTrail console's Event history download (CSV)`);
    expect(r.stderr).toContain("aws cloudtrail lookup-events");
    expect(unusedOf(r.report)).toEqual([]);
    // Saved beside the logs: before, skipped as "not a JSON file", and LR008 called permissions unused.
    const dir = mkdtempSync(join(work, "console-walked-"));
    cpSync(DEMO, dir, { recursive: true });
    writeFileSync(join(dir, "cloudtrail", "event_history.csv"), csv);
    const walked = audit([dir]);
    expect(walked.code, walked.stderr).toBe(0);
    expect(walked.report.warnings.filter((w) => w.code === "unrecognised-usage-file").map((w) => w.file)).toEqual([join(dir, "cloudtrail", "event_history.csv")]);
    expect(walked.report.summary.partial).toBe(true);
    expect(unusedOf(walked.report)).toEqual([]);
  });

  it("a function's list-function-url-configs cut by --max-items: the audit is partial, the warning names the file and the function, exit 0", () => {
    // Before: read as the function's every URL, summary.partial false, no warning: a public URL on
    // the missing page (LR012) went unreported.
    const file = join(mkdtempSync(join(work, "urls-")), "orders-api-urls.json");
    const page = {
      FunctionUrlConfigs: [
        {
          FunctionUrl: "https://abcdefghij.lambda-url.us-east-1.on.aws/",
          FunctionArn: "arn:aws:lambda:us-east-1:111122223333:function:orders-api:live",
          AuthType: "AWS_IAM",
          CreationTime: "2026-09-30T18:15:56.103557Z",
          LastModifiedTime: "2026-09-30T18:15:56.103557Z",
          InvokeMode: "BUFFERED",
        },
      ],
      NextToken: "eyJNYXJrZXIiOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ==",
    };
    writeFileSync(file, JSON.stringify(page, null, 4));
    const r = audit([DEMO, file]);
    expect(r.report.summary.partial).toBe(true);
    const cut = r.report.warnings.filter((w) => w.code === "truncated-pagination");
    expect(cut.map((w) => w.file)).toEqual([file]);
    expect(cut[0]!.message).toContain("of function arn:aws:lambda:us-east-1:111122223333:function:orders-api");
    // Read whole, its last page says more follow: the inputs are partial, but the file was read, so
    // this is no input error (README's exit codes): a `warning:` line, exit 0. Before, it was printed
    // `leastrole: error:` while the command exited 0 (warning-groups.ts, stderrLabel).
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`leastrole: warning: ${file}: NextToken: `);
    expect(r.stderr).not.toContain("leastrole: error:");
    // The whole list (no token) is no warning.
    writeFileSync(file, JSON.stringify({ FunctionUrlConfigs: page.FunctionUrlConfigs }, null, 4));
    expect(audit([DEMO, file]).report.warnings.map((w) => w.code)).not.toContain("truncated-pagination");
  });

  it("the same files met in a folder are warnings: exit 0, the usage partial", () => {
    const dir = mkdtempSync(join(work, "walked-"));
    cpSync(DEMO, dir, { recursive: true });
    const day = join(dir, "cloudtrail", "AWSLogs", "111122223333", "CloudTrail", "us-east-1", "2026", "11", "23");
    const gz = readFileSync(join(day, delivery));
    writeFileSync(join(day, delivery), gz.subarray(0, gz.length >> 1));
    const r = audit([dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.report.warnings.filter((w) => w.code === "truncated-gzip").map((w) => w.file)).toEqual([join(day, delivery)]);
    expect(r.report.summary.partial).toBe(true);
    expect(unusedOf(r.report)).toEqual([]);
  });
});

/**
 * A folder that cannot be listed (EACCES). Tests run as root, which lists anything whatever its
 * mode: the CLI is then run as user nobody (setpriv), as a user without the permission is.
 */
function auditAsUser(args: string[]) {
  const argv = [cli, "audit", ...args, "--format", "json"];
  const asRoot = process.getuid?.() === 0;
  const r = asRoot
    ? spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, ...argv], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", HOME: tmpdir() }, maxBuffer: 1 << 28 })
    : spawnSync(process.execPath, argv, { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 1 << 28 });
  if (r.error) throw r.error;
  return { code: r.status, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

describe("severity, message and exit code agree: named on the command line or met in a folder", () => {
  it("a folder that cannot be listed: in a walk a warning (exit 0, the usage partial); named, an error (exit 2)", () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-cli-locked-"));
    cpSync(DEMO, dir, { recursive: true });
    const locked = join(dir, "cloudtrail", "locked");
    mkdirSync(locked);
    writeFileSync(join(locked, "x.json"), "{}");
    chmodSync(dir, 0o755);
    for (const d of readdirSync(dir, { recursive: true, withFileTypes: true })) chmodSync(join(d.parentPath, d.name), d.isDirectory() ? 0o755 : 0o644);
    chmodSync(locked, 0o000);
    try {
      // Before: "leastrole: error: …/locked: cannot list the folder …" and exit 0.
      const walked = auditAsUser([dir]);
      expect(walked.code, walked.stderr).toBe(0);
      expect(walked.stderr).toContain(`leastrole: warning: ${locked}: cannot list the folder: EACCES`);
      expect(walked.stderr).not.toContain("leastrole: error:");
      expect(walked.report.summary.partial).toBe(true);
      expect(unusedOf(walked.report)).toEqual([]);
      // Named itself: nothing of it is read, as for a named file that cannot be read.
      const named = auditAsUser([DEMO, locked]);
      expect(named.code, named.stderr).toBe(2);
      expect(named.stderr).toContain(`leastrole: error: ${locked}: cannot list the folder: EACCES`);
      expect(named.stderr).toContain("named on the command line, it could not be read (exit code 2)");
      expect(named.report.summary.partial).toBe(true);
    } finally {
      chmodSync(locked, 0o755);
    }
  });

  it("a collect manifest cut short: in a walk a warning (exit 0, the inputs partial); named, an error (exit 2)", () => {
    // The manifest `leastrole collect` writes (docs/collect.md), cut short as by a full disk.
    const dir = mkdtempSync(join(work, "manifest-"));
    cpSync(join(DEMO, "iam"), join(dir, "iam"), { recursive: true });
    const manifest = JSON.stringify({ manifestVersion: 1, kind: "leastrole-collect-manifest", account: { id: "111122223333", arn: "arn:aws:sts::111122223333:assumed-role/audit/x", partition: "aws" }, finishedAt: "2026-11-28T00:00:00Z", partial: false, reasons: [], calls: [] });
    const file = join(dir, "manifest.json");
    writeFileSync(file, manifest.slice(0, manifest.length - 20));
    // Before: "leastrole: error: …/manifest.json: cannot read the collect manifest" with exit 0.
    const walked = audit([dir]);
    expect(walked.code, walked.stderr).toBe(0);
    expect(walked.stderr).toContain(`leastrole: warning: ${file}: cannot read the collect manifest: `);
    expect(walked.stderr).not.toContain("leastrole: error:");
    expect(walked.report.summary.partial).toBe(true);
    const named = audit([dir, file]);
    expect(named.code, named.stderr).toBe(2);
    expect(named.stderr).toContain(`leastrole: error: ${file}: cannot read the collect manifest: `);
    expect(named.stderr).toContain("named on the command line, it could not be read (exit code 2)");
    expect(named.report.summary.partial).toBe(true);
  });

  it("an account export cut short: in a walk a warning (exit 0, the inputs partial); named, an error (exit 2)", () => {
    // The demo account's IAM export cut mid-document, as by a download or a full disk.
    const dir = mkdtempSync(join(work, "export-cut-"));
    cpSync(join(DEMO, "lambda"), join(dir, "lambda"), { recursive: true });
    mkdirSync(join(dir, "iam"));
    const file = join(dir, "iam", "get-account-authorization-details.json");
    const text = readFileSync(join(DEMO, "iam", "get-account-authorization-details.json"), "utf8");
    writeFileSync(file, text.slice(0, text.length >> 1));
    // Before: "leastrole: error: …/get-account-authorization-details.json: the JSON ends early …" with exit 0.
    const walked = audit([dir]);
    expect(walked.code, walked.stderr).toBe(0);
    expect(walked.stderr).toContain(`leastrole: warning: ${file}: the JSON ends early (truncated file?)`);
    expect(walked.stderr).not.toContain("leastrole: error:");
    expect(walked.report.summary.partial).toBe(true);
    const named = audit([dir, file]);
    expect(named.code, named.stderr).toBe(2);
    expect(named.stderr).toContain(`leastrole: error: ${file}: the JSON ends early (truncated file?)`);
    expect(named.stderr).toContain("named on the command line, it could not be read (exit code 2)");
    expect(named.report.summary.partial).toBe(true);
  });

  it("a CloudTrail digest file: named, an input error (exit 2) saying where the logs are; in a folder, a note", () => {
    // As CloudTrail writes them (CloudTrail User Guide, "CloudTrail digest file structure").
    const digest = {
      awsAccountId: "111122223333",
      digestStartTime: "2026-11-23T20:00:00Z",
      digestEndTime: "2026-11-23T21:00:00Z",
      digestS3Bucket: "org-trail-bucket",
      digestS3Object: "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/23/111122223333_CloudTrail-Digest_us-east-1_org-trail_us-east-1_20261123T210000Z.json.gz",
      digestPublicKeyFingerprint: "6ae0f6b5e4c3a0c6d1f2e7d9e0b5a4c3",
      digestSignatureAlgorithm: "SHA256withRSA",
      newestEventTime: "2026-11-23T20:59:00Z",
      oldestEventTime: "2026-11-23T20:00:00Z",
      previousDigestS3Bucket: null,
      previousDigestS3Object: null,
      previousDigestHashValue: null,
      previousDigestHashAlgorithm: null,
      previousDigestSignature: null,
      logFiles: [],
    };
    const dir = mkdtempSync(join(work, "digest-"));
    const file = join(dir, "111122223333_CloudTrail-Digest_us-east-1_org-trail_us-east-1_20261123T210000Z.json");
    writeFileSync(file, JSON.stringify(digest));
    // Alone: before, "nothing to audit: the inputs (cloudtrail) hold no Lambda functions" and exit 0.
    const alone = spawnSync(process.execPath, [cli, "audit", file], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(alone.status, alone.stderr).toBe(2);
    expect(alone.stderr).toContain(`leastrole: no inputs recognised in ${file}`);
    expect(alone.stderr).toContain("it holds hashes of log files, no events; give the log files, in the CloudTrail/ folder beside CloudTrail-Digest/");
    expect(alone.stderr).not.toContain("nothing to audit");
    // Beside the account: before, a note and exit 0.
    const beside = audit([DEMO, file]);
    expect(beside.code, beside.stderr).toBe(2);
    expect(beside.stderr).toContain(`leastrole: error: ${file}: a CloudTrail digest file`);
    expect(beside.stderr).toContain("named on the command line, nothing in it is used (exit code 2)");
    // Nothing is missing: the usage is not partial for it.
    expect(beside.report.summary.partial).toBe(false);
    // In a folder with the account: a note, exit 0.
    const walked = mkdtempSync(join(work, "digest-walked-"));
    cpSync(DEMO, walked, { recursive: true });
    writeFileSync(join(walked, "digest.json"), JSON.stringify(digest));
    const r = audit([walked]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain("leastrole: error:");
  });
});
