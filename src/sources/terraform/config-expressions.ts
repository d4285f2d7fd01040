/**
 * The expressions of the Terraform configuration (`--tf-config`), parsed (hcl/parse.ts) and
 * indexed by the plan's module paths: each resource's block, each module's locals, variables'
 * defaults, module calls and outputs. The plan reader evaluates a policy from here when the plan
 * knows it only after apply, which is the usual case for `jsonencode({… aws_x.y.arn …})` naming a
 * resource created by the same plan.
 */

import { readdirSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, posix } from "node:path";
import type { Attribute, Block, Body, Expr } from "./hcl/ast.js";
import { HclSyntaxError, staticText } from "./hcl/ast.js";
import { parseHcl } from "./hcl/parse.js";
import { isOverrideFile, moduleDirs, tfFilesByDir, type TerraformConfigFiles } from "./config-locations.js";
import type { PlanIndex } from "./plan-index.js";

/** Larger than any file a policy is read from (IAM's largest policy is 10,240 characters). */
const MAX_READ_FILE = 1024 * 1024;

export interface ConfigExpression {
  expr: Expr;
  /** The `.tf` file, as the user named it (joined to the configuration root). */
  file: string;
  line: number;
  /** The module path it belongs to (`""` for the root, `module.a.module.b`). */
  modulePath: string;
}

export interface ConfigParseError {
  file: string;
  line: number;
  message: string;
}

interface ModuleScope {
  locals: Map<string, ConfigExpression>;
  variableDefaults: Map<string, ConfigExpression>;
  outputs: Map<string, ConfigExpression>;
  /** `module "name" {}` blocks of this module, by name. */
  calls: Map<string, { block: Block; file: string }>;
  /** Each `provider "aws"` block's `region`, by its local key (`aws`, `aws.<alias>`). */
  providerRegions: Map<string, ConfigExpression>;
  /** Each `provider "aws"` block's `assume_role` (or `assume_role_with_web_identity`) `role_arn`, by the same key. */
  providerRoleArns: Map<string, ConfigExpression>;
}

export class TerraformConfig {
  readonly errors: ConfigParseError[] = [];
  private readonly resources = new Map<string, { block: Block; file: string; modulePath: string }>();
  private readonly modules = new Map<string, ModuleScope>();

  private readonly dirs: Map<string, string>;
  private readonly read = new Map<string, string | undefined>();
  private readonly listed = new Map<string, string[] | undefined>();

  /**
   * `root` prefixes the `.tf` paths in locations; `diskRoot`, when given, is the folder on disk
   * that `file(…)` and `templatefile(…)` paths are read from when `files` does not hold them
   * (Terraform resolves them from the folder it runs in, the configuration's root).
   */
  constructor(
    index: PlanIndex,
    private readonly files: TerraformConfigFiles,
    private readonly root = "",
    private readonly diskRoot?: string,
  ) {
    const byDir = tfFilesByDir(files);
    const parsed = new Map<string, Body | null>();
    this.dirs = moduleDirs(index, files);
    for (const [modulePath, dir] of this.dirs) {
      const scope: ModuleScope = { locals: new Map(), variableDefaults: new Map(), outputs: new Map(), calls: new Map(), providerRegions: new Map(), providerRoleArns: new Map() };
      this.modules.set(modulePath, scope);
      // Terraform loads a folder's override files after its other files, in lexicographical
      // order, and merges each of their blocks into the block of the same header (Override Files).
      const paths = byDir.get(posix.normalize(dir)) ?? [];
      const overrides = paths.filter(isOverrideFile);
      for (const path of [...paths.filter((p) => !isOverrideFile(p)), ...overrides]) {
        const file = root === "" ? path : posix.join(root, path);
        if (!parsed.has(path)) parsed.set(path, this.parse(files[path] ?? "", file));
        const body = parsed.get(path);
        if (!body) continue;
        if (isOverrideFile(path)) this.mergeOverride(body, file, modulePath, scope);
        else this.indexBody(body, file, modulePath, scope);
      }
    }
  }

