import { defineConfig } from "tsup";

// Entry points: the SDK (ESM + CJS + declarations), the CLI (ESM, with a shebang), the workers.
export default defineConfig([
  {
    entry: { index: "src/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: false,
    target: "node20",
    shims: true,
  },
  {
    entry: { cli: "src/cli/main.ts" },
    format: ["esm"],
    sourcemap: true,
    clean: false,
    target: "node20",
    shims: true,
    banner: { js: "#!/usr/bin/env node" },
  },
  {
    // The CloudTrail reader's worker thread, loaded by src/usage/read-usage.ts from beside the library.
    entry: { "usage-worker": "src/usage/worker.ts" },
    format: ["esm"],
    sourcemap: true,
    clean: false,
    target: "node20",
    shims: true,
  },
  {
    // The rule evaluator's worker thread, loaded by src/evaluate/parallel.ts from beside the library.
    entry: { "evaluate-worker": "src/evaluate/worker.ts" },
    format: ["esm"],
    sourcemap: true,
    clean: false,
    target: "node20",
    shims: true,
  },
]);
