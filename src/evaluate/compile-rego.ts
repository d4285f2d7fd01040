/**
 * Compiling Rego to a wasm rule pack with the OPA CLI: `opa build -t wasm` with the single
 * aggregating entrypoint `leastrole/findings`, no optimisation (-O=1 emits nondeterministic
 * metadata, opa#8757), and the capabilities file that admits only built-ins opa-wasm can run, so
 * an unsupported built-in fails here rather than in someone's audit. The catalog comes from
 * `opa inspect -a`, i.e. from the same METADATA parser OPA uses.
 */

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { RulePackError, toError } from "../errors.js";
import { undefinedFunctions, unsupportedBuiltinsMessage } from "./unsupported-builtins.js";
import { catalogFromInspect, type RuleCatalog } from "./catalog.js";
import { builtinPackPaths } from "./locate.js";
import { findOpaBinary } from "./opa-binary.js";
import { readTarGz } from "./tar.js";
import { definesFindings, regoSourceText } from "./rego-text.js";
import { canonicalSchemaPath } from "../normalize/validate.js";

export const PACK_ENTRYPOINT = "leastrole/findings";

export interface CompiledPack {
  wasm: Buffer;
  catalog: RuleCatalog;
  /** The bundle's merged data.json (data files shipped in the rule folder), or {}. */
  data: Record<string, unknown>;
  /** Problems that do not stop the pack (e.g. `findings` in a package the entrypoint never reads). */
  warnings: string[];
}

export interface CompileOptions {
  /** Path of the opa binary; default $LEASTROLE_OPA or `opa` on PATH. */
  opaPath?: string;
  /** File and directory names to leave out (matched by `opa --ignore`). */
  ignore?: string[];
}

function runOpa(opa: string, args: string[], dir: string, entrypoint?: string): string {
  try {
    return execFileSync(opa, args, { encoding: "utf8", maxBuffer: 256 << 20, stdio: ["ignore", "pipe", "pipe"] });
  } catch (thrown) {
    const e = thrown as { stderr?: string; stdout?: string };
    let detail = (e.stderr || e.stdout || toError(thrown).message).trim();
    // The entrypoint is a copy in a temporary folder that is gone once this returns: named as what
    // it is. A rule reading data.leastrole whole reads every rule's findings, its own included.
    if (entrypoint !== undefined && detail.includes(entrypoint)) {
      detail = detail.split(entrypoint).join("leastrole's entrypoint (policies/leastrole.rego)");
      if (detail.includes("rego_recursion_error")) detail += "\nA rule that reads data.leastrole (or data.leastrole.rules) as a whole reads the findings of every rule, its own included: read data.leastrole.config for the rule options";
    }
    // OPA 1.x parses v1 only: a v0 rule (`findings[f] { … }`) fails with these parse errors, which
    // do not say that a rewrite of the whole folder is one command away.
    const v0 = /`(?:if|contains)` keyword is required/.test(detail) ? `\nThis is OPA v0 syntax: leastrole compiles Rego v1; \`opa fmt --write --v0-v1 ${dir}\` rewrites it` : "";
    throw new RulePackError(`opa ${args[0]} failed:\n${detail}${v0}`, { file: dir });
  }
}

/**
 * sha256 of what a pack is compiled from: every .rego file opa build reads (relative path and
 * bytes, in path order), the extra inputs (entrypoint, capabilities) and the OPA version. The
 * report's rulesVersion is built from it: the wasm's own hash changes from build to build.
 */
function sourceHash(dir: string, files: readonly string[], extra: readonly string[], opaVersion: string | null): string {
  const h = createHash("sha256").update(`opa ${opaVersion ?? "?"}\0`);
  for (const f of files) h.update(`${f}\0`).update(readFileSync(join(dir, f))).update("\0");
  for (const f of extra) h.update(readFileSync(f)).update("\0");
  return h.digest("hex");
}

