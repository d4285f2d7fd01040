/**
 * Finding the `.tf` files of a configuration on disk: the folder `--tf-config` names, or the
 * folder a plan was written in (`terraform show -json plan.bin > plan.json` is usually run in the
 * configuration's own folder, so the code is beside the plan).
 */

import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import type { TerraformConfigFiles } from "./config-locations.js";

/** `.tf` files under `dir` (not in `.terraform`, other hidden folders or node_modules), by path relative to it. */
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
  return out;
}

const beside = new Map<string, { configFiles: TerraformConfigFiles; configRoot: string } | null>();

/**
 * The configuration in the folder of `file` when that folder holds `.tf` files itself, else
 * undefined. The plan reader uses it only if it declares resources of the plan's root module.
 * Remembered per folder: a folder of plans is read once.
 */
export function tfConfigBeside(file: string): { configFiles: TerraformConfigFiles; configRoot: string } | undefined {
  const dir = dirname(file);
  if (!beside.has(dir)) {
    let found: { configFiles: TerraformConfigFiles; configRoot: string } | null = null;
    try {
      if (readdirSync(dir).some((n) => n.endsWith(".tf") && !n.startsWith("."))) found = { configFiles: readTfFiles(dir), configRoot: dir === "." ? "" : dir };
    } catch {
      found = null; // an unreadable folder: the plan is read without its configuration
    }
    beside.set(dir, found);
  }
  return beside.get(dir) ?? undefined;
}
