/**
 * Names and ARNs of the generated policy written back as the expressions the input made them from
 * (value-references.ts): for a template read with Env's Default, `${Env}-orders-dlq` where the
 * value is `dev-orders-dlq`, so the policy pasted back into the template follows the stack's own
 * parameters. Only in the input's own language, and only from the table of the file the output
 * goes into: another template's `${Env}` names nothing there.
 */

import type { ValueReferences } from "../sources/value-references.js";

/** What the renderers write in place of a resolved value. */
export interface OutputReferences {
  language: ValueReferences["language"];
  /** Resolved string (a Resource, the role's name) → the same with references, in the reader's placeholder form. */
  values: { [resolved: string]: string };
  /**
   * The table's names that have an expression (not a reference alone): what rewriteText writes
   * in the output's comments, so that they name resources as the body beside them does.
   */
  names?: { [resolved: string]: string };
}

/** One output string rewritten: its expression (null: none applies), and the default-made parts it still holds. */
export interface Rewrite {
  expression: string | null;
  /** Parts of the string made from a default that cannot be written as a reference (baked in). */
  baked: string[];
}

const BEFORE = /[:/]/;
const AFTER = /[:/*]/;

/**
 * `s` with every value of the table that it holds at a name boundary (after `:` or `/`, before
 * `:`, `/` or `*`: `…:log-group:/aws/lambda/dev-orders:*`, `…table/dev-orders/stream/*`) replaced
 * by its expression, longest first. A value that is one reference alone (`dev` ← `${Env}`) only
 * when it is the whole string: as a part it is as likely a name of its own (`parameter/dev/*`).
 */
export function rewriteValue(s: string, table: ValueReferences): Rewrite {
  if (table.values.has(s)) {
    const e = table.values.get(s) ?? null;
    return e === null ? { expression: null, baked: [s] } : { expression: e, baked: [] };
  }
  const taken = occurrences(s, [...table.values.keys()].filter((v) => !table.whole.has(v)), (i, end) => (i === 0 || BEFORE.test(s[i - 1] as string)) && (end === s.length || AFTER.test(s[end] as string)));
  if (taken.length === 0) return { expression: null, baked: [] };
  const baked = taken.filter((t) => table.values.get(t.value) === null).map((t) => t.value);
  if (taken.every((t) => table.values.get(t.value) === null)) return { expression: null, baked };
  let out = "";
  let at = 0;
  for (const t of taken) {
    out += s.slice(at, t.start) + (table.values.get(t.value) ?? t.value);
    at = t.end;
  }
  return { expression: out + s.slice(at), baked };
}

/**
 * Where `candidates` occur in `s` where `atBoundary(start, end)` holds: longest first (a longer name
 * wins over the shorter one inside it), never overlapping, in the order they occur.
 */
function occurrences(s: string, candidates: readonly string[], atBoundary: (start: number, end: number) => boolean): Array<{ start: number; end: number; value: string }> {
  const taken: Array<{ start: number; end: number; value: string }> = [];
  const present = candidates.filter((v) => v !== "" && s.includes(v)).sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  for (const v of present) {
    for (let i = s.indexOf(v); i >= 0; i = s.indexOf(v, i + 1)) {
      const end = i + v.length;
      if (!atBoundary(i, end) || taken.some((t) => i < t.end && end > t.start)) continue;
      taken.push({ start: i, end, value: v });
    }
  }
  return taken.sort((a, b) => a.start - b.start);
}

/** Before and after a name in prose: an ARN's separators, spaces, brackets, quotes, `=` and `,`. */
const TEXT_BEFORE = /[\s:/("'=,]/;
const TEXT_AFTER = /[\s:/*)"',;]/;

/**
 * A comment's text (a statement's provenance note, a wildcard's reason, the header's subject) with
 * each name of `references.names` at a boundary written as its expression, longest first, as
 * rewriteValue writes the body: `required (logs): /aws/lambda/${Env}-orders-api` above a Resource
 * written `…/aws/lambda/${Env}-orders-api:*`. Why: the comment named the defaults' stack
 * (`dev-orders-api`) beside a body that follows the parameters, and misled whoever compared them.
 * A name followed by `.` counts only at a sentence's end (`.` then a space or the end).
 */
export function rewriteText(text: string, references: OutputReferences | undefined): string {
  const names = references?.names;
  if (names === undefined) return text;
  const taken = occurrences(text, Object.keys(names), (i, end) => {
    if (i > 0 && !TEXT_BEFORE.test(text[i - 1] as string)) return false;
    const next = text[end];
    return next === undefined || TEXT_AFTER.test(next) || (next === "." && (end + 1 === text.length || /\s/.test(text[end + 1] as string)));
  });
  let out = "";
  let at = 0;
  for (const t of taken) {
    out += text.slice(at, t.start) + (names[t.value] as string);
    at = t.end;
  }
  return out + text.slice(at);
}

/**
 * A statement's provenance note as a comment: rewriteText, but for a kept exception's note, whose
 * pattern and reason are the user's configuration quoted (`kept exception (dynamodb:Restore*): DR
 * runbook for dev-orders-api`): rewritten, the comment misquoted the config it cites.
 */
export function rewriteNote(note: string, references: OutputReferences | undefined): string {
  return note.startsWith("kept exception (") ? note : rewriteText(note, references);
}

/** Whether a wildcard's reason is already the text of one of the statement's notes (`<kind>: <reason>`). */
export function repeatsNote(reason: string, notes: readonly string[]): boolean {
  return notes.some((n) => n.endsWith(`: ${reason}`) || n === reason);
}
