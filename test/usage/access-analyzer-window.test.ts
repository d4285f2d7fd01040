/**
 * IAM Access Analyzer unused-access findings beside CloudTrail: a finding says a permission went
 * unused for the analyzer's own `unusedAccessAge` (1 to 365 days) before its `analyzedAt`, and
 * gives when it was last accessed (`lastAccessed` of UnusedPermissionDetails, UnusedAction and
 * UnusedIamRoleDetails, absent when never: Access Analyzer API Reference), not whether it was used
 * in this audit's window. A last access inside the window (a window longer than the analyzer's
 * age, or an --as-of before its analysis) is evidence of use, as Access Advisor's is, never
 * agreement that the permission went unused; a CloudTrail use at or before that last access, or
 * after the analysis, is no disagreement with it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { LambdaFunction, Role } from "../../src/model/document.js";
import { emptyRoleFacts } from "../../src/iam/index.js";
import { labelUsage, readUsage, type UsageAggregate } from "../../src/usage/index.js";
import { roleCallRecord } from "../support/cloudtrail-record.js";

const ACCT = "123456789012";
const ROLE = `arn:aws:iam::${ACCT}:role/service-role/billing-role`;
const FN = `arn:aws:lambda:us-east-1:${ACCT}:function:billing`;
const GRANTED = ["s3:CreateBucket", "s3:ListAllMyBuckets", "sns:CreateTopic", "sqs:CreateQueue"];
const role = (functions: string[], granted: string[] = GRANTED): Role => ({
  arn: ROLE, name: "billing-role", path: "/service-role/", roleId: null, accountId: ACCT, createDate: "2025-01-01T00:00:00Z", trustPolicy: null,
  inlinePolicies: [], attachedPolicies: [], permissionsBoundaryArn: null, lastUsed: null, tags: {}, trustsLambda: true, functions, source: null,
  facts: { ...emptyRoleFacts(), allowedActions: granted, allowedActionCount: granted.length },
});
const fn = (name: string): LambdaFunction => ({
  arn: `arn:aws:lambda:us-east-1:${ACCT}:function:${name}`, name, accountId: ACCT, region: "us-east-1", runtime: "python3.12", packageType: "Zip", roleArn: ROLE, versions: [], aliases: [],
  lastModified: "2025-05-01T00:00:00Z", vpc: null, tracingMode: null, environmentVariableNames: [], kmsKeyArn: null, deadLetterTargetArn: null,
  destinations: { onSuccess: null, onFailure: null }, logGroup: `/aws/lambda/${name}`, logFormat: null, layers: [], fileSystems: [], triggers: [],
  resourcePolicy: null, functionUrls: [], tags: {}, source: null,
});
const DOC = { roles: [role([FN])], functions: [fn("billing")] };
// The window: 2026-10-29 to 2026-11-28.
const AS_OF = "2026-11-28T00:00:00Z";

let seq = 0;
let dir: string;
let trail: string;

/** Every day of the window logged (an IAM user's call), and the function's ListAllMyBuckets on 2026-11-05. */
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "leastrole-analyzer-window-"));
  const days = Array.from({ length: 40 }, (_, d) => ({
    eventVersion: "1.08",
    userIdentity: { type: "IAMUser", principalId: "AIDATFQR7NSC5U6Q3TMDR", arn: `arn:aws:iam::${ACCT}:user/benjamin`, accountId: ACCT, userName: "benjamin" },
    eventTime: new Date(Date.parse("2026-10-25T08:00:00Z") + d * 86_400_000).toISOString().replace(/\.000Z$/, "Z"),
    eventSource: "iam.amazonaws.com", eventName: "ListRoles", awsRegion: "us-east-1", eventID: `bg-${d}`, eventType: "AwsApiCall", recipientAccountId: ACCT,
  }));
  const own = roleCallRecord({ account: ACCT, roleArn: ROLE, session: "billing", time: "2026-11-05T10:00:00Z", source: "s3", name: "ListBuckets", seq: ++seq });
  trail = join(dir, "trail.json");
  writeFileSync(trail, JSON.stringify({ Records: [...days, own] }));
});

