/**
 * Law of the deduplication that forgets (src/usage/dedup.ts): whatever the file split, the file
 * order and the memory budget (down to spilling after every entry), the aggregate equals the one
 * from exact deduplication: every eventID counted once, duplicatesRemoved = events − distinct.
 * Records are the real corpus records (invictus-ir and stratus-red-team), re-delivered verbatim,
 * and, for some, made into the two copies of one cross-account action (one sharedEventID, the
 * caller's and the owner's): one call per sharedEventID, the caller's copy counted.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileAccumulator } from "../../src/usage/accumulate.js";
import { readUsage } from "../../src/usage/index.js";
import { UsageAggregator, type UsageAggregate } from "../../src/usage/aggregate.js";
import { EventDedup, hourOf, LATE_COPY } from "../../src/usage/dedup.js";
import { eventFromRecord } from "../../src/usage/record-fields.js";
import { INVICTUS, lawRecordPool, splitAndShuffle } from "./helpers.js";

type Rec = { [k: string]: unknown };
let pool: Rec[];
const spillRoot = mkdtempSync(join(tmpdir(), "leastrole-dedup-test-"));

afterAll(() => rmSync(spillRoot, { recursive: true, force: true }));

beforeAll(() => {
  // Role-session API calls with an eventID and a usable eventTime: the records dedup applies to.
  // First (picks come from the first 120): refused calls counted as two calls, a KMS refusal's
  // service and KMS halves (denials.ts), whose re-deliveries must be one duplicate each.
  pool = lawRecordPool();
});

/** Does the accumulator fingerprint this record (a role-session API call with an eventID)? */
function fingerprinted(r: Rec): boolean {
  const acc = new FileAccumulator("one.json");
  acc.add(eventFromRecord(r as Parameters<typeof eventFromRecord>[0]), 0);
  return acc.finish().fingerprints.length > 0;
}

/** The numbers of fast-check's infinite stream, one per call (shuffles, file picks). */
function nextOf(rand: Iterable<number>): () => number {
  const it = rand[Symbol.iterator]();
  return () => it.next().value as number;
}

function aggregate(files: Rec[][], order: number[], dedup: { memoryEntries?: number; spillDir?: string }): UsageAggregate {
  const agg = new UsageAggregator(50, dedup);
  for (const fi of order) {
    const acc = new FileAccumulator(`file-${fi}.json`);
    (files[fi] as Rec[]).forEach((r, i) => acc.add(eventFromRecord(r as Parameters<typeof eventFromRecord>[0]), i));
    agg.merge(acc.finish());
  }
  return agg.finish();
}

// recordsRead, dataEventRecords and the management-event counts count deliveries, duplicates
// included: only whether an account's logs hold a read, a KMS or a data event (what trail-gaps.ts
// and coverage.dataEvents judge by) is the same.
const noFiles = (a: UsageAggregate) => {
  const { files: _f, coverage, ...rest } = a;
  // dataEventRecords too (the refused-call fixtures hold data events; the corpus records picked did not).
  const { recordsRead: _r, duplicatesRemoved: _d, management, dataEventRecords, ...cov } = coverage;
  return { ...rest, coverage: { ...cov, dataEventRecords: dataEventRecords > 0, management: management.map((m) => ({ accountId: m.accountId, reads: m.reads > 0, kms: m.kms > 0 })) } };
};


