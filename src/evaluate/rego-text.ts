/**
 * What leastrole reads of a rule pack's Rego sources as text, for the messages OPA cannot give (a
 * rule package without `findings`, `not` of a field that is null, where a pack divides): the file's
 * text, and whether it defines a top-level `findings` rule.
 */

import { readFileSync } from "node:fs";

/**
 * The file's text, or null when it cannot be read here (a bundle's file compiled from a temporary
 * copy that is gone): such a file gives no hint, never a wrong one.
 */
export function regoSourceText(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

/** The text defines a top-level rule named `findings` (opa fmt puts rules in column 0). */
export function definesFindings(text: string): boolean {
  return /^(default\s+)?findings\b/m.test(text);
}
