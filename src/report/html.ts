/**
 * The HTML report: one self-contained file for someone who has never used leastrole. An
 * overview, the function→role graph (shared roles stand out), granted-versus-used bars per role,
 * every finding with its evidence and, when given, the generated least-privilege policy.
 *
 * Safety: every string from the inputs goes through `esc`; the page carries a Content Security
 * Policy that forbids any network access (default-src 'none') and allows only the one inline
 * script whose hash it names, so even an escaping mistake could not load or run anything.
 */

import { createHash } from "node:crypto";
import type { RuleMetadata } from "../evaluate/catalog.js";
import type { CanonicalDocument } from "../model/document.js";
import { makesPartial, warningLabel } from "../model/warning-label.js";
import { SEVERITIES, type Finding, type Severity } from "../model/findings.js";
import { REPORT_CSS, REPORT_JS } from "./html-assets.js";
import { esc, num } from "./html-escape.js";
import { buildGraph, graphCaption, type GraphOptions } from "./html-graph.js";
import type { AuditReport } from "./json.js";
import { groupBy } from "../collections.js";
import { plural as countOf } from "../printable.js";
import { clearedBySeverity, compareShown, displayNames, firstParagraph, functionsByRole, inShownOrder, locationName, NOTHING_AUDITED, nothingAudited, partialDataReasons, roleNameOf, roleUsage, sortKeysDeep, topFixes, type RoleUsage } from "./view.js";
import { hasPlaceholderAccount, shownArn } from "../deployment-account.js";

/** A generated least-privilege policy (from src/generate), keyed by role or function ARN. */
export interface GeneratedFix {
  policyJson: string;
  /** Unified diff against today's policy. */
  diff?: string;
}

export interface HtmlOptions {
  fixes?: { [roleOrFunctionArn: string]: GeneratedFix };
  /** Rule catalog, for rule titles and documentation links. */
  catalog?: readonly RuleMetadata[];
  /** Page title (default "leastrole audit report"). */
  title?: string;
  graph?: GraphOptions;
  /** Most rows in the granted-versus-used table (default 300, the most over-granted first). */
  maxRoleRows?: number;
  /**
   * Most finding cards on the page (default 1,000), the most severe first, and at most
   * `maxFindingsPerRule` of one rule (default 50) so that one rule's thousands do not hide the
   * others. The rest are counted by rule, and the JSON and SARIF reports hold every one. Why: a
   * card is ~12 KB with its evidence and generated policy; at 10,000 functions (48,000 findings)
   * the page was 569 MB, which no browser opens, and took minutes to write.
   */
  maxFindings?: number;
  maxFindingsPerRule?: number;
}

export const HTML_MAX_FINDINGS = 1_000;
export const HTML_MAX_FINDINGS_PER_RULE = 50;

/** The findings the page shows as cards, and those it only counts (htmlBody, htmlFixRoles). */
interface ShownFindings {
  active: Finding[];
  suppressed: Finding[];
  /** Not shown, active and suppressed together: rule ID → count. */
  omitted: Map<string, { name: string; count: number }>;
  omittedCount: number;
}

function shownFindings(report: AuditReport, options: HtmlOptions): ShownFindings {
  const max = Math.max(0, options.maxFindings ?? HTML_MAX_FINDINGS);
  const perRule = Math.max(0, options.maxFindingsPerRule ?? HTML_MAX_FINDINGS_PER_RULE);
  const byRule = new Map<string, number>();
  const omitted = new Map<string, { name: string; count: number }>();
  let shown = 0;
  let omittedCount = 0;
  const take = (f: Finding): boolean => {
    const n = byRule.get(f.ruleId) ?? 0;
    if (shown < max && n < perRule) {
      byRule.set(f.ruleId, n + 1);
      shown++;
      return true;
    }
    const o = omitted.get(f.ruleId) ?? { name: f.name, count: 0 };
    o.count++;
    omitted.set(f.ruleId, o);
    omittedCount++;
    return false;
  };
  // Active findings by severity (the page's order), then the suppressed ones with what is left.
  const active: Finding[] = [];
  for (const sev of SEVERITIES) for (const f of report.findings) if (!f.suppressed && f.severity === sev && take(f)) active.push(f);
  const suppressed = report.findings.filter((f) => f.suppressed && take(f));
  return { active, suppressed, omitted, omittedCount };
}

