/**
 * Resource ARNs of a call: `resources[]` when the record has it (S3, KMS, STS …), otherwise
 * derived from requestParameters for the common services. Formats follow the ARN tables in the
 * Service Authorization Reference (table/<name>, queue name (from queueUrl or queueName), parameter/<name>, secret:<name>-??????,
 * function:<name>[:qualifier], stream/<name>, log-group:<name>, task-definition/<family>:<revision>,
 * deliverystream/<name>, userpool/<id>, project/<name>, job/<name>, workgroup/<name>, Glue's
 * catalog, database/<db> and table/<db>/<table>, ECS service/<cluster>/<service>, Batch
 * job-queue/<name> and job-definition/<name>:<revision>, EC2 instance/<id> and the other ids of
 * ec2Arns and key-pair/<name>, IAM user/<path><name> for a Create* call and a policy's ARN, Step Functions
 * stateMachine:<name> and activity:<name>, CloudTrail trail/<name>, EventBridge Scheduler
 * schedule/<group>/<name> and schedule-group/<name>, the RDS Data API's cluster (resourceArn)).
 */

import type { RequestParams } from "./event.js";
import { partiqlStatementTargets, type DdbItem } from "./ddb-items.js";
import { own } from "../collections.js";
import { eventSourceHost } from "./event-actions.js";
import { splitArn } from "../iam/arn.js";

export interface ResourceContext {
  eventSource: string;
  region: string | null;
  /** Account that owns the resource when the parameters give only a name (recipientAccountId). */
  accountId: string | null;
  partition: string;
  resources: string[];
  params: RequestParams;
  /** The call's eventName: API Gateway's resource is the path its management call is on (apiGatewayPath). */
  eventName?: string;
}

const isArn = (s: string): boolean => s.startsWith("arn:");

/** A KMS keyId that is an alias: its name (`alias/…`) or its ARN (`arn:aws:kms:<region>:<account>:alias/…`). */
const isKmsAlias = (keyId: string): boolean => keyId.startsWith("alias/") || /^arn:[^:]+:kms:[^:]*:[^:]*:alias\//.test(keyId);

/**
 * An S3 access point's ARN (`arn:aws:s3:<region>:<account>:accesspoint/<name>`, S3 user guide,
 * "Using access points"; a Multi-Region Access Point's has no region, `accesspoint/<alias>.mrap`).
 */
const S3_ACCESS_POINT = /^arn:[^:]+:s3:[^:]*:\d{12}:accesspoint\/[^/]+$/;
/**
 * An access point's alias, which stands in for a bucket name: `<prefix>-<metadata>-s3alias` (S3
 * user guide, "Access point alias names": "The -s3alias suffix is reserved for access point alias
 * names and can't be used for bucket or access point names"); an Object Lambda access point's ends `--ol-s3`.
 */
const S3_ACCESS_POINT_ALIAS = /(?:-s3alias|--ol-s3)$/;

/**
 * A Kinesis enhanced fan-out consumer's ARN (the Kinesis API reference's "Consumer pattern", as its
 * resource-policy calls give it: `^(arn):aws.*:kinesis:.*:\d{12}:.*stream\/[a-zA-Z0-9_.-]+\/consumer\/[a-zA-Z0-9_.-]+:[0-9]+`).
 */
/** A Kinesis data stream's ARN and a consumer's name (Kinesis API reference: StreamARN, ConsumerName patterns). */
const KINESIS_STREAM_ARN = /^arn:[^:]+:kinesis:[^:]+:\d{12}:stream\/[a-zA-Z0-9_.-]{1,128}$/;
const KINESIS_CONSUMER_NAME = /^[a-zA-Z0-9_.-]{1,128}$/;
/** The Kinesis calls authorised on a consumer that may name it by stream and name (DescribeStreamConsumer, DeregisterStreamConsumer). */
const KINESIS_CONSUMER_BY_NAME_ACTIONS: ReadonlySet<string> = new Set(["DescribeStreamConsumer", "DeregisterStreamConsumer"]);
const KINESIS_CONSUMER_ARN = /^arn:[^:]+:kinesis:[^:]+:\d{12}:stream\/[a-zA-Z0-9_.-]+\/consumer\/[a-zA-Z0-9_.-]+:[0-9]+$/;

const NONE: string[] = Object.freeze([]) as unknown as string[];
const NONE_TARGETS: { table: string; index: string | null }[] = Object.freeze([]) as unknown as { table: string; index: string | null }[];

/**
 * The one requestParameters value the ARN is derived from, for the services where there is one;
 * undefined when the call has none or needs several (S3 object keys, SSM `names`).
 */
function memoValue(eventSource: string, p: RequestParams, eventName: string | undefined): string | undefined {
  switch (eventSource) {
    case "dynamodb.amazonaws.com": return p.tableName;
    case "sqs.amazonaws.com": return p.queueUrl;
    case "kms.amazonaws.com": return p.keyId;
    case "secretsmanager.amazonaws.com": return p.secretId;
    case "lambda.amazonaws.com": return p.functionName;
    case "logs.amazonaws.com": return p.logGroupName;
    case "states.amazonaws.com": return p.stateMachineArn;
    case "s3.amazonaws.com": return p.key === undefined ? p.bucketName : undefined;
    case "ssm.amazonaws.com": return p.names === undefined && ssmNamesParameters(eventName) ? p.name : undefined;
    case "bedrock.amazonaws.com": return p.modelId;
    default: return undefined;
  }
}

interface Memo {
  eventSource: string;
  region: string | null;
  accountId: string | null;
  partition: string;
  /** The only parameter of the call's service that was set (memo valid only then). */
  out: string[];
}

/**
 * Most calls of a trail name a few resources over and over (a function's table, queue, secret):
 * the ARNs are derived once per distinct (value, service, region, account, partition) and the same
 * array, of the same strings, is returned. Same strings matter downstream: a sample's membership
 * test hashes a string once, not once per call. Keyed by the parameter value (the scanner interns
 * it, so its hash is cached); cleared when it grows large.
 */
const memo = new Map<string, Memo>();
const MEMO_MAX = 65_536;

/** Resource ARNs of one call, in a stable order without duplicates (the array is shared: read only). */
export function resourcesOf(ctx: ResourceContext): string[] {
  if (ctx.resources.length > 0) return withResourcesList(ctx);
  const p = ctx.params;
  const v = memoValue(ctx.eventSource, p, ctx.eventName);
  if (v === undefined) return deriveResources(ctx);
  // Only when v is the call's sole parameter of interest is the result a function of v alone.
  let keys = 0;
  for (const k in p) if (p[k as keyof RequestParams] !== undefined) keys++;
  if (keys !== 1) return deriveResources(ctx);
  const m = memo.get(v);
  if (m !== undefined && m.eventSource === ctx.eventSource && m.region === ctx.region && m.accountId === ctx.accountId && m.partition === ctx.partition) return m.out;
  const out = deriveResources(ctx);
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(v, { eventSource: ctx.eventSource, region: ctx.region, accountId: ctx.accountId, partition: ctx.partition, out: out.length === 0 ? NONE : out });
  return out;
}

