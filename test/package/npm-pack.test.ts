/**
 * What users install must work with Node alone: pack the package as npm would publish it, install
 * the tarball into an empty project, and evaluate a document with the built-in rules while PATH
 * holds neither `go` nor `opa` — both through the SDK (ESM and CommonJS) and through the CLI.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";
import { syntheticDocument } from "../support/synthetic-document.js";

const root = packageRoot();
let project: string;
let nodeOnlyPath: string;

beforeAll(() => {
  if (!existsSync(join(root, "dist", "index.js")) || !existsSync(join(root, "policies", "build", "leastrole.wasm"))) {
    throw new Error("build first: npm run build");
  }
  const work = mkdtempSync(join(tmpdir(), "lr-pack-"));
  // --ignore-scripts: the build already ran; prepack would need OPA, which users never have.
  const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], { cwd: root, encoding: "utf8" })) as Array<{ filename: string; unpackedSize: number; files: Array<{ path: string }> }>;
  const tarball = join(work, packed[0]!.filename);
  const files = packed[0]!.files.map((f) => f.path);
  expect(files).toContain("policies/build/leastrole.wasm");
  expect(files).toContain("policies/build/catalog.json");
  expect(files).toEqual(expect.arrayContaining(["dist/usage-worker.js", "dist/evaluate-worker.js"]));
  // Only data ships from src/ (the AWS managed policy dataset, the SAM data notice); no sources, no tests.
  expect(files.filter((f) => f.startsWith("src/")).sort()).toEqual(["src/iam/data/aws-managed-policies.json.gz", "src/sources/cloudformation/DATA-NOTICE.md"]);
  expect(files.some((f) => f.startsWith("test/"))).toBe(false);
  // A small install: no source maps (7.8 of 13.1 MB unpacked; Node reads them only under
  // --enable-source-maps: tsup.config.ts), no examples (they are in the repository).
  expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
  expect(files.some((f) => f.startsWith("examples/"))).toBe(false);
  // ...and no bundle pointing at a map that is not there (bundlers of users' code warn about those).
  for (const f of files.filter((f) => /^dist\/.*\.c?js$/.test(f))) expect(readFileSync(join(root, f), "utf8"), f).not.toMatch(/sourceMappingURL=/);
  expect(packed[0]!.unpackedSize).toBeLessThan(8_000_000);

  project = join(work, "consumer");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--prefer-offline", tarball], { cwd: project, stdio: "pipe" });
  writeFileSync(join(project, "doc.json"), JSON.stringify(syntheticDocument(40, 4)));

  // A PATH with node and nothing else.
  nodeOnlyPath = join(work, "bin");
  mkdirSync(nodeOnlyPath);
  symlinkSync(process.execPath, join(nodeOnlyPath, "node"));
}, 180_000);

function runNode(args: string[]): string {
  return execFileSync(join(nodeOnlyPath, "node"), args, { cwd: project, encoding: "utf8", env: { PATH: nodeOnlyPath, HOME: project } });
}

describe("the installed package, with Node alone", () => {
  it("has neither go nor opa on the PATH it runs with", () => {
    expect(readdirSync(nodeOnlyPath)).toEqual(["node"]);
  });

  it("evaluates a document with the built-in rules through the ESM SDK", () => {
    writeFileSync(
      join(project, "esm.mjs"),
      `import { auditDocument } from "leastrole";
       import { readFileSync } from "node:fs";
       const report = auditDocument(JSON.parse(readFileSync("doc.json", "utf8")));
       console.log(JSON.stringify({ n: report.findings.length, ids: [...new Set(report.findings.map(f => f.ruleId))], diags: report.diagnostics.length }));`,
    );
    const out = JSON.parse(runNode(["esm.mjs"])) as { n: number; ids: string[]; diags: number };
    expect(out.n).toBeGreaterThan(0);
    expect(out.ids).toContain("LR001");
    expect(out.diags).toBe(0);
  });

  it("audits the demo account from files, shipped AWS managed policy data included", () => {
    writeFileSync(
      join(project, "demo.mjs"),
      `import { audit } from "leastrole";
       const { report, document } = await audit([${JSON.stringify(join(root, "examples", "demo-account"))}]);
       console.log(JSON.stringify({ ids: [...new Set(report.findings.map(f => f.ruleId))].sort(), fns: document.functions.length }));`,
    );
    const out = JSON.parse(runNode(["demo.mjs"])) as { ids: string[]; fns: number };
    expect(out.fns).toBe(5);
    expect(out.ids).toEqual(expect.arrayContaining(["LR001", "LR004", "LR008", "LR010", "LR012", "LR016"]));
  });

  it("evaluates through the CommonJS entry too", () => {
    writeFileSync(
      join(project, "cjs.cjs"),
      `const { loadBuiltinPack, evaluateDocument } = require("leastrole");
       const doc = JSON.parse(require("node:fs").readFileSync("doc.json", "utf8"));
       console.log(evaluateDocument(doc, [loadBuiltinPack()]).findings.length);`,
    );
    expect(Number(runNode(["cjs.cjs"]))).toBeGreaterThan(0);
  });

  it("evaluates on worker threads from the ESM and CommonJS entries (the shipped worker file)", () => {
    const body = (load: string) => `${load}
       const doc = JSON.parse(fs.readFileSync("doc.json", "utf8"));
       const one = lib.evaluateDocument(doc, [lib.loadBuiltinPack()], { sliceFunctions: 4 });
       lib.evaluateDocumentAsync(doc, [lib.loadBuiltinPack()], { sliceFunctions: 4, evaluateWorkers: 2 }).then((two) =>
         console.log(JSON.stringify({ n: two.findings.length, same: JSON.stringify(two) === JSON.stringify(one) })));`;
    writeFileSync(join(project, "par.mjs"), body(`import * as lib from "leastrole"; import fs from "node:fs";`));
    writeFileSync(join(project, "par.cjs"), body(`const lib = require("leastrole"); const fs = require("node:fs");`));
    for (const file of ["par.mjs", "par.cjs"]) {
      const out = JSON.parse(runNode([file])) as { n: number; same: boolean };
      expect(out.n).toBeGreaterThan(0);
      expect(out.same).toBe(true);
    }
  });

  it("loads the AWS SDK only when collecting, from the shipped chunks", () => {
    // The SDK's clients are a quarter of a second of startup: audit, generate and embedders never pay it.
    const count = `Object.keys(require.cache).filter((k) => k.includes("@aws-sdk")).length`;
    writeFileSync(
      join(project, "lazy.mjs"),
      `import { createRequire } from "node:module";
       const require = createRequire(import.meta.url);
       const lib = await import("leastrole");
       const atImport = ${count};
       const result = await lib.collect({ out: "collected", regions: ["us-east-1"], endpoint: "http://127.0.0.1:9", maxAttempts: 1,
         credentials: { accessKeyId: "x", secretAccessKey: "y" }, onProgress: () => {} }).then(() => "ok", (e) => e.message);
       console.log(JSON.stringify({ atImport, afterCollect: ${count}, result }));`,
    );
    writeFileSync(join(project, "lazy.cjs"), `const lib = require("leastrole"); console.log(${count});`);
    const out = JSON.parse(runNode(["lazy.mjs"])) as { atImport: number; afterCollect: number; result: string };
    expect(out.atImport).toBe(0);
    expect(out.afterCollect).toBeGreaterThan(0);
    // It got as far as calling AWS (the port is closed), so the lazily loaded clients work.
    expect(out.result).toMatch(/ECONNREFUSED/);
    expect(Number(runNode(["lazy.cjs"]))).toBe(0);
  });

  it("runs the CLI", () => {
    const out = JSON.parse(runNode([join(project, "node_modules", ".bin", "leastrole"), "audit", "doc.json", "--format", "json"])) as {
      tool: { name: string };
      findings: Array<{ ruleId: string }>;
    };
    expect(out.tool.name).toBe("leastrole");
    expect(out.findings.some((f) => f.ruleId === "LR001")).toBe(true);
  });
});

describe("errors of the ESM and CommonJS builds in one program (the dual package hazard)", () => {
  it("instanceof holds across the builds, for LeastroleError and each subclass, and the errors' shape is unchanged", () => {
    // A program whose own code imports leastrole (ESM) while a dependency requires it (CommonJS)
    // has both builds loaded, each with its own classes. Before, an InputError of one build was not
    // instanceof the other's LeastroleError or InputError, so a program took it for a bug.
    writeFileSync(join(project, "bad-config.yaml"), "scope: everything\n");
    writeFileSync(
      join(project, "mixed.mjs"),
      `import { createRequire } from "node:module";
       import * as esm from "leastrole";
       const cjs = createRequire(import.meta.url)("leastrole");
       const classes = ["LeastroleError", "InputError", "ConfigError", "CollectError", "PolicyParseError"];
       const caught = async (f) => { try { await f(); } catch (e) { return e; } return null; };
       const errors = {
         cjsInput: await caught(() => cjs.normalize(["no-such-file.json"])),
         cjsConfig: await caught(() => cjs.loadConfig("bad-config.yaml")),
         cjsCollect: await caught(() => cjs.collect({ out: "" })),
         esmInput: await caught(() => esm.normalize(["no-such-file.json"])),
       };
       const of = (lib, e) => Object.fromEntries(classes.map((c) => [c, e instanceof lib[c]]));
       console.log(JSON.stringify({
         names: Object.fromEntries(Object.entries(errors).map(([k, e]) => [k, e?.name])),
         esmClasses: Object.fromEntries(Object.entries(errors).map(([k, e]) => [k, of(esm, e)])),
         cjsClasses: Object.fromEntries(Object.entries(errors).map(([k, e]) => [k, of(cjs, e)])),
         plain: [new Error("x") instanceof esm.LeastroleError, null instanceof cjs.LeastroleError, { name: "InputError" } instanceof esm.InputError],
         shape: [errors.cjsInput, errors.esmInput].map((e) => ({ keys: Object.keys(e), json: JSON.stringify(e), text: String(e), code: e.code, file: e.file })),
       }));`,
    );
    const out = JSON.parse(runNode(["mixed.mjs"])) as {
      names: Record<string, string>;
      esmClasses: Record<string, Record<string, boolean>>;
      cjsClasses: Record<string, Record<string, boolean>>;
      plain: boolean[];
      shape: Array<{ keys: string[]; json: string; text: string; code: string; file: string }>;
    };
    expect(out.names).toEqual({ cjsInput: "InputError", cjsConfig: "ConfigError", cjsCollect: "CollectError", esmInput: "InputError" });
    const only = (...yes: string[]) => Object.fromEntries(["LeastroleError", "InputError", "ConfigError", "CollectError", "PolicyParseError"].map((c) => [c, c === "LeastroleError" || yes.includes(c)]));
    const expected = { cjsInput: only("InputError"), cjsConfig: only("ConfigError"), cjsCollect: only("CollectError"), esmInput: only("InputError") };
    // Each error is an instance of its own class and LeastroleError in both builds, and of no other class.
    expect(out.esmClasses).toEqual(expected);
    expect(out.cjsClasses).toEqual(expected);
    expect(out.plain).toEqual([false, false, false]);
    // The same fields, JSON and one-line text whichever build made it: the brand adds nothing visible.
    expect(out.shape[0]).toEqual(out.shape[1]);
    expect(out.shape[0]).toEqual({ keys: ["code", "file", "path", "name"], json: '{"code":"input","file":"no-such-file.json","name":"InputError"}', text: "no-such-file.json: no such file or folder", code: "input", file: "no-such-file.json" });
  });
});
