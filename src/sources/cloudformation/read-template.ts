/**
 * CloudFormation / SAM / CDK template reader (YAML with short-form tags, or JSON) to a
 * SourceFragment. SAM resources are first expanded as the SAM translator would (sam.ts), then
 * every template is read the same way: roles, inline and managed policies, functions, permissions,
 * event source mappings, URLs and event invoke configs, with intrinsics resolved where the
 * template allows (intrinsics.ts). CDK output (`cdk.out/*.template.json`) is plain CloudFormation.
 */

import { attachStatementSources } from "./statement-sources.js";
import { InputError, PolicyParseError } from "../../errors.js";
import { parsePolicyDocument } from "../../iam/index.js";
import type { InlinePolicy, LambdaFunction, ManagedPolicy, PolicyDocument, PolicyStatement, RolePolicyResource, SourceLocation, Warning } from "../../model/document.js";
import { emptyFragment, type FunctionPatch, type PrincipalRecord, type RoleRecord, type RolePolicyPatch, type RoleUseRecord, type SourceFragment } from "../types.js";
import { IntrinsicResolver, NO_VALUE, isMarked, isPlaceholderDefault, markParameter, markedAsReference, parameterValues, unmarked } from "./intrinsics.js";
import { addValueReference, type ParameterLength, type ValueReferences } from "../value-references.js";
import { own } from "../../collections.js";
import { printable } from "../../printable.js";
import { basename } from "node:path";
import {
  UNKNOWN,
  byArn,
  byWhere,
  isRecord,
  normalisePath,
  resourcePolicyOf,
  sha256,
  sortWarnings,
  syntheticFunctionArn,
  syntheticPolicyArn,
  syntheticRoleArn,
  type ArnContext,
} from "./lambda-shapes.js";
import { childPath, decodeText, parseJsonLocated, parseYamlLocated, type Located } from "./located.js";
import { expandSam, isSamTemplate, type SamResource } from "./sam.js";
import { LAYER_VERSION_TYPES, layerVersionArnOf, readLayerVersions } from "./template-layers.js";
import type { LayerVersionRecord } from "../lambda-layers.js";
import { undefinedReferences } from "./undefined-references.js";
import { holdsTransform, unreadConstructs } from "./unread-constructs.js";
import { awsCustomResourceOfLogicalId, cdkHandlerOf, cdkHandlerOfLogicalId, CUSTOM_RESOURCE_POLICY } from "./cdk-handlers.js";
import { expandForEach, usesLanguageExtensions } from "./language-extensions.js";
import { linkedValue, readAlias, readConfigRule, readDeliveryKeys, readEventInvokeConfig, readEventSourceMapping, readFunction, readPermission, readUrl } from "./template-lambda.js";
import { principalsOf, readPrincipal, readUserToGroupAddition } from "./template-principals.js";
import { metadataSuppressions } from "./metadata-suppressions.js";
import { childPathOf, isFile, localTemplateLocation } from "./local-nested-stacks.js";
import { templateWarningMakesPartial } from "../../model/warning-label.js";

export interface CloudFormationReadOptions {
  accountId?: string;
  region?: string;
  partition?: string;
  /** The stack's name: the value of `AWS::StackName`, and what the names CloudFormation generates start with. */
  stackName?: string;
  /**
   * What the names CloudFormation generates start with (default: `stackName`): a role, function,
   * managed policy, user or group without its name property is named `<namePrefix>-<logical ID>`,
   * the part of its real name (`<stack>-<logical ID>-<random suffix>`) that can be known; without a
   * prefix, by its logical ID. A nested stack's resources take `<parent stack>-<its logical ID>`, as
   * CloudFormation names the nested stack so (cdk-assembly.ts), while its `AWS::StackName` stays unknown.
   */
  namePrefix?: string;
  /** Parameter values, overriding the template's defaults. */
  parameters?: Record<string, string>;
  /**
   * What `Fn::ImportValue` names, by export name: the values the other stacks of the same
   * deployment export (a CDK assembly's stacks, `templateLinks`). Without it an import stays
   * `${ImportValue:<name>}`.
   */
  imports?: Record<string, string>;
  /**
   * Account to put into synthetic ARNs when `accountId` is not given (default `unknown`). Callers
   * reading several templates at once pass one per file (see `syntheticAccountFor`), so that two
   * templates with the same logical IDs do not merge into one role.
   */
  syntheticAccountId?: string;
  /**
   * Logical IDs of this template's nested stacks (`AWS::CloudFormation::Stack`,
   * `AWS::Serverless::Application`) whose templates are read with it (a CDK cloud assembly's,
   * cdk-assembly.ts; a local file's, local-nested-stacks.ts). Any other nested stack is warned
   * `cloudformation-nested-stack` and the fragment is partial: its functions are not in the audit.
   */
  nestedStacksRead?: string[];
  /**
   * Nested stacks whose local template is found but not read with this one, by logical ID, and why
   * (a cycle, nested too deep; local-nested-stacks.ts): said in the
   * `cloudformation-nested-stack` warning in place of "not read".
   */
  nestedStacksSkipped?: Record<string, string>;
  /**
   * Parameters given a value that is not known here: a nested stack's that its parent passes as a
   * value the parent itself does not know (`!Ref Env` of a parameter without a value). Read as
   * `${Name}`, never as the parameter's Default, which CloudFormation does not use then.
   */
  unknownParameters?: string[];
  /**
   * The outputs of the nested stacks read with this template, by logical ID then output name
   * (local-nested-options.ts): what `!GetAtt <nested stack>.Outputs.<name>` gives (a role a nested
   * stack exports and a function of this template uses). Without it, `${<id>.Outputs.<name>}`.
   */
  nestedOutputs?: Record<string, Record<string, string>>;
  /**
   * Each resource's CDK construct path (`Stack/Fn/Resource`) by logical ID, from the cloud
   * assembly's manifest (its `aws:cdk:logicalId` metadata, cdk-assembly.ts), for a template
   * synthesised without `aws:cdk:path` metadata (`cdk synth --no-path-metadata`, `pathMetadata:
   * false`, the CDK's own integration snapshots). A resource's own `aws:cdk:path` wins.
   */
  constructPaths?: Record<string, string>;
}

/** Where one statement of a policy was written, for findings that point at a statement. */
export interface StatementLocation {
  /** Role ARN (trust and inline policies) or managed policy ARN. */
  ownerArn: string;
  policy: "trust" | "inline" | "managed";
  /** Inline policy name; null for trust policies and managed policy documents. */
  policyName: string | null;
  /** Index in the parsed document's Statement array. */
  statementIndex: number;
  /**
   * File, line, and as address the template path of the statement (or, for statements SAM
   * generates from a policy template, event or DLQ, the path of what generated them).
   */
  source: SourceLocation;
}

export type IacFragment = SourceFragment & { statementLocations: StatementLocation[] };

/**
 * Read a CloudFormation, SAM or CDK template.
 * @throws InputError when the text is not JSON/YAML, is truncated, or is not a template.
 */
export function readCloudFormationTemplate(input: string | Uint8Array, file: string, options: CloudFormationReadOptions = {}): IacFragment {
  const text = decodeText(input, file);
  let located = parseTemplateText(text, file);
  if (isGetTemplateOutput(located.value)) located = templateBodyOf(located, file);
  const parsed = located.value;
  if (!isRecord(parsed)) throw new InputError("not a CloudFormation template: expected a mapping at the top level", { file, path: "" });
  if (!isRecord(parsed.Resources)) throw new InputError("not a CloudFormation template: no Resources mapping", { file, path: "Resources" });
  let template: Record<string, unknown> = parsed;
  if (usesLanguageExtensions(template)) ({ template, located } = withForEachExpanded(template, located, file, options));
  template = withoutIncludedResources(template);
  for (const [id, r] of Object.entries(template.Resources as Record<string, unknown>)) {
    if (id.startsWith("Fn::ForEach::")) throw new InputError(`${id}${at(located, childPath("Resources", id))}: Fn::ForEach needs Transform: AWS::LanguageExtensions`, { file, path: childPath("Resources", id) });
    if (!isRecord(r) || typeof r.Type !== "string") throw new InputError(`resource ${id} has no Type${at(located, childPath("Resources", id))}`, { file, path: childPath("Resources", id) });
  }
  return new TemplateReader(template, located, file, sha256(input), options).read();
}

/**
 * What a template gives the other templates it deploys with, resolved as its own reader resolves
 * them: the values it exports (`Outputs.<X>.Export.Name` → `Value`), and the parameters it passes
 * to each nested stack (`AWS::CloudFormation::Stack` `Parameters`, by the nested stack's logical
 * ID). A reference to one of its resources CloudFormation names is written as an ARN of that
 * resource's type (`arn:aws:sqs:<region>:<account>:${Jobs.QueueName}`), so that the template
 * reading it knows what it is. Values that do not resolve to a string are left out.
 */
export function templateLinks(input: string | Uint8Array, file: string, options: CloudFormationReadOptions = {}): { exports: Record<string, string>; nestedParameters: Record<string, Record<string, string>> } {
  const exports: Record<string, string> = Object.create(null) as Record<string, string>;
  const nestedParameters: Record<string, Record<string, string>> = Object.create(null) as Record<string, Record<string, string>>;
  const located = parseTemplateText(decodeText(input, file), file);
  if (!isRecord(located.value) || !isRecord(located.value.Resources) || usesLanguageExtensions(located.value)) return { exports, nestedParameters };
  const template = withoutIncludedResources(located.value);
  const reader = new TemplateReader(template, located, file, "", options);
  const value = (v: unknown): string | undefined => {
    const resolved = reader.resolver.resolve(v);
    return typeof resolved === "string" ? linkedValue(reader, resolved) : undefined;
  };
  for (const output of Object.values(isRecord(template.Outputs) ? template.Outputs : {})) {
    if (!isRecord(output) || !isRecord(output.Export)) continue;
    const name = value(output.Export.Name);
    const linked = value(output.Value);
    const v = linked === undefined ? undefined : exportedReferences(reader, linked);
    if (name !== undefined && !name.includes("${") && v !== undefined) exports[name] = v;
  }
  for (const [id, r] of Object.entries(isRecord(template.Resources) ? template.Resources : {})) {
    if (!isRecord(r) || r.Type !== "AWS::CloudFormation::Stack" || !isRecord(r.Properties) || !isRecord(r.Properties.Parameters)) continue;
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.Properties.Parameters)) {
      // The nested template is another stack: the parent's logical IDs are not its own either.
      const s = value(v);
      if (s !== undefined) params[k] = exportedReferences(reader, s);
    }
    nestedParameters[id] = params;
  }
  return { exports, nestedParameters };
}

/** What a parent template gives one of its nested stacks (nestedStackLink). */
export interface NestedStackLink {
  /** Whether the parent creates it: false when its Condition is false, undefined when undecided. */
  created: boolean | undefined;
  /** The values of its `Parameters` property that are known here (or partly, with references left as text). */
  parameters: Record<string, string>;
  /** Those the parent passes as a value it does not know itself (a parameter of its own without a value). */
  unknown: string[];
}

