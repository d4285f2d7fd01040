/**
 * The part of the SAM transform (AWS::Serverless-2016-10-31) that decides a function's
 * permissions, done the way the SAM translator does it (aws/serverless-application-model,
 * samtranslator/model/sam_resources.py, role_utils.py, eventsources/*, policy_template_processor):
 * an AWS::Serverless::Function becomes an AWS::Lambda::Function plus, unless `Role` is given, a
 * role `<LogicalId>Role` with AWSLambdaBasicExecutionRole, X-Ray / VPC / event-source managed
 * policies, one inline policy `<Role>Policy<i>` per policy document or template, the DLQ and
 * event-invoke destination policies; plus event source mappings, permissions and the URL. A
 * capacity provider, network connector or web function becomes its Lambda resource (a web function
 * its revision) and, unless its role is given, the role SAM makes for it.
 * Output stays in CloudFormation's intrinsic form, so the conformance test can compare it with
 * the translator's own output, and the CloudFormation reader reads both the same way.
 */

import { own } from "../../collections.js";
import templatesData from "./sam-policy-templates.json" with { type: "json" };
import managedPolicyNames from "./aws-managed-policy-names.json" with { type: "json" };
import { childPath } from "./located.js";
import { clone, isRecord } from "./lambda-shapes.js";
import { expandConnectors } from "./sam-connectors.js";

export interface SamResource {
  Type: string;
  Properties: Record<string, unknown>;
  Condition?: unknown;
  /** Template path this resource (or the part of the function it comes from) was written at. */
  sourcePath: string;
  /** For generated roles: the template path of each inline policy's origin, by policy name. */
  policySourcePaths?: Record<string, string>;
  /** For generated event source mappings: the kind the SAM event type says (its ARN may be a parameter). */
  triggerKind?: "sqs" | "kinesis" | "dynamodb" | "kafka" | "mq" | "self-managed-kafka" | "docdb";
  /** A SAM pull event's SecretsManagerKmsKeyId, which CloudFormation's mapping has no property for. */
  secretKmsKeyId?: unknown;
  /**
   * For roles the transform makes: the logical ID of the AWS::Serverless resource it makes them
   * from; for the resources a connector makes, the connector's (`<Resource><Name>` for an
   * embedded one). SourceLocation.samMadeFrom (of roles and managed policies).
   */
  madeFrom?: string;
}

const EVENT_TRIGGER_KIND: Record<string, NonNullable<SamResource["triggerKind"]>> = {
  SQS: "sqs",
  Kinesis: "kinesis",
  DynamoDB: "dynamodb",
  MSK: "kafka",
  MQ: "mq",
  SelfManagedKafka: "self-managed-kafka",
  DocumentDB: "docdb",
};

export interface SamWarning {
  code: string;
  message: string;
  path: string;
  /** Default `warning`; `info` for what concerns no Lambda execution role. */
  severity?: "info" | "warning";
}

interface PolicyTemplate {
  Parameters: Record<string, unknown>;
  Definition: Record<string, unknown>;
}

const TEMPLATES = (templatesData as { Templates: Record<string, PolicyTemplate> }).Templates;
const MANAGED_NAMES = managedPolicyNames as Record<string, string>;

export const SAM_TRANSFORM = "AWS::Serverless-2016-10-31";

export function isSamTemplate(template: Record<string, unknown>): boolean {
  const t = template.Transform;
  if (t === SAM_TRANSFORM || (Array.isArray(t) && t.includes(SAM_TRANSFORM))) return true;
  const resources = template.Resources;
  return isRecord(resources) && Object.values(resources).some((r) => isRecord(r) && typeof r.Type === "string" && r.Type.startsWith("AWS::Serverless::"));
}

/** The names of all SAM policy templates (81 in the shipped data). */
export function samPolicyTemplateNames(): string[] {
  return Object.keys(TEMPLATES).sort();
}

function managedArn(partition: string, name: string): string {
  return `arn:${partition}:iam::aws:policy/${name}`;
}

const PULL_MANAGED_POLICY: Record<string, string> = {
  SQS: "service-role/AWSLambdaSQSQueueExecutionRole",
  Kinesis: "service-role/AWSLambdaKinesisExecutionRole",
  DynamoDB: "service-role/AWSLambdaDynamoDBExecutionRole",
  MSK: "service-role/AWSLambdaMSKExecutionRole",
};

const PUSH_PRINCIPAL: Record<string, string> = {
  S3: "s3.amazonaws.com",
  SNS: "sns.amazonaws.com",
  Api: "apigateway.amazonaws.com",
  HttpApi: "apigateway.amazonaws.com",
  Schedule: "events.amazonaws.com",
  CloudWatchEvent: "events.amazonaws.com",
  EventBridgeRule: "events.amazonaws.com",
  IoTRule: "iot.amazonaws.com",
  Cognito: "cognito-idp.amazonaws.com",
  AlexaSkill: "alexa-appkit.amazon.com",
};

const DESTINATION_ACTION: Record<string, string> = {
  SQS: "sqs:SendMessage",
  SNS: "sns:publish",
  Lambda: "lambda:InvokeFunction",
  EventBridge: "events:PutEvents",
  S3Bucket: "s3:PutObject",
};

/** SAM Globals merge: maps merged key by key, lists concatenated (globals first), scalars overridden. */
function mergeGlobals(global: unknown, local: unknown): unknown {
  if (local === undefined) return clone(global);
  if (isRecord(global) && isRecord(local) && !isIntrinsic(global) && !isIntrinsic(local)) {
    const out: Record<string, unknown> = clone(global);
    for (const [k, v] of Object.entries(local)) out[k] = mergeGlobals(out[k], v);
    return out;
  }
  if (Array.isArray(global) && Array.isArray(local)) return [...clone(global), ...local];
  return local;
}

