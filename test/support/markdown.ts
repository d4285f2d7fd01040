/**
 * Checks on Markdown written for GitHub: what lies outside code, and the @mentions and #references
 * GitHub would autolink there.
 */

/** The Markdown text with fenced code blocks and code spans removed (CommonMark rules for delimiters). */
export function outsideCode(md: string): string {
  const noFences = md.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1\s*$/gm, "");
  let out = "";
  let i = 0;
  while (i < noFences.length) {
    const open = /`+/.exec(noFences.slice(i));
    if (!open) {
      out += noFences.slice(i);
      break;
    }
    const start = i + open.index;
    out += noFences.slice(i, start);
    const n = open[0].length;
    const rest = noFences.slice(start + n);
    const close = new RegExp(`(?<!\`)\`{${n}}(?!\`)`).exec(rest);
    if (!close) {
      out += open[0];
      i = start + n;
      continue;
    }
    i = start + n + close.index + n;
  }
  return out;
}

/**
 * The @mentions and #references GitHub would make of text outside code: `@` or `#` then a name or
 * a number, not preceded by a word character (a backslash before them does not stop GitHub, which
 * finds them in the rendered text; an entity `&#60;` is not one).
 */
export function githubAutolinks(md: string): string[] {
  return [...md.matchAll(/(?<![A-Za-z0-9_&])(?:@[A-Za-z0-9]|#\d)/g)].map((m) => md.slice(m.index, m.index + 12));
}
