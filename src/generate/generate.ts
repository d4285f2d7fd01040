/**
 * `generatePolicy(document, function, options)`: the least-privilege policy for one function from
 * three sources, each grant keeping where it came from:
 * - observed: the function's own successful calls in the usage section (observed.ts);
 * - required: what its configuration needs (requirements.ts);
 * - exception: kept exceptions from the configuration, with their reasons (exceptions.ts).
 * `generateForRole` does the role-per-function split of a shared role and the interim union.
 *
 * Pure and deterministic: no clock, no environment, output sorted; the same document and options
 * give the same bytes. Documents are treated as immutable: lookups are indexed once per document
 * object (WeakMap), so mutate a copy, not a document already generated from.
 */

import { replacedPolicyResource, separatePoliciesOf, separatePoliciesWarning } from "./separate-policies.js";
import { destinationPermission } from "../analysis/index.js";
import { KAFKA_DESTINATION_PREFIX, mskAccessSentence, mskAccessUnknown } from "../normalize/kafka-access.js";
import { environmentKeyAdvice } from "./environment-key.js";
import { InputError, LeastroleError } from "../errors.js";
import { windowDaysProblem } from "../config/window-days.js";
import { plural } from "../printable.js";
import type { CanonicalDocument, LambdaFunction, Role } from "../model/document.js";
import type { ActionUsage, PrincipalUsage, UsageWindow } from "../model/usage.js";
import { reasonFunctionArn, seenOnlyBeforeWindow } from "../usage/labels.js";
import { windowCoverage } from "../usage/window-coverage.js";
import { currentPolicies, roleOf } from "./current-policies.js";
import { datedPrefixWarnings } from "./dated-prefixes.js";
import { exceptionGrants } from "./exceptions.js";
import { hasPatternWildcard, loadActionCatalogSync, serviceOf, type ActionCatalog } from "./iam.js";
import { iamNameIndex, resolveIamNames, resolveSessionIamNames, roleNameOf } from "./iam-names.js";
import { lambdaModuleOf } from "./lambda-module.js";
import { DEFAULT_PREFIX_THRESHOLD, mergeActionUsage, observedGrants, type Place } from "./observed.js";
import { configurationRequirements, deliveryTargets } from "./requirements.js";
import { DEFAULT_REFERENCE_LENGTH, INLINE_ROLE_POLICY_LIMIT, MANAGED_POLICY_LIMIT, deployedSize, sizePolicies, type ReferenceLength } from "./size.js";
import { unattributedGrants, type UnattributedResult } from "./unattributed.js";
import { selectorsLogEveryCall, unloggedDataEventGrants, type UnloggedDataEvents } from "./unlogged.js";
import { isUnknownAccount, isUnknownRegion, unknownPlaces } from "./unknown-places.js";
import { dataEventTypeOf, isDataEventAction } from "../usage/not-logged.js";
import { closestNames, didYouMean } from "../printable.js";
import { rewriteValue, type OutputReferences } from "./references.js";
import { CFN_REFERENCE } from "./render-cloudformation.js";
import { TERRAFORM_REFERENCE } from "./render-terraform.js";
import { valueReferencesOf, type ValueReferences } from "../sources/value-references.js";
import { groupStatements, normaliseGrants, toPolicyDocument } from "./statements.js";
import type { AppliedException, GenerateOptions, GeneratedPolicy, GenerationWarning, Grant, PolicyBuild, RoleGeneration, WildcardExplanation } from "./types.js";

export const DEFAULT_WINDOW_DAYS = 30;

/** An unknown or ambiguous `--function`. */
export class FunctionNotFoundError extends LeastroleError {
  constructor(message: string) {
    super("function-not-found", message);
  }
}

/** Lookups over one document, built once per document (generation of a whole account is then linear). */
interface DocumentIndex {
  functionByArn: Map<string, LambdaFunction>;
  functionsByName: Map<string, LambdaFunction[]>;
  functionsByRole: Map<string, LambdaFunction[]>;
  sessionsByRole: Map<string, PrincipalUsage[]>;
  /** Sessions by session name, whatever their role (to say where a function's calls went when none are on its role). */
  sessionsByName: Map<string, PrincipalUsage[]>;
  /** Services with a data-event call in any session of the usage, sorted (for the data-events warning). */
  dataEventServices: string[];
}

const indexes = new WeakMap<CanonicalDocument, DocumentIndex>();

function indexOf(document: CanonicalDocument): DocumentIndex {
  let idx = indexes.get(document);
  if (idx !== undefined) return idx;
  const push = <T>(m: Map<string, T[]>, k: string, v: T): void => {
    const list = m.get(k);
    if (list === undefined) m.set(k, [v]);
    else list.push(v);
  };
  idx = { functionByArn: new Map(), functionsByName: new Map(), functionsByRole: new Map(), sessionsByRole: new Map(), sessionsByName: new Map(), dataEventServices: [] };
  for (const f of document.functions) {
    idx.functionByArn.set(f.arn, f);
    push(idx.functionsByName, f.name, f);
    push(idx.functionsByRole, f.roleArn, f);
  }
  const dataEventServices = new Set<string>();
  for (const p of document.usage.principals) {
    // By the document's role: a template role CloudFormation named at deployment is CloudTrail's `roleArn` (labels.ts matched it).
    push(idx.sessionsByRole, p.documentRoleArn ?? p.roleArn, p);
    push(idx.sessionsByName, p.sessionName, p);
    for (const a of p.actions) if (isDataEventAction(a.action)) dataEventServices.add(serviceOf(a.action));
  }
  idx.dataEventServices = [...dataEventServices].sort();
  indexes.set(document, idx);
  return idx;
}

/**
 * The function named by an unqualified or qualified ARN, or by name (unique across the document).
 * Throws FunctionNotFoundError naming the candidates when ambiguous.
 */
export function findFunction(document: CanonicalDocument, ref: string): LambdaFunction {
  const unqualified = /^(arn:[^:]+:lambda:[^:]+:[^:]+:function:[^:]+)(:.+)?$/.exec(ref)?.[1];
  const idx = indexOf(document);
  if (unqualified !== undefined) {
    const fn = idx.functionByArn.get(unqualified);
    if (fn === undefined) throw new FunctionNotFoundError(`function ${ref} is not in the document (${plural(document.functions.length, "function")})${functionsListed(document)}`);
    return fn;
  }
  const byName = idx.functionsByName.get(ref) ?? [];
  if (byName.length === 1) return byName[0] as LambdaFunction;
  if (byName.length > 1) {
    throw new FunctionNotFoundError(`function name ${ref} is ambiguous: ${byName.map((f) => f.arn).sort().join(", ")}; pass the ARN`);
  }
  // A mistyped name (orders-ap): the near ones, as a kept exception's pattern that matches nothing is told.
  const near = closestNames(ref, [...idx.functionsByName.keys()]);
  throw new FunctionNotFoundError(`function ${ref} is not in the document (${plural(document.functions.length, "function")})${near.length > 0 ? didYouMean(near) : functionsListed(document)}`);
}

/** How many functions a not-found `--function` lists before "and N more". */
const FUNCTIONS_LISTED = 20;

/**
 * The functions there are, when no name is near the one asked for: "not in the document (5
 * functions)" left the user to find the names in the exports. Sorted; the first 20 when many.
 */
function functionsListed(document: CanonicalDocument): string {
  const names = [...new Set(document.functions.map((f) => f.name))].sort();
  if (names.length === 0) return "";
  const shown = names.slice(0, FUNCTIONS_LISTED).join(", ");
  return `: ${names.length > FUNCTIONS_LISTED ? `the first ${FUNCTIONS_LISTED} of them are ${shown} and ${names.length - FUNCTIONS_LISTED} more` : `they are ${shown}`}`;
}

/**
 * Partition and account of the function; the region of its calls when they were all made in one
 * region (sessions record awsRegion), else `*` (a call with no recorded resource may have gone to
 * any region).
 */
function placeOf(fn: LambdaFunction, sessions: readonly PrincipalUsage[]): Place {
  const regions = new Set(sessions.flatMap((s) => s.regions ?? []));
  const region = regions.size === 1 ? ([...regions][0] as string) : "*";
  return { partition: fn.arn.split(":")[1] ?? "aws", region, account: fn.accountId };
}