/**
 * What a parent template, read with `options`, gives its nested stack `id` (an
 * `AWS::CloudFormation::Stack` or `AWS::Serverless::Application` whose local template is read with
 * it, local-nested-stacks.ts): its `Parameters` property resolved as the parent's reader resolves
 * it, with the parent's parameters, role ARNs and names (`!GetAtt Role.Arn` is the parent's role,
 * as the child's function then uses). A value that is wholly a parameter of the parent without a
 * value is unknown to the child too; references to the parent's resources are written as that
 * resource (`${<stack>/Table}`), as for a CDK nested stack (exportedReferences).
 */
export function nestedStackLink(input: string | Uint8Array, file: string, options: CloudFormationReadOptions, id: string): NestedStackLink {
  const link: NestedStackLink = { created: undefined, parameters: {}, unknown: [] };
  const located = parseTemplateText(decodeText(input, file), file);
  if (!isRecord(located.value) || !isRecord(located.value.Resources)) return link;
  let template = withoutIncludedResources(located.value);
  let where = located;
  if (usesLanguageExtensions(template)) ({ template, located: where } = withForEachExpanded(template, located, file, options));
  const reader = new TemplateReader(template, where, file, "", options);
  const r = reader.resources[id];
  if (r === undefined) return link;
  link.created = typeof r.Condition === "string" ? reader.resolver.condition(r.Condition) : true;
  const passed = reader.resolver.resolve(r.Properties.Parameters);
  const declared = isRecord(template.Parameters) ? template.Parameters : {};
  for (const [name, v] of Object.entries(isRecord(passed) ? passed : {})) {
    const text = typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : Array.isArray(v) && v.every((x) => typeof x === "string") ? v.join(",") : undefined;
    const whole = text === undefined ? undefined : /^\$\{([A-Za-z0-9]+)\}$/.exec(text)?.[1];
    if (text === undefined || (whole !== undefined && Object.hasOwn(declared, whole))) link.unknown.push(name);
    else link.parameters[name] = exportedReferences(reader, linkedValue(reader, text));
  }
  link.unknown.sort();
  return link;
}

/**
 * A nested stack's outputs as its parent reads them (`!GetAtt <nested stack>.Outputs.<name>`),
 * resolved as the nested stack's own reader resolves them, with `options` (what the parent passes
 * it, local-nested-options.ts): references to its resources are written as those resources
 * (`${<stack>/Table}`, exportedReferences), as the parent does not have them. Outputs that do not
 * resolve to a string, or whose Condition is false, are left out.
 */
export function templateOutputs(input: string | Uint8Array, file: string, options: CloudFormationReadOptions): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  const located = parseTemplateText(decodeText(input, file), file);
  if (!isRecord(located.value) || !isRecord(located.value.Resources) || !isRecord(located.value.Outputs)) return out;
  let template = withoutIncludedResources(located.value);
  let where = located;
  if (usesLanguageExtensions(template)) ({ template, located: where } = withForEachExpanded(template, located, file, options));
  const reader = new TemplateReader(template, where, file, "", options);
  for (const [name, output] of Object.entries(isRecord(template.Outputs) ? template.Outputs : {})) {
    if (!isRecord(output) || (typeof output.Condition === "string" && reader.resolver.condition(output.Condition) === false)) continue;
    const v = reader.resolver.resolve(output.Value);
    if (typeof v === "string") out[name] = exportedReferences(reader, linkedValue(reader, v));
  }
  return out;
}

/**
 * An exported value read in another stack (or a parameter passed to a nested stack): its references to this template's resources
 * (`${Orders.QueueName}`, `${Carts}`) name resources the importing template does not have, and a
 * CloudFormation policy generated there wrote them as its own (`Fn::Sub` of another stack's logical
 * IDs, which CloudFormation refuses: "Unresolved resource dependencies"). They are written as the
 * construct they come from (`${Data/Orders.QueueName}`, the `aws:cdk:path` without `/Resource`;
 * else `<stack>/<logical ID>`): text a reader knows, that no template takes for a reference of its
 * own, so `generate` writes it as text to replace and warns `unresolved-references`.
 */
function exportedReferences(reader: TemplateReader, value: string): string {
  return value.replace(/\$\{([A-Za-z0-9]+)((?:\.[A-Za-z0-9.]+)?)\}/g, (whole, id: string, attribute: string) => {
    if (reader.resources[id] === undefined) return whole;
    const path = reader.constructs.get(id)?.replace(/\/Resource$/, "");
    const stack = reader.namePrefix ?? basename(reader.file).replace(/\.template\.json$/, "");
    const where = path !== undefined && /^[^${}:\s]+$/.test(path) ? path : `${stack}/${id}`;
    return `\${${where}${attribute}}`;
  });
}

/**
 * The Serverless Framework's `s3: { existing: true }` event: no AWS::Lambda::Permission in the
 * template, but a `Custom::S3` resource whose handler (`CustomDashresourceDashexistingDashs3…`)
 * calls lambda:AddPermission at deployment, for `s3.amazonaws.com` on the bucket with the stack's
 * account as source (serverless lib/plugins/aws/custom-resources/resources/s3). Read as that
 * permission; before, the function's invokers were silently incomplete.
 */
function existingBucketPermission(r: SamResource): SamResource | undefined {
  const token = r.Properties.ServiceToken;
  const handler = isRecord(token) && Array.isArray(token["Fn::GetAtt"]) ? token["Fn::GetAtt"][0] : undefined;
  if (typeof handler !== "string" || !handler.startsWith("CustomDashresourceDashexistingDashs3")) return undefined;
  const { FunctionName, BucketName } = r.Properties;
  if (FunctionName === undefined || BucketName === undefined) return undefined;
  return {
    Type: "AWS::Lambda::Permission",
    Properties: {
      Action: "lambda:InvokeFunction",
      FunctionName,
      Principal: "s3.amazonaws.com",
      SourceArn: { "Fn::Sub": ["arn:${AWS::Partition}:s3:::${Bucket}", { Bucket: BucketName }] },
      SourceAccount: { Ref: "AWS::AccountId" },
    },
    sourcePath: r.sourcePath,
  };
}

function parseTemplateText(text: string, file: string): Located {
  const trimmed = text.trimStart();
  return trimmed.startsWith("{") || trimmed.startsWith("[") ? parseJsonLocated(text, file) : parseYamlLocated(text, file);
}

/**
 * `aws cloudformation get-template` output: `{TemplateBody, StagesAvailable}`, how a deployed
 * stack's template is fetched (`--template-stage Processed` gives it after its transforms, a SAM
 * template expanded by CloudFormation itself). TemplateBody is the template as an object when it
 * was JSON, as a string when it was YAML.
 */
export function isGetTemplateOutput(v: unknown): v is { TemplateBody: unknown } {
  return isRecord(v) && "TemplateBody" in v && Object.keys(v).every((k) => k === "TemplateBody" || k === "StagesAvailable") && (isRecord(v.TemplateBody) || typeof v.TemplateBody === "string");
}

/** The template inside get-template output, its paths the template's own; lines are the file's (an object) or none (a string). */
function templateBodyOf(outer: Located, file: string): Located {
  const body = (outer.value as { TemplateBody: unknown }).TemplateBody;
  if (typeof body === "string") {
    // Lines of the string, which the file holds on one line: not lines anybody can open.
    const inner = parseTemplateText(body, file);
    return { value: inner.value, lineOf: () => null };
  }
  return { value: body, lineOf: (path) => outer.lineOf(path === "" ? "TemplateBody" : path.startsWith("[") ? `TemplateBody${path}` : `TemplateBody.${path}`) };
}

/** Role and function names stop at 64 characters (IAM, Lambda). */
const MAX_GENERATED_NAME = 64;

/** The reader's state and helpers; IAM resources are read here, Lambda resources in template-lambda.ts. */
export class TemplateReader {
  readonly warnings: Warning[] = [];
  readonly ctx: ArnContext;
  readonly resources: Record<string, SamResource>;
  /** Each resource's CDK construct path (`aws:cdk:path` metadata, else the manifest's), by logical ID. */
  readonly constructs = new Map<string, string>();
  readonly resolver: IntrinsicResolver;
  readonly roles = new Map<string, RoleRecord>(); // by logical ID
  readonly policies = new Map<string, ManagedPolicy>();
  readonly functions = new Map<string, { fn: LambdaFunction; statements: PolicyStatement[] }>();
  readonly patches = new Map<string, FunctionPatch & { statements: PolicyStatement[] }>();
  readonly statementLocations: StatementLocation[] = [];
  /** The permission resource each resource-policy statement came from. */
  readonly statementOrigins = new WeakMap<PolicyStatement, SourceLocation>();
  readonly incomplete = new Set<string>();
  readonly undecided = new Set<string>();
  /** The template's Conditions and its parameters' values as read (undefined: no value), for what an undecided condition says. */
  private conditionInputs: { conditions: Record<string, unknown>; values: Record<string, unknown> } = { conditions: {}, values: {} };
  /** Policies put on roles this template does not define (RolePolicyPatch), for normalising to attach. */
  rolePolicyPatches: RolePolicyPatch[] | undefined;
  /** Logical ID → the resources whose DependsOn names it; made at the first use. */
  dependents: Map<string, string[]> | undefined;
  readonly roleUses: RoleUseRecord[] = [];
  /** Layer versions the template defines and the permissions it adds to them (template-layers.ts). */
  layerVersions: LayerVersionRecord[] = [];
  readonly principals = new Map<string, PrincipalRecord>(); // users and groups, by logical ID
  /** The stack's name when the caller gave it (generated names start with it). */
  readonly stackName: string | null;
  /** What generated names start with (options.namePrefix, else the stack's name), or null. */
  readonly namePrefix: string | null;

