#!/usr/bin/env node
// Finds the pinned OPA (package.json "config.opaVersion", the one place the version is written),
// or builds it with Go into .cache/opa/<version>/, then runs it with the given arguments.
//
//   node scripts/opa.mjs <opa args…>      run the pinned opa
//   node scripts/opa.mjs --path           print the path of the pinned opa (building it if needed)
//
// Lookup order: $LEASTROLE_OPA; `opa` on PATH when its version matches; the cache; `go install`.
// Developers and CI need Go or a matching opa; users of the npm package need neither (the
// compiled rule pack ships in the package).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const OPA_VERSION = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).config.opaVersion;

function versionOf(bin) {
  try {
    const out = execFileSync(bin, ["version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    return /^Version:\s*(\S+)/m.exec(out)?.[1] ?? null;
  } catch {
    return null;
  }
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

export function findOpa({ build = true, log = (m) => process.stderr.write(m + "\n") } = {}) {
  const fromEnv = process.env.LEASTROLE_OPA;
  if (fromEnv) {
    const v = versionOf(fromEnv);
    if (v !== OPA_VERSION) throw new Error(`LEASTROLE_OPA=${fromEnv} is opa ${v ?? "(not runnable)"}, expected ${OPA_VERSION}`);
    return fromEnv;
  }
  const pathOpa = onPath("opa");
  if (pathOpa && versionOf(pathOpa) === OPA_VERSION) return pathOpa;

  const cacheDir = join(root, ".cache", "opa", OPA_VERSION);
  const cached = join(cacheDir, "opa");
  if (existsSync(cached) && versionOf(cached) === OPA_VERSION) return cached;
  if (!build) return null;

  const go = onPath("go");
  if (!go) {
    throw new Error(
      `OPA ${OPA_VERSION} is needed to build and test the rules: put opa ${OPA_VERSION} on PATH, ` +
        `or install Go so that it can be built (go install github.com/open-policy-agent/opa@v${OPA_VERSION}).`,
    );
  }
  log(`building opa ${OPA_VERSION} with ${go} into ${cacheDir} (once; takes a few minutes)…`);
  mkdirSync(cacheDir, { recursive: true });
  const res = spawnSync(go, ["install", `github.com/open-policy-agent/opa@v${OPA_VERSION}`], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, GOBIN: cacheDir, CGO_ENABLED: process.env.CGO_ENABLED ?? "0" },
  });
  if (res.status !== 0 || versionOf(cached) !== OPA_VERSION) {
    throw new Error(`go install github.com/open-policy-agent/opa@v${OPA_VERSION} failed (exit ${res.status})`);
  }
  return cached;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let bin;
  try {
    bin = findOpa();
  } catch (e) {
    process.stderr.write(`error: ${e.message}\n`);
    process.exit(2);
  }
  const args = process.argv.slice(2);
  if (args[0] === "--path") {
    process.stdout.write(bin + "\n");
    process.exit(0);
  }
  const res = spawnSync(bin, args, { stdio: "inherit" });
  process.exit(res.status ?? 1);
}
