/**
 * Evaluation of HCL expressions to JSON values, for the policies a plan leaves unknown. What
 * cannot be known here (a reference the caller cannot resolve, a function we do not implement, a
 * template directive over a collection known only after apply) evaluates to `Unknown`, carrying
 * the expression's text; `jsonencode` and templates write an unknown value as the placeholder
 * `${text}` and record it, so that a policy whose Resource is known only after apply is still
 * read, with the placeholder in its place.
 */

import { HclSyntaxError, type Expr, type Step, type TemplatePart } from "./ast.js";
import { parseHclTemplate } from "./parse.js";
import { own } from "../../../collections.js";

/** A value that cannot be known from the configuration and the plan; `text` is the expression's source. */
export class Unknown {
  /**
   * `error`: Terraform itself would fail here (an attribute or index a known value does not have,
   * a call it rejects), which `try` passes over; otherwise the value is only not known here (known
   * after apply, or beyond this evaluator), which `try` returns as Terraform does.
   */
  constructor(
    readonly text: string,
    readonly error = false,
  ) {}
}

/** Whether `v` holds an error anywhere (Terraform fails on the whole expression then). */
export function hasError(v: HclValue): boolean {
  if (v instanceof Unknown) return v.error;
  if (Array.isArray(v)) return v.some(hasError);
  if (typeof v === "object" && v !== null) return Object.values(v).some(hasError);
  return false;
}

/** An Unknown for `text` that keeps an error of the value it comes from. */
function unknownFrom(v: HclValue, text: string): Unknown {
  return new Unknown(text, v instanceof Unknown && v.error);
}

export type HclValue = string | number | boolean | null | HclValue[] | { [key: string]: HclValue } | Unknown;

/** One step of a reference after its root name, evaluated: attribute names and index keys. */
export type PathStep = { attr: string } | { index: string | number };

export interface EvalContext {
  /**
   * The value of a reference to something outside the expression: `var.x`, `local.x`,
   * `aws_sqs_queue.q.arn`, `data.aws_region.current.name`, `each.key`… `path` is every step after
   * the root name, as far as it could be evaluated; the resolver applies what it does not use
   * itself with `applyPath`. Undefined when it cannot be resolved.
   */
  resolve(root: string, path: PathStep[], text: string): HclValue | undefined;
  /** Placeholders written into strings, in order (for the reader's "known only after apply" note). */
  placeholders: string[];
  /**
   * The text of a file the configuration reads with `file` or `templatefile`, by the path as the
   * expression gives it (Terraform resolves it from the folder it runs in, the configuration's
   * root); undefined when it cannot be read. Without it, those calls are unknown.
   */
  readFile?(path: string): string | undefined;
  /** `fileset(path, pattern)`: the matching files under `path`, sorted; undefined when they cannot be listed. */
  fileset?(path: string, pattern: string): string[] | undefined;
  /** Each file read (`file`) or rendered (`templatefile`), when given: for the lines its statements came from. */
  rendered?: RenderedFile[];
}

/** A template file's rendering, with the template's line for each offset where one starts: `[offset, line]`, ascending. */
export interface RenderedFile {
  path: string;
  text: string;
  lines: Array<[number, number]>;
}

/** The template line the rendered character at `offset` came from. */
export function renderedLine(file: RenderedFile, offset: number): number | undefined {
  let found: number | undefined;
  for (const [at, line] of file.lines) {
    if (at > offset) break;
    found = line;
  }
  return found;
}

interface Rendering {
  text: string;
  lines: Array<[number, number]> | null;
  /** Set when an interpolated value is an error: the template is one too. */
  error?: boolean;
}

const isObject = (v: HclValue): v is { [key: string]: HclValue } => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Unknown);

/**
 * How an unknown value is written into a string: `${aws_sqs_queue.q.arn}` (the expression's text,
 * once wrapped). It may land inside a JSON string of a heredoc or template file, so it holds no
 * double quote, backslash or line break: `${aws_sqs_queue.q["a"].url}` is written
 * `${aws_sqs_queue.q['a'].url}`, and an expression over several lines is put on one.
 */
/**
 * An object value: without a prototype, so that a key such as `__proto__` or `constructor` is a
 * key like any other (`{ "__proto__" = "x" }` was dropped, and `o[k] = v` set the prototype).
 */
export function record(): { [key: string]: HclValue } {
  return Object.create(null) as { [key: string]: HclValue };
}

