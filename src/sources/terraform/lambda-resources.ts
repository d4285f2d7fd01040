/**
 * The Lambda resources of a Terraform plan: functions, permissions, event source mappings, URLs
 * and event invoke configs. A resource that targets a function of the plan (by reference, name or
 * ARN) lands on that function; one that targets a function outside the plan becomes a patch.
 * Environment variable values are dropped here: only names leave.
 */

import { functionLayers } from "./lambda-layers.js";
import { lambdaModuleOfFunction, withTerraformModule } from "./lambda-module.js";
import type { FunctionUrl, LambdaFunction, PolicyStatement, Trigger } from "../../model/document.js";
import { assignDeliveryKeys } from "../delivery-keys.js";
import type { FunctionPatch, RoleUseRecord } from "../types.js";
import { UNKNOWN, applyInvokeConfig, isKmsAlias, isRecord, permissionStatement, splitFunctionArn, syntheticFunctionArn, syntheticRoleArn, triggerKindOfArn } from "../cloudformation/lambda-shapes.js";
import { own, sortedUnion } from "../../collections.js";
import { isVpcAccessType, schemaRegistryOf } from "../lambda-event-source-mappings.js";
import { targetOf, type TfResource } from "./plan-index.js";
import type { FunctionTarget, PlanReader } from "./read-plan.js";
import { stringMap, strings, unknownAt, valueAtPath } from "./values.js";

/** Resource types whose ARN attribute tells the kind of event source. */
const EVENT_SOURCE_TYPES: Record<string, Trigger["kind"]> = {
  aws_sqs_queue: "sqs",
  aws_dynamodb_table: "dynamodb",
  aws_kinesis_stream: "kinesis",
  aws_kinesis_stream_consumer: "kinesis",
  aws_msk_cluster: "kafka",
  aws_msk_serverless_cluster: "kafka",
  aws_mq_broker: "mq",
  aws_docdb_cluster: "docdb",
};

const SECRET_ACCESS_TYPES = new Set(["BASIC_AUTH", "SASL_SCRAM_256_AUTH", "SASL_SCRAM_512_AUTH", "CLIENT_CERTIFICATE_TLS_AUTH", "SERVER_ROOT_CA_CERTIFICATE"]);

