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
    // The SDK's ESM build and the CLI in one build, so that the code they share is one chunk
    // (dist/chunk-*.js) instead of a copy in each (1.8 MB each: the package was past 8 MB
    // unpacked). The CLI's shebang is src/cli/main.ts's first line, which esbuild keeps. The
    // declarations are made once, here; the CJS build's (index.d.cts) is the same file, copied by
    // package.json's build script.
    entry: { index: "src/index.ts", cli: "src/cli/main.ts" },
    format: ["esm"],
    splitting: true,
    dts: { entry: { index: "src/index.ts" } },
    sourcemap,
    clean: false,
    target: "node20",
    shims: true,
  },
  {
    entry: { index: "src/index.ts" },
    format: ["cjs"],
    sourcemap,
    clean: false,
    target: "node20",
    shims: true,
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
