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
