/**
 * Reader for `aws lambda list-event-source-mappings` (`{EventSourceMappings: […]}`) and for a
 * single mapping (`get-event-source-mapping`). A mapping is a trigger the execution role itself
 * polls, so the role needs read access to the source (and to the secrets and keys it names).
 */

import type { Trigger, TriggerKind } from "../model/document.js";
import { parseArn } from "./arns.js";
import { asObject, eachRecord, FileContext, isObject, joinPath, optArray, optObject, optString, reqString } from "./record-reader.js";
import { fromPath, hasTarget, targetFrom } from "./function-target.js";
import { functionListScope, regionListPages, type RegionListPage } from "./pagination.js";
import { emptyFragment, type ReaderInput, type SourceFragment } from "./types.js";

export function isEventSourceMapping(v: unknown): boolean {
  return isObject(v) && typeof v["UUID"] === "string" && typeof v["FunctionArn"] === "string";
}

export function isListEventSourceMappings(v: unknown): boolean {
  return isObject(v) && Array.isArray(v["EventSourceMappings"]);
}

export function readEventSourceMappings(input: ReaderInput): SourceFragment {
  const ctx = new FileContext(input.file);
  const fragment = emptyFragment({ path: input.file, kind: "lambda-event-source-mappings", sha256: input.sha256, records: 0 });
  const many = input.values.length > 1;
  // Each value is a page, a mapping, or an array of either (pages kept in an array, as for
  // list-functions): every page is read, and the last page of the list says whether it is whole.
  const units = input.values.flatMap((v, i) => {
    const base = many ? `[${i}]` : "";
    if (Array.isArray(v) && v.length > 0 && v.every(isListEventSourceMappings)) return v.map((p, j) => ({ value: p as unknown, base: `${base}[${j}]` }));
    return [{ value: v as unknown, base }];
  });
  const listPages: RegionListPage[] = [];
  for (const { value, base } of units) {
    try {
      const items = isListEventSourceMappings(value)
        ? { list: (value as { EventSourceMappings: unknown[] }).EventSourceMappings, path: joinPath(base, "EventSourceMappings") }
        : Array.isArray(value)
          ? { list: value, path: base }
          : { list: [value], path: "" };
      const patches = eachRecord(items.list, ctx, items.path, (item, p) => {
        const path = items.list.length === 1 && items.path === "" ? base : p;
        const m = asObject(item, ctx, path);
        const target = targetFrom(reqString(m, "FunctionArn", ctx, path), input.context, ctx, joinPath(path, "FunctionArn"));
        return { ...target, patch: { triggers: [readTrigger(m, ctx, path)] }, path };
      });
      fragment.functionPatches.push(...patches);
      if (isListEventSourceMappings(value)) listPages.push({ value, path: base, regions: new Set(patches.map((p) => p.region).filter((r): r is string => r !== null)) });
    } catch (error) {
      ctx.report(error);
    }
  }
  // ListEventSourceMappings answers at most MaxItems (100) mappings a call with a NextMarker while
  // more follow, and the AWS CLI writes its own NextToken when --max-items or --no-paginate cut
  // its output. A mapping left out takes the permissions its source needs out of the generated
  // policy, and LR010 out of the audit: say the list is cut, as for functions. The last page of
  // each region's list counts (single mappings or other regions' lists may follow it).
  Object.assign(fragment, regionListPages(listPages));
  // A collector's per-function file (`--function-name`, named in the path): only the final page
  // of that function's list completes it. Without a path saying so the list is the region's.
  const perFunction = fromPath(input.context);
  if (input.context.parameter !== null && hasTarget(perFunction)) {
    const scope = functionListScope([perFunction], input.context, input.file);
    if (fragment.pagination) fragment.pagination.scope = scope;
    if (fragment.listPages) fragment.listPages = fragment.listPages.map((p) => ({ ...p, scope }));
  }
  fragment.source.records = fragment.functionPatches.length;
  const regions = new Set(fragment.functionPatches.map((p) => p.region));
  if (regions.size === 1 && [...regions][0]) fragment.source.region = [...regions][0]!;
  // The account too, from the mappings' function ARNs: the normaliser matches a cut list with the
  // final page of the same account's list, and without it another account's whole list in the
  // same region completed this one.
  const accounts = new Set(fragment.functionPatches.map((p) => (p.functionArn !== null ? parseArn(p.functionArn)?.accountId : undefined)));
  if (accounts.size === 1 && [...accounts][0]) fragment.source.accountId = [...accounts][0]!;
  fragment.warnings = ctx.warnings;
  fragment.partial = ctx.partial;
  return fragment;
}

export function triggerKind(eventSourceArn: string | null, selfManaged: boolean): TriggerKind {
  if (eventSourceArn === null) return selfManaged ? "self-managed-kafka" : "other";
  const service = parseArn(eventSourceArn)?.service;
  switch (service) {
    case "sqs":
      return "sqs";
    case "dynamodb":
      return "dynamodb";
    case "kinesis":
      return "kinesis";
    case "kafka":
      return "kafka";
    case "mq":
      return "mq";
    case "rds": // DocumentDB clusters have rds ARNs
      return "docdb";
    default:
      return "other";
  }
}

