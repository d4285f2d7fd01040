/**
 * LR002, LR003 and LR015 count what a statement grants the role, after the role's Deny statements
 * on every resource and its permissions boundary (as LR004 and LR021 do), through the real
 * pipeline (export → facts → analysis → compiled pack). The shapes are real ones: `Allow *` fenced
 * by a `Deny NotAction` allow-list (the SCP-like pattern), a wildcard a Deny takes back whole.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { audit } from "../../src/index.js";
import { exportRole, writeExport } from "../support/authorization-details.js";

const work = mkdtempSync(join(tmpdir(), "leastrole-blocked-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Statement = { Effect: "Allow" | "Deny"; Action?: string | string[]; NotAction?: string | string[]; Resource: string | string[] };
const doc = (...Statement: Statement[]) => ({ Version: "2012-10-17", Statement });

async function findingsOf(roles: unknown[]) {
  const { report } = await audit([writeExport(work, roles, [])]);
  return report.findings.filter((f) => ["LR002", "LR003", "LR015"].includes(f.ruleId)).map((f) => ({ rule: f.ruleId, role: f.resource.name, severity: f.severity, message: f.message }));
}

describe("grants within the role's Deny statements and boundary", () => {
  it("Allow * fenced by Deny NotAction: not every action, one step lower, and what is left", async () => {
    const fenced = await findingsOf([
      exportRole("fenced", { inline: [doc({ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", NotAction: ["s3:*", "logs:*", "dynamodb:*"], Resource: "*" })] }),
      exportRole("open", { inline: [doc({ Effect: "Allow", Action: "*", Resource: "*" })] }),
    ]);
    const lr002 = fenced.filter((f) => f.rule === "LR002").sort((a, b) => a.role.localeCompare(b.role));
    expect(lr002.map((f) => [f.role, f.severity])).toEqual([
      ["fenced", "high"],
      ["open", "critical"],
    ]);
    expect(lr002[0]!.message).toMatch(/^Role fenced: inline:inline-0 Statement\[0\] allows every action \(`\*`\); the role's Deny statements or permissions boundary block \d+ of its actions, leaving \d+ \(dynamodb, logs, s3\)$/);
  });

  it("a wildcard a Deny takes back whole is no finding; a NotAction Allow counts only what is left", async () => {
    const found = await findingsOf([
      exportRole("taken-back", { inline: [doc({ Effect: "Allow", Action: "iam:*Policy*", Resource: "*" }, { Effect: "Allow", Action: "logs:PutLogEvents", Resource: "*" }, { Effect: "Deny", Action: "iam:*policy*", Resource: "*" })] }),
      exportRole("not-action", { inline: [doc({ Effect: "Allow", NotAction: ["iam:*", "organizations:*"], Resource: "arn:aws:s3:::app-bucket/*" }, { Effect: "Deny", NotAction: ["s3:GetObject", "logs:*"], Resource: "*" })] }),
    ]);
    expect(found.filter((f) => f.role === "taken-back" && f.message.includes("iam:"))).toEqual([]);
    // Left: s3:GetObject and the logs actions (the Deny's NotAction), out of ~22,000.
    const lr015 = found.filter((f) => f.rule === "LR015");
    expect(lr015.map((f) => f.message)).toEqual([expect.stringMatching(/^Role not-action: inline:inline-0 Statement\[0\] is an Allow with NotAction \(grants \d+ actions the role may use; its Deny statements or permissions boundary block \d+ more\)$/)]);
    const left = Number(/grants (\d+) actions/.exec(lr015[0]!.message)?.[1]);
    expect(left).toBeGreaterThan(1);
    expect(left).toBeLessThan(300);
  });
});
