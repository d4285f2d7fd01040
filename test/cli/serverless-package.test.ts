/**
 * `leastrole audit <project>` on a Serverless Framework service as `serverless package` leaves it
 * (test/iac/fixtures/serverless-package: Serverless 3.40.0). Its serverless.yml is no template; the
 * compiled CloudFormation is in the hidden `.serverless/` folder, beside serverless-state.json,
 * which gives the region and stage the package was made for.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";
import { serverlessStateOptions } from "../../src/sources/cloudformation/index.js";

const cli = join(packageRoot(), "dist", "cli.js");
const fixture = join(packageRoot(), "test", "iac", "fixtures", "serverless-package");
const work = mkdtempSync(join(tmpdir(), "lr-sls-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Doc {
  functions: Array<{ name: string; arn: string; region: string; roleArn: string; logGroup: string | null }>;
  roles: Array<{ arn: string; name: string }>;
  meta: { warnings: Array<{ code: string; severity: string; file?: string; message: string }> };
}

function normalize(...args: string[]): Doc {
  const r = spawnSync(process.execPath, [cli, "normalize", ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).not.toMatch(/warning/);
  return JSON.parse(r.stdout) as Doc;
}

describe("a Serverless Framework service after serverless package", () => {
  it("reads the compiled template in .serverless/ when the project folder is given", () => {
    const doc = normalize(fixture);
    expect(doc.functions.map((f) => f.name)).toEqual(["orders-dev-api", "orders-dev-nightly", "orders-dev-stream", "orders-dev-upload", "orders-dev-worker"]);
    // serverless-state.json's region resolves the role's name (Fn::Join with AWS::Region); the two
    // templates (create-stack, update-stack) are one stack, so one unknown account.
    expect([...new Set(doc.functions.map((f) => f.roleArn))]).toHaveLength(1);
    expect(doc.functions[0]?.roleArn).toMatch(/^arn:aws:iam::unknown-[0-9a-f]{8}:role\/orders-dev-eu-west-1-lambdaRole$/);
    expect(new Set(doc.functions.map((f) => f.region))).toEqual(new Set(["eu-west-1"]));
    expect(doc.functions[0]?.arn).toMatch(/^arn:aws:lambda:eu-west-1:unknown-[0-9a-f]{8}:function:orders-dev-api$/);
    const said = Object.fromEntries(doc.meta.warnings.map((w) => [(w.file ?? "").slice(fixture.length + 1), w.message]));
    expect(said[".serverless/serverless-state.json"]).toBe(
      "skipped: Serverless Framework state (the compiled cloudformation-template-*-stack.json files are read, with the region and stack name it gives them)",
    );
    expect(said["serverless.yml"]).toBe("skipped: a Serverless Framework service's configuration; its compiled template is read from .serverless/ after `serverless package`");
  });

  it("takes the region and the stack's name from the state, and the account from --account-id", () => {
    const templates = [join(fixture, ".serverless", "cloudformation-template-update-stack.json"), join(fixture, ".serverless", "cloudformation-template-create-stack.json")];
    const options = serverlessStateOptions(templates);
    expect([...options.values()].map((o) => o.options)).toEqual([
      { region: "eu-west-1", stackName: "orders-dev" },
      { region: "eu-west-1", stackName: "orders-dev" },
    ]);
    const doc = normalize(fixture, "--account-id", "111122223333");
    expect(doc.roles.map((r) => r.arn)).toEqual(["arn:aws:iam::111122223333:role/orders-dev-eu-west-1-lambdaRole"]);
    // Without the state, the region is unknown and so is the role's name: its logical ID stands in.
    const bare = join(work, "no-state");
    cpSync(join(fixture, ".serverless", "cloudformation-template-update-stack.json"), join(bare, "cloudformation-template-update-stack.json"), { recursive: true });
    expect(normalize(bare).roles.map((r) => r.name)).toEqual(["IamRoleLambdaExecution"]);
  });

  it("says what to give instead when a service was not packaged, or a CDK app not synthesised", () => {
    const service = join(work, "not-packaged");
    cpSync(join(fixture, "serverless.yml"), join(service, "serverless.yml"), { recursive: true });
    cpSync(join(fixture, "handler.js"), join(service, "handler.js"));
    const r = spawnSync(process.execPath, [cli, "audit", service], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no inputs recognised .*first problem: .*serverless\.yml: skipped: a Serverless Framework service's configuration; its compiled template is read from \.serverless\/ after `serverless package`/);
    const app = join(work, "not-synthesised");
    cpSync(join(fixture, "handler.js"), join(app, "handler.js"), { recursive: true });
    writeFileSync(join(app, "cdk.json"), JSON.stringify({ app: "npx ts-node --prefer-ts-exts bin/app.ts" }));
    expect(spawnSync(process.execPath, [cli, "audit", app], { encoding: "utf8" }).stderr).toMatch(/first problem: .*cdk\.json: skipped: a CDK app's configuration; its templates are read from cdk\.out after `cdk synth`/);
  });

  it("says a project's own files are project files in a folder walk, and still warns when one is named", () => {
    const project = join(work, "cdk-project");
    cpSync(join(packageRoot(), "test", "iac", "fixtures", "cdk-synth", "cdk.out"), join(project, "cdk.out"), { recursive: true });
    for (const f of ["package.json", "package-lock.json", "tsconfig.json", "cdk.json", "cdk.context.json"]) writeFileSync(join(project, f), JSON.stringify({ name: "app", compilerOptions: {}, app: "npx ts-node bin/app.ts" }));
    const doc = normalize(project);
    expect(doc.meta.warnings.filter((w) => w.message.startsWith("skipped: a project file")).map((w) => (w.file ?? "").slice(project.length + 1))).toEqual([
      "cdk.context.json",
      "package-lock.json",
      "package.json",
      "tsconfig.json",
    ]);
    expect(doc.meta.warnings.find((w) => w.file === join(project, "cdk.json"))?.message).toBe("skipped: a CDK app's configuration; its templates are read from cdk.out after `cdk synth`");
    const named = spawnSync(process.execPath, [cli, "normalize", join(project, "package.json"), join(project, "cdk.out")], { encoding: "utf8", maxBuffer: 1 << 26 });
    expect(named.stderr).toMatch(/package\.json: skipped: not an input leastrole reads/);
  });
});