/** The .rego files opa build reads in `dir` (not those `ignore` leaves out), relative, sorted. */
function regoFiles(dir: string, ignore: readonly string[]): string[] {
  const ignored = (name: string): boolean =>
    ignore.some((p) => (p.startsWith("*") ? name.endsWith(p.slice(1)) : p.startsWith(".") && p.endsWith("*") ? name.startsWith(p.slice(0, -1)) : name === p));
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (ignored(e.name)) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".rego")) files.push(p);
    }
  };
  walk(dir);
  return files.map((f) => relative(dir, f).split("\\").join("/")).sort();
}

/**
 * Copies of the aggregating entrypoint (`package leastrole` defining `findings`) in the user's
 * folder, relative paths. The bundle recipe of docs/writing-rules.md once said to copy
 * policies/leastrole.rego into the rule folder, and a folder holding one then failed here with
 * opa's "package annotation redeclared" (the entrypoint is compiled in from the package as well).
 * leastrole's own copy wins: the user's may be from an older version.
 */
function entrypointCopies(dir: string, files: readonly string[]): string[] {
  return files.filter((f) => {
    const text = readFileSync(join(dir, f), "utf8");
    return /^package\s+leastrole\s*$/m.test(text) && /^findings\b/m.test(text);
  });
}

/**
 * The --ignore patterns that leave the entrypoint copies out. opa's --ignore matches a file's base
 * name at any depth, so a copy is left out by its name only when no other source has that name.
 */
function ignoreCopies(dir: string, sources: readonly string[], copies: readonly string[]): string[] {
  const base = (f: string): string => f.split("/").pop()!;
  const names = [...new Set(copies.map(base))].sort();
  for (const name of names) {
    const other = sources.find((f) => base(f) === name && !copies.includes(f));
    if (other) {
      const copy = copies.find((f) => base(f) === name)!;
      throw new RulePackError(`${copy} is a copy of leastrole's entrypoint (package leastrole), which leastrole compiles in itself: delete it`, { file: join(dir, copy) });
    }
  }
  return names;
}

const WHERE_RULES_LIVE = "a rule is a .rego file with `package leastrole.rules.<name>`, its METADATA (title, custom.id, custom.severity) and `findings`";

interface Inspected {
  namespaces?: Record<string, string[]>;
  annotations?: Array<{
    annotations?: { scope?: string; custom?: Record<string, unknown> };
    location?: { file?: string; row?: number };
    path?: Array<{ value: string }>;
  }>;
}

const RULE_NAMESPACE = /^data\.leastrole\.rules\.[A-Za-z0-9_]+$/;

/**
 * Rules written where the entrypoint never looks: it collects `data.leastrole.rules.<name>.findings`
 * only, so a rule in `package acme.rules.x` or `package leastrole.rules.org.x` would compile and
 * never run. A package that declares a rule in its METADATA (custom.id or custom.severity) there is
 * an error; one that defines `findings` without such METADATA a warning (it may be a helper that
 * happens to have that name).
 */
