/**
 * The Lambda resources of a CloudFormation template (after SAM expansion): functions,
 * permissions, event source mappings, URLs and event invoke configs. Targets are found by
 * `Ref`/`GetAtt` (aliases and versions as qualifiers) or by name/ARN; targets outside the template
 * become patches. Environment variable values are never resolved: only their names are kept.
 */

import type { LambdaFunction, PolicyStatement, Trigger } from "../../model/document.js";
import { assignDeliveryKeys } from "../delivery-keys.js";
import type { FunctionPatch } from "../types.js";
import { UNKNOWN, applyInvokeConfig, isKmsAlias, isRecord, permissionStatement, splitSymbolicFunctionArn, syntheticFunctionArn, syntheticRoleArn, triggerKindOfArn } from "./lambda-shapes.js";
import { childPath } from "./located.js";
import type { SamResource } from "./sam.js";
import type { TemplateReader } from "./read-template.js";
import { printable } from "../../printable.js";
import { sortedUnion } from "../../collections.js";
import { isVpcAccessType, schemaRegistryOf } from "../lambda-event-source-mappings.js";
import { warnConditionalTarget } from "./conditional-targets.js";

const SECRET_ACCESS_TYPES = new Set(["BASIC_AUTH", "SASL_SCRAM_256_AUTH", "SASL_SCRAM_512_AUTH", "CLIENT_CERTIFICATE_TLS_AUTH", "SERVER_ROOT_CA_CERTIFICATE"]);

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/**
 * A list of IDs that may be known only at deployment: `!Ref SubnetsParam` without a default
 * resolves to the placeholder `${SubnetsParam}`, kept as one symbolic entry (an empty list would
 * say "no VPC" and hide the ENI permissions the function needs), with a note.
 */
function idList(reader: TemplateReader, v: unknown, path: string): string[] {
  if (typeof v === "string") {
    reader.warn("cloudformation-symbolic-list", "info", `${path} is known only at deployment (${v}); kept as a placeholder`, path);
    return [v];
  }
  return strings(v);
}

/**
 * `/aws/lambda/<function name>` (placeholders kept when the name is known only at deployment).
 * Without a FunctionName, CloudFormation names the function
 * `<stack name>-<logical ID>-<random suffix>` ("Name type" in the CloudFormation User Guide), cut
 * to Lambda's 64 characters: deployed names keep about 50 before the suffix, the logical ID
 * shortened (`TodoAppStack-BucketNotificationsHandler050a0587b75-1BQ2LOUD7KPXI`). So the log
 * group is taken as a pattern that survives the cut: the stack's name and the logical ID's first
 * characters (10 when the stack's name is unknown, which then also stays a placeholder). The
 * placeholder leaves the requirement unresolved where the role grants the action at all (a CDK
 * stack's `/aws/lambda/<stack>*` grant is no "missing log permission"); a generated policy grants
 * the pattern.
 */
function defaultLogGroup(reader: TemplateReader, id: string, r: SamResource): string {
  const named = reader.fixedName(r, "FunctionName");
  if (named !== undefined) return `/aws/lambda/${named}`;
  // Named, but by something known at deployment (`!Sub ${AWS::StackName}-processor`, a parameter
  // without default): that name, its placeholders kept, not a generated one.
  const given = reader.propString(r, "FunctionName");
  if (given !== undefined) return `/aws/lambda/${given}`;
  if (reader.stackName !== null) return `/aws/lambda/${`${reader.stackName}-${id}`.slice(0, KEPT_BEFORE_SUFFIX)}*`;
  return `/aws/lambda/\${AWS::StackName}-${id.slice(0, 10)}*`;
}

/**
 * A function's Layers. Lambda takes a layer *version* ARN only (`…:layer:<name>:<version>`, or an
 * AWS `awslayer`): its CreateFunction refuses `…:layer:<name>` ("Member must satisfy regular
 * expression pattern: (arn:…:layer:[a-zA-Z0-9-_]+:[0-9]+)|…", pulumi/pulumi-aws#750), as it
 * refuses `:latest`, so such a function is not deployed as written. Said, naming the ARN; the
 * value is kept as written (it names no version, so it joins none the inputs describe).
 * Values with placeholders (`${LayerVersion}`) may be anything at deployment and are not said.
 */
