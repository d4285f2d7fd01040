/**
 * Derived analysis the rules read: facts about functions, roles and principals that need the IAM
 * engine (does the role allow what the function's configuration requires? which principals can
 * read this function's configuration? which escalation paths does this role have?). Computed in
 * src/analysis/ after normalisation (`analyzeDocument`). Owned by the rule-pack work (issue 6).
 *
 * Why in TypeScript and not in Rego: every answer here needs IAM semantics (wildcards, NotAction,
 * conditions, denies, boundaries) or a join across entities (principals × functions). Rego compiled
 * to wasm has no indexing, so joins there are quadratic; the rules stay linear scans over these
 * precomputed lists. Every list is sorted so the document stays byte-stable.
 *
 * Reference for what each field means, per rule: docs/canonical-document-analysis.md.
 */
import type { PolicyPrincipal } from "./document.js";

/**
 * The IAM engine's decision for one request (src/iam/evaluate.ts); `no-role` when the execution
 * role is not in the document; `unresolved` when the resource is an unresolved IaC reference
 * (`${Queue.Arn}`) that a statement granting the action may or may not cover: undecidable from the
 * inputs, so never reported as missing.
 */
export type RequirementDecision = "allowed" | "explicit-deny" | "implicit-deny" | "conditional" | "no-role" | "unresolved";

/** Why the function's configuration needs a permission. */
export type RequirementPurpose =
  | "logs"
  | "vpc"
  | "tracing"
  | "trigger"
  | "trigger-secret"
  | "trigger-kms"
  | "trigger-destination"
  | "dead-letter"
  | "destination"
  | "environment-kms"
  | "durable"
  | "config-rule"
  | "insights"
  | "application-signals"
  | "file-system";

/** A pointer to a policy statement: `policy` is `inline:<name>`, a managed policy ARN, or `boundary:<arn>`. */
export interface StatementPointer {
  policy: string;
  index: number;
  sid: string | null;
}

/** One permission the function's configuration requires of its execution role, and whether the role has it. */
export interface Requirement {
  purpose: RequirementPurpose;
  /** The configuration item that needs it: the log group name, the trigger's ARN, the DLQ ARN … */
  subject: string;
  action: string;
  /** The resource the request is evaluated on (`*` for actions without resource-level permissions). */
  resource: string;
  /**
   * False when the function works without it in common setups (logs:CreateLogGroup when the group
   * was created beforehand): rules report a missing optional permission at a lower severity.
   */
  essential: boolean;
  decision: RequirementDecision;
  /** The engine's one-sentence explanation; empty for `allowed` (the statements say it, and every byte is wasm input). */
  explanation: string;
  /** The statements that decided (grants for allowed, denies for explicit-deny …). */
  statements: StatementPointer[];
}

/** A capability the role grants that this function's configuration does not use (nor any other function of the role). */
export interface UnneededCapability {
  purpose: "vpc" | "tracing";
  /** The granted actions of the capability, sorted. */
  actions: string[];
  statements: StatementPointer[];
}

/** A principal that can read a function's configuration (environment variables included). */
export interface ConfigurationReader {
  principalArn: string;
  /**
   * The principal as the user's code names it (its `displayName`, else its name when its account is
   * a template's or plan's placeholder, with its file when that is not the function's); absent
   * for an account export's principal.
   */
  displayName?: string;
  principalType: "role" | "user";
  /** Which of lambda:GetFunctionConfiguration / lambda:GetFunction it can call, sorted. */
  actions: string[];
  /** `conditional` when only under conditions the analysis could not settle. */
  decision: "allowed" | "conditional";
}

