/**
 * LR014 methods the catalogue lacked (Rhino Security Labs' "AWS IAM privilege escalation methods",
 * PMapper's edges, Cloudsplaining; /work/shared/reference/iam-tools-landscape.md §3) and a false
 * positive: each new method is a path with every step granted, and none when a Deny or a missing
 * iam:PassRole stops one; iam:SetDefaultPolicyVersion reaches only a policy with another version.
 */
import { describe, expect, it } from "vitest";
import { analyzeDocument } from "../../src/analysis/index.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import type { ManagedPolicy, PolicyDocument, PolicyStatement } from "../../src/model/document.js";
import { ACCOUNT, allow, awsManaged, customerManaged, deny, documentOf, fn, functionArn, policy, role, roleArn, user } from "../fixtures/rules/builders.js";

const catalog = loadActionCatalogSync();
const self = roleArn("app-role");
const trusting = (service: string): PolicyDocument => policy({ Effect: "Allow", Principal: { Service: [service] }, Action: ["sts:AssumeRole"] });

/** The paths of `app-role` (which runs function `app`), next to an administrator role `admin` that trusts `service`. */
function analysed(statements: PolicyStatement[], service = "lambda.amazonaws.com", policies: ManagedPolicy[] = [], managed: string[] = []) {
  const doc = analyzeDocument(
    documentOf({
      roles: [role("app-role", { inline: { p: policy(...statements) }, managed }), role("admin", { managed: ["arn:aws:iam::aws:policy/AdministratorAccess"], trust: trusting(service) })],
      functions: [fn("app", "app-role"), fn("admin-fn", "admin")],
      policies: [awsManaged("AdministratorAccess"), ...policies],
    }),
    catalog,
  );
  return doc.roles.find((r) => r.arn === self)!.analysis!;
}
const pathsOf = (statements: PolicyStatement[], service?: string) => analysed(statements, service).escalationPaths;
const ids = (statements: PolicyStatement[], service?: string) => pathsOf(statements, service).map((p) => p.id);

describe("an instance profile attached to an existing EC2 instance", () => {
  const id = "passrole-ec2-associate-instance-profile";
  for (const action of ["ec2:AssociateIamInstanceProfile", "ec2:ReplaceIamInstanceProfileAssociation"]) {
    it(`iam:PassRole to EC2 + ${action} on any instance is a path, on an existing instance (a takeover)`, () => {
      const path = pathsOf([allow(["iam:PassRole", action])], "ec2.amazonaws.com").find((p) => p.id === id);
      expect(path?.actions).toEqual(["iam:PassRole", action]);
      expect(path?.resources).toEqual([`<any ec2 instance in ${ACCOUNT}>`, `<any role in ${ACCOUNT}>`]);
    });
  }

  it("is none without iam:PassRole, with PassRole only to Lambda, or with the association denied", () => {
    expect(ids([allow(["ec2:AssociateIamInstanceProfile"])], "ec2.amazonaws.com")).not.toContain(id);
    const lambdaOnly = allow(["iam:PassRole"], ["*"], { Condition: { StringEquals: { "iam:PassedToService": ["lambda.amazonaws.com"] } } });
    expect(ids([lambdaOnly, allow(["ec2:AssociateIamInstanceProfile"])], "ec2.amazonaws.com")).not.toContain(id);
    expect(ids([allow(["iam:PassRole", "ec2:AssociateIamInstanceProfile", "ec2:ReplaceIamInstanceProfileAssociation"]), deny(["ec2:*IamInstanceProfile*"])], "ec2.amazonaws.com")).not.toContain(id);
  });

  it("PassRole to one role reaches it only when it trusts EC2", () => {
    const grants = [allow(["iam:PassRole"], [roleArn("admin")]), allow(["ec2:AssociateIamInstanceProfile"])];
    expect(pathsOf(grants, "ec2.amazonaws.com").find((p) => p.id === id)?.resources).toContain(roleArn("admin"));
    expect(ids(grants, "lambda.amazonaws.com")).not.toContain(id);
  });
});

