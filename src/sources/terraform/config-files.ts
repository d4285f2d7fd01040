/**
 * Finding the `.tf` files of a configuration on disk: the folder `--tf-config` names, or the
 * folder a plan was written in (`terraform show -json plan.bin > plan.json` is usually run in the
 * configuration's own folder, so the code is beside the plan).
 */

import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, posix, relative, sep } from "node:path";
import type { TerraformConfigFiles } from "./config-locations.js";
import { HclSyntaxError, staticText } from "./hcl/ast.js";
import { parseHcl } from "./hcl/parse.js";

/** Where `terraform init` records the folder of every module it installed, by module key. */
export const MODULES_MANIFEST = ".terraform/modules/modules.json";

/**
 * `.tf` files under `dir` (not in hidden folders or node_modules), by path relative to it; the
 * local modules it calls from outside it (`../../modules/fn/main.tf`); and, when `terraform init`
 * has run there, the modules it installed from a registry or git (`.terraform/modules/<key>/…`,
 * listed by MODULES_MANIFEST, which is kept under its own path so that module paths can be
 * matched to their folders: config-locations.ts moduleDirs).
 */
export function readTfFiles(dir: string): TerraformConfigFiles {
  const out: TerraformConfigFiles = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith(".") || name === "node_modules") continue;
      const full = join(d, name);
      const s = statSync(full);
      if (s.isDirectory()) walk(full);
      else if (name.endsWith(".tf")) out[relative(dir, full).split(sep).join("/")] = readFileSync(full, "utf8");
    }
  };
  walk(dir);
  /** One module's own folder (relative to `dir`), its files' keys: its nested modules are found on their own. */
  const readModule = (rel: string): string[] => {
    const added: string[] = [];
    try {
      for (const name of readdirSync(join(dir, rel)).sort()) {
        if (!name.endsWith(".tf") || !statSync(join(dir, rel, name)).isFile()) continue;
        out[`${rel}/${name}`] = readFileSync(join(dir, rel, name), "utf8");
        added.push(`${rel}/${name}`);
      }
    } catch {
      // listed but not on disk (a stale manifest, a moved module): that module keeps the plan's locations
    }
    return added;
  };
  let manifest: string | null = null;
  try {
    manifest = readFileSync(join(dir, MODULES_MANIFEST), "utf8");
  } catch {
    manifest = null; // not initialised here: local modules only
  }
  if (manifest !== null) {
    out[MODULES_MANIFEST] = manifest;
    for (const m of installedModules(manifest)) if (m.dir.startsWith(".terraform/")) readModule(m.dir);
  }
  // Local modules outside the folder (`source = "../../modules/fn"` from `envs/prod`, the usual
  // layout of one folder per environment), and theirs in turn.
  const seen = new Set<string>();
  const pending = Object.keys(out).filter((f) => f.endsWith(".tf"));
  for (let f = pending.shift(); f !== undefined && seen.size < MAX_OUTSIDE_MODULES; f = pending.shift()) {
    for (const source of localModuleSources(out[f] as string)) {
      const rel = normalizeDir(posix.join(posix.dirname(f), source));
      if (!rel.startsWith("../") || seen.has(rel)) continue;
      seen.add(rel);
      pending.push(...readModule(rel));
    }
  }
  return out;
}

/**
 * A folder path as the readers key it: normalised, without a trailing slash (`source = "../"`
 * of a wrapper calling its parent module joins to `modules/fn/`, in which no file would be found).
 */
export function normalizeDir(path: string): string {
  return posix.normalize(path).replace(/(.)\/+$/, "$1");
}

/** More local module folders outside the configuration than any real one has (a loop guard). */
const MAX_OUTSIDE_MODULES = 500;

/** The `source` of each `module` block whose source is a local path (`./x`, `../x`); none when the file does not parse. */
function localModuleSources(text: string): string[] {
  // Only a file with a module block is parsed here (the reader parses every file again later).
  if (!/^\s*module\b/m.test(text)) return [];
  try {
    return parseHcl(text)
      .blocks.filter((b) => b.type === "module")
      .map((b) => {
        const a = b.body.attributes.find((x) => x.name === "source");
        return a ? staticText(a.expr) : undefined;
      })
      .filter((x): x is string => x !== undefined && /^\.\.?\//.test(x.replace(/\\/g, "/")))
      .map((x) => x.replace(/\\/g, "/"));
  } catch (error) {
    if (error instanceof HclSyntaxError) return []; // reported by the reader, with its line
    throw error;
  }
}

/**
 * The modules.json entries: `Key` is the module path without `module.` (`a.b` for
 * `module.a.module.b`), `Dir` the folder relative to the configuration root, with `/`.
 */
export function installedModules(manifest: string): Array<{ path: string; dir: string }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(manifest);
  } catch {
    return [];
  }
  const list = parsed !== null && typeof parsed === "object" ? (parsed as { Modules?: unknown }).Modules : undefined;
  if (!Array.isArray(list)) return [];
  const out: Array<{ path: string; dir: string }> = [];
  for (const m of list) {
    if (m === null || typeof m !== "object") continue;
    const { Key: key, Dir: dir } = m as { Key?: unknown; Dir?: unknown };
    if (typeof key !== "string" || key === "" || typeof dir !== "string") continue;
    out.push({ path: key.split(".").map((k) => `module.${k}`).join("."), dir: dir.replace(/\\/g, "/").replace(/\/$/, "") });
  }
  return out;
}

export type ConfigBeside = { configFiles: TerraformConfigFiles; configRoot: string };

/**
 * The configuration in the folder of `file` when that folder holds `.tf` files itself, else
 * undefined. The plan reader uses it only if it declares resources of the plan's root module.
 * `beside` remembers each folder for one build (a folder of plans is read once; the next build,
 * in a long-running SDK caller, reads the files again).
 */
export function tfConfigBeside(file: string, beside: Map<string, ConfigBeside | null>): ConfigBeside | undefined {
  const dir = dirname(file);
  if (!beside.has(dir)) {
    let found: ConfigBeside | null = null;
    try {
      if (readdirSync(dir).some((n) => n.endsWith(".tf") && !n.startsWith("."))) found = { configFiles: readTfFiles(dir), configRoot: dir === "." ? "" : dir };
    } catch {
      found = null; // an unreadable folder: the plan is read without its configuration
    }
    beside.set(dir, found);
  }
  return beside.get(dir) ?? undefined;
}
