/**
 * Removing duplicate deliveries with memory that does not grow with the logs.
 *
 * CloudTrail delivers at least once: "records are not ordered and may be duplicated" (CloudTrail
 * user guide, finding your log files); a re-delivered event is the same record, with the same
 * eventID and the same eventTime, in another (or the same) file. AWS states no bound on how late a
 * re-delivery can come, and users pass files in any order, so forgetting eventIDs after a time
 * horizon would be a guess. Instead the dedup is partitioned by what a duplicate is sure to share:
 * the hour of its eventTime.
 *
 * - While files are merged, each counted event adds one entry (64-bit eventID fingerprint, the
 *   aggregate group it was counted in) to the buffer of its eventTime hour. Nothing is decided yet.
 *   (sharedEventID, when the record has one: see below.)
 * - When the buffers hold more than `memoryEntries` entries, every buffer is appended to its
 *   hour's spill file (12 bytes per event, in a private temporary directory) and freed.
 * - `resolve()` then takes one hour at a time, spilled entries and buffered ones together, and
 *   finds the duplicates in it with a fingerprint set sized for that hour alone.
 *
 * One AWS action sent to several accounts is a second kind of copy: "when an account uses an AWS
 * KMS key that belongs to another account, the account that used the key and the account that
 * owns the key receive separate CloudTrail events for the same action. Each CloudTrail event
 * delivered for this AWS action shares the same sharedEventID, but also has a unique eventID and
 * recipientAccountId" (CloudTrail user guide, record contents). An organisation trail, or the two
 * accounts' logs passed together, holds both. An event with a sharedEventID is therefore keyed by
 * it (accumulate.ts derives its fingerprint apart from eventIDs' so the two never meet), and its
 * re-deliveries by the same key. AWS does not state that the copies carry the same eventTime; we
 * rely on eventTime being "the date and time the request was completed", taken from the endpoint
 * that served the request: the copies describe one request, so one time. Were they ever in
 * different hours, both would be counted, as before this key existed (a call counted twice, never
 * one lost). The copies can fall in different groups (the owner's userIdentity may lack the role's
 * path), so which one is dropped must not depend on the order: the copy delivered to an account
 * other than the caller's is marked LATE_COPY and resolved after its hour's other entries, so the
 * caller's copy keeps the count when it is there. Only the count is taken back: a dropped owner's
 * copy in another group leaves that group's first and last time, resources and regions as it
 * found them (they are the same request's, by the same role, named there without its path), so
 * the law below holds for counts in every group and for everything in the groups such copies do
 * not reach (test/usage/dedup.property.test.ts). Coverage is not deduplicated: the owner's copy
 * still shows that its account's trail logged that day.
 *
 * Guarantee: the result is exactly that of one key set over all events (key: sharedEventID, else
 * eventID): of a key's copies, one is counted, a copy that is not LATE_COPY when there is one and
 * among those the one in the least group (the aggregate orders groups by session and call, not by
 * when they were merged); every other copy's group loses one count. That holds for ANY file order,
 * merge order and spill pattern, provided the copies of an event carry the same eventTime hour,
 * which CloudTrail's re-deliveries do. Keeping the first copy met instead would make the counts
 * depend on the workers' timing wherever two different records share an eventID (CloudTrail does
 * not write such records; a mixed or hand-made export may). Two records with one eventID and
 * eventTimes in different hours are not duplicates of a delivery and are both counted. Memory: at
 * most `memoryEntries` buffered entries (12 bytes each, up to twice that with the buffers' growth
 * slack, at least 3 KiB per hour that has entries since the last spill) plus, while resolving,
 * 30–45 bytes per event of the busiest hour. Disk: 12 bytes per event, removed by `resolve()` or
 * `dispose()`. Fingerprint collisions (which would drop one event) can only occur
 * inside one hour: probability about n²/2⁶⁵ for n events in the busiest hour.
 */

import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FingerprintMap } from "./fingerprints.js";

