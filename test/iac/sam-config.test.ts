/**
 * A SAM project's samconfig (test/iac/fixtures/sam-config): the stack name, region and parameter
 * values `sam deploy` uses, read beside its template; `--region` and `--parameter` override them as
 * they override `sam deploy`'s.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";
import { parseParameterOverrides, samConfigOptions } from "../../src/sources/cloudformation/index.js";

const cli = join(packageRoot(), "dist", "cli.js");
const fixture = join(packageRoot(), "test", "iac", "fixtures", "sam-config");
const work = mkdtempSync(join(tmpdir(), "lr-samconfig-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Doc {
  functions: Array<{ arn: string; roleArn: string }>;
  roles: Array<{ inlinePolicies: Array<{ document: { Statement: Array<{ Resource?: string[] }> } }> }>;
}

function normalize(...args: string[]): Doc {
  const r = spawnSync(process.execPath, [cli, "normalize", ...args], { encoding: "utf8", maxBuffer: 1 << 24 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Doc;
}
const tables = (doc: Doc) => doc.roles.flatMap((r) => r.inlinePolicies.flatMap((p) => p.document.Statement.flatMap((s) => s.Resource ?? [])));

describe("samconfig beside a SAM template", () => {
  it("parses parameter_overrides as the SAM CLI writes and takes them", () => {
    expect(parseParameterOverrides('TableName="orders-prod" Stage="prod"')).toEqual({ TableName: "orders-prod", Stage: "prod" });
    expect(parseParameterOverrides("A=1 B='two words' C=\"say \\\"hi\\\"\"")).toEqual({ A: "1", B: "two words", C: 'say "hi"' });
    expect(parseParameterOverrides("ParameterKey=Env,ParameterValue=prod ParameterKey=Size,ParameterValue=2")).toEqual({ Env: "prod", Size: "2" });
    expect(parseParameterOverrides(["TableName=t1", "Stage=qa"])).toEqual({ TableName: "t1", Stage: "qa" });
    expect(parseParameterOverrides(undefined)).toEqual({});
  });

  it("gives the template the default environment's deploy stack name, region and parameters", () => {
    const options = samConfigOptions([join(fixture, "template.yaml"), join(fixture, "README.md")]);
    expect([...options.keys()]).toEqual([resolve(fixture, "template.yaml")]);
    expect(options.get(resolve(fixture, "template.yaml"))?.options).toEqual({ stackName: "orders-api", region: "eu-central-1", parameters: { TableName: "orders-prod", Stage: "prod" } });
  });

  it("reads the deployed table, region and generated names, not the defaults", () => {
    const doc = normalize(fixture);
    expect(doc.functions.map((f) => [f.arn, f.roleArn])).toEqual([["arn:aws:lambda:eu-central-1:unknown:function:orders-api-OrdersFunction", "arn:aws:iam::unknown:role/orders-api-OrdersFunctionRole"]]);
    expect(tables(doc)).toEqual(["arn:aws:dynamodb:eu-central-1:${AWS::AccountId}:table/orders-prod", "arn:aws:dynamodb:eu-central-1:${AWS::AccountId}:table/orders-prod/index/*"]);
    // Without the configuration: the parameter's default, region unknown.
    const bare = join(work, "bare");
    cpSync(join(fixture, "template.yaml"), join(bare, "template.yaml"), { recursive: true });
    expect(tables(normalize(bare))[0]).toBe("arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/orders-dev");
  });

  it("lets --region and --parameter override it, as sam deploy's flags do", () => {
    const doc = normalize(fixture, "--region", "us-east-2", "--parameter", "TableName=orders-qa");
    expect(tables(doc)[0]).toBe("arn:aws:dynamodb:us-east-2:${AWS::AccountId}:table/orders-qa");
    expect(doc.functions[0]?.arn).toBe("arn:aws:lambda:us-east-2:unknown:function:orders-api-OrdersFunction");
  });

  it("reads samconfig.yaml too, applies only to the template it names, and ignores one it cannot parse", () => {
    const dir = join(work, "yaml");
    cpSync(fixture, dir, { recursive: true });
    rmSync(join(dir, "samconfig.toml"));
    writeFileSync(join(dir, "samconfig.yaml"), "version: 0.1\ndefault:\n  deploy:\n    parameters:\n      stack_name: billing\n      region: ap-south-1\n      template_file: other.yaml\n");
    expect(samConfigOptions([join(dir, "template.yaml")]).size).toBe(0);
    cpSync(join(dir, "template.yaml"), join(dir, "other.yaml"));
    expect(samConfigOptions([join(dir, "other.yaml")]).get(resolve(dir, "other.yaml"))?.options).toEqual({ stackName: "billing", region: "ap-south-1" });
    writeFileSync(join(dir, "samconfig.yaml"), "default: [unclosed");
    expect(samConfigOptions([join(dir, "other.yaml"), join(dir, "template.yaml")]).size).toBe(0);
  });
});
