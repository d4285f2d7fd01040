#!/usr/bin/env node
// Writes policies/capabilities.json: the pinned OPA's capabilities with only the built-ins that
// run under @open-policy-agent/opa-wasm — those OPA compiles natively into the wasm module
// (`"wasm": true` in OPA's builtin_metadata.json) plus those the JS SDK implements. Building the
// rules against this file makes an unsupported built-in fail at `opa build`, not in a user's audit.
//
// Needs Go (to locate OPA's source in the module cache). The output is committed; rerun this after
// changing the OPA version in package.json.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { OPA_VERSION } from "./opa.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

// Implemented in JS by @open-policy-agent/opa-wasm 1.10.0 (src/builtins/*.js).
export const SDK_BUILTINS = ["json.is_valid", "regex.split", "sprintf", "yaml.is_valid", "yaml.marshal", "yaml.unmarshal"];

const mod = JSON.parse(
  execFileSync("go", ["mod", "download", "-json", `github.com/open-policy-agent/opa@v${OPA_VERSION}`], { encoding: "utf8" }),
);
// The source tree's capabilities.json, not `opa capabilities --current`: a binary built without the
// wasm runtime (the default since OPA 1.8) omits wasm_abi_versions, and then `opa build -t wasm`
// refuses to compile.
const caps = JSON.parse(readFileSync(join(mod.Dir, "capabilities.json"), "utf8"));
const meta = JSON.parse(readFileSync(join(mod.Dir, "builtin_metadata.json"), "utf8"));
const native = new Set(Object.entries(meta).filter(([k, v]) => !k.startsWith("_") && v && v.wasm === true).map(([k]) => k));
const allowed = new Set([...native, ...SDK_BUILTINS]);

const kept = caps.builtins.filter((b) => allowed.has(b.name));
const dropped = caps.builtins.filter((b) => !allowed.has(b.name)).map((b) => b.name);
const out = { ...caps, builtins: kept.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
writeFileSync(join(root, "policies", "capabilities.json"), JSON.stringify(out, null, 2) + "\n");
process.stderr.write(`policies/capabilities.json: ${kept.length} built-ins kept, ${dropped.length} dropped (opa ${OPA_VERSION})\n`);
