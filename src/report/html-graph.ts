/**
 * The function→role graph of the HTML report, as inline SVG laid out here (no layout library, no
 * script needed to see it). Functions on the left, roles on the right, one edge per function to
 * its execution role. Functions are placed in the order of their roles, so edges never cross;
 * roles used by several functions come first and are drawn in a warning colour with a "×N"
 * badge, so a shared role stands out at a glance.
 *
 * Scale: a page holds at most `pageSize` functions (default 120; a role's cluster is split across
 * pages only when it alone is larger), one series of pages per account. Past `maxFunctions`
 * (default 2,000) the one-function-one-role pairs are left out of the picture (they say nothing
 * a table does not) and the graph says how many.
 */

import { severityRank } from "../evaluate/findings.js";
import type { CanonicalDocument, LambdaFunction } from "../model/document.js";
import { SEVERITIES, type Finding, type Severity } from "../model/findings.js";
import { ellipsize, esc, num } from "./html-escape.js";
import { compareShown, functionsByRole, roleNameOf } from "./view.js";
import { isPlaceholderAccount, shownArn } from "../deployment-account.js";

export interface GraphOptions {
  pageSize?: number;
  maxFunctions?: number;
}

interface Cluster {
  roleArn: string;
  roleName: string;
  /** The role as the page names it (its display name for a template's or plan's), which orders the clusters too. */
  roleLabel: string;
  inInputs: boolean;
  /** All functions using the role (for the ×N badge), even when a page shows only some. */
  total: number;
  functions: LambdaFunction[];
  worst: Severity | null;
}

export interface GraphPage {
  accountId: string;
  /** 1-based range of the functions of this account shown on the page. */
  from: number;
  to: number;
  of: number;
  svg: string;
}

export interface Graph {
  pages: GraphPage[];
  omittedUnshared: number;
  sharedRoles: number;
}

const ROW = 24;
const GAP = 10;
const WIDTH = 900;
const FN_X = 8;
const FN_W = 400;
const ROLE_X = 590;
const ROLE_W = 300;
/** Room kept at the right of a function node for its region and severity dot. */
const FN_RIGHT = 110;
/** Most characters of a name shown; wider glyphs are clipped by the column's clip path anyway. */
const LABEL_CHARS = 40;

function worst(a: Severity | null, b: Severity | null): Severity | null {
  if (a === null) return b;
  if (b === null) return a;
  return severityRank(a) <= severityRank(b) ? a : b;
}

/** Worst unsuppressed severity per resource ARN (functions also inherit their role's). */
export function severityByArn(findings: readonly Finding[]): Map<string, Severity> {
  const map = new Map<string, Severity>();
  for (const f of findings) {
    if (f.suppressed) continue;
    map.set(f.resource.arn, worst(map.get(f.resource.arn) ?? null, f.severity)!);
  }
  return map;
}