  /** The file an attribute or nested block was written in, when an override file merged it into a block of another file. */
  private readonly overrideFiles = new WeakMap<Attribute | Block, string>();

  /** The file `node` of a block written in `file` comes from: `file`, or the override file it was merged from. */
  fileOf(node: Attribute | Block, file: string): string {
    return this.overrideFiles.get(node) ?? file;
  }

  /**
   * An override file's blocks merged into the module's (Terraform's "Override Files", merging
   * behaviour): a resource, data, module, variable or output block's arguments replace those of the
   * same name; its nested blocks of a type (written out or `dynamic`) replace all the original's of
   * that type, whose contents are not merged, but for `lifecycle`, merged argument by argument;
   * `locals` are replaced value by value. A block no other file defines (an error to Terraform,
   * which then makes no plan) is read as written.
   */
  private mergeOverride(body: Body, file: string, modulePath: string, scope: ModuleScope): void {
    for (const a of body.attributes) this.overrideFiles.set(a, file);
    for (const b of body.blocks) {
      for (const a of b.body.attributes) this.overrideFiles.set(a, file);
      for (const nested of b.body.blocks) this.overrideFiles.set(nested, file);
      if ((b.type === "resource" || b.type === "data") && b.labels.length === 2) {
        const local = `${b.type === "data" ? "data." : ""}${b.labels[0]}.${b.labels[1]}`;
        const base = this.resources.get(modulePath === "" ? local : `${modulePath}.${local}`);
        if (base) {
          base.block = { ...base.block, body: mergeBodies(base.block.body, b.body) };
          continue;
        }
      } else if (b.type === "module" && b.labels[0] !== undefined) {
        const base = scope.calls.get(b.labels[0]);
        if (base) {
          base.block = { ...base.block, body: mergeBodies(base.block.body, b.body) };
          continue;
        }
      }
      // locals by name, a variable's default, an output's value, a provider's region: replaced as indexBody sets them.
      this.indexBody({ attributes: [], blocks: [b] }, file, modulePath, scope);
    }
  }

  private parse(text: string, file: string): Body | null {
    try {
      return parseHcl(text);
    } catch (error) {
      if (!(error instanceof HclSyntaxError)) throw error;
      this.errors.push({ file, line: error.line, message: error.message });
      return null;
    }
  }

  private indexBody(body: Body, file: string, modulePath: string, scope: ModuleScope): void {
    const at = (a: Attribute): ConfigExpression => ({ expr: a.expr, file, line: a.span.line, modulePath });
    for (const b of body.blocks) {
      if ((b.type === "resource" || b.type === "data") && b.labels.length === 2) {
        const local = `${b.type === "data" ? "data." : ""}${b.labels[0]}.${b.labels[1]}`;
        this.resources.set(modulePath === "" ? local : `${modulePath}.${local}`, { block: b, file, modulePath });
      } else if (b.type === "locals") {
        for (const a of b.body.attributes) scope.locals.set(a.name, at(a));
      } else if (b.type === "variable" && b.labels[0] !== undefined) {
        const d = b.body.attributes.find((a) => a.name === "default");
        if (d) scope.variableDefaults.set(b.labels[0], at(d));
      } else if (b.type === "output" && b.labels[0] !== undefined) {
        const v = b.body.attributes.find((a) => a.name === "value");
        if (v) scope.outputs.set(b.labels[0], at(v));
      } else if (b.type === "module" && b.labels[0] !== undefined) {
        scope.calls.set(b.labels[0], { block: b, file });
      } else if (b.type === "provider" && b.labels[0] === "aws") {
        const alias = b.body.attributes.find((a) => a.name === "alias");
        const name = alias ? staticText(alias.expr) : undefined;
        const region = b.body.attributes.find((a) => a.name === "region");
        if (region && (alias === undefined || name !== undefined)) scope.providerRegions.set(name === undefined ? "aws" : `aws.${name}`, at(region));
        const assume = b.body.blocks.find((x) => x.type === "assume_role" || x.type === "assume_role_with_web_identity");
        const roleArn = assume?.body.attributes.find((a) => a.name === "role_arn");
        if (roleArn && (alias === undefined || name !== undefined)) scope.providerRoleArns.set(name === undefined ? "aws" : `aws.${name}`, at(roleArn));
      }
    }
  }