export function placeholderOf(text: string): string {
  const t = text.trim().replace(/"/g, "'").replace(/\\/g, "/").replace(/\s+/g, " ");
  return t.startsWith("${") ? t : `\${${t}}`;
}

/** True when the value holds no Unknown anywhere. */
export function isKnown(v: HclValue): boolean {
  if (v instanceof Unknown) return false;
  if (Array.isArray(v)) return v.every(isKnown);
  if (isObject(v)) return Object.values(v).every(isKnown);
  return true;
}

export function evaluate(e: Expr, ctx: EvalContext, scope: ReadonlyMap<string, HclValue> = new Map()): HclValue {
  return new Evaluator(ctx).eval(e, scope);
}

/** Apply steps to a value: attributes of objects, indices of lists and keys of maps. */
export function applyPath(v: HclValue, path: readonly PathStep[], text: string): HclValue {
  let cur = v;
  for (const step of path) {
    if (cur instanceof Unknown) return cur;
    const key = "attr" in step ? step.attr : step.index;
    // A known value without that index or attribute: Terraform's "Invalid index" / "Unsupported attribute".
    if (Array.isArray(cur) && typeof key === "number") cur = cur[key] ?? new Unknown(text, true);
    else if (Array.isArray(cur) && typeof key === "string" && /^\d+$/.test(key)) cur = cur[Number(key)] ?? new Unknown(text, true);
    else if (isObject(cur) && Object.hasOwn(cur, String(key))) cur = cur[String(key)] as HclValue;
    else return new Unknown(text, true);
  }
  return cur;
}

class Evaluator {
  constructor(readonly ctx: EvalContext) {}

  eval(e: Expr, scope: ReadonlyMap<string, HclValue>): HclValue {
    switch (e.kind) {
      case "literal":
        return e.value;
      case "paren":
        return this.eval(e.expr, scope);
      case "template":
        return this.template(e, scope);
      case "tuple":
        return e.items.map((x) => this.eval(x, scope));
      case "object": {
        const out = record();
        for (const item of e.items) {
          const k = this.eval(item.key, scope);
          if (typeof k !== "string" && typeof k !== "number" && typeof k !== "boolean") return new Unknown(e.span.text);
          out[String(k)] = this.eval(item.value, scope);
        }
        return out;
      }
      case "variable":
        return this.reference(e.name, [], e.span.text, scope);
      case "traversal":
        return this.traversal(e, scope);
      case "call":
        return this.call(e, scope);
      case "unary": {
        const v = this.eval(e.operand, scope);
        if (e.op === "!") return typeof v === "boolean" ? !v : unknownFrom(v, e.span.text);
        const n = typeof v === "string" && NUMERIC.test(v) ? Number(v) : v;
        return typeof n === "number" ? -n : unknownFrom(v, e.span.text);
      }
      case "binary":
        return this.binary(e, scope);
      case "conditional": {
        const c = this.eval(e.condition, scope);
        if (typeof c !== "boolean") return unknownFrom(c, e.span.text);
        const chosen = this.eval(c ? e.then : e.else, scope);
        // Terraform gives both branches one type: a number or bool against a string (a quoted
        // string on the other side: that much is known without evaluating it) becomes a string.
        const other = c ? e.else : e.then;
        const otherIsString = (other.kind === "literal" && typeof other.value === "string") || (other.kind === "template" && !(other.parts.length === 1 && other.parts[0]?.kind === "interp"));
        if ((typeof chosen === "number" || typeof chosen === "boolean") && otherIsString) return str(chosen) ?? new Unknown(e.span.text);
        return chosen;
      }
      case "for":
        return this.forExpr(e, scope);
    }
  }

  template(e: Expr & { kind: "template" }, scope: ReadonlyMap<string, HclValue>, lines: Array<[number, number]> | null = null): HclValue {
    // A template that is one interpolation and nothing else is that value, not its string form.
    if (e.parts.length === 1 && e.parts[0]?.kind === "interp") return this.eval(e.parts[0].expr, scope);
    const out: Rendering = { text: "", lines };
    return this.render(e.parts, scope, out) ? out.text : new Unknown(e.span.text, out.error === true);
  }

  /**
   * Append a template's parts to `out`: an unknown interpolated value is written as its
   * placeholder; a directive whose condition or collection is unknown makes the whole template
   * unknown (false), since the text it would give cannot be known.
   */
  render(parts: readonly TemplatePart[], scope: ReadonlyMap<string, HclValue>, out: Rendering): boolean {
    for (const p of parts) {
      if (p.kind === "text") {
        if (out.lines) {
          out.lines.push([out.text.length, p.line]);
          for (let i = p.text.indexOf("\n"), n = 1; i >= 0 && i < p.text.length - 1; i = p.text.indexOf("\n", i + 1), n++) out.lines.push([out.text.length + i + 1, p.line + n]);
        }
        out.text += p.text;
      } else if (p.kind === "interp") {
        out.lines?.push([out.text.length, p.expr.span.line]);
        const v = this.eval(p.expr, scope);
        if (v instanceof Unknown && v.error) {
          out.error = true;
          return false;
        }
        if (v instanceof Unknown) out.text += this.placeholder(v.text);
        else {
          // Only strings, numbers and bools can be interpolated (Terraform rejects the rest).
          const text = v === null || typeof v === "object" ? undefined : str(v);
          if (text === undefined) return false;
          out.text += text;
        }
      } else if (p.kind === "if") {
        const c = this.eval(p.condition, scope);
        if (typeof c !== "boolean" || !this.render(c ? p.then : p.else, scope, out)) return false;
      } else {
        const entries = entriesOf(this.eval(p.collection, scope));
        if (!entries) return false;
        for (const [k, v] of entries) {
          const inner = new Map(scope);
          inner.set(p.valueVar, v);
          if (p.keyVar !== null) inner.set(p.keyVar, k);
          if (!this.render(p.body, inner, out)) return false;
        }
      }
    }
    return true;
  }

  placeholder(text: string): string {
    const p = placeholderOf(text);
    this.ctx.placeholders.push(p);
    return p;
  }

  /** A reference: a for variable of the enclosing scope, else the caller's resolver. */
  reference(root: string, steps: Step[], text: string, scope: ReadonlyMap<string, HclValue>): HclValue {
    const path: PathStep[] = [];
    let rest: Step[] = [];
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i] as Step;
      if (s.kind === "attr") path.push({ attr: s.name });
      else if (s.kind === "index") {
        const k = this.eval(s.key, scope);
        if (typeof k !== "string" && typeof k !== "number") return new Unknown(text);
        path.push({ index: k });
      } else {
        rest = steps.slice(i);
        break;
      }
    }
    let v: HclValue;
    if (scope.has(root)) v = applyPath(scope.get(root) as HclValue, path, text);
    else {
      // `null` is a value (`locals { on_success = null }`); only undefined is unresolved.
      const resolved = this.ctx.resolve(root, path, text);
      v = resolved === undefined ? new Unknown(text) : resolved;
    }
    return rest.length > 0 ? this.applySteps(v, rest, text, scope) : v;
  }

  traversal(e: Expr & { kind: "traversal" }, scope: ReadonlyMap<string, HclValue>): HclValue {
    if (e.target.kind === "variable") return this.reference(e.target.name, e.steps, e.span.text, scope);
    return this.applySteps(this.eval(e.target, scope), e.steps, e.span.text, scope);
  }

  applySteps(v: HclValue, steps: readonly Step[], text: string, scope: ReadonlyMap<string, HclValue>): HclValue {
    let cur = v;
    for (let i = 0; i < steps.length; i++) {
      if (cur instanceof Unknown) return unknownFrom(cur, text);
      const s = steps[i] as Step;
      if (s.kind === "splat") {
        // `list[*].attr`: the remaining steps applied to each element (a non-list is a one-element list).
        const list = Array.isArray(cur) ? cur : cur === null ? [] : [cur];
        const rest = steps.slice(i + 1);
        return list.map((x) => this.applySteps(x, rest, text, scope));
      }
      const key = s.kind === "attr" ? s.name : this.eval(s.key, scope);
      if (typeof key !== "string" && typeof key !== "number") return new Unknown(text);
      cur = applyPath(cur, [typeof key === "number" ? { index: key } : { attr: key }], text);
    }
    return cur;
  }

  binary(e: Expr & { kind: "binary" }, scope: ReadonlyMap<string, HclValue>): HclValue {
    const l = this.eval(e.left, scope);
    // `&&` and `||` do not short-circuit in HCL, but an unknown side on a decided result is harmless.
    const r = this.eval(e.right, scope);
    if (l instanceof Unknown || r instanceof Unknown) return new Unknown(e.span.text, hasError(l) || hasError(r));
    switch (e.op) {
      case "==":
        return JSON.stringify(l) === JSON.stringify(r);
      case "!=":
        return JSON.stringify(l) !== JSON.stringify(r);
      case "&&":
      case "||":
        if (typeof l !== "boolean" || typeof r !== "boolean") return new Unknown(e.span.text);
        return e.op === "&&" ? l && r : l || r;
    }
    const a = typeof l === "string" && NUMERIC.test(l) ? Number(l) : l;
    const b = typeof r === "string" && NUMERIC.test(r) ? Number(r) : r;
    if (typeof a !== "number" || typeof b !== "number") return new Unknown(e.span.text);
    switch (e.op) {
      case "+":
        return exactly(a + b, e.span.text);
      case "-":
        return exactly(a - b, e.span.text);
      case "*":
        return exactly(a * b, e.span.text);
      case "/":
        return b === 0 ? new Unknown(e.span.text) : exactly(a / b, e.span.text, true);
      case "%":
        return b === 0 || !Number.isInteger(a) || !Number.isInteger(b) ? new Unknown(e.span.text) : a % b;
      case "<":
        return a < b;
      case ">":
        return a > b;
      case "<=":
        return a <= b;
      case ">=":
        return a >= b;
    }
    return new Unknown(e.span.text);
  }

  forExpr(e: Expr & { kind: "for" }, scope: ReadonlyMap<string, HclValue>): HclValue {
    const collection = this.eval(e.collection, scope);
    const entries = entriesOf(collection);
    if (!entries) return unknownFrom(collection, e.span.text);
    const list: HclValue[] = [];
    const obj = record();
    for (const [k, v] of entries) {
      const inner = new Map(scope);
      inner.set(e.valueVar, v);
      if (e.keyVar !== null) inner.set(e.keyVar, k);
      if (e.condition) {
        const c = this.eval(e.condition, inner);
        if (typeof c !== "boolean") return new Unknown(e.span.text);
        if (!c) continue;
      }
      const value = this.eval(e.value, inner);
      if (!e.object) {
        list.push(value);
        continue;
      }
      const key = this.eval(e.key as Expr, inner);
      if (typeof key !== "string" && typeof key !== "number" && typeof key !== "boolean") return new Unknown(e.span.text);
      const ks = String(key);
      if (e.group) obj[ks] = [...((obj[ks] as HclValue[] | undefined) ?? []), value];
      else if (Object.hasOwn(obj, ks)) return new Unknown(e.span.text); // Terraform: duplicate key error
      else obj[ks] = value;
    }
    return e.object ? obj : list;
  }

  call(e: Expr & { kind: "call" }, scope: ReadonlyMap<string, HclValue>): HclValue {
    let args = e.args.map((a) => this.eval(a, scope));
    // `try` returns the first argument that is not an error, unknown or not, as Terraform does
    // (its value once known); any other call fails on an argument that is an error.
    if (e.name === "try") {
      const i = args.findIndex((a) => !hasError(a));
      return i < 0 ? new Unknown(e.span.text, true) : (args[i] as HclValue);
    }
    // `can` is whether its argument evaluates without an error: unknown while the argument is
    // (Terraform cannot tell yet either), never itself an error.
    if (e.name === "can") {
      if (args.length !== 1) return new Unknown(e.span.text, true);
      const [arg] = args as [HclValue];
      return hasError(arg) ? false : arg instanceof Unknown ? new Unknown(e.span.text) : true;
    }
    if (args.some(hasError)) return new Unknown(e.span.text, true);
    if (e.expandFinal) {
      const last = args[args.length - 1];
      if (!Array.isArray(last)) return new Unknown(e.span.text);
      args = [...args.slice(0, -1), ...last];
    }
    if (e.name === "file" || e.name === "templatefile") return this.fileCall(e, args);
    if (e.name === "fileset") {
      const [path, pattern] = args;
      const files = typeof path === "string" && typeof pattern === "string" && args.length === 2 ? this.ctx.fileset?.(path, pattern) : undefined;
      return files ?? new Unknown(e.span.text);
    }
    const fn = own(FUNCTIONS, e.name);
    if (!fn) return new Unknown(e.span.text);
    // jsonencode writes unknown parts as placeholders; every other function needs known arguments.
    if (e.name === "jsonencode") return this.jsonencode(args[0] ?? null, e.span.text);
    // Functions that only move values around may carry unknown parts through; the others need every part.
    if (STRUCTURAL.has(e.name) ? args.some((a) => a instanceof Unknown) : !args.every(isKnown)) return new Unknown(e.span.text);
    const out = fn(args as Known[]);
    // Every argument known and the call refused: Terraform rejects it too (the function
    // differential against `terraform console` holds these to Terraform's errors).
    return out === NOT_HERE ? new Unknown(e.span.text) : out === undefined ? new Unknown(e.span.text, true) : out;
  }

  /**
   * `file(path)` is the file's text; `templatefile(path, vars)` renders it as a template in which
   * only `vars` are in scope (Terraform allows nothing else there, not even another templatefile).
   * A value of `vars` known only after apply is written as its placeholder, as in any template.
   */
  fileCall(e: Expr & { kind: "call" }, args: HclValue[]): HclValue {
    const [path, vars] = args;
    const text = typeof path === "string" ? this.ctx.readFile?.(path) : undefined;
    if (text === undefined || typeof path !== "string") return new Unknown(e.span.text);
    if (e.name === "file") {
      if (args.length !== 1) return new Unknown(e.span.text);
      const lines: Array<[number, number]> = [[0, 1]];
      for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lines.push([i + 1, lines.length + 1]);
      this.ctx.rendered?.push({ path, text, lines });
      return text;
    }
    if (args.length !== 2 || vars === undefined || !isObject(vars)) return new Unknown(e.span.text);
    let template: Expr & { kind: "template" };
    try {
      template = parseHclTemplate(text);
    } catch (error) {
      if (error instanceof HclSyntaxError) return new Unknown(e.span.text);
      throw error;
    }
    const inner = new Evaluator({ placeholders: this.ctx.placeholders, resolve: () => undefined });
    const lines: Array<[number, number]> = [];
    const out = inner.template(template, new Map(Object.entries(vars)), lines);
    if (out instanceof Unknown) return new Unknown(e.span.text);
    if (typeof out === "string") this.ctx.rendered?.push({ path, text: out, lines });
    return out;
  }

  /** Unknown when a number in it would be written with an exponent (Terraform writes every digit). */
  jsonencode(v: HclValue, text: string): HclValue {
    let exponent = false;
    const plain = (x: HclValue): unknown => {
      if (x instanceof Unknown) return this.placeholder(x.text);
      if (Array.isArray(x)) return x.map(plain);
      if (isObject(x)) {
        // Terraform's jsonencode writes keys in lexical order.
        const o: Record<string, unknown> = Object.create(null);
        for (const k of Object.keys(x).sort()) o[k] = plain(x[k] as HclValue);
        return o;
      }
      if (typeof x === "number" && str(x) === undefined) exponent = true;
      return x;
    };
    const out = JSON.stringify(plain(v));
    return exponent ? new Unknown(text) : out;
  }
}

