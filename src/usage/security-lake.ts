/**
 * The usage aggregation for Amazon Security Lake: CloudTrail stored as OCSF records in Parquet,
 * queried with Athena. Its rows are the ones the Athena and CloudTrail Lake queries give
 * (USAGE_ROW_COLUMNS, ingested by query-rows.ts), so attribution, actions, resources, refusals,
 * coverage and creation dates are read by the same code as for CloudTrail files.
 *
 * How Security Lake writes a CloudTrail record (the mapping AWS published with OCSF,
 * ocsf/examples mappings/markdown/AWS/v1.1.0/CloudTrail/API Activity, and the tables' queries in
 * the Security Lake user guide and awslabs/aws-security-analytics-bootstrap):
 *
 * | CloudTrail                                   | source version 2 (OCSF 1.1.0)      | source version 1 (OCSF 1.0.0-rc.2)            |
 * |----------------------------------------------|------------------------------------|-----------------------------------------------|
 * | eventTime                                    | time (epoch ms), time_dt            | time (epoch ms); partition eventday YYYYMMDD  |
 * | eventSource / eventName                      | api.service.name / api.operation    | the same                                      |
 * | awsRegion                                    | cloud.region                        | the same                                      |
 * | recipientAccountId                           | cloud.account.uid (partition accountid) | unmapped['recipientAccountId'] (accountid) |
 * | userIdentity.arn                             | actor.user.uid                      | actor.user.uuid                               |
 * | userIdentity.principalId                     | actor.user.uid_alt                  | actor.user.uid                                |
 * | userIdentity.type                            | actor.user.type                     | the same                                      |
 * | userIdentity.sessionContext.sessionIssuer.arn | actor.session.issuer               | the same                                      |
 * | userIdentity.invokedBy                       | actor.invoked_by                    | the same                                      |
 * | requestParameters                            | api.request.data (JSON text)        | unmapped['requestParameters.<key>'] (flattened) |
 * | errorCode / errorMessage                     | api.response.error / .message       | the same                                      |
 * | resources[].ARN                              | resources[].uid                     | the same                                      |
 * | eventID                                      | metadata.uid                        | the same                                      |
 * | eventType                                    | metadata.event_code                 | unmapped['eventType']                         |
 * | eventCategory                                | metadata.product.feature.name       | the same                                      |
 * | sharedEventID, readOnly, …                   | unmapped['sharedEventID'], …        | the same                                      |
 *
 * The management-events table holds three OCSF classes, chosen by eventName: Authentication
 * (3002: AssumeRole, AssumeRoleWithWebIdentity, …), Account Change (3001: CreateRole,
 * PutRolePolicy, AttachRolePolicy, …) and API Activity (6003: every other call). All three are
 * API calls of the caller with the same `api` and `actor` fields, so the query reads every class:
 * reading API Activity alone would leave a function's sts:AssumeRole and iam:PutRolePolicy out and
 * call them unused.
 *
 * Data events are separate Security Lake sources, each its own table (`s3_data`,
 * `lambda_execution`): the query reads the ones given and counts their records as data events in
 * `coverage` rows. Their rows prove data events are logged for some resources, never for all, and
 * a query without them proves nothing either way: leastrole then reports data events as unknown
 * (labels.ts), and the data-event actions as unknowable, never unused.
 */

import { ACCESS_DENIED_CODES, callEventTypeSql } from "./event-actions.js";
import { InputError } from "../errors.js";
import { parseIsoInstant } from "../iso-instant.js";
import { isListParamKey, isSetParamKey, PARAM_KEYS, paramColumn, type ParamKey } from "./event.js";
import { BLANK_QUOTED_VALUES, partiqlStatementSql, RDS_DATA_SOURCES_SQL, REQUEST_ITEMS_SQL, SESSION_TAGS_SQL, USAGE_ROW_COLUMNS } from "./sql.js";

export type SecurityLakeSourceVersion = 1 | 2;

/** One Security Lake source the query reads, with the placeholder of its table. */
interface Source {
  name: "management" | "s3" | "lambda";
  placeholder: string;
}

const SOURCES: Source[] = [
  { name: "management", placeholder: "{{table}}" },
  { name: "s3", placeholder: "{{s3_table}}" },
  { name: "lambda", placeholder: "{{lambda_table}}" },
];

const REFUSAL_CODES_SQL = [...ACCESS_DENIED_CODES].map((c) => `'${c}'`).join(", ");

/** A map lookup that is null when the key is absent (Trino's subscript fails instead). */
const unmapped = (key: string): string => `element_at(unmapped, '${key}')`;

