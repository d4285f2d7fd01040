import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { renderTable, shouldUseColor } from "../../src/report/index.js";
import { wrap } from "../../src/report/table.js";
import { hostileScenario, scenario, type Scenario } from "./fixtures.js";

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

describe("renderTable", () => {
  let sc: Scenario;
  let text: string;
  beforeAll(() => {
    sc = scenario();
    text = renderTable(sc.report, sc.document, { color: false, width: 100 });
  });

  it("starts with the summary: functions, roles, shared roles, severity counts, suppressed", () => {
    const lines = text.split("\n");
    const s = sc.report.summary;
    expect(lines[0]).toBe(`leastrole ${sc.report.tool.version} - ${s.functions} functions, ${s.roles} roles (4 shared by several functions)`);
    expect(lines[1]).toBe(
      `Findings: ${s.bySeverity.critical} critical, ${s.bySeverity.high} high, ${s.bySeverity.medium} medium, ${s.bySeverity.low} low, ${s.bySeverity.info} info (+1 suppressed)`,
    );
  });

  it("lists a role finding under the functions using the role, merged when they have the same findings", () => {
    const lr001 = sc.report.findings.find((f) => f.ruleId === "LR001" && f.severity === "medium")!;
    const role = sc.document.roles.find((r) => r.arn === lr001.resource.arn)!;
    const names = role.functions.map((a) => sc.document.functions.find((f) => f.arn === a)!.name);
    const block = text.split("\n\n").find((b) => b.startsWith(`${names.length} functions: `) && names.every((n) => b.includes(n)));
    expect(block, `a block naming ${names.join(", ")}`).toBeDefined();
    expect(block!.replace(/\s+/g, " ")).toContain(`(role ${role.name};`);
    // The message appears once in full, not once per function.
    const firstWords = lr001.message.slice(0, 40);
    expect(text.split(firstWords).length - 1).toBe(1);
  });

  it("repeats a role finding shared with a function that has findings of its own as a pointer", () => {
    // The function with its own LR902 finding uses a single-function role: its block has both.
    const lr902 = sc.report.findings.find((f) => f.ruleId === "LR902" && !f.suppressed)!;
    const block = text.split("\n\n").find((b) => b.startsWith(`function ${lr902.resource.name} `))!;
    expect(block).toContain("HIGH     LR902 Function " + lr902.resource.name);
    expect(block).toContain("LOW      LR903 Role ");
    expect(block).toContain("INFO     LR904");
  });

  it("puts findings that reach no function under their own resource", () => {
    expect(text).toContain("\npolicy orphan-policy (attached to no function's role)\n");
    expect(text).toContain("\nprincipal ci-deployer (IAM user or group)\n");
  });

  it("shows suppressed findings apart, with reason, expiry and origin, not in the counts", () => {
    const section = text.slice(text.indexOf("Suppressed (1)")).replace(/\s+/g, " ");
    expect(section).toContain("Public webhook endpoint, reviewed by security (SEC-1234) (until 2027-01-31) [config:.leastrole.yaml]");
    const sup = sc.report.findings.find((f) => f.suppressed)!;
    expect(text.slice(0, text.indexOf("Suppressed (1)"))).not.toContain(sup.message);
  });

  it("ends with top fixes, the most severe cleared first, with the remediation", () => {
    const section = text.slice(text.indexOf("Top fixes")).replace(/\n {5}/g, " ");
    const entries = [...section.matchAll(/^ {2}\d\. (\S+) \S+: clears (\d+) findings? \(([^)]*)\)/gm)].map((m) => ({ rule: m[1]!, n: Number(m[2]), sev: m[3]! }));
    expect(entries.length).toBe(Math.min(5, new Set(sc.report.findings.filter((f) => !f.suppressed).map((f) => f.ruleId)).size));
    // "2 critical, 1 high" → [2, 1, 0, 0, 0]: each line's counts are at least the next's, compared
    // critical first.
    const counts = (sev: string): number[] => ["critical", "high", "medium", "low", "info"].map((sv) => Number(new RegExp(`(\\d+) ${sv}`).exec(sev)?.[1] ?? 0));
    for (let i = 1; i < entries.length; i++) {
      const [a, b] = [counts(entries[i - 1]!.sev), counts(entries[i]!.sev)];
      const k = a.findIndex((n, j) => n !== b[j]);
      if (k !== -1) expect(a[k]!).toBeGreaterThan(b[k]!);
    }
    // Counted independently from the report: LR001's findings by severity.
    const lr001 = sc.report.findings.filter((f) => f.ruleId === "LR001" && !f.suppressed);
    const bySev = ["critical", "high", "medium", "low", "info"].map((sv) => [sv, lr001.filter((f) => f.severity === sv).length] as const).filter(([, n]) => n > 0);
    const line = entries.find((e) => e.rule === "LR001")!;
    expect(line).toEqual({ rule: "LR001", n: lr001.length, sev: bySev.map(([sv, n]) => `${n} ${sv}`).join(", ") });
    expect(section).toContain("Give each function its own execution role");
  });

  it("never exceeds the width, at any width", () => {
    for (const width of [60, 80, 100, 160]) {
      const out = renderTable(sc.report, sc.document, { color: false, width });
      for (const line of out.split("\n")) expect(line.length, line).toBeLessThanOrEqual(width);
    }
  });

  it("keeps within the width with 64-character names (the longest AWS allows)", () => {
    const doc = structuredClone(sc.document);
    const report = structuredClone(sc.report);
    const rename = new Map<string, string>();
    doc.roles.forEach((r, i) => rename.set(r.name, (r.name = `role-${i}-`.padEnd(64, "x"))));
    doc.functions.forEach((f, i) => rename.set(f.name, (f.name = `fn-${i}-`.padEnd(64, "y"))));
    for (const f of report.findings) f.resource.name = rename.get(f.resource.name) ?? f.resource.name;
    // A function of a shared role with a finding of its own: its block differs from its siblings',
    // so the role's finding is shown once in full and once as a pointer.
    const role = doc.roles.find((r) => r.functions.length > 1 && report.findings.some((f) => f.resource.arn === r.arn))!;
    const fn = doc.functions.find((f) => f.arn === role.functions[0])!;
    report.findings.push({ ...report.findings.find((f) => f.resource.type === "function")!, resource: { type: "function", arn: fn.arn, name: fn.name }, fingerprint: "f".repeat(32), suppressed: null });
    for (const width of [60, 100]) {
      const out = renderTable(report, doc, { color: false, width });
      for (const line of out.split("\n")) expect(line.length, line).toBeLessThanOrEqual(width);
      if (width === 100) expect(out.replace(/\s+/g, " ")).toMatch(/: see function fn-\d+-y+ above/);
    }
  });

  it("keeps within the width with a long custom rule id", () => {
    const long = structuredClone(sc.report);
    long.findings[0]!.ruleId = "ACME-SECURITY-PLATFORM-TEAM-RULE-000042";
    for (const width of [60, 100]) {
      const out = renderTable(long, sc.document, { color: false, width });
      for (const line of out.split("\n")) expect(line.length, line).toBeLessThanOrEqual(width);
      expect(out).toContain(`${long.findings[0]!.severity.toUpperCase()}`);
      expect(out.replace(/\s+/g, " ")).toContain(long.findings[0]!.message.replace(/\s+/g, " ").slice(0, 30));
    }
  });

  it("colours only when asked, and colour changes nothing but escape codes", () => {
    expect(text).not.toMatch(ANSI);
    const coloured = renderTable(sc.report, sc.document, { color: true, width: 100 });
    expect(coloured).toMatch(ANSI);
    expect(coloured.replace(ANSI, "")).toBe(text);
  });

  it("says when there are no findings, and warns about partial data", () => {
    const empty = { ...sc.report, findings: [], summary: { ...sc.report.summary, findings: 0, suppressed: 0, bySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0 }, partial: true } };
    const doc = structuredClone(sc.document);
    doc.meta.warnings.push({ code: "unreadable-file", severity: "warning", message: "truncated JSON", file: "lambda/functions.json" });
    // As the normaliser leaves a document with such a warning: partial.
    doc.meta.partial = true;
    const out = renderTable(empty, doc, { color: false });
    expect(out).toContain("Findings: none");
    expect(out).toContain("No findings.");
    expect(out).toContain("Partial data: some inputs were incomplete");
    expect(out).toContain("  - lambda/functions.json: truncated JSON");
  });

  it("strips terminal control sequences that came from the inputs", () => {
    const h = hostileScenario();
    const out = renderTable(h.report, h.document, { color: false });
    expect(out).not.toContain("\u001b");
    expect(out).toContain("<script>"); // text stays readable, only control characters go
  });

  it("is deterministic", () => {
    expect(renderTable(sc.report, sc.document, { color: false, width: 100 })).toBe(text);
  });
});

