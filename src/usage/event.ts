import type { DdbItem } from "./ddb-items.js";

/**
 * The few fields of a CloudTrail record that usage needs. Both readers (the full JSON.parse reader
 * and the byte scanner) produce exactly this, and a test holds them equal over the corpus and over
 * generated records. Everything else in a record (responseElements, userAgent, tlsDetails, …) is
 * never materialised.
 */

/**
 * The record keys the byte scanners read, in the order of their field ids (scan-records.ts keeps
 * eventID and eventTime first, the strings through eventCategory next; the WebAssembly scanner's
 * K_* constants follow this order).
 */
export const RECORD_KEYS = [
  "eventID",
  "eventTime",
  "eventSource",
  "eventName",
  "awsRegion",
  "recipientAccountId",
  "errorCode",
  "eventType",
  "eventCategory",
  "managementEvent",
  "userIdentity",
  "resources",
  "requestParameters",
  "readOnly",
  // Read only on records with an errorCode (denials.ts): what KMS or IAM refused, and on what.
  "errorMessage",
  // One AWS action delivered to several accounts (a cross-account KMS call: the caller's and the
  // key owner's copy) shares it: the dedup counts the action once (dedup.ts).
  "sharedEventID",
] as const;

/** requestParameters keys read for resource ARNs; all top-level, all strings (LIST_PARAM_KEYS: lists of strings; SET_PARAM_KEYS: EC2 sets, read as their items' ids). */
export const PARAM_KEYS = [
  "bucketName",
  "key",
  "versionId",
  "tableName",
  "queueUrl",
  "topicArn",
  "targetArn",
  "keyId",
  "secretId",
  "name",
  "names",
  "functionName",
  "streamName",
  "streamARN",
  "logGroupName",
  "stateMachineArn",
  // DynamoDB Query/Scan on a secondary index: the index is a resource of its own (table/<t>/index/<i>).
  "indexName",
  // S3 CopyObject and UploadPartCopy: the object copied from (`bucket/key[?versionId=…]`), read
  // with s3:GetObject, while the call's own bucket and key are the destination, written.
  "x-amz-copy-source",
  // Bedrock InvokeModel, Converse … : the model, inference profile or provisioned model invoked
  // (a model id, an inference profile id or an ARN; resources.ts bedrockModelArns).
  "modelId",
  // API Gateway management calls on one API (GetRestApi, GetStages …): the path's /restapis/<id>.
  "restApiId",
  // SSM GetParametersByPath: authorised on the path it names, not on the parameters it returns.
  "path",
  // ECS RunTask and StartTask: the task definition run (family, family:revision or an ARN).
  "taskDefinition",
  // Step Functions DescribeExecution, StopExecution, GetExecutionHistory: the execution's ARN.
  "executionArn",
  // Firehose PutRecord, PutRecordBatch: the stream written to (a name).
  "deliveryStreamName",
  // Cognito user pools (AdminGetUser, AdminCreateUser, ListUsers …): the pool's id.
  "userPoolId",
  // CodeBuild StartBuild: the project built (a name or an ARN).
  "projectName",
  // Glue StartJobRun, GetJobRun, GetJobRuns: the job.
  "jobName",
  // Athena StartQueryExecution, GetWorkGroup …: the workgroup (absent: primary, not derived).
  "workGroup",
  // Glue Data Catalog (GetTable, GetPartitions …, often Athena's on the caller's behalf): the
  // database, and the catalog's account when another's (with tableName, or `name` for GetTable).
  "databaseName",
  "catalogId",
  // SQS GetQueueUrl and CreateQueue: the queue by name, in its owner's account when another's.
  "queueName",
  "queueOwnerAWSAccountId",
  // DynamoDB Streams DescribeStream and GetShardIterator (a stream-triggered function's event
  // source mapping calls them with its role): the stream's ARN. Spelt so by DynamoDB, `streamARN`
  // by Kinesis: two keys (the scanners match keys exactly), two query columns (paramColumn).
  "streamArn",
  // ECS UpdateService, DeleteService (`service`) and DescribeServices (`services`, a list): the
  // service by name or ARN, in `cluster` (a name or an ARN; absent: the cluster named default).
  "cluster",
  "service",
  "services",
  // Batch SubmitJob: the job queue and the job definition (name, name:revision or ARN), both
  // authorised (Batch user guide, "Resource: Restrict to a job queue").
  "jobQueue",
  "jobDefinition",
  // EC2 calls on instances (StopInstances …: `instancesSet.items[].instanceId`), on tagged
  // resources (CreateTags, DeleteTags: `resourcesSet.items[].resourceId`), on one instance, volume,
  // snapshot, security group or network interface by id (resources.ts ec2Arns).
  "instancesSet",
  "resourcesSet",
  "instanceId",
  "volumeId",
  "snapshotId",
  "groupId",
  "networkInterfaceId",
  // EC2 CreateKeyPair, ImportKeyPair, DeleteKeyPair: the key pair, whose ARN is by name (key-pair/<name>).
  "keyName",
  // IAM: the user, group, role, instance profile or managed policy a Create* call makes (by name,
  // under `path`), and the managed policy a policy call names (policyArn).
  "userName",
  "groupName",
  "roleName",
  "instanceProfileName",
  "policyName",
  "policyArn",
  // Step Functions DeleteActivity, DescribeActivity, GetActivityTask: the activity's ARN.
  "activityArn",
  // CloudTrail GetEventSelectors, PutEventSelectors …: the trail (name or ARN; UpdateTrail,
  // StartLogging … name it by `name`).
  "trailName",
  // IAM UpdateUser / UpdateGroup: the new name and path a rename gives, which it is authorised on
  // too (resources.ts iamArns).
  "newUserName",
  "newGroupName",
  "newPath",
  // DynamoDB ExecuteStatement: the PartiQL statement (non-key values redacted), whose verb says
  // which PartiQL action authorised it (event-actions.ts partiqlEventName). Read for that call only;
  // the Athena and Security Lake queries give its verb and a SELECT's FROM name (rp_statement), the CloudTrail Lake query none.
  "statement",
  // RDS Data API (rdsdata, rdsdataapi): the Aurora cluster a statement runs on, which its records
  // name nowhere else (no resources[]): the rds-data actions are authorised on it (resources.ts).
  "resourceArn",
  // Lambda (GetFunction, GetFunctionConfiguration, GetPolicy, Invoke …): a version or alias given
  // apart from functionName; the call is authorised on the qualified ARN (resources.ts functionArn).
  "qualifier",
  // CloudWatch Logs (DescribeLogStreams, GetLogEvents, FilterLogEvents, GetLogGroupFields …): the
  // log group by name or ARN, given instead of logGroupName (resources.ts logGroupIdentifierArn).
  "logGroupIdentifier",
  // Kinesis SubscribeToShard, DescribeStreamConsumer, DeregisterStreamConsumer: the enhanced
  // fan-out consumer, by its ARN (stream/<s>/consumer/<c>:<timestamp>), which they are authorised on.
  "consumerARN",
  // CloudWatch Logs CreateLogStream, DeleteLogStream, GetLogEvents, PutLogEvents: the log stream,
  // which they are authorised on (log-group:<g>:log-stream:<s>), with logGroupName or logGroupIdentifier.
  "logStreamName",
  // Kinesis DescribeStreamConsumer, DeregisterStreamConsumer by streamARN and consumerName instead of
  // consumerARN: the consumer, which they are authorised on (stream/<s>/consumer/<c>:*, any creation time).
  "consumerName",
] as const;