/**
 * Each source's columns under CloudTrail's names, so that the aggregation below reads them as the
 * Athena query reads a CloudTrail table. Only fields the tables have are named: a field absent
 * from the Glue schema fails the whole query.
 */
function projection(version: SecurityLakeSourceVersion, source: Source): string {
  const arn = version === 2 ? "actor.user.uid" : "actor.user.uuid";
  const principalId = version === 2 ? "actor.user.uid_alt" : "actor.user.uid";
  const recipient = version === 2 ? `coalesce(cloud.account.uid, ${unmapped("recipientAccountId")}, accountid)` : `coalesce(${unmapped("recipientAccountId")}, accountid)`;
  const eventType = version === 2 ? `coalesce(metadata.event_code, ${unmapped("eventType")})` : unmapped("eventType");
  // Version 2 keeps requestParameters as JSON text; version 1 flattened it into `unmapped`, one key
  // per leaf (requestParameters.<key>), which the parameters below read first.
  const requestParameters = version === 2 ? "api.request.data" : unmapped("requestParameters");
  const window =
    version === 2
      ? "time_dt >= from_iso8601_timestamp('{{start}}') AND time_dt < from_iso8601_timestamp('{{end}}')"
      : "eventday >= date_format(from_iso8601_timestamp('{{start}}'), '%Y%m%d') AND eventday <= date_format(from_iso8601_timestamp('{{end}}'), '%Y%m%d')";
  const start = source.name === "management" ? "" : "  UNION ALL\n";
  return `  -- source: ${source.name}
${start}  SELECT '${source.name}' AS lr_source,
    to_iso8601(from_unixtime(time / 1000e0)) AS eventtime,
    metadata.uid AS eventid,
    coalesce(${unmapped("sharedEventID")}, ${unmapped("sharedEventId")}) AS sharedeventid,
    api.service.name AS eventsource, api.operation AS eventname, cloud.region AS awsregion,
    api.response.error AS errorcode, api.response.message AS errormessage,
    ${eventType} AS eventtype, metadata.product.feature.name AS eventcategory,
    ${recipient} AS recipientaccountid,
    actor.user.type AS identity_type, ${arn} AS identity_arn, ${principalId} AS principal_id,
    actor.session.issuer AS issuer_arn, actor.invoked_by AS invoked_by,
    ${requestParameters} AS requestparameters,
    ${version === 2 ? "CAST(NULL AS MAP(VARCHAR, VARCHAR))" : "unmapped"} AS flat,
    array_join(transform(resources, r -> r.uid), chr(31)) AS resource_arns
  FROM ${source.placeholder}
  WHERE ${window}
    AND time >= to_unixtime(from_iso8601_timestamp('{{start}}')) * 1000 AND time < to_unixtime(from_iso8601_timestamp('{{end}}')) * 1000 /*scope*/
  -- end source
`;
}

/** The SQL that reads one requestParameters key, as the Athena query's (json_extract_scalar for strings, JSON text for lists and sets). */
function paramSql(key: ParamKey): string {
  const path = /^[A-Za-z0-9]+$/.test(key) ? `$.${key}` : `$["${key}"]`;
  const json = isListParamKey(key) || isSetParamKey(key) ? `json_format(json_extract(requestparameters, '${path}'))` : `json_extract_scalar(requestparameters, '${path}')`;
  // Version 1's flattened leaf first (null in version 2, whose `flat` is null): lists and sets
  // were flattened to one key per item, which the row cannot hold; such calls name no resource.
  if (isListParamKey(key) || isSetParamKey(key)) return json;
  const value = `coalesce(element_at(flat, 'requestParameters.${key}'), ${json})`;
  // A DynamoDB ExecuteStatement's statement: its PartiQL verb, and a SELECT's FROM name, as the
  // Athena query gives it (sql.ts partiqlStatementSql), so that calls group by what they read.
  if (key === "statement") return partiqlStatementSql(value);
  // An RDS Data API call's cluster, for the Data API's calls only (sql.ts rp_resourcearn): every other call groups as before.
  if (key === "resourceArn") return `CASE WHEN eventsource IN (${RDS_DATA_SOURCES_SQL}) THEN ${value} END`;
  // A Lambda call's qualifier, for Lambda's calls only (sql.ts rp_qualifier): every other call groups as before.
  if (key === "qualifier") return `CASE WHEN eventsource = 'lambda.amazonaws.com' THEN ${value} END`;
  // A CloudWatch Logs call's log group by identifier, for Logs' calls only (sql.ts rp_loggroupidentifier).
  if (key === "logGroupIdentifier") return `CASE WHEN eventsource = 'logs.amazonaws.com' THEN ${value} END`;
  // A Kinesis call's consumer, for Kinesis' calls only (sql.ts rp_consumerarn).
  if (key === "consumerARN") return `CASE WHEN eventsource = 'kinesis.amazonaws.com' THEN ${value} END`;
  // A CloudWatch Logs call's log stream, for Logs' calls only (sql.ts rp_logstreamname).
  if (key === "logStreamName") return `CASE WHEN eventsource = 'logs.amazonaws.com' THEN ${value} END`;
  // A Kinesis call's consumer by name, for Kinesis' calls only (sql.ts rp_consumername).
  if (key === "consumerName") return `CASE WHEN eventsource = 'kinesis.amazonaws.com' THEN ${value} END`;
  return value;
}

