/**
 * IAM Access Analyzer unused-access findings: `aws accessanalyzer get-finding-v2` output (one
 * finding with `findingDetails`), a list of them, or `list-findings-v2` pages (summaries: their
 * findings have no details and are not used, see unusedWithoutDetails; input-formats.md §5), or
 * `{analyzer, findings}` with their analyzer as get-analyzer prints it, as `leastrole collect`
 * writes them (its unusedAccessAge: analyzerAgeOf). Only unused-access findings about roles are kept (not users'); the model's
 * `unusedPermissionDetails.actions[].action` has no service prefix and is joined here.
 */

import { printable } from "../printable.js";
import { usageTime } from "./access-advisor.js";
import { dotnetTypeName, enumValue } from "./powershell.js";

export interface AccessAnalyzerFinding {
  id: string;
  /** The role (or user) ARN the finding is about. */
  resource: string;
  findingType: "UnusedPermission" | "UnusedIAMRole";
  status: string;
  analyzedAt: string | null;
  /** UnusedPermission: per service, unused actions (`prefix:Action`) or null = whole service; `lastAccessed` null: none given (lastAccessed). */
  services: { namespace: string; lastAccessed: string | null; actions: { action: string; lastAccessed: string | null }[] | null }[];
  /** UnusedIAMRole: when the role was last used; null when the finding gives no time (lastAccessed). */
  roleLastAccessed: string | null;
  /**
   * A list-findings-v2 summary (FindingSummaryV2: no `findingDetails`): of an UnusedIAMRole
   * finding, `roleLastAccessed` null is then not "never accessed" but not known (unusedWithoutDetails).
   */
  withoutDetails?: true;
  /**
   * The analyzer's `unusedAccessAge` (days, 1 to 365: UnusedAccessConfiguration), when the file
   * gives the analyzer beside its findings (analyzerAgeOf): the finding says its permissions went
   * unused for that long before `analyzedAt`. No finding gives it; unset when not known.
   */
  unusedAccessAge?: number;
  /** The file it was read from (set by the usage reader): a finding about a role not audited is said per file. */
  file?: string;
}

