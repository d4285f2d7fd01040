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

/**
 * The keys of the object reached from the head's top-level value by `path`: a name steps into that
 * member of an object, 0 into an array's first element. [] when the head does not reach it (another
 * shape, or cut before it). What tells an output apart when its first record is too large for the
 * head: `lookup-events` prints each event's Resources (which can be thousands of ARNs) before its
 * CloudTrailEvent, but its EventId, EventName and EventSource come first, so `["Events", 0]` shows
 * them whatever the first event's size.
 */
export function keysAt(head: string, path: ReadonlyArray<string | 0>): string[] {
  let i = head.charCodeAt(0) === 0xfeff ? 1 : 0;
  i = skipSpace(head, i);
  for (const step of path) {
    if (step === 0) {
      if (head[i] !== "[") return [];
      i = skipSpace(head, i + 1);
      continue;
    }
    if (head[i] !== "{") return [];
    i = skipSpace(head, i + 1);
    for (;;) {
      if (head[i] !== '"') return [];
      const end = stringEnd(head, i);
      if (end < 0) return [];
      const key = head.slice(i + 1, end);
      i = skipSpace(head, end + 1);
      if (head[i] !== ":") return [];
      i = skipSpace(head, i + 1);
      if (key === step) break;
      i = valueEnd(head, i);
      if (i < 0) return [];
      i = skipSpace(head, i);
      if (head[i] !== ",") return [];
      i = skipSpace(head, i + 1);
    }
  }
  return head[i] === "{" ? topLevelKeys(head.slice(i)) : [];
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

/** The index of the quote that closes the string opening at `i`; -1 when the head is cut before it. */
function stringEnd(s: string, i: number): number {
  i++;
  while (i < s.length && s.charCodeAt(i) !== 0x22) i += s.charCodeAt(i) === 0x5c ? 2 : 1;
  return i < s.length ? i : -1;
}

/** The index just past the value starting at `i`; -1 when the head is cut inside it. */
function valueEnd(s: string, i: number): number {
  let depth = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 0x22) {
      i = stringEnd(s, i);
      if (i < 0) return -1;
      if (depth === 0) return i + 1;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return i + 1;
      if (depth < 0) return i; // a scalar's end at its container's close (not reached for our paths)
    } else if (depth === 0 && (c === 0x2c || isSpace(c))) return i;
    i++;
  }
  return -1;
}
