/**
 * `leastrole audit cdk.out`: a CDK cloud assembly as `cdk synth` writes it. Its stacks'
 * *.template.json are read; the manifest, construct tree, asset manifest and version marker are
 * recognised and said once each as info (they were each a warning listing every accepted input);
 * the staged assets (`asset.<sha256>/`, the function's code with its package.json) are not walked.
 * The assembly's files (test/iac/fixtures/cdk.out) are hand-written in the shapes of the CDK v2
 * cloud assembly schema 36, no CDK toolchain being installed here; its template is the CDK fixture
 * of the template reader's tests (test/iac/fixtures/cdk/README.md).
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const cli = join(packageRoot(), "dist", "cli.js");
const work = mkdtempSync(join(tmpdir(), "lr-cdk-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const ASSET = "0a1b2c3d".repeat(8);

describe("a CDK cloud assembly folder", () => {
  const out = join(work, "cdk.out");
  cpSync(join(packageRoot(), "test", "iac", "fixtures", "cdk.out"), out, { recursive: true });
  cpSync(join(packageRoot(), "test", "iac", "fixtures", "cdk", "AppStack.template.json"), join(out, "AppStack.template.json"));
  // The function's code as `Code.fromAsset("lambda")` stages it: a folder with its own JSON files.
  mkdirSync(join(out, `asset.${ASSET}`));
  writeFileSync(join(out, `asset.${ASSET}`, "package.json"), JSON.stringify({ name: "handler", version: "1.0.0", main: "index.js" }));
  writeFileSync(join(out, `asset.${ASSET}`, "index.js"), "exports.handler = async () => 1;\n");
  writeFileSync(join(out, `asset.${ASSET}.json`), JSON.stringify({ seed: [1, 2, 3] }));

  it("reads the stack's template, says what the other assembly files are, and leaves the assets alone", () => {
    const r = spawnSync(process.execPath, [cli, "normalize", out], { encoding: "utf8" });
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { functions: Array<{ roleArn: string }>; roles: Array<{ name: string; inlinePolicies: unknown[]; attachedPolicies: unknown[] }>; meta: { warnings: Array<{ code: string; severity: string; file?: string; message: string }> } };
    expect(doc.functions).toHaveLength(1);
    // The manifest names the stack (environment-agnostic: no account or region): CloudFormation
    // names the role <stack>-<logical ID>-<suffix>.
    expect(doc.roles.map((x) => [x.name, x.inlinePolicies.length, x.attachedPolicies.length])).toEqual([["AppStack-HandlerServiceRoleFCDC14AE", 1, 1]]);
    const said = doc.meta.warnings.map((w) => [w.code, w.severity, (w.file ?? "").slice(out.length + 1), w.message]);
    expect(said).toEqual([
      ["input-not-used", "info", "AppStack.assets.json", "skipped: AWS CDK asset manifest"],
      ["input-not-used", "info", "cdk.out", "skipped: AWS CDK cloud assembly version marker (cdk.out)"],
      ["input-not-used", "info", "manifest.json", "skipped: AWS CDK cloud assembly manifest (the stacks' *.template.json files are read, with the account, region, name and construct paths it gives each stack)"],
      ["input-not-used", "info", "tree.json", "skipped: AWS CDK construct tree (the stacks' *.template.json files are read)"],
    ]);
    // Nothing on stderr: no warning for the assembly's files or the staged code.
    expect(r.stderr).not.toMatch(/warning/);
  });
});
