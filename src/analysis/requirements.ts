/**
 * The permissions a function's configuration requires of its execution role, read from the
 * configuration alone (no role needed): its log group, VPC, tracing, event source mappings,
 * dead-letter target, destinations and environment key. The policy generator (issue 7) reuses
 * this list to write a least-privilege policy; the rules (LR005, LR006, LR007, LR010) evaluate it
 * against the role.
 *
 * Sources (AWS Lambda Developer Guide): "Lambda execution role" and AWSLambdaBasicExecutionRole
 * (logs), "Giving Lambda functions access to resources in an Amazon VPC" (ENI actions),
 * "Visualize Lambda function invocations using AWS X-Ray" (PutTraceSegments/PutTelemetryRecords),
 * the "Execution role permissions" sections of each event source page (SQS, DynamoDB Streams,
 * Kinesis, MSK, self-managed Kafka, Amazon MQ, DocumentDB), "Capturing records of asynchronous
 * invocations" (destinations and DLQs), "Securing environment variables" (kms:Decrypt) and
 * "Security and permissions for Lambda durable functions" (checkpoints); an AWS Config custom
 * rule's evaluator reports with config:PutEvaluations (AWS Config developer guide, "Creating AWS
 * Config Custom Lambda Rules"; the AWSConfigRulesExecutionRole managed policy grants it).
 * Table: /work/shared/reference/input-formats.md §2.3.
 */
import type { LambdaFunction, PolicyStatement, Trigger } from "../model/document.js";
import type { RequirementPurpose } from "../model/analysis.js";
import { partitionOf } from "./policies.js";
import { own } from "../collections.js";
import { kafkaIamGrants } from "../normalize/kafka-access.js";

export interface RequiredPermission {
  purpose: RequirementPurpose;
  subject: string;
  action: string;
  resource: string;
  /** Other forms of the resource AWS may authorize the call on; granting any one of them suffices. */
  alternativeResources?: string[];
  /** Actions AWS accepts instead of this one; granting any one of them suffices. */
  alternativeActions?: string[];
  /**
   * The resource is another account's, named by a configuration that cannot carry its resource
   * policy (a cross-account MSK mapping's cluster, derived from its VPC connection): judged on the
   * role's own policies, as if in its account. Whether the other account's policy lets it in is
   * that account's side, which the inputs do not hold (the cluster policy multi-VPC connectivity
   * requires grants the client account).
   */
  identityOnly?: true;
  /**
   * Condition keys the request carries beyond the principal's and the Region (an EFS mount's
   * `elasticfilesystem:AccessPointArn`): the evaluation sets them, and `generate` writes them as the
   * grant's `StringEquals` condition.
   */
  context?: Readonly<Record<string, string>>;
  essential: boolean;
}

/**
 * ENI management Lambda does with the execution role for a VPC function. The Lambda Developer
 * Guide ("Giving Lambda functions access to resources in an Amazon VPC", Required IAM permissions,
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions)
 * lists these five and ec2:DescribeSubnets (VPC_SUBNET_DISCOVERY), all on `"Resource": "*"`.
 */
export const VPC_ACTIONS = [
  "ec2:AssignPrivateIpAddresses",
  "ec2:CreateNetworkInterface",
  "ec2:DeleteNetworkInterface",
  "ec2:DescribeNetworkInterfaces",
  "ec2:UnassignPrivateIpAddresses",
] as const;

/**
 * The sixth action of that list. AWSLambdaVPCAccessExecutionRole grants it since its v3
 * (2024-01-05, https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaVPCAccessExecutionRole.html),
 * and the guide added it then; AWSLambdaENIManagementAccess (v2, the managed policy AWS still
 * publishes for ENI management, which the terraform-aws-modules/lambda module copies) and the
 * roles written from the older guide lack it, and VPC functions run with them. So it is required
 * but not essential: its absence alone is "may" (LR006 at low), never "cannot"; a role outside any
 * VPC that grants it with the ENI writes carries it for nothing, as it carries them.
 */
export const VPC_SUBNET_DISCOVERY = "ec2:DescribeSubnets";

/**
 * What a durable function's executions call with the execution role to checkpoint and replay
 * (AWSLambdaBasicDurableExecutionRolePolicy's Lambda actions). Lambda authorizes them on the
 * durable execution's ARN, `function:<name>:<version>/durable-execution/<name>/<id>`, so a grant on
 * the unqualified function ARN does not match; AWS's example grants `function:<name>:*`.
 */
export const DURABLE_ACTIONS = ["lambda:CheckpointDurableExecution", "lambda:GetDurableExecutionState"] as const;

/** What sending to an SQS queue or SNS topic encrypted with a customer managed key takes of the sender's key permissions. */
export const DELIVERY_KEY_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey"] as const;

/** Trace upload for Active tracing (AWSXRayDaemonWriteAccess's write actions). */
export const TRACING_ACTIONS = ["xray:PutTelemetryRecords", "xray:PutTraceSegments"] as const;

