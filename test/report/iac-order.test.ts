/**
 * A template's or plan's functions and roles are listed in the order of the names the reports show
 * (view.ts compareShown, inShownOrder: the display name, i.e. the logical ID, construct path or
 * Terraform address, else the name in AWS; ties by ARN), not of the names in AWS, which with the
 * code's names as labels did not look sorted. The findings' order, evidence and fingerprints stay.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { auditDocument } from "../../src/audit/index.js";
import { compareFindings } from "../../src/evaluate/findings.js";
import { buildDocument } from "../../src/audit/build-document.js";
import { renderHtml, renderMarkdown, renderTable } from "../../src/report/index.js";

/**
 * A SAM template whose FunctionNames and RoleNames sort the other way round from their logical IDs:
 * Alpha is `zeta` and Zulu `alpha` (sharing SharedRole); Papa (`b-fn`) runs ZuluRole (`aa-role`),
 * Quebec (`a-fn`) AlphaRole (`zz-role`). Every role grants the same.
 */
const policy = `
      Policies:
        - PolicyName: data
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: s3:*
                Resource: "*"`;
const role = (name: string) => `
    Type: AWS::IAM::Role
    Properties:
      RoleName: ${name}
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole${policy}`;
const fn = (name: string, roleId: string) => `
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: ${name}
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Role: !GetAtt ${roleId}.Arn`;
const SAM = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  SharedRole:${role("shared")}
  AlphaRole:${role("zz-role")}
  ZuluRole:${role("aa-role")}
  Alpha:${fn("zeta", "SharedRole")}
  Zulu:${fn("alpha", "SharedRole")}
  Papa:${fn("b-fn", "ZuluRole")}
  Quebec:${fn("a-fn", "AlphaRole")}
`;

async function reports(paths: string[]) {
  const doc = await buildDocument(paths, { workers: 1, iac: { accountId: "123456789012", region: "us-east-1" } });
  const report = auditDocument(doc);
  return { doc, report, text: renderTable(report, doc, { color: false, width: 200 }), md: renderMarkdown(report, doc), html: renderHtml(report, doc) };
}

const textHeads = (text: string) => text.split("\n").filter((l) => /^(\d+ functions: |function )/.test(l)).map((l) => l.replace(/ \(.*$/, ""));
const mdUsers = (md: string) => [...new Set(md.split("\n").filter((l) => l.startsWith("Functions using it: ")))];
const htmlFunctions = (html: string) => [...new Set([...html.matchAll(/<dt>functions<\/dt><dd>([^<]*)<\/dd>/g)].map((m) => m[1]))];
const usageRoles = (html: string) => [...html.matchAll(/<tr><td><code title="[^"]*">([^<]*)<\/code><\/td>/g)].map((m) => m[1]);
const graphNodes = (html: string) => [...html.matchAll(/<g class="(fn|role)"><title>[^<]*<\/title><rect [^>]*\/><text [^>]*>([^<]*)<\/text>/g)].map((m) => `${m[1]} ${m[2]}`);

describe("the reports list a template's or plan's resources by the names they show", () => {
  it("a SAM template: Alpha before Zulu (FunctionNames zeta and alpha), AlphaRole before ZuluRole (RoleNames zz-role and aa-role)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-order-"));
    writeFileSync(join(dir, "template.yaml"), SAM);
    const { doc, report, text, md, html } = await reports([join(dir, "template.yaml")]);
    // Each function has a finding of its own (LR005), so each has its block, worst first (all
    // high). Before: Quebec, Zulu, Papa, Alpha (a-fn, alpha, b-fn, zeta).
    expect(textHeads(text)).toEqual(["function Alpha", "function Papa", "function Quebec", "function Zulu"]);
    // Before: `Zulu`, `Alpha` (by ARN: function:alpha, function:zeta).
    expect(mdUsers(md).filter((l) => l.includes(","))).toEqual(["Functions using it: `Alpha`, `Zulu`"]);
    expect(htmlFunctions(html).filter((l) => l!.includes(","))).toEqual(["Alpha, Zulu"]);
    // Before: ZuluRole (aa-role), SharedRole (shared), AlphaRole (zz-role): each grants as much, none used is known.
    expect(usageRoles(html)).toEqual(["AlphaRole", "SharedRole", "ZuluRole"]);
    // The shared role first, then the others by the name shown; a cluster's functions likewise.
    expect(graphNodes(html)).toEqual(["fn Alpha", "fn Zulu", "role SharedRole", "fn Quebec", "role AlphaRole", "fn Papa", "role ZuluRole"]);
    // The generated policies' section lists them by their labels (before: by ARN, Zulu's function:alpha first).
    const fnArn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
    const withFixes = renderHtml(report, doc, { fixes: { [fnArn("alpha")]: { policyJson: "{}" }, [fnArn("zeta")]: { policyJson: "{}" } } });
    const section = withFixes.slice(withFixes.indexOf('<section id="fixes">'));
    expect([...section.matchAll(/<summary>function (\w+) \(/g)].map((m) => m[1])).toEqual(["Alpha", "Zulu"]);
    // The findings' own order (the JSON report's: severity, rule, ARN, fingerprint) is kept.
    expect(report.findings.map((f) => f.fingerprint)).toEqual([...report.findings].sort(compareFindings).map((f) => f.fingerprint));
  });

  it("a CDK app: its functions and roles by construct path (OrdersStack/Api before OrdersStack/LogRetention…), not by their generated names", async () => {
    const synth = new URL("../iac/fixtures/cdk-synth/cdk.out/", import.meta.url).pathname;
    const { html } = await reports([join(synth, "OrdersStack.template.json"), join(synth, "OrdersStackNestedB84F9012.nested.template.json")]);
    const nodes = graphNodes(html);
    // The log retention function's role's generated name has no stack prefix
    // (LogRetention…ServiceRole-66a807f7), so by the names in AWS its cluster came before the Api's
    // (OrdersStack-ApiServiceRole1BD550DA); by the names shown, OrdersStack/Api/ServiceRole comes first.
    const api = nodes.indexOf("role OrdersStack/Api/ServiceRole");
    const logRetention = nodes.findIndex((n) => n.startsWith("role OrdersStack/LogRetention"));
    expect(api).toBeGreaterThanOrEqual(0);
    expect(logRetention).toBeGreaterThan(api);
  });

  it("a Terraform plan: module.orders before module.reports when orders' function_name sorts after reports'", async () => {
    // The tfmod-shared-role plan with module.orders' function named tfmod-shared-zz-orders (the
    // same plan as Terraform writes it for that function_name: every occurrence renamed).
    const plan = readFileSync(new URL("../fixtures/terraform-sweep/tfmod-shared-role/plan.json", import.meta.url), "utf8").replaceAll("tfmod-shared-orders", "tfmod-shared-zz-orders");
    const dir = mkdtempSync(join(tmpdir(), "leastrole-order-"));
    writeFileSync(join(dir, "plan.json"), plan);
    const { doc, md, html } = await reports([join(dir, "plan.json")]);
    expect(doc.functions.map((f) => `${f.displayName} ${f.name}`).sort()).toEqual(["module.orders tfmod-shared-zz-orders", "module.reports tfmod-shared-reports"]);
    // Before: `module.reports`, `module.orders` (by ARN).
    expect(mdUsers(md)).toEqual(["Functions using it: `module.orders`, `module.reports`"]);
    expect(htmlFunctions(html)).toEqual(["module.orders, module.reports"]);
    expect(graphNodes(html)).toEqual(["fn module.orders", "fn module.reports", "role aws_iam_role.shared"]);
  });
});
