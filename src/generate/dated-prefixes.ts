/**
 * Prefix patterns that end in a date. The prefix rule (docs/generate.md, "Resource scoping")
 * keeps what the observed names share, so names written under a date give the date of the
 * window: `incoming/2026/1*` from a month of `incoming/2026/10/…` and `…/11/…` keys,
 * `table/billing-2026-*` from the monthly tables. Calls on names of a later date (January, the
 * next year) fall outside it and are refused: the policy works today and breaks on a date nobody
 * chose. The policy is left as the rules make it (a wider Resource is the user's call); the
 * warning names the pattern and the part before the date to keep with a kept exception.
 */

import type { GenerationWarning, Grant } from "./types.js";

/**
 * A date at the end of a prefix pattern: a year (19xx, 20xx) not preceded by a digit, then any
 * run of month/day/hour parts with or without separators (`2026/1`, `2026-11-`, `202611`), then
 * the pattern's `*`. The leftmost such year, so `2026/2026-1*` is cut before both.
 */
const DATED_TAIL = /(?<![0-9])(?:19|20)[0-9]{2}(?:[-/_.]?[0-9]{1,2})*[-/_.]?\*$/;

/** Where the name starts in an ARN's resource part: after the first `/` (a table's, an object key's), else after the last `:`. */
function nameStart(arn: string): number {
  const m = /^arn:[^:]*:[^:]*:[^:]*:[^:]*:/.exec(arn);
  if (m === null) return 0;
  const rest = arn.slice(m[0].length);
  const slash = rest.indexOf("/");
  return m[0].length + (slash >= 0 ? slash + 1 : rest.lastIndexOf(":") + 1);
}

/** The date at the end of a prefix pattern, and the pattern cut before it; null when it ends in none. */
export function datedPrefix(resource: string): { date: string; before: string } | null {
  const m = DATED_TAIL.exec(resource);
  if (m === null || m.index < nameStart(resource)) return null;
  return { date: m[0].slice(0, -1), before: `${resource.slice(0, m.index)}*` };
}

/** One warning per prefix pattern of the final grants that ends in a date, naming its actions. */
export function datedPrefixWarnings(grants: readonly Grant[]): GenerationWarning[] {
  const actions = new Map<string, Set<string>>();
  for (const g of grants) {
    if (g.scoping !== "prefix" && g.scoping !== "truncated-prefix") continue;
    if (datedPrefix(g.resource) === null) continue;
    const set = actions.get(g.resource) ?? new Set<string>();
    set.add(g.action);
    actions.set(g.resource, set);
  }
  return [...actions.keys()].sort().map((resource) => {
    const { date, before } = datedPrefix(resource) as { date: string; before: string };
    const names = [...(actions.get(resource) as Set<string>)].sort();
    return {
      code: "prefix-ends-in-a-date",
      action: names[0] as string,
      message: `${names.join(", ")} on ${resource}: the names observed share a date (${date}), so names of a later date (the next month or year) fall outside the pattern and their calls will be refused. If the names are dated, keep ${names.length === 1 ? "the action" : "the actions"} on the part before the date (${before}) with a kept exception.`,
    };
  });
}