export function readFunction(p: PlanReader, r: TfResource): void {
  const nameValue = p.stringOrPlaceholder(r, "function_name");
  const name = nameValue?.value ?? r.address;
  const knownArn = p.knownString(r, "arn");
  const split = knownArn ? splitFunctionArn(knownArn) : null;
  const ctx = p.ctxOf(r);
  const arn = knownArn ?? syntheticFunctionArn(ctx, name);
  let roleArn: string;
  const role = p.knownString(r, "role");
  if (role) roleArn = p.joinRole(role);
  else {
    const { arn: followed, res } = p.followRoleArn(r, "role");
    if (followed !== undefined) roleArn = followed;
    else {
      roleArn = syntheticRoleArn(ctx, "/", p.placeholder(res, `${r.address}.role`));
      p.warn("terraform-unknown-role", "warning", `${r.address}: the execution role is known only after apply, and ${p.unfollowed(r, ["role"], res)}`, r.jsonPath);
    }
  }
  const block = (attr: string): Record<string, unknown> | undefined => {
    const v = p.known(r, attr);
    return Array.isArray(v) && isRecord(v[0]) ? v[0] : undefined;
  };
  const vpcBlock = block("vpc_config");
  const subnetIds = idsWithUnknowns(p, r, ["vpc_config", 0, "subnet_ids"]);
  const securityGroupIds = idsWithUnknowns(p, r, ["vpc_config", 0, "security_group_ids"]);
  let vpc = vpcBlock && (subnetIds.length > 0 || securityGroupIds.length > 0) ? { vpcId: typeof vpcBlock.vpc_id === "string" ? vpcBlock.vpc_id : null, subnetIds, securityGroupIds } : null;
  // A whole block unknown (`after_unknown.vpc_config: true`): a `dynamic "vpc_config"` whose
  // for_each the plan knows only after apply, as modules write it. An unset block is `[]` there
  // (tracing_config and logging_config, computed by the provider, are `true` when unset: not said).
  // Before, such a function was read as outside any VPC, with no environment variable and no file
  // system, and nothing said so.
  if (r.unknown.vpc_config === true && vpc === null) {
    // Read as in a VPC, as a function given subnets known only after apply is (idsWithUnknowns).
    vpc = { vpcId: null, subnetIds: [`\${${r.address}.vpc_config.0.subnet_ids}`], securityGroupIds: [`\${${r.address}.vpc_config.0.security_group_ids}`] };
    p.warn("terraform-unknown-value", "warning", `${r.address}: vpc_config is known only after apply (a dynamic block over values the plan does not know): read as in a VPC whose subnets and security groups are known after apply; if the block turns out empty, what is said of its VPC does not hold`, r.jsonPath);
  }
  if (r.unknown.file_system_config === true) {
    p.warn("terraform-unknown-value", "warning", `${r.address}: file_system_config is known only after apply (a dynamic block over values the plan does not know): the file systems it mounts are not known`, r.jsonPath);
  }
  const tracing = block("tracing_config")?.mode;
  const env = block("environment");
  // Names only: the values (often secrets) are dropped right here.
  let environmentVariableNames = isRecord(env?.variables) ? Object.keys(env.variables).sort() : [];
  // The map unknown (`environment[0].variables: true`), or the whole block (`environment: true`, a
  // dynamic block over values known after apply).
  const envUnknown = r.unknown.environment === true ? true : Array.isArray(r.unknown.environment) && isRecord(r.unknown.environment[0]) ? r.unknown.environment[0].variables : undefined;
  if (envUnknown === true) {
    // One unknown value makes Terraform mark the whole map unknown; the names are still in the code.
    const written = p.configObjectKeys(r, ["environment", 0, "variables"]);
    environmentVariableNames = written ? [...written.keys].sort() : [];
    if (written) p.warn("terraform-value-from-config", "info", `${r.address}: environment variable names known only after apply; read from ${written.where} (names only)`, r.jsonPath);
    else p.warn("terraform-unknown-value", "info", `${r.address}: environment variable names are known only after apply`, r.jsonPath);
  }
  const logging = block("logging_config");
  const packageType = p.knownString(r, "package_type");
  const fn: LambdaFunction = {
    arn,
    name,
    accountId: split?.accountId ?? ctx.accountId,
    region: split?.region ?? ctx.region,
    runtime: p.knownString(r, "runtime") ?? null,
    packageType: packageType === "Zip" || packageType === "Image" ? packageType : null,
    roleArn,
    versions: [],
    aliases: [],
    lastModified: null,
    vpc,
    tracingMode: tracing === "Active" || tracing === "PassThrough" ? tracing : null,
    ...(block("durable_config") || (Array.isArray(r.unknown.durable_config) && r.unknown.durable_config.length > 0) ? { durable: true as const } : {}),
    environmentVariableNames,
    kmsKeyArn: p.arnAt(r, "kms_key_arn"),
    deadLetterTargetArn: p.arnAt(r, "dead_letter_config", 0, "target_arn"),
    destinations: { onSuccess: null, onFailure: null },
    logGroup: typeof logging?.log_group === "string" && logging.log_group !== "" ? logging.log_group : `/aws/lambda/${name}`,
    logFormat: logging?.log_format === "JSON" || logging?.log_format === "Text" ? logging.log_format : null,
    layers: functionLayers(p, r),
    // An access point the same plan creates (terraform-aws-lambda's with-efs) is known only after
    // apply: its ARN built from the plan (arnAt). Before, it was dropped, and the generated policy
    // lacked the ClientMount the function needs to mount it.
    fileSystems: (Array.isArray(p.known(r, "file_system_config")) ? (p.known(r, "file_system_config") as unknown[]) : [])
      .map((_, i) => p.arnAt(r, "file_system_config", i, "arn"))
      .filter((x): x is string => x !== null),
    triggers: [],
    resourcePolicy: null,
    functionUrls: [],
    tags: stringMap(p.known(r, "tags_all")) ?? stringMap(p.known(r, "tags")) ?? {},
    source: withTerraformModule(p.location(r), lambdaModuleOfFunction(p.index, r)),
  };
  p.functions.set(r.address, { resource: r, fn, statements: [] });
}

