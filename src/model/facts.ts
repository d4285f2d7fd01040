/**
 * Facts about a principal's permissions, computed in TypeScript with the IAM engine (src/iam/) so
 * that the Rego rules stay simple. Owned by the IAM stage.
 */

import type { SourceLocation } from "./document.js";

/** Facts about a principal's permissions, computed in TypeScript with the IAM engine. */
export interface RoleFacts {
  /** Some attached managed policy document could not be resolved: permissions are a lower bound. */
  incomplete: boolean;
  /** Every Allow statement, with what it expands to. */
  statements: StatementFacts[];
  /** Per service: how many concrete actions are allowed, by access level. */
  services: ServiceGrant[];
  /** Concrete allowed actions (after denies), sorted; capped, see `actionsTruncated`. */
  allowedActions: string[];
  actionsTruncated: boolean;
  /** Number of concrete actions allowed. */
  allowedActionCount: number;
}

export type AccessLevel = "List" | "Read" | "Write" | "Permissions management" | "Tagging";

export interface StatementFacts {
  /** Where the statement lives: `inline:<name>`, or the managed policy ARN. */
  policy: string;
  policyKind: "inline" | "managed" | "boundary";
  index: number;
  sid: string | null;
  effect: "Allow" | "Deny";
  actions: string[];
  notActions: string[];
  resources: string[];
  notResources: string[];
  hasConditions: boolean;
  /** `*` or `service:*` appears in Action. */
  wildcardAction: boolean;
  /** A pattern with a wildcard that is not `*`/`service:*` (e.g. `s3:Put*`). */
  partialWildcardActions: string[];
  /** `*` appears in Resource. */
  wildcardResource: boolean;
  /** Number of concrete actions the statement names after expansion. */
  expandedActionCount: number;
  accessLevels: AccessLevel[];
  /** Concrete actions granted on `*` that do support resource-level permissions (capped at 50). */
  resourceLevelActionsOnStar: string[];
  /** Patterns that name no known action (unknown service or action). */
  unknownActions: string[];
  source: SourceLocation | null;
}

export interface ServiceGrant {
  service: string;
  actionCount: number;
  /** The service's total number of actions in the catalog. */
  serviceActionCount: number;
  levels: { [level: string]: number };
}
