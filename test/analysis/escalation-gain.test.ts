/**
 * A method that takes over a target (iam:PassRole to new compute, another function's code, a
 * user's access key, a rewritten trust policy) gains the target's permissions and nothing else: a
 * target that holds no permission the principal lacks is no path (src/analysis/escalation-gain.ts).
 * Before, a deployer allowed to pass its functions' logging-only roles to Lambda was "critical
 * privilege escalation". Where the policies cannot tell (broader resources, a statement that reads
 * the principal, a Deny or boundary of the principal's the target lacks, a trust policy naming the
 * target), the target is kept: a missed escalation is worse than a noisy one.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeDocument } from "../../src/analysis/index.js";
import { holdsNoMore } from "../../src/analysis/escalation-gain.js";
import type { PrincipalPolicies } from "../../src/analysis/policies.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import type { CanonicalDocument, PolicyStatement, Principal, Role } from "../../src/model/document.js";
import { ACCOUNT, allow, customerManaged, deny, documentOf, fn, functionArn, policy, role, roleArn, user } from "../fixtures/rules/builders.js";

const catalog = loadActionCatalogSync();
const LOGS = allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], [`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/*`]);
const DEPLOY = allow(["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], [roleArn("fn-*"), `arn:aws:lambda:us-east-1:${ACCOUNT}:function:*`]);

function analyzed(doc: CanonicalDocument, name: string) {
  const a = analyzeDocument(doc, catalog);
  const r = a.roles.find((x) => x.name === name) ?? a.principals.find((x) => x.name === name);
  return r!.analysis!;
}
const ids = (doc: CanonicalDocument, name: string) => analyzed(doc, name).escalationPaths.map((p) => [p.id, p.resources]);
const blocked = (doc: CanonicalDocument, name: string, id: string) => analyzed(doc, name).blockedEscalations.find((b) => b.id === id);

/** The deployer (PassRole on fn-*, Lambda create and invoke) with `extra`, and `targets`. */
const deployer = (extra: PolicyStatement[], ...targets: Role[]) => documentOf({ roles: [role("deployer", { inline: { p: policy(DEPLOY, ...extra) } }), ...targets], functions: [fn("deploy", "deployer")] });

