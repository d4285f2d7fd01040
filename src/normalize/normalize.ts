/**
 * `normalizeFragments`: sources → the canonical document. Takes the fragments the source readers
 * made (the SDK's normalize(paths) reads files and folders for it: src/audit/normalize-paths.ts), merges them by ARN, folds published versions into functions, attaches per-function
 * data, resolves managed policies, joins functions to roles by full ARN (paths included), marks
 * roles that trust Lambda, computes per-principal facts with the IAM engine and records where
 * everything came from. The output is sorted and does not depend on the order of the inputs or on
 * the wall clock.
 */

import { resolve } from "node:path";
import { InputError } from "../errors.js";
import { instantOf, lookupAwsManagedPolicy, managedPolicyDataInfo } from "../iam/index.js";
import { packageVersion } from "../evaluate/locate.js";
import type { Account, CanonicalDocument, DeclaredSuppression, FunctionCoverage, LambdaFunction, LambdaServiceUse, Principal, Role, SourceInfo, SourceLocation, Warning } from "../model/document.js";
import { SCHEMA_VERSION } from "../model/document.js";
import { emptyUsage, type UsageSection } from "../model/usage.js";
import { parseArn } from "../sources/arns.js";
import { makesPartial } from "../sources/read-sources.js";
import { fromPath } from "../sources/function-target.js";
import { pathContext } from "../sources/path-context.js";
import { normalizeTimestamp } from "../sources/timestamps.js";
import type { Pagination, PrincipalRecord, RoleUseRecord, SourceFragment } from "../sources/types.js";
import { defaultFactsFunction, principalPolicies, type FactsFunction } from "./facts.js";
import { aliasRouteWarnings, applyPatches, finishDeliveryTargets, foldVersions, kafkaAccessWarnings } from "./functions.js";
import { compareStrings, mergeFragments } from "./merge.js";
import { resolveManagedPolicies, type ManagedPolicyLookup } from "./policies.js";
import { trustsLambda, trustsLambdaAtEdge } from "./trust.js";
import { joinLayerVersions } from "./layers.js";
import { setDisplayNames } from "./display-names.js";
import { appendAll } from "../collections.js";
import { canonicalJson } from "./canonical-json.js";
import { namedInText } from "../deployment-account.js";

export interface NormalizeOptions {
  /**
   * Reference instant for time arithmetic (any timestamp form); else the usage window's end, else a
   * canonical document's own, else `collectedAt`, else the newest input timestamp.
   */
  asOf?: string;
  /**
   * When the inputs were collected (`leastrole collect` writes `finishedAt` in its manifest): a
   * truer instant than the newest role or function date, which can be months old.
   */
  collectedAt?: string;
  /** Usage computed by the usage stage, put in the document as is. */
  usage?: UsageSection;
  /** Facts function; default: the IAM engine's computePrincipalFacts with the shipped action catalog. */
  computeFacts?: FactsFunction;
  /** Version of the action catalog the facts function uses (recorded in meta); set with computeFacts. */
  iamDataVersion?: string;
  /** AWS managed policy lookup for policies the inputs lack; default: the shipped data (src/iam); null to disable. */
  lookupManagedPolicy?: ManagedPolicyLookup | null;
  /** Date of the managed policy data (recorded in meta). */
  managedPolicyDataDate?: string;
  /**
   * What `leastrole collect` manifests among the inputs say about each account's function lists
   * (src/audit/build-document.ts reads them): which regions were listed, and whether those were
   * all the enabled ones. Makes the accounts' `functionCoverage`.
   */
  collections?: CollectedFunctionLists[];
}

