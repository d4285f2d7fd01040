/**
 * Whether the terminal report should be coloured, by the conventions users expect:
 * `NO_COLOR` (any non-empty value, https://no-color.org) turns colour off; `FORCE_COLOR` turns it
 * on (`0` or `false` turn it off); otherwise colour only on a terminal that is not `TERM=dumb`.
 * The `--color`/`--no-color` flags of a CLI, when given, win over all of these. Pure: the caller
 * passes the stream's TTY state and the environment.
 */
export function shouldUseColor(options: { isTTY: boolean | undefined; env: { [name: string]: string | undefined }; flag?: boolean }): boolean {
  if (options.flag !== undefined) return options.flag;
  const { env } = options;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined) return !["0", "false"].includes(env.FORCE_COLOR.toLowerCase());
  return options.isTTY === true && env.TERM !== "dumb";
}