  constructor(
    readonly template: Record<string, unknown>,
    readonly located: Located,
    readonly file: string,
    readonly digest: string,
    readonly options: CloudFormationReadOptions,
  ) {
    this.ctx = { partition: options.partition ?? "aws", region: options.region ?? UNKNOWN, accountId: options.accountId ?? options.syntheticAccountId ?? UNKNOWN };
    for (const [id, r] of Object.entries(isRecord(template.Resources) ? template.Resources : {})) {
      const path = isRecord(r) && isRecord(r.Metadata) ? r.Metadata["aws:cdk:path"] : undefined;
      if (typeof path === "string" && path !== "") this.constructs.set(id, path);
      else if (Object.hasOwn(options.constructPaths ?? {}, id)) this.constructs.set(id, options.constructPaths?.[id] as string);
    }
    this.stackName = options.stackName ?? null;
    this.namePrefix = options.namePrefix ?? options.stackName ?? null;
    // No prototype: a logical ID or a Ref named `constructor` finds no resource. Filled below,
    // after the SAM expansion, which the resolver's conditions serve (they depend on parameters only).
    this.resources = Object.create(null) as Record<string, SamResource>;
    const parameters = parameterValues(template.Parameters, options.parameters ?? {}, options.unknownParameters);
    this.conditionInputs = { conditions: isRecord(template.Conditions) ? template.Conditions : {}, values: parameters };
    this.resolver = new IntrinsicResolver({
      parameters,
      conditions: isRecord(template.Conditions) ? template.Conditions : {},
      mappings: isRecord(template.Mappings) ? template.Mappings : {},
      resources: this.resources as unknown as Record<string, unknown>,
      partition: this.ctx.partition,
      region: options.region ?? null,
      accountId: options.accountId ?? null,
      stackName: options.stackName ?? null,
      ...(options.imports ? { imports: options.imports } : {}),
      ...(options.nestedOutputs ? { nestedOutputs: options.nestedOutputs } : {}),
      roleArn: (id) => this.roleArn(id),
      functionArn: (id) => syntheticFunctionArn(this.ctx, this.functionName(id)),
      functionName: (id) => this.functionName(id),
      policyArn: (id) => this.policyArn(id),
      layerVersionArn: (id) => this.layerVersionArn(id),
      onUndecidedCondition: (name) => this.undecided.add(name),
    });
    if (isSamTemplate(template)) {
      // `Role: !If [HasRole, …, !Ref AWS::NoValue]`: SAM properties whose meaning a condition changes.
      const expanded = expandSam(template, this.ctx.partition, parameters, (name) => this.resolver.condition(name));
      Object.assign(this.resources, expanded.resources);
      for (const w of expanded.warnings) this.warn(w.code, w.severity ?? "warning", w.message, w.path);
    } else {
      for (const [id, r] of Object.entries(template.Resources as Record<string, Record<string, unknown>>)) {
        const res: SamResource = { Type: r.Type as string, Properties: isRecord(r.Properties) ? r.Properties : {}, sourcePath: childPath("Resources", id) };
        if (r.Condition !== undefined) res.Condition = r.Condition;
        this.resources[id] = res;
      }
    }
    if (isRecord(template.Parameters)) {
      // Said only where the value can reach what is read (parametersReached): not CDK's
      // BootstrapVersion, which every stack has, nor a parameter of an instance's AMI or a
      // function's handler, which no policy names.
      const reached = parametersReached(template, this.resources, new Set(options.nestedStacksRead ?? []));
      for (const [name, spec] of Object.entries(template.Parameters)) {
        const type = isRecord(spec) && typeof spec.Type === "string" ? spec.Type : "";
        if (!type.startsWith("AWS::SSM::Parameter::Value<") || !reached.has(name)) continue;
        const ssm = own(options.parameters ?? {}, name) ?? (isRecord(spec) && typeof spec.Default === "string" ? spec.Default : undefined);
        this.warn("cloudformation-ssm-parameter", "info", `parameter ${name} (${type}) is the value of SSM parameter ${ssm ?? "(none given)"} at deployment, not known here: written as \${${name}}`, childPath("Parameters", name));
      }
      // A parameter read with its Default: names and ARNs made from it are the defaults' (`dev-…`),
      // which generate bakes into the policy and role it writes (parameterDefaultsWarning). Said
      // where it reaches what is read; a NoEcho default is not shown.
      for (const [name, spec] of Object.entries(template.Parameters)) {
        if (!isRecord(spec) || spec.Default === undefined || own(options.parameters ?? {}, name) !== undefined || options.unknownParameters?.includes(name)) continue;
        const type = typeof spec.Type === "string" ? spec.Type : "";
        if (type.startsWith("AWS::SSM::Parameter::Value<") || !reached.has(name)) continue;
        if (isPlaceholderDefault(name, spec)) {
          this.warn("cloudformation-parameter-placeholder", "info", `parameter ${name} is not given (--parameter ${name}=…) and its Default is its own name, a placeholder the deployment tool replaces (the Amplify CLI writes its resources' parameters so): read as \${${name}}`, childPath("Parameters", name));
          continue;
        }
        const scalar = (v: unknown): v is string | number | boolean => typeof v === "string" || typeof v === "number" || typeof v === "boolean";
        const d = spec.Default;
        const value =
          spec.NoEcho === true || spec.NoEcho === "true"
            ? "(NoEcho: not shown)"
            : scalar(d)
              ? JSON.stringify(String(d))
              : Array.isArray(d) && d.every(scalar)
                ? JSON.stringify(d.map(String).join(","))
                : "(not a text value)";
        this.warn("cloudformation-parameter-default", "info", `parameter ${name} is not given (--parameter ${name}=…): read with its Default ${value}`, childPath("Parameters", name));
      }
    }
  }