/** One collection's function lists of one account, from its manifest. */
export interface CollectedFunctionLists {
  accountId: string;
  /** The regions the collection read: every enabled region when `allRegions`. */
  regions: string[];
  /** The collection was asked for every region and AWS (account:ListRegions) said which are enabled. */
  allRegions: boolean;
  /** `--regions all` was asked for, but account:ListRegions failed: only the home region was read. */
  enabledRegionsUnknown?: boolean;
  /** Per region whose ListFunctions succeeded, the file it wrote, as the inputs name it. */
  lists: { region: string; file: string }[];
  /**
   * The functions whose lambda:GetPolicy failed (`name`, or `name:qualifier` for an alias's or
   * version's), per region: their resource policy is unknown, not absent. Absent in collections
   * that named none.
   */
  unreadPolicies?: { region: string; target: string }[];
  /** Regions whose lambda:ListCapacityProviders failed in a way that leaves them unknown (FunctionCoverage.capacityProvidersUnread). */
  capacityProvidersUnread?: string[];
  /** Regions whose lambda:ListFunctions failed (FunctionCoverage.listsFailed). */
  listsFailed?: string[];
}

export interface NormalizeResult {
  document: CanonicalDocument;
  /** Same as document.meta.warnings. */
  warnings: Warning[];
  /** Same as document.meta.partial. */
  partial: boolean;
}

