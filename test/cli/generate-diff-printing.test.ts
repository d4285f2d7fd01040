/**
 * What `leastrole generate`, `diff` and `rules` print for a reader, through the built CLI: a
 * function not found lists those there are; generate's warnings are marked as warnings and the
 * advice several functions share is said once; the diff and rules tables fit the terminal.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const root = packageRoot();
const cli = join(root, "dist", "cli.js");
const demo = join("examples", "demo-account");

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...env }, maxBuffer: 1 << 28 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error("build first: npm run build");
});

describe("generate --function with a name that is not there", () => {
  it("lists the functions there are, sorted, when no name is near", () => {
    const r = run(["generate", demo, "--function", "nope"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("leastrole: function nope is not in the document (5 functions): they are billing-sync, image-resizer, orders-api, orders-worker, reports-generator");
  });

  it("suggests the closest name when one is near", () => {
    const r = run(["generate", demo, "--function", "orders-ap"]);
    expect(r.stderr).toMatch(/did you mean "orders-api"\?/);
  });
});

/** The words of a text, whatever its line breaks and indents. */
const words = (text: string) => text.split(/\s+/).filter((w) => w !== "");

describe("diff's and rules' tables fit the terminal", () => {
  it("diff wraps each line to COLUMNS when piped, losing no word; a change's continuation sits under its label", () => {
    // The IAM export alone against the whole demo account: changes whose line held an ARN and its file ran past 300 columns.
    const args = ["diff", join(demo, "iam"), demo];
    const wide = run(args, { COLUMNS: "1000" });
    const narrow = run(args, { COLUMNS: "80" });
    expect(narrow.code, narrow.stderr).toBe(0);
    expect(Math.max(...wide.stdout.split("\n").map((l) => l.length))).toBeGreaterThan(150);
    const long = narrow.stdout.split("\n").filter((l) => l.length > 80);
    expect(long).toEqual([]);
    expect(words(narrow.stdout)).toEqual(words(wide.stdout));
    // `?`: the IAM export lists no function, so a function's rows are not known to be new (diff schema 1.5).
    expect(narrow.stdout).toMatch(/\n {2}\? added {4}[^\n]+\n {13}\S/);
  });

  it("rules wraps the titles under their column at 80", () => {
    const wide = run(["rules"], { COLUMNS: "1000" });
    const narrow = run(["rules"], { COLUMNS: "80" });
    expect(narrow.code).toBe(0);
    expect(Math.max(...wide.stdout.split("\n").map((l) => l.length))).toBeGreaterThan(80);
    expect(narrow.stdout.split("\n").filter((l) => l.length > 80)).toEqual([]);
    expect(words(narrow.stdout)).toEqual(words(wide.stdout));
    expect(narrow.stdout).toMatch(/\n {49}\S/);
  });
});

