/**
 * The SQL leastrole ships for organisation scale: the Athena table over the CloudTrail S3 tree,
 * the aggregation query that produces exactly the rows `readUsage` ingests (query-rows.ts), and a
 * CloudTrail Lake equivalent. The same text is in sql/*.sql for people browsing the repository
 * (a test holds the two equal).
 *
 * Why these rows: each event falls in exactly one `usage` row (grouped by session, call, error
 * and the raw resource material: resources[].ARN and the requestParameters keys in event.ts), so
 * counts add up exactly and leastrole derives resource ARNs from the row with the same code as
 * for raw records; the copies of one action sent to several accounts (one sharedEventID) are one
 * call. `coverage` rows count every event per account/region/day; `function-created`
 * rows carry the last CreateFunction per function (for "too new").
 *
 * Parameters (replaced by `renderUsageQuery`): {{table}}, {{start}}, {{end}} (end exclusive): for
 * Athena ISO 8601 UTC, `2026-10-01T00:00:00Z`, compared as text with CloudTrail's eventTime; for
 * CloudTrail Lake `2026-10-01 00:00:00`, the form its `timestamp '…'` literal takes (collect-query.ts
 * lakeTime). Add partition predicates for Athena pruning.
 */

import { InputError } from "../errors.js";
import { ACCESS_DENIED_CODES, callEventTypeSql } from "./event-actions.js";

export const ATHENA_TABLE_DDL = `-- leastrole: Athena table over CloudTrail S3 delivery (AWS's documented CloudTrailSerde table,
-- plus eventcategory and managementevent), partition projection by region and day.
-- Replace {{bucket}}, {{account}} and {{regions}} (comma-separated) before running it.
CREATE EXTERNAL TABLE IF NOT EXISTS cloudtrail_logs (
  eventversion STRING,
  useridentity STRUCT<
    type: STRING, principalid: STRING, arn: STRING, accountid: STRING, invokedby: STRING,
    accesskeyid: STRING, username: STRING,
    sessioncontext: STRUCT<
      attributes: STRUCT<mfaauthenticated: STRING, creationdate: STRING>,
      sessionissuer: STRUCT<type: STRING, principalid: STRING, arn: STRING, accountid: STRING, username: STRING>>>,
  eventtime STRING,
  eventsource STRING,
  eventname STRING,
  awsregion STRING,
  sourceipaddress STRING,
  useragent STRING,
  errorcode STRING,
  errormessage STRING,
  requestparameters STRING,
  responseelements STRING,
  additionaleventdata STRING,
  requestid STRING,
  eventid STRING,
  resources ARRAY<STRUCT<arn: STRING, accountid: STRING, type: STRING>>,
  eventtype STRING,
  apiversion STRING,
  readonly STRING,
  recipientaccountid STRING,
  serviceeventdetails STRING,
  sharedeventid STRING,
  vpcendpointid STRING,
  eventcategory STRING,
  managementevent BOOLEAN
)
PARTITIONED BY (region STRING, day STRING)
ROW FORMAT SERDE 'com.amazon.emr.hive.serde.CloudTrailSerde'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION 's3://{{bucket}}/AWSLogs/{{account}}/CloudTrail/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.region.type' = 'enum',
  'projection.region.values' = '{{regions}}',
  'projection.day.type' = 'date',
  'projection.day.format' = 'yyyy/MM/dd',
  'projection.day.range' = '2020/01/01,NOW',
  'projection.day.interval' = '1',
  'projection.day.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://{{bucket}}/AWSLogs/{{account}}/CloudTrail/\${region}/\${day}'
);
`;

