/**
 * Findings: what the rule packs produce and every report consumes. The JSON form is a public
 * contract (`leastrole audit --format json`).
 */

export type Severity = "critical" | "high" | "medium" | "low" | "info";

export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low", "info"];

/** `layer`: a Lambda layer version (its ARN, with the version). */
export type ResourceType = "function" | "role" | "policy" | "principal" | "layer";

export interface FindingResource {
  type: ResourceType;
  arn: string;
  name: string;
}

export interface Suppression {
  reason: string;
  /** ISO date (YYYY-MM-DD) after which the suppression no longer applies; null = no expiry. */
  expires: string | null;
  /** Where it came from: `config` (with file) or `tag` (with the tagged resource). */
  origin: string;
}

export interface Finding {
  ruleId: string;
  name: string;
  severity: Severity;
  resource: FindingResource;
  message: string;
  /** Structured evidence from the rule (statements, actions, functions …). */
  evidence: { [key: string]: unknown };
  remediation: string;
  /** Stable hash of rule id + resource ARN + detail: the same problem keeps the same fingerprint. */
  fingerprint: string;
  suppressed: Suppression | null;
  location: FindingLocation | null;
}

/** Where a finding's resource (or statement) is defined. */
export interface FindingLocation {
  file: string;
  line: number | null;
  /** Which entry of the file: a Terraform address (`module.workers["qa"].aws_iam_role.worker`), a CloudFormation logical ID, an export's entry (`RoleDetailList[3]`). */
  address?: string;
  /** The AWS CDK construct path, for a synthesised template's resource. */
  construct?: string;
}
