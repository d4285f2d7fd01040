/**
 * Report rendering: time and size of each renderer on the same audit, at 100 / 1,000 / 10,000
 * functions (synthetic, seeded, audited with the built-in rules plus the report tests' stand-in
 * findings). Reference in the same run: the JSON report (`toJsonReport`) and a bare
 * `JSON.stringify` of the canonical document, the cheapest thing any renderer could do.
 * With --browser, also the time headless Chromium takes to load the largest HTML report.
 *
 *   npx tsx bench/report.ts [--sizes 100,1000,10000] [--runs 5] [--browser]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { packageRoot } from "../src/evaluate/locate.js";
import { renderHtml, renderMarkdown, renderSarif, renderTable, toJsonReport } from "../src/report/index.js";
import { scenario } from "../test/report/fixtures.js";

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? def : process.argv[i + 1]!;
};
const sizes = arg("sizes", "100,1000,10000").split(",").map(Number);
const runs = Number(arg("runs", "5"));
const out = join(packageRoot(), "bench", "out");
mkdirSync(out, { recursive: true });

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => string): { ms: number; bytes: number; text: string } {
  const ms: number[] = [];
  let text = "";
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    text = fn();
    ms.push(performance.now() - t);
  }
  return { ms: median(ms), bytes: Buffer.byteLength(text), text };
}

console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; median of ${runs} runs`);
console.log("| functions | findings | renderer | ms | output |");
console.log("| ---: | ---: | --- | ---: | ---: |");
let largestHtml = "";
for (const n of sizes) {
  const sc = scenario(n, 42);
  const { report, document, catalog } = sc;
  const rows: Array<[string, () => string]> = [
    ["reference: JSON.stringify(document)", () => JSON.stringify(document)],
    ["reference: toJsonReport", () => toJsonReport(report)],
    ["renderTable", () => renderTable(report, document, { color: true, width: 120 })],
    ["renderSarif", () => renderSarif(report, catalog, { artifactUri: "account.json" })],
    ["renderMarkdown", () => renderMarkdown(report, document)],
    ["renderHtml", () => renderHtml(report, document, { catalog })],
  ];
  for (const [name, fn] of rows) {
    const r = time(fn);
    console.log(`| ${n.toLocaleString("en-US")} | ${report.findings.length.toLocaleString("en-US")} | ${name} | ${r.ms.toFixed(1)} | ${(r.bytes / 1024).toFixed(0)} KiB |`);
    if (name === "renderHtml") {
      largestHtml = join(out, `report-${n}.html`);
      writeFileSync(largestHtml, r.text);
    }
  }
}

if (process.argv.includes("--browser") && largestHtml) {
  const { launch } = await import("../test/report/browser.js");
  const browser = await launch();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const t = performance.now();
  await page.goto(pathToFileURL(largestHtml).href, { waitUntil: "load" });
  const loadMs = performance.now() - t;
  const t2 = performance.now();
  await page.locator("#graph-next").click();
  const pageMs = performance.now() - t2;
  console.log(`\nChromium load of ${largestHtml}: ${loadMs.toFixed(0)} ms; next graph page: ${pageMs.toFixed(0)} ms`);
  await browser.close();
}
