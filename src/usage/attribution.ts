/**
 * Who made a call: the role session behind a CloudTrail event.
 *
 * A Lambda function's own calls carry `userIdentity.type = AssumedRole`,
 * `arn = arn:aws:sts::ACCOUNT:assumed-role/ROLE/FUNCTION_NAME`, `principalId = AROA…:FUNCTION_NAME`
 * and the role (with its path) in `sessionContext.sessionIssuer.arn` (input-formats.md §3.3). The
 * session name is what tells functions sharing a role apart. Lambda's own sessions on the role are
 * named `awslambda_<n>_<timestamp>` (real: invictus-ir/aws_dataset, AssumeRole by
 * lambda.amazonaws.com with roleSessionName `awslambda_291_20230710122648994`), and calls a service
 * makes with the role's credentials carry `invokedBy`.
 *
 * The session name is only the function's name: two functions of one name in two regions (a
 * multi-region deployment) sharing one role write the same session, and a call one of them makes
 * to another region is logged there. CloudTrail now also writes which function the credentials
 * were issued to (`userIdentity.inScopeOf`, issuerType `AWS::Lambda::Function`, credentialsIssuedTo
 * the function's ARN: Lambda adds it to every call made from the execution environment, and to
 * the CloudWatch Logs, X-Ray and EFS calls it makes for the function outside it). A session
 * carrying it is keyed by that ARN too (`functionArn`), and labels.ts attributes it by the ARN,
 * not by the name.
 */

import type { UsageEvent } from "./event.js";

export interface SessionRef {
  /** The role's account (from its ARN). */
  accountId: string;
  /** Full IAM role ARN, path included. */
  roleArn: string;
  sessionName: string;
  /** userIdentity.invokedBy when a service made the call with the role's credentials. */
  invokedBy: string | null;
  /** The function the credentials were issued to (userIdentity.inScopeOf, record-fields.ts issuedToFunctionOf); null when the record does not say. */
  functionArn: string | null;
}

const ROLE_ARN = /^arn:([^:]+):iam::(\d{12}):role\/(.+)$/;
const STS_ARN = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/;

/** The role session that made the call, or null when the caller is not a role session. */
export function sessionOf(ev: Pick<UsageEvent, "identityType" | "issuerArn" | "principalId" | "principalArn" | "invokedBy" | "issuedToFunction">): SessionRef | null {
  if (ev.identityType !== "AssumedRole") return null;
  let roleArn = ev.issuerArn;
  let accountId: string | null = null;
  if (roleArn !== null) {
    accountId = roleAccount(roleArn);
    if (accountId === null) return null;
  }
  // Session name: principalId `AROA…:<session>` survives anonymisation best; the STS ARN's last
  // segment is the fallback.
  let sessionName: string | null = null;
  if (ev.principalId !== null) {
    const c = ev.principalId.indexOf(":");
    if (c > 0 && c < ev.principalId.length - 1) sessionName = ev.principalId.slice(c + 1);
  }
  // The STS ARN is parsed only when principalId or the issuer left something unknown.
  if (ev.principalArn !== null && (sessionName === null || roleArn === null)) {
    const m = STS_ARN.exec(ev.principalArn);
    if (m !== null) {
      sessionName ??= m[4] as string;
      if (roleArn === null) {
        // Without the issuer the path is unknown: the ARN is rebuilt without it (documented limit).
        accountId = m[2] as string;
        roleArn = `arn:${m[1]}:iam::${accountId}:role/${m[3]}`;
      }
    }
  }
  if (roleArn === null || accountId === null || sessionName === null) return null;
  return { accountId, roleArn, sessionName, invokedBy: ev.invokedBy, functionArn: ev.issuedToFunction };
}

/** Account of a role ARN, or null when it is not one; memoised (a trail has few roles). */
function roleAccount(arn: string): string | null {
  let v = roleAccounts.get(arn);
  if (v === undefined) {
    const m = ROLE_ARN.exec(arn);
    v = m === null ? null : (m[2] as string);
    if (roleAccounts.size > 100_000) roleAccounts.clear();
    roleAccounts.set(arn, v);
  }
  return v;
}
const roleAccounts = new Map<string, string | null>();

export type SessionKind = "function" | "lambda-service" | "other";

/**
 * The one session name under which all of a role's Lambda service sessions are aggregated. Lambda
 * opens a new `awslambda_<n>_<timestamp>` session every few hours per role (18,511 of them at 1,000
 * functions in the scale benchmark); kept apart they were most of the canonical document and told a
 * reader nothing a role-level total does not: their actions count for every function of the role.
 */
export const LAMBDA_SERVICE_SESSION = "awslambda_*";

/** The session name prefix of Lambda's own sessions on an execution role. */
const LAMBDA_SERVICE_PREFIX = "awslambda_";

/** Lambda's own sessions on an execution role; `from`: where the session name starts in `sessionName` (after a principal id's colon). */
export function isLambdaServiceSession(sessionName: string, invokedBy: string | null, from = 0): boolean {
  return sessionName.startsWith(LAMBDA_SERVICE_PREFIX, from) || invokedBy === "lambda.amazonaws.com";
}

/** Account + role name, how a role is matched across inputs: STS-rebuilt ARNs and ARNs written by hand lack the path. */
export function roleKeyOf(roleArn: string): string {
  let key = roleKeys.get(roleArn);
  if (key === undefined) {
    key = roleKeyOfUncached(roleArn);
    if (roleKeys.size >= ROLE_KEYS_MAX) roleKeys.clear();
    roleKeys.set(roleArn, key);
  }
  return key;
}

/**
 * Role keys by role ARN. Why: the session filter and the labels key every session and function
 * by its role (48,000 sessions of 8,500 roles at 10,000 functions), and each key was a split of
 * the ARN into a new array and a new string; the same string back also makes the Set lookups that
 * follow compare by reference.
 */
const roleKeys = new Map<string, string>();
const ROLE_KEYS_MAX = 100_000;

/** roleKeyOf without the cache: the ARN's fifth `:`-separated field (the account), "" when it has none. */
export function roleKeyOfUncached(roleArn: string): string {
  let start = 0;
  for (let k = 0; k < 4; k++) {
    const colon = roleArn.indexOf(":", start);
    if (colon < 0) return `/${roleNameOf(roleArn)}`;
    start = colon + 1;
  }
  const end = roleArn.indexOf(":", start);
  return `${end < 0 ? roleArn.slice(start) : roleArn.slice(start, end)}/${roleNameOf(roleArn)}`;
}

/** `arn:aws:iam::123:role/a/b/name` → `name`. */
export function roleNameOf(roleArn: string): string {
  const i = roleArn.lastIndexOf("/");
  return i >= 0 ? roleArn.slice(i + 1) : roleArn;
}

export function partitionOf(arn: string): string {
  const m = /^arn:([^:]+):/.exec(arn);
  return m ? (m[1] as string) : "aws";
}
