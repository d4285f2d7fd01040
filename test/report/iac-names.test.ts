/**
 * The Markdown and HTML reports name a template's or plan's functions and roles as the text
 * report's block heads and the rule messages do (view.ts displayNames: the CDK construct path, the
 * SAM logical ID, the Terraform address, a terraform-aws-modules/lambda call), not by the names in
 * AWS: before, a SAM user's comment said "role `LambdaBasicExecutionRole`" and "Functions using it:
 * `SlackNotifierLambda`" above a message saying "Role LambdaIamRole". ARNs stay beside the names,
 * and the suppressed list keeps the name a suppression matches.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { auditDocument } from "../../src/audit/index.js";
import { buildDocument } from "../../src/audit/build-document.js";
import { renderHtml, renderMarkdown, renderSarif } from "../../src/report/index.js";
import { loadBuiltinPack } from "../../src/evaluate/pack.js";
import type { CanonicalDocument } from "../../src/model/document.js";
import type { AuditReport } from "../../src/report/json.js";

const SAM = "/work/shared/corpus/serverless-patterns-sam/cloudtrail-lambda-slack-sam/template.yml";
const TFMOD = new URL("../fixtures/terraform-sweep/tfmod-shared-role/plan.json", import.meta.url).pathname;
const SYNTH = new URL("../iac/fixtures/cdk-synth/cdk.out/", import.meta.url).pathname;

async function audited(paths: string[]): Promise<{ report: AuditReport; doc: CanonicalDocument }> {
  const doc = await buildDocument(paths, { workers: 1 });
  return { report: auditDocument(doc), doc };
}

/** The Markdown findings' heads: `<icon> **rule name** · <type> <name> …`, from the resource on. */
const mdHeads = (md: string) => md.split("\n").filter((l) => / · (role|function|policy|principal) `/.test(l)).map((l) => l.replace(/^.*? · ((role|function|policy|principal) `[^`]*`).*$/, "$1"));
const mdUsers = (md: string) => [...new Set(md.split("\n").filter((l) => l.startsWith("Functions using it: ")))];
/** What the HTML page shows as a finding's resource, the functions of a role, the usage table's roles and the graph's nodes. */
const htmlResources = (html: string) => [...new Set([...html.matchAll(/<dt>(role|function|policy|principal)<\/dt><dd><strong>([^<]*)<\/strong> <(?:code|span class="muted")>([^<]*)<\/(?:code|span)>/g)].map((m) => `${m[1]} ${m[2]} ${m[3]}`))].sort();
const htmlFunctions = (html: string) => [...new Set([...html.matchAll(/<dt>functions<\/dt><dd>([^<]*)<\/dd>/g)].map((m) => m[1]))];
const usageRoles = (html: string) => [...html.matchAll(/<tr><td><code title="([^"]*)">([^<]*)<\/code><\/td>/g)].map((m) => `${m[2]} ${m[1]}`);
const graphNodes = (html: string) => [...html.matchAll(/<g class="(fn|role)"><title>[^<]*<\/title><rect [^>]*\/><text [^>]*>([^<]*)<\/text>/g)].map((m) => `${m[1]} ${m[2]}`);

