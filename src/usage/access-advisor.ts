/**
 * IAM Access Advisor: `aws iam get-service-last-accessed-details --job-id …` output
 * (input-formats.md §4). The output does not name the role; it comes from the caller, from the
 * file name (a URL-encoded role ARN), from the cloudmapper layout (a sibling
 * `iam-generate-service-last-accessed-details/<url-encoded ARN>` file holding the JobId), or from
 * `LastAuthenticatedEntity` when every entry names the same role.
 */

import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { normaliseTime } from "./accumulate.js";
import { roleKeyOf } from "./attribution.js";
import { printable } from "../printable.js";
import { dotnetTypeName, enumValue } from "./powershell.js";
import { normalizeTimestamp } from "../sources/timestamps.js";

export interface AccessAdvisorService {
  namespace: string;
  lastAuthenticated: string | null;
  /** Action-level entries (ACTION_LEVEL jobs, tracked services only), `prefix:Action`. */
  actions: { action: string; lastAccessed: string | null }[] | null;
}

export interface AccessAdvisorReport {
  file: string;
  roleArn: string | null;
  jobType: "SERVICE_LEVEL" | "ACTION_LEVEL";
  /**
   * `JobCreationDate`: the instant the report's data runs to (less Access Advisor's lag). Optional
   * so that an aggregate cached before it was kept still reads (the labels then use `completedAt`).
   */
  createdAt?: string | null;
  completedAt: string | null;
  services: AccessAdvisorService[];
  /**
   * `IsTruncated` of its last page: more services follow on pages not given, so its services are
   * not all the role's (their times bound the role's last use from below, no more).
   */
  truncated?: boolean;
}

