/**
 * A SAM template read with the CloudTrail logs of the stacks it deployed: CloudFormation names the
 * roles SAM makes `<stack>-<LogicalId>-<suffix>`, and a function without FunctionName the same way
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html). The
 * template read names them `CatalogReaderRole` (or `orders-prod-CatalogReaderRole` with
 * --stack-name), so before, no call of the logs was the template's functions': generate wrote
 * policies of requirements alone, and the audit called every granted action unused.
 *
 * The fixture (test/fixtures/sam-generated-names, SOURCE.md): CatalogReader (no FunctionName) and
 * OrderWriter (FunctionName order-writer), deployed as orders-prod in eu-west-1 and orders-dev in
 * eu-central-1 of one account.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const cli = join(packageRoot(), "dist", "cli.js");
const fixture = join(packageRoot(), "test", "fixtures", "sam-generated-names");
const template = join(fixture, "template.yaml");
const prod = join(fixture, "prod");
const dev = join(fixture, "dev");

interface Target {
  functionName: string;
  policy: { Statement: { Sid: string; Action: string[]; Resource: string[] }[] };
  warnings: { code: string; message: string }[];
}

function generate(...args: string[]): { targets: Target[]; stderr: string } {
  const r = spawnSync(process.execPath, [cli, "generate", template, ...args], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return { targets: JSON.parse(r.stdout) as Target[], stderr: r.stderr };
}

/** The observed statements of each policy, by function name: [actions, resources]. */
function observed(targets: Target[]): Record<string, Array<[string[], string[]]>> {
  return Object.fromEntries(targets.map((t) => [t.functionName, t.policy.Statement.filter((s) => s.Sid.includes("Observed")).map((s): [string[], string[]] => [s.Action, s.Resource])]));
}

const prodReader: Array<[string[], string[]]> = [[["ssm:GetParameter"], ["arn:aws:ssm:eu-west-1:111122223333:parameter/catalog/table-name"]]];
const prodWriter: Array<[string[], string[]]> = [[["secretsmanager:GetSecretValue"], ["arn:aws:secretsmanager:eu-west-1:111122223333:secret:orders/db-AbC123"]]];