/** The columns of every row, in order. */
export const USAGE_ROW_COLUMNS = [
  "row_kind",
  "account_id",
  "role_arn",
  "session_name",
  "invoked_by",
  "aws_region",
  "event_source",
  "event_name",
  "error_code",
  "version_id_present",
  "resource_arns",
  "rp_bucketname",
  "rp_key",
  "rp_tablename",
  "rp_queueurl",
  "rp_topicarn",
  "rp_targetarn",
  "rp_keyid",
  "rp_secretid",
  "rp_name",
  "rp_names",
  "rp_functionname",
  "rp_streamname",
  "rp_streamarn",
  "rp_loggroupname",
  "rp_statemachinearn",
  "rp_indexname",
  "rp_xamzcopysource",
  "rp_modelid",
  "rp_restapiid",
  "rp_path",
  "rp_taskdefinition",
  "rp_executionarn",
  "rp_deliverystreamname",
  "rp_userpoolid",
  "rp_projectname",
  "rp_jobname",
  "rp_workgroup",
  "rp_databasename",
  "rp_catalogid",
  "rp_queuename",
  "rp_queueownerawsaccountid",
  "rp_dynamodbstreamarn",
  "rp_cluster",
  "rp_service",
  "rp_services",
  "rp_jobqueue",
  "rp_jobdefinition",
  "event_day",
  "calls",
  "data_events",
  "first_seen",
  "last_seen",
  // A refused call's errorMessage (denials.ts), only for the refusal codes: rows of calls that
  // succeeded or failed otherwise are grouped as before. After the others, so older rows without it still read.
  "error_message",
  // The EC2, IAM, Step Functions and CloudTrail parameters (event.ts), added after error_message:
  // rows of a query older than them are read as before, those calls naming no resource. The EC2
  // sets (rp_instancesset, rp_resourcesset) are the set's JSON text, its ids read as the records' are.
  "rp_instancesset",
  "rp_resourcesset",
  "rp_instanceid",
  "rp_volumeid",
  "rp_snapshotid",
  "rp_groupid",
  "rp_networkinterfaceid",
  "rp_username",
  "rp_groupname",
  "rp_rolename",
  "rp_instanceprofilename",
  "rp_policyname",
  "rp_policyarn",
  "rp_activityarn",
  "rp_trailname",
  "rp_keyname",
  // IAM UpdateUser / UpdateGroup: a rename is authorised on the new name and path too (event.ts).
  // After the others: rows of an older query are read as before, a rename naming the old name only.
  "rp_newusername",
  "rp_newgroupname",
  "rp_newpath",
  // A DynamoDB ExecuteStatement's PartiQL verb (SELECT …), which says the action that authorised it
  // (event-actions.ts partiqlEventName), and a SELECT's FROM name (partiqlStatementSql), not the
  // whole statement, so that calls group by what they read. After the others: rows of an older
  // query are read as before, the call counted under every PartiQL action.
  "rp_statement",
  // A DynamoDB multi-item call's items (TransactWriteItems' operations and tables,
  // BatchExecuteStatement's and ExecuteTransaction's statements: ddb-items.ts), each reduced to
  // the fields read (REQUEST_ITEMS_SQL), for these three calls only: every other row has none and
  // groups as before. After the others: rows of an older query are read as before, such a call
  // counted under every candidate action.
  "rp_requestitems",
  // An RDS Data API call's cluster (requestParameters.resourceArn, event.ts), for the Data API's
  // calls only: every other row has none and groups as before. After the others: rows of an older
  // query are read as before, such a call naming no resource.
  "rp_resourcearn",
  // An STS AssumeRole's passes (session-tags.ts): "session tags", "source identity" or both, which
  // add sts:TagSession / sts:SetSourceIdentity to it; null for every other call, so other rows group
  // as before. After the others: rows of an older query are read as before, AssumeRole alone.
  "rp_sessiontags",
  // A Lambda call's Qualifier (a version or alias given apart from FunctionName, event.ts), for
  // Lambda's calls only: every other row has none and groups as before. After the others: rows of an
  // older query are read as before, such a call naming the unqualified function.
  "rp_qualifier",
  // A CloudWatch Logs call's logGroupIdentifier (the log group by name or ARN, in the newer Logs APIs,
  // event.ts), for Logs' calls only: every other row has none and groups as before. After the others:
  // rows of an older query are read as before, such a call naming no log group.
  "rp_loggroupidentifier",
  // A Kinesis call's consumerARN (SubscribeToShard, DescribeStreamConsumer …: the enhanced fan-out
  // consumer, event.ts), for Kinesis' calls only: every other row has none and groups as before. After
  // the others: rows of an older query are read as before, such a call naming no consumer.
  "rp_consumerarn",
  // A CloudWatch Logs call's logStreamName (CreateLogStream, DeleteLogStream, GetLogEvents, PutLogEvents:
  // the log stream they are authorised on, event.ts), for Logs' calls only: every other row has none and
  // groups as before. After the others: rows of an older query are read as before, such a call naming its
  // log group.
  "rp_logstreamname",
  // A Kinesis call's consumerName (DescribeStreamConsumer, DeregisterStreamConsumer by streamARN and
  // name: the consumer they are authorised on, event.ts), for Kinesis' calls only: every other row has
  // none and groups as before. After the others: rows of an older query are read as before, such a
  // call naming its stream.
  "rp_consumername",
] as const;

/**
 * regexp_replace's pattern and replacement that blank a statement's single-quoted strings (PartiQL
 * doubles a quote inside one). Trino replaces every match; DuckDB the first only unless told 'g'
 * (athenaToDuckDb, securityLakeToDuckDb add it).
 */
export const BLANK_QUOTED_VALUES = "'''[^'']*(?:''''[^'']*)*''', ' '";

/**
 * rp_statement: a DynamoDB ExecuteStatement's PartiQL verb (which says the action: event-actions.ts
 * partiqlEventName), and for a SELECT the name it reads FROM (`SELECT FROM "orders"."byDay"`),
 * which may be an index the call is authorised on (ddb-items.ts partiqlStatementTargets, which the
 * record readers apply to the whole statement); null for every other call. Not the whole statement,
 * so that calls group by what they read rather than one row per key value. The name is taken after
 * the statement's single-quoted strings are blanked (a value may hold the word FROM; DynamoDB's
 * table and index names hold no quote: [a-zA-Z0-9_.-]), as one to three names joined by dots, which
 * partiqlStatementTargets then reads as it reads a record's statement (`a.b.c` names none). An
 * INSERT, UPDATE or DELETE is authorised on the table resources[] lists: the verb alone.
 */
export function partiqlStatementSql(value: string): string {
  const verb = `upper(regexp_extract(${value}, '^\\s*([A-Za-z]+)', 1))`;
  const name = `(?:"[^"]*"|[A-Za-z0-9_-]+)`;
  const from = `regexp_extract(regexp_replace(${value}, ${BLANK_QUOTED_VALUES}), '(?i)\\bFROM\\s+(${name}(?:\\s*\\.\\s*${name}){0,2})', 1)`;
  return `CASE WHEN eventsource = 'dynamodb.amazonaws.com' AND eventname = 'ExecuteStatement'
      THEN CASE WHEN ${verb} = 'SELECT' AND ${from} <> '' THEN 'SELECT FROM ' || ${from} ELSE ${verb} END END`;
}