export interface FunctionAnalysis {
  /** The execution role is in the document (else every decision is `no-role`). */
  roleFound: boolean;
  /** Some policy of the role could not be resolved: a missing permission may be granted by it. */
  roleIncomplete: boolean;
  /** Sorted by purpose, subject, action. */
  requirements: Requirement[];
  unneededCapabilities: UnneededCapability[];
  /** Only computed for functions with environment variables; sorted by principal ARN, capped at 5 (see `readersTruncated`). */
  configurationReaders: ConfigurationReader[];
  readersTruncated: boolean;
  readerCount: number;
  /**
   * Indexes of the function's resource-policy statements whose `aws:CurrentTime` window closed
   * before `meta.asOf`: they grant nothing any more (LR012 skips them). Sorted; usually empty.
   */
  closedPolicyStatements: number[];
  /**
   * The Allow statements of the function's resource policy that grant a function action, open
   * time windows only, in statement order (LR012). Absent when there are none.
   */
  resourcePolicyGrants?: ResourcePolicyGrant[];
  /**
   * For each function URL with AuthType NONE, in `functionUrls` order: whether the resource policy
   * of the URL's qualifier lets anyone (Principal `*`, no pinning condition) call it. Lambda
   * authenticates nobody then, but the policy must still grant the public lambda:InvokeFunctionUrl,
   * and for URLs created since October 2025 lambda:InvokeFunction too, or the URL answers 403
   * Forbidden. Absent without such a URL.
   */
  publicUrls?: PublicUrlGrants[];
  /**
   * Each resource-policy statement's identity, by index: `sid:<qualifier>:<Sid>` (qualifier empty
   * for the function's own policy), or `content:<hash>` for a statement without a Sid or sharing it.
   * LR012's fingerprints use it, not the statement's index in the union of the function's and its
   * aliases' policies, which moves when an alias's policy is added (src/analysis/statement-ids.ts).
   * Absent for a function without a resource policy.
   */
  resourcePolicyStatementIds?: string[];
}

/** Which of the URL's two permissions a public, unpinned Allow of the URL's own policy grants (LR012). */
export interface PublicUrlGrants {
  /** The URL's qualifier (null: the unqualified function's URL). */
  qualifier: string | null;
  invokeFunctionUrl: boolean;
  invokeFunction: boolean;
  /** Those statements' indexes in `resourcePolicy.Statement`, sorted. */
  statements: number[];
}

/** What one Allow statement of a function's resource policy lets its principals do (src/analysis/resource-policy.ts). */
export interface ResourcePolicyGrant {
  /** Index of the statement in `resourcePolicy.Statement`. */
  index: number;
  /** The worst of what it allows: change the function, read its code and environment, or invoke it. */
  access: "change" | "read" | "invoke";
  /** The function actions LR012 judges that it grants (Action patterns expanded, NotAction complemented), lower case, sorted. */
  actions: string[];
  /** It grants only calls through a function URL: lambda:InvokeFunctionUrl, and lambda:InvokeFunction under `Bool` lambda:InvokedViaFunctionUrl true. */
  urlOnly: boolean;
  /**
   * A URL-only grant under `lambda:FunctionUrlAuthType: NONE` while the URL of the statement's
   * qualifier uses AWS_IAM: it grants nothing now (an IAM-authenticated call carries AWS_IAM), and
   * would make the function public if the URL were switched to NONE. Also lambda:InvokeFunction
   * through that URL when the policy's only lambda:InvokeFunctionUrl grants are such: a URL call
   * needs both. Absent otherwise.
   */
  dormantUrl?: boolean;
  /**
   * A URL-only grant (`urlOnly`) for a function with no function URL of the statement's qualifier,
   * when the inputs hold the function URL configurations (a `lambda-function-url` source of the
   * function's region: the collectors write one file per function that has a URL, so absence
   * means none). It grants nothing now; creating a URL with AuthType NONE would make the function
   * public at once. Absent otherwise (and when the inputs cannot say whether a URL exists).
   */
  noUrl?: boolean;
  /** A condition, or a Deny of the policy, admits only fixed callers (src/analysis/pins.ts, the rule LR011's `restricted` uses too). */
  pinned: boolean;
  /**
   * Principal `*` pinned only by a Deny that exempts AWS service principals (`BoolIfExists
   * aws:PrincipalIsAWSService false`, the data perimeter's form): callers that are not services are
   * held to the pin, but any service (S3, SNS …) may still call on behalf of any account, the
   * confused-deputy problem. Absent otherwise.
   */
  servicesUnpinned?: boolean;
  /** Pinned only to accounts other than the function's: those, sorted; else empty. */
  otherAccounts: string[];
  /** The principals a Deny of the policy leaves, when it takes some back (else the statement's Principal holds). */
  principal?: PolicyPrincipal;
}

