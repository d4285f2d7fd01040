/**
 * The shipped aggregation SQL through the package, as docs/usage.md ("Organisation scale") tells a
 * program that runs the query itself to take it: `ATHENA_TABLE_DDL`, `ATHENA_USAGE_QUERY`,
 * `LAKE_USAGE_QUERY`, `SECURITY_LAKE_USAGE_QUERY` and `SECURITY_LAKE_V1_USAGE_QUERY` are the text
 * `leastrole sql <name>` prints, and `renderUsageQuery` / `renderSecurityLakeQuery` fill them in.
 * They were exported by src/usage/index.ts only, which the package's exports map does not reach;
 * and the render functions threw a plain Error for a caller's bad value, which the README calls a
 * bug (a user's mistake is a LeastroleError with a stable code).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ATHENA_TABLE_DDL,
  ATHENA_USAGE_QUERY,
  InputError,
  LAKE_USAGE_QUERY,
  LeastroleError,
  REDACTED_VALUE,
  renderSecurityLakeQuery,
  renderUsageQuery,
  SECURITY_LAKE_USAGE_QUERY,
  SECURITY_LAKE_V1_USAGE_QUERY,
} from "../../src/index.js";
import { packageRoot } from "../../src/evaluate/locate.js";

const cli = join(packageRoot(), "dist", "cli.js");

function printed(name: string): string {
  if (!existsSync(cli)) throw new Error("build first: npm run build");
  const r = spawnSync(process.execPath, [cli, "sql", name], { encoding: "utf8", maxBuffer: 1 << 26 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

const withNewline = (s: string): string => (s.endsWith("\n") ? s : `${s}\n`);

describe("the aggregation SQL from the package", () => {
  it("is the SQL `leastrole sql` prints", () => {
    const shipped: Record<string, string> = {
      "athena-table": ATHENA_TABLE_DDL,
      "athena-usage": ATHENA_USAGE_QUERY,
      "lake-usage": LAKE_USAGE_QUERY,
      "security-lake-usage": SECURITY_LAKE_USAGE_QUERY,
      "security-lake-v1-usage": SECURITY_LAKE_V1_USAGE_QUERY,
    };
    for (const [name, text] of Object.entries(shipped)) expect(withNewline(text), name).toBe(printed(name));
  });

  it("fills in the placeholders", () => {
    const q = renderUsageQuery(ATHENA_USAGE_QUERY, { table: "db.cloudtrail_logs", start: "2026-10-01T00:00:00Z", end: "2026-10-31T00:00:00Z" });
    expect(q).toContain("db.cloudtrail_logs");
    expect(q).not.toMatch(/\{\{(table|start|end)\}\}/);
    const sl = renderSecurityLakeQuery(SECURITY_LAKE_USAGE_QUERY, { table: "db.mgmt", start: "2026-10-01T00:00:00Z", end: "2026-10-31T00:00:00Z", accounts: ["111122223333"] });
    expect(sl).toContain("db.mgmt");
    expect(sl).not.toMatch(/\{\{(table|start|end)\}\}/);
  });

  it("refuses a value that would break out of the SQL with an InputError, a user's mistake", () => {
    const o = { table: "db.mgmt", start: "2026-10-01T00:00:00Z", end: "2026-10-31T00:00:00Z" };
    const bad: Array<() => string> = [
      () => renderUsageQuery(ATHENA_USAGE_QUERY, { ...o, start: "2026' OR 1=1 --" }),
      () => renderUsageQuery(LAKE_USAGE_QUERY, { ...o, table: "x; drop table y" }),
      () => renderSecurityLakeQuery(SECURITY_LAKE_USAGE_QUERY, { ...o, accounts: ["1111"] }),
      () => renderSecurityLakeQuery(SECURITY_LAKE_USAGE_QUERY, { ...o, end: o.start }),
    ];
    for (const f of bad) {
      let thrown: unknown;
      try {
        f();
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(InputError);
      expect(thrown).toBeInstanceOf(LeastroleError);
      expect((thrown as InputError).code).toBe("input");
    }
  });

  it("exports the value collect writes in place of every environment variable's (docs/collect.md)", () => {
    expect(REDACTED_VALUE).toBe("");
  });
});
