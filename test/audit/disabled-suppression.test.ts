/**
 * A suppression of a rule that rules.disable turns off: it can match nothing, and the diagnostic
 * says why. Before, only "matched no finding", which sent the user looking for a wrong pattern.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { auditDocument, buildDocument } from "../../src/index.js";
import { loadBuiltinPack } from "../../src/evaluate/index.js";

const demo = join(import.meta.dirname, "..", "..", "examples", "demo-account");

describe("a suppression of a disabled rule", () => {
  it("is said to have nothing to suppress because the rule is off, by id or by name on either side", async () => {
    const document = await buildDocument([demo]);
    const lr001 = loadBuiltinPack().catalog.rules.find((r) => r.id === "LR001")!;
    const unused = (disable: string[], rule: string): string[] =>
      auditDocument(document, { disable, suppressions: [{ rule, resource: "no-such-role", reason: "r" }], evaluateWorkers: 0 })
        .diagnostics.filter((d) => d.code === "suppression-unused")
        .map((d) => d.message);
    const said = `suppression of %s on no-such-role matched no finding: rule %s is turned off by rules.disable, so there is nothing to suppress (remove one or the other)`;
    expect(unused(["LR001"], "LR001")).toEqual([said.replaceAll("%s", "LR001")]);
    expect(unused([lr001.name], "LR001")).toEqual([said.replaceAll("%s", "LR001")]);
    expect(unused(["lr001"], lr001.name)).toEqual([said.replaceAll("%s", lr001.name)]);
    // A rule that is not disabled: as before.
    expect(unused(["LR017"], "LR001")).toEqual(["suppression of LR001 on no-such-role matched no finding: check the rule and the resource (a finding on a role is not suppressed by its function's name), or remove it"]);
  });
});