  read(): IacFragment {
    const ids = Object.keys(this.resources).sort();
    const ofType = (...types: string[]): [string, SamResource][] =>
      ids.map((id) => [id, this.resources[id] as SamResource] as [string, SamResource]).filter(([, r]) => types.includes(r.Type) && this.included(r));

    // Nested stacks hold functions and roles of their own, in a template this file does not
    // have: said, so the audit is partial rather than clean.
    const nestedRead = new Set(this.options.nestedStacksRead ?? []);
    for (const [id, r] of ofType("AWS::CloudFormation::Stack", "AWS::Serverless::Application")) {
      if (nestedRead.has(id)) continue;
      // A CDK nested stack names its template file (an asset of the cloud assembly): missing from
      // the folder given, or the parent template given alone. Before, its functions were dropped
      // without a word (the audit clean and not partial).
      const asset = r.Type === "AWS::CloudFormation::Stack" ? (this.template.Resources as Record<string, Record<string, unknown>>)[id]?.Metadata : undefined;
      const assetPath = isRecord(asset) && typeof asset["aws:asset:path"] === "string" ? asset["aws:asset:path"] : undefined;
      if (assetPath !== undefined) {
        this.warn("cloudformation-nested-stack", "warning", `${id}: the template of this CDK nested stack (${printable(assetPath)}, beside this file) is not read: the functions and roles of its own template are not in this audit; give the whole cdk.out folder (for a deployed stack, get-template of the nested stack too)`, r.sourcePath);
        continue;
      }
      const skipped = own(this.options.nestedStacksSkipped ?? {}, id);
      if (skipped !== undefined) {
        this.warn("cloudformation-nested-stack", "warning", `${id}: a nested stack (${r.Type}) is not read: ${skipped}`, r.sourcePath);
        continue;
      }
      // Which template it is, so the user knows what to give: a local file not found (a local one
      // found is read with this template, local-nested-stacks.ts), a URL, a SAR application.
      const raw = (this.template.Resources as Record<string, Record<string, unknown>>)[id];
      const local = localTemplateLocation(r.Type, raw?.Properties);
      const location = isRecord(raw?.Properties) ? (r.Type === "AWS::CloudFormation::Stack" ? raw.Properties.TemplateURL : raw.Properties.Location) : undefined;
      const application = isRecord(location) ? location.ApplicationId : undefined;
      const which =
        local !== undefined
          ? isFile(childPathOf(this.file, local))
            ? `its template ${printable(local)} is not read with this one`
            : `its template ${printable(local)} is not found (relative to this file's folder)`
          : typeof location === "string"
            ? `its template ${printable(location)} is not read`
            : typeof application === "string"
              ? `its template is that of application ${printable(application)} (AWS Serverless Application Repository), not read`
              : "its template is not read";
      this.warn("cloudformation-nested-stack", "warning", `${id}: a nested stack (${r.Type}) is not read (${which}): the functions and roles of its own template are not in this audit; give that template too (for a deployed stack, get-template of the nested stack)`, r.sourcePath);
    }
    for (const [id, r] of ofType("AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine")) {
      this.warn("input-not-used", "info", `${id}: a state machine (${r.Type}) is not a Lambda resource; the role it runs with is not audited unless a function uses it`, r.sourcePath);
    }
    for (const [id, r] of ofType("AWS::IAM::ManagedPolicy")) this.readManagedPolicy(id, r);
    for (const [id, r] of ofType("AWS::IAM::Role")) this.readRole(id, r);
    for (const [id, r] of ofType("AWS::IAM::Group")) readPrincipal(this, id, r);
    for (const [id, r] of ofType("AWS::IAM::User")) readPrincipal(this, id, r);
    for (const [id, r] of ofType("AWS::IAM::UserToGroupAddition")) readUserToGroupAddition(this, id, r);
    for (const [id, r] of ofType("AWS::IAM::Policy", "AWS::IAM::RolePolicy")) this.readPolicyResource(id, r);
    for (const [id, r] of ofType("AWS::IAM::ManagedPolicy")) this.attachManagedPolicy(id, r);
    for (const [id, r] of ofType("AWS::Lambda::Function")) readFunction(this, id, r);
    for (const [id, r] of ofType("AWS::Lambda::Alias")) readAlias(this, id, r);
    for (const [id, r] of ofType("AWS::Lambda::Permission")) readPermission(this, id, r);
    for (const [id, r] of ofType("Custom::S3")) {
      const permission = existingBucketPermission(r);
      if (permission) readPermission(this, id, permission);
    }
    this.layerVersions = readLayerVersions(this, ofType(...LAYER_VERSION_TYPES), ofType("AWS::Lambda::LayerVersionPermission"));
    for (const [id, r] of ofType("AWS::Lambda::EventSourceMapping")) readEventSourceMapping(this, id, r);
    for (const [id, r] of ofType("AWS::Lambda::Url")) readUrl(this, id, r);
    for (const [id, r] of ofType("AWS::Lambda::EventInvokeConfig")) readEventInvokeConfig(this, id, r);
    for (const [id, r] of ofType("AWS::Config::ConfigRule")) readConfigRule(this, id, r);
    for (const [id, r] of ofType("AWS::Lambda::CapacityProvider")) this.readRoleUse(id, r, "capacity-provider-operator", ["PermissionsConfig", "CapacityProviderOperatorRoleArn"], "CapacityProviderName");
    for (const [id, r] of ofType("AWS::Lambda::NetworkConnector")) this.readRoleUse(id, r, "network-connector-operator", ["OperatorRole"], "Name");
    for (const [id, r] of ofType("AWS::Lambda::MicrovmImage")) this.readRoleUse(id, r, "microvm-image-build", ["BuildRoleArn"], "Name");
    for (const [id, r] of ofType("AWS::Lambda::WebFunctionRevision")) this.readRoleUse(id, r, "web-function-execution", ["ServiceConfig", "ExecutionRoleArn"], "FunctionName");
    // The customer managed keys of the queues and topics the functions deliver to (after every
    // DLQ, destination and mapping is read).
    readDeliveryKeys(this, [...this.functions.values()].map(({ fn }) => fn));
    // A log group the stack makes (Ref is its name, `${Id}` when CloudFormation names it).
    // Its name as Ref gives it: a fixed name, else `${Id}` (a name with a placeholder left included).
    // CDK's logRetention (Custom::LogRetention) creates the group too, if it does not exist yet
    // (aws-cdk-lib aws_logs.LogRetention); not when it is in another region (LogGroupRegion).
    const logGroups = ofType("AWS::Logs::LogGroup");
    const retention = ofType("Custom::LogRetention").filter(([, r]) => !isRecord(r.Properties) || r.Properties.LogGroupRegion === undefined);
    const made = [...logGroups, ...retention];
    const groups = new Set([
      ...logGroups.map(([id, r]) => this.fixedName(r, "LogGroupName") ?? `\${${id}}`),
      ...retention.map(([, r]) => this.fixedName(r, "LogGroupName")).filter((n): n is string => n !== undefined),
    ]);
    for (const { fn } of this.functions.values()) if (groups.has(fn.logGroup)) fn.logGroupCreated = true;
    // The function's own log group, named after a function CloudFormation names
    // (`!Sub /aws/lambda/${Fn}`, as CDK and hand-written templates write it): its name is known
    // only at deployment, so it matches no name above.
    for (const [, r] of made) {
      const fnId = functionOfLogGroupName(isRecord(r.Properties) ? r.Properties.LogGroupName : undefined);
      const own = fnId === undefined ? undefined : this.functions.get(fnId);
      // Only where the function writes: a LoggingConfig.LogGroup of its own is another group.
      if (own !== undefined && own.fn.logGroup.startsWith("/aws/lambda/")) own.fn.logGroupCreated = true;
    }

    const resourceIds = [...Object.keys(isRecord(this.template.Resources) ? this.template.Resources : {}), ...Object.keys(this.resources)];
    const defined = new Set([...Object.keys(isRecord(this.template.Parameters) ? this.template.Parameters : {}), ...resourceIds, ...resourceIds.map((id) => `resource:${id}`)]);
    // The template as written (its Resources' own Fn::Transform included; withoutIncludedResources).
    const written = isRecord(this.located.value) ? this.located.value : this.template;
    for (const { name, path, parameter, output } of undefinedReferences(written, defined, isSamTemplate(this.template))) {
      const line = this.lineNear(path);
      if (output !== undefined) {
        // Only an Output names it (a typo there, as 18F identity-infra-functions' `!GetAtt
        // RDSCopySnaphotFunction.Arn`): CloudFormation refuses the template all the same, but
        // the functions, roles and policies are read whole, so the inputs are not partial.
        const what = parameter ? `${name}, a parameter of this template (Fn::GetAtt reads resources only)` : `${name}, which is neither a parameter nor a resource of this template`;
        this.warn(
          "cloudformation-output-undefined-reference",
          "warning",
          `Output ${output} names ${what}${line === null ? "" : ` (line ${line})`}: CloudFormation refuses such a template; no function, role or policy refers to it, so what the audit reads is whole`,
          path,
        );
        continue;
      }
      if (parameter) {
        this.warn("cloudformation-undefined-reference", "error", `${name} is neither a resource nor a resource attribute: it is a parameter of this template, and Fn::GetAtt reads resources only${line === null ? "" : ` (line ${line})`}; CloudFormation refuses such a template; read as a placeholder, which names nothing`, path);
        continue;
      }
      this.warn(
        "cloudformation-undefined-reference",
        "error",
        `${name} is neither a parameter nor a resource of this template${line === null ? "" : ` (line ${line})`}: CloudFormation refuses such a template ("Unresolved resource dependencies [${name}]"); read as the placeholder \${${name}}, which names nothing`,
        path,
      );
    }
    for (const { code, path, message, resource } of unreadConstructs(written)) {
      this.warn(code, "warning", message, path);
      if (resource?.type === "AWS::IAM::Role") this.incomplete.add(this.roleArn(resource.id));
    }
    for (const c of [...this.undecided].sort()) {
      // Name the parameters without a value it depends on, and how to give them: an Amplify
      // function's ShouldNotCreateEnvResources depends on `env`, which has no Default, and read
      // with its first branch it named the function `S3Trigger`, not `S3Trigger-dev`.
      const unset = unsetParameters(this.conditionInputs.conditions[c], this.conditionInputs.conditions, this.conditionInputs.values);
      const give = unset.length === 0 ? "" : ` (${unset.join(", ")} ${unset.length === 1 ? "has" : "have"} no value: give ${unset.map((n) => `--parameter ${n}=…`).join(" ")})`;
      this.warn("cloudformation-undecided-condition", "warning", `condition ${c} cannot be decided from parameter defaults${give}; where it selects a value, the first branch that has one was read`, childPath("Conditions", c));
    }
    // A function whose Condition is false is not created, so it is not read: said (info), with the
    // parameter values that decided it, so that an empty audit or generate can say why it is empty
    // (before: "the inputs hold no Lambda functions" of a template that has one).
    for (const id of Object.keys(this.resources).sort()) {
      const r = this.resources[id] as SamResource;
      if ((r.Type !== "AWS::Lambda::Function" && r.Type !== "AWS::Serverless::Function") || typeof r.Condition !== "string" || this.resolver.condition(r.Condition) !== false) continue;
      const values = conditionParameters(this.conditionInputs.conditions[r.Condition], this.conditionInputs.conditions).map((n) => {
        const v = this.conditionInputs.values[n];
        return v === undefined ? `${n} without a value` : `${n}=${typeof v === "string" ? JSON.stringify(v) : printable(v)}`;
      });
      const by = values.length === 0 ? "" : ` with ${values.join(", ")}`;
      this.warn(FUNCTION_NOT_CREATED, "info", `function ${id} is not created: its condition ${r.Condition} is false${by}; give the parameter values the stack deploys with (--parameter) to read it`, r.sourcePath);
    }
    const fragment = emptyFragment({ path: this.file, kind: "cloudformation", sha256: this.digest, records: 0 }) as IacFragment;
    const references = this.valueReferences();
    if (references !== undefined) fragment.valueReferences = references;
    if (this.options.accountId) fragment.source.accountId = this.options.accountId;
    if (this.options.region) fragment.source.region = this.options.region;
    if (isServerlessFrameworkTemplate(this.template)) fragment.serverlessFramework = true;
    for (const role of this.roles.values()) {
      role.inlinePolicies.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      role.attachedPolicies.sort(byArn);
      if (role.policyResources !== undefined) role.policyResources.sort(byWhere);
      fragment.roles.push(role);
    }
    fragment.roles.sort(byArn);
    if (this.rolePolicyPatches !== undefined) fragment.rolePolicyPatches = this.rolePolicyPatches;
    for (const p of this.principals.values()) {
      p.inlinePolicies.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      p.attachedPolicies.sort(byArn);
      p.groups.sort();
      fragment.principals.push(p);
    }
    fragment.principals.sort(byArn);
    fragment.policies = [...this.policies.values()].sort(byArn);
    for (const { fn, statements } of this.functions.values()) {
      if (statements.length > 0) fn.resourcePolicy = resourcePolicyOf(statements);
      const origins = statements.map((s) => this.statementOrigins.get(s) ?? null);
      if (origins.some((o) => o !== null)) fn.resourcePolicyStatementSources = origins;
      fn.triggers.sort((a, b) => (a.eventSourceArn ?? "").localeCompare(b.eventSourceArn ?? ""));
      fragment.functions.push(fn);
    }
    fragment.functions.sort(byArn);
    for (const { statements, ...patch } of this.patches.values()) {
      if (statements.length > 0) patch.patch.resourcePolicy = resourcePolicyOf(statements);
      fragment.functionPatches.push(patch);
    }
    fragment.functionPatches.sort((a, b) => (a.functionArn ?? a.functionName ?? "").localeCompare(b.functionArn ?? b.functionName ?? ""));
    if (this.roleUses.length > 0) fragment.roleUses = this.roleUses;
    if (this.layerVersions.length > 0) fragment.layerVersions = this.layerVersions;
    fragment.incompletePrincipals = [...this.incomplete].sort();
    const suppressions = metadataSuppressions(this, fragment);
    if (suppressions.length > 0) fragment.suppressions = suppressions;
    // A nested stack not read holds functions and roles of its own: what is read is not all there is.
    // Which warnings these are is said once, in model/warning-label.ts: the reports list them as the reasons.
    fragment.partial = fragment.incompletePrincipals.length > 0 || this.warnings.some(templateWarningMakesPartial);
    fragment.warnings = sortWarnings(this.warnings);
    fragment.statementLocations = this.statementLocations.sort(
      (a, b) => a.ownerArn.localeCompare(b.ownerArn) || a.policy.localeCompare(b.policy) || (a.policyName ?? "").localeCompare(b.policyName ?? "") || a.statementIndex - b.statementIndex,
    );
    fragment.source.records = fragment.roles.length + fragment.principals.length + fragment.policies.length + fragment.functions.length;
    attachStatementSources(fragment);
    return fragment;
  }

  /**
   * A capacity provider, network connector, MicroVM image or web function revision: the role Lambda runs it with (a
   * property holding the role's ARN, `!GetAtt Role.Arn` or a literal), so that the role is known to
   * be in use although no function names it.
   */
  private readRoleUse(id: string, r: SamResource, kind: RoleUseRecord["kind"], [property, ...inside]: [string, ...string[]], nameProperty: string): void {
    let value: unknown = this.prop(r, property); // resolved, nested values included
    for (const key of inside) value = isRecord(value) ? value[key] : undefined;
    if (typeof value !== "string" || value === "") return;
    this.roleUses.push({ roleArn: this.joinRole(value) ?? value, kind, resource: this.fixedName(r, nameProperty) ?? this.generatedName(id) });
  }

