import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { fingerprintOf } from "../../src/evaluate/findings.js";
import type { Finding, Severity } from "../../src/model/findings.js";
import { summarise } from "../../src/report/json.js";
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from "../../src/report/index.js";
import { htmlEscape, htmlText, mdCode, mdFence, mdText } from "../../src/report/markdown-escape.js";
import { githubAutolinks, outsideCode } from "../support/markdown.js";
import { EVIL, hostileScenario, scenario, type Scenario } from "./fixtures.js";

describe("renderMarkdown", () => {
  let sc: Scenario;
  let md: string;
  beforeAll(() => {
    sc = scenario();
    md = renderMarkdown(sc.report, sc.document);
  });

  it("opens with a summary table of counts by severity", () => {
    const s = sc.report.summary;
    expect(md.startsWith(`## leastrole: ${s.findings} findings in ${s.functions} functions\n\n| Severity | Findings |\n| --- | ---: |\n`)).toBe(true);
    expect(md).toContain(`| 🔴 Critical | ${s.bySeverity.critical} |\n| 🟠 High | ${s.bySeverity.high} |\n| 🟡 Medium | ${s.bySeverity.medium} |`);
    expect(md).toContain(`| Suppressed | ${s.suppressed} |`);
    expect(md).toContain("(**4** shared by several functions)");
  });

  it("groups findings by severity, most severe first, each with its evidence folded in <details>", () => {
    const b = sc.report.summary.bySeverity;
    const order = [`### 🔴 Critical (${b.critical})`, `### 🟠 High (${b.high})`, `### 🟡 Medium (${b.medium})`, `### 🔵 Low (${b.low})`, `### ⚪ Info (${b.info})`].map((h) => md.indexOf(h));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const critical = md.slice(order[0], order[1]);
    expect(critical).toContain("🔴 **`LR901` full\\-admin\\-access** · role `auth-role-6` (4 functions) · `infra/template.yaml:42`");
    const role = sc.document.roles.find((r) => r.name === "auth-role-6")!;
    const names = role.functions.map((a) => "`" + sc.document.functions.find((f) => f.arn === a)!.name + "`").join(", ");
    expect(critical).toContain(
      `<details><summary>Evidence and fix</summary>\n\nARN: \`${role.arn}\`\n\nFunctions using it: ${names}\n\n\`\`\`json\n{\n  "policy": "arn:aws:iam::aws:policy/AdministratorAccess"`,
    );
  });

  it("a top fix's remediation longer than the line allows is cut at a word, with an ellipsis", () => {
    // Before: cut at 400 characters wherever they fell, LR014's as "… and consider", a sentence
    // that stops mid-way with nothing saying it was cut.
    const report = structuredClone(sc.report);
    const long = "Remove the actions each path lists from the role, or scope them to resources that cannot lead to more privilege; ".repeat(5) + "and consider a permissions boundary.";
    for (const f of report.findings) f.remediation = long;
    const first = renderMarkdown(report, sc.document).split("\n").find((l) => l.startsWith("1. **"))!;
    const remedy = first.slice(first.indexOf(" clears ")).replace(/^ clears \d+ findings? \\\([^)]*\\\): /, "");
    expect(remedy.endsWith("…")).toBe(true);
    const kept = remedy.slice(0, -1).replace(/\\(.)/g, "$1");
    expect(kept.length).toBeLessThanOrEqual(400);
    expect(long.startsWith(kept)).toBe(true);
    expect(long[kept.length]).toMatch(/[ ,;]/);
    // A short one is shown whole, without an ellipsis.
    expect(renderMarkdown(sc.report, sc.document).split("\n").find((l) => l.startsWith("1. **"))).not.toContain("…");
  });

  it("separates blocks with blank lines so headings after </details> render", () => {
    expect(md).not.toMatch(/<\/details>\n(?!\n)/);
    expect(md).toMatch(/<\/details>\n\n### /);
    // Each finding starts a paragraph of its own.
    for (const m of md.matchAll(/\n(🔴|🟠|🟡|🔵|⚪) \*\*/g)) expect(md[m.index! - 1]).toBe("\n");
  });

  it("lists suppressed findings apart with reason, expiry and origin", () => {
    const section = md.slice(md.indexOf("### Suppressed (1)"));
    expect(section).toContain("| Rule | Resource | Reason | Expires | Origin |");
    expect(section).toContain("Public webhook endpoint, reviewed by security \\(SEC\\-1234\\)");
    expect(section).toContain("`2027-01-31`");
    const sup = sc.report.findings.find((f) => f.suppressed)!;
    expect(md.slice(0, md.indexOf("### Suppressed"))).not.toContain(mdText(sup.message));
  });

  it("shows the partial-data warning as a GitHub alert", () => {
    const doc = structuredClone(sc.document);
    doc.meta.partial = true;
    doc.meta.warnings.push({ code: "unreadable-file", severity: "error", message: "unexpected end of JSON", file: "lambda.json" });
    const report = { ...sc.report, summary: summarise(doc, sc.report.findings) };
    const out = renderMarkdown(report, doc);
    expect(out).toContain("> [!WARNING]\n> **Partial data.**");
    expect(out).toContain("> - lambda\\.json\\: unexpected end of JSON");
  });

  it("cuts a long remediation, partial-data reason or diagnostic at a word boundary, marked with …", () => {
    // Words of 7 letters and a space: a cut at 200, 400 or 500 characters falls inside a word.
    const words = (n: number, tag: string): string => Array.from({ length: n }, (_, i) => `${tag}${String(i).padStart(3, "0")}x`).join(" ");
    const remediation = words(80, "fix");
    const reason = words(60, "why");
    const diagnostic = words(90, "dia");
    const doc = structuredClone(sc.document);
    doc.meta.partial = true;
    doc.meta.warnings.push({ code: "unreadable-file", severity: "error", message: reason });
    const findings = sc.report.findings.map((f) => (f.ruleId === "LR901" ? { ...f, remediation } : f));
    const report = {
      ...sc.report,
      findings,
      summary: summarise(doc, findings),
      diagnostics: [...sc.report.diagnostics, { severity: "warning" as const, code: "test", message: diagnostic }],
    };
    const out = renderMarkdown(report, doc);
    const after = (marker: string): string => {
      const line = out.split("\n").find((l) => l.includes(marker));
      expect(line, marker).toBeDefined();
      return line!.slice(line!.indexOf(marker) + marker.length);
    };
    const shown = [
      { text: after("full\\-admin\\-access** clears ").replace(/^\d+ findings? \\\([^)]*\\\): /, ""), whole: remediation, max: 400 },
      { text: after("> - "), whole: reason, max: 200 },
      { text: after("- **warning** "), whole: diagnostic, max: 500 },
    ];
    for (const { text, whole, max } of shown) {
      expect(text.endsWith("…"), text).toBe(true);
      const kept = text.slice(0, -1);
      expect(kept.length).toBeLessThanOrEqual(max);
      expect(kept.length).toBeGreaterThan(max / 2);
      // A prefix of the original ending where a word ends.
      expect(whole.startsWith(kept)).toBe(true);
      expect(whole[kept.length]).toBe(" ");
    }
  });

  it("is deterministic and not truncated when it fits", () => {
    expect(renderMarkdown(sc.report, sc.document)).toBe(md);
    expect(md).not.toContain("Truncated");
  });

  it("neutralises hostile strings: no raw HTML, links, mentions or images survive", () => {
    const h = hostileScenario();
    const full = renderMarkdown(h.report, h.document);
    // Code is literal in CommonMark (no HTML, links or mentions inside): check everything else.
    const out = outsideCode(full);
    expect(full).toContain("<img"); // it is there, as code
    expect(out).not.toContain("<img");
    expect(out).not.toContain("<script");
    // Escaped or not, GitHub mentions @octocat and links #1 (github/markup#1168): none may be left.
    expect(githubAutolinks(out)).toEqual([]);
    expect(out).not.toMatch(/(?<!\\)\[x\]\(/);
    expect(out).not.toContain("\u001b");
    // The only raw HTML tags are the ones we write.
    const tags = new Set([...out.matchAll(/<\/?([a-z]+)/gi)].map((m) => m[1]!.toLowerCase()));
    expect([...tags].sort()).toEqual(["details", "sub", "summary"]);
  });
});

