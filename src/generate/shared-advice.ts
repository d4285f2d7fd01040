/**
 * Advice the same for several roles of one output (a warning's `advice`: where the logs stand and
 * what to do about it, the end of its message), said once where the whole output is read as one
 * (the Terraform file's top, the Markdown comment's top), naming the roles; under each role only
 * its own part. Before, each role's block repeated it in full (four times on examples/demo-account).
 * `generate --format cloudformation` says it in its header (render-cloudformation.ts).
 */

import type { GenerationWarning } from "./types.js";

export interface SharedAdvice {
  code: string;
  advice: string;
  /** Whose warnings end with it, sorted, without duplicates. */
  names: string[];
}

/** A warning's message without its shared advice ("" when the message is the advice alone). */
export function ownPart(w: GenerationWarning): string {
  return w.advice !== undefined && w.message.endsWith(w.advice) ? w.message.slice(0, w.message.length - w.advice.length).trim() : w.message;
}

/** The advice the targets' warnings end with, in the order first met, each with the names of its targets. */
export function sharedAdviceOf<T extends { warnings: readonly GenerationWarning[] }>(targets: readonly T[], nameOf: (t: T) => string): SharedAdvice[] {
  const shared = new Map<string, SharedAdvice>();
  for (const t of targets) {
    for (const w of t.warnings) {
      if (ownPart(w) === w.message) continue;
      const key = `${w.code}\u0000${w.advice as string}`;
      const s = shared.get(key) ?? { code: w.code, advice: w.advice as string, names: [] };
      const name = nameOf(t);
      if (!s.names.includes(name)) s.names.push(name);
      shared.set(key, s);
    }
  }
  return [...shared.values()].map((s) => ({ ...s, names: [...s.names].sort() }));
}