/** The synchronous core, for callers that already hold fragments. */
export function normalizeFragments(fragments: readonly SourceFragment[], options: NormalizeOptions = {}, readWarnings: readonly Warning[] = []): NormalizeResult {
  for (const f of fragments) setDisplayNames(f);
  const merged = mergeFragments(fragments);
  const warnings: Warning[] = [...readWarnings, ...merged.warnings];
  let partial = merged.partial || readWarnings.some(makesPartial);

  const pageWarnings = missingPages(fragments);
  appendAll(warnings, pageWarnings);
  const incompleteFiles = new Set(pageWarnings.map((w) => w.file));
  merged.sources = merged.sources.map((s) => (incompleteFiles.has(s.path) && !s.partial ? { ...s, partial: true } : s));
  // Functions and what is known about them.
  const versionsRead = foldVersions(merged.functions, merged.versions, warnings);
  const fileOfPatch = new Map<object, string>();
  for (const f of fragments) for (const p of f.functionPatches) fileOfPatch.set(p, f.source.path);
  applyPatches(merged.functions, merged.patches, warnings, (p) => fileOfPatch.get(p), versionsRead);
  const versionsUnread = new Map<string, Set<string>>();
  for (const fn of merged.functions.values()) {
    for (const arn of aliasRouteWarnings(fn, versionsRead, warnings)) {
      if (!versionsUnread.has(fn.accountId)) versionsUnread.set(fn.accountId, new Set());
      versionsUnread.get(fn.accountId)!.add(arn);
    }
    finishDeliveryTargets(fn, warnings);
    kafkaAccessWarnings(fn, warnings);
  }
  markUnreadPolicies(merged.functions.values(), options.collections ?? []);
  markUnreadPolicyFiles(merged.functions.values(), warnings);
  const functions = [...merged.functions.values()].sort((a, b) => compareStrings(a.arn, b.arn));

  // Managed policies, resolved for every principal that references one.
  const roleRecords = [...merged.roles.values()].sort((a, b) => compareStrings(a.arn, b.arn));
  const principalRecords = [...merged.principals.values()].sort((a, b) => compareStrings(a.arn, b.arn));
  const shipped = options.lookupManagedPolicy === undefined ? shippedManagedPolicies(warnings) : { lookup: options.lookupManagedPolicy, date: null };
  const lookup = shipped.lookup;
  resolveManagedPolicies(merged.policies, [...roleRecords, ...principalRecords], lookup, warnings);
  const unresolved = new Set([...merged.policies.values()].filter((p) => p.resolution === "unresolved").map((p) => p.arn));

  const facts = options.computeFacts ? { compute: options.computeFacts, iamDataVersion: options.iamDataVersion ?? "custom" } : defaultFactsFunction();
  const usage = options.usage ?? merged.usage ?? emptyUsage();
  // The document's reference instant, known before the facts: time-window conditions are judged
  // from it on (PrincipalPolicies.earliestTime), the same instant the analysis uses (meta.asOf).
  const asOf = chooseAsOf(options, usage, fragments, roleRecords, functions);
  const earliest = instantOf(asOf);

  // Roles: which functions (any version) use them, and whether Lambda may assume them.
  const usersOfRole = new Map<string, Set<string>>();
  for (const fn of functions) {
    for (const roleArn of [fn.roleArn, ...fn.versions.map((v) => v.roleArn)]) {
      const set = usersOfRole.get(roleArn) ?? new Set<string>();
      set.add(fn.arn);
      usersOfRole.set(roleArn, set);
    }
  }
  // Many execution roles carry only managed policies (AWSLambdaBasicExecutionRole…): their facts
  // depend on nothing but those ARNs, so they are computed once per distinct set.
  const sharedFacts = new Map<string, ReturnType<FactsFunction>>();
  const computeRoleFacts = (r: (typeof roleRecords)[number]) => {
    if (r.inlinePolicies.length > 0) return facts.compute(principalPolicies(r, merged.policies, [], earliest));
    const key = JSON.stringify([r.attachedPolicies.map((a) => a.arn), r.permissionsBoundaryArn]);
    let computed = sharedFacts.get(key);
    if (!computed) {
      computed = facts.compute(principalPolicies(r, merged.policies, [], earliest));
      sharedFacts.set(key, computed);
    }
    return computed;
  };
  const serviceUses = lambdaServiceUsesByRole(merged.roleUses);
  const roles: Role[] = roleRecords.map((r) => {
    const computed = computeRoleFacts(r);
    const incomplete = computed.incomplete || merged.incomplete.has(r.arn) || usesUnresolved(r, unresolved);
    const role: Role = { ...r, trustsLambda: trustsLambda(r.trustPolicy, undefined, earliest), functions: [...(usersOfRole.get(r.arn) ?? [])].sort(), facts: { ...computed, incomplete } };
    const uses = serviceUses.get(r.arn);
    if (uses) role.lambdaServiceUses = uses;
    return role;
  });
  markLambdaAtEdge(functions, roles, earliest);

  const groupsByAccountAndName = new Map<string, PrincipalRecord>();
  for (const p of principalRecords) if (p.type === "group") groupsByAccountAndName.set(`${p.accountId}\u0000${p.name}`, p);
  const principals: Principal[] = principalRecords.map((p) => {
    const groups = p.type === "user" ? p.groups.map((g) => groupsByAccountAndName.get(`${p.accountId}\u0000${g}`)).filter((g): g is PrincipalRecord => g !== undefined) : [];
    const missingGroups = p.type === "user" ? p.groups.filter((g) => !groupsByAccountAndName.has(`${p.accountId}\u0000${g}`)) : [];
    const computed = facts.compute(principalPolicies(p, merged.policies, groups, earliest));
    const incomplete = computed.incomplete || merged.incomplete.has(p.arn) || usesUnresolved(p, unresolved) || groups.some((g) => usesUnresolved(g, unresolved) || merged.incomplete.has(g.arn)) || missingGroups.length > 0;
    return { ...p, facts: { ...computed, incomplete } };
  });

  // Execution roles that are not in the inputs: the rules cannot judge those functions.
  const knownRoles = new Set(roles.map((r) => r.arn));
  for (const [roleArn, fns] of [...usersOfRole].sort(([a], [b]) => compareStrings(a, b))) {
    if (knownRoles.has(roleArn)) continue;
    partial = true;
    const list = [...fns].sort();
    const file = merged.functions.get(list[0]!)?.source?.file;
    // A template's or plan's function by its code's name, not an ARN of a placeholder account (namedInText).
    const shown = list.map((arn) => {
      const fn = merged.functions.get(arn);
      return fn ? namedInText(fn) : arn;
    });
    const of = shown.length === 1 ? shown[0] : `${shown.length} functions (${shown.slice(0, 3).join(", ")}${shown.length > 3 ? ", …" : ""})`;
    // A role the template refers to but does not define: its reader said so (an error); an IAM
    // export, as the advice below says, would not help.
    if (undefinedInTemplate(roleArn, file, warnings)) continue;
    // A reference its reader could not follow (a plan's role known only after apply): that reader's
    // warning says so, naming the reference; this one, with its advice to add an IAM export (which
    // cannot resolve a reference), said it again.
    if (explainedReference(roleArn, file, warnings)) continue;
    // No IAM export can hold what is not a role's ARN (a placeholder left in a template, another
    // resource's ARN): adding one, as the usual advice says, would not help.
    warnings.push(
      isRoleArnOrReference(roleArn)
        ? {
            ...(file ? { file } : {}),
            code: "role-not-in-inputs",
            severity: "warning",
            message: roleArn.includes("${")
              ? `execution role ${roleArn} of ${of} is a reference the inputs do not resolve: give the template or configuration that defines the role`
              : `execution role ${roleArn} of ${of} is not in the IAM inputs (add get-account-authorization-details)`,
          }
        : { ...(file ? { file } : {}), code: "execution-role-not-a-role-arn", severity: "warning", message: `the execution role of ${of}, ${roleArn}, is not an IAM role ARN (Lambda requires arn:<partition>:iam::<account>:role/<name>); the function cannot be judged` },
    );
  }
  if (unresolved.size > 0 && [...roles, ...principals].some((p) => usesUnresolved(p, unresolved))) partial = true;

  const policies: CanonicalDocument["policies"] = {};
  for (const arn of [...merged.policies.keys()].sort()) policies[arn] = merged.policies.get(arn)!;

  const layerVersions = joinLayerVersions(merged.layerVersions, functions, warnings);
  const suppressions = declaredSuppressions(merged.suppressions);

  const sortedWarnings = sortWarnings(warnings);
  partial ||= sortedWarnings.some(makesPartial);

  const document: CanonicalDocument = {
    schemaVersion: SCHEMA_VERSION,
    meta: {
      generator: { name: "leastrole", version: packageVersion() },
      iamDataVersion: facts.iamDataVersion,
      managedPolicyDataDate: options.managedPolicyDataDate ?? shipped.date ?? (lookup ? "unknown" : "none"),
      asOf,
      sources: sortSources(merged.sources),
      warnings: sortedWarnings,
      partial,
    },
    accounts: accountsOf(roles, principals, functions, merged.sources, functionCoverageOf(fragments, incompleteFiles, options.collections ?? [], versionsUnread)),
    functions,
    roles,
    principals,
    policies,
    usage,
    ...(layerVersions.length > 0 ? { layerVersions } : {}),
    ...(suppressions.length > 0 ? { suppressions } : {}),
  };
  return { document, warnings: sortedWarnings, partial };
}

