/**
 * A value read from an input file, for a message: strings as they are, anything else as JSON.
 * `String(value)` throws on an object whose `toString` is not a function (`{"toString": ""}` in a
 * JSON file): bad input must get a message, never a TypeError.
 */
export function printable(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * A count with its noun for a message: "1 function", "3 functions". `show` formats the number
 * (the HTML and Markdown reports group its digits).
 */
export function plural(n: number, one: string, many = `${one}s`, show: (n: number) => string = String): string {
  return `${show(n)} ${n === 1 ? one : many}`;
}

/**
 * Up to two names within a few edits of `pattern` (a typo's likely target), closest first: the
 * "did you mean" of every message about a name that matches nothing (a kept exception's function,
 * a config key, a rule option), so they all suggest alike.
 */
export function closestNames(pattern: string, names: readonly string[]): string[] {
  const distance = (a: string, b: string): number => {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const row = [i];
      for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
      prev = row;
    }
    return prev[b.length]!;
  };
  const wanted = pattern.toLowerCase();
  const max = Math.min(3, Math.floor(wanted.length / 3));
  return [...new Set(names)]
    .map((n) => ({ n, d: distance(wanted, n.toLowerCase()) }))
    .filter((x) => x.d <= max)
    .sort((x, y) => x.d - y.d || (x.n < y.n ? -1 : x.n > y.n ? 1 : 0))
    .slice(0, 2)
    .map((x) => x.n);
}

/**
 * closestNames for a glob (`*` any run, `?` one character, case-insensitive as the exceptions'
 * patterns match): the names within a few edits of matching it. A kept exception's `function` is
 * a glob more often than not (`orders-*`), and its typo (`order-*`) is some edits away from every
 * name as plain text (the `*` against `api`), so plain closestNames suggested nothing for it. The
 * edits are counted by aligning the pattern with the name, a `*` taking any run for free and a `?`
 * any one character; the bound is closestNames' over the pattern's literal characters.
 */
export function closestNamesToGlob(pattern: string, names: readonly string[]): string[] {
  if (!/[*?]/.test(pattern)) return closestNames(pattern, names);
  const p = pattern.toLowerCase();
  const literal = p.replace(/[*?]/g, "").length;
  const max = Math.min(3, Math.floor(literal / 3));
  const distance = (t: string): number => {
    // prev[j]: the fewest edits making p[0..i) match t[0..j).
    let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
    for (let i = 1; i <= p.length; i++) {
      const c = p[i - 1]!;
      const row = [c === "*" ? prev[0]! : prev[0]! + 1];
      for (let j = 1; j <= t.length; j++) {
        row.push(
          c === "*"
            ? Math.min(prev[j]!, row[j - 1]!)
            : Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (c === "?" || c === t[j - 1] ? 0 : 1)),
        );
      }
      prev = row;
    }
    return prev[t.length]!;
  };
  return [...new Set(names)]
    .map((n) => ({ n, d: distance(n.toLowerCase()) }))
    .filter((x) => x.d <= max)
    .sort((x, y) => x.d - y.d || (x.n < y.n ? -1 : x.n > y.n ? 1 : 0))
    .slice(0, 2)
    .map((x) => x.n);
}

/** `: did you mean "a" or "b"?` for names from closestNames, or "" when there is none. */
export function didYouMean(near: readonly string[]): string {
  return near.length > 0 ? `: did you mean ${near.map((n) => JSON.stringify(n)).join(" or ")}?` : "";
}
