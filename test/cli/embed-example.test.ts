/** The embedding example in examples/embed-custom-rule runs as documented, and its Rego tests pass. */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
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

  it("exits 2 naming the pack when one of its rules fails while it runs (it printed its counts and exited 0)", () => {
    // A copy of the example whose rules folder holds a rule with two values for one complete rule.
    const copy = mkdtempSync(join(tmpdir(), "lr-embed-"));
    cpSync(example, copy, { recursive: true });
    writeFileSync(
      join(copy, "rules", "conflict.rego"),
      [
        "# METADATA",
        "# title: Conflicting rule",
        "# custom:",
        "#   id: ACME900",
        "#   name: conflicting-rule",
        "#   severity: high",
        "package leastrole.rules.conflict",
        "",
        "x := 1 if count(input.functions) > 0",
        "x := 2 if count(input.roles) > 0",
        "",
        "findings contains finding if {",
        "\tsome fn in input.functions",
        '\tfinding := {"resource": {"type": "function", "arn": fn.arn, "name": fn.name}, "message": sprintf("%v", [x])}',
        "}",
        "",
      ].join("\n"),
    );
    // The example imports "leastrole": resolved from the copy through a node_modules link to this package.
    mkdirSync(join(copy, "node_modules"));
    symlinkSync(root, join(copy, "node_modules", "leastrole"), "dir");
    const script = join(copy, "embed.mjs");
    writeFileSync(script, readFileSync(script, "utf8").replace('join(here, "..", "demo-account")', JSON.stringify(join(example, "..", "demo-account"))));
    try {
      const r = spawnSync(process.execPath, [script], { cwd: root, encoding: "utf8", env: { ...process.env, LEASTROLE_OPA: pinnedOpa() } });
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(`rule packs failed: ${join(copy, "rules")}`);
      expect(r.stderr).toContain("evaluation-failed: evaluation aborted:");
      expect(r.stderr).toContain("var assignment conflict");
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
