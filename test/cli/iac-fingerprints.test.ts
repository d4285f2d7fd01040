/**
 * Finding fingerprints (and so SARIF partialFingerprints, which GitHub code scanning matches
 * alerts by) of IaC read without an account do not depend on how the inputs were spelled: a
 * relative or an absolute path, the folder the CLI runs in, the place of the checkout. They once
 * did: several IaC files each get a synthetic account `unknown-<hash>`, and the hash was of the
 * path as typed, so the same cdk.out gave three accounts (and ARNs, and fingerprints) from three
 * spellings, and every alert closed and reopened between a local run and CI.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const root = packageRoot();
const cli = join(root, "dist", "cli.js");
const CDK_SYNTH = join(root, "test", "iac", "fixtures", "cdk-synth");
const DIFF = join(root, "test", "iac", "fixtures", "diff");

interface Report {
  findings: Array<{ ruleId: string; fingerprint: string; resource: { arn: string } }>;
}
interface Sarif {
  runs: Array<{ results: Array<{ partialFingerprints: Record<string, string> }> }>;
}

function run(cwd: string, args: string[], format: "json" | "sarif"): string {
  const r = spawnSync(process.execPath, [cli, "audit", ...args, "--format", format], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 1 << 27 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

const fingerprints = (cwd: string, args: string[]): string[] =>
  (JSON.parse(run(cwd, args, "json")) as Report).findings.map((f) => `${f.ruleId} ${f.fingerprint} ${f.resource.arn}`).sort();

const sarifFingerprints = (cwd: string, args: string[]): string[] =>
  (JSON.parse(run(cwd, args, "sarif")) as Sarif).runs.flatMap((r) => r.results.map((x) => JSON.stringify(x.partialFingerprints))).sort();

let work: string;
beforeAll(() => {
  if (!existsSync(cli)) throw new Error("build first: npm run build");
  work = mkdtempSync(join(tmpdir(), "lr-iac-fingerprints-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("fingerprints of IaC read without an account", () => {
  it("a CDK assembly with an environment-agnostic stack: the same from a relative path, an absolute path, inside its folder and from another checkout", () => {
    const relative = fingerprints(root, [join("test", "iac", "fixtures", "cdk-synth", "cdk.out")]);
    // The environment-agnostic stack (Sandbox) has a synthetic account of its own: the case at stake.
    expect(relative.some((f) => /:unknown-[0-9a-f]{8}:/.test(f))).toBe(true);
    expect(fingerprints(root, [join(CDK_SYNTH, "cdk.out")])).toEqual(relative);
    expect(fingerprints(CDK_SYNTH, ["cdk.out"])).toEqual(relative);
    expect(fingerprints(join(CDK_SYNTH, "cdk.out"), ["."])).toEqual(relative);
    const checkout = join(work, "elsewhere", "cdk.out");
    cpSync(join(CDK_SYNTH, "cdk.out"), checkout, { recursive: true });
    expect(fingerprints(work, [join("elsewhere", "cdk.out")])).toEqual(relative);
    expect(sarifFingerprints(CDK_SYNTH, ["cdk.out"])).toEqual(sarifFingerprints(root, [join(CDK_SYNTH, "cdk.out")]));
  });

  it("templates given by name: the same from the repository root and from inside one template's folder", () => {
    const files = ["lambda-kinesis-lambda.yaml", "vpc-list-parameter.yaml", "permission-by-sub-arn.yaml"];
    const fromRoot = fingerprints(root, files.map((f) => join("test", "iac", "fixtures", "diff", f)));
    expect(fromRoot.length).toBeGreaterThan(0);
    expect(fromRoot.every((f) => /:unknown-[0-9a-f]{8}:/.test(f))).toBe(true);
    expect(fingerprints(DIFF, files)).toEqual(fromRoot);
    expect(fingerprints(join(root, "test"), files.map((f) => join(DIFF, f)))).toEqual(fromRoot);
  });

  it("two templates still get two accounts: one logical ID in each is two roles", () => {
    const a = join(work, "a");
    const b = join(work, "b");
    for (const d of [a, b]) cpSync(join(DIFF, "vpc-list-parameter.yaml"), join(d, "template.yaml"), { recursive: true });
    const arns = new Set(fingerprints(work, ["a/template.yaml", "b/template.yaml"]).map((f) => f.split(" ")[2]));
    expect(arns.size).toBe(2);
  });
});
