/**
 * Rule packs: a compiled wasm module plus its catalog, loaded from the built-in pack, a user's
 * prebuilt `.wasm` (with `catalog.json` beside it), an OPA bundle `.tar.gz`, or a folder of
 * `.rego` files compiled on the fly. Everything about the module that can be checked before an
 * audit is checked here: the ABI version, the exports the SDK calls, and that every built-in
 * function the module imports is one opa-wasm can run.
 */

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { RulePackError, toError } from "../errors.js";
import { catalogFromRegoSources, METADATA_NEEDED, parseCatalog, rulePackagesIn, type RuleCatalog, type RuleMetadata, type RulePackageDeclaration } from "./catalog.js";
import { compileRegoPack, notOfNullableInSources, PACK_ENTRYPOINT, rulesWithoutFindings, type CompileOptions } from "./compile-rego.js";
import { builtinPackPaths } from "./locate.js";
import { opaWasm, type LoadedPolicy } from "./opa-wasm.js";
import { readTarGz } from "./tar.js";
import { unsupportedBuiltinsMessage } from "./unsupported-builtins.js";
import { appendAll } from "../collections.js";

/** Built-ins implemented in JavaScript by @open-policy-agent/opa-wasm 1.10.0 (src/builtins/). */
export const SDK_BUILTINS: readonly string[] = ["json.is_valid", "regex.split", "sprintf", "yaml.is_valid", "yaml.marshal", "yaml.unmarshal"];

/** Exports the SDK relies on (ABI 1.x). */
const REQUIRED_EXPORTS = ["opa_eval_ctx_new", "opa_json_dump", "opa_heap_ptr_get", "builtins", "entrypoints", "eval"];

/**
 * The pack's compiled module: a WebAssembly.Module at run time, opaque in the public types. Typed
 * WebAssembly.Module, the published .d.ts did not compile in a Node project without the DOM lib
 * (TypeScript declares WebAssembly only there; @types/node 20 does not). A WebAssembly.Module
 * has no instance members, so `object` is the same type to the code that passes it on.
 */
export type CompiledModule = object;

export interface RulePack {
  /** `builtin`, or the path the pack was loaded from. */
  origin: string;
  module: CompiledModule;
  wasmSha256: string;
  catalog: RuleCatalog;
  /** Data from the bundle (data.json), merged under the run's configuration at evaluation. */
  data: Record<string, unknown>;
  abi: { major: number; minor: number };
  /** Built-in functions the module calls out to the host for. */
  hostBuiltins: string[];
  entrypoints: string[];
  /** Problems that do not stop the pack from running (e.g. no catalog). */
  warnings: string[];
  ruleByPackage(pkg: string): RuleMetadata | undefined;
  /**
   * A pack compiled from a temporary copy (a Rego-only bundle): the copy's folder, as the module's
   * runtime errors name it, and what to show instead (`<bundle>!`).
   */
  sourcePaths?: { compiled: string; shown: string };
}

export interface LoadRulePackOptions extends CompileOptions {
  /** Host implementations of extra built-ins (name → function), passed through to opa-wasm. */
  customBuiltins?: Record<string, (...args: unknown[]) => unknown>;
}

// Compiled modules by the sha256 of their bytes: compiling is the slow part of loading.
const moduleCache = new Map<string, WebAssembly.Module>();

function sha256(buf: Buffer): string {
  return createHash("sha256").update(buf).digest("hex");
}

function readCString(mem: WebAssembly.Memory, addr: number): string {
  const bytes = new Uint8Array(mem.buffer);
  let end = addr;
  while (end < bytes.length && bytes[end] !== 0) end++;
  return new TextDecoder().decode(bytes.subarray(addr, end));
}

function globalValue(g: unknown): number | undefined {
  if (typeof g === "number") return g;
  if (g instanceof WebAssembly.Global) return Number(g.value);
  return undefined;
}

