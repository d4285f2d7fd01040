/**
 * A call the action catalog does not know (an API newer than the catalog, or an event whose name is
 * not its action's and that event-actions.ts does not list) is said, not dropped: a
 * `usage-unknown-action` warning names it, and the permissions of its service that the role grants
 * are `unknowable`, never `unused` (which of them authorised the call is not known), so LR008 does
 * not call them unused and generate keeps them as today's policy grants them. Before, the call was
 * counted under an action no policy grants and the permission that authorised it was unused.
 *
 * And end to end (audit of an account folder: IAM export, list-functions, CloudTrail): the event
 * sources whose host is not the IAM prefix (event-source-prefixes.test.ts) on AWS's published
 * records. The new API is the published TagResources record renamed `TagResourcesV2`, a stand-in:
 * by definition no real record of an API the catalog does not know can be checked against it.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { audit } from "../../src/audit/audit.js";
import { generatePolicy } from "../../src/generate/index.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import { EXPORT_ACCOUNT, exportRole, writeExport } from "../support/authorization-details.js";

const ACCOUNT = EXPORT_ACCOUNT;
const FIXTURE = join(__dirname, "fixtures/event-source-prefixes/records.json");
type Rec = { eventSource: string; eventName: string; eventTime: string; eventID: string; userIdentity: unknown };
const published = JSON.parse(readFileSync(FIXTURE, "utf8")) as Rec[];
const recordOf = (source: string): Rec => published.find((r) => r.eventSource === source) as Rec;

/** The published record made function `fn`'s call (role `<fn>-role`) at `time`; `eventName` renamed when given. */
function callOf(rec: Rec, fn: string, time: string, i: number, eventName?: string): Rec {
  const role = `${fn}-role`;
  return {
    ...rec,
    ...(eventName !== undefined ? { eventName } : {}),
    eventTime: time,
    eventID: `${rec.eventID}-${fn}-${i}`,
    userIdentity: {
      type: "AssumedRole",
      principalId: `AROA${fn.toUpperCase()}:${fn}`,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${fn}`,
      accountId: ACCOUNT,
      sessionContext: { sessionIssuer: { type: "Role", principalId: `AROA${fn.toUpperCase()}`, arn: `arn:aws:iam::${ACCOUNT}:role/${role}`, accountId: ACCOUNT, userName: role }, attributes: { creationDate: time, mfaAuthenticated: "false" } },
    },
  };
}

const allow = (actions: string[]) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] });
const GRANTS: { [fn: string]: string[] } = {
  tagger: ["tag:TagResources", "tag:GetResources"],
  campaigns: ["mobiletargeting:GetCampaigns", "mobiletargeting:CreateCampaign"],
  newapi: ["tag:TagResources", "tag:GetResources", "mobiletargeting:GetCampaigns"],
};

/** An account folder: the roles, the functions, and 30 days of CloudTrail with the functions' calls. */
function accountFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), "leastrole-unknown-actions-"));
  mkdirSync(join(dir, "iam"));
  writeExport(join(dir, "iam"), Object.entries(GRANTS).map(([fn, actions]) => exportRole(`${fn}-role`, { inline: [allow(actions)] })));
  mkdirSync(join(dir, "lambda"));
  const functions = Object.keys(GRANTS).map((fn) => ({ FunctionName: fn, FunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${fn}`, Runtime: "nodejs20.x", Role: `arn:aws:iam::${ACCOUNT}:role/${fn}-role`, Handler: "index.handler", LastModified: "2026-01-02T00:00:00.000+0000", Version: "$LATEST", PackageType: "Zip" }));
  writeFileSync(join(dir, "lambda", "list-functions.json"), JSON.stringify({ Functions: functions }));
  const days = Array.from({ length: 30 }, (_, d) => new Date(Date.UTC(2026, 5, 1 + d)).toISOString().slice(0, 10));
  const background = days.map((day, d) => ({ eventVersion: "1.08", userIdentity: { type: "IAMUser", principalId: "AIDAEXAMPLEBACKGROUND", arn: `arn:aws:iam::${ACCOUNT}:user/ops`, accountId: ACCOUNT, userName: "ops" }, eventTime: `${day}T08:00:00Z`, eventSource: "iam.amazonaws.com", eventName: "ListRoles", awsRegion: "us-east-1", eventID: `bg-${d}`, eventType: "AwsApiCall", recipientAccountId: ACCOUNT }));
  const calls = [
    callOf(recordOf("tagging.amazonaws.com"), "tagger", "2026-06-10T12:00:00Z", 0),
    callOf(recordOf("pinpoint.amazonaws.com"), "campaigns", "2026-06-11T12:00:00Z", 1),
    callOf(recordOf("tagging.amazonaws.com"), "newapi", "2026-06-12T12:00:00Z", 2, "TagResourcesV2"),
  ];
  mkdirSync(join(dir, "cloudtrail"));
  writeFileSync(join(dir, "cloudtrail", "records.json"), JSON.stringify({ Records: [...calls, ...background] }));
  return dir;
}

