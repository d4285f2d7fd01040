/**
 * `analyzeDocument`: computes the derived analysis sections the rules read (functions[].analysis,
 * roles[].analysis, principals[].analysis) with the IAM engine. Pure: returns a new document (the
 * entities are shallow-copied with their `analysis` set), the input is not modified, and the
 * result depends only on the document and the catalog version.
 */
import type { CanonicalDocument, LambdaFunction, LayerVersion, PolicyDocument, Principal, Role } from "../model/document.js";
import type { FunctionAnalysis, PrincipalAnalysis, RoleAnalysis } from "../model/analysis.js";
import { allowedActionSet, conditionalFrom, loadActionCatalogSync, type ActionCatalog, type ActionSet } from "./iam.js";
import { earliestTimeOf, isAwsManagedArn, policiesOf, type PrincipalPolicies } from "./policies.js";
import { evaluateRequirements, unneededCapabilities } from "./function-requirements.js";
import { analyzeTrust } from "./trust.js";
import { layerPolicyGrants, publicUrlGrants, resourcePolicyGrants } from "./resource-policy.js";
import { analyzeGrants, broadManagedOf, fullAccessFor, fullAccessOf, LAMBDA_FEATURE_POLICIES, summarizeGrants } from "./grants.js";
import { GainComparer } from "./escalation-gain.js";
import { administratorPolicy, ASSUME_ROLE_METHOD, AssumeRoleChains, ESCALATION_METHODS, escalationPaths, indexTargets, type RolePrivilege } from "./escalation.js";
import type { BlockedEscalation, EscalationPath } from "../model/analysis.js";
import { buildReaderIndex } from "./readers.js";
import { scopeSuggestions } from "./scope.js";
import { resourcePolicyStatementIds } from "./statement-ids.js";
import type { BroadManagedPolicy, FullAccessPolicy } from "../model/analysis.js";

export interface AnalyzeOptions {
  /** Compute escalation paths of IAM users too (LR014 with `--scope account`). Default true. */
  principals?: boolean;
}

export function analyzeDocument(document: CanonicalDocument, catalog: ActionCatalog = loadActionCatalogSync(), options: AnalyzeOptions = {}): CanonicalDocument {
  return completeAnalysis(analyzeIdentities(document, catalog, options), document);
}

/**
 * The analysis of a document's identities, before its usage is known: everything analyzeDocument
 * computes but the roles' scope suggestions (LR017), the only part that reads `usage`. Why apart:
 * an audit computes this on the calling thread while its worker threads read CloudTrail (which
 * does not change roles, functions, principals or policies), then completes it once the usage is
 * in (src/audit/build-document.ts): at 10,000 functions and 1M records that took 1.5 s off the
 * audit on 2 cores (bench/results/scale.md, session 6).
 */
export interface AnalysisDraft {
  /** The entity lists analysed (the document's own arrays: completeAnalysis checks them). */
  readonly of: { roles: readonly Role[]; functions: readonly LambdaFunction[]; principals: readonly Principal[]; layerVersions?: readonly LayerVersion[] };
  readonly roles: Array<{ role: Role; identity: PrincipalPolicies["identity"]; analysis: Omit<RoleAnalysis, "scopeSuggestions"> }>;
  readonly functions: LambdaFunction[];
  readonly principals: Principal[];
  /** The layer versions with their analysis (absent when the document has none). */
  readonly layerVersions?: LayerVersion[];
  /** What it was made with (a draft made again uses the same). */
  readonly catalog: ActionCatalog;
  readonly options: AnalyzeOptions;
}

