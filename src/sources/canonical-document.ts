/**
 * A canonical document given as input (a previous `leastrole normalize` output). It is validated
 * against the schema, then taken apart into a fragment so that it merges with other inputs like any
 * source. Derived fields (facts, role.functions, trustsLambda, analysis) are dropped and recomputed.
 * Its `meta.sources` are carried over and it is not listed itself: normalising a document again
 * gives the same document.
 */

import { SCHEMA_VERSION, type CanonicalDocument, type LambdaFunction } from "../model/document.js";
import { validateCanonicalDocument } from "../normalize/validate.js";
import { FileContext, isObject } from "./record-reader.js";
import { emptyFragment, type PrincipalRecord, type ReaderInput, type RoleRecord, type SourceFragment } from "./types.js";

export function isCanonicalDocument(v: unknown): boolean {
  return isObject(v) && typeof v["schemaVersion"] === "string" && isObject(v["meta"]) && Array.isArray(v["functions"]) && Array.isArray(v["roles"]);
}

export function readCanonicalDocument(input: ReaderInput): SourceFragment {
  const ctx = new FileContext(input.file);
  if (input.values.length !== 1) ctx.fail("", "a canonical document is one JSON object; found several documents");
  const value = upgraded(input.values[0]);
  // The schema types schemaVersion as any string, so a document of another version (a newer
  // leastrole's) validated and was read as today's, where auditDocument refuses it.
  const version = isObject(value) ? value["schemaVersion"] : undefined;
  if (version !== SCHEMA_VERSION) {
    ctx.fail("schemaVersion", `a canonical document of a version this leastrole does not read: schemaVersion is ${JSON.stringify(version)}, not ${SCHEMA_VERSION} (${EARLIER_VERSIONS[0]} to ${EARLIER_VERSIONS.at(-1)} are read too): normalise its inputs again with this leastrole`);
  }
  const result = validateCanonicalDocument(value);
  if (!result.valid) {
    const first = result.errors[0] ?? "invalid";
    const at = first.indexOf(": ");
    ctx.fail(at > 0 ? first.slice(0, at) : "", `not a valid canonical document: ${result.errors.slice(0, 5).join("; ")}`);
  }
  return fragmentFromDocument(value as CanonicalDocument, input.file, input.sha256);
}

/**
 * The earlier schema versions read (upgraded below), oldest first. One list for the upgrade and the
 * refusal's message: the message said "1.0 to 1.6 are read too" after 1.7 was read as well.
 */
