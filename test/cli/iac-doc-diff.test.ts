/**
 * docs/iac.md's diff of the demo account against a template that narrows one of its roles, run as
 * the doc writes it in a clone: the doc's command named a `fix.yaml` it never showed, so the example
 * could not be run; it now names the template in the repository, and prints what the doc says.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const root = packageRoot();
const cli = join(root, "dist", "cli.js");

beforeAll(() => {
  if (!existsSync(cli)) throw new Error("build first: npm run build");
});

describe("docs/iac.md, reviewing a change against the demo account", () => {
  it("runs as written and prints the lines the doc shows", () => {
    const doc = readFileSync(join(root, "docs", "iac.md"), "utf8");
    const block = /```sh\n(leastrole diff examples\/demo-account [^\n]*)\n((?:#[^\n]*\n)+)```/.exec(doc);
    expect(block, "the demo account's diff block").not.toBeNull();
    const [command, expected] = [block![1]!, block![2]!];
    const args = command.split(/\s+/).slice(1);
    // Every path the command names is in the repository (before: fix.yaml, which nothing wrote).
    for (const path of args.filter((a) => /[/.]/.test(a) && !a.startsWith("-"))) expect(existsSync(join(root, path)), path).toBe(true);
    const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", COLUMNS: "100" } });
    expect(r.status, r.stderr).toBe(0);
    const lines = expected.split("\n").filter(Boolean).map((l) => l.replace(/^# ?/, ""));
    const out = r.stdout.split("\n");
    const start = out.indexOf(lines[0]!);
    expect(start, r.stdout).toBeGreaterThan(-1);
    expect(out.slice(start, start + lines.length)).toEqual(lines);
  });
});
