/**
 * Effective permissions of a principal (role, user): what its identity policies allow after
 * unconditional denies and the permissions boundary, per service and access level, as compact
 * RoleFacts for the canonical document and the Rego rules.
 *
 * Speed comes from two things: actions are bitsets over the catalog (ActionSet), and the analysis of
 * a statement is cached on the statement object, so AdministratorAccess attached to 3,000 roles is
 * expanded once. Cached analyses are keyed by object identity: do not mutate parsed documents.
 */

import type { PolicyDocument, PolicyStatement, SourceLocation } from "../model/document.js";
import type { AccessLevel, RoleFacts, SensitiveGrant, ServiceGrant, StatementFacts } from "../model/facts.js";
import { ActionSet } from "./action-set.js";
import { ACCESS_LEVELS, type ActionCatalog } from "./catalog.js";
import { SENSITIVE_ACTIONS } from "./sensitive-actions.js";
import { hasWildcard } from "./wildcard.js";

export const ALLOWED_ACTIONS_CAP = 200;
export const STATEMENT_ACTIONS_ON_STAR_CAP = 50;
export const SERVICE_RESOURCES_CAP = 20;
export const SERVICES_CAP = 50;

export interface PrincipalPolicies {
  inlinePolicies: readonly { name: string; document: PolicyDocument; source?: SourceLocation | null }[];
  /** Attached managed policies; `document: null` = could not be resolved (facts become `incomplete`). */
  managedPolicies: readonly { arn: string; document: PolicyDocument | null; source?: SourceLocation | null }[];
  /** The permissions boundary; `document: null` = set but unresolved. Omit or null for none. */
  permissionsBoundary?: { arn: string; document: PolicyDocument | null; source?: SourceLocation | null } | null;
}

/** What a statement grants, independent of which principal it is attached to. */
interface StatementAnalysis {
  set: ActionSet;
  /** Services (catalog keys) with at least one action in `set`. */
  services: string[];
  unknownActions: string[];
  wildcardAction: boolean;
  partialWildcardActions: string[];
  /** Resource has `*`, or NotResource is used (grants nearly everything). */
  starResource: boolean;
  /** Resource has `*` exactly (a Deny that covers every resource). */
  allResources: boolean;
  /** Resource patterns for per-service scopes: Resource, or `*` for NotResource. */
  scopes: string[];
  expandedActionCount: number;
  accessLevels: AccessLevel[];
  resourceLevelActionsOnStar: string[];
  resourceLevelActionsOnStarCount: number;
  conditionKeys: string[];
  hasConditions: boolean;
}

const analysisCache = new WeakMap<ActionCatalog, WeakMap<PolicyStatement, StatementAnalysis>>();

function analyse(st: PolicyStatement, catalog: ActionCatalog): StatementAnalysis {
  let cache = analysisCache.get(catalog);
  if (cache === undefined) {
    cache = new WeakMap();
    analysisCache.set(catalog, cache);
  }
  const hit = cache.get(st);
  if (hit !== undefined) return hit;
  const patterns = st.Action ?? st.NotAction ?? [];
  const named = catalog.expandAllToSet(patterns);
  const set = st.Action !== undefined ? named : named.complementWithin(catalog.all);
  const unknownActions = catalog.unknownPatterns(patterns);
  const wildcardAction = st.NotAction !== undefined || (st.Action ?? []).some((p) => p === "*" || /^[^:]+:\*$/.test(p));
  const partialWildcardActions = [...new Set((st.Action ?? []).filter((p) => hasWildcard(p) && p !== "*" && !/^[^:]+:\*$/.test(p)))].sort();
  const resources = st.Resource ?? [];
  const allResources = resources.includes("*");
  const starResource = allResources || st.NotResource !== undefined;
  const scopes = st.NotResource !== undefined ? ["*"] : st.Resource !== undefined ? [...new Set(st.Resource)].sort() : ["*"];
  const services: string[] = [];
  for (const s of catalog.services.values()) if (set.countRange(s.firstIndex, s.endIndex) > 0) services.push(s.service);
  const accessLevels = ACCESS_LEVELS.filter((l) => {
    const levelSet = catalog.levelSets.get(l);
    return levelSet !== undefined && set.clone().andInPlace(levelSet).count() > 0;
  });
  let onStar: ActionSet | null = null;
  if (starResource) onStar = set.clone().andInPlace(catalog.resourceLevelSet);
  const conditionKeys = st.Condition
    ? [...new Set(Object.values(st.Condition).flatMap((block) => Object.keys(block).map((k) => k.toLowerCase())))].sort()
    : [];
  const analysis: StatementAnalysis = {
    set,
    services,
    unknownActions,
    wildcardAction,
    partialWildcardActions,
    starResource,
    allResources,
    scopes,
    expandedActionCount: set.count(),
    accessLevels,
    resourceLevelActionsOnStar: onStar ? catalog.names(onStar, STATEMENT_ACTIONS_ON_STAR_CAP) : [],
    resourceLevelActionsOnStarCount: onStar ? onStar.count() : 0,
    conditionKeys,
    hasConditions: st.Condition !== undefined && Object.keys(st.Condition).length > 0,
  };
  cache.set(st, analysis);
  return analysis;
}