type Known = Exclude<HclValue, Unknown>;

/** What `for` iterates: a list's (index, element) pairs, a map's (key, value) pairs in key order. */
function entriesOf(coll: HclValue): Array<[HclValue, HclValue]> | undefined {
  if (Array.isArray(coll)) return coll.map((v, i) => [i, v]);
  if (isObject(coll)) return Object.keys(coll).sort().map((k) => [k, coll[k] as HclValue]);
  return undefined;
}

/**
 * Functions whose result only selects or moves parts of their arguments, so an unknown part (a
 * queue ARN known after apply inside a statement's map) is carried through, not fatal. Their
 * keys and indices must still be known: an unknown argument itself is.
 */
const STRUCTURAL = new Set(["lookup", "merge", "concat", "flatten", "tolist", "element", "coalescelist", "keys", "length", "values", "reverse", "slice", "one", "tomap", "zipmap"]);
/**
 * A function's answer: its value; undefined where Terraform rejects the call (an error, which
 * `try` passes over); NOT_HERE where Terraform has an answer this evaluator does not compute
 * (a regular expression it does not take on, a verb it does not format): unknown, not an error.
 */
const NOT_HERE: unique symbol = Symbol("not computed here");
type Fn = (args: Known[]) => HclValue | undefined | typeof NOT_HERE;

