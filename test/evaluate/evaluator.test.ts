import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applySuppressions, compareFindings, evaluateDocument, fingerprintOf, loadBuiltinPack, type SuppressionRule } from "../../src/evaluate/index.js";
import type { Finding } from "../../src/model/findings.js";
import { syntheticDocument } from "../support/synthetic-document.js";

const pack = () => loadBuiltinPack();
const ROLE = "arn:aws:iam::123456789012:role/service-role/shared";

function twoFunctionsOneRole(tags: Record<string, string> = {}) {
  const doc = syntheticDocument(0);
  for (const name of ["b-fn", "a-fn"]) {
    doc.functions.push({
      ...syntheticDocument(1).functions[0]!,
      arn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
      name,
      roleArn: ROLE,
      tags: {},
    });
  }
  doc.roles.push({ ...syntheticDocument(1).roles[0]!, arn: ROLE, name: "shared", tags, functions: doc.functions.map((f) => f.arn).sort() });
  return doc;
}

describe("evaluateDocument", () => {
  it("reports a shared role with the rule's metadata, remediation and a stable fingerprint", () => {
    const { findings, diagnostics } = evaluateDocument(twoFunctionsOneRole(), [pack()]);
    expect(diagnostics).toEqual([]);
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect(f).toMatchObject({
      ruleId: "LR001",
      name: "shared-execution-role",
      severity: "medium",
      resource: { type: "role", arn: ROLE, name: "shared" },
      message: "Role shared is the execution role of 2 functions (a-fn, b-fn)",
      suppressed: null,
      location: null,
    });
    expect(f.remediation).toMatch(/own execution role/);
    expect(f.fingerprint).toBe(fingerprintOf("LR001", ROLE, ""));
  });

  it("gives byte-identical results run after run, and sorts by severity, rule, resource", () => {
    const doc = syntheticDocument(400, 11);
    const a = JSON.stringify(evaluateDocument(doc, [pack()]));
    const b = JSON.stringify(evaluateDocument(structuredClone(doc), [pack()]));
    expect(a).toBe(b);
    const { findings } = JSON.parse(a) as { findings: Finding[] };
    expect(findings.length).toBeGreaterThan(10);
    expect([...findings].sort(compareFindings)).toEqual(findings);
    expect(findings[0]!.severity).toBe("high");
  });

  it("does not depend on the order of functions and roles in the document", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const doc = syntheticDocument(60, 5);
        const shuffled = structuredClone(doc);
        const rand = (i: number) => (Math.imul(seed ^ i, 2654435761) >>> 0) / 2 ** 32;
        shuffled.functions.sort((x, y) => rand(x.name.length) - rand(y.name.length) || (x.arn < y.arn ? 1 : -1));
        shuffled.roles.reverse();
        expect(evaluateDocument(shuffled, [pack()]).findings).toEqual(evaluateDocument(doc, [pack()]).findings);
      }),
      { numRuns: 15 },
    );
  });

  it("takes the location of a finding from where its resource was defined", () => {
    const doc = twoFunctionsOneRole();
    doc.roles[0]!.source = { file: "template.yaml", line: 42, address: "SharedRole" };
    expect(evaluateDocument(doc, [pack()]).findings[0]!.location).toEqual({ file: "template.yaml", line: 42, address: "SharedRole" });
    // A synthesised CDK resource also names its construct.
    doc.roles[0]!.source = { file: "cdk.out/App.template.json", line: 7, address: "SharedRoleD1D02F7E", construct: "App/SharedRole/Resource" };
    expect(evaluateDocument(doc, [pack()]).findings[0]!.location).toEqual({ file: "cdk.out/App.template.json", line: 7, address: "SharedRoleD1D02F7E", construct: "App/SharedRole/Resource" });
    // An export's entry has no line, only its place in the file.
    doc.roles[0]!.source = { file: "authz.json", line: null, address: "RoleDetailList[3]" };
    expect(evaluateDocument(doc, [pack()]).findings[0]!.location).toEqual({ file: "authz.json", line: null, address: "RoleDetailList[3]" });
  });

  it("passes rule options from the configuration to the rules", () => {
    const doc = twoFunctionsOneRole();
    doc.functions[0]!.tags = { tier: "gold" };
    doc.functions[1]!.tags = { tier: "silver" };
    expect(evaluateDocument(doc, [pack()]).findings[0]!.severity).toBe("medium");
    expect(evaluateDocument(doc, [pack()], { ruleOptions: { sensitivity_tag_keys: ["Tier"] } }).findings[0]!.severity).toBe("high");
    // and the cached instance is not stuck with the previous data
    expect(evaluateDocument(doc, [pack()]).findings[0]!.severity).toBe("medium");
  });
});

