/**
 * `audit`: the whole pipeline behind one call — a canonical document (or the inputs to build one)
 * in, a findings report out.
 */

import { evaluateDocumentAsyncUnchecked, evaluateDocumentUnchecked, evaluatePendingAsync, type EvaluateOptions, type EvaluationResult } from "../evaluate/evaluator.js";
import type { Diagnostic } from "../evaluate/findings.js";
import type { PendingDocument } from "../model/pending.js";
import { loadRulePack, uniquePacks, type LoadRulePackOptions, type RulePack } from "../evaluate/pack.js";
import { packageVersion } from "../evaluate/locate.js";
import type { CanonicalDocument } from "../model/document.js";
import { REPORT_SCHEMA_VERSION, summarise, type AuditReport } from "../report/json.js";
import { appendAll } from "../collections.js";
import { checkCanonicalInput } from "../normalize/validate.js";
import { RESERVED_RULE_OPTIONS } from "../evaluate/catalog.js";
import { ConfigError, InputError } from "../errors.js";
import { normalizeTimestamp } from "../sources/timestamps.js";
import { closestNames, didYouMean } from "../printable.js";
import { configDisplayPath } from "../config/display.js";

export interface AuditOptions extends EvaluateOptions, LoadRulePackOptions {
  /** Rule ids or names not to report (config `rules.disable`). */
  disable?: string[];
  /** Extra rule packs (paths: .wasm, bundle .tar.gz, folder of .rego) or loaded packs. */
  rules?: Array<string | RulePack>;
  /** Leave out the built-in pack (only the given packs run). */
  noBuiltinRules?: boolean;
  /**
   * The audit's reference instant (`--as-of`): when given, it also decides whether a suppression
   * has expired (unless `today` is given), so the audit of a given commit with a given `--as-of`
   * gives the same report whatever day it is run on. Without it, expiry follows the calendar.
   */
  asOf?: string;
  /**
   * Path of the config file the suppressions, `disable` and `ruleOptions` came from: the warnings
   * and errors about them name it (relative to the current folder), so that a user with several
   * configs knows which one to fix.
   */
  configFile?: string;
}

/**
 * The options with `today` (YYYY-MM-DD, UTC) from `asOf` when only that is given. An `asOf` that is
 * no timestamp is refused, as `audit()` and `--as-of` refuse it: it was dropped without a word, and
 * suppressions then expired by the calendar, so the report depended on the day it was made.
 */
function withToday<T extends AuditOptions>(options: T): T {
  if (options.asOf === undefined) return options;
  const ts = typeof options.asOf === "string" ? normalizeTimestamp(options.asOf) : null;
  if (!ts) throw new InputError(`asOf is not a timestamp: ${JSON.stringify(options.asOf)}`);
  return options.today !== undefined ? options : { ...options, today: ts.slice(0, 10) };
}

/**
 * A document this process did not build (buildDocument's are known valid) is checked against the
 * canonical schema first: InputError naming what is wrong, never a clean report of a document of
 * another shape or version.
 */
export function auditDocument(document: CanonicalDocument, given: AuditOptions = {}): AuditReport {
  checkCanonicalInput(document, "auditDocument");
  const options = withToday(given);
  const packs = packsFor(options);
  checkRuleOptions(options.ruleOptions, packs, options.configFile);
  return reportOf(document, packs, evaluateDocumentUnchecked(document, packs, options), options);
}

/**
 * auditDocument, with the built-in rules evaluated on worker threads beside this one
 * (evaluateDocumentAsync, option `evaluateWorkers`): the same report, sooner on a large account.
 */
export async function auditDocumentAsync(document: CanonicalDocument, given: AuditOptions = {}): Promise<AuditReport> {
  checkCanonicalInput(document, "auditDocumentAsync");
  const options = withToday(given);
  const packs = packsFor(options);
  checkRuleOptions(options.ruleOptions, packs, options.configFile);
  return reportOf(document, packs, await evaluateDocumentAsyncUnchecked(document, packs, options), options);
}

/**
 * auditDocumentAsync on a document still being finished (buildPendingDocument): the rules' first
 * slices are evaluated while the rest of the document is made. The finished document comes back
 * with the report, which is auditDocumentAsync's on it.
 */
export async function auditPendingAsync(pending: PendingDocument, given: AuditOptions = {}): Promise<{ document: CanonicalDocument; report: AuditReport }> {
  const options = withToday(given);
  const packs = packsFor(options);
  checkRuleOptions(options.ruleOptions, packs, options.configFile);
  const { document, result } = await evaluatePendingAsync(pending, packs, options);
  return { document, report: reportOf(document, packs, result, options) };
}

/**
 * Entries of rules.disable that name no rule (a typo, LR999, a rule of a pack not given): they
 * disable nothing, which the user should hear of. Not checkable when a pack has no catalog (its
 * rules are known only by the findings they happen to give): none is reported then.
 */
function unknownDisabled(disable: readonly string[], packs: readonly RulePack[], configFile?: string): Diagnostic[] {
  if (packs.some((p) => p.catalog.rules.length === 0)) return [];
  const known = new Set(packs.flatMap((p) => p.catalog.rules.flatMap((r) => [r.id.toLowerCase(), r.name.toLowerCase()])));
  return [...new Set(disable)]
    .filter((d) => !known.has(d.toLowerCase()))
    .map((d) => ({
      severity: "warning" as const,
      code: "unknown-disabled-rule",
      message: `${configFile !== undefined ? `${configDisplayPath(configFile)}: ` : ""}rules.disable: ${JSON.stringify(d)} is not the id or name of a rule of the packs run, so it disables nothing (\`leastrole rules\` lists them)`,
      rule: d,
    }));
}

