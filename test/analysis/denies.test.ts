/**
 * Deny statements of a function's resource policy (LR012) and of a role's trust policy (LR011),
 * through the analysis and the compiled pack. IAM: an explicit Deny overrides any Allow
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html); a
 * negated operator (StringNotEquals, ArnNotLike …) is true when the request lacks the key, as is
 * `...IfExists`, and its values are NORed
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html):
 * so `Deny * unless aws:PrincipalOrgID = o-…` lets in only that organisation. `ForAnyValue:` is
 * false when the key is missing: such a Deny lets a call without the key through.
 * Needs `npm run build:policies` (as `npm test` does).
 */
import { describe, expect, it } from "vitest";
import { analyzeDocument } from "../../src/analysis/index.js";
import { evaluateDocument, loadBuiltinPack } from "../../src/evaluate/index.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import type { PolicyStatement } from "../../src/model/document.js";
import { documentOf, fn, functionArn, LAMBDA_TRUST, role } from "../fixtures/rules/builders.js";

const catalog = loadActionCatalogSync();
const ARN = functionArn("api");
const allow = (Principal: PolicyStatement["Principal"], Action: string[]): PolicyStatement => ({ Effect: "Allow", Principal, Action, Resource: [ARN] });
const deny = (Action: string[], extra: Partial<PolicyStatement> = { Principal: "*" }): PolicyStatement => ({ Effect: "Deny", Action, Resource: [ARN], ...extra });

function lr012(statements: PolicyStatement[]): Array<[string, string]> {
  const document = analyzeDocument(documentOf({ roles: [role("app")], functions: [fn("api", "app", { resourcePolicy: { Version: "2012-10-17", Statement: statements } })] }), catalog);
  const { findings, diagnostics } = evaluateDocument(document, [loadBuiltinPack()], { today: "2026-11-01" });
  expect(diagnostics).toEqual([]);
  return findings.filter((f) => f.ruleId === "LR012").map((f) => [f.severity, f.message.replace(/^Function api: resource policy /, "")]);
}

function lr011(statements: PolicyStatement[]) {
  const r = role("shared", { trust: { Version: "2012-10-17", Statement: [...LAMBDA_TRUST.Statement, ...statements] } });
  const document = analyzeDocument(documentOf({ roles: [r] }), catalog);
  const { findings } = evaluateDocument(document, [loadBuiltinPack()], { today: "2026-11-01" });
  return { principals: document.roles[0]!.analysis!.trust.principals.filter((p) => p.kind !== "lambda").map((p) => [p.identifier, p.restricted]), findings: findings.filter((f) => f.ruleId === "LR011").map((f) => f.severity) };
}

const PUBLIC_INVOKE = [["critical", 'Statement[0] lets anyone invoke the function (Principal "*" without a source condition)']];

