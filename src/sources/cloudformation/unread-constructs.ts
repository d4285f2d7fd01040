/**
 * What CloudFormation replaces at deployment and the reader cannot: a transform of the template
 * other than SAM and AWS::LanguageExtensions (a macro such as a `Count` or `ExecutionRoleBuilder`,
 * a top-level AWS::Include), an `Fn::Transform` inside a resource (AWS::Include of a snippet in
 * S3, a macro), and an intrinsic function the resolver does not know, in the resources whose
 * values the audit reads (IAM and Lambda, SAM's functions). Each is said where it is, so that a
 * template read as written is not taken for the one CloudFormation deploys: before, a macro was
 * ignored without a word, an included policy document was "not valid JSON: ${Fn::Transform}", and
 * an unknown function's value was the placeholder `${Fn::X}`, silently.
 */

import { childPath } from "./located.js";
import { isRecord } from "./lambda-shapes.js";

/** Transforms the reader applies itself (sam.ts, language-extensions.ts). */
const MODELLED = new Set(["AWS::Serverless-2016-10-31", "AWS::LanguageExtensions"]);

/** The functions the resolver knows (intrinsics.ts), and the condition functions. */
const KNOWN = new Set([
  "Ref", "Condition", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::If", "Fn::Select", "Fn::Split", "Fn::FindInMap", "Fn::ImportValue", "Fn::Base64", "Fn::GetAZs",
  "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not", "Fn::Length", "Fn::ToJsonString", "Fn::GetStackOutput",
]);

/** Resource types whose properties the audit reads. */
const READ = /^(AWS::IAM::|AWS::Lambda::|AWS::Serverless::(Function|LayerVersion)$)/;

export interface UnreadConstruct {
  code: "cloudformation-transform" | "cloudformation-unsupported-intrinsic";
  path: string;
  message: string;
  /** A property a macro reads: the resource that holds it (a role's policies are then a lower bound). */
  resource?: { id: string; type: string };
}

/**
 * The properties CloudFormation's resource schemas give the types whose grants the audit reads
 * (CloudFormation Template Reference). Under a macro, a property outside them is the macro's
 * input (ExecutionRoleBuilder's `Type`/`Name`/`Permissions` on an `AWS::IAM::Role`, which it turns
 * into the role's policies): read as written it is nothing, and the role looked as if it had no
 * policy, with only the template-wide warning to say otherwise.
 */
const SCHEMA_PROPERTIES: Record<string, ReadonlySet<string>> = {
  "AWS::IAM::Role": new Set(["AssumeRolePolicyDocument", "Description", "ManagedPolicyArns", "MaxSessionDuration", "Path", "PermissionsBoundary", "Policies", "RoleName", "Tags"]),
  "AWS::IAM::Policy": new Set(["Groups", "PolicyDocument", "PolicyName", "Roles", "Users"]),
  "AWS::IAM::ManagedPolicy": new Set(["Description", "Groups", "ManagedPolicyName", "Path", "PolicyDocument", "Roles", "Users"]),
  "AWS::IAM::RolePolicy": new Set(["PolicyDocument", "PolicyName", "RoleName"]),
  // With the newest (DurableConfig, CapacityProviderConfig …): one missing here would only be said under a macro.
  "AWS::Lambda::Function": new Set([
    "Architectures", "CapacityProviderConfig", "Code", "CodeSigningConfigArn", "DeadLetterConfig", "Description", "DurableConfig", "Environment", "EphemeralStorage", "FileSystemConfigs",
    "FunctionName", "FunctionScalingConfig", "Handler", "ImageConfig", "KmsKeyArn", "Layers", "LoggingConfig", "MemorySize", "PackageType", "PublishToLatestPublished", "RecursiveLoop",
    "ReservedConcurrentExecutions", "Role", "Runtime", "RuntimeManagementConfig", "SnapStartConfig", "Tags", "TenancyConfig", "Timeout", "TracingConfig", "VpcConfig",
  ]),
  "AWS::Lambda::Permission": new Set(["Action", "EventSourceToken", "FunctionName", "FunctionUrlAuthType", "InvokedViaFunctionUrl", "Principal", "PrincipalOrgID", "SourceAccount", "SourceArn"]),
};

