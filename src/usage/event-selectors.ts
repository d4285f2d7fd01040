/**
 * A trail's (or event data store's) event selectors, as `aws cloudtrail get-event-selectors
 * --trail-name …` prints them (`{TrailARN, EventSelectors | AdvancedEventSelectors}`) or
 * `get-event-data-store` (`{EventDataStoreArn, AdvancedEventSelectors, …}`): what its management
 * events include. With them, what the trail logs is known rather than judged from the records
 * (trail-gaps.ts): a WriteOnly trail, or one excluding AWS KMS events, however few records there are.
 *
 * Basic selectors (CloudTrail API Reference, EventSelector): IncludeManagementEvents (default
 * true), ReadWriteType (All, ReadOnly, WriteOnly; default All), ExcludeManagementEventSources
 * (kms.amazonaws.com, rdsdata.amazonaws.com). Advanced selectors (AdvancedFieldSelector): a
 * selector with `eventCategory` Equals `Management` logs management events, `readOnly` Equals
 * `true` or `false` narrows them to reads or writes, and `eventSource` NotEquals excludes sources.
 * Several selectors, and several trails given together, log the union of what each logs.
 * Data-event selectors are not read here: data events stay as `usage.dataEventsLogged` says.
 */

import type { TrailStatement } from "./trail-gaps.js";

export interface TrailSelectors {
  /** The trail's or event data store's ARN. */
  trail: string;
  /** Whether some selector logs read management events, and one logs them with AWS KMS's. */
  readEvents: boolean;
  kmsEvents: boolean;
}

type Obj = { [k: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/** get-event-selectors or get-event-data-store output. */
export function isEventSelectorsOutput(doc: unknown): doc is Obj {
  if (!isObj(doc)) return false;
  const arn = typeof doc.TrailARN === "string" || typeof doc.EventDataStoreArn === "string";
  return arn && (Array.isArray(doc.EventSelectors) || Array.isArray(doc.AdvancedEventSelectors));
}

const KMS = "kms.amazonaws.com";

export function parseEventSelectors(doc: Obj): TrailSelectors {
  const trail = (typeof doc.TrailARN === "string" ? doc.TrailARN : doc.EventDataStoreArn) as string;
  let readEvents = false;
  let kmsEvents = false;
  for (const sel of Array.isArray(doc.EventSelectors) ? doc.EventSelectors : []) {
    if (!isObj(sel) || sel.IncludeManagementEvents === false) continue;
    const rw = typeof sel.ReadWriteType === "string" ? sel.ReadWriteType : "All";
    const reads = rw === "All" || rw === "ReadOnly";
    const kms = !strings(sel.ExcludeManagementEventSources).includes(KMS);
    readEvents ||= reads;
    kmsEvents ||= kms;
  }
  for (const sel of Array.isArray(doc.AdvancedEventSelectors) ? doc.AdvancedEventSelectors : []) {
    if (!isObj(sel)) continue;
    const fields = (Array.isArray(sel.FieldSelectors) ? sel.FieldSelectors : []).filter(isObj);
    const field = (name: string) => fields.find((f) => f.Field === name);
    if (!strings(field("eventCategory")?.Equals).includes("Management")) continue;
    const readOnly = field("readOnly");
    const reads = readOnly === undefined || strings(readOnly.Equals).includes("true") || (readOnly.Equals === undefined && !strings(readOnly.NotEquals).includes("true"));
    const source = field("eventSource");
    const kms = source === undefined || (!strings(source.NotEquals).includes(KMS) && (source.Equals === undefined || strings(source.Equals).includes(KMS)));
    readEvents ||= reads;
    kmsEvents ||= kms;
  }
  return { trail, readEvents, kmsEvents };
}

/** What the trails given together log, as trail-gaps.ts takes it; nothing when none was given. */
export function statementOfTrails(trails: readonly TrailSelectors[]): TrailStatement {
  if (trails.length === 0) return {};
  const names = [...new Set(trails.map((t) => t.trail))].sort();
  const by = `the event selectors of ${names.length === 1 ? names[0] : `${names.length} trails`}`;
  return { reads: { logged: trails.some((t) => t.readEvents), by }, kms: { logged: trails.some((t) => t.kmsEvents), by } };
}
