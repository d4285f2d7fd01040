/**
 * The OPA CLI that compiling a folder of .rego uses: a path the user named (LEASTROLE_OPA, or the
 * argument) that does not run is said by that path. Before: "none was found", as if nothing had
 * been set (the bad-input sweep of session 58).
 */
import { describe, expect, it } from "vitest";
import { findOpaBinary } from "../../src/evaluate/opa-binary.js";

describe("findOpaBinary", () => {
  it("names the path given when it does not run: no such file, or not an OPA", () => {
    expect(() => findOpaBinary("/nonexistent/opa")).toThrow("/nonexistent/opa (the OPA given) is not an OPA CLI that runs here: `/nonexistent/opa version` cannot run: no such file");
    expect(() => findOpaBinary("/bin/false")).toThrow("/bin/false (the OPA given) is not an OPA CLI that runs here: `/bin/false version` failed or printed no version");
  });

  it("says LEASTROLE_OPA when it is the variable that names it", () => {
    const saved = process.env.LEASTROLE_OPA;
    process.env.LEASTROLE_OPA = "/nonexistent/opa";
    try {
      expect(() => findOpaBinary()).toThrow(/\/nonexistent\/opa \(LEASTROLE_OPA\) is not an OPA CLI that runs here/);
    } finally {
      if (saved === undefined) delete process.env.LEASTROLE_OPA;
      else process.env.LEASTROLE_OPA = saved;
    }
  });
});
