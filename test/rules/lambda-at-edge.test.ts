/**
 * Lambda@Edge: CloudFront runs replicas of a us-east-1 function in the Regions it picks, with the
 * function's execution role, and they log there to `/aws/lambda/us-east-1.<name>` (a custom log
 * group keeps its name): CloudFront developer guide, "Edge function logs". The role must trust
 * edgelambda.amazonaws.com ("Set up IAM permissions and roles for Lambda@Edge"). Before, the
 * logging requirement was the us-east-1 group alone: LR005 passed a role whose replicas could not
 * log, and `generate` narrowed AWS's documented `arn:aws:logs:*:*:*` to us-east-1, which silenced
 * every replica. Through the reader, the normaliser, the analysis, the compiled pack (LR005) and
 * `generate`. Needs `npm run build:policies` (as `npm test` does).
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
// The trust policy the CloudFront guide gives for a Lambda@Edge execution role.
const EDGE_TRUST = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com", "edgelambda.amazonaws.com"] }, Action: "sts:AssumeRole" }] };
const LAMBDA_TRUST = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };

function account(opts: { trust?: object; region?: string; logs: object[]; logGroup?: string }): CanonicalDocument {
  const region = opts.region ?? "us-east-1";
  const iam = {
    RoleDetailList: [{
      Path: "/", RoleName: "edge-role", RoleId: "AROAEDGE", Arn: `arn:aws:iam::${ACCOUNT}:role/edge-role`, CreateDate: "2026-09-01T00:00:00Z",
      AssumeRolePolicyDocument: opts.trust ?? EDGE_TRUST,
      RolePolicyList: [{ PolicyName: "logs", PolicyDocument: { Version: "2012-10-17", Statement: opts.logs } }],
      AttachedManagedPolicies: [], Tags: [], RoleLastUsed: {},
    }],
    UserDetailList: [], GroupDetailList: [], Policies: [],
  };
  const functions = {
    Functions: [{
      FunctionName: "viewer-auth", FunctionArn: `arn:aws:lambda:${region}:${ACCOUNT}:function:viewer-auth`, Runtime: "nodejs20.x", Role: `arn:aws:iam::${ACCOUNT}:role/edge-role`, Version: "$LATEST", LastModified: "2026-10-01T00:00:00.000+0000",
      ...(opts.logGroup ? { LoggingConfig: { LogFormat: "Text", LogGroup: opts.logGroup } } : {}),
    }],
  };
  const fragments = [readSourceBytes("iam.json", JSON.stringify(iam)).fragment!, readSourceBytes(`lambda/${region}/functions.json`, JSON.stringify(functions)).fragment!];
  return normalizeFragments(fragments).document;
}

function lr005(doc: CanonicalDocument): Array<[string, string]> {
  const { findings, diagnostics } = evaluateDocument(analyzeDocument(doc, catalog), [loadBuiltinPack()], { today: "2026-11-28" });
  expect(diagnostics).toEqual([]);
  return findings.filter((f) => f.ruleId === "LR005").map((f) => [f.severity, f.message]);
}

const LOGS = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"];
const US_EAST_1_ONLY = [{ Effect: "Allow", Action: LOGS, Resource: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/viewer-auth:*` }];
// The execution role policy of the CloudFront guide's Lambda@Edge page.
const EDGE_GUIDE = [{ Effect: "Allow", Action: LOGS, Resource: "arn:aws:logs:*:*:*" }];

describe("Lambda@Edge functions", () => {
  it("a us-east-1 function whose role trusts edgelambda is marked; one elsewhere, or on a Lambda-only role, is not", () => {
    expect(account({ logs: EDGE_GUIDE }).functions[0]!.lambdaAtEdge).toBe(true);
    expect(account({ logs: EDGE_GUIDE, region: "eu-west-1" }).functions[0]!.lambdaAtEdge).toBeUndefined();
    expect(account({ logs: EDGE_GUIDE, trust: LAMBDA_TRUST }).functions[0]!.lambdaAtEdge).toBeUndefined();
  });

  it("LR005: logs granted in us-east-1 only leave the replicas unable to log; the guide's policy is enough", () => {
    expect(lr005(account({ logs: US_EAST_1_ONLY }))).toEqual([
      ["medium", "Function viewer-auth cannot write its logs to /aws/lambda/us-east-1.viewer-auth (Lambda@Edge replicas, every Region): its execution role does not allow logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents"],
    ]);
    expect(lr005(account({ logs: EDGE_GUIDE }))).toEqual([]);
    // The same role without edgelambda in its trust: a regional function, and its grant is enough.
    expect(lr005(account({ logs: US_EAST_1_ONLY, trust: LAMBDA_TRUST }))).toEqual([]);
  });

  it("generate keeps logging in every Region for the replicas' group, and only that group", () => {
    const g = generatePolicy(account({ logs: EDGE_GUIDE }), `arn:aws:lambda:us-east-1:${ACCOUNT}:function:viewer-auth`, {}, catalog);
    const allows = (action: string, resource: string) => evaluateRequest({ identityPolicies: [g.policy], request: { action, resource } }).decision;
    for (const region of ["us-east-1", "eu-west-2", "ap-northeast-1", "sa-east-1"]) {
      const group = `arn:aws:logs:${region}:${ACCOUNT}:log-group:/aws/lambda/us-east-1.viewer-auth`;
      expect(allows("logs:CreateLogGroup", group), region).toBe("allowed");
      expect(allows("logs:PutLogEvents", `${group}:log-stream:2026/11/28/[$LATEST]abc`), region).toBe("allowed");
    }
    // Its own us-east-1 group (direct invocations) too, and no other function's group anywhere.
    expect(allows("logs:PutLogEvents", `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/viewer-auth:log-stream:x`)).toBe("allowed");
    expect(allows("logs:PutLogEvents", `arn:aws:logs:eu-west-2:${ACCOUNT}:log-group:/aws/lambda/us-east-1.other:log-stream:x`)).toBe("implicit-deny");
  });

  it("a custom log group keeps its name in every Region", () => {
    const doc = account({ logs: EDGE_GUIDE, logGroup: "/edge/viewer" });
    const g = generatePolicy(doc, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:viewer-auth`, {}, catalog);
    const allows = (resource: string) => evaluateRequest({ identityPolicies: [g.policy], request: { action: "logs:PutLogEvents", resource } }).decision;
    expect(allows(`arn:aws:logs:eu-central-1:${ACCOUNT}:log-group:/edge/viewer:log-stream:x`)).toBe("allowed");
    expect(allows(`arn:aws:logs:eu-central-1:${ACCOUNT}:log-group:/aws/lambda/us-east-1.viewer-auth:log-stream:x`)).toBe("implicit-deny");
  });
});