/** The RDS Data API's event sources (event-actions.ts SERVICE_PREFIXES), as an SQL list: only their requestParameters.resourceArn is kept (rp_resourcearn). */
export const RDS_DATA_SOURCES_SQL = "'rdsdata.amazonaws.com', 'rdsdataapi.amazonaws.com'";

/**
 * rp_sessiontags: what an STS AssumeRole's request passes (session-tags.ts assumeRoleEventName's
 * suffix), from requestParameters as JSON text: tags or transitiveTagKeys, sourceIdentity.
 */
export const SESSION_TAGS_SQL = `CASE WHEN eventsource = 'sts.amazonaws.com' AND eventname = 'AssumeRole' THEN
      CASE WHEN (json_extract(requestparameters, '$.tags') IS NOT NULL OR json_extract(requestparameters, '$.transitiveTagKeys') IS NOT NULL)
          AND json_extract_scalar(requestparameters, '$.sourceIdentity') IS NOT NULL THEN 'session tags, source identity'
        WHEN json_extract(requestparameters, '$.tags') IS NOT NULL OR json_extract(requestparameters, '$.transitiveTagKeys') IS NOT NULL THEN 'session tags'
        WHEN json_extract_scalar(requestparameters, '$.sourceIdentity') IS NOT NULL THEN 'source identity' END END`;

/** The event names whose items the query keeps (ddb-items.ts DDB_ITEM_CALLS), as an SQL list. */
const ITEM_CALLS_SQL = "'TransactWriteItems', 'BatchExecuteStatement', 'ExecuteTransaction'";

/**
 * rp_requestitems: a DynamoDB multi-item call's requestParameters.requestItems as JSON text, each
 * item reduced to the four fields ddb-items.ts reads (`operation`, `tableName`, `TableName`,
 * `statement`; absent ones null), so that transactions of the same operations on the same tables
 * group into one row whatever their keys; a statement is kept whole (its values, which
 * CloudTrail writes for key attributes, make a row per distinct statement). Null for every other
 * call, decided by the event source and name before any JSON is parsed, and for a requestItems
 * that is not a list (the call then counts whole, as the record readers count it). Trino casts
 * JSON to ARRAY(JSON) (https://trino.io/docs/current/functions/json.html, "Cast from JSON");
 * try_cast gives null where it is not an array. `requestparameters` is JSON text: the Athena
 * table's string column, Security Lake's api.request.data.
 */
export const REQUEST_ITEMS_SQL = `CASE WHEN eventsource = 'dynamodb.amazonaws.com' AND eventname IN (${ITEM_CALLS_SQL})
      THEN '[' || array_join(transform(try_cast(json_extract(requestparameters, '$.requestItems') AS ARRAY(JSON)), i -> '{"operation":'
        || coalesce(json_format(json_extract(i, '$.operation')), 'null') || ',"tableName":' || coalesce(json_format(json_extract(i, '$.tableName')), 'null')
        || ',"TableName":' || coalesce(json_format(json_extract(i, '$.TableName')), 'null') || ',"statement":' || coalesce(json_format(json_extract(i, '$.statement')), 'null')
        || '}'), ',') || ']' END`;

/** The refusal codes as an SQL list: the query keeps errorMessage for these only (event-actions.ts ACCESS_DENIED_CODES). */
const REFUSAL_CODES_SQL = [...ACCESS_DENIED_CODES].map((c) => `'${c}'`).join(", ");

