/**
 * What every usage file reader shares: how a record is counted (record-fields.ts does the
 * checking), and how a file that is not ours is said.
 */

import type { Warning } from "../model/document.js";
import type { FileAccumulator } from "./accumulate.js";
import { eventFromRecord, missingField } from "./record-fields.js";

export type Obj = { [k: string]: unknown };
export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** An EventBridge event (`detail` holds the record). */
export function isEnvelope(o: Obj): boolean {
  return typeof o["detail-type"] === "string" && isObj(o.detail);
}

/** An object that means to be a CloudTrail record (its fields are checked by missingField). */
export function looksLikeRecord(o: Obj): boolean {
  return "eventName" in o || "eventSource" in o || "eventVersion" in o;
}

/** Count one record (or the record inside an envelope), or say why it cannot be. */
export function addRecord(acc: FileAccumulator, rec: unknown, where: string): void {
  const r = isObj(rec) && isEnvelope(rec) ? rec.detail : rec;
  const missing = missingField(r);
  if (missing !== null) {
    acc.skip(where, missing);
    return;
  }
  acc.add(eventFromRecord(r as Parameters<typeof eventFromRecord>[0]), where);
}

/**
 * An event of `aws cloudtrail lookup-events` (EventId, EventName … and the record itself as the
 * JSON string CloudTrailEvent): in its `{"Events": […]}` output, or on its own, as `--query Events`
 * and `jq -c '.Events[]'` write them. The record may be an object already: `jq '.Events[] |=
 * (.CloudTrailEvent |= fromjson)'`, the usual way to make the output readable, parses it in place.
 */
export function isLookupEvent(v: unknown): v is Obj {
  return isObj(v) && (typeof v.CloudTrailEvent === "string" || isObj(v.CloudTrailEvent)) && ("EventId" in v || "EventName" in v);
}

/** One lookup-events event's record, counted; returns its eventTime (null: none, or not read). */
export function addLookupEvent(acc: FileAccumulator, e: unknown, where: string): string | null {
  if (!isObj(e) || (typeof e.CloudTrailEvent !== "string" && !isObj(e.CloudTrailEvent))) {
    acc.skip(where, "no CloudTrailEvent, the record as a JSON string or object");
    return null;
  }
  let rec: unknown = e.CloudTrailEvent;
  if (typeof rec === "string") {
    try {
      rec = JSON.parse(rec);
    } catch (err) {
      acc.skip(where, `CloudTrailEvent is not JSON: ${(err as Error).message}`);
      return null;
    }
  }
  addRecord(acc, rec, where);
  return isObj(rec) && typeof rec.eventTime === "string" ? rec.eventTime : null;
}

/**
 * A record as the JSON string lookup-events gives it (its CloudTrailEvent), printed on its own:
 * `aws cloudtrail lookup-events --query 'Events[].CloudTrailEvent'` writes an array of them, `jq
 * '.Events[].CloudTrailEvent'` one per line. Told from other strings without parsing them.
 */
export function isRecordString(v: unknown): v is string {
  return typeof v === "string" && /^\s*\{/.test(v) && /"(?:eventName|eventSource|eventVersion)"\s*:/.test(v);
}

/** One such string's record, counted, or said why not. */
export function addRecordString(acc: FileAccumulator, s: string, where: string): void {
  let rec: unknown;
  try {
    rec = JSON.parse(s);
  } catch (err) {
    acc.skip(where, `the string is not a JSON record: ${(err as Error).message}`);
    return;
  }
  addRecord(acc, rec, where);
}

/** The file is not activity data leastrole reads: partial, with a warning naming it. */
export function notOurs(acc: FileAccumulator, message: string): void {
  if (acc.format === "unknown" || acc.format === "cloudtrail-jsonl") acc.format = "unrecognised";
  acc.partialReasons.push(message);
  acc.warnings.push(warn("unrecognised-usage-file", message, acc.path));
}

export function warn(code: string, message: string, file: string, path?: string, severity: Warning["severity"] = "warning"): Warning {
  return path === undefined ? { code, severity, message, file } : { code, severity, message, file, path };
}
