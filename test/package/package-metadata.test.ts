/**
 * Where the project lives, said the same way everywhere: package.json's repository, homepage and
 * bugs (npm shows them on the package page and `npm bugs leastrole` / `npm repo leastrole` open
 * them), SARIF's informationUri, the canonical schema's $id and the docs' links. They were missing
 * from package.json while the docs linked to github.com/leastrole/leastrole.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";
import { LEASTROLE_INFORMATION_URI } from "../../src/report/sarif.js";

const root = packageRoot();
const repo = LEASTROLE_INFORMATION_URI;

interface PackageJson {
  homepage?: string;
  repository?: { type?: string; url?: string } | string;
  bugs?: { url?: string } | string;
}

describe("package metadata", () => {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as PackageJson;

  it("names the repository, its home page and its issue tracker, as npm writes them", () => {
    expect(repo).toMatch(/^https:\/\/github\.com\/[^/]+\/[^/]+$/);
    // The object forms `npm init` writes (and `npm pkg fix` keeps): git+https URL of the clone.
    expect(pkg.repository).toEqual({ type: "git", url: `git+${repo}.git` });
    expect(pkg.homepage).toBe(`${repo}#readme`);
    expect(pkg.bugs).toEqual({ url: `${repo}/issues` });
  });

  it("every link to the project's repository, in the README, the docs and the schemas, is to that one", () => {
    const files = ["README.md", ...readdirSync(join(root, "docs"), { recursive: true }).map(String).filter((f) => f.endsWith(".md")).map((f) => join("docs", f)), "schemas/canonical.schema.json"];
    const links = files.flatMap((f) => [...readFileSync(join(root, f), "utf8").matchAll(/https:\/\/github\.com\/[\w.-]+\/leastrole\b[^\s)"'`]*/g)].map((m) => ({ f, link: m[0] })));
    expect(links.length).toBeGreaterThan(0);
    for (const { f, link } of links) expect(link.startsWith(`${repo}/`) || link === repo, `${f}: ${link}`).toBe(true);
  });
});
