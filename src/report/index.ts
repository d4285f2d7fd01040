/**
 * The report renderers. Each is a pure function of the audit report (and the canonical document
 * for the human-facing ones) returning a string: the same inputs give the same bytes.
 */

export { toJsonReport, summarise, REPORT_SCHEMA_VERSION, type AuditReport, type AuditSummary } from "./json.js";
export { renderTable, type TableOptions } from "./table.js";
export { shouldUseColor } from "./color.js";
export {
  renderSarif,
  sarifLevel,
  toArtifactUri,
  SECURITY_SEVERITY,
  SARIF_SCHEMA_URI,
  GITHUB_MAX_RESULTS,
  type SarifOptions,
} from "./sarif.js";
export { renderMarkdown, GITHUB_COMMENT_LIMIT, type MarkdownOptions } from "./markdown.js";
export { renderHtml, htmlFixRoles, type GeneratedFix, type HtmlOptions } from "./html.js";
export type { GraphOptions } from "./html-graph.js";
export {
  groupFindingsByFunction,
  topFixes,
  roleUsage,
  functionsByRole,
  type FindingGroup,
  type TopFix,
  type RoleUsage,
} from "./view.js";
