/**
 * A byte scanner for CloudTrail files that reads only the fields usage needs.
 *
 * Why: JSON.parse of a 1.4 KB record builds ~60 objects and strings of which usage reads ~15;
 * parsing is three quarters of ingestion time. This walks the bytes once, decodes only the values
 * of the keys in UsageEvent, and skips everything else (responseElements, userAgent, tlsDetails,
 * additionalEventData …) with a tight loop that only tracks strings and bracket depth.
 *
 * Scope: the two bulk shapes, `{"Records":[…]}` (S3 delivery) and a bare array of records. Any
 * other top-level shape returns `null` and the caller falls back to the full parser, which knows
 * lookup-events, Lake results, EventBridge envelopes and JSON Lines.
 *
 * Semantics match JSON.parse + record-fields.ts on valid JSON (test/usage/scan-records.test.ts
 * holds them equal over the corpus and over generated records): duplicate keys, last one wins;
 * escaped strings and non-ASCII are decoded by JSON.parse of the string's own bytes. Skipped
 * values are checked only for balanced brackets and terminated strings, not full JSON grammar.
 */

import { isSetParamKey, PARAM_KEYS, RECORD_KEYS, SET_PARAM_KEYS, type RequestParams, type UsageEvent } from "./event.js";
import { eventFromText, INSIGHT_EVENT_TYPE, INSIGHT_RECORD, issuedToFunctionOf } from "./record-fields.js";
import { DDB_ITEM_CALLS, DYNAMODB_SOURCE } from "./ddb-items.js";
import { isSecretBatch } from "./secret-batches.js";
import { parseAssumeRoleWhole } from "./session-tags.js";

export class ScanError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export interface ScanSink {
  /** A record with the required fields. `index` is its position in the Records array. */
  event(ev: UsageEvent, index: number): void;
  /** A record that lacks a required field, or is not an object. */
  skipped(index: number, offset: number, reason: string): void;
}

export interface ScanOutcome {
  format: "records" | "array";
  records: number;
  /** Set when the bytes end or break before the structure does (truncated or corrupt file). */
  error: ScanError | null;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Keys are matched by length then bytes: no string is created for a key that is not wanted. */
class KeySet {
  /** Per key length: the candidate keys' bytes and ids (plain arrays, indexed loops: this runs per key). */
  private readonly bytesByLength: Uint8Array[][] = [];
  private readonly idsByLength: number[][] = [];
  private readonly byName = new Map<string, number>();
  constructor(keys: readonly string[]) {
    keys.forEach((k, id) => {
      const bytes = Buffer.from(k, "latin1");
      (this.bytesByLength[bytes.length] ??= []).push(new Uint8Array(bytes));
      (this.idsByLength[bytes.length] ??= []).push(id);
      this.byName.set(k, id);
    });
    for (let l = 0; l < this.bytesByLength.length; l++) {
      this.bytesByLength[l] ??= [];
      this.idsByLength[l] ??= [];
    }
  }
  /** Id of the key in b[s, e) (unescaped bytes), or -1. */
  match(b: Uint8Array, s: number, e: number): number {
    const len = e - s;
    if (len >= this.bytesByLength.length) return -1;
    const cands = this.bytesByLength[len] as Uint8Array[];
    for (let c = 0; c < cands.length; c++) {
      const bytes = cands[c] as Uint8Array;
      let j = 0;
      while (j < len && b[s + j] === bytes[j]) j++;
      if (j === len) return (this.idsByLength[len] as number[])[c] as number;
    }
    return -1;
  }
  lookup(name: string): number {
    return this.byName.get(name) ?? -1;
  }
}

const R = Object.fromEntries(RECORD_KEYS.map((k, i) => [k, i])) as { [K in (typeof RECORD_KEYS)[number]]: number };
const REC = new KeySet(RECORD_KEYS);
const UI_KEYS = new KeySet(["type", "arn", "principalId", "accountId", "invokedBy", "sessionContext", "inScopeOf"]);
const SC_KEYS = new KeySet(["sessionIssuer"]);
const SI_KEYS = new KeySet(["arn"]);
/** userIdentity.inScopeOf: which resource the credentials were issued to (record-fields.ts issuedToFunctionOf). */
const SCOPE_KEYS = new KeySet(["issuerType", "credentialsIssuedTo"]);
const RES_KEYS = new KeySet(["ARN"]);
// requestItems after the keys read: a DynamoDB multi-item call's items (ddb-items.ts), a list of
// objects this scanner does not read; its record is handed to the full parser (see `record`).
const PARAMS = new KeySet([...PARAM_KEYS, "requestItems"]);
const REQUEST_ITEMS_ID = PARAM_KEYS.length;
const NAMES_ID = PARAMS.lookup("names");
const SERVICES_ID = PARAMS.lookup("services");
const KEY_ID = PARAMS.lookup("key");
const VERSION_ID = PARAMS.lookup("versionId");
const TOP_KEYS = new KeySet(["Records"]);
/** An EC2 set's keys (`items`), and its items' id keys, in SET_PARAM_KEYS order (event.ts). */
const SET_KEYS = new KeySet(["items"]);
const ITEM_KEYS = new KeySet(Object.values(SET_PARAM_KEYS));
/** Shared by the many records without resources or parameters (frozen: events are read-only). */
const NO_RESOURCES: string[] = Object.freeze([]) as unknown as string[];
const NO_PARAMS: RequestParams = Object.freeze({}) as RequestParams;
const INTERN_MASK = 4095;
const UI_CACHE_MASK = 1023;
/** Entries per userIdentity cache slot, and how many leading bytes choose the slot. */
const UI_WAYS = 4;
const UI_PREFIX = 96;
const UI_CACHE: (UiEntry | undefined)[] = new Array((UI_CACHE_MASK + 1) * UI_WAYS);
const INTERN_MAX_LENGTH = 160;

export class RecordScanner {
  private i = 0;
  private readonly n: number;
  /** Set by skipString: the string had a backslash escape or a non-ASCII byte. */
  private esc = false;
  private readonly latin1: (s: number, e: number) => string;
  private readonly utf8: (s: number, e: number) => string;