/**
 * Today's role's name: a role a template leaves CloudFormation to name goes by its logical ID,
 * which may be longer than a role name's 64 characters (CDK's
 * BucketNotificationsHandler050a…RoleB6FB88EC has 72; CloudFormation truncates the name it makes).
 * Before, such a role was taken for one of no name, and the output declared a new role named
 * after the function beside today's instead of replacing it.
 */
function currentRoleName(role: Role | undefined, roleArn: string): string | null {
  return role?.generatedName === true ? role.name : roleNameOf(roleArn);
}

/** The function's own sessions: joined by ARN, or by name on its role when the join failed. */
function sessionsOf(document: CanonicalDocument, fn: LambdaFunction): PrincipalUsage[] {
  return (indexOf(document).sessionsByRole.get(fn.roleArn) ?? []).filter(
    (p) =>
      p.sessionKind === "function" &&
      (p.functionArn === fn.arn || (p.functionArn === null && p.functionName === fn.name && p.accountId === fn.accountId)),
  );
}

const PARTIAL_REASONS_SHOWN = 5;
const ROLES_ELSEWHERE_SHOWN = 3;

/**
 * Where a function's calls went when none are on its role: sessions named like the function on
 * other roles of its account. A SAM or CloudFormation role without \`RoleName\` is named at
 * deployment (\`<stack>-<LogicalId>-<suffix>\`; "If you don't specify a name, AWS CloudFormation
 * generates a unique physical ID", https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html),
 * so the deployed stack's CloudTrail names a role the template read does not. The usage stage
 * matches such names (src/usage/deployed-names.ts); what it could not match (another stack's, a
 * cut name, several stacks) stays unattributed, and this says where it is and what to give instead.
 */
function sessionsElsewhere(document: CanonicalDocument, fn: LambdaFunction): string {
  const found = (indexOf(document).sessionsByName.get(fn.name) ?? []).filter(
    (p) => (p.documentRoleArn ?? p.roleArn) !== fn.roleArn && p.sessionKind !== "function" && (p.accountId === fn.accountId || isUnknownAccount(fn.accountId)),
  );
  if (found.length === 0) return "";
  const calls = new Map<string, number>();
  for (const p of found) calls.set(p.roleArn, (calls.get(p.roleArn) ?? 0) + p.actions.reduce((n, a) => n + a.count, 0));
  const roles = [...calls.keys()].sort();
  const shown = roles.slice(0, ROLES_ELSEWHERE_SHOWN).map((r) => `${r} (${plural(calls.get(r) as number, "call")})`).join(", ");
  const more = roles.length > ROLES_ELSEWHERE_SHOWN ? ` and ${roles.length - ROLES_ELSEWHERE_SHOWN} more` : "";
  const role = roleOf(document, fn.roleArn);
  const why =
    role?.generatedName === true
      ? ` The template leaves CloudFormation to name the function's role ${role.name} at deployment (as <stack>-<LogicalId>-<suffix>), and none of these was matched to it (another stack's name than --stack-name, a name CloudFormation cut to fit, or several stacks': see ambiguous-deployment): give the right --stack-name, or the account's export (leastrole collect) with the logs instead of the template, or give the role a RoleName (for a SAM function, a role of your own as its Role).`
      : " If one of them is the function's role as deployed, give the inputs that name it (the account's export) with the logs.";
  return ` The usage holds calls by a session named ${fn.name} on another role: ${shown}${more}.${why}`;
}

/**
 * The role a partial-usage reason is about, when it is about one role (src/usage/labels.ts writes
 * `<role ARN>: grants …` and `session <name> of <role ARN> matches …`); null for the data as a whole.
 */
function reasonRole(reason: string): { role: string; fn: string | null } | null {
  const m = /^(arn:[^:\s]+:iam::\d{12}:role\/\S+): /.exec(reason) ?? /^session .* of (arn:[^:\s]+:iam::\d{12}:role\/\S+) matches /.exec(reason);
  if (m?.[1] === undefined) return null;
  // A shared wide role's reason is per function (labels.ts widePartial): another function's says
  // nothing of this one's calls.
  return { role: m[1], fn: reasonFunctionArn(reason) };
}

/** reasonRole of each reason, once per list (every function of a document has the same one). */
const reasonRolesCache = new WeakMap<readonly string[], Array<{ role: string; fn: string | null } | null>>();
function reasonRoles(reasons: readonly string[]): Array<{ role: string; fn: string | null } | null> {
  let roles = reasonRolesCache.get(reasons);
  if (roles === undefined || roles.length !== reasons.length) reasonRolesCache.set(reasons, (roles = reasons.map(reasonRole)));
  return roles;
}

function usageWarnings(document: CanonicalDocument, fn: LambdaFunction, sessions: PrincipalUsage[], windowDays: number): GenerationWarning[] {
  const w: GenerationWarning[] = [];
  const u = document.usage;
  if (document.meta.partial) {
    w.push({ code: "document-partial", message: "The input document is partial (some inputs could not be read in full); requirements or usage may be missing." });
  }
  if (!u.present) {
    w.push({
      code: "usage-absent",
      message: "No usage data: the policy holds only what the configuration requires and the kept exceptions. The function's own calls are missing; supply CloudTrail logs.",
    });
    return w;
  }
  if (sessions.length === 0) {
    w.push({
      code: "no-usage-for-function",
      message: `No calls by ${fn.name} in the usage data (window ${u.window ? `${u.window.start} – ${u.window.end}` : "unknown"}); the policy holds only configuration requirements and kept exceptions.${sessionsElsewhere(document, fn)}`,
    });
  }
  if (u.coverage.partial) {
    // Reasons about another role (its labels cover part of its grants, its sessions could not be
    // attributed) say nothing about this function's calls: left out, or every function's warning
    // listed the whole account's (80 KB each at 10,000 functions).
    const roles = reasonRoles(u.coverage.partialReasons);
    const reasons = u.coverage.partialReasons.filter((_, i) => {
      const owner = roles[i];
      return owner === null || owner === undefined || (owner.role === fn.roleArn && (owner.fn === null || owner.fn === fn.arn));
    });
    if (reasons.length > 0 || u.coverage.partialReasons.length === 0) {
      const shown = reasons.slice(0, PARTIAL_REASONS_SHOWN).join("; ");
      const more = reasons.length > PARTIAL_REASONS_SHOWN ? `; and ${reasons.length - PARTIAL_REASONS_SHOWN} more (usage.coverage.partialReasons)` : "";
      w.push({
        code: "usage-partial",
        message: `Usage data is partial (${shown === "" ? "some records skipped" : `${shown}${more}`}); calls in the unread part are missing from the policy.`,
      });
    }
  }
  // The days the logs cover, not the window's length: a window is always windowDays long, and a
  // policy made from four days of logs in it may miss what the other 26 would have shown.
  const coverage = windowCoverage(u);
  if (coverage === null || coverage.days < windowDays || coverage.covered < windowDays) {
    const covered =
      coverage === null
        ? "an unknown number of days, maybe less than the window"
        : coverage.covered < coverage.days
          ? `${coverage.covered} of the ${coverage.days} days of the window (${coverage.missing.length} without records, the first ${coverage.missing[0]})`
          : `${coverage.days} days, less than the ${windowDays}-day window`;
    w.push({
      code: "usage-window-short",
      message: `Usage covers ${covered}: the policy may be missing rare calls (month-end jobs, error paths). Keep them with kept exceptions.`,
    });
  } else {
    // Covered as a whole, but maybe not where the function is (its account joined the
    // organisation trail late, its region was logged from a later day): labels.ts said so.
    const place = (u.coverage.partialPlaces ?? []).find((p) => p.accountId === fn.accountId && (p.region === null || p.region === fn.region));
    if (place !== undefined) {
      w.push({
        code: "usage-window-short",
        message: `Usage does not cover the whole window where the function is (${place.reason}): the policy may be missing calls made before. Keep them with kept exceptions.`,
      });
    }
  }
  if (u.coverage.dataEvents === "absent") {
    w.push({
      code: "data-events-absent",
      message: "The trail has no data events: object-level S3, DynamoDB item, Lambda Invoke, SQS and other data-plane calls are not in the usage. The data-event actions the role grants are kept as today's policy grants them (data-events-not-logged); collect a trail with data events for every resource to narrow them.",
    });
  } else if (u.coverage.dataEvents === "unknown") {
    w.push({
      code: "data-events-unknown",
      message: "Whether the trail logs data events is unknown: data-plane calls (S3 objects, DynamoDB items, SQS messages) may be missing from the usage. The data-event actions the role grants are kept as today's policy grants them (data-events-not-logged).",
    });
  }
  // Seen used by Access Advisor, or by an Access Analyzer finding's lastAccessed (the role's last
  // access, inside the window), but in no CloudTrail record of the function: without a call there
  // are no resources to grant, so not in the policy.
  const outside = (u.labels.find((l) => l.functionArn === fn.arn)?.permissions ?? []).filter((p) => p.label === "used" && (p.sources.includes("access-advisor") || p.sources.includes("access-analyzer")) && !p.sources.includes("cloudtrail"));
  const advisorOnly = outside.map((p) => p.action);
  if (advisorOnly.length > 0) {
    const who = outside.every((p) => p.sources.includes("access-advisor")) ? "Access Advisor" : outside.every((p) => !p.sources.includes("access-advisor")) ? "An Access Analyzer finding" : "Access Advisor or an Access Analyzer finding";
    w.push({
      code: "used-outside-trail",
      message: `${who} saw ${advisorOnly.slice(0, 10).join(", ")}${advisorOnly.length > 10 ? ` and ${advisorOnly.length - 10} more` : ""} used inside the window, but no CloudTrail record of the function shows the call${advisorOnly.length === 1 ? "" : "s"}: not in the policy (no resources known). Keep what the function needs as kept exceptions, or give the logs that hold the calls.`,
    });
  }
  return w;
}

