/**
 * Per-file accumulation. A file's events are folded into groups keyed by
 * (role session, eventSource, eventName, errorCode, versioned) with counts, first/last seen and a
 * capped resource sample. The result (FilePartial) is small, structured-clone friendly (it is what
 * a worker thread posts back) and carries one fingerprint per counted event so that duplicates
 * across files can be removed when partials are merged (aggregate.ts).
 */

import type { Warning } from "../model/document.js";
import { isLambdaServiceSession, LAMBDA_SERVICE_SESSION, partitionOf, sessionOf, type SessionRef } from "./attribution.js";
import { PARAM_KEYS, type RequestParams, type UsageEvent } from "./event.js";
import type { CompactRecords } from "./scan-wasm.js";
import { MAX_SYMBOLS, S_ACCOUNT, S_CATEGORY, S_ERR_MSG, S_ERROR, S_FP1, S_FP2, S_ID_STATE, S_ID_EVENT, S_ID_SHARED, S_SHARED_FP1, S_SHARED_FP2, S_IDENTITY, S_MANAGEMENT, S_NAME, S_PAR_COUNT, S_PAR_START, S_READ_ONLY, S_REGION, S_RES_COUNT, S_SOURCE, S_TIME, S_TIME_STATE, S_TYPE, S_UI_INVOKED_BY, S_UI_ISSUER, S_UI_PRINCIPAL, S_UI_SCOPE_TO, S_UI_SCOPE_TYPE, S_UI_TYPE } from "./scan-slots.js";
import { fingerprint52, fingerprintTo } from "./fingerprints.js";
import { GroupCache } from "./group-cache.js";
import { hourOf, LATE_COPY } from "./dedup.js";
import { INSIGHT_RECORD } from "./record-fields.js";
import { refusalOf, refusedCallResources, refusingPolicyOfCall, type Refusal } from "./denials.js";
import { isAccessDenied, isCallEventType, partiqlEventName } from "./event-actions.js";
import { DDB_ITEM_CALLS, DDB_ITEM_EVENT_NAMES, refusedItemOf, type DdbItem } from "./ddb-items.js";
import { isSecretBatch } from "./secret-batches.js";
import { parseAssumeRoleWhole } from "./session-tags.js";
import { commonPrefix, copySourceOf, ddbItemGroups, deriveResources, reEncryptSplit, resourcesFollowEventName, resourcesOf, type CopySource } from "./resources.js";
import { addParent, parentsOf, unionParents, type Parents } from "./parents.js";
import type { LakePage } from "./lake-page.js";
import { appendAll } from "../collections.js";
import type { SessionFilter } from "./aggregate.js";

const FP = new Uint32Array(2);
const UNRESOLVED = -2;
const BUCKET_ID = PARAM_KEYS.indexOf("bucketName");
const KEY_ID = PARAM_KEYS.indexOf("key");
const NO_RESOURCES: string[] = Object.freeze([]) as unknown as string[];
const NO_PARAMS: RequestParams = Object.freeze({}) as RequestParams;

export interface AccumulateOptions {
  /** Resource ARNs kept per (session, action); the prefix summary still covers all. Default 50. */
  resourceCap?: number;
  /** Warnings kept per file about skipped records (the rest are counted). Default 5. */
  maxRecordWarnings?: number;
}

export interface GroupPartial {
  principal: number;
  eventSource: string;
  eventName: string;
  errorCode: string | null;
  versioned: boolean;
  count: number;
  firstSeen: string;
  lastSeen: string;
  resources: string[];
  resourcesTruncated: boolean;
  /** Common prefix of every resource seen (null when none seen). */
  prefix: string | null;
  /**
   * Once the sample is truncated, each parent's prefix of every resource seen (parents.ts), null
   * beyond PARENT_CAP parents; undefined while the sample holds every resource.
   */
  parents: Parents | undefined;
  /**
   * Calls of the group that named no resource leastrole reads (an SNS Publish to a phone number,
   * an SSM call by path): what they were authorised on is not in the sample. Duplicates of such a
   * call count twice here (the dedup happens after the merge); the aggregate caps it at `count`.
   */
  unnamed: number;
  /**
   * The policy types the group's refusals named (denials.ts refusingPolicyOf: a bit set, OR-ed as
   * groups merge, so re-deliveries change nothing); 0 for calls that were not refused.
   */
  deniedBy: number;
}

/** The days (YYYY-MM-DD, sorted) with records of one account in one region (either may be unknown). */
export interface PlaceDays {
  accountId: string | null;
  region: string | null;
  days: string[];
}

export interface PrincipalPartial {
  accountId: string;
  roleArn: string;
  /** The session name; LAMBDA_SERVICE_SESSION for the role's Lambda service sessions, folded. */
  sessionName: string;
  /** For the folded Lambda service sessions: the smallest invokedBy seen (deterministic). */
  invokedBy: string | null;
  /**
   * The function the session's credentials were issued to (userIdentity.inScopeOf, attribution.ts):
   * part of the key, so one name's sessions of two functions (two regions) stay apart. Null when
   * the records do not say.
   */
  functionArn: string | null;
  /**
   * The batch's sessions the reader's filter refused (setSessionFilter), of one account and
   * partition, folded into this principal: their calls are kept only for the coverage and the
   * dedup, and the aggregate leaves them out. Absent for a session's own principal.
   */
  dropped?: true;
  regions: string[];
  /**
   * The distinct session names folded into a Lambda service principal, as fingerprint52s (sorted);
   * null otherwise. Only their number is reported (sessionCount); the names themselves (one per
   * execution environment and hour, nearly one per record on a busy event source mapping) would
   * cost a string each to keep, copy to the calling thread and merge.
   */
  sessionFingerprints: number[] | null;
}

export interface FunctionCreation {
  accountId: string;
  region: string;
  functionName: string;
  time: string;
}

/**
 * A successful call that starts, stops or reconfigures a trail's logging (StopLogging,
 * StartLogging, DeleteTrail, UpdateTrail, PutEventSelectors): while a trail is stopped or after it
 * is deleted, its logs miss every call (src/usage/trail-logging.ts).
 */
export interface TrailChange {
  accountId: string;
  region: string | null;
  /** requestParameters.name, the trail's name or ARN (null for PutEventSelectors, whose key the readers do not keep). */
  trail: string | null;
  event: string;
  time: string;
}

/** The CloudTrail calls that change what a trail logs. */
const TRAIL_CHANGE_EVENTS = new Set(["StopLogging", "StartLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors"]);
const CLOUDTRAIL_SOURCE = "cloudtrail.amazonaws.com";
const DYNAMODB_SOURCE = "dynamodb.amazonaws.com";
const S3_SOURCE = "s3.amazonaws.com";

/** What one file held and whether it was read in full (the aggregate lists one per file). */
export interface FileReport {
  path: string;
  format: string;
  /** SHA-256 of the file's bytes as read (before gunzip), hex; "" when it could not be read. */
  sha256: string;
  records: number;
  skipped: number;
  /** Empty when the file was read in full. */
  partialReasons: string[];
  /** For a CloudTrail Lake results page: its place among its query's pages (lake-page.ts). */
  lakePage?: LakePage;
}

/**
 * The accumulated usage of one file, or of a batch of files read by one accumulator in turn
 * (`files` then lists each file's report; `path`, `format` and `partialReasons` are the last
 * file's). Merging is order-independent, so a batch merges like its files one by one.
 */
export interface FilePartial {
  path: string;
  format: string;
  /** The file's SHA-256 (see FileReport); a batch's is its last file's. */
  sha256: string;
  /** Records read (in every file of a batch). */
  records: number;
  skipped: number;
  /** Set for a batch: one report per file. Absent: the partial is the one file `path`. */
  files?: FileReport[];
  /** Why the file is incomplete (truncated, unreadable, not CloudTrail …); empty when complete. */
  partialReasons: string[];
  /** The file's Lake page (see FileReport); a batch's files carry their own. */
  lakePage?: LakePage;
  warnings: Warning[];
  principals: PrincipalPartial[];
  groups: GroupPartial[];
  /**
   * Quadruples (hash1, hash2, group index, eventTime hour) for counted events that have an eventID
   * or a sharedEventID: duplicates are removed across files by sharedEventID, else eventID, within
   * an hour (dedup.ts). The group index has LATE_COPY added for a shared action's copy delivered to
   * an account other than the caller's.
   */
  fingerprints: Uint32Array;
  accounts: string[];
  regions: string[];
  days: string[];
  /** Days with records per account and region (sorted): the window is judged where each function is. */
  places: PlaceDays[];
  dataEventRecords: number;
  /** Management events per account, sorted by account: what the trail's selectors log (trail-gaps.ts). */
  management: ManagementCounts[];
  firstEvent: string | null;
  lastEvent: string | null;
  functionCreations: FunctionCreation[];
  trailChanges: TrailChange[];
}

