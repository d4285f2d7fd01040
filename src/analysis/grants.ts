/**
 * Per Allow statement of a principal's identity policies, what the wildcard and NotAction rules
 * need (LR002, LR003, LR015); per attached AWS managed policy, whether its content grants admin or
 * service-wide access (LR004, judged by content, not by name); and a summary of what the
 * principal's Allow statements grant (LR016 "with what it grants").
 *
 * Expansion uses the action catalog (src/iam/catalog.ts), so `s3:Put*` is judged by what it
 * expands to today, and actions without resource-level permissions, or whose ordinary call names no
 * resource (namesNoResource), are never flagged on `*`.
 */
import type { AttachedPolicyRef, PolicyStatement } from "../model/document.js";
import type { BroadManagedPolicy, FullAccessPolicy, GrantAnalysis, GrantSummary, StatementPointer } from "../model/analysis.js";
import { conditionalFrom, type ActionCatalog, type ActionSet, type NamedPolicy } from "./iam.js";
import { ContentCache } from "../collections.js";
import { actionKeyOf, byString, isAwsManagedArn } from "./policies.js";
import { VPC_ACTIONS } from "./requirements.js";
import { callableWithoutResource } from "../iam/resource-types.js";

/**
 * Actions never counted as "resource-level on `*`" although the catalog says they can be scoped:
 * the ENI actions Lambda performs for VPC functions, which AWS documents (and grants in
 * AWSLambdaVPCAccessExecutionRole) on `Resource: "*"` because the interfaces are created on the
 * fly in the function's subnets. Flagging the documented configuration would be a false positive.
 */
const DOCUMENTED_STAR_ACTIONS: readonly string[] = VPC_ACTIONS;

const SAMPLE = 10;
const STAR_SAMPLE = 10;

/** The concrete actions a statement's Action/NotAction grants. */
export function statementActionSet(catalog: ActionCatalog, st: PolicyStatement): ActionSet {
  if (st.Action !== undefined) return catalog.expandAllToSet(st.Action);
  if (st.NotAction !== undefined) return catalog.expandAllToSet(st.NotAction).complementWithin(catalog.all);
  return catalog.expandAllToSet([]);
}

function writeLevels(catalog: ActionCatalog): ActionSet {
  const out = catalog.expandAllToSet([]);
  const w = catalog.levelSets.get("Write");
  const p = catalog.levelSets.get("Permissions management");
  if (w) out.orInPlace(w);
  if (p) out.orInPlace(p);
  return out;
}

const writeCache = new WeakMap<ActionCatalog, ActionSet>();
export function writeOrPermissionsActions(catalog: ActionCatalog): ActionSet {
  let s = writeCache.get(catalog);
  if (!s) {
    s = writeLevels(catalog);
    writeCache.set(catalog, s);
  }
  return s;
}

const documentedCache = new WeakMap<ActionCatalog, ActionSet>();
function documentedStar(catalog: ActionCatalog): ActionSet {
  let s = documentedCache.get(catalog);
  if (!s) {
    s = catalog.expandAllToSet(DOCUMENTED_STAR_ACTIONS);
    documentedCache.set(catalog, s);
  }
  return s;
}

const unnamedCache = new WeakMap<ActionCatalog, ActionSet>();
/**
 * Actions whose ordinary call names no resource, so that only `*` grants it: the Service
 * Authorization Reference lists one resource type for them, not marked required (`*`), and says of
 * such types "you can choose to use one of the optional resource types" (cloudwatch:PutMetricData,
 * `dataset`, of SAM's CloudWatchPutMetricPolicy; comprehend:DetectEntities,
 * `entity-recognizer-endpoint`, named only by a call to a custom endpoint, of
 * ComprehendBasicAccessPolicy). Scoping them to a resource, as LR003 would suggest, refuses the
 * calls that name none. The same test (`callableWithoutResource`) makes `leastrole generate` write
 * `*` for such an action when its calls named no resource, so LR003 never flags generate's output.
 * An action with a required type (sns:Publish: `topic*`, dynamodb:GetItem: `table*`) or several
 * optional types the call names one of (s3:GetObject: `object` or `accesspointobject`) stays
 * scopable.
 */
