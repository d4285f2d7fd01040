/**
 * `collect --out <empty> --resume`: nothing to resume, so a new collection starts with the options
 * given, and says so before any error about those options. It had said only "no region", which
 * read as a problem of the collection the user meant to resume.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const cli = join(packageRoot(), "dist", "cli.js");

describe("collect --resume with nothing to resume", () => {
  it("says it starts a new collection, then what the options lack", () => {
    const out = join(mkdtempSync(join(tmpdir(), "lr-resume-nothing-")), "absent");
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: mkdtempSync(join(tmpdir(), "lr-home-")), AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "x", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" };
    const r = spawnSync(process.execPath, [cli, "collect", "--out", out, "--resume"], { encoding: "utf8", env, timeout: 60_000 });
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toEqual([`leastrole: nothing to resume in ${out} (no collection there): starting a new one with the options given`, "leastrole: no region: pass --regions, or set a region in the profile or AWS_REGION"]);
  });
});