describe("an Auto Scaling launch configuration with another role's instance profile", () => {
  const id = "passrole-autoscaling";
  for (const run of ["autoscaling:CreateAutoScalingGroup", "autoscaling:UpdateAutoScalingGroup"]) {
    it(`iam:PassRole to EC2 + CreateLaunchConfiguration + ${run} is a path`, () => {
      const path = pathsOf([allow(["iam:PassRole", "autoscaling:CreateLaunchConfiguration", run])], "ec2.amazonaws.com").find((p) => p.id === id);
      expect(path?.actions).toEqual(["iam:PassRole", "autoscaling:CreateLaunchConfiguration", run]);
    });
  }

  it("the role is passed to ec2.amazonaws.com (the instances assume it), not to autoscaling.amazonaws.com", () => {
    const only = (service: string) => allow(["iam:PassRole"], ["*"], { Condition: { StringEquals: { "iam:PassedToService": [service] } } });
    const steps = allow(["autoscaling:CreateLaunchConfiguration", "autoscaling:CreateAutoScalingGroup"]);
    expect(ids([only("ec2.amazonaws.com"), steps], "ec2.amazonaws.com")).toContain(id);
    expect(ids([only("autoscaling.amazonaws.com"), steps], "ec2.amazonaws.com")).not.toContain(id);
  });

  it("is none without iam:PassRole, without a group to launch from it, or with CreateLaunchConfiguration denied", () => {
    expect(ids([allow(["autoscaling:CreateLaunchConfiguration", "autoscaling:CreateAutoScalingGroup"])], "ec2.amazonaws.com")).not.toContain(id);
    expect(ids([allow(["iam:PassRole", "autoscaling:CreateLaunchConfiguration"])], "ec2.amazonaws.com")).not.toContain(id);
    expect(ids([allow(["iam:PassRole", "autoscaling:*"]), deny(["autoscaling:CreateLaunchConfiguration"])], "ec2.amazonaws.com")).not.toContain(id);
  });
});

describe("an existing ECS task definition run with another task role (overrides.taskRoleArn)", () => {
  const id = "ecs-run-task-override";
  for (const run of ["ecs:RunTask", "ecs:StartTask"]) {
    it(`iam:PassRole to ECS tasks + ${run} on any task definition is a path, without RegisterTaskDefinition`, () => {
      const paths = pathsOf([allow(["iam:PassRole", run])], "ecs-tasks.amazonaws.com");
      expect(paths.map((p) => p.id)).toEqual([id]);
      expect(paths[0]!.resources).toEqual([`<any ecs task-definition in ${ACCOUNT}>`, `<any role in ${ACCOUNT}>`]);
    });
  }

  it("is none without iam:PassRole, with RunTask denied, or on one named task definition the inputs do not show", () => {
    expect(ids([allow(["ecs:RunTask", "ecs:StartTask"])], "ecs-tasks.amazonaws.com")).toEqual([]);
    expect(ids([allow(["iam:PassRole", "ecs:RunTask"]), deny(["ecs:RunTask"])], "ecs-tasks.amazonaws.com")).toEqual([]);
    expect(ids([allow(["iam:PassRole"]), allow(["ecs:RunTask"], [`arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/nightly:*`])], "ecs-tasks.amazonaws.com")).toEqual([]);
  });
});

