/**
 * A trail's (or event data store's) event selectors, as `aws cloudtrail get-event-selectors
 * --trail-name …` prints them (`{TrailARN, EventSelectors | AdvancedEventSelectors}`) or
 * `get-event-data-store` (`{EventDataStoreArn, AdvancedEventSelectors, …}`): what its management
 * events include. With them, what the trail logs is known rather than judged from the records
 * (trail-gaps.ts): a WriteOnly trail, or one excluding AWS KMS events, however few records there are.
 *
 * Basic selectors (CloudTrail API Reference, EventSelector): IncludeManagementEvents (default
 * true), ReadWriteType (All, ReadOnly, WriteOnly; default All: a ReadOnly trail logs no write), ExcludeManagementEventSources
 * (kms.amazonaws.com, rdsdata.amazonaws.com). Advanced selectors (AdvancedFieldSelector): a
 * selector with `eventCategory` Equals `Management` logs management events, `readOnly` Equals
 * `true` or `false` narrows them to reads or writes, and `eventSource` NotEquals excludes sources.
 * Several selectors, and several trails given together, log the union of what each logs.
 *
 * Data events (CloudTrail user guide, "Logging data events"; API Reference, DataResource): a basic
 * selector's DataResources name a type (AWS::S3::Object, AWS::Lambda::Function,
 * AWS::DynamoDB::Table) and ARN prefixes, where the service's bare prefix (`arn:aws:s3`,
 * `arn:aws:s3:::`, `arn:aws:lambda`, `arn:aws:dynamodb`) means every resource, current and future;
 * its ReadWriteType applies to them too. An advanced selector with `eventCategory` Equals `Data`
 * names one `resources.type`; `readOnly` narrows it to reads or writes, and any other field
 * (`resources.ARN`, `eventName`, `userIdentity.arn` …) to some calls only. A type is logged `all`
 * when some selectors log every resource of it for reads and for writes, without another filter:
 * only then is a call missing from the logs a call not made (labels.ts, generate's unlogged.ts).
 */

import type { DataEventTypeCoverage } from "../model/usage.js";
import { isObjectPrefix } from "./data-event-scope.js";
import type { TrailStatement } from "./trail-gaps.js";

export interface TrailSelectors {
  /** The trail's or event data store's ARN. */
  trail: string;
  /** Whether some selector logs read management events, and one logs them with AWS KMS's. */
  readEvents: boolean;
  kmsEvents: boolean;
  /** Whether some selector logs write management events (absent in values made before it existed: taken as true). */
  writeEvents?: boolean;
  /** Per data-event resource type a selector names (sorted by type): what it logs of it. */
  dataEvents?: DataEventSelection[];
}

/** What one trail's selectors log of a data-event resource type: its read events and its write events. */
export interface DataEventSelection {
  /** `resources.type`, e.g. AWS::S3::Object. */
  type: string;
  /** `all`: every resource's; `some`: fewer (see `limits`); `none`. */
  reads: "all" | "some" | "none";
  writes: "all" | "some" | "none";
  /** What keeps them from `all` (sorted, e.g. "reads only", "resources.ARN StartsWith arn:aws:s3:::logs/"); empty when both are. */
  limits: string[];
  /**
   * AWS::S3::Object only: the object ARN prefixes whose reads, and whose writes, are logged in full
   * when not every object's are (data-event-scope.ts). Absent when none is known.
   */
  readPrefixes?: string[];
  writePrefixes?: string[];
}


