/**
 * `labelUsage(aggregate, document, options)` → the document's UsageSection: per-session usage
 * joined to functions, and a label for every granted action of every function's role:
 *
 * - used: the function's own session (or Lambda's sessions on its role) called it in the window;
 * - unknowable: a session on the role that is no function's (`other`) called it in the window (it
 *   may have been one of the role's functions under a name leastrole cannot attribute), CloudTrail
 *   cannot show it (not-logged.ts), data events not known to be logged, or the data does not cover
 *   the whole window;
 * - too-new: the role or the function is younger than the window;
 * - unused: none of the above, over a fully covered window.
 *
 * Access Advisor and Access Analyzer are merged in; where they disagree with CloudTrail the
 * conservative label wins (never "unused" when any source saw use) and the disagreement is listed.
 */

import type { CanonicalDocument, LambdaFunction, PolicyDocument, Role, Warning } from "../model/document.js";
import { instantOf, listGrantedActionNames, loadActionCatalogSync, serviceOf } from "../iam/index.js";
import type { DataEventTypeCoverage, LabelledPermission, PartialPlace, PermissionLabels, PrincipalUsage, UsageDisagreement, UsageSection } from "../model/usage.js";
import type { LabelDigest } from "../model/pending.js";
import { emptyUsage } from "../model/usage.js";
import { InputError } from "../errors.js";
import { windowDaysProblem } from "../config/window-days.js";
import { cmp, type SessionUsage, type UsageAggregate } from "./aggregate.js";
import { isLambdaServiceSession, roleKeyOf, roleNameOf } from "./attribution.js";
import { matchDeployedNames } from "./deployed-names.js";
import { listedSessions } from "./session-filter.js";
import { dataEventClassOf, dataEventTypeOf, isDataEventAction, isUnconfirmedAction, notLoggedReason } from "./not-logged.js";
import { missingWindowDays, placeUncovered } from "./window-coverage.js";
import { managementCoverage, mayBeReadEvent, trailGapReasons, type TrailGapReasons } from "./trail-gaps.js";
import { dataEventsOfTrails, selectorsOf, statementOfTrails } from "./event-selectors.js";
import { gapReason, loggingGaps, trailsRead } from "./trail-logging.js";
import { grantsWithinPrefixes, loggedPrefixesFor } from "./data-event-scope.js";
import type { AccessAdvisorReport, AccessAdvisorService } from "./access-advisor.js";
import { groupBy, pushTo, appendAll } from "../collections.js";
import type { AccessAnalyzerFinding } from "./access-analyzer.js";

export interface UsageException {
  /** IAM action or pattern (`*` and `?` wildcards), case-insensitive. */
  action: string;
  /** Limit to a function (unqualified ARN) or role ARN; both absent = everywhere. */
  functionArn?: string;
  roleArn?: string;
  /** Why it is kept (error path, disaster recovery …). Required. */
  reason: string;
}

export interface LabelOptions {
  /** Window length in days (default 30). */
  windowDays?: number;
  /** End of the window (ISO 8601); default: the day after the newest event in the data. */
  asOf?: string | null;
  exceptions?: UsageException[];
  /** The trail logged data events for every resource the roles touch (default: false). */
  dataEventsLogged?: boolean;
  /** The configuration's word on the trail's management events (trail-gaps.ts); unset: judged from the records. */
  readEventsLogged?: boolean;
  writeEventsLogged?: boolean;
  kmsEventsLogged?: boolean;
  /**
   * When the function's creation date is not in the logs, treat a lastModified inside the window
   * as "too new" (its creation date is unknown and may be as late). Default true.
   */
  recentlyModifiedIsNew?: boolean;
}

/** What labelling reads of a canonical document: its functions and roles, its policies and meta if there. */
export type LabelDocument = Pick<CanonicalDocument, "functions" | "roles"> & Partial<Pick<CanonicalDocument, "policies" | "meta">>;

const DAY = 86_400_000;
/** A role whose creation date the input gives unreadably may be newer than the window: nothing is called unused. */
const UNREADABLE_CREATE_DATE = "role creation date unreadable in the input: the role may be newer than the window";

export function labelUsage(aggregate: UsageAggregate, document: LabelDocument, options: LabelOptions = {}): UsageSection {
  return startLabelling(aggregate, document, options).finish();
}

/**
 * labelUsage in two steps, for a caller that evaluates rules while the labels are made (the audit:
 * buildPendingDocument in src/audit/build-document.ts). `section` is the usage section without its
 * labels: coverage, window and the principals in their final order. `labelsOf(fn)` makes one
 * function's label set (once; null when the function gets none); `finish()` makes the rest and
 * completes the section, which is then labelUsage's, whatever was asked for before and in which
 * order (test/audit/pending.test.ts): every label set depends only on the aggregate, its role and
 * its function.
 */
export interface Labelling {
  readonly section: UsageSection;
  labelsOf(fn: LambdaFunction): PermissionLabels | null;
  /**
   * digestOfLabels(labelsOf(fn)), the same side effects on the section; when the labels are not
   * kept and no Access Advisor report or Access Analyzer finding is merged into them, made without
   * building them (LabelDigest says why).
   */
  digestOf(fn: LambdaFunction): LabelDigest | null;
  finish(): UsageSection;
  /** What the attribution could not decide (`ambiguous-deployment`: deployed-names.ts), and calls of actions the catalog does not know (`usage-unknown-action`), for the document's warnings. */
  readonly warnings: Warning[];
}

/**
 * `keep`: false when the caller only reads each label set as it is handed out (the audit: the rules
 * get a digest of it, and no report reads the labels): the sets are then not kept, and the finished
 * section's `labels` is empty (the rest of it is the same). Why: kept, the ~2 million labels of a
 * 10,000-function account were long-lived objects that every young-generation collection copied.
 */
/**
 * Every record came from `aws cloudtrail lookup-events`, which returns management events (and
 * Insights events) only, never data events (CloudTrail API Reference, LookupEvents).
 */
function onlyLookupEvents(aggregate: UsageAggregate): boolean {
  const read = aggregate.files.filter((f) => f.records > 0 && (f.format.startsWith("cloudtrail") || f.format.startsWith("usage-query")));
  return read.length > 0 && read.every((f) => f.format === "cloudtrail-lookup-events");
}

