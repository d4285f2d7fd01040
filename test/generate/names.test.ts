import { describe, expect, it } from "vitest";
import { allocateNames } from "../../src/generate/names.js";

// A target named `base` uses `base` (numbered `base_n`) and, when it has a policy, `<name>_p`.
type T = { base: string; kept?: string; policy?: boolean };
const names = (targets: T[]) =>
  allocateNames(
    targets,
    (t) => t.kept !== undefined,
    (t, n, keep) => {
      const id = keep ? t.kept! : n === 1 ? t.base : `${t.base}_${n}`;
      return t.policy ? [id, `${id}_p`] : [id];
    },
  );

describe("allocateNames (one allocator for CloudFormation logical IDs and Terraform resource names)", () => {
  it("kept names are claimed first; the others are numbered around every name given", () => {
    expect(names([{ base: "a" }, { base: "a" }, { base: "x", kept: "a_2" }])).toEqual([["a"], ["a_3"], ["a_2"]]);
  });

  it("a kept name already claimed is not kept, and a policy's name counts as taken", () => {
    expect(names([{ base: "b", kept: "k" }, { base: "c", kept: "k" }, { base: "k", policy: true }])).toEqual([["k"], ["c"], ["k_2", "k_2_p"]]);
    expect(names([{ base: "a", policy: true }, { base: "a_p" }])).toEqual([["a", "a_p"], ["a_p_2"]]);
  });

  it("a candidate the namer refuses (null) is skipped", () => {
    const out = allocateNames([1], () => false, (_t, n) => (n < 3 ? null : [`n${n}`]));
    expect(out).toEqual([["n3"]]);
  });
});
