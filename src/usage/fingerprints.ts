/**
 * 64-bit fingerprints of eventIDs, for removing duplicate deliveries.
 *
 * CloudTrail may deliver an event more than once (same eventID, "records are not ordered and may
 * be duplicated", CloudTrail user guide, finding log files). Keeping every eventID string would
 * cost ~100 bytes per event; two 32-bit hashes and a 32-bit value in an open-addressing table cost
 * 12 bytes per slot (≤ 18 bytes per event at the 0.7 load limit). The chance that two distinct
 * eventIDs collide is about n²/2⁶⁵ (4·10⁻⁷ at 4 million events); a collision would drop one event
 * from the counts.
 */

/** Two independent 32-bit hashes (FNV-1a and a multiplicative variant) of a string. */
export function fingerprint(s: string): [number, number] {
  fingerprintTo(s, scratch, 0);
  return [scratch[0] as number, scratch[1] as number];
}
const scratch = new Uint32Array(2);

/** fingerprint(s) written to out[at], out[at + 1], without a tuple per call (the hot path). */
export function fingerprintTo(s: string, out: Uint32Array, at: number): void {
  hashFrom(s, 0, out, at);
  // 0/0 marks an empty slot.
  if (out[at] === 0 && out[at + 1] === 0) out[at + 1] = 1;
}

/** The two hashes of s[from…] into out[at], out[at + 1]. */
function hashFrom(s: string, from: number, out: Uint32Array, at: number): void {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  h2 = Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35);
  h2 ^= h2 >>> 16;
  out[at] = h1 >>> 0;
  out[at + 1] = h2 >>> 0;
}

/**
 * A 52-bit fingerprint of s[from…] as one number (h2's low 20 bits above h1), exact in a double:
 * a set of these counts distinct strings without keeping them. Two of n distinct strings share one
 * with a chance of about n²/2⁵³ (2·10⁻⁶ at 100,000), and would count once.
 */
export function fingerprint52(s: string, from = 0): number {
  hashFrom(s, from, scratch52, 0);
  return ((scratch52[1] as number) & 0xfffff) * 0x100000000 + (scratch52[0] as number);
}
const scratch52 = new Uint32Array(2);

/** The power of two of slots that holds `capacity` entries (at least 1). */
function slotsFor(capacity: number): number {
  let cap = 1;
  while (cap < capacity) cap <<= 1;
  return cap;
}

/**
 * Fingerprints, each with a 32-bit value (dedup.ts: the group of an event's surviving copy), in
 * one open-addressing table of three 32-bit words per slot.
 */
export class FingerprintMap {
  private table: Uint32Array;
  private mask: number;
  size = 0;

  constructor(initialCapacity = 1 << 16) {
    const cap = slotsFor(initialCapacity);
    this.table = new Uint32Array(cap * 3);
    this.mask = cap - 1;
  }

  /**
   * Empties the map for at least `capacity` entries, keeping its table when it is large enough
   * (only the slots in use from now on are cleared). Why: the dedup's resolve fills one map per
   * hour of events, 840 hours in a 35-day trail, on the calling thread while it works alone at the
   * readers' end; a table per hour was as many array buffers made and dropped there
   * (`bench/usage/dedup-resolve.ts`: 19.7–21.6 → 18.7–19.2 ms; bench/results/scale.md, "Session 56").
   */
  reset(capacity: number): void {
    const cap = slotsFor(capacity);
    if (this.table.length < cap * 3) this.table = new Uint32Array(cap * 3);
    else this.table.fill(0, 0, cap * 3);
    this.mask = cap - 1;
    this.size = 0;
  }

  /** The value of (h1, h2) when it is there (0 … 2³² − 1); else `value` is stored and -1 returned. */
  putIfAbsent(h1: number, h2: number, value: number): number {
    if ((this.size + 1) * 10 > (this.mask + 1) * 7) this.grow();
    const i = this.slot(h1 >>> 0, h2 >>> 0);
    const t = this.table;
    if (t[3 * i] !== 0 || t[3 * i + 1] !== 0) return t[3 * i + 2] as number;
    t[3 * i] = h1 >>> 0;
    t[3 * i + 1] = h2 >>> 0;
    t[3 * i + 2] = value >>> 0;
    this.size++;
    return -1;
  }

  /** Replace the value of (h1, h2), which must be there. */
  replace(h1: number, h2: number, value: number): void {
    const i = this.slot(h1 >>> 0, h2 >>> 0);
    if (this.table[3 * i] === 0 && this.table[3 * i + 1] === 0) throw new Error("FingerprintMap.replace: the fingerprint is not in the map");
    this.table[3 * i + 2] = value >>> 0;
  }

  /** The slot holding (h1, h2), or the empty slot where it would go. */
  private slot(h1: number, h2: number): number {
    const t = this.table;
    let i = (h1 ^ Math.imul(h2, 0x9e3779b1)) & this.mask;
    for (;;) {
      const a = t[3 * i] as number;
      const b = t[3 * i + 1] as number;
      if ((a === 0 && b === 0) || (a === h1 && b === h2)) return i;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const old = this.table;
    // The slots in use: after a reset to a smaller capacity, the table's tail holds stale entries.
    const used = (this.mask + 1) * 3;
    this.table = new Uint32Array(used * 2);
    this.mask = (this.mask << 1) | 1;
    for (let j = 0; j < used; j += 3) {
      const a = old[j] as number;
      const b = old[j + 1] as number;
      if (a === 0 && b === 0) continue;
      const i = this.slot(a, b);
      this.table[3 * i] = a;
      this.table[3 * i + 1] = b;
      this.table[3 * i + 2] = old[j + 2] as number;
    }
  }
}
