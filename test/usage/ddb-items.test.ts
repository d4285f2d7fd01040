/**
 * DynamoDB calls that carry several items (src/usage/ddb-items.ts): each item counted by the action
 * its operation or statement needs, on the table it names, in every record reader; the labels and
 * the policy `generate` writes follow.
 *
 * The expectations come from AWS's documentation, not from leastrole's output:
 * - DynamoDB developer guide, "Logging DynamoDB operations by using AWS CloudTrail"
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/logging-using-cloudtrail.html):
 *   TransactWriteItems records list `requestItems: [{"operation": "Put", "tableName": …}, …]`,
 *   BatchExecuteStatement and ExecuteTransaction records `requestItems: [{"statement": …}]` (the
 *   published records are test/fixtures/cloudtrail-sweep, ct-59 to ct-62; the records here are of
 *   that shape, with other tables).
 * - Service Authorization Reference, "Actions, resources, and condition keys for Amazon DynamoDB"
 *   (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html)
 *   and the API reference's TransactWriteItems: a Put item is authorised by dynamodb:PutItem on its
 *   table, Update by UpdateItem, Delete by DeleteItem, ConditionCheck by ConditionCheckItem.
 * - "IAM security policies with PartiQL for DynamoDB"
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-iam.html): a statement is
 *   authorised by dynamodb:PartiQLSelect / Insert / Update / Delete "on the table or index";
 *   "PartiQL select statements for DynamoDB" (ql-reference.select.html): `FROM table[.index]`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { auditDocument } from "../../src/audit/index.js";
import { generatePolicy } from "../../src/generate/index.js";
import { emptyRoleFacts, evaluateRequest, loadActionCatalogSync } from "../../src/iam/index.js";
import type { PolicyDocument } from "../../src/model/document.js";
import { labelUsage, readUsage } from "../../src/usage/index.js";
import { copyFingerprint, itemFingerprint, refusedHalfFingerprint, sharedFingerprint } from "../../src/usage/accumulate.js";
import { DDB_ITEM_EVENT_NAMES, ddbItems, refusedItemOf } from "../../src/usage/ddb-items.js";
import { eventToActions } from "../../src/usage/event-actions.js";
import { roleCallRecord } from "../support/cloudtrail-record.js";
import { athenaRows, writeRows } from "../support/athena-rows.js";
import { ACCOUNT, document, fnArn, lambdaFunction, REGION, role, roleArn } from "../generate/fixtures.js";

const DDB = "dynamodb.amazonaws.com";
const ROLE = roleArn("orders-role");
const table = (name: string): string => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;

/** A DynamoDB data event of `fn`'s session, as CloudTrail writes one (resources[]: every table the call names). */
function ddbRecord(fn: string, seq: number, name: string, requestItems: unknown, tables: string[], extra: { [k: string]: unknown } = {}): object {
  return roleCallRecord({
    account: ACCOUNT,
    roleArn: ROLE,
    session: fn,
    time: `2026-10-0${1 + (seq % 9)}T12:00:00Z`,
    source: "dynamodb",
    name,
    seq,
    region: REGION,
    extra: { requestParameters: { requestItems, returnConsumedCapacity: "TOTAL" }, readOnly: false, managementEvent: false, eventCategory: "Data", resources: tables.map((t) => ({ accountId: ACCOUNT, type: "AWS::DynamoDB::Table", ARN: table(t) })), ...extra },
  });
}

/** One IAM user's call per day of October 2026: the logs cover the whole window (as test/usage/labels.test.ts does). */
function background(): object[] {
  return Array.from({ length: 31 }, (_, d) => ({
    eventVersion: "1.08",
    userIdentity: { type: "IAMUser", principalId: "AIDATFQR7NSC5U6Q3TMDR", arn: `arn:aws:iam::${ACCOUNT}:user/benjamin`, accountId: ACCOUNT, userName: "benjamin" },
    eventTime: `2026-10-${String(d + 1).padStart(2, "0")}T08:00:00Z`,
    eventSource: "iam.amazonaws.com",
    eventName: "ListRoles",
    awsRegion: REGION,
    eventID: `bg-${d}`,
    eventType: "AwsApiCall",
    recipientAccountId: ACCOUNT,
  }));
}

function fileOf(records: object[]): string {
  const path = join(mkdtempSync(join(tmpdir(), "leastrole-ddb-items-")), "records.json");
  writeFileSync(path, JSON.stringify({ Records: records }));
  return path;
}

