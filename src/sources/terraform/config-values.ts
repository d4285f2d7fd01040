/**
 * Evaluating a configuration expression (config-expressions.ts) against the plan: `var.x` is the
 * plan's variable value or the module call's argument, `local.x` and `module.m.out` are evaluated
 * from their own expressions, `aws_x.y.attr` is the plan's value for that instance, and an ARN the
 * plan knows only after apply is the one the reader builds for it (role, policy, function, queue,
 * table…). Anything else stays unknown and is written as a placeholder.
 */

import { applyPath, evaluate, record, Unknown, type EvalContext, type HclValue, type PathStep, type RenderedFile } from "./hcl/evaluate.js";
import type { ConfigExpression, TerraformConfig } from "./config-expressions.js";
import type { Body } from "./hcl/ast.js";
import { childInstance, moduleSegments, resolveReference, targetOf, type PlanIndex, type Resolved, type TfResource } from "./plan-index.js";
import { unknownAt, valueAtPath } from "./values.js";
import { UNKNOWN, type ArnContext } from "../cloudformation/lambda-shapes.js";

/** What the evaluation needs of the plan reader. */
export interface PlanValues {
  readonly index: PlanIndex;
  readonly ctx: ArnContext;
  /** The context of one resource: its provider's account and region (PlanReader.ctxOf). */
  ctxOf(target: TfResource): ArnContext;
  /** The ARN the reader gives a resource of the plan whose ARN is known only after apply. */
  arnOf(target: TfResource, configAddress: string, attribute: string): string | undefined;
}

interface Env {
  modulePath: string;
  /** The resource instance whose block is evaluated: what `each` and `count` mean there. */
  self: TfResource | null;
  /**
   * The module instance the evaluation started in (`module.svc["billing"]`): inside a module
   * called with for_each or count, its variables, locals and resources are that instance's, and a
   * module block's own `each.key` is its key there.
   */
  instance: string;
  /** Set while evaluating the arguments of `module "<this path>"` in its caller: what `each` means there. */
  moduleCall?: string;
  depth: number;
}

const MAX_DEPTH = 24;

/** One nested block as Terraform expands it: its body, and the `dynamic` iterators in scope there. */
export interface BlockInstance {
  body: Body;
  scope: Map<string, HclValue>;
  file: string;
  modulePath: string;
}

export interface Evaluated {
  value: HclValue;
  /** Placeholders (`${aws_sqs_queue.q.arn}`) written where a value is known only after apply. */
  placeholders: string[];
  /** Files read (`file`) or rendered (`templatefile`) on the way, locals and module arguments included, with their lines. */
  rendered?: RenderedFile[];
}

export class ConfigValues {
  private readonly localCache = new Map<string, Evaluated>();
  private readonly visiting = new Set<string>();

  constructor(
    readonly plan: PlanValues,
    readonly config: TerraformConfig,
  ) {}

  /**
   * Evaluate an expression of `self`'s block (or of a module's locals when `self` is null);
   * `scope` holds a dynamic block's iterator (`statement` → `{key, value}`).
   */
  evaluate(at: ConfigExpression, self: TfResource | null, scope?: ReadonlyMap<string, HclValue>): Evaluated {
    const placeholders: string[] = [];
    const rendered: RenderedFile[] = [];
    const value = this.eval(at, { modulePath: at.modulePath, self, instance: self?.moduleInstance ?? "", depth: 0 }, placeholders, scope, rendered);
    return { value, placeholders, rendered };
  }

  private eval(at: ConfigExpression, env: Env, placeholders: string[], scope?: ReadonlyMap<string, HclValue>, rendered?: RenderedFile[]): HclValue {
    if (env.depth > MAX_DEPTH) return new Unknown(at.expr.span.text);
    const ctx: EvalContext = { placeholders, resolve: (root, path, text) => this.resolve(root, path, text, env, placeholders, rendered), readFile: (path) => this.config.readFile(path), fileset: (path, pattern) => this.config.fileset(path, pattern) };
    if (rendered) ctx.rendered = rendered;
    return evaluate(at.expr, ctx, scope);
  }

  /**
   * The `statement` blocks of a `data "aws_iam_policy_document"` in the order Terraform expands
   * them (nestedBlocks). Undefined when the block is not in the configuration or a `for_each`
   * cannot be evaluated.
   */
  policyDocumentStatements(data: TfResource): BlockInstance[] | undefined {
    const found = this.config.block(data.configAddress);
    return found ? this.nestedBlocks(data, found.block.body, "statement", found.file, found.modulePath, new Map()) : undefined;
  }

