/**
 * How a config file is named in a warning or an error: relative to the current folder, as the
 * user would type it. The CLI finds `.leastrole.yaml` by an absolute path, and a message naming
 * `/home/runner/work/app/app/.leastrole.yaml` differs from machine to machine (and between two
 * checkouts of one CI job), while `.leastrole.yaml` or `config/leastrole.yaml` says which file to
 * edit the same way everywhere.
 */

import { relative, resolve } from "node:path";

export function configDisplayPath(file: string, cwd: string = process.cwd()): string {
  // relative() gives "" for the folder itself and an absolute path on another drive (Windows).
  return relative(cwd, resolve(cwd, file)) || file;
}
