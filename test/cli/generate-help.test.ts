/** `leastrole generate --help` in generate's own words. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const cli = join(packageRoot(), "dist", "cli.js");

describe("generate --help", () => {
  it("says what --window-days does to the generated policy", () => {
    const r = spawnSync(process.execPath, [cli, "generate", "--help"], { encoding: "utf8", env: { ...process.env, COLUMNS: "200" } });
    // Before: audit's "days of usage needed before a permission can be called unused".
    expect(r.stdout.replace(/\s+/g, " ")).toContain("--window-days <days> the usage window in days: an action whose every call was before it is not granted (default: the config's usage.windowDays, else 30)");
  });
});