/** A transform's name and where its content comes from, as the template writes it. */
function describeTransform(t: unknown): string {
  if (typeof t === "string") return t;
  if (!isRecord(t)) return JSON.stringify(t);
  const name = typeof t.Name === "string" ? t.Name : "(no Name)";
  const location = isRecord(t.Parameters) && typeof t.Parameters.Location === "string" ? ` of ${t.Parameters.Location}` : "";
  return `${name}${location}`;
}

export function unreadConstructs(template: Record<string, unknown>): UnreadConstruct[] {
  const out: UnreadConstruct[] = [];
  const transforms = template.Transform === undefined ? [] : Array.isArray(template.Transform) ? template.Transform : [template.Transform];
  transforms.forEach((t, i) => {
    if (typeof t === "string" && MODELLED.has(t)) return;
    out.push({
      code: "cloudformation-transform",
      path: Array.isArray(template.Transform) ? childPath("Transform", i) : "Transform",
      message: `transform ${describeTransform(t)} is run by CloudFormation at deployment and not by leastrole: the template is read as written, before it; the functions, roles and policies it adds or changes are not in this audit`,
    });
  });
  const walk = (v: unknown, path: string, id: string, depth: number): void => {
    if (depth > 100) return;
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, childPath(path, i), id, depth + 1));
      return;
    }
    if (!isRecord(v)) return;
    const keys = Object.keys(v);
    // Beside other keys too: AWS::Include merges the snippet into the mapping that holds it.
    if (Object.hasOwn(v, "Fn::Transform")) {
      out.push({
        code: "cloudformation-transform",
        path: childPath(path, "Fn::Transform"),
        message: `${id}: Fn::Transform (${describeTransform(v["Fn::Transform"])}) is replaced by CloudFormation at deployment with what this template does not hold: read without it, so what it grants or configures is not in this audit`,
      });
    }
    const fn = keys.length === 1 ? (keys[0] as string) : undefined;
    if (fn !== undefined && fn !== "Fn::Transform" && fn.startsWith("Fn::") && !KNOWN.has(fn)) {
      out.push({
        code: "cloudformation-unsupported-intrinsic",
        path: childPath(path, fn),
        message: `${id}: ${fn} is not an intrinsic function leastrole evaluates: its value is read as the placeholder \${${fn}}, which names nothing`,
      });
      return;
    }
    for (const k of keys) if (k !== "Fn::Transform") walk(v[k], childPath(path, k), id, depth + 1);
  };
  const resources = isRecord(template.Resources) ? template.Resources : {};
  if (Object.hasOwn(resources, "Fn::Transform")) {
    out.push({
      code: "cloudformation-transform",
      path: childPath("Resources", "Fn::Transform"),
      message: `Resources: Fn::Transform (${describeTransform(resources["Fn::Transform"])}) adds resources at deployment that this template does not hold: the functions, roles and policies it adds are not in this audit`,
    });
  }
  const macros = transforms.filter((t) => !(typeof t === "string" && MODELLED.has(t))).map(describeTransform);
  for (const [id, r] of Object.entries(resources)) {
    if (!isRecord(r) || typeof r.Type !== "string" || !READ.test(r.Type)) continue;
    walk(r.Properties, childPath(childPath("Resources", id), "Properties"), id, 0);
    const known = SCHEMA_PROPERTIES[r.Type];
    if (macros.length === 0 || known === undefined || !isRecord(r.Properties)) continue;
    for (const k of Object.keys(r.Properties).filter((k) => !known.has(k))) {
      out.push({
        code: "cloudformation-transform",
        path: childPath(childPath(childPath("Resources", id), "Properties"), k),
        message: `${id}: ${k} is not a property of ${r.Type}: the transform ${macros.join(", ")} reads it at deployment and leastrole does not, so what it grants or configures is not in this audit${r.Type === "AWS::IAM::Role" ? " (the role's policies are a lower bound)" : ""}`,
        resource: { id, type: r.Type },
      });
    }
  }
  return out;
}

/** Does this value hold an Fn::Transform (a snippet CloudFormation puts in its place)? */
export function holdsTransform(v: unknown, depth = 0): boolean {
  if (depth > 100) return false;
  if (Array.isArray(v)) return v.some((x) => holdsTransform(x, depth + 1));
  if (!isRecord(v)) return false;
  return Object.keys(v).some((k) => k === "Fn::Transform" || holdsTransform(v[k], depth + 1));
}
