/**
 * Resource-based policies of a function and trust policies of its execution role, judged as AWS
 * evaluates them: each case of test/fixtures/resource-policy-sweep/cases.json is a policy as AWS
 * writes it (get-policy's `Policy` string with `"Id": "default"` and Lambda's `AWS:SourceArn`
 * spelling; a role's AssumeRolePolicyDocument in get-account-authorization-details), taken from the
 * AWS documentation page its `source` names (SOURCE.md). Each goes through the readers, the
 * normaliser, the analysis and the compiled rule pack, and its expected verdict was checked by hand
 * against that page: LR012's findings (severity, kind, and the statement's Sid in the message), the
 * role's trustsLambda and LR011's finding.
 * Needs `npm run build:policies` (as `npm test` does).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyzeDocument } from "../../src/analysis/index.js";
import { evaluateDocument, loadBuiltinPack } from "../../src/evaluate/index.js";
import { fingerprintOf } from "../../src/evaluate/findings.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import type { CanonicalDocument } from "../../src/model/document.js";
import type { Finding } from "../../src/model/findings.js";
import { readSourceBytes } from "../../src/sources/read-sources.js";
import { normalizeFragments } from "../normalize/checked.js";

const catalog = loadActionCatalogSync();
const ACCOUNT = "123456789012";
const REGION = "us-east-2";
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/service-role/my-function-role-uy3l9qyq`;
const LAMBDA_TRUST = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };

interface FunctionPolicyCase {
  id: string;
  source: string;
  getPolicy: { Policy: string; RevisionId: string };
  functionUrl?: object;
  /** LR012 findings: [severity, kind (the detail's last part), the Sid the message names or null for a URL]. */
  expect: Array<[string, string, string | null]>;
  /** What the (one) finding's message says the statement lets whom do, when the case checks it. */
  message?: string;
}
interface TrustPolicyCase {
  id: string;
  source: string;
  trustPolicy: object;
  /** LR011: [severity, the principals it names] or null for no finding; with `message`, [severity, what follows the role's name]. */
  expect: { trustsLambda: boolean; LR011: [string, string] | null; message?: boolean };
}
const cases = JSON.parse(readFileSync(new URL("../fixtures/resource-policy-sweep/cases.json", import.meta.url), "utf8")) as { functionPolicies: FunctionPolicyCase[]; trustPolicies: TrustPolicyCase[] };

function read(file: string, value: unknown) {
  const { fragment, warnings } = readSourceBytes(file, JSON.stringify(value));
  if (fragment === null) throw new Error(`${file} not read: ${JSON.stringify(warnings)}`);
  expect(fragment.warnings, file).toEqual([]);
  return fragment;
}