describe("calls the action catalog does not know, and event sources with another IAM prefix, end to end", () => {
  const run = (() => {
    let done: ReturnType<typeof audit> | null = null;
    return () => (done ??= audit([accountFolder()], { asOf: "2026-07-01T00:00:00Z" }));
  })();

  it("LR008 names only what each function did not call: the Tagging API's and Pinpoint's calls count under their IAM actions", async () => {
    const { report } = await run();
    const unused = (fn: string): string[] | undefined => (report.findings as unknown as Array<{ ruleId: string; resource: { name: string }; evidence: { unused: string[] } }>).find((f) => f.ruleId === "LR008" && f.resource.name === fn)?.evidence.unused;
    // Before: tag:TagResources and mobiletargeting:GetCampaigns, called, were in these lists too.
    expect(unused("tagger")).toEqual(["tag:GetResources"]);
    expect(unused("campaigns")).toEqual(["mobiletargeting:CreateCampaign"]);
    // The new API's service is not judged; the other service the role grants still is. Before: all three unused.
    expect(unused("newapi")).toEqual(["mobiletargeting:GetCampaigns"]);
  }, 120_000);

  it("labels the new API's service unknowable with the call named, and warns once", async () => {
    const { document } = await run();
    const labels = document.usage.labels.find((l) => l.functionArn?.endsWith(":function:newapi"))?.permissions ?? [];
    const byAction = Object.fromEntries(labels.map((p) => [p.action, p]));
    for (const a of ["tag:TagResources", "tag:GetResources"]) {
      expect(byAction[a]?.label, a).toBe("unknowable");
      expect(byAction[a]?.reason, a).toContain("tag:TagResourcesV2 (1 call)");
    }
    expect(byAction["mobiletargeting:GetCampaigns"]?.label).toBe("unused");
    const warnings = document.meta.warnings.filter((w) => w.code === "usage-unknown-action");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain("tag:TagResourcesV2");
    expect(warnings[0]?.message).toContain(`arn:aws:iam::${ACCOUNT}:role/newapi-role`);
    // A known call warns of nothing.
    expect(loadActionCatalogSync().action("tag:TagResourcesV2")).toBeNull();
  }, 120_000);

  it("generate keeps today's grants of the new API's service, and says why", async () => {
    const { document } = await run();
    const g = generatePolicy(document, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:newapi`, {}, loadActionCatalogSync());
    const actions = g.policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : s.Action === undefined ? [] : [s.Action]));
    // Before: only the made-up tag:TagResourcesV2, and the permission the call needs left out.
    expect(actions).toEqual(expect.arrayContaining(["tag:TagResources", "tag:GetResources"]));
    expect(actions).not.toContain("mobiletargeting:GetCampaigns");
    const w = g.warnings.find((x) => x.code === "unknown-action");
    expect(w?.message).toContain("today's grants of tag:GetResources, tag:TagResources are kept");
  }, 120_000);
});