export function startLabelling(aggregate: UsageAggregate, document: LabelDocument, options: LabelOptions = {}, keep = true): Labelling {
  const section = emptyUsage();
  const windowDays = options.windowDays ?? 30;
  // From the SDK (docs/usage.md), 0 or a negative window labelled every granted action unused, the
  // used ones too, with fullWindow true: a window --window-days and the config refuse.
  const problem = windowDaysProblem(windowDays, JSON.stringify(windowDays) ?? String(windowDays));
  if (problem !== null) throw new InputError(`labelUsage's windowDays ${problem}`);
  const hasData = aggregate.files.some((f) => f.records > 0) || aggregate.accessAdvisor.length > 0 || aggregate.accessAnalyzer.length > 0;
  section.present = hasData;
  const cov = aggregate.coverage;
  // Without CloudTrail, the end of the usage data is Access Advisor's: the day its reports run to.
  const endMs = options.asOf ? Date.parse(options.asOf) : cov.lastEvent ? Date.parse(cov.lastEvent.slice(0, 10)) + DAY : advisorDataEnd(aggregate.accessAdvisor);
  // The instant the facts judged time windows from (meta.asOf before the usage moves it): the labels
  // count the same grants (docs/iam-engine.md, "Time windows").
  const earliest = instantOf(document.meta?.asOf);
  const partialReasons = [...cov.partialReasons];
  section.coverage = {
    accounts: cov.accounts,
    regions: cov.regions,
    days: cov.days,
    partial: cov.partial,
    partialReasons,
    // "logged" only on the caller's word: data-event records prove the selectors cover some
    // resources of some services, never that every data-event call was logged.
    dataEvents: options.dataEventsLogged ? "logged" : cov.dataEventRecords > 0 ? "present" : onlyLookupEvents(aggregate) ? "absent" : "unknown",
    recordsRead: cov.recordsRead,
    recordsSkipped: cov.recordsSkipped,
    duplicatesRemoved: cov.duplicatesRemoved,
  };
  // Per kind of event: the configuration's word first, then the trails' event selectors given with
  // the logs, then (managementCoverage) the records.
  const trails = statementOfTrails(aggregate.trails ?? []);
  const said = {
    ...(options.readEventsLogged !== undefined ? { reads: { logged: options.readEventsLogged, by: "the configuration (usage.readEventsLogged)", final: true } } : trails.reads !== undefined ? { reads: trails.reads } : {}),
    ...(options.writeEventsLogged !== undefined ? { writes: { logged: options.writeEventsLogged, by: "the configuration (usage.writeEventsLogged)", final: true } } : trails.writes !== undefined ? { writes: trails.writes } : {}),
    ...(options.kmsEventsLogged !== undefined ? { kms: { logged: options.kmsEventsLogged, by: "the configuration (usage.kmsEventsLogged)", final: true } } : trails.kms !== undefined ? { kms: trails.kms } : {}),
  };
  // What the configuration or the selectors say holds for every account in the data, also those
  // whose records were not counted one by one (usage-query rows from Athena or CloudTrail Lake).
  const counted = cov.management ?? [];
  const countedIds = new Set(counted.map((c) => c.accountId));
  const uncounted = Object.keys(said).length === 0 ? [] : cov.accounts.filter((a) => !countedIds.has(a)).map((accountId) => ({ accountId, events: 0, flagged: 0, reads: 0, kms: 0, dataEvents: 0 }));
  const management = managementCoverage([...counted, ...uncounted], said);
  if (management.length > 0) section.coverage.managementEvents = management;
  // Data events by type, as the trails' selectors log them: a type logged for every resource shows
  // every call of its actions (dataEventTypeOf), so they are judged without usage.dataEventsLogged.
  const dataEventSelectors = dataEventsOfTrails(aggregate.trails ?? []);
  if (dataEventSelectors.length > 0) section.coverage.dataEventSelectors = dataEventSelectors;
  const dataTypes = dataTypeVerdicts(dataEventSelectors);
  // S3 object prefixes logged in full when not every object is: a role granting an object action
  // only under them is judged on it (data-event-scope.ts).
  const objectSelection = dataEventSelectors.find((t) => t.type === "AWS::S3::Object" && t.logged === "some");
  const objectsLogged = objectsLoggedOf(objectSelection ?? {}, document.policies);
  const gapsByAccount = trailGapReasons(management);
  if (!Number.isFinite(endMs)) {
    section.principals = aggregate.sessions.map((s) => principalOf(s, null, "other"));
    return { section, labelsOf: () => null, digestOf: () => null, finish: () => section, warnings: [] };
  }
  const startMs = endMs - windowDays * DAY;
  const start = iso(startMs);
  const end = iso(endMs);
  section.window = { start, end, days: windowDays };
  const missingDays = missingWindowDays(startMs, endMs, new Set(cov.days));
  // Trails stopped or deleted inside the window: partial when they are the trails read.
  const gaps = loggingGaps(aggregate.trailChanges ?? [], start, end, trailsRead((aggregate.trails ?? []).map((t) => t.trail)));
  if (gaps.length > 0) section.coverage.trailLoggingGaps = gaps;
  const gapReasons = gaps.filter((g) => g.logsRead).map(gapReason);
  appendAll(partialReasons, gapReasons);
  // Why no permission can be called unused (null: the window is covered), for all of them alike.
  const uncoveredAll =
    missingDays.length > 0
      ? `usage data misses ${missingDays.length} of ${windowDays} days of the window (first missing: ${missingDays[0]})`
      : cov.partial || gapReasons.length > 0
        ? "usage data is partial (see coverage.partialReasons)"
        : null;

  // Where a function is, the data may cover less than the window as a whole: an account that joined
  // the organisation trail late, a region its trail logged later (window-coverage.ts). Said once
  // per place in coverage.partialPlaces, and in the labels of the functions there.
  const places = cov.places ?? [];
  const placeReasons = new Map<string, PartialPlace | null>();
  const uncoveredByPlace = (accountId: string, region: string | null): string | null => {
    if (missingDays.length === 0 && !cov.accounts.includes(accountId)) return `no usage data for account ${accountId}`;
    if (uncoveredAll !== null) return uncoveredAll;
    const k = `${accountId}\u0000${region ?? ""}`;
    let place = placeReasons.get(k);
    if (place === undefined) {
      const short = places.length === 0 ? null : placeUncovered(startMs, endMs, places, accountId, region);
      placeReasons.set(k, (place = short === null ? null : { accountId, ...short }));
    }
    return place?.reason ?? null;
  };

  // Sessions → functions.
  const deploymentWarnings: Warning[] = [];
  const fnByRoleAndName = new Map<string, LambdaFunction[]>();
  for (const f of document.functions) {
    for (const roleArn of new Set([f.roleArn, ...f.versions.map((v) => v.roleArn)])) {
      const k = `${accountOf(roleArn)}/${roleNameOf(roleArn)}/${f.name}`;
      const list = fnByRoleAndName.get(k) ?? [];
      if (!list.includes(f)) list.push(f);
      fnByRoleAndName.set(k, list);
    }
  }
  const functionByArn = new Map<string, LambdaFunction>(document.functions.map((f) => [f.arn, f]));
  // Scoped sessions whose function is not the document's (issuedFunction), by role: said for the
  // roles the document's functions run with, as unattributed sessions are (unattributed.ts).
  const notHeldByRole = new Map<string, NotHeld[]>();
  const functionRoleKeys = new Set(document.functions.flatMap((f) => [f.roleArn, ...f.versions.map((v) => v.roleArn)].map(roleKey)));
  const sessionsByFunction = new Map<string, SessionUsage[]>();
  const serviceSessionsByRole = new Map<string, SessionUsage[]>();
  // Sessions on a role attributed to none of its functions: what they called is not "unused" for
  // the role's functions (a Lambda@Edge replica's `us-east-1.<function>`, a function whose name
  // matched several regions, a person or tool using the role: leastrole cannot tell which).
  const otherSessionsByRole = new Map<string, SessionUsage[]>();
  // A template's roles and functions CloudFormation names at deployment, matched to their deployed
  // copies' sessions (deployed-names.ts): the one place that decides it; the audit's rules, generate
  // and the labels read the principals made here.
  const deployed = matchDeployedNames(aggregate.sessions, document);
  const listed = listedSessions(document);
  // The sessions the section lists (listedSessions); the rest are garbage once this returns.
  const sessions: SessionUsage[] = [];
  for (const s of aggregate.sessions) {
    // A session whose records name the function its credentials were issued to (inScopeOf) is
    // that function's, Lambda's own calls for it (its logs, traces) included: attributed by the
    // ARN, never by the name (two regions' functions of one name share it).
    const scoped = s.functionArn !== undefined;
    const lambdaService = !scoped && isLambdaServiceSession(s.sessionName, s.invokedBy);
    // The document's role the session's role is, when the document names it otherwise.
    const documentRole = deployed.documentRoleOf(s);
    let fn: LambdaFunction | null = null;
    if (scoped) {
      const issued = issuedFunction(s, documentRole, functionByArn, deployed.functionOf(s));
      fn = issued.fn;
      if (issued.notHeld !== null) pushTo(notHeldByRole, roleKey(documentRole ?? s.roleArn), issued.notHeld);
    } else if (!lambdaService) {
      const cands = fnByRoleAndName.get(`${s.accountId}/${roleNameOf(s.roleArn)}/${s.sessionName}`) ?? [];
      const inRegion = cands.filter((f) => s.regions.includes(f.region));
      const pick = cands.length === 1 ? cands : inRegion.length === 1 ? inRegion : [];
      fn = pick[0] ?? deployed.functionOf(s);
      if (cands.length > 1 && fn === null) {
        partialReasons.push(`session ${s.sessionName} of ${s.roleArn} matches ${cands.length} functions in different regions; not attributed`);
      }
    }
    if (fn === null && !lambdaService && !scoped && documentRole === null && !listed(s)) continue;
    sessions.push(s);
    const kind = lambdaService ? "lambda-service" : fn !== null ? "function" : "other";
    section.principals.push(principalOf(s, fn, kind, documentRole));
    if (fn !== null) pushTo(sessionsByFunction, fn.arn, s);
    const k = roleKey(documentRole ?? s.roleArn);
    if (lambdaService) pushTo(serviceSessionsByRole, k, s);
    else if (fn === null) pushTo(otherSessionsByRole, k, s);
  }
  appendAll(deploymentWarnings, deployed.warnings);
  appendAll(deploymentWarnings, notHeldWarnings(notHeldByRole, functionRoleKeys));
  appendAll(deploymentWarnings, unknownActionWarnings(sessions));
  // The principals are final before any label is made (labels do not change them).
  section.principals.sort((a, b) => cmp(a.roleArn, b.roleArn) || cmp(a.functionName ?? "", b.functionName ?? "") || cmp(a.sessionKind, b.sessionKind) || cmp(a.sessionName, b.sessionName));

  const rolesByKey = new Map<string, Role>(document.roles.map((r) => [roleKey(r.arn), r]));
  const functionsByRole = new Map<string, LambdaFunction[]>();
  for (const f of document.functions) pushTo(functionsByRole, roleKey(f.roleArn), f);
  const creations = new Map(aggregate.functionCreations.map((c) => [`${c.accountId}:${c.region}:${c.functionName}`, c.time]));
  // By role, once: each label set looks up its own role's reports, findings and exceptions
  // (scanning them all per label set was quadratic with an Access Advisor report for every role).
  const advisorByRole = groupBy(aggregate.accessAdvisor, (r) => (r.roleArn === null ? null : roleKey(r.roleArn)));
  const analyzerByRole = groupBy(aggregate.accessAnalyzer, (f) => (f.status === "ACTIVE" ? roleKey(f.resource) : null));
  const advisorCovered = document.roles.filter((r) => (advisorByRole.get(roleKey(r.arn)) ?? []).some((report) => advisorCoversWindow(report, start, end))).map((r) => r.arn).sort();
  if (advisorCovered.length > 0) section.coverage.accessAdvisorCovered = advisorCovered;
  const analyzerCovered = document.roles.filter((r) => (analyzerByRole.get(roleKey(r.arn)) ?? []).some((f) => analyzerSpansWindow(f, start, end))).map((r) => r.arn).sort();
  if (analyzerCovered.length > 0) section.coverage.accessAnalyzerCovered = analyzerCovered;
  const exceptions = (options.exceptions ?? []).map((ex) => ({ ...ex, re: globToRegExp(ex.action), roleKey: ex.roleArn === undefined ? undefined : roleKey(ex.roleArn) }));
  const dataEventsLogged = options.dataEventsLogged === true;
  // Each label set's disagreements, by its function (or role, for a role's own set): the section
  // lists them in label-set order before sorting (a stable sort), whatever order the sets were made in.
  const disagreementsOf = new Map<LambdaFunction | Role, UsageDisagreement[]>();
  const complete = (owner: LambdaFunction | Role, ls: PermissionLabels, uncovered: string | null): PermissionLabels => {
    const k = roleKey(ls.roleArn);
    const sharedBy = (functionsByRole.get(k) ?? []).length;
    const out: UsageDisagreement[] = [];
    const listed = new Set<string>();
    for (const report of advisorByRole.get(k) ?? []) {
      if (mergeAccessAdvisor(ls, report, start, end, sharedBy, out)) for (const svc of report.services) listed.add(svc.namespace.toLowerCase());
    }
    // A report covering the window says, of each service it lists, whether it was accessed at all
    // in it: what it proves unused is so for the whole window, whatever the logs cover. Of a
    // service it does not list (on the pages of a truncated report not given, IsTruncated: IAM API
    // Reference, GetServiceLastAccessedDetails; or not in it at all) it says nothing: while a
    // permission of one is still unknowable for the logs' gap, the set is not covered for the
    // whole window (diff would take an unused permission gone from it for one removed).
    if (!ls.fullWindow && listed.size > 0 && !ls.permissions.some((p) => p.label === "unknowable" && p.reason === uncovered && !listed.has(serviceOf(p.action)))) ls.fullWindow = true;
    let analyzerCovers = false;
    for (const finding of analyzerByRole.get(k) ?? []) if (mergeAccessAnalyzer(ls, finding, start, end, sharedBy, out)) analyzerCovers = true;
    // A finding whose analyzer's unusedAccessAge spans the window proves unused what it names over
    // all of it, as a covering Access Advisor report does: when no permission is left unknowable
    // for the logs' gap, the set is judged over the whole window.
    if (!ls.fullWindow && analyzerCovers && !ls.permissions.some((p) => p.label === "unknowable" && p.reason === uncovered)) ls.fullWindow = true;
    applyExceptions(ls, k, exceptions);
    disagreementsOf.set(owner, out);
    return ls;
  };

  // A function's label set once made: itself (kept), DROPPED (handed out, not kept), null (none).
  const made = new Map<LambdaFunction, PermissionLabels | typeof DROPPED | null>();
  // A too-new date (after the window's start): inside the window, or after its end (an --as-of before the export).
  const placed = (date: string): string => (date <= end ? `inside the ${windowDays}-day window` : `after the ${windowDays}-day window, which ends ${end.slice(0, 10)}`);
  // What a function's labels are made from (null: its role is not in the document).
  const inputsOf = (f: LambdaFunction): { role: Role; granted: string[]; own: SessionUsage[]; service: SessionUsage[]; others: SessionUsage[]; ctx: LabelContext } | null => {
    const role = rolesByKey.get(roleKey(f.roleArn));
    if (role === undefined) return null;
    const own = sessionsByFunction.get(f.arn) ?? [];
    const service = serviceSessionsByRole.get(roleKey(role.arn)) ?? [];
    const others = otherSessionsByRole.get(roleKey(role.arn)) ?? NO_SESSIONS;
    const granted = grantedActions(role, document, [...own, ...service, ...others], partialReasons, earliest, f);
    const created = creations.get(`${f.accountId}:${f.region}:${f.name}`) ?? null;
    let tooNew: string | null = null;
    if (role.createDate !== null && role.createDate > start) tooNew = `role created ${role.createDate.slice(0, 10)}, ${placed(role.createDate)}`;
    else if (role.createDateUnreadable === true) tooNew = UNREADABLE_CREATE_DATE;
    else if (created !== null && created > start) tooNew = `function created ${created.slice(0, 10)}, ${placed(created)}`;
    else if (created === null && options.recentlyModifiedIsNew !== false && f.lastModified !== null && f.lastModified > start) {
      tooNew = `function last modified ${f.lastModified.slice(0, 10)}, ${placed(f.lastModified)}, and its creation date is not in the logs`;
    }
    // A deployed copy that could not be told apart (deployed-names.ts): its calls are in the logs,
    // but not which are its own, so nothing it was granted can be called unused.
    const uncovered = uncoveredByPlace(f.accountId, f.region) ?? deployed.undecided(f);
    return { role, granted, own, service, others, ctx: { start, end, endMs, tooNew, uncovered, dataEventsLogged, dataTypes, objectsLogged: objectsLogged(role), gaps: gapsByAccount.get(role.accountId) ?? null } };
  };
  const labelsOf = (f: LambdaFunction): PermissionLabels | null => {
    const known = made.get(f);
    if (known !== undefined && known !== DROPPED) return known;
    const inputs = inputsOf(f);
    if (inputs === null) {
      made.set(f, null);
      return null;
    }
    const { role, granted, own, service, others, ctx } = inputs;
    const ls = complete(f, { roleArn: role.arn, functionArn: f.arn, fullWindow: ctx.uncovered === null, permissions: labelRole(granted, own, service, ctx, others) }, ctx.uncovered);
    made.set(f, keep ? ls : DROPPED);
    return ls;
  };
  const digestOf = (f: LambdaFunction): LabelDigest | null => {
    const k = roleKey(f.roleArn);
    // Reports and findings rewrite labels one by one (mergeAccessAdvisor, mergeAccessAnalyzer):
    // those label sets are made, then digested.
    if (keep || made.has(f) || (advisorByRole.get(k)?.length ?? 0) > 0 || (analyzerByRole.get(k)?.length ?? 0) > 0) {
      const ls = labelsOf(f);
      return ls === null ? null : digestOfLabels(ls);
    }
    const inputs = inputsOf(f);
    made.set(f, inputs === null ? null : DROPPED);
    if (inputs === null) return null;
    // What complete() records of a label set with no report or finding of its role: no disagreement.
    disagreementsOf.set(f, []);
    // Not covering the whole window, it is nothing the rules read (digestOfLabels).
    if (inputs.ctx.uncovered !== null) return null;
    // applyExceptions' choice, per unused action: the last exception of this function or role that matches.
    const applicable = exceptions.filter((ex) => (ex.functionArn === undefined || ex.functionArn === f.arn) && (ex.roleKey === undefined || ex.roleKey === k));
    const labelCounts: LabelDigest["labelCounts"] = {};
    const unusedActions: string[] = [];
    const keptExceptions: LabelDigest["keptExceptions"] = [];
    eachLabel(inputs.granted, inputs.own, inputs.service, inputs.ctx, inputs.others, (action, _lastUsed, label) => {
      labelCounts[label] = (labelCounts[label] ?? 0) + 1;
      if (label !== "unused") return;
      let reason: string | null = null;
      for (const ex of applicable) if (ex.re.test(action)) reason = ex.reason;
      if (reason === null) unusedActions.push(action);
      else keptExceptions.push({ action, reason });
    });
    return { roleArn: inputs.role.arn, functionArn: f.arn, unusedActions, keptExceptions, labelCounts };
  };

  let finished = false;
  const finish = (): UsageSection => {
    if (finished) return section;
    finished = true;
    const labelSets: PermissionLabels[] = [];
    // The label sets' owners in the sets' order (their disagreements are listed in it).
    const owners: Array<LambdaFunction | Role> = [];
    for (const f of [...document.functions].sort((a, b) => cmp(a.arn, b.arn))) {
      // Not kept: made now only if never asked for (for the coverage and disagreements it adds).
      const ls = made.get(f) === DROPPED ? DROPPED : labelsOf(f);
      if (ls === null) continue;
      owners.push(f);
      if (ls !== DROPPED && keep) labelSets.push(ls);
    }
    // Roles without a function in the document but with sessions in the data: labelled per role
    // (functionArn null) from all their sessions.
    const otherByRole = new Map<string, SessionUsage[]>();
    for (const s of sessions) {
      if (s.functionArn === undefined && isLambdaServiceSession(s.sessionName, s.invokedBy)) continue;
      pushTo(otherByRole, roleKey(s.roleArn), s);
    }
    for (const role of [...document.roles].sort((a, b) => cmp(a.arn, b.arn))) {
      const k = roleKey(role.arn);
      if (functionsByRole.has(k) || !otherByRole.has(k)) continue;
      // Only roles Lambda may assume (or whose trust policy the inputs do not hold): an account's
      // trail is full of people's and other services' roles (AWSReservedSSO_…, CI deployers), and
      // labelling an SSO administrator's grant, wider than FULL_LABEL_LIMIT, marked the whole
      // usage section partial ("labels cover …") in every account where someone signed in.
      if (!role.trustsLambda && role.trustPolicy !== null) continue;
      const own = otherByRole.get(k) ?? [];
      const service = serviceSessionsByRole.get(k) ?? [];
      const granted = grantedActions(role, document, [...own, ...service], partialReasons, earliest);
      const tooNew = role.createDate !== null && role.createDate > start ? `role created ${role.createDate.slice(0, 10)}, inside the ${windowDays}-day window` : role.createDateUnreadable === true ? UNREADABLE_CREATE_DATE : null;
      const roleUncovered = uncoveredByPlace(role.accountId, null);
      const ls = complete(role, { roleArn: role.arn, functionArn: null, fullWindow: roleUncovered === null, permissions: labelRole(granted, own, service, { start, end, endMs, tooNew, uncovered: roleUncovered, dataEventsLogged, dataTypes, objectsLogged: objectsLogged(role), gaps: gapsByAccount.get(role.accountId) ?? null }) }, roleUncovered);
      owners.push(role);
      if (keep) labelSets.push(ls);
    }
    section.labels = labelSets;
    // Once each per function: a role with a service-level and an action-level report says the same
    // thing twice of one function (two functions sharing the role each keep theirs).
    section.disagreements = owners
      .flatMap((o) => {
        const seen = new Set<string>();
        return (disagreementsOf.get(o) ?? []).filter((d) => {
          const k = `${d.roleArn}\u0000${d.action}\u0000${d.message}`;
          if (seen.has(k)) return false;
          seen.add(k);
          return true;
        });
      })
      .sort((a, b) => cmp(a.roleArn, b.roleArn) || cmp(a.action, b.action) || cmp(a.message, b.message));
    // One entry per reason: an account's missing days are said once, not once per function's region.
    const byReason = new Map<string, PartialPlace>();
    for (const p of placeReasons.values()) if (p !== null) byReason.set(p.reason, p);
    const partialPlaces = [...byReason.values()].sort((a, b) => cmp(a.accountId, b.accountId) || cmp(a.region ?? "", b.region ?? "") || cmp(a.reason, b.reason));
    if (partialPlaces.length > 0) section.coverage.partialPlaces = partialPlaces;
    section.coverage.partialReasons = [...new Set(partialReasons)].sort();
    section.coverage.partial = section.coverage.partialReasons.length > 0;
    return section;
  };
  return { section, labelsOf, digestOf, finish, warnings: deploymentWarnings };
}

