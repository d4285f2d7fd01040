/**
 * Reader for AWS Config's record of IAM roles, customer managed policies, users and groups, and
 * Lambda functions: an organisation's whole inventory from one aggregator, without a role assumed
 * in each account.
 *
 * Forms read (each item a ConfigurationItem, AWS Config API Reference and Developer Guide):
 * - configuration snapshot and history files delivered to S3
 *   (`AWSLogs/<account>/Config/<region>/<y>/<m>/<d>/ConfigSnapshot|ConfigHistory/….json.gz`):
 *   `{fileVersion, configSnapshotId?, configurationItems: […]}`, items with `ARN`, `awsAccountId`,
 *   `configuration` an object;
 * - `aws configservice get-resource-config-history`: `{configurationItems, nextToken?}`, items with
 *   `arn`, `accountId`, `configuration` a JSON string;
 * - `batch-get-resource-config` (`baseConfigurationItems`, `unprocessedResourceKeys`) and
 *   `batch-get-aggregate-resource-config` (`BaseConfigurationItems`, `UnprocessedResourceIdentifiers`);
 * - `select-resource-config` / `select-aggregate-resource-config`: `{Results: ["<row as JSON>" …],
 *   QueryInfo, NextToken?}`, rows holding only the fields the query selected;
 * - `get-aggregate-resource-config`: one item, `{ConfigurationItem}`;
 * - a configuration item change notification, `{messageType: "ConfigurationItemChangeNotification",
 *   configurationItem}`, alone, as an EventBridge event's detail, as the Message of the SNS message
 *   Config's topic delivers (alone, or in the Lambda event of an SNS or SQS subscriber), or as a
 *   custom rule's invokingEvent (carriedMessages): one item, `configuration` an object.
 *
 * Each item's configuration is turned into the shape of the API the other readers take (a
 * get-account-authorization-details RoleDetail or ManagedPolicyDetail, a Lambda
 * FunctionConfiguration) and read by those readers' own builders, so that a role or a function
 * is the same record whichever way it was exported. Config writes those in camelCase and IAM
 * policy documents URL-encoded (parsePolicyDocument decodes both encodings). Environment variable
 * values are never copied: only their names reach the function reader.
 *
 * Not deployed, never read as deployed: an item whose status is ResourceDeleted,
 * ResourceDeletedNotRecorded or ResourceNotRecorded. Of several items of one resource (a history
 * file), the one captured last is its state.
 */

import { InputError, LeastroleError, PolicyParseError } from "../errors.js";
import { parsePolicyDocument } from "../iam/index.js";
import { readGroup, readManagedPolicy, readRole, readUser } from "./iam-authorization-details.js";
import { readConfiguration } from "./lambda-functions.js";
import { asObject, FileContext, isObject, joinPath, tagsFromList, tagsFromMap, type JsonObject } from "./record-reader.js";
import { normalizeTimestamp } from "./timestamps.js";
import { emptyFragment, type ConfigState, type ReaderInput, type SourceFragment } from "./types.js";

const ROLE = "AWS::IAM::Role";
const POLICY = "AWS::IAM::Policy";
const FUNCTION = "AWS::Lambda::Function";
const USER = "AWS::IAM::User";
const GROUP = "AWS::IAM::Group";
/**
 * The resource types read, in the order a query names them (collect --config-aggregator asks for
 * exactly these). Users and groups too: with `scope: account` privilege escalation is checked on
 * every principal, as from get-account-authorization-details.
 */
export const CONFIG_RESOURCE_TYPES: readonly string[] = Object.freeze([ROLE, POLICY, USER, GROUP, FUNCTION]);
const READ_TYPES: ReadonlySet<string> = new Set(CONFIG_RESOURCE_TYPES);

/**
 * Lambda resources Config may record whose data leastrole takes only from Lambda's own outputs:
 * said, so that a user who expected triggers, URLs or aliases from Config knows where to get them.
 */
const NOT_READ_LAMBDA: Readonly<Record<string, string>> = {
  "AWS::Lambda::EventSourceMapping": "aws lambda list-event-source-mappings",
  "AWS::Lambda::Alias": "aws lambda list-aliases",
  "AWS::Lambda::Url": "aws lambda get-function-url-config",
  "AWS::Lambda::LayerVersion": "aws lambda list-layer-versions and get-layer-version-policy",
};

/** Statuses of an item whose resource is not deployed (ConfigurationItemStatus). */
const NOT_DEPLOYED: ReadonlySet<string> = new Set(["ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"]);

type Form = "delivery" | "history" | "batch" | "aggregate-batch" | "select" | "aggregate-item" | "notification";

interface Page {
  form: Form;
  page: JsonObject;
  /** JSON path of the page in its file. */
  path: string;
  /** The items' list key (`configurationItems`, `Results` …). */
  list: string;
}