function buildQuery(version: SecurityLakeSourceVersion): string {
  const table = version === 2 ? "cloud_trail_mgmt_2_0" : "cloud_trail_mgmt_1_0";
  const params = PARAM_KEYS.filter((k) => k !== "versionId");
  const rpColumns = params.map(paramColumn);
  // The usage row's columns in USAGE_ROW_COLUMNS order: each kind of row names its own, the others are NULL.
  const row = (values: { [column: string]: string }, named = false): string => USAGE_ROW_COLUMNS.map((c) => `${values[c] ?? "NULL"}${named ? ` AS ${c}` : ""}`).join(", ");
  const usage: { [c: string]: string } = {
    row_kind: "'usage'", account_id: "recipientaccountid", role_arn: "role_arn", session_name: "session_name", invoked_by: "invoked_by",
    aws_region: "awsregion", event_source: "eventsource", event_name: "eventname", error_code: "errorcode", version_id_present: "version_id_present",
    resource_arns: "resource_arns", event_day: "CAST(NULL AS VARCHAR)", calls: "count(*)", data_events: "0", first_seen: "min(eventtime)", last_seen: "max(eventtime)",
    error_message: "error_message", rp_requestitems: "rp_requestitems", rp_sessiontags: "rp_sessiontags",
  };
  for (const c of rpColumns) usage[c] = c;
  const groupBy = ["recipientaccountid", "role_arn", "session_name", "invoked_by", "awsregion", "eventsource", "eventname", "errorcode", "version_id_present", "resource_arns", "error_message", ...rpColumns, "rp_requestitems", "rp_sessiontags"];
  const coverage = row({
    row_kind: "'coverage'", account_id: "recipientaccountid", aws_region: "awsregion", event_day: "substr(eventtime, 1, 10)", calls: "count(*)",
    data_events: "sum(CASE WHEN lr_source <> 'management' OR eventcategory = 'Data' THEN 1 ELSE 0 END)", first_seen: "min(eventtime)", last_seen: "max(eventtime)",
  });
  const created = row({
    row_kind: "'function-created'", account_id: "recipientaccountid", aws_region: "awsregion", event_source: "eventsource", rp_functionname: "rp_functionname",
    calls: "count(*)", data_events: "0", first_seen: "min(eventtime)", last_seen: "max(eventtime)",
  });
  return `-- leastrole usage aggregation, Amazon Security Lake source version ${version} (OCSF ${version === 2 ? "1.1.0" : "1.0.0-rc.2"}), Athena engine v3.
-- Rows are ingested by readUsage() (leastrole audit), as the athena-usage query's.
-- Replace {{table}} with the CloudTrail management events table (…_${table}, in the
-- rollup Region's database, e.g. "amazon_security_lake_glue_db_us_east_1"."amazon_security_lake_table_us_east_1_${table}"),
-- {{s3_table}} and {{lambda_table}} with the S3 and Lambda data events tables (…_s3_data_${version}_0,
-- …_lambda_execution_${version}_0), and {{start}}, {{end}} with the window (ISO 8601 UTC, end exclusive).
-- Delete the block of a data-event source Security Lake does not collect: without it leastrole
-- reports data events as unknown (their actions unknowable), never unused. To prune partitions,
-- add "AND region IN (…) AND accountid IN (…)" to each block.
WITH ocsf AS (
${SOURCES.map((s) => projection(version, s)).join("")}),
-- Different records under one eventID keep one copy by what it is, as the athena-usage query's
-- (requestParameters left out: version 2's may be typed JSON, which Athena cannot order by).
deduped AS (
  SELECT o.*, row_number() OVER (
    PARTITION BY eventid
    ORDER BY eventtime, recipientaccountid, issuer_arn NULLS FIRST, principal_id NULLS FIRST, invoked_by NULLS FIRST,
      eventsource, eventname, errorcode NULLS FIRST, awsregion, identity_arn NULLS FIRST, errormessage NULLS FIRST,
      lr_source) AS rn FROM ocsf o
),
-- One AWS action sent to several accounts has one sharedEventID: one call, the caller's copy first.
delivered AS (
  SELECT d.*, row_number() OVER (
    PARTITION BY sharedeventid IS NULL, coalesce(sharedeventid, eventid)
    ORDER BY CASE WHEN recipientaccountid <> regexp_extract(identity_arn, '^arn:[^:]+:(?:sts|iam)::([0-9]{12}):', 1) THEN 1 ELSE 0 END, eventtime, eventid) AS call_rn
  FROM deduped d
  WHERE rn = 1 OR eventid IS NULL
),
events AS (
  SELECT
    lr_source, eventtime, eventsource, eventname, awsregion, errorcode, eventtype, eventcategory, recipientaccountid,
    CASE
      WHEN identity_type IS NULL OR identity_type <> 'AssumedRole' THEN NULL
      WHEN issuer_arn IS NULL THEN
        CASE WHEN regexp_like(identity_arn, '^arn:[^:]+:sts::[0-9]{12}:assumed-role/[^/]+/.+$')
          THEN 'arn:' || regexp_extract(identity_arn, '^arn:([^:]+):', 1)
            || ':iam::' || regexp_extract(identity_arn, '^arn:[^:]+:sts::([0-9]{12}):', 1)
            || ':role/' || regexp_extract(identity_arn, '^arn:[^:]+:sts::[0-9]{12}:assumed-role/([^/]+)/', 1)
        END
      WHEN regexp_like(issuer_arn, '^arn:[^:]+:iam::[0-9]{12}:role/.+$') THEN issuer_arn
    END AS role_arn,
    coalesce(
      nullif(regexp_extract(principal_id, '^[^:]+:(.+)$', 1), ''),
      nullif(regexp_extract(identity_arn, '^arn:[^:]+:sts::[0-9]{12}:assumed-role/[^/]+/(.+)$', 1), '')
    ) AS session_name,
    invoked_by,
    CASE WHEN coalesce(element_at(flat, 'requestParameters.versionId'), json_extract_scalar(requestparameters, '$.versionId')) IS NULL THEN 0 ELSE 1 END AS version_id_present,
    resource_arns,
${params.map((k) => `    ${paramSql(k)} AS ${paramColumn(k)},`).join("\n")}
    CASE WHEN errorcode IN (${REFUSAL_CODES_SQL}) THEN errormessage END AS error_message,
    ${REQUEST_ITEMS_SQL} AS rp_requestitems,
    ${SESSION_TAGS_SQL} AS rp_sessiontags,
    call_rn = 1 OR coalesce(sharedeventid, eventid) IS NULL AS counted_call
  FROM delivered
)
SELECT ${row(usage, true)}
FROM events
WHERE role_arn IS NOT NULL AND session_name IS NOT NULL AND ${callEventTypeSql("eventtype", true)} AND counted_call
GROUP BY ${groupBy.join(", ")}
UNION ALL
SELECT ${coverage}
FROM events
GROUP BY recipientaccountid, awsregion, substr(eventtime, 1, 10)
UNION ALL
SELECT ${created}
FROM events
WHERE eventsource = 'lambda.amazonaws.com' AND eventname LIKE 'CreateFunction%' AND errorcode IS NULL
  AND rp_functionname IS NOT NULL AND recipientaccountid IS NOT NULL AND awsregion IS NOT NULL
GROUP BY recipientaccountid, awsregion, eventsource, rp_functionname
`;
}

