/**
 * CloudTrail bulk-file scanner, in AssemblyScript, compiled to WebAssembly (`npm run build:wasm`).
 *
 * Why WebAssembly: a JavaScript loop that only touches every byte of 1M records (1.5 GB) once
 * already costs ~3.3 CPU-s on this class of machine, more than the whole budget left after gunzip
 * for reading at twice DuckDB's speed. Here strings are skipped 16 bytes at a time (SIMD), and
 * what usage needs comes back as integers, not objects:
 * - repeated strings (event sources and names, regions, accounts, resource ARNs, whole
 *   userIdentity objects) are interned into a symbol table and reported by id, so the host makes
 *   one JavaScript string per distinct value, not one per record;
 * - eventID is reported as its two fingerprint hashes (the same functions as fingerprints.ts);
 * - eventTime in CloudTrail's own form is reported as epoch seconds.
 *
 * Semantics are those of JSON.parse + record-fields.ts, like the JavaScript byte scanner
 * (scan-records.ts): duplicate keys, last one wins; a non-string value reads as null. A record
 * whose wanted strings have escapes or non-ASCII bytes, or that does not fit the output tables,
 * is handed back as a byte range for the host to JSON.parse ("slow record"): it is rare, and the
 * full parser is the reference. Skipped values are checked for balanced brackets and terminated
 * strings only, as in the JavaScript scanner.
 *
 * Protocol (see scan-wasm.ts, the host side): the host writes the key names once (setKeys), copies
 * a decompressed file to input(len), and calls scan(len). Records are written to the output table
 * (STRIDE i32 slots each) and handed over through the imported `flush(count)`, every OUT_RECORDS
 * records and at the end. On malformed input the scan stops with a trap after setting errCode and
 * errAt; the records before the error have been flushed or are pending (pending()).
 */

// The host's callback: `count` records are in the output table. It runs synchronously.
// @ts-ignore: decorator
@external("env", "flush")
declare function hostFlush(count: i32): void;

const QUOTE: u32 = 0x22;
const BACKSLASH: u32 = 0x5c;
const LBRACE: u32 = 0x7b;
const RBRACE: u32 = 0x7d;
const LBRACKET: u32 = 0x5b;
const RBRACKET: u32 = 0x5d;
const COMMA: u32 = 0x2c;
const COLON: u32 = 0x3a;

// ---- Layout -------------------------------------------------------------------------------------

/**
 * Symbol table slots (open addressing, (hash, id + 1) pairs) and the symbols it may hold. Sized
 * for the working set of a large account, not smaller: with a lookup per string value the table's
 * cache misses cost (209 → 143 ms for 85,000 records going from 2 MiB to 512 KiB, 3–5% less again
 * at 128 KiB), but at 10,000 functions the distinct session keys, principal ids and names
 * outnumbered 8,192 symbols, the table filled every ~5,000 records and each fill (a new symbol
 * epoch, cleared by the host between batches) made the host resolve every session again. At
 * 512 KiB / 32,768 symbols, readUsage on the 10,000-function trail took 6.3 s against 7.3 s (medians
 * of 7 interleaved runs), and the 1M-record benchmark of few functions was unchanged (2.49 against
 * 2.51 s, 5 runs): bench/results/scale.md, session 5. At 32,768 the 10,000-function trail still
 * cleared its symbols 19 times (its Lambda service sessions, awslambda_<n>_<time>, are nearly one
 * per record); at 131,072 / 2 MiB of slots, 4 times, when the arena's budget is reached
 * (bench/results/scale.md, session 15).
 */
const SYM_SLOTS: u32 = 1 << 18;
export const MAX_SYMBOLS: u32 = 1 << 17;
export const ARENA_BYTES: u32 = 16 << 20;
/** Strings longer than this are reported as spans (they rarely repeat and would fill the arena). */
const MAX_INTERNED: u32 = 256;
export const OUT_RECORDS: u32 = 4096;
export const STRIDE: u32 = 34;
const SPAN_ENTRIES: u32 = 1 << 18;
const LIST_ENTRIES: u32 = 1 << 18;
const KEY_BYTES: u32 = 4096;
const KEY_GROUPS: u32 = 10;
const KEYS_PER_GROUP: u32 = 64;

let symTable: usize = 0;
let symInfo: usize = 0;
let arena: usize = 0;
let arenaUsed: u32 = 0;
let nSyms: u32 = 0;
let out: usize = 0;
let nOut: u32 = 0;
let spans: usize = 0;
let nSpans: u32 = 0;
let list: usize = 0;
let nList: u32 = 0;
let keyBlob: usize = 0;
let keyTable: usize = 0;
let keyCounts: usize = 0;
let inputBase: usize = 0;
let pos: usize = 0;
let end: usize = 0;

/** Set with a trap: what broke and where (byte offset in the input). */
export let errCode: i32 = 0;
export let errAt: u32 = 0;
/** Elements of the Records array handed out (events and skipped elements), for error reports. */
export let emitted: i32 = 0;
/** 1: `{"Records":[…]}`, 2: a bare array. */
export let format: i32 = 0;
/** A top-level Records array was found (an error before that means "not CloudTrail"). */
export let found: i32 = 0;

// Output slots of a record.
export const S_KIND: u32 = 0; // 0 event, 1 not an object, 2 slow record (host parses [S_START, S_END))
export const S_TIME: u32 = 1; // epoch seconds (u32) when S_TIME_STATE is 1
export const S_SOURCE: u32 = 2;
export const S_NAME: u32 = 3;
export const S_REGION: u32 = 4;
export const S_ACCOUNT: u32 = 5;
export const S_ERROR: u32 = 6;
export const S_TYPE: u32 = 7;
export const S_CATEGORY: u32 = 8;
export const S_MANAGEMENT: u32 = 9; // 1 true, 0 false, -1 absent or not a boolean
export const S_IDENTITY: u32 = 10; // the session key (see identity), or -1 when userIdentity is not an object
export const S_FP1: u32 = 11;
export const S_FP2: u32 = 12;
export const S_ID_STATE: u32 = 13; // S_ID_EVENT: eventID in S_FP1/S_FP2; plus S_ID_SHARED: sharedEventID in S_SHARED_FP*
export const S_ID_EVENT: i32 = 1;
export const S_ID_SHARED: i32 = 2;
export const S_TIME_STATE: u32 = 14; // 1 seconds in S_TIME; a span (host normalises it); -1 none
export const S_RES_START: u32 = 15;
export const S_RES_COUNT: u32 = 16;
export const S_PAR_START: u32 = 17;
export const S_PAR_COUNT: u32 = 18; // list entries (pairs, and `names` elements)
export const S_INDEX: u32 = 19;
export const S_START: u32 = 20;
export const S_END: u32 = 21;
// userIdentity's fields, in the order of the identity key group.
export const S_UI_TYPE: u32 = 22;
export const S_UI_ARN: u32 = 23;
export const S_UI_PRINCIPAL: u32 = 24;
export const S_UI_ACCOUNT: u32 = 25;
export const S_UI_INVOKED_BY: u32 = 26;
export const S_UI_ISSUER: u32 = 27;
export const S_READ_ONLY: u32 = 28; // readOnly: 1 true, 0 false, -1 absent or not a boolean
export const S_ERR_MSG: u32 = 29; // errorMessage: a span (the host reads it only with an errorCode), or -1
export const S_SHARED_FP1: u32 = 30; // sharedEventID's fingerprint, when S_ID_STATE has S_ID_SHARED
export const S_SHARED_FP2: u32 = 31;
// userIdentity.inScopeOf's issuerType and credentialsIssuedTo (spans; -1 absent or not a string):
// which function Lambda issued the credentials to (the host reads the ARN when the type is a
// Lambda function's). Set only when userIdentity is an object, like S_UI_*.
export const S_UI_SCOPE_TYPE: u32 = 32;
export const S_UI_SCOPE_TO: u32 = 33;

