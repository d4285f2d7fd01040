/**
 * Escalation on the principal itself, checked against Rhino Security Labs' "AWS IAM Privilege
 * Escalation – Methods and Mitigation" (the LR014 sweep of session 59): a user's inline or attached
 * policy on itself and a new version of a policy its group attaches are paths; rewriting one's own
 * trust policy is none.
 */
import { describe, expect, it } from "vitest";
import { analyzeDocument } from "../../src/analysis/index.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import type { CanonicalDocument, Principal } from "../../src/model/document.js";
import { emptyRoleFacts } from "../../src/iam/principal-facts.js";
import { ACCOUNT, allow, customerManaged, documentOf, fn, policy, role, roleArn, user } from "../fixtures/rules/builders.js";

const catalog = loadActionCatalogSync();
const pathsOf = (doc: CanonicalDocument, arn: string): Array<[string, string[]]> => {
  const analyzed = analyzeDocument(doc, catalog);
  const who = analyzed.roles.find((r) => r.arn === arn) ?? analyzed.principals.find((p) => p.arn === arn);
  return (who?.analysis?.escalationPaths ?? []).map((p) => [p.id, p.resources]);
};
const alice = `arn:aws:iam::${ACCOUNT}:user/alice`;

describe("a user's policies on itself", () => {
  for (const [action, method] of [
    ["iam:PutUserPolicy", "iam-put-user-policy"],
    ["iam:AttachUserPolicy", "iam-attach-user-policy"],
  ] as const) {
    it(`${action} on its own user (written as user/\${aws:username} too) is a path`, () => {
      for (const resource of [alice, `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`]) {
        const doc = documentOf({ principals: [user("alice", { self: policy(allow([action], [resource])) })] });
        expect(pathsOf(doc, alice)).toEqual([[method, [alice]]]);
      }
    });
  }

  it("its own access key or console password is none (it is that user already)", () => {
    const doc = documentOf({ principals: [user("alice", { self: policy(allow(["iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile"], [alice])) })] });
    expect(pathsOf(doc, alice)).toEqual([]);
  });
});

describe("a managed policy its group attaches", () => {
  it("iam:CreatePolicyVersion on it is a path, as on one attached to the user itself", () => {
    const groupPolicy = customerManaged("grp-pol", policy(allow(["iam:CreatePolicyVersion"], [`arn:aws:iam::${ACCOUNT}:policy/grp-pol`])));
    const group: Principal = { ...user("g1"), arn: `arn:aws:iam::${ACCOUNT}:group/g1`, type: "group", attachedPolicies: [{ arn: groupPolicy.arn, name: "grp-pol" }], facts: emptyRoleFacts() };
    const member: Principal = { ...user("alice"), groups: ["g1"] };
    const doc = documentOf({ principals: [member, group], policies: [groupPolicy] });
    expect(pathsOf(doc, alice)).toEqual([["iam-create-policy-version", [groupPolicy.arn]]]);
  });
});

/** An administrator role: a target worth taking over (a role holding nothing more than the principal is none). */
const ADMIN = { inline: { admin: policy(allow(["*"], ["*"])) } };

describe("a role's trust policy", () => {
  it("UpdateAssumeRolePolicy and AssumeRole on itself only is no path: assuming itself gains nothing", () => {
    const self = roleArn("app-role");
    const doc = documentOf({ roles: [role("app-role", { inline: { trust: policy(allow(["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"], [self])) } })], functions: [fn("app", "app-role")] });
    expect(pathsOf(doc, self)).toEqual([]);
    // On another role it is one.
    const other = roleArn("admin");
    const two = documentOf({ roles: [role("app-role", { inline: { trust: policy(allow(["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"], [self, other])) } }), role("admin", ADMIN)], functions: [fn("app", "app-role")] });
    expect(pathsOf(two, self)).toEqual([["iam-update-assume-role-policy", [other]]]);
  });

  it("PutRolePolicy on itself is still a path", () => {
    const self = roleArn("app-role");
    const doc = documentOf({ roles: [role("app-role", { inline: { p: policy(allow(["iam:PutRolePolicy"], [self])) } })], functions: [fn("app", "app-role")] });
    expect(pathsOf(doc, self)).toEqual([["iam-put-role-policy", [self]]]);
  });
});

describe("rewriting another role's trust policy (Rhino Security Labs' UpdateAssumeRolePolicy)", () => {
  const self = roleArn("app-role");
  const admin = roleArn("admin");
  const docWith = (...statements: Parameters<typeof policy>) => documentOf({ roles: [role("app-role", { inline: { p: policy(...statements) } }), role("admin", ADMIN)], functions: [fn("app", "app-role")] });

  it("is a path without an sts:AssumeRole grant: the trust it writes names it, which lets it in within the account", () => {
    expect(pathsOf(docWith(allow(["iam:UpdateAssumeRolePolicy"], [admin])), self)).toEqual([["iam-update-assume-role-policy", [admin]]]);
  });

  it("is none when a Deny of sts:AssumeRole stops the second step", () => {
    expect(pathsOf(docWith(allow(["iam:UpdateAssumeRolePolicy"], [admin]), { Effect: "Deny", Action: ["sts:AssumeRole"], Resource: ["*"] }), self)).toEqual([]);
  });

  it("its statements are the principal's own, never the trust policy it would write", () => {
    const analyzed = analyzeDocument(docWith(allow(["iam:UpdateAssumeRolePolicy"], [admin])), catalog);
    const path = analyzed.roles.find((r) => r.arn === self)!.analysis!.escalationPaths[0]!;
    expect(path.statements.map((x) => x.policy)).toEqual(["inline:p"]);
  });
});
