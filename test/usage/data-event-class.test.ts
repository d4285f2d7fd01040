/**
 * Data events of one class only: a trail logging write data events only (`ReadWriteType:
 * WriteOnly`, advanced `readOnly` Equals `false`) shows every write of the type on every resource,
 * so an unseen write the role grants is unused and generate leaves it out, while an unseen read
 * stays unknowable and kept; the mirror for reads. The class is CloudTrail's `readOnly` for the
 * action (usage/not-logged.ts dataEventClassOf); one whose class is not known (sqs:ReceiveMessage)
 * needs both classes logged. And S3 selectors on a key prefix: a call under the prefix shows
 * nothing of the rest of its bucket.
 *
 * The selectors are get-event-selectors outputs from the AWS CLI reference and the CloudTrail user
 * guide (test/fixtures/event-selectors/SOURCE.md).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dataEventsOfTrails, parseEventSelectors } from "../../src/usage/event-selectors.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "event-selectors");
const fixture = (name: string): { [k: string]: unknown } => JSON.parse(readFileSync(join(FIXTURES, name), "utf8")) as { [k: string]: unknown };
const coverageOf = (...names: string[]) => dataEventsOfTrails(names.map((n) => parseEventSelectors(fixture(n))));

describe("get-event-selectors as CloudTrail prints it", () => {
  it("reads an empty operator list as no filter (the user guide's output prints all six)", () => {
    const t = parseEventSelectors(fixture("guide-advanced-prefixes.json"));
    // `"Equals": []` beside `"StartsWith": […]` is no Equals filter: the prefixes are logged in
    // full. Before, every empty list was a limit ("resources.ARN Equals ") and no prefix was known.
    expect(coverageOf("guide-advanced-prefixes.json")).toEqual([
      {
        type: "AWS::S3::Object",
        logged: "some",
        limits: ["resources.ARN StartsWith arn:aws:s3:::mybucket/prefix, arn:aws:s3:::mybucket2/prefix2"],
        statedBy: ["arn:aws:cloudtrail:us-east-2:123456789012:trail/TrailName"],
        prefixes: ["arn:aws:s3:::mybucket/prefix", "arn:aws:s3:::mybucket2/prefix2"],
      },
    ]);
    // The management selector's empty lists exclude nothing either.
    expect(t).toMatchObject({ readEvents: true, writeEvents: true, kmsEvents: true });
    // Printed so, a selector excluding RDS Data API events keeps AWS KMS's (before: "Equals": [] read as "only these sources", none).
    const all = { Equals: [], StartsWith: [], EndsWith: [], NotEquals: [], NotStartsWith: [], NotEndsWith: [] };
    const rds = parseEventSelectors({
      TrailARN: "arn:aws:cloudtrail:us-east-2:123456789012:trail/TrailName",
      AdvancedEventSelectors: [{ Name: "Management events but RDS Data API", FieldSelectors: [{ Field: "eventCategory", ...all, Equals: ["Management"] }, { Field: "eventSource", ...all, NotEquals: ["rdsdata.amazonaws.com"] }] }],
    });
    expect(rds).toMatchObject({ readEvents: true, writeEvents: true, kmsEvents: true });
  });

});
