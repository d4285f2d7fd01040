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

describe("iam-create-role with a grant limited to some role names", () => {
  // Before, the new role was only "any role" (role/*): a principal allowed to create, write and
  // assume role/sandbox-* (a common delegation without a permissions boundary) had no path.
  const sandbox = `arn:aws:iam::${ACCOUNT}:role/sandbox-*`;
  const resourcesOf = (...statements: PolicyStatement[]) => {
    const doc = analyzeDocument(documentOf({ roles: [role("app-role", { inline: { p: policy(...statements) } })], functions: [fn("app", "app-role")] }), catalog);
    const path = doc.roles.find((r) => r.arn === self)!.analysis!.escalationPaths.find((p) => p.id === "iam-create-role");
    return path === undefined ? undefined : { resources: path.resources, conditional: path.conditional };
  };

  it("is a path on a role it names as its grant allows", () => {
    expect(resourcesOf(allow(["iam:CreateRole", "iam:PutRolePolicy"], [sandbox]))).toEqual({ resources: ["<new role sandbox-lr in 123456789012>"], conditional: false });
    expect(resourcesOf(allow(["iam:CreateRole", "iam:AttachRolePolicy"], [`arn:aws:iam::*:role/team/app-??`]))).toEqual({ resources: ["<new role team/app-xx in 123456789012>"], conditional: false });
  });

  it("is none when the name it may create is not one it may write, or a Deny takes the name back", () => {
    expect(resourcesOf(allow(["iam:CreateRole"], [sandbox]), allow(["iam:PutRolePolicy"], [`arn:aws:iam::${ACCOUNT}:role/other-*`]))).toBeUndefined();
    expect(resourcesOf(allow(["iam:CreateRole", "iam:PutRolePolicy"], [sandbox]), { Effect: "Deny", Action: ["iam:CreateRole"], Resource: [sandbox] })).toBeUndefined();
    expect(resourcesOf(allow(["iam:CreateRole", "iam:PutRolePolicy"], [sandbox]), { Effect: "Deny", Action: ["sts:AssumeRole"], Resource: ["*"] })).toBeUndefined();
    // Another account's roles, or one the policy variable names, are no name of its choosing.
    expect(resourcesOf(allow(["iam:CreateRole", "iam:PutRolePolicy"], ["arn:aws:iam::999999999999:role/sandbox-*"]))).toBeUndefined();
    expect(resourcesOf(allow(["iam:CreateRole", "iam:PutRolePolicy"], ["arn:aws:iam::*:role/${aws:username}"]))).toBeUndefined();
  });

  it("is conditional when CreateRole is pinned to a permissions boundary (the new role is capped by it)", () => {
    const pinned = allow(["iam:CreateRole"], [sandbox], { Condition: { StringEquals: { "iam:PermissionsBoundary": [`arn:aws:iam::${ACCOUNT}:policy/dev-boundary`] } } });
    expect(resourcesOf(pinned, allow(["iam:PutRolePolicy"], [sandbox]))).toEqual({ resources: ["<new role sandbox-lr in 123456789012>"], conditional: true });
  });

  it("on every role name, it is the representative any role, as before", () => {
    expect(resourcesOf(allow(["iam:CreateRole", "iam:PutRolePolicy"], [`arn:aws:iam::${ACCOUNT}:role/*`]))).toEqual({ resources: ["<any role in 123456789012>"], conditional: false });
  });
});
