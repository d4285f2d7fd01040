import { Option, type Command } from "commander";
import { resolve } from "node:path";
import { evaluationOptionsOf } from "../../audit/audit.js";
import { diff, introducesAtLeast } from "../../audit/diff.js";
import { loadBuiltinPack } from "../../evaluate/pack.js";
import { checkRuleOptions } from "../../audit/audit-document.js";
import { InputError } from "../../errors.js";
import { SEVERITIES, type Severity } from "../../model/findings.js";
import { renderPermissionDiffJson, renderPermissionDiffMarkdown, renderPermissionDiffTable } from "../../report/diff.js";
import { displayNames } from "../../report/view.js";
import { asOfFlag, loadConfigFor, makeProgress, printInputWarnings, printRuleDiagnostics, reportUnreadNamedInputs, reportReaderDefects, type InputFlags } from "../context.js";
import { addIacOptions, iacOptionsOf, type IacFlags } from "../iac-flags.js";
import { collect, extraPackSpecs, loadExtraPacks, rulesOption } from "../rules-flag.js";
import { terminalWidth, writeErr, writeOutput } from "../io.js";
import type { CanonicalDocument } from "../../model/document.js";

interface DiffFlags extends InputFlags, IacFlags {
  format: "table" | "markdown" | "json";
  output?: string;
  failOn?: Severity;
  before?: string[];
  after?: string[];
  rules?: string[];
  onlyAfterResources?: boolean;
}

/** Paths as the user wrote them when relative (reports stay portable), absolute otherwise. */
function asGiven(paths: string[]): string[] {
  return paths.map((p) => (p.startsWith("/") ? resolve(p) : p));
}

/**
 * Which side each input is on. `--before`/`--after` take one path each, repeated for more: they
 * took every path after them (`--before a b --after c d`), so `diff --before old.json new-dir`
 * put both on the before side and left the after side empty. Inputs without a flag are
 * `<before> <after>`; beside one side's flag, the one input without a flag is the other side.
 * Anything else is ambiguous (the old variadic form among it) and refused, saying how to write it.
 */
export function sidesOf(positional: readonly string[], before: readonly string[], after: readonly string[]): { before: string[]; after: string[] } {
  const usage = "leastrole diff <before> <after>, or with several inputs a side --before a --before b --after c --after d";
  if (before.length === 0 && after.length === 0) {
    if (positional.length !== 2) throw new InputError(`diff needs inputs on both sides: ${usage}`);
    return { before: [positional[0]!], after: [positional[1]!] };
  }
  if (positional.length === 0) {
    if (before.length === 0 || after.length === 0) throw new InputError(`diff needs inputs on both sides: ${usage}`);
    return { before: [...before], after: [...after] };
  }
  const flagged = before.length > 0 && after.length > 0 ? null : before.length > 0 ? "after" : "before";
  if (flagged === null || positional.length > 1) {
    throw new InputError(
      `which side is ${positional.map((p) => JSON.stringify(p)).join(" and ")} on? --before and --after take one path each (repeat the flag for more), ` +
        `and an input without a flag is the other side only when there is one: ${usage}`,
    );
  }
  return flagged === "after" ? { before: [...before], after: [positional[0]!] } : { before: [positional[0]!], after: [...after] };
}