function namesNoResource(catalog: ActionCatalog): ActionSet {
  let s = unnamedCache.get(catalog);
  if (!s) {
    s = catalog.expandAllToSet([]);
    for (const i of catalog.resourceLevelSet.toArray()) {
      const info = catalog.actionAt(i);
      if (info !== undefined && callableWithoutResource(info)) s.add(i);
    }
    unnamedCache.set(catalog, s.seal());
  }
  return s;
}

function isWildcard(p: string): boolean {
  return p.includes("*") || p.includes("?");
}

/** What a statement's grant analysis computes from its actions (and whether its Resource has `*`). */
interface ActionFacts {
  fullWildcardAction: boolean;
  serviceWildcards: readonly string[];
  writeWildcards: readonly string[];
  wildcardWriteActionSample: readonly string[];
  wildcardWriteActionCount: number;
  resourceLevelActionsOnStar: readonly string[];
  resourceLevelActionsOnStarCount: number;
  actionCount: number;
}

/** Per catalog, by starResource + NotResource presence + actionKeyOf: null when the statement is not kept. */
const actionFactsCache = new WeakMap<ActionCatalog, ContentCache<ActionFacts | null>>();

function actionFacts(catalog: ActionCatalog, st: PolicyStatement, starResource: boolean): ActionFacts | null {
  let cache = actionFactsCache.get(catalog);
  if (!cache) actionFactsCache.set(catalog, (cache = new ContentCache()));
  const key = `${starResource ? 1 : 0}${st.NotResource !== undefined ? 1 : 0}${actionKeyOf(st)}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const write = writeOrPermissionsActions(catalog);
  const actions = st.Action ?? [];
  const fullWildcardAction = actions.some((a) => a === "*" || a === "*:*");
  const serviceWildcards = [...new Set(actions.filter((a) => /^[^:*?]+:\*$/.test(a)))].sort(byString);
  const partial = actions.filter((a) => isWildcard(a) && a !== "*" && a !== "*:*" && !/^[^:*?]+:\*$/.test(a));
  const writeWildcards = [...new Set(partial.filter((a) => !catalog.expandToSet(a).clone().andInPlace(write).isEmpty()))].sort(byString);
  const relevant = fullWildcardAction || serviceWildcards.length > 0 || writeWildcards.length > 0 || starResource || st.NotAction !== undefined || st.NotResource !== undefined;
  // The sets below are built only for the statements kept (most scoped statements are not).
  if (!relevant) return cache.set(key, null);
  return cache.set(key, { fullWildcardAction, serviceWildcards, writeWildcards, ...actionCounts(catalog, actions, statementActionSet(catalog, st), starResource, null) });
}

type ActionCounts = Pick<ActionFacts, "wildcardWriteActionSample" | "wildcardWriteActionCount" | "resourceLevelActionsOnStar" | "resourceLevelActionsOnStarCount" | "actionCount">;

/**
 * What a statement's actions count to: the write actions its wildcard patterns reach, the scopable
 * actions it grants on `*`, all it grants (`granted`, the statement's set), within `allowed` when
 * given (the role's allowed actions).
 */
function actionCounts(catalog: ActionCatalog, actions: readonly string[], granted: ActionSet, starResource: boolean, allowed: ActionSet | null): ActionCounts {
  const wildcardSet = catalog.expandAllToSet(actions.filter(isWildcard)).andInPlace(writeOrPermissionsActions(catalog));
  if (allowed !== null) wildcardSet.andInPlace(allowed);
  const onStar = starResource ? granted.clone().andInPlace(catalog.resourceLevelSet).andNotInPlace(documentedStar(catalog)).andNotInPlace(namesNoResource(catalog)) : null;
  return {
    wildcardWriteActionSample: catalog.names(wildcardSet, SAMPLE),
    wildcardWriteActionCount: wildcardSet.count(),
    resourceLevelActionsOnStar: onStar ? catalog.names(onStar, STAR_SAMPLE) : [],
    resourceLevelActionsOnStarCount: onStar ? onStar.count() : 0,
    actionCount: granted.count(),
  };
}

/**
 * `earliest`: the reference instant (PrincipalPolicies.earliestTime). A statement whose time window
 * closed before it grants nothing and is left out; one whose only conditions are start dates before
 * it counts as unconditional.
 */
export function analyzeGrants(catalog: ActionCatalog, policies: readonly NamedPolicy[], earliest: number | null = null, allowedSet: () => ActionSet | null = () => null): GrantAnalysis[] {
  const out: GrantAnalysis[] = [];
  for (const policy of policies) {
    policy.document.Statement.forEach((st, index) => {
      if (st.Effect !== "Allow") return;
      const hasConditions = conditionalFrom(st, earliest);
      if (hasConditions === null) return;
      const starResource = (st.Resource ?? []).includes("*");
      let facts = actionFacts(catalog, st, starResource);
      if (facts === null) return;
      // What the role's Deny statements and boundary leave of the statement (asked only for a
      // statement kept, and null for a role where nothing can block): `Allow *` beside
      // `Deny NotAction [s3:*, logs:*]` grants the role S3 and logs, not every action.
      const allowed = allowedSet();
      let blocked: { blockedActionCount: number; remainingServices: string[] } | null = null;
      if (allowed !== null) {
        const left = withinAllowed(catalog, st, starResource, facts, allowed);
        if (left === null) return; // the statement grants nothing the role may use
        if (left.blockedActionCount > 0) {
          facts = left.facts;
          blocked = { blockedActionCount: left.blockedActionCount, remainingServices: left.remainingServices };
        }
      }
      // Arrays copied: the facts are shared by every statement of the same actions.
      out.push({
        policy: policy.id,
        policyKind: policy.kind === "inline" ? "inline" : "managed",
        awsManaged: isAwsManagedArn(policy.id),
        index,
        sid: st.Sid === undefined || st.Sid === "" ? null : st.Sid,
        hasConditions,
        fullWildcardAction: facts.fullWildcardAction,
        serviceWildcards: [...facts.serviceWildcards],
        writeWildcards: [...facts.writeWildcards],
        wildcardWriteActionSample: [...facts.wildcardWriteActionSample],
        wildcardWriteActionCount: facts.wildcardWriteActionCount,
        starResource,
        resourceLevelActionsOnStar: [...facts.resourceLevelActionsOnStar],
        resourceLevelActionsOnStarCount: facts.resourceLevelActionsOnStarCount,
        notAction: st.NotAction ? [...st.NotAction].sort(byString) : [],
        notResource: st.NotResource ? [...st.NotResource].sort(byString) : [],
        actionCount: facts.actionCount,
        ...(blocked ?? {}),
      });
    });
  }
  return out.sort((a, b) => byString(a.policy, b.policy) || a.index - b.index);
}

/**
 * A statement's facts counted within the role's allowed actions; null when nothing is left. The
 * wildcard flags (`*`, `service:*`, the write patterns) stay as written: they say what the author
 * wrote, the counts what it grants.
 */
function withinAllowed(catalog: ActionCatalog, st: PolicyStatement, starResource: boolean, facts: ActionFacts, allowed: ActionSet): { facts: ActionFacts; blockedActionCount: number; remainingServices: string[] } | null {
  const granted = statementActionSet(catalog, st).andInPlace(allowed);
  const actionCount = granted.count();
  if (actionCount === 0) return null;
  if (actionCount === facts.actionCount) return { facts, blockedActionCount: 0, remainingServices: [] };
  return {
    facts: { ...facts, ...actionCounts(catalog, st.Action ?? [], granted, starResource, allowed) },
    blockedActionCount: facts.actionCount - actionCount,
    remainingServices: servicesWithAny(catalog, granted).slice(0, 20),
  };
}

/** Services whose every action is in `set`, sorted. */
function fullyCoveredServices(catalog: ActionCatalog, set: ActionSet): string[] {
  const out: string[] = [];
  for (const s of catalog.services.values()) {
    if (s.actionCount > 0 && set.countRange(s.firstIndex, s.endIndex) === s.actionCount) out.push(s.service);
  }
  return out.sort(byString);
}

function servicesWithAny(catalog: ActionCatalog, set: ActionSet): string[] {
  const out: string[] = [];
  for (const s of catalog.services.values()) if (set.countRange(s.firstIndex, s.endIndex) > 0) out.push(s.service);
  return out.sort(byString);
}

/** More services than this fully granted through NotAction is "power user", not a service policy. */
const POWER_USER_SERVICES = 100;

const fullAccessCache = new WeakMap<ActionCatalog, Map<string, FullAccessPolicy | null>>();
/** The actions behind each (cached, shared) FullAccessPolicy: what a role's boundary is checked against. */
const fullAccessUnions = new WeakMap<FullAccessPolicy, ActionSet>();

/**
 * The policy as it applies to one role: `blockedActionCount` counted against what the role is allowed
 * (`allowedSet`: null when nothing can block, the shared object is then returned as it is).
 */
export function fullAccessFor(policy: FullAccessPolicy, allowedSet: () => ActionSet | null): FullAccessPolicy {
  const union = fullAccessUnions.get(policy);
  const allowed = allowedSet();
  if (union === undefined || allowed === null) return policy;
  const blocked = union.count() - union.clone().andInPlace(allowed).count();
  return blocked === 0 ? policy : { ...policy, blockedActionCount: blocked };
}

/**
 * Does an AWS managed policy's content grant admin or service-wide access? Only unconditional
 * Allow statements on `Resource: "*"` count: a condition or a resource list is a scope, and a
 * policy like AWSLambdaBasicExecutionRole (three logs actions) is never "full access".
 */
export function fullAccessOf(catalog: ActionCatalog, ref: AttachedPolicyRef, document: NamedPolicy["document"]): FullAccessPolicy | null {
  let cache = fullAccessCache.get(catalog);
  if (!cache) {
    cache = new Map();
    fullAccessCache.set(catalog, cache);
  }
  const key = `${ref.arn}\u0000${JSON.stringify(document)}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const union = catalog.expandAllToSet([]);
  const statements: StatementPointer[] = [];
  let admin = false;
  let viaNotAction = false;
  document.Statement.forEach((st, index) => {
    if (st.Effect !== "Allow" || (st.Condition && Object.keys(st.Condition).length > 0)) return;
    if (!(st.Resource ?? []).includes("*")) return;
    const set = statementActionSet(catalog, st);
    const services = fullyCoveredServices(catalog, set);
    if (services.length === 0) return;
    if ((st.Action ?? []).some((a) => a === "*" || a === "*:*")) admin = true;
    if (st.NotAction !== undefined) viaNotAction = true;
    union.orInPlace(set);
    statements.push({ policy: ref.arn, index, sid: st.Sid === undefined || st.Sid === "" ? null : st.Sid });
  });
  let result: FullAccessPolicy | null = null;
  if (statements.length > 0) {
    const services = fullyCoveredServices(catalog, union);
    const pm = catalog.levelSets.get("Permissions management");
    let permissionsManagement = false;
    if (pm) for (const name of services) {
      const s = catalog.services.get(name);
      if (s && union.countRange(s.firstIndex, s.endIndex, pm) > 0) permissionsManagement = true;
    }
    const kind = admin ? "admin" : viaNotAction && services.length > POWER_USER_SERVICES ? "power-user" : "service-wide";
    result = { arn: ref.arn, name: ref.name, kind, services: services.slice(0, 30), serviceCount: services.length, permissionsManagement, actionCount: union.count(), blockedActionCount: 0, statements };
    fullAccessUnions.set(result, union.seal());
  }
  cache.set(key, result);
  return result;
}

