/**
 * Actions CloudTrail cannot show, so their absence from the logs proves nothing. A permission for
 * one of these is `unknowable`, never `unused`: calling it unused would have `generate` drop a
 * permission the function needs.
 *
 * Three kinds, each from the service's own "Logging … API calls with AWS CloudTrail" page or the
 * CloudTrail user guide's "Logging data events" table (researched 2026-11, quotes and URLs in
 * docs/usage.md, "What CloudTrail cannot show"):
 * - NOT_LOGGED / NOT_LOGGED_SERVICES: never recorded by CloudTrail (a data plane outside it, a call
 *   authorised inside another one, or one the Lambda service makes for the function).
 * - DATA_EVENTS: recorded only when the trail has a data-event selector for the resource type.
 *   Labelled unknowable unless the caller says data events were logged for every resource
 *   (`dataEventsLogged`), or the trail's selectors given with the logs log the action's type for
 *   every resource (DATA_EVENT_TYPES below; event-selectors.ts).
 * - UNCONFIRMED: no AWS documentation says whether CloudTrail records them (the CloudTrail table
 *   names the resource type but not the API list). Treated as data events: judged only when data
 *   events are logged for every resource.
 *
 * The list is for the actions Lambda functions commonly hold; an action not listed is taken to be a
 * management event, logged by every trail that logs management events. A trail can still leave
 * some out (reads, writes, KMS, the RDS Data API, or all of them): its selectors, when given, say
 * so, and otherwise its records show it (trail-gaps.ts).
 */

import { mayBeReadEvent } from "./trail-gaps.js";

const SQS_UNLOGGED = "SQS's read-only queue calls (GetQueueAttributes, GetQueueUrl, ListQueues, ListQueueTags, ListDeadLetterSourceQueues) are not among the calls the Amazon SQS Developer Guide says CloudTrail logs, as management or as data events";

const OPENSEARCH_HTTP = "OpenSearch HTTP calls to a domain (ESHttp*) are not logged by CloudTrail, which records the configuration API only";