/** A ConfigurationItem's fields whatever its form, `configuration` not yet read. */
interface Item {
  path: string;
  resourceType: string;
  arn: string | null;
  accountId: string | null;
  region: string | null;
  resourceId: string | null;
  status: string | null;
  captured: string | null;
  raw: JsonObject;
  /** Order in the file, for ties of capture time (the later item in the file wins). */
  order: number;
}

function isItemLike(v: unknown): boolean {
  return isObject(v) && typeof v["resourceType"] === "string";
}

/** A row of a select query: a JSON document in a string (the API's form). */
function isSelectRow(v: unknown): boolean {
  if (typeof v !== "string") return false;
  const t = v.trimStart();
  return t.startsWith("{") && /"resourceType"\s*:/.test(t);
}

function formOf(v: unknown): { form: Form; list: string } | null {
  if (!isObject(v)) return null;
  const items = v["configurationItems"];
  if (Array.isArray(items)) {
    // A delivered file says its fileVersion; the API's history output has none. Both are read alike.
    if (typeof v["fileVersion"] === "string") return { form: "delivery", list: "configurationItems" };
    if (items.every(isItemLike) && Object.keys(v).every((k) => k === "configurationItems" || k === "nextToken" || k === "NextToken" || k === "ResponseMetadata")) return { form: "history", list: "configurationItems" };
    return null;
  }
  // A configuration item change notification: what Config publishes to its SNS topic and to
  // EventBridge (as the event's detail, pageOf) and hands a change-triggered rule, one resource's
  // item with `configuration` an object (AWS Config Developer Guide, "Example Configuration Item
  // Change Notifications", https://docs.aws.amazon.com/config/latest/developerguide/example-sns-notification.html;
  // EventBridge Events Reference, AWS Config events, https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-config.html).
  if (v["messageType"] === "ConfigurationItemChangeNotification" && isItemLike(v["configurationItem"])) return { form: "notification", list: "configurationItem" };
  // `aws configservice get-aggregate-resource-config`: one resource's item, `{ConfigurationItem}`.
  if (isItemLike(v["ConfigurationItem"]) && Object.keys(v).every((k) => k === "ConfigurationItem" || k === "ResponseMetadata")) return { form: "aggregate-item", list: "ConfigurationItem" };
  if (Array.isArray(v["baseConfigurationItems"]) && (v["baseConfigurationItems"] as unknown[]).every(isItemLike)) return { form: "batch", list: "baseConfigurationItems" };
  if (Array.isArray(v["BaseConfigurationItems"]) && (v["BaseConfigurationItems"] as unknown[]).every(isItemLike)) return { form: "aggregate-batch", list: "BaseConfigurationItems" };
  const results = v["Results"];
  if (Array.isArray(results) && results.every((r) => typeof r === "string")) {
    // Rows are strings of JSON: the QueryInfo (or a first row with a resourceType) says it is Config's.
    if (isObject(v["QueryInfo"]) || (results.length > 0 && isSelectRow(results[0]))) return { form: "select", list: "Results" };
  }
  return null;
}

/** The pages of a Config output: one object, an array of them, or several concatenated. */
function pagesOf(values: unknown[]): Page[] | null {
  const pages: Page[] = [];
  const many = values.length > 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const base = many ? `[${i}]` : "";
    const found = pagesAt(v, base);
    if (found) pages.push(...found);
    else if (Array.isArray(v) && v.length > 0) {
      const each = v.map((p, j) => pagesAt(p, `${base}[${j}]`));
      if (each.some((p) => p === null)) return null;
      for (const p of each) pages.push(...p!);
    } else return null;
  }
  return pages.length > 0 ? pages : null;
}

/**
 * The pages at `path`: a page itself, or what a message that carries notifications holds (see
 * carriedMessages), each of which must be a page; else null.
 */
function pagesAt(v: unknown, path: string): Page[] | null {
  const page = pageOf(v, path);
  if (page) return [page];
  const carried = carriedMessages(v, path);
  if (carried === null) return null;
  const pages: Page[] = [];
  for (const m of carried) {
    const inner = pagesAt(m.value, m.path);
    if (inner === null) return null;
    pages.push(...inner);
  }
  return pages;
}

/** One page of a Config output at `path`, or an EventBridge event carrying one (its detail); else null. */
function pageOf(v: unknown, path: string): Page | null {
  const f = formOf(v);
  if (f) return { ...f, page: v as JsonObject, path };
  const notification = configChangeEventDetail(v);
  return notification ? { form: "notification", list: "configurationItem", page: notification, path: joinPath(path, "detail") } : null;
}

/** The notification an EventBridge "Config Configuration Item Change" event carries as its detail, else null. */
function configChangeEventDetail(v: unknown): JsonObject | null {
  if (!isObject(v) || v["source"] !== "aws.config" || v["detail-type"] !== "Config Configuration Item Change") return null;
  const detail = v["detail"];
  return formOf(detail)?.form === "notification" ? (detail as JsonObject) : null;
}

