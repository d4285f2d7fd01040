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
  const candidates = [...table.values.keys()].filter((v) => v !== "" && !table.whole.has(v) && s.includes(v)).sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const taken: { start: number; end: number; value: string }[] = [];
  for (const v of candidates) {
    for (let i = s.indexOf(v); i >= 0; i = s.indexOf(v, i + 1)) {
      const end = i + v.length;
      if (i > 0 && !BEFORE.test(s[i - 1] as string)) continue;
      if (end < s.length && !AFTER.test(s[end] as string)) continue;
      if (taken.some((t) => i < t.end && end > t.start)) continue;
      taken.push({ start: i, end, value: v });
    }
  }
  if (taken.length === 0) return { expression: null, baked: [] };
  taken.sort((a, b) => a.start - b.start);
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