export interface DedupOptions {
  /** Entries (12 bytes each) buffered in memory before they are written to disk. Default 2²⁰. */
  memoryEntries?: number;
  /** Where the private spill directory is created. Default: the OS temporary directory. */
  spillDir?: string;
}

interface Bucket {
  /** Triples (hash1, hash2, group). */
  buf: Uint32Array;
  n: number;
  spilled: boolean;
}

const EMPTY = new Uint32Array(0);

/** Hours since 1970 of a normalised `YYYY-MM-DDTHH:MM:SSZ` time (days-from-civil, no Date). */
export function hourOf(time: string): number {
  const d = (i: number): number => time.charCodeAt(i) - 48;
  let y = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
  const m = d(5) * 10 + d(6);
  const day = d(8) * 10 + d(9);
  const h = d(11) * 10 + d(12);
  if (m <= 2) y -= 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return (era * 146097 + doe - 719468) * 24 + h;
}

/**
 * Added to an entry's group: a copy to drop before the others of its key. The copies of one AWS
 * action sent to several accounts share a sharedEventID (accumulate.ts keys them by it); the
 * caller's copy and the resource owner's can fall in different groups (the owner's userIdentity
 * may lack the role's path), so which one is dropped must not depend on which was read first: the
 * owner's copies are marked and resolved after the hour's other entries.
 */
export const LATE_COPY = 0x80000000;

export class EventDedup {
  private readonly buckets = new Map<number, Bucket>();
  private lastHour = Number.NaN;
  private lastBucket: Bucket | null = null;
  private buffered = 0;
  private dir: string | null = null;
  private readonly memoryEntries: number;
  /** Spill writes so far (for tests and the benchmark notes). */
  spills = 0;

  constructor(private readonly options: DedupOptions = {}) {
    this.memoryEntries = Math.max(1, options.memoryEntries ?? 1 << 20);
  }

  /** One counted event: its eventID fingerprint, its eventTime hour and the group it counted in. */
  add(h1: number, h2: number, hour: number, group: number): void {
    // Consecutive events mostly share an hour (a file covers a few minutes): one map lookup per run.
    let b = this.lastHour === hour ? this.lastBucket : this.buckets.get(hour);
    if (b === undefined || b === null) this.buckets.set(hour, (b = { buf: EMPTY, n: 0, spilled: false }));
    this.lastHour = hour;
    this.lastBucket = b;
    if (3 * b.n + 3 > b.buf.length) {
      const bigger = new Uint32Array(Math.max(3 * 256, b.buf.length * 2));
      bigger.set(b.buf.subarray(0, 3 * b.n));
      b.buf = bigger;
    }
    const o = 3 * b.n++;
    b.buf[o] = h1;
    b.buf[o + 1] = h2;
    b.buf[o + 2] = group;
    if (++this.buffered > this.memoryEntries) this.spill();
  }

  /** Write every buffer to its hour's file and free it. */
  private spill(): void {
    if (this.dir === null) this.dir = mkdtempSync(join(this.options.spillDir ?? tmpdir(), "leastrole-dedup-"));
    for (const [hour, b] of this.buckets) {
      if (b.n === 0) continue;
      appendFileSync(join(this.dir, `${hour}.bin`), new Uint8Array(b.buf.buffer, b.buf.byteOffset, 12 * b.n));
      b.spilled = true;
      b.buf = EMPTY;
      b.n = 0;
    }
    this.buffered = 0;
    this.spills++;
  }