/**
 * What the policy does about data events the trail may not log (unlogged.ts): the actions kept as
 * today's policy grants them, the observed ones granted on the resources seen only, and those only
 * NotResource grants today. Null when there is nothing to say (data events logged everywhere, no
 * usage, or no data-event action granted or observed).
 */
function dataEventsWarning(document: CanonicalDocument, unlogged: UnloggedDataEvents, observedActions: readonly string[], catalog: ActionCatalog): GenerationWarning | null {
  const u = document.usage;
  if (!u.present) return null;
  const neverLogged = unlogged.neverLogged.length > 0 ? ` CloudTrail never records ${unlogged.neverLogged.join(", ")}: kept as today's policy grants ${unlogged.neverLogged.length === 1 ? "it" : "them"}; narrow by hand.` : "";
  if (u.coverage.dataEvents === "logged") return neverLogged === "" ? null : { code: "data-events-not-logged", message: neverLogged.trim() };
  // Calls of a type the trail's selectors log for every resource are all in the logs: saying they
  // may be missing (and asking for the selectors the user gave) was wrong.
  // So are the calls of a class the selectors log for every resource (a write-only trail's writes).
  const selected = new Map((u.coverage.dataEventSelectors ?? []).map((t) => [t.type, t] as const));
  // Seen called and kept beyond the resources seen: named as such, not as granted on those only.
  const beyond = new Set(unlogged.keptBeyondSeen);
  const observed = [...new Set(observedActions.filter(isDataEventAction))]
    .filter((a) => {
      const type = dataEventTypeOf(a.toLowerCase());
      return (type === null || !selectorsLogEveryCall(selected.get(type), a.toLowerCase(), catalog)) && !beyond.has(a);
    })
    .sort();
  if (unlogged.kept.length === 0 && unlogged.keptBeyondSeen.length === 0 && unlogged.notResource.length === 0 && observed.length === 0 && neverLogged === "") return null;
  const services = indexOf(document).dataEventServices;
  const seen = services.length === 0 ? "the usage holds no data-event call" : `the usage holds data-event calls of ${services.join(", ")} only`;
  // What is this function's own first, then the advice the same for every function (`advice`),
  // which generate's stderr says once for all of them: it was repeated in full per function.
  let message = "";
  if (unlogged.kept.length > 0) message += ` Kept as today's policy grants them, since the function may call them unseen: ${unlogged.kept.join(", ")}.`;
  if (unlogged.keptBeyondSeen.length > 0) message += ` Seen called, and also kept as today's policy grants them on the resources where the logs do not show calls of their class (read or write): ${unlogged.keptBeyondSeen.join(", ")}.`;
  if (observed.length > 0) message += ` Granted on the resources seen only: ${observed.join(", ")}; calls on resources whose data events the trail does not log are missing.`;
  if (unlogged.judgedLogged.length > 0) message += ` Judged logged from the function's own data-event calls, so the calls of the same class there it was not seen making are left out: ${listed(unlogged.judgedLogged)}; nothing else is judged from them (a trail's selectors may log some buckets or tables, or only reads or only writes).`;
  if (unlogged.unsplit.length > 0) message += ` Kept whole, as a wildcard cannot be split, though the logs show calls of the same class on some of what it grants: ${listed(unlogged.unsplit)}.`;
  if (unlogged.notResource.length > 0) message += ` Granted today only through NotResource, so not kept: ${unlogged.notResource.join(", ")}; keep what the function needs with a kept exception naming its resources.`;
  message += neverLogged;
  let advice = `Data events are not known to be logged for every resource (${seen}; CloudTrail logs them only for the resources its data-event selectors cover).`;
  // Selectors given: say what they log in full rather than ask for them again.
  const said = u.coverage.dataEventSelectors ?? [];
  const inFull = said.flatMap((t) => (t.logged === "all" ? [t.type] : t.loggedEverywhere !== undefined ? [`${t.type} ${t.loggedEverywhere}`] : []));
  if (said.length > 0) advice += ` The event selectors given log in full ${inFull.length === 0 ? "no data-event type" : inFull.join(", ")}; everything else they log for some calls only. If the trail logs data events for every resource, set usage.dataEventsLogged: true in the configuration.`;
  else advice += " If the trail logs data events for every resource, set usage.dataEventsLogged: true in the configuration; or give its event selectors (aws cloudtrail get-event-selectors) with the logs, and the resource types they log for every resource are judged.";
  return { code: "data-events-not-logged", message: message.trim() === "" ? advice : `${message.trim()} ${advice}`, advice };
}

/** At most 20 entries of a sorted list, then how many more. */
function listed(xs: readonly string[]): string {
  return xs.length <= 20 ? xs.join("; ") : `${xs.slice(0, 20).join("; ")} and ${xs.length - 20} more`;
}

/**
 * The management-event actions the account's trail leaves out (src/usage/trail-gaps.ts: no read
 * event, or no AWS KMS event, in the account's logs), kept as today's policy grants them.
 */
function managementEventsWarning(actions: readonly string[]): GenerationWarning {
  const shown = actions.length <= 20 ? actions.join(", ") : `${actions.slice(0, 20).join(", ")} and ${actions.length - 20} more`;
  return {
    code: "management-events-not-logged",
    message: `The trail does not log some management events of the function's account (read events, write events, or AWS KMS events: the logs show it, or the configuration or the trail's event selectors say so; see the trail-management-events-excluded warning), so calls of these actions would not be in the usage. Kept as today's policy grants them: ${shown}. Give logs of a trail that records all management events to narrow them.`,
  };
}

/**
 * The actions whose successful calls were all before the usage window (seenOnlyBeforeWindow, the
 * labels' own test, against the window they wrote), apart from the others. Denied-only actions
 * stay with the others: they are never granted, and denied-calls-not-granted names them. No
 * window (no as-of instant, no events): nothing is apart.
 */
function splitBeforeWindow(actions: ActionUsage[], window: UsageWindow | null): { inWindow: ActionUsage[]; before: ActionUsage[] } {
  if (window === null) return { inWindow: actions, before: [] };
  const inWindow: ActionUsage[] = [];
  const before: ActionUsage[] = [];
  for (const a of actions) (a.count > a.deniedCount && seenOnlyBeforeWindow(a, window) ? before : inWindow).push(a);
  return { inWindow, before };
}

function usedBeforeWindowWarning(a: ActionUsage, window: UsageWindow): GenerationWarning {
  return {
    code: "used-before-window-not-granted",
    action: a.action,
    message: `${a.action} was last called ${a.lastSeen.slice(0, 10)}, before the ${window.days}-day usage window (from ${window.start.slice(0, 10)}): not granted, as the audit labels it unused (LR008). If the function still needs it (a quarterly job, an error path), keep it with a kept exception, or generate with a longer --window-days.`,
  };
}

