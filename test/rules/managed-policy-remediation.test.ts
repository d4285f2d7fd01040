/**
 * LR004 and LR021 are reported on execution roles, and a role that trusts Lambda is one whether or
 * not a function uses it: their remediation fits both. Before, it said "with only the actions and
 * resources the function uses" on a role no function used (the CloudGoat plan's debug role, an
 * export's leftover role), where there is no function and nothing to generate from.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { audit } from "../../src/index.js";
import { exportRole, writeExport } from "../support/authorization-details.js";

const work = mkdtempSync(join(tmpdir(), "leastrole-managed-remediation-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const aws = (name: string) => `arn:aws:iam::aws:policy/${name}`;

describe("the remediation of LR004 and LR021 on a role no function uses", () => {
  it("says what to do with such a role (delete it, or leave it without the policy), and still how to right-size a used one", async () => {
    const file = writeExport(work, [exportRole("leftover", { managed: [aws("AdministratorAccess"), aws("AmazonVPCFullAccess")] })]);
    const { report } = await audit([file]);
    const byRule = new Map(report.findings.filter((f) => f.resource.name === "leftover" && (f.ruleId === "LR004" || f.ruleId === "LR021")).map((f) => [f.ruleId, f.remediation]));
    expect([...byRule.keys()].sort()).toEqual(["LR004", "LR021"]);
    for (const remediation of byRule.values()) {
      expect(remediation).not.toMatch(/the function uses/);
      expect(remediation.replace(/\s+/g, " ")).toContain("a role that no function uses needs none: delete the role, or leave it without the policy until a function uses it");
      expect(remediation.replace(/\s+/g, " ")).toContain("For a role that functions run with, attach a customer managed or inline policy");
    }
  });
});
