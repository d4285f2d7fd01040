/**
 * SARIF 2.1.0 for GitHub code scanning (and any other SARIF consumer).
 *
 * Mapping (documented in docs/reports.md):
 * - one run; `tool.driver.rules` = the catalog's rules plus a minimal descriptor for any rule id a
 *   finding carries that the catalog lacks (a user pack without a catalog), sorted by id;
 * - level: critical/high → error, medium → warning, low/info → note; the rule's
 *   `security-severity` (what GitHub sorts alerts by) from its default severity: critical 9.5,
 *   high 8.0, medium 5.5, low 3.0; info rules get no `security-severity` (GitHub's scale has no
 *   "none" value: anything from 0.1 reads as "low") and are not tagged `security`. A finding at
 *   another severity than its rule's default is the result of a descriptor `<id>/<severity>` (the
 *   rule's, at that severity): GitHub takes an alert's severity from its rule alone;
 * - location: the line of the statement a finding is about (evidence `policy` + `statementIndex`)
 *   when the document records statement locations (IaC inputs); else the finding's own file and
 *   line (IaC inputs) when it has one; otherwise the input
 *   file the caller names (`artifactUri`, e.g. the account export or canonical document) with no
 *   region, because GitHub drops results without a physical location; in every case also a
 *   logical location carrying the resource ARN;
 * - `partialFingerprints["leastrole/v1"]` = the finding's fingerprint (stable across runs);
 * - suppressed findings keep their result, with `suppressions: [{kind, status: "accepted",
 *   justification}]`, so code scanning shows them as dismissed, not fixed. `kind` is "inSource"
 *   for a suppression written in the template beside the resource (its Metadata), "external" for
 *   the config file's and tags (SARIF 2.1.0, §3.35.2 "kind": inSource, "the suppression is
 *   persisted in the source artifact"; external, "persisted outside"; Static Analysis Results
 *   Interchange Format Version 2.1.0, https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html).
 */

import type * as Sarif from "sarif";
import path from "node:path";
import type { RuleMetadata } from "../evaluate/catalog.js";
import { severityRank } from "../evaluate/findings.js";
import type { CanonicalDocument, SourceLocation } from "../model/document.js";
import type { Finding, Severity } from "../model/findings.js";
import type { AuditReport } from "./json.js";
import { clip } from "./clip.js";
import { firstParagraph, locationName, sortKeysDeep } from "./view.js";
import { writeJson } from "../normalize/write-json.js";

export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";
export const LEASTROLE_INFORMATION_URI = "https://github.com/leastrole/leastrole";
/**
 * The URI base id of locations relative to the repository root: the one GitHub code scanning
 * resolves (codeql-action's upload ignores any other), and the name SARIF's own examples use.
 */
export const SOURCE_ROOT_BASE_ID = "%SRCROOT%";

/** GitHub code scanning keeps at most this many results per run (the rest are rejected). */
export const GITHUB_MAX_RESULTS = 25_000;

export const SECURITY_SEVERITY: Record<Severity, string | null> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "3.0",
  info: null,
};

export function sarifLevel(severity: Severity): Sarif.Result.level {
  return severity === "critical" || severity === "high" ? "error" : severity === "medium" ? "warning" : "note";
}

function problemSeverity(severity: Severity): string {
  return severity === "critical" || severity === "high" ? "error" : severity === "medium" ? "warning" : "recommendation";
}

