/**
 * AWS Config as an input: configuration snapshot and history files delivered to S3, and the
 * configservice API's outputs (get-resource-config-history, batch-get-(aggregate-)resource-config,
 * select-(aggregate-)resource-config). The fixtures (test/fixtures/aws-config/SOURCE.md) are
 * written to the shapes the AWS Config Developer Guide and API Reference give and to the property
 * names of awslabs/aws-config-resource-schema: delivered files name `ARN` and `awsAccountId`, the
 * API `arn` and `accountId`; the API writes `configuration` as a JSON string; IAM documents are
 * URL-encoded. Expected values are read off the fixtures, never copied from leastrole's output.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { auditDocument } from "../../src/audit/audit-document.js";
import { buildDocument } from "../../src/audit/build-document.js";
import { routeInputs } from "../../src/audit/route-inputs.js";
import type { PolicyDocument } from "../../src/model/document.js";
import { readSourceBytes } from "../../src/sources/read-sources.js";
import type { SourceFragment } from "../../src/sources/types.js";
import { normalize } from "../normalize/checked.js";
import { readValue } from "./helpers.js";

const DIR = new URL("../fixtures/aws-config/", import.meta.url).pathname;
const fixture = (name: string) => join(DIR, name);
const json = (name: string) => JSON.parse(readFileSync(fixture(name), "utf8")) as Record<string, unknown>;

function read(name: string): SourceFragment {
  const file = fixture(name);
  const { fragment, warnings } = readSourceBytes(file, readFileSync(file), { explicit: true });
  if (!fragment) throw new Error(`${name} not read: ${JSON.stringify(warnings)}`);
  return fragment;
}

const tmp = mkdtempSync(join(tmpdir(), "lr-config-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** What the fixture's item says, decoded as IAM does (URL-encoded JSON). */
function decoded(text: string): unknown {
  return JSON.parse(decodeURIComponent(text));
}