/**
 * The roles whose generated policies the page shows (those of the findings it shows as cards: a
 * function's role, a role and its functions'), or null when it shows every finding. The CLI makes
 * only these (generating 10,000 functions' policies for a page that shows a thousand findings was
 * most of the HTML audit's time).
 */
export function htmlFixRoles(report: AuditReport, document: Partial<CanonicalDocument>, options: HtmlOptions = {}): Set<string> | null {
  const shown = shownFindings(report, options);
  if (shown.omittedCount === 0) return null;
  const fnRole = new Map((document.functions ?? []).map((f) => [f.arn, f.roleArn]));
  const roles = new Set<string>();
  for (const f of [...shown.active, ...shown.suppressed]) {
    const role = f.resource.type === "function" ? fnRole.get(f.resource.arn) : f.resource.type === "role" ? f.resource.arn : undefined;
    if (role !== undefined) roles.add(role);
  }
  return roles;
}

const TITLE: Record<Severity, string> = { critical: "Critical", high: "High", medium: "Medium", low: "Low", info: "Info" };

/** Severity as a class name: only the five known values (a hand-made report could hold anything). */
function sevClass(s: string): Severity {
  return (SEVERITIES as readonly string[]).includes(s) ? (s as Severity) : "info";
}

function plural(n: number, one: string, many = `${one}s`): string {
  return countOf(n, one, many, num);
}

/** Escaped text with `code` spans (rule remediations use them) as <code>: escaping comes first. */
function prose(text: string): string {
  return esc(text).replace(/`([^`\n]+)`/g, "<code>$1</code>");
}

function card(n: number, label: string, cls = ""): string {
  return `<div class="card ${cls}${n === 0 && cls.startsWith("sev-") ? " zero" : ""}"><div class="n">${num(n)}</div><div class="l">${esc(label)}</div></div>`;
}

function diffHtml(diff: string): string {
  return diff
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => {
      const cls = line.startsWith("+") && !line.startsWith("+++") ? "add" : line.startsWith("-") && !line.startsWith("---") ? "del" : line.startsWith("@@") ? "hunk" : "";
      return cls ? `<span class="${cls}">${esc(line)}</span>` : esc(line);
    })
    .join("\n");
}

function fixBlock(label: string, fix: GeneratedFix, open: boolean, id?: string): string {
  return (
    `<details class="fix"${id !== undefined ? ` id="${id}"` : ""}${open ? " open" : ""}><summary>${esc(label)}</summary>` +
    `<pre class="policy">${esc(fix.policyJson)}</pre>` +
    (fix.diff ? `<div class="muted">Change from today's policy:</div><pre class="diff">${diffHtml(fix.diff)}</pre>` : "") +
    `</details>`
  );
}

/**
 * A finding's resource ARN beside its name: as code, except a template's or plan's ARN in a
 * placeholder account (`arn:aws:iam::unknown-9b80985c:role/FnRole`), which is made at deploy and
 * is said to be.
 */
function arnShown(arn: string): string {
  return hasPlaceholderAccount(arn) ? `<span class="muted">${esc(shownArn(arn))}</span>` : `<code>${esc(arn)}</code>`;
}

