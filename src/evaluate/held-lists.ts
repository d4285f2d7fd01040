/**
 * Lists that the built-in rules' view (rules-view.ts) keeps out of the rules' input, and that the
 * evaluator puts back into the findings' evidence. A rule that only copies such a list into its
 * evidence is given a token instead, `{"$held": token}` in its evidence, and the list is put in
 * its place once the result is back on this thread.
 *
 * Why: LR008 copies each function's unused actions (about 150 at 10,000 functions) into its
 * evidence, and LR013 each function's configuration readers. Through the wasm evaluator such a list
 * was written into the input, parsed by the module, copied into the result, hashed twice there,
 * written out as JSON and parsed again on this thread: a third of the findings' bytes crossing the
 * wasm boundary twice for nothing the rules decide on (bench/results/scale.md, session 51, has the
 * before and after).
 *
 * Held lists exist only in the built-in view: a whole canonical document (custom packs, `opa eval`)
 * has the lists themselves, and the rules compute from them what the view gives them.
 */

/** The view's (and each of its slices') table of held lists: a symbol key, which JSON encoding skips. */
export const HELD = Symbol("leastrole.heldLists");

/** The evidence value a rule writes in place of a held list. */
const MARK = "$held";

export class HeldLists {
  private readonly lists = new Map<string, readonly unknown[]>();

  /**
   * Holds `list`; the token the view gives the rules in its place: `key` (what the list is of, a
   * function's ARN), so that a view's slices are the same bytes whatever order they are made in
   * (test/audit/pending.test.ts), or `key#n` for a second list under a key already taken.
   */
  hold(list: readonly unknown[], key: string): string {
    let token = key;
    for (let n = 2; this.lists.has(token); n++) token = `${key}#${n}`;
    this.lists.set(token, list);
    return token;
  }

  /** The list held under `token`. */
  get(token: string): readonly unknown[] | undefined {
    return this.lists.get(token);
  }

  /**
   * Puts the held lists back into a raw result's findings, in place of each evidence member that is
   * `{"$held": token}` with a token of this table; the result, changed in place. The lists stay in
   * the table (the findings hold most of them anyway): a token met twice gets the same list.
   */
  restore(raw: unknown): unknown {
    if (!Array.isArray(raw) || this.lists.size === 0) return raw;
    for (const item of raw) {
      const evidence = isRecord(item) ? item.evidence : undefined;
      if (!isRecord(evidence)) continue;
      for (const key of Object.keys(evidence)) {
        const token = tokenOf(evidence[key]);
        if (token === null) continue;
        const list = this.lists.get(token);
        if (list === undefined) continue;
        evidence[key] = list;
      }
    }
    return raw;
  }
}

/** A view's or slice's table (undefined for anything else: a whole document, an encoded input). */
export function heldListsOf(input: unknown): HeldLists | undefined {
  return isRecord(input) ? ((input as { [HELD]?: HeldLists })[HELD] ?? undefined) : undefined;
}

function tokenOf(value: unknown): string | null {
  if (!isRecord(value)) return null;
  const token = value[MARK];
  if (typeof token !== "string") return null;
  for (const k in value) if (k !== MARK) return null;
  return token;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