/** An account's management-event records (duplicates included: only presence is judged). */
export interface ManagementCounts {
  accountId: string;
  /** Management events (not data events). */
  events: number;
  /** Of those, the ones with a boolean readOnly, and the ones with readOnly true. */
  flagged: number;
  reads: number;
  /** Management events of kms.amazonaws.com. */
  kms: number;
  /** The account's data-event records (not management events). */
  dataEvents: number;
}

/** The event source of AWS KMS: a trail can leave its management events out (trail-gaps.ts). */
const KMS_SOURCE = "kms.amazonaws.com";

/** What a record is, for the trail's coverage (noteRecord). */
const RECORD_MANAGEMENT = 0;
const RECORD_DATA = 1;
/**
 * A network activity event (`eventCategory` "NetworkActivity", `eventType` "AwsVpceEvent"): a call
 * seen at a VPC endpoint, logged by a trail's NetworkActivity selectors. It is neither a management
 * nor a data event and carries no `managementEvent` or `readOnly`: counted as a management event,
 * a trail logging network activity and data events only (no management events) no longer read as
 * "no management events", which trail-gaps.ts says when an account's records are all data events.
 */
const RECORD_NETWORK = 2;

/** A record's kind from its eventCategory and managementEvent (0 false, 1 true, -1 absent). */
function recordKind(category: string | null, management: number): number {
  if (category === "NetworkActivity") return RECORD_NETWORK;
  return management === 0 || category === "Data" ? RECORD_DATA : RECORD_MANAGEMENT;
}

/**
 * What CloudTrail writes in place of a request value it will not log ("HIDDEN_DUE_TO_SECURITY_REASONS":
 * a Voice ID domain's `name`, a Bedrock guardrail's `name`, passwords, card numbers). A record whose
 * hidden values leastrole does not read is counted as any other; one whose resource leastrole
 * derives from a hidden value would be counted on a resource that does not exist
 * (`parameter/HIDDEN_DUE_TO_SECURITY_REASONS`): it is skipped instead, with the reason, so that the
 * coverage's skipped records (and the partial usage they make) say it. Before, it was counted as
 * read, on that resource.
 */
const HIDDEN_VALUE = "HIDDEN_DUE_TO_SECURITY_REASONS";

/** Whether a resource the call is counted on (or its copy's source) was derived from a hidden value. */
function namesHiddenResource(resources: readonly string[], copy: CopySource | null): boolean {
  for (const r of resources) if (r.includes(HIDDEN_VALUE)) return true;
  if (copy !== null) for (const r of copy.resources) if (r.includes(HIDDEN_VALUE)) return true;
  return false;
}

function hiddenResourceReason(eventSource: string, eventName: string): string {
  return `${eventSource} ${eventName}: the resource its requestParameters name is ${HIDDEN_VALUE} (CloudTrail did not log the value), so which resource the call was on is unknown`;
}