/** ENI and network discovery actions Lambda's pollers need for sources inside a VPC (MSK, MQ, DocumentDB). */
const POLLER_VPC_ACTIONS = [
  "ec2:CreateNetworkInterface",
  "ec2:DeleteNetworkInterface",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribeSecurityGroups",
  "ec2:DescribeSubnets",
  "ec2:DescribeVpcs",
];

const SQS_POLL = ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"];
const DYNAMODB_STREAM = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"];
const KINESIS_STREAM = ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"];
const KINESIS_CONSUMER = ["kinesis:DescribeStreamConsumer", "kinesis:SubscribeToShard"];
const MSK = ["kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"];
const MSK_CROSS_ACCOUNT = ["kafka:DescribeVpcConnection"];
const MQ = ["mq:DescribeBroker"];
const DOCDB = ["rds:DescribeDBClusters"];

/**
 * Actions Lambda's current documentation and managed policies list for a source but that older,
 * working configurations lack (Kinesis ESMs ran on DescribeStream before DescribeStreamSummary and
 * ListShards were added; ListStreams is only used for discovery): missing ones are reported at a
 * lower severity, as "may", not "cannot".
 */
// DescribeStreamConsumer: AWSLambdaKinesisExecutionRole, the policy Lambda's guide gives Kinesis
// sources, enhanced fan-out included, does not grant it.
const NON_ESSENTIAL = new Set(["kinesis:DescribeStreamSummary", "kinesis:ListShards", "dynamodb:ListStreams", "kinesis:DescribeStreamConsumer"]);

/** Actions required on `*` (ListStreams, Describe* on EC2, which have no resource type; the ENI writes, above resourceFor). */
const STAR_ONLY = new Set([
  "dynamodb:ListStreams",
  "ec2:CreateNetworkInterface",
  "ec2:DeleteNetworkInterface",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribeSecurityGroups",
  "ec2:DescribeSubnets",
  "ec2:DescribeVpcs",
  "ec2:AssignPrivateIpAddresses",
  "ec2:UnassignPrivateIpAddresses",
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
]);

/**
 * The cluster's parameter group and subnet group, which a DocumentDB mapping's poller reads: IAM
 * authorises DescribeDBClusterParameters on the parameter group (`cluster-pg`, required) and
 * DescribeDBSubnetGroups on subnet groups (`subgrp`), not on the cluster (Service Authorization
 * Reference, Amazon RDS: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonrds.html).
 * Their names are the cluster's settings, not in the mapping: every one in the cluster's Region
 * and account, as SAM's DocumentDB event grants them (`cluster-pg:*`, `subgrp:*`). A cluster ARN
 * that does not parse leaves `*`.
 */
function docdbGroupRequirements(cluster: string): [string[], string][] {
  const m = /^arn:([^:]+):rds:([^:]*):([^:]*):cluster:/.exec(cluster);
  if (!m) return [[["rds:DescribeDBClusterParameters", "rds:DescribeDBSubnetGroups"], "*"]];
  const p = `arn:${m[1]}:rds:${m[2]}:${m[3]}:`;
  return [
    [["rds:DescribeDBClusterParameters"], `${p}cluster-pg:*`],
    [["rds:DescribeDBSubnetGroups"], `${p}subgrp:*`],
  ];
}

/**
 * ENI actions are required on `*`: AWS documents them with `Resource: "*"` and Lambda creates the
 * interface in subnets and security groups the role's policy cannot predict by name; `generate`
 * writes them so. A grant on the account's network interfaces (`arn:aws:ec2:<region>:<account>:*\/*`,
 * the form the guide gives for DeleteNetworkInterface) satisfies them too: function-requirements.ts
 * tries `network-interface/*` where `*` is not granted.
 */
function resourceFor(action: string, arn: string): string {
  return STAR_ONLY.has(action) ? "*" : arn;
}

/** The account-and-region prefix of the function's ARNs: `arn:<p>:<svc>:<region>:<account>:`. */
function prefix(fn: LambdaFunction, service: string): string {
  return `arn:${partitionOf(fn.arn)}:${service}:${fn.region}:${fn.accountId}:`;
}

/** The ARN of a log group as IAM sees it (CreateLogGroup) and of its streams (CreateLogStream, PutLogEvents). */
export function logGroupArns(fn: LambdaFunction): { group: string; streams: string } {
  const group = `${prefix(fn, "logs")}log-group:${fn.logGroup}`;
  // A literal `*` stream: only a policy that grants every stream of the group matches it, which is
  // what Lambda needs (it creates a new stream per execution environment).
  return { group, streams: `${group}:log-stream:*` };
}

/**
 * Where a Lambda@Edge function's replicas log (LambdaFunction.lambdaAtEdge): in every Region
 * CloudFront runs them, to `/aws/lambda/us-east-1.<name>` (the Region it was made in, kept in
 * every Region), or to its custom log group's own name (CloudFront developer guide, "Edge function
 * logs"). The Region is a literal `*`: only a grant in every Region matches it, which is what the
 * replicas need (CloudFront picks the Regions).
 */
