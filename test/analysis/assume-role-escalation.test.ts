/**
 * sts-assume-role (LR014): an execution role allowed sts:AssumeRole on a named role (or a prefix)
 * that trusts it and is more privileged. Data-driven over the trust policies of the AWS
 * documentation: the account root and the short account ID ("AWS JSON policy elements: Principal",
 * IAM User Guide), a role ARN, an assumed-role session ARN, and the conditions of "How to use an
 * external ID when granting access to your AWS resources to a third party" (sts:ExternalId) and of
 * "Configuring MFA-protected API access" (aws:MultiFactorAuthPresent), which the inputs cannot settle.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { principalContext } from "../../src/analysis/context.js";
import { evaluateRequest } from "../../src/iam/index.js";
import { analyzeDocument } from "../../src/analysis/index.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import type { PolicyDocument, PolicyStatement, Role } from "../../src/model/document.js";
import { ACCOUNT, allow, awsManaged, customerManaged, deny, documentOf, fn, policy, role, roleArn } from "../fixtures/rules/builders.js";

const catalog = loadActionCatalogSync();
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const READ_ONLY = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
const OTHER = "210987654321";

const trust = (principal: PolicyStatement["Principal"], extra: Partial<PolicyStatement> = {}): PolicyDocument => policy({ Effect: "Allow", Principal: principal, Action: ["sts:AssumeRole"], ...extra });
const ROOT = trust({ AWS: [`arn:aws:iam::${ACCOUNT}:root`] });
const ACCOUNT_ID = trust({ AWS: [ACCOUNT] });
const EXEC_ARN = trust({ AWS: [roleArn("orders-role")] });
const EXEC_SESSION = trust({ AWS: [`arn:aws:sts::${ACCOUNT}:assumed-role/orders-role/orders`] });
const EXTERNAL_ID = trust({ AWS: [`arn:aws:iam::${ACCOUNT}:root`] }, { Condition: { StringEquals: { "sts:ExternalId": ["Unique ID Assigned by Example Corp"] } } });
const MFA = trust({ AWS: [`arn:aws:iam::${ACCOUNT}:root`] }, { Condition: { Bool: { "aws:MultiFactorAuthPresent": ["true"] } } });
const LAMBDA_ONLY = trust({ Service: ["lambda.amazonaws.com"] });

const assumeOn = (...resources: string[]) => policy(allow(["sts:AssumeRole"], resources));
const ESCALATING = policy(allow(["iam:PutRolePolicy"], ["*"]));

/** The orders function's execution role (`exec`), a target role, and what LR014's analysis says of the execution role. */
function analyse(exec: { inline?: Record<string, PolicyDocument>; boundary?: string }, target: { name?: string; trust: PolicyDocument; managed?: string[]; inline?: Record<string, PolicyDocument> }, extra: Role[] = []) {
  const execRole = role("orders-role", { ...(exec.inline ? { inline: exec.inline } : {}), ...(exec.boundary ? { boundary: exec.boundary } : {}) });
  const targetRole = role(target.name ?? "admin", { trust: target.trust, managed: target.managed ?? [], inline: target.inline ?? {} });
  const policies = [awsManaged("AdministratorAccess"), awsManaged("AmazonS3ReadOnlyAccess")];
  if (exec.boundary) policies.push(customerManaged(exec.boundary.slice(exec.boundary.lastIndexOf("/") + 1), policy(allow(["s3:GetObject"]))));
  const doc = analyzeDocument(documentOf({ roles: [execRole, targetRole, ...extra], functions: [fn("orders", "orders-role")], policies }), catalog);
  const analysis = doc.roles.find((r) => r.name === "orders-role")!.analysis!;
  return { path: analysis.escalationPaths.find((p) => p.id === "sts-assume-role"), analysis, doc };
}

