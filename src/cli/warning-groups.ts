/**
 * Warnings that say the same thing of several functions, said once on stderr naming them. The
 * document and `--format json` keep one warning per function (rules, SARIF and scripts read them
 * one by one); only the lines a person reads are grouped. Why: one template's nine Kafka functions
 * gave nine 500-character lines that differed in the function's name alone, and generate repeated
 * the same data-events advice once per function.
 */

import type { Warning } from "../model/document.js";
import { warningLabel } from "../model/warning-label.js";

/** How many names a grouped line lists before "and N more". */
const NAMES_SHOWN = 5;

/** A function's name (with its qualifier), a role's or user's name; else the ARN as it is. */
export function shortName(arn: string): string {
  const fn = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:(.+)$/.exec(arn);
  if (fn) return fn[1] as string;
  const iam = /^arn:[^:]+:iam::[^:]*:(?:role|user|group)\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (iam) return iam[1] as string;
  return arn;
}

/**
 * `9 functions (a, b, c, d, e and 4 more)`: the names sorted, the first few when many; `what`
 * counts them ("functions", "policies"). One name is the name alone.
 */
export function namesListed(names: readonly string[], what: string): string {
  const sorted = [...new Set(names)].sort();
  if (sorted.length === 1) return sorted[0] as string;
  const shown = sorted.length > NAMES_SHOWN ? `${sorted.slice(0, NAMES_SHOWN).join(", ")} and ${sorted.length - NAMES_SHOWN} more` : sorted.join(", ");
  return `${sorted.length} ${what} (${shown})`;
}

/** Short names when they tell the ARNs apart, else the ARNs (a function of one name in two regions). */
function labels(arns: readonly string[]): string[] {
  const short = arns.map(shortName);
  return new Set(short).size === new Set(arns).size ? short : [...arns];
}

/** What a warning says of the resource its message starts with (`arn:…: rest`), apart. */
function subjectOf(message: string): { arn: string; rest: string } | null {
  const m = /^(arn:\S+): ([^]+)$/.exec(message);
  return m ? { arn: m[1] as string, rest: m[2] as string } : null;
}

/**
 * The label a problem the command goes on after takes on stderr: `leastrole: error:` is said only
 * of what makes the command exit 2 (reportUnreadNamedInputs, a rule pack that failed, a refused
 * input) or 3, so a warning of severity "error" (a refused policy document, a list cut short, an
 * errored plan: the inputs partial, makesPartial, but the command exits 0) is a `warning:` line.
 * The severity itself is kept in the document and the reports (`warnings[].severity`), where
 * "error" means "makes the inputs partial". Before, `leastrole audit` printed
 * `leastrole: error: …` and exited 0, which contradicted README's exit codes. A reader's own
 * defect (`reader-defect`) is not printed through here: it is a bug, exit code 3, and
 * reportReaderDefects (context.ts) says it as an error line.
 */
export function stderrLabel(severity: Warning["severity"]): "warning" | "info" {
  return severity === "info" ? "info" : "warning";
}

/**
 * The input warnings as stderr lines (`leastrole: warning: <file>: <path>: …`, stderrLabel), those
 * of one code, label, file and path that say the same thing of different resources as one line
 * naming them. In the order first met; a warning alone is written as before.
 */
export function inputWarningLines(warnings: readonly Warning[]): string[] {
  const groups = new Map<string, { w: Warning; rest: string | null; arns: string[] }>();
  for (const w of warnings) {
    const s = subjectOf(w.message);
    const key = s === null ? `\u0001${groups.size}` : [warningLabel(w), w.code, w.file ?? "", w.path ?? "", s.rest].join("\u0000");
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { w, rest: s?.rest ?? null, arns: s === null ? [] : [s.arn] });
    else if (s !== null && !group.arns.includes(s.arn)) group.arns.push(s.arn);
  }
  return [...groups.values()].map(({ w, rest, arns }) => {
    const where = `${w.file ? `${w.file}: ` : ""}${w.path ? `${w.path}: ` : ""}`;
    const label = warningLabel(w);
    if (rest === null || arns.length === 1) return `leastrole: ${label}: ${where}${w.message}`;
    const what = arns.every((a) => /^arn:[^:]+:lambda:/.test(a)) ? "functions" : arns.every((a) => /^arn:[^:]+:iam::[^:]*:role\//.test(a)) ? "roles" : "resources";
    return `leastrole: ${label}: ${where}${namesListed(labels(arns), what)}: ${rest}`;
  });
}
