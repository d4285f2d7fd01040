/**
 * Reading many files into one accumulator (a batch) and merging once must give what reading and
 * merging them one by one gives; the accumulator's own sample path (with its repeat and full-sample
 * shortcuts) must keep the sample law; the resource-ARN memo must return what derivation returns.
 */
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FileAccumulator, s3ParentIndex } from "../../src/usage/accumulate.js";
import { parentList, parentsOf } from "../../src/usage/parents.js";
import type { UsageEvent } from "../../src/usage/event.js";
import { readUsage } from "../../src/usage/index.js";
import { deriveResources, resourcesOf, type ResourceContext } from "../../src/usage/resources.js";
import { INVICTUS, STRATUS } from "./helpers.js";

const ROLE = "arn:aws:iam::123456789012:role/orders-role";
const event = (resources: string[], i: number): UsageEvent => ({
  eventId: `id-${i}`,
  sharedEventId: null,
  eventTime: "2026-10-01T10:00:00Z",
  eventSource: "s3.amazonaws.com",
  eventName: "GetObject",
  awsRegion: "us-east-1",
  recipientAccountId: "123456789012",
  errorCode: null,
  errorMessage: null,
  eventType: "AwsApiCall",
  eventCategory: "Data",
  managementEvent: false,
  readOnly: true,
  identityType: "AssumedRole",
  principalArn: "arn:aws:sts::123456789012:assumed-role/orders-role/orders-api",
  principalId: "AROATFQR7NSCWWVLB7BES:orders-api",
  identityAccountId: "123456789012",
  invokedBy: null,
  issuerArn: ROLE,
  issuedToFunction: null,
  resources,
  params: {},
});

const arn = fc.oneof(
  fc.constantFrom("arn:aws:s3:::b", "arn:aws:s3:::b/k1", "arn:aws:s3:::b/k2", "arn:aws:s3:::other/k", "arn:aws:s3:::other"),
  fc.string({ maxLength: 4 }).map((s) => `arn:aws:s3:::bucket/${s}`),
);

describe("the accumulator's resource sample", () => {
  it("is the cap smallest distinct ARNs seen, truncated iff more were seen, with the common prefix of all (an object's bucket beside it aside)", () => {
    fc.assert(
      fc.property(fc.array(fc.array(arn, { minLength: 1, maxLength: 3 }), { maxLength: 60 }), fc.integer({ min: 1, max: 6 }), (calls, cap) => {
        const acc = new FileAccumulator("f.json", { resourceCap: cap });
        calls.forEach((rs, i) => acc.add(event(rs, i), i));
        const groups = acc.finish().groups;
        const all = [...new Set(calls.flat())].sort();
        if (calls.length === 0) {
          expect(groups).toEqual([]);
          return;
        }
        const g = groups[0];
        expect([...(g?.resources ?? [])].sort()).toEqual(all.slice(0, cap));
        expect(g?.resourcesTruncated).toBe(all.length > cap);
        // The prefix is every ARN's but a bucket's that a call lists beside one of its objects (as
        // S3 data events do): the objects' own prefix.
        const inPrefix = [...new Set(calls.flatMap((rs) => {
          const u = [...new Set(rs)];
          const parent = u.length === 2 ? s3ParentIndex(u[0] as string, u[1] as string) : -1;
          return u.filter((_, k) => k !== parent);
        }))].sort();
        let prefix = inPrefix[0] as string;
        for (const x of inPrefix) while (!x.startsWith(prefix)) prefix = prefix.slice(0, -1);
        expect(g?.prefix).toBe(prefix);
        // Once truncated, the parents of every ARN seen, the bucket beside its objects included
        // (its own parent, which a grant for objects leaves out by type).
        if (all.length > cap) expect(parentList(g?.parents ?? null)).toEqual(parentList(parentsOf(all)));
        else expect(g?.parents).toBeUndefined();
      }),
      { numRuns: 400 },
    );
  });
});

describe("resource ARN memo", () => {
  it("returns what derivation returns, for any sequence of calls", () => {
    const ctx = fc.record({
      eventSource: fc.constantFrom("dynamodb.amazonaws.com", "sqs.amazonaws.com", "s3.amazonaws.com", "ssm.amazonaws.com", "kms.amazonaws.com", "lambda.amazonaws.com", "sns.amazonaws.com"),
      region: fc.constantFrom("us-east-1", "eu-west-1", null),
      accountId: fc.constantFrom("123456789012", "210987654321", null),
      partition: fc.constantFrom("aws", "aws-cn"),
      resources: fc.constantFrom([], ["arn:aws:s3:::b"]),
      // The same few values under different keys, alone or together: the memo must notice.
      params: fc.dictionary(
        fc.constantFrom("tableName", "queueUrl", "bucketName", "key", "name", "keyId", "functionName", "topicArn"),
        fc.constantFrom("orders", "alias/app", "https://sqs.us-east-1.amazonaws.com/123456789012/q", "arn:aws:sns:us-east-1:123456789012:t"),
        { maxKeys: 2 },
      ),
    }) as fc.Arbitrary<ResourceContext>;
    fc.assert(
      fc.property(fc.array(ctx, { maxLength: 40 }), (ctxs) => {
        for (const c of ctxs) expect(resourcesOf(c)).toEqual(deriveResources(c));
      }),
      { numRuns: 300 },
    );
  });
});