/** resourcesOf without the memo (exported for the test that holds them equal). */
export function deriveResources(ctx: ResourceContext): string[] {
  if (ctx.resources.length > 0) return withResourcesList(ctx);
  const p = ctx.params;
  const { region, accountId, partition } = ctx;
  const host = eventSourceHost(ctx.eventSource);
  const out: string[] = [];
  const regional = (service: string, rest: string): string | null =>
    region !== null && accountId !== null ? `arn:${partition}:${service}:${region}:${accountId}:${rest}` : null;
  const push = (v: string | null): void => {
    if (v !== null && v !== "") out.push(v);
  };
  switch (host) {
    case "dynamodb":
      if (p.tableName !== undefined) {
        const table = isArn(p.tableName) ? p.tableName : regional("dynamodb", `table/${p.tableName}`);
        push(table);
        if (table !== null) push(indexArn(table, p));
      }
      // ExecuteStatement names its table, or a SELECT's index, in the statement only (partiqlStatementTargets).
      else if (p.statement !== undefined) {
        for (const t of partiqlStatementTargets(p.statement) ?? NONE_TARGETS) {
          const table = isArn(t.table) ? t.table : regional("dynamodb", `table/${t.table}`);
          push(table);
          if (table !== null && t.index !== null) push(indexArn(table, { indexName: t.index }));
        }
      }
      // DescribeStream, GetShardIterator: the stream (`table/<t>/stream/<label>`), by its ARN.
      if (p.streamArn !== undefined && isArn(p.streamArn)) push(p.streamArn);
      break;
    case "rdsdata":
    case "rdsdataapi":
      // The RDS Data API names the Aurora cluster only in resourceArn (its records have no
      // resources[]: the Aurora user guide's examples), and the rds-data actions are authorised on
      // it (Service Authorization Reference, RDS Data API: resource type cluster). The secret
      // (secretArn) is read by the Data API, not authorised as this call.
      if (p.resourceArn !== undefined && /^arn:[^:]+:rds:[^:]*:[0-9]{12}:cluster:./.test(p.resourceArn)) push(p.resourceArn);
      break;
    case "s3":
      // An empty bucketName names no bucket (the S3 user guide's PutBucketAcl example writes ""):
      // `arn:aws:s3:::` is no bucket's ARN, and a policy granting on it grants nothing.
      if (p.bucketName !== undefined && p.bucketName !== "") {
        // Through an access point the SDKs give its ARN as the bucket ("provide the access point
        // ARN in place of the bucket name", S3 API reference, GetObject): the call is on the access
        // point (`accesspoint/<name>`) and its object (`accesspoint/<name>/object/<key>`), the types
        // the Service Authorization Reference gives (accesspoint, accesspointobject) and "the
        // requesting principal's identity-based policy is evaluated against the access point
        // resource" (FSx for ONTAP user guide, "How Amazon S3 evaluates access point requests").
        // Before, `arn:aws:s3:::arn:aws:s3:…` was named, which no policy can grant. Any other ARN,
        // and an access point's alias (`…-s3alias`: "Aliases cannot be used in IAM policies", S3
        // user guide, "Access point alias use cases and limitations"; the access point it stands
        // for is not in the request), names none: the call is then granted as unnamed.
        if (isArn(p.bucketName)) {
          const ap = S3_ACCESS_POINT.test(p.bucketName) ? p.bucketName : null;
          push(ap);
          if (ap !== null && p.key !== undefined) push(`${ap}/object/${p.key}`);
          break;
        }
        if (S3_ACCESS_POINT_ALIAS.test(p.bucketName)) break;
        push(`arn:${partition}:s3:::${p.bucketName}`);
        if (p.key !== undefined) push(`arn:${partition}:s3:::${p.bucketName}/${p.key}`);
      }
      break;
    case "s3express":
      // A directory bucket: every call, object-level ones included, is authorised on the bucket
      // (event-actions.ts [S3X-AUTH]; Service Authorization Reference, resource type bucket:
      // arn:${Partition}:s3express:${Region}:${Account}:bucket/${BucketName}).
      if (p.bucketName !== undefined && p.bucketName !== "") push(regional("s3express", `bucket/${p.bucketName}`));
      break;
    case "sqs":
      if (p.queueUrl !== undefined) push(queueUrlToArn(p.queueUrl, partition));
      // GetQueueUrl and CreateQueue name the queue by name (a queue's ARN ends in its name), in
      // the account queueOwnerAWSAccountId gives (GetQueueUrl, another account's queue), the caller's otherwise.
      else if (p.queueName !== undefined) {
        const owner = p.queueOwnerAWSAccountId ?? accountId;
        if (region !== null && owner !== null && /^\d{12}$/.test(owner) && /^[A-Za-z0-9_-]+(?:\.fifo)?$/.test(p.queueName)) push(`arn:${partition}:sqs:${region}:${owner}:${p.queueName}`);
      }
      break;
    case "sns":
      if (p.topicArn !== undefined) push(p.topicArn);
      if (p.targetArn !== undefined) push(p.targetArn);
      // CreateTopic names its topic by Name (SNS API reference: up to 256 letters, digits, `-` and
      // `_`, `.fifo` for a FIFO topic) and is authorised on the topic's ARN, <region>:<account>:<name>
      // (Service Authorization Reference): the SNS guide's CloudTrail example writes {"name": "hello"}.
      if (ctx.eventName === "CreateTopic" && p.name !== undefined && /^[A-Za-z0-9_-]{1,256}(?:\.fifo)?$/.test(p.name)) push(regional("sns", p.name));
      break;
    case "kms":
      // A key named by an alias (alias/<name>, or the alias's ARN) names no key: KMS resolves the
      // alias and authorises the call on the key it points to; an alias ARN in a policy's Resource
      // governs only the alias operations (CreateAlias, UpdateAlias, DeleteAlias: KMS developer
      // guide, "Using aliases to control access to KMS keys"), which name it by aliasName, not keyId.
      // A successful call's resources[] gives the key; a refused call's message names it
      // (denials.ts); otherwise the call names none. Counted on the alias, a refused call made
      // generate grant the operation on the alias ARN, which allows nothing.
      if (p.keyId !== undefined && !isKmsAlias(p.keyId)) push(isArn(p.keyId) ? p.keyId : regional("kms", `key/${p.keyId}`));
      break;
    case "secretsmanager":
      if (p.secretId !== undefined) push(isArn(p.secretId) ? secretArn(p.secretId) : regional("secretsmanager", `secret:${p.secretId}-??????`));
      // CreateSecret names the secret it creates by Name, and is authorised on its ARN (Service
      // Authorization Reference), whose random suffix is not known before: `-??????`, as for a
      // secret named by name. The Secrets Manager guide's CloudTrail example writes {"name": …}.
      else if (ctx.eventName === "CreateSecret" && p.name !== undefined && p.name !== "") push(regional("secretsmanager", `secret:${p.name}-??????`));
      break;
    case "ssm": {
      // `name` is a parameter's in the parameter calls only: the document calls (GetDocument,
      // DescribeDocument, CreateAssociation …), the maintenance window and patch baseline calls
      // name theirs by `name` too (SSM API reference), and none is a parameter/… ARN.
      if (ctx.eventName !== undefined && SSM_DOCUMENT_CALLS.has(ctx.eventName)) {
        if (p.name !== undefined) push(ssmDocumentArn(p.name, region, partition, regional));
        break;
      }
      if (!ssmNamesParameters(ctx.eventName)) break;
      const names = p.names ?? (p.name !== undefined ? [p.name] : []);
      for (const n of names) push(ssmParameterArn(n, regional));
      // GetParametersByPath is authorised on the path it names, not on the parameters it returns
      // (Systems Manager user guide, "How Parameter Store authorizes parameter retrieval"), with or
      // without `recursive`. The path's ARN is a parameter's: /app/prod → parameter/app/prod. The
      // root, `/`, names no parameter ARN the docs give: none (the call is granted as unnamed).
      if (p.path !== undefined && p.path !== "/") push(isArn(p.path) ? p.path : regional("ssm", `parameter/${p.path.replace(/^\//, "")}`));
      break;
    }
    case "ecs":
      if (p.taskDefinition !== undefined) push(taskDefinitionArn(p.taskDefinition, regional));
      // UpdateService, DeleteService name one service, DescribeServices a list, each by name or ARN.
      if (p.service !== undefined) push(ecsServiceArn(p.service, p.cluster, regional));
      for (const svc of p.services ?? NONE) push(ecsServiceArn(svc, p.cluster, regional));
      break;
    case "batch":
      // SubmitJob is authorised on both the queue and the job definition it names (Batch user
      // guide, "Resource: Restrict to a job queue": "you must provide both job queue and job
      // definition resource types"): one action, two resource types, each its own ARN here.
      if (p.jobQueue !== undefined) push(isArn(p.jobQueue) ? p.jobQueue : /^[A-Za-z0-9_-]+$/.test(p.jobQueue) ? regional("batch", `job-queue/${p.jobQueue}`) : null);
      if (p.jobDefinition !== undefined) push(batchJobDefinitionArn(p.jobDefinition, regional));
      break;
    case "lambda":
      if (p.functionName !== undefined) push(qualifiedFunctionArn(functionArn(p.functionName, region, partition, regional), p.qualifier));
      break;
    case "kinesis":
      // SubscribeToShard, DescribeStreamConsumer and DeregisterStreamConsumer name an enhanced
      // fan-out consumer by consumerARN and are authorised on it (Service Authorization Reference:
      // consumer, required, `…:${StreamType}/${StreamName}/consumer/${ConsumerName}:${ConsumerCreationTimpstamp}`),
      // not on its stream. Before, SubscribeToShard named none, and generate granted it on every
      // consumer of every stream of the account.
      if (p.consumerARN !== undefined) push(KINESIS_CONSUMER_ARN.test(p.consumerARN) ? p.consumerARN : null);
      // DescribeStreamConsumer and DeregisterStreamConsumer may name it instead by StreamARN and
      // ConsumerName ("Alternatively, you can provide the ARN of the data stream and the name you
      // gave the consumer when you registered it", Kinesis API reference, DescribeStreamConsumer;
      // DeregisterStreamConsumer alike); still authorised on the consumer (Service Authorization
      // Reference: consumer, required), whose ARN ends in its creation timestamp, which the request
      // does not give: "If you delete a consumer and then create a new one with the same name, it
      // won't have the same ARN. That's because consumer ARNs contain the creation timestamp"
      // (ibid., ConsumerDescription). So the consumer of that name created at any time,
      // `<stream ARN>/consumer/<name>:*`, which generate keeps a wildcard. RegisterStreamConsumer and
      // ListStreamConsumers, which take a name or none, are authorised on the stream.
      else if (p.streamARN !== undefined && p.consumerName !== undefined && ctx.eventName !== undefined && KINESIS_CONSUMER_BY_NAME_ACTIONS.has(ctx.eventName)) {
        push(KINESIS_STREAM_ARN.test(p.streamARN) && KINESIS_CONSUMER_NAME.test(p.consumerName) ? `${p.streamARN}/consumer/${p.consumerName}:*` : null);
      } else if (p.streamARN !== undefined) push(p.streamARN);
      else if (p.streamName !== undefined) push(regional("kinesis", `stream/${p.streamName}`));
      break;
    case "logs": {
      let group: string | null | undefined;
      if (p.logGroupName !== undefined) group = regional("logs", `log-group:${p.logGroupName}`);
      // The newer calls name it by logGroupIdentifier instead, a name or an ARN: "Specify either the
      // name or ARN of the log group to view. … You must include either logGroupIdentifier or
      // logGroupName, but not both" (CloudWatch Logs API reference, DescribeLogStreams, GetLogEvents,
      // FilterLogEvents, GetLogGroupFields).
      else if (p.logGroupIdentifier !== undefined) group = logGroupIdentifierArn(p.logGroupIdentifier, regional);
      if (group === undefined) break;
      // The calls on one log stream are authorised on it, not on its group: the Service
      // Authorization Reference gives CreateLogStream ("Grants permission to create a new log stream
      // with the specified name"), DeleteLogStream, GetLogEvents ("… to retrieve log events from the
      // specified log stream") and PutLogEvents ("… to upload a batch of log events to the specified
      // log stream") one resource type, log-stream, required
      // (arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}),
      // while DescribeLogStreams and FilterLogEvents, which take a stream prefix or a list, are on
      // log-group. A stream's name holds no `:` or `*` ("Pattern: [^:*]*", API reference,
      // CreateLogStream); any other names its group, as before (generate then grants the group's
      // streams, log-stream:*, warned).
      const stream = p.logStreamName;
      if (group !== null && stream !== undefined && ctx.eventName !== undefined && LOG_STREAM_ACTIONS.has(ctx.eventName) && LOG_STREAM_NAME.test(stream)) push(`${group}:log-stream:${stream}`);
      else push(group);
      break;
    }
    case "states":
      if (p.stateMachineArn !== undefined) push(p.stateMachineArn);
      // DescribeExecution, StopExecution, GetExecutionHistory are authorised on the execution
      // (`execution:<machine>:<id>`, or an Express execution's `express:…`), which the call names.
      if (p.executionArn !== undefined && isArn(p.executionArn)) push(p.executionArn);
      // DeleteActivity, DescribeActivity, GetActivityTask: on the activity, by its ARN.
      if (p.activityArn !== undefined && isArn(p.activityArn)) push(p.activityArn);
      // CreateStateMachine and CreateActivity name what they create by `name`, and are authorised
      // on its ARN (Service Authorization Reference: statemachine, activity), in the call's Region
      // and account; a name is 1-80 characters without whitespace, brackets, wildcards, quotes or
      // delimiters (Step Functions API reference, CreateStateMachine).
      if ((ctx.eventName === "CreateStateMachine" || ctx.eventName === "CreateActivity") && p.name !== undefined && /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/.test(p.name)) {
        push(regional("states", `${ctx.eventName === "CreateStateMachine" ? "stateMachine" : "activity"}:${p.name}`));
      }
      break;
    case "firehose":
      if (p.deliveryStreamName !== undefined) push(regional("firehose", `deliverystream/${p.deliveryStreamName}`));
      break;
    case "cognito-idp":
      // Every user pool call with a UserPoolId is authorised on the pool (`userpool/<id>`).
      if (p.userPoolId !== undefined) push(regional("cognito-idp", `userpool/${p.userPoolId}`));
      break;
    case "codebuild":
      // StartBuild's projectName is the project's name, or its ARN (a project shared from another account).
      if (p.projectName !== undefined) push(isArn(p.projectName) ? p.projectName : regional("codebuild", `project/${p.projectName}`));
      break;
    case "glue":
      if (p.jobName !== undefined) push(regional("glue", `job/${p.jobName}`));
      for (const a of glueTableArns(p, region, accountId, partition)) push(a);
      if (ctx.eventName === "GetDatabase") for (const a of glueDatabaseArns(p, region, accountId, partition)) push(a);
      break;
    case "athena":
      // A call without WorkGroup runs in `primary`; only a named one is derived (the event name would decide).
      if (p.workGroup !== undefined) push(regional("athena", `workgroup/${p.workGroup}`));
      break;
    case "apigateway": {
      const path = ctx.eventName === undefined || region === null ? null : apiGatewayPath(ctx.eventName, p);
      if (path !== null) push(`arn:${partition}:apigateway:${region}::${path}`);
      break;
    }
    case "bedrock":
      if (p.modelId !== undefined) for (const a of bedrockModelArns(p.modelId, region, accountId, partition)) push(a);
      break;
    case "ec2":
      if (ctx.eventName !== undefined) for (const a of ec2Arns(ctx.eventName, p, region, partition, regional)) push(a);
      break;
    case "iam":
      if (ctx.eventName !== undefined && accountId !== null) for (const a of iamArns(ctx.eventName, p, accountId, partition)) push(a);
      break;
    case "scheduler":
      if (ctx.eventName !== undefined) push(schedulerArn(ctx.eventName, p, regional));
      break;
    case "cloudtrail": {
      // The trail a trail call names (`name`; `trailName` for the selector calls), by name or ARN.
      // Trail calls are made in the trail's home Region (CloudTrail user guide, "Managing trails
      // with the AWS CLI"): a name is a trail of the call's Region and account.
      const trail = ctx.eventName !== undefined && TRAIL_BY_NAME.has(ctx.eventName) ? p.name : ctx.eventName !== undefined && TRAIL_BY_TRAIL_NAME.has(ctx.eventName) ? p.trailName : undefined;
      if (trail !== undefined) push(isArn(trail) ? (/^arn:[^:]+:cloudtrail:[^:]+:\d{12}:trail\/[A-Za-z0-9._-]+$/.test(trail) ? trail : null) : /^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/.test(trail) ? regional("cloudtrail", `trail/${trail}`) : null);
      break;
    }
    default:
      break;
  }
  return dedupe(out);
}

