/**
 * (principal, event name symbol, event source symbol) → group, for the calls without error or
 * version (nearly all), valid for one symbol epoch of the scanner (accumulate.ts). An open-addressing
 * table in typed arrays: no Map per principal to make again at each epoch, no sparse array of them
 * (a principal index past the array's end turned it into a dictionary), nothing for the garbage
 * collector. It is a cache: when it fills up it is emptied, and the next calls take the string
 * path (FileAccumulator.groupOf) once more.
 */

const EMPTY = -1;

export class GroupCache {
  private readonly principals: Int32Array;
  private readonly calls: Int32Array;
  private readonly groups: Int32Array;
  private readonly mask: number;
  private readonly limit: number;
  private size = 0;

  /** `bits`: log2 of the slots (default 2^17: 1.5 MiB, for ~65,000 entries before it is emptied). */
  constructor(bits = 17) {
    const n = 1 << bits;
    this.principals = new Int32Array(n);
    this.calls = new Int32Array(n);
    this.groups = new Int32Array(n).fill(EMPTY);
    this.mask = n - 1;
    this.limit = n >>> 1;
  }

  /** `call`: a non-negative int32 naming the (event name, event source) pair of symbols. -1: none. */
  get(principal: number, call: number): number {
    let i = this.slot(principal, call);
    for (;;) {
      const g = this.groups[i] as number;
      if (g === EMPTY || (this.principals[i] === principal && this.calls[i] === call)) return g;
      i = (i + 1) & this.mask;
    }
  }

  set(principal: number, call: number, group: number): void {
    if (this.size >= this.limit) this.clear();
    let i = this.slot(principal, call);
    while (this.groups[i] !== EMPTY) {
      if (this.principals[i] === principal && this.calls[i] === call) {
        this.groups[i] = group;
        return;
      }
      i = (i + 1) & this.mask;
    }
    this.principals[i] = principal;
    this.calls[i] = call;
    this.groups[i] = group;
    this.size++;
  }

  clear(): void {
    if (this.size === 0) return;
    this.groups.fill(EMPTY);
    this.size = 0;
  }

  private slot(principal: number, call: number): number {
    // Multiplicative hashing of both halves (Math.imul keeps it in int32).
    return (Math.imul(principal, 0x9e3779b1) ^ Math.imul(call, 0x85ebca77)) >>> 15 & this.mask;
  }
}
