/**
 * Access Advisor by itself (no CloudTrail): `aws iam get-service-last-accessed-details` output as
 * the IAM API Reference gives it (GetServiceLastAccessedDetails, ServiceLastAccessed,
 * TrackedActionLastAccessed): a service with no `LastAuthenticated` was not accessed in the
 * tracking period (at least 400 days); a tracked action with no `LastAccessedTime` likewise.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LambdaFunction, Role } from "../../src/model/document.js";
import { emptyRoleFacts } from "../../src/iam/index.js";
import { labelUsage, readUsage } from "../../src/usage/index.js";
import { advisorWindowWarnings } from "../../src/usage/labels.js";
import { roleCallRecord } from "../support/cloudtrail-record.js";

const ACCT = "123456789012";
const ROLE = `arn:aws:iam::${ACCT}:role/service-role/billing-role`;
const FN = `arn:aws:lambda:us-east-1:${ACCT}:function:billing`;
const GRANTED = ["dynamodb:GetItem", "ec2:CreateNetworkInterface", "iam:PassRole", "s3:CreateBucket", "s3:GetObject", "s3:ListAllMyBuckets", "sqs:SendMessage"];

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

/** An ACTION_LEVEL report of the role, made at `created`, as the AWS CLI prints it. */
async function advisor(created: string, page: (services: object[]) => object = (services) => ({ ServicesLastAccessed: services })): Promise<Awaited<ReturnType<typeof readUsage>>> {
  const dir = mkdtempSync(join(tmpdir(), "leastrole-advisor-window-"));
  const file = join(dir, `${encodeURIComponent(ROLE)}.json`);
  writeFileSync(file, JSON.stringify({
    JobStatus: "COMPLETED", JobType: "ACTION_LEVEL", JobCreationDate: created, JobCompletionDate: created.replace(/:00(\.\d+)?Z$/, ":05Z"),
    ...page([
      // Not tracked at action level: a recent access says nothing of which action.
      { ServiceName: "Amazon DynamoDB", ServiceNamespace: "dynamodb", LastAuthenticated: "2026-11-20T10:00:00Z", LastAuthenticatedEntity: ROLE, LastAuthenticatedRegion: "us-east-1", TotalAuthenticatedEntities: 1 },
      { ServiceName: "Amazon EC2", ServiceNamespace: "ec2", TotalAuthenticatedEntities: 0, TrackedActionsLastAccessed: [] },
      { ServiceName: "AWS Identity and Access Management", ServiceNamespace: "iam", TotalAuthenticatedEntities: 0 },
      {
        ServiceName: "Amazon S3", ServiceNamespace: "s3", LastAuthenticated: "2026-11-25T10:00:00Z", LastAuthenticatedEntity: ROLE, LastAuthenticatedRegion: "us-east-1", TotalAuthenticatedEntities: 1,
        TrackedActionsLastAccessed: [{ ActionName: "CreateBucket" }, { ActionName: "ListAllMyBuckets", LastAccessedEntity: ROLE, LastAccessedTime: "2026-11-25T10:00:00Z", LastAccessedRegion: "us-east-1" }],
      },
      { ServiceName: "Amazon SQS", ServiceNamespace: "sqs", LastAuthenticated: "2026-06-01T10:00:00Z", LastAuthenticatedEntity: ROLE, LastAuthenticatedRegion: "us-east-1", TotalAuthenticatedEntities: 1 },
    ]),
  }));
  return readUsage([file], { workers: 1 });
}

const labelsOf = (s: ReturnType<typeof labelUsage>): { fullWindow: boolean | undefined; labels: Record<string, [string, string[]]> } => {
  const ls = s.labels.find((l) => l.functionArn === FN);
  return { fullWindow: ls?.fullWindow, labels: Object.fromEntries((ls?.permissions ?? []).map((p) => [p.action, [p.label, p.sources]])) };
};

