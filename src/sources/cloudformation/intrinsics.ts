/**
 * CloudFormation intrinsic functions, resolved as far as a template alone allows. Parameters take
 * their defaults (or caller overrides), conditions are evaluated from them, and references to
 * resources become the names/ARNs CloudFormation would produce when the template fixes them
 * (`TableName: orders` → `arn:${AWS::Partition}:dynamodb:…:table/orders`). Anything else stays
 * symbolic in the `Fn::Sub` style: `${Orders.Arn}`, `${AWS::AccountId}` — readable, still a plain
 * resource string for the policy parser, never silently replaced by a guess.
 */

import { own } from "../../collections.js";
import { isRecord } from "./lambda-shapes.js";

/** Marks `!Ref AWS::NoValue`: the property or list element is removed. */
export const NO_VALUE: unique symbol = Symbol("AWS::NoValue");

export interface IntrinsicContext {
  parameters: Record<string, unknown>;
  conditions: Record<string, unknown>;
  mappings: Record<string, unknown>;
  resources: Record<string, unknown>;
  partition: string;
  region: string | null;
  accountId: string | null;
  stackName: string | null;
  /** What `Fn::ImportValue` names: the values other stacks of the same deployment export. */
  imports?: Readonly<Record<string, string>>;
  /** What `Fn::GetAtt <nested stack>.Outputs.<name>` gives: the outputs of the nested stacks read with the template, by logical ID. */
  nestedOutputs?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Role/function ARNs as the reader models them, so references and records agree. */
  roleArn(logicalId: string): string;
  functionArn(logicalId: string): string;
  functionName(logicalId: string): string;
  policyArn(logicalId: string): string;
  /** A layer version's ARN as Ref gives it (template-layers.ts); absent: the placeholder `${Id}`. */
  layerVersionArn?(logicalId: string): string;
  /** Called when a condition cannot be decided; the resolver then keeps the first branch that has a value. */
  onUndecidedCondition(name: string): void;
  /**
   * Decides conditions in place of the template's own (the reader's resolver): a resolver whose
   * parameters are marked (markParameter) takes the branches the stack's values take, not those
   * of the marks, which equal nothing.
   */
  decideCondition?(name: string): boolean | undefined;
}

export class IntrinsicResolver {
  private readonly conditionCache = new Map<string, boolean | undefined>();
  private readonly evaluating = new Set<string>();

  constructor(private readonly ctx: IntrinsicContext) {}

