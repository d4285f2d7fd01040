/**
 * What a refused call's `errorMessage` says that its `errorCode` does not. Read only for records
 * with an error code that means a refusal (event-actions.ts ACCESS_DENIED_CODES): a record that
 * succeeded never reaches these functions, so the scan of a million records pays nothing for them.
 *
 * (a) **Refused by KMS.** A service that encrypts with a KMS key (Secrets Manager, Parameter
 * Store SecureStrings, S3 SSE-KMS objects, SQS queues with SSE-KMS …) calls KMS with the caller's
 * credentials after IAM has authorised the service's own action. When KMS refuses, CloudTrail
 * records the service's call (eventSource secretsmanager.amazonaws.com, eventName GetSecretValue)
 * with a refusal code: the service action was authorised, the KMS action was not. Such a record
 * counts as an authorised call of the service action (its error code gets KMS_REFUSED_SUFFIX, which
 * is no refusal code) and as a refused call of the KMS action, counted apart under the event name
 * `<KMS action> (via service)` of kms.amazonaws.com (event-actions.ts maps it to `kms:<action>`),
 * on the key when the message names one — as an S3 copy's read half is counted apart
 * (resources.ts COPY_SOURCE_SUFFIX). The forms AWS writes, and where we read them:
 *
 * - Secrets Manager: `AccessDeniedException`, "Access to KMS is not allowed" (AWS re:Post knowledge
 *   center, "secrets-manager-cross-account-key": the errors listed for a secret whose KMS key the
 *   caller may not use, also "Access to KMS is not allowed. This version of secret is not encrypted
 *   with the current KMS key").
 * - SQS: `KMS.AccessDeniedException` (re:Post "sqs-accessdenied-errors": "An error occurred
 *   (KMS.AccessDeniedException) when calling the SendMessage operation: User: arn:aws:iam::…:user/…
 *   is not authorized to perform: kms:GenerateDataKey on resource: arn:aws:kms:us-east-1:…:key/…
 *   with an explicit deny"); the SDKs (JSON protocol) name the same error `KmsAccessDenied`.
 * - S3 and others relaying IAM's own text: `AccessDenied` with "User: arn:aws:sts::…:assumed-role/…
 *   is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:eu-west-2:…:key/… because no
 *   identity-based policy allows the kms:Decrypt action" (seen in GitHub
 *   ministryofjustice/modernisation-platform#11726, an S3 GetObject of an SSE-KMS object).
 * - Parameter Store: `AccessDeniedException` with KMS's own message relayed, "The ciphertext refers
 *   to a customer master key that does not exist, does not exist in this region, or you are not
 *   allowed to access. (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; …)"
 *   (GitHub tryolabs/aws-workshop#6, GetParameter of a SecureString).
 * - Lambda: `KMSAccessDeniedException`, "Lambda was unable to decrypt the environment variables
 *   because KMS access was denied. Please check the function's AWS KMS key settings. …" (Lambda API
 *   reference and botocore, KMSAccessDeniedException; re:Post "lambda-kmsaccessdeniedexception-errors").
 *   The invoked function's environment is decrypted for that function, not with the caller's
 *   credentials: the caller's Invoke was authorised and is counted so, with no KMS call of its own.
 *
 * The KMS action is the one the message names (`kms:Decrypt`, `kms:GenerateDataKey` …). When it
 * names none, the action the service needs for the call: `Decrypt` for a read (the event name
 * starts with Get, BatchGet, Receive, Select, Query, Scan, Describe, List or Head: the service
 * decrypts a data key to hand back the value), `GenerateDataKey` for anything else (a write
 * encrypts new data under a new data key). A read or write that needs both (an S3 multipart upload
 * under SSE-KMS also decrypts) is still counted once: the KMS half says which key was refused, not
 * every permission the key's policy must hold.
 *
 * (b) **Refused a dependent IAM action.** Some calls hand the service a role, or make it create
 * one: Lambda CreateFunction and UpdateFunctionConfiguration, ECS RunTask and
 * RegisterTaskDefinition, Step Functions CreateStateMachine, EventBridge PutTargets, CloudFormation
 * CreateStack, Bedrock's logging configuration … need `iam:PassRole` on the role (the service
 * authorisation reference's "dependent actions"), and a first use of some services
 * `iam:CreateServiceLinkedRole`. The service checks these with the caller's credentials after its
 * own action was authorised; a refusal names the IAM action and the role in IAM's text: "User:
 * arn:aws:sts::…:assumed-role/…/… is not authorized to perform: iam:PassRole on resource:
 * arn:aws:iam::…:role/ecsTaskExecutionRole (Service: AmazonECS; Status Code: 400; Error Code:
 * AccessDeniedException; …)" (GitHub serverless-operations/serverless-step-functions#189, an ECS
 * RunTask; cisagov/crossfeed#109, a Lambda function's RunTask, with `code` AccessDeniedException;
 * alphagov/govuk-infrastructure#2439, Bedrock PutModelInvocationLoggingConfiguration). As for KMS,
 * such a record counts as an authorised call of the service's action (its error code followed by
 * ` (refused iam:<Action>)`, no refusal code) and a refused call of the IAM action, counted apart
 * as `<Action> (via service)` of iam.amazonaws.com (mapped to `iam:<Action>`), on the role the
 * message names when it is a well-formed IAM ARN. Before, a CreateFunction refused iam:PassRole
 * was a denied CreateFunction: LR009 and generate said to grant what the role already had, and
 * nothing about the role it may not pass. Only IAM's actions are taken so (no call of another
 * service is authorised with an `iam:` action of its own); a refusal naming an action of a third
 * service is left as it was, a refusal of the call.
 *
 * (c) **The resource of a refused call.** Many services write requestParameters null, or without
 * the resource, on a refused call. IAM's message names what was refused: "… is not authorized to
 * perform: <action> on resource: <arn> because …" (or "… with an explicit deny in a service control
 * policy"; EC2 writes it after "You are not authorized to perform this operation.", as in the
 * corpus's Stratus get-user-data logs). A refused call with no resource otherwise is counted on that
 * ARN: only a well-formed `arn:` token right after "on resource: ", never a fragment of the
 * message, and only when the action refused is of the call's own service (a Lambda CreateFunction
 * refused iam:PassRole names the role, which is not CreateFunction's resource).
 */