/**
 * Calls whose resource follows the event name as well as the parameters, so that the readers'
 * caches keyed by the parameter value alone (accumulate.ts compactResources) must not serve them:
 * API Gateway (the path is the event's), Glue (`name` is a database for GetDatabase only), SNS
 * CreateTopic and Secrets Manager CreateSecret (`name` is what they create), Step Functions'
 * CreateStateMachine and CreateActivity (likewise), EC2, IAM, CloudTrail and EventBridge Scheduler
 * (ec2Arns, iamArns, the trail calls, schedulerArn: which parameter names the resource depends on
 * the call), and SSM's calls other than the parameter calls (their `name` is no parameter).
 */
export function resourcesFollowEventName(eventSource: string, eventName: string): boolean {
  switch (eventSource) {
    case "apigateway.amazonaws.com":
    case "glue.amazonaws.com":
    case "ec2.amazonaws.com":
    case "iam.amazonaws.com":
    case "cloudtrail.amazonaws.com":
    // `name` is a schedule or a group, by the call (schedulerArn).
    case "scheduler.amazonaws.com":
      return true;
    case "sns.amazonaws.com":
      return eventName === "CreateTopic";
    case "secretsmanager.amazonaws.com":
      return eventName === "CreateSecret";
    // `name` is a parameter in the parameter calls only (ssmNamesParameters).
    case "ssm.amazonaws.com":
      return !ssmNamesParameters(eventName);
    case "states.amazonaws.com":
      return eventName === "CreateStateMachine" || eventName === "CreateActivity";
    // The calls on one log stream name it, the others their group (LOG_STREAM_ACTIONS).
    case "logs.amazonaws.com":
      return LOG_STREAM_ACTIONS.has(eventName);
    // A consumer by stream and name in the consumer calls only (KINESIS_CONSUMER_BY_NAME_ACTIONS).
    case "kinesis.amazonaws.com":
      return KINESIS_CONSUMER_BY_NAME_ACTIONS.has(eventName);
    default:
      return false;
  }
}

/**
 * The Systems Manager calls that name parameters (`name`, `names`, GetParametersByPath's `path`):
 * the Parameter Store actions, authorised on the parameter (Service Authorization Reference,
 * resource type parameter).
 */
const SSM_PARAMETER_CALLS = new Set(["GetParameter", "GetParameters", "GetParametersByPath", "PutParameter", "DeleteParameter", "DeleteParameters", "GetParameterHistory", "LabelParameterVersion", "UnlabelParameterVersion"]);

/**
 * Whether an SSM call's `name` is a parameter: the parameter calls'. Without the event name (the
 * compact reader's memo, which serves only calls resourcesFollowEventName leaves to it: the
 * parameter calls), it is.
 */
function ssmNamesParameters(eventName: string | undefined): boolean {
  return eventName === undefined || SSM_PARAMETER_CALLS.has(eventName);
}