const ISO_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/** CloudTrail writes `2023-07-10T11:54:48Z`; Lake and exports write other forms. → ISO, seconds. */
export function normaliseTime(s: string): string | null {
  // Fast path: CloudTrail's own form, checked by shape without a regex.
  if (s.length === 20 && s.charCodeAt(19) === 90 && s.charCodeAt(10) === 84 && s.charCodeAt(4) === 45 && ISO_SECONDS.test(s)) return s;
  let t = s.trim();
  if (/^\d{4}-\d\d-\d\d \d/.test(t)) t = t.replace(" ", "T");
  if (/^\d{4}-\d\d-\d\dT[\d:.]+$/.test(t)) t += "Z";
  const ms = /^\d+(\.\d+)?$/.test(t) ? Number(t) * 1000 : Date.parse(t);
  if (!Number.isFinite(ms)) return null;
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export class FileAccumulator {
  private readonly principals: PrincipalPartial[] = [];
  private readonly principalIndex = new Map<string, Map<string, Map<string, number>>>();
  private readonly principalByRef = new Map<SessionRef, number>();
  /** Per role ARN: its Lambda service principal (see serviceSession). */
  private readonly serviceByRole = new Map<string, number>();
  private readonly sessionCache = new Map<string, { issuerArn: string | null; principalArn: string | null; invokedBy: string | null; identityType: string | null; issuedToFunction: string | null; ref: SessionRef | null }>();
  /** Per group: members of its resource sample, and the index of its largest ARN when full. */
  private readonly members: (Set<string> | undefined)[] = [];
  private readonly maxIdx: number[] = [];
  private readonly principalRegions: Set<string>[] = [];
  /** Per principal: the region added last (see add). */
  private readonly principalLastRegion: (string | undefined)[] = [];
  /** The day (days since the epoch) added last, the region and account added last (see noteRecord). */
  private lastDay = NaN;
  /** Days of counted events, as days since the epoch (written out as YYYY-MM-DD by finish). */
  private readonly dayNumbers = new Set<number>();
  /** Per account and region: its days, as numbers (records) and as text (query rows); the place added last. */
  private readonly places = new Map<string, { accountId: string | null; region: string | null; numbers: Set<number>; texts: Set<string> }>();
  private place: { numbers: Set<number> } | null = null;
  private placeRegion: string | null = null;
  private placeAccount: string | null = null;
  private lastRegion: string | null = null;
  private lastAccount: string | null = null;
  /** Per principal: the partition of its role ARN (aws, aws-cn, …), parsed once. */
  private readonly principalPartition: string[] = [];
  /** Per group: the resource added last (see add). */
  private readonly lastResource: (string | undefined)[] = [];
  /** Per principal: the session names folded into it (Lambda service principals only). */
  /**
   * Per Lambda service principal: the fingerprints of its sessions, repeats and all (a session is
   * resolved again in every symbol epoch), made unique once in finish(). Not a Set: at 10,000
   * functions a reader resolves ~150,000 service sessions, and adding 52-bit numbers (heap numbers)
   * to a growing Set cost more than pushing them and sorting once.
   */
  private readonly principalSessions: (number[] | null)[] = [];
  /** setSessionFilter's; null: every session has its principal. */
  private keep: SessionFilter | null = null;
  /** The principals of refused sessions, by account and partition (see PrincipalPartial.dropped). */
  private readonly droppedByPlace = new Map<string, number>();
  private readonly groups: GroupPartial[] = [];
  /**
   * Per group, side by side: its count, first and last seen (epoch seconds), written to the group
   * by finish. Why not on the group object: every record updates its group, the scale trail's
   * records name a different function one after another, and loading each group object was the
   * cache miss that took most of noteCall; this array holds 24 bytes per group, in one block.
   */
  private groupStats = new Float64Array(3 * 1024);
  /** addCompact's caches, valid for one symbol epoch of the scanner: principal per session key, resources per parameter value. */
  private symbolEpoch = -1;
  private uiPrincipal: Int32Array | null = null;
  /** Group by (principal, event name symbol, event source symbol), for calls without error or version. */
  private readonly groupBySymbols = new GroupCache();
  /** Per bucket name symbol: its ARN (and the partition it was built for). */
  private readonly bucketArns = new Map<number, { partition: string; arn: string; hidden: boolean }>();
  private readonly paramMemo = new Map<number, { keyId: number; eventSource: string; region: string | null; accountId: string | null; partition: string; out: string[]; hidden: boolean }>();
  /** Whether the resources compactResources returned last name a hidden value (namesHiddenResource). */
  private compactHidden = false;
  private readonly groupIndex: Map<string, Map<string, number>>[] = [];
  private fps = new Uint32Array(4 * 1024);
  private nfp = 0;
  private readonly accounts = new Set<string>();
  private readonly regions = new Set<string>();
  private readonly days = new Set<string>();
  private dataEventRecords = 0;
  private readonly management = new Map<string, ManagementCounts>();
  private lastManagement: ManagementCounts | null = null;
  /** Epoch seconds of the first and last event counted. */
  private firstTime = Infinity;
  private lastTime = -Infinity;
  private readonly creations: FunctionCreation[] = [];
  private readonly trailChanges: TrailChange[] = [];
  /** Per file (reset by nextFile). */
  private records = 0;
  private skippedCount = 0;
  warnings: Warning[] = [];
  partialReasons: string[] = [];
  /** Set by the reader of a CloudTrail Lake results page (per file, like partialReasons). */
  lakePage: LakePage | null = null;
  /** Insights events in the current file: left out, not counted as records (see INSIGHT_RECORD). */
  insightRecords = 0;
  format = "unknown";
  sha256 = "";
  /** Files of the batch already closed by nextFile, their warnings, and their totals. */
  private readonly closed: FileReport[] = [];
  private readonly closedWarnings: Warning[] = [];
  private closedRecords = 0;
  private closedSkipped = 0;
  private readonly resourceCap: number;
  private readonly maxRecordWarnings: number;

  constructor(
    public path: string,
    options: AccumulateOptions = {},
  ) {
    this.resourceCap = options.resourceCap ?? 50;
    this.maxRecordWarnings = options.maxRecordWarnings ?? 5;
  }

  /**
   * A record that cannot be counted: reported (first few per file) and counted as skipped. An
   * Insights event is no API call: left out, neither a record nor a skip (INSIGHT_RECORD).
   */
  skip(where: string | number, reason: string): void {
    if (reason === INSIGHT_RECORD) {
      this.insightRecords++;
      return;
    }
    this.records++;
    this.noteSkipped(where, reason);
  }

  /** A record already counted as read (noteRecord) whose call cannot be counted: skipped, and reported as `skip` reports it. */
  private noteSkipped(where: string | number, reason: string): void {
    this.skippedCount++;
    if (this.skippedCount <= this.maxRecordWarnings) {
      this.warnings.push({ code: "cloudtrail-record-skipped", severity: "warning", message: `record skipped: ${reason}`, file: this.path, path: typeof where === "number" ? `Records[${where}]` : where });
    }
  }

  /** `where`: a JSON path, or the index in Records (formatted only when needed). */
  add(ev: UsageEvent, where: string | number): void {
    const time = timeSeconds(ev.eventTime);
    if (time === null) {
      this.skip(where, `eventTime ${JSON.stringify(ev.eventTime)} is not a timestamp`);
      return;
    }
    const account = ev.recipientAccountId ?? ev.identityAccountId;
    this.noteRecord(time, ev.awsRegion, account, recordKind(ev.eventCategory, ev.managementEvent === false ? 0 : 1), ev.readOnly === null ? -1 : ev.readOnly ? 1 : 0, ev.eventSource === KMS_SOURCE);
    if (ev.errorCode === null && ev.eventSource === "lambda.amazonaws.com" && ev.eventName.startsWith("CreateFunction")) this.noteCreation(ev.params, ev.awsRegion, ev.recipientAccountId, time);
    if (ev.errorCode === null && ev.eventSource === CLOUDTRAIL_SOURCE && TRAIL_CHANGE_EVENTS.has(ev.eventName)) this.noteTrailChange(ev.eventName, ev.params, ev.awsRegion, account, time);
    if (!isCallEventType(ev.eventType)) return;
    // A session's records share their userIdentity strings (the scanner even returns the same
    // string objects), so the session is looked up by principalId and checked by identity.
    let session: SessionRef | null;
    const cached = ev.principalId === null ? undefined : this.sessionCache.get(ev.principalId);
    if (cached !== undefined && cached.issuerArn === ev.issuerArn && cached.principalArn === ev.principalArn && cached.invokedBy === ev.invokedBy && cached.identityType === ev.identityType && cached.issuedToFunction === ev.issuedToFunction) {
      session = cached.ref;
    } else {
      session = sessionOf(ev);
      if (ev.principalId !== null) {
        if (this.sessionCache.size > 10_000) this.sessionCache.clear();
        this.sessionCache.set(ev.principalId, { issuerArn: ev.issuerArn, principalArn: ev.principalArn, invokedBy: ev.invokedBy, identityType: ev.identityType, issuedToFunction: ev.issuedToFunction, ref: session });
      }
    }
    if (session === null) return;
    const p = this.principalOf(session);
    // A refused call: what its message says KMS or IAM refused (denials.ts). Never on a success.
    const refusal = ev.errorCode === null ? null : refusalOf(ev.eventSource, ev.eventName, ev.errorCode, ev.errorMessage);
    const errorCode = refusal === null ? ev.errorCode : refusal.errorCode;
    // A DynamoDB call's items, each under its own action on its own table (ddb-items.ts). A refused
    // call is not: its refusal is the call's, counted under the action its message names when it
    // names one of the call's (refusedItemOf), else whole.
    if (ev.items !== undefined && !isAccessDenied(ev.errorCode) && this.addItems(p, time, ev, session.accountId, ev.items)) return;
    const refusedItem = refusal === null && ev.errorCode !== null ? refusedItemOf(ev.eventSource, ev.eventName, ev.errorCode, ev.errorMessage) : null;
    // A PartiQL ExecuteStatement is counted under its verb's name (event-actions.ts partiqlEventName),
    // a BatchGetSecretValue under what its request selects by (secret-batches.ts, `countedAs`).
    const partition = this.principalPartition[p] as string;
    const copy = ev.eventSource === S3_SOURCE ? copySourceOf(ev.eventSource, ev.eventName, ev.params, partition) : null;
    let resources = resourcesOf({ eventSource: ev.eventSource, region: ev.awsRegion, accountId: ev.recipientAccountId ?? session.accountId, partition, resources: ev.resources, params: ev.params, eventName: ev.eventName });
    if (namesHiddenResource(resources, copy)) {
      this.noteSkipped(where, hiddenResourceReason(ev.eventSource, ev.eventName));
      return;
    }
    const gi = this.noteCall(p, time, ev.eventSource, refusedItem?.eventName ?? partiqlEventName(ev.eventSource, ev.eventName, ev.params.statement) ?? ev.countedAs ?? ev.eventName, errorCode, ev.params.versionId !== undefined, ev.awsRegion);
    if (ev.errorCode !== null) resources = refusedItem !== null && refusedItem.resource !== null ? [refusedItem.resource] : refusedCallResources(ev.eventSource, resources, ev.errorCode, refusal, ev.errorMessage);
    const split = ev.eventSource === KMS_SOURCE ? reEncryptSplit(ev.eventSource, ev.eventName, resources) : null;
    this.noteResources(gi, copy !== null ? copyDestination(resources, copy) : split !== null ? split.destination : resources);
    const halfOf = copy ?? split?.half ?? null;
    const half = halfOf === null ? -1 : this.noteCopySource(p, time, ev.eventSource, halfOf, errorCode, ev.awsRegion);
    const refused = this.noteRefusal(p, time, gi, refusal, ev.errorCode, ev.errorMessage, ev.awsRegion);
    const late = eventFingerprintTo(ev);
    if (late >= 0) this.noteFingerprints(FP[0] as number, FP[1] as number, gi, half, refused, time, late);
  }

  /**
   * A DynamoDB multi-item call (ddb-items.ts): one group per event name its items are counted
   * under (`TransactWriteItems (Put)` …), with the tables of those items only, each with a dedup
   * fingerprint of its own (itemFingerprint). False, with nothing counted, when an item's table
   * has no ARN to make (no region or account): the caller then counts the call whole.
   */
  private addItems(p: number, time: number, ev: UsageEvent, sessionAccount: string, items: readonly DdbItem[]): boolean {
    const ctx = { eventSource: ev.eventSource, region: ev.awsRegion, accountId: ev.recipientAccountId ?? sessionAccount, partition: this.principalPartition[p] as string, resources: ev.resources, params: NO_PARAMS };
    const groups = ddbItemGroups(ctx, items);
    if (groups === null) return false;
    const late = eventFingerprintTo(ev);
    const h1 = FP[0] as number;
    const h2 = FP[1] as number;
    for (const [name, arns] of groups) {
      const gi = this.noteCall(p, time, ev.eventSource, name, ev.errorCode, false, ev.awsRegion);
      this.noteResources(gi, arns);
      if (late >= 0) this.noteFingerprints(itemFingerprint(h1, DDB_ITEM_EVENT_NAMES.indexOf(name)), h2, gi, -1, -1, time, late);
    }
    return true;
  }

  /**
   * What a refused call adds to its own group `gi` (denials.ts): the half of a call whose
   * dependent action KMS or IAM refused, counted as a call of its own (the same session, time and
   * refusal, the key or role as its resource when the message names it), and the policy type the
   * message names, on the group that counts the refusal (the half's, else the call's). Returns the
   * half's group, -1 when none.
   */
  private noteRefusal(p: number, time: number, gi: number, refusal: Refusal | null, errorCode: string | null, errorMessage: string | null, region: string | null): number {
    if (errorCode === null) return -1;
    let half = -1;
    if (refusal?.half) {
      half = this.noteCall(p, time, refusal.half.eventSource, refusal.half.eventName, refusal.half.errorCode, false, region);
      this.noteResources(half, refusal.half.resources);
    }
    const counted = refusal === null ? gi : half;
    const mask = counted < 0 ? 0 : refusingPolicyOfCall(errorCode, errorMessage);
    if (mask !== 0) (this.groups[counted] as GroupPartial).deniedBy |= mask;
    return half;
  }

  /**
   * The read half of an S3 copy, or a ReEncrypt's source key, counted as a call of its own
   * (resources.ts COPY_SOURCE_SUFFIX, SOURCE_KEY_SUFFIX): the same session, time and error, the
   * source object or key as its resource. Returns its group.
   */
  private noteCopySource(p: number, time: number, eventSource: string, copy: CopySource, errorCode: string | null, region: string | null): number {
    const gi = this.noteCall(p, time, eventSource, copy.eventName, errorCode, copy.versioned, region);
    this.noteResources(gi, copy.resources);
    return gi;
  }

  /**
   * A record as the WebAssembly scanner reports it (scan-wasm.ts): the same steps as `add`, on
   * symbol ids and epoch seconds instead of an event object. A session is resolved once per
   * session key (a symbol), resource ARNs once per distinct parameter value. The caller has
   * checked the required fields.
   */
  addCompact(c: CompactRecords, r: number, index: number): void {
    const m = c.i32;
    if (c.epoch !== this.symbolEpoch) {
      // The scanner cleared its symbols: ids now name other strings.
      this.symbolEpoch = c.epoch;
      if (this.uiPrincipal === null) this.uiPrincipal = new Int32Array(MAX_SYMBOLS);
      this.uiPrincipal.fill(UNRESOLVED);
      this.paramMemo.clear();
      this.bucketArns.clear();
      this.groupBySymbols.clear();
    }
    let time: number;
    if (m[r + S_TIME_STATE] === 1) {
      time = (m[r + S_TIME] as number) >>> 0;
    } else {
      const text = c.text(m[r + S_TIME_STATE] as number) as string;
      const t = timeSeconds(text);
      if (t === null) {
        this.skip(index, `eventTime ${JSON.stringify(text)} is not a timestamp`);
        return;
      }
      time = t;
    }
    const source = c.text(m[r + S_SOURCE] as number) as string;
    const name = c.text(m[r + S_NAME] as number) as string;
    const dynamodb = source === DYNAMODB_SOURCE;
    // A DynamoDB call whose items are in a list of objects (ddb-items.ts), or a Secrets Manager
    // BatchGetSecretValue whose filters or secret ids are (secret-batches.ts), or an STS AssumeRole
    // whose session tags are (session-tags.ts), which the scanner
    // does not read: parsed whole and counted as the full parser's event is. The common path pays
    // the one source compare, which the checks below share.
    if ((dynamodb && DDB_ITEM_CALLS.has(name)) || isSecretBatch(source, name) || (name === "AssumeRole" && parseAssumeRoleWhole(source, name, m[r + S_IDENTITY] === -1 ? null : c.identity(m[r + S_IDENTITY] as number, r).identityType))) {
      const ev = c.event(r);
      if (ev !== null) {
        this.add(ev, index);
        return;
      }
    }
    const region = c.text(m[r + S_REGION] as number);
    const recipient = c.text(m[r + S_ACCOUNT] as number);
    const errorCode = c.text(m[r + S_ERROR] as number);
    const eventType = c.text(m[r + S_TYPE] as number);
    const uiCode = m[r + S_IDENTITY] as number;
    const management = m[r + S_MANAGEMENT] as number;
    // userIdentity's account only matters without recipientAccountId (CloudTrail always writes it).
    const account = recipient ?? (uiCode === -1 ? null : c.identity(uiCode, r).accountId);
    this.noteRecord(time, region, account, recordKind(c.text(m[r + S_CATEGORY] as number), management), m[r + S_READ_ONLY] as number, source === KMS_SOURCE);
    if (errorCode === null && source === "lambda.amazonaws.com" && name.startsWith("CreateFunction")) this.noteCreation(c.params(r), region, recipient, time);
    if (errorCode === null && source === CLOUDTRAIL_SOURCE && TRAIL_CHANGE_EVENTS.has(name)) this.noteTrailChange(name, c.params(r), region, account, time);
    if (!isCallEventType(eventType)) return;
    if (uiCode === -1) return;
    const p = this.compactPrincipal(c, uiCode, r);
    if (p < 0) return;
    // A refused call's message (denials.ts), as in `add`: read only when the record has an errorCode.
    const errorMessage = errorCode === null ? null : c.text(m[r + S_ERR_MSG] as number);
    const refusal = errorCode === null ? null : refusalOf(source, name, errorCode, errorMessage);
    const callCode = refusal === null ? errorCode : refusal.errorCode;
    // A PartiQL ExecuteStatement is counted under its verb's name (event-actions.ts
    // partiqlEventName), off the symbol fast path, which is keyed by the event name's symbol.
    const partiql = dynamodb && name === "ExecuteStatement" && (m[r + S_PAR_COUNT] as number) > 0 ? partiqlEventName(source, name, c.params(r).statement) : null;
    const accountId = recipient ?? (this.principals[p] as PrincipalPartial).accountId;
    const nres = m[r + S_RES_COUNT] as number;
    const copy = source === S3_SOURCE && (name === "CopyObject" || name === "UploadPartCopy") ? copySourceOf(source, name, c.params(r), this.principalPartition[p] as string) : null;
    let resources: string[];
    // Whether a resource names a hidden value (namesHiddenResource), found where the resources are
    // made: compactResources knows it from the flat strings it builds them from. Why: searching an
    // ARN built by concatenation (an S3 object's, one per record) makes V8 flatten it first, a
    // copy per record that nothing else needs (Set lookups hash it as it is).
    let hidden: boolean;
    if (copy !== null) {
      resources = resourcesOf({ eventSource: source, region, accountId, partition: this.principalPartition[p] as string, resources: nres > 0 ? c.resourceList(r) : NO_RESOURCES, params: c.params(r) });
      hidden = namesHiddenResource(resources, copy);
    } else if (nres > 0) {
      // resources[] says it all but for a DynamoDB call's index (requestParameters.indexName, resourcesOf)
      // and an EventBridge global endpoint, which PutEvents lists but is not authorised on.
      const params = dynamodb && (m[r + S_PAR_COUNT] as number) > 0 ? c.params(r) : NO_PARAMS;
      resources = resourcesOf({ eventSource: source, region, accountId, partition: this.principalPartition[p] as string, resources: c.resourceList(r), params, eventName: name });
      hidden = namesHiddenResource(resources, null);
    } else if (resourcesFollowEventName(source, name)) {
      // The resource follows the event name (resources.ts resourcesFollowEventName: API Gateway's
      // path, Glue's GetDatabase `name`, what SNS CreateTopic or Step Functions CreateStateMachine
      // create, the EC2, IAM and CloudTrail calls): not compactResources' memo, keyed by the
      // parameter alone.
      resources = resourcesOf({ eventSource: source, region, accountId, partition: this.principalPartition[p] as string, resources: NO_RESOURCES, params: (m[r + S_PAR_COUNT] as number) > 0 ? c.params(r) : NO_PARAMS, eventName: name });
      hidden = namesHiddenResource(resources, null);
    } else if ((m[r + S_PAR_COUNT] as number) > 0) {
      resources = this.compactResources(c, r, source, region, accountId, p);
      hidden = this.compactHidden;
    } else {
      resources = NO_RESOURCES; // a call that names none (noteResources counts it unnamed)
      hidden = false;
    }
    if (hidden) {
      this.noteSkipped(index, hiddenResourceReason(source, name));
      return;
    }
    const gi = partiql !== null ? this.noteCall(p, time, source, partiql, callCode, c.versioned(r), region) : this.noteCall(p, time, source, name, callCode, c.versioned(r), region, m[r + S_SOURCE] as number, m[r + S_NAME] as number);
    if (errorCode !== null) resources = refusedCallResources(source, resources, errorCode, refusal, errorMessage);
    const split = source === KMS_SOURCE ? reEncryptSplit(source, name, resources) : null;
    this.noteResources(gi, copy !== null ? copyDestination(resources, copy) : split !== null ? split.destination : resources);
    const halfOf = copy ?? split?.half ?? null;
    const half = halfOf === null ? -1 : this.noteCopySource(p, time, source, halfOf, callCode, region);
    const refused = this.noteRefusal(p, time, gi, refusal, errorCode, errorMessage, region);
    const ids = m[r + S_ID_STATE] as number;
    if (ids === S_ID_EVENT) {
      this.noteFingerprints(m[r + S_FP1] as number, m[r + S_FP2] as number, gi, half, refused, time, 0);
    } else if (ids >= S_ID_SHARED) {
      // One action delivered to several accounts: deduplicated by its sharedEventID (dedup.ts).
      // userIdentity's account is looked up only for these records.
      const identityAccount = uiCode === -1 ? null : c.identity(uiCode, r).accountId;
      this.noteFingerprints(sharedFingerprint(m[r + S_SHARED_FP1] as number), m[r + S_SHARED_FP2] as number, gi, half, refused, time, lateCopy(recipient, identityAccount));
    }
  }

  /** Per session key (a symbol): its principal (-1: not a role session), valid for one symbol epoch. */
  private compactPrincipal(c: CompactRecords, uiCode: number, r: number): number {
    const cache = this.uiPrincipal as Int32Array;
    let p = cache[uiCode] as number;
    if (p === UNRESOLVED) {
      p = this.serviceSession(c, r);
      if (p < 0) {
        // principalByKey, not principalOf: the SessionRef is new (sessionOf made it), so the map by
        // reference could only grow, by one entry per session, without a hit (a reader's peak at
        // 1M records: 650–710 MiB against 780–800, session 6).
        const s = sessionOf(c.identity(uiCode, r));
        p = s === null ? -1 : this.principalByKey(s);
      }
      cache[uiCode] = p;
    }
    return p;
  }

  /**
   * A new Lambda service session (awslambda_…) of a role whose service principal exists already:
   * that principal, from the four fields that decide it (type, principalId, invokedBy, the
   * issuer); -1 for anything else, which takes the whole path (sessionOf, principalByKey). Why:
   * each service session has its own name, so each is a new session key; at 10,000 functions they
   * were 89,000 of a reader's 147,000 session resolutions, and this path took a single-threaded
   * read of 1M records from 8.9–9.1 to 8.0–8.5 CPU-s (session 6). The result is principalByKey's:
   * with the issuer present, sessionOf takes it as the role ARN and the session name from
   * principalId, and every service session of a role folds into one principal keyed by that ARN.
   */
  private serviceSession(c: CompactRecords, r: number): number {
    const m = c.i32;
    const issuerCode = m[r + S_UI_ISSUER] as number;
    const pidCode = m[r + S_UI_PRINCIPAL] as number;
    // A session whose records name the function it was issued to (inScopeOf) is that function's:
    // the whole path keys it by the function (principalByKey).
    if (issuerCode === -1 || pidCode === -1 || this.serviceByRole.size === 0 || m[r + S_UI_SCOPE_TYPE] !== -1 || m[r + S_UI_SCOPE_TO] !== -1) return -1;
    const pid = c.text(pidCode) as string;
    const colon = pid.indexOf(":");
    if (colon <= 0 || colon === pid.length - 1) return -1;
    const invokedBy = c.text(m[r + S_UI_INVOKED_BY] as number);
    // The session name is the principal id after its colon: judged and fingerprinted in place, not sliced out.
    if (!isLambdaServiceSession(pid, invokedBy, colon + 1) || c.text(m[r + S_UI_TYPE] as number) !== "AssumedRole") return -1;
    const p = this.serviceByRole.get(c.text(issuerCode) as string);
    if (p === undefined) return -1;
    (this.principalSessions[p] as number[]).push(fingerprint52(pid, colon + 1));
    const pr = this.principals[p] as PrincipalPartial;
    pr.invokedBy = minInvoker(pr.invokedBy, invokedBy);
    return p;
  }

  /**
   * Resources from requestParameters. A call with one parameter of interest whose value is a
   * symbol (a table, queue, function name …) is derived once per (symbol, service, region,
   * account, partition), like resourcesOf's own memo; anything else goes through resourcesOf.
   */
  private compactResources(c: CompactRecords, r: number, eventSource: string, region: string | null, accountId: string | null, p: number): string[] {
    const partition = this.principalPartition[p] as string;
    if (eventSource === "s3.amazonaws.com") {
      const object = this.s3Object(c, r, partition);
      if (object !== null) return object;
    }
    const single = c.singleParam(r);
    if (single < 0) {
      const out = resourcesOf({ eventSource, region, accountId, partition, resources: NO_RESOURCES, params: c.params(r) });
      this.compactHidden = namesHiddenResource(out, null);
      return out;
    }
    const valueCode = c.i32[c.list + single + 1] as number;
    const keyId = c.i32[c.list + single] as number;
    const hit = this.paramMemo.get(valueCode);
    if (hit !== undefined && hit.keyId === keyId && hit.eventSource === eventSource && hit.region === region && hit.accountId === accountId && hit.partition === partition) {
      this.compactHidden = hit.hidden;
      return hit.out;
    }
    const out = deriveResources({ eventSource, region, accountId, partition, resources: NO_RESOURCES, params: c.params(r) });
    const hidden = namesHiddenResource(out, null);
    this.paramMemo.set(valueCode, { keyId, eventSource, region, accountId, partition, out, hidden });
    this.compactHidden = hidden;
    return out;
  }

  /**
   * An S3 object call with exactly bucketName and key (both strings): [bucket ARN, object ARN], as
   * deriveResources gives them, with the bucket's ARN built once per bucket. Null otherwise.
   */
  private s3Object(c: CompactRecords, r: number, partition: string): string[] | null {
    const m = c.i32;
    if (m[r + S_PAR_COUNT] !== 4) return null;
    const at = c.list + (m[r + S_PAR_START] as number);
    const first = m[at] as number;
    const second = m[at + 2] as number;
    let bucket: number;
    let key: number;
    if (first === BUCKET_ID && second === KEY_ID) {
      bucket = m[at + 1] as number;
      key = m[at + 3] as number;
    } else if (first === KEY_ID && second === BUCKET_ID) {
      key = m[at + 1] as number;
      bucket = m[at + 3] as number;
    } else {
      return null;
    }
    if (bucket < 0 || key === -1) return null;
    let b = this.bucketArns.get(bucket);
    if (b === undefined || b.partition !== partition) {
      const name = c.text(bucket) as string;
      // No bucket named (deriveResources gives nothing for it), or an access point by ARN or alias
      // (deriveResources names its own ARNs, or none): not this fast path's.
      if (name === "" || name.startsWith("arn:") || name.endsWith("-s3alias")) return null;
      b = { partition, arn: `arn:${partition}:s3:::${name}`, hidden: name.includes(HIDDEN_VALUE) };
      this.bucketArns.set(bucket, b);
    }
    const keyText = c.text(key) as string;
    // The hidden value holds neither "/" nor ":": it is in an ARN made of the bucket and key only
    // if it is in one of them (searched here, flat, not in the ARN made of them).
    this.compactHidden = b.hidden || keyText.includes(HIDDEN_VALUE);
    return [b.arn, `${b.arn}/${keyText}`];
  }

  /**
   * Coverage of one counted record: the window, days, regions, accounts, data events, and the
   * account's management events (`readOnly`: 1 true, 0 false, -1 absent).
   */
  /** `kind`: RECORD_MANAGEMENT, RECORD_DATA or RECORD_NETWORK (recordKind). */
  private noteRecord(time: number, region: string | null, account: string | null, kind: number, readOnly: number, kms: boolean): void {
    const dataEvent = kind === RECORD_DATA;
    this.records++;
    if (time < this.firstTime) this.firstTime = time;
    if (time > this.lastTime) this.lastTime = time;
    // Consecutive records mostly share the day, region and account (the scanners hand back the
    // same region and account strings): compared with the previous record's before a Set is hashed.
    const day = Math.floor(time / 86_400);
    if (day !== this.lastDay || region !== this.placeRegion || account !== this.placeAccount || this.place === null) {
      this.lastDay = day;
      this.dayNumbers.add(day);
      if (region !== this.placeRegion || account !== this.placeAccount || this.place === null) {
        this.placeRegion = region;
        this.placeAccount = account;
        this.place = this.placeOf(account, region);
      }
      this.place.numbers.add(day);
    }
    if (region !== null && region !== this.lastRegion) {
      this.lastRegion = region;
      this.regions.add(region);
    }
    if (account !== null && account !== this.lastAccount) {
      this.lastAccount = account;
      this.accounts.add(account);
    }
    if (account === null) {
      if (dataEvent) this.dataEventRecords++;
      return;
    }
    let mc = this.lastManagement;
    if (mc === null || mc.accountId !== account) {
      mc = this.management.get(account) ?? null;
      if (mc === null) this.management.set(account, (mc = { accountId: account, events: 0, flagged: 0, reads: 0, kms: 0, dataEvents: 0 }));
      this.lastManagement = mc;
    }
    // An account's data events count too: many of them and no management event says the trail
    // logs none (trail-gaps.ts).
    if (dataEvent) {
      this.dataEventRecords++;
      mc.dataEvents++;
    } else if (kind === RECORD_MANAGEMENT) {
      mc.events++;
      if (readOnly >= 0) {
        mc.flagged++;
        mc.reads += readOnly;
      }
      if (kms) mc.kms++;
    }
  }

  /** A successful CreateFunction* call from any caller: it makes "too new" exact when logs have it. */
  private noteCreation(params: RequestParams, region: string | null, account: string | null, time: number): void {
    const fn = params.functionName;
    if (fn === undefined || region === null || account === null) return;
    this.creations.push({ accountId: account, region, functionName: fn.startsWith("arn:") ? (fn.split(":")[6] ?? fn) : fn, time: isoTime(time) });
  }

  private noteTrailChange(event: string, params: RequestParams, region: string | null, account: string | null, time: number): void {
    if (account === null) return;
    this.trailChanges.push({ accountId: account, region, trail: params.name ?? null, event, time: isoTime(time) });
  }

  /** Count a role session's call in its group; returns the group. */
  private noteCall(p: number, time: number, eventSource: string, eventName: string, errorCode: string | null, versioned: boolean, region: string | null, sourceSym = -1, nameSym = -1): number {
    if (region !== null && region !== this.principalLastRegion[p]) {
      this.principalLastRegion[p] = region;
      (this.principalRegions[p] as Set<string>).add(region);
    }
    let gi: number;
    if (sourceSym >= 0 && nameSym >= 0 && errorCode === null && !versioned) {
      // The usual call (no error, no version): one lookup by the pair of symbol ids, a small
      // integer, instead of the nested maps keyed by strings.
      gi = this.groupBySymbols.get(p, nameSym, sourceSym);
      if (gi < 0) {
        gi = this.groupOf(p, eventSource, eventName, null, false, time);
        this.groupBySymbols.set(p, nameSym, sourceSym, gi);
      }
    } else {
      gi = this.groupOf(p, eventSource, eventName, errorCode, versioned, time);
    }
    const st = this.groupStats;
    const o = 3 * gi;
    st[o] = (st[o] as number) + 1;
    if (time < (st[o + 1] as number)) st[o + 1] = time;
    if (time > (st[o + 2] as number)) st[o + 2] = time;
    return gi;
  }

  private noteResources(gi: number, res: string[]): void {
    // The resource helpers hand back the same string for a repeated resource, and adding a
    // resource twice changes nothing: a group's calls on one table, queue, … cost one compare each.
    const g = this.groups[gi] as GroupPartial;
    if (res.length === 0) {
      g.unnamed++;
      return;
    }
    const parent = res.length === 2 ? s3ParentIndex(res[0] as string, res[1] as string) : -1;
    const last = this.lastResource;
    for (let k = 0; k < res.length; k++) {
      const r = res[k] as string;
      if (r === last[gi]) continue;
      this.addResourceTo(gi, g, r, k !== parent);
      // Only a resource that went into the prefix may skip the next time (a bucket named alone then must widen it).
      if (k !== parent) last[gi] = r;
    }
  }

  /** The record's fingerprint for its group, and derived ones for its copy-source and refused halves (-1: none). */
  private noteFingerprints(h1: number, h2: number, gi: number, half: number, refused: number, time: number, late: number): void {
    this.noteFingerprint(h1, h2, gi + late, time);
    if (half >= 0) this.noteFingerprint(copyFingerprint(h1), h2, half + late, time);
    if (refused >= 0) this.noteFingerprint(refusedHalfFingerprint(h1), h2, refused + late, time);
  }

  /** `gi`: the group, plus LATE_COPY for a copy the dedup must drop first (dedup.ts). */
  private noteFingerprint(h1: number, h2: number, gi: number, time: number): void {
    if (this.nfp + 4 > this.fps.length) {
      const bigger = new Uint32Array(this.fps.length * 2);
      bigger.set(this.fps);
      this.fps = bigger;
    }
    const fps = this.fps;
    fps[this.nfp] = h1;
    fps[this.nfp + 1] = h2;
    fps[this.nfp + 2] = gi;
    fps[this.nfp + 3] = Math.floor(time / 3600);
    this.nfp += 4;
  }

  /**
   * Pre-aggregated usage (a row of the shipped SQL): `count` events of one session and call with
   * these resources. Rows are deduplicated by the query, so no fingerprints.
   */
  addGroup(
    session: { accountId: string; roleArn: string; sessionName: string; invokedBy: string | null; functionArn: string | null },
    call: { eventSource: string; eventName: string; errorCode: string | null; versioned: boolean; region: string | null; deniedBy?: number },
    count: number,
    firstSeen: number,
    lastSeen: number,
    resources: string[],
  ): void {
    const p = this.principalByKey(session);
    if (call.region !== null) (this.principalRegions[p] as Set<string>).add(call.region);
    const gi = this.groupOf(p, call.eventSource, call.eventName, call.errorCode, call.versioned, firstSeen);
    const g = this.groups[gi] as GroupPartial;
    const st = this.groupStats;
    const o = 3 * gi;
    st[o] = (st[o] as number) + count;
    if (call.deniedBy !== undefined) g.deniedBy |= call.deniedBy;
    if (firstSeen < (st[o + 1] as number)) st[o + 1] = firstSeen;
    if (lastSeen > (st[o + 2] as number)) st[o + 2] = lastSeen;
    if (resources.length === 0) g.unnamed += count;
    const parent = resources.length === 2 ? s3ParentIndex(resources[0] as string, resources[1] as string) : -1;
    resources.forEach((r, k) => this.addResourceTo(gi, g, r, k !== parent));
  }

  /** Pre-aggregated coverage: `count` events of one account/region/day. */
  addCoverage(account: string | null, region: string | null, day: string | null, count: number, dataEvents: number, first: number, last: number): void {
    this.records += count;
    this.dataEventRecords += dataEvents;
    if (account !== null) this.accounts.add(account);
    if (region !== null) this.regions.add(region);
    if (day !== null) {
      this.days.add(day);
      this.placeOf(account, region).texts.add(day);
    }
    if (first < this.firstTime) this.firstTime = first;
    if (last > this.lastTime) this.lastTime = last;
  }

  private placeOf(accountId: string | null, region: string | null): { accountId: string | null; region: string | null; numbers: Set<number>; texts: Set<string> } {
    const k = `${accountId ?? ""}\u0000${region ?? ""}`;
    let p = this.places.get(k);
    if (p === undefined) this.places.set(k, (p = { accountId, region, numbers: new Set(), texts: new Set() }));
    return p;
  }

  addCreation(c: FunctionCreation): void {
    this.creations.push(c);
  }

  /** addResource with the group's side tables in arrays (no WeakMap lookups on the hot path). */
  private addResourceTo(gi: number, g: GroupPartial, r: string, inPrefix = true): void {
    if (inPrefix) g.prefix = g.prefix === null ? r : g.prefix.length === 0 || r.startsWith(g.prefix) ? g.prefix : commonPrefix(g.prefix, r);
    // Truncated already: every resource counts in the parents, in the sample or not.
    if (g.parents !== undefined) {
      if (g.parents !== null) g.parents = addParent(g.parents, r);
    }
    let members = this.members[gi];
    if (members === undefined) this.members[gi] = members = new Set();
    const res = g.resources;
    if (res.length < this.resourceCap) {
      if (members.has(r)) return;
      res.push(r);
      members.add(r);
      return;
    }
    let max = this.maxIdx[gi] ?? -1;
    if (max < 0) {
      max = 0;
      for (let i = 1; i < res.length; i++) if ((res[i] as string) > (res[max] as string)) max = i;
      this.maxIdx[gi] = max;
    }
    const top = res[max] as string;
    // Full sample: every member is ≤ top, so an ARN above it is new (and dropped) without hashing
    // it; one equal to top is a member.
    if (r >= top) {
      if (r !== top) truncate(g, r);
      return;
    }
    if (members.has(r)) return;
    truncate(g, r);
    if (r < top) {
      members.delete(top);
      members.add(r);
      res[max] = r;
      this.maxIdx[gi] = -1;
    }
  }

  /** Nested maps (role → session → invokedBy): no key string is built per record. */
  private principalOf(session: SessionRef): number {
    let p = this.principalByRef.get(session);
    if (p === undefined) {
      p = this.principalByKey(session);
      this.principalByRef.set(session, p);
    }
    return p;
  }

  /**
   * Lambda's own sessions on a role (awslambda_…, or invokedBy lambda.amazonaws.com) are folded
   * into one principal per role, keyed by LAMBDA_SERVICE_SESSION; every other session keeps its
   * own (role, session, invokedBy) entry, so functions sharing a role stay apart. A session whose
   * records name the function its credentials were issued to (functionArn, from inScopeOf) is
   * keyed by that too: one per (role, session, invokedBy, function), service sessions folded per
   * function. Resolved once per session, so the key costs nothing per record.
   */
  private principalByKey(session: { accountId: string; roleArn: string; sessionName: string; invokedBy: string | null; functionArn: string | null }): number {
    const service = isLambdaServiceSession(session.sessionName, session.invokedBy);
    let bySession = this.principalIndex.get(session.roleArn);
    if (bySession === undefined) this.principalIndex.set(session.roleArn, (bySession = new Map()));
    const name = service ? LAMBDA_SERVICE_SESSION : session.sessionName;
    let byInvoker = bySession.get(name);
    if (byInvoker === undefined) bySession.set(name, (byInvoker = new Map()));
    // Any session named awslambda_… is a service session, so the folded key cannot collide. A
    // function's ARN never holds U+0000: the scoped key never equals an unscoped one.
    const invoker = service ? "" : (session.invokedBy ?? "");
    const inv = session.functionArn === null ? invoker : `${invoker}\u0000${session.functionArn}`;
    let p = byInvoker.get(inv);
    if (p !== undefined && this.principals[p]?.dropped === true) return p;
    if (p === undefined && this.keep !== null && !this.keep({ accountId: session.accountId, roleArn: session.roleArn, sessionName: name, invokedBy: session.invokedBy, functionArn: session.functionArn })) {
      p = this.droppedPrincipal(session.accountId, partitionOf(session.roleArn));
      byInvoker.set(inv, p);
      return p;
    }
    if (p === undefined) {
      p = this.principals.length;
      this.principals.push({ accountId: session.accountId, roleArn: session.roleArn, sessionName: name, invokedBy: session.invokedBy, functionArn: session.functionArn, regions: [], sessionFingerprints: null });
      this.principalRegions.push(new Set());
      this.principalLastRegion.push(undefined);
      this.principalPartition.push(partitionOf(session.roleArn));
      this.principalSessions.push(service ? [] : null);
      byInvoker.set(inv, p);
    }
    if (service) {
      // serviceSession's fast path takes the role's unscoped service principal only.
      if (session.functionArn === null) this.serviceByRole.set(session.roleArn, p);
      (this.principalSessions[p] as number[]).push(fingerprint52(session.sessionName));
      const pr = this.principals[p] as PrincipalPartial;
      pr.invokedBy = minInvoker(pr.invokedBy, session.invokedBy);
    }
    return p;
  }

  /**
   * Sessions the filter refuses get no principal of their own from now on (those resolved before
   * keep theirs; the aggregator leaves them out: UsageAggregator.setSessionFilter). Their calls go
   * to one principal per account and partition, which derives their resources as theirs would
   * (a record naming a hidden resource is skipped either way) and feeds the dedup. Why: each task's
   * or instance's session was a principal with its own groups, posted and merged (session 48).
   */
  setSessionFilter(keep: SessionFilter): void {
    this.keep = keep;
  }

  private droppedPrincipal(accountId: string, partition: string): number {
    const k = `${accountId}\u0000${partition}`;
    let p = this.droppedByPlace.get(k);
    if (p === undefined) {
      p = this.principals.length;
      this.principals.push({ accountId, roleArn: "", sessionName: "", invokedBy: null, functionArn: null, dropped: true, regions: [], sessionFingerprints: null });
      this.principalRegions.push(new Set());
      this.principalLastRegion.push(undefined);
      this.principalPartition.push(partition);
      this.principalSessions.push(null);
      this.droppedByPlace.set(k, p);
    }
    return p;
  }

  private groupOf(p: number, eventSource: string, eventName: string, errorCode: string | null, versioned: boolean, time: number): number {
    let byName = this.groupIndex[p];
    if (byName === undefined) this.groupIndex[p] = byName = new Map();
    let bySource = byName.get(eventSource);
    if (bySource === undefined) byName.set(eventSource, (bySource = new Map()));
    // Successful unversioned calls (nearly all) use the event name itself as the key.
    const k = errorCode === null && !versioned ? eventName : `${eventName}\n${errorCode ?? ""}${versioned ? "\nv" : ""}`;
    let gi = bySource.get(k);
    if (gi === undefined) {
      gi = this.groups.length;
      // count, firstSeen and lastSeen are kept in groupStats and written out by finish.
      this.groups.push({ principal: p, eventSource, eventName, errorCode, versioned, count: 0, firstSeen: "", lastSeen: "", resources: [], resourcesTruncated: false, prefix: null, parents: undefined, unnamed: 0, deniedBy: 0 });
      if (3 * gi + 3 > this.groupStats.length) {
        const bigger = new Float64Array(this.groupStats.length * 2);
        bigger.set(this.groupStats);
        this.groupStats = bigger;
      }
      this.groupStats[3 * gi] = 0;
      this.groupStats[3 * gi + 1] = time;
      this.groupStats[3 * gi + 2] = time;
      // Per-group side arrays grow with the groups, so they stay dense (fast elements).
      this.lastResource.push(undefined);
      this.members.push(undefined);
      this.maxIdx.push(-1);
      bySource.set(k, gi);
    }
    return gi;
  }

  /** Records of the current file. */
  get recordsInFile(): number {
    return this.records;
  }

  /** Fingerprints buffered so far (4 numbers each): a batch is flushed when this grows large. */
  get groupCount(): number {
    return this.groups.length;
  }

  get fingerprintCount(): number {
    return this.nfp >>> 2;
  }

  /**
   * Close the current file and start the next one in the same accumulator. Reading many files
   * into one accumulator and merging once replaces a merge (and, in a worker, a structured clone)
   * per file: at 5,000 records per file those cost about as much as accumulating the records.
   */
  nextFile(path: string): void {
    this.closeFile();
    this.path = path;
    this.format = "unknown";
    this.sha256 = "";
  }

  private closeFile(): void {
    const report: FileReport = { path: this.path, format: this.format, sha256: this.sha256, records: this.records, skipped: this.skippedCount, partialReasons: this.partialReasons };
    if (this.lakePage !== null) report.lakePage = this.lakePage;
    this.closed.push(report);
    appendAll(this.closedWarnings, this.fileWarnings());
    this.closedRecords += this.records;
    this.closedSkipped += this.skippedCount;
    this.records = 0;
    this.skippedCount = 0;
    this.warnings = [];
    this.partialReasons = [];
    this.lakePage = null;
    this.insightRecords = 0;
  }

  private fileWarnings(): Warning[] {
    return this.skippedCount > this.maxRecordWarnings
      ? [...this.warnings, { code: "cloudtrail-record-skipped", severity: "warning", message: `${this.skippedCount - this.maxRecordWarnings} more records skipped`, file: this.path }]
      : this.warnings;
  }

  finish(): FilePartial {
    if (this.closed.length > 0) {
      // A batch: close the last file too; the partial lists every file.
      const { path, format, sha256, partialReasons } = this;
      this.closeFile();
      const single = this.finishSingle();
      const files = this.closed.slice();
      return { ...single, path, format, sha256, partialReasons, files, records: this.closedRecords, skipped: this.closedSkipped, warnings: this.closedWarnings.slice() };
    }
    return this.finishSingle();
  }

  private finishSingle(): FilePartial {
    // Loops, not forEach callbacks: a reader finishes each of its files (a thousand at 10,000
    // functions), and the group callback was optimised and thrown away 14 times in the two readers;
    // as a loop, 6 (`node --trace-deopt-verbose`, results/scale.md "Session 52").
    const { groups, groupStats, maxIdx } = this;
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i] as (typeof groups)[number];
      g.count = groupStats[3 * i] as number;
      g.firstSeen = isoTime(groupStats[3 * i + 1] as number);
      g.lastSeen = isoTime(groupStats[3 * i + 2] as number);
      // Sorted here, in the reader's thread, so that merging samples is a linear pass.
      g.resources.sort();
      maxIdx[i] = -1;
    }
    for (let i = 0; i < this.principals.length; i++) {
      const p = this.principals[i] as PrincipalPartial;
      p.regions = [...(this.principalRegions[i] as Set<string>)].sort();
      const names = this.principalSessions[i];
      if (names !== null && names !== undefined) p.sessionFingerprints = sortedUnique(names);
    }
    const single: FilePartial = {
      path: this.path,
      format: this.format,
      sha256: this.sha256,
      records: this.records,
      skipped: this.skippedCount,
      partialReasons: this.partialReasons,
      warnings: this.fileWarnings(),
      principals: this.principals,
      groups: this.groups,
      fingerprints: this.fps.slice(0, this.nfp),
      accounts: [...this.accounts].sort(),
      regions: [...this.regions].sort(),
      days: [...new Set([...this.days, ...[...this.dayNumbers].map((d) => isoTime(d * 86_400).slice(0, 10))])].sort(),
      places: [...this.places.values()]
        .map((p) => ({ accountId: p.accountId, region: p.region, days: [...new Set([...p.texts, ...[...p.numbers].map((d) => isoTime(d * 86_400).slice(0, 10))])].sort() }))
        .sort((a, b) => cmpNullable(a.accountId, b.accountId) || cmpNullable(a.region, b.region)),
      dataEventRecords: this.dataEventRecords,
      management: [...this.management.values()].sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0)),
      firstEvent: Number.isFinite(this.firstTime) ? isoTime(this.firstTime) : null,
      lastEvent: Number.isFinite(this.lastTime) ? isoTime(this.lastTime) : null,
      functionCreations: this.creations,
      trailChanges: this.trailChanges,
    };
    if (this.lakePage !== null) single.lakePage = this.lakePage;
    return single;
  }
}

