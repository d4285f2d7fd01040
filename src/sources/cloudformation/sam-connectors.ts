/**
 * SAM connectors (`AWS::Serverless::Connector`, and the `Connectors` attribute embedded on a
 * resource) expanded as the SAM translator does (aws/serverless-application-model:
 * samtranslator/model/sam_resources.py SamConnector, model/connector/connector.py,
 * model/connector_profiles/profile.py, translator.py _get_embedded_connectors). What a connector
 * grants comes from the translator's connector profiles (sam-connector-profiles.json, vendored:
 * see DATA-NOTICE.md): per source type and destination type, an IAM managed policy on the
 * source's or the destination's role, a Lambda permission, or an SQS queue / SNS topic policy.
 *
 * The connectors are expanded last, over the resources the rest of the transform made (as the
 * translator does: its profiles know CloudFormation types only), so that a SAM function's
 * connector reaches the role SAM makes for it (`<Function>Role`).
 *
 * What the translator refuses (an unknown pair of types, a permission the profile does not have, a
 * role it cannot name) is not expanded and is warned `sam-connector-not-expanded`, naming what is
 * wrong: the fragment is then partial, never silently without the connector's grants.
 */

import profilesData from "./sam-connector-profiles.json" with { type: "json" };
import { own } from "../../collections.js";
import { childPath } from "./located.js";
import { clone, isRecord } from "./lambda-shapes.js";
import type { SamResource, SamWarning } from "./sam.js";

interface Profile {
  Type: string;
  Properties: {
    SourcePolicy: boolean;
    ValidAccessCategories?: string[][];
    AccessCategories: Record<string, Record<string, unknown>>;
  };
}

interface CfnResourceProperties {
  Inputs?: { Role?: string | { Function?: string } };
  Outputs?: Record<string, unknown>;
}

const PROFILES = profilesData as unknown as {
  Permissions: Record<string, Record<string, Profile>>;
  CfnResourceProperties: Record<string, CfnResourceProperties>;
};

const CODE = "sam-connector-not-expanded";

/** connector.py _SAM_TO_CFN_RESOURCE_TYPE: the profiles name CloudFormation types only. */
const SAM_TO_CFN: Record<string, string> = {
  "AWS::Serverless::Function": "AWS::Lambda::Function",
  "AWS::Serverless::StateMachine": "AWS::StepFunctions::StateMachine",
  "AWS::Serverless::Api": "AWS::ApiGateway::RestApi",
  "AWS::Serverless::HttpApi": "AWS::ApiGatewayV2::Api",
  "AWS::Serverless::SimpleTable": "AWS::DynamoDB::Table",
};

/** The source or destination of a connector (connector.py ConnectorResourceReference). */
interface Reference {
  logicalId: string | null;
  type: string;
  arn: unknown;
  roleName: unknown;
  queueUrl: unknown;
  resourceId: unknown;
  name: unknown;
  qualifier: unknown;
  /** The role SAM makes for a state machine, which the policy goes to: not read here. */
  unmodelledRole?: string;
}

/** What the translator would refuse; the message says why. */
class ConnectorError extends Error {}

/**
 * A connector whose policy goes to the role SAM makes for a state machine: not a Lambda execution
 * role, and not read (as the state machine is not: input-not-used), so nothing the audit needs is
 * missing. Said as an info, not as a connector left unexpanded (which makes the fragment partial).
 */
class StateMachineRole extends Error {}

interface Connector {
  id: string;
  properties: Record<string, unknown>;
  condition: unknown;
  path: string;
}

/** The connector profile for a pair of CloudFormation types, if the translator has one. */
export function connectorProfile(sourceType: string, destinationType: string): Profile | undefined {
  const bySource = own(PROFILES.Permissions, sourceType);
  return bySource === undefined ? undefined : own(bySource, destinationType);
}