describe("a role of its own making (iam:CreateRole), granted anything and assumed", () => {
  const id = "iam-create-role";
  for (const grant of ["iam:PutRolePolicy", "iam:AttachRolePolicy"]) {
    it(`iam:CreateRole + ${grant} is a path without an sts:AssumeRole grant: the trust it writes names it`, () => {
      const path = pathsOf([allow(["iam:CreateRole", grant])]).find((p) => p.id === id);
      expect(path?.actions).toEqual(["iam:CreateRole", grant, "sts:AssumeRole"]);
      expect(path?.resources).toEqual([`<any role in ${ACCOUNT}>`]);
      // Its statements are the principal's own, never the trust policy it would write.
      expect(path?.statements.map((s) => s.policy)).toEqual(["inline:p"]);
    });
  }

  it("is none when a Deny of sts:AssumeRole stops the last step, without CreateRole, or with the grant on one named role only", () => {
    expect(ids([allow(["iam:CreateRole", "iam:PutRolePolicy"]), deny(["sts:AssumeRole"])])).not.toContain(id);
    expect(ids([allow(["iam:PutRolePolicy"])])).not.toContain(id);
    expect(ids([allow(["iam:CreateRole"]), allow(["iam:PutRolePolicy"], [roleArn("admin")])])).not.toContain(id);
  });

  it("is no blocked candidate of a principal that names none of its actions (the assume step needs no grant)", () => {
    const analysis = analysed([allow(["s3:GetObject"])]);
    expect(analysis.blockedEscalations.map((b) => b.id)).not.toContain(id);
    expect(analysis.blockedEscalations.map((b) => b.id)).not.toContain("iam-update-assume-role-policy");
    expect(analysed([allow(["iam:CreateRole"])]).blockedEscalations.find((b) => b.id === id)?.action).toBe("iam:PutRolePolicy | iam:AttachRolePolicy");
  });

  it("a boundary that does not allow sts:AssumeRole stops it", () => {
    const bounded = role("app-role", { inline: { p: policy(allow(["iam:CreateRole", "iam:PutRolePolicy"])) }, boundary: `arn:aws:iam::${ACCOUNT}:policy/b` });
    const doc = analyzeDocument(documentOf({ roles: [bounded], functions: [fn("app", "app-role")], policies: [customerManaged("b", policy(allow(["iam:*"])))] }), catalog);
    expect(doc.roles[0]!.analysis!.escalationPaths.map((p) => p.id)).not.toContain(id);
  });
});

