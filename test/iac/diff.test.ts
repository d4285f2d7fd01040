/**
 * `diff`: two sets of real inputs (corpus plans and templates, and edited copies of them in
 * test/iac/fixtures/diff) built and audited like `audit`, then compared.
 */
import fc from "fast-check";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { callsRuleIds, compareStatements, diff, diffDocuments, functionRuleIds, introducesAtLeast, unusedActionRules, usageRuleIds, usageSeverityRuleIds, type DiffResult } from "../../src/audit/diff.js";
import { loadBuiltinPack } from "../../src/evaluate/pack.js";
import { pinnedOpa } from "../support/opa.js";
import { SEVERITIES } from "../../src/model/findings.js";
import type { PolicyStatement } from "../../src/model/document.js";
import { renderPermissionDiffJson, renderPermissionDiffMarkdown, renderPermissionDiffTable } from "../../src/report/diff.js";
import { githubAutolinks, outsideCode } from "../support/markdown.js";

const corpus = "/work/shared/corpus";
const fx = "test/iac/fixtures/diff";
const cache = new Map<string, Promise<DiffResult>>();
function run(before: string[], after: string[]): Promise<DiffResult> {
  const key = JSON.stringify([before, after]);
  if (!cache.has(key)) cache.set(key, diff(before, after));
  return cache.get(key)!;
}

/** The demo account's orders-shared-role as a template's Resources (with the `Resources:` line). */
function ordersRoleTemplate(): string[] {
  return [
    "Resources:",
    "  OrdersSharedRole:",
    "    Type: AWS::IAM::Role",
    "    Properties:",
    "      RoleName: orders-shared-role",
    "      Path: /service-role/",
    "      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }] }",
    "      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
    "      Policies:",
    "        - PolicyName: orders-data",
    "          PolicyDocument:",
    "            Version: '2012-10-17'",
    "            Statement:",
    "              - { Sid: OrdersTable, Effect: Allow, Action: [dynamodb:GetItem, dynamodb:PutItem, dynamodb:UpdateItem, dynamodb:Query], Resource: 'arn:aws:dynamodb:us-east-1:111122223333:table/orders' }",
    "              - { Sid: Fulfillment, Effect: Allow, Action: sqs:SendMessage, Resource: 'arn:aws:sqs:us-east-1:111122223333:fulfillment' }",
  ];
}

/** A function of orders-shared-role, classified internal, as a template resource. */
function ordersFunction(logical: string, name: string): string[] {
  return [
    `  ${logical}:`,
    "    Type: AWS::Lambda::Function",
    "    Properties:",
    `      FunctionName: ${name}`,
    "      Runtime: nodejs20.x",
    "      Handler: index.handler",
    "      Role: !GetAtt OrdersSharedRole.Arn",
    "      Code: { ZipFile: 'exports.handler = async () => {}' }",
    "      Tags: [{ Key: app, Value: orders }, { Key: data-classification, Value: internal }]",
  ];
}

describe("diff of two template revisions (SAM)", () => {
  it("lists the added statement, trigger, URL, public permissions, the new function on a shared role, and the findings they introduce", async () => {
    const { report } = await run([`${fx}/lambda-kinesis-lambda.yaml`], [`${fx}/lambda-kinesis-lambda.edited.yaml`]);
    expect(report.changes.map((c) => [c.change, c.ownerName, c.kind])).toEqual([
      ["added", "ConsumerFunctionRole", "managed-attachment"],
      ["added", "ProducerFunctionRole", "inline-statement"],
      ["added", "AuditFunction", "execution-role"],
      ["added", "ConsumerFunction", "function-url"],
      ["added", "ConsumerFunction", "resource-policy-statement"],
      ["added", "ConsumerFunction", "resource-policy-statement"],
      ["added", "ConsumerFunction", "trigger"],
    ]);
    const wide = report.changes.find((c) => c.kind === "inline-statement")!;
    expect(wide.after).toEqual({ Action: ["kinesis:*"], Effect: "Allow", Resource: ["*"] });
    // The line of the statement added in the edited template (its Policies entry is the line above).
    expect(wide.source).toEqual({ file: `${fx}/lambda-kinesis-lambda.edited.yaml`, line: 33, address: "Resources.ProducerFunction.Properties.Policies[1].Statement[0]" });
    expect(wide.functions).toEqual(["arn:aws:lambda:unknown:unknown:function:AuditFunction", "arn:aws:lambda:unknown:unknown:function:ProducerFunction"]);
    expect(report.sharedRoles).toEqual([
      {
        roleArn: "arn:aws:iam::unknown:role/ProducerFunctionRole",
        roleName: "ProducerFunctionRole",
        before: ["arn:aws:lambda:unknown:unknown:function:ProducerFunction"],
        after: ["arn:aws:lambda:unknown:unknown:function:AuditFunction", "arn:aws:lambda:unknown:unknown:function:ProducerFunction"],
      },
    ]);
    // The public URL once (its two statements are the URL's: LR012 reports the URL itself).
    expect(report.findings.introduced.map((f) => [f.ruleId, f.resource.name, f.severity])).toEqual([
      ["LR002", "ProducerFunctionRole", "high"],
      ["LR012", "ConsumerFunction", "high"],
      ["LR001", "ProducerFunctionRole", "medium"],
      ["LR003", "ProducerFunctionRole", "medium"],
    ]);
    expect(report.findings.fixed).toEqual([]);
  });

  it("the reverse diff removes what the forward diff adds and fixes what it introduces", async () => {
    const fwd = (await run([`${fx}/lambda-kinesis-lambda.yaml`], [`${fx}/lambda-kinesis-lambda.edited.yaml`])).report;
    const rev = (await run([`${fx}/lambda-kinesis-lambda.edited.yaml`], [`${fx}/lambda-kinesis-lambda.yaml`])).report;
    expect(rev.changes.map((c) => c.change)).toEqual(fwd.changes.map(() => "removed"));
    expect(rev.changes.map((c) => c.before)).toEqual(fwd.changes.map((c) => c.after));
    expect(rev.findings.fixed.map((f) => f.fingerprint)).toEqual(fwd.findings.introduced.map((f) => f.fingerprint));
    expect(rev.findings.introduced).toEqual([]);
    expect(rev.sharedRoles).toEqual([]);
  });

  it("a template against itself (another path) is no change", async () => {
    const { report } = await run([`${fx}/lambda-kinesis-lambda.yaml`], [`${corpus}/serverless-patterns-sam/lambda-kinesis-lambda/template.yaml`]);
    expect(report.changes).toEqual([]);
    expect(report.findings.introduced).toEqual([]);
    expect(report.findings.fixed).toEqual([]);
    expect(renderPermissionDiffTable(report)).toContain("No permission changes.");
  });
});

describe("several templates a side", () => {
  it("a stack added beside the base template is a stack of its own; the base still lines up", async () => {
    // Both templates define ProducerFunction/ConsumerFunction and their roles: without separate
    // synthetic accounts the added one would merge into the base and hide.
    const { report } = await run([`${fx}/lambda-kinesis-lambda.yaml`], [`${fx}/lambda-kinesis-lambda.yaml`, `${corpus}/serverless-patterns-sam/lambda-kinesis-lambda/template.yaml`]);
    const owners = [...new Set(report.changes.map((c) => c.owner))];
    expect(report.changes.every((c) => c.change === "added")).toBe(true);
    expect(owners.length).toBe(4); // two roles and two functions of the second stack
    expect(owners.every((o) => /::unknown-[0-9a-f]{8}:|:unknown:unknown-[0-9a-f]{8}:/.test(o))).toBe(true);
  });
});

describe("diff of two Terraform plans", () => {
  it("a widened inline statement is one 'widened' change with the statement before and after, and the finding it introduces", async () => {
    const { report } = await run(["test/iac/fixtures/terraform/lambda-app.plan.json"], [`${fx}/lambda-app.widened.plan.json`]);
    expect(report.changes).toHaveLength(1);
    const c = report.changes[0]!;
    expect([c.change, c.kind, c.ownerName, c.policy]).toEqual(["widened", "inline-statement", "api-handler-role", "logs"]);
    expect((c.before as PolicyStatement).Action).toEqual(["logs:CreateLogStream", "logs:PutLogEvents"]);
    expect((c.after as PolicyStatement).Action).toEqual(["logs:*", "logs:CreateLogStream", "logs:PutLogEvents"]);
    expect(report.findings.introduced.map((f) => [f.ruleId, f.severity, f.resource.name])).toEqual([["LR002", "high", "api-handler-role"]]);
    expect(report.findings.fixed).toEqual([]);
  });

  it("two real corpus plans: the mirror law holds and output is byte-stable", async () => {
    const a = [`${corpus}/checkov-tfplan-fixtures/plan_with_iam_policies.tfplan.json`];
    const b = [`${corpus}/terraform-plans/cloudgoat-lambda_privesc.plan.json`];
    const ab = (await run(a, b)).report;
    const ba = (await run(b, a)).report;
    expect(ab.changes.length).toBeGreaterThan(5);
    const keyOf = (c: (typeof ab.changes)[number], v: unknown) => JSON.stringify([c.kind, c.owner, c.policy, v]);
    expect(ab.changes.filter((c) => c.change === "added").map((c) => keyOf(c, c.after)).sort()).toEqual(ba.changes.filter((c) => c.change === "removed").map((c) => keyOf(c, c.before)).sort());
    expect(ab.findings.introduced.map((f) => f.fingerprint).sort()).toEqual(ba.findings.fixed.map((f) => f.fingerprint).sort());
    const again = (await diff(a, b)).report;
    expect(renderPermissionDiffJson(again)).toBe(renderPermissionDiffJson(ab));
    expect(renderPermissionDiffMarkdown(again)).toBe(renderPermissionDiffMarkdown(ab));
    expect(renderPermissionDiffTable(again)).toBe(renderPermissionDiffTable(ab));
  });
});

describe("a template against an account export", () => {
  it("--only-after-resources: the role the template redefines is narrowed, its findings fixed; the rest of the account is not part of the change", async () => {
    const { report } = await diff(["examples/demo-account"], [`${fx}/billing-sync-fix.yaml`], { iac: { accountId: "111122223333" }, onlyAfterResources: true });
    expect(report.changes.map((c) => [c.change, c.ownerName, c.kind, c.policy])).toEqual([["narrowed", "billing-sync-role", "inline-statement", "billing-everything"]]);
    const c = report.changes[0]!;
    expect(c.before).toEqual({ Action: ["dynamodb:*"], Effect: "Allow", Resource: ["*"] });
    expect(c.functions).toEqual(["arn:aws:lambda:us-east-1:111122223333:function:billing-sync"]);
    expect(c.source?.file).toBe(`${fx}/billing-sync-fix.yaml`);
    // dynamodb:* on * included dynamodb:PutResourcePolicy on every table (LR020).
    expect(report.findings.fixed.map((f) => [f.ruleId, f.resource.name])).toEqual([
      ["LR002", "billing-sync-role"],
      ["LR020", "billing-sync-role"],
      ["LR003", "billing-sync-role"],
    ]);
    // LR017 reports only from the calls CloudTrail recorded, which a template has none of: not
    // known to be fixed (it was "fixed" before diff schema 1.4).
    expect(report.findings.unconfirmed.map((f) => [f.ruleId, f.resource.name, f.unconfirmedReason])).toEqual([
      ["LR017", "billing-sync-role", "LR017 reports only from usage data (CloudTrail, Access Advisor), and the after inputs have none"],
    ]);
    expect(report.findings.introduced).toEqual([]);
    // Without the option every other role of the account reads as removed.
    const all = (await diff(["examples/demo-account"], [`${fx}/billing-sync-fix.yaml`], { iac: { accountId: "111122223333" } })).report;
    expect(all.changes.filter((x) => x.change === "removed").map((x) => x.ownerName)).toEqual(expect.arrayContaining(["old-etl-role", "reports-role"]));
  });
});