function manyFindings(n: number, messageLength: number, seed: number): Finding[] {
  const sevs: Severity[] = ["critical", "high", "medium", "low", "info"];
  return Array.from({ length: n }, (_, i) => {
    const arn = `arn:aws:lambda:us-east-1:123456789012:function:fn-${seed}-${i}`;
    const message = `Stand-in finding ${i} ${"x".repeat(messageLength)}`;
    return {
      ruleId: `LR9${String(i % 50).padStart(2, "0")}`,
      name: "stand-in",
      severity: sevs[(i + seed) % 5]!,
      resource: { type: "function", arn, name: `fn-${i}` },
      message,
      evidence: { actions: Array.from({ length: (i % 7) * 10 }, (_, k) => `s3:Action${k}`) },
      remediation: "Do the thing.",
      fingerprint: fingerprintOf("LR900", arn, message),
      suppressed: i % 11 === 0 ? { reason: "accepted", expires: null, origin: "config:x" } : null,
      location: null,
    };
  });
}

describe("renderMarkdown length limit", () => {
  const sc = scenario(8, 1);

  it("stays within GitHub's 65,536 characters and says what was left out", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 4 }), (n, len, seed) => {
        const findings = manyFindings(n, len, seed);
        const report = { ...sc.report, findings, summary: summarise(sc.document, findings) };
        const out = renderMarkdown(report, sc.document);
        expect(out.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
        const active = findings.filter((f) => !f.suppressed).length;
        const shown = (out.match(/^(🔴|🟠|🟡|🔵|⚪) \*\*/gm) ?? []).length;
        if (shown < active) expect(out).toMatch(new RegExp(`Truncated to fit GitHub's 65,536-character comment limit: ${active - shown} findings? not shown`));
        else expect(shown).toBe(active);
      }),
      { numRuns: 25 },
    );
  });

  it("keeps the most severe findings when it must drop some", () => {
    const findings = manyFindings(4000, 200, 0);
    const report = { ...sc.report, findings, summary: summarise(sc.document, findings) };
    const out = renderMarkdown(report, sc.document, { maxLength: 20_000, fullReportUrl: "https://ci.example/run/1/report.html" });
    expect(out.length).toBeLessThanOrEqual(20_000);
    expect(out).toContain("### 🔴 Critical");
    expect(out).not.toContain("### ⚪ Info");
    expect(out).toContain("[Full report](https://ci.example/run/1/report.html)");
  });
});