  /** Whether a resource's block writes `dynamic "<type>"` blocks at its top level. */
  hasDynamicBlock(configAddress: string, type: string): boolean {
    return this.resources.get(configAddress)?.block.body.blocks.some((b) => b.type === "dynamic" && b.labels[0] === type) ?? false;
  }

  /**
   * The expression at `path` in a resource's block: an attribute, or one inside its nested blocks
   * (`inline_policy`, 0, `policy`). Undefined when the block is not in the configuration, or the
   * path goes through a `dynamic` block (its instances are not numbered in the text).
   */
  attributeAt(configAddress: string, path: readonly (string | number)[]): ConfigExpression | undefined {
    const found = this.resources.get(configAddress);
    if (!found) return undefined;
    let body = found.block.body;
    for (let i = 0; i < path.length; i++) {
      const step = path[i];
      if (typeof step !== "string") return undefined;
      const next = path[i + 1];
      if (typeof next === "number") {
        if (body.blocks.some((b) => b.type === "dynamic" && b.labels[0] === step)) return undefined;
        const blocks = body.blocks.filter((b) => b.type === step);
        const b = blocks[next];
        if (!b) return undefined;
        body = b.body;
        i++;
        continue;
      }
      if (i !== path.length - 1) return undefined;
      const a = body.attributes.find((x) => x.name === step);
      return a ? { expr: a.expr, file: this.fileOf(a, found.file), line: a.span.line, modulePath: found.modulePath } : undefined;
    }
    return undefined;
  }

  /** A resource or data block as written (`data.aws_iam_policy_document.x`, module-qualified). */
  block(configAddress: string): { block: Block; file: string; modulePath: string } | undefined {
    return this.resources.get(configAddress);
  }

  /** `path.module`: the module's folder relative to the root, as Terraform gives it (`.`, `modules/fn`, `.terraform/modules/x`). */
  moduleDir(modulePath: string): string | undefined {
    return this.dirs.get(modulePath);
  }

  /**
   * A file the configuration reads with `file` or `templatefile`, by the path as evaluated
   * (`modules/fn/policy.json.tftpl`): from the files given, else from disk under `diskRoot`.
   * Undefined when it cannot be read, is not a regular file, or is larger than a policy could be.
   */
  readFile(path: string): string | undefined {
    const key = posix.normalize(path.replace(/\\/g, "/"));
    if (Object.hasOwn(this.files, key)) return this.files[key];
    if (this.diskRoot === undefined) return undefined;
    // Each module instance renders the same template: read it once.
    if (!this.read.has(key)) {
      const full = this.onDisk(path);
      let text: string | undefined;
      try {
        const st = statSync(full);
        text = st.isFile() && st.size <= MAX_READ_FILE ? readFileSync(full, "utf8") : undefined;
      } catch {
        text = undefined;
      }
      this.read.set(key, text);
    }
    return this.read.get(key);
  }

