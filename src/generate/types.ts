/**
 * Types of the policy generator's public API. Options map one-to-one to the CLI's
 * `leastrole generate` flags (`--format`, `--function`, `--split`, `--diff`, `--target`,
 * `--prefix-threshold`).
 */

import type { RequirementPurpose as AnalysisRequirementPurpose } from "../model/analysis.js";
import type { KeptException } from "../model/config.js";
import type { PolicyDocument, RolePolicyResource } from "../model/document.js";
import type { OutputReferences } from "./references.js";

/** Why a permission is in the generated policy. */
export type Provenance =
  | {
      kind: "observed";
      /** Successful calls (count minus access-denied calls) over the usage window. */
      calls: number;
      lastSeen: string;
    }
  | {
      kind: "required";
      /** `logs`, `vpc`, `tracing`, `trigger`, `trigger-secret`, `dead-letter`, `destination`, `environment-kms`, `file-system` … */
      purpose: RequirementPurpose;
      /** Human detail, e.g. "event source mapping 1a2b… (sqs)". */
      detail: string;
    }
  | {
      kind: "exception";
      /** The reason given in the configuration's kept exception. */
      reason: string;
      /** The action pattern as written in the configuration. */
      pattern: string;
    }
  | {
      /**
       * A data-event action today's role grants and the logs do not show, kept as today's policy
       * grants it: the trail is not known to log data events for every resource (unlogged.ts).
       */
      kind: "not-logged";
      reason: string;
    }
  | {
      /**
       * A successful call by a session on the role that leastrole attributed to no function,
       * granted as the function's own would be: the session may have been it (unattributed.ts).
       */
      kind: "unattributed";
      /** Which sessions, how many successful calls, the last one. */
      reason: string;
    };

/** The analysis stage's purposes (src/model/analysis.ts): generation requires what the rules check. */
export type RequirementPurpose = AnalysisRequirementPurpose;

/** One permission the function's configuration needs (shape shared with src/analysis/requirements.ts). */
export interface RequiredPermission {
  purpose: RequirementPurpose;
  action: string;
  /** Resource ARN or pattern; `*` only for actions without resource-level permissions. */
  resource: string;
  /** Condition the grant must carry (EFS access point), operator → key → values. */
  condition?: { [operator: string]: { [key: string]: string[] } };
  /** Human detail naming the configuration item. */
  detail: string;
}

/** How a resource pattern in the policy was obtained. */
export type ScopingKind =
  /** The exact ARN observed (or configured). */
  | "exact"
  /** A prefix pattern over ≥ threshold observed ARNs sharing a non-trivial prefix. */
  | "prefix"
  /** The sample of resources was truncated: the prefix of every resource seen (sound, wider). */
  | "truncated-prefix"
  /** The call named only a parent (bucket for an object action): everything under that parent. */
  | "parent"
  /** No resource was recorded for the call: the resource type in the account, any name. */
  | "unnamed"
  /** The action has no resource-level permissions: only `*` can grant it. */
  | "no-resource-level-permissions"
  /** The action is not in the catalog: resources kept as observed, or `*` when none. */
  | "unknown-action"
  /** Written as-is in the configuration (kept exception resources) or today's policy. */
  | "as-configured";

/** One (action, resource) permission with why it is there. The unit the laws are stated over. */
export interface Grant {
  action: string;
  resource: string;
  scoping: ScopingKind;
  condition?: { [operator: string]: { [key: string]: string[] } };
  provenance: Provenance[];
}

export interface GeneratedStatement {
  sid: string;
  service: string;
  actions: string[];
  resources: string[];
  condition?: { [operator: string]: { [key: string]: string[] } };
  /** Labels, sorted: `observed`, `required:<purpose>`, `exception:<reason>`, `not-logged`, `unattributed`. */
  provenance: string[];
  /** One line per provenance with details (call counts, configuration item, reason), for comments. */
  notes: string[];
}

/** Every wildcard in a Resource, with the reason it is there. */
export interface WildcardExplanation {
  action: string;
  resource: string;
  scoping: ScopingKind;
  reason: string;
}

