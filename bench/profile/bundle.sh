#!/bin/sh
# Bundle bench/profile/stages.ts (one file, real line numbers in profiles) into bench/out/profile/.
set -e
cd "$(dirname "$0")/../.."
npx esbuild bench/profile/stages.ts --bundle --platform=node --format=esm --log-level=warning \
  --outfile=bench/out/profile/stages.mjs \
  '--banner:js=import{createRequire as __cr}from"module";const require=__cr(import.meta.url);'
