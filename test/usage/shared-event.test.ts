/**
 * One cross-account call, delivered to the caller's account and to the key owner's (same
 * sharedEventID, own eventID and recipientAccountId), is one call in every reader: JSON.parse +
 * record-fields.ts, the JavaScript byte scanner, the WebAssembly scanner and the shipped Athena SQL
 * (run on DuckDB), whatever the file order and whether the copies share a file. Both accounts'
 * days stay in coverage: the owner's copy is still evidence that its trail logged that day.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { ATHENA_USAGE_QUERY, DUCKDB_TRINO_MACROS, LAKE_USAGE_QUERY, athenaToDuckDb, duckDbCloudTrailView, readUsage, renderUsageQuery } from "../../src/usage/index.js";
import type { UsageAggregate } from "../../src/usage/aggregate.js";
import type { ReadUsageOptions } from "../../src/usage/read-usage.js";
import { roleCallRecord } from "../support/cloudtrail-record.js";
import { CALLER, crossAccountDecrypt, KEY, OWNER, ROLE, withoutSessionContext } from "../support/shared-event-records.js";

type Rec = { [k: string]: unknown };
const READERS: [string, ReadUsageOptions][] = [
  ["JSON.parse", { workers: 1, fastScan: false }],
  ["JavaScript scanner", { workers: 1, fastScan: "js" }],
  ["WebAssembly scanner", { workers: 1 }],
];

let n = 0;
/** Each inner array is one S3-delivered file of the account named first; returns the paths in order. */
function files(contents: { account: string; records: Rec[] }[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), "leastrole-shared-"));
  return contents.map(({ account, records }) => {
    const p = join(dir, `${account}_CloudTrail_us-east-1_20261001T0815Z_f${n++}.json`);
    writeFileSync(p, JSON.stringify({ Records: records }));
    return p;
  });
}

function action(a: UsageAggregate, name: string): { count: number; deniedCount: number; resources: string[] } | undefined {
  for (const s of a.sessions) for (const x of s.actions) if (x.action === name) return x;
  return undefined;
}

const { caller, owner } = crossAccountDecrypt();
const DAY = ["2026-10-01"];

