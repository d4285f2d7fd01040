/** Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org) or output goes to a file. */
export function useColor(output?: string): boolean {
  if (output && output !== "-") return false;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "") return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== "0") return true;
  return process.stdout.isTTY === true && process.env.TERM !== "dumb";
}