/**
 * Rule options (config `rules.options`, or the `ruleOptions` given) that no rule of the packs run
 * declares in its METADATA `custom.options` are refused: the rules read other names, so a typo
 * (`sensitivity_tag_key`) set nothing and the audit went on as if the option were not there. A
 * ConfigError naming the config file, each key and the declared option it likely meant. `scope`
 * is the evaluator's own (the config's top-level `scope`). Not checkable when a pack has no
 * catalog (its rules, and what they read, are unknown): nothing is refused then.
 */
export function checkRuleOptions(ruleOptions: Readonly<Record<string, unknown>> | undefined, packs: readonly RulePack[], configFile?: string): void {
  if (ruleOptions === undefined || packs.some((p) => p.catalog.rules.length === 0)) return;
  const declared = packs.flatMap((p) => p.catalog.rules.flatMap((r) => (r.options ?? []).map((o) => o.name)));
  const unknown = Object.keys(ruleOptions)
    .filter((k) => !RESERVED_RULE_OPTIONS.includes(k) && !declared.includes(k))
    .sort();
  if (unknown.length === 0) return;
  const problems = unknown.map(
    (k) =>
      `rules.options.${k}: no rule of the packs run reads an option ${JSON.stringify(k)}, so it would set nothing${didYouMean(closestNames(k, declared))}` +
      (declared.length === 0 ? " (the rules run declare no option)" : ""),
  );
  problems.push(`(a rule declares the options it reads, data.leastrole.config.<name>, under custom.options in its METADATA; \`leastrole explain <rule>\` lists them)`);
  // The file as given, as loadConfig's own errors name it (the CLI gives a found one relative).
  throw new ConfigError(problems.join("\n  "), configFile !== undefined ? { file: configFile } : {});
}

/** Whether rules.disable turns off the rule a suppression names (by its id or its name, either way). */
function isDisabled(rule: string, off: ReadonlySet<string>, packs: readonly RulePack[]): boolean {
  const key = rule.toLowerCase();
  if (off.has(key)) return true;
  const meta = packs.flatMap((p) => p.catalog.rules).find((r) => r.id.toLowerCase() === key || r.name.toLowerCase() === key);
  return meta !== undefined && (off.has(meta.id.toLowerCase()) || off.has(meta.name.toLowerCase()));
}

/**
 * An unused suppression of a disabled rule says why it matched nothing: "matched no finding"
 * alone sent the user looking for a wrong resource pattern.
 */
function disabledNote(d: Diagnostic): Diagnostic {
  // In place of the general advice (check the rule and the resource): the rule is why.
  const base = d.message.replace(/: (check the rule and the resource|that rule reports nothing on this resource).*$/s, "");
  return { ...d, message: `${base}: rule ${d.rule} is turned off by rules.disable, so there is nothing to suppress (remove one or the other)` };
}

/**
 * The `rules` option, checked: a string spreads into its characters, so `rules: "./x.wasm"` was
 * read as the packs ".", "/", "x" … and failed on a path never given. Said plainly instead (a
 * programming error, so a TypeError).
 */
export function checkedRules(rules: AuditOptions["rules"]): Array<string | RulePack> {
  if (rules === undefined) return [];
  if (!Array.isArray(rules)) {
    const got = typeof rules === "string" ? `the string ${JSON.stringify(rules)}: write rules: [${JSON.stringify(rules)}]` : typeof rules;
    throw new TypeError(`rules must be an array of paths or packs (got ${got})`);
  }
  return rules;
}

/**
 * The packs an audit with these options runs, loaded: the built-in one (unless `noBuiltinRules`)
 * and `rules`, each once. `diff` loads them once for both sides, and reads their catalogs.
 */
export function packsFor(options: AuditOptions): RulePack[] {
  const specs: Array<string | RulePack> = [...(options.noBuiltinRules ? [] : ["builtin"]), ...checkedRules(options.rules)];
  // Before loading: a folder of .rego named twice is compiled once.
  return uniquePacks(specs).map((r) => (typeof r === "string" ? loadRulePack(r, options) : r));
}

function reportOf(document: CanonicalDocument, packs: RulePack[], result: EvaluationResult, options: AuditOptions): AuditReport {
  if (options.disable && options.disable.length > 0) {
    const off = new Set(options.disable.map((d) => d.toLowerCase()));
    appendAll(result.diagnostics, unknownDisabled(options.disable, packs, options.configFile));
    result.findings = result.findings.filter((f) => !off.has(f.ruleId.toLowerCase()) && !off.has(f.name.toLowerCase()));
    result.diagnostics = result.diagnostics.map((d) => (d.code === "suppression-unused" && d.rule !== undefined && isDisabled(d.rule, off, packs) ? disabledNote(d) : d));
  }
  const builtin = packs.find((p) => p.origin === "builtin");
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: {
      name: "leastrole",
      version: packageVersion(),
      // From the Rego sources when the catalog has their hash: the same rules give the same
      // version whichever build compiled them.
      rulesVersion: builtin ? `${packageVersion()}+${(builtin.catalog.sourceSha256 ?? builtin.wasmSha256).slice(0, 12)}` : "none",
      iamDataVersion: document.meta?.iamDataVersion ?? "unknown",
    },
    summary: summarise(document, result.findings, result.diagnostics),
    findings: result.findings,
    diagnostics: result.diagnostics,
    warnings: document.meta?.warnings ?? [],
  };
}
