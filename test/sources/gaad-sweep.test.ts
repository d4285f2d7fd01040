/**
 * `aws iam get-account-authorization-details` exports and fragments of them published in public
 * repositories (test/fixtures/gaad-sweep/SOURCE.md: LocalStack's recordings of AWS, the AWS CLI's
 * documented output, the test data of parliament, cloudsplaining, cloudtracker, ConsoleMe and
 * Cartography, a CreateRole response from Stratus Red Team's CloudTrail logs), each read by the
 * reader, normalised and analysed. The expected values are read off the files (what AWS means by
 * each field: the IAM API reference's RoleDetail, UserDetail, GroupDetail, ManagedPolicyDetail),
 * never copied from leastrole's output.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeDocument } from "../../src/analysis/index.js";
import type { CanonicalDocument } from "../../src/model/document.js";
import type { SourceFragment } from "../../src/sources/types.js";
import { normalize } from "../normalize/checked.js";
import { readValue } from "./helpers.js";

const DIR = new URL("../fixtures/gaad-sweep/", import.meta.url).pathname;
const FILES = readdirSync(DIR).filter((f) => f.endsWith(".json")).sort();
const path = (name: string) => join(DIR, `${name}.json`);

function read(name: string): SourceFragment {
  const file = path(name);
  const { fragment, warnings } = readValue(file, readFileSync(file, "utf8"));
  if (!fragment) throw new Error(`${name} not read: ${JSON.stringify(warnings)}`);
  return fragment;
}

async function doc(name: string): Promise<CanonicalDocument> {
  return analyzeDocument((await normalize([path(name)])).document);
}

const warningsOf = (f: SourceFragment) => f.warnings.map((w) => [w.severity, w.path, w.message]);

/** The files whose every record is read without an error (the others are listed with what is refused). */
const CLEAN = [
  "aws-cli-create-service-linked-role",
  "cartography-list-roles",
  "cloudsplaining-overrides",
  "cloudsplaining-service-linked-role",
  "consoleme-mock-role",
  "consoleme-www-user",
  "localstack-filter-aws-managed-policy",
  "localstack-filter-group",
  "localstack-filter-local-managed-policy",
  "localstack-filter-role",
  "localstack-filter-user",
  "localstack-no-filter",
  "localstack-with-inline-policies",
  "localstack-with-tags",
  "parliament-authorization-file",
  "stratus-red-team-create-role",
];

describe("get-account-authorization-details exports published in public repositories", () => {
  it("holds 15+ files, each with a SOURCE entry; every one is read as an authorization details export", async () => {
    expect(FILES.length).toBeGreaterThanOrEqual(15);
    const source = readFileSync(join(DIR, "SOURCE.md"), "utf8");
    for (const file of FILES) {
      expect(source, file).toContain(`\`${file}\``);
      const f = read(file.replace(/\.json$/, ""));
      expect(f.source.kind, file).toBe("iam-authorization-details");
      // The whole pipeline (normaliser, schema check, analysis) takes every file without throwing.
      const d = await doc(file.replace(/\.json$/, ""));
      expect(d.meta.sources.map((s) => s.kind), file).toEqual(["iam-authorization-details"]);
    }
  });

  it.each(CLEAN)("%s: no record or policy document refused", (name) => {
    const f = read(name);
    expect(f.warnings.filter((w) => w.severity === "error"), name).toEqual([]);
    expect(f.partial, name).toBe(false);
    expect(f.incompletePrincipals, name).toEqual([]);
  });

  it("every role of every file is read: as many roles as RoleDetailList entries (instance profiles' nested Roles are not roles of their own)", () => {
    for (const file of FILES) {
      const raw = JSON.parse(readFileSync(join(DIR, file), "utf8")) as { RoleDetailList?: Array<{ Arn: string }> };
      const f = read(file.replace(/\.json$/, ""));
      expect(f.roles.map((r) => r.arn).sort(), file).toEqual((raw.RoleDetailList ?? []).map((r) => r.Arn).sort());
    }
  });
});

