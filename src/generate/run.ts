/**
 * `leastrole generate` in one call, for the CLI: options map one-to-one to the flags
 * `--function X`, `--split`, `--diff`, `--format json|terraform|cloudformation|sam|markdown`,
 * `--target inline|managed`, `--prefix-threshold N`, `--window-days N`.
 *
 * What is generated:
 * - `--function X`: the policy for X alone (X's role gets it; a shared role's other functions are
 *   unaffected only after the split).
 * - no `--function`: every execution role in the document. Without `--split`, one policy per role,
 *   the union of its functions' policies (the interim for shared roles); with `--split`, one new
 *   role per function (the role-per-function split).
 * - `--diff`: Markdown diff of each generated policy against the role's policies today, whatever
 *   `--format` says (the diff is meant for a pull-request comment).
 */

import type { CanonicalDocument } from "../model/document.js";
import { roleOf } from "./current-policies.js";
import { lambdaModuleOf } from "./lambda-module.js";
import { diffPolicies, type PolicyDiff } from "./diff.js";
import { generateForRole, generatePolicy } from "./generate.js";
import { loadActionCatalogSync, type ActionCatalog } from "./iam.js";
import { renderCloudFormation, renderSamPolicies, renderSamRole } from "./render-cloudformation.js";
import { samPlaces } from "./sam-place.js";
import { renderDiffMarkdown, renderPolicyMarkdown, renderSharedAdviceMarkdown, subjectNames } from "./render-markdown.js";
import { sharedAdviceOf } from "./shared-advice.js";
import { renderTerraform } from "./render-terraform.js";
import { GITHUB_COMMENT_LIMIT } from "../report/markdown.js";
import { InputError } from "../errors.js";
import { mdCode } from "../report/markdown-escape.js";
import { clip } from "../report/clip.js";
import type { GenerateFormat, GenerateOptions, KeptRole, PolicyBuild } from "./types.js";

export type { GenerateFormat };

export interface GenerateRunOptions extends GenerateOptions {
  format?: GenerateFormat;
  /** `--function`: one function by ARN or unique name. */
  function?: string;
  /** `--split`: one role per function for shared roles. */
  split?: boolean;
  /** `--diff`: Markdown right-sizing diff against today's policies. */
  diff?: boolean;
  /**
   * `--max-length`: most characters of the Markdown (`--diff`, or `format: "markdown"`), a
   * pull-request comment. Default GitHub's comment limit (65,536); 0 for no limit. When the whole
   * does not fit, the policies or diffs are written in their order while they fit, and a closing
   * note says how many were left out and names the first of them.
   */
  maxLength?: number;
}

/** One generated role: what it is for, the build, and the role whose policies it replaces. */
export interface GenerateTarget {
  /** The function ARN, or the role ARN for a role's union. */
  subject: string;
  /** The role whose policies today the diff compares with. */
  currentRoleArn: string;
  build: PolicyBuild;
}

export interface GenerateRunResult {
  targets: GenerateTarget[];
  diffs: PolicyDiff[];
  /** The rendered output in the requested format (or the Markdown diff with `diff`). */
  output: string;
}

const FORMATS: readonly GenerateFormat[] = ["json", "terraform", "cloudformation", "sam", "markdown"];

/** A format the SDK caller named that is none of ours: refused (it gave the JSON without a word). */
function checkFormat(format: unknown): void {
  if (format !== undefined && !FORMATS.includes(format as GenerateFormat)) throw new InputError(`generate's format must be one of ${FORMATS.join(", ")}, not ${JSON.stringify(format)}`);
}

/**
 * The options of runGenerate and writeGenerate that their targets share. `roleName` (GenerateOptions,
 * for generatePolicy's one role) names every role generated: without `function`, each target's
 * role was written with that one name (Terraform labels made unique, `name = "x"` kept), a set of
 * roles IAM refuses to create beside each other (EntityAlreadyExists).
 */
function checkRunOptions(options: GenerateRunOptions): void {
  checkFormat(options.format);
  if (options.roleName !== undefined && options.function === undefined) {
    throw new InputError("generate's roleName names one role: give it with function (one function's policy), or leave it out and each generated role keeps the name of the role it replaces");
  }
}

/** The targets `options` select, in a stable order (by role ARN, then function ARN). */
export function selectTargets(document: CanonicalDocument, options: GenerateRunOptions, catalog: ActionCatalog): GenerateTarget[] {
  return [...eachTarget(document, options, catalog)];
}