/**
 * get-finding-v2 output of an UnusedPermission finding of the role; with `age`, in a file with its
 * analyzer as get-analyzer prints it (`analyzer`, `findings`: how leastrole collect writes them).
 */
function finding(name: string, analyzedAt: string, details: object[], age?: number): string {
  const file = join(dir, age === undefined ? name : `${name}-${age}d`);
  const one = {
    id: name, resource: ROLE, resourceType: "AWS::IAM::Role", resourceOwnerAccount: ACCT, status: "ACTIVE", findingType: "UnusedPermission",
    createdAt: analyzedAt, updatedAt: analyzedAt, analyzedAt, findingDetails: details,
  };
  const analyzer = { arn: `arn:aws:access-analyzer:us-east-1:${ACCT}:analyzer/unused`, name: "unused", type: "ACCOUNT_UNUSED_ACCESS", status: "ACTIVE", configuration: { unusedAccess: { unusedAccessAge: age } } };
  writeFileSync(file, JSON.stringify(age === undefined ? one : { analyzer, findings: [one] }));
  return file;
}

async function audit(files: string[], doc = DOC, asOf = AS_OF): Promise<{ labels: Record<string, [string, string[], string | null]>; disagreements: string[]; fullWindow: boolean | undefined; reasons: Record<string, string>; covered: string[] | undefined }> {
  const agg: UsageAggregate = await readUsage([trail, ...files], { workers: 1 });
  const s = labelUsage(agg, doc, { asOf });
  return {
    labels: Object.fromEntries((s.labels[0]?.permissions ?? []).map((p) => [p.action, [p.label, p.sources, p.lastUsed]])),
    disagreements: s.disagreements.map((d) => `${d.action}: ${d.message}`),
    fullWindow: s.labels[0]?.fullWindow,
    reasons: Object.fromEntries((s.labels[0]?.permissions ?? []).map((p) => [p.action, p.reason ?? ""])),
    covered: s.coverage.accessAnalyzerCovered,
  };
}

