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
 * Does glob `a` match every string glob `b` matches (L(b) ⊆ L(a))? Exact for IAM globs, by
 * dynamic programming over the two patterns: a `*` in b can stand for any string, so only a `*` in
 * a can absorb it; a `?` in b is any one character, so a literal in a cannot cover it.
 */
export function globCovers(a: string, b: string, ignoreCase = false): boolean {
  if (ignoreCase) {
    a = a.toLowerCase();
    b = b.toLowerCase();
  }
  if (a === b) return true;
  const A = [...a];
  const B = [...b];
  // dp[i][j]: A[i..] covers B[j..]
  const n = A.length;
  const m = B.length;
  let next: boolean[] = new Array<boolean>(m + 1).fill(false);
  // i = n: empty pattern covers only the empty remainder
  next[m] = true;
  for (let i = n - 1; i >= 0; i--) {
    const cur: boolean[] = new Array<boolean>(m + 1).fill(false);
    const pa = A[i] as string;
    for (let j = m; j >= 0; j--) {
      if (pa === "*") {
        // `*` matches nothing (skip it) or absorbs B[j] (whatever it is, a `*` included)
        cur[j] = (next[j] as boolean) || (j < m && (cur[j + 1] as boolean));
      } else if (j < m) {
        const pb = B[j] as string;
        if (pb === "*") cur[j] = false;
        else if (pa === "?") cur[j] = next[j + 1] as boolean;
        else cur[j] = pb !== "?" && pa === pb && (next[j + 1] as boolean);
      } else {
        cur[j] = false;
      }
    }
    next = cur;
  }
  return next[0] as boolean;
}