describe("PassRole to a role that holds nothing more", () => {
  it("is no path when the role's grants are the deployer's own (a logging-only execution role), and says why it is blocked", () => {
    const doc = deployer([allow(["logs:*"], ["*"])], role("fn-logs", { inline: { logs: policy(LOGS) } }));
    expect(ids(doc, "deployer")).toEqual([]);
    expect(blocked(doc, "deployer", "passrole-lambda")?.reason).toBe(`${roleArn("fn-logs")} holds no permission deployer lacks: nothing to gain`);
  });

  it("nor for a role with no policy at all", () => {
    expect(ids(deployer([], role("fn-empty")), "deployer")).toEqual([]);
  });

  it("is a path to the role that holds more, and lists only it", () => {
    const doc = deployer([allow(["logs:*"], ["*"])], role("fn-logs", { inline: { logs: policy(LOGS) } }), role("fn-data", { inline: { d: policy(LOGS, allow(["dynamodb:PutItem"], ["*"])) } }));
    expect(ids(doc, "deployer")).toEqual([["passrole-lambda", ["<new lambda resource in 123456789012>", roleArn("fn-data")]]]);
  });

  it("is a path when the role holds the same actions on broader resources", () => {
    const doc = deployer([allow(["s3:GetObject"], ["arn:aws:s3:::app-bucket/*"])], role("fn-s3", { inline: { s: policy(allow(["s3:GetObject"], ["arn:aws:s3:::*"])) } }));
    expect(ids(doc, "deployer").map((x) => x[0])).toEqual(["passrole-lambda"]);
    // Narrower resources than the deployer's: nothing to gain.
    const narrower = deployer([allow(["s3:GetObject"], ["arn:aws:s3:::*"])], role("fn-s3", { inline: { s: policy(allow(["s3:GetObject"], ["arn:aws:s3:::app-bucket/*"])) } }));
    expect(ids(narrower, "deployer")).toEqual([]);
  });

  it("is a path when the role holds the same action under a wildcard the deployer's statement does not cover", () => {
    const doc = deployer([allow(["s3:Get*"], ["*"])], role("fn-s3", { inline: { s: policy(allow(["s3:*"], ["*"])) } }));
    expect(ids(doc, "deployer").map((x) => x[0])).toEqual(["passrole-lambda"]);
  });

  it("is no path when both hold the same managed policy, and a path when the role has a statement that grants it something else", () => {
    const shared = customerManaged("app-shared", policy(allow(["sqs:SendMessage"], ["*"], { Condition: { StringEquals: { "aws:ResourceTag/team": ["a"] } } })));
    const make = (targetManaged: string[], targetInline = {}) =>
      documentOf({
        roles: [role("deployer", { inline: { p: policy(DEPLOY) }, managed: [shared.arn] }), role("fn-q", { managed: targetManaged, inline: targetInline })],
        functions: [fn("deploy", "deployer")],
        policies: [shared],
      });
    expect(ids(make([shared.arn]), "deployer")).toEqual([]);
    expect(ids(make([shared.arn], { more: policy(allow(["sqs:ReceiveMessage"], ["*"])) }), "deployer").map((x) => x[0])).toEqual(["passrole-lambda"]);
  });

  it("is no path when the deployer's statement is the role's with more actions, under the same condition", () => {
    const tagged = { Condition: { StringEquals: { "aws:ResourceTag/team": ["a"] } } };
    const doc = deployer([allow(["sqs:SendMessage", "sqs:ReceiveMessage"], ["*"], tagged)], role("fn-q", { inline: { q: policy(allow(["sqs:SendMessage"], ["*"], tagged)) } }));
    expect(ids(doc, "deployer")).toEqual([]);
    // Another condition value: a gain.
    const other = deployer([allow(["sqs:SendMessage", "sqs:ReceiveMessage"], ["*"], tagged)], role("fn-q", { inline: { q: policy(allow(["sqs:SendMessage"], ["*"], { Condition: { StringEquals: { "aws:ResourceTag/team": ["b"] } } })) } }));
    expect(ids(other, "deployer").map((x) => x[0])).toEqual(["passrole-lambda"]);
  });

  it("is a path when the shared statement reads the principal (a policy variable, aws:PrincipalTag, aws:SourceIp): it grants the role other things", () => {
    for (const st of [
      allow(["s3:GetObject"], ["arn:aws:s3:::home/${aws:userid}/*"]),
      allow(["s3:GetObject"], ["*"], { Condition: { StringEquals: { "aws:PrincipalTag/team": ["a"] } } }),
      allow(["s3:GetObject"], ["*"], { Condition: { IpAddress: { "aws:SourceIp": ["10.0.0.0/8"] } } }),
      allow(["s3:GetObject"], ["*"], { Condition: { ArnEquals: { "lambda:SourceFunctionArn": [functionArn("deploy")] } } }),
    ]) {
      expect(ids(deployer([st], role("fn-x", { inline: { x: policy(st) } })), "deployer").map((x) => x[0])).toEqual(["passrole-lambda"]);
    }
  });

  it("is a path when the deployer has a Deny the role lacks, or a boundary the role has not", () => {
    const target = role("fn-x", { inline: { x: policy(allow(["s3:*"], ["*"])) } });
    expect(ids(deployer([allow(["s3:*"], ["*"]), deny(["s3:DeleteBucket"])], target), "deployer").map((x) => x[0])).toEqual(["passrole-lambda"]);
    // The same Deny on both: nothing to gain.
    const denied = role("fn-x", { inline: { x: policy(allow(["s3:*"], ["*"]), deny(["s3:DeleteBucket"])) } });
    expect(ids(deployer([allow(["s3:*"], ["*"]), deny(["s3:DeleteBucket"])], denied), "deployer")).toEqual([]);
    const boundary = customerManaged("cap", policy(allow(["*"], ["*"])));
    const bounded = documentOf({ roles: [role("deployer", { inline: { p: policy(DEPLOY, allow(["s3:*"])) }, boundary: boundary.arn }), target], functions: [fn("deploy", "deployer")], policies: [boundary] });
    expect(ids(bounded, "deployer").map((x) => x[0])).toEqual(["passrole-lambda"]);
  });

  it("is a path when another role's trust policy names the role (it may assume a role the deployer may not)", () => {
    const target = role("fn-x");
    const trusting = role("other", { trust: policy({ Effect: "Allow", Principal: { AWS: [roleArn("fn-x")] }, Action: ["sts:AssumeRole"] }) });
    expect(ids(deployer([], target, trusting), "deployer").map((x) => x[0])).toEqual(["passrole-lambda"]);
  });

  it("is still a path on any role (the roles the inputs do not show)", () => {
    const doc = documentOf({ roles: [role("deployer", { inline: { p: policy(allow(["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"])) } }), role("fn-empty")], functions: [fn("deploy", "deployer")] });
    expect(ids(doc, "deployer")).toEqual([["passrole-lambda", ["<any role in 123456789012>", "<new lambda resource in 123456789012>"]]]);
  });
});