  /** The event object handed out for every record when the sink does not keep events. */
  private readonly reuse: UsageEvent | null;

  constructor(
    private readonly b: Buffer,
    reuseEvent = false,
  ) {
    this.reuse = reuseEvent ? { eventId: null, sharedEventId: null, eventTime: "", eventSource: "", eventName: "", awsRegion: null, recipientAccountId: null, errorCode: null, errorMessage: null, eventType: null, eventCategory: null, managementEvent: null, readOnly: null, identityType: null, principalArn: null, principalId: null, identityAccountId: null, invokedBy: null, issuerArn: null, issuedToFunction: null, resources: NO_RESOURCES, params: NO_PARAMS } : null;
    this.n = b.length;
    // Bound once: Buffer#toString re-validates its arguments on every call.
    const buf = b as Buffer & { latin1Slice?: (s: number, e: number) => string; utf8Slice?: (s: number, e: number) => string };
    this.latin1 = buf.latin1Slice ? buf.latin1Slice.bind(b) : (s, e) => b.toString("latin1", s, e);
    this.utf8 = buf.utf8Slice ? buf.utf8Slice.bind(b) : (s, e) => b.toString("utf8", s, e);
  }

  /** Scan the file. Returns null when the top level is not one of the two bulk shapes. */
  scan(sink: ScanSink): ScanOutcome | null {
    const b = this.b;
    if (this.n >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) this.i = 3;
    this.ws();
    const first = b[this.i];
    let records = 0;
    try {
      if (first === LBRACKET) {
        records = this.recordArray(sink);
        this.ws();
        if (this.i < this.n) throw new ScanError("unexpected data after the top-level array", this.i);
        return { format: "array", records, error: null };
      }
      if (first !== LBRACE) return null;
      // Look for a top-level "Records" key; other keys are skipped. No Records → not ours.
      const start = this.i;
      this.i++;
      this.ws();
      this.found = false;
      if (b[this.i] === RBRACE) {
        this.i++;
      } else {
        for (;;) {
          this.ws();
          if (b[this.i] !== QUOTE) throw new ScanError("expected a key", this.i);
          const id = this.key(TOP_KEYS);
          this.colon();
          if (id === 0 && b[this.i] === LBRACKET) {
            this.found = true;
            records += this.recordArray(sink, records);
          } else {
            this.skipValue();
          }
          if (this.endOfMember(RBRACE)) break;
        }
      }
      if (!this.found) {
        this.i = start;
        return null;
      }
      this.ws();
      if (this.i < this.n) throw new ScanError("unexpected data after the top-level object", this.i);
      return { format: "records", records, error: null };
    } catch (e) {
      // A broken object without Records is not ours: the full parser reports it.
      if (e instanceof ScanError && first === LBRACE && !this.found) return null;
      if (e instanceof ScanError) return { format: first === LBRACKET ? "array" : "records", records: this.emitted, error: e };
      throw e;
    }
  }