  /** Resolve every intrinsic inside `value`; NO_VALUE elements and properties are removed. */
  resolve(value: unknown, depth = 0): unknown {
    if (depth > 200) return "${...}";
    if (Array.isArray(value)) {
      return value.map((v) => this.resolve(v, depth + 1)).filter((v) => v !== NO_VALUE);
    }
    if (!isRecord(value)) return value;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const key = keys[0] as string;
      if (key === "Ref" || key.startsWith("Fn::")) return this.intrinsic(key, value[key], depth);
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const v = this.resolve(value[k], depth + 1);
      if (v !== NO_VALUE) out[k] = v;
    }
    return out;
  }

  /** Resolve to a string (lists joined with commas, as CloudFormation does for Ref of a list parameter). */
  str(value: unknown): string {
    const v = this.resolve(value);
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    if (Array.isArray(v)) return v.map((x) => (typeof x === "string" ? x : JSON.stringify(x))).join(",");
    if (v === NO_VALUE || v === null || v === undefined) return "";
    return JSON.stringify(v);
  }

  private intrinsic(name: string, arg: unknown, depth: number): unknown {
    switch (name) {
      case "Ref":
        return typeof arg === "string" ? this.ref(arg) : "${Ref}";
      case "Fn::GetAtt": {
        const parts = Array.isArray(arg) ? arg.map((a) => this.str(a)) : typeof arg === "string" ? splitGetAtt(arg) : [];
        return this.getAtt(parts[0] ?? "", parts.slice(1).join("."));
      }
      case "Fn::Sub":
        return this.sub(arg, depth);
      case "Fn::Join": {
        if (!Array.isArray(arg) || arg.length !== 2) return "${Fn::Join}";
        const list = this.resolve(arg[1], depth + 1);
        const items = Array.isArray(list) ? list : [list];
        return items.map((x) => (typeof x === "string" ? x : this.str(x))).join(this.str(arg[0]));
      }
      case "Fn::If": {
        if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== "string") return "${Fn::If}";
        const decided = this.condition(arg[0]);
        if (decided === true) return this.resolve(arg[1], depth + 1);
        if (decided === false) return this.resolve(arg[2], depth + 1);
        this.ctx.onUndecidedCondition(arg[0]);
        const first = this.resolve(arg[1], depth + 1);
        return first !== NO_VALUE ? first : this.resolve(arg[2], depth + 1);
      }
      case "Fn::Select": {
        if (!Array.isArray(arg) || arg.length !== 2) return "${Fn::Select}";
        const index = Number(this.str(arg[0]));
        const list = this.resolve(arg[1], depth + 1);
        if (Array.isArray(list) && Number.isInteger(index) && index >= 0 && index < list.length) return list[index];
        return `\${Fn::Select:${this.str(arg[0])}}`;
      }
      case "Fn::Split": {
        if (!Array.isArray(arg) || arg.length !== 2) return "${Fn::Split}";
        const delimiter = this.str(arg[0]);
        const source = this.str(arg[1]);
        // A source not known here (`${AWS::StackName}`, a parameter without a value) has pieces
        // not known either: split as text, `!Select [0, !Split ["-", !Ref AWS::StackName]]` was the
        // whole stack name, a wrong name in the output (the generated-policy sweep of session 58).
        if (source.includes("${") || /[\uE000-\uE002]/.test(source)) return "${Fn::Split}";
        return delimiter === "" ? [source] : source.split(delimiter);
      }
      case "Fn::FindInMap": {
        if (!Array.isArray(arg) || arg.length < 3) return "${Fn::FindInMap}";
        const [m, a, b] = [this.str(arg[0]), this.str(arg[1]), this.str(arg[2])];
        const map = own(this.ctx.mappings, m);
        const top = isRecord(map) ? own(map, a) : undefined;
        const v = isRecord(top) ? own(top, b) : undefined;
        if (v !== undefined) return this.resolve(v, depth + 1);
        const mapped = this.mappedByParameter(m, a, b);
        if (mapped !== undefined) return mapped;
        // AWS::LanguageExtensions: `[Map, Top, Second, {DefaultValue: x}]` is x when the keys find
        // no entry. Only when the keys are known: a key still a placeholder (a parameter without a
        // value) may find an entry at deployment, and the default would then be a wrong answer.
        const fallback = arg[3];
        if (isRecord(fallback) && Object.hasOwn(fallback, "DefaultValue") && ![m, a, b].some((k) => unmarked(k).includes("${"))) return this.resolve(fallback.DefaultValue, depth + 1);
        return `\${${m}.${a}.${b}}`;
      }
      case "Fn::Length": {
        // AWS::LanguageExtensions: the number of elements of a list (or of what an intrinsic returns).
        const list = this.resolve(arg, depth + 1);
        return Array.isArray(list) ? list.length : "${Fn::Length}";
      }
      case "Fn::ToJsonString": {
        // AWS::LanguageExtensions: an object or list as the JSON text CloudFormation writes (no spaces).
        const v = this.resolve(arg, depth + 1);
        return typeof v === "string" ? v : JSON.stringify(v);
      }
      case "Fn::GetStackOutput": {
        // Another stack's output, read at deployment (from another account or region too): a
        // placeholder naming it, as Fn::ImportValue's, never the function's bare name.
        if (!isRecord(arg)) return "${Fn::GetStackOutput}";
        return `\${GetStackOutput:${this.str(arg.StackName)}/${this.str(arg.OutputName)}}`;
      }
      case "Fn::ImportValue": {
        const name = this.str(arg);
        return own(this.ctx.imports ?? {}, name) ?? `\${ImportValue:${name}}`;
      }
      case "Fn::Base64":
        return this.str(arg);
      case "Fn::GetAZs":
        return ["${AZ1}", "${AZ2}"];
      case "Fn::Equals":
      case "Fn::And":
      case "Fn::Or":
      case "Fn::Not": {
        const v = this.conditionExpr({ [name]: arg }, 0);
        return v === undefined ? `\${${name}}` : v;
      }
      default:
        return `\${${name}}`;
    }
  }

  /**
   * Fn::FindInMap whose keys are parameters read marked (markParameter, the reader's second
   * resolution): the value its defaults select, marked as that lookup (findInMapMark), so that it
   * is written back as `!FindInMap [EnvMap, !Ref Env, Table]` and not as the defaults' `orders-dev`.
   * Only a key that is one parameter's mark whole, and a text value; undefined otherwise.
   */
  private mappedByParameter(m: string, a: string, b: string): string | undefined {
    if (!isMarked(m + a + b)) return undefined;
    const args = [m, a, b].map((x) => {
      const whole = /^\uE000([A-Za-z0-9]+)\uE001([^\uE000-\uE002]*)\uE002$/.exec(x);
      if (whole !== null) return { value: whole[2] as string, parameter: whole[1] as string };
      return isMarked(x) ? null : { value: x, parameter: undefined };
    });
    if (args.some((x) => x === null)) return undefined;
    const [mm, aa, bb] = args as { value: string; parameter: string | undefined }[];
    const map = own(this.ctx.mappings, (mm as { value: string }).value);
    const top = isRecord(map) ? own(map, (aa as { value: string }).value) : undefined;
    const v = isRecord(top) ? own(top, (bb as { value: string }).value) : undefined;
    if (typeof v !== "string") return undefined;
    return markParameter(findInMapPlaceholder(args as { value: string; parameter: string | undefined }[]), v);
  }

  ref(name: string): unknown {
    switch (name) {
      case "AWS::NoValue":
        return NO_VALUE;
      case "AWS::Partition":
        return this.ctx.partition;
      case "AWS::Region":
        return this.ctx.region ?? "${AWS::Region}";
      case "AWS::AccountId":
        return this.ctx.accountId ?? "${AWS::AccountId}";
      case "AWS::StackName":
        return this.ctx.stackName ?? "${AWS::StackName}";
      case "AWS::URLSuffix":
        return this.ctx.partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
      case "AWS::StackId":
      case "AWS::NotificationARNs":
        return `\${${name}}`;
    }
    if (Object.hasOwn(this.ctx.parameters, name)) {
      const p = this.ctx.parameters[name];
      return p === undefined ? `\${${name}}` : p;
    }
    const res = own(this.ctx.resources, name);
    if (isRecord(res)) return this.resourceRef(name, res);
    return `\${${name}}`;
  }

  private prop(res: Record<string, unknown>, key: string): string | undefined {
    const props = res.Properties;
    if (!isRecord(props) || props[key] === undefined) return undefined;
    const v = this.resolve(props[key]);
    return typeof v === "string" && !v.includes("${") ? v : undefined;
  }

  private region(): string {
    return this.ctx.region ?? "${AWS::Region}";
  }

  private account(): string {
    return this.ctx.accountId ?? "${AWS::AccountId}";
  }

  private resourceRef(id: string, res: Record<string, unknown>): string {
    switch (res.Type) {
      case "AWS::Lambda::Function":
      case "AWS::Serverless::Function":
        return this.ctx.functionName(id);
      case "AWS::IAM::Role": {
        const n = this.prop(res, "RoleName");
        return n ?? `\${${id}}`;
      }
      case "AWS::DynamoDB::Table":
        return this.prop(res, "TableName") ?? `\${${id}}`;
      case "AWS::Serverless::SimpleTable":
        return this.prop(res, "TableName") ?? `\${${id}}`;
      case "AWS::S3::Bucket":
        return this.prop(res, "BucketName") ?? `\${${id}}`;
      case "AWS::Kinesis::Stream":
      case "AWS::Events::EventBus":
        return this.prop(res, "Name") ?? `\${${id}}`;
      case "AWS::SNS::Topic": {
        const n = this.prop(res, "TopicName");
        return n ? `arn:${this.ctx.partition}:sns:${this.region()}:${this.account()}:${n}` : `\${${id}}`;
      }
      case "AWS::SQS::Queue": {
        const n = this.prop(res, "QueueName");
        return n ? `https://sqs.${this.region()}.amazonaws.com/${this.account()}/${n}` : `\${${id}}`;
      }
      case "AWS::IAM::ManagedPolicy":
        return this.ctx.policyArn(id);
      // Ref is the layer version's ARN: what a function's Layers and a LayerVersionPermission name.
      case "AWS::Lambda::LayerVersion":
      case "AWS::Serverless::LayerVersion":
        return this.ctx.layerVersionArn?.(id) ?? `\${${id}}`;
      // Ref is the log group's name (AWS::Logs::LogGroup return values): a function's
      // `LoggingConfig.LogGroup: !Ref Logs` writes there, which LR005 and generate must name.
      case "AWS::Logs::LogGroup":
        return this.prop(res, "LogGroupName") ?? `\${${id}}`;
      case "AWS::Kinesis::StreamConsumer":
        return this.consumerArn(id, res) ?? `\${${id}}`;
      // Ref is the registry's ARN (AWS::Glue::Registry return values): a Kafka mapping's
      // SchemaRegistryURI, whose name the schemas' ARNs (glue:GetSchemaVersion) are made from.
      case "AWS::Glue::Registry":
        return this.glueRegistryArn(res) ?? `\${${id}}`;
      default:
        return `\${${id}}`;
    }
  }

  /** A Glue schema registry's ARN, `arn:<p>:glue:<region>:<account>:registry/<Name>`, when its name resolves. */
  private glueRegistryArn(res: Record<string, unknown>): string | undefined {
    const n = this.prop(res, "Name");
    return n && !n.includes("/") ? `arn:${this.ctx.partition}:glue:${this.region()}:${this.account()}:registry/${n}` : undefined;
  }

  /**
   * An enhanced fan-out consumer's ARN (what Ref and ConsumerARN give):
   * `<stream ARN>/consumer/<name>:<creation timestamp>`, the timestamp known once it is made.
   */
  private consumerArn(id: string, res: Record<string, unknown>): string | undefined {
    const stream = this.prop(res, "StreamARN") ?? this.templateStreamArn(res);
    // A name made with !Sub (`${AWS::StackName}-consumer`) stays a reference inside the ARN.
    const name = isRecord(res.Properties) ? this.resolve(res.Properties.ConsumerName) : undefined;
    return stream && typeof name === "string" && name !== "" ? `${stream}/consumer/${name}:\${${id}.ConsumerCreationTimestamp}` : undefined;
  }

  /**
   * A consumer's StreamARN that is `!GetAtt S.Arn` of a stream of the template CloudFormation
   * names (the usual enhanced fan-out template): `arn:…:stream/${S}`, Ref giving the stream's
   * name. Left as `${Consumer.ConsumerARN}`, the consumer was read as a stream: generate put the
   * stream's actions on the consumer and left out kinesis:SubscribeToShard, which Lambda needs.
   */
  private templateStreamArn(res: Record<string, unknown>): string | undefined {
    const v = isRecord(res.Properties) ? this.resolve(res.Properties.StreamARN) : undefined;
    const m = typeof v === "string" ? /^\$\{([A-Za-z0-9]+)\.Arn\}$/.exec(v) : null;
    const stream = m === null ? undefined : own(this.ctx.resources, m[1] as string);
    if (m === null || !isRecord(stream) || stream.Type !== "AWS::Kinesis::Stream") return undefined;
    return `arn:${this.ctx.partition}:kinesis:${this.region()}:${this.account()}:stream/\${${m[1]}}`;
  }

  getAtt(id: string, attribute: string): unknown {
    const res = own(this.ctx.resources, id);
    const symbolic = `\${${id}.${attribute}}`;
    if (!isRecord(res)) return symbolic;
    if ((res.Type === "AWS::CloudFormation::Stack" || res.Type === "AWS::Serverless::Application") && attribute.startsWith("Outputs.")) {
      const outputs = this.ctx.nestedOutputs === undefined ? undefined : own(this.ctx.nestedOutputs, id);
      return (outputs === undefined ? undefined : own(outputs, attribute.slice("Outputs.".length))) ?? symbolic;
    }
    const p = this.ctx.partition;
    switch (`${typeof res.Type === "string" ? res.Type : ""}.${attribute}`) {
      case "AWS::IAM::Role.Arn":
        return this.ctx.roleArn(id);
      case "AWS::Lambda::Function.Arn":
      case "AWS::Serverless::Function.Arn":
        return this.ctx.functionArn(id);
      case "AWS::DynamoDB::Table.Arn": {
        const n = this.prop(res, "TableName");
        return n ? `arn:${p}:dynamodb:${this.region()}:${this.account()}:table/${n}` : symbolic;
      }
      case "AWS::SQS::Queue.Arn": {
        const n = this.prop(res, "QueueName");
        return n ? `arn:${p}:sqs:${this.region()}:${this.account()}:${n}` : symbolic;
      }
      case "AWS::SQS::Queue.QueueName":
        return this.prop(res, "QueueName") ?? symbolic;
      case "AWS::SNS::Topic.TopicName":
        return this.prop(res, "TopicName") ?? symbolic;
      case "AWS::SNS::Topic.TopicArn":
        return this.resourceRef(id, res);
      case "AWS::S3::Bucket.Arn":
        // `arn:<partition>:s3:::<name>` whatever the name (AWS::S3::Bucket return values): no
        // region, no account. As the opaque `${Bucket.Arn}` it hid that, and LR012 did not see an
        // S3 invoke permission without SourceArn's account (the S3 form of the confused deputy).
        return `arn:${p}:s3:::${this.prop(res, "BucketName") ?? `\${${id}}`}`;
      case "AWS::Logs::LogGroup.Arn": {
        // With `:*` at its end, as CloudFormation returns it (AWS::Logs::LogGroup return values).
        const n = this.prop(res, "LogGroupName");
        return n ? `arn:${p}:logs:${this.region()}:${this.account()}:log-group:${n}:*` : symbolic;
      }
      case "AWS::Events::EventBus.Name":
        return this.prop(res, "Name") ?? symbolic;
      case "AWS::Events::EventBus.Arn": {
        const n = this.prop(res, "Name");
        return n ? `arn:${p}:events:${this.region()}:${this.account()}:event-bus/${n}` : symbolic;
      }
      case "AWS::Glue::Registry.Arn":
        return this.glueRegistryArn(res) ?? symbolic;
      case "AWS::Kinesis::StreamConsumer.ConsumerARN":
        return this.consumerArn(id, res) ?? symbolic;
      case "AWS::Kinesis::Stream.Arn": {
        const n = this.prop(res, "Name");
        return n ? `arn:${p}:kinesis:${this.region()}:${this.account()}:stream/${n}` : symbolic;
      }
      default:
        return symbolic;
    }
  }

  private sub(arg: unknown, depth: number): string {
    let template: unknown = arg;
    let vars: Record<string, unknown> = {};
    if (Array.isArray(arg)) {
      template = arg[0];
      if (isRecord(arg[1])) vars = arg[1];
    }
    if (typeof template !== "string") return this.str(template);
    return template.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
      if (inner.startsWith("!")) return `\${${inner.slice(1)}}`; // ${!Literal} is an escaped literal
      const name = inner.trim();
      if (name in vars) {
        const v = this.resolve(vars[name], depth + 1);
        return typeof v === "string" ? v : this.str(v);
      }
      if (name.includes(".") && !name.startsWith("AWS::")) {
        const dot = name.indexOf(".");
        const v = this.getAtt(name.slice(0, dot), name.slice(dot + 1));
        return typeof v === "string" ? v : whole;
      }
      const v = this.ref(name);
      if (v === NO_VALUE) return "";
      return typeof v === "string" ? v : Array.isArray(v) ? v.join(",") : whole;
    });
  }

  /** Evaluate a named condition from the template's Conditions; undefined when it cannot be decided. */
  condition(name: string): boolean | undefined {
    if (this.ctx.decideCondition !== undefined) return this.ctx.decideCondition(name);
    if (this.conditionCache.has(name)) return this.conditionCache.get(name);
    if (this.evaluating.has(name)) return undefined; // a cycle: CloudFormation rejects it, we just give up
    this.evaluating.add(name);
    const expr = own(this.ctx.conditions, name);
    const v = expr === undefined ? undefined : this.conditionExpr(expr, 0);
    this.evaluating.delete(name);
    this.conditionCache.set(name, v);
    return v;
  }

  private conditionExpr(expr: unknown, depth: number): boolean | undefined {
    if (depth > 100) return undefined;
    if (typeof expr === "boolean") return expr;
    if (!isRecord(expr)) return undefined;
    const [key] = Object.keys(expr);
    const arg = key === undefined ? undefined : expr[key];
    switch (key) {
      case "Condition":
        return typeof arg === "string" ? this.condition(arg) : undefined;
      case "Fn::Equals": {
        if (!Array.isArray(arg) || arg.length !== 2) return undefined;
        const a = this.str(arg[0]);
        const b = this.str(arg[1]);
        if (a.includes("${") || b.includes("${")) return a === b ? true : undefined;
        return a === b;
      }
      case "Fn::Not": {
        const inner = Array.isArray(arg) ? arg[0] : arg;
        const v = this.conditionExpr(inner, depth + 1);
        return v === undefined ? undefined : !v;
      }
      case "Fn::And": {
        if (!Array.isArray(arg)) return undefined;
        const vs = arg.map((a) => this.conditionExpr(a, depth + 1));
        if (vs.includes(false)) return false;
        return vs.every((v) => v === true) ? true : undefined;
      }
      case "Fn::Or": {
        if (!Array.isArray(arg)) return undefined;
        const vs = arg.map((a) => this.conditionExpr(a, depth + 1));
        if (vs.includes(true)) return true;
        return vs.every((v) => v === false) ? false : undefined;
      }
      default:
        return undefined;
    }
  }
}