function isIntrinsic(v: unknown): v is Record<string, unknown> {
  if (!isRecord(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && (keys[0] === "Ref" || (keys[0] ?? "").startsWith("Fn::"));
}

/**
 * Expand the SAM resources of a template into CloudFormation resources. Non-SAM resources are
 * returned unchanged (with their template path).
 */
export function expandSam(
  template: Record<string, unknown>,
  partition: string,
  parameters: Record<string, unknown> = {},
  decide: (condition: string) => boolean | undefined = () => undefined,
): { resources: Record<string, SamResource>; warnings: SamWarning[] } {
  const warnings: SamWarning[] = [];
  // No prototype: a logical ID or a Ref named `constructor` finds no resource.
  const out = Object.create(null) as Record<string, SamResource>;
  const resources = isRecord(template.Resources) ? template.Resources : {};
  const globals = isRecord(template.Globals) && isRecord(template.Globals.Function) ? template.Globals.Function : {};

  for (const [id, raw] of Object.entries(resources)) {
    if (!isRecord(raw) || typeof raw.Type !== "string") continue;
    const path = childPath("Resources", id);
    const base: SamResource = { Type: raw.Type, Properties: isRecord(raw.Properties) ? raw.Properties : {}, sourcePath: path };
    if (raw.Condition !== undefined) base.Condition = raw.Condition;
    if (raw.Type === "AWS::Serverless::Function") {
      const props: Record<string, unknown> = {};
      const local = base.Properties;
      for (const k of new Set([...Object.keys(globals), ...Object.keys(local)])) {
        const v = mergeGlobals(globals[k], local[k]);
        if (v !== undefined) props[k] = v;
      }
      // SAM takes `AutoPublishAlias: !Ref Stage`, a template parameter, as that parameter's value.
      const alias = props.AutoPublishAlias;
      if (isRecord(alias) && typeof alias.Ref === "string") {
        const value = own(parameters, alias.Ref);
        if (typeof value === "string" && value !== "") props.AutoPublishAlias = value;
        else warnings.push({ code: "sam-alias-unknown", message: `${id}: AutoPublishAlias is the parameter ${alias.Ref}, which has no value here (give --parameter ${alias.Ref}=<alias>); its event sources, URL and permissions are read as the unqualified function's`, path: childPath(childPath(path, "Properties"), "AutoPublishAlias") });
      }
      // `Role: !If [HasRole, <arn>, !Ref AWS::NoValue]` with the condition decided false: no
      // Role, so SAM makes the role from Policies (serverless-application-model#3842).
      const role = props.Role;
      if (isRecord(role) && Object.keys(role).length === 1 && Array.isArray(role["Fn::If"]) && typeof role["Fn::If"][0] === "string") {
        const decided = decide(role["Fn::If"][0]);
        const chosen: unknown = decided === undefined ? role : role["Fn::If"][decided ? 1 : 2];
        if (isRecord(chosen) && chosen.Ref === "AWS::NoValue") delete props.Role;
        else if (decided !== undefined) props.Role = chosen;
      }
      const before = base.Condition !== undefined ? new Set(Object.keys(out)) : null;
      expandFunction(id, props, base, out, warnings, partition);
      // Everything SAM generates for a conditional function carries the function's condition.
      if (before) for (const k of Object.keys(out)) if (!before.has(k)) (out[k] as SamResource).Condition = base.Condition;
    } else if (raw.Type === "AWS::Serverless::Api" || raw.Type === "AWS::Serverless::HttpApi") {
      out[id] = base;
      const kind = raw.Type === "AWS::Serverless::Api" ? "Api" : "HttpApi";
      const auth = mergeGlobals(apiGlobals(template, kind).Auth, base.Properties.Auth);
      authorizerPermissions(id, kind, auth, childPath(childPath(path, "Properties"), "Auth"), base.Condition, out);
    } else if (raw.Type === "AWS::Serverless::Connector") {
      // Expanded below, once every other resource is (expandConnectors).
    } else if (raw.Type === "AWS::Serverless::SimpleTable") {
      out[id] = { ...base, Type: "AWS::DynamoDB::Table" };
    } else if (own(OPERATED, raw.Type) !== undefined) {
      expandOperated(id, OPERATED[raw.Type] as Operated, base, out, partition);
    } else {
      out[id] = base;
    }
  }
  // The APIs SAM makes for events that name none (ServerlessRestApi, ServerlessHttpApi) take
  // their authorizers from the Globals.
  const implicitApis: string[] = [];
  for (const [kind, implicit] of [["Api", "ServerlessRestApi"], ["HttpApi", "ServerlessHttpApi"]] as const) {
    if (out[implicit] !== undefined || !usesImplicitApi(resources, kind)) continue;
    implicitApis.push(implicit);
    authorizerPermissions(implicit, kind, apiGlobals(template, kind).Auth, childPath(childPath("Globals", kind), "Auth"), undefined, out);
  }
  // The translator expands connectors last, over the CloudFormation resources made of the others
  // (a function's connector reaches the role SAM makes for it). Before, they were only warned
  // about: the audit missed what they grant, and reported the fragment partial.
  expandConnectors(resources, out, warnings, implicitApis);
  return { resources: out, warnings };
}

function apiGlobals(template: Record<string, unknown>, kind: "Api" | "HttpApi"): Record<string, unknown> {
  const g = isRecord(template.Globals) ? template.Globals[kind] : undefined;
  return isRecord(g) ? g : {};
}

/** Whether a function has an event of this API type that names no API (SAM then makes one). */
function usesImplicitApi(resources: Record<string, unknown>, kind: "Api" | "HttpApi"): boolean {
  return Object.values(resources).some((r) => {
    if (!isRecord(r) || r.Type !== "AWS::Serverless::Function" || !isRecord(r.Properties) || !isRecord(r.Properties.Events)) return false;
    return Object.values(r.Properties.Events).some((ev) => {
      if (!isRecord(ev) || ev.Type !== kind) return false;
      const ep = isRecord(ev.Properties) ? ev.Properties : {};
      return (kind === "Api" ? ep.RestApiId : ep.ApiId) === undefined;
    });
  });
}

/**
 * The permission SAM gives API Gateway to call each Lambda authorizer of an API,
 * `<Api><Name>AuthorizerPermission` on `execute-api:…:<api>/authorizers/*` (samtranslator's
 * api_generator and http_api_generator, `_construct_authorizer_lambda_permission`): for a REST
 * API unless `DisableFunctionDefaultPermissions`, for an HTTP API only with
 * `EnableFunctionDefaultPermissions: true`.
 */
function authorizerPermissions(apiId: string, kind: "Api" | "HttpApi", auth: unknown, authPath: string, condition: unknown, out: Record<string, SamResource>): void {
  if (!isRecord(auth) || !isRecord(auth.Authorizers)) return;
  for (const [name, a] of Object.entries(auth.Authorizers)) {
    if (!isRecord(a) || a.FunctionArn === undefined) continue;
    const on = kind === "Api" ? !isTrue(a.DisableFunctionDefaultPermissions) : isTrue(a.EnableFunctionDefaultPermissions);
    if (!on) continue;
    out[`${apiId}${name}AuthorizerPermission`] = {
      Type: "AWS::Lambda::Permission",
      Properties: {
        Action: "lambda:InvokeFunction",
        FunctionName: a.FunctionArn,
        Principal: "apigateway.amazonaws.com",
        SourceArn: { "Fn::Sub": ["arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/authorizers/*", { __ApiId__: { Ref: apiId } }] },
      },
      sourcePath: childPath(childPath(authPath, "Authorizers"), name),
      ...(condition !== undefined ? { Condition: condition } : {}),
    };
  }
}

const isTrue = (v: unknown): boolean => v === true || v === "true";

/**
 * SAM resources that Lambda runs with a role, and what they become: the Lambda resource (with its
 * name and role only: nothing else of it is read), and unless the role is given (`OperatorRole`,
 * a web function's `ExecutionRoleArn`) a role `<LogicalId>OperatorRole` (`<LogicalId>Role`) that trusts
 * lambda.amazonaws.com with the AWS managed policy made for it (SAM developer guide, "Generated
 * CloudFormation resources" for AWS::Serverless::CapacityProvider and ::NetworkConnector).
 */
interface Operated {
  type: string;
  /** The Lambda resource's logical ID suffix (a web function's revision is `<Id>Revision`). */
  idSuffix: string;
  /** The Lambda resource's name property, from SAM's property of the same meaning. */
  name: [sam: string, cfn: string];
  /** SAM's property naming the role, and the generated role's logical ID suffix when it is absent. */
  roleParam: string;
  roleSuffix: string;
  /** Where the Lambda resource holds the role's ARN. */
  roleProperty: (arn: unknown) => Record<string, unknown>;
  managedPolicy: string;
}

const OPERATED: Record<string, Operated> = {
  "AWS::Serverless::CapacityProvider": {
    type: "AWS::Lambda::CapacityProvider",
    idSuffix: "",
    name: ["CapacityProviderName", "CapacityProviderName"],
    roleParam: "OperatorRole",
    roleSuffix: "OperatorRole",
    roleProperty: (arn) => ({ PermissionsConfig: { CapacityProviderOperatorRoleArn: arn } }),
    managedPolicy: "AWSLambdaManagedEC2ResourceOperator",
  },
  "AWS::Serverless::NetworkConnector": {
    type: "AWS::Lambda::NetworkConnector",
    idSuffix: "",
    name: ["Name", "Name"],
    roleParam: "OperatorRole",
    roleSuffix: "OperatorRole",
    roleProperty: (arn) => ({ OperatorRole: arn }),
    managedPolicy: "AWSLambdaNetworkConnectorOperatorPolicy",
  },
  // A web function's code runs with this role; the web function itself is not read as a function.
  "AWS::Serverless::WebFunction": {
    type: "AWS::Lambda::WebFunctionRevision",
    idSuffix: "Revision",
    name: ["FunctionName", "FunctionName"],
    roleParam: "ExecutionRoleArn",
    roleSuffix: "Role",
    roleProperty: (arn) => ({ ServiceConfig: { ExecutionRoleArn: arn } }),
    managedPolicy: "service-role/AWSLambdaBasicExecutionRole",
  },
};

function expandOperated(id: string, spec: Operated, base: SamResource, out: Record<string, SamResource>, partition: string): void {
  const p = base.Properties;
  const roleId = `${id}${spec.roleSuffix}`;
  const given = p[spec.roleParam];
  const props: Record<string, unknown> = { ...spec.roleProperty(given ?? { "Fn::GetAtt": [roleId, "Arn"] }) };
  if (p[spec.name[0]] !== undefined) props[spec.name[1]] = p[spec.name[0]];
  out[`${id}${spec.idSuffix}`] = { ...base, Type: spec.type, Properties: props };
  if (given !== undefined) return;
  out[roleId] = {
    Type: "AWS::IAM::Role",
    Properties: {
      AssumeRolePolicyDocument: {
        Version: "2012-10-17",
        Statement: [{ Action: ["sts:AssumeRole"], Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] } }],
      },
      ManagedPolicyArns: [managedArn(partition, spec.managedPolicy)],
    },
    sourcePath: base.sourcePath,
    madeFrom: id,
    ...(base.Condition !== undefined ? { Condition: base.Condition } : {}),
  };
}