interface Located {
  policy: string;
  policyKind: "inline" | "managed" | "boundary";
  index: number;
  statement: PolicyStatement;
  analysis: StatementAnalysis;
  source: SourceLocation | null;
}

function locate(policy: string, policyKind: Located["policyKind"], doc: PolicyDocument, source: SourceLocation | null, catalog: ActionCatalog): Located[] {
  return doc.Statement.map((statement, index) => ({ policy, policyKind, index, statement, analysis: analyse(statement, catalog), source }));
}

/** Actions allowed by a list of statements: Allow union minus unconditional Deny on `*`. */
function allowedBy(list: readonly Located[], catalog: ActionCatalog): ActionSet {
  const allowed = new ActionSet(catalog.bitLength);
  for (const s of list) if (s.statement.Effect === "Allow") allowed.orInPlace(s.analysis.set);
  for (const s of list) {
    if (s.statement.Effect === "Deny" && s.analysis.allResources && !s.analysis.hasConditions) allowed.andNotInPlace(s.analysis.set);
  }
  return allowed;
}

/** An empty RoleFacts (no policies), e.g. for fixtures. */
export function emptyRoleFacts(): RoleFacts {
  return {
    incomplete: false,
    unresolvedPolicies: [],
    hasPermissionsBoundary: false,
    statements: [],
    services: [],
    servicesTruncated: false,
    serviceCount: 0,
    allowedActions: [],
    actionsTruncated: false,
    allowedActionCount: 0,
    accessLevelCounts: Object.fromEntries(ACCESS_LEVELS.map((l) => [l, 0])),
    fullAccessServices: [],
    resourceLevelActionsOnStarCount: 0,
    conditionalActionCount: 0,
    sensitiveActions: [],
    unknownActions: [],
  };
}

/** Compute a principal's RoleFacts. Deterministic: lists are sorted, statements in policy order. */
export function computePrincipalFacts(principal: PrincipalPolicies, catalog: ActionCatalog): RoleFacts {
  return computeInternal(principal, catalog).facts;
}

