/**
 * What `leastrole generate`, `diff` and `rules` print for a reader, through the built CLI: a
 * function not found lists those there are; generate's warnings are marked as warnings and the
 * advice several functions share is said once; the diff and rules tables fit the terminal.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const root = packageRoot();
const cli = join(root, "dist", "cli.js");
const demo = join("examples", "demo-account");

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...env }, maxBuffer: 1 << 28 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error("build first: npm run build");
});

describe("generate --function with a name that is not there", () => {
  it("lists the functions there are, sorted, when no name is near", () => {
    const r = run(["generate", demo, "--function", "nope"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("leastrole: function nope is not in the document (5 functions): they are billing-sync, image-resizer, orders-api, orders-worker, reports-generator");
  });

  it("suggests the closest name when one is near", () => {
    const r = run(["generate", demo, "--function", "orders-ap"]);
    expect(r.stderr).toMatch(/did you mean "orders-api"\?/);
  });
});

/** The words of a text, whatever its line breaks and indents. */
const words = (text: string) => text.split(/\s+/).filter((w) => w !== "");

describe("diff's and rules' tables fit the terminal", () => {
  it("diff wraps each line to COLUMNS when piped, losing no word; a change's continuation sits under its label", () => {
    // The IAM export alone against the whole demo account: changes whose line held an ARN and its file ran past 300 columns.
    const args = ["diff", join(demo, "iam"), demo];
    const wide = run(args, { COLUMNS: "1000" });
    const narrow = run(args, { COLUMNS: "80" });
    expect(narrow.code, narrow.stderr).toBe(0);
    expect(Math.max(...wide.stdout.split("\n").map((l) => l.length))).toBeGreaterThan(150);
    const long = narrow.stdout.split("\n").filter((l) => l.length > 80);
    expect(long).toEqual([]);
    expect(words(narrow.stdout)).toEqual(words(wide.stdout));
    expect(narrow.stdout).toMatch(/\n {2}\+ added {4}[^\n]+\n {13}\S/);
  });

  it("rules wraps the titles under their column at 80", () => {
    const wide = run(["rules"], { COLUMNS: "1000" });
    const narrow = run(["rules"], { COLUMNS: "80" });
    expect(narrow.code).toBe(0);
    expect(Math.max(...wide.stdout.split("\n").map((l) => l.length))).toBeGreaterThan(80);
    expect(narrow.stdout.split("\n").filter((l) => l.length > 80)).toEqual([]);
    expect(words(narrow.stdout)).toEqual(words(wide.stdout));
    expect(narrow.stdout).toMatch(/\n {49}\S/);
  });
});