/**
 * The actions to label. `facts.allowedActions` is capped (200); for a wider role the uncapped
 * grants of the services the sessions used are added from the IAM engine (so every used action
 * gets its label), and the labels are marked as covering part of the grant.
 */
// Per role: the granted actions when they do not depend on the sessions (every function of a
// shared role, and the same catalog walk of a full-access policy, were recomputed per function).
// Keyed by the document's policies too: the list is derived from them; then by the reference instant
// (time windows) and, for a wider role, by the services its sessions used (the functions of an
// admin-like role mostly use the same few; each walked the role's grant).
const grantedByRole = new WeakMap<object, WeakMap<Role, Map<string, string[]>>>();

function grantedActions(role: Role, document: LabelDocument, sessions: SessionUsage[], partialReasons: string[], earliest: number | null, fn: LambdaFunction | null = null): string[] {
  if (!role.facts.actionsTruncated) return role.facts.allowedActions;
  const policies = document.policies;
  if (policies === undefined) {
    const capped = [...new Set(role.facts.allowedActions)];
    partialReasons.push(`${role.arn}: grants ${role.facts.allowedActionCount} actions; the policies are not in the document, labels cover ${capped.length}`);
    return capped;
  }
  // Up to FULL_LABEL_LIMIT granted actions (a full-access policy or two) every one is labelled, so
  // the labels are complete. Beyond that (admin-like roles) only the services the sessions used are.
  const wide = role.facts.allowedActionCount > FULL_LABEL_LIMIT;
  const services = wide ? new Set(sessions.flatMap((s) => s.actions.map((a) => serviceOf(a.action)))) : new Set<string>();
  const key = `${earliest ?? ""}|${[...services].sort().join(" ")}`;
  let byRole = grantedByRole.get(policies);
  if (byRole === undefined) grantedByRole.set(policies, (byRole = new WeakMap()));
  let byKey = byRole.get(role);
  if (byKey === undefined) byRole.set(role, (byKey = new Map()));
  const cached = byKey.get(key);
  if (cached !== undefined) return wide ? widePartial(role, fn, cached, partialReasons) : cached;
  const catalog = loadActionCatalogSync();
  const principal = {
    inlinePolicies: role.inlinePolicies,
    managedPolicies: role.attachedPolicies.map((a) => ({ arn: a.arn, document: policies[a.arn]?.document ?? null })),
    permissionsBoundary: role.permissionsBoundaryArn === null ? null : { arn: role.permissionsBoundaryArn, document: policies[role.permissionsBoundaryArn]?.document ?? null },
    // As the facts: a statement whose time window has closed grants nothing to label.
    earliestTime: earliest,
  };
  const out = new Set(role.facts.allowedActions);
  if (!wide) for (const action of listGrantedActionNames(principal, catalog)) out.add(action);
  else for (const svc of services) for (const action of listGrantedActionNames(principal, catalog, { service: svc })) out.add(action);
  const list = [...out];
  byKey.set(key, list);
  return wide ? widePartial(role, fn, list, partialReasons) : list;
}

