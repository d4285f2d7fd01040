/**
 * Usage: CloudTrail (S3 files, arrays, JSON Lines, lookup-events, EventBridge), rows of the
 * shipped Athena / CloudTrail Lake query, Access Advisor and Access Analyzer → a compact
 * aggregate per role session → labels for every granted permission. See docs/usage.md.
 */

export { readUsage, listUsageFiles, type ReadUsageOptions, type ReadUsageProgress } from "./read-usage.js";
export { labelUsage, type LabelOptions, type UsageException } from "./labels.js";
export { unattributedSessionWarnings } from "./unattributed.js";
export { UsageAggregator, type UsageAggregate, type SessionUsage, type FileReport } from "./aggregate.js";
export { readUsageFile, type FileResult, type ReadFileOptions } from "./read-file.js";
export { eventToActions, servicePrefix, stripLambdaVersion, EVENT_ACTIONS, SERVICE_PREFIXES, ACCESS_DENIED_CODES, type EventMapping, type MappedEvent } from "./event-actions.js";
export { NOT_LOGGED, NOT_LOGGED_SERVICES, DATA_EVENT_ACTIONS, UNCONFIRMED_ACTIONS } from "./not-logged.js";
export { sessionOf, type SessionRef } from "./attribution.js";
export type { UsageEvent } from "./event.js";
export type { AccessAdvisorReport } from "./access-advisor.js";
export type { AccessAnalyzerFinding } from "./access-analyzer.js";
export {
  ATHENA_TABLE_DDL,
  ATHENA_USAGE_QUERY,
  LAKE_USAGE_QUERY,
  USAGE_ROW_COLUMNS,
  renderUsageQuery,
  athenaToDuckDb,
  DUCKDB_TRINO_MACROS,
  duckDbCloudTrailView,
} from "./sql.js";
export {
  SECURITY_LAKE_USAGE_QUERY,
  SECURITY_LAKE_V1_USAGE_QUERY,
  renderSecurityLakeQuery,
  securityLakeToDuckDb,
  DUCKDB_SECURITY_LAKE_MACROS,
  type SecurityLakeRenderOptions,
  type SecurityLakeSourceVersion,
} from "./security-lake.js";
