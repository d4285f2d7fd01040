/**
 * Property tests of the byte scanner against JSON.parse + eventFromRecord:
 * - any record-like JSON text (random key order, duplicate keys, escapes, non-ASCII, wrong types
 *   for the fields we read, random whitespace) gives the same UsageEvents;
 * - any truncation of a file gives a prefix of those events and an error, never a wrong event.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { referenceEvents, scannedEvents } from "./helpers.js";

type JV = { t: "obj"; e: [string, JV][] } | { t: "arr"; i: JV[] } | { t: "str"; v: string } | { t: "num"; v: number } | { t: "lit"; v: "true" | "false" | "null" };

const ws = fc.constantFrom("", "", "", " ", "\n  ", "\t", "\r\n");
const text = fc.oneof(
  fc.constantFrom("AssumedRole", "arn:aws:iam::123456789012:role/path/my-role", "AROAEXAMPLE:my-fn", "s3.amazonaws.com", "GetObject", "2026-10-01T12:00:00Z", "us-east-1"),
  // DynamoDB's multi-item calls (ddb-items.ts), whose records the scanner hands to the full parser.
  fc.constantFrom("dynamodb.amazonaws.com", "TransactWriteItems", "BatchExecuteStatement", "ExecuteTransaction", "Put", "Update", "SELECT * FROM t", 'INSERT INTO "t" VALUE {}'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "grapheme", maxLength: 6 }),
  fc.constantFrom('quote " inside', "back\\slash", "tab\tnew\nline", "é ü 日本", "\u0000\u001f", "😀"),
);
const KEYS = ["eventID", "eventTime", "eventSource", "eventName", "awsRegion", "recipientAccountId", "errorCode", "eventType", "eventCategory", "managementEvent", "readOnly", "errorMessage", "sharedEventID", "errorCode", "userIdentity", "resources", "requestParameters", "type", "arn", "principalId", "accountId", "invokedBy", "sessionContext", "sessionIssuer", "ARN", "bucketName", "key", "names", "services", "service", "cluster", "tableName", "functionName", "versionId", "other", "Records", "eventNam", "eventNames", "instancesSet", "resourcesSet", "items", "instanceId", "resourceId", "requestItems", "operation", "statement", "TableName"];
/** `ESC:` keys are written with a \u escape (`"event\u0049D"` is the key eventID). */
const key = fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 8 }), fc.constantFrom("ESC:eventID", "ESC:eventTime", "ESC:arn", "ESC:ARN", "ESC:errorMessage", "ESC:sharedEventID", "ESC:requestItems"));
const serKey = (k: string): string => (k.startsWith("ESC:") ? `"${k.slice(4, -1)}\\u${k.charCodeAt(k.length - 1).toString(16).padStart(4, "0")}"` : JSON.stringify(k));

const jv: fc.Arbitrary<JV> = fc.letrec<{ v: JV }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    text.map((v) => ({ t: "str" as const, v })),
    fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })).map((v) => ({ t: "num" as const, v })),
    fc.constantFrom("true", "false", "null").map((v) => ({ t: "lit" as const, v: v as "true" | "false" | "null" })),
    fc.array(fc.tuple(key, tie("v")), { maxLength: 5 }).map((e) => ({ t: "obj" as const, e })),
    fc.array(tie("v"), { maxLength: 4 }).map((i) => ({ t: "arr" as const, i })),
  ),
})).v;

/** A record: the required fields (mostly), plus random members in random order. */
const record: fc.Arbitrary<JV> = fc
  .tuple(
    fc.record({ eventTime: text, eventSource: text, eventName: text }, { requiredKeys: [] }),
    fc.array(fc.tuple(key, jv), { maxLength: 8 }),
    fc.option(jv, { nil: undefined }),
  )
  .map(([req, extra, ui]) => {
    const e: [string, JV][] = [...Object.entries(req).map(([k, v]) => [k, { t: "str", v }] as [string, JV]), ...extra];
    if (ui !== undefined) e.push(["userIdentity", { t: "obj", e: [["type", { t: "str", v: "AssumedRole" }], ["sessionContext", { t: "obj", e: [["sessionIssuer", ui]] }]] }]);
    return { t: "obj" as const, e };
  });

function ser(v: JV, w: () => string): string {
  switch (v.t) {
    case "str": return JSON.stringify(v.v);
    case "num": return JSON.stringify(v.v);
    case "lit": return v.v;
    case "arr": return `[${w()}${v.i.map((x) => ser(x, w)).join(`${w()},${w()}`)}${w()}]`;
    case "obj": return `{${w()}${v.e.map(([k, x]) => `${serKey(k)}${w()}:${w()}${ser(x, w)}`).join(`${w()},${w()}`)}${w()}}`;
  }
}

const file = fc.tuple(fc.array(record, { maxLength: 6 }), fc.boolean(), fc.array(ws, { minLength: 1, maxLength: 16 })).map(([recs, wrapped, spaces]) => {
  let k = 0;
  const w = (): string => spaces[k++ % spaces.length] as string;
  const body = `[${recs.map((r) => ser(r, w)).join(",")}]`;
  return wrapped ? `{${w()}"Records"${w()}:${w()}${body}${w()}}` : `${w()}${body}${w()}`;
});

describe("byte scanner ≡ JSON.parse", () => {
  it("gives the same events on any record-shaped JSON", () => {
    fc.assert(
      fc.property(file, (t) => {
        const { events, outcome } = scannedEvents(Buffer.from(t, "utf8"));
        expect(outcome?.error ?? null).toBeNull();
        expect(events).toEqual(referenceEvents(JSON.parse(t)));
      }),
      { numRuns: 400 },
    );
  });

  it("on any truncation yields a prefix of the events and an error", () => {
    fc.assert(
      fc.property(file, fc.nat(), (t, cut) => {
        const buf = Buffer.from(t, "utf8");
        const n = buf.length === 0 ? 0 : cut % buf.length;
        const full = referenceEvents(JSON.parse(t));
        const { events, outcome } = scannedEvents(buf.subarray(0, n));
        expect(full.slice(0, events.length)).toEqual(events);
        if (outcome !== null && events.length < full.length) expect(outcome.error).not.toBeNull();
      }),
      { numRuns: 400 },
    );
  });
});
