/**
 * A normalize output given beside the files it was made from: its records carry their files'
 * places, so a record that differs from its file's own was said to differ "between X and X". Now
 * the message says one side is the canonical document's copy (the bad-input sweep of session 58).
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { normalize } from "../../src/audit/normalize-paths.js";

const demo = join(import.meta.dirname, "../../examples/demo-account");

describe("a canonical document beside its own inputs", () => {
  it("a record that differs from its file's is said to differ from the document's copy, never from itself", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-own-output-"));
    try {
      cpSync(demo, dir, { recursive: true });
      const made = (await normalize([dir])).document;
      writeFileSync(join(dir, "doc.json"), JSON.stringify(made));
      const again = (await normalize([dir])).document;
      expect(again.functions.map((f) => f.arn)).toEqual(made.functions.map((f) => f.arn));
      const messages = again.meta.warnings.filter((w) => w.code === "conflicting-records").map((w) => w.message);
      for (const m of messages) {
        const same = /differs between (.+) and (.+); kept/.exec(m);
        expect(same?.[1], m).not.toBe(same?.[2]);
      }
      expect(messages.length).toBeGreaterThan(0);
      expect(messages.every((m) => m.includes("a canonical document's copy of it"))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