/**
 * The SSM calls on one document, named by `name` (a name, or a shared document's ARN), and
 * authorised on it alone (Service Authorization Reference: document, the only resource type).
 * CreateAssociation, SendCommand, StartAutomationExecution … are authorised on the instances or
 * executions too, which `name` does not give: they name none.
 */
const SSM_DOCUMENT_CALLS = new Set([
  "GetDocument", "DescribeDocument", "CreateDocument", "UpdateDocument", "DeleteDocument", "UpdateDocumentDefaultVersion", "UpdateDocumentMetadata",
  "DescribeDocumentPermission", "ModifyDocumentPermission", "ListDocumentVersions", "ListDocumentMetadataHistory",
]);

/**
 * A document's ARN (`document/<name>`, Service Authorization Reference). The documents AWS owns
 * (AWS-RunShellScript, AWS-GatherSoftwareInventory …) are in no account: their ARN is
 * `arn:aws:ssm:<region>::document/<name>` (as analysis/escalation.ts names AWS-RunShellScript), and
 * their names are the ones starting with the prefixes AWS keeps for itself ("aws, amazon, amzn",
 * SSM API reference, CreateDocument); any other name is the caller's account's document (another
 * account's is named by its ARN). A name must be 3-128 letters, digits, `_`, `-` or `.` (ibid.).
 */
function ssmDocumentArn(name: string, region: string | null, partition: string, regional: (service: string, rest: string) => string | null): string | null {
  if (isArn(name)) return /^arn:[^:]+:ssm:[^:]*:[^:]*:document\/[A-Za-z0-9_.-]{3,128}$/.test(name) ? name : null;
  if (!/^[A-Za-z0-9_.-]{3,128}$/.test(name)) return null;
  if (/^(?:aws|amazon|amzn)/i.test(name)) return region === null ? null : `arn:${partition}:ssm:${region}::document/${name}`;
  return regional("ssm", `document/${name}`);
}

/**
 * A parameter's ARN, from a name (`/a/b` → `parameter/a/b`, `a` → `parameter/a`) or an ARN.
 * GetParameter and GetParameters take `name:version` and `name:label` ("To query by parameter
 * label, use "Name": "name:label"", SSM API reference, GetParameter), a name or an ARN, and are
 * authorised on the parameter, whose ARN has no selector (Service Authorization Reference:
 * parameter/${ParameterNameWithoutLeadingSlash}); a parameter name has no `:` (letters, digits,
 * `.`, `-`, `_` and `/`), so what follows one is the selector, dropped.
 */
function ssmParameterArn(n: string, regional: (service: string, rest: string) => string | null): string | null {
  if (isArn(n)) return /^arn:[^:]+:ssm:[^:]*:[^:]*:parameter\/[^:]*:[^:/]+$/.test(n) ? n.slice(0, n.lastIndexOf(":")) : n;
  const colon = n.indexOf(":");
  return regional("ssm", `parameter/${(colon < 0 ? n : n.slice(0, colon)).replace(/^\//, "")}`);
}

/** EventBridge Scheduler calls on one schedule (Service Authorization Reference: schedule, required). */
const SCHEDULE_CALLS = new Set(["CreateSchedule", "UpdateSchedule", "DeleteSchedule", "GetSchedule"]);
/** …on one schedule group, named by `name` (schedule-group, required). */
const SCHEDULE_GROUP_CALLS = new Set(["CreateScheduleGroup", "DeleteScheduleGroup", "GetScheduleGroup"]);
/** A schedule's or a group's name: 1-64 of letters, digits, `-`, `_`, `.` (EventBridge Scheduler API reference). */
const SCHEDULER_NAME = /^[0-9A-Za-z_.-]{1,64}$/;

/**
 * What an EventBridge Scheduler call is authorised on: a schedule call on
 * `schedule/<group>/<name>` (the request's `name`, and `groupName`, the `default` group when the
 * request gives none: every account has it, and a schedule made without a group is in it), a
 * group call on `schedule-group/<name>`. Before, these named no resource, and generate granted
 * scheduler:CreateSchedule on every schedule of every group.
 */
function schedulerArn(eventName: string, p: RequestParams, regional: (service: string, rest: string) => string | null): string | null {
  if (p.name === undefined || !SCHEDULER_NAME.test(p.name)) return null;
  if (SCHEDULE_CALLS.has(eventName)) {
    const group = p.groupName ?? "default";
    return SCHEDULER_NAME.test(group) ? regional("scheduler", `schedule/${group}/${p.name}`) : null;
  }
  return SCHEDULE_GROUP_CALLS.has(eventName) ? regional("scheduler", `schedule-group/${p.name}`) : null;
}

/** CloudTrail calls that name their trail by `name` (a name or an ARN; CloudTrail API reference). */
const TRAIL_BY_NAME = new Set(["CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging", "GetTrailStatus", "GetTrail"]);
/** …and by `trailName`. */
const TRAIL_BY_TRAIL_NAME = new Set(["GetEventSelectors", "PutEventSelectors", "GetInsightSelectors", "PutInsightSelectors"]);

/** EC2 calls authorised on the instances of their `instancesSet` only (Service Authorization Reference: instance). */
const EC2_INSTANCE_SET_CALLS = new Set(["StartInstances", "StopInstances", "RebootInstances", "TerminateInstances", "MonitorInstances", "UnmonitorInstances"]);
/** EC2 calls authorised on the one instance their `instanceId` names only. */
const EC2_INSTANCE_CALLS = new Set(["GetConsoleOutput", "GetConsoleScreenshot", "GetPasswordData", "DescribeInstanceAttribute", "ResetInstanceAttribute"]);
/** …on the volume their `volumeId` names only. */
const EC2_VOLUME_CALLS = new Set(["DeleteVolume", "ModifyVolume"]);
/** …on the snapshot their `snapshotId` names only. */
const EC2_SNAPSHOT_CALLS = new Set(["DeleteSnapshot", "ModifySnapshotAttribute"]);
/** …on the security group their `groupId` names (Authorize… may also tag the rules it creates: optional). */
const EC2_SECURITY_GROUP_CALLS = new Set(["DeleteSecurityGroup", "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress"]);

/**
 * EC2 resource ids by their prefix → the resource type's ARN (Service Authorization Reference,
 * Amazon EC2 resource types): `instance/i-…`, `volume/vol-…`, `security-group/sg-…`,
 * `network-interface/eni-…`, `subnet/subnet-…`, `vpc/vpc-…` in the account; a snapshot's and an
 * image's ARN have no account (`snapshot/snap-…`, `image/ami-…`).
 */
const EC2_ID_TYPES: { readonly [prefix: string]: { type: string; account: boolean } } = {
  i: { type: "instance", account: true },
  vol: { type: "volume", account: true },
  snap: { type: "snapshot", account: false },
  sg: { type: "security-group", account: true },
  eni: { type: "network-interface", account: true },
  ami: { type: "image", account: false },
  subnet: { type: "subnet", account: true },
  vpc: { type: "vpc", account: true },
};

/**
 * What an EC2 call is authorised on, from the ids its request names, for the calls where those
 * ids are every resource the call is authorised on (Service Authorization Reference, required
 * resource types): an instance scheduler's StopInstances on its instances, CreateTags and
 * DeleteTags on each resource tagged, AttachVolume on the volume and the instance … A call that
 * names only some of them (RunInstances, CreateSnapshot: what they create has no id yet;
 * ModifyInstanceAttribute, which may also be authorised on the groups or volumes it changes)
 * gives none, so that generate grants every resource of its types rather than too few: a list
 * with an id of no known type, or of another type than the call's, gives none too.
 */
function ec2Arns(eventName: string, p: RequestParams, region: string | null, partition: string, regional: (service: string, rest: string) => string | null): (string | null)[] {
  if (region === null) return NONE;
  const arn = (id: string | undefined, only?: string): string | null => {
    const m = id === undefined ? null : /^([a-z]+)-[A-Za-z0-9]+$/.exec(id);
    const t = m === null ? undefined : own(EC2_ID_TYPES, m[1] as string);
    if (t === undefined || (only !== undefined && t.type !== only)) return null;
    return t.account ? regional("ec2", `${t.type}/${id as string}`) : `arn:${partition}:ec2:${region}::${t.type}/${id as string}`;
  };
  /** Every id's ARN, or none when one is unknown (all or nothing: see above). */
  const all = (ids: readonly (string | undefined)[], only?: string): (string | null)[] => {
    const out = ids.map((id) => arn(id, only));
    return out.length > 0 && out.every((a) => a !== null) ? out : NONE;
  };
  if (EC2_INSTANCE_SET_CALLS.has(eventName)) return all(p.instancesSet ?? NONE, "instance");
  if (eventName === "CreateTags" || eventName === "DeleteTags") return all(p.resourcesSet ?? NONE);
  if (EC2_INSTANCE_CALLS.has(eventName)) return all([p.instanceId], "instance");
  if (EC2_VOLUME_CALLS.has(eventName)) return all([p.volumeId], "volume");
  if (EC2_SNAPSHOT_CALLS.has(eventName)) return all([p.snapshotId], "snapshot");
  if (EC2_SECURITY_GROUP_CALLS.has(eventName)) return all([p.groupId], "security-group");
  if (eventName === "DeleteNetworkInterface") return all([p.networkInterfaceId], "network-interface");
  // A key pair's ARN is by name (key-pair/<name>: up to 255 ASCII characters, EC2 API reference).
  if ((eventName === "CreateKeyPair" || eventName === "ImportKeyPair" || eventName === "DeleteKeyPair") && p.keyName !== undefined && /^[\x20-\x7e]{1,255}$/.test(p.keyName)) return [regional("ec2", `key-pair/${p.keyName}`)];
  // Attached to an instance: authorised on both (the instance is required for DetachVolume's too,
  // in the EC2 user guide's example policies; without instanceId in the request, none).
  if (eventName === "AttachVolume" || eventName === "DetachVolume") {
    const both = all([p.volumeId, p.instanceId]);
    return both.length === 2 && arn(p.volumeId, "volume") !== null && arn(p.instanceId, "instance") !== null ? both : NONE;
  }
  if (eventName === "AttachNetworkInterface") {
    const both = all([p.networkInterfaceId, p.instanceId]);
    return both.length === 2 && arn(p.networkInterfaceId, "network-interface") !== null && arn(p.instanceId, "instance") !== null ? both : NONE;
  }
  return NONE;
}