type Obj = { [k: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const s = (v: unknown): string | null => (typeof v === "string" ? v : null);
/** A time as the usage stage writes them (access-advisor.ts, usageTime); null when absent or unreadable (analyzedAt: only a bound). */
const time = (v: unknown): string | null => usageTime(v) ?? null;
/**
 * A last access (`lastAccessed`), null when absent. The Access Analyzer API Reference says only
 * "The time at which the action [permission, role] was last accessed" (UnusedAction,
 * UnusedPermissionDetails, UnusedIamRoleDetails; not required), not what its absence means: no
 * access the analyzer knows of, not "never accessed", which it does not claim. So null is read as
 * no more than the analyzer's unusedAccessAge when that is known, and as agreement only when not
 * (labels.ts, analyzerQuietFrom). One that is there but no timestamp is an error: read as absent,
 * an access inside the window would count as agreement that the permission went unused in it.
 */
function lastAccessed(v: unknown, where: string): string | null {
  const t = usageTime(v);
  if (t === undefined) throw new Error(`${where}.lastAccessed ${JSON.stringify(v)} is not a timestamp`);
  return t;
}
const ROLE = /^arn:[^:]+:iam::\d{12}:role\/.+$/;
/**
 * A finding about a role. An analyzer's findings cover IAM users too (resourceType AWS::IAM::User):
 * labels are keyed by account and role name, so a user named like a role had its findings taken
 * for the role's.
 */
const isRoleFinding = (f: Obj): boolean => typeof f.resource === "string" && ROLE.test(f.resource) && (f.resourceType === undefined || f.resourceType === "AWS::IAM::Role");

/**
 * Access Analyzer output as AWS Tools for PowerShell writes it, in the AWS CLI's form (the API's
 * camelCase keys), else `doc` itself. `Get-IAMAAFindingV2`, `Get-IAMAAFindingsV2List`,
 * `Get-IAMAAAnalyzer` and `Get-IAMAAAnalyzerList` return the AWS SDK for .NET's objects, which
 * `ConvertTo-Json` writes with their PascalCase property names (`Id`, `FindingType`,
 * `FindingDetails`, `UnusedPermissionDetails`, `ServiceNamespace`, `LastAccessed`,
 * `Configuration.UnusedAccess.UnusedAccessAge`) and their enums (ConstantClass objects) as
 * `{"Value": "UnusedPermission"}`; an analyzer comes bare (AnalyzerSummary), not in the CLI's
 * `{analyzer}` or `{analyzers}`. Their times (`/Date(ms)/` from Windows PowerShell, ISO 8601 with
 * an offset from PowerShell 7, .NET's DateTime.MinValue for one the response left out) are read by
 * usageTime. Before, every such file was "not CloudTrail, usage rows, Access Advisor or Access
 * Analyzer data" and made the usage partial. Keys are renamed everywhere but under `Tags` (the
 * user's own).
 */
export function fromPowerShell(doc: unknown): unknown {
  if (!isPowerShellAccessAnalyzer(doc)) return doc;
  const out = camel(doc);
  if (isObj(out) && isBareAnalyzer(out)) return { analyzer: out };
  // `@{Analyzer = …; Findings = Get-IAMAAFindingV2 …}`: PowerShell unrolls a list of one into the
  // finding itself unless written `@(…)`.
  if (isObj(out) && isObj(out.findings)) return { ...out, findings: [out.findings] };
  if (Array.isArray(out) && out.length > 0 && out.every(isBareAnalyzer)) return { analyzers: out };
  return out;
}

const PASCAL_MARKS = ["FindingType", "FindingDetails", "Findings", "Analyzer", "Analyzers"];
/** PowerShell's AnalyzerSummary: an `Arn` of an analyzer and a `Type`. */
const isPascalAnalyzer = (v: unknown): boolean => isObj(v) && typeof v.Arn === "string" && ANALYZER_ARN.test(v.Arn) && v.Type !== undefined;
function isPowerShellAccessAnalyzer(doc: unknown): boolean {
  const one = (v: unknown): boolean => isObj(v) && (PASCAL_MARKS.some((k) => k in v) || isPascalAnalyzer(v)) && !("findingType" in v) && !("findings" in v) && !("analyzer" in v);
  return Array.isArray(doc) ? doc.length > 0 && doc.every(one) : one(doc);
}
const isBareAnalyzer = (v: unknown): boolean => isObj(v) && typeof v.arn === "string" && ANALYZER_ARN.test(v.arn) && typeof v.type === "string";

/**
 * Keys with their first letter lowercased and `{"Value": "…"}` as its string, but under `Tags`. An
 * empty list is left out: the AWS SDK for .NET (v3, under AWS Tools for PowerShell 4) gives a list
 * the response left out as an empty one, so a service unused as a whole (no `actions`, Access
 * Analyzer API Reference, UnusedPermissionDetails) came as `"Actions": []`, a service none of whose
 * actions the finding names.
 */
function camel(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camel);
  if (!isObj(v)) return v;
  const value = enumValue(v);
  if (value !== v) return value;
  const keys = Object.keys(v);
  const out: Obj = {};
  for (const k of keys) {
    if (Array.isArray(v[k]) && (v[k] as unknown[]).length === 0) continue;
    const name = k.length > 0 ? k[0]!.toLowerCase() + k.slice(1) : k;
    out[name] = k === "Tags" ? v[k] : camel(v[k]);
  }
  return out;
}

const DOTNET_TYPE_NAME = dotnetTypeName("AccessAnalyzer");

/**
 * Throws when a finding's details are .NET type names: `ConvertTo-Json` without `-Depth` (2)
 * stops above them (`"FindingDetails": ["Amazon.AccessAnalyzer.Model.FindingDetails"]`, or a
 * deeper `UnusedPermissionDetails` or `Actions`). Read as they are, an UnusedPermission finding
 * named no service, and a role finding gave no last access, as if the analyzer knew of none.
 */
function refuseDepthCut(v: unknown, where: string): void {
  if (typeof v === "string" && DOTNET_TYPE_NAME.test(v)) {
    throw new Error(`${where} is a .NET type name (${JSON.stringify(v.split(" ")[0])}): PowerShell's ConvertTo-Json wrote what lay below its -Depth (2 unless given) as type names, so the finding's services, actions and times are missing; export again with ConvertTo-Json -Depth 10`);
  }
}

export function isAccessAnalyzerOutput(doc: unknown): boolean {
  const one = (f: unknown): boolean => isObj(f) && typeof f.findingType === "string" && (Array.isArray(f.findingDetails) || typeof f.resource === "string");
  if (Array.isArray(doc)) return doc.length > 0 && doc.every(one);
  if (!isObj(doc)) return false;
  if (Array.isArray(doc.findings)) return doc.findings.every(one);
  return one(doc);
}

/**
 * Ids of the unused-access findings of `type` that carry no `findingDetails`: what
 * `list-findings-v2` returns (FindingSummaryV2 has no details; only `get-finding-v2` gives them,
 * Access Analyzer API Reference, GetFindingV2). An UnusedPermission one names no service or
 * action. An UnusedIAMRole one does not give the role's `lastAccessed` (UnusedIamRoleDetails): it
 * says only that the role went unused for the analyzer's `unusedAccessAge` before its scan ("any
 * access that hasn't been used in 90 or more days since the analyzer's last scan", 1 to 365 days:
 * UnusedAccessConfiguration), an age neither the summary nor the finding gives, which may be
 * shorter than the window. Neither can be used.
 */
export function unusedWithoutDetails(doc: unknown, type: "UnusedPermission" | "UnusedIAMRole"): string[] {
  const list: unknown[] = Array.isArray(doc) ? doc : isObj(doc) && Array.isArray(doc.findings) ? doc.findings : [doc];
  return list.filter((f): f is Obj => isObj(f) && f.findingType === type && !Array.isArray(f.findingDetails) && isRoleFinding(f) && !isError(f)).map((f, i) => s(f.id) ?? `#${i}`);
}

/**
 * JSON paths of the pagination tokens that say the output is cut: `nextToken` as the API answers
 * (ListFindingsV2 while more findings follow; GetFindingV2 while more of the finding's
 * `findingDetails` follow, Access Analyzer API Reference), as `aws … --no-paginate` prints it, or
 * `NextToken`, which the AWS CLI writes instead when `--max-items` cut its own paging. Without
 * either option the CLI fetches every page and prints no token. Of a list of get-finding-v2
 * outputs, each one's own.
 */
export function accessAnalyzerNextTokens(doc: unknown): string[] {
  const token = (v: unknown): string | undefined => (isObj(v) ? (["nextToken", "NextToken"] as const).find((k) => typeof v[k] === "string" && v[k] !== "") : undefined);
  if (Array.isArray(doc)) return doc.flatMap((f, i) => (token(f) === undefined ? [] : [`[${i}].${token(f)!}`]));
  const key = token(doc);
  return key === undefined ? [] : [key];
}

/**
 * The unused-access findings about roles that are error findings, as `id (error)`: a finding with
 * `error` set (INTERNAL_ERROR, ACCESS_DENIED) says the analyzer could not analyze the role ("When
 * IAM Access Analyzer is not able to analyze a resource, it generates an error finding", IAM User
 * Guide, "IAM Access Analyzer error findings"; GetFindingV2 and FindingSummaryV2 `error`), not that
 * it went unused: AWS's own example is an UnusedIAMRole finding with error INTERNAL_ERROR.
 */
export function accessAnalyzerErrorFindings(doc: unknown): string[] {
  const list: unknown[] = Array.isArray(doc) ? doc : isObj(doc) && Array.isArray(doc.findings) ? doc.findings : [doc];
  return list.flatMap((f, i) => (isObj(f) && isUnusedAccessType(f.findingType) && isRoleFinding(f) && isError(f) ? [`${s(f.id) ?? `#${i}`} (${printable(f.error)})`] : []));
}

const isUnusedAccessType = (t: unknown): t is "UnusedPermission" | "UnusedIAMRole" => t === "UnusedPermission" || t === "UnusedIAMRole";
/** An error finding: `error` set (a string; anything else there but null is taken for one too). */
const isError = (f: Obj): boolean => f.error !== undefined && f.error !== null && f.error !== "";

/**
 * The analyzer's `unusedAccessAge` in days, when the findings come with their analyzer: an object
 * with `findings` and `analyzer`, the analyzer as `aws accessanalyzer get-analyzer` prints it and
 * the SDK's GetAnalyzer or ListAnalyzers answers it (`configuration.unusedAccess.unusedAccessAge`,
 * Access Analyzer API Reference, AnalyzerSummary, UnusedAccessConfiguration), which is how
 * `leastrole collect` writes them. Undefined when not given: no finding names its analyzer or its
 * age (GetFindingV2), so none is guessed (the console's default of 90 days included). One that is
 * there but no whole number of days from 1 to 365 is an error: read as absent, it would be lost
 * unsaid; read as some other span, a finding would prove unused what it does not.
 */
export function analyzerAgeOf(doc: unknown): number | undefined {
  if (!isObj(doc) || !Array.isArray(doc.findings) || doc.analyzer === undefined || doc.analyzer === null) return undefined;
  if (!isObj(doc.analyzer)) throw new Error(`analyzer ${printable(doc.analyzer)} is not an analyzer (aws accessanalyzer get-analyzer output's "analyzer")`);
  const config = doc.analyzer.configuration;
  const unused = isObj(config) ? config.unusedAccess : undefined;
  if (!isObj(unused) || unused.unusedAccessAge === undefined || unused.unusedAccessAge === null) return undefined;
  const age = unused.unusedAccessAge;
  if (typeof age !== "number" || !Number.isInteger(age) || age < 1 || age > 365) throw new Error(`analyzer.configuration.unusedAccess.unusedAccessAge ${JSON.stringify(age)} is not a number of days from 1 to 365`);
  return age;
}

/** How the message of an analyzer given without its findings starts (read-sources.ts makes it a warning: the user meant to give usage data). */
export const ACCESS_ANALYZER_WITHOUT_FINDINGS = "aws accessanalyzer get-analyzer/list-analyzers output";

/**
 * How the message of a listing of external-access analyzers only (type ACCOUNT or ORGANIZATION)
 * starts: no unused-access data was meant, and collectors save that listing as a matter of course
 * (cloudmapper's collect writes accessanalyzer list-analyzers), so it is an info, as before.
 */
export const ACCESS_ANALYZER_NOT_UNUSED = `${ACCESS_ANALYZER_WITHOUT_FINDINGS} of no unused-access analyzer`;

const ANALYZER_ARN = /^arn:[^:]+:access-analyzer:/;

/**
 * What to say of `aws accessanalyzer get-analyzer` (`{analyzer}`) or `list-analyzers`
 * (`{analyzers: [...]}`) output given alone, else null. It holds no finding, only the
 * unusedAccessAge its findings speak of (analyzerAgeOf), which no finding names its analyzer to be
 * joined by: it is read with them, in one file. Before, it was "not an input leastrole reads"
 * (named on the command line, exit code 2) and, to the usage reader, a file that made the usage
 * partial.
 */
export function accessAnalyzerWithoutFindingsHint(values: unknown[]): string | null {
  if (values.length !== 1) return null;
  const v = fromPowerShell(values[0]);
  if (!isObj(v)) return null;
  if (Array.isArray(v.findings)) return null;
  const one = isObj(v.analyzer) && typeof v.analyzer.arn === "string" && ANALYZER_ARN.test(v.analyzer.arn);
  const list = Array.isArray(v.analyzers) && v.analyzers.length > 0 && v.analyzers.every((a) => isObj(a) && typeof a.arn === "string" && ANALYZER_ARN.test(a.arn));
  if (!one && !list) return null;
  const analyzers = (one ? [v.analyzer] : (v.analyzers as unknown[])) as Obj[];
  const unused = analyzers.filter((a) => typeof a.type === "string" && a.type.endsWith("_UNUSED_ACCESS"));
  if (unused.length === 0) return `${ACCESS_ANALYZER_NOT_UNUSED} (${[...new Set(analyzers.map((a) => printable(a.type)))].sort().join(", ")}): no unused-access data, not used`;
  const said = unused.map((a) => {
    const u = isObj(a.configuration) && isObj(a.configuration.unusedAccess) ? a.configuration.unusedAccess.unusedAccessAge : undefined;
    return `${printable(a.name ?? a.arn)}: unusedAccessAge ${typeof u === "number" ? `${u} days` : "not given"}`;
  });
  const pick = one ? ".[0].analyzer" : `(.[0].analyzers[] | select(.name == ${JSON.stringify(String(unused[0]!.name ?? ""))}))`;
  const head = `${ACCESS_ANALYZER_WITHOUT_FINDINGS} (${said.join("; ")}) holds no finding, only the span its findings say their permissions went unused, which no finding gives or names its analyzer for: it is read with them, in one file, not used alone.`;
  // Written by PowerShell: the same file made in PowerShell, where jq is seldom at hand.
  if (isPowerShellAccessAnalyzer(values[0])) {
    return `${head} Give @{Analyzer = Get-IAMAAAnalyzer -AnalyzerName ${printable(unused[0]!.name ?? "<name>")}; Findings = @(Get-IAMAAFindingV2 -AnalyzerArn ${printable(unused[0]!.arn)} -Id <id> …)} | ConvertTo-Json -Depth 10 (leastrole collect --access-analyzer writes them so)`;
  }
  return `${head} Give jq -s '{analyzer: ${pick}, findings: .[1:]}' <this file> <get-finding-v2 outputs> (leastrole collect --access-analyzer writes them so)`;
}

/** Unused-access findings in the document; other finding types and error findings are ignored. */
export function parseAccessAnalyzer(doc: unknown): AccessAnalyzerFinding[] {
  const list: unknown[] = Array.isArray(doc) ? doc : isObj(doc) && Array.isArray(doc.findings) ? doc.findings : [doc];
  const age = analyzerAgeOf(doc);
  const out: AccessAnalyzerFinding[] = [];
  list.forEach((f, i) => {
    if (!isObj(f)) throw new Error(`finding ${i} is not an object`);
    const type = f.findingType;
    if (type !== "UnusedPermission" && type !== "UnusedIAMRole") return;
    const resource = s(f.resource);
    if (resource === null) throw new Error(`finding ${i} (${printable(f.id)}): no resource`);
    if (!isRoleFinding(f)) return;
    // The analyzer could not analyze the role (accessAnalyzerErrorFindings): no evidence of anything.
    if (isError(f)) return;
    const services: AccessAnalyzerFinding["services"] = [];
    let roleLastAccessed: string | null = null;
    refuseDepthCut(f.findingDetails, `finding ${i} (${printable(f.id)}) findingDetails`);
    const details = Array.isArray(f.findingDetails) ? f.findingDetails : [];
    details.forEach((d, j) => {
      const where = `finding ${i} (${printable(f.id)}) findingDetails[${j}]`;
      refuseDepthCut(d, where);
      if (!isObj(d)) return;
      const u = d.unusedPermissionDetails;
      refuseDepthCut(u, `${where}.unusedPermissionDetails`);
      refuseDepthCut(d.unusedIamRoleDetails, `${where}.unusedIamRoleDetails`);
      if (isObj(u)) refuseDepthCut(u.actions, `${where}.unusedPermissionDetails.actions`);
      if (isObj(u) && Array.isArray(u.actions)) u.actions.forEach((a, k) => refuseDepthCut(a, `${where}.unusedPermissionDetails.actions[${k}]`));
      if (isObj(u) && typeof u.serviceNamespace === "string") {
        const ns = u.serviceNamespace;
        services.push({
          namespace: ns,
          lastAccessed: lastAccessed(u.lastAccessed, `${where}.unusedPermissionDetails`),
          actions: Array.isArray(u.actions)
            ? u.actions.map((a, k) => [a, k] as const).filter(([a]) => isObj(a) && typeof a.action === "string").map(([a, k]) => ({ action: `${ns}:${(a as Obj).action as string}`, lastAccessed: lastAccessed((a as Obj).lastAccessed, `${where}.unusedPermissionDetails.actions[${k}]`) }))
            : null,
        });
      }
      const r = d.unusedIamRoleDetails;
      if (isObj(r)) roleLastAccessed = lastAccessed(r.lastAccessed, `${where}.unusedIamRoleDetails`);
    });
    out.push({
      id: s(f.id) ?? `#${i}`,
      resource,
      findingType: type,
      status: s(f.status) ?? "ACTIVE",
      analyzedAt: time(f.analyzedAt),
      services: services.sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0)),
      roleLastAccessed,
      ...(age !== undefined ? { unusedAccessAge: age } : {}),
      ...(Array.isArray(f.findingDetails) ? {} : { withoutDetails: true as const }),
    });
  });
  return out;
}

/**
 * The EventBridge events IAM Access Analyzer sends of its findings (source `aws.access-analyzer`;
 * IAM User Guide, "Monitoring AWS Identity and Access Management Access Analyzer with Amazon
 * EventBridge", https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-eventbridge.html):
 * "Unused Access Finding for IAM entities", "Access Analyzer Finding" (external access) and
 * "Internal Access Finding". An unused-access event names the finding (`findingId`), its resource
 * and type, and counts the unused services and actions (`numberOfUnusedServices`,
 * `numberOfUnusedActions`), but names none of them: no service, action or time to agree with a
 * label. What to say of a file of them (one event, a list, or one per line), else null. Before,
 * an event was taken for a CloudTrail record in an EventBridge envelope ("record skipped: missing
 * eventTime") by the usage reader, and for "a Lambda event payload" by the account readers.
 */
/** How the message of unused-access finding events starts (read-sources.ts makes it a warning: the data meant is not in the file). */
export const ACCESS_ANALYZER_UNUSED_EVENTS = 'IAM Access Analyzer "Unused Access Finding for IAM entities" EventBridge event';

export function accessAnalyzerEventsHint(values: unknown[]): string | null {
  const events = values.flatMap((v) => (Array.isArray(v) ? v : [v]));
  if (events.length === 0 || !events.every((e) => isObj(e) && e.source === "aws.access-analyzer" && typeof e["detail-type"] === "string" && isObj(e.detail))) return null;
  const details = (events as Obj[]).map((e) => ({ type: String(e["detail-type"]), detail: e.detail as Obj, analyzer: Array.isArray(e.resources) ? s(e.resources[0]) : null }));
  const unused = details.filter((d) => /^Unused Access Finding/i.test(d.type));
  if (unused.length === 0) {
    const types = [...new Set(details.map((d) => d.type))].sort().join(", ");
    return `IAM Access Analyzer EventBridge events (${types}) hold no unused-access data and are not used: give get-finding-v2 output of an unused-access analyzer's findings (aws accessanalyzer get-finding-v2 --analyzer-arn … --id … for each UnusedPermission finding)`;
  }
  const first = unused[0]!;
  const id = s(first.detail.findingId) ?? s(first.detail.id) ?? "<findingId>";
  const more = unused.length > 1 ? ` (and so for the other ${unused.length - 1})` : "";
  const one = unused.length === 1;
  return `${ACCESS_ANALYZER_UNUSED_EVENTS}${one ? "" : "s"} (${unused.length}) name${one ? "s" : ""} the finding${one ? "" : "s"}, ${one ? "its" : "their"} role and type (an UnusedPermission finding's only counts its unused services and actions), but no unused service or action and no time of last use, so ${one ? "it is" : "they are"} not used: give the finding itself, aws accessanalyzer get-finding-v2 --analyzer-arn ${first.analyzer ?? "<analyzer ARN>"} --id ${printable(id)}${more}`;
}