function layerList(reader: TemplateReader, r: SamResource): string[] {
  const layers = strings(reader.prop(r, "Layers"));
  layers.forEach((arn, i) => {
    if (arn.includes("${") || !/^arn:[^:]+:lambda:[^:]*:[^:]*:layer:/.test(arn) || /^arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+$/.test(arn)) return;
    const path = childPath(childPath(childPath(r.sourcePath, "Properties"), "Layers"), i);
    reader.warn("cloudformation-layer-not-a-version", "warning", `layer ${arn} is not a layer version ARN (…:layer:<name>:<version number>): Lambda refuses it when the stack is deployed, so the function is not created as written; give the version`, path);
  });
  return layers;
}

/** Characters of `<stack>-<logical ID>` that a generated function name keeps, a few to spare. */
const KEPT_BEFORE_SUFFIX = 48;

/**
 * A dead-letter or destination target that the template leaves unresolved (`!GetAtt Queue.Arn` of
 * a queue CloudFormation names, or the queue SAM makes for `OnFailure: {Type: SQS}`), as an ARN
 * of its service with the name still a reference: `arn:aws:sqs:<region>:<account>:${Queue.QueueName}`.
 * The service decides the permission Lambda needs (sqs:SendMessage, sns:Publish …); as the bare
 * `${Queue.Arn}` it said none, and the requirement was dropped. A generated CloudFormation
 * policy keeps `${Queue.QueueName}` as a reference. A function CloudFormation names is
 * `…:function:${Fn}` for the same reason.
 */
/** The template's functions CloudFormation names, by the synthetic name their ARNs carry. */
function unnamedFunctions(reader: TemplateReader): Map<string, string> {
  let out = unnamed.get(reader);
  if (out === undefined) {
    out = new Map();
    for (const [id, r] of Object.entries(reader.resources)) {
      const isFunction = r?.Type === "AWS::Lambda::Function" || r?.Type === "AWS::Serverless::Function";
      if (isFunction && reader.fixedName(r, "FunctionName") === undefined) out.set(reader.generatedName(id), id);
    }
    unnamed.set(reader, out);
  }
  return out;
}
const unnamed = new WeakMap<TemplateReader, Map<string, string>>();

/**
 * A value leaving its template (an export, a nested stack's parameter): a reference to a resource
 * CloudFormation names becomes an ARN of its type, so the template that reads it knows a queue or
 * a stream from anything else (typedTarget, and the streams an event source mapping reads).
 */
export function linkedValue(reader: TemplateReader, value: string): string {
  const m = /^\$\{([A-Za-z0-9]+)\.(Arn|StreamArn)\}$/.exec(value);
  const type = m ? reader.resources[m[1] as string]?.Type : undefined;
  if (m && type) {
    const id = m[1] as string;
    const { partition, region, accountId } = reader.ctx;
    // `${Id}` is what Ref gives: the stream's and table's name, the key's id.
    if (type === "AWS::Kinesis::Stream" && m[2] === "Arn") return `arn:${partition}:kinesis:${region}:${accountId}:stream/\${${id}}`;
    if (type === "AWS::DynamoDB::Table" && m[2] === "Arn") return `arn:${partition}:dynamodb:${region}:${accountId}:table/\${${id}}`;
    if (type === "AWS::KMS::Key" && m[2] === "Arn") return `arn:${partition}:kms:${region}:${accountId}:key/\${${id}}`;
    // `table/<name>/stream/<label>` (Service Authorization Reference, DynamoDB `stream`): the label
    // is the time the stream was enabled, known only once deployed. Before, the whole
    // `${Id.StreamArn}` stood in the label's place, an ARN inside an ARN that matched no stream.
    if (type === "AWS::DynamoDB::Table" && m[2] === "StreamArn") return `arn:${partition}:dynamodb:${region}:${accountId}:table/\${${id}}/stream/*`;
  }
  return typedTarget(reader, value);
}

function typedTarget(reader: TemplateReader, value: string): string {
  // A function of the template that CloudFormation names: its synthetic ARN (logical ID as name)
  // joins references, but a policy must name `${Fn}` (Ref gives the deployed name).
  // The synthetic name is the logical ID, or `<stack>-<logical ID>` when the stack's name is known
  // (a CDK assembly's manifest gives it).
  const fn = /^(arn:[^:]+:lambda:[^:]+:[^:]+:function:)([A-Za-z0-9-]+)$/.exec(value);
  if (fn !== null) {
    const id = unnamedFunctions(reader).get(fn[2] as string);
    return id !== undefined ? `${fn[1]}\${${id}}` : value;
  }
  const m = /^\$\{([A-Za-z0-9]+)(?:\.(Arn|TopicArn))?\}$/.exec(value);
  if (m === null) return value;
  const id = m[1] as string;
  const type = reader.resources[id]?.Type;
  const { partition, region, accountId } = reader.ctx;
  switch (type) {
    case "AWS::SQS::Queue":
      return `arn:${partition}:sqs:${region}:${accountId}:\${${id}.QueueName}`;
    case "AWS::SNS::Topic":
      return `arn:${partition}:sns:${region}:${accountId}:\${${id}.TopicName}`;
    case "AWS::Events::EventBus":
      return `arn:${partition}:events:${region}:${accountId}:event-bus/\${${id}.Name}`;
    case "AWS::S3::Bucket":
      return `arn:${partition}:s3:::\${${id}}`;
    default:
      return value;
  }
}