function clustersOf(document: Partial<CanonicalDocument>, findings: readonly Finding[], names: ReadonlyMap<string, string>): Map<string, Cluster[]> {
  const sev = severityByArn(findings);
  const roleByArn = new Map((document.roles ?? []).map((r) => [r.arn, r]));
  const allByRole = functionsByRole(document);
  const byRole = new Map<string, LambdaFunction[]>();
  for (const fn of document.functions ?? []) {
    const list = byRole.get(fn.roleArn) ?? [];
    list.push(fn);
    byRole.set(fn.roleArn, list);
  }
  const byAccount = new Map<string, Cluster[]>();
  // Functions and roles in the order of the names the nodes show (display name, else name in AWS; then ARN).
  const byShown = compareShown(names);
  for (const [roleArn, fns] of byRole) {
    fns.sort(byShown);
    const role = roleByArn.get(roleArn);
    let w: Severity | null = sev.get(roleArn) ?? null;
    for (const fn of fns) w = worst(w, sev.get(fn.arn) ?? null);
    // Functions are grouped by the account they run in; a cross-account role shows in each.
    const accounts = new Map<string, LambdaFunction[]>();
    for (const fn of fns) accounts.set(fn.accountId, [...(accounts.get(fn.accountId) ?? []), fn]);
    for (const [account, members] of accounts) {
      const list = byAccount.get(account) ?? [];
      const roleName = role?.name ?? roleNameOf(roleArn);
      list.push({
        roleArn,
        roleName,
        roleLabel: names.get(roleArn) ?? roleName,
        inInputs: role !== undefined,
        total: allByRole.get(roleArn)?.length ?? members.length,
        functions: members,
        worst: w,
      });
      byAccount.set(account, list);
    }
  }
  for (const list of byAccount.values()) {
    list.sort(
      (a, b) =>
        Number(b.total > 1) - Number(a.total > 1) ||
        b.total - a.total ||
        (a.worst === null ? 9 : severityRank(a.worst)) - (b.worst === null ? 9 : severityRank(b.worst)) ||
        byShown({ name: a.roleName, arn: a.roleArn }, { name: b.roleName, arn: b.roleArn }),
    );
  }
  return new Map([...byAccount].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function dot(cx: number, cy: number, s: Severity | null): string {
  // Severity goes into a class name: only the five known values may (a hand-made report could hold anything).
  if (!s || !(SEVERITIES as readonly string[]).includes(s)) return "";
  return `<circle class="sev sev-${s}" cx="${cx}" cy="${cy}" r="5"><title>worst finding: ${s}</title></circle>`;
}

function renderPage(clusters: Cluster[], sev: Map<string, Severity>, pageIndex: number, names: ReadonlyMap<string, string>): string {
  const parts: string[] = [];
  // Names are clipped to their column so a long or wide name never runs over the region label or
  // out of its box (ids are per page: a hidden page's clip paths must not be the ones referenced).
  const fnClip = `lr-fn-clip-${pageIndex}`;
  const roleClip = `lr-role-clip-${pageIndex}`;
  let y = 8;
  for (const c of clusters) {
    const shared = c.total > 1;
    const top = y;
    const h = c.functions.length * ROW;
    const cy = top + h / 2;
    const cls = `cluster${shared ? " shared" : ""}${c.inInputs ? "" : " missing"}`;
    const g: string[] = [`<g class="${cls}">`];
    if (shared && c.functions.length > 1) g.push(`<rect class="band" x="${FN_X - 4}" y="${top - 3}" width="${ROLE_X + ROLE_W - FN_X + 8}" height="${h + 2}" rx="6"/>`);
    c.functions.forEach((fn, i) => {
      const fy = top + i * ROW + ROW / 2;
      const label = ellipsize(names.get(fn.arn) ?? fn.name, LABEL_CHARS);
      g.push(
        `<path class="edge" d="M${FN_X + FN_W},${fy} C${(FN_X + FN_W + ROLE_X) / 2},${fy} ${(FN_X + FN_W + ROLE_X) / 2},${cy} ${ROLE_X},${cy}"/>`,
        `<g class="fn"><title>${esc(shownArn(fn.arn))}</title><rect x="${FN_X}" y="${fy - 9}" width="${FN_W}" height="18" rx="4"/>` +
          `<text x="${FN_X + 8}" y="${fy + 4}" clip-path="url(#${fnClip})">${esc(label)}</text>` +
          `<text class="region" x="${FN_X + FN_W - 22}" y="${fy + 4}" text-anchor="end">${esc(fn.region)}</text>` +
          dot(FN_X + FN_W - 10, fy, sev.get(fn.arn) ?? null) +
          `</g>`,
      );
    });
    const roleLabel = ellipsize(c.roleLabel, shared ? LABEL_CHARS - 8 : LABEL_CHARS);
    const title = `${shownArn(c.roleArn)}${c.inInputs ? "" : " (not in the inputs)"}${shared ? ` — execution role of ${c.total} functions` : ""}`;
    g.push(
      `<g class="role"><title>${esc(title)}</title><rect x="${ROLE_X}" y="${cy - 11}" width="${ROLE_W}" height="22" rx="11"/>` +
        `<text x="${ROLE_X + 12}" y="${cy + 4}" clip-path="url(#${roleClip})">${esc(roleLabel)}</text>` +
        (shared ? `<text class="badge" x="${ROLE_X + ROLE_W - 26}" y="${cy + 4}" text-anchor="end">×${c.total}</text>` : "") +
        dot(ROLE_X + ROLE_W - 12, cy, sev.get(c.roleArn) ?? null) +
        `</g>`,
    );
    g.push("</g>");
    parts.push(g.join(""));
    y += h + GAP;
  }
  const height = Math.max(40, y);
  const defs =
    `<defs><clipPath id="${fnClip}" clipPathUnits="userSpaceOnUse"><rect x="${FN_X}" y="0" width="${FN_W - FN_RIGHT}" height="${height}"/></clipPath>` +
    `<clipPath id="${roleClip}" clipPathUnits="userSpaceOnUse"><rect x="${ROLE_X}" y="0" width="${ROLE_W - 60}" height="${height}"/></clipPath></defs>`;
  return (
    `<svg class="graph" role="img" aria-label="Lambda functions and their execution roles" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    defs +
    parts.join("") +
    `</svg>`
  );
}

/**
 * `names`: how the page names a function or role, by ARN (report/view.ts displayNames: a template's
 * or plan's as its code does), which also order the nodes (compareShown).
 */
export function buildGraph(document: Partial<CanonicalDocument>, findings: readonly Finding[], options: GraphOptions = {}, names: ReadonlyMap<string, string> = new Map()): Graph {
  const pageSize = Math.max(10, options.pageSize ?? 120);
  const maxFunctions = options.maxFunctions ?? 2_000;
  const sev = severityByArn(findings);
  // Functions inherit their role's severity for the dot on the function node.
  const fnSev = new Map(sev);
  for (const fn of document.functions ?? []) {
    const w = worst(sev.get(fn.arn) ?? null, sev.get(fn.roleArn) ?? null);
    if (w) fnSev.set(fn.arn, w);
  }
  const byAccount = clustersOf(document, findings, names);
  const big = (document.functions?.length ?? 0) > maxFunctions;
  let omittedUnshared = 0;
  let sharedRoles = 0;
  const pages: GraphPage[] = [];
  for (const [accountId, all] of byAccount) {
    const clusters = big ? all.filter((c) => c.total > 1) : all;
    if (big) omittedUnshared += all.length - clusters.length;
    sharedRoles += all.filter((c) => c.total > 1).length;
    const of = clusters.reduce((n, c) => n + c.functions.length, 0);
    // Pack whole clusters into pages; split a cluster only when it alone exceeds a page.
    let page: Cluster[] = [];
    let count = 0;
    let shownBefore = 0;
    const flush = () => {
      if (page.length === 0) return;
      pages.push({ accountId, from: shownBefore + 1, to: shownBefore + count, of, svg: renderPage(page, fnSev, pages.length, names) });
      shownBefore += count;
      page = [];
      count = 0;
    };
    for (const c of clusters) {
      if (c.functions.length > pageSize) {
        flush();
        for (let i = 0; i < c.functions.length; i += pageSize) {
          page = [{ ...c, functions: c.functions.slice(i, i + pageSize) }];
          count = page[0]!.functions.length;
          flush();
        }
        continue;
      }
      if (count + c.functions.length > pageSize) flush();
      page.push(c);
      count += c.functions.length;
    }
    flush();
  }
  return { pages, omittedUnshared, sharedRoles };
}

export function graphCaption(p: GraphPage, accounts: number, document: Partial<CanonicalDocument> = {}): string {
  const range = p.of <= p.to - p.from + 1 ? `${num(p.of)} functions` : `functions ${num(p.from)}–${num(p.to)} of ${num(p.of)}`;
  return accounts > 1 ? `${accountCaption(p.accountId, document)} · ${range}` : range;
}

/**
 * A page's account: its ID, or, for a template's or plan's placeholder account (`unknown-<8 hex>`,
 * one per file read without an account), the file its functions come from.
 */
function accountCaption(accountId: string, document: Partial<CanonicalDocument>): string {
  if (!isPlaceholderAccount(accountId)) return `Account ${accountId}`;
  const files = new Set((document.functions ?? []).filter((f) => f.accountId === accountId).map((f) => f.source?.file));
  const [file] = files;
  return files.size === 1 && file !== undefined ? `Deployment account of ${file}` : "Deployment account";
}
