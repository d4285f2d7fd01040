/**
 * A set of catalog actions as a bitset over the catalog's dense action index. Unions, differences
 * and per-service counts of whole-account workloads (AdministratorAccess is 22,000 actions) become
 * a few hundred word operations instead of string-set churn.
 */

export class ActionSet {
  readonly words: Uint32Array;

  constructor(readonly bitLength: number, words?: Uint32Array) {
    this.words = words ?? new Uint32Array(Math.ceil(bitLength / 32));
  }

  private sealed: Int32Array | undefined;

  /**
   * Mark the set immutable and index its non-zero words, so that OR-ing it into another set touches
   * only those (statement sets are sparse: a few words out of ~940). Mutating a sealed set throws.
   */
  seal(): this {
    if (this.sealed === undefined) {
      const idx: number[] = [];
      for (let k = 0; k < this.words.length; k++) if (this.words[k] !== 0) idx.push(k);
      this.sealed = Int32Array.from(idx);
    }
    return this;
  }

  isSealed(): boolean {
    return this.sealed !== undefined;
  }

  private checkMutable(): void {
    if (this.sealed !== undefined) throw new Error("ActionSet is sealed (shared analysis result); clone it first");
  }

  clone(): ActionSet {
    return new ActionSet(this.bitLength, this.words.slice());
  }

  add(i: number): void {
    this.checkMutable();
    this.words[i >>> 5] = ((this.words[i >>> 5] as number) | (1 << (i & 31))) >>> 0;
  }

  has(i: number): boolean {
    return (((this.words[i >>> 5] as number) >>> (i & 31)) & 1) === 1;
  }

  /** Add [from, to). */
  addRange(from: number, to: number): void {
    this.checkMutable();
    for (let i = from; i < to; ) {
      if ((i & 31) === 0 && i + 32 <= to) {
        this.words[i >>> 5] = 0xffffffff;
        i += 32;
      } else {
        this.add(i);
        i++;
      }
    }
  }

  orInPlace(other: ActionSet): this {
    this.checkMutable();
    const w = this.words;
    const o = other.words;
    const sparse = other.sealed;
    if (sparse !== undefined && sparse.length < w.length / 4) {
      for (let j = 0; j < sparse.length; j++) {
        const k = sparse[j] as number;
        w[k] = ((w[k] as number) | (o[k] as number)) >>> 0;
      }
      return this;
    }
    for (let k = 0; k < w.length; k++) w[k] = ((w[k] as number) | (o[k] as number)) >>> 0;
    return this;
  }

  andInPlace(other: ActionSet): this {
    this.checkMutable();
    const w = this.words;
    const o = other.words;
    for (let k = 0; k < w.length; k++) w[k] = ((w[k] as number) & (o[k] as number)) >>> 0;
    return this;
  }

  /** this := this \ other */
  andNotInPlace(other: ActionSet): this {
    this.checkMutable();
    const w = this.words;
    const o = other.words;
    const sparse = other.sealed;
    if (sparse !== undefined && sparse.length < w.length / 4) {
      for (let j = 0; j < sparse.length; j++) {
        const k = sparse[j] as number;
        w[k] = ((w[k] as number) & ~(o[k] as number)) >>> 0;
      }
      return this;
    }
    for (let k = 0; k < w.length; k++) w[k] = ((w[k] as number) & ~(o[k] as number)) >>> 0;
    return this;
  }

  /** Complement within `universe` (the catalog's `all`, so padding bits stay clear). */
  complementWithin(universe: ActionSet): ActionSet {
    const out = new ActionSet(this.bitLength);
    for (let k = 0; k < out.words.length; k++) out.words[k] = ((universe.words[k] as number) & ~(this.words[k] as number)) >>> 0;
    return out;
  }

  isEmpty(): boolean {
    if (this.sealed !== undefined) return this.sealed.length === 0;
    for (const w of this.words) if (w !== 0) return false;
    return true;
  }

  /** The same members as `other` (compared word for word with memcmp: the facts' counts are cached by sets, principal-facts.ts `tallied`). */
  equals(other: ActionSet): boolean {
    const a = this.words;
    const b = other.words;
    if (b.length < a.length) return false;
    return this.bytes().equals(b.length === a.length ? other.bytes() : bytesOf(b.subarray(0, a.length)));
  }

  /** The words as bytes, a view made once (the words array is the set's for its life). */
  private byteView: Buffer | undefined;
  private bytes(): Buffer {
    return (this.byteView ??= bytesOf(this.words));
  }

  /** Is every member of this set in `other`? */
  isSubsetOf(other: ActionSet): boolean {
    for (let k = 0; k < this.words.length; k++) if (((this.words[k] as number) & ~(other.words[k] as number)) >>> 0 !== 0) return false;
    return true;
  }

  count(): number {
    let n = 0;
    const sparse = this.sealed;
    if (sparse !== undefined) {
      // Statement sets are a few words out of ~700: count only those.
      for (let j = 0; j < sparse.length; j++) n += popcount(this.words[sparse[j] as number] as number);
      return n;
    }
    for (const w of this.words) n += popcount(w);
    return n;
  }

  /** Members in [from, to) that are also in `mask` (when given); word-aligned `from` is fastest. */
  countRange(from: number, to: number, mask?: ActionSet): number {
    let n = 0;
    const w = this.words;
    const m = mask?.words;
    const firstWord = from >>> 5;
    const lastWord = (to - 1) >>> 5;
    for (let k = firstWord; k <= lastWord; k++) {
      let v = w[k] as number;
      if (v === 0) continue;
      if (m !== undefined) v &= m[k] as number;
      if (k === firstWord && (from & 31) !== 0) v &= ~((1 << (from & 31)) - 1);
      if (k === lastWord && (to & 31) !== 0) v &= (1 << (to & 31)) - 1;
      n += popcount(v >>> 0);
    }
    return n;
  }

  /**
   * Calls fn for each member in ascending order; stop early by returning false. With `from`/`to`,
   * only members in [from, to) (one service's actions), visiting only the words that hold them.
   */
  forEach(fn: (i: number) => boolean | void, from = 0, to = this.bitLength): void {
    const w = this.words;
    if (to <= from) return;
    const last = Math.min(w.length - 1, (to - 1) >>> 5);
    for (let k = from >>> 5; k <= last; k++) {
      let v = w[k] as number;
      // The first and last words may hold members outside the range.
      if (k === from >>> 5) v = (v & (0xffffffff << (from & 31))) >>> 0;
      if (k === (to - 1) >>> 5 && (to & 31) !== 0) v = (v & (0xffffffff >>> (32 - (to & 31)))) >>> 0;
      while (v !== 0) {
        const bit = 31 - Math.clz32(v & -v);
        if (fn((k << 5) + bit) === false) return;
        v = (v & (v - 1)) >>> 0;
      }
    }
  }

  toArray(): number[] {
    const out: number[] = [];
    this.forEach((i) => {
      out.push(i);
    });
    return out;
  }
}

/** A word array as bytes, without a copy (Buffer#equals compares two with memcmp). */
function bytesOf(words: Uint32Array): Buffer {
  return Buffer.from(words.buffer, words.byteOffset, words.byteLength);
}

export function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