/** A JSON document in a string (an SNS Message, an SQS body, a rule's invokingEvent), or undefined when it is none. */
function parsedString(v: unknown): unknown {
  if (typeof v !== "string" || !v.trimStart().startsWith("{")) return undefined;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

/**
 * The messages a delivery wraps a Config notification in, each as the JSON its string holds, with
 * its path; null when `v` is none of them:
 * - an SNS message (`{Type: "Notification", TopicArn, Message: "<notification as JSON>"}`): what
 *   Config's SNS topic delivers (an HTTP/S subscriber, an SQS queue without raw message
 *   delivery, a saved message; Amazon SNS Developer Guide, "Amazon SNS message and JSON formats");
 * - the event Lambda hands a function subscribed to the topic (`Records[].Sns`, EventSource
 *   "aws:sns"), or reading an SQS queue (`Records[].body`, eventSource "aws:sqs": the SNS message,
 *   or with raw message delivery the notification itself; Lambda Developer Guide, "Using Lambda
 *   with Amazon SNS" and "… Amazon SQS");
 * - the event Config invokes a custom rule's function with (`invokingEvent`, the notification as a
 *   JSON string, beside `configRuleName`, `resultToken` …; AWS Config Developer Guide, "Example
 *   Events for AWS Config Rules",
 *   https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_develop-rules_example-events.html).
 * Before, these were "a Lambda event payload" or not an input at all, and the roles and functions
 * they carry were never audited.
 */
function carriedMessages(v: unknown, path: string): Array<{ value: unknown; path: string }> | null {
  if (!isObject(v)) return null;
  if (v["Type"] === "Notification" && typeof v["Message"] === "string" && typeof v["TopicArn"] === "string") {
    const message = parsedString(v["Message"]);
    return message === undefined ? null : [{ value: message, path: joinPath(path, "Message") }];
  }
  if (typeof v["invokingEvent"] === "string" && (typeof v["configRuleName"] === "string" || typeof v["configRuleArn"] === "string" || "resultToken" in v)) {
    const event = parsedString(v["invokingEvent"]);
    return event === undefined ? null : [{ value: event, path: joinPath(path, "invokingEvent") }];
  }
  const records = v["Records"];
  if (!Array.isArray(records) || records.length === 0) return null;
  const out: Array<{ value: unknown; path: string }> = [];
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const at = joinPath(joinPath(path, "Records"), i);
    if (isObject(r) && r["EventSource"] === "aws:sns" && isObject(r["Sns"])) out.push({ value: r["Sns"], path: joinPath(at, "Sns") });
    else if (isObject(r) && r["eventSource"] === "aws:sqs" && parsedString(r["body"]) !== undefined) out.push({ value: parsedString(r["body"]), path: joinPath(at, "body") });
    else return null;
  }
  return out;
}

/** How an oversized configuration item change notification's message starts (read-sources.ts warns it). */
export const CONFIG_OVERSIZED_NOTIFICATION = "an AWS Config oversized configuration item change notification";

/**
 * What to say of an OversizedConfigurationItemChangeNotification (bare, or an EventBridge event's
 * detail), else null: Config sends one instead of the item when the item is too large for SNS or
 * EventBridge, with only a summary (no configuration) and where in S3 it delivered the item
 * (s3DeliverySummary.s3BucketLocation; AWS Config Developer Guide, "Example Oversized
 * Configuration Item Change Notification",
 * https://docs.aws.amazon.com/config/latest/developerguide/oversized-notification-example.html).
 * An IAM role with many policies is such an item.
 */
export function oversizedConfigNotificationHint(v: unknown): string | null {
  // The same notification carried by SNS, SQS or a rule's event (carriedMessages): said alike.
  const carried = carriedMessages(v, "");
  if (carried !== null) {
    for (const m of carried) {
      const hint = oversizedConfigNotificationHint(m.value);
      if (hint !== null) return hint;
    }
    return null;
  }
  const n = isObject(v) && v["source"] === "aws.config" && isObject(v["detail"]) ? v["detail"] : v;
  if (!isObject(n) || n["messageType"] !== "OversizedConfigurationItemChangeNotification") return null;
  const summary = isObject(n["configurationItemSummary"]) ? n["configurationItemSummary"] : {};
  const what = [summary["resourceType"], summary["resourceId"]].filter((x) => typeof x === "string").join(" ");
  const delivery = isObject(n["s3DeliverySummary"]) ? n["s3DeliverySummary"]["s3BucketLocation"] : undefined;
  const where = typeof delivery === "string" ? ` to S3 (s3://${delivery})` : " to S3";
  return `${CONFIG_OVERSIZED_NOTIFICATION}${what ? ` (${what})` : ""}: it holds a summary of the item, not its configuration, which AWS Config delivered${where}: give that file, or aws configservice get-resource-config-history output for the resource`;
}

