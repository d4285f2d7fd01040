/**
 * Generates schemas/canonical.schema.json from the CanonicalDocument type (src/model/document.ts)
 * with typescript-json-schema.
 *   node scripts/build-schemas.mjs           write the schema
 *   node scripts/build-schemas.mjs --check   exit 1 when the committed schema differs (drift)
 *
 * tsconfig.schema.json switches to Bundler resolution: under NodeNext the generator names
 * definitions `import("src/…",{with:…}).X` instead of `X` (see reference/dependencies.md §2).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as TJS from "typescript-json-schema";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const schemaPath = join(root, "schemas", "canonical.schema.json");

export function generateCanonicalSchema() {
  const program = TJS.programFromConfig(join(root, "tsconfig.schema.json"), [join(root, "src", "model", "document.ts")]);
  const schema = TJS.generateSchema(program, "CanonicalDocument", {
    required: true,
    noExtraProps: true,
    strictNullChecks: true,
    ignoreErrors: false,
    // Definitions sorted by name and stable ids: the output must be byte-identical between runs.
    uniqueNames: false,
  });
  if (!schema) throw new Error("typescript-json-schema produced no schema for CanonicalDocument");
  const out = {
    $id: "https://github.com/leastrole/leastrole/schemas/canonical.schema.json",
    title: "leastrole canonical document",
    ...schema,
  };
  if (out.definitions) out.definitions = Object.fromEntries(Object.entries(out.definitions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return JSON.stringify(out, null, 2) + "\n";
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const next = generateCanonicalSchema();
  if (process.argv.includes("--check")) {
    let current = "";
    try {
      current = readFileSync(schemaPath, "utf8");
    } catch {
      // missing counts as drift
    }
    if (current !== next) {
      process.stderr.write("schemas/canonical.schema.json is out of date: run node scripts/build-schemas.mjs\n");
      process.exit(1);
    }
  } else {
    writeFileSync(schemaPath, next);
  }
}
