/**
 * A trail that leaves management events out (src/usage/trail-gaps.ts): a write-only trail, or one
 * that excludes AWS KMS events. The records show it (no read among many management events, no KMS
 * event among many with reads), and an action whose calls would be such events must then be
 * unknowable, never unused: ssm:GetParameter or kms:Decrypt called unused on a write-only trail,
 * and left out of a generated policy, breaks the function.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { labelUsage, readUsage } from "../../src/usage/index.js";
import { managementCoverage, MIN_EVENTS_FOR_KMS, MIN_EVENTS_FOR_READS, MIN_EVENTS_FOR_WRITES, mayBeReadEvent, trailGapWarnings } from "../../src/usage/trail-gaps.js";
import { classifyHead } from "../../src/audit/route-inputs.js";
import { roleCallRecord } from "../support/cloudtrail-record.js";
import { roleWithFunction } from "./helpers.js";

const ACCT = "123456789012";
const ROLE = `arn:aws:iam::${ACCT}:role/orders-role`;
const FN = `arn:aws:lambda:us-east-1:${ACCT}:function:orders-api`;
const GRANTED = ["dynamodb:PutItem", "ec2:CreateNetworkInterface", "kms:Decrypt", "kms:GenerateDataKey", "sns:CreateTopic", "ssm:GetParameter", "ssm:PutParameter"];

const { role, fn } = roleWithFunction(ACCT, "orders-role", "orders-api", GRANTED);

let seq = 0;
/** `n` management events a day through October 2026 by an IAM user, with this readOnly and source. */
function background(n: number, readOnly: boolean | undefined, source = "iam.amazonaws.com", name = "ListRoles"): object[] {
  return Array.from({ length: n }, (_, i) => ({
    eventVersion: "1.09",
    userIdentity: { type: "IAMUser", principalId: "AIDATFQR7NSC5U6Q3TMDR", arn: `arn:aws:iam::${ACCT}:user/ops`, accountId: ACCT, userName: "ops" },
    eventTime: `2026-10-${String((i % 31) + 1).padStart(2, "0")}T08:${String(i % 60).padStart(2, "0")}:00Z`,
    eventSource: source,
    eventName: name,
    awsRegion: "us-east-1",
    eventID: `bg-${++seq}`,
    eventType: "AwsApiCall",
    ...(readOnly === undefined ? {} : { readOnly }),
    managementEvent: true,
    eventCategory: "Management",
    recipientAccountId: ACCT,
  }));
}

/** The function's own write: sns:CreateTopic once a week (readOnly false, as CloudTrail writes it). */
function functionWrites(): object[] {
  return [3, 10, 17, 24].map((d) =>
    roleCallRecord({ account: ACCT, roleArn: ROLE, session: "orders-api", time: `2026-10-${String(d).padStart(2, "0")}T10:00:00Z`, source: "sns", name: "CreateTopic", seq: ++seq, extra: { readOnly: false, requestParameters: { name: "orders" } } }),
  );
}

async function labels(records: object[], said: { readEventsLogged?: boolean; writeEventsLogged?: boolean; kmsEventsLogged?: boolean; dataEventsLogged?: boolean } = {}, selectors: object[] = []) {
  const dir = mkdtempSync(join(tmpdir(), "lr-trail-gaps-"));
  const file = join(dir, "trail.json");
  writeFileSync(file, JSON.stringify({ Records: records }));
  const extra = selectors.map((sel, i) => {
    const f = join(dir, `event-selectors-${i}.json`);
    writeFileSync(f, JSON.stringify(sel, null, 4));
    return f;
  });
  const agg = await readUsage([file, ...extra]);
  const usage = labelUsage(agg, { roles: [role], functions: [fn] }, { asOf: "2026-11-01T00:00:00Z", windowDays: 30, ...said });
  const byAction = new Map((usage.labels.find((l) => l.functionArn === FN)?.permissions ?? []).map((p) => [p.action, p]));
  return { usage, byAction };
}