export interface SarifOptions {
  /**
   * The input file results point at when a finding has no source location of its own (an account
   * export, a canonical document). Relative to the repository root, as GitHub expects. Without it
   * such results carry only a logical location, which is valid SARIF but which GitHub code
   * scanning does not display.
   */
  artifactUri?: string;
  /**
   * The repository root: finding locations (relative ones read from the current folder) under it
   * are written relative to it, as GitHub code scanning resolves them against the checkout's root.
   * Default: the current folder. The CLI passes the git repository's root (or `--sarif-root`).
   */
  sourceRoot?: string;
  /**
   * The folder relative locations are relative to (the CLI: the current folder, where the inputs
   * were named). Default: none, relative locations are taken as relative to `sourceRoot` already.
   */
  cwd?: string;
  /** `runAutomationDetails.id`, to upload several leastrole runs per commit (e.g. `leastrole/prod/`). */
  category?: string;
  /** The tool's home page (default: the project's repository). */
  informationUri?: string;
  /** Most results written (default 25,000, GitHub's per-run limit); the rest are counted in a notification. */
  maxResults?: number;
  /**
   * The audited document: a finding about one statement (evidence `policy` + `statementIndex`)
   * then points at that statement's own line when the input recorded it (IaC `statementSources`).
   */
  document?: Partial<CanonicalDocument>;
}

/**
 * Where the statement a finding is about is written: evidence `{policy: "inline:<name>" | managed
 * policy ARN | "trust", statementIndex}` on a role or principal, looked up in the document's
 * `statementSources`. Null when the finding is not about a statement or the input did not say.
 */
export function statementSourceOf(document: Partial<CanonicalDocument> | undefined, f: Finding): SourceLocation | null {
  const policy = f.evidence.policy;
  const index = f.evidence.statementIndex;
  if (!document || typeof index !== "number" || !Number.isInteger(index) || index < 0) return null;
  // A function's resource-policy statement (LR012): the permission resource that adds it.
  if (f.resource.type === "function" && policy === undefined) return document.functions?.find((fn) => fn.arn === f.resource.arn)?.resourcePolicyStatementSources?.[index] ?? null;
  if (typeof policy !== "string") return null;
  const owner = [...(document.roles ?? []), ...(document.principals ?? [])].find((o) => o.arn === f.resource.arn);
  if (policy === "trust") return (owner && "trustStatementSources" in owner ? owner.trustStatementSources?.[index] : null) ?? null;
  if (policy.startsWith("inline:")) {
    const name = policy.slice("inline:".length);
    return owner?.inlinePolicies.find((p) => p.name === name)?.statementSources?.[index] ?? null;
  }
  return document.policies?.[policy]?.statementSources?.[index] ?? null;
}

