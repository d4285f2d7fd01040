/**
 * STS AssumeRole, read by what its request passes. A call that passes session tags (`Tags`,
 * `TransitiveTagKeys`) also needs sts:TagSession, and one that sets a source identity
 * (`SourceIdentity`) also needs sts:SetSourceIdentity, both on the role assumed (IAM user guide,
 * "Passing session tags in AWS STS": "the principal … must have … sts:TagSession"; "Monitor and
 * control actions taken with assumed roles": "sts:SetSourceIdentity"; Service Authorization
 * Reference: both on the role resource). CloudTrail logs only the AssumeRole call, and writes what
 * it passed in requestParameters: `tags` (a list of `{"key", "value"}` objects), `transitiveTagKeys`
 * and `sourceIdentity` (the IAM user guide's "Example AWS STS role chaining API event in CloudTrail
 * log file"). Before, a function that assumed a role with tags had sts:TagSession labelled unused,
 * and a generated policy without it refused the call.
 *
 * `tags` is not a string, which is all the byte scanners read of requestParameters: every reader
 * parses an AssumeRole made by an assumed-role session whole (parseAssumeRoleWhole), as it does DynamoDB's multi-item calls (secret-batches.ts likewise).
 * The Athena and Security Lake queries say what it passed in rp_sessiontags (sql.ts), read by
 * query-rows.ts; the CloudTrail Lake query's rows, and an older query's, do not: there the call keeps
 * its own name, sts:AssumeRole alone (the other two stay "unknowable", not-logged.ts).
 */

/** The event source compared, exactly (the readers decide by it which records to parse whole). */
export const STS_SOURCE = "sts.amazonaws.com";
const ASSUME_ROLE = "AssumeRole";

/** Whether a record is an STS AssumeRole call. */
export function isAssumeRole(eventSource: string, eventName: string): boolean {
  return eventName === ASSUME_ROLE && eventSource === STS_SOURCE;
}

/**
 * Whether a record reader parses this record whole to read its session tags: an AssumeRole made by
 * an assumed-role session, the only kind a function's call is attributed to. Lambda's own
 * AssumeRole of each execution role (userIdentity type AWSService), one per execution environment
 * and credential refresh, is among the commonest records of a real trail and is nobody's call here:
 * parsing it whole would cost the full parser on each for nothing.
 */
export function parseAssumeRoleWhole(eventSource: string, eventName: string, identityType: string | null | undefined): boolean {
  return identityType === "AssumedRole" && isAssumeRole(eventSource, eventName);
}

/** The names an AssumeRole is counted under when its request passes something (event-actions.ts maps each). */
export const ASSUME_ROLE_NAMES: ReadonlySet<string> = new Set([`${ASSUME_ROLE} (session tags)`, `${ASSUME_ROLE} (source identity)`, `${ASSUME_ROLE} (session tags, source identity)`]);

type Obj = { [k: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const nonEmptyList = (v: unknown): boolean => Array.isArray(v) && v.length > 0;

/**
 * The event name an AssumeRole is counted under (event-actions.ts maps each): `… (session tags)`
 * when its request passes tags or transitive tag keys, `… (source identity)` when it sets a source
 * identity, `… (session tags, source identity)` for both; null for any other call or request.
 */
export function assumeRoleEventName(eventSource: string, eventName: string, requestParameters: unknown): string | null {
  if (!isAssumeRole(eventSource, eventName) || !isObj(requestParameters)) return null;
  const tags = nonEmptyList(requestParameters.tags) || nonEmptyList(requestParameters.transitiveTagKeys);
  const source = typeof requestParameters.sourceIdentity === "string" && requestParameters.sourceIdentity !== "";
  if (tags && source) return `${ASSUME_ROLE} (session tags, source identity)`;
  if (tags) return `${ASSUME_ROLE} (session tags)`;
  if (source) return `${ASSUME_ROLE} (source identity)`;
  return null;
}