describe("other takeovers of a target that holds nothing more", () => {
  const weak = { inline: { logs: policy(LOGS) } };
  const mine = policy(allow(["logs:*"], ["*"]));

  it("lambda:UpdateFunctionCode on a function whose execution role holds nothing more is no path; on one whose role holds more it is", () => {
    const make = (workerPolicy: ReturnType<typeof policy>) =>
      documentOf({ roles: [role("app", { inline: { p: policy(allow(["lambda:UpdateFunctionCode"], [functionArn("other")])), mine } }), role("worker", { inline: { w: workerPolicy } })], functions: [fn("app", "app"), fn("other", "worker")] });
    expect(ids(make(policy(LOGS)), "app")).toEqual([]);
    expect(ids(make(policy(LOGS, allow(["secretsmanager:GetSecretValue"]))), "app")).toEqual([["lambda-update-code", [functionArn("other")]]]);
  });

  it("iam:UpdateAssumeRolePolicy on a role that holds nothing more is no path", () => {
    const doc = documentOf({ roles: [role("app", { inline: { p: policy(allow(["iam:UpdateAssumeRolePolicy"], [roleArn("weak")])), mine } }), role("weak", weak)], functions: [fn("app", "app")] });
    expect(ids(doc, "app")).toEqual([]);
    expect(blocked(doc, "app", "iam-update-assume-role-policy")?.reason).toContain("nothing to gain");
  });

  it("iam:CreateAccessKey for a user who holds nothing more is no path; for one who holds more it is", () => {
    const make = (bob: ReturnType<typeof user>) => documentOf({ roles: [role("app", { inline: { p: policy(allow(["iam:CreateAccessKey"], [`arn:aws:iam::${ACCOUNT}:user/bob`])), mine } })], principals: [bob], functions: [fn("app", "app")] });
    expect(ids(make(user("bob", { l: policy(LOGS) })), "app")).toEqual([]);
    expect(ids(make(user("bob", { l: policy(allow(["ec2:*"])) })), "app")).toEqual([["iam-create-access-key", [`arn:aws:iam::${ACCOUNT}:user/bob`]]]);
  });

  it("iam:PutRolePolicy (granting the target anything) stays a path on a role that holds nothing", () => {
    const doc = documentOf({ roles: [role("app", { inline: { p: policy(allow(["iam:PutRolePolicy"], [roleArn("weak")])) } }), role("weak")], functions: [fn("app", "app")] });
    expect(ids(doc, "app")).toEqual([["iam-put-role-policy", [roleArn("weak")]]]);
  });
});