function expandFunction(
  id: string,
  p: Record<string, unknown>,
  base: SamResource,
  out: Record<string, SamResource>,
  warnings: SamWarning[],
  partition: string,
): void {
  const path = base.sourcePath;
  const propsPath = childPath(path, "Properties");
  const fnRef = { Ref: id };
  const hasRole = p.Role !== undefined;
  const roleId = `${id}Role`;

  const fn: Record<string, unknown> = {};
  const copy = ["FunctionName", "Runtime", "Handler", "PackageType", "VpcConfig", "Environment", "KmsKeyArn", "Layers", "Architectures", "LoggingConfig", "FileSystemConfigs", "MemorySize", "Timeout", "Description", "DurableConfig"];
  for (const k of copy) if (p[k] !== undefined) fn[k] = p[k];
  fn.Role = hasRole ? p.Role : { "Fn::GetAtt": [roleId, "Arn"] };
  if (p.Tracing !== undefined) fn.TracingConfig = { Mode: p.Tracing };
  if (isRecord(p.DeadLetterQueue)) fn.DeadLetterConfig = { TargetArn: p.DeadLetterQueue.TargetArn };
  const tags: { Key: string; Value: unknown }[] = [{ Key: "lambda:createdBy", Value: "SAM" }];
  if (isRecord(p.Tags)) for (const [k, v] of Object.entries(p.Tags)) tags.push({ Key: k, Value: v });
  fn.Tags = tags;
  out[id] = { Type: "AWS::Lambda::Function", Properties: fn, sourcePath: path, ...(base.Condition !== undefined ? { Condition: base.Condition } : {}) };
  // AutoPublishAlias: event sources and permissions target the alias `<Id>Alias<Name>`.
  let aliasRef: { Ref: string } | undefined;
  if (typeof p.AutoPublishAlias === "string") {
    const aliasId = `${id}Alias${p.AutoPublishAlias}`;
    out[aliasId] = { Type: "AWS::Lambda::Alias", Properties: { FunctionName: fnRef, Name: p.AutoPublishAlias }, sourcePath: childPath(propsPath, "AutoPublishAlias") };
    aliasRef = { Ref: aliasId };
  }

  // ---- role (role_utils.construct_role_for_resource and SamFunction._construct_role)
  // A durable function's role gets the basic policy with the checkpoint actions instead
  // (samtranslator SamFunction._construct_role, aws/serverless-application-model#3854).
  const managed: unknown[] = [managedArn(partition, p.DurableConfig !== undefined ? "service-role/AWSLambdaBasicDurableExecutionRolePolicy" : "service-role/AWSLambdaBasicExecutionRole")];
  const policies: unknown[] = [];
  const policySourcePaths: Record<string, string> = {};
  if (p.Tracing !== undefined) managed.push(managedArn(partition, "AWSXrayWriteOnlyAccess"));
  if (p.VpcConfig !== undefined) managed.push(managedArn(partition, "service-role/AWSLambdaVPCAccessExecutionRole"));
  if (isRecord(p.DeadLetterQueue)) {
    const action = p.DeadLetterQueue.Type === "SNS" ? "sns:Publish" : "sqs:SendMessage";
    policies.push({ PolicyName: "DeadLetterQueuePolicy", PolicyDocument: { Version: "2012-10-17", Statement: [{ Action: action, Effect: "Allow", Resource: p.DeadLetterQueue.TargetArn }] } });
    policySourcePaths.DeadLetterQueuePolicy = childPath(propsPath, "DeadLetterQueue");
  }
  // Event invoke config: the resource, and one inline policy per destination.
  if (isRecord(p.EventInvokeConfig)) {
    const eic = p.EventInvokeConfig;
    const eicPath = childPath(propsPath, "EventInvokeConfig");
    const dc = isRecord(eic.DestinationConfig) ? eic.DestinationConfig : undefined;
    const destConfig: Record<string, unknown> = {};
    for (const when of ["OnSuccess", "OnFailure"] as const) {
      const d = dc?.[when];
      if (!isRecord(d)) continue;
      const type = typeof d.Type === "string" ? d.Type : "";
      let dest = d.Destination;
      const noValue = (x: unknown): boolean => isRecord(x) && x.Ref === "AWS::NoValue";
      const iff = isRecord(dest) && Array.isArray(dest["Fn::If"]) && dest["Fn::If"].length === 3 ? (dest["Fn::If"] as unknown[]) : undefined;
      if (iff && (type === "SQS" || type === "SNS") && (noValue(iff[1]) || noValue(iff[2]))) {
        // SAM creates the queue / topic for the branch that has no destination (under a condition).
        const gen = `${id}EventInvokeConfig${when}${type === "SQS" ? "Queue" : "Topic"}`;
        out[gen] = { Type: type === "SQS" ? "AWS::SQS::Queue" : "AWS::SNS::Topic", Properties: {}, sourcePath: childPath(childPath(childPath(eicPath, "DestinationConfig"), when), "Destination") };
        const ref = type === "SQS" ? { "Fn::GetAtt": [gen, "Arn"] } : { Ref: gen };
        dest = { "Fn::If": [iff[0], noValue(iff[1]) ? ref : iff[1], noValue(iff[2]) ? ref : iff[2]] };
      } else if (dest === undefined && (type === "SQS" || type === "SNS")) {
        // SAM creates the queue / topic when no destination is given.
        const gen = `${id}EventInvokeConfig${when}${type === "SQS" ? "Queue" : "Topic"}`;
        out[gen] = { Type: type === "SQS" ? "AWS::SQS::Queue" : "AWS::SNS::Topic", Properties: {}, sourcePath: childPath(childPath(childPath(eicPath, "DestinationConfig"), when), "Type") };
        dest = type === "SQS" ? { "Fn::GetAtt": [gen, "Arn"] } : { Ref: gen };
      }
      destConfig[when] = { Destination: dest };
      const action = own(DESTINATION_ACTION, type);
      if (action && !hasRole) {
        const name = `${id}EventInvokeConfig${when}${type}Policy`;
        const resource = type === "S3Bucket" ? { "Fn::Sub": ["${Bucket}/*", { Bucket: dest }] } : dest;
        policies.push({ PolicyName: name, PolicyDocument: { Statement: [{ Action: action, Effect: "Allow", Resource: resource }] } });
        policySourcePaths[name] = childPath(childPath(eicPath, "DestinationConfig"), when);
      }
    }
    // SAM puts the config on the AutoPublishAlias when there is one, else on $LATEST
    // (samtranslator/model/sam_resources.py, _construct_event_invoke_config: "if alias_name:
    // lambda_event_invoke_config.Qualifier = alias_name else … '$LATEST'").
    const props: Record<string, unknown> = { FunctionName: fnRef, Qualifier: typeof p.AutoPublishAlias === "string" ? p.AutoPublishAlias : "$LATEST" };
    if (Object.keys(destConfig).length > 0) props.DestinationConfig = destConfig;
    for (const k of ["MaximumEventAgeInSeconds", "MaximumRetryAttempts"]) if (eic[k] !== undefined) props[k] = eic[k];
    out[`${id}EventInvokeConfig`] = { Type: "AWS::Lambda::EventInvokeConfig", Properties: props, sourcePath: eicPath };
  }

  // Policies: managed names → ARNs (deduplicated), documents and templates → inline policies.
  const entries = p.Policies === undefined ? [] : Array.isArray(p.Policies) ? p.Policies : [p.Policies];
  const policiesPath = childPath(propsPath, "Policies");
  entries.forEach((entry, index) => {
    const entryPath = Array.isArray(p.Policies) ? childPath(policiesPath, index) : policiesPath;
    const policyName = `${roleId}Policy${index}`;
    const classified = classifyPolicy(entry);
    if (classified.kind === "managed") {
      const arn = typeof entry === "string" ? (MANAGED_NAMES[entry] !== undefined ? managedArn(partition, MANAGED_NAMES[entry]) : entry) : entry;
      if (!managed.some((m) => JSON.stringify(m) === JSON.stringify(arn))) managed.push(arn);
    } else if (classified.kind === "statement") {
      policies.push({ PolicyName: policyName, PolicyDocument: entry });
      policySourcePaths[policyName] = entryPath;
    } else if (classified.kind === "if") {
      const iff = clone(entry) as { "Fn::If": unknown[] };
      for (const branch of [1, 2]) {
        const b = iff["Fn::If"][branch];
        if (!(isRecord(b) && b.Ref === "AWS::NoValue")) iff["Fn::If"][branch] = { PolicyName: policyName, PolicyDocument: expandTemplateIfAny(b, warnings, entryPath) ?? b };
      }
      policies.push(iff);
      policySourcePaths[policyName] = entryPath;
    } else if (classified.kind === "template") {
      const doc = expandTemplate(classified.name, classified.params, warnings, entryPath);
      if (doc) {
        policies.push({ PolicyName: policyName, PolicyDocument: doc });
        policySourcePaths[policyName] = entryPath;
      }
    } else {
      warnings.push({ code: "sam-unknown-policy", message: `${id}: Policies entry ${index} is neither a managed policy, a policy document nor a known policy template`, path: entryPath });
    }
  });

  // ---- events
  const events = isRecord(p.Events) ? p.Events : {};
  for (const [eventId, ev] of Object.entries(events)) {
    if (!isRecord(ev) || typeof ev.Type !== "string") continue;
    const ep = isRecord(ev.Properties) ? ev.Properties : {};
    const evPath = childPath(childPath(propsPath, "Events"), eventId);
    const logical = `${id}${eventId}`;
    const type = ev.Type;
    if (["SQS", "Kinesis", "DynamoDB", "MSK", "MQ", "SelfManagedKafka", "DocumentDB"].includes(type)) {
      const esm: Record<string, unknown> = { FunctionName: aliasRef ?? fnRef };
      const source = type === "SQS" ? ep.Queue : type === "MQ" ? ep.Broker : type === "DocumentDB" ? ep.Cluster : ep.Stream;
      if (source !== undefined) esm.EventSourceArn = source;
      const passthrough = ["BatchSize", "Enabled", "StartingPosition", "StartingPositionTimestamp", "Topics", "Queues", "SourceAccessConfigurations", "FilterCriteria", "MaximumBatchingWindowInSeconds", "FunctionResponseTypes", "KmsKeyArn", "ScalingConfig", "ProvisionedPollerConfig", "BisectBatchOnFunctionError", "MaximumRetryAttempts", "ParallelizationFactor", "MaximumRecordAgeInSeconds", "TumblingWindowInSeconds", "ConsumerGroupId", "MetricsConfig", "SchemaRegistryConfig"];
      for (const k of passthrough) if (ep[k] !== undefined) esm[k] = ep[k];
      if (type === "SelfManagedKafka" && ep.KafkaBootstrapServers !== undefined) esm.SelfManagedEventSource = { Endpoints: { KafkaBootstrapServers: ep.KafkaBootstrapServers } };
      if (isRecord(ep.DestinationConfig)) esm.DestinationConfig = ep.DestinationConfig;
      out[logical] = {
        Type: "AWS::Lambda::EventSourceMapping",
        Properties: esm,
        sourcePath: evPath,
        ...(own(EVENT_TRIGGER_KIND, type) ? { triggerKind: EVENT_TRIGGER_KIND[type] } : {}),
        ...(ep.SecretsManagerKmsKeyId !== undefined ? { secretKmsKeyId: ep.SecretsManagerKmsKeyId } : {}),
      };
      if (!hasRole) {
        const pol = own(PULL_MANAGED_POLICY, type);
        if (pol) {
          const arn = managedArn(partition, pol);
          if (!managed.includes(arn)) managed.push(arn);
        }
        const extra = pullPolicyDocuments(type, ep, logical);
        for (const doc of extra) {
          policies.push(doc);
          policySourcePaths[doc.PolicyName] = evPath;
        }
        // `DestinationConfig.OnFailure.Type` SQS or SNS: SAM gives the role the permission to send
        // there (samtranslator's sqs_send_message_role_policy / sns_publish_role_policy).
        const onFailure = isRecord(ep.DestinationConfig) && isRecord(ep.DestinationConfig.OnFailure) ? ep.DestinationConfig.OnFailure : undefined;
        if (onFailure?.Destination !== undefined && (onFailure.Type === "SQS" || onFailure.Type === "SNS")) {
          const name = `${logical}${onFailure.Type}Policy`;
          policies.push({ PolicyName: name, PolicyDocument: { Statement: [{ Action: onFailure.Type === "SQS" ? "sqs:SendMessage" : "sns:publish", Effect: "Allow", Resource: onFailure.Destination }] } });
          policySourcePaths[name] = evPath;
        }
      }
    } else if (type === "SNS" && (ep.SqsSubscription === true || ep.SqsSubscription === "true" || isRecord(ep.SqsSubscription))) {
      // The topic delivers to a queue the function polls (samtranslator eventsources/push.py, SNS:
      // with SqsSubscription there is no Lambda permission, but a queue — made by SAM, or the one
      // given as QueueArn — its subscription, and an SQS event source mapping with SQS's policy).
      const sub = isRecord(ep.SqsSubscription) ? ep.SqsSubscription : {};
      let queueArn = sub.QueueArn;
      if (queueArn === undefined) {
        out[`${logical}Queue`] = { Type: "AWS::SQS::Queue", Properties: {}, sourcePath: evPath };
        queueArn = { "Fn::GetAtt": [`${logical}Queue`, "Arn"] };
      }
      const esm: Record<string, unknown> = { FunctionName: aliasRef ?? fnRef, EventSourceArn: queueArn, BatchSize: sub.BatchSize ?? 10 };
      if (sub.Enabled !== undefined) esm.Enabled = sub.Enabled;
      out[`${logical}EventSourceMapping`] = { Type: "AWS::Lambda::EventSourceMapping", Properties: esm, sourcePath: evPath, triggerKind: "sqs" };
      if (!hasRole) {
        const arn = managedArn(partition, PULL_MANAGED_POLICY.SQS as string);
        if (!managed.includes(arn)) managed.push(arn);
      }
    } else if (own(PUSH_PRINCIPAL, type) !== undefined || type === "CloudWatchLogs") {
      const principal = type === "CloudWatchLogs" ? { "Fn::Sub": "logs.${AWS::Region}.amazonaws.com" } : PUSH_PRINCIPAL[type];
      const perm: Record<string, unknown> = { Action: "lambda:InvokeFunction", FunctionName: aliasRef ?? fnRef, Principal: principal };
      const src = pushSourceArn(type, ep, logical);
      if (src !== undefined) perm.SourceArn = src;
      // SAM names the stack's account on the permissions of S3 and IoT rule events (the translator's
      // tests/translator/output/iot_rule.json: `SourceAccount: {"Fn::Sub": "${AWS::AccountId}"}`).
      if (type === "S3") perm.SourceAccount = { Ref: "AWS::AccountId" };
      if (type === "IoTRule") perm.SourceAccount = { "Fn::Sub": "${AWS::AccountId}" };
      out[`${logical}Permission`] = { Type: "AWS::Lambda::Permission", Properties: perm, sourcePath: evPath };
    } else if (type === "ScheduleV2") {
      // EventBridge Scheduler invokes through a role of the schedule's own (RoleArn, or one SAM
      // makes) and needs no Lambda permission: the execution role takes nothing from it. Before,
      // it was reported as not modelled, and the audit as partial.
    } else {
      warnings.push({ code: "sam-event-not-modelled", message: `${id}: event ${eventId} of type ${type} is not modelled (no trigger or permission recorded)`, path: evPath });
    }
  }

  // ---- function URL
  if (isRecord(p.FunctionUrlConfig)) {
    const u = p.FunctionUrlConfig;
    const urlPath = childPath(propsPath, "FunctionUrlConfig");
    // With AutoPublishAlias the URL and its public permissions are the alias's, not $LATEST's
    // (samtranslator's _construct_function_url and _construct_url_permission).
    const urlTarget = aliasRef ?? fnRef;
    const urlProps: Record<string, unknown> = { AuthType: u.AuthType, TargetFunctionArn: urlTarget };
    for (const k of ["Cors", "InvokeMode"]) if (u[k] !== undefined) urlProps[k] = u[k];
    out[`${id}Url`] = { Type: "AWS::Lambda::Url", Properties: urlProps, sourcePath: urlPath };
    if (u.AuthType === "NONE") {
      out[`${id}UrlPublicPermissions`] = {
        Type: "AWS::Lambda::Permission",
        Properties: { Action: "lambda:InvokeFunctionUrl", FunctionName: urlTarget, FunctionUrlAuthType: "NONE", Principal: "*" },
        sourcePath: urlPath,
      };
      out[`${id}URLInvokeAllowPublicAccess`] = {
        Type: "AWS::Lambda::Permission",
        Properties: { Action: "lambda:InvokeFunction", FunctionName: urlTarget, InvokedViaFunctionUrl: true, Principal: "*" },
        sourcePath: urlPath,
      };
    }
  }

  if (hasRole) {
    if (p.Policies !== undefined) warnings.push({ code: "sam-policies-ignored", message: `${id}: Policies are ignored because Role is set (SAM adds them to no role)`, path: policiesPath });
    return;
  }
  const role: Record<string, unknown> = {
    AssumeRolePolicyDocument: p.AssumeRolePolicyDocument ?? {
      Version: "2012-10-17",
      Statement: [{ Action: ["sts:AssumeRole"], Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] } }],
    },
    ManagedPolicyArns: managed,
    Tags: tags,
  };
  if (policies.length > 0) role.Policies = policies;
  if (p.PermissionsBoundary !== undefined) role.PermissionsBoundary = p.PermissionsBoundary;
  if (p.RolePath !== undefined) role.Path = p.RolePath;
  out[roleId] = {
    Type: "AWS::IAM::Role",
    Properties: role,
    sourcePath: p.Policies !== undefined ? policiesPath : path,
    policySourcePaths,
    madeFrom: id,
    ...(base.Condition !== undefined ? { Condition: base.Condition } : {}),
  };
}

