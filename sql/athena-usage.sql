-- leastrole usage aggregation (Athena engine v3 / Trino). Rows are ingested by readUsage().
WITH deduped AS (
  SELECT t.*, row_number() OVER (PARTITION BY eventid ORDER BY eventtime) AS rn
  FROM {{table}} t
  WHERE eventtime >= '{{start}}' AND eventtime < '{{end}}'
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
    json_extract_scalar(requestparameters, '$.stateMachineArn') AS rp_statemachinearn
  FROM deduped
  WHERE rn = 1 OR eventid IS NULL
)
SELECT 'usage' AS row_kind, recipientaccountid AS account_id, role_arn, session_name, invoked_by, awsregion AS aws_region,
  eventsource AS event_source, eventname AS event_name, errorcode AS error_code, version_id_present,
  resource_arns, rp_bucketname, rp_key, rp_tablename, rp_queueurl, rp_topicarn, rp_targetarn, rp_keyid,
  rp_secretid, rp_name, rp_names, rp_functionname, rp_streamname, rp_streamarn, rp_loggroupname,
  rp_statemachinearn, CAST(NULL AS VARCHAR) AS event_day, count(*) AS calls, 0 AS data_events,
  min(eventtime) AS first_seen, max(eventtime) AS last_seen
FROM events
WHERE role_arn IS NOT NULL AND session_name IS NOT NULL AND (eventtype IS NULL OR eventtype = 'AwsApiCall')
GROUP BY recipientaccountid, role_arn, session_name, invoked_by, awsregion, eventsource, eventname, errorcode,
  version_id_present, resource_arns, rp_bucketname, rp_key, rp_tablename, rp_queueurl, rp_topicarn,
  rp_targetarn, rp_keyid, rp_secretid, rp_name, rp_names, rp_functionname, rp_streamname, rp_streamarn,
  rp_loggroupname, rp_statemachinearn
UNION ALL
SELECT 'coverage', coverage_account, NULL, NULL, NULL, awsregion, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, substr(eventtime, 1, 10),
  count(*), sum(CASE WHEN eventcategory = 'Data' OR managementevent = false THEN 1 ELSE 0 END),
  min(eventtime), max(eventtime)
FROM events
GROUP BY coverage_account, awsregion, substr(eventtime, 1, 10)
UNION ALL
SELECT 'function-created', recipientaccountid, NULL, NULL, NULL, awsregion, eventsource, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, rp_functionname, NULL, NULL, NULL, NULL,
  NULL, count(*), 0, min(eventtime), max(eventtime)
FROM events
WHERE eventsource = 'lambda.amazonaws.com' AND eventname LIKE 'CreateFunction%' AND errorcode IS NULL
  AND rp_functionname IS NOT NULL AND recipientaccountid IS NOT NULL AND awsregion IS NOT NULL
GROUP BY recipientaccountid, awsregion, eventsource, rp_functionname