describe("the Markdown and HTML reports of a template or plan", () => {
  it("a SAM template: its role and function by logical ID (LambdaIamRole, LambdaFunction), not RoleName / FunctionName", async () => {
    const { report, doc } = await audited([SAM]);
    const md = renderMarkdown(report, doc);
    // Before: role `LambdaBasicExecutionRole`, Functions using it: `SlackNotifierLambda`.
    expect(mdHeads(md)).toEqual(["role `LambdaIamRole`"]);
    expect(mdUsers(md)).toEqual(["Functions using it: `LambdaFunction`"]);
    expect(md).toContain("Role LambdaIamRole\\: RolePolicies Statement\\[0\\]");
    // The template names no account: its ARN is made at deploy, and the report says so rather than
    // show the placeholder account (test/report/deployment-account.test.ts).
    expect(md).toContain("ARN: known only at deploy");

    const html = renderHtml(report, doc);
    expect(htmlResources(html)).toEqual(["role LambdaIamRole ARN known only at deploy (no account ID given: --account-id sets one)"]);
    expect(htmlFunctions(html)).toEqual(["LambdaFunction"]);
    expect(usageRoles(html)).toEqual(["LambdaIamRole ARN known only at deploy (no account ID given: --account-id sets one)"]);
    expect(graphNodes(html)).toEqual(["fn LambdaFunction", "role LambdaIamRole"]);
    expect(html).not.toContain(">SlackNotifierLambda<");
  });

  it("a Terraform plan: the terraform-aws-modules calls and the role's address, not function_name and name", async () => {
    const { report, doc } = await audited([TFMOD]);
    const md = renderMarkdown(report, doc);
    // Before: role `tfmod-shared`, function `tfmod-shared-reports`, Functions using it: `tfmod-shared-orders`, `tfmod-shared-reports`.
    expect([...new Set(mdHeads(md))].sort()).toEqual(["function `module.reports`", "role `aws_iam_role.shared`"]);
    expect(mdUsers(md)).toEqual(["Functions using it: `module.orders`, `module.reports`"]);

    const html = renderHtml(report, doc, { fixes: { "arn:aws:iam::123456789012:role/tfmod-shared": { policyJson: "{}" } } });
    expect(htmlResources(html)).toEqual([
      "function module.reports arn:aws:lambda:eu-west-1:123456789012:function:tfmod-shared-reports",
      "role aws_iam_role.shared arn:aws:iam::123456789012:role/tfmod-shared",
    ]);
    expect(htmlFunctions(html)).toEqual(["module.orders, module.reports"]);
    expect(usageRoles(html)).toEqual(["aws_iam_role.shared arn:aws:iam::123456789012:role/tfmod-shared"]);
    // Ordered by the names shown (module.orders, module.reports; test/report/iac-order.test.ts).
    expect(graphNodes(html)).toEqual(["fn module.orders", "fn module.reports", "role aws_iam_role.shared"]);
    expect(html).toContain("<summary>Generated policy for role aws_iam_role.shared</summary>");
  });

  it("a CDK app: functions and roles by construct path, without the /Resource leaf", async () => {
    const { report, doc } = await audited([join(SYNTH, "OrdersStack.template.json"), join(SYNTH, "OrdersStackNestedB84F9012.nested.template.json")]);
    const md = renderMarkdown(report, doc);
    expect(mdHeads(md)).toContain("role `OrdersStack/SharedRole`");
    expect(mdUsers(md)).toContain("Functions using it: `OrdersStack/ReportA`, `OrdersStack/ReportB`");
    // No generated CloudFormation name of the app's roles or functions in a head.
    expect(mdHeads(md).filter((h) => /OrdersStack-|[0-9A-F]{8}`$/.test(h))).toEqual([]);

    const html = renderHtml(report, doc);
    expect(htmlFunctions(html)).toContain("OrdersStack/ReportA, OrdersStack/ReportB");
    expect(graphNodes(html)).toEqual(expect.arrayContaining(["fn OrdersStack/ReportA", "fn OrdersStack/ReportB", "role OrdersStack/SharedRole"]));
    expect(usageRoles(html).map((r) => r.split(" ")[0])).toContain("OrdersStack/SharedRole");
  });

  it("SARIF (kept as it was): the message names the role as the code does, the resource's logical location keeps the name and ARN in AWS, the declaration the code's, the fingerprint the finding's", async () => {
    const { report, doc } = await audited([SAM]);
    const sarif = JSON.parse(renderSarif(report, loadBuiltinPack().catalog.rules, { document: doc })) as {
      runs: Array<{ results: Array<{ message: { text: string }; partialFingerprints: Record<string, string>; locations: Array<{ logicalLocations: Array<{ name?: string; fullyQualifiedName: string; kind: string }> }> }> }>;
    };
    const [result] = sarif.runs[0]!.results;
    expect(result!.message.text).toMatch(/^Role LambdaIamRole: RolePolicies Statement\[0\]/);
    expect(result!.locations[0]!.logicalLocations).toEqual([
      { name: "LambdaBasicExecutionRole", fullyQualifiedName: "arn:aws:iam::unknown:role/LambdaBasicExecutionRole", kind: "resource", properties: { resourceType: "role" } },
      { fullyQualifiedName: "RolePolicies", kind: "declaration" },
    ]);
    expect(result!.partialFingerprints["leastrole/v1"]).toBe(report.findings[0]!.fingerprint);
  });
});
