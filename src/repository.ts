/**
 * The git repository a command runs in, found as git finds it. Two things depend on it: SARIF
 * locations are written relative to its root, and the config file is looked for up to it, never
 * above (a stray `~/.leastrole.yaml` must not apply to every checkout under the home folder).
 */

import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * The root of the git repository holding `from` (the nearest folder upwards with a `.git` folder,
 * or a `.git` file as a worktree or submodule has), as `git rev-parse --show-toplevel` finds it;
 * null outside a repository. SARIF locations are written relative to it: GitHub code scanning
 * resolves them against the checkout's root, so a run from a subfolder (`working-directory: infra`)
 * would otherwise point its alerts at files that do not exist.
 */
export function repositoryRoot(from: string): string | null {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(resolve(dir, ".git"))) return dir;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}