export type ParamKey = (typeof PARAM_KEYS)[number];

/**
 * The keys whose value is a list of strings (SSM GetParameters' `names`, ECS DescribeServices'
 * `services`): every reader keeps such a list only when all its elements are strings.
 */
export const LIST_PARAM_KEYS = ["names", "services"] as const satisfies readonly ParamKey[];

export type ListParamKey = (typeof LIST_PARAM_KEYS)[number];

export function isListParamKey(key: string): key is ListParamKey {
  return key === "names" || key === "services";
}

/**
 * EC2's sets, as its query API writes them into CloudTrail: `{"items": [{"<id key>": "…"}, …]}`
 * (`instancesSet` of StopInstances, `resourcesSet` of CreateTags). Read as the list of the items'
 * ids, kept only when `items` is an array of objects each with a string id (a RunInstances
 * instancesSet, whose items are launch specifications without an instanceId, gives none), as a
 * list key's list only when all its elements are strings. Duplicate keys: the last one wins, at
 * every level, as with JSON.parse.
 */
export const SET_PARAM_KEYS = { instancesSet: "instanceId", resourcesSet: "resourceId" } as const satisfies { readonly [k in ParamKey]?: string };

export type SetParamKey = keyof typeof SET_PARAM_KEYS;

export function isSetParamKey(key: string): key is SetParamKey {
  return key === "instancesSet" || key === "resourcesSet";
}