  /**
   * Where the values made from parameters read with their Default came from: every resource
   * property resolved a second time with those parameters marked (markParameter), each string
   * that holds a mark recorded as the value and the Fn::Sub text that makes it
   * (`dev-orders-dlq` ← `${Env}-orders-dlq`). Why: generate writes a policy back into this
   * template; with the value, a stack deployed with Env=prod got the dev role's name and the dev
   * queue. A Fn::FindInMap keyed by such a parameter is marked as that lookup (intrinsics.ts,
   * mappedByParameter). A value whose marked resolution is not its own once unmarked (a mark in a
   * Fn::FindInMap key made otherwise, cut by Fn::Split) came from a default but cannot be written back: null.
   * Undefined when no resource uses such a parameter.
   */
  private valueReferences(): ValueReferences | undefined {
    const declared = isRecord(this.template.Parameters) ? this.template.Parameters : {};
    const given = this.options.parameters ?? {};
    const values = parameterValues(declared, given, this.options.unknownParameters);
    const used = JSON.stringify(this.template.Resources ?? {});
    const conditions = JSON.stringify(this.template.Conditions ?? {});
    const uses = (text: string, name: string): boolean => text.includes(JSON.stringify({ Ref: name })) || text.includes(`\${${name}}`);
    const marked: Record<string, unknown> = { ...values };
    const defaulted: string[] = [];
    for (const [name, v] of Object.entries(values)) {
      // Given (--parameter, samconfig) or without a value (no Default, SSM): not a default's.
      if (v === undefined || own(given, name) !== undefined) continue;
      defaulted.push(name);
      marked[name] = typeof v === "string" ? markParameter(name, v) : Array.isArray(v) ? v.map((x) => (typeof x === "string" ? markParameter(`${name}[]`, x) : x)) : v;
    }
    if (!defaulted.some((name) => uses(used, name) || uses(conditions, name))) return undefined;
    const conditionParameters = defaulted.filter((name) => uses(conditions, name)).sort();
    // Both resolvers decide conditions as the reader does, and say nothing (the reader says it).
    const quiet = {
      conditions: {},
      mappings: isRecord(this.template.Mappings) ? this.template.Mappings : {},
      resources: this.resources as unknown as Record<string, unknown>,
      partition: this.ctx.partition,
      region: this.options.region ?? null,
      accountId: this.options.accountId ?? null,
      stackName: this.options.stackName ?? null,
      ...(this.options.imports ? { imports: this.options.imports } : {}),
      ...(this.options.nestedOutputs ? { nestedOutputs: this.options.nestedOutputs } : {}),
      roleArn: (id: string) => this.roleArn(id),
      functionArn: (id: string) => syntheticFunctionArn(this.ctx, this.functionName(id)),
      functionName: (id: string) => this.functionName(id),
      policyArn: (id: string) => this.policyArn(id),
      layerVersionArn: (id: string) => this.layerVersionArn(id),
      onUndecidedCondition: () => undefined,
      decideCondition: (name: string) => this.resolver.condition(name),
    };
    const plain = new IntrinsicResolver({ ...quiet, parameters: values });
    const twin = new IntrinsicResolver({ ...quiet, parameters: marked });
    const table = new Map<string, string | null>();
    const whole = new Set<string>();
    const pair = (a: unknown, b: unknown): void => {
      if (typeof a === "string" && typeof b === "string") {
        if (!isMarked(b)) return;
        addValueReference(table, a, unmarked(b) === a ? markedAsReference(b) : null);
        if (/^\uE000[^\uE000]*\uE002$/.test(b)) whole.add(a);
      } else if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
        a.forEach((x, i) => pair(x, b[i]));
      } else if (isRecord(a) && isRecord(b)) {
        for (const k of Object.keys(a)) if (Object.hasOwn(b, k)) pair(a[k], b[k]);
      }
    };
    for (const id of Object.keys(this.resources).sort()) {
      const properties = (this.resources[id] as SamResource).Properties;
      for (const key of Object.keys(properties)) pair(plain.resolve(properties[key]), twin.resolve(properties[key]));
    }
    const parameters: { [name: string]: ParameterLength } = {};
    for (const name of [...defaulted].sort()) {
      const v = values[name];
      if (typeof v === "string") parameters[name] = parameterLength(v, declared[name]);
    }
    const mappings = isRecord(this.template.Mappings) ? this.template.Mappings : {};
    for (const expression of table.values()) {
      for (const m of (expression ?? "").matchAll(/\$\{(Fn::FindInMap:[^}]*)\}/g)) {
        const lookup = m[1] as string;
        if (parameters[lookup] !== undefined) continue;
        const mapped = mappedLength(mappings, lookup, declared, values);
        if (mapped !== undefined) parameters[lookup] = { ...mapped, basis: "Mappings" };
      }
    }
    return { file: this.file, language: "cloudformation", values: table, whole, conditionParameters, ...(Object.keys(parameters).length > 0 ? { parameters } : {}) };
  }

  /* ------------------------------------------------------------ helpers */

  warn(code: string, severity: Warning["severity"], message: string, path?: string): void {
    // A warning on a resource of a CDK app names its construct too: the template is cdk synth's
    // output, and the construct is where the user finds (and changes) what is not understood.
    const id = path === undefined ? undefined : /^Resources\.([A-Za-z0-9]+)(?:$|[.[])/.exec(path)?.[1];
    const construct = id === undefined ? undefined : this.constructs.get(id)?.replace(/\/Resource$/, "");
    if (construct !== undefined && !message.includes(construct)) message = `${message} (CDK construct ${construct})`;
    const w: Warning = { code, severity, message, file: this.file };
    if (path !== undefined) w.path = path;
    this.warnings.push(w);
  }

  location(path: string, address: string): SourceLocation {
    const loc: SourceLocation = { file: this.file, line: this.lineNear(path), address };
    // A CDK-synthesised resource says where it is in the app: its construct path.
    const construct = this.constructs.get(address.split(".")[0] ?? "");
    if (construct !== undefined) loc.construct = construct;
    return loc;
  }

  /** The line of `path`, or of its nearest recorded ancestor (generated resources point at their origin). */
  lineNear(path: string): number | null {
    return this.nearest(path).line;
  }

  nearest(path: string): { line: number | null; path: string } {
    let p = path;
    for (;;) {
      const line = this.located.lineOf(p);
      if (line !== null) return { line, path: p };
      const cut = Math.max(p.lastIndexOf("."), p.lastIndexOf("["));
      if (cut <= 0) return { line: null, path };
      p = p.slice(0, cut);
    }
  }

  /** A resource with a `Condition` that is false is not created. */
  included(r: SamResource): boolean {
    if (typeof r.Condition !== "string") return true;
    const v = this.resolver.condition(r.Condition);
    if (v === undefined) this.undecided.add(r.Condition);
    return v !== false;
  }

  prop(r: SamResource, key: string): unknown {
    const v = r.Properties[key];
    if (v === undefined) return undefined;
    const resolved = this.resolver.resolve(v);
    return resolved === NO_VALUE ? undefined : resolved;
  }

  /**
   * A Tags property in its list form (`[{Key, Value}]`): values resolved as strings (an intrinsic
   * is resolved, anything else written as JSON). `String(value)` threw on a value such as
   * `{"toString": ""}` (found by the template fuzz test).
   */
  tagsOf(raw: unknown): { [k: string]: string } {
    const tags: { [k: string]: string } = {};
    if (Array.isArray(raw)) for (const t of raw) if (isRecord(t) && typeof t.Key === "string") tags[t.Key] = this.resolver.str(t.Value ?? "");
    return tags;
  }

  propString(r: SamResource, key: string): string | undefined {
    const v = this.prop(r, key);
    return typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
  }

  /** A name property that is a literal (or resolves fully); generated names are not knowable. */
  fixedName(r: SamResource | undefined, key: string): string | undefined {
    if (!r) return undefined;
    const v = this.propString(r, key);
    return v !== undefined && !v.includes("${") ? v : undefined;
  }

  roleArn(id: string): string {
    const r = this.resources[id];
    const name = this.fixedName(r, "RoleName") ?? this.generatedName(id);
    const path = r ? normalisePath(this.fixedName(r, "Path")) : "/";
    return syntheticRoleArn(this.ctx, path, name);
  }

  /** The ARN Ref of a layer version gives (template-layers.ts). */
  layerVersionArn(id: string): string {
    return layerVersionArnOf(this.ctx, this.fixedName(this.resources[id], "LayerName") ?? this.generatedName(id), id);
  }

  functionName(id: string): string {
    return this.fixedName(this.resources[id], "FunctionName") ?? this.generatedName(id);
  }

  /** The knowable start of the name CloudFormation gives a resource without a name property. */
  generatedName(id: string): string {
    if (this.namePrefix === null) return id;
    const full = `${this.namePrefix}-${id}`;
    if (full.length <= MAX_GENERATED_NAME) return full;
    // Longer than IAM and Lambda allow (CloudFormation cuts both parts to fit, then adds its random
    // suffix): the prefix is cut and a digest of it ends the name, so two stacks' resources stay
    // two, and the name stays one IAM accepts (`generate` keeps such a role). A logical ID too long
    // for even that is cut too (a template's resources are told apart by their logical ID anyway).
    const digest = sha256(this.namePrefix).slice(0, 8);
    const room = MAX_GENERATED_NAME - id.length - digest.length - 2;
    if (room >= 1) return `${this.namePrefix.slice(0, room)}-${id}-${digest}`;
    return `${id.slice(0, MAX_GENERATED_NAME - digest.length - 1)}-${digest}`;
  }

  policyArn(id: string): string {
    const r = this.resources[id];
    return syntheticPolicyArn(this.ctx, normalisePath(this.fixedName(r, "Path")), this.fixedName(r, "ManagedPolicyName") ?? this.generatedName(id));
  }

  /** Parse a policy document after resolving intrinsics; record where each statement was written. */
  document(raw: unknown, path: string, owner: string, kind: StatementLocation["policy"], policyName: string | null): PolicyDocument | null {
    // Included at deployment (AWS::Include, a macro; said by unreadConstructs): not a document to
    // parse here, and not "invalid": the owner's permissions are a lower bound.
    if (holdsTransform(raw)) {
      this.incomplete.add(owner);
      return null;
    }
    const resolved = this.resolver.resolve(raw);
    try {
      const doc = parsePolicyDocument(resolved, { file: this.file, path });
      const statementPath = childPath(path, "Statement");
      const rawStatements = isRecord(raw) ? raw.Statement : undefined;
      doc.Statement.forEach((statement, i) => {
        const p = Array.isArray(rawStatements) ? childPath(statementPath, i) : statementPath;
        const at = this.nearest(p);
        this.statementLocations.push({ ownerArn: owner, policy: kind, policyName, statementIndex: i, source: { file: this.file, line: at.line, address: at.path } });
        // IAM takes "*" or an ARN in Resource: anything else refuses the whole policy at deployment
        // (MalformedPolicyDocument), such as `!Sub arn${AWS::Partition}logs:…` with its colons
        // missing (an AWS sample) or a queue's `!Ref` (its URL). Read as written it matches
        // nothing; before, nothing said the template could not deploy. A value that starts with a
        // reference known only at deployment (`${Bucket.Arn}`) may be an ARN: not said.
        for (const key of ["Resource", "NotResource"] as const) {
          const bad = (statement[key] ?? []).filter((r) => r !== "*" && !r.startsWith("arn:") && !r.startsWith("${"));
          // A statement SAM generates is said where it was written (the event, the DLQ).
          const where = at.path === p ? childPath(p, key) : at.path;
          for (const r of bad) this.warn("cloudformation-invalid-resource", "warning", `${key} ${JSON.stringify(printable(r))} is neither an ARN nor "*": IAM refuses this policy when the stack is deployed (MalformedPolicyDocument); read as written, it matches no resource`, where);
        }
      });
      return doc;
    } catch (error) {
      if (!(error instanceof PolicyParseError)) throw error;
      this.warn("invalid-policy-document", "error", `invalid policy document: ${error.message}`, error.path ?? path);
      this.incomplete.add(owner);
      return null;
    }
  }

  /**
   * Role logical IDs named by a `Roles` list (`!Ref Role`, or a role name). An entry may be chosen
   * by a condition (`!If [CreateRole, !Ref Role, !Ref RoleName]`, or `!Ref AWS::NoValue` in its
   * other branch): its branch is taken first. Before, the whole `!If` was read as a name
   * (`${Role}`): the policy was attached to no role, and reported as added to a role the template
   * does not define.
   */
  roleIdsOf(list: unknown): { ids: string[]; external: string[]; names: string[] } {
    const ids: string[] = [];
    const external: string[] = [];
    // The external roles' names as read (a placeholder included), beside how each is shown.
    const names: string[] = [];
    for (const item of Array.isArray(list) ? list : list === undefined ? [] : [list]) {
      const entry = isRecord(item) && Object.keys(item).length === 1 && "Fn::If" in item ? this.resolveIfOnly(item) : item;
      if (entry === NO_VALUE || (isRecord(entry) && entry.Ref === "AWS::NoValue")) continue;
      if (isRecord(entry) && typeof entry.Ref === "string" && this.resources[entry.Ref]?.Type === "AWS::IAM::Role") {
        ids.push(entry.Ref);
        continue;
      }
      const name = this.resolver.str(entry);
      const match = [...this.roles.entries()].find(([, r]) => r.name === name);
      if (match) ids.push(match[0]);
      else {
        external.push(name.includes("${") ? describeRoleName(entry, name) : name);
        names.push(name);
      }
    }
    return { ids, external, names };
  }

  /* ------------------------------------------------------------- IAM */

  readManagedPolicy(id: string, r: SamResource): void {
    const arn = this.policyArn(id);
    // The connector that makes it: expanded here (sam-connectors.ts), or, in a template the SAM
    // transform already processed (get-template --template-stage Processed, aws-sam-translator's
    // output), named by the `aws:sam:connectors` metadata the translator puts on it.
    const raw = isRecord(this.template.Resources) ? this.template.Resources[id] : undefined;
    const connectors = isRecord(raw) && isRecord(raw.Metadata) ? raw.Metadata["aws:sam:connectors"] : undefined;
    const madeFrom = r.madeFrom ?? (isRecord(connectors) && Object.keys(connectors).length === 1 ? Object.keys(connectors)[0] : undefined);
    const path = childPath(r.sourcePath, "Properties");
    const document = this.document(r.Properties.PolicyDocument, childPath(path, "PolicyDocument"), arn, "managed", null);
    this.policies.set(id, {
      arn,
      name: this.fixedName(r, "ManagedPolicyName") ?? this.generatedName(id),
      path: normalisePath(this.fixedName(r, "Path")),
      awsManaged: false,
      defaultVersionId: null,
      document,
      resolution: document ? "input" : "unresolved",
      otherVersions: [],
      attachmentCount: null,
      source: madeFrom === undefined ? this.location(r.sourcePath, id) : { ...this.location(r.sourcePath, id), samMadeFrom: madeFrom },
    });
  }

  attachManagedPolicy(id: string, r: SamResource): void {
    const policy = this.policies.get(id);
    if (!policy) return;
    const { ids, external, names } = this.roleIdsOf(r.Properties.Roles);
    for (const roleId of ids) {
      const role = this.roles.get(roleId);
      if (role && !role.attachedPolicies.some((p) => p.arn === policy.arn)) role.attachedPolicies.push({ arn: policy.arn, name: policy.name });
    }
    external.forEach((name, i) => this.externalRole(id, r, `is attached to role ${name}`, "Roles", names[i] as string, ids, external, i, { managedPolicy: { arn: policy.arn, name: policy.name } }));
    const others: string[] = [...external];
    for (const type of ["user", "group"] as const) {
      const { found, external: unknown } = principalsOf(this, r.Properties[type === "user" ? "Users" : "Groups"], type);
      for (const p of found) {
        if (!p.attachedPolicies.some((a) => a.arn === policy.arn)) p.attachedPolicies.push({ arn: policy.arn, name: policy.name });
      }
      others.push(...found.map((p) => `${type} ${p.name}`), ...unknown.map((n) => `${type} ${n}`));
    }
    this.recordPolicyResource(id, r, ids, others, { managedPolicyArns: [policy.arn] });
  }

  /**
   * Say, on each role a separate resource puts a policy on, where that resource is written
   * (Role.policyResources): a role that replaces the role's definition (`generate`) leaves it
   * attached, so the user must be told to remove or edit it, and what depends on it.
   */
  recordPolicyResource(id: string, r: SamResource, roleIds: string[], others: string[], what: { inlinePolicy?: string; managedPolicyArns?: string[] }): void {
    const roles = [...new Set(roleIds)].filter((roleId) => this.roles.has(roleId));
    for (const roleId of roles) {
      const role = this.roles.get(roleId) as RoleRecord;
      const sharedWith = [...new Set([...roles.filter((x) => x !== roleId).map((x) => `role ${x}`), ...others])].sort();
      const source = r.madeFrom === undefined ? this.location(r.sourcePath, id) : { ...this.location(r.sourcePath, id), samMadeFrom: r.madeFrom };
      const entry: RolePolicyResource = { type: r.Type, source, ...what, sharedWith, dependents: this.dependentsOf(id) };
      role.policyResources = [...(role.policyResources ?? []).filter((p) => p.source.address !== id), entry];
    }
  }

  /** The resources whose DependsOn names `id` (CDK makes each function depend on its role's DefaultPolicy). */
  dependentsOf(id: string): string[] {
    if (this.dependents === undefined) {
      this.dependents = new Map();
      const raw = isRecord(this.template.Resources) ? this.template.Resources : {};
      for (const [other, res] of Object.entries(raw)) {
        const on = isRecord(res) ? res.DependsOn : undefined;
        for (const name of Array.isArray(on) ? on : [on]) {
          if (typeof name !== "string") continue;
          this.dependents.set(name, [...(this.dependents.get(name) ?? []), other]);
        }
      }
    }
    return [...new Set(this.dependents.get(id) ?? [])].sort();
  }

  /**
   * A policy resource names a role this template does not define. Said with what it is given as
   * when that is not a name (`Fn::ImportValue`, a parameter, CDK's role name cut from an imported
   * ARN): "role ${Fn::Select:1}" did not say which role, nor why it could not be told.
   */
  externalRole(id: string, r: SamResource, what: string, key: "Roles" | "RoleName", name: string, ids: string[], external: string[], index: number, policy: { inlinePolicy?: InlinePolicy; managedPolicy?: { arn: string; name: string } }): void {
    const warning: Warning = {
      code: "cloudformation-external-role",
      severity: "warning",
      message: `${id} ${what}, which this template does not define, nor any other input: its policy is not on any role of this audit (the role may be another stack's or the account's)`,
      file: this.file,
      path: childPath(childPath(r.sourcePath, "Properties"), key),
    };
    // Another stack's role, by its name or (a name CloudFormation makes, exported by a CDK stack)
    // by the construct it was exported from: normalising attaches the policy to it if it is read.
    const construct = /^\$\{([^${}.:]+(?:\/[^${}.:]+)+)\}$/.exec(name)?.[1];
    const byName = !name.includes("${") && name !== "";
    if ((!byName && construct === undefined) || (policy.inlinePolicy === undefined && policy.managedPolicy === undefined)) {
      this.warnings.push(warning);
      return;
    }
    const sharedWith = [...new Set([...ids.map((x) => `role ${x}`), ...external.filter((_, j) => j !== index).map((x) => `role ${x}`)])];
    const resource: RolePolicyResource = {
      type: r.Type,
      source: this.location(r.sourcePath, id),
      ...(policy.inlinePolicy !== undefined ? { inlinePolicy: policy.inlinePolicy.name } : {}),
      ...(policy.managedPolicy !== undefined ? { managedPolicyArns: [policy.managedPolicy.arn] } : {}),
      sharedWith: sharedWith.sort(),
      dependents: this.dependentsOf(id),
    };
    (this.rolePolicyPatches ??= []).push({
      ...(byName ? { roleName: name } : { roleConstruct: construct }),
      // The template's account; one it does not say is this file's own (syntheticAccountFor), so
      // such a template matches no other input's role, as its ARNs match none.
      accountId: this.ctx.accountId,
      ...policy,
      resource,
      unmatched: warning,
    });
  }

  readRole(id: string, r: SamResource): void {
    const arn = this.roleArn(id);
    const name = this.fixedName(r, "RoleName") ?? this.generatedName(id);
    const props = childPath(r.sourcePath, "Properties");
    const generated = r.policySourcePaths !== undefined;
    const trustPolicy = r.Properties.AssumeRolePolicyDocument === undefined ? null : this.document(r.Properties.AssumeRolePolicyDocument, generated ? (/^Resources(\.[^.[]+|\["(?:[^"\\]|\\.)*"\])/.exec(r.sourcePath)?.[0] ?? r.sourcePath) : childPath(props, "AssumeRolePolicyDocument"), arn, "trust", null);
    if (trustPolicy === null) this.incomplete.add(arn);
    const inlinePolicies: InlinePolicy[] = [];
    const rawPolicies = this.resolveShallowList(r.Properties.Policies);
    rawPolicies.forEach(({ value: p, index }) => {
      if (!isRecord(p)) return;
      // A policy CloudFormation includes at deployment (Fn::Transform, said by unreadConstructs):
      // the role grants more than is read.
      if (holdsTransform(p)) {
        this.incomplete.add(arn);
        return;
      }
      const pname = this.resolver.str(p.PolicyName);
      const origin = r.policySourcePaths?.[pname];
      const path = origin ?? childPath(childPath(props, "Policies"), index);
      const docPath = origin ?? childPath(path, "PolicyDocument");
      const doc = this.document(p.PolicyDocument, docPath, arn, "inline", pname);
      if (doc) inlinePolicies.push({ name: pname, document: doc, source: this.location(path, `${id}.Policies.${pname}`) });
    });
    const attachedPolicies: { arn: string; name: string }[] = [];
    for (const { value } of this.resolveShallowList(r.Properties.ManagedPolicyArns)) {
      const a = this.resolver.str(value);
      if (a && !attachedPolicies.some((x) => x.arn === a)) attachedPolicies.push({ arn: a, name: a.slice(a.lastIndexOf("/") + 1) });
    }
    const boundary = this.propString(r, "PermissionsBoundary");
    const tags = this.tagsOf(this.prop(r, "Tags"));
    const construct = this.constructs.get(id);
    // Without any construct path in the template (a unit test's or integration snapshot's synth),
    // the CDK's handler roles are still told by their logical IDs.
    const handler = construct !== undefined ? cdkHandlerOf(construct) : this.constructs.size === 0 ? cdkHandlerOfLogicalId(id) : null;
    this.roles.set(id, {
      arn,
      name,
      path: normalisePath(this.fixedName(r, "Path")),
      roleId: null,
      accountId: this.ctx.accountId,
      createDate: null,
      trustPolicy,
      inlinePolicies,
      attachedPolicies,
      permissionsBoundaryArn: boundary ?? null,
      lastUsed: null,
      tags: Object.fromEntries(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : 1))),
      ...(this.fixedName(r, "RoleName") === undefined ? { generatedName: true } : {}),
      // A role of one of the CDK's own handlers: a finding on its grants says what the app can do.
      ...(handler !== null ? { cdkHandler: handler } : {}),
      source: r.madeFrom === undefined ? this.location(r.sourcePath, id) : { ...this.location(r.sourcePath, id), samMadeFrom: r.madeFrom },
    });
  }

  /**
   * A list property whose elements may be `Fn::If` / NoValue; keeps the original index for paths.
   * The whole list may be an intrinsic too (`ManagedPolicyArns: !Ref PolicyArnsParam`, a
   * CommaDelimitedList, or `Fn::Split`): resolved; one that cannot be is a placeholder element
   * (`${PolicyArnsParam}`), never an empty list.
   */
  resolveShallowList(v: unknown): { value: unknown; index: number }[] {
    const whole = isRecord(v) && Object.keys(v).length === 1 && ("Fn::If" in v || "Ref" in v || "Fn::Split" in v || "Fn::FindInMap" in v);
    let list = whole ? this.resolver.resolve(v) : v;
    if (whole && typeof list === "string") list = [list];
    if (!Array.isArray(list)) return [];
    const out: { value: unknown; index: number }[] = [];
    list.forEach((e, index) => {
      if (isRecord(e) && Object.keys(e).length === 1 && ("Fn::If" in e || "Ref" in e)) {
        // Resolve the wrapper only: its policy document is resolved (and located) by the caller.
        const r = "Fn::If" in e ? this.resolveIfOnly(e) : e;
        if (r === NO_VALUE) return;
        out.push({ value: r, index });
      } else out.push({ value: e, index });
    });
    return out;
  }

  resolveIfOnly(e: Record<string, unknown>): unknown {
    const arg = e["Fn::If"];
    if (!Array.isArray(arg) || typeof arg[0] !== "string") return e;
    const decided = this.resolver.condition(arg[0]);
    const isNoValue = (x: unknown): boolean => isRecord(x) && x.Ref === "AWS::NoValue";
    let pick: unknown;
    if (decided === true) pick = arg[1];
    else if (decided === false) pick = arg[2];
    else {
      this.undecided.add(arg[0]);
      pick = isNoValue(arg[1]) ? arg[2] : arg[1];
    }
    return isNoValue(pick) ? NO_VALUE : pick;
  }

  readPolicyResource(id: string, r: SamResource): void {
    const name = this.resolver.str(r.Properties.PolicyName) || id;
    const props = childPath(r.sourcePath, "Properties");
    const roleList = r.Type === "AWS::IAM::RolePolicy" ? [r.Properties.RoleName] : r.Properties.Roles;
    const { ids, external, names } = roleList === undefined ? { ids: [], external: [], names: [] } : this.roleIdsOf(roleList);
    for (const roleId of ids) {
      const role = this.roles.get(roleId);
      if (!role) continue;
      const doc = this.document(r.Properties.PolicyDocument, childPath(props, "PolicyDocument"), role.arn, "inline", name);
      if (doc) {
        role.inlinePolicies = role.inlinePolicies.filter((p) => p.name !== name);
        role.inlinePolicies.push({ name, document: doc, source: this.location(r.sourcePath, id) });
        // An AwsCustomResource's policy, on the handler role all of the stack's share: the
        // AwsCustomResource is where the app scopes it (its `policy` prop).
        const construct = this.constructs.get(id);
        const customResource =
          construct === undefined ? (this.constructs.size === 0 ? awsCustomResourceOfLogicalId(id) : null) : construct.endsWith(CUSTOM_RESOURCE_POLICY) ? construct.slice(0, -CUSTOM_RESOURCE_POLICY.length) : null;
        if (role.cdkHandler?.kind === "aws-custom-resource" && customResource !== null) {
          role.cdkHandler.awsCustomResources = { ...role.cdkHandler.awsCustomResources, [`inline:${name}`]: customResource };
        }
      }
    }
    if (external.length > 0) {
      // Located as a policy of no role of this template (it may be another stack's).
      const doc = this.document(r.Properties.PolicyDocument, childPath(props, "PolicyDocument"), `external:${id}`, "inline", name);
      external.forEach((n, i) =>
        this.externalRole(id, r, `adds inline policy ${name} to role ${n}`, r.Type === "AWS::IAM::RolePolicy" ? "RoleName" : "Roles", names[i] as string, ids, external, i, doc === null ? {} : { inlinePolicy: { name, document: doc, source: this.location(r.sourcePath, id) } }),
      );
    }
    const others: string[] = [...external];
    if (r.Type === "AWS::IAM::Policy") {
      for (const type of ["user", "group"] as const) {
        const { found, external: unknown } = principalsOf(this, r.Properties[type === "user" ? "Users" : "Groups"], type);
        for (const p of found) {
          const doc = this.document(r.Properties.PolicyDocument, childPath(props, "PolicyDocument"), p.arn, "inline", name);
          if (!doc) continue;
          p.inlinePolicies = p.inlinePolicies.filter((x) => x.name !== name);
          p.inlinePolicies.push({ name, document: doc, source: this.location(r.sourcePath, id) });
        }
        others.push(...found.map((p) => `${type} ${p.name}`), ...unknown.map((n) => `${type} ${n}`));
      }
    }
    this.recordPolicyResource(id, r, ids, others, { inlinePolicy: name });
  }

  /* ----------------------------------------------------------- Lambda */

  /**
   * A role ARN written out (`!Sub arn:aws:iam::${AWS::AccountId}:role/x`) for a role this template
   * defines: the account is not known, so match the template's role by path and name, and use
   * its ARN so the normaliser joins them.
   */
  joinRole(arn: string | undefined): string | undefined {
    if (arn === undefined) return undefined;
    // The account may be symbolic (`${AWS::AccountId}` has colons of its own).
    const m = /^arn:[^:]*:iam::(?:\$\{[^}]*\}|[^:]*):role(\/.*)$/.exec(arn);
    if (!m?.[1]) return arn;
    const rest = m[1];
    const slash = rest.lastIndexOf("/");
    const path = rest.slice(0, slash + 1);
    const name = rest.slice(slash + 1);
    // `!Sub ['arn:aws:iam::${AWS::AccountId}:role/${roleName}', {roleName: !Ref Role}]`, as
    // Architect (`arc deploy`) writes every function's Role: the Ref of a role whose name
    // CloudFormation makes is that name, read as `${Role}`, whatever the account. Before, the
    // function's role was "not in the IAM inputs" and the role "used by no function" (LR016).
    const ref = /^\$\{([A-Za-z0-9]+)\}$/.exec(name);
    const byRef = ref?.[1] === undefined ? undefined : this.roles.get(ref[1]);
    if (byRef?.generatedName === true && byRef.path === path) return byRef.arn;
    if (arn.startsWith(`arn:${this.ctx.partition}:iam::${this.ctx.accountId}:role/`)) return arn;
    const match = [...this.roles.values()].filter((r) => r.name === name && r.path === path);
    return match.length === 1 && match[0] ? match[0].arn : arn;
  }

}

