/**
 * Unique resource names for several targets rendered into one file (CloudFormation logical IDs,
 * Terraform resource names): a repeated name would drop a role (CloudFormation keeps one key of
 * Resources) or be rejected (Terraform: a resource declared twice). The renderers say how a target
 * is named; this decides which names it gets.
 *
 * Targets that keep the name they have in the input (a role read from a template or plan, so the
 * output can take its place there) claim it first; a kept name already claimed is not kept. Every
 * other target is numbered (`n` = 1, 2, …) until none of its names is taken: the number is
 * checked against every name already given, so a role whose own name is another's numbered name
 * (`orders_api_2`), or another role's second policy, is not reused.
 */

/**
 * `candidate(t, n, keep)`: every name target `t` uses with number `n` (1: unnumbered), its own
 * kept name when `keep` (then only `n` = 1 is asked), or null when those names are not usable
 * together (two of them alike where they must differ).
 */
export function allocateNames<T>(
  targets: readonly T[],
  keeps: (t: T) => boolean,
  candidate: (t: T, n: number, keep: boolean) => string[] | null,
  // Names an earlier call gave (the SAM output names one target at a time, as it streams): added to.
  taken: Set<string> = new Set<string>(),
): string[][] {
  const out: (string[] | undefined)[] = targets.map(() => undefined);
  const claim = (t: T, keep: boolean): string[] | undefined => {
    for (let n = 1; ; n++) {
      const names = candidate(t, n, keep);
      if (names === null || names.some((x) => taken.has(x))) {
        if (keep) return undefined;
        continue;
      }
      for (const x of names) taken.add(x);
      return names;
    }
  };
  targets.forEach((t, i) => {
    if (keeps(t)) out[i] = claim(t, true);
  });
  targets.forEach((t, i) => {
    out[i] ??= claim(t, false);
  });
  return out as string[][];
}
