/**
 * The CloudTrail console's Event history download as CSV ("Download events" → CSV). Its columns
 * are the Event history table's: the event's name, time, source, ID, region, error code, source IP,
 * access key, resources and user name (for a role session, the session's name). No column names
 * the role a call was made with (the record's userIdentity), so no call in it can be counted for a
 * function: the file is recognised, said to be so, and the usage partial, as its calls are missing.
 */

/** The header's column titles, as the console writes them (any order, quoted or not). */
export function isEventHistoryCsvHeader(columns: readonly string[]): boolean {
  const c = new Set(columns.map((h) => h.replace(/"/g, "").trim().toLowerCase()));
  return c.has("event name") && (c.has("event time") || c.has("event source"));
}

/** The first line of a CSV text as its column titles. */
export function csvHeaderOf(text: string): string[] {
  return (text.replace(/^\uFEFF/, "").trimStart().split(/\r?\n/, 1)[0] ?? "").split(",");
}

export const EVENT_HISTORY_CSV =
  "the CloudTrail console's Event history download (CSV): its columns name each event, its time, source and user name, not the role each call was made with (the record's userIdentity), so none of its calls can be counted for a function and they are missing from the usage; export the trail's log files from its S3 bucket (AWSLogs/<account>/CloudTrail/…), or give `aws cloudtrail lookup-events` output (JSON) instead";
