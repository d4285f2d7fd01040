/**
 * The shell recipes of docs/writing-rules.md, run as written: in a fresh folder where leastrole is
 * installed (node_modules/leastrole), `leastrole` and `opa` are on PATH and `my-rules` holds the
 * example rule. Only `<inputs>` is filled in. The bundle recipe once said to copy the entrypoint
 * into the rule folder, after which `--rules ./my-rules` failed with opa's "package annotation
 * redeclared".
 */
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";
import { pinnedOpa } from "../support/opa.js";

const root = packageRoot();
const cli = join(root, "dist", "cli.js");
const doc = readFileSync(join(root, "docs", "writing-rules.md"), "utf8");
const inputs = join(root, "examples", "demo-account");
let home: string;
let env: NodeJS.ProcessEnv;

/** The ```sh blocks of the doc, in order. */
function shBlocks(): string[] {
  return [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

function sh(script: string) {
  const r = spawnSync("sh", ["-ec", script], { cwd: home, env, encoding: "utf8", maxBuffer: 1 << 28 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ruleIds(stdout: string): string[] {
  return [...new Set((JSON.parse(stdout) as { findings: Array<{ ruleId: string }> }).findings.map((f) => f.ruleId))].sort();
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error("build first: npm run build");
  home = mkdtempSync(join(tmpdir(), "lr-writing-rules-"));
  mkdirSync(join(home, "node_modules"));
  symlinkSync(root, join(home, "node_modules", "leastrole"));
  const bin = join(home, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "leastrole"), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} "$@"\n`);
  chmodSync(join(bin, "leastrole"), 0o755);
  cpSync(join(root, "examples", "embed-custom-rule", "rules"), join(home, "my-rules"), { recursive: true });
  cpSync(join(root, "test", "fixtures", "packs", "array"), join(home, "team-rules"), { recursive: true });
  env = { ...process.env, NO_COLOR: "1", PATH: `${bin}:${dirname(pinnedOpa())}:${process.env.PATH ?? ""}` };
  delete env.LEASTROLE_OPA;
});

describe("docs/writing-rules.md", () => {
  it("has the recipes this test runs", () => {
    const blocks = shBlocks();
    expect(blocks.some((b) => b.includes("opa build"))).toBe(true);
    expect(blocks.some((b) => b.includes("leastrole build-rules"))).toBe(true);
    expect(blocks.some((b) => b.includes("--rules ./my-rules "))).toBe(true);
  });

  it("every recipe runs as written, and each way of giving the pack finds its rule", () => {
    const blocks = shBlocks();
    const bundle = blocks.find((b) => b.includes("opa build"))!;
    // The bundle recipe, then once more for the second pack the "Running it" block names.
    const built = sh(bundle);
    expect(built.code, built.stderr).toBe(0);
    expect(sh(bundle.replaceAll("my-rules", "team-rules")).code).toBe(0);
    for (const block of blocks.filter((b) => b !== bundle)) {
      // Each line on its own: the blocks list alternatives, each a command of its own.
      for (const line of block.split("\n").filter((l) => l.trim() !== "")) {
        const r = sh(line.replaceAll("<inputs>", JSON.stringify(inputs)));
        expect(r.code, `${line}\n${r.stderr}`).toBe(0);
        // build-rules says it wrote the files the doc's comment names (before: "dist/my-rules.wasm and .catalog.json").
        const files = /^leastrole build-rules .*#\s*(\S+), (\S+)$/.exec(line);
        if (files) expect(r.stderr).toContain(`wrote ${files[1]} and ${files[2]}: ACME`);
      }
    }
    const audit = (rules: string) => sh(`leastrole audit ${JSON.stringify(inputs)} --rules ${rules} -f json -q`);
    // A folder, build-rules' module and a bare bundle (from the METADATA of the .rego files it
    // carries; before, its findings had the package name) keep the METADATA's id.
    expect(ruleIds(audit("./my-rules").stdout)).toContain("ACME001");
    expect(ruleIds(audit("dist/my-rules.wasm").stdout)).toContain("ACME001");
    expect(ruleIds(audit("./my-rules.tar.gz").stdout)).toContain("ACME001");
    expect(ruleIds(sh(`leastrole audit ${JSON.stringify(inputs)} --rules ./my-rules --rules ./team-rules.tar.gz -f json -q`).stdout)).toEqual(
      expect.arrayContaining(["ACME001", "ACME002"]),
    );
  });

  it("a rule folder holding a copy of the entrypoint (the old recipe) still compiles: the copy is left out, with a warning", () => {
    const old = join(home, "old-rules");
    cpSync(join(root, "examples", "embed-custom-rule", "rules"), old, { recursive: true });
    cpSync(join(root, "policies", "leastrole.rego"), join(old, "leastrole.rego"));
    const clean = sh(`leastrole audit ${JSON.stringify(inputs)} --rules ./my-rules -f json`);
    const r = sh(`leastrole audit ${JSON.stringify(inputs)} --rules ./old-rules -f json`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("old-rules/leastrole.rego: a copy of leastrole's entrypoint, left out");
    expect((JSON.parse(r.stdout) as { findings: unknown }).findings).toEqual((JSON.parse(clean.stdout) as { findings: unknown }).findings);
    // build-rules reads the same folder the same way.
    expect(sh("leastrole build-rules old-rules -o old-dist").code).toBe(0);
  });

  it("a copy of the entrypoint that shares its file name with a rule cannot be left out by name: it is refused, named", () => {
    const clash = join(home, "clash-rules");
    cpSync(join(root, "examples", "embed-custom-rule", "rules"), clash, { recursive: true });
    mkdirSync(join(clash, "sub"));
    cpSync(join(root, "policies", "leastrole.rego"), join(clash, "sub", "owner_tag.rego"));
    const r = sh(`leastrole audit ${JSON.stringify(inputs)} --rules ./clash-rules -f json -q`);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("sub/owner_tag.rego is a copy of leastrole's entrypoint");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