/**
 * selectTargets one role at a time, for callers that use each target and let it go (the HTML
 * report renders functions' diffs: all of them at once were most of a 4 GB heap at 10,000
 * functions).
 */
export function* eachTarget(document: CanonicalDocument, options: GenerateRunOptions, catalog: ActionCatalog, onlyRoles?: ReadonlySet<string>): Generator<GenerateTarget> {
  if (options.function !== undefined) {
    const g = generatePolicy(document, options.function, options, catalog);
    yield { subject: g.functionArn, currentRoleArn: g.roleArn, build: g };
    return;
  }
  // `onlyRoles`: the targets of these execution roles alone (the HTML report's, for the findings it shows).
  const roles = [...new Set(document.functions.map((f) => f.roleArn))].filter((r) => onlyRoles === undefined || onlyRoles.has(r)).sort();
  for (const roleArn of roles) {
    const r = generateForRole(document, roleArn, options, catalog);
    if (options.split === true && r.functions.length > 1) {
      for (const f of r.functions) yield { subject: f.functionArn, currentRoleArn: roleArn, build: f };
    } else {
      const only = r.functions.length === 1 ? r.functions[0] : undefined;
      yield only !== undefined ? { subject: only.functionArn, currentRoleArn: roleArn, build: only } : { subject: roleArn, currentRoleArn: roleArn, build: r.union };
    }
  }
}

/** What the CLI needs of each target once its output is written: its warnings. */
export interface WrittenTarget {
  subject: string;
  build: { warnings: PolicyBuild["warnings"] };
}

/**
 * runGenerate's output, byte for byte, written in pieces as the targets are generated (one role
 * at a time, each diff or policy rendered and let go); returns each target's subject and warnings.
 * Why: `generate --split --diff` at 10,000 functions held every build and every diff, then their
 * joined text: 1.6 GB. Terraform and CloudFormation name their resources across all targets
 * (unique names), so those two are rendered whole, as runGenerate does.
 */
export function writeGenerate(
  document: CanonicalDocument,
  options: GenerateRunOptions,
  write: (s: string) => void,
  catalog: ActionCatalog = loadActionCatalogSync(),
): WrittenTarget[] {
  checkRunOptions(options);
  const format = options.format ?? "json";
  if (options.diff !== true && (format === "terraform" || format === "cloudformation")) {
    const r = runGenerate(document, options, catalog);
    write(r.output);
    return r.targets;
  }
  const written: WrittenTarget[] = [];
  // The SAM documents' logical IDs, unique across the output (as runGenerate gives them).
  const sam = format === "sam" ? samRenderer(document) : undefined;
  // Markdown (the policies, or their diffs) says the advice several policies share at its top
  // (markdownPolicies; runGenerate's diffs alike): every target is needed before the first is written.
  if (options.diff === true || format === "markdown") {
    const targets = [...eachTarget(document, options, catalog)];
    // Still one piece per policy: the writer's memory is the builds', not the diffs' or the whole
    // text's (each diff is made, written and let go).
    writeMarkdown(document, targets, options, (t) => diffPolicies(document, t.currentRoleArn, t.build, t.subject, catalog), write);
    return targets.map((t) => ({ subject: t.subject, build: { warnings: t.build.warnings } }));
  }
  for (const t of eachTarget(document, options, catalog)) {
    const first = written.length === 0;
    if (sam !== undefined) {
      if (!first) write(YAML_SEPARATOR);
      write(sam(t));
    } else {
      // JSON.stringify(targets, null, 2): each item indented by two more spaces.
      const item = JSON.stringify({ subject: t.subject, currentRoleArn: t.currentRoleArn, ...t.build }, null, 2).replaceAll("\n", "\n  ");
      write(`${first ? "[\n" : ",\n"}  ${item}`);
    }
    written.push({ subject: t.subject, build: { warnings: t.build.warnings } });
  }
  if (format === "json") write(written.length === 0 ? "[]\n" : "\n]\n");
  return written;
}

/** Between two targets' Markdown (policies or diffs), and between two SAM documents. */
const MARKDOWN_SEPARATOR = "\n---\n\n";

/** Room kept for the closing note when not every policy fits (it names up to five, each cut to 120 characters). */
const NOTE_ROOM = 1_200;

/**
 * The Markdown comment (the policies, or with `diff` their diffs): the advice several share once
 * at its top, then each target's piece, while the comment stays within `options.maxLength`
 * (default GitHub's comment limit, which refuses a longer comment: 206 KB for the 40 functions of
 * the SAM corpus). Pieces are written in their order and the first that does not fit ends the
 * comment, so no later one is shown in its place; a closing note says how many were left out.
 * Each piece is made, written and let go (diffOf is called once per target written).
 */
