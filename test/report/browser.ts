/**
 * Loading an HTML report in headless Chromium (Debian's chromium driven by playwright-core), with
 * the network cut off: every request other than the report file itself is aborted and recorded,
 * so a test can assert the page asked for nothing.
 */

import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM = process.env.LEASTROLE_CHROMIUM ?? "/usr/bin/chromium";
export const chromiumAvailable = existsSync(CHROMIUM);

/** Where screenshots and rendered reports go (gitignore it). */
export const OUTPUT_DIR = path.resolve(process.env.LEASTROLE_TEST_OUTPUT ?? "test-output", "report");

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

export interface LoadedReport {
  page: Page;
  file: string;
  /** Console errors, page errors, CSP violations. */
  errors: string[];
  /** Requests other than the report itself (all aborted). */
  requests: string[];
  failed: string[];
  dialogs: string[];
}

export async function openReport(
  browser: Browser,
  html: string,
  name: string,
  options: { viewport?: { width: number; height: number }; javaScriptEnabled?: boolean } = {},
): Promise<LoadedReport> {
  const viewport = options.viewport ?? { width: 1280, height: 900 };
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const file = path.join(OUTPUT_DIR, `${name}.html`);
  writeFileSync(file, html);
  const url = pathToFileURL(file).href;
  const context = await browser.newContext({ viewport, javaScriptEnabled: options.javaScriptEnabled ?? true });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  const failed: string[] = [];
  const dialogs: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => {
    if (r.url() !== url) failed.push(r.url());
  });
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await context.route("**/*", (route) => {
    const u = route.request().url();
    if (u === url) return route.continue();
    requests.push(u);
    return route.abort("blockedbyclient");
  });
  await page.goto(url, { waitUntil: "load" });
  return { page, file, errors, requests, failed, dialogs };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(OUTPUT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