/** intrinsics.py get_logical_id_from_intrinsic: the logical ID a Ref or Fn::GetAtt names. */
function logicalIdOf(v: unknown): string | null {
  if (!isRecord(v) || Object.keys(v).length !== 1) return null;
  if (typeof v.Ref === "string") return v.Ref;
  const getAtt = v["Fn::GetAtt"];
  if (Array.isArray(getAtt) && getAtt.length === 2 && typeof getAtt[0] === "string") return getAtt[0];
  if (typeof getAtt === "string") {
    const parts = getAtt.split(".");
    if (parts.length === 2) return parts[0] as string;
  }
  return null;
}

const nonBlank = (v: unknown): v is string => typeof v === "string" && v !== "";

/**
 * The connectors of a template, standalone then embedded, as the translator lists them (an
 * embedded connector `C` on resource `R` is the connector `RC` with `Source: {Id: R}`, plus its
 * `SourceReference`).
 */
function connectorsOf(resources: Record<string, unknown>, warnings: SamWarning[]): Connector[] {
  const out: Connector[] = [];
  for (const [id, raw] of Object.entries(resources)) {
    if (!isRecord(raw) || raw.Type !== "AWS::Serverless::Connector") continue;
    const path = childPath("Resources", id);
    if (!isRecord(raw.Properties)) {
      warnings.push({ code: CODE, message: `${id}: the connector has no Properties (SAM refuses it); the permissions it grants are not analysed`, path });
      continue;
    }
    out.push({ id, properties: raw.Properties, condition: raw.Condition, path });
  }
  for (const [sourceId, raw] of Object.entries(resources)) {
    if (!isRecord(raw) || raw.Connectors === undefined) continue;
    const attrPath = childPath(childPath("Resources", sourceId), "Connectors");
    if (!isRecord(raw.Connectors)) {
      warnings.push({ code: CODE, message: `${sourceId}: Connectors is not a map (SAM refuses it); its connectors are not analysed`, path: attrPath });
      continue;
    }
    for (const [name, c] of Object.entries(raw.Connectors)) {
      const id = `${sourceId}${name}`;
      const path = childPath(attrPath, name);
      if (!isRecord(c) || !isRecord(c.Properties)) {
        warnings.push({ code: CODE, message: `${sourceId}: the embedded connector ${name} has no Properties map (SAM refuses it); it is not analysed`, path });
        continue;
      }
      if (own(resources, id) !== undefined) {
        warnings.push({ code: CODE, message: `${sourceId}: the embedded connector ${name} would be the resource ${id}, which the template already has (SAM refuses it); it is not analysed`, path });
        continue;
      }
      const properties = clone(c.Properties);
      const source: Record<string, unknown> = { Id: sourceId };
      if (properties.SourceReference !== undefined) {
        if (!isRecord(properties.SourceReference) || "Id" in properties.SourceReference) {
          warnings.push({ code: CODE, message: `${sourceId}: the embedded connector ${name} has a SourceReference that is not a map without Id (SAM refuses it); it is not analysed`, path: childPath(childPath(path, "Properties"), "SourceReference") });
          continue;
        }
        Object.assign(source, properties.SourceReference);
        delete properties.SourceReference;
      }
      properties.Source = source;
      out.push({ id, properties, condition: c.Condition, path });
    }
  }
  return out;
}

/**
 * Expand every connector of the template into `out` (the resources the rest of the SAM transform
 * made), with the logical IDs the translator gives them. `implicitApis`: the APIs SAM makes for
 * events that name none (`ServerlessRestApi`, `ServerlessHttpApi`), which a connector may name.
 */
export function expandConnectors(resources: Record<string, unknown>, out: Record<string, SamResource>, warnings: SamWarning[], implicitApis: readonly string[] = []): void {
  // The APIs SAM makes for events that name none are resources the translator's connectors see.
  const known = Object.create(null) as Record<string, SamResource>;
  for (const id of implicitApis) known[id] = { Type: id === "ServerlessRestApi" ? "AWS::Serverless::Api" : "AWS::Serverless::HttpApi", Properties: {}, sourcePath: "Resources" };
  Object.assign(known, out);
  for (const connector of connectorsOf(resources, warnings)) {
    try {
      for (const [id, r] of expandConnector(connector, known)) out[id] = known[id] = r;
    } catch (error) {
      if (error instanceof StateMachineRole) {
        warnings.push({ code: "input-not-used", severity: "info", message: `${connector.id}: ${error.message}`, path: connector.path });
        continue;
      }
      if (!(error instanceof ConnectorError)) throw error;
      warnings.push({ code: CODE, message: `${connector.id}: ${error.message}; the permissions it grants are not analysed`, path: connector.path });
    }
  }
}