/** What the policy of a layer version lets whom do (LR022), src/analysis/resource-policy.ts. */
export interface LayerVersionAnalysis {
  /** The Allow statements of the version's policy that grant lambda:GetLayerVersion, open time windows only, in statement order. */
  policyGrants: LayerPolicyGrant[];
  /**
   * How the user's code names the functions of `functions` that have a display name (a template's
   * or plan's: LambdaFunction.displayName), by function ARN: what LR022's message says. Absent when
   * none has (account exports).
   */
  functionDisplayNames?: { [functionArn: string]: string };
}

/** One Allow statement of a layer version's policy that lets its principals get the version (its code). */
export interface LayerPolicyGrant {
  /** Index of the statement in `policy.Statement`. */
  index: number;
  /** A condition, or a Deny of the policy, admits only fixed callers (an organisation, accounts: src/analysis/pins.ts, as for a function's policy). */
  pinned: boolean;
  /**
   * Principal `*` pinned only by a Deny that exempts AWS service principals, as for a function's
   * policy (ResourcePolicyGrant.servicesUnpinned). LR022 does not read it: no service gets a
   * layer version on another account's behalf. Absent otherwise.
   */
  servicesUnpinned?: boolean;
  /** Pinned only to accounts other than the layer's: those, sorted; else empty. */
  otherAccounts: string[];
  /** The principals a Deny of the policy leaves, when it takes some back (else the statement's Principal holds). */
  principal?: PolicyPrincipal;
}

/* ------------------------------------------------------------------ roles */

export type TrustedPrincipalKind = "lambda" | "service" | "aws-account" | "aws-principal" | "federated" | "wildcard" | "canonical-user";

/** One principal an Allow statement of the trust policy lets assume the role. */
export interface TrustedPrincipal {
  kind: TrustedPrincipalKind;
  /** As written: `lambda.amazonaws.com`, `arn:aws:iam::111122223333:root`, `*` … */
  identifier: string;
  /** The account of an AWS principal (null for services, federated, wildcard). */
  accountId: string | null;
  /** The principal's account differs from the role's. */
  crossAccount: boolean;
  /** Index of the trust policy statement. */
  statementIndex: number;
  /**
   * The statement's Sid, when it has one (LR011 names the statement to edit by it). Absent
   * otherwise. In the analysis because the rules' view of a role leaves out its trust policy.
   */
  sid?: string;
  /** Which STS actions it may call (sts:AssumeRole, sts:AssumeRoleWithWebIdentity, sts:TagSession …). */
  actions: string[];
  /** Condition keys of the statement, lower case, sorted. */
  conditionKeys: string[];
  /**
   * The statement has a condition that pins the caller (aws:SourceArn, aws:SourceAccount,
   * aws:PrincipalOrgID, aws:PrincipalArn, sts:ExternalId …) with a value that is not a bare wildcard.
   */
  restricted: boolean;
  /**
   * A Cognito identity pool (`cognito-identity.amazonaws.com`) whose statement admits its
   * unauthenticated (guest) identities (`cognito-identity.amazonaws.com:amr` matching
   * `unauthenticated`): anyone who asks the pool for an identity can assume the role, whatever its
   * `aud` condition (Amazon Cognito Developer Guide, "Role trust and permissions"). Then
   * `restricted` is false. Absent otherwise.
   */
  guests?: true;
  /**
   * A wildcard (`*`) whose statement's conditions admit only callers of the role's own account,
   * by naming it (`aws:PrincipalAccount`, or `aws:PrincipalArn` with an ARN in it …): as trusting
   * a principal of that account. Absent otherwise (an organisation condition admits many accounts).
   */
  ownAccountOnly?: true;
}

