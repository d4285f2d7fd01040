/**
 * Event sources whose host is not the IAM prefix (src/usage/event-actions.ts SERVICE_PREFIXES): the
 * RDS Data API (rdsdata.amazonaws.com, and rdsdataapi.amazonaws.com, whose data events CloudTrail
 * writes with eventType "Rds Data Service"), the Resource Groups Tagging API (tagging.amazonaws.com)
 * and Amazon Pinpoint (pinpoint.amazonaws.com). The expectations are AWS's: the IAM actions of the
 * Service Authorization Reference (rds-data:ExecuteStatement, tag:TagResources,
 * mobiletargeting:GetCampaigns), each checked against the action catalog.
 *
 * The records are AWS's own examples (test/usage/fixtures/event-source-prefixes/SOURCE.md), each
 * made a Lambda function's call here.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generatePolicy } from "../../src/generate/index.js";
import { emptyRoleFacts, loadActionCatalogSync } from "../../src/iam/index.js";
import type { PolicyDocument } from "../../src/model/document.js";
import { eventToActions } from "../../src/usage/event-actions.js";
import { labelUsage, readUsage } from "../../src/usage/index.js";
import { athenaRows, writeRows } from "../support/athena-rows.js";
import { document, lambdaFunction, role } from "../generate/fixtures.js";

const FIXTURE = join(__dirname, "fixtures/event-source-prefixes/records.json");
const ACCOUNT = "123456789012";
const ROLE_NAME = "reports-role";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/${ROLE_NAME}`;
const FN = "reports";

type Rec = { eventSource: string; eventName: string; eventType?: string; eventTime: string; eventID: string; userIdentity: unknown };
const published = JSON.parse(readFileSync(FIXTURE, "utf8")) as Rec[];

/** The action each published record needs (Service Authorization Reference), by its eventSource. */
const WANT: { [eventSource: string]: string } = {
  "rdsdata.amazonaws.com": "rds-data:ExecuteStatement",
  "rdsdataapi.amazonaws.com": "rds-data:ExecuteStatement",
  "tagging.amazonaws.com": "tag:TagResources",
  "pinpoint.amazonaws.com": "mobiletargeting:GetCampaigns",
};