/**
 * A list of ids the plan may know only after apply (`subnet_ids = [aws_subnet.a.id]` of a subnet
 * made by the same plan): the known ones, and a placeholder for what is unknown (the reference it
 * names: `${aws_subnet.a.id}`), so that a function given subnets is in a VPC. Before, such a
 * function was read as outside any VPC (LR006 asked to remove the permissions it needs).
 */
function idsWithUnknowns(p: PlanReader, r: TfResource, path: (string | number)[]): string[] {
  const known = strings(valueAtPath(r.values, path));
  const marks = valueAtPath(r.unknown, path);
  const unknown = unknownAt(r.unknown, path) || (Array.isArray(marks) && marks.includes(true));
  if (!unknown) return known;
  return [...known, p.placeholder(p.follow(r, ...path), `${r.address}.${path.join(".")}`)];
}

/**
 * The function a permission / mapping / URL targets: one of this plan's functions (by reference,
 * name or ARN), else a patch keyed by the ARN (synthetic when only a name is given). A reference
 * to an alias of the plan (`function_name = aws_lambda_alias.live.arn`, unknown until applied) is
 * the alias's function, qualified by the alias's name: the mapping, permission or URL is the
 * alias's (it was dropped as data about an unknown function).
 */
export function targetFunction(p: PlanReader, r: TfResource, attr: string): FunctionTarget {
  const value = p.knownString(r, attr);
  // `||`: a state holds "" for the unqualified function (aws_lambda_function_url, aws_lambda_permission).
  // A qualifier known only after apply (`qualifier = aws_lambda_function.f.version` of a function
  // published by the same plan) is a version's, not the unqualified function's: a placeholder.
  const qualifier = p.knownString(r, "qualifier") || (r.unknown.qualifier === true ? p.stringOrPlaceholder(r, "qualifier")?.value ?? null : null);
  if (value === undefined) {
    // The expression first, where the configuration is given: `module.fn["orders"].function_name`
    // names one instance, which the plan's reference list (keys dropped) does not.
    const evaluated = p.stringFromConfig(r, [attr]);
    const byConfig = evaluated === undefined ? undefined : targetByValue(p, evaluated, qualifier, r);
    if (byConfig?.fn) return byConfig;
    const res = p.follow(r, attr);
    const target = targetOf(p.index, res, r);
    if (target?.type === "aws_lambda_alias" && target !== r) {
      const fn = targetFunction(p, target, "function_name");
      return { ...fn, qualifier: qualifier ?? p.knownString(target, "name") ?? fn.qualifier };
    }
    const local = target ? p.functions.get(target.address) : undefined;
    if (local) return { fn: local, arn: local.fn.arn, qualifier, byName: false };
    const name = res?.kind === "constant" && typeof res.value === "string" ? res.value : p.placeholder(res, `${r.address}.${attr}`);
    return targetByValue(p, name, qualifier, r);
  }
  return targetByValue(p, value, qualifier, r);
}

/**
 * The plan's function a name or ARN names, seen from `from` (the permission, mapping or rule
 * naming it): by ARN, else by name among the functions of `from`'s account (PlanReader.ofAccount)
 * and then of its region: a plan may make function "app" in two accounts or two regions.
 */
export function targetByValue(p: PlanReader, value: string, qualifier: string | null, from: TfResource): FunctionTarget {
  const split = splitFunctionArn(value);
  const name = split ? split.name : value;
  const byArn = [...p.functions.values()].find((f) => f.fn.arn === value);
  const named = byArn ? [byArn] : p.ofAccount(from, [...p.functions.values()].filter((f) => f.fn.name === name));
  const region = p.regionOf(from);
  const f = named.find((x) => x.fn.region === region) ?? named[0];
  if (f) return { fn: f, arn: f.fn.arn, qualifier: qualifier ?? split?.qualifier ?? null, byName: false };
  const arn = split ? value.split(":").slice(0, 7).join(":") : syntheticFunctionArn(p.ctxOf(from), name);
  return { arn, qualifier: qualifier ?? split?.qualifier ?? null, byName: !split };
}

