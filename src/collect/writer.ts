/**
 * Writes the collection's files. Atomic (temp file + rename) so that an interrupted run never
 * leaves a truncated file under a final name, which is what lets --resume trust "file exists".
 * Paths are built from API data (function names, S3 keys), so every segment is checked.
 */

import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { CollectError } from "./errors.js";

/**
 * A path segment safe on every file system we support: API names are kept when they are plain
 * (Lambda names are [A-Za-z0-9_-]); anything else is percent-encoded, and `.`/`..` are refused.
 */
export function safeSegment(name: string): string {
  if (name === "" || name === "." || name === "..") throw new CollectError(`unsafe path segment ${JSON.stringify(name)} from API data`);
  return name.replace(/[^A-Za-z0-9._=+@,-]/gu, (c) => encodeURIComponent(c).replace(/[!'()*]/g, (x) => `%${x.charCodeAt(0).toString(16).toUpperCase()}`));
}

/** A relative path from segments, `/`-separated (what the manifest records). */
export function relPath(...segments: string[]): string {
  return segments.map(safeSegment).join("/");
}

/** JSON as the AWS CLI prints it: two-space indentation, Dates as ISO 8601, a final newline. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

const TEMP_MARK = ".partial-";

/**
 * The top-level folders collect writes into (relPath's first segment of every file it writes).
 * Only these are swept of files no manifest entry lists: anything else in the folder is not
 * collect's to delete.
 */
export const COLLECT_DIRS: readonly string[] = ["accessanalyzer", "cloudtrail", "iam", "lambda"];

/**
 * Except the CloudTrail log files copied from S3: the manifest summarises them in one entry
 * (listing every key would make it megabytes), --resume keeps each one whose size matches the
 * bucket's listing, and a delivered log file is an immutable record of what happened, never
 * stale state.
 */
export const UNLISTED_KEPT_DIR = "cloudtrail/s3";

export class OutWriter {
  constructor(readonly root: string) {}

  abs(rel: string): string {
    return join(this.root, ...rel.split("/"));
  }

  write(rel: string, data: string | Uint8Array): string {
    const file = this.abs(rel);
    if (!file.startsWith(this.root + sep)) throw new CollectError(`refusing to write outside the out directory: ${rel}`);
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}${TEMP_MARK}${process.pid}`;
    writeFileSync(tmp, data);
    renameSync(tmp, file);
    return rel;
  }

  /** Remove temporary files an interrupted run left behind (they are never valid inputs). */
  removeLeftovers(): number {
    let removed = 0;
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (entry.name.includes(TEMP_MARK)) {
          rmSync(p);
          removed++;
        }
      }
    };
    walk(this.root);
    return removed;
  }

  /**
   * Remove every file under COLLECT_DIRS that `keep` (relative paths) does not list, and the
   * folders that leaves empty; returns the relative paths removed, sorted. Why: a run killed
   * before its manifest recorded a file, a unit that wrote part of its files and then failed, or
   * a call that --resume made again and found absent or failed, leave files that no `ok` entry
   * vouches for; audit must never read them as current.
   */
  removeUnlisted(keep: ReadonlySet<string>): string[] {
    const removed: string[] = [];
    const walk = (dir: string, rel: string): boolean => {
      let empty = true;
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, entry.name);
        const r = `${rel}/${entry.name}`;
        if (entry.isDirectory()) {
          if (r === UNLISTED_KEPT_DIR) empty = false;
          else if (walk(p, r)) rmdirSync(p);
          else empty = false;
        } else if (keep.has(r)) empty = false;
        else {
          rmSync(p);
          removed.push(r);
        }
      }
      return empty;
    };
    for (const top of COLLECT_DIRS) {
      const dir = join(this.root, top);
      if (existsSync(dir) && walk(dir, top)) rmdirSync(dir);
    }
    return removed.sort();
  }

  writeJson(rel: string, value: unknown): string {
    return this.write(rel, toJson(value));
  }
}
