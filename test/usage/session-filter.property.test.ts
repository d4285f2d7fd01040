/**
 * Law of the aggregate's session filter (UsageAggregator.setSessionFilter, readUsage's
 * `sessionsFor`, which the audit sets to the sessions its labels read): whatever the file split,
 * the merge order and the moment the filter is set (before the first merge, between two, or at the
 * end), the aggregate is the unfiltered one with the refused sessions left out, and its coverage
 * (records read and skipped, duplicates removed, days, places, management events) is the same.
 * Records are the real corpus records (invictus-ir and stratus-red-team) and the refused-call
 * fixtures (two calls per record), re-delivered verbatim so that duplicates fall on both sides.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileAccumulator } from "../../src/usage/accumulate.js";
import { UsageAggregator, type SessionFilter, type SessionKey, type UsageAggregate } from "../../src/usage/aggregate.js";
import { isLambdaServiceSession } from "../../src/usage/attribution.js";
import { readUsage } from "../../src/usage/index.js";
import { sessionsLabelsRead, type SessionFilterDocument } from "../../src/usage/session-filter.js";
import { eventFromRecord } from "../../src/usage/record-fields.js";
import { lawRecordPool, splitAndShuffle } from "./helpers.js";

type Rec = { [k: string]: unknown };
let pool: Rec[];
const dir = mkdtempSync(join(tmpdir(), "leastrole-session-filter-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  pool = lawRecordPool();
});

/** A filter from a seed: keeps a session by a hash of what names it (never its invokedBy but as Lambda's own). */
function filterOf(seed: number): SessionFilter {
  return (s: SessionKey) => {
    const text = `${s.accountId}\u0000${s.roleArn}\u0000${s.sessionName}\u0000${s.functionArn ?? ""}\u0000${isLambdaServiceSession(s.sessionName, s.invokedBy)}`;
    let h = seed;
    for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
    return (h & 3) !== 0;
  };
}

/**
 * Files merged in `order`; the aggregator gets the filter before the merge `setAt` (or after the
 * last), and the file `readerAt` of the order and those after it are read with the filter as a
 * worker reads once it has the document (refused sessions folded), some records before it.
 */
function aggregate(files: Rec[][], order: number[], filter: SessionFilter | null, setAt: number, readerAt = order.length): UsageAggregate {
  const agg = new UsageAggregator(50);
  order.forEach((fi, k) => {
    if (filter !== null && k === setAt) agg.setSessionFilter(filter);
    const acc = new FileAccumulator(`file-${fi}.json`);
    const recs = files[fi] as Rec[];
    const from = k < readerAt ? recs.length : k === readerAt ? recs.length >> 1 : 0;
    recs.forEach((r, i) => {
      if (filter !== null && i === from) acc.setSessionFilter(filter);
      acc.add(eventFromRecord(r as Parameters<typeof eventFromRecord>[0]), i);
    });
    agg.merge(acc.finish());
  });
  if (filter !== null && setAt >= order.length) agg.setSessionFilter(filter);
  return agg.finish();
}

const leftOut = (a: UsageAggregate, keep: SessionFilter): UsageAggregate => ({ ...a, sessions: a.sessions.filter((s) => keep(s)) });