describe("findings of rules that need usage data (METADATA custom.needs_usage)", () => {
  // The demo account's export with its CloudTrail logs before; LR008, LR009 and LR017 report only
  // from usage, so an after side without usage cannot report them, fixed or not.
  const demo = "examples/demo-account";
  const noUsage = "LR008 reports only from usage data (CloudTrail, Access Advisor), and the after inputs have none";

  it("the built-in catalog marks exactly the rules whose findings come from usage", () => {
    expect([...usageRuleIds([loadBuiltinPack()])].sort()).toEqual(["LR008", "LR009", "LR017"]);
  });

  it("against the same account without CloudTrail, nothing usage-based is called fixed: LR008, LR009, LR017 are not confirmed", async () => {
    // Before diff schema 1.4 these six were "fixed", and the after side is not partial.
    const { report } = await run([demo], [`${demo}/iam`, `${demo}/lambda`]);
    expect([report.before.partial, report.after.partial]).toEqual([false, false]);
    expect(report.findings.fixed).toEqual([]);
    expect(report.findings.introduced).toEqual([]);
    expect(report.findings.unconfirmed.map((f) => [f.ruleId, f.resource.name])).toEqual([
      ["LR008", "billing-sync"],
      ["LR008", "orders-api"],
      ["LR008", "orders-worker"],
      ["LR008", "reports-generator"],
      ["LR009", "billing-sync"],
      ["LR017", "billing-sync-role"],
    ]);
    expect(report.findings.unconfirmed[0]!.unconfirmedReason).toBe(noUsage);

    const table = renderPermissionDiffTable(report, { width: 1000 });
    expect(table.split("\n")[0]).toBe("leastrole diff: 0 permission changes, 0 findings introduced, 0 fixed, 6 no longer reported but not confirmed fixed (the after inputs have no usage data covering them)");
    expect(table).toContain("\nNo longer reported, not confirmed fixed (the after inputs have no usage data covering them):\n  MEDIUM LR008 function billing-sync: ");
    expect(table).toContain(`\n    not confirmed: ${noUsage}\n`);
    expect(table).not.toContain("Findings fixed");
    const md = renderPermissionDiffMarkdown(report);
    expect(md).toContain("#### No longer reported, not confirmed fixed (the after inputs have no usage data covering them)");
    expect(md).toContain("<br>_not confirmed: LR008 reports only from usage data \\(CloudTrail, Access Advisor\\), and the after inputs have none_ |");
    const json = JSON.parse(renderPermissionDiffJson(report)) as { schemaVersion: string; findings: { unconfirmed: Array<{ ruleId: string; unconfirmedReason: string }> } };
    expect(json.schemaVersion).toBe("1.6");
    expect(json.findings.unconfirmed[0]).toMatchObject({ ruleId: "LR008", unconfirmedReason: noUsage, unconfirmedKind: "usage" });
    expect(new Set(report.findings.unconfirmed.map((f) => f.unconfirmedKind))).toEqual(new Set(["usage"]));
  });

  it("against a template holding the function (no usage), its LR008 is not confirmed; the role's IAM findings are fixed", async () => {
    // billing-sync-fix.yaml with the billing-sync function itself, so that its LR008 (dynamodb:*
    // mostly unused) is about a resource the template defines.
    const dir = mkdtempSync(join(tmpdir(), "leastrole-diff-usage-template-"));
    const template = join(dir, "billing-sync.yaml");
    writeFileSync(
      template,
      readFileSync(`${fx}/billing-sync-fix.yaml`, "utf8") +
        ["  BillingSync:", "    Type: AWS::Lambda::Function", "    Properties:", "      FunctionName: billing-sync", "      Runtime: python3.12", "      Handler: app.handler", "      Role: !GetAtt BillingSyncRole.Arn", "      Code: { ZipFile: 'def handler(e, c): pass' }", ""].join("\n"),
    );
    const { report } = await diff([demo], [template], { iac: { accountId: "111122223333", region: "us-east-1" }, onlyAfterResources: true });
    // LR013 too: the template's function has no environment variables to expose.
    expect(report.findings.fixed.map((f) => f.ruleId)).toEqual(["LR002", "LR020", "LR003", "LR013"]);
    expect(report.findings.unconfirmed.map((f) => [f.ruleId, f.resource.name, f.unconfirmedReason])).toEqual([
      ["LR008", "billing-sync", noUsage],
      ["LR009", "billing-sync", noUsage.replace("LR008", "LR009")],
      ["LR017", "billing-sync-role", noUsage.replace("LR008", "LR017")],
    ]);
  });

  it("against the account with CloudTrail where the unused grant was removed, LR008 is fixed", async () => {
    // reports-role without AmazonS3FullAccess: the function's 203 unused actions are gone, and
    // the after side's usage covers the function for the whole window.
    const dir = mkdtempSync(join(tmpdir(), "leastrole-diff-usage-fixed-"));
    cpSync(demo, join(dir, "after"), { recursive: true });
    const iam = join(dir, "after/iam/get-account-authorization-details.json");
    const exported = JSON.parse(readFileSync(iam, "utf8")) as { RoleDetailList: Array<{ RoleName: string; AttachedManagedPolicies: Array<{ PolicyArn: string }> }> };
    const role = exported.RoleDetailList.find((r) => r.RoleName === "reports-role")!;
    role.AttachedManagedPolicies = role.AttachedManagedPolicies.filter((p) => !p.PolicyArn.endsWith("/AmazonS3FullAccess"));
    writeFileSync(iam, JSON.stringify(exported));
    const result = await diff([demo], [join(dir, "after")]);
    expect(result.after.document.usage.labels.some((l) => l.functionArn?.endsWith(":function:reports-generator") && l.fullWindow)).toBe(true);
    expect(result.report.findings.fixed.map((f) => [f.ruleId, f.resource.name])).toEqual([
      ["LR004", "reports-role"],
      ["LR008", "reports-generator"],
    ]);
    expect(result.report.findings.unconfirmed).toEqual([]);
    expect(renderPermissionDiffTable(result.report)).not.toContain("not confirmed");
  });

  it("against the account without CloudTrail but with a truncated Access Advisor report of the role, a finding on a service of the pages not given is not confirmed", async () => {
    // The first page of billing-sync-role's report (IsTruncated, a Marker: `--max-items 2`): EC2 and
    // CloudWatch Logs, accessed the day before; DynamoDB, whose actions LR008 called unused, is on
    // the page not given. Before, the report made the function's labels fullWindow, and LR008,
    // with no unused action left to report, was "fixed".
    const dir = mkdtempSync(join(tmpdir(), "leastrole-diff-usage-truncated-advisor-"));
    const role = "arn:aws:iam::111122223333:role/service-role/billing-sync-role";
    const file = join(dir, `${encodeURIComponent(role)}.json`);
    const used = (ns: string, name: string): object => ({ ServiceName: name, ServiceNamespace: ns, LastAuthenticated: "2026-11-27T10:00:00Z", LastAuthenticatedEntity: role, LastAuthenticatedRegion: "us-east-1", TotalAuthenticatedEntities: 1 });
    writeFileSync(file, JSON.stringify({
      JobStatus: "COMPLETED", JobType: "SERVICE_LEVEL", JobCreationDate: "2026-11-28T09:00:00Z", JobCompletionDate: "2026-11-28T09:00:05Z",
      ServicesLastAccessed: [used("ec2", "Amazon EC2"), used("logs", "Amazon CloudWatch Logs")],
      IsTruncated: true, Marker: "AAEAAXtmaXJzdC1wYWdlfQ",
    }));
    const { report, after } = await diff([demo], [`${demo}/iam`, `${demo}/lambda`, file]);
    const labels = after.document.usage.labels.find((l) => l.functionArn?.endsWith(":function:billing-sync"))!;
    expect(labels.permissions.find((p) => p.action === "dynamodb:DeleteTable")?.label).toBe("unknowable");
    expect(labels.fullWindow).toBe(false);
    expect(report.findings.fixed.filter((f) => f.resource.name.startsWith("billing-sync"))).toEqual([]);
    expect(report.findings.unconfirmed.filter((f) => f.ruleId === "LR008" && f.resource.name === "billing-sync").map((f) => f.unconfirmedReason)).toEqual([
      "LR008 reports only from usage data, and the after inputs' usage does not cover function billing-sync for the whole 30-day window",
    ]);
  });

  it("the built-in catalog names LR008's evidence field of the actions it calls unused", () => {
    expect([...unusedActionRules([loadBuiltinPack()])]).toEqual([["LR008", "unused"]]);
  });

  it("against the account without CloudTrail but with a whole Access Advisor report of the role, LR008's actions only unknowable there are not confirmed fixed", async () => {
    // billing-sync-role's report, not truncated, shows DynamoDB accessed the day before the window
    // ends: the function's labels cover the whole window, but without CloudTrail no DynamoDB action
    // can be told used or unused (no action-level tracking), so each is "unknowable" and LR008 has
    // nothing left to report. Before, that was "fixed", though the role grants dynamodb:* as before.
    const dir = mkdtempSync(join(tmpdir(), "leastrole-diff-usage-unknowable-"));
    const role = "arn:aws:iam::111122223333:role/service-role/billing-sync-role";
    const file = join(dir, `${encodeURIComponent(role)}.json`);
    const used = (ns: string, name: string): object => ({ ServiceName: name, ServiceNamespace: ns, LastAuthenticated: "2026-11-27T10:00:00Z", LastAuthenticatedEntity: role, LastAuthenticatedRegion: "us-east-1", TotalAuthenticatedEntities: 1 });
    writeFileSync(file, JSON.stringify({
      JobStatus: "COMPLETED", JobType: "SERVICE_LEVEL", JobCreationDate: "2026-11-28T09:00:00Z", JobCompletionDate: "2026-11-28T09:00:05Z",
      ServicesLastAccessed: [used("ec2", "Amazon EC2"), used("logs", "Amazon CloudWatch Logs"), used("dynamodb", "Amazon DynamoDB")],
      IsTruncated: false,
    }));
    const { report, before, after } = await diff([demo], [`${demo}/iam`, `${demo}/lambda`, file]);
    const labels = after.document.usage.labels.find((l) => l.functionArn?.endsWith(":function:billing-sync"))!;
    expect(labels.fullWindow).toBe(true);
    const unused = (before.report.findings.find((f) => f.ruleId === "LR008" && f.resource.name === "billing-sync")!.evidence as { unused: string[] }).unused;
    expect(unused.length).toBe(83);
    expect(new Set(unused.map((a) => labels.permissions.find((p) => p.action === a)?.label))).toEqual(new Set(["unknowable"]));
    expect(after.report.findings.filter((f) => f.ruleId === "LR008" && f.resource.name === "billing-sync")).toEqual([]);
    expect(report.findings.fixed.filter((f) => f.ruleId === "LR008")).toEqual([]);
    const why = report.findings.unconfirmed.find((f) => f.ruleId === "LR008" && f.resource.name === "billing-sync")?.unconfirmedReason;
    expect(why).toBe(
      "LR008 called 83 actions unused that function billing-sync's role still grants and the after inputs' usage does not show used (unknowable: dynamodb:AssociateTableReplica, dynamodb:BatchGetItem, dynamodb:ConditionCheckItem, dynamodb:CreateBackup, dynamodb:CreateGlobalTable, dynamodb:CreateGlobalTableWitness, dynamodb:CreateTable, dynamodb:CreateTableReplica and 75 more)",
    );
    expect(renderPermissionDiffTable(report, { width: 1000 })).toContain(`not confirmed: ${why}`);
    expect(JSON.parse(renderPermissionDiffJson(report)).findings.unconfirmed.find((f: { ruleId: string; resource: { name: string } }) => f.ruleId === "LR008" && f.resource.name === "billing-sync").unconfirmedReason).toBe(why);
  });

  it("the built-in catalog marks the rules whose findings come from the calls CloudTrail recorded (METADATA custom.needs_calls)", () => {
    expect([...callsRuleIds([loadBuiltinPack()])].sort()).toEqual(["LR009", "LR017"]);
  });

  it("against the account without CloudTrail but with a whole Access Advisor report of the role, LR009 and LR017 are not confirmed fixed", async () => {
    // billing-sync-role's report, not truncated, covers the window: billing-sync's labels are
    // fullWindow, so usage "covers" the function and its role. But Access Advisor shows only which
    // services were accessed, never a denied call (LR009: billing-sync's 32 denied
    // secretsmanager:GetSecretValue) nor the resources calls reached (LR017: the billing-2026-*
    // tables): both were "fixed" before, though nothing changed.
    const dir = mkdtempSync(join(tmpdir(), "leastrole-diff-usage-advisor-calls-"));
    const role = "arn:aws:iam::111122223333:role/service-role/billing-sync-role";
    const file = join(dir, `${encodeURIComponent(role)}.json`);
    const used = (ns: string, name: string): object => ({ ServiceName: name, ServiceNamespace: ns, LastAuthenticated: "2026-11-27T10:00:00Z", LastAuthenticatedEntity: role, LastAuthenticatedRegion: "us-east-1", TotalAuthenticatedEntities: 1 });
    writeFileSync(file, JSON.stringify({
      JobStatus: "COMPLETED", JobType: "SERVICE_LEVEL", JobCreationDate: "2026-11-28T09:00:00Z", JobCompletionDate: "2026-11-28T09:00:05Z",
      ServicesLastAccessed: [used("ec2", "Amazon EC2"), used("logs", "Amazon CloudWatch Logs"), used("dynamodb", "Amazon DynamoDB"), used("secretsmanager", "AWS Secrets Manager")],
      IsTruncated: false,
    }));
    const { report, after } = await diff([demo], [`${demo}/iam`, `${demo}/lambda`, file]);
    expect(after.document.usage.labels.find((l) => l.functionArn?.endsWith(":function:billing-sync"))?.fullWindow).toBe(true);
    expect(after.document.usage.coverage.accessAdvisorCovered).toEqual([role]);
    expect(after.document.usage.coverage.days).toEqual([]);
    expect(report.findings.fixed).toEqual([]);
    const lead = "reports from the calls CloudTrail recorded, which an Access Advisor report does not show, and the after inputs' usage holds no CloudTrail records";
    expect(report.findings.unconfirmed.filter((f) => f.ruleId !== "LR008").map((f) => [f.ruleId, f.resource.name, f.unconfirmedReason])).toEqual([
      ["LR009", "billing-sync", `LR009 ${lead}`],
      ["LR017", "billing-sync-role", `LR017 ${lead}`],
    ]);
    expect(renderPermissionDiffTable(report, { width: 1000 })).toContain(`\n    not confirmed: LR009 ${lead}\n`);
    expect(JSON.parse(renderPermissionDiffJson(report)).schemaVersion).toBe("1.6");
    // Each entry says what its reason is about (diff schema 1.6), and the heading is made of those:
    // before, it was told from the reasons' text, and every reason not about incomplete inputs or
    // functions read as "no usage data covering them", which this after side has (Access Advisor).
    // (The other functions' LR008: the report covers billing-sync-role only.)
    expect(report.findings.unconfirmed.map((f) => [f.ruleId, f.resource.name, f.unconfirmedKind])).toEqual([
      ["LR008", "billing-sync", "unused-actions"],
      ["LR008", "orders-api", "usage"],
      ["LR008", "orders-worker", "usage"],
      ["LR008", "reports-generator", "usage"],
      ["LR009", "billing-sync", "calls"],
      ["LR017", "billing-sync-role", "calls"],
    ]);
    const heading =
      "No longer reported, not confirmed fixed (the after inputs have no usage data covering them, hold no CloudTrail records covering them or still grant actions they called unused without showing them used)";
    expect(renderPermissionDiffTable(report, { width: 1000 })).toContain(`\n${heading}:\n`);
    expect(renderPermissionDiffMarkdown(report)).toContain(`#### ${heading}\n`);
    // Only billing-sync's (covered by the report): the heading no longer says "no usage data".
    const covered = { ...report, findings: { ...report.findings, unconfirmed: report.findings.unconfirmed.filter((f) => f.unconfirmedKind !== "usage") } };
    expect(renderPermissionDiffTable(covered, { width: 1000 })).toContain(
      "\nNo longer reported, not confirmed fixed (the after inputs hold no CloudTrail records covering them or still grant actions they called unused without showing them used):\n",
    );
    expect(renderPermissionDiffTable(covered, { width: 1000 })).not.toContain("have no usage data covering them");
    // A report of diff schema 1.5 (a saved JSON rendered again) has no kinds: told as 1.5 told them.
    const saved = JSON.parse(renderPermissionDiffJson(covered)) as typeof report;
    saved.schemaVersion = "1.5";
    for (const f of saved.findings.unconfirmed) delete f.unconfirmedKind;
    expect(renderPermissionDiffTable(saved, { width: 1000 })).toContain("\nNo longer reported, not confirmed fixed (the after inputs have no usage data covering them):\n");
  });

  it("LR009 and LR017 gone with CloudTrail covering their resource are fixed; not where CloudTrail covers less of the window there", async () => {
    // The account against itself, LR009 and LR017 taken out of the after report: the after side's
    // CloudTrail covers every day of the window for account 111122223333 in us-east-1.
    const same = await run([demo], [demo]);
    const calls = (f: { ruleId: string }): boolean => f.ruleId === "LR009" || f.ruleId === "LR017";
    const after = structuredClone(same.after);
    after.report.findings = after.report.findings.filter((f) => !calls(f));
    const outcome = (options?: Parameters<typeof diffDocuments>[3]): Array<[string, string, string | undefined]> => {
      const r = diffDocuments(same.before, after, undefined, options).findings;
      return [...r.fixed.map((f) => [f.ruleId, f.resource.name, undefined] as [string, string, undefined]), ...r.unconfirmed.map((f) => [f.ruleId, f.resource.name, f.unconfirmedReason] as [string, string, string | undefined])];
    };
    expect(outcome()).toEqual([
      ["LR009", "billing-sync", undefined],
      ["LR017", "billing-sync-role", undefined],
    ]);
    // The region's trail starting after the window's first day (an Access Advisor report keeping
    // the labels fullWindow): the calls there are not all in the logs.
    after.document.usage.coverage.partialPlaces = [{ accountId: "111122223333", region: "us-east-1", reason: "usage data for account 111122223333 in us-east-1 starts 2026-11-02, after the window's first day 2026-10-29" }];
    const lead = (id: string): string => `${id} reports from the calls CloudTrail recorded, which an Access Advisor report does not show, and the after inputs' CloudTrail records do not cover`;
    expect(outcome()).toEqual([
      ["LR009", "billing-sync", `${lead("LR009")} function billing-sync for the whole 30-day window`],
      ["LR017", "billing-sync-role", `${lead("LR017")} role billing-sync-role's functions for the whole 30-day window`],
    ]);
    // Days of the window without any record.
    after.document.usage.coverage.partialPlaces = undefined;
    after.document.usage.coverage.days = after.document.usage.coverage.days.slice(5);
    expect(outcome().map(([id, , why]) => [id, why])).toEqual([
      ["LR009", expect.stringMatching(/CloudTrail recorded, which an Access Advisor report does not show, and the after inputs' CloudTrail records cover 2\d of the 30-day window's days$/)],
      ["LR017", expect.stringMatching(/cover 2\d of the 30-day window's days$/)],
    ]);
    // Without the rules among those needing calls (an SDK caller's choice), they are fixed as before.
    expect(outcome({ callsRules: [] }).map(([id, , why]) => [id, why])).toEqual([["LR009", undefined], ["LR017", undefined]]);
  });

  it("LR009 gone with denied data-event calls is fixed only where the after side's trail logs those data events", async () => {
    // The demo account with billing-sync also denied s3:GetObject on an export object (its role
    // grants dynamodb:* only), as a data event in the trail's logs: LR009 lists it beside the 32
    // denied secretsmanager:GetSecretValue. CloudTrail logs an S3 object call only when the trail
    // has a data-event selector for it, which the account's does (get-event-selectors: S3 objects,
    // every resource). Against the same logs without the selectors the call's absence shows
    // nothing: before, that was "fixed" as soon as CloudTrail covered the window.
    const dir = mkdtempSync(join(tmpdir(), "leastrole-diff-denied-data-events-"));
    const account = join(dir, "account");
    cpSync(demo, account, { recursive: true });
    const day = join(account, "cloudtrail/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20");
    mkdirSync(day, { recursive: true });
    const object = "arn:aws:s3:::billing-exports/2026/11/invoices.csv";
    writeFileSync(join(day, "111122223333_CloudTrail_us-east-1_20261120T1015Z_Dn5ObJ3cTs0001aB.json.gz"), gzipSync(JSON.stringify({ Records: [{
      eventVersion: "1.10",
      userIdentity: {
        type: "AssumedRole", principalId: "AROAQ3EGRPTNQDEMO0003:billing-sync", arn: "arn:aws:sts::111122223333:assumed-role/billing-sync-role/billing-sync", accountId: "111122223333", accessKeyId: "ASIAQ3EGRPTNC563DD22",
        sessionContext: { sessionIssuer: { type: "Role", principalId: "AROAQ3EGRPTNQDEMO0003", arn: "arn:aws:iam::111122223333:role/service-role/billing-sync-role", accountId: "111122223333", userName: "billing-sync-role" }, webIdFederationData: {}, attributes: { creationDate: "2026-11-20T10:10:00Z", mfaAuthenticated: "false" } },
      },
      eventTime: "2026-11-20T10:14:03Z", eventSource: "s3.amazonaws.com", eventName: "GetObject", awsRegion: "us-east-1", sourceIPAddress: "3.91.172.14",
      userAgent: "aws-sdk-js/3.723.0 ua/2.1 os/linux lang/js md/nodejs#20.18.1 exec-env/AWS_Lambda_nodejs20.x",
      errorCode: "AccessDenied", errorMessage: "Access Denied",
      requestParameters: { bucketName: "billing-exports", key: "2026/11/invoices.csv", Host: "billing-exports.s3.us-east-1.amazonaws.com" }, responseElements: null,
      requestID: "9QF1ZB5K7T2M4N6P", eventID: "5c0e2a47-3b1d-4f8e-9a6c-2d7b8e1f0a93", readOnly: true,
      resources: [{ type: "AWS::S3::Object", ARN: object }, { accountId: "111122223333", type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::billing-exports" }],
      eventType: "AwsApiCall", managementEvent: false, recipientAccountId: "111122223333", eventCategory: "Data",
    }] })));
    const withSelectors = await diff([account], [account]);
    const lr009 = (d: DiffResult["before"]): Array<{ action: string }> => (d.report.findings.find((f) => f.ruleId === "LR009")?.evidence as { denied: Array<{ action: string }> }).denied;
    expect(lr009(withSelectors.before).map((d) => d.action).sort()).toEqual(["s3:GetObject", "secretsmanager:GetSecretValue"]);
    const gone = (after: DiffResult["after"]): DiffResult["after"] => {
      const a = structuredClone(after);
      a.report.findings = a.report.findings.filter((f) => f.ruleId !== "LR009");
      return a;
    };
    const outcome = (after: DiffResult["after"]): Array<[string, string, string | undefined]> => {
      const r = diffDocuments(withSelectors.before, after).findings;
      return [...r.fixed.map((f) => [f.ruleId, f.resource.name, undefined] as [string, string, undefined]), ...r.unconfirmed.map((f) => [f.ruleId, f.resource.name, f.unconfirmedReason] as [string, string, string | undefined])];
    };
    // The trail's selectors log S3 object data events for every resource: fixed, as before.
    expect(withSelectors.after.document.usage.coverage.dataEventSelectors?.find((t) => t.type === "AWS::S3::Object")?.logged).toBe("all");
    expect(outcome(gone(withSelectors.after))).toEqual([["LR009", "billing-sync", undefined]]);
    // The same logs without the selectors: the trail may not log S3 object calls.
    const bare = join(dir, "bare");
    cpSync(account, bare, { recursive: true });
    rmSync(join(bare, "cloudtrail/get-event-selectors"), { recursive: true });
    const without = gone((await diff([bare], [bare])).after);
    expect(without.document.usage.coverage.dataEventSelectors).toBeUndefined();
    expect(without.document.usage.coverage.dataEvents).toBe("present");
    const why = "LR009 reported denied data-event calls (s3:GetObject) that the after inputs' trail may not log for every resource (no usage.dataEventsLogged, no event selectors logging them in full), so their absence there is not evidence";
    expect(outcome(without)).toEqual([["LR009", "billing-sync", why]]);
    // The configuration saying the trail logs data events for every resource (usage.dataEventsLogged): fixed.
    without.document.usage.coverage.dataEvents = "logged";
    expect(outcome(without)).toEqual([["LR009", "billing-sync", undefined]]);
  });

  it("LR008 gone with usage covering the function is fixed only when each action it called unused is ungranted, used or excepted there", async () => {
    // The account against itself, billing-sync's LR008 taken out of the after report, its labels
    // made to say what a change could: the actions the finding listed used, excepted, no longer
    // granted, or only unknowable / too-new.
    const same = await run([demo], [demo]);
    const finding = same.before.report.findings.find((f) => f.ruleId === "LR008" && f.resource.name === "billing-sync")!;
    const listed = (finding.evidence as { unused: string[] }).unused;
    const afterWith = (relabel: (p: { action: string; label: string; exception: { reason: string } | null }) => void, drop: (action: string) => boolean = () => false): DiffResult["after"] => {
      const after = structuredClone(same.after);
      after.report.findings = after.report.findings.filter((f) => f.fingerprint !== finding.fingerprint);
      for (const l of after.document.usage.labels) {
        if (!l.functionArn?.endsWith(":function:billing-sync")) continue;
        expect(l.fullWindow).toBe(true);
        l.permissions = l.permissions.filter((p) => !drop(p.action));
        for (const p of l.permissions) if (listed.includes(p.action)) relabel(p);
      }
      return after;
    };
    const outcome = (after: DiffResult["after"], options?: Parameters<typeof diffDocuments>[3]): Array<[string, string | undefined]> => {
      const r = diffDocuments(same.before, after, undefined, options).findings;
      return [...r.fixed.map((f) => [f.ruleId, undefined] as [string, undefined]), ...r.unconfirmed.map((f) => [f.ruleId, f.unconfirmedReason] as [string, string | undefined])];
    };
    const [first, second] = [listed[0]!, listed[1]!];
    // Every listed action used, excepted, or (one) no longer granted: fixed.
    expect(outcome(afterWith((p) => { p.label = p.action === second ? "unused" : "used"; p.exception = p.action === second ? { reason: "disaster recovery" } : null; }, (a) => a === first))).toEqual([["LR008", undefined]]);
    // The role granting them all still, one only unknowable and one too-new: not confirmed, naming both.
    const rest = (p: { action: string; label: string }): void => {
      p.label = p.action === first ? "unknowable" : p.action === second ? "too-new" : "used";
    };
    expect(outcome(afterWith(rest))).toEqual([
      ["LR008", `LR008 called 2 actions unused that function billing-sync's role still grants and the after inputs' usage does not show used (too-new: ${second}; unknowable: ${first})`],
    ]);
    // Actions are IAM's, without case: the label set's spelling need not be the evidence's.
    const upper = afterWith(rest);
    for (const l of upper.document.usage.labels) for (const p of l.permissions) if (p.action === first) p.action = first.toUpperCase();
    expect(outcome(upper).map(([, why]) => why)).toEqual([expect.stringContaining(`unknowable: ${first})`)]);
    // Without the rule's evidence field given (an SDK caller's choice), it is fixed as before.
    expect(outcome(afterWith(rest), { unusedActionRules: [] })).toEqual([["LR008", undefined]]);
    // A finding whose evidence does not hold the list (a held list not put back) cannot be checked.
    const held = structuredClone(same.before);
    (held.report.findings.find((f) => f.fingerprint === finding.fingerprint)!.evidence as { unused: unknown }).unused = { $held: "x" };
    expect(diffDocuments(held, afterWith(() => {})).findings.unconfirmed.map((f) => f.unconfirmedReason)).toEqual([
      "LR008's finding does not list the actions it called unused (evidence unused), so the after side cannot show them gone",
    ]);
    // The rule not among those needing usage (an SDK caller's choice): the labels, covering the
    // function, still show the actions granted and not used.
    expect(outcome(afterWith(rest), { usageRules: [] }).map(([, why]) => why)).toEqual([expect.stringMatching(/^LR008 called 2 actions unused /)]);
  });

  it("with usage that does not cover the function for the whole window, or was read in part, a finding gone is not confirmed", async () => {
    // The account against itself, with the after side's usage made to say less: each finding
    // taken out of its report is then one that side no longer reports.
    const same = await run([demo], [demo]);
    const after = structuredClone(same.after);
    const gone = (f: { ruleId: string; resource: { name: string } }): boolean => (f.ruleId === "LR008" || f.ruleId === "LR002") && f.resource.name.startsWith("billing-sync");
    after.report.findings = after.report.findings.filter((f) => !gone(f));
    for (const l of after.document.usage.labels) if (l.functionArn?.endsWith(":function:billing-sync")) l.fullWindow = false;
    const report = diffDocuments(same.before, after);
    // LR002 needs no usage: fixed. LR008's function is not covered for the whole window.
    expect(report.findings.fixed.map((f) => [f.ruleId, f.resource.name])).toEqual([["LR002", "billing-sync-role"]]);
    expect(report.findings.unconfirmed.map((f) => [f.ruleId, f.unconfirmedReason])).toEqual([
      ["LR008", "LR008 reports only from usage data, and the after inputs' usage does not cover function billing-sync for the whole 30-day window"],
    ]);
    after.document.usage.coverage.partial = true;
    expect(diffDocuments(same.before, after).findings.unconfirmed.map((f) => f.unconfirmedReason)).toEqual(["LR008 reports only from usage data, and the after inputs' usage data is incomplete"]);
    // Without the rule among those needing usage (an SDK caller's choice), it is fixed as before.
    expect(diffDocuments(same.before, after, undefined, { usageRules: [] }).findings.fixed.map((f) => f.ruleId)).toEqual(["LR002", "LR008"]);
  });

  it("a custom pack's rule marked needs_usage is not confirmed fixed without usage; unmarked, it is fixed as before", async () => {
    const rule = (id: string, mark: string[]): string =>
      [
        "# METADATA",
        "# title: A function with recorded calls",
        "# custom:",
        `#   id: ${id}`,
        "#   severity: low",
        ...mark,
        `package leastrole.rules.${id.toLowerCase()}_calls`,
        "",
        "findings contains finding if {",
        "\tinput.usage.present",
        "\tsome p in input.usage.principals",
        '\tp.sessionKind == "function"',
        '\tp.functionName == "billing-sync"',
        '\tfinding := {"resource": p.functionArn, "message": "billing-sync made calls"}',
        "}",
        "",
      ].join("\n");
    const dir = mkdtempSync(join(tmpdir(), "leastrole-diff-usage-pack-"));
    writeFileSync(join(dir, "marked.rego"), rule("ACME100", ["#   needs_usage: true"]));
    writeFileSync(join(dir, "unmarked.rego"), rule("ACME101", []));
    const { report } = await diff([demo], [`${demo}/iam`, `${demo}/lambda`], { rules: [dir], opaPath: pinnedOpa() });
    expect(report.findings.unconfirmed.filter((f) => f.ruleId.startsWith("ACME")).map((f) => [f.ruleId, f.unconfirmedReason])).toEqual([
      ["ACME100", noUsage.replace("LR008", "ACME100")],
    ]);
    expect(report.findings.fixed.map((f) => f.ruleId)).toEqual(["ACME101"]);
  });
});

describe("a finding whose severity changes", () => {
  const plain = `${fx}/shared-role.yaml`;
  const tagged = `${fx}/shared-role.tagged.yaml`;

  it("is raised (not unchanged) when the change makes it more severe, and --fail-on counts the rise into the gate", async () => {
    const { report } = await run([plain], [tagged]);
    expect(report.findings.introduced).toEqual([]);
    expect(report.findings.fixed).toEqual([]);
    expect(report.findings.raised.map((c) => [c.finding.ruleId, c.finding.resource.name, c.before, c.after])).toEqual([["LR001", "orders-role", "medium", "high"]]);
    expect(report.findings.raised[0]!.finding.severity).toBe("high");
    expect(report.findings.lowered).toEqual([]);
    // Medium → high: into a high gate, not into a critical one.
    expect(introducesAtLeast(report, "high")).toBe(true);
    expect(introducesAtLeast(report, "critical")).toBe(false);
    // Already at medium before: a medium gate was failing on it then.
    expect(introducesAtLeast(report, "medium")).toBe(false);
    // Suppressed after the change: accepted, as for an introduced finding.
    const accepted = structuredClone(report);
    accepted.findings.raised[0]!.finding.suppressed = { reason: "accepted", origin: "config", expires: null };
    expect(introducesAtLeast(accepted, "high")).toBe(false);
  });

  it("the reverse change lowers it, which fails no gate; every format says so", async () => {
    const { report: fwd } = await run([plain], [tagged]);
    const { report: rev } = await run([tagged], [plain]);
    expect(rev.findings.raised).toEqual([]);
    expect(rev.findings.lowered.map((c) => [c.finding.ruleId, c.before, c.after])).toEqual([["LR001", "high", "medium"]]);
    // Neither template has usage: LR001's high owed nothing to usage, so the lowering is confirmed.
    expect(rev.findings.lowered[0]!.unconfirmedReason).toBeUndefined();
    expect(SEVERITIES.some((s) => introducesAtLeast(rev, s))).toBe(false);
    // The unchanged findings are the others (same fingerprint, same severity).
    expect(fwd.findings.unchanged).toBe(fwd.after.findings - 1);

    expect(renderPermissionDiffTable(fwd)).toContain("0 findings introduced, 0 fixed, 1 raised in severity\n");
    expect(renderPermissionDiffTable(fwd)).toMatch(/Findings raised in severity:\n {2}HIGH \(was MEDIUM\) LR001 role orders-role: /);
    expect(renderPermissionDiffTable(rev)).toMatch(/, 1 lowered\n[\s\S]*Findings lowered in severity:\n {2}MEDIUM \(was HIGH\) LR001/);
    const md = renderPermissionDiffMarkdown(fwd);
    expect(md).toContain("1 raised in severity");
    expect(md).toMatch(/#### Findings raised in severity\n\n\| Severity[^\n]*\n[^\n]*\n\| medium → \*\*high\*\* \| `LR001` \| `orders-role` \|/);
    const json = JSON.parse(renderPermissionDiffJson(fwd)) as { schemaVersion: string; findings: { raised: Array<{ before: string; after: string; finding: { ruleId: string; severity: string } }> } };
    expect(json.schemaVersion).toBe("1.6");
    expect(json.findings.raised.map((c) => [c.before, c.after, c.finding.ruleId, c.finding.severity])).toEqual([["medium", "high", "LR001", "high"]]);
  });
});

describe("a finding whose severity usage raises (METADATA custom.usage_raises_severity)", () => {
  // The demo account with orders-worker tagged like orders-api: LR001 on orders-shared-role is
  // then high only because CloudTrail shows the two functions using different permissions.
  const demo = "examples/demo-account";
  function sameClassification(): string {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-diff-usage-severity-"));
    cpSync(demo, join(dir, "account"), { recursive: true });
    const tags = join(dir, "account/lambda/us-east-1/list-tags/orders-worker.json");
    writeFileSync(tags, JSON.stringify({ Tags: { app: "orders", "data-classification": "internal" } }));
    return join(dir, "account");
  }
  const reason = "LR001's severity can be raised by usage data (CloudTrail, Access Advisor), and the after inputs have none";

  it("the built-in catalog marks LR001", () => {
    expect([...usageSeverityRuleIds([loadBuiltinPack()])]).toEqual(["LR001"]);
  });

  it("against the same account without CloudTrail, LR001 high → medium is not confirmed lowered; every format says why", async () => {
    const account = sameClassification();
    const result = await diff([account], [join(account, "iam"), join(account, "lambda")]);
    const { report, before } = result;
    const lr001 = before.report.findings.find((f) => f.ruleId === "LR001")!;
    expect([lr001.severity, lr001.message]).toEqual(["high", "Role orders-shared-role is the execution role of 2 functions (orders-api, orders-worker), which use different permissions"]);
    // Nothing changed but the missing CloudTrail: before diff schema 1.5 a plain "lowered".
    expect(report.findings.lowered.map((c) => [c.finding.ruleId, c.finding.resource.name, c.before, c.after, c.unconfirmedReason])).toEqual([["LR001", "orders-shared-role", "high", "medium", reason]]);
    expect(report.findings.lowered[0]!.unconfirmedKind).toBe("usage");
    expect(report.findings.raised).toEqual([]);
    expect(report.findings.fixed).toEqual([]);
    const table = renderPermissionDiffTable(report, { width: 1000 });
    expect(table.split("\n")[0]).toMatch(/, 1 lowered \(not confirmed: the after inputs have no usage data covering them\)$/);
    expect(table).toContain(`Findings lowered in severity:\n  MEDIUM (was HIGH) LR001 role orders-shared-role: `);
    expect(table).toContain(`\n    not confirmed: ${reason}\n`);
    const md = renderPermissionDiffMarkdown(report);
    expect(md).toContain("| high → medium (not confirmed) | `LR001` | `orders-shared-role` |");
    expect(md).toContain("<br>_not confirmed: LR001\\'s severity can be raised by usage data \\(CloudTrail, Access Advisor\\), and the after inputs have none_ |");
    const json = JSON.parse(renderPermissionDiffJson(report)) as { schemaVersion: string; findings: { lowered: Array<{ unconfirmedReason?: string }> } };
    expect(json.schemaVersion).toBe("1.6");
    expect(json.findings.lowered[0]!.unconfirmedReason).toBe(reason);
    // Without the rule among those whose severity usage raises (an SDK caller's choice): lowered as before.
    const plain = diffDocuments(result.before, result.after, undefined, { usageSeverityRules: [] });
    expect(plain.findings.lowered.map((c) => [c.finding.ruleId, c.unconfirmedReason])).toEqual([["LR001", undefined]]);
  });

  it("against a template holding the role and its functions (no usage), LR001 lowered is not confirmed; usage covering it confirms it", async () => {
    const account = sameClassification();
    const template = join(account, "..", "orders.yaml");
    writeFileSync(
      template,
      [
        ...ordersRoleTemplate(),
        ...ordersFunction("OrdersApi", "orders-api"),
        ...ordersFunction("OrdersWorker", "orders-worker"),
        "",
      ].join("\n"),
    );
    const { report } = await diff([account], [template], { iac: { accountId: "111122223333", region: "us-east-1" }, onlyAfterResources: true });
    // The template drops AmazonDynamoDBFullAccess (LR004 fixed); LR001 is still reported, at medium
    // for want of usage: not known to be lowered.
    expect(report.findings.fixed.map((f) => [f.ruleId, f.resource.name])).toEqual(expect.arrayContaining([["LR004", "orders-shared-role"]]));
    expect(report.findings.lowered.map((c) => [c.finding.ruleId, c.before, c.after, c.unconfirmedReason])).toEqual([["LR001", "high", "medium", reason]]);
    // The after side's usage covering the role's functions for the whole window: a lowering is a
    // lowering (here made so by leaving the usage in and taking the finding's rise out).
    const same = await run([account], [account]);
    const after = structuredClone(same.after);
    for (const f of after.report.findings) if (f.ruleId === "LR001") f.severity = "medium";
    expect(diffDocuments(same.before, after).findings.lowered.map((c) => [c.finding.ruleId, c.unconfirmedReason])).toEqual([["LR001", undefined]]);
    for (const l of after.document.usage.labels) if (l.functionArn?.endsWith(":function:orders-worker")) l.fullWindow = false;
    expect(diffDocuments(same.before, after).findings.lowered.map((c) => c.unconfirmedReason)).toEqual([
      "LR001's severity can be raised by usage data, and the after inputs' usage does not cover role orders-shared-role's functions for the whole 30-day window",
    ]);
  });
});

describe("findings about functions the after side does not hold", () => {
  // The demo account (with CloudTrail) before. LR010 (orders-worker's SQS mapping), LR012, LR013
  // are on functions; LR001 (orders-shared-role, shared by orders-api and orders-worker) and LR016
  // (old-etl-role, used by none) on roles, decided by their functions (METADATA needs_functions).
  const demo = "examples/demo-account";
  const notListed = (name: string): string => `the after inputs do not hold function ${name} and do not list the functions of account 111122223333 in us-east-1: it may be there, unread`;

  it("the built-in catalog marks LR001 and LR016 as decided by a role's functions", () => {
    expect([...functionRuleIds([loadBuiltinPack()])].sort()).toEqual(["LR001", "LR016"]);
  });

  it("against the account's IAM export alone (no Lambda lists), nothing about its functions is fixed or removed", async () => {
    const { report } = await run([demo], [`${demo}/iam`]);
    expect(report.after.partial).toBe(false);
    // Before, these were all "fixed": LR010 on orders-worker among them.
    expect(report.findings.fixed).toEqual([]);
    const why = new Map(report.findings.unconfirmed.map((f) => [`${f.ruleId} ${f.resource.name}`, f.unconfirmedReason]));
    expect(why.get("LR010 orders-worker")).toBe(notListed("orders-worker"));
    expect(why.get("LR012 orders-api")).toBe(notListed("orders-api"));
    expect(why.get("LR013 billing-sync")).toBe(notListed("billing-sync"));
    // A function the after side does not hold: its usage findings are not fixed either.
    expect(why.get("LR008 reports-generator")).toBe(notListed("reports-generator"));
    expect(why.get("LR001 orders-shared-role")).toBe("LR001 is decided by the functions of role orders-shared-role, and the after inputs do not hold orders-api, orders-worker nor list the functions where they run");
    expect(why.get("LR016 old-etl-role")).toBe("LR016 is decided by the functions of role old-etl-role, and the after inputs list no functions of account 111122223333");
    expect(report.findings.unconfirmed).toHaveLength(13);
    // The functions' permission rows are not known to be removed either.
    expect(report.changes.length).toBeGreaterThan(0);
    expect(report.changes.every((c) => c.change === "removed" && c.ownerType === "function" && c.unconfirmed === true)).toBe(true);
    const table = renderPermissionDiffTable(report, { width: 1000 });
    expect(table.split("\n")[0]).toBe(
      `leastrole diff: ${report.changes.length} permission changes (${report.changes.length} not confirmed: their owners are missing from inputs that do not list them), 0 findings introduced, 0 fixed, 13 no longer reported but not confirmed fixed (the after inputs have no usage data covering them or do not hold the functions they are about)`,
    );
    expect(table).toContain("\nfunction orders-worker  (not in the after inputs, which do not list the functions where it runs: maybe unread, not removed)\n");
    expect(table).toContain(`\n    not confirmed: ${notListed("orders-worker")}\n`);
    expect(renderPermissionDiffMarkdown(report)).toContain("#### No longer reported, not confirmed fixed (the after inputs have no usage data covering them or do not hold the functions they are about)");
  });

  it("against the account with a function deleted, its findings are fixed: the after side lists the region's functions", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-diff-deleted-function-"));
    cpSync(demo, join(dir, "after"), { recursive: true });
    const list = join(dir, "after/lambda/us-east-1/list-functions.json");
    const listed = JSON.parse(readFileSync(list, "utf8")) as { Functions: Array<{ FunctionName: string }> };
    listed.Functions = listed.Functions.filter((f) => f.FunctionName !== "orders-worker");
    writeFileSync(list, JSON.stringify(listed));
    const mappings = join(dir, "after/lambda/us-east-1/list-event-source-mappings.json");
    writeFileSync(mappings, JSON.stringify({ EventSourceMappings: [] }));
    const { report } = await diff([demo], [join(dir, "after")]);
    expect(report.findings.fixed.map((f) => [f.ruleId, f.resource.name])).toEqual(
      expect.arrayContaining([
        ["LR001", "orders-shared-role"],
        ["LR010", "orders-worker"],
        ["LR013", "orders-worker"],
        ["LR008", "orders-worker"],
      ]),
    );
    expect(report.findings.unconfirmed).toEqual([]);
    expect(report.changes.filter((c) => c.ownerName === "orders-worker").every((c) => c.change === "removed" && c.unconfirmed === undefined)).toBe(true);
  });

  it("--only-after-resources, a template holding the role but not its functions: LR001 is not confirmed fixed, nor lowered", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-diff-role-alone-"));
    const role = ordersRoleTemplate();
    const options = { iac: { accountId: "111122223333", region: "us-east-1" }, onlyAfterResources: true };
    const alone = join(dir, "role.yaml");
    writeFileSync(alone, [...role, ""].join("\n"));
    const { report } = await diff([demo], [alone], options);
    // AmazonDynamoDBFullAccess detached: LR004 fixed. The role is shared no less by the account's
    // functions, which the template does not define: before, LR001 read as fixed.
    expect(report.findings.fixed.map((f) => [f.ruleId, f.resource.name])).toEqual([["LR004", "orders-shared-role"]]);
    expect(report.findings.unconfirmed.map((f) => [f.ruleId, f.resource.name, f.unconfirmedReason])).toEqual([
      ["LR001", "orders-shared-role", "LR001 is decided by the functions of role orders-shared-role, and the after inputs do not define its functions orders-api, orders-worker (only what they define is compared)"],
    ]);
    // The role and orders-api with a new function of the same classification: the role is still
    // shared (medium), but orders-worker (pii) is not in the template, so high → medium is not a lowering it shows.
    const some = join(dir, "role-and-api.yaml");
    writeFileSync(some, [...role, ...ordersFunction("OrdersApi", "orders-api"), ...ordersFunction("OrdersAudit", "orders-audit"), ""].join("\n"));
    const partly = (await diff([demo], [some], options)).report;
    expect(partly.findings.lowered.map((c) => [c.finding.ruleId, c.before, c.after, c.unconfirmedReason])).toEqual([
      ["LR001", "high", "medium", "LR001 is decided by the functions of role orders-shared-role, and the after inputs do not define its function orders-worker (only what they define is compared)"],
    ]);
    expect(partly.findings.lowered[0]!.unconfirmedKind).toBe("functions");
    expect(renderPermissionDiffTable(partly, { width: 1000 }).split("\n")[0]).toContain(", 1 lowered (not confirmed: the after inputs do not hold the functions they are about)");
  });
});

describe("findings decided by a function's event source mappings (METADATA custom.needs_triggers)", () => {
  // The demo account's orders-worker reads orders-queue through an event source mapping its role
  // cannot use (LR010). A template deploying the role and the function, the mapping living in
  // another stack, reports no LR010: before, "fixed", though nothing was.
  const demo = "examples/demo-account";
  const options = { iac: { accountId: "111122223333", region: "us-east-1" }, onlyAfterResources: true };
  const worker = [...ordersFunction("OrdersWorker", "orders-worker")];
  const queueRead = "              - { Sid: Queue, Effect: Allow, Action: [sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes], Resource: 'arn:aws:sqs:us-east-1:111122223333:orders-queue' }";
  const mapping = [
    "  OrdersQueueMapping:",
    "    Type: AWS::Lambda::EventSourceMapping",
    "    Properties:",
    "      FunctionName: !Ref OrdersWorker",
    "      EventSourceArn: arn:aws:sqs:us-east-1:111122223333:orders-queue",
  ];
  const lr010 = (fs: Array<{ ruleId: string; resource: { name: string } }>) => fs.filter((f) => f.ruleId === "LR010").map((f) => f.resource.name);

  it("the built-in catalog marks LR010", async () => {
    const { triggerRuleIds } = await import("../../src/audit/diff.js");
    expect([...triggerRuleIds([loadBuiltinPack()])]).toEqual(["LR010"]);
  });

  it("a template holding the function but not its mapping: LR010 is not confirmed fixed, saying why", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-diff-mapping-elsewhere-"));
    const template = join(dir, "worker.yaml");
    writeFileSync(template, [...ordersRoleTemplate(), ...worker, ""].join("\n"));
    const { report } = await diff([demo], [template], options);
    expect(lr010(report.findings.fixed)).toEqual([]);
    expect(report.findings.unconfirmed.filter((f) => f.ruleId === "LR010").map((f) => [f.resource.name, f.unconfirmedKind, f.unconfirmedReason])).toEqual([
      [
        "orders-worker",
        "triggers",
        "LR010 is decided by function orders-worker's event source mappings, and the after inputs do not hold its mapping on arn:aws:sqs:us-east-1:111122223333:orders-queue nor list the function's event source mappings (a mapping defined in another stack or module): it may be there, unread",
      ],
    ]);
    expect(renderPermissionDiffTable(report, { width: 1000 })).toContain("do not hold the event source mappings they are about");
    // The mapping's row is not confirmed removed either (diff schema 1.6), and said so.
    expect(report.changes.filter((c) => c.kind === "trigger").map((c) => [c.change, c.ownerName, c.unconfirmed, c.unconfirmedKind])).toEqual([["removed", "orders-worker", true, "triggers"]]);
    const table = renderPermissionDiffTable(report, { width: 1000 });
    expect(table.split("\n")[0]).toContain("2 permission changes (1 not confirmed: an event source mapping the other inputs neither hold nor list)");
    expect(table).toContain("(event source mappings not in the after inputs, which do not list the function's mappings: maybe defined in another stack, not removed)\n");
    expect(table).toContain("\n  ? removed  trigger: sqs arn:aws:sqs:us-east-1:111122223333:orders-queue");
  });

  it("two revisions of a template, the second without the mapping: it was removed, and LR010 is fixed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-diff-mapping-revisions-"));
    const [before, after] = [join(dir, "before.yaml"), join(dir, "after.yaml")];
    writeFileSync(before, [...ordersRoleTemplate(), ...worker, ...mapping, ""].join("\n"));
    writeFileSync(after, [...ordersRoleTemplate(), ...worker, ""].join("\n"));
    const { report } = await diff([before], [after]);
    expect(lr010(report.findings.fixed)).toEqual(["orders-worker"]);
    expect(lr010(report.findings.unconfirmed)).toEqual([]);
    expect(report.changes.filter((c) => c.kind === "trigger").map((c) => [c.change, c.unconfirmed])).toEqual([["removed", undefined]]);
  });

  it("the same template with the account's mapping list, the mapping deleted: LR010 is fixed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-diff-mapping-deleted-"));
    const template = join(dir, "worker.yaml");
    writeFileSync(template, [...ordersRoleTemplate(), ...worker, ""].join("\n"));
    // The region's whole list, as `leastrole collect` writes it, now empty.
    mkdirSync(join(dir, "account/lambda/us-east-1"), { recursive: true });
    const list = join(dir, "account/lambda/us-east-1/list-event-source-mappings.json");
    writeFileSync(list, JSON.stringify({ EventSourceMappings: [] }));
    const { report } = await diff([demo], [template, list], options);
    expect(lr010(report.findings.fixed)).toEqual(["orders-worker"]);
    expect(lr010(report.findings.unconfirmed)).toEqual([]);
    // A list cut short (a next page it does not hold) lists nothing whole: not confirmed.
    writeFileSync(list, JSON.stringify({ EventSourceMappings: [], NextMarker: "more" }));
    const cut = (await diff([demo], [template, list], options)).report;
    expect(lr010(cut.findings.unconfirmed)).toEqual(["orders-worker"]);
  });

  it("a template holding the function and its mapping, the role now allowed to read the queue: LR010 is fixed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-diff-mapping-held-"));
    const template = join(dir, "worker.yaml");
    writeFileSync(template, [...ordersRoleTemplate(), queueRead, ...worker, ...mapping, ""].join("\n"));
    const { report, after } = await diff([demo], [template], options);
    expect(after.document.functions.find((f) => f.name === "orders-worker")!.triggers.map((t) => t.eventSourceArn)).toEqual(["arn:aws:sqs:us-east-1:111122223333:orders-queue"]);
    expect(lr010(report.findings.fixed)).toEqual(["orders-worker"]);
    expect(lr010(report.findings.unconfirmed)).toEqual([]);
  });
});

