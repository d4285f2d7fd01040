/**
 * The wasm memory a rule pack instance starts with (src/evaluate/memory.ts): enough for the input,
 * a power of two so that inputs of about one size share an instance, and never past wasm32's reach.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pagesFor } from "../../src/evaluate/memory.js";

describe("pagesFor", () => {
  it("gives a power of two of at least 30× the input, capped at 3 GiB", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 << 20 }), fc.integer({ min: 0, max: 1 << 20 }), (input, data) => {
        const pages = pagesFor(input, data);
        const needed = (30 * (input + data) + (1 << 20)) / 65536;
        expect(pages).toBeLessThanOrEqual(49_152);
        if (pages < 49_152) {
          expect(Number.isInteger(Math.log2(pages))).toBe(true);
          expect(pages).toBeGreaterThanOrEqual(needed);
          expect(pages).toBeLessThan(2 * needed);
        }
      }),
    );
  });

  it("sizes the built-in pack's slices of one 10,000-function audit alike (4.8–5.5 MB: one instance)", () => {
    const sizes = [4_791_805, 4_904_988, 5_129_945, 5_296_997, 5_466_652];
    expect(new Set(sizes.map((s) => pagesFor(s, 2_000))).size).toBe(1);
  });
});