describe("Access Analyzer findings and the audit's window", () => {
  it("without findings: what the function's CloudTrail shows", async () => {
    const { labels } = await audit([]);
    expect(labels).toEqual({
      "s3:CreateBucket": ["unused", ["cloudtrail"], null],
      "s3:ListAllMyBuckets": ["used", ["cloudtrail"], "2026-11-05T10:00:00Z"],
      "sns:CreateTopic": ["unused", ["cloudtrail"], null],
      "sqs:CreateQueue": ["unused", ["cloudtrail"], null],
    });
  });

  it("a last access before the window (or none) agrees with an unused label", async () => {
    const f = finding("f-before", "2026-11-27T10:00:00Z", [
      { unusedPermissionDetails: { serviceNamespace: "sqs", lastAccessed: "2026-06-01T10:00:00Z" } },
      { unusedPermissionDetails: { serviceNamespace: "s3", actions: [{ action: "CreateBucket" }] } },
    ]);
    const { labels, disagreements } = await audit([f]);
    expect([labels["sqs:CreateQueue"], labels["s3:CreateBucket"]]).toEqual([["unused", ["access-analyzer", "cloudtrail"], null], ["unused", ["access-analyzer", "cloudtrail"], null]]);
    expect(disagreements).toEqual([]);
    // Analysed before the window began (2026-10-29): it says nothing of the window.
    const old = finding("f-old", "2026-10-20T10:00:00Z", [{ unusedPermissionDetails: { serviceNamespace: "sqs", lastAccessed: "2026-06-01T10:00:00Z" } }]);
    expect((await audit([old])).labels["sqs:CreateQueue"]).toEqual(["unused", ["cloudtrail"], null]);
  });

  it("a last access inside the window is evidence of use, not agreement: an action's makes it used (unknowable for a shared role), a service's unknowable", async () => {
    // An analyzer of 14 days (unusedAccessAge) analysed 2026-11-27: SQS last accessed 2026-11-10 and
    // S3's CreateBucket 2026-11-02, both by another session of the role, inside the 30-day window.
    const f = finding("f-inside", "2026-11-27T10:00:00Z", [
      { unusedPermissionDetails: { serviceNamespace: "sqs", lastAccessed: "2026-11-10T10:00:00Z" } },
      { unusedPermissionDetails: { serviceNamespace: "s3", lastAccessed: "2026-11-05T10:00:00Z", actions: [{ action: "CreateBucket", lastAccessed: "2026-11-02T10:00:00Z" }] } },
      { unusedPermissionDetails: { serviceNamespace: "sns", lastAccessed: "2026-12-01T10:00:00Z" } },
    ]);
    const { labels, disagreements } = await audit([f]);
    expect(labels["s3:CreateBucket"]).toEqual(["used", ["access-analyzer"], "2026-11-02T10:00:00Z"]);
    expect(labels["sqs:CreateQueue"]).toEqual(["unknowable", ["cloudtrail"], null]);
    // A last access after the window's end says nothing of the window: neither use nor agreement.
    expect(labels["sns:CreateTopic"]).toEqual(["unused", ["cloudtrail"], null]);
    expect(disagreements).toEqual([
      "s3:CreateBucket: Access Analyzer finding f-inside: s3:CreateBucket last accessed 2026-11-02T10:00:00Z, CloudTrail shows no call by the role's function",
      "sqs:CreateQueue: Access Analyzer finding f-inside: service sqs last accessed 2026-11-10T10:00:00Z, CloudTrail shows none of its actions",
    ]);
    const shared = await audit([f], { roles: [role([FN, `${FN}-2`])], functions: [fn("billing"), fn("billing-2")] });
    expect(shared.labels["s3:CreateBucket"]?.[0]).toBe("unknowable");
  });

  it("an action's last access inside the window makes an unknowable label used, as Access Advisor's does; a service's alone does not", async () => {
    // s3:GetObject and dynamodb:GetItem are data events: the trail's data events are not known to
    // be logged, so CloudTrail leaves them unknowable. The finding (an analyzer of 14 days, analysed
    // 2026-11-27) lists GetObject last accessed 2026-11-20, inside the window: it was called. Before,
    // only an unused label was changed by it, so the finding left GetObject unknowable where an
    // Access Advisor report of the same last access made it used.
    const granted = ["dynamodb:GetItem", "s3:GetObject"];
    const doc = { roles: [role([FN], granted)], functions: [fn("billing")] };
    const f = finding("f-data", "2026-11-27T10:00:00Z", [
      { unusedPermissionDetails: { serviceNamespace: "s3", lastAccessed: "2026-11-20T10:00:00Z", actions: [{ action: "GetObject", lastAccessed: "2026-11-20T10:00:00Z" }] } },
      { unusedPermissionDetails: { serviceNamespace: "dynamodb", lastAccessed: "2026-11-21T10:00:00Z" } },
    ]);
    expect((await audit([], doc)).labels["s3:GetObject"]?.[0]).toBe("unknowable");
    const { labels } = await audit([f], doc);
    expect(labels["s3:GetObject"]).toEqual(["used", ["access-analyzer"], "2026-11-20T10:00:00Z"]);
    // The service's last access names no action: which of its actions was called is not known.
    expect(labels["dynamodb:GetItem"]?.[0]).toBe("unknowable");
    // A role two functions share: the role's call may be the other function's.
    const shared = await audit([f], { roles: [role([FN, `${FN}-2`], granted)], functions: [fn("billing"), fn("billing-2")] });
    expect(shared.labels["s3:GetObject"]?.slice(0, 2)).toEqual(["unknowable", ["access-analyzer"]]);
    const agg = await readUsage([trail, f], { workers: 1 });
    const sharedLabel = labelUsage(agg, { roles: [role([FN, `${FN}-2`], granted)], functions: [fn("billing"), fn("billing-2")] }, { asOf: AS_OF }).labels[0]?.permissions.find((p) => p.action === "s3:GetObject");
    expect(sharedLabel?.reason).toMatch(/; Access Analyzer finding f-data: s3:GetObject last accessed 2026-11-20T10:00:00Z by one of the 2 functions sharing the role$/);
  });

  it("with its analyzer's unusedAccessAge spanning the window, a finding proves unused what the logs cannot show; a shorter age proves nothing of it", async () => {
    // s3:GetObject is a data event whose logging is not known: CloudTrail leaves it unknowable. The
    // finding, analysed 2026-11-28 06:00 (after the window's end), names it with no last access.
    // Before, the analyzer's age was not known (collect did not record it) and the finding proved
    // nothing: GetObject stayed unknowable whatever the analyzer's tracking period.
    const granted = ["s3:GetObject"];
    const doc = { roles: [role([FN], granted)], functions: [fn("billing")] };
    const details = [{ unusedPermissionDetails: { serviceNamespace: "s3", actions: [{ action: "GetObject" }] } }];
    const long = await audit([finding("f-age", "2026-11-28T06:00:00Z", details, 90)], doc);
    expect(long.labels["s3:GetObject"]).toEqual(["unused", ["access-analyzer"], null]);
    expect(long.reasons["s3:GetObject"]).toBe("Access Analyzer finding f-age (analysed 2026-11-28T06:00:00Z, the analyzer's unusedAccessAge 90 days): s3:GetObject not accessed in the 90 days before");
    // 14 days before 2026-11-28: from 2026-11-14, not the window's start (2026-10-29).
    expect((await audit([finding("f-age", "2026-11-28T06:00:00Z", details, 14)], doc)).labels["s3:GetObject"]?.[0]).toBe("unknowable");
    // Without the analyzer: its age is not known.
    expect((await audit([finding("f-age", "2026-11-28T06:00:00Z", details)], doc)).labels["s3:GetObject"]?.[0]).toBe("unknowable");
    // Analysed before the window's end: the window's last hours are not in it.
    expect((await audit([finding("f-age", "2026-11-27T06:00:00Z", details, 90)], doc)).labels["s3:GetObject"]?.[0]).toBe("unknowable");
  });

  it("a covering finding judges a label set over the whole window when the logs miss days; a shorter age leaves it partial", async () => {
    // --as-of 2026-12-10: the window is 2026-11-10 to 2026-12-10, the logs end 2026-12-03, so every
    // permission not used is unknowable for the days missing.
    const granted = ["sns:CreateTopic", "sqs:CreateQueue"];
    const doc = { roles: [role([FN], granted)], functions: [fn("billing")] };
    const details = [
      { unusedPermissionDetails: { serviceNamespace: "sns", lastAccessed: "2026-06-01T10:00:00Z" } },
      { unusedPermissionDetails: { serviceNamespace: "sqs" } },
    ];
    const none = await audit([], doc, "2026-12-10T00:00:00Z");
    expect([none.labels["sqs:CreateQueue"]?.[0], none.fullWindow]).toEqual(["unknowable", false]);
    const long = await audit([finding("f-gap", "2026-12-10T05:00:00Z", details, 90)], doc, "2026-12-10T00:00:00Z");
    expect([long.labels["sns:CreateTopic"], long.labels["sqs:CreateQueue"], long.fullWindow]).toEqual([["unused", ["access-analyzer"], null], ["unused", ["access-analyzer"], null], true]);
    expect([none.covered, long.covered]).toEqual([undefined, [ROLE]]);
    expect(long.reasons["sns:CreateTopic"]).toBe("Access Analyzer finding f-gap (analysed 2026-12-10T05:00:00Z, the analyzer's unusedAccessAge 90 days): service sns last accessed 2026-06-01T10:00:00Z, before the window");
    // 14 days: the finding speaks of 2026-11-26 on only, whatever last access it gives.
    const short = await audit([finding("f-gap", "2026-12-10T05:00:00Z", details, 14)], doc, "2026-12-10T00:00:00Z");
    expect([short.labels["sns:CreateTopic"]?.[0], short.labels["sqs:CreateQueue"]?.[0], short.fullWindow, short.covered]).toEqual(["unknowable", "unknowable", false, undefined]);
  });

  it("without a last access, a finding's agreement and disagreement reach back its analyzer's age, no further", async () => {
    // Analysed 2026-11-27. CreateBucket (unused in CloudTrail) and ListAllMyBuckets (used
    // 2026-11-05) named with no last access: an analyzer of 14 days says they went unused from
    // 2026-11-13, which neither agrees that CreateBucket went unused in the window (from 2026-10-29)
    // nor disagrees with the call of 2026-11-05. Before, no last access read as none ever: both.
    const details = [{ unusedPermissionDetails: { serviceNamespace: "s3", actions: [{ action: "CreateBucket" }, { action: "ListAllMyBuckets" }] } }];
    const short = await audit([finding("f-short", "2026-11-27T10:00:00Z", details, 14)]);
    expect(short.labels["s3:CreateBucket"]).toEqual(["unused", ["cloudtrail"], null]);
    expect(short.disagreements).toEqual([]);
    const long = await audit([finding("f-long", "2026-11-27T10:00:00Z", details, 30)]);
    expect(long.labels["s3:CreateBucket"]).toEqual(["unused", ["access-analyzer", "cloudtrail"], null]);
    expect(long.disagreements).toEqual(["s3:ListAllMyBuckets: Access Analyzer finding f-long reports s3:ListAllMyBuckets unused; cloudtrail shows it used 2026-11-05T10:00:00Z"]);
  });

  it("an analyzer whose unusedAccessAge is no number of days from 1 to 365 makes the file unusable, named", async () => {
    const file = join(dir, "bad-age.json");
    writeFileSync(file, JSON.stringify({ analyzer: { arn: "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/unused", type: "ACCOUNT_UNUSED_ACCESS", configuration: { unusedAccess: { unusedAccessAge: "90" } } }, findings: [] }));
    const agg = await readUsage([file], { workers: 1 });
    expect(agg.warnings.map((w) => w.message)).toContain('Access Analyzer output cannot be used: analyzer.configuration.unusedAccess.unusedAccessAge "90" is not a number of days from 1 to 365');
  });

  it("get-analyzer output alone is said, with the jq that joins it to its findings, and makes nothing partial; so joined, the age is read", async () => {
    // As aws accessanalyzer get-analyzer --analyzer-name unused prints it (API Reference,
    // GetAnalyzer: {analyzer: AnalyzerSummary}). Before: "not CloudTrail, usage rows, Access
    // Advisor or Access Analyzer data", and the usage partial.
    const analyzer = { arn: `arn:aws:access-analyzer:us-east-1:${ACCT}:analyzer/unused`, name: "unused", type: "ACCOUNT_UNUSED_ACCESS", createdAt: "2026-01-01T00:00:00+00:00", tags: {}, status: "ACTIVE", configuration: { unusedAccess: { unusedAccessAge: 90 } } };
    const alone = join(dir, "get-analyzer.json");
    writeFileSync(alone, JSON.stringify({ analyzer }, null, 4));
    const agg = await readUsage([trail, alone], { workers: 1 });
    expect(agg.coverage.partial).toBe(false);
    expect(agg.warnings.map((w) => [w.code, w.message])).toEqual([
      ["access-analyzer-without-findings", "aws accessanalyzer get-analyzer/list-analyzers output (unused: unusedAccessAge 90 days) holds no finding, only the span its findings say their permissions went unused, which no finding gives or names its analyzer for: it is read with them, in one file, not used alone. Give jq -s '{analyzer: .[0].analyzer, findings: .[1:]}' <this file> <get-finding-v2 outputs> (leastrole collect --access-analyzer writes them so)"],
    ]);
    // What that jq makes of it and two get-finding-v2 outputs.
    const one = JSON.parse(readFileSync(finding("j-1", "2026-11-28T06:00:00Z", [{ unusedPermissionDetails: { serviceNamespace: "sqs" } }]), "utf8"));
    const joined = join(dir, "joined.json");
    writeFileSync(joined, JSON.stringify({ analyzer, findings: [one, { ...one, id: "j-2" }] }));
    expect((await readUsage([joined], { workers: 1 })).accessAnalyzer.map((f) => [f.id, f.unusedAccessAge])).toEqual([["j-1", 90], ["j-2", 90]]);
    // list-analyzers output of external-access analyzers only: said as no unused-access data.
    const external = join(dir, "list-analyzers.json");
    writeFileSync(external, JSON.stringify({ analyzers: [{ ...analyzer, name: "ext", type: "ACCOUNT", configuration: undefined }] }));
    expect((await readUsage([external], { workers: 1 })).warnings.map((w) => w.message)).toEqual(["aws accessanalyzer get-analyzer/list-analyzers output of no unused-access analyzer (ACCOUNT): no unused-access data, not used"]);
  });

  it("a CloudTrail use no later than the finding's last access, or after its analysis, is no disagreement; one between them is", async () => {
    const same = finding("f-same", "2026-11-27T10:00:00Z", [{ unusedPermissionDetails: { serviceNamespace: "s3", lastAccessed: "2026-11-05T10:00:00Z", actions: [{ action: "ListAllMyBuckets", lastAccessed: "2026-11-05T10:00:00Z" }] } }]);
    const earlier = finding("f-earlier", "2026-11-01T10:00:00Z", [{ unusedPermissionDetails: { serviceNamespace: "s3", actions: [{ action: "ListAllMyBuckets", lastAccessed: "2026-06-01T10:00:00Z" }] } }]);
    const between = finding("f-between", "2026-11-27T10:00:00Z", [{ unusedPermissionDetails: { serviceNamespace: "s3", actions: [{ action: "ListAllMyBuckets", lastAccessed: "2026-06-01T10:00:00Z" }] } }]);
    expect((await audit([same])).disagreements).toEqual([]);
    expect((await audit([earlier])).disagreements).toEqual([]);
    expect((await audit([between])).disagreements).toEqual(["s3:ListAllMyBuckets: Access Analyzer finding f-between reports s3:ListAllMyBuckets unused; cloudtrail shows it used 2026-11-05T10:00:00Z"]);
    expect((await audit([same])).labels["s3:ListAllMyBuckets"]).toEqual(["used", ["cloudtrail"], "2026-11-05T10:00:00Z"]);
  });

  it("a lastAccessed that is there but no timestamp makes the output unusable, named, not 'never accessed'", async () => {
    // Gson's java.time.Instant, as a Java tool printing the SDK's finding writes it: read as absent,
    // the access inside the window would have agreed that CreateQueue went unused.
    const f = finding("f-gson", "2026-11-27T10:00:00Z", [{ unusedPermissionDetails: { serviceNamespace: "sqs", lastAccessed: { seconds: 1_794_650_400, nanos: 0 } } }]);
    const agg = await readUsage([trail, f], { workers: 1 });
    expect(agg.accessAnalyzer).toEqual([]);
    expect(agg.warnings.map((w) => w.message)).toContain(
      'Access Analyzer output cannot be used: finding 0 (f-gson) findingDetails[0].unusedPermissionDetails.lastAccessed {"seconds":1794650400,"nanos":0} is not a timestamp',
    );
    const sqs = labelUsage(agg, DOC, { asOf: AS_OF }).labels[0]?.permissions.find((p) => p.action === "sqs:CreateQueue");
    expect(sqs?.sources).not.toContain("access-analyzer");
  });

  it("an UnusedIAMRole summary (list-findings-v2: no findingDetails) is no agreement and no disagreement: its last use and the analyzer's age are not known; get-finding-v2's is read", async () => {
    // FindingSummaryV2 has no findingDetails; the role's lastAccessed is in GetFindingV2's
    // UnusedIamRoleDetails. The analyzer reports a role unused for its unusedAccessAge (1 to 365
    // days) before its scan (UnusedAccessConfiguration): one of 7 days says nothing of a 30-day
    // window, and the function's ListAllMyBuckets of 2026-11-05 is no disagreement with it.
    // Before, the summary read as "never accessed": it agreed that CreateBucket etc. went unused and
    // disagreed with the CloudTrail call.
    const summary = { id: "r-summary", resource: ROLE, resourceType: "AWS::IAM::Role", resourceOwnerAccount: ACCT, status: "ACTIVE", findingType: "UnusedIAMRole", createdAt: "2026-11-27T10:00:00Z", updatedAt: "2026-11-27T10:00:00Z", analyzedAt: "2026-11-27T10:00:00Z" };
    const file = join(dir, "list-findings-v2-role.json");
    writeFileSync(file, JSON.stringify({ findings: [summary] }));
    const agg = await readUsage([trail, file], { workers: 1 });
    expect(agg.warnings.map((w) => [w.code, w.message])).toEqual([
      ["access-analyzer-no-details", "1 UnusedIAMRole finding has no findingDetails (r-summary): list-findings-v2 gives summaries only, which do not say when the role was last used, only that it went unused for the analyzer's unusedAccessAge (1 to 365 days, possibly shorter than the window) before its analysis, so it is not used. Give the output of aws accessanalyzer get-finding-v2 --analyzer-arn … --id … for each"],
    ]);
    const s = labelUsage(agg, DOC, { asOf: AS_OF });
    expect(s.labels[0]?.permissions.map((p) => [p.action, p.sources])).toEqual([["s3:CreateBucket", ["cloudtrail"]], ["s3:ListAllMyBuckets", ["cloudtrail"]], ["sns:CreateTopic", ["cloudtrail"]], ["sqs:CreateQueue", ["cloudtrail"]]]);
    expect(s.disagreements).toEqual([]);
    // get-finding-v2 of it: last accessed before the window, so it agrees (and the call of 2026-11-05, after that last access, disagrees).
    const full = join(dir, "get-finding-v2-role.json");
    writeFileSync(full, JSON.stringify({ ...summary, id: "r-full", findingDetails: [{ unusedIamRoleDetails: { lastAccessed: "2026-06-01T10:00:00Z" } }] }));
    const { labels, disagreements } = await audit([full]);
    expect(labels["sqs:CreateQueue"]).toEqual(["unused", ["access-analyzer", "cloudtrail"], null]);
    expect(disagreements).toEqual(["s3:ListAllMyBuckets: Access Analyzer finding r-full reports s3:ListAllMyBuckets unused; cloudtrail shows it used 2026-11-05T10:00:00Z"]);
  });

  it("an error finding (error INTERNAL_ERROR or ACCESS_DENIED: the analyzer could not analyze the role) is no evidence: left out, said", async () => {
    // IAM User Guide, "IAM Access Analyzer error findings"; AWS's EventBridge example is an
    // UnusedIAMRole finding with error INTERNAL_ERROR. Before, it agreed that every permission of
    // the role went unused.
    const file = join(dir, "error-findings.json");
    const base = { resource: ROLE, resourceType: "AWS::IAM::Role", resourceOwnerAccount: ACCT, status: "ACTIVE", createdAt: "2026-11-27T10:00:00Z", updatedAt: "2026-11-27T10:00:00Z", analyzedAt: "2026-11-27T10:00:00Z" };
    writeFileSync(file, JSON.stringify({
      findings: [
        { ...base, id: "e-role", findingType: "UnusedIAMRole", error: "INTERNAL_ERROR" },
        { ...base, id: "e-perm", findingType: "UnusedPermission", error: "ACCESS_DENIED" },
      ],
    }));
    const agg = await readUsage([trail, file], { workers: 1 });
    expect(agg.accessAnalyzer).toEqual([]);
    expect(agg.warnings.map((w) => [w.code, w.message])).toEqual([
      ["access-analyzer-error-finding", "2 unused-access findings are error findings (e-role (INTERNAL_ERROR), e-perm (ACCESS_DENIED)): the analyzer could not analyze the role, so they say nothing of its unused access and are not used"],
    ]);
    const sqs = labelUsage(agg, DOC, { asOf: AS_OF }).labels[0]?.permissions.find((p) => p.action === "sqs:CreateQueue");
    expect(sqs?.sources).toEqual(["cloudtrail"]);
  });
});
