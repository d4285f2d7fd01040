/**
 * LR014's paths name a template's or plan's targets as its code does: escalationPaths gives each
 * path the display names of its concrete resources (roles, functions, customer managed policies,
 * the principal itself) by resource, and the rule's message reads them. The path's `resources`
 * (the evidence) and their order stay the ARNs'. Before, the message said
 * "Inline policy on a role (iam:PutRolePolicy on <any role in unknown>,
 * arn:aws:iam::unknown:role/cg-debug-role-cgidexample01)" for the role it calls aws_iam_role.debug_role.
 */
import { describe, expect, it } from "vitest";
import { analyzeDocument } from "../../src/analysis/index.js";
import { auditDocument } from "../../src/audit/index.js";
import { buildDocument } from "../../src/audit/build-document.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import { allow, customerManaged, documentOf, fn, functionArn, policy, role, roleArn } from "../fixtures/rules/builders.js";

const catalog = loadActionCatalogSync();
const CLOUDGOAT = "/work/shared/corpus/terraform-plans/cloudgoat-lambda_privesc.plan.json";

describe("escalation paths of a template's or plan's principals", () => {
  it("give the display names of their concrete targets, by resource, and keep the resources as they were", () => {
    const managed = { ...customerManaged("shared-policy", policy(allow(["s3:GetObject"], ["*"]))), displayName: "aws_iam_policy.shared" };
    const app = {
      ...role("app", {
        inline: {
          p: policy(
            allow(["iam:PassRole"], [roleArn("worker"), roleArn("plain")]),
            allow(["lambda:CreateFunction", "lambda:InvokeFunction"], ["*"]),
            allow(["lambda:UpdateFunctionCode"], [functionArn("other")]),
            allow(["iam:CreatePolicyVersion"], [managed.arn]),
          ),
        },
        managed: [managed.arn],
      }),
      displayName: "aws_iam_role.app",
    };
    // Each holds what app lacks (a role holding nothing more is no target).
    const more = { inline: { more: policy(allow(["dynamodb:*"], ["*"])) } };
    const worker = { ...role("worker", more), displayName: "aws_iam_role.worker" };
    // An entity without a display name (as an account export's) is named by its ARN.
    const plain = role("plain", more);
    const other = { ...fn("other", "worker"), displayName: "module.other" };
    const doc = analyzeDocument(documentOf({ roles: [app, worker, plain], functions: [fn("app", "app"), other], policies: [managed] }), catalog);
    const paths = new Map((doc.roles.find((r) => r.arn === app.arn)?.analysis?.escalationPaths ?? []).map((p) => [p.id, p]));

    expect(paths.get("passrole-lambda")?.resources).toEqual(["<new lambda resource in 123456789012>", roleArn("plain"), roleArn("worker")]);
    expect(paths.get("passrole-lambda")?.resourceDisplayNames).toEqual({ [roleArn("worker")]: "aws_iam_role.worker" });
    expect(paths.get("lambda-update-code")?.resources).toEqual([functionArn("other")]);
    expect(paths.get("lambda-update-code")?.resourceDisplayNames).toEqual({ [functionArn("other")]: "module.other" });
    expect(paths.get("iam-create-policy-version")?.resources).toEqual([managed.arn]);
    expect(paths.get("iam-create-policy-version")?.resourceDisplayNames).toEqual({ [managed.arn]: "aws_iam_policy.shared" });
  });

  it("give none in an account export (no display names): the analysis is as before", () => {
    const app = role("app", { inline: { p: policy(allow(["iam:PutRolePolicy"], ["*"])) } });
    const doc = analyzeDocument(documentOf({ roles: [app], functions: [fn("app", "app")] }), catalog);
    const paths = doc.roles[0]!.analysis!.escalationPaths;
    expect(paths.map((p) => p.id)).toContain("iam-put-role-policy");
    expect(paths.every((p) => !("resourceDisplayNames" in p))).toBe(true);
  });

  it("LR014 on a Terraform plan (CloudGoat lambda_privesc) names the role it reaches by its address, its fingerprint as before", async () => {
    const doc = await buildDocument([CLOUDGOAT], { workers: 1 });
    const report = auditDocument(doc);
    const f = report.findings.find((x) => x.ruleId === "LR014" && x.resource.name === "cg-debug-role-cgidexample01")!;
    expect(f.message).toContain("Inline policy on a role (iam:PutRolePolicy on <any role in the deployment account>, aws_iam_role.debug_role)");
    expect(f.message).not.toContain("arn:aws:iam::unknown:role/cg-debug-role-cgidexample01");
    // The evidence keeps the ARN, the fingerprint (rule, ARN, detail) is the one main gives.
    const path = (f.evidence.paths as Array<{ id: string; resources: string[] }>).find((p) => p.id === "iam-put-role-policy")!;
    expect(path.resources).toEqual(["<any role in unknown>", "arn:aws:iam::unknown:role/cg-debug-role-cgidexample01"]);
    expect(f.fingerprint).toBe("8c82c330eb21002615405452ae64d4d0");
  });
});
