/**
 * The JSON findings contract (`leastrole audit --format json`), a public interface:
 * { schemaVersion, tool: {name, version, rulesVersion, iamDataVersion}, summary, findings, diagnostics,
 * warnings }. 1.1 added `warnings`: what the inputs' readers reported (a file that could not be
 * read, a role missing from the IAM export, data about a function the inputs do not hold), which
 * the terminal prints on stderr and a JSON or SARIF consumer had no way to see. 1.2 added
 * `summary.failedPacks`: the packs whose findings are missing, which made the CLI exit 2 while a
 * program reading the report (or the SDK's AuditReport) saw what looked like a clean audit. 1.3
 * added the resource type `layer` (a Lambda layer version, LR022): a program that switches on
 * `finding.resource.type` must know a fifth value. 1.4 added `summary.partialReasons`: why the
 * audit is partial, one line each naming the file and what is missing (report/view.ts
 * partialDataReasons, the list the table, Markdown and HTML reports show), where a program reading
 * the report had `partial: true` and every warning, whether it made the audit partial or not.
 * Keys are written in a fixed order and evidence objects with sorted keys, so that the same
 * audit gives the same bytes.
 */

import type { EvaluationResult } from "../evaluate/evaluator.js";
import { failedPacks, type Diagnostic } from "../evaluate/findings.js";
import { writeJson } from "../normalize/write-json.js";
import { partialDataReasons, sortKeysDeep } from "./view.js";
import type { CanonicalDocument, Warning } from "../model/document.js";
import { SEVERITIES, type Finding, type Severity } from "../model/findings.js";

export const REPORT_SCHEMA_VERSION = "1.4";

export interface AuditSummary {
  functions: number;
  roles: number;
  findings: number;
  suppressed: number;
  bySeverity: { [severity: string]: number };
  /** The inputs were incomplete (unreadable files, unresolved policies, partial usage). */
  partial: boolean;
  /**
   * Why the audit is partial, one line each naming the file (and the path inside it) and what is
   * missing: the warnings that made it partial, sources read only in part, the usage coverage's
   * reasons (report/view.ts partialDataReasons). Empty exactly when `partial` is false; warnings
   * that made nothing partial are not in it (they are in `warnings`). Added in report schema 1.4.
   */
  partialReasons: string[];
  /**
   * Rule packs that failed (aborted, returned something that is not a set of findings, or
   * findings that break the contract): their findings are missing, so the report is incomplete
   * however few findings it has. Empty when every pack ran. `leastrole audit` exits 2 when it is
   * not; an embedder should check it too. Added in report schema 1.2.
   */
  failedPacks: string[];
}

export interface AuditReport {
  schemaVersion: string;
  tool: { name: string; version: string; rulesVersion: string; iamDataVersion: string };
  summary: AuditSummary;
  findings: Finding[];
  diagnostics: EvaluationResult["diagnostics"];
  /** The canonical document's warnings (meta.warnings: code, severity, message, file, path), in its order. */
  warnings: Warning[];
}

export function summarise(document: Partial<CanonicalDocument>, findings: Finding[], diagnostics: readonly Diagnostic[] = []): AuditSummary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let suppressed = 0;
  for (const f of findings) {
    if (f.suppressed) suppressed++;
    else bySeverity[f.severity]++;
  }
  return {
    functions: document.functions?.length ?? 0,
    roles: document.roles?.length ?? 0,
    findings: findings.length - suppressed,
    suppressed,
    bySeverity,
    partial: document.meta?.partial === true || document.usage?.coverage?.partial === true,
    partialReasons: partialDataReasons(document),
    failedPacks: failedPacks(diagnostics),
  };
}

export function toJsonReport(report: AuditReport): string {
  const pieces: string[] = [];
  writeJsonReport(report, (s) => pieces.push(s));
  return pieces.join("");
}

/**
 * The JSON report written in pieces (each finding on its own), byte for byte toJsonReport's text.
 * Why: at 10,000 functions the report is 130 MB of text, and building it as one string was the
 * audit's peak memory (bench/results/scale.md).
 */
export function writeJsonReport(report: AuditReport, write: (s: string) => void): void {
  const ordered = {
    schemaVersion: report.schemaVersion,
    tool: report.tool,
    summary: report.summary,
    findings: report.findings.map((f) => ({
      ruleId: f.ruleId,
      name: f.name,
      severity: f.severity,
      resource: { type: f.resource.type, arn: f.resource.arn, name: f.resource.name },
      message: f.message,
      evidence: sortKeysDeep(f.evidence),
      remediation: f.remediation,
      fingerprint: f.fingerprint,
      suppressed: f.suppressed,
      location: f.location,
    })),
    diagnostics: report.diagnostics,
    warnings: (report.warnings ?? []).map((w) => ({ code: w.code, severity: w.severity, message: w.message, file: w.file, path: w.path })),
  };
  writeJson(ordered, write, 2, 2);
  write("\n");
}