describe("its own function given a more privileged role (lambda:UpdateFunctionConfiguration + iam:PassRole)", () => {
  const id = "lambda-update-own-function-role";
  it("is a path on the principal's own function, with PassRole to Lambda", () => {
    const path = pathsOf([allow(["iam:PassRole"]), allow(["lambda:UpdateFunctionConfiguration"], [functionArn("app")])]).find((p) => p.id === id);
    expect(path?.actions).toEqual(["iam:PassRole", "lambda:UpdateFunctionConfiguration"]);
    expect(path?.resources).toEqual([`<any role in ${ACCOUNT}>`, functionArn("app")]);
  });

  it("reaches each of its own functions the grant covers, and only those", () => {
    const doc = analyzeDocument(
      documentOf({
        roles: [role("app-role", { inline: { p: policy(allow(["iam:PassRole"]), allow(["lambda:UpdateFunctionConfiguration"], [functionArn("app"), functionArn("app2"), functionArn("other")])) } }), role("admin")],
        functions: [fn("app", "app-role"), fn("app2", "app-role"), fn("app3", "app-role"), fn("other", "admin")],
      }),
      catalog,
    );
    const path = doc.roles.find((r) => r.arn === self)!.analysis!.escalationPaths.find((p) => p.id === id);
    expect(path?.resources).toEqual([`<any role in ${ACCOUNT}>`, functionArn("app"), functionArn("app2")]);
  });

  it("is none without iam:PassRole (its own function runs with its own role already), with PassRole only to EC2, or with a Deny", () => {
    expect(ids([allow(["lambda:UpdateFunctionConfiguration"], [functionArn("app")])])).toEqual([]);
    const ec2Only = allow(["iam:PassRole"], ["*"], { Condition: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com"] } } });
    expect(ids([ec2Only, allow(["lambda:UpdateFunctionConfiguration"], [functionArn("app")])])).toEqual([]);
    expect(ids([allow(["iam:PassRole"]), allow(["lambda:UpdateFunctionConfiguration"], [functionArn("app")]), deny(["lambda:UpdateFunctionConfiguration"])])).toEqual([]);
  });

  it("another function only is not its own: that is lambda-update-configuration's, not this path", () => {
    const other = ids([allow(["iam:PassRole"]), allow(["lambda:UpdateFunctionConfiguration"], [functionArn("admin-fn")])]);
    expect(other).toContain("lambda-update-configuration");
    expect(other).not.toContain(id);
  });
});

describe("iam:SetDefaultPolicyVersion needs a version to roll back to", () => {
  const id = "iam-set-default-policy-version";
  const own = (versions: number): ManagedPolicy => ({
    ...customerManaged("app-policy", policy(allow(["iam:SetDefaultPolicyVersion"], [`arn:aws:iam::${ACCOUNT}:policy/app-policy`]))),
    defaultVersionId: `v${versions}`,
    otherVersions: Array.from({ length: versions - 1 }, (_, i) => ({ versionId: `v${i + 1}`, document: policy(allow(["*"])) })),
  });
  const ownPaths = (p: ManagedPolicy) => analysed([], undefined, [p], [p.arn]).escalationPaths;

  it("is a path on its own policy when the export holds a non-default version", () => {
    expect(ownPaths(own(2)).map((p) => [p.id, p.resources])).toEqual([[id, [`arn:aws:iam::${ACCOUNT}:policy/app-policy`]]]);
  });

  it("is none on a policy whose only version is the default (nothing to roll back to)", () => {
    const analysis = analysed([], undefined, [own(1)], [own(1).arn]);
    expect(analysis.escalationPaths).toEqual([]);
    expect(analysis.blockedEscalations.find((b) => b.id === id)?.reason).toBe(`arn:aws:iam::${ACCOUNT}:policy/app-policy has no version but the default: nothing to roll back to`);
  });

  it("stays a path where the inputs do not give the versions (a template's policy: no version ID) and on every policy of the account", () => {
    expect(ownPaths({ ...own(1), defaultVersionId: null }).map((p) => p.id)).toEqual([id]);
    expect(ids([allow(["iam:SetDefaultPolicyVersion"])])).toEqual([id]);
  });

  it("a Deny stops it even with versions to roll back to", () => {
    const denied = { ...own(2), document: policy(allow(["iam:SetDefaultPolicyVersion"], [`arn:aws:iam::${ACCOUNT}:policy/app-policy`]), deny(["iam:SetDefaultPolicyVersion"])) };
    expect(ownPaths(denied)).toEqual([]);
  });
});

describe("its own permissions boundary deleted or replaced (iam:Delete/PutRolePermissionsBoundary on itself)", () => {
  const del = "iam-delete-permissions-boundary";
  const put = "iam-put-permissions-boundary";
  const boundaryArn = `arn:aws:iam::${ACCOUNT}:policy/b`;
  /** The analysis of `app-role` with inline `statements` and the boundary `b` (`boundary`), or none. */
  function bounded(statements: PolicyStatement[], boundary: PolicyDocument | null) {
    const r = role("app-role", { inline: { p: policy(...statements) }, ...(boundary ? { boundary: boundaryArn } : {}) });
    const doc = analyzeDocument(documentOf({ roles: [r], functions: [fn("app", "app-role")], policies: boundary ? [customerManaged("b", boundary)] : [] }), catalog);
    return doc.roles[0]!.analysis!;
  }
  const within = policy(allow(["iam:*", "s3:GetObject"]));

  it("is a path for a role whose identity policy grants more than its boundary, naming what it gains", () => {
    const path = bounded([allow(["iam:DeleteRolePermissionsBoundary"], [self]), allow(["s3:*"])], within).escalationPaths.find((p) => p.id === del);
    expect(path?.actions).toEqual(["iam:DeleteRolePermissionsBoundary"]);
    expect(path?.resources).toEqual([self]);
    expect(path?.statements.map((s) => s.policy)).toContain("inline:p");
    expect(path?.why).toMatch(/^app-role can delete its own permissions boundary .* actions beyond its boundary: s3:\w+, s3:\w+, s3:\w+, …\)$/);
    expect(path?.why).not.toContain("s3:GetObject,");
  });

  it("a user's is iam:DeleteUserPermissionsBoundary on itself (a role's action names no user)", () => {
    const u = { ...user("dev", { p: policy(allow(["iam:DeleteUserPermissionsBoundary", "iam:DeleteRolePermissionsBoundary"], [`arn:aws:iam::${ACCOUNT}:user/dev`, self]), allow(["s3:*"])) }), permissionsBoundaryArn: boundaryArn };
    const doc = analyzeDocument(documentOf({ principals: [u], policies: [customerManaged("b", within)] }), catalog);
    const path = doc.principals[0]!.analysis!.escalationPaths.find((p) => p.id === del);
    expect(path?.actions).toEqual(["iam:DeleteUserPermissionsBoundary"]);
    expect(path?.resources).toEqual([`arn:aws:iam::${ACCOUNT}:user/dev`]);
  });

  it("is none without a boundary (neither a path nor a candidate)", () => {
    const analysis = bounded([allow(["iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary", "s3:*"])], null);
    expect(analysis.escalationPaths.map((p) => p.id)).not.toContain(del);
    expect(analysis.escalationPaths.map((p) => p.id)).not.toContain(put);
    expect(analysis.blockedEscalations.map((b) => b.id)).not.toContain(del);
  });

  it("is none when the identity policy grants nothing beyond the boundary", () => {
    const analysis = bounded([allow(["iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary", "s3:GetObject"])], within);
    expect(analysis.escalationPaths.map((p) => p.id)).toEqual([]);
    expect(analysis.blockedEscalations.find((b) => b.id === del)?.reason).toBe("its permissions boundary allows every action its identity policies grant: nothing to gain");
  });

  it("is none with a Deny of the call, or another role named", () => {
    expect(bounded([allow(["iam:DeleteRolePermissionsBoundary", "s3:*"]), deny(["iam:DeleteRolePermissionsBoundary"], [self])], within).escalationPaths.map((p) => p.id)).not.toContain(del);
    expect(bounded([allow(["iam:DeleteRolePermissionsBoundary"], [roleArn("other")]), allow(["s3:*"])], within).escalationPaths.map((p) => p.id)).not.toContain(del);
  });

  it("is none when the boundary does not allow the Delete call itself", () => {
    const analysis = bounded([allow(["iam:DeleteRolePermissionsBoundary", "s3:*"])], policy(allow(["s3:GetObject"])));
    expect(analysis.escalationPaths.map((p) => p.id)).not.toContain(del);
    expect(analysis.blockedEscalations.find((b) => b.id === del)?.action).toBe("iam:DeleteRolePermissionsBoundary");
  });

  it("a Delete conditioned on iam:PermissionsBoundary being its boundary is a path: the key names the boundary attached", () => {
    const pinned = allow(["iam:DeleteRolePermissionsBoundary"], [self], { Condition: { StringEquals: { "iam:PermissionsBoundary": [boundaryArn] } } });
    const path = bounded([pinned, allow(["s3:*"])], within).escalationPaths.find((p) => p.id === del);
    expect(path?.conditional).toBe(false);
  });

  it("Put with any boundary is a path; Put pinned to the boundary it has (iam:PermissionsBoundary) is none", () => {
    expect(bounded([allow(["iam:PutRolePermissionsBoundary"], [self]), allow(["s3:*"])], within).escalationPaths.find((p) => p.id === put)?.actions).toEqual(["iam:PutRolePermissionsBoundary"]);
    const pinned = allow(["iam:PutRolePermissionsBoundary"], [self], { Condition: { StringEquals: { "iam:PermissionsBoundary": [boundaryArn] } } });
    const analysis = bounded([pinned, allow(["s3:*"])], within);
    expect(analysis.escalationPaths.map((p) => p.id)).not.toContain(put);
    expect(analysis.blockedEscalations.map((b) => b.id)).toContain(put);
    // A grant for any policy of the account is one: the principal may name a broader one.
    const account = allow(["iam:PutRolePermissionsBoundary"], [self], { Condition: { ArnLike: { "iam:PermissionsBoundary": [`arn:aws:iam::${ACCOUNT}:policy/*`] } } });
    expect(bounded([account, allow(["s3:*"])], within).escalationPaths.map((p) => p.id)).toContain(put);
  });
});