type Obj = { [k: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const ROLE = /^arn:[^:]+:iam::\d{12}:role\/.+$/;

export function isAccessAdvisorOutput(doc: unknown): boolean {
  return isObj(doc) && Array.isArray(doc.ServicesLastAccessed);
}

/**
 * A get-service-last-accessed-details output, by its top-level keys, whose job has not completed:
 * `JobStatus` and `JobCreationDate` without the services list (IN_PROGRESS or FAILED; the list is
 * required in the API's answer, but a client may leave an empty one out). Not the
 * `…-with-entities` output (EntityDetailsList) nor Organizations' access report (AccessDetails).
 */
export function isUnfinishedAccessAdvisorJob(keys: readonly string[]): boolean {
  return keys.includes("JobStatus") && keys.includes("JobCreationDate") && !keys.includes("ServicesLastAccessed") && !keys.includes("EntityDetailsList") && !keys.includes("AccessDetails");
}

/**
 * The pages of one output in a file: the output itself, or an array of outputs. The AWS CLI does
 * not paginate get-service-last-accessed-details for you: a role with more services than
 * `--max-items` (default 100; AdministratorAccess grants over 400) answers `IsTruncated: true`
 * and a `Marker` for the next call (IAM API Reference, GetServiceLastAccessedDetails), so one
 * report comes as several pages, kept in one file as an array or one after the other. Null when
 * `doc` is neither.
 */
export function accessAdvisorPages(doc: unknown): Obj[] | null {
  if (isAccessAdvisorOutput(doc)) return [withEnumValues(doc as Obj)];
  if (isObj(doc) && isUnfinishedAccessAdvisorJob(Object.keys(doc))) {
    const page = withEnumValues(doc);
    return page.JobStatus === "IN_PROGRESS" || page.JobStatus === "FAILED" ? [page] : null;
  }
  if (Array.isArray(doc) && doc.length > 0 && doc.every(isAccessAdvisorOutput)) return (doc as Obj[]).map(withEnumValues);
  return null;
}

/**
 * The page with `JobStatus` and `JobType` as the API's strings. The AWS SDK for .NET's enums are
 * ConstantClass objects, which PowerShell's ConvertTo-Json writes as `{"Value": "COMPLETED"}`
 * (Get-IAMServiceLastAccessedDetail | ConvertTo-Json): read as they were, every such export was
 * "job status is {"Value":"COMPLETED"}, not COMPLETED" and left out.
 */
function withEnumValues(page: Obj): Obj {
  if (!isObj(page.JobStatus) && !isObj(page.JobType)) return page;
  return { ...page, JobStatus: enumValue(page.JobStatus), JobType: enumValue(page.JobType) };
}

const DOTNET_TYPE_NAME = dotnetTypeName("IdentityManagement");

/**
 * Where the output has a .NET type name in place of a service's tracked actions, and the name:
 * `ConvertTo-Json` without `-Depth` (2) stops above them. Null when there is none. The services'
 * own times are there, so the report is still read at service level.
 */
export function depthCutTrackedActions(doc: Obj): { where: string; name: string } | null {
  const services = Array.isArray(doc.ServicesLastAccessed) ? doc.ServicesLastAccessed : [];
  for (let i = 0; i < services.length; i++) {
    const t = isObj(services[i]) ? (services[i] as Obj).TrackedActionsLastAccessed : undefined;
    if (typeof t === "string" && DOTNET_TYPE_NAME.test(t)) return { where: `ServicesLastAccessed[${i}].TrackedActionsLastAccessed`, name: t.split(" ")[0] as string };
  }
  return null;
}

/**
 * Pages of one job's output as one output: their services together, the last page's
 * `IsTruncated`. Throws when the pages are of different jobs (their creation dates differ).
 */
export function mergeAccessAdvisorPages(pages: readonly Obj[]): Obj {
  const first = pages[0] as Obj;
  if (pages.length === 1) return first;
  pages.forEach((p, i) => {
    if (p.JobCreationDate !== first.JobCreationDate) throw new Error(`page ${i + 1} is of another job (JobCreationDate ${printable(p.JobCreationDate)}, page 1: ${printable(first.JobCreationDate)})`);
  });
  const last = pages[pages.length - 1] as Obj;
  return { ...first, IsTruncated: last.IsTruncated, Marker: last.Marker, ServicesLastAccessed: pages.flatMap((p) => p.ServicesLastAccessed as unknown[]) };
}

/** Parse one output; `roleArn` when the caller knows it. Throws a message for bad shapes. */
export function parseAccessAdvisor(doc: unknown, file: string, roleArn: string | null = null): AccessAdvisorReport {
  if (!isObj(doc) || !Array.isArray(doc.ServicesLastAccessed)) throw new Error("not a get-service-last-accessed-details output");
  if (doc.JobStatus !== undefined && doc.JobStatus !== "COMPLETED") throw new Error(`job status is ${printable(doc.JobStatus)}, not COMPLETED`);
  const services: AccessAdvisorService[] = [];
  const entities = new Set<string>();
  doc.ServicesLastAccessed.forEach((s, i) => {
    if (!isObj(s) || typeof s.ServiceNamespace !== "string") throw new Error(`ServicesLastAccessed[${i}]: no ServiceNamespace`);
    if (typeof s.LastAuthenticatedEntity === "string") entities.add(s.LastAuthenticatedEntity);
    const tracked = Array.isArray(s.TrackedActionsLastAccessed)
      ? s.TrackedActionsLastAccessed.map((a, j) => [a, j] as const).filter(([a]) => isObj(a) && typeof a.ActionName === "string").map(([a, j]) => {
          const where = `ServicesLastAccessed[${i}].TrackedActionsLastAccessed[${j}]`;
          const lastAccessed = timeOrNull((a as Obj).LastAccessedTime, `${where}.LastAccessedTime`);
          if (lastAccessed === null) noTimeLost(a as Obj, ["LastAccessedEntity", "LastAccessedRegion"], `${where} (${(a as Obj).ActionName as string})`, "LastAccessedTime");
          // ActionName has no service prefix (§4): joined with ServiceNamespace here.
          return { action: `${s.ServiceNamespace as string}:${(a as Obj).ActionName as string}`, lastAccessed };
        })
      : null;
    const lastAuthenticated = timeOrNull(s.LastAuthenticated, `ServicesLastAccessed[${i}].LastAuthenticated`);
    if (lastAuthenticated === null) noTimeLost(s, ["TotalAuthenticatedEntities", "LastAuthenticatedEntity", "LastAuthenticatedRegion"], `ServicesLastAccessed[${i}] (${s.ServiceNamespace})`, "LastAuthenticated");
    services.push({ namespace: s.ServiceNamespace, lastAuthenticated, actions: tracked });
  });
  // `Arn`: the role as `leastrole collect` names it beside the job's output (its file is named by
  // the role's name, which is not enough to find the role).
  const named = typeof doc.Arn === "string" && ROLE.test(doc.Arn) ? doc.Arn : null;
  let role = roleArn ?? named ?? roleFromFileName(file) ?? roleFromCloudmapperLayout(file);
  if (role === null && entities.size === 1) {
    const only = [...entities][0] as string;
    if (ROLE.test(only)) role = only;
  }
  return {
    file,
    roleArn: role,
    jobType: doc.JobType === "ACTION_LEVEL" ? "ACTION_LEVEL" : "SERVICE_LEVEL",
    createdAt: usageTime(doc.JobCreationDate) ?? null,
    completedAt: usageTime(doc.JobCompletionDate) ?? null,
    services: services.sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0)),
    ...(doc.IsTruncated === true ? { truncated: true } : {}),
  };
}

/**
 * A last-access time, or null when there is none. One that is there but is no timestamp is an
 * error: read as "never accessed", it would make a used permission look unused.
 */
function timeOrNull(v: unknown, where: string): string | null {
  const t = usageTime(v);
  if (t === undefined) throw new Error(`${where} ${JSON.stringify(v)} is not a timestamp`);
  return t;
}