/**
 * The patch for a function this plan does not define. A name-only target gets no synthetic ARN
 * (it would never join a real function): the normaliser joins it by name and region instead.
 */
export function patchFor(p: PlanReader, target: { arn: string; qualifier: string | null; byName: boolean }, r: TfResource): FunctionPatch & { statements: PolicyStatement[] } {
  const key = `${target.arn}\u0000${target.qualifier ?? ""}`;
  let patch = p.patches.get(key);
  if (!patch) {
    const split = splitFunctionArn(target.arn);
    patch = {
      functionArn: target.byName ? null : target.arn,
      functionName: split?.name ?? null,
      region: split && split.region !== UNKNOWN ? split.region : null,
      qualifier: target.qualifier,
      patch: {},
      path: r.jsonPath,
      statements: [],
    };
    p.patches.set(key, patch);
  }
  return patch;
}

export function readPermission(p: PlanReader, r: TfResource): void {
  const target = targetFunction(p, r, "function_name");
  const str = (attr: string): string | null => p.stringOrPlaceholder(r, attr)?.value ?? null;
  const resource = target.qualifier ? `${target.arn}:${target.qualifier}` : target.arn;
  const statement = permissionStatement({
    statementId: p.knownString(r, "statement_id") ?? null,
    action: p.knownString(r, "action") ?? "lambda:InvokeFunction",
    principal: str("principal") ?? "*",
    functionArn: resource,
    sourceArn: str("source_arn"),
    sourceAccount: str("source_account"),
    principalOrgId: str("principal_org_id"),
    functionUrlAuthType: str("function_url_auth_type"),
    eventSourceToken: str("event_source_token"),
  });
  p.statementOrigins.set(statement, p.location(r));
  if (target.fn) target.fn.statements.push(statement);
  else patchFor(p, target, r).statements.push(statement);
}

/**
 * An `aws_config_config_rule` whose `source.owner` is CUSTOM_LAMBDA: AWS Config invokes the function
 * its `source.source_identifier` names to evaluate the rule, and the function's code reports each
 * result with config:PutEvaluations, with its execution role (AWS Config developer guide, "Creating
 * AWS Config Custom Lambda Rules"). As the CloudFormation reader: the function gets the rule's
 * `name` in `configRules`. The identifier is usually `aws_lambda_function.x.arn`, known only after
 * apply: followed through the configuration to the plan's function. One that leads nowhere known
 * (a variable without a value) names no function, and is left: a placeholder joins none.
 */
export function readConfigRule(p: PlanReader, r: TfResource): void {
  if (valueAtPath(r.values, ["source", 0, "owner"]) !== "CUSTOM_LAMBDA") return;
  const name = p.knownString(r, "name") || r.address;
  const path = ["source", 0, "source_identifier"];
  const value = valueAtPath(r.values, path);
  let t: FunctionTarget | undefined;
  if (typeof value === "string" && value !== "") t = targetByValue(p, value, null, r);
  else {
    const evaluated = p.stringFromConfig(r, path);
    const byConfig = evaluated === undefined ? undefined : targetByValue(p, evaluated, null, r);
    const local = byConfig?.fn ?? p.functions.get(targetOf(p.index, p.follow(r, ...path), r)?.address ?? "");
    if (local) t = { fn: local, arn: local.fn.arn, qualifier: null, byName: false };
    else if (evaluated !== undefined && splitFunctionArn(evaluated) !== null) t = byConfig;
  }
  if (!t) return;
  if (t.fn) t.fn.fn.configRules = sortedUnion(t.fn.fn.configRules, [name]);
  else {
    const patch = patchFor(p, { ...t, qualifier: null }, r);
    patch.patch.configRules = sortedUnion(patch.patch.configRules, [name]);
  }
}

