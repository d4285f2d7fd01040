/**
 * The reference extraction: a parsed CloudTrail record (object) → UsageEvent. Used for formats
 * that need a full parse anyway (lookup-events, CloudTrail Lake, EventBridge envelopes, JSON
 * Lines with odd shapes) and as the oracle the byte scanner is tested against.
 */

import { PARAM_KEYS, type RequestParams, type UsageEvent } from "./event.js";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

/** Which required field is missing or not a string, if any. */
export function missingField(rec: unknown): string | null {
  if (!isObj(rec)) return "record is not an object";
  for (const f of ["eventTime", "eventSource", "eventName"] as const) {
    if (typeof rec[f] !== "string") return `missing or non-string "${f}"`;
  }
  return null;
}

/** Extract a UsageEvent; the caller has checked `missingField(rec) === null`. */
export function eventFromRecord(rec: Obj): UsageEvent {
  const ui = isObj(rec.userIdentity) ? rec.userIdentity : null;
  const sc = ui && isObj(ui.sessionContext) ? ui.sessionContext : null;
  const si = sc && isObj(sc.sessionIssuer) ? sc.sessionIssuer : null;
  const resources: string[] = [];
  if (Array.isArray(rec.resources)) {
    for (const r of rec.resources) {
      if (isObj(r) && typeof r.ARN === "string") resources.push(r.ARN);
    }
  }
  const params: RequestParams = {};
  const rp = rec.requestParameters;
  if (isObj(rp)) {
    for (const k of PARAM_KEYS) {
      const v = rp[k];
      if (k === "names") {
        if (Array.isArray(v)) {
          const names = v.filter((x): x is string => typeof x === "string");
          if (names.length === v.length) params.names = names;
        }
      } else if (typeof v === "string") {
        (params as { [key: string]: string })[k] = v;
      }
    }
  }
  return {
    eventId: str(rec.eventID),
    eventTime: rec.eventTime as string,
    eventSource: rec.eventSource as string,
    eventName: rec.eventName as string,
    awsRegion: str(rec.awsRegion),
    recipientAccountId: str(rec.recipientAccountId),
    errorCode: str(rec.errorCode),
    eventType: str(rec.eventType),
    eventCategory: str(rec.eventCategory),
    managementEvent: typeof rec.managementEvent === "boolean" ? rec.managementEvent : null,
    identityType: ui ? str(ui.type) : null,
    principalArn: ui ? str(ui.arn) : null,
    principalId: ui ? str(ui.principalId) : null,
    identityAccountId: ui ? str(ui.accountId) : null,
    invokedBy: ui ? str(ui.invokedBy) : null,
    issuerArn: si ? str(si.arn) : null,
    resources,
    params,
  };
}