/** Instantiate once to read what the module says about itself. Throws RulePackError. */
function inspectModule(module: WebAssembly.Module, origin: string, customBuiltins: Record<string, unknown>) {
  const exportNames = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  const missing = REQUIRED_EXPORTS.filter((n) => !exportNames.has(n));
  if (missing.length > 0) {
    throw new RulePackError(`not an OPA policy module (missing exports: ${missing.join(", ")})`, { file: origin });
  }
  if (!exportNames.has("opa_wasm_abi_version")) {
    throw new RulePackError("the module declares no OPA wasm ABI version (built by an OPA older than 0.27?)", { file: origin });
  }
  let policy: LoadedPolicy;
  try {
    policy = opaWasm.loadPolicySync(module, undefined, customBuiltins as Record<string, (...args: unknown[]) => unknown>);
  } catch (thrown) {
    throw new RulePackError(`cannot instantiate the wasm module: ${toError(thrown).message}`, { file: origin, cause: thrown });
  }
  const exports = policy.wasmInstance.exports as Record<string, unknown>;
  const major = globalValue(exports.opa_wasm_abi_version);
  const minor = globalValue(exports.opa_wasm_abi_minor_version) ?? 0;
  if (major !== 1) throw new RulePackError(`unsupported OPA wasm ABI version ${major}.${minor} (need 1.x)`, { file: origin });
  const dump = exports.opa_json_dump as (addr: number) => number;
  const builtinsAddr = (exports.builtins as () => number)();
  const hostBuiltins = Object.keys(JSON.parse(readCString(policy.mem, dump(builtinsAddr))) as Record<string, number>).sort();
  const unavailable = hostBuiltins.filter((b) => !SDK_BUILTINS.includes(b) && !(b in customBuiltins));
  if (unavailable.length > 0) {
    throw new RulePackError(`${unsupportedBuiltinsMessage(unavailable)}, or build with leastrole's capabilities file so that \`opa build\` rejects them`, {
      file: origin,
    });
  }
  const entrypoints = Object.keys(policy.entrypoints).sort();
  if (!entrypoints.includes(PACK_ENTRYPOINT)) {
    throw new RulePackError(
      `the module has no entrypoint ${PACK_ENTRYPOINT} (it has: ${entrypoints.join(", ") || "none"}); build it with -e ${PACK_ENTRYPOINT}`,
      { file: origin },
    );
  }
  return { abi: { major, minor }, hostBuiltins, entrypoints };
}

function compileModule(wasm: Buffer, origin: string): { module: WebAssembly.Module; hash: string } {
  const hash = sha256(wasm);
  let module = moduleCache.get(hash);
  if (!module) {
    try {
      module = new WebAssembly.Module(wasm);
    } catch (thrown) {
      throw new RulePackError(`not a valid WebAssembly module: ${toError(thrown).message}`, { file: origin, cause: thrown });
    }
    moduleCache.set(hash, module);
  }
  return { module, hash };
}

function makePack(
  origin: string,
  wasm: Buffer,
  catalog: RuleCatalog | null,
  data: Record<string, unknown>,
  options: LoadRulePackOptions,
): RulePack {
  const { module, hash } = compileModule(wasm, origin);
  const info = inspectModule(module, origin, options.customBuiltins ?? {});
  const warnings: string[] = [];
  const effective: RuleCatalog = catalog ?? { format: 1, opaVersion: null, wasmSha256: hash, rules: [] };
  if (!catalog) {
    warnings.push(
      `${origin}: no rule catalog (catalog.json) found beside the module: findings are identified by package name and default to severity medium`,
    );
  } else if (catalog.wasmSha256 && catalog.wasmSha256 !== hash) {
    warnings.push(`${origin}: the catalog was built for a different module (sha256 ${catalog.wasmSha256.slice(0, 12)}…): rebuild the pack`);
  }
  const byPackage = new Map(effective.rules.map((r) => [r.package, r]));
  return {
    origin,
    module,
    wasmSha256: hash,
    catalog: effective,
    data,
    ...info,
    warnings,
    ruleByPackage: (pkg) => byPackage.get(pkg),
  };
}

