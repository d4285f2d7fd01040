/** How much wasm memory a rule pack instance starts with (evaluator.ts and the slice worker). */

/**
 * Wasm memory the evaluation of an input of this size will need. Starting with enough matters: the
 * module grows its memory step by step, and each step may copy it. Measured on the analysed
 * 10,000-function document (54 MB of JSON, 17 rules): starting at 10× the input the evaluation took
 * 6.6 s, at 30× 3.5 s, with the same peak RSS (pages never touched are never resident). Capped at
 * 3 GiB: wasm32 memory ends at 4 GiB.
 */
const MEMORY_FACTOR = 30;
const MAX_INITIAL_PAGES = 49_152;

export function pagesFor(inputBytes: number, dataBytes: number): number {
  return Math.min(MAX_INITIAL_PAGES, Math.ceil((MEMORY_FACTOR * (inputBytes + dataBytes) + (1 << 20)) / 65536));
}