describe("LocalStack's recordings of AWS (boto3, paginator.build_full_result)", () => {
  it("Filter=Role: path, inline policy, attachment, tags, RoleLastUsed {} (never used), trust", () => {
    const f = read("localstack-filter-role");
    expect(f.roles).toHaveLength(1);
    const r = f.roles[0]!;
    expect(r).toMatchObject({
      arn: "arn:aws:iam::111111111111:role/my-path/role-3f2a9c1e",
      name: "role-3f2a9c1e",
      path: "/my-path/",
      roleId: "AROAQX7EXAMPLEROLE001",
      accountId: "111111111111",
      createDate: "2026-02-17T14:44:27.000Z",
      lastUsed: { date: null, region: null },
      tags: { somekey: "somevalue", someotherkey: "someothervalue" },
      permissionsBoundaryArn: null,
      attachedPolicies: [{ arn: "arn:aws:iam::111111111111:policy/policy-8b1d4e7a", name: "policy-8b1d4e7a" }],
    });
    expect(r.trustPolicy).toEqual({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["sts:AssumeRole"], Principal: { Service: ["ec2.amazonaws.com"] } }] });
    expect(r.inlinePolicies.map((p) => [p.name, p.document])).toEqual([["policy-1e6b3d58", { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:ListBucket"], Resource: ["*"] }] }]]);
    // A Filter=Role export holds no policies: the attached customer managed policy is unknown.
    expect(f.policies).toEqual([]);
  });

  it("Filter=Role through the pipeline: the unknown customer managed policy makes the role's permissions a lower bound, said so", async () => {
    const d = await doc("localstack-filter-role");
    const role = d.roles[0]!;
    expect(role.facts.incomplete).toBe(true);
    expect(role.trustsLambda).toBe(false);
    expect(d.meta.warnings.some((w) => w.message.includes("arn:aws:iam::111111111111:policy/policy-8b1d4e7a") && w.message.includes("lower bound"))).toBe(true);
  });

  it("Filter=User and Filter=Group: the user's group list, inline and attached policies; the group's", async () => {
    const u = read("localstack-filter-user").principals;
    expect(u.map((p) => [p.type, p.arn, p.groups, p.inlinePolicies.map((i) => i.name), p.attachedPolicies.map((a) => a.arn), p.tags])).toEqual([
      ["user", "arn:aws:iam::111111111111:user/user-6d0f2b84", ["group-a47c19e2"], ["policy-1e6b3d58"], ["arn:aws:iam::111111111111:policy/policy-8b1d4e7a"], { somekey: "somevalue", someotherkey: "someothervalue" }],
    ]);
    // The user's group is not in a Filter=User export: its permissions are not known whole.
    const d = await doc("localstack-filter-user");
    expect(d.principals.find((p) => p.type === "user")!.facts.incomplete).toBe(true);
    const g = read("localstack-filter-group").principals;
    expect(g.map((p) => [p.type, p.arn, p.inlinePolicies.map((i) => i.name), p.attachedPolicies.map((a) => a.arn)])).toEqual([
      ["group", "arn:aws:iam::111111111111:group/group-a47c19e2", ["policy-1e6b3d58"], ["arn:aws:iam::111111111111:policy/policy-8b1d4e7a"]],
    ]);
  });

  it("Filter=LocalManagedPolicy and AWSManagedPolicy: the default version is the document, the other versions kept", () => {
    const local = read("localstack-filter-local-managed-policy").policies;
    expect(local.map((p) => [p.arn, p.awsManaged, p.defaultVersionId, p.document, p.resolution, p.attachmentCount])).toEqual([
      ["arn:aws:iam::111111111111:policy/policy-8b1d4e7a", false, "v1", { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:ListBucket"], Resource: ["*"] }] }, "input", 0],
    ]);
    const aws = read("localstack-filter-aws-managed-policy").policies;
    expect(aws).toHaveLength(1);
    expect(aws[0]).toMatchObject({ arn: "arn:aws:iam::aws:policy/AmazonS3FullAccess", awsManaged: true, defaultVersionId: "v2", resolution: "input", attachmentCount: 2 });
    // v2 (IsDefaultVersion true) comes first in the list, v1 after it: the flag decides, not the order.
    expect(aws[0]!.document!.Statement[0]!.Action).toEqual(["s3:*", "s3-object-lambda:*"]);
    expect(aws[0]!.otherVersions).toEqual([{ versionId: "v1", document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:*"], Resource: ["*"] }] } }]);
  });

  it("no filter, inline policies and tags: one role, one user, one group, one policy; every inline policy by its owner", () => {
    const all = read("localstack-no-filter");
    expect([all.roles.length, all.principals.map((p) => p.type).sort(), all.policies.length]).toEqual([1, ["group", "user"], 1]);
    expect(all.source.records).toBe(4);
    const inline = read("localstack-with-inline-policies");
    expect(inline.roles[0]!.inlinePolicies.map((p) => p.name)).toEqual(["policy-1e6b3d58"]);
    expect(inline.principals.map((p) => [p.type, p.inlinePolicies.map((i) => i.name)]).sort()).toEqual([
      ["group", ["policy-0c2e4a61"]],
      ["user", ["policy-7f9a1c3b"]],
    ]);
    const tags = read("localstack-with-tags");
    expect(tags.roles[0]!.tags).toEqual({ environment: "test", team: "platform" });
    expect(tags.principals[0]!.tags).toEqual({ environment: "test", team: "platform" });
  });
});

describe("the AWS CLI's documented output", () => {
  it("get-account-authorization-details: Statement as one object, Action as a string, an instance profile; the groups whose AttachedManagedPolicies is an object are refused by path", () => {
    const f = read("aws-cli-example");
    expect(f.roles.map((r) => [r.name, r.attachedPolicies.map((a) => a.arn), r.inlinePolicies.length])).toEqual([
      ["EC2role", ["arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess", "arn:aws:iam::aws:policy/AmazonS3FullAccess"], 0],
    ]);
    expect(f.roles[0]!.trustPolicy!.Statement).toEqual([{ Effect: "Allow", Sid: "", Action: ["sts:AssumeRole"], Principal: { Service: ["ec2.amazonaws.com"] } }]);
    const users = f.principals.filter((p) => p.type === "user");
    expect(users.map((u) => [u.name, u.groups])).toEqual([
      ["Alice", ["Admins"]],
      ["Bob", ["Admins"]],
      ["Charlie", ["Dev"]],
    ]);
    // Bob's inline policy has "Statement": {…} (one statement, not a list).
    expect(users[1]!.inlinePolicies[0]!.document.Statement).toEqual([{ Effect: "Deny", Action: ["aws-portal:*", "iam:*"], Resource: ["*"] }]);
    // The example writes Admins' and Dev's AttachedManagedPolicies as one object, which the API
    // never returns (a list of AttachedPolicy): refused, by path; Finance (a list) is read.
    expect(f.principals.filter((p) => p.type === "group").map((g) => g.name)).toEqual(["Finance"]);
    expect(warningsOf(f)).toEqual([
      ["error", "GroupDetailList[0].AttachedManagedPolicies", "expected an array, found an object"],
      ["error", "GroupDetailList[1].AttachedManagedPolicies", "expected an array, found an object"],
    ]);
    for (const w of f.warnings) expect(w.file).toBe(path("aws-cli-example"));
    // "Marker": "EXAMPLE…", "IsTruncated": true: the example is one page of several.
    expect(f.pagination).toEqual({ truncated: true, path: "IsTruncated" });
    const ec2 = f.policies.find((p) => p.arn === "arn:aws:iam::aws:policy/AmazonEC2FullAccess")!;
    expect(ec2.awsManaged).toBe(true);
    expect(ec2.document!.Statement.map((s) => s.Action)).toEqual([["ec2:*"], ["elasticloadbalancing:*"], ["cloudwatch:*"], ["autoscaling:*"]]);
    expect(f.policies.find((p) => p.name === "create-update-delete-set-managed-policies")!.document!.Statement).toHaveLength(1);
  });

  it("get-role: RoleLastUsed read; the trust policy placeholder <URL-encoded-JSON> refused with its path, the role kept", () => {
    const f = read("aws-cli-get-role");
    expect(f.roles.map((r) => [r.arn, r.lastUsed, r.trustPolicy])).toEqual([["arn:aws:iam::123456789012:role/Test-Role", { date: "2019-11-13T17:14:00.000Z", region: "us-east-1" }, null]]);
    expect(f.warnings).toHaveLength(1);
    expect(f.warnings[0]).toMatchObject({ severity: "error", file: path("aws-cli-get-role"), path: "RoleDetailList[0].AssumeRolePolicyDocument" });
    expect(f.warnings[0]!.message).toMatch(/^policy document is not valid JSON/);
    expect(f.partial).toBe(true);
  });

  it("create-service-linked-role: the /aws-service-role/ path and the service principal as a list; the example's 10-digit account ID is warned", () => {
    const f = read("aws-cli-create-service-linked-role");
    const r = f.roles[0]!;
    expect(r.path).toBe("/aws-service-role/lex.amazonaws.com/");
    expect(r.name).toBe("AWSServiceRoleForLexBots");
    expect(r.trustPolicy!.Statement[0]!.Principal).toEqual({ Service: ["lex.amazonaws.com"] });
    // "arn:aws:iam::1234567890:role/…": no AWS account ID has 10 digits. Before, read without a
    // word (and the role then belonged to no account of the document).
    expect(f.warnings.map((w) => [w.code, w.severity, w.file, w.path])).toEqual([["invalid-account-id", "warning", path("aws-cli-create-service-linked-role"), "RoleDetailList[0].Arn"]]);
    expect(f.warnings[0]!.message).toContain('"1234567890"');
    expect(f.partial).toBe(false);
  });
});

describe("other tools' test data", () => {
  it("parliament: Python str(datetime) dates, a group membership, a customer managed policy whose default is v9", async () => {
    const f = read("parliament-authorization-file");
    expect(f.roles.map((r) => [r.name, r.createDate, r.inlinePolicies.map((p) => p.name), r.lastUsed])).toEqual([
      ["MyRole", "2019-08-16T17:27:59.000Z", ["Stuff"], { date: null, region: null }],
      ["MyOtherRole", "2019-08-16T17:27:59.000Z", ["SupYo"], { date: null, region: null }],
    ]);
    expect(f.roles[0]!.inlinePolicies[0]!.document.Statement[0]!.Action).toEqual(["s3:ListBucket", "s3:Put*", "s3:Get*", "s3:*MultipartUpload*"]);
    expect(f.policies.map((p) => [p.arn, p.defaultVersionId, p.document!.Statement[0]!.Resource])).toEqual([["arn:aws:iam::012345678901:policy/NotYourPolicy", "v9", ["arn:aws:s3:::mybucket/*", "arn:aws:s3:::mybucket"]]]);
    const d = await doc("parliament-authorization-file");
    // obama is in admin, which has AdministratorAccess: everything, through the group.
    expect(d.principals.find((p) => p.name === "obama")!.facts.incomplete).toBe(false);
    expect(d.principals.find((p) => p.name === "obama")!.facts.fullAccessServices.length).toBeGreaterThan(100);
  });

  it("ConsoleMe: a 2008-10-17 trust policy with an empty Sid, actions in lower case", async () => {
    const f = read("consoleme-mock-role");
    const r = f.roles[0]!;
    expect(r.trustPolicy).toEqual({ Version: "2008-10-17", Statement: [{ Sid: "", Effect: "Allow", Action: ["sts:AssumeRole"], Principal: { AWS: ["arn:aws:iam::123456789012:role/FakeRole"] } }] });
    expect(r.inlinePolicies[0]!.document.Version).toBe("2012-10-17");
    const d = await doc("consoleme-mock-role");
    // IAM matches action names case-insensitively: s3:listallmybuckets is s3:ListAllMyBuckets.
    expect(d.roles[0]!.facts.allowedActions).toEqual(expect.arrayContaining(["s3:ListAllMyBuckets", "sqs:GetQueueAttributes"]));
    expect(d.roles[0]!.facts.unknownActions).toEqual([]);
  });

  it("ConsoleMe: a SAML federated principal with SAML:aud and a role of the same account in one trust policy", async () => {
    const d = await doc("consoleme-www-user");
    const trust = d.roles[0]!.analysis!.trust.principals.map((p) => [p.kind, p.identifier, p.actions, p.crossAccount, p.restricted]);
    // SAML:aud is the sign-in endpoint every user of the IdP posts to: it restricts no one.
    expect(trust).toEqual([
      ["federated", "arn:aws:iam::123456789012:saml-provider/saml", ["sts:AssumeRoleWithSAML"], false, false],
      ["aws-principal", "arn:aws:iam::123456789012:role/consoleme", ["sts:AssumeRole"], false, false],
    ]);
    // ReadOnlyAccess is AWS managed (shipped data); Abc, Encrypt and Tag are not in the export.
    const unresolved = d.meta.warnings.filter((w) => w.message.includes("is not in the inputs")).map((w) => w.message.split(" ")[2]);
    expect(unresolved).toEqual(["arn:aws:iam::123456789012:policy/Abc", "arn:aws:iam::123456789012:policy/Encrypt", "arn:aws:iam::123456789012:policy/Tag"]);
  });

  it("cloudsplaining: a service-linked role and the export's own document for its AWS managed policy (PermissionsBoundaryUsageCount null)", () => {
    const f = read("cloudsplaining-service-linked-role");
    expect(f.roles[0]!.path).toBe("/aws-service-role/cloudwatch-crossaccount.amazonaws.com/");
    expect(f.roles[0]!.accountId).toBe("115657980943");
    expect(f.policies.map((p) => [p.arn, p.path, p.awsManaged, p.resolution, p.document!.Statement[0]!.Action])).toEqual([
      ["arn:aws:iam::aws:policy/aws-service-role/CloudWatch-CrossAccountAccess", "/aws-service-role/", true, "input", ["iam:*"]],
    ]);
    const o = read("cloudsplaining-overrides");
    expect(o.policies.map((p) => [p.name, p.defaultVersionId, p.document!.Statement.map((s) => s.Sid)])).toEqual([["PolicyForTestingOverrides", "v9", ["VisualEditor0", "VisualEditor1"]]]);
  });

  it("cloudtracker: an empty trust policy ({}) is refused by path, the role and its two inline policies kept, the file partial", () => {
    const f = read("cloudtracker-role-iam");
    expect(f.roles.map((r) => [r.name, r.trustPolicy, r.inlinePolicies.map((p) => p.name)])).toEqual([["test_role", null, ["KmsDecryptSecrets", "S3PutObject"]]]);
    expect(warningsOf(f)).toEqual([["error", "RoleDetailList[0].AssumeRolePolicyDocument.Statement", "missing (a policy needs a Statement element)"]]);
    expect(f.warnings[0]!.file).toBe(path("cloudtracker-role-iam"));
    expect(f.partial).toBe(true);
  });

  it("Cartography's list_roles page: an account root, a role, a service and a SAML provider as trusted principals", async () => {
    const d = await doc("cartography-list-roles");
    expect(d.roles.map((r) => [r.name, r.createDate, r.analysis!.trust.principals.map((p) => `${p.kind} ${p.identifier}`)])).toEqual([
      ["example-role-0", "2019-01-01T00:00:01.000Z", ["aws-account arn:aws:iam::000000000000:root"]],
      ["example-role-1", "2019-01-01T00:00:01.000Z", ["aws-principal arn:aws:iam::000000000000:role/example-role-0"]],
      ["example-role-2", "2019-01-01T00:00:01.000Z", ["service ec2.amazonaws.com"]],
      ["example-role-3", "2019-01-01T00:00:01.000Z", ["federated arn:aws:iam::000000000000:saml-provider/ADFS"]],
    ]);
  });

  it("Stratus Red Team's CreateRole: a URL-encoded trust policy with newlines, another account's root, the AWSDenyAll boundary", async () => {
    const f = read("stratus-red-team-create-role");
    const r = f.roles[0]!;
    expect(r.trustPolicy).toEqual({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["sts:AssumeRole"], Principal: { AWS: ["arn:aws:iam::193672423079:root"] } }] });
    expect(r.permissionsBoundaryArn).toBe("arn:aws:iam::aws:policy/AWSDenyAll");
    // CloudTrail's own date form is not the API's: warned, the role's age unknown.
    expect(warningsOf(f)).toEqual([["warning", "RoleDetailList[0].CreateDate", 'not a timestamp: "Aug 1, 2024 1:37:41 PM"']]);
    expect(r.createDateUnreadable).toBe(true);
    const d = await doc("stratus-red-team-create-role");
    expect(d.roles[0]!.analysis!.trust.principals.map((p) => [p.kind, p.accountId, p.crossAccount])).toEqual([["aws-account", "193672423079", true]]);
    expect(d.roles[0]!.facts.hasPermissionsBoundary).toBe(true);
  });
});

describe("a PowerShell export cut at ConvertTo-Json's default -Depth", () => {
  // `Get-IAMAccountAuthorizationDetail | ConvertTo-Json` (no -Depth: 2) writes every object below
  // the second level as its .NET type name, a list as its elements' names separated by spaces
  // (PowerShell/PowerShell#8381); the record here is LocalStack's Filter=Role one, cut that way.
  const cut = (): object => {
    const page = JSON.parse(readFileSync(path("localstack-filter-role"), "utf8")) as { RoleDetailList: Array<Record<string, unknown>> };
    const r = page.RoleDetailList[0]!;
    r["AttachedManagedPolicies"] = "Amazon.IdentityManagement.Model.AttachedPolicyType";
    r["InstanceProfileList"] = "Amazon.IdentityManagement.Model.InstanceProfile";
    r["RoleLastUsed"] = "Amazon.IdentityManagement.Model.RoleLastUsed";
    r["RolePolicyList"] = "Amazon.IdentityManagement.Model.PolicyDetail";
    r["Tags"] = "Amazon.IdentityManagement.Model.Tag Amazon.IdentityManagement.Model.Tag";
    return page;
  };
  it("is refused as a whole with one error that names the path, the type name and the -Depth to export with", () => {
    const { fragment, warnings } = readValue("gaad-ps.json", cut());
    // Before: the role dropped with "expected an array, found a string" and no word of why.
    expect(fragment).toBeNull();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ severity: "error", file: "gaad-ps.json", path: "RoleDetailList[0].RolePolicyList" });
    expect(warnings[0]!.message).toContain('"Amazon.IdentityManagement.Model.PolicyDetail"');
    expect(warnings[0]!.message).toContain("ConvertTo-Json -Depth 10");
  });
  it("a list of several type names, and a type name as a list's element, are seen as well; a description or tag value that happens to look like one is not", () => {
    const page = cut() as { RoleDetailList: Array<Record<string, unknown>> };
    const r = page.RoleDetailList[0]!;
    r["RolePolicyList"] = [];
    r["AttachedManagedPolicies"] = [];
    r["InstanceProfileList"] = [];
    r["RoleLastUsed"] = {};
    expect(readValue("gaad-ps.json", page).warnings[0]).toMatchObject({ path: "RoleDetailList[0].Tags" });
    r["Tags"] = ["Amazon.IdentityManagement.Model.Tag"];
    expect(readValue("gaad-ps.json", page).warnings[0]).toMatchObject({ path: "RoleDetailList[0].Tags[0]" });
    r["Tags"] = [{ Key: "note", Value: "Amazon.IdentityManagement.Model.Tag" }];
    r["Description"] = "System.Collections.Generic.List";
    const { fragment } = readValue("gaad-ps.json", page);
    expect(fragment!.roles[0]!.tags).toEqual({ note: "Amazon.IdentityManagement.Model.Tag" });
  });
});

describe("pages merged by a script", () => {
  it("the same role twice in one file, differing: the warning says where each record is, not the file twice", async () => {
    // A loop that appended the page again after a retry, the role changed in between: LocalStack's
    // Filter=Role page, then the same page with the inline policy gone.
    const first = JSON.parse(readFileSync(path("localstack-filter-role"), "utf8")) as { RoleDetailList: Array<Record<string, unknown>> };
    const again = JSON.parse(JSON.stringify(first)) as typeof first;
    again.RoleDetailList[0]!["RolePolicyList"] = [];
    const dir = mkdtempSync(join(tmpdir(), "gaad-pages-"));
    const file = join(dir, "pages.json");
    writeFileSync(file, JSON.stringify([first, again]));
    const d = (await normalize([file])).document;
    // The first record is kept (inputs sorted by path, records in file order).
    expect(d.roles.map((r) => r.inlinePolicies.map((p) => p.name))).toEqual([["policy-1e6b3d58"]]);
    const w = d.meta.warnings.filter((x) => x.code === "conflicting-records");
    // Before: "differs between <file> and <file>", no path.
    expect(w).toEqual([
      {
        code: "conflicting-records",
        severity: "warning",
        file,
        path: "[1].RoleDetailList[0]",
        message: `role arn:aws:iam::111111111111:role/my-path/role-3f2a9c1e differs between ${file} ([0].RoleDetailList[0]) and ${file} ([1].RoleDetailList[0]); kept the first (inputs sorted by path)`,
      },
    ]);
  });
});

describe("an export narrowed by --query", () => {
  it("a bare RoleDetailList (aws iam get-account-authorization-details --query RoleDetailList) is named, with the fix", () => {
    const page = JSON.parse(readFileSync(path("localstack-filter-role"), "utf8")) as { RoleDetailList: unknown[] };
    const { fragment, warnings } = readValue("roles.json", page.RoleDetailList);
    expect(fragment).toBeNull();
    // Before: "skipped: not an input leastrole reads; accepted: …" (the list of every input).
    expect(warnings.map((w) => [w.file, w.message])).toEqual([["roles.json", "skipped: a bare RoleDetailList (get-account-authorization-details narrowed by --query): without the rest of the output it cannot be told complete; export without --query (--filter keeps the output whole)"]]);
    const users = JSON.parse(readFileSync(path("localstack-filter-user"), "utf8")) as { UserDetailList: unknown[] };
    expect(readValue("users.json", users.UserDetailList).warnings[0]!.message).toContain("a bare UserDetailList");
    const policies = JSON.parse(readFileSync(path("localstack-filter-aws-managed-policy"), "utf8")) as { Policies: unknown[] };
    expect(readValue("policies.json", policies.Policies).warnings[0]!.message).toContain("a bare Policies list");
  });
});

describe("a PowerShell export of a role never used", () => {
  it("RoleLastUsed.LastUsedDate as .NET's unset DateTime (0001-01-01T00:00:00) is never used, not used in 1901", () => {
    // AWS Tools for PowerShell on the AWS SDK for .NET v3 gives the LastUsedDate the response left
    // out (a role never used) as DateTime.MinValue; ConvertTo-Json writes it in its two forms.
    for (const [date, shell] of [["0001-01-01T00:00:00", "PowerShell 7"], ["/Date(-62135596800000)/", "Windows PowerShell"]] as const) {
      const page = JSON.parse(readFileSync(path("localstack-filter-role"), "utf8")) as { RoleDetailList: Array<Record<string, unknown>> };
      page.RoleDetailList[0]!["RoleLastUsed"] = { LastUsedDate: date, Region: null };
      const { fragment } = readValue("gaad-ps.json", page);
      expect(fragment!.roles[0]!.lastUsed, shell).toEqual({ date: null, region: null });
      expect(fragment!.warnings, shell).toEqual([]);
    }
  });
});
