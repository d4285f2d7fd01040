import { Option, type Command } from "commander";
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { auditPendingAsync, evaluationOptionsOf, formatStageTimings, type StageTimings } from "../../audit/index.js";
import { checkRuleOptions } from "../../audit/audit-document.js";
import { addTiming, moveTiming, startStage } from "../../audit/timings.js";
import { loadBuiltinPack } from "../../evaluate/pack.js";
import { prepareBuiltinInstance } from "../../evaluate/evaluator.js";
import { severityRank } from "../../evaluate/findings.js";
import { SEVERITIES, type Severity } from "../../model/findings.js";
import { renderMarkdown, renderTable, shouldUseColor, type GeneratedFix } from "../../report/index.js";
import { htmlFixRoles, writeHtml } from "../../report/html.js";
import { writeSarif } from "../../report/sarif.js";
import { diffPolicies, eachTarget, renderDiffMarkdown, subjectNames } from "../../generate/index.js";
import { loadActionCatalogSync } from "../../iam/index.js";
import { loadConfigFor, makeProgress, pendingDocumentFor, printInputWarnings, noteWithoutUsage, reportUnreadNamedInputs, reportReaderDefects, printRuleDiagnostics, asOfFlag, INPUT_PATHS_HELP, type InputFlags } from "../context.js";
import { repositoryRoot } from "../../repository.js";
import { InputError } from "../../errors.js";
import { addIacOptions, iacOptionsOf, type IacFlags } from "../iac-flags.js";
import { extraPackSpecs, loadExtraPacks, rulesOption } from "../rules-flag.js";
import { terminalWidth, writeOutput, writeOutputStreamed } from "../io.js";
import { writeJsonReport } from "../../report/json.js";

interface AuditFlags extends InputFlags, IacFlags {
  format: "table" | "json" | "sarif" | "markdown" | "html";
  output?: string;
  failOn?: Severity;
  rules?: string[];
  scope?: "execution-roles" | "account";
  sarifArtifact?: string;
  sarifCategory?: string;
  sarifRoot?: string;
  timings?: boolean;
}

/**
 * The generated least-privilege policies the HTML report shows: every function's, or those of the
 * roles of the findings it shows when it leaves some out (`roles`, htmlFixRoles).
 */
function fixesFor(
  document: Parameters<typeof eachTarget>[0],
  config: { exceptions?: unknown[]; usage?: { windowDays?: number } } | undefined,
  roles: ReadonlySet<string> | null,
  warn: (message: string) => void,
): Record<string, GeneratedFix> {
  const fixes: Record<string, GeneratedFix> = {};
  try {
    const catalog = loadActionCatalogSync();
    const options = { split: true, exceptions: (config?.exceptions ?? []) as never, windowDays: config?.usage?.windowDays ?? 30 };
    // What `generate --split --diff` writes, one target at a time: only the text is kept (every
    // build and diff held at once were most of a 4 GB heap at 10,000 functions).
    const names = subjectNames(document);
    for (const t of eachTarget(document, options, catalog, roles ?? undefined)) {
      const diff = diffPolicies(document, t.currentRoleArn, t.build, t.subject, catalog);
      fixes[t.subject] = { policyJson: JSON.stringify(t.build.policy, null, 2), diff: renderDiffMarkdown(diff, t.build, { names }) };
    }
  } catch (e) {
    // A report with the fixes made so far is still a report, said to be without the others
    // (`generate` says what went wrong in full when run itself).
    warn(`leastrole: warning: the HTML report has generated policies for ${Object.keys(fixes).length} targets only: ${(e as Error).message}`);
  }
  return fixes;
}

