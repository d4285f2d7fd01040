/**
 * (principal, event name symbol, event source symbol) → group, for the calls without error or
 * version (nearly all), valid for one symbol epoch of the scanner (accumulate.ts). An open-addressing
 * table in typed arrays: no Map per principal to make again at each epoch, no sparse array of them
 * (a principal index past the array's end turned it into a dictionary), nothing for the garbage
 * collector. The three keys are stored apart, so symbol ids may use all of int32. It is a cache:
 * when it fills up it is emptied, and the next calls take the string path
 * (FileAccumulator.groupOf) once more.
 */

const EMPTY = -1;

export class GroupCache {
  private readonly principals: Int32Array;
  private readonly names: Int32Array;
  private readonly sources: Int32Array;
  private readonly groups: Int32Array;
  private readonly mask: number;
  private readonly limit: number;
  private size = 0;

  /** `bits`: log2 of the slots (default 2^17: 2 MiB, for ~65,000 entries before it is emptied). */
  constructor(bits = 17) {
    const n = 1 << bits;
    this.principals = new Int32Array(n);
    this.names = new Int32Array(n);
    this.sources = new Int32Array(n);
    this.groups = new Int32Array(n).fill(EMPTY);
    this.mask = n - 1;
    this.limit = n >>> 1;
  }

  /** `name`, `source`: non-negative symbol ids of the event name and source. -1: none. */
  get(principal: number, name: number, source: number): number {
    let i = this.slot(principal, name, source);
    for (;;) {
      const g = this.groups[i] as number;
      if (g === EMPTY || (this.principals[i] === principal && this.names[i] === name && this.sources[i] === source)) return g;
      i = (i + 1) & this.mask;
    }
  }

  set(principal: number, name: number, source: number, group: number): void {
    if (this.size >= this.limit) this.clear();
    let i = this.slot(principal, name, source);
    while (this.groups[i] !== EMPTY) {
      if (this.principals[i] === principal && this.names[i] === name && this.sources[i] === source) {
        this.groups[i] = group;
        return;
      }
      i = (i + 1) & this.mask;
    }
    this.principals[i] = principal;
    this.names[i] = name;
    this.sources[i] = source;
    this.groups[i] = group;
    this.size++;
  }

  clear(): void {
    if (this.size === 0) return;
    this.groups.fill(EMPTY);
    this.size = 0;
  }

  private slot(principal: number, name: number, source: number): number {
    // Multiplicative hashing of the three keys (Math.imul keeps it in int32).
    return (Math.imul(principal, 0x9e3779b1) ^ Math.imul(name, 0x85ebca77) ^ Math.imul(source, 0xc2b2ae3d)) >>> 15 & this.mask;
  }
}
