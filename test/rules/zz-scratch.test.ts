import { it } from "vitest";
import { analyzeDocument } from "../../src/analysis/index.js";
import { evaluateDocument, loadBuiltinPack } from "../../src/evaluate/index.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import { readSourceBytes } from "../../src/sources/read-sources.js";
import { normalizeFragmentsRaw } from "./zz-helper.js";
const catalog = loadActionCatalogSync();
const FN = "arn:aws:lambda:us-east-2:123456789012:function:my-function";
const ROLE = "arn:aws:iam::123456789012:role/r";
function run(name: string, statements: object[], url?: string, trust?: object) {
  const iam = { RoleDetailList: [{ Path: "/", RoleName: "reader", RoleId: "AROAQX7EXAMPLEREADER1", Arn: "arn:aws:iam::123456789012:role/reader", CreateDate: "2026-09-01T00:00:00Z", AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }, RolePolicyList: [], AttachedManagedPolicies: [], Tags: [], RoleLastUsed: {} }, { Path: "/", RoleName: "r", RoleId: "AROAQX7EXAMPLEFNROLE1", Arn: ROLE, CreateDate: "2026-09-01T00:00:00Z", AssumeRolePolicyDocument: trust ?? { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }, RolePolicyList: [], AttachedManagedPolicies: [], Tags: [], RoleLastUsed: {} }], UserDetailList: [], GroupDetailList: [], Policies: [] };
  const fns = { Functions: [{ FunctionName: "my-function", FunctionArn: FN, Runtime: "python3.12", Role: ROLE, Handler: "i.h", Version: "$LATEST", LastModified: "2026-10-01T00:00:00.000+0000", Environment: { Variables: { A: "b" } } }] };
  const files: Array<[string, unknown]> = [["iam.json", iam], ["lambda/us-east-2/functions.json", fns]];
  if (statements.length) files.push(["lambda/us-east-2/get-policy/my-function.json", { Policy: JSON.stringify({ Version: "2012-10-17", Id: "default", Statement: statements.map((s) => ({ Effect: "Allow", Resource: FN, ...s })) }), RevisionId: "x" }]);
  if (url) files.push(["lambda/us-east-2/url/my-function.json", { FunctionUrl: "https://x.lambda-url.us-east-2.on.aws/", FunctionArn: FN, AuthType: url }]);
  const frags = files.map(([f, v]) => { const r = readSourceBytes(f, JSON.stringify(v)); if (!r.fragment) throw new Error(JSON.stringify(r.warnings)); return r.fragment; });
  const doc = analyzeDocument(normalizeFragmentsRaw(frags).document, catalog);
  const { findings } = evaluateDocument(doc, [loadBuiltinPack()], { today: "2026-11-28" });
  console.log(`== ${name}\n` + findings.filter((f) => ["LR011", "LR012", "LR013"].includes(f.ruleId)).map((f) => `  ${f.ruleId} ${f.severity} ${f.message}`).join("\n"));
}
it("probe", () => {
  run("R1 role arn granted config read", [{ Sid: "r1", Principal: { AWS: "arn:aws:iam::123456789012:role/reader" }, Action: "lambda:GetFunctionConfiguration" }]);
  run("R2 account root granted", [{ Sid: "r2", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "lambda:GetFunctionConfiguration" }]);
  run("R3 star granted", [{ Sid: "r3", Principal: "*", Action: "lambda:GetFunction" }]);
  run("R4 star org", [{ Sid: "r4", Principal: "*", Action: "lambda:GetFunction", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } }]);
});
