/**
 * Trails stopped or deleted inside the window (src/usage/trail-logging.ts): their logs miss every
 * call of that time, so a permission used only then must not be called unused when those are the
 * logs read, and the gap is said either way. The corpus holds the real thing: Stratus Red Team's
 * cloudtrail-stop and cloudtrail-delete detonations, and Invictus's dataset, where the same
 * techniques ran against its trails.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { labelUsage, readUsage } from "../../src/usage/index.js";
import { loggingGaps, trailLoggingWarnings } from "../../src/usage/trail-logging.js";
import { roleCallRecord } from "../support/cloudtrail-record.js";
import { INVICTUS, STRATUS, roleWithFunction } from "./helpers.js";

describe("trail logging changes in the corpus", () => {
  it("finds Stratus's StopLogging and DeleteTrail, and says them", async () => {
    const agg = await readUsage([join(STRATUS, "aws.defense-evasion.cloudtrail-stop.json"), join(STRATUS, "aws.defense-evasion.cloudtrail-delete.json")]);
    expect(agg.trailChanges).toEqual([
      { accountId: "847129010505", region: "megov-westwest-1r", trail: "stratus-red-team-cloudtraild-trail-kvrwohmiai", event: "DeleteTrail", time: "2024-07-31T12:46:41Z" },
      { accountId: "143434273843", region: "apiso-centralnorth-2r", trail: "stratus-red-team-ct-stop-trail-buykxbqejv", event: "StopLogging", time: "2024-07-31T13:06:24Z" },
    ]);
    const usage = labelUsage(agg, { roles: [], functions: [] }, { asOf: "2024-08-01T00:00:00Z", windowDays: 30 });
    expect(usage.coverage.trailLoggingGaps).toEqual([
      { accountId: "847129010505", trail: "stratus-red-team-cloudtraild-trail-kvrwohmiai", event: "DeleteTrail", from: "2024-07-31T12:46:41Z", to: null, logsRead: false },
      { accountId: "143434273843", trail: "stratus-red-team-ct-stop-trail-buykxbqejv", event: "StopLogging", from: "2024-07-31T13:06:24Z", to: null, logsRead: false },
    ]);
    const warnings = trailLoggingWarnings(usage.coverage.trailLoggingGaps ?? [], agg.trailChanges ?? [], "2024-07-02T00:00:00Z", "2024-08-01T00:00:00Z");
    expect(warnings.map((w) => w.code)).toEqual(["trail-logging-stopped", "trail-logging-stopped"]);
    expect(warnings[1]?.message).toBe(
      "CloudTrail trail stratus-red-team-ct-stop-trail-buykxbqejv of account 143434273843 stopped logging at 2024-07-31T13:06:24Z and did not log again in the logs read (StopLogging in the logs). If these are that trail's logs, calls in that time are missing and a permission used only then looks unused; give its event selectors (aws cloudtrail get-event-selectors) with the logs and leastrole treats the usage as partial.",
    );
  });

  it("leaves out a trail deleted before the window, and says reconfigurations inside it (Invictus)", async () => {
    const agg = await readUsage([INVICTUS]);
    // DeleteTrail at 12:08:04 on the trail whose selectors were changed twice (PutEventSelectors).
    expect(agg.trailChanges?.map((c) => `${c.event} ${c.trail ?? "-"} ${c.time}`)).toEqual([
      "StartLogging stratus-red-team-ctes-trail-qyxyekjbtk 2023-07-10T12:00:05Z",
      "PutEventSelectors - 2023-07-10T12:00:08Z",
      "StartLogging stratus-red-team-ctlr-trail-zqfsvooxqj 2023-07-10T12:00:32Z",
      "PutEventSelectors - 2023-07-10T12:07:49Z",
      "DeleteTrail stratus-red-team-ctes-trail-qyxyekjbtk 2023-07-10T12:08:04Z",
    ]);
    // Failed calls (TrailNotFoundException on StopLogging) change nothing and are not kept.
    const inWindow = loggingGaps(agg.trailChanges ?? [], "2023-07-01T00:00:00Z", "2023-07-11T00:00:00Z", new Set());
    expect(inWindow.map((g) => `${g.event} ${g.trail}`)).toEqual(["DeleteTrail stratus-red-team-ctes-trail-qyxyekjbtk"]);
    // A window after the deletion: the deleted trail logged nothing in it, so it is no gap there.
    expect(loggingGaps(agg.trailChanges ?? [], "2023-08-01T00:00:00Z", "2023-08-31T00:00:00Z", new Set())).toEqual([]);
    const info = trailLoggingWarnings([], agg.trailChanges ?? [], "2023-07-01T00:00:00Z", "2023-07-11T00:00:00Z");
    expect(info).toEqual([
      { code: "trail-reconfigured", severity: "info", message: "A trail's configuration changed inside the window: PutEventSelectors (account 123837392027) at 2023-07-10T12:00:08Z; PutEventSelectors (account 123837392027) at 2023-07-10T12:07:49Z. What it logs before and after may differ; the event selectors given with the logs, if any, are today's." },
    ]);
  });
});

const ACCT = "123456789012";
const ROLE = `arn:aws:iam::${ACCT}:role/orders-role`;
const FN = `arn:aws:lambda:us-east-1:${ACCT}:function:orders-api`;
const GRANTED = ["sns:CreateTopic", "ssm:PutParameter"];
const { role, fn } = roleWithFunction(ACCT, "orders-role", "orders-api", GRANTED);
const TRAIL = `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/main`;

/** The function's sns:CreateTopic every day of October 2026, and ops stopping and starting the trail. */
function records(stop: string, start: string | null, twice = false): object[] {
  const out: object[] = Array.from({ length: 31 }, (_, i) =>
    roleCallRecord({ account: ACCT, roleArn: ROLE, session: "orders-api", time: `2026-10-${String(i + 1).padStart(2, "0")}T10:00:00Z`, source: "sns", name: "CreateTopic", seq: i + 1, extra: { readOnly: false } }),
  );
  const change = (name: string, time: string, seq: number) =>
    roleCallRecord({ account: ACCT, roleArn: `arn:aws:iam::${ACCT}:role/ops`, session: "alice", time, source: "cloudtrail", name, seq, extra: { readOnly: false, requestParameters: { name: name === "StopLogging" ? TRAIL : "main" } } });
  out.push(change("StopLogging", stop, 100));
  if (twice) out.push(change("StopLogging", stop, 100)); // the same record delivered twice
  if (start !== null) out.push(change("StartLogging", start, 101));
  return out;
}