/** A path as a URI path: percent-encoded as encodeURI does, and `?` and `#` too (they delimit a URI's query and fragment). */
function encodePath(p: string): string {
  return encodeURI(p).replace(/[?#]/g, (ch) => encodeURIComponent(ch));
}

/**
 * A repository-relative URI with forward slashes; paths outside the root become file URIs. A
 * relative path is taken as relative to the root already, unless `cwd` says which folder it is
 * relative to (the CLI's: the inputs are named from the current folder, which may be a subfolder
 * of the repository).
 */
export function toArtifactUri(file: string, sourceRoot: string, cwd?: string): string {
  // `C:\x` is a Windows path anywhere; `C:/x` only on Windows (elsewhere it is a relative path
  // whose first folder is named `C:`).
  const isWindowsAbs = /^[A-Za-z]:\\/.test(file) || (process.platform === "win32" && /^[A-Za-z]:\//.test(file));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) return file;
  let rel = file;
  const absolute = path.isAbsolute(file) || isWindowsAbs;
  // A relative path is made absolute only when the root is not the folder it is relative to.
  if (absolute || (cwd !== undefined && path.resolve(sourceRoot) !== path.resolve(cwd))) {
    const full = absolute ? file : path.resolve(cwd ?? sourceRoot, file);
    const r = path.relative(sourceRoot, full);
    // encodePath, as for a relative path: encodeURI leaves `#` and `?`, which would end the path
    // (`/odd#dir ?x/acct` read as the file `/odd` with a fragment).
    if (r.startsWith("..") || path.isAbsolute(r)) return "file://" + encodePath(full.replace(/\\/g, "/")).replace(/^(?!\/)/, "/");
    rel = r;
  }
  rel = rel.replace(/\\/g, "/").replace(/^\.\//, "");
  const uri = encodePath(rel);
  // A colon in the first segment would read as a URI scheme (RFC 3986 §4.2): percent-encode it.
  const slash = uri.indexOf("/");
  const first = slash < 0 ? uri : uri.slice(0, slash);
  return first.includes(":") ? first.replace(/:/g, "%3A") + uri.slice(first.length) : uri;
}

function text(s: string): string {
  // SARIF requires non-empty message strings (GitHub rejects ""), so give a placeholder.
  const t = s.trim();
  return t === "" ? "(none)" : t;
}

function helpOf(rule: RuleMetadata): { text: string; markdown: string } {
  const refs = rule.relatedResources.filter((r) => r.ref);
  const plain = [rule.description, rule.remediation ? `Remediation: ${rule.remediation}` : "", ...refs.map((r) => (r.description ? `${r.description}: ${r.ref}` : r.ref))]
    .map((s) => s.trim())
    .filter(Boolean)
    .join("\n\n");
  const md = [
    `**${rule.id} ${rule.title}** (${rule.severity})`,
    rule.description.trim(),
    rule.remediation.trim() ? `**Remediation.** ${rule.remediation.trim()}` : "",
    refs.length > 0 ? refs.map((r) => `- [${(r.description ?? r.ref).replace(/[[\]]/g, "")}](${r.ref})`).join("\n") : "",
  ]
    .filter(Boolean)
    .join("\n\n");
  return { text: text(plain || rule.title), markdown: md };
}

/** SARIF caps short and full descriptions at 1024 characters in GitHub: at most n with the "…". */
function cap(s: string, n = 1024): string {
  return clip(s, n - 1);
}

function descriptor(rule: RuleMetadata): Sarif.ReportingDescriptor {
  const securitySeverity = SECURITY_SEVERITY[rule.severity];
  const tags = [...(securitySeverity ? ["security"] : []), "aws-lambda", "iam", rule.category].filter((t, i, all) => t && all.indexOf(t) === i);
  const helpUri = rule.relatedResources.find((r) => /^https?:\/\//.test(r.ref))?.ref;
  return {
    id: rule.id,
    name: rule.name,
    shortDescription: { text: cap(text(rule.title)) },
    fullDescription: { text: cap(text(firstParagraph(rule.description) || rule.title)) },
    help: helpOf(rule),
    ...(helpUri ? { helpUri } : {}),
    defaultConfiguration: { level: sarifLevel(rule.severity) },
    properties: {
      tags,
      precision: "high",
      "problem.severity": problemSeverity(rule.severity),
      ...(securitySeverity ? { "security-severity": securitySeverity } : {}),
    },
  };
}

/** The SARIF rule of a finding: its rule's id, or `<id>/<severity>` at another severity than the rule's default. */
function sarifRuleId(f: Finding, rule: RuleMetadata): string {
  return f.severity === rule.severity ? rule.id : `${rule.id}/${f.severity}`;
}

/** A descriptor for a rule id seen in findings but absent from the catalog. */
function descriptorFromFinding(f: Finding): RuleMetadata {
  return {
    package: f.name.replace(/-/g, "_"),
    id: f.ruleId,
    name: f.name,
    title: f.name,
    description: "",
    severity: f.severity,
    category: "custom",
    remediation: f.remediation,
    relatedResources: [],
    file: null,
    line: null,
  };
}

function logicalLocation(f: Finding): Sarif.LogicalLocation {
  return { name: f.resource.name, fullyQualifiedName: f.resource.arn, kind: "resource", properties: { resourceType: f.resource.type } };
}

/**
 * An artifact location for a URI from toArtifactUri: a relative one (under the source root) says
 * so with `uriBaseId: "%SRCROOT%"`, declared in the run's originalUriBaseIds, so that a SARIF
 * consumer other than GitHub (which takes relative paths as relative to the checkout) knows what
 * it is relative to; SARIF §3.4.4 asks for a uriBaseId beside a relative reference. A `file://`
 * URI (a file outside the root) is absolute and has none: resolving it against the root would
 * name another file.
 */
function artifactLocation(uri: string): Sarif.ArtifactLocation {
  return /^[a-z][a-z0-9+.-]*:/i.test(uri) ? { uri } : { uri, uriBaseId: SOURCE_ROOT_BASE_ID };
}

function locationOf(f: Finding, options: Required<Pick<SarifOptions, "sourceRoot">> & SarifOptions): Sarif.Location {
  const logical = [logicalLocation(f)];
  // Where the resource is declared in the code: the CDK construct path or the Terraform address.
  const declared = locationName(f.location);
  if (declared) logical.push({ fullyQualifiedName: declared, kind: "declaration" });
  const location = statementSourceOf(options.document, f) ?? f.location;
  if (location) {
    const line = location.line;
    return {
      physicalLocation: {
        artifactLocation: artifactLocation(toArtifactUri(location.file, options.sourceRoot, options.cwd)),
        ...(line !== null && Number.isInteger(line) && line >= 1 ? { region: { startLine: line } } : {}),
      },
      logicalLocations: logical,
    };
  }
  if (options.artifactUri) {
    return { physicalLocation: { artifactLocation: artifactLocation(toArtifactUri(options.artifactUri, options.sourceRoot, options.cwd)) }, logicalLocations: logical };
  }
  return { logicalLocations: logical };
}

export function renderSarif(report: AuditReport, catalog: readonly RuleMetadata[], options: SarifOptions = {}): string {
  return JSON.stringify(sarifLog(report, catalog, options), null, 2) + "\n";
}

/**
 * renderSarif's text written in pieces (results a few hundred at a time), byte for byte the same.
 * Why: at 10,000 functions the log is ~100 MB, and building it as one string took the audit past
 * 1.5 GB (bench/results/scale.md).
 */
export function writeSarif(report: AuditReport, catalog: readonly RuleMetadata[], options: SarifOptions, write: (s: string) => void): void {
  // log → runs → run → results: the results are written a chunk at a time.
  writeJson(sarifLog(report, catalog, options), write, 4, 2);
  write("\n");
}

function sarifLog(report: AuditReport, catalog: readonly RuleMetadata[], options: SarifOptions): Sarif.Log {
  const opts = { ...options, sourceRoot: options.sourceRoot ?? process.cwd() };
  const byId = new Map<string, RuleMetadata>();
  for (const r of catalog) if (!byId.has(r.id)) byId.set(r.id, r);
  for (const f of report.findings) if (!byId.has(f.ruleId)) byId.set(f.ruleId, descriptorFromFinding(f));
  // A finding at another severity than its rule's default (LR001 raised to high, LR012 lowered to
  // medium) gets a descriptor of its own, `<id>/<severity>`: GitHub reads `security-severity` only
  // from the rule (reportingDescriptor), which decides the alert's severity and whether it fails a
  // pull request's check; the rule's default made a medium LR012 fail the check as high.
  // Keyed by the SARIF id; each the rule (its own id, for the help text) at that severity.
  const bySarifId = new Map(byId);
  for (const f of report.findings) {
    const rule = byId.get(f.ruleId)!;
    const id = sarifRuleId(f, rule);
    if (!bySarifId.has(id)) bySarifId.set(id, { ...rule, severity: f.severity });
  }
  const rules = [...bySarifId.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const index = new Map(rules.map(([id], i) => [id, i]));

  // Worst first, so that when GitHub's limit cuts results, the least important go.
  const ordered = [...report.findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
  const max = Math.max(0, options.maxResults ?? GITHUB_MAX_RESULTS);
  const kept = ordered.slice(0, max);

  const results: Sarif.Result[] = kept.map((f) => {
    const ruleId = sarifRuleId(f, byId.get(f.ruleId)!);
    const result: Sarif.Result = {
      ruleId,
      ruleIndex: index.get(ruleId)!,
      level: sarifLevel(f.severity),
      message: { text: text(f.message) },
      locations: [locationOf(f, opts)],
      partialFingerprints: { "leastrole/v1": f.fingerprint },
      properties: {
        severity: f.severity,
        resourceType: f.resource.type,
        resourceArn: f.resource.arn,
        ...(Object.keys(f.evidence).length > 0 ? { evidence: sortKeysDeep(f.evidence) } : {}),
      },
    };
    if (f.suppressed) {
      result.suppressions = [
        {
          kind: f.suppressed.origin.startsWith("template:") ? "inSource" : "external",
          status: "accepted",
          justification: text(f.suppressed.reason),
          properties: { origin: f.suppressed.origin, expires: f.suppressed.expires },
        },
      ];
    }
    return result;
  });

  const notifications: Sarif.Notification[] = report.diagnostics.map((d) => ({
    level: d.severity === "error" ? "error" : d.severity === "warning" ? "warning" : "note",
    message: { text: text(d.message) },
    descriptor: { id: d.code },
    ...(d.rule && index.has(d.rule) ? { associatedRule: { id: d.rule, index: index.get(d.rule)! } } : {}),
  }));
  // What the inputs' readers reported (info notes left out): a GitHub code-scanning run shows
  // them as the tool's warnings, so a role missing from the export is not silently absent.
  for (const w of report.warnings ?? []) {
    if (w.severity === "info") continue;
    notifications.push({
      level: w.severity === "error" ? "error" : "warning",
      message: { text: text([w.file, w.path].filter(Boolean).join(": ") + (w.file || w.path ? ": " : "") + w.message) },
      descriptor: { id: w.code },
    });
  }
  if (ordered.length > kept.length) {
    notifications.push({
      level: "warning",
      message: { text: `${ordered.length - kept.length} of ${ordered.length} results were left out (limit ${max} per run); the least severe were dropped` },
      descriptor: { id: "results-truncated" },
    });
  }

  const run: Sarif.Run = {
    tool: {
      driver: {
        name: "leastrole",
        version: report.tool.version,
        semanticVersion: /^\d+\.\d+\.\d+/.test(report.tool.version) ? report.tool.version : undefined,
        informationUri: options.informationUri ?? LEASTROLE_INFORMATION_URI,
        rules: rules.map(([id, rule]) => ({ ...descriptor(rule), id })),
        properties: { rulesVersion: report.tool.rulesVersion, iamDataVersion: report.tool.iamDataVersion },
      },
    },
    invocations: [
      {
        executionSuccessful: !report.diagnostics.some((d) => d.severity === "error"),
        ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
      },
    ],
    // Without its `uri`: the root's absolute path is the machine's (a CI runner's checkout), and
    // the log must read the same wherever the same commit is audited. SARIF §3.14.14 allows the
    // entry without one (the consumer supplies the root: GitHub, its checkout); the description
    // says what the root is.
    originalUriBaseIds: {
      [SOURCE_ROOT_BASE_ID]: { description: { text: "The root of the repository audited (sourceRoot; the CLI's --sarif-root, by default the git repository holding the folder it ran in): relative locations are relative to it." } },
    },
    results,
    columnKind: "utf16CodeUnits",
    properties: { summary: report.summary, reportSchemaVersion: report.schemaVersion },
  };
  if (!run.tool.driver.semanticVersion) delete run.tool.driver.semanticVersion;
  // GitHub takes the part of the id up to its last `/` as the category and the rest as the run's
  // own id ("SARIF support for code scanning", runAutomationDetails object): `accounts/prod` and
  // `accounts/dev` were one category, "accounts/", each upload replacing the other's alerts.
  // Ended with `/`, the whole is the category, as github/codeql-action/upload-sarif writes its
  // `category` input.
  if (options.category) run.automationDetails = { id: options.category.endsWith("/") ? options.category : `${options.category}/` };

  return { $schema: SARIF_SCHEMA_URI, version: "2.1.0", runs: [run] };
}
