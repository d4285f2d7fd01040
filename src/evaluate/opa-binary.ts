/**
 * Locating an `opa` binary at run time, for compiling a user's folder of .rego files. Users of the
 * built-in rules never need one. Unlike scripts/opa.mjs (for developers), this never builds OPA:
 * it takes $LEASTROLE_OPA or `opa` on PATH, and says how to get one otherwise.
 */

import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { RulePackError } from "../errors.js";
import { packageRoot } from "./locate.js";

export interface OpaBinary {
  path: string;
  version: string;
}

function versionOf(bin: string): string | null {
  try {
    const out = execFileSync(bin, ["version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    return /^Version:\s*(\S+)/m.exec(out)?.[1] ?? null;
  } catch {
    return null;
  }
}

export function findOpaBinary(explicit?: string): OpaBinary {
  const candidates: string[] = [];
  if (explicit) candidates.push(explicit);
  else if (process.env.LEASTROLE_OPA) candidates.push(process.env.LEASTROLE_OPA);
  else {
    for (const dir of (process.env.PATH ?? "").split(delimiter)) {
      if (dir && existsSync(join(dir, "opa"))) candidates.push(join(dir, "opa"));
    }
  }
  for (const path of candidates) {
    const version = versionOf(path);
    if (!version) continue;
    const major = Number.parseInt(version.split(".")[0] ?? "0", 10);
    if (major < 1) {
      throw new RulePackError(`${path} is OPA ${version}; compiling rules needs OPA 1.x (Rego v1 syntax)`);
    }
    return { path, version };
  }
  // The OPA named (an argument or LEASTROLE_OPA) is the one meant: said by its path, not as if
  // nothing had been given ("none was found" sent users looking at PATH).
  const named = explicit ?? process.env.LEASTROLE_OPA;
  if (named) {
    throw new RulePackError(`${named} (${explicit ? "the OPA given" : "LEASTROLE_OPA"}) is not an OPA CLI that runs here: \`${named} version\` ${existsSync(named) ? "failed or printed no version" : "cannot run: no such file"}; point it at the opa binary (1.x), or unset it to use \`opa\` on PATH`);
  }
  throw new RulePackError(
    "compiling a folder of .rego files needs the OPA CLI (1.x), and none was found: install it " +
      "(https://www.openpolicyagent.org/docs/#running-opa) and put `opa` on PATH or set LEASTROLE_OPA, " +
      // The installed copy's path: a bare docs/… meant nothing in a user's own project.
      `or pass a pack built where opa is (\`leastrole build-rules\`, or \`opa build\` with leastrole's entrypoint: ${join(packageRoot(), "docs", "writing-rules.md")})`,
  );
}