export function readEventSourceMapping(p: PlanReader, r: TfResource): void {
  const target = targetFunction(p, r, "function_name");
  let source = p.stringOrPlaceholder(r, "event_source_arn");
  // Without the .tf files only the plan's reference names the source. A fan-out consumer's
  // placeholder would say neither its service nor that it is a consumer (SubscribeToShard): its
  // ARN built from the plan (`<stream ARN>/consumer/<name>:…`) says both.
  if (source && !source.known && !source.value.startsWith("arn:") && targetOf(p.index, p.follow(r, "event_source_arn"), r)?.type === "aws_kinesis_stream_consumer") {
    const built = p.arnAt(r, "event_source_arn");
    if (built?.startsWith("arn:")) source = { value: built, known: false };
  }
  // A value known only after apply may still be an ARN the reader built (a queue of this plan,
  // through `each.value.event_source_arn`): its service says the kind.
  let kind = triggerKindOfArn(source?.value.startsWith("arn:") ? source.value : null);
  if (source && !source.known && kind === "other") {
    const t = targetOf(p.index, p.follow(r, "event_source_arn"), r);
    // Else the resource a placeholder names (`${aws_msk_cluster.c.arn}`, evaluated from the code).
    const type = t?.type ?? /^\$\{(?:module\.[^.]+\.)*([a-z0-9_]+)\./.exec(source.value)?.[1];
    if (type !== undefined) kind = own(EVENT_SOURCE_TYPES, type) ?? "other";
  }
  const selfManaged = p.known(r, "self_managed_event_source");
  if (Array.isArray(selfManaged) && selfManaged.length > 0) kind = "self-managed-kafka";
  const onFailure = p.arnAt(r, "destination_config", 0, "on_failure", 0, "destination_arn");
  const access = p.known(r, "source_access_configuration");
  // The whole list unknown: a `dynamic "source_access_configuration"` over values known only after
  // apply. Before, its secrets were silently none, and secretsmanager:GetSecretValue never required.
  if (r.unknown.source_access_configuration === true) {
    p.warn("terraform-unknown-value", "warning", `${r.address}: source_access_configuration is known only after apply (a dynamic block over values the plan does not know): the secrets and networks the mapping reads its source with are not known`, r.jsonPath);
  }
  // A secret the same plan creates has a `uri` known only after apply: the secret's ARN, built
  // from its name (arnAt). Before, such an entry was dropped and GetSecretValue never required.
  const secretArns = (Array.isArray(access) ? access : [])
    .flatMap((a, i) => (isRecord(a) && typeof a.type === "string" && SECRET_ACCESS_TYPES.has(a.type) ? [p.arnAt(r, "source_access_configuration", i, "uri")] : []))
    .filter((uri): uri is string => uri !== null)
    .sort();
  const enabled = p.known(r, "enabled");
  const trigger: Trigger = {
    uuid: p.knownString(r, "uuid") ?? null,
    kind,
    eventSourceArn: source?.value ?? null,
    state: enabled === false ? "Disabled" : enabled === true ? "Enabled" : null,
    onFailureDestination: onFailure,
    secretArns,
    kmsKeyArn: p.arnAt(r, "kms_key_arn"),
  };
  const sourceKey = kind === "sqs" || kind === "kinesis" ? sourceKmsKey(p, r, source?.known ? source.value : null) : null;
  if (sourceKey) trigger.sourceKmsKeyArn = sourceKey;
  if ((Array.isArray(access) ? access : []).some((a) => isRecord(a) && isVpcAccessType(a.type))) trigger.sourceInVpc = true;
  if (kind === "kafka" || kind === "self-managed-kafka") readKafkaConfiguration(p, r, trigger);
  if (kind === "kafka") readMskCluster(p, r, trigger, source?.known ? source.value : null);
  // Computed attributes a plan of an existing mapping carries from its state (the provider reads
  // them from GetEventSourceMapping): what Lambda says of the mapping, for LR010.
  const reason = p.knownString(r, "state_transition_reason");
  if (reason !== undefined && reason.trim() !== "") trigger.stateTransitionReason = reason.trim();
  const result = p.knownString(r, "last_processing_result");
  if (result !== undefined && result.trim() !== "") trigger.lastProcessingResult = result.trim();
  if (target.fn) target.fn.fn.triggers.push(trigger);
  else {
    const patch = patchFor(p, target, r);
    (patch.patch.triggers ??= []).push(trigger);
  }
}

/**
 * A Kafka mapping's `topics` and consumer group ID (`amazon_managed_kafka_event_source_config` or
 * `self_managed_kafka_event_source_config`'s `consumer_group_id`), when the plan knows them: IAM
 * access control grants on them by name.
 */
function readKafkaConfiguration(p: PlanReader, r: TfResource, trigger: Trigger): void {
  const topics = p.known(r, "topics");
  if (Array.isArray(topics) && topics.length > 0 && topics.every((t): t is string => typeof t === "string" && t !== "")) trigger.topics = [...new Set(topics)].sort();
  for (const attr of ["amazon_managed_kafka_event_source_config", "self_managed_kafka_event_source_config"]) {
    const config = p.known(r, attr);
    const group = Array.isArray(config) && isRecord(config[0]) ? config[0].consumer_group_id : undefined;
    if (typeof group === "string" && group !== "" && trigger.consumerGroupId === undefined) trigger.consumerGroupId = group;
    // Its schema registry (Trigger.schemaRegistry): `schema_registry_config`'s `schema_registry_uri`
    // (a Glue registry's ARN; one of the plan known only after apply, built by arnAt) and its
    // `access_config` blocks' `uri` (a Confluent registry's secrets).
    const registry = Array.isArray(config) && isRecord(config[0]) && Array.isArray(config[0].schema_registry_config) ? config[0].schema_registry_config[0] : undefined;
    if (isRecord(registry) && trigger.schemaRegistry === undefined) {
      const access = Array.isArray(registry.access_config) ? registry.access_config : [];
      const uri = p.arnAt(r, attr, 0, "schema_registry_config", 0, "schema_registry_uri");
      const secrets = access.map((_, i) => p.arnAt(r, attr, 0, "schema_registry_config", 0, "access_config", i, "uri"));
      const schemaRegistry = schemaRegistryOf(uri, secrets);
      if (schemaRegistry) trigger.schemaRegistry = schemaRegistry;
    }
  }
}

/**
 * What an MSK cluster of the plan says of a mapping without a secret (`kafkaAccess`), and, when
 * its ARN is known only after apply, that ARN as a pattern (`kafkaClusterArn`, its UUID `*`). As
 * for a template (cloudformation/template-lambda.ts): an `aws_msk_serverless_cluster` supports
 * only IAM access control; an `aws_msk_cluster` says it in `client_authentication` (`sasl.iam`
 * alone: IAM; `unauthenticated` alone: unauthenticated; both, neither, a value known only after
 * apply, or no `client_authentication`: unknown).
 */
function readMskCluster(p: PlanReader, r: TfResource, trigger: Trigger, knownArn: string | null): void {
  const followed = targetOf(p.index, p.follow(r, "event_source_arn"), r);
  const isCluster = (x: TfResource | undefined): x is TfResource => x !== undefined && (x.type === "aws_msk_cluster" || x.type === "aws_msk_serverless_cluster");
  const cluster = isCluster(followed) ? followed : knownArn ? p.index.resources.find((x) => x.mode === "managed" && isCluster(x) && x.values.arn === knownArn) : undefined;
  if (!cluster) return;
  if (typeof cluster.values.arn !== "string") {
    const { partition, region, accountId } = p.ctxOf(cluster);
    const name = p.knownString(cluster, "cluster_name");
    trigger.kafkaClusterArn = `arn:${partition}:kafka:${region}:${accountId}:cluster/${name && !name.includes("/") ? name : "*"}/*`;
  }
  // Serverless or provisioned: what the role needs of the cluster differs (Trigger.kafkaClusterType).
  trigger.kafkaClusterType = cluster.type === "aws_msk_serverless_cluster" ? "serverless" : "provisioned";
  if (cluster.type === "aws_msk_serverless_cluster") {
    trigger.kafkaAccess = "iam";
    return;
  }
  const auth = p.known(cluster, "client_authentication");
  const block = Array.isArray(auth) && isRecord(auth[0]) ? auth[0] : undefined;
  if (block === undefined) return;
  const sasl = Array.isArray(block.sasl) && isRecord(block.sasl[0]) ? block.sasl[0] : undefined;
  const flag = (v: unknown): boolean | null => (v === undefined || v === null ? false : typeof v === "boolean" ? v : null);
  const iam = unknownAt(cluster.unknown, ["client_authentication", 0, "sasl", 0, "iam"]) ? null : flag(sasl?.iam);
  const open = unknownAt(cluster.unknown, ["client_authentication", 0, "unauthenticated"]) ? null : flag(block.unauthenticated);
  if (iam === null || open === null || iam === open) return;
  trigger.kafkaAccess = iam ? "iam" : "unauthenticated";
}

/**
 * The customer managed key of a queue or stream the plan makes that a mapping reads: the queue's
 * `kms_master_key_id`, a KMS-encrypted stream's `kms_key_id`, as a key ARN (an id is put in the
 * queue's region and account; a key of this plan known only after apply, its built ARN). Null for
 * none, an alias (the AWS managed `alias/aws/sqs` needs no grant; another alias names a key only
 * at run time) or a source the plan does not make.
 */
/**
 * Each plan function's `deliveryKeys` (as cloudformation/template-lambda.ts readDeliveryKeys): the
 * customer managed key (`kms_master_key_id`) of every `aws_sqs_queue` and `aws_sns_topic` of the
 * plan it delivers to (dead-letter target, destinations, its mappings' on-failure destinations),
 * matched by the queue's or topic's ARN as the plan knows it or the reader builds it. SQS and SNS
 * encrypt what Lambda sends with the execution role's permissions. Run after every resource is read.
 */
export function readDeliveryKeys(p: PlanReader, functions: Iterable<LambdaFunction>): void {
  const keys = new Map<string, string>();
  for (const r of p.index.resources) {
    if (r.mode !== "managed" || (r.type !== "aws_sqs_queue" && r.type !== "aws_sns_topic")) continue;
    const key = customerKeyArn(p, r, "kms_master_key_id");
    const arn = typeof r.values.arn === "string" && r.values.arn !== "" ? r.values.arn : p.typedArn(r, r.configAddress, "arn");
    if (key !== null && arn !== undefined) keys.set(arn, key);
  }
  assignDeliveryKeys(functions, keys);
}

/** A resource's customer managed key attribute as a key ARN; null for none or an alias (`alias/aws/sqs`). */
function customerKeyArn(p: PlanReader, source: TfResource, attr: string): string | null {
  const key = p.arnAt(source, attr);
  if (key === null || isKmsAlias(key)) return null;
  if (key.startsWith("arn:") || (key.startsWith("${") && !/\.(id|key_id)\}$/.test(key))) return key;
  const { partition, region, accountId } = p.ctxOf(source);
  return `arn:${partition}:kms:${region}:${accountId}:key/${key}`;
}