// Key groups the host defines (setKeys): 0 top level, 1 record, 2 resources[] element, 3 params,
// 4–6 userIdentity, its sessionContext and sessionIssuer, 7 an EC2 set (`items`), 8 its items,
// 9 userIdentity.inScopeOf.
const G_TOP: i32 = 0;
const G_RECORD: i32 = 1;
const G_RESOURCE: i32 = 2;
const G_PARAMS: i32 = 3;
// userIdentity: type, arn, principalId, accountId, invokedBy, sessionContext, inScopeOf; then sessionIssuer; then arn.
const G_IDENTITY: i32 = 4;
const G_SESSION_CONTEXT: i32 = 5;
const G_ISSUER: i32 = 6;
// An EC2 set in params (`instancesSet`, `resourcesSet`): `items`; then an item's id keys, in the
// host's SET_PARAM_KEYS order (instanceId, resourceId).
const G_SET: i32 = 7;
const G_ITEM: i32 = 8;
// userIdentity.inScopeOf: issuerType, credentialsIssuedTo.
const G_SCOPE: i32 = 9;
// Record keys, in the order the host defines them (scan-wasm.ts RECORD_KEYS).
const K_EVENT_ID: i32 = 0;
const K_EVENT_TIME: i32 = 1;
const K_SOURCE: i32 = 2;
const K_NAME: i32 = 3;
const K_REGION: i32 = 4;
const K_ACCOUNT: i32 = 5;
const K_ERROR: i32 = 6;
const K_TYPE: i32 = 7;
const K_CATEGORY: i32 = 8;
const K_MANAGEMENT: i32 = 9;
const K_IDENTITY: i32 = 10;
const K_RESOURCES: i32 = 11;
const K_PARAMS: i32 = 12;
const K_READ_ONLY: i32 = 13;
const K_ERR_MSG: i32 = 14;
const K_SHARED: i32 = 15;

// Error codes (the host has the messages).
const E_END: i32 = 1;
const E_KEY: i32 = 2;
const E_COLON: i32 = 3;
const E_MEMBER_OBJECT: i32 = 4;
const E_MEMBER_ARRAY: i32 = 5;
const E_UNTERMINATED: i32 = 6;
const E_VALUE: i32 = 7;
const E_END_IN_VALUE: i32 = 8;
const E_TRAILING: i32 = 9;
/** Not an error of the input: the file needs the full parser (see scan). */
const E_FALLBACK: i32 = 10;

// ---- Memory -------------------------------------------------------------------------------------

function ensure(bytes: usize): void {
  const have = (<usize>memory.size()) << 16;
  if (bytes > have) {
    const pages = <i32>((bytes - have + 0xffff) >> 16);
    if (memory.grow(pages) < 0) unreachable();
  }
}

/** Lay out the fixed regions once; returns the key blob's address (the host writes keys there). */
export function init(): usize {
  let p: usize = (__heap_base + 15) & ~15;
  symTable = p;
  p += SYM_SLOTS * 8;
  symInfo = p;
  p += MAX_SYMBOLS * 8;
  arena = p;
  p += ARENA_BYTES + 64;
  out = p;
  p += OUT_RECORDS * STRIDE * 4;
  spans = p;
  p += SPAN_ENTRIES * 8;
  list = p;
  p += LIST_ENTRIES * 4;
  keyBlob = p;
  p += KEY_BYTES;
  keyTable = p;
  p += KEY_GROUPS * KEYS_PER_GROUP * 8;
  keyCounts = p;
  p += KEY_GROUPS * 4;
  lastSym = p;
  p += LAST_SLOTS * 4;
  keyBuckets = p;
  p += KEY_GROUPS * KEY_BUCKETS * 8;
  scratch = p;
  p += SCRATCH_BYTES + 64;
  lastKeys = p;
  p += KEY_GROUPS * 4;
  successors = p;
  p += KEY_GROUPS * SUCC_ROW * 4;
  inputBase = (p + 63) & ~63;
  ensure(inputBase + 64);
  resetSymbols();
  return keyBlob;
}

/**
 * Keys the scanner looks for, written by the host at keyBlob as [group, length, bytes…]…; a key's
 * id is its position in its group.
 */
export function setKeys(len: u32): void {
  memory.fill(keyCounts, 0, KEY_GROUPS * 4);
  memory.fill(successors, 0xff, KEY_GROUPS * SUCC_ROW * 4);
  memory.fill(keyBuckets, 0xff, KEY_GROUPS * KEY_BUCKETS * 8);
  let i: usize = keyBlob;
  const e = keyBlob + len;
  while (i < e) {
    const g = <u32>load<u8>(i);
    const n = <u32>load<u8>(i + 1);
    const k = load<u32>(keyCounts + g * 4);
    if (g >= KEY_GROUPS || k >= KEYS_PER_GROUP) unreachable();
    const entry = keyTable + (g * KEYS_PER_GROUP + k) * 8;
    store<u32>(entry, <u32>(i + 2));
    store<u32>(entry + 4, n);
    store<u32>(keyCounts + g * 4, k + 1);
    // Two candidates per bucket; a third marks the bucket full (key() then tries every key).
    const bucket = keyBuckets + ((<usize>g * KEY_BUCKETS + keyBucket(i + 2, n)) << 3);
    if (load<i32>(bucket) < 0) store<i32>(bucket, <i32>k);
    else if (load<i32>(bucket + 4) < 0) store<i32>(bucket + 4, <i32>k);
    else store<i32>(bucket + 4, 0x7fffffff);
    i += 2 + n;
  }
}

