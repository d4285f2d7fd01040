/**
 * Ingesting the rows of the shipped aggregation query (sql.ts): Athena CSV results, CloudTrail
 * Lake `GetQueryResults` JSON (rows of single-key objects, all values strings), or a JSON array of
 * row objects (what DuckDB or a script writes). Every value is read as a string, as Athena CSV and
 * Lake give them.
 */

import { partitionOf } from "./attribution.js";
import type { FileAccumulator } from "./accumulate.js";
import { copyDestination, isoTime, timeSeconds } from "./accumulate.js";
import { isListParamKey, isSetParamKey, PARAM_KEYS, paramColumn, SET_PARAM_KEYS, type RequestParams } from "./event.js";
import { setIds } from "./record-fields.js";
import { copySourceOf, ddbItemGroups, reEncryptSplit, resourcesOf } from "./resources.js";
import { refusalOf, refusedCallResources, refusingPolicyOfCall } from "./denials.js";
import { isAccessDenied, partiqlEventName } from "./event-actions.js";
import { ASSUME_ROLE_NAMES, isAssumeRole } from "./session-tags.js";
import { DDB_ITEM_CALLS, ddbItems, DYNAMODB_SOURCE, refusedItemOf, type DdbItem } from "./ddb-items.js";
import { USAGE_ROW_COLUMNS } from "./sql.js";
import { printable } from "../printable.js";

export type QueryRow = { [column: string]: string | null };

const ROLE = /^arn:[^:]+:iam::(\d{12}):role\/.+$/;

/** True when a header (lower-cased column names) is ours. */
export function isUsageRowHeader(columns: string[]): boolean {
  return columns.includes("row_kind") && columns.includes("event_source") && columns.includes("calls");
}

/** RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF) → rows keyed by the header. */
export function parseCsv(text: string): { header: string[]; rows: string[][] } {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  const n = text.length;
  let fieldStarted = false;
  while (i < n) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
    } else if (c === ",") {
      row.push(field);
      field = "";
      fieldStarted = false;
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      fieldStarted = false;
    } else {
      field += c;
      fieldStarted = true;
    }
    i++;
  }
  if (quoted) throw new Error("unterminated quoted field at end of file");
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const header = (rows.shift() ?? []).map((h) => h.trim().toLowerCase());
  return { header, rows };
}

/** Lake `QueryResultRows` ([[{col: value}, …], …]) → row objects. */
export function rowsFromLake(doc: { QueryResultRows: unknown }): QueryRow[] {
  if (!Array.isArray(doc.QueryResultRows)) throw new Error("QueryResultRows is not an array");
  return doc.QueryResultRows.map((r, i) => {
    if (!Array.isArray(r)) throw new Error(`QueryResultRows[${i}] is not a list of columns`);
    const row: QueryRow = {};
    for (const cell of r) {
      if (typeof cell !== "object" || cell === null) continue;
      for (const [k, v] of Object.entries(cell as { [k: string]: unknown })) row[k.toLowerCase()] = typeof v === "string" ? v : v === null ? null : printable(v);
    }
    return row;
  });
}

const val = (row: QueryRow, k: string): string | null => {
  const v = row[k];
  // Athena CSV writes NULL as an empty field; an empty string never matters for usage.
  return v === undefined || v === null || v === "" ? null : v;
};

