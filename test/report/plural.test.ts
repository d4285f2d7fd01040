import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { plural } from "../../src/printable.js";

describe("plural", () => {
  it("one of a thing is singular; none and many are plural", () => {
    expect(plural(1, "function")).toBe("1 function");
    expect(plural(0, "finding")).toBe("0 findings");
    expect(plural(2, "policy", "policies")).toBe("2 policies");
    expect(plural(12345, "record", "records", (n) => n.toLocaleString("en-US"))).toBe("12,345 records");
  });

  it("always the number first, then the singular exactly when the number is 1", () => {
    fc.assert(
      fc.property(fc.nat(), (n) => {
        const s = plural(n, "call");
        expect(s).toBe(n === 1 ? "1 call" : `${n} calls`);
      }),
    );
  });
});