export const ATHENA_USAGE_QUERY = `-- leastrole usage aggregation (Athena engine v3 / Trino). Rows are ingested by readUsage().
-- A re-delivered record is the same record: any copy will do. Of different records under one
-- eventID (a mixed or hand-made table), the earliest is kept, and of copies with one time the least
-- by session and then call, as readUsage's dedup orders them: never by which file was read first.
WITH deduped AS (
  SELECT t.*, row_number() OVER (
    PARTITION BY eventid
    ORDER BY eventtime, useridentity.accountid, useridentity.sessioncontext.sessionissuer.arn NULLS FIRST,
      useridentity.principalid NULLS FIRST, useridentity.invokedby NULLS FIRST, eventsource, eventname,
      errorcode NULLS FIRST, awsregion, recipientaccountid, requestparameters NULLS FIRST, errormessage NULLS FIRST) AS rn
  FROM {{table}} t
  WHERE eventtime >= '{{start}}' AND eventtime < '{{end}}'
),
-- One AWS action sent to several accounts (a cross-account KMS call: the caller's copy and the key
-- owner's) has one sharedEventID and one eventID per copy: its call is counted once, from the
-- caller's copy when there is one; every copy still counts in coverage.
delivered AS (
  SELECT d.*, row_number() OVER (
    PARTITION BY sharedeventid IS NULL, coalesce(sharedeventid, eventid)
    ORDER BY CASE WHEN recipientaccountid <> useridentity.accountid THEN 1 ELSE 0 END, eventtime, eventid) AS call_rn
  FROM deduped d
  WHERE rn = 1 OR eventid IS NULL
),
events AS (
  SELECT
    eventtime, eventsource, eventname, awsregion, errorcode, eventtype, eventcategory, managementevent,
    coalesce(recipientaccountid, useridentity.accountid) AS coverage_account,
    recipientaccountid,
    CASE
      WHEN useridentity.type IS NULL OR useridentity.type <> 'AssumedRole' THEN NULL
      WHEN useridentity.sessioncontext.sessionissuer.arn IS NULL THEN
        CASE WHEN regexp_like(useridentity.arn, '^arn:[^:]+:sts::[0-9]{12}:assumed-role/[^/]+/.+$')
          THEN 'arn:' || regexp_extract(useridentity.arn, '^arn:([^:]+):', 1)
            || ':iam::' || regexp_extract(useridentity.arn, '^arn:[^:]+:sts::([0-9]{12}):', 1)
            || ':role/' || regexp_extract(useridentity.arn, '^arn:[^:]+:sts::[0-9]{12}:assumed-role/([^/]+)/', 1)
        END
      WHEN regexp_like(useridentity.sessioncontext.sessionissuer.arn, '^arn:[^:]+:iam::[0-9]{12}:role/.+$')
        THEN useridentity.sessioncontext.sessionissuer.arn
    END AS role_arn,
    coalesce(
      nullif(regexp_extract(useridentity.principalid, '^[^:]+:(.+)$', 1), ''),
      nullif(regexp_extract(useridentity.arn, '^arn:[^:]+:sts::[0-9]{12}:assumed-role/[^/]+/(.+)$', 1), '')
    ) AS session_name,
    useridentity.invokedby AS invoked_by,
    CASE WHEN json_extract_scalar(requestparameters, '$.versionId') IS NULL THEN 0 ELSE 1 END AS version_id_present,
    array_join(transform(resources, r -> r.arn), chr(31)) AS resource_arns,
    json_extract_scalar(requestparameters, '$.bucketName') AS rp_bucketname,
    json_extract_scalar(requestparameters, '$.key') AS rp_key,
    json_extract_scalar(requestparameters, '$.tableName') AS rp_tablename,
    json_extract_scalar(requestparameters, '$.queueUrl') AS rp_queueurl,
    json_extract_scalar(requestparameters, '$.topicArn') AS rp_topicarn,
    json_extract_scalar(requestparameters, '$.targetArn') AS rp_targetarn,
    json_extract_scalar(requestparameters, '$.keyId') AS rp_keyid,
    json_extract_scalar(requestparameters, '$.secretId') AS rp_secretid,
    json_extract_scalar(requestparameters, '$.name') AS rp_name,
    json_format(json_extract(requestparameters, '$.names')) AS rp_names,
    json_extract_scalar(requestparameters, '$.functionName') AS rp_functionname,
    json_extract_scalar(requestparameters, '$.streamName') AS rp_streamname,
    json_extract_scalar(requestparameters, '$.streamARN') AS rp_streamarn,
    json_extract_scalar(requestparameters, '$.logGroupName') AS rp_loggroupname,
    json_extract_scalar(requestparameters, '$.stateMachineArn') AS rp_statemachinearn,
    json_extract_scalar(requestparameters, '$.indexName') AS rp_indexname,
    json_extract_scalar(requestparameters, '$["x-amz-copy-source"]') AS rp_xamzcopysource,
    json_extract_scalar(requestparameters, '$.modelId') AS rp_modelid,
    json_extract_scalar(requestparameters, '$.restApiId') AS rp_restapiid,
    json_extract_scalar(requestparameters, '$.path') AS rp_path,
    json_extract_scalar(requestparameters, '$.taskDefinition') AS rp_taskdefinition,
    json_extract_scalar(requestparameters, '$.executionArn') AS rp_executionarn,
    json_extract_scalar(requestparameters, '$.deliveryStreamName') AS rp_deliverystreamname,
    json_extract_scalar(requestparameters, '$.userPoolId') AS rp_userpoolid,
    json_extract_scalar(requestparameters, '$.projectName') AS rp_projectname,
    json_extract_scalar(requestparameters, '$.jobName') AS rp_jobname,
    json_extract_scalar(requestparameters, '$.workGroup') AS rp_workgroup,
    json_extract_scalar(requestparameters, '$.databaseName') AS rp_databasename,
    json_extract_scalar(requestparameters, '$.catalogId') AS rp_catalogid,
    json_extract_scalar(requestparameters, '$.queueName') AS rp_queuename,
    json_extract_scalar(requestparameters, '$.queueOwnerAWSAccountId') AS rp_queueownerawsaccountid,
    json_extract_scalar(requestparameters, '$.streamArn') AS rp_dynamodbstreamarn,
    json_extract_scalar(requestparameters, '$.cluster') AS rp_cluster,
    json_extract_scalar(requestparameters, '$.service') AS rp_service,
    json_format(json_extract(requestparameters, '$.services')) AS rp_services,
    json_extract_scalar(requestparameters, '$.jobQueue') AS rp_jobqueue,
    json_extract_scalar(requestparameters, '$.jobDefinition') AS rp_jobdefinition,
    CASE WHEN errorcode IN (${REFUSAL_CODES_SQL}) THEN errormessage END AS error_message,
    json_format(json_extract(requestparameters, '$.instancesSet')) AS rp_instancesset,
    json_format(json_extract(requestparameters, '$.resourcesSet')) AS rp_resourcesset,
    json_extract_scalar(requestparameters, '$.instanceId') AS rp_instanceid,
    json_extract_scalar(requestparameters, '$.volumeId') AS rp_volumeid,
    json_extract_scalar(requestparameters, '$.snapshotId') AS rp_snapshotid,
    json_extract_scalar(requestparameters, '$.groupId') AS rp_groupid,
    json_extract_scalar(requestparameters, '$.networkInterfaceId') AS rp_networkinterfaceid,
    json_extract_scalar(requestparameters, '$.userName') AS rp_username,
    json_extract_scalar(requestparameters, '$.groupName') AS rp_groupname,
    json_extract_scalar(requestparameters, '$.roleName') AS rp_rolename,
    json_extract_scalar(requestparameters, '$.instanceProfileName') AS rp_instanceprofilename,
    json_extract_scalar(requestparameters, '$.policyName') AS rp_policyname,
    json_extract_scalar(requestparameters, '$.policyArn') AS rp_policyarn,
    json_extract_scalar(requestparameters, '$.activityArn') AS rp_activityarn,
    json_extract_scalar(requestparameters, '$.trailName') AS rp_trailname,
    json_extract_scalar(requestparameters, '$.keyName') AS rp_keyname,
    json_extract_scalar(requestparameters, '$.newUserName') AS rp_newusername,
    json_extract_scalar(requestparameters, '$.newGroupName') AS rp_newgroupname,
    json_extract_scalar(requestparameters, '$.newPath') AS rp_newpath,
    ${partiqlStatementSql("json_extract_scalar(requestparameters, '$.statement')")} AS rp_statement,
    ${REQUEST_ITEMS_SQL} AS rp_requestitems,
    CASE WHEN eventsource IN (${RDS_DATA_SOURCES_SQL}) THEN json_extract_scalar(requestparameters, '$.resourceArn') END AS rp_resourcearn,
    ${SESSION_TAGS_SQL} AS rp_sessiontags,
    CASE WHEN eventsource = 'lambda.amazonaws.com' THEN json_extract_scalar(requestparameters, '$.qualifier') END AS rp_qualifier,
    CASE WHEN eventsource = 'logs.amazonaws.com' THEN json_extract_scalar(requestparameters, '$.logGroupIdentifier') END AS rp_loggroupidentifier,
    CASE WHEN eventsource = 'kinesis.amazonaws.com' THEN json_extract_scalar(requestparameters, '$.consumerARN') END AS rp_consumerarn,
    CASE WHEN eventsource = 'logs.amazonaws.com' THEN json_extract_scalar(requestparameters, '$.logStreamName') END AS rp_logstreamname,
    CASE WHEN eventsource = 'kinesis.amazonaws.com' THEN json_extract_scalar(requestparameters, '$.consumerName') END AS rp_consumername,
    call_rn = 1 OR coalesce(sharedeventid, eventid) IS NULL AS counted_call
  FROM delivered
)
SELECT 'usage' AS row_kind, recipientaccountid AS account_id, role_arn, session_name, invoked_by, awsregion AS aws_region,
  eventsource AS event_source, eventname AS event_name, errorcode AS error_code, version_id_present,
  resource_arns, rp_bucketname, rp_key, rp_tablename, rp_queueurl, rp_topicarn, rp_targetarn, rp_keyid,
  rp_secretid, rp_name, rp_names, rp_functionname, rp_streamname, rp_streamarn, rp_loggroupname,
  rp_statemachinearn, rp_indexname, rp_xamzcopysource, rp_modelid, rp_restapiid, rp_path, rp_taskdefinition, rp_executionarn, rp_deliverystreamname, rp_userpoolid, rp_projectname, rp_jobname, rp_workgroup, rp_databasename, rp_catalogid, rp_queuename, rp_queueownerawsaccountid, rp_dynamodbstreamarn, rp_cluster, rp_service, rp_services, rp_jobqueue, rp_jobdefinition, CAST(NULL AS VARCHAR) AS event_day, count(*) AS calls, 0 AS data_events,
  min(eventtime) AS first_seen, max(eventtime) AS last_seen, error_message,
  rp_instancesset, rp_resourcesset, rp_instanceid, rp_volumeid, rp_snapshotid, rp_groupid, rp_networkinterfaceid, rp_username, rp_groupname, rp_rolename, rp_instanceprofilename, rp_policyname, rp_policyarn, rp_activityarn, rp_trailname, rp_keyname, rp_newusername, rp_newgroupname, rp_newpath, rp_statement, rp_requestitems, rp_resourcearn, rp_sessiontags, rp_qualifier, rp_loggroupidentifier, rp_consumerarn, rp_logstreamname, rp_consumername
FROM events
WHERE role_arn IS NOT NULL AND session_name IS NOT NULL AND ${callEventTypeSql("eventtype", true)} AND counted_call
GROUP BY recipientaccountid, role_arn, session_name, invoked_by, awsregion, eventsource, eventname, errorcode,
  version_id_present, resource_arns, rp_bucketname, rp_key, rp_tablename, rp_queueurl, rp_topicarn,
  rp_targetarn, rp_keyid, rp_secretid, rp_name, rp_names, rp_functionname, rp_streamname, rp_streamarn,
  rp_loggroupname, rp_statemachinearn, rp_indexname, rp_xamzcopysource, rp_modelid, rp_restapiid, rp_path, rp_taskdefinition, rp_executionarn, rp_deliverystreamname, rp_userpoolid, rp_projectname, rp_jobname, rp_workgroup, rp_databasename, rp_catalogid, rp_queuename, rp_queueownerawsaccountid, rp_dynamodbstreamarn, rp_cluster, rp_service, rp_services, rp_jobqueue, rp_jobdefinition, error_message,
  rp_instancesset, rp_resourcesset, rp_instanceid, rp_volumeid, rp_snapshotid, rp_groupid, rp_networkinterfaceid, rp_username, rp_groupname, rp_rolename, rp_instanceprofilename, rp_policyname, rp_policyarn, rp_activityarn, rp_trailname, rp_keyname, rp_newusername, rp_newgroupname, rp_newpath, rp_statement, rp_requestitems, rp_resourcearn, rp_sessiontags, rp_qualifier, rp_loggroupidentifier, rp_consumerarn, rp_logstreamname, rp_consumername
UNION ALL
SELECT 'coverage', coverage_account, NULL, NULL, NULL, awsregion, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, substr(eventtime, 1, 10),
  count(*), sum(CASE WHEN eventcategory = 'Data' OR managementevent = false THEN 1 ELSE 0 END),
  min(eventtime), max(eventtime), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM events
GROUP BY coverage_account, awsregion, substr(eventtime, 1, 10)
UNION ALL
SELECT 'function-created', recipientaccountid, NULL, NULL, NULL, awsregion, eventsource, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, rp_functionname, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, count(*), 0, min(eventtime), max(eventtime), NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM events
WHERE eventsource = 'lambda.amazonaws.com' AND eventname LIKE 'CreateFunction%' AND errorcode IS NULL
  AND rp_functionname IS NOT NULL AND recipientaccountid IS NOT NULL AND awsregion IS NOT NULL
GROUP BY recipientaccountid, awsregion, eventsource, rp_functionname
`;

