/**
 * Two copies of one export (the same file under two names, or found in two folders given) merge
 * without a word; two exports that really disagree on a role still say so.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";
import { normalize } from "./checked.js";

const IAM = join(packageRoot(), "examples", "demo-account", "iam", "get-account-authorization-details.json");

describe("merging copies of one export", () => {
  it("reads a byte-identical copy of an IAM export as the same records, with no conflict warning", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-merge-copies-"));
    const copy = join(dir, "iam export (copy).json");
    copyFileSync(IAM, copy);
    const { document } = await normalize([IAM, copy]);
    // The demo's roles with inline policies (orders-shared-role, billing-sync-role…) were
    // "differs between" warnings: the inline policies' own source named the other file.
    expect(document.roles.filter((r) => r.inlinePolicies.length > 0).length).toBeGreaterThan(0);
    expect(document.meta.warnings.filter((w) => w.code === "conflicting-records")).toEqual([]);
  });

  it("still warns when a role's inline policy differs between the two", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-merge-copies-"));
    const changed = join(dir, "later.json");
    const text = readFileSync(IAM, "utf8");
    const data = JSON.parse(text) as { RoleDetailList: Array<{ RoleName: string; RolePolicyList: Array<{ PolicyName: string }> }> };
    const role = data.RoleDetailList.find((r) => r.RolePolicyList.length > 0)!;
    role.RolePolicyList[0]!.PolicyName = `${role.RolePolicyList[0]!.PolicyName}-renamed`;
    writeFileSync(changed, JSON.stringify(data));
    const { document } = await normalize([IAM, changed]);
    expect(document.meta.warnings.filter((w) => w.code === "conflicting-records").map((w) => w.message)).toEqual([expect.stringContaining(`role/${role.RoleName} differs between`)]);
  });
});