/**
 * The usage of a file of records read by the WebAssembly scanner, held equal to the JavaScript
 * scanner's, the full parser's, and that of the Athena query's rows over the same file (run on
 * DuckDB; as JSON and as Athena's CSV download).
 */
async function everyReader(path: string): Promise<Awaited<ReturnType<typeof readUsage>>> {
  const wasm = await readUsage([path], { workers: 1 });
  for (const fastScan of ["js", false] as const) expect((await readUsage([path], { workers: 1, fastScan })).sessions, String(fastScan)).toEqual(wasm.sessions);
  const rows = writeRows(mkdtempSync(join(tmpdir(), "leastrole-ddb-items-rows-")), await athenaRows(path));
  for (const p of [rows.json, rows.csv]) {
    const fromRows = await readUsage([p], { workers: 1 });
    expect(fromRows.warnings, p).toEqual([]);
    expect(fromRows.sessions, p).toEqual(wasm.sessions);
  }
  return wasm;
}

/** Per function: action → [calls, sorted resources], in every reader (everyReader). */
async function actionsByFunction(path: string): Promise<{ [fn: string]: { [action: string]: [number, string[]] } }> {
  const wasm = await everyReader(path);
  return Object.fromEntries(wasm.sessions.map((s) => [s.sessionName, Object.fromEntries(s.actions.map((a) => [a.action, [a.count, [...a.resources].sort()]]))]));
}

const RECORDS = [
  // Put items on two tables: PutItem on both, nothing else.
  ddbRecord("tx-put-only", 1, "TransactWriteItems", [
    { operation: "Put", tableName: "orders", key: { id: "1" }, items: ["id", "total"] },
    { operation: "Put", TableName: "audit", key: { id: "2" }, items: ["id"] },
  ], ["orders", "audit"]),
  // Put on orders, Update on inventory: not both on both.
  ddbRecord("tx-two-tables", 2, "TransactWriteItems", [
    { operation: "Put", tableName: "orders", key: { id: "1" } },
    { operation: "Update", tableName: "inventory", key: { sku: "a" }, updateExpression: "SET #Q = :q" },
  ], ["orders", "inventory"]),
  // A table by ARN (TransactWriteItems takes a name or an ARN), another account's, in no resources[].
  ddbRecord("tx-arn", 3, "TransactWriteItems", [{ operation: "Delete", tableName: "arn:aws:dynamodb:us-east-1:444455556666:table/shared" }, { operation: "ConditionCheck", tableName: "orders" }], ["orders"]),
  // Statements: a SELECT on an index (quoted), an INSERT.
  ddbRecord("batch-statements", 4, "BatchExecuteStatement", [
    { statement: `SELECT * FROM "orders"."byDay" WHERE day = '2026-10-01'` },
    { statement: "INSERT INTO audit VALUE {'id' : ***(Redacted), 'at' : ***(Redacted)}" },
  ], ["orders", "audit"]),
  ddbRecord("transaction-statements", 5, "ExecuteTransaction", [
    { statement: "UPDATE inventory SET qty = ***(Redacted) WHERE sku = 'a'" },
    { statement: "delete from orders where id = 'FROM audit'" },
  ], ["inventory", "orders"]),
  // Unreadable items: every candidate, on resources[], as before items were read.
  ddbRecord("tx-no-operation", 6, "TransactWriteItems", [{ operation: "Put", tableName: "orders" }, { tableName: "orders" }], ["orders"]),
  ddbRecord("tx-truncated", 7, "TransactWriteItems", "***(Truncated)", ["orders"]),
  ddbRecord("batch-unknown-verb", 8, "BatchExecuteStatement", [{ statement: "SELECT * FROM orders" }, { statement: "EXISTS(SELECT * FROM orders WHERE id = 'x')" }], ["orders"]),
  ddbRecord("tx-no-table", 9, "TransactWriteItems", [{ operation: "Put", key: { id: "1" } }], ["orders"]),
  // BatchWriteItem's requestItems is keyed by table (DynamoDB API reference, BatchWriteItem); the
  // call is authorised by dynamodb:BatchWriteItem whatever its PutRequest and DeleteRequest items
  // (Service Authorization Reference, "API operations defined by Amazon DynamoDB"): on resources[].
  ddbRecord("batch-write", 10, "BatchWriteItem", { orders: [{ PutRequest: { Item: ["id"] } }], audit: [{ DeleteRequest: { Key: { id: "1" } } }] }, ["orders", "audit"]),
];