  /** See arrayStartsWithRecord. */
  firstArrayElementIsRecord(): boolean {
    const b = this.b;
    if (this.n >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) this.i = 3;
    this.ws();
    if (b[this.i] !== LBRACKET) return false;
    this.i++;
    this.ws();
    if (b[this.i] !== LBRACE) return b[this.i] === RBRACKET;
    try {
      return typeof this.record() !== "string";
    } catch {
      // Truncated inside the first record: let the scanner report it with its position.
      return true;
    }
  }

  private readonly vals: (string | null)[] = [null, null, null, null, null, null, null, null, null];
  /** Set by `params` when the record's requestParameters has requestItems; cleared by `record` as it starts. */
  private requestItems = false;
  private emitted = 0;
  private found = false;

  private recordArray(sink: ScanSink, base = 0): number {
    const b = this.b;
    this.i++; // [
    this.ws();
    let index = base;
    if (b[this.i] === RBRACKET) {
      this.i++;
      return 0;
    }
    for (;;) {
      this.ws();
      const at = this.i;
      if (b[at] === LBRACE) {
        const ev = this.record();
        if (typeof ev === "string") sink.skipped(index, at, ev);
        else sink.event(ev, index);
      } else {
        this.skipValue();
        sink.skipped(index, at, "record is not an object");
      }
      index++;
      this.emitted = index;
      if (this.endOfMember(RBRACKET)) break;
    }
    return index - base;
  }