/**
 * The AWS managed policies AWS documents for Lambda features ("Working with AWS managed policies in
 * the execution role", Lambda Developer Guide), by name: what they grant on `*` is what the feature
 * needs (logs, ENIs, event-source reads, X-Ray, Lambda Insights), judged by LR005–LR007 and LR010,
 * not by LR021.
 */
export const LAMBDA_FEATURE_POLICIES: ReadonlySet<string> = new Set([
  "AWSLambdaBasicExecutionRole",
  "AWSLambdaBasicDurableExecutionRolePolicy",
  "AWSLambdaDynamoDBExecutionRole",
  "AWSLambdaENIManagementAccess",
  "AWSLambdaKinesisExecutionRole",
  "AWSLambdaMSKExecutionRole",
  "AWSLambdaSQSQueueExecutionRole",
  "AWSLambdaVPCAccessExecutionRole",
  "AWSXRayDaemonWriteAccess",
  "AWSXrayWriteOnlyAccess",
  "AmazonS3ObjectLambdaExecutionRolePolicy",
  "CloudWatchLambdaApplicationSignalsExecutionRolePolicy",
  "CloudWatchLambdaInsightsExecutionRolePolicy",
]);

/** What a policy's statements grant broadly (the content part of broadManagedOf, cached by content). */
interface BroadGrant {
  union: ActionSet;
  conditional: boolean;
  statements: StatementPointer[];
}