/** IAM calls that create what they name, under `path` ("/" when absent), and its name's parameter and type. */
const IAM_CREATE: { readonly [eventName: string]: { key: "userName" | "groupName" | "roleName" | "instanceProfileName" | "policyName"; type: string } } = {
  CreateUser: { key: "userName", type: "user" },
  CreateGroup: { key: "groupName", type: "group" },
  CreateRole: { key: "roleName", type: "role" },
  CreateInstanceProfile: { key: "instanceProfileName", type: "instance-profile" },
  CreatePolicy: { key: "policyName", type: "policy" },
};

/** IAM calls authorised on the managed policy their policyArn names (Service Authorization Reference: policy). */
const IAM_POLICY_CALLS = new Set(["GetPolicy", "GetPolicyVersion", "ListPolicyVersions", "CreatePolicyVersion", "DeletePolicyVersion", "SetDefaultPolicyVersion", "DeletePolicy", "ListEntitiesForPolicy", "TagPolicy", "UntagPolicy", "ListPolicyTags"]);

/**
 * IAM calls on an existing user, group or role by name, and the one type each is authorised on
 * (Service Authorization Reference, IAM: the actions whose only resource type is user, group or
 * role). The name's parameter follows the type (userName, groupName, roleName): AddUserToGroup
 * names a user too but is authorised on the group only. UpdateUser and UpdateGroup are IAM_RENAME's.
 * Left out: the calls that name no entity (ChangePassword, GetAccessKeyLastUsed,
 * GetServiceLinkedRoleDeletionStatus).
 * A call without the name (CreateAccessKey, GetUser …, on the caller's own user) names none.
 */
const IAM_BY_NAME: { readonly [eventName: string]: "user" | "group" | "role" } = Object.freeze({
  ...Object.fromEntries(
    [
      "AttachUserPolicy", "CreateAccessKey", "CreateLoginProfile", "CreateServiceSpecificCredential", "DeactivateMFADevice", "DeleteAccessKey",
      "DeleteLoginProfile", "DeleteSSHPublicKey", "DeleteServiceSpecificCredential", "DeleteSigningCertificate", "DeleteUser",
      "DeleteUserPermissionsBoundary", "DeleteUserPolicy", "DetachUserPolicy", "EnableMFADevice", "GetLoginProfile", "GetMFADevice",
      "GetSSHPublicKey", "GetUser", "GetUserPolicy", "ListAccessKeys", "ListAttachedUserPolicies", "ListGroupsForUser", "ListMFADevices",
      "ListSSHPublicKeys", "ListServiceSpecificCredentials", "ListSigningCertificates", "ListUserPolicies", "ListUserTags",
      "PutUserPermissionsBoundary", "PutUserPolicy", "ResetServiceSpecificCredential", "ResyncMFADevice", "TagUser", "UntagUser",
      "UpdateAccessKey", "UpdateLoginProfile", "UpdateSSHPublicKey", "UpdateServiceSpecificCredential", "UpdateSigningCertificate",
      "UploadSSHPublicKey", "UploadSigningCertificate",
    ].map((e) => [e, "user"]),
  ),
  ...Object.fromEntries(
    ["AddUserToGroup", "AttachGroupPolicy", "DeleteGroup", "DeleteGroupPolicy", "DetachGroupPolicy", "GetGroup", "GetGroupPolicy", "ListAttachedGroupPolicies", "ListGroupPolicies", "PutGroupPolicy", "RemoveUserFromGroup"].map((e) => [e, "group"]),
  ),
  ...Object.fromEntries(
    [
      "AttachRolePolicy", "DeleteRole", "DeleteRolePermissionsBoundary", "DeleteRolePolicy", "DeleteServiceLinkedRole", "DetachRolePolicy", "GetRole",
      "GetRolePolicy", "ListAttachedRolePolicies", "ListInstanceProfilesForRole", "ListRolePolicies", "ListRoleTags", "PutRolePermissionsBoundary",
      "PutRolePolicy", "TagRole", "UntagRole", "UpdateAssumeRolePolicy", "UpdateRole", "UpdateRoleDescription",
    ].map((e) => [e, "role"]),
  ),
} as { [eventName: string]: "user" | "group" | "role" });

const IAM_NAME_KEY = { user: "userName", group: "groupName", role: "roleName" } as const;

/**
 * IAM's renames: UpdateUser and UpdateGroup change an entity's name (newUserName, newGroupName)
 * and/or path (newPath), and are authorised on both the entity as it is and as it becomes ("to
 * change a user name, the requester must have appropriate permissions on both the source object
 * and the target object", IAM API reference, UpdateUser and UpdateGroup; IAM user guide,
 * "Renaming an IAM user"). Both are counted.
 */
const IAM_RENAME: { readonly [eventName: string]: { type: "user" | "group"; name: "userName" | "groupName"; newName: "newUserName" | "newGroupName" } } = {
  UpdateUser: { type: "user", name: "userName", newName: "newUserName" },
  UpdateGroup: { type: "group", name: "groupName", newName: "newGroupName" },
};

/** An IAM path: / alone, or /…/ of printable ASCII (IAM API reference). */
const IAM_PATH = /^\/(?:[\u0021-\u007e]*\/)?$/;

/**
 * IAM names: letters, digits and +=,.@_- (IAM API reference); a path: / alone or /…/ of printable
 * ASCII. The source is shared with generate/iam-names.ts, which reads names back out of
 * iamByNamePatterns' ARNs: the two must agree on what a name is.
 */
export const IAM_NAME_SOURCE = "[\\w+=,.@-]{1,128}";
const IAM_NAME = new RegExp(`^${IAM_NAME_SOURCE}$`);

/**
 * The IAM resources a call names. A Create* call gives the path (absent: `/`), and a policy call
 * the policy's ARN. A user's, group's or role's ARN holds its path (`role/service-role/<name>`,
 * Service Authorization Reference: `role/${RoleNameWithPath}`), and a call on an existing one names
 * it by name only (GetRole, AttachRolePolicy, CreateAccessKey …): `role/<name>` would refuse the
 * call on a role with a path, and `role/*<name>` would also grant `role/other-<name>`. So such a
 * call names two patterns: `<type>/<name>` (the root path) and `<type>/<w>/<name>` with `*` for
 * `<w>` (any other path: in an IAM Resource `*` matches `/` too, IAM user guide "IAM JSON policy elements: Resource", and
 * a name holds no `/`, so the text after the last `/` is the name, and only an entity of that name
 * matches). generate puts the entity's own ARN in their place when the account's IAM export names
 * it (src/generate/iam-names.ts); the usage stays what CloudTrail says, whatever else is read.
 */
function iamArns(eventName: string, p: RequestParams, accountId: string, partition: string): string[] {
  const create = own(IAM_CREATE, eventName);
  if (create !== undefined) {
    const name = p[create.key];
    const path = p.path ?? "/";
    if (name === undefined || !IAM_NAME.test(name) || !IAM_PATH.test(path)) return NONE;
    return [`arn:${partition}:iam::${accountId}:${create.type}${path}${name}`];
  }
  const rename = own(IAM_RENAME, eventName);
  if (rename !== undefined) {
    // The entity as it is, by name (its path is not in the request: both patterns), and as it
    // becomes: at the new path when one is given (its ARN), else at the path it keeps (by name).
    // A name or path that is none (a wildcard would reach the policy) names nothing at all.
    const name = p[rename.name];
    const newName = p[rename.newName];
    if (name === undefined || !IAM_NAME.test(name) || (newName !== undefined && !IAM_NAME.test(newName)) || (p.newPath !== undefined && !IAM_PATH.test(p.newPath))) return NONE;
    const as = iamByNamePatterns(partition, accountId, rename.type, name);
    if (p.newPath !== undefined) return [...as, `arn:${partition}:iam::${accountId}:${rename.type}${p.newPath}${newName ?? name}`];
    return newName === undefined || newName === name ? as : [...as, ...iamByNamePatterns(partition, accountId, rename.type, newName)];
  }
  if (IAM_POLICY_CALLS.has(eventName) && p.policyArn !== undefined && /^arn:[^:]+:iam::(?:\d{12}|aws):policy\/./.test(p.policyArn)) return [p.policyArn];
  const type = own(IAM_BY_NAME, eventName);
  if (type !== undefined) {
    const name = p[IAM_NAME_KEY[type]];
    if (name === undefined || !IAM_NAME.test(name)) return NONE;
    return iamByNamePatterns(partition, accountId, type, name);
  }
  return NONE;
}

