/**
 * Access Advisor and Access Analyzer outputs as the tools that fetch them write them, beside the
 * AWS CLI: the same report's times as boto3's `json.dumps(default=str)`, the AWS SDK for
 * JavaScript's `JSON.stringify`, Jackson (epoch seconds or milliseconds), PowerShell's
 * ConvertTo-Json (`/Date(ms)/`; .NET's DateTime.MinValue for a time the response left out:
 * `LastAccessedTime : 1/1/0001 12:00:00 AM` for a tracked action never accessed, as
 * Get-IAMServiceLastAccessedDetail prints it), and the entities a report names (IAM API
 * Reference, GetServiceLastAccessedDetails: for a role's report, `LastAuthenticatedEntity` is "the
 * role ARN that you used to generate the report").
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LambdaFunction, Role } from "../../src/model/document.js";
import { emptyRoleFacts } from "../../src/iam/index.js";
import { labelUsage, readUsage } from "../../src/usage/index.js";

const ACCT = "123456789012";
const ROLE = `arn:aws:iam::${ACCT}:role/service-role/billing-role`;
const FN = `arn:aws:lambda:us-east-1:${ACCT}:function:billing`;
const GRANTED = ["s3:CreateBucket", "s3:ListAllMyBuckets", "sqs:SendMessage"];
const role: Role = {
  arn: ROLE, name: "billing-role", path: "/service-role/", roleId: null, accountId: ACCT, createDate: "2025-01-01T00:00:00Z", trustPolicy: null,
  inlinePolicies: [], attachedPolicies: [], permissionsBoundaryArn: null, lastUsed: null, tags: {}, trustsLambda: true, functions: [FN], source: null,
  facts: { ...emptyRoleFacts(), allowedActions: GRANTED, allowedActionCount: GRANTED.length },
};
const fn: LambdaFunction = {
  arn: FN, name: "billing", accountId: ACCT, region: "us-east-1", runtime: "python3.12", packageType: "Zip", roleArn: ROLE, versions: [], aliases: [],
  lastModified: "2025-05-01T00:00:00Z", vpc: null, tracingMode: null, environmentVariableNames: [], kmsKeyArn: null, deadLetterTargetArn: null,
  destinations: { onSuccess: null, onFailure: null }, logGroup: "/aws/lambda/billing", logFormat: null, layers: [], fileSystems: [], triggers: [],
  resourcePolicy: null, functionUrls: [], tags: {}, source: null,
};
const DOC = { roles: [role], functions: [fn] };
const dir = mkdtempSync(join(tmpdir(), "leastrole-advisor-forms-"));
let n = 0;
function write(name: string, value: unknown): string {
  const file = join(dir, String(n++), name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 4));
  return file;
}
const roleFile = `${encodeURIComponent(ROLE)}.json`;

/** An ACTION_LEVEL report of the role made 2026-11-28T09:00Z: SQS last accessed `sqs`, S3's ListAllMyBuckets `list`, CreateBucket `create`. */
function report(times: { created: unknown; sqs: unknown; list: unknown; create?: unknown }): object {
  return {
    JobStatus: "COMPLETED",
    JobType: "ACTION_LEVEL",
    JobCreationDate: times.created,
    ServicesLastAccessed: [
      {
        ServiceName: "Amazon S3", ServiceNamespace: "s3", LastAuthenticated: times.list, LastAuthenticatedEntity: ROLE, TotalAuthenticatedEntities: 1,
        TrackedActionsLastAccessed: [
          { ActionName: "CreateBucket", ...(times.create === undefined ? {} : { LastAccessedTime: times.create }) },
          { ActionName: "ListAllMyBuckets", LastAccessedEntity: ROLE, LastAccessedTime: times.list, LastAccessedRegion: "us-east-1" },
        ],
      },
      { ServiceName: "Amazon SQS", ServiceNamespace: "sqs", LastAuthenticated: times.sqs, LastAuthenticatedEntity: ROLE, TotalAuthenticatedEntities: 1 },
    ],
  };
}

