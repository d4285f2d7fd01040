/**
 * The top-level keys of a JSON object from the first bytes of its file (routeInputs sniffs 16 KiB):
 * what tells an AWS CLI output apart when the key that names it is not its first one (the CLI prints
 * a response's members in the order of the API's shape: `get-query-results` starts with
 * `QueryStatus`, not `QueryResultRows`). Values are skipped without being parsed, and a head cut
 * inside a value gives the keys before the cut.
 */
export function topLevelKeys(head: string): string[] {
  const keys: string[] = [];
  let i = 0;
  const n = head.length;
  if (head.charCodeAt(0) === 0xfeff) i = 1;
  while (i < n && isSpace(head.charCodeAt(i))) i++;
  if (head[i] !== "{") return keys;
  i++;
  let depth = 1;
  // At depth 1, a string that follows `{` or `,` is a key; every other string is a value.
  let expectKey = true;
  while (i < n) {
    const c = head.charCodeAt(i);
    if (c === 0x22) {
      const start = i + 1;
      i++;
      while (i < n && head.charCodeAt(i) !== 0x22) i += head.charCodeAt(i) === 0x5c ? 2 : 1;
      if (i >= n) break; // cut inside the string
      if (depth === 1 && expectKey) keys.push(head.slice(start, i));
      expectKey = false;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) break;
    } else if (c === 0x2c && depth === 1) {
      expectKey = true;
    }
    i++;
  }
  return keys;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
