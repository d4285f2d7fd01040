/**
 * The Security Lake query (leastrole sql security-lake-usage), run with DuckDB over Parquet tables
 * of OCSF records made from real CloudTrail records by the mapping Security Lake documents
 * (src/usage/security-lake.ts; the OCSF mapping AWS published, ocsf/examples
 * mappings/markdown/AWS/v1.1.0/CloudTrail/API Activity/README.md, and the version 1 fields the
 * Security Lake user guide's and awslabs/aws-security-analytics-bootstrap's queries read): its rows
 * must give the usage the same records give read as CloudTrail files.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import {
  DUCKDB_SECURITY_LAKE_MACROS,
  DUCKDB_TRINO_MACROS,
  SECURITY_LAKE_USAGE_QUERY,
  SECURITY_LAKE_V1_USAGE_QUERY,
  USAGE_ROW_COLUMNS,
  readUsage,
  renderSecurityLakeQuery,
  securityLakeToDuckDb,
} from "../../src/usage/index.js";
import { denialRecords } from "../support/denial-records.js";
import { roleCallRecord } from "../support/cloudtrail-record.js";
import { packageRoot } from "../../src/evaluate/locate.js";
import { DDB_ITEM_CALLS } from "../../src/usage/ddb-items.js";
import { ocsfOf, securityLakeTable, type Rec } from "../support/security-lake-ocsf.js";
import { crossAccountDecrypt, KEY } from "../support/shared-event-records.js";

type Row = { [k: string]: string | null };

const SWEEP = join(__dirname, "../fixtures/cloudtrail-sweep/records.json");
const sweepRecords = (): Rec[] => (JSON.parse(readFileSync(SWEEP, "utf8")) as { Records: Rec[] }).Records;

interface Tables {
  management: Rec[];
  s3?: Rec[];
  lambda?: Rec[];
}

/** Write each source's OCSF records as a Parquet file, run the query on them, return its rows. */
async function runSecurityLake(tables: Tables, version: 1 | 2, dir: string, extra: { regions?: string[]; accounts?: string[] } = {}): Promise<Row[]> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  for (const m of [...DUCKDB_TRINO_MACROS, ...DUCKDB_SECURITY_LAKE_MACROS]) await c.run(m);
  const names: { [k: string]: string } = {};
  for (const [source, records] of Object.entries(tables) as [string, Rec[] | undefined][]) {
    if (records === undefined) continue;
    names[source] = `sl_${source}`;
    await securityLakeTable(c, records, version, dir, `sl_${source}`);
  }
  const sql = renderSecurityLakeQuery(version === 2 ? SECURITY_LAKE_USAGE_QUERY : SECURITY_LAKE_V1_USAGE_QUERY, {
    table: names.management as string,
    ...(names.s3 !== undefined ? { s3Table: names.s3 } : {}),
    ...(names.lambda !== undefined ? { lambdaTable: names.lambda } : {}),
    start: "2000-01-01T00:00:00Z",
    end: "2100-01-01T00:00:00Z",
    ...extra,
  });
  const reader = await c.runAndReadAll(securityLakeToDuckDb(sql));
  expect(reader.columnNames()).toEqual([...USAGE_ROW_COLUMNS]);
  return reader.getRowObjectsJson() as Row[];
}

/** The records as a CloudTrail file, and the Security Lake rows of the same records. */
async function bothWays(records: Rec[], version: 1 | 2, name: string): Promise<{ raw: Awaited<ReturnType<typeof readUsage>>; fromLake: Awaited<ReturnType<typeof readUsage>>; rows: Row[] }> {
  const dir = mkdtempSync(join(tmpdir(), `leastrole-seclake-${name}-`));
  const logs = join(dir, `111122223333_CloudTrail_us-east-1_20261005T0800Z_${name}.json`);
  writeFileSync(logs, JSON.stringify({ Records: records }));
  const rows = await runSecurityLake({ management: records }, version, dir);
  const json = join(dir, "rows.json");
  writeFileSync(json, JSON.stringify(rows));
  return { raw: await readUsage([logs], { workers: 1 }), fromLake: await readUsage([json], { workers: 1 }), rows };
}