describe("what a trail leaves out of management events", () => {
  it("is judged only from enough events", () => {
    const c = (events: number, flagged: number, reads: number, kms: number, dataEvents = 0) => managementCoverage([{ accountId: ACCT, events, flagged, reads, kms, dataEvents }])[0];
    expect(c(MIN_EVENTS_FOR_READS, MIN_EVENTS_FOR_READS, 0, 0)).toMatchObject({ reads: "not-logged", kms: "unknown" });
    expect(c(MIN_EVENTS_FOR_READS - 1, MIN_EVENTS_FOR_READS - 1, 0, 0)).toMatchObject({ reads: "unknown", kms: "unknown" });
    // readOnly absent (records before it existed) proves nothing.
    expect(c(5000, 10, 0, 0)).toMatchObject({ reads: "unknown" });
    expect(c(MIN_EVENTS_FOR_KMS, MIN_EVENTS_FOR_KMS, 1, 0)).toMatchObject({ reads: "logged", kms: "not-logged" });
    expect(c(MIN_EVENTS_FOR_KMS - 1, MIN_EVENTS_FOR_KMS - 1, 1, 0)).toMatchObject({ reads: "logged", kms: "unknown" });
    expect(c(MIN_EVENTS_FOR_KMS, MIN_EVENTS_FOR_KMS, 1, 1)).toMatchObject({ reads: "logged", kms: "logged" });
    // Writes: logged when one is seen; not logged only when none is among many (a ReadOnly trail).
    expect(c(10, 10, 9, 0)).toMatchObject({ writes: "logged" });
    expect(c(MIN_EVENTS_FOR_WRITES, MIN_EVENTS_FOR_WRITES, MIN_EVENTS_FOR_WRITES, 1)).toMatchObject({ reads: "logged", writes: "not-logged", kms: "logged" });
    expect(c(MIN_EVENTS_FOR_WRITES - 1, MIN_EVENTS_FOR_WRITES - 1, MIN_EVENTS_FOR_WRITES - 1, 1)).toMatchObject({ writes: "unknown" });
    // A trail of data events only: many data events, no management event, so none is logged.
    expect(c(0, 0, 0, 0, MIN_EVENTS_FOR_READS)).toMatchObject({ reads: "not-logged", writes: "not-logged", kms: "not-logged", dataEvents: MIN_EVENTS_FOR_READS });
    expect(c(0, 0, 0, 0, MIN_EVENTS_FOR_READS - 1)).toMatchObject({ reads: "unknown", writes: "unknown", kms: "unknown" });
  });

  it("takes KMS's cryptographic operations for reads, as CloudTrail does, whatever IAM's access level", () => {
    expect(mayBeReadEvent("kms:decrypt", "Write")).toBe(true);
    expect(mayBeReadEvent("kms:generatedatakey", "Write")).toBe(true);
    expect(mayBeReadEvent("ssm:getparameter", "Read")).toBe(true);
    expect(mayBeReadEvent("ec2:createnetworkinterface", "Write")).toBe(false);
  });

  it("on a write-only trail, makes read actions unknowable and says so; writes stay unused", async () => {
    const { usage, byAction } = await labels([...background(150, false), ...functionWrites()]);
    expect(usage.coverage.managementEvents).toEqual([{ accountId: ACCT, events: 154, readEvents: 0, kmsEvents: 0, reads: "not-logged", kms: "unknown", writes: "logged", dataEvents: 0 }]);
    for (const a of ["ssm:GetParameter", "kms:Decrypt", "kms:GenerateDataKey"]) {
      expect(byAction.get(a)?.label, a).toBe("unknowable");
      expect(byAction.get(a)?.reason, a).toMatch(/no read event among the 154 management events of account 123456789012: the trail appears to log write events only/);
    }
    expect(byAction.get("sns:CreateTopic")?.label).toBe("used");
    for (const a of ["ssm:PutParameter", "ec2:CreateNetworkInterface"]) expect(byAction.get(a)?.label, a).toBe("unused");
  });

  it("with reads in the logs, read actions the function did not call are unused", async () => {
    const { usage, byAction } = await labels([...background(150, false), ...background(1, true), ...functionWrites()]);
    expect(usage.coverage.managementEvents?.[0]).toMatchObject({ reads: "logged", kms: "unknown" });
    expect(byAction.get("ssm:GetParameter")?.label).toBe("unused");
    expect(byAction.get("kms:Decrypt")?.label).toBe("unused");
  });

  it("on a trail that excludes AWS KMS events, makes kms actions unknowable only", async () => {
    const { usage, byAction } = await labels([...background(MIN_EVENTS_FOR_KMS, true), ...functionWrites()]);
    expect(usage.coverage.managementEvents?.[0]).toMatchObject({ reads: "logged", kms: "not-logged", kmsEvents: 0 });
    for (const a of ["kms:Decrypt", "kms:GenerateDataKey"]) expect(byAction.get(a)?.reason, a).toMatch(/no AWS KMS event among the 1004 management events .*exclude AWS KMS events/);
    expect(byAction.get("ssm:GetParameter")?.label).toBe("unused");
    // One KMS event from anyone in the account shows that the trail logs them.
    const logged = await labels([...background(MIN_EVENTS_FOR_KMS, true), ...background(1, true, "kms.amazonaws.com", "Decrypt"), ...functionWrites()]);
    expect(logged.byAction.get("kms:Decrypt")?.label).toBe("unused");
  });

  it("reads the same from the WebAssembly scanner and from JSON.parse (a record with an escape takes the slow path)", async () => {
    const records = [...background(150, false), ...functionWrites()];
    // A \u escape in a key sends that record through JSON.parse; readOnly must be read there too.
    const text = JSON.stringify({ Records: records }).replace('"readOnly":false', '"read\\u004fnly":false');
    const dir = mkdtempSync(join(tmpdir(), "lr-trail-gaps-"));
    writeFileSync(join(dir, "a.json"), text);
    const agg = await readUsage([join(dir, "a.json")]);
    expect(agg.coverage.management).toEqual([{ accountId: ACCT, events: 154, flagged: 154, reads: 0, kms: 0, dataEvents: 0 }]);
  });

  it("follows the configuration when it says what the trail logs (usage.readEventsLogged, usage.kmsEventsLogged)", async () => {
    // An account that truly calls no KMS: the user says the trail logs KMS events, so kms:Decrypt is unused.
    const kmsLogged = await labels([...background(MIN_EVENTS_FOR_KMS, true), ...functionWrites()], { kmsEventsLogged: true });
    expect(kmsLogged.usage.coverage.managementEvents?.[0]).toMatchObject({ kms: "logged", kmsEvents: 0 });
    expect(kmsLogged.byAction.get("kms:Decrypt")?.label).toBe("unused");
    // A trail the user knows to be write-only, with a few reads from another trail's files mixed in.
    const writeOnly = await labels([...background(150, false), ...background(2, true), ...functionWrites()], { readEventsLogged: false });
    expect(writeOnly.usage.coverage.managementEvents?.[0]).toMatchObject({ reads: "not-logged", readEvents: 2 });
    expect(writeOnly.byAction.get("ssm:GetParameter")).toMatchObject({ label: "unknowable", reason: "the configuration (usage.readEventsLogged) says the trail does not log read management events" });
    expect(writeOnly.byAction.get("ssm:PutParameter")?.label).toBe("unused");
  });

  // `aws cloudtrail get-event-selectors --trail-name …` output, as the CLI prints it.
  const TRAIL = `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/management`;
  const basic = (readWriteType: string, exclude: string[] = []) => ({ TrailARN: TRAIL, EventSelectors: [{ ReadWriteType: readWriteType, IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: exclude }] });
  const advanced = (fields: object[]) => ({ TrailARN: TRAIL, AdvancedEventSelectors: [{ Name: "Management events", FieldSelectors: [{ Field: "eventCategory", Equals: ["Management"] }, ...fields] }] });

  it("takes the trail's event selectors, given with the logs, over too few records to judge", async () => {
    expect(classifyHead(JSON.stringify(basic("WriteOnly"), null, 4))).toBe("usage");
    // 10 management events: too few to judge from the records, but the selectors say WriteOnly.
    // (31 below: one a day, so that the window is covered and an unlogged read is the only reason.)
    const writeOnly = await labels([...background(10, false), ...functionWrites()], {}, [basic("WriteOnly")]);
    expect(writeOnly.usage.coverage.managementEvents?.[0]).toMatchObject({ reads: "not-logged", statedBy: { reads: `the event selectors of ${TRAIL}`, kms: `the event selectors of ${TRAIL}` } });
    expect(writeOnly.byAction.get("ssm:GetParameter")).toMatchObject({ label: "unknowable", reason: `the event selectors of ${TRAIL} says the trail does not log read management events` });
    // Advanced selectors excluding AWS KMS events.
    const noKms = await labels([...background(31, true), ...functionWrites()], {}, [advanced([{ Field: "eventSource", NotEquals: ["kms.amazonaws.com"] }])]);
    expect(noKms.usage.coverage.managementEvents?.[0]).toMatchObject({ reads: "logged", kms: "not-logged" });
    expect(noKms.byAction.get("kms:Decrypt")?.reason).toBe(`the event selectors of ${TRAIL} says the trail excludes AWS KMS events`);
    expect(noKms.byAction.get("ssm:GetParameter")?.label).toBe("unused");
    // Basic selectors with KMS excluded; advanced ones for writes only.
    expect((await labels(functionWrites(), {}, [basic("All", ["kms.amazonaws.com"])])).usage.coverage.managementEvents?.[0]).toMatchObject({ reads: "logged", kms: "not-logged" });
    expect((await labels(functionWrites(), {}, [advanced([{ Field: "readOnly", Equals: ["false"] }])])).usage.coverage.managementEvents?.[0]).toMatchObject({ reads: "not-logged", kms: "logged" });
    // A full trail: both logged, even though these records hold no KMS event among 1,000.
    const full = await labels([...background(MIN_EVENTS_FOR_KMS, true), ...functionWrites()], {}, [basic("All")]);
    expect(full.usage.coverage.managementEvents?.[0]).toMatchObject({ reads: "logged", kms: "logged" });
    expect(full.byAction.get("kms:Decrypt")?.label).toBe("unused");
    // Two trails: the union of what they log.
    const both = await labels([...background(10, false), ...functionWrites()], {}, [basic("WriteOnly"), { ...basic("ReadOnly"), TrailARN: `${TRAIL}-reads` }]);
    expect(both.usage.coverage.managementEvents?.[0]).toMatchObject({ reads: "logged", statedBy: { reads: "the event selectors of 2 trails" } });
    // Selectors saying reads are logged give way to logs that show they are not (150 management
    // events, no read): the logs read are not that trail's, or not all of them (Athena over another
    // trail's bucket). A read missing from them is not a read not made.
    const contradicted = await labels([...background(150, false), ...functionWrites()], {}, [basic("All")]);
    expect(contradicted.usage.coverage.managementEvents?.[0]).toMatchObject({ reads: "not-logged", writes: "logged", statedBy: { writes: `the event selectors of ${TRAIL}`, kms: `the event selectors of ${TRAIL}` } });
    expect(contradicted.usage.coverage.managementEvents?.[0]?.statedBy?.reads).toBeUndefined();
    expect(contradicted.byAction.get("ssm:GetParameter")).toMatchObject({ label: "unknowable", reason: expect.stringMatching(/^no read event among the 154 management events/) });
    // The configuration's word is final, whatever the records show.
    const configuredLogged = await labels([...background(150, false), ...functionWrites()], { readEventsLogged: true });
    expect(configuredLogged.byAction.get("ssm:GetParameter")?.label).toBe("unused");
    // The configuration wins over the selectors.
    const configured = await labels([...background(10, false), ...functionWrites()], { readEventsLogged: true }, [basic("WriteOnly")]);
    expect(configured.usage.coverage.managementEvents?.[0]).toMatchObject({ reads: "logged" });
    // Per kind of event: the configuration on KMS, the selectors on reads.
    const mixed = await labels([...background(10, false), ...functionWrites()], { kmsEventsLogged: false }, [basic("WriteOnly")]);
    expect(mixed.usage.coverage.managementEvents?.[0]).toMatchObject({ reads: "not-logged", kms: "not-logged", statedBy: { reads: `the event selectors of ${TRAIL}`, kms: "the configuration (usage.kmsEventsLogged)" } });
  });

  it("on a read-only trail, makes write actions unknowable; reads stay judged", async () => {
    // 1,000 management events, all reads: not one write, though Lambda's CreateLogStream alone is one.
    const { usage, byAction } = await labels([...background(MIN_EVENTS_FOR_WRITES, true), ...background(2, true, "kms.amazonaws.com", "Decrypt")]);
    expect(usage.coverage.managementEvents?.[0]).toMatchObject({ reads: "logged", writes: "not-logged", kms: "logged" });
    for (const a of ["ssm:PutParameter", "sns:CreateTopic", "ec2:CreateNetworkInterface"]) {
      expect(byAction.get(a), a).toMatchObject({ label: "unknowable", reason: `no write event among the ${MIN_EVENTS_FOR_WRITES + 2} management events of account ${ACCT}: the trail appears to log read events only, so write calls are not in the logs` });
    }
    expect(byAction.get("ssm:GetParameter")?.label).toBe("unused");
    expect(byAction.get("kms:Decrypt")?.label).toBe("unused");
    expect(usage.coverage.managementEvents && trailGapWarnings(usage.coverage.managementEvents).map((w) => w.message)).toEqual([expect.stringContaining("the trail appears to log read events only")]);
    // Said by the selectors (ReadWriteType ReadOnly) or the configuration, however few the records.
    const bySelectors = await labels([...background(31, true)], {}, [basic("ReadOnly")]);
    expect(bySelectors.byAction.get("ssm:PutParameter")).toMatchObject({ label: "unknowable", reason: `the event selectors of ${TRAIL} says the trail does not log write management events` });
    const byConfig = await labels([...background(31, true)], { writeEventsLogged: false });
    expect(byConfig.usage.coverage.managementEvents?.[0]).toMatchObject({ writes: "not-logged", statedBy: { writes: "the configuration (usage.writeEventsLogged)" } });
    // One write shows that writes are logged.
    expect((await labels([...background(MIN_EVENTS_FOR_WRITES, true), ...functionWrites()])).byAction.get("ssm:PutParameter")?.label).toBe("unused");
  });

  it("on a trail of data events only, makes every management action unknowable", async () => {
    // The function's DynamoDB item writes every day, as a data-events trail delivers them; no management event.
    const items = Array.from({ length: MIN_EVENTS_FOR_READS + 24 }, (_, i) =>
      roleCallRecord({ account: ACCT, roleArn: ROLE, session: "orders-api", time: `2026-10-${String((i % 31) + 1).padStart(2, "0")}T10:${String(i % 60).padStart(2, "0")}:00Z`, source: "dynamodb", name: "PutItem", seq: ++seq, extra: { readOnly: false, managementEvent: false, eventCategory: "Data", resources: [{ type: "AWS::DynamoDB::Table", ARN: `arn:aws:dynamodb:us-east-1:${ACCT}:table/orders` }] } }),
    );
    const { usage, byAction } = await labels(items, { dataEventsLogged: true });
    expect(usage.coverage.managementEvents).toEqual([{ accountId: ACCT, events: 0, readEvents: 0, kmsEvents: 0, reads: "not-logged", writes: "not-logged", kms: "not-logged", dataEvents: items.length }]);
    expect(byAction.get("dynamodb:PutItem")?.label).toBe("used");
    for (const a of ["ssm:GetParameter", "ssm:PutParameter", "kms:Decrypt", "sns:CreateTopic", "ec2:CreateNetworkInterface"]) {
      expect(byAction.get(a), a).toMatchObject({ label: "unknowable", reason: `no management event among the ${items.length} records of account ${ACCT}, all data events: the trail appears to log no management events` });
    }
    // The selectors of such a trail say so too (IncludeManagementEvents false).
    const said = await labels(functionWrites(), {}, [{ TrailARN: TRAIL, EventSelectors: [{ ReadWriteType: "All", IncludeManagementEvents: false, DataResources: [{ Type: "AWS::DynamoDB::Table", Values: ["arn:aws:dynamodb"] }] }] }]);
    expect(said.usage.coverage.managementEvents?.[0]).toMatchObject({ reads: "not-logged", writes: "not-logged", kms: "not-logged" });
  });

  it("does not take network activity events (VPC endpoint calls) for management events, in either reader", async () => {
    // A trail logging data events and network activity events only. A network activity event is
    // written as CloudTrail writes it (eventType AwsVpceEvent, eventCategory NetworkActivity, no
    // readOnly, no managementEvent, the endpoint's ids); one the endpoint's policy refused too.
    const items = Array.from({ length: MIN_EVENTS_FOR_READS + 24 }, (_, i) =>
      roleCallRecord({ account: ACCT, roleArn: ROLE, session: "orders-api", time: `2026-10-${String((i % 31) + 1).padStart(2, "0")}T10:${String(i % 60).padStart(2, "0")}:00Z`, source: "dynamodb", name: "PutItem", seq: ++seq, extra: { readOnly: false, managementEvent: false, eventCategory: "Data", resources: [{ type: "AWS::DynamoDB::Table", ARN: `arn:aws:dynamodb:us-east-1:${ACCT}:table/orders` }] } }),
    );
    const vpce = (name: string, refused: boolean) => {
      const r = roleCallRecord({ account: ACCT, roleArn: ROLE, session: "orders-api", time: "2026-10-12T10:00:00Z", source: "ssm", name, seq: ++seq, extra: { eventVersion: "1.11", eventType: "AwsVpceEvent", eventCategory: "NetworkActivity", vpcEndpointId: "vpce-0a1b2c3d4e5f67890", vpcEndpointAccountId: ACCT, sharedEventID: `shared-${seq}`, ...(refused ? { errorCode: "VpceAccessDenied", errorMessage: "The request was denied due to a VPC endpoint policy" } : {}) } }) as Record<string, unknown>;
      delete r.readOnly;
      delete r.managementEvent;
      delete r.requestParameters;
      delete r.responseElements;
      return r;
    };
    const network = [...Array.from({ length: 40 }, () => vpce("GetParameter", false)), vpce("PutParameter", true)];
    const { usage, byAction } = await labels([...items, ...network], { dataEventsLogged: true });
    expect(usage.coverage.managementEvents).toEqual([{ accountId: ACCT, events: 0, readEvents: 0, kmsEvents: 0, reads: "not-logged", writes: "not-logged", kms: "not-logged", dataEvents: items.length }]);
    for (const a of ["ssm:GetParameter", "ssm:PutParameter", "sns:CreateTopic"]) {
      expect(byAction.get(a), a).toMatchObject({ label: "unknowable", reason: `no management event among the ${items.length} records of account ${ACCT}, all data events: the trail appears to log no management events` });
    }
    // The JSON.parse path (a \u escape in a key) reads them the same.
    const dir = mkdtempSync(join(tmpdir(), "lr-trail-gaps-"));
    writeFileSync(join(dir, "a.json"), JSON.stringify({ Records: [...items, ...network] }).replaceAll('"eventCategory":"NetworkActivity"', '"event\\u0043ategory":"NetworkActivity"'));
    const agg = await readUsage([join(dir, "a.json")]);
    expect(agg.coverage.management).toEqual([{ accountId: ACCT, events: 0, flagged: 0, reads: 0, kms: 0, dataEvents: items.length }]);
  });

  it("applies what the selectors say to the accounts of usage-query rows too, which are not counted record by record", async () => {
    // CloudTrail Lake rows (GetQueryResults), and the event data store's selectors: writes only.
    const t = "2026-10-05 10:00:00.000";
    const row = (cols: { [k: string]: string }) => Object.entries(cols).map(([k, v]) => ({ [k]: v }));
    const rows = [
      row({ row_kind: "coverage", account_id: ACCT, aws_region: "us-east-1", event_day: "2026-10-05", calls: "40", data_events: "0", first_seen: t, last_seen: t }),
      row({ row_kind: "usage", account_id: ACCT, role_arn: ROLE, session_name: "orders-api", aws_region: "us-east-1", event_source: "sns.amazonaws.com", event_name: "CreateTopic", version_id_present: "0", calls: "3", first_seen: t, last_seen: t }),
    ];
    const store = { EventDataStoreArn: `arn:aws:cloudtrail:us-east-1:${ACCT}:eventdatastore/EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE`, Name: "management-writes", Status: "ENABLED", AdvancedEventSelectors: [{ Name: "writes", FieldSelectors: [{ Field: "eventCategory", Equals: ["Management"] }, { Field: "readOnly", Equals: ["false"] }] }] };
    const dir = mkdtempSync(join(tmpdir(), "lr-trail-gaps-lake-"));
    writeFileSync(join(dir, "results.json"), JSON.stringify({ QueryStatus: "FINISHED", QueryResultRows: rows }));
    writeFileSync(join(dir, "event-data-store.json"), JSON.stringify(store, null, 4));
    const agg = await readUsage([join(dir, "results.json"), join(dir, "event-data-store.json")]);
    expect(agg.coverage.management).toEqual([]);
    const usage = labelUsage(agg, { roles: [role], functions: [fn] }, { asOf: "2026-11-01T00:00:00Z", windowDays: 30 });
    expect(usage.coverage.managementEvents).toEqual([
      { accountId: ACCT, events: 0, readEvents: 0, kmsEvents: 0, dataEvents: 0, reads: "not-logged", writes: "logged", kms: "logged", statedBy: { reads: `the event selectors of ${store.EventDataStoreArn}`, writes: `the event selectors of ${store.EventDataStoreArn}`, kms: `the event selectors of ${store.EventDataStoreArn}` } },
    ]);
  });

  it("names the configuration as the reason when it says so, even where the records alone hold no read (found in review)", async () => {
    // 35 management events, none a read: too few to judge. The reason must not claim the records showed it.
    const { usage, byAction } = await labels([...background(31, false), ...functionWrites()], { readEventsLogged: false });
    expect(usage.coverage.managementEvents?.[0]).toMatchObject({ reads: "not-logged", readEvents: 0, statedBy: { reads: "the configuration (usage.readEventsLogged)" } });
    expect(byAction.get("ssm:GetParameter")?.reason).toBe("the configuration (usage.readEventsLogged) says the trail does not log read management events");
  });
});
