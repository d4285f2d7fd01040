/**
 * Finds files shipped with the package (the compiled built-in pack, the capabilities file, the
 * aggregating entrypoint) from wherever this module runs: `dist/` after a build, `src/` under
 * vitest or tsx. Walks up to the directory whose package.json is leastrole's.
 */

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cachedRoot: string | undefined;

export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "leastrole") {
          cachedRoot = dir;
          return dir;
        }
      } catch {
        // not ours, keep walking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find the leastrole package root from " + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
}

/** Paths of the built-in pack as `npm run build:policies` writes them. */
export function builtinPackPaths(): { wasm: string; catalog: string; capabilities: string; entrypoint: string } {
  const root = packageRoot();
  return {
    wasm: join(root, "policies", "build", "leastrole.wasm"),
    catalog: join(root, "policies", "build", "catalog.json"),
    capabilities: join(root, "policies", "capabilities.json"),
    entrypoint: join(root, "policies", "leastrole.rego"),
  };
}