describe("iam:AddUserToGroup on a group that holds nothing more", () => {
  // A developer allowed to add users to the team's read-only group (holding more itself) gained
  // nothing by joining it, yet was "critical privilege escalation"; a group with more stays a path.
  const groupArn = (name: string) => `arn:aws:iam::${ACCOUNT}:group/${name}`;
  const group = (name: string, inline: Record<string, ReturnType<typeof policy>>, managed: string[] = []): Principal => ({ ...user(name, inline, managed), arn: groupArn(name), type: "group" });
  const dev = (statements: PolicyStatement[], groups: string[] = []) => ({ ...user("dev", { p: policy(allow(["iam:AddUserToGroup"], [groupArn("readers"), groupArn("ops")]), ...statements) }), groups });

  it("is no path to a group whose policies the user's cover, and says why it is blocked", () => {
    const doc = documentOf({ principals: [dev([allow(["s3:*"], ["*"])]), group("readers", { r: policy(allow(["s3:GetObject", "s3:ListBucket"], ["*"])) })] });
    expect(ids(doc, "dev")).toEqual([]);
    expect(blocked(doc, "dev", "iam-add-user-to-group")?.reason).toBe(`${groupArn("readers")} holds no permission dev lacks: nothing to gain`);
  });

  it("is a path to a group that holds more, and lists only it", () => {
    const doc = documentOf({ principals: [dev([allow(["s3:*"], ["*"])]), group("readers", { r: policy(allow(["s3:GetObject"], ["*"])) }), group("ops", { o: policy(allow(["ec2:*"], ["*"])) })] });
    expect(ids(doc, "dev")).toEqual([["iam-add-user-to-group", [groupArn("ops")]]]);
  });

  it("a group it is in already gains it nothing (its policies are the user's); one reading the principal (a policy variable) is kept", () => {
    const doc = documentOf({ principals: [dev([], ["readers"]), group("readers", { r: policy(allow(["s3:GetObject"], ["*"])) })] });
    expect(ids(doc, "dev")).toEqual([]);
    const own = documentOf({ principals: [dev([allow(["s3:*"], ["*"])]), group("readers", { r: policy(allow(["iam:CreateAccessKey"], ["arn:aws:iam::*:user/${aws:username}"])) })] });
    expect(ids(own, "dev")).toEqual([["iam-add-user-to-group", [groupArn("readers")]]]);
  });

  it("is a path when the group's policies are not all known, or the user has a Deny the group lacks", () => {
    const missing = documentOf({ principals: [dev([allow(["s3:*"], ["*"])]), group("readers", {}, [`arn:aws:iam::${ACCOUNT}:policy/not-in-inputs`])] });
    expect(ids(missing, "dev")).toEqual([["iam-add-user-to-group", [groupArn("readers")]]]);
    const denied = documentOf({ principals: [dev([allow(["s3:*"], ["*"]), deny(["s3:DeleteObject"])]), group("readers", { r: policy(allow(["s3:DeleteObject"], ["*"])) })] });
    expect(ids(denied, "dev")).toEqual([["iam-add-user-to-group", [groupArn("readers")]]]);
  });

  it("is still a path on any group", () => {
    const doc = documentOf({ principals: [{ ...user("dev", { p: policy(allow(["iam:AddUserToGroup", "s3:*"], ["*"])) }) }, group("readers", { r: policy(allow(["s3:GetObject"], ["*"])) })] });
    expect(ids(doc, "dev")).toEqual([["iam-add-user-to-group", [`<any group in ${ACCOUNT}>`]]]);
  });
});