/**
 * A value as Terraform writes it in a string. Terraform's numbers are arbitrary-precision and
 * never written with an exponent: a number JavaScript would write as `1e+21` is not written here.
 */
const str = (v: Known | undefined): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" ? (/e/i.test(String(v)) ? undefined : String(v)) : typeof v === "boolean" ? String(v) : undefined;

const list = (v: Known | undefined): Known[] | undefined => (Array.isArray(v) ? (v as Known[]) : undefined);

/** A string Terraform converts to a number where one is needed (`"10" + 1`, `-"9"`). */
const NUMERIC = /^-?\d+(\.\d+)?$/;

/**
 * An arithmetic result as Terraform's arbitrary-precision numbers give it: a sum, difference or
 * product of short decimals is rounded back to 15 significant digits (0.1 + 0.2 is 0.3); a
 * quotient that does not end within them (1 / 3) is unknown, as is an integer past 2^53.
 */
function exactly(r: number, text: string, quotient = false): HclValue {
  if (!Number.isFinite(r)) return new Unknown(text);
  if (Number.isInteger(r)) return Number.isSafeInteger(r) ? r : new Unknown(text);
  const digits = String(r).replace(/^-?0*\.?0*|\.|e.*$/g, "").length;
  if (quotient) return digits <= 15 ? r : new Unknown(text);
  return Number(r.toPrecision(15));
}