function misplacedRules(inspect: Inspected): { error: RulePackError | null; warnings: string[] } {
  const where = (pkg: string): string => `rules run only from package leastrole.rules.<name>, one name after "rules": rename it package leastrole.rules.${pkg.split(".").pop()}`;
  const isTest = (pkg: string): boolean => pkg.endsWith("_test");
  for (const a of inspect.annotations ?? []) {
    if ((a.annotations?.scope ?? "package") !== "package") continue;
    const custom = a.annotations?.custom ?? {};
    if (custom.id === undefined && custom.severity === undefined) continue;
    const ns = (a.path ?? []).map((p) => p.value).join(".");
    const pkg = ns.replace(/^data\./, "");
    if (RULE_NAMESPACE.test(ns) || isTest(pkg)) continue;
    const id = typeof custom.id === "string" ? ` ${custom.id}` : "";
    return { error: new RulePackError(`package ${pkg} declares rule${id} in its METADATA but is not a rule package, so it would never run: ${where(pkg)}`, { file: a.location?.file }), warnings: [] };
  }
  const warnings: string[] = [];
  for (const [ns, files] of Object.entries(inspect.namespaces ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const pkg = ns.replace(/^data\./, "");
    // `package leastrole` is the entrypoint's own (opa build has already refused a second copy).
    if (RULE_NAMESPACE.test(ns) || isTest(pkg) || pkg === "leastrole") continue;
    for (const file of files) {
      const text = regoSourceText(file);
      if (text !== null && definesFindings(text)) warnings.push(`${file}: package ${pkg} defines \`findings\`, which never run: ${where(pkg)}, with METADATA`);
    }
  }
  return { error: null, warnings };
}

/**
 * A rule package (its METADATA declares the rule) with no rule named `findings` in any of its
 * files: the entrypoint reads `data.leastrole.rules.<name>.findings` only, so the rule finds
 * nothing, with no error. Conftest's and Gatekeeper's `deny contains msg if …` (what
 * `opa fmt --v0-v1` makes of a v0 `deny[msg] { … }`) compiles so. Read from the text: a top-level
 * rule starts its line (opa fmt puts rules in column 0).
 */
export function rulesWithoutFindings(
  inspect: { namespaces?: Record<string, string[]> },
  rules: ReadonlyArray<{ id: string; package: string }>,
  textOf: (file: string) => string | null = regoSourceText,
): RulePackError | null {
  for (const rule of rules) {
    const files = inspect.namespaces?.[`data.leastrole.rules.${rule.package}`] ?? [];
    // textOf: a prebuilt bundle's sources are read from the archive, not from disk.
    const texts = files.map(textOf);
    // A file that cannot be read here is not taken for one without findings.
    if (texts.length === 0 || texts.some((t) => t === null || definesFindings(t))) continue;
    const other = texts
      .flatMap((t, i) => (t ?? "").split(/\r?\n/).map((line, n) => ({ line, at: `${files[i]}:${n + 1}` })))
      .find(({ line }) => /^(deny|violation|violations|warn|warning|warnings|result|results|alerts?)\b/.test(line));
    const instead = other ? `; it defines \`${/^\w+/.exec(other.line)![0]}\` (${other.at}): name it findings and make each element a finding object {resource, message}` : "";
    return new RulePackError(
      `rule ${rule.id} (package leastrole.rules.${rule.package}) defines no \`findings\`, so it would never find anything: leastrole reads data.leastrole.rules.${rule.package}.findings, a set or an array of findings${instead}`,
      { file: files[0] },
    );
  }
  return null;
}

/**
 * opa build's "undefined function" for built-ins OPA has but leastrole's capabilities file leaves
 * out (they do not run in WebAssembly under Node: http.send, time.now_ns …), as the message a
 * prebuilt pack calling them gets; null when the build failed otherwise, or a name is no built-in
 * at all (a typo, a missing import), which opa's own message says best.
 */
function unsupportedBuiltinsError(thrown: unknown, opa: string, dir: string): RulePackError | null {
  const undefinedFns = undefinedFunctions(thrown instanceof Error ? thrown.message : "");
  if (undefinedFns.length === 0) return null;
  let known: Set<string>;
  try {
    const current = JSON.parse(execFileSync(opa, ["capabilities", "--current"], { encoding: "utf8", maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "ignore"] })) as { builtins?: Array<{ name: string }> };
    known = new Set((current.builtins ?? []).map((b) => b.name));
  } catch {
    return null;
  }
  if (!undefinedFns.every((f) => known.has(f.name))) return null;
  const names = [...new Set(undefinedFns.map((f) => f.name))];
  return new RulePackError(unsupportedBuiltinsMessage(names, [...new Set(undefinedFns.map((f) => f.where))]), { file: dir, cause: thrown });
}

