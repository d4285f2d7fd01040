/**
 * A file a collector or the AWS CLI names as an IAM or Lambda output leastrole reads, met in a folder
 * walk, that holds no JSON object: its functions or roles are missing, so the audit must say which
 * file and be partial. Before, it was an info line ("skipped: not a JSON file") and the report read
 * "0 functions", not partial (the bad-input sweep of session 58).
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildDocument } from "../../src/audit/build-document.js";

const demo = join(import.meta.dirname, "../../examples/demo-account");
const LIST_FUNCTIONS = "lambda/us-east-1/list-functions.json";

describe("an IAM or Lambda export that holds no JSON object, met in a folder", () => {
  for (const [what, content, says] of [
    ["emptied (0 bytes)", "", "empty file"],
    ["only white space", " \n\t\n", "empty file"],
    ["JSON null (a script that printed an empty result)", "null\n", "JSON null alone"],
    ["the AWS CLI's --output yaml", "Functions:\n- FunctionName: orders-api\n  Runtime: python3.12\n", "YAML"],
  ] as const) {
    it(`${what}: a warning naming the file and what it is, the document partial`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "lr-export-not-read-"));
      try {
        cpSync(demo, dir, { recursive: true });
        writeFileSync(join(dir, LIST_FUNCTIONS), content);
        const doc = await buildDocument([dir], { asOf: "2026-11-28T00:00:00Z" });
        const warnings = doc.meta.warnings.filter((w) => w.file === join(dir, LIST_FUNCTIONS));
        expect(warnings.map((w) => [w.code, w.severity])).toEqual([["export-not-read", "warning"]]);
        expect(warnings[0]?.message).toContain(says);
        expect(warnings[0]?.message).toContain("lambda list-functions");
        expect(doc.meta.partial).toBe(true);
        expect(doc.functions).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it("an Access Advisor report where `leastrole collect` writes them (iam/access-advisor/<role>.json), emptied: the same", async () => {
    // An `aws iam get-service-last-accessed-details … > file` that failed leaves an empty file:
    // it was an info line ("skipped: not a JSON file"), the usage whole (the sweep of session 59).
    const dir = mkdtempSync(join(tmpdir(), "lr-export-not-read-"));
    try {
      cpSync(demo, dir, { recursive: true });
      const file = join(dir, "iam/access-advisor/reports-role.json");
      mkdirSync(join(dir, "iam/access-advisor"));
      writeFileSync(file, "");
      const doc = await buildDocument([dir], { asOf: "2026-11-28T00:00:00Z" });
      const warnings = doc.meta.warnings.filter((w) => w.file === file);
      expect(warnings.map((w) => [w.code, w.severity, w.message])).toEqual([
        ["export-not-read", "warning", "not read: empty file (no bytes, or only white space), where the output of iam get-service-last-accessed-details was expected (by its name or folder); what it should hold is missing"],
      ]);
      expect(doc.meta.partial).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the same file intact: read, and the document whole", async () => {
    const doc = await buildDocument([demo], { asOf: "2026-11-28T00:00:00Z" });
    expect(doc.functions.length).toBeGreaterThan(0);
    expect(doc.meta.warnings.some((w) => w.code === "export-not-read")).toBe(false);
  });
});