export type GenerationWarningCode =
  | "usage-absent"
  | "no-usage-for-function"
  | "usage-partial"
  | "usage-window-short"
  | "used-before-window-not-granted"
  | "data-events-absent"
  | "data-events-unknown"
  | "data-events-not-logged"
  | "management-events-not-logged"
  | "resources-truncated"
  | "prefix-ends-in-a-date"
  | "no-resource-recorded"
  | "calls-without-resource"
  | "parent-resource-only"
  | "denied-calls-not-granted"
  | "denied-resources-not-granted"
  | "logging-denied-on-purpose"
  | "unknown-action"
  | "unattributed-sessions"
  | "exception-not-granted-today"
  | "exception-on-star"
  | "exception-unknown-action"
  | "exception-resource-not-an-arn"
  | "requirement-unknown-resource"
  | "target-not-understood"
  | "kafka-access-not-granted"
  | "requirement-resource-not-an-arn"
  | "used-outside-trail"
  | "document-partial"
  | "split-into-several-policies"
  | "size-with-longer-values"
  | "unresolved-references"
  | "parameter-defaults"
  | "terraform-variable-values"
  | "role-not-in-input"
  | "policies-attached-elsewhere";

export interface GenerationWarning {
  code: GenerationWarningCode;
  message: string;
  action?: string;
  /**
   * The end of `message` that is the same for every function of the input (where the logs stand,
   * what to do about it), after what is this function's own: `leastrole generate` says it once on
   * stderr for all the functions it concerns, then each one's own part.
   */
  advice?: string;
  /** In a role's union: the function whose warning it is (its message starts with the name). */
  function?: string;
}

/** A kept exception as carried into the policy (the side list). */
export interface AppliedException {
  /** The exception's `function` glob as written. */
  function: string;
  reason: string;
  actions: string[];
  resources: string[];
  /** Where the resources came from: the configuration, or today's policy on the role. */
  resourcesFrom: "configuration" | "current-policy";
}

export type PolicyTarget = "inline" | "managed";

export interface GenerateOptions {
  /** Kept exceptions from the configuration file (all of them; those matching the function apply). */
  // `| undefined`: a project with exactOptionalPropertyTypes passes `config?.exceptions` as it is
  // (docs/generate.md does); without it that was TS2379.
  exceptions?: readonly KeptException[] | undefined;
  /** Days of usage the caller expects (config `usage.windowDays`); shorter data gives a warning. Default 30. */
  windowDays?: number;
  /**
   * Minimum number of distinct observed ARNs of one resource type, under one parent, before they
   * are compressed to a shared-prefix pattern (`table/orders-*`). Default 3. A truncated sample
   * always uses a prefix (the exact list is unknown).
   */
  prefixThreshold?: number;
  /**
   * Where the policy will live, which decides the size limit: `inline` (aggregate of a role's
   * inline policies ≤ 10,240 non-whitespace characters) or `managed` (each ≤ 6,144). An inline
   * policy that does not fit is split into managed policies. Default `inline`.
   */
  target?: PolicyTarget;
  /** Name for the role in IaC output; default: the current role's name when only this function uses it. */
  roleName?: string;
  /**
   * The output's format: in the input's own language (`cloudformation`, `sam` for a template),
   * names made from the template's parameters are written as references to them (`references`).
   */
  format?: GenerateFormat;
}

export type GenerateFormat = "json" | "terraform" | "cloudformation" | "sam" | "markdown";

/** One policy document of the output, with its measured size. */
export interface SizedPolicy {
  name: string;
  kind: PolicyTarget;
  document: PolicyDocument;
  /** Characters excluding whitespace outside strings, as IAM counts them. */
  size: number;
  limit: number;
}