/**
 * CloudTrail Lake variant: columns are camelCase, `eventTime` is a timestamp and
 * `requestParameters` a map of strings (`element_at`). Not run against Lake here (Lake is a managed
 * service, closed to new customers since 2026-05-31; test/usage/shared-event.test.ts runs its
 * sharedEventID count on DuckDB); its rows have the same columns and are ingested by the same
 * code. `names` comes back as the map's string value.
 */
export const LAKE_USAGE_QUERY = `-- leastrole usage aggregation, CloudTrail Lake (FROM <event data store id>).
SELECT 'usage' AS row_kind, recipientAccountId AS account_id,
  userIdentity.sessionContext.sessionIssuer.arn AS role_arn,
  nullif(regexp_extract(userIdentity.principalId, '^[^:]+:(.+)$', 1), '') AS session_name,
  userIdentity.invokedBy AS invoked_by, awsRegion AS aws_region, eventSource AS event_source,
  eventName AS event_name, errorCode AS error_code,
  CASE WHEN element_at(requestParameters, 'versionId') IS NULL THEN 0 ELSE 1 END AS version_id_present,
  array_join(transform(resources, r -> r.arn), chr(31)) AS resource_arns,
  element_at(requestParameters, 'bucketName') AS rp_bucketname, element_at(requestParameters, 'key') AS rp_key,
  element_at(requestParameters, 'tableName') AS rp_tablename, element_at(requestParameters, 'queueUrl') AS rp_queueurl,
  element_at(requestParameters, 'topicArn') AS rp_topicarn, element_at(requestParameters, 'targetArn') AS rp_targetarn,
  element_at(requestParameters, 'keyId') AS rp_keyid, element_at(requestParameters, 'secretId') AS rp_secretid,
  element_at(requestParameters, 'name') AS rp_name, element_at(requestParameters, 'names') AS rp_names,
  element_at(requestParameters, 'functionName') AS rp_functionname, element_at(requestParameters, 'streamName') AS rp_streamname,
  element_at(requestParameters, 'streamARN') AS rp_streamarn, element_at(requestParameters, 'logGroupName') AS rp_loggroupname,
  element_at(requestParameters, 'stateMachineArn') AS rp_statemachinearn,
  element_at(requestParameters, 'indexName') AS rp_indexname,
  element_at(requestParameters, 'x-amz-copy-source') AS rp_xamzcopysource,
  element_at(requestParameters, 'modelId') AS rp_modelid,
  element_at(requestParameters, 'restApiId') AS rp_restapiid,
  element_at(requestParameters, 'path') AS rp_path,
  element_at(requestParameters, 'taskDefinition') AS rp_taskdefinition,
  element_at(requestParameters, 'executionArn') AS rp_executionarn,
  element_at(requestParameters, 'deliveryStreamName') AS rp_deliverystreamname,
  element_at(requestParameters, 'userPoolId') AS rp_userpoolid,
  element_at(requestParameters, 'projectName') AS rp_projectname,
  element_at(requestParameters, 'jobName') AS rp_jobname,
  element_at(requestParameters, 'workGroup') AS rp_workgroup,
  element_at(requestParameters, 'databaseName') AS rp_databasename,
  element_at(requestParameters, 'catalogId') AS rp_catalogid,
  element_at(requestParameters, 'queueName') AS rp_queuename,
  element_at(requestParameters, 'queueOwnerAWSAccountId') AS rp_queueownerawsaccountid,
  element_at(requestParameters, 'streamArn') AS rp_dynamodbstreamarn,
  element_at(requestParameters, 'cluster') AS rp_cluster,
  element_at(requestParameters, 'service') AS rp_service,
  element_at(requestParameters, 'services') AS rp_services,
  element_at(requestParameters, 'jobQueue') AS rp_jobqueue,
  element_at(requestParameters, 'jobDefinition') AS rp_jobdefinition,
  NULL AS event_day, count(*) AS calls, 0 AS data_events,
  min(eventTime) AS first_seen, max(eventTime) AS last_seen,
  CASE WHEN errorCode IN (${REFUSAL_CODES_SQL}) THEN errorMessage END AS error_message,
  element_at(requestParameters, 'instancesSet') AS rp_instancesset,
  element_at(requestParameters, 'resourcesSet') AS rp_resourcesset,
  element_at(requestParameters, 'instanceId') AS rp_instanceid,
  element_at(requestParameters, 'volumeId') AS rp_volumeid,
  element_at(requestParameters, 'snapshotId') AS rp_snapshotid,
  element_at(requestParameters, 'groupId') AS rp_groupid,
  element_at(requestParameters, 'networkInterfaceId') AS rp_networkinterfaceid,
  element_at(requestParameters, 'userName') AS rp_username,
  element_at(requestParameters, 'groupName') AS rp_groupname,
  element_at(requestParameters, 'roleName') AS rp_rolename,
  element_at(requestParameters, 'instanceProfileName') AS rp_instanceprofilename,
  element_at(requestParameters, 'policyName') AS rp_policyname,
  element_at(requestParameters, 'policyArn') AS rp_policyarn,
  element_at(requestParameters, 'activityArn') AS rp_activityarn,
  element_at(requestParameters, 'trailName') AS rp_trailname,
  element_at(requestParameters, 'keyName') AS rp_keyname,
  element_at(requestParameters, 'newUserName') AS rp_newusername,
  element_at(requestParameters, 'newGroupName') AS rp_newgroupname,
  element_at(requestParameters, 'newPath') AS rp_newpath,
  -- Not the PartiQL verb (the Athena query's): an ExecuteStatement is counted under every PartiQL
  -- action, as before the column. Lake is closed to new customers, and its query is run here on
  -- DuckDB, whose element_at gives a list no string function takes.
  CAST(NULL AS VARCHAR) AS rp_statement,
  -- Not a multi-item call's items (the Athena query's rp_requestitems): Lake's requestParameters
  -- is a map<string, string> (CloudTrail user guide, "Supported SQL schemas for event data
  -- stores"), and how it writes a list as the map's string value is not documented. Such a call
  -- is counted under every candidate action, as before the column.
  CAST(NULL AS VARCHAR) AS rp_requestitems,
  CASE WHEN eventSource IN (${RDS_DATA_SOURCES_SQL}) THEN element_at(requestParameters, 'resourceArn') END AS rp_resourcearn,
  -- Not an AssumeRole's session tags or source identity (the Athena query's rp_sessiontags): how Lake's
  -- map<string, string> holds the tags list is not documented. Such a call counts sts:AssumeRole alone.
  CAST(NULL AS VARCHAR) AS rp_sessiontags,
  CASE WHEN eventSource = 'lambda.amazonaws.com' THEN element_at(requestParameters, 'qualifier') END AS rp_qualifier,
  CASE WHEN eventSource = 'logs.amazonaws.com' THEN element_at(requestParameters, 'logGroupIdentifier') END AS rp_loggroupidentifier,
  CASE WHEN eventSource = 'kinesis.amazonaws.com' THEN element_at(requestParameters, 'consumerARN') END AS rp_consumerarn,
  CASE WHEN eventSource = 'logs.amazonaws.com' THEN element_at(requestParameters, 'logStreamName') END AS rp_logstreamname,
  CASE WHEN eventSource = 'kinesis.amazonaws.com' THEN element_at(requestParameters, 'consumerName') END AS rp_consumername
FROM (
  -- The copies of one action sent to several accounts share a sharedEventID: one call, the caller's copy first.
  SELECT e.*, row_number() OVER (
    PARTITION BY sharedEventID
    ORDER BY CASE WHEN recipientAccountId <> userIdentity.accountId THEN 1 ELSE 0 END, eventTime, eventID) AS call_rn
  FROM {{table}} e
  WHERE eventTime >= timestamp '{{start}}' AND eventTime < timestamp '{{end}}'
)
WHERE (sharedEventID IS NULL OR call_rn = 1)
  AND userIdentity.type = 'AssumedRole' AND userIdentity.sessionContext.sessionIssuer.arn LIKE 'arn:%:iam::%:role/%'
  AND ${callEventTypeSql("eventType", false)}
GROUP BY 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82
UNION ALL
SELECT 'coverage', coalesce(recipientAccountId, userIdentity.accountId), NULL, NULL, NULL, awsRegion, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, date_format(eventTime, '%Y-%m-%d'), count(*),
  sum(CASE WHEN eventCategory = 'Data' THEN 1 ELSE 0 END), min(eventTime), max(eventTime), NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM {{table}}
WHERE eventTime >= timestamp '{{start}}' AND eventTime < timestamp '{{end}}'
GROUP BY 2, 6, 49
`;