describe("Access Advisor without CloudTrail", () => {
  it("a service (or tracked action) not accessed in a report covering the window is unused; a service accessed in it, an untracked action or one Access Advisor cannot show stays unknowable", async () => {
    const agg = await advisor("2026-11-28T09:00:00.123Z");
    const s = labelUsage(agg, DOC, { asOf: "2026-11-28T00:00:00Z" });
    expect(s.window).toEqual({ start: "2026-10-29T00:00:00Z", end: "2026-11-28T00:00:00Z", days: 30 });
    const { fullWindow, labels } = labelsOf(s);
    expect(labels).toEqual({
      "dynamodb:GetItem": ["unknowable", []],
      "ec2:CreateNetworkInterface": ["unused", ["access-advisor"]],
      // Not an API call of its own: Access Advisor cannot be read as proof it was not used.
      "iam:PassRole": ["unknowable", []],
      "s3:CreateBucket": ["unused", ["access-advisor"]],
      "s3:GetObject": ["unknowable", []],
      "s3:ListAllMyBuckets": ["used", ["access-advisor"]],
      "sqs:SendMessage": ["unused", ["access-advisor"]],
    });
    // LR008 reads only label sets covered for the whole window.
    expect(fullWindow).toBe(true);
    expect(s.coverage.accessAdvisorCovered).toEqual([ROLE]);
    const reason = s.labels[0]?.permissions.find((p) => p.action === "ec2:CreateNetworkInterface")?.reason;
    expect(reason).toBe("Access Advisor (report of 2026-11-28T09:00:00Z): service ec2 not accessed in its tracking period");
    expect(s.labels[0]?.permissions.find((p) => p.action === "sqs:SendMessage")?.reason).toBe("Access Advisor (report of 2026-11-28T09:00:00Z): service sqs last accessed 2026-06-01T10:00:00Z, before the window");
  });

  it("without --as-of the window ends on the day of the report, less its four hours of lag", async () => {
    const s = labelUsage(await advisor("2026-11-28T03:00:00Z"), DOC, {});
    expect(s.window).toEqual({ start: "2026-10-28T00:00:00Z", end: "2026-11-27T00:00:00Z", days: 30 });
    expect(labelsOf(s).labels["ec2:CreateNetworkInterface"]).toEqual(["unused", ["access-advisor"]]);
  });

  it("a report made before the window's end (or within Access Advisor's four hours of lag) proves nothing unused", async () => {
    for (const created of ["2026-11-27T12:00:00Z", "2026-11-28T02:00:00Z"]) {
      const s = labelUsage(await advisor(created), DOC, { asOf: "2026-11-28T00:00:00Z" });
      const { fullWindow, labels } = labelsOf(s);
      expect([created, fullWindow, labels["ec2:CreateNetworkInterface"], labels["s3:CreateBucket"], s.coverage.accessAdvisorCovered]).toEqual([created, false, ["unknowable", []], ["unknowable", []], undefined]);
    }
  });

  it("says of each report that proves nothing unused why, and which --as-of would let it", async () => {
    const agg = await advisor("2026-11-27T12:00:00Z");
    const s = labelUsage(agg, DOC, { asOf: "2026-11-28T00:00:00Z" });
    expect(advisorWindowWarnings(agg.accessAdvisor, DOC.roles, s).map((w) => [w.code, w.severity, w.message])).toEqual([[
      "access-advisor-window-not-covered", "warning",
      `Access Advisor report of ${ROLE} was made 2026-11-27T12:00:00Z: its data (four hours of lag counted) ends before the window's end, 2026-11-28T00:00:00Z, so it proves nothing unused in the window, only use; give --as-of 2026-11-27 or a report made after 2026-11-28T04:00:00Z`,
    ]]);
    // A report covering the window: nothing to say.
    const covered = await advisor("2026-11-28T09:00:00Z");
    expect(advisorWindowWarnings(covered.accessAdvisor, DOC.roles, labelUsage(covered, DOC, { asOf: "2026-11-28T00:00:00Z" }))).toEqual([]);
  });

  it("a truncated report (IsTruncated, pages not given) proves unused only what it lists, and does not cover the window for the services of the missing pages", async () => {
    // The first page of `--max-items 3`: S3 and SQS are on the page not given.
    const agg = await advisor("2026-11-28T09:00:00Z", (services) => ({ ServicesLastAccessed: services.slice(0, 3), IsTruncated: true, Marker: "AAEAAQ-first-page" }));
    const s = labelUsage(agg, DOC, { asOf: "2026-11-28T00:00:00Z" });
    const { fullWindow, labels } = labelsOf(s);
    expect(labels["ec2:CreateNetworkInterface"]).toEqual(["unused", ["access-advisor"]]);
    expect([labels["s3:CreateBucket"], labels["sqs:SendMessage"]]).toEqual([["unknowable", []], ["unknowable", []]]);
    // Not covered for the whole window: diff would take s3:CreateBucket, unused before, as removed.
    expect(fullWindow).toBe(false);
    // A complete report that does not list a granted service says nothing of it either.
    const without = labelUsage(await advisor("2026-11-28T09:00:00Z", (services) => ({ ServicesLastAccessed: services.filter((x) => (x as { ServiceNamespace: string }).ServiceNamespace !== "ec2"), IsTruncated: false })), DOC, { asOf: "2026-11-28T00:00:00Z" });
    expect([labelsOf(without).fullWindow, labelsOf(without).labels["ec2:CreateNetworkInterface"]]).toEqual([false, ["unknowable", []]]);
    // Unlisted, but unknowable whatever the logs cover (a data event not logged): no gap of the report's.
    const noSqs = labelUsage(await advisor("2026-11-28T09:00:00Z", (services) => ({ ServicesLastAccessed: services.filter((x) => (x as { ServiceNamespace: string }).ServiceNamespace !== "sqs") })), DOC, { asOf: "2026-11-28T00:00:00Z" });
    expect([labelsOf(noSqs).fullWindow, labelsOf(noSqs).labels["sqs:SendMessage"]]).toEqual([true, ["unknowable", []]]);
  });

  it("a window older than the report's tracking period (400 days) proves nothing unused", async () => {
    const s = labelUsage(await advisor("2026-11-28T09:00:00Z"), DOC, { asOf: "2025-10-01T00:00:00Z" });
    expect(labelsOf(s).labels["ec2:CreateNetworkInterface"]).toEqual(["unknowable", []]);
  });
});

