/**
 * The rule catalog: each rule's METADATA (id, name, title, severity, remediation …), extracted at
 * build time with `opa inspect -a` and shipped beside the wasm module. The wasm module itself
 * carries no metadata the SDK can read, so the catalog is how a finding stamped with a package
 * name becomes a finding with a rule id and a severity.
 */

import { yaml } from "../yaml.js";
import { RulePackError, toError } from "../errors.js";
import { SEVERITIES, type Severity } from "../model/findings.js";

export interface RelatedResource {
  ref: string;
  description?: string;
}

export interface RuleMetadata {
  /** Last segment of the rule's package (`leastrole.rules.<package>`): what the entrypoint stamps. */
  package: string;
  /** Stable public id: `LR001` for built-in rules, the user's own prefix for theirs. */
  id: string;
  /** Stable kebab-case name, e.g. `shared-execution-role`. */
  name: string;
  title: string;
  description: string;
  severity: Severity;
  category: string;
  remediation: string;
  relatedResources: RelatedResource[];
  /** Source file and line of the package declaration, relative to the pack root. */
  file: string | null;
  line: number | null;
  /**
   * The options the rule reads (`data.leastrole.config.<name>`, set by the config's
   * `rules.options`), from its METADATA `custom.options`, sorted by name. Declared so that a config
   * key no rule reads (a typo) is refused instead of ignored. Absent in catalogs written before
   * rules declared them, and for a rule that reads none.
   */
  options?: RuleOption[];
  /**
   * True when the rule's findings can only come from usage data (the document's `usage` section:
   * CloudTrail, Access Advisor), from its METADATA `custom.needs_usage: true`: LR008 reads the
   * usage labels, LR009 the denied calls, LR017 the scope suggestions made from the calls. Such a
   * rule reports nothing on inputs without usage, so `diff` does not call its finding fixed when
   * the after side has no usage covering it (it is `findings.unconfirmed` there). Absent (false)
   * for every other rule, in catalogs written before it existed, and for a custom rule that does
   * not set it.
   */
  needsUsage?: true;
  /**
   * True when usage data can raise the severity of the rule's findings, from its METADATA
   * `custom.usage_raises_severity: true`: LR001 is high when the functions sharing a role use
   * different permissions, medium without usage to tell. Such a finding is reported without usage
   * too, at the severity the rest of the inputs give it, so `diff` does not call it lowered when the
   * after side has no usage covering it and the before side has usage (the lowering may be only the
   * missing data: `findings.lowered[].unconfirmedReason`). Absent (false) otherwise.
   */
  usageRaisesSeverity?: true;
  /**
   * True when the rule's findings on a role are decided by the functions that use the role, from
   * its METADATA `custom.needs_functions: true`: LR001 reports a role two or more functions share,
   * LR016 one that none of the inputs' functions uses. Such a finding tells nothing about a role
   * whose functions the inputs do not hold, so `diff` does not call it fixed (or lowered) when the
   * after side holds the role but not its functions (a template with the role alone, an IAM export
   * without the Lambda lists): it is `findings.unconfirmed` there. (A finding on a function the
   * after side neither holds nor lists is not fixed either, whatever its rule.) Absent (false)
   * otherwise.
   */
  needsFunctions?: true;
  /**
   * The evidence field of the rule's findings that lists the actions the finding calls unused
   * (granted, not called in the window), from its METADATA `custom.unused_actions_evidence`:
   * LR008's `unused`. Such a finding the after side no longer reports may be gone only because its
   * actions are now labelled `unknowable` or `too-new` (a gap in the logs and an Access Advisor
   * report covering the window, data events not logged): `diff` calls it fixed only when each
   * action it listed is, on the after side, no longer granted to the function's role, labelled
   * `used`, or covered by a kept exception; otherwise it is `findings.unconfirmed`. Absent
   * otherwise.
   */
  unusedActionsEvidence?: string;
  /**
   * True when the rule's findings come from the calls CloudTrail recorded, which an IAM Access
   * Advisor report cannot show, from its METADATA `custom.needs_calls: true`: LR009 reads the
   * denied calls, LR017 the resources the calls reached. Access Advisor says only whether a
   * service (or a tracked action) was accessed, so usage covering a function for the whole window
   * through an Access Advisor report alone (its labels `fullWindow`, no CloudTrail records for its
   * account and Region on every day of the window) cannot report such a finding: `diff` does not
   * call it fixed there (`findings.unconfirmed`). Absent (false) otherwise.
   */
  needsCalls?: true;
  /**
   * True when the rule's findings on a function are decided by the function's event source
   * mappings, from its METADATA `custom.needs_triggers: true`: LR010 reports what a mapping's
   * source, its secrets, key or on-failure destination need of the execution role. A mapping is a
   * resource of its own (AWS::Lambda::EventSourceMapping, aws_lambda_event_source_mapping), often
   * in another stack or module than its function, so a template or plan holding the function
   * without it cannot report such a finding: `diff` does not call one fixed when the after side
   * holds the function but not a mapping the before side had, unless it lists the function's
   * mappings (a `list-event-source-mappings` read whole for its account and Region). Absent (false)
   * otherwise.
   */
  needsTriggers?: true;
}