describe("a Terraform plan that may leave resources out (complete: false)", () => {
  // The provider documentation's example plan (terraform-partial-plans/noop.plan.json, Terraform
  // 1.11) with a second function of the role, second_function, whose dead-letter queue the role
  // cannot send to (LR010); and the same plan as `-target=aws_lambda_function.test_lambda` leaves
  // it: second_function neither in planned_values nor in resource_changes, `complete: false`.
  function plans(): { before: string; after: string } {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-diff-target-"));
    const plan = JSON.parse(readFileSync("test/iac/fixtures/terraform-partial-plans/noop.plan.json", "utf8")) as Record<string, any>;
    const twin = (r: Record<string, any>): Record<string, any> => {
      const t = JSON.parse(JSON.stringify(r).replaceAll("test_lambda", "second_lambda").replaceAll("lambda_function_name", "second_function"));
      if (t.values) t.values.dead_letter_config = [{ target_arn: "arn:aws:sqs:eu-west-1:123456789012:second-dlq" }];
      if (t.change?.after) t.change.after.dead_letter_config = [{ target_arn: "arn:aws:sqs:eu-west-1:123456789012:second-dlq" }];
      if (t.change?.before) t.change.before.dead_letter_config = [{ target_arn: "arn:aws:sqs:eu-west-1:123456789012:second-dlq" }];
      return t;
    };
    const lists = [plan.planned_values.root_module.resources, plan.resource_changes, plan.prior_state.values.root_module.resources, plan.configuration.root_module.resources] as Array<Array<Record<string, any>>>;
    for (const list of lists) list.push(twin(list.find((r) => r.type === "aws_lambda_function")!));
    const before = join(dir, "before.plan.json");
    writeFileSync(before, JSON.stringify(plan));
    plan.complete = false;
    const planned = (r: Record<string, any>): boolean => r.address !== "aws_lambda_function.second_lambda";
    plan.planned_values.root_module.resources = plan.planned_values.root_module.resources.filter(planned);
    plan.resource_changes = plan.resource_changes.filter(planned);
    const after = join(dir, "after.plan.json");
    writeFileSync(after, JSON.stringify(plan));
    return { before, after };
  }

  it("a function the plan does not hold is not read as deleted: its findings, its rows and the role's LR001 are not confirmed, saying why", async () => {
    const { before, after } = plans();
    const { report } = await diff([before], [after]);
    expect(report.after.partial).toBe(true);
    // Before, LR001 on the role (shared by the two functions) read as fixed: the plan's function
    // list was taken as whole, as a complete plan's is.
    expect(report.findings.fixed).toEqual([]);
    const leftOut =
      "which they may leave out (a Terraform plan that does not plan every resource of its configuration; a Terraform plan that is not complete (made with -target, or with deferred changes))";
    expect(report.findings.unconfirmed.map((f) => [f.ruleId, f.resource.name, f.unconfirmedKind, f.unconfirmedReason])).toEqual([
      ["LR001", "iam_for_lambda", "functions", `LR001 is decided by the functions of role iam_for_lambda, and the after inputs do not hold second_function, ${leftOut}`],
      ["LR010", "second_function", "functions", `the after inputs do not hold function second_function, ${leftOut}: it may be there, unread`],
    ]);
    expect(report.changes.map((c) => [c.change, c.kind, c.ownerName, c.unconfirmed])).toEqual([["removed", "execution-role", "second_function", true]]);
    expect(renderPermissionDiffTable(report, { width: 1000 })).toContain("\nNo longer reported, not confirmed fixed (the after inputs do not hold the functions they are about):\n");
  });

  it("a role whose functions the incomplete plan all holds: an LR001 gone is still not confirmed, the plan may leave out others", async () => {
    const { before } = plans();
    const plan = JSON.parse(readFileSync(before, "utf8")) as Record<string, any>;
    plan.complete = false;
    const incomplete = join(mkdtempSync(join(tmpdir(), "leastrole-diff-target-all-")), "after.plan.json");
    writeFileSync(incomplete, JSON.stringify(plan));
    const same = await diff([before], [incomplete]);
    // The audit's LR001 taken out of the after side, as a change that unshares the role would.
    const after = structuredClone(same.after);
    after.report.findings = after.report.findings.filter((f) => f.ruleId !== "LR001");
    expect(diffDocuments(same.before, after).findings.unconfirmed.map((f) => [f.ruleId, f.unconfirmedKind, f.unconfirmedReason])).toEqual([
      ["LR001", "functions", "LR001 is decided by the functions of role iam_for_lambda, and the after inputs may leave out functions that use it (a Terraform plan that is not complete (made with -target, or with deferred changes))"],
    ]);
  });

  it("the same plan complete, without the function: it was deleted, and its findings are fixed", async () => {
    const { before, after } = plans();
    const plan = JSON.parse(readFileSync(after, "utf8")) as Record<string, any>;
    plan.complete = true;
    plan.configuration.root_module.resources = plan.configuration.root_module.resources.filter((r: { address: string }) => r.address !== "aws_lambda_function.second_lambda");
    plan.prior_state.values.root_module.resources = plan.prior_state.values.root_module.resources.filter((r: { address: string }) => r.address !== "aws_lambda_function.second_lambda");
    writeFileSync(after, JSON.stringify(plan));
    const { report } = await diff([before], [after]);
    expect(report.after.partial).toBe(false);
    expect(report.findings.unconfirmed).toEqual([]);
    expect(report.findings.fixed.map((f) => [f.ruleId, f.resource.name])).toEqual([
      ["LR001", "iam_for_lambda"],
      ["LR010", "second_function"],
    ]);
  });
});