const KEY_BUCKETS: u32 = 256;
let keyBuckets: usize = 0;
/** Where identity() builds a session key. */
let scratch: usize = 0;
const SCRATCH_BYTES: u32 = 16384;

/** A key's bucket: its length, first and last byte (1 ≤ len). */
// @ts-ignore: decorator
@inline function keyBucket(p: usize, len: u32): u32 {
  return (len * 31 + byte(p) * 7 + byte(p + len - 1)) & (KEY_BUCKETS - 1);
}

/** Room for a file of `len` bytes (plus padding for 16-byte loads); returns where to copy it. */
export function input(len: u32): usize {
  ensure(inputBase + <usize>len + 64);
  memory.fill(inputBase + <usize>len, 0, 64);
  return inputBase;
}

export function resetSymbols(): void {
  memory.fill(symTable, 0, SYM_SLOTS * 8);
  memory.fill(lastSym, 0xff, LAST_SLOTS * 4);
  nSyms = 0;
  arenaUsed = 0;
}

export function symbolCount(): u32 {
  return nSyms;
}
export function arenaBytes(): u32 {
  return arenaUsed;
}
export function symbolInfo(): usize {
  return symInfo;
}
export function arenaBase(): usize {
  return arena;
}
export function outBase(): usize {
  return out;
}
export function spanBase(): usize {
  return spans;
}
export function listBase(): usize {
  return list;
}
export function pending(): u32 {
  return nOut;
}

// ---- Bytes --------------------------------------------------------------------------------------

// @ts-ignore: decorator
@inline function byte(i: usize): u32 {
  return <u32>load<u8>(i);
}

function fail(code: i32, at: usize): void {
  errCode = code;
  errAt = <u32>(at - inputBase);
  unreachable();
}

/** Mask of the low `n` bytes (1 ≤ n ≤ 7) of a 64-bit word. */
// @ts-ignore: decorator
@inline function lowBytes(n: u32): u64 {
  return (<u64>1 << (<u64>n << 3)) - 1;
}

function bytesEqual(a: usize, b: usize, len: u32): bool {
  let i: u32 = 0;
  while (i + 8 <= len) {
    if (load<u64>(a + i) != load<u64>(b + i)) return false;
    i += 8;
  }
  if (i < len) {
    const m = lowBytes(len - i);
    if ((load<u64>(a + i) & m) != (load<u64>(b + i) & m)) return false;
  }
  return true;
}

function hashBytes(p: usize, len: u32): u32 {
  let h: u64 = 0x9e3779b97f4a7c15 ^ <u64>len;
  let i: u32 = 0;
  if (len >= 32) {
    // Four independent lanes (whole userIdentity objects are ~0.5 KiB: one dependent chain of
    // multiplications would be four times slower).
    let a: u64 = h;
    let b: u64 = 0x2545f4914f6cdd1d;
    let c: u64 = 0x94d049bb133111eb;
    let d: u64 = 0xbf58476d1ce4e5b9;
    while (i + 32 <= len) {
      a = (a ^ load<u64>(p + i)) * 0xff51afd7ed558ccd;
      b = (b ^ load<u64>(p + i + 8)) * 0xff51afd7ed558ccd;
      c = (c ^ load<u64>(p + i + 16)) * 0xff51afd7ed558ccd;
      d = (d ^ load<u64>(p + i + 24)) * 0xff51afd7ed558ccd;
      a ^= a >> 32;
      b ^= b >> 32;
      c ^= c >> 32;
      d ^= d >> 32;
      i += 32;
    }
    h = a ^ rotl<u64>(b, 17) ^ rotl<u64>(c, 31) ^ rotl<u64>(d, 47);
  }
  while (i + 8 <= len) {
    h = (h ^ load<u64>(p + i)) * 0xff51afd7ed558ccd;
    h ^= h >> 32;
    i += 8;
  }
  if (i < len) {
    h = (h ^ (load<u64>(p + i) & lowBytes(len - i))) * 0xc4ceb9fe1a85ec53;
    h ^= h >> 29;
  }
  h *= 0xff51afd7ed558ccd;
  return <u32>(h ^ (h >> 32));
}

// ---- Symbols and spans --------------------------------------------------------------------------

/**
 * The symbol each record slot got last: consecutive records mostly repeat their region, account,
 * event type and category (and often source and name), so the previous value is compared first.
 */
const LAST_SLOTS: u32 = 32;
let lastSym: usize = 0;

/** intern, trying record slot `slot`'s previous symbol first. */
function internSlot(slot: u32, s: usize, len: u32): i32 {
  const at = lastSym + (<usize>slot << 2);
  const prev = load<i32>(at);
  if (prev >= 0) {
    const info = symInfo + (<usize>prev << 3);
    if (load<u32>(info + 4) == len && bytesEqual(arena + load<u32>(info), s, len)) return prev;
  }
  const id = intern(s, len, MAX_INTERNED);
  store<i32>(at, id);
  return id;
}

/** Symbol id (≥ 0) of the bytes [s, s + len), or -1 when they cannot be interned. */
function intern(s: usize, len: u32, limit: u32): i32 {
  if (len > limit) return -1;
  const h = hashBytes(s, len);
  const mask = SYM_SLOTS - 1;
  let i = h & mask;
  for (;;) {
    const slot = symTable + (<usize>i << 3);
    const id1 = load<u32>(slot + 4);
    if (id1 == 0) break;
    if (load<u32>(slot) == h) {
      const info = symInfo + (<usize>(id1 - 1) << 3);
      if (load<u32>(info + 4) == len && bytesEqual(arena + load<u32>(info), s, len)) return <i32>(id1 - 1);
    }
    i = (i + 1) & mask;
  }
  if (nSyms >= MAX_SYMBOLS || arenaUsed + len > ARENA_BYTES) return -1;
  const id = nSyms++;
  memory.copy(arena + arenaUsed, s, len);
  const info = symInfo + (<usize>id << 3);
  store<u32>(info, arenaUsed);
  store<u32>(info + 4, len);
  arenaUsed += len;
  const slot = symTable + (<usize>i << 3);
  store<u32>(slot, h);
  store<u32>(slot + 4, id + 1);
  return <i32>id;
}

/** A span code (≤ -2) for [s, e) of the input, or 0 when the span table is full. */
function span(s: usize, e: usize): i32 {
  if (nSpans >= SPAN_ENTRIES) return 0;
  const at = spans + (<usize>nSpans << 3);
  store<u32>(at, <u32>(s - inputBase));
  store<u32>(at + 4, <u32>(e - inputBase));
  const code = -2 - <i32>nSpans;
  nSpans++;
  return code;
}