export function readFunction(reader: TemplateReader, id: string, r: SamResource): void {
  const name = reader.functionName(id);
  const arn = syntheticFunctionArn(reader.ctx, name);
  const roleArn = reader.joinRole(reader.propString(r, "Role")) ?? syntheticRoleArn(reader.ctx, "/", `\${${id}.Role}`);
  // CloudFormation refuses the function (Role is a required property of AWS::Lambda::Function), so
  // the template does not deploy as written. A warning, not an error: the rest of the template is
  // audited and the read is partial (an error printed with exit 0 contradicted itself). The message
  // names the placeholder the role is shown as, which also tells normalize this is explained.
  if (r.Properties.Role === undefined) reader.warn("cloudformation-missing-role", "warning", `${id} has no Role: CloudFormation refuses an AWS::Lambda::Function without one (a required property), so the template does not deploy as written; its execution role is unknown, shown as \${${id}.Role}`, childPath(r.sourcePath, "Properties"));
  const vpcRaw = reader.prop(r, "VpcConfig");
  const vpc = isRecord(vpcRaw)
    ? {
        vpcId: null,
        subnetIds: idList(reader, vpcRaw.SubnetIds, childPath(childPath(childPath(r.sourcePath, "Properties"), "VpcConfig"), "SubnetIds")),
        securityGroupIds: idList(reader, vpcRaw.SecurityGroupIds, childPath(childPath(childPath(r.sourcePath, "Properties"), "VpcConfig"), "SecurityGroupIds")),
      }
    : null;
  const tracing = reader.prop(r, "TracingConfig");
  const mode = isRecord(tracing) ? tracing.Mode : undefined;
  // Names only: variable values are never resolved or copied.
  const env = r.Properties.Environment;
  const envVars = isRecord(env) ? env.Variables : undefined;
  const environmentVariableNames = isRecord(envVars) ? Object.keys(envVars).sort() : [];
  const dlq = reader.prop(r, "DeadLetterConfig");
  warnConditionalTarget(reader, r, "DeadLetterConfig", ["TargetArn"], "dead-letter queue", (v) => typedTarget(reader, v));
  const logging = reader.prop(r, "LoggingConfig");
  const tags = reader.tagsOf(reader.prop(r, "Tags"));
  const packageType = reader.propString(r, "PackageType");
  const fn: LambdaFunction = {
    arn,
    name,
    // The deployed name is `name` and CloudFormation's suffix: the usage is matched to it by that (src/usage/deployed-names.ts).
    ...(reader.fixedName(r, "FunctionName") === undefined ? { generatedName: true } : {}),
    accountId: reader.ctx.accountId,
    region: reader.ctx.region,
    runtime: reader.propString(r, "Runtime") ?? null,
    packageType: packageType === "Image" ? "Image" : packageType === "Zip" || r.Properties.Runtime !== undefined ? "Zip" : null,
    roleArn,
    versions: [],
    aliases: [],
    lastModified: null,
    vpc,
    tracingMode: mode === "Active" || mode === "PassThrough" ? mode : null,
    ...(isRecord(reader.prop(r, "DurableConfig")) ? { durable: true as const } : {}),
    environmentVariableNames,
    kmsKeyArn: reader.propString(r, "KmsKeyArn") ?? null,
    deadLetterTargetArn: isRecord(dlq) && typeof dlq.TargetArn === "string" ? typedTarget(reader, dlq.TargetArn) : null,
    destinations: { onSuccess: null, onFailure: null },
    logGroup: isRecord(logging) && typeof logging.LogGroup === "string" ? logging.LogGroup : defaultLogGroup(reader, id, r),
    logFormat: isRecord(logging) && (logging.LogFormat === "JSON" || logging.LogFormat === "Text") ? logging.LogFormat : null,
    layers: layerList(reader, r),
    fileSystems: (Array.isArray(reader.prop(r, "FileSystemConfigs")) ? (reader.prop(r, "FileSystemConfigs") as unknown[]) : [])
      .map((f) => (isRecord(f) && typeof f.Arn === "string" ? f.Arn : null))
      .filter((x): x is string => x !== null),
    triggers: [],
    resourcePolicy: null,
    functionUrls: [],
    tags: Object.fromEntries(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : 1))),
    source: reader.location(r.sourcePath, id),
  };
  reader.functions.set(id, { fn, statements: [] });
}

