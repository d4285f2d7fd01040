-- leastrole usage aggregation, CloudTrail Lake (FROM <event data store id>).
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
  NULL AS event_day, count(*) AS calls, 0 AS data_events,
  min(eventTime) AS first_seen, max(eventTime) AS last_seen
FROM {{table}}
WHERE eventTime >= timestamp '{{start}}' AND eventTime < timestamp '{{end}}'
  AND userIdentity.type = 'AssumedRole' AND userIdentity.sessionContext.sessionIssuer.arn LIKE 'arn:%:iam::%:role/%'
  AND eventType = 'AwsApiCall'
GROUP BY 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26
UNION ALL
SELECT 'coverage', coalesce(recipientAccountId, userIdentity.accountId), NULL, NULL, NULL, awsRegion, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  date_format(eventTime, '%Y-%m-%d'), count(*),
  sum(CASE WHEN eventCategory = 'Data' THEN 1 ELSE 0 END), min(eventTime), max(eventTime)
FROM {{table}}
WHERE eventTime >= timestamp '{{start}}' AND eventTime < timestamp '{{end}}'
GROUP BY 2, 6, 27
