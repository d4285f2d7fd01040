/**
 * `leastrole sql security-lake-usage` as a user runs it (the built binary): the query with its
 * placeholders, filled in from the options, and a usage error (exit 2, one line) for values that
 * cannot be put in the SQL.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";
import { SECURITY_LAKE_USAGE_QUERY, SECURITY_LAKE_V1_USAGE_QUERY } from "../../src/usage/index.js";

const root = packageRoot();
const cli = join(root, "dist", "cli.js");
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });

beforeAll(() => {
  if (!existsSync(cli)) throw new Error("build first: npm run build");
});

describe("leastrole sql security-lake-usage", () => {
  it("prints each version's query with its placeholders", () => {
    for (const [name, sql] of [["security-lake-usage", SECURITY_LAKE_USAGE_QUERY], ["security-lake-v1-usage", SECURITY_LAKE_V1_USAGE_QUERY]] as const) {
      const r = run(["sql", name]);
      expect([r.status, r.stderr]).toEqual([0, ""]);
      expect(r.stdout).toBe(sql);
      for (const p of ["{{table}}", "{{s3_table}}", "{{lambda_table}}", "{{start}}", "{{end}}"]) expect(r.stdout).toContain(p);
    }
  });

  it("fills the query in from --table, --start, --end, --regions and --accounts, without the data-event sources not given", () => {
    const r = run(["sql", "security-lake-usage", "--table", "db.mgmt", "--lambda-table", "db.lambda", "--start", "2026-10-01T00:00:00Z", "--end", "2026-10-31T00:00:00Z", "--regions", "us-east-1,eu-west-1", "--accounts", "111122223333"]);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).not.toContain("{{");
    expect(r.stdout).toContain("FROM db.mgmt");
    expect(r.stdout).toContain("FROM db.lambda");
    expect(r.stdout).not.toContain("-- source: s3");
    expect(r.stdout).toContain("AND region IN ('us-east-1', 'eu-west-1') AND accountid IN ('111122223333')");
  });

  it("refuses, with exit code 2 and one line, options it cannot put in the SQL or a query they do not fill", () => {
    const cases: [string[], RegExp][] = [
      [["sql", "security-lake-usage", "--table", "db.mgmt", "--start", "2026-10-01", "--end", "2026-10-31T00:00:00Z"], /sql security-lake-usage: timestamp "2026-10-01" is not ISO 8601 UTC/],
      [["sql", "security-lake-usage", "--table", "db.mgmt; drop", "--start", "2026-10-01T00:00:00Z", "--end", "2026-10-31T00:00:00Z"], /table name "db.mgmt; drop" has characters that are not allowed/],
      [["sql", "security-lake-usage", "--table", "db.mgmt"], /--table, --start and --end are needed/],
      [["sql", "athena-usage", "--table", "db.mgmt"], /sql athena-usage takes no options/],
    ];
    for (const [args, message] of cases) {
      const r = run(args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});