/** `leastrole sql security-lake-usage`: source version 2 (OCSF 1.1.0) tables (`…_2_0`). */
export const SECURITY_LAKE_USAGE_QUERY = buildQuery(2);
/** `leastrole sql security-lake-v1-usage`: source version 1 (OCSF 1.0.0-rc.2) tables. */
export const SECURITY_LAKE_V1_USAGE_QUERY = buildQuery(1);

export interface SecurityLakeRenderOptions {
  /** The CloudTrail management events table (`db.table`, either part may be double-quoted). */
  table: string;
  /** The S3 data events table; absent: the S3 source is not read (data events unknown). */
  s3Table?: string;
  /** The Lambda data events table; absent: likewise. */
  lambdaTable?: string;
  /** ISO 8601 UTC, inclusive. */
  start: string;
  /** ISO 8601 UTC, exclusive. */
  end: string;
  /** Partition predicates: only these Regions (`region`) and accounts (`accountid`). */
  regions?: string[];
  accounts?: string[];
}

const TABLE = /^[A-Za-z0-9_.\-"`]+$/;
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/**
 * Fill in the tables, the window and the partition predicates; the block of a data-event source
 * whose table is not given is removed. Refuses values that could break out of the SQL, and a window
 * that ends where it starts, with an InputError (a caller's mistake, as every exported function's).
 */
export function renderSecurityLakeQuery(sql: string, o: SecurityLakeRenderOptions): string {
  for (const t of [o.table, o.s3Table, o.lambdaTable]) {
    if (t !== undefined && !TABLE.test(t)) throw new InputError(`table name ${JSON.stringify(t)} has characters that are not allowed`);
  }
  for (const t of [o.start, o.end]) {
    if (!TIME.test(t) || parseIsoInstant(t) === null) throw new InputError(`timestamp ${JSON.stringify(t)} is not ISO 8601 UTC (2026-10-01T00:00:00Z)`);
  }
  // A window that ends where or before it starts selects nothing: the query would run and count no
  // event, and every permission would look unused in its rows.
  if ((parseIsoInstant(o.end) as number) <= (parseIsoInstant(o.start) as number)) throw new InputError(`the window ends (${o.end}) where or before it starts (${o.start}): --end must be after --start`);
  for (const r of o.regions ?? []) if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(r)) throw new InputError(`region ${JSON.stringify(r)} is not a Region name (us-east-1)`);
  for (const a of o.accounts ?? []) if (!/^\d{12}$/.test(a)) throw new InputError(`account ${JSON.stringify(a)} is not a 12-digit account id`);
  // The instructions above WITH name the placeholders, which are filled in now: only the title stays.
  const body = sql.indexOf("\nWITH ocsf AS (");
  let out = body < 0 ? sql : `${sql.slice(0, sql.indexOf("\n"))}${sql.slice(body)}`;
  const tables: { [source: string]: string | undefined } = { management: o.table, s3: o.s3Table, lambda: o.lambdaTable };
  for (const s of SOURCES) {
    const t = tables[s.name];
    if (t === undefined) out = out.replace(new RegExp(`  -- source: ${s.name}\\n[\\s\\S]*?  -- end source\\n`), "");
    else out = out.replaceAll(s.placeholder, t);
  }
  const list = (xs: string[]): string => xs.map((x) => `'${x}'`).join(", ");
  const scope = `${o.regions?.length ? ` AND region IN (${list(o.regions)})` : ""}${o.accounts?.length ? ` AND accountid IN (${list(o.accounts)})` : ""}`;
  return out.replaceAll(" /*scope*/", scope).replaceAll("{{start}}", o.start).replaceAll("{{end}}", o.end);
}