/** An unattributed session without the actions it called only before the window (the labels leave those out too). */
function withoutCallsBeforeWindow(s: PrincipalUsage, window: UsageWindow | null): PrincipalUsage {
  if (window === null || !s.actions.some((a) => seenOnlyBeforeWindow(a, window))) return s;
  return { ...s, actions: s.actions.filter((a) => !seenOnlyBeforeWindow(a, window)) };
}

/** Sessions on the function's role attributed to no function (`other`). */
function otherSessionsOf(document: CanonicalDocument, fn: LambdaFunction): PrincipalUsage[] {
  return (indexOf(document).sessionsByRole.get(fn.roleArn) ?? []).filter((p) => p.sessionKind === "other");
}

/** The role's unattributed sessions, by name, and what of their calls the policy grants. */
function unattributedWarning(fn: LambdaFunction, others: readonly PrincipalUsage[], granted: UnattributedResult): GenerationWarning {
  const names = [...new Set(others.map((s) => s.sessionName))].sort();
  const shown = names.length > 5 ? `${names.slice(0, 5).join(", ")} and ${names.length - 5} more` : names.join(", ");
  let message = `${names.length} session(s) on role ${fn.roleArn} could not be attributed to a function (${shown}); they may have been this function's.`;
  message +=
    granted.actions.length > 0
      ? ` Their successful calls are granted as if they were its own (provenance unattributed): ${granted.actions.join(", ")}. Remove what this function does not need.`
      : " They made no successful call to grant.";
  return { code: "unattributed-sessions", message };
}

function requiredGrants(fn: LambdaFunction, catalog: ActionCatalog, warnings: GenerationWarning[]): Grant[] {
  const out: Grant[] = [];
  // A target whose service cannot be told (a parameter's placeholder default, `<your_queue_arn>`)
  // needs a permission nobody can write: said, not silently left out.
  for (const { arn, detail } of deliveryTargets(fn)) {
    // A Kafka topic (`kafka://<topic>`) is written with the cluster's own authentication: said
    // below when that may be IAM access control; otherwise the role needs nothing for it.
    if (arn.startsWith(KAFKA_DESTINATION_PREFIX)) continue;
    if (destinationPermission(arn) === null) {
      warnings.push({ code: "target-not-understood", message: `The ${detail} ${arn} is not an SQS, SNS, Lambda, EventBridge or S3 ARN: the permission Lambda needs to send to it is not in the policy. Give the real ARN (--parameter for a template's parameter).` });
    }
  }
  for (const t of fn.triggers) {
    const unknown = mskAccessUnknown(t);
    if (unknown === null) continue;
    warnings.push({ code: "kafka-access-not-granted", message: `${t.uuid === null ? "The function's event source mapping" : `The event source mapping ${t.uuid}`} ${mskAccessSentence(unknown)}: not in the policy. If the cluster uses IAM access control, add them.` });
  }
  const loggingOff = loggingDeniedOnPurpose(fn);
  if (loggingOff.length > 0) {
    warnings.push({
      code: "logging-denied-on-purpose",
      message: `The execution role denies ${loggingOff.join(", ")} on ${fn.logGroup} with an explicit Deny: logging turned off on purpose (the Serverless Framework's disableLogs writes such a Deny), so the logs permissions are not granted. To keep the function's output, remove the Deny and generate again.`,
    });
  }
  for (const r of configurationRequirements(fn)) {
    if (loggingOff.length > 0 && r.purpose === "logs") continue;
    // Actions that take no resource are granted on `*` whatever the table says.
    const rlp = catalog.supportsResourceLevelPermissions(r.action);
    const resource = rlp === false ? "*" : r.resource;
    // A template's placeholder (a parameter's default `StreamARNNotPassed`, a literal
    // `<your_secret_arn>`) is no ARN: IAM refuses the whole policy over it (MalformedPolicyDocument),
    // so it is left out and said, as a delivery target is. A reference the template leaves to
    // CloudFormation (`${SecretArn}`) stays: the renderers write it as Fn::Sub.
    if (!isPolicyResource(resource)) {
      warnings.push({
        code: "requirement-resource-not-an-arn",
        action: r.action,
        message: `${r.action} (required: ${r.detail}) is needed on ${JSON.stringify(resource)}, which is not an ARN (a template's placeholder?): not in the policy, which IAM would refuse with it. Give the real ARN (--parameter for a template's parameter).`,
      });
      continue;
    }
    if (rlp === null) {
      warnings.push({ code: "requirement-unknown-resource", action: r.action, message: `${r.action} (required: ${r.detail}) is not in the action catalog; kept as written.` });
    }
    const grant: Grant = {
      action: catalog.action(r.action)?.action ?? r.action,
      resource,
      scoping: rlp === false ? "no-resource-level-permissions" : /[*?]/.test(resource) ? "as-configured" : "exact",
      provenance: [{ kind: "required", purpose: r.purpose, detail: r.detail }],
    };
    if (r.condition !== undefined) grant.condition = r.condition;
    out.push(grant);
  }
  return out;
}

/** `*`, an ARN (wildcards allowed), or a string holding a template reference (`${…}`, kept for CloudFormation's Fn::Sub). */
function isPolicyResource(resource: string): boolean {
  return resource === "*" || resource.startsWith("arn:") || resource.includes("${");
}

/**
 * The logs actions the role refuses the function by an explicit Deny alone (every logs
 * requirement it lacks is explicitly denied, as LR005 judges it "on purpose"); none otherwise,
 * or when the document was not analysed.
 */
function loggingDeniedOnPurpose(fn: LambdaFunction): string[] {
  const lacking = (fn.analysis?.requirements ?? []).filter((r) => r.purpose === "logs" && r.decision !== "allowed");
  return lacking.length > 0 && lacking.every((r) => r.decision === "explicit-deny") ? lacking.map((r) => r.action).sort() : [];
}

/** Every Resource with a wildcard, with the reason for it. */
export function explainWildcards(grants: readonly Grant[]): WildcardExplanation[] {
  const out: WildcardExplanation[] = [];
  for (const g of grants) {
    // `${*}` and `${?}` are an observed name's literal characters, not wildcards.
    if (!hasPatternWildcard(g.resource)) continue;
    out.push({ action: g.action, resource: g.resource, scoping: g.scoping, reason: wildcardReason(g) });
  }
  return out;
}

function wildcardReason(g: Grant): string {
  switch (g.scoping) {
    case "no-resource-level-permissions":
      return `${g.action} has no resource-level permissions (Service Authorization Reference): only "*" can grant it`;
    case "prefix":
      return "several observed resources of one parent share this prefix (prefix threshold reached)";
    case "truncated-prefix":
      return "more resources were called than the usage sample keeps: the prefix of every resource seen";
    case "parent":
      return "CloudTrail named only the parent resource: everything under it";
    case "unnamed":
      return g.resource === "*"
        ? "calls named no resource, and the action may be called without one (its one resource type is optional, or an SNS Publish to a phone number): only \"*\" grants such a call"
        : "calls named no resource CloudTrail records: the resource type in the account, any name";
    case "unknown-action":
      return "the action is not in the catalog, so its resource types are unknown";
    case "exact":
      if (g.resource.endsWith("-??????")) return "Secrets Manager appends six random characters to a secret's ARN; the call named the secret without them";
      if (/:ecs:[^:]*:[^:]*:task-definition\/[^:]+:\*$/.test(g.resource)) return "the call named the task definition's family without a revision: it runs whichever revision is latest";
      if (/:batch:[^:]*:[^:]*:job-definition\/[^:]+:\*$/.test(g.resource)) return "the call named the job definition without a revision: it runs whichever active revision is latest";
      if (/:kinesis:[^:]*:[^:]*:stream\/[^:/]+\/consumer\/[^:/]+:\*$/.test(g.resource)) return "the call named the consumer by stream and name, without the creation time its ARN ends in: the consumer of that name created at any time";
      return "as observed";
    case "as-configured": {
      const req = g.provenance.find((p) => p.kind === "required");
      if (req !== undefined && req.kind === "required") {
        return g.resource === "*"
          ? `required by the configuration (${req.purpose}: ${req.detail}); AWS documents this permission on "*" because Lambda acts on resources it creates at run time (network interfaces)`
          : `required by the configuration (${req.purpose}: ${req.detail}); the names under it are created at run time`;
      }
      const ex = g.provenance.find((p) => p.kind === "exception");
      if (ex !== undefined && ex.kind === "exception") return `kept exception: ${ex.reason}`;
      const unlogged = g.provenance.find((p) => p.kind === "not-logged");
      if (unlogged !== undefined && unlogged.kind === "not-logged") return unlogged.reason;
      return "as configured";
    }
  }
}