/** The functions policies are written with; any other call is unknown, never guessed. */
const FUNCTIONS: Record<string, Fn> = {
  jsonencode: () => undefined, // handled in Evaluator.call
  try: () => undefined, // handled in Evaluator.call
  can: () => undefined, // handled in Evaluator.call
  jsondecode: ([s]) => {
    if (typeof s !== "string") return undefined;
    try {
      return JSON.parse(s) as HclValue;
    } catch {
      return undefined;
    }
  },
  concat: (args) => (args.every(Array.isArray) ? (args as Known[][]).flat() : undefined),
  flatten: ([l]) => (Array.isArray(l) ? flattenDeep(l) : undefined),
  merge: (args) => (args.every((a) => a === null || (typeof a === "object" && !Array.isArray(a))) ? Object.assign(record(), ...args) : undefined),
  distinct: ([l]) => (Array.isArray(l) ? dedupe(l) : undefined),
  // A list of strings: numbers and bools are converted, as Terraform converts them.
  compact: ([l]) => (Array.isArray(l) && l.every((x) => x === null || str(x as Known) !== undefined) ? l.filter((x) => x !== null && x !== "").map((x) => str(x as Known) as string) : undefined),
  tolist: ([l]) => (Array.isArray(l) ? l : undefined),
  toset: ([l]) => (Array.isArray(l) ? toSet(l) : undefined),
  tostring: ([v]) => (v === null ? null : str(v)),
  // Terraform converts a string of a number or a bool; any other string is an error.
  tonumber: ([v]) => (v === null || typeof v === "number" ? v : typeof v === "string" && NUMERIC.test(v) ? Number(v) : undefined),
  tobool: ([v]) => (v === null || typeof v === "boolean" ? v : v === "true" ? true : v === "false" ? false : undefined),
  join: ([sep, l]) => {
    const items = list(l)?.map(str);
    return typeof sep === "string" && items && items.every((x) => x !== undefined) ? items.join(sep) : undefined;
  },
  split: ([sep, s]) => (typeof sep === "string" && typeof s === "string" ? (sep === "" ? [...s] : s.split(sep)) : undefined),
  lower: ([s]) => (typeof s === "string" ? s.toLowerCase() : undefined),
  upper: ([s]) => (typeof s === "string" ? s.toUpperCase() : undefined),
  trimspace: ([s]) => (typeof s === "string" ? s.trim() : undefined),
  // Only literal replacement: a `/regex/` pattern is Go's RE2, which we do not reproduce.
  replace: ([s, from, to]) => {
    if (typeof s !== "string" || typeof from !== "string" || typeof to !== "string") return undefined;
    if (/^\/.*\/$/.test(from)) return replaceRegex(s, from.slice(1, -1), to);
    // Go's strings.Replace: an empty search string matches at every character boundary, both ends included.
    return from === "" ? `${to}${[...s].join(to)}${s === "" ? "" : to}` : s.split(from).join(to);
  },
  format: (args) => format(args),
  coalesce: (args) => args.find((a) => a !== null && a !== ""),
  coalescelist: (args) => args.find((a) => Array.isArray(a) && a.length > 0),
  length: ([v]) => (Array.isArray(v) ? v.length : typeof v === "string" ? [...v].length : v !== null && typeof v === "object" ? Object.keys(v).length : undefined),
  // Go's remainder, as Terraform takes it: a negative index wraps only when it divides evenly (-1 of one element).
  element: ([l, i]) => {
    if (!Array.isArray(l) || l.length === 0 || typeof i !== "number") return undefined;
    const k = Math.trunc(i) % l.length;
    return k < 0 ? undefined : l[Math.abs(k)];
  },
  lookup: ([m, k, d]) => (m !== null && typeof m === "object" && !Array.isArray(m) && typeof k === "string" ? (Object.hasOwn(m, k) ? m[k] : d) : undefined),
  keys: ([m]) => (m !== null && typeof m === "object" && !Array.isArray(m) ? Object.keys(m).sort() : undefined),
  values: ([m]) => (m !== null && typeof m === "object" && !Array.isArray(m) ? Object.keys(m).sort().map((k) => m[k] as HclValue) : undefined),
  contains: ([l, v]) => (Array.isArray(l) ? l.some((x) => JSON.stringify(x) === JSON.stringify(v)) : undefined),
  startswith: ([s, p]) => (typeof s === "string" && typeof p === "string" ? s.startsWith(p) : undefined),
  endswith: ([s, p]) => (typeof s === "string" && typeof p === "string" ? s.endsWith(p) : undefined),
  // A list of strings (numbers and bools converted), in lexical order.
  sort: ([l]) => (Array.isArray(l) && l.every((x) => str(x as Known) !== undefined) ? l.map((x) => str(x as Known) as string).sort() : undefined),
  formatlist: (args) => formatlist(args),
  trimprefix: ([s, p]) => (typeof s === "string" && typeof p === "string" ? (p !== "" && s.startsWith(p) ? s.slice(p.length) : s) : undefined),
  trimsuffix: ([s, p]) => (typeof s === "string" && typeof p === "string" ? (p !== "" && s.endsWith(p) ? s.slice(0, s.length - p.length) : s) : undefined),
  trim: ([s, cut]) => {
    if (typeof s !== "string" || typeof cut !== "string") return undefined;
    const set = new Set(cut);
    const chars = [...s];
    let a = 0;
    let b = chars.length;
    while (a < b && set.has(chars[a] as string)) a++;
    while (b > a && set.has(chars[b - 1] as string)) b--;
    return chars.slice(a, b).join("");
  },
  chomp: ([s]) => (typeof s === "string" ? s.replace(/(?:\r\n|\n|\r)+$/, "") : undefined),
  strcontains: ([s, sub]) => (typeof s === "string" && typeof sub === "string" ? s.includes(sub) : undefined),
  substr: ([s, offset, length]) => {
    if (typeof s !== "string" || typeof offset !== "number" || typeof length !== "number") return undefined;
    const chars = [...s];
    const start = offset < 0 ? chars.length + offset : offset;
    if (start < 0 || (length === 0 && offset < 0)) return undefined; // Terraform's own edge cases, not reproduced
    if (start >= chars.length || length === 0) return "";
    return chars.slice(start, length < 0 ? undefined : start + length).join("");
  },
  // Sensitivity is a plan-time mark, not part of the value.
  sensitive: ([v]) => v,
  nonsensitive: ([v]) => v,
  tomap: ([m]) => (m !== null && typeof m === "object" && !Array.isArray(m) ? m : undefined),
  zipmap: ([k, v]) => {
    if (!Array.isArray(k) || !Array.isArray(v) || k.length !== v.length || !k.every((x) => str(x as Known) !== undefined)) return undefined;
    return Object.fromEntries(k.map((x, i) => [str(x as Known) as string, v[i] as HclValue]));
  },
  one: ([l]) => (Array.isArray(l) && l.length <= 1 ? (l[0] ?? null) : undefined),
  slice: ([l, a, b]) => (Array.isArray(l) && typeof a === "number" && typeof b === "number" && a >= 0 && a <= b && b <= l.length ? l.slice(a, b) : undefined),
  reverse: ([l]) => (Array.isArray(l) ? [...l].reverse() : undefined),
  index: ([l, v]) => {
    if (!Array.isArray(l)) return undefined;
    const i = l.findIndex((x) => JSON.stringify(x) === JSON.stringify(v));
    return i < 0 ? undefined : i;
  },
  setunion: (args) => (args.every(Array.isArray) ? toSet(unified(args as Known[][]).flat()) : undefined),
  setintersection: (args) => {
    if (!args.every(Array.isArray) || args.length === 0) return undefined;
    const [first, ...rest] = unified(args as Known[][]);
    return toSet((first as HclValue[]).filter((x) => rest.every((r) => r.some((y) => JSON.stringify(y) === JSON.stringify(x)))));
  },
  setsubtract: (args) => {
    if (args.length !== 2 || !args.every(Array.isArray)) return undefined;
    const [a, b] = unified(args as Known[][]) as [HclValue[], HclValue[]];
    return toSet(a.filter((x) => !b.some((y) => JSON.stringify(y) === JSON.stringify(x))));
  },
  alltrue: ([l]) => (Array.isArray(l) && l.every((x) => typeof x === "boolean") ? l.every((x) => x) : undefined),
  anytrue: ([l]) => (Array.isArray(l) && l.every((x) => typeof x === "boolean") ? l.some((x) => x) : undefined),
};

