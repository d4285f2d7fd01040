/**
 * What the shipped README and error messages send a package user to is in the package, or is an
 * absolute URL: the README pointed at docs/usage.md and examples/embed-custom-rule/embed.mjs and
 * the "no opa" error at docs/writing-rules.md, none of which `npm pack` shipped.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const root = packageRoot();
let shipped: Set<string>;

beforeAll(() => {
  // --dry-run: the file list only, nothing written; --ignore-scripts: no prepack build.
  const packed = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8" })) as Array<{ files: Array<{ path: string }>; size: number }>;
  shipped = new Set(packed[0]!.files.map((f) => f.path));
}, 120_000);

/** README.md without its fenced code blocks (commands there run in a clone, and say so). */
function readmeProse(): string {
  return readFileSync(join(root, "README.md"), "utf8").replace(/```[\s\S]*?```/g, "");
}

describe("the package's docs", () => {
  it("ships docs/, writing-rules.md included", () => {
    for (const f of ["docs/writing-rules.md", "docs/usage.md", "docs/canonical-document.md", "docs/reports.md"]) expect(shipped, f).toContain(f);
    expect([...shipped].some((f) => f.startsWith("examples/"))).toBe(false);
  });

  it("every docs/ or examples/ file the README names is shipped, or linked by an absolute URL", () => {
    const prose = readmeProse();
    const named = [...prose.matchAll(/(?<![\w/.-])((?:docs|examples)\/[\w./-]*\w)/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(1);
    const linkedAbsolute = new Set([...prose.matchAll(/\[[^\]]*\]\(https:\/\/[^)]*\/((?:docs|examples)\/[^)]*)\)/g)].map((m) => m[1]!));
    const missing = named.filter((p) => !shipped.has(p) && ![...shipped].some((f) => f.startsWith(`${p}/`)) && !linkedAbsolute.has(p));
    expect(missing).toEqual([]);
  });
});