describe("rendering", () => {
  it("the headline counts the suppressed findings apart, as the list below shows them", async () => {
    const { report } = await run([`${fx}/lambda-kinesis-lambda.yaml`], [`${fx}/lambda-kinesis-lambda.edited.yaml`]);
    const suppressed = { ...report, findings: { ...report.findings, introduced: report.findings.introduced.map((f, i) => (i < 3 ? { ...f, suppressed: { reason: "accepted", origin: "config", expires: null } } : f)) } } as typeof report;
    expect(renderPermissionDiffTable(suppressed).split("\n")[0]).toBe("leastrole diff: 7 permission changes, 1 finding introduced (and 3 suppressed), 0 fixed");
    expect(renderPermissionDiffMarkdown(suppressed)).toContain("### leastrole: 7 permission changes, 1 finding introduced \\(and 3 suppressed\\), 0 fixed");
  });

  it("a side with partial inputs is said with its reasons, as the audit's summary.partialReasons, in every format", async () => {
    // Before: "see the warnings about the inputs", which no format of the diff showed, and the
    // JSON (diff schema 1.1) had no reasons. The CloudMapper demo account's function list without
    // the IAM export that holds its execution role: the after side is partial for that role.
    const cloudmapper = new URL("../fixtures/cloudmapper-partial", import.meta.url).pathname;
    const iam = `${cloudmapper}/iam-get-account-authorization-details.json`;
    const functions = `${cloudmapper}/lambda-list-functions.json`;
    const result = await diff([iam], [iam, functions]);
    const { report } = result;
    expect([report.before.partial, report.before.partialReasons]).toEqual([false, []]);
    expect(report.after.partial).toBe(true);
    expect(report.after.partialReasons).toEqual(result.after.report.summary.partialReasons);
    expect(report.after.partialReasons).toHaveLength(1);
    const reason = report.after.partialReasons[0]!;
    expect(reason).toContain(functions);
    expect(reason).toContain("role/service-role/invpclambda");

    const json = JSON.parse(renderPermissionDiffJson(report)) as { schemaVersion: string; before: { partialReasons: string[] }; after: { partialReasons: string[] } };
    expect(json.schemaVersion).toBe("1.6");
    expect([json.before.partialReasons, json.after.partialReasons]).toEqual([[], [reason]]);
    const md = renderPermissionDiffMarkdown(report);
    expect(md).toContain("> Some inputs were incomplete, so findings may be missing on either side:\n> - after: ");
    expect(md).toContain("role/service-role/invpclambda");
    expect(md).not.toContain("see the warnings about the inputs");
    expect(md).not.toContain("> - before:");
    const table = renderPermissionDiffTable(report, { width: 1000 });
    expect(table).toContain(`  - after: ${reason}\n`);

    const whole = (await diff([iam], [iam])).report;
    expect([whole.after.partial, whole.after.partialReasons]).toEqual([false, []]);
    expect(renderPermissionDiffMarkdown(whole)).not.toContain("Some inputs were incomplete");
    expect(renderPermissionDiffTable(whole)).not.toContain("Some inputs were incomplete");
  });

  it("against an after side whose IAM export could not be read, nothing is called fixed or removed: the findings gone are 'not confirmed fixed'", async () => {
    // The demo account on both sides, the after side's IAM export cut short (an interrupted copy).
    // Before diff schema 1.3 its roles read as removed and 18 findings as fixed, with LR008 on
    // functions still there among them; a --fail-on gate passed on it.
    const dir = mkdtempSync(join(tmpdir(), "leastrole-diff-partial-"));
    cpSync("examples/demo-account", join(dir, "before"), { recursive: true });
    cpSync("examples/demo-account", join(dir, "after"), { recursive: true });
    const iam = join(dir, "after/iam/get-account-authorization-details.json");
    writeFileSync(iam, readFileSync(iam, "utf8").slice(0, 100));
    const { report } = await diff([join(dir, "before")], [join(dir, "after")]);
    expect([report.before.partial, report.after.partial]).toEqual([false, true]);
    expect(report.findings.fixed).toEqual([]);
    expect(report.findings.introduced).toEqual([]);
    // Every finding the before side has and the after side does not, in the findings' order.
    const whole = (await diff([join(dir, "before")], [join(dir, "before")])).report;
    expect(whole.findings.unconfirmed).toEqual([]);
    expect(report.findings.unconfirmed.length).toBe(report.before.findings - report.findings.unchanged - report.findings.raised.length - report.findings.lowered.length);
    expect(report.findings.unconfirmed.map((f) => f.ruleId)).toContain("LR008");
    // The roles are missing from the after side, not removed from it.
    expect(report.changes.length).toBeGreaterThan(0);
    expect(report.changes.every((c) => c.change === "removed" && c.unconfirmed === true)).toBe(true);

    const table = renderPermissionDiffTable(report, { width: 1000 });
    const n = report.findings.unconfirmed.length;
    expect(table.split("\n")[0]).toBe(
      `leastrole diff: ${report.changes.length} permission changes (${report.changes.length} not confirmed: their owners are missing from incomplete inputs), 0 findings introduced, 0 fixed, ${n} no longer reported but not confirmed fixed (the after inputs are incomplete)`,
    );
    expect(table).toContain("role billing-sync-role  (functions: billing-sync)  (not in the after inputs, which are incomplete: maybe unread, not removed)\n");
    expect(table).toContain("  ? removed  inline billing-everything: Allow dynamodb:* on *");
    expect(table).toContain("\nNo longer reported, not confirmed fixed (the after inputs are incomplete):\n");
    expect(table).not.toContain("Findings fixed");
    const md = renderPermissionDiffMarkdown(report);
    expect(md).toContain("#### No longer reported, not confirmed fixed (the after inputs are incomplete)");
    expect(md).toContain("| ❔ | removed (not confirmed) inline billing\\-everything |");
    const small = renderPermissionDiffMarkdown(report, { maxLength: 6000 });
    expect(small).toContain("| Severity | Rule | Introduced | Raised | Fixed | Lowered | Not confirmed fixed |");
    expect(small).toMatch(/\| high \| `LR004` \| 0 \| 0 \| 0 \| 0 \| 2 \|/);
    const json = JSON.parse(renderPermissionDiffJson(report)) as { findings: { unconfirmed: unknown[]; fixed: unknown[] } };
    expect([json.findings.fixed.length, json.findings.unconfirmed.length]).toEqual([0, n]);

    // The same change seen the other way: a before side that could not be read makes the roles
    // only "not confirmed new"; the findings stay introduced (a gate on them fails closed).
    const back = (await diff([join(dir, "after")], [join(dir, "before")])).report;
    expect(back.changes.every((c) => c.change === "added" && c.unconfirmed === true)).toBe(true);
    expect(back.findings.introduced.length).toBe(n);
    expect(renderPermissionDiffTable(back, { width: 1000 })).toContain("(not in the before inputs, which are incomplete: maybe unread, not new)");
  });

  it("against a partial after side, a statement removed from a role that is there is removed, not unconfirmed", async () => {
    // The after side adds the CloudMapper function list whose execution role no IAM input holds
    // (partial), and narrows billing-sync-role: that role was read, so its change is certain.
    const dir = mkdtempSync(join(tmpdir(), "leastrole-diff-partial-role-"));
    cpSync("examples/demo-account", join(dir, "before"), { recursive: true });
    cpSync("examples/demo-account", join(dir, "after"), { recursive: true });
    const iam = join(dir, "after/iam/get-account-authorization-details.json");
    writeFileSync(iam, readFileSync(iam, "utf8").replace('"dynamodb:*"', '"dynamodb:GetItem"'));
    const cloudmapper = new URL("../fixtures/cloudmapper-partial", import.meta.url).pathname;
    const { report } = await diff([join(dir, "before")], [join(dir, "after"), `${cloudmapper}/lambda-list-functions.json`]);
    expect(report.after.partial).toBe(true);
    const narrowed = report.changes.filter((c) => c.ownerName === "billing-sync-role");
    expect(narrowed.map((c) => [c.change, c.unconfirmed])).toEqual([["narrowed", undefined]]);
    expect(renderPermissionDiffTable(report, { width: 1000 })).toContain("  - narrowed inline billing-everything: Allow dynamodb:GetItem on *");
  });

  it("markdown fits a PR comment, escapes names, and says what was left out", async () => {
    const { report } = await run([`${fx}/lambda-kinesis-lambda.yaml`], [`${fx}/lambda-kinesis-lambda.edited.yaml`]);
    const md = renderPermissionDiffMarkdown(report);
    expect(md).toContain("### leastrole: 7 permission changes, 4 findings introduced, 0 fixed");
    expect(md).toContain("`Allow kinesis:* on *`");
    expect(md).toContain("#### Findings introduced");
    const small = renderPermissionDiffMarkdown(report, { maxLength: 2500 });
    expect(small.length).toBeLessThanOrEqual(2500);
    expect(small).toMatch(/_\d+ more permission changes not shown to fit a comment: see the JSON output/);
    // Never every permission change left out for findings.
    expect(small).toContain("| ➕ | added ");
    const json = JSON.parse(renderPermissionDiffJson(report)) as { schemaVersion: string; changes: unknown[] };
    expect(json.schemaVersion).toBe("1.6");
    expect(json.changes).toHaveLength(7);
  });
});

