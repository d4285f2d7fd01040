/**
 * IAM's glob: `*` matches any run of characters (including none, including `/` and `:`), `?`
 * matches exactly one character, everything else is literal. Used for actions (case-insensitive)
 * and for ARNs and StringLike values (case-sensitive).
 */

const cacheSensitive = new Map<string, RegExp | string>();
const cacheInsensitive = new Map<string, RegExp | string>();

function escapeRegex(ch: string): string {
  return /[\\^$.|+()[\]{}]/.test(ch) ? `\\${ch}` : ch;
}

/** True when the pattern contains `*` or `?`. */
export function hasWildcard(pattern: string): boolean {
  return pattern.includes("*") || pattern.includes("?");
}

/** Compile once; a pattern without wildcards is kept as a string and compared directly. */
function compile(pattern: string, ignoreCase: boolean): RegExp | string {
  const cache = ignoreCase ? cacheInsensitive : cacheSensitive;
  let compiled = cache.get(pattern);
  if (compiled === undefined) {
    if (!hasWildcard(pattern)) {
      compiled = ignoreCase ? pattern.toLowerCase() : pattern;
    } else {
      let source = "^";
      for (const ch of pattern) source += ch === "*" ? "[\\s\\S]*" : ch === "?" ? "[\\s\\S]" : escapeRegex(ch);
      compiled = new RegExp(`${source}$`, ignoreCase ? "iu" : "u");
    }
    // Bounded: policies in a big account have tens of thousands of distinct patterns at most.
    if (cache.size > 200_000) cache.clear();
    cache.set(pattern, compiled);
  }
  return compiled;
}

/** Does `value` match the IAM glob `pattern`? */
export function globMatches(pattern: string, value: string, ignoreCase = false): boolean {
  const compiled = compile(pattern, ignoreCase);
  if (typeof compiled === "string") return ignoreCase ? compiled === value.toLowerCase() : compiled === value;
  return compiled.test(value);
}

/**
 * Does glob `a` match every string glob `b` matches (L(b) ⊆ L(a))? Exact: `b` is run symbolically
 * through the subset automaton of `a` — a literal in b is one step, `?` is any one character, `*`
 * is any string — over the characters of `a` plus one class for "any other character"; b is covered
 * when every state b can end in accepts.
 */
export function globCovers(a: string, b: string, ignoreCase = false): boolean {
  if (ignoreCase) {
    a = a.toLowerCase();
    b = b.toLowerCase();
  }
  if (a === b || a === "*") return true;
  const A = [...a];
  const n = A.length;
  const OTHER = "\u0000other";
  const classes = [...new Set(A.filter((c) => c !== "*" && c !== "?")), OTHER];

  // NFA positions 0..n; position i = i tokens of a consumed. `*` may be skipped (epsilon).
  const closure = (positions: Iterable<number>): number[] => {
    const out = new Set<number>();
    const stack = [...positions];
    while (stack.length > 0) {
      const p = stack.pop() as number;
      if (out.has(p)) continue;
      out.add(p);
      if (p < n && A[p] === "*") stack.push(p + 1);
    }
    return [...out].sort((x, y) => x - y);
  };
  const step = (state: number[], c: string): number[] => {
    const next: number[] = [];
    for (const p of state) {
      if (p >= n) continue;
      const t = A[p] as string;
      if (t === "*") next.push(p);
      else if (t === "?" || (t === c && c !== OTHER)) next.push(p + 1);
    }
    return closure(next);
  };
  const key = (state: number[]): string => state.join(",");

  let family = new Map<string, number[]>([[key(closure([0])), closure([0])]]);
  for (const t of b) {
    const next = new Map<string, number[]>();
    const add = (s: number[]): void => {
      next.set(key(s), s);
    };
    for (const state of family.values()) {
      if (t === "?") for (const c of classes) add(step(state, c));
      else if (t === "*") {
        // Every state reachable from `state` by any string (including the empty one).
        const seen = new Map<string, number[]>([[key(state), state]]);
        const queue = [state];
        while (queue.length > 0) {
          const s = queue.pop() as number[];
          for (const c of classes) {
            const r = step(s, c);
            const k = key(r);
            if (!seen.has(k)) {
              seen.set(k, r);
              queue.push(r);
            }
          }
        }
        for (const s of seen.values()) add(s);
      } else add(step(state, classes.includes(t) ? t : OTHER));
    }
    family = next;
  }
  for (const state of family.values()) if (!state.includes(n)) return false;
  return true;
}