  /**
   * The expression at `path` in `r`'s block (`dead_letter_config`, 0, `target_arn`), through
   * nested blocks written out or made by a `dynamic` block, evaluated with each `dynamic`
   * block's iterator in scope. Undefined when the configuration does not have it. For list
   * blocks: a set block's instances (`inline_policy`) are not in the plan's order.
   */
  evaluateAt(r: TfResource, path: readonly (string | number)[]): Evaluated | undefined {
    const found = this.config.block(r.configAddress);
    if (!found) return undefined;
    let body = found.block.body;
    let scope: Map<string, HclValue> = new Map();
    for (let i = 0; i < path.length; i++) {
      const step = path[i];
      if (typeof step !== "string") return undefined;
      const next = path[i + 1];
      if (typeof next === "number") {
        const instance = this.nestedBlocks(r, body, step, found.file, found.modulePath, scope)?.[next];
        if (!instance) return undefined;
        body = instance.body;
        scope = instance.scope;
        i++;
        continue;
      }
      if (i !== path.length - 1) return undefined;
      const a = body.attributes.find((x) => x.name === step);
      return a ? this.evaluate({ expr: a.expr, file: this.config.fileOf(a, found.file), line: a.span.line, modulePath: found.modulePath }, r, scope) : undefined;
    }
    return undefined;
  }

  /**
   * Whether the configuration says there is no block at `path` in `r`'s block: a nested block along
   * it is made by a `dynamic` block whose `for_each` is empty here (terraform-aws-modules/lambda's
   * `on_success` when `destination_on_success` is null), or is not written. The plan gives the
   * whole enclosing block as known only after apply when another of its values is, so only the
   * configuration tells that this one is absent. False when it cannot say.
   */
  blockAbsentAt(r: TfResource, path: readonly (string | number)[]): boolean {
    const found = this.config.block(r.configAddress);
    if (!found) return false;
    let body = found.block.body;
    let scope: Map<string, HclValue> = new Map();
    for (let i = 0; i + 1 < path.length; i += 2) {
      const step = path[i];
      const next = path[i + 1];
      if (typeof step !== "string" || typeof next !== "number") return false;
      const instances = this.nestedBlocks(r, body, step, found.file, found.modulePath, scope);
      if (instances === undefined) return false;
      const instance = instances[next];
      if (!instance) return true;
      body = instance.body;
      scope = instance.scope;
    }
    return false;
  }

  /** The nested blocks of `type` inside block instance `inst` of `r` (a statement's `principals`, `condition`). */
  blocksIn(r: TfResource, inst: BlockInstance, type: string): BlockInstance[] | undefined {
    return this.nestedBlocks(r, inst.body, type, inst.file, inst.modulePath, inst.scope);
  }

  /**
   * The nested blocks of `type` in `body`, in the order Terraform expands them: each block written
   * out, and each element of a `dynamic "<type>"` block's `for_each` (a map's keys in lexical
   * order, a list's elements in order) with its iterator (`<type>`, or the block's `iterator`)
   * in scope beside the enclosing ones. Undefined when a `for_each` cannot be evaluated.
   */
  private nestedBlocks(r: TfResource, body: Body, type: string, file: string, modulePath: string, outer: ReadonlyMap<string, HclValue>): BlockInstance[] | undefined {
    const out: BlockInstance[] = [];
    for (const b of body.blocks) {
      if (b.type === type) out.push({ body: b.body, scope: new Map(outer), file: this.config.fileOf(b, file), modulePath });
      else if (b.type === "dynamic" && b.labels[0] === type) {
        const forEach = b.body.attributes.find((a) => a.name === "for_each");
        const content = b.body.blocks.find((c) => c.type === "content");
        if (!forEach || !content) return undefined;
        const iterAttr = b.body.attributes.find((a) => a.name === "iterator");
        const iterator = iterAttr?.expr.kind === "variable" ? iterAttr.expr.name : type;
        const from = this.config.fileOf(b, file);
        const coll = this.evaluate({ expr: forEach.expr, file: from, line: forEach.span.line, modulePath }, r, outer).value;
        let entries: [HclValue, HclValue][];
        // A list's key is its index; a set's (which this evaluator holds as a list) is the element.
        if (Array.isArray(coll)) entries = coll.map((v, i) => [typeof v === "string" ? v : i, v]);
        else if (coll !== null && typeof coll === "object" && !(coll instanceof Unknown)) entries = Object.keys(coll).sort().map((k) => [k, coll[k] as HclValue]);
        else return undefined;
        for (const [key, value] of entries) out.push({ body: content.body, scope: new Map([...outer, [iterator, { key, value } as HclValue]]), file: from, modulePath });
      }
    }
    return out;
  }

