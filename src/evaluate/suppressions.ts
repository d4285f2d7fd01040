/**
 * Suppressions: accepted findings, each with a reason, optionally until a date. Applied after
 * evaluation, identically for every pack. A suppressed finding stays in the result, marked with
 * its reason; an expired suppression lets the finding through and says so; a suppression that
 * matched nothing is reported so stale config gets cleaned up.
 *
 * Sources: the config file (`suppressions:` list) and tags on the role or function, of the form
 *   leastrole:suppress:<rule id or name> = "<reason>"            (no expiry)
 *   leastrole:suppress:<rule id or name> = "<reason> until YYYY-MM-DD"
 * A tag that says "until" and then anything but a real date (`until 2025-3-31`, `until Q3`) is not
 * applied, with a warning: read as part of the reason it would have suppressed forever.
 * And a template resource's `Metadata: leastrole: suppress:` list, which the reader carries in the
 * canonical document's `suppressions` (src/sources/cloudformation/metadata-suppressions.ts).
 */

import type { CanonicalDocument } from "../model/document.js";
import type { Finding } from "../model/findings.js";
import type { Diagnostic } from "./findings.js";

export interface SuppressionRule {
  /** Rule id (`LR001`), rule name (`shared-execution-role`) or `*`. */
  rule: string;
  /** ARN, resource name, or a glob over either (`*` any run of characters, `?` one character). */
  resource: string;
  /** Why the finding is accepted. Required: a suppression without a reason is rejected. */
  reason: string;
  /** Last day (YYYY-MM-DD, inclusive) the suppression applies; absent or null = no expiry. */
  expires?: string | null;
  /** Where the suppression came from, for reports: `config:<file>`, `tag:<arn>` or `template:<file>#<LogicalId>`. */
  origin?: string;
  /**
   * The exact ARNs it applies to, in place of `resource` (which then only names them in messages):
   * a template's suppression applies to the resource it is written on and to what the template
   * makes from it (SAM's `<Function>Role`), as one suppression, used when either has the finding.
   */
  resources?: string[];
}

export interface SuppressionOutcome {
  findings: Finding[];
  diagnostics: Diagnostic[];
  /** Suppressions that matched no finding. */
  unused: SuppressionRule[];
  /** Suppressions past their expiry that matched a finding (which is reported again). */
  expired: SuppressionRule[];
}