/**
 * A timestamp in any form normaliseTime reads → epoch seconds; null when it is not one, or names
 * no real date (2023-02-31, hour 24: the forms Date.parse would silently roll over).
 */
export function timeSeconds(s: string): number | null {
  const t = normaliseTime(s);
  if (t === null || t.length !== 20) return null;
  const d = (i: number): number => t.charCodeAt(i) - 48;
  const y = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
  const mo = d(5) * 10 + d(6);
  const day = d(8) * 10 + d(9);
  const h = d(11) * 10 + d(12);
  const mi = d(14) * 10 + d(15);
  const sec = d(17) * 10 + d(18);
  if (mo < 1 || mo > 12 || day < 1 || day > daysInMonth(y, mo) || h > 23 || mi > 59 || sec > 59) return null;
  return hourOf(t) * 3600 + mi * 60 + sec;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Epoch seconds (whole) → `YYYY-MM-DDTHH:MM:SSZ` (CloudTrail's own form). */
export function isoTime(seconds: number): string {
  // Date#toISOString costs ~1 µs, and a batch writes out two times per group: the date part is
  // formatted once per day.
  const day = Math.floor(seconds / 86_400);
  let date = DATES.get(day);
  if (date === undefined) {
    date = new Date(day * 86_400_000).toISOString().slice(0, 11);
    if (DATES.size >= 4096) DATES.clear();
    DATES.set(day, date);
  }
  const s = seconds - day * 86_400;
  return `${date}${TWO_DIGITS[Math.floor(s / 3600)]}:${TWO_DIGITS[Math.floor(s / 60) % 60]}:${TWO_DIGITS[s % 60]}Z`;
}
const DATES = new Map<number, string>();
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));