/** A function's properties that no policy, role, trigger or name leastrole reads is made from: what it runs. */
const RUN_ONLY = new Set([
  "Code", "CodeUri", "InlineCode", "ImageUri", "ImageConfig", "Handler", "Runtime", "RuntimeManagementConfig", "MemorySize", "Timeout", "Description",
  "Environment", "Architectures", "EphemeralStorage", "ReservedConcurrentExecutions", "ProvisionedConcurrencyConfig", "SnapStart", "CodeSigningConfigArn",
  "AutoPublishCodeSha256", "VersionDescription",
]);

/**
 * A template `serverless package` compiled: the resources the framework always writes, its
 * deployment bucket (up to v3) or the role its functions share, or its stack description.
 */
function isServerlessFrameworkTemplate(template: Record<string, unknown>): boolean {
  const resources = isRecord(template.Resources) ? template.Resources : {};
  const typeOf = (id: string): unknown => (isRecord(resources[id]) ? (resources[id] as Record<string, unknown>).Type : undefined);
  return typeOf("ServerlessDeploymentBucket") === "AWS::S3::Bucket" || typeOf("IamRoleLambdaExecution") === "AWS::IAM::Role" || template.Description === "The AWS CloudFormation template for this Serverless application";
}

/** The warning code of a template function whose Condition is false (not created, not read). */
export const FUNCTION_NOT_CREATED = "cloudformation-function-not-created";

