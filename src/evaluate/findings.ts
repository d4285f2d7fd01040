/**
 * Turning what a pack's entrypoint returned into Findings: every raw finding is checked against
 * the rule contract, so a broken rule yields a diagnostic naming it instead of a crashed audit;
 * then each gets its rule's metadata, a location from the document, and a stable fingerprint.
 */

import { sha256Hex } from "../sha256.js";
import type { CanonicalDocument, SourceLocation } from "../model/document.js";
import { canonicalJson } from "../normalize/canonical-json.js";
import { SEVERITIES, type Finding, type FindingLocation, type FindingResource, type ResourceType, type Severity } from "../model/findings.js";
import type { RuleMetadata } from "./catalog.js";
import type { RulePack } from "./pack.js";

export interface Diagnostic {
  severity: "error" | "warning" | "info";
  /** Stable code, e.g. `bad-finding`, `evaluation-failed`, `suppression-expired`. */
  code: string;
  message: string;
  /** The rule (id, or package name when it has no catalog entry) the diagnostic is about. */
  rule?: string;
  pack?: string;
}

/**
 * Diagnostic codes that mean a pack's rules did not run, or what they returned could not be read
 * (an abort, a conflict between complete rules, an entrypoint result that is no set of findings,
 * findings that break the contract: strings, no message …): findings are missing, not absent, so a
 * report without them must not pass for a clean one. `bad-finding` is one: a rule whose findings
 * were strings exited 0 while one whose `findings` was an object exited 2, and both are a pack
 * that does not work as written.
 */
export const PACK_FAILURE_CODES: readonly string[] = ["evaluation-failed", "bad-result", "bad-finding"];

export function isPackFailure(d: Diagnostic): boolean {
  return d.severity === "error" && PACK_FAILURE_CODES.includes(d.code);
}

/**
 * The packs whose findings are missing (isPackFailure), each once, in the diagnostics' order: what
 * makes `leastrole audit` exit 2, given to an SDK user in the report's summary (failedPacks).
 */
export function failedPacks(diagnostics: readonly Diagnostic[]): string[] {
  return [...new Set(diagnostics.filter(isPackFailure).map((d) => d.pack ?? "(unknown)"))];
}

const RESOURCE_TYPES: readonly ResourceType[] = ["function", "role", "policy", "principal", "layer"];
const SEVERITY_RANK = new Map(SEVERITIES.map((s, i) => [s, i]));

export function severityRank(s: Severity): number {
  return SEVERITY_RANK.get(s) ?? SEVERITIES.length;
}

/** Index of the document's entities by ARN, to fill in names, types and source locations. */
export interface EntityIndex {
  get(arn: string): { type: ResourceType; name: string; source: SourceLocation | null } | undefined;
  /**
   * Where a statement of a role's or principal's policy is written (evidence `{policy:
   * "inline:<name>" | managed policy ARN, statementIndex}`): the statement's own location, if the
   * input recorded it, and the policy's. Undefined when the document does not say.
   */
  statement?(arn: string, policy: string, index: number): { statement: SourceLocation | null; policy: SourceLocation | null } | undefined;
  /** Where statement `index` of a layer version's policy is written (LayerVersion.policyStatementSources); undefined when the document does not say. */
  layerStatement?(arn: string, index: number): SourceLocation | null | undefined;
}