  /** One record object → UsageEvent, or the reason it cannot be counted. */
  private record(): UsageEvent | string {
    const b = this.b;
    // One array per scanner, cleared per record (the event copies what it needs out of it).
    const vals = this.vals;
    vals.fill(null);
    let management: boolean | null = null;
    let readOnly: boolean | null = null;
    let ui: UiFields | null = null;
    let resources: string[] = NO_RESOURCES;
    let params: RequestParams = NO_PARAMS;
    // errorMessage is decoded after the record, and only when it has an errorCode (denials.ts).
    let messageAt = -1;
    let shared: string | null = null;
    const start = this.i;
    this.requestItems = false;
    this.i++; // {
    this.ws();
    if (b[this.i] === RBRACE) {
      this.i++;
    } else {
      for (;;) {
        this.ws();
        if (b[this.i] !== QUOTE) throw new ScanError("expected a key", this.i);
        const id = this.key(REC);
        this.colon();
        if (id < 0) {
          this.skipValue();
        } else if (id <= R.eventTime) {
          // eventID and eventTime are (nearly) unique per record: interning them only costs.
          vals[id] = this.plainStringOrNull();
        } else if (id <= R.eventCategory) {
          vals[id] = this.stringOrNull();
        } else if (id === R.managementEvent) {
          management = this.booleanOrNull();
        } else if (id === R.readOnly) {
          readOnly = this.booleanOrNull();
        } else if (id === R.userIdentity) {
          ui = b[this.i] === LBRACE ? this.cachedUserIdentity() : (this.skipValue(), null);
        } else if (id === R.resources) {
          resources = b[this.i] === LBRACKET ? this.resources() : (this.skipValue(), NO_RESOURCES);
        } else if (id === R.requestParameters) {
          params = b[this.i] === LBRACE ? this.params() : (this.skipValue(), NO_PARAMS);
        } else if (id === R.errorMessage) {
          messageAt = this.i;
          this.skipValue();
        } else if (id === R.sharedEventID) {
          shared = this.plainStringOrNull();
        } else {
          this.skipValue();
        }
        if (this.endOfMember(RBRACE)) break;
      }
    }
    const eventTime = vals[R.eventTime] ?? null;
    const eventSource = vals[R.eventSource] ?? null;
    const eventName = vals[R.eventName] ?? null;
    if (eventTime === null) return 'missing or non-string "eventTime"';
    if (eventSource === null) return vals[R.eventType] === INSIGHT_EVENT_TYPE ? INSIGHT_RECORD : 'missing or non-string "eventSource"';
    if (eventName === null) return 'missing or non-string "eventName"';
    // A DynamoDB multi-item call, a Secrets Manager BatchGetSecretValue or an STS AssumeRole
    // (session-tags.ts): what it needs is in
    // lists of its requestParameters (ddb-items.ts, secret-batches.ts), read by the full parser from
    // the record's bytes. Bytes that are not valid JSON (skipped values are only checked for
    // balance) leave the call as scanned, counted whole: as the WebAssembly reader does.
    if ((this.requestItems && DDB_ITEM_CALLS.has(eventName) && eventSource === DYNAMODB_SOURCE) || isSecretBatch(eventSource, eventName) || parseAssumeRoleWhole(eventSource, eventName, ui?.type)) {
      const whole = this.parsed(start, this.i);
      if (whole !== null) return whole;
    }
    const errorCode = vals[R.errorCode] ?? null;
    const errorMessage = errorCode === null || messageAt < 0 ? null : this.stringAt(messageAt);
    const ev = this.reuse;
    if (ev !== null) {
      // One event object per scanner, overwritten per record (see scanRecords' `reuseEvent`).
      ev.eventId = vals[R.eventID] ?? null;
      ev.sharedEventId = shared;
      ev.eventTime = eventTime;
      ev.eventSource = eventSource;
      ev.eventName = eventName;
      ev.awsRegion = vals[R.awsRegion] ?? null;
      ev.recipientAccountId = vals[R.recipientAccountId] ?? null;
      ev.errorCode = errorCode;
      ev.errorMessage = errorMessage;
      ev.eventType = vals[R.eventType] ?? null;
      ev.eventCategory = vals[R.eventCategory] ?? null;
      ev.managementEvent = management;
      ev.readOnly = readOnly;
      ev.identityType = ui?.type ?? null;
      ev.principalArn = ui?.arn ?? null;
      ev.principalId = ui?.principalId ?? null;
      ev.identityAccountId = ui?.accountId ?? null;
      ev.invokedBy = ui?.invokedBy ?? null;
      ev.issuerArn = ui?.issuerArn ?? null;
      ev.issuedToFunction = ui?.issuedToFunction ?? null;
      ev.resources = resources;
      ev.params = params;
      return ev;
    }
    return {
      eventId: vals[R.eventID] ?? null,
      sharedEventId: shared,
      eventTime,
      eventSource,
      eventName,
      awsRegion: vals[R.awsRegion] ?? null,
      recipientAccountId: vals[R.recipientAccountId] ?? null,
      errorCode,
      errorMessage,
      eventType: vals[R.eventType] ?? null,
      eventCategory: vals[R.eventCategory] ?? null,
      managementEvent: management,
      readOnly,
      identityType: ui?.type ?? null,
      principalArn: ui?.arn ?? null,
      principalId: ui?.principalId ?? null,
      identityAccountId: ui?.accountId ?? null,
      invokedBy: ui?.invokedBy ?? null,
      issuerArn: ui?.issuerArn ?? null,
      issuedToFunction: ui?.issuedToFunction ?? null,
      resources,
      params,
    };
  }