  /**
   * `fileset(path, pattern)`: the regular files under `path` (from the root) whose path relative to
   * it matches the glob `pattern` (`*`, `**`, `?`, `[class]`, `{a,b}`), sorted, as Terraform gives
   * them; a folder that does not exist gives none, as in Terraform. The files on disk under
   * `diskRoot` and those among the configuration's files. Undefined when the folder is too large
   * to list here or the pattern is not one we read.
   */
  fileset(path: string, pattern: string): string[] | undefined {
    const key = `${path}\u0000${pattern}`;
    if (this.listed.has(key)) return this.listed.get(key);
    const match = globToRegExp(pattern);
    let out: string[] | undefined;
    if (match) {
      const found = new Set<string>();
      const base = posix.normalize(path.replace(/\\/g, "/")).replace(/\/$/, "");
      for (const f of Object.keys(this.files)) {
        const rel = base === "." ? f : f.startsWith(`${base}/`) ? f.slice(base.length + 1) : undefined;
        if (rel !== undefined && match.test(rel)) found.add(rel);
      }
      const listedAll = this.diskRoot === undefined || listFiles(this.onDisk(path), (rel) => {
        if (match.test(rel)) found.add(rel);
      });
      out = listedAll ? [...found].sort() : undefined;
    }
    this.listed.set(key, out);
    return out;
  }

  /** Where a path the configuration gives (relative to its root, as Terraform resolves it) is on disk; only with a `diskRoot`. */
  private onDisk(path: string): string {
    return isAbsolute(path) ? path : join(this.diskRoot || ".", path);
  }

  /** A path relative to the configuration's root as locations name files (under the root as the user named it). */
  displayPath(path: string): string {
    return this.root === "" || isAbsolute(path) ? posix.normalize(path) : posix.join(this.root, path);
  }

  local(modulePath: string, name: string): ConfigExpression | undefined {
    return this.modules.get(modulePath)?.locals.get(name);
  }

  variableDefault(modulePath: string, name: string): ConfigExpression | undefined {
    return this.modules.get(modulePath)?.variableDefaults.get(name);
  }

  /** The `region` expression of the provider configuration a plan keys `aws.x` (root) or `module.m:aws.x`. */
  providerRegion(key: string): ConfigExpression | undefined {
    const at = key.lastIndexOf(":");
    return this.modules.get(at < 0 ? "" : key.slice(0, at))?.providerRegions.get(at < 0 ? key : key.slice(at + 1));
  }

  /** The `assume_role` `role_arn` expression of the provider configuration a plan keys so (providerRegion). */
  providerRoleArn(key: string): ConfigExpression | undefined {
    const at = key.lastIndexOf(":");
    return this.modules.get(at < 0 ? "" : key.slice(0, at))?.providerRoleArns.get(at < 0 ? key : key.slice(at + 1));
  }

  output(modulePath: string, name: string): ConfigExpression | undefined {
    return this.modules.get(modulePath)?.outputs.get(name);
  }

  /** The names of module `modulePath`'s outputs; undefined when the module is not in the configuration. */
  outputNames(modulePath: string): string[] | undefined {
    const m = this.modules.get(modulePath);
    return m ? [...m.outputs.keys()] : undefined;
  }

  /** The argument `name` of the call that made module `modulePath`, as written in its parent. */
  moduleArgument(modulePath: string, name: string): ConfigExpression | undefined {
    const i = modulePath.lastIndexOf("module.");
    if (i < 0) return undefined;
    const parent = i === 0 ? "" : modulePath.slice(0, i - 1);
    const call = this.modules.get(parent)?.calls.get(modulePath.slice(i + "module.".length));
    const a = call?.block.body.attributes.find((x) => x.name === name);
    return call && a ? { expr: a.expr, file: call.file, line: a.span.line, modulePath: parent } : undefined;
  }
}

/**
 * The keys of an object constructor whose keys are all written out (`{ TABLE = …, "QUEUE" = … }`),
 * without evaluating a value: for environment variables, whose names are wanted and whose values
 * must never be read. Undefined for any other expression (`merge(…)`, `var.env`, a `for`).
 */
export function literalObjectKeys(expr: Expr): string[] | undefined {
  if (expr.kind !== "object") return undefined;
  const keys: string[] = [];
  for (const { key } of expr.items) {
    const name = key.kind === "literal" && typeof key.value === "string" ? key.value : staticText(key);
    if (name === undefined) return undefined;
    keys.push(name);
  }
  return keys;
}

/** More files than a folder of policies holds: past this, fileset is not answered (a guard). */
const MAX_LISTED = 20_000;