export function isAwsConfigOutput(values: unknown[]): boolean {
  return pagesOf(values) !== null;
}

function str(o: JsonObject, ...keys: string[]): string | null {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === "string" && v !== "") return v;
  }
  return null;
}

/**
 * Where JSON.parse stopped, never what it read: V8 quotes the text it could not parse ("Unexpected
 * token …, \"{…}\" is not valid JSON"), and a function's configuration holds its environment
 * variables' values, which must not reach a message.
 */
function jsonProblem(error: unknown): string {
  const at = /position (\d+)/.exec(error instanceof Error ? error.message : "");
  return at ? `invalid JSON at character ${at[1]}` : "invalid JSON";
}

/** A field that the API writes as a JSON string and a delivered file as an object. */
function objectOrJson(value: unknown, ctx: FileContext, path: string, what: string): JsonObject | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") {
    if (value.trim() === "" || value.trim() === "null") return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      ctx.fail(path, `${what} is a string that is not JSON (${jsonProblem(error)})`);
    }
    return asObject(parsed, ctx, path);
  }
  return asObject(value, ctx, path);
}

function readItem(value: unknown, path: string, order: number, ctx: FileContext): Item {
  let raw: JsonObject;
  if (typeof value === "string") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      ctx.fail(path, `a select row that is not JSON (${jsonProblem(error)})`);
    }
    raw = asObject(parsed, ctx, path);
  } else raw = asObject(value, ctx, path);
  const resourceType = str(raw, "resourceType") ?? ctx.fail(joinPath(path, "resourceType"), "resourceType is missing: select it in the query (SELECT resourceId, resourceType, accountId, awsRegion, arn, configuration, supplementaryConfiguration …)");
  const capturedText = raw["configurationItemCaptureTime"];
  const captured = normalizeTimestamp(capturedText);
  // Said of the items read only: a bucket's or a security group's time is nobody's concern here.
  if (captured === undefined && READ_TYPES.has(resourceType)) ctx.warn("invalid-timestamp", "warning", joinPath(path, "configurationItemCaptureTime"), `not a timestamp: ${JSON.stringify(capturedText).slice(0, 60)}`);
  return {
    path,
    resourceType,
    // Delivered files write ARN and awsAccountId; the API arn and accountId.
    arn: str(raw, "arn", "ARN"),
    accountId: str(raw, "accountId", "awsAccountId"),
    region: str(raw, "awsRegion"),
    resourceId: str(raw, "resourceId"),
    status: str(raw, "configurationItemStatus"),
    captured: captured ?? null,
    raw,
    order,
  };
}

/** Which resource an item is of: its ARN, else its account, region and id. */
function resourceKey(item: Item): string {
  return `${item.resourceType}\u0000${item.arn ?? `${item.accountId ?? ""}\u0000${item.region ?? ""}\u0000${item.resourceId ?? item.path}`}`;
}

/** The item captured last (a history file holds one item per change); a tie goes to the later in the file. */
function later(a: Item, b: Item): Item {
  if (a.captured !== null && b.captured !== null && a.captured !== b.captured) return a.captured > b.captured ? a : b;
  if (a.captured !== null && b.captured === null) return a;
  if (b.captured !== null && a.captured === null) return b;
  return a.order > b.order ? a : b;
}