describe("wrap", () => {
  it("keeps every word, in order, and no line over the width", () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z:/*-]{1,30}$/), { maxLength: 40 }), fc.integer({ min: 10, max: 120 }), (words, width) => {
        const lines = wrap(words.join(" "), width);
        for (const l of lines) expect(l.length).toBeLessThanOrEqual(width);
        expect(lines.join("").replace(/ /g, "")).toBe(words.join(""));
      }),
    );
  });
});

describe("shouldUseColor", () => {
  it("follows NO_COLOR, FORCE_COLOR, the TTY and TERM=dumb; an explicit flag wins", () => {
    expect(shouldUseColor({ isTTY: true, env: {} })).toBe(true);
    expect(shouldUseColor({ isTTY: false, env: {} })).toBe(false);
    expect(shouldUseColor({ isTTY: undefined, env: {} })).toBe(false);
    expect(shouldUseColor({ isTTY: true, env: { TERM: "dumb" } })).toBe(false);
    expect(shouldUseColor({ isTTY: true, env: { NO_COLOR: "1" } })).toBe(false);
    expect(shouldUseColor({ isTTY: true, env: { NO_COLOR: "" } })).toBe(true); // no-color.org: empty means unset
    expect(shouldUseColor({ isTTY: false, env: { FORCE_COLOR: "1" } })).toBe(true);
    expect(shouldUseColor({ isTTY: false, env: { FORCE_COLOR: "" } })).toBe(true);
    expect(shouldUseColor({ isTTY: true, env: { FORCE_COLOR: "0" } })).toBe(false);
    expect(shouldUseColor({ isTTY: true, env: { NO_COLOR: "1", FORCE_COLOR: "1" } })).toBe(false);
    expect(shouldUseColor({ isTTY: false, env: { NO_COLOR: "1" }, flag: true })).toBe(true);
    expect(shouldUseColor({ isTTY: true, env: {}, flag: false })).toBe(false);
  });
});

describe("renderTable maxGroups", () => {
  it("lists the worst blocks and counts the rest", () => {
    const sc = scenario();
    const all = renderTable(sc.report, sc.document, { color: false });
    const cut = renderTable(sc.report, sc.document, { color: false, maxGroups: 2 });
    const blocks = (t: string) => t.split("\n\n").filter((b) => /^(function|\d+ functions:|policy|principal|role) /.test(b));
    expect(blocks(cut)).toEqual(blocks(all).slice(0, 2));
    const rest = blocks(all).slice(2);
    const fns = rest.reduce((n, b) => n + (b.startsWith("function ") ? 1 : /^(\d+) functions:/.test(b) ? Number(/^(\d+)/.exec(b)![1]) : 0), 0);
    const others = rest.filter((b) => /^(policy|principal|role) /.test(b)).length;
    expect(cut.replace(/\s+/g, " ")).toContain(`... ${fns} more functions and ${others} more resources with less severe findings not listed`);
    // Summary and top fixes are unchanged.
    expect(cut.slice(cut.indexOf("Top fixes"))).toBe(all.slice(all.indexOf("Top fixes")));
    expect(cut.split("\n").slice(0, 2)).toEqual(all.split("\n").slice(0, 2));
  });
});