export const NOT_LOGGED: { readonly [action: string]: string } = {
  "iam:passrole": "iam:PassRole is authorised inside another call and never logged by CloudTrail",
  // Permissions-only actions ("In addition to the action that matches the API operation, you must
  // have the following permissions-only action in your policy", IAM user guide, "Permissions
  // required to add session tags" and "… to set source identity"): an AssumeRole that passes tags
  // or a sourceIdentity needs them in the caller's policy, and CloudTrail records only the
  // AssumeRole. Before, a function role's sts:TagSession was "unused" and generate dropped it.
  "sts:tagsession": "sts:TagSession is authorised inside AssumeRole (or AssumeRoleWithSAML/WithWebIdentity, GetFederationToken) when the call passes session tags; CloudTrail never logs it apart (an AssumeRole record that shows its tags counts it used: session-tags.ts)",
  "sts:setsourceidentity": "sts:SetSourceIdentity is authorised inside AssumeRole (or AssumeRoleWithSAML/WithWebIdentity) when the call sets a source identity; CloudTrail never logs it apart (an AssumeRole record that shows it counts it used: session-tags.ts)",
  "logs:createloggroup": "the Lambda service creates the function's log group with the execution role; not seen as the function's call",
  "logs:createlogstream": "the Lambda service writes the function's logs with the execution role; not seen as the function's call",
  "logs:putlogevents": "the Lambda service writes the function's logs with the execution role; not logged by CloudTrail",
  "logs:getlogevents": "CloudWatch Logs GetLogEvents is not logged by CloudTrail",
  "logs:filterlogevents": "CloudWatch Logs FilterLogEvents is not logged by CloudTrail",
  "timestream:writerecords": "Timestream WriteRecords is not logged by CloudTrail (only management and Query calls are)",
  "timestream:describeendpoints": "Timestream DescribeEndpoints is not logged by CloudTrail",
  // OpenSearch Service: CloudTrail "captures all configuration API calls" (es:CreateDomain,
  // es:UpdateDomainConfig … are management events, judged as any other); the HTTP calls to a domain
  // (es:ESHttp*) and cross-cluster reads are the data plane, not logged. Before, the whole `es`
  // service was taken as never logged, so `es:*` kept es:DeleteDomain and the configuration API.
  "es:eshttpget": OPENSEARCH_HTTP,
  "es:eshttphead": OPENSEARCH_HTTP,
  "es:eshttppost": OPENSEARCH_HTTP,
  "es:eshttpput": OPENSEARCH_HTTP,
  "es:eshttppatch": OPENSEARCH_HTTP,
  "es:eshttpdelete": OPENSEARCH_HTTP,
  "es:escrossclusterget": "OpenSearch cross-cluster search reads are made by the domain, not logged by CloudTrail",
  "elasticache:connect": "ElastiCache IAM authentication is checked by the cache with a presigned token; no CloudTrail event",
  "memorydb:connect": "MemoryDB IAM authentication is checked by the cluster with a presigned token; no CloudTrail event",
  // Absent from Lambda's list of the management events it logs.
  "lambda:getlayerversion": "Lambda does not log GetLayerVersion to CloudTrail",
  "lambda:listlayers": "Lambda does not log ListLayers to CloudTrail",
  "lambda:listlayerversions": "Lambda does not log ListLayerVersions to CloudTrail",
  "lambda:getaccountsettings": "Lambda does not log GetAccountSettings to CloudTrail",
  "lambda:listversionsbyfunction": "Lambda does not log ListVersionsByFunction to CloudTrail",
  "lambda:listaliases": "Lambda does not log ListAliases to CloudTrail",
  "lambda:listtags": "Lambda does not log ListTags to CloudTrail",
  // SQS's read-only queue calls. The Amazon SQS Developer Guide's CloudTrail page has lists of the
  // management events, the data events and the APIs "not supported for CloudTrail logging"
  // (sqs-logging-using-cloudtrail.html, 2023); its earlier versions (awsdocs/amazon-sqs-developer-guide,
  // doc_source/sqs-logging-using-cloudtrail.md, 48865bf5a00d) say "Amazon SQS supports logging the
  // following actions: AddPermission, CreateQueue, DeleteQueue, PurgeQueue, RemovePermission,
  // SetQueueAttributes", none of these. They were taken as data events of AWS::SQS::Queue, so a
  // trail whose selectors log that type for every queue had them judged, and one the function
  // used but CloudTrail never showed called unused (generate dropped it). Never judged now: a
  // call seen is still used.
  "sqs:getqueueattributes": SQS_UNLOGGED,
  "sqs:getqueueurl": SQS_UNLOGGED,
  "sqs:listqueues": SQS_UNLOGGED,
  "sqs:listqueuetags": SQS_UNLOGGED,
  "sqs:listdeadlettersourcequeues": SQS_UNLOGGED,
  "iot:publish": "AWS IoT data plane calls (Publish, Connect, Subscribe, Receive, shadows) are not logged by CloudTrail",
  "iot:connect": "AWS IoT data plane calls (Publish, Connect, Subscribe, Receive, shadows) are not logged by CloudTrail",
  "iot:subscribe": "AWS IoT data plane calls (Publish, Connect, Subscribe, Receive, shadows) are not logged by CloudTrail",
  "iot:receive": "AWS IoT data plane calls (Publish, Connect, Subscribe, Receive, shadows) are not logged by CloudTrail",
  "iot:getthingshadow": "AWS IoT data plane calls (Publish, Connect, Subscribe, Receive, shadows) are not logged by CloudTrail",
  "iot:updatethingshadow": "AWS IoT data plane calls (Publish, Connect, Subscribe, Receive, shadows) are not logged by CloudTrail",
  "iot:deletethingshadow": "AWS IoT data plane calls (Publish, Connect, Subscribe, Receive, shadows) are not logged by CloudTrail",
  "iot:listnamedshadowsforthing": "AWS IoT data plane calls (Publish, Connect, Subscribe, Receive, shadows) are not logged by CloudTrail",
  "iot:getretainedmessage": "AWS IoT data plane calls (Publish, Connect, Subscribe, Receive, shadows) are not logged by CloudTrail",
  "iot:listretainedmessages": "AWS IoT data plane calls (Publish, Connect, Subscribe, Receive, shadows) are not logged by CloudTrail",
};

/** Services none of whose actions CloudTrail records (their data plane is outside it). */
export const NOT_LOGGED_SERVICES: { readonly [service: string]: string } = {
  "execute-api": "API Gateway's execute-api calls (Invoke, ManageConnections) are not logged by CloudTrail, which records API Gateway's management API only",
  "neptune-db": "Neptune database calls are not logged by CloudTrail, which records the Neptune management API only",
  "rds-db": "rds-db:connect is checked by the database with a presigned token; no CloudTrail event",
};