/**
 * An account export of `n` functions, each with its own role whose inline policy has the given
 * statements, as `aws iam get-account-authorization-details` and `aws lambda list-functions` write
 * them (the CLI decodes the policy documents).
 */
function accountExport(dir: string, n: number, statements: PolicyStatement[]): string {
  const id = (i: number): string => `svc-${String(i).padStart(4, "0")}`;
  const roles = Array.from({ length: n }, (_, i) => ({
    Path: "/",
    RoleName: `${id(i)}-role`,
    RoleId: `AROA${String(i).padStart(17, "0")}`,
    Arn: `arn:aws:iam::111122223333:role/${id(i)}-role`,
    CreateDate: "2025-01-01T00:00:00Z",
    AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] },
    InstanceProfileList: [],
    RolePolicyList: [{ PolicyName: "everything", PolicyDocument: { Version: "2012-10-17", Statement: statements } }],
    AttachedManagedPolicies: [],
    Tags: [],
    RoleLastUsed: {},
  }));
  const functions = Array.from({ length: n }, (_, i) => ({
    FunctionName: id(i),
    FunctionArn: `arn:aws:lambda:us-east-1:111122223333:function:${id(i)}`,
    Runtime: "python3.12",
    Role: `arn:aws:iam::111122223333:role/${id(i)}-role`,
    Handler: "app.handler",
    CodeSize: 100,
    Timeout: 3,
    MemorySize: 128,
    LastModified: "2025-01-01T00:00:00.000+0000",
    CodeSha256: "x",
    Version: "$LATEST",
    PackageType: "Zip",
    Architectures: ["x86_64"],
  }));
  mkdirSync(join(dir, "iam"), { recursive: true });
  mkdirSync(join(dir, "lambda", "us-east-1"), { recursive: true });
  writeFileSync(join(dir, "iam", "get-account-authorization-details.json"), JSON.stringify({ UserDetailList: [], GroupDetailList: [], RoleDetailList: roles, Policies: [] }));
  writeFileSync(join(dir, "lambda", "us-east-1", "list-functions.json"), JSON.stringify({ Functions: functions }));
  return dir;
}