function writeMarkdown(document: CanonicalDocument, targets: readonly GenerateTarget[], options: GenerateRunOptions, diffOf: (t: GenerateTarget, i: number) => PolicyDiff, write: (s: string) => void): void {
  const names = subjectNames(document);
  const limit = options.maxLength === undefined ? GITHUB_COMMENT_LIMIT : options.maxLength > 0 ? options.maxLength : Number.POSITIVE_INFINITY;
  let used = 0;
  const put = (text: string): void => {
    used += text.length;
    write(text);
  };
  const shared = markdownSharedAdvice(targets);
  if (shared !== "") put(`${shared}${MARKDOWN_SEPARATOR}`);
  let shown = 0;
  for (const [i, t] of targets.entries()) {
    const piece = options.diff === true ? renderDiffMarkdown(diffOf(t, i), t.build, { sharedAdviceSaid: true, names }) : renderPolicyMarkdown(t.build, t.subject, { sharedAdviceSaid: true, names });
    const text = shown > 0 ? `${MARKDOWN_SEPARATOR}${piece}` : piece;
    // The last piece needs no room for a note; any other, room for the note that may follow it.
    if (used + text.length + (i === targets.length - 1 ? 0 : NOTE_ROOM) > limit) break;
    put(text);
    shown++;
  }
  if (shown === targets.length) return;
  const left = targets.slice(shown);
  const what = options.diff === true ? "right-sizing diffs" : "policies";
  const named = left.slice(0, 5).map((t) => mdCode(clip(names.get(t.subject) ?? t.subject, 120))).join(", ");
  const more = left.length > 5 ? ` and ${left.length - 5} more` : "";
  put(
    `${shown > 0 ? MARKDOWN_SEPARATOR : ""}> [!NOTE]\n> ${left.length} of ${targets.length} ${what} not shown to fit a pull-request comment of ${limit.toLocaleString("en-US")} characters: ${named}${more}. ` +
      `Write them all with \`--max-length 0\` (\`leastrole generate ${options.diff === true ? "--diff" : "--format markdown"} --max-length 0 -o ${options.diff === true ? "diff" : "policies"}.md\`), or one function's with \`--function\`.\n`,
  );
}

/** The advice several policies share, as the Markdown comment's top ("" when none). */
function markdownSharedAdvice(targets: readonly GenerateTarget[]): string {
  return renderSharedAdviceMarkdown(sharedAdviceOf(targets.map((t) => ({ warnings: t.build.warnings, subject: t.subject })), (t) => t.subject));
}

const YAML_SEPARATOR = "---\n";

/** Whether generated Terraform and CloudFormation may refer to the inputs' own resources. */
function referencesOf(document: CanonicalDocument): { terraformReferences: boolean; cloudFormationReferences: boolean } {
  const kinds = new Set(document.meta.sources.map((s) => s.kind));
  return { terraformReferences: kinds.has("terraform-plan"), cloudFormationReferences: kinds.has("cloudformation") };
}

/**
 * What the renderers keep of each target's role today (path; logical ID or Terraform resource name
 * when the role was read from a template or plan), for targets whose role keeps today's name.
 */