describe("a SAM template's functions and the CloudTrail of their deployed stack", () => {
  it("generate writes the observed calls of both functions, the one CloudFormation names and the one with FunctionName", () => {
    // Before: both policies had no observed statement, and "No calls by CatalogReader in the usage data".
    const { targets, stderr } = generate(prod, "--account-id", "111122223333", "--region", "eu-west-1");
    expect(observed(targets)).toEqual({ CatalogReader: prodReader, "order-writer": prodWriter });
    expect(stderr).not.toContain("No calls by");
  });

  it("with --stack-name, the same: the names start with the stack's", () => {
    const { targets } = generate(prod, "--account-id", "111122223333", "--region", "eu-west-1", "--stack-name", "orders-prod");
    expect(observed(targets)).toEqual({ "orders-prod-CatalogReader": prodReader, "order-writer": prodWriter });
  });

  it("two stacks of the template in the logs, no --stack-name: ambiguous-deployment names both, and nothing is attributed", () => {
    const { targets, stderr } = generate(prod, dev, "--account-id", "111122223333");
    expect(observed(targets)).toEqual({ CatalogReader: [], "order-writer": [] });
    expect(stderr).toContain(
      "CatalogReader: 2 deployed copies in the usage fit the names CloudFormation makes for it (session orders-dev-CatalogReader-QwErTy098765 of arn:aws:iam::111122223333:role/orders-dev-CatalogReaderRole-Z9Y8X7W6V5U4, session orders-prod-CatalogReader-AbCdEf123456 of arn:aws:iam::111122223333:role/orders-prod-CatalogReaderRole-1A2B3C4D5E6F); none is attributed to it. The template may be deployed as several stacks: --stack-name names the one it is.",
    );
    expect(stderr).toContain("order-writer: 2 deployed copies in the usage fit the names CloudFormation makes for it (session order-writer of arn:aws:iam::111122223333:role/orders-dev-OrderWriterRole-M3N4O5P6Q7R8, session order-writer of arn:aws:iam::111122223333:role/orders-prod-OrderWriterRole-7G8H9I0J1K2L)");
  });

  it("two stacks in the logs, --stack-name orders-dev: dev's calls only", () => {
    const { targets, stderr } = generate(prod, dev, "--account-id", "111122223333", "--stack-name", "orders-dev");
    expect(observed(targets)).toEqual({
      "orders-dev-CatalogReader": [[["ssm:GetParameter"], ["arn:aws:ssm:eu-central-1:111122223333:parameter/catalog/table-name"]]],
      // OrderWriter's role is orders-dev-OrderWriterRole-…: prod's session of the same name is another role's.
      "order-writer": [[["secretsmanager:GetSecretValue"], ["arn:aws:secretsmanager:eu-central-1:111122223333:secret:orders/db-AbC123"]]],
    });
    expect(stderr).not.toContain("ambiguous");
  });

  it("the audit labels by the same attribution: LR008 leaves out what the deployed functions called, LR009 reports their denied call", () => {
    const r = spawnSync(process.execPath, [cli, "audit", template, prod, "--account-id", "111122223333", "--region", "eu-west-1", "--window-days", "1", "--format", "json", "--quiet"], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    const findings = (JSON.parse(r.stdout) as { findings: { ruleId: string; resource: { arn: string }; message: string }[] }).findings
      .filter((f) => f.ruleId === "LR008" || f.ruleId === "LR009")
      .map((f) => [f.ruleId, f.resource.arn, f.message]);
    // Before: "did not use 2 granted actions … ssm:GetParameter, ssm:GetParameters" (and the same of
    // OrderWriter), and no LR009: the denied call was another role's session.
    expect(findings).toEqual([
      ["LR008", "arn:aws:lambda:eu-west-1:111122223333:function:CatalogReader", "Function CatalogReader did not use 1 granted action in the 1-day usage window: ssm:GetParameters"],
      ["LR008", "arn:aws:lambda:eu-west-1:111122223333:function:order-writer", "Function OrderWriter did not use 1 granted action in the 1-day usage window: secretsmanager:DescribeSecret"],
      ["LR009", "arn:aws:lambda:eu-west-1:111122223333:function:order-writer", "Function OrderWriter made 1 denied call: secretsmanager:GetSecretValue (1; no identity-based policy allows it)"],
    ]);
  });

  it("two stacks in the logs, no --stack-name: the audit calls the functions' permissions unknowable, not unused", () => {
    // Before, LR008 said each function "did not use" every granted action: the logs hold their
    // calls, only not which stack's are whose.
    const r = spawnSync(process.execPath, [cli, "audit", template, prod, dev, "--account-id", "111122223333", "--window-days", "1", "--format", "json", "--quiet"], { encoding: "utf8" });
    const report = JSON.parse(r.stdout) as { findings: { ruleId: string }[]; warnings: { code: string }[] };
    expect(report.warnings.filter((w) => w.code === "ambiguous-deployment")).toHaveLength(2);
    expect(report.findings.filter((f) => f.ruleId === "LR008")).toEqual([]);
    const doc = spawnSync(process.execPath, [cli, "normalize", template, prod, dev, "--account-id", "111122223333", "--window-days", "1"], { encoding: "utf8", maxBuffer: 1 << 26 });
    const labels = (JSON.parse(doc.stdout) as { usage: { labels: { functionArn: string | null; fullWindow: boolean; permissions: { label: string; reason?: string }[] }[] } }).usage.labels.filter((l) => l.functionArn !== null);
    expect(labels.length).toBe(2);
    for (const l of labels) {
      expect(l.fullWindow).toBe(false);
      expect(l.permissions.every((p) => p.label !== "unused")).toBe(true);
      expect(l.permissions.some((p) => p.label === "unknowable" && /ambiguous-deployment/.test(p.reason ?? ""))).toBe(true);
    }
  });

  it("the canonical document keeps CloudTrail's role and says which of the template's it is", () => {
    const r = spawnSync(process.execPath, [cli, "normalize", template, prod, "--account-id", "111122223333", "--region", "eu-west-1"], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { functions: { name: string; generatedName?: boolean }[]; usage: { principals: { roleArn: string; documentRoleArn?: string; functionArn: string | null; sessionName: string }[] } };
    expect(doc.functions.map((f) => [f.name, f.generatedName])).toEqual([
      ["CatalogReader", true],
      ["order-writer", undefined],
    ]);
    const reader = doc.usage.principals.find((p) => p.sessionName === "orders-prod-CatalogReader-AbCdEf123456");
    expect(reader).toMatchObject({
      roleArn: "arn:aws:iam::111122223333:role/orders-prod-CatalogReaderRole-1A2B3C4D5E6F",
      documentRoleArn: "arn:aws:iam::111122223333:role/CatalogReaderRole",
      functionArn: "arn:aws:lambda:eu-west-1:111122223333:function:CatalogReader",
    });
  });

  it("--stack-name that is no CloudFormation stack name is refused, naming the flag", () => {
    const r = spawnSync(process.execPath, [cli, "generate", template, "--stack-name", "orders_prod"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--stack-name must be a CloudFormation stack name");
  });
});