export function edgeLogGroupArns(fn: LambdaFunction): { name: string; group: string; streams: string } {
  const name = fn.logGroup === `/aws/lambda/${fn.name}` ? `/aws/lambda/us-east-1.${fn.name}` : fn.logGroup;
  const group = `arn:${partitionOf(fn.arn)}:logs:*:${fn.accountId}:log-group:${name}`;
  return { name, group, streams: `${group}:log-stream:*` };
}

/** The write action a destination ARN needs, by its service (SQS, SNS, Lambda, EventBridge, S3). */
export function destinationPermission(arn: string): { action: string; resource: string } | null {
  const service = arn.split(":")[2];
  switch (service) {
    case "sqs":
      return { action: "sqs:SendMessage", resource: arn };
    case "sns":
      return { action: "sns:Publish", resource: arn };
    case "lambda":
      return { action: "lambda:InvokeFunction", resource: arn };
    case "events":
      return { action: "events:PutEvents", resource: arn };
    case "s3":
      // S3 destinations (on-failure) write objects into the bucket.
      return { action: "s3:PutObject", resource: `${arn.replace(/\/\*$/, "")}/*` };
    default:
      return null;
  }
}

/**
 * The bucket listing an S3 destination also needs: "For an S3 destination: s3:PutObject and
 * s3:ListBucket" (Lambda developer guide, capturing discarded batches and async destinations).
 * Null for other services.
 */
export function destinationListing(arn: string): { action: string; resource: string } | null {
  return arn.split(":")[2] === "s3" ? { action: "s3:ListBucket", resource: arn.replace(/\/.*$/, "") } : null;
}

/**
 * glue:GetSchemaVersion for a Glue registry: the poller fetches each record's schema version by its
 * ID, which IAM authorises on the schema it belongs to (`schema/<registry>/<schema>`) or the
 * registry; the AWS CDK's GlueSchemaRegistry grants both, `schema/<registry>/*` and the registry
 * ARN, and the Glue developer guide's deserializer example grants `*`. Required on every schema of
 * the registry (a literal `*`: the records name the schema, the configuration does not), the
 * registry accepted in its place. A registry ARN that does not parse (an unresolved reference)
 * leaves `*`, the guide's own grant.
 */
function glueSchemaVersionRequirement(subject: string, registry: string): RequiredPermission {
  // A template's region and account are `${AWS::Region}` and `${AWS::AccountId}`, colons inside.
  const part = "(?:\\$\\{[^}]*\\}|[^:])*";
  const m = new RegExp(`^(arn:${part}:glue:${part}:${part}:)registry/([^/]+)$`).exec(registry);
  if (m === null) return { purpose: "trigger", subject, action: "glue:GetSchemaVersion", resource: "*", essential: true };
  return { purpose: "trigger", subject, action: "glue:GetSchemaVersion", resource: `${m[1]}schema/${m[2]}/*`, alternativeResources: [registry], essential: true };
}