const broadCache = new WeakMap<ActionCatalog, Map<string, BroadGrant | null>>();
const scopableWritesCache = new WeakMap<ActionCatalog, ActionSet>();

/**
 * Write and Permissions management actions that take a resource, without the ENI actions AWS
 * documents on `*`, without the 68 the catalog files under those levels though their names say
 * they read (`quicksight:DescribeSpacePermissions`, `iot:ListSubscriptions`, `glue:GetQuery`): on
 * SecurityAudit those made a read-only policy "high"; and without those whose ordinary call names
 * no resource (namesNoResource, as LR003): `cloudwatch:PutMetricData` on `*` made 50 AWS managed
 * policies "broad" (CloudWatchAPIKeyAccess, AmazonOpenSearchServiceRolePolicy …) though no
 * resource can scope it.
 */
function scopableWrites(catalog: ActionCatalog): ActionSet {
  let s = scopableWritesCache.get(catalog);
  if (!s) {
    const readNamed = catalog.expandAllToSet(["*:Get*", "*:List*", "*:Describe*"]);
    s = writeOrPermissionsActions(catalog)
      .clone()
      .andInPlace(catalog.resourceLevelSet)
      .andNotInPlace(documentedStar(catalog))
      .andNotInPlace(readNamed)
      .andNotInPlace(namesNoResource(catalog));
    scopableWritesCache.set(catalog, s);
  }
  return s;
}

