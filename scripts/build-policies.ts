/**
 * Builds the built-in rule pack: compiles policies/ to policies/build/leastrole.wasm with the
 * pinned OPA and writes the rule catalog (policies/build/catalog.json) from the rules' METADATA.
 * With --test, also checks the layout (`opa fmt --list --fail`) and runs `opa test` with coverage and fails under 90%.
 *
 *   npm run build:policies            (npx tsx scripts/build-policies.ts)
 *   npm run test:rego                 (… --test)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileRegoPack } from "../src/evaluate/compile-rego.js";
import { packageRoot } from "../src/evaluate/locate.js";
import { LeastroleError } from "../src/errors.js";
// @ts-expect-error plain ESM script without types
import { findOpa } from "./opa.mjs";

const COVERAGE_THRESHOLD = 90;
const root = packageRoot();
const policies = join(root, "policies");
const opa: string = findOpa();

function build(): void {
  const compiled = compileRegoPack(policies, { opaPath: opa, ignore: ["capabilities.json", "leastrole.rego"] });
  const out = join(policies, "build");
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "leastrole.wasm"), compiled.wasm);
  // Paths in the catalog are relative to the repository, so the shipped file does not carry
  // the build machine's directories.
  const catalog = {
    ...compiled.catalog,
    rules: compiled.catalog.rules.map((r) => ({ ...r, file: r.file ? r.file.replace(root + "/", "") : null })),
  };
  writeFileSync(join(out, "catalog.json"), JSON.stringify(catalog, null, 2) + "\n");
  process.stderr.write(
    `policies/build/leastrole.wasm: ${compiled.wasm.length} bytes, ${catalog.rules.length} rules (${catalog.rules.map((r) => r.id).join(", ")})\n`,
  );
}

function test(): void {
  // The rules are read by people more than by OPA: one layout (opa fmt's), checked like the tests.
  const fmt = spawnSync(opa, ["fmt", "--list", "--fail", policies], { encoding: "utf8" });
  if (fmt.status !== 0) {
    process.stderr.write(`error: not formatted as opa fmt writes them (run \`npm run opa -- fmt -w policies\`):\n${fmt.stdout}${fmt.stderr}`);
    process.exit(1);
  }
  const args = ["test", "--ignore", "capabilities.json", "--ignore", "build", policies];
  const run = spawnSync(opa, args, { stdio: "inherit" });
  if (run.status !== 0) process.exit(run.status ?? 1);
  const report = JSON.parse(
    execFileSync(opa, [...args.slice(0, -1), "--coverage", "--format", "json", policies], { encoding: "utf8", maxBuffer: 256 << 20 }),
  ) as { coverage: number; files: Record<string, { coverage?: number }> };
  for (const [file, f] of Object.entries(report.files).sort()) {
    if (!file.endsWith("_test.rego")) process.stderr.write(`  ${(f.coverage ?? 0).toFixed(1).padStart(5)}%  ${file.replace(root + "/", "")}\n`);
  }
  process.stderr.write(`rego coverage: ${report.coverage.toFixed(1)}% (threshold ${COVERAGE_THRESHOLD}%)\n`);
  if (report.coverage < COVERAGE_THRESHOLD) {
    process.stderr.write(`error: rego coverage ${report.coverage.toFixed(1)}% is under ${COVERAGE_THRESHOLD}%\n`);
    process.exit(1);
  }
}

try {
  build();
  if (process.argv.includes("--test")) test();
} catch (e) {
  if (e instanceof LeastroleError) {
    process.stderr.write(`error: ${e.toString()}\n`);
    process.exit(1);
  }
  throw e;
}
