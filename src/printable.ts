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
