import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fingerprintOf } from "../../src/evaluate/findings.js";
import type { CanonicalDocument } from "../../src/model/document.js";
import { SEVERITIES, type Finding } from "../../src/model/findings.js";
import { functionsByRole, groupFindingsByFunction, roleUsage, topFixes } from "../../src/report/index.js";
import { stripControl } from "../../src/report/view.js";
import { syntheticDocument } from "../support/synthetic-document.js";

/** Random findings (stand-ins) on the document's functions, roles and on unknown resources. */
function arbFindings(doc: CanonicalDocument) {
  const targets = [
    ...doc.functions.map((f) => ({ type: "function" as const, arn: f.arn, name: f.name })),
    ...doc.roles.map((r) => ({ type: "role" as const, arn: r.arn, name: r.name })),
    { type: "policy" as const, arn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", name: "AWSLambdaBasicExecutionRole" },
    { type: "role" as const, arn: "arn:aws:iam::999999999999:role/elsewhere", name: "elsewhere" },
    { type: "principal" as const, arn: "arn:aws:iam::123456789012:user/ci", name: "ci" },
  ];
  return fc.array(
    fc.record({ t: fc.constantFrom(...targets), sev: fc.constantFrom(...SEVERITIES), rule: fc.constantFrom("LR001", "LR901", "LR902"), sup: fc.boolean(), k: fc.nat(1000) }),
    { maxLength: 40 },
  ).map((items) =>
    items.map(
      ({ t, sev, rule, sup, k }): Finding => ({
        ruleId: rule,
        name: rule.toLowerCase(),
        severity: sev,
        resource: t,
        message: `m${k}`,
        evidence: {},
        remediation: "",
        fingerprint: fingerprintOf(rule, t.arn, String(k)),
        suppressed: sup ? { reason: "r", expires: null, origin: "config" } : null,
        location: null,
      }),
    ),
  );
}

describe("groupFindingsByFunction", () => {
  const doc = syntheticDocument(30, 9);
  const fnsOfRole = functionsByRole(doc);

  it("puts each unsuppressed finding under every function it concerns, and nowhere else", () => {
    fc.assert(
      fc.property(arbFindings(doc), (findings) => {
        const groups = groupFindingsByFunction(findings, doc);
        for (const g of groups) for (const f of g.findings) expect(f.suppressed).toBeNull();
        for (const f of findings.filter((x) => !x.suppressed)) {
          const where = groups.filter((g) => g.findings.includes(f)).map((g) => `${g.kind}:${g.arn}`).sort();
          let expected: string[];
          if (f.resource.type === "function") expected = [`function:${f.resource.arn}`];
          else if (f.resource.type === "role") {
            const fns = fnsOfRole.get(f.resource.arn) ?? [];
            expected = fns.length > 0 ? fns.map((a) => `function:${a}`) : [`role:${f.resource.arn}`];
          } else if (f.resource.type === "policy") {
            // Every synthetic role attaches AWSLambdaBasicExecutionRole: the policy concerns every function.
            expected = doc.functions.map((fn) => `function:${fn.arn}`);
          } else expected = [`principal:${f.resource.arn}`];
          expect(where).toEqual(expected.sort());
        }
      }),
      { numRuns: 60 },
    );
  });

  it("orders groups: functions first, worst severity first", () => {
    fc.assert(
      fc.property(arbFindings(doc), (findings) => {
        const groups = groupFindingsByFunction(findings, doc);
        const fnGroups = groups.filter((g) => g.kind === "function");
        expect(groups.slice(0, fnGroups.length)).toEqual(fnGroups);
        const ranks = fnGroups.map((g) => SEVERITIES.indexOf(g.worst));
        expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
      }),
      { numRuns: 40 },
    );
  });
});

describe("a role no function uses", () => {
  it("says what Lambda runs with it, when it runs something else (a capacity provider's operator role)", () => {
    const doc = syntheticDocument(4, 1);
    const base = doc.roles[0]!;
    const operator = { ...base, arn: "arn:aws:iam::123456789012:role/lmi-operator", name: "lmi-operator", functions: [], lambdaServiceUses: [{ kind: "capacity-provider-operator" as const, resource: "arn:aws:lambda:us-east-1:123456789012:capacity-provider:fleet" }] };
    const leftover = { ...base, arn: "arn:aws:iam::123456789012:role/leftover", name: "leftover", functions: [] };
    const withRoles = { ...doc, roles: [...doc.roles, operator, leftover] };
    const finding = (arn: string, name: string): Finding => ({
      ruleId: "LR003", name: "wildcard-resource", severity: "medium", resource: { type: "role", arn, name }, message: "m", evidence: {},
      remediation: "", fingerprint: fingerprintOf("LR003", arn, "0"), suppressed: null, location: null,
    });
    const groups = groupFindingsByFunction([finding(operator.arn, operator.name), finding(leftover.arn, leftover.name)], withRoles);
    expect(groups.map((g) => [g.name, g.detail])).toEqual([
      ["leftover", "used by no function"],
      ["lmi-operator", "operator role of capacity provider fleet"],
    ]);
  });
});

describe("topFixes", () => {
  const doc = syntheticDocument(20, 3);
  it("accounts for every unsuppressed finding once, the most severe cleared first", () => {
    const counts = (f: { bySeverity: Partial<Record<string, number>> }): number[] => ["critical", "high", "medium", "low", "info"].map((sv) => f.bySeverity[sv] ?? 0);
    fc.assert(
      fc.property(arbFindings(doc), (findings) => {
        const fixes = topFixes(findings, doc, Infinity);
        expect(fixes.reduce((n, f) => n + f.findings, 0)).toBe(findings.filter((f) => !f.suppressed).length);
        // Each fix clears at least as many critical findings as the next, and at a tie as many
        // high ones, and so on; equal counts throughout: by rule id.
        for (let i = 1; i < fixes.length; i++) {
          const [a, b] = [counts(fixes[i - 1]!), counts(fixes[i]!)];
          const k = a.findIndex((n, j) => n !== b[j]);
          if (k === -1) expect(fixes[i - 1]!.ruleId < fixes[i]!.ruleId).toBe(true);
          else expect(a[k]!).toBeGreaterThan(b[k]!);
        }
        for (const fix of fixes) expect(Object.values(fix.bySeverity).reduce((a, b) => a + b, 0)).toBe(fix.findings);
      }),
      { numRuns: 60 },
    );
  });
});

describe("topFixes order", () => {
  it("puts a rule clearing critical findings before one clearing many more medium ones", () => {
    const doc = syntheticDocument(4, 1);
    const fn = doc.functions[0]!;
    const finding = (ruleId: string, severity: "critical" | "medium", i: number): Finding => ({
      ruleId,
      name: ruleId === "LR014" ? "privilege-escalation" : "environment-exposure",
      severity,
      resource: { type: "function", arn: `${fn.arn}-${i}`, name: fn.name },
      message: "m",
      evidence: {},
      remediation: `fix ${ruleId}`,
      fingerprint: `${ruleId}-${i}`,
      suppressed: null,
      location: null,
    });
    const findings = [...Array.from({ length: 50 }, (_, i) => finding("LR013", "medium", i)), finding("LR014", "critical", 0)];
    expect(topFixes(findings, doc).map((f) => [f.ruleId, f.findings])).toEqual([
      ["LR014", 1],
      ["LR013", 50],
    ]);
  });
});

describe("roleUsage", () => {
  it("counts distinct successful actions of the role's functions; all-denied calls do not count", () => {
    const doc = syntheticDocument(6, 1);
    const role = doc.roles[0]!;
    const fn = role.functions[0]!;
    role.facts.allowedActions = ["dynamodb:GetItem", "s3:GetObject"];
    role.facts.allowedActionCount = 2;
    doc.usage.principals = [
      {
        accountId: role.accountId,
        roleArn: role.arn,
        functionName: "x",
        functionArn: fn,
        sessionKind: "function",
        sessionName: "x",
        invokedBy: null,
        regions: ["us-east-1"],
        unmapped: {},
        firstSeen: "2026-10-01T00:00:00Z",
        lastSeen: "2026-10-02T00:00:00Z",
        actions: [
          { action: "s3:GetObject", count: 5, deniedCount: 0, firstSeen: "", lastSeen: "", resources: [], resourcesTruncated: false, resourcePrefix: null, errorCodes: {} },
          { action: "s3:PutObject", count: 3, deniedCount: 3, firstSeen: "", lastSeen: "", resources: [], resourcesTruncated: false, resourcePrefix: null, errorCodes: { AccessDenied: 3 } },
          { action: "sqs:SendMessage", count: 1, deniedCount: 0, firstSeen: "", lastSeen: "", resources: [], resourcesTruncated: false, resourcePrefix: null, errorCodes: {} },
        ],
      },
      // Lambda's own session on the role is not the function's use.
      { accountId: role.accountId, roleArn: role.arn, functionName: null, functionArn: null, sessionKind: "lambda-service", sessionName: "awslambda_1", invokedBy: null, regions: [], unmapped: {}, firstSeen: "", lastSeen: "", actions: [{ action: "ec2:CreateNetworkInterface", count: 1, deniedCount: 0, firstSeen: "", lastSeen: "", resources: [], resourcesTruncated: false, resourcePrefix: null, errorCodes: {} }] },
    ];
    const u = roleUsage(doc).find((x) => x.roleArn === role.arn)!;
    expect(u).toMatchObject({ status: "known", granted: 2, used: 2, usedGranted: 1, usedActions: ["s3:GetObject", "sqs:SendMessage"] });
  });

  it("is unknown, never zero, without usage data, and partial when coverage is partial", () => {
    const doc = syntheticDocument(6, 1);
    doc.usage.present = false;
    for (const u of roleUsage(doc)) expect(u).toMatchObject({ status: "unknown", used: null, usedGranted: null });
    doc.usage.present = true;
    doc.usage.coverage.partial = true;
    doc.usage.coverage.partialReasons = ["2 files unreadable"];
    for (const u of roleUsage(doc)) expect(u).toMatchObject({ status: "partial", statusReason: "usage is partial: 2 files unreadable" });
    doc.usage.coverage.accounts = ["000000000000"];
    for (const u of roleUsage(doc)) expect(u).toMatchObject({ status: "unknown", statusReason: "the usage data does not cover account 123456789012" });
  });

  it("applies a partial-usage reason that names a role to that role only", () => {
    const doc = syntheticDocument(6, 1);
    const [a, b] = doc.roles;
    doc.usage.coverage.partial = true;
    doc.usage.coverage.partialReasons = [`${a!.arn}: grants 209 actions; labels cover 180`];
    const byArn = new Map(roleUsage(doc).map((u) => [u.roleArn, u]));
    expect(byArn.get(a!.arn)).toMatchObject({ status: "partial", statusReason: `usage is partial: ${a!.arn}: grants 209 actions; labels cover 180` });
    expect(byArn.get(b!.arn)).toMatchObject({ status: "known", statusReason: null });
    doc.usage.coverage.partialReasons.push("3 CloudTrail files could not be read");
    expect(roleUsage(doc).find((u) => u.roleArn === b!.arn)).toMatchObject({ status: "partial", statusReason: "usage is partial: 3 CloudTrail files could not be read" });
  });

  it("includes execution roles that are not in the inputs, with an unknown grant", () => {
    const doc = syntheticDocument(4, 2);
    doc.functions[0]!.roleArn = "arn:aws:iam::123456789012:role/path/missing-role";
    const u = roleUsage(doc).find((x) => x.roleArn.endsWith("missing-role"))!;
    expect(u).toMatchObject({ roleName: "missing-role", granted: null, functions: [doc.functions[0]!.arn] });
  });
});

describe("stripControl", () => {
  it("removes every C0/C1 control (but tab and newline) and bidi override", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (s) => {
        // eslint-disable-next-line no-control-regex
        expect(stripControl(s)).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      }),
    );
  });
});
