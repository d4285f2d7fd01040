/**
 * The published declarations (dist/index.d.ts, dist/index.d.cts) must compile in the strictest
 * ordinary Node project: lib es2022 and @types/node only (no DOM lib), strict, skipLibCheck off, so
 * that the .d.ts files themselves are checked. RulePack.module was typed WebAssembly.Module, which
 * TypeScript declares only in the DOM lib: such a project failed to compile on leastrole's own
 * types ("Cannot find namespace 'WebAssembly'"). src/ is type-checked with skipLibCheck and its own
 * WebAssembly declarations (src/types/webassembly.d.ts), which is why only the built files show it.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const root = packageRoot();
let project: string;

// What a user writes: the pipeline, a loaded pack and its module handle, the report's summary.
const consumer = `
import { audit, auditDocument, buildDocument, loadRulePack, type AuditReport, type RulePack } from "leastrole";

export async function run(paths: string[]): Promise<string[]> {
  const pack: RulePack = loadRulePack("./rules");
  const handle = pack.module; // opaque: passed back, never looked into
  const report: AuditReport = auditDocument(await buildDocument(paths), { rules: [pack] });
  const { report: again } = await audit(paths);
  return [String(handle !== null), ...report.summary.failedPacks, ...again.summary.failedPacks];
}
`;

beforeAll(() => {
  if (!existsSync(join(root, "dist", "index.d.ts")) || !existsSync(join(root, "dist", "index.d.cts"))) throw new Error("build first: npm run build");
  // A project of its own, outside the repository, with leastrole and @types/node installed as
  // links: nothing of the repository's tsconfig or node_modules/@types applies to it.
  project = mkdtempSync(join(tmpdir(), "lr-consumer-types-"));
  mkdirSync(join(project, "node_modules", "@types"), { recursive: true });
  symlinkSync(root, join(project, "node_modules", "leastrole"), "dir");
  symlinkSync(join(root, "node_modules", "@types", "node"), join(project, "node_modules", "@types", "node"), "dir");
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  writeFileSync(join(project, "main.mts"), consumer);
  writeFileSync(join(project, "main.cts"), consumer);
});

/** tsc's diagnostics for the consumer project's files, one line each. */
function compile(files: string[], resolution: Partial<ts.CompilerOptions> = {}): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts"],
    types: ["node"],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    ...resolution,
  };
  const host = ts.createCompilerHost(options);
  const program = ts.createProgram(files.map((f) => join(project, f)), options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : "";
    return `${where}${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}

// evaluateDocument checks its document against the canonical schema, so its type says what the
// check accepts: a whole CanonicalDocument (or one read with JSON.parse, typed any), never a Partial.
const evaluating = `
import { buildDocument, encodeDocument, evaluateDocument, evaluateDocumentAsync, loadBuiltinPack, type CanonicalDocument } from "leastrole";
import { readFileSync } from "node:fs";

export async function run(paths: string[], partial: Partial<CanonicalDocument>): Promise<number> {
  const packs = [loadBuiltinPack()];
  const built = evaluateDocument(await buildDocument(paths), packs);
  const read = evaluateDocument(JSON.parse(readFileSync("doc.json", "utf8")), packs);
  // @ts-expect-error a Partial is refused at run time (a required field missing): it does not type-check either
  evaluateDocument(partial, packs);
  // @ts-expect-error the same for the async variant
  await evaluateDocumentAsync(partial, packs);
  // @ts-expect-error and for an encoded document
  encodeDocument(partial);
  return built.findings.length + read.findings.length;
}
`;

describe("the published types in a Node-only TypeScript project", () => {
  it("evaluateDocument and evaluateDocumentAsync take a CanonicalDocument, as their schema check does, not a Partial", () => {
    writeFileSync(join(project, "evaluating.mts"), evaluating);
    expect(compile(["evaluating.mts"])).toEqual([]);
  }, 120_000);

  it("compile with lib es2022 and @types/node, strict, without skipLibCheck: ESM (index.d.ts) and CommonJS (index.d.cts)", () => {
    const diagnostics = compile(["main.mts", "main.cts"]);
    expect(diagnostics).toEqual([]);
  }, 120_000);

  it("resolve to the built declarations (the check above is of dist/, not of src/)", () => {
    const options: ts.CompilerOptions = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext };
    const host = ts.createCompilerHost(options);
    for (const [file, dts] of [["main.mts", "index.d.ts"], ["main.cts", "index.d.cts"]] as const) {
      const mode = file.endsWith(".cts") ? ts.ModuleKind.CommonJS : ts.ModuleKind.ESNext;
      const found = ts.resolveModuleName("leastrole", join(project, file), options, host, undefined, undefined, mode).resolvedModule;
      expect(found?.resolvedFileName.endsWith(join("dist", dts)), file).toBe(true);
    }
  });
});

describe("the docs' TypeScript examples, copied into a project as written", () => {
  // Each ```ts block of README.md and docs/*.md (the shipped docs) is a file of its own. They used
  // names nobody declared (document, config, roleArn, stream, bar, text, functionArn,
  // loadActionCatalog), and docs/iam-engine.md wrote signatures as ```ts: none compiled so.
  // Code of another library's API that the docs show beside leastrole's (a CDK app writing a
  // resource's Metadata, docs/iac.md) is fenced ```typescript: it uses nothing of leastrole's, and
  // its own types (aws-cdk-lib) are not installed here.
  const blocks = (): Array<{ file: string; code: string }> =>
    ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)].flatMap((file) =>
      [...readFileSync(join(root, file), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => ({ file, code: m[1]! })),
    );

  it("compile, strict, with moduleResolution nodenext and bundler", () => {
    const files = blocks().map(({ file, code }, i) => {
      const name = `doc-${i}-${file.replace(/\W+/g, "-")}.mts`;
      writeFileSync(join(project, name), code);
      return name;
    });
    expect(files.length).toBeGreaterThan(8);
    const said = (d: string): string => d.replace(`${project}/`, "");
    expect(compile(files).map(said)).toEqual([]);
    expect(compile(files, { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler }).map(said)).toEqual([]);
    // The strictest options a user may have: docs/generate.md's `{ exceptions: config?.exceptions }`
    // was TS2379 under exactOptionalPropertyTypes (GenerateOptions.exceptions did not take undefined).
    expect(compile(files, { exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, verbatimModuleSyntax: true }).map(said)).toEqual([]);
  }, 120_000);
});