import type { RefusalReason } from "../model/usage.js";
import { eventSourceHost, isAccessDenied, servicePrefix, VIA_SERVICE_SUFFIX } from "./event-actions.js";

export { VIA_SERVICE_SUFFIX };

/** Appended to the error code of a call KMS refused after IAM authorised it (no refusal code then). */
export const KMS_REFUSED_SUFFIX = " (refused by KMS)";
export const KMS_EVENT_SOURCE = "kms.amazonaws.com";

/** Error codes that only a refusal by KMS gives (SQS, Lambda). */
export const KMS_REFUSAL_CODES: ReadonlySet<string> = new Set(["KMS.AccessDeniedException", "KmsAccessDenied", "KMSAccessDeniedException"]);

export function isViaServiceEvent(eventName: string): boolean {
  return eventName.endsWith(VIA_SERVICE_SUFFIX);
}

/**
 * A call whose dependent action KMS or IAM refused: the service call's own error code (no refusal
 * code), and the refused half, counted as a call of its own (null: none counted).
 */
export interface Refusal {
  errorCode: string;
  half: { eventSource: string; eventName: string; errorCode: string; resources: string[] } | null;
}

export const IAM_EVENT_SOURCE = "iam.amazonaws.com";

const KMS_ACTION = /\bnot authorized to perform: kms:([A-Za-z]+)/;
// The relayed texts above; "KMS" alone would match too much (a key named in a resource ARN).
const KMS_TEXT = /Access to KMS is not allowed|\(Service: AWSKMS;|KMS access was denied|The ciphertext refers to a customer master key/;
const KMS_KEY_ARN = /\barn:aws(?:-[a-z]+)*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+/;
const READ_EVENT = /^(?:Get|BatchGet|Receive|Select|Query|Scan|Describe|List|Head)/;

/**
 * Whether KMS or IAM refused a dependent action of this call (see (a) and (b) above), or null.
 * `errorCode` is the record's (not null).
 */
export function refusalOf(eventSource: string, eventName: string, errorCode: string, errorMessage: string | null): Refusal | null {
  if (!isAccessDenied(errorCode)) return null;
  const host = eventSourceHost(eventSource);
  return kmsRefusalOf(host, eventName, errorCode, errorMessage) ?? iamRefusalOf(host, errorCode, errorMessage);
}

const IAM_ACTION = /\bnot authorized to perform: iam:([A-Za-z]+)(?: on (?:resource: "?|")(\S+))?/;
const IAM_ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/\S+$/;

function iamRefusalOf(host: string, errorCode: string, errorMessage: string | null): Refusal | null {
  if (host === "iam" || errorMessage === null) return null;
  const named = IAM_ACTION.exec(errorMessage);
  if (named === null) return null;
  const action = named[1] as string;
  const arn = named[2] === undefined ? null : named[2].replace(/[.,;:)'"]+$/, "");
  return {
    errorCode: `${errorCode} (refused iam:${action})`,
    half: { eventSource: IAM_EVENT_SOURCE, eventName: `${action}${VIA_SERVICE_SUFFIX}`, errorCode, resources: arn !== null && IAM_ROLE_ARN.test(arn) ? [arn] : [] },
  };
}

/** (a): KMS refused the call's use of a key. `host`: the call's service host (not kms). */
function kmsRefusalOf(host: string, eventName: string, errorCode: string, errorMessage: string | null): Refusal | null {
  if (host === "kms") return null;
  const message = errorMessage ?? "";
  const named = KMS_ACTION.exec(message);
  if (named === null && !KMS_REFUSAL_CODES.has(errorCode) && !KMS_TEXT.test(message)) return null;
  const own = { errorCode: `${errorCode}${KMS_REFUSED_SUFFIX}` };
  if (errorCode === "KMSAccessDeniedException" && host === "lambda") return { ...own, half: null };
  const action = named !== null ? (named[1] as string) : READ_EVENT.test(eventName) ? "Decrypt" : "GenerateDataKey";
  const key = KMS_KEY_ARN.exec(message);
  return { ...own, half: { eventSource: KMS_EVENT_SOURCE, eventName: `${action}${VIA_SERVICE_SUFFIX}`, errorCode, resources: key === null ? [] : [key[0]] } };
}

/**
 * (d) **Which policy refused.** IAM's messages end with the policy type that refused: "with an
 * explicit deny in a <type>" or "because no <type> allows the <action> action", the types being
 * identity-based policy, resource-based policy, permissions boundary, session policy, service
 * control policy, resource control policy and VPC endpoint policy (IAM user guide, "Troubleshoot
 * access denied error messages": "If multiple policy types deny an authorization request, AWS
 * includes only one of those policy types in the error message"; "When an SCP denies access, the
 * error message can include the phrase due to an explicit deny in a Service Control Policy, even if
 * the denial is implicit"). Kept per refused call group as a bit set (dedup-proof: a
 * re-delivery names the same type), reported as `ActionUsage.deniedBy`: whether granting the
 * action in the execution role can be enough is decided by it (generate's warnings, LR009).
 */
export const REFUSING_POLICY_TYPES: ReadonlyArray<RefusalReason["policy"]> = ["identity-based policy", "resource-based policy", "permissions boundary", "session policy", "service control policy", "resource control policy", "VPC endpoint policy"];
const TYPE_ALTERNATIVES = "identity-based policy|resource-based policy|permissions boundary|session policy|service control policy|resource control policy|VPC endpoint policy";
const EXPLICIT_DENY = new RegExp(`\\b(?:with|due to) an explicit deny in (?:a |an )?(${TYPE_ALTERNATIVES})`, "i");
const IMPLICIT_DENY = new RegExp(`\\bbecause no (${TYPE_ALTERNATIVES}) allows\\b`, "i");
const TYPE_INDEX = new Map(REFUSING_POLICY_TYPES.map((t, i) => [t.toLowerCase(), i]));
/** Bits of `refusingPolicyOf`: bit i, an explicit deny in type i; bit 8 + i, no type i allowing. */
const IMPLICIT_SHIFT = 8;

/** The policy type a refusal's message names, as a bit set (0: none named). */
export function refusingPolicyOf(errorMessage: string | null): number {
  if (errorMessage === null) return 0;
  const explicit = EXPLICIT_DENY.exec(errorMessage);
  if (explicit !== null) return 1 << (TYPE_INDEX.get((explicit[1] as string).toLowerCase()) as number);
  const implicit = IMPLICIT_DENY.exec(errorMessage);
  if (implicit !== null) return 1 << (IMPLICIT_SHIFT + (TYPE_INDEX.get((implicit[1] as string).toLowerCase()) as number));
  return 0;
}

/** `refusingPolicyOf` for a call that was refused (its error code a refusal code), else 0. */
export function refusingPolicyOfCall(errorCode: string | null, errorMessage: string | null): number {
  return isAccessDenied(errorCode) ? refusingPolicyOf(errorMessage) : 0;
}

/** The reasons of a bit set of `refusingPolicyOf`, explicit denies first, each in REFUSING_POLICY_TYPES' order. */
export function refusalReasons(mask: number): RefusalReason[] {
  const out: RefusalReason[] = [];
  for (const [kind, shift] of [["explicit-deny", 0], ["no-allow", IMPLICIT_SHIFT]] as const) {
    REFUSING_POLICY_TYPES.forEach((policy, i) => {
      if ((mask & (1 << (shift + i))) !== 0) out.push({ policy, kind });
    });
  }
  return out;
}

/** The union of two `deniedBy` lists, in `refusalReasons`' order. */
export function mergeRefusalReasons(a: readonly RefusalReason[], b: readonly RefusalReason[]): RefusalReason[] {
  let mask = 0;
  for (const r of [...a, ...b]) {
    const i = REFUSING_POLICY_TYPES.indexOf(r.policy);
    if (i >= 0) mask |= 1 << ((r.kind === "explicit-deny" ? 0 : IMPLICIT_SHIFT) + i);
  }
  return refusalReasons(mask);
}

// S3's enhanced messages (since August 2024) quote the ARN: `… perform: s3:GetObject on resource:
// "arn:aws:s3:::b/k" because …`, and its troubleshooting page gives the form `… on "arn…"`
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html): a quoted
// ARN is read with or without `resource: `; an unquoted one only after it.
const ON_RESOURCE = /\bperform: ([A-Za-z0-9-]+):[A-Za-z0-9*]+ on (?:resource: (arn:[^\s"]+)|(?:resource: )?"(arn:[^\s"]+)")/;
const WELL_FORMED_ARN = /^arn:aws(?:-[a-z]+)*:[a-z0-9-]+:[a-z0-9-]*:(?:\d{12}|aws)?:\S+$/;

/**
 * The ARN a refusal's message names ("… is not authorized to perform: <prefix>:<Action> on
 * resource: <arn> because …"), or null. Only when the action it names is of the call's own service
 * (`servicePrefix(eventSource)`, in any case: SNS writes `SNS:Publish`): a Lambda CreateFunction
 * refused "iam:PassRole on resource: <role>" was not refused on the role. The token ends at white
 * space; a sentence's closing punctuation after it is not part of it.
 */
export function deniedResourceOf(eventSource: string, errorMessage: string | null): string | null {
  if (errorMessage === null) return null;
  const m = ON_RESOURCE.exec(errorMessage);
  if (m === null || (m[1] as string).toLowerCase() !== servicePrefix(eventSource)) return null;
  const arn = ((m[2] ?? m[3]) as string).replace(/[.,;:)'"]+$/, "");
  return WELL_FORMED_ARN.test(arn) ? arn : null;
}

/**
 * A refused call's resources: `resources` when it names some, else the ARN its message names
 * (none for a call that was not refused, or whose dependent action was: the key or role is its
 * half's).
 */
export function refusedCallResources(eventSource: string, resources: string[], errorCode: string | null, refusal: Refusal | null, errorMessage: string | null): string[] {
  if (resources.length > 0 || refusal !== null || !isAccessDenied(errorCode)) return resources;
  const arn = deniedResourceOf(eventSource, errorMessage);
  return arn === null ? resources : [arn];
}
