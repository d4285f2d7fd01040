/**
 * An inline policy that cannot be decoded is left out of the role, which the reader marks
 * incomplete: the analysis must treat it like an attached managed policy without a document
 * (it might grant what looks refused), so the missing-permission rules say "info", not "medium".
 */
import { describe, expect, it } from "vitest";
import { analyzeDocument } from "../../src/analysis/index.js";
import { auditDocument } from "../../src/audit/index.js";
import { normalizeFragments } from "../normalize/checked.js";
import { mustRead } from "../sources/helpers.js";

const ACCOUNT = "111122223333";
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/service-role/alpha-role`;
const TRUST = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };
const role = (policyDocument: unknown) => ({
  Path: "/service-role/",
  RoleName: "alpha-role",
  RoleId: "AROAALPHAROLEXXXXXXX",
  Arn: ROLE_ARN,
  CreateDate: "2025-01-10T10:00:00Z",
  AssumeRolePolicyDocument: TRUST,
  RolePolicyList: [{ PolicyName: "alpha-role-inline", PolicyDocument: policyDocument }],
  AttachedManagedPolicies: [],
  RoleLastUsed: {},
});
const functions = {
  Functions: [
    {
      FunctionName: "alpha-fn",
      FunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:alpha-fn`,
      Runtime: "python3.12",
      Role: ROLE_ARN,
      Handler: "app.handler",
      LastModified: "2026-01-01T00:00:00.000+0000",
      PackageType: "Zip",
    },
  ],
};
const logs = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["sqs:DeleteQueue"], Resource: "*" }] };

function lr005(policyDocument: unknown) {
  const iam = mustRead("iam.json", { RoleDetailList: [role(policyDocument)], Policies: [], UserDetailList: [], GroupDetailList: [] });
  const { document } = normalizeFragments([iam, mustRead("list-functions.json", functions)], { lookupManagedPolicy: null });
  const analyzed = analyzeDocument(document);
  const fn = analyzed.functions.find((f) => f.name === "alpha-fn")!;
  return { roleIncomplete: fn.analysis!.roleIncomplete, severities: auditDocument(analyzed).findings.filter((f) => f.ruleId === "LR005").map((f) => f.severity) };
}

describe("an inline policy that cannot be decoded", () => {
  it("marks the role's policies unresolved: LR005 is info, as for a missing managed policy", () => {
    // Cut short in the middle of a percent escape, as the tester's export was.
    const broken = encodeURIComponent(JSON.stringify(logs)).slice(0, -4) + "%2";
    expect(lr005(broken)).toEqual({ roleIncomplete: true, severities: ["info"] });
  });

  it("a readable policy that grants no logs permission is still medium", () => {
    expect(lr005(logs)).toEqual({ roleIncomplete: false, severities: ["medium"] });
  });
});

describe("a role whose trust policy alone is unknown", () => {
  it("keeps its permissions judged: LR005 stays medium (the reader marks it incomplete for the trust policy only)", () => {
    const template = {
      AWSTemplateFormatVersion: "2010-09-09",
      Resources: {
        AlphaRole: {
          Type: "AWS::IAM::Role",
          // No AssumeRolePolicyDocument: the trust policy is unknown, the permissions are all here.
          Properties: { Policies: [{ PolicyName: "alpha-inline", PolicyDocument: logs }] },
        },
        AlphaFn: { Type: "AWS::Lambda::Function", Properties: { FunctionName: "alpha-fn", Runtime: "python3.12", Handler: "app.handler", Role: { "Fn::GetAtt": ["AlphaRole", "Arn"] }, Code: { ZipFile: "x" } } },
      },
    };
    const { document } = normalizeFragments([mustRead("template.json", template)], { lookupManagedPolicy: null });
    expect(document.roles[0]?.trustPolicy).toBeNull();
    expect(document.roles[0]?.facts.incomplete).toBe(true);
    const analyzed = analyzeDocument(document);
    expect(auditDocument(analyzed).findings.filter((f) => f.ruleId === "LR005").map((f) => f.severity)).toEqual(["medium"]);
  });
});