  /**
   * A session's userIdentity is byte-identical across its calls (same credentials; in the corpus,
   * 29 calls of one session share one userIdentity). Compare first, walk only on a miss: the
   * candidates are the recent userIdentities that began with the same bytes (a hash of the first
   * UI_PREFIX bytes picks a slot of UI_WAYS entries). If b[i, i + len) equals a cached value byte
   * for byte, the value at i IS that value (a JSON object ends where its bytes say, whatever
   * follows), so it is skipped without walking it: one native compare per candidate.
   */
  private cachedUserIdentity(): UiFields {
    const b = this.b;
    const s = this.i;
    const n = this.n;
    let h = 0;
    const pe = Math.min(n, s + UI_PREFIX);
    for (let k = s + 1; k < pe; k++) h = (Math.imul(h, 31) + (b[k] as number)) | 0;
    const base = ((h ^ (h >>> 15)) & UI_CACHE_MASK) * UI_WAYS;
    const cache = this.uiCache;
    for (let w = 0; w < UI_WAYS; w++) {
      const hit = cache[base + w];
      if (hit === undefined) break;
      const len = hit.bytes.length;
      // The prefix hash first: most entries of a slot began differently (no native call for them).
      if (hit.prefixHash === h && s + len <= n && b.compare(hit.bytes, 0, len, s, s + len) === 0) {
        this.i = s + len;
        if (w > 0) {
          // Move to the front: the next call of this session finds it first.
          cache[base + w] = cache[base] as UiEntry;
          cache[base] = hit;
        }
        return hit.fields;
      }
    }
    const fields = this.userIdentity();
    for (let w = UI_WAYS - 1; w > 0; w--) {
      const prev = cache[base + w - 1];
      if (prev !== undefined) cache[base + w] = prev;
    }
    cache[base] = { bytes: Buffer.from(b.subarray(s, this.i)), prefixHash: h, fields };
    return fields;
  }

  /**
   * Shared by the scanners of a thread: CloudTrail writes a file every ~5 minutes per region and a
   * Lambda session keeps its credentials for hours, so the next file repeats most identities.
   * Entries are whole byte strings, checked in full, so sharing cannot mix files up.
   */
  private readonly uiCache = UI_CACHE;

  private userIdentity(): UiFields {
    const b = this.b;
    const f: UiFields = { type: null, arn: null, principalId: null, accountId: null, invokedBy: null, issuerArn: null, issuedToFunction: null };
    this.object(UI_KEYS, (id) => {
      switch (id) {
        case 0: f.type = this.stringOrNull(); break;
        case 1: f.arn = this.stringOrNull(); break;
        case 2: f.principalId = this.stringOrNull(); break;
        case 3: f.accountId = this.stringOrNull(); break;
        case 4: f.invokedBy = this.stringOrNull(); break;
        case 5: {
          // sessionContext: a later duplicate replaces an earlier one, like JSON.parse.
          let issuer: string | null = null;
          if (b[this.i] === LBRACE) {
            this.object(SC_KEYS, () => {
              issuer = null;
              if (b[this.i] === LBRACE) {
                this.object(SI_KEYS, () => {
                  issuer = this.stringOrNull();
                });
              } else this.skipValue();
            });
          } else this.skipValue();
          f.issuerArn = issuer;
          break;
        }
        case 6: {
          // inScopeOf: read only when present (a record without it walks nothing more); a later
          // duplicate replaces an earlier one, at each level, like JSON.parse.
          let issuerType: string | null = null;
          let issuedTo: string | null = null;
          if (b[this.i] === LBRACE) {
            this.object(SCOPE_KEYS, (k) => {
              if (k === 0) issuerType = this.stringOrNull();
              else issuedTo = this.stringOrNull();
            });
          } else this.skipValue();
          f.issuedToFunction = issuedToFunctionOf(issuerType, issuedTo);
          break;
        }
        default: this.skipValue();
      }
    });
    return f;
  }