export interface RenderOptions {
  table: string;
  /** ISO 8601 UTC, inclusive. */
  start: string;
  /** ISO 8601 UTC, exclusive. */
  end: string;
}

/** Fill in {{table}}, {{start}}, {{end}}; rejects values that could break out of the literal (InputError). */
export function renderUsageQuery(sql: string, o: RenderOptions): string {
  if (!/^[A-Za-z0-9_.\-"`]+$/.test(o.table)) throw new InputError(`table name ${JSON.stringify(o.table)} has characters that are not allowed`);
  for (const t of [o.start, o.end]) {
    if (!/^[0-9T:.\- Z]+$/.test(t)) throw new InputError(`timestamp ${JSON.stringify(t)} is not ISO 8601`);
  }
  return sql.replaceAll("{{table}}", o.table).replaceAll("{{start}}", o.start).replaceAll("{{end}}", o.end);
}

/**
 * Run the Athena query on DuckDB (local runs over downloaded logs, and our test): DuckDB lacks a
 * few Trino names, so macros supply them, `transform(` becomes `list_transform(` (a DuckDB
 * macro cannot take a lambda) and the type `ARRAY(JSON)` DuckDB's `JSON[]`. Nothing else changes.
 */
export const DUCKDB_TRINO_MACROS = [
  "CREATE OR REPLACE MACRO json_extract_scalar(j, p) AS json_extract_string(j, p)",
  "CREATE OR REPLACE MACRO json_format(j) AS CAST(j AS VARCHAR)",
  "CREATE OR REPLACE MACRO regexp_like(s, p) AS regexp_matches(s, p)",
  "CREATE OR REPLACE MACRO array_join(l, sep) AS array_to_string(l, sep)",
];

export function athenaToDuckDb(sql: string): string {
  // Trino's path for a key with a hyphen is `$["x-amz-copy-source"]`, DuckDB's `$."x-amz-copy-source"`.
  return sql
    .replace(/\btransform\(/g, "list_transform(")
    .replace(/'\$\["([^"\]]+)"\]'/g, `'$."$1"'`)
    .replaceAll(" AS ARRAY(JSON))", " AS JSON[])")
    .replaceAll(BLANK_QUOTED_VALUES, `${BLANK_QUOTED_VALUES}, 'g'`);
}

/**
 * A DuckDB view with the Athena table's columns over raw CloudTrail files (`{"Records":[…]}` or
 * bare arrays; `format` picks which). requestParameters becomes JSON text like the Hive SerDe's.
 */
export function duckDbCloudTrailView(glob: string, format: "records" | "array", name = "cloudtrail_logs"): string {
  const fields: [string, string][] = [
    ["eventTime", "VARCHAR"], ["eventSource", "VARCHAR"], ["eventName", "VARCHAR"], ["awsRegion", "VARCHAR"],
    ["errorCode", "VARCHAR"], ["errorMessage", "VARCHAR"], ["eventID", "VARCHAR"], ["sharedEventID", "VARCHAR"], ["eventType", "VARCHAR"], ["eventCategory", "VARCHAR"],
    ["managementEvent", "BOOLEAN"], ["recipientAccountId", "VARCHAR"], ["requestParameters", "JSON"],
    ["userIdentity", "STRUCT(type VARCHAR, principalId VARCHAR, arn VARCHAR, accountId VARCHAR, invokedBy VARCHAR, sessionContext STRUCT(sessionIssuer STRUCT(arn VARCHAR)))"],
    ["resources", "STRUCT(ARN VARCHAR, accountId VARCHAR, type VARCHAR)[]"],
  ];
  const lit = (x: string): string => `'${x.replace(/'/g, "''")}'`;
  const struct = `STRUCT(${fields.map(([k, t]) => `${k} ${t}`).join(", ")})`;
  const source =
    format === "records"
      ? `(SELECT unnest(Records) AS r FROM read_json(${lit(glob)}, columns = {'Records': ${lit(`${struct}[]`)}}, maximum_object_size = 1073741824))`
      : `(SELECT t AS r FROM read_json(${lit(glob)}, format = 'array', columns = {${fields.map(([k, t]) => `'${k}': ${lit(t)}`).join(", ")}}, maximum_object_size = 1073741824) t)`;
  return `CREATE OR REPLACE VIEW ${name} AS SELECT
    r.eventTime AS eventtime, r.eventSource AS eventsource, r.eventName AS eventname, r.awsRegion AS awsregion,
    r.errorCode AS errorcode, r.errorMessage AS errormessage, r.eventID AS eventid, r.sharedEventID AS sharedeventid, r.eventType AS eventtype, r.eventCategory AS eventcategory,
    r.managementEvent AS managementevent, r.recipientAccountId AS recipientaccountid,
    CAST(r.requestParameters AS VARCHAR) AS requestparameters,
    {'type': r.userIdentity.type, 'principalid': r.userIdentity.principalId, 'arn': r.userIdentity.arn,
     'accountid': r.userIdentity.accountId, 'invokedby': r.userIdentity.invokedBy,
     'sessioncontext': {'sessionissuer': {'arn': r.userIdentity.sessionContext.sessionIssuer.arn}}} AS useridentity,
    list_transform(r.resources, x -> {'arn': x.ARN, 'accountid': x.accountId, 'type': x.type}) AS resources
  FROM ${source}`;
}
