/**
 * What a new user feeds the built CLI by mistake, and the flags they try first: each gives one
 * clear line naming what is wrong, the exit code README documents, and never a report that reads
 * as more than was judged.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const root = packageRoot();
const cli = join(root, "dist", "cli.js");
const DEMO = join(root, "examples", "demo-account");
let work: string;

function run(args: string[], cwd = work) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 1 << 28 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// A digest file as CloudTrail delivers it (CloudTrail User Guide, "CloudTrail digest file
// structure"), under the key it is delivered at.
const DIGEST_KEY = ["AWSLogs", "111122223333", "CloudTrail-Digest", "us-east-1", "2026", "11", "23", "111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20261123T235500Z.json.gz"];
const DIGEST = {
  awsAccountId: "111122223333",
  digestStartTime: "2026-11-23T22:55:00Z",
  digestEndTime: "2026-11-23T23:55:00Z",
  digestS3Bucket: "amzn-s3-demo-bucket",
  digestS3Object: DIGEST_KEY.join("/"),
  digestPublicKeyFingerprint: "31e8b5433410dfb61a9dc45cc65b22ff",
  digestSignatureAlgorithm: "SHA256withRSA",
  newestEventTime: "2026-11-23T23:52:27Z",
  oldestEventTime: "2026-11-23T23:02:27Z",
  previousDigestS3Bucket: null,
  previousDigestS3Object: null,
  previousDigestHashValue: null,
  previousDigestHashAlgorithm: null,
  previousDigestSignature: null,
  logFiles: [{ s3Bucket: "amzn-s3-demo-bucket", s3Object: "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/23/x.json.gz", hashValue: "9bb6196fc6b84d6f075a56548feca262bd99ba3c2de41b618e5b6e22c1fc71f6", hashAlgorithm: "SHA-256", newestEventTime: "2026-11-23T23:52:27Z", oldestEventTime: "2026-11-23T23:02:27Z" }],
};

beforeAll(() => {
  if (!existsSync(cli)) throw new Error("build first: npm run build");
  work = mkdtempSync(join(tmpdir(), "lr-cli-first-hour-"));
});

describe("a new user's mistakes", () => {
  it("a file that cannot be read is said once, last, with the exit code", () => {
    const empty = join(work, "empty.json");
    writeFileSync(empty, "");
    const r = run(["audit", DEMO, empty]);
    expect(r.code).toBe(2);
    // Before: the same line twice, once as an input warning and once with the exit code.
    const lines = r.stderr.split("\n").filter((l) => l.includes(empty));
    expect(lines).toEqual([`leastrole: error: ${empty}: empty file (no bytes, or only white space): not an input; write it again; named on the command line, it could not be read (exit code 2)`]);
    expect(r.stderr).toContain("leastrole: note: the inputs are incomplete (see the errors below)");
  });

  it("`-` for standard input is refused as that, not as a missing file", () => {
    const r = run(["audit", "-"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("leastrole: -: standard input is not read: save it to a file (aws iam get-account-authorization-details > iam.json) and give the file\n");
  });

  it("a file of JSON null is JSON, said as holding nothing, not as 'not a JSON file'", () => {
    const file = join(work, "null.json");
    writeFileSync(file, "null\r\n");
    const r = run(["audit", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}: JSON null alone, not an object or array`);
    expect(r.stderr).not.toContain("does not start with");
  });

  it("the bucket's CloudTrail-Digest folder given for the logs says why nothing was read", () => {
    const account = join(work, "bucket", ...DIGEST_KEY.slice(0, 2));
    const file = join(work, "bucket", ...DIGEST_KEY);
    mkdirSync(join(file, ".."), { recursive: true });
    writeFileSync(file, gzipSync(JSON.stringify(DIGEST)));
    const r = run(["audit", account]);
    expect(r.code).toBe(2);
    // Before: "no inputs recognised in …" and nothing more.
    expect(r.stderr).toContain(`first problem: ${join(account, "CloudTrail-Digest")}: skipped: CloudTrail digest files (log file integrity validation: hashes of the log files, no events), not the logs: give the CloudTrail folder beside it`);
  });

  it("an account audited without activity data says which rules could not judge, and names a digest given for the logs", () => {
    const noLogs = run(["audit", join(DEMO, "iam"), join(DEMO, "lambda")]);
    expect(noLogs.code).toBe(0);
    expect(noLogs.stderr).toContain("leastrole: note: no activity data was read: unused permissions (LR008), denied calls (LR009) and wildcards that usage could narrow (LR017) are not judged");
    // An account read from AWS Config is a deployed account too: before, nothing was said.
    const fromConfig = run(["audit", join(import.meta.dirname, "../fixtures/aws-config/config-snapshot.json")]);
    expect(fromConfig.stderr).toContain("leastrole: note: no activity data was read: unused permissions (LR008)");
    const digest = join(work, "digest-only", ...DIGEST_KEY.slice(-1));
    mkdirSync(join(digest, ".."), { recursive: true });
    writeFileSync(digest, gzipSync(JSON.stringify(DIGEST)));
    const withDigest = run(["audit", join(DEMO, "iam"), join(DEMO, "lambda"), digest]);
    expect(withDigest.stderr).toContain("leastrole: note: no activity data was read (the CloudTrail digest file given holds no events: the logs are in the CloudTrail/ folder beside CloudTrail-Digest/)");
    // With the logs, nothing is said; under --quiet, neither.
    expect(run(["audit", DEMO]).stderr).not.toContain("no activity data");
    expect(run(["--quiet", "audit", join(DEMO, "iam"), join(DEMO, "lambda")]).stderr).toBe("");
  });

  it("`rules --format` takes only the formats it writes, and -f as the other commands", () => {
    const yaml = run(["rules", "--format", "yaml"]);
    // Before: the table, exit 0.
    expect(yaml.code).toBe(2);
    expect(yaml.stderr).toContain("argument 'yaml' is invalid. Allowed choices are table, json.");
    const json = run(["rules", "-f", "json"]);
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as Array<{ id: string }>).map((r) => r.id)).toContain("LR001");
  });

  it("the same export twice (a copy under another name) is read without conflict warnings", () => {
    const dir = mkdtempSync(join(work, "copies-"));
    cpSync(join(DEMO, "iam"), join(dir, "iam"), { recursive: true });
    cpSync(join(DEMO, "iam", "get-account-authorization-details.json"), join(dir, "iam export (1).json"));
    const r = run(["audit", dir, join(DEMO, "lambda"), join(DEMO, "cloudtrail")]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain("differs between");
  });

  it("`init` writes a starter that changes no result: LR001 still reads every default classification tag", () => {
    // The demo's shared role with its functions' classification under another of LR001's default keys.
    const account = mkdtempSync(join(work, "init-account-"));
    cpSync(DEMO, account, { recursive: true });
    for (const fn of ["orders-api", "orders-worker"]) {
      const file = join(account, "lambda", "us-east-1", "list-tags", `${fn}.json`);
      const tags = (JSON.parse(readFileSync(file, "utf8")) as { Tags: Record<string, string> }).Tags;
      tags.confidentiality = tags["data-classification"]!;
      delete tags["data-classification"];
      writeFileSync(file, JSON.stringify({ Tags: tags }));
    }
    const findings = (cwd: string) => {
      const r = run(["audit", account, "-f", "json", "--as-of", "2026-11-28"], cwd);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; message: string }> }).findings.map((f) => `${f.ruleId} ${f.message}`);
    };
    const bare = mkdtempSync(join(work, "no-config-"));
    const before = findings(bare);
    expect(before.filter((f) => f.startsWith("LR001 "))).toEqual([expect.stringContaining("which carry different data classifications")]);
    const started = mkdtempSync(join(work, "init-"));
    expect(run(["init"], started).code).toBe(0);
    // Before: the starter's sensitivity_tag_keys named three of the seven default keys, and the
    // role shared across classifications was no longer said to be.
    expect(findings(started)).toEqual(before);
  });

  it("a report of inputs that hold nothing to audit says so, not a clean 'No findings'", () => {
    const logs = join(DEMO, "cloudtrail");
    const table = run(["--quiet", "audit", logs]);
    expect(table.code, table.stderr).toBe(0);
    // Before: a green "No findings." (and Markdown's "no findings in 0 functions"), the stderr
    // note aside: under --quiet, or in a pull-request comment, it read as a clean account.
    expect(table.stdout).not.toContain("No findings.");
    expect(table.stdout.replace(/\s+/g, " ")).toContain("Nothing audited: the inputs hold no Lambda functions or IAM roles (give the account's exports, a Terraform plan or a template with them).");
    const markdown = run(["--quiet", "audit", logs, "-f", "markdown"]);
    expect(markdown.stdout.split("\n")[0]).toBe("## leastrole: nothing audited");
    const html = run(["--quiet", "audit", logs, "-f", "html"]);
    expect(html.stdout).toContain("<p>Nothing audited: the inputs hold no Lambda functions or IAM roles (give the account&#39;s exports, a Terraform plan or a template with them).</p>");
    expect(html.stdout).not.toContain("<p>No findings");
    // An account with functions and no finding is still "no findings".
    expect(run(["--quiet", "audit", join(DEMO, "iam"), join(DEMO, "lambda"), "-f", "markdown", "--as-of", "2026-11-28"]).stdout.split("\n")[0]).toMatch(/^## leastrole: \d+ findings in 5 functions$/);
  });

  it("the table fits the COLUMNS a shell sets when its output is piped", () => {
    const r = spawnSync(process.execPath, [cli, "audit", DEMO, "--as-of", "2026-11-28"], { cwd: work, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", COLUMNS: "80" } });
    expect(r.status, r.stderr).toBe(0);
    // Before: 100 columns whatever COLUMNS said (the width of a terminal is unknown through a pipe).
    expect(r.stdout.split("\n").filter((l) => l.length > 80)).toEqual([]);
    expect(r.stdout.split("\n").some((l) => l.length > 70)).toBe(true);
  });

  it("a CSV that is neither the usage query's rows nor Event history says what a CSV may be", () => {
    const file = join(work, "users.csv");
    writeFileSync(file, "id,name,email\r\n1,alice,alice@example.com\r\n");
    const r = run(["audit", file]);
    expect(r.code).toBe(2);
    // Before: "not a JSON file (it does not start with { or [)".
    expect(r.stderr).toContain(`${file}: not a JSON file (it does not start with { or [): CSV, but neither rows of the shipped usage query`);
  });

  it("a CloudTrail file cut in its first record says no record was counted, in words", () => {
    const file = join(work, "cut.json");
    writeFileSync(file, '{"Records":[{"eventVersion":"1.08","eventTime":"2026-11-23T00:00:00Z","eventSource":"s3.amazon');
    const r = run(["audit", join(DEMO, "iam"), join(DEMO, "lambda"), file]);
    expect(r.code).toBe(2);
    // Before: "the 0 records before it were counted".
    expect(r.stderr).toContain("inside record 0; no record before it, none counted");
    expect(r.stderr).not.toContain("the 0 records");
  });

  it("`explain` of a rule that no pack given holds says where a custom rule is found", () => {
    const r = run(["explain", "ACME001"]);
    expect(r.code).toBe(2);
    // Before: "`leastrole rules` lists them", which lists only the built-in rules without --rules.
    expect(r.stderr).toBe('leastrole: no rule "ACME001": `leastrole rules` lists them (a rule of your own pack: give the pack with --rules, or list it in the config\'s rules.packs)\n');
  });

  it("a command run without its required argument shows its usage and where the rest is", () => {
    // Before: "leastrole: missing required argument 'paths'", which says nothing of what to give.
    expect(run(["audit"])).toEqual({ code: 2, stdout: "", stderr: "leastrole: missing required argument 'paths': leastrole audit [options] <paths...> (leastrole audit --help)\n" });
    expect(run(["sql"]).stderr).toBe("leastrole: missing required argument 'query': leastrole sql [options] <query> (leastrole sql --help)\n");
    expect(run(["explain"]).stderr).toBe("leastrole: missing required argument 'rule': leastrole explain [options] <rule> (leastrole explain --help)\n");
    // Commander's other errors are one line too, its suggestion kept on it (before: on a line of its own).
    expect(run(["audit", DEMO, "--fromat", "json"]).stderr).toBe("leastrole: unknown option '--fromat' (did you mean --format?)\n");
  });

  it("`normalize --help` names the inputs `audit --help` does, which it reads the same", () => {
    const inputs = (command: string) => /\n {2}paths\s+([\s\S]*?)\n\nOptions:/.exec(run([command, "--help"]).stdout)?.[1]?.replace(/\s+/g, " ");
    expect(inputs("audit")).toContain("usage query rows");
    // Before: "AWS exports, CloudTrail logs, Terraform plans, CloudFormation/SAM templates".
    expect(inputs("normalize")).toBe(inputs("audit"));
    // A canonical document, which the old text left out, is read by normalize.
    const doc = join(work, "normalized.json");
    expect(run(["normalize", DEMO, "-o", doc]).code).toBe(0);
    const again = run(["normalize", doc]);
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { functions: unknown[] }).functions).toHaveLength(5);
  });
});
