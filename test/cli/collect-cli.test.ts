/**
 * `leastrole collect` flags that call nothing, as a user runs them (dist/cli.js). `--print-policy`: the policy of the collection
 * the other flags describe, so the identity that collects gets no more than that collection calls.
 * Found by the collect review: it printed every feature's statements (Athena's s3:PutObject, Config,
 * Lake…) whatever the flags, and S3 on "*" for `--cloudtrail s3://bucket/prefix`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { collectPolicy } from "../../src/collect/index.js";
import { packageRoot } from "../../src/evaluate/locate.js";

const cli = join(packageRoot(), "dist", "cli.js");

function printPolicy(...flags: string[]) {
  const r = spawnSync(process.execPath, [cli, "collect", "--print-policy", ...flags], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { Statement: Array<{ Sid: string; Action: string[]; Resource: string | string[]; Condition?: unknown }> };
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error("build first: npm run build");
});

describe("collect --print-policy", () => {
  it("without a feature flag prints every feature's statements (the documented policy)", () => {
    expect(printPolicy()).toEqual(collectPolicy());
    expect(printPolicy("--regions", "us-east-1,eu-west-1")).toEqual(collectPolicy());
  });

  it("with --cloudtrail s3://bucket/prefix prints the inventory, the trails' selectors and S3 scoped to that bucket and prefix only", () => {
    const policy = printPolicy("--regions", "us-east-1", "--cloudtrail", "s3://acme-trail-logs/org/");
    expect(policy.Statement.map((s) => s.Sid)).toEqual([
      "LeastroleCollectInventory",
      "LeastroleCollectCloudTrailS3List",
      "LeastroleCollectCloudTrailS3Read",
      "LeastroleCollectCloudTrailTrails",
    ]);
    const s3 = policy.Statement.filter((s) => s.Sid.startsWith("LeastroleCollectCloudTrailS3"));
    expect(s3).toEqual([
      { Sid: "LeastroleCollectCloudTrailS3List", Effect: "Allow", Action: ["s3:ListBucket"], Resource: "arn:aws:s3:::acme-trail-logs", Condition: { StringLike: { "s3:prefix": ["org/*"] } } },
      { Sid: "LeastroleCollectCloudTrailS3Read", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::acme-trail-logs/org/*" },
    ]);
    const actions = policy.Statement.flatMap((s) => s.Action);
    expect(actions).not.toContain("s3:PutObject");
    expect(actions).not.toContain("athena:StartQueryExecution");
  });

  it("each feature flag adds its own statement: --regions all, --access-advisor, --access-analyzer, lookup", () => {
    const sids = (...flags: string[]) => printPolicy(...flags).Statement.map((s) => s.Sid);
    expect(sids("--regions", "all", "--access-advisor")).toEqual(["LeastroleCollectInventory", "LeastroleCollectEnabledRegions", "LeastroleCollectAccessAdvisor"]);
    expect(sids("--access-analyzer", "--cloudtrail", "lookup")).toEqual(["LeastroleCollectInventory", "LeastroleCollectAccessAnalyzer", "LeastroleCollectCloudTrailLookup"]);
    expect(sids("--config-aggregator", "org-inventory")).toEqual(["LeastroleCollectInventory", "LeastroleCollectConfigAggregator"]);
  });

  it("README's quick-start line prints the statements of the collection on the line after it", () => {
    const readme = readFileSync(join(packageRoot(), "README.md"), "utf8").split("\n");
    const i = readme.findIndex((l) => l.startsWith("npx leastrole collect --print-policy "));
    expect(i).toBeGreaterThan(0);
    const args = (line: string) => (line.split("#")[0] ?? "").replace(/>.*$/, "").trim().split(/\s+/).slice(3);
    const printed = args(readme[i] as string);
    const next = args(readme[i + 1] as string);
    // The same collection: the flags after --print-policy are the next line's but --out.
    expect(printed.slice(1)).toEqual(next.filter((a, k) => a !== "--out" && next[k - 1] !== "--out"));
    expect(printPolicy(...printed.slice(1)).Statement.map((s) => s.Sid)).toEqual([
      "LeastroleCollectInventory",
      "LeastroleCollectEnabledRegions",
      "LeastroleCollectCloudTrailLookup",
    ]);
  });

  it("with athena:…?output=s3://… scopes the results statement to that location, and adds no S3-copy or Lake statement", () => {
    const policy = printPolicy("--cloudtrail", "athena:trails.cloudtrail_logs?output=s3://acme-athena/leastrole/");
    expect(policy.Statement.map((s) => s.Sid)).toEqual([
      "LeastroleCollectInventory",
      "LeastroleCollectCloudTrailAthena",
      "LeastroleCollectCloudTrailAthenaCatalog",
      "LeastroleCollectCloudTrailAthenaReadLogs",
      "LeastroleCollectCloudTrailAthenaWriteResults",
      "LeastroleCollectCloudTrailTrails",
    ]);
    expect(policy.Statement.find((s) => s.Sid === "LeastroleCollectCloudTrailAthenaWriteResults")?.Resource).toEqual([
      "arn:aws:s3:::acme-athena",
      "arn:aws:s3:::acme-athena/leastrole/*",
    ]);
  });
});

describe("collect's flag errors", () => {
  it("--days 0 says what a valid value is (found by the collect review: \"must be a whole number of days (got 0)\", and 0 is one)", () => {
    for (const days of ["0", "-3", "1.5", "thirty"]) {
      const r = spawnSync(process.execPath, [cli, "collect", "--out", "never-made", "--cloudtrail", "lookup", "--days", days], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(`leastrole: --days must be a whole number of days, 1 or more (got ${days})\n`);
    }
  });
});