describe("diff markdown of a large change", () => {
  it("stays within GitHub's 65,536 characters: totals per severity and rule, permission changes and the most severe findings, and how many more are in the JSON", async () => {
    const work = mkdtempSync(join(tmpdir(), "lr-bigdiff-"));
    const data: PolicyStatement = { Effect: "Allow", Action: ["dynamodb:*", "s3:*", "sqs:*"], Resource: ["*"] };
    const before = accountExport(join(work, "before"), 150, [data]);
    const after = accountExport(join(work, "after"), 150, [data, { Effect: "Allow", Action: ["iam:PassRole", "lambda:*"], Resource: ["*"] }]);
    const { report } = await diff([before], [after]);
    expect(report.changes).toHaveLength(150);
    const md = renderPermissionDiffMarkdown(report);
    // The whole report is several times the limit.
    expect(renderPermissionDiffMarkdown(report, { maxLength: 10_000_000 }).length).toBeGreaterThan(200_000);
    expect(md.length).toBeLessThanOrEqual(65_536);
    expect(md.length).toBeGreaterThan(50_000);
    // Totals of every category, per severity and rule, before any detail.
    const bySeverity = new Map<string, number>();
    for (const f of report.findings.introduced) bySeverity.set(`${f.severity} ${f.ruleId}`, (bySeverity.get(`${f.severity} ${f.ruleId}`) ?? 0) + 1);
    for (const [key, n] of bySeverity) {
      const [severity, rule] = key.split(" ");
      expect(md).toContain(`| ${severity} | \`${rule}\` | ${n} | 0 | 0 | 0 |`);
    }
    expect(md).toContain("| added | 150 | 150 |");
    // Permission changes are shown, not dropped for the findings, and so are findings.
    const changeRows = md.split("\n").filter((l) => l.startsWith("| ➕ | added inline everything | `Allow iam:PassRole, lambda:* on *`"));
    expect(changeRows.length).toBeGreaterThan(50);
    const findingRows = md.slice(md.indexOf("#### Findings introduced")).split("\n").filter((l) => /^\| (critical|high|medium|low|info) \|/.test(l));
    expect(findingRows.length).toBeGreaterThan(30);
    // The most severe first: the rows shown are the first of the sorted list.
    const order = ["critical", "high", "medium", "low", "info"];
    const shownSeverities = findingRows.map((l) => order.indexOf(l.split(" | ")[0]!.slice(2)));
    expect(shownSeverities).toEqual([...shownSeverities].sort((a, b) => a - b));
    expect(shownSeverities[0]).toBe(0);
    // How many were left out, and where they are.
    expect(md).toContain(`_${150 - changeRows.length} more permission changes not shown to fit a comment: see the JSON output`);
    expect(md).toContain(`_${report.findings.introduced.length - findingRows.length} more introduced findings not shown to fit a comment: see the JSON output`);
    // Byte-stable, and within any smaller limit too.
    expect(renderPermissionDiffMarkdown(report)).toBe(md);
    for (const maxLength of [8_000, 20_000]) {
      const small = renderPermissionDiffMarkdown(report, { maxLength });
      expect(small.length).toBeLessThanOrEqual(maxLength);
      expect(small).toContain("| ➕ | added inline everything |");
      expect(small).toContain("| critical | `LR014` |");
    }
  }, 60_000);
});