type Classified =
  | { kind: "managed" }
  | { kind: "statement" }
  | { kind: "if" }
  | { kind: "template"; name: string; params: unknown }
  | { kind: "unknown" };

/** samtranslator.model.resource_policies.ResourcePolicies._get_type */
function classifyPolicy(entry: unknown): Classified {
  if (typeof entry === "string") return { kind: "managed" };
  if (!isRecord(entry)) return { kind: "unknown" };
  if (isIntrinsic(entry)) {
    if ("Fn::If" in entry && Array.isArray(entry["Fn::If"])) {
      const branches = (entry["Fn::If"] as unknown[]).slice(1);
      const isDoc = branches.some((b) => isRecord(b) && !isIntrinsic(b));
      return isDoc ? { kind: "if" } : { kind: "managed" };
    }
    return { kind: "managed" };
  }
  if ("Statement" in entry) return { kind: "statement" };
  const keys = Object.keys(entry);
  if (keys.length === 1 && keys[0] !== undefined && own(TEMPLATES, keys[0]) !== undefined) return { kind: "template", name: keys[0], params: entry[keys[0]] };
  return { kind: "unknown" };
}

function expandTemplateIfAny(branch: unknown, warnings: SamWarning[], path: string): unknown {
  const c = classifyPolicy(branch);
  return c.kind === "template" ? expandTemplate(c.name, c.params, warnings, path) : undefined;
}