/** An option a rule reads, as declared in its METADATA (`custom.options: {name: description}`). */
export interface RuleOption {
  name: string;
  description: string;
}

/**
 * Option names the evaluator sets itself: `scope` is the config's top-level `scope` (and
 * `--scope`), which overrides a `rules.options.scope`; a rule declaring it would make that typo look valid.
 */
export const RESERVED_RULE_OPTIONS: readonly string[] = ["scope"];

export interface RuleCatalog {
  /** Catalog format version. */
  format: 1;
  /** The OPA version that compiled the pack. */
  opaVersion: string | null;
  /** sha256 of the wasm module the catalog describes. */
  wasmSha256: string | null;
  /**
   * sha256 of what the module was compiled from (the Rego files, the entrypoint, the capabilities
   * and the OPA version): stable across builds, unlike the module's bytes (`opa build -t wasm`
   * does not give the same bytes twice). Null in catalogs written before it existed.
   */
  sourceSha256?: string | null;
  rules: RuleMetadata[];
}

interface InspectAnnotation {
  annotations?: {
    scope?: string;
    title?: string;
    description?: string;
    related_resources?: Array<{ ref?: string; description?: string } | string>;
    custom?: Record<string, unknown>;
  };
  location?: { file?: string; row?: number };
  path?: Array<{ type: string; value: string }>;
}

const RULE_PATH = /^data\.leastrole\.rules\.([A-Za-z_][A-Za-z0-9_]*)$/;

