/**
 * `diff`: two sets of real inputs (corpus plans and templates, and edited copies of them in
 * test/iac/fixtures/diff) built and audited like `audit`, then compared.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareStatements, diff, introducesAtLeast, type DiffResult } from "../../src/audit/diff.js";
import { SEVERITIES } from "../../src/model/findings.js";
import type { PolicyStatement } from "../../src/model/document.js";
import { renderPermissionDiffJson, renderPermissionDiffMarkdown, renderPermissionDiffTable } from "../../src/report/diff.js";
import { githubAutolinks, outsideCode } from "../support/markdown.js";

const corpus = "/work/shared/corpus";
const fx = "test/iac/fixtures/diff";
const cache = new Map<string, Promise<DiffResult>>();
function run(before: string[], after: string[]): Promise<DiffResult> {
  const key = JSON.stringify([before, after]);
  if (!cache.has(key)) cache.set(key, diff(before, after));
  return cache.get(key)!;
}

describe("diff of two template revisions (SAM)", () => {
  it("lists the added statement, trigger, URL, public permissions, the new function on a shared role, and the findings they introduce", async () => {
    const { report } = await run([`${fx}/lambda-kinesis-lambda.yaml`], [`${fx}/lambda-kinesis-lambda.edited.yaml`]);
    expect(report.changes.map((c) => [c.change, c.ownerName, c.kind])).toEqual([
      ["added", "ConsumerFunctionRole", "managed-attachment"],
      ["added", "ProducerFunctionRole", "inline-statement"],
      ["added", "AuditFunction", "execution-role"],
      ["added", "ConsumerFunction", "function-url"],
      ["added", "ConsumerFunction", "resource-policy-statement"],
      ["added", "ConsumerFunction", "resource-policy-statement"],
      ["added", "ConsumerFunction", "trigger"],
    ]);
    const wide = report.changes.find((c) => c.kind === "inline-statement")!;
    expect(wide.after).toEqual({ Action: ["kinesis:*"], Effect: "Allow", Resource: ["*"] });
    // The line of the statement added in the edited template (its Policies entry is the line above).
    expect(wide.source).toEqual({ file: `${fx}/lambda-kinesis-lambda.edited.yaml`, line: 33, address: "Resources.ProducerFunction.Properties.Policies[1].Statement[0]" });
    expect(wide.functions).toEqual(["arn:aws:lambda:unknown:unknown:function:AuditFunction", "arn:aws:lambda:unknown:unknown:function:ProducerFunction"]);
    expect(report.sharedRoles).toEqual([
      {
        roleArn: "arn:aws:iam::unknown:role/ProducerFunctionRole",
        roleName: "ProducerFunctionRole",
        before: ["arn:aws:lambda:unknown:unknown:function:ProducerFunction"],
        after: ["arn:aws:lambda:unknown:unknown:function:AuditFunction", "arn:aws:lambda:unknown:unknown:function:ProducerFunction"],
      },
    ]);
    // The public URL once (its two statements are the URL's: LR012 reports the URL itself).
    expect(report.findings.introduced.map((f) => [f.ruleId, f.resource.name, f.severity])).toEqual([
      ["LR002", "ProducerFunctionRole", "high"],
      ["LR012", "ConsumerFunction", "high"],
      ["LR001", "ProducerFunctionRole", "medium"],
      ["LR003", "ProducerFunctionRole", "medium"],
    ]);
    expect(report.findings.fixed).toEqual([]);
  });

  it("the reverse diff removes what the forward diff adds and fixes what it introduces", async () => {
    const fwd = (await run([`${fx}/lambda-kinesis-lambda.yaml`], [`${fx}/lambda-kinesis-lambda.edited.yaml`])).report;
    const rev = (await run([`${fx}/lambda-kinesis-lambda.edited.yaml`], [`${fx}/lambda-kinesis-lambda.yaml`])).report;
    expect(rev.changes.map((c) => c.change)).toEqual(fwd.changes.map(() => "removed"));
    expect(rev.changes.map((c) => c.before)).toEqual(fwd.changes.map((c) => c.after));
    expect(rev.findings.fixed.map((f) => f.fingerprint)).toEqual(fwd.findings.introduced.map((f) => f.fingerprint));
    expect(rev.findings.introduced).toEqual([]);
    expect(rev.sharedRoles).toEqual([]);
  });

  it("a template against itself (another path) is no change", async () => {
    const { report } = await run([`${fx}/lambda-kinesis-lambda.yaml`], [`${corpus}/serverless-patterns-sam/lambda-kinesis-lambda/template.yaml`]);
    expect(report.changes).toEqual([]);
    expect(report.findings.introduced).toEqual([]);
    expect(report.findings.fixed).toEqual([]);
    expect(renderPermissionDiffTable(report)).toContain("No permission changes.");
  });
});

describe("several templates a side", () => {
  it("a stack added beside the base template is a stack of its own; the base still lines up", async () => {
    // Both templates define ProducerFunction/ConsumerFunction and their roles: without separate
    // synthetic accounts the added one would merge into the base and hide.
    const { report } = await run([`${fx}/lambda-kinesis-lambda.yaml`], [`${fx}/lambda-kinesis-lambda.yaml`, `${corpus}/serverless-patterns-sam/lambda-kinesis-lambda/template.yaml`]);
    const owners = [...new Set(report.changes.map((c) => c.owner))];
    expect(report.changes.every((c) => c.change === "added")).toBe(true);
    expect(owners.length).toBe(4); // two roles and two functions of the second stack
    expect(owners.every((o) => /::unknown-[0-9a-f]{8}:|:unknown:unknown-[0-9a-f]{8}:/.test(o))).toBe(true);
  });
});

describe("diff of two Terraform plans", () => {
  it("a widened inline statement is one 'widened' change with the statement before and after, and the finding it introduces", async () => {
    const { report } = await run(["test/iac/fixtures/terraform/lambda-app.plan.json"], [`${fx}/lambda-app.widened.plan.json`]);
    expect(report.changes).toHaveLength(1);
    const c = report.changes[0]!;
    expect([c.change, c.kind, c.ownerName, c.policy]).toEqual(["widened", "inline-statement", "api-handler-role", "logs"]);
    expect((c.before as PolicyStatement).Action).toEqual(["logs:CreateLogStream", "logs:PutLogEvents"]);
    expect((c.after as PolicyStatement).Action).toEqual(["logs:*", "logs:CreateLogStream", "logs:PutLogEvents"]);
    expect(report.findings.introduced.map((f) => [f.ruleId, f.severity, f.resource.name])).toEqual([["LR002", "high", "api-handler-role"]]);
    expect(report.findings.fixed).toEqual([]);
  });

  it("two real corpus plans: the mirror law holds and output is byte-stable", async () => {
    const a = [`${corpus}/checkov-tfplan-fixtures/plan_with_iam_policies.tfplan.json`];
    const b = [`${corpus}/terraform-plans/cloudgoat-lambda_privesc.plan.json`];
    const ab = (await run(a, b)).report;
    const ba = (await run(b, a)).report;
    expect(ab.changes.length).toBeGreaterThan(5);
    const keyOf = (c: (typeof ab.changes)[number], v: unknown) => JSON.stringify([c.kind, c.owner, c.policy, v]);
    expect(ab.changes.filter((c) => c.change === "added").map((c) => keyOf(c, c.after)).sort()).toEqual(ba.changes.filter((c) => c.change === "removed").map((c) => keyOf(c, c.before)).sort());
    expect(ab.findings.introduced.map((f) => f.fingerprint).sort()).toEqual(ba.findings.fixed.map((f) => f.fingerprint).sort());
    const again = (await diff(a, b)).report;
    expect(renderPermissionDiffJson(again)).toBe(renderPermissionDiffJson(ab));
    expect(renderPermissionDiffMarkdown(again)).toBe(renderPermissionDiffMarkdown(ab));
    expect(renderPermissionDiffTable(again)).toBe(renderPermissionDiffTable(ab));
  });
});

describe("a template against an account export", () => {
  it("--only-after-resources: the role the template redefines is narrowed, its findings fixed; the rest of the account is not part of the change", async () => {
    const { report } = await diff(["examples/demo-account"], [`${fx}/billing-sync-fix.yaml`], { iac: { accountId: "111122223333" }, onlyAfterResources: true });
    expect(report.changes.map((c) => [c.change, c.ownerName, c.kind, c.policy])).toEqual([["narrowed", "billing-sync-role", "inline-statement", "billing-everything"]]);
    const c = report.changes[0]!;
    expect(c.before).toEqual({ Action: ["dynamodb:*"], Effect: "Allow", Resource: ["*"] });
    expect(c.functions).toEqual(["arn:aws:lambda:us-east-1:111122223333:function:billing-sync"]);
    expect(c.source?.file).toBe(`${fx}/billing-sync-fix.yaml`);
    // dynamodb:* on * included dynamodb:PutResourcePolicy on every table (LR020).
    expect(report.findings.fixed.map((f) => [f.ruleId, f.resource.name])).toEqual([
      ["LR002", "billing-sync-role"],
      ["LR020", "billing-sync-role"],
      ["LR003", "billing-sync-role"],
      ["LR017", "billing-sync-role"],
    ]);
    expect(report.findings.introduced).toEqual([]);
    // Without the option every other role of the account reads as removed.
    const all = (await diff(["examples/demo-account"], [`${fx}/billing-sync-fix.yaml`], { iac: { accountId: "111122223333" } })).report;
    expect(all.changes.filter((x) => x.change === "removed").map((x) => x.ownerName)).toEqual(expect.arrayContaining(["old-etl-role", "reports-role"]));
  });
});

describe("a finding whose severity changes", () => {
  const plain = `${fx}/shared-role.yaml`;
  const tagged = `${fx}/shared-role.tagged.yaml`;

  it("is raised (not unchanged) when the change makes it more severe, and --fail-on counts the rise into the gate", async () => {
    const { report } = await run([plain], [tagged]);
    expect(report.findings.introduced).toEqual([]);
    expect(report.findings.fixed).toEqual([]);
    expect(report.findings.raised.map((c) => [c.finding.ruleId, c.finding.resource.name, c.before, c.after])).toEqual([["LR001", "orders-role", "medium", "high"]]);
    expect(report.findings.raised[0]!.finding.severity).toBe("high");
    expect(report.findings.lowered).toEqual([]);
    // Medium → high: into a high gate, not into a critical one.
    expect(introducesAtLeast(report, "high")).toBe(true);
    expect(introducesAtLeast(report, "critical")).toBe(false);
    // Already at medium before: a medium gate was failing on it then.
    expect(introducesAtLeast(report, "medium")).toBe(false);
    // Suppressed after the change: accepted, as for an introduced finding.
    const accepted = structuredClone(report);
    accepted.findings.raised[0]!.finding.suppressed = { reason: "accepted", origin: "config", expires: null };
    expect(introducesAtLeast(accepted, "high")).toBe(false);
  });

  it("the reverse change lowers it, which fails no gate; every format says so", async () => {
    const { report: fwd } = await run([plain], [tagged]);
    const { report: rev } = await run([tagged], [plain]);
    expect(rev.findings.raised).toEqual([]);
    expect(rev.findings.lowered.map((c) => [c.finding.ruleId, c.before, c.after])).toEqual([["LR001", "high", "medium"]]);
    expect(SEVERITIES.some((s) => introducesAtLeast(rev, s))).toBe(false);
    // The unchanged findings are the others (same fingerprint, same severity).
    expect(fwd.findings.unchanged).toBe(fwd.after.findings - 1);

    expect(renderPermissionDiffTable(fwd)).toContain("0 findings introduced, 0 fixed, 1 raised in severity\n");
    expect(renderPermissionDiffTable(fwd)).toMatch(/Findings raised in severity:\n {2}HIGH \(was MEDIUM\) LR001 role orders-role: /);
    expect(renderPermissionDiffTable(rev)).toMatch(/, 1 lowered\n[\s\S]*Findings lowered in severity:\n {2}MEDIUM \(was HIGH\) LR001/);
    const md = renderPermissionDiffMarkdown(fwd);
    expect(md).toContain("1 raised in severity");
    expect(md).toMatch(/#### Findings raised in severity\n\n\| Severity[^\n]*\n[^\n]*\n\| medium → \*\*high\*\* \| `LR001` \| `orders-role` \|/);
    const json = JSON.parse(renderPermissionDiffJson(fwd)) as { schemaVersion: string; findings: { raised: Array<{ before: string; after: string; finding: { ruleId: string; severity: string } }> } };
    expect(json.schemaVersion).toBe("1.1");
    expect(json.findings.raised.map((c) => [c.before, c.after, c.finding.ruleId, c.finding.severity])).toEqual([["medium", "high", "LR001", "high"]]);
  });
});

describe("rendering", () => {
  it("the headline counts the suppressed findings apart, as the list below shows them", async () => {
    const { report } = await run([`${fx}/lambda-kinesis-lambda.yaml`], [`${fx}/lambda-kinesis-lambda.edited.yaml`]);
    const suppressed = { ...report, findings: { ...report.findings, introduced: report.findings.introduced.map((f, i) => (i < 3 ? { ...f, suppressed: { reason: "accepted", origin: "config", expires: null } } : f)) } } as typeof report;
    expect(renderPermissionDiffTable(suppressed).split("\n")[0]).toBe("leastrole diff: 7 permission changes, 1 finding introduced (and 3 suppressed), 0 fixed");
    expect(renderPermissionDiffMarkdown(suppressed)).toContain("### leastrole: 7 permission changes, 1 finding introduced \\(and 3 suppressed\\), 0 fixed");
  });

  it("markdown fits a PR comment, escapes names, and says what was left out", async () => {
    const { report } = await run([`${fx}/lambda-kinesis-lambda.yaml`], [`${fx}/lambda-kinesis-lambda.edited.yaml`]);
    const md = renderPermissionDiffMarkdown(report);
    expect(md).toContain("### leastrole: 7 permission changes, 4 findings introduced, 0 fixed");
    expect(md).toContain("`Allow kinesis:* on *`");
    expect(md).toContain("#### Findings introduced");
    const small = renderPermissionDiffMarkdown(report, { maxLength: 2500 });
    expect(small.length).toBeLessThan(4000);
    expect(small).toMatch(/more changes left out to fit a comment/);
    const json = JSON.parse(renderPermissionDiffJson(report)) as { schemaVersion: string; changes: unknown[] };
    expect(json.schemaVersion).toBe("1.1");
    expect(json.changes).toHaveLength(7);
  });
});

describe("diff markdown and GitHub autolinks", () => {
  it("leaves no @mention or #reference in names and messages from the inputs", async () => {
    const { report } = await run([`${fx}/lambda-kinesis-lambda.yaml`], [`${fx}/lambda-kinesis-lambda.edited.yaml`]);
    const hostile = structuredClone(report);
    const change = hostile.changes.find((c) => c.kind === "inline-statement")!;
    change.policy = "@octocat #12";
    hostile.findings.introduced[0]!.message = "Role @octocat fixes #12";
    hostile.sharedRoles[0]!.after = ["arn:aws:lambda:us-east-1:123456789012:function:@octocat"];
    const md = renderPermissionDiffMarkdown(hostile);
    expect(md).toContain("octocat");
    expect(githubAutolinks(outsideCode(md))).toEqual([]);
  });
});

describe("statement scope comparison", () => {
  const st = (Action: string[], Resource: string[], extra: Partial<PolicyStatement> = {}): PolicyStatement => ({ Effect: "Allow", Action, Resource, ...extra });

  it("wildcards, resources, conditions and Deny", () => {
    expect(compareStatements(st(["s3:GetObject"], ["arn:aws:s3:::b/*"]), st(["s3:Get*"], ["arn:aws:s3:::b/*"]))).toBe("widened");
    expect(compareStatements(st(["s3:*"], ["*"]), st(["s3:GetObject"], ["arn:aws:s3:::b/*"]))).toBe("narrowed");
    expect(compareStatements(st(["s3:GetObject"], ["arn:aws:s3:::a/*"]), st(["s3:GetObject"], ["arn:aws:s3:::b/*"]))).toBe("changed");
    const cond = { Condition: { StringEquals: { "aws:SourceAccount": ["123456789012"] } } };
    expect(compareStatements(st(["sqs:SendMessage"], ["*"], cond), st(["sqs:SendMessage"], ["*"]))).toBe("widened");
    // A wider Deny permits less.
    expect(compareStatements({ ...st(["s3:DeleteObject"], ["*"]), Effect: "Deny" }, { ...st(["s3:Delete*"], ["*"]), Effect: "Deny" })).toBe("narrowed");
    expect(compareStatements(st(["s3:GetObject"], ["*"]), { ...st(["s3:GetObject"], ["*"]), Effect: "Deny" })).toBe("changed");
  });

  it("law: comparing the other way gives the opposite answer", () => {
    const actions = fc.subarray(["s3:GetObject", "s3:Get*", "s3:*", "s3:PutObject", "sqs:SendMessage", "*"], { minLength: 1 });
    const resources = fc.subarray(["*", "arn:aws:s3:::b/*", "arn:aws:s3:::b/logs/*", "arn:aws:s3:::c"], { minLength: 1 });
    const statement = fc.record({ Effect: fc.constantFrom("Allow" as const, "Deny" as const), Action: actions, Resource: resources });
    const opposite = { widened: "narrowed", narrowed: "widened", changed: "changed", added: "removed", removed: "added" } as const;
    fc.assert(
      fc.property(statement, statement, (a, b) => {
        expect(compareStatements(b, a)).toBe(opposite[compareStatements(a, b)]);
      }),
      { numRuns: 300 },
    );
  });
});