/**
 * Why a wide role's labels cover part of its grant, per function: the functions sharing a role use
 * different services, so each covers its own number of actions. Before, the reason named the role
 * alone, and a shared role's functions gave what read as one reason repeated with other numbers
 * ("labels cover 0 …", "labels cover 446 …"), and "the capped list plus" described a list that is
 * empty for such a role (facts.allowedActions: none past the cap). The role's ARN stays first:
 * generate and the reports tell whose reason it is by it (reasonRole, roleUsage).
 */
function widePartial(role: Role, fn: LambdaFunction | null, list: string[], partialReasons: string[]): string[] {
  const whose = fn === null ? "the role's sessions" : `function ${fn.name}'s sessions (${fn.arn})`;
  const covered = list.length === 0 ? `${whose} used none of the services it grants, so none is labelled` : `only the ${list.length} actions of the services ${whose} used are labelled`;
  partialReasons.push(`${role.arn}: grants ${role.facts.allowedActionCount} actions, more than the ${FULL_LABEL_LIMIT} labelled one by one; ${covered}`);
  return list;
}

/**
 * The function a partial-usage reason is about, when it is one function's (widePartial: a wide
 * role's labels, one reason per function sharing it); null otherwise. Read here, beside the
 * wording it reads (generate leaves out the other functions' reasons; the labels test holds the two
 * together).
 */
export function reasonFunctionArn(reason: string): string | null {
  return /^arn:[^:\s]+:iam::\d{12}:role\/\S+: grants \d+ actions, more than .* function .*'s sessions \((arn:[^)\s]+)\) used /.exec(reason)?.[1] ?? null;
}

/** Granted actions of a role labelled one by one; wider roles get labels for the services they used. */
export const FULL_LABEL_LIMIT = 2000;

interface LabelContext {
  /** The window, [start, end): a call at or after `end` (the as-of instant) is outside it. */
  start: string;
  end: string;
  endMs: number;
  tooNew: string | null;
  uncovered: string | null;
  dataEventsLogged: boolean;
  /**
   * Per data-event resource type the trails' selectors name: null when every resource's calls are
   * logged (its actions are judged), else why a call of it may be missing from the logs.
   */
  dataTypes: ReadonlyMap<string, DataTypeVerdict>;
  /** Whether the role grants this S3 object action only under prefixes whose calls are all logged (null: no such prefix). */
  objectsLogged: ((action: string) => boolean) | null;
  /** What the role's account's trail leaves out of its management events (trail-gaps.ts); null: nothing seen. */
  gaps: TrailGapReasons | null;
}

// The same granted list (a role's, for each of its functions) sorted once.
const sortedLists = new WeakMap<string[], string[]>();
function sortedUnique(granted: string[]): string[] {
  let sorted = sortedLists.get(granted);
  // A role's facts list its actions in the catalog's order (by service, then action regardless of
  // letter case), which is often sort()'s order already: not where case decides
  // (s3:ListMultipartUploadParts before s3:ListMultiRegionAccessPoints) or one service's name
  // extends another's with a character before ":" (ec2, ec2-instance-connect). Checked in one
  // pass, sorted only when it is not (5,257 of 8,500 lists at 10,000 functions are).
  if (sorted === undefined) sortedLists.set(granted, (sorted = strictlyAscending(granted) ? granted : distinctSorted(granted)));
  return sorted;
}

/** The distinct strings of `list` in sort() order: sorted, then equal neighbours dropped (no Set to build and hash). */
function distinctSorted(list: readonly string[]): string[] {
  const out = list.slice().sort();
  let n = 0;
  for (let i = 0; i < out.length; i++) if (i === 0 || out[i] !== out[n - 1]) out[n++] = out[i] as string;
  out.length = n;
  return out;
}

/** Each string below the next (so no two alike): what sort() of the distinct strings returns. */
export function strictlyAscending(list: readonly string[]): boolean {
  for (let i = 1; i < list.length; i++) if (!((list[i - 1] as string) < (list[i] as string))) return false;
  return true;
}

const NO_SESSIONS: SessionUsage[] = [];

/**
 * What the role's unattributed sessions called inside the window, by lower-case action: the reason
 * its label gives (null when there are none, the usual case: nothing is added per action).
 */
// Per role's list of such sessions (made once per labelling, shared by the role's functions).
const otherUseCache = new WeakMap<SessionUsage[], Map<string, string>>();
function otherUse(others: SessionUsage[], ctx: LabelContext): Map<string, string> | null {
  if (others.length === 0) return null;
  const cached = otherUseCache.get(others);
  if (cached !== undefined) return cached;
  const byAction = new Map<string, { names: string[]; calls: number }>();
  for (const s of others) {
    for (const a of s.actions) {
      if (windowPosition(a, ctx) === OUT) continue;
      const k = a.action.toLowerCase();
      const e = byAction.get(k) ?? { names: [], calls: 0 };
      if (!e.names.includes(s.sessionName)) e.names.push(s.sessionName);
      e.calls += a.count;
      byAction.set(k, e);
    }
  }
  const out = new Map<string, string>();
  for (const [k, e] of byAction) {
    const names = e.names.sort();
    const shown = names.length <= 3 ? names.join(", ") : `${names.slice(0, 3).join(", ")} and ${names.length - 3} more`;
    out.set(k, `used on this role by session${names.length === 1 ? "" : "s"} ${shown} (${e.calls} call${e.calls === 1 ? "" : "s"}), which leastrole could not attribute to a function`);
  }
  otherUseCache.set(others, out);
  return out;
}

const IN = 0;
const MAYBE = 1;
const OUT = 2;

/**
 * Every call of an action was before the window `[start, end)` (its last call before `start`):
 * labelled `unused`, "last seen …, before the window", when nothing else called it inside.
 * `generate` leaves such an action out of a policy by the same test, with the window the labels
 * wrote (`usage.window`), so the two never disagree.
 */
export function seenOnlyBeforeWindow(a: { lastSeen: string }, window: { start: string }): boolean {
  return a.lastSeen < window.start;
}

/**
 * Where an action's calls fall against the window [start, end). The aggregate keeps only the
 * first and last call: a first or last call inside means a call inside (IN); a first call before
 * the window and a last one after it leave it open (MAYBE: never read as unused); else every call
 * is before it or after its end (OUT: a call after the as-of instant is not a use as of then).
 */
function windowPosition(a: { firstSeen: string; lastSeen: string }, ctx: LabelContext): typeof IN | typeof MAYBE | typeof OUT {
  if (seenOnlyBeforeWindow(a, ctx) || a.firstSeen >= ctx.end) return OUT;
  if (a.firstSeen >= ctx.start || a.lastSeen < ctx.end) return IN;
  return MAYBE;
}

/** One granted action's label, as eachLabel decides it; `fromTrail`: its sources are CloudTrail's (else none). */
type LabelSink = (action: string, lastUsed: string | null, label: LabelledPermission["label"], reason: string | null, fromTrail: boolean) => void;

function labelRole(granted: string[], own: SessionUsage[], service: SessionUsage[], ctx: LabelContext, others: SessionUsage[] = NO_SESSIONS): LabelledPermission[] {
  const out: LabelledPermission[] = [];
  eachLabel(granted, own, service, ctx, others, (action, lastUsed, label, reason, fromTrail) => {
    const daysSinceLastUsed = lastUsed === null ? null : Math.floor((ctx.endMs - Date.parse(lastUsed)) / DAY);
    out.push(labelled(action, lastUsed, daysSinceLastUsed, label, reason, fromTrail ? ["cloudtrail"] : []));
  });
  return out;
}