/**
 * Does an AWS managed policy grant, on every resource, write or permissions-management actions that
 * AWS lets you scope to named resources (LR021)? The statements counted: Allow with `Resource: "*"`
 * or NotResource, not closed by a time window (`earliest`, PrincipalPolicies.earliestTime). The
 * actions counted: those the role is allowed at all (`allowed`: after a Deny on every resource and
 * the permissions boundary; `allowedSet`, asked only when the policy is broad), so a boundary that
 * blocks them all leaves no finding.
 * The caller leaves out full-access policies (LR004) and Lambda's own (LAMBDA_FEATURE_POLICIES).
 * Why per policy and not per statement as LR003: an AWS managed policy cannot be edited, only
 * replaced, so the finding is about the policy.
 */
export function broadManagedOf(catalog: ActionCatalog, ref: AttachedPolicyRef, document: NamedPolicy["document"], earliest: number | null, allowedSet: () => ActionSet | null): BroadManagedPolicy | null {
  const grant = broadGrantOf(catalog, ref, document, earliest);
  if (grant === null) return null;
  // Asked only now: most roles have no broad policy, and the allowed set costs a pass over their policies.
  const allowed = allowedSet();
  const union = allowed === null ? grant.union : grant.union.clone().andInPlace(allowed);
  if (union.isEmpty()) return null;
  const pm = catalog.levelSets.get("Permissions management");
  const pmActions = pm === undefined ? [] : catalog.names(union.clone().andInPlace(pm), SAMPLE);
  const actionCount = union.count();
  return {
    arn: ref.arn,
    name: ref.name,
    actionCount,
    actions: catalog.names(union, SAMPLE),
    services: servicesWithAny(catalog, union),
    permissionsManagement: pmActions.length > 0,
    permissionsManagementActions: pmActions,
    blockedActionCount: grant.union.count() - actionCount,
    conditional: grant.conditional,
    statements: grant.statements.map((x) => ({ ...x })),
  };
}