/** The smallest non-null invokedBy of two: folded sessions get one, whatever the file order. */
export function minInvoker(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a <= b ? a : b;
}

/** Add a resource to the capped sample (sorted on output) and widen the common prefix. */
export function addResource(g: Sample, r: string, cap: number): void {
  g.prefix = g.prefix === null ? r : g.prefix.length === 0 || r.startsWith(g.prefix) ? g.prefix : commonPrefix(g.prefix, r);
  if (g.parents !== undefined && g.parents !== null) g.parents = addParent(g.parents, r);
  const res = g.resources;
  let members = memberSets.get(res);
  if (members === undefined) memberSets.set(res, (members = new Set(res)));
  if (members.has(r)) return;
  if (res.length < cap) {
    res.push(r);
    members.add(r);
    return;
  }
  // Keep the `cap` smallest ARNs: the sample then does not depend on file or worker order. The
  // sample is full: only an ARN below its largest can change it (one compare in the usual case).
  truncate(g, r);
  let max = maxIndex.get(res);
  if (max === undefined) {
    max = 0;
    for (let i = 1; i < res.length; i++) if ((res[i] as string) > (res[max] as string)) max = i;
    maxIndex.set(res, max);
  }
  const top = res[max] as string;
  if (r < top) {
    members.delete(top);
    members.add(r);
    res[max] = r;
    maxIndex.delete(res);
  }
}