function sourceKmsKey(p: PlanReader, r: TfResource, knownArn: string | null): string | null {
  const followed = targetOf(p.index, p.follow(r, "event_source_arn"), r);
  const source =
    followed && (followed.type === "aws_sqs_queue" || followed.type === "aws_kinesis_stream")
      ? followed
      : knownArn
        ? p.index.resources.find((x) => x.mode === "managed" && (x.type === "aws_sqs_queue" || x.type === "aws_kinesis_stream") && x.values.arn === knownArn)
        : undefined;
  if (!source) return null;
  const attr = source.type === "aws_sqs_queue" ? "kms_master_key_id" : "kms_key_id";
  if (source.type === "aws_kinesis_stream" && p.knownString(source, "encryption_type") !== "KMS") return null;
  return customerKeyArn(p, source, attr);
}

/**
 * An `aws_lambda_alias`: apply creates the alias `name` of the function `function_name` names (a
 * reference, a name or an ARN), so the function has it whether or not a permission, URL or invoke
 * config of the plan targets it, as the CloudFormation reader does for AWS::Lambda::Alias. Each
 * alias can carry its own resource policy, URL and invoke config, so the list says which
 * qualifiers there are to look at; before, an alias of the plan was not listed. Which version it
 * points at (`function_version`, `routing_config`) is not kept.
 */