const DATA_EVENTS: { readonly [service: string]: readonly string[] } = {
  s3: [
    "GetObject", "GetObjectVersion", "GetObjectAcl", "GetObjectVersionAcl", "GetObjectTagging", "GetObjectVersionTagging",
    "GetObjectAttributes", "GetObjectVersionAttributes", "GetObjectRetention", "GetObjectLegalHold", "PutObject", "PutObjectAcl",
    "PutObjectVersionAcl", "PutObjectTagging", "PutObjectVersionTagging", "PutObjectRetention", "PutObjectLegalHold",
    "DeleteObject", "DeleteObjectVersion", "DeleteObjectTagging", "DeleteObjectVersionTagging", "RestoreObject",
    "AbortMultipartUpload", "ListMultipartUploadParts", "ListBucket", "ListBucketVersions", "ListBucketMultipartUploads",
  ],
  s3express: ["CreateSession"],
  "s3-object-lambda": ["WriteGetObjectResponse"],
  dynamodb: [
    "GetItem", "BatchGetItem", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "ConditionCheckItem", "Query", "Scan",
    "PartiQLSelect", "PartiQLInsert", "PartiQLUpdate", "PartiQLDelete", "GetRecords", "GetShardIterator",
  ],
  lambda: ["InvokeFunction", "InvokeFunctionUrl", "InvokeAsync"],
  // The message calls (their batch forms are authorised as these). The Amazon SQS Developer Guide,
  // "Logging Amazon SQS API calls using AWS CloudTrail"
  // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/logging-using-cloudtrail.html):
  // SendMessage and the other operations on messages are data events of AWS::SQS::Queue; queue
  // management calls (AddPermission …) are management events. The queue's read-only calls are
  // in SQS_UNLOGGED below, not here.
  sqs: ["SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility"],
  sns: ["Publish"],
  kinesis: ["PutRecord", "PutRecords", "GetRecords", "GetShardIterator", "SubscribeToShard"],
  firehose: ["PutRecord", "PutRecordBatch"],
  cloudwatch: ["PutMetricData", "GetMetricData", "GetMetricStatistics", "ListMetrics", "GetMetricWidgetImage"],
  events: ["PutEvents", "PutPartnerEvents"],
  xray: [
    "PutTraceSegments", "PutTelemetryRecords", "GetSamplingTargets", "GetTraceSummaries", "BatchGetTraces", "GetTraceGraph",
    "GetServiceGraph", "GetTimeSeriesServiceStatistics",
  ],
  appconfig: ["StartConfigurationSession", "GetLatestConfiguration"],
  appsync: ["GraphQL"],
  bedrock: [
    "InvokeAgent", "InvokeInlineAgent", "Retrieve", "RetrieveAndGenerate", "InvokeFlow", "RenderPrompt", "ApplyGuardrail",
    "InvokeModelWithBidirectionalStream", "GetAsyncInvoke", "StartAsyncInvoke", "ListAsyncInvokes",
  ],
  sagemaker: ["InvokeEndpoint", "InvokeEndpointAsync", "InvokeEndpointWithResponseStream"],
  ses: ["SendEmail", "SendRawEmail", "SendTemplatedEmail", "SendBulkTemplatedEmail", "SendBulkEmail"],
  "cognito-identity": ["GetId", "GetCredentialsForIdentity", "GetOpenIdToken", "GetOpenIdTokenForDeveloperIdentity", "UnlinkIdentity"],
  dsql: ["DbConnect", "DbConnectAdmin"],
  "rds-data": ["ExecuteStatement", "BatchExecuteStatement", "BeginTransaction", "CommitTransaction", "RollbackTransaction", "ExecuteSql"],
  timestream: ["Select", "SelectValues"],
  aoss: ["APIAccessAll", "DashboardsAccessAll"],
  "kinesisvideo": ["GetMedia", "PutMedia", "GetMediaForFragmentList", "GetHLSStreamingSessionURL", "GetDASHStreamingSessionURL", "GetClip"],
};

/**
 * The data-event resource type (`resources.type` of an event selector) under which CloudTrail
 * records each data-event action, for the types whose selectors leastrole reads (event-selectors.ts).
 * A trail whose selectors log one of these types for every resource, reads and writes, shows every
 * call of its actions: they can then be judged unused like management events.
 *
 * Only types whose actions map to one type without doubt are listed (CloudTrail user guide,
 * "Logging data events", and the DataResource API reference for the three basic types). Left out,
 * so judged only under `usage.dataEventsLogged`: SNS Publish (a topic, a platform endpoint or a
 * phone number: three cases, one of which no selector covers), and the newer types whose API lists
 * the guide does not give.
 */
