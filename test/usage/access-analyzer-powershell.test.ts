/**
 * IAM Access Analyzer output as AWS Tools for PowerShell writes it: `Get-IAMAAFindingV2`,
 * `Get-IAMAAFindingsV2List`, `Get-IAMAAAnalyzer` and `Get-IAMAAAnalyzerList` return the AWS SDK
 * for .NET's objects, which `ConvertTo-Json -Depth 10` writes with PascalCase keys (`Id`,
 * `FindingType`, `FindingDetails`, `UnusedPermissionDetails`, `ServiceNamespace`, `LastAccessed`,
 * `Configuration.UnusedAccess.UnusedAccessAge`), enums (ConstantClass) as `{"Value": "…"}`, times
 * as `/Date(ms)/` (Windows PowerShell 5.1) or ISO 8601 with an offset (PowerShell 7), a time the
 * response left out as .NET's DateTime.MinValue (SDK v3's non-nullable DateTime), and an analyzer
 * bare (AnalyzerSummary), not in the CLI's `{analyzer}`. The same finding read from either tool is
 * the same finding, with the same labels. Before, every PowerShell file was "not CloudTrail, usage
 * rows, Access Advisor or Access Analyzer data", and the usage partial.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { LambdaFunction, Role } from "../../src/model/document.js";
import { emptyRoleFacts } from "../../src/iam/index.js";
import { classifyHead } from "../../src/audit/route-inputs.js";
import { readSourceBytes } from "../../src/sources/read-sources.js";
import { labelUsage, readUsage } from "../../src/usage/index.js";
import { roleCallRecord } from "../support/cloudtrail-record.js";

const ACCT = "123456789012";
const ROLE = `arn:aws:iam::${ACCT}:role/service-role/billing-role`;
const FN = `arn:aws:lambda:us-east-1:${ACCT}:function:billing`;
const ANALYZER = `arn:aws:access-analyzer:us-east-1:${ACCT}:analyzer/unused`;
const GRANTED = ["s3:CreateBucket", "s3:GetObject", "s3:ListAllMyBuckets", "sqs:CreateQueue"];
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
const AS_OF = "2026-11-28T00:00:00Z";

let dir: string;
let trail: string;
let n = 0;
const write = (v: unknown): string => {
  const f = join(dir, `f${++n}.json`);
  writeFileSync(f, typeof v === "string" ? v : JSON.stringify(v, null, 2));
  return f;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "leastrole-analyzer-ps-"));
  const days = Array.from({ length: 40 }, (_, d) => ({
    eventVersion: "1.08",
    userIdentity: { type: "IAMUser", principalId: "AIDATFQR7NSC5U6Q3TMDR", arn: `arn:aws:iam::${ACCT}:user/benjamin`, accountId: ACCT, userName: "benjamin" },
    eventTime: new Date(Date.parse("2026-10-25T08:00:00Z") + d * 86_400_000).toISOString().replace(/\.000Z$/, "Z"),
    eventSource: "iam.amazonaws.com", eventName: "ListRoles", awsRegion: "us-east-1", eventID: `bg-${d}`, eventType: "AwsApiCall", recipientAccountId: ACCT,
  }));
  const own = roleCallRecord({ account: ACCT, roleArn: ROLE, session: "billing", time: "2026-11-05T10:00:00Z", source: "s3", name: "ListBuckets", seq: 1 });
  trail = write({ Records: [...days, own] });
});

/** The finding as `aws accessanalyzer get-finding-v2` prints it, in a file with its analyzer (get-analyzer's `analyzer`). */
const cli = {
  analyzer: { arn: ANALYZER, name: "unused", type: "ACCOUNT_UNUSED_ACCESS", status: "ACTIVE", createdAt: "2025-01-01T00:00:00+00:00", configuration: { unusedAccess: { unusedAccessAge: 90 } } },
  findings: [{
    id: "f-1", resource: ROLE, resourceType: "AWS::IAM::Role", resourceOwnerAccount: ACCT, status: "ACTIVE", findingType: "UnusedPermission",
    createdAt: "2026-11-28T06:00:00+00:00", updatedAt: "2026-11-28T06:00:00+00:00", analyzedAt: "2026-11-28T06:00:00+00:00",
    findingDetails: [
      { unusedPermissionDetails: { serviceNamespace: "sqs", lastAccessed: "2026-06-01T10:00:00+00:00" } },
      { unusedPermissionDetails: { serviceNamespace: "s3", lastAccessed: "2026-11-20T10:00:00+00:00", actions: [{ action: "CreateBucket" }, { action: "GetObject", lastAccessed: "2026-11-20T10:00:00+00:00" }] } },
    ],
  }],
};

