/**
 * The WebAssembly scanner's output record: STRIDE 32-bit slots per record, at these positions.
 * They mirror the S_* constants of wasm/cloudtrail-scan.ts; test/usage/scan-wasm.test.ts holds the
 * two equal (the module exports its own).
 */

export const STRIDE = 34;
/** Symbol ids are below this (the scanner's table size, see wasm/cloudtrail-scan.ts). */
export const MAX_SYMBOLS = 1 << 17;
/** 0 event, 1 not an object, 2 slow record (the host parses bytes [S_START, S_END) itself). */
export const S_KIND = 0;
/** Epoch seconds (unsigned) when S_TIME_STATE is 1. */
export const S_TIME = 1;
// String values: a symbol id (≥ 0), a span (≤ -2), or -1 (absent, or not a string).
export const S_SOURCE = 2;
export const S_NAME = 3;
export const S_REGION = 4;
export const S_ACCOUNT = 5;
export const S_ERROR = 6;
export const S_TYPE = 7;
export const S_CATEGORY = 8;
/** 1 true, 0 false, -1 absent or not a boolean. */
export const S_MANAGEMENT = 9;
/** The session key: one symbol per distinct S_UI_* six (and S_UI_SCOPE_* pair, when inScopeOf is there); -1 when userIdentity is absent or not an object. */
export const S_IDENTITY = 10;
/** eventID's fingerprint (fingerprints.ts), when S_ID_STATE has S_ID_EVENT. */
export const S_FP1 = 11;
export const S_FP2 = 12;
/** S_ID_EVENT (a string eventID) plus S_ID_SHARED (a string sharedEventID), or 0. */
export const S_ID_STATE = 13;
/** Values of S_ID_STATE (bits): a string eventID was hashed; a string sharedEventID was. */
export const S_ID_EVENT = 1;
export const S_ID_SHARED = 2;
/** 1: seconds in S_TIME; a span: the host normalises the text; -1: absent or not a string. */
export const S_TIME_STATE = 14;
/** resources[].ARN values: start (in the list table) and count. */
export const S_RES_START = 15;
export const S_RES_COUNT = 16;
/** requestParameters: (key id, value) pairs, `names` as (key id, count) then its values. */
export const S_PAR_START = 17;
export const S_PAR_COUNT = 18;
export const S_INDEX = 19;
/** The record's bytes in the input (offsets). */
export const S_START = 20;
export const S_END = 21;
/** userIdentity: type, arn, principalId, accountId, invokedBy, sessionContext.sessionIssuer.arn. */
export const S_UI_TYPE = 22;
export const S_UI_ARN = 23;
export const S_UI_PRINCIPAL = 24;
export const S_UI_ACCOUNT = 25;
export const S_UI_INVOKED_BY = 26;
export const S_UI_ISSUER = 27;
/** readOnly: 1 true, 0 false, -1 absent or not a boolean. */
export const S_READ_ONLY = 28;
/** errorMessage: a span (-1 absent or not a string); read only when the record has an errorCode. */
export const S_ERR_MSG = 29;
/** sharedEventID's fingerprint (fingerprints.ts), when S_ID_STATE has S_ID_SHARED. */
export const S_SHARED_FP1 = 30;
export const S_SHARED_FP2 = 31;
/**
 * userIdentity.inScopeOf's issuerType and credentialsIssuedTo (spans, -1 absent or not a string):
 * the function Lambda issued the credentials to (record-fields.ts issuedToFunctionOf). Like S_UI_*,
 * set only when S_IDENTITY is not -1; part of the session key only when the record has inScopeOf.
 */
export const S_UI_SCOPE_TYPE = 32;
export const S_UI_SCOPE_TO = 33;
