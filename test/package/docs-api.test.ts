/**
 * The SDK names the docs give are the SDK's: every name a doc's `import { … } from "leastrole"`
 * imports, and every function the canonical document's API section lists, is exported by
 * src/index.ts (or, written `iam.x`, by its iam namespace). docs/canonical-document.md listed
 * detect, normalizeTimestamp, parseFunctionArn and pathContext, which are internal, and
 * docs/reports.md the CLI's writeHtml.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as api from "../../src/index.js";
import { packageRoot } from "../../src/evaluate/locate.js";

const root = packageRoot();
const read = (f: string): string => readFileSync(join(root, f), "utf8");
const exported = (name: string): boolean => (name.startsWith("iam.") ? name.slice(4) in api.iam : name in api);

describe("the SDK names in the docs", () => {
  it("every name imported from \"leastrole\" in README.md and docs/*.md is exported", () => {
    const missing: string[] = [];
    for (const file of ["README.md", "docs/generate.md", "docs/reports.md", "docs/canonical-document.md", "docs/iac.md", "docs/usage.md", "docs/collect.md"]) {
      for (const m of read(file).matchAll(/import\s*\{([^}]*)\}\s*from\s*"leastrole"/g)) {
        for (const part of m[1]!.split(",").map((p) => p.trim()).filter((p) => p && p !== "…")) {
          if (part.startsWith("type ")) continue;
          const name = part.split(/\s+as\s+/)[0]!;
          if (!exported(name)) missing.push(`${file}: ${name}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it("every function of docs/canonical-document.md's API section is exported", () => {
    const section = read("docs/canonical-document.md").split(/^## API/m)[1]!.split(/^## /m)[0]!;
    const names = [...section.matchAll(/^- `([\w.]+)\(/gm), ...section.matchAll(/`([\w.]+)\([^`]*\)`/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((n) => !exported(n))).toEqual([]);
  });

  it("docs/reports.md names no writer the SDK does not export", () => {
    expect(read("docs/reports.md")).not.toMatch(/`writeHtml`/);
  });
});
