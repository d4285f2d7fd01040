/**
 * Where a test file's collect runs write: each run's output folder under a temporary parent of its
 * own, all removed after the file; and what a run wrote, read back.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

export function outDirs(prefix: string): { outDir: () => string; removeAll: () => void } {
  const dirs: string[] = [];
  return {
    outDir: () => {
      const dir = join(mkdtempSync(join(tmpdir(), prefix)), "out");
      dirs.push(dir);
      return dir;
    },
    removeAll: () => {
      for (const d of dirs) rmSync(join(d, ".."), { recursive: true, force: true });
    },
  };
}

/** The files under `dir/under`, as paths relative to `dir` with `/`, sorted. */
export function filesUnder(dir: string, under = ""): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split("\\").join("/"));
    }
  };
  walk(join(dir, under));
  return out.sort();
}

export const json = (dir: string, rel: string): any => JSON.parse(readFileSync(join(dir, rel), "utf8"));