/**
 * samtranslator.policy_template_processor.template.Template.to_statement: every `{"Ref": P}` whose
 * P is a template parameter is replaced by the given value (only Ref is resolved); extra
 * parameters are dropped; a missing one is an error (SAM refuses the template).
 */
export function expandTemplate(name: string, params: unknown, warnings: SamWarning[], path: string): Record<string, unknown> | undefined {
  const t = own(TEMPLATES, name);
  if (!t) return undefined;
  const given = isRecord(params) ? params : {};
  const missing = Object.keys(t.Parameters).filter((k) => !(k in given));
  if (missing.length > 0) {
    warnings.push({ code: "sam-policy-template-parameters", message: `policy template ${name} is missing parameter(s) ${missing.join(", ")}; SAM would reject it, its permissions are not analysed`, path });
    return undefined;
  }
  const replace = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(replace);
    if (!isRecord(v)) return v;
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === "Ref" && typeof v.Ref === "string" && v.Ref in t.Parameters) return clone(given[v.Ref]);
    const o: Record<string, unknown> = {};
    for (const k of keys) o[k] = replace(v[k]);
    return o;
  };
  return replace(clone(t.Definition)) as Record<string, unknown>;
}

/**
 * Inline policies SAM adds to the generated role for pull sources, as samtranslator's
 * `get_policy_statements` of each event source in samtranslator/model/eventsources/pull.py
 * (aws/serverless-application-model; its translator tests' outputs, e.g.
 * tests/translator/output/function_with_documentdb_with_kms.json, show the result).
 */
