import { defineConfig } from "tsup";

// Two entry points: the SDK (ESM + CJS + declarations) and the CLI (ESM, with a shebang).
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
]);
