/**
 * The canonical document as a file: JSON with two-space indentation and a final newline. The
 * document is already sorted, so the same inputs give the same bytes (diffable, hashable).
 */

import type { CanonicalDocument } from "../model/document.js";
import { writeJson } from "./write-json.js";

export function serializeCanonicalDocument(document: CanonicalDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * The same bytes as serializeCanonicalDocument, handed to `write` in pieces: a 10,000-function
 * document with its usage does not fit in one JavaScript string.
 */
export function writeCanonicalDocument(document: CanonicalDocument, write: (s: string) => void): void {
  // Document → section → entity → field: below that, one JSON.stringify per value.
  writeJson(document, write, 4, 2);
  write("\n");
}
