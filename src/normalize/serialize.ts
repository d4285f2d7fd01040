/**
 * The canonical document as a file: JSON with two-space indentation and a final newline. The
 * document is already sorted, so the same inputs give the same bytes (diffable, hashable).
 */

import type { CanonicalDocument } from "../model/document.js";

export function serializeCanonicalDocument(document: CanonicalDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