function pullPolicyDocuments(type: string, ep: Record<string, unknown>, eventId: string): { PolicyName: string; PolicyDocument: unknown }[] {
  const access = Array.isArray(ep.SourceAccessConfigurations) ? ep.SourceAccessConfigurations.filter(isRecord) : [];
  const uriOf = (...types: string[]): unknown => access.find((a) => typeof a.Type === "string" && types.includes(a.Type))?.URI;
  const kms = ep.SecretsManagerKmsKeyId;
  const kmsStatement = kms !== undefined ? [{ Action: ["kms:Decrypt"], Effect: "Allow", Resource: { "Fn::Sub": ["arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/${KmsKeyId}", { KmsKeyId: kms }] } }] : [];
  // The network interfaces Lambda's poller makes in the source's VPC (SelfManagedKafka's
  // get_vpc_permission; DocumentDB's statements hold the same).
  const vpcStatement = {
    Action: ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface", "ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"],
    Effect: "Allow",
    Resource: "*",
  };
  if (type === "MQ") {
    return [
      {
        // `DynamicPolicyName: true` names the policy after the event (`<EventId>AMQPolicy`), so that a
        // function can have two MQ events; without it every MQ event's policy is SamAutoGeneratedAMQPolicy.
        PolicyName: ep.DynamicPolicyName === true ? `${eventId}AMQPolicy` : "SamAutoGeneratedAMQPolicy",
        PolicyDocument: {
          Statement: [
            { Action: ["secretsmanager:GetSecretValue"], Effect: "Allow", Resource: uriOf("BASIC_AUTH") },
            { Action: ["mq:DescribeBroker"], Effect: "Allow", Resource: ep.Broker },
            ...kmsStatement,
          ],
        },
      },
    ];
  }
  if (type === "MSK") {
    // samtranslator's MSK.get_policy_statements: the client certificate's secret (Lambda takes one).
    const uri = uriOf("CLIENT_CERTIFICATE_TLS_AUTH");
    return uri === undefined ? [] : [{ PolicyName: "MSKExecutionRolePolicy", PolicyDocument: { Statement: [{ Action: ["secretsmanager:GetSecretValue"], Effect: "Allow", Resource: uri }] } }];
  }
  if (type === "SelfManagedKafka") {
    const statements: unknown[] = [];
    // SelfManagedKafka.AUTH_MECHANISM: the one secret the mapping names (SAM refuses two).
    const uri = uriOf("BASIC_AUTH", "SASL_SCRAM_256_AUTH", "SASL_SCRAM_512_AUTH", "CLIENT_CERTIFICATE_TLS_AUTH", "SERVER_ROOT_CA_CERTIFICATE");
    if (uri !== undefined) statements.push({ Action: ["secretsmanager:GetSecretValue"], Effect: "Allow", Resource: uri });
    if (access.some((a) => a.Type === "VPC_SUBNET" || a.Type === "VPC_SECURITY_GROUP")) statements.push(vpcStatement);
    statements.push(...kmsStatement);
    return statements.length > 0 ? [{ PolicyName: "SelfManagedKafkaExecutionRolePolicy", PolicyDocument: { Statement: statements, Version: "2012-10-17" } }] : [];
  }
  if (type === "DocumentDB") {
    // The cluster's parameter group and subnet group are read by their own ARNs, and the poller's
    // network interfaces are made in the cluster's VPC: SAM grants both, beside the cluster itself.
    return [
      {
        PolicyName: "SamAutoGeneratedDocumentDBPolicy",
        PolicyDocument: {
          Statement: [
            { Action: ["secretsmanager:GetSecretValue"], Effect: "Allow", Resource: uriOf("BASIC_AUTH") },
            { Action: ["rds:DescribeDBClusterParameters"], Effect: "Allow", Resource: { "Fn::Sub": "arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:cluster-pg:*" } },
            { Action: ["rds:DescribeDBSubnetGroups"], Effect: "Allow", Resource: { "Fn::Sub": "arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:subgrp:*" } },
            { Action: ["rds:DescribeDBClusters"], Effect: "Allow", Resource: ep.Cluster },
            vpcStatement,
            ...kmsStatement,
          ],
        },
      },
    ];
  }
  return [];
}