/** The two patterns of a user, group or role named without its path (iamArns): the root path's ARN and any other path's. */
export function iamByNamePatterns(partition: string, accountId: string, type: "user" | "group" | "role", name: string): string[] {
  return [`arn:${partition}:iam::${accountId}:${type}/${name}`, `arn:${partition}:iam::${accountId}:${type}/*/${name}`];
}

/**
 * resources[] as the record lists them, plus what it leaves out: a DynamoDB Query or Scan on a
 * secondary index lists the table only, but is authorised against the index
 * (`table/<t>/index/<i>`, Service Authorization Reference), named by requestParameters.indexName.
 */
function withResourcesList(ctx: ResourceContext): string[] {
  // EventBridge's PutEvents through a global endpoint lists the endpoint beside the event bus
  // ("The event includes both the event bus ARN and the endpoint resource ARN", EventBridge user
  // guide, "EventBridge data events in CloudTrail"), but PutEvents is authorised on the bus alone
  // (Service Authorization Reference: event-bus, event-busv2). Counted, the endpoint was a resource
  // of events:PutEvents in the usage, one no policy can grant it on.
  if (ctx.eventName === "PutEvents" && eventSourceHost(ctx.eventSource) === "events") return dedupe(ctx.resources.filter((r) => !EVENTS_ENDPOINT.test(r)));
  if (ctx.eventSource === S3EXPRESS_SOURCE) return dedupe(ctx.resources.map(directoryBucketArn));
  const p = ctx.params;
  // A PartiQL SELECT on an index (ExecuteStatement, `FROM "t"."i"`): its record lists the table
  // only (as a Query's), but the call is authorised on the index (partiqlStatementTargets). An
  // unquoted `a.b` is table `a.b` or table `a`'s index `b`: the index only when resources[] lists `a`.
  if (p.statement !== undefined && p.tableName === undefined && eventSourceHost(ctx.eventSource) === "dynamodb") {
    const extra: string[] = [];
    for (const t of partiqlStatementTargets(p.statement) ?? NONE_TARGETS) {
      if (t.index === null) continue;
      const table = isArn(t.table) ? t.table : ctx.resources.find((r) => r.endsWith(`:table/${t.table}`));
      if (table !== undefined) extra.push(indexArn(table, { indexName: t.index }) as string);
    }
    return dedupe(extra.length === 0 ? ctx.resources : [...ctx.resources, ...extra]);
  }
  if (p.indexName === undefined || p.tableName === undefined || eventSourceHost(ctx.eventSource) !== "dynamodb") return dedupe(ctx.resources);
  const table = isArn(p.tableName) ? p.tableName : ctx.resources.find((r) => r.endsWith(`:table/${p.tableName}`));
  return table === undefined ? dedupe(ctx.resources) : dedupe([...ctx.resources, indexArn(table, p) as string]);
}

/**
 * The ARN of the table, or index, that an item of a DynamoDB multi-item call names (ddb-items.ts):
 * the table's ARN as resources[] lists it (CloudTrail's own, as withResourcesList takes it), an ARN
 * the request gave as it is, else the table in the call's region and account (as a tableName
 * parameter is read); null when none can be made.
 */
export function ddbItemArn(ctx: ResourceContext, table: string, index: string | null): string | null {
  const listed = isArn(table) ? table : ctx.resources.find((r) => r.endsWith(`:table/${table}`));
  const arn = listed ?? (ctx.region !== null && ctx.accountId !== null ? `arn:${ctx.partition}:dynamodb:${ctx.region}:${ctx.accountId}:table/${table}` : null);
  return arn === null ? null : index === null ? arn : indexArn(arn, { indexName: index });
}

/**
 * The items of a DynamoDB multi-item call grouped by the event name each is counted under, each
 * name with its items' distinct ARNs (ddbItemArn), names in sorted order; null when an item's ARN
 * cannot be made (the call is then counted whole). The record readers (accumulate.ts addItems) and
 * the query rows' reader (query-rows.ts) count the same groups.
 */
export function ddbItemGroups(ctx: ResourceContext, items: readonly DdbItem[]): [string, string[]][] | null {
  const byName = new Map<string, string[]>();
  for (const it of items) {
    const arn = ddbItemArn(ctx, it.table, it.index);
    if (arn === null) return null;
    const arns = byName.get(it.eventName);
    if (arns === undefined) byName.set(it.eventName, [arn]);
    else if (!arns.includes(arn)) arns.push(arn);
  }
  return [...byName.keys()].sort().map((name) => [name, (byName.get(name) as string[]).sort()]);
}

const S3EXPRESS_SOURCE = "s3express.amazonaws.com";

/**
 * A directory bucket's ARN as IAM writes it (`…:s3express:<region>:<account>:bucket/<name>`). Some of
 * the S3 user guide's example records ("CloudTrail log file examples for directory buckets") list
 * the bucket as `…:s3express:<region>:<account>:<name>`, which no policy's `bucket/…` matches: the
 * `bucket/` is put in. Any other ARN is returned as it is.
 */
function directoryBucketArn(arn: string): string {
  const parts = splitArn(arn);
  if (parts === null || parts[2] !== "s3express") return arn;
  const resource = parts[5] as string;
  return resource === "" || resource.includes("/") || resource.includes(":") ? arn : `${parts.slice(0, 5).join(":")}:bucket/${resource}`;
}

/** An EventBridge global endpoint's ARN (`arn:<partition>:events:<region>:<account>:endpoint/<name>`). */
const EVENTS_ENDPOINT = /^arn:[^:]+:events:[^:]*:[^:]*:endpoint\//;

/** The index a DynamoDB call names (indexName), under its table's ARN; null when none. */
function indexArn(table: string, p: RequestParams): string | null {
  return p.indexName === undefined || p.indexName === "" ? null : `${table}/index/${p.indexName}`;
}

/**
 * A secret named by ARN. Secrets Manager adds `-` and six random characters to a secret's name to
 * make its ARN, and takes an ARN without them (a partial ARN) as naming the secret; an ARN that
 * ends in a hyphen and six characters it takes as complete (SecretId in the Secrets Manager API
 * reference: that is why a name should not end so). The same rule here: a complete ARN is kept
 * exactly, a partial one gets the `-??????` a secret named by name gets.
 */
function secretArn(arn: string): string {
  const name = /:secret:(.*)$/s.exec(arn)?.[1];
  if (name === undefined || /-[A-Za-z0-9]{6}$/.test(name)) return arn;
  return `${arn}-??????`;
}

/**
 * Lambda's FunctionName takes a name (`my-function`, `my-function:v1` with a qualifier), a full
 * ARN, or a partial ARN (`123456789012:function:my-function[:qualifier]`, Lambda API reference):
 * the partial ARN names its account, the call's region is the function's.
 */
function functionArn(name: string, region: string | null, partition: string, regional: (service: string, rest: string) => string | null): string | null {
  if (isArn(name)) return name;
  const partial = /^(\d{12}):function:(.+)$/s.exec(name);
  // The partial ARN's own account, not the call's (recipientAccountId is the caller's account).
  if (partial !== null) return region === null ? null : `arn:${partition}:lambda:${region}:${partial[1] as string}:function:${partial[2] as string}`;
  return regional("lambda", `function:${name}`);
}

/**
 * A function's ARN with the call's Qualifier (GetFunction, GetFunctionConfiguration, GetPolicy,
 * Invoke … take a version or alias apart from FunctionName: Lambda API reference). Lambda authorises
 * such a call on the qualified ARN: "starting January 24, 2022, Lambda requires IAM or VPC endpoint
 * policies to specify the fully qualified ARN in the Resource element when authorizing API calls
 * that use an unqualified ARN with a qualifier parameter" (Lambda's notice of the change, as the AWS
 * CDK's fix quotes it: aws-cdk#19318). Named unqualified, the grant refused the call. A FunctionName
 * that is already qualified keeps its own qualifier; a qualifier that is no version or alias
 * (Lambda API reference: `(|[a-zA-Z0-9$_-]+)`) changes nothing.
 */
function qualifiedFunctionArn(arn: string | null, qualifier: string | undefined): string | null {
  if (arn === null || qualifier === undefined || !/^[a-zA-Z0-9$_-]{1,128}$/.test(qualifier)) return arn;
  return /:function:[^:]+$/.test(arn) ? `${arn}:${qualifier}` : arn;
}