/** Set when a wanted value cannot be reported compactly: the record goes to the host whole. */
let slow = false;

/**
 * A string value's code: symbol, or span when long (or the table is full); slow when escaped.
 * `slot`: the record slot whose previous symbol is tried first; NO_SLOT for none, SPAN for a span.
 */
function value(s: usize, e: usize, slot: u32): i32 {
  if (strFlags != 0) {
    slow = true;
    return -1;
  }
  const len = <u32>(e - s);
  if (slot != SPAN) {
    const id = slot == NO_SLOT ? intern(s, len, MAX_INTERNED) : internSlot(slot, s, len);
    if (id >= 0) return id;
  }
  const sp = span(s, e);
  if (sp == 0) slow = true;
  return sp;
}

function push(v: i32): void {
  if (nList >= LIST_ENTRIES) {
    slow = true;
    return;
  }
  store<i32>(list + (<usize>nList << 2), v);
  nList++;
}

// ---- JSON structure -----------------------------------------------------------------------------

/** Set by stringEnd: 1 when the string has a backslash escape or a non-ASCII byte. */
let strFlags: i32 = 0;

/** `at` is an opening quote: the index of the closing quote (16 bytes at a time). */
// @ts-ignore: decorator
@inline function stringEnd(at: usize): usize {
  const q = i8x16.splat(<i8>QUOTE);
  const bs = i8x16.splat(<i8>BACKSLASH);
  let i = at + 1;
  let flags: i32 = 0;
  for (;;) {
    if (i >= end) fail(E_UNTERMINATED, at);
    const v = v128.load(i);
    // Quote, backslash, or a byte ≥ 0x80: lanes whose top bit is set in (v == '"') | (v == '\\') | v.
    const m = i8x16.bitmask(v128.or(v128.or(i8x16.eq(v, q), i8x16.eq(v, bs)), v));
    if (m == 0) {
      i += 16;
      continue;
    }
    const j = i + <usize>ctz(m);
    if (j >= end) fail(E_UNTERMINATED, at);
    const c = byte(j);
    if (c == QUOTE) {
      strFlags = flags;
      return j;
    }
    flags = 1;
    i = c == BACKSLASH ? j + 2 : j + 1;
  }
  return 0; // not reached: the loop returns or traps
}

// @ts-ignore: decorator
@inline function isWs(c: u32): bool {
  return c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09;
}

// @ts-ignore: decorator
@inline function ws(): void {
  let i = pos;
  // Compact JSON (S3 delivery) has none: one compare and out.
  if (byte(i) > 0x20) return;
  while (i < end && isWs(byte(i))) i++;
  pos = i;
}

/** After a member: `,` → false (more follow), the closer → true. */
// @ts-ignore: decorator
@inline function endOfMember(closer: u32): bool {
  ws();
  if (pos < end) {
    const c = byte(pos);
    if (c == COMMA) {
      pos++;
      return false;
    }
    if (c == closer) {
      pos++;
      return true;
    }
  }
  fail(pos >= end ? E_END : closer == RBRACE ? E_MEMBER_OBJECT : E_MEMBER_ARRAY, pos);
  return true;
}

// @ts-ignore: decorator
@inline function colon(): void {
  ws();
  if (pos >= end || byte(pos) != COLON) fail(E_COLON, pos);
  pos++;
  ws();
}

/** Set by key(): the key had escapes (its id is then -1 and keyEscaped is true). */
let keyEscaped = false;

/**
 * Key prediction: writers emit an object's keys in the same order every time (CloudTrail's
 * serializer does), so the key that followed this one last time is compared first, in place,
 * without looking for the closing quote or hashing. Per group: the key seen last in the open
 * object of that group (objects of one group never nest), and the key that followed each key.
 */
let lastKeys: usize = 0;
let successors: usize = 0;
const SUCC_ROW: u32 = KEYS_PER_GROUP + 2;

/** Start of an object whose keys are of `group`. */
// @ts-ignore: decorator
@inline function beginObject(group: i32): void {
  store<i32>(lastKeys + (<usize>group << 2), -1);
}

/** pos is at a key's opening quote: its id in `group`, or -1; pos moves past the key. */
function key(group: i32): i32 {
  const s = pos;
  // Row: the previous key (+2: -1 is "object start", -2 "a key not in the group").
  const predAt = successors + ((<usize>group * SUCC_ROW + <u32>(load<i32>(lastKeys + (<usize>group << 2)) + 2)) << 2);
  const predicted = load<i32>(predAt);
  if (predicted >= 0) {
    const entry = keyTable + ((<usize>group * KEYS_PER_GROUP + <u32>predicted) << 3);
    const len = load<u32>(entry + 4);
    // Within the input: the comparison may read into the zeroed padding, which never matches '"'.
    if (s + 1 + len < end && byte(s + 1 + len) == QUOTE && bytesEqual(load<u32>(entry), s + 1, len)) {
      pos = s + 2 + len;
      keyEscaped = false;
      store<i32>(lastKeys + (<usize>group << 2), predicted);
      return predicted;
    }
  }
  const k = lookupKey(group);
  store<i32>(predAt, k);
  store<i32>(lastKeys + (<usize>group << 2), k < 0 ? -2 : k);
  return k;
}

function lookupKey(group: i32): i32 {
  const s = pos;
  const e = stringEnd(s);
  pos = e + 1;
  keyEscaped = strFlags != 0;
  if (keyEscaped) return -1;
  const len = <u32>(e - s - 1);
  if (len == 0) return -1;
  // The candidates: the keys of the group with this length, first and last byte (see setKeys).
  const bucket = keyBuckets + ((<usize>group * KEY_BUCKETS + keyBucket(s + 1, len)) << 3);
  for (let w: u32 = 0; w < 2; w++) {
    const k = load<i32>(bucket + (w << 2));
    if (k < 0) return -1;
    if (k == 0x7fffffff) break;
    const entry = keyTable + ((<usize>group * KEYS_PER_GROUP + <u32>k) << 3);
    if (load<u32>(entry + 4) == len && bytesEqual(load<u32>(entry), s + 1, len)) return k;
  }
  // More than two keys share the bucket: all of the group's keys.
  const n = load<u32>(keyCounts + (<usize>group << 2));
  for (let k: u32 = 0; k < n; k++) {
    const entry = keyTable + ((<usize>group * KEYS_PER_GROUP + k) << 3);
    if (load<u32>(entry + 4) == len && bytesEqual(load<u32>(entry), s + 1, len)) return <i32>k;
  }
  return -1;
}

