/**
 * Parameter values given to a template (`--parameter`, a samconfig's parameter_overrides) checked
 * as CloudFormation checks them before it deploys: a name the template does not declare, and a
 * value outside AllowedValues / AllowedPattern / MinLength / MaxLength / MinValue / MaxValue or not
 * a number for a Number, are refused with an error naming the template, the parameter, the value
 * and the constraint. Before, both were read without a word: `--parameter Envv=prod` audited the
 * dev stack (the default) for a user who asked for prod.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildDocument } from "../../src/audit/build-document.js";
import { diff } from "../../src/audit/diff.js";
import { InputError } from "../../src/errors.js";
import { packageRoot } from "../../src/evaluate/locate.js";

const root = packageRoot();
const cli = join(root, "dist", "cli.js");
const FIXTURES = join(root, "test", "iac", "fixtures");
const TEMPLATE = join(FIXTURES, "parameters", "constrained.yaml");
const SAM = join(FIXTURES, "sam-config");
const PLAN = join(FIXTURES, "terraform", "lambda-app.plan.json");
const work = mkdtempSync(join(tmpdir(), "lr-parameters-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function refusal(paths: string[], parameters: Record<string, string>): Promise<InputError> {
  const e = await buildDocument(paths, { iac: { parameters } }).then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(InputError);
  return e as InputError;
}

const roleNames = async (paths: string[], parameters: Record<string, string>): Promise<string[]> =>
  (await buildDocument(paths, { iac: { parameters } })).roles.map((r) => r.name).sort();

describe("a parameter the template does not declare", () => {
  it("is an input error naming it, the template and what the template declares", async () => {
    const e = await refusal([TEMPLATE], { Envv: "prod" });
    expect(e.message).toContain("--parameter Envv: no template given declares it");
    expect(e.message).toContain(`${TEMPLATE} declares ApiToken, Env, Prefix, Regions, RetentionDays`);
  });

  it("through the CLI: exit 2 and one line, not the default's stack", () => {
    const r = spawnSync(process.execPath, [cli, "audit", TEMPLATE, "--parameter", "Envv=prod", "--format", "json"], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^leastrole: --parameter Envv: no template given declares it.*declares ApiToken, Env, Prefix, Regions, RetentionDays\)$/)]);
  });

  it("with several templates, one declaring it is enough", async () => {
    expect(await roleNames([TEMPLATE, join(SAM, "template.yaml")], { Env: "prod", TableName: "orders-qa" })).toContain("orders-prod-fn");
    const e = await refusal([TEMPLATE, join(SAM, "template.yaml")], { Stagee: "qa" });
    expect(e.message).toContain(`${join(SAM, "template.yaml")} declares Stage, TableName`);
    expect(e.message).toContain(`${TEMPLATE} declares ApiToken`);
  });

  it("with no template at all (a Terraform plan) is an input error too: --parameter does not set Terraform variables", async () => {
    const e = await refusal([PLAN], { env: "prod" });
    expect(e.message).toContain("--parameter env: no CloudFormation template among the inputs");
  });

  it("in diff, one declared by either side's templates is fine; one neither declares is refused", async () => {
    const before = join(work, "before.yaml");
    writeFileSync(before, readFileSync(TEMPLATE, "utf8").replace(/  ApiToken:[\s\S]*?Default: '0123456789abcdef'\n/, ""));
    const r = await diff([before], [TEMPLATE], { iac: { parameters: { ApiToken: "fedcba9876543210" } } });
    expect(r.after.document.roles.map((x) => x.name)).toEqual(["orders-dev-fn"]);
    const e = await diff([before], [TEMPLATE], { iac: { parameters: { ApiTokenn: "x" } } }).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).message).toContain("--parameter ApiTokenn: no template given declares it");
  });
});

describe("a value outside its parameter's constraints", () => {
  it.each([
    [{ Env: "staging" }, "Env=staging (--parameter) must be one of AllowedValues [dev, prod]"],
    [{ Prefix: "Orders" }, "Prefix=Orders (--parameter) must match AllowedPattern [a-z][a-z0-9-]* (ConstraintDescription: lower-case letters, digits and hyphens, starting with a letter)"],
    [{ Prefix: "or" }, "Prefix=or (--parameter) must be at least MinLength 3 characters long (it has 2) (ConstraintDescription: lower-case letters, digits and hyphens, starting with a letter)"],
    [{ Prefix: "orders-archive-eu" }, "Prefix=orders-archive-eu (--parameter) must be at most MaxLength 12 characters long (it has 17) (ConstraintDescription: lower-case letters, digits and hyphens, starting with a letter)"],
    [{ RetentionDays: "0" }, "RetentionDays=0 (--parameter) must be at least MinValue 1"],
    [{ RetentionDays: "90" }, "RetentionDays=90 (--parameter) must be at most MaxValue 30"],
    [{ RetentionDays: "week" }, "RetentionDays=week (--parameter) must be a number (Type Number)"],
    [{ Regions: "eu-west-1, ap-south-1" }, 'Regions=eu-west-1, ap-south-1 (--parameter) member "ap-south-1" must be one of AllowedValues [eu-west-1, us-east-1]'],
  ])("%j is an input error naming the template, the parameter, the value and the constraint", async (parameters, message) => {
    const e = await refusal([TEMPLATE], parameters);
    expect(e.file).toBe(TEMPLATE);
    expect(e.path).toBe(`Parameters.${Object.keys(parameters)[0]}`);
    expect(e.message).toBe(`${message}: CloudFormation refuses it at deployment`);
  });

  it("a NoEcho parameter's value is never printed", async () => {
    const e = await refusal([TEMPLATE], { ApiToken: "hunter2" });
    expect(e.message).toBe("ApiToken (NoEcho: value not shown) (--parameter) must be at least MinLength 16 characters long (it has 7): CloudFormation refuses it at deployment");
    expect(String(e)).not.toContain("hunter2");
  });

  it("values within the constraints are read", async () => {
    expect(await roleNames([TEMPLATE], { Env: "prod", Prefix: "billing-2", RetentionDays: "30", Regions: "eu-west-1,us-east-1" })).toEqual(["billing-2-prod-fn"]);
  });
});

describe("a samconfig's parameter_overrides", () => {
  function project(name: string, overrides: string): string {
    const dir = join(work, name);
    cpSync(SAM, dir, { recursive: true });
    const config = readFileSync(join(dir, "samconfig.toml"), "utf8").replace(/parameter_overrides = .*/, `parameter_overrides = ${JSON.stringify(overrides)}`);
    writeFileSync(join(dir, "samconfig.toml"), config);
    const template = readFileSync(join(dir, "template.yaml"), "utf8").replace("  Stage:\n    Type: String\n", "  Stage:\n    Type: String\n    AllowedValues: [dev, prod]\n");
    writeFileSync(join(dir, "template.yaml"), template);
    return dir;
  }

  it("a value outside a constraint is an input error naming the samconfig", async () => {
    const dir = project("bad-stage", 'Stage="qa"');
    const e = await refusal([dir], {});
    expect(e.file).toBe(join(dir, "template.yaml"));
    expect(e.message).toBe(`Stage=qa (${join(dir, "samconfig.toml")} parameter_overrides) must be one of AllowedValues [dev, prod]: CloudFormation refuses it at deployment`);
    // A --parameter overrides it, as it overrides sam deploy's: then the flag's value is the one checked.
    expect((await buildDocument([dir], { iac: { parameters: { Stage: "prod" } } })).functions.map((f) => f.name)).toEqual(["orders-api-OrdersFunction"]);
  });

  it("a name the template does not declare is ignored, as sam deploy ignores it, and said", async () => {
    const dir = project("extra-name", 'Stage="prod" Stagee="qa"');
    const doc = await buildDocument([dir]);
    expect(doc.meta.warnings.filter((w) => w.code === "cloudformation-parameter-undeclared").map((w) => [w.severity, w.file, w.message])).toEqual([
      ["info", join(dir, "template.yaml"), `${join(dir, "samconfig.toml")} parameter_overrides sets Stagee, which this template does not declare: sam deploy ignores it, and so does this reading`],
    ]);
  });
});
