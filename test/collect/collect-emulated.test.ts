/**
 * The operations moto 5.2.5 does not implement (Access Advisor, Access Analyzer, CloudTrail
 * LookupEvents), answered in their documented wire formats (IAM query/XML, Access Analyzer
 * REST-JSON, CloudTrail JSON 1.1; shapes from the AWS API references) by the HTTP proxy in front
 * of moto, which serves everything else. This exercises the success paths — polling, every kind
 * of pagination, the files written — that moto cannot.
 */

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect, type CollectManifest } from "../../src/collect/index.js";
import { readUsage } from "../../src/usage/index.js";
import { startFaultProxy, type Answer, type FaultProxy } from "./support/fault-proxy.js";
import { startMoto, TEST_CREDENTIALS, type MotoServer } from "./support/moto.js";
import { ACCOUNT, seedAccount, trailRecord, type Seeded } from "./support/seed.js";

const xml = (body: string): Answer => ({ status: 200, headers: { "content-type": "text/xml" }, body });
const json = (value: unknown, type = "application/json"): Answer => ({ status: 200, headers: { "content-type": type }, body: JSON.stringify(value) });
const ANALYZER = `arn:aws:access-analyzer:us-east-1:${ACCOUNT}:analyzer/unused-access`;

/** Access Advisor: each job is IN_PROGRESS once, then COMPLETED in two pages. */
function accessAdvisor() {
  const polled = new Map<string, number>();
  const roleOfJob = new Map<string, string>();
  const generate = ({ body }: { body: string }): Answer => {
    const arn = new URLSearchParams(body).get("Arn") ?? "";
    roleOfJob.set(`job-${arn.split("/").pop()}`, arn);
    expect(new URLSearchParams(body).get("Granularity")).toBe("ACTION_LEVEL");
    return xml(
      `<GenerateServiceLastAccessedDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GenerateServiceLastAccessedDetailsResult><JobId>job-${arn.split("/").pop()}</JobId></GenerateServiceLastAccessedDetailsResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GenerateServiceLastAccessedDetailsResponse>`,
    );
  };
  const get = ({ body }: { body: string }): Answer => {
    const params = new URLSearchParams(body);
    const job = params.get("JobId") ?? "";
    const n = (polled.get(job) ?? 0) + 1;
    polled.set(job, n);
    const head = `<JobType>ACTION_LEVEL</JobType><JobCreationDate>2026-01-15T10:00:00Z</JobCreationDate>`;
    const wrap = (inner: string) =>
      xml(`<GetServiceLastAccessedDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetServiceLastAccessedDetailsResult>${inner}</GetServiceLastAccessedDetailsResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetServiceLastAccessedDetailsResponse>`);
    if (n === 1) return wrap(`<JobStatus>IN_PROGRESS</JobStatus>${head}<ServicesLastAccessed/><IsTruncated>false</IsTruncated>`);
    const entity = roleOfJob.get(job) ?? "";
    if (params.get("Marker") === null) {
      return wrap(
        `<JobStatus>COMPLETED</JobStatus>${head}<JobCompletionDate>2026-01-15T10:00:05Z</JobCompletionDate><ServicesLastAccessed><member><ServiceName>Amazon S3</ServiceName><ServiceNamespace>s3</ServiceNamespace><TotalAuthenticatedEntities>0</TotalAuthenticatedEntities><TrackedActionsLastAccessed><member><ActionName>GetObject</ActionName></member></TrackedActionsLastAccessed></member></ServicesLastAccessed><IsTruncated>true</IsTruncated><Marker>page-2</Marker>`,
      );
    }
    expect(params.get("Marker")).toBe("page-2");
    return wrap(
      `<JobStatus>COMPLETED</JobStatus>${head}<JobCompletionDate>2026-01-15T10:00:05Z</JobCompletionDate><ServicesLastAccessed><member><ServiceName>Amazon DynamoDB</ServiceName><ServiceNamespace>dynamodb</ServiceNamespace><LastAuthenticated>2026-01-14T08:00:00Z</LastAuthenticated><LastAuthenticatedEntity>${entity}</LastAuthenticatedEntity><LastAuthenticatedRegion>us-east-1</LastAuthenticatedRegion><TotalAuthenticatedEntities>1</TotalAuthenticatedEntities><TrackedActionsLastAccessed><member><ActionName>GetItem</ActionName><LastAccessedEntity>${entity}</LastAccessedEntity><LastAccessedTime>2026-01-14T08:00:00Z</LastAccessedTime><LastAccessedRegion>us-east-1</LastAccessedRegion></member></TrackedActionsLastAccessed></member></ServicesLastAccessed><IsTruncated>false</IsTruncated>`,
    );
  };
  return { generate, get, polled };
}

