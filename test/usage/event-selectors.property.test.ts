/**
 * Laws of the trails' event selectors (src/usage/event-selectors.ts), on generated
 * get-event-selectors / get-event-data-store outputs, well-formed or not:
 * - reading one never throws, whatever its fields hold (bad input is no stack trace);
 * - more selectors, or more trails, never log less: what one logs stays logged in the union
 *   (reads, writes, KMS, every data-event type logged `all`, and every class of one logged for
 *   every resource: a write-only trail's writes stay judged beside a trail logging some reads);
 * - the order of selectors and of trails changes nothing.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dataEventsOfTrails, parseEventSelectors, statementOfTrails, type TrailSelectors } from "../../src/usage/event-selectors.js";

const TYPES = ["AWS::S3::Object", "AWS::Lambda::Function", "AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::SNS::Topic"];
const values = fc.array(fc.constantFrom("arn:aws:s3", "arn:aws:s3:::", "arn:aws:s3:::orders/", "arn:aws:lambda", "arn:aws:lambda:us-east-1:123456789012:function:f", "arn:aws:dynamodb", "arn:aws-cn:s3"), { maxLength: 3 });
const basicSelector = fc.record({
  ReadWriteType: fc.constantFrom("All", "ReadOnly", "WriteOnly", undefined),
  IncludeManagementEvents: fc.constantFrom(true, false, undefined),
  ExcludeManagementEventSources: fc.subarray(["kms.amazonaws.com", "rdsdata.amazonaws.com"]),
  DataResources: fc.array(fc.record({ Type: fc.constantFrom(...TYPES), Values: values }), { maxLength: 3 }),
});
const field = fc.oneof(
  fc.record({ Field: fc.constant("eventCategory"), Equals: fc.subarray(["Management", "Data"], { minLength: 1 }) }),
  fc.record({ Field: fc.constant("resources.type"), Equals: fc.subarray(TYPES, { minLength: 1, maxLength: 1 }) }),
  fc.record({ Field: fc.constant("readOnly"), Equals: fc.subarray(["true", "false"], { minLength: 1, maxLength: 1 }) }),
  fc.record({ Field: fc.constant("eventSource"), NotEquals: fc.subarray(["kms.amazonaws.com", "rdsdata.amazonaws.com"], { minLength: 1 }) }),
  fc.record({ Field: fc.constant("resources.ARN"), StartsWith: fc.subarray(["arn:aws:s3:::orders/", "arn:aws:s3:::logs/"], { minLength: 1 }) }),
  fc.record({ Field: fc.constant("eventName"), NotEquals: fc.subarray(["GetObject", "PutObject"], { minLength: 1 }) }),
  // As CloudTrail prints them: every operator, the unused ones empty.
  fc.record({ Field: fc.constant("resources.ARN"), Equals: fc.constant([]), StartsWith: fc.subarray(["arn:aws:s3:::orders/", "arn:aws:s3:::logs/"]), NotEquals: fc.constant([]), NotStartsWith: fc.constant([]), EndsWith: fc.constant([]), NotEndsWith: fc.constant([]) }),
  fc.record({ Field: fc.constant("readOnly"), Equals: fc.subarray(["true", "false"], { minLength: 1, maxLength: 1 }), NotEquals: fc.constant([]) }),
);
const advancedSelector = fc.record({ Name: fc.string({ maxLength: 5 }), FieldSelectors: fc.array(field, { minLength: 1, maxLength: 4 }) });
const trailOutput = (i: number) =>
  fc.oneof(
    fc.record({ TrailARN: fc.constant(`arn:aws:cloudtrail:us-east-1:123456789012:trail/t${i}`), EventSelectors: fc.array(basicSelector, { minLength: 1, maxLength: 3 }) }),
    fc.record({ TrailARN: fc.constant(`arn:aws:cloudtrail:us-east-1:123456789012:trail/t${i}`), AdvancedEventSelectors: fc.array(advancedSelector, { minLength: 1, maxLength: 4 }) }),
  );

/** What a set of trails logs, as the labels read it. */
function logged(trails: TrailSelectors[]): { reads: boolean; writes: boolean; kms: boolean; all: string[] } {
  const s = statementOfTrails(trails);
  // Per type and class (`AWS::S3::Object writes`): what is logged for every resource.
  const all = dataEventsOfTrails(trails).flatMap((t) => (t.logged === "all" ? [`${t.type} reads`, `${t.type} writes`] : t.loggedEverywhere !== undefined ? [`${t.type} ${t.loggedEverywhere}`] : []));
  return { reads: s.reads?.logged ?? false, writes: s.writes?.logged ?? false, kms: s.kms?.logged ?? false, all };
}

describe("event selectors (laws)", () => {
  it("reading any output, well-formed or not, never throws", () => {
    fc.assert(
      fc.property(fc.record({ TrailARN: fc.constant("arn:aws:cloudtrail:us-east-1:123456789012:trail/x"), EventSelectors: fc.array(fc.anything(), { maxLength: 3 }), AdvancedEventSelectors: fc.array(fc.oneof(fc.anything(), fc.record({ FieldSelectors: fc.array(fc.anything(), { maxLength: 3 }) })), { maxLength: 3 }) }), (doc) => {
        const t = parseEventSelectors(doc);
        expect(typeof t.readEvents).toBe("boolean");
        dataEventsOfTrails([t]);
      }),
      { numRuns: 300 },
    );
  });

  it("more selectors never log less, and their order changes nothing", () => {
    fc.assert(
      fc.property(trailOutput(1), fc.array(fc.oneof(basicSelector, advancedSelector), { maxLength: 3 }), (doc, more) => {
        const before = logged([parseEventSelectors(doc)]);
        const key = "EventSelectors" in doc ? "EventSelectors" : "AdvancedEventSelectors";
        const extra = (more as object[]).filter((s) => (key === "EventSelectors" ? "ReadWriteType" in s : "FieldSelectors" in s));
        const list = (doc as unknown as Record<string, object[]>)[key] as object[];
        const grown = logged([parseEventSelectors({ ...doc, [key]: [...list, ...extra] })]);
        for (const k of ["reads", "writes", "kms"] as const) if (before[k]) expect(grown[k], k).toBe(true);
        for (const t of before.all) expect(grown.all).toContain(t);
        expect(logged([parseEventSelectors({ ...doc, [key]: [...extra, ...list].reverse() })])).toEqual(grown);
      }),
      { numRuns: 300 },
    );
  });

  it("more trails never log less, and their order changes nothing", () => {
    fc.assert(
      fc.property(trailOutput(1), trailOutput(2), trailOutput(3), (a, b, c) => {
        const [ta, tb, tc] = [a, b, c].map((d) => parseEventSelectors(d)) as [TrailSelectors, TrailSelectors, TrailSelectors];
        const one = logged([ta]);
        const all = logged([ta, tb, tc]);
        for (const k of ["reads", "writes", "kms"] as const) if (one[k]) expect(all[k], k).toBe(true);
        for (const t of one.all) expect(all.all).toContain(t);
        expect(logged([tc, ta, tb])).toEqual(all);
        expect(dataEventsOfTrails([tc, ta, tb])).toEqual(dataEventsOfTrails([ta, tb, tc]));
      }),
      { numRuns: 300 },
    );
  });
});