/** An account as `leastrole collect` writes it: IAM, the function, and the extra files given. */
function account(trust: object, extra: Array<[string, unknown]>): CanonicalDocument {
  const iam = {
    RoleDetailList: [{
      Path: "/service-role/", RoleName: "my-function-role-uy3l9qyq", RoleId: "AROAQX7EXAMPLEFNROLE1", Arn: ROLE_ARN, CreateDate: "2026-09-01T00:00:00Z",
      AssumeRolePolicyDocument: trust, RolePolicyList: [],
      AttachedManagedPolicies: [{ PolicyName: "AWSLambdaBasicExecutionRole", PolicyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" }], Tags: [], RoleLastUsed: {},
    }],
    UserDetailList: [], GroupDetailList: [], Policies: [],
  };
  const functions = { Functions: [{ FunctionName: "my-function", FunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:my-function`, Runtime: "python3.12", Role: ROLE_ARN, Handler: "index.handler", Version: "$LATEST", LastModified: "2026-10-01T00:00:00.000+0000" }] };
  const fragments = [read("iam.json", iam), read(`lambda/${REGION}/functions.json`, functions), ...extra.map(([file, value]) => read(file, value))];
  return analyzeDocument(normalizeFragments(fragments).document, catalog);
}

function findings(doc: CanonicalDocument, rule: string): Finding[] {
  const { findings: all, diagnostics } = evaluateDocument(doc, [loadBuiltinPack()], { today: "2026-11-28" });
  expect(diagnostics).toEqual([]);
  return all.filter((f) => f.ruleId === rule);
}

const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:my-function`;

/**
 * The fingerprint LR012 gives a finding: of `statement:sid:<qualifier>:<Sid>:<kind>` for a
 * statement (the function's own policy: no qualifier), of the detail alone for a URL
 * (docs/rules/LR012-public-function.md, "Fingerprints").
 */
function fingerprint(kind: string, sid: string | null): string {
  return fingerprintOf("LR012", FUNCTION_ARN, sid === null ? kind : `statement:sid::${sid}:${kind}`);
}

describe("function resource-based policies from the AWS documentation", () => {
  it("holds the documented cases, each with its source", () => {
    expect(cases.functionPolicies.length).toBeGreaterThanOrEqual(25);
    for (const c of cases.functionPolicies) expect(c.source, c.id).toMatch(/https:\/\/docs\.aws\.amazon\.com\/|awsdocs\/|aws-samples\//);
    expect(new Set(cases.functionPolicies.map((c) => c.id)).size).toBe(cases.functionPolicies.length);
  });

  it.each(cases.functionPolicies.map((c) => [c.id, c] as const))("%s", (_id, c) => {
    const extra: Array<[string, unknown]> = [[`lambda/${REGION}/get-policy/my-function.json`, c.getPolicy]];
    if (c.functionUrl) extra.push([`lambda/${REGION}/function-url/my-function.json`, c.functionUrl]);
    const got = findings(account(LAMBDA_TRUST, extra), "LR012");
    expect(got.map((f) => [f.severity, f.fingerprint]).sort(), JSON.stringify(got.map((f) => [f.severity, f.message]))).toEqual(c.expect.map(([s, k, sid]) => [s, fingerprint(k, sid)]).sort());
    // Each statement finding says which statement (its Sid, which remove-permission takes) and what it lets whom do.
    for (const [, kind, sid] of c.expect) {
      if (sid === null) continue;
      const f = got.find((x) => x.fingerprint === fingerprint(kind, sid))!;
      expect(f.message, `${kind} names ${sid}`).toContain(`Statement[0] (${sid})`.replace("[0]", `[${JSON.parse(c.getPolicy.Policy).Statement.findIndex((st: { Sid: string }) => st.Sid === sid)}]`));
      if (kind.startsWith("account:")) expect(f!.message).toContain(kind.slice("account:".length));
      if (kind.startsWith("service:")) expect(f!.message).toContain(kind.slice("service:".length));
    }
    if (c.message !== undefined) expect(got.map((f) => f.message)).toEqual([expect.stringContaining(c.message)]);
  });
});

describe("execution role trust policies from the AWS documentation", () => {
  it("holds the documented cases, each with its source", () => {
    expect(cases.trustPolicies.length).toBeGreaterThanOrEqual(20);
    for (const c of cases.trustPolicies) expect(c.source, c.id).toMatch(/https:\/\/docs\.aws\.amazon\.com\/|awsdocs\/|aws-samples\//);
  });

  it.each(cases.trustPolicies.map((c) => [c.id, c] as const))("%s", (_id, c) => {
    const doc = account(c.trustPolicy, []);
    expect(doc.roles[0]!.trustsLambda, "trustsLambda").toBe(c.expect.trustsLambda);
    const got = findings(doc, "LR011").map((f) => [f.severity, f.message]);
    if (c.expect.LR011 === null) expect(got).toEqual([]);
    else if (c.expect.message) expect(got).toEqual([[c.expect.LR011[0], `Execution role my-function-role-uy3l9qyq ${c.expect.LR011[1]}`]]);
    else expect(got).toEqual([[c.expect.LR011[0], `Execution role my-function-role-uy3l9qyq can also be assumed by ${c.expect.LR011[1]}`]]);
  });
});