  private resources(): string[] {
    const b = this.b;
    const out: string[] = [];
    this.i++; // [
    this.ws();
    if (b[this.i] === RBRACKET) {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (b[this.i] === LBRACE) {
        let arn: string | null = null;
        this.object(RES_KEYS, () => {
          arn = this.stringOrNull();
        });
        if (arn !== null) out.push(arn);
      } else this.skipValue();
      if (this.endOfMember(RBRACKET)) break;
    }
    return out;
  }

  /** The record in b[s, e) through JSON.parse and record-fields.ts; null when it is not valid JSON. */
  private parsed(s: number, e: number): UsageEvent | null {
    return eventFromText(this.utf8(s, e));
  }

  private params(): RequestParams {
    const b = this.b;
    const p: { [k: string]: string | string[] } = {};
    this.object(PARAMS, (id) => {
      if (id === REQUEST_ITEMS_ID) {
        this.requestItems = true;
        this.skipValue();
        return;
      }
      const k = PARAM_KEYS[id] as string;
      if (id === NAMES_ID || id === SERVICES_ID) {
        delete p[k];
        if (b[this.i] === LBRACKET) {
          const names = this.stringArray();
          if (names !== null) p[k] = names;
        } else this.skipValue();
      } else if (isSetParamKey(k)) {
        delete p[k];
        if (b[this.i] === LBRACE) {
          const ids = this.idSet(ITEM_KEYS.lookup(SET_PARAM_KEYS[k]));
          if (ids !== null) p[k] = ids;
        } else this.skipValue();
      } else {
        // S3 object keys and version ids are mostly unique: not interned (see plainString).
        const v = id === KEY_ID || id === VERSION_ID ? this.plainStringOrNull() : this.stringOrNull();
        if (v === null) delete p[k];
        else p[k] = v;
      }
    });
    return p as RequestParams;
  }

  /**
   * An EC2 set at b[i] === '{' → its items' ids (record-fields.ts setIds): null unless its last
   * `items` is an array of objects each with a string id (key `idKey` of ITEM_KEYS, the last one).
   */
  private idSet(idKey: number): string[] | null {
    const b = this.b;
    let ids: string[] | null = null;
    this.object(SET_KEYS, () => {
      ids = null;
      if (b[this.i] !== LBRACKET) {
        this.skipValue();
        return;
      }
      const out: string[] = [];
      let all = true;
      this.i++;
      this.ws();
      if (b[this.i] === RBRACKET) {
        this.i++;
        ids = out;
        return;
      }
      for (;;) {
        this.ws();
        if (b[this.i] === LBRACE) {
          let id: string | null = null;
          this.object(ITEM_KEYS, (k) => {
            if (k === idKey) id = this.stringOrNull();
            else this.skipValue();
          });
          if (id === null) all = false;
          else out.push(id);
        } else {
          all = false;
          this.skipValue();
        }
        if (this.endOfMember(RBRACKET)) break;
      }
      ids = all ? out : null;
    });
    return ids;
  }

  /** An array whose elements are all strings, else null (and the array is skipped). */
  private stringArray(): string[] | null {
    const b = this.b;
    const out: string[] = [];
    let allStrings = true;
    this.i++;
    this.ws();
    if (b[this.i] === RBRACKET) {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (b[this.i] === QUOTE) out.push(this.string());
      else {
        allStrings = false;
        this.skipValue();
      }
      if (this.endOfMember(RBRACKET)) break;
    }
    return allStrings ? out : null;
  }

  /** Walk an object at b[i] === '{', calling `onKey` for wanted keys (positioned at the value). */
  private object(keys: KeySet, onKey: (id: number) => void): void {
    const b = this.b;
    this.i++;
    this.ws();
    if (b[this.i] === RBRACE) {
      this.i++;
      return;
    }
    for (;;) {
      this.ws();
      if (b[this.i] !== QUOTE) throw new ScanError("expected a key", this.i);
      const id = this.key(keys);
      this.colon();
      if (id < 0) this.skipValue();
      else onKey(id);
      if (this.endOfMember(RBRACE)) break;
    }
  }