  private resolve(root: string, path: PathStep[], text: string, env: Env, placeholders: string[], rendered?: RenderedFile[]): HclValue | undefined {
    const name = path[0] && "attr" in path[0] ? path[0].attr : undefined;
    const deeper = (modulePath: string, self: TfResource | null): Env => ({ modulePath, self, instance: env.instance, depth: env.depth + 1 });
    switch (root) {
      case "var": {
        if (name === undefined) return undefined;
        const v = this.variable(name, env, placeholders, rendered);
        return v === undefined ? undefined : applyPath(v, path.slice(1), text);
      }
      case "local": {
        if (name === undefined) return undefined;
        // Per module instance: a module called with for_each has one set of locals per key.
        const key = `${instanceOf(env.instance, env.modulePath)}\u0000${env.modulePath}\u0000${name}`;
        let cached = this.localCache.get(key);
        if (!cached) {
          const at = this.config.local(env.modulePath, name);
          if (!at || this.visiting.has(key)) return undefined;
          this.visiting.add(key);
          // Locals cannot use each or count, so one evaluation serves every use; each use records
          // its placeholders, and the files it read (`policy = local.policy` of a templatefile).
          const own: string[] = [];
          const files: RenderedFile[] = [];
          cached = { value: this.eval(at, deeper(env.modulePath, null), own, undefined, files), placeholders: own, rendered: files };
          this.localCache.set(key, cached);
          this.visiting.delete(key);
        }
        placeholders.push(...cached.placeholders);
        if (rendered && cached.rendered) rendered.push(...cached.rendered);
        return applyPath(cached.value, path.slice(1), text);
      }
      case "module":
        return name === undefined ? undefined : this.moduleReference(name, path.slice(1), text, env, placeholders, rendered);
      case "count": {
        // The resource's own index, or in a module block's argument, that module instance's.
        const key = env.moduleCall !== undefined ? instanceKey(keyOfModule(env.instance, env.moduleCall)) : env.self ? instanceKey(env.self.key) : undefined;
        return name === "index" && typeof key === "number" ? key : undefined;
      }
      case "each": {
        const v = this.each(name, env, placeholders);
        return v === undefined ? undefined : applyPath(v, path.slice(1), text);
      }
      case "path":
        // Relative to the root, as Terraform gives them; path.cwd is an absolute path of the machine that planned.
        if (name === "module") return this.config.moduleDir(env.modulePath);
        return name === "root" ? "." : undefined;
      case "terraform":
      case "self":
        return undefined;
    }
    return this.resource(root, path, text, env);
  }

  /**
   * `module.m.out` and `module.m["k"].out`: the output's expression, evaluated in that module
   * instance (its `var.x` is that instance's argument, its resources that instance's). A module
   * called with count or for_each named without a key (`module.m[*].out`, `values(module.m)`,
   * `[for k, m in module.m : m.out]`) is all its instances, a list in index order (count) or a
   * map by key (for_each), each an object of its outputs, evaluated only when read.
   */
  private moduleReference(name: string, rest: PathStep[], text: string, env: Env, placeholders: string[], rendered?: RenderedFile[]): HclValue | undefined {
    const child = childInstance(env.modulePath, `module.${name}`);
    const caller = instanceOf(env.instance, env.modulePath);
    const instance = (key: string): string => childInstance(caller, `module.${name}${key}`);
    const objectOf = (key: string): HclValue => this.moduleObject(child, instance(key), env, placeholders, rendered) ?? new Unknown(`module.${name}${key}`);
    let key = "";
    const first = rest[0];
    if (first && "index" in first) {
      key = writtenKey(first.index);
      rest = rest.slice(1);
    } else {
      const keys = this.moduleKeys(name, child, caller, env);
      if (keys === null) return new Unknown(text);
      if (keys !== undefined) return applyPath(keyedValue(keys, (k) => objectOf(writtenKey(k)), text), rest, text);
    }
    const out = rest[0] && "attr" in rest[0] ? rest[0].attr : undefined;
    if (out === undefined) return rest.length === 0 ? objectOf(key) : undefined;
    const at = this.config.output(child, out);
    if (at) return applyPath(this.eval(at, { modulePath: child, self: null, instance: instance(key), depth: env.depth + 1 }, placeholders, undefined, rendered), rest.slice(1), text);
    return this.resolved(resolveReference(this.plan.index, env.modulePath, text), env, text);
  }