/** The lists of a set function as one element type: strings when strings meet numbers or bools anywhere among them. */
function unified(lists: HclValue[][]): HclValue[][] {
  const types = new Set(lists.flat().map((x) => typeof x));
  const toStrings = types.has("string") && (types.has("number") || types.has("boolean"));
  return toStrings ? lists.map((l) => l.map((x) => (typeof x === "number" || typeof x === "boolean" ? String(x) : x))) : lists;
}

/**
 * A set as Terraform lists it: of one type (strings, numbers and bools mixed become strings),
 * no duplicates, in order (strings lexically, numbers numerically).
 */
function toSet(l: HclValue[]): HclValue[] {
  const scalars = l.every((x) => typeof x === "string" || typeof x === "number" || typeof x === "boolean");
  const mixed = scalars && new Set(l.map((x) => typeof x)).size > 1;
  const items = dedupe(mixed ? l.map((x) => String(x)) : l);
  if (items.every((x) => typeof x === "number")) return (items as number[]).sort((a, b) => a - b);
  return items.every((x) => typeof x === "string") ? (items as string[]).sort() : items.sort(compareKnown);
}

function flattenDeep(l: readonly HclValue[]): HclValue[] {
  return l.flatMap((x) => (Array.isArray(x) ? flattenDeep(x) : [x]));
}