/** SamConnector.to_cloudformation: the resources of one connector, or ConnectorError. */
function expandConnector(c: Connector, out: Record<string, SamResource>): [string, SamResource][] {
  const { Source: source, Destination: destination, Permissions: permissions } = c.properties;
  if (!isRecord(source)) throw new ConnectorError("Source is not a map (SAM refuses the connector)");
  const multi = Array.isArray(destination);
  const destinations = multi ? destination : [destination];
  if (destinations.length === 0) throw new ConnectorError("Destination is an empty list (SAM refuses the connector)");
  if (!Array.isArray(permissions) || !permissions.every((p): p is string => typeof p === "string")) throw new ConnectorError("Permissions is not a list of Read / Write (SAM refuses the connector)");
  const generated: [string, SamResource][] = [];
  destinations.forEach((d, index) => {
    if (!isRecord(d)) throw new ConnectorError(`Destination${multi ? ` ${index}` : ""} is not a map (SAM refuses the connector)`);
    const to = reference(d, out, source, `Destination${multi ? ` ${index}` : ""}`);
    const from = reference(source, out, d, "Source");
    const path = multi ? childPath(childPath(childPath(c.path, "Properties"), "Destination"), index) : c.path;
    for (const [id, properties, type] of generate(c.id, from, to, [...new Set(permissions)], index, multi)) {
      // Each says which connector makes it: generate tells a SAM user a policy stays attached.
      generated.push([id, { Type: type, Properties: properties, sourcePath: path, madeFrom: c.id, ...(c.condition !== undefined ? { Condition: c.condition } : {}) }]);
    }
  });
  return generated;
}

/** connector.py _is_valid_resource_reference and get_resource_reference. */
function reference(obj: Record<string, unknown>, out: Record<string, SamResource>, connecting: Record<string, unknown>, what: string): Reference {
  const idGiven = "Id" in obj;
  const others = Object.keys(obj).some((k) => k !== "Id" && k !== "Qualifier");
  if (idGiven === others) throw new ConnectorError(`${what} must give Id (with an optional Qualifier) or Type with Arn, RoleName, … (SAM refuses the connector)`);
  if (!idGiven) {
    if (!nonBlank(obj.Type)) throw new ConnectorError(`${what} has no Type (SAM refuses the connector)`);
    return {
      logicalId: null,
      type: own(SAM_TO_CFN, obj.Type) ?? obj.Type,
      arn: obj.Arn,
      roleName: obj.RoleName,
      queueUrl: obj.QueueUrl,
      resourceId: obj.ResourceId,
      name: obj.Name,
      qualifier: obj.Qualifier,
    };
  }
  const id = obj.Id;
  if (!nonBlank(id)) throw new ConnectorError(`${what} Id is not a logical ID (SAM refuses the connector)`);
  const resource = own(out, id);
  if (resource === undefined) throw new ConnectorError(`${what} Id ${id} is not a resource of this template (SAM refuses the connector: "Unable to find resource with logical ID '${id}'")`);
  // What the translator sees: the resources the rest of the transform made. A SAM state machine,
  // REST, HTTP or GraphQL API is not expanded here: read as the CloudFormation resource SAM makes
  // of it under the same logical ID.
  const type = own(SAM_TO_CFN, resource.Type) ?? (resource.Type === "AWS::Serverless::GraphQLApi" ? "AWS::AppSync::GraphQLApi" : resource.Type);
  let properties = resource.Properties;
  let unmodelledRole: string | undefined;
  if (resource.Type === "AWS::Serverless::StateMachine") {
    properties = { RoleArn: properties.Role };
    // Without Role, SAM makes the state machine a role `<Id>Role` from its Policies: not read here.
    if (properties.RoleArn === undefined) unmodelledRole = `${id}Role`;
  }
  const cfn = replaceVariables(clone(own(PROFILES.CfnResourceProperties, type) ?? {}), { logicalId: id }) as CfnResourceProperties;
  const outputs = cfn.Outputs ?? {};
  return {
    logicalId: id,
    type,
    arn: outputs.Arn,
    roleName: roleNameOf(cfn, properties, connecting),
    queueUrl: outputs.Url,
    resourceId: outputs.Id,
    name: outputs.Name,
    qualifier: "Qualifier" in obj ? obj.Qualifier : outputs.Qualifier,
    ...(unmodelledRole !== undefined ? { unmodelledRole } : {}),
  };
}