function build(roleName: string, baseName: string, grants: Grant[], exceptions: AppliedException[], warnings: GenerationWarning[], options: GenerateOptions): PolicyBuild {
  const normalised = normaliseGrants(grants);
  const statements = groupStatements(normalised);
  const policy = toPolicyDocument(statements);
  const policies = sizePolicies(policy, baseName, options.target ?? "inline");
  const allWarnings = [...warnings];
  const target = options.target ?? "inline";
  if (policies.length > 1 || (policies[0]?.kind === "managed" && target === "inline")) {
    const n = policies.length;
    const why = target === "inline" ? "The policy exceeds the role's 10,240-character inline budget" : "The policy exceeds one managed policy's 6,144 characters";
    const quota =
      n > 20
        ? " — more than the 20 managed policies a role can have even after a quota increase: split the function's work or accept wider patterns (lower --prefix-threshold)"
        : n > 10
          ? " — more than the default 10 managed policies per role: request a quota increase (up to 20)"
          : "";
    allWarnings.push({
      code: "split-into-several-policies",
      message: `${why}; split into ${n} managed polic${n === 1 ? "y" : "ies"} of at most 6,144 characters${quota}.`,
    });
  }
  return {
    roleName,
    policy,
    policies,
    statements,
    grants: normalised,
    wildcards: explainWildcards(normalised),
    exceptions: sortExceptions(exceptions),
    warnings: sortWarnings(allWarnings),
  };
}

