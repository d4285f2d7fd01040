/**
 * LR016 on roles that Lambda runs something other than a function with, through the readers, the
 * normaliser, the analysis and the compiled pack. A Lambda Managed Instances capacity provider's
 * operator role trusts lambda.amazonaws.com (Lambda launches and manages the provider's instances
 * with it) and no function names it: without the provider in the inputs it read as a leftover
 * execution role, whose remedy, "delete it", would break the provider. Needs `npm run
 * build:policies` (as `npm test` does).
 */
import { describe, expect, it } from "vitest";
import { analyzeDocument } from "../../src/analysis/index.js";
import { evaluateDocument, loadBuiltinPack } from "../../src/evaluate/index.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import { readSourceBytes } from "../../src/sources/read-sources.js";
import { normalizeFragments } from "../normalize/checked.js";

const catalog = loadActionCatalogSync();
const ACCOUNT = "123456789012";
const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };
const role = (name: string, managed: string) => ({
  Path: "/",
  RoleName: name,
  RoleId: `AROA${name.toUpperCase().replace(/-/g, "")}`,
  Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
  CreateDate: "2026-09-01T00:00:00Z",
  AssumeRolePolicyDocument: trust,
  RolePolicyList: [],
  AttachedManagedPolicies: [{ PolicyName: managed, PolicyArn: `arn:aws:iam::aws:policy/${managed}` }],
  Tags: [],
  RoleLastUsed: { LastUsedDate: "2026-11-20T10:00:00Z", Region: "us-east-1" },
});
const iam = { RoleDetailList: [role("lmi-operator", "AWSLambdaManagedEC2ResourceOperator"), role("app-role", "service-role/AWSLambdaBasicExecutionRole")], UserDetailList: [], GroupDetailList: [], Policies: [] };
const functions = {
  Functions: [{ FunctionName: "app", FunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:app`, Runtime: "python3.13", Role: `arn:aws:iam::${ACCOUNT}:role/app-role`, Version: "$LATEST", LastModified: "2026-10-01T00:00:00.000+0000" }],
};
const providers = {
  CapacityProviders: [{ CapacityProviderArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:capacity-provider:fleet`, State: "Active", PermissionsConfig: { CapacityProviderOperatorRoleArn: `arn:aws:iam::${ACCOUNT}:role/lmi-operator` } }],
};

function lr016(files: Record<string, unknown>): Array<[string, string]> {
  const fragments = Object.entries(files).map(([file, value]) => readSourceBytes(file, JSON.stringify(value)).fragment!);
  const document = analyzeDocument(normalizeFragments(fragments).document, catalog);
  const { findings, diagnostics } = evaluateDocument(document, [loadBuiltinPack()], { today: "2026-11-28" });
  expect(diagnostics).toEqual([]);
  return findings.filter((f) => f.ruleId === "LR016").map((f) => [f.resource.name, f.severity]);
}

describe("LR016 and the roles Lambda runs other resources with", () => {
  it("a capacity provider's operator role is in use: not reported once list-capacity-providers is given", () => {
    // Without the provider list the operator role looks like any leftover role of the region read.
    expect(lr016({ "iam.json": iam, "lambda/us-east-1/functions.json": functions })).toEqual([["lmi-operator", "low"]]);
    expect(lr016({ "iam.json": iam, "lambda/us-east-1/functions.json": functions, "lambda/us-east-1/capacity-providers.json": providers })).toEqual([]);
  });

  it("a provider naming another role leaves the leftover reported", () => {
    const other = { CapacityProviders: [{ ...providers.CapacityProviders[0], PermissionsConfig: { CapacityProviderOperatorRoleArn: `arn:aws:iam::${ACCOUNT}:role/someone-else` } }] };
    expect(lr016({ "iam.json": iam, "lambda/us-east-1/functions.json": functions, "lambda/us-east-1/capacity-providers.json": other })).toEqual([["lmi-operator", "low"]]);
  });
});