/** The function a FunctionName / TargetFunctionArn points at: one of ours (Ref / GetAtt), else a patch. */
export function target(
  reader: TemplateReader,
  raw: unknown,
  r: SamResource,
  qualifierKey?: string,
): { local?: { fn: LambdaFunction; statements: PolicyStatement[] }; patch?: FunctionPatch & { statements: PolicyStatement[] }; resource: string; qualifier: string | null } {
  const qualifier = qualifierKey ? (reader.propString(r, qualifierKey) ?? null) : null;
  let localId: string | undefined;
  if (isRecord(raw) && typeof raw.Ref === "string") localId = raw.Ref;
  else if (isRecord(raw) && Array.isArray(raw["Fn::GetAtt"]) && typeof raw["Fn::GetAtt"][0] === "string") localId = raw["Fn::GetAtt"][0];
  else if (isRecord(raw) && typeof raw["Fn::GetAtt"] === "string") localId = raw["Fn::GetAtt"].split(".")[0];
  let aliasName: string | null = null;
  // SAM's referable properties of a function (`!Ref Handler.Alias`, `!Ref Handler.Version`): the
  // alias AutoPublishAlias makes, or the version it publishes (its number known at deployment).
  const referable = localId !== undefined ? /^(.+)\.(Alias|Version)$/.exec(localId) : null;
  if (referable?.[1] !== undefined && reader.functions.has(referable[1])) {
    const fnId = referable[1];
    const alias = Object.values(reader.resources).find((res) => res.Type === "AWS::Lambda::Alias" && isRecord(res.Properties.FunctionName) && res.Properties.FunctionName.Ref === fnId);
    aliasName = referable[2] === "Alias" ? (alias ? (reader.propString(alias, "Name") ?? null) : null) : `\${${fnId}.Version}`;
    localId = fnId;
  }
  const aliasRes = localId !== undefined && aliasName === null ? reader.resources[localId] : undefined;
  if (localId !== undefined && aliasRes && (aliasRes.Type === "AWS::Lambda::Alias" || aliasRes.Type === "AWS::Lambda::Version")) {
    // A Ref to an alias or version is a qualified ARN of the function it belongs to.
    const fnRef = aliasRes.Properties.FunctionName;
    aliasName = aliasRes.Type === "AWS::Lambda::Alias" ? (reader.propString(aliasRes, "Name") ?? localId) : null;
    localId = isRecord(fnRef) && typeof fnRef.Ref === "string" ? fnRef.Ref : localId;
  }
  const local = localId !== undefined ? reader.functions.get(localId) : undefined;
  const q = aliasName ?? (qualifier && qualifier !== "$LATEST" ? qualifier : null);
  if (local) return { local, resource: q ? `${local.fn.arn}:${q}` : local.fn.arn, qualifier: q };
  const value = reader.resolver.str(raw);
  // `!Sub arn:…:${AWS::Region}:${AWS::AccountId}:function:x` is still function x: joined by name.
  const split = splitSymbolicFunctionArn(value);
  const wanted = split?.name ?? value;
  for (const [id, f] of reader.functions) {
    // Also by the name the template gives it when that is known only at deployment: a permission
    // written with the function's own `!Sub ${AWS::AccountId}-handler` (an aws-samples Control
    // Tower template) is that function's. Before, it was taken for another function, outside the
    // template ("not in the function inputs; ignored"), and the function lost its invoker.
    const given = reader.propString(reader.resources[id] as SamResource, "FunctionName");
    if (f.fn.name === wanted || given === wanted) return { local: f, resource: f.fn.arn, qualifier: q ?? (split?.qualifier && split.qualifier !== "$LATEST" ? split.qualifier : null) };
  }
  const key = `${value}\u0000${qualifier ?? ""}`;
  let patch = reader.patches.get(key);
  if (!patch) {
    patch = {
      functionArn: split && !split.symbolic ? value.split(":").slice(0, 7).join(":") : null,
      functionName: split?.name ?? value,
      region: split && !split.region.includes("${") && split.region !== UNKNOWN ? split.region : (reader.options.region ?? null),
      qualifier: qualifier ?? split?.qualifier ?? null,
      patch: {},
      path: r.sourcePath,
      statements: [],
    };
    reader.patches.set(key, patch);
  }
  return { patch, resource: split ? value : syntheticFunctionArn(reader.ctx, value), qualifier: patch.qualifier };
}

