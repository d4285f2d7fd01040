/**
 * `--rules <pack>`, shared by every command that takes rule packs: one pack per flag, repeated for
 * more (`--rules a --rules b`). Not variadic: `--rules <pack...>` took every argument after it, so
 * `audit iam lambda --rules org cloudtrail` compiled the CloudTrail folder as a second pack and
 * audited without usage, and `audit --rules org demo` left no inputs at all.
 */

import { loadRulePack, packKey, uniquePacks, type RulePack } from "../evaluate/pack.js";
import { RulePackError } from "../errors.js";
import { configDisplayPath } from "../config/display.js";

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

/**
 * extraPackSpecs loaded. A pack the config names that cannot be loaded (a typo, a folder not
 * checked out) is named as the config has it, with the config file: the error gave the absolute
 * path loadConfig resolved it to (`/home/runner/work/app/app/rules/org: rule pack not found`),
 * which did not say that it came from the config, nor which entry to fix.
 */
export function loadExtraPacks(specs: ReadonlyArray<string | RulePack>, config: { packs?: readonly string[] | undefined; file?: string | undefined } = {}): RulePack[] {
  return specs.map((spec) => {
    if (typeof spec !== "string") return spec;
    try {
      return loadRulePack(spec);
    } catch (e) {
      const index = config.packs?.indexOf(spec) ?? -1;
      if (!(e instanceof RulePackError) || index < 0) throw e;
      const shown = configDisplayPath(spec);
      // The config file as given (--config) or as found (relative), as loadConfig's errors name it.
      const where = `rules.packs[${index}] of ${config.file ?? "the config"}`;
      const message = e.message.startsWith(`${spec}: `) ? `${shown}: ${e.message.slice(spec.length + 2)}` : e.message;
      const file = e.file === spec ? shown : e.file;
      throw new RulePackError(`${message} (${where})`, { ...(file !== undefined ? { file } : {}), ...(e.path !== undefined ? { path: e.path } : {}), cause: e.cause });
    }
  });
}
