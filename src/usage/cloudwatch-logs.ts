/**
 * CloudTrail delivered to a CloudWatch Logs log group: each log event's `message` is one record's
 * JSON. Three shapes hold such events:
 * - `aws logs filter-log-events` output: `{events: [{logStreamName, timestamp, message,
 *   ingestionTime, eventId}], searchedLogStreams?, nextToken?}`. The CLI fetches every page unless
 *   told not to (`--max-items` leaves its own `NextToken`, `--no-paginate` the API's `nextToken`);
 *   either token means more events match.
 * - `aws logs get-log-events` output: `{events: [{timestamp, message, ingestionTime}],
 *   nextForwardToken, nextBackwardToken}`. Both tokens are always there (the API returns them at
 *   the end of the stream too), so they say nothing about completeness; the page's size does. A
 *   call returns as many events as fit in 1 MB, up to 10,000 (CloudWatch Logs API Reference,
 *   GetLogEvents): with CloudTrail records of 1-2 KB each, 1 MB is the cap a page meets.
 * - subscription data (what a subscription filter sends, and Firehose writes to S3 as it came,
 *   gzip members back to back): `{messageType: "DATA_MESSAGE", owner, logGroup, logStream,
 *   subscriptionFilters, logEvents: [{id, timestamp, message}]}`; `CONTROL_MESSAGE`s (checks that
 *   the destination is reachable) hold no log data.
 */

import { isObj, type Obj } from "./read-records.js";

/** GetLogEvents' most events per call (CloudWatch Logs API Reference). */
const GET_LOG_EVENTS_MAX = 10_000;
/** GetLogEvents' most bytes per call: "as many log events as can fit in a response size of 1 MB". */
const GET_LOG_EVENTS_MAX_BYTES = 1_048_576;
/**
 * The largest event CloudTrail sends to CloudWatch Logs (256 KB, the log event size it was made
 * for; larger events are not sent). A page with less than this left of its 1 MB had room for any
 * next record, so it ends the stream; a page closer to 1 MB may have been cut.
 */
const CLOUDTRAIL_CWL_EVENT_MAX_BYTES = 262_144;
/** Bytes CloudWatch Logs counts for an event beside its message (PutLogEvents' batch size rule). */
const EVENT_OVERHEAD_BYTES = 26;

export type LogEventsKind = "filter-log-events" | "get-log-events";

/** filter-log-events or get-log-events output, or null. */
export function logEventsKind(doc: unknown): LogEventsKind | null {
  if (!isObj(doc) || !Array.isArray(doc.events)) return null;
  const events = doc.events as unknown[];
  // A message is the record's JSON string, or the record itself once `jq '.events[].message |=
  // fromjson'` has parsed it in place to make the output readable.
  if (!events.every((e) => isObj(e) && (typeof e.message === "string" || isObj(e.message)))) return null;
  if ("nextForwardToken" in doc || "nextBackwardToken" in doc) return "get-log-events";
  if ("searchedLogStreams" in doc || events.some((e) => isObj(e) && "logStreamName" in e)) return "filter-log-events";
  return null;
}

/** Why a filter-log-events or get-log-events output does not hold every event, or null. */
export function logEventsIncomplete(doc: Obj, kind: LogEventsKind): string | null {
  if (kind === "filter-log-events") {
    const token = doc.nextToken ?? doc.NextToken;
    if (typeof token !== "string" || token === "") return null;
    return "filter-log-events output with a nextToken: more events match than it holds; fetch them all (the AWS CLI does unless --max-items or --no-paginate is given)";
  }
  const events = doc.events as Obj[];
  if (events.length >= GET_LOG_EVENTS_MAX) return `get-log-events output with ${GET_LOG_EVENTS_MAX} events, the most one call returns: the stream may hold more; fetch the rest with --next-token (or use filter-log-events, which the AWS CLI pages through)`;
  let bytes = 0;
  for (const e of events) bytes += Buffer.byteLength(typeof e.message === "string" ? e.message : JSON.stringify(e.message), "utf8") + EVENT_OVERHEAD_BYTES;
  if (bytes <= GET_LOG_EVENTS_MAX_BYTES - CLOUDTRAIL_CWL_EVENT_MAX_BYTES) return null;
  return `get-log-events output of ${events.length} events and ${Math.round(bytes / 1024)} KB: one call returns at most 1 MB of events, and this page is within one CloudTrail record (256 KB) of it: the stream may hold more; fetch the rest with --next-token (or use filter-log-events, which the AWS CLI pages through)`;
}

/** A CloudWatch Logs subscription message (DATA_MESSAGE or CONTROL_MESSAGE). */
export function isSubscriptionMessage(doc: unknown): boolean {
  return isObj(doc) && (doc.messageType === "DATA_MESSAGE" || doc.messageType === "CONTROL_MESSAGE") && Array.isArray(doc.logEvents);
}

/** The log events' messages with where each is, `key` the events' key (`events` or `logEvents`). */
export function* eventMessages(doc: Obj, key: "events" | "logEvents", prefix = ""): Generator<[where: string, message: unknown]> {
  if (key === "logEvents" && doc.messageType !== "DATA_MESSAGE") return;
  const events = doc[key] as unknown[];
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    yield [`${prefix}${key}[${i}].message`, isObj(e) ? e.message : undefined];
  }
}
