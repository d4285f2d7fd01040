/**
 * Writes the collection's files. Atomic (temp file + rename) so that an interrupted run never
 * leaves a truncated file under a final name, which is what lets --resume trust "file exists".
 * And durable: a rename alone is atomic for a process that dies, not for a machine that loses
 * power, whose file system may commit the rename before the data (a file of zeros or empty under
 * its final name, a known ext4/XFS outcome of write-then-rename without fsync) or lose the rename
 * while the manifest that names the file was committed. So each file's data is fsync'ed before its
 * rename, and the folders a rename changed are fsync'ed before the manifest is written (commit):
 * what the manifest on disk lists as written is on disk.
 * Paths are built from API data (function names, S3 keys), so every segment is checked.
 */

import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmdirSync, rmSync, writeSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
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
export const COLLECT_DIRS: readonly string[] = ["accessanalyzer", "cloudtrail", "config", "iam", "lambda"];

/**
 * Except the CloudTrail log files copied from S3: the manifest summarises them in one entry
 * (listing every key would make it megabytes), --resume keeps each one whose size matches the
 * bucket's listing, and a delivered log file is an immutable record of what happened, never
 * stale state.
 */
export const UNLISTED_KEPT_DIR = "cloudtrail/s3";

/**
 * fsync a folder, so that the renames into it survive a power loss. Windows cannot open a folder
 * for it (EISDIR/EPERM), and NTFS journals its renames: nothing to do there.
 */
function fsyncDir(dir: string): void {
  if (process.platform === "win32") return;
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export class OutWriter {
  /** Folders a rename or a mkdir changed since the last commit: fsync'ed before the manifest names their files. */
  private readonly renamedInto = new Set<string>();

  constructor(readonly root: string) {}

  abs(rel: string): string {
    return join(this.root, ...rel.split("/"));
  }

  private target(rel: string): { file: string; tmp: string } {
    const file = this.abs(rel);
    if (!file.startsWith(this.root + sep)) throw new CollectError(`refusing to write outside the out directory: ${rel}`);
    const dir = dirname(file);
    // A folder made here is an entry in its parent, which must be on disk too for its files to be.
    const made = mkdirSync(dir, { recursive: true });
    if (made !== undefined) for (let d = dir; d.length >= made.length; d = dirname(d)) this.renamedInto.add(dirname(d));
    return { file, tmp: `${file}${TEMP_MARK}${process.pid}` };
  }

  /** Write `data` under `rel`: to a temporary name, fsync'ed, then renamed (see the file's comment). */
  write(rel: string, data: string | Uint8Array): string {
    const { file, tmp } = this.target(rel);
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    try {
      const fd = openSync(tmp, "w");
      try {
        for (let at = 0; at < bytes.byteLength; ) at += writeSync(fd, bytes, at, bytes.byteLength - at);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, file);
    } catch (e) {
      // A full disk, a quota: no temporary file is left to sweep, and nothing under the final name.
      rmSync(tmp, { force: true });
      throw e;
    }
    this.renamedInto.add(dirname(file));
    return rel;
  }

  /**
   * write(), without holding the event loop during the write and fsync: for the CloudTrail log
   * files, fetched many at a time (an fsync takes milliseconds; a trail's months are 10^5 files).
   */
  async writeAsync(rel: string, data: Uint8Array): Promise<string> {
    const { file, tmp } = this.target(rel);
    try {
      const handle = await open(tmp, "w");
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, file);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    this.renamedInto.add(dirname(file));
    return rel;
  }

  /**
   * Write the file that vouches for the others (the manifest): the folders the files it lists were
   * renamed into are fsync'ed first, then it is written as write() does, and its folder fsync'ed, so
   * that after a power loss it names no file that is not there whole.
   */
  commit(rel: string, value: unknown): string {
    this.syncFolders();
    this.writeJson(rel, value);
    this.syncFolders();
    return rel;
  }

  private syncFolders(): void {
    for (const dir of [...this.renamedInto].sort()) fsyncDir(dir);
    this.renamedInto.clear();
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
