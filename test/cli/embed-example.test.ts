/** The embedding example in examples/embed-custom-rule runs as documented, and its Rego tests pass. */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";
import { pinnedOpa } from "../support/opa.js";

const root = packageRoot();
const example = join(root, "examples", "embed-custom-rule");

describe("examples/embed-custom-rule", () => {
  it("its rule's own tests pass under opa test", () => {
    expect(execFileSync(pinnedOpa(), ["test", join(example, "rules")], { encoding: "utf8" })).toMatch(/PASS: 2\/2/);
  });

  it("embeds the evaluator with the custom rule beside the built-in pack, suppression applied", () => {
    const out = execFileSync(process.execPath, [join(example, "embed.mjs")], { cwd: root, encoding: "utf8", env: { ...process.env, LEASTROLE_OPA: pinnedOpa() } });
    const lines = out.trim().split("\n");
    expect(lines.filter((l) => l.startsWith("ACME001 "))).toHaveLength(5);
    expect(out).toContain("ACME001 image-resizer: Function image-resizer has no owner tag (suppressed: owned by the media team, tag pending)");
    const summary = JSON.parse(lines.at(-1)!) as { findings: number; diagnostics: number; bySeverity: Record<string, number> };
    expect(summary.diagnostics).toBe(0);
    expect(summary.bySeverity.critical).toBeGreaterThan(0);
  });
});