  /**
   * The keys of module call `child`'s instances: numbers for count, strings for for_each (sorted,
   * as Terraform orders a map); undefined when it has neither; null when they cannot be known.
   * From the call's own `count` / `for_each` when they evaluate, else from the instances the plan
   * has resources in.
   */
  private moduleKeys(name: string, child: string, caller: string, env: Env): Array<string | number> | null | undefined {
    const forEach = this.config.moduleArgument(child, "for_each");
    const count = this.config.moduleArgument(child, "count");
    if (!forEach && !count) return undefined;
    const at = (forEach ?? count) as ConfigExpression;
    // Only the keys are wanted: placeholders of the values are not this evaluation's.
    const v = this.eval(at, { modulePath: at.modulePath, self: null, instance: env.instance, depth: env.depth + 1 }, []);
    if (count) {
      if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= MAX_INSTANCES) return Array.from({ length: v }, (_, i) => i);
    } else if (Array.isArray(v)) {
      // A set of strings: its elements are the keys.
      if (v.every((x) => typeof x === "string")) return [...new Set(v as string[])].sort();
    } else if (v !== null && typeof v === "object" && !(v instanceof Unknown)) {
      return Object.keys(v).sort();
    }
    const within = childInstance(caller, `module.${name}[`);
    const depth = moduleSegments(caller).length;
    const seen = new Set<string | number>();
    for (const r of this.plan.index.resources) {
      const k = r.moduleInstance.startsWith(within) ? instanceKey(moduleSegments(r.moduleInstance)[depth]?.key) : undefined;
      if (k !== undefined) seen.add(k);
    }
    const keys = [...seen];
    if (keys.every((k) => typeof k === "number")) return keys.length === 0 ? null : (keys as number[]).sort((a, b) => a - b);
    return keys.every((k) => typeof k === "string") ? (keys as string[]).sort() : null;
  }

  /** Module instance `instance` as an object of its outputs, each evaluated when first read. */
  private moduleObject(child: string, instance: string, env: Env, placeholders: string[], rendered?: RenderedFile[]): HclValue | undefined {
    const names = this.config.outputNames(child);
    if (!names) return undefined;
    const obj = record();
    for (const n of names) {
      let value: HclValue | undefined;
      Object.defineProperty(obj, n, {
        enumerable: true,
        get: () => {
          if (value === undefined) {
            const at = this.config.output(child, n) as ConfigExpression;
            value = this.eval(at, { modulePath: child, self: null, instance, depth: env.depth + 1 }, placeholders, undefined, rendered);
          }
          return value;
        },
      });
    }
    return obj;
  }

  /** `var.name`: the root's value in the plan; a module's argument as its call writes it; else its default. */
  private variable(name: string, env: Env, placeholders: string[], rendered?: RenderedFile[]): HclValue | undefined {
    if (env.modulePath === "" && this.plan.index.variables.has(name)) return this.plan.index.variables.get(name) as HclValue;
    if (env.modulePath !== "") {
      const arg = this.config.moduleArgument(env.modulePath, name);
      // Evaluated in the caller, where `each` and `count` are this module instance's (see each()).
      if (arg) return this.eval(arg, { modulePath: arg.modulePath, self: null, instance: env.instance, depth: env.depth + 1, moduleCall: env.modulePath }, placeholders, undefined, rendered);
      const viaPlan = resolveReference(this.plan.index, env.modulePath, `var.${name}`);
      if (viaPlan.kind !== "unresolved") return this.resolved(viaPlan, env, `var.${name}`);
    }
    const d = this.config.variableDefault(env.modulePath, name);
    return d ? this.eval(d, { modulePath: env.modulePath, self: null, instance: env.instance, depth: env.depth + 1 }, placeholders, undefined, rendered) : undefined;
  }

  /**
   * `each.key` and `each.value`: of the resource instance being read (its key in the plan's
   * address), or, in a module block's argument, of that module's instance.
   */
  private each(name: string | undefined, env: Env, placeholders: string[]): HclValue | undefined {
    let key: string | number | undefined;
    let forEach: ConfigExpression | undefined;
    if (env.moduleCall !== undefined) {
      key = instanceKey(keyOfModule(env.instance, env.moduleCall));
      forEach = this.config.moduleArgument(env.moduleCall, "for_each");
    } else if (env.self) {
      key = instanceKey(env.self.key);
      forEach = this.config.attributeAt(env.self.configAddress, ["for_each"]);
    }
    if (typeof key !== "string") return undefined;
    if (name === "key") return key;
    if (name !== "value" || !forEach) return undefined;
    const coll = this.eval(forEach, { modulePath: forEach.modulePath, self: null, instance: env.instance, depth: env.depth + 1 }, placeholders);
    if (Array.isArray(coll)) return coll.includes(key) ? key : undefined;
    return applyPath(coll, [{ attr: key }], `each.value`);
  }

  private resolved(res: Resolved, env: Env, text: string): HclValue | undefined {
    if (res.kind === "constant") return res.value as HclValue;
    if (res.kind !== "resource") return undefined;
    const target = targetOf(this.plan.index, res, fromOf(env));
    return target ? this.attribute(target, res.configAddress, res.attribute ? res.attribute.split(".") : [], text) : undefined;
  }

  /** `aws_x.y[key].attr…` and `data.aws_x.y[key].attr…`. */
  private resource(root: string, path: PathStep[], text: string, env: Env): HclValue | undefined {
    const data = root === "data";
    const parts = data ? path.slice(1) : path;
    const type = data ? (path[0] && "attr" in path[0] ? path[0].attr : undefined) : root;
    const name = parts[0] && "attr" in parts[0] ? parts[0].attr : undefined;
    if (type === undefined || name === undefined) return undefined;
    let rest = parts.slice(1);
    let key: string | null = null;
    const first = rest[0];
    if (first && "index" in first) {
      key = writtenKey(first.index);
      rest = rest.slice(1);
    }
    const local = `${data ? "data." : ""}${type}.${name}`;
    const configAddress = env.modulePath === "" ? local : `${env.modulePath}.${local}`;
    // `aws_sqs_queue.shard` of a resource with count or for_each, without a key: all its
    // instances, a list (count) or a map by key (for_each), for `[*].arn`, `values(…)`, `for`.
    const none = (this.plan.index.byConfigAddress.get(configAddress)?.length ?? 0) === 0 && this.plan.index.config.has(configAddress);
    if (key === null) {
      const all = this.instances(configAddress, env);
      if (all) return applyPath(this.collection(all, configAddress, local), rest, text);
      // No instance at all (`count = 0`, an empty `for_each`): an empty list or map.
      if (none && this.config.attributeAt(configAddress, ["count"])) return applyPath([], rest, text);
      if (none && this.config.attributeAt(configAddress, ["for_each"])) return applyPath(record(), rest, text);
    }
    const target = targetOf(this.plan.index, { kind: "resource", configAddress, attribute: null, key }, fromOf(env));
    // An instance of a resource the plan makes none of (`aws_iam_role.this[0]` with `count = 0`):
    // Terraform's "Invalid index", which `try` passes over.
    if (!target) return none && key !== null ? new Unknown(text, true) : undefined;
    // The resource itself (`aws_sqs_queue.q[*].arn`, `[for q in [aws_sqs_queue.q] : …]`): its object.
    if (rest.length === 0) return this.instanceObject(target, configAddress, `${local}${key ?? ""}`);
    const attrPath = rest.map((s) => ("attr" in s ? s.attr : s.index));
    return this.attribute(target, configAddress, attrPath, text);
  }

  /** The instances of a resource with count or for_each in the module instance evaluated; undefined when it has neither. */
  private instances(configAddress: string, env: Env): TfResource[] | undefined {
    const from = fromOf(env);
    const moduleInstance = from?.moduleInstance ?? "";
    const list = this.plan.index.byModuleInstance.get(`${configAddress}\u0000${moduleInstance}`) ?? [];
    return list.length > 0 && list.every((r) => r.key !== "") ? list : undefined;
  }

  /**
   * The value of a counted resource (a list in index order) or a for_each one (a map by key): each
   * instance's planned values, an attribute known only after apply its ARN when the reader can
   * build it, else unknown (written as `${aws_x.y[k].attr}` where a string is made).
   */
  private collection(all: TfResource[], configAddress: string, written: string): HclValue {
    const byKey = new Map(all.map((r) => [instanceKey(r.key), r]));
    if (byKey.has(undefined)) return new Unknown(written);
    return keyedValue([...byKey.keys()] as Array<string | number>, (k) => this.instanceObject(byKey.get(k) as TfResource, configAddress, `${written}${writtenKey(k)}`), written);
  }

  /** One instance as an object: its planned values, and each attribute known only after apply as attribute() gives it. */
  private instanceObject(r: TfResource, configAddress: string, written: string): HclValue {
    const out = record();
    for (const [name, v] of Object.entries(r.values)) out[name] = v as HclValue;
    for (const name of Object.keys(r.unknown)) {
      if (r.unknown[name] === true) out[name] = this.attribute(r, configAddress, [name], `${written}.${name}`) ?? new Unknown(`${written}.${name}`);
    }
    return out;
  }

  private attribute(target: TfResource, configAddress: string, attrPath: (string | number)[], text: string): HclValue | undefined {
    if (attrPath.length === 0) return undefined;
    const v = valueAtPath(target.values, attrPath);
    if (v !== undefined && v !== null && !unknownAt(target.unknown, attrPath)) return v as HclValue;
    const attr = attrPath[0];
    if (attrPath.length !== 1 || typeof attr !== "string") return new Unknown(text);
    return this.plan.arnOf(target, configAddress, attr) ?? wellKnownData(target, attr, this.plan.ctxOf(target)) ?? new Unknown(text);
  }
}