export function readAwsConfig(input: ReaderInput): SourceFragment {
  const ctx = new FileContext(input.file);
  const fragment = emptyFragment({ path: input.file, kind: "aws-config", sha256: input.sha256, records: 0 });
  const pages = pagesOf(input.values) ?? ctx.fail("", "not an AWS Config output (configurationItems, baseConfigurationItems or select Results)");

  const items: Item[] = [];
  const otherTypes = new Map<string, number>();
  let order = 0;
  for (const { page, path, list } of pages) {
    const listPath = joinPath(path, list);
    const values = Array.isArray(page[list]) ? (page[list] as unknown[]) : [page[list]];
    values.forEach((value, i) => {
      const p = Array.isArray(page[list]) ? joinPath(listPath, i) : listPath;
      try {
        const item = readItem(value, p, order++, ctx);
        if (READ_TYPES.has(item.resourceType)) items.push(item);
        else otherTypes.set(item.resourceType, (otherTypes.get(item.resourceType) ?? 0) + 1);
      } catch (error) {
        ctx.report(error);
      }
    });
  }

  const latest = new Map<string, Item>();
  for (const item of items) {
    const key = resourceKey(item);
    const seen = latest.get(key);
    latest.set(key, seen ? later(seen, item) : item);
  }
  const current = [...latest.values()].sort((a, b) => a.order - b.order);
  const notDeployed = current.filter((i) => i.status !== null && NOT_DEPLOYED.has(i.status));
  const deployed = current.filter((i) => !(i.status !== null && NOT_DEPLOYED.has(i.status)));

  const incomplete = new Set<string>();
  const states = new Map<string, ConfigState>();
  const state = (arn: string | null, item: Item, isDeployed: boolean) => {
    if (arn !== null) states.set(arn, { arn, captured: item.captured, deployed: isDeployed });
  };
  for (const item of notDeployed) state(item.arn, item, false);
  for (const item of deployed) {
    // An item that cannot be read states nothing: an older file's state of the resource is then
    // read (the input is partial all the same).
    try {
      const arn = readDeployed(item, ctx, fragment, incomplete);
      state(item.arn, item, true);
      if (arn !== item.arn) state(arn, item, true);
    } catch (error) {
      ctx.report(error);
    }
  }
  if (states.size > 0) fragment.configStates = [...states.values()].sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));

  sayWhatWasNotRead(ctx, pages, items.length, deployed.length, notDeployed, otherTypes);
  readPagination(ctx, pages);

  // A delivered snapshot is every resource the recorder recorded in its region at one moment: when
  // it holds functions, the recorder records them there, and the region's list is whole (what
  // list-functions gives, for the rules that conclude from a function's absence). A query's or a
  // history's output may be filtered: it is no region's whole list.
  if (pages.every((p) => p.form === "delivery" && typeof p.page["configSnapshotId"] === "string") && !ctx.partial) {
    const listed = new Set(current.filter((i) => i.resourceType === FUNCTION && i.region !== null).map((i) => i.region!));
    if (listed.size > 0) fragment.listedFunctionRegions = [...listed].sort();
  }
  const regions = new Set(fragment.functions.map((f) => f.region));
  if (regions.size === 1) fragment.source.region = [...regions][0]!;
  const accounts = new Set([...fragment.roles.map((r) => r.accountId), ...fragment.principals.map((p) => p.accountId), ...fragment.functions.map((f) => f.accountId)].filter((a) => /^\d{12}$/.test(a)));
  if (accounts.size === 1) fragment.source.accountId = [...accounts][0]!;
  fragment.source.records = fragment.roles.length + fragment.principals.length + fragment.policies.length + fragment.functions.length;
  fragment.incompletePrincipals = [...incomplete].sort();
  fragment.warnings = ctx.warnings;
  fragment.partial = ctx.partial;
  return fragment;
}

/**
 * Read one deployed item with the builder of the API output its configuration mirrors, in a
 * context of its own: what that builder says in the API's names (`RolePolicyList[0]`) is said
 * at the item's path in Config's (`configuration.rolePolicyList[0]`).
 */
function readDeployed(item: Item, ctx: FileContext, fragment: SourceFragment, incomplete: Set<string>): string {
  const configPath = joinPath(item.path, "configuration");
  if (!("configuration" in item.raw)) {
    ctx.fail(item.path, `the ${item.resourceType} item has no configuration: a select query must select it (SELECT resourceId, resourceType, accountId, awsRegion, arn, configuration, supplementaryConfiguration WHERE resourceType IN ('AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::User', 'AWS::IAM::Group', 'AWS::Lambda::Function'))`);
  }
  const configuration =
    objectOrJson(item.raw["configuration"], ctx, configPath, "configuration") ??
    ctx.fail(
      configPath,
      item.status === null
        ? `the ${item.resourceType} item has no configuration, as a deleted resource's item has none; select configurationItemStatus too, so that a deleted resource is told from a damaged item`
        : `the ${item.resourceType} item has no configuration, though its status ${item.status} says the resource is recorded`,
    );
  const sub = new FileContext(ctx.file);
  try {
    if (item.resourceType === ROLE) {
      const role = readRole(roleDetail(configuration, item, sub), configPath, sub, incomplete);
      role.source = { ...role.source!, address: configName(role.source!.address ?? configPath, configPath) };
      for (const p of role.inlinePolicies) if (p.source) p.source = { ...p.source, address: configName(p.source.address ?? "", configPath) };
      fragment.roles.push(role);
      return role.arn;
    } else if (item.resourceType === USER || item.resourceType === GROUP) {
      const principal = item.resourceType === USER ? readUser(userDetail(configuration, item), configPath, sub, incomplete) : readGroup(groupDetail(configuration, item), configPath, sub, incomplete);
      principal.source = { ...principal.source!, address: configName(principal.source!.address ?? configPath, configPath) };
      for (const p of principal.inlinePolicies) if (p.source) p.source = { ...p.source, address: configName(p.source.address ?? "", configPath) };
      fragment.principals.push(principal);
      return principal.arn;
    } else if (item.resourceType === POLICY) {
      const policy = readManagedPolicy(policyDetail(configuration, item), configPath, sub);
      fragment.policies.push(policy);
      return policy.arn;
    } else {
      const tags = itemTags(item, sub);
      const { fn } = readConfiguration(functionConfiguration(configuration, item), configPath, sub, tags);
      fragment.functions.push(fn);
      // A resource policy that cannot be read leaves the function read without it (said, partial).
      let policy: ReturnType<typeof resourcePolicy> = null;
      try {
        policy = resourcePolicy(item, sub);
      } catch (error) {
        sub.report(error);
      }
      if (policy !== null) {
        fragment.functionPatches.push({
          functionArn: fn.arn,
          functionName: fn.name,
          region: fn.region,
          qualifier: null,
          patch: { resourcePolicy: policy.document, resourcePolicyStatementSources: policy.document.Statement.map((_, i) => ({ file: ctx.file, line: null, address: joinPath(joinPath(policy.path, "Statement"), i) })) },
          path: policy.path,
        });
      }
      return fn.arn;
    }
  } catch (error) {
    if (error instanceof LeastroleError && error.path !== undefined) {
      const options: { file: string; path: string } = { file: error.file ?? ctx.file, path: configName(error.path, configPath) };
      throw error.code === "policy-parse" ? new PolicyParseError(error.message, options) : new InputError(error.message, options);
    }
    throw error;
  } finally {
    for (const w of sub.warnings) ctx.warnings.push(w.path !== undefined ? { ...w, path: configName(w.path, configPath) } : w);
    if (sub.partial) ctx.partial = true;
  }
}

