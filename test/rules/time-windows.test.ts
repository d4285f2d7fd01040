/**
 * `aws:CurrentTime` windows through the real pipeline (export → normaliser and IAM facts → analysis
 * → compiled pack). The export's roles were created on 2026-01-01, so the audit's reference instant
 * is then: a window that closed in 2017 (cloudgoat's `iam:Get*` policy, docs/comparison.md) grants
 * nothing any more, a start date in 2020 is no restriction, a window open until 2030 is a condition.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { audit } from "../../src/index.js";
import { exportRole, writeExport } from "../support/authorization-details.js";

const work = mkdtempSync(join(tmpdir(), "leastrole-time-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const CLOSED = { DateGreaterThan: { "aws:CurrentTime": "2017-07-01T00:00:00Z" }, DateLessThan: { "aws:CurrentTime": "2017-12-31T23:59:59Z" } };
const STARTED = { DateGreaterThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } };
const OPEN = { DateLessThan: { "aws:CurrentTime": "2030-01-01T00:00:00Z" } };
const inline = (statement: object) => [{ Version: "2012-10-17", Statement: [statement] }];
const getStar = (Condition?: object) => inline({ Effect: "Allow", Action: "s3:PutObject", Resource: "*", ...(Condition ? { Condition } : {}) });
const escalate = (Condition?: object) => inline({ Effect: "Allow", Action: ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], Resource: "*", ...(Condition ? { Condition } : {}) });

const roles = [
  exportRole("plain", { inline: getStar() }),
  exportRole("closed", { inline: getStar(CLOSED) }),
  exportRole("started", { inline: getStar(STARTED) }),
  exportRole("open", { inline: getStar(OPEN) }),
  exportRole("escalate-closed", { inline: escalate(CLOSED) }),
  exportRole("escalate-started", { inline: escalate(STARTED) }),
];

const forRole = (findings: { ruleId: string; resource: { name: string }; severity: string }[], rule: string, name: string) =>
  findings.filter((f) => f.ruleId === rule && f.resource.name === name).map((f) => f.severity);

describe("time windows (aws:CurrentTime) in an audit", () => {
  it("a closed window grants nothing, a past start date is no condition, an open window is one", async () => {
    const file = writeExport(work, roles);
    const { report, document } = await audit([file]);
    expect(document.meta.asOf).toBe("2026-01-01T00:00:00.000Z");
    const plain = forRole(report.findings, "LR003", "plain");
    expect(plain.length).toBe(1);
    // LR003 wildcard-resource: the closed window is silent; the start date is judged as no condition.
    expect(forRole(report.findings, "LR003", "closed")).toEqual([]);
    expect(forRole(report.findings, "LR003", "started")).toEqual(plain);
    const open = forRole(report.findings, "LR003", "open");
    expect(open.length).toBe(1);
    expect(open).not.toEqual(plain);
    // The facts agree: the closed statement is not in them and allows nothing.
    const facts = (name: string) => document.roles.find((r) => r.name === name)!.facts;
    expect(facts("closed").statements).toEqual([]);
    expect(facts("closed").allowedActionCount).toBe(0);
    expect(facts("started").conditionalActionCount).toBe(0);
    expect(facts("started").statements[0]!.hasConditions).toBe(false);
    expect(facts("open").conditionalActionCount).toBe(1);
    // LR014: no escalation through a closed window; an unconditional one after a past start date.
    expect(forRole(report.findings, "LR014", "escalate-closed")).toEqual([]);
    const started = document.roles.find((r) => r.name === "escalate-started")!.analysis!.escalationPaths;
    expect(started.map((p) => p.id)).toContain("passrole-lambda");
    expect(started.every((p) => !p.conditional)).toBe(true);
  });

  it("a cross-account trust whose window has closed lets nobody in (LR011), one still open does", async () => {
    const trust = (Condition: object) => ({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
        { Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:root" }, Action: "sts:AssumeRole", Condition },
      ],
    });
    const withTrust = (name: string, Condition: object) => ({ ...exportRole(name, { inline: getStar() }), AssumeRolePolicyDocument: trust(Condition) });
    const file = writeExport(work, [withTrust("vendor-closed", CLOSED), withTrust("vendor-open", OPEN)]);
    const { report, document } = await audit([file]);
    const trusted = (name: string) => document.roles.find((r) => r.name === name)!.analysis!.trust.principals.map((p) => p.identifier);
    expect(trusted("vendor-closed")).toEqual(["lambda.amazonaws.com"]);
    expect(trusted("vendor-open")).toEqual(["lambda.amazonaws.com", "arn:aws:iam::999999999999:root"]);
    expect(report.findings.filter((f) => f.ruleId === "LR011").map((f) => f.resource.name)).toEqual(["vendor-open"]);
  });

  it("a public invoke permission whose window has closed is not reported (LR012); one still open is", async () => {
    const dir = mkdtempSync(join(work, "lambda-"));
    const policy = (Condition: object) =>
      JSON.stringify({ Version: "2012-10-17", Id: "default", Statement: [{ Sid: "public", Effect: "Allow", Principal: "*", Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:us-east-1:123456789012:function:FN", Condition }] });
    const config = (name: string) => ({ FunctionName: name, FunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`, Runtime: "nodejs20.x", Role: "arn:aws:iam::123456789012:role/plain", Handler: "index.handler", LastModified: "2025-06-01T00:00:00.000+0000", PackageType: "Zip" });
    writeFileSync(join(dir, "list-functions.json"), JSON.stringify({ Functions: [config("demo-closed"), config("demo-open")] }));
    for (const [name, cond] of [["demo-closed", CLOSED], ["demo-open", OPEN]] as const) {
      writeFileSync(join(dir, `get-policy-${name}.json`), JSON.stringify({ Policy: policy(cond).replace("FN", name), RevisionId: "r1" }));
    }
    const file = writeExport(work, [exportRole("plain", { inline: getStar() })]);
    const { report, document } = await audit([file, dir]);
    expect(document.functions.map((f) => [f.name, f.resourcePolicy === null])).toEqual([["demo-closed", false], ["demo-open", false]]);
    expect(report.findings.filter((f) => f.ruleId === "LR012").map((f) => f.resource.name)).toEqual(["demo-open"]);
  });

  it("a collection's end (leastrole collect's manifest) is the reference instant: a window that closed since the newest role date grants nothing", async () => {
    const HALF_YEAR = { DateLessThan: { "aws:CurrentTime": "2026-06-30T00:00:00Z" } };
    const dir = mkdtempSync(join(work, "collected-"));
    writeExport(dir, [exportRole("half-year", { inline: getStar(HALF_YEAR) })]);
    const without = await audit([dir]);
    expect(without.document.meta.asOf).toBe("2026-01-01T00:00:00.000Z");
    expect(forRole(without.report.findings, "LR003", "half-year")).toEqual(["low"]);
    writeFileSync(join(dir, "manifest.json"), JSON.stringify({ kind: "leastrole-collect-manifest", manifestVersion: 1, startedAt: "2026-11-28T09:00:00.000Z", finishedAt: "2026-11-28T09:05:00.000Z", partial: false, calls: [] }));
    const collected = await audit([dir]);
    expect(collected.document.meta.asOf).toBe("2026-11-28T09:05:00.000Z");
    expect(forRole(collected.report.findings, "LR003", "half-year")).toEqual([]);
  });

  it("--as-of inside the window: the same statement is a conditional grant again", async () => {
    const file = writeExport(work, [exportRole("closed", { inline: getStar(CLOSED) })]);
    const { report, document } = await audit([file], { asOf: "2017-08-01T00:00:00Z" });
    expect(document.meta.asOf).toBe("2017-08-01T00:00:00.000Z");
    expect(forRole(report.findings, "LR003", "closed").length).toBe(1);
    expect(document.roles[0]!.facts.conditionalActionCount).toBe(1);
  });
});
