/**
 * Actions CloudTrail cannot show, so their absence from the logs proves nothing.
 *
 * - NOT_LOGGED: never an API call of their own, or made by the Lambda service for the function.
 *   iam:PassRole is authorised inside another call and never logged ("Access Analyzer policy
 *   generation … iam:PassRole is not tracked by CloudTrail", IAM user guide,
 *   access-analyzer-policy-generation); the function's own log writes and X-Ray segments are made
 *   by the Lambda runtime (input-formats.md §3.6, to be confirmed on a trail with those events).
 * - DATA_EVENT_ACTIONS: logged only when the trail has data-event selectors for them (CloudTrail
 *   user guide, "Logging data events"; Lambda guide: Invoke is a data event). Labelled unknowable
 *   unless the caller says data events were logged for every resource (`dataEventsLogged`).
 */

export const NOT_LOGGED: { readonly [action: string]: string } = {
  "iam:passrole": "iam:PassRole is authorised inside another call and never logged by CloudTrail",
  "logs:createloggroup": "the Lambda service creates the function's log group with the execution role; not seen as the function's call",
  "logs:createlogstream": "the Lambda service writes the function's logs with the execution role; not seen as the function's call",
  "logs:putlogevents": "the Lambda service writes the function's logs with the execution role; not logged by CloudTrail",
  "xray:puttracesegments": "X-Ray segments are sent by the Lambda runtime; not logged by CloudTrail",
  "xray:puttelemetryrecords": "X-Ray telemetry is sent by the Lambda runtime; not logged by CloudTrail",
};

const DATA_EVENTS: { readonly [service: string]: readonly string[] } = {
  s3: [
    "GetObject", "GetObjectVersion", "GetObjectAcl", "GetObjectVersionAcl", "GetObjectTagging", "GetObjectVersionTagging",
    "GetObjectAttributes", "GetObjectVersionAttributes", "GetObjectRetention", "GetObjectLegalHold", "PutObject", "PutObjectAcl",
    "PutObjectVersionAcl", "PutObjectTagging", "PutObjectVersionTagging", "PutObjectRetention", "PutObjectLegalHold",
    "DeleteObject", "DeleteObjectVersion", "DeleteObjectTagging", "DeleteObjectVersionTagging", "RestoreObject",
    "AbortMultipartUpload", "ListMultipartUploadParts", "ListBucket", "ListBucketVersions", "ListBucketMultipartUploads",
  ],
  dynamodb: [
    "GetItem", "BatchGetItem", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "ConditionCheckItem", "Query", "Scan",
    "PartiQLSelect", "PartiQLInsert", "PartiQLUpdate", "PartiQLDelete", "GetRecords", "GetShardIterator",
  ],
  lambda: ["InvokeFunction", "InvokeFunctionUrl"],
  sqs: ["SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility"],
  sns: ["Publish"],
  kinesis: ["PutRecord", "PutRecords", "GetRecords", "GetShardIterator", "SubscribeToShard"],
  "s3-object-lambda": ["WriteGetObjectResponse"],
};

export const DATA_EVENT_ACTIONS: ReadonlySet<string> = new Set(
  Object.entries(DATA_EVENTS).flatMap(([svc, actions]) => actions.map((a) => `${svc}:${a}`.toLowerCase())),
);

export function notLoggedReason(action: string): string | null {
  return NOT_LOGGED[action.toLowerCase()] ?? null;
}

export function isDataEventAction(action: string): boolean {
  return DATA_EVENT_ACTIONS.has(action.toLowerCase());
}