/** A log group's name (CloudWatch Logs API reference, CreateLogGroup: `[\.\-_/#A-Za-z0-9]+`, 1-512). */
const LOG_GROUP_NAME = "[.\\-_/#A-Za-z0-9]{1,512}";
const LOG_GROUP_ARN = new RegExp(`^(arn:[^:]+:logs:[^:]+:\\d{12}:log-group:${LOG_GROUP_NAME})(?::\\*)?$`);
const LOG_GROUP_NAME_ONLY = new RegExp(`^${LOG_GROUP_NAME}$`);
/** A log stream's name: 1-512 characters, none `:` or `*` (CloudWatch Logs API reference, CreateLogStream, "Pattern: [^:*]*"). */
const LOG_STREAM_NAME = /^[^:*]{1,512}$/;
/** The Logs calls authorised on the log stream they name (Service Authorization Reference: log-stream, required). */
const LOG_STREAM_ACTIONS: ReadonlySet<string> = new Set(["CreateLogStream", "DeleteLogStream", "GetLogEvents", "PutLogEvents"]);

/**
 * The log group a CloudWatch Logs logGroupIdentifier names: a name, in the call's Region and
 * account, or a log group's ARN (another account's, from a monitoring account: "you must use the
 * log group ARN"), its `:*` left off ("If you specify an ARN, use the format
 * arn:aws:logs:region:account-id:log-group:log_group_name Don't include an * at the end", ibid.,
 * StartQuery). Anything else names none.
 */
function logGroupIdentifierArn(id: string, regional: (service: string, rest: string) => string | null): string | null {
  if (isArn(id)) return LOG_GROUP_ARN.exec(id)?.[1] ?? null;
  return LOG_GROUP_NAME_ONLY.test(id) ? regional("logs", `log-group:${id}`) : null;
}

/**
 * The task definition an ECS RunTask or StartTask ran: `taskDefinition` takes `family:revision`,
 * `family` (the latest ACTIVE revision) or a full ARN (ECS API reference, RunTask). The call is
 * authorised on the revision's ARN, `task-definition/<family>:<revision>`, the revision resolved
 * before authorisation when the call gives none; a policy grants every revision as
 * `task-definition/<family>:*` (ibid.). A family without revision is therefore `<family>:*`: the
 * revision authorised is whichever is latest when the call is made, not one the record names.
 */
function taskDefinitionArn(td: string, regional: (service: string, rest: string) => string | null): string | null {
  if (isArn(td)) return /:task-definition\/[^:/]+$/.test(td) ? `${td}:*` : td;
  // A family is letters, digits, `-` and `_` (RegisterTaskDefinition); a revision is a number.
  if (!/^[A-Za-z0-9_-]+(?::\d+)?$/.test(td)) return null;
  return regional("ecs", `task-definition/${td.includes(":") ? td : `${td}:*`}`);
}

/**
 * The service an ECS call names: `service` takes a name or an ARN, `cluster` a name or an ARN and
 * defaults to the cluster named `default` (ECS API reference, UpdateService, DescribeServices). A
 * service's ARN is `service/<cluster>/<service>` (Service Authorization Reference), so a name is
 * put under its cluster, in the cluster ARN's account and Region when the call gives one (another
 * account's cluster), the call's otherwise; a service ARN is kept as it is (an old-format
 * `service/<name>` ARN too: it is the ARN the call was authorised on).
 */
function ecsServiceArn(service: string, cluster: string | undefined, regional: (service: string, rest: string) => string | null): string | null {
  if (isArn(service)) return service;
  // Names are letters, digits, `-` and `_` (CreateCluster, CreateService): anything else names no service ARN.
  const NAME = /^[A-Za-z0-9_-]+$/;
  if (!NAME.test(service)) return null;
  if (cluster === undefined) return regional("ecs", `service/default/${service}`);
  if (!isArn(cluster)) return NAME.test(cluster) ? regional("ecs", `service/${cluster}/${service}`) : null;
  const m = /^(arn:[^:]+:ecs:[^:]+:\d{12}:)cluster\/([A-Za-z0-9_-]+)$/.exec(cluster);
  return m === null ? null : `${m[1] as string}service/${m[2] as string}/${service}`;
}

/**
 * The job definition a Batch SubmitJob names: `jobDefinition` takes `name`, `name:revision` or an
 * ARN (Batch API reference, SubmitJob; a name alone runs the latest active revision). The call is
 * authorised on the revision's ARN, so a name alone, or an ARN without a revision, is every
 * revision, `job-definition/<name>:*`: the Batch user guide ("Accounting for job definition
 * revisions") says `job-definition/<name>` without one matches no SubmitJob. As an ECS task
 * definition's family (taskDefinitionArn), and generate keeps that `:*` a wildcard.
 */
function batchJobDefinitionArn(jd: string, regional: (service: string, rest: string) => string | null): string | null {
  if (isArn(jd)) return /:job-definition\/[^:/]+$/.test(jd) ? `${jd}:*` : jd;
  if (!/^[A-Za-z0-9_-]+(?::\d+)?$/.test(jd)) return null;
  return regional("batch", `job-definition/${jd.includes(":") ? jd : `${jd}:*`}`);
}

/**
 * Glue GetDatabase names its database by `name` (`catalogId` for another account's catalog) and is
 * authorised on the catalog and the database (Service Authorization Reference: rootcatalog and
 * database required), as glueTableArns names them for a call on one table. `name` is read for
 * this event only: other Glue calls name a crawler, a trigger or a connection by it.
 */
function glueDatabaseArns(p: RequestParams, region: string | null, accountId: string | null, partition: string): string[] {
  if (p.name === undefined || p.name === "" || p.databaseName !== undefined) return NONE;
  const account = p.catalogId ?? accountId;
  if (region === null || account === null || !/^\d{12}$/.test(account)) return NONE;
  const base = `arn:${partition}:glue:${region}:${account}`;
  return [`${base}:catalog`, `${base}:database/${p.name}`];
}

/**
 * A Glue Data Catalog call on one table (GetTable, DeleteTable with `databaseName` and `name`;
 * GetPartition(s), BatchGetPartition, CreatePartition … with `databaseName` and `tableName`) is
 * authorised on the catalog, the database and the table, all three (Glue developer guide,
 * "Specifying AWS Glue resource ARNs": `catalog`, `database/<db>`, `table/<db>/<table>`), in the
 * account `catalogId` names, the caller's by default. Only a call naming all three is derived: one
 * naming a database alone (GetTables) is authorised on tables it does not name, and a grant of the
 * catalog and database only would refuse it; so is one with another kind of catalogId (a
 * federated catalog's `account:catalog/…`), whose ARNs are not these.
 */
function glueTableArns(p: RequestParams, region: string | null, accountId: string | null, partition: string): string[] {
  const table = p.tableName ?? (p.databaseName !== undefined ? p.name : undefined);
  if (p.databaseName === undefined || table === undefined || p.databaseName === "" || table === "") return NONE;
  const account = p.catalogId ?? accountId;
  if (region === null || account === null || !/^\d{12}$/.test(account)) return NONE;
  const base = `arn:${partition}:glue:${region}:${account}`;
  return [`${base}:catalog`, `${base}:database/${p.databaseName}`, `${base}:table/${p.databaseName}/${table}`];
}

/** Management calls whose API Gateway resource path is the collection they list or create. */
const APIGW_COLLECTIONS: { readonly [eventName: string]: string } = {
  GetRestApis: "/restapis",
  CreateRestApi: "/restapis",
  ImportRestApi: "/restapis",
  GetApiKeys: "/apikeys",
  CreateApiKey: "/apikeys",
  GetDomainNames: "/domainnames",
  GetUsagePlans: "/usageplans",
  CreateUsagePlan: "/usageplans",
  GetVpcLinks: "/vpclinks",
  CreateVpcLink: "/vpclinks",
  GetClientCertificates: "/clientcertificates",
  GenerateClientCertificate: "/clientcertificates",
  GetAccount: "/account",
  UpdateAccount: "/account",
};

/** Management calls on one REST API (requestParameters.restApiId): the path under /restapis/<id>. */
const APIGW_UNDER_API: { readonly [eventName: string]: string } = {
  GetRestApi: "",
  UpdateRestApi: "",
  PutRestApi: "",
  DeleteRestApi: "",
  GetResources: "/resources",
  GetStages: "/stages",
  GetDeployments: "/deployments",
  CreateDeployment: "/deployments",
  GetAuthorizers: "/authorizers",
  GetModels: "/models",
};

/**
 * The resource path an API Gateway management call is authorised on (`apigateway:<VERB>` on
 * `arn:aws:apigateway:<region>::<path>`, API Gateway developer guide, "Control access to the API
 * Gateway management API"; the paths are the REST API's, as the Service Authorization Reference's
 * resource types name them: RestApis `/restapis`, RestApi `/restapis/<id>` …), where the event
 * name and its parameters make it certain; null otherwise (generate then grants every path).
 */