describe("sts-assume-role: the target trusts the execution role", () => {
  const byAccount = `which trusts the account ${ACCOUNT}`;
  const cases: { name: string; trust: PolicyDocument; grant: PolicyDocument | null; conditional: boolean; basis: string }[] = [
    { name: "account root; AssumeRole on the role's ARN", trust: ROOT, grant: assumeOn(roleArn("admin")), conditional: false, basis: byAccount },
    { name: "short account ID; AssumeRole on a prefix", trust: ACCOUNT_ID, grant: assumeOn(roleArn("adm*")), conditional: false, basis: byAccount },
    { name: "the execution role's ARN; AssumeRole on the role", trust: EXEC_ARN, grant: assumeOn(roleArn("admin")), conditional: false, basis: "which trusts orders-role by its ARN" },
    // Within one account a trust policy naming the role ARN lets it in without an identity grant (IAM User Guide, "Policy evaluation logic").
    { name: "the execution role's ARN; no AssumeRole grant", trust: EXEC_ARN, grant: null, conditional: false, basis: "which trusts orders-role by its ARN" },
    // Lambda names the function's session after the function: the trust names that session.
    { name: "the function's assumed-role session", trust: EXEC_SESSION, grant: null, conditional: false, basis: "which trusts orders-role's session orders" },
    // Anyone (the cloudmapper demo account's bad_role): within the account no identity grant is needed either.
    { name: "everyone (Principal *)", trust: trust("*"), grant: null, conditional: false, basis: 'which trusts everyone (Principal "*")' },
    { name: "account root under sts:ExternalId", trust: EXTERNAL_ID, grant: assumeOn(roleArn("admin")), conditional: true, basis: byAccount },
    { name: "account root under aws:MultiFactorAuthPresent", trust: MFA, grant: assumeOn(roleArn("admin")), conditional: true, basis: byAccount },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.conditional ? "conditional" : "critical"} path to the administrator role`, () => {
      const { path } = analyse({ ...(c.grant ? { inline: { assume: c.grant } } : {}) }, { trust: c.trust, managed: [ADMIN] });
      expect(path).toBeDefined();
      expect(path!.title).toBe("Assume a more privileged role");
      expect(path!.actions).toEqual(["sts:AssumeRole"]);
      expect(path!.resources).toEqual([roleArn("admin")]);
      expect(path!.conditional).toBe(c.conditional);
      expect(path!.why).toBe(`orders-role can assume admin, ${c.basis} and is administrator (AdministratorAccess allows every action on every resource)${c.conditional ? " (only under conditions the inputs do not settle)" : ""}`);
      // The statements are the execution role's own (what to change); none when only the trust lets it in.
      expect(path!.statements).toEqual(c.grant ? [{ policy: "inline:assume", sid: null, index: 0 }] : []);
    });
  }

  it("a target with escalation paths of its own (not administrator) is more privileged, and says which", () => {
    const { path } = analyse({ inline: { assume: assumeOn(roleArn("deploy-*")) } }, { name: "deploy-stack", trust: ROOT, inline: { iam: ESCALATING } });
    expect(path!.resources).toEqual([roleArn("deploy-stack")]);
    expect(path!.why).toBe("orders-role can assume deploy-stack, which trusts the account 123456789012 and has a privilege-escalation path of its own (Inline policy on a role)");
  });
});

describe("sts-assume-role: not a path", () => {
  it("the target does not trust it (trusts Lambda only)", () => {
    const { path } = analyse({ inline: { assume: assumeOn(roleArn("admin")) } }, { trust: LAMBDA_ONLY, managed: [ADMIN] });
    expect(path).toBeUndefined();
  });

  it("the target trusts the account but the role is not allowed sts:AssumeRole on it", () => {
    expect(analyse({ inline: { assume: assumeOn(roleArn("other")) } }, { trust: ROOT, managed: [ADMIN] }).path).toBeUndefined();
    expect(analyse({}, { trust: ROOT, managed: [ADMIN] }).path).toBeUndefined();
  });

  it("the target is not more privileged (S3 read only)", () => {
    const { path } = analyse({ inline: { assume: assumeOn(roleArn("admin")) } }, { trust: ROOT, managed: [READ_ONLY] });
    expect(path).toBeUndefined();
  });

  it("an explicit Deny of sts:AssumeRole removes it (and says so among the ruled-out candidates)", () => {
    const { path, analysis } = analyse({ inline: { assume: policy(allow(["sts:AssumeRole"], [roleArn("admin")]), deny(["sts:AssumeRole"], ["*"])) } }, { trust: ROOT, managed: [ADMIN] });
    expect(path).toBeUndefined();
    expect(analysis.blockedEscalations.find((b) => b.id === "sts-assume-role")?.reason).toMatch(/^admin: Explicitly denied/);
  });

  it("a permissions boundary that does not allow sts:AssumeRole removes it, even where the trust names the role ARN", () => {
    const boundary = `arn:aws:iam::${ACCOUNT}:policy/s3-only`;
    expect(analyse({ inline: { assume: assumeOn(roleArn("admin")) }, boundary }, { trust: ROOT, managed: [ADMIN] }).path).toBeUndefined();
    expect(analyse({ boundary }, { trust: EXEC_ARN, managed: [ADMIN] }).path).toBeUndefined();
  });

  it("a Deny in the target's trust policy removes it", () => {
    const t = policy({ Effect: "Allow", Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:root`] }, Action: ["sts:AssumeRole"] }, { Effect: "Deny", Principal: { AWS: [roleArn("orders-role")] }, Action: ["sts:AssumeRole"] });
    expect(analyse({ inline: { assume: assumeOn(roleArn("admin")) } }, { trust: t, managed: [ADMIN] }).path).toBeUndefined();
  });

  it("a session the trust names that is not the function's", () => {
    const t = trust({ AWS: [`arn:aws:sts::${ACCOUNT}:assumed-role/orders-role/someone-else`] });
    expect(analyse({}, { trust: t, managed: [ADMIN] }).path).toBeUndefined();
  });

  it("an administrator execution role has no role more privileged to assume", () => {
    const doc = analyzeDocument(
      documentOf({ roles: [role("orders-role", { managed: [ADMIN] }), role("admin", { trust: ROOT, managed: [ADMIN] })], functions: [fn("orders", "orders-role")], policies: [awsManaged("AdministratorAccess")] }),
      catalog,
    );
    expect(doc.roles.find((r) => r.name === "orders-role")!.analysis!.escalationPaths.map((p) => p.id)).not.toContain("sts-assume-role");
  });
});

