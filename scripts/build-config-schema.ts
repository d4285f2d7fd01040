/**
 * Generates schemas/config.schema.json from the LeastroleConfig type (src/model/config.ts).
 *   npx tsx scripts/build-config-schema.ts [--check]
 * With --check, exits 1 when the committed schema differs from what the types generate.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as TJS from "typescript-json-schema";
import { packageRoot } from "../src/evaluate/locate.js";

export function generateConfigSchema(): string {
  const root = packageRoot();
  const program = TJS.getProgramFromFiles([join(root, "src", "model", "config.ts")], { strictNullChecks: true, target: 9 /* ES2022 */ }, root);
  const schema = TJS.generateSchema(program, "LeastroleConfig", { required: true, noExtraProps: true, strictNullChecks: true, ignoreErrors: false });
  if (!schema) throw new Error("typescript-json-schema produced no schema for LeastroleConfig");
  return JSON.stringify({ title: "leastrole configuration", ...schema }, null, 2) + "\n";
}

const isMain = process.argv[1]?.endsWith("build-config-schema.ts");
if (isMain) {
  const path = join(packageRoot(), "schemas", "config.schema.json");
  const next = generateConfigSchema();
  if (process.argv.includes("--check")) {
    const current = readFileSync(path, "utf8");
    if (current !== next) {
      process.stderr.write("schemas/config.schema.json is out of date: run npx tsx scripts/build-config-schema.ts\n");
      process.exit(1);
    }
  } else writeFileSync(path, next);
}
