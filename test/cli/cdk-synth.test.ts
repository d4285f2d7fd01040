/**
 * `leastrole audit cdk.out` on what `cdk synth` really writes (test/iac/fixtures/cdk-synth: aws-cdk-lib
 * 2.276.0, three instances of one stack: one in 111122223333/eu-west-1, one in a Stage in
 * 444455556666/us-east-1, one environment-agnostic; each with a nested stack). The templates name
 * their account and region only as AWS::AccountId / AWS::Region: the manifest says where each stack
 * deploys and what it is called, and the reader takes both from it.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";
import { cdkAssemblyOptions } from "../../src/sources/cloudformation/index.js";

const cli = join(packageRoot(), "dist", "cli.js");
const fixture = join(packageRoot(), "test", "iac", "fixtures", "cdk-synth", "cdk.out");
const work = mkdtempSync(join(tmpdir(), "lr-cdk-synth-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Doc {
  functions: Array<{ name: string; arn: string; accountId: string; region: string; roleArn: string; logGroup: string | null }>;
  roles: Array<{ arn: string }>;
  meta: { warnings: Array<{ code: string; severity: string; file?: string; message: string }> };
}

function normalize(dir: string): { doc: Doc; stderr: string } {
  const r = spawnSync(process.execPath, [cli, "normalize", dir], { encoding: "utf8", maxBuffer: 1 << 26 });
  expect(r.status, r.stderr).toBe(0);
  return { doc: JSON.parse(r.stdout) as Doc, stderr: r.stderr };
}

const NESTED = "NestedNestedStackNestedNestedStackResourceDEFDAA4D";

describe("a CDK cloud assembly as cdk synth writes it", () => {
  it("gives each template the account, region and stack name its manifest says, a nested stack its parent's", () => {
    const options = cdkAssemblyOptions([
      join(fixture, "OrdersStack.template.json"),
      join(fixture, "OrdersStackNestedB84F9012.nested.template.json"),
      join(fixture, "Sandbox.template.json"),
      join(fixture, "SandboxNestedAE8D6C5C.nested.template.json"),
      join(fixture, "assembly-Prod", "ProdOrdersStack2EDBF9CE.template.json"),
      join(fixture, "assembly-Prod", "ProdOrdersStackNested21266590.nested.template.json"),
    ]);
    const rel = (file: string) => file.slice(resolve(fixture).length + 1);
    expect(Object.fromEntries([...options].map(([file, o]) => [rel(file), o.options]))).toEqual({
      "OrdersStack.template.json": { accountId: "111122223333", region: "eu-west-1", stackName: "OrdersStack", nestedStacksRead: [NESTED] },
      // What the parent passes its nested stack (references to its resources, typed as ARNs, named by
      // their construct: the parent's logical IDs are not the nested template's).
      "OrdersStackNestedB84F9012.nested.template.json": {
        accountId: "111122223333",
        region: "eu-west-1",
        namePrefix: `OrdersStack-${NESTED}`,
        parameters: {
          referencetoOrdersStackKeyCF520566Arn: "arn:aws:kms:eu-west-1:111122223333:key/${OrdersStack/Key}",
          referencetoOrdersStackOrdersD9A4697FArn: "arn:aws:dynamodb:eu-west-1:111122223333:table/${OrdersStack/Orders}",
        },
      },
      // Environment-agnostic: its name only.
      "Sandbox.template.json": { stackName: "Sandbox", nestedStacksRead: [NESTED] },
      "SandboxNestedAE8D6C5C.nested.template.json": { namePrefix: `Sandbox-${NESTED}` },
      "assembly-Prod/ProdOrdersStack2EDBF9CE.template.json": { accountId: "444455556666", region: "us-east-1", stackName: "Prod-OrdersStack", nestedStacksRead: [NESTED] },
      "assembly-Prod/ProdOrdersStackNested21266590.nested.template.json": {
        accountId: "444455556666",
        region: "us-east-1",
        namePrefix: `Prod-OrdersStack-${NESTED}`,
        parameters: {
          referencetoProdOrdersStackKey79C0AAEAArn: "arn:aws:kms:us-east-1:444455556666:key/${Prod/OrdersStack/Key}",
          referencetoProdOrdersStackOrdersCDF949D1Arn: "arn:aws:dynamodb:us-east-1:444455556666:table/${Prod/OrdersStack/Orders}",
        },
      },
    });
    // A nested stack deploys with its parent: an environment-agnostic one shares its unknown account.
    expect(Object.fromEntries([...options].map(([file, o]) => [rel(file), rel(o.stackTemplate)]))).toMatchObject({
      "SandboxNestedAE8D6C5C.nested.template.json": "Sandbox.template.json",
      "assembly-Prod/ProdOrdersStackNested21266590.nested.template.json": "assembly-Prod/ProdOrdersStack2EDBF9CE.template.json",
    });
    // Files of no assembly are not in the map.
    expect(cdkAssemblyOptions([join(packageRoot(), "test", "iac", "fixtures", "cdk", "AppStack.template.json")]).size).toBe(0);
  });

  it("reads every stack's functions into their own account and region, named as CloudFormation starts their names", () => {
    const { doc, stderr } = normalize(fixture);
    // Twelve functions a stack (the CDK's own handlers included), none merged with another stack's.
    expect(doc.functions).toHaveLength(36);
    const where = (prefix: string) => [...new Set(doc.functions.filter((f) => f.name.startsWith(`${prefix}-`)).map((f) => `${f.accountId}/${f.region}`))];
    expect(where("OrdersStack")).toEqual(["111122223333/eu-west-1"]);
    expect(where("Prod-OrdersStack")).toEqual(["444455556666/us-east-1"]);
    expect(where("Sandbox")).toHaveLength(1);
    expect(where("Sandbox")[0]).toMatch(/^unknown-[0-9a-f]+\/unknown$/);
    const api = doc.functions.find((f) => f.name === "OrdersStack-ApiF70053CD");
    expect(api).toMatchObject({
      arn: "arn:aws:lambda:eu-west-1:111122223333:function:OrdersStack-ApiF70053CD",
      roleArn: "arn:aws:iam::111122223333:role/OrdersStack-ApiServiceRole1BD550DA",
      logGroup: "/aws/lambda/OrdersStack-ApiF70053CD*",
    });
    // The nested stack's function: its parent's account, named after the nested stack. The name
    // would pass Lambda's and IAM's 64 characters: the prefix is cut and a digest of it ends it.
    expect(doc.functions.find((f) => f.name.includes("NestedFn2B60CC45") && f.accountId === "111122223333")).toMatchObject({
      name: "OrdersStack-NestedNestedStackNestedNes-NestedFn2B60CC45-8ecaf3f6",
      roleArn: "arn:aws:iam::111122223333:role/OrdersStack-NestedNestedSta-NestedFnServiceRole828B1201-8ecaf3f6",
      // Its stack's name ends in a random suffix: the log group stays a pattern on the logical ID.
      logGroup: "/aws/lambda/${AWS::StackName}-NestedFn2B*",
    });
    // Every name fits (the CDK's own handlers' logical IDs are up to 70 characters), and no two
    // stacks' resources share one.
    expect(Math.max(...doc.functions.map((f) => f.name.length), ...doc.roles.map((r) => r.arn.slice(r.arn.lastIndexOf("/") + 1).length))).toBeLessThanOrEqual(64);
    expect(new Set(doc.roles.map((r) => r.arn)).size).toBe(36);
    // The assembly's other files are said once each, as info (the per-stack metadata and the
    // validation report are new in cdk.out since 2025).
    const said = doc.meta.warnings.filter((w) => w.severity !== "info").map((w) => [w.code, w.file, w.message]);
    expect(said).toEqual([]);
    expect(doc.meta.warnings.filter((w) => /metadata\.json$|validation-report\.json$/.test(w.file ?? "")).map((w) => w.message)).toEqual([
      "skipped: AWS CDK stack metadata (the stacks' *.template.json files are read, with the construct paths it gives their resources)",
      "skipped: AWS CDK stack metadata (the stacks' *.template.json files are read, with the construct paths it gives their resources)",
      "skipped: AWS CDK stack metadata (the stacks' *.template.json files are read, with the construct paths it gives their resources)",
      "skipped: AWS CDK policy validation report",
    ]);
    expect(stderr).not.toMatch(/warning/);
  });

  it("does not take a role of another stack's account as a reader of a function's environment (LR013)", () => {
    const r = spawnSync(process.execPath, [cli, "audit", fixture, "--format", "json", "--quiet"], { encoding: "utf8", maxBuffer: 1 << 26 });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; resource: { arn: string }; evidence: { readers?: Array<{ principalArn: string }> } }> };
    const readers = (arn: string) => report.findings.find((f) => f.ruleId === "LR013" && f.resource.arn === arn)?.evidence.readers?.map((x) => x.principalArn);
    // AmazonDynamoDBFullAccess grants lambda:GetFunctionConfiguration on *: the shared role of the
    // same account reads the API function's variables; Prod's (another account, no resource policy)
    // does not; the Sandbox's may be in the same account (it deploys wherever it is pointed).
    const orders = readers("arn:aws:lambda:eu-west-1:111122223333:function:OrdersStack-ApiF70053CD") ?? [];
    expect(orders).toContain("arn:aws:iam::111122223333:role/OrdersStack-SharedRoleD1D02F7E");
    expect(orders.filter((a) => a.includes("444455556666"))).toEqual([]);
    expect(orders.some((a) => a.endsWith(":role/Sandbox-SharedRoleD1D02F7E"))).toBe(true);
    expect(readers("arn:aws:lambda:us-east-1:444455556666:function:Prod-OrdersStack-ApiF70053CD")?.filter((a) => a.includes("111122223333"))).toEqual([]);
  });

  it("generates CloudFormation that keeps each role's logical ID, whatever the length of its name", () => {
    const r = spawnSync(process.execPath, [cli, "generate", fixture, "--format", "cloudformation"], { encoding: "utf8", maxBuffer: 1 << 26 });
    expect(r.status, r.stderr).toBe(0);
    // The first stack's (OrdersStack's) eleven roles are today's, by logical ID, their names left to
    // CloudFormation (no RoleName, which would replace the role).
    const template = JSON.parse(readFileSync(join(fixture, "OrdersStack.template.json"), "utf8")) as { Resources: Record<string, { Type: string; Properties: { Role?: { "Fn::GetAtt": [string, string] } } }> };
    const roleIds = [...new Set(Object.values(template.Resources).flatMap((x) => (x.Type === "AWS::Lambda::Function" && x.Properties.Role ? [x.Properties.Role["Fn::GetAtt"][0]] : [])))];
    expect(roleIds).toHaveLength(10); // eleven functions, two sharing one role
    for (const id of [...roleIds, "NestedFnServiceRole828B1201"]) expect(r.stdout).toMatch(new RegExp(`^  ${id}:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:`, "m"));
  });

  it("finds a nested stack's template through the asset manifest when synthesised without the CLI's asset metadata", () => {
    const out = join(work, "no-metadata");
    cpSync(fixture, out, { recursive: true });
    // As `node app.js` writes it without the CLI's context: no aws:asset:path on the nested stack.
    const parent = join(out, "OrdersStack.template.json");
    const template = JSON.parse(readFileSync(parent, "utf8")) as { Resources: Record<string, { Metadata?: Record<string, unknown> }> };
    const nested = template.Resources[NESTED];
    expect(nested?.Metadata?.["aws:asset:path"]).toBe("OrdersStackNestedB84F9012.nested.template.json");
    delete nested?.Metadata;
    writeFileSync(parent, JSON.stringify(template));
    expect(cdkAssemblyOptions([parent, join(out, "OrdersStackNestedB84F9012.nested.template.json")]).get(resolve(out, "OrdersStackNestedB84F9012.nested.template.json"))?.options).toEqual({
      accountId: "111122223333",
      region: "eu-west-1",
      namePrefix: `OrdersStack-${NESTED}`,
      parameters: expect.objectContaining({ referencetoOrdersStackOrdersD9A4697FArn: "arn:aws:dynamodb:eu-west-1:111122223333:table/${OrdersStack/Orders}" }),
    });
  });

  it("says a nested stack whose template is not read (missing from the folder, or the parent given alone) and marks the audit partial", () => {
    const out = join(work, "missing-nested");
    cpSync(fixture, out, { recursive: true });
    rmSync(join(out, "OrdersStackNestedB84F9012.nested.template.json"));
    const audit = (input: string) => {
      const r = spawnSync(process.execPath, [cli, "audit", input, "--format", "json"], { encoding: "utf8", maxBuffer: 1 << 26 });
      const report = JSON.parse(r.stdout) as { summary: { partial: boolean }; warnings: Array<{ code: string; file?: string; message: string }> };
      return { partial: report.summary.partial, nested: report.warnings.filter((w) => w.code === "cloudformation-nested-stack").map((w) => [w.file?.split(/[\\/]/).pop(), w.message.split(":")[0]]), stderr: r.stderr };
    };
    // Before: the nested stack's function was dropped without a word, the audit clean (partial false).
    const missing = audit(out);
    expect(missing.partial).toBe(true);
    expect(missing.nested).toEqual([["OrdersStack.template.json", NESTED]]);
    expect(missing.stderr).toContain("OrdersStackNestedB84F9012.nested.template.json");
    // The parent template alone, in the assembly's folder: its nested stack is not among the inputs.
    const alone = audit(join(fixture, "OrdersStack.template.json"));
    expect(alone.partial).toBe(true);
    expect(alone.nested).toEqual([["OrdersStack.template.json", NESTED]]);
    // The whole folder: every nested stack read, nothing said.
    const whole = audit(fixture);
    expect(whole.nested).toEqual([]);
    expect(whole.partial).toBe(false);
  });

  it("takes a manifest it cannot use as no manifest: unparsable, a template that is a folder, a nested path that leads nowhere", () => {
    const out = join(work, "odd");
    cpSync(fixture, out, { recursive: true });
    const parent = join(out, "OrdersStack.template.json");
    const template = JSON.parse(readFileSync(parent, "utf8")) as { Resources: Record<string, { Metadata?: Record<string, unknown> }> };
    (template.Resources[NESTED] as { Metadata: Record<string, unknown> }).Metadata = { "aws:asset:path": "." };
    writeFileSync(parent, JSON.stringify(template));
    expect(cdkAssemblyOptions([parent]).get(resolve(parent))?.options).toEqual({ accountId: "111122223333", region: "eu-west-1", stackName: "OrdersStack" });
    writeFileSync(join(out, "manifest.json"), "{ not json");
    expect(cdkAssemblyOptions([parent]).size).toBe(0);
    // A stack whose template is a folder, or outside the assembly: nothing for the templates given, no error.
    writeFileSync(join(out, "manifest.json"), JSON.stringify({ version: "55.0.0", artifacts: { S: { type: "aws:cloudformation:stack", environment: "aws://x/y", properties: { templateFile: "assembly-Prod" } } } }));
    expect(cdkAssemblyOptions([parent]).get(resolve(parent))).toBeUndefined();
    writeFileSync(join(out, "manifest.json"), JSON.stringify({ version: "55.0.0", artifacts: { S: { type: "aws:cloudformation:stack", environment: "aws://x/y", properties: { templateFile: "../../etc/passwd" } } } }));
    expect(cdkAssemblyOptions([parent]).size).toBe(0);
  });

  it("lets --account-id and --region fill in what an environment-agnostic stack leaves unknown, not override the manifest", () => {
    const r = spawnSync(process.execPath, [cli, "normalize", fixture, "--account-id", "777788889999", "--region", "ap-south-1"], { encoding: "utf8", maxBuffer: 1 << 26 });
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as Doc;
    const where = (prefix: string) => [...new Set(doc.functions.filter((f) => f.name.startsWith(`${prefix}-`)).map((f) => `${f.accountId}/${f.region}`))];
    expect(where("OrdersStack")).toEqual(["111122223333/eu-west-1"]);
    expect(where("Prod-OrdersStack")).toEqual(["444455556666/us-east-1"]);
    expect(where("Sandbox")).toEqual(["777788889999/ap-south-1"]);
  });
});

describe("findings on a CDK app name the construct to change", () => {
  const audit = (format: string): string => spawnSync(process.execPath, [cli, "audit", fixture, "--format", format, "--quiet"], { encoding: "utf8", maxBuffer: 1 << 26 }).stdout;

  it("in the JSON report: the template line, the logical ID and the construct path", () => {
    const report = JSON.parse(audit("json")) as { findings: Array<{ ruleId: string; resource: { name: string }; location: { file: string; line: number; address?: string; construct?: string } | null }> };
    const shared = report.findings.filter((f) => f.ruleId === "LR004").map((f) => [f.location?.file.replace(/^.*cdk\.out\//, ""), f.location?.address, f.location?.construct]);
    expect(shared).toEqual([
      ["OrdersStack.template.json", "SharedRoleD1D02F7E", "OrdersStack/SharedRole/Resource"],
      ["assembly-Prod/ProdOrdersStack2EDBF9CE.template.json", "SharedRoleD1D02F7E", "Prod/OrdersStack/SharedRole/Resource"],
      ["Sandbox.template.json", "SharedRoleD1D02F7E", "Sandbox/SharedRole/Resource"],
    ]);
    // Every finding on this app's resources has its construct: the CDK writes aws:cdk:path on each.
    expect(report.findings.filter((f) => f.location !== null && f.location.construct === undefined)).toEqual([]);
  });

  it("a finding on a statement: the construct that adds it (a DefaultPolicy, an AwsCustomResource's policy), its logical ID and the statement's line", () => {
    // cdk synth's own shape: aws:cdk:path metadata on every resource (the sweep's snapshots have
    // the manifest's only, test/iac/cdk-sweep.test.ts).
    const report = JSON.parse(audit("json")) as { findings: Array<{ ruleId: string; location: { file: string; line: number; address?: string; construct?: string } | null }> };
    const wildcards = report.findings.filter((f) => f.ruleId === "LR003" && f.location?.file.endsWith("/OrdersStack.template.json")).map((f) => [f.location?.construct, f.location?.address, f.location?.line]);
    expect(wildcards.sort()).toEqual([
      ["OrdersStack/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/ServiceRole/DefaultPolicy/Resource", "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8aServiceRoleDefaultPolicyADDA7DEB", 866],
      ["OrdersStack/ReadParam/CustomResourcePolicy/Resource", "ReadParamCustomResourcePolicyCD17C26E", 1786],
    ]);
    const sarif = JSON.parse(audit("sarif")) as { runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { region?: { startLine: number } }; logicalLocations: Array<{ fullyQualifiedName: string; kind: string }> }> }> }> };
    const declared = sarif.runs[0]?.results.filter((r) => r.ruleId === "LR003").flatMap((r) => r.locations.flatMap((l) => l.logicalLocations.filter((x) => x.kind === "declaration").map((x) => x.fullyQualifiedName)));
    expect(declared).toContain("Sandbox/ReadParam/CustomResourcePolicy/Resource");
    expect(declared).not.toContain("Sandbox/AWS679f53fac002430cb0da5b7982bd2287/ServiceRole/Resource");
  });

  it("in Markdown and SARIF", () => {
    expect(audit("markdown")).toContain("`OrdersStack/SharedRole/Resource`");
    const sarif = JSON.parse(audit("sarif")) as { runs: Array<{ results: Array<{ locations: Array<{ logicalLocations: Array<{ fullyQualifiedName: string; kind: string }> }> }> }> };
    const declared = sarif.runs[0]?.results.flatMap((r) => r.locations.flatMap((l) => l.logicalLocations.filter((x) => x.kind === "declaration").map((x) => x.fullyQualifiedName)));
    expect(declared).toContain("Prod/OrdersStack/SharedRole/Resource");
  });
});
