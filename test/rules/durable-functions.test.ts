/**
 * Durable functions (DurableConfig): their executions checkpoint with the execution role, which
 * needs lambda:CheckpointDurableExecution and lambda:GetDurableExecutionState on the function's
 * durable executions, `function:<name>:<version>/durable-execution/…` (Lambda developer guide,
 * "Security and permissions for Lambda durable functions": "an unqualified ARN never matches a
 * durable execution ARN"). Through the reader, the normaliser, the analysis and the compiled pack
 * (LR010), and `generate`. Needs `npm run build:policies` (as `npm test` does).
 */
import { describe, expect, it } from "vitest";
import { analyzeDocument } from "../../src/analysis/index.js";
import { evaluateDocument, loadBuiltinPack } from "../../src/evaluate/index.js";
import { generatePolicy } from "../../src/generate/index.js";
import { evaluateRequest, loadActionCatalogSync } from "../../src/iam/index.js";
import type { CanonicalDocument } from "../../src/model/document.js";
import { readSourceBytes } from "../../src/sources/read-sources.js";
import { normalizeFragments } from "../normalize/checked.js";

const catalog = loadActionCatalogSync();
const ACCOUNT = "123456789012";
const FN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:orders-saga`;
const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };

function account(managed: string[], inline: object[] = [], durable = true): CanonicalDocument {
  const iam = {
    RoleDetailList: [{
      Path: "/", RoleName: "saga-role", RoleId: "AROASAGA", Arn: `arn:aws:iam::${ACCOUNT}:role/saga-role`, CreateDate: "2026-09-01T00:00:00Z",
      AssumeRolePolicyDocument: trust,
      RolePolicyList: inline.map((Statement, i) => ({ PolicyName: `p${i}`, PolicyDocument: { Version: "2012-10-17", Statement } })),
      AttachedManagedPolicies: managed.map((m) => ({ PolicyName: m.split("/").pop(), PolicyArn: `arn:aws:iam::aws:policy/${m}` })),
      Tags: [], RoleLastUsed: {},
    }],
    UserDetailList: [], GroupDetailList: [], Policies: [],
  };
  // A list-functions entry as the API returns it for a function created with --durable-config.
  const functions = {
    Functions: [{
      FunctionName: "orders-saga", FunctionArn: FN, Runtime: "nodejs24.x", Role: `arn:aws:iam::${ACCOUNT}:role/saga-role`, Version: "$LATEST", LastModified: "2026-10-01T00:00:00.000+0000",
      ...(durable ? { DurableConfig: { ExecutionTimeout: 3600, RetentionPeriodInDays: 30 } } : {}),
    }],
  };
  const fragments = [readSourceBytes("iam.json", JSON.stringify(iam)).fragment!, readSourceBytes("lambda/us-east-1/functions.json", JSON.stringify(functions)).fragment!];
  return normalizeFragments(fragments).document;
}

function lr010(doc: CanonicalDocument): string[] {
  const { findings, diagnostics } = evaluateDocument(analyzeDocument(doc, catalog), [loadBuiltinPack()], { today: "2026-11-28" });
  expect(diagnostics).toEqual([]);
  return findings.filter((f) => f.ruleId === "LR010").map((f) => f.message);
}

describe("durable functions", () => {
  it("list-functions' DurableConfig marks the function durable", () => {
    expect(account([]).functions[0]!.durable).toBe(true);
    expect(account([], [], false).functions[0]!.durable).toBeUndefined();
  });

  it("LR010: the basic execution policy lacks the checkpoint actions; the durable one has them; an unqualified grant does not count", () => {
    const missing = `Function orders-saga: its execution role cannot use its durable executions ${FN}:* (missing lambda:CheckpointDurableExecution, lambda:GetDurableExecutionState)`;
    expect(lr010(account(["service-role/AWSLambdaBasicExecutionRole"]))).toEqual([missing]);
    expect(lr010(account(["service-role/AWSLambdaBasicDurableExecutionRolePolicy"]))).toEqual([]);
    const grant = (resource: string) => [{ Effect: "Allow", Action: ["lambda:CheckpointDurableExecution", "lambda:GetDurableExecutionState"], Resource: resource }];
    expect(lr010(account(["service-role/AWSLambdaBasicExecutionRole"], [grant(FN)]))).toEqual([missing]);
    expect(lr010(account(["service-role/AWSLambdaBasicExecutionRole"], [grant(`${FN}:*`)]))).toEqual([]);
    // Not durable: nothing asked.
    expect(lr010(account(["service-role/AWSLambdaBasicExecutionRole"], [], false))).toEqual([]);
  });

  it("generate keeps the checkpoint actions, on every version's executions, without any usage", () => {
    const g = generatePolicy(account(["service-role/AWSLambdaBasicDurableExecutionRolePolicy"]), FN, {}, catalog);
    const durable = g.policy.Statement.filter((s) => (s.Action ?? []).some((a) => a.includes("Durable")));
    expect(durable.flatMap((s) => s.Action ?? []).sort()).toEqual(["lambda:CheckpointDurableExecution", "lambda:GetDurableExecutionState"]);
    expect(durable.flatMap((s) => s.Resource)).toEqual([`${FN}:*`]);
    // The statement allows a real checkpoint of version 3's execution, and nothing on another function.
    const allows = (resource: string) => evaluateRequest({ identityPolicies: [g.policy], request: { action: "lambda:CheckpointDurableExecution", resource } }).decision;
    expect(allows(`${FN}:3/durable-execution/order-42/0f1e2d3c`)).toBe("allowed");
    expect(allows(`${FN}:$LATEST/durable-execution/order-42/0f1e2d3c`)).toBe("allowed");
    expect(allows(`arn:aws:lambda:us-east-1:${ACCOUNT}:function:other:1/durable-execution/x/y`)).toBe("implicit-deny");
  });
});