export function indexDocument(doc: Partial<CanonicalDocument>): EntityIndex {
  const map = new Map<string, { type: ResourceType; name: string; source: SourceLocation | null }>();
  const owners = new Map<string, { inlinePolicies: CanonicalDocument["roles"][number]["inlinePolicies"] }>();
  for (const fn of doc.functions ?? []) map.set(fn.arn, { type: "function", name: fn.name, source: fn.source ?? null });
  for (const role of doc.roles ?? []) {
    map.set(role.arn, { type: "role", name: role.name, source: role.source ?? null });
    owners.set(role.arn, role);
  }
  for (const p of doc.principals ?? []) {
    map.set(p.arn, { type: "principal", name: p.name, source: p.source ?? null });
    owners.set(p.arn, p);
  }
  for (const [arn, pol] of Object.entries(doc.policies ?? {})) map.set(arn, { type: "policy", name: pol.name, source: pol.source ?? null });
  const layers = new Map<string, (SourceLocation | null)[] | undefined>();
  for (const l of doc.layerVersions ?? []) {
    map.set(l.arn, { type: "layer", name: `${l.name}:${l.version}`, source: l.source ?? null });
    layers.set(l.arn, l.policyStatementSources);
  }
  const statement: EntityIndex["statement"] = (arn, policy, index) => {
    if (policy.startsWith("inline:")) {
      const name = policy.slice("inline:".length);
      const p = owners.get(arn)?.inlinePolicies?.find((x) => x.name === name);
      return p === undefined ? undefined : { statement: p.statementSources?.[index] ?? null, policy: p.source ?? null };
    }
    const p = owners.has(arn) ? doc.policies?.[policy] : undefined;
    return p === undefined ? undefined : { statement: p.statementSources?.[index] ?? null, policy: p.source ?? null };
  };
  return { get: (arn) => map.get(arn), statement, layerStatement: (arn, index) => layers.get(arn)?.[index] };
}

/**
 * Where a finding about one statement of a layer version's policy (LR022, evidence
 * `{statementIndex}`) points: at the resource that grants it when that is not the version's own
 * (an AWS::Lambda::LayerVersionPermission, an aws_lambda_layer_version_permission), which is what
 * a user edits or removes. Only for inputs that name resources (the layer's source has an address):
 * a get-layer-version-policy file's statements are places in that file, which the layer's
 * location already names. Null otherwise.
 */
function layerStatementLocation(entities: EntityIndex, owner: SourceLocation | null, arn: string, evidence: unknown): FindingLocation | null {
  if (!isObject(evidence) || entities.layerStatement === undefined || !owner?.address) return null;
  const index = evidence.statementIndex;
  if (typeof index !== "number" || !Number.isInteger(index) || index < 0) return null;
  const at = entities.layerStatement(arn, index);
  if (!at?.address || at.address === owner.address) return null;
  const location: FindingLocation = { file: at.file, line: at.line, address: at.address };
  if (at.construct) location.construct = at.construct;
  return location;
}

/**
 * Where a finding about one statement of a role's or principal's policy points: at the resource
 * that holds the statement when it is not the role's own definition (a CDK grant's
 * `<Role>/DefaultPolicy`, an AWS::IAM::Policy, an aws_iam_role_policy, a managed policy), with
 * that resource's logical ID or address and construct path, on the statement's own line. That
 * resource is what a user edits: a CDK user fixes the construct that added the grant, not the
 * role. Null when the finding is not about such a statement or the document does not say.
 */
function statementLocation(entities: EntityIndex, owner: SourceLocation | null, arn: string, evidence: unknown): FindingLocation | null {
  if (!isObject(evidence) || entities.statement === undefined) return null;
  const { policy, statementIndex: index } = evidence;
  if (typeof policy !== "string" || policy === "trust" || typeof index !== "number" || !Number.isInteger(index) || index < 0) return null;
  const at = entities.statement(arn, policy, index);
  const holder = at?.policy;
  if (!holder?.address) return null;
  // A policy written inside the role's own definition (CloudFormation `Policies`, Terraform
  // `inline_policy`): the role's location already names it.
  if (owner?.address && (holder.address === owner.address || holder.address.startsWith(`${owner.address}.`))) return null;
  // The statement's line when it is in the holder's file (a template's statement, a .tf policy);
  // a statement rendered from another file (a templatefile's .tftpl) leaves the holder's, so that
  // file, line and address name one place (SARIF points at the statement itself either way).
  const stmt = at?.statement?.file === holder.file ? at.statement : null;
  const location: FindingLocation = { file: holder.file, line: stmt?.line ?? holder.line, address: holder.address };
  if (holder.construct) location.construct = holder.construct;
  return location;
}