function sortWarnings(ws: GenerationWarning[]): GenerationWarning[] {
  const seen = new Set<string>();
  return ws
    .filter((w) => {
      const k = `${w.code}\u0000${w.action ?? ""}\u0000${w.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => cmp(a.code, b.code) || cmp(a.action ?? "", b.action ?? "") || cmp(a.message, b.message));
}

function sortExceptions(es: AppliedException[]): AppliedException[] {
  const seen = new Set<string>();
  return es
    .filter((e) => {
      const k = JSON.stringify(e);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => cmp(a.reason, b.reason) || cmp(a.function, b.function) || cmp(a.actions.join(), b.actions.join()));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `${Queue.Arn}`, `${aws_sqs_queue.q.arn}`: no colon, so not an IAM variable, and not IAM's literal
 * `${$}`, `${*}`, `${?}`. Or a CloudFormation pseudo parameter the reader could not fill in
 * (`${AWS::StackName}` in a nested stack's log group): two colons, where IAM's variables have one
 * (`${aws:username}`); in the IAM JSON and in Terraform it is literal text that matches nothing. Or
 * an intrinsic the reader could not evaluate (`${Fn::Select:2}` of a split stack id): no output
 * language writes it back, so it is said in every one.
 */
const IAC_REFERENCE = /\$\{(?:(?![*?$]\})[^}:]*|AWS::[A-Za-z]+|Fn::[A-Za-z]+(?::[^}]*)?)\}/;

/**
 * `unresolved-references`: the output holds text the user must replace by hand before it deploys.
 * Only what the IaC readers wrote can be a reference: the configuration's ARNs and today's policy
 * (kept exceptions) read from a template or plan. Observed names are literal (`${$}{x}`), and in an
 * account export `${x}` is IAM's own text. What counts depends on the output: the IAM JSON (and
 * Markdown) cannot say `${Queue.Arn}` nor an unknown region or account; `-f cloudformation`/`-f sam`
 * write a template's references as Fn::Sub and the unknown region and account as the stack's own,
 * `-f terraform` a plan's references as interpolations and them as the provider's. There only a
 * reference of another language is left as text (another stack's resource, `${Data/Orders.QueueName}`;
 * a plan's reference in a template): said so, naming them. Before, the SAM output of a SAM template,
 * deployable as written, came with "the IAM JSON is not deployable as is … replace it by hand".
 */
function unresolvedReferencesWarning(document: CanonicalDocument, fn: LambdaFunction, grants: readonly Grant[], format: GenerateOptions["format"]): GenerationWarning | null {
  const kinds = new Set(document.meta.sources.map((s) => s.kind));
  const iac = kinds.has("cloudformation") || kinds.has("terraform-plan");
  if (format === "cloudformation" || format === "sam" || format === "terraform") {
    if (!iac) return null;
    const own = format === "terraform" ? (inner: string) => kinds.has("terraform-plan") && TERRAFORM_REFERENCE.test(inner) : (inner: string) => kinds.has("cloudformation") && CFN_REFERENCE.test(inner);
    const left = new Set<string>();
    for (const g of grants) {
      for (const m of g.resource.matchAll(/\$\{[^}]*\}/g)) {
        if (IAC_REFERENCE.test(m[0]) && !own(m[0].slice(2, -1))) left.add(m[0]);
      }
    }
    if (left.size === 0) return null;
    const names = [...left].sort();
    const shown = names.length <= 3 ? names.join(", ") : `${names.slice(0, 3).join(", ")} and ${names.length - 3} more`;
    const language = format === "terraform" ? "Terraform" : "CloudFormation";
    return {
      code: "unresolved-references",
      message: `Some ARNs hold references ${language} cannot resolve here (${shown}): another stack's or another language's resources, or an intrinsic function the template reader could not evaluate (\${Fn::…}), written as literal text. Replace them by hand (an export of the other stack, an input of the module, the value the function computes) before deploying.`,
    };
  }
  // A synthetic account (`unknown-<hash>`, several IaC files read together) is as unknown as `unknown`.
  if (!(isUnknownRegion(fn.region) || isUnknownAccount(fn.accountId) || (iac && grants.some((g) => IAC_REFERENCE.test(g.resource) || unknownPlaces(g.resource) !== null)))) return null;
  return {
    code: "unresolved-references",
    message:
      "Some ARNs are infrastructure-as-code references or unknown region/account (the input was a template or plan): the IAM JSON is not deployable as is. The Terraform and CloudFormation outputs fill an unknown region/account with the deployment's own; a reference stays one only in the input's own language (a template's ${Queue.Arn} in CloudFormation, a plan's ${aws_sqs_queue.q.arn} in Terraform), in the other it is literal text IAM rejects: replace it by hand.",
  };
}

const defaultsByFile = new WeakMap<CanonicalDocument, Map<string, Array<{ name: string; shown: string }>>>();

/**
 * The parameters the function's and its role's templates were read with the Default of (the
 * reader's `cloudformation-parameter-default`), as a warning. Why: a name made from one
 * (`!Sub '${Env}-orders-fn-role'`) is baked into the output as the default's (`dev-orders-fn-role`,
 * the dev queue and log group); deployed in a stack with `Env=prod`, the role would collide with
 * the dev stack's and grant the dev resources. Before, nothing said so.
 */
function parameterDefaultsWarning(document: CanonicalDocument, fn: LambdaFunction, role: { source: { file: string } | null } | undefined, written: WrittenReferences | undefined, output: readonly string[]): GenerationWarning | null {
  let byFile = defaultsByFile.get(document);
  if (byFile === undefined) {
    byFile = new Map();
    for (const w of document.meta.warnings) {
      if (w.code !== "cloudformation-parameter-default" || w.file === undefined) continue;
      const m = /^parameter (\S+) is not given \(--parameter [^)]*\): read with its Default (.*)$/.exec(w.message);
      if (m === null) continue;
      const list = byFile.get(w.file) ?? [];
      list.push({ name: m[1] as string, shown: m[2] as string });
      byFile.set(w.file, list);
    }
    defaultsByFile.set(document, byFile);
  }
  const files = [...new Set([fn.source?.file, role?.source?.file].filter((f): f is string => f !== undefined))].sort();
  // The output's own template, written with references where it could be: what is left is the
  // values that could not (baked), and what the defaults decided (conditions).
  const handled = written?.table.language === "cloudformation" ? written : undefined;
  const left = handled === undefined ? [] : [...new Set(handled.baked)].sort();
  const conditions = handled?.table.conditionParameters ?? [];
  // Only the defaults that made something this output writes (a whole part of its role name or a
  // Resource, as variableValuesWarning reads a plan's variables) or decided a condition: a default
  // read for a BatchSize or a memory size changes no policy, and listing it sent the user to
  // --parameter for nothing (found by this session's generate review). A value too short to tell
  // (one character, or none) is kept.
  // A default that decides a condition selects what the template reads (a policy, a statement),
  // whatever the output's format: each file's own table says which.
  const decides = (file: string, name: string): boolean => conditions.includes(name) || (valueReferencesOf(document, file)?.conditionParameters ?? []).includes(name);
  const matters = (file: string, d: { name: string; shown: string }): boolean => {
    if (decides(file, d.name)) return true;
    let value: unknown;
    try {
      value = JSON.parse(d.shown);
    } catch {
      return true;
    }
    // A list parameter's default is shown joined with commas: each member may make a name.
    const texts = String(value).split(",");
    return texts.some((t) => {
      if (t.length < 2) return true;
      const part = new RegExp(`(?:^|[:/._*-])${t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?:$|[:/._*-])`);
      return output.some((o) => part.test(o));
    });
  };
  const parts = files.flatMap((f) => {
    const list = byFile.get(f)?.filter((d) => matters(f, d)).map((d) => `${d.name}=${d.shown}`);
    if (list === undefined || list.length === 0) return [];
    if (f === handled?.table.file && left.length === 0 && conditions.length === 0) return [];
    return [`${f}: ${[...new Set(list)].sort().join(", ")}`];
  });
  if (parts.length === 0) return null;
  // Said only of the output's own template when it is still named (another template's defaults
  // alone say nothing of what this one wrote).
  const said = handled !== undefined && byFile.has(handled.table.file) && files.includes(handled.table.file) && (left.length > 0 || conditions.length > 0);
  const detail = !said
    ? ""
    : ` Names the template makes from its parameters are written as references to them (!Sub '\${Env}-…'); ${[
          left.length > 0 ? `still the defaults' values here, as the template makes them in a way no Fn::Sub can write back (Fn::Split, a list member, Fn::FindInMap of a key made otherwise than by !Ref, two parameters of the same default): ${left.join(", ")}` : "",
          conditions.length > 0 ? `the defaults of ${conditions.join(", ")} decide the template's conditions, so what they select (a policy, a statement) is the defaults' stack's` : "",
        ]
          .filter((x) => x !== "")
          .join("; ")}.`;
  return {
    code: "parameter-defaults",
    message: `The template was read with parameter defaults (${parts.join("; ")}): names and ARNs made from them (a RoleName, a queue, a log group) are the defaults' in this output, so the policy and role are wrong for a stack deployed with other values.${detail} Give --parameter NAME=VALUE as the stack is deployed.`,
  };
}

/** A region or an account ID: what a plan's `var.region` / `var.account_id` holds, and every ARN besides. */
const PLACE_VALUE = /^(?:[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d|\d{12})$/;

/**
 * The plan's root variables whose values the output's names and ARNs still hold as text (written
 * with no `${var.…}`: a plan read without its .tf files, a module's or a counted resource's name,
 * `lower(var.env)`; or any format but Terraform), as a warning: applied in another workspace or
 * with other -var values, the policy names the plan's resources (the dev table, the dev role).
 * The Terraform counterpart of parameter-defaults; before, nothing said so. A value counts where it
 * is a whole part of a name (between `:`, `/`, `.`, `-`, `_`, `*` or the ends); a region's or an
 * account's is left out (every ARN holds one, and a plan's own are filled in by the renderers).
 */
function variableValuesWarning(document: CanonicalDocument, file: string | undefined, build: PolicyBuild): GenerationWarning | null {
  if (file === undefined) return null;
  const table = valueReferencesOf(document, file);
  if (table === undefined || table.language !== "terraform" || table.variables === undefined) return null;
  const written = build.references?.language === "terraform" ? build.references.values : {};
  const literal = outputStrings(build).filter((s) => !Object.hasOwn(written, s));
  const held: string[] = [];
  const examples = new Set<string>();
  for (const [name, value] of Object.entries(table.variables)) {
    if (value.length < 2 || PLACE_VALUE.test(value)) continue;
    const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const part = new RegExp(`(?:^|[:/._*-])${escaped}(?:$|[:/._*-])`);
    const hits = literal.filter((s) => part.test(s));
    if (hits.length === 0) continue;
    held.push(`var.${name} = ${JSON.stringify(value)}`);
    for (const h of hits) if (examples.size < 3) examples.add(h);
  }
  if (held.length === 0) return null;
  return {
    code: "terraform-variable-values",
    message: `The plan was made with ${held.join(", ")}: names and ARNs holding ${held.length === 1 ? "that value" : "those values"} are written as the plan's (${[...examples].join(", ")}), so applied in another workspace or with other -var values the policy names these resources. Read the plan with its .tf files beside it (a plain "\${var.env}-…" is then written back as such in -f terraform; a module's or counted resource's names and function calls such as lower(var.env) are not), or edit them by hand.`,
  };
}

/**
 * The references the output keeps (`${Env}`, `${var.env}`) with the value read and the length
 * assumed deployed: a parameter's longest AllowedValues entry, else its MaxLength, else
 * DEFAULT_REFERENCE_LENGTH (never less than the value read); a Fn::FindInMap keyed by parameters,
 * the longest entry it can give; a Terraform variable's,
 * DEFAULT_REFERENCE_LENGTH (a plan says nothing of a variable's length). With why, for the warning.
 */
function referenceLengths(table: ValueReferences): Map<string, ReferenceLength & { basis: string }> {
  const out = new Map<string, ReferenceLength & { basis: string }>();
  const unsaid = (value: string) => ({ assumed: Math.max(DEFAULT_REFERENCE_LENGTH, value.length), basis: "" });
  if (table.language === "cloudformation") {
    for (const [name, p] of Object.entries(table.parameters ?? {})) {
      const said = p.longest !== undefined && p.basis !== undefined ? { assumed: Math.max(p.longest, p.value.length), basis: p.basis === "AllowedValues" ? "its longest AllowedValues entry" : p.basis === "Mappings" ? "the longest entry the lookup can give" : "its MaxLength" } : unsaid(p.value);
      out.set(`\${${name}}`, { value: p.value, ...said });
    }
  } else {
    for (const [name, value] of Object.entries(table.variables ?? {})) out.set(`\${var.${name}}`, { value, ...unsaid(value) });
  }
  return out;
}

/** A reference as a template writes it: the reader's Fn::FindInMap placeholder as `!FindInMap [EnvMap, !Ref Env, Table]`. */
function lookupText(reference: string): string {
  const m = /^\$\{Fn::FindInMap:([^:{}]*):([^:{}]*):([^:{}]*)\}$/.exec(reference);
  if (m === null) return reference;
  const arg = (x: string): string => x.replace(/^\(([A-Za-z0-9]+)\)$/, "!Ref $1").replace(/%([0-9A-F]{2})/g, (_all, h: string) => String.fromCharCode(parseInt(h, 16)));
  return `!FindInMap [${m.slice(1).map((x) => arg(x as string)).join(", ")}]`;
}

/**
 * A policy written with references that fits IAM's limits with the values read, but would not
 * with longer ones, as a warning naming the assumption. The sizes were measured on the values
 * read (`dev-orders`): deployed with `Env=prod-eu-central-orders`, the same policy is longer, and
 * past 10,240 characters for the role's inline policies (or 6,144 for a managed one) the stack
 * fails at deploy time with LimitExceeded. Before, nothing said so. Null when nothing is written
 * with a reference, or it fits even so.
 */
function longerValuesWarning(build: PolicyBuild, table: ValueReferences | undefined): GenerationWarning | null {
  const written = build.references?.values;
  if (written === undefined || table === undefined) return null;
  const lengths = referenceLengths(table);
  const used = new Set<string>();
  for (const p of build.policies) for (const st of p.document.Statement) for (const r of st.Resource ?? []) if (Object.hasOwn(written, r)) for (const m of (written[r] as string).matchAll(/\$\{[^}]*\}/g)) if (lengths.has(m[0])) used.add(m[0]);
  if (used.size === 0) return null;
  const over: string[] = [];
  const inline = build.policies.filter((p) => p.kind === "inline");
  const inlineSize = inline.reduce((n, p) => n + deployedSize(p.document, written, lengths), 0);
  if (inline.length > 0 && inlineSize > INLINE_ROLE_POLICY_LIMIT) {
    over.push(`the role's inline policy would be about ${inlineSize.toLocaleString("en-US")} characters (read: ${inline.reduce((n, p) => n + p.size, 0).toLocaleString("en-US")}), over IAM's ${INLINE_ROLE_POLICY_LIMIT.toLocaleString("en-US")} for a role's inline policies together`);
  }
  for (const p of build.policies.filter((x) => x.kind === "managed")) {
    const size = deployedSize(p.document, written, lengths);
    if (size > MANAGED_POLICY_LIMIT) over.push(`the managed policy ${written[p.name] ?? p.name} would be about ${size.toLocaleString("en-US")} characters (read: ${p.size.toLocaleString("en-US")}), over IAM's ${MANAGED_POLICY_LIMIT.toLocaleString("en-US")} per managed policy`);
  }
  if (over.length === 0) return null;
  const assumed = [...used].sort().map((ref) => {
    const l = lengths.get(ref) as ReferenceLength & { basis: string };
    const why = l.basis !== "" ? l.basis : table.language === "cloudformation" ? `it declares neither AllowedValues nor MaxLength: leastrole assumes ${DEFAULT_REFERENCE_LENGTH}` : `a variable declares no length: leastrole assumes ${DEFAULT_REFERENCE_LENGTH}`;
    return `${lookupText(ref)} at ${l.assumed} characters (${why}; read as ${JSON.stringify(l.value)})`;
  });
  const fix =
    table.language === "cloudformation"
      ? `Declare the parameter's AllowedValues or MaxLength as it is deployed, give --parameter NAME=VALUE${inline.length > 0 ? ", or use --target managed (each managed policy up to 6,144)" : ""}`
      : `Generate from a plan made with the longest values (-var)${inline.length > 0 ? ", or use --target managed (each managed policy up to 6,144)" : ""}`;
  return {
    code: "size-with-longer-values",
    message: `The policy is written with references and was sized with the values read; deployed with longer values, ${over.join("; ")}, and IAM refuses it at deploy time (LimitExceeded). Assumed: ${assumed.join(", ")}. ${fix}.`,
  };
}

/** The names an IaC output writes that a template or plan may have made: the role's, and every Resource; sorted, once each. */
function outputStrings(build: PolicyBuild): string[] {
  return [...new Set([build.roleName, ...build.policies.flatMap((p) => p.document.Statement.flatMap((st) => st.Resource ?? []))])].sort();
}

/** What outputReferences wrote with references, from which table, and what it could not. */
interface WrittenReferences {
  table: ValueReferences;
  references: OutputReferences | undefined;
  baked: string[];
}

/**
 * The expressions to write in place of the build's Resource strings and role name (rewriteValue),
 * from the table of `file`: the template or plan the output goes into (its role's, else its
 * function's, as the renderers place it). Only in that input's own language; undefined otherwise.
 */
function outputReferences(document: CanonicalDocument, file: string | undefined, format: GenerateOptions["format"], build: PolicyBuild): WrittenReferences | undefined {
  const language = format === "cloudformation" || format === "sam" ? "cloudformation" : format === "terraform" ? "terraform" : null;
  if (language === null || file === undefined) return undefined;
  const table = valueReferencesOf(document, file);
  if (table === undefined || table.language !== language) return undefined;
  const values: { [resolved: string]: string } = {};
  const baked: string[] = [];
  for (const s of outputStrings(build)) {
    const r = rewriteValue(s, table);
    if (r.expression !== null) values[s] = r.expression;
    baked.push(...r.baked);
  }
  // A policy's name starts with its function's or role's (`dev-orders-api-least-privilege`): a
  // managed policy's name is one per account, so the dev and prod stacks of one account collided.
  // So does a role `--split` names after its function (`dev-orders-api-role`; role names are one
  // per account too): only that exact form, never a name the template wrote as it is.
  const names = [...build.policies.map((p) => ({ name: p.name, exact: false })), { name: build.roleName, exact: true }];
  for (const { name, exact } of names) {
    if (Object.hasOwn(values, name)) continue;
    const prefix = [...table.values]
      .filter((e): e is [string, string] => e[1] !== null && e[0] !== "" && !table.whole.has(e[0]) && (exact ? name === `${e[0]}-role` : name.startsWith(`${e[0]}-`)))
      .sort((a, b) => b[0].length - a[0].length || (a[0] < b[0] ? -1 : 1))[0];
    if (prefix !== undefined) values[name] = prefix[1] + name.slice(prefix[0].length);
  }
  // The names the comments may name (rewriteText): every one the table can write, as the body is.
  const named: { [resolved: string]: string } = {};
  for (const [value, expression] of table.values) if (expression !== null && value !== "" && !table.whole.has(value)) named[value] = expression;
  return { table, references: Object.keys(values).length === 0 ? undefined : { language, values: sortedRecord(values), names: sortedRecord(named) }, baked };
}

function sortedRecord(r: { [k: string]: string }): { [k: string]: string } {
  const out: { [k: string]: string } = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k] as string;
  return out;
}