function triggerRequirements(t: Trigger): RequiredPermission[] {
  const out: RequiredPermission[] = [];
  const source = t.eventSourceArn;
  const subject = source ?? `self-managed-kafka:${t.uuid ?? "unknown"}`;
  const add = (actions: readonly string[], arn: string, alternatives: Readonly<Record<string, string[]>> = {}, identityOnly = false) => {
    for (const action of actions) {
      const r: RequiredPermission = { purpose: "trigger", subject, action, resource: resourceFor(action, arn), essential: !NON_ESSENTIAL.has(action) };
      const instead = own(alternatives, action);
      if (instead) r.alternativeActions = instead;
      if (identityOnly) r.identityOnly = true;
      out.push(r);
    }
  };
  if (source !== null) {
    switch (t.kind) {
      case "sqs":
        add(SQS_POLL, source);
        break;
      case "dynamodb":
        add(DYNAMODB_STREAM, source);
        break;
      case "kinesis":
        if (/\/consumer\//.test(source)) {
          // A consumer ARN: the stream is the ARN up to /consumer/. An enhanced fan-out consumer
          // works with DescribeStreamSummary in place of DescribeStream (the Serverless Framework's
          // `consumer: true` grants only the former).
          add(KINESIS_STREAM, source.replace(/\/consumer\/.*$/, ""), { "kinesis:DescribeStream": ["kinesis:DescribeStreamSummary"] });
          add(KINESIS_CONSUMER, source);
        } else add(KINESIS_STREAM, source);
        break;
      case "kafka":
        // "You only need to add one of either kafka:DescribeCluster or kafka:DescribeClusterV2"
        // (Lambda developer guide, MSK event source permissions), but "for serverless Amazon MSK
        // clusters, you must use kafka:DescribeClusterV2". A cluster the inputs define says which
        // it is (kafkaClusterType); a cluster ARN does not, so an account's mapping accepts either,
        // as for a provisioned cluster (LR010's docs say so). V2 is what `generate` writes. Before,
        // a serverless cluster's role with DescribeCluster alone passed while Lambda could not
        // describe the cluster.
        {
          // A cross-account mapping names the managed VPC connection of its function's account,
          // `…:<function account>:vpc-connection/<cluster account>/<cluster name>/<cluster UUID>`
          // (Lambda developer guide, "Creating cross-account event source mappings": "use the
          // managed VPC connection ARN instead of the cluster ARN"), and then also needs
          // kafka:DescribeVpcConnection ("Only required for cross-account event source mappings",
          // MSK execution role permissions) on it; the cluster it describes is the other account's.
          // Before, DescribeClusterV2 and GetBootstrapBrokers were required on the connection and
          // DescribeVpcConnection not at all.
          const connection = /^arn:([^:]+):kafka:([^:]+):[^:]*:vpc-connection\/(\d{12})\/([^/]+)\/([^/]+)$/.exec(source);
          const cluster = connection === null ? source : `arn:${connection[1]}:kafka:${connection[2]}:${connection[3]}:cluster/${connection[4]}/${connection[5]}`;
          if (connection !== null) add(MSK_CROSS_ACCOUNT, source);
          add(MSK, cluster, t.kafkaClusterType === "serverless" ? {} : { "kafka:DescribeClusterV2": ["kafka:DescribeCluster"] }, connection !== null);
        }
        add(POLLER_VPC_ACTIONS, "*");
        // With IAM access control (a cluster the inputs define says so) the poller also
        // authenticates to Kafka with the execution role: the cluster, topics and group it reads,
        // and its kafka:// on-failure topic (kafka-access.ts). Without it they were not required,
        // and a generated policy left the function unable to read.
        for (const g of kafkaIamGrants(t)) {
          if (g.destination === undefined) add(g.actions, g.resource);
          else for (const action of g.actions) out.push({ purpose: "trigger-destination", subject: g.destination, action, resource: g.resource, essential: true });
        }
        break;
      case "mq":
        add(MQ, source);
        add(POLLER_VPC_ACTIONS, "*");
        break;
      case "docdb":
        add(DOCDB, source);
        for (const [actions, arn] of docdbGroupRequirements(source)) add(actions, arn);
        add(POLLER_VPC_ACTIONS, "*");
        break;
      default:
        break;
    }
  }
  // A self-managed Kafka cluster has no ARN: its mapping's VPC access configurations say whether
  // the pollers reach it through network interfaces in the VPC. Before, nothing was required, and
  // a role without the ENI actions was passed while the mapping could not connect.
  if (t.kind === "self-managed-kafka" && t.sourceInVpc === true) add(POLLER_VPC_ACTIONS, "*");
  for (const secret of t.secretArns) {
    out.push({ purpose: "trigger-secret", subject, action: "secretsmanager:GetSecretValue", resource: secret, essential: true });
  }
  // A Kafka mapping's schema registry, which Lambda's poller reads with the execution role to
  // validate and deserialize records (Lambda developer guide, MSK and self-managed Kafka execution
  // role permissions: "For AWS Glue Schema Registry: Your function needs glue:GetRegistry and
  // glue:GetSchemaVersion permissions"; "For Confluent Schema Registry with BASIC_AUTH or
  // CLIENT_CERTIFICATE_TLS_AUTH", and for a private CA certificate, secretsmanager:GetSecretValue
  // on the secret). Before, the registry was not read: generate left these out and the mapping
  // could not validate a record; LR010 passed such a role.
  if (t.schemaRegistry) {
    const glue = t.schemaRegistry.glueRegistryArn;
    if (glue !== null) {
      out.push({ purpose: "trigger", subject, action: "glue:GetRegistry", resource: glue, essential: true });
      out.push(glueSchemaVersionRequirement(subject, glue));
    }
    for (const secret of t.schemaRegistry.secretArns) {
      out.push({ purpose: "trigger-secret", subject, action: "secretsmanager:GetSecretValue", resource: secret, essential: true });
    }
  }
  // Secrets Manager decrypts a secret with the caller's permissions: the poller's, the execution
  // role's. SAM grants kms:Decrypt on its event's SecretsManagerKmsKeyId for this; before, a
  // template-only generate left it out, and the mapping could not read its secret.
  if (t.secretKmsKeyArn && t.secretArns.length > 0) out.push({ purpose: "trigger-secret", subject, action: "kms:Decrypt", resource: t.secretKmsKeyArn, essential: true });
  // The mapping's own KMSKeyArn encrypts its filter criteria, which Lambda decrypts for itself and
  // for whoever reads the mapping (GetEventSourceMapping: "if you have kms:Decrypt permissions for
  // the correct KMS key"; the CloudTrail Decrypt event is the caller's, invoked by Lambda). The
  // execution role never uses it: requiring it made LR010 report a missing permission and
  // `generate` grant one the function does not use.
  // Lambda's poller reads an SSE-KMS queue's or stream's records with the execution role.
  if (t.sourceKmsKeyArn) out.push({ purpose: "trigger-kms", subject, action: "kms:Decrypt", resource: t.sourceKmsKeyArn, essential: true });
  if (t.onFailureDestination) {
    const d = destinationPermission(t.onFailureDestination);
    if (d) out.push({ purpose: "trigger-destination", subject: t.onFailureDestination, action: d.action, resource: d.resource, essential: true });
    const l = destinationListing(t.onFailureDestination);
    if (l) out.push({ purpose: "trigger-destination", subject: t.onFailureDestination, action: l.action, resource: l.resource, essential: true });
  }
  return out;
}