export function registerDiff(program: Command): void {
  const command = program
    .command("diff")
    .argument("[before]", "the input before the change: a Terraform plan, a template, an account export folder… (or --before)")
    .argument("[after]", "the input after the change (or --after)")
    .description("list the permission changes between two sets of inputs (two plans, two template revisions, a plan against an account export) and the findings they introduce or fix")
    .addOption(new Option("-f, --format <format>", "report format (markdown: for a pull-request comment)").choices(["table", "markdown", "json"]).default("table"))
    .option("-o, --output <file>", "write the report to a file instead of stdout")
    .addOption(new Option("--fail-on <severity>", "exit 1 when the change introduces a finding at or above this severity, or raises one to it from below (not suppressed)").choices([...SEVERITIES]))
    .option("--only-after-resources", "compare only the roles, functions and policies the after inputs define (a plan or template against a whole account export)")
    .option("--before <path>", "an input of the before side; repeat for more (--before a --before b)", collect)
    .option("--after <path>", "an input of the after side; repeat for more", collect)
    .option("-c, --config <file>", "configuration file (default: .leastrole.yaml/.yml/.json in the current folder or the nearest one above it, up to the repository root)")
    .option(...rulesOption("also run this rule pack"))
    .option("--as-of <date>", "reference date for time arithmetic (YYYY-MM-DD, UTC, or an ISO date-time with its zone)");
  addIacOptions(command).action(async (before: string | undefined, after: string | undefined, flags: DiffFlags, cmd: Command) => {
    const quiet = cmd.optsWithGlobals<{ quiet?: boolean }>().quiet === true;
    const progress = makeProgress({ quiet });
    const sides = sidesOf([before, after].filter((p): p is string => p !== undefined), flags.before ?? [], flags.after ?? []);
    const beforePaths = asGiven(sides.before);
    const afterPaths = asGiven(sides.after);
    const asOf = flags.asOf !== undefined ? asOfFlag(flags.asOf) : undefined;
    const { config, configFile } = loadConfigFor(flags, progress);
    const fromConfig = evaluationOptionsOf(config, configFile);
    const iac = iacOptionsOf(flags);
    const rules = loadExtraPacks(extraPackSpecs(fromConfig.rules, flags.rules), { packs: fromConfig.rules?.filter((r): r is string => typeof r === "string"), file: configFile });
    // Before either side is read (auditDocument checks again, on each side).
    checkRuleOptions(fromConfig.ruleOptions, [loadBuiltinPack(), ...rules], configFile);
    const result = await diff(beforePaths, afterPaths, {
      ...fromConfig,
      rules,
      ...(config ? { config } : {}),
      ...(iac ? { iac } : {}),
      ...(flags.onlyAfterResources ? { onlyAfterResources: true } : {}),
      ...(asOf ? { asOf } : {}),
    });
    for (const [label, s] of [["before", result.before], ["after", result.after]] as const) {
      // A recognised side with nothing in scope is legitimate (a plan that adds the first Lambda
      // has an empty "before"); only a side nothing could read is a user error.
      if (s.document.functions.length === 0 && s.document.roles.length === 0 && s.document.meta.sources.length === 0) {
        const first = s.document.meta.warnings.find((w) => w.severity === "error");
        throw new InputError(`no roles or functions in the ${label} inputs (${(label === "before" ? beforePaths : afterPaths).join(", ")})${first ? `: ${first.file ? `${first.file}: ` : ""}${first.message}` : ""}`);
      }
    }
    // The after side's warnings, and those of the before side it does not repeat (two revisions
    // of one plan mostly share theirs).
    const seen = new Set(result.after.document.meta.warnings.map((w) => `${w.code}\u0000${w.path ?? ""}\u0000${w.message}`));
    const beforeOnly = result.before.document.meta.warnings.filter((w) => !seen.has(`${w.code}\u0000${w.path ?? ""}\u0000${w.message}`));
    printInputWarnings({ ...result.before.document, meta: { ...result.before.document.meta, warnings: beforeOnly, partial: false } }, progress, beforePaths);
    printInputWarnings(result.after.document, progress, afterPaths);
    for (const note of [unknownAccountNote("after", result.after.document, result.before.document), unknownAccountNote("before", result.before.document, result.after.document)]) {
      if (note !== null) writeErr(`leastrole: warning: ${note}\n`);
    }
    const packFailed = printRuleDiagnostics([...result.after.report.diagnostics, ...result.before.report.diagnostics], progress);
    // Resources as the findings' messages name them: a template's or plan's by its code's names.
    const names = { before: displayNames(result.before.document), after: displayNames(result.after.document) };
    const text = flags.format === "json" ? renderPermissionDiffJson(result.report) : flags.format === "markdown" ? renderPermissionDiffMarkdown(result.report, { names }) : renderPermissionDiffTable(result.report, { width: terminalWidth(), names });
    writeOutput(text, flags.output);
    if (flags.failOn && introducesAtLeast(result.report, flags.failOn)) process.exitCode = 1;
    // A pack that did not run on a side makes its findings look fixed or introduced: exit 2.
    if (packFailed) process.exitCode = 2;
    // A file named on the command line that could not be read, on either side: an input error.
    const unreadBefore = reportUnreadNamedInputs(result.before.document, beforePaths);
    if (reportUnreadNamedInputs(result.after.document, afterPaths) || unreadBefore) process.exitCode = 2;
    // A reader's defect on either side left records out: a bug, exit code 3.
    const defectBefore = reportReaderDefects(result.before.document);
    if (reportReaderDefects(result.after.document) || defectBefore) process.exitCode = 3;
  });
}

/**
 * A side read without an account (a plan or template without --account-id) whose roles have the
 * names of the other side's roles in a real account: their ARNs differ, so each reads as removed
 * on one side and added on the other, never as changed, and nothing is said fixed. docs/iac.md asks
 * for --account-id then; without it the report looked complete. Null when there is nothing to say.
 */
function unknownAccountNote(label: string, side: CanonicalDocument, other: CanonicalDocument): string | null {
  const accountOf = new Map(other.roles.filter((r) => /^\d{12}$/.test(r.accountId)).map((r) => [r.name, r.accountId] as const));
  const same = side.roles.filter((r) => r.accountId.startsWith("unknown") && accountOf.has(r.name)).map((r) => r.name);
  if (same.length === 0) return null;
  const names = [...new Set(same)].sort();
  const accounts = [...new Set(names.map((n) => accountOf.get(n)!))].sort();
  const shown = names.length <= 3 ? names.join(", ") : `${names.slice(0, 3).join(", ")} and ${names.length - 3} more`;
  return (
    `the ${label} inputs name no account, and their role${names.length === 1 ? "" : "s"} ${shown} ha${names.length === 1 ? "s" : "ve"} the name of a role of account ${accounts.join(", ")} on the other side: ` +
    `compared as different roles (one added, never changed, nothing fixed); give --account-id ${accounts[0]} (and --region) so that the ARNs are the account's`
  );
}