/**
 * A tar archive with neither a module nor Rego is no OPA bundle at all: said so, with what it holds,
 * rather than "the bundle has no policy.wasm" of an archive that is not one.
 */
function notABundle(files: Map<string, Buffer>): string {
  const names = [...files.keys()].sort();
  const held = names.length === 0 ? "it holds no file" : `it holds ${names.slice(0, 3).join(", ")}${names.length > 3 ? `, … (${names.length} files)` : ""}`;
  return `not an OPA bundle: the archive has no policy.wasm and no .rego file (${held})`;
}

/** `<bundle>!<path in the bundle>`, as every message about a bundle's file names it. */
function inBundle(spec: string, name: string): string {
  return `${spec}!${name}`;
}

/**
 * The warning for a bundle's rules that have no METADATA (none was found for their package), or,
 * with no catalog at all, for a bundle whose Rego declares no rule. Such rules still run (the
 * bundle was built and may be all a user has), but their findings carry the package name and
 * severity medium: the warning names each rule file and line, and what its METADATA must hold.
 * Before, it said only "no rule catalog (catalog.json) found beside the module", which named
 * neither the files to fix nor that METADATA in them was the fix.
 */
function metadataWarnings(spec: string, sources: ReadonlyMap<string, string>, catalog: RuleCatalog | null): string[] {
  const known = new Set((catalog?.rules ?? []).map((r) => r.package));
  const missing = new Map<string, RulePackageDeclaration>();
  for (const d of rulePackagesIn(sources)) if (!known.has(d.package) && !missing.has(d.package)) missing.set(d.package, d);
  const effect = "findings are identified by package name and default to severity medium";
  if (missing.size > 0) {
    const list = [...missing.values()].map((d) => `leastrole.rules.${d.package} (${inBundle(spec, d.file)}:${d.line}${metadataBelow(sources.get(d.file), d.line)})`).join(", ");
    const intro = catalog === null ? "no rule catalog: the bundle has no catalog.json and " : "";
    return [
      `${spec}: ${intro}no METADATA for rule package${missing.size > 1 ? "s" : ""} ${list}, so ${missing.size > 1 ? "their" : "its"} ${effect}: add ${METADATA_NEEDED}, and rebuild the bundle (docs/writing-rules.md)`,
    ];
  }
  if (catalog !== null) return [];
  const held = sources.size === 0 ? "no .rego file (the sources opa build keeps in it)" : `no .rego file declaring \`package leastrole.rules.<name>\` (${[...sources.keys()].sort().slice(0, 3).map((n) => inBundle(spec, n)).join(", ")}${sources.size > 3 ? ", …" : ""})`;
  return [`${spec}: no rule catalog: the bundle has no catalog.json and ${held}, so its ${effect}: build it from rule files with ${METADATA_NEEDED} (docs/writing-rules.md)`];
}

/**
 * Where a rule file has a `# METADATA` block below its package line: OPA gives such a block to the
 * rule under it (scope: rule), so the package has none. A folder's pack says so from `opa inspect`
 * (compile-rego.ts); a bundle is read without opa, so from the file's text: the first `# METADATA`
 * line after the package line whose block has `custom`, as the folder check hints.
 */
