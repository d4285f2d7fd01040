/**
 * LR010 on an event source mapping that is disabled: `list-event-source-mappings` says
 * `"State": "Disabled"` (a template or plan `Enabled: false`). Lambda polls nothing through it, so
 * nothing fails now, but it will when the mapping is enabled, and mappings are often disabled
 * because they could not work: the finding stays, at its severity, and says so. Through the
 * readers, the normaliser, the analysis and the compiled pack. Needs `npm run build:policies`.
 */
import { describe, expect, it } from "vitest";
import { analyzeDocument } from "../../src/analysis/index.js";
import { evaluateDocument, loadBuiltinPack } from "../../src/evaluate/index.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import type { Finding } from "../../src/model/findings.js";
import { readSourceBytes } from "../../src/sources/read-sources.js";
import { normalizeFragments } from "../normalize/checked.js";

const catalog = loadActionCatalogSync();
const ACCOUNT = "123456789012";
const FN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:orders-worker`;
const QUEUE = `arn:aws:sqs:us-east-1:${ACCOUNT}:orders-queue`;
const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };

function lr010(states: string[]): Finding[] {
  const iam = {
    RoleDetailList: [{
      Path: "/", RoleName: "worker-role", RoleId: "AROAWORKER", Arn: `arn:aws:iam::${ACCOUNT}:role/worker-role`, CreateDate: "2026-09-01T00:00:00Z",
      AssumeRolePolicyDocument: trust, RolePolicyList: [],
      AttachedManagedPolicies: [{ PolicyName: "AWSLambdaBasicExecutionRole", PolicyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" }],
      Tags: [], RoleLastUsed: {},
    }],
    UserDetailList: [], GroupDetailList: [], Policies: [],
  };
  const functions = { Functions: [{ FunctionName: "orders-worker", FunctionArn: FN, Runtime: "nodejs22.x", Role: `arn:aws:iam::${ACCOUNT}:role/worker-role`, Version: "$LATEST", LastModified: "2026-10-01T00:00:00.000+0000" }] };
  // list-event-source-mappings entries as the API returns them (a mapping disabled with
  // update-event-source-mapping --no-enabled: State "Disabled", StateTransitionReason "USER_INITIATED").
  const mappings = {
    EventSourceMappings: states.map((State, i) => ({
      UUID: `a1b2c3d4-0000-0000-0000-00000000000${i}`, BatchSize: 10, MaximumBatchingWindowInSeconds: 0, EventSourceArn: QUEUE, FunctionArn: FN,
      LastModified: 1759300000, State, StateTransitionReason: "USER_INITIATED", FunctionResponseTypes: [],
    })),
  };
  const fragments = [
    readSourceBytes("iam.json", JSON.stringify(iam)).fragment!,
    readSourceBytes("lambda/us-east-1/functions.json", JSON.stringify(functions)).fragment!,
    readSourceBytes("lambda/us-east-1/list-event-source-mappings.json", JSON.stringify(mappings)).fragment!,
  ];
  const doc = normalizeFragments(fragments).document;
  const { findings, diagnostics } = evaluateDocument(analyzeDocument(doc, catalog), [loadBuiltinPack()], { today: "2026-11-28" });
  expect(diagnostics).toEqual([]);
  return findings.filter((f) => f.ruleId === "LR010");
}

describe("LR010 on a disabled event source mapping", () => {
  const base = `Function orders-worker: its execution role cannot use its event source ${QUEUE} (missing sqs:DeleteMessage, sqs:GetQueueAttributes, sqs:ReceiveMessage)`;

  it("an enabled mapping: the finding as before, mappingDisabled false", () => {
    const [f, ...rest] = lr010(["Enabled"]);
    expect(rest).toEqual([]);
    expect(f!.message).toBe(base);
    expect(f!.severity).toBe("medium");
    expect(f!.evidence.mappingDisabled).toBe(false);
  });

  it("a disabled mapping: the same finding at the same severity, saying it is disabled", () => {
    const [f, ...rest] = lr010(["Disabled"]);
    expect(rest).toEqual([]);
    expect(f!.message).toBe(`${base}; its event source mapping is disabled: Lambda reads nothing through it now, and needs these permissions when it is enabled`);
    expect(f!.severity).toBe("medium");
    expect(f!.evidence.mappingDisabled).toBe(true);
  });

  it("two mappings of the queue, one enabled: the permissions are needed now", () => {
    const [f] = lr010(["Disabled", "Enabled"]);
    expect(f!.message).toBe(base);
    expect(f!.evidence.mappingDisabled).toBe(false);
  });

  it("two disabled mappings of the queue: said in the plural", () => {
    const [f] = lr010(["Disabled", "Disabling"]);
    expect(f!.message).toContain("; its event source mappings are disabled:");
  });
});