describe("suppressions", () => {
  const today = "2026-11-28";

  it("marks a finding suppressed with its reason and keeps it in the result", () => {
    const rules: SuppressionRule[] = [{ rule: "LR001", resource: ROLE, reason: "migration to per-function roles tracked in JIRA-12", expires: "2027-01-31" }];
    const { findings, suppressions } = evaluateDocument(twoFunctionsOneRole(), [pack()], { suppressions: rules, today });
    expect(findings).toHaveLength(1);
    expect(findings[0]!.suppressed).toEqual({ reason: "migration to per-function roles tracked in JIRA-12", expires: "2027-01-31", origin: "config" });
    expect(suppressions.unused).toEqual([]);
  });

  it("matches rule names and globs over ARNs or names", () => {
    for (const resource of ["arn:aws:iam::123456789012:role/service-role/*", "shared", "sh?red", "*"]) {
      const { findings } = evaluateDocument(twoFunctionsOneRole(), [pack()], { suppressions: [{ rule: "shared-execution-role", resource, reason: "accepted" }], today });
      expect(findings[0]!.suppressed?.reason, resource).toBe("accepted");
    }
    const { findings } = evaluateDocument(twoFunctionsOneRole(), [pack()], { suppressions: [{ rule: "LR001", resource: "arn:aws:iam::999999999999:*", reason: "other account" }], today });
    expect(findings[0]!.suppressed).toBeNull();
  });

  it("resurfaces a finding whose suppression expired, with a warning", () => {
    const { findings, diagnostics, suppressions } = evaluateDocument(twoFunctionsOneRole(), [pack()], {
      suppressions: [{ rule: "LR001", resource: ROLE, reason: "temporary", expires: "2026-11-27" }],
      today,
    });
    expect(findings[0]!.suppressed).toBeNull();
    expect(suppressions.expired).toHaveLength(1);
    expect(diagnostics.find((d) => d.code === "suppression-expired")?.message).toMatch(/expired on 2026-11-27 \(temporary\)/);
  });

  it("still applies on its last day", () => {
    const { findings } = evaluateDocument(twoFunctionsOneRole(), [pack()], { suppressions: [{ rule: "LR001", resource: ROLE, reason: "r", expires: today }], today });
    expect(findings[0]!.suppressed).not.toBeNull();
  });

  it("reports suppressions that matched nothing, and rejects ones without a reason", () => {
    const { diagnostics, suppressions, findings } = evaluateDocument(twoFunctionsOneRole(), [pack()], {
      suppressions: [
        { rule: "LR003", resource: ROLE, reason: "no such finding" },
        { rule: "LR001", resource: ROLE, reason: "  " },
        { rule: "LR001", resource: ROLE, reason: "bad date", expires: "next week" },
      ],
      today,
    });
    expect(findings[0]!.suppressed).toBeNull();
    expect(suppressions.unused.map((s) => s.rule)).toEqual(["LR003"]);
    expect(diagnostics.filter((d) => d.code === "invalid-suppression").map((d) => d.message)).toEqual([
      expect.stringMatching(/a reason is required/),
      expect.stringMatching(/expires must be a date YYYY-MM-DD/),
    ]);
  });

  it("reads suppressions from tags on the role, with an optional expiry", () => {
    const doc = twoFunctionsOneRole({ "leastrole:suppress:LR001": "shared by design: same team, same data until 2027-03-01" });
    const { findings } = evaluateDocument(doc, [pack()], { today });
    expect(findings[0]!.suppressed).toEqual({ reason: "shared by design: same team, same data", expires: "2027-03-01", origin: `tag:${ROLE}` });
    const later = evaluateDocument(doc, [pack()], { today: "2027-03-02" });
    expect(later.findings[0]!.suppressed).toBeNull();
  });

  it("does not apply a tag whose 'until' is not a real date, and says which tag on what", () => {
    for (const [value, got] of [
      ["legacy, fix pending until 2025-3-31", "2025-3-31"],
      ["legacy until 2027-02-30", "2027-02-30"],
      ["wait until Q3", "Q3"],
      ["legacy until", ""],
    ]) {
      const doc = twoFunctionsOneRole({ "leastrole:suppress:LR001": value! });
      const { findings, diagnostics } = evaluateDocument(doc, [pack()], { today });
      expect(findings[0]!.suppressed, value).toBeNull();
      expect(diagnostics.filter((d) => d.code === "invalid-suppression").map((d) => d.message), value).toEqual([
        `tag leastrole:suppress:LR001 on ${ROLE} ignored: "until" must be followed by a date YYYY-MM-DD (got ${JSON.stringify(got)}): write "<reason> until 2027-03-31", or leave "until" out of a suppression without expiry; the finding is reported meanwhile`,
      ]);
    }
    // The last "until" is the expiry; without one the suppression has none.
    const { findings } = evaluateDocument(twoFunctionsOneRole({ "leastrole:suppress:LR001": "kept until the split until 2028-02-29" }), [pack()], { today });
    expect(findings[0]!.suppressed).toEqual({ reason: "kept until the split", expires: "2028-02-29", origin: `tag:${ROLE}` });
    const forever = evaluateDocument(twoFunctionsOneRole({ "leastrole:suppress:LR001": "accepted: same team" }), [pack()], { today });
    expect(forever.findings[0]!.suppressed).toEqual({ reason: "accepted: same team", expires: null, origin: `tag:${ROLE}` });
  });

  it("refuses an expiry that is no day of the calendar, which Date.parse would roll over", () => {
    for (const expires of ["2027-02-30", "2027-04-31", "2027-13-01", "2027-00-10", "2026-02-29"]) {
      const { findings, diagnostics } = evaluateDocument(twoFunctionsOneRole(), [pack()], { suppressions: [{ rule: "LR001", resource: ROLE, reason: "r", expires }], today });
      expect(findings[0]!.suppressed, expires).toBeNull();
      expect(diagnostics.find((d) => d.code === "invalid-suppression")?.message, expires).toMatch(/expires must be a date YYYY-MM-DD/);
    }
    const leap = evaluateDocument(twoFunctionsOneRole(), [pack()], { suppressions: [{ rule: "LR001", resource: ROLE, reason: "r", expires: "2028-02-29" }], today });
    expect(leap.findings[0]!.suppressed?.expires).toBe("2028-02-29");
  });

  it("never adds or removes findings, only marks them (property)", () => {
    const base = evaluateDocument(syntheticDocument(200, 9), [pack()], { today }).findings;
    const rule = fc.record({
      rule: fc.constantFrom("LR001", "shared-execution-role", "*", "LR999"),
      resource: fc.oneof(fc.constantFrom("*", "*role-1*", "arn:aws:iam::123456789012:*"), fc.string({ maxLength: 12 })),
      reason: fc.string({ maxLength: 10 }),
      expires: fc.option(fc.constantFrom("2026-01-01", "2026-11-28", "2030-12-31"), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 6 }), (rules) => {
        const out = applySuppressions(base, rules, today).findings;
        expect(out.map((f) => f.fingerprint)).toEqual(base.map((f) => f.fingerprint));
        for (const f of out) if (f.suppressed) expect(f.suppressed.reason.trim()).not.toBe("");
      }),
      { numRuns: 200 },
    );
  });
});