/**
 * Is the function attached to a VPC? Lambda "creates an elastic network interface for each
 * combination of security group and subnet" (AWS::Lambda::Function VpcConfig): without a subnet
 * there is none, whatever the security groups. The API says which: a function outside any VPC has
 * no subnets and `VpcId: ""` (security groups or not: before, a list-functions VpcConfig with a
 * security group and no subnet was "runs in a VPC" and LR006 asked for the ENI actions, the rules
 * sweep of session 59). IaC inputs give no VPC id (null) and may leave the subnet list unresolved
 * (`SubnetIds: !Ref Subnets`) while the security groups are known, which is still taken as a VPC.
 */
export function inVpc(fn: Pick<LambdaFunction, "vpc">): boolean {
  const v = fn.vpc;
  if (v === null) return false;
  if (v.subnetIds.length > 0 || (v.vpcId !== null && v.vpcId !== "")) return true;
  return v.vpcId === null && v.securityGroupIds.length > 0;
}

/** One configuration a function runs with: `$LATEST`'s, or a published version's. */
export interface RunConfiguration {
  /** null for `$LATEST`, else the version. */
  version: string | null;
  vpc: LambdaFunction["vpc"];
  tracingMode: LambdaFunction["tracingMode"];
}

/**
 * The configurations that run with `roleArn`: `$LATEST`'s when it is the function's role, and each
 * published version's that runs with it (its own VPC and tracing when they differ, listed in
 * `versions`). A published version keeps the VpcConfig and TracingConfig it was published with
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html: "After you publish a
 * function version, its code, runtime, architecture, memory, layers, and most other configuration
 * settings are immutable"; ListVersionsByFunction returns "the version-specific configuration of
 * each"), and Lambda creates its network interfaces and uploads its traces
 * with the version's execution role whenever it is invoked: by its qualified ARN, or an alias or
 * trigger pointing at it. The inputs do not say which version an alias points at (list-aliases is
 * not read), so every published version in them counts.
 */
export function runConfigurations(fn: LambdaFunction, roleArn: string = fn.roleArn): RunConfiguration[] {
  const out: RunConfiguration[] = fn.roleArn === roleArn ? [{ version: null, vpc: fn.vpc, tracingMode: fn.tracingMode }] : [];
  for (const v of fn.versions ?? []) {
    if (v.roleArn !== roleArn) continue;
    out.push({ version: v.version, vpc: v.vpc !== undefined ? v.vpc : fn.vpc, tracingMode: v.tracingMode !== undefined ? v.tracingMode : fn.tracingMode });
  }
  return out;
}

/** "vpc-0abc", or "vpc-0abc (version 3)" when only a published version is in the VPC. */
function configurationSubject(c: RunConfiguration, what: string): string {
  return c.version === null ? what : `${what} (version ${c.version})`;
}

/**
 * How an AWS Config custom rule's evaluator reports its results: config:PutEvaluations, with the
 * result token of the invocation, called by the function's code with its execution role (AWS Config
 * developer guide, "Creating AWS Config Custom Lambda Rules"; AWSConfigRulesExecutionRole, which the
 * RDK attaches, grants it). It has no resource-level permissions: only `*` grants it (Service
 * Authorization Reference, AWS Config). Without it the rule never shows a result.
 */
export const CONFIG_RULE_ACTION = "config:PutEvaluations";

/**
 * The Config rules a function evaluates for: those the inputs name (LambdaFunction.configRules),
 * else, when its resource policy lets `config.amazonaws.com` invoke it, that statement (an account
 * export names no rule: the statement's `AWS:SourceArn` rule ARN when it has one, else the
 * statement). Config invokes a function for nothing but a custom rule. A statement whose
 * `AWS:SourceAccount` or `AWS:SourceArn` names only other accounts is left out: there the rules are
 * another account's, whose evaluators report with a role of that account (the RDK's cross-account
 * mode assumes one), and the execution role may rightly lack the action.
 */