/**
 * Throws when an entry without its time says it was accessed (an entity, a Region, a count above 0):
 * its time was lost on the way (a script's `json.dumps(..., default=lambda o: None)` keeps boto3's
 * counts and strings, and writes its datetimes as null). Read as "not accessed in the tracking
 * period", it would call unused what the report says was used.
 */
function noTimeLost(entry: Obj, keys: readonly string[], where: string, timeKey: string): void {
  const said = keys.filter((k) => (typeof entry[k] === "number" && (entry[k] as number) > 0) || (typeof entry[k] === "string" && entry[k] !== "")).map((k) => `${k} ${printable(entry[k])}`);
  if (said.length > 0) throw new Error(`${where} was accessed (${said.join(", ")}) but has no ${timeKey}: the time of that access is missing, so the report cannot say what was not accessed since; export it again with its times`);
}

/**
 * A time in any form the tools that fetch these reports write (sources/timestamps.ts: the CLI's ISO
 * with offset, boto3's `str(datetime)`, epoch seconds or milliseconds as Jackson writes them,
 * PowerShell's `/Date(ms)/`), in the usage stage's form (whole seconds, `Z`); null when absent,
 * .NET's DateTime.MinValue included (PowerShell's unset time: a tracked action never accessed);
 * undefined when it is no timestamp. Before, only text was read, as JavaScript's Date.parse reads
 * it: epoch milliseconds as text were seconds (the year 58878, which sorts as text before every
 * window: a service used yesterday was "last accessed before the window"), numbers refused the
 * whole report, and MinValue was an access in the year 1.
 */
export function usageTime(v: unknown): string | null | undefined {
  const t = normalizeTimestamp(v);
  return t === null || t === undefined ? t : (normaliseTime(t) ?? undefined);
}

/**
 * Why the output is not the report of `roleArn` (null when nothing says so). For a role's report,
 * `LastAuthenticatedEntity` is "the role ARN that you used to generate the report" (IAM API
 * Reference, GetServiceLastAccessedDetails), and `TotalAuthenticatedEntities` counts that role
 * alone. An entity that is not the role the file name (or `Arn`) says, a role or a user (a user's
 * or group's report, or a policy's that several entities use), or a service accessed by more than
 * one entity means the file is about something else: merged, its times would be taken for the
 * role's, and its services not accessed for services the role did not use.
 */
export function notTheRolesReport(doc: Obj, roleArn: string): string | null {
  const named = new Set<string>();
  let shared: string | null = null;
  for (const s of Array.isArray(doc.ServicesLastAccessed) ? doc.ServicesLastAccessed : []) {
    if (!isObj(s)) continue;
    if (typeof s.LastAuthenticatedEntity === "string") named.add(s.LastAuthenticatedEntity);
    for (const a of Array.isArray(s.TrackedActionsLastAccessed) ? s.TrackedActionsLastAccessed : []) if (isObj(a) && typeof a.LastAccessedEntity === "string") named.add(a.LastAccessedEntity);
    if (shared === null && typeof s.TotalAuthenticatedEntities === "number" && s.TotalAuthenticatedEntities > 1) {
      shared = `its service ${printable(s.ServiceNamespace)} was accessed by ${s.TotalAuthenticatedEntities} entities (TotalAuthenticatedEntities), where a role's report counts the role alone (a policy's, a group's or a user's report counts several)`;
    }
  }
  const own = roleKeyOf(roleArn);
  const other = [...named].sort().find((e) => e.startsWith("arn:") && !(ROLE.test(e) && roleKeyOf(e) === own));
  return other !== undefined ? `it names ${other} as the entity that accessed services` : shared;
}

function roleFromFileName(file: string): string | null {
  try {
    const name = decodeURIComponent(basename(file).replace(/\.json$/, ""));
    return ROLE.test(name) ? name : null;
  } catch {
    return null;
  }
}

/** cloudmapper: `…/iam-get-service-last-accessed-details/<JobId>` ↔ `…/iam-generate-…/<ARN>`. */
function roleFromCloudmapperLayout(file: string): string | null {
  const dir = dirname(file);
  if (basename(dir) !== "iam-get-service-last-accessed-details") return null;
  const jobId = basename(file).replace(/\.json$/, "");
  const genDir = join(dirname(dir), "iam-generate-service-last-accessed-details");
  let names: string[];
  try {
    names = readdirSync(genDir);
  } catch {
    return null;
  }
  for (const n of names) {
    try {
      const j = JSON.parse(readFileSync(join(genDir, n), "utf8")) as unknown;
      if (isObj(j) && j.JobId === jobId) {
        const arn = decodeURIComponent(n.replace(/\.json$/, ""));
        return ROLE.test(arn) ? arn : null;
      }
    } catch {
      // Unreadable sibling: not our concern here; the join just fails.
    }
  }
  return null;
}