export function readPermission(reader: TemplateReader, id: string, r: SamResource): void {
  const t = target(reader, r.Properties.FunctionName, r);
  const s = (k: string): string | null => reader.propString(r, k) ?? null;
  const statement = permissionStatement({
    statementId: id,
    action: s("Action") ?? "lambda:InvokeFunction",
    principal: s("Principal") ?? "*",
    functionArn: t.resource,
    sourceArn: s("SourceArn"),
    sourceAccount: s("SourceAccount"),
    principalOrgId: s("PrincipalOrgID"),
    functionUrlAuthType: s("FunctionUrlAuthType"),
    eventSourceToken: s("EventSourceToken"),
  });
  // CloudFormation takes a Boolean property as `true` or as the string "true" (any case).
  const viaUrl = reader.prop(r, "InvokedViaFunctionUrl");
  if (viaUrl === true || (typeof viaUrl === "string" && viaUrl.toLowerCase() === "true")) {
    statement.Condition = { ...(statement.Condition ?? {}), Bool: { "lambda:InvokedViaFunctionUrl": ["true"] } };
  }
  reader.statementOrigins.set(statement, reader.location(r.sourcePath, id));
  (t.local ?? t.patch)?.statements.push(statement);
}

/**
 * An AWS::Config::ConfigRule whose `Source.Owner` is CUSTOM_LAMBDA: AWS Config invokes the function
 * its `Source.SourceIdentifier` names (`!GetAtt Fn.Arn`, a Sub or a literal ARN) to evaluate the
 * rule, and the function's code reports each result with config:PutEvaluations, with its execution
 * role (AWS Config developer guide, "Creating AWS Config Custom Lambda Rules"). The function gets
 * the rule's name (`ConfigRuleName`, else the logical ID) in `configRules`. A CUSTOM_POLICY (Guard)
 * or AWS managed rule runs no function of the account.
 */
export function readConfigRule(reader: TemplateReader, id: string, r: SamResource): void {
  const source = r.Properties.Source;
  if (!isRecord(source) || reader.resolver.resolve(source.Owner) !== "CUSTOM_LAMBDA" || source.SourceIdentifier === undefined) return;
  const name = reader.propString(r, "ConfigRuleName") ?? id;
  const t = target(reader, source.SourceIdentifier, r);
  if (t.local) t.local.fn.configRules = sortedUnion(t.local.fn.configRules, [name]);
  else if (t.patch) t.patch.patch.configRules = sortedUnion(t.patch.patch.configRules, [name]);
}