type Obj = { [k: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/**
 * Whether a field selector filters with the operator. CloudTrail prints every operator of a field,
 * the unused ones as empty lists (`"StartsWith": [], "NotEndsWith": []`, the CloudTrail user
 * guide's get-event-selectors output): an empty list filters nothing.
 */
function has(f: Obj, op: string): boolean {
  const v = f[op];
  // Anything but a list (not what CloudTrail writes) is taken to filter: never read as "all".
  return Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null;
}

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
  let writeEvents = false;
  let kmsEvents = false;
  const data = new DataEventUnion();
  for (const sel of Array.isArray(doc.EventSelectors) ? doc.EventSelectors : []) {
    if (!isObj(sel)) continue;
    const rw = typeof sel.ReadWriteType === "string" ? sel.ReadWriteType : "All";
    // Data resources are logged whatever IncludeManagementEvents says.
    for (const r of Array.isArray(sel.DataResources) ? sel.DataResources : []) {
      if (isObj(r) && typeof r.Type === "string") data.addBasic(r.Type, strings(r.Values), rw);
    }
    if (sel.IncludeManagementEvents === false) continue;
    const reads = rw === "All" || rw === "ReadOnly";
    const kms = !strings(sel.ExcludeManagementEventSources).includes(KMS);
    readEvents ||= reads;
    writeEvents ||= rw === "All" || rw === "WriteOnly";
    kmsEvents ||= kms;
  }
  for (const sel of Array.isArray(doc.AdvancedEventSelectors) ? doc.AdvancedEventSelectors : []) {
    if (!isObj(sel)) continue;
    const fields = (Array.isArray(sel.FieldSelectors) ? sel.FieldSelectors : []).filter(isObj);
    const field = (name: string) => fields.find((f) => f.Field === name);
    if (strings(field("eventCategory")?.Equals).includes("Data")) {
      data.addAdvanced(fields);
      continue;
    }
    if (!strings(field("eventCategory")?.Equals).includes("Management")) continue;
    const readOnly = field("readOnly");
    const only = readOnly === undefined ? null : readOnlyValue(readOnly);
    const source = field("eventSource");
    const kms = source === undefined || (!strings(source.NotEquals).includes(KMS) && (!has(source, "Equals") || strings(source.Equals).includes(KMS)));
    readEvents ||= only !== "false";
    writeEvents ||= only !== "true";
    kmsEvents ||= kms;
  }
  const dataEvents = data.selections();
  return dataEvents.length > 0 ? { trail, readEvents, writeEvents, kmsEvents, dataEvents } : { trail, readEvents, writeEvents, kmsEvents };
}

/** How much of a type's read (or write) events the selectors so far log. */
type Reach = "all" | "some" | "none";

/**
 * The union of a trail's data-event selectors, per resource type: its reads and its writes each
 * reach every resource (`all`), some (`some`) or none, with what limited a `some`.
 */
class DataEventUnion {
  private readonly byType = new Map<string, { reads: Reach; writes: Reach; limits: Set<string>; readPrefixes: Set<string>; writePrefixes: Set<string> }>();

  /** A basic selector's DataResource: the service's bare ARN prefix means every resource. */
  addBasic(type: string, values: string[], readWriteType: string): void {
    const every = values.some((v) => isWholeServicePrefix(type, v));
    const scope: Reach = every ? "all" : values.length > 0 ? "some" : "none";
    const limits = every || values.length === 0 ? [] : [`${values.length} resource ARN prefix${values.length === 1 ? "" : "es"} (${values.slice(0, 3).join(", ")}${values.length > 3 ? " …" : ""})`];
    const reads = readWriteType === "WriteOnly" ? "none" : scope;
    const writes = readWriteType === "ReadOnly" ? "none" : scope;
    // S3 object prefixes (a bucket and a slash, then a key prefix): their calls are all logged.
    const prefixes = type === "AWS::S3::Object" && scope === "some" ? values.filter(isObjectPrefix) : [];
    this.add(type, reads, writes, [...limits, ...(readWriteType === "ReadOnly" ? ["reads only"] : readWriteType === "WriteOnly" ? ["writes only"] : [])], reads === "none" ? [] : prefixes, writes === "none" ? [] : prefixes);
  }

  /** An advanced selector of eventCategory Data: one resources.type, narrowed by readOnly and by any other field. */
  addAdvanced(fields: Obj[]): void {
    const types = strings(fields.find((f) => f.Field === "resources.type")?.Equals);
    if (types.length === 0) return;
    let reads: Reach = "all";
    let writes: Reach = "all";
    const limits: string[] = [];
    for (const f of fields) {
      const name = typeof f.Field === "string" ? f.Field : "";
      if (name === "eventCategory" || name === "resources.type") continue;
      if (name === "readOnly") {
        const only = readOnlyValue(f);
        if (only === "true") {
          writes = "none";
          limits.push("reads only");
        } else if (only === "false") {
          reads = "none";
          limits.push("writes only");
        }
        continue;
      }
      const ops = ["Equals", "StartsWith", "EndsWith", "NotEquals", "NotStartsWith", "NotEndsWith"].filter((op) => has(f, op));
      for (const op of ops) limits.push(`${name} ${op} ${strings(f[op]).join(", ")}`.trim());
    }
    // Any filter but readOnly leaves some calls of the type out.
    const narrowed = limits.some((l) => l !== "reads only" && l !== "writes only");
    if (narrowed) {
      if (reads === "all") reads = "some";
      if (writes === "all") writes = "some";
    }
    // S3 objects filtered by resources.ARN StartsWith alone (with readOnly at most): the prefixes' calls are all logged.
    const others = fields.filter((f) => f.Field !== "eventCategory" && f.Field !== "resources.type" && f.Field !== "readOnly");
    const arn = others.length === 1 && others[0]?.Field === "resources.ARN" ? others[0] : undefined;
    const onlyStartsWith = arn !== undefined && ["Equals", "EndsWith", "NotEquals", "NotStartsWith", "NotEndsWith"].every((op) => !has(arn, op));
    const prefixes = onlyStartsWith && types.length === 1 && types[0] === "AWS::S3::Object" ? strings(arn?.StartsWith).filter(isObjectPrefix) : [];
    for (const type of types) this.add(type, reads, writes, limits, reads === "none" ? [] : prefixes, writes === "none" ? [] : prefixes);
  }

  add(type: string, reads: Reach, writes: Reach, limits: readonly string[], readPrefixes: readonly string[] = [], writePrefixes: readonly string[] = []): void {
    const e = this.byType.get(type) ?? { reads: "none" as Reach, writes: "none" as Reach, limits: new Set<string>(), readPrefixes: new Set<string>(), writePrefixes: new Set<string>() };
    e.reads = wider(e.reads, reads);
    e.writes = wider(e.writes, writes);
    for (const l of limits) e.limits.add(l);
    for (const p of readPrefixes) e.readPrefixes.add(p);
    for (const p of writePrefixes) e.writePrefixes.add(p);
    this.byType.set(type, e);
  }

  selections(): DataEventSelection[] {
    return [...this.byType]
      .filter(([, e]) => e.reads !== "none" || e.writes !== "none")
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([type, e]) => {
        const out: DataEventSelection = { type, reads: e.reads, writes: e.writes, limits: e.reads === "all" && e.writes === "all" ? [] : [...e.limits].sort() };
        if (e.reads !== "all" && e.readPrefixes.size > 0) out.readPrefixes = [...e.readPrefixes].sort();
        if (e.writes !== "all" && e.writePrefixes.size > 0) out.writePrefixes = [...e.writePrefixes].sort();
        return out;
      });
  }
}