function dedupe(l: HclValue[]): HclValue[] {
  const seen = new Set<string>();
  return l.filter((x) => {
    const k = JSON.stringify(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function compareKnown(a: HclValue, b: HclValue): number {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * `formatlist(spec, …)`: `format` once per element; list arguments must all be as long, any other
 * argument is repeated (Terraform's rule).
 */
function formatlist(args: Known[]): string[] | undefined | typeof NOT_HERE {
  const [spec, ...rest] = args;
  const lengths = new Set(rest.filter(Array.isArray).map((l) => (l as Known[]).length));
  if (typeof spec !== "string" || lengths.size !== 1) return undefined;
  const n = [...lengths][0] as number;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = format([spec, ...rest.map((a) => (Array.isArray(a) ? ((a as Known[])[i] as Known) : a))]);
    if (s === undefined || s === NOT_HERE) return s;
    out.push(s);
  }
  return out;
}

/** Terraform's `format` for the verbs policies use (%s, %d, %v, %q, %%); anything else is unknown. */
/**
 * `replace(s, "/re/", "")`: the matches removed (a module's Sid made from a map key by removing
 * every character that is not a letter or digit). Only with an empty replacement (Go and JavaScript differ on
 * `$` expansions and on empty matches next to a match; removing makes neither matter) and a
 * pattern both RE2 and JavaScript read alike (no lookaround, back-reference or named group).
 */
function replaceRegex(s: string, pattern: string, to: string): string | typeof NOT_HERE {
  if (to !== "" || /\(\?[=!<]|\\[1-9kpP]/.test(pattern)) return NOT_HERE;
  try {
    return s.replace(new RegExp(pattern, "gu"), "");
  } catch {
    return NOT_HERE;
  }
}

function format(args: Known[]): string | undefined | typeof NOT_HERE {
  const [spec, ...rest] = args;
  if (typeof spec !== "string") return undefined;
  let i = 0;
  let failed = false;
  const out = spec.replace(/%(%|s|d|v|q)/g, (_m, verb: string) => {
    if (verb === "%") return "%";
    const v = rest[i++];
    if (verb === "d") {
      if (typeof v !== "number") failed = true;
      return String(v);
    }
    const s = str(v);
    if (s === undefined) failed = true;
    return verb === "q" ? JSON.stringify(s) : (s ?? "");
  });
  if (failed) return undefined;
  // A verb or flag not computed here (`%5s`, `%x`, `%.2f`): Terraform formats it, we do not.
  return /%[^%sdvq]/.test(spec.replace(/%%/g, "")) ? NOT_HERE : out;
}
