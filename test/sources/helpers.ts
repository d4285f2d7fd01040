import { readSourceBytes } from "../../src/sources/read-sources.js";
import type { PathContext, SourceFragment } from "../../src/sources/types.js";
import type { Warning } from "../../src/model/document.js";

/** Read one in-memory JSON value (or raw text) through the same path as a file: detection, reader. */
export function readValue(file: string, value: unknown, context?: PathContext): { fragment: SourceFragment | null; warnings: Warning[] } {
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  return readSourceBytes(file, text, { explicit: true, ...(context ? { context } : {}) });
}

/** readValue for a file met in a folder walk, not named by the user. */
export function readWalked(file: string, value: unknown, context?: PathContext): { fragment: SourceFragment | null; warnings: Warning[] } {
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  return readSourceBytes(file, text, { explicit: false, ...(context ? { context } : {}) });
}

export function mustRead(file: string, value: unknown, context?: PathContext): SourceFragment {
  const { fragment, warnings } = readValue(file, value, context);
  if (!fragment) throw new Error(`not read: ${JSON.stringify(warnings)}`);
  return fragment;
}