function skipValue(): void {
  let i = pos;
  if (i >= end) fail(E_END, i);
  const c0 = byte(i);
  if (c0 == QUOTE) {
    pos = stringEnd(i) + 1;
    return;
  }
  if (c0 != LBRACE && c0 != LBRACKET) {
    while (i < end) {
      const c = byte(i);
      if (c == COMMA || c == RBRACE || c == RBRACKET || isWs(c)) break;
      i++;
    }
    if (i == pos) fail(i >= end ? E_END : E_VALUE, i);
    pos = i;
    return;
  }
  let depth: i32 = 0;
  for (;;) {
    if (i >= end) fail(E_END_IN_VALUE, pos);
    const c = byte(i);
    if (c == QUOTE) {
      i = stringEnd(i) + 1;
      continue;
    }
    if (c == LBRACE || c == LBRACKET) {
      depth++;
    } else if (c == RBRACE || c == RBRACKET) {
      depth--;
      if (depth == 0) {
        i++;
        break;
      }
    }
    i++;
  }
  pos = i;
}

const NO_SLOT: u32 = 0xfffffffe;
const SPAN: u32 = 0xffffffff;

/** A string value (see value), or -1 (and the value skipped) when it is not a string. */
function stringValue(slot: u32): i32 {
  if (pos < end && byte(pos) == QUOTE) {
    const s = pos + 1;
    const e = stringEnd(pos);
    pos = e + 1;
    return value(s, e, slot);
  }
  skipValue();
  return -1;
}

// ---- Records ------------------------------------------------------------------------------------

/** eventID's (or sharedEventID's) fingerprint: FNV-1a and a multiplicative hash, as fingerprints.ts over its chars, into slots `slot`, `slot + 1`. */
function fingerprint(r: usize, s: usize, e: usize, slot: u32): void {
  let h1: u32 = 0x811c9dc5;
  let h2: u32 = 0x9747b28c;
  for (let i = s; i < e; i++) {
    const c = byte(i);
    h1 = (h1 ^ c) * 0x01000193;
    h2 = (h2 ^ c) * 0x5bd1e995;
    h2 ^= h2 >> 15;
  }
  h2 = (h2 ^ (h2 >> 13)) * 0xc2b2ae35;
  h2 ^= h2 >> 16;
  if (h1 == 0 && h2 == 0) h2 = 1;
  store<u32>(r + slot * 4, h1);
  store<u32>(r + (slot + 1) * 4, h2);
}

// @ts-ignore: decorator
@inline function digit(i: usize): i32 {
  return <i32>byte(i) - 48;
}

// @ts-ignore: decorator
@inline function two(i: usize): i32 {
  const a = digit(i);
  const b = digit(i + 1);
  return a < 0 || a > 9 || b < 0 || b > 9 ? -1 : a * 10 + b;
}

/** `YYYY-MM-DDTHH:MM:SSZ` (a real date, 1970–2105) → epoch seconds; -1 for anything else. */
function epochSeconds(s: usize, len: u32): i64 {
  if (len != 20) return -1;
  if (byte(s + 4) != 0x2d || byte(s + 7) != 0x2d || byte(s + 10) != 0x54 || byte(s + 13) != 0x3a || byte(s + 16) != 0x3a || byte(s + 19) != 0x5a) return -1;
  const c = two(s);
  const yy = two(s + 2);
  const m = two(s + 5);
  const d = two(s + 8);
  const hh = two(s + 11);
  const mi = two(s + 14);
  const ss = two(s + 17);
  if (c < 0 || yy < 0 || m < 1 || m > 12 || d < 1 || hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59) return -1;
  let y = c * 100 + yy;
  if (y < 1970 || y > 2105) return -1;
  const leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const dim = m == 2 ? (leap ? 29 : 28) : m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31;
  if (d > dim) return -1;
  // Days from the civil date (H. Hinnant's algorithm; y ≥ 1969 here, so no negative division).
  if (m <= 2) y -= 1;
  const era = y / 400;
  const yoe = y - era * 400;
  const doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const days = <i64>(era * 146097 + doe - 719468);
  return days * 86400 + <i64>(hh * 3600 + mi * 60 + ss);
}

/**
 * userIdentity → its six fields (type, arn, principalId, accountId, invokedBy,
 * sessionContext.sessionIssuer.arn) as spans in S_UI_*, inScopeOf's two in S_UI_SCOPE_*, and a
 * session key in S_IDENTITY: the symbol of those values. A session's calls share the key even when other bytes of the object
 * differ (its credentials' creationDate changes hourly), so the host resolves each session once.
 */
function identity(r: usize): void {
  for (let k: u32 = S_UI_TYPE; k <= S_UI_ISSUER; k++) store<i32>(r + k * 4, -1);
  store<i32>(r + S_UI_SCOPE_TYPE * 4, -1);
  store<i32>(r + S_UI_SCOPE_TO * 4, -1);
  if (pos >= end || byte(pos) != LBRACE) {
    skipValue();
    store<i32>(r + S_IDENTITY * 4, -1);
    return;
  }
  pos++;
  ws();
  if (pos < end && byte(pos) == RBRACE) {
    pos++;
  } else {
    beginObject(G_IDENTITY);
    for (;;) {
      ws();
      if (pos >= end || byte(pos) != QUOTE) fail(E_KEY, pos);
      const k = key(G_IDENTITY);
      if (keyEscaped) slow = true;
      colon();
      if (k < 0) {
        skipValue();
      } else if (k < 5) {
        store<i32>(r + (S_UI_TYPE + <u32>k) * 4, stringValue(SPAN));
      } else if (k == 5) {
        // sessionContext: a later duplicate replaces an earlier one, like JSON.parse.
        store<i32>(r + S_UI_ISSUER * 4, -1);
        issuer(r);
      } else if (k == 6) {
        scope(r);
      } else {
        skipValue();
      }
      if (endOfMember(RBRACE)) break;
    }
  }
  // The key: the six values (spans of the input) one after another, each after its length
  // (0xffff for none), interned as one string: one table lookup per record for the session. The
  // inScopeOf pair follows only when the record has one (a record without it builds the key it
  // always did); a key of eight values never equals one of six (they differ in length).
  const scoped = load<i32>(r + S_UI_SCOPE_TYPE * 4) != -1 || load<i32>(r + S_UI_SCOPE_TO * 4) != -1;
  const values: u32 = scoped ? 8 : 6;
  let at = scratch;
  for (let k: u32 = 0; k < values; k++) {
    const v = load<i32>(r + (k < 6 ? S_UI_TYPE + k : S_UI_SCOPE_TYPE + k - 6) * 4);
    if (v == -1) {
      store<u16>(at, 0xffff);
      at += 2;
      continue;
    }
    const sp = spans + (<usize>(-2 - v) << 3);
    const s = inputBase + <usize>load<u32>(sp);
    const len = load<u32>(sp + 4) - load<u32>(sp);
    if (at + 2 + len > scratch + SCRATCH_BYTES) {
      slow = true;
      break;
    }
    store<u16>(at, <u16>len);
    memory.copy(at + 2, s, len);
    at += 2 + len;
  }
  const key_ = slow ? -1 : intern(scratch, <u32>(at - scratch), SCRATCH_BYTES);
  if (key_ < 0) slow = true;
  store<i32>(r + S_IDENTITY * 4, key_);
}

