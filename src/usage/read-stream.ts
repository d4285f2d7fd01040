/**
 * Files of several JSON values (json-stream.ts: JSON Lines, objects back to back as Firehose writes
 * them, files concatenated), and CloudWatch Logs events whose messages are CloudTrail records
 * (cloudwatch-logs.ts).
 */

import type { FileAccumulator } from "./accumulate.js";
import { eventMessages, isSubscriptionMessage } from "./cloudwatch-logs.js";
import { jsonValues } from "./json-stream.js";
import { addLookupEvent, addRecord, addRecordString, isEnvelope, isLookupEvent, isObj, isRecordString, looksLikeRecord, notOurs } from "./read-records.js";

/**
 * A file of several JSON values: JSON Lines, or objects back to back (`}{`, Firehose's default S3
 * output), pretty-printed or not. Each value is a record, an EventBridge envelope or a
 * `{"Records": […]}` object (CloudTrail files concatenated). Problems before the first value that
 * is any of these are held: when there is none, the file is named once as not ours, not once per
 * line as well.
 */
export function readJsonStream(text: string, acc: FileAccumulator, parseError: string, origin?: { line: number; column: number }): boolean {
  let usable = 0;
  let parsed = 0;
  let broken = 0;
  let firstKeys: string | null = null;
  // Whether the file's first value is not JSON: a JSON document cut short (an interrupted copy),
  // whose remains the stream reader takes up again as values (the strings inside it).
  let firstBroken: boolean | null = null;
  let sameLine = false;
  let subscription = false;
  let lookups = 0;
  let prevLine = -1;
  const held: Array<[string, string]> = [];
  const problem = (where: string, reason: string): void => {
    if (usable === 0) held.push([where, reason]);
    else acc.skip(where, reason);
  };
  for (const v of jsonValues(text, origin)) {
    const where = v.column === 1 ? `line ${v.line}` : `line ${v.line}, column ${v.column}`;
    if (v.line === prevLine) sameLine = true;
    prevLine = v.line;
    firstBroken ??= v.error !== undefined;
    if (v.error !== undefined) {
      broken++;
      problem(where, v.error);
      continue;
    }
    parsed++;
    const kind = readStreamValue(v.value, acc, where, problem);
    if (kind === "subscription") subscription = true;
    if (kind === "lookup") lookups++;
    if (kind === null) {
      const what = isObj(v.value) ? `keys: ${Object.keys(v.value).slice(0, 6).join(", ")}` : Array.isArray(v.value) ? "an array" : typeof v.value;
      firstKeys ??= what;
      problem(where, `not a CloudTrail record (${what})`);
      continue;
    }
    if (usable++ === 0) for (const [w, r] of held.splice(0)) acc.skip(w, r);
  }
  if (usable === 0) {
    if (origin !== undefined) return false;
    const notJson = parsed === 0 || firstBroken === true;
    acc.format = notJson ? "not-json" : "unrecognised";
    notOurs(acc, notJson ? `not JSON: ${parseError}` : `JSON values, but none is a CloudTrail record (the first: ${firstKeys})`);
    return false;
  }
  // Records as strings, and events with a CloudTrailEvent, come from lookup-events alone: management events.
  if (origin === undefined) acc.format = subscription ? "cloudtrail-cwl-subscription" : lookups === usable ? "cloudtrail-lookup-events" : sameLine ? "cloudtrail-json-stream" : "cloudtrail-jsonl";
  if (broken > 0) acc.partialReasons.push(`${broken} ${broken === 1 ? "value is" : "values are"} not JSON (see warnings)`);
  return true;
}

/** The values after the first one of a file (from byte `offset`) as a stream; false when none is ours. */
export function readRest(data: Buffer, offset: number, acc: FileAccumulator): boolean {
  let line = 1;
  let lineStart = 0;
  for (let k = data.indexOf(0x0a); k >= 0 && k < offset; k = data.indexOf(0x0a, k + 1)) {
    line++;
    lineStart = k + 1;
  }
  return readJsonStream(data.toString("utf8", offset), acc, "", { line, column: offset - lineStart + 1 });
}

/** One value of a JSON stream: what it was, or null when it is none of the shapes a stream may hold. */
function readStreamValue(v: unknown, acc: FileAccumulator, where: string, problem: (where: string, reason: string) => void): "records" | "subscription" | "lookup" | null {
  // lookup-events' CloudTrailEvent strings one per line (`jq '.Events[].CloudTrailEvent'`).
  if (isRecordString(v)) {
    addRecordString(acc, v, where);
    return "lookup";
  }
  if (Array.isArray(v)) {
    // A bare array of records (or of envelopes), as one file of several concatenated.
    if (!v.some((r) => isObj(r) && (looksLikeRecord(r) || isEnvelope(r)))) return null;
    v.forEach((r, i) => addRecord(acc, r, `${where} [${i}]`));
    return "records";
  }
  if (!isObj(v)) return null;
  if (isSubscriptionMessage(v)) {
    readMessages(acc, eventMessages(v, "logEvents", `${where} `), problem);
    return "subscription";
  }
  if (Array.isArray(v.Records)) {
    v.Records.forEach((r, i) => addRecord(acc, r, `${where} Records[${i}]`));
    return "records";
  }
  if (looksLikeRecord(v) || isEnvelope(v)) {
    addRecord(acc, v, where);
    return "records";
  }
  // lookup-events' events one per line (`jq -c '.Events[]'`): its management events only, as
  // its strings are (they were "records", and the file JSON Lines of any trail: data events "unknown").
  if (isLookupEvent(v)) {
    addLookupEvent(acc, v, `${where} CloudTrailEvent`);
    return "lookup";
  }
  return null;
}

/**
 * CloudWatch Logs events whose messages are CloudTrail records (cloudwatch-logs.ts). A message that
 * is not one goes to `problem`; returns how many were.
 */
function readMessages(acc: FileAccumulator, messages: Iterable<[string, unknown]>, problem: (where: string, reason: string) => void): number {
  let records = 0;
  for (const [where, message] of messages) {
    let rec: unknown = message;
    if (typeof message === "string") {
      try {
        rec = JSON.parse(message);
      } catch (e) {
        problem(where, `message is not JSON: ${(e as Error).message}`);
        continue;
      }
    } else if (!isObj(message)) {
      // An object is the record already parsed (jq '.events[].message |= fromjson').
      problem(where, "log event without a message string");
      continue;
    }
    if (!isObj(rec) || !(looksLikeRecord(rec) || isEnvelope(rec))) {
      problem(where, "message is not a CloudTrail record");
      continue;
    }
    records++;
    addRecord(acc, rec, where);
  }
  return records;
}

/** One document of CloudWatch Logs events: messages that are no records are named, or the file is not ours. */
export function readLogEvents(acc: FileAccumulator, messages: Iterable<[string, unknown]>): void {
  const held: Array<[string, string]> = [];
  const records = readMessages(acc, messages, (where, reason) => held.push([where, reason]));
  if (records === 0 && held.length > 0) {
    const [where, reason] = held[0] as [string, string];
    notOurs(acc, `CloudWatch Logs events, but no message is a CloudTrail record (${where}: ${reason})`);
    return;
  }
  for (const [where, reason] of held) acc.skip(where, reason);
}
