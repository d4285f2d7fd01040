/**
 * `analyzeDocument`: computes the derived analysis sections the rules read (functions[].analysis,
 * roles[].analysis, principals[].analysis) with the IAM engine. Pure: returns a new document (the
 * entities are shallow-copied with their `analysis` set), the input is not modified, and the
 * result depends only on the document and the catalog version.
 */
import type { CanonicalDocument, LambdaFunction, Principal, Role } from "../model/document.js";
import type { FunctionAnalysis, PrincipalAnalysis, RoleAnalysis } from "../model/analysis.js";
import { loadActionCatalogSync, type ActionCatalog } from "./iam.js";
import { policiesOf, type PrincipalPolicies } from "./policies.js";
import { evaluateRequirements, unneededCapabilities } from "./function-requirements.js";
import { analyzeTrust } from "./trust.js";
import { analyzeGrants, fullAccessOf, summarizeGrants } from "./grants.js";
import { escalationPaths, indexTargets } from "./escalation.js";
import { buildReaderIndex } from "./readers.js";
import { scopeSuggestions } from "./scope.js";
import type { FullAccessPolicy } from "../model/analysis.js";

export interface AnalyzeOptions {
  /** Compute escalation paths of IAM users too (LR014 with `--scope account`). Default true. */
  principals?: boolean;
}

export function analyzeDocument(document: CanonicalDocument, catalog: ActionCatalog = loadActionCatalogSync(), options: AnalyzeOptions = {}): CanonicalDocument {
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

  const roles: Role[] = document.roles.map((role) => {
    const policies = policiesFor(role);
    const fns = functionsByRole.get(role.arn) ?? [];
    const fullAccess: FullAccessPolicy[] = [];
    for (const ref of role.attachedPolicies) {
      const doc = document.policies[ref.arn]?.document;
      if (!doc || !/^arn:[^:]+:iam::aws:policy\//.test(ref.arn)) continue;
      const f = fullAccessOf(catalog, ref, doc);
      if (f) fullAccess.push(f);
    }
    fullAccess.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
    const esc = escalationPaths(role, policies, targets);
    const analysis: RoleAnalysis = {
      executionRole: role.trustsLambda || role.functions.length > 0 || fns.length > 0,
      incomplete: policies.incomplete,
      trust: analyzeTrust(role.trustPolicy, role.accountId),
      grants: analyzeGrants(catalog, policies.identity),
      fullAccessPolicies: fullAccess,
      escalationPaths: esc.paths,
      blockedEscalations: esc.blocked,
      scopeSuggestions: scopeSuggestions(role, policies.identity, document),
      summary: summarizeGrants(catalog, policies.identity),
    };
    return { ...role, analysis };
  });

  const principals: Principal[] = document.principals.map((p) => {
    if (options.principals === false || p.type !== "user") return p;
    const policies = policiesFor(p);
    const esc = escalationPaths(p, policies, targets);
    const analysis: PrincipalAnalysis = { incomplete: policies.incomplete, escalationPaths: esc.paths, blockedEscalations: esc.blocked };
    return { ...p, analysis };
  });

  const readers = buildReaderIndex(document, policiesFor);
  const unneededByRole = new Map<string, ReturnType<typeof unneededCapabilities>>();
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
    };
    return { ...fn, analysis };
  });

  return { ...document, functions, roles, principals };
}
