/**
 * Takeovers of existing compute the LR014 sweep of session 59 found missing from the catalogue
 * (pathfinding.cloud's and Bishop Fox iam-vulnerable's methods): each is a path with its one
 * action on every resource of its type, and none with the action scoped to what cannot run the
 * caller's code.
 */
import { describe, expect, it } from "vitest";
import { analyzeDocument } from "../../src/analysis/index.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import type { PolicyStatement } from "../../src/model/document.js";
import { ACCOUNT, allow, documentOf, fn, policy, role, roleArn } from "../fixtures/rules/builders.js";

const catalog = loadActionCatalogSync();
const self = roleArn("app-role");
const pathsWith = (...statements: PolicyStatement[]): string[] => {
  const doc = analyzeDocument(documentOf({ roles: [role("app-role", { inline: { p: policy(...statements) } })], functions: [fn("app", "app-role")] }), catalog);
  return doc.roles.find((r) => r.arn === self)!.analysis!.escalationPaths.map((p) => p.id);
};

describe("takeovers of existing compute", () => {
  for (const [action, id] of [
    ["codebuild:StartBuild", "codebuild-start-build-override"],
    ["codebuild:StartBuildBatch", "codebuild-start-build-override"],
    ["cloudformation:UpdateStack", "cloudformation-update-stack"],
    ["apprunner:UpdateService", "apprunner-update-service"],
    ["ssm:CreateAssociation", "ssm-create-association"],
  ] as const) {
    it(`${action} on every resource of its type is ${id}`, () => {
      expect(pathsWith(allow([action], ["*"]))).toEqual([id]);
    });
  }

  it("scoped to one named resource (a project, a stack) the inputs do not show, none: the representative 'any' target is not granted", () => {
    expect(pathsWith(allow(["codebuild:StartBuild"], [`arn:aws:codebuild:us-east-1:${ACCOUNT}:project/unit-tests`]))).toEqual([]);
    expect(pathsWith(allow(["cloudformation:UpdateStack"], [`arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/web/*`]))).toEqual([]);
  });

  it("ssm:CreateAssociation with one fixed document of its own is none (only AWS's shell documents run any command)", () => {
    expect(pathsWith(allow(["ssm:CreateAssociation"], [`arn:aws:ec2:*:${ACCOUNT}:instance/*`, "arn:aws:ssm:*::document/AWS-ConfigureAWSPackage"]))).toEqual([]);
    expect(pathsWith(allow(["ssm:CreateAssociation"], [`arn:aws:ec2:*:${ACCOUNT}:instance/*`, "arn:aws:ssm:*::document/AWS-RunShellScript"]))).toEqual(["ssm-create-association"]);
  });

  it("an Auto Scaling group from an existing launch configuration is none on its own (its instances run none of the caller's code); with a way onto the instance, that way is the path", () => {
    const asg = allow(["autoscaling:CreateAutoScalingGroup", "autoscaling:UpdateAutoScalingGroup"], ["*"]);
    expect(pathsWith(asg)).toEqual([]);
    expect(pathsWith(asg, allow(["ssm:StartSession"], ["*"]))).toEqual(["ssm-start-session"]);
    // A new launch configuration with a role passed to EC2 is passrole-autoscaling.
    expect(pathsWith(asg, allow(["autoscaling:CreateLaunchConfiguration", "iam:PassRole"], ["*"]))).toEqual(["passrole-autoscaling"]);
  });
});