/** Keys the entrypoint stamps on what a rule of the wrong shape gave (policies/leastrole.rego). */
const INVALID_FINDINGS = "leastrole:invalid_findings";
const INVALID_FINDING = "leastrole:invalid_finding";

function article(typeName: string): string {
  return `${/^[aeiou]/.test(typeName) ? "an" : "a"} ${typeName}`;
}

/** `rule ID (package leastrole.rules.x, file:line)`: where to look, as far as the catalog knows. */
export function ruleRef(id: string, pkg: string, meta: RuleMetadata | undefined): string {
  const where = meta?.file ? `, ${meta.file}${meta.line ? `:${meta.line}` : ""}` : "";
  return pkg === "(unknown)" ? `rule ${id}` : `rule ${id} (package leastrole.rules.${pkg}${where})`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function fingerprintOf(ruleId: string, arn: string, detail: string): string {
  return sha256Hex(`${ruleId}\u0000${arn}\u0000${detail}`).slice(0, 32);
}

function lastArnSegment(arn: string): string {
  const m = /[:/]([^:/]+)$/.exec(arn);
  return m?.[1] ?? arn;
}

/**
 * Validate and complete the raw findings of one pack. Invalid ones are dropped with a diagnostic
 * that says which rule produced what.
 */
export function buildFindings(
  raw: unknown,
  pack: RulePack,
  entities: EntityIndex,
): { findings: Finding[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const findings: Finding[] = [];
  if (!Array.isArray(raw)) {
    diagnostics.push({
      severity: "error",
      code: "bad-result",
      message: `the pack's ${"leastrole/findings"} entrypoint returned ${raw === null ? "null" : typeof raw}, expected a set of findings`,
      pack: pack.origin,
    });
    return { findings, diagnostics };
  }
  const unknownPackages = new Set<string>();
  // One diagnostic per rule and problem, with how many findings had it and the first value seen: a
  // rule that gets a field wrong gets it wrong in every finding, and a line each buried the rest.
  const invalid = new Map<string, { rule: string; ref: string; problem: string; got: string | undefined; count: number }>();
  const bad = (rule: string, ref: string, problem: string, got?: string): void => {
    const key = `${rule}\u0000${problem}`;
    const seen = invalid.get(key);
    if (seen) seen.count++;
    else invalid.set(key, { rule, ref, problem, got, count: 1 });
  };
  const unknownKeys = new Map<string, { rule: string; ref: string; key: string; count: number }>();
  const unknownKey = (rule: string, ref: string, key: string): void => {
    const seen = unknownKeys.get(`${rule}\u0000${key}`);
    if (seen) seen.count++;
    else unknownKeys.set(`${rule}\u0000${key}`, { rule, ref, key, count: 1 });
  };
  for (const item of raw) {
    if (!isObject(item)) {
      bad("(unknown)", ruleRef("(unknown)", "(unknown)", undefined), "a finding must be an object", JSON.stringify(item)?.slice(0, 120));
      continue;
    }
    const pkg = typeof item.rule === "string" ? item.rule : "(unknown)";
    const meta = pack.ruleByPackage(pkg);
    const ref = ruleRef(meta?.id ?? pkg, pkg, meta);
    // What the entrypoint (policies/leastrole.rego) passes through from a rule of the wrong shape.
    if (INVALID_FINDINGS in item) {
      const rule = meta?.id ?? pkg;
      diagnostics.push({
        severity: "error",
        code: "bad-result",
        message: `${ref} defines \`findings\` as ${article(String(item[INVALID_FINDINGS]))}, not a set or an array of findings: write \`findings contains finding if { … }\``,
        rule,
        pack: pack.origin,
      });
      continue;
    }
    if (INVALID_FINDING in item) {
      bad(meta?.id ?? pkg, ref, "a finding must be an object", JSON.stringify(item[INVALID_FINDING])?.slice(0, 120));
      continue;
    }
    if (!meta && !unknownPackages.has(pkg) && pack.catalog.rules.length > 0) {
      unknownPackages.add(pkg);
      diagnostics.push({
        severity: "warning",
        code: "rule-not-in-catalog",
        message: `rule package leastrole.rules.${pkg} has no catalog entry: its findings use the package name as id`,
        rule: pkg,
        pack: pack.origin,
      });
    }
    const ruleId = meta?.id ?? pkg;
    // Every problem of the finding is reported, not only the first: the rule author fixed one,
    // ran again and met the next.
    let valid = true;
    const fail = (problem: string, got?: string): void => {
      bad(ruleId, ref, problem, got);
      valid = false;
    };

    // resource: an object {type, arn, name} or a bare ARN string.
    let resource: FindingResource | undefined;
    const r = item.resource;
    if (typeof r === "string" && r !== "") {
      const known = entities.get(r);
      if (known) resource = { type: known.type, arn: r, name: known.name };
      else fail("resource is a bare ARN not found in the document; give {type, arn, name}", JSON.stringify(r));
    } else if (isObject(r)) {
      const arn = typeof r.arn === "string" && r.arn !== "" ? r.arn : undefined;
      if (arn === undefined) fail("resource.arn must be a non-empty string");
      const known = arn === undefined ? undefined : entities.get(arn);
      const type = typeof r.type === "string" ? r.type : known?.type;
      if (!type || !(RESOURCE_TYPES as readonly string[]).includes(type)) {
        fail(`resource.type must be one of ${RESOURCE_TYPES.join(", ")}`, JSON.stringify(r.type) ?? "nothing");
      } else if (arn !== undefined) {
        const name = typeof r.name === "string" && r.name !== "" ? r.name : known?.name ?? lastArnSegment(arn);
        resource = { type: type as ResourceType, arn, name };
      }
    } else fail("resource is missing");

    if (typeof item.message !== "string" || item.message.trim() === "") fail("message must be a non-empty string", item.message === undefined ? undefined : JSON.stringify(item.message));
    let severity: Severity = meta?.severity ?? "medium";
    if (item.severity !== undefined) {
      // Any case, as METADATA's custom.severity (catalog.ts): `"High"` is high, reported lower case.
      const given = typeof item.severity === "string" ? item.severity.toLowerCase() : null;
      if (given !== null && (SEVERITIES as readonly string[]).includes(given)) severity = given as Severity;
      else fail(`severity must be one of ${SEVERITIES.join(", ")}`, JSON.stringify(item.severity));
    }
    if (item.evidence !== undefined && !isObject(item.evidence)) fail("evidence must be an object");
    if (item.detail !== undefined && typeof item.detail !== "string") fail("detail must be a string");
    // A location that is not {file, line} was dropped without a word for the resource's own: the
    // rule's author never learnt that the place they computed was not used.
    const loc = item.location;
    if (loc !== undefined && loc !== null && !(isObject(loc) && typeof loc.file === "string" && loc.file !== "" && (loc.line === undefined || loc.line === null || Number.isInteger(loc.line)))) {
      fail("location must be {file, line} (file a non-empty string, line an integer or null)", JSON.stringify(loc)?.slice(0, 120));
    }
    // A key the contract does not have (`sevrity`, `evidance`) is read as nothing: the finding is
    // kept, with a warning naming the key, rather than reported at the rule's default severity, or
    // without its evidence, with no word.
    for (const key of Object.keys(item)) if (!FINDING_KEYS.has(key)) unknownKey(ruleId, ref, key);
    if (!valid || resource === undefined || typeof item.message !== "string") continue;

    // Location: the finding's own, else where the resource was defined (IaC inputs).
    let location: Finding["location"] = null;
    if (isObject(item.location) && typeof item.location.file === "string") {
      location = { file: item.location.file, line: typeof item.location.line === "number" ? item.location.line : null };
    } else {
      const src = entities.get(resource.arn)?.source ?? null;
      const statement = resource.type === "layer" ? layerStatementLocation(entities, src, resource.arn, item.evidence) : statementLocation(entities, src, resource.arn, item.evidence);
      if (statement) location = statement;
      else if (src) {
        location = { file: src.file, line: src.line };
        if (src.address) location.address = src.address;
        if (src.construct) location.construct = src.construct;
      }
    }

    const detail = typeof item.detail === "string" ? item.detail : "";
    findings.push({
      ruleId,
      name: meta?.name ?? pkg.replace(/_/g, "-"),
      severity,
      resource,
      message: item.message,
      evidence: (item.evidence as Record<string, unknown> | undefined) ?? {},
      remediation: meta?.remediation ?? "",
      fingerprint: fingerprintOf(ruleId, resource.arn, detail),
      suppressed: null,
      location,
    });
  }
  for (const { rule, ref, problem, got, count } of invalid.values()) {
    diagnostics.push({
      severity: "error",
      code: "bad-finding",
      message:
        `${ref} of ${pack.origin} produced ${count === 1 ? "an invalid finding" : `${count} invalid findings`}: ${problem}` +
        (got !== undefined ? ` (got ${got}${count > 1 ? ` in the first` : ""})` : ""),
      rule,
      pack: pack.origin,
    });
  }
  for (const { rule, ref, key, count } of unknownKeys.values()) {
    diagnostics.push({
      severity: "warning",
      code: "unknown-finding-key",
      message:
        `${ref} of ${pack.origin} gave ${count === 1 ? "a finding" : `${count} findings`} the key ${JSON.stringify(key)}, which a finding does not have, so it was ignored: ` +
        `a finding's keys are ${[...FINDING_KEYS].filter((k) => k !== "rule").join(", ")} (docs/writing-rules.md)`,
      rule,
      pack: pack.origin,
    });
  }
  return { findings: disambiguateFingerprints(findings, diagnostics), diagnostics };
}

/** A finding's keys (docs/writing-rules.md), and `rule`, which the entrypoint stamps on each. */
const FINDING_KEYS: ReadonlySet<string> = new Set(["resource", "message", "evidence", "severity", "detail", "location", "rule"]);

/**
 * Findings that share a fingerprint. Exact copies are one finding: a rule written as an array
 * (`findings := [finding | …]`, as the built-in ones are, for speed) keeps a finding its
 * comprehension yields twice, where a `contains` rule's set would not. Different findings of one
 * rule on one resource without a `detail` are kept apart by their message, and the rule author is
 * told once. Only findings that share a fingerprint are compared, so this costs nothing otherwise.
 */
function disambiguateFingerprints(findings: Finding[], diagnostics: Diagnostic[]): Finding[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const g = groups.get(f.fingerprint);
    if (g) g.push(f);
    else groups.set(f.fingerprint, [f]);
  }
  const copies = new Set<Finding>();
  const told = new Set<string>();
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const seen = new Set<string>();
    const distinct = group.filter((f) => {
      const key = canonicalJson(f);
      if (seen.has(key)) {
        copies.add(f);
        return false;
      }
      seen.add(key);
      return true;
    });
    if (distinct.length < 2) continue;
    for (const f of distinct) f.fingerprint = fingerprintOf(f.ruleId, f.resource.arn, `message:${f.message}`);
    const rule = distinct[0]!.ruleId;
    if (!told.has(rule)) {
      told.add(rule);
      diagnostics.push({
        severity: "info",
        code: "ambiguous-fingerprint",
        message: `rule ${rule} reports several findings on one resource without a "detail": fingerprints fall back to the message text`,
        rule,
      });
    }
  }
  return copies.size === 0 ? findings : findings.filter((f) => !copies.has(f));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Severity first (critical … info), then rule id, resource ARN, fingerprint: a total order. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    // Equal severities (most of a sort's comparisons) without the two rank lookups.
    (a.severity === b.severity ? 0 : severityRank(a.severity) - severityRank(b.severity)) ||
    cmp(a.ruleId, b.ruleId) ||
    cmp(a.resource.arn, b.resource.arn) ||
    cmp(a.fingerprint, b.fingerprint) ||
    cmp(a.message, b.message)
  );
}