/** `…configuration.RolePolicyList[0].PolicyDocument` as Config names it: `…configuration.rolePolicyList[0].policyDocument`. */
function configName(path: string, configPath: string): string {
  if (!path.startsWith(configPath)) return path;
  const rest = path.slice(configPath.length).replace(/\.(KMSKeyArn)\b/g, ".kmskeyArn").replace(/\.([A-Z])/g, (_, c: string) => `.${c.toLowerCase()}`);
  return configPath + rest;
}

function list(v: unknown, map: (o: JsonObject) => JsonObject): unknown {
  // Anything but a list of objects is passed on as it is: the builder says what is wrong with it.
  return Array.isArray(v) ? v.map((e) => (isObject(e) ? map(e) : e)) : v;
}

function defined(o: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/**
 * The item's tags: a map in delivered files and the API's items, a list of `{key, value, tag}` in
 * a select query's rows (the advanced query's `tags.key`, `tags.value`).
 */
function itemTags(item: Item, ctx: FileContext): { [key: string]: string } {
  const tags = item.raw["tags"];
  const path = joinPath(item.path, "tags");
  if (Array.isArray(tags)) {
    return tagsFromList(tags.map((t) => (isObject(t) ? { Key: t["key"], Value: t["value"] } : t)), ctx, path);
  }
  return tagsFromMap(isObject(tags) ? tags : null, ctx, path);
}

/** An inline policy of a role, user or group ({policyName, policyDocument}) as the IAM export writes it. */
const inlinePolicyDetail = (p: JsonObject): JsonObject => ({ PolicyName: p["policyName"], PolicyDocument: p["policyDocument"] });

/** A tag ({key, value}) as the IAM export writes it. */
const tagDetail = (t: JsonObject): JsonObject => ({ Key: t["key"], Value: t["value"] });

/** An entity's attached managed policies ([{policyName, policyArn}]) as the IAM export writes them. */
function attachedPolicies(c: JsonObject): unknown {
  return list(c["attachedManagedPolicies"], (p) => ({ PolicyName: p["policyName"], PolicyArn: p["policyArn"] }));
}

/** A permissions boundary: an object {permissionsBoundaryType, permissionsBoundaryArn}; some writers give the ARN alone. */
function boundaryDetail(boundary: unknown): unknown {
  if (isObject(boundary)) return { PermissionsBoundaryArn: boundary["permissionsBoundaryArn"], PermissionsBoundaryType: boundary["permissionsBoundaryType"] };
  return typeof boundary === "string" ? { PermissionsBoundaryArn: boundary } : (boundary ?? undefined);
}

/** A role's configuration as get-account-authorization-details' RoleDetail (awslabs/aws-config-resource-schema AWS::IAM::Role). */
function roleDetail(c: JsonObject, item: Item, ctx: FileContext): JsonObject {
  // Config writes a role's tags in its configuration ([{key, value}]) and as the item's tags map.
  const tags = Array.isArray(c["tags"])
    ? list(c["tags"], tagDetail)
    : Object.entries(itemTags(item, ctx)).map(([Key, Value]) => ({ Key, Value }));
  const lastUsed = c["roleLastUsed"];
  return defined({
    Arn: c["arn"] ?? item.arn ?? undefined,
    RoleName: c["roleName"] ?? undefined,
    RoleId: c["roleId"] ?? undefined,
    Path: c["path"] ?? undefined,
    CreateDate: c["createDate"] ?? undefined,
    AssumeRolePolicyDocument: c["assumeRolePolicyDocument"] ?? undefined,
    RolePolicyList: list(c["rolePolicyList"], inlinePolicyDetail),
    AttachedManagedPolicies: attachedPolicies(c),
    PermissionsBoundary: boundaryDetail(c["permissionsBoundary"]),
    Tags: tags,
    RoleLastUsed: isObject(lastUsed) ? { LastUsedDate: lastUsed["lastUsedDate"], Region: lastUsed["region"] } : undefined,
  });
}

/** A user's configuration as get-account-authorization-details' UserDetail (AWS::IAM::User). */
function userDetail(c: JsonObject, item: Item): JsonObject {
  return defined({
    Arn: c["arn"] ?? item.arn ?? undefined,
    UserName: c["userName"] ?? undefined,
    UserId: c["userId"] ?? undefined,
    Path: c["path"] ?? undefined,
    GroupList: c["groupList"] ?? undefined,
    UserPolicyList: list(c["userPolicyList"], inlinePolicyDetail),
    AttachedManagedPolicies: attachedPolicies(c),
    PermissionsBoundary: boundaryDetail(c["permissionsBoundary"]),
    Tags: Array.isArray(c["tags"]) ? list(c["tags"], tagDetail) : undefined,
  });
}

/** A group's configuration as a GroupDetail (AWS::IAM::Group). */
function groupDetail(c: JsonObject, item: Item): JsonObject {
  return defined({
    Arn: c["arn"] ?? item.arn ?? undefined,
    GroupName: c["groupName"] ?? undefined,
    GroupId: c["groupId"] ?? undefined,
    Path: c["path"] ?? undefined,
    GroupPolicyList: list(c["groupPolicyList"], inlinePolicyDetail),
    AttachedManagedPolicies: attachedPolicies(c),
  });
}

/** A customer managed policy's configuration as a ManagedPolicyDetail (AWS::IAM::Policy). */
function policyDetail(c: JsonObject, item: Item): JsonObject {
  return defined({
    Arn: c["arn"] ?? item.arn ?? undefined,
    PolicyName: c["policyName"] ?? undefined,
    PolicyId: c["policyId"] ?? undefined,
    Path: c["path"] ?? undefined,
    DefaultVersionId: c["defaultVersionId"] ?? undefined,
    AttachmentCount: c["attachmentCount"] ?? undefined,
    PolicyVersionList: list(c["policyVersionList"], (v) => defined({ Document: v["document"], VersionId: v["versionId"], IsDefaultVersion: v["isDefaultVersion"], CreateDate: v["createDate"] })),
  });
}

/**
 * A function's configuration as Lambda's FunctionConfiguration (AWS::Lambda::Function). The
 * environment's values are replaced by "" before the function reader sees them: only the names
 * are kept (as by every reader), and the values are never copied.
 */
function functionConfiguration(c: JsonObject, item: Item): JsonObject {
  const vpc = c["vpcConfig"];
  const tracing = c["tracingConfig"];
  const dlq = c["deadLetterConfig"];
  const logging = c["loggingConfig"];
  const env = c["environment"];
  const variables = isObject(env) ? env["variables"] : undefined;
  return defined({
    FunctionName: c["functionName"] ?? undefined,
    FunctionArn: c["functionArn"] ?? item.arn ?? undefined,
    Runtime: c["runtime"] ?? undefined,
    Role: c["role"] ?? undefined,
    Handler: c["handler"] ?? undefined,
    Version: c["version"] ?? undefined,
    PackageType: c["packageType"] ?? undefined,
    LastModified: c["lastModified"] ?? undefined,
    VpcConfig: isObject(vpc) ? defined({ SubnetIds: vpc["subnetIds"], SecurityGroupIds: vpc["securityGroupIds"], VpcId: vpc["vpcId"] }) : (vpc ?? undefined),
    TracingConfig: isObject(tracing) ? { Mode: tracing["mode"] } : (tracing ?? undefined),
    Environment: isObject(env) ? { Variables: isObject(variables) ? Object.fromEntries(Object.keys(variables).map((k) => [k, ""])) : variables } : (env ?? undefined),
    // Config names it kmskeyArn (the resource schema); kmsKeyArn accepted too.
    KMSKeyArn: c["kmskeyArn"] ?? c["kmsKeyArn"] ?? undefined,
    DeadLetterConfig: isObject(dlq) ? { TargetArn: dlq["targetArn"] } : (dlq ?? undefined),
    LoggingConfig: isObject(logging) ? defined({ LogGroup: logging["logGroup"], LogFormat: logging["logFormat"] }) : (logging ?? undefined),
    Layers: list(c["layers"], (l) => ({ Arn: l["arn"] })),
    FileSystemConfigs: list(c["fileSystemConfigs"], (f) => ({ Arn: f["arn"], LocalMountPath: f["localMountPath"] })),
    DurableConfig: c["durableConfig"] ?? undefined,
  });
}

/** The function's resource-based policy: supplementaryConfiguration.Policy, a JSON string (or object). */
function resourcePolicy(item: Item, ctx: FileContext): { document: ReturnType<typeof parsePolicyDocument>; path: string } | null {
  const supPath = joinPath(item.path, "supplementaryConfiguration");
  const sup = objectOrJson(item.raw["supplementaryConfiguration"], ctx, supPath, "supplementaryConfiguration");
  if (sup === null || sup["Policy"] === undefined || sup["Policy"] === null || sup["Policy"] === "") return null;
  const path = joinPath(supPath, "Policy");
  return { document: parsePolicyDocument(sup["Policy"], { file: ctx.file, path }), path };
}

function sayWhatWasNotRead(ctx: FileContext, pages: Page[], read: number, deployed: number, notDeployed: Item[], otherTypes: Map<string, number>): void {
  if (notDeployed.length > 0) {
    const counts = countBy(notDeployed.map((i) => `${i.resourceType} ${i.status}`));
    const only = deployed === 0;
    ctx.warn(
      "config-resources-not-deployed",
      only ? "warning" : "info",
      "",
      `${only ? "every" : `${notDeployed.length} of the`} IAM or Lambda function item${only && notDeployed.length === 1 ? "" : "s"} of this AWS Config output (its last state of each resource) ${only ? "says" : "say"} the resource is not deployed (${counts}): not read as deployed${only ? "; the file holds no deployed IAM resource or function" : ""}`,
    );
  }
  for (const [type, call] of Object.entries(NOT_READ_LAMBDA)) {
    const n = otherTypes.get(type);
    if (n) ctx.warn("config-type-not-read", "info", "", `${n} ${type} item${n === 1 ? "" : "s"} not read: leastrole reads them from ${call}; without it the functions' ${type === "AWS::Lambda::EventSourceMapping" ? "triggers" : type === "AWS::Lambda::Url" ? "URLs" : type === "AWS::Lambda::Alias" ? "aliases" : "layer policies"} are not known`);
  }
  if (read === 0 && notDeployed.length === 0) {
    const others = [...otherTypes.values()].reduce((a, b) => a + b, 0);
    const selectOnly = pages.every((p) => p.form === "select");
    ctx.warn(
      "config-no-resources",
      "info",
      "",
      `no AWS::IAM::Role, Policy, User or Group and no AWS::Lambda::Function item in this AWS Config output${others > 0 ? ` (${others} item${others === 1 ? "" : "s"} of other types)` : ""}${selectOnly ? "" : ": is the recorder recording these types?"}`,
    );
  }
}

function countBy(keys: string[]): string {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, n]) => `${n} ${k}`).join(", ");
}

