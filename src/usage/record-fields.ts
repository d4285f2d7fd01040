/**
 * The reference extraction: a parsed CloudTrail record (object) → UsageEvent. Used for formats
 * that need a full parse anyway (lookup-events, CloudTrail Lake, EventBridge envelopes, JSON
 * Lines with odd shapes) and as the oracle the byte scanner is tested against.
 */

import { isListParamKey, isSetParamKey, PARAM_KEYS, SET_PARAM_KEYS, type RequestParams, type UsageEvent } from "./event.js";
import { ddbItems } from "./ddb-items.js";
import { secretBatchEventName } from "./secret-batches.js";
import { assumeRoleEventName } from "./session-tags.js";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

/**
 * CloudTrail Insights events (`eventType: "AwsCloudTrailInsight"`) say that a call rate or error
 * rate was unusual; the API they are about is inside `insightDetails`, so they have no top-level
 * eventSource and eventName. They are no calls: the readers leave them out without making the data
 * partial, and say how many once per file.
 */
export const INSIGHT_EVENT_TYPE = "AwsCloudTrailInsight";
/** The reason missingField and the scanners give for an Insights event (the readers count it apart). */
export const INSIGHT_RECORD = "a CloudTrail Insights event, not an API call";

/** Which required field is missing or not a string, if any (INSIGHT_RECORD for an Insights event). */
export function missingField(rec: unknown): string | null {
  if (!isObj(rec)) return "record is not an object";
  for (const f of ["eventTime", "eventSource", "eventName"] as const) {
    if (typeof rec[f] !== "string") return f === "eventSource" && rec.eventType === INSIGHT_EVENT_TYPE ? INSIGHT_RECORD : `missing or non-string "${f}"`;
  }
  return null;
}

/** The userIdentity fields usage reads (UsageEvent's names). */
export type IdentityFields = Pick<UsageEvent, "identityType" | "principalArn" | "principalId" | "invokedBy" | "issuerArn" | "issuedToFunction"> & { accountId: string | null };

/**
 * `userIdentity.inScopeOf.issuerType` of the credentials Lambda issues to a function from its
 * execution role (CloudTrail user guide, "CloudTrail userIdentity element"; Lambda developer
 * guide, "Using source function ARN to control function access behavior"): then
 * `credentialsIssuedTo` is the function's ARN.
 */
export const LAMBDA_ISSUER_TYPE = "AWS::Lambda::Function";

/** The function an inScopeOf's type and credentialsIssuedTo (strings or null) name: the ARN when the issuer is a Lambda function, else null. */
export function issuedToFunctionOf(issuerType: string | null, credentialsIssuedTo: string | null): string | null {
  return issuerType === LAMBDA_ISSUER_TYPE ? credentialsIssuedTo : null;
}

/** The fields of a parsed userIdentity value (anything but an object gives all nulls). */
export function identityFields(ui: unknown): IdentityFields {
  const u = isObj(ui) ? ui : null;
  const sc = u && isObj(u.sessionContext) ? u.sessionContext : null;
  const si = sc && isObj(sc.sessionIssuer) ? sc.sessionIssuer : null;
  const scope = u && isObj(u.inScopeOf) ? u.inScopeOf : null;
  return {
    identityType: u ? str(u.type) : null,
    principalArn: u ? str(u.arn) : null,
    principalId: u ? str(u.principalId) : null,
    accountId: u ? str(u.accountId) : null,
    invokedBy: u ? str(u.invokedBy) : null,
    issuerArn: si ? str(si.arn) : null,
    issuedToFunction: scope ? issuedToFunctionOf(str(scope.issuerType), str(scope.credentialsIssuedTo)) : null,
  };
}

/** Extract a UsageEvent; the caller has checked `missingField(rec) === null`. */
export function eventFromRecord(rec: Obj): UsageEvent {
  const ui = identityFields(rec.userIdentity);
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
      if (isListParamKey(k)) {
        if (Array.isArray(v)) {
          const list = v.filter((x): x is string => typeof x === "string");
          if (list.length === v.length) params[k] = list;
        }
      } else if (isSetParamKey(k)) {
        const ids = setIds(v, SET_PARAM_KEYS[k]);
        if (ids !== null) params[k] = ids;
      } else if (typeof v === "string") {
        (params as { [key: string]: string })[k] = v;
      }
    }
  }
  const ev: UsageEvent = {
    eventId: str(rec.eventID),
    sharedEventId: str(rec.sharedEventID),
    eventTime: rec.eventTime as string,
    eventSource: rec.eventSource as string,
    eventName: rec.eventName as string,
    awsRegion: str(rec.awsRegion),
    recipientAccountId: str(rec.recipientAccountId),
    errorCode: str(rec.errorCode),
    errorMessage: typeof rec.errorCode === "string" ? str(rec.errorMessage) : null,
    eventType: str(rec.eventType),
    eventCategory: str(rec.eventCategory),
    managementEvent: typeof rec.managementEvent === "boolean" ? rec.managementEvent : null,
    readOnly: typeof rec.readOnly === "boolean" ? rec.readOnly : null,
    identityType: ui.identityType,
    principalArn: ui.principalArn,
    principalId: ui.principalId,
    identityAccountId: ui.accountId,
    invokedBy: ui.invokedBy,
    issuerArn: ui.issuerArn,
    issuedToFunction: ui.issuedToFunction,
    resources,
    params,
  };
  // A DynamoDB call's items (a list of objects), each counted by what it does (ddb-items.ts); only
  // set when all could be read, so the event of any other record is as before.
  const items = isObj(rp) && rp.requestItems !== undefined ? ddbItems(ev.eventSource, ev.eventName, rp.requestItems) : null;
  if (items !== null) ev.items = items;
  // A Secrets Manager BatchGetSecretValue by filters or by secret ids (secret-batches.ts).
  // An STS AssumeRole that passes session tags or a source identity (session-tags.ts).
  const countedAs = secretBatchEventName(ev.eventSource, ev.eventName, rp) ?? assumeRoleEventName(ev.eventSource, ev.eventName, rp);
  if (countedAs !== null) ev.countedAs = countedAs;
  return ev;
}

/**
 * An EC2 set (`{"items": [{"instanceId": "i-…"}, …]}`, event.ts SET_PARAM_KEYS) → its items' ids;
 * null unless `items` is an array of objects each with a string `idKey`. Also for the query rows,
 * whose column holds the set's JSON text (query-rows.ts).
 */
export function setIds(v: unknown, idKey: string): string[] | null {
  if (!isObj(v) || !Array.isArray(v.items)) return null;
  const out: string[] = [];
  for (const item of v.items) {
    const id = isObj(item) ? item[idKey] : undefined;
    if (typeof id !== "string") return null;
    out.push(id);
  }
  return out;
}

/**
 * One record's text through JSON.parse and eventFromRecord, for the few records a scanner hands to
 * the full parser (ddb-items.ts): null when it is not valid JSON (a scanner checks the values it
 * skips for balance only) or lacks a required field; the caller then counts it as scanned.
 */
export function eventFromText(text: string): UsageEvent | null {
  let rec: unknown;
  try {
    rec = JSON.parse(text);
  } catch {
    return null;
  }
  return missingField(rec) === null ? eventFromRecord(rec as Obj) : null;
}
