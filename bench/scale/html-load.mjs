/**
 * How long a browser takes to open an HTML report: headless Chromium (Debian's chromium, driven by
 * playwright-core, a dev dependency) loads the file until `load`, counts the finding cards, and
 * times the filter narrowing them to one rule. The reference for "the page opens": bench/results/report.md.
 *
 *   node bench/scale/html-load.mjs <report.html> [rule, default lr008] [chromium, default /usr/bin/chromium]
 */
import { resolve } from "node:path";
import { chromium } from "playwright-core";

const [file, rule = "lr008", executablePath = "/usr/bin/chromium"] = process.argv.slice(2);
if (!file) {
  console.error("usage: node bench/scale/html-load.mjs <report.html> [rule] [chromium]");
  process.exit(2);
}
const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
try {
  const page = await browser.newPage();
  const t0 = Date.now();
  await page.goto(`file://${resolve(file)}`, { waitUntil: "load", timeout: 300_000 });
  const loaded = Date.now() - t0;
  const cards = await page.locator("article.finding").count();
  const t1 = Date.now();
  await page.fill("#finding-filter", rule);
  await page.waitForTimeout(100);
  const visible = await page.locator("article.finding:not(.hidden)").count();
  console.log(`loaded in ${loaded} ms; ${cards} cards; filter '${rule}' → ${visible} visible in ${Date.now() - t1} ms (100 ms wait included)`);
} finally {
  await browser.close();
}
