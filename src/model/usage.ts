/**
 * The `usage` section of the canonical document: what each function actually did, aggregated from
 * CloudTrail (and Access Advisor / Access Analyzer), and the label of every granted permission.
 * Owned by the usage stage (src/usage/). Kept compact: counts and capped resource samples, never
 * raw events.
 */

export interface UsageSection {
  /** True when any usage data was supplied at all. Rules that need usage do nothing without it. */
  present: boolean;
  window: UsageWindow | null;
  coverage: UsageCoverage;
  /**
   * One entry per (account, role, session): a function's own calls, or another session on the
   * role; all of a role's Lambda service sessions (awslambda_…) are one entry, `sessionName`
   * `awslambda_*`. Sessions whose records say which function the credentials were issued to
   * (`userIdentity.inScopeOf`) are one entry per function too: a name's sessions of two regions'
   * functions are two entries, and a function may have two (those records, and older ones
   * attributed by name).
   */
  principals: PrincipalUsage[];
  /** Granted-versus-used, per function (and per role for sessions that are not functions). */
  labels: PermissionLabels[];
  /** Disagreements between usage sources (CloudTrail vs Access Advisor vs Access Analyzer). */
  disagreements: UsageDisagreement[];
}

export interface UsageWindow {
  /** Inclusive start and exclusive end, ISO 8601 UTC. */
  start: string;
  end: string;
  days: number;
}

export interface UsageCoverage {
  accounts: string[];
  regions: string[];
  /** Days (YYYY-MM-DD) for which at least one record was seen, per account/region. */
  days: string[];
  /** True when some files could not be read or some records were skipped. */
  partial: boolean;
  partialReasons: string[];
  /**
   * Data events (S3 object, Lambda invoke, DynamoDB item …): `logged` when the caller stated that
   * the trail logs them for every resource (`dataEventsLogged`); `present` when some were read,
   * which proves nothing for the services and resources the trail's selectors leave out; `absent`
   * when the inputs cannot hold any (only `lookup-events` output); else `unknown`. Only `logged`
   * lets a data-event action the logs do not show count as unused, or be left out of a policy.
   */
  dataEvents: "logged" | "present" | "absent" | "unknown";
  /**
   * Per account (sorted), what its management events show of the trail's selectors
   * (src/usage/trail-gaps.ts): read events not logged (a write-only trail), AWS KMS events
   * excluded. Absent when no management event was read record by record (query results, Access
   * Advisor only), and in documents written before it existed.
   */
  managementEvents?: ManagementEventCoverage[];
  /**
   * Per data-event resource type the trails' event selectors name (get-event-selectors or
   * get-event-data-store output given with the logs; src/usage/event-selectors.ts), sorted by type.
   * A type logged `all` shows every call of its actions (src/usage/not-logged.ts,
   * dataEventTypeOf): they are judged like management events. Absent when no selectors were given.
   */
  dataEventSelectors?: DataEventTypeCoverage[];
  /**
   * Trails stopped (StopLogging) or deleted (DeleteTrail) inside the window, from those calls in
   * the logs (src/usage/trail-logging.ts), in time order. Absent when there are none.
   */
  trailLoggingGaps?: TrailLoggingGap[];
  /**
   * Accounts and regions of the document's functions and roles whose data covers less of the
   * window than the data as a whole (an account that joined an organisation trail late, a region
   * logged from a later day): nothing there is labelled unused. Absent when there are none, or
   * when the window is not covered as a whole (partialReasons and the labels say so then).
   */
  partialPlaces?: PartialPlace[];
  /**
   * Roles (ARNs, sorted) of the document with an Access Advisor report covering the whole window
   * (data running past its end, four hours of lag counted; a 400-day tracking period reaching its
   * start): what such a report shows not accessed in the window is labelled unused (source
   * `access-advisor`) though the logs miss days or data events. Absent when there are none.
   */
  accessAdvisorCovered?: string[];
  /**
   * Roles (ARNs, sorted) of the document with an active Access Analyzer finding (with its details)
   * whose analyzer's unusedAccessAge spans the whole window (analysed at or after its end, the age
   * reaching back to its start): what such a finding names unused is labelled unused (source
   * `access-analyzer`) though the logs miss days or data events. Absent when there are none.
   */
  accessAnalyzerCovered?: string[];
  recordsRead: number;
  recordsSkipped: number;
  duplicatesRemoved: number;
}