function wider(a: Reach, b: Reach): Reach {
  return a === "all" || b === "all" ? "all" : a === "some" || b === "some" ? "some" : "none";
}

/** `readOnly`'s value as a field selector gives it ("true", "false"), or null when it does not narrow. */
function readOnlyValue(f: Obj): "true" | "false" | null {
  const eq = strings(f.Equals);
  if (eq.length === 1) return eq[0] === "true" ? "true" : eq[0] === "false" ? "false" : null;
  const ne = strings(f.NotEquals);
  if (ne.length === 1) return ne[0] === "true" ? "false" : ne[0] === "false" ? "true" : null;
  return null;
}

/**
 * A basic DataResource value meaning every resource of its type: the service's bare ARN prefix in
 * any partition (`arn:aws:s3`, `arn:aws:s3:::`, `arn:aws-cn:lambda`, `arn:aws:dynamodb`).
 */
function isWholeServicePrefix(type: string, value: string): boolean {
  const service = type === "AWS::S3::Object" ? "s3" : type === "AWS::Lambda::Function" ? "lambda" : type === "AWS::DynamoDB::Table" ? "dynamodb" : null;
  if (service === null) return false;
  return new RegExp(`^arn:aws(?:-[a-z-]+)?:${service}(?::+)?$`).test(value);
}