export interface TrustAnalysis {
  /** Principals of Allow statements, sorted by statement then identifier. */
  principals: TrustedPrincipal[];
  /**
   * The trust policy uses NotPrincipal in an Allow: IAM refuses that in a role trust policy (IAM
   * User Guide, "NotPrincipal"), so such a policy cannot be deployed nor exist in an account as
   * written; it lets no one in.
   */
  notPrincipalAllow: boolean;
  /** The indexes of those statements, ascending; absent when there are none. */
  notPrincipalAllowStatements?: number[];
  /**
   * The indexes of Deny statements with NotPrincipal, ascending; absent when there are none. IAM
   * refuses NotPrincipal in a role trust policy whatever the Effect, so such a policy cannot be
   * deployed either; the Deny is not applied (it takes no one back, and trustsLambda follows the
   * Allow statements).
   */
  notPrincipalDenyStatements?: number[];
  /**
   * Unique principal IDs (`AROA…`, `AIDA…`) that Allow statements name where an ARN would be: IAM
   * stores a role's or user's ARN as its unique ID and shows the ID once that principal is deleted;
   * it then matches no one, not even a principal recreated with the same name (IAM User Guide,
   * "AWS JSON policy elements: Principal"). Not in `principals`: they let no one assume the role.
   * Sorted; absent when there are none.
   */
  deletedPrincipals?: string[];
}

/**
 * An Allow statement of a role's identity policies that uses a wildcard action, `Resource: "*"`,
 * NotAction or NotResource (the others concern no rule here and stay in `facts.statements`), with
 * what rules LR002/LR003/LR015 need.
 */
export interface GrantAnalysis {
  /** `inline:<name>` or the managed policy ARN. */
  policy: string;
  policyKind: "inline" | "managed";
  /** AWS managed (`arn:<p>:iam::aws:policy/…`): judged by LR004 instead, and not editable by the user. */
  awsManaged: boolean;
  index: number;
  sid: string | null;
  hasConditions: boolean;
  /** `*` or `*:*` in Action. */
  fullWildcardAction: boolean;
  /** `service:*` patterns in Action, sorted. */
  serviceWildcards: string[];
  /** Other wildcard patterns (`s3:Put*`) that expand to Write or Permissions management actions, sorted. */
  writeWildcards: string[];
  /** Up to 10 Write / Permissions management actions the wildcard patterns expand to. */
  wildcardWriteActionSample: string[];
  wildcardWriteActionCount: number;
  /** `*` in Resource. */
  starResource: boolean;
  /** Concrete actions granted on `*` that support resource-level permissions (capped at 10). */
  resourceLevelActionsOnStar: string[];
  resourceLevelActionsOnStarCount: number;
  notAction: string[];
  notResource: string[];
  /**
   * Number of concrete actions the statement grants (after NotAction complement), and the role may
   * use: the counts and samples above leave out what the role's Deny statements on every resource
   * and its permissions boundary block.
   */
  actionCount: number;
  /** Of the statement's actions, how many the role's Deny statements or boundary block (0 when none can). */
  blockedActionCount?: number;
  /** After those, every action left is in one of these services (only when some were blocked; at most 20). */
  remainingServices?: string[];
}

/** An AWS managed policy attached to the role whose content grants admin or service-wide access (LR004). */
export interface FullAccessPolicy {
  arn: string;
  name: string;
  /** `admin`: every action; `power-user`: every action of most services (NotAction); `service-wide`: every action of some services. */
  kind: "admin" | "power-user" | "service-wide";
  /** Services of which every action is granted on every resource, sorted (capped at 30). */
  services: string[];
  serviceCount: number;
  /** Some of those services have Permissions management actions (iam, kms, s3 bucket policies …). */
  permissionsManagement: boolean;
  /** The actions the policy's full-access statements grant. */
  actionCount: number;
  /**
   * Those a Deny on every resource or the role's permissions boundary blocks (0 usually); equal to
   * `actionCount` when the policy gives the role nothing.
   */
  blockedActionCount: number;
  statements: StatementPointer[];
}

/**
 * An attached AWS managed policy, not full access (FullAccessPolicy) and not one of Lambda's own
 * execution-role policies, that grants on every resource write or permissions-management actions
 * AWS lets you scope to named resources (LR021).
 */
export interface BroadManagedPolicy {
  arn: string;
  name: string;
  /**
   * How many such actions (Write or Permissions management, resource-level, granted on `*`) the
   * role is allowed: a Deny on every resource or the permissions boundary can block some.
   */
  actionCount: number;
  /** Those the policy grants but a Deny or the boundary blocks (0 usually). */
  blockedActionCount: number;
  /** The first 10 of them, sorted. */
  actions: string[];
  /** Their services, sorted. */
  services: string[];
  /** Some of them are Permissions management (key policies, bucket ACLs, IAM …). */
  permissionsManagement: boolean;
  /** The first 10 of those, sorted. */
  permissionsManagementActions: string[];
  /** Every statement that grants them has a condition the analysis could not settle. */
  conditional: boolean;
  statements: StatementPointer[];
}