describe("Markdown escaping", () => {
  it("mdText leaves no Markdown or HTML syntax unescaped", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        const out = mdText(s);
        expect(out).not.toMatch(/[<>]/);
        expect(out).not.toContain("\n");
        // Every special character is preceded by a backslash (or is part of an entity we wrote).
        const withoutEscapes = out.replace(/\\[\\`*_{}[\]()#+\-.!|~@:"'$%^=]/g, "").replace(/&#\d+;/g, "");
        expect(withoutEscapes).not.toMatch(/[\\`*_{}[\]()#+\-!|~@<>]/);
      }),
    );
  });

  it("mdCode's delimiter is longer than any backtick run inside", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (s) => {
        const out = mdCode(s);
        const fence = /^`+/.exec(out)![0];
        const inner = out.slice(fence.length, out.length - fence.length);
        expect(out.endsWith(fence)).toBe(true);
        for (const run of inner.match(/`+/g) ?? []) expect(run.length).not.toBe(fence.length);
      }),
    );
  });

  it("mdCode and mdFence take text with more backtick runs than V8 takes call arguments", () => {
    // Their longest run was Math.max(...runs): "Maximum call stack size exceeded" past ~120,000.
    expect(mdCode("`a".repeat(200_000)).startsWith("`` `a")).toBe(true);
    expect(mdFence("```a".repeat(200_000)).startsWith("````\n")).toBe(true);
  });

  it("mdFence cannot be closed by the content", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }).map((s) => s.replace(/x/g, "```")), (s) => {
        const out = mdFence(s, "json");
        const fence = /^`+/.exec(out)![0];
        const body = out.slice(out.indexOf("\n") + 1, out.length - fence.length - 1);
        for (const line of body.split("\n")) expect(line.trim().startsWith(fence)).toBe(false);
      }),
    );
  });

  it("mdText and htmlText leave GitHub no @mention or #reference, and show the same characters", () => {
    for (const t of ["@octocat", "team @org/team", "fixes #123", "a@b.example", "x#1"]) {
      expect(githubAutolinks(mdText(t)), t).toEqual([]);
      expect(githubAutolinks(htmlText(t)), t).toEqual([]);
      // Only invisible word joiners are added: the reader sees the text as it is.
      expect(htmlText(t).replaceAll("\u2060", "").replace(/&#(\d+);/g, (_m, c: string) => String.fromCharCode(Number(c)))).toBe(t);
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        expect(githubAutolinks(mdText(s))).toEqual([]);
      }),
    );
  });

  it("htmlEscape escapes the five HTML characters", () => {
    expect(htmlEscape(EVIL.slice(0, 40))).not.toMatch(/[<>"']/);
    expect(htmlEscape(`a&b<c>"d'`)).toBe("a&#38;b&#60;c&#62;&#34;d&#39;");
  });
});