/** The label of each granted action, distinct and in sorted order, told to `sink`. */
function eachLabel(granted: string[], own: SessionUsage[], service: SessionUsage[], ctx: LabelContext, others: SessionUsage[], sink: LabelSink): void {
  // Per action: the last call in the data, the window position of the calls (the best of the
  // sessions'), and, for the reason of an unused label, the last call before the window and the
  // first after its end.
  const seen = new Map<string, Seen>();
  const note = (sessions: SessionUsage[], viaService: boolean): void => {
    for (const s of sessions) {
      for (const a of s.actions) {
        const k = a.action.toLowerCase();
        const prev = seen.get(k);
        const position = windowPosition(a, ctx);
        const firstAfter = a.firstSeen >= ctx.end ? a.firstSeen : null;
        const lastBefore = a.lastSeen < ctx.start ? a.lastSeen : null;
        const ok = a.count - a.deniedCount;
        if (prev === undefined) seen.set(k, { last: a.lastSeen, okCount: ok, position, lastBefore, firstAfter, viaService });
        else {
          if (a.lastSeen > prev.last) prev.last = a.lastSeen;
          prev.okCount += ok;
          if (position < prev.position) prev.position = position;
          if (lastBefore !== null && (prev.lastBefore === null || lastBefore > prev.lastBefore)) prev.lastBefore = lastBefore;
          if (firstAfter !== null && (prev.firstAfter === null || firstAfter < prev.firstAfter)) prev.firstAfter = firstAfter;
          prev.viaService &&= viaService;
        }
      }
    }
  };
  note(own, false);
  note(service, true);
  const byOthers = otherUse(others, ctx);
  const unknown = unknownCalls(own, service, others, ctx);
  // One label per granted action per function (millions at 10,000 functions): the per-action
  // facts are looked up once per action.
  for (const action of sortedUnique(granted)) {
    const info = actionInfo(action);
    const s = seen.get(info.lower);
    const lastUsed = s?.last ?? null;
    if (s !== undefined && s.position === IN) {
      sink(action, lastUsed, "used", s.viaService ? "used by Lambda on the function's behalf (awslambda_ session)" : s.okCount === 0 ? "only denied calls seen" : null, true);
    } else if (byOthers !== null && byOthers.has(info.lower)) {
      sink(action, lastUsed, "unknowable", byOthers.get(info.lower) as string, true);
    } else if (s !== undefined && s.position === MAYBE) {
      sink(action, lastUsed, "unknowable", "calls seen before the window and after its end; whether one fell inside it is not known", true);
    } else if (info.notLogged !== null) {
      sink(action, lastUsed, "unknowable", info.notLogged, false);
    } else if (info.dataEvent && !ctx.dataEventsLogged && !loggedBySelectors(info, ctx.dataTypes) && !(ctx.objectsLogged?.(action) ?? false)) {
      const verdict = info.dataType === null ? undefined : ctx.dataTypes.get(info.dataType);
      // One class logged everywhere, and this action's class in CloudTrail not known: say why it is not judged with it.
      const unclassed = verdict !== undefined && verdict.everywhere !== null && info.dataClass === null ? `; CloudTrail's read/write class for ${action} is not documented, so it is judged only where both classes are logged` : "";
      sink(action, lastUsed, "unknowable", verdict === undefined || verdict.reason === null ? info.dataEventReason : `${verdict.reason}${unclassed}`, false);
      // A data event logged (by the configuration's word or its type's selectors) is no management
      // event: what the trail leaves out of those does not hide it.
    } else if (ctx.gaps !== null && ctx.gaps.kms !== null && info.kms && !info.dataEvent) {
      sink(action, lastUsed, "unknowable", ctx.gaps.kms, false);
    } else if (ctx.gaps !== null && ctx.gaps.reads !== null && info.read && !info.dataEvent) {
      sink(action, lastUsed, "unknowable", ctx.gaps.reads, false);
    } else if (ctx.gaps !== null && ctx.gaps.writes !== null && !info.read && !info.dataEvent) {
      sink(action, lastUsed, "unknowable", ctx.gaps.writes, false);
    } else if (ctx.tooNew !== null) {
      sink(action, lastUsed, "too-new", ctx.tooNew, false);
    } else if (ctx.uncovered !== null) {
      sink(action, lastUsed, "unknowable", ctx.uncovered, false);
    } else if (unknown !== null && unknown.has(serviceOf(info.lower))) {
      sink(action, lastUsed, "unknowable", unknown.get(serviceOf(info.lower)) as string, false);
    } else {
      sink(action, lastUsed, "unused", unusedReason(s, ctx), true);
    }
  }
}

/**
 * The calls on the role inside the window (or maybe inside it: the function's, Lambda's, and those
 * attributed to no function) that map to an action the catalog does not know, by lower-case service: why its granted actions are not judged (null when there are none, the
 * usual case). Such a call is a newer API than the catalog, or an event whose name is not its
 * action's and that event-actions.ts does not list: which of the service's permissions authorised
 * it is not known, so none of them can be called unused. Before, the call was counted under an
 * action no policy grants, and the permission that did authorise it was labelled unused.
 */
function unknownCalls(own: SessionUsage[], service: SessionUsage[], others: SessionUsage[], ctx: LabelContext): Map<string, string> | null {
  // The role's Lambda and unattributed sessions are the same lists for each of its functions: read once.
  const shared = [unknownOf(service, ctx), unknownOf(others, ctx)];
  const mine = unknownOf(own, ctx, false);
  if (mine === null && shared[0] === null && shared[1] === null) return null;
  const byService = new Map<string, Map<string, number>>();
  for (const part of [mine, ...shared]) {
    for (const [svc, calls] of part ?? []) {
      const into = byService.get(svc) ?? new Map<string, number>();
      for (const [a, n] of calls) into.set(a, (into.get(a) ?? 0) + n);
      byService.set(svc, into);
    }
  }
  const out = new Map<string, string>();
  for (const [svc, calls] of byService) {
    const shown = [...calls].sort((x, y) => cmp(x[0], y[0])).map(([a, n]) => `${a} (${n} call${n === 1 ? "" : "s"})`);
    out.set(svc, `calls on this role inside the window counted as ${shown.join(", ")}, no action the IAM action catalog knows (an API newer than the catalog, or an event name that is not its action's): which ${svc} permission authorised them is not known`);
  }
  return out;
}

type UnknownByService = Map<string, Map<string, number>>;
const unknownCache = new WeakMap<SessionUsage[], UnknownByService | null>();

/** The sessions' calls inside the window (or maybe) of actions the catalog does not know: service → action → calls; null when none. */
function unknownOf(sessions: SessionUsage[], ctx: LabelContext, cache = true): UnknownByService | null {
  if (sessions.length === 0) return null;
  if (cache && unknownCache.has(sessions)) return unknownCache.get(sessions) as UnknownByService | null;
  let byService: UnknownByService | null = null;
  for (const s of sessions) {
    for (const a of s.actions) {
      if (actionInfo(a.action).known || windowPosition(a, ctx) === OUT) continue;
      byService ??= new Map();
      const svc = serviceOf(a.action);
      const calls = byService.get(svc) ?? new Map<string, number>();
      calls.set(a.action, (calls.get(a.action) ?? 0) + a.count);
      byService.set(svc, calls);
    }
  }
  if (cache) unknownCache.set(sessions, byService);
  return byService;
}

/**
 * One warning per action the sessions called that the action catalog does not know (unknownCalls):
 * said, not dropped, and the roles whose grants of its service are therefore not judged named.
 */
function unknownActionWarnings(sessions: readonly SessionUsage[]): Warning[] {
  const byAction = new Map<string, { calls: number; roles: Set<string> }>();
  for (const s of sessions) {
    for (const a of s.actions) {
      if (actionInfo(a.action).known) continue;
      const e = byAction.get(a.action) ?? { calls: 0, roles: new Set<string>() };
      e.calls += a.count;
      e.roles.add(s.roleArn);
      byAction.set(a.action, e);
    }
  }
  return [...byAction]
    .sort((x, y) => cmp(x[0], y[0]))
    .map(([action, e]) => {
      const roles = [...e.roles].sort();
      const shown = roles.length <= 3 ? roles.join(", ") : `${roles.slice(0, 3).join(", ")} and ${roles.length - 3} more`;
      return {
        code: "usage-unknown-action",
        severity: "warning" as const,
        message: `CloudTrail shows ${e.calls} call${e.calls === 1 ? "" : "s"} by ${shown} counted as ${action}, which is no action in the IAM action catalog (an API newer than the catalog, or an event name that is not its action's): which permission authorised ${e.calls === 1 ? "it" : "them"} is not known, so the ${serviceOf(action)} actions those roles grant are labelled unknowable, not unused. A newer leastrole may know it.`,
      };
    });
}

interface Seen {
  last: string;
  okCount: number;
  position: number;
  lastBefore: string | null;
  firstAfter: string | null;
  viaService: boolean;
}

/** Why an action no call inside the window shows is unused: never seen, seen before it, or only after its end. */
function unusedReason(s: Seen | undefined, ctx: LabelContext): string {
  if (s === undefined) return "not seen in CloudTrail";
  if (s.firstAfter === null) return `last seen ${s.last.slice(0, 10)}, before the window`;
  const after = `only after the window's end (${ctx.end.slice(0, 10)}), from ${s.firstAfter.slice(0, 10)}`;
  return s.lastBefore === null ? `seen ${after}` : `last seen ${s.lastBefore.slice(0, 10)} before the window, then ${after}`;
}

/**
 * Per role (its function's label sets share it), whether it grants an S3 object action only under
 * the logged prefixes. Null without such prefixes, or without the policies' documents.
 */
function objectsLoggedOf(said: Pick<DataEventTypeCoverage, "prefixes" | "readPrefixes" | "writePrefixes">, policies: LabelDocument["policies"]): (role: Role) => ((action: string) => boolean) | null {
  if (loggedPrefixesFor(said, "read").length + loggedPrefixesFor(said, "write").length === 0 || policies === undefined) return () => null;
  const byRole = new WeakMap<Role, (action: string) => boolean>();
  return (role) => {
    let check = byRole.get(role);
    if (check === undefined) {
      const managed = role.attachedPolicies.map((a) => policies[a.arn]?.document ?? null);
      // A managed policy whose document is unknown may grant anything: nothing is judged.
      const statements = managed.includes(null) ? null : [...role.inlinePolicies.flatMap((p) => p.document.Statement), ...managed.flatMap((d) => (d as PolicyDocument).Statement)];
      const memo = new Map<string, boolean>();
      check = (action) => {
        if (statements === null) return false;
        let v = memo.get(action);
        // The prefixes logged for both classes, and those of the action's class alone.
        if (v === undefined) memo.set(action, (v = grantsWithinPrefixes(statements, action, loggedPrefixesFor(said, actionInfo(action).dataClass))));
        return v;
      };
      byRole.set(role, check);
    }
    return check;
  };
}