export const SUPPRESS_TAG_PREFIX = "leastrole:suppress:";

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`);
}

/** Suppressions declared as tags on roles and functions. */
export function suppressionsFromTags(doc: Partial<CanonicalDocument>): SuppressionRule[] {
  const out: SuppressionRule[] = [];
  const entities = [...(doc.roles ?? []), ...(doc.functions ?? [])];
  for (const e of entities) {
    for (const [key, value] of Object.entries(e.tags ?? {})) {
      if (!key.toLowerCase().startsWith(SUPPRESS_TAG_PREFIX)) continue;
      const rule = key.slice(SUPPRESS_TAG_PREFIX.length).trim();
      // Everything after the last "until" is the expiry, whatever it is: validateSuppression then
      // refuses one that is not a date, rather than the reason swallowing it.
      const m = /^(.*)\buntil\b(.*)$/is.exec(value);
      out.push({
        rule,
        resource: e.arn,
        reason: (m ? m[1]! : value).trim(),
        expires: m ? m[2]!.trim() : null,
        origin: `tag:${e.arn}`,
      });
    }
  }
  return out;
}

/** Suppressions written in the inputs beside their resources (a template's resource Metadata). */
export function suppressionsFromDocument(doc: Partial<CanonicalDocument>): SuppressionRule[] {
  return (doc.suppressions ?? []).map((s) => ({
    rule: s.rule,
    resource: s.resources.join(", "),
    resources: [...s.resources],
    reason: s.reason,
    expires: s.expires,
    origin: s.origin,
  }));
}

/**
 * A day of the calendar written YYYY-MM-DD. Not Date.parse alone: it rolls 2027-02-30 over to
 * March 2nd, so an impossible date would pass for another one.
 */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const t = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === text;
}

function isTag(s: SuppressionRule): boolean {
  return s.origin?.startsWith("tag:") === true;
}

/** Problems with a suppression itself (empty reason, bad date): such entries are not applied. */
export function validateSuppression(s: SuppressionRule): string | null {
  if (typeof s.rule !== "string" || s.rule.trim() === "") return "rule is required";
  if (typeof s.resource !== "string" || s.resource.trim() === "") return "resource is required";
  if (typeof s.reason !== "string" || s.reason.trim() === "") return "a reason is required";
  if (s.expires != null && (typeof s.expires !== "string" || !isCalendarDate(s.expires))) {
    return isTag(s)
      ? `"until" must be followed by a date YYYY-MM-DD (got ${JSON.stringify(s.expires)}): write "<reason> until 2027-03-31", or leave "until" out of a suppression without expiry; the finding is reported meanwhile`
      : `expires must be a date YYYY-MM-DD (got ${JSON.stringify(s.expires)})`;
  }
  return null;
}

/** Whether a finding's resource is one a suppression names: its exact ARNs, else its glob over ARN or name. */
function resourceMatcher(rule: SuppressionRule): (f: Finding) => boolean {
  if (rule.resources !== undefined) {
    const arns = new Set(rule.resources);
    return (f) => arns.has(f.resource.arn);
  }
  const re = globToRegExp(rule.resource);
  return (f) => re.test(f.resource.arn) || re.test(f.resource.name);
}

function ruleMatches(rule: string, f: Finding): boolean {
  if (rule === "*") return true;
  const r = rule.toLowerCase();
  return r === f.ruleId.toLowerCase() || r === f.name.toLowerCase();
}

/**
 * Apply suppressions. `today` (YYYY-MM-DD, UTC) decides expiry; it defaults to the current date
 * because an expiry is about the calendar, not about the data.
 *
 * `knownRules` (lowercase ids and names of the rules of the packs run; absent when not all are
 * known) tells a suppression naming no rule at all (`LR01`, `LR999`) from one whose rule simply
 * had no finding this time: both suppress nothing, the first can never suppress anything.
 */
export function applySuppressions(
  findings: Finding[],
  rules: SuppressionRule[],
  today: string = new Date().toISOString().slice(0, 10),
  knownRules?: ReadonlySet<string>,
): SuppressionOutcome {
  const diagnostics: Diagnostic[] = [];
  const valid: Array<{ rule: SuppressionRule; matches: (f: Finding) => boolean; used: boolean; expiredHit: boolean }> = [];
  for (const rule of rules) {
    const problem = validateSuppression(rule);
    if (problem) {
      diagnostics.push({
        severity: "warning",
        code: "invalid-suppression",
        message: isTag(rule)
          ? `tag ${SUPPRESS_TAG_PREFIX}${rule.rule} on ${rule.resource} ignored: ${problem}`
          : `suppression ${JSON.stringify({ rule: rule.rule, resource: rule.resource })}${rule.origin ? ` (${rule.origin})` : ""} ignored: ${problem}`,
      });
      continue;
    }
    valid.push({ rule, matches: resourceMatcher(rule), used: false, expiredHit: false });
  }
  const out = findings.map((f) => {
    let applied: Finding["suppressed"] = null;
    for (const v of valid) {
      if (!ruleMatches(v.rule.rule, f)) continue;
      if (!v.matches(f)) continue;
      const expired = v.rule.expires != null && v.rule.expires < today;
      if (expired) {
        v.expiredHit = true;
        continue;
      }
      v.used = true;
      if (!applied) applied = { reason: v.rule.reason, expires: v.rule.expires ?? null, origin: v.rule.origin ?? "config" };
    }
    return applied ? { ...f, suppressed: applied } : f;
  });
  const expired = valid.filter((v) => v.expiredHit && !v.used).map((v) => v.rule);
  for (const e of expired) {
    diagnostics.push({
      severity: "warning",
      code: "suppression-expired",
      message: `suppression of ${e.rule} on ${e.resource}${e.origin ? ` (${e.origin})` : ""} expired on ${e.expires} (${e.reason}): its findings are reported again`,
      rule: e.rule,
    });
  }
  const unused = valid.filter((v) => !v.used && !v.expiredHit).map((v) => v.rule);
  // Warnings, not info: the table, Markdown and HTML reports and stderr show warnings, and a
  // suppression that does nothing is a mistake to fix (a typo in the id, the function's name given
  // for a finding on its role) or stale configuration to remove.
  for (const u of unused) {
    const unknown = knownRules !== undefined && u.rule !== "*" && !knownRules.has(u.rule.toLowerCase());
    diagnostics.push({
      severity: "warning",
      code: unknown ? "suppression-unknown-rule" : "suppression-unused",
      message: unknown
        ? `suppression of ${u.rule} on ${u.resource}${u.origin ? ` (${u.origin})` : ""}: ${JSON.stringify(u.rule)} is not the id or name of a rule of the packs run, so it suppresses nothing (\`leastrole rules\` lists them)`
        : u.resources !== undefined
          ? // Written on the resource itself: only the rule can be wrong, or the finding is gone.
            `suppression of ${u.rule} on ${u.resource}${u.origin ? ` (${u.origin})` : ""} matched no finding: that rule reports nothing on this resource (a finding on another resource is suppressed on that one), so remove it or check the rule`
          : `suppression of ${u.rule} on ${u.resource}${u.origin ? ` (${u.origin})` : ""} matched no finding: check the rule and the resource (a finding on a role is not suppressed by its function's name), or remove it`,
      rule: u.rule,
    });
  }
  return { findings: out, diagnostics, unused, expired };
}
