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
import { administratorPolicy, AssumeRoleChains, indexTargets, MAX_ASSUMED_ROLES } from "../../src/analysis/escalation.js";
import { policiesOf } from "../../src/analysis/policies.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import type { PolicyDocument, PolicyStatement, Role } from "../../src/model/document.js";
import { ACCOUNT, allow, awsManaged, customerManaged, deny, documentOf, fn, policy, role, roleArn, user } from "../fixtures/rules/builders.js";

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
      // A single hop: the chain is the role assumed alone.
      expect(path!.chains).toEqual([[roleArn("admin")]]);
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

/**
 * Role chaining: a role's session may call sts:AssumeRole again ("Role chaining", IAM User Guide:
 * the chained session lasts at most an hour, which does not stop an escalation), so A, allowed to
 * assume B, which may assume the administrator role C, can become administrator though B has no path
 * of its own. Each hop is decided by the IAM engine as a single hop is (the hop's caller's identity
 * policies and boundary, the next role's trust policy).
 */
describe("sts-assume-role: chains of roles (role chaining)", () => {
  const ADMIN_WHY = "is administrator (AdministratorAccess allows every action on every resource)";
  /** A role trusting `caller` by its ARN (no grant of the caller's needed within the account). */
  const trusting = (caller: string) => trust({ AWS: [roleArn(caller)] });
  /** A chain r0 → r1 → … → r(n): each trusts the one before by its ARN; the last is administrator. */
  function chain(n: number, options: { last?: Partial<Parameters<typeof role>[1]>; hop?: (i: number) => Partial<Parameters<typeof role>[1]> } = {}): Role[] {
    return Array.from({ length: n + 1 }, (_, i) =>
      role(`r${i}`, {
        ...(i > 0 ? { trust: trusting(`r${i - 1}`) } : {}),
        ...(i === n ? { managed: [ADMIN], ...options.last } : {}),
        ...(options.hop?.(i) ?? {}),
      }),
    );
  }
  const analysed = (roles: Role[], extra: { policies?: ReturnType<typeof customerManaged>[] } = {}) =>
    analyzeDocument(documentOf({ roles, functions: [fn("orders", "r0")], policies: [awsManaged("AdministratorAccess"), ...(extra.policies ?? [])] }), catalog);
  const pathOf = (doc: ReturnType<typeof analysed>, name: string) => doc.roles.find((r) => r.name === name)!.analysis!.escalationPaths.find((p) => p.id === "sts-assume-role");

  it("A → B → C, C administrator, B with no path but assuming C: A is reported, with the chain and why C is privileged", () => {
    const doc = analysed(chain(2));
    const a = pathOf(doc, "r0");
    expect(a?.resources).toEqual([roleArn("r1")]);
    expect(a?.conditional).toBe(false);
    // A's own statements: none (r1's trust names r0, which lets it in without a grant).
    expect(a?.statements).toEqual([]);
    expect(a?.why).toBe(`r0 can assume r1, which trusts r0 by its ARN and can assume r2, which trusts r1 by its ARN and ${ADMIN_WHY} (chain r0 → r1 → r2)`);
    // B's own single hop, as before.
    expect(pathOf(doc, "r1")?.why).toBe(`r1 can assume r2, which trusts r1 by its ARN and ${ADMIN_WHY}`);
    expect(pathOf(doc, "r2")).toBeUndefined();
  });

  it("chains: the roles each resource's chain assumes, in order, for programs (A → B → C: [B, C]; a single hop: [C]); no other path has it", () => {
    const doc = analysed(chain(2));
    // A three-role chain r0 → r1 → r2: r0's resource is r1, its chain r1 then the administrator r2.
    expect(pathOf(doc, "r0")?.chains).toEqual([[roleArn("r1"), roleArn("r2")]]);
    // r1's single hop to r2.
    expect(pathOf(doc, "r1")?.chains).toEqual([[roleArn("r2")]]);
    // Several resources, each with its own chain, in `resources`' order: b reaches the administrator
    // c directly and the administrator e through d.
    const roles = [
      role("r0"),
      role("b", { trust: trusting("r0") }),
      role("c", { trust: trusting("b"), managed: [ADMIN] }),
      role("d", { trust: trusting("b") }),
      role("e", { trust: trusting("d"), managed: [ADMIN] }),
    ];
    const b = pathOf(analysed(roles), "b");
    expect(b?.resources).toEqual([roleArn("c"), roleArn("d")]);
    expect(b?.chains).toEqual([[roleArn("c")], [roleArn("d"), roleArn("e")]]);
    // A path that is not sts-assume-role has none (the key is absent, not empty).
    const own = analysed(chain(2, { last: { managed: [], inline: { iam: ESCALATING } } }));
    const r2 = own.roles.find((r) => r.name === "r2")!.analysis!.escalationPaths;
    expect(r2.length).toBeGreaterThan(0);
    for (const p of r2) expect(p.id === "sts-assume-role" || !("chains" in p), p.id).toBe(true);
    expect(pathOf(own, "r0")?.chains).toEqual([[roleArn("r1"), roleArn("r2")]]);
  });

  it("the hop's grants are the caller's own: A's statement on B, B's on C (trusts delegating to the account)", () => {
    const roles = [
      role("r0", { inline: { assume: assumeOn(roleArn("r1")) } }),
      role("r1", { trust: ROOT, inline: { assume: assumeOn(roleArn("r2")) } }),
      role("r2", { trust: ROOT, managed: [ADMIN] }),
    ];
    const a = pathOf(analysed(roles), "r0");
    expect(a?.resources).toEqual([roleArn("r1")]);
    expect(a?.statements).toEqual([{ policy: "inline:assume", sid: null, index: 0 }]);
    expect(a?.why).toBe(`r0 can assume r1, which trusts the account ${ACCOUNT} and can assume r2, which trusts the account ${ACCOUNT} and ${ADMIN_WHY} (chain r0 → r1 → r2)`);
    // Without r1's own grant on r2 the account's delegation does not let r1 in: no chain.
    roles[1] = role("r1", { trust: ROOT });
    expect(pathOf(analysed(roles), "r0")).toBeUndefined();
  });

  it("a chain ending in a role with an escalation path of its own (not administrator)", () => {
    const doc = analysed(chain(2, { last: { managed: [], inline: { iam: ESCALATING } } }));
    expect(pathOf(doc, "r0")?.why).toBe("r0 can assume r1, which trusts r0 by its ARN and can assume r2, which trusts r1 by its ARN and has a privilege-escalation path of its own (Inline policy on a role) (chain r0 → r1 → r2)");
  });

  // The bound: at most five roles assumed one after the other (docs/rules/LR014-privilege-escalation.md).
  for (const [n, reported] of [
    [3, true],
    [5, true],
    [6, false],
  ] as const) {
    it(`a chain of ${n} roles to assume: ${reported ? "reported" : "beyond the bound of 5, not reported"} for its first role`, () => {
      const doc = analysed(chain(n));
      const a = pathOf(doc, "r0");
      if (!reported) return expect(a).toBeUndefined();
      expect(a?.resources).toEqual([roleArn("r1")]);
      expect(a?.why).toMatch(new RegExp(`\\(chain ${Array.from({ length: n + 1 }, (_, i) => `r${i}`).join(" → ")}\\)$`));
      // Every role of the chain but the last is reported, each with the rest of the chain.
      for (let i = 1; i < n; i++) expect(pathOf(doc, `r${i}`)?.resources).toEqual([roleArn(`r${i + 1}`)]);
    });
  }

  it("the result does not depend on the order of the roles in the document", () => {
    const roles = chain(3);
    // documentOf sorts the roles by ARN: the document's order is set after it.
    const whys = (rs: Role[]) => {
      const d = documentOf({ roles, functions: [fn("orders", "r0")], policies: [awsManaged("AdministratorAccess")] });
      const doc = analyzeDocument({ ...d, roles: rs.map((r) => d.roles.find((x) => x.arn === r.arn)!) }, catalog);
      return roles.map((r) => pathOf(doc, r.name)?.why ?? null);
    };
    const expected = whys(roles);
    expect(expected.filter((w) => w !== null)).toHaveLength(3);
    fc.assert(
      fc.property(fc.shuffledSubarray(roles, { minLength: roles.length, maxLength: roles.length }), (rs) => {
        expect(whys(rs)).toEqual(expected);
      }),
      { numRuns: 12 },
    );
  });

  it("cycles: A → B → A with neither privileged is nothing; A trusting itself, A → B → A → … → C is reported once, by the shortest chain", () => {
    const a = role("r0", { trust: policy({ Effect: "Allow", Principal: { AWS: [roleArn("r0"), roleArn("r1")] }, Action: ["sts:AssumeRole"] }) });
    const b = role("r1", { trust: trusting("r0") });
    const none = analysed([a, b]);
    expect(pathOf(none, "r0")).toBeUndefined();
    expect(pathOf(none, "r1")).toBeUndefined();
    const c = role("r2", { trust: trusting("r1"), managed: [ADMIN] });
    const doc = analysed([a, b, c]);
    expect(pathOf(doc, "r0")?.why).toBe(`r0 can assume r1, which trusts r0 by its ARN and can assume r2, which trusts r1 by its ARN and ${ADMIN_WHY} (chain r0 → r1 → r2)`);
    // r1 may assume r0 (r0 trusts it), but r0's only way up is through r1: not a path of r1's.
    expect(pathOf(doc, "r1")?.resources).toEqual([roleArn("r2")]);
  });

  it("a hop under a trust condition the inputs cannot settle (sts:ExternalId, aws:MultiFactorAuthPresent) makes the chain high, as a single hop", () => {
    const conditions: NonNullable<PolicyStatement["Condition"]>[] = [{ StringEquals: { "sts:ExternalId": ["Unique ID Assigned by Example Corp"] } }, { Bool: { "aws:MultiFactorAuthPresent": ["true"] } }];
    for (const condition of conditions) {
      const conditional = trust({ AWS: [roleArn("r1")] }, { Condition: condition });
      const doc = analysed(chain(2, { last: { trust: conditional } }));
      const a = pathOf(doc, "r0");
      expect(a?.conditional).toBe(true);
      expect(a?.why).toMatch(/\(chain r0 → r1 → r2\) \(only under conditions the inputs do not settle\)$/);
      // The first hop under the condition: the same.
      const first = analysed(chain(2, { hop: (i) => (i === 1 ? { trust: trust({ AWS: [roleArn("r0")] }, { Condition: condition }) } : {}) }));
      expect(pathOf(first, "r0")?.conditional).toBe(true);
    }
  });

  it("an unconditional chain is preferred to a shorter conditional one, and the caller's chain follows the better one", () => {
    // b reaches the administrator c under an MFA condition (one hop) and the administrator e
    // without one through d (two hops): r0, allowed to assume b, is critical through b → d → e.
    const mfa = { Bool: { "aws:MultiFactorAuthPresent": ["true"] } };
    const roles = [
      role("r0"),
      role("b", { trust: trusting("r0") }),
      role("c", { trust: trust({ AWS: [roleArn("b")] }, { Condition: mfa }), managed: [ADMIN] }),
      role("d", { trust: trusting("b") }),
      role("e", { trust: trusting("d"), managed: [ADMIN] }),
    ];
    const doc = analysed(roles);
    const a = pathOf(doc, "r0");
    expect(a?.conditional).toBe(false);
    expect(a?.resources).toEqual([roleArn("b")]);
    expect(a?.why).toBe(`r0 can assume b, which trusts r0 by its ARN and can assume d, which trusts b by its ARN and can assume e, which trusts d by its ARN and ${ADMIN_WHY} (chain r0 → b → d → e)`);
    // b itself lists both (c conditional, d not): critical.
    expect(pathOf(doc, "b")?.resources).toEqual([roleArn("c"), roleArn("d")]);
    expect(pathOf(doc, "b")?.conditional).toBe(false);
    // Without d's way, r0's chain is the conditional one: high.
    const conditional = pathOf(analysed(roles.slice(0, 3)), "r0");
    expect(conditional?.conditional).toBe(true);
    expect(conditional?.why).toMatch(/\(chain r0 → b → c\) \(only under conditions the inputs do not settle\)$/);
  });

  it("a Deny of sts:AssumeRole anywhere in the chain breaks it (identity policy or boundary of a role in the middle, or of the first)", () => {
    const boundaryArn = `arn:aws:iam::${ACCOUNT}:policy/s3-only`;
    const s3Only = customerManaged("s3-only", policy(allow(["s3:GetObject"])));
    const denyAssume = policy(deny(["sts:AssumeRole"], ["*"]));
    const cases: { name: string; hop: (i: number) => Partial<Parameters<typeof role>[1]> }[] = [
      { name: "a Deny in the middle role's identity policy", hop: (i) => (i === 2 ? { inline: { deny: denyAssume } } : {}) },
      { name: "a boundary on the middle role that does not allow sts:AssumeRole", hop: (i) => (i === 2 ? { boundary: boundaryArn } : {}) },
      { name: "a Deny in the first role's identity policy", hop: (i) => (i === 0 ? { inline: { deny: denyAssume } } : {}) },
    ];
    expect(pathOf(analysed(chain(3), { policies: [s3Only] }), "r0")?.resources).toEqual([roleArn("r1")]);
    for (const c of cases) {
      const doc = analysed(chain(3, { hop: c.hop }), { policies: [s3Only] });
      expect(pathOf(doc, "r0"), c.name).toBeUndefined();
    }
    // A Deny in the last hop's trust policy.
    const t = policy({ Effect: "Allow", Principal: { AWS: [roleArn("r1")] }, Action: ["sts:AssumeRole"] }, { Effect: "Deny", Principal: { AWS: [roleArn("r1")] }, Action: ["sts:AssumeRole"] });
    expect(pathOf(analysed(chain(2, { last: { trust: t } })), "r0")).toBeUndefined();
  });

  it("an IAM user (account scope) is reported for a chain too", () => {
    const roles = [role("r1", { trust: trust({ AWS: [`arn:aws:iam::${ACCOUNT}:user/dev`] }) }), role("r2", { trust: trusting("r1"), managed: [ADMIN] })];
    const doc = analyzeDocument(documentOf({ roles, principals: [user("dev")], policies: [awsManaged("AdministratorAccess")] }), catalog);
    const p = doc.principals.find((x) => x.name === "dev")!.analysis!.escalationPaths.find((x) => x.id === "sts-assume-role");
    expect(p?.why).toBe(`dev can assume r1, which trusts dev by its ARN and can assume r2, which trusts r1 by its ARN and ${ADMIN_WHY} (chain dev → r1 → r2)`);
  });
});