/**
 * The inputs' suppressions in a stable order (origin, rule, line), each once: the same template
 * given twice, or a canonical document made from it given beside it, writes each entry twice.
 */
function declaredSuppressions(all: readonly DeclaredSuppression[]): DeclaredSuppression[] {
  const seen = new Map<string, DeclaredSuppression>();
  for (const s of all) {
    const key = canonicalJson(s);
    if (!seen.has(key)) seen.set(key, s);
  }
  return [...seen.values()].sort((a, b) => compareStrings(a.origin, b.origin) || compareStrings(a.rule, b.rule) || (a.source.line ?? 0) - (b.source.line ?? 0) || compareStrings(canonicalJson(a), canonicalJson(b)));
}

/**
 * A file whose last page says more follow is fine when another file of the same kind, account and
 * region holds a final page (pages dumped one per file); otherwise pages are missing. A
 * per-function list (its scope) is completed only by a final page of the same function's list:
 * another function's URLs or invoke configs say nothing about this one's. A file of several lists
 * (listPages) is judged list by list, each with its own region, account or function.
 */
function missingPages(fragments: readonly SourceFragment[]): Warning[] {
  const lists = fragments.flatMap((f) => [...(f.pagination ? [f.pagination] : []), ...(f.listPages ?? [])].map((page) => ({ f, page })));
  const key = ({ f, page }: { f: SourceFragment; page: Pagination }) =>
    [f.source.kind, page.accountId ?? f.source.accountId ?? "", f.source.kind === "iam-authorization-details" ? "" : (page.region ?? f.source.region ?? ""), page.scope ?? ""].join("\u0000");
  const complete = new Set(lists.filter((l) => !l.page.truncated).map(key));
  return lists
    .filter((l) => l.page.truncated && !complete.has(key(l)))
    .map(({ f, page }) => {
      const scope = page.scope;
      const of =
        scope === undefined
          ? page.accountId !== undefined
            ? ` of account ${page.accountId}`
            : ""
          : scope.startsWith("file:")
            ? " (the function it is of is not named in it)"
            : ` of function ${scope.startsWith("name:") ? scope.slice(5) : scope}`;
      return {
        code: "truncated-pagination",
        severity: "error" as const,
        file: f.source.path,
        path: page.path,
        message: `the last page says more pages follow, and no input holds the final page of this ${f.source.kind} output${of}${(page.region ?? f.source.region) ? ` (${page.region ?? f.source.region})` : ""}: records may be missing${MISSING_PAGE_CONSEQUENCE[f.source.kind] ?? ""}`,
      };
    });
}