/** The published records made the function's calls on `day` (only userIdentity, eventTime and eventID change). */
function asFunctionCalls(day: string): Rec[] {
  return published.map((r, i) => ({
    ...r,
    eventTime: `${day}T12:00:0${i}Z`,
    eventID: `${r.eventID}-${i}`,
    userIdentity: {
      type: "AssumedRole",
      principalId: `AROAEXAMPLEREPORTS:${FN}`,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE_NAME}/${FN}`,
      accountId: ACCOUNT,
      accessKeyId: "ASIAEXAMPLEREPORTS",
      sessionContext: { sessionIssuer: { type: "Role", principalId: "AROAEXAMPLEREPORTS", arn: ROLE, accountId: ACCOUNT, userName: ROLE_NAME }, attributes: { creationDate: `${day}T11:00:00Z`, mfaAuthenticated: "false" } },
    },
  }));
}

function writeRecords(records: unknown[], prefix: string): string {
  const path = join(mkdtempSync(join(tmpdir(), prefix)), "records.json");
  writeFileSync(path, JSON.stringify({ Records: records }));
  return path;
}

/** action → calls of the function's session, from `path` read with `fastScan` (undefined: the WebAssembly scanner). */
async function actionsOf(path: string, fastScan?: "js" | false): Promise<{ [action: string]: number }> {
  const u = await readUsage([path], { workers: 1, fastScan });
  expect(u.warnings).toEqual([]);
  const s = u.sessions.find((x) => x.sessionName === FN);
  return Object.fromEntries((s?.actions ?? []).map((a) => [a.action, a.count]));
}

describe("event sources whose host is not the IAM prefix", () => {
  it("maps each published record to the IAM action it needs, one the catalog knows", () => {
    const catalog = loadActionCatalogSync();
    expect(published.map((r) => r.eventSource).sort()).toEqual(Object.keys(WANT).sort());
    for (const r of published) {
      const want = WANT[r.eventSource] as string;
      // Before: rdsdata:ExecuteStatement, rdsdataapi:ExecuteStatement, tagging:TagResources, pinpoint:GetCampaigns.
      expect(eventToActions(r.eventSource, r.eventName).actions, r.eventSource).toEqual([want]);
      expect(catalog.action(want)?.name, want).toBe(want.split(":")[1]);
    }
    // The AppConfig Lambda extension's calls (AppConfigData: cloudTrailEventSource appconfigdata.amazonaws.com).
    expect(eventToActions("appconfigdata.amazonaws.com", "GetLatestConfiguration").actions).toEqual(["appconfig:GetLatestConfiguration"]);
    expect(eventToActions("appconfigdata.amazonaws.com", "StartConfigurationSession").actions).toEqual(["appconfig:StartConfigurationSession"]);
    expect(catalog.action("appconfig:GetLatestConfiguration")).not.toBeNull();
  });

  it("counts a call whose eventType is the Data API's 'Rds Data Service', and still no service event", () => {
    expect(published.find((r) => r.eventSource === "rdsdataapi.amazonaws.com")?.eventType).toBe("Rds Data Service");
    // expect(isCallEventType("Rds Data Service")).toBe(true);
    // expect(isCallEventType("AwsApiCall")).toBe(true);
    // expect(isCallEventType(null)).toBe(true);
    //for (const t of ["AwsServiceEvent", "AwsConsoleAction", "AwsConsoleSignIn", "AwsCloudTrailInsight"]) expect(isCallEventType(t), t).toBe(false);
  });

  it("every record reader counts the function's calls under the IAM actions", async () => {
    const path = writeRecords(asFunctionCalls("2024-10-01"), "leastrole-prefixes-");
    // Before: the rdsdataapi record was dropped (eventType), the others counted under actions of no service.
    const want = { "rds-data:ExecuteStatement": 2, "tag:TagResources": 1, "mobiletargeting:GetCampaigns": 1 };
    expect(await actionsOf(path)).toEqual(want);
    for (const fastScan of ["js", false] as const) expect(await actionsOf(path, fastScan), String(fastScan)).toEqual(want);
  });

  it("the Athena query keeps the Data API's data events", async () => {
    const path = writeRecords(asFunctionCalls("2024-10-01"), "leastrole-prefixes-rows-");
    const rows = writeRows(join(path, ".."), await athenaRows(path));
    const want = { "rds-data:ExecuteStatement": 2, "tag:TagResources": 1, "mobiletargeting:GetCampaigns": 1 };
    for (const p of [rows.json, rows.csv]) expect(await actionsOf(p), p).toEqual(want);
  });

  // The RDS Data API's records name the cluster only in requestParameters.resourceArn (no resources[]).
  const CLUSTER = "arn:aws:rds:us-east-1:123456789012:cluster:my-database-1";
  async function resourcesOf(path: string, fastScan?: "js" | false): Promise<{ [action: string]: string[] }> {
    const u = await readUsage([path], { workers: 1, fastScan });
    return Object.fromEntries((u.sessions.find((x) => x.sessionName === FN)?.actions ?? []).map((a) => [a.action, a.resources]));
  }

  it("every reader counts a Data API call on the cluster its resourceArn names", async () => {
    expect(published.filter((r) => r.eventSource.startsWith("rdsdata")).map((r) => (r as unknown as { requestParameters: { resourceArn: string } }).requestParameters.resourceArn)).toEqual([CLUSTER, CLUSTER]);
    const path = writeRecords(asFunctionCalls("2024-10-01"), "leastrole-prefixes-res-");
    // Before: [] (the call named no resource, and generate granted rds-data:ExecuteStatement on every cluster).
    for (const fastScan of [undefined, "js", false] as const) expect((await resourcesOf(path, fastScan))["rds-data:ExecuteStatement"], String(fastScan)).toEqual([CLUSTER]);
    const rows = writeRows(join(path, ".."), await athenaRows(path));
    for (const p of [rows.json, rows.csv]) expect((await resourcesOf(p))["rds-data:ExecuteStatement"], p).toEqual([CLUSTER]);
  });

  // The function, and a role granting what it calls and one Data API action it does not.
  const GRANTED = ["rds-data:ExecuteStatement", "rds-data:BeginTransaction", "tag:TagResources", "mobiletargeting:GetCampaigns"];
  async function labelled(): Promise<{ doc: ReturnType<typeof document>; arn: string }> {
    const fn = lambdaFunction(FN, ROLE, { arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${FN}`, accountId: ACCOUNT, lastModified: "2024-01-01T00:00:00Z" });
    const grant: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: GRANTED, Resource: ["*"] }] };
    const r = { ...role(ROLE, [fn.arn], [{ name: "reports", document: grant }]), accountId: ACCOUNT, createDate: "2024-01-01T00:00:00Z" };
    r.facts = { ...emptyRoleFacts(), allowedActions: GRANTED, allowedActionCount: GRANTED.length };
    const doc = document([fn], [r]);
    // One IAM user's call per day over the window: the logs cover it.
    const days = Array.from({ length: 121 }, (_, d) => new Date(Date.UTC(2024, 6, 3 + d)).toISOString().slice(0, 10));
    const background = days.map((day, d) => ({ eventVersion: "1.08", userIdentity: { type: "IAMUser", principalId: "AIDAEXAMPLEBACKGROUND", arn: `arn:aws:iam::${ACCOUNT}:user/ops`, accountId: ACCOUNT, userName: "ops" }, eventTime: `${day}T08:00:00Z`, eventSource: "iam.amazonaws.com", eventName: "ListRoles", awsRegion: "us-east-1", eventID: `bg-${d}`, eventType: "AwsApiCall", recipientAccountId: ACCOUNT }));
    const path = writeRecords([...asFunctionCalls("2024-10-01"), ...background], "leastrole-prefixes-labels-");
    // The Data API's calls are data events: judged with data events logged.
    doc.usage = labelUsage(await readUsage([path], { workers: 1 }), doc, { asOf: "2024-11-01T00:00:00Z", windowDays: 120, dataEventsLogged: true });
    return { doc, arn: fn.arn };
  }

  it("labels: what the function called is used, the Data API action it did not call unused", async () => {
    const { doc, arn } = await labelled();
    const labels = Object.fromEntries((doc.usage.labels.find((l) => l.functionArn === arn)?.permissions ?? []).map((p) => [p.action, p.label]));
    // Before: all four unused, and LR008 and generate dropped what the function calls.
    expect(labels).toEqual({ "rds-data:ExecuteStatement": "used", "rds-data:BeginTransaction": "unused", "tag:TagResources": "used", "mobiletargeting:GetCampaigns": "used" });
  });

  it("generate: the function's policy allows the actions it called", async () => {
    const { doc, arn } = await labelled();
    const actions = generatePolicy(doc, arn, {}, loadActionCatalogSync()).policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : s.Action === undefined ? [] : [s.Action]));
    expect(actions).toEqual(expect.arrayContaining(["rds-data:ExecuteStatement", "tag:TagResources", "mobiletargeting:GetCampaigns"]));
    expect(actions).not.toContain("rds-data:BeginTransaction");
  });

  it("generate: the Data API action is granted on the cluster the function used, not on every cluster", async () => {
    const { doc, arn } = await labelled();
    const statements = generatePolicy(doc, arn, {}, loadActionCatalogSync()).policy.Statement.filter((s) => ([] as string[]).concat(s.Action ?? []).includes("rds-data:ExecuteStatement"));
    // Before: Resource "*" (or arn:aws:rds:*:*:cluster:*): the call named no cluster.
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) expect(([] as string[]).concat(s.Resource ?? [])).toEqual([CLUSTER]);
  });
});