/**
 * connector.py _get_resource_role_name: `Ref` of the role the resource's role property names by
 * reference (a function's Role, a state machine's RoleArn, the target of an EventBridge rule that
 * is the other end of the connector); none for an ARN written out.
 */
function roleNameOf(cfn: CfnResourceProperties, properties: Record<string, unknown>, connecting: Record<string, unknown>): unknown {
  const input = cfn.Inputs?.Role;
  let role: unknown;
  if (typeof input === "string") role = properties[input];
  else if (isRecord(input) && input.Function === "GetEventsRuleRole") {
    const targets = Array.isArray(properties.Targets) ? properties.Targets.filter(isRecord) : [];
    const target = targets.find((t) => {
      const targetId = logicalIdOf(t.Arn);
      return (targetId !== null && targetId === connecting.Id) || (connecting.Arn !== undefined && JSON.stringify(t.Arn) === JSON.stringify(connecting.Arn));
    });
    role = target?.RoleArn;
  }
  const id = logicalIdOf(role);
  return id === null ? undefined : { Ref: id };
}

/** profile.py profile_replace: `%{Source.Arn}` and the like, a whole value or Fn::Sub variables. */
function replaceVariables(v: unknown, replacements: Record<string, unknown>): unknown {
  if (Array.isArray(v)) return v.map((x) => replaceVariables(x, replacements));
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replaceVariables(x, replacements)]));
  if (typeof v !== "string") return v;
  let s = v;
  const vars: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(replacements)) {
    const pattern = `%{${k}}`;
    if (!s.includes(pattern)) continue;
    if (value === undefined || value === null) throw new ConnectorError(`${k} is missing (SAM refuses the connector)`);
    if (s === pattern) return value;
    // Fn::Sub variable names are alphanumeric.
    const name = k.replace(/[^A-Za-z0-9]/g, "");
    s = s.split(pattern).join(`\${${name}}`);
    vars[name] = value;
  }
  if (/\$\{.+\}/.test(s)) return Object.keys(vars).length > 0 ? { "Fn::Sub": [s, vars] } : { "Fn::Sub": s };
  return s;
}