function computeInternal(principal: PrincipalPolicies, catalog: ActionCatalog): { facts: RoleFacts; identity: Located[]; allowed: ActionSet } {
  const identity: Located[] = [];
  const unresolved: string[] = [];
  for (const p of principal.inlinePolicies) identity.push(...locate(`inline:${p.name}`, "inline", p.document, p.source ?? null, catalog));
  for (const p of principal.managedPolicies) {
    if (p.document === null) unresolved.push(p.arn);
    else identity.push(...locate(p.arn, "managed", p.document, p.source ?? null, catalog));
  }
  const boundary = principal.permissionsBoundary ?? null;
  let boundaryStatements: Located[] = [];
  if (boundary !== null) {
    if (boundary.document === null) unresolved.push(boundary.arn);
    else boundaryStatements = locate(boundary.arn, "boundary", boundary.document, boundary.source ?? null, catalog);
  }

  const allowed = allowedBy(identity, catalog);
  if (boundary !== null && boundary.document !== null) allowed.andInPlace(allowedBy(boundaryStatements, catalog));

  const grants = identity.filter((s) => s.statement.Effect === "Allow");
  const unconditional = new ActionSet(catalog.bitLength);
  const onStar = new ActionSet(catalog.bitLength);
  for (const s of grants) {
    if (!s.analysis.hasConditions) unconditional.orInPlace(s.analysis.set);
    if (s.analysis.starResource) onStar.orInPlace(s.analysis.set);
  }
  onStar.andInPlace(allowed).andInPlace(catalog.resourceLevelSet);
  const conditional = allowed.clone().andNotInPlace(unconditional);

  // Per-service resource scopes from the statements that grant something in the service.
  const scopes = new Map<string, Set<string>>();
  for (const s of grants) {
    for (const service of s.analysis.services) {
      let set = scopes.get(service);
      if (set === undefined) scopes.set(service, (set = new Set()));
      for (const r of s.analysis.scopes) set.add(r);
    }
  }

  const services: ServiceGrant[] = [];
  const fullAccessServices: string[] = [];
  const levelCounts: { [level: string]: number } = Object.fromEntries(ACCESS_LEVELS.map((l) => [l, 0]));
  for (const info of catalog.services.values()) {
    const count = allowed.countRange(info.firstIndex, info.endIndex);
    if (count === 0) continue;
    const levels: { [level: string]: number } = {};
    for (const level of ACCESS_LEVELS) {
      const n = allowed.countRange(info.firstIndex, info.endIndex, catalog.levelSets.get(level));
      if (n > 0) {
        levels[level] = n;
        levelCounts[level] = (levelCounts[level] as number) + n;
      }
    }
    const resources = [...(scopes.get(info.service) ?? [])].sort();
    const fullAccess = count === info.actionCount;
    if (fullAccess) fullAccessServices.push(info.service);
    services.push({
      service: info.service,
      actionCount: count,
      serviceActionCount: info.actionCount,
      levels,
      fullAccess,
      resources: resources.slice(0, SERVICE_RESOURCES_CAP),
      resourcesTruncated: resources.length > SERVICE_RESOURCES_CAP,
      resourceLevelActionsOnStar: onStar.countRange(info.firstIndex, info.endIndex),
      conditionalActionCount: conditional.countRange(info.firstIndex, info.endIndex),
    });
  }

  // Keep the document compact for near-admin principals (AdministratorAccess touches 456 services):
  // keep the 50 services with the most sensitive grants (permissions management, write), then the
  // most actions; fullAccessServices and sensitiveActions stay complete.
  const serviceCount = services.length;
  const kept =
    services.length <= SERVICES_CAP
      ? services
      : [...services]
          .sort(
            (a, b) =>
              (b.levels["Permissions management"] ?? 0) - (a.levels["Permissions management"] ?? 0) ||
              (b.levels.Write ?? 0) - (a.levels.Write ?? 0) ||
              b.actionCount - a.actionCount ||
              (a.service < b.service ? -1 : 1),
          )
          .slice(0, SERVICES_CAP)
          .sort((a, b) => (a.service < b.service ? -1 : 1));
  const allowedActionCount = allowed.count();
  const facts: RoleFacts = {
    incomplete: unresolved.length > 0,
    unresolvedPolicies: [...new Set(unresolved)].sort(),
    hasPermissionsBoundary: boundary !== null,
    statements: [...identity, ...boundaryStatements].map(statementFacts),
    services: kept,
    servicesTruncated: kept.length < serviceCount,
    serviceCount,
    allowedActions: catalog.names(allowed, ALLOWED_ACTIONS_CAP),
    actionsTruncated: allowedActionCount > ALLOWED_ACTIONS_CAP,
    allowedActionCount,
    accessLevelCounts: levelCounts,
    fullAccessServices,
    resourceLevelActionsOnStarCount: onStar.count(),
    conditionalActionCount: conditional.count(),
    sensitiveActions: sensitiveGrants(allowed, grants, catalog),
    unknownActions: [...new Set(grants.flatMap((s) => s.analysis.unknownActions))].sort(),
  };
  return { facts, identity, allowed };
}

