/**
 * The built-in pack through the compiled wasm and the in-process evaluator, on fixture documents
 * after analyzeDocument: every rule LR002–LR017 fires on the insecure document for the reason its
 * fixture states, none fires on the secure one, and the wasm agrees with OPA's interpreter.
 * Needs `npm run build:policies` (as `npm test` does) for policies/build/leastrole.wasm.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeDocument } from "../../src/analysis/index.js";
import { encodeDocument, evaluateDocument, evaluatePackRaw, loadBuiltinPack, type EvaluateOptions } from "../../src/evaluate/index.js";
import { packageRoot } from "../../src/evaluate/locate.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import type { Finding } from "../../src/model/findings.js";
import { canonicalJson } from "../support/canonical-json.js";
import { pinnedOpa } from "../support/opa.js";
import { insecureDocument, secureDocument } from "../fixtures/rules/documents.js";

const catalog = loadActionCatalogSync();
const insecure = analyzeDocument(insecureDocument(), catalog);
const secure = analyzeDocument(secureDocument(), catalog);
// Rule options are being renamed `config` → `ruleOptions` in the evaluator; give both so the tests
// hold on either side of that change.
const withOptions = (options: Record<string, unknown>): EvaluateOptions => ({ ruleOptions: options, config: options }) as EvaluateOptions;
const run = () => evaluateDocument(insecure, [loadBuiltinPack()], { today: "2026-11-01" });
const key = (f: Finding) => `${f.ruleId} ${f.severity} ${f.resource.type}:${f.resource.name}`;

describe("built-in pack on the insecure fixture", () => {
  const { findings, diagnostics } = run();
  const by = (id: string) => findings.filter((f) => f.ruleId === id);

  it("evaluates without diagnostics and fires every rule LR002–LR017", () => {
    expect(diagnostics).toEqual([]);
    const ids = new Set(findings.map((f) => f.ruleId));
    for (let i = 2; i <= 17; i++) expect(ids, `LR${String(i).padStart(3, "0")}`).toContain(`LR${String(i).padStart(3, "0")}`);
  });

  it("LR002 wildcard-action: s3:* in the inline policy, not the AWS managed one", () => {
    expect(by("LR002").map((f) => [key(f), f.evidence.policy, f.evidence.statementIndex])).toEqual([["LR002 high role:orders-role", "inline:app", 0]]);
  });

  it("LR003 wildcard-resource: dynamodb:Query on *, and PassRole/CreateFunction/InvokeFunction on *", () => {
    expect(by("LR003").map((f) => [key(f), f.evidence.statementIndex, f.evidence.actions])).toEqual([
      ["LR003 medium role:orders-role", 2, ["dynamodb:Query"]],
      ["LR003 medium role:orders-role", 4, ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"]],
    ]);
  });

  it("LR004 full-access-managed-policy: AmazonDynamoDBFullAccess by content (dynamodb:* includes resource-policy actions: high)", () => {
    expect(by("LR004").map(key)).toEqual(["LR004 high role:orders-role"]);
    expect(by("LR004")[0]!.evidence.services).toContain("dynamodb");
    expect(by("LR004")[0]!.evidence.permissionsManagement).toBe(true);
  });

  it("LR005/LR006/LR007/LR010: the worker's role lacks logs, ENI, X-Ray, SQS, DLQ and KMS permissions", () => {
    expect(by("LR005").map(key)).toEqual(["LR005 medium function:worker"]);
    expect(by("LR006").map((f) => `${key(f)} ${f.message}`)).toEqual([
      "LR006 low function:idle Function idle is not in a VPC but its execution role allows ec2:AssignPrivateIpAddresses, ec2:CreateNetworkInterface, ec2:DeleteNetworkInterface, ec2:DescribeNetworkInterfaces, ec2:DescribeSubnets, ec2:UnassignPrivateIpAddresses",
      "LR006 medium function:worker Function worker runs in VPC vpc-0abc but its execution role does not allow ec2:AssignPrivateIpAddresses, ec2:CreateNetworkInterface, ec2:DeleteNetworkInterface, ec2:DescribeNetworkInterfaces, ec2:DescribeSubnets, ec2:UnassignPrivateIpAddresses",
    ].sort((a, b) => (a.includes("medium") ? -1 : b.includes("medium") ? 1 : 0)));
    expect(by("LR007").map(key).sort()).toEqual(["LR007 low function:idle", "LR007 low function:worker"]);
    expect(by("LR010").map((f) => f.evidence.purpose).sort()).toEqual(["dead-letter", "environment-kms", "trigger"]);
  });

  it("LR008 unused-permission: only the unused action without an exception", () => {
    expect(by("LR008").map((f) => [key(f), f.evidence.unused, f.evidence.keptExceptions])).toEqual([
      ["LR008 medium function:orders-api", ["dynamodb:DeleteTable"], [{ action: "sns:Publish", reason: "disaster recovery" }]],
    ]);
  });

  it("LR009 denied-call, LR011 trust, LR012 public, LR013 environment, LR014 escalation, LR015, LR016, LR017", () => {
    expect(by("LR009").map((f) => f.message)).toEqual(["Function orders-api made 20 denied calls: secretsmanager:GetSecretValue (20)"]);
    expect(by("LR011").map(key)).toEqual(["LR011 high role:orders-role"]);
    expect(by("LR012").map((f) => [f.severity, f.message])).toEqual([
      ["critical", 'Function orders-api: resource policy Statement[0] lets anyone invoke the function (Principal "*" without a source condition)'],
      ["high", "Function orders-api has a function URL with AuthType NONE: anyone who knows the URL can invoke it"],
    ]);
    // The developer reads both functions; orders-role reads the worker's configuration too,
    // because AmazonDynamoDBFullAccess grants lambda:GetFunctionConfiguration (on *).
    expect(by("LR013").map((f) => [f.resource.name, (f.evidence.readers as { principalArn: string; actions: string[] }[]).map((r) => `${r.principalArn} ${r.actions.join(",")}`)])).toEqual([
      ["orders-api", ["arn:aws:iam::123456789012:user/developer lambda:GetFunction,lambda:GetFunctionConfiguration"]],
      [
        "worker",
        [
          "arn:aws:iam::123456789012:role/orders-role lambda:GetFunctionConfiguration",
          "arn:aws:iam::123456789012:user/developer lambda:GetFunction,lambda:GetFunctionConfiguration",
        ],
      ],
    ]);
    expect(by("LR014").map((f) => [key(f), (f.evidence.paths as { id: string }[]).map((p) => p.id)])).toEqual([["LR014 critical role:orders-role", ["passrole-lambda", "passrole-datapipeline"]]]);
    // The Data Pipeline path combines the inline iam:PassRole on * with AmazonDynamoDBFullAccess's
    // datapipeline:CreatePipeline and PutPipelineDefinition: a real combination across policies.
    const dp = (by("LR014")[0]!.evidence.paths as { id: string; statements: { policy: string }[] }[]).find((p) => p.id === "passrole-datapipeline")!;
    expect(new Set(dp.statements.map((s) => s.policy))).toEqual(new Set(["inline:app", "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"]));
    expect(by("LR015").map((f) => [key(f), f.evidence.notResource])).toEqual([["LR015 medium role:orders-role", ["arn:aws:sns:us-east-1:123456789012:internal"]]]);
    expect(by("LR016").map(key)).toEqual(["LR016 low role:leftover-role"]);
    expect(by("LR017").map((f) => f.evidence.suggested)).toEqual(["arn:aws:dynamodb:us-east-1:123456789012:table/orders-*"]);
  });

  it("LR014 with --scope account also looks at IAM users", () => {
    const none = run().findings.filter((f) => f.ruleId === "LR014" && f.resource.type === "principal");
    expect(none).toEqual([]);
    // The developer can only read; an escalating user is added to prove the scope switch.
    const doc = insecureDocument();
    doc.principals.push({ ...doc.principals[0]!, arn: "arn:aws:iam::123456789012:user/admin", name: "admin", inlinePolicies: [{ name: "all", document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["iam:AttachUserPolicy"], Resource: ["*"] }] }, source: null }] });
    const scoped = evaluateDocument(analyzeDocument(doc, catalog), [loadBuiltinPack()], withOptions({ scope: "account" })).findings;
    expect(scoped.filter((f) => f.ruleId === "LR014").map(key)).toEqual(["LR014 critical role:orders-role", "LR014 critical principal:admin"]);
  });

  it("gives every finding of one rule on one resource a distinct fingerprint", () => {
    const fps = findings.map((f) => f.fingerprint);
    expect(new Set(fps).size).toBe(fps.length);
  });
});

describe("built-in pack on the secure fixture", () => {
  it("reports nothing", () => {
    const { findings, diagnostics } = evaluateDocument(secure, [loadBuiltinPack()]);
    expect(diagnostics).toEqual([]);
    expect(findings.map((f) => `${key(f)}: ${f.message}`)).toEqual([]);
  });

  it("reports nothing either on a document without analysis (rules that need it stay silent)", () => {
    const { findings } = evaluateDocument(secureDocument(), [loadBuiltinPack()]);
    expect(findings).toEqual([]);
  });
});

describe("wasm agrees with OPA's interpreter on the fixtures", () => {
  it.each([
    ["insecure", insecure],
    ["secure", secure],
  ])("%s", (_name, doc) => {
    const json = JSON.stringify(doc);
    const wasm = evaluatePackRaw(loadBuiltinPack(), encodeDocument(doc, json)) as unknown[];
    const dir = mkdtempSync(join(tmpdir(), "lr-rules-"));
    writeFileSync(join(dir, "input.json"), json);
    const out = JSON.parse(
      execFileSync(pinnedOpa(), ["eval", "--format", "json", "--ignore", "*_test.rego", "--ignore", "capabilities.json", "--ignore", "build", "-d", join(packageRoot(), "policies"), "-i", join(dir, "input.json"), "data.leastrole.findings"], { encoding: "utf8", maxBuffer: 1 << 28 }),
    ) as { result?: Array<{ expressions: Array<{ value: unknown[] }> }> };
    const topdown = out.result?.[0]?.expressions[0]?.value ?? [];
    expect(wasm.map(canonicalJson).sort()).toEqual(topdown.map(canonicalJson).sort());
  });
});
