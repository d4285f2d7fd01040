/**
 * The host side of the WebAssembly CloudTrail scanner (wasm/cloudtrail-scan.ts, built by
 * `npm run build:wasm` into build/wasm/). One instance per thread, reused for every file.
 *
 * The scanner reports records as integer slots (scan-slots.ts). Strings come back as symbol ids
 * (ASCII, no escapes: the same bytes are the same string) that this side turns into one
 * JavaScript string per distinct value, or as spans of the input for values that rarely repeat.
 * Symbols live for an epoch: when the scanner's table fills up it is cleared between batches and
 * the epoch moves on, so callers key their caches by (epoch, id).
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { constants, createGunzip } from "node:zlib";
import { packageRoot } from "../evaluate/locate.js";
import { PARAM_KEYS, RECORD_KEYS, SET_PARAM_KEYS, type RequestParams, type UsageEvent } from "./event.js";
import { eventFromRecord, eventFromText, INSIGHT_EVENT_TYPE, INSIGHT_RECORD, issuedToFunctionOf, missingField, type IdentityFields } from "./record-fields.js";
import { ScanError, type ScanOutcome } from "./scan-records.js";
import * as S from "./scan-slots.js";

/**
 * The keys of each group the scanner knows: first the ones it reads (their positions are its ids),
 * then keys it skips but that CloudTrail writes, which only help it predict the next key.
 */
const KEY_GROUPS: readonly (readonly string[])[] = [
  ["Records"],
  [
    ...RECORD_KEYS,
    "eventVersion",
    "sourceIPAddress",
    "userAgent",
    "responseElements",
    "additionalEventData",
    "requestID",
    "apiVersion",
    "vpcEndpointId",
    "vpcEndpointAccountId",
    "serviceEventDetails",
    "tlsDetails",
    "sessionCredentialFromConsole",
    "insightDetails",
    "edgeDeviceDetails",
  ],
  ["ARN", "accountId", "type"],
  PARAM_KEYS,
  ["type", "arn", "principalId", "accountId", "invokedBy", "sessionContext", "inScopeOf", "accessKeyId", "userName", "identityProvider", "credentialId", "onBehalfOf"],
  ["sessionIssuer", "webIdFederationData", "attributes", "sourceIdentity", "ec2RoleDelivery", "assumedRoot"],
  ["arn", "type", "principalId", "accountId", "userName"],
  // An EC2 set; its items: the id keys read (SET_PARAM_KEYS order), then RunInstances' launch specification's first keys.
  ["items"],
  [...Object.values(SET_PARAM_KEYS), "imageId", "minCount", "maxCount"],
  // userIdentity.inScopeOf: the two read (S_UI_SCOPE_TYPE, S_UI_SCOPE_TO), then the version CloudTrail writes after them.
  ["issuerType", "credentialsIssuedTo", "credentialsIssuedToVersion"],
];
const NAMES_ID = PARAM_KEYS.indexOf("names");
const SERVICES_ID = PARAM_KEYS.indexOf("services");
const VERSION_ID = PARAM_KEYS.indexOf("versionId");
const INSTANCES_SET_ID = PARAM_KEYS.indexOf("instancesSet");
const RESOURCES_SET_ID = PARAM_KEYS.indexOf("resourcesSet");

/** Is the parameter `id` followed in the list table by its count of values (a list or a set)? */
const hasValueList = (id: number): boolean => id === NAMES_ID || id === SERVICES_ID || id === INSTANCES_SET_ID || id === RESOURCES_SET_ID;

const MESSAGES: { [code: number]: string } = {
  1: "unexpected end of data",
  2: "expected a key",
  3: "expected ':'",
  4: "expected ',' or '}'",
  5: "expected ',' or ']'",
  6: "unterminated string",
  7: "expected a value",
  8: "unexpected end of data inside a value",
};

/** What the scanner's records are handed to (read-file.ts feeds a FileAccumulator). */
export interface CompactSink {
  /** A record with the required fields, as slots at `r` of `c.i32`. */
  compact(c: CompactRecords, r: number, index: number): void;
  /** A record the scanner handed back whole (escaped strings, oversized), parsed here. */
  event(ev: UsageEvent, index: number): void;
  skipped(index: number, offset: number, reason: string): void;
}

