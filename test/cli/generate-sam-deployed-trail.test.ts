/**
 * `leastrole generate` on a SAM template with the CloudTrail logs of its deployed stack: the role
 * SAM makes has no RoleName, so CloudFormation names it at deployment
 * (`shop-CatalogReaderRole-1A2B3C4D5E6F`) and the logs name a role the template read does not
 * (`CatalogReaderRole`). The usage stage matches the deployed name to the template's
 * (src/usage/deployed-names.ts); when it cannot, the warning says where the calls are.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const cli = join(packageRoot(), "dist", "cli.js");
const fixture = join(packageRoot(), "test", "fixtures", "sam-deployed-trail");

interface Target {
  policy: { Statement: { Sid: string; Action: string[] }[] };
  warnings: { code: string; message: string }[];
}

function generate(...args: string[]): Target {
  const r = spawnSync(process.execPath, [cli, "generate", fixture, "--account-id", "123456789012", "--region", "eu-west-1", ...args], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as Target[])[0] as Target;
}

describe("generate from a SAM template and its deployed stack's CloudTrail", () => {
  it("attributes the calls on the role CloudFormation named (shop-CatalogReaderRole-…) to the function", () => {
    // Before: "No calls by catalog-reader in the usage data", and a policy of requirements alone.
    const target = generate();
    expect(target.warnings.find((x) => x.code === "no-usage-for-function")).toBeUndefined();
    expect(target.policy.Statement.filter((s) => s.Sid.includes("Observed")).flatMap((s) => s.Action)).toContain("dynamodb:Query");
  });

  it("read as another stack, says the function's calls are on the role CloudFormation named, and what to give instead", () => {
    const target = generate("--stack-name", "orders");
    const w = target.warnings.find((x) => x.code === "no-usage-for-function");
    expect(w?.message).toContain(
      "The usage holds calls by a session named catalog-reader on another role: arn:aws:iam::123456789012:role/shop-CatalogReaderRole-1A2B3C4D5E6F (2 calls).",
    );
    expect(w?.message).toContain("The template leaves CloudFormation to name the function's role orders-CatalogReaderRole at deployment (as <stack>-<LogicalId>-<suffix>)");
    expect(w?.message).toContain("give the right --stack-name, or the account's export (leastrole collect) with the logs instead of the template");
  });
});
