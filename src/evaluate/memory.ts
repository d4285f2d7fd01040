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

/**
 * Rounded up to a power of two, so that the inputs of one audit (the built-in pack's slices, a few
 * MB each and within ±15% of each other) are all evaluated by the instance made for the first one.
 * Why: an instance remade for a slightly larger slice is a new memory of 30× its input, and V8
 * counts a new memory's whole size as external memory, answered with a full mark-compact of the
 * audit's heap: at 10,000 functions the calling thread remade its instance 3 times, and the
 * evaluations overlapping those collections took 600–750 ms instead of 140–160 (session 6).
 * The larger reservation costs nothing resident: pages never touched are never mapped.
 */
export function pagesFor(inputBytes: number, dataBytes: number): number {
  const needed = Math.ceil((MEMORY_FACTOR * (inputBytes + dataBytes) + (1 << 20)) / 65536);
  return Math.min(MAX_INITIAL_PAGES, 2 ** Math.ceil(Math.log2(needed)));
}