/**
 * inScopeOf (at pos) → issuerType and credentialsIssuedTo in S_UI_SCOPE_TYPE, S_UI_SCOPE_TO, as
 * spans. A later duplicate replaces an earlier one (both values), like JSON.parse; anything but
 * an object leaves both -1. Only records that have it walk it.
 */
function scope(r: usize): void {
  store<i32>(r + S_UI_SCOPE_TYPE * 4, -1);
  store<i32>(r + S_UI_SCOPE_TO * 4, -1);
  if (pos >= end || byte(pos) != LBRACE) {
    skipValue();
    return;
  }
  pos++;
  ws();
  if (pos < end && byte(pos) == RBRACE) {
    pos++;
    return;
  }
  beginObject(G_SCOPE);
  for (;;) {
    ws();
    if (pos >= end || byte(pos) != QUOTE) fail(E_KEY, pos);
    const k = key(G_SCOPE);
    if (keyEscaped) slow = true;
    colon();
    if (k == 0) store<i32>(r + S_UI_SCOPE_TYPE * 4, stringValue(SPAN));
    else if (k == 1) store<i32>(r + S_UI_SCOPE_TO * 4, stringValue(SPAN));
    else skipValue();
    if (endOfMember(RBRACE)) break;
  }
}

/** sessionContext (at pos) → sessionIssuer.arn in S_UI_ISSUER (last duplicate wins). */
function issuer(r: usize): void {
  if (pos >= end || byte(pos) != LBRACE) {
    skipValue();
    return;
  }
  pos++;
  ws();
  if (pos < end && byte(pos) == RBRACE) {
    pos++;
    return;
  }
  beginObject(G_SESSION_CONTEXT);
  for (;;) {
    ws();
    if (pos >= end || byte(pos) != QUOTE) fail(E_KEY, pos);
    const k = key(G_SESSION_CONTEXT);
    if (keyEscaped) slow = true;
    colon();
    if (k == 0) {
      store<i32>(r + S_UI_ISSUER * 4, -1);
      if (pos < end && byte(pos) == LBRACE) {
        pos++;
        ws();
        if (pos < end && byte(pos) == RBRACE) {
          pos++;
        } else {
          beginObject(G_ISSUER);
          for (;;) {
            ws();
            if (pos >= end || byte(pos) != QUOTE) fail(E_KEY, pos);
            const k2 = key(G_ISSUER);
            if (keyEscaped) slow = true;
            colon();
            if (k2 == 0) store<i32>(r + S_UI_ISSUER * 4, stringValue(SPAN));
            else skipValue();
            if (endOfMember(RBRACE)) break;
          }
        }
      } else {
        skipValue();
      }
    } else {
      skipValue();
    }
    if (endOfMember(RBRACE)) break;
  }
}

/**
 * Is [s, e) an S3 object ARN (`arn:<partition>:s3:::<bucket>/<key>`)? S3 data events name a new
 * object in almost every record: as symbols they filled the table in ~20,000 records (a new
 * symbol epoch each time, and every host cache keyed by symbols rebuilt), so they are spans.
 */
function isS3ObjectArn(s: usize, e: usize): bool {
  // "arn:" little-endian
  if (e - s < 14 || load<u32>(s) != 0x3a6e7261) return false;
  let i = s + 4;
  const lim = e < s + 24 ? e : s + 24;
  while (i < lim && byte(i) != COLON) i++;
  // ":s3:::"
  if (i + 6 > e || load<u32>(i) != 0x3a33733a || load<u16>(i + 4) != 0x3a3a) return false;
  for (let j = i + 6; j < e; j++) if (byte(j) == 0x2f) return true;
  return false;
}

/** resources[].ARN: as stringValue, S3 object ARNs as spans. */
function arnValue(): i32 {
  if (pos < end && byte(pos) == QUOTE) {
    const s = pos + 1;
    const e = stringEnd(pos);
    pos = e + 1;
    return value(s, e, isS3ObjectArn(s, e) ? SPAN : NO_SLOT);
  }
  skipValue();
  return -1;
}

function resources(r: usize): void {
  // A later duplicate key replaces the list.
  store<i32>(r + S_RES_START * 4, <i32>nList);
  store<i32>(r + S_RES_COUNT * 4, 0);
  if (pos >= end || byte(pos) != LBRACKET) {
    skipValue();
    return;
  }
  let count: i32 = 0;
  pos++;
  ws();
  if (pos < end && byte(pos) == RBRACKET) {
    pos++;
    return;
  }
  for (;;) {
    ws();
    if (pos < end && byte(pos) == LBRACE) {
      let arn: i32 = -1;
      pos++;
      ws();
      if (pos < end && byte(pos) == RBRACE) {
        pos++;
      } else {
        beginObject(G_RESOURCE);
        for (;;) {
          ws();
          if (pos >= end || byte(pos) != QUOTE) fail(E_KEY, pos);
          const k = key(G_RESOURCE);
          if (keyEscaped) slow = true;
          colon();
          if (k == 0) arn = arnValue();
          else skipValue();
          if (endOfMember(RBRACE)) break;
        }
      }
      if (arn != -1) {
        push(arn);
        count++;
      }
    } else {
      skipValue();
    }
    if (endOfMember(RBRACKET)) break;
  }
  store<i32>(r + S_RES_COUNT * 4, count);
}

/** The params key ids the scanner treats specially (the host's positions in its key list). */
let paramNames: i32 = -1;
let paramKey: i32 = -1;
let paramVersionId: i32 = -1;
/** The second list key (ECS DescribeServices' `services`), read as `names` is. */
let paramServices: i32 = -1;

/** The two EC2 set keys (`instancesSet`, `resourcesSet`): read as their items' ids (idSet). */
let paramInstancesSet: i32 = -1;
let paramResourcesSet: i32 = -1;

