/**
 * `--rules <pack>`, shared by every command that takes rule packs: one pack per flag, repeated for
 * more (`--rules a --rules b`). Not variadic: `--rules <pack...>` took every argument after it, so
 * `audit iam lambda --rules org cloudtrail` compiled the CloudTrail folder as a second pack and
 * audited without usage, and `audit --rules org demo` left no inputs at all.
 */

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Arguments of `command.option(...)`: `.option(...rulesOption("also run this rule pack"))`. */
export function rulesOption(description: string): [string, string, (value: string, previous: string[] | undefined) => string[]] {
  return ["--rules <pack>", `${description} (.wasm, OPA bundle .tar.gz, or a folder of .rego); repeat for more packs`, collect];
}