describe("input warnings that say the same of several functions", () => {
  it("are one stderr line naming the functions (sorted, the first five and how many more); the document keeps one per function", () => {
    // One template, seven functions reading one MSK cluster without a secret (as the corpus's
    // lambda-esm-msk-filters-sam does with nine): before, seven lines that differed in the function's ARN alone.
    const dir = mkdtempSync(join(tmpdir(), "lr-group-"));
    const names = ["g-fn", "a-fn", "f-fn", "b-fn", "e-fn", "c-fn", "d-fn"];
    const fns = names.map((n) => `  ${n.replace("-", "")}:\n    Type: AWS::Serverless::Function\n    Properties:\n      FunctionName: ${n}\n      Runtime: python3.12\n      Handler: app.handler\n      CodeUri: src/\n      Events:\n        Msk:\n          Type: MSK\n          Properties:\n            Stream: arn:aws:kafka:us-east-1:123456789012:cluster/orders/7a3f1c2e-0b1d-4e5f-8a9b-0c1d2e3f4a5b-2\n            Topics: [orders]\n            StartingPosition: LATEST\n`);
    const template = join(dir, "template.yaml");
    writeFileSync(template, `AWSTemplateFormatVersion: "2010-09-09"\nTransform: AWS::Serverless-2016-10-31\nResources:\n${fns.join("")}`);
    const audit = run(["audit", template, "--account-id", "123456789012", "--region", "us-east-1"]);
    const kafka = audit.stderr.split("\n").filter((l) => l.includes("MSK cluster"));
    expect(kafka, audit.stderr).toHaveLength(1);
    expect(kafka[0]).toMatch(new RegExp(`^leastrole: warning: ${template.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: 7 functions \\(a-fn, b-fn, c-fn, d-fn, e-fn and 2 more\\): its event source mapping reads Amazon MSK cluster `));
    // A template's mapping has no UUID before it is deployed: not said as if one were missing (before: "event source mapping (no UUID)").
    expect(kafka[0]).not.toContain("UUID");
    const generated = run(["generate", template, "--account-id", "123456789012", "--region", "us-east-1", "--function", "a-fn"]);
    expect(generated.stderr).toMatch(/warning: a-fn: The function's event source mapping reads Amazon MSK cluster /);
    expect(generated.stderr).not.toContain("UUID");
    const doc = JSON.parse(run(["normalize", template, "--account-id", "123456789012", "--region", "us-east-1"]).stdout) as { meta: { warnings: { code: string; message: string }[] } };
    expect(doc.meta.warnings.filter((w) => w.code === "kafka-access-not-checked").map((w) => w.message.split(":function:")[1]?.split(":")[0]).sort()).toEqual([...names].sort());
  });
});

describe("generate's warnings on examples/demo-account", () => {
  it("are marked as warnings, and the data-events advice is said once naming the functions; --format json keeps it per function", () => {
    const r = run(["generate", demo]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.trim().split("\n");
    expect(lines.every((l) => l.startsWith("leastrole: warning: ")), r.stderr).toBe(true);
    // Before: five lines, each with the whole advice.
    const advice = lines.filter((l) => l.includes("Data events are not known to be logged"));
    expect(advice).toHaveLength(1);
    expect(advice[0]).toMatch(/^leastrole: warning: 4 functions \(image-resizer, orders-api, orders-worker, reports-generator\): Data events are not known/);
    expect(lines.filter((l) => l.includes("usage.dataEventsLogged"))).toHaveLength(1);
    // Each function's own part, on a line of its own.
    expect(lines).toContain("leastrole: warning: reports-generator: Kept as today's policy grants them, since the function may call them unseen: s3-object-lambda:WriteGetObjectResponse.");
    const out = JSON.parse(r.stdout) as { functionName?: string; roleName: string; warnings: { code: string; message: string; advice?: string; function?: string }[] }[];
    const perFunction = out.flatMap((t) => t.warnings.filter((w) => w.code === "data-events-not-logged").map((w) => [w.function ?? t.functionName, w.message.endsWith(w.advice ?? "\u0000"), w.message.includes("Kept as today's policy grants them")]));
    expect(perFunction.sort()).toEqual([
      ["image-resizer", true, true],
      ["orders-api", true, true],
      ["orders-worker", true, true],
      ["reports-generator", true, true],
    ]);
  });
});

describe("generate --format cloudformation's header on examples/demo-account", () => {
  it("says the data-events advice once, naming the roles (sorted), and each role's own part under it", () => {
    const r = run(["generate", demo, "-f", "cloudformation"]);
    expect(r.code, r.stderr).toBe(0);
    const header = r.stdout.slice(0, r.stdout.indexOf("\nAWSTemplateFormatVersion"));
    // Before: the whole advice under each of the three roles, four times.
    expect(header.split("\n").filter((l) => l.includes("Data events are not known to be logged"))).toEqual([
      expect.stringMatching(/^# warning \(data-events-not-logged\) for image-resizer-role, orders-shared-role, reports-role: Data events are not known/),
    ]);
    expect(header).toContain("#   warning (data-events-not-logged): Kept as today's policy grants them, since the function may call them unseen: s3-object-lambda:WriteGetObjectResponse.\n");
  });
});

describe("generate --format terraform and markdown on examples/demo-account: advice several roles share said once at the top", () => {
  it("terraform: one comment at the file's top naming the roles (sorted); each role's block keeps its own part", () => {
    const r = run(["generate", demo, "-f", "terraform"]);
    expect(r.code, r.stderr).toBe(0);
    // Before: the whole advice in each role block's comment, four times.
    const lines = r.stdout.split("\n").filter((l) => l.includes("Data events are not known to be logged"));
    expect(lines).toEqual([expect.stringMatching(/^# Warning \(data-events-not-logged\) for image-resizer-role, orders-shared-role, reports-role: Data events are not known/)]);
    expect(r.stdout.indexOf(lines[0]!)).toBe(0);
    expect(r.stdout).toContain("# Warning (data-events-not-logged): Kept as today's policy grants them, since the function may call them unseen: s3-object-lambda:WriteGetObjectResponse.\n");
    // A warning with no shared part stays whole in its block.
    expect(r.stdout).toContain("# Warning (denied-calls-not-granted): secretsmanager:GetSecretValue: all 32 calls were denied");
  });

  it("markdown: one list at the comment's top naming the policies; each policy's Warnings keep their own part", () => {
    const r = run(["generate", demo, "-f", "markdown"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split("\n").filter((l) => l.includes("Data events are not known to be logged"))).toHaveLength(1);
    expect(r.stdout).toMatch(/^### Warnings for the policies below\n\n- \*\*data\\-events\\-not\\-logged\*\* \(`arn:aws:iam::111122223333:role\/service-role\/orders-shared-role`, `arn:aws:lambda:us-east-1:111122223333:function:image-resizer`, `arn:aws:lambda:us-east-1:111122223333:function:reports-generator`\): Data events are not known/);
    expect(r.stdout).toContain("- **data\\-events\\-not\\-logged**: Kept as today\\'s policy grants them, since the function may call them unseen\\: s3\\-object\\-lambda\\:WriteGetObjectResponse\\.\n");
    // Then each of the four policies, as before.
    expect(r.stdout.match(/^### Least-privilege policy for /gm)).toHaveLength(4);
  });

  it("markdown --diff: the same list at the comment's top; each diff's Warnings keep their own part", () => {
    const r = run(["generate", demo, "--diff", "-f", "markdown"]);
    expect(r.code, r.stderr).toBe(0);
    // Before: the whole advice under each of the diffs it applies to, three times.
    expect(r.stdout.split("\n").filter((l) => l.includes("Data events are not known to be logged"))).toHaveLength(1);
    expect(r.stdout).toMatch(/^### Warnings for the policies below\n\n- \*\*data\\-events\\-not\\-logged\*\* \(`arn:aws:iam::111122223333:role\/service-role\/orders-shared-role`, `arn:aws:lambda:us-east-1:111122223333:function:image-resizer`, `arn:aws:lambda:us-east-1:111122223333:function:reports-generator`\): Data events are not known/);
    expect(r.stdout).toContain("- **data\\-events\\-not\\-logged**: Kept as today\\'s policy grants them, since the function may call them unseen\\: s3\\-object\\-lambda\\:WriteGetObjectResponse\\.\n");
    expect(r.stdout.match(/^### Right-sizing /gm)).toHaveLength(4);
  });
});

describe("generate --diff of a shared role's union", () => {
  /** The `### Right-sizing` headings of a diff, and the names each puts in code spans. */
  const headings = (text: string) => text.split("\n").filter((l) => l.startsWith("### Right-sizing "));
  const named = (heading: string) => [...heading.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

  it("names the role once, and says the policy is for all the functions that use it", () => {
    // aws-samples/serverless-patterns apigw-lambda-sfn-transcribe-translate-polly-sam (the public
    // corpus, SOURCE.md there): six functions on one LambdaRole. Before: "Right-sizing `LambdaRole`
    // for `LambdaRole`"; the demo account's orders-shared-role the same, by ARN.
    const template = "/work/shared/corpus/serverless-patterns-sam/apigw-lambda-sfn-transcribe-translate-polly-sam/template.yaml";
    const sam = run(["generate", template, "--diff"]);
    expect(sam.code, sam.stderr).toBe(0);
    expect(headings(sam.stdout)).toEqual(["### Right-sizing `LambdaRole` for all the functions that use it (the union of their policies)"]);
    const account = run(["generate", demo, "--diff"]);
    expect(account.code, account.stderr).toBe(0);
    const all = headings(account.stdout);
    expect(all).toContain("### Right-sizing `arn:aws:iam::111122223333:role/service-role/orders-shared-role` for all the functions that use it (the union of their policies)");
    // A role of one function is still right-sized for that function.
    expect(all).toContain("### Right-sizing `arn:aws:iam::111122223333:role/reports-role` for `arn:aws:lambda:us-east-1:111122223333:function:reports-generator`");
    for (const h of all) expect(new Set(named(h)).size, h).toBe(named(h).length);
  });
});