/** What a missing page of a per-function list hides, said with its warning. */
const MISSING_PAGE_CONSEQUENCE: Partial<Record<string, string>> = {
  "lambda-function-url": " (a function URL left out may be public: LR012 cannot tell); fetch every page (the AWS CLI does unless --max-items or --no-paginate is given)",
  "lambda-event-invoke-config": " (a destination left out is one the execution role must be allowed to send to); fetch every page (the AWS CLI does unless --max-items or --no-paginate is given)",
};

/** The AWS managed policy data shipped with leastrole (src/iam); its absence is a warning, not a failure. */
function shippedManagedPolicies(warnings: Warning[]): { lookup: ManagedPolicyLookup | null; date: string | null } {
  try {
    const info = managedPolicyDataInfo();
    const lookup: ManagedPolicyLookup = (arn) => {
      const p = lookupAwsManagedPolicy(arn);
      return p ? { name: p.name, path: p.path, defaultVersionId: p.versionId, document: p.document } : null;
    };
    return { lookup, date: info.datasetDate };
  } catch (error) {
    warnings.push({ code: "managed-policy-data-missing", severity: "warning", message: `the shipped AWS managed policy data could not be loaded (${error instanceof Error ? error.message : String(error)}): AWS managed policies not in the inputs stay unresolved` });
    return { lookup: null, date: null };
  }
}

function usesUnresolved(p: { attachedPolicies: { arn: string }[]; permissionsBoundaryArn: string | null }, unresolved: ReadonlySet<string>): boolean {
  return p.attachedPolicies.some((a) => unresolved.has(a.arn)) || (p.permissionsBoundaryArn !== null && unresolved.has(p.permissionsBoundaryArn));
}

function chooseAsOf(options: NormalizeOptions, usage: UsageSection, fragments: readonly SourceFragment[], roles: readonly Pick<Role, "createDate" | "lastUsed">[], functions: LambdaFunction[]): string | null {
  if (options.asOf !== undefined) {
    const ts = normalizeTimestamp(options.asOf);
    if (!ts) throw new InputError(`asOf is not a timestamp: ${options.asOf}`);
    return ts;
  }
  if (usage.window) return normalizeTimestamp(usage.window.end) ?? usage.window.end;
  // A document given as input keeps its reference instant (the newest if several).
  const carried = fragments.map((f) => f.carriedAsOf).filter((t): t is string => typeof t === "string").sort();
  if (carried.length > 0) return carried[carried.length - 1]!;
  const collected = options.collectedAt === undefined ? null : normalizeTimestamp(options.collectedAt);
  if (collected) return collected;
  let newest: string | null = null;
  const consider = (t: string | null | undefined) => {
    if (t && (newest === null || t > newest)) newest = t;
  };
  for (const r of roles) {
    consider(r.createDate);
    consider(r.lastUsed?.date);
  }
  for (const f of functions) consider(f.lastModified);
  return newest;
}

/**
 * Per account, the regions whose whole function list the inputs hold, and whether those are all
 * the account's regions. A list counts only when its file was read in full (no unreadable record,
 * no missing page). Only a collection of every enabled region whose lists were all read is
 * complete: a hand-made export cannot say that no other region has functions.
 */