/** A span in which a trail logged nothing (src/usage/trail-logging.ts). */
export interface TrailLoggingGap {
  accountId: string;
  /** The trail's name. */
  trail: string;
  /** What opened the span. */
  event: "StopLogging" | "DeleteTrail";
  from: string;
  /** StartLogging's time; null when the logs read hold none after it. */
  to: string | null;
  /** Whether these are that trail's logs (its event selectors were given with them): the usage is then partial. */
  logsRead: boolean;
}

export interface DataEventTypeCoverage {
  /** `resources.type`, e.g. AWS::S3::Object. */
  type: string;
  /** `all`: every resource's read and write events are logged; `some`: fewer, as `limits` says. */
  logged: "all" | "some";
  /** What keeps it from `all` (sorted: "reads only", "3 resource ARN prefixes (…)", "eventName Equals GetObject"); empty when `all`. */
  limits: string[];
  /** The trails or event data stores whose selectors name the type (sorted ARNs). */
  statedBy: string[];
  /**
   * AWS::S3::Object logged `some`: the object ARN prefixes (`arn:aws:s3:::bucket/…`) whose reads
   * and writes are all logged, sorted. A role whose every grant of an S3 object action lies under
   * them is judged on it (src/usage/data-event-scope.ts). Absent when none is known.
   */
  prefixes?: string[];
  /**
   * Logged `some`, when one class of the type's calls is logged for every resource with no other
   * filter (a trail logging write data events only, `ReadWriteType: WriteOnly` or `readOnly`
   * Equals `false`): `reads` or `writes`. An action of that class (CloudTrail's `readOnly` for it,
   * src/usage/not-logged.ts) is judged as if the type were logged `all`; the other class's are not.
   * Absent when neither class is, or when both are (`all`).
   */
  loggedEverywhere?: "reads" | "writes";
  /**
   * AWS::S3::Object logged `some`: the object ARN prefixes whose reads (or writes) alone are all
   * logged, when they reach beyond `prefixes` (a WriteOnly selector on `arn:aws:s3:::uploads/`):
   * a read (write) object action granted only under them is judged. Sorted; absent otherwise.
   */
  readPrefixes?: string[];
  writePrefixes?: string[];
}

export interface ManagementEventCoverage {
  accountId: string;
  /** Management-event records read for the account (duplicate deliveries included). */
  events: number;
  /** Of those, the read events (readOnly true) and the AWS KMS events. */
  readEvents: number;
  kmsEvents: number;
  /**
   * `logged` when some are reads; `not-logged` when at least 100 carry readOnly and none is a read
   * (the trail logs write events only: reads are unknowable, never unused); else `unknown`.
   */
  reads: "logged" | "not-logged" | "unknown";
  /**
   * `logged` when some are KMS events; `not-logged` when reads are logged, there are at least 1,000
   * and none is (the trail excludes AWS KMS events: kms actions are unknowable); else `unknown`.
   */
  kms: "logged" | "not-logged" | "unknown";
  /**
   * `logged` when some are writes (readOnly false); `not-logged` when at least 1,000 carry readOnly
   * and none is a write (a ReadOnly trail), or when the account's logs hold at least 100 data events
   * and no management event (a trail logging none: reads and KMS are then `not-logged` too); else
   * `unknown`. Absent in documents written before it existed.
   */
  writes?: "logged" | "not-logged" | "unknown";
  /** The account's data-event records (absent in documents written before it existed). */
  dataEvents?: number;
  /**
   * Who said what `reads`, `writes` and `kms` are, when not the records: the configuration
   * (`usage.readEventsLogged`, `usage.writeEventsLogged`, `usage.kmsEventsLogged`) or the trails'
   * event selectors (get-event-selectors output). Absent when all were judged from the records.
   */
  statedBy?: { reads?: string; writes?: string; kms?: string };
}