describe("AWS Config configuration snapshot delivered to S3", () => {
  const snapshot = json("config-snapshot.json") as { configurationItems: Array<Record<string, any>> };
  const roleItem = snapshot.configurationItems.find((i) => i["resourceType"] === "AWS::IAM::Role")!;
  const fnItem = snapshot.configurationItems.find((i) => i["resourceType"] === "AWS::Lambda::Function" && i["configurationItemStatus"] === "OK")!;

  it("reads its roles, customer managed policies and functions, URL-encoded documents decoded, as the aws-config source kind", () => {
    const f = read("config-snapshot.json");
    expect(f.source.kind).toBe("aws-config");
    expect(f.source.accountId).toBe(roleItem["awsAccountId"]);
    expect(f.roles.map((r) => r.arn)).toEqual([roleItem["ARN"]]);
    const role = f.roles[0]!;
    expect(role.name).toBe(roleItem["configuration"].roleName);
    expect(role.path).toBe("/service-role/");
    expect(role.trustPolicy?.Statement[0]?.Principal).toEqual({ Service: ["lambda.amazonaws.com"] });
    expect(role.inlinePolicies.map((p) => [p.name, p.document.Statement[0]!.Action])).toEqual([["dynamo", ["dynamodb:*"]]]);
    expect(role.attachedPolicies.map((a) => a.arn)).toEqual(roleItem["configuration"].attachedManagedPolicies.map((a: { policyArn: string }) => a.policyArn).sort());
    expect(role.permissionsBoundaryArn).toBe(roleItem["configuration"].permissionsBoundary.permissionsBoundaryArn);
    expect(role.tags).toEqual({ team: "orders" });
    // The record points at the item in Config's own names.
    expect(role.source?.address).toBe("configurationItems[0].configuration");
    expect(role.inlinePolicies[0]!.source?.address).toBe("configurationItems[0].configuration.rolePolicyList[0]");

    const extra = f.policies.find((p) => p.arn.endsWith(":policy/orders-extra"))!;
    const extraItem = snapshot.configurationItems.find((i) => i["ARN"] === extra.arn)!;
    const v2 = extraItem["configuration"].policyVersionList.find((v: { versionId: string }) => v.versionId === "v2");
    expect(extra.defaultVersionId).toBe("v2");
    expect(extra.awsManaged).toBe(false);
    expect(extra.document?.Statement[0]!.Action).toEqual((decoded(v2.document) as { Statement: Array<{ Action: string }> }).Statement.map((s) => s.Action));
    expect(extra.otherVersions.map((v) => v.versionId)).toEqual(["v1"]);

    expect(f.functions.map((fn) => fn.arn)).toEqual([fnItem["ARN"]]);
    const fn = f.functions[0]!;
    const c = fnItem["configuration"];
    expect(fn.roleArn).toBe(c.role);
    expect(fn.vpc).toEqual({ vpcId: null, subnetIds: [...c.vpcConfig.subnetIds].sort(), securityGroupIds: c.vpcConfig.securityGroupIds });
    expect(fn.tracingMode).toBe("Active");
    expect(fn.deadLetterTargetArn).toBe(c.deadLetterConfig.targetArn);
    // Config names it kmskeyArn (aws-config-resource-schema AWS::Lambda::Function).
    expect(fn.kmsKeyArn).toBe(c.kmskeyArn);
    expect(fn.layers).toEqual([c.layers[0].arn]);
    expect(fn.tags).toEqual(fnItem["tags"]);
    expect(fn.environmentVariableNames).toEqual(["DB_PASSWORD", "TABLE_NAME"]);
    expect(f.functionPatches.map((p) => [p.functionArn, p.path])).toEqual([[fnItem["ARN"], "configurationItems[3].supplementaryConfiguration.Policy"]]);
    expect(f.functionPatches[0]!.patch.resourcePolicy?.Statement[0]!.Principal).toBe("*");
  });

  it("never carries an environment variable's value: only its name reaches the document", async () => {
    const secret = fnItem["configuration"].environment.variables.DB_PASSWORD as string;
    const f = read("config-snapshot.json");
    expect(JSON.stringify(f)).not.toContain(secret);
    const { document } = await normalize([fixture("config-snapshot.json")]);
    expect(JSON.stringify(document)).not.toContain(secret);
  });

  it("leaves out a resource whose item says ResourceDeleted (and other types' items), saying so", () => {
    const f = read("config-snapshot.json");
    expect(f.functions.map((fn) => fn.name)).not.toContain("old-fn");
    expect(f.warnings.map((w) => [w.code, w.severity])).toEqual([["config-resources-not-deployed", "info"]]);
    expect(f.warnings[0]!.message).toMatch(/1 AWS::Lambda::Function ResourceDeleted\): not read as deployed/);
    expect(f.partial).toBe(false);
  });

  it("is the whole function list of each region it holds functions of (a snapshot is everything recorded there)", () => {
    expect(read("config-snapshot.json").listedFunctionRegions).toEqual(["us-east-1"]);
    // A query's or a history's output may be filtered: no region's whole list.
    expect(read("select-aggregate-resource-config.json").listedFunctionRegions).toBeUndefined();
    expect(read("config-history-role.json").listedFunctionRegions).toBeUndefined();
  });

  it("resolves an attached AWS managed policy, which Config does not record, from the bundled data, and joins the resource policy to its function", async () => {
    const { document } = await normalize([fixture("config-snapshot.json")]);
    const s3 = document.policies["arn:aws:iam::aws:policy/AmazonS3FullAccess"];
    expect(s3?.resolution).toBe("aws-managed-data");
    expect(document.functions[0]!.resourcePolicy?.Statement.map((s) => s.Sid)).toEqual(["public-invoke"]);
    expect(document.meta.sources.map((s) => s.kind)).toEqual(["aws-config"]);
  });

  it("is read gzipped, as Config delivers it", () => {
    const file = join(tmp, "111122223333_Config_us-east-1_ConfigSnapshot_20261130T060000Z_5d3a0c2e.json.gz");
    const { fragment } = readSourceBytes(file, gzipSync(readFileSync(fixture("config-snapshot.json"))), { explicit: true });
    expect(fragment?.source.kind).toBe("aws-config");
    expect(fragment?.roles.length).toBe(1);
  });
});