/** A built policy: grants, statements, the documents to deploy and the wildcards explained. */
export interface PolicyBuild {
  /** Name for the role in IaC output. */
  roleName: string;
  /** The whole policy as one document (may exceed the size limit; see `policies`). */
  policy: PolicyDocument;
  /** The policy as deployed: one document when it fits, else several within the limits. */
  policies: SizedPolicy[];
  statements: GeneratedStatement[];
  /** Every (action, resource) granted, sorted, with provenance: what the laws are checked over. */
  grants: Grant[];
  wildcards: WildcardExplanation[];
  exceptions: AppliedException[];
  warnings: GenerationWarning[];
  /**
   * The resources of the template or plan that put policies on today's role from outside its
   * definition (Role.policyResources), when the output takes that role's place: they stay attached
   * to it, so each must be removed or edited (`policies-attached-elsewhere` says how). Absent when
   * there are none, and for a new role (a split, a role named after the function).
   */
  separatePolicies?: SeparatePolicy[];
  /**
   * For `format` cloudformation, sam (a template's) or terraform (a plan's): the policy's Resource
   * strings and role name that were made from the input's parameters or variables, each as the
   * expression to write in their place. Absent in other formats and when none was.
   */
  references?: OutputReferences;
}

/** A separate policy resource of today's role (Role.policyResources) and what to do with it. */
export interface SeparatePolicy extends RolePolicyResource {
  /**
   * `remove`: it puts policies on this role only; `edit`: it names other roles, users or groups too
   * (take this role out of it), or it is a Terraform `*_exclusive` resource (which would delete or
   * detach the generated policies: name only those, or remove it); `connector`: a SAM connector
   * makes it, and it follows the function to whichever role it runs with; `replace`: the Terraform
   * output writes its one inline policy as this root `aws_iam_role_policy` (its address and policy
   * name), so that pasting the output over the user's block updates that policy in place.
   */
  action: "remove" | "edit" | "connector" | "replace";
}

export interface GeneratedPolicy extends PolicyBuild {
  functionArn: string;
  functionName: string;
  /** The function's current execution role. */
  roleArn: string;
  usage: {
    present: boolean;
    windowDays: number | null;
    observedActions: number;
    successfulCalls: number;
  };
}

/** Generation for every function of a role: role-per-function split and the interim union. */
export interface RoleGeneration {
  roleArn: string;
  roleName: string;
  functions: GeneratedPolicy[];
  /**
   * The union of the per-function policies: what the shared role should carry until it is split.
   * Warnings are the functions' warnings prefixed with the function name.
   */
  union: PolicyBuild;
}

/**
 * Today's role, when the generated role keeps its name: what the Terraform and CloudFormation
 * renderers keep of it so that their output replaces the role where it is defined instead of
 * making a second one (a role whose path or logical ID changed is a new role).
 */
export interface KeptRole {
  /** IAM path ("/" when none). */
  path: string;
  /** The template's logical ID (CloudFormation input). */
  logicalId?: string;
  /**
   * The root module's resource name (Terraform input). Kept apart from logicalId: a Terraform name
   * may hold `_` and `-`, which CloudFormation refuses in a logical ID ("Template format error").
   */
  terraformName?: string;
  /** The template leaves the name to CloudFormation: the output leaves `RoleName` out too. */
  generatedName?: boolean;
  /**
   * Today's role is made by the SAM transform from this function (SourceLocation.samMadeFrom): not
   * in the template as written, so the CloudFormation output gives its role a logical ID of its own
   * and says how to wire it (SAM refuses a second resource with the logical ID it makes).
   */
  samMadeFrom?: string;
  /**
   * The managed policies the template's SAM connectors attach to today's role, `<Policy logical
   * ID> (<Connector>)`, sorted: they stay in the template and attach to the role the function
   * runs with (a connector names the function's role through its `Role`), whatever the output says.
   */
  connectorPolicies?: string[];
  /**
   * The AWS CDK construct that makes today's role (its construct path without `/Resource`, from a
   * cloud assembly): the template is `cdk synth`'s output, rewritten at the next synth, so the
   * change is made in the app, at that construct.
   */
  construct?: string;
  /**
   * Today's role is the terraform-aws-modules/lambda module's (`<call>.aws_iam_role.lambda[0]`
   * beside its `<call>.aws_lambda_function.this[0]`): a configuration cannot replace a module's
   * resource, so the Terraform output gives the policy to the module call's inputs
   * (`attach_policy_json`/`policy_json`) and turns off the `attach_*` inputs whose policies the
   * role has today (`inputsOff`, sorted); `resetTrust` when today's trust policy lets more than
   * Lambda assume the role (the module's `trusted_entities`, `assume_role_policy_statements`).
   */
  lambdaModule?: { call: string; inputsOff: string[]; resetTrust: boolean };
}