function usageRow(u: RoleUsage, fnNames: Map<string, string>, roleName: string): string {
  const fns = u.functions.map((a) => fnNames.get(a) ?? a).sort();
  const fnCell = fns.length === 0 ? `<span class="muted">none</span>` : `${num(fns.length)}${fns.length > 1 ? ' <span class="badge sev-high" title="shared role">shared</span>' : ""}<div class="bar-note">${esc(fns.slice(0, 4).join(", "))}${fns.length > 4 ? ` … +${fns.length - 4}` : ""}</div>`;
  const granted = u.granted === null ? "not in the inputs" : `${u.grantedIsLowerBound ? "≥ " : ""}${num(u.granted)}`;
  let bar: string;
  let note: string;
  if (u.status === "unknown" || u.used === null) {
    bar = `<div class="bar unknown" title="usage unknown"></div>`;
    note = `Usage unknown: ${esc(u.statusReason ?? "no usage data")}. Nothing is known to be unused.`;
  } else {
    const used = u.usedGranted ?? Math.min(u.used, u.granted ?? u.used);
    const pct = u.granted && u.granted > 0 ? Math.min(100, (used / u.granted) * 100) : 0;
    const pctText = u.granted && u.granted > 0 ? ` (${pct < 1 && used > 0 ? "&lt;1" : Math.round(pct)}%)` : "";
    bar = `<div class="bar" role="img" aria-label="${esc(`${used} of ${u.granted ?? "?"} granted actions used`)}"><div class="used" style="width:${pct.toFixed(2)}%"></div></div>`;
    note = `${num(used)} used of ${granted} granted${pctText}` + (u.status === "partial" ? ` · <strong>partial:</strong> ${esc(u.statusReason ?? "")}` : "");
    if (u.used > used) note += ` · ${num(u.used - used)} more called that this role's own grant does not name (allowed by another policy, e.g. a resource policy)`;
    if (u.usedActions.length > 0) note += `<details><summary>actions used</summary><code>${esc(u.usedActions.join(", "))}</code></details>`;
  }
  return `<tr><td><code title="${esc(shownArn(u.roleArn))}">${esc(roleName)}</code></td><td>${fnCell}</td><td class="num">${esc(granted)}</td><td>${bar}<div class="bar-note">${note}</div></td></tr>`;
}

export function renderHtml(report: AuditReport, document: Partial<CanonicalDocument>, options: HtmlOptions = {}): string {
  const { head, tail } = htmlFrame(options);
  const body: string[] = [];
  htmlBody(report, document, options, { push: (...pieces) => void body.push(...pieces) });
  return head + body.join("\n") + tail;
}

/**
 * renderHtml's text written in pieces as they are made, byte for byte the same. Why: at 10,000
 * functions the page is ~350 MB (700 MB as one JavaScript string once a character outside Latin-1
 * is in it), and holding its pieces until the end was ~100 MB of the HTML audit's peak
 * (bench/results/report.md).
 */
export function writeHtml(report: AuditReport, document: Partial<CanonicalDocument>, options: HtmlOptions, write: (s: string) => void): void {
  const { head, tail } = htmlFrame(options);
  write(head);
  let first = true;
  htmlBody(report, document, options, {
    push: (...pieces) => {
      for (const piece of pieces) {
        write(first ? piece : `\n${piece}`);
        first = false;
      }
    },
  });
  write(tail);
}

const DEFAULT_TITLE = "leastrole audit report";

/** The page around the body: the head (title, CSP with the script's hash, CSS) and the tail (script). */
function htmlFrame(options: HtmlOptions): { head: string; tail: string } {
  const title = options.title ?? DEFAULT_TITLE;
  const scriptHash = createHash("sha256").update(REPORT_JS, "utf8").digest("base64");
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; img-src data:; base-uri 'none'; form-action 'none'`;
  return {
    head:
      `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">` +
      `<meta http-equiv="Content-Security-Policy" content="${csp}">` +
      `<meta name="viewport" content="width=device-width, initial-scale=1">` +
      `<meta name="referrer" content="no-referrer">` +
      `<title>${esc(title)}</title><style>${REPORT_CSS}</style></head>\n<body><main>\n`,
    tail: `\n</main><script>${REPORT_JS}</script></body></html>\n`,
  };
}

