/**
 * Markdown for a pull-request comment: the right-sizing diff (`leastrole generate --diff`) and the
 * generated policy with its provenance, wildcards, kept exceptions and warnings. GitHub-flavoured:
 * tables, `<details>` for long lists. Free text from inputs (exception reasons, names) is escaped;
 * ARNs and actions go in code spans.
 */

// One implementation of Markdown escaping for every report: a copy here escaped `|` in every code
// span, and GitHub shows that backslash outside tables (`role/x\|y` for `role/x|y`).
import { htmlText, mdCode, mdFence, mdText } from "../report/markdown-escape.js";
import { plural } from "../printable.js";
import type { PolicyDiff } from "./diff.js";
import type { PolicyBuild } from "./types.js";
import type { CanonicalDocument } from "../model/document.js";
import { hasPlaceholderAccount, namedInText } from "../deployment-account.js";
import { ownPart, type SharedAdvice } from "./shared-advice.js";
import { roleNameOf } from "./iam-names.js";

function n(x: number): string {
  return x.toLocaleString("en-US");
}

/** `1 action`, `3 actions`, `2 policies`. */
function count(x: number, one: string, many: string): string {
  return plural(x, one, many, n);
}

/** Code spans, the first `cap` of them; `inTable` in a table cell (where `|` must be escaped). */
function codes(xs: readonly string[], cap = 12, inTable = false): string {
  const shown = xs.slice(0, cap).map((x) => mdCode(x, inTable)).join(", ");
  return xs.length > cap ? `${shown} and ${n(xs.length - cap)} more` : shown;
}

function byService(m: { [s: string]: number }, cap = 8): string {
  const entries = Object.entries(m).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const shown = entries.slice(0, cap).map(([s, c]) => `${mdCode(s)} ${n(c)}`).join(", ");
  return entries.length > cap ? `${shown}, … ${n(entries.length - cap)} more services` : shown;
}

/**
 * The document as JSON for a code block, the characters JSON.stringify leaves raw that a terminal
 * or Markdown reader would act on or that mdFence strips (DEL, C1, line/paragraph separators, bidi
 * controls) written as `\uXXXX`: the same JSON value, shown as it is.
 */