export interface PrincipalUsage {
  accountId: string;
  /** The session's role as CloudTrail names it. */
  roleArn: string;
  /**
   * The document's role `roleArn` was matched to when the document names it otherwise: a
   * template's role CloudFormation names at deployment (`<stack>-<LogicalId>-<suffix>` in
   * CloudTrail, the template's `<stack>-<LogicalId>` or logical ID here; src/usage/deployed-names.ts).
   * The session's calls count for that role's functions. Absent when `roleArn` is the document's own.
   */
  documentRoleArn?: string;
  /** The function name (the document's) when the session is a function's own; null for other sessions. */
  functionName: string | null;
  /** Unqualified function ARN when it could be joined to a known function. */
  functionArn: string | null;
  /** `function`, `lambda-service` (awslambda_… sessions) or `other` (any other session on the role). */
  sessionKind: "function" | "lambda-service" | "other";
  /**
   * The STS session name (the function name for a function's own calls); `awslambda_*` for the
   * role's Lambda service sessions, which are aggregated into one entry per (account, role).
   */
  sessionName: string;
  /**
   * Distinct STS sessions aggregated into this entry: how many awslambda_… sessions for
   * `lambda-service`, 1 otherwise. Absent in documents written before it existed (read as 1).
   */
  sessionCount?: number;
  /** userIdentity.invokedBy when a service made the calls with the role's credentials. */
  invokedBy: string | null;
  /** Regions the calls were made in (awsRegion), sorted. */
  regions: string[];
  actions: ActionUsage[];
  /** Calls of the session that are not IAM-authorised (sts:GetCallerIdentity …), by event, with counts. */
  unmapped: { [event: string]: number };
  firstSeen: string;
  lastSeen: string;
}

export interface ActionUsage {
  /** IAM action, e.g. `dynamodb:GetItem`. */
  action: string;
  count: number;
  /**
   * Calls refused (a refusal code: AccessDenied, AccessDeniedException …). A call KMS refused after
   * IAM authorised the service's action is refused for the KMS action (`kms:Decrypt` …), not for the
   * service's (usage/denials.ts).
   */
  deniedCount: number;
  firstSeen: string;
  lastSeen: string;
  /** Resource ARNs seen (capped); `resourcesTruncated` when more were seen. */
  resources: string[];
  resourcesTruncated: boolean;
  /**
   * Narrowest prefix pattern covering every resource seen, when more than one; the bucket an S3
   * object call's record lists beside the object is left out (the objects' own prefix).
   */
  resourcePrefix: string | null;
  /**
   * Error codes seen (AccessDenied, …) with counts. A call KMS refused has its code followed by
   * ` (refused by KMS)` on the service's action (`AccessDeniedException (refused by KMS)`), and one
   * refused a dependent IAM action by ` (refused iam:<Action>)` (`AccessDeniedException (refused
   * iam:PassRole)`): no refusal code, as IAM authorised the service's action; the refused KMS or
   * IAM action is counted as a denied call of its own (src/usage/denials.ts).
   */
  errorCodes: { [code: string]: number };
  /**
   * Present when `resourcesTruncated` and the resources seen fall under at most 32 parents: for
   * each parent (an S3 bucket's objects, one Region's and account's tables, functions, queues …;
   * an S3 bucket is its own) the common prefix of every resource seen under it, or the resource
   * itself when it was the only one (`single`). `resourcePrefix` alone may cross buckets, Regions
   * and accounts (`arn:aws:s3:::*`); these do not. Absent beyond 32 parents, and in documents
   * written before it existed.
   */
  resourceParents?: ResourceParent[];
  /**
   * Present when some call was denied (`deniedCount` > 0): the resources of the calls that were
   * not denied, sampled as `resources` is. `resources` mixes both, and a resource seen only in
   * denied calls is no evidence the function may use it (generate grants from this sample).
   * Absent in documents written before it existed; `resources` are then all there is.
   */
  authorized?: ResourceSample;
  /**
   * Calls that were not denied and named no resource leastrole reads from the record (present
   * only when some did). An SNS Publish to a phone number names no topic and is authorised on
   * `*`; an SSM GetParametersByPath names a path, not a parameter. Either way `resources` does not
   * show everything the function used this action on: generation covers these calls too, and the
   * audit does not suggest narrowing a grant they may have needed.
   */
  unnamedCalls?: number;
  /**
   * Present when a denied call's message named the policy type that refused it ("with an explicit
   * deny in a service control policy", "because no identity-based policy allows the … action"):
   * each type and kind named, explicit denies first (src/usage/denials.ts). Granting the action
   * in the execution role cannot be enough when an explicit deny, or a missing allow of another
   * type than the identity-based policy, refused it. AWS names one type per refusal even when
   * several refused.
   */
  deniedBy?: RefusalReason[];
}