/**
 * Keys whose lower-cased column would be another key's (`streamArn`, `streamARN`): their own
 * column name.
 */
const COLUMN_OVERRIDES: { readonly [k: string]: string } = { streamArn: "rp_dynamodbstreamarn" };

/** The query-row column of a requestParameters key: `rp_` and its letters and digits, lower case (`rp_xamzcopysource`). */
export function paramColumn(key: ParamKey): string {
  return Object.hasOwn(COLUMN_OVERRIDES, key) ? (COLUMN_OVERRIDES[key] as string) : `rp_${key.toLowerCase().replace(/[^a-z0-9]/g, "")}`;
}

/** Selected requestParameters: only string values (and the list keys' string lists, the set keys' ids) are kept. */
export type RequestParams = { [K in ParamKey]?: K extends ListParamKey | SetParamKey ? string[] : string };

export interface UsageEvent {
  eventId: string | null;
  /**
   * `sharedEventID`: CloudTrail's id of one AWS action whose events went to several accounts
   * (each copy has its own eventID and recipientAccountId). When present, the call is
   * deduplicated by it instead of eventID (dedup.ts).
   */
  sharedEventId: string | null;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string | null;
  recipientAccountId: string | null;
  errorCode: string | null;
  /**
   * `errorMessage`, only when the record has an errorCode (null otherwise, whatever the record
   * holds): denials.ts reads what a refusal's message names.
   */
  errorMessage: string | null;
  eventType: string | null;
  eventCategory: string | null;
  /** `managementEvent` (absent on old records → null). */
  managementEvent: boolean | null;
  /** `readOnly`: whether the call only reads (absent on old records, and on some events → null). */
  readOnly: boolean | null;
  identityType: string | null;
  /** userIdentity.arn */
  principalArn: string | null;
  /** userIdentity.principalId (`AROA…:<session>` for assumed roles). */
  principalId: string | null;
  /** userIdentity.accountId */
  identityAccountId: string | null;
  /** userIdentity.invokedBy */
  invokedBy: string | null;
  /** userIdentity.sessionContext.sessionIssuer.arn */
  issuerArn: string | null;
  /**
   * userIdentity.inScopeOf.credentialsIssuedTo when inScopeOf.issuerType is
   * `AWS::Lambda::Function` (LAMBDA_ISSUER_TYPE): the function whose execution-role credentials
   * made the call, its ARN with region and account (attribution.ts). Null otherwise.
   */
  issuedToFunction: string | null;
  /** resources[].ARN, in record order. */
  resources: string[];
  params: RequestParams;
  /**
   * A DynamoDB TransactWriteItems, BatchExecuteStatement or ExecuteTransaction call's items, each
   * with the action it needs and its table (ddb-items.ts), when every item could be read; absent
   * otherwise (the call then counts every candidate action). Only the full parser reads them: the
   * scanners hand such records to it (requestParameters.requestItems is a list of objects).
   */
  items?: DdbItem[];
  /**
   * The event name a call is counted under when its request, not its name, says which actions
   * authorised it and the scanners do not read that part: a Secrets Manager BatchGetSecretValue by
   * `filters` or by `secretIdList` (secret-batches.ts). Absent otherwise. Only the full parser sets
   * it: the scanners hand such records to it.
   */
  countedAs?: string;
}

/** The fields a record must have to be counted; a record without them is skipped and reported. */
export const REQUIRED_FIELDS = ["eventTime", "eventSource", "eventName"] as const;