describe("AWS Config history", () => {
  it("of several items of one resource, takes the one captured last, wherever it is in the file", () => {
    const items = (json("config-history-role.json") as { configurationItems: Array<Record<string, any>> }).configurationItems;
    const last = [...items].sort((a, b) => (a["configurationItemCaptureTime"] < b["configurationItemCaptureTime"] ? -1 : 1)).at(-1)!;
    const f = read("config-history-role.json");
    expect(f.roles.map((r) => r.attachedPolicies.map((a) => a.arn))).toEqual([last["configuration"].attachedManagedPolicies.map((a: { policyArn: string }) => a.policyArn)]);
    expect(f.roles[0]!.source?.address).toBe(`configurationItems[${items.indexOf(last)}].configuration`);
  });

  it("a file holding only deleted resources says so, with nothing read as deployed", () => {
    const f = read("config-history-deleted.json");
    expect(f.roles.length + f.functions.length + f.policies.length).toBe(0);
    expect(f.warnings.map((w) => [w.code, w.severity])).toEqual([["config-resources-not-deployed", "warning"]]);
    expect(f.warnings[0]!.message).toMatch(/the file holds no deployed IAM resource or function/);
  });

  it("across files (a history file a day), the state captured last wins whatever the paths sort as, and a later deletion removes the resource", async () => {
    const role = (json("config-history-role.json") as { configurationItems: Array<Record<string, any>> }).configurationItems[0]!;
    const day = (d: string, items: unknown[]) => {
      const dir = join(tmp, "history", "AWSLogs", "111122223333", "Config", "us-east-1", "2026", "11", d, "ConfigHistory");
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `111122223333_Config_us-east-1_ConfigHistory_AWS%3A%3AIAM%3A%3ARole_202611${d.padStart(2, "0")}T000000Z_1.json.gz`), gzipSync(JSON.stringify({ fileVersion: "1.0", configurationItems: items })));
    };
    const at = (t: string, attached: string) => ({ ...role, configurationItemCaptureTime: t, configuration: { ...role["configuration"], attachedManagedPolicies: [{ policyName: attached.split("/").pop(), policyArn: attached }] } });
    // "9" sorts after "15": the first by path is the newest here, the oldest in the next case.
    day("15", [at("2026-11-15T10:00:00.000Z", "arn:aws:iam::aws:policy/AdministratorAccess")]);
    day("9", [at("2026-11-09T10:00:00.000Z", "arn:aws:iam::aws:policy/PowerUserAccess")]);
    day("20", [at("2026-11-20T10:00:00.000Z", "arn:aws:iam::aws:policy/ReadOnlyAccess")]);
    const { document } = await normalize([join(tmp, "history")]);
    expect(document.roles.map((r) => r.attachedPolicies.map((a) => a.arn))).toEqual([["arn:aws:iam::aws:policy/ReadOnlyAccess"]]);
    expect(document.meta.warnings.filter((w) => w.code === "conflicting-records")).toEqual([]);

    day("25", [{ ...role, configurationItemCaptureTime: "2026-11-25T10:00:00.000Z", configurationItemStatus: "ResourceDeleted", configuration: null }]);
    const after = await normalize([join(tmp, "history")]);
    expect(after.document.roles).toEqual([]);
  });

  it("get-resource-config-history output cut by --max-items (NextToken) is partial, saying why", () => {
    const f = read("get-resource-config-history.json");
    expect(f.roles.length).toBe(1);
    expect(f.partial).toBe(true);
    expect(f.warnings.map((w) => [w.code, w.path])).toEqual([["truncated-pagination", "NextToken"]]);
  });
});

describe("AWS Config API outputs", () => {
  it("select-aggregate-resource-config: rows as JSON strings, several accounts and regions", () => {
    const rows = ((json("select-aggregate-resource-config.json") as { Results: string[] }).Results).map((r) => JSON.parse(r) as Record<string, string>);
    const f = read("select-aggregate-resource-config.json");
    expect(f.roles.map((r) => [r.accountId, r.arn]).sort()).toEqual(rows.filter((r) => r["resourceType"] === "AWS::IAM::Role").map((r) => [r["accountId"], r["arn"]]).sort());
    expect(f.functions.map((fn) => [fn.accountId, fn.region, fn.arn]).sort()).toEqual(rows.filter((r) => r["resourceType"] === "AWS::Lambda::Function").map((r) => [r["accountId"], r["awsRegion"], r["arn"]]).sort());
    // Several accounts and regions: the file names neither.
    expect(f.source.accountId).toBeUndefined();
    expect(f.source.region).toBeUndefined();
    expect(f.warnings).toEqual([]);
  });

  it("a select row's tags, a list of {key, value, tag} (the advanced query's tags.key, tags.value), are the function's tags", () => {
    const rows = (json("select-aggregate-resource-config.json") as { Results: string[] }).Results.map((r) => JSON.parse(r) as Record<string, unknown>);
    const fn = rows.find((r) => r["resourceType"] === "AWS::Lambda::Function")!;
    const tagged = JSON.stringify({ ...fn, tags: [{ key: "team", value: "orders", tag: "team=orders" }, { key: "env", value: "prod", tag: "env=prod" }] });
    const { fragment } = readValue("select.json", { Results: [tagged], QueryInfo: { SelectFields: [{ Name: "tags" }] } });
    expect(fragment?.functions.map((f) => f.tags)).toEqual([{ env: "prod", team: "orders" }]);
  });

  it("batch-get-resource-config: configuration as a JSON string; unprocessed keys make it partial, named", () => {
    const f = read("batch-get-resource-config.json");
    expect(f.roles.map((r) => r.inlinePolicies.map((p) => p.name))).toEqual([["dynamo"]]);
    expect(f.functions.map((fn) => fn.name)).toEqual(["orders-api"]);
    expect(f.partial).toBe(true);
    expect(f.warnings.map((w) => [w.code, w.severity, w.path])).toEqual([["config-unprocessed-resources", "error", "unprocessedResourceKeys"]]);
    expect(f.warnings[0]!.message).toMatch(/billing-sync/);
  });

  it("get-aggregate-resource-config: one resource's item, {ConfigurationItem}", () => {
    const batch = json("batch-get-resource-config.json") as { baseConfigurationItems: Array<Record<string, unknown>> };
    const { fragment } = readValue("one.json", { ConfigurationItem: batch.baseConfigurationItems[1] });
    expect(fragment?.source.kind).toBe("aws-config");
    expect(fragment?.functions.map((f) => [f.name, f.source?.address])).toEqual([["orders-api", "ConfigurationItem.configuration"]]);
  });

  it("batch-get-aggregate-resource-config's own names (BaseConfigurationItems, UnprocessedResourceIdentifiers)", () => {
    const batch = json("batch-get-resource-config.json") as { baseConfigurationItems: unknown[] };
    const { fragment } = readValue("aggregate.json", { BaseConfigurationItems: batch.baseConfigurationItems, UnprocessedResourceIdentifiers: [{ SourceAccountId: "111122223333", SourceRegion: "us-east-1", ResourceId: "billing-sync", ResourceType: "AWS::Lambda::Function" }] });
    expect(fragment?.source.kind).toBe("aws-config");
    expect(fragment?.roles.length).toBe(1);
    expect(fragment?.warnings.map((w) => [w.code, w.path])).toEqual([["config-unprocessed-resources", "UnprocessedResourceIdentifiers"]]);
  });
});

