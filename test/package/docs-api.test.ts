/**
 * The SDK names the docs give are the SDK's: every name a doc's `import { … } from "leastrole"`
 * imports, and every function the canonical document's API section lists, is exported by
 * src/index.ts (or, written `iam.x`, by its iam namespace). docs/canonical-document.md listed
 * detect, normalizeTimestamp, parseFunctionArn and pathContext, which are internal, and
 * docs/reports.md the CLI's writeHtml.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import * as api from "../../src/index.js";
import { packageRoot } from "../../src/evaluate/locate.js";
import { SCHEMA_VERSION } from "../../src/model/document.js";
import { EARLIER_VERSIONS } from "../../src/sources/canonical-document.js";

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

  it("every function or constant the docs' prose says is exported is exported by the package", () => {
    // docs/usage.md said the shipped SQL was "exported as `ATHENA_TABLE_DDL`, `ATHENA_USAGE_QUERY`,
    // `LAKE_USAGE_QUERY`, `renderUsageQuery`" and `renderSecurityLakeQuery` "exported beside
    // `SECURITY_LAKE_USAGE_QUERY`", docs/collect.md that "`REDACTED_VALUE` is exported": each was
    // exported by its stage's index only, which the package's exports map does not reach.
    // A clause (sentence part, list item) saying so names the functions (`x(…)`, camelCase) and
    // constants (UPPER_CASE) it means; field names and the like are neither.
    const files = ["README.md", ...readdirSync(join(root, "docs"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".md")).map((f) => join("docs", f))];
    const claims: string[] = [];
    const missing: string[] = [];
    for (const file of files) {
      const prose = read(file).replace(/```[\s\S]*?```/g, "");
      for (const clause of prose.split(/\n\s*\n|\n\s*[-*|] |[.;](?:\s|$)/)) {
        if (!/\b(?:is|are) exported\b|\bexported (?:as|beside|from)\b|\(exported\b/.test(clause)) continue;
        for (const m of clause.matchAll(/`((?:iam\.)?(?:[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[a-z]+[A-Z]\w*))(?:\([^`]*\))?`/g)) {
          claims.push(m[1]!);
          if (!exported(m[1]!)) missing.push(`${file}: ${m[1]}`);
        }
      }
    }
    expect(claims).toEqual(expect.arrayContaining(["ATHENA_TABLE_DDL", "renderSecurityLakeQuery", "REDACTED_VALUE", "analyzeDocument"]));
    expect(missing).toEqual([]);
  });

  it("docs/canonical-document.md names the canonical versions the reader brings up to date", () => {
    // The input table said \"Versions 1.0 to 1.11 are brought up to date\" after 1.13 made 1.12 one.
    const page = read("docs/canonical-document.md");
    const first = EARLIER_VERSIONS[0]!;
    const last = EARLIER_VERSIONS.at(-1)!;
    expect(page).toContain(`Versions ${first} to ${last} are brought up to date`);
    expect(page).toContain(`is \`${SCHEMA_VERSION}\`, bumped on any incompatible change`);
    expect(page).toContain(`A ${EARLIER_VERSIONS.slice(0, -1).join(", ")} or ${last} document given as input is read as ${SCHEMA_VERSION}.`);
  });

  it("the report pages give the JSON reports' current schemaVersion", () => {
    // Each bump changes these two lines, like the canonical document's above.
    expect(read("docs/reports.md")).toContain(`(the public findings contract, \`schemaVersion\` ${api.REPORT_SCHEMA_VERSION})`);
    expect(read("docs/iac.md")).toContain(`and \`json\` (\`schemaVersion\` ${api.DIFF_SCHEMA_VERSION}:`);
  });

  it("docs/generate.md's table of runGenerate options lists every option (roleName was missing)", () => {
    const members = (file: string, name: string): string[] => {
      const source = ts.createSourceFile(file, read(file), ts.ScriptTarget.Latest, true);
      const decl = source.statements.find((st): st is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(st) && st.name.text === name);
      return decl!.members.flatMap((m) => (ts.isPropertySignature(m) && ts.isIdentifier(m.name) ? [m.name.text] : []));
    };
    const options = [...members("src/generate/types.ts", "GenerateOptions"), ...members("src/generate/run.ts", "GenerateRunOptions")];
    expect(options.length).toBeGreaterThan(8);
    const page = read("docs/generate.md");
    const table = page.slice(page.indexOf("`runGenerate` options map"), page.indexOf("Unknown or ambiguous `--function`"));
    const listed = new Set(table.split("\n").filter((l) => l.startsWith("| `")).map((l) => /^\| `(\w+)`/.exec(l)?.[1]));
    expect([...new Set(options)].filter((o) => !listed.has(o))).toEqual([]);
  });

  it("docs/reports.md names no writer the SDK does not export", () => {
    expect(read("docs/reports.md")).not.toMatch(/`writeHtml`/);
  });
});

/** The ```ts blocks of README.md and docs/*.md, with the file each is in. */
function tsBlocks(): Array<{ file: string; code: string }> {
  const files = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
  return files.flatMap((file) => [...read(file).matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => ({ file, code: m[1]! })));
}

/** Names a statement declares at the top of a block: imports, const/let (destructured too), functions, classes. */
function declaredNames(statement: ts.Statement): string[] {
  const bound = (name: ts.BindingName): string[] =>
    ts.isIdentifier(name) ? [name.text] : name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : bound(e.name)));
  if (ts.isVariableStatement(statement)) return statement.declarationList.declarations.flatMap((d) => bound(d.name));
  if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) return [statement.name.text];
  if (ts.isImportDeclaration(statement) && statement.importClause) {
    const c = statement.importClause;
    const named = c.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements.map((e) => e.name.text) : [];
    const ns = c.namedBindings && ts.isNamespaceImport(c.namedBindings) ? [c.namedBindings.name.text] : [];
    return [...(c.name ? [c.name.text] : []), ...named, ...ns];
  }
  return [];
}

describe("the docs' TypeScript examples, as a package user copies them", () => {
  it("import from \"leastrole\" (or node:), never from the repository's src/", () => {
    // docs/iac.md imported from ./src/sources/terraform/index.js and docs/usage.md from ./usage/index.js.
    const wrong = tsBlocks().flatMap(({ file, code }) =>
      [...code.matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]!).filter((spec) => spec !== "leastrole" && !spec.startsWith("node:")).map((spec) => `${file}: ${spec}`),
    );
    expect(wrong).toEqual([]);
  });

  it("declare each name once per block (docs/generate.md declared `targets` twice: TS2451 in a strict project)", () => {
    const twice: string[] = [];
    for (const { file, code } of tsBlocks()) {
      const source = ts.createSourceFile("block.ts", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
      const seen = new Set<string>();
      for (const name of source.statements.flatMap(declaredNames)) {
        if (seen.has(name)) twice.push(`${file}: ${name}`);
        seen.add(name);
      }
    }
    expect(twice).toEqual([]);
  });
});
