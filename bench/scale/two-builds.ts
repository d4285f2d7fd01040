/**
 * The command line shared by the scripts that compare two builds' audits (pairs.ts by time,
 * instructions.ts by instructions executed): `--base <checkout>` (required), `--head <checkout>`
 * (default: this one), `--input <dir>`, each checkout built (dist/cli.js), the input there.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { packageRoot } from "../../src/evaluate/locate.js";

export interface TwoBuilds {
  /** The value after `--<name>`, or `def`; throws when it is absent and has no default. */
  arg(name: string, def?: string): string;
  root: string;
  base: string;
  head: string;
  input: string;
}

/** `defaultInput`: the input's folder under bench/out/scale when no `--input` is given. */
export function twoBuildsArgs(args: readonly string[], defaultInput: string): TwoBuilds {
  const arg = (name: string, def?: string): string => {
    const i = args.indexOf(`--${name}`);
    if (i === -1) {
      if (def === undefined) throw new Error(`--${name} is required`);
      return def;
    }
    return args[i + 1] as string;
  };
  const root = packageRoot();
  const base = resolve(arg("base"));
  const head = resolve(arg("head", root));
  const input = resolve(arg("input", join(root, "bench", "out", "scale", defaultInput, "input")));
  for (const dir of [base, head]) if (!existsSync(join(dir, "dist", "cli.js"))) throw new Error(`${dir}: no dist/cli.js (npm run build there)`);
  if (!existsSync(input)) throw new Error(`${input}: no such input (bench/scale/run.ts or generate.ts writes it)`);
  return { arg, root, base, head, input };
}