export function configRuleSubjects(fn: LambdaFunction): string[] {
  if (fn.configRules && fn.configRules.length > 0) return fn.configRules;
  const out: string[] = [];
  (fn.resourcePolicy?.Statement ?? []).forEach((st, index) => {
    if (!configMayInvoke(st) || !sameAccountRule(st, fn.accountId)) return;
    const ruleArns = conditionValues(st, "aws:sourcearn").filter((v) => /^arn:[^:]+:config:/.test(v));
    if (ruleArns.length > 0) out.push(...ruleArns);
    else out.push(`invoked by config.amazonaws.com (resource policy statement ${st.Sid !== undefined && st.Sid !== "" ? st.Sid : index})`);
  });
  return [...new Set(out)].sort(cmp);
}

function configMayInvoke(st: PolicyStatement): boolean {
  if (st.Effect !== "Allow" || st.Principal === undefined || st.Principal === "*") return false;
  const services = Object.entries(st.Principal).flatMap(([k, v]) => (k.toLowerCase() === "service" ? v : []));
  if (!services.some((s) => s.toLowerCase() === "config.amazonaws.com")) return false;
  return (st.Action ?? []).some((a) => ["lambda:invokefunction", "lambda:*", "*"].includes(a.toLowerCase()));
}

/** Every value of a condition key (any operator), lower-cased key. */
function conditionValues(st: PolicyStatement, key: string): string[] {
  return Object.values(st.Condition ?? {}).flatMap((block) => Object.entries(block).flatMap(([k, v]) => (k.toLowerCase() === key ? v : [])));
}

function sameAccountRule(st: PolicyStatement, accountId: string): boolean {
  const accounts = [...conditionValues(st, "aws:sourceaccount"), ...conditionValues(st, "aws:sourcearn").map((a) => a.split(":")[4] ?? "")];
  return accounts.length === 0 || accounts.some((a) => a === accountId || a === "" || a.includes("*") || a.includes("${"));
}

/** Where the Lambda Insights extension writes its metrics (CloudWatchLambdaInsightsExecutionRolePolicy). */
export const INSIGHTS_LOG_GROUP = "/aws/lambda-insights";

/**
 * The Lambda Insights extension layer among the function's layers, or null: AWS publishes it as
 * `arn:<p>:lambda:<region>:<AWS account>:layer:LambdaInsightsExtension[-Arm64]:<version>`, from an
 * account that differs by Region and partition, so the layer's name says it, not the account.
 */
export function insightsLayer(fn: Pick<LambdaFunction, "layers">): string | null {
  return (fn.layers ?? []).find((l) => /:layer:LambdaInsightsExtension(?:-Arm64)?(?::|$)/.test(l)) ?? null;
}

/** Where the Application Signals layers send their spans' metrics (CloudWatchLambdaApplicationSignalsExecutionRolePolicy). */
export const APPLICATION_SIGNALS_LOG_GROUP = "/aws/application-signals/data";

/**
 * The AWS Distro for OpenTelemetry layer with Application Signals among the function's layers, or
 * null: AWS publishes one per runtime, `AWSOpenTelemetryDistroPython`, `AWSOpenTelemetryDistroJs`,
 * `AWSOpenTelemetryDistroJava` and `AWSOpenTelemetryDistroDotNet` (CloudWatch user guide, "Enable
 * your applications on Lambda"), from an account that differs by Region and partition, so the
 * name says it. The older ADOT layers (`aws-otel-python-amd64-ver-…`) send to a collector, not to
 * Application Signals, and are not these.
 */
export function applicationSignalsLayer(fn: Pick<LambdaFunction, "layers">): string | null {
  return (fn.layers ?? []).find((l) => /:layer:AWSOpenTelemetryDistro(?:Python|Js|Java|DotNet)(?::|$)/.test(l)) ?? null;
}

/** What mounting an EFS access point asks of the execution role (ClientWrite only for a read-write mount). */
export const EFS_ACTIONS = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"] as const;

/** The request key that names the access point a mount goes through. */
export const EFS_ACCESS_POINT_KEY = "elasticfilesystem:AccessPointArn";

/**
 * The file systems an access point's mount is authorised on: IAM checks ClientMount and ClientWrite
 * on the file system (the only resource type of both, with the access point in
 * `elasticfilesystem:AccessPointArn`; Service Authorization Reference, Amazon EFS), and the access
 * point's ARN does not name its file system. So a literal `file-system/*` in the access point's
 * Region and account, which a grant on every file system there matches, with the access point in
 * the request (function-requirements.ts also tries the file systems the role's policies name).
 */
export function efsFileSystems(fn: Pick<LambdaFunction, "arn" | "region" | "accountId">, accessPoint: string): string {
  const parts = accessPoint.split(":");
  return `arn:${partitionOf(fn.arn)}:elasticfilesystem:${parts[3] ?? fn.region}:${parts[4] ?? fn.accountId}:file-system/*`;
}

