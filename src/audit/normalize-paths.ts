/**
 * The SDK's `normalize`: files and folders (or fragments already read) → the canonical document,
 * without usage or analysis. Paths are read the way every CLI command and buildDocument read them
 * (routeInputs, readAccountInputs): the same source readers, and `leastrole collect` manifests
 * taken into account. It once read paths with readSources alone, so a collection's manifest was
 * an unrecognised file: no collection ever made an account's functionCoverage complete through
 * the SDK, while the CLI's document from the same folder was complete.
 */

import { InputError } from "../errors.js";
import type { Warning } from "../model/document.js";
import { normalizeFragments, type NormalizeOptions, type NormalizeResult } from "../normalize/index.js";
import type { SourceFragment } from "../sources/types.js";
import { readAccountInputs } from "./build-document.js";
import { checkPathList, routeInputs } from "./route-inputs.js";

/**
 * Paths, or fragments. A path that does not exist is an InputError naming it (as in the CLI). Activity
 * data among the inputs (CloudTrail, Access Advisor, Access Analyzer, usage query rows) is not read
 * here: an info warning per file says so (buildDocument and audit read it; `options.usage` takes usage
 * already read).
 */
export async function normalize(inputs: readonly string[] | readonly SourceFragment[], options: NormalizeOptions = {}): Promise<NormalizeResult> {
  if (!Array.isArray(inputs)) checkPathList(inputs, "normalize's inputs");
  if (!inputs.every((i) => typeof i === "string")) {
    if (inputs.some((i) => typeof i === "string")) throw new InputError("normalize takes either paths or fragments, not a mix");
    return normalizeFragments(inputs as readonly SourceFragment[], options, []);
  }
  const routed = await routeInputs([...(inputs as readonly string[])]);
  const read = await readAccountInputs(routed);
  const notRead: Warning[] = routed.usage.map((file) => ({
    code: "input-not-used",
    severity: "info",
    file,
    message: "skipped: activity data (CloudTrail, Access Advisor, Access Analyzer), read by buildDocument and audit, not by normalize (options.usage takes usage already read)",
  }));
  // Not read here either, but could not be read at all: said as the error it is.
  for (const u of routed.unreadUsage) notRead.push({ code: "unreadable-file", severity: u.named === true ? "error" : "warning", file: u.path, message: u.message });
  const collections = [...(options.collections ?? []), ...(read.options.collections ?? [])];
  return normalizeFragments(
    read.fragments,
    { ...read.options, ...options, ...(collections.length > 0 ? { collections } : {}) },
    [...routed.warnings, ...read.warnings, ...notRead],
  );
}