describe("Access Advisor beside CloudTrail", () => {
  /** One IAM-user call a day through November 2026: the logs cover the window. */
  async function withTrail(created: string): Promise<Awaited<ReturnType<typeof readUsage>>> {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-advisor-trail-"));
    const records = Array.from({ length: 30 }, (_, d) => ({
      eventVersion: "1.08", eventTime: `2026-11-${String(d + 1).padStart(2, "0")}T08:00:00Z`, eventSource: "iam.amazonaws.com", eventName: "ListRoles", awsRegion: "us-east-1",
      userIdentity: { type: "IAMUser", principalId: "AIDATFQR7NSC5U6Q3TMDR", arn: `arn:aws:iam::${ACCT}:user/benjamin`, accountId: ACCT, userName: "benjamin" },
      eventID: `bg-${d}`, eventType: "AwsApiCall", recipientAccountId: ACCT,
    }));
    writeFileSync(join(dir, "trail.json"), JSON.stringify({ Records: records }));
    const advisorAgg = await advisor(created);
    const trailAgg = await readUsage([join(dir, "trail.json")], { workers: 1 });
    return { ...trailAgg, accessAdvisor: advisorAgg.accessAdvisor };
  }

  it("a report made before the window began is no agreement that a permission went unused in it", async () => {
    const opts = { asOf: "2026-12-01T00:00:00Z", windowDays: 20 };
    const old = labelsOf(labelUsage(await withTrail("2026-11-05T09:00:00Z"), DOC, opts)).labels;
    expect(old["ec2:CreateNetworkInterface"]).toEqual(["unused", ["cloudtrail"]]);
    // One made inside the window saw part of it: its agreement is kept, as before.
    const recent = labelsOf(labelUsage(await withTrail("2026-11-28T09:00:00Z"), DOC, opts)).labels;
    expect(recent["ec2:CreateNetworkInterface"]).toEqual(["unused", ["access-advisor", "cloudtrail"]]);
    // The logs cover the window: a report ending before it needs no warning (leastrole collect
    // makes the report the day it reads the logs, hours before the window's end).
    const both = await withTrail("2026-11-30T09:00:00Z");
    expect(advisorWindowWarnings(both.accessAdvisor, DOC.roles, labelUsage(both, DOC, opts))).toEqual([]);
  });

  it("a CloudTrail use disagrees with the report only if the report's data holds it (four hours of lag counted) and says the service's last access was before it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-advisor-disagree-"));
    const background = Array.from({ length: 30 }, (_, d) => ({
      eventVersion: "1.08", eventTime: `2026-11-${String(d + 1).padStart(2, "0")}T08:00:00Z`, eventSource: "iam.amazonaws.com", eventName: "ListRoles", awsRegion: "us-east-1",
      userIdentity: { type: "IAMUser", principalId: "AIDATFQR7NSC5U6Q3TMDR", arn: `arn:aws:iam::${ACCT}:user/benjamin`, accountId: ACCT, userName: "benjamin" },
      eventID: `bg-${d}`, eventType: "AwsApiCall", recipientAccountId: ACCT,
    }));
    const call = (seq: number, time: string, source: string, name: string, extra: { [k: string]: unknown } = {}): object => roleCallRecord({ account: ACCT, roleArn: ROLE, session: "billing", time, source, name, seq, extra });
    const agg = async (calls: object[]): Promise<Awaited<ReturnType<typeof readUsage>>> => {
      const file = join(dir, `trail-${calls.length}-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(file, JSON.stringify({ Records: [...background, ...calls] }));
      // The report was made 2026-11-28T09:00Z: SQS last accessed 2026-06-01, S3 2026-11-25T10:00Z.
      return { ...(await readUsage([file], { workers: 1 })), accessAdvisor: (await advisor("2026-11-28T09:00:00Z")).accessAdvisor };
    };
    const opts = { asOf: "2026-11-29T00:00:00Z", windowDays: 20 };
    const disagreements = async (calls: object[]): Promise<string[]> => labelUsage(await agg(calls), DOC, opts).disagreements.map((d) => d.message).filter((m) => m.startsWith("CloudTrail shows"));
    const data = { eventCategory: "Data", managementEvent: false };
    // Two hours before the report was made: Access Advisor shows activity within four hours, so its
    // report need not hold the call yet (IAM API Reference, GenerateServiceLastAccessedDetails).
    expect(await disagreements([call(1, "2026-11-28T07:00:00Z", "sqs", "SendMessage", data)])).toEqual([]);
    // A day before: the report should hold it, and says SQS was last accessed in June.
    expect(await disagreements([call(2, "2026-11-27T07:00:00Z", "sqs", "SendMessage", data)])).toEqual(["CloudTrail shows sqs:SendMessage used 2026-11-27T07:00:00Z, Access Advisor reports service sqs last accessed 2026-06-01T10:00:00Z"]);
    // Inside the window, after the report's last access of the service: so too.
    expect(await disagreements([call(3, "2026-11-27T07:00:00Z", "s3", "ListBuckets")])).toEqual(["CloudTrail shows s3:ListAllMyBuckets used 2026-11-27T07:00:00Z, Access Advisor reports service s3 last accessed 2026-11-25T10:00:00Z"]);
    expect(await disagreements([call(4, "2026-11-24T07:00:00Z", "s3", "ListBuckets")])).toEqual([]);
  });
});