export function readEventSourceMapping(reader: TemplateReader, id: string, r: SamResource): void {
  const t = target(reader, r.Properties.FunctionName, r);
  const source = reader.propString(r, "EventSourceArn") ?? null;
  let kind = triggerKindOfArn(source);
  const raw = r.Properties.EventSourceArn;
  const refId = isRecord(raw) ? (typeof raw.Ref === "string" ? raw.Ref : Array.isArray(raw["Fn::GetAtt"]) ? printable(raw["Fn::GetAtt"][0]) : typeof raw["Fn::GetAtt"] === "string" ? raw["Fn::GetAtt"].split(".")[0] : undefined) : undefined;
  const refType = refId ? reader.resources[refId]?.Type : undefined;
  if (kind === "other" && refType) {
    // An MSK Serverless cluster is read like a provisioned one (its Ref and Arn are its ARN).
    kind = ({ "AWS::SQS::Queue": "sqs", "AWS::DynamoDB::Table": "dynamodb", "AWS::Kinesis::Stream": "kinesis", "AWS::MSK::Cluster": "kafka", "AWS::MSK::ServerlessCluster": "kafka", "AWS::AmazonMQ::Broker": "mq", "AWS::DocDB::DBCluster": "docdb" } as Record<string, Trigger["kind"]>)[refType] ?? "other";
  }
  if (r.Properties.SelfManagedEventSource !== undefined) kind = "self-managed-kafka";
  if (r.triggerKind) kind = r.triggerKind;
  const access = reader.prop(r, "SourceAccessConfigurations");
  const secretArns = (Array.isArray(access) ? access : [])
    .filter((a): a is Record<string, unknown> => isRecord(a) && typeof a.Type === "string" && SECRET_ACCESS_TYPES.has(a.Type) && typeof a.URI === "string")
    .map((a) => a.URI as string)
    .sort();
  warnConditionalTarget(reader, r, "EventSourceArn", [], "event source", (v) => typedTarget(reader, v));
  warnConditionalTarget(reader, r, "DestinationConfig", ["OnFailure", "Destination"], "on-failure destination", (v) => typedTarget(reader, v));
  const dest = reader.prop(r, "DestinationConfig");
  const onFailure = isRecord(dest) && isRecord(dest.OnFailure) && typeof dest.OnFailure.Destination === "string" ? typedTarget(reader, dest.OnFailure.Destination) : null;
  const enabled = reader.prop(r, "Enabled");
  const sourceKey = refId !== undefined ? sourceKmsKey(reader, refId) : null;
  const trigger: Trigger = {
    uuid: null,
    kind,
    eventSourceArn: source,
    state: enabled === false || enabled === "false" ? "Disabled" : "Enabled",
    onFailureDestination: onFailure,
    secretArns,
    kmsKeyArn: reader.propString(r, "KmsKeyArn") ?? null,
  };
  if (sourceKey) trigger.sourceKmsKeyArn = sourceKey;
  if (kind === "kafka" || kind === "self-managed-kafka") readKafkaConfiguration(reader, r, trigger);
  if (kind === "kafka" && refId !== undefined && (refType === "AWS::MSK::Cluster" || refType === "AWS::MSK::ServerlessCluster")) {
    readMskCluster(reader, reader.resources[refId] as SamResource, trigger);
  }
  const secretKey = r.secretKmsKeyId !== undefined && secretArns.length > 0 ? secretKmsKey(reader, r.secretKmsKeyId) : null;
  if (secretKey) trigger.secretKmsKeyArn = secretKey;
  if ((Array.isArray(access) ? access : []).some((a) => isRecord(a) && isVpcAccessType(a.Type))) trigger.sourceInVpc = true;
  if (t.local) t.local.fn.triggers.push(trigger);
  else if (t.patch) (t.patch.patch.triggers ??= []).push(trigger);
  void id;
}

/**
 * A Kafka mapping's topics (`Topics`) and consumer group ID (`AmazonManagedKafkaEventSourceConfig`
 * or `SelfManagedKafkaEventSourceConfig`, or SAM's `ConsumerGroupId` passed through from its event):
 * IAM access control grants on them by name. A value that does not resolve to a string is left
 * out (a topic list of `!Ref Topics` says nothing of its topics).
 */
function readKafkaConfiguration(reader: TemplateReader, r: SamResource, trigger: Trigger): void {
  const topics = reader.resolver.resolve(r.Properties.Topics);
  if (Array.isArray(topics) && topics.length > 0 && topics.every((t): t is string => typeof t === "string" && t !== "")) trigger.topics = [...new Set(topics)].sort();
  const config = reader.resolver.resolve(r.Properties.AmazonManagedKafkaEventSourceConfig ?? r.Properties.SelfManagedKafkaEventSourceConfig);
  const group = isRecord(config) ? config.ConsumerGroupId : reader.resolver.resolve(r.Properties.ConsumerGroupId);
  if (typeof group === "string" && group !== "") trigger.consumerGroupId = group;
  // Its schema registry (Trigger.schemaRegistry): a Glue registry's ARN, a Confluent registry's
  // secrets. SAM's MSK and SelfManagedKafka events have it as their own SchemaRegistryConfig
  // (AWS SAM developer guide, MSK event), passed through like their ConsumerGroupId.
  const registry = reader.resolver.resolve(isRecord(config) ? config.SchemaRegistryConfig : r.Properties.SchemaRegistryConfig);
  if (isRecord(registry)) {
    const access = Array.isArray(registry.AccessConfigs) ? registry.AccessConfigs : [];
    const schemaRegistry = schemaRegistryOf(registry.SchemaRegistryURI, access.map((a) => (isRecord(a) ? a.URI : undefined)));
    if (schemaRegistry) trigger.schemaRegistry = schemaRegistry;
  }
}

/** A CloudFormation Boolean as written (`true`, or the string "true" in any case); null when it does not resolve to one. */
function flag(reader: TemplateReader, raw: unknown): boolean | null {
  if (raw === undefined) return false;
  const v = reader.resolver.resolve(raw);
  if (typeof v === "boolean") return v;
  if (typeof v === "string" && /^(true|false)$/i.test(v)) return v.toLowerCase() === "true";
  return null;
}