function functionCoverageOf(
  fragments: readonly SourceFragment[],
  incompleteFiles: ReadonlySet<string | undefined>,
  collections: readonly CollectedFunctionLists[],
  versionsUnread: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
): Map<string, FunctionCoverage> {
  const coverage = new Map<string, { regions: Set<string>; complete: boolean; capacityProvidersUnread: Set<string>; listsFailed: Set<string>; allRegionsAsked: boolean; enabledRegionsUnknown: boolean; versionsUnread: Set<string> }>();
  const entry = (accountId: string) => {
    let e = coverage.get(accountId);
    if (!e) coverage.set(accountId, (e = { regions: new Set(), complete: false, capacityProvidersUnread: new Set(), listsFailed: new Set(), allRegionsAsked: false, enabledRegionsUnknown: false, versionsUnread: new Set() }));
    return e;
  };
  for (const [accountId, arns] of versionsUnread) for (const arn of arns) entry(accountId).versionsUnread.add(arn);
  // By resolved path: a manifest names its files relative to its folder, the inputs as given.
  const lists = new Map<string, SourceFragment>();
  for (const f of fragments) {
    if (!f.listedFunctionRegions || f.partial || incompleteFiles.has(f.source.path)) continue;
    lists.set(resolve(f.source.path), f);
    if (f.source.accountId) for (const r of f.listedFunctionRegions) entry(f.source.accountId).regions.add(r);
  }
  for (const c of collections) {
    const listed = new Set(
      c.lists
        .filter((l) => {
          const f = lists.get(resolve(l.file));
          return f !== undefined && (f.source.accountId === undefined || f.source.accountId === c.accountId);
        })
        .map((l) => l.region),
    );
    const e = entry(c.accountId);
    for (const r of listed) e.regions.add(r);
    for (const r of c.capacityProvidersUnread ?? []) e.capacityProvidersUnread.add(r);
    for (const r of c.listsFailed ?? []) e.listsFailed.add(r);
    if (c.allRegions) e.allRegionsAsked = true;
    if (c.enabledRegionsUnknown === true) e.enabledRegionsUnknown = true;
    if (c.allRegions && c.regions.length > 0 && c.regions.every((r) => listed.has(r))) e.complete = true;
  }
  for (const f of fragments) {
    for (const a of f.carriedAccounts ?? []) {
      if (!a.functionCoverage) continue;
      const e = entry(a.accountId);
      for (const r of a.functionCoverage.regions) e.regions.add(r);
      for (const r of a.functionCoverage.capacityProvidersUnread ?? []) e.capacityProvidersUnread.add(r);
      for (const r of a.functionCoverage.listsFailed ?? []) e.listsFailed.add(r);
      if (a.functionCoverage.allRegionsAsked) e.allRegionsAsked = true;
      if (a.functionCoverage.enabledRegionsUnknown) e.enabledRegionsUnknown = true;
      if (a.functionCoverage.complete) e.complete = true;
      for (const arn of a.functionCoverage.versionsUnread ?? []) e.versionsUnread.add(arn);
    }
  }
  return new Map(
    [...coverage].map(([id, e]) => [
      id,
      {
        regions: [...e.regions].sort(),
        complete: e.complete,
        ...(e.capacityProvidersUnread.size > 0 ? { capacityProvidersUnread: [...e.capacityProvidersUnread].sort() } : {}),
        // A region another input lists (a second collection, an export) is read after all.
        ...([...e.listsFailed].some((r) => !e.regions.has(r)) ? { listsFailed: [...e.listsFailed].filter((r) => !e.regions.has(r)).sort() } : {}),
        ...(e.allRegionsAsked && !e.complete ? { allRegionsAsked: true as const } : {}),
        // Another collection that did list the enabled regions settles it.
        ...(e.enabledRegionsUnknown && !e.allRegionsAsked && !e.complete ? { enabledRegionsUnknown: true as const } : {}),
        ...(e.versionsUnread.size > 0 ? { versionsUnread: [...e.versionsUnread].sort() } : {}),
      },
    ]),
  );
}