describe("LR012: the resource policy's Deny statements", () => {
  it("a Deny without conditions on everyone takes the public grant back", () => {
    expect(lr012([allow("*", ["lambda:InvokeFunction"])])).toEqual(PUBLIC_INVOKE);
    expect(lr012([allow("*", ["lambda:InvokeFunction"]), deny(["lambda:*"])])).toEqual([]);
    expect(lr012([allow("*", ["lambda:InvokeFunction"]), deny(["lambda:Invoke*"], { Principal: { AWS: ["*"] } })])).toEqual([]);
    // NotAction: every action but GetFunction is denied, InvokeFunction among them.
    expect(lr012([allow("*", ["lambda:InvokeFunction"]), deny([], { Principal: "*", Action: undefined, NotAction: ["lambda:GetFunction"] })])).toEqual([]);
  });

  it("a Deny of some actions leaves the others: judged by what is left", () => {
    const lambdaStar = allow({ AWS: ["arn:aws:iam::444455556666:root"] }, ["lambda:*"]);
    expect(lr012([lambdaStar, deny(["lambda:GetFunction"])]).map(([s]) => s)).toEqual(["high"]);
    const got = lr012([lambdaStar, deny(["lambda:Update*", "lambda:Delete*", "lambda:*Permission", "lambda:*Alias", "lambda:PublishVersion", "lambda:*Concurrency", "lambda:*Config", "lambda:CreateFunctionUrlConfig", "lambda:Get*"])]);
    expect(got).toEqual([["medium", "Statement[0] lets account 444455556666 invoke the function"]]);
  });

  it("a Deny naming one principal takes only that one back", () => {
    const got = lr012([allow({ AWS: ["444455556666", "arn:aws:iam::777788889999:root"] }, ["lambda:InvokeFunction"]), deny(["lambda:InvokeFunction"], { Principal: { AWS: ["arn:aws:iam::444455556666:root"] } })]);
    expect(got).toEqual([["medium", "Statement[0] lets account 777788889999 invoke the function"]]);
  });

  it("a Deny of everyone but NotPrincipal's accounts leaves a grant to those accounts", () => {
    expect(lr012([allow("*", ["lambda:InvokeFunction"]), deny(["lambda:InvokeFunction"], { NotPrincipal: { AWS: ["444455556666"] } })])).toEqual([
      ["medium", "Statement[0] lets account 444455556666 invoke the function (its conditions admit only that account)"],
    ]);
    expect(lr012([allow("*", ["lambda:InvokeFunction"]), deny(["lambda:InvokeFunction"], { NotPrincipal: { AWS: ["arn:aws:iam::123456789012:root"] } })])).toEqual([]);
  });

  it("a Deny whose conditions negate a caller pin pins every Allow it covers", () => {
    const pinning: Array<PolicyStatement["Condition"]> = [
      { StringNotEquals: { "aws:PrincipalOrgID": ["o-a1b2c3d4e5"] } },
      { StringNotEqualsIfExists: { "aws:SourceAccount": ["123456789012"] } },
      { ArnNotLike: { "aws:SourceArn": ["arn:aws:sns:us-east-1:123456789012:alerts"] } },
      { "ForAllValues:StringNotLike": { "aws:PrincipalOrgPaths": ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"] } },
      // Two negated pins: denied only when both fail, so either lets in.
      { StringNotEquals: { "aws:SourceAccount": ["123456789012"], "aws:PrincipalOrgID": ["o-a1b2c3d4e5"] } },
    ];
    for (const Condition of pinning) expect(lr012([allow("*", ["lambda:InvokeFunction"]), deny(["lambda:*"], { Principal: "*", Condition })]), JSON.stringify(Condition)).toEqual([]);
    // Pinned to another account: that account's grant, not a public one.
    expect(lr012([allow("*", ["lambda:InvokeFunction"]), deny(["lambda:*"], { Principal: "*", Condition: { StringNotEquals: { "aws:PrincipalAccount": ["444455556666"] } } })])).toEqual([
      ["medium", "Statement[0] lets account 444455556666 invoke the function (its conditions admit only that account)"],
    ]);
  });

  it("Deny conditions that do not pin leave the grant public", () => {
    const notPinning: Array<PolicyStatement["Condition"]> = [
      // False when the key is missing: a call without an organisation path is not denied.
      { "ForAnyValue:StringNotLike": { "aws:PrincipalOrgPaths": ["o-a1b2c3d4e5/*"] } },
      // A wildcard account admits any.
      { StringNotLike: { "aws:SourceAccount": ["*"] } },
      // Not negated: denies one account, admits the rest.
      { StringEquals: { "aws:PrincipalAccount": ["999999999999"] } },
    ];
    for (const Condition of notPinning) expect(lr012([allow("*", ["lambda:InvokeFunction"]), deny(["lambda:*"], { Principal: "*", Condition })]), JSON.stringify(Condition)).toEqual(PUBLIC_INVOKE);
    // A pinning Deny that exempts AWS services (the data perimeter's form) holds every other caller
    // to the organisation, as LR011 judges it: a service on behalf of any account still gets through.
    const perimeter = { StringNotEqualsIfExists: { "aws:PrincipalOrgID": ["o-a1b2c3d4e5"] }, BoolIfExists: { "aws:PrincipalIsAWSService": ["false"] } };
    expect(lr012([allow("*", ["lambda:InvokeFunction"]), deny(["lambda:*"], { Principal: "*", Condition: perimeter })])).toEqual([
      ["medium", expect.stringMatching(/^Statement\[0\] lets any AWS service invoke the function on behalf of any account/)],
    ]);
    // A statement naming a service is not pinned by it: the service is exempt.
    expect(lr012([allow({ Service: ["sns.amazonaws.com"] }, ["lambda:InvokeFunction"]), deny(["lambda:*"], { Principal: "*", Condition: perimeter })])).toEqual([
      ["medium", expect.stringContaining("lets sns.amazonaws.com invoke the function on behalf of any account")],
    ]);
    // An account named in the Allow is not a service: the Deny holds it to the organisation, whose accounts are not known here.
    expect(lr012([allow({ AWS: ["444455556666"] }, ["lambda:InvokeFunction"]), deny(["lambda:*"], { Principal: "*", Condition: perimeter })])).toEqual([["medium", "Statement[0] lets account 444455556666 invoke the function"]]);
    // A pinning Deny that does not cover the Allow's actions pins nothing.
    expect(lr012([allow("*", ["lambda:InvokeFunction"]), deny(["lambda:GetFunction"], { Principal: "*", Condition: { StringNotEquals: { "aws:PrincipalOrgID": ["o-a1b2c3d4e5"] } } })])).toEqual(PUBLIC_INVOKE);
  });
});

describe("LR011: the trust policy's Deny statements", () => {
  const anyone: PolicyStatement = { Effect: "Allow", Principal: "*", Action: ["sts:AssumeRole"] };
  const vendor: PolicyStatement = { Effect: "Allow", Principal: { AWS: ["arn:aws:iam::111122223333:root"] }, Action: ["sts:AssumeRole"] };

  it("a Deny for callers outside the organisation restricts a wildcard trust", () => {
    expect(lr011([anyone])).toEqual({ principals: [["*", false]], findings: ["critical"] });
    expect(lr011([anyone, { Effect: "Deny", Principal: "*", Action: ["sts:AssumeRole"], Condition: { StringNotEquals: { "aws:PrincipalOrgID": ["o-a1b2c3d4e5"] } } }])).toEqual({ principals: [["*", true]], findings: ["high"] });
  });

  it("a Deny with NotPrincipal, which IAM refuses in a trust policy, takes no one back and is reported", () => {
    expect(lr011([anyone, vendor, { Effect: "Deny", NotPrincipal: { Service: ["lambda.amazonaws.com"] }, Action: ["sts:*"] }])).toEqual({ principals: [["*", false], ["arn:aws:iam::111122223333:root", false]], findings: ["critical"] });
  });

  it("a Deny without conditions naming the principal takes it back; one on another action does not", () => {
    expect(lr011([vendor, { Effect: "Deny", Principal: { AWS: ["111122223333"] }, Action: ["sts:AssumeRole"] }])).toEqual({ principals: [], findings: [] });
    expect(lr011([vendor, { Effect: "Deny", Principal: { AWS: ["111122223333"] }, Action: ["sts:TagSession"] }])).toEqual({ principals: [["arn:aws:iam::111122223333:root", false]], findings: ["high"] });
  });
});