describe("the aggregate's session filter", () => {
  it("law: filtered while reading or merging = filtered after, with the same coverage, whatever the split, order and moments", () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer(),
        fc.nat(6),
        fc.nat(6),
        fc.array(fc.nat(), { minLength: 80, maxLength: 80 }),
        (picks, redeliver, nFiles, seed, setAt, readerAt, noise) => {
          const records = [...new Set(picks.map((p) => p % pool.length))].map((i) => pool[i] as Rec);
          // Re-deliveries of some records (a duplicate of a left-out session's record, or of a kept one's).
          const deliveries = [...records, ...redeliver.map((r) => records[r % records.length] as Rec)];
          let n = 0;
          const { files, order } = splitAndShuffle(deliveries, nFiles, () => noise[n++ % noise.length] as number);
          const keep = filterOf(seed);
          const all = aggregate(files, order, null, 0);
          expect(aggregate(files, order, keep, setAt, readerAt)).toEqual(leftOut(all, keep));
        },
      ),
      { numRuns: 120 },
    );
  });

  it("readUsage's sessionsFor, settled before the reading ends or after, gives the same aggregate; workers included", async () => {
    // Sessions on four roles and a few names, Lambda's own among them, over several files.
    const account = "123456789012";
    const roles = ["orders-role", "task-role", "AWSReservedSSO_Admin_0123456789abcdef", "orders-stack-FnRole-ABCDEFGH1234"];
    const names = ["orders-api", "i-0123456789abcdef0", "alice@example.com", "awslambda_123_456"];
    const fileCount = 6;
    const paths: string[] = [];
    let seq = 0;
    for (let f = 0; f < fileCount; f++) {
      const Records: Rec[] = [];
      for (let i = 0; i < 40; i++) {
        // Every seventh record is delivered again in each file: the same record, as CloudTrail
        // re-delivers one (its eventID is the event's). Different records under one eventID are
        // dedup.ts's case (the copy in the least group is kept, whatever the readers' timing),
        // held by test/usage/dedup.property.test.ts.
        const again = i % 7 === 0;
        const role = roles[again ? i % roles.length : (f + i) % roles.length] as string;
        const session = names[again ? (i * 3) % names.length : (f * 3 + i) % names.length] as string;
        const time = `2026-10-${String(1 + (i % 28)).padStart(2, "0")}T10:00:00Z`;
        Records.push({
          eventVersion: "1.08",
          userIdentity: {
            type: "AssumedRole",
            principalId: `AROATFQR7NSCWWVLB7BES:${session}`,
            arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
            accountId: account,
            sessionContext: { sessionIssuer: { type: "Role", principalId: "AROATFQR7NSCWWVLB7BES", arn: `arn:aws:iam::${account}:role/${role}`, accountId: account, userName: role } },
            ...(session.startsWith("awslambda_") ? { invokedBy: "lambda.amazonaws.com" } : {}),
          },
          eventTime: time,
          eventSource: "dynamodb.amazonaws.com",
          eventName: i % 3 === 0 ? "PutItem" : "GetItem",
          awsRegion: "us-east-1",
          requestParameters: { tableName: `t-${i % 5}` },
          eventID: `00000000-0000-4000-8000-${String(again ? i : ++seq + 1000).padStart(12, "0")}`,
          eventType: "AwsApiCall",
          managementEvent: false,
          eventCategory: "Data",
          recipientAccountId: account,
        });
      }
      const path = join(dir, `f${f}.json`);
      writeFileSync(path, JSON.stringify({ Records }));
      paths.push(path);
    }
    // The filter of a document whose function runs with orders-role: the task's and the person's
    // sessions are refused, the instance's too; Lambda's own and the function's kept.
    const role = (name: string, trustsLambda: boolean) => ({ arn: `arn:aws:iam::${account}:role/${name}`, name, source: null, trustsLambda, trustPolicy: {} });
    const document: SessionFilterDocument = {
      functions: [{ name: "orders-api", accountId: account, roleArn: `arn:aws:iam::${account}:role/orders-role`, versions: [], source: null }],
      roles: [role("orders-role", true), role("task-role", false), role("AWSReservedSSO_Admin_0123456789abcdef", false)],
    };
    const keep = sessionsLabelsRead(document);
    const all = await readUsage(paths, { workers: 1 });
    expect(all.sessions.some((s) => !keep(s))).toBe(true);
    expect(all.sessions.some((s) => keep(s))).toBe(true);
    expect(all.coverage.duplicatesRemoved).toBeGreaterThan(0);
    const expected = leftOut(all, keep);
    for (const workers of [1, 2]) {
      expect(await readUsage(paths, { workers, sessionsFor: Promise.resolve(document) })).toEqual(expected);
      const late = new Promise<SessionFilterDocument | null>((resolve) => setTimeout(() => resolve(document), 50));
      expect(await readUsage(paths, { workers, sessionsFor: late })).toEqual(expected);
      expect(await readUsage(paths, { workers, sessionsFor: Promise.reject(new Error("no document")) })).toEqual(await readUsage(paths, { workers }));
    }
  });
});