function broadGrantOf(catalog: ActionCatalog, ref: AttachedPolicyRef, document: NamedPolicy["document"], earliest: number | null): BroadGrant | null {
  let cache = broadCache.get(catalog);
  if (!cache) broadCache.set(catalog, (cache = new Map()));
  const key = `${ref.arn}\u0000${earliest ?? ""}\u0000${JSON.stringify(document)}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const scopable = scopableWrites(catalog);
  const union = catalog.expandAllToSet([]);
  const statements: StatementPointer[] = [];
  let conditional = true;
  document.Statement.forEach((st, index) => {
    if (st.Effect !== "Allow") return;
    if (!(st.Resource ?? []).includes("*") && st.NotResource === undefined) return;
    const hasConditions = conditionalFrom(st, earliest);
    if (hasConditions === null) return;
    const set = statementActionSet(catalog, st).andInPlace(scopable);
    if (set.isEmpty()) return;
    union.orInPlace(set);
    if (!hasConditions) conditional = false;
    statements.push({ policy: ref.arn, index, sid: st.Sid === undefined || st.Sid === "" ? null : st.Sid });
  });
  const result = statements.length > 0 ? { union: union.seal(), conditional, statements } : null;
  if (cache.size > 10_000) cache.clear();
  cache.set(key, result);
  return result;
}

/** Per catalog, by the Allow statements' actionKeyOf in order. */
const summaryCache = new WeakMap<ActionCatalog, ContentCache<GrantSummary>>();

/** What a principal's Allow statements grant together: depends on their actions only, so cached by them. */
export function summarizeGrants(catalog: ActionCatalog, policies: readonly NamedPolicy[]): GrantSummary {
  let cache = summaryCache.get(catalog);
  if (!cache) summaryCache.set(catalog, (cache = new ContentCache()));
  let key = "";
  for (const p of policies) for (const st of p.document.Statement) if (st.Effect === "Allow") key += `${actionKeyOf(st)}\u0000`;
  const summary = cache.get(key) ?? cache.set(key, computeSummary(catalog, policies));
  // Copies: the summary is shared by every principal of the same actions.
  return { ...summary, services: [...summary.services], writeServices: [...summary.writeServices] };
}

function computeSummary(catalog: ActionCatalog, policies: readonly NamedPolicy[]): GrantSummary {
  const union = catalog.expandAllToSet([]);
  for (const p of policies) {
    for (const st of p.document.Statement) {
      if (st.Effect !== "Allow") continue;
      // Action lists are OR-ed pattern by pattern from the catalog's cached expansions: no set per
      // statement (a cache of them kept ~64 MB alive at 10,000 functions, a set per use was garbage).
      if (st.Action !== undefined) for (const pattern of st.Action) union.orInPlace(catalog.expandToSet(pattern));
      else union.orInPlace(statementActionSet(catalog, st));
    }
  }
  const w = catalog.levelSets.get("Write");
  const pm = catalog.levelSets.get("Permissions management");
  const writes = w ? union.clone().andInPlace(w) : null;
  return {
    services: servicesWithAny(catalog, union).slice(0, 20),
    actionCount: union.count(),
    writeActionCount: writes ? writes.count() : 0,
    writeServices: writes ? servicesWithAny(catalog, writes) : [],
    permissionsManagementActionCount: pm ? union.countRange(0, union.bitLength, pm) : 0,
  };
}

export { isAwsManagedArn };