const labels = (agg: Awaited<ReturnType<typeof readUsage>>): Record<string, string> =>
  Object.fromEntries((labelUsage(agg, DOC, { asOf: "2026-11-28T00:00:00Z" }).labels[0]?.permissions ?? []).map((p) => [p.action, p.label]));

describe("Access Advisor times in every form the tools write", () => {
  // 2026-11-28T09:00:00Z (the job), 2026-11-20T10:00:00Z (inside the window), 2026-06-01T10:00:00Z (before it).
  const forms: [string, { created: unknown; sqs: unknown; list: unknown }][] = [
    ["AWS CLI (ISO with offset)", { created: "2026-11-28T09:00:00.929000+00:00", sqs: "2026-06-01T10:00:00+00:00", list: "2026-11-20T10:00:00+00:00" }],
    ["the wire / JavaScript SDK (ISO Z)", { created: "2026-11-28T09:00:00.929Z", sqs: "2026-06-01T10:00:00Z", list: "2026-11-20T10:00:00.000Z" }],
    ["boto3 through json.dumps(default=str)", { created: "2026-11-28 09:00:00.929000+00:00", sqs: "2026-06-01 10:00:00+00:00", list: "2026-11-20 10:00:00+00:00" }],
    ["epoch seconds (Jackson, Java SDK v2)", { created: 1795856400.929, sqs: 1780308000, list: 1795168800 }],
    ["epoch milliseconds (Jackson, Java SDK v1)", { created: 1795856400929, sqs: 1780308000000, list: 1795168800000 }],
    ["epoch milliseconds as text", { created: "1795856400929", sqs: "1780308000000", list: "1795168800000" }],
    ["Windows PowerShell ConvertTo-Json", { created: "/Date(1795856400929)/", sqs: "/Date(1780308000000)/", list: "/Date(1795168800000)/" }],
  ];

  it.each(forms)("%s: the same report, the same times", async (_name, times) => {
    const agg = await readUsage([write(roleFile, report(times))], { workers: 1 });
    expect(agg.warnings).toEqual([]);
    expect(agg.accessAdvisor.map((r) => [r.createdAt, r.services.map((s) => [s.namespace, s.lastAuthenticated, s.actions])])).toEqual([
      ["2026-11-28T09:00:00Z", [
        ["s3", "2026-11-20T10:00:00Z", [{ action: "s3:CreateBucket", lastAccessed: null }, { action: "s3:ListAllMyBuckets", lastAccessed: "2026-11-20T10:00:00Z" }]],
        ["sqs", "2026-06-01T10:00:00Z", null],
      ]],
    ]);
    // ListAllMyBuckets was called inside the window: used, never unused.
    expect(labels(agg)).toEqual({ "s3:CreateBucket": "unused", "s3:ListAllMyBuckets": "used", "sqs:SendMessage": "unused" });
  });

  it("a time PowerShell writes for one the response left out (.NET's DateTime.MinValue) is no access, not one in the year 1", async () => {
    for (const minValue of ["0001-01-01T00:00:00", "/Date(-62135596800000)/"]) {
      const agg = await readUsage([write(roleFile, report({ created: "2026-11-28T09:00:00", sqs: "2026-06-01T10:00:00", list: "2026-11-20T10:00:00", create: minValue }))], { workers: 1 });
      expect([minValue, agg.warnings]).toEqual([minValue, []]);
      const s3 = agg.accessAdvisor[0]?.services.find((s) => s.namespace === "s3");
      expect(s3?.actions?.find((a) => a.action === "s3:CreateBucket")).toEqual({ action: "s3:CreateBucket", lastAccessed: null });
      const reason = labelUsage(agg, DOC, { asOf: "2026-11-28T00:00:00Z" }).labels[0]?.permissions.find((p) => p.action === "s3:CreateBucket")?.reason;
      expect(reason).toBe("Access Advisor (report of 2026-11-28T09:00:00Z): s3:CreateBucket not accessed in its tracking period");
    }
  });
});