export function setParamIds(names: i32, key_: i32, versionId: i32, services: i32, instancesSet: i32, resourcesSet: i32): void {
  paramNames = names;
  paramKey = key_;
  paramVersionId = versionId;
  paramServices = services;
  paramInstancesSet = instancesSet;
  paramResourcesSet = resourcesSet;
}

/**
 * An EC2 set at pos (`{"items": [{"instanceId": "i-…"}, …]}`) → the items' ids pushed after the
 * [key, count] pair at `head`; the count stays -1 unless the last `items` is an array of objects
 * each with a string id (its last `idKey` of G_ITEM), as record-fields.ts setIds reads it.
 */
function idSet(head: u32, idKey: i32): void {
  if (pos >= end || byte(pos) != LBRACE) {
    skipValue();
    return;
  }
  pos++;
  ws();
  if (pos < end && byte(pos) == RBRACE) {
    pos++;
    return;
  }
  beginObject(G_SET);
  for (;;) {
    ws();
    if (pos >= end || byte(pos) != QUOTE) fail(E_KEY, pos);
    const k = key(G_SET);
    if (keyEscaped) slow = true;
    colon();
    if (k == 0) {
      // A later `items` replaces an earlier one.
      nList = head + 2;
      store<i32>(list + (<usize>(head + 1) << 2), -1);
      const n = idItems(idKey);
      if (n >= 0 && nList == head + 2 + <u32>n) store<i32>(list + (<usize>(head + 1) << 2), n);
      else nList = head + 2;
    } else {
      skipValue();
    }
    if (endOfMember(RBRACE)) break;
  }
}

/** `items` at pos: pushes each item's id; their count, or -1 when some item has none (or is no object). */
function idItems(idKey: i32): i32 {
  if (pos >= end || byte(pos) != LBRACKET) {
    skipValue();
    return -1;
  }
  pos++;
  ws();
  if (pos < end && byte(pos) == RBRACKET) {
    pos++;
    return 0;
  }
  let all = true;
  let n: i32 = 0;
  for (;;) {
    ws();
    if (pos < end && byte(pos) == LBRACE) {
      let id: i32 = -1;
      pos++;
      ws();
      if (pos < end && byte(pos) == RBRACE) {
        pos++;
      } else {
        beginObject(G_ITEM);
        for (;;) {
          ws();
          if (pos >= end || byte(pos) != QUOTE) fail(E_KEY, pos);
          const k = key(G_ITEM);
          if (keyEscaped) slow = true;
          colon();
          // Instance ids repeat (a scheduler stops the same instances daily): symbols.
          if (k == idKey) id = stringValue(NO_SLOT);
          else skipValue();
          if (endOfMember(RBRACE)) break;
        }
      }
      if (id == -1) {
        all = false;
      } else {
        push(id);
        n++;
      }
    } else {
      all = false;
      skipValue();
    }
    if (endOfMember(RBRACKET)) break;
  }
  return all ? n : -1;
}

function params(r: usize): void {
  store<i32>(r + S_PAR_START * 4, <i32>nList);
  store<i32>(r + S_PAR_COUNT * 4, 0);
  if (pos >= end || byte(pos) != LBRACE) {
    skipValue();
    return;
  }
  const start = nList;
  pos++;
  ws();
  if (pos < end && byte(pos) == RBRACE) {
    pos++;
    return;
  }
  beginObject(G_PARAMS);
  for (;;) {
    ws();
    if (pos >= end || byte(pos) != QUOTE) fail(E_KEY, pos);
    const k = key(G_PARAMS);
    if (keyEscaped) slow = true;
    colon();
    if (k < 0) {
      skipValue();
    } else if (k == paramNames || k == paramServices) {
      // [key, count] then the strings; count -1 when it is not an array of strings.
      const head = nList;
      push(k);
      push(-1);
      if (pos < end && byte(pos) == LBRACKET) {
        let all = true;
        let n: i32 = 0;
        pos++;
        ws();
        if (pos < end && byte(pos) == RBRACKET) {
          pos++;
        } else {
          for (;;) {
            ws();
            if (pos < end && byte(pos) == QUOTE) {
              push(stringValue(NO_SLOT));
              n++;
            } else {
              all = false;
              skipValue();
            }
            if (endOfMember(RBRACKET)) break;
          }
        }
        if (all && nList == head + 2 + <u32>n) {
          store<i32>(list + (<usize>(head + 1) << 2), n);
        } else {
          nList = head + 2;
        }
      } else {
        skipValue();
      }
    } else if (k == paramInstancesSet || k == paramResourcesSet) {
      // [key, count] then the ids, as for `names`; count -1 when the set has no usable items.
      const head = nList;
      push(k);
      push(-1);
      // A full list table (the record is slow already): the set is only skipped.
      if (nList == head + 2) idSet(head, k == paramInstancesSet ? 0 : 1);
      else skipValue();
    } else {
      push(k);
      // Object keys and version ids are mostly unique: spans, not symbols.
      push(stringValue(k == paramKey || k == paramVersionId ? SPAN : NO_SLOT));
    }
    if (endOfMember(RBRACE)) break;
  }
  store<i32>(r + S_PAR_COUNT * 4, <i32>(nList - start));
}

/** A JSON boolean at pos → 1 (true) or 0 (false), consumed; anything else is skipped → -1. */
function booleanValue(): i32 {
  if (end - pos >= 4 && load<u32>(pos) == 0x65757274) {
    pos += 4; // "true"
    return 1;
  }
  if (end - pos >= 5 && load<u32>(pos) == 0x736c6166 && byte(pos + 4) == 0x65) {
    pos += 5; // "false"
    return 0;
  }
  skipValue();
  return -1;
}