/** The scanner's output as the accumulator reads it. */
export interface CompactRecords {
  readonly i32: Int32Array;
  /** Index in i32 of the list table (resources and parameters). */
  readonly list: number;
  /** Symbol ids are valid within one epoch. */
  readonly epoch: number;
  /** The string of a value slot (symbol or span); null for -1. */
  text(code: number): string | null;
  /** The userIdentity fields of record `r`, whose session key is `code` (built once per key). */
  identity(code: number, r: number): IdentityFields;
  /** requestParameters of record `r`, as record-fields.ts builds them. */
  params(r: number): RequestParams;
  /** Has record `r` a string versionId parameter? */
  versioned(r: number): boolean;
  resourceList(r: number): string[];
  /** List offset (from `list`) of record r's only parameter when it is one symbol value; else -1. */
  singleParam(r: number): number;
  /**
   * Record `r` parsed whole (JSON.parse of its bytes, record-fields.ts eventFromRecord), for the
   * few calls whose fields the scanner does not read (ddb-items.ts); null when its bytes are not
   * valid JSON (the scanner checks skipped values for balance only).
   */
  event(r: number): UsageEvent | null;
}

interface Exports {
  memory: WebAssembly.Memory;
  init(): number;
  setKeys(len: number): void;
  setParamIds(names: number, key: number, versionId: number, services: number, instancesSet: number, resourcesSet: number): void;
  input(len: number): number;
  scan(len: number): number;
  resetSymbols(): void;
  symbolCount(): number;
  arenaBytes(): number;
  symbolInfo(): number;
  arenaBase(): number;
  outBase(): number;
  spanBase(): number;
  listBase(): number;
  pending(): number;
  setFlushEvery(n: number): void;
  errCode: WebAssembly.Global;
  errAt: WebAssembly.Global;
  emitted: WebAssembly.Global;
  format: WebAssembly.Global;
  found: WebAssembly.Global;
  MAX_SYMBOLS: WebAssembly.Global;
  ARENA_BYTES: WebAssembly.Global;
  [slot: string]: unknown;
}

/** Zlib's synchronous chunk call and output buffer (internal fields; see gunzipInPlace). */
interface ZlibEngine {
  _processChunk(chunk: Buffer, flushFlag: number): Buffer;
  _outBuffer: Buffer;
  _outOffset: number;
  _chunkSize: number;
  close(): void;
}

/** Files larger than this decompressed are not inflated into the module (its memory is 4 GiB at most). */
const IN_PLACE_LIMIT = 1 << 30;
/** CloudTrail JSON inflates about 10:1; a trailer claiming more than this is not believed. */
const MAX_RATIO = 64;

let compiled: WebAssembly.Module | null = null;

/** The compiled module (synchronous: worker threads and the CLI load it once). */
export function scannerModule(): WebAssembly.Module {
  if (compiled === null) {
    const path = join(packageRoot(), "build", "wasm", "cloudtrail-scan.wasm");
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      throw new Error(`the CloudTrail scanner ${path} is missing: run \`npm run build\` (it compiles src/usage/wasm with AssemblyScript)`);
    }
    compiled = new WebAssembly.Module(bytes);
  }
  return compiled;
}

type Latin1Buffer = Buffer & { latin1Slice(s: number, e: number): string; utf8Slice(s: number, e: number): string };

export class WasmScanner implements CompactRecords {
  private readonly ex: Exports;
  i32!: Int32Array;
  private u8!: Latin1Buffer;
  list = 0;
  epoch = 0;
  private syms: (string | undefined)[] = [];
  private ids: (IdentityFields | undefined)[] = [];
  private readonly symInfo: number;
  private readonly arena: number;
  private readonly out: number;
  private readonly spans: number;
  private base = 0;
  private readonly inputBase: number;
  private sink: CompactSink | null = null;
  private readonly symbolBudget: number;
  private readonly arenaBudget: number;