/**
 * The least-privilege policy for one function (by unqualified/qualified ARN or unique name).
 * The catalog is loaded once per process (about 0.13 s) unless one is passed.
 */
/**
 * prefixThreshold as `--prefix-threshold` takes it, a whole number of at least 2: from the SDK, 1, 0
 * or -1 gave the prefixes 2 gives and 2.5 those of 3, without a word.
 */
function checkPrefixThreshold(options: GenerateOptions): void {
  const t = options.prefixThreshold;
  if (t !== undefined && !(Number.isInteger(t) && t >= 2)) throw new InputError(`generate's prefixThreshold must be a whole number of at least 2, not ${JSON.stringify(t)}`);
}

/**
 * windowDays as `--window-days`, the config's usage.windowDays and labelUsage take it (windowDaysProblem):
 * from the SDK, 0, -1 or 2.5 were taken as given, and the warning that the logs cover less than the
 * window was made of them (0: never; 2.5: "less than the 2.5-day window").
 */
function checkWindowDays(options: GenerateOptions): void {
  const d = options.windowDays;
  if (d === undefined) return;
  const problem = windowDaysProblem(typeof d === "number" ? d : Number.NaN, JSON.stringify(d) ?? String(d));
  if (problem !== null) throw new InputError(`generate's windowDays ${problem}`);
}