/**
 * What an MSK cluster of the template says of a mapping without a secret (`kafkaAccess`), and its
 * ARN as a pattern (`kafkaClusterArn`). An AWS::MSK::ServerlessCluster supports only IAM access
 * control (CloudFormation: its ClientAuthentication.Sasl.Iam is required, and MSK Serverless
 * authenticates clients with IAM only). An AWS::MSK::Cluster says it in ClientAuthentication:
 * `Sasl.Iam.Enabled` alone is IAM, `Unauthenticated.Enabled` alone is unauthenticated; with both,
 * neither, a value that does not resolve, or no ClientAuthentication, the mapping's mode stays
 * unknown (said by the kafka-access-not-checked warning). A mapping with a SASL/SCRAM or mTLS
 * secret authenticates with it whatever the cluster allows (kafka-access.ts ignores the mode then).
 */
function readMskCluster(reader: TemplateReader, cluster: SamResource, trigger: Trigger): void {
  const name = reader.resolver.resolve(cluster.Properties.ClusterName);
  const prefix = reader.resolver.resolve({ "Fn::Sub": "arn:${AWS::Partition}:kafka:${AWS::Region}:${AWS::AccountId}:cluster/" });
  if (typeof prefix === "string") trigger.kafkaClusterArn = `${prefix}${typeof name === "string" && name !== "" && !name.includes("/") ? name : "*"}/*`;
  // Serverless or provisioned: what the role needs of the cluster differs (Trigger.kafkaClusterType).
  trigger.kafkaClusterType = cluster.Type === "AWS::MSK::ServerlessCluster" ? "serverless" : "provisioned";
  if (cluster.Type === "AWS::MSK::ServerlessCluster") {
    trigger.kafkaAccess = "iam";
    return;
  }
  const auth = reader.resolver.resolve(cluster.Properties.ClientAuthentication);
  if (!isRecord(auth)) return;
  const iam = flag(reader, isRecord(auth.Sasl) && isRecord(auth.Sasl.Iam) ? auth.Sasl.Iam.Enabled : undefined);
  const open = flag(reader, isRecord(auth.Unauthenticated) ? auth.Unauthenticated.Enabled : undefined);
  if (iam === null || open === null || iam === open) return;
  trigger.kafkaAccess = iam ? "iam" : "unauthenticated";
}

/**
 * The customer managed key of a queue or stream of the template that a mapping reads (an SQS
 * queue's `KmsMasterKeyId`, a stream's `StreamEncryption.KeyId`), as a key ARN: a key of the
 * template by `Ref` is `key/${Key}`. Null for none and for an alias (the AWS managed
 * `alias/aws/sqs` needs no grant; another names a key only at run time).
 */
function sourceKmsKey(reader: TemplateReader, id: string): string | null {
  const res = reader.resources[id];
  if (!res || (res.Type !== "AWS::SQS::Queue" && res.Type !== "AWS::Kinesis::Stream" && res.Type !== "AWS::SNS::Topic")) return null;
  const raw = res.Type !== "AWS::Kinesis::Stream" ? res.Properties.KmsMasterKeyId : isRecord(res.Properties.StreamEncryption) ? res.Properties.StreamEncryption.KeyId : undefined;
  if (raw === undefined) return null;
  const key = reader.resolver.resolve(raw);
  if (typeof key !== "string" || isKmsAlias(key)) return null;
  if (key.startsWith("arn:")) return key;
  const ref = /^\$\{([A-Za-z0-9]+)\}$/.exec(key);
  if (ref && reader.resources[ref[1] as string]?.Type !== "AWS::KMS::Key") return key;
  return key.startsWith("${") && !ref ? key : keyArnOf(reader, key);
}

/** A KMS key ARN as given, or a key ID's in the template's partition, Region and account. */
function keyArnOf(reader: TemplateReader, key: string): string {
  const { partition, region, accountId } = reader.ctx;
  return key.startsWith("arn:") ? key : `arn:${partition}:kms:${region}:${accountId}:key/${key}`;
}

/**
 * The key ARN of a SAM event's SecretsManagerKmsKeyId: a key ID in the stack's account and
 * Region, as SAM's policy writes it (`arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/${KmsKeyId}`,
 * samtranslator's pull.py), or the ARN given. Null when it does not resolve to a string.
 */
function secretKmsKey(reader: TemplateReader, raw: unknown): string | null {
  const key = reader.resolver.resolve(raw);
  return typeof key === "string" && key !== "" ? keyArnOf(reader, key) : null;
}