function keptRoles(document: CanonicalDocument): (t: GenerateTarget) => KeptRole | undefined {
  const kinds = new Map(document.meta.sources.map((s) => [s.path, s.kind]));
  return (t) => {
    const role = roleOf(document, t.currentRoleArn);
    if (role === undefined || role.name !== t.build.roleName) return undefined;
    const kept: KeptRole = { path: role.path === "" ? "/" : role.path };
    // A plan read with its .tf files points its records at the .tf file that declares them, which
    // meta.sources does not list (only the plan): before, such a role lost its resource name.
    const file = role.source?.file;
    const kind = file === undefined ? undefined : (kinds.get(file) ?? (/\.tf(?:\.json)?$/.test(file) ? "terraform-plan" : undefined));
    const address = role.source?.address ?? null;
    if (kind === "cloudformation") {
      const connectors = role.attachedPolicies.flatMap((p) => {
        const source = document.policies[p.arn]?.source;
        return source?.samMadeFrom === undefined ? [] : [`${source.address ?? p.name} (${source.samMadeFrom})`];
      });
      if (connectors.length > 0) kept.connectorPolicies = [...new Set(connectors)].sort();
    }
    const construct = kind === "cloudformation" ? role.source?.construct?.replace(/\/Resource$/, "") : undefined;
    if (construct !== undefined && construct !== "") kept.construct = construct;
    if (kind === "cloudformation" && role.source?.samMadeFrom !== undefined) {
      // SAM makes it (`<Function>Role`): a resource of that logical ID pasted beside the function
      // fails the transform (DuplicateLogicalIdException). Its name stays CloudFormation's.
      kept.samMadeFrom = role.source.samMadeFrom;
      if (role.generatedName === true) kept.generatedName = true;
    } else if (kind === "cloudformation" && address !== null && /^[A-Za-z0-9]+$/.test(address)) {
      kept.logicalId = address;
      if (role.generatedName === true) kept.generatedName = true;
    } else if (kind === "terraform-plan" && address !== null) {
      // Only a root module's unindexed role: a module's or a counted one cannot be replaced by one block here.
      const m = /^aws_iam_role\.([A-Za-z_][A-Za-z0-9_-]*)$/.exec(address);
      if (m) kept.terraformName = m[1] as string;
      const lambdaModule = lambdaModuleOf(document, role);
      if (lambdaModule !== undefined) kept.lambdaModule = lambdaModule;
    }
    return kept;
  };
}

function withTemplate<T extends object>(t: T, template: string | undefined): T & { template?: string } {
  return template === undefined ? t : { ...t, template };
}

/**
 * The CloudFormation template a target's role goes in: the one today's role was read from, else
 * (a split's new role, a role of no template) the one its function was read from.
 */
function templatesOf(document: CanonicalDocument): (t: GenerateTarget) => string | undefined {
  const kinds = new Map(document.meta.sources.map((s) => [s.path, s.kind]));
  const functions = new Map(document.functions.map((f) => [f.arn, f]));
  return (t) => {
    const file = roleOf(document, t.currentRoleArn)?.source?.file ?? functions.get(t.subject)?.source?.file;
    return file !== undefined && kinds.get(file) === "cloudformation" ? file : undefined;
  };
}

/**
 * `--format sam`, one target at a time: the `Policies` of the SAM function whose role SAM makes
 * from them, else (a function with `Role:`, one that is no SAM function, a split role) the role
 * as the CloudFormation output writes it. Logical IDs are unique across the documents of one output.
 */
function samRenderer(document: CanonicalDocument): (t: GenerateTarget) => string {
  const refs = referencesOf(document);
  const kept = keptRoles(document);
  const places = samPlaces(document);
  const taken = new Set<string>();
  return (t) => {
    const place = places(t);
    const target = { ...t.build, subject: t.subject, ...refs };
    return place.kind === "policies" ? renderSamPolicies(target, taken, place.place) : renderSamRole({ ...target, kept: kept(t) }, place.reason, taken);
  };
}

/** Generate and render. Deterministic: same document and options, same bytes. */
export function runGenerate(document: CanonicalDocument, options: GenerateRunOptions = {}, catalog: ActionCatalog = loadActionCatalogSync()): GenerateRunResult {
  checkRunOptions(options);
  const targets = selectTargets(document, options, catalog);
  const refs = referencesOf(document);
  const kept = keptRoles(document);
  const templateOf = templatesOf(document);
  const diffs = options.diff === true ? targets.map((t) => diffPolicies(document, t.currentRoleArn, t.build, t.subject, catalog)) : [];
  const markdown = (): string => {
    const pieces: string[] = [];
    writeMarkdown(document, targets, options, (_t, i) => diffs[i] as PolicyDiff, (piece) => pieces.push(piece));
    return pieces.join("");
  };
  let output: string;
  if (options.diff === true) output = markdown();
  else {
    switch (options.format ?? "json") {
      case "terraform":
        output = renderTerraform(targets.map((t) => ({ ...t.build, subject: t.subject, ...refs, kept: kept(t) })));
        break;
      case "cloudformation":
        output = renderCloudFormation(targets.map((t) => withTemplate({ ...t.build, subject: t.subject, ...refs, kept: kept(t) }, templateOf(t))));
        break;
      case "sam": {
        const sam = samRenderer(document);
        output = targets.map(sam).join(YAML_SEPARATOR);
        break;
      }
      case "markdown":
        output = markdown();
        break;
      case "json":
        output = `${JSON.stringify(
          targets.map((t) => ({ subject: t.subject, currentRoleArn: t.currentRoleArn, ...t.build })),
          null,
          2,
        )}\n`;
        break;
    }
  }
  return { targets, diffs, output };
}