/** More instances than a module call is read with (a guard against `count = 1e9`). */
const MAX_INSTANCES = 10_000;

/**
 * The instances of a resource or module with count or for_each, as Terraform gives them named
 * without a key: a list in index order (count), a map by key (for_each); unknown when the keys
 * are of both kinds.
 */
function keyedValue(keys: Array<string | number>, valueOf: (key: string | number) => HclValue, written: string): HclValue {
  if (keys.every((k) => typeof k === "number")) return [...(keys as number[])].sort((a, b) => a - b).map(valueOf);
  if (!keys.every((k) => typeof k === "string")) return new Unknown(written);
  const map = record();
  for (const k of keys) map[k] = valueOf(k);
  return map;
}

/** A key as the plan writes it in an address: 0 → `[0]`, "a" → `["a"]`. */
function writtenKey(key: string | number): string {
  return `[${typeof key === "number" ? key : JSON.stringify(key)}]`;
}

/** An instance key as the plan writes it: `[0]` → 0, `["a"]` → "a". */
function instanceKey(written: string | undefined): string | number | undefined {
  const m = written === undefined ? null : /^\[(?:(\d+)|"((?:[^"\\]|\\.)*)")\]$/.exec(written);
  if (!m) return undefined;
  if (m[1] !== undefined) return Number(m[1]);
  try {
    return JSON.parse(`"${m[2] ?? ""}"`) as string;
  } catch {
    return undefined;
  }
}