/**
 * What the selectors say of a data-event type: `reason` null when every call of it is logged
 * (judged), else why a call of it may be missing from the logs; `everywhere`, the class (read,
 * write) whose calls are logged for every resource even so (a write-only trail's writes).
 */
interface DataTypeVerdict {
  reason: string | null;
  everywhere: "read" | "write" | null;
}

function dataTypeVerdicts(types: ReadonlyArray<Pick<DataEventTypeCoverage, "type" | "logged" | "limits" | "statedBy" | "loggedEverywhere">>): Map<string, DataTypeVerdict> {
  const out = new Map<string, DataTypeVerdict>();
  for (const t of types) {
    const reason = t.logged === "all" ? null : `data event: ${selectorsOf(t.statedBy)} log ${t.type} for some calls only (${t.limits.join("; ")})`;
    out.set(t.type, { reason, everywhere: t.loggedEverywhere === "reads" ? "read" : t.loggedEverywhere === "writes" ? "write" : null });
  }
  return out;
}

/**
 * Whether the selectors show every call of the action: its type is logged for every resource, or
 * its class is (CloudTrail's readOnly for it; an action whose class is not known needs both).
 */
function loggedBySelectors(info: ActionInfo, dataTypes: ReadonlyMap<string, DataTypeVerdict>): boolean {
  const v = info.dataType === null ? undefined : dataTypes.get(info.dataType);
  if (v === undefined) return false;
  return v.reason === null || (v.everywhere !== null && v.everywhere === info.dataClass);
}

/**
 * What the built-in rules read of a label set (LabelDigest): null unless it is a function's and
 * covers the whole window (LR008 reads no other).
 */
export function digestOfLabels(l: PermissionLabels): LabelDigest | null {
  if (l.fullWindow !== true || typeof l.functionArn !== "string") return null;
  const labelCounts: LabelDigest["labelCounts"] = {};
  const unused = new Set<string>();
  const keptExceptions: LabelDigest["keptExceptions"] = [];
  for (const p of l.permissions ?? []) {
    labelCounts[p.label] = (labelCounts[p.label] ?? 0) + 1;
    if (p.label !== "unused") continue;
    if (p.exception === null) unused.add(p.action);
    else keptExceptions.push({ action: p.action, reason: p.exception.reason });
  }
  return { roleArn: l.roleArn, functionArn: l.functionArn, unusedActions: [...unused], keptExceptions, labelCounts };
}

/** A label set handed out and not kept (startLabelling with `keep` false). */
const DROPPED = Symbol("dropped");

function labelled(action: string, lastUsed: string | null, daysSinceLastUsed: number | null, label: LabelledPermission["label"], reason: string | null, sources: LabelledPermission["sources"]): LabelledPermission {
  return { action, lastUsed, daysSinceLastUsed, exception: null, label, reason, sources };
}

/** What labelling needs to know of an action whatever the role: memoised (actions repeat across roles). */
function actionInfo(action: string): ActionInfo {
  let info = ACTION_INFO.get(action);
  if (info === undefined) {
    // An action AWS does not say CloudTrail records is judged only as a data event would be.
    const unconfirmed = !isDataEventAction(action) && isUnconfirmedAction(action);
    const lower = action.toLowerCase();
    info = {
      lower,
      known: loadActionCatalogSync().action(action) !== null,
      notLogged: notLoggedReason(action),
      kms: lower.startsWith("kms:"),
      read: mayBeReadEvent(lower, loadActionCatalogSync().accessLevel(action)),
      dataEvent: isDataEventAction(action) || unconfirmed,
      dataType: dataEventTypeOf(action),
      dataClass: dataEventClassOf(lower, loadActionCatalogSync().accessLevel(action)),
      dataEventReason: unconfirmed
        ? "AWS does not document whether CloudTrail records this call: judged only when the trail records data events for every resource"
        : "data event: logged only when the trail records data events for the resource",
    };
    if (ACTION_INFO.size >= 100_000) ACTION_INFO.clear();
    ACTION_INFO.set(action, info);
  }
  return info;
}
interface ActionInfo {
  lower: string;
  /** In the action catalog. A call mapped to an action it does not know (unknownCalls) leaves its service's grants unjudged. */
  known: boolean;
  notLogged: string | null;
  /** An AWS KMS action; one CloudTrail may record as a read event (trail-gaps.ts). */
  kms: boolean;
  read: boolean;
  dataEvent: boolean;
  /** The data-event resource type it is recorded under, when its selectors are read (not-logged.ts). */
  dataType: string | null;
  /** Its class as CloudTrail's readOnly gives it, for a data event (not-logged.ts); null when not known. */
  dataClass: "read" | "write" | null;
  dataEventReason: string;
}
const ACTION_INFO = new Map<string, ActionInfo>();

type TrackedAction = NonNullable<AccessAdvisorService["actions"]>[number];

/** A service's tracked actions by lower-case name (the first of each), made once per report. */
const trackedByService = new WeakMap<AccessAdvisorService, Map<string, TrackedAction>>();
function trackedAction(svc: AccessAdvisorService, action: string): TrackedAction | undefined {
  if (svc.actions === null) return undefined;
  let byName = trackedByService.get(svc);
  if (byName === undefined) {
    byName = new Map();
    for (const a of svc.actions) if (!byName.has(a.action.toLowerCase())) byName.set(a.action.toLowerCase(), a);
    trackedByService.set(svc, byName);
  }
  return byName.get(action.toLowerCase());
}

/**
 * Access Advisor's data lags: "Recent activity usually appears within four hours", and it covers
 * "at least the last 400 days" (IAM API Reference, GenerateServiceLastAccessedDetails).
 */
const ADVISOR_LAG_MS = 4 * 60 * 60 * 1000;
const ADVISOR_TRACKING_DAYS = 400;

/** The instant a report's data runs to: its job's creation (else completion), less the lag. */
function advisorDataTime(report: AccessAdvisorReport): number {
  const t = report.createdAt ?? report.completedAt;
  return t === null || t === undefined ? NaN : Date.parse(t) - ADVISOR_LAG_MS;
}

/**
 * The end of the window when Access Advisor is the only usage data: the start of the UTC day its
 * earliest report runs to (every report then covers the window). NaN when no report is dated.
 */
function advisorDataEnd(reports: readonly AccessAdvisorReport[]): number {
  const times = reports.map(advisorDataTime).filter(Number.isFinite);
  return times.length === 0 ? NaN : Math.floor(Math.min(...times) / DAY) * DAY;
}

/**
 * Whether a report can say a service went unaccessed through the whole window [start, end): its
 * data runs past the window's end (a report made before it, or within the lag after it, misses
 * the window's last hours) and its tracking period reaches back to the window's start.
 */
function advisorCoversWindow(report: AccessAdvisorReport, start: string, end: string): boolean {
  const t = advisorDataTime(report);
  return Number.isFinite(t) && t >= Date.parse(end) && t - ADVISOR_TRACKING_DAYS * DAY <= Date.parse(start);
}

/**
 * A warning per Access Advisor report about a role of the document that does not cover the window
 * (advisorCoversWindow): it still shows use, but proves nothing unused, which a user who gave it
 * with `--as-of` (or beside logs ending later) would otherwise not learn. Says which --as-of, or
 * which report, would cover it.
 */
export function advisorWindowWarnings(reports: readonly AccessAdvisorReport[], roles: readonly Role[], usage: Pick<UsageSection, "window" | "coverage">): Warning[] {
  const window = usage.window;
  if (window === null) return [];
  // Only where the logs miss days of the window: where they cover it, a report is not needed to
  // call anything unused, and one made the day the logs were collected (as `leastrole collect`
  // does) ends a few hours before the window, which would be warned for every role.
  if (missingWindowDays(Date.parse(window.start), Date.parse(window.end), new Set(usage.coverage.days)).length === 0) return [];
  const known = new Set(roles.map((r) => roleKey(r.arn)));
  const out: Warning[] = [];
  for (const report of reports) {
    if (report.roleArn === null || !known.has(roleKey(report.roleArn)) || advisorCoversWindow(report, window.start, window.end)) continue;
    const t = advisorDataTime(report);
    const made = report.createdAt ?? report.completedAt;
    const message = !Number.isFinite(t)
      ? `Access Advisor report of ${report.roleArn} has no JobCreationDate or JobCompletionDate, so it proves nothing unused in the window, only use`
      : t < Date.parse(window.end)
        ? `Access Advisor report of ${report.roleArn} was made ${made}: its data (four hours of lag counted) ends before the window's end, ${window.end}, so it proves nothing unused in the window, only use; give --as-of ${iso(Math.floor(t / DAY) * DAY).slice(0, 10)} or a report made after ${iso(Date.parse(window.end) + ADVISOR_LAG_MS)}`
        : `Access Advisor report of ${report.roleArn} was made ${made}: its ${ADVISOR_TRACKING_DAYS}-day tracking period begins after the window's start, ${window.start}, so it proves nothing unused in the window, only use; give a later --as-of or a shorter --window-days`;
    out.push({ code: "access-advisor-window-not-covered", severity: "warning", file: report.file, message });
  }
  return out;
}

/**
 * A warning per file of Access Analyzer findings, with their analyzer's unusedAccessAge, about roles
 * of the document, whose age does not span the window (analyzerSpansWindow), where the logs miss
 * days of it (as advisorWindowWarnings, and for the same reason: `leastrole collect` fetches them
 * hours before the default window's end). They still agree and show use, but prove nothing unused,
 * which a user who gave the analyzer for that would otherwise not learn. Says which --as-of or
 * --window-days would do.
 */