describe("sts-assume-role: cycles, order and other accounts", () => {
  it("A → B → A: each is judged by the other's own paths, whatever the order of the roles", () => {
    // a trusts b and b trusts a; b has a path of its own, a has none.
    const a = role("a-role", { trust: trust({ AWS: [roleArn("b-role")] }), inline: { assume: assumeOn(roleArn("b-role")) } });
    const b = role("b-role", { trust: trust({ AWS: [roleArn("a-role")] }), inline: { assume: assumeOn(roleArn("a-role")), iam: ESCALATING } });
    for (const roles of [[a, b], [b, a]]) {
      const doc = analyzeDocument(documentOf({ roles }), catalog);
      const paths = (name: string) => doc.roles.find((r) => r.name === name)!.analysis!.escalationPaths.map((p) => p.id);
      expect(paths("a-role")).toEqual(["sts-assume-role"]);
      expect(paths("b-role")).toEqual(["iam-put-role-policy"]);
    }
  });

  it("a role of another account in the inputs: both its trust and the caller's identity policy must allow", () => {
    const other = (t: PolicyDocument): Role => ({ ...role("org-admin", { trust: t, managed: [ADMIN] }), arn: `arn:aws:iam::${OTHER}:role/org-admin`, accountId: OTHER });
    const exec = role("orders-role", { inline: { assume: assumeOn(`arn:aws:iam::${OTHER}:role/org-admin`) } });
    const run = (t: PolicyDocument, e: Role) =>
      analyzeDocument(documentOf({ roles: [e, other(t)], functions: [fn("orders", "orders-role")], policies: [awsManaged("AdministratorAccess")] }), catalog)
        .roles.find((r) => r.name === "orders-role")!
        .analysis!.escalationPaths.find((p) => p.id === "sts-assume-role");
    expect(run(trust({ AWS: [`arn:aws:iam::${ACCOUNT}:root`] }), exec)?.resources).toEqual([`arn:aws:iam::${OTHER}:role/org-admin`]);
    // Naming the role ARN is not enough across accounts: the caller's identity policy must allow too.
    expect(run(trust({ AWS: [roleArn("orders-role")] }), role("orders-role"))).toBeUndefined();
  });

  it("is listed in the catalogue's order, after sts-assume-any-role", () => {
    const { analysis } = analyse({ inline: { assume: policy(allow(["sts:AssumeRole"]), allow(["lambda:UpdateFunctionCode"])) } }, { trust: ROOT, managed: [ADMIN] });
    expect(analysis.escalationPaths.map((p) => p.id)).toEqual(["sts-assume-any-role", "sts-assume-role", "lambda-update-code"]);
  });
});