function pathOf(a: InspectAnnotation): string {
  return (a.path ?? []).map((p) => p.value).join(".");
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

/**
 * Build a catalog from `opa inspect -a --format json` output. Every package under `…rules.<name>`
 * must have package-scoped METADATA with `custom.id` and `custom.severity`; anything missing is
 * reported as a RulePackError naming the file, because a rule without an id cannot be suppressed
 * or tracked across runs.
 */
export function catalogFromInspect(inspect: unknown, options: { opaVersion?: string; wasmSha256?: string } = {}): RuleCatalog {
  const annotations = ((inspect as { annotations?: InspectAnnotation[] }).annotations ?? []).filter(
    (a) => (a.annotations?.scope ?? "package") === "package",
  );
  const rules: RuleMetadata[] = [];
  for (const a of annotations) {
    const match = RULE_PATH.exec(pathOf(a));
    if (!match?.[1]) continue;
    const pkg = match[1];
    const file = a.location?.file ?? null;
    const ann = a.annotations ?? {};
    const custom = ann.custom ?? {};
    const id = str(custom.id);
    const severity = str(custom.severity)?.toLowerCase();
    const problems: string[] = [];
    if (!id) problems.push("custom.id is missing");
    if (!severity) problems.push(`custom.severity is missing (one of ${SEVERITIES.join(", ")})`);
    else if (!(SEVERITIES as readonly string[]).includes(severity)) problems.push(`custom.severity ${JSON.stringify(str(custom.severity))} is not one of ${SEVERITIES.join(", ")}`);
    if (!str(ann.title)) problems.push("title is missing");
    const options = ruleOptionsOf(custom.options, problems);
    const needsUsage = booleanMark("needs_usage", custom.needs_usage, problems);
    const usageRaisesSeverity = booleanMark("usage_raises_severity", custom.usage_raises_severity, problems);
    const needsFunctions = booleanMark("needs_functions", custom.needs_functions, problems);
    const needsCalls = booleanMark("needs_calls", custom.needs_calls, problems);
    const needsTriggers = booleanMark("needs_triggers", custom.needs_triggers, problems);
    const unusedActionsEvidence = fieldMark("unused_actions_evidence", custom.unused_actions_evidence, problems);
    if (problems.length > 0) {
      // The package's whole name and its line: a pack's files often hold several packages.
      const at = a.location?.row ? ` (line ${a.location.row})` : "";
      throw new RulePackError(`METADATA of package leastrole.rules.${pkg}${at}: ${problems.join("; ")}`, { file: file ?? undefined });
    }
    rules.push({
      package: pkg,
      id: id!,
      name: str(custom.name) ?? pkg.replace(/_/g, "-"),
      title: str(ann.title)!,
      description: str(ann.description) ?? "",
      severity: severity as Severity,
      category: str(custom.category) ?? "general",
      remediation: str(custom.remediation) ?? "",
      relatedResources: (ann.related_resources ?? []).map((r) =>
        typeof r === "string" ? { ref: r } : { ref: r.ref ?? "", ...(r.description ? { description: r.description } : {}) },
      ),
      file,
      line: a.location?.row ?? null,
      ...(options.length > 0 ? { options } : {}),
      ...(needsUsage ? { needsUsage: true as const } : {}),
      ...(usageRaisesSeverity ? { usageRaisesSeverity: true as const } : {}),
      ...(needsFunctions ? { needsFunctions: true as const } : {}),
      ...(needsCalls ? { needsCalls: true as const } : {}),
      ...(needsTriggers ? { needsTriggers: true as const } : {}),
      ...(unusedActionsEvidence !== null ? { unusedActionsEvidence } : {}),
    });
  }
  const seen = new Map<string, string>();
  for (const r of rules) {
    const other = seen.get(r.id);
    if (other) throw new RulePackError(`rule id ${r.id} is used by both rules.${other} and rules.${r.package}`, { file: r.file ?? undefined });
    seen.set(r.id, r.package);
  }
  rules.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { format: 1, opaVersion: options.opaVersion ?? null, wasmSha256: options.wasmSha256 ?? null, rules };
}

/**
 * A boolean mark of a rule's METADATA (`custom.needs_usage`, `custom.usage_raises_severity`,
 * `custom.needs_functions`, `custom.needs_calls`, `custom.needs_triggers`; absent: false). Anything else is refused rather than read as true or false: a `"no"` string
 * taken as true would keep a rule's findings from ever being called fixed by `diff` against a plan.
 */
function booleanMark(key: string, declared: unknown, problems: string[]): boolean {
  if (declared === undefined || declared === null) return false;
  if (typeof declared !== "boolean") {
    problems.push(`custom.${key} must be true or false (got ${JSON.stringify(declared)})`);
    return false;
  }
  return declared;
}

/** An evidence field's name, as the findings' evidence key (letters, digits, `_`). */
const EVIDENCE_FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A METADATA mark naming a field of the rule's findings' evidence (`custom.unused_actions_evidence`;
 * absent: null). Anything but such a name is refused: a field the findings do not have would leave
 * `diff` nothing to check, and every such finding unconfirmed.
 */
function fieldMark(key: string, declared: unknown, problems: string[]): string | null {
  if (declared === undefined || declared === null) return null;
  if (typeof declared !== "string" || !EVIDENCE_FIELD.test(declared)) {
    problems.push(`custom.${key} must name a field of the findings' evidence (got ${JSON.stringify(declared)})`);
    return null;
  }
  return declared;
}

/**
 * `custom.options` of a rule's METADATA: a map of option name to what it sets (or a list of names),
 * as the rule reads them under data.leastrole.config. A mistake is added to `problems`.
 */
function ruleOptionsOf(declared: unknown, problems: string[]): RuleOption[] {
  if (declared === undefined || declared === null) return [];
  if (typeof declared !== "object") {
    problems.push("custom.options must be a map of option name to its description");
    return [];
  }
  const entries: Array<[unknown, unknown]> = Array.isArray(declared) ? declared.map((name: unknown) => [name, ""]) : Object.entries(declared);
  const out: RuleOption[] = [];
  for (const [name, description] of entries) {
    if (typeof name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      problems.push(`custom.options: ${JSON.stringify(name)} is not an option name (letters, digits and _, as data.leastrole.config.<name> reads it)`);
    } else if (RESERVED_RULE_OPTIONS.includes(name)) {
      problems.push(`custom.options: ${JSON.stringify(name)} is set by leastrole itself (the config's top-level ${name}), not by rules.options`);
    } else if (description !== null && description !== undefined && typeof description !== "string") {
      problems.push(`custom.options.${name} must be a description (a string)`);
    } else {
      out.push({ name, description: typeof description === "string" ? description.trim() : "" });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * A catalog from the Rego files an OPA bundle carries beside its policy.wasm (`opa build` keeps
 * them), for a bundle with no catalog.json: each `package leastrole.rules.<name>` with the
 * `# METADATA` block written right above it, read as `opa inspect -a` reads it (YAML in comments).
 * Why: such a bundle's rules were known only by their package names, and `leastrole rules` and
 * `explain` did not know them at all. Null when no file has a rule package with METADATA.
 */
export function catalogFromRegoSources(sources: ReadonlyMap<string, string>, wasmSha256: string): RuleCatalog | null {
  const annotations: InspectAnnotation[] = [];
  for (const [file, text] of [...sources].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const lines = text.split(/\r?\n/);
    lines.forEach((line, i) => {
      const pkg = /^package\s+(leastrole\.rules\.[A-Za-z_][A-Za-z0-9_]*)\s*(#.*)?$/.exec(line.trim());
      if (pkg === null) return;
      const block = metadataAbove(lines, i);
      if (block === null) return;
      let parsed: unknown;
      try {
        parsed = yaml().parse(block);
      } catch (thrown) {
        throw new RulePackError(`METADATA of package ${pkg[1]} is not valid YAML: ${toError(thrown).message}`, { file });
      }
      const path = ["data", ...pkg[1]!.split(".")].map((value) => ({ type: "var", value }));
      annotations.push({ annotations: (parsed ?? {}) as InspectAnnotation["annotations"], location: { file, row: i + 1 }, path });
    });
  }
  if (annotations.length === 0) return null;
  return catalogFromInspect({ annotations }, { wasmSha256 });
}

/**
 * What a rule's METADATA must hold for leastrole to know the rule (catalogFromInspect refuses it
 * otherwise), said where a pack lacks it: the block's place, its required keys and their values.
 */
export const METADATA_NEEDED =
  `a \`# METADATA\` comment block right above the \`package leastrole.rules.<name>\` line, with \`title\`, \`custom.id\` (the rule's id, e.g. ACME001) and \`custom.severity\` (one of ${SEVERITIES.join(", ")})`;

/** A rule package's declaration in a Rego source: its name (after `leastrole.rules.`), file and line. */
export interface RulePackageDeclaration {
  package: string;
  file: string;
  line: number;
}

/**
 * Every `package leastrole.rules.<name>` line of the sources (test packages `…_test` left out, as
 * compiling leaves out their files), in file and line order. Read as catalogFromRegoSources reads
 * them, so a package it finds no METADATA for can be named with its file and line.
 */
export function rulePackagesIn(sources: ReadonlyMap<string, string>): RulePackageDeclaration[] {
  const found: RulePackageDeclaration[] = [];
  for (const [file, text] of [...sources].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    text.split(/\r?\n/).forEach((line, i) => {
      const pkg = /^package\s+leastrole\.rules\.([A-Za-z_][A-Za-z0-9_]*)\s*(#.*)?$/.exec(line.trim())?.[1];
      if (pkg !== undefined && !pkg.endsWith("_test")) found.push({ package: pkg, file, line: i + 1 });
    });
  }
  return found;
}

/** The YAML of the `# METADATA` comment block ending right above line `at`, or null. */
function metadataAbove(lines: readonly string[], at: number): string | null {
  let start = at;
  while (start > 0 && /^\s*#/.test(lines[start - 1]!)) start--;
  const comments = lines.slice(start, at).map((l) => l.replace(/^\s*#/, ""));
  const head = comments.findIndex((c) => c.trim() === "METADATA");
  if (head < 0) return null;
  // OPA strips the one space after `#`; YAML keeps the indentation after it.
  return comments
    .slice(head + 1)
    .map((c) => (c.startsWith(" ") ? c.slice(1) : c))
    .join("\n");
}

/** The rule METADATA marks that are flags, as the catalog names them (`custom.needs_usage` → needsUsage …), in the order a catalog entry lists them. */
export const RULE_FLAGS = ["needsUsage", "usageRaisesSeverity", "needsFunctions", "needsCalls", "needsTriggers"] as const;
export type RuleFlag = (typeof RULE_FLAGS)[number];

/** The flags a catalog entry sets, each `true` (an unset or false flag is left out, as the build writes it). */
function flagsOf(r: Partial<Record<RuleFlag, unknown>>): Partial<Record<RuleFlag, true>> {
  return Object.fromEntries(RULE_FLAGS.filter((k) => r[k] === true).map((k) => [k, true]));
}

/** Validate a catalog read from disk (a user's pack may ship a hand-edited one). */
export function parseCatalog(value: unknown, file?: string): RuleCatalog {
  const fail = (msg: string): never => {
    throw new RulePackError(`invalid rule catalog: ${msg}`, { file });
  };
  if (!value || typeof value !== "object") fail("not a JSON object");
  const v = value as Partial<RuleCatalog>;
  if (v.format !== 1) fail(`unsupported format ${JSON.stringify(v.format)} (expected 1)`);
  if (!Array.isArray(v.rules)) fail("rules must be an array");
  v.rules!.forEach((r, i) => {
    if (!r || typeof r !== "object") fail(`rules[${i}] is not an object`);
    for (const key of ["package", "id", "name", "title"] as const) {
      if (typeof r[key] !== "string" || r[key] === "") fail(`rules[${i}].${key} must be a non-empty string`);
    }
    if (!(SEVERITIES as readonly string[]).includes(r.severity)) fail(`rules[${i}].severity must be one of ${SEVERITIES.join(", ")}`);
    if (r.options !== undefined && !(Array.isArray(r.options) && r.options.every((o) => o && typeof o.name === "string" && typeof o.description === "string"))) {
      fail(`rules[${i}].options must be a list of {name, description}`);
    }
    for (const key of RULE_FLAGS) {
      if (r[key] !== undefined && typeof r[key] !== "boolean") fail(`rules[${i}].${key} must be true or false`);
    }
    if (r.unusedActionsEvidence !== undefined && !(typeof r.unusedActionsEvidence === "string" && EVIDENCE_FIELD.test(r.unusedActionsEvidence))) {
      fail(`rules[${i}].unusedActionsEvidence must name a field of the findings' evidence`);
    }
  });
  return {
    format: 1,
    opaVersion: typeof v.opaVersion === "string" ? v.opaVersion : null,
    wasmSha256: typeof v.wasmSha256 === "string" ? v.wasmSha256 : null,
    sourceSha256: typeof v.sourceSha256 === "string" ? v.sourceSha256 : null,
    rules: v.rules!.map((r) => ({
      package: r.package,
      id: r.id,
      name: r.name,
      title: r.title,
      description: r.description ?? "",
      severity: r.severity,
      category: r.category ?? "general",
      remediation: r.remediation ?? "",
      relatedResources: Array.isArray(r.relatedResources) ? r.relatedResources : [],
      file: r.file ?? null,
      line: r.line ?? null,
      ...(r.options !== undefined && r.options.length > 0 ? { options: r.options.map((o) => ({ name: o.name, description: o.description })) } : {}),
      ...flagsOf(r),
      ...(r.unusedActionsEvidence !== undefined ? { unusedActionsEvidence: r.unusedActionsEvidence } : {}),
    })),
  };
}
