/**
 * `leastrole generate` prints each distinct warning once: a warning about the whole input came once
 * per generated policy (8,500 of 14,000 lines at 10,000 functions).
 */
import { describe, expect, it } from "vitest";
import { warningLines } from "../../src/cli/commands/generate.js";

const target = (subject: string, ...messages: string[]) => ({ subject, build: { warnings: messages.map((message) => ({ code: "x", message })) } });

describe("generate's warnings on stderr", () => {
  it("a message shared by several policies is one line naming how many and the first; others name their policy", () => {
    const lines = warningLines([
      target("arn:f1", "The input document is partial.", "No calls by f1."),
      target("arn:f2", "The input document is partial."),
      target("arn:f3", "The input document is partial.", "No calls by f3."),
    ]);
    expect(lines).toEqual([
      "leastrole: 3 policies (arn:f1 and 2 more): The input document is partial.",
      "leastrole: arn:f1: No calls by f1.",
      "leastrole: arn:f3: No calls by f3.",
    ]);
  });

  it("a message a policy repeats counts it once, and plain-string warnings are read too", () => {
    expect(warningLines([{ subject: "arn:r", build: { warnings: ["w", "w"] } }])).toEqual(["leastrole: arn:r: w"]);
    expect(warningLines([])).toEqual([]);
  });
});
