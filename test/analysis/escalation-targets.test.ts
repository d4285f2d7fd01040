/**
 * escalationPaths decides each concrete target once per "resource signature" (which Resource /
 * NotResource patterns of the statements naming the action match it, and its account) and reuses
 * the decision for every target with the same signature (src/analysis/escalation.ts). Law: the
 * targets a PassRole → Lambda path reaches are exactly those the IAM engine allows one by one.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeDocument } from "../../src/analysis/index.js";
import { principalContext } from "../../src/analysis/context.js";
import { evaluateRequest, loadActionCatalogSync } from "../../src/iam/index.js";
import type { PolicyStatement, Role } from "../../src/model/document.js";
import { ACCOUNT, allow, deny, documentOf, fn, policy, role, roleArn } from "../fixtures/rules/builders.js";

const catalog = loadActionCatalogSync();
const EC2_TRUST = policy({ Effect: "Allow", Principal: { Service: ["ec2.amazonaws.com"] }, Action: ["sts:AssumeRole"] });
/**
 * A role with a grant of its own (a table named after it), which no other role holds: taking it
 * over is a gain, so it is a target (a role holding nothing the principal lacks is none:
 * escalation-gain.test.ts).
 */
function withOwn(r: Role): Role {
  return { ...r, inlinePolicies: [...r.inlinePolicies, { name: "own", document: policy(allow(["dynamodb:GetItem"], [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${r.name}`])), source: null }] };
}

// Target roles: names with shared prefixes so patterns split them into several signatures.
const NAMES = ["app-a", "app-b", "app-c", "db-a", "db-b", "admin-x", "admin-y", "ops-1", "ops-2", "web"];

const patternArb = fc.constantFrom("*", roleArn("app-*"), roleArn("db-*"), roleArn("admin-x"), `arn:aws:iam::${ACCOUNT}:role/*`, roleArn("ops-?"), "arn:aws:iam::999999999999:role/*");
const statementArb: fc.Arbitrary<PolicyStatement> = fc.oneof(
  fc.record({ resources: fc.array(patternArb, { minLength: 1, maxLength: 3 }), cond: fc.constantFrom(null, "lambda.amazonaws.com", "dax.amazonaws.com") }).map(({ resources, cond }) =>
    allow(["iam:PassRole"], resources, cond ? { Condition: { StringEquals: { "iam:PassedToService": [cond] } } } : {}),
  ),
  fc.array(patternArb, { minLength: 1, maxLength: 2 }).map((resources) => deny(["iam:PassRole"], resources)),
  fc.array(patternArb, { minLength: 1, maxLength: 2 }).map((resources) => ({ Effect: "Allow" as const, Action: ["iam:PassRole"], NotResource: resources })),
);

/** The engine's decision on passing `arn` to Lambda for a role whose one inline policy is `p` (the oracle). */
function passRoleToLambda(role: Role, arn: string): string {
  return evaluateRequest({
    identityPolicies: [{ id: "inline:p", document: role.inlinePolicies[0]!.document }],
    permissionsBoundary: null,
    request: { action: "iam:PassRole", resource: arn, principalArn: role.arn, context: principalContext(role.arn, { "iam:PassedToService": "lambda.amazonaws.com" }) },
  }).decision;
}

describe("escalation targets decided once per resource signature", () => {
  it("PassRole to Lambda reaches exactly the roles the IAM engine allows one by one", () => {
    fc.assert(
      fc.property(fc.array(statementArb, { minLength: 1, maxLength: 4 }), fc.boolean(), (statements, ec2Half) => {
        const self = role("self", { inline: { p: policy(...statements, allow(["lambda:CreateFunction", "lambda:InvokeFunction"])) } });
        const targets = NAMES.map((n, i) => withOwn(role(n, ec2Half && i % 2 === 1 ? { trust: EC2_TRUST } : {})));
        const doc = analyzeDocument(documentOf({ roles: [self, ...targets], functions: [fn("self-fn", "self")] }), catalog);
        const path = doc.roles.find((r) => r.name === "self")!.analysis!.escalationPaths.find((p) => p.id === "passrole-lambda");
        const decide = (arn: string) => passRoleToLambda(self, arn);
        const reaches = (arn: string) => decide(arn) === "allowed" || decide(arn) === "conditional";
        const any = `arn:aws:iam::${ACCOUNT}:role/*`;
        const reachesAny = reaches(any);
        const expected = targets
          .filter((t, i) => !(ec2Half && i % 2 === 1))
          .map((t) => t.arn)
          .filter(reaches);
        if (!reachesAny && expected.length === 0) {
          expect(path).toBeUndefined();
          return;
        }
        expect(path).toBeDefined();
        const reached = path!.resources.filter((r) => r.startsWith("arn:"));
        // A grant on the "any" target stops the enumeration (it covers every concrete one).
        if (reachesAny && decide(any) === "allowed") expect(reached).toEqual([]);
        else expect(reached).toEqual([...expected].sort());
      }),
      { numRuns: 150 },
    );
  });

  it("roles sharing their policies (one cut of the targets, reused) each reach what the engine allows them", () => {
    fc.assert(
      fc.property(fc.array(statementArb, { minLength: 1, maxLength: 3 }), fc.array(statementArb, { minLength: 1, maxLength: 3 }), fc.boolean(), (shared, other, ec2Half) => {
        const grants = (sts: PolicyStatement[]) => ({ inline: { p: policy(...sts, allow(["lambda:CreateFunction", "lambda:InvokeFunction"])) } });
        // Two attackers with the same policy (their targets are cut once), one with its own; each is a target of the others.
        const attackers = [role("app-self1", grants(shared)), role("db-self2", grants(shared)), role("ops-3", grants(other))].map(withOwn);
        const targets = NAMES.map((n, i) => withOwn(role(n, ec2Half && i % 2 === 1 ? { trust: EC2_TRUST } : {})));
        const all = [...attackers, ...targets];
        const doc = analyzeDocument(documentOf({ roles: all, functions: attackers.map((a) => fn(`${a.name}-fn`, a.name)) }), catalog);
        for (const attacker of attackers) {
          const decide = (arn: string) => passRoleToLambda(attacker, arn);
          const reaches = (arn: string) => decide(arn) === "allowed" || decide(arn) === "conditional";
          const any = `arn:aws:iam::${ACCOUNT}:role/*`;
          const passable = all.filter((r) => !targets.includes(r) || !(ec2Half && targets.indexOf(r) % 2 === 1));
          const expected = passable.map((r) => r.arn).filter((arn) => arn !== attacker.arn && reaches(arn));
          const path = doc.roles.find((r) => r.arn === attacker.arn)!.analysis!.escalationPaths.find((p) => p.id === "passrole-lambda");
          if (!reaches(any) && expected.length === 0) {
            expect(path).toBeUndefined();
            continue;
          }
          expect(path).toBeDefined();
          const reached = path!.resources.filter((r) => r.startsWith("arn:"));
          if (reaches(any) && decide(any) === "allowed") expect(reached).toEqual([]);
          else expect(reached).toEqual([...expected].sort().slice(0, 20));
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe("escalation targets: other functions, decided once per resource signature", () => {
  // The account's functions are one candidate list, cut by signature once for every principal with
  // the same patterns (src/analysis/escalation.ts); a principal's own functions (its execution role's)
  // are not targets. Law: the functions lambda-update-code reaches are exactly those the IAM engine
  // allows one by one, the principal's own left out.
  const FUNCTIONS = ["team-a", "team-b", "team-c", "ops-1", "ops-2", "web"];
  const fnArn = (n: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${n}`;
  const pattern = fc.constantFrom("*", fnArn("team-*"), fnArn("ops-?"), fnArn("web"), `arn:aws:lambda:*:${ACCOUNT}:function:*`, "arn:aws:lambda:us-east-1:999999999999:function:*");
  const statement: fc.Arbitrary<PolicyStatement> = fc.oneof(
    fc.array(pattern, { minLength: 1, maxLength: 2 }).map((resources) => allow(["lambda:UpdateFunctionCode"], resources)),
    fc.array(pattern, { minLength: 1, maxLength: 2 }).map((resources) => deny(["lambda:UpdateFunctionCode"], resources)),
    fc.array(pattern, { minLength: 1, maxLength: 2 }).map((resources) => ({ Effect: "Allow" as const, Action: ["lambda:UpdateFunctionCode"], NotResource: resources })),
  );

  it("reaches exactly the other functions the IAM engine allows, for principals sharing their policy", () => {
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 3 }), fc.array(fc.nat({ max: 2 }), { minLength: FUNCTIONS.length, maxLength: FUNCTIONS.length }), (statements, owners) => {
        const shared = policy(...statements);
        // Three roles with the same policy, each running some of the functions.
        const roles = [0, 1, 2].map((i) => withOwn(role(`deployer-${i}`, { inline: { p: shared } })));
        const functions = FUNCTIONS.map((n, i) => fn(n, `deployer-${owners[i]}`));
        const doc = analyzeDocument(documentOf({ roles, functions }), catalog);
        for (const r of roles) {
          const decide = (arn: string) =>
            evaluateRequest({ identityPolicies: [{ id: "inline:p", document: shared }], permissionsBoundary: null, request: { action: "lambda:UpdateFunctionCode", resource: arn, principalArn: r.arn, context: principalContext(r.arn) } }).decision;
          const reaches = (arn: string) => decide(arn) === "allowed" || decide(arn) === "conditional";
          const any = fnArn("*");
          const expected = functions.filter((f) => f.roleArn !== r.arn && reaches(f.arn)).map((f) => f.arn);
          const path = doc.roles.find((x) => x.arn === r.arn)!.analysis!.escalationPaths.find((p) => p.id === "lambda-update-code");
          if (!reaches(any) && expected.length === 0) {
            expect(path).toBeUndefined();
            continue;
          }
          expect(path).toBeDefined();
          const reached = path!.resources.filter((x) => x.startsWith("arn:") && x !== any);
          if (decide(any) === "allowed") expect(reached).toEqual([]);
          else expect(reached).toEqual([...expected].sort());
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe("escalation targets: roles a service may assume by their whole trust policy", () => {
  // IAM User Guide, "Policy evaluation logic": an explicit Deny in the trust policy wins over its
  // Allow, so Lambda cannot assume a role whose trust policy denies it sts:AssumeRole, and passing
  // that role to a new function gives nothing.
  const DENIES_LAMBDA = policy(
    { Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] }, Action: ["sts:AssumeRole"] },
    { Effect: "Deny", Principal: { Service: ["lambda.amazonaws.com"] }, Action: ["sts:AssumeRole"] },
  );
  const pathOf = (passable: string[]) => {
    const self = role("self", { inline: { p: policy(allow(["iam:PassRole"], passable.map(roleArn)), allow(["lambda:CreateFunction", "lambda:InvokeFunction"])) } });
    const doc = analyzeDocument(documentOf({ roles: [self, withOwn(role("app-a")), withOwn(role("app-b", { trust: DENIES_LAMBDA }))], functions: [fn("self-fn", "self")] }), catalog);
    return doc.roles.find((r) => r.name === "self")!.analysis!.escalationPaths.find((p) => p.id === "passrole-lambda");
  };

  it("a role whose trust policy denies Lambda is not a PassRole → Lambda target", () => {
    expect(pathOf(["app-a", "app-b"])!.resources.filter((r) => r.startsWith("arn:aws:iam::"))).toEqual([roleArn("app-a")]);
    expect(pathOf(["app-b"])).toBeUndefined();
  });

  it("nor is a role whose trust policy lets Lambda only tag the session (sts:TagSession goes with an assume call)", () => {
    const tagOnly = policy({ Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] }, Action: ["sts:TagSession"] });
    const self = role("self", { inline: { p: policy(allow(["iam:PassRole"], [roleArn("tagger")]), allow(["lambda:CreateFunction", "lambda:InvokeFunction"])) } });
    const doc = analyzeDocument(documentOf({ roles: [self, role("tagger", { trust: tagOnly })], functions: [fn("self-fn", "self")] }), catalog);
    expect(doc.roles.find((r) => r.name === "self")!.analysis!.escalationPaths.find((p) => p.id === "passrole-lambda")).toBeUndefined();
  });
});