describe("iam:CreateRole pinned to a permissions boundary that holds nothing more", () => {
  // AWS's delegation pattern ("Permissions boundaries for IAM entities"): a developer role may
  // create roles only with the boundary `dev-boundary`. Before, a boundary narrower than the
  // developer itself still made iam-create-role a conditional (high) path; the new role can never
  // exceed its boundary, so such a path gains nothing. A broader or unknown boundary is kept.
  const boundaryArn = `arn:aws:iam::${ACCOUNT}:policy/dev-boundary`;
  const pin = (value: string, op = "StringEquals") => ({ Condition: { [op]: { "iam:PermissionsBoundary": [value] } } });
  const make = (statements: PolicyStatement[], boundary: PolicyStatement[] | null = [allow(["s3:GetObject"], ["*"]), allow(["logs:*"], ["*"])]) =>
    documentOf({
      roles: [role("dev", { inline: { p: policy(allow(["iam:CreateRole"], [roleArn("*")], pin(boundaryArn)), allow(["iam:PutRolePolicy"], [roleArn("*")]), allow(["s3:*", "logs:*"], ["*"]), ...statements) } })],
      functions: [fn("dev", "dev")],
      policies: boundary === null ? [] : [customerManaged("dev-boundary", policy(...boundary))],
    });
  const path = (doc: CanonicalDocument) => analyzed(doc, "dev").escalationPaths.find((p) => p.id === "iam-create-role");

  it("is no path when the pinned boundary's statements are the principal's, and says why it is blocked", () => {
    expect(path(make([]))).toBeUndefined();
    expect(blocked(make([]), "dev", "iam-create-role")?.reason).toBe(`iam:CreateRole is pinned to permissions boundary ${boundaryArn}, which holds no permission dev lacks: nothing to gain`);
  });

  it("is a conditional path when the boundary holds more, or its policy is not in the inputs", () => {
    expect(path(make([], [allow(["dynamodb:*"], ["*"])]))?.conditional).toBe(true);
    expect(path(make([], null))?.conditional).toBe(true);
  });

  it("is a path when the pin is a pattern, or CreateRole is also granted without a boundary", () => {
    const wild = make([allow(["iam:CreateRole"], [roleArn("*")], pin(`arn:aws:iam::${ACCOUNT}:policy/dev-*`, "ArnLike"))]);
    expect(path(wild)).toBeDefined();
    expect(path(make([allow(["iam:CreateRole"], [roleArn("*")])]))?.conditional).toBe(false);
    // An unpinned grant on some names only: the path is on such a name, unconditional.
    const named = path(make([allow(["iam:CreateRole"], [roleArn("sandbox-*")])]));
    expect(named).toMatchObject({ resources: [`<new role sandbox-lr in ${ACCOUNT}>`], conditional: false });
  });

  it("is a path when the principal may take the cap off the new role or rewrite the boundary policy", () => {
    for (const extra of [
      allow(["iam:DeleteRolePermissionsBoundary"], [roleArn("*")]),
      allow(["iam:PutRolePermissionsBoundary"], [roleArn("*")]),
      allow(["iam:CreatePolicyVersion"], [boundaryArn]),
      allow(["iam:SetDefaultPolicyVersion"], [boundaryArn]),
    ]) {
      expect(path(make([extra])), JSON.stringify(extra.Action)).toBeDefined();
    }
    // Put pinned to the same boundary takes nothing off.
    expect(path(make([allow(["iam:PutRolePermissionsBoundary"], [roleArn("*")], pin(boundaryArn))]))).toBeUndefined();
  });

  it("AWS's delegation form (Allow iam:CreateRole, Deny it unless the boundary is the pinned one, Deny taking boundaries off or rewriting them) is no path when the boundary holds nothing more", () => {
    const delegation = (boundary: PolicyStatement[]) =>
      documentOf({
        roles: [
          role("dev", {
            inline: {
              p: policy(
                allow(["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy"], [roleArn("*")]),
                allow(["s3:*", "logs:*"], ["*"]),
                deny(["iam:CreateRole", "iam:PutRolePermissionsBoundary"], ["*"], { Condition: { StringNotEquals: { "iam:PermissionsBoundary": [boundaryArn] } } }),
                deny(["iam:DeleteRolePermissionsBoundary"], ["*"]),
                deny(["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy"], [boundaryArn]),
              ),
            },
          }),
        ],
        functions: [fn("dev", "dev")],
        policies: [customerManaged("dev-boundary", policy(...boundary))],
      });
    expect(path(delegation([allow(["s3:GetObject"], ["*"]), allow(["logs:*"], ["*"])]))).toBeUndefined();
    expect(blocked(delegation([allow(["s3:GetObject"], ["*"])]), "dev", "iam-create-role")?.reason).toContain("nothing to gain");
    // A boundary that allows IAM (which the delegation's Deny statements take from the developer) holds more.
    expect(path(delegation([allow(["s3:GetObject", "iam:*"], ["*"])]))?.conditional).toBe(true);
  });

  it("is a path when the boundary grants more resources, or the principal has a Deny the new role would lack", () => {
    expect(path(make([], [allow(["s3:GetObject"], ["*"])]))).toBeUndefined();
    const narrow = documentOf({
      roles: [role("dev", { inline: { p: policy(allow(["iam:CreateRole"], [roleArn("*")], pin(boundaryArn)), allow(["iam:PutRolePolicy"], [roleArn("*")]), allow(["s3:GetObject"], ["arn:aws:s3:::team/*"])) } })],
      functions: [fn("dev", "dev")],
      policies: [customerManaged("dev-boundary", policy(allow(["s3:GetObject"], ["*"])))],
    });
    expect(path(narrow)).toBeDefined();
    expect(path(make([deny(["s3:GetObject"], ["arn:aws:s3:::secret/*"])], [allow(["s3:GetObject"], ["*"])]))).toBeDefined();
  });
});