describe("malformed AWS Config items: an error naming the file and the item, the other items read", () => {
  const rows = (json("select-aggregate-resource-config.json") as { Results: string[]; QueryInfo: unknown }).Results;

  it("a select row without configuration says to select it", () => {
    const bare = JSON.stringify({ resourceId: "x", resourceType: "AWS::Lambda::Function", arn: "arn:aws:lambda:us-east-1:111122223333:function:x" });
    const { fragment } = readValue("select.json", { Results: [rows[0], bare], QueryInfo: { SelectFields: [{ Name: "resourceId" }] } });
    expect(fragment?.roles.length).toBe(1);
    expect(fragment?.partial).toBe(true);
    expect(fragment?.warnings.map((w) => [w.severity, w.file, w.path])).toEqual([["error", "select.json", "Results[1]"]]);
    expect(fragment?.warnings[0]!.message).toMatch(/has no configuration: a select query must select it/);
  });

  it("a configuration string that is not JSON, and a select row that is not JSON", () => {
    const batch = json("batch-get-resource-config.json") as { baseConfigurationItems: Array<Record<string, unknown>> };
    const broken = { ...batch.baseConfigurationItems[1], configuration: '{"functionName": "orders-api", ' };
    const { fragment } = readValue("batch.json", { baseConfigurationItems: [batch.baseConfigurationItems[0], broken], unprocessedResourceKeys: [] });
    expect(fragment?.warnings.map((w) => [w.path, w.message.slice(0, 40)])).toEqual([["baseConfigurationItems[1].configuration", "configuration is a string that is not JS"]]);
    const row = readValue("select.json", { Results: [rows[0], '{"resourceType": "AWS::IAM::Role", '], QueryInfo: { SelectFields: [] } });
    expect(row.fragment?.warnings.map((w) => w.path)).toEqual(["Results[1]"]);
  });

  it("a configuration string cut short names where, never the text it holds (a function's environment values)", () => {
    const batch = json("batch-get-resource-config.json") as { baseConfigurationItems: Array<Record<string, unknown>> };
    const text = batch.baseConfigurationItems[1]!["configuration"] as string;
    const secret = "hunter2-DO-NOT-LEAK";
    expect(text).toContain(secret);
    // V8's "Unexpected token" message quotes about ten characters either side of where it stopped:
    // a value that lost its quotes would have put itself in the warning.
    const end = text.indexOf(secret) + secret.length + 1;
    for (const cut of [text.slice(0, end), text.replace(`"${secret}"`, secret)]) {
      const { fragment } = readValue("batch.json", { baseConfigurationItems: [{ ...batch.baseConfigurationItems[1], configuration: cut }] });
      expect(fragment?.warnings.map((w) => w.path)).toEqual(["baseConfigurationItems[0].configuration"]);
      expect(JSON.stringify(fragment)).not.toContain("hunter2");
    }
    const row = readValue("select.json", { Results: [`{"resourceType": "AWS::Lambda::Function", "configuration": {"environment": {"variables": {"K": ${secret}}}}}`], QueryInfo: { SelectFields: [] } });
    expect(row.fragment?.warnings.filter((w) => w.severity === "error").map((w) => w.path)).toEqual(["Results[0]"]);
    expect(JSON.stringify(row.fragment)).not.toContain("hunter2");
  });

  it("a bad policy document is said at its path in Config's names, the role kept and marked incomplete", () => {
    const snapshot = json("config-snapshot.json") as { configurationItems: Array<Record<string, any>> };
    const role = structuredClone(snapshot.configurationItems[0]!);
    role["configuration"].rolePolicyList[0].policyDocument = encodeURIComponent('{"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Action": "s3:*", "Resource": "*"}]}');
    const { fragment } = readValue("snap.json", { fileVersion: "1.0", configSnapshotId: "x", configurationItems: [role] });
    expect(fragment?.roles.map((r) => r.inlinePolicies.length)).toEqual([0]);
    expect(fragment?.incompletePrincipals).toEqual([role["ARN"]]);
    expect(fragment?.warnings.map((w) => [w.code, w.file, w.path?.startsWith("configurationItems[0].configuration.rolePolicyList[0].policyDocument")])).toEqual([["invalid-policy-document", "snap.json", true]]);
  });

  it("an item without configuration or status (a select that left both out) says to select the status, rather than taking it for deployed or deleted", () => {
    const row = JSON.stringify({ resourceId: "x", resourceType: "AWS::Lambda::Function", arn: "arn:aws:lambda:us-east-1:111122223333:function:x", configuration: null });
    const { fragment } = readValue("select.json", { Results: [row], QueryInfo: { SelectFields: [{ Name: "configuration" }] } });
    expect(fragment?.functions).toEqual([]);
    expect(fragment?.partial).toBe(true);
    expect(fragment?.warnings.map((w) => [w.path, w.message])).toEqual([["Results[0].configuration", expect.stringMatching(/select configurationItemStatus too/)]]);
  });

  it("a function whose resource policy cannot be read is kept without it, the input partial", () => {
    const snapshot = json("config-snapshot.json") as { configurationItems: Array<Record<string, any>> };
    const fn = structuredClone(snapshot.configurationItems[3]!);
    fn["supplementaryConfiguration"].Policy = '{"Version": "2012-10-17", "Statement": [';
    const { fragment } = readValue("snap.json", { fileVersion: "1.0", configurationItems: [fn] });
    expect(fragment?.functions.map((f) => f.name)).toEqual(["orders-api"]);
    expect(fragment?.functionPatches).toEqual([]);
    expect(fragment?.partial).toBe(true);
    expect(fragment?.warnings.map((w) => [w.severity, w.path?.startsWith("configurationItems[0].supplementaryConfiguration.Policy")])).toEqual([["error", true]]);
    expect(fragment?.configStates?.map((s) => s.arn)).toEqual([fn["ARN"]]);
  });

  it("a function item without its role names the item", () => {
    const snapshot = json("config-snapshot.json") as { configurationItems: Array<Record<string, any>> };
    const fn = structuredClone(snapshot.configurationItems[3]!);
    delete fn["configuration"].role;
    const { fragment } = readValue("snap.json", { fileVersion: "1.0", configurationItems: [snapshot.configurationItems[0], fn] });
    expect(fragment?.roles.length).toBe(1);
    expect(fragment?.functions).toEqual([]);
    expect(fragment?.warnings.map((w) => [w.severity, w.path])).toEqual([["error", "configurationItems[1].configuration.role"]]);
  });
});