/** Ingest one row. Returns an error message when the row cannot be used. */
export function ingestUsageRow(acc: FileAccumulator, row: QueryRow): string | null {
  const kind = val(row, "row_kind");
  const calls = Number(val(row, "calls"));
  if (!Number.isInteger(calls) || calls < 0) return `calls ${JSON.stringify(row.calls)} is not a count`;
  const first = timeSeconds(val(row, "first_seen") ?? "");
  const last = timeSeconds(val(row, "last_seen") ?? "");
  if (first === null || last === null) return "first_seen/last_seen are not timestamps";
  const account = val(row, "account_id");
  const region = val(row, "aws_region");
  if (kind === "coverage") {
    const dataEvents = Number(val(row, "data_events") ?? "0");
    acc.addCoverage(account, region, val(row, "event_day"), calls, Number.isFinite(dataEvents) ? dataEvents : 0, first, last);
    return null;
  }
  if (kind === "function-created") {
    const fn = val(row, "rp_functionname");
    if (fn === null || account === null || region === null) return "function-created row without function, account or region";
    acc.addCreation({ accountId: account, region, functionName: fn.startsWith("arn:") ? (fn.split(":")[6] ?? fn) : fn, time: isoTime(last) });
    return null;
  }
  if (kind !== "usage") return `unknown row_kind ${JSON.stringify(kind)}`;
  const roleArn = val(row, "role_arn");
  const sessionName = val(row, "session_name");
  const eventSource = val(row, "event_source");
  const eventName = val(row, "event_name");
  if (roleArn === null || sessionName === null || eventSource === null || eventName === null) return "usage row without role_arn, session_name, event_source or event_name";
  const m = ROLE.exec(roleArn);
  if (m === null) return `role_arn ${JSON.stringify(roleArn)} is not a role ARN`;
  const params: RequestParams = {};
  for (const k of PARAM_KEYS) {
    if (k === "versionId") continue;
    const v = val(row, paramColumn(k));
    if (v === null) continue;
    if (isListParamKey(k)) {
      try {
        const list = JSON.parse(v) as unknown;
        if (Array.isArray(list) && list.every((x) => typeof x === "string")) params[k] = list as string[];
      } catch {
        return `${paramColumn(k)} ${JSON.stringify(v)} is not a JSON array`;
      }
    } else if (isSetParamKey(k)) {
      // The set's JSON text (json_format in Athena, the map's value in Lake), read as a record's.
      let set: unknown;
      try {
        set = JSON.parse(v) as unknown;
      } catch {
        return `${paramColumn(k)} ${JSON.stringify(v)} is not JSON (the query writes requestParameters.${k} as JSON text)`;
      }
      const ids = setIds(set, SET_PARAM_KEYS[k]);
      if (ids !== null) params[k] = ids;
    } else (params as { [k: string]: string })[k] = v;
  }
  // A rename in a row of a query older than the rename columns: whether it gave a new name or path
  // cannot be told, and the old name alone would be too few (the rename is authorised on the new
  // too): it names none, as it did before those columns.
  if (eventSource === "iam.amazonaws.com" && (eventName === "UpdateUser" || eventName === "UpdateGroup") && row["rp_newpath"] === undefined) {
    delete params.userName;
    delete params.groupName;
  }
  const resourceArns = (val(row, "resource_arns") ?? "").split("\u001f").filter((x) => x !== "");
  const sessionAccount = m[1] as string;
  const partition = partitionOf(roleArn);
  const copy = copySourceOf(eventSource, eventName, params, partition);
  // issued_to_function: the function the credentials were issued to (userIdentity.inScopeOf, when
  // its issuerType is a Lambda function's), in the queries that select it; absent in older results.
  const session = { accountId: sessionAccount, roleArn, sessionName, invokedBy: val(row, "invoked_by"), functionArn: val(row, "issued_to_function") };
  let resources = resourcesOf({ eventSource, region, accountId: account ?? sessionAccount, partition, resources: resourceArns, params, eventName });
  const rowCode = val(row, "error_code");
  // A DynamoDB multi-item call's items (sql.ts rp_requestitems), each under its own action on its
  // own table, as the record readers count them (accumulate.ts addItems); not a refused call's.
  if (rowCode === null || !isAccessDenied(rowCode)) {
    const items = requestItemsOf(row, eventSource, eventName);
    if (typeof items === "string") return items;
    const groups = items === null ? null : ddbItemGroups({ eventSource, region, accountId: account ?? sessionAccount, partition, resources: resourceArns, params: {} }, items);
    if (groups !== null) {
      for (const [name, arns] of groups) acc.addGroup(session, { eventSource, eventName: name, errorCode: rowCode, versioned: false, region }, calls, first, last, arns);
      return null;
    }
  }
  // A refused call's message (denials.ts; the query gives it only for refusal codes, and rows of
  // a query older than the column have none: their refusals are read by their codes alone).
  const errorMessage = rowCode === null ? null : val(row, "error_message");
  const refusal = rowCode === null ? null : refusalOf(eventSource, eventName, rowCode, errorMessage);
  const errorCode = refusal === null ? rowCode : refusal.errorCode;
  // A refused DynamoDB multi-item call under the action its message names, on the ARN it names
  // (ddb-items.ts refusedItemOf), as the record readers count it.
  const refusedItem = refusal === null ? refusedItemOf(eventSource, eventName, rowCode, errorMessage) : null;
  if (rowCode !== null) resources = refusedItem !== null && refusedItem.resource !== null ? [refusedItem.resource] : refusedCallResources(eventSource, resources, rowCode, refusal, errorMessage);
  // The policy type the refusal names (denials.ts (d)), on the group that counts the refusal.
  const deniedBy = refusingPolicyOfCall(rowCode, errorMessage);
  const split = reEncryptSplit(eventSource, eventName, resources);
  // A PartiQL ExecuteStatement under its verb's name, as the record readers count it (the query's
  // rp_statement is the verb, and a SELECT's FROM name, which resourcesOf reads as a statement).
  // An STS AssumeRole under what its request passed (session-tags.ts; the query's rp_sessiontags).
  const passes = val(row, "rp_sessiontags");
  const assumeRole = passes !== null && isAssumeRole(eventSource, eventName) ? `${eventName} (${passes})` : null;
  if (assumeRole !== null && !ASSUME_ROLE_NAMES.has(assumeRole)) return `rp_sessiontags ${JSON.stringify(passes)} is not one the query writes ("session tags", "source identity" or "session tags, source identity")`;
  const callName = refusedItem?.eventName ?? partiqlEventName(eventSource, eventName, params.statement) ?? assumeRole ?? eventName;
  acc.addGroup(session, { eventSource, eventName: callName, errorCode, versioned: val(row, "version_id_present") === "1", region, deniedBy: refusal === null ? deniedBy : 0 }, calls, first, last, copy !== null ? copyDestination(resources, copy) : split !== null ? split.destination : resources);
  // The copy's read half (resources.ts copySourceOf), or a ReEncrypt's source key (reEncryptSplit), as the record readers count it.
  const half = copy ?? split?.half ?? null;
  if (half !== null) acc.addGroup(session, { eventSource, eventName: half.eventName, errorCode, versioned: half.versioned, region }, calls, first, last, half.resources);
  // The KMS or IAM half of a call whose dependent action was refused, likewise.
  if (refusal !== null && refusal.half !== null) acc.addGroup(session, { eventSource: refusal.half.eventSource, eventName: refusal.half.eventName, errorCode: refusal.half.errorCode, versioned: false, region, deniedBy }, calls, first, last, refusal.half.resources);
  return null;
}

/**
 * A DynamoDB multi-item call's items from its row (rp_requestitems, JSON text): null for any other
 * call, for a row without the column (an older query, CloudTrail Lake's) and for items that cannot
 * be read (the call then counts whole, as the record readers count it); a message when the column
 * is not JSON.
 */
function requestItemsOf(row: QueryRow, eventSource: string, eventName: string): DdbItem[] | null | string {
  if (eventSource !== DYNAMODB_SOURCE || !DDB_ITEM_CALLS.has(eventName)) return null;
  const text = val(row, "rp_requestitems");
  if (text === null) return null;
  let list: unknown;
  try {
    list = JSON.parse(text) as unknown;
  } catch {
    return `rp_requestitems ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)} is not JSON (the query writes requestParameters.requestItems as JSON text)`;
  }
  return ddbItems(eventSource, eventName, list);
}

export { USAGE_ROW_COLUMNS };
