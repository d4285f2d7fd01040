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

const cacheTokens = new Map<string, RegExp>();

/**
 * Does `value` match a glob given as tokens (a literal token is matched as the text it holds, even
 * `*` or `?`: a policy variable's value, or IAM's `${*}`, `${?}`, `${$}`)? `key` caches the compiled
 * form (the tokens' source: the same key must always give the same tokens).
 */
export function globTokensMatch(tokens: readonly GlobToken[], key: string, value: string): boolean {
  let re = cacheTokens.get(key);
  if (re === undefined) {
    let source = "^";
    // A literal token's `*` and `?` are text: escaped with the rest (escapeRegex leaves them to compile's wildcards).
    for (const t of tokens) source += typeof t !== "string" ? (t.wild === "*" ? "[\\s\\S]*" : "[\\s\\S]") : [...t].map((ch) => (ch === "*" || ch === "?" ? `\\${ch}` : escapeRegex(ch))).join("");
    re = new RegExp(`${source}$`, "u");
    if (cacheTokens.size > 200_000) cacheTokens.clear();
    cacheTokens.set(key, re);
  }
  return re.test(value);
}

/** Does `value` match the IAM glob `pattern`? */
export function globMatches(pattern: string, value: string, ignoreCase = false): boolean {
  const compiled = compile(pattern, ignoreCase);
  if (typeof compiled === "string") return ignoreCase ? compiled === value.toLowerCase() : compiled === value;
  return compiled.test(value);
}

/** A wildcard of a glob, as a token (a literal character is a one-code-point string). */
export interface GlobWildcard {
  wild: "*" | "?";
}
export type GlobToken = string | GlobWildcard;

const STAR: GlobWildcard = { wild: "*" };
const QUESTION: GlobWildcard = { wild: "?" };

/**
 * A glob as tokens. With `policyEscapes`, IAM's literal forms `${*}`, `${?}` and `${$}` (policy
 * variables with fixed values, Version 2012-10-17) are the literal characters `*`, `?`, `$`, not
 * wildcards; any other `${…}` stays text, character by character.
 */
export function globTokens(pattern: string, policyEscapes = false): GlobToken[] {
  const out: GlobToken[] = [];
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (policyEscapes && c === "$" && chars[i + 1] === "{" && chars[i + 3] === "}" && /^[*?$]$/.test(chars[i + 2] ?? "")) {
      out.push(chars[i + 2] as string);
      i += 3;
    } else out.push(c === "*" ? STAR : c === "?" ? QUESTION : c);
  }
  return out;
}

/**
 * Does glob `a` match every string glob `b` matches (L(b) ⊆ L(a))? See globCoversTokens.
 */
export function globCovers(a: string, b: string, ignoreCase = false): boolean {
  if (ignoreCase) {
    a = a.toLowerCase();
    b = b.toLowerCase();
  }
  if (a === b || a === "*") return true;
  return globCoversTokens(globTokens(a), globTokens(b));
}

/**
 * Does token glob `A` match every string token glob `B` matches? Exact: `B` is run symbolically
 * through the subset automaton of `A` — a literal in B is one step, `?` is any one character, `*`
 * is any string — over the literals of `A` plus one class for "any other character"; B is covered
 * when every state B can end in accepts.
 */
export function globCoversTokens(A: readonly GlobToken[], B: readonly GlobToken[]): boolean {
  const n = A.length;
  const OTHER = "\u0000other";
  const classes = [...new Set(A.filter((c): c is string => typeof c === "string")), OTHER];

  // NFA positions 0..n; position i = i tokens of A consumed. `*` may be skipped (epsilon).
  const closure = (positions: Iterable<number>): number[] => {
    const out = new Set<number>();
    const stack = [...positions];
    while (stack.length > 0) {
      const p = stack.pop() as number;
      if (out.has(p)) continue;
      out.add(p);
      if (p < n && A[p] === STAR) stack.push(p + 1);
    }
    return [...out].sort((x, y) => x - y);
  };
  const step = (state: number[], c: string): number[] => {
    const next: number[] = [];
    for (const p of state) {
      if (p >= n) continue;
      const t = A[p] as GlobToken;
      if (t === STAR) next.push(p);
      else if (t === QUESTION || (t === c && c !== OTHER)) next.push(p + 1);
    }
    return closure(next);
  };
  const key = (state: number[]): string => state.join(",");

  let family = new Map<string, number[]>([[key(closure([0])), closure([0])]]);
  for (const t of B) {
    const next = new Map<string, number[]>();
    const add = (s: number[]): void => {
      next.set(key(s), s);
    };
    for (const state of family.values()) {
      if (t === QUESTION) for (const c of classes) add(step(state, c));
      else if (t === STAR) {
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
      } else add(step(state, classes.includes(t as string) ? (t as string) : OTHER));
    }
    family = next;
  }
  for (const state of family.values()) if (!state.includes(n)) return false;
  return true;
}