const ALL_WRITES = ["dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"];

describe("DynamoDB multi-item calls, item by item", () => {
  it("reads each item's action and table from the published record shapes", () => {
    const published = (JSON.parse(readFileSync(join(__dirname, "../fixtures/cloudtrail-sweep/records.json"), "utf8")) as { Records: { eventName: string; eventSource: string; requestParameters: { requestItems: unknown } }[] }).Records;
    const tx = published.find((r) => r.eventName === "TransactWriteItems") as (typeof published)[number];
    // The guide's record writes tableName on two items and TableName on the other two: all four are read.
    expect(ddbItems(tx.eventSource, tx.eventName, tx.requestParameters.requestItems)).toEqual(["Put", "Update", "Delete", "ConditionCheck"].map((o) => ({ eventName: `TransactWriteItems (${o})`, table: "Music", index: null })));
    const batch = published.find((r) => r.eventName === "BatchExecuteStatement") as (typeof published)[number];
    expect(ddbItems(batch.eventSource, batch.eventName, batch.requestParameters.requestItems)).toEqual([
      { eventName: "BatchExecuteStatement (UPDATE)", table: "Music", index: null },
      { eventName: "BatchExecuteStatement (INSERT)", table: "Music", index: null },
    ]);
  });

  it("reads a statement's table: FROM, INTO, UPDATE, quoted names, an index; unreadable ones give null", () => {
    const one = (statement: string): unknown => ddbItems(DDB, "ExecuteTransaction", [{ statement }])?.map((i) => [i.eventName, i.table, i.index]) ?? null;
    expect(one(`SELECT a, "from" FROM "Music" WHERE x = 'FROM y'`)).toEqual([["ExecuteTransaction (SELECT)", "Music", null]]);
    expect(one(`SELECT * FROM "Music"."ArtistIndex"`)).toEqual([["ExecuteTransaction (SELECT)", "Music", "ArtistIndex"]]);
    // Unquoted `a.b`: an index of a, or a table named a.b (table names may hold dots): both.
    expect(one("SELECT * FROM Music.ArtistIndex")).toEqual([["ExecuteTransaction (SELECT)", "Music.ArtistIndex", null], ["ExecuteTransaction (SELECT)", "Music", "ArtistIndex"]]);
    expect(one(`INSERT INTO "odd ""name""" VALUE {'a' : 1}`)).toEqual([["ExecuteTransaction (INSERT)", 'odd "name"', null]]);
    expect(one("  update Music SET a = 1")).toEqual([["ExecuteTransaction (UPDATE)", "Music", null]]);
    expect(one("DELETE FROM Music WHERE Artist = 'x'")).toEqual([["ExecuteTransaction (DELETE)", "Music", null]]);
    for (const bad of ["EXISTS(SELECT * FROM Music)", "SELECTED * FROM Music", "SELECT * WHERE a = 1", "SELECT * FROM a.b.c", "SELECT 'unterminated FROM Music", "UPDATE", `SELECT * FROM ""`]) expect(one(bad), bad).toBeNull();
    // Not a list of objects, an empty list, another call or service: null (every candidate counts).
    for (const [source, name, items] of [[DDB, "TransactWriteItems", []], [DDB, "TransactWriteItems", "***"], [DDB, "TransactWriteItems", [null]], [DDB, "TransactWriteItems", [{ operation: "Get", tableName: "t" }]], [DDB, "BatchWriteItem", [{ operation: "Put", tableName: "t" }]], ["rds-data.amazonaws.com", "BatchExecuteStatement", [{ statement: "SELECT 1 FROM t" }]]] as const) expect(ddbItems(source, name, items), `${name} ${JSON.stringify(items)}`).toBeNull();
  });

  it("reads the item action a refusal's message names, only for a refusal of these calls", () => {
    const message = (action: string): string => `User: arn:aws:sts::${ACCOUNT}:assumed-role/orders-role/fn is not authorized to perform: ${action} on resource: ${table("orders")} with an explicit deny in a service control policy`;
    expect(refusedItemOf(DDB, "TransactWriteItems", "AccessDeniedException", message("dynamodb:ConditionCheckItem"))).toEqual({ eventName: "TransactWriteItems (ConditionCheck)", resource: table("orders") });
    expect(refusedItemOf(DDB, "ExecuteTransaction", "AccessDeniedException", message("dynamodb:PartiQLDelete"))).toEqual({ eventName: "ExecuteTransaction (DELETE)", resource: table("orders") });
    // No resource named: the action alone.
    expect(refusedItemOf(DDB, "BatchExecuteStatement", "AccessDenied", "User: x is not authorized to perform: dynamodb:PartiQLSelect")).toEqual({ eventName: "BatchExecuteStatement (SELECT)", resource: null });
    // Another call's action, a name that is no action, a verb's action for a transaction, another
    // call, another service, a code that is no refusal, no message: null (counted whole).
    for (const [source, name, code, msg] of [
      [DDB, "TransactWriteItems", "AccessDeniedException", message("dynamodb:GetItem")],
      [DDB, "TransactWriteItems", "AccessDeniedException", message("dynamodb:constructor")],
      [DDB, "TransactWriteItems", "AccessDeniedException", message("dynamodb:PartiQLInsert")],
      [DDB, "BatchExecuteStatement", "AccessDeniedException", message("dynamodb:PutItem")],
      [DDB, "BatchWriteItem", "AccessDeniedException", message("dynamodb:PutItem")],
      ["rds-data.amazonaws.com", "BatchExecuteStatement", "AccessDeniedException", message("dynamodb:PartiQLSelect")],
      [DDB, "TransactWriteItems", "TransactionCanceledException", message("dynamodb:PutItem")],
      [DDB, "TransactWriteItems", "AccessDeniedException", null],
    ] as const) expect(refusedItemOf(source, name, code, msg), `${name} ${code} ${msg}`).toBeNull();
  });

  it("maps every item event name to its one action; each has a dedup fingerprint of its own", () => {
    expect(DDB_ITEM_EVENT_NAMES.map((n) => [n, eventToActions(DDB, n).actions])).toEqual([
      ["TransactWriteItems (Put)", ["dynamodb:PutItem"]],
      ["TransactWriteItems (Update)", ["dynamodb:UpdateItem"]],
      ["TransactWriteItems (Delete)", ["dynamodb:DeleteItem"]],
      ["TransactWriteItems (ConditionCheck)", ["dynamodb:ConditionCheckItem"]],
      ...["BatchExecuteStatement", "ExecuteTransaction"].flatMap((c) => ["SELECT", "INSERT", "UPDATE", "DELETE"].map((v) => [`${c} (${v})`, [`dynamodb:PartiQL${v[0]}${v.slice(1).toLowerCase()}`]])),
    ]);
    // No item's fingerprint meets the call's, another item's, a copy's, a refused half's or a shared action's.
    const h = 0x12345678;
    const derived = [h, copyFingerprint(h), refusedHalfFingerprint(h), sharedFingerprint(h), copyFingerprint(sharedFingerprint(h)), refusedHalfFingerprint(sharedFingerprint(h))];
    const items = DDB_ITEM_EVENT_NAMES.flatMap((_, k) => [itemFingerprint(h, k), itemFingerprint(sharedFingerprint(h), k)]);
    expect(new Set([...derived, ...items]).size).toBe(derived.length + items.length);
  });

  it("counts each item's action on its own table, in every reader", async () => {
    const got = await actionsByFunction(fileOf(RECORDS));
    expect(got["tx-put-only"]).toEqual({ "dynamodb:PutItem": [1, [table("audit"), table("orders")]] });
    expect(got["tx-two-tables"]).toEqual({ "dynamodb:PutItem": [1, [table("orders")]], "dynamodb:UpdateItem": [1, [table("inventory")]] });
    expect(got["tx-arn"]).toEqual({ "dynamodb:DeleteItem": [1, ["arn:aws:dynamodb:us-east-1:444455556666:table/shared"]], "dynamodb:ConditionCheckItem": [1, [table("orders")]] });
    expect(got["batch-statements"]).toEqual({ "dynamodb:PartiQLSelect": [1, [`${table("orders")}/index/byDay`]], "dynamodb:PartiQLInsert": [1, [table("audit")]] });
    expect(got["transaction-statements"]).toEqual({ "dynamodb:PartiQLUpdate": [1, [table("inventory")]], "dynamodb:PartiQLDelete": [1, [table("orders")]] });
    // Unreadable: every candidate of the call, on what resources[] names (as before).
    for (const fn of ["tx-no-operation", "tx-truncated", "tx-no-table"]) expect(got[fn], fn).toEqual(Object.fromEntries(ALL_WRITES.map((a) => [a, [1, [table("orders")]]])));
    expect(got["batch-write"]).toEqual({ "dynamodb:BatchWriteItem": [1, [table("audit"), table("orders")]] });
    expect(got["batch-unknown-verb"]).toEqual(Object.fromEntries(["Select", "Insert", "Update", "Delete"].map((v) => [`dynamodb:PartiQL${v}`, [1, [table("orders")]]])));
  });

  it("a refused call is counted under the action its message names, on the resource it names; else whole; a cancelled one (authorised) item by item", async () => {
    // IAM's text, as denials.ts reads it for other calls: a transaction is authorised item by item,
    // so its refusal names an item's action (GitHub aws-amplify/amplify-js#5904).
    const SESSION = (fn: string): string => `arn:aws:sts::${ACCOUNT}:assumed-role/orders-role/${fn}`;
    const refused = (fn: string, action: string, resource: string): { [k: string]: string } => ({
      errorCode: "AccessDeniedException",
      errorMessage: `User: ${SESSION(fn)} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
    });
    const two = [{ operation: "Put", tableName: "orders" }, { operation: "Update", tableName: "inventory" }];
    const path = fileOf([
      ddbRecord("tx-denied", 1, "TransactWriteItems", two, ["orders", "inventory"], refused("tx-denied", "dynamodb:UpdateItem", table("inventory"))),
      // requestParameters as a refused call may leave them: no items, the tables in resources[].
      ddbRecord("tx-denied-no-items", 2, "TransactWriteItems", null, ["orders", "inventory"], refused("tx-denied-no-items", "dynamodb:PutItem", table("orders"))),
      ddbRecord("batch-denied", 3, "BatchExecuteStatement", [{ statement: "SELECT * FROM orders" }, { statement: "INSERT INTO audit VALUE {'id' : ***(Redacted)}" }], ["orders", "audit"], refused("batch-denied", "dynamodb:PartiQLInsert", table("audit"))),
      // No action named, or one no item of the call needs: every candidate refused, as before.
      ddbRecord("tx-denied-unnamed", 4, "TransactWriteItems", two, ["orders", "inventory"], { errorCode: "AccessDeniedException", errorMessage: "Access denied" }),
      ddbRecord("tx-denied-other", 5, "TransactWriteItems", two, ["orders", "inventory"], refused("tx-denied-other", "dynamodb:GetItem", table("orders"))),
      ddbRecord("tx-cancelled", 6, "TransactWriteItems", [{ operation: "Put", tableName: "orders" }], ["orders"], { errorCode: "TransactionCanceledException", errorMessage: "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed]" }),
    ]);
    const usage = await everyReader(path);
    const denied = Object.fromEntries(usage.sessions.map((s) => [s.sessionName, Object.fromEntries(s.actions.map((a) => [a.action, [a.count, a.deniedCount, [...a.resources].sort()]]))]));
    // Before: all four TransactWriteItems candidates refused, on both tables.
    expect(denied["tx-denied"]).toEqual({ "dynamodb:UpdateItem": [1, 1, [table("inventory")]] });
    expect(denied["tx-denied-no-items"]).toEqual({ "dynamodb:PutItem": [1, 1, [table("orders")]] });
    expect(denied["batch-denied"]).toEqual({ "dynamodb:PartiQLInsert": [1, 1, [table("audit")]] });
    for (const fn of ["tx-denied-unnamed", "tx-denied-other"]) expect(denied[fn], fn).toEqual(Object.fromEntries(ALL_WRITES.map((a) => [a, [1, 1, [table("inventory"), table("orders")]]])));
    expect(denied["tx-cancelled"]).toEqual({ "dynamodb:PutItem": [1, 0, [table("orders")]] });
  });

  it("LR009: a transaction refused UpdateItem on one table lists that refusal alone, from the files and from the query's rows alike", async () => {
    const fn = "tx-refused";
    const f = lambdaFunction(fn, ROLE);
    const message = `User: arn:aws:sts::${ACCOUNT}:assumed-role/orders-role/${fn} is not authorized to perform: dynamodb:UpdateItem on resource: ${table("inventory")} because no identity-based policy allows the dynamodb:UpdateItem action`;
    const path = fileOf([ddbRecord(fn, 1, "TransactWriteItems", [{ operation: "Put", tableName: "orders" }, { operation: "Update", tableName: "inventory" }], ["orders", "inventory"], { errorCode: "AccessDeniedException", errorMessage: message }), ...background()]);
    const rows = writeRows(mkdtempSync(join(tmpdir(), "leastrole-ddb-items-lr009-")), await athenaRows(path));
    const lr009 = async (p: string): Promise<unknown> => {
      const doc = document([f], [role(ROLE, [f.arn])]);
      doc.usage = labelUsage(await readUsage([p], { workers: 1 }), doc, { asOf: "2026-11-01T00:00:00Z", windowDays: 30, dataEventsLogged: true });
      return auditDocument(doc).findings.filter((x) => x.ruleId === "LR009").map((x) => [x.message, (x.evidence as { denied: { action: string; resources: string[] }[] }).denied.map((d) => [d.action, d.resources])]);
    };
    const fromFiles = await lr009(path);
    // Before: the four candidates, each on both tables.
    expect(fromFiles).toEqual([[`Function ${fn} made 1 denied call: dynamodb:UpdateItem (1; no identity-based policy allows it)`, [["dynamodb:UpdateItem", [table("inventory")]]]]]);
    for (const p of [rows.json, rows.csv]) expect(await lr009(p), p).toEqual(fromFiles);
  });

  it("a call delivered twice counts once per action (each item group deduplicated)", async () => {
    const rec = RECORDS[1] as object;
    const dir = mkdtempSync(join(tmpdir(), "leastrole-ddb-items-dup-"));
    writeFileSync(join(dir, "a.json"), JSON.stringify({ Records: [rec] }));
    writeFileSync(join(dir, "b.json"), JSON.stringify({ Records: [rec, RECORDS[0]] }));
    for (const fastScan of [undefined, "js", false] as const) {
      const u = await readUsage([join(dir, "a.json"), join(dir, "b.json")], { workers: 1, fastScan });
      const s = u.sessions.find((x) => x.sessionName === "tx-two-tables");
      expect(s?.actions.map((a) => [a.action, a.count]), String(fastScan)).toEqual([["dynamodb:PutItem", 1], ["dynamodb:UpdateItem", 1]]);
    }
  });

  // The function of a Put-only transaction, whose role grants every TransactWriteItems candidate.
  const catalog = loadActionCatalogSync();
  /** `from`: the records' file, or the Athena query's rows over it (as JSON or CSV). */
  async function putOnlyDocument(from: "files" | "json" | "csv" = "files"): Promise<{ doc: ReturnType<typeof document>; arn: string }> {
    const fn = "tx-put-only";
    const f = lambdaFunction(fn, ROLE);
    const grant: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ALL_WRITES, Resource: [table("orders"), table("audit")] }] };
    const r = role(ROLE, [f.arn], [{ name: "tx", document: grant }]);
    r.facts = { ...emptyRoleFacts(), allowedActions: ALL_WRITES, allowedActionCount: ALL_WRITES.length };
    const doc = document([f], [r]);
    const path = fileOf([RECORDS[0] as object, ...background()]);
    const input = from === "files" ? path : writeRows(mkdtempSync(join(tmpdir(), "leastrole-ddb-items-put-")), await athenaRows(path))[from];
    doc.usage = labelUsage(await readUsage([input], { workers: 1 }), doc, { asOf: "2026-11-01T00:00:00Z", windowDays: 30, dataEventsLogged: true });
    return { doc, arn: fnArn(fn) };
  }

  it("the Athena query's rows give the labels, LR008 and generate's policy the files give (rp_requestitems)", async () => {
    const fromFiles = await putOnlyDocument();
    const observed = ({ doc, arn }: { doc: ReturnType<typeof document>; arn: string }): unknown => ({
      labels: doc.usage.labels.find((l) => l.functionArn === arn)?.permissions.map((p) => [p.action, p.label]),
      lr008: auditDocument(doc).findings.filter((x) => x.ruleId === "LR008").map((x) => [x.message, x.evidence]),
      policy: generatePolicy(doc, arn, {}, catalog).policy,
    });
    const want = observed(fromFiles);
    // Before: from the rows, PutItem, UpdateItem, DeleteItem and ConditionCheckItem all used, no LR008.
    expect((want as { lr008: unknown[] }).lr008.length).toBe(1);
    for (const from of ["json", "csv"] as const) expect(observed(await putOnlyDocument(from)), from).toEqual(want);
  });

  it("labels: a Put-only transaction's function has used PutItem and not DeleteItem or UpdateItem", async () => {
    const { doc, arn } = await putOnlyDocument();
    const labels = Object.fromEntries((doc.usage.labels.find((l) => l.functionArn === arn)?.permissions ?? []).map((p) => [p.action, p.label]));
    expect(labels["dynamodb:PutItem"]).toBe("used");
    expect(labels["dynamodb:DeleteItem"]).toBe("unused");
    expect(labels["dynamodb:UpdateItem"]).toBe("unused");
  });

  it("LR008: a Put-only transaction's function is told DeleteItem, UpdateItem and ConditionCheckItem are unused, never PutItem", async () => {
    const { doc, arn } = await putOnlyDocument();
    const lr008 = auditDocument(doc).findings.filter((f) => f.ruleId === "LR008" && f.resource.arn === arn);
    expect(lr008.map((f) => (f.evidence as { unused?: string[] } | undefined)?.unused)).toEqual([["dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:UpdateItem"]]);
  });

  it("generate: the policy allows each item's call on its table, and nothing the items did not do", async () => {
    const allowed = (p: PolicyDocument, action: string, resource: string): boolean => evaluateRequest({ identityPolicies: [p], request: { action, resource } }).decision === "allowed";
    const { doc, arn } = await putOnlyDocument();
    const put = generatePolicy(doc, arn, {}, catalog).policy;
    for (const t of ["orders", "audit"]) expect(allowed(put, "dynamodb:PutItem", table(t)), t).toBe(true);
    for (const a of ["dynamodb:DeleteItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"]) expect(allowed(put, a, table("orders")), a).toBe(false);

    // Each observed item of the other calls, allowed on its own table only.
    const fns = ["tx-two-tables", "batch-statements", "transaction-statements"];
    const functions = fns.map((n) => lambdaFunction(n, ROLE));
    const d = document(functions, [role(ROLE, functions.map((f) => f.arn))]);
    // Only these functions' calls: another session on the role would be granted to them all ("Shared roles", docs/generate.md).
    d.usage = labelUsage(await readUsage([fileOf(RECORDS.slice(1, 2).concat(RECORDS.slice(3, 5)))], { workers: 1 }), d, { asOf: "2026-10-31T00:00:00Z", windowDays: 30, dataEventsLogged: true });
    const policy = (n: string): PolicyDocument => generatePolicy(d, fnArn(n), {}, catalog).policy;
    const observed: [string, string, string, boolean][] = [
      ["tx-two-tables", "dynamodb:PutItem", table("orders"), true],
      ["tx-two-tables", "dynamodb:UpdateItem", table("inventory"), true],
      ["tx-two-tables", "dynamodb:PutItem", table("inventory"), false],
      ["tx-two-tables", "dynamodb:UpdateItem", table("orders"), false],
      ["batch-statements", "dynamodb:PartiQLSelect", `${table("orders")}/index/byDay`, true],
      ["batch-statements", "dynamodb:PartiQLInsert", table("audit"), true],
      ["batch-statements", "dynamodb:PartiQLInsert", table("orders"), false],
      ["batch-statements", "dynamodb:PartiQLUpdate", table("audit"), false],
      ["transaction-statements", "dynamodb:PartiQLUpdate", table("inventory"), true],
      ["transaction-statements", "dynamodb:PartiQLDelete", table("orders"), true],
      ["transaction-statements", "dynamodb:PartiQLDelete", table("inventory"), false],
      ["transaction-statements", "dynamodb:PartiQLSelect", table("orders"), false],
    ];
    for (const [fn, action, resource, want] of observed) expect(allowed(policy(fn), action, resource), `${fn} ${action} ${resource}`).toBe(want);
  });
});

describe("DynamoDB ExecuteStatement on an index", () => {
  /** A single ExecuteStatement as the DynamoDB guide's example writes it (test/fixtures/cloudtrail-sweep): resources[] the table only. */
  const statementRecord = (fn: string, seq: number, statement: string, tables: string[]): object =>
    roleCallRecord({
      account: ACCOUNT,
      roleArn: ROLE,
      session: fn,
      time: `2026-10-0${1 + (seq % 9)}T12:00:00Z`,
      source: "dynamodb",
      name: "ExecuteStatement",
      seq,
      region: REGION,
      extra: { requestParameters: { statement }, readOnly: true, managementEvent: false, eventCategory: "Data", resources: tables.map((t) => ({ accountId: ACCOUNT, type: "AWS::DynamoDB::Table", ARN: table(t) })) },
    });
  const RECS = [
    statementRecord("select-index", 1, `SELECT * FROM "orders"."byDay" WHERE day = '2026-10-01'`, ["orders"]),
    statementRecord("select-table", 2, "SELECT * FROM Music WHERE Artist = 'No One You Know' AND nonKeyAttr = ***(Redacted)", ["Music"]),
    // Unquoted a.b: table `a`'s index `b` when resources[] lists `a`; a table named `a.b` when it lists that.
    statementRecord("dotted-index", 3, "SELECT id FROM orders.byCustomer WHERE customer = 'c'", ["orders"]),
    statementRecord("dotted-table", 4, "SELECT id FROM orders.v2 WHERE id = 'x'", ["orders.v2"]),
  ];

  it("names the index a SELECT reads (authorised on it: PartiQLSelect \"on the table or index\"), beside the table resources[] lists, in every record reader", async () => {
    const path = fileOf(RECS);
    const wasm = await readUsage([path], { workers: 1 });
    for (const fastScan of ["js", false] as const) expect((await readUsage([path], { workers: 1, fastScan })).sessions, String(fastScan)).toEqual(wasm.sessions);
    const got = Object.fromEntries(wasm.sessions.map((s) => [s.sessionName, s.actions.map((a) => [a.action, [...a.resources].sort()])]));
    expect(got["select-index"]).toEqual([["dynamodb:PartiQLSelect", [table("orders"), `${table("orders")}/index/byDay`]]]);
    expect(got["select-table"]).toEqual([["dynamodb:PartiQLSelect", [table("Music")]]]);
    expect(got["dotted-index"]).toEqual([["dynamodb:PartiQLSelect", [table("orders"), `${table("orders")}/index/byCustomer`]]]);
    expect(got["dotted-table"]).toEqual([["dynamodb:PartiQLSelect", [table("orders.v2")]]]);
  });

  it("the Athena query's rows name the same index (rp_statement: the verb and a SELECT's FROM name), a value holding FROM included", async () => {
    const recs = [...RECS, statementRecord("value-from", 5, `SELECT * FROM "orders"."byDay" WHERE day = 'FROM Music.x'`, ["orders"]), statementRecord("value-first", 7, `SELECT 'a' AS x, 'it''s FROM Music' AS y FROM "orders"."byDay"`, ["orders"]), statementRecord("insert", 6, "INSERT INTO Music VALUE {'Artist' : ***(Redacted)}", ["Music"])];
    const path = fileOf(recs);
    const sessions = async (p: string): Promise<{ [s: string]: unknown }> =>
      Object.fromEntries((await readUsage([p], { workers: 1 })).sessions.map((s) => [s.sessionName, s.actions.map((a) => [a.action, a.count, [...a.resources].sort()])]));
    const fromFiles = await sessions(path);
    expect(fromFiles["value-from"]).toEqual([["dynamodb:PartiQLSelect", 1, [table("orders"), `${table("orders")}/index/byDay`]]]);
    const rows = await athenaRows(path);
    // Before: "SELECT" alone, and the rows named the table only.
    expect(rows.filter((r) => r.row_kind === "usage").map((r) => r.rp_statement).sort()).toEqual(["INSERT", 'SELECT FROM "orders"."byDay"', 'SELECT FROM "orders"."byDay"', 'SELECT FROM "orders"."byDay"', "SELECT FROM Music", "SELECT FROM orders.byCustomer", "SELECT FROM orders.v2"]);
    const written = writeRows(mkdtempSync(join(tmpdir(), "leastrole-ddb-statement-rows-")), rows);
    for (const p of [written.json, written.csv]) expect(await sessions(p), p).toEqual(fromFiles);
  });

  it("generate: the policy allows the SELECT on the index it read", async () => {
    const fn = lambdaFunction("select-index", ROLE);
    const d = document([fn], [role(ROLE, [fn.arn])]);
    d.usage = labelUsage(await readUsage([fileOf([RECS[0] as object, ...background()])], { workers: 1 }), d, { asOf: "2026-10-31T00:00:00Z", windowDays: 30, dataEventsLogged: true });
    const policy = generatePolicy(d, fnArn("select-index"), {}, loadActionCatalogSync()).policy;
    expect(evaluateRequest({ identityPolicies: [policy], request: { action: "dynamodb:PartiQLSelect", resource: `${table("orders")}/index/byDay` } }).decision).toBe("allowed");
    expect(evaluateRequest({ identityPolicies: [policy], request: { action: "dynamodb:PartiQLSelect", resource: `${table("orders")}/index/other` } }).decision).not.toBe("allowed");
  });
});