async function labels(recs: object[], selectors: boolean) {
  const dir = mkdtempSync(join(tmpdir(), "lr-trail-logging-"));
  writeFileSync(join(dir, "trail.json"), JSON.stringify({ Records: recs }));
  const files = [join(dir, "trail.json")];
  if (selectors) {
    writeFileSync(join(dir, "selectors.json"), JSON.stringify({ TrailARN: TRAIL, EventSelectors: [{ ReadWriteType: "All", IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }] }, null, 4));
    files.push(join(dir, "selectors.json"));
  }
  const agg = await readUsage(files);
  const usage = labelUsage(agg, { roles: [role], functions: [fn] }, { asOf: "2026-11-01T00:00:00Z", windowDays: 30 });
  return { agg, usage, byAction: new Map((usage.labels.find((l) => l.functionArn === FN)?.permissions ?? []).map((p) => [p.action, p])) };
}

describe("a trail stopped inside the window", () => {
  it("makes the usage partial when its logs are the ones read (its selectors were given): nothing is called unused", async () => {
    const { usage, byAction } = await labels(records("2026-10-12T08:00:00Z", "2026-10-14T09:30:00Z", true), true);
    expect(usage.coverage.trailLoggingGaps).toEqual([{ accountId: ACCT, trail: "main", event: "StopLogging", from: "2026-10-12T08:00:00Z", to: "2026-10-14T09:30:00Z", logsRead: true }]);
    expect(usage.coverage.partial).toBe(true);
    expect(usage.coverage.partialReasons).toContain("trail main of account 123456789012, whose logs these are, stopped logging at 2026-10-12T08:00:00Z until 2026-10-14T09:30:00Z: calls in that time are missing");
    expect(byAction.get("sns:CreateTopic")?.label).toBe("used");
    expect(byAction.get("ssm:PutParameter")).toMatchObject({ label: "unknowable", reason: "usage data is partial (see coverage.partialReasons)" });
  });

  it("is said, not made partial, when the logs are not known to be that trail's", async () => {
    const { agg, usage, byAction } = await labels(records("2026-10-12T08:00:00Z", null), false);
    expect(usage.coverage.trailLoggingGaps).toEqual([{ accountId: ACCT, trail: "main", event: "StopLogging", from: "2026-10-12T08:00:00Z", to: null, logsRead: false }]);
    expect(usage.coverage.partial).toBe(false);
    expect(byAction.get("ssm:PutParameter")?.label).toBe("unused");
    expect(trailLoggingWarnings(usage.coverage.trailLoggingGaps ?? [], agg.trailChanges ?? [], usage.window?.start ?? "", usage.window?.end ?? "").map((w) => w.code)).toEqual(["trail-logging-stopped"]);
  });

  it("reads the same from the WebAssembly scanner and from JSON.parse (a record with an escape takes the slow path)", async () => {
    const recs = records("2026-10-12T08:00:00Z", "2026-10-14T09:30:00Z");
    const dir = mkdtempSync(join(tmpdir(), "lr-trail-logging-slow-"));
    writeFileSync(join(dir, "fast.json"), JSON.stringify({ Records: recs }));
    // A \u escape in the StopLogging record's key sends it through JSON.parse.
    const text = JSON.stringify({ Records: recs });
    const escaped = text.replace('"requestParameters":{"name":"arn', '"request\\u0050arameters":{"name":"arn');
    expect(escaped).not.toBe(text);
    writeFileSync(join(dir, "slow.json"), escaped);
    const fast = await readUsage([join(dir, "fast.json")]);
    const slow = await readUsage([join(dir, "slow.json")]);
    expect(fast.trailChanges?.length).toBe(2);
    expect(slow.trailChanges).toEqual(fast.trailChanges);
  });

  it("is no gap when it was stopped and started again before the window", async () => {
    const { usage, byAction } = await labels(records("2026-09-01T08:00:00Z", "2026-09-02T08:00:00Z"), true);
    expect(usage.coverage.trailLoggingGaps).toBeUndefined();
    expect(byAction.get("ssm:PutParameter")?.label).toBe("unused");
  });
});