  /** After a member: `,` → false (more follow), the closer → true. */
  private endOfMember(closer: number): boolean {
    this.ws();
    const c = this.b[this.i];
    if (c === COMMA) {
      this.i++;
      return false;
    }
    if (c === closer) {
      this.i++;
      return true;
    }
    throw new ScanError(this.i >= this.n ? "unexpected end of data" : `expected ',' or '${String.fromCharCode(closer)}'`, this.i);
  }

  private colon(): void {
    this.ws();
    if (this.b[this.i] !== COLON) throw new ScanError("expected ':'", this.i);
    this.i++;
    this.ws();
  }

  private key(keys: KeySet): number {
    const s = this.i;
    this.skipString();
    if (!this.esc) return keys.match(this.b, s + 1, this.i - 1);
    return keys.lookup(JSON.parse(this.utf8(s, this.i)) as string);
  }

  private stringOrNull(): string | null {
    if (this.b[this.i] === QUOTE) return this.string();
    this.skipValue();
    return null;
  }

  private booleanOrNull(): boolean | null {
    const b = this.b;
    const i = this.i;
    if (b[i] === 0x74 && b[i + 1] === 0x72 && b[i + 2] === 0x75 && b[i + 3] === 0x65) {
      this.i += 4;
      return true;
    }
    if (b[i] === 0x66 && b[i + 1] === 0x61 && b[i + 2] === 0x6c && b[i + 3] === 0x73 && b[i + 4] === 0x65) {
      this.i += 5;
      return false;
    }
    this.skipValue();
    return null;
  }

  /** The string value at byte `at` (null when it is not a string), without moving the scan. */
  private stringAt(at: number): string | null {
    const i = this.i;
    this.i = at;
    const v = this.plainStringOrNull();
    this.i = i;
    return v;
  }

  private plainStringOrNull(): string | null {
    if (this.b[this.i] === QUOTE) return this.plainString();
    this.skipValue();
    return null;
  }

  /**
   * A string value without interning (b[i] is '"'). For values that rarely repeat: interning them
   * costs a hash and evicts values that do repeat from the intern table.
   */
  private plainString(): string {
    const b = this.b;
    const n = this.n;
    const s = this.i;
    let i = s + 1;
    for (;;) {
      if (i >= n) throw new ScanError("unterminated string", s);
      const c = b[i] as number;
      if (c === QUOTE) break;
      if (c === BACKSLASH || c >= 0x80) {
        this.skipString();
        return JSON.parse(this.utf8(s, this.i)) as string;
      }
      i++;
    }
    this.i = i + 1;
    return this.latin1(s + 1, i);
  }

  private string(): string {
    const b = this.b;
    const n = this.n;
    const s = this.i;
    // Inline string walk with a hash of the bytes: repeated values (event names, regions, ARNs of
    // a session) are served from a small intern table instead of allocating a new string. A hit
    // is verified byte by byte, so a hash collision only costs a miss.
    let i = s + 1;
    let h = 0;
    for (;;) {
      if (i >= n) throw new ScanError("unterminated string", s);
      const c = b[i] as number;
      if (c === QUOTE) break;
      if (c === BACKSLASH || c >= 0x80) {
        this.skipString();
        return JSON.parse(this.utf8(s, this.i)) as string;
      }
      h = (Math.imul(h, 31) + c) | 0;
      i++;
    }
    this.i = i + 1;
    const len = i - s - 1;
    if (len > INTERN_MAX_LENGTH) return this.latin1(s + 1, i);
    const slot = (h ^ (h >>> 15)) & INTERN_MASK;
    const cached = this.intern[slot];
    if (cached !== undefined && cached.length === len) {
      let j = 0;
      const base = s + 1;
      while (j < len && cached.charCodeAt(j) === b[base + j]) j++;
      if (j === len) return cached;
    }
    const str = this.latin1(s + 1, i);
    this.intern[slot] = str;
    return str;
  }

  /** Per-scanner intern table (see `string`). */
  private readonly intern: (string | undefined)[] = new Array(INTERN_MASK + 1);