function metadataBelow(text: string | undefined, packageLine: number): string {
  const lines = text?.split(/\r?\n/) ?? [];
  for (let i = packageLine; i < lines.length; i++) {
    if (!/^\s*#\s*METADATA\s*$/.test(lines[i]!)) continue;
    // As the folder check: only a block with `custom` (a rule's id and severity) was meant for the package.
    let end = i + 1;
    while (end < lines.length && /^\s*#/.test(lines[end]!)) end++;
    if (lines.slice(i + 1, end).some((l) => /^\s*#\s*custom:/.test(l))) {
      return `; its METADATA block at line ${i + 1} is below the package line, so OPA gives it to the rule under it (scope: rule): move it above the package line`;
    }
    i = end - 1;
  }
  return "";
}

/**
 * What a folder's checks that read the Rego as text find in a prebuilt (`-t wasm`) bundle's own
 * sources: a rule with no `findings` (refused, as for a folder) and `not x.<nullable field>`
 * (warnings). They need no opa, so a bundle run without one is checked the same everywhere. The
 * type check against the canonical document (`opa check --schema`) does need opa, and a `-t wasm`
 * bundle is promised to run without it: not run (docs/writing-rules.md says so and why).
 */
function checkBundleSources(spec: string, sources: ReadonlyMap<string, string>, catalog: RuleCatalog | null): string[] {
  // Tests are not compiled into a folder's pack, nor checked there (their documents are the author's).
  const rules = new Map([...sources].filter(([n]) => !n.endsWith("_test.rego")).map(([n, t]) => [inBundle(spec, n), t] as const));
  const namespaces: Record<string, string[]> = {};
  for (const d of rulePackagesIn(sources)) (namespaces[`data.leastrole.rules.${d.package}`] ??= []).push(inBundle(spec, d.file));
  for (const files of Object.values(namespaces)) files.splice(0, files.length, ...new Set(files));
  const noFindings = rulesWithoutFindings({ namespaces }, catalog?.rules ?? [], (file) => rules.get(file) ?? null);
  if (noFindings) throw noFindings;
  // No warning that the type check was not run: it would be on every run of every hand-built
  // bundle, in every report, with nothing the user could do but rebuild with build-rules; the
  // docs say it (docs/writing-rules.md).
  return notOfNullableInSources(rules);
}

function readJson(path: string): unknown {
  const text = readFileSync(path, "utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch (thrown) {
    throw new RulePackError(`not valid JSON: ${toError(thrown).message}`, { file: path });
  }
}

let builtinPack: RulePack | undefined;

/** The rule pack that ships with leastrole. */
export function loadBuiltinPack(): RulePack {
  if (builtinPack) return builtinPack;
  const paths = builtinPackPaths();
  if (!existsSync(paths.wasm) || !existsSync(paths.catalog)) {
    throw new RulePackError(
      "the built-in rule pack is not built (policies/build/leastrole.wasm): run `npm run build:policies` in a source checkout",
      { file: paths.wasm },
    );
  }
  builtinPack = makePack("builtin", readFileSync(paths.wasm), parseCatalog(readJson(paths.catalog), paths.catalog), {}, {});
  return builtinPack;
}

/**
 * Load a rule pack: `"builtin"`, a `.wasm` file (catalog from `catalog.json` or
 * `<name>.catalog.json` beside it), an OPA bundle `.tar.gz` (policy.wasm, data.json and an
 * optional catalog.json inside), or a folder of `.rego` files (compiled with the OPA CLI).
 */
export function loadRulePack(spec: string, options: LoadRulePackOptions = {}): RulePack {
  try {
    return loadRulePackFrom(spec, options);
  } catch (thrown) {
    // The file in the message too, as "rule pack not found" has it: an SDK user who prints
    // e.message had only "not valid WebAssembly …", and could not tell which of several packs.
    if (thrown instanceof RulePackError && thrown.file !== undefined && !thrown.message.startsWith(`${thrown.file}: `)) {
      throw new RulePackError(`${thrown.file}: ${thrown.message}`, { file: thrown.file, path: thrown.path, cause: thrown.cause });
    }
    throw thrown;
  }
}

function loadRulePackFrom(spec: string, options: LoadRulePackOptions): RulePack {
  if (spec === "builtin") return loadBuiltinPack();
  let stat;
  try {
    stat = statSync(spec);
  } catch {
    // The path in the message too: an SDK user who prints e.message has only it.
    throw new RulePackError(`${spec}: rule pack not found`, { file: spec });
  }
  if (stat.isDirectory()) {
    const compiled = compileRegoPack(spec, options);
    const pack = makePack(spec, compiled.wasm, compiled.catalog, compiled.data, options);
    appendAll(pack.warnings, compiled.warnings);
    return pack;
  }
  const bytes = readFileSync(spec);
  if (spec.endsWith(".tar.gz") || spec.endsWith(".tgz") || (bytes[0] === 0x1f && bytes[1] === 0x8b)) {
    let files: Map<string, Buffer>;
    try {
      files = readTarGz(bytes);
    } catch (thrown) {
      throw new RulePackError(`not a readable OPA bundle: ${toError(thrown).message}`, { file: spec, cause: thrown });
    }
    const wasm = files.get("policy.wasm") ?? [...files.entries()].find(([n]) => n.endsWith(".wasm"))?.[1];
    if (!wasm) {
      // `opa build` without -t wasm keeps the Rego only: compiled as a folder is, when opa is here.
      if ([...files.keys()].some((n) => n.endsWith(".rego"))) {
        try {
          return compileRegoBundle(spec, files, options);
        } catch (thrown) {
          if (!(thrown instanceof RulePackError) || !/no opa|opa CLI|OPA \S+; compiling/i.test(thrown.message)) throw thrown;
          // No usable opa: said below, with the command that builds a bundle leastrole runs.
        }
      }
      // -t wasm alone lacks the entrypoint that collects every rule's findings: the whole command,
      // with this installation's paths.
      const paths = builtinPackPaths();
      throw new RulePackError(
        `${[...files.keys()].some((n) => n.endsWith(".rego")) ? "the bundle holds Rego only (built without -t wasm)" : notABundle(files)}, and leastrole runs WebAssembly: build it with \`opa build -t wasm -e leastrole/findings --ignore '*_test.rego' --capabilities ${paths.capabilities} -o ${basename(spec)} <your rules folder> ${paths.entrypoint}\` (docs/writing-rules.md), or give the folder itself to --rules; either needs the opa CLI (1.x) once`,
        { file: spec },
      );
    }
    const catalogBytes = files.get("catalog.json");
    let catalog: RuleCatalog | null = null;
    if (catalogBytes) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(catalogBytes.toString("utf8"));
      } catch (thrown) {
        throw new RulePackError(`catalog.json in the bundle is not valid JSON: ${toError(thrown).message}`, { file: spec });
      }
      catalog = parseCatalog(parsed, `${spec}!catalog.json`);
    }
    const sources = new Map([...files].filter(([n]) => n.endsWith(".rego")).map(([n, b]) => [n, b.toString("utf8")] as const));
    // No catalog.json (a bundle built with `opa build`, as docs/writing-rules.md shows): the rules'
    // METADATA from the Rego files the bundle carries, as `leastrole build-rules` would read it.
    const fromSources = catalog === null;
    if (catalog === null) {
      try {
        catalog = catalogFromRegoSources(sources, sha256(wasm));
      } catch (thrown) {
        // The rule's file is a path inside the bundle: named with the bundle, as catalog.json is.
        if (thrown instanceof RulePackError) throw new RulePackError(thrown.message, { file: `${spec}!${thrown.file ?? ""}`, cause: thrown });
        throw thrown;
      }
    }
    const dataBytes = files.get("data.json");
    let data: Record<string, unknown> = {};
    if (dataBytes) {
      try {
        data = JSON.parse(dataBytes.toString("utf8")) as Record<string, unknown>;
      } catch (thrown) {
        throw new RulePackError(`data.json in the bundle is not valid JSON: ${toError(thrown).message}`, { file: spec });
      }
    }
    const notes = fromSources ? metadataWarnings(spec, sources, catalog) : [];
    const checked = checkBundleSources(spec, sources, catalog);
    // An empty catalog rather than none: makePack's "no catalog.json beside the module" is said
    // better by metadataWarnings, which names the rule files and what their METADATA must hold.
    const pack = makePack(spec, wasm, catalog ?? { format: 1, opaVersion: null, wasmSha256: sha256(wasm), rules: [] }, data, options);
    appendAll(pack.warnings, [...notes, ...checked]);
    return pack;
  }
  if (bytes.subarray(0, 4).toString("latin1") !== "\0asm") {
    // A file named .wasm that is not one is a damaged or wrong download, not an unknown kind of pack.
    const what = spec.endsWith(".wasm")
      ? "not valid WebAssembly (it does not start with the \\0asm header)"
      : // One rule file: a pack is its folder (the rules, their helpers and tests together).
        spec.endsWith(".rego")
        ? `a single .rego file is not a rule pack: give its folder (--rules ${dirname(spec) === "." ? "." : dirname(spec)}), whose .rego files are compiled together`
        : "not a rule pack";
    throw new RulePackError(`${what}: expected a .wasm module, an OPA bundle .tar.gz or a folder of .rego files`, { file: spec });
  }
  const dir = dirname(spec);
  const candidates = [join(dir, basename(spec, ".wasm") + ".catalog.json"), join(dir, "catalog.json")];
  const catalogPath = candidates.find((c) => existsSync(c));
  const catalog = catalogPath ? parseCatalog(readJson(catalogPath), catalogPath) : null;
  return makePack(spec, bytes, catalog, {}, options);
}

/**
 * What two mentions of one pack share: its real absolute path (`builtin` for the built-in pack),
 * whether it was given as a path (relative, absolute, through a symlink) or loaded (its origin).
 */
export function packKey(spec: string | RulePack): string {
  const path = typeof spec === "string" ? spec : spec.origin;
  if (path === "builtin") return "builtin";
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * Each pack once, in the order first given. A pack named twice (`--rules x --rules x`, or in the
 * config's packs and on the command line) ran twice: every finding doubled, or, compiled twice, the
 * two copies were refused as two packs defining the same ids.
 */
export function uniquePacks<T extends string | RulePack>(specs: readonly T[]): T[] {
  const seen = new Set<string>();
  return specs.filter((s) => {
    const key = packKey(s);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * A Rego-only OPA bundle (`opa build` without -t wasm), compiled with the opa CLI as a folder is:
 * its .rego and data files written to a temporary folder, compiled, and every path in the catalog
 * and in an error given as `<bundle>!<path in the bundle>` (the temporary folder is gone after).
 */
function compileRegoBundle(spec: string, files: ReadonlyMap<string, Buffer>, options: LoadRulePackOptions): RulePack {
  const work = mkdtempSync(join(tmpdir(), "leastrole-bundle-"));
  const inBundle = (text: string): string => text.split(`${work}${sep}`).join(`${spec}!`).split(work).join(spec);
  try {
    for (const [name, bytes] of files) {
      // `opa build -o x.tar.gz ../rules` names its files `/../rules/…` (the path as given): read as
      // `rules/…`. A ".." further in would leave the folder: no file of the bundle's.
      const rel = name.replace(/^\/+/, "").replace(/^(?:\.\.?\/)+/, "");
      // Only what a folder pack holds.
      if (!(rel.endsWith(".rego") || /(^|\/)data\.(json|ya?ml)$/.test(rel)) || rel.split("/").some((seg) => seg === ".." || seg === "")) continue;
      mkdirSync(dirname(join(work, rel)), { recursive: true });
      writeFileSync(join(work, rel), bytes);
    }
    let compiled;
    try {
      compiled = compileRegoPack(work, options);
    } catch (thrown) {
      if (thrown instanceof RulePackError) throw new RulePackError(inBundle(thrown.message), { file: thrown.file === undefined ? spec : inBundle(thrown.file), path: thrown.path, cause: thrown.cause });
      throw thrown;
    }
    const rules = compiled.catalog.rules.map((r) => ({ ...r, file: r.file === null ? null : `${spec}!${relative(work, resolve(r.file)).split(sep).join("/")}` }));
    const pack = makePack(spec, compiled.wasm, { ...compiled.catalog, rules }, compiled.data, options);
    appendAll(pack.warnings, compiled.warnings.map(inBundle));
    pack.sourcePaths = { compiled: `${work}${sep}`, shown: `${spec}!` };
    return pack;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