/**
 * DuckDB lacks a few of Trino's names (our test runs the query on DuckDB over Parquet): macros
 * supply them, as DUCKDB_TRINO_MACROS does for the Athena query. DuckDB's `element_at` on a map
 * returns a list: map_extract_value is Trino's element_at.
 */
export const DUCKDB_SECURITY_LAKE_MACROS = [
  "SET TimeZone = 'UTC'",
  "CREATE OR REPLACE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)",
  "CREATE OR REPLACE MACRO to_unixtime(t) AS epoch(t)",
  "CREATE OR REPLACE MACRO from_unixtime(x) AS make_timestamp(CAST(round(x * 1000000) AS BIGINT))",
  "CREATE OR REPLACE MACRO to_iso8601(t) AS strftime(t, '%Y-%m-%dT%H:%M:%S.%gZ')",
  "CREATE OR REPLACE MACRO date_format(t, f) AS strftime(t, f)",
];

export function securityLakeToDuckDb(sql: string): string {
  return sql
    .replace(/\btransform\(/g, "list_transform(")
    .replace(/\belement_at\(/g, "map_extract_value(")
    .replace(/'\$\["([^"\]]+)"\]'/g, `'$."$1"'`)
    .replaceAll(" AS ARRAY(JSON))", " AS JSON[])")
    // Every quoted value blanked, as Trino's regexp_replace does (sql.ts BLANK_QUOTED_VALUES).
    .replaceAll(BLANK_QUOTED_VALUES, `${BLANK_QUOTED_VALUES}, 'g'`);
}