/**
 * What the trails given together log of each data-event type (sorted by type): `all` when between
 * them every resource's reads and writes are logged, else `some` with the trails' limits; `by`
 * names the trails whose selectors name the type.
 */
export function dataEventsOfTrails(trails: readonly TrailSelectors[]): DataEventTypeCoverage[] {
  // The trails' selections joined as one trail's selectors are (DataEventUnion).
  const union = new DataEventUnion();
  const by = new Map<string, Set<string>>();
  for (const t of trails) {
    for (const d of t.dataEvents ?? []) {
      union.add(d.type, d.reads, d.writes, d.limits, d.readPrefixes, d.writePrefixes);
      by.set(d.type, (by.get(d.type) ?? new Set<string>()).add(t.trail));
    }
  }
  return union.selections().map((d) => {
    const all = d.reads === "all" && d.writes === "all";
    const out: DataEventTypeCoverage = { type: d.type, logged: all ? "all" : "some", limits: d.limits, statedBy: [...(by.get(d.type) ?? [])].sort() };
    const prefixes = all ? [] : bothLogged(d.reads === "all" ? null : (d.readPrefixes ?? []), d.writes === "all" ? null : (d.writePrefixes ?? []));
    if (prefixes.length > 0) out.prefixes = prefixes;
    // One class logged for every resource (a write-only trail's writes): its actions are judged.
    if (!all && (d.reads === "all" || d.writes === "all")) out.loggedEverywhere = d.reads === "all" ? "reads" : "writes";
    // One class logged in full under some prefixes (a write-only selector on a bucket): said when
    // that reaches beyond the prefixes both classes are logged under.
    const beyond = (list: string[] | undefined) => (list ?? []).some((p) => !prefixes.some((q) => p.startsWith(q)));
    if (!all && d.reads !== "all" && beyond(d.readPrefixes)) out.readPrefixes = [...(d.readPrefixes ?? [])].sort();
    if (!all && d.writes !== "all" && beyond(d.writePrefixes)) out.writePrefixes = [...(d.writePrefixes ?? [])].sort();
    return out;
  });
}

/**
 * The prefixes under which both reads and writes are logged (null: every object's are): a read
 * prefix inside a write prefix, or the other way round.
 */
function bothLogged(reads: string[] | null, writes: string[] | null): string[] {
  if (reads === null) return [...(writes ?? [])].sort();
  if (writes === null) return [...reads].sort();
  const inside = (p: string, of: string[]) => of.some((q) => p.startsWith(q));
  return [...new Set([...reads.filter((p) => inside(p, writes)), ...writes.filter((p) => inside(p, reads))])].sort();
}

/** `the event selectors of <trail>`, or `of <n> trails`: who says what the logs hold. */
export function selectorsOf(trails: readonly string[]): string {
  return `the event selectors of ${trails.length === 1 ? trails[0] : `${trails.length} trails`}`;
}

/** What the trails given together log, as trail-gaps.ts takes it; nothing when none was given. */
export function statementOfTrails(trails: readonly TrailSelectors[]): TrailStatement {
  if (trails.length === 0) return {};
  const by = selectorsOf([...new Set(trails.map((t) => t.trail))].sort());
  return {
    reads: { logged: trails.some((t) => t.readEvents), by },
    writes: { logged: trails.some((t) => t.writeEvents !== false), by },
    kms: { logged: trails.some((t) => t.kmsEvents), by },
  };
}