/** One record object at pos → the next output slot. */
function record(index: i32): void {
  const at = pos;
  const r = out + <usize>(nOut * STRIDE) * 4;
  const spansBefore = nSpans;
  const listBefore = nList;
  slow = false;
  store<i32>(r + S_KIND * 4, 0);
  for (let k: u32 = S_SOURCE; k <= S_CATEGORY; k++) store<i32>(r + k * 4, -1);
  store<i32>(r + S_MANAGEMENT * 4, -1);
  store<i32>(r + S_READ_ONLY * 4, -1);
  store<i32>(r + S_ERR_MSG * 4, -1);
  store<i32>(r + S_IDENTITY * 4, -1);
  store<i32>(r + S_ID_STATE * 4, 0);
  store<i32>(r + S_TIME_STATE * 4, -1);
  store<i32>(r + S_RES_COUNT * 4, 0);
  store<i32>(r + S_PAR_COUNT * 4, 0);
  store<i32>(r + S_INDEX * 4, index);
  store<u32>(r + S_START * 4, <u32>(at - inputBase));
  pos++;
  ws();
  if (pos < end && byte(pos) == RBRACE) {
    pos++;
  } else {
    beginObject(G_RECORD);
    for (;;) {
      ws();
      if (pos >= end || byte(pos) != QUOTE) fail(E_KEY, pos);
      const k = key(G_RECORD);
      if (keyEscaped) slow = true;
      colon();
      if (k < 0 || k > K_SHARED) {
        skipValue();
      } else if (k == K_EVENT_ID || k == K_SHARED) {
        // Each key sets or clears its own flag (duplicate keys: the last one wins, per key).
        const flag = k == K_EVENT_ID ? S_ID_EVENT : S_ID_SHARED;
        const state = load<i32>(r + S_ID_STATE * 4) & ~flag;
        if (pos < end && byte(pos) == QUOTE) {
          const s = pos + 1;
          const e = stringEnd(pos);
          pos = e + 1;
          if (strFlags != 0) slow = true;
          else fingerprint(r, s, e, k == K_EVENT_ID ? S_FP1 : S_SHARED_FP1);
          store<i32>(r + S_ID_STATE * 4, state | flag);
        } else {
          skipValue();
          store<i32>(r + S_ID_STATE * 4, state);
        }
      } else if (k == K_EVENT_TIME) {
        if (pos < end && byte(pos) == QUOTE) {
          const s = pos + 1;
          const e = stringEnd(pos);
          pos = e + 1;
          const t = strFlags == 0 ? epochSeconds(s, <u32>(e - s)) : -1;
          if (t >= 0) {
            store<u32>(r + S_TIME * 4, <u32>t);
            store<i32>(r + S_TIME_STATE * 4, 1);
          } else {
            store<i32>(r + S_TIME_STATE * 4, value(s, e, SPAN));
          }
        } else {
          skipValue();
          store<i32>(r + S_TIME_STATE * 4, -1);
        }
      } else if (k <= K_CATEGORY) {
        // eventSource … eventCategory sit in slots S_SOURCE … S_CATEGORY, in key order.
        const slot = S_SOURCE + <u32>(k - K_SOURCE);
        store<i32>(r + slot * 4, stringValue(slot));
      } else if (k == K_MANAGEMENT) {
        store<i32>(r + S_MANAGEMENT * 4, booleanValue());
      } else if (k == K_READ_ONLY) {
        store<i32>(r + S_READ_ONLY * 4, booleanValue());
      } else if (k == K_ERR_MSG) {
        // Only records that failed have one: a span, never a symbol (messages rarely repeat).
        if (pos < end && byte(pos) == QUOTE) {
          const s = pos + 1;
          const e = stringEnd(pos);
          pos = e + 1;
          store<i32>(r + S_ERR_MSG * 4, value(s, e, SPAN));
        } else {
          skipValue();
          store<i32>(r + S_ERR_MSG * 4, -1);
        }
      } else if (k == K_IDENTITY) {
        identity(r);
      } else if (k == K_RESOURCES) {
        resources(r);
      } else {
        params(r);
      }
      if (endOfMember(RBRACE)) break;
    }
  }
  store<u32>(r + S_END * 4, <u32>(pos - inputBase));
  if (slow) {
    // The host parses [S_START, S_END) with JSON.parse; what was listed for it is dropped.
    store<i32>(r + S_KIND * 4, 2);
    nSpans = spansBefore;
    nList = listBefore;
  }
  nOut++;
}

/** Records per flush (OUT_RECORDS; tests lower it to exercise many flushes and symbol resets). */
let flushEvery: u32 = OUT_RECORDS;

export function setFlushEvery(n: u32): void {
  flushEvery = n < 1 ? 1 : n > OUT_RECORDS ? OUT_RECORDS : n;
}

function flushIfFull(): void {
  if (nOut >= flushEvery || nSpans >= SPAN_ENTRIES / 2 || nList >= LIST_ENTRIES / 2) flushOut();
}

function flushOut(): void {
  if (nOut > 0) hostFlush(<i32>nOut);
  nOut = 0;
  nSpans = 0;
  nList = 0;
}

function recordArray(base: i32): i32 {
  pos++; // [
  ws();
  if (pos < end && byte(pos) == RBRACKET) {
    pos++;
    return 0;
  }
  let index = base;
  for (;;) {
    ws();
    if (pos < end && byte(pos) == LBRACE) {
      record(index);
    } else {
      const at = pos;
      skipValue();
      const r = out + <usize>(nOut * STRIDE) * 4;
      store<i32>(r + S_KIND * 4, 1);
      store<i32>(r + S_INDEX * 4, index);
      store<u32>(r + S_START * 4, <u32>(at - inputBase));
      nOut++;
    }
    index++;
    emitted = index;
    flushIfFull();
    if (endOfMember(RBRACKET)) break;
  }
  return index - base;
}

/**
 * Scan the file copied to input(len). Returns the number of Records elements, or -1 when the top
 * level is not one of the two bulk shapes (the host then uses the full parser; nothing was
 * flushed). Traps on malformed input with errCode/errAt set and the records before it handed out.
 */
export function scan(len: u32): i32 {
  pos = inputBase;
  end = inputBase + <usize>len;
  errCode = 0;
  errAt = 0;
  emitted = 0;
  format = 0;
  found = 0;
  nOut = 0;
  nSpans = 0;
  nList = 0;
  if (len >= 3 && byte(pos) == 0xef && byte(pos + 1) == 0xbb && byte(pos + 2) == 0xbf) pos += 3;
  ws();
  if (pos >= end) return -1;
  const first = byte(pos);
  let records: i32 = 0;
  if (first == LBRACKET) {
    format = 2;
    records = recordArray(0);
    ws();
    if (pos < end) fail(E_TRAILING, pos);
    flushOut();
    return records;
  }
  if (first != LBRACE) return -1;
  format = 1;
  pos++;
  ws();
  if (pos < end && byte(pos) == RBRACE) {
    pos++;
  } else {
    beginObject(G_TOP);
    for (;;) {
      ws();
      if (pos >= end || byte(pos) != QUOTE) {
        if (found == 0) return -1;
        fail(E_KEY, pos);
      }
      const k = key(G_TOP);
      // An escaped top-level key could spell "Records": only the full parser can tell.
      if (keyEscaped && found == 0) return -1;
      colon();
      if (k == 0 && pos < end && byte(pos) == LBRACKET) {
        found = 1;
        records += recordArray(records);
      } else {
        skipValue();
      }
      if (endOfMember(RBRACE)) break;
    }
  }
  if (found == 0) return -1;
  ws();
  if (pos < end) fail(E_TRAILING, pos);
  flushOut();
  return records;
}
