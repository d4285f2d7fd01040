/**
 * `leastrole generate` on a SAM template with the CloudTrail logs of its deployed stack: the role
 * SAM makes has no RoleName, so CloudFormation names it at deployment
 * (`shop-CatalogReaderRole-1A2B3C4D5E6F`) and the logs name a role the template read does not
 * (`CatalogReaderRole`). The calls cannot be attributed; the warning must say where they are.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const cli = join(packageRoot(), "dist", "cli.js");
const fixture = join(packageRoot(), "test", "fixtures", "sam-deployed-trail");

describe("generate from a SAM template and its deployed stack's CloudTrail", () => {
  it("says the function's calls are on the role CloudFormation named, and what to give instead", () => {
    const r = spawnSync(process.execPath, [cli, "generate", fixture, "--account-id", "123456789012", "--region", "eu-west-1"], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const [target] = JSON.parse(r.stdout) as { warnings: { code: string; message: string }[] }[];
    const w = target!.warnings.find((x) => x.code === "no-usage-for-function");
    // Before: "No calls by catalog-reader in the usage data (…)", and nothing about the two Query
    // calls of session catalog-reader on the deployed role: a policy of requirements alone, no hint why.
    expect(w?.message).toContain(
      "The usage holds calls by a session named catalog-reader on another role: arn:aws:iam::123456789012:role/shop-CatalogReaderRole-1A2B3C4D5E6F (2 calls).",
    );
    expect(w?.message).toContain("The template leaves CloudFormation to name the function's role CatalogReaderRole at deployment (as <stack>-CatalogReaderRole-<suffix>)");
    expect(r.stderr).toContain("give the account's export (leastrole collect) with the logs instead of the template");
  });
});