/** The SourceArn SAM puts on the permission of a push event (symbolic where SAM generates the source). */
function pushSourceArn(type: string, ep: Record<string, unknown>, logical: string): unknown {
  switch (type) {
    case "S3":
      return ep.Bucket !== undefined ? { "Fn::Sub": ["arn:${AWS::Partition}:s3:::${__Bucket__}", { __Bucket__: ep.Bucket }] } : undefined;
    case "SNS":
      return ep.Topic;
    case "Api":
      return { "Fn::Sub": ["arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/${__Stage__}/*", { __ApiId__: ep.RestApiId ?? { Ref: "ServerlessRestApi" }, __Stage__: "*" }] };
    case "HttpApi":
      return { "Fn::Sub": ["arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/*", { __ApiId__: ep.ApiId ?? { Ref: "ServerlessHttpApi" } }] };
    case "Schedule":
    case "CloudWatchEvent":
    case "EventBridgeRule":
      return { "Fn::GetAtt": [logical, "Arn"] };
    case "IoTRule":
      return { "Fn::Sub": ["arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}:rule/${RuleName}", { RuleName: { Ref: logical } }] };
    case "Cognito":
      return ep.UserPool !== undefined ? { "Fn::GetAtt": [typeof ep.UserPool === "object" && isRecord(ep.UserPool) && typeof ep.UserPool.Ref === "string" ? ep.UserPool.Ref : "UserPool", "Arn"] } : undefined;
    case "CloudWatchLogs":
      return { "Fn::Sub": ["arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${__LogGroupName__}:*", { __LogGroupName__: ep.LogGroupName }] };
    default:
      return undefined;
  }
}