export function readAlias(p: PlanReader, r: TfResource): void {
  const name = p.knownString(r, "name");
  if (name === undefined || name === "") return;
  const t = targetFunction(p, r, "function_name");
  if (t.fn) {
    if (!t.fn.fn.aliases.includes(name)) t.fn.fn.aliases = [...t.fn.fn.aliases, name].sort();
  } else {
    // A function outside the plan: a patch with that qualifier, which the normaliser lists among its aliases.
    patchFor(p, { ...t, qualifier: name }, r);
  }
}

export function readFunctionUrl(p: PlanReader, r: TfResource): void {
  const target = targetFunction(p, r, "function_name");
  const auth = p.knownString(r, "authorization_type");
  const url: FunctionUrl = {
    authType: auth === "AWS_IAM" ? "AWS_IAM" : "NONE",
    url: p.knownString(r, "function_url") ?? null,
    qualifier: target.qualifier,
  };
  if (auth !== "AWS_IAM" && auth !== "NONE") {
    p.warn("terraform-unknown-value", "warning", `${r.address}: authorization_type is ${auth ?? "unknown"}; read as NONE (the unsafe case)`, r.jsonPath);
  }
  if (target.fn) target.fn.fn.functionUrls.push(url);
  else patchFor(p, target, r).patch.functionUrl = url;
}