  /**
   * `module`: another build of the scanner (benchmarks compare builds in one process).
   * `symbolBudget`, `flushEvery`: reset the symbols past this many, hand records over this many at
   * a time (tests use small values to exercise epochs; the defaults suit real logs).
   */
  constructor(module: WebAssembly.Module = scannerModule(), options: { symbolBudget?: number; flushEvery?: number } = {}) {
    const instance = new WebAssembly.Instance(module, { env: { flush: (n: number) => this.deliver(n) } });
    const ex = instance.exports as unknown as Exports;
    this.ex = ex;
    const blob = ex.init();
    const bytes: number[] = [];
    KEY_GROUPS.forEach((keys, g) => {
      for (const k of keys) bytes.push(g, k.length, ...Buffer.from(k, "latin1"));
    });
    this.views();
    this.u8.set(bytes, blob);
    ex.setKeys(bytes.length);
    ex.setParamIds(NAMES_ID, PARAM_KEYS.indexOf("key"), VERSION_ID, SERVICES_ID, INSTANCES_SET_ID, RESOURCES_SET_ID);
    this.symInfo = ex.symbolInfo() >>> 2;
    this.arena = ex.arenaBase();
    this.out = ex.outBase() >>> 2;
    this.spans = ex.spanBase() >>> 2;
    this.list = ex.listBase() >>> 2;
    this.inputBase = ex.input(0);
    this.symbolBudget = options.symbolBudget ?? (ex.MAX_SYMBOLS.value as number) * 0.75;
    this.arenaBudget = (ex.ARENA_BYTES.value as number) * 0.75;
    if (options.flushEvery !== undefined) ex.setFlushEvery(options.flushEvery);
  }

  /** The slot positions the module was built with (for the test that holds scan-slots.ts equal). */
  slotConstants(): { [name: string]: number } {
    const out: { [name: string]: number } = {};
    for (const [k, v] of Object.entries(this.ex)) if (k === "STRIDE" || k === "MAX_SYMBOLS" || k.startsWith("S_")) out[k] = (v as WebAssembly.Global).value as number;
    return out;
  }

  /** Views over the module's memory (again after it grew: growing detaches the old buffer). */
  private views(): void {
    const buf = this.ex.memory.buffer;
    if (this.i32 !== undefined && this.i32.buffer === buf) return;
    this.i32 = new Int32Array(buf);
    this.u8 = Buffer.from(buf) as Latin1Buffer;
  }

  /**
   * Gunzip `raw` straight into the module's input region, where `scan` then reads it without a
   * copy: per file, one decompressed buffer (7.5 MB for 5,000 records) less to write and read
   * back, which matters when two workers share the last-level cache. zlib's synchronous chunk call
   * is given the region as its output buffer, sized from the gzip trailer. Null when `raw` is not
   * gzip, has no usable size, or is damaged (the caller decompresses the usual way and reports
   * the damage); output that did not fit the region comes back as an ordinary buffer.
   */
  gunzipInPlace(raw: Buffer): Buffer | null {
    if (raw.length < 18 || raw[0] !== 0x1f || raw[1] !== 0x8b) return null;
    const size = raw.readUInt32LE(raw.length - 4) + 64;
    // The trailer of a damaged file is any 4 bytes: a size far beyond what JSON inflates to would
    // grow the module's memory for good (it never shrinks), so such a file takes the usual way.
    if (size > IN_PLACE_LIMIT || size > raw.length * MAX_RATIO) return null;
    const ex = this.ex;
    const base = ex.input(size);
    this.views();
    // The smallest chunk: the engine allocates one output buffer of chunkSize when it is made,
    // and ours replaces it. (Made at the file's size, that was a 7.5 MB allocation per file,
    // thrown away unused: external memory that drove most of a worker's garbage collections.)
    const engine = createGunzip({ chunkSize: 64 }) as unknown as ZlibEngine;
    try {
      // zlib's internals (Node 20–24): if they differ, the output simply is not in place.
      if (typeof engine._processChunk !== "function" || typeof engine._outOffset !== "number") return null;
      engine._outBuffer = Buffer.from(ex.memory.buffer, base, size);
      engine._outOffset = 0;
      engine._chunkSize = size;
      const out = engine._processChunk(raw, constants.Z_FINISH);
      // The padding after the real end (`input` zeroes it; the region does not move).
      if (this.inPlace(out)) ex.input(out.length);
      return out;
    } catch {
      return null;
    } finally {
      engine.close();
    }
  }