/** The versions read and brought up to date, oldest first (docs/canonical-document.md names the range). */
export const EARLIER_VERSIONS: readonly string[] = ["1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "1.10", "1.11", "1.12", "1.13"];

/**
 * A document of an earlier schema version in today's shape, where the change is mechanical.
 * 1.0 → 1.1: a function's one `functionUrl` (or null) became `functionUrls` (one per qualifier),
 * and its analysis' `publicUrl` became `publicUrls` (the analysis is recomputed anyway).
 * 1.1 → 1.2: optional fields only (a role's `lambdaServiceUses`, a function's `durable`, the
 * `lambda-capacity-providers` source kind): a 1.1 document is a 1.2 document without them.
 * 1.2 → 1.3: optional fields only (a function's `lambdaAtEdge`, a source location's
 * `samMadeFrom`, an account's `functionCoverage.enabledRegionsUnknown`, the usage coverage's
 * `accessAdvisorCovered`): a 1.2 document is a 1.3 document without them.
 * 1.3 → 1.4: optional fields only (the document's `layerVersions`, a finding resource's `layer`
 * type, the `lambda-layers` and `lambda-layer-policy` source kinds): a 1.3 document is a 1.4
 * document without them.
 * 1.4 → 1.5: optional fields only (the `aws-config` source kind, IaC entities' `displayName`): a
 * 1.4 document is a 1.5 document without them.
 * 1.5 → 1.6: optional fields only (the analysis' `resourceDisplayNames` of escalation paths and
 * `functionDisplayNames` of layer versions, the document's `suppressions` written in a template's
 * resource Metadata): a 1.5 document is a 1.6 document without them.
 * 1.6 → 1.7: optional fields only (usage principals' `documentRoleArn`, the template role a
 * deployed stack's CloudFormation-named role was matched to; functions' `generatedName`): a 1.6
 * document is a 1.7 document without them.
 * 1.7 → 1.8: optional fields only (triggers' `secretKmsKeyArn`): a 1.7 document is a 1.8 document
 * without them.
 * 1.8 → 1.9: optional fields only (triggers' `stateTransitionReason` and `lastProcessingResult`):
 * a 1.8 document is a 1.9 document without them.
 * 1.9 → 1.10: optional fields only (triggers' `kafkaAccess`, `kafkaClusterArn`, `topics` and
 * `consumerGroupId`): a 1.9 document is a 1.10 document without them.
 * 1.10 → 1.11: optional fields only (functions' `configRules`, the `aws-config-rules` source kind):
 * a 1.10 document is a 1.11 document without them.
 * 1.11 → 1.12: an optional field only (triggers' `kafkaClusterType`): a 1.11 document is a 1.12
 * document without it (its MSK clusters' kind unknown, as an account's are).
 * 1.12 → 1.13: an optional field only (the analysis' `chains` of sts-assume-role escalation
 * paths): a 1.12 document is a 1.13 document without it (the analysis is recomputed anyway).
 * 1.13 → 1.14: optional fields (the usage coverage's `accessAnalyzerCovered`, triggers'
 * `schemaRegistry`, functions' `deliveryKeys`) and requirement purposes (`insights`, `application-signals`, `file-system`, recomputed
 * with the analysis): a 1.13 document is a 1.14 document without them.
 */
function upgraded(value: unknown): unknown {
  if (!isObject(value) || !Array.isArray(value["functions"])) return value;
  if (value["schemaVersion"] !== "1.0" && EARLIER_VERSIONS.includes(value["schemaVersion"] as string)) return { ...value, schemaVersion: SCHEMA_VERSION };
  if (value["schemaVersion"] !== "1.0") return value;
  const functions = value["functions"].map((f: unknown) => {
    if (!isObject(f) || !("functionUrl" in f)) return f;
    const { functionUrl, analysis, ...rest } = f;
    void analysis;
    return { ...rest, functionUrls: functionUrl === null ? [] : [functionUrl] };
  });
  return { ...value, schemaVersion: SCHEMA_VERSION, functions };
}

/** Take a canonical document apart into a fragment (also used in memory, without a file). */
export function fragmentFromDocument(doc: CanonicalDocument, file: string, sha256: string): SourceFragment {
  const fragment = emptyFragment({ path: file, kind: "canonical-document", sha256, records: doc.roles.length + doc.principals.length + doc.functions.length });
  fragment.roles = doc.roles.map((r): RoleRecord => {
    const { facts, functions, trustsLambda, analysis, ...record } = r;
    void facts, void functions, void trustsLambda, void analysis;
    return structuredClone(record);
  });
  fragment.principals = doc.principals.map((p): PrincipalRecord => {
    const { facts, analysis, ...record } = p;
    void facts, void analysis;
    return structuredClone(record);
  });
  // Unresolved entries are re-resolved (the shipped data may know them now); resolved ones are kept.
  fragment.policies = Object.values(doc.policies).map((p) => structuredClone(p));
  fragment.functions = doc.functions.map((f): LambdaFunction => {
    const { analysis, ...fn } = f;
    void analysis;
    return structuredClone(fn);
  });
  // Roles whose facts were incomplete because a policy document in their source was invalid stay incomplete.
  const unresolved = new Set(Object.values(doc.policies).filter((p) => p.resolution === "unresolved").map((p) => p.arn));
  fragment.incompletePrincipals = [...doc.roles, ...doc.principals]
    .filter((r) => r.facts.incomplete && !r.attachedPolicies.some((a) => unresolved.has(a.arn)) && !(r.permissionsBoundaryArn && unresolved.has(r.permissionsBoundaryArn)))
    .map((r) => r.arn)
    .sort();
  fragment.warnings = doc.meta.warnings.map((w) => ({ ...w }));
  fragment.partial = doc.meta.partial;
  fragment.carriedSources = doc.meta.sources.map((s) => ({ ...s }));
  fragment.carriedAsOf = doc.meta.asOf;
  // Which regions' function lists the document was made from is nowhere else in it.
  fragment.carriedAccounts = doc.accounts.map((a) => structuredClone(a));
  if (doc.usage.present) fragment.usage = structuredClone(doc.usage);
  // Layer versions as records again (their functions and analysis are recomputed).
  if (doc.layerVersions) {
    fragment.layerVersions = doc.layerVersions.map((l) => ({
      arn: l.arn,
      name: l.name,
      version: l.version,
      region: l.region,
      accountId: l.accountId,
      ...(l.policy !== null ? { policy: structuredClone(l.policy) } : {}),
      ...(l.policyStatementSources ? { policyStatementSources: structuredClone(l.policyStatementSources) } : {}),
      source: l.source === null ? null : structuredClone(l.source),
    }));
  }
  // The suppressions written in the templates it was made from are nowhere else in it.
  if (doc.suppressions) fragment.suppressions = structuredClone(doc.suppressions);
  return fragment;
}