  /** b[i] is '"': move past the closing quote, noting escapes and non-ASCII bytes. */
  private skipString(): void {
    const b = this.b;
    const n = this.n;
    let i = this.i + 1;
    let esc = false;
    for (;;) {
      if (i >= n) throw new ScanError("unterminated string", this.i);
      const c = b[i] as number;
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        esc = true;
        i += 2;
        continue;
      }
      if (c >= 0x80) esc = true;
      i++;
    }
    this.esc = esc;
    this.i = i + 1;
  }

  /** Skip any value: strings and containers with a depth counter, scalars to the next delimiter. */
  private skipValue(): void {
    const b = this.b;
    const n = this.n;
    let i = this.i;
    const c0 = b[i];
    if (c0 === QUOTE) {
      this.i = this.skipQuoted(i);
      return;
    }
    if (c0 !== LBRACE && c0 !== LBRACKET) {
      while (i < n) {
        const c = b[i] as number;
        if (c === COMMA || c === RBRACE || c === RBRACKET || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) break;
        i++;
      }
      if (i === this.i) throw new ScanError(i >= n ? "unexpected end of data" : "expected a value", i);
      this.i = i;
      return;
    }
    let depth = 0;
    for (;;) {
      if (i >= n) throw new ScanError("unexpected end of data inside a value", this.i);
      const c = b[i] as number;
      if (c === QUOTE) {
        i = this.skipQuoted(i) - 1;
      } else if (c === LBRACE || c === LBRACKET) {
        depth++;
      } else if (c === RBRACE || c === RBRACKET) {
        depth--;
        if (depth === 0) {
          i++;
          break;
        }
      }
      i++;
    }
    this.i = i;
  }

  /**
   * b[at] is '"' of a string we do not decode: the closing quote is found with Buffer#indexOf
   * (native memchr) and accepted when an even number of backslashes precede it. Returns the index
   * after the closing quote.
   */
  private skipQuoted(at: number): number {
    const b = this.b;
    // Most skipped strings are short (IPs, ids, versions): a JS loop over the first bytes beats the
    // cost of a native call. A backslash or a long string goes on to indexOf.
    const lim = Math.min(this.n, at + 48);
    for (let i = at + 1; i < lim; i++) {
      const c = b[i];
      if (c === QUOTE) return i + 1;
      if (c === BACKSLASH) break;
    }
    let q = at;
    for (;;) {
      q = b.indexOf(QUOTE, q + 1);
      if (q < 0) throw new ScanError("unterminated string", at);
      let k = q - 1;
      while (b[k] === BACKSLASH) k--;
      if (((q - 1 - k) & 1) === 0) return q + 1;
    }
  }

  private ws(): void {
    const b = this.b;
    let i = this.i;
    // Compact JSON (S3 delivery) has no whitespace: one compare and out.
    if ((b[i] as number) > 0x20) return;
    for (;;) {
      const c = b[i];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.i = i;
  }
}

interface UiEntry {
  bytes: Buffer;
  prefixHash: number;
  fields: UiFields;
}

interface UiFields {
  type: string | null;
  arn: string | null;
  principalId: string | null;
  accountId: string | null;
  invokedBy: string | null;
  issuerArn: string | null;
  issuedToFunction: string | null;
}

/**
 * For a top-level array: is its first element a CloudTrail record (an object with the required
 * fields)? Arrays of other things (query rows, lookup-events pages, EventBridge envelopes) go to
 * the full parser, which knows them.
 */
export function arrayStartsWithRecord(buf: Buffer): boolean {
  const s = new RecordScanner(buf) as unknown as { firstArrayElementIsRecord(): boolean };
  return s.firstArrayElementIsRecord();
}

/**
 * Scan a decompressed CloudTrail file; null when it is not `{"Records":[…]}` or an array.
 * `reuseEvent`: hand the sink one event object, overwritten for each record, instead of a new one
 * per record (a sink that copies what it needs out of the event and keeps no reference to it).
 */
export function scanRecords(buf: Buffer, sink: ScanSink, options: { reuseEvent?: boolean } = {}): ScanOutcome | null {
  return new RecordScanner(buf, options.reuseEvent === true).scan(sink);
}