export function registerAudit(program: Command): void {
  addIacOptions(
    program
      .command("audit")
      .argument("<paths...>", INPUT_PATHS_HELP)
      .description("audit Lambda execution roles and report the findings")
      .addOption(new Option("-f, --format <format>", "report format").choices(["table", "json", "sarif", "markdown", "html"]).default("table"))
      .option("-o, --output <file>", "write the report to a file instead of stdout")
      .addOption(new Option("--fail-on <severity>", "exit 1 when a finding at or above this severity is not suppressed").choices([...SEVERITIES]))
      .option("-c, --config <file>", "configuration file (default: .leastrole.yaml/.yml/.json in the current folder or the nearest one above it, up to the repository root)")
      .option(...rulesOption("also run this rule pack"))
      .addOption(new Option("--scope <scope>", "where privilege escalation is checked").choices(["execution-roles", "account"]))
      .option("--window-days <days>", "days of usage needed before a permission can be called unused (default 30)")
      .option("--as-of <date>", "reference date for time arithmetic and suppression expiry (YYYY-MM-DD, UTC, or an ISO date-time with its zone; default: the end of the usage data; expiry: today)")
      .option("--sarif-artifact <path>", "SARIF: the file results without a source location point at (default: the first input file)")
      .option("--sarif-category <id>", "SARIF: runAutomationDetails.id, to upload several leastrole runs per commit")
      .option("--sarif-root <dir>", "SARIF: the repository root locations are relative to (default: the root of the git repository holding the current folder, else the current folder)")
      .option("--timings", "print the time of each stage (read, normalize, IAM facts, usage, analysis, evaluate, report) on stderr"),
  ).action(async (paths: string[], flags: AuditFlags, cmd: Command) => {
      const started = performance.now();
      const cpuAtStart = process.cpuUsage();
      const timings: StageTimings | undefined = flags.timings ? {} : undefined;
      const cpuTimings: StageTimings | undefined = flags.timings ? {} : undefined;
      const quiet = cmd.optsWithGlobals<{ quiet?: boolean }>().quiet === true;
      const progress = makeProgress({ quiet });
      const { config, configFile } = loadConfigFor(flags, progress);
      const effective = flags.scope ? { ...(config ?? {}), scope: flags.scope } : config;
      const fromConfig = evaluationOptionsOf(effective, configFile);
      // While the heap is small (prepareBuiltinInstance says why).
      prepareBuiltinInstance(fromConfig.ruleOptions);
      // The usage labels and the roles' scope suggestions are made while the rules' first slices
      // are evaluated (PendingDocument); that time is counted as analysis. The labels are kept only
      // for custom rule packs (given the whole document): no report reads them, and the built-in
      // rules get their digest slice by slice.
      // Checked before the inputs are read: a root that is not a folder made every location an
      // absolute file:// URI, which code scanning cannot place in the repository.
      if (flags.sarifRoot !== undefined && !(existsSync(flags.sarifRoot) && statSync(flags.sarifRoot).isDirectory())) {
        throw new InputError(`--sarif-root ${existsSync(flags.sarifRoot) ? "names a file" : "does not exist"}: give the repository's root folder, which the findings' locations are made relative to`, { file: flags.sarifRoot });
      }
      const packSpecs = extraPackSpecs(fromConfig.rules, flags.rules);
      // Load (and, for folders of .rego, compile) every extra pack once: the report renderers need
      // their catalogs too. Before the inputs are read: a rule option no rule reads (a typo in the
      // config) is refused now, not after minutes of CloudTrail.
      const extraPacks = loadExtraPacks(packSpecs, { packs: fromConfig.rules?.filter((r): r is string => typeof r === "string"), file: configFile });
      checkRuleOptions(fromConfig.ruleOptions, [loadBuiltinPack(), ...extraPacks], configFile);
      const pending = await pendingDocumentFor(paths, flags, { config: effective, configFile }, progress, timings && cpuTimings ? { wall: timings, cpu: cpuTimings } : undefined, iacOptionsOf(flags), packSpecs.length > 0);
      let t = startStage();
      // --as-of decides suppression expiry too: the same commit audited later gives the same report.
      const { document, report } = await auditPendingAsync(pending, { ...fromConfig, rules: extraPacks, ...(flags.asOf !== undefined ? { asOf: asOfFlag(flags.asOf) } : {}) });
      addTiming(timings, "evaluate", t, cpuTimings);
      moveTiming(timings, cpuTimings, "evaluate", "analyze", pending.finishingMs());
      printInputWarnings(document, progress, paths);
      noteWithoutUsage(document, progress);
      const packFailed = printRuleDiagnostics(report.diagnostics, progress);
      t = startStage();
      // Every pack's rules, so SARIF and HTML describe custom rules too.
      const catalog = [loadBuiltinPack(), ...extraPacks].flatMap((p) => p.catalog.rules);
      let text: string | null = null;
      switch (flags.format) {
        case "json":
          writeOutputStreamed((write) => writeJsonReport(report, write), flags.output);
          break;
        case "sarif":
          {
            const sourceRoot = flags.sarifRoot !== undefined ? resolve(flags.sarifRoot) : (repositoryRoot(process.cwd()) ?? process.cwd());
            writeOutputStreamed(
              (write) => writeSarif(report, catalog, { artifactUri: flags.sarifArtifact ?? paths[0], document, sourceRoot, cwd: process.cwd(), ...(flags.sarifCategory ? { category: flags.sarifCategory } : {}) }, write),
              flags.output,
            );
          }
          break;
        case "markdown":
          text = renderMarkdown(report, document);
          break;
        case "html":
          writeOutputStreamed((write) => writeHtml(report, document, { catalog, fixes: fixesFor(document, effective, htmlFixRoles(report, document), (m) => progress.note(m)) }, write), flags.output);
          break;
        default:
          text = renderTable(report, document, {
            color: !flags.output && shouldUseColor({ isTTY: process.stdout.isTTY, env: process.env }),
            // Piped (`| less`, a CI log), the terminal's width is unknown: COLUMNS, as a shell sets it, else 100.
            width: terminalWidth(),
          });
      }
      if (text !== null) writeOutput(text, flags.output);
      addTiming(timings, "report", t, cpuTimings);
      if (timings) {
        // Printed even with --quiet: it was asked for. CPU time counts every thread (usage workers).
        const cpu = process.cpuUsage(cpuAtStart);
        process.stderr.write(formatStageTimings(timings, { totalMs: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKb: process.resourceUsage().maxRSS }, cpuTimings));
      }
      if (flags.failOn) {
        const threshold = severityRank(flags.failOn);
        if (report.findings.some((f) => !f.suppressed && severityRank(f.severity) <= threshold)) process.exitCode = 1;
      }
      // The report is written all the same (what the other packs found, and the diagnostics), but
      // a pack that did not run is exit code 2, above --fail-on's 1.
      if (packFailed) process.exitCode = 2;
      // A file named on the command line that could not be read: an input error, above --fail-on too.
      if (reportUnreadNamedInputs(document, paths)) process.exitCode = 2;
      // A reader's defect left records out: a bug, exit code 3, above all others (output written all the same).
      if (reportReaderDefects(document)) process.exitCode = 3;
    });
}