/**
 * Whether records are missing: the last page's token (the AWS CLI fetches every page of a select
 * or history output unless --max-items cuts it, and then writes NextToken), and the resources a
 * batch get did not process.
 */
function readPagination(ctx: FileContext, pages: Page[]): void {
  for (const { form, page, path } of pages) {
    if (form !== "batch" && form !== "aggregate-batch") continue;
    const key = form === "batch" ? "unprocessedResourceKeys" : "UnprocessedResourceIdentifiers";
    const unprocessed = page[key];
    if (Array.isArray(unprocessed) && unprocessed.length > 0) {
      const names = unprocessed.slice(0, 5).map((k) => (isObject(k) ? String(k["resourceId"] ?? k["ResourceId"] ?? "?") : String(k)));
      ctx.warn(
        "config-unprocessed-resources",
        "error",
        joinPath(path, key),
        `AWS Config did not return ${unprocessed.length} of the resources asked for (${names.join(", ")}${unprocessed.length > 5 ? ", …" : ""}): they are missing from this input; ask for them again (aws configservice ${form === "batch" ? "batch-get-resource-config" : "batch-get-aggregate-resource-config"} with the same keys)`,
      );
    }
  }
  const last = pages[pages.length - 1]!;
  if (last.form !== "select" && last.form !== "history") return;
  const tokenKey = typeof last.page["NextToken"] === "string" ? "NextToken" : "nextToken";
  const token = last.page[tokenKey];
  if (typeof token === "string" && token !== "") {
    ctx.warn(
      "truncated-pagination",
      "error",
      joinPath(last.path, tokenKey),
      `the last page says more follow (${tokenKey}), and this file does not hold them: records may be missing; run the ${last.form === "select" ? "query" : "history"} without --max-items (the AWS CLI then fetches every page), or give every page in one file`,
    );
  }
}