describe("diff markdown and GitHub autolinks", () => {
  it("leaves no @mention or #reference in names and messages from the inputs", async () => {
    const { report } = await run([`${fx}/lambda-kinesis-lambda.yaml`], [`${fx}/lambda-kinesis-lambda.edited.yaml`]);
    const hostile = structuredClone(report);
    const change = hostile.changes.find((c) => c.kind === "inline-statement")!;
    change.policy = "@octocat #12";
    hostile.findings.introduced[0]!.message = "Role @octocat fixes #12";
    hostile.sharedRoles[0]!.after = ["arn:aws:lambda:us-east-1:123456789012:function:@octocat"];
    const md = renderPermissionDiffMarkdown(hostile);
    expect(md).toContain("octocat");
    expect(githubAutolinks(outsideCode(md))).toEqual([]);
  });
});

describe("statement scope comparison", () => {
  const st = (Action: string[], Resource: string[], extra: Partial<PolicyStatement> = {}): PolicyStatement => ({ Effect: "Allow", Action, Resource, ...extra });

  it("wildcards, resources, conditions and Deny", () => {
    expect(compareStatements(st(["s3:GetObject"], ["arn:aws:s3:::b/*"]), st(["s3:Get*"], ["arn:aws:s3:::b/*"]))).toBe("widened");
    expect(compareStatements(st(["s3:*"], ["*"]), st(["s3:GetObject"], ["arn:aws:s3:::b/*"]))).toBe("narrowed");
    expect(compareStatements(st(["s3:GetObject"], ["arn:aws:s3:::a/*"]), st(["s3:GetObject"], ["arn:aws:s3:::b/*"]))).toBe("changed");
    const cond = { Condition: { StringEquals: { "aws:SourceAccount": ["123456789012"] } } };
    expect(compareStatements(st(["sqs:SendMessage"], ["*"], cond), st(["sqs:SendMessage"], ["*"]))).toBe("widened");
    // A wider Deny permits less.
    expect(compareStatements({ ...st(["s3:DeleteObject"], ["*"]), Effect: "Deny" }, { ...st(["s3:Delete*"], ["*"]), Effect: "Deny" })).toBe("narrowed");
    expect(compareStatements(st(["s3:GetObject"], ["*"]), { ...st(["s3:GetObject"], ["*"]), Effect: "Deny" })).toBe("changed");
  });

  it("law: comparing the other way gives the opposite answer", () => {
    const actions = fc.subarray(["s3:GetObject", "s3:Get*", "s3:*", "s3:PutObject", "sqs:SendMessage", "*"], { minLength: 1 });
    const resources = fc.subarray(["*", "arn:aws:s3:::b/*", "arn:aws:s3:::b/logs/*", "arn:aws:s3:::c"], { minLength: 1 });
    const statement = fc.record({ Effect: fc.constantFrom("Allow" as const, "Deny" as const), Action: actions, Resource: resources });
    const opposite = { widened: "narrowed", narrowed: "widened", changed: "changed", added: "removed", removed: "added" } as const;
    fc.assert(
      fc.property(statement, statement, (a, b) => {
        expect(compareStatements(b, a)).toBe(opposite[compareStatements(a, b)]);
      }),
      { numRuns: 300 },
    );
  });
});