/** Compile a folder of .rego files (tests `*_test.rego` excluded) into a pack. */
export function compileRegoPack(dir: string, options: CompileOptions = {}): CompiledPack {
  try {
    if (!statSync(dir).isDirectory()) throw new Error("not a directory");
  } catch {
    throw new RulePackError("rule folder not found or not a directory", { file: dir });
  }
  const ignore = ["*_test.rego", ".*", "build", "node_modules", ...(options.ignore ?? [])];
  // A folder with nothing to compile is a mistake (a wrong path, an input folder taken for a
  // pack), not a pack without findings: said before opa is even looked for.
  let sources = regoFiles(dir, ignore);
  const copies = entrypointCopies(dir, sources);
  if (copies.length > 0) {
    ignore.push(...ignoreCopies(dir, sources, copies));
    sources = regoFiles(dir, ignore);
  }
  if (sources.length === 0) {
    throw new RulePackError(`no rules here: the folder has no .rego files other than tests (*_test.rego); ${WHERE_RULES_LIVE}`, { file: dir });
  }
  const opa = findOpaBinary(options.opaPath);
  const paths = builtinPackPaths();
  const ignoreArgs = ignore.flatMap((p) => ["--ignore", p]);

  const work = mkdtempSync(join(tmpdir(), "leastrole-pack-"));
  try {
    // The aggregating entrypoint is compiled in beside the user's rules, so every pack has the
    // same contract whether or not its author wrote one.
    const entry = join(work, "leastrole_entrypoint.rego");
    copyFileSync(paths.entrypoint, entry);
    const bundle = join(work, "bundle.tar.gz");
    try {
      runOpa(
        opa.path,
        ["build", "-t", "wasm", "-O=0", "--capabilities", paths.capabilities, "-e", PACK_ENTRYPOINT, ...ignoreArgs, "-o", bundle, dir, entry],
        dir,
        entry,
      );
    } catch (thrown) {
      throw unsupportedBuiltinsError(thrown, opa.path, dir) ?? thrown;
    }
    const files = readTarGz(readFileSync(bundle));
    const wasm = files.get("policy.wasm");
    if (!wasm) throw new RulePackError("opa build produced no policy.wasm", { file: dir });
    const dataText = files.get("data.json")?.toString("utf8");
    const data = dataText ? (JSON.parse(dataText) as Record<string, unknown>) : {};

    const inspect = JSON.parse(runOpa(opa.path, ["inspect", "-a", "--format", "json", dir], dir)) as Inspected;
    const catalog = catalogFromInspect(inspect, {
      opaVersion: opa.version,
      wasmSha256: createHash("sha256").update(wasm).digest("hex"),
    });
    catalog.sourceSha256 = sourceHash(dir, sources, [paths.entrypoint, paths.capabilities], opa.version);
    // A rule package without METADATA would produce findings nobody can identify or suppress.
    const known = new Set(catalog.rules.map((r) => r.package));
    for (const [ns, files] of Object.entries(inspect.namespaces ?? {})) {
      const m = /^data\.leastrole\.rules\.([A-Za-z0-9_]+)$/.exec(ns);
      if (!m?.[1] || m[1].endsWith("_test") || known.has(m[1])) continue;
      // A METADATA block written below the package line is, to OPA, the next rule's (scope: rule).
      const below = (inspect.annotations ?? []).find(
        (a) => a.annotations?.scope === "rule" && a.annotations.custom !== undefined && (a.path ?? []).map((p) => p.value).join(".").startsWith(`${ns}.`),
      );
      const moved = below
        ? `: the METADATA block above line ${below.location?.row ?? "?"}${below.location?.file !== undefined && below.location.file !== files[0] ? ` of ${below.location.file}` : ""} is below the package line, so OPA gives it to the rule on that line (scope: rule); move it above \`package leastrole.rules.${m[1]}\``
        : "";
      throw new RulePackError(
        `package leastrole.rules.${m[1]}${packageLine(files[0], m[1])} has no package METADATA (title, custom.id, custom.severity are required)${moved}`,
        { file: files[0] },
      );
    }
    const misplaced = misplacedRules(inspect);
    if (misplaced.error) throw misplaced.error;
    const noFindings = rulesWithoutFindings(inspect, catalog.rules);
    if (noFindings) throw noFindings;
    if (catalog.rules.length === 0) {
      throw new RulePackError(`no rules here: none of its .rego files (${sources.slice(0, 5).join(", ")}${sources.length > 5 ? ", …" : ""}) is a rule; ${WHERE_RULES_LIVE}`, { file: dir });
    }
    const canonicalSchema = JSON.parse(readFileSync(canonicalSchemaPath(), "utf8")) as CanonicalSchema;
    checkAgainstSchema(opa.path, dir, work, canonicalSchema, paths.capabilities, ignoreArgs);
    const copied = copies.map((f) => `${join(dir, f)}: a copy of leastrole's entrypoint, left out (leastrole compiles in its own, policies/leastrole.rego): it can be deleted`);
    const nullable = nullableFields(canonicalSchema);
    const notNull = sources.flatMap((f) => notOfNullableWarnings(join(dir, f), nullable));
    return { wasm, catalog, data, warnings: [...copied, ...misplaced.warnings, ...notNull] };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The canonical schema as OPA's type checker should read it. OPA 1.x types a property whose
 * `type` is a list (`["null", "string"]`, as the schema generator writes every nullable field) as
 * its first non-null type alone, so `role.permissionsBoundaryArn == null`, the test
 * docs/writing-rules.md asks for, would be a type error; the same list written as `anyOf` is read
 * as either.
 */
export function schemaForOpaCheck(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(schemaForOpaCheck);
  if (schema === null || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = schemaForOpaCheck(v);
  if (!Array.isArray(out.type)) return out;
  // What belongs to one of the listed types goes with it (items to array, properties to object).
  const { type, items, properties, required, additionalProperties, ...rest } = out as Record<string, unknown> & { type: string[] };
  const anyOf = type.map((t) => ({
    type: t,
    ...(t === "array" && items !== undefined ? { items } : {}),
    ...(t === "object" ? Object.fromEntries(Object.entries({ properties, required, additionalProperties }).filter(([, v]) => v !== undefined)) : {}),
  }));
  return { ...rest, anyOf };
}

/**
 * Type-checks the pack's rules against the canonical document's schema (`opa check --schema`):
 * a rule reading a field the document does not have (`role.permissionBoundaryArn`,
 * `input.function`) or giving a built-in a value of the wrong type (`object.get(fn.name, …)`)
 * compiles and runs, and in WebAssembly silently finds nothing. Here it is refused, with the file,
 * line and the fields the document has there, as OPA says them.
 */
function checkAgainstSchema(opa: string, dir: string, work: string, canonicalSchema: CanonicalSchema, capabilities: string, ignoreArgs: readonly string[]): void {
  const schema = join(work, "canonical.schema.json");
  writeFileSync(schema, JSON.stringify(schemaForOpaCheck(canonicalSchema)));
  try {
    runOpa(opa, ["check", "--schema", schema, "--capabilities", capabilities, ...ignoreArgs, dir], dir);
  } catch (thrown) {
    if (!(thrown instanceof RulePackError) || !thrown.message.includes("rego_type_error")) throw thrown;
    const detail = thrown.message.replace(/^opa check failed:\n/, "").replace(/^1 error occurred: /, "").split(schema).join("schemas/canonical.schema.json");
    throw new RulePackError(
      `a rule does not match the canonical document (input: schemas/canonical.schema.json, docs/canonical-document.md), so it would silently find nothing:\n${detail}\n` +
        "Fix the field's name (OPA lists the fields the document has there) or the value's type",
      { file: dir, cause: thrown },
    );
  }
}

interface SchemaObject {
  type?: string | string[];
  anyOf?: SchemaObject[];
  $ref?: string;
  items?: SchemaObject;
  additionalProperties?: SchemaObject | boolean;
  properties?: Record<string, SchemaObject>;
  required?: string[];
}
interface CanonicalSchema extends SchemaObject {
  definitions: Record<string, SchemaObject>;
}

/**
 * The fields of the document's functions, roles, principals and policies that are always there
 * and null when unknown (required, typed with null), by entity: `{ permissionsBoundaryArn:
 * ["role", "principal"], kmsKeyArn: ["function"], … }`.
 */
function nullableFields(schema: CanonicalSchema): Map<string, string[]> {
  const entities: Array<[string, string]> = [["functions", "function"], ["roles", "role"], ["principals", "principal"], ["policies", "policy"]];
  const fields = new Map<string, string[]>();
  for (const [collection, entity] of entities) {
    const top = schema.properties?.[collection];
    const item = top?.items ?? (typeof top?.additionalProperties === "object" ? top.additionalProperties : undefined);
    const def = item?.$ref ? schema.definitions[item.$ref.split("/").pop()!] : item;
    const required = new Set(def?.required ?? []);
    for (const [name, p] of Object.entries(def?.properties ?? {})) {
      const nullable = (Array.isArray(p.type) && p.type.includes("null")) || (p.anyOf ?? []).some((a) => a.type === "null");
      if (required.has(name) && nullable) fields.set(name, [...(fields.get(name) ?? []), entity]);
    }
  }
  return fields;
}

/**
 * `not role.permissionsBoundaryArn` in a rule: such a field is null when unknown, never absent,
 * and `not null` is false in Rego, so the expression is never true and the rule silently finds
 * nothing (docs/writing-rules.md warns of it; OPA's type check cannot see it). A warning, not an
 * error: it is read from the text, and the variable may be an object of the author's own with a
 * key of that name (a function version's `vpc`, which is absent when it is the function's).
 */
function notOfNullableWarnings(file: string, fields: ReadonlyMap<string, string[]>, text: string | null = regoSourceText(file)): string[] {
  if (text === null) return [];
  const warnings: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const code = line.replace(/#.*$/, "");
    for (const m of code.matchAll(/\bnot\s+([A-Za-z_][\w]*(?:\[[^\]]*\]|\.[A-Za-z_]\w*)*\.([A-Za-z_]\w*))\s*(?=$|[;}])/g)) {
      const entities = fields.get(m[2]!);
      if (!entities) continue;
      const whose = entities.map((e) => `a ${e}'s`).join(" or ");
      warnings.push(
        `${file}:${i + 1}: \`not ${m[1]}\` is never true when it reads ${whose} ${m[2]}, which is null when unknown, never absent (\`not null\` is false in Rego): write \`${m[1]} == null\``,
      );
    }
  });
  return warnings;
}

/**
 * notOfNullableWarnings of Rego sources held in memory (a prebuilt bundle's, by the name each is
 * shown by): the check reads text only, so it needs no opa and gives the same warnings a folder
 * of the same files gets.
 */
export function notOfNullableInSources(sources: ReadonlyMap<string, string>): string[] {
  if (sources.size === 0) return [];
  const nullable = nullableFields(JSON.parse(readFileSync(canonicalSchemaPath(), "utf8")) as CanonicalSchema);
  return [...sources].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).flatMap(([file, text]) => notOfNullableWarnings(file, nullable, text));
}

/** ` (line N)` of `package leastrole.rules.<name>` in a file, or "" when it cannot be read there. */
function packageLine(file: string | undefined, name: string): string {
  if (file === undefined) return "";
  try {
    const i = readFileSync(file, "utf8").split(/\r?\n/).findIndex((l) => new RegExp(`^\\s*package\\s+leastrole\\.rules\\.${name}\\b`).test(l));
    return i < 0 ? "" : ` (line ${i + 1})`;
  } catch {
    return "";
  }
}