/** A privilege-escalation path (iam-tools-landscape.md §3). */
export interface EscalationPath {
  /** Stable id, e.g. `passrole-lambda`, `iam-put-role-policy`, `lambda-update-code`. */
  id: string;
  title: string;
  /** The actions the path needs, each allowed by the engine on `resources`. */
  actions: string[];
  /** The resources (targets) the path reaches: concrete ARNs from the document, or `<any …>` descriptions. */
  resources: string[];
  /**
   * How the user's code names the concrete `resources` of a template or plan (their
   * Role/Principal/LambdaFunction/ManagedPolicy.displayName, else their name when the account is
   * the template's or plan's placeholder), and a placeholder account's `<any …>` targets in words
   * (`<any role in the deployment account>`), by resource: what LR014's message says. Absent when
   * none has (account exports). Why here and not looked up by the rule:
   * the rules are evaluated in slices of a few hundred functions (src/evaluate/rules-slices.ts), and
   * a path's target may be in another slice.
   */
  resourceDisplayNames?: { [resource: string]: string };
  /**
   * `sts-assume-role` only (absent on every other path): by `resources`' index, the ARNs of the
   * roles assumed one after the other from that resource, the resource first and the role that is
   * more privileged itself (administrator, or with escalation paths of its own) last: `[B]` for a
   * single hop, `[B, C]` for A → B → C (role chaining, at most five roles). What `why` says in
   * words, for programs (LR014's evidence). Added in schema 1.13.
   */
  chains?: string[][];
  statements: StatementPointer[];
  /** True when allowed only under a condition the analysis could not settle (still a path, lower confidence). */
  conditional: boolean;
  why: string;
}

/** A candidate path the engine ruled out (resource constraint, condition, deny, boundary), kept as evidence. */
export interface BlockedEscalation {
  id: string;
  /** The action that is not allowed. */
  action: string;
  reason: string;
}

/** A resource wildcard that usage shows could be narrowed to a prefix (LR017). */
export interface ScopeSuggestion {
  policy: string;
  index: number;
  /** The granted pattern, e.g. `arn:aws:dynamodb:us-east-1:123456789012:table/*`. */
  granted: string;
  /** The narrowest prefix covering the used resources, e.g. `…:table/orders-*`. */
  suggested: string;
  /** Actions of the statement that were used on those resources, sorted. */
  actions: string[];
  /** Resources seen (capped at 10), sorted. */
  resources: string[];
  /**
   * Present when more resources were used than the usage sample keeps: the patterns (each
   * parent's prefix, usage/parents.ts) every one beyond it matches, all covered by `suggested`.
   */
  beyondSample?: string[];
}

export interface GrantSummary {
  /** Services with at least one allowed action, sorted (capped at 20). */
  services: string[];
  actionCount: number;
  writeActionCount: number;
  /** Services with at least one allowed Write action, sorted. */
  writeServices: string[];
  permissionsManagementActionCount: number;
}

export interface RoleAnalysis {
  /** The role trusts Lambda or is used by a function: rules about execution roles apply. */
  executionRole: boolean;
  /** Some attached managed policy (or the boundary) could not be resolved. */
  incomplete: boolean;
  trust: TrustAnalysis;
  grants: GrantAnalysis[];
  fullAccessPolicies: FullAccessPolicy[];
  broadManagedPolicies: BroadManagedPolicy[];
  escalationPaths: EscalationPath[];
  blockedEscalations: BlockedEscalation[];
  scopeSuggestions: ScopeSuggestion[];
  /**
   * The role's policies as the user's code names them, by the reference grants use (\`inline:<name>\`,
   * a managed policy's ARN), for those that have a display name (InlinePolicy.displayName,
   * ManagedPolicy.displayName): what rule messages say (\`policy_name\` in
   * policies/lib/analysis.rego). Absent when none has.
   */
  policyDisplayNames?: { [policy: string]: string };
  summary: GrantSummary;
}

export interface PrincipalAnalysis {
  incomplete: boolean;
  escalationPaths: EscalationPath[];
  blockedEscalations: BlockedEscalation[];
}