function readTrigger(m: { [k: string]: unknown }, ctx: FileContext, path: string): Trigger {
  const eventSourceArn = optString(m, "EventSourceArn", ctx, path);
  const destination = optObject(m, "DestinationConfig", ctx, path);
  const onFailure = destination ? optObject(destination, "OnFailure", ctx, joinPath(path, "DestinationConfig")) : null;
  const sacPath = joinPath(path, "SourceAccessConfigurations");
  const access = optArray(m, "SourceAccessConfigurations", ctx, path).map((item, i) => asObject(item, ctx, joinPath(sacPath, i)));
  const secretArns = access
    .map((a, i) => optString(a, "URI", ctx, joinPath(sacPath, i)))
    .filter((uri): uri is string => uri !== null && parseArn(uri)?.service === "secretsmanager");
  const inVpc = access.some((a, i) => isVpcAccessType(optString(a, "Type", ctx, joinPath(sacPath, i))));
  const trigger: Trigger = {
    uuid: optString(m, "UUID", ctx, path),
    kind: triggerKind(eventSourceArn, isObject(m["SelfManagedEventSource"])),
    eventSourceArn,
    state: optString(m, "State", ctx, path),
    onFailureDestination: onFailure ? optString(onFailure, "Destination", ctx, joinPath(path, "DestinationConfig.OnFailure")) : null,
    secretArns: [...new Set(secretArns)].sort(),
    kmsKeyArn: optString(m, "KMSKeyArn", ctx, path),
  };
  if (inVpc) trigger.sourceInVpc = true;
  // A Kafka mapping's topics and consumer group, which IAM access control grants on by name.
  const topics = optArray(m, "Topics", ctx, path).filter((t): t is string => typeof t === "string" && t !== "");
  if (topics.length > 0) trigger.topics = [...new Set(topics)].sort();
  for (const key of ["AmazonManagedKafkaEventSourceConfig", "SelfManagedKafkaEventSourceConfig"]) {
    const config = optObject(m, key, ctx, path);
    const group = config ? optString(config, "ConsumerGroupId", ctx, joinPath(path, key)) : null;
    if (group !== null && trigger.consumerGroupId === undefined) trigger.consumerGroupId = group;
    const registry = config ? optObject(config, "SchemaRegistryConfig", ctx, joinPath(path, key)) : null;
    if (registry && trigger.schemaRegistry === undefined) {
      const registryPath = joinPath(path, `${key}.SchemaRegistryConfig`);
      const accessPath = joinPath(registryPath, "AccessConfigs");
      const uris = optArray(registry, "AccessConfigs", ctx, registryPath).map((a, i) => optString(asObject(a, ctx, joinPath(accessPath, i)), "URI", ctx, joinPath(accessPath, i)));
      const schemaRegistry = schemaRegistryOf(optString(registry, "SchemaRegistryURI", ctx, registryPath), uris);
      if (schemaRegistry) trigger.schemaRegistry = schemaRegistry;
    }
  }
  // What Lambda says of the mapping: LR010 tells a mapping Lambda stopped for lack of permissions
  // (EVENT_SOURCE_AUTHZ_ERROR, "PROBLEM: Cluster failed to authorize Lambda") from one a user
  // disabled. An empty string says nothing: left out.
  const reason = optString(m, "StateTransitionReason", ctx, path);
  if (reason !== null && reason.trim() !== "") trigger.stateTransitionReason = reason.trim();
  const result = optString(m, "LastProcessingResult", ctx, path);
  if (result !== null && result.trim() !== "") trigger.lastProcessingResult = result.trim();
  return trigger;
}

/** The access configurations that place the pollers in a VPC (`subnet:<id>`, `security_group:<id>`). */
export function isVpcAccessType(type: unknown): boolean {
  return type === "VPC_SUBNET" || type === "VPC_SECURITY_GROUP";
}

/**
 * A Kafka mapping's schema registry as the trigger keeps it (Trigger.schemaRegistry): the AWS Glue
 * registry its URI names (a Confluent registry's URI is its URL, not kept), and the Secrets Manager
 * secrets its access configurations name. Null when it names neither (nothing of the role).
 */
export function schemaRegistryOf(uri: unknown, accessUris: readonly unknown[]): Trigger["schemaRegistry"] | null {
  const glueRegistryArn = typeof uri === "string" && /^arn:[^:]+:glue:/.test(uri) ? uri : null;
  const secretArns = [...new Set(accessUris.filter((u): u is string => typeof u === "string" && parseArn(u)?.service === "secretsmanager"))].sort();
  return glueRegistryArn === null && secretArns.length === 0 ? null : { glueRegistryArn, secretArns };
}
