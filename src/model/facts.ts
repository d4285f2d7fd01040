/**
 * Facts about a principal's permissions, computed in TypeScript with the IAM engine (src/iam/) so
 * that the Rego rules stay simple. Owned by the IAM stage (computePrincipalFacts).
 *
 * "Allowed" here means: granted on some resource by some Allow statement of an identity policy
 * (with or without conditions), not removed by an unconditional Deny on every resource, and inside
 * the permissions boundary when there is one. Conditional and resource-scoped grants are counted as
 * allowed and flagged separately, so the facts are an upper bound of what the principal can do
 * (a lower bound of it when `incomplete`). Lists are capped and always come with exact counts.
 */

import type { SourceLocation } from "./document.js";

/** Facts about a principal's permissions, computed in TypeScript with the IAM engine. */
export interface RoleFacts {
  /** Some attached managed policy or the boundary could not be resolved: permissions are a lower bound. */
  incomplete: boolean;
  /** ARNs of the attached managed policies (and boundary) whose document is unknown, sorted. */
  unresolvedPolicies: string[];
  /** A permissions boundary is set (resolved or not). */
  hasPermissionsBoundary: boolean;
  /** Every statement of the identity policies and the boundary (Allow and Deny), in policy order. */
  statements: StatementFacts[];
  /**
   * Per service with at least one allowed action, sorted by service; capped at 25 (the services with
   * the most Permissions-management, then Write, then total actions are kept), see `servicesTruncated`.
   */
  services: ServiceGrant[];
  servicesTruncated: boolean;
  /** Number of services with at least one allowed action. */
  serviceCount: number;
  /**
   * Concrete allowed actions (after denies and boundary), sorted: all of them when there are at most
   * 200, none when there are more (`actionsTruncated`; an alphabetical prefix would mean nothing).
   */
  allowedActions: string[];
  actionsTruncated: boolean;
  /** Number of concrete actions allowed. */
  allowedActionCount: number;
  /** Allowed actions by AWS primary access level (all five levels always present). */
  accessLevelCounts: { [level: string]: number };
  /** Services of which every catalog action is allowed (e.g. `dynamodb` for AmazonDynamoDBFullAccess), sorted. */
  fullAccessServices: string[];
  /** Allowed actions granted on `*` (or through NotResource) that do support resource-level permissions. */
  resourceLevelActionsOnStarCount: number;
  /** Allowed actions whose every granting statement has a Condition. */
  conditionalActionCount: number;
  /**
   * Privilege-escalation and data-exfiltration relevant actions (iam:PassRole, iam:PutRolePolicy,
   * lambda:UpdateFunctionCode, sts:AssumeRole…) that are allowed, with where: never truncated.
   */
  sensitiveActions: SensitiveGrant[];
  /** Action patterns in Allow statements that name no known action (unknown service or action), sorted. */
  unknownActions: string[];
}

export type AccessLevel = "List" | "Read" | "Write" | "Permissions management" | "Tagging";

export interface StatementFacts {
  /** Where the statement lives: `inline:<name>`, or the managed policy ARN (boundary: its ARN). */
  policy: string;
  policyKind: "inline" | "managed" | "boundary";
  index: number;
  sid: string | null;
  effect: "Allow" | "Deny";
  /** The statement's elements as written; each capped at 50 entries (see `listsTruncated`). */
  actions: string[];
  notActions: string[];
  resources: string[];
  notResources: string[];
  /** Some of the four lists above was longer than 50 (e.g. ReadOnlyAccess): the policy document has them all. */
  listsTruncated: boolean;
  hasConditions: boolean;
  /** Condition keys the statement tests (lower case), sorted. */
  conditionKeys: string[];
  /** `*` or `service:*` appears in Action, or the statement uses NotAction. */
  wildcardAction: boolean;
  /** A pattern with a wildcard that is not `*`/`service:*` (e.g. `s3:Put*`). */
  partialWildcardActions: string[];
  /** `*` appears in Resource, or the statement uses NotResource. */
  wildcardResource: boolean;
  /** Number of concrete actions the statement names after expansion (NotAction: everything but). */
  expandedActionCount: number;
  accessLevels: AccessLevel[];
  /** Concrete actions granted on `*` that do support resource-level permissions (first 10, sorted). */
  resourceLevelActionsOnStar: string[];
  /** Exact number behind `resourceLevelActionsOnStar`. */
  resourceLevelActionsOnStarCount: number;
  /** Patterns that name no known action (unknown service or action). */
  unknownActions: string[];
  source: SourceLocation | null;
}

export interface ServiceGrant {
  service: string;
  actionCount: number;
  /** The service's total number of actions in the catalog. */
  serviceActionCount: number;
  /** Allowed actions by primary access level (only levels with a count > 0). */
  levels: { [level: string]: number };
  /** Every action of the service is allowed. */
  fullAccess: boolean;
  /** Resource patterns of the statements granting this service's actions (NotResource grants count as `*`), sorted, capped at 20. */
  resources: string[];
  resourcesTruncated: boolean;
  /** Allowed actions of the service granted on `*` that support resource-level permissions. */
  resourceLevelActionsOnStar: number;
  /** Allowed actions of the service granted only under conditions. */
  conditionalActionCount: number;
}

export interface SensitiveGrant {
  action: string;
  /** Resource patterns it is granted on (NotResource grants as `*`), sorted. */
  resources: string[];
  /** Every granting statement has a Condition. */
  conditional: boolean;
  /**
   * When only some granting statements have a Condition: the resource patterns that only those
   * grant, sorted (absent when `conditional`, or when every pattern has an unconditional grant).
   */
  conditionalResources?: string[];
  /** Policies granting it (`inline:<name>` or ARN), sorted. */
  grantedBy: string[];
}