/*
 * A parameter's value marked with its name, for a second resolution of the template: where the
 * mark ends up in a resolved string says which part of it came from which parameter (private-use
 * characters, which no template value holds). `${Env}-orders-dlq` resolved with Env's marked
 * default gives `\uE000Env\uE001dev\uE002-orders-dlq`: `dev-orders-dlq` unmarked, and written
 * back as `${Env}-orders-dlq`. A list parameter's members are marked as `Name[]`, which no Fn::Sub
 * can name.
 */
const MARK = /\uE000([^\uE001]*)\uE001([^\uE002]*)\uE002/g;

export function markParameter(name: string, value: string): string {
  return `\uE000${name}\uE001${value}\uE002`;
}

export function isMarked(s: string): boolean {
  return s.includes("\uE000");
}

/** The string as the unmarked resolution gives it (marks replaced by their values). */
export function unmarked(s: string): string {
  return s.replace(MARK, (_all, _name: string, value: string) => value);
}

/**
 * A Fn::FindInMap keyed by parameters, as the mark's name and the value table's placeholder:
 * `Fn::FindInMap:EnvMap:(Env):Table` for `!FindInMap [EnvMap, !Ref Env, Table]`, a parameter in
 * brackets, literal keys with `%`, `:`, `(`, `)`, `{`, `}` escaped (%XX). No `{`, `}` or `:` of its
 * own inside an argument: the placeholder `${…}` stays one to the regular expressions that find
 * them, and the renderer (render-cloudformation.ts) writes it back as Fn::FindInMap.
 */
