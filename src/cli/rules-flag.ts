/**
 * `--rules <pack>`, shared by every command that takes rule packs: one pack per flag, repeated for
 * more (`--rules a --rules b`). Not variadic: `--rules <pack...>` took every argument after it, so
 * `audit iam lambda --rules org cloudtrail` compiled the CloudTrail folder as a second pack and
 * audited without usage, and `audit --rules org demo` left no inputs at all.
 */

import { packKey, uniquePacks, type RulePack } from "../evaluate/pack.js";

/** An option's parser that makes it repeatable, one value a flag (`--rules`, diff's `--before`/`--after`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Arguments of `command.option(...)`: `.option(...rulesOption("also run this rule pack"))`. */
export function rulesOption(description: string): [string, string, (value: string, previous: string[] | undefined) => string[]] {
  return ["--rules <pack>", `${description} (.wasm, OPA bundle .tar.gz, or a folder of .rego); repeat for more packs`, collect];
}

/**
 * The packs a command runs beside the built-in one: the config file's, then the flags', each once
 * (the same file through another path, or the built-in pack named, is not run twice).
 */
export function extraPackSpecs<T extends string | RulePack>(fromConfig: readonly T[] | undefined, flags: readonly string[] | undefined): Array<T | string> {
  return uniquePacks<T | string>([...(fromConfig ?? []), ...(flags ?? [])]).filter((s) => packKey(s) !== "builtin");
}