type Times = { analyzed: string; sqs: string; s3: string; never: string | null; created: string };
const value = (v: string) => ({ Value: v });
/** The same, as `@{Analyzer = Get-IAMAAAnalyzer …; Findings = @(Get-IAMAAFindingV2 …)} | ConvertTo-Json -Depth 10` writes it. */
function powerShell(t: Times, findings: (f: object) => unknown = (f) => [f]): unknown {
  const finding = {
    AnalyzedAt: t.analyzed, CreatedAt: t.analyzed, Error: null,
    FindingDetails: [
      { ExternalAccessDetails: null, InternalAccessDetails: null, UnusedIamRoleDetails: null, UnusedIamUserAccessKeyDetails: null, UnusedIamUserPasswordDetails: null, UnusedPermissionDetails: { Actions: [], LastAccessed: t.sqs, ServiceNamespace: "sqs" } },
      { ExternalAccessDetails: null, InternalAccessDetails: null, UnusedIamRoleDetails: null, UnusedIamUserAccessKeyDetails: null, UnusedIamUserPasswordDetails: null, UnusedPermissionDetails: { Actions: [{ Action: "CreateBucket", LastAccessed: t.never }, { Action: "GetObject", LastAccessed: t.s3 }], LastAccessed: t.s3, ServiceNamespace: "s3" } },
    ],
    FindingType: value("UnusedPermission"), Id: "f-1", NextToken: null, Resource: ROLE, ResourceOwnerAccount: ACCT, ResourceType: value("AWS::IAM::Role"), Status: value("ACTIVE"), UpdatedAt: t.analyzed,
    ResponseMetadata: { RequestId: "3c6c2f0e-7d2b-4b8e-9f1a-2f4c6f1d9e11", Metadata: {}, ChecksumAlgorithm: 0, ChecksumValidationStatus: 0 }, ContentLength: 1234, HttpStatusCode: 200,
  };
  const analyzer = {
    Arn: ANALYZER, Configuration: { InternalAccess: null, UnusedAccess: { AnalysisRule: null, UnusedAccessAge: 90 } }, CreatedAt: t.created, LastResourceAnalyzed: null, LastResourceAnalyzedAt: t.never,
    Name: "unused", Status: value("ACTIVE"), StatusReason: null, Tags: { Owner: "platform" }, Type: value("ACCOUNT_UNUSED_ACCESS"),
  };
  // sqs, unused as a whole: the .NET SDK v3 writes the list the response left out as an empty one.
  return { Analyzer: analyzer, Findings: findings(finding) };
}

const WINDOWS_POWERSHELL: Times = { analyzed: "/Date(1795845600000)/", sqs: "/Date(1780308000000)/", s3: "/Date(1795168800000)/", never: "/Date(-62135596800000)/", created: "/Date(1735689600000)/" };
const POWERSHELL_7: Times = { analyzed: "2026-11-28T07:00:00+01:00", sqs: "2026-06-01T12:00:00+02:00", s3: "2026-11-20T11:00:00.0000000+01:00", never: "0001-01-01T00:00:00", created: "2025-01-01T01:00:00+01:00" };

async function read(files: string[]) {
  const agg = await readUsage([trail, ...files], { workers: 1 });
  const s = labelUsage(agg, DOC, { asOf: AS_OF });
  return {
    warnings: agg.warnings.map((w) => `${w.code}: ${w.message}`),
    findings: agg.accessAnalyzer.map(({ file: _file, ...f }) => f),
    labels: Object.fromEntries((s.labels[0]?.permissions ?? []).map((p) => [p.action, [p.label, p.sources, p.lastUsed]])),
    covered: s.coverage.accessAnalyzerCovered,
  };
}

