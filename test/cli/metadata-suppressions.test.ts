/**
 * Suppressions written in a template's resource Metadata (`Metadata: leastrole: suppress:`),
 * through the built CLI, in the JSON, SARIF and text reports: the finding stays, marked with the
 * reason and `template:<file>#<LogicalId>`; in SARIF a suppression of kind inSource with the
 * reason as justification. Before, the Metadata was not read and the findings were reported.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const cli = join(packageRoot(), "dist", "cli.js");
const work = mkdtempSync(join(tmpdir(), "lr-meta-suppress-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Boundary:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: ["s3:*"]
            Resource: "*"
  Lister:
    Type: AWS::Serverless::Function
    Metadata:
      leastrole:
        suppress:
          - rule: LR005
            reason: "logs go to the telemetry extension, not CloudWatch"
          - rule: LR003
            reason: "the function reads objects of every bucket by design"
            expires: 2099-03-31
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      PermissionsBoundary: !Ref Boundary
      Policies:
        - Statement:
            - Effect: Allow
              Action: ["s3:GetObject"]
              Resource: "*"
`;

function run(format: string): { stdout: string; stderr: string; status: number | null } {
  writeFileSync(join(work, "template.yaml"), TEMPLATE);
  const r = spawnSync(process.execPath, [cli, "audit", "template.yaml", "--format", format, "--quiet"], { cwd: work, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", COLUMNS: "200" } });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe("leastrole audit: suppressions in a SAM function's Metadata", () => {
  it("JSON: LR005 on the function and LR003 on its SAM-made role are suppressed, with reason, expiry and origin", () => {
    const r = run("json");
    expect(r.stderr).toBe("");
    const report = JSON.parse(r.stdout) as { summary: { suppressed: number }; findings: { ruleId: string; resource: { type: string; name: string }; suppressed: unknown }[]; diagnostics: unknown[] };
    const of = (ruleId: string) => report.findings.filter((f) => f.ruleId === ruleId).map((f) => ({ type: f.resource.type, name: f.resource.name, suppressed: f.suppressed }));
    expect(of("LR005")).toEqual([{ type: "function", name: "Lister", suppressed: { reason: "logs go to the telemetry extension, not CloudWatch", expires: null, origin: "template:template.yaml#Lister" } }]);
    expect(of("LR003")).toEqual([{ type: "role", name: "ListerRole", suppressed: { reason: "the function reads objects of every bucket by design", expires: "2099-03-31", origin: "template:template.yaml#Lister" } }]);
    expect(report.summary.suppressed).toBe(2);
    expect(report.diagnostics).toEqual([]);
  });

  it("SARIF: each result keeps a suppression of kind inSource, the reason as justification", () => {
    const r = run("sarif");
    const sarif = JSON.parse(r.stdout) as { runs: { results: { ruleId: string; suppressions?: unknown[] }[] }[] };
    const results = sarif.runs[0]!.results.filter((x) => x.ruleId === "LR005" || x.ruleId === "LR003");
    expect(results.map((x) => [x.ruleId, x.suppressions]).sort()).toEqual([
      ["LR003", [{ kind: "inSource", status: "accepted", justification: "the function reads objects of every bucket by design", properties: { origin: "template:template.yaml#Lister", expires: "2099-03-31" } }]],
      ["LR005", [{ kind: "inSource", status: "accepted", justification: "logs go to the telemetry extension, not CloudWatch", properties: { origin: "template:template.yaml#Lister", expires: null } }]],
    ]);
  });

  it("text: the findings are listed under Suppressed, each with its reason and origin", () => {
    const r = run("table");
    const out = r.stdout;
    expect(out).toContain("Suppressed (2)");
    const tail = out.slice(out.indexOf("Suppressed (2)"));
    expect(tail).toContain("function Lister: logs go to the telemetry extension, not CloudWatch [template:template.yaml#Lister]");
    expect(tail).toContain("role ListerRole: the function reads objects of every bucket by design (until 2099-03-31) [template:template.yaml#Lister]");
  });
});
