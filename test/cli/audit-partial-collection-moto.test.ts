/**
 * `leastrole audit` of a collection `leastrole collect` left partial, both run as a user runs them
 * (dist/cli.js) against moto's server: `collect --regions all` there is partial for real, since
 * moto does not implement account:ListRegions (collect falls back to its home region and says so).
 *
 * README's exit codes: 2 is an input the user named that cannot be read; a collection that did not
 * complete was read whole, and what its failed calls would have written is missing, as a file met
 * in a folder walk that cannot be read: a warning, the inputs partial, exit 0 (collect itself
 * exited 1). Before, audit printed `leastrole: error: … the collection is incomplete` and exited 0.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";
import { startMoto, TEST_CREDENTIALS, type MotoServer } from "../collect/support/moto.js";
import { outDirs } from "../collect/support/out-dirs.js";

const cli = join(packageRoot(), "dist", "cli.js");
let moto: MotoServer;
const { outDir, removeAll } = outDirs("leastrole-partial-collection-");

const env = (): NodeJS.ProcessEnv => ({
  ...process.env,
  NO_COLOR: "1",
  AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
  AWS_REGION: "us-east-1",
  AWS_PROFILE: "",
});

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error("build first: npm run build");
  moto = startMoto();
  const iam = new IAMClient({ endpoint: moto.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS });
  try {
    const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };
    await iam.send(new CreateRoleCommand({ RoleName: "orders-fn-role", AssumeRolePolicyDocument: JSON.stringify(trust) }));
  } finally {
    iam.destroy();
  }
});

afterAll(() => {
  moto?.stop();
  removeAll();
});

describe("audit of a partial collection", () => {
  it("is a warning naming the manifest, the report partial, exit 0: no 'error:' line with a zero exit", () => {
    const out = outDir();
    const collected = spawnSync(process.execPath, [cli, "collect", "--out", out, "--regions", "all", "--endpoint", moto.endpoint], { encoding: "utf8", env: env() });
    // The premise: collect finished partial (exit 1), for moto's missing account:ListRegions.
    expect(collected.status, collected.stderr).toBe(1);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { partial: boolean; reasons: string[] };
    expect(manifest.partial).toBe(true);
    expect(manifest.reasons.some((r) => r.startsWith("account:ListRegions failed"))).toBe(true);

    const report = join(out, "..", "report.json");
    const r = spawnSync(process.execPath, [cli, "audit", out, "--format", "json", "--output", report], { encoding: "utf8", env: env() });
    expect(r.status, r.stderr).toBe(0);
    const file = join(out, "manifest.json");
    expect(r.stderr).toContain(`leastrole: warning: ${file}: the collection is incomplete: account:ListRegions failed`);
    expect(r.stderr).not.toMatch(/^leastrole: error:/m);
    const json = JSON.parse(readFileSync(report, "utf8")) as { summary: { partial: boolean; roles: number }; warnings: Array<{ code: string; severity: string; file?: string }> };
    expect(json.summary.roles).toBe(1);
    expect(json.summary.partial).toBe(true);
    const partial = json.warnings.filter((w) => w.code === "collection-partial");
    expect(partial.length).toBe(manifest.reasons.length);
    expect(partial.every((w) => w.severity === "warning" && w.file === file)).toBe(true);
  });
});