describe("batches", () => {
  it("the corpus read in batches of any size, in one thread or two, gives the per-file aggregate", async () => {
    const paths = [INVICTUS, STRATUS];
    // batchFingerprints 1: every file is its own batch (the per-file merge of before).
    const perFile = await readUsage(paths, { workers: 1, batchFingerprints: 1 });
    for (const [workers, batchFingerprints] of [[1, 1 << 18], [1, 200], [2, 1 << 18], [2, 1]]) {
      expect(await readUsage(paths, { workers, batchFingerprints }), `workers ${workers}, batch ${batchFingerprints}`).toEqual(perFile);
    }
    expect(perFile.files).toHaveLength(37);
  });

  it("files of any size read through one reused buffer give what each gives alone (no bytes of a bigger file before it)", async () => {
    const d = mkdtempSync(join(tmpdir(), "leastrole-readbuf-"));
    const source = JSON.parse(readFileSync(join(INVICTUS, "218007301253_CloudTrail_us-east-1_20230710T1200Z_iLj9fb7yyUG9X4Bf.json"), "utf8")) as { Records: { eventID?: string }[] };
    const copies = (n: number, tag: string) => ({ Records: Array.from({ length: n }, (_, i) => source.Records.map((r, j) => ({ ...r, eventID: `${tag}-${i}-${j}` }))).flat() });
    // Past the 1 MiB first buffer, so that it grows; small files after it read through the big buffer.
    const big = JSON.stringify(copies(Math.ceil((3 << 20) / JSON.stringify(source).length), "big"));
    expect(big.length).toBeGreaterThan(2 << 20);
    writeFileSync(join(d, "a-small.json"), JSON.stringify(copies(1, "a")));
    writeFileSync(join(d, "b-big.json"), big);
    writeFileSync(join(d, "c-small.json.gz"), gzipSync(JSON.stringify(copies(1, "c"))));
    writeFileSync(join(d, "d-tiny.json"), JSON.stringify({ Records: [source.Records[0]] }));
    const together = await readUsage([d], { workers: 1 });
    for (const f of together.files) {
      const alone = await readUsage([f.path], { workers: 1 });
      expect(alone.files[0], f.path).toEqual(f);
      expect(alone.warnings, f.path).toEqual([]);
    }
    expect(together.warnings).toEqual([]);
    expect(together.files.map((f) => f.records)).toEqual([source.Records.length, (JSON.parse(big) as { Records: unknown[] }).Records.length, source.Records.length, 1]);
  });

  it("a damaged file inside a batch keeps its own report and warnings; the files around it are complete", async () => {
    const d = mkdtempSync(join(tmpdir(), "leastrole-batch-"));
    mkdirSync(join(d, "t"));
    const big = readFileSync(join(INVICTUS, "218007301253_CloudTrail_us-east-1_20230710T1200Z_iLj9fb7yyUG9X4Bf.json"));
    writeFileSync(join(d, "t", "a.json"), big);
    writeFileSync(join(d, "t", "b.json.gz"), gzipSync(big).subarray(0, 6000));
    writeFileSync(join(d, "t", "c.json"), JSON.stringify({ Records: [{ eventTime: "2023-07-10T12:00:00Z", eventSource: "s3.amazonaws.com" }] }));
    const a = await readUsage([d], { workers: 1 });
    expect(a.files.map((f) => [f.path.slice(d.length + 3), f.partialReasons.length > 0, f.skipped])).toEqual([
      ["a.json", false, 0],
      ["b.json.gz", true, 0],
      ["c.json", false, 1],
    ]);
    expect(a.warnings.map((w) => [w.file?.slice(d.length + 3), w.code])).toEqual([
      // One damage, one warning: the JSON break the cut gzip leaves is said in it (before, a second warning).
      ["b.json.gz", "truncated-gzip"],
      ["c.json", "cloudtrail-record-skipped"],
    ]);
    const inBig = (JSON.parse(big.toString("utf8")) as { Records: unknown[] }).Records.length;
    expect(a.files.map((f) => f.records)).toEqual([inBig, a.coverage.recordsRead - inBig - 1, 1]);
    expect(a.files[1]?.records).toBeLessThan(inBig);
  });
});