  /**
   * Find the duplicates, one hour at a time. Of the copies of one key, one survives: a copy that
   * is not LATE_COPY when there is one, and among those, the least group by `order` (the aggregate
   * orders groups by what they are, not by when they were merged); every other copy is removed
   * from its group. So the result does not depend on the order of the files, of the merges or of
   * the spills, even when two copies of one key fall in different groups (a shared action's
   * copies, or different records given one eventID by a mixed or hand-made export). Two groups
   * `order` ranks equal keep the copy met first, so `order` must rank equal only groups whose
   * counts nothing reads apart (the aggregate's groupOrder); by default groups are ordered by id. Returns how many copies were removed from each group. Removes the spill files.
   */
  resolve(order: (a: number, b: number) => number = (a, b) => a - b): { duplicates: number; byGroup: Map<number, number> } {
    const byGroup = new Map<number, number>();
    let duplicates = 0;
    const removeFrom = (g: number): void => {
      byGroup.set(g, (byGroup.get(g) ?? 0) + 1);
      duplicates++;
    };
    // One map for every hour, emptied between them (FingerprintMap.reset).
    const survivor = new FingerprintMap(1);
    try {
      for (const hour of [...this.buckets.keys()].sort((a, b) => a - b)) {
        const b = this.buckets.get(hour) as Bucket;
        const parts: Uint32Array[] = [];
        if (b.spilled && this.dir !== null) parts.push(readEntries(join(this.dir, `${hour}.bin`)));
        if (b.n > 0) parts.push(b.buf.subarray(0, 3 * b.n));
        this.buckets.delete(hour);
        let total = 0;
        for (const p of parts) total += p.length / 3;
        if (total < 2) continue;
        // Per key, the group of its surviving copy so far (this hour's).
        survivor.reset(Math.ceil(total / 0.7) + 1);
        const see = (h1: number, h2: number, g: number, late: boolean): void => {
          const kept = survivor.putIfAbsent(h1, h2, g);
          if (kept < 0) return; // the key's first copy
          if (kept === g) {
            removeFrom(late ? g - LATE_COPY : g);
            return;
          }
          // Copies in different groups: the least survives. Late copies come after the hour's
          // other entries, so a late copy meeting an early survivor is removed.
          const keptLate = kept >= LATE_COPY;
          const gs = late ? g - LATE_COPY : g;
          const ks = keptLate ? kept - LATE_COPY : kept;
          if (keptLate === late && order(gs, ks) < 0) {
            survivor.replace(h1, h2, g);
            removeFrom(ks);
          } else {
            removeFrom(gs);
          }
        };
        // Late copies (LATE_COPY) wait until the hour's other entries are in: (part, offset) pairs.
        let late: number[] | null = null;
        for (let k = 0; k < parts.length; k++) {
          const p = parts[k] as Uint32Array;
          for (let i = 0; i < p.length; i += 3) {
            const g = p[i + 2] as number;
            if (g >= LATE_COPY) (late ??= []).push(k, i);
            else see(p[i] as number, p[i + 1] as number, g, false);
          }
        }
        if (late !== null) {
          for (let j = 0; j < late.length; j += 2) {
            const p = parts[late[j] as number] as Uint32Array;
            const i = late[j + 1] as number;
            see(p[i] as number, p[i + 1] as number, p[i + 2] as number, true);
          }
        }
      }
    } finally {
      this.dispose();
    }
    return { duplicates, byGroup };
  }

  /** Drop buffers and spill files (idempotent; call when reading is abandoned). */
  dispose(): void {
    this.buckets.clear();
    this.lastHour = Number.NaN;
    this.lastBucket = null;
    this.buffered = 0;
    if (this.dir !== null) {
      rmSync(this.dir, { recursive: true, force: true });
      this.dir = null;
    }
  }

  /** Entries currently buffered in memory. */
  get bufferedEntries(): number {
    return this.buffered;
  }
}

function readEntries(path: string): Uint32Array {
  const raw = readFileSync(path);
  // A Uint32Array view needs 4-byte alignment; readFileSync's buffer may sit at any offset.
  if (raw.byteOffset % 4 === 0) return new Uint32Array(raw.buffer, raw.byteOffset, raw.length / 4);
  const copy = new Uint32Array(raw.length / 4);
  new Uint8Array(copy.buffer).set(raw);
  return copy;
}