export function generatePolicy(document: CanonicalDocument, functionRef: string, options: GenerateOptions = {}, catalog: ActionCatalog = loadActionCatalogSync()): GeneratedPolicy {
  checkPrefixThreshold(options);
  checkWindowDays(options);
  const fn = findFunction(document, functionRef);
  const windowDays = options.windowDays ?? DEFAULT_WINDOW_DAYS;
  const sessions = sessionsOf(document, fn);
  const warnings = usageWarnings(document, fn, sessions, windowDays);
  // Actions whose every call was before the window: the labels call them unused (LR008), so they
  // are not granted (usedBeforeWindow), unless a kept exception keeps them.
  // Users, groups and roles called by name: their ARNs, where the inputs hold them (iam-names.ts).
  const iamNames = iamNameIndex(document);
  const { inWindow, before } = splitBeforeWindow(resolveIamNames(mergeActionUsage(sessions.flatMap((s) => s.actions)), iamNames), document.usage.window);
  const observed = observedGrants(inWindow, catalog, placeOf(fn, sessions), options.prefixThreshold ?? DEFAULT_PREFIX_THRESHOLD, environmentKeyAdvice(fn, sessions));
  warnings.push(...observed.warnings);
  const required = requiredGrants(fn, catalog, warnings);
  const current = currentPolicies(document, fn.roleArn);
  const kept = exceptionGrants(options.exceptions ?? [], fn, current.policies, catalog);
  warnings.push(...kept.warnings);
  const keptActions = new Set(kept.grants.map((g) => g.action.toLowerCase()));
  for (const a of before) {
    if (!keptActions.has(a.action.toLowerCase())) warnings.push(usedBeforeWindowWarning(a, document.usage.window as UsageWindow));
  }
  const role = roleOf(document, fn.roleArn);
  // Before anything is left out because the logs do not show it: data events the trail may not log.
  const observedNames = new Set(observed.grants.map((g) => g.action.toLowerCase()));
  // The function's successful calls in the window show what the trail logs (unlogged.ts).
  const unlogged = unloggedDataEventGrants(document, role, current.policies, observedNames, catalog, inWindow);
  // The unknown-action warnings name the grants of their service kept for them (unlogged.ts).
  for (const w of warnings) {
    if (w.code !== "unknown-action" || w.action === undefined) continue;
    const svc = serviceOf(w.action);
    const same = unlogged.unknownKept.filter((a) => serviceOf(a) === svc);
    w.message += same.length > 0 ? ` Which ${svc} permission authorises it is not known: today's grants of ${same.join(", ")} are kept as they are.` : ` Which ${svc} permission authorises it is not known, and the role grants none today that could be kept.`;
  }
  const dataEventWarning = dataEventsWarning(document, unlogged, observed.grants.map((g) => g.action), catalog);
  if (dataEventWarning !== null) warnings.push(dataEventWarning);
  if (unlogged.managementNotLogged.length > 0) warnings.push(managementEventsWarning(unlogged.managementNotLogged));
  // Calls by sessions on the role attributed to no function: they may have been this function's.
  // As for the labels, only their calls inside the window, or after it, count.
  const others = otherSessionsOf(document, fn).map((s) => resolveSessionIamNames(withoutCallsBeforeWindow(s, document.usage.window), iamNames));
  const unattributed = unattributedGrants(others, catalog, placeOf(fn, others), options.prefixThreshold ?? DEFAULT_PREFIX_THRESHOLD);
  warnings.push(...unattributed.warnings);
  if (others.length > 0) warnings.push(unattributedWarning(fn, others, unattributed));
  if (role === undefined) {
    warnings.push({
      code: "role-not-in-input",
      message: `The execution role ${fn.roleArn} is not in the input: kept exceptions without resources cannot read today's policy, and a diff has nothing to compare with.`,
    });
  }
  const shared = role !== undefined && role.functions.filter((a) => a !== fn.arn).length > 0;
  const roleName = options.roleName ?? ((shared ? null : currentRoleName(role, fn.roleArn)) ?? `${fn.name}-role`.slice(0, 64));
  const unresolved = unresolvedReferencesWarning(document, fn, [...required, ...kept.grants], options.format);
  if (unresolved !== null) warnings.push(unresolved);
  const built = build(roleName, `${fn.name}-least-privilege`.slice(0, 128), [...required, ...observed.grants, ...kept.grants, ...unlogged.grants, ...unattributed.grants], kept.applied, warnings, options);
  // After the build: the references are of the policy's final Resource strings.
  // The template or plan the output goes into: its role's, else its function's, as the renderers place it.
  const outputFile = role?.source?.file ?? fn.source?.file;
  const written = outputReferences(document, outputFile, options.format, built);
  if (written?.references !== undefined) built.references = written.references;
  // The warnings about what the output writes as the input's values, known only now.
  const about = [parameterDefaultsWarning(document, fn, role, written, outputStrings(built)), variableValuesWarning(document, outputFile, built), longerValuesWarning(built, written?.table)].filter((w): w is GenerationWarning => w !== null);
  // Of the final grants: a kept exception on the part before the date folds the pattern, and the warning with it.
  about.push(...datedPrefixWarnings(built.grants));
  // The output takes today's role's place: the template's or plan's other policy resources on it stay.
  if (role !== undefined && roleName === currentRoleName(role, fn.roleArn)) about.push(...withSeparatePolicies(built, role, options.format, document));
  if (about.length > 0) built.warnings = sortWarnings([...built.warnings, ...about]);
  return {
    functionArn: fn.arn,
    functionName: fn.name,
    roleArn: fn.roleArn,
    ...built,
    usage: {
      present: document.usage.present,
      windowDays: document.usage.window?.days ?? null,
      observedActions: observed.observedActions,
      successfulCalls: observed.successfulCalls,
    },
  };
}

/**
 * Every function of a role: one policy per function (the role-per-function split, each for a new
 * dedicated role `<function>-role`) and their union (what the shared role should carry meanwhile).
 */
export function generateForRole(document: CanonicalDocument, roleArn: string, options: GenerateOptions = {}, catalog: ActionCatalog = loadActionCatalogSync()): RoleGeneration {
  checkPrefixThreshold(options);
  checkWindowDays(options);
  const role = roleOf(document, roleArn);
  const fnArns = new Set(role?.functions ?? []);
  const idx = indexOf(document);
  for (const f of idx.functionsByRole.get(roleArn) ?? []) fnArns.add(f.arn);
  const known = [...fnArns].filter((a) => idx.functionByArn.has(a)).sort();
  if (known.length === 0) throw new FunctionNotFoundError(`role ${roleArn} is not the execution role of any function in the document`);
  const shared = known.length > 1;
  const functions = known.map((a) => {
    const fnName = idx.functionByArn.get(a)?.name ?? a;
    const perFunction: GenerateOptions = { ...options };
    if (shared) perFunction.roleName = `${fnName}-role`.slice(0, 64);
    return generatePolicy(document, a, perFunction, catalog);
  });
  const roleName = options.roleName ?? currentRoleName(role, roleArn) ?? `${idx.functionByArn.get(known[0] as string)?.name ?? "function"}-role`.slice(0, 64);
  const union = build(
    roleName,
    `${roleName}-least-privilege`.slice(0, 128),
    functions.flatMap((g) => g.grants),
    functions.flatMap((g) => g.exceptions),
    unionWarnings(functions),
    options,
  );
  const file = role?.source?.file ?? idx.functionByArn.get(known[0] as string)?.source?.file;
  const written = outputReferences(document, file, options.format, union);
  if (written?.references !== undefined) union.references = written.references;
  const longer = longerValuesWarning(union, written?.table);
  const about = longer === null ? [] : [longer];
  if (role !== undefined && roleName === currentRoleName(role, roleArn)) about.push(...withSeparatePolicies(union, role, options.format, document));
  if (about.length > 0) union.warnings = sortWarnings([...union.warnings, ...about]);
  return { roleArn, roleName, functions, union };
}

/** Sets the build's separatePolicies from today's role; the warning naming them, if any. */
function withSeparatePolicies(built: PolicyBuild, role: Role, format: GenerateOptions["format"], document: CanonicalDocument): GenerationWarning[] {
  const separate = separatePoliciesOf(role);
  if (separate.length === 0) return [];
  replacedPolicyResource(separate, role, built.policies, format);
  built.separatePolicies = separate;
  // A terraform-aws-modules/lambda role written as the call's inputs: its policy resources are the
  // module's own attachments, which those inputs turn off or refill; "remove them from iam.tf"
  // would contradict the output (the module's files are not the user's to edit).
  if (format === "terraform" && lambdaModuleOf(document, role) !== undefined) return [];
  const warning = separatePoliciesWarning(separate, format);
  return warning === null ? [] : [warning];
}

/** Warnings about the input as a whole: the same words for every function, whichever it is. */
const DOCUMENT_WIDE: ReadonlySet<GenerationWarning["code"]> = new Set(["document-partial", "usage-absent", "usage-window-short", "data-events-absent", "data-events-unknown"]);

/**
 * A role's union carries its functions' warnings, each prefixed with its function's name, but a
 * warning about the input as a whole once and as it is (it was repeated per function: 8,500 lines
 * of `generate`'s 14,000 at 10,000 functions).
 */
function unionWarnings(functions: readonly GeneratedPolicy[]): GenerationWarning[] {
  const out: GenerationWarning[] = [];
  const seen = new Set<string>();
  for (const g of functions) {
    for (const w of g.warnings) {
      if (!DOCUMENT_WIDE.has(w.code)) out.push({ ...w, message: `${g.functionName}: ${w.message}`, function: g.functionName });
      else if (!seen.has(w.message)) {
        seen.add(w.message);
        out.push(w);
      }
    }
  }
  return out;
}