describe("sts-assume-role in a template", () => {
  it("a trust policy naming the stack's own account (`arn:${AWS::Partition}:iam::${AWS::AccountId}:root`, as the CDK writes an AccountRootPrincipal) is the role's account", () => {
    const inAccount = (r: Role, account: string): Role => ({ ...r, arn: r.arn.replace(ACCOUNT, account), accountId: account });
    const own = trust({ AWS: ["arn:${AWS::Partition}:iam::${AWS::AccountId}:root"] });
    const account = "unknown";
    const exec = inAccount(role("FnRole", { inline: { assume: assumeOn(`arn:aws:iam::${account}:role/AdminRole`) } }), account);
    const admin = inAccount(role("AdminRole", { trust: own, managed: [ADMIN] }), account);
    const doc = analyzeDocument(documentOf({ roles: [exec, admin], policies: [awsManaged("AdministratorAccess")] }), catalog);
    const path = doc.roles.find((r) => r.name === "FnRole")!.analysis!.escalationPaths.find((p) => p.id === "sts-assume-role");
    expect(path?.resources).toEqual([`arn:aws:iam::${account}:role/AdminRole`]);
    expect(path?.why).toBe("FnRole can assume AdminRole, which trusts the deployment account and is administrator (AdministratorAccess allows every action on every resource)");
  });
});

describe("sts-assume-role: trust naming both everyone and the account", () => {
  it("is reached without the principal's own grant (everyone lets it in)", () => {
    const both = policy({ Effect: "Allow", Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:root`] }, Action: ["sts:AssumeRole"] }, { Effect: "Allow", Principal: "*", Action: ["sts:AssumeRole"] });
    const { path } = analyse({ inline: { other: assumeOn(roleArn("unrelated")) } }, { trust: both, managed: [ADMIN] });
    expect(path?.why).toBe('orders-role can assume admin, which trusts everyone (Principal "*") and is administrator (AdministratorAccess allows every action on every resource)');
  });
});

describe("sts-assume-role: the candidates looked up are exactly the roles the engine lets in", () => {
  it("law: reached = the administrator roles for which evaluateRequest with the trust policy allows sts:AssumeRole", () => {
    const patterns = fc.constantFrom("*", roleArn("admin-*"), roleArn("admin-1"), roleArn("*"), roleArn("ops-?"), "arn:aws:iam::999999999999:role/*");
    const grant = fc.oneof(
      fc.array(patterns, { minLength: 1, maxLength: 2 }).map((r) => allow(["sts:AssumeRole"], r)),
      fc.array(patterns, { minLength: 1, maxLength: 2 }).map((r) => ({ Effect: "Allow" as const, Action: ["sts:AssumeRole"], NotResource: r })),
      fc.array(patterns, { minLength: 1, maxLength: 2 }).map((r) => deny(["sts:AssumeRole"], r)),
    );
    const trusts = fc.constantFrom<PolicyDocument>(ROOT, ACCOUNT_ID, EXEC_ARN, EXEC_SESSION, LAMBDA_ONLY, trust("*"), trust({ AWS: [roleArn("someone")] }));
    const names = ["admin-1", "admin-2", "ops-1", "web"];
    fc.assert(
      fc.property(fc.array(grant, { minLength: 0, maxLength: 3 }), fc.array(trusts, { minLength: names.length, maxLength: names.length }), (grants, ts) => {
        const exec = role("orders-role", grants.length ? { inline: { p: policy(...grants) } } : {});
        const targets = names.map((n, i) => role(n, { trust: ts[i]!, managed: [ADMIN] }));
        const doc = analyzeDocument(documentOf({ roles: [exec, ...targets], functions: [fn("orders", "orders-role")], policies: [awsManaged("AdministratorAccess")] }), catalog);
        const path = doc.roles.find((r) => r.name === "orders-role")!.analysis!.escalationPaths.find((p) => p.id === "sts-assume-role");
        const session = `arn:aws:sts::${ACCOUNT}:assumed-role/orders-role/orders`;
        const expected = targets
          .filter((t) =>
            [exec.arn, session].some((principal) => {
              const d = evaluateRequest({
                identityPolicies: exec.inlinePolicies.map((p) => ({ id: `inline:${p.name}`, document: p.document })),
                resourcePolicy: { id: "trust", document: t.trustPolicy! },
                request: { action: "sts:AssumeRole", resource: t.arn, principalArn: principal, context: principalContext(principal), earliestTime: "2026-10-31T00:00:00Z" },
              }).decision;
              return d === "allowed" || d === "conditional";
            }),
          )
          .map((t) => t.arn)
          .sort();
        expect(path?.resources ?? []).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
