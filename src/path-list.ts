import { InputError } from "./errors.js";

/**
 * The SDK's list of paths is a list of strings. A string alone was read one character at a time
 * (`audit("./export")` read `.`, `/`, `e`…, and from `/` walked the whole disk; so did
 * `readUsage("./logs")`), and `undefined`
 * failed with "paths is not iterable": JavaScript callers have no types to tell them.
 */
export function checkPathList(paths: unknown, caller: string): asserts paths is string[] {
  const what = typeof paths === "string" ? `a string (${JSON.stringify(paths)}): give [${JSON.stringify(paths)}]` : paths === null ? "null" : Array.isArray(paths) ? "" : typeof paths;
  if (what !== "") throw new InputError(`${caller} must be an array of paths, not ${what}`);
  const bad = (paths as unknown[]).findIndex((p) => typeof p !== "string" || p === "");
  if (bad >= 0) throw new InputError(`${caller}: item ${bad} is ${JSON.stringify((paths as unknown[])[bad]) ?? "undefined"}, not a path`);
}