function findInMapPlaceholder(args: readonly { value: string; parameter: string | undefined }[]): string {
  const escape = (x: string): string => x.replace(/[%:(){}]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
  return `Fn::FindInMap:${args.map((x) => (x.parameter !== undefined ? `(${x.parameter})` : escape(x.value))).join(":")}`;
}

/** The string with each mark as the `${Name}` of its parameter (or its Fn::FindInMap placeholder), or null when one cannot be so written. */
export function markedAsReference(s: string): string | null {
  let ok = true;
  const out = s.replace(MARK, (_all, name: string) => {
    if (!/^[A-Za-z0-9]+$/.test(name) && !name.startsWith("Fn::FindInMap:")) ok = false;
    return `\${${name}}`;
  });
  // A mark cut apart (Fn::Split or Fn::Select inside a value) leaves its pieces behind.
  return ok && !/[\uE000-\uE002]/.test(out) ? out : null;
}

function splitGetAtt(s: string): string[] {
  const dot = s.indexOf(".");
  return dot < 0 ? [s] : [s.slice(0, dot), s.slice(dot + 1)];
}

/**
 * A Default that is the parameter's own name is a placeholder, not a value: the Amplify CLI writes
 * the parameters by which a function's stack gets another category's outputs so
 * (`storageuploadsBucketName: {Type: String, Default: storageuploadsBucketName}`) and passes the
 * real values at `amplify push`. Read as a value, the function's policy named a bucket
 * `storageuploadsBucketName` and a user pool `authx1UserPoolId`, and generate wrote them into
 * the policy; read as unknown (`${storageuploadsBucketName}`), as a parameter without a Default.
 */
export function isPlaceholderDefault(name: string, spec: Record<string, unknown>): boolean {
  return spec.Default === name;
}

/** Parameter values: caller overrides, else `Default` (CommaDelimitedList / List<…> split on commas). */
export function parameterValues(parameters: unknown, overrides: Record<string, string>, unknown: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isRecord(parameters)) return out;
  for (const [name, spec] of Object.entries(parameters)) {
    const type = isRecord(spec) && typeof spec.Type === "string" ? spec.Type : "String";
    // Given a value not known here (a parent stack passes one it does not know itself): not its Default.
    if (unknown.includes(name) && own(overrides, name) === undefined) {
      out[name] = undefined;
      continue;
    }
    // An SSM parameter type: what is given (default or override) is the SSM parameter's name;
    // its value is read from SSM at deployment, so it is not known here (`${Name}`).
    if (type.startsWith("AWS::SSM::Parameter::Value<")) {
      out[name] = undefined;
      continue;
    }
    let raw: unknown = own(overrides, name) ?? (isRecord(spec) && !isPlaceholderDefault(name, spec) ? spec.Default : undefined);
    if (typeof raw === "number" || typeof raw === "boolean") raw = String(raw);
    if (raw === undefined) {
      out[name] = undefined;
      continue;
    }
    if ((type === "CommaDelimitedList" || type.startsWith("List<")) && typeof raw === "string") out[name] = raw.split(",").map((s) => s.trim());
    else out[name] = raw;
  }
  return out;
}
