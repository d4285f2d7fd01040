/**
 * The scanner's shortcuts against JSON.parse + eventFromRecord:
 * - the compare-first userIdentity cache: many records whose userIdentities share long prefixes
 *   (more variants per cache slot than it has ways, so entries are evicted and re-walked), differ
 *   only near the end, in whitespace, or by an escape, must give exactly the parsed fields;
 * - short and long skipped strings with escaped quotes and backslashes before the closing quote.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { referenceEvents, scannedEvents } from "./helpers.js";

const ACCOUNT = "123456789012";
/** Useridentities that agree on their first ~150 bytes (same slot) and differ after. */
const variants: string[] = [];
for (const fn of ["orders-api", "orders-apj", "orders-api-2"]) {
  for (const tail of ["", `,"invokedBy":"lambda.amazonaws.com"`, `,"invokedBy":"lambda.amazon\\u0061ws.com"`, ` `]) {
    variants.push(
      `{"type":"AssumedRole","principalId":"AROAEXAMPLEEXAMPLE12:orders-api","arn":"arn:aws:sts::${ACCOUNT}:assumed-role/orders-role/orders-api","accountId":"${ACCOUNT}","accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::${ACCOUNT}:role/${fn}-role"}}${tail}}`,
    );
  }
}
// A userIdentity that is another's bytes plus more members (a cached value must not match a longer one).
variants.push(`${(variants[0] as string).slice(0, -1)},"sessionContext":{"sessionIssuer":{"arn":"arn:aws:iam::${ACCOUNT}:role/other"}}}`);

const skipped = fc.constantFrom('"1.09"', '"a\\"b"', '"ends with backslash \\\\"', `"${"x".repeat(47)}"`, `"${"y".repeat(48)}\\""`, `"${"z".repeat(200)}"`, '"\\\\\\""', '{"k":"v\\"}","n":[1,"]"]}');

const record = fc.tuple(fc.nat({ max: variants.length - 1 }), skipped, skipped, fc.constantFrom("GetObject", "PutItem")).map(
  ([u, s1, s2, name]) => `{"eventVersion":${s1},"userIdentity":${variants[u]},"eventTime":"2026-10-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"${name}","sourceIPAddress":${s2},"eventID":"e-${u}"}`,
);

describe("scanner shortcuts ≡ JSON.parse", () => {
  it("the userIdentity cache returns the parsed fields for any sequence of look-alike identities", () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 40 }), (recs) => {
        const t = `{"Records":[${recs.join(",")}]}`;
        const { events, outcome } = scannedEvents(Buffer.from(t, "utf8"));
        expect(outcome?.error ?? null).toBeNull();
        expect(events).toEqual(referenceEvents(JSON.parse(t)));
      }),
      { numRuns: 300 },
    );
  });

  it("a file cut inside a cached userIdentity is an error, not a match", () => {
    const t = `{"Records":[${[0, 0, 0].map((u) => `{"userIdentity":${variants[u]},"eventTime":"2026-10-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject"}`).join(",")}]}`;
    const cutAt = t.lastIndexOf('"sessionIssuer"');
    const { events, outcome } = scannedEvents(Buffer.from(t.slice(0, cutAt), "utf8"));
    expect(events).toHaveLength(2);
    expect(outcome?.error).not.toBeNull();
  });
});