  /** Is `data` the module's input region (written there by gunzipInPlace)? */
  private inPlace(data: Buffer): boolean {
    return data.buffer === this.ex.memory.buffer && data.byteOffset === this.inputBase;
  }

  /**
   * Scan a decompressed file; null when it is not `{"Records":[…]}` or a bare array (nothing was
   * handed to the sink then). A malformed file gives the records before the damage and the error.
   */
  scan(data: Buffer, sink: CompactSink): ScanOutcome | null {
    const ex = this.ex;
    const copy = !this.inPlace(data);
    this.base = ex.input(data.length);
    this.views();
    if (copy) this.u8.set(data, this.base);
    this.sink = sink;
    try {
      const records = ex.scan(data.length);
      if (records < 0) return null;
      return { format: ex.format.value === 1 ? "records" : "array", records, error: null };
    } catch (e) {
      const code = ex.errCode.value as number;
      // A trap (WebAssembly.RuntimeError) with an error code is malformed input; anything else is ours.
      if (!(e instanceof Error) || e.name !== "RuntimeError" || code === 0) throw e;
      // Records completed before the damage are still waiting in the output table.
      const n = ex.pending();
      if (n > 0) this.deliver(n);
      const format = ex.format.value === 1 ? "records" : "array";
      // A broken object without Records is not CloudTrail: the full parser reports it.
      if (format === "records" && ex.found.value === 0) return null;
      const message = code === 9 ? `unexpected data after the top-level ${format === "array" ? "array" : "object"}` : (MESSAGES[code] ?? `scanner error ${code}`);
      return { format, records: ex.emitted.value as number, error: new ScanError(message, ex.errAt.value as number) };
    } finally {
      this.sink = null;
    }
  }

  /** The scanner's flush: `n` records are in the output table. */
  private deliver(n: number): void {
    const sink = this.sink as CompactSink;
    const m = this.i32;
    // Keep the per-symbol arrays dense (filled in id order): ids are materialised out of order,
    // and a sparse array would drop to a slow dictionary representation.
    const count = this.ex.symbolCount();
    while (this.syms.length < count) {
      this.syms.push(undefined);
      this.ids.push(undefined);
    }
    for (let k = 0; k < n; k++) {
      const r = this.out + k * S.STRIDE;
      const index = m[r + S.S_INDEX] as number;
      const kind = m[r + S.S_KIND];
      if (kind === 0) {
        if (m[r + S.S_TIME_STATE] === -1) sink.skipped(index, m[r + S.S_START] as number, 'missing or non-string "eventTime"');
        else if (m[r + S.S_SOURCE] === -1) sink.skipped(index, m[r + S.S_START] as number, this.text(m[r + S.S_TYPE] as number) === INSIGHT_EVENT_TYPE ? INSIGHT_RECORD : 'missing or non-string "eventSource"');
        else if (m[r + S.S_NAME] === -1) sink.skipped(index, m[r + S.S_START] as number, 'missing or non-string "eventName"');
        else sink.compact(this, r, index);
      } else if (kind === 1) {
        sink.skipped(index, m[r + S.S_START] as number, "record is not an object");
      } else {
        this.slowRecord(sink, r, index);
      }
    }
    // Symbols are cleared between batches, before the table is full (the scanner would then
    // report spans: correct, but slower).
    if (this.ex.symbolCount() > this.symbolBudget || this.ex.arenaBytes() > this.arenaBudget) {
      this.ex.resetSymbols();
      this.syms = [];
      this.ids = [];
      this.epoch++;
    }
  }

  event(r: number): UsageEvent | null {
    const m = this.i32;
    return eventFromText(this.u8.utf8Slice(this.base + (m[r + S.S_START] as number), this.base + (m[r + S.S_END] as number)));
  }

  private slowRecord(sink: CompactSink, r: number, index: number): void {
    const m = this.i32;
    const start = m[r + S.S_START] as number;
    let rec: unknown;
    try {
      rec = JSON.parse(this.u8.utf8Slice(this.base + start, this.base + (m[r + S.S_END] as number)));
    } catch (e) {
      sink.skipped(index, start, `record is not valid JSON: ${(e as Error).message}`);
      return;
    }
    const missing = missingField(rec);
    if (missing !== null) sink.skipped(index, start, missing);
    else sink.event(eventFromRecord(rec as Parameters<typeof eventFromRecord>[0]), index);
  }

