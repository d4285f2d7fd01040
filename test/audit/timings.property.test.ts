/**
 * moveTiming (src/audit/timings.ts) moves time from one stage to another, never creating any: the
 * stages still add up to what they added up to. It moves wall milliseconds in the CPU table too,
 * and on a busy machine the source stage's CPU time can be less than the wall time moved: `audit
 * --timings` then listed CPU stages summing to more than the process total (test/bench/scale.test.ts
 * failed under load, 529.4 > 527.7 ms).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AUDIT_STAGES, moveTiming, type StageTimings } from "../../src/audit/timings.js";

const sum = (t: StageTimings): number => Object.values(t).reduce((n, v) => n + (v ?? 0), 0);
const stage = fc.constantFrom(...AUDIT_STAGES);
const stages = fc.dictionary(stage, fc.double({ min: 0, max: 1e4, noNaN: true }));

describe("moveTiming", () => {
  it("keeps the stages' sum and leaves none negative, whatever it is asked to move", () => {
    fc.assert(
      fc.property(stages, stages, stage, stage, fc.double({ min: 0, max: 2e4, noNaN: true }), (wall, cpu, from, to, ms) => {
        const w = { ...wall };
        const c = { ...cpu };
        moveTiming(w, c, from, to, ms);
        expect(sum(w)).toBeCloseTo(sum(wall), 6);
        expect(sum(c)).toBeCloseTo(sum(cpu), 6);
        for (const v of [...Object.values(w), ...Object.values(c)]) expect(v).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it("moves what the source stage holds at most", () => {
    const cpu: StageTimings = { usage: 100, analyze: 50 };
    moveTiming(undefined, cpu, "usage", "analyze", 130);
    expect(cpu).toEqual({ usage: 0, analyze: 150 });
  });
});
