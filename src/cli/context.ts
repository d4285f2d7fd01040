/** What every command that reads inputs shares: the config file, progress, the pipeline. */

import { statSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { buildPendingDocument, type BuildProgress } from "../audit/build-document.js";
import { DAMAGED_CODES, NOT_READ_CODES } from "../audit/route-inputs.js";
import { ISO_INSTANT_FORMS, parseIsoInstant } from "../iso-instant.js";
import { addMs, type StageTimings } from "../audit/timings.js";
import type { IacReadOptions } from "../sources/cloudformation/index.js";
import { findNearestConfigs, loadConfig, windowDaysProblem } from "../config/load.js";
import { configDisplayPath } from "../config/display.js";
import { InputError } from "../errors.js";
import { writeErr } from "./io.js";
import { FUNCTION_NOT_CREATED } from "../sources/cloudformation/read-template.js";
import { plural } from "../printable.js";
import { inputWarningLines, stderrLabel } from "./warning-groups.js";
import { isPackFailure, type Diagnostic } from "../evaluate/findings.js";
import { windowCoverage } from "../usage/window-coverage.js";
import type { LeastroleConfig } from "../model/config.js";
import type { CanonicalDocument, Warning } from "../model/document.js";
import { READER_DEFECT } from "../model/warning-label.js";
import type { PendingDocument } from "../model/pending.js";
import { createProgress, type Progress } from "./progress.js";


/**
 * What `audit` and `normalize` read, in their --help: one text, so that normalize's no longer
 * leaves out usage query rows, CDK assemblies and canonical documents, which it reads as audit does.
 */
/** What the readers take, as `--help` and the "no inputs recognised" error say it (one list, so the two agree). */
export const INPUT_KINDS = "AWS exports, CloudTrail logs, usage query rows, Terraform plans, CloudFormation/SAM/CDK templates, canonical documents";
export const INPUT_PATHS_HELP = `files or folders: ${INPUT_KINDS}`;
export interface InputFlags {
  config?: string;
  asOf?: string;
  windowDays?: string;
  quiet?: boolean;
}

/** A config file as read for a command: its settings, and the file, which warnings about it name. */
export interface ConfigRead {
  config: LeastroleConfig | undefined;
  configFile: string | undefined;
}

/** `progress`: where the note naming a config found in a folder above goes (none under --quiet). */
export function loadConfigFor(flags: InputFlags, progress?: Progress): ConfigRead {
  // The nearest folder with a config, up to the repository's root: one config at the root applies
  // in every subfolder a command runs from.
  const found = flags.config === undefined ? findNearestConfigs(process.cwd()) : [];
  // Only the first is read: the others' suppressions and exceptions would stop applying unsaid.
  if (found.length > 1) {
    const folder = dirname(found[0]!);
    const where = folder === process.cwd() ? "the current folder" : configDisplayPath(folder);
    writeErr(`leastrole: warning: ${found.map((f) => basename(f)).join(", ")} are in ${where}: only ${configDisplayPath(found[0]!)} is read; merge them into one (or name one with --config)\n`);
  }
  // A found config by the path the user would type (relative to the current folder, as the warnings
  // name it), so that loadConfig's errors name it so; one given with --config as given.
  const configFile = flags.config ?? (found[0] !== undefined ? configDisplayPath(found[0]) : undefined);
  // Said when the config is not the current folder's: its suppressions and exceptions change the
  // results, and one in a parent folder (outside a repository, up to `~` or `/`) can be a surprise.
  if (flags.config === undefined && found[0] !== undefined && dirname(found[0]) !== process.cwd()) {
    progress?.note(`leastrole: reading ${configDisplayPath(found[0])}, the nearest config above this folder (--config names another)`);
  }
  const config = configFile ? loadConfig(configFile) : undefined;
  if (flags.windowDays !== undefined) {
    const problem = windowDaysProblem(flags.windowDays.trim() === "" ? Number.NaN : Number(flags.windowDays), flags.windowDays);
    if (problem !== null) throw new InputError(`--window-days ${problem}`);
    return { config: { ...(config ?? {}), usage: { ...(config?.usage ?? {}), windowDays: Number(flags.windowDays) } }, configFile };
  }
  return { config, configFile };
}

const STAGE_LABEL: Record<BuildProgress["stage"], string> = {
  read: "reading inputs",
  normalize: "normalizing",
  usage: "reading activity files",
  analyze: "analysing",
};

/**
 * `emptyNote`: whether to say "nothing to audit" of inputs without functions or roles; `generate`
 * says "nothing to generate" itself, and both notes together read as two answers to one question.
 */
export async function documentFor(paths: string[], flags: InputFlags, read: ConfigRead, progress: Progress, timings?: { wall: StageTimings; cpu: StageTimings }, iac?: IacReadOptions, emptyNote = true): Promise<CanonicalDocument> {
  const pending = await pendingDocumentFor(paths, flags, read, progress, timings, iac, true, emptyNote);
  const document = pending.finish();
  addMs(timings?.wall, timings?.cpu, "analyze", pending.finishingMs());
  return document;
}

/**
 * documentFor but for the usage labels and the roles' scope suggestions, made as they are asked for
 * (buildPendingDocument): `audit` evaluates the rules' first slices while the others' are made.
 */
export async function pendingDocumentFor(
  paths: string[],
  flags: InputFlags,
  { config, configFile }: ConfigRead,
  progress: Progress,
  timings?: { wall: StageTimings; cpu: StageTimings },
  iac?: IacReadOptions,
  keepLabels = true,
  emptyNote = true,
): Promise<PendingDocument> {
  if (paths.length === 0) throw new InputError("no inputs: give files or folders (an account export, CloudTrail logs, a Terraform plan, a template…)");
  const asOf = flags.asOf !== undefined ? asOfFlag(flags.asOf) : undefined;
  const pending = await buildPendingDocument(
    paths.map((p) => resolve(p)).map((abs, i) => (paths[i]!.startsWith("/") ? abs : paths[i]!)),
    {
      ...(config ? { config } : {}),
      ...(config && configFile !== undefined ? { configFile } : {}),
      ...(asOf ? { asOf } : {}),
      onProgress: (p) => progress.update(STAGE_LABEL[p.stage], p.done, p.total),
      ...(timings ? { timings: timings.wall, cpuTimings: timings.cpu } : {}),
      ...(iac ? { iac } : {}),
    },
    keepLabels,
  );
  progress.done();
  // What is checked here is final in the pending document: its entities, sources and warnings.
  const document = pending.partial;
  if (document.functions.length === 0 && document.roles.length === 0 && !document.usage.present) {
    // A recognised input with nothing in scope (a Terraform plan without IAM or Lambda resources, an
    // export of users and groups only) is an empty audit, not a user error: a pre-deploy gate on a
    // plan that touches no Lambda must pass. Only inputs that nothing could read are an error.
    // A source named on the command line that gave nothing, and a CloudTrail digest file wherever
    // it is (no events), are no recognised input: alone, they are the input error below, as any
    // other file that holds nothing leastrole reads; before, "nothing to audit" and exit 0.
    const unusable = new Set([...unreadNamedInputs(document, paths), ...document.meta.warnings.filter((w) => NAMED_NOT_USED_CODES.has(w.code))].map((w) => resolve(w.file as string)));
    const used = document.meta.sources.filter((s) => !unusable.has(resolve(s.path)));
    if (used.length > 0) {
      const kinds = [...new Set(used.map((s) => s.kind))].sort().join(", ");
      if (emptyNote) progress.note(`leastrole: note: nothing to audit: ${notCreatedReason(document.meta.warnings) ?? `the inputs (${kinds}) hold no Lambda functions or IAM roles`}`);
      return pending;
    }
    // The first error, else what the readers said of a file they saw but did not use (a bare
    // policy document, a list-roles output…): that says what to give instead.
    const seen = new Set(["standalone-policy-document", "input-not-used", ...NAMED_NOT_USED_CODES]);
    const w = document.meta.warnings.find((x) => x.severity === "error") ?? document.meta.warnings.find((x) => seen.has(x.code)) ?? document.meta.warnings[0];
    const hint = w ? ` (first problem: ${w.file ? `${w.file}: ` : ""}${w.message})` : "";
    throw new InputError(`no inputs recognised in ${paths.join(", ")}: expected ${INPUT_KINDS}${hint}`);
  }
  if (document.functions.length === 0 && document.roles.length === 0 && emptyNote) {
    // Activity without an account: "No findings" alone would read as a clean account.
    progress.note(
      "leastrole: note: nothing to audit: the activity files were read, but no input holds Lambda functions or IAM roles to judge them against; give the account's exports with them (leastrole collect, or aws iam get-account-authorization-details and aws lambda list-functions)",
    );
  }
  return pending;
}

export function makeProgress(flags: { quiet?: boolean }): Progress {
  return createProgress({ quiet: flags.quiet === true });
}

/**
 * Warnings of the inputs, one line each, on stderr (errors and warnings; info only when verbose),
 * each a `leastrole: warning:` line whatever its severity (stderrLabel): none of them decides the
 * exit code, and `error:` is said of what does (reportUnreadNamedInputs).
 * `named`: the paths given on the command line; the warning that reportUnreadNamedInputs prints
 * for a file of them that could not be read is left to it, which says it last with the exit code:
 * printed here too, `leastrole: error: empty.json: empty file …` came twice, word for word.
 */
export function printInputWarnings(document: CanonicalDocument, progress: Progress, named: readonly string[] = []): void {
  const saidLater = new Set([...firstUnreadPerFile(document, named), ...readerDefects(document)]);
  const all = document.meta.warnings.filter((w) => w.severity !== "info");
  const shown = all.filter((w) => !saidLater.has(w));
  // Those that say the same of several functions are one line naming them (warning-groups.ts).
  const lines = inputWarningLines(shown);
  for (const line of lines.slice(0, 20)) warnOn(progress, line);
  if (lines.length > 20) warnOn(progress, `leastrole: … and ${lines.length - 20} more warnings (see meta.warnings in \`leastrole normalize\` output)`);
  // Why LR008 says nothing: the labels call no permission unused unless every day is covered.
  const coverage = document.usage.present ? windowCoverage(document.usage) : null;
  // Access Advisor reports covering the window still prove unused what they show not accessed.
  const advisorRoles = document.usage.coverage.accessAdvisorCovered?.length ?? 0;
  // Access Analyzer findings whose analyzer's unusedAccessAge spans the window, likewise.
  const analyzerRoles = document.usage.coverage.accessAnalyzerCovered?.length ?? 0;
  const roles = (n: number): string => `${n} ${n === 1 ? "role" : "roles"}`;
  if (coverage !== null && coverage.covered < coverage.days) {
    const shown = [
      ...(advisorRoles > 0 ? [`services and tracked actions the Access Advisor reports of ${roles(advisorRoles)} show not accessed in it`] : []),
      ...(analyzerRoles > 0 ? [`what the Access Analyzer findings of ${roles(analyzerRoles)}, whose analyzer's unusedAccessAge spans it, name unused`] : []),
    ];
    const unusedSaid = shown.length > 0 ? `no permission is called unused from the logs, only ${shown.join(", and ")}` : "no permission is called unused";
    progress.note(
      `leastrole: note: the usage data covers ${coverage.covered} of the ${coverage.days} days of its window (${coverage.missing.length} without records, the first ${coverage.missing[0]}): ${unusedSaid}; give the missing days, or a shorter --window-days`,
    );
  }
  // Covered as a whole but not everywhere (an account that joined the organisation trail late).
  const places = coverage !== null && coverage.covered === coverage.days ? (document.usage.coverage.partialPlaces ?? []) : [];
  for (const p of places.slice(0, 5)) progress.note(`leastrole: note: ${p.reason}: no permission of a function there is called unused`);
  if (places.length > 5) progress.note(`leastrole: note: … and ${places.length - 5} more accounts or regions (usage.coverage.partialPlaces)`);
  if (document.meta.partial) {
    const reasons = shown.length > 0 ? "see the warnings above" : saidLater.size > 0 ? "see the errors below" : document.usage.coverage.partialReasons.slice(0, 3).join("; ") || "see meta.warnings";
    progress.note(`leastrole: note: the inputs are incomplete (${reasons}): findings that need the missing data are not reported as clean`);
  }
}

/**
 * An audit of a deployed account with no activity data read (none given, a CloudTrail file too
 * damaged to hold a record, a digest file given for the logs): said, since the report alone reads
 * as if every permission were judged (no LR008 looks like "nothing unused"). Plans and templates
 * are not deployed yet, so they have no activity to give: nothing is said of them. A CloudTrail
 * digest file given for the logs (the bucket's CloudTrail-Digest/ beside CloudTrail/) is named.
 */
export function noteWithoutUsage(document: CanonicalDocument, progress: Progress): void {
  if (document.usage.present || document.functions.length === 0) return;
  if (!document.meta.sources.some((s) => s.kind === "iam-authorization-details" || s.kind === "lambda-functions" || s.kind === "aws-config")) return;
  const digests = document.meta.warnings.filter((w) => w.code === "cloudtrail-digest-skipped").length;
  const digestSaid = digests > 0 ? ` (the ${digests === 1 ? "CloudTrail digest file" : `${digests} CloudTrail digest files`} given hold${digests === 1 ? "s" : ""} no events: the logs are in the CloudTrail/ folder beside CloudTrail-Digest/)` : "";
  progress.note(
    `leastrole: note: no activity data was read${digestSaid}: unused permissions (LR008), denied calls (LR009) and wildcards that usage could narrow (LR017) are not judged; give the account's CloudTrail logs (AWSLogs/<account>/CloudTrail/, or leastrole collect --cloudtrail lookup) with the exports`,
  );
}

/**
 * The rules' diagnostics, one line each on stderr. A pack that did not run (isPackFailure) is
 * printed even with --quiet, and the answer is true: the command then exits 2, since the report
 * lacks its findings and a CI gate must not pass on it as on a clean audit. Other warnings and
 * errors are notes. Lines that several reports share (diff's two sides run the same packs) are
 * printed once.
 */
export function printRuleDiagnostics(diagnostics: readonly Diagnostic[], progress: Progress): boolean {
  let failed = false;
  const seen = new Set<string>();
  for (const d of diagnostics) {
    if (d.severity === "info") continue;
    const key = `${d.code}\u0000${d.pack ?? ""}\u0000${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (isPackFailure(d)) {
      const missing = d.code === "bad-finding" ? "they are left out of the report" : "its findings are missing from the report";
      writeErr(`leastrole: error: rule pack ${d.pack ?? "(unknown)"}: ${d.message}; ${missing}: fix the pack (exit code 2)\n`);
      failed = true;
    } else warnOn(progress, `leastrole: ${stderrLabel(d.severity)}: ${d.message}`); // not a failed pack: exit 0, so no "error:" (stderrLabel)
  }
  return failed;
}


/**
 * Files named on the command line (not found in a folder) that could not be read, or only up to
 * damage, with why. The command writes its output all the same (what the other inputs gave) and
 * exits 2, as README's exit codes say of input errors: before, `leastrole: error: x.json.gz: not a
 * JSON file` ended in exit 0, and so did a CloudTrail file cut short or JSON of a shape no reader
 * knows: a CI step passed on a run that had not read what it was given.
 */
export function unreadNamedInputs(document: CanonicalDocument, paths: readonly string[]): Warning[] {
  const named = new Set<string>();
  for (const p of paths) {
    try {
      statSync(p);
      named.add(resolve(p));
    } catch {
      // A missing path was refused before.
    }
  }
  if (named.size === 0) return [];
  // A named folder's own warning is that it cannot be listed (unreadable-file): nothing of it was
  // read. A file's, that it could not be read, only in part, or holds nothing usable.
  return document.meta.warnings.filter((w) => (NOT_READ_CODES.has(w.code) || DAMAGED_CODES.has(w.code) || NAMED_NOT_USED_CODES.has(w.code)) && w.file !== undefined && named.has(resolve(w.file)));
}

/**
 * Files read whole that hold nothing to use, an input error when named on the command line (as a
 * file of a shape no reader knows): a CloudTrail digest file (hashes of log files, no events).
 * Met in a folder walk, a note. The usage is not partial: nothing is missing.
 */
const NAMED_NOT_USED_CODES: ReadonlySet<string> = new Set(["cloudtrail-digest-skipped"]);

/**
 * unreadNamedInputs said on stderr, one line per file with what is wrong with it (even with
 * --quiet, which hides the input warnings: this decides the exit code); true when any.
 */
export function reportUnreadNamedInputs(document: CanonicalDocument, paths: readonly string[]): boolean {
  const unread = firstUnreadPerFile(document, paths);
  for (const w of unread) {
    // Damaged: the records before the damage are read, when there are any.
    const records = document.meta.sources.find((s) => resolve(s.path) === resolve(w.file as string))?.records ?? 0;
    const what = DAMAGED_CODES.has(w.code) && records > 0 ? `only the ${records} ${records === 1 ? "record" : "records"} before the damage could be read` : NAMED_NOT_USED_CODES.has(w.code) ? "nothing in it is used" : "it could not be read";
    writeErr(`leastrole: error: ${w.file}: ${w.message}; named on the command line, ${what} (exit code 2)\n`);
  }
  return unread.length > 0;
}

/**
 * A reader's own defect (`reader-defect`: an exception of one reader, caught so that the file's
 * other records and the other files are read): a bug in leastrole, as exit code 3 is (README's exit
 * codes), not a problem of the input. Said on stderr as an error line, even with --quiet, and the
 * command exits 3 after writing its output from what was read (partial: makesPartial); true when
 * any. Before, it was a `leastrole: warning:` line (hidden by --quiet) and exit 0: a CI step passed
 * on an audit that had left records out because of a bug.
 */
export function reportReaderDefects(document: CanonicalDocument): boolean {
  const defects = readerDefects(document);
  for (const w of defects) {
    const where = `${w.file ? `${w.file}: ` : ""}${w.path ? `${w.path}: ` : ""}`;
    writeErr(`leastrole: error: ${where}${w.message}; this is a bug in leastrole: the other records were read and the output is written from them (partial); please report it, with its stack trace (rerun with LEASTROLE_DEBUG=1) (exit code 3)\n`);
  }
  return defects.length > 0;
}

function readerDefects(document: CanonicalDocument): Warning[] {
  return document.meta.warnings.filter((w) => w.code === READER_DEFECT);
}

/** unreadNamedInputs, the first warning of each file: the one reportUnreadNamedInputs prints. */
function firstUnreadPerFile(document: CanonicalDocument, paths: readonly string[]): Warning[] {
  const first = new Map<string, Warning>();
  for (const w of unreadNamedInputs(document, paths)) if (!first.has(w.file as string)) first.set(w.file as string, w);
  return [...first.values()];
}

/**
 * `--as-of` as an ISO instant, read the same on every machine (iso-instant.ts). Date.parse rolls
 * an impossible calendar date over (2026-02-30 is read as 2026-03-02) and reads other forms in the
 * local time zone, which would move every window silently: refused like any other bad date.
 */
export function asOfFlag(value: string): string {
  const ms = parseIsoInstant(value);
  if (ms === null) {
    const m = /^\s*(\d{4})-(\d{2})-(\d{2})/.exec(value);
    const noSuchDay = m !== null && parseIsoInstant(`${m[1]}-${m[2]}-${m[3]}`) === null;
    throw new InputError(`--as-of must be a date or date-time (got ${value}${noSuchDay ? ": no such day" : ""}): ${ISO_INSTANT_FORMS}`);
  }
  return new Date(ms).toISOString();
}

/** A warning, printed under --quiet too (Progress.warn), or as a note by a Progress without warn. */
function warnOn(progress: Progress, message: string): void {
  if (progress.warn) progress.warn(message);
  else progress.note(message);
}

/**
 * Why a template's inputs hold no function when the template has some: their Conditions are false
 * with the parameter values read (FUNCTION_NOT_CREATED, read-template.ts). Null when none is.
 * Before, "the inputs hold no Lambda functions" of a template with one, gated by a parameter.
 */
export function notCreatedReason(warnings: readonly Warning[]): string | null {
  const notCreated = warnings.filter((w) => w.code === FUNCTION_NOT_CREATED);
  const first = notCreated[0];
  if (first === undefined) return null;
  const more = notCreated.length > 1 ? ` (and ${plural(notCreated.length - 1, "more function")} not created)` : "";
  return `${first.file ? `${first.file}: ` : ""}${first.message}${more}`;
}
