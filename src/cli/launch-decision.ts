/**
 * Whether the `leastrole` executable (launch.ts) starts the command line again in a Node process
 * with a larger young generation, and with which size. Apart so that it can be tested without
 * launching anything.
 */

/** Commands that read inputs of an account's size. */
const READING_COMMANDS = new Set(["audit", "diff", "generate", "normalize"]);
/** MB per semi-space; the young generation is three of them (two semi-spaces and the large-object space). */
export const SEMI_SPACE_MB = 64;
export const FLAG = "--max-semi-space-size";

export function shouldRelaunch(argv: readonly string[], execArgv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  // The command is the first word that is no option: the program's only option (-q) takes no value.
  const command = argv.find((a) => !a.startsWith("-"));
  if (command === undefined || !READING_COMMANDS.has(command)) return false;
  if (env.LEASTROLE_NO_RELAUNCH !== undefined && env.LEASTROLE_NO_RELAUNCH !== "" && env.LEASTROLE_NO_RELAUNCH !== "0") return false;
  const nodeOptions = (env.NODE_OPTIONS ?? "").split(/\s+/);
  const given = [...execArgv, ...nodeOptions];
  // V8 takes its flags with `-` or `_` between the words.
  if (given.some((a) => a.replace(/_/g, "-").startsWith(FLAG))) return false;
  return !given.some((a) => a.startsWith("--inspect") || a.startsWith("--debug"));
}

