/**
 * Putting untrusted text (ARNs, tag values, rule messages: all attacker-controllable) into GitHub
 * Markdown without letting it add HTML, links, images, @mentions or #references to a PR comment.
 */

import { stripControl } from "./view.js";

/** Escape for HTML contexts (`<summary>`, attribute values). */
export function htmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/**
 * `@` and `#` each followed by U+2060 WORD JOINER (invisible): GitHub then sees no @mention (which
 * notifies the user or team) and no #123 reference. A backslash does not stop either: `\@octocat`
 * still mentions and `\#123` still links (github/markup#1168, github/cmark-gfm#181), because GitHub
 * finds them in the rendered text. Code spans and blocks need nothing: GitHub skips `<code>`.
 */
export function noMentions(text: string): string {
  return text.replace(/[@#]/g, (ch) => `${ch}\u2060`);
}

/**
 * Text inside raw HTML of a Markdown document (`<summary>…</summary>`): Markdown is not parsed
 * there (backticks and backslashes show as typed), so HTML-escaped, on one line, without mentions.
 */
export function htmlText(text: string): string {
  return htmlEscape(noMentions(stripControl(text).replace(/\s+/g, " ").trim()));
}

/**
 * Text in a Markdown paragraph: every ASCII punctuation character that Markdown or GitHub gives a
 * meaning to is backslash-escaped (CommonMark renders `\x` as the literal x for any ASCII
 * punctuation), and `<`, `>`, `&` become entities so no tag or entity survives. Newlines become
 * spaces: one finding's message must not start a heading or a list. `@` and `#` also get a word
 * joiner (noMentions): escaped or not, GitHub would mention or link them.
 */
export function mdText(text: string): string {
  return noMentions(stripControl(text).replace(/\s+/g, " ").trim())
    .replace(/[\\`*_{}[\]()#+\-.!|~@:"'$%^=]/g, (ch) => `\\${ch}`)
    .replace(/[&<>]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/**
 * Inline code: literal by nature (no HTML, no mentions); the delimiter is one backtick longer
 * than the longest run inside, and padded with spaces when the text starts or ends with one.
 * `|` is escaped because GFM splits table cells on it even inside code spans.
 */
export function mdCode(text: string, inTable = false): string {
  let t = stripControl(text).replace(/\s+/g, " ").trim();
  if (t === "") return "` `";
  if (inTable) t = t.replace(/\|/g, "\\|");
  // A fold, not Math.max(...runs): a rule's message with ~120,000 backtick runs overflowed V8's stack.
  const longest = (t.match(/`+/g) ?? []).reduce((m, r) => Math.max(m, r.length), 0);
  const fence = "`".repeat(longest + 1);
  const pad = t.startsWith("`") || t.endsWith("`") ? " " : "";
  return `${fence}${pad}${t}${pad}${fence}`;
}

/** A fenced code block whose fence is longer than any backtick run in the content. */
export function mdFence(content: string, lang = ""): string {
  const body = stripControl(content).replace(/\r\n?/g, "\n");
  const longest = (body.match(/`{3,}/g) ?? []).reduce((m, r) => Math.max(m, r.length), 2);
  const fence = "`".repeat(longest + 1);
  return `${fence}${lang}\n${body}\n${fence}`;
}