describe("Access Analyzer findings are about roles only", () => {
  it("a user's unused-access findings, whatever the user's name, add nothing to a role's labels", async () => {
    // An account analyzer's findings cover IAM users too (resourceType AWS::IAM::User; findingType
    // UnusedPermission, UnusedIAMUserAccessKey, UnusedIAMUserPassword: Access Analyzer API
    // Reference, FindingSummaryV2). Before, a user named like the role (billing-role) had its
    // finding read as the role's: "access-analyzer" agreed with the role's unused labels.
    const user = `arn:aws:iam::${ACCT}:user/billing-role`;
    const finding = (id: string, findingType: string, details: object[]) => ({
      id, resource: user, resourceType: "AWS::IAM::User", resourceOwnerAccount: ACCT, status: "ACTIVE", findingType,
      createdAt: "2026-11-20T10:00:00+00:00", updatedAt: "2026-11-27T10:00:00+00:00", analyzedAt: "2026-11-27T10:00:00+00:00", findingDetails: details,
    });
    const findings = write("unused-access-findings.json", {
      findings: [
        finding("u-1", "UnusedPermission", [{ unusedPermissionDetails: { serviceNamespace: "sqs", lastAccessed: "2026-06-01T10:00:00+00:00" } }]),
        finding("u-2", "UnusedIAMUserAccessKey", [{ unusedIamUserAccessKeyDetails: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", lastAccessed: "2026-01-01T00:00:00+00:00" } }]),
        finding("u-3", "UnusedIAMUserPassword", [{ unusedIamUserPasswordDetails: {} }]),
      ],
    });
    const advisorReport = write(roleFile, report({ created: "2026-11-28T09:00:00Z", sqs: "2026-06-01T10:00:00Z", list: "2026-11-20T10:00:00Z" }));
    const agg = await readUsage([advisorReport, findings], { workers: 1 });
    expect(agg.accessAnalyzer).toEqual([]);
    expect(agg.warnings).toEqual([]);
    const sqs = labelUsage(agg, DOC, { asOf: "2026-11-28T00:00:00Z" }).labels[0]?.permissions.find((p) => p.action === "sqs:SendMessage");
    expect([sqs?.label, sqs?.sources]).toEqual(["unused", ["access-advisor"]]);
    // The same finding about the role is the role's.
    const own = write("role-findings.json", { findings: [{ ...finding("r-1", "UnusedPermission", [{ unusedPermissionDetails: { serviceNamespace: "sqs", lastAccessed: "2026-06-01T10:00:00+00:00" } }]), resource: ROLE, resourceType: "AWS::IAM::Role" }] });
    const withOwn = await readUsage([advisorReport, own], { workers: 1 });
    expect(withOwn.accessAnalyzer.map((f) => [f.id, f.resource, f.analyzedAt, f.services])).toEqual([["r-1", ROLE, "2026-11-27T10:00:00Z", [{ namespace: "sqs", lastAccessed: "2026-06-01T10:00:00Z", actions: null }]]]);
    const ownSqs = labelUsage(withOwn, DOC, { asOf: "2026-11-28T00:00:00Z" }).labels[0]?.permissions.find((p) => p.action === "sqs:SendMessage");
    expect([ownSqs?.label, ownSqs?.sources]).toEqual(["unused", ["access-advisor", "access-analyzer"]]);
  });
});

describe("Access Analyzer finding status", () => {
  it("only an ACTIVE finding agrees with an unused label; ARCHIVED and RESOLVED ones (the permission used again, or set aside) do not", async () => {
    // FindingStatus: ACTIVE | ARCHIVED | RESOLVED (Access Analyzer API Reference, FindingSummaryV2).
    const advisorReport = write(roleFile, report({ created: "2026-11-28T09:00:00Z", sqs: "2026-06-01T10:00:00Z", list: "2026-11-20T10:00:00Z" }));
    const sources: Record<string, string[] | undefined> = {};
    for (const status of ["ACTIVE", "ARCHIVED", "RESOLVED"]) {
      const findings = write(`${status}.json`, {
        id: `f-${status}`, resource: ROLE, resourceType: "AWS::IAM::Role", resourceOwnerAccount: ACCT, status, findingType: "UnusedIAMRole",
        createdAt: "2026-11-20T10:00:00Z", updatedAt: "2026-11-27T10:00:00Z", analyzedAt: "2026-11-27T10:00:00Z", findingDetails: [{ unusedIamRoleDetails: { lastAccessed: "2026-06-01T10:00:00Z" } }],
      });
      const agg = await readUsage([advisorReport, findings], { workers: 1 });
      sources[status] = labelUsage(agg, DOC, { asOf: "2026-11-28T00:00:00Z" }).labels[0]?.permissions.find((p) => p.action === "sqs:SendMessage")?.sources;
    }
    expect(sources).toEqual({ ACTIVE: ["access-advisor", "access-analyzer"], ARCHIVED: ["access-advisor"], RESOLVED: ["access-advisor"] });
  });
});

describe("an access whose time was lost is not 'never accessed'", () => {
  it("a service counted as accessed, or a tracked action with the entity that accessed it, but without its time, makes the report unusable, named", async () => {
    // What a script's json.dumps(..., default=lambda o: None) writes for boto3's datetimes: the
    // counts and entities stay, the times become null. Before, such a service read as not accessed
    // in the tracking period: its actions unused, though the report says the role accessed it.
    const lost = (change: (r: any) => void) => {
      const r: any = report({ created: "2026-11-28T09:00:00Z", sqs: "2026-06-01T10:00:00Z", list: "2026-11-20T10:00:00Z" });
      change(r);
      return write(roleFile, r);
    };
    const cases: [string, string, string][] = [
      ["service", lost((r) => (r.ServicesLastAccessed[1].LastAuthenticated = null)), "ServicesLastAccessed[1] (sqs) was accessed (TotalAuthenticatedEntities 1, LastAuthenticatedEntity arn:aws:iam::123456789012:role/service-role/billing-role) but has no LastAuthenticated"],
      ["tracked action", lost((r) => delete r.ServicesLastAccessed[0].TrackedActionsLastAccessed[1].LastAccessedTime), "ServicesLastAccessed[0].TrackedActionsLastAccessed[1] (ListAllMyBuckets) was accessed (LastAccessedEntity arn:aws:iam::123456789012:role/service-role/billing-role, LastAccessedRegion us-east-1) but has no LastAccessedTime"],
    ];
    for (const [name, file, what] of cases) {
      const agg = await readUsage([file], { workers: 1 });
      expect([name, agg.accessAdvisor, agg.coverage.partial]).toEqual([name, [], true]);
      expect([name, agg.warnings.map((w) => w.message)]).toEqual([name, [`Access Advisor output cannot be used: ${what}: the time of that access is missing, so the report cannot say what was not accessed since; export it again with its times`]]);
    }
  });
});

describe("AWS Tools for PowerShell exports (Get-IAMServiceLastAccessedDetail | ConvertTo-Json)", () => {
  // The AWS SDK for .NET's enums are ConstantClass objects, which ConvertTo-Json writes as
  // {"Value": "…"}; the response object brings its own fields (ResponseMetadata, ContentLength,
  // HttpStatusCode); local times carry their offset; an unset time is DateTime.MinValue.
  const exported = (tracked: unknown) => ({
    Error: null,
    IsTruncated: false,
    JobCompletionDate: "2026-11-28T10:00:05.123+01:00",
    JobCreationDate: "2026-11-28T10:00:00.929+01:00",
    JobStatus: { Value: "COMPLETED" },
    JobType: { Value: "ACTION_LEVEL" },
    Marker: null,
    ServicesLastAccessed: [
      { LastAuthenticated: "2026-11-20T11:00:00+01:00", LastAuthenticatedEntity: ROLE, LastAuthenticatedRegion: "us-east-1", ServiceName: "Amazon S3", ServiceNamespace: "s3", TotalAuthenticatedEntities: 1, TrackedActionsLastAccessed: tracked },
      { LastAuthenticated: "0001-01-01T00:00:00", LastAuthenticatedEntity: null, LastAuthenticatedRegion: null, ServiceName: "Amazon SQS", ServiceNamespace: "sqs", TotalAuthenticatedEntities: 0, TrackedActionsLastAccessed: [] },
    ],
    ResponseMetadata: { RequestId: "5f9a1c2e-0000-4000-8000-000000000000", Metadata: {}, ChecksumAlgorithm: { Value: "NONE" }, ChecksumValidationStatus: { Value: "NOT_VALIDATED" } },
    ContentLength: 1234,
    HttpStatusCode: 200,
  });

  it("ConvertTo-Json -Depth 10: the job's status and type are read through their Value", async () => {
    const tracked = [
      { ActionName: "CreateBucket", LastAccessedEntity: null, LastAccessedRegion: null, LastAccessedTime: "0001-01-01T00:00:00" },
      { ActionName: "ListAllMyBuckets", LastAccessedEntity: ROLE, LastAccessedRegion: "us-east-1", LastAccessedTime: "2026-11-20T11:00:00+01:00" },
    ];
    const agg = await readUsage([write(roleFile, exported(tracked))], { workers: 1 });
    // Before: "Access Advisor job status is {"Value":"COMPLETED"}, not COMPLETED: the report is left out".
    expect(agg.warnings).toEqual([]);
    expect(agg.accessAdvisor.map((r) => [r.roleArn, r.jobType, r.createdAt, r.completedAt, r.services])).toEqual([[ROLE, "ACTION_LEVEL", "2026-11-28T09:00:00Z", "2026-11-28T09:00:05Z", [
      { namespace: "s3", lastAuthenticated: "2026-11-20T10:00:00Z", actions: [{ action: "s3:CreateBucket", lastAccessed: null }, { action: "s3:ListAllMyBuckets", lastAccessed: "2026-11-20T10:00:00Z" }] },
      { namespace: "sqs", lastAuthenticated: null, actions: [] },
    ]]]);
    expect(labels(agg)).toEqual({ "s3:CreateBucket": "unused", "s3:ListAllMyBuckets": "used", "sqs:SendMessage": "unused" });
  });

  it("ConvertTo-Json without -Depth (2): the tracked actions are a .NET type name; the services are read, the cut is said", async () => {
    const agg = await readUsage([write(roleFile, exported("Amazon.IdentityManagement.Model.TrackedActionLastAccessed Amazon.IdentityManagement.Model.TrackedActionLastAccessed"))], { workers: 1 });
    expect(agg.accessAdvisor[0]?.services.map((s) => [s.namespace, s.lastAuthenticated, s.actions])).toEqual([["s3", "2026-11-20T10:00:00Z", null], ["sqs", null, []]]);
    expect(agg.warnings.map((w) => [w.code, w.message])).toEqual([[
      "access-advisor-depth-cut",
      "Access Advisor output has a .NET type name where its tracked actions are (ServicesLastAccessed[0].TrackedActionsLastAccessed, \"Amazon.IdentityManagement.Model.TrackedActionLastAccessed\"): PowerShell's ConvertTo-Json wrote what lay below its -Depth (2 unless given) as type names, so only the services are used, not which of their actions were accessed; export again with ConvertTo-Json -Depth 10",
    ]]);
    // No action is called unused on the services' word alone where the service was accessed in the window.
    expect(labels(agg)).toEqual({ "s3:CreateBucket": "unknowable", "s3:ListAllMyBuckets": "unknowable", "sqs:SendMessage": "unused" });
  });
});