/**
 * One set of roles, policies and functions, written as the IAM and Lambda exports
 * (get-account-authorization-details, list-functions, get-policy) and as an AWS Config snapshot
 * delivered to S3: the audits must agree finding for finding.
 */
describe("an account read from AWS Config gives the findings the same account gives from IAM and Lambda exports", () => {
  const ACCOUNT = "123456789012";
  const REGION = "us-east-1";
  const doc = (statements: Array<Record<string, unknown>>): PolicyDocument => ({ Version: "2012-10-17", Statement: statements }) as unknown as PolicyDocument;
  const trust = doc([{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]);
  const roles = [
    { name: "orders-role", path: "/service-role/", inline: { dynamo: doc([{ Effect: "Allow", Action: "dynamodb:*", Resource: "*" }]) }, attached: ["arn:aws:iam::aws:policy/AmazonS3FullAccess", `arn:aws:iam::${ACCOUNT}:policy/orders-extra`], boundary: null as string | null },
    { name: "reports-role", path: "/", inline: {}, attached: ["arn:aws:iam::aws:policy/AdministratorAccess"], boundary: null },
    { name: "batch-role", path: "/", inline: { pass: doc([{ Effect: "Allow", Action: ["iam:PassRole", "lambda:CreateFunction", "lambda:UpdateFunctionCode"], Resource: "*" }]) }, attached: ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"], boundary: `arn:aws:iam::${ACCOUNT}:policy/boundary` },
    { name: "unused-role", path: "/", inline: { logs: doc([{ Effect: "Allow", Action: "logs:*", Resource: "*" }]) }, attached: [], boundary: null },
  ];
  const policies = [
    { name: "orders-extra", versions: { v1: doc([{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }]), v2: doc([{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "kms:Decrypt"], Resource: "*" }]) }, defaultVersion: "v2" },
    { name: "boundary", versions: { v1: doc([{ Effect: "Allow", Action: ["logs:*", "iam:PassRole", "lambda:*"], Resource: "*" }]) }, defaultVersion: "v1" },
  ];
  // A deployer who can pass any role to a function it creates (privilege escalation, LR014 at account scope).
  const users = [{ name: "deployer", groups: ["builders"], inline: { deploy: doc([{ Effect: "Allow", Action: ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], Resource: "*" }]) }, attached: [] as string[] }];
  const groups = [{ name: "builders", inline: { read: doc([{ Effect: "Allow", Action: "logs:GetLogEvents", Resource: "*" }]) }, attached: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }];
  const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role${roles.find((r) => r.name === name)!.path}${name}`;
  const fnArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
  const functions = [
    { name: "orders-api", role: "orders-role", env: { TABLE: "orders", API_KEY: "sk_live_equivalence" }, vpc: { subnets: ["subnet-1"], groups: ["sg-1"] }, tracing: "Active", dlq: `arn:aws:sqs:${REGION}:${ACCOUNT}:orders-dlq`, policy: doc([{ Sid: "public", Effect: "Allow", Principal: "*", Action: "lambda:InvokeFunction", Resource: fnArn("orders-api") }]) },
    { name: "reports", role: "reports-role", env: {}, vpc: null, tracing: "PassThrough", dlq: null, policy: doc([{ Sid: "s3", Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "lambda:InvokeFunction", Resource: fnArn("reports") }]) },
    { name: "reports-copy", role: "reports-role", env: {}, vpc: null, tracing: "PassThrough", dlq: null, policy: null },
    { name: "batch", role: "batch-role", env: {}, vpc: null, tracing: "PassThrough", dlq: null, policy: null },
  ];
  const created = "2025-01-10T09:00:00Z";
  const modified = "2026-10-01T12:00:00.000+0000";

  function writeExports(dir: string): void {
    mkdirSync(join(dir, "get-policy"), { recursive: true });
    writeFileSync(join(dir, "iam.json"), JSON.stringify({
      RoleDetailList: roles.map((r) => ({
        Path: r.path, RoleName: r.name, RoleId: `AROA${r.name.toUpperCase().replace(/-/g, "")}`, Arn: roleArn(r.name), CreateDate: created, AssumeRolePolicyDocument: trust,
        InstanceProfileList: [], RolePolicyList: Object.entries(r.inline).map(([PolicyName, PolicyDocument]) => ({ PolicyName, PolicyDocument })),
        AttachedManagedPolicies: r.attached.map((a) => ({ PolicyName: a.split("/").pop(), PolicyArn: a })),
        ...(r.boundary ? { PermissionsBoundary: { PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: r.boundary } } : {}),
        Tags: [],
      })),
      UserDetailList: users.map((u) => ({
        Path: "/", UserName: u.name, UserId: `AIDA${u.name.toUpperCase()}`, Arn: `arn:aws:iam::${ACCOUNT}:user/${u.name}`, CreateDate: created, GroupList: u.groups,
        UserPolicyList: Object.entries(u.inline).map(([PolicyName, PolicyDocument]) => ({ PolicyName, PolicyDocument })), AttachedManagedPolicies: u.attached.map((a) => ({ PolicyName: a.split("/").pop(), PolicyArn: a })), Tags: [],
      })),
      GroupDetailList: groups.map((g) => ({
        Path: "/", GroupName: g.name, GroupId: `AGPA${g.name.toUpperCase()}`, Arn: `arn:aws:iam::${ACCOUNT}:group/${g.name}`, CreateDate: created,
        GroupPolicyList: Object.entries(g.inline).map(([PolicyName, PolicyDocument]) => ({ PolicyName, PolicyDocument })), AttachedManagedPolicies: g.attached.map((a) => ({ PolicyName: a.split("/").pop(), PolicyArn: a })),
      })),
      Policies: policies.map((p) => ({
        PolicyName: p.name, PolicyId: `ANPA${p.name.toUpperCase().replace(/-/g, "")}`, Arn: `arn:aws:iam::${ACCOUNT}:policy/${p.name}`, Path: "/", DefaultVersionId: p.defaultVersion, AttachmentCount: 1, IsAttachable: true, CreateDate: created, UpdateDate: created,
        PolicyVersionList: Object.entries(p.versions).map(([VersionId, Document]) => ({ Document, VersionId, IsDefaultVersion: VersionId === p.defaultVersion, CreateDate: created })),
      })),
      IsTruncated: false,
    }));
    writeFileSync(join(dir, "functions.json"), JSON.stringify({
      Functions: functions.map((f) => ({
        FunctionName: f.name, FunctionArn: fnArn(f.name), Runtime: "python3.12", Role: roleArn(f.role), Handler: "app.handler", CodeSize: 1024, Timeout: 30, MemorySize: 256, LastModified: modified, CodeSha256: "x", Version: "$LATEST",
        ...(f.vpc ? { VpcConfig: { SubnetIds: f.vpc.subnets, SecurityGroupIds: f.vpc.groups, VpcId: "vpc-1" } } : {}),
        ...(Object.keys(f.env).length > 0 ? { Environment: { Variables: f.env } } : {}),
        TracingConfig: { Mode: f.tracing }, ...(f.dlq ? { DeadLetterConfig: { TargetArn: f.dlq } } : {}), PackageType: "Zip", Architectures: ["x86_64"],
      })),
    }));
    for (const f of functions) if (f.policy) writeFileSync(join(dir, "get-policy", `${f.name}.json`), JSON.stringify({ Policy: JSON.stringify(f.policy), RevisionId: "r1" }));
  }

  function writeConfig(dir: string): void {
    const enc = (d: unknown) => encodeURIComponent(JSON.stringify(d));
    const item = (resourceType: string, arn: string, name: string, region: string, configuration: unknown, extra: Record<string, unknown> = {}) => ({
      relatedEvents: [], relationships: [], configuration, supplementaryConfiguration: {}, tags: {}, configurationItemVersion: "1.3", configurationItemCaptureTime: "2026-11-30T05:40:12.345Z",
      configurationStateId: 1, awsAccountId: ACCOUNT, configurationItemStatus: "OK", resourceType, resourceId: name, resourceName: name, ARN: arn, awsRegion: region, availabilityZone: "Not Applicable", ...extra,
    });
    const items = [
      ...roles.map((r) => item("AWS::IAM::Role", roleArn(r.name), r.name, "global", {
        path: r.path, roleName: r.name, roleId: `AROA${r.name.toUpperCase().replace(/-/g, "")}`, arn: roleArn(r.name), createDate: created, assumeRolePolicyDocument: enc(trust), instanceProfileList: [],
        rolePolicyList: Object.entries(r.inline).map(([policyName, d]) => ({ policyName, policyDocument: enc(d) })),
        attachedManagedPolicies: r.attached.map((a) => ({ policyName: a.split("/").pop(), policyArn: a })),
        permissionsBoundary: r.boundary ? { permissionsBoundaryType: "PermissionsBoundaryPolicy", permissionsBoundaryArn: r.boundary } : null, tags: [],
      })),
      ...users.map((u) => item("AWS::IAM::User", `arn:aws:iam::${ACCOUNT}:user/${u.name}`, u.name, "global", {
        path: "/", userName: u.name, userId: `AIDA${u.name.toUpperCase()}`, arn: `arn:aws:iam::${ACCOUNT}:user/${u.name}`, createDate: created, groupList: u.groups,
        userPolicyList: Object.entries(u.inline).map(([policyName, d]) => ({ policyName, policyDocument: enc(d) })), attachedManagedPolicies: u.attached.map((a) => ({ policyName: a.split("/").pop(), policyArn: a })), permissionsBoundary: null, tags: [],
      })),
      ...groups.map((g) => item("AWS::IAM::Group", `arn:aws:iam::${ACCOUNT}:group/${g.name}`, g.name, "global", {
        path: "/", groupName: g.name, groupId: `AGPA${g.name.toUpperCase()}`, arn: `arn:aws:iam::${ACCOUNT}:group/${g.name}`, createDate: created,
        groupPolicyList: Object.entries(g.inline).map(([policyName, d]) => ({ policyName, policyDocument: enc(d) })), attachedManagedPolicies: g.attached.map((a) => ({ policyName: a.split("/").pop(), policyArn: a })),
      })),
      ...policies.map((p) => item("AWS::IAM::Policy", `arn:aws:iam::${ACCOUNT}:policy/${p.name}`, p.name, "global", {
        policyName: p.name, policyId: `ANPA${p.name.toUpperCase().replace(/-/g, "")}`, arn: `arn:aws:iam::${ACCOUNT}:policy/${p.name}`, defaultVersionId: p.defaultVersion, path: "/", attachmentCount: 1, isAttachable: true, createDate: created, updateDate: created,
        policyVersionList: Object.entries(p.versions).map(([versionId, d]) => ({ document: enc(d), versionId, isDefaultVersion: versionId === p.defaultVersion, createDate: created })),
      })),
      ...functions.map((f) => item("AWS::Lambda::Function", fnArn(f.name), f.name, REGION, {
        functionName: f.name, functionArn: fnArn(f.name), runtime: "python3.12", role: roleArn(f.role), handler: "app.handler", codeSize: 1024, timeout: 30, memorySize: 256, lastModified: modified, codeSha256: "x", version: "$LATEST",
        ...(f.vpc ? { vpcConfig: { subnetIds: f.vpc.subnets, securityGroupIds: f.vpc.groups } } : {}),
        ...(Object.keys(f.env).length > 0 ? { environment: { variables: f.env } } : {}),
        tracingConfig: { mode: f.tracing }, ...(f.dlq ? { deadLetterConfig: { targetArn: f.dlq } } : {}), packageType: "Zip", architectures: ["x86_64"], layers: [],
      }, f.policy ? { supplementaryConfiguration: { Policy: JSON.stringify(f.policy) } } : {})),
    ];
    const where = join(dir, "AWSLogs", ACCOUNT, "Config", REGION, "2026", "11", "30", "ConfigSnapshot");
    mkdirSync(where, { recursive: true });
    writeFileSync(join(where, `${ACCOUNT}_Config_${REGION}_ConfigSnapshot_20261130T060000Z_5d3a0c2e.json.gz`), gzipSync(JSON.stringify({ fileVersion: "1.0", configSnapshotId: "5d3a0c2e", configurationItems: items })));
    writeFileSync(join(dir, "AWSLogs", ACCOUNT, "Config", "ConfigWritabilityCheckFile"), "");
  }

  it("finding for finding (rule, severity, resource, message, detail), and the same roles, policies and functions", async () => {
    const exportsDir = join(tmp, "equivalence-exports");
    const configDir = join(tmp, "equivalence-config");
    writeExports(exportsDir);
    writeConfig(configDir);
    const asOf = "2026-12-01T00:00:00Z";
    const [fromExports, fromConfig] = await Promise.all([buildDocument([exportsDir], { asOf }), buildDocument([configDir], { asOf })]);
    const findings = (d: typeof fromExports, scope?: string) =>
      auditDocument(d, { asOf, ...(scope ? { ruleOptions: { scope } } : {}) })
        .findings.map((f) => ({ rule: f.ruleId, severity: f.severity, arn: f.resource.arn, message: f.message, fingerprint: f.fingerprint }))
        .sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
    // Config records a function's subnets and security groups, not its VPC's id (the
    // AWS::Lambda::Function properties of aws-config-resource-schema have no vpcConfig.vpcId): the
    // one difference, in words only, is how LR006 names the VPC.
    const vpcNamed = (m: string) => m.replace("runs in VPC vpc-1 but", "runs in a VPC (subnets subnet-1) but");
    const a = findings(fromExports);
    expect(new Set(a.map((f) => f.rule)).size).toBeGreaterThan(5);
    expect(findings(fromConfig)).toEqual(a.map((f) => ({ ...f, message: vpcNamed(f.message) })));
    expect(a.some((f) => f.message !== vpcNamed(f.message))).toBe(true);
    // At account scope, privilege escalation is checked on users too: the deployer's is found both ways.
    const [exportsAccount, configAccount] = await Promise.all([buildDocument([exportsDir], { asOf, config: { version: 1, scope: "account" } }), buildDocument([configDir], { asOf, config: { version: 1, scope: "account" } })]);
    const account = findings(exportsAccount, "account");
    expect(account.filter((f) => f.arn.endsWith(":user/deployer")).length).toBeGreaterThan(0);
    expect(findings(configAccount, "account")).toEqual(account.map((f) => ({ ...f, message: vpcNamed(f.message) })));

    // The records themselves, less where each was read (and the VPC's id, the subject of its requirements).
    const strip = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x) => (k === "source" || k === "resourcePolicyStatementSources" || k === "policyResources" || k === "vpcId" || k === "subject" ? undefined : x)));
    expect(strip(fromConfig.roles)).toEqual(strip(fromExports.roles));
    expect(strip(fromConfig.functions)).toEqual(strip(fromExports.functions));
    expect(fromConfig.functions.find((f) => f.name === "orders-api")?.vpc?.vpcId).toBeNull();
    expect(strip(fromConfig.policies)).toEqual(strip(fromExports.policies));
    expect(strip(fromConfig.principals)).toEqual(strip(fromExports.principals));
    expect(fromConfig.principals.map((p) => p.name)).toEqual(["builders", "deployer"]);
    expect(fromConfig.accounts).toEqual(fromExports.accounts);
    expect(JSON.stringify(fromConfig)).not.toContain("sk_live_equivalence");
  });
});

describe("routing AWS Config deliveries in an AWSLogs tree", () => {
  it("walks Config/ (snapshots, and the history files of roles, policies and functions), skipping its writability check and other types' history files with one note", async () => {
    const root = join(tmp, "route", "AWSLogs", "111122223333");
    const day = join(root, "Config", "us-east-1", "2026", "11", "30");
    mkdirSync(join(day, "ConfigHistory"), { recursive: true });
    mkdirSync(join(day, "ConfigSnapshot"), { recursive: true });
    writeFileSync(join(root, "Config", "ConfigWritabilityCheckFile"), "");
    const history = (type: string) => join(day, "ConfigHistory", `111122223333_Config_us-east-1_ConfigHistory_${type}_20261130T000000Z_20261130T060000Z_1.json.gz`);
    for (const type of ["AWS::IAM::Role", "AWS::Lambda::Function", "AWS::S3::Bucket", "AWS::EC2::SecurityGroup"]) writeFileSync(history(type), gzipSync(readFileSync(fixture("config-history-role.json"))));
    const snapshot = join(day, "ConfigSnapshot", "111122223333_Config_us-east-1_ConfigSnapshot_20261130T060000Z_5d3a0c2e.json.gz");
    writeFileSync(snapshot, gzipSync(readFileSync(fixture("config-snapshot.json"))));
    const routed = await routeInputs([join(tmp, "route")]);
    expect(routed.sources.map((s) => s.file)).toEqual([history("AWS::IAM::Role"), history("AWS::Lambda::Function"), snapshot].sort());
    expect(routed.usage).toEqual([]);
    expect(routed.warnings.map((w) => [w.code, w.severity, w.file])).toEqual([["input-not-used", "info", join(root, "Config")]]);
    expect(routed.warnings[0]!.message).toMatch(/^skipped: 2 AWS Config history files of resource types other than/);
  });
});