export function readEventInvokeConfig(p: PlanReader, r: TfResource): void {
  const target = targetFunction(p, r, "function_name");
  const destOf = (k: string): string | null => p.arnAt(r, "destination_config", 0, k, 0, "destination");
  const destinations = { onSuccess: destOf("on_success"), onFailure: destOf("on_failure") };
  // `qualifier` (an alias name or version; none for $LATEST) says whose config this is; one known
  // only after apply (`aws_lambda_alias.live.name` of a new alias) is still not $LATEST's.
  const qualifier = target.qualifier ?? (p.stringOrPlaceholder(r, "qualifier")?.value || null);
  if (target.fn) applyInvokeConfig(target.fn.fn, qualifier, destinations);
  else patchFor(p, { ...target, qualifier }, r).patch.destinations = destinations;
}

/**
 * Lambda resources other than functions that run with a role of the plan: a Lambda Managed
 * Instances capacity provider (its operator role, with which Lambda manages its instances) and a
 * web function revision (the role its code runs with; web functions are not read as functions).
 */
const ROLE_USES: Record<string, { kind: RoleUseRecord["kind"]; block: string; attribute: string; name: string }> = {
  aws_lambda_capacity_provider: { kind: "capacity-provider-operator", block: "permissions_config", attribute: "capacity_provider_operator_role_arn", name: "name" },
  aws_lambdaweb_function_revision: { kind: "web-function-execution", block: "service_config", attribute: "execution_role_arn", name: "function_name" },
};

export const ROLE_USE_TYPES = Object.keys(ROLE_USES);

/**
 * The role such a resource runs with, known or followed to a role of the plan, so that the role is
 * known to be in use although no function names it.
 */
export function readRoleUse(p: PlanReader, r: TfResource): void {
  const spec = ROLE_USES[r.type];
  if (!spec) return;
  const block = p.known(r, spec.block);
  const first = Array.isArray(block) ? block[0] : block;
  let roleArn = isRecord(first) && typeof first[spec.attribute] === "string" && first[spec.attribute] !== "" ? p.joinRole(first[spec.attribute] as string) : undefined;
  if (roleArn === undefined) {
    // A nested block is a list in the configuration's expressions (an object in newer schemas).
    const inList = p.followRoleArn(r, spec.block, 0, spec.attribute);
    roleArn = (inList.res !== undefined ? inList : p.followRoleArn(r, spec.block, spec.attribute)).arn;
  }
  if (roleArn === undefined) return;
  p.roleUses.push({ roleArn, kind: spec.kind, resource: p.knownString(r, "arn") ?? p.knownString(r, spec.name) ?? r.address });
}