/** The part of `instance` that is module path `modulePath`'s instance (`module.svc["a"]` for `module.svc`). */
function instanceOf(instance: string, modulePath: string): string {
  const depth = modulePath === "" ? 0 : modulePath.split(".module.").length;
  return moduleSegments(instance)
    .slice(0, depth)
    .map((s) => `module.${s.name}${s.key}`)
    .join(".");
}

/** The key of the call `module "<modulePath>"` in `instance` (`["billing"]`), undefined when it has none. */
function keyOfModule(instance: string, modulePath: string): string | undefined {
  const depth = modulePath.split(".module.").length;
  const seg = moduleSegments(instance)[depth - 1];
  return seg && seg.key !== "" ? seg.key : undefined;
}

/** What instance lookups (targetOf) start from: the resource read, else the module instance. */
function fromOf(env: Env): TfResource | undefined {
  if (env.self) return env.self;
  const moduleInstance = instanceOf(env.instance, env.modulePath);
  return moduleInstance === "" ? undefined : ({ moduleInstance, key: "" } as TfResource);
}

/** Data sources whose answer is the account, region or partition the plan is read in. */
function wellKnownData(target: TfResource, attr: string, ctx: ArnContext): string | undefined {
  if (target.mode !== "data") return undefined;
  const known = (v: string): string | undefined => (v === UNKNOWN ? undefined : v);
  if (target.type === "aws_caller_identity" && attr === "account_id") return known(ctx.accountId);
  if (target.type === "aws_region" && (attr === "name" || attr === "region" || attr === "id")) return known(ctx.region);
  if (target.type === "aws_partition" && attr === "partition") return ctx.partition;
  return undefined;
}