function accountsOf(roles: Role[], principals: Principal[], functions: LambdaFunction[], sources: SourceInfo[], coverage: ReadonlyMap<string, FunctionCoverage>): Account[] {
  const accounts = new Map<string, { partition: string; regions: Set<string>; iacOnly: boolean }>();
  // Located in a file of another kind (an export): not the templates' alone. A template's
  // entities may point at files that are no input of their own (a plan's `.tf` configuration).
  const otherFiles = new Set(sources.filter((s) => !IAC_KINDS.has(s.kind)).map((s) => s.path));
  const anyIac = sources.some((s) => IAC_KINDS.has(s.kind));
  const note = (arn: string, accountId: string, region: string | null, from: SourceLocation | null | undefined) => {
    if (!/^\d{12}$/.test(accountId)) return; // sanitised exports use labels like `aws`: not accounts
    const entry = accounts.get(accountId) ?? { partition: parseArn(arn)?.partition ?? "aws", regions: new Set<string>(), iacOnly: true };
    if (region) entry.regions.add(region);
    if (!anyIac || !from || otherFiles.has(from.file)) entry.iacOnly = false;
    accounts.set(accountId, entry);
  };
  for (const r of roles) note(r.arn, r.accountId, null, r.source);
  for (const p of principals) note(p.arn, p.accountId, null, p.source);
  for (const f of functions) note(f.arn, f.accountId, f.region, f.source);
  for (const s of sources) if (s.accountId && s.region && accounts.has(s.accountId)) accounts.get(s.accountId)!.regions.add(s.region);
  return [...accounts]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([accountId, e]) => {
      const c = coverage.get(accountId) ?? { regions: [], complete: false };
      return { accountId, partition: e.partition, regions: [...e.regions].sort(), functionCoverage: e.iacOnly && c.regions.length === 0 && !c.complete ? { ...c, definedByIac: true as const } : c };
    });
}

/** Sources whose functions are the ones a deployment defines (templates, plans). */
const IAC_KINDS = new Set<SourceInfo["kind"]>(["cloudformation", "terraform-plan"]);

function sortSources(sources: SourceInfo[]): SourceInfo[] {
  const unique = new Map<string, SourceInfo>();
  for (const s of sources) unique.set(`${s.path}\u0000${s.sha256}`, unique.get(`${s.path}\u0000${s.sha256}`) ?? s);
  return [...unique.values()].sort((a, b) => compareStrings(a.path, b.path) || compareStrings(a.sha256, b.sha256));
}

function sortWarnings(warnings: Warning[]): Warning[] {
  const key = (w: Warning) => [w.file ?? "", w.path ?? "", w.code, w.severity, w.message].join("\u0000");
  const unique = new Map<string, Warning>();
  for (const w of warnings) if (!unique.has(key(w))) unique.set(key(w), w);
  return [...unique.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, w]) => w);
}

/** An IAM role ARN (any account, path), or an IaC reference that stands for one (`${aws_iam_role.x.arn}`). */
/** The role ARN is a placeholder `${X…}` of a name its template's reader found undefined (cloudformation-undefined-reference). */
function undefinedInTemplate(roleArn: string, file: string | undefined, warnings: readonly Warning[]): boolean {
  const names = [...roleArn.matchAll(/\$\{([A-Za-z0-9]+)[.}]/g)].map((m) => m[1] as string);
  return names.length > 0 && warnings.some((w) => w.code === "cloudformation-undefined-reference" && w.file === file && names.some((n) => w.message.startsWith(`${n} is neither`)));
}

function explainedReference(roleArn: string, file: string | undefined, warnings: readonly Warning[]): boolean {
  const refs = [...roleArn.matchAll(/\$\{[^}]+\}/g)].map((m) => m[0]);
  // Only a warning that makes the inputs partial (terraform-unknown-role, cloudformation-missing-role:
  // model/warning-label.ts) explains it: the reports
  // give such warnings as the reasons the audit is partial, and another (a note that merely names
  // the reference) would leave the partial audit without one.
  return refs.length > 0 && warnings.some((w) => w.file === file && w.code !== "role-not-in-inputs" && makesPartial(w) && refs.some((r) => w.message.includes(r)));
}