/** Why a call was refused, as IAM's message says (src/usage/denials.ts). */
export interface RefusalReason {
  policy: "identity-based policy" | "resource-based policy" | "permissions boundary" | "session policy" | "service control policy" | "resource control policy" | "VPC endpoint policy";
  /** `explicit-deny`: a Deny statement of that type matched; `no-allow`: none of that type allowed the call. */
  kind: "explicit-deny" | "no-allow";
}

/** A capped sample of resource ARNs, as `ActionUsage` keeps them. */
export interface ResourceSample {
  resources: string[];
  resourcesTruncated: boolean;
  resourcePrefix: string | null;
  /** As `ActionUsage.resourceParents`. */
  resourceParents?: ResourceParent[];
}

/** The resources a truncated sample saw under one parent (`ActionUsage.resourceParents`). */
export interface ResourceParent {
  /** The longest common prefix of the resources seen under the parent; the resource itself when `single`. */
  prefix: string;
  /** Only one resource was seen under this parent: `prefix` is that resource, not a prefix. */
  single: boolean;
}

export interface PartialPlace {
  accountId: string;
  /** Null: the account as a whole. */
  region: string | null;
  reason: string;
}

export type PermissionLabel = "used" | "unused" | "unknowable" | "too-new";

export interface PermissionLabels {
  roleArn: string;
  functionArn: string | null;
  /** Covered for the whole window: only then may anything be labelled unused. */
  fullWindow: boolean;
  permissions: LabelledPermission[];
}

export interface LabelledPermission {
  action: string;
  label: PermissionLabel;
  /** Why: e.g. "not logged by CloudTrail", "role created 2026-11-20, younger than the 30-day window". */
  reason: string | null;
  lastUsed: string | null;
  daysSinceLastUsed: number | null;
  /** Which sources agree: cloudtrail, access-advisor, access-analyzer. */
  sources: string[];
  /** Set when a kept exception (error path, disaster recovery) from the config covers it. */
  exception: { reason: string } | null;
}

export interface UsageDisagreement {
  roleArn: string;
  action: string;
  message: string;
}

export function emptyUsage(): UsageSection {
  return {
    present: false,
    window: null,
    coverage: {
      accounts: [],
      regions: [],
      days: [],
      partial: false,
      partialReasons: [],
      dataEvents: "unknown",
      recordsRead: 0,
      recordsSkipped: 0,
      duplicatesRemoved: 0,
    },
    principals: [],
    labels: [],
    disagreements: [],
  };
}