export function apiGatewayPath(eventName: string, p: RequestParams): string | null {
  const collection = own(APIGW_COLLECTIONS, eventName);
  if (collection !== undefined) return collection;
  const under = own(APIGW_UNDER_API, eventName);
  if (under === undefined || p.restApiId === undefined || !/^[A-Za-z0-9]+$/.test(p.restApiId)) return null;
  return `/restapis/${p.restApiId}${under}`;
}

/**
 * Cross-Region (system-defined) inference profile ids start with the geography they route in
 * (`us.anthropic.claude-3-haiku-20240307-v1:0`, `global.…`; Bedrock user guide, "Supported Regions
 * and models for inference profiles"); a foundation model id starts with its provider
 * (`anthropic.…`).
 */
const INFERENCE_PROFILE_GEO = /^(?:us|us-gov|eu|apac|jp|au|ca|global)\./;

/**
 * What a Bedrock inference call (InvokeModel, Converse …) with this `modelId` is authorised
 * against. modelId takes a foundation model id, an inference profile id, or the ARN of a foundation
 * model, inference profile, application inference profile, provisioned or custom model (Bedrock
 * API reference, InvokeModel). A call through an inference profile is authorised on the profile
 * and on the foundation model in whichever Region the profile routes it to (user guide,
 * "Prerequisites for inference profiles": its policy grants both, the model in region `*`), so
 * both are named. An application inference profile or prompt router ARN is named as it is: what it
 * routes to is not in the record (and a resource here is data, so no `foundation-model/*` can
 * stand for it).
 */
function bedrockModelArns(modelId: string, region: string | null, accountId: string | null, partition: string): string[] {
  const anyRegionModel = (id: string): string => `arn:${partition}:bedrock:*::foundation-model/${id}`;
  if (isArn(modelId)) {
    const m = /^arn:([^:]+):bedrock:[^:]*:[^:]*:([a-z-]+)\/(.+)$/s.exec(modelId);
    if (m === null) return [modelId];
    const [, arnPartition, type, id] = m as unknown as [string, string, string, string];
    if (type === "inference-profile") return [modelId, `arn:${arnPartition}:bedrock:*::foundation-model/${id.replace(INFERENCE_PROFILE_GEO, "")}`];
    return [modelId];
  }
  if (INFERENCE_PROFILE_GEO.test(modelId)) {
    // Without the call's region and account the profile is unknown: the call names none (granted as such).
    if (region === null || accountId === null) return [];
    return [`arn:${partition}:bedrock:${region}:${accountId}:inference-profile/${modelId}`, anyRegionModel(modelId.replace(INFERENCE_PROFILE_GEO, ""))];
  }
  // A foundation model's ARN has no account (Service Authorization Reference, foundation-model).
  return region === null ? [] : [`arn:${partition}:bedrock:${region}::foundation-model/${modelId}`];
}

/**
 * The event name under which the read half of an S3 copy is counted: CopyObject and UploadPartCopy
 * are authorised as s3:PutObject on the destination (the call's bucketName and key) and
 * s3:GetObject on the source (the `x-amz-copy-source` header, which CloudTrail records in
 * requestParameters) — two resources of one type, so one resource list per call cannot tell which
 * action each belongs to. The usage stage counts the source as a call of its own under this name
 * (event-actions.ts maps it to s3:GetObject, or s3:GetObjectVersion for a versioned source).
 */
export const COPY_SOURCE_SUFFIX = " (copy source)";

/**
 * The event name under which the decrypting half of a KMS ReEncrypt is counted. ReEncrypt "is
 * authorized twice - once as ReEncryptFrom on the source key and once as ReEncryptTo on the
 * destination key" (KMS API reference, ReEncryptRequest), and CloudTrail lists the two keys in
 * resources[] as "the source KMS key and the destination KMS key, in that order" (KMS developer
 * guide, CloudTrail ReEncrypt example). Counted on one group, each action got both keys (a policy
 * generated from it granted ReEncryptFrom on the destination key and ReEncryptTo on the source);
 * as an S3 copy's read half, the source is counted as a call of its own under this name
 * (event-actions.ts: kms:ReEncryptFrom), the call itself as kms:ReEncryptTo on the destination.
 */
export const SOURCE_KEY_SUFFIX = " (source key)";

/** A call half counted apart from its record: an S3 copy's read half, a ReEncrypt's source key. */
export function isCallHalfEvent(eventName: string): boolean {
  return eventName.endsWith(COPY_SOURCE_SUFFIX) || eventName.endsWith(SOURCE_KEY_SUFFIX);
}

/**
 * A KMS ReEncrypt split by key: its source half (the first key of `resources`, the call's resources
 * as resourcesOf gives them) and the destination keys the call itself keeps (the second; the one
 * key both times when the record lists only one, as for a re-encryption under the same key). Null
 * for any other call. A record without resources[] names neither key (the request's
 * destinationKeyId may be an alias): both halves are then unnamed calls.
 */
export function reEncryptSplit(eventSource: string, eventName: string, resources: string[]): { half: CopySource; destination: string[] } | null {
  if (eventName !== "ReEncrypt" || eventSourceHost(eventSource) !== "kms") return null;
  const half: CopySource = { eventName: `${eventName}${SOURCE_KEY_SUFFIX}`, versioned: false, resources: resources.slice(0, 1) };
  return { half, destination: resources.length > 1 ? resources.slice(1) : resources };
}

/** The copy's read half: its event name, whether a version is read, and the source object's ARN (none when unreadable). */
export interface CopySource {
  eventName: string;
  versioned: boolean;
  resources: string[];
}

/**
 * The source of an S3 copy, or null when the call is not one. `x-amz-copy-source` is
 * `[/]bucket/key[?versionId=v]`, URL-encoded, or an access point's
 * `arn:…:accesspoint/<name>/object/<key>` (S3 API reference, CopyObject). A copy whose record lacks
 * it still reads an object: its read half is counted, with no resource.
 */
export function copySourceOf(eventSource: string, eventName: string, p: RequestParams, partition: string): CopySource | null {
  if ((eventName !== "CopyObject" && eventName !== "UploadPartCopy") || eventSourceHost(eventSource) !== "s3") return null;
  const raw = p["x-amz-copy-source"];
  const out: CopySource = { eventName: `${eventName}${COPY_SOURCE_SUFFIX}`, versioned: false, resources: [] };
  if (raw === undefined || raw === "") return out;
  // The version is a query parameter: split before decoding, so a key's own encoded `?` (%3F) stays in the key.
  const q = raw.indexOf("?");
  const path = q < 0 ? raw : raw.slice(0, q);
  if (q >= 0) out.versioned = /(?:^|&)versionId=[^&]/.test(raw.slice(q + 1));
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    decoded = path;
  }
  const source = decoded.startsWith("/") ? decoded.slice(1) : decoded;
  if (isArn(source)) {
    if (/:accesspoint\/[^/]+\/object\/./s.test(source)) out.resources.push(source);
    return out;
  }
  const slash = source.indexOf("/");
  if (slash > 0 && slash < source.length - 1) out.resources.push(`arn:${partition}:s3:::${source}`);
  return out;
}

/**
 * `https://sqs.us-east-1.amazonaws.com/123456789012/orders` → `arn:aws:sqs:us-east-1:123456789012:orders`.
 * The legacy forms too (SQS developer guide, "Amazon SQS queue and message identifiers": queue URLs
 * of the legacy endpoints still work): `https://us-west-2.queue.amazonaws.com/…`, and
 * `https://queue.amazonaws.com/…`, us-east-1's (the URL older SDKs and the console gave for its
 * queues, as the cloudmapper demo account's `https://queue.amazonaws.com/123456789012/demo`).
 * The Region must look like one: `https://sqs.amazonaws.com/…` names none, not a Region `amazonaws`.
 */
export function queueUrlToArn(url: string, partition = "aws"): string | null {
  const m = /^https?:\/\/(?:sqs\.([a-z]+(?:-[a-z]+)+-\d+)\.[^/]+|([a-z]+(?:-[a-z]+)+-\d+)\.queue\.[^/]+|(queue)\.amazonaws\.com)(?::\d+)?\/(\d{12})\/([^/?#]+)/.exec(url);
  if (m === null) return null;
  const region = m[1] ?? m[2] ?? "us-east-1";
  return `arn:${partition}:sqs:${region}:${m[4]}:${m[5]}`;
}

function dedupe(xs: string[]): string[] {
  if (xs.length < 2) return xs;
  // A call names a few resources, nearly always distinct: checked pairwise, without a Set.
  if (xs.length <= 8) {
    let distinct = true;
    for (let i = 1; i < xs.length && distinct; i++) for (let j = 0; j < i; j++) if (xs[i] === xs[j]) distinct = false;
    if (distinct) return xs;
  }
  return [...new Set(xs)];
}

/**
 * Longest common prefix of `a` and `b`. Used incrementally: the prefix of all resources seen is
 * kept exactly even when the stored sample is capped.
 */
export function commonPrefix(a: string, b: string): string {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return a.slice(0, i);
}
