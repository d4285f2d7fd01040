/**
 * What `leastrole generate` writes, audited: the policy for a function whose calls named no resource
 * (cloudwatch:PutMetricData, comprehend:DetectEntities, one optional resource type in the Service
 * Authorization Reference) grants those on `*`, and LR003 must not then report generate's own output
 * as "can be scoped". A scopable action the function called on `*` by hand still is.
 */
import { describe, expect, it } from "vitest";
import { analyzeDocument } from "../../src/analysis/index.js";
import { evaluateDocument, loadBuiltinPack } from "../../src/evaluate/index.js";
import { generatePolicy } from "../../src/generate/index.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import type { PolicyDocument } from "../../src/model/document.js";
import { allow, documentOf, fn as ruleFn, policy, role as ruleRole } from "../fixtures/rules/builders.js";
import { ACCOUNT, action, document, lambdaFunction, REGION, role, roleArn, session } from "./fixtures.js";

const catalog = loadActionCatalogSync();
const TABLE = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/metrics`;

/** LR003 findings of an audit of one role holding `inline`, used by one function. */
function lr003(inline: PolicyDocument): { message: string; evidence: Record<string, unknown> }[] {
  const doc = analyzeDocument(documentOf({ roles: [ruleRole("metrics-role", { inline: { app: inline } })], functions: [ruleFn("metrics", "metrics-role")] }), catalog);
  return evaluateDocument(doc, [loadBuiltinPack()]).findings.filter((f) => f.ruleId === "LR003");
}

describe("LR003 on the policy generate writes", () => {
  it("calls that named no resource, granted on * by generate, are not reported as scopable", () => {
    const r = roleArn("metrics-role");
    const f = lambdaFunction("metrics", r);
    const observed = [session(f, [action("cloudwatch:PutMetricData", 500), action("comprehend:DetectEntities", 40), action("dynamodb:GetItem", 90, [TABLE])])];
    const g = generatePolicy(document([f], [role(r, [f.arn])], observed), f.arn, {}, catalog);
    const onStar = g.policy.Statement.filter((s) => s.Resource?.includes("*")).flatMap((s) => s.Action ?? []);
    // What makes the round trip meaningful: generate did write them on `*`.
    expect(onStar).toEqual(expect.arrayContaining(["cloudwatch:PutMetricData", "comprehend:DetectEntities"]));
    expect(lr003(g.policy)).toEqual([]);
  });

  it("a statement mixing them with a scopable action is reported for that action only", () => {
    const found = lr003(policy(allow(["cloudwatch:PutMetricData", "comprehend:DetectEntities", "dynamodb:GetItem"])));
    expect(found).toHaveLength(1);
    expect(found[0]!.evidence).toMatchObject({ actions: ["dynamodb:GetItem"], actionCount: 1 });
    expect(found[0]!.message).toContain("grants 1 action on Resource \"*\" that can be scoped to specific resources (dynamodb:GetItem)");
  });
});
