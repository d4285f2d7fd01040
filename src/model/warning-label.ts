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
 * Warnings (not errors) said exactly where the inputs are made partial, so that the reports can say
 * why they are (report/view.ts partialDataReasons) without a field of their own: a file or folder
 * that could not be read, which is a warning when met in a folder walk (the command exits 0,
 * README's exit codes) but whose content is missing all the same; a file named or placed as an IAM
 * or Lambda output that holds no JSON object (export-not-read, read-sources.ts); a `leastrole collect` collection
 * that did not complete (its failed calls' files are missing); and the normaliser's own cases, a
 * function whose execution role is not in the inputs (or is no role ARN: normalize.ts), said by
 * the normaliser or, for a role its reader could not know, by that reader (a template's function
 * without Role, a plan's role known only after apply: normalize.ts explainedReference), and a
 * managed policy a role or principal uses that neither the inputs nor the shipped data hold
 * (policies.ts, which warns exactly when a principal uses it).
 */
const PARTIAL_CODES: ReadonlySet<string> = new Set([
  "unreadable-file",
  "export-not-read",
  "collection-partial",
  "role-not-in-inputs",
  "execution-role-not-a-role-arn",
  "cloudformation-missing-role",
  "terraform-unknown-role",
  "unresolved-managed-policy",
]);

/**
 * The warnings that make a template's fragment partial (cloudformation/read-template.ts): a SAM
 * feature not expanded (but `sam-policies-ignored`, which SAM ignores too), a nested stack, a
 * reference to nothing, a transform or intrinsic not evaluated, a target decided by a condition.
 */
const TEMPLATE_PARTIAL_CODES: ReadonlySet<string> = new Set([
  "cloudformation-nested-stack",
  "cloudformation-undefined-reference",
  "cloudformation-transform",
  "cloudformation-unsupported-intrinsic",
  "cloudformation-conditional-target",
]);

export function templateWarningMakesPartial(w: Pick<Warning, "code">): boolean {
  return (w.code.startsWith("sam-") && w.code !== "sam-policies-ignored") || TEMPLATE_PARTIAL_CODES.has(w.code);
}

/**
 * The warnings that make a Terraform plan's fragment partial (terraform/read-plan.ts): a role the
 * plan only names, a policy value read as its reference alone, and, as warnings (an info of the
 * same code is a note), a deferred change, an unknown format version, resources the plan does not
 * plan, a plan that says it is not complete.
 */
const PLAN_PARTIAL_CODES: ReadonlySet<string> = new Set(["terraform-external-role", "terraform-reference-alone"]);
const PLAN_PARTIAL_WARNING_CODES: ReadonlySet<string> = new Set(["terraform-deferred-change", "terraform-plan-format-unknown", "terraform-unplanned-resource", "terraform-plan-incomplete"]);

export function planWarningMakesPartial(w: Pick<Warning, "code" | "severity">): boolean {
  return PLAN_PARTIAL_CODES.has(w.code) || (PLAN_PARTIAL_WARNING_CODES.has(w.code) && w.severity === "warning");
}

/**
 * A warning that leaves the inputs partial: an error, or one of the warnings said where the inputs
 * are made partial (above). Every place that makes a document partial leaves one of these, a
 * partial source (meta.sources[].partial) or a usage coverage reason: the reports' list of reasons
 * is made of them, and of nothing else.
 */
export function makesPartial(w: Pick<Warning, "code" | "severity">): boolean {
  // A CloudTrail digest file named for the logs is an error for its exit code (2) only: it holds
  // no events, so nothing is missing (build-document.ts markNamedDigests).
  if (w.code === "cloudtrail-digest-skipped") return false;
  return w.severity === "error" || PARTIAL_CODES.has(w.code) || templateWarningMakesPartial(w) || planWarningMakesPartial(w);
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

/**
 * The warnings that say an IaC input may leave out resources of its deployment (not only values of
 * the resources it holds), and how a reader names the case: a Terraform plan that says it is not
 * complete (`complete: false`: made with `-target`, or with changes deferred; Terraform's planWalk
 * sets it only without targets and deferrals), one whose configuration defines resources it does
 * not plan (a `-target` plan of any version), one with deferred changes, an errored one, and a
 * template whose nested stacks or transforms were not expanded. A function missing from such an
 * input may be there all the same: `diff` does not read its absence as its deletion.
 */
const LEAVES_OUT: ReadonlyMap<string, string> = new Map([
  ["terraform-plan-incomplete", "a Terraform plan that is not complete (made with -target, or with deferred changes)"],
  ["terraform-unplanned-resource", "a Terraform plan that does not plan every resource of its configuration"],
  ["terraform-deferred-change", "a Terraform plan with deferred changes"],
  ["terraform-plan-errored", "an errored Terraform plan"],
  ["cloudformation-nested-stack", "a template whose nested stacks are not read"],
  ["cloudformation-transform", "a template whose transform is not expanded"],
]);

/** What a warning says its input may leave out, as LEAVES_OUT names it; null when it says no such thing (or is a note). */
export function leavesResourcesOut(w: Pick<Warning, "code" | "severity">): string | null {
  const what = LEAVES_OUT.get(w.code);
  return what !== undefined && makesPartial(w) ? what : null;
}
