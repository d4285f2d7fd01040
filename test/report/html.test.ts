/**
 * The HTML report in a real browser: headless Chromium (Debian's package) driven by
 * playwright-core, with all network access blocked and recorded. Screenshots go to
 * test-output/report/ (LEASTROLE_TEST_OUTPUT to change).
 */

import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderHtml, type GeneratedFix } from "../../src/report/index.js";
import { htmlFixRoles, writeHtml } from "../../src/report/html.js";
import { emptyUsage } from "../../src/model/usage.js";
import { summarise } from "../../src/report/json.js";
import { chromiumAvailable, launch, openReport, screenshot, type LoadedReport } from "./browser.js";
import { EVIL, hostileScenario, scenario, writtenPieces, type Scenario } from "./fixtures.js";

function fixesFor(sc: Scenario): { [arn: string]: GeneratedFix } {
  const role = sc.document.roles.find((r) => r.functions.length > 1)!;
  return {
    [role.arn]: {
      policyJson: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::orders/*"] }] }, null, 2),
      diff: `--- today\n+++ generated\n@@ -1,3 +1,3 @@\n-      "Action": "*",\n+      "Action": ["s3:GetObject"],`,
    },
  };
}

function expectClean(r: LoadedReport): void {
  expect(r.errors, "console errors").toEqual([]);
  expect(r.requests, "network requests").toEqual([]);
  expect(r.failed, "failed requests").toEqual([]);
  expect(r.dialogs, "dialogs").toEqual([]);
}

describe.skipIf(!chromiumAvailable)("renderHtml in headless Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("renders the overview, graph, bars, findings and fix with no errors and no network", async () => {
    const sc = scenario();
    const html = renderHtml(sc.report, sc.document, { catalog: sc.catalog, fixes: fixesFor(sc) });
    const r = await openReport(browser, html, "report-24-functions");
    const page = r.page;
    expectClean(r);

    // Overview: counts by severity as cards.
    const s = sc.report.summary;
    const card = (label: string) => page.locator(".card", { hasText: label }).locator(".n").innerText();
    expect(await card("functions")).toBe(String(s.functions));
    expect(await card("critical findings")).toBe(String(s.bySeverity.critical));
    expect(await card("high findings")).toBe(String(s.bySeverity.high));
    expect(await card("shared roles")).toBe("4");
    expect(await card("suppressed")).toBe("1");

    // Graph: every function is a node; shared roles carry the ×N badge.
    await expect.poll(() => page.locator("svg.graph .fn").count()).toBe(sc.document.functions.length);
    const shared = sc.document.roles.filter((r) => r.functions.length > 1);
    expect(await page.locator("svg.graph .cluster.shared").count()).toBe(shared.length);
    const badges = await page.locator("svg.graph .shared .role .badge").allTextContents();
    expect(badges.sort()).toEqual(shared.map((r) => `×${r.functions.length}`).sort());
    expect(await page.locator("svg.graph").first().isVisible()).toBe(true);
    // Edges: one per function.
    expect(await page.locator("svg.graph .edge").count()).toBe(sc.document.functions.length);

    // Bars: one row per execution role; known usage drawn, with its numbers.
    const rows = page.locator("table.usage tbody tr");
    expect(await rows.count()).toBe(sc.document.roles.filter((r) => r.functions.length > 0).length);
    expect(await page.locator("table.usage .bar.unknown").count()).toBe(0);
    expect(await page.locator("table.usage").innerText()).toMatch(/\d+ used of [\d,]+ granted/);

    // Findings: all there, filter works, fix shown with its diff.
    const cards = page.locator("article.finding");
    expect(await cards.count()).toBe(sc.report.findings.length);
    expect(await page.locator("article.finding.is-suppressed").count()).toBe(1);
    await page.locator("#finding-filter").fill("orphan-policy");
    expect(await page.locator("article.finding:not(.hidden)").count()).toBe(1);
    expect(await page.locator("#finding-count").innerText()).toBe(`1 of ${sc.report.findings.length} shown`);
    await page.locator("#finding-filter").fill("");
    await page.locator('input[data-sev-toggle="critical"]').uncheck();
    expect(await page.locator("article.finding.sev-critical:not(.hidden)").count()).toBe(0);
    await page.locator('input[data-sev-toggle="critical"]').check();
    const fix = page.locator("article.finding.sev-critical details.fix[open]");
    expect(await fix.locator("pre.policy").innerText()).toContain('"s3:GetObject"');
    expect(await fix.locator("pre.diff .add").first().innerText()).toBe('+      "Action": ["s3:GetObject"],');
    expect(await fix.locator("pre.diff .del").first().innerText()).toBe('-      "Action": "*",');
    // The policy is in full once among the findings and once in the section of all of them; the
    // other findings of its role link to the latter.
    const policies = await page.locator("pre.policy").count();
    expect(policies).toBe(2);
    const refs = page.locator("article.finding p.fix-ref a");
    expect(await refs.count()).toBeGreaterThan(0);
    const target = (await refs.first().getAttribute("href"))!;
    expect(await page.locator(`#fixes details.fix${target} pre.policy`).textContent()).toContain('"s3:GetObject"');

    await screenshot(page, "report-24-functions");
    await page.close();
  });

  it("says usage is unknown instead of drawing zero when there is no usage data", async () => {
    const sc = scenario(10, 5);
    sc.document.usage = emptyUsage();
    const report = { ...sc.report, summary: summarise(sc.document, sc.report.findings) };
    const r = await openReport(browser, renderHtml(report, sc.document, { catalog: sc.catalog }), "report-no-usage");
    expectClean(r);
    const roles = sc.document.roles.filter((x) => x.functions.length > 0).length;
    expect(await r.page.locator("table.usage .bar.unknown").count()).toBe(roles);
    expect(await r.page.locator("table.usage .bar .used").count()).toBe(0);
    expect(await r.page.locator("table.usage").innerText()).toContain("Usage unknown: no usage data (CloudTrail, Access Advisor) was supplied");
    expect(await r.page.locator("#no-usage-notice").isVisible()).toBe(true);
    await r.page.close();
  });

  it("shows attacker-controlled strings as text: nothing injected runs or loads", async () => {
    const h = hostileScenario();
    const html = renderHtml(h.report, h.document, { catalog: h.catalog, fixes: { [h.document.roles[0]!.arn]: { policyJson: EVIL, diff: `+${EVIL}` } } });
    expect(html).not.toContain("<img src=x");
    const r = await openReport(browser, html, "report-hostile");
    expectClean(r);
    const page = r.page;
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator("img").count()).toBe(0);
    expect(await page.locator("script").count()).toBe(1);
    // The text is shown literally (control characters dropped).
    const messages = await page.locator("article.finding p.msg").allInnerTexts();
    expect(messages).toContain(`Message ${EVIL.replace("\u001b", "")}`);
    expect(await page.locator("#partial-notice").innerText()).toContain('<img src=x onerror="window.__pwned=1">');
    await screenshot(page, "report-hostile");
    await page.close();
  });

  it("stays readable at 200+ functions: pages of at most 120, navigable, shared roles first", async () => {
    const sc = scenario(260, 11);
    // Real function names run to 64 characters.
    sc.document.functions.slice(0, 12).forEach((f, i) => (f.name = `orders-service-production-api-handler-process-payment-webhook-${String(i).padStart(2, "0")}`));
    const html = renderHtml(sc.report, sc.document, { catalog: sc.catalog });
    const r = await openReport(browser, html, "report-260-functions");
    expectClean(r);
    const page = r.page;
    const pages = page.locator("figure.graph-page");
    const n = await pages.count();
    expect(n).toBeGreaterThanOrEqual(3);
    expect(await page.locator("figure.graph-page:not(.hidden)").count()).toBe(1);
    expect(await page.locator("#graph-page-label").innerText()).toBe(`Page 1 of ${n}`);
    for (let i = 0; i < n; i++) expect(await pages.nth(i).locator(".fn").count()).toBeLessThanOrEqual(120);
    // All functions are on some page, once.
    expect(await page.locator("svg.graph .fn").count()).toBe(260);
    // The first page starts with the most shared role.
    const maxShare = Math.max(...sc.document.roles.map((x) => x.functions.length));
    expect(await pages.first().locator(".cluster").first().locator(".badge").textContent()).toBe(`×${maxShare}`);
    // Every name stays left of its region label and inside its box, on every page. (A string,
    // evaluated in the page: the test's TypeScript has no DOM types; hidden pages have no boxes.)
    const check = `[...document.querySelectorAll("figure.graph-page:not(.hidden) svg.graph .fn")].map((g) => {
        const [name, region] = g.querySelectorAll("text");
        const n = name.getBBox(), r = region.getBBox(), box = g.querySelector("rect").getBBox();
        return n.width > 0 && n.x + n.width <= r.x - 4 && r.x + r.width <= box.x + box.width ? null : name.textContent + " " + (n.x + n.width) + " " + r.x;
      }).filter(Boolean)`;
    await page.locator("#graph").screenshot({ path: r.file.replace(/\.html$/, "-graph.png") });
    let longNames = 0;
    for (let i = 0; i < n; i++) {
      expect(await page.locator("#graph-page-label").innerText()).toBe(`Page ${i + 1} of ${n}`);
      expect(await pages.nth(i).isVisible()).toBe(true);
      if (i > 0) expect(await pages.nth(i - 1).isVisible()).toBe(false);
      expect(await page.evaluate(check)).toEqual([]);
      longNames += await pages.nth(i).locator(".fn text", { hasText: "orders-service-product" }).count();
      if (i < n - 1) await page.locator("#graph-next").click();
    }
    expect(longNames).toBe(12);
    await page.close();
  });

  it("is readable with scripts off: every graph page shown, no dead controls", async () => {
    const sc = scenario(260, 11);
    const r = await openReport(browser, renderHtml(sc.report, sc.document, { catalog: sc.catalog }), "report-no-js", { javaScriptEnabled: false });
    expectClean(r);
    const pages = await r.page.locator("figure.graph-page").count();
    expect(pages).toBeGreaterThan(1);
    for (let i = 0; i < pages; i++) expect(await r.page.locator("figure.graph-page").nth(i).isVisible()).toBe(true);
    expect(await r.page.locator("#graph-nav").isVisible()).toBe(false);
    expect(await r.page.locator("#filters").isVisible()).toBe(false);
    expect(await r.page.locator("article.finding:visible").count()).toBe(sc.report.findings.length);
    await r.page.close();
  });

  it("leaves the single-function roles out of the picture past maxFunctions, and says so", async () => {
    const sc = scenario(300, 2);
    const html = renderHtml(sc.report, sc.document, { graph: { maxFunctions: 100 } });
    const r = await openReport(browser, html, "report-clustered");
    expectClean(r);
    const singles = sc.document.roles.filter((x) => x.functions.length === 1).length;
    expect(await r.page.locator("#graph-omitted").innerText()).toContain(`${singles} roles used by a single function are left out`);
    expect(await r.page.locator("svg.graph .cluster:not(.shared)").count()).toBe(0);
    await r.page.close();
  });
});

describe("renderHtml (static checks)", () => {
  it("is one self-contained file: no external URL is loaded, a CSP forbids the network", () => {
    const sc = scenario(12, 4);
    const html = renderHtml(sc.report, sc.document, { catalog: sc.catalog });
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)=/i);
    expect(html).not.toMatch(/@import|url\((?!#)/); // url(#…) = an SVG clip path in the page
    // The only absolute URLs are documentation links the reader may click (never fetched).
    for (const m of html.matchAll(/(href|src)="([^"]+)"/g)) expect(m[1]).toBe("href");
  });

  it("is deterministic", () => {
    const sc = scenario(12, 4);
    expect(renderHtml(sc.report, sc.document, { catalog: sc.catalog })).toBe(renderHtml(sc.report, sc.document, { catalog: sc.catalog }));
  });
});

describe("remediation prose", () => {
  it("turns `code` into <code> only after escaping, so a hostile remediation stays text", () => {
    const sc = scenario(6, 4);
    const f = sc.report.findings.find((x) => !x.suppressed)!;
    f.remediation = "Run `leastrole generate` then `<img src=x onerror=alert(1)>`.";
    const html = renderHtml(sc.report, sc.document);
    expect(html).toContain("Run <code>leastrole generate</code> then <code>&lt;img src=x onerror=alert(1)&gt;</code>.");
    expect(html).not.toContain("<img");
  });
});

describe("writeHtml", () => {
  it("writes renderHtml's page in pieces, byte for byte", () => {
    const sc = scenario();
    const options = { catalog: sc.catalog, fixes: fixesFor(sc) };
    const { text, pieces } = writtenPieces((write) => writeHtml(sc.report, sc.document, options, write));
    expect(text).toBe(renderHtml(sc.report, sc.document, options));
    expect(pieces).toBeGreaterThan(10);
  });
});

describe("renderHtml at scale: a bounded page", () => {
  it("shows at most maxFindings cards, at most maxFindingsPerRule of one rule, the most severe first, and counts the rest by rule", () => {
    const sc = scenario(60, 3);
    const active = sc.report.findings.filter((f) => !f.suppressed);
    const perRule = new Map<string, number>();
    for (const f of sc.report.findings) perRule.set(f.ruleId, (perRule.get(f.ruleId) ?? 0) + 1);
    const busiest = [...perRule].sort((a, b) => b[1] - a[1])[0]!;
    expect(busiest[1], "a rule with more findings than the cap").toBeGreaterThan(3);
    const html = renderHtml(sc.report, sc.document, { catalog: sc.catalog, maxFindings: 10, maxFindingsPerRule: 3 });
    const cards = [...html.matchAll(/<article class="finding[^"]*" data-sev="([^"]+)"/g)].map((m) => m[1]);
    expect(cards.length).toBe(10);
    // Per rule: never more than 3 cards.
    const shownPerRule = new Map<string, number>();
    for (const m of html.matchAll(/<h3><span class="badge [^"]+">[^<]+<\/span> <code>([^<]+)<\/code>/g)) shownPerRule.set(m[1]!, (shownPerRule.get(m[1]!) ?? 0) + 1);
    expect(Math.max(...shownPerRule.values())).toBeLessThanOrEqual(3);
    // The most severe first: the cards' severities never rise.
    const rank = ["critical", "high", "medium", "low", "info", "suppressed"];
    const ranks = cards.map((c) => rank.indexOf(c!));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    // The notice: how many of how many, and the rest counted by rule (those counts add up).
    expect(html).toContain(`<strong>10 of ${sc.report.findings.length} findings shown</strong>`);
    const notice = /<div class="notice" id="findings-omitted">(.*?)<\/div>/s.exec(html)![1]!;
    const counted = [...notice.matchAll(/<code>(LR\d+)<\/code> [^<]*? (\d[\d,]*)(?=, <code>|\.$)/g)].map((m) => [m[1], Number(m[2]!.replace(/,/g, ""))] as const);
    expect(counted.reduce((n, [, c]) => n + c, 0)).toBe(sc.report.findings.length - 10);
    expect(counted.find(([id]) => id === busiest[0])?.[1]).toBe(busiest[1] - (shownPerRule.get(busiest[0]) ?? 0));
    // Each severity heading gives its whole count and how many are shown.
    const heads = [...html.matchAll(/<h3 class="sev-heading">(\w+) \(([\d,]+)(?:, ([\d,]+) shown)?\)/g)];
    expect(heads.reduce((n, m) => n + Number(m[2]!.replace(/,/g, "")), 0)).toBe(active.length);
    expect(heads.some((m) => m[3] !== undefined)).toBe(true);
  });

  it("shows every finding, as before, when they fit (no notice, no 'shown' counts)", () => {
    const sc = scenario(12, 4);
    const html = renderHtml(sc.report, sc.document, { catalog: sc.catalog });
    expect(html).not.toContain("findings-omitted");
    expect(html).not.toMatch(/\d shown\)/);
    expect([...html.matchAll(/<article class="finding/g)].length).toBe(sc.report.findings.length);
  });

  it("lists in its section of generated policies only those the shown cards link to, and every link resolves", () => {
    const sc = scenario(60, 3);
    // A policy per function and per role, two functions sharing one text so that a card links to the other.
    const fixes: { [arn: string]: GeneratedFix } = {};
    for (const f of sc.document.functions) fixes[f.arn] = { policyJson: JSON.stringify({ fn: f.name }), diff: "+x" };
    const [a, b] = sc.document.roles.find((r) => r.functions.length > 1)!.functions;
    fixes[b!] = fixes[a!]!;
    const full = renderHtml(sc.report, sc.document, { catalog: sc.catalog, fixes });
    const capped = renderHtml(sc.report, sc.document, { catalog: sc.catalog, fixes, maxFindings: 10, maxFindingsPerRule: 3 });
    const sectionOf = (html: string) => /<section id="fixes">(.*?)<\/section>/s.exec(html)?.[1] ?? "";
    expect([...sectionOf(full).matchAll(/<details class="fix"/g)].length).toBe(Object.keys(fixes).length);
    expect([...sectionOf(capped).matchAll(/<details class="fix"/g)].length).toBeLessThan(Object.keys(fixes).length);
    for (const m of capped.matchAll(/<a href="#(fix-\d+)">/g)) expect(capped).toContain(`id="${m[1]}"`);
  });

  it("htmlFixRoles names the roles of the shown findings, or null when every finding is shown", () => {
    const sc = scenario(60, 3);
    expect(htmlFixRoles(sc.report, sc.document)).toBeNull();
    const options = { maxFindings: 10, maxFindingsPerRule: 3 };
    const roles = htmlFixRoles(sc.report, sc.document, options)!;
    const html = renderHtml(sc.report, sc.document, { catalog: sc.catalog, ...options });
    const roleOf = new Map(sc.document.functions.map((f) => [f.arn, f.roleArn]));
    const expected = new Set<string>();
    for (const f of sc.report.findings) {
      if (!html.includes(`<code>${f.fingerprint}</code>`)) continue;
      const role = f.resource.type === "function" ? roleOf.get(f.resource.arn) : f.resource.type === "role" ? f.resource.arn : undefined;
      if (role) expected.add(role);
    }
    expect([...roles].sort()).toEqual([...expected].sort());
    expect(roles.size).toBeLessThan(sc.document.roles.length);
  });
});
