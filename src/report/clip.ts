/**
 * Cutting long text for a report cell or line. One implementation for every report: a cut in the
 * middle of a word ("s3:GetObj") reads as a real but wrong name, so text is cut at the last space
 * and marked with "…".
 */

/**
 * `text` cut to about `max` characters at a word boundary, with "…" (before escaping: an escape is
 * never cut). When the last space is in the first half (one long ARN, say) the cut is made at `max`
 * itself: cutting at the space would throw away most of what fits.
 */
export function clip(text: string, max: number | null): string {
  if (max === null || text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, "")}…`;
}