const DATA_EVENT_TYPES: { readonly [type: string]: { readonly [service: string]: readonly string[] } } = {
  "AWS::S3::Object": { s3: DATA_EVENTS.s3 as readonly string[] },
  "AWS::DynamoDB::Table": { dynamodb: (DATA_EVENTS.dynamodb as readonly string[]).filter((a) => a !== "GetRecords" && a !== "GetShardIterator") },
  "AWS::DynamoDB::Stream": { dynamodb: ["GetRecords", "GetShardIterator"] },
  "AWS::Lambda::Function": { lambda: ["InvokeFunction", "InvokeAsync"] },
  "AWS::SQS::Queue": { sqs: DATA_EVENTS.sqs as readonly string[] },
  "AWS::Kinesis::Stream": { kinesis: ["PutRecord", "PutRecords", "GetRecords", "GetShardIterator"] },
  "AWS::Kinesis::StreamConsumer": { kinesis: ["SubscribeToShard"] },
};

const TYPE_OF_ACTION: ReadonlyMap<string, string> = new Map(
  Object.entries(DATA_EVENT_TYPES).flatMap(([type, table]) => [...actionSet(table)].map((a) => [a, type] as const)),
);

/** The data-event resource type the action is recorded under, when leastrole reads selectors for it (null otherwise). */
export function dataEventTypeOf(action: string): string | null {
  return TYPE_OF_ACTION.get(action.toLowerCase()) ?? null;
}

/** The data-event resource types whose selectors are read (sorted). */
export const JUDGED_DATA_EVENT_TYPES: readonly string[] = Object.keys(DATA_EVENT_TYPES).sort();

/**
 * A data-event action's class as CloudTrail's `readOnly` gives it, which is what a selector's
 * `readOnly` (advanced) or `ReadWriteType` (basic) filters on: `read` when both the catalog's
 * access level (Read, List) and the name (mayBeReadEvent) say so, `write` when both say it is not a
 * read. Null when they disagree, or the action is not a data event: sqs:ReceiveMessage (Read in
 * IAM, yet it changes the message's visibility and receive count), dynamodb:ConditionCheckItem
 * (recorded as the TransactWriteItems it is part of), dynamodb:PartiQLSelect (one ExecuteStatement
 * event for reads and writes), kinesis:SubscribeToShard. The AWS docs list which data-event APIs
 * each service logs, not the readOnly of each (CloudTrail user guide, "Logging data events"; the
 * SQS developer guide's data event list): where the two sources disagree, neither is trusted, and
 * such an action is judged only where both classes are logged.
 */
export function dataEventClassOf(action: string, accessLevel: string | null): "read" | "write" | null {
  const lower = action.toLowerCase();
  if (!isDataEventAction(lower)) return null;
  const readName = mayBeReadEvent(lower, null);
  if ((accessLevel === "Read" || accessLevel === "List") && readName) return "read";
  if ((accessLevel === "Write" || accessLevel === "Tagging" || accessLevel === "Permissions management") && !readName) return "write";
  return null;
}

/** Recorded or not, AWS does not say (resource types whose API lists the docs leave out). */
const UNCONFIRMED: { readonly [service: string]: readonly string[] } = {
  kinesis: ["ListShards", "DescribeStreamSummary"],
  // A durable function's checkpoints (the durable SDK calls them with the execution role, many
  // times per execution): Lambda's CloudTrail page does not list them either way.
  lambda: ["CheckpointDurableExecution", "GetDurableExecutionState"],
  states: ["SendTaskSuccess", "SendTaskFailure", "SendTaskHeartbeat", "GetActivityTask", "StartSyncExecution"],
  logs: ["GetQueryResults"],
  xray: ["GetSamplingRules"],
};

function actionSet(table: { readonly [service: string]: readonly string[] }): ReadonlySet<string> {
  return new Set(Object.entries(table).flatMap(([svc, actions]) => actions.map((a) => `${svc}:${a}`.toLowerCase())));
}

export const DATA_EVENT_ACTIONS: ReadonlySet<string> = actionSet(DATA_EVENTS);

export const UNCONFIRMED_ACTIONS: ReadonlySet<string> = actionSet(UNCONFIRMED);

export function notLoggedReason(action: string): string | null {
  const lower = action.toLowerCase();
  // Own keys only: `constructor:Foo` must not find Object.prototype.constructor.
  const service = lower.slice(0, lower.indexOf(":"));
  if (Object.hasOwn(NOT_LOGGED, lower)) return NOT_LOGGED[lower] as string;
  return Object.hasOwn(NOT_LOGGED_SERVICES, service) ? (NOT_LOGGED_SERVICES[service] as string) : null;
}

export function isDataEventAction(action: string): boolean {
  return DATA_EVENT_ACTIONS.has(action.toLowerCase());
}

/** Whether CloudTrail records the action is not documented: judged only as a data event would be. */
export function isUnconfirmedAction(action: string): boolean {
  return UNCONFIRMED_ACTIONS.has(action.toLowerCase());
}
