/**
 * What a warning of the inputs means to whoever reads it, the same on stderr and in the reports:
 * its label, and whether it makes the inputs partial. A warning's `severity` "error" means "makes
 * the inputs partial" (docs/canonical-document.md, "Bad input"), not that the command failed: on
 * stderr such a warning is a `leastrole: warning:` line (cli/warning-groups.ts stderrLabel), and
 * the HTML report showed it as "error" beside it, which said two things of one warning.
 */

import type { Warning } from "./document.js";

/** The code of a reader's own defect (record-reader.ts, read-sources.ts): a bug, exit code 3. */
export const READER_DEFECT = "reader-defect";

/**
 * A warning that leaves the inputs partial: an error, or a file or folder that could not be read,
 * which is a warning when met in a folder walk (the command exits 0, README's exit codes) but whose
 * content is missing all the same, or a `leastrole collect` collection that did not complete (its
 * failed calls' files are missing; a warning too, since every file given was read).
 */
export function makesPartial(w: Pick<Warning, "code" | "severity">): boolean {
  return w.severity === "error" || w.code === "unreadable-file" || w.code === "collection-partial";
}

/**
 * The label of an input warning, as stderr prints it: `error` only for what ends the command in
 * exit code 3 (a reader's defect: cli/context.ts reportReaderDefects), `info` for a note, else
 * `warning`, whatever its severity.
 */
export function warningLabel(w: Pick<Warning, "code" | "severity">): "error" | "warning" | "info" {
  if (w.code === READER_DEFECT) return "error";
  return w.severity === "info" ? "info" : "warning";
}