describe("sts-assume-role chains: the cost is the candidates the trust index proposes, not every pair of roles", () => {
  const N = 10_000;
  /** The chains of a document of N roles, the roles privileged themselves being the administrators. */
  function chainsOf(roles: Role[]) {
    const doc = documentOf({ roles, policies: [awsManaged("AdministratorAccess")] });
    const policiesFor = (p: Parameters<typeof policiesOf>[0]) => policiesOf(p, doc);
    const chains = new AssumeRoleChains(indexTargets(doc), doc.roles, policiesFor, (r) => ({ administrator: administratorPolicy(policiesFor(r)), paths: [] }));
    return { chains, policiesFor, byName: new Map(doc.roles.map((r) => [r.name, r])) };
  }
  const name = (i: number) => `r${String(i).padStart(5, "0")}`;

  it("a line of 10,000 roles, each trusting the one before, the last administrator: 4 calls decided, the chain of five found", () => {
    const roles = Array.from({ length: N }, (_, i) => role(name(i), { ...(i > 0 ? { trust: trust({ AWS: [roleArn(name(i - 1))] }) } : {}), ...(i === N - 1 ? { managed: [ADMIN] } : {}) }));
    const { chains, policiesFor, byName } = chainsOf(roles);
    expect(chains.decided).toBe(MAX_ASSUMED_ROLES - 1);
    const first = byName.get(name(N - 1 - MAX_ASSUMED_ROLES))!;
    expect(chains.pathOf(first, policiesFor(first)).path?.why).toMatch(new RegExp(`\\(chain ${Array.from({ length: MAX_ASSUMED_ROLES + 1 }, (_, i) => name(N - 1 - MAX_ASSUMED_ROLES + i)).join(" → ")}\\)$`));
    const beyond = byName.get(name(N - 2 - MAX_ASSUMED_ROLES))!;
    expect(chains.pathOf(beyond, policiesFor(beyond)).path).toBeNull();
    expect(chains.decided).toBe(MAX_ASSUMED_ROLES);
  });

  it("10,000 roles and one administrator role trusting everyone: one call decided per role (the proposed pairs), none by the walk, which only the assumable roles take part in", () => {
    const roles = [role("admin", { trust: trust("*"), managed: [ADMIN] }), ...Array.from({ length: N - 1 }, (_, i) => role(name(i)))];
    const { chains, policiesFor, byName } = chainsOf(roles);
    // No role but the administrator is named by a trust policy: no chain can pass through another.
    expect(chains.decided).toBe(0);
    for (const r of byName.values()) chains.pathOf(r, policiesFor(r));
    expect(chains.decided).toBe(N - 1);
  });

  it("10,000 roles each allowed to assume one of 50 administrator roles trusting the account: one call to the engine per role, not 50", () => {
    const admins = Array.from({ length: 50 }, (_, i) => role(`adm-${String(i).padStart(2, "0")}`, { trust: ROOT, managed: [ADMIN] }));
    const roles = [...admins, ...Array.from({ length: N }, (_, i) => role(name(i), { inline: { assume: assumeOn(roleArn(`adm-${String(i % 50).padStart(2, "0")}`)) } }))];
    const { chains, policiesFor, byName } = chainsOf(roles);
    expect(chains.decided).toBe(0);
    const r = byName.get(name(7))!;
    expect(chains.pathOf(r, policiesFor(r)).path?.resources).toEqual([roleArn("adm-07")]);
    expect(chains.decided).toBe(1);
    for (const x of byName.values()) chains.pathOf(x, policiesFor(x));
    expect(chains.decided).toBe(N);
  });
});