/**
 * Merge two capped samples: the `cap` smallest of the union. Each sample holds the smallest ARNs
 * of what it saw, so this equals the sample of everything seen, in any merge order.
 */
export function mergeSamples(into: Sample, from: Readonly<Sample>, cap: number): void {
  if (from.prefix !== null) into.prefix = into.prefix === null ? from.prefix : commonPrefix(into.prefix, from.prefix);
  const a = into.resources;
  const b = from.resources;
  if (from.resourcesTruncated || into.resourcesTruncated) {
    // Either side's parents: kept since it was truncated, or derived from its complete sample.
    into.parents = unionParents(parentsOfSample(into), parentsOfSample(from));
    into.resourcesTruncated = true;
  }
  if (b.length === 0) return;
  // Both sorted (partials come sorted from finish(); sorting here only covers other callers): one
  // linear merge, no hashing. At the end of a read this runs once per group and batch on the main
  // thread while the workers wait, so its cost is wall time (a Set and a sort of the union cost
  // ~70 ms per million records there).
  if (!isSorted(a)) a.sort();
  if (!isSorted(b)) b.sort();
  const out: string[] = [];
  let i = 0;
  let j = 0;
  let dropped = false;
  while (i < a.length || j < b.length) {
    let next: string;
    if (j >= b.length) next = a[i++] as string;
    else if (i >= a.length) next = b[j++] as string;
    else {
      const x = a[i] as string;
      const y = b[j] as string;
      if (x === y) {
        next = x;
        i++;
        j++;
      } else if (x < y) {
        next = x;
        i++;
      } else {
        next = y;
        j++;
      }
    }
    if (out.length === cap) {
      // Anything left is above the sample's largest: dropped, so the sample is truncated.
      dropped = true;
      break;
    }
    out.push(next);
  }
  if (dropped && !into.resourcesTruncated) {
    // Truncated by this merge: the parents of both complete samples (into's not yet replaced).
    into.parents = unionParents(parentsOf(a), parentsOf(b));
    into.resourcesTruncated = true;
  }
  into.resources = out;
}