describe("deduplication by eventTime hour", () => {
  it("the corpus pool spans several hours (so buckets are exercised)", () => {
    const hours = new Set(pool.map((r) => hourOf(String(r.eventTime))));
    expect(pool.length).toBeGreaterThan(200);
    expect(hours.size).toBeGreaterThan(3);
  });

  it("hourOf agrees with Date for any second between 1970 and 2200", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7_258_118_399 }), (s) => {
        const iso = new Date(s * 1000).toISOString().replace(".000Z", "Z");
        expect(hourOf(iso)).toBe(Math.floor(s / 3600));
      }),
      { numRuns: 2000 },
    );
  });

  it("any file split, file order and memory budget gives the aggregate of exact deduplication", () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { minLength: 1, maxLength: 400 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 64 }),
        fc.infiniteStream(fc.nat()),
        (picks, nFiles, memoryEntries, rand) => {
          const next = nextOf(rand);
          // Each pick is a delivery of one pool record: repeats are re-deliveries, verbatim.
          const deliveries = picks.map((p) => pool[p % Math.min(pool.length, 120)] as Rec);
          const { files, order } = splitAndShuffle(deliveries, nFiles, next);
          const spilled = aggregate(files, order, { memoryEntries, spillDir: spillRoot });
          const inMemory = aggregate(files, files.map((_, i) => i), {});
          // Exact reference: every eventID once, in one file, nothing to remove.
          const distinct = [...new Map(deliveries.map((r) => [r.eventID as string, r])).values()];
          const exact = aggregate([distinct], [0], {});

          expect(spilled).toEqual(inMemory);
          expect(noFiles(spilled)).toEqual(noFiles(exact));
          // Only events counted for a role session are fingerprinted; every repeat of one is removed.
          const repeats = deliveries.length - distinct.length;
          const repeatsOfCounted = deliveries.filter((r) => fingerprinted(r)).length - distinct.filter((r) => fingerprinted(r)).length;
          expect(repeatsOfCounted).toBeLessThanOrEqual(repeats);
          expect(spilled.coverage.duplicatesRemoved).toBe(repeatsOfCounted);
          expect(spilled.coverage.recordsRead).toBe(deliveries.length);
        },
      ),
      { numRuns: 150 },
    );
    // Spill directories are private and removed by finish().
    expect(readdirSync(spillRoot)).toEqual([]);
  });

  it("with cross-account copies (one sharedEventID, the caller's and the owner's copy): any split, order and budget gives one call per sharedEventID, the caller's copy counted", () => {
    // Every other role-session record of the first 120 is a shared action: its deliveries are its
    // caller's copy or the owner's (own eventID, recipientAccountId 222222222222), each possibly
    // re-delivered; for half of them the owner's copy lacks sessionContext (another group: the
    // role rebuilt from the STS ARN without its path), where which copy is dropped matters.
    const base = pool.slice(0, 120);
    const sharedKind = (i: number): "full" | "bare" | null => {
      const r = base[i] as Rec;
      const ui = r.userIdentity as Rec | undefined;
      if (i % 2 !== 0 || ui?.type !== "AssumedRole" || typeof ui.arn !== "string") return null;
      return i % 4 === 0 ? "full" : "bare";
    };
    const callerCopy = (i: number): Rec => {
      const r: Rec = { ...(base[i] as Rec), sharedEventID: `shared-${String((base[i] as Rec).eventID)}` };
      if (sharedKind(i) !== "bare") return r;
      // A role with a path: the owner's bare copy names the role without it.
      const ui = r.userIdentity as Rec;
      const sc = (ui.sessionContext ?? {}) as Rec;
      const si = (sc.sessionIssuer ?? {}) as Rec;
      const arn = typeof si.arn === "string" ? si.arn.replace(/:role\/([^/]+)$/, ":role/service-role/$1") : si.arn;
      return { ...r, userIdentity: { ...ui, sessionContext: { ...sc, sessionIssuer: { ...si, arn } } } };
    };
    const ownerCopy = (i: number): Rec => {
      const c = callerCopy(i);
      const ui = { ...(c.userIdentity as Rec) };
      if (sharedKind(i) === "bare") delete ui.sessionContext;
      return { ...c, userIdentity: ui, eventID: `${String(c.eventID)}-owner`, recipientAccountId: "222222222222" };
    };
    expect(base.filter((_, i) => sharedKind(i) === "bare").length).toBeGreaterThanOrEqual(5);
    expect(base.filter((_, i) => sharedKind(i) === "full").length).toBeGreaterThanOrEqual(5);
    type Session = UsageAggregate["sessions"][number];
    const withPath = (s: Session): boolean => s.roleArn.includes(":role/service-role/");
    const countsOnly = (s: Session) => ({
      roleArn: s.roleArn,
      sessionName: s.sessionName,
      invokedBy: s.invokedBy,
      sessionCount: s.sessionCount,
      actions: s.actions.map((a) => ({ action: a.action, count: a.count, deniedCount: a.deniedCount, errorCodes: a.errorCodes })),
    });
    const key = (r: Rec): string => (typeof r.sharedEventID === "string" ? `s:${r.sharedEventID}` : `e:${String(r.eventID)}`);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.boolean()), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 48 }),
        fc.infiniteStream(fc.nat()),
        (picks, nFiles, memoryEntries, rand) => {
          const next = nextOf(rand);
          const deliveries = picks.map(([p, owner]) => {
            const i = p % base.length;
            return sharedKind(i) === null ? (base[i] as Rec) : owner ? ownerCopy(i) : callerCopy(i);
          });
          const { files, order } = splitAndShuffle(deliveries, nFiles, next);
          const spilled = aggregate(files, order, { memoryEntries, spillDir: spillRoot });
          const inMemory = aggregate(files, [...order].reverse(), {});
          // Exact references, each in one file with nothing to remove: calls, one per key (the
          // caller's copy when delivered); coverage, every distinct delivery (eventID).
          const byKey = new Map<string, Rec>();
          for (const d of deliveries) {
            const have = byKey.get(key(d));
            if (have === undefined || (have.recipientAccountId === "222222222222" && d.recipientAccountId !== "222222222222")) byKey.set(key(d), d);
          }
          const calls = aggregate([[...byKey.values()]], [0], {});
          const byEventId = [...new Map(deliveries.map((r) => [r.eventID as string, r])).values()];
          const coverage = aggregate([byEventId], [0], {});

          expect(spilled).toEqual(inMemory);
          // Counts are exact everywhere. A dropped owner's copy in another group (the role without
          // its path: only bare copies go there) leaves that group's times, resources and regions
          // as it found them (dedup.ts): the same request's, so only containment is asserted there.
          expect(spilled.sessions.map(countsOnly)).toEqual(calls.sessions.map(countsOnly));
          expect(spilled.sessions.filter(withPath)).toEqual(calls.sessions.filter(withPath));
          for (const s of spilled.sessions.filter((x) => !withPath(x))) {
            const ref = calls.sessions.find((x) => x.roleArn === s.roleArn && x.sessionName === s.sessionName && x.invokedBy === s.invokedBy);
            if (ref === undefined) throw new Error(`no reference session for ${s.roleArn} ${s.sessionName}`);
            expect(s.firstSeen <= ref.firstSeen && s.lastSeen >= ref.lastSeen).toBe(true);
            expect(ref.regions.every((r) => s.regions.includes(r))).toBe(true);
            for (const a of ref.actions) expect(a.resources.every((r) => (s.actions.find((x) => x.action === a.action)?.resources ?? []).includes(r)) || s.actions.find((x) => x.action === a.action)?.resourcesTruncated).toBeTruthy();
          }
          expect(noFiles(spilled).coverage).toEqual(noFiles(coverage).coverage);
          const counted = deliveries.filter((r) => fingerprinted(r));
          expect(spilled.coverage.duplicatesRemoved).toBe(counted.length - new Set(counted.map(key)).size);
          expect(spilled.coverage.recordsRead).toBe(deliveries.length);
        },
      ),
      { numRuns: 120 },
    );
    expect(readdirSync(spillRoot)).toEqual([]);
  });

  it("EventDedup alone: late copies are dropped before the others of their key, for any add order and budget", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.boolean()), { maxLength: 200 }), fc.integer({ min: 1, max: 40 }), (entries, memoryEntries) => {
        const d = new EventDedup({ memoryEntries, spillDir: spillRoot });
        // id → fingerprint and hour; the group says which copy it is: id % 5, or 100 + id % 5 for late copies.
        for (const [id, late] of entries) d.add(id * 2654435761, id + 1, 490_000 + (id % 3), late ? LATE_COPY + 100 + (id % 5) : id % 5);
        const { duplicates, byGroup } = d.resolve();
        const expected = new Map<number, number>();
        const ids = new Set(entries.map(([id]) => id));
        for (const id of ids) {
          const early = entries.filter(([x, l]) => x === id && !l).length;
          const late = entries.filter(([x, l]) => x === id && l).length;
          // The survivor is an early copy when there is one: all other copies are removed.
          const removedEarly = early > 0 ? early - 1 : 0;
          const removedLate = early > 0 ? late : late - 1;
          if (removedEarly > 0) expected.set(id % 5, (expected.get(id % 5) ?? 0) + removedEarly);
          if (removedLate > 0) expected.set(100 + (id % 5), (expected.get(100 + (id % 5)) ?? 0) + removedLate);
        }
        expect(duplicates).toBe(entries.length - ids.size);
        expect(new Map([...byGroup].sort((a, b) => a[0] - b[0]))).toEqual(new Map([...expected].sort((a, b) => a[0] - b[0])));
      }),
      { numRuns: 300 },
    );
    expect(readdirSync(spillRoot)).toEqual([]);
  });

  it("EventDedup alone: duplicates per group are occurrences − 1, for any add order and budget", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 300 }), fc.integer({ min: 1, max: 50 }), (ids, memoryEntries) => {
        const d = new EventDedup({ memoryEntries, spillDir: spillRoot });
        // id → fixed fingerprint, hour and group, as a re-delivered record has.
        for (const id of ids) d.add(id * 2654435761, id + 1, 490_000 + (id % 5), id % 7);
        const { duplicates, byGroup } = d.resolve();
        const occurrences = new Map<number, number>();
        for (const id of ids) occurrences.set(id, (occurrences.get(id) ?? 0) + 1);
        const expected = new Map<number, number>();
        for (const [id, n] of occurrences) if (n > 1) expected.set(id % 7, (expected.get(id % 7) ?? 0) + n - 1);
        expect(duplicates).toBe(ids.length - occurrences.size);
        expect(new Map([...byGroup].sort((a, b) => a[0] - b[0]))).toEqual(new Map([...expected].sort((a, b) => a[0] - b[0])));
      }),
      { numRuns: 300 },
    );
    expect(readdirSync(spillRoot)).toEqual([]);
  });

  it("spills to disk past the budget and keeps nothing afterwards; dispose cleans up an abandoned read", () => {
    const d = new EventDedup({ memoryEntries: 10, spillDir: spillRoot });
    for (let i = 0; i < 95; i++) d.add(i, i, 480_000 + (i % 3), 0);
    expect(d.spills).toBe(8); // at the 11th, 22nd … 88th entry
    expect(d.bufferedEntries).toBe(7);
    expect(readdirSync(spillRoot)).toHaveLength(1);
    d.dispose();
    expect(readdirSync(spillRoot)).toEqual([]);
  });

  it("EventDedup alone: of a key's copies in different groups, the least early group keeps its count, for any add order and budget", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 6 }), fc.boolean()), { maxLength: 150 }), fc.integer({ min: 1, max: 40 }), fc.infiniteStream(fc.nat()), (entries, memoryEntries, rand) => {
        // Groups ranked by an order other than their ids (descending), as the aggregate's by content.
        const order = (a: number, b: number): number => b - a;
        const run = (xs: typeof entries) => {
          const d = new EventDedup({ memoryEntries, spillDir: spillRoot });
          for (const [id, group, late] of xs) d.add(id * 2654435761, id + 1, 490_000 + (id % 3), late ? LATE_COPY + group : group);
          const { duplicates, byGroup } = d.resolve(order);
          return { duplicates, byGroup: [...byGroup].sort((a, b) => a[0] - b[0]) };
        };
        const next = nextOf(rand);
        const shuffled = [...entries];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = next() % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j] as (typeof entries)[number], shuffled[i] as (typeof entries)[number]];
        }
        // Reference: per key, the survivor is the greatest group among early copies (the order is
        // descending), else among late ones; every other copy is removed from its own group.
        const expected = new Map<number, number>();
        for (const id of new Set(entries.map(([x]) => x))) {
          const copies = entries.filter(([x]) => x === id);
          const early = copies.filter(([, , l]) => !l);
          const pool = early.length > 0 ? early : copies;
          const keep = pool.reduce((best, c) => (c[1] > best[1] ? c : best));
          for (const c of copies) if (c !== keep) expected.set(c[1], (expected.get(c[1]) ?? 0) + 1);
        }
        const got = run(entries);
        expect(got.duplicates).toBe(entries.length - new Set(entries.map(([x]) => x)).size);
        expect(got.byGroup).toEqual([...expected].sort((a, b) => a[0] - b[0]));
        expect(run(shuffled)).toEqual(got);
      }),
      { numRuns: 300 },
    );
    expect(readdirSync(spillRoot)).toEqual([]);
  });

  it("different records under one eventID (a mixed or hand-made export): any split, file order and budget gives one aggregate, one copy per eventID counted", () => {
    // Role-session calls of the pool keyed by eventID (no sharedEventID); some deliveries are given
    // the eventID and eventTime of another record, so the copies of one eventID fall in different
    // groups (another call, or another session), where which copy is dropped decides the counts.
    const base = pool.filter((r) => fingerprinted(r) && r.sharedEventID === undefined);
    expect(base.length).toBeGreaterThan(20);
    const callOf = (r: Rec): string => JSON.stringify([r.eventSource, r.eventName, r.errorCode, r.userIdentity]);
    let runsWithConflicts = 0;
    fc.assert(
      fc.property(
        // q: of 24 values, 12 lend their record's eventID, so that eventIDs meet often.
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 23 })), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 48 }),
        fc.infiniteStream(fc.nat()),
        (picks, nFiles, memoryEntries, rand) => {
          const next = nextOf(rand);
          // [p, q]: record p, under record q's eventID and eventTime when q is even, else as it is.
          const deliveries = picks.map(([p, q]) => {
            const r = base[p % base.length] as Rec;
            const other = base[q % base.length] as Rec;
            return q % 2 === 0 ? { ...r, eventID: other.eventID, eventTime: other.eventTime } : r;
          });
          const calls = new Map<string, Set<string>>();
          for (const d of deliveries) calls.set(String(d.eventID), (calls.get(String(d.eventID)) ?? new Set()).add(callOf(d)));
          if ([...calls.values()].some((c) => c.size > 1)) runsWithConflicts++;
          const { files, order } = splitAndShuffle(deliveries, nFiles, next);
          const spilled = aggregate(files, order, { memoryEntries, spillDir: spillRoot });
          const reversed = aggregate(files, [...order].reverse(), {});
          const oneFileBackwards = aggregate([[...deliveries].reverse()], [0], {});
          expect(spilled).toEqual(reversed);
          expect(noFiles(spilled)).toEqual(noFiles(oneFileBackwards));
          expect(spilled.coverage.duplicatesRemoved).toBe(deliveries.length - calls.size);
        },
      ),
      { numRuns: 150 },
    );
    // The law was put to the case it is about.
    expect(runsWithConflicts).toBeGreaterThan(30);
    expect(readdirSync(spillRoot)).toEqual([]);
  });

  it("readUsage with different records under one eventID: 2 workers give the 1-worker aggregate, run after run", async () => {
    // Six files; every third record carries the eventID and eventTime of a record in another file
    // with another call, so that which worker hands its copy over first would decide the counts.
    const base = pool.filter((r) => fingerprinted(r) && r.sharedEventID === undefined);
    const dir = mkdtempSync(join(tmpdir(), "leastrole-dedup-mixed-"));
    try {
      for (let f = 0; f < 6; f++) {
        const Records = base.map((r, i) => {
          const other = base[(i + 7 * (f + 1)) % base.length] as Rec;
          return i % 3 === f % 3 ? { ...r, eventID: other.eventID, eventTime: other.eventTime } : r;
        });
        writeFileSync(join(dir, `f${f}.json`), JSON.stringify({ Records }));
      }
      const one = await readUsage([dir], { workers: 1 });
      expect(one.coverage.duplicatesRemoved).toBeGreaterThan(0);
      for (let run = 0; run < 4; run++) expect(await readUsage([dir], { workers: 2, dedupMemoryEntries: 5 + run, spillDir: spillRoot })).toEqual(one);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(readdirSync(spillRoot)).toEqual([]);
  });

  it("documented limit: one eventID in two different eventTime hours is counted twice", () => {
    const r = pool.find((x) => (x.userIdentity as Rec | undefined)?.type === "AssumedRole" && x.eventType === "AwsApiCall") as Rec;
    const later = { ...r, eventTime: new Date(Date.parse(String(r.eventTime)) + 3_600_000).toISOString().replace(".000Z", "Z") };
    const a = aggregate([[r], [later]], [0, 1], {});
    expect(a.coverage.duplicatesRemoved).toBe(0);
    const b = aggregate([[r], [r]], [1, 0], {});
    expect(b.coverage.duplicatesRemoved).toBe(1);
  });

  it("readUsage over the corpus with 2 workers, spilling every 7 entries, equals the in-memory read; nothing left on disk", async () => {
    const inMemory = await readUsage([INVICTUS], { workers: 1 });
    const spilled = await readUsage([INVICTUS], { workers: 2, dedupMemoryEntries: 7, spillDir: spillRoot });
    expect(spilled).toEqual(inMemory);
    expect(readdirSync(spillRoot)).toEqual([]);
  });
});