export function readUrl(reader: TemplateReader, _id: string, r: SamResource): void {
  const t = target(reader, r.Properties.TargetFunctionArn, r, "Qualifier");
  const auth = reader.propString(r, "AuthType");
  // The qualifier is the Qualifier property's, or the alias a TargetFunctionArn `!Ref LiveAlias` names
  // (as SAM writes it for AutoPublishAlias).
  const url = { authType: auth === "AWS_IAM" ? ("AWS_IAM" as const) : ("NONE" as const), url: null, qualifier: t.qualifier };
  if (auth !== "AWS_IAM" && auth !== "NONE") reader.warn("cloudformation-unknown-value", "warning", `AuthType ${auth ?? "(unresolved)"} read as NONE (the unsafe case)`, childPath(r.sourcePath, "Properties.AuthType"));
  if (t.local) t.local.fn.functionUrls.push(url);
  else if (t.patch) t.patch.patch.functionUrl = url;
}

/**
 * An AWS::Lambda::Alias (SAM's AutoPublishAlias makes one, `<Fn>Alias<Name>`): CloudFormation
 * creates the alias `Name` of the function FunctionName names (a `Ref`, a name or an ARN), so the
 * function has it whether or not a permission, URL or invoke config of the template targets it.
 * Each alias can carry its own resource policy, URL and invoke config (set outside the template,
 * or read from the account), so the list says which qualifiers there are to look at. Before, an
 * alias was listed only when an invoke config of the template was on it. Which version it points
 * at (FunctionVersion, RoutingConfig) is not kept: the template publishes its versions from the
 * function's own configuration, so the alias runs with the function's role.
 */
export function readAlias(reader: TemplateReader, _id: string, r: SamResource): void {
  if (reader.propString(r, "Name") === undefined) return;
  // The Name is the qualifier: a local function gets it as its alias; one outside the template a
  // patch with that qualifier, which the normaliser lists among that function's aliases.
  const t = target(reader, r.Properties.FunctionName, r, "Name");
  const name = t.qualifier;
  if (t.local && name !== null && !t.local.fn.aliases.includes(name)) t.local.fn.aliases = [...t.local.fn.aliases, name].sort();
}

export function readEventInvokeConfig(reader: TemplateReader, _id: string, r: SamResource): void {
  // Qualifier (required: `$LATEST`, an alias or a version) says whose config this is.
  const t = target(reader, r.Properties.FunctionName, r, "Qualifier");
  const dc = reader.prop(r, "DestinationConfig");
  const destOf = (k: string): string | null => {
    const d = isRecord(dc) ? dc[k] : undefined;
    return isRecord(d) && typeof d.Destination === "string" ? typedTarget(reader, d.Destination) : null;
  };
  const destinations = { onSuccess: destOf("OnSuccess"), onFailure: destOf("OnFailure") };
  warnConditionalTarget(reader, r, "DestinationConfig", ["OnSuccess", "Destination"], "on-success destination", (v) => typedTarget(reader, v));
  warnConditionalTarget(reader, r, "DestinationConfig", ["OnFailure", "Destination"], "on-failure destination", (v) => typedTarget(reader, v));
  if (t.local) applyInvokeConfig(t.local.fn, t.qualifier, destinations);
  else if (t.patch) t.patch.patch.destinations = destinations;
}

/**
 * Each template function's `deliveryKeys`: the customer managed key of every SQS queue and SNS
 * topic of the template it delivers to (dead-letter target, destinations, its mappings' on-failure
 * destinations, its qualifiers' targets), matched by the ARN a reference to the queue or topic
 * reads as (`!GetAtt Q.Arn`, `!Ref T`). SQS and SNS encrypt what Lambda sends with the sender's
 * permissions: without kms:GenerateDataKey on the key the delivery fails (the SQS developer guide's
 * producer example grants kms:GenerateDataKey and kms:Decrypt). Run after every resource is read.
 */
export function readDeliveryKeys(reader: TemplateReader, functions: Iterable<LambdaFunction>): void {
  const keys = new Map<string, string>();
  for (const [id, res] of Object.entries(reader.resources)) {
    if (res.Type !== "AWS::SQS::Queue" && res.Type !== "AWS::SNS::Topic") continue;
    const key = sourceKmsKey(reader, id);
    if (key === null) continue;
    const refs = res.Type === "AWS::SQS::Queue" ? [{ "Fn::GetAtt": [id, "Arn"] }] : [{ Ref: id }, { "Fn::GetAtt": [id, "TopicArn"] }];
    for (const ref of refs) {
      const arn = reader.resolver.resolve(ref);
      if (typeof arn === "string") keys.set(typedTarget(reader, arn), key);
    }
  }
  assignDeliveryKeys(functions, keys);
}