function policyJson(document: PolicyBuild["policy"]): string {
  return JSON.stringify(document, null, 2).replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function policyJsonBlock(build: PolicyBuild): string {
  const parts = build.policies.map((p) => {
    // Raw HTML: Markdown is not parsed in <summary> (a code span's backticks would show), so <code> and HTML escaping.
    const name = `<code>${htmlText(p.name)}</code>`;
    const title = build.policies.length === 1 ? `${p.kind} policy ${name}` : `${p.kind} policy ${name} (${n(p.size)} / ${n(p.limit)} characters)`;
    return `<details><summary>${title}</summary>\n\n${mdFence(policyJson(p.document), "json")}\n\n</details>`;
  });
  return parts.join("\n\n");
}

function sideLists(build: PolicyBuild, sharedSaid: boolean): string[] {
  const out: string[] = [];
  if (build.wildcards.length > 0) {
    out.push("#### Wildcards, and why", "");
    for (const w of build.wildcards) out.push(`- ${mdCode(w.action)} on ${mdCode(w.resource)}: ${mdText(w.reason)}`);
    out.push("");
  }
  if (build.exceptions.length > 0) {
    out.push("#### Kept exceptions", "");
    for (const e of build.exceptions) {
      out.push(`- ${mdText(e.reason)} (function ${mdCode(e.function)}): ${codes(e.actions)} on ${e.resources.length > 0 ? codes(e.resources, 6) : "nothing (see warnings)"} — resources from ${e.resourcesFrom === "configuration" ? "the configuration" : "today's policy"}`);
    }
    out.push("");
  }
  // With the shared advice said at the comment's top (renderSharedAdviceMarkdown), each warning's own part only.
  const warnings = build.warnings.map((w) => ({ code: w.code, text: sharedSaid ? ownPart(w) : w.message })).filter((w) => w.text !== "");
  if (warnings.length > 0) {
    out.push("#### Warnings", "");
    for (const w of warnings) out.push(`- **${mdText(w.code)}**: ${mdText(w.text)}`);
    out.push("");
  }
  return out;
}

/** How the Markdown of a policy or a diff is written. */
export interface PolicyMarkdownOptions {
  /** The comment's top says the warnings' shared advice (renderSharedAdviceMarkdown). */
  sharedAdviceSaid?: boolean;
  /**
   * How the headings name a function or role, by ARN (subjectNames): a template's or plan's in a
   * placeholder account by its code's name. Without it (or for an ARN it does not hold), the ARN.
   */
  names?: ReadonlyMap<string, string>;
}

/**
 * The functions and roles of a template or plan read without an account, by ARN, as a person
 * knows them (namedInText: the display name, else the name): their ARNs
 * (`arn:aws:lambda:unknown:unknown-6e484cf7:function:Fn`) hold a placeholder account. Empty for
 * an account export, whose ARNs the headings show as they are.
 */
export function subjectNames(document: Pick<CanonicalDocument, "functions" | "roles">): Map<string, string> {
  const names = new Map<string, string>();
  for (const e of [...document.functions, ...document.roles]) if (hasPlaceholderAccount(e.arn)) names.set(e.arn, namedInText(e));
  return names;
}

function shownSubject(arn: string, names: ReadonlyMap<string, string> | undefined): string {
  return names?.get(arn) ?? arn;
}

/**
 * Advice several policies of one comment share (sharedAdviceOf), said once at its top naming their
 * subjects; "" when there is none. The sections after it are rendered with `sharedAdviceSaid`.
 */
export function renderSharedAdviceMarkdown(shared: readonly SharedAdvice[]): string {
  if (shared.length === 0) return "";
  const out = ["### Warnings for the policies below", ""];
  for (const a of shared) out.push(`- **${mdText(a.code)}** (${codes(a.names, 20)}): ${mdText(a.advice)}`);
  return `${out.join("\n")}\n`;
}

/**
 * The generated policy as Markdown: one table row per statement with provenance, then the JSON.
 * `sharedAdviceSaid`: the comment's top says the warnings' shared advice (renderSharedAdviceMarkdown).
 */
export function renderPolicyMarkdown(build: PolicyBuild, subject: string, options: PolicyMarkdownOptions = {}): string {
  const out: string[] = [`### Least-privilege policy for ${mdCode(shownSubject(subject, options.names))}`, ""];
  out.push(
    `Role ${mdCode(build.roleName)}: ${count(build.statements.length, "statement", "statements")}, ${count(new Set(build.grants.map((g) => g.action.toLowerCase())).size, "action", "actions")}, ${count(build.policies.length, `${build.policies[0]?.kind ?? "inline"} policy`, `${build.policies[0]?.kind ?? "inline"} policies`)}.`,
    "",
  );
  out.push("| Sid | Actions | Resources | Why |", "| --- | --- | --- | --- |");
  for (const s of build.statements) {
    out.push(`| ${mdCode(s.sid, true)} | ${codes(s.actions, 6, true)} | ${codes(s.resources, 4, true)} | ${s.provenance.map(mdText).join(", ")} |`);
  }
  out.push("", policyJsonBlock(build), "", ...sideLists(build, options.sharedAdviceSaid === true));
  return `${out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;
}

/**
 * The right-sizing diff as a pull-request comment. `sharedAdviceSaid`: the comment's top says the
 * warnings' shared advice (renderSharedAdviceMarkdown), as for the policies' comment.
 */
/**
 * When the policy is for a new role (one function of a shared role, `--split` or `--function`), not
 * today's: the diff compares it with today's role, whose removals are then what this function does
 * not need, not what today's role can lose while other functions run with it. Before, the heading "Right-sizing <shared role> for <function>" and
 * its "removed" lines read as edits of the shared role, which would break the other functions.
 */
function newRoleNote(diff: PolicyDiff, build: PolicyBuild): string | null {
  const today = roleNameOf(diff.roleArn);
  // A role that is no IAM role ARN (a template's placeholder) is no role other functions share.
  if (today === null || today === build.roleName) return null;
  const role = mdCode(today);
  return `> The generated policy is for a new role, ${mdCode(build.roleName)}, not for ${role}: the removals below are what this function does not need, not what ${role} can lose while other functions run with it. Create the new role and point the function at it; right-size ${role} from the union of its functions' policies (\`leastrole generate\` without \`--split\` or \`--function\`).`;
}

export function renderDiffMarkdown(diff: PolicyDiff, build: PolicyBuild, options: PolicyMarkdownOptions = {}): string {
  const s = diff.summary;
  // A shared role's union is for the role itself (its functions together): named once. Before,
  // "Right-sizing `LambdaRole` for `LambdaRole`".
  const role = mdCode(shownSubject(diff.roleArn, options.names));
  const heading = diff.subject === diff.roleArn ? `### Right-sizing ${role} for all the functions that use it (the union of their policies)` : `### Right-sizing ${role} for ${mdCode(shownSubject(diff.subject, options.names))}`;
  const out: string[] = [heading, ""];
  out.push("| | statements | actions |", "| --- | ---: | ---: |");
  out.push(`| today (${count(s.currentPolicies, "policy", "policies")}) | ${n(s.currentStatements)} | ${n(s.currentActions)} |`);
  out.push(`| generated | ${n(s.generatedStatements)} | ${n(s.generatedActions)} |`);
  out.push("");
  out.push(`**${n(s.removedActions)}** actions removed, **${n(s.narrowedActions)}** narrowed to fewer resources, **${n(s.keptActions)}** kept, **${n(s.addedActions)}** added, **${n(s.widenedActions)}** granted on resources today's policy lacks.`, "");
  if (diff.unresolvedPolicies.length > 0) out.push(`> Not compared (document not in the input): ${codes(diff.unresolvedPolicies)}.`, "");
  const note = newRoleNote(diff, build);
  if (note !== null) out.push(note, "");

  out.push("#### Today's statements", "");
  for (const c of diff.current) {
    const name = `${mdCode(c.policy)} Statement[${c.index}]${c.sid ? ` ${mdCode(c.sid)}` : ""}`;
    const flags = [c.conditional ? "has conditions" : "", c.notResource ? "uses NotResource" : ""].filter((f) => f !== "");
    const verdict =
      c.removed.count === c.actionCount && c.actionCount > 0 ? "**removed**" : c.removed.count === 0 && c.narrowed.length === 0 ? "kept" : "**reduced**";
    out.push(`- ${name} — ${count(c.actionCount, "action", "actions")} on ${c.resources.length > 0 ? codes(c.resources, 4) : "NotResource"}${flags.length ? ` (${flags.join(", ")})` : ""}: ${verdict}`);
    if (c.removed.count > 0) {
      out.push(`  - removed ${n(c.removed.count)}: ${byService(c.removed.byService)}`);
      if (c.removed.count <= 20) out.push(`    ${codes(c.removed.actions, 20)}`);
    }
    if (c.narrowed.length > 0) {
      out.push(`  - narrowed ${n(c.narrowed.length)}:`);
      for (const a of c.narrowed.slice(0, 20)) out.push(`    - ${mdCode(a.action)}: ${codes(a.from, 3)} → ${codes(a.to, 4)}`);
      if (c.narrowed.length > 20) out.push(`    - … ${n(c.narrowed.length - 20)} more`);
    }
    if (c.kept.count > 0) out.push(`  - kept ${n(c.kept.count)}: ${codes(c.kept.actions, 8)}`);
    if (c.unknownActions.length > 0) out.push(`  - not in the action catalog: ${codes(c.unknownActions)}`);
  }
  if (diff.current.length === 0) out.push("- (no Allow statements today)");
  out.push("");

  const changed = diff.generated.filter((g) => g.added.length > 0 || g.widened.length > 0);
  if (changed.length > 0) {
    out.push("#### Added or widened", "");
    for (const g of changed) {
      if (g.added.length > 0) out.push(`- ${mdCode(g.sid)} adds ${codes(g.added)} on ${codes(g.resources, 4)} (${g.provenance.map(mdText).join(", ")})`);
      for (const w of g.widened) out.push(`- ${mdCode(g.sid)} grants ${mdCode(w.action)} also on ${codes(w.resources, 4)} (${g.provenance.map(mdText).join(", ")})`);
    }
    out.push("");
  }
  out.push("#### Generated policy", "", policyJsonBlock(build), "", ...sideLists(build, options.sharedAdviceSaid === true));
  return `${out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;
}
