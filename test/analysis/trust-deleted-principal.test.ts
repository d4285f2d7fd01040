/**
 * A trust policy naming a deleted role or user. IAM stores the ARN of a role or user in a Principal
 * element as its unique ID; once that principal is deleted the ID is what the exports show, and it
 * matches no one, not even a principal recreated with the same name: "The policy no longer applies
 * … the principal ID shows up in the console because AWS can no longer map it back to an ARN" (IAM
 * User Guide, "AWS JSON policy elements: Principal"; the ID prefixes AROA and AIDA: "IAM
 * identifiers", "Unique identifiers"). Before, such an ID was a trusted principal of the same
 * account: LR011 said the execution role "can also be assumed by aws-principal AROA…" (medium).
 * Through the reader, the normaliser, the analysis and the compiled pack (LR011).
 */
import { describe, expect, it } from "vitest";
import { analyzeDocument } from "../../src/analysis/index.js";
import { evaluateDocument, loadBuiltinPack } from "../../src/evaluate/index.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import type { CanonicalDocument } from "../../src/model/document.js";
import { readSourceBytes } from "../../src/sources/read-sources.js";
import { normalizeFragments } from "../normalize/checked.js";

const catalog = loadActionCatalogSync();
const ACCOUNT = "123456789012";
const LAMBDA = { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" };

function account(others: object[]): CanonicalDocument {
  const iam = {
    RoleDetailList: [{
      Path: "/service-role/", RoleName: "fn-role", RoleId: "AROAQX7EXAMPLEFNROLE1", Arn: `arn:aws:iam::${ACCOUNT}:role/service-role/fn-role`, CreateDate: "2026-09-01T00:00:00Z",
      AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [LAMBDA, ...others] },
      RolePolicyList: [], AttachedManagedPolicies: [{ PolicyName: "AWSLambdaBasicExecutionRole", PolicyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" }], Tags: [], RoleLastUsed: {},
    }],
    UserDetailList: [], GroupDetailList: [], Policies: [],
  };
  const functions = { Functions: [{ FunctionName: "fn", FunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:fn`, Runtime: "python3.12", Role: `arn:aws:iam::${ACCOUNT}:role/service-role/fn-role`, Version: "$LATEST", LastModified: "2026-10-01T00:00:00.000+0000" }] };
  const fragments = [readSourceBytes("iam.json", JSON.stringify(iam)).fragment!, readSourceBytes("lambda/us-east-1/functions.json", JSON.stringify(functions)).fragment!];
  return analyzeDocument(normalizeFragments(fragments).document, catalog);
}

function lr011(doc: CanonicalDocument): Array<[string, string]> {
  const { findings, diagnostics } = evaluateDocument(doc, [loadBuiltinPack()], { today: "2026-11-28" });
  expect(diagnostics).toEqual([]);
  return findings.filter((f) => f.ruleId === "LR011").map((f) => [f.severity, f.message]);
}

describe("trust policies naming deleted principals (unique IDs)", () => {
  it("a deleted role's and a deleted user's IDs let no one assume the role: listed apart, no LR011", () => {
    const doc = account([{ Effect: "Allow", Principal: { AWS: ["AROAJ7EXAMPLEDELETED1", "AIDAJ7EXAMPLEDELETED2"] }, Action: "sts:AssumeRole" }]);
    const trust = doc.roles[0]!.analysis!.trust;
    expect(trust.principals.map((p) => [p.kind, p.identifier])).toEqual([["lambda", "lambda.amazonaws.com"]]);
    expect(trust.deletedPrincipals).toEqual(["AIDAJ7EXAMPLEDELETED2", "AROAJ7EXAMPLEDELETED1"]);
    expect(lr011(doc)).toEqual([]);
  });

  it("beside a live principal: the live one is still reported, the deleted one is not", () => {
    const doc = account([{ Effect: "Allow", Principal: { AWS: ["AROAJ7EXAMPLEDELETED1", `arn:aws:iam::${ACCOUNT}:role/deployer`] }, Action: "sts:AssumeRole" }]);
    expect(doc.roles[0]!.analysis!.trust.deletedPrincipals).toEqual(["AROAJ7EXAMPLEDELETED1"]);
    expect(lr011(doc)).toEqual([["medium", `Execution role fn-role can also be assumed by aws-principal arn:aws:iam::${ACCOUNT}:role/deployer (Statement[1])`]]);
  });

  it("a trust policy without one has no deletedPrincipals field (documents unchanged)", () => {
    const doc = account([{ Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "sts:AssumeRole" }]);
    expect("deletedPrincipals" in doc.roles[0]!.analysis!.trust).toBe(false);
    expect(lr011(doc).map(([s]) => s)).toEqual(["high"]);
  });
});