/** Every permission the function's configuration requires, sorted and de-duplicated. */
export function requiredPermissions(fn: LambdaFunction): RequiredPermission[] {
  const out: RequiredPermission[] = [];
  const logs = logGroupArns(fn);
  // CloudWatch Logs writes log-group ARNs with a trailing `:*` (DescribeLogGroups, the service
  // authorization reference examples), and policies grant CreateLogGroup either way: both count.
  if (fn.logGroupCreated !== true) out.push({ purpose: "logs", subject: fn.logGroup, action: "logs:CreateLogGroup", resource: logs.group, alternativeResources: [`${logs.group}:*`], essential: false });
  out.push({ purpose: "logs", subject: fn.logGroup, action: "logs:CreateLogStream", resource: logs.streams, essential: true });
  out.push({ purpose: "logs", subject: fn.logGroup, action: "logs:PutLogEvents", resource: logs.streams, essential: true });
  if (fn.lambdaAtEdge === true) {
    // Replicas create their log group in each new Region: CreateLogGroup is needed there too.
    const edge = edgeLogGroupArns(fn);
    const subject = `${edge.name} (Lambda@Edge replicas, every Region)`;
    out.push({ purpose: "logs", subject, action: "logs:CreateLogGroup", resource: edge.group, alternativeResources: [`${edge.group}:*`], essential: true });
    out.push({ purpose: "logs", subject, action: "logs:CreateLogStream", resource: edge.streams, essential: true });
    out.push({ purpose: "logs", subject, action: "logs:PutLogEvents", resource: edge.streams, essential: true });
  }
  // $LATEST first, then the versions running with the function's role: the first one in a VPC (or
  // tracing) names the requirement; the actions are on `*`, one set serves them all.
  const configurations = runConfigurations(fn);
  const vpc = configurations.find((c) => inVpc(c));
  if (vpc) {
    for (const action of VPC_ACTIONS) out.push({ purpose: "vpc", subject: configurationSubject(vpc, vpc.vpc!.vpcId || "vpc"), action, resource: "*", essential: true });
    out.push({ purpose: "vpc", subject: configurationSubject(vpc, vpc.vpc!.vpcId || "vpc"), action: VPC_SUBNET_DISCOVERY, resource: "*", essential: false });
  }
  const traced = configurations.find((c) => c.tracingMode === "Active");
  if (traced) {
    for (const action of TRACING_ACTIONS) out.push({ purpose: "tracing", subject: configurationSubject(traced, "Active"), action, resource: "*", essential: true });
  }
  for (const t of fn.triggers) out.push(...triggerRequirements(t));
  if (fn.deadLetterTargetArn) {
    const d = destinationPermission(fn.deadLetterTargetArn);
    if (d) out.push({ purpose: "dead-letter", subject: fn.deadLetterTargetArn, action: d.action, resource: d.resource, essential: true });
  }
  for (const dest of [fn.destinations.onSuccess, fn.destinations.onFailure]) {
    if (!dest) continue;
    const d = destinationPermission(dest);
    if (d) out.push({ purpose: "destination", subject: dest, action: d.action, resource: d.resource, essential: true });
    const l = destinationListing(dest);
    if (l) out.push({ purpose: "destination", subject: dest, action: l.action, resource: l.resource, essential: true });
  }
  // The aliases' and versions' own DLQs and destinations that run with this role: Lambda sends
  // their failed events with it as well (a target sent with another role is that role's, and the
  // normaliser warns that it is not checked).
  for (const t of fn.qualifiedDeliveryTargets ?? []) {
    if (t.roleArn !== fn.roleArn) continue;
    const d = destinationPermission(t.arn);
    if (d) out.push({ purpose: t.kind === "dead-letter" ? "dead-letter" : "destination", subject: t.arn, action: d.action, resource: d.resource, essential: true });
    const l = destinationListing(t.arn);
    if (l) out.push({ purpose: "destination", subject: t.arn, action: l.action, resource: l.resource, essential: true });
  }
  // An SQS queue or SNS topic encrypted with a customer managed key (deliveryKeys): SQS and SNS
  // encrypt what Lambda sends with the sender's permissions, the execution role's. The SQS
  // developer guide's producer example for an SSE-KMS queue grants kms:GenerateDataKey and
  // kms:Decrypt on the key (SendMessage fails with KMS.AccessDeniedException without
  // GenerateDataKey); SNS asks the same of publishers to an encrypted topic. Before, only
  // sqs:SendMessage or sns:Publish was required: generate's policy could not deliver a failed
  // event, and LR010 passed such a role.
  const deliveries: Array<[string | null, RequirementPurpose]> = [
    [fn.deadLetterTargetArn, "dead-letter"],
    [fn.destinations.onSuccess, "destination"],
    [fn.destinations.onFailure, "destination"],
    ...fn.triggers.map((t): [string | null, RequirementPurpose] => [t.onFailureDestination, "trigger-destination"]),
    ...(fn.qualifiedDeliveryTargets ?? []).filter((t) => t.roleArn === fn.roleArn).map((t): [string | null, RequirementPurpose] => [t.arn, t.kind === "dead-letter" ? "dead-letter" : "destination"]),
  ];
  for (const { target, keyArn } of fn.deliveryKeys ?? []) {
    for (const [arn, purpose] of deliveries) {
      if (arn !== target) continue;
      for (const action of DELIVERY_KEY_ACTIONS) out.push({ purpose, subject: target, action, resource: keyArn, essential: true });
    }
  }
  if (fn.durable) {
    // A literal `*` qualifier: only a grant on every version's executions (`function:<name>:*`, or
    // wider) matches it, which is what the function needs ($LATEST and each version it publishes).
    const executions = `${fn.arn}:*`;
    for (const action of DURABLE_ACTIONS) out.push({ purpose: "durable", subject: executions, action, resource: executions, essential: true });
  }
  // An AWS Config custom rule's evaluator: its code reports with the execution role. Before, this
  // was never required: LR010 passed a role without it and generate left it out, and the rule
  // showed no result.
  for (const rule of configRuleSubjects(fn)) out.push({ purpose: "config-rule", subject: rule, action: CONFIG_RULE_ACTION, resource: "*", essential: true });
  // The Lambda Insights extension (its layer, `LambdaInsightsExtension` or
  // `LambdaInsightsExtension-Arm64`, published by AWS in each Region) writes the function's
  // performance metrics as embedded-metric log events to `/aws/lambda-insights` with the execution
  // role: CloudWatchLambdaInsightsExecutionRolePolicy ("Policy required for the Lambda Insights
  // Extension") grants logs:CreateLogGroup and CreateLogStream and PutLogEvents on that group.
  // Before, a function with the layer was required nothing of it: generate left it out and the
  // metrics were silently lost; LR010 passed such a role. CreateLogGroup is not essential: the
  // group is made once per Region and account, by the first function that runs the extension.
  // A layer's own log group in the function's Region and account: CreateLogGroup (not essential:
  // made once, by the first function that runs the layer), then its streams' writes.
  const layerLogGroup = (purpose: RequirementPurpose, subject: string, name: string) => {
    const group = `${prefix(fn, "logs")}log-group:${name}`;
    out.push({ purpose, subject, action: "logs:CreateLogGroup", resource: group, alternativeResources: [`${group}:*`], essential: false });
    for (const action of ["logs:CreateLogStream", "logs:PutLogEvents"]) out.push({ purpose, subject, action, resource: `${group}:log-stream:*`, essential: true });
  };
  if (insightsLayer(fn) !== null) layerLogGroup("insights", INSIGHTS_LOG_GROUP, INSIGHTS_LOG_GROUP);
  // The Application Signals layer (AWS Distro for OpenTelemetry) sends the function's spans to
  // X-Ray and its Application Signals metrics as log events to `/aws/application-signals/data`,
  // from the execution environment with the execution role: the CloudWatch user guide's Lambda
  // setup attaches CloudWatchLambdaApplicationSignalsExecutionRolePolicy, which grants
  // xray:PutTraceSegments on `*` and logs:CreateLogGroup, CreateLogStream and PutLogEvents on that
  // group (both in the role's own account). Before, nothing was required of the layer: generate's
  // policy lost the telemetry, and LR010 passed such a role. CreateLogGroup is not essential, as
  // for Insights: the group is made once per Region and account.
  const signals = applicationSignalsLayer(fn);
  if (signals !== null) {
    layerLogGroup("application-signals", signals, APPLICATION_SIGNALS_LOG_GROUP);
    out.push({ purpose: "application-signals", subject: signals, action: "xray:PutTraceSegments", resource: "*", essential: true });
  }
  // An EFS access point the function mounts (FileSystemConfigs): Lambda mounts it from the
  // execution environment with the execution role, and "if the file system has a user-configured
  // IAM policy, your function's execution role must have" elasticfilesystem:ClientMount, and
  // ClientWrite unless the connection is read-only (Lambda developer guide, "Configuring file system
  // access"). Without a file system policy EFS lets in any client that reaches a mount target. The
  // inputs hold neither the file system's policy nor whether the mount is read-only, so both are
  // required but not essential ("may", never "cannot"). Before, only `generate` added them: LR010
  // passed a role without them, and the generated policy and the rules disagreed.
  for (const ap of fn.fileSystems) {
    const resource = efsFileSystems(fn, ap);
    for (const action of EFS_ACTIONS) out.push({ purpose: "file-system", subject: ap, action, resource, context: { [EFS_ACCESS_POINT_KEY]: ap }, essential: false });
  }
  if (fn.kmsKeyArn && fn.environmentVariableNames.length > 0) {
    out.push({ purpose: "environment-kms", subject: fn.kmsKeyArn, action: "kms:Decrypt", resource: fn.kmsKeyArn, essential: true });
  }
  const seen = new Set<string>();
  return out
    .filter((r) => {
      const key = `${r.purpose}\u0000${r.subject}\u0000${r.action}\u0000${r.resource}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => cmp(a.purpose, b.purpose) || cmp(a.subject, b.subject) || cmp(a.action, b.action) || cmp(a.resource, b.resource));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