describe("Security Lake aggregation SQL (run on DuckDB over OCSF Parquet)", () => {
  for (const version of [2, 1] as const) {
    it(`source version ${version}: the public CloudTrail records give the same usage through Security Lake as read as files`, async () => {
      // Each record its own event (the published examples reuse eventIDs), on both sides alike.
      const records = sweepRecords().map((r, i): Rec => ({ ...r, eventID: `${i}-${String(r.eventID)}` }));
      const { raw, fromLake } = await bothWays(records, version, `sweep-v${version}`);
      expect(fromLake.warnings).toEqual([]);
      expect(raw.sessions.length).toBeGreaterThanOrEqual(50);
      // A DynamoDB multi-item call (the guide's records, ct-59 to ct-62): version 2 keeps
      // requestParameters as JSON text, whose items the query reads (rp_requestitems) as the files
      // are read. Version 1 flattened them one key per leaf: counted whole from its rows, every
      // candidate action, of which the files' item by item are some, each alike.
      const whole = new Set(version === 2 ? [] : records.filter((r) => r.eventSource === "dynamodb.amazonaws.com" && DDB_ITEM_CALLS.has(String(r.eventName))).map((r) => String((r.userIdentity as Rec).principalId).split(":")[1]));
      for (const s of raw.sessions.filter((x) => whole.has(x.sessionName))) {
        const lake = fromLake.sessions.find((x) => x.sessionName === s.sessionName);
        for (const a of s.actions) expect(lake?.actions.find((b) => b.action === a.action), `${s.sessionName} ${a.action}`).toEqual(a);
      }
      const itemless = (sessions: typeof raw.sessions): typeof raw.sessions => sessions.filter((x) => !whole.has(x.sessionName));
      // An AssumeRole that passes session tags or a source identity (the IAM guide's ct-22, ct-23):
      // the files count sts:TagSession / sts:SetSourceIdentity from its request (session-tags.ts), and
      // so do version 2's rows (rp_sessiontags, from requestParameters as JSON text).
      const PASSED = new Set(["sts:TagSession", "sts:SetSourceIdentity"]);
      expect(raw.sessions.some((x) => x.actions.some((a) => PASSED.has(a.action)))).toBe(true);
      if (version === 2) expect(fromLake.sessions).toEqual(raw.sessions);
      else {
        expect(whole.size).toBeGreaterThan(0);
        // Version 1 flattened requestParameters one key per leaf: a list or set (EC2's instancesSet,
        // names, services) is not one value the row can hold, so a call naming its resources only
        // there is counted as naming none (unknown to generate and the labels), never on another ARN.
        // One whose resources[] names them (SSM GetParameters) is read from there, as the files are.
        const inResources = (r: Rec): boolean => Array.isArray(r.resources) && r.resources.length > 0;
        const listed = new Set(records.filter((r) => !inResources(r) && Object.keys((r.requestParameters ?? {}) as Rec).some((k) => ["instancesSet", "resourcesSet", "names", "services"].includes(k))).map((r) => String((r.userIdentity as Rec).principalId).split(":")[1]));
        expect(listed.size).toBeGreaterThan(0);
        const unnamed = raw.sessions.map((s) =>
          listed.has(s.sessionName) ? { ...s, actions: s.actions.map((a) => (a.resources.length > 0 ? { ...a, resources: [], unnamedCalls: a.count } : a)) } : s,
        );
        // Version 1 flattened the AssumeRole's request too: its rows count sts:AssumeRole alone (the
        // other two stay "unknowable", not-logged.ts, never unused).
        const passless = unnamed.map((x) => ({ ...x, actions: x.actions.filter((a) => !PASSED.has(a.action)) }));
        expect(itemless(fromLake.sessions)).toEqual(itemless(passless));
      }
      expect(fromLake.coverage.accounts).toEqual(raw.coverage.accounts);
      expect(fromLake.coverage.regions).toEqual(raw.coverage.regions);
      expect(fromLake.coverage.days).toEqual(raw.coverage.days);
      expect([fromLake.coverage.firstEvent, fromLake.coverage.lastEvent]).toEqual([raw.coverage.firstEvent, raw.coverage.lastEvent]);
    });
  }

  it("counts a refusal by its message, and the Account Change and Authentication classes' calls, as the files do", async () => {
    // An AssumeRole (Authentication, 3002) and a PutRolePolicy (Account Change, 3001) by a function:
    // a query of API Activity (6003) alone would miss them and call sts:AssumeRole unused.
    const ROLE = "arn:aws:iam::111122223333:role/deploy-role";
    const call = (seq: number, source: string, name: string, extra: Rec): Rec =>
      roleCallRecord({ account: "111122223333", roleArn: ROLE, session: "deploy-fn", time: `2026-10-0${seq - 99}T08:00:00Z`, source, name, seq, region: "us-east-1", extra }) as Rec;
    const READ = "arn:aws:iam::444455556666:role/cross-account-read";
    const classes = [
      // AssumeRole's record names the role in resources[] (IAM user guide, CloudTrail AssumeRole examples).
      call(101, "sts", "AssumeRole", { requestParameters: { roleArn: READ, roleSessionName: "deploy-fn" }, resources: [{ ARN: READ, accountId: "444455556666", type: "AWS::IAM::Role" }] }),
      call(102, "iam", "PutRolePolicy", { requestParameters: { roleName: "worker-role", policyName: "inline", policyDocument: "{}" } }),
    ];
    expect(classes.map((r) => (ocsfOf(r, 2) as { class_uid: number }).class_uid)).toEqual([3002, 3001]);
    // A transaction refused the UpdateItem of one of its items: counted under that action and table
    // alone (ddb-items.ts refusedItemOf), not as every TransactWriteItems candidate on both tables.
    const tableArn = (t: string): string => `arn:aws:dynamodb:us-east-1:111122223333:table/${t}`;
    const transaction = call(103, "dynamodb", "TransactWriteItems", {
      readOnly: false, managementEvent: false, eventCategory: "Data", errorCode: "AccessDeniedException",
      errorMessage: `User: arn:aws:sts::111122223333:assumed-role/deploy-role/deploy-fn is not authorized to perform: dynamodb:UpdateItem on resource: ${tableArn("inventory")} because no identity-based policy allows the dynamodb:UpdateItem action`,
      requestParameters: { requestItems: [{ operation: "Put", tableName: "orders" }, { operation: "Update", tableName: "inventory" }] },
      resources: ["orders", "inventory"].map((t) => ({ accountId: "111122223333", type: "AWS::DynamoDB::Table", ARN: tableArn(t) })),
    });
    const { raw, fromLake, rows } = await bothWays([...(denialRecords() as Rec[]), ...classes, transaction], 2, "denials");
    expect(fromLake.sessions).toEqual(raw.sessions);
    expect(rows.some((r) => r.error_message !== null)).toBe(true);
    const deploy = fromLake.sessions.find((x) => x.sessionName === "deploy-fn");
    expect(deploy?.actions.map((a) => [a.action, a.resources, a.deniedCount])).toEqual([
      ["dynamodb:UpdateItem", [tableArn("inventory")], 1],
      ["iam:PutRolePolicy", ["arn:aws:iam::111122223333:role/*/worker-role", "arn:aws:iam::111122223333:role/worker-role"], 0],
      ["sts:AssumeRole", ["arn:aws:iam::444455556666:role/cross-account-read"], 0],
    ]);
  });

  it("names the index a PartiQL SELECT reads (rp_statement: the verb and the FROM name), as the files do", async () => {
    const T = "arn:aws:dynamodb:us-east-1:111122223333:table/orders";
    const rec = (seq: number, statement: string): Rec =>
      roleCallRecord({ account: "111122223333", roleArn: "arn:aws:iam::111122223333:role/r", session: "fn", time: "2026-10-05T08:00:00Z", source: "dynamodb", name: "ExecuteStatement", seq, extra: { requestParameters: { statement }, resources: [{ accountId: "111122223333", type: "AWS::DynamoDB::Table", ARN: T }] } }) as Rec;
    const { raw, fromLake } = await bothWays([rec(1, `SELECT * FROM "orders"."byDay" WHERE day = 'FROM x'`), rec(2, "UPDATE orders SET a = ***(Redacted) WHERE id = 'k'")], 2, "partiql-index");
    expect(raw.sessions[0]?.actions.map((a) => [a.action, a.resources])).toEqual([
      ["dynamodb:PartiQLSelect", [T, `${T}/index/byDay`]],
      ["dynamodb:PartiQLUpdate", [T]],
    ]);
    expect(fromLake.sessions).toEqual(raw.sessions);
  });

  it("counts the copies of one cross-account call (one sharedEventID, in unmapped) once, as the files do", async () => {
    // Security Lake keeps each account's copy (its own eventID, metadata.uid), sharedEventID in unmapped.
    const { caller, owner } = crossAccountDecrypt();
    const { raw, fromLake } = await bothWays([owner as Rec, caller as Rec], 2, "shared");
    expect(fromLake.sessions).toEqual(raw.sessions);
    const decrypt = fromLake.sessions.flatMap((x) => x.actions).filter((a) => a.action === "kms:Decrypt");
    expect(decrypt.map((a) => [a.count, a.resources])).toEqual([[1, [KEY]]]);
    expect(fromLake.coverage.places).toEqual(raw.coverage.places);
  });

  it("says data events are unknown from the management events table alone, and present when the S3 data events table has some", async () => {
    const ROLE = "arn:aws:iam::111122223333:role/intake-role";
    const call = (seq: number, source: string, name: string, extra: Rec): Rec =>
      roleCallRecord({ account: "111122223333", roleArn: ROLE, session: "intake-fn", time: `2026-10-0${1 + (seq % 5)}T08:00:00Z`, source, name, seq, region: "eu-west-1", extra }) as Rec;
    const management = [call(1, "sqs", "ReceiveMessage", { requestParameters: { queueUrl: "https://sqs.eu-west-1.amazonaws.com/111122223333/intake" } })];
    const getObject = call(2, "s3", "GetObject", {
      eventCategory: "Data", managementEvent: false, readOnly: true,
      requestParameters: { bucketName: "intake", key: "2026/a.pdf", Host: "intake.s3.eu-west-1.amazonaws.com" },
      resources: [{ type: "AWS::S3::Object", ARN: "arn:aws:s3:::intake/2026/a.pdf" }, { accountId: "111122223333", type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::intake" }],
    });
    const dir = mkdtempSync(join(tmpdir(), "leastrole-seclake-data-"));
    const alone = join(dir, "management-rows.json");
    writeFileSync(alone, JSON.stringify(await runSecurityLake({ management }, 2, mkdtempSync(join(dir, "m-")))));
    const both = join(dir, "with-s3-rows.json");
    const rows = await runSecurityLake({ management, s3: [getObject] }, 2, mkdtempSync(join(dir, "s-")));
    writeFileSync(both, JSON.stringify(rows));
    expect(rows.filter((r) => r.row_kind === "coverage").map((r) => [r.event_day, r.calls, r.data_events])).toEqual(expect.arrayContaining([["2026-10-03", "1", "1"]]));
    const logs = join(dir, "111122223333_CloudTrail_eu-west-1_20261005T0800Z_data.json");
    writeFileSync(logs, JSON.stringify({ Records: [...management, getObject] }));
    const raw = await readUsage([logs], { workers: 1 });
    const fromLake = await readUsage([both], { workers: 1 });
    expect(fromLake.sessions).toEqual(raw.sessions);
    expect(fromLake.coverage.dataEventRecords).toBe(1);
    expect((await readUsage([alone], { workers: 1 })).coverage.dataEventRecords).toBe(0);
  });

  it("renders the tables, the window and the partition predicates, drops a data-event source not given, and refuses values that would break out of the SQL", () => {
    const q = renderSecurityLakeQuery(SECURITY_LAKE_USAGE_QUERY, { table: "db.mgmt", s3Table: "db.s3", start: "2026-10-01T00:00:00Z", end: "2026-10-31T00:00:00Z", regions: ["us-east-1", "eu-west-1"], accounts: ["111122223333"] });
    expect(q).not.toMatch(/\{\{|\/\*scope\*\//);
    expect(q).toContain("FROM db.mgmt\n  WHERE time_dt >= from_iso8601_timestamp('2026-10-01T00:00:00Z') AND time_dt < from_iso8601_timestamp('2026-10-31T00:00:00Z')");
    expect(q).toContain("AND region IN ('us-east-1', 'eu-west-1') AND accountid IN ('111122223333')");
    expect(q).toContain("FROM db.s3");
    expect(q).not.toContain("-- source: lambda");
    const v1 = renderSecurityLakeQuery(SECURITY_LAKE_V1_USAGE_QUERY, { table: "db.mgmt", start: "2026-10-01T00:00:00Z", end: "2026-10-31T00:00:00Z" });
    expect(v1).toContain("eventday >= date_format(from_iso8601_timestamp('2026-10-01T00:00:00Z'), '%Y%m%d')");
    expect(v1).not.toContain("-- source: s3");
    const o = { table: "x", start: "2026-10-01T00:00:00Z", end: "2026-10-31T00:00:00Z" };
    expect(() => renderSecurityLakeQuery(SECURITY_LAKE_USAGE_QUERY, { ...o, start: "2026' OR 1=1 --" })).toThrow(/not ISO 8601/);
    expect(() => renderSecurityLakeQuery(SECURITY_LAKE_USAGE_QUERY, { ...o, table: "x; drop" })).toThrow(/not allowed/);
    expect(() => renderSecurityLakeQuery(SECURITY_LAKE_USAGE_QUERY, { ...o, regions: ["us-east-1') OR ('1"] })).toThrow(/not a Region/);
    expect(() => renderSecurityLakeQuery(SECURITY_LAKE_USAGE_QUERY, { ...o, accounts: ["1111"] })).toThrow(/12-digit/);
    // A window that ends where or before it starts selects nothing (before: printed, exit 0).
    expect(() => renderSecurityLakeQuery(SECURITY_LAKE_USAGE_QUERY, { ...o, start: "2026-11-01T00:00:00Z", end: "2026-10-01T00:00:00Z" })).toThrow(/--end must be after --start/);
    expect(() => renderSecurityLakeQuery(SECURITY_LAKE_USAGE_QUERY, { ...o, end: o.start })).toThrow(/--end must be after --start/);
    expect(() => renderSecurityLakeQuery(SECURITY_LAKE_USAGE_QUERY, { ...o, start: "2026-02-30T00:00:00Z" })).toThrow(/not ISO 8601/);
  });
});

describe("leastrole audit of the demo account through Security Lake", () => {
  it("gives the findings, usage and labels that the same CloudTrail records give as files", async () => {
    const root = packageRoot();
    const cli = join(root, "dist", "cli.js");
    const demo = join(root, "examples", "demo-account");
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith(".json.gz") && files.push(join(d, e.name));
    };
    walk(join(demo, "cloudtrail"));
    const all = files.sort().flatMap((f) => (JSON.parse(gunzipSync(readFileSync(f)).toString("utf8")) as { Records: Rec[] }).Records);
    // What Security Lake keeps of them: management events, and S3 data events in their own source.
    // It collects no DynamoDB or SQS data events (the demo trail logs both), so those are left out
    // on both sides; the trail's event selectors, which say it logs them, are not given either.
    const management = all.filter((r) => r.eventCategory !== "Data");
    const s3 = all.filter((r) => r.eventCategory === "Data" && r.eventSource === "s3.amazonaws.com");
    expect([management.length, s3.length]).toEqual([32, 80]);
    const dir = mkdtempSync(join(tmpdir(), "leastrole-seclake-demo-"));
    const viaFiles = join(dir, "files");
    const viaLake = join(dir, "lake");
    for (const d of [viaFiles, viaLake]) {
      cpSync(join(demo, "iam"), join(d, "iam"), { recursive: true });
      cpSync(join(demo, "lambda"), join(d, "lambda"), { recursive: true });
    }
    writeFileSync(join(viaFiles, "111122223333_CloudTrail_us-east-1_20261127T2355Z_seclake.json"), JSON.stringify({ Records: [...management, ...s3] }));
    writeFileSync(join(viaLake, "security-lake-rows.json"), JSON.stringify(await runSecurityLake({ management, s3 }, 2, dir)));
    const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 1 << 28 });
    // The same inputs in two folders: the files' paths are the folders'.
    const out = (args: string[], folder: string): { status: number | null; json: unknown; stderr: string } => {
      const r = run([...args, folder]);
      return { status: r.status, json: JSON.parse(r.stdout.replaceAll(folder, "<inputs>")) as unknown, stderr: r.stderr.replaceAll(folder, "<inputs>") };
    };
    type Doc = { usage: { principals: unknown[]; coverage: { dataEvents: unknown; partial: unknown; days: unknown } }; functions: unknown[] };
    const a = out(["normalize"], viaFiles);
    const b = out(["normalize"], viaLake);
    expect([b.status, b.stderr]).toEqual([a.status, a.stderr]);
    const da = a.json as Doc;
    const db = b.json as Doc;
    expect(da.usage.principals.length).toBeGreaterThan(0);
    expect(db.usage.principals).toEqual(da.usage.principals);
    expect([db.usage.coverage.partial, db.usage.coverage.days, db.usage.coverage.dataEvents]).toEqual([da.usage.coverage.partial, da.usage.coverage.days, "present"]);
    // The labels (used, unused, unknowable, too new) of every function's permissions.
    expect(db.functions).toEqual(da.functions);
    const fa = out(["audit", "--format", "json"], viaFiles);
    const fb = out(["audit", "--format", "json"], viaLake);
    expect(fb.status).toBe(fa.status);
    type Report = { findings: { ruleId: string }[]; summary: { partial: boolean } };
    expect((fa.json as Report).findings.filter((f) => f.ruleId === "LR008").length).toBeGreaterThan(0);
    expect((fb.json as Report).findings).toEqual((fa.json as Report).findings);
  });
});