/** The parameters a condition depends on, through the conditions it names; sorted. */
function conditionParameters(condition: unknown, conditions: Record<string, unknown>): string[] {
  const found = new Set<string>();
  const seen = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (isRecord(v)) {
      if (typeof v.Ref === "string" && !v.Ref.startsWith("AWS::")) found.add(v.Ref);
      if (typeof v.Condition === "string" && !seen.has(v.Condition) && Object.hasOwn(conditions, v.Condition)) {
        seen.add(v.Condition);
        walk(conditions[v.Condition]);
      }
      for (const [k, x] of Object.entries(v)) if (k !== "Ref" && k !== "Condition") walk(x);
    }
  };
  walk(condition);
  return [...found].sort();
}

/** The parameters without a value (no Default, a placeholder, an SSM type) a condition depends on, through the conditions it names; sorted. */
function unsetParameters(condition: unknown, conditions: Record<string, unknown>, values: Record<string, unknown>): string[] {
  const found = new Set<string>();
  const seen = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (isRecord(v)) {
      if (typeof v.Ref === "string" && Object.hasOwn(values, v.Ref) && values[v.Ref] === undefined) found.add(v.Ref);
      if (typeof v.Condition === "string" && !seen.has(v.Condition) && Object.hasOwn(conditions, v.Condition)) {
        seen.add(v.Condition);
        walk(conditions[v.Condition]);
      }
      for (const [k, x] of Object.entries(v)) if (k !== "Ref" && k !== "Condition") walk(x);
    }
  };
  walk(condition);
  return [...found].sort();
}

/** Properties of any resource that make no part of its name or ARN. */
const NOT_NAMING = new Set(["Tags"]);

/**
 * The parameters whose values can reach what the reader reads: used in an IAM or Lambda resource
 * (a SAM function too, and SAM's Globals; not in what a function runs, its code, handler or
 * environment values, which no policy names), in a resource one of those refers to (a table whose
 * name `!GetAtt Table.Arn` gives a policy), or in a condition that decides any of them or a nested
 * stack. Why: `cloudformation-parameter-default` was said for every parameter a resource used, so
 * a template's EC2 tag key, AMI or flow-log format was "read with its Default" beside the role,
 * and `generate` listed them among the defaults baked into the policy it writes.
 */