  text(code: number): string | null {
    if (code >= 0) return this.syms[code] ?? this.symbol(code);
    if (code === -1) return null;
    const k = this.spans + 2 * (-2 - code);
    return this.u8.latin1Slice(this.base + (this.i32[k] as number), this.base + (this.i32[k + 1] as number));
  }

  private symbol(id: number): string {
    const at = this.symInfo + 2 * id;
    const off = this.arena + (this.i32[at] as number);
    const s = this.u8.latin1Slice(off, off + (this.i32[at + 1] as number));
    this.syms[id] = s;
    return s;
  }

  identity(code: number, r: number): IdentityFields {
    const cached = this.ids[code];
    if (cached !== undefined) return cached;
    const m = this.i32;
    const fields: IdentityFields = {
      identityType: this.text(m[r + S.S_UI_TYPE] as number),
      principalArn: this.text(m[r + S.S_UI_ARN] as number),
      principalId: this.text(m[r + S.S_UI_PRINCIPAL] as number),
      accountId: this.text(m[r + S.S_UI_ACCOUNT] as number),
      invokedBy: this.text(m[r + S.S_UI_INVOKED_BY] as number),
      issuerArn: this.text(m[r + S.S_UI_ISSUER] as number),
      issuedToFunction: issuedToFunctionOf(this.text(m[r + S.S_UI_SCOPE_TYPE] as number), this.text(m[r + S.S_UI_SCOPE_TO] as number)),
    };
    this.ids[code] = fields;
    return fields;
  }

  params(r: number): RequestParams {
    const m = this.i32;
    const p: { [k: string]: string | string[] } = {};
    let i = this.list + (m[r + S.S_PAR_START] as number);
    const e = i + (m[r + S.S_PAR_COUNT] as number);
    while (i < e) {
      const id = m[i] as number;
      const k = PARAM_KEYS[id] as string;
      const v = m[i + 1] as number;
      i += 2;
      // Later duplicates win, and a non-string value removes the key, as with JSON.parse.
      delete p[k];
      if (hasValueList(id)) {
        if (v >= 0) {
          const names: string[] = [];
          for (let j = 0; j < v; j++) names.push(this.text(m[i + j] as number) as string);
          i += v;
          p[k] = names;
        }
      } else if (v !== -1) {
        p[k] = this.text(v) as string;
      }
    }
    return p as RequestParams;
  }

  versioned(r: number): boolean {
    const m = this.i32;
    let i = this.list + (m[r + S.S_PAR_START] as number);
    const e = i + (m[r + S.S_PAR_COUNT] as number);
    let v = false;
    while (i < e) {
      const id = m[i] as number;
      const val = m[i + 1] as number;
      if (id === VERSION_ID) v = val !== -1;
      // Past a list's or a set's values (their count is val): before, only `names` was skipped, and
      // an ECS `services` list's values were read as key ids.
      i += hasValueList(id) && val > 0 ? 2 + val : 2;
    }
    return v;
  }

  resourceList(r: number): string[] {
    const m = this.i32;
    const out: string[] = [];
    const s = this.list + (m[r + S.S_RES_START] as number);
    const n = m[r + S.S_RES_COUNT] as number;
    for (let k = 0; k < n; k++) out.push(this.text(m[s + k] as number) as string);
    return out;
  }

  singleParam(r: number): number {
    const m = this.i32;
    if (m[r + S.S_PAR_COUNT] !== 2) return -1;
    const at = m[r + S.S_PAR_START] as number;
    const id = m[this.list + at] as number;
    return !hasValueList(id) && (m[this.list + at + 1] as number) >= 0 ? at : -1;
  }
}

let shared: WasmScanner | null | undefined;

/**
 * This thread's scanner; null when the module cannot be loaded (leastrole re-bundled without
 * build/wasm, a runtime without WebAssembly SIMD): readers then use the JavaScript scanner, which
 * gives the same result, more slowly.
 */
export function wasmScanner(): WasmScanner | null {
  if (shared === undefined) {
    try {
      shared = new WasmScanner();
    } catch {
      shared = null;
    }
  }
  return shared;
}
