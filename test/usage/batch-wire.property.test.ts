/**
 * A reader's batch crosses to the calling thread as columns (src/usage/batch-wire.ts): whatever
 * the batch holds, what arrives (packed, structured-cloned with its buffers transferred, unpacked)
 * is the batch that was posted, field for field. Null and absent stay apart (an error code, a
 * prefix, a principal's invoker or function, a Lambda service principal's fingerprints; `dropped`
 * present only on a dropped principal; `parents` undefined, null or a map).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { GroupPartial, PrincipalPartial } from "../../src/usage/accumulate.js";
import { packBatch, transferablesOf, unpackBatch } from "../../src/usage/batch-wire.js";
import type { FileResult } from "../../src/usage/read-file.js";

// A few values each, so that strings repeat across groups and principals as they do in a batch.
const text = fc.constantFrom("s3.amazonaws.com", "dynamodb.amazonaws.com", "GetObject", "PutItem", "AccessDenied", "", "é\u0000\u2028", "arn:aws:s3:::b/k");
const maybe = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(a, { nil: null });
const time = fc.constantFrom("2026-11-01T00:00:00Z", "2026-11-02T10:20:30Z");

const group = (principals: number): fc.Arbitrary<GroupPartial> =>
  fc.record({
    principal: fc.integer({ min: 0, max: Math.max(0, principals - 1) }),
    eventSource: text,
    eventName: text,
    errorCode: maybe(text),
    versioned: fc.boolean(),
    count: fc.oneof(fc.nat(), fc.double({ noNaN: true })),
    firstSeen: time,
    lastSeen: time,
    resources: fc.array(fc.oneof(text, fc.string({ unit: "binary" })), { maxLength: 5 }),
    resourcesTruncated: fc.boolean(),
    prefix: maybe(text),
    parents: fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.array(fc.tuple(text, fc.record({ prefix: text, single: fc.boolean() })), { maxLength: 2 }).map((e) => new Map(e)),
    ) as fc.Arbitrary<GroupPartial["parents"]>,
    unnamed: fc.nat(),
    deniedBy: fc.nat({ max: 255 }),
  });

const principal: fc.Arbitrary<PrincipalPartial> = fc
  .record({
    accountId: fc.constantFrom("123456789012", "111122223333"),
    roleArn: text,
    sessionName: text,
    invokedBy: maybe(text),
    functionArn: maybe(text),
    dropped: fc.boolean(),
    regions: fc.array(fc.constantFrom("us-east-1", "eu-west-1"), { maxLength: 2 }),
    sessionFingerprints: maybe(fc.array(fc.integer({ min: 0, max: 2 ** 52 - 1 }), { maxLength: 4 })),
  })
  .map(({ dropped, ...p }) => (dropped ? { ...p, dropped: true as const } : p));

const batch: fc.Arbitrary<FileResult> = fc.array(principal, { maxLength: 6 }).chain((principals) =>
  fc.array(group(principals.length), { maxLength: 12 }).map(
    (groups): FileResult => ({
      partial: {
        path: "/trail/a.json.gz",
        format: "cloudtrail",
        sha256: "0".repeat(64),
        records: groups.length,
        skipped: 0,
        partialReasons: [],
        warnings: [],
        principals,
        groups,
        fingerprints: new Uint32Array([1, 2, 0, 3]),
        accounts: ["123456789012"],
        regions: ["us-east-1"],
        days: ["2026-11-01"],
        places: [],
        dataEventRecords: 0,
        management: [],
        firstEvent: null,
        lastEvent: null,
        functionCreations: [],
        trailChanges: [],
      },
      accessAdvisor: [],
      accessAnalyzer: [],
      trails: [],
    }),
  ),
);

describe("a batch's columns", () => {
  it("arrive as the batch that was posted (packed, cloned with transfers, unpacked)", () => {
    fc.assert(
      fc.property(batch, (b) => {
        const expected = structuredClone(b);
        const wire = packBatch(b);
        const arrived = structuredClone(wire, { transfer: transferablesOf(wire) });
        const got = unpackBatch(arrived);
        expect(got).toEqual(expected);
        // toEqual treats an absent key and an undefined one alike: `dropped` and `parents` exactly.
        got.partial.principals.forEach((p, i) => expect("dropped" in p).toBe("dropped" in (expected.partial.principals[i] as object)));
        got.partial.groups.forEach((g, i) => expect(g.parents).toStrictEqual(expected.partial.groups[i]?.parents));
      }),
      { numRuns: 300 },
    );
  });

  it("write each distinct string of the groups and principals once", () => {
    const g = (eventName: string): GroupPartial => ({ principal: 0, eventSource: "s3.amazonaws.com", eventName, errorCode: null, versioned: false, count: 1, firstSeen: "t", lastSeen: "t", resources: [], resourcesTruncated: false, prefix: null, parents: undefined, unnamed: 0, deniedBy: 0 });
    const groups = Array.from({ length: 100 }, (_, i) => g(i % 2 === 0 ? "GetObject" : "PutObject"));
    const b: FileResult = { partial: { path: "p", format: "cloudtrail", sha256: "", records: 0, skipped: 0, partialReasons: [], warnings: [], principals: [], groups, fingerprints: new Uint32Array(0), accounts: [], regions: [], days: [], places: [], dataEventRecords: 0, management: [], firstEvent: null, lastEvent: null, functionCreations: [], trailChanges: [] }, accessAdvisor: [], accessAnalyzer: [], trails: [] };
    expect(packBatch(b).strings).toEqual(["s3.amazonaws.com", "GetObject", "PutObject"]);
  });
});