/** analyzeDocument in two steps (AnalysisDraft says why): this one reads no `usage`. */
export function analyzeIdentities(document: CanonicalDocument, catalog: ActionCatalog = loadActionCatalogSync(), options: AnalyzeOptions = {}): AnalysisDraft {
  const earliest = earliestTimeOf(document);
  const groupsByName = new Map<string, Principal>();
  for (const p of document.principals) if (p.type === "group") groupsByName.set(`${p.accountId}/${p.name}`, p);
  const policyCache = new Map<string, PrincipalPolicies>();
  const policiesFor = (p: Role | Principal): PrincipalPolicies => {
    let hit = policyCache.get(p.arn);
    if (!hit) {
      const groups = new Map<string, Principal>();
      if ("type" in p && p.type === "user") for (const g of p.groups) {
        const group = groupsByName.get(`${p.accountId}/${g}`);
        if (group) groups.set(g, group);
      }
      hit = policiesOf(p, document, groups);
      policyCache.set(p.arn, hit);
    }
    return hit;
  };
  const rolesByArn = new Map(document.roles.map((r) => [r.arn, r]));
  const functionsByRole = new Map<string, LambdaFunction[]>();
  for (const f of document.functions) {
    const list = functionsByRole.get(f.roleArn) ?? [];
    list.push(f);
    functionsByRole.set(f.roleArn, list);
  }
  const targets = indexTargets(document);
  // A step that takes over a role or user compares its policies with the principal's (LR014: no
  // path to a target that holds nothing more).
  // A group's are its own policies (a user joining it gains them: iam-add-user-to-group).
  const principalsByArn = new Map(document.principals.filter((p) => p.type === "user" || p.type === "group").map((p) => [p.arn, p]));
  targets.policiesOf = (arn) => {
    const e = rolesByArn.get(arn) ?? principalsByArn.get(arn);
    return e === undefined ? undefined : policiesFor(e);
  };
  targets.gain = new GainComparer(new Set(catalog.services.keys()));

  const roles: AnalysisDraft["roles"] = document.roles.map((role) => {
    const policies = policiesFor(role);
    const fns = functionsByRole.get(role.arn) ?? [];
    const fullAccess: FullAccessPolicy[] = [];
    const broad: BroadManagedPolicy[] = [];
    // What the role is allowed at all, asked only for a role with a full-access or broad policy, and
    // null (nothing blocked) without a boundary or a Deny: the Allow statements include the policy's.
    let allowed: ActionSet | null | undefined;
    const allowedOfRole = (): ActionSet | null => {
      if (allowed === undefined) {
        const canBlock = policies.boundary !== null || policies.identity.some((p) => p.document.Statement.some((st) => st.Effect === "Deny"));
        allowed = !canBlock
          ? null
          : allowedActionSet(
              {
                inlinePolicies: policies.identity.map((p) => ({ name: p.id, document: p.document })),
                managedPolicies: [],
                permissionsBoundary: policies.boundary ? { arn: policies.boundary.id, document: policies.boundary.document } : null,
                earliestTime: policies.earliestTime,
              },
              catalog,
            );
      }
      return allowed;
    };
    for (const ref of role.attachedPolicies) {
      const doc = document.policies[ref.arn]?.document;
      if (!doc || !isAwsManagedArn(ref.arn)) continue;
      const f = fullAccessOf(catalog, ref, doc);
      if (f) fullAccess.push(fullAccessFor(f, allowedOfRole));
      else if (!LAMBDA_FEATURE_POLICIES.has(ref.arn.slice(ref.arn.lastIndexOf("/") + 1))) {
        const b = broadManagedOf(catalog, ref, doc, policies.earliestTime, allowedOfRole);
        if (b) broad.push(b);
      }
    }
    fullAccess.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
    broad.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
    const esc = escalationPaths(role, policies, targets, catalog);
    const analysis: Omit<RoleAnalysis, "scopeSuggestions"> = {
      executionRole: role.trustsLambda || role.functions.length > 0 || fns.length > 0,
      incomplete: policies.incomplete,
      trust: analyzeTrust(role.trustPolicy, role.accountId, policies.earliestTime),
      grants: analyzeGrants(catalog, policies.identity, policies.earliestTime, allowedOfRole),
      fullAccessPolicies: fullAccess,
      broadManagedPolicies: broad,
      escalationPaths: esc.paths,
      blockedEscalations: esc.blocked,
      ...policyDisplayNames(role, document),
      summary: summarizeGrants(catalog, policies.identity),
    };
    return { role, identity: policies.identity, analysis };
  });

  // Second pass: the roles each principal may assume that are more privileged (sts-assume-role):
  // privileged themselves by the first pass's paths, or by a chain of roles to assume that ends at
  // one (AssumeRoleChains: decided to a fixpoint before any path is added, so no path depends on
  // the order of the roles, and A → B → A adds nothing).
  const firstPass = new Map(roles.map(({ role, analysis }) => [role.arn, analysis.escalationPaths]));
  const privileges = new Map<string, RolePrivilege>();
  const privilegeOf = (r: Role): RolePrivilege => {
    let hit = privileges.get(r.arn);
    if (hit === undefined) privileges.set(r.arn, (hit = { administrator: administratorPolicy(policiesFor(r)), paths: firstPass.get(r.arn) ?? [] }));
    return hit;
  };
  const chains = new AssumeRoleChains(targets, document.roles, policiesFor, privilegeOf);
  const assumed = roles.map(({ role }) => chains.pathOf(role, policiesFor(role)));
  roles.forEach(({ analysis }, i) => withAssumePath(analysis, assumed[i]!));

  const principals: Principal[] = document.principals.map((p) => {
    if (options.principals === false || p.type !== "user") return p;
    const policies = policiesFor(p);
    const esc = escalationPaths(p, policies, targets, catalog);
    const analysis: PrincipalAnalysis = { incomplete: policies.incomplete, escalationPaths: esc.paths, blockedEscalations: esc.blocked };
    withAssumePath(analysis, chains.pathOf(p, policies));
    return { ...p, analysis };
  });

  const readers = buildReaderIndex(document, policiesFor);
  const unneededByRole = new Map<string, ReturnType<typeof unneededCapabilities>>();
  // The function URL configurations the inputs hold (docs/canonical-document.md: a function
  // without a URL in a region they cover has none).
  const urlSources = document.meta.sources.filter((src) => src.kind === "lambda-function-url");
  const functions: LambdaFunction[] = document.functions.map((fn) => {
    const role = rolesByArn.get(fn.roleArn) ?? null;
    const policies = role ? policiesFor(role) : null;
    let unneeded: ReturnType<typeof unneededCapabilities> = [];
    if (role && policies) {
      const cached = unneededByRole.get(role.arn);
      unneeded = cached ?? unneededCapabilities(role, policies, functionsByRole.get(role.arn) ?? [fn]);
      if (!cached) unneededByRole.set(role.arn, unneeded);
    }
    const r = fn.environmentVariableNames.length > 0 ? readers.readersOf(fn) : { readers: [], count: 0 };
    const analysis: FunctionAnalysis = {
      roleFound: role !== null,
      roleIncomplete: policies?.incomplete ?? false,
      requirements: evaluateRequirements(fn, role, policies),
      unneededCapabilities: unneeded,
      configurationReaders: r.readers,
      readersTruncated: r.count > r.readers.length,
      readerCount: r.count,
      closedPolicyStatements: closedStatements(fn.resourcePolicy, earliest),
      // Only for functions with a resource policy: every analysis byte is wasm input.
      ...(fn.resourcePolicy && fn.resourcePolicy.Statement.length > 0 ? { resourcePolicyStatementIds: resourcePolicyStatementIds(fn) } : {}),
    };
    const grants = fn.resourcePolicy !== null ? resourcePolicyGrants(fn, earliest, urlSources.some((u) => (u.region === undefined || u.region === fn.region) && (u.accountId === undefined || u.accountId === fn.accountId))) : [];
    if (grants.length > 0) analysis.resourcePolicyGrants = grants;
    const publicUrls = publicUrlGrants(fn, grants);
    if (publicUrls.length > 0) analysis.publicUrls = publicUrls;
    return { ...fn, analysis };
  });

  // Layer versions: what each policy lets whom get (LR022). Only a version with a policy gets an analysis.
  // The functions running each version, as the user's code names them (LR022's message says them).
  const functionNames = new Map<string, string>();
  if (document.layerVersions !== undefined) for (const fn of document.functions) if (fn.displayName !== undefined) functionNames.set(fn.arn, fn.displayName);
  const layerVersions = document.layerVersions?.map((layer) => {
    if (layer.policy === null) return layer;
    return { ...layer, analysis: { policyGrants: layerPolicyGrants(layer, earliest), ...functionDisplayNames(layer, functionNames) } };
  });

  return { of: { roles: document.roles, functions: document.functions, principals: document.principals, layerVersions: document.layerVersions }, roles, functions, principals, ...(layerVersions ? { layerVersions } : {}), catalog, options };
}

