/**
 * Every link of README.md and docs/ that points into the repository resolves: a relative link, or
 * one to the repository on GitHub (blob/main, tree/main), names a file or folder that exists, and
 * its `#anchor`, when it points at a Markdown file, is one of that file's headings as GitHub makes
 * them (lower case, punctuation dropped, spaces to hyphens, `-1`, `-2` for repeats) or an explicit
 * `<a name>`/`id`. Reading only: no network.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const root = packageRoot();
const REPOSITORY = "https://github.com/leastrole/leastrole/";

/** GitHub's heading anchor: lower case, Markdown and punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  const text = heading.replace(/`/g, "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/<[^>]+>/g, "");
  return text.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}

/** The lines of a Markdown text outside fenced code blocks, with their 1-based numbers. */
function proseLines(text: string): Array<{ line: string; n: number }> {
  const out: Array<{ line: string; n: number }> = [];
  let fence: string | null = null;
  text.split("\n").forEach((line, i) => {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (m) {
      if (fence === null) fence = m[1]!;
      else if (m[1]!.startsWith(fence)) fence = null;
      return;
    }
    if (fence === null) out.push({ line, n: i + 1 });
  });
  return out;
}

function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { line } of proseLines(text)) {
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      const base = slug(h[1]!);
      const count = seen.get(base);
      seen.set(base, (count ?? -1) + 1);
      anchors.add(count === undefined ? base : `${base}-${count + 1}`);
    }
    for (const a of line.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(a[1]!);
  }
  return anchors;
}

/** The links of one Markdown file that do not resolve: `line: target (why)`. */
function brokenLinks(file: string, text: string, read: (path: string) => string | null): string[] {
  const broken: string[] = [];
  for (const { line, n } of proseLines(text)) {
    // Code spans hold commands and paths, not links.
    const prose = line.replace(/`[^`]*`/g, "");
    for (const m of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)|^\[[^\]]+\]:\s*(\S+)/g)) {
      const target = (m[1] ?? m[2])!;
      let path: string;
      if (target.startsWith(REPOSITORY)) {
        const inRepo = /^(?:blob|tree)\/main\/(.*)$/.exec(target.slice(REPOSITORY.length));
        if (!inRepo) continue;
        path = join(root, inRepo[1]!);
      } else if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
        continue;
      } else {
        const [p] = target.split("#");
        path = p ? resolve(dirname(file), p) : file;
      }
      const [withoutAnchor, anchor] = path.split("#") as [string, string | undefined];
      const hash = target.includes("#") ? target.slice(target.indexOf("#") + 1) : anchor;
      const resolved = decodeURIComponent(withoutAnchor);
      const content = read(resolved);
      if (content === null) {
        broken.push(`${n}: ${target} (no such file or folder)`);
        continue;
      }
      if (hash !== undefined && resolved.endsWith(".md") && !anchorsOf(content).has(hash)) broken.push(`${n}: ${target} (no heading #${hash})`);
    }
  }
  return broken;
}

function readOrNull(path: string): string | null {
  if (!existsSync(path)) return null;
  return path.endsWith(".md") ? readFileSync(path, "utf8") : "";
}

describe("links in README.md and docs/", () => {
  const pages = ["README.md", ...readdirSync(join(root, "docs"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".md")).map((f) => join("docs", f))];

  it("resolve to a file of the repository, and to a heading of it", () => {
    const broken = pages.flatMap((page) => brokenLinks(join(root, page), readFileSync(join(root, page), "utf8"), readOrNull).map((b) => `${page}:${b}`));
    expect(broken).toEqual([]);
    expect(pages.length).toBeGreaterThan(10);
  });

  it("the check finds a missing file and a missing heading, and passes a repeated heading's anchor", () => {
    const page = join(root, "docs", "x.md");
    const text = ["# A `b`", "## Same", "## Same", "[ok](#a-b) [ok](#same-1) [bad](#a-c) [bad](none.md) [ok](usage.md#organisation-scale-athena-cloudtrail-lake-and-amazon-security-lake)", "`[not a link](none.md)`", "```", "[in code](none.md)", "```"].join("\n");
    const read = (p: string) => (p === page ? text : readOrNull(p));
    expect(brokenLinks(page, text, read)).toEqual(["4: #a-c (no heading #a-c)", "4: none.md (no such file or folder)"]);
  });
});