export function analyzerWindowWarnings(findings: readonly AccessAnalyzerFinding[], roles: readonly Role[], usage: Pick<UsageSection, "window" | "coverage">): Warning[] {
  const window = usage.window;
  if (window === null) return [];
  if (missingWindowDays(Date.parse(window.start), Date.parse(window.end), new Set(usage.coverage.days)).length === 0) return [];
  const known = new Set(roles.map((r) => roleKey(r.arn)));
  const byFile = groupBy(
    findings.filter((f) => f.status === "ACTIVE" && f.withoutDetails !== true && f.unusedAccessAge !== undefined && known.has(roleKey(f.resource))),
    (f) => f.file ?? "",
  );
  // A role any of whose findings spans the window is covered (coverage.accessAnalyzerCovered).
  const covered = new Set(findings.filter((f) => analyzerSpansWindow(f, window.start, window.end)).map((f) => roleKey(f.resource)));
  const out: Warning[] = [];
  for (const [file, list] of [...byFile].sort((a, b) => cmp(a[0], b[0]))) {
    const short = list.filter((f) => !covered.has(roleKey(f.resource)));
    if (short.length === 0) continue;
    const n = new Set(short.map((f) => roleKey(f.resource))).size;
    const what = `Access Analyzer findings of ${n} ${n === 1 ? "role" : "roles"} (their analyzer's unusedAccessAge ${[...new Set(short.map((f) => f.unusedAccessAge))].sort((a, b) => (a ?? 0) - (b ?? 0)).join(", ")} days)`;
    const analysed = short.map((f) => f.analyzedAt).filter((t): t is string => t !== null).sort();
    const first = analysed[0];
    const message =
      first === undefined
        ? `${what} give no analyzedAt, so they prove nothing unused in the window, only use`
        : first < window.end
          ? `${what}: the first was analysed ${first}, before the window's end, ${window.end}, so they prove nothing unused in the window, only use; give --as-of ${first.slice(0, 10)}`
          : `${what}: their age, counted back from their analysis (the first ${first}), does not reach the window's start, ${window.start}, so they prove nothing unused in the window, only use; give a shorter --window-days`;
    out.push({ code: "access-analyzer-window-not-covered", severity: "warning", ...(file === "" ? {} : { file }), message });
  }
  return out;
}

/**
 * One Access Advisor report of the label set's role, merged into its labels. Its times are last
 * accesses: one inside the window [start, end) is a use in it; one after the window's end (a
 * report made after the as-of instant) says nothing of the window, neither use nor agreement that
 * the role went unused. A report covering the window (advisorCoversWindow) also proves unused
 * what the logs could not show: a service with no access since before the window (or none in the
 * tracking period), or a tracked action likewise, was not called in it by anyone with the role,
 * as Access Advisor counts every authenticated attempt, data events included. Returns whether the
 * report covers the window.
 */
function mergeAccessAdvisor(ls: PermissionLabels, report: AccessAdvisorReport, start: string, end: string, sharedBy: number, out: UsageDisagreement[]): boolean {
  const covers = advisorCoversWindow(report, start, end);
  const usedServices = new Set(ls.permissions.filter((p) => p.label === "used").map((p) => serviceOf(p.action)));
  const byService = groupBy(ls.permissions, (p) => serviceOf(p.action));
  for (const svc of report.services) {
    const recent = svc.lastAuthenticated !== null && svc.lastAuthenticated >= start && svc.lastAuthenticated < end;
    const afterEnd = svc.lastAuthenticated !== null && svc.lastAuthenticated >= end;
    for (const p of byService.get(svc.namespace.toLowerCase()) ?? []) {
      const actionEntry = trackedAction(svc, p.action);
      const actionLast = actionEntry?.lastAccessed ?? null;
      const actionRecent = actionLast !== null && actionLast >= start && actionLast < end;
      if (p.label === "unused") {
        if (actionRecent) actionSeenInWindow(ls, p, "access-advisor", "Access Advisor", actionLast, sharedBy, out);
        else if (recent && !usedServices.has(svc.namespace.toLowerCase()) && actionEntry === undefined) {
          const msg = `Access Advisor: service ${svc.namespace} last accessed ${svc.lastAuthenticated}, CloudTrail shows none of its actions`;
          out.push({ roleArn: ls.roleArn, action: p.action, message: msg });
          Object.assign(p, { label: "unknowable", reason: msg });
        } else if (!recent && !afterEnd && advisorDataTime(report) > Date.parse(start)) {
          // Agreement only from a report that saw some of the window: one made before it began
          // says nothing of it.
          p.sources = withSource(p.sources, "access-advisor");
        }
      } else if (p.label === "unknowable" && covers && !actionRecent && unknowableForLogsAlone(p)) {
        const last = actionEntry !== undefined ? actionEntry.lastAccessed : svc.lastAuthenticated;
        if (last === null || last < start) {
          const what = actionEntry !== undefined ? p.action : `service ${svc.namespace}`;
          const reason = `Access Advisor (report of ${report.createdAt ?? report.completedAt}): ${what} ${last === null ? "not accessed in its tracking period" : `last accessed ${last}, before the window`}`;
          Object.assign(p, { label: "unused", reason, sources: ["access-advisor"] });
        }
      } else if (p.label === "unknowable" && actionRecent) {
        actionSeenInWindow(ls, p, "access-advisor", "Access Advisor", actionLast, sharedBy, out);
      } else if (p.label === "used" && p.sources.includes("cloudtrail") && p.lastUsed !== null && (svc.lastAuthenticated === null || svc.lastAuthenticated < p.lastUsed) && Date.parse(p.lastUsed) < advisorDataTime(report)) {
        // A call the report's data holds (made before its job, less the lag: "Recent activity
        // usually appears within four hours") after the service's last access it gives.
        out.push({ roleArn: ls.roleArn, action: p.action, message: `CloudTrail shows ${p.action} used ${p.lastUsed}, Access Advisor reports service ${svc.namespace} ${svc.lastAuthenticated === null ? "never" : `last`} accessed${svc.lastAuthenticated === null ? "" : ` ${svc.lastAuthenticated}`}` });
      }
    }
  }
  return covers;
}

/**
 * A last access of the action itself inside the window [start, end), as a source other than the
 * logs gives it: an Access Advisor tracked action (mergeAccessAdvisor) or an action an Access
 * Analyzer finding lists (mergeAccessAnalyzer), both read from IAM's last-accessed data, which
 * counts every authenticated call by anyone with the role, data events included. Evidence of use
 * needs no coverage: an `unused` label becomes `used` (a disagreement with CloudTrail is listed),
 * an `unknowable` one (the logs do not cover the window, or cannot show the action) becomes `used`
 * with the source added. The role's use is the function's only when the role has one function;
 * for a shared role the label stays (or becomes) `unknowable`, saying so. A service's last access
 * alone (no action named) is not this: it does not say which action was called.
 */
function actionSeenInWindow(ls: PermissionLabels, p: LabelledPermission, source: "access-advisor" | "access-analyzer", by: string, last: string, sharedBy: number, out: UsageDisagreement[]): void {
  if (p.label === "unused") {
    const msg = `${by}: ${p.action} last accessed ${last}, CloudTrail shows no call by ${sharedBy > 1 ? "this function" : "the role's function"}`;
    out.push({ roleArn: ls.roleArn, action: p.action, message: msg });
    if (sharedBy <= 1) Object.assign(p, { label: "used", reason: msg, lastUsed: last, sources: [source] });
    else Object.assign(p, { label: "unknowable", reason: `${msg}; the role is shared by ${sharedBy} functions` });
  } else if (p.label === "unknowable" && !p.sources.includes(source)) {
    const msg = `${by}: ${p.action} last accessed ${last}`;
    p.sources = withSource(p.sources, source);
    if (sharedBy <= 1) Object.assign(p, { label: "used", reason: msg, lastUsed: last });
    else p.reason = `${p.reason}; ${msg} by one of the ${sharedBy} functions sharing the role`;
  }
}

/**
 * An unknowable label that a source covering the whole window may prove unused: unknowable for the
 * logs alone (days or data events not logged, a partial read), no CloudTrail call of it seen. Not
 * an action without an API call of its own (iam:PassRole): IAM's last-accessed data, which Access
 * Advisor and Access Analyzer both read, has no entry that would show it.
 */
function unknowableForLogsAlone(p: LabelledPermission): boolean {
  return p.sources.length === 0 && actionInfo(p.action).notLogged === null;
}

/** The sources of a label with one more, sorted, once. */
function withSource(sources: readonly string[], source: string): string[] {
  return [...new Set([...sources, source])].sort();
}

/**
 * One active Access Analyzer finding of the label set's role, merged into its labels. A finding
 * says a permission (a service, an action, or the whole role) went unused for the analyzer's own
 * `unusedAccessAge` before its `analyzedAt`, not for this window, and may give when it was last
 * accessed (`lastAccessed`: Access Analyzer API Reference, UnusedPermissionDetails, UnusedAction,
 * UnusedIamRoleDetails, which do not say what its absence means: no access known to the analyzer,
 * not "never accessed"). So it agrees with an unused label only when that last access
 * is before the window (or there is none) and it was analysed after the window began; one inside
 * the window is evidence of use, as Access Advisor's is (the analyzer reads the same last-accessed
 * data): an action's makes an unused or unknowable label used (unknowable for a role several
 * functions share: actionSeenInWindow, shared with Access Advisor), a service's makes an unused
 * label unknowable when CloudTrail shows none of its actions. A CloudTrail use disagrees with it only when it is after that last access
 * and not after the analysis. Without a last access, with the analyzer's age known, the finding
 * speaks of that age only (analyzerQuietFrom). A finding whose age spans the window (analysed at
 * or after its end) proves unused what it names where the logs cannot show it, as a covering
 * Access Advisor report does. Returns whether its age spans the window.
 */