/**
 * Adds the second pass's sts-assume-role path (or its ruled-out candidate) to a principal's
 * escalation analysis, the path in the catalogue's place (after sts-assume-any-role), the blocked
 * ones sorted by id as escalationPaths leaves them.
 */
function withAssumePath(analysis: { escalationPaths: EscalationPath[]; blockedEscalations: BlockedEscalation[] }, assume: { path: EscalationPath | null; blocked: BlockedEscalation | null }): void {
  if (assume.path !== null) {
    const paths = analysis.escalationPaths;
    const after = paths.findIndex((p) => p.id === ASSUME_ROLE_METHOD.after);
    const at = after >= 0 ? after + 1 : paths.findIndex((p) => METHOD_ORDER.get(p.id)! > METHOD_ORDER.get(ASSUME_ROLE_METHOD.after)!);
    paths.splice(at < 0 ? paths.length : at, 0, assume.path);
  }
  if (assume.blocked !== null) {
    analysis.blockedEscalations.push(assume.blocked);
    analysis.blockedEscalations.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

const METHOD_ORDER = new Map(ESCALATION_METHODS.map((m, i) => [m.id, i]));

/** A resource policy's statements whose time window closed before `earliest` (docs/iam-engine.md, "Time windows"). */
function closedStatements(policy: PolicyDocument | null, earliest: number | null): number[] {
  if (policy === null || earliest === null) return [];
  const out: number[] = [];
  policy.Statement.forEach((st, i) => {
    if (conditionalFrom(st, earliest) === null) out.push(i);
  });
  return out;
}

/**
 * The analysed document: `document` (with its usage now) and the draft made of its identities.
 * A draft of other entity lists (the document was changed in between) is made again.
 */
export function completeAnalysis(draft: AnalysisDraft, document: CanonicalDocument): CanonicalDocument {
  return startCompletion(draft, document).finish();
}

/**
 * completeAnalysis role by role, for a caller that evaluates rules while the rest is made
 * (buildPendingDocument in src/audit/build-document.ts). `partial`: the analysed document with `roles[i]` not yet completed (the
 * draft's role, without its analysis); `role(i)` completes one (once); `finish()` completes the
 * others and gives completeAnalysis's document. A role's scope suggestions read only the usage
 * principals, which are final before this starts.
 */
export interface AnalysisCompletion {
  readonly partial: CanonicalDocument;
  role(i: number): Role;
  finish(): CanonicalDocument;
}

export function startCompletion(draft: AnalysisDraft, document: CanonicalDocument): AnalysisCompletion {
  if (draft.of.roles !== document.roles || draft.of.functions !== document.functions || draft.of.principals !== document.principals || draft.of.layerVersions !== document.layerVersions) {
    return startCompletion(analyzeIdentities(document, draft.catalog, draft.options), document);
  }
  const roles: Role[] = draft.roles.map(({ role }) => role);
  const done: boolean[] = new Array(roles.length).fill(false);
  const partial: CanonicalDocument = { ...document, functions: draft.functions, roles, principals: draft.principals, ...(draft.layerVersions ? { layerVersions: draft.layerVersions } : {}) };
  const role = (i: number): Role => {
    if (!done[i]) {
      const { role: r, identity, analysis } = draft.roles[i]!;
      const { summary, ...rest } = analysis;
      // The same key order as always (scopeSuggestions before summary): the document is written as built.
      const full: RoleAnalysis = { ...rest, scopeSuggestions: scopeSuggestions(r, identity, document, draft.catalog), summary };
      roles[i] = { ...r, analysis: full };
      done[i] = true;
    }
    return roles[i]!;
  };
  return {
    partial,
    role,
    finish: () => {
      for (let i = 0; i < roles.length; i++) role(i);
      return partial;
    },
  };
}

/**
 * The role's policies that the user's code names otherwise than the grants' reference does
 * (RoleAnalysis.policyDisplayNames): rules name a policy as the user wrote it. Nothing when none.
 */
/**
 * The display names of the functions that run a layer version (LambdaFunction.displayName: a
 * template's or plan's function as its code names it), by function ARN, in the order of
 * `layer.functions`; nothing when none has one. Why in the analysis and not looked up by LR022:
 * the rules are evaluated in slices, and the layer versions go in the first slice only
 * (src/evaluate/rules-slices.ts), where the functions using a version may not be.
 */
function functionDisplayNames(layer: LayerVersion, names: ReadonlyMap<string, string>): { functionDisplayNames?: { [functionArn: string]: string } } {
  const out: [string, string][] = [];
  for (const arn of layer.functions) {
    const name = names.get(arn);
    if (name !== undefined) out.push([arn, name]);
  }
  return out.length === 0 ? {} : { functionDisplayNames: Object.fromEntries(out) };
}

function policyDisplayNames(role: Role, document: CanonicalDocument): { policyDisplayNames?: { [policy: string]: string } } {
  const names: [string, string][] = [];
  for (const p of role.inlinePolicies) if (p.displayName !== undefined) names.push([`inline:${p.name}`, p.displayName]);
  for (const ref of role.attachedPolicies) {
    const name = document.policies[ref.arn]?.displayName;
    if (name !== undefined) names.push([ref.arn, name]);
  }
  if (names.length === 0) return {};
  names.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { policyDisplayNames: Object.fromEntries(names) };
}