describe("holdsNoMore (law)", () => {
  // Statements a source may hold; a target made of some of them holds nothing more, and one with
  // a statement none of the source's covers (another action, or the same on more resources) does.
  const pool: PolicyStatement[] = [
    allow(["s3:GetObject"], ["arn:aws:s3:::a/*"]),
    allow(["s3:*"], ["arn:aws:s3:::b/*"]),
    allow(["logs:*"], ["*"]),
    allow(["sqs:SendMessage"], ["*"], { Condition: { StringEquals: { "aws:ResourceTag/x": ["1"] } } }),
    { Effect: "Allow", NotAction: ["iam:*"], Resource: ["arn:aws:dynamodb:*:*:table/t"] },
    deny(["s3:DeleteObject"]),
  ];
  const uncovered: PolicyStatement[] = [allow(["s3:GetObject"], ["arn:aws:s3:::*"]), allow(["kms:Decrypt"]), allow(["s3:PutObject"], ["arn:aws:s3:::a/*"]), { Effect: "Allow", NotAction: ["iam:*"], Resource: ["*"] }];
  const of = (sts: PolicyStatement[]): PrincipalPolicies => ({ identity: [{ id: "inline:p", document: policy(...sts) }], boundary: null, incomplete: false, earliestTime: null });

  it("a target made of the source's statements (and its Deny statements) holds no more; one more uncovered Allow and it does", () => {
    fc.assert(
      fc.property(fc.subarray(pool), fc.subarray(pool), fc.constantFrom(...uncovered), (source, picked, extra) => {
        const denies = source.filter((s) => s.Effect === "Deny");
        const target = [...new Set([...picked.filter((s) => source.includes(s)), ...denies])];
        expect(holdsNoMore(of(target), of(source))).toBe(true);
        expect(holdsNoMore(of([...target, extra]), of(source))).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it("a Deny of the source's the target lacks matters only where it names an action the target's Allow statements may name", () => {
    const source = of([allow(["s3:*", "iam:*"], ["*"]), deny(["iam:Delete*", "iam:CreatePolicyVersion"], ["*"])]);
    expect(holdsNoMore(of([allow(["s3:GetObject"], ["*"])]), source)).toBe(true);
    expect(holdsNoMore(of([allow(["iam:DeleteRole"], ["*"])]), source)).toBe(false);
    expect(holdsNoMore(of([allow(["iam:Get*"], ["*"])]), source)).toBe(false);
    expect(holdsNoMore(of([{ Effect: "Allow", NotAction: ["s3:*"], Resource: ["*"] }]), of([allow(["*"], ["*"]), deny(["iam:Delete*"])]))).toBe(false);
    expect(holdsNoMore(of([allow(["s3:GetObject"], ["*"])]), of([allow(["*"], ["*"]), { Effect: "Deny", NotAction: ["iam:*"], Resource: ["*"] }]))).toBe(false);
  });

  it("reads an action of a service that does not exist as granting nothing, and an unknown action of a known service as one newer than the catalog", () => {
    const services = new Set(catalog.services.keys());
    const source = of([allow(["s3:*"], ["arn:aws:s3:::b/*"])]);
    expect(holdsNoMore(of([allow(["s3:GetObject", "zzznotaservice:Call"], ["arn:aws:s3:::b/*"])]), source, services)).toBe(true);
    expect(holdsNoMore(of([allow(["kms:SomeFutureAction"])]), source, services)).toBe(false);
    // Without the catalog, every action counts.
    expect(holdsNoMore(of([allow(["zzznotaservice:Call"])]), source)).toBe(false);
  });

  it("is false when either side's policies are incomplete", () => {
    expect(holdsNoMore({ ...of([]), incomplete: true }, of([allow(["*"])]))).toBe(false);
    expect(holdsNoMore(of([]), { ...of([allow(["*"])]), incomplete: true })).toBe(false);
  });
});