/** The page's body, piece by piece into `body` (joined with newlines). */
function htmlBody(report: AuditReport, document: Partial<CanonicalDocument>, options: HtmlOptions, body: { push(...pieces: string[]): void }): void {
  const s = report.summary;
  const fixes = options.fixes ?? {};
  const rules = new Map((options.catalog ?? []).map((r) => [r.id, r]));
  const fnsOfRole = functionsByRole(document);
  // A template's or plan's resources named as the text report's block heads and the messages name
  // them (view.ts displayNames); the ARN stays beside each name (a title, or the code after it).
  const shownNames = displayNames(document);
  const nameOf = (arn: string, name: string): string => shownNames.get(arn) ?? name;
  const fnNames = new Map((document.functions ?? []).map((f) => [f.arn, nameOf(f.arn, f.name)]));
  const fnRole = new Map((document.functions ?? []).map((f) => [f.arn, f.roleArn]));
  const graph = buildGraph(document, report.findings, options.graph, shownNames);
  const accounts = new Set(graph.pages.map((p) => p.accountId)).size;
  const title = options.title ?? DEFAULT_TITLE;

  // ---------------------------------------------------------------- header and overview
  const asOf = document.meta?.asOf ? ` · data as of ${esc(document.meta.asOf.slice(0, 10))}` : "";
  body.push(`<header><h1>${esc(title)}</h1><div class="muted">leastrole ${esc(report.tool.version)} · rules ${esc(report.tool.rulesVersion)} · AWS action data ${esc(report.tool.iamDataVersion)}${asOf}</div></header>`);
  body.push(
    `<p class="lead">Every AWS Lambda function runs as an IAM <em>execution role</em>: whatever the role allows, the function's code, and anyone who takes it over, can do. ` +
      `This report shows which functions share a role, how much of each role's permissions is actually used, and what to tighten first.</p>`,
  );
  body.push(`<section id="overview"><h2>Overview</h2><div class="cards">`);
  body.push(card(s.functions, "functions"), card(s.roles, "roles"), card(graph.sharedRoles, "shared roles", graph.sharedRoles > 0 ? "shared" : ""));
  for (const sev of SEVERITIES) body.push(card(s.bySeverity[sev] ?? 0, `${sev} findings`, `sev-${sev}`));
  body.push(card(s.suppressed, "suppressed"));
  body.push(`</div>`);
  if (s.partial) {
    const reasons = partialDataReasons(document);
    body.push(
      `<div class="notice partial" id="partial-notice"><strong>Partial data.</strong> Some inputs were incomplete or could not be read, so some findings may be missing and usage may be understated. Treat "unused" with care.` +
        (reasons.length > 0 ? `<ul>${reasons.slice(0, 20).map((r) => `<li>${esc(r)}</li>`).join("")}${reasons.length > 20 ? `<li>… and ${reasons.length - 20} more</li>` : ""}</ul>` : "") +
        `</div>`,
    );
  }
  if (!document.usage?.present) {
    body.push(`<div class="notice" id="no-usage-notice"><strong>No usage data.</strong> No CloudTrail or Access Advisor data was given, so this report cannot say which permissions are unused; granted-versus-used shows "unknown", not zero.</div>`);
  }
  const ruleErrors = report.diagnostics.filter((d) => d.severity !== "info");
  if (ruleErrors.length > 0) {
    body.push(`<div class="notice" id="diagnostics"><strong>Diagnostics.</strong><ul>${ruleErrors.map((d) => `<li>${esc(d.severity)}: ${esc(d.message)}</li>`).join("")}</ul></div>`);
  }
  const top = topFixes(report.findings, document, 5, fnsOfRole);
  if (top.length > 0) {
    body.push(`<h3>What to fix first</h3><ol class="top-fixes">`);
    for (const fix of top) {
      const sev = clearedBySeverity(fix);
      const rule = rules.get(fix.ruleId);
      body.push(
        `<li><strong>${esc(rule?.title ?? fix.name)}</strong> <code>${esc(fix.ruleId)}</code>: clears ${plural(fix.findings, "finding")} (${esc(sev)}) ${fix.functions > 0 ? `across ${plural(fix.functions, "function")}` : `on ${plural(fix.resources, "resource")} no function uses`}.` +
          (fix.remediation ? `<div class="muted">${prose(firstParagraph(fix.remediation))}</div>` : "") +
          `</li>`,
      );
    }
    body.push(`</ol>`);
  }
  body.push(`</section>`);

  // ---------------------------------------------------------------- graph
  body.push(`<section id="graph"><h2>Functions and their execution roles</h2>`);
  body.push(
    `<p class="lead">Each function (left) is linked to the role it runs as (right). A highlighted role with a ×N badge is shared by N functions: each of them can do everything any of them needs. Coloured dots mark the worst finding on a function or role; hover a name for its full ARN.</p>`,
  );
  body.push(
    `<div class="legend"><span><i class="l-shared"></i>shared role</span><span><i class="l-single"></i>role of one function</span>` +
      SEVERITIES.slice(0, 4).map((x) => `<span><svg width="10" height="10" aria-hidden="true"><circle cx="5" cy="5" r="5" style="fill:var(--${x})"/></svg> ${x}</span>`).join("") +
      `</div>`,
  );
  if (graph.pages.length === 0) body.push(`<p class="muted">No Lambda functions in the inputs.</p>`);
  else {
    body.push(`<div class="graph-wrap">`);
    body.push(`<div class="graph-nav hidden" id="graph-nav"><button type="button" id="graph-prev">← Previous</button><span id="graph-page-label"></span><button type="button" id="graph-next">Next →</button></div>`);
    for (const [i, p] of graph.pages.entries()) {
      body.push(`<figure class="graph-page" data-page="${i}"><figcaption>${esc(graphCaption(p, accounts, document))}</figcaption>${p.svg}</figure>`);
    }
    body.push(`</div>`);
    if (graph.omittedUnshared > 0) {
      body.push(`<p class="muted" id="graph-omitted">${plural(graph.omittedUnshared, "role")} used by a single function ${graph.omittedUnshared === 1 ? "is" : "are"} left out of the picture at this size; the tables below list them.</p>`);
    }
  }
  body.push(`</section>`);

  // ---------------------------------------------------------------- granted vs used
  const maxRows = options.maxRoleRows ?? 300;
  const usage = roleUsage(document, fnsOfRole).filter((u) => u.functions.length > 0);
  const unusedOf = (u: RoleUsage) => (u.granted ?? 0) - (u.usedGranted ?? u.used ?? 0);
  // Ties by the role's name as the table shows it, then ARN (roleUsage lists by ARN).
  const byShown = compareShown(shownNames);
  usage.sort((a, b) => Number(a.status === "unknown") - Number(b.status === "unknown") || unusedOf(b) - unusedOf(a) || byShown({ name: a.roleName, arn: a.roleArn }, { name: b.roleName, arn: b.roleArn }));
  body.push(`<section id="usage"><h2>Granted versus used</h2>`);
  body.push(
    `<p class="lead">For each execution role: how many AWS actions it allows (granted) and how many its functions actually called${document.usage?.window ? ` between ${esc(document.usage.window.start.slice(0, 10))} and ${esc(document.usage.window.end.slice(0, 10))}` : ""} (used). <span style="color:var(--used)">Green</span> is the used share of the grant, grey the rest: a short green bar means most of the role's permissions were never exercised and are candidates for removal.</p>`,
  );
  if (usage.length === 0) body.push(`<p class="muted">No execution roles in the inputs.</p>`);
  else {
    body.push(`<table class="usage"><thead><tr><th>Role</th><th>Functions</th><th class="num">Granted</th><th>Used</th></tr></thead><tbody>`);
    for (const u of usage.slice(0, maxRows)) body.push(usageRow(u, fnNames, nameOf(u.roleArn, u.roleName)));
    body.push(`</tbody></table>`);
    if (usage.length > maxRows) body.push(`<p class="muted">${num(usage.length - maxRows)} more roles not shown (the ${num(maxRows)} with the most unused permissions are).</p>`);
  }
  body.push(`</section>`);

  // ---------------------------------------------------------------- findings
  // Each generated policy's anchor in the section that lists them all.
  // A template's function in a placeholder account by its name alone (its ARN is made at deploy).
  const fixLabel = (arn: string): string => (fnNames.get(arn) ? `function ${fnNames.get(arn)!}${hasPlaceholderAccount(arn) ? "" : ` (${arn})`}` : hasPlaceholderAccount(arn) ? `role ${nameOf(arn, roleNameOf(arn))}` : arn);
  // In the order of their labels when a template's or plan's names are among them; by ARN otherwise, as before.
  const fixArns = inShownOrder(Object.keys(fixes).sort(), shownNames, fixLabel);
  const fixIndex = new Map(fixArns.map((arn, i) => [arn, i]));
  const fixId = (arn: string): string => `fix-${fixIndex.get(arn) ?? 0}`;
  const fixesFor = (f: Finding): Array<[string, GeneratedFix, string]> => {
    const out: Array<[string, GeneratedFix, string]> = [];
    const seen = new Set<string>();
    const add = (arn: string, label: string) => {
      const fix = fixes[arn];
      if (fix && !seen.has(arn)) {
        seen.add(arn);
        out.push([label, fix, arn]);
      }
    };
    if (f.resource.type === "function") {
      add(f.resource.arn, `Generated policy for function ${nameOf(f.resource.arn, f.resource.name)}`);
      const role = fnRole.get(f.resource.arn);
      if (role) add(role, `Generated policy for its role`);
    } else if (f.resource.type === "role") {
      add(f.resource.arn, `Generated policy for role ${nameOf(f.resource.arn, f.resource.name)}`);
      for (const fn of fnsOfRole.get(f.resource.arn) ?? []) add(fn, `Generated policy for function ${fnNames.get(fn) ?? fn}`);
    } else add(f.resource.arn, `Generated policy for ${nameOf(f.resource.arn, f.resource.name)}`);
    return out;
  };
  const fixShown = new Set<string>();
  // The fixes the shown cards link to (the section of all of them lists at least these).
  const fixLinked = new Set<string>();
  const findingCard = (f: Finding): string => {
    const sev = sevClass(f.severity);
    const rule = rules.get(f.ruleId);
    const fns = f.resource.type === "role" ? inShownOrder(fnsOfRole.get(f.resource.arn) ?? [], shownNames, (a) => fnNames.get(a) ?? a).map((a) => fnNames.get(a) ?? a) : [];
    const resourceName = nameOf(f.resource.arn, f.resource.name);
    // The filter finds a finding by either name of its resource (the code's and AWS's).
    const searchText = [f.ruleId, f.name, resourceName, f.resource.name, f.resource.arn, f.message, ...fns].join(" ").toLowerCase();
    const evidence = Object.keys(f.evidence).length > 0 ? `<details><summary>Evidence</summary><pre>${esc(JSON.stringify(sortKeysDeep(f.evidence), null, 2))}</pre></details>` : "";
    const docs = rule?.relatedResources.find((r) => /^https:\/\//.test(r.ref));
    const itemFixes = fixesFor(f);
    return (
      `<article class="finding sev-${sev}${f.suppressed ? " is-suppressed" : ""}" data-sev="${f.suppressed ? "suppressed" : sev}" data-text="${esc(searchText)}">` +
      `<h3><span class="badge ${f.suppressed ? "suppressed" : `sev-${sev}`}">${f.suppressed ? "suppressed" : sev}</span> <code>${esc(f.ruleId)}</code> ${esc(rule?.title ?? f.name)}</h3>` +
      `<p class="msg">${esc(f.message)}</p>` +
      `<dl><dt>${esc(f.resource.type)}</dt><dd><strong>${esc(resourceName)}</strong> ${arnShown(f.resource.arn)}</dd>` +
      (fns.length > 0 ? `<dt>functions</dt><dd>${esc(fns.join(", "))}</dd>` : "") +
      (f.location ? `<dt>defined in</dt><dd><code>${esc(f.location.file)}${f.location.line !== null ? `:${esc(f.location.line)}` : ""}</code>${locationName(f.location) ? ` <code>${esc(locationName(f.location))}</code>` : ""}</dd>` : "") +
      (f.suppressed
        ? `<dt>suppressed</dt><dd>${esc(f.suppressed.reason)}${f.suppressed.expires ? ` (until ${esc(f.suppressed.expires)})` : ""} <span class="muted">[${esc(f.suppressed.origin)}]</span></dd>`
        : "") +
      (f.remediation ? `<dt>how to fix</dt><dd>${prose(f.remediation.trim())}${docs ? ` <a href="${esc(docs.ref)}" rel="noreferrer noopener">AWS docs</a>` : ""}</dd>` : "") +
      `<dt>fingerprint</dt><dd><code>${esc(f.fingerprint)}</code></dd></dl>` +
      evidence +
      itemFixes
        .map(([label, fix, arn], i) => {
          // In full the first time; then a link to it in the section of all of them. Why: a
          // function with several findings (and each function of a shared role) repeated its
          // policy and diff in every card: ~1 GB of HTML at 10,000 functions, past what a
          // JavaScript string (and a browser) holds.
          if (fixShown.has(fix.policyJson)) {
            fixLinked.add(arn);
            return `<p class="fix-ref"><a href="#${fixId(arn)}">${esc(label)}</a></p>`;
          }
          fixShown.add(fix.policyJson);
          return fixBlock(label, fix, i === 0 && !f.suppressed);
        })
        .join("") +
      `</article>`
    );
  };
  const shown = shownFindings(report, options);
  const { active, suppressed } = shown;
  const activeBySeverity = new Map<string, number>();
  for (const f of report.findings) if (!f.suppressed) activeBySeverity.set(f.severity, (activeBySeverity.get(f.severity) ?? 0) + 1);
  const activeCount = [...activeBySeverity.values()].reduce((n, c) => n + c, 0);
  const suppressedCount = report.findings.length - activeCount;
  body.push(`<section id="findings"><h2>Findings</h2>`);
  if (shown.omittedCount > 0) {
    // What the page leaves out, by rule, and where every finding is.
    const rows = [...shown.omitted].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    body.push(
      `<div class="notice" id="findings-omitted"><strong>${num(active.length + suppressed.length)} of ${num(report.findings.length)} findings shown</strong> (the most severe first, at most ${num(options.maxFindingsPerRule ?? HTML_MAX_FINDINGS_PER_RULE)} of one rule). ` +
        `The JSON report (<code>--format json</code>) and the SARIF report hold every one. Not shown here: ` +
        rows.map(([id, o]) => `<code>${esc(id)}</code> ${esc(rules.get(id)?.title ?? o.name)} ${num(o.count)}`).join(", ") +
        `.</div>`,
    );
  }
  // As the table and Markdown say it: a page of nothing audited is no clean account.
  if (nothingAudited(s)) body.push(`<p>${esc(NOTHING_AUDITED)}</p>`);
  else if (activeCount === 0) body.push(`<p>No findings${suppressedCount > 0 ? " (apart from the suppressed ones below)" : ""}.</p>`);
  else {
    body.push(
      `<div class="filters hidden" id="filters"><input type="search" id="finding-filter" placeholder="Filter by function, role, rule or text" aria-label="Filter findings">` +
        SEVERITIES.filter((x) => (s.bySeverity[x] ?? 0) > 0)
          .map((x) => `<label><input type="checkbox" data-sev-toggle="${x}" checked> ${TITLE[x]}</label>`)
          .join("") +
        (suppressedCount > 0 ? `<label><input type="checkbox" data-sev-toggle="suppressed" checked> Suppressed</label>` : "") +
        `<span class="muted" id="finding-count"></span></div>`,
    );
    for (const sev of SEVERITIES) {
      const list = active.filter((f) => f.severity === sev);
      const total = activeBySeverity.get(sev) ?? 0;
      if (total === 0) continue;
      body.push(`<h3 class="sev-heading">${TITLE[sev]} (${num(total)}${list.length < total ? `, ${num(list.length)} shown` : ""})</h3>`);
      for (const f of list) body.push(findingCard(f));
    }
  }
  if (suppressedCount > 0) {
    body.push(`<h3 id="suppressed">Suppressed (${num(suppressedCount)}${suppressed.length < suppressedCount ? `, ${num(suppressed.length)} shown` : ""})</h3><p class="muted">Accepted by a suppression (config file or tag), with the reason given. Not counted above.</p>`);
    for (const f of suppressed) body.push(findingCard(f));
  }
  body.push(`</section>`);

  // ---------------------------------------------------------------- generated policies, all of them
  // When findings are left out, only those the cards link to (so that every link resolves; the
  // cards show the others in full, and all of them would be most of the page again):
  // `leastrole generate` writes them all.
  const listed = shown.omittedCount === 0 ? fixArns : fixArns.filter((arn) => fixLinked.has(arn));
  if (listed.length > 0) {
    body.push(`<section id="fixes"><h2>Generated least-privilege policies</h2>`);
    if (listed.length < fixArns.length) body.push(`<p class="muted">Those the findings above link to (the findings show the others); <code>leastrole generate --split --diff</code> writes every function's.</p>`);
    for (const arn of listed) body.push(fixBlock(fixLabel(arn), fixes[arn]!, false, fixId(arn)));
    body.push(`</section>`);
  }

  // ---------------------------------------------------------------- inputs
  const sources = document.meta?.sources ?? [];
  const warnings = document.meta?.warnings ?? [];
  body.push(`<section id="inputs"><h2>Inputs</h2>`);
  if (sources.length === 0) body.push(`<p class="muted">The document does not list its input files.</p>`);
  else {
    // One row per kind of input (a CloudTrail folder is hundreds of files), every file in a fold.
    const kinds = groupBy(sources, (src) => src.kind);
    body.push(`<table class="inputs"><thead><tr><th>Kind</th><th class="num">Files</th><th class="num">Records</th><th>Accounts / regions</th></tr></thead><tbody>`);
    for (const [kind, list] of [...kinds].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const where = [...new Set(list.flatMap((x) => [x.accountId, x.region].filter((v): v is string => Boolean(v))))].sort();
      body.push(`<tr><td>${esc(kind)}</td><td class="num">${num(list.length)}</td><td class="num">${num(list.reduce((n, x) => n + x.records, 0))}</td><td>${esc(where.join(", "))}</td></tr>`);
    }
    body.push(`</tbody></table>`);
    body.push(`<details><summary>All ${plural(sources.length, "input file")}</summary><table class="files"><thead><tr><th>File</th><th>Kind</th><th class="num">Records</th><th>sha256</th></tr></thead><tbody>`);
    for (const src of sources) {
      body.push(`<tr><td><code>${esc(src.path)}</code></td><td>${esc(src.kind)}</td><td class="num">${num(src.records)}</td><td><code title="${esc(src.sha256)}">${esc(src.sha256.slice(0, 12))}</code></td></tr>`);
    }
    body.push(`</tbody></table></details>`);
  }
  if (warnings.length > 0) {
    body.push(`<h3>Warnings (${num(warnings.length)})</h3><ul class="warnings">`);
    // Labelled as stderr says it (warningLabel): severity "error" means "makes the inputs
    // partial", which is said in words; before, it was shown as "error" while stderr said "warning".
    for (const w of warnings.slice(0, 200)) {
      const partial = makesPartial(w) ? ` <em class="partial">makes the audit partial</em>` : "";
      body.push(`<li><strong>${esc(warningLabel(w))}</strong>${partial} ${esc([w.file, w.path].filter(Boolean).join(": "))}${w.file || w.path ? ": " : ""}${esc(w.message)}</li>`);
    }
    if (warnings.length > 200) body.push(`<li>… and ${num(warnings.length - 200)} more (see the JSON report)</li>`);
    body.push(`</ul>`);
  }
  body.push(`</section>`);
  body.push(`<footer>Generated by leastrole ${esc(report.tool.version)} (report schema ${esc(report.schemaVersion)}). This file is self-contained and makes no network requests.</footer>`);
}