describe("the copies of one action sent to several accounts (sharedEventID)", () => {
  for (const [label, options] of READERS) {
    it(`${label}: one call, in one file or two, in either order; both accounts' days in coverage`, async () => {
      const layouts: string[][] = [
        files([{ account: CALLER, records: [caller, owner] }]),
        files([{ account: OWNER, records: [owner, caller] }]),
        files([{ account: CALLER, records: [caller] }, { account: OWNER, records: [owner] }]),
        files([{ account: OWNER, records: [owner] }, { account: CALLER, records: [caller] }]),
      ];
      const results = await Promise.all(layouts.map((paths) => readUsage(paths, options)));
      for (const a of results) {
        expect(action(a, "kms:Decrypt")).toMatchObject({ count: 1, deniedCount: 0, resources: [KEY] });
        expect(a.coverage.duplicatesRemoved).toBe(1);
        expect(a.coverage.recordsRead).toBe(2);
        expect(a.coverage.places).toEqual([
          { accountId: CALLER, region: "us-east-1", days: DAY },
          { accountId: OWNER, region: "us-east-1", days: DAY },
        ]);
        expect(a.coverage.accounts).toEqual([CALLER, OWNER]);
        expect(a.sessions.map((s) => s.roleArn)).toEqual([ROLE]);
      }
      // The same aggregate whatever the layout (file reports aside).
      const same = results.map(({ files: _f, ...rest }) => rest);
      for (const r of same) expect(r).toEqual(same[0]);
    });
  }

  it("a re-delivered copy is still a duplicate: 3 deliveries of the two copies are one call", async () => {
    for (const [, options] of READERS) {
      const a = await readUsage(files([{ account: CALLER, records: [caller] }, { account: OWNER, records: [owner, owner] }, { account: CALLER, records: [caller] }]), options);
      expect(action(a, "kms:Decrypt")?.count).toBe(1);
      expect(a.coverage.duplicatesRemoved).toBe(3);
    }
  });

  it("two calls with their own sharedEventIDs stay two; a refused call's copies are one refusal", async () => {
    const second = crossAccountDecrypt({ seq: 2, shared: "0d9c5f7e-1111-4222-8333-444455556666" });
    const refused = crossAccountDecrypt({ seq: 3, shared: "5b0c2a8e-7777-4888-9999-aaaabbbbcccc", errorCode: "AccessDenied", errorMessage: "Access denied" });
    for (const [, options] of READERS) {
      const a = await readUsage(files([{ account: CALLER, records: [caller, second.caller, refused.caller] }, { account: OWNER, records: [refused.owner, second.owner, owner] }]), options);
      expect(action(a, "kms:Decrypt")).toMatchObject({ count: 3, deniedCount: 1 });
      expect(a.coverage.duplicatesRemoved).toBe(3);
    }
  });

  it("a cross-account S3 data event (the bucket owner's copy too) is one GetObject", async () => {
    const rec = (eventID: string, recipient: string): Rec =>
      roleCallRecord({
        account: CALLER,
        roleArn: ROLE,
        session: "orders-fn",
        time: "2026-10-01T08:20:00Z",
        source: "s3",
        name: "GetObject",
        seq: 9,
        extra: {
          requestParameters: { bucketName: "owner-bucket", key: "in/a.json" },
          resources: [{ type: "AWS::S3::Object", ARN: "arn:aws:s3:::owner-bucket/in/a.json" }, { accountId: OWNER, type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::owner-bucket" }],
          eventID,
          managementEvent: false,
          recipientAccountId: recipient,
          sharedEventID: "3e1f0c55-aaaa-4bbb-8ccc-dddd00001111",
          eventCategory: "Data",
        },
      }) as Rec;
    for (const [, options] of READERS) {
      const a = await readUsage(files([{ account: OWNER, records: [rec("e-owner", OWNER)] }, { account: CALLER, records: [rec("e-caller", CALLER)] }]), options);
      expect(action(a, "s3:GetObject")?.count).toBe(1);
      // Data-event records count deliveries (as with re-deliveries): each account's trail logged one.
      expect(a.coverage.dataEventRecords).toBe(2);
    }
  });

  it("copies that fall in different groups: the caller's copy keeps the count, whatever the order", async () => {
    // The owner's copy without sessionContext: the role is rebuilt from the STS ARN, without its
    // path (attribution.ts), so the copy falls in another session's group.
    const bare = withoutSessionContext(owner);
    for (const [, options] of READERS) {
      const orders = [
        [caller, bare],
        [bare, caller],
      ];
      const results: UsageAggregate[] = [];
      for (const recs of orders) {
        results.push(await readUsage(files([{ account: CALLER, records: [recs[0] as Rec] }, { account: OWNER, records: [recs[1] as Rec] }]), options));
        results.push(await readUsage(files([{ account: CALLER, records: recs }]), options));
      }
      for (const a of results) {
        const counts = a.sessions.map((s) => [s.roleArn, s.actions.find((x) => x.action === "kms:Decrypt")?.count ?? 0]);
        expect(counts).toContainEqual([ROLE, 1]);
        expect(counts.reduce((t, [, c]) => t + (c as number), 0)).toBe(1);
      }
    }
  });

  it("records without sharedEventID: one eventID is one call, as before; distinct eventIDs are distinct calls", async () => {
    const plain = (r: Rec): Rec => {
      const { sharedEventID: _s, ...rest } = r;
      return rest;
    };
    for (const [, options] of READERS) {
      const a = await readUsage(files([{ account: CALLER, records: [plain(caller), plain(owner), plain(caller)] }]), options);
      expect(action(a, "kms:Decrypt")?.count).toBe(2);
      expect(a.coverage.duplicatesRemoved).toBe(1);
    }
  });

  it("an eventID equal to another record's sharedEventID is no copy of it", async () => {
    const other = { ...crossAccountDecrypt({ seq: 4 }).caller, eventID: String(caller.sharedEventID) } as Rec;
    delete other.sharedEventID;
    for (const [, options] of READERS) {
      const a = await readUsage(files([{ account: CALLER, records: [caller, other] }]), options);
      expect(action(a, "kms:Decrypt")?.count).toBe(2);
    }
  });

  it("the Athena SQL (on DuckDB) counts the call once and keeps both accounts' days, as the raw readers do", async () => {
    const refused = crossAccountDecrypt({ seq: 3, shared: "5b0c2a8e-7777-4888-9999-aaaabbbbcccc", errorCode: "AccessDenied", errorMessage: "Access denied" });
    for (const order of [
      [caller, owner, refused.owner, refused.caller, owner],
      [owner, refused.caller, caller, refused.owner, caller],
    ]) {
      const dir = mkdtempSync(join(tmpdir(), "leastrole-shared-sql-"));
      const logs = join(dir, `${CALLER}_CloudTrail_us-east-1_20261001T0815Z_org.json`);
      writeFileSync(logs, JSON.stringify({ Records: order }));
      const db = await DuckDBInstance.create(":memory:");
      const c = await db.connect();
      for (const m of DUCKDB_TRINO_MACROS) await c.run(m);
      await c.run(duckDbCloudTrailView(logs, "records"));
      const reader = await c.runAndReadAll(athenaToDuckDb(renderUsageQuery(ATHENA_USAGE_QUERY, { table: "cloudtrail_logs", start: "2000-01-01T00:00:00Z", end: "2100-01-01T00:00:00Z" })));
      const rows = reader.getRowObjectsJson() as { [k: string]: string | null }[];
      // The usage rows are the caller's copies.
      expect(rows.filter((r) => r.row_kind === "usage").map((r) => [r.account_id, r.calls])).toEqual([
        [CALLER, "1"],
        [CALLER, "1"],
      ]);
      const json = join(dir, "rows.json");
      writeFileSync(json, JSON.stringify(rows));
      const fromSql = await readUsage([json], { workers: 1 });
      const raw = await readUsage([logs], { workers: 1 });
      expect(fromSql.sessions).toEqual(raw.sessions);
      expect(action(fromSql, "kms:Decrypt")).toMatchObject({ count: 2, deniedCount: 1 });
      expect(fromSql.coverage.places).toEqual(raw.coverage.places);
      expect(fromSql.coverage.places.map((p) => p.accountId)).toEqual([CALLER, OWNER]);
    }
  });
  it("the CloudTrail Lake query (its window run on DuckDB) counts the copies once and every copy in coverage; events without sharedEventID as before", async () => {
    // Not Lake itself (a managed service): DuckDB with Lake's column names and types, and
    // date_format as strftime. What is checked is the query's dedup, not its resource columns.
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    for (const m of DUCKDB_TRINO_MACROS) await c.run(m);
    await c.run("CREATE OR REPLACE MACRO date_format(t, f) AS strftime(t, f)");
    await c.run(`CREATE TABLE eds (eventTime TIMESTAMP, eventSource VARCHAR, eventName VARCHAR, awsRegion VARCHAR, errorCode VARCHAR, errorMessage VARCHAR, eventID VARCHAR,
      sharedEventID VARCHAR, eventType VARCHAR, eventCategory VARCHAR, recipientAccountId VARCHAR, requestParameters MAP(VARCHAR, VARCHAR),
      userIdentity STRUCT(type VARCHAR, principalId VARCHAR, arn VARCHAR, accountId VARCHAR, invokedBy VARCHAR, sessionContext STRUCT(sessionIssuer STRUCT(arn VARCHAR))),
      resources STRUCT(arn VARCHAR)[])`);
    const ui = `{'type': 'AssumedRole', 'principalId': 'AROATFQR7NSCWWVLB7BES:orders-fn', 'arn': 'arn:aws:sts::${CALLER}:assumed-role/orders-role/orders-fn', 'accountId': '${CALLER}', 'invokedBy': NULL, 'sessionContext': {'sessionIssuer': {'arn': '${ROLE}'}}}`;
    const row = (id: string, shared: string | null, recipient: string): string =>
      `(TIMESTAMP '2026-10-01 08:15:42', 'kms.amazonaws.com', 'Decrypt', 'us-east-1', NULL, NULL, '${id}', ${shared === null ? "NULL" : `'${shared}'`}, 'AwsApiCall', 'Management', '${recipient}', MAP {'keyId': '${KEY}'}, ${ui}, [{'arn': '${KEY}'}])`;
    // One shared action (both copies), and two events without sharedEventID under one eventID (Lake rows are not deduplicated by eventID, as before).
    await c.run(`INSERT INTO eds VALUES ${[row("e-owner", "s1", OWNER), row("e-caller", "s1", CALLER), row("e3", null, CALLER), row("e3", null, CALLER)].join(", ")}`);
    const reader = await c.runAndReadAll(athenaToDuckDb(renderUsageQuery(LAKE_USAGE_QUERY, { table: "eds", start: "2000-01-01T00:00:00Z", end: "2100-01-01T00:00:00Z" })));
    const rows = reader.getRowObjectsJson() as { [k: string]: string | null }[];
    expect(rows.map((r) => [r.row_kind, r.account_id, r.calls]).sort()).toEqual([
      ["coverage", CALLER, "3"],
      ["coverage", OWNER, "1"],
      ["usage", CALLER, "3"],
    ]);
  });
});