function isRoleArnOrReference(arn: string): boolean {
  return /^arn:[a-z-]+:iam::[^:]*:role\/.+/.test(arn) || arn.includes("${");
}

/**
 * Per role ARN, the Lambda resources other than functions that run with it: distinct, sorted by
 * kind then resource. Uses of roles the inputs do not hold are dropped with them (no rule reads a
 * role that is not in the document).
 */
function lambdaServiceUsesByRole(records: readonly RoleUseRecord[]): Map<string, LambdaServiceUse[]> {
  const byRole = new Map<string, Map<string, LambdaServiceUse>>();
  for (const { roleArn, kind, resource } of records) {
    const uses = byRole.get(roleArn) ?? new Map<string, LambdaServiceUse>();
    uses.set(`${kind}\u0000${resource}`, { kind, resource });
    byRole.set(roleArn, uses);
  }
  const out = new Map<string, LambdaServiceUse[]>();
  for (const [arn, uses] of byRole) out.set(arn, [...uses.values()].sort((a, b) => compareStrings(a.kind, b.kind) || compareStrings(a.resource, b.resource)));
  return out;
}

/**
 * A function whose resource policy (or an alias's or version's) the collection failed to read
 * (lambda:GetPolicy denied, throttled past retries): `resourcePolicy` then holds what was read, and
 * a rule must not read "no statement" as "nobody may call it" (LR012).
 */
function markUnreadPolicies(functions: Iterable<LambdaFunction>, collections: readonly CollectedFunctionLists[]): void {
  const unread = new Set<string>();
  for (const c of collections) for (const u of c.unreadPolicies ?? []) unread.add(`${c.accountId}\u0000${u.region}\u0000${u.target.split(":")[0] ?? u.target}`);
  if (unread.size === 0) return;
  for (const fn of functions) if (unread.has(`${fn.accountId}\u0000${fn.region}\u0000${fn.name}`)) fn.resourcePolicyUnread = true;
}

/**
 * A function whose get-policy file (of the function, an alias or a version, in collect's or
 * cloudmapper's layout) could not be read: damaged, not JSON, or a policy the reader refuses. The
 * error warning names the file; what the policy grants is unknown, not "no statement", exactly as
 * when lambda:GetPolicy failed (LR012 must not call a URL with AuthType NONE private). Matched by
 * region and name from the path, in any account: the path does not say the account, and marking
 * one too many is a hedge, not a wrong claim.
 */
function markUnreadPolicyFiles(functions: Iterable<LambdaFunction>, warnings: readonly Warning[]): void {
  const unread = new Set<string>();
  for (const w of warnings) {
    // A damaged file met in a folder walk is a warning (read-sources.ts), named one an error: unread either way.
    if ((w.severity !== "error" && w.code !== "unreadable-file") || !w.file) continue;
    const c = pathContext(w.file);
    if (c.service !== "lambda" || (c.call !== "get-policy" && c.call !== "lambda-get-policy") || c.parameter === null) continue;
    const t = fromPath(c);
    if (t.functionName !== null && t.region !== null) unread.add(`${t.region}\u0000${t.functionName}`);
  }
  if (unread.size === 0) return;
  for (const fn of functions) if (unread.has(`${fn.region}\u0000${fn.name}`)) fn.resourcePolicyUnread = true;
}

/**
 * Functions Lambda@Edge may run (LambdaFunction.lambdaAtEdge): their role trusts
 * edgelambda.amazonaws.com, and they are where Lambda@Edge functions are made (us-east-1; a
 * template's region is `unknown`). Set or cleared every time, so that a canonical document
 * normalised again says what its roles say.
 */
function markLambdaAtEdge(functions: LambdaFunction[], roles: readonly Role[], earliest: number | null): void {
  const edge = new Set(roles.filter((r) => trustsLambdaAtEdge(r.trustPolicy, earliest)).map((r) => r.arn));
  for (const fn of functions) {
    if (edge.has(fn.roleArn) && (fn.region === "us-east-1" || fn.region === "unknown")) fn.lambdaAtEdge = true;
    else delete fn.lambdaAtEdge;
  }
}