function finding(id: string, resource: string) {
  return {
    id,
    resource,
    resourceType: "AWS::IAM::Role",
    resourceOwnerAccount: ACCOUNT,
    status: "ACTIVE",
    findingType: "UnusedPermission",
    createdAt: "2026-01-10T00:00:00Z",
    updatedAt: "2026-01-10T00:00:00Z",
    analyzedAt: "2026-01-10T00:00:00Z",
  };
}

describe("collect: operations moto lacks, answered in AWS's wire formats", () => {
  let moto: MotoServer;
  let proxy: FaultProxy;
  let seeded: Seeded;
  let out: string;
  let manifest: CollectManifest;
  const advisor = accessAdvisor();
  const lookupBodies: string[] = [];

  beforeAll(async () => {
    moto = startMoto();
    seeded = await seedAccount(moto.endpoint);
    proxy = await startFaultProxy(moto.endpoint, [
      { match: /^iam\/\S+ POST \/ .*Action=GenerateServiceLastAccessedDetails/, times: Infinity, fault: advisor.generate },
      { match: /^iam\/\S+ POST \/ .*Action=GetServiceLastAccessedDetails/, times: Infinity, fault: advisor.get },
      {
        match: /^access-analyzer\/us-east-1 GET \/analyzer\?/,
        times: Infinity,
        fault: ({ path }) => {
          expect(path).toContain("type=ACCOUNT_UNUSED_ACCESS");
          return json({ analyzers: [{ arn: ANALYZER, name: "unused-access", type: "ACCOUNT_UNUSED_ACCESS", createdAt: "2026-01-01T00:00:00Z", status: "ACTIVE", tags: { team: "sec" }, configuration: { unusedAccess: { unusedAccessAge: 45 } } }] });
        },
      },
      { match: /^access-analyzer\/eu-west-1 GET \/analyzer\?/, times: Infinity, fault: () => json({ analyzers: [] }) },
      {
        match: /^access-analyzer\/us-east-1 POST \/findingv2 /,
        times: Infinity,
        fault: ({ body }) => {
          const request = JSON.parse(body);
          expect(request.analyzerArn).toBe(ANALYZER);
          expect(request.filter).toEqual({ resourceType: { eq: ["AWS::IAM::Role"] }, status: { eq: ["ACTIVE"] } });
          return request.nextToken === "p2"
            ? json({ findings: [finding("f-2", seeded.roles.report)] })
            : json({ findings: [finding("f-1", seeded.roles.orders)], nextToken: "p2" });
        },
      },
      {
        match: /^access-analyzer\/us-east-1 GET \/findingv2\//,
        times: Infinity,
        fault: ({ path }) => {
          const url = new URL(path, "http://x");
          const id = url.pathname.split("/").pop() as string;
          expect(url.searchParams.get("analyzerArn")).toBe(ANALYZER);
          const base = finding(id, id === "f-1" ? seeded.roles.orders : seeded.roles.report);
          if (url.searchParams.get("nextToken") === "d2") {
            return json({ ...base, findingDetails: [{ unusedPermissionDetails: { serviceNamespace: "s3" } }] });
          }
          return json({
            ...base,
            findingDetails: [{ unusedPermissionDetails: { serviceNamespace: "dynamodb", actions: [{ action: "DeleteTable" }, { action: "GetItem", lastAccessed: "2025-10-01T00:00:00Z" }] } }],
            nextToken: "d2",
          });
        },
      },
      {
        match: /^cloudtrail\/us-east-1 POST \/ /,
        times: Infinity,
        fault: ({ body }) => {
          lookupBodies.push(body);
          const request = JSON.parse(body);
          const event = (id: string, name: string, epoch: number) => ({
            EventId: `evt-${id}`,
            EventName: name,
            ReadOnly: "true",
            EventTime: epoch,
            EventSource: "dynamodb.amazonaws.com",
            Username: "orders-processor",
            Resources: [{ ResourceType: "AWS::DynamoDB::Table", ResourceName: "orders" }],
            CloudTrailEvent: JSON.stringify(trailRecord(new Date(epoch * 1000).toISOString().replace(".000", ""), name, id)),
          });
          return request.NextToken === "t2"
            ? json({ Events: [event("3", "Query", 1768471500)] }, "application/x-amz-json-1.1")
            : json({ Events: [event("1", "GetItem", 1768471260), event("2", "PutItem", 1768471320)], NextToken: "t2" }, "application/x-amz-json-1.1");
        },
      },
      { match: /^cloudtrail\/eu-west-1 POST \/ /, times: Infinity, fault: () => json({ Events: [] }, "application/x-amz-json-1.1") },
      {
        // Lambda Managed Instances (API version 2025-11-30; moto answers 404 "Not yet implemented").
        match: /^lambda\/us-east-1 GET \/2025-11-30\/capacity-providers/,
        times: Infinity,
        fault: ({ path }) => {
          const provider = (name: string) => ({
            CapacityProviderArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:capacity-provider:${name}`,
            State: "Active",
            PermissionsConfig: { CapacityProviderOperatorRoleArn: `arn:aws:iam::${ACCOUNT}:role/lmi-operator` },
            LastModified: "2026-01-02T03:04:05.000+0000",
          });
          return new URL(path, "http://x").searchParams.get("Marker") === "m2" ? json({ CapacityProviders: [provider("fleet-a")] }) : json({ CapacityProviders: [provider("fleet-b")], NextMarker: "m2" });
        },
      },
      { match: /^lambda\/eu-west-1 GET \/2025-11-30\/capacity-providers/, times: Infinity, fault: () => json({ CapacityProviders: [] }) },
    ]);
    out = join(mkdtempSync(join(tmpdir(), "leastrole-collect-emulated-")), "out");
    ({ manifest } = await collect({
      out,
      endpoint: proxy.endpoint,
      credentials: TEST_CREDENTIALS,
      regions: ["us-east-1", "eu-west-1"],
      accessAdvisor: true,
      accessAnalyzer: true,
      cloudtrail: "lookup",
      since: "2026-01-10",
      until: new Date("2026-01-20T00:00:00Z"),
      pollIntervalMs: 5,
    }));
  });

  afterAll(async () => {
    await proxy?.close();
    moto?.stop();
    if (out) rmSync(join(out, ".."), { recursive: true, force: true });
  });

  const read = (rel: string): any => JSON.parse(readFileSync(join(out, rel), "utf8"));

  it("collects everything: nothing failed, the region without an analyzer is skipped, not partial", () => {
    expect(manifest.calls.filter((c) => c.status === "failed")).toEqual([]);
    expect(manifest.calls.filter((c) => c.status === "skipped").map((c) => [c.id, c.reason])).toEqual([
      ["eu-west-1/accessanalyzer:GetFindingV2", "no active unused-access analyzer in eu-west-1"],
    ]);
    expect(manifest.partial).toBe(false);
    expect(manifest.reasons).toEqual([]);
  });

  it("polls Access Advisor until the job completes, merges its pages and names the role", () => {
    const file = read("iam/access-advisor/orders-fn-role.json");
    expect(file).toMatchObject({
      Arn: seeded.roles.orders,
      Granularity: "ACTION_LEVEL",
      JobId: "job-orders-fn-role",
      JobStatus: "COMPLETED",
      JobType: "ACTION_LEVEL",
      JobCreationDate: "2026-01-15T10:00:00.000Z",
    });
    expect(file.ServicesLastAccessed.map((s: any) => s.ServiceNamespace)).toEqual(["dynamodb", "s3"]);
    expect(file.ServicesLastAccessed[0].TrackedActionsLastAccessed[0]).toEqual({
      ActionName: "GetItem",
      LastAccessedEntity: seeded.roles.orders,
      LastAccessedTime: "2026-01-14T08:00:00.000Z",
      LastAccessedRegion: "us-east-1",
    });
    expect(read("iam/access-advisor/report-fn-role.json").Arn).toBe(seeded.roles.report);
    // One IN_PROGRESS poll, then two pages, per job; the EC2 role is not asked about.
    expect([...advisor.polled.entries()].sort()).toEqual([
      ["job-orders-fn-role", 3],
      ["job-report-fn-role", 3],
    ]);
    const entry = manifest.calls.find((c) => c.id === `global/iam:GetServiceLastAccessedDetails/${seeded.roles.orders}`);
    expect(entry).toMatchObject({ status: "ok", count: 2, attempts: 4, files: ["iam/access-advisor/orders-fn-role.json"] });
  });

  it("what it saves for Access Advisor and Access Analyzer is read back as AWS answered it: the role from Arn, every page's services, the times", async () => {
    const agg = await readUsage([join(out, "iam", "access-advisor"), join(out, "accessanalyzer")], { workers: 1 });
    expect(agg.warnings).toEqual([]);
    expect(agg.coverage.partial).toBe(false);
    const services = [
      { namespace: "dynamodb", lastAuthenticated: "2026-01-14T08:00:00Z", actions: [{ action: "dynamodb:GetItem", lastAccessed: "2026-01-14T08:00:00Z" }] },
      { namespace: "s3", lastAuthenticated: null, actions: [{ action: "s3:GetObject", lastAccessed: null }] },
    ];
    expect(agg.accessAdvisor.map((r) => [r.roleArn, r.jobType, r.createdAt, r.completedAt, r.services])).toEqual([
      // In role ARN order (role/report-fn-role before role/service-role/orders-fn-role).
      [seeded.roles.report, "ACTION_LEVEL", "2026-01-15T10:00:00Z", "2026-01-15T10:00:05Z", services],
      [seeded.roles.orders, "ACTION_LEVEL", "2026-01-15T10:00:00Z", "2026-01-15T10:00:05Z", services],
    ]);
    const unused = [
      { namespace: "dynamodb", lastAccessed: null, actions: [{ action: "dynamodb:DeleteTable", lastAccessed: null }, { action: "dynamodb:GetItem", lastAccessed: "2025-10-01T00:00:00Z" }] },
      { namespace: "s3", lastAccessed: null, actions: null },
    ];
    // The analyzer's unusedAccessAge (ListAnalyzers' configuration), which no finding gives: the span each finding speaks of.
    expect(agg.accessAnalyzer.map((f) => [f.id, f.resource, f.findingType, f.status, f.analyzedAt, f.services, f.unusedAccessAge])).toEqual([
      ["f-2", seeded.roles.report, "UnusedPermission", "ACTIVE", "2026-01-10T00:00:00Z", unused, 45],
      ["f-1", seeded.roles.orders, "UnusedPermission", "ACTIVE", "2026-01-10T00:00:00Z", unused, 45],
    ]);
  });

  it("lists the capacity providers of each region, every page, sorted", () => {
    expect(read("lambda/us-east-1/list-capacity-providers.json").CapacityProviders.map((p: any) => [p.CapacityProviderArn.split(":").pop(), p.PermissionsConfig.CapacityProviderOperatorRoleArn])).toEqual([
      ["fleet-a", `arn:aws:iam::${ACCOUNT}:role/lmi-operator`],
      ["fleet-b", `arn:aws:iam::${ACCOUNT}:role/lmi-operator`],
    ]);
    expect(manifest.calls.find((c) => c.id === "us-east-1/lambda:ListCapacityProviders")).toMatchObject({ status: "ok", count: 2, files: ["lambda/us-east-1/list-capacity-providers.json"] });
    expect(read("lambda/eu-west-1/list-capacity-providers.json")).toEqual({ CapacityProviders: [] });
  });

  it("writes unused-access findings with every page of their details", () => {
    const file = read("accessanalyzer/us-east-1/unused-access-findings.json");
    expect(file.analyzerArn).toBe(ANALYZER);
    expect(file.analyzerType).toBe("ACCOUNT_UNUSED_ACCESS");
    // As get-analyzer prints it, without its tags: its configuration's unusedAccessAge.
    expect(file.analyzer).toEqual({ arn: ANALYZER, name: "unused-access", type: "ACCOUNT_UNUSED_ACCESS", status: "ACTIVE", configuration: { unusedAccess: { unusedAccessAge: 45 } } });
    expect(file.findings.map((f: any) => [f.id, f.resource])).toEqual([
      ["f-1", seeded.roles.orders],
      ["f-2", seeded.roles.report],
    ]);
    expect(file.findings[0].findingDetails).toEqual([
      { unusedPermissionDetails: { serviceNamespace: "dynamodb", actions: [{ action: "DeleteTable" }, { action: "GetItem", lastAccessed: "2025-10-01T00:00:00.000Z" }] } },
      { unusedPermissionDetails: { serviceNamespace: "s3" } },
    ]);
    expect(file.findings[0]).not.toHaveProperty("nextToken");
    expect(file.findings[0]).not.toHaveProperty("$metadata");
    expect(manifest.calls.find((c) => c.id === "us-east-1/accessanalyzer:GetFindingV2")).toMatchObject({ status: "ok", count: 2 });
  });

  it("pages LookupEvents over the window and keeps CloudTrailEvent as the JSON string AWS returns", () => {
    const first = JSON.parse(lookupBodies[0] as string);
    expect([first.StartTime, first.EndTime]).toEqual([Date.parse("2026-01-10T00:00:00Z") / 1000, Date.parse("2026-01-20T00:00:00Z") / 1000]);
    expect(JSON.parse(lookupBodies[1] as string).NextToken).toBe("t2");
    const file = read("cloudtrail/lookup/us-east-1/lookup-events-00001.json");
    expect(file.Events.map((e: any) => [e.EventId, e.EventName, e.EventTime])).toEqual([
      ["evt-1", "GetItem", "2026-01-15T10:01:00.000Z"],
      ["evt-2", "PutItem", "2026-01-15T10:02:00.000Z"],
      ["evt-3", "Query", "2026-01-15T10:05:00.000Z"],
    ]);
    expect(typeof file.Events[0].CloudTrailEvent).toBe("string");
    expect(JSON.parse(file.Events[0].CloudTrailEvent).userIdentity.sessionContext.sessionIssuer.arn).toBe(
      `arn:aws:iam::${ACCOUNT}:role/service-role/orders-fn-role`,
    );
    expect(manifest.calls.find((c) => c.id === "us-east-1/cloudtrail:LookupEvents")).toMatchObject({
      status: "ok",
      count: 3,
      files: ["cloudtrail/lookup/us-east-1/lookup-events-00001.json"],
    });
    expect(manifest.calls.find((c) => c.id === "eu-west-1/cloudtrail:LookupEvents")).toMatchObject({ status: "ok", count: 0, files: [] });
  });
});