/** A resource sample with its prefix and, once truncated, its parents (GroupPartial's fields). */
export interface Sample {
  resources: string[];
  resourcesTruncated: boolean;
  prefix: string | null;
  parents?: Parents | undefined;
}

/** Mark a sample truncated by `r`, the first resource it drops or evicts for: its parents start from every resource seen. */
function truncate(g: Sample, r: string): void {
  if (g.resourcesTruncated) return;
  g.resourcesTruncated = true;
  let parents = parentsOf(g.resources);
  if (parents !== null) parents = addParent(parents, r);
  g.parents = parents;
}

/** A sample's parents: those it keeps when truncated, else those of its (complete) resources. */
function parentsOfSample(s: Readonly<Sample>): Parents {
  if (s.resourcesTruncated) return s.parents ?? null;
  return parentsOf(s.resources);
}

function isSorted(xs: string[]): boolean {
  for (let i = 1; i < xs.length; i++) if ((xs[i - 1] as string) > (xs[i] as string)) return false;
  return true;
}

/** Side tables of a sample array: its members, and the index of its largest ARN when full. */
const memberSets = new WeakMap<string[], Set<string>>();
const maxIndex = new WeakMap<string[], number>();

/**
 * The destination half of an S3 copy: the call's resources without the source object, and without
 * the source's bucket when it is not the destination's (should the record list them): the copy
 * writes only its destination.
 */