function parametersReached(template: Record<string, unknown>, resources: Record<string, SamResource>, nestedRead: ReadonlySet<string>): Set<string> {
  const parameters = isRecord(template.Parameters) ? template.Parameters : {};
  const conditions = isRecord(template.Conditions) ? template.Conditions : {};
  const raw = isRecord(template.Resources) ? template.Resources : {};
  const reached = new Set<string>();
  const seenResources = new Set<string>();
  const seenConditions = new Set<string>();
  const queue: unknown[] = [];
  const condition = (c: unknown): void => {
    if (typeof c !== "string" || seenConditions.has(c) || !Object.hasOwn(conditions, c)) return;
    seenConditions.add(c);
    queue.push(conditions[c]);
  };
  const resource = (id: string, properties: unknown, cond: unknown, skip?: ReadonlySet<string>): void => {
    seenResources.add(id);
    condition(cond);
    if (!isRecord(properties)) return;
    for (const [k, v] of Object.entries(properties)) if (!skip?.has(k)) queue.push(v);
  };
  const name = (n: string): void => {
    if (Object.hasOwn(parameters, n)) {
      reached.add(n);
      return;
    }
    if (seenResources.has(n)) return;
    const r = Object.hasOwn(resources, n) ? resources[n] : Object.hasOwn(raw, n) ? raw[n] : undefined;
    // A resource a read one refers to: what its name or ARN is made of (its tags are neither).
    if (isRecord(r)) resource(n, r.Properties, r.Condition, NOT_NAMING);
  };
  const walk = (v: unknown, depth: number): void => {
    if (depth > 200) return;
    if (Array.isArray(v)) return v.forEach((x) => walk(x, depth + 1));
    if (!isRecord(v)) return;
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const key = keys[0] as string;
      const arg = v[key];
      if (key === "Ref" && typeof arg === "string") return name(arg);
      if (key === "Condition" && typeof arg === "string") return condition(arg);
      if (key === "Fn::GetAtt") {
        const id = Array.isArray(arg) ? arg[0] : typeof arg === "string" ? arg.split(".")[0] : undefined;
        if (typeof id === "string") name(id);
        return;
      }
      if (key === "Fn::If" && Array.isArray(arg)) {
        condition(arg[0]);
        return arg.slice(1).forEach((x) => walk(x, depth + 1));
      }
      if (key === "Fn::Sub") {
        const text = Array.isArray(arg) ? arg[0] : arg;
        const vars = Array.isArray(arg) && isRecord(arg[1]) ? arg[1] : {};
        if (typeof text === "string") {
          for (const m of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
            const inner = (m[1] as string).trim();
            if (!Object.hasOwn(vars, inner)) name(inner.startsWith("AWS::") ? inner : (inner.split(".")[0] as string));
          }
        }
        return Object.values(vars).forEach((x) => walk(x, depth + 1));
      }
    }
    for (const k of keys) walk(v[k], depth + 1);
  };
  const read = /^AWS::(IAM|Lambda)::/;
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === "AWS::CloudFormation::Stack" || r.Type === "AWS::Serverless::Application") {
      condition(r.Condition); // whether its functions exist
      // A nested stack read with this template: what it is passed names its resources (local-nested-options.ts).
      if (nestedRead.has(id)) queue.push(r.Properties.Parameters);
    }
    else if (read.test(r.Type) || r.Type === "Custom::S3") resource(id, r.Properties, r.Condition, r.Type === "AWS::Lambda::Function" ? RUN_ONLY : undefined);
  }
  for (const [id, r] of Object.entries(raw)) {
    if (isRecord(r) && r.Type === "AWS::Serverless::Function") resource(id, r.Properties, r.Condition, RUN_ONLY);
  }
  const globals = isRecord(template.Globals) && isRecord(template.Globals.Function) ? template.Globals.Function : undefined;
  if (globals) for (const [k, v] of Object.entries(globals)) if (!RUN_ONLY.has(k)) queue.push(v);
  while (queue.length > 0) walk(queue.shift(), 0);
  return reached;
}

/**
 * The template without the resources AWS::Include puts in at deployment (`Fn::Transform` as a key
 * of Resources, beside the resources written out): not a resource, so not refused for having no
 * Type; unreadConstructs says what is missing. Before, such a template was refused whole
 * ("resource Fn::Transform has no Type").
 */
function withoutIncludedResources(template: Record<string, unknown>): Record<string, unknown> {
  const resources = template.Resources;
  if (!isRecord(resources) || !Object.hasOwn(resources, "Fn::Transform")) return template;
  const kept: Record<string, unknown> = {};
  for (const [id, r] of Object.entries(resources)) if (id !== "Fn::Transform") Object.defineProperty(kept, id, { value: r, enumerable: true, writable: true, configurable: true });
  return { ...template, Resources: kept };
}

/**
 * A role name CloudFormation knows only at deployment, as the template gives it: the export or
 * parameter it comes from (CDK writes a role imported by ARN as the name cut from the ARN with
 * Fn::Select and Fn::Split), else the placeholder read.
 */
function describeRoleName(entry: unknown, placeholder: string): string {
  const found: string[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (isRecord(v)) {
      const imported = v["Fn::ImportValue"];
      if (typeof imported === "string") found.push(`Fn::ImportValue ${imported}`);
      else if (imported !== undefined) found.push("an Fn::ImportValue");
      else if (typeof v.Ref === "string" && !v.Ref.startsWith("AWS::")) found.push(`Ref ${v.Ref}`);
      else Object.values(v).forEach(visit);
    }
  };
  visit(entry);
  const from = [...new Set(found)];
  if (from.length === 0) return `${placeholder} (known only at deployment)`;
  const cut = isRecord(entry) && ("Fn::Select" in entry || "Fn::Split" in entry) ? ", the name cut from that ARN" : "";
  return `given by ${from.join(" and ")}${cut} (known only at deployment)`;
}

/** " at line N" when the template says where `path` is. */
function at(located: Located, path: string): string {
  const line = located.lineOf(path);
  return line === null ? "" : ` at line ${line}`;
}

/**
 * The template as the AWS::LanguageExtensions transform leaves it (Fn::ForEach expanded), with the
 * lines of each copied resource taken from the pair it was copied from.
 */
function withForEachExpanded(template: Record<string, unknown>, located: Located, file: string, options: CloudFormationReadOptions): { template: Record<string, unknown>; located: Located } {
  const expanded = expandForEach(template, parameterValues(template.Parameters, options.parameters ?? {}, options.unknownParameters), file, (p) => located.lineOf(p));
  const prefixes = [...expanded.origins].map(([id, origin]) => [childPath("Resources", id), origin] as const).filter(([from, to]) => from !== to);
  const lineOf = (path: string): number | null => {
    for (const [from, to] of prefixes) {
      if (path === from || path.startsWith(`${from}.`) || path.startsWith(`${from}[`)) return located.lineOf(to + path.slice(from.length));
    }
    return located.lineOf(path);
  };
  return { template: expanded.template, located: { value: expanded.template, lineOf } };
}

/**
 * A parameter's value and the longest its declaration lets it be (CloudFormation's parameter
 * properties): the longest of its AllowedValues, else its MaxLength (an integer, in YAML or JSON
 * often a string), else nothing said.
 */
function parameterLength(value: string, spec: unknown): ParameterLength {
  if (isRecord(spec) && Array.isArray(spec.AllowedValues)) {
    const allowed = spec.AllowedValues.filter((x): x is string | number => typeof x === "string" || typeof x === "number").map((x) => String(x).length);
    if (allowed.length > 0) return { value, longest: Math.max(...allowed), basis: "AllowedValues" };
  }
  const max = isRecord(spec) ? Number(spec.MaxLength) : Number.NaN;
  if (Number.isInteger(max) && max > 0) return { value, longest: max, basis: "MaxLength" };
  return { value };
}

/**
 * A Fn::FindInMap placeholder's (`Fn::FindInMap:EnvMap:(Env):Table`) entry as read (its
 * parameters' defaults), and the longest entry it can give: over the keys a parameter argument may
 * take (its AllowedValues, else every key of the map at that level), the text entries found.
 * Undefined when the entry read is not text.
 */
function mappedLength(mappings: Record<string, unknown>, lookup: string, declared: Record<string, unknown>, values: Record<string, unknown>): { value: string; longest: number } | undefined {
  const args = lookup.slice("Fn::FindInMap:".length).split(":");
  if (args.length !== 3) return undefined;
  const read = (arg: string): string => {
    const parameter = /^\(([A-Za-z0-9]+)\)$/.exec(arg)?.[1];
    return parameter === undefined ? arg.replace(/%([0-9A-F]{2})/g, (_all, h: string) => String.fromCharCode(parseInt(h, 16))) : String(values[parameter]);
  };
  const map = own(mappings, read(args[0] as string));
  const level = isRecord(map) ? own(map, read(args[1] as string)) : undefined;
  const value = isRecord(level) ? own(level, read(args[2] as string)) : undefined;
  if (typeof value !== "string") return undefined;
  const unescape = (x: string): string => x.replace(/%([0-9A-F]{2})/g, (_all, h: string) => String.fromCharCode(parseInt(h, 16)));
  const choices = (arg: string, level: Record<string, unknown>): string[] => {
    const parameter = /^\(([A-Za-z0-9]+)\)$/.exec(arg)?.[1];
    if (parameter === undefined) return [unescape(arg)];
    const spec = declared[parameter];
    const allowed = isRecord(spec) && Array.isArray(spec.AllowedValues) ? spec.AllowedValues.map(String) : null;
    return allowed ?? Object.keys(level);
  };
  let longest = value.length;
  for (const name of choices(args[0] as string, mappings)) {
    const map = own(mappings, name);
    if (!isRecord(map)) continue;
    for (const top of choices(args[1] as string, map)) {
      const level = own(map, top);
      if (!isRecord(level)) continue;
      for (const second of choices(args[2] as string, level)) {
        const v = own(level, second);
        if (typeof v === "string") longest = Math.max(longest, v.length);
      }
    }
  }
  return { value, longest };
}

/**
 * The logical ID of the function whose default log group a `LogGroupName` names by reference:
 * `!Sub /aws/lambda/${Fn}` (also in its list form) or `!Join ["", [/aws/lambda/, !Ref Fn]]`.
 */
function functionOfLogGroupName(v: unknown): string | undefined {
  if (!isRecord(v)) return undefined;
  const sub = v["Fn::Sub"];
  const text = Array.isArray(sub) ? sub[0] : sub;
  if (typeof text === "string") {
    const id = /^\/aws\/lambda\/\$\{([A-Za-z0-9]+)\}$/.exec(text)?.[1];
    // A variable of the Sub's own map of that name is not the resource.
    const vars: unknown = Array.isArray(sub) ? sub[1] : undefined;
    return id !== undefined && !(isRecord(vars) && id in vars) ? id : undefined;
  }
  const join = v["Fn::Join"];
  if (!Array.isArray(join) || join[0] !== "" || !Array.isArray(join[1]) || join[1].length !== 2) return undefined;
  const [prefix, ref] = join[1] as unknown[];
  return prefix === "/aws/lambda/" && isRecord(ref) && typeof ref.Ref === "string" ? ref.Ref : undefined;
}