describe("Access Analyzer output as AWS Tools for PowerShell writes it", () => {
  it("is the finding the AWS CLI prints, with the same labels, from Windows PowerShell and PowerShell 7", async () => {
    const fromCli = await read([write(cli)]);
    expect(fromCli.findings[0]?.services.find((s) => s.namespace === "sqs")).toEqual({ namespace: "sqs", lastAccessed: "2026-06-01T10:00:00Z", actions: null });
    for (const times of [WINDOWS_POWERSHELL, POWERSHELL_7]) {
      const got = await read([write(powerShell(times))]);
      expect(got.warnings).toEqual(fromCli.warnings);
      // sqs: the .NET SDK's empty Actions list where the CLI prints none is the service as a whole.
      expect(got.findings).toEqual(fromCli.findings);
      expect(got.labels).toEqual(fromCli.labels);
      expect(got.covered).toEqual([ROLE]);
    }
    expect(fromCli.findings[0]).toMatchObject({ id: "f-1", findingType: "UnusedPermission", status: "ACTIVE", analyzedAt: "2026-11-28T06:00:00Z", unusedAccessAge: 90 });
    expect(fromCli.labels["s3:GetObject"]).toEqual(["used", ["access-analyzer"], "2026-11-20T10:00:00Z"]);
    expect(fromCli.labels["sqs:CreateQueue"]).toEqual(["unused", ["access-analyzer", "cloudtrail"], null]);
  });

  it("the SDKs' own dumps read the same: boto3's json.dumps(default=str) (ResponseMetadata beside) and the JavaScript SDK's JSON.stringify ($metadata beside)", async () => {
    const fromCli = await read([write(cli)]);
    const f = cli.findings[0]!;
    const boto3 = {
      ...f, analyzedAt: "2026-11-28 06:00:00+00:00", createdAt: "2026-11-28 06:00:00+00:00", updatedAt: "2026-11-28 06:00:00+00:00",
      findingDetails: [
        { unusedPermissionDetails: { serviceNamespace: "sqs", lastAccessed: "2026-06-01 10:00:00+00:00" } },
        { unusedPermissionDetails: { serviceNamespace: "s3", lastAccessed: "2026-11-20 10:00:00.123000+00:00", actions: [{ action: "CreateBucket" }, { action: "GetObject", lastAccessed: "2026-11-20 10:00:00+00:00" }] } },
      ],
      ResponseMetadata: { RequestId: "3c6c2f0e-7d2b-4b8e-9f1a-2f4c6f1d9e11", HTTPStatusCode: 200, HTTPHeaders: {}, RetryAttempts: 0 },
    };
    const js = { $metadata: { httpStatusCode: 200, requestId: "3c6c2f0e", attempts: 1, totalRetryDelay: 0 }, ...f, analyzedAt: "2026-11-28T06:00:00.000Z" };
    for (const dump of [boto3, js]) {
      const got = await read([write({ analyzer: cli.analyzer, findings: [dump] })]);
      expect(got.findings).toEqual(fromCli.findings);
      expect(got.labels).toEqual(fromCli.labels);
    }
  });

  it("one finding given without @(…) (PowerShell unrolls a list of one) and Get-IAMAAFindingV2 alone are read too", async () => {
    const one = await read([write(powerShell(POWERSHELL_7, (f) => f))]);
    expect(one.findings.map((f) => [f.id, f.unusedAccessAge])).toEqual([["f-1", 90]]);
    const alone = (powerShell(POWERSHELL_7) as { Findings: unknown[] }).Findings[0];
    const got = await read([write(alone)]);
    expect(got.findings.map((f) => [f.id, f.unusedAccessAge, f.services.map((s) => s.namespace)])).toEqual([["f-1", undefined, ["s3", "sqs"]]]);
    expect(got.warnings.filter((w) => w.startsWith("unrecognised"))).toEqual([]);
  });

  it("Get-IAMAAFindingsV2List output (summaries) is said to need get-finding-v2, as the CLI's list-findings-v2 is", async () => {
    const summary = { AnalyzedAt: "/Date(1795845600000)/", CreatedAt: "/Date(1795845600000)/", Error: null, FindingType: value("UnusedPermission"), Id: "f-9", Resource: ROLE, ResourceOwnerAccount: ACCT, ResourceType: value("AWS::IAM::Role"), Status: value("ACTIVE"), UpdatedAt: "/Date(1795845600000)/" };
    const got = await read([write([summary, { ...summary, Id: "f-10" }])]);
    expect(got.warnings).toEqual([expect.stringMatching(/^access-analyzer-no-details: 2 UnusedPermission findings have no findingDetails \(f-9, f-10\): list-findings-v2 gives summaries only/)]);
  });

  it("Get-IAMAAAnalyzer output alone is said as get-analyzer's is: its unusedAccessAge, read with the findings", async () => {
    const { Analyzer } = powerShell(POWERSHELL_7) as { Analyzer: unknown };
    const got = await read([write(Analyzer)]);
    expect(got.warnings).toEqual([expect.stringMatching(/^access-analyzer-without-findings: aws accessanalyzer get-analyzer\/list-analyzers output \(unused: unusedAccessAge 90 days\) holds no finding/)]);
    // How to join it to its findings, in PowerShell (a file that reads as the test's first one).
    expect(got.warnings[0]).toContain(`Give @{Analyzer = Get-IAMAAAnalyzer -AnalyzerName unused; Findings = @(Get-IAMAAFindingV2 -AnalyzerArn ${ANALYZER} -Id <id> …)} | ConvertTo-Json -Depth 10`);
    const list = await read([write([Analyzer, { ...(Analyzer as object), Arn: `${ANALYZER}-ext`, Name: "ext", Type: value("ACCOUNT"), Configuration: null }])]);
    expect(list.warnings).toEqual([expect.stringMatching(/^access-analyzer-without-findings: .*\(unused: unusedAccessAge 90 days\) holds no finding/)]);
    // Named on audit's command line it goes to the source readers (no finding in its head): said
    // as get-analyzer's is, a warning, not "not an input leastrole reads" (exit code 2).
    const named = readSourceBytes(join(dir, "Get-IAMAAAnalyzer.json"), JSON.stringify(Analyzer), { explicit: true });
    expect(named.warnings.map((w) => [w.code, w.severity, w.message.slice(0, 120)])).toEqual([["input-not-used", "warning", expect.stringContaining("get-analyzer/list-analyzers output (unused: unusedAccessAge 90 days)")]]);
    expect(classifyHead(JSON.stringify(Analyzer))).toBe("sources");
  });

  it("ConvertTo-Json without -Depth (type names below depth 2) is refused, naming -Depth, not read as findings naming nothing", async () => {
    const shallow = (powerShell(POWERSHELL_7) as { Findings: Record<string, unknown>[] }).Findings[0]!;
    const cut = { ...shallow, FindingDetails: ["Amazon.AccessAnalyzer.Model.FindingDetails", "Amazon.AccessAnalyzer.Model.FindingDetails"] };
    const deeper = { ...shallow, FindingDetails: [{ UnusedPermissionDetails: "Amazon.AccessAnalyzer.Model.UnusedPermissionDetails" }] };
    const list = { ...shallow, FindingDetails: "System.Collections.Generic.List`1[Amazon.AccessAnalyzer.Model.FindingDetails]" };
    for (const f of [cut, deeper, list]) {
      const got = await read([write(f)]);
      expect(got.findings).toEqual([]);
      expect(got.warnings).toEqual([expect.stringMatching(/^unrecognised-usage-file: Access Analyzer output cannot be used: finding 0 \(f-1\) findingDetails.* is a \.NET type name .*export again with ConvertTo-Json -Depth 10$/)]);
    }
  });

  it("the audit's router sends PowerShell's findings to the usage reader, as it does the CLI's", () => {
    expect(classifyHead(JSON.stringify(cli))).toBe("usage");
    expect(classifyHead(JSON.stringify(powerShell(WINDOWS_POWERSHELL)))).toBe("usage");
    // PowerShell's own layout: two spaces after the colon, CRLF, the enum on its own lines.
    expect(classifyHead('{\r\n    "AnalyzedAt":  "\\/Date(1795845600000)\\/",\r\n    "FindingType":  {\r\n                        "Value":  "UnusedIAMRole"\r\n                    },\r\n    "Id":  "f-2"\r\n}')).toBe("usage");
  });
});
