import { defineConfig } from "tsup";

// Entry points: the SDK (ESM + CJS + declarations), the CLI (ESM, with a shebang), the workers.
//
// No source maps by default: they were 7.8 of the package's 13.1 MB unpacked (3.6 MB packed), and
// Node applies them only under --enable-source-maps. The bundles are not minified and mark each
// module (`// src/config/load.ts`), so a stack trace from dist/ already reads. For profiling or
// debugging a build: LEASTROLE_SOURCEMAPS=1 npm run build (not for publishing: see
// test/package/npm-pack.test.ts).
const sourcemap = process.env.LEASTROLE_SOURCEMAPS === "1";

export default defineConfig([
  {
    entry: { index: "src/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap,
    clean: false,
    target: "node20",
    shims: true,
  },
  {
    entry: { cli: "src/cli/main.ts" },
    format: ["esm"],
    sourcemap,
    clean: false,
    target: "node20",
    shims: true,
    banner: { js: "#!/usr/bin/env node" },
  },
  {
    // The CloudTrail reader's worker thread, loaded by src/usage/read-usage.ts from beside the library.
    entry: { "usage-worker": "src/usage/worker.ts" },
    format: ["esm"],
    sourcemap,
    clean: false,
    target: "node20",
    shims: true,
  },
  {
    // The rule evaluator's worker thread, loaded by src/evaluate/parallel.ts from beside the library.
    entry: { "evaluate-worker": "src/evaluate/worker.ts" },
    format: ["esm"],
    sourcemap,
    clean: false,
    target: "node20",
    shims: true,
  },
]);