function statementFacts(s: Located): StatementFacts {
  const st = s.statement;
  const a = s.analysis;
  return {
    policy: s.policy,
    policyKind: s.policyKind,
    index: s.index,
    sid: st.Sid === undefined || st.Sid === "" ? null : st.Sid,
    effect: st.Effect,
    actions: st.Action ?? [],
    notActions: st.NotAction ?? [],
    resources: st.Resource ?? [],
    notResources: st.NotResource ?? [],
    hasConditions: a.hasConditions,
    conditionKeys: a.conditionKeys,
    wildcardAction: a.wildcardAction,
    partialWildcardActions: a.partialWildcardActions,
    wildcardResource: a.starResource,
    expandedActionCount: a.expandedActionCount,
    accessLevels: a.accessLevels,
    resourceLevelActionsOnStar: a.resourceLevelActionsOnStar,
    resourceLevelActionsOnStarCount: a.resourceLevelActionsOnStarCount,
    unknownActions: a.unknownActions,
    source: s.source,
  };
}

const sensitiveIndexCache = new WeakMap<ActionCatalog, { action: string; index: number }[]>();

function sensitiveGrants(allowed: ActionSet, grants: readonly Located[], catalog: ActionCatalog): SensitiveGrant[] {
  let indexed = sensitiveIndexCache.get(catalog);
  if (indexed === undefined) {
    indexed = SENSITIVE_ACTIONS.flatMap((name) => {
      const info = catalog.action(name);
      return info ? [{ action: info.action, index: info.index }] : [];
    }).sort((x, y) => (x.action < y.action ? -1 : x.action > y.action ? 1 : 0));
    sensitiveIndexCache.set(catalog, indexed);
  }
  const out: SensitiveGrant[] = [];
  for (const { action, index } of indexed) {
    if (!allowed.has(index)) continue;
    const resources = new Set<string>();
    const by = new Set<string>();
    let conditional = true;
    for (const s of grants) {
      if (!s.analysis.set.has(index)) continue;
      for (const r of s.analysis.scopes) resources.add(r);
      by.add(s.policy);
      if (!s.analysis.hasConditions) conditional = false;
    }
    out.push({ action, resources: [...resources].sort(), conditional, grantedBy: [...by].sort() });
  }
  return out;
}

export interface ActionGrant {
  action: string;
  accessLevel: AccessLevel;
  supportsResourceLevelPermissions: boolean;
  /** Resource patterns it is granted on (NotResource grants as `*`), sorted. */
  resources: string[];
  conditional: boolean;
  statements: { policy: string; index: number; sid: string | null }[];
}

/**
 * The full effective permissions: every allowed concrete action with its resource scopes and the
 * statements that grant it. Uncapped (AdministratorAccess gives 22,000 entries): for reports and the
 * policy generator, not for the canonical document. Filter by service to keep it small.
 */
export function listActionGrants(principal: PrincipalPolicies, catalog: ActionCatalog, options: { service?: string } = {}): ActionGrant[] {
  const { identity, allowed } = computeInternal(principal, catalog);
  const grants = identity.filter((s) => s.statement.Effect === "Allow");
  const out: ActionGrant[] = [];
  const service = options.service?.toLowerCase();
  const range = service !== undefined ? catalog.services.get(service) : undefined;
  if (service !== undefined && range === undefined) return out;
  allowed.forEach((i) => {
    if (range !== undefined && (i < range.firstIndex || i >= range.endIndex)) return;
    const info = catalog.actionAt(i);
    if (info === undefined) return;
    const resources = new Set<string>();
    const statements: ActionGrant["statements"] = [];
    let conditional = true;
    for (const s of grants) {
      if (!s.analysis.set.has(i)) continue;
      for (const r of s.analysis.scopes) resources.add(r);
      statements.push({ policy: s.policy, index: s.index, sid: s.statement.Sid || null });
      if (!s.analysis.hasConditions) conditional = false;
    }
    out.push({
      action: info.action,
      accessLevel: info.accessLevel,
      supportsResourceLevelPermissions: info.supportsResourceLevelPermissions,
      resources: [...resources].sort(),
      conditional,
      statements,
    });
  });
  return out;
}