export function copyDestination(resources: string[], copy: CopySource): string[] {
  const source = copy.resources[0];
  if (source === undefined || !resources.includes(source)) return resources;
  const bucket = source.slice(0, source.indexOf("/") < 0 ? source.length : source.indexOf("/"));
  const destinationBuckets = resources.filter((r) => r !== source && r.includes("/")).map((r) => r.slice(0, r.indexOf("/")));
  return resources.filter((r) => r !== source && (r !== bucket || destinationBuckets.includes(bucket)));
}

/**
 * The copy's read half has a fingerprint of its own, derived from the record's: a duplicate of the
 * record is a duplicate of both halves, and the two halves are never taken for duplicates of each
 * other.
 */
export function copyFingerprint(h1: number): number {
  return (h1 ^ 0x9e3779b9) >>> 0;
}

/** The KMS or IAM half of a refused call (denials.ts) has a fingerprint of its own, derived as copyFingerprint's. */
export function refusedHalfFingerprint(h1: number): number {
  return (h1 ^ 0x85ebca6b) >>> 0;
}

/**
 * A parsed record's dedup fingerprint, written to FP: by its sharedEventID when it has one (one
 * action delivered to several accounts, deduplicated as one: dedup.ts), else by its eventID.
 * Returns the record's late-copy flag for noteFingerprints (0 for an eventID), or -1 when it has
 * neither id (nothing to deduplicate by).
 */
function eventFingerprintTo(ev: UsageEvent): number {
  if (ev.sharedEventId !== null) {
    fingerprintTo(ev.sharedEventId, FP, 0);
    FP[0] = sharedFingerprint(FP[0] as number);
    return lateCopy(ev.recipientAccountId, ev.identityAccountId);
  }
  if (ev.eventId === null) return -1;
  fingerprintTo(ev.eventId, FP, 0);
  return 0;
}

/**
 * The group of a DynamoDB multi-item call's items counted under the `k`th of DDB_ITEM_EVENT_NAMES
 * (accumulate.ts addItems) has a fingerprint of its own, derived as copyFingerprint's: the call's
 * groups are one call each, deduplicated apart. The twelve constants are none of the others nor
 * their XORs (test/usage/ddb-items.test.ts).
 */
export function itemFingerprint(h1: number, k: number): number {
  return (h1 ^ Math.imul(k + 1, 0x5bd1e995)) >>> 0;
}

/**
 * A sharedEventID's fingerprint is derived from its hash as copyFingerprint's, so that it never
 * meets an eventID's: the two name different things (a record whose eventID happens to equal
 * another action's sharedEventID is no copy of it). The constant is none of the others nor their
 * XOR, so the halves of a shared action stay apart too.
 */
export function sharedFingerprint(h1: number): number {
  return (h1 ^ 0x27d4eb2f) >>> 0;
}

/**
 * LATE_COPY for the copy of a shared action delivered to an account other than the caller's (the
 * key owner's copy of a cross-account KMS call: recipientAccountId is not userIdentity.accountId),
 * else 0. The dedup keeps the caller's copy when it has it, whatever the file order (dedup.ts).
 */
export function lateCopy(recipient: string | null, identityAccount: string | null): number {
  return recipient !== null && identityAccount !== null && recipient !== identityAccount ? LATE_COPY : 0;
}

/** Sort order for optional text: null first. */
function cmpNullable(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/**
 * An S3 object call's record lists the object and its bucket (`resources[]`, and the ARNs derived
 * from bucketName and key): 0 or 1 when that element is the other's bucket, else -1. The bucket is
 * kept in the sample but left out of the prefix of the call's resources: the prefix must be the
 * objects' own (`bucket/out/2026/`), or a capped sample of one bucket's objects gives the prefix
 * `bucket`, which generation grants as `bucket*` (every object, and every bucket named so).
 */
export function s3ParentIndex(a: string, b: string): number {
  if (a.length < b.length) return isS3BucketOf(a, b) ? 0 : -1;
  if (b.length < a.length) return isS3BucketOf(b, a) ? 1 : -1;
  return -1;
}

function isS3BucketOf(bucket: string, object: string): boolean {
  return object.charCodeAt(bucket.length) === 47 && object.startsWith(bucket) && bucket.startsWith("arn:") && bucket.includes(":s3:::") && bucket.indexOf("/") < 0;
}

/** The distinct numbers of `xs`, ascending (a Float64Array sorts numerically without a comparator). */
function sortedUnique(xs: number[]): number[] {
  const sorted = Float64Array.from(xs).sort();
  const out: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) out.push(sorted[i] as number);
  return out;
}