function mergeAccessAnalyzer(ls: PermissionLabels, f: AccessAnalyzerFinding, start: string, end: string, sharedBy: number, out: UsageDisagreement[]): boolean {
  // A list-findings-v2 summary: what it names unused and since when are not known (unusedWithoutDetails).
  if (f.withoutDetails === true) return false;
  // The analyzer's age spans the window (analysed at or after its end, reaching back to its start):
  // what the finding names, not accessed since before the window, went unaccessed in all of it.
  // A shorter age is evidence for that age only, whatever last access the finding gives.
  const age = f.unusedAccessAge;
  const spans = analyzerSpansWindow(f, start, end);
  const usedServices = new Set(ls.permissions.filter((p) => p.label === "used").map((p) => serviceOf(p.action)));
  for (const p of ls.permissions) {
    const svc = f.services.find((s) => s.namespace.toLowerCase() === serviceOf(p.action));
    const action = svc?.actions?.find((a) => a.action.toLowerCase() === p.action.toLowerCase());
    const unusedByAnalyzer = f.findingType === "UnusedIAMRole" || (svc !== undefined && (svc.actions === null || action !== undefined));
    if (!unusedByAnalyzer) continue;
    // The finding's last access of what it names: the role's, the action's, or the service's.
    const last = f.findingType === "UnusedIAMRole" ? f.roleLastAccessed : action !== undefined ? action.lastAccessed : (svc?.lastAccessed ?? null);
    const inWindow = last !== null && last >= start && last < end;
    const quietAtStart = analyzerQuietFrom(f, last, start);
    if (p.label === "unused") {
      // Agreement only from a finding analysed after the window began: one analysed before it says
      // nothing of it; nor one whose analyzer's age, with no last access given, ends inside it.
      if (quietAtStart && (f.analyzedAt === null || f.analyzedAt > start)) p.sources = withSource(p.sources, "access-analyzer");
      else if (inWindow && action !== undefined) actionSeenInWindow(ls, p, "access-analyzer", `Access Analyzer finding ${f.id}`, last, sharedBy, out);
      else if (inWindow && f.findingType === "UnusedPermission" && !usedServices.has(serviceOf(p.action))) {
        const msg = `Access Analyzer finding ${f.id}: service ${svc?.namespace} last accessed ${last}, CloudTrail shows none of its actions`;
        out.push({ roleArn: ls.roleArn, action: p.action, message: msg });
        Object.assign(p, { label: "unknowable", reason: msg });
      }
    } else if (p.label === "unknowable" && spans && quietAtStart && unknowableForLogsAlone(p)) {
      // The analyzer's span holds the window: what the finding names went unaccessed in all of it,
      // by anyone with the role, data events included (IAM's last-accessed data), as a covering
      // Access Advisor report proves. Before, the age was not known and a finding proved nothing.
      const what = f.findingType === "UnusedIAMRole" ? "the role" : action !== undefined ? p.action : `service ${svc?.namespace}`;
      const reason = `Access Analyzer finding ${f.id} (analysed ${f.analyzedAt}, the analyzer's unusedAccessAge ${age} days): ${what} ${last === null ? `not accessed in the ${age} days before` : `last accessed ${last}, before the window`}`;
      Object.assign(p, { label: "unused", reason, sources: ["access-analyzer"] });
    } else if (p.label === "unknowable" && inWindow && action !== undefined) {
      // As Access Advisor's tracked action (actionSeenInWindow): an action the finding names, last
      // accessed inside the window, was called in it, though the logs do not show it (data events
      // not logged, days missing). Before, only an unused label was changed: the same access made
      // the action used in an Access Advisor report and left it unknowable in a finding.
      actionSeenInWindow(ls, p, "access-analyzer", `Access Analyzer finding ${f.id}`, last, sharedBy, out);
    } else if (p.label === "used" && (p.lastUsed === null || (analyzerQuietFrom(f, last, p.lastUsed) && (f.analyzedAt === null || p.lastUsed <= f.analyzedAt)))) {
      out.push({ roleArn: ls.roleArn, action: p.action, message: `Access Analyzer finding ${f.id} reports ${p.action} unused; ${p.sources.join(", ")} shows it used ${p.lastUsed ?? ""}`.trim() });
    }
  }
  return spans;
}

/**
 * A finding whose analyzer's age spans the whole window [start, end) (coverage.accessAnalyzerCovered):
 * with its age and details, analysed at or after the window's end, its age reaching back to the start.
 */
function analyzerSpansWindow(f: AccessAnalyzerFinding, start: string, end: string): boolean {
  return f.withoutDetails !== true && f.unusedAccessAge !== undefined && f.analyzedAt !== null && f.analyzedAt >= end && analyzerQuietFrom(f, null, start);
}

/**
 * Whether a finding says what it names went unaccessed from `t` to its analysis. With a last
 * access, after it. Without one: with the analyzer's `unusedAccessAge` known, the finding says no
 * more than that span before `analyzedAt` ("any access that hasn't been used in 90 or more days
 * since the analyzer's last scan", UnusedAccessConfiguration; the IAM User Guide's "tracking
 * period"), so an age shorter than the window is evidence for that age only; with it not known
 * (findings given without their analyzer), read as no access the analyzer knows of at any time, as
 * before: such a finding then only adds its agreement to an unused label the logs or Access Advisor
 * made, or its disagreement with a used one, and never makes a label unused itself (that takes an
 * age that spans the window, analyzerSpansWindow). The API Reference does not say that an absent
 * `lastAccessed` means never accessed, so no wording here says "never".
 */
function analyzerQuietFrom(f: AccessAnalyzerFinding, last: string | null, t: string): boolean {
  if (last !== null) return last < t;
  if (f.unusedAccessAge === undefined) return true;
  return f.analyzedAt !== null && Date.parse(f.analyzedAt) - f.unusedAccessAge * DAY <= Date.parse(t);
}

function applyExceptions(ls: PermissionLabels, lsRoleKey: string, exceptions: ReadonlyArray<UsageException & { re: RegExp; roleKey: string | undefined }>): void {
  for (const ex of exceptions) {
    if (ex.functionArn !== undefined && ex.functionArn !== ls.functionArn) continue;
    if (ex.roleKey !== undefined && ex.roleKey !== lsRoleKey) continue;
    for (const p of ls.permissions) if (ex.re.test(p.action)) p.exception = { reason: ex.reason };
  }
}

/** A scoped session whose function the document does not hold (issuedFunction). */
interface NotHeld {
  roleArn: string;
  sessionName: string;
  functionArn: string;
  calls: number;
  /** The role the document's function of that ARN runs with, when it holds one with another role. */
  otherRole: string | null;
}

/**
 * The document's function a scoped session's credentials were issued to (SessionUsage.functionArn,
 * from inScopeOf): the function of that ARN (a qualifier dropped) running with the session's role,
 * in the function or one of its versions; else the template function the deployed names matched
 * (deployed-names.ts), when it is in the ARN's region and account. Otherwise null, and what the
 * warning says: the session is attributed to no function, as a session whose name matches none
 * (labels count its calls unknowable for the role's functions, unattributed.ts says so), not to a
 * function of its name elsewhere.
 */
function issuedFunction(s: SessionUsage, documentRole: string | null, byArn: ReadonlyMap<string, LambdaFunction>, deployedFn: LambdaFunction | null): { fn: LambdaFunction | null; notHeld: NotHeld | null } {
  const issuedTo = s.functionArn as string;
  const parts = issuedTo.split(":");
  const arn = parts.slice(0, 7).join(":");
  const role = roleKey(documentRole ?? s.roleArn);
  const runsWith = (f: LambdaFunction): boolean => roleKey(f.roleArn) === role || f.versions.some((v) => roleKey(v.roleArn) === role);
  const fn = byArn.get(arn);
  if (fn !== undefined && runsWith(fn)) return { fn, notHeld: null };
  if (fn === undefined && deployedFn !== null && deployedFn.region === parts[3] && deployedFn.accountId === parts[4] && runsWith(deployedFn)) return { fn: deployedFn, notHeld: null };
  return { fn: null, notHeld: { roleArn: s.roleArn, sessionName: s.sessionName, functionArn: issuedTo, calls: s.actions.reduce((n, a) => n + a.count, 0), otherRole: fn?.roleArn ?? null } };
}

const NOT_HELD_SHOWN = 5;

/** One `issued-to-function-not-in-inputs` warning per role of the document's functions, naming the functions (the first five) and their calls. */
function notHeldWarnings(byRole: ReadonlyMap<string, NotHeld[]>, functionRoles: ReadonlySet<string>): Warning[] {
  const out: Warning[] = [];
  for (const [k, list] of [...byRole].sort((a, b) => cmp(a[0], b[0]))) {
    if (!functionRoles.has(k)) continue;
    const sorted = [...list].sort((a, b) => cmp(a.functionArn, b.functionArn) || cmp(a.sessionName, b.sessionName));
    const calls = sorted.reduce((n, x) => n + x.calls, 0);
    const shown = sorted.slice(0, NOT_HELD_SHOWN).map((x) => `${x.functionArn} (session ${x.sessionName}, ${x.calls} call${x.calls === 1 ? "" : "s"}${x.otherRole === null ? "" : `; the inputs' function of that ARN runs with ${x.otherRole}`})`);
    const more = sorted.length > NOT_HELD_SHOWN ? ` and ${sorted.length - NOT_HELD_SHOWN} more` : "";
    out.push({
      code: "issued-to-function-not-in-inputs",
      severity: "warning",
      message:
        `role ${(sorted[0] as NotHeld).roleArn}: CloudTrail says (userIdentity.inScopeOf) the credentials of ${calls} call${calls === 1 ? "" : "s"} were issued to ${sorted.length === 1 ? "a function" : "functions"} the inputs do not hold with this role: ${shown.join(", ")}${more}. ` +
        `They are attributed to no function, not to a function of the same name in another region or account; give the inputs of ${sorted.length === 1 ? "that function" : "those functions"} (the account's export of ${sorted.length === 1 ? "its" : "their"} regions) to have them counted.`,
    });
  }
  return out;
}

function principalOf(s: SessionUsage, fn: LambdaFunction | null, kind: PrincipalUsage["sessionKind"], documentRole: string | null = null): PrincipalUsage {
  return {
    accountId: s.accountId,
    roleArn: s.roleArn,
    ...(documentRole !== null ? { documentRoleArn: documentRole } : {}),
    functionName: fn?.name ?? null,
    functionArn: fn?.arn ?? null,
    sessionKind: kind,
    sessionName: s.sessionName,
    sessionCount: s.sessionCount,
    invokedBy: s.invokedBy,
    regions: s.regions,
    actions: s.actions,
    unmapped: s.unmapped,
    firstSeen: s.firstSeen,
    lastSeen: s.lastSeen,
  };
}

export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
}

const accountOf = (arn: string): string => arn.split(":")[4] ?? "";
/** Account + role name: STS-rebuilt ARNs lack the path, so the path is not part of the key. */
// Looked up several times per function and session (1.3 M calls at 10,000 functions): memoised,
// bounded so that a long-lived embedder's process does not keep every ARN it ever saw.
const roleKeys = new Map<string, string>();
const roleKey = (arn: string): string => {
  let k = roleKeys.get(arn);
  if (k === undefined) {
    if (roleKeys.size >= 1 << 17) roleKeys.clear();
    roleKeys.set(arn, (k = roleKeyOf(arn)));
  }
  return k;
};
const iso = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");