/** Every regular file under `dir`, by `/`-separated path relative to it; false when there are too many. A missing folder has none. */
function listFiles(dir: string, onFile: (rel: string) => void): boolean {
  let count = 0;
  const walk = (d: string, prefix: string): boolean => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return true;
    }
    for (const name of names) {
      if (++count > MAX_LISTED) return false;
      let st;
      try {
        st = statSync(join(d, name));
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (!walk(join(d, name), `${prefix}${name}/`)) return false;
      } else if (st.isFile()) onFile(`${prefix}${name}`);
    }
    return true;
  };
  return walk(dir, "");
}

/**
 * A glob of Terraform's `fileset` as a regular expression over `/`-separated paths: `*` and `?`
 * within one path segment, `**` across segments (and `**` then a slash also matching no folder
 * at all), `[class]` and `[^class]`, `{a,b}`. Undefined for a pattern that does not close.
 */
export function globToRegExp(pattern: string): RegExp | undefined {
  const body = globBody(pattern, 0, false);
  if (!body || body.end !== pattern.length) return undefined;
  try {
    return new RegExp(`^${body.source}$`, "u");
  } catch {
    return undefined; // a class such as [z-a], which Terraform rejects too
  }
}

function globBody(p: string, start: number, inAlternatives: boolean): { source: string; end: number } | undefined {
  let out = "";
  let i = start;
  while (i < p.length) {
    const c = p[i] as string;
    if (inAlternatives && (c === "," || c === "}")) break;
    if (inAlternatives && c === "/") return undefined; // Terraform: "syntax error in pattern"
    if (c === "*") {
      if (p[i + 1] === "*") {
        if (p[i + 2] === "/") {
          out += "(?:.*/)?";
          i += 3;
        } else {
          out += ".*";
          i += 2;
        }
      } else {
        out += "[^/]*";
        i++;
      }
    } else if (c === "?") {
      out += "[^/]";
      i++;
    } else if (c === "[") {
      const close = p.indexOf("]", i + 2);
      if (close < 0) return undefined;
      const negated = p[i + 1] === "^" || p[i + 1] === "!";
      const cls = p.slice(i + (negated ? 2 : 1), close).replace(/[\\\]^]/g, "\\$&");
      out += negated ? `[^/${cls}]` : `(?!/)[${cls}]`;
      i = close + 1;
    } else if (c === "{") {
      const alternatives: string[] = [];
      let j = i + 1;
      for (;;) {
        const alt = globBody(p, j, true);
        if (!alt || alt.end >= p.length) return undefined;
        alternatives.push(alt.source);
        j = alt.end + 1;
        if (p[alt.end] === "}") break;
      }
      out += `(?:${alternatives.join("|")})`;
      i = j;
    } else if (c === "\\" && i + 1 < p.length) {
      out += escapeRegExp(p[i + 1] as string);
      i += 2;
    } else {
      out += escapeRegExp(c);
      i++;
    }
  }
  return { source: out, end: i };
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** A nested block's type: a `dynamic "x"` block is an `x`. */
const nestedType = (b: Block): string => (b.type === "dynamic" && b.labels[0] !== undefined ? b.labels[0] : b.type);

/** `over`'s arguments and nested block types in place of `base`'s (the rules mergeOverride names). */
function mergeBodies(base: Body, over: Body): Body {
  const replaced = new Set(over.attributes.map((a) => a.name));
  const attributes = [...base.attributes.filter((a) => !replaced.has(a.name)), ...over.attributes];
  const types = new Set(over.blocks.map(nestedType));
  const blocks = base.blocks.filter((b) => !types.has(nestedType(b)));
  for (const b of over.blocks) {
    const lifecycle = b.type === "lifecycle" ? base.blocks.find((x) => x.type === "lifecycle") : undefined;
    blocks.push(lifecycle ? { ...b, body: mergeBodies(lifecycle.body, b.body) } : b);
  }
  return { attributes, blocks };
}