/** SamConnector.generate_resources: [logical ID, properties, type] of each resource made. */
function generate(id: string, source: Reference, destination: Reference, permissions: string[], index: number, multi: boolean): [string, Record<string, unknown>, string][] {
  const pair = `${source.type} to ${destination.type}`;
  const profile = connectorProfile(source.type, destination.type);
  if (profile === undefined) throw new ConnectorError(`SAM has no connector from ${pair} (its connector profiles do not have this pair, and SAM refuses the connector)`);
  const categories = Object.keys(profile.Properties.AccessCategories);
  if (permissions.length === 0) throw new ConnectorError(`Permissions is empty; valid for ${pair}: ${categories.join(", ")} (SAM refuses the connector)`);
  const unknown = permissions.filter((p) => !categories.includes(p));
  if (unknown.length > 0) throw new ConnectorError(`Permissions ${unknown.join(", ")} not valid for a connector from ${pair}; valid: ${categories.join(", ")} (SAM refuses the connector)`);
  const combinations = profile.Properties.ValidAccessCategories?.map((c) => [...c].sort());
  if (combinations && !combinations.some((c) => c.join("+") === [...permissions].sort().join("+"))) {
    throw new ConnectorError(`Permissions ${permissions.join(" + ")} not a valid combination for a connector from ${pair}; valid: ${combinations.map((c) => c.join(" + ")).join(", ")} (SAM refuses the connector)`);
  }
  const properties = replaceVariables(clone(profile.Properties), {
    "Source.Arn": source.arn,
    "Destination.Arn": destination.arn,
    "Source.ResourceId": source.resourceId,
    "Destination.ResourceId": destination.resourceId,
    "Source.Name": source.name,
    "Destination.Name": destination.name,
    "Source.Qualifier": source.qualifier,
    "Destination.Qualifier": destination.qualifier,
  }) as Profile["Properties"];
  const left = /%\{[\w.]+\}/.exec(JSON.stringify(properties));
  if (left) throw new ConnectorError(`the profile for ${pair} uses ${left[0]}, which SAM does not replace (SAM refuses the connector)`);
  const owner = properties.SourcePolicy ? source : destination;
  const side = properties.SourcePolicy ? "Source" : "Destination";
  const suffix = multi ? `Destination${index}` : "";
  const document = (): Record<string, unknown> => ({
    Version: "2012-10-17",
    Statement: Object.entries(properties.AccessCategories).flatMap(([name, category]) => (permissions.includes(name) && Array.isArray(category.Statement) ? category.Statement : [])),
  });
  switch (profile.Type) {
    case "AWS_IAM_ROLE_MANAGED_POLICY":
      // First: SAM names that role, this reader does not have it.
      if (owner.unmodelledRole !== undefined) throw new StateMachineRole(`the connector grants the role SAM makes for the state machine ${owner.logicalId} (${owner.unmodelledRole}), not a Lambda execution role: not read`);
      if ((owner.roleName === undefined || owner.roleName === null || owner.roleName === "") && owner.logicalId === null) {
        throw new ConnectorError(`the ${side} (${owner.type}, given by Type and Arn) has no RoleName, the role the policy goes to: SAM refuses the connector ("Unable to get IAM role name from '${side}' resource")`);
      }
      if (owner.roleName === undefined || owner.roleName === null || owner.roleName === "") {
        throw new ConnectorError(`the role of the ${side} (${owner.type}) is not named by reference (a Role written as an ARN, or none): SAM refuses the connector ("Unable to get IAM role name from '${side}' resource"); give ${side} as Type, Arn and RoleName`);
      }
      return [[`${id}Policy${suffix}`, { PolicyDocument: document(), Roles: [owner.roleName] }, "AWS::IAM::ManagedPolicy"]];
    case "AWS_LAMBDA_PERMISSION": {
      if (owner.arn === undefined || owner.arn === null) throw new ConnectorError(`the Lambda function ARN of the ${side} is not known (SAM refuses the connector)`);
      return Object.entries(properties.AccessCategories)
        .filter(([name]) => permissions.includes(name))
        .map(([name, p]) => {
          const perm: Record<string, unknown> = { Action: p.Action, FunctionName: owner.arn, Principal: p.Principal, SourceArn: p.SourceArn };
          if (p.SourceAccount !== undefined) perm.SourceAccount = p.SourceAccount;
          return [`${id}${name}LambdaPermission${suffix}`, perm, "AWS::Lambda::Permission"] as [string, Record<string, unknown>, string];
        });
    }
    case "AWS_SQS_QUEUE_POLICY":
      if (owner.queueUrl === undefined || owner.queueUrl === null) throw new ConnectorError(`the SQS queue URL of the ${side} is not known (give ${side} QueueUrl; SAM refuses the connector)`);
      return [[`${id}QueuePolicy${suffix}`, { PolicyDocument: document(), Queues: [owner.queueUrl] }, "AWS::SQS::QueuePolicy"]];
    case "AWS_SNS_TOPIC_POLICY":
      if (owner.arn === undefined || owner.arn === null) throw new ConnectorError(`the SNS topic ARN of the ${side} is not known (SAM refuses the connector)`);
      return [[`${id}TopicPolicy${suffix}`, { PolicyDocument: document(), Topics: [owner.arn] }, "AWS::SNS::TopicPolicy"]];
    default:
      throw new ConnectorError(`the profile for ${pair} makes a ${profile.Type}, which is not modelled`);
  }
}
