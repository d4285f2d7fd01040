/**
 * Terraform plan reader: `terraform show -json <planfile>` (format_version 0.1 to 1.x) to a
 * SourceFragment. It reads the *future* state (what apply would create or keep), skips deleted
 * resources, and links roles, policies and functions through `configuration` references when
 * ARNs are unknown at plan time. Environment variable values never leave this module.
 *
 * Source locations point into the plan JSON (file, line of the resource's entry, Terraform
 * address): the plan does not say which `.tf` line a resource came from, but the address does.
 */

import { attachStatementSources } from "../cloudformation/statement-sources.js";
import { planWarningMakesPartial } from "../../model/warning-label.js";
import { isPlainTemplate, planValueReferences } from "./value-references.js";
import { PolicyParseError } from "../../errors.js";
import { isRegionCode, parsePolicyDocument } from "../../iam/index.js";
import type { AttachedPolicyRef, InlinePolicy, LambdaFunction, ManagedPolicy, PolicyDocument, PolicyStatement, RolePolicyResource, SourceLocation, Warning } from "../../model/document.js";
import { lambdaModuleOfRole, withTerraformModule } from "./lambda-module.js";
import { emptyFragment, type FunctionPatch, type RoleRecord, type RoleUseRecord } from "../types.js";
import type { IacFragment, StatementLocation } from "../cloudformation/read-template.js";
import { childPath, decodeText, parseJsonLocated, type Located } from "../cloudformation/located.js";
import {
  UNKNOWN,
  byArn,
  byWhere,
  isRecord,
  normalisePath,
  resourcePolicyOf,
  sha256,
  sortWarnings,
  splitIamArn,
  syntheticPolicyArn,
  syntheticRoleArn,
  type ArnContext,
} from "../cloudformation/lambda-shapes.js";
import { configExpression, indexPlan, resolveExpression, roleArnAccount, stripInstanceKeys, targetOf, type PlanIndex, type Resolved, type TfDestroyed, type TfResource } from "./plan-index.js";
import { dataSourceFromConfiguration, rebuildPolicyDocument } from "./policy-document-data.js";
import { layerVersionArn, readLayerVersions } from "./lambda-layers.js";
import { readAlias, readConfigRule, readDeliveryKeys, readEventInvokeConfig, readEventSourceMapping, readFunction, readFunctionUrl, readPermission, readRoleUse, ROLE_USE_TYPES, targetByValue } from "./lambda-resources.js";
import { stringMap, unknownAt, valueAtPath } from "./values.js";
import { readMembership, readPrincipal, readPrincipalAttachment, readPrincipalPolicy, type PrincipalBuild } from "./principals.js";
import { indexConfigBlocks, statementOffsets, type BlockLocation, type TerraformConfigFiles } from "./config-locations.js";
import { literalObjectKeys, TerraformConfig } from "./config-expressions.js";
import { ConfigValues, type BlockInstance } from "./config-values.js";
import { placeholderOf, renderedLine, Unknown, type HclValue, type RenderedFile } from "./hcl/evaluate.js";
import { plural } from "../../printable.js";

/**
 * What a plan read without its `.tf` files cannot say of a statement element known only after
 * apply: Terraform's `configuration` gives an expression's references (or a constant), never its
 * text, so `"${aws_cloudwatch_log_group.fn.arn}:*"` and `aws_cloudwatch_log_group.fn.arn` are the
 * same reference list, and the element is read as the reference alone.
 */
const ALONE_PLACEHOLDERS =
  "; the plan gives only the references each value is made of, not the text written around them (`\"${aws_cloudwatch_log_group.x.arn}:*\"` reads as the log group's ARN without `:*`), so each is read as its reference alone, and whether the statement grants what a function needs is not known (the plan is read as partial): give the configuration's folder with --tf-config to read them from the .tf files";

/** The code of a policy value read as its reference alone, which makes the plan partial. */
const REFERENCE_ALONE = "terraform-reference-alone";

/** `${aws_cloudwatch_log_group.fn.arn}`: a placeholder naming a resource's attribute, not a statement's list. */
function isAttributePlaceholder(p: string): boolean {
  return /^\$\{(?:module\.[^{}]+\.)?(?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+(?:\[[^\]{}]*\])?\.[a-z0-9_]+(?:, [^{}]+)?\}$/.test(p) && !/\.statement\[\d+\]\./.test(p);
}

export interface TerraformReadOptions {
  /** Account to put into synthetic ARNs (default `unknown`). */
  accountId?: string;
  /** Region when the plan's provider configuration does not say (default `unknown`). */
  region?: string;
  partition?: string;
  /**
   * The configuration's `.tf` files (path relative to the configuration root → text). When given,
   * source locations point at the `resource` blocks and policy attributes in them instead of at
   * the (single-line) plan JSON.
   */
  configFiles?: TerraformConfigFiles;
  /**
   * Prefix for the `.tf` paths in locations (e.g. the directory as the user named it); when given,
   * also the folder that `file(…)` and `templatefile(…)` read from, for the files `configFiles`
   * does not hold.
   */
  configRoot?: string;
  /**
   * The `.tf` files were found beside the plan, not named by the user: they are used only when
   * they declare a resource of the plan's root module (a folder of plans and unrelated code is not
   * mistaken for the plans' configuration).
   */
  configDiscovered?: boolean;
  /** Account for synthetic ARNs when `accountId` is not given (default `unknown`; see `syntheticAccountFor`). */
  syntheticAccountId?: string;
}


/** The plan's structure down to each resource entry: the only lines the reader looks up. */
const PLAN_LINE_KEYS = new Set(["resource_changes", "planned_values", "prior_state", "values", "root_module", "child_modules", "resources", "instances", "attributes"]);


/**
 * Read a Terraform plan. `input` is the file's bytes (any BOM/UTF-16 handled), its text, or the
 * already-parsed object (then lines are unknown).
 * @throws InputError when the input is not JSON, is truncated, or is not a plan.
 */
export function readTerraformPlan(input: string | Uint8Array | object, file: string, options: TerraformReadOptions = {}): IacFragment {
  let located: Located;
  let digest: string;
  if (typeof input === "string" || input instanceof Uint8Array) {
    digest = sha256(input);
    located = parseJsonLocated(decodeText(input, file), file, (key) => PLAN_LINE_KEYS.has(key));
  } else {
    digest = sha256(JSON.stringify(input));
    located = { value: input, lineOf: () => null };
  }
  return new PlanReader(indexPlan(located, file), file, digest, options).read();
}


/**
 * ARNs that follow from a name the plan knows, for resources whose `arn` it knows only after
 * apply. `scope`: regional (region and account), `account` (IAM: no region), `global` (S3: neither).
 */
const TYPED_ARNS: Record<string, { service: string; prefix: string; name: string; scope?: "account" | "global" }> = {
  aws_sqs_queue: { service: "sqs", prefix: "", name: "name" },
  aws_sns_topic: { service: "sns", prefix: "", name: "name" },
  aws_kms_key: { service: "kms", prefix: "key/", name: "key_id" },
  aws_cloudwatch_event_bus: { service: "events", prefix: "event-bus/", name: "name" },
  aws_s3_bucket: { service: "s3", prefix: "", name: "bucket", scope: "global" },
  aws_dynamodb_table: { service: "dynamodb", prefix: "table/", name: "name" },
  aws_kinesis_stream: { service: "kinesis", prefix: "stream/", name: "name" },
  aws_lambda_function: { service: "lambda", prefix: "function:", name: "function_name" },
  aws_cloudwatch_log_group: { service: "logs", prefix: "log-group:", name: "name" },
  aws_sfn_state_machine: { service: "states", prefix: "stateMachine:", name: "name" },
  aws_efs_access_point: { service: "elasticfilesystem", prefix: "access-point/", name: "id" },
  // A Kafka mapping's `schema_registry_uri`: the schemas' ARNs are made from the registry's name.
  aws_glue_registry: { service: "glue", prefix: "registry/", name: "registry_name" },
  aws_iam_role: { service: "iam", prefix: "role/", name: "name", scope: "account" },
  aws_iam_user: { service: "iam", prefix: "user/", name: "name", scope: "account" },
};


export interface FunctionTarget {
  fn?: { fn: LambdaFunction; statements: PolicyStatement[] };
  arn: string;
  qualifier: string | null;
  /** Only a name was given (the ARN is synthetic). */
  byName: boolean;
}

interface RoleBuild {
  resource: TfResource;
  record: RoleRecord;
}

/** The reader's state and helpers; resource readers are in this file (IAM) and lambda-resources.ts. */
export class PlanReader {
  readonly warnings: Warning[] = [];
  readonly ctx: ArnContext;
  readonly roles = new Map<string, RoleBuild>(); // by instance address
  readonly policies = new Map<string, { resource: TfResource; policy: ManagedPolicy }>();
  readonly functions = new Map<string, { resource: TfResource; fn: LambdaFunction; statements: PolicyStatement[] }>();
  readonly patches = new Map<string, FunctionPatch & { statements: PolicyStatement[] }>();
  readonly roleUses: RoleUseRecord[] = [];
  /** Roles with a policy whose document could not be read (unknown at plan time or invalid). */
  readonly incomplete = new Set<string>();
  readonly principals = new Map<string, PrincipalBuild>(); // users and groups, by instance address
  readonly blocks: Map<string, BlockLocation> | null;
  /** The configuration's expressions, evaluated against this plan (null without the `.tf` files). */
  readonly configValues: ConfigValues | null = null;
  readonly trustLocations = new Map<string, SourceLocation>();
  /** The region of each provider configuration, once found (providerRegion). */
  private readonly regionByProvider = new Map<string, string>();
  /** The account of each provider configuration the plan does not give, once evaluated from the `.tf` files (null: not said). */
  private readonly accountByProvider = new Map<string, string | null>();
  /** Statement lines in the `.tf` files of the policy a location (by identity) points at. */
  readonly statementLines = new Map<SourceLocation, number[]>();
  /** Policies rendered from a template file (`templatefile`): that file, and each statement's line in it. */
  readonly templateStatements = new WeakMap<PolicyDocument, { file: string; lines: number[] }>();
  /** The `aws_lambda_permission` each resource-policy statement came from. */
  readonly statementOrigins = new WeakMap<PolicyStatement, SourceLocation>();

  constructor(
    readonly index: PlanIndex,
    readonly file: string,
    readonly digest: string,
    readonly options: TerraformReadOptions,
  ) {
    this.ctx = {
      partition: options.partition ?? "aws",
      region: index.region ?? options.region ?? UNKNOWN,
      accountId: index.accountId ?? options.accountId ?? options.syntheticAccountId ?? UNKNOWN,
    };
    let blocks = options.configFiles ? indexConfigBlocks(index, options.configFiles, options.configRoot ?? "") : null;
    let config = options.configFiles && blocks ? new TerraformConfig(index, options.configFiles, options.configRoot ?? "", options.configRoot) : null;
    // The .tf files found beside the plan are its configuration when they hold one of its root
    // resources or root module calls (a root of module calls only is the usual use of a module).
    if (config && options.configDiscovered) {
      const rootResource = [...index.config.values()].some((c) => c.modulePath === "" && blocks?.has(c.configAddress));
      const rootCall = [...index.moduleCalls.keys()].some((k) => !k.includes(".module.") && config?.moduleArgument(k, "source") !== undefined);
      if (!rootResource && !rootCall) {
        blocks = null;
        config = null;
      }
    }
    this.blocks = blocks;
    if (options.configFiles && blocks && config) {
      if (options.configDiscovered) {
        this.warn("terraform-config-beside", "info", `the Terraform configuration beside the plan (${options.configRoot || "."}) gives locations and the policies the plan knows only after apply; --tf-config names another folder`);
      }
      for (const e of config.errors) {
        this.warnings.push({
          code: "terraform-config-syntax",
          severity: "warning",
          message: `line ${e.line}: ${e.message}; the expressions of this file are not read (policies the plan knows only after apply stay unread)`,
          file: e.file,
        });
      }
      this.configValues = new ConfigValues(
        { index, ctx: this.ctx, ctxOf: (target) => this.ctxOf(target), arnOf: (target, configAddress, attribute) => this.arnOfTarget(target, attribute) ?? this.typedArn(target, configAddress, attribute) },
        config,
      );
    }
  }


  read(): IacFragment {
    const ix = this.index;
    if (ix.errored) {
      this.warn("terraform-plan-errored", "error", "the plan is errored (Terraform reported errors while planning): it is not a complete desired state; findings may miss resources", "errored");
    } else if (ix.complete === false) {
      // `complete: false` (Terraform 1.8 onwards): a -target plan, or one with deferred changes:
      // resources of the configuration are missing from it, so it is partial. `applyable: false`
      // alone is no such sign: a plan with nothing to change is not applyable (Terraform 1.11
      // writes `"applyable": false, "complete": true` for a plan of no-op changes), and an errored
      // one is said above (https://developer.hashicorp.com/terraform/internals/json-format).
      this.warn("terraform-plan-incomplete", "warning", "the plan is not complete (complete: false: a plan made with -target, or one whose changes are deferred): resources of the configuration may be missing from it, and the plan is partial", "complete");
    }
    this.sayNotices();
    const ofType = (t: string): TfResource[] => ix.resources.filter((r) => r.mode === "managed" && r.type === t);

    for (const r of ofType("aws_iam_policy")) this.readPolicy(r);
    for (const r of ofType("aws_iam_role")) this.readRole(r);
    for (const r of ofType("aws_iam_role_policy")) this.readRolePolicy(r);
    for (const r of ofType("aws_iam_role_policies_exclusive")) this.readRolePoliciesExclusive(r);
    for (const r of ofType("aws_iam_role_policy_attachment")) this.readAttachment(r);
    for (const r of ofType("aws_iam_policy_attachment")) this.readExclusiveAttachment(r);
    for (const r of ofType("aws_iam_role_policy_attachments_exclusive")) this.readAttachmentsExclusive(r);
    this.dropDestroyed();
    for (const r of ofType("aws_iam_user")) readPrincipal(this, r, "user");
    for (const r of ofType("aws_iam_group")) readPrincipal(this, r, "group");
    for (const r of ofType("aws_iam_user_policy")) readPrincipalPolicy(this, r, "user");
    for (const r of ofType("aws_iam_group_policy")) readPrincipalPolicy(this, r, "group");
    for (const r of ofType("aws_iam_user_policy_attachment")) readPrincipalAttachment(this, r, "user");
    for (const r of ofType("aws_iam_group_policy_attachment")) readPrincipalAttachment(this, r, "group");
    for (const r of ofType("aws_iam_user_group_membership")) readMembership(this, r, "user-groups");
    for (const r of ofType("aws_iam_group_membership")) readMembership(this, r, "group-users");
    for (const r of ofType("aws_lambda_function")) readFunction(this, r);
    for (const r of ofType("aws_lambda_alias")) readAlias(this, r);
    for (const r of ofType("aws_lambda_permission")) readPermission(this, r);
    for (const r of ofType("aws_lambda_event_source_mapping")) readEventSourceMapping(this, r);
    for (const r of ofType("aws_lambda_function_url")) readFunctionUrl(this, r);
    for (const r of ofType("aws_lambda_function_event_invoke_config")) readEventInvokeConfig(this, r);
    for (const r of ofType("aws_config_config_rule")) readConfigRule(this, r);
    const layerVersions = readLayerVersions(this, ofType("aws_lambda_layer_version"), ofType("aws_lambda_layer_version_permission"));
    for (const type of ROLE_USE_TYPES) for (const r of ofType(type)) readRoleUse(this, r);
    // The customer managed keys of the queues and topics the functions deliver to (after every
    // DLQ, destination and mapping is read).
    readDeliveryKeys(this, [...this.functions.values()].map(({ fn }) => fn));
    // A log group the plan makes, or reads as one that exists, in the function's region: Lambda never
    // needs to create it. A data "aws_cloudwatch_log_group" fails the plan when the group does not
    // exist, so one read at plan time names a group that does (terraform-aws-modules/lambda's
    // use_existing_cloudwatch_log_group = true reads the function's group so, and its logs policy
    // leaves out logs:CreateLogGroup).
    const readGroups = ix.resources.filter((r) => r.mode === "data" && r.type === "aws_cloudwatch_log_group");
    const groups = new Set([...ofType("aws_cloudwatch_log_group"), ...readGroups].map((r) => `${this.ctxOf(r).accountId} ${this.regionOf(r)} ${this.knownString(r, "name") ?? ""}`));
    for (const { fn } of this.functions.values()) if (groups.has(`${fn.accountId} ${fn.region} ${fn.logGroup}`)) fn.logGroupCreated = true;

    this.sayUnknownAccounts();

    const fragment = emptyFragment({ path: this.file, kind: "terraform-plan", sha256: this.digest, records: 0 }) as IacFragment;
    if (this.options.accountId !== undefined) fragment.source.accountId = this.options.accountId;
    if (this.ctx.region !== UNKNOWN) fragment.source.region = this.ctx.region;
    for (const { record } of this.roles.values()) {
      record.inlinePolicies.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      record.attachedPolicies.sort(byArn);
      if (record.policyResources !== undefined) record.policyResources.sort(byWhere);
      fragment.roles.push(record);
    }
    fragment.roles.sort(byArn);
    for (const { record } of this.principals.values()) {
      record.inlinePolicies.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      record.attachedPolicies.sort(byArn);
      record.groups.sort();
      fragment.principals.push(record);
    }
    fragment.principals.sort(byArn);
    fragment.policies = [...this.policies.values()].map((p) => p.policy).sort(byArn);
    for (const { fn, statements } of this.functions.values()) {
      if (statements.length > 0) fn.resourcePolicy = resourcePolicyOf(statements);
      const origins = statements.map((s) => this.statementOrigins.get(s) ?? null);
      if (origins.some((o) => o !== null)) fn.resourcePolicyStatementSources = origins;
      fn.triggers.sort((a, b) => (a.eventSourceArn ?? "").localeCompare(b.eventSourceArn ?? ""));
      fragment.functions.push(fn);
    }
    fragment.functions.sort(byArn);
    for (const { statements, ...patch } of this.patches.values()) {
      if (statements.length > 0) patch.patch.resourcePolicy = resourcePolicyOf(statements);
      fragment.functionPatches.push(patch);
    }
    fragment.functionPatches.sort((a, b) => (a.functionArn ?? a.functionName ?? "").localeCompare(b.functionArn ?? b.functionName ?? "") || (a.qualifier ?? "").localeCompare(b.qualifier ?? ""));
    if (this.roleUses.length > 0) fragment.roleUses = this.roleUses;
    if (layerVersions.length > 0) fragment.layerVersions = layerVersions;
    const unresolved = new Set(fragment.policies.filter((p) => p.document === null).map((p) => p.arn));
    for (const role of fragment.roles) {
      if (role.trustPolicy === null || role.attachedPolicies.some((p) => unresolved.has(p.arn))) this.incomplete.add(role.arn);
    }
    for (const principal of fragment.principals) if (principal.attachedPolicies.some((p) => unresolved.has(p.arn))) this.incomplete.add(principal.arn);
    fragment.incompletePrincipals = [...this.incomplete].sort();
    fragment.partial =
      ix.errored ||
      fragment.incompletePrincipals.length > 0 ||
      // Which warnings these are is said once, in model/warning-label.ts: the reports list them as the reasons.
      this.warnings.some(planWarningMakesPartial);
    fragment.warnings = sortWarnings(this.warnings);
    fragment.source.records = fragment.roles.length + fragment.principals.length + fragment.policies.length + fragment.functions.length;
    fragment.statementLocations = this.statementLocations(fragment);
    attachStatementSources(fragment);
    const config = this.configValues?.config;
    const references = planValueReferences(ix, this.file, config === undefined ? undefined : (address, path) => {
      const at = config.attributeAt(address, path);
      return at === undefined ? undefined : isPlainTemplate(at.expr);
    });
    if (references !== undefined) {
      const files = new Set([...fragment.roles, ...fragment.functions].flatMap((r) => (r.source === null || r.source.file === this.file ? [] : [r.source.file])));
      if (files.size > 0) references.sourceFiles = [...files].sort();
      fragment.valueReferences = references;
    }
    return fragment;
  }

  /**
   * A plan holds policies as JSON strings, so every statement of a policy sits on the line of its
   * attribute; the address names the resource, the attribute and the statement index.
   */
  statementLocations(fragment: IacFragment): StatementLocation[] {
    const out: StatementLocation[] = [];
    const add = (ownerArn: string, policy: StatementLocation["policy"], policyName: string | null, document: PolicyDocument, source: SourceLocation | null, attr: string): void => {
      const count = document.Statement.length;
      // Statement lines from the .tf files count only when they match the rendered document
      // one to one (a merged source_policy_documents would shift them): else the policy's line.
      // A policy rendered from a template file has its statements' lines in that file.
      const template = this.templateStatements.get(document);
      const lines = template?.lines ?? (source ? this.statementLines.get(source) : undefined);
      const exact = lines !== undefined && lines.length === count;
      const file = template?.file ?? source?.file ?? this.file;
      for (let i = 0; i < count; i++) {
        out.push({ ownerArn, policy, policyName, statementIndex: i, source: { file, line: (exact ? lines[i] : undefined) ?? source?.line ?? null, address: `${source?.address ?? ""}.${attr}.Statement[${i}]` } });
      }
    };
    for (const role of fragment.roles) {
      if (role.trustPolicy) add(role.arn, "trust", null, role.trustPolicy, this.trustLocations.get(role.arn) ?? role.source, "assume_role_policy");
      for (const p of role.inlinePolicies) {
        const fromRole = p.source?.address === role.source?.address;
        add(role.arn, "inline", p.name, p.document, p.source, fromRole ? `inline_policy[${JSON.stringify(p.name)}].policy` : "policy");
      }
    }
    for (const principal of fragment.principals) {
      for (const p of principal.inlinePolicies) add(principal.arn, "inline", p.name, p.document, p.source, "policy");
    }
    for (const { resource, policy: p } of this.policies.values()) if (p.document) add(p.arn, "managed", null, p.document, this.location(resource, "policy"), "policy");
    return out;
  }

  /* ------------------------------------------------------------ helpers */

  /**
   * What the plan holds that the reader does not read: a format version or keys it does not know,
   * deferred changes, objects Terraform lets go of. Said so that a function or policy missing from
   * what is read is never taken for one the plan does not make.
   */
  private sayNotices(): void {
    const { notices, formatVersion } = this.index;
    if (notices.newerFormat) {
      const major = Number(formatVersion.split(".")[0]);
      this.warn(
        "terraform-plan-format-unknown",
        major > 1 ? "warning" : "info",
        major > 1
          ? `format_version ${formatVersion} is not one leastrole knows (0.1 to 1.2): a new major version may change what its keys mean; the keys of the known versions are read as those versions write them, and what they miss is not known: the plan is read as partial`
          : `format_version ${formatVersion} is not one leastrole knows (0.1 to 1.2): a minor version only adds keys, so the keys of the known versions are read${notices.unknownKeys.length > 0 ? " (the others are named by terraform-plan-unknown-key)" : ", and it has no other top-level key"}`,
        "format_version",
      );
    }
    if (notices.unknownKeys.length > 0) {
      this.warn(
        "terraform-plan-unknown-key",
        "info",
        `${notices.unknownKeys.join(", ")}: ${notices.unknownKeys.length === 1 ? "a top-level key" : "top-level keys"} of the plan that leastrole does not know (a newer Terraform's), not read`,
        notices.unknownKeys[0],
      );
    }
    // Only the types this reader builds from matter to what it says; others are counted.
    const reads = (type: string): boolean => type.startsWith("aws_iam_") || type.startsWith("aws_lambda_") || (ROLE_USE_TYPES as readonly string[]).includes(type);
    const others: string[] = [];
    for (const d of notices.deferred) {
      if (!reads(d.type)) {
        others.push(d.address);
        continue;
      }
      this.warn(
        "terraform-deferred-change",
        "warning",
        `${d.address}: its change is deferred (reason ${d.reason}): Terraform plans it in a later round, so this plan does not say what it will be; what it grants or runs is not read, and the plan is partial`,
        d.jsonPath,
      );
    }
    if (others.length > 0) {
      const shown = others.slice(0, 5).join(", ");
      this.warn(
        "terraform-deferred-change",
        "info",
        `${others.length} other resource${others.length === 1 ? "'s change is" : "s' changes are"} deferred to a later round (${shown}${others.length > 5 ? `, … and ${others.length - 5} more` : ""}): not in this plan's changes, so a value of ${others.length === 1 ? "it" : "theirs"} that a policy names is not known from it`,
        "deferred_changes",
      );
    }
    if (notices.refreshOnly) {
      this.warn(
        "terraform-refresh-only-plan",
        "info",
        "a -refresh-only plan (no resource changes, empty planned_values): it changes nothing, so its prior_state, the refreshed state that applying it saves, is read as what exists",
        "prior_state",
      );
    }
    // Defined once in the configuration, absent from the plan: a -target or -refresh-only plan.
    // A function or role left out must not read as one the configuration does not define.
    // One warning for them all: a -target plan of a large configuration leaves out many.
    const unplanned = notices.unplanned.filter((u) => reads(u.type)).sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    if (unplanned.length > 0) {
      const one = unplanned.length === 1;
      const shown = unplanned.slice(0, 5).map((u) => u.address).join(", ");
      this.warn(
        "terraform-unplanned-resource",
        "warning",
        `${one ? shown : `${unplanned.length} resources (${shown}${unplanned.length > 5 ? `, … and ${unplanned.length - 5} more` : ""})`}: the configuration defines ${one ? "it" : "them"}, but the plan does not plan ${one ? "it" : "them"} (a plan made with -target, or -refresh-only): what ${one ? "it grants or runs" : "they grant or run"} is not read, and the plan is partial; audit a plan made without -target or -refresh-only`,
        unplanned[0]!.jsonPath,
      );
    }
    for (const f of notices.forgotten) {
      if (!reads(f.type)) continue;
      this.warn(
        "terraform-forgotten-resource",
        "info",
        `${f.address} is removed from Terraform's state without being destroyed (a removed block with destroy = false): it stays in the account, outside this plan; an export of the account shows it`,
        f.jsonPath,
      );
    }
  }

  warn(code: string, severity: Warning["severity"], message: string, path?: string): void {
    const w: Warning = { code, severity, message, file: this.file };
    if (path !== undefined) w.path = path;
    this.warnings.push(w);
  }

  valuesPath(r: TfResource): string {
    return valuesPathOf(r);
  }

  /** The resource's block in the `.tf` files when given (at `attr` when named), else its entry in the plan. */
  location(r: TfResource, attr?: string, inlinePolicy?: string): SourceLocation {
    const block = this.blocks?.get(r.configAddress);
    if (block) {
      const inline = attr === "inline_policy" && inlinePolicy !== undefined ? block.inlinePolicies.get(inlinePolicy) : undefined;
      const loc = { file: block.file, line: inline?.line ?? (attr ? block.attributes.get(attr) : undefined) ?? block.line, address: r.address };
      const lines = inline ? inline.statements : attr ? block.statementLines.get(attr) : undefined;
      if (lines && lines.length > 0) this.statementLines.set(loc, lines);
      return loc;
    }
    return { file: this.file, line: r.line, address: r.address };
  }

  known(r: TfResource, attr: string): unknown {
    if (r.unknown[attr] === true) return undefined;
    const v = r.values[attr];
    return v === null ? undefined : v;
  }

  knownString(r: TfResource, attr: string): string | undefined {
    const v = this.known(r, attr);
    return typeof v === "string" ? v : undefined;
  }

  /**
   * The region a resource is made in: its own `region` argument (hashicorp/aws 6), else its
   * provider configuration's (`provider = aws.us_east_1`, or a module given `providers = { aws =
   * aws.dr }`), else the plan's. An aliased provider whose region the plan does not say is
   * `unknown` (with a note), never the default provider's: a Lambda@Edge function or a disaster
   * recovery copy would otherwise be read in the wrong region, and two copies of one function in
   * two regions as one.
   */
  regionOf(r: TfResource): string {
    const own = this.knownString(r, "region");
    if (own !== undefined && isRegionCode(own)) return own;
    const key = this.index.config.get(r.configAddress)?.providerKey;
    if (key === undefined || key === null || !this.index.providerRegions.has(key)) return this.ctx.region;
    let region = this.regionByProvider.get(key);
    if (region === undefined) {
      region = this.providerRegion(key, r);
      this.regionByProvider.set(key, region);
    }
    return region;
  }

  /** A provider configuration's region, found once; `r`, its first resource, names it in the note. */
  private providerRegion(key: string, r: TfResource): string {
    const region = this.index.providerRegions.get(key) ?? this.configRegion(key);
    if (region !== null) return region;
    // The default provider's region the plan cannot say is the plan's (`--region`), as it always was.
    if (key === "aws") return this.ctx.region;
    this.warn("terraform-unknown-region", "info", `${r.address}: made with provider ${key}, whose region the plan does not give as a constant or a variable's value (the .tf files, given with --tf-config, would say it); the ARNs of its resources say unknown`, r.jsonPath);
    return UNKNOWN;
  }

  /** A provider configuration's region evaluated from its block in the `.tf` files (`region = local.dr_region`). */
  private configRegion(key: string): string | null {
    const at = this.configValues?.config.providerRegion(key);
    if (!at || !this.configValues) return null;
    const v = this.configValues.evaluate(at, null).value;
    return typeof v === "string" && isRegionCode(v) ? v : null;
  }

  /**
   * The account a resource is made in when its provider configuration says it (an aliased
   * provider that assumes a role of another account, `provider = aws.prod` or a module given
   * `providers = { aws = aws.prod }`), else null: then it is the plan's (`ctx.accountId`).
   */
  providerAccountOf(r: TfResource): string | null {
    const key = this.index.config.get(r.configAddress)?.providerKey;
    if (key === undefined || key === null) return null;
    const given = this.index.providerAccounts.get(key);
    if (given !== undefined) return given;
    let account = this.accountByProvider.get(key);
    if (account === undefined) {
      // Set first: evaluating the ARN may ask for a resource's account (`data.aws_caller_identity`).
      this.accountByProvider.set(key, null);
      account = this.configAccount(key);
      this.accountByProvider.set(key, account);
    }
    return account;
  }

  /**
   * A provider configuration's account from its `assume_role` `role_arn` in the `.tf` files, which
   * the plan gives only as references when the ARN is a template
   * (`"arn:aws:iam::${var.prod_account_id}:role/deploy"`).
   */
  private configAccount(key: string): string | null {
    const at = this.configValues?.config.providerRoleArn(key);
    if (!at || !this.configValues) return null;
    const v = this.configValues.evaluate(at, null).value;
    return typeof v === "string" ? roleArnAccount(v) : null;
  }

  /**
   * A plan with providers of several accounts places each resource in its provider configuration's
   * account (providerAccountOf). One configuration other than the root's default whose account
   * nothing says (no `data "aws_caller_identity"` read through it, an assume_role role_arn the plan
   * knows only after apply or only as references, not one `allowed_account_ids`) has its roles and
   * functions read in the plan's account: maybe the wrong one, and a role or function of the same
   * name made with another provider may then be taken for one of its own. Said once per such
   * configuration, in the order of its key. Not partial: every grant is read; what is assumed is the
   * account in the ARNs, and the message names it. Only where the plan holds more than one aws
   * provider configuration in use (with one there is no other account to mistake it for), and for
   * one whose credentials are not the default's: an alias that sets only its region (Lambda@Edge's
   * us-east-1, a DR region) is in the default's account.
   */
  private sayUnknownAccounts(): void {
    const used = new Set([...this.index.config.values()].map((c) => c.providerKey));
    const keys = this.index.awsProviderKeys.filter((k) => used.has(k));
    if (keys.length < 2) return;
    // Only a configuration whose credentials are not the default's can be in another account: one
    // that sets only its region (or the same keys or profile as the default) is in its account.
    const credentials = this.index.providerCredentials;
    const mayDiffer = (key: string): boolean => (credentials.get(key) ?? "") !== (credentials.get("aws") ?? "");
    // Only what the reader placed in an account itself: an ARN already known (a prior state's) says its own.
    const placed = new Map<string, { roles: string[]; functions: string[] }>();
    const add = (r: TfResource, kind: "roles" | "functions"): void => {
      const key = this.index.config.get(r.configAddress)?.providerKey;
      if (key === undefined || key === null || key === "aws" || this.knownString(r, "arn") !== undefined || this.providerAccountOf(r) !== null) return;
      const entry = placed.get(key) ?? { roles: [], functions: [] };
      entry[kind].push(r.address);
      placed.set(key, entry);
    };
    for (const { resource } of this.roles.values()) add(resource, "roles");
    for (const { resource } of this.functions.values()) add(resource, "functions");
    for (const key of keys) {
      const entry = placed.get(key);
      if (entry === undefined || !mayDiffer(key)) continue;
      const what = [entry.roles.length > 0 ? plural(entry.roles.length, "role") : "", entry.functions.length > 0 ? plural(entry.functions.length, "function") : ""].filter((x) => x !== "").join(" and ");
      const addresses = [...entry.roles, ...entry.functions].sort();
      const shown = `${addresses.slice(0, 3).join(", ")}${addresses.length > 3 ? `, … and ${addresses.length - 3} more` : ""}`;
      this.warn(
        "terraform-provider-account-unknown",
        "warning",
        `provider configuration ${key} places ${what} (${shown}), and the plan does not say its account (no data "aws_caller_identity" read through it, no assume_role role_arn known at plan time, not one allowed_account_ids): they are read in account ${this.ctx.accountId}, the plan's, so their ARNs may name the wrong account and a role or function of the same name made with another provider may be taken for theirs; the .tf files (--tf-config) say an assume_role role_arn written as a template`,
        childPath("configuration.provider_config", key),
      );
    }
  }

  /**
   * Whether a role, function or principal `candidate` can be the one a resource `from` names by
   * name: not when both are made with providers of two different known accounts (a plan that
   * makes role "app" in dev and in prod). Where either account is unknown, as before: any.
   */
  sameAccount(from: TfResource, candidate: TfResource): boolean {
    const a = this.providerAccountOf(from);
    const b = this.providerAccountOf(candidate);
    return a === null || b === null || a === b;
  }

  /**
   * Of the resources a name matches, those `from` can mean (sameAccount): the ones made with its
   * own provider configuration first (the same account, even when the plan does not say which),
   * then those of its account: a role named in the plan's default account is not one of the same
   * name that an aliased provider makes in another.
   */
  ofAccount<T extends { resource: TfResource }>(from: TfResource, matches: T[]): T[] {
    const key = this.index.config.get(from.configAddress)?.providerKey ?? null;
    const sameProvider = matches.filter((m) => (this.index.config.get(m.resource.configAddress)?.providerKey ?? null) === key);
    if (key !== null && sameProvider.length > 0) return sameProvider;
    const account = this.providerAccountOf(from);
    const same = matches.filter((m) => this.providerAccountOf(m.resource) === account);
    return same.length > 0 ? same : matches.filter((m) => this.sameAccount(from, m.resource));
  }

  /** The ARN context of a resource: the plan's partition, its provider's account (else the plan's), its region. */
  ctxOf(r: TfResource): ArnContext {
    const region = this.regionOf(r);
    const accountId = this.providerAccountOf(r) ?? this.ctx.accountId;
    return region === this.ctx.region && accountId === this.ctx.accountId ? this.ctx : { ...this.ctx, region, accountId };
  }

  /** Follow an attribute's configuration expression when its value is unknown at plan time. */
  follow(r: TfResource, ...path: (string | number)[]): Resolved | undefined {
    return resolveExpression(this.index, r.modulePath, configExpression(this.index, r, ...path), 0, r.moduleInstance);
  }

  /**
   * The role ARN an attribute holding one leads to when its value is unknown at plan time: a role of
   * this plan or a `data "aws_iam_role"` lookup read at plan time (joined to the plan's roles), else
   * the string constant its expression resolves to. `res`, the resolved expression, names what could
   * not be followed.
   */
  followRoleArn(r: TfResource, ...path: (string | number)[]): { arn: string | undefined; res: Resolved | undefined } {
    const res = this.follow(r, ...path);
    // The expression itself first: `var.create_role ? aws_iam_role.this[0].arn : var.role_arn`
    // lists every reference it makes, and only evaluating it says which one is the value. One
    // resource and nothing else (`aws_iam_role.this.arn`) says it already.
    const evaluated = this.oneResource(r, path) ? undefined : this.stringFromConfig(r, path);
    if (evaluated !== undefined) return { arn: this.joinRole(evaluated), res };
    const target = targetOf(this.index, res, r);
    const viaRole = target && res?.kind === "resource" ? this.arnOfTarget(target, res.attribute) : undefined;
    if (viaRole) return { arn: this.joinRole(viaRole), res };
    return { arn: res?.kind === "constant" && typeof res.value === "string" ? res.value : undefined, res };
  }

  /**
   * A string attribute known only after apply, evaluated from its expression in the `.tf` files
   * with Terraform's semantics (a conditional takes its branch, a module output is its instance's).
   * Undefined without the configuration, or when the value is not a whole string known here
   * (the ARN the reader builds for a resource of this plan counts as known); with `partial`, a
   * string with placeholders in it (an API's execution ARN and its route pattern) counts too.
   */
  stringFromConfig(r: TfResource, path: (string | number)[], partial = false): string | undefined {
    const evaluated = this.configValues?.evaluateAt(r, path);
    if (!evaluated) return undefined;
    const { value, placeholders } = evaluated;
    // A value unknown as a whole is its placeholder (`each.value` = `${aws_dynamodb_table.t.stream_arn}`).
    if (partial && value instanceof Unknown && !value.error) return placeholderOf(value.text);
    return typeof value === "string" && value !== "" && (partial || placeholders.length === 0) ? value : undefined;
  }

  /** Whether the attribute's expression names more than one thing (each reference's prefixes aside). */
  private severalReferences(r: TfResource, path: (string | number)[]): boolean {
    const expr = configExpression(this.index, r, ...path);
    const refs = isRecord(expr) && Array.isArray(expr.references) ? expr.references.filter((x): x is string => typeof x === "string") : [];
    return refs.filter((x) => !refs.some((y) => y !== x && (y.startsWith(`${x}.`) || y.startsWith(`${x}[`)))).length > 1;
  }

  /**
   * Whether the attribute's expression, as the plan summarises it, is one resource's attribute and
   * nothing else (`aws_iam_role.this.arn` and its prefix `aws_iam_role.this`): its value is then
   * what the reference list names, and evaluating the `.tf` text would say no more.
   */
  private oneResource(r: TfResource, path: (string | number)[]): boolean {
    const expr = configExpression(this.index, r, ...path);
    const refs = isRecord(expr) && Array.isArray(expr.references) ? (expr.references as unknown[]) : [];
    const longest = refs.reduce<string>((a, b) => (typeof b === "string" && b.length > a.length ? b : a), "");
    return longest !== "" && !/^(var|local|module|each|count|path|self|terraform)\./.test(longest) && refs.every((x) => typeof x === "string" && longest.startsWith(x));
  }

  /**
   * Why a value known only after apply could not be followed, for a warning: its expression in
   * the `.tf` files (`modules/fn/main.tf:40, lookup(var.roles, var.kind)`) when given, else the
   * reference the plan names.
   */
  unfollowed(r: TfResource, path: (string | number)[], res: Resolved | undefined): string {
    const at = this.configValues?.config.attributeAt(r.configAddress, path);
    if (at) return `its expression in ${at.file}:${at.line} cannot be evaluated here (${abbreviate(at.expr.span.text)})`;
    return `its reference cannot be followed (${this.placeholder(res, `${r.address}.${path.join(".")}`)})`;
  }

  /** A readable stand-in for a value known only after apply: `${aws_sqs_queue.jobs.arn}`. */
  placeholder(resolved: Resolved | undefined, fallback: string): string {
    if (!resolved) return `\${${fallback}}`;
    if (resolved.kind === "resource") return `\${${resolved.configAddress}${resolved.attribute ? `.${resolved.attribute}` : ""}}`;
    if (resolved.kind === "constant") return typeof resolved.value === "string" ? resolved.value : `\${${fallback}}`;
    return `\${${resolved.text}}`;
  }

  /** A string attribute: its value, else the constant its expression resolves to, else a placeholder. */
  stringOrPlaceholder(r: TfResource, attr: string): { value: string; known: boolean } | undefined {
    const v = this.knownString(r, attr);
    if (v !== undefined) return { value: v, known: true };
    if (r.unknown[attr] !== true && (r.values[attr] === null || r.values[attr] === undefined)) return undefined;
    return this.followUnknown(r, [attr], false);
  }

  /**
   * A value known only after apply, through its expression: the (possibly synthetic) ARN of the
   * resource it names, with `typed` also one built from the name of a queue, topic, key, bus or
   * bucket (typedArn); else the constant it resolves to; else a placeholder.
   */
  private followUnknown(r: TfResource, path: (string | number)[], typed: boolean): { value: string; known: boolean } {
    // The expression itself first, where the configuration is given: a conditional takes its
    // branch, `each.value.x` its instance's, and a template its whole text
    // (`"${aws_api_gateway_rest_api.api.execution_arn}/*"`, where the reference list gives only
    // the API). A placeholder inside what the code writes says more than one for the whole value.
    const evaluated = this.stringFromConfig(r, path, true);
    // Only a placeholder for the whole value: what the plan's references give comes first.
    const whole = evaluated !== undefined && /^\$\{[^}]*\}$/.test(evaluated);
    if (evaluated !== undefined && !whole) return { value: evaluated, known: false };
    const res = this.follow(r, ...path);
    const target = targetOf(this.index, res, r);
    if (target && res?.kind === "resource") {
      const arn = this.arnOfTarget(target, res.attribute) ?? (typed ? this.typedArn(target, res.configAddress, res.attribute) : undefined);
      if (arn) return { value: arn, known: false };
    }
    // An expression of several references (`each.key == "version" ? local.version : var.name`):
    // the plan's resolution follows one of them, whichever, and only the evaluation says which is
    // the value; a constant it found may be the branch not taken (the alias's name for the
    // version's config of terraform-aws-modules/lambda's modules/alias).
    if (whole && this.severalReferences(r, path)) return { value: evaluated, known: false };
    if (res?.kind === "constant" && typeof res.value === "string") return { value: res.value, known: true };
    return { value: evaluated ?? this.placeholder(res, `${r.address}.${path.join(".")}`), known: false };
  }


  /**
   * An ARN attribute at `path`, nested blocks included (`dead_letter_config`, 0, `target_arn`): its
   * value; when known only after apply (a queue, topic or key made by the same plan, the usual
   * case), the ARN of the resource its expression names: one this plan models, else one of its
   * service with the name the plan knows or a reference (`arn:aws:sqs:<region>:<account>:dlq`,
   * `…:key/${aws_kms_key.k.key_id}`), so that the permission Lambda needs on it is still
   * required; else a placeholder. Null when the attribute is not set. Before, such a target was
   * dropped: no requirement, no finding, and a generated policy without it.
   */
  arnAt(r: TfResource, ...path: (string | number)[]): string | null {
    const value = valueAtPath(r.values, path);
    if (typeof value === "string" && value !== "") return value;
    if (!unknownAt(r.unknown, path)) return null;
    // A block the configuration makes no instance of, inside one known only after apply: none.
    if (this.configValues?.blockAbsentAt(r, path) === true) return null;
    return this.followUnknown(r, path, true).value;
  }

  /** The ARN of a queue, topic, key, table, role… of this plan whose ARN is known only after apply, from its name. */
  typedArn(target: TfResource, configAddress: string, attribute: string | null): string | undefined {
    const { partition, region, accountId } = this.ctxOf(target);
    // An API's execution ARN (a permission's `source_arn = "${aws_api_gateway_rest_api.api.execution_arn}/*"`):
    // the plan's region and account, the API's id once it is made.
    if (target.mode === "managed" && attribute === "execution_arn" && (target.type === "aws_api_gateway_rest_api" || target.type === "aws_apigatewayv2_api")) {
      return `arn:${partition}:execute-api:${region}:${accountId}:${this.knownString(target, "id") ?? `\${${configAddress}.id}`}`;
    }
    // A table's stream (a mapping's `event_source_arn = aws_dynamodb_table.t.stream_arn`): its
    // label is set when the stream is made.
    if (target.mode === "managed" && attribute === "stream_arn" && target.type === "aws_dynamodb_table") {
      const table = this.knownString(target, "name") ?? `\${${configAddress}.name}`;
      return `arn:${partition}:dynamodb:${region}:${accountId}:table/${table}/stream/${this.knownString(target, "stream_label") ?? `\${${configAddress}.stream_label}`}`;
    }
    // An EventBridge rule (a permission's `source_arn`): `rule/<name>` on the default bus, `rule/<bus>/<name>` on another.
    if (target.mode === "managed" && (attribute === "arn" || attribute === null) && target.type === "aws_cloudwatch_event_rule") {
      const name = this.knownString(target, "name") ?? `\${${configAddress}.name}`;
      const bus = this.knownString(target, "event_bus_name");
      return `arn:${partition}:events:${region}:${accountId}:rule/${bus && bus !== "default" && !bus.startsWith("arn:") ? `${bus}/` : ""}${name}`;
    }
    // A secret (a mapping's `source_access_configuration.uri = aws_secretsmanager_secret.s.arn`; its
    // id is its ARN too): Secrets Manager ends the ARN with `-` and six random characters, which IAM
    // matches with `-??????` (the form AWS documents for naming a secret before it exists).
    if (target.mode === "managed" && (attribute === "arn" || attribute === "id" || attribute === null) && target.type === "aws_secretsmanager_secret") {
      const name = this.knownString(target, "name") ?? `\${${configAddress}.name}`;
      return `arn:${partition}:secretsmanager:${region}:${accountId}:secret:${name}-??????`;
    }
    // A Kinesis enhanced fan-out consumer (a mapping's `event_source_arn`): `<stream ARN>/consumer/<name>:<creation timestamp>`.
    if (target.mode === "managed" && (attribute === "arn" || attribute === null) && target.type === "aws_kinesis_stream_consumer") {
      const stream = this.arnAt(target, "stream_arn");
      if (stream === null) return undefined;
      const name = this.knownString(target, "name") ?? `\${${configAddress}.name}`;
      return `${stream}/consumer/${name}:${this.knownString(target, "creation_timestamp") ?? `\${${configAddress}.creation_timestamp}`}`;
    }
    if (target.mode !== "managed" || (attribute !== "arn" && attribute !== null)) return undefined;
    const shape = TYPED_ARNS[target.type];
    if (!shape) return undefined;
    const name = this.knownString(target, shape.name) ?? `\${${configAddress}.${shape.name}}`;
    if (shape.scope === "global") return `arn:${partition}:${shape.service}:::${shape.prefix}${name}`;
    // IAM: `role/<path><name>`, the path `/` unless the plan says otherwise.
    if (shape.scope === "account") return `arn:${partition}:${shape.service}::${accountId}:${shape.prefix.slice(0, -1)}${normalisePath(this.knownString(target, "path"))}${name}`;
    return `arn:${partition}:${shape.service}:${region}:${accountId}:${shape.prefix}${name}`;
  }

  /** The (possibly synthetic) ARN of a resource in this plan, when we model it. */
  arnOfTarget(target: TfResource, attribute: string | null): string | undefined {
    const managed = target.mode === "managed";
    if (managed && target.type === "aws_iam_role" && (attribute === "arn" || attribute === null)) return this.roles.get(target.address)?.record.arn;
    if (managed && target.type === "aws_iam_policy" && (attribute === "arn" || attribute === "id" || attribute === null)) return this.policies.get(target.address)?.policy.arn;
    if (managed && target.type === "aws_lambda_function" && (attribute === "arn" || attribute === null)) return this.functions.get(target.address)?.fn.arn;
    // A layer version of the plan (a function's `layers = [aws_lambda_layer_version.x.arn]`): the ARN its record has.
    if (managed && target.type === "aws_lambda_layer_version" && attribute === "arn") return layerVersionArn(this, target);
    // An alias made by the plan (`local.alias_arn = try(aws_lambda_alias.live[0].arn, "")`): its
    // function's ARN qualified by its name, so that what names it is the alias's.
    if (managed && target.type === "aws_lambda_alias" && attribute === "arn") {
      const fn = this.knownString(target, "function_name");
      const name = this.knownString(target, "name");
      if (fn === undefined || name === undefined) return undefined;
      const base = fn.startsWith("arn:") ? fn.split(":").slice(0, 7).join(":") : targetByValue(this, fn, null, target).arn;
      return `${base}:${name}`;
    }
    if (attribute) {
      const v = this.knownString(target, attribute);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /**
   * A policy document attribute (`policy`, `assume_role_policy`): the JSON string when known,
   * else the `data.aws_iam_policy_document` it references (its rendered JSON, or a rebuild from
   * its statement blocks), else null with a warning so the role is reported as partial.
   */
  documentOf(r: TfResource, attr: string, value: unknown, exprPath: (string | number)[], jsonPath: string): PolicyDocument | null {
    if (typeof value === "string" && value.trim() !== "") {
      const doc = this.parse(value, jsonPath);
      if (doc && this.configValues) this.locateKnownTemplate(doc, r, exprPath);
      return doc;
    }
    const res = this.follow(r, ...exprPath);
    let data = targetOf(this.index, res, r);
    if (!data && res?.kind === "resource" && /(^|\.)data\.aws_iam_policy_document\.[^.]+$/.test(res.configAddress)) {
      data = dataSourceFromConfiguration(this.index, res.configAddress);
    }
    if (data && data.mode === "data" && data.type === "aws_iam_policy_document") {
      const json = this.knownString(data, "json");
      if (json !== undefined && json !== "") return this.parse(json, childPath(valuesPathOf(data), "json"));
      let values = data.values;
      let unknown = data.unknown;
      // The statement list itself known only after apply (a `dynamic "statement"` over a value
      // with an unknown part, as a wrapper module passes one): the plan has no statement at all.
      // Evaluated from the block in the .tf files, or the policy is unread: never an empty one.
      if (unknown.statement === true) {
        const evaluated = this.dataStatementsFromConfig(data);
        const guessed = evaluated ? placeholdersOutsideResources(rebuildPolicyDocument({ ...values, statement: evaluated }, {}, () => "").document) : [];
        if (!evaluated || guessed.length > 0) {
          this.warn(
            "terraform-unknown-policy",
            "warning",
            `${r.address}.${attr}: built from ${data.address}, whose statements are known only after apply${evaluated ? ` and have ${guessed.join(", ")} where an action, effect or principal must be known` : this.configValues ? " and cannot be evaluated from its block in the .tf files" : ""}; its permissions are not analysed${this.configValues ? "" : " (give the configuration's folder with --tf-config to read it from the .tf files)"}`,
            data.jsonPath,
          );
          return null;
        }
        values = { ...values, statement: evaluated };
        unknown = { ...unknown, statement: [] };
        this.warn("terraform-policy-from-config", "info", `${r.address}.${attr}: built from ${data.address}, whose statements are known only after apply; ${evaluated.length} statement${evaluated.length === 1 ? "" : "s"} read from its block in the .tf files`, data.jsonPath);
      }
      const rebuilt = rebuildPolicyDocument(values, unknown, (i, a) => this.dataPlaceholder(data, i, a), unknown === data.unknown ? this.statementFromConfig(data) : undefined);
      for (const feature of rebuilt.incomplete) {
        this.warn("terraform-policy-document-partial", "warning", `${data.address}: ${feature} is merged by the provider at apply time and could not be reproduced from the plan; the document read may miss statements`, data.jsonPath);
      }
      if (rebuilt.fromConfig > 0) {
        this.warn("terraform-policy-from-config", "info", `${r.address}.${attr}: built from ${data.address}, known only after apply; ${rebuilt.fromConfig} statement list${rebuilt.fromConfig === 1 ? "" : "s"} read from its block in the .tf files`, data.jsonPath);
      }
      if (rebuilt.placeholders.length > 0) {
        // Read as its reference alone (no .tf files): `"${aws_cloudwatch_log_group.x.arn}:*"` is
        // the log group's ARN without `:*`, so whether the statement grants what a requirement
        // needs is not known. Before, an info warning (not printed in the table) said so, the
        // requirement was "conditional" without a finding, and the audit was not partial.
        const alone = !this.configValues && rebuilt.placeholders.some(isAttributePlaceholder);
        this.warn(
          alone ? REFERENCE_ALONE : "terraform-unknown-value",
          alone ? "warning" : "info",
          `${r.address}.${attr}: built from ${data.address}, whose values ${[...new Set(rebuilt.placeholders)].join(", ")} are known only after apply${alone ? ALONE_PLACEHOLDERS : ""}`,
          data.jsonPath,
        );
      }
      return this.parse(rebuilt.document, data.jsonPath);
    }
    const fromConfig = this.documentFromConfig(r, attr, exprPath, jsonPath);
    if (fromConfig !== undefined) return fromConfig;
    this.warn(
      "terraform-unknown-policy",
      "warning",
      `${r.address}.${attr} is known only after apply and its expression cannot be read from the plan (${res ? this.placeholder(res, attr) : "jsonencode or a function call"}); its permissions are not analysed${this.configValues ? "" : " (give the configuration's folder with --tf-config to read it from the .tf files)"}`,
      jsonPath,
    );
    return null;
  }

  /**
   * A policy the plan knows only after apply, evaluated from its expression in the `.tf` files
   * (`jsonencode({…})`, a heredoc with interpolations, `templatefile` is not read). Values known
   * only after apply become the ARN the plan lets us build (`arn:aws:sqs:<region>:<account>:jobs`)
   * or a placeholder (`${aws_x.y.arn}`), which may stand only in Resource, NotResource and
   * condition values: a placeholder action or principal would be a guess, so the policy is then
   * left unread. Undefined when the configuration does not have the expression.
   */
  private documentFromConfig(r: TfResource, attr: string, exprPath: (string | number)[], jsonPath: string): PolicyDocument | null | undefined {
    const cv = this.configValues;
    if (!cv) return undefined;
    const path = this.configPath(r, exprPath);
    const at = path ? cv.config.attributeAt(r.configAddress, path) : undefined;
    if (!at) return undefined;
    const where = `${at.file}:${at.line}`;
    const { value, placeholders, rendered } = cv.evaluate(at, r);
    if (typeof value !== "string" || value.trim() === "") {
      const what = value instanceof Unknown ? value.text : at.expr.span.text;
      this.warn(
        "terraform-unknown-policy",
        "warning",
        `${r.address}.${attr} is known only after apply, and its expression in ${where} cannot be evaluated here (${abbreviate(what)}); its permissions are not analysed`,
        jsonPath,
      );
      return null;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      this.warn("invalid-policy-document", "error", `invalid policy document: ${r.address}.${attr} in ${where} does not evaluate to JSON`, jsonPath);
      return null;
    }
    const guessed = placeholdersOutsideResources(parsed);
    if (guessed.length > 0) {
      this.warn(
        "terraform-unknown-policy",
        "warning",
        `${r.address}.${attr} is known only after apply, and its expression in ${where} has ${guessed.join(", ")} where an action, effect or principal must be known; its permissions are not analysed`,
        jsonPath,
      );
      return null;
    }
    const unique = [...new Set(placeholders)];
    this.warn(
      "terraform-policy-from-config",
      "info",
      `${r.address}.${attr}: known only after apply; read from its expression in ${where}${unique.length > 0 ? `, with ${unique.join(", ")} known only after apply` : ""}`,
      jsonPath,
    );
    const doc = this.parse(parsed, jsonPath);
    if (doc) this.noteTemplateLines(doc, value, rendered ?? [], cv.config);
    return doc;
  }

  /**
   * When a policy is a template file's text, its statements are at their lines in that file
   * (not at the `templatefile(…)` call): noted for statementLocations when the rendering has as
   * many statements as the document.
   */
  private noteTemplateLines(doc: PolicyDocument, text: string, rendered: RenderedFile[], config: TerraformConfig): void {
    const template = rendered.find((f) => f.text === text);
    const offsets = template ? statementOffsets(text) : null;
    if (!template || !offsets || offsets.length !== doc.Statement.length) return;
    const lines = offsets.map((o) => renderedLine(template, o));
    if (lines.every((l) => l !== undefined)) this.templateStatements.set(doc, { file: config.displayPath(template.path), lines: lines as number[] });
  }

  /**
   * A policy the plan knows that the configuration writes as `templatefile(…)` or `file(…)`: read
   * again here only to place its statements at their lines in that file. The plan's text is
   * what is analysed; the rendering counts only when it is the same document.
   */
  private locateKnownTemplate(doc: PolicyDocument, r: TfResource, exprPath: (string | number)[]): void {
    const cv = this.configValues;
    const path = cv ? this.configPath(r, exprPath) : undefined;
    const at = cv && path ? cv.config.attributeAt(r.configAddress, path) : undefined;
    if (!cv || !at || at.expr.kind !== "call" || (at.expr.name !== "templatefile" && at.expr.name !== "file")) return;
    const { value, rendered } = cv.evaluate(at, r);
    if (typeof value !== "string") return;
    let same = false;
    try {
      // Parsed quietly: a rendering that differs is only not used for locations.
      same = JSON.stringify(parsePolicyDocument(JSON.parse(value), { file: this.file, path: "" })) === JSON.stringify(doc);
    } catch {
      same = false;
    }
    if (same) this.noteTemplateLines(doc, value, rendered ?? [], cv.config);
  }

  /** The keys of an object attribute as the `.tf` block writes them (literalObjectKeys), when the plan knows them only after apply. */
  configObjectKeys(r: TfResource, path: (string | number)[]): { keys: string[]; where: string } | undefined {
    const at = this.configValues?.config.attributeAt(r.configAddress, path);
    const keys = at ? literalObjectKeys(at.expr) : undefined;
    return at && keys ? { keys, where: `${at.file}:${at.line}` } : undefined;
  }

  /**
   * The path of an attribute in the `.tf` block. `inline_policy` is a set in the provider, so the
   * plan's order is not the file's: the block is found by its `name`.
   */
  private configPath(r: TfResource, exprPath: (string | number)[]): (string | number)[] | undefined {
    if (exprPath[0] !== "inline_policy" || typeof exprPath[1] !== "number") return exprPath;
    const name = valueAtPath(r.values, ["inline_policy", exprPath[1], "name"]);
    const cv = this.configValues;
    if (typeof name !== "string" || !cv) return undefined;
    for (let i = 0; ; i++) {
      const at = cv.config.attributeAt(r.configAddress, ["inline_policy", i, "name"]);
      if (!at) return undefined;
      if (cv.evaluate(at, r).value === name) return ["inline_policy", i, ...exprPath.slice(2)];
    }
  }

  /**
   * A `data "aws_iam_policy_document"`'s statement attribute evaluated from its `.tf` block
   * (static or dynamic statements), for the lists the plan knows only in part. Unknown elements
   * that remain are placeholders; a list that is not all strings is not used.
   */
  private statementFromConfig(data: TfResource): ((i: number, attr: string) => { values: string[]; placeholders: string[] } | undefined) | undefined {
    const cv = this.configValues;
    const statements = cv?.policyDocumentStatements(data);
    const planned = Array.isArray(data.values.statement) ? data.values.statement.length : 0;
    if (!cv || !statements || statements.length !== planned) return undefined;
    return (i, attr) => {
      const st = statements[i];
      const a = st?.body.attributes.find((x) => x.name === attr);
      if (!st || !a) return undefined;
      const { value, placeholders } = cv.evaluate({ expr: a.expr, file: st.file, line: a.span.line, modulePath: st.modulePath }, data, st.scope);
      const items = typeof value === "string" ? [value] : Array.isArray(value) ? value : null;
      if (!items) return undefined;
      const out: string[] = [];
      for (const x of items) {
        if (typeof x === "string") out.push(x);
        else if (x instanceof Unknown) {
          const p = placeholderOf(x.text);
          placeholders.push(p);
          out.push(p);
        } else return undefined;
      }
      return { values: out, placeholders };
    };
  }

  /**
   * The statements of a `data "aws_iam_policy_document"` evaluated from its block in the `.tf`
   * files, in the shape the plan gives them (`actions`, `resources`, `principals {type,
   * identifiers}`, `condition {test, variable, values}`), a value known only after apply as its
   * placeholder. Undefined without the configuration, or when a part cannot be evaluated.
   */
  private dataStatementsFromConfig(data: TfResource): Record<string, unknown>[] | undefined {
    const cv = this.configValues;
    const blocks = cv?.policyDocumentStatements(data);
    if (!cv || !blocks) return undefined;
    // Set when a part is neither a value nor unknown after apply (an error, a list of objects…).
    let failed = false;
    const value = (inst: BlockInstance, name: string): HclValue | undefined => {
      const a = inst.body.attributes.find((x) => x.name === name);
      return a ? cv.evaluate({ expr: a.expr, file: inst.file, line: a.span.line, modulePath: inst.modulePath }, data, inst.scope).value : undefined;
    };
    const text = (inst: BlockInstance, name: string): string | null => {
      const v = value(inst, name);
      if (v === undefined || v === null || typeof v === "string") return v ?? null;
      failed = true;
      return null;
    };
    const list = (inst: BlockInstance, name: string): string[] | null => {
      const v = value(inst, name);
      if (v === undefined || v === null) return null;
      const out: string[] = [];
      for (const x of Array.isArray(v) ? v : [v]) {
        if (typeof x === "string") out.push(x);
        else if (x instanceof Unknown && !x.error) out.push(placeholderOf(x.text));
        else failed = true;
      }
      return out;
    };
    const statements: Record<string, unknown>[] = [];
    for (const st of blocks) {
      const out: Record<string, unknown> = { sid: text(st, "sid"), effect: text(st, "effect") };
      for (const name of ["actions", "not_actions", "resources", "not_resources"]) out[name] = list(st, name);
      for (const kind of ["principals", "not_principals"]) {
        const principals = cv.blocksIn(data, st, kind);
        if (!principals) return undefined;
        out[kind] = principals.map((p) => ({ type: text(p, "type"), identifiers: list(p, "identifiers") }));
      }
      const conditions = cv.blocksIn(data, st, "condition");
      if (!conditions) return undefined;
      out.condition = conditions.map((c) => ({ test: text(c, "test"), variable: text(c, "variable"), values: list(c, "values") }));
      statements.push(out);
    }
    if (failed) return undefined;
    return statements;
  }

  dataPlaceholder(data: TfResource, statement: number, attribute: string): string {
    const expr = configExpression(this.index, data, "statement", statement, attribute);
    const refs = isRecord(expr) && Array.isArray(expr.references) ? (expr.references as unknown[]).filter((x): x is string => typeof x === "string") : [];
    // Terraform lists `a.b.attr` and `a.b`; the attribute forms say what the value is.
    const withAttr = [...new Set(refs.filter((x) => x.split(".").length > (x.startsWith("data.") ? 3 : 2)))];
    return withAttr.length > 0 ? `\${${withAttr.join(", ")}}` : `\${${data.address}.statement[${statement}].${attribute}}`;
  }

  parse(input: unknown, jsonPath: string): PolicyDocument | null {
    try {
      return parsePolicyDocument(input, { file: this.file, path: jsonPath });
    } catch (error) {
      if (!(error instanceof PolicyParseError)) throw error;
      this.warn("invalid-policy-document", "error", `invalid policy document: ${error.message}`, error.path ?? jsonPath);
      return null;
    }
  }

  /** Find the role a `role` / `roles[i]` attribute means: by name, id or ARN when known, else by reference. */
  roleFor(r: TfResource, value: unknown, exprPath: (string | number)[]): RoleBuild | string {
    if (typeof value === "string" && value !== "") {
      const byArn = [...this.roles.values()].find((role) => role.record.arn === value);
      if (byArn) return byArn;
      // By name only within r's account: two accounts of one plan may each have a role of that name.
      const named = this.ofAccount(r, [...this.roles.values()].filter((role) => role.record.name === value));
      if (named[0]) return named[0];
      const fromArn = splitIamArn(value);
      return fromArn ? fromArn.name : value;
    }
    const res = this.follow(r, ...exprPath);
    const target = targetOf(this.index, res, r);
    if (target?.type === "aws_iam_role") {
      const role = this.roles.get(target.address);
      if (role) return role;
    }
    if (res?.kind === "constant" && typeof res.value === "string") return this.roleFor(r, res.value, []);
    return this.placeholder(res, `${r.address}.role`);
  }

  externalRole(r: TfResource, roleName: string, what: string): void {
    this.warn(
      "terraform-external-role",
      "warning",
      `${r.address} ${what} role ${roleName}, which this plan does not define: the change is not attributed to any role`,
      r.jsonPath,
    );
  }

  /* ------------------------------------------------------------- IAM */

  readPolicy(r: TfResource): void {
    const name = this.knownString(r, "name") ?? r.address;
    const path = normalisePath(this.knownString(r, "path"));
    const arn = this.knownString(r, "arn") ?? syntheticPolicyArn(this.ctxOf(r), path, name);
    const document = this.documentOf(r, "policy", this.known(r, "policy"), ["policy"], childPath(valuesPathOf(r), "policy"));
    this.policies.set(r.address, {
      resource: r,
      policy: {
        arn,
        name,
        path,
        awsManaged: false,
        defaultVersionId: null,
        document,
        resolution: document ? "input" : "unresolved",
        otherVersions: [],
        attachmentCount: null,
        source: this.location(r),
      },
    });
  }

  readRole(r: TfResource): void {
    const name = this.knownString(r, "name") ?? (this.knownString(r, "name_prefix") ? `${this.knownString(r, "name_prefix")}*` : r.address);
    const path = normalisePath(this.knownString(r, "path"));
    const arn = this.knownString(r, "arn") ?? syntheticRoleArn(this.ctxOf(r), path, name);
    const valuesPath = valuesPathOf(r);
    const trustPolicy = this.documentOf(r, "assume_role_policy", this.known(r, "assume_role_policy"), ["assume_role_policy"], childPath(valuesPath, "assume_role_policy"));

    const inlinePolicies: InlinePolicy[] = [];
    const inline = this.known(r, "inline_policy");
    if (Array.isArray(inline)) {
      inline.forEach((block, i) => {
        if (!isRecord(block)) return;
        const pname = typeof block.name === "string" && block.name !== "" ? block.name : `${name}-inline-${i}`;
        const u = Array.isArray(r.unknown.inline_policy) ? r.unknown.inline_policy[i] : undefined;
        const policyValue = isRecord(u) && u.policy === true ? undefined : block.policy;
        const doc = this.documentOf(r, `inline_policy[${i}].policy`, policyValue, ["inline_policy", i, "policy"], childPath(childPath(childPath(valuesPath, "inline_policy"), i), "policy"));
        if (doc) inlinePolicies.push({ name: pname, document: doc, source: this.location(r, "inline_policy", pname) });
        else this.incomplete.add(arn);
      });
    }
    // The provider computes inline_policy, so a role without the block has it unknown too: only the
    // .tf files tell a `dynamic "inline_policy"` whose for_each is known after apply (the plan's
    // configuration leaves dynamic blocks out). Before, such a role was read as having no inline
    // policy, silently, its grants missing from every finding.
    if (!Array.isArray(inline) && r.unknown.inline_policy === true && this.configValues?.config.hasDynamicBlock(r.configAddress, "inline_policy")) {
      this.incomplete.add(arn);
      this.warn(
        "terraform-unknown-policy",
        "warning",
        `${r.address}: its inline_policy blocks are made by a dynamic block whose for_each is known only after apply: the role's inline policies are not known, and what it is granted is read in part`,
        r.jsonPath,
      );
    }
    const attachedPolicies: AttachedPolicyRef[] = [];
    const managed = this.known(r, "managed_policy_arns");
    if (Array.isArray(managed)) {
      for (const a of managed) if (typeof a === "string") attachedPolicies.push(attachedRef(a));
    } else if (r.unknown.managed_policy_arns === true) {
      const expr = configExpression(this.index, r, "managed_policy_arns");
      const res = resolveExpression(this.index, r.modulePath, expr);
      if (res?.kind === "constant" && Array.isArray(res.value)) {
        for (const a of res.value) if (typeof a === "string") attachedPolicies.push(attachedRef(a));
      } else if (res) {
        const t = targetOf(this.index, res, r);
        const arn = t ? this.arnOfTarget(t, res.kind === "resource" ? res.attribute : null) : undefined;
        if (arn) attachedPolicies.push(attachedRef(arn));
        else this.warn("terraform-unknown-value", "warning", `${r.address}.managed_policy_arns is known only after apply (${this.placeholder(res, "managed_policy_arns")})`, r.jsonPath);
      }
    }
    let permissionsBoundaryArn: string | null = null;
    const pb = this.stringOrPlaceholder(r, "permissions_boundary");
    if (pb) permissionsBoundaryArn = pb.value;
    const tags = stringMap(this.known(r, "tags_all")) ?? stringMap(this.known(r, "tags")) ?? {};
    this.trustLocations.set(arn, this.location(r, "assume_role_policy"));
    this.roles.set(r.address, {
      resource: r,
      record: {
        arn,
        name,
        path,
        roleId: this.knownString(r, "unique_id") ?? null,
        accountId: splitIamArn(arn)?.accountId ?? this.ctxOf(r).accountId,
        createDate: null,
        trustPolicy,
        inlinePolicies,
        attachedPolicies,
        permissionsBoundaryArn,
        lastUsed: null,
        tags,
        source: withTerraformModule(this.location(r), lambdaModuleOfRole(this.index, r)),
      },
    });
  }

  readRolePolicy(r: TfResource): void {
    const role = this.roleFor(r, this.known(r, "role"), ["role"]);
    if (typeof role === "string") return this.externalRole(r, role, "adds an inline policy to");
    const name = this.knownString(r, "name") ?? (this.knownString(r, "name_prefix") ? `${this.knownString(r, "name_prefix")}*` : r.address);
    const valuesPath = valuesPathOf(r);
    const document = this.documentOf(r, "policy", this.known(r, "policy"), ["policy"], childPath(valuesPath, "policy"));
    // The role's own inline_policy attribute is read back from IAM, so in a plan against an applied
    // state it lists this resource's policy as it is today. After apply the inline policy of this
    // name is this resource's: a known document replaces today's, and one known only after apply
    // leaves it unknown (the role partial), never today's statements judged as what will be.
    if (this.knownString(r, "name") !== undefined) role.record.inlinePolicies = role.record.inlinePolicies.filter((p) => p.name !== name);
    if (!document) {
      this.incomplete.add(role.record.arn);
      this.recordPolicyResource(r, [role], [], this.knownString(r, "name") === undefined ? {} : { inlinePolicy: name });
      return;
    }
    role.record.inlinePolicies.push({ name, document, source: this.location(r, "policy") });
    this.recordPolicyResource(r, [role], [], { inlinePolicy: name });
  }

  /**
   * A role's own inline_policy and managed_policy_arns are read back from IAM, so in a plan against
   * an applied state they still list the policies an aws_iam_role_policy or
   * aws_iam_role_policy_attachment puts on the role today, also when the plan destroys that
   * resource or replaces it (a new policy_arn or name replaces the resource). After apply such a
   * policy is gone from the role: dropped, unless a resource the plan keeps (or the replacement)
   * puts it there too, or the role's own block sets its policies (then they are the block's).
   * Before, a plan that detaches AmazonS3FullAccess, or attaches AmazonS3ReadOnlyAccess in its
   * place, was judged as keeping it.
   */
  dropDestroyed(): void {
    for (const d of this.index.destroyed) {
      if (d.type !== "aws_iam_role_policy" && d.type !== "aws_iam_role_policy_attachment" && d.type !== "aws_iam_policy_attachment") continue;
      // aws_iam_policy_attachment attaches one policy to a list of roles (and users and groups):
      // destroyed, it detaches it from each. Before, only the one-role resources were undone, and a
      // role whose refreshed managed_policy_arns still listed the policy kept it.
      const roleNames = d.type === "aws_iam_policy_attachment" ? (Array.isArray(d.before.roles) ? d.before.roles : []) : [d.before.role];
      for (const roleName of roleNames) if (typeof roleName === "string" && roleName !== "") this.dropDestroyedFrom(d, roleName);
    }
  }

  /** A destroyed role policy or attachment `d` taken off the role named `roleName` in its account (destroyedFrom). */
  private dropDestroyedFrom(d: TfDestroyed, roleName: string): void {
    const named = [...this.roles.values()].filter((role) => role.record.name === roleName || role.record.arn === roleName);
    for (const role of this.destroyedFrom(d, named)) {
      const own = this.index.config.get(role.resource.configAddress)?.expressions ?? {};
      const kept = role.record.policyResources ?? [];
      if (d.type === "aws_iam_role_policy") {
        const name = d.before.name;
        if (typeof name !== "string" || "inline_policy" in own || kept.some((p) => p.inlinePolicy === name)) continue;
        role.record.inlinePolicies = role.record.inlinePolicies.filter((p) => p.name !== name);
      } else {
        const arn = d.before.policy_arn;
        if (typeof arn !== "string" || "managed_policy_arns" in own || kept.some((p) => p.managedPolicyArns?.includes(arn))) continue;
        role.record.attachedPolicies = role.record.attachedPolicies.filter((p) => p.arn !== arn);
      }
    }
  }

  /**
   * Of the roles a destroyed policy resource names (`before.role`, a name), the one it is on: a
   * name is one role per account, and a plan with providers of several accounts may make a role
   * of that name in each. Its account is its provider configuration's when the configuration still
   * holds it (the old half of a replacement), else that of the role the prior state says it was
   * made after (`depends_on`: a resource removed from the configuration is in no `configuration`
   * entry). When neither tells the roles of that name apart, none loses the policy: a policy kept
   * where it goes is judged as one more grant, one dropped where it stays would hide what the
   * role keeps; a `terraform-destroyed-account-unknown` warning says so. Before, a delete in
   * account B took the policy off account A's role of that name.
   */
  private destroyedFrom(d: TfDestroyed, named: RoleBuild[]): RoleBuild[] {
    const accountOf = (role: RoleBuild): string => role.record.arn.split(":")[4] ?? "";
    if (new Set(named.map(accountOf)).size <= 1) return named;
    const configAddress = stripInstanceKeys(d.address);
    if (this.index.config.has(configAddress)) {
      // ofAccount asks only its configuration address (its provider configuration).
      const from: TfResource = { address: d.address, configAddress, modulePath: "", moduleInstance: "", key: "", mode: "managed", type: d.type, name: "", values: d.before, unknown: {}, jsonPath: d.jsonPath, line: null };
      const mine = this.ofAccount(from, named);
      if (new Set(mine.map(accountOf)).size === 1) return mine;
    }
    const after = named.filter((role) => d.dependsOn.includes(role.resource.configAddress));
    if (new Set(after.map(accountOf)).size === 1) return after;
    // Kept on every role of that name, and said: the findings of one of them may be about a
    // policy the plan removes from it.
    const accounts = [...new Set(named.map(accountOf))].sort();
    const what = d.type === "aws_iam_role_policy" ? `inline policy ${JSON.stringify(d.before.name)}` : `attachment of ${String(d.before.policy_arn)}`;
    this.warn(
      "terraform-destroyed-account-unknown",
      "warning",
      `${d.address} (the ${what}) is destroyed by the plan, but roles named ${JSON.stringify(named[0]?.record.name ?? "")} are made in ${accounts.length} accounts (${accounts.join(", ")}) and the plan says which one it is on neither by its provider configuration nor by its prior state's depends_on: it is kept on each of them, so findings about one of these roles may name what the plan removes`,
      d.jsonPath,
    );
    return [];
  }

  /**
   * aws_iam_role_policies_exclusive: the complete list of a role's inline policies. At apply the
   * provider deletes every inline policy of the role not in `policy_names` (hashicorp/aws,
   * "takes exclusive ownership over inline policies assigned to a role"), so the role keeps only those.
   */
  readRolePoliciesExclusive(r: TfResource): void {
    const role = this.roleFor(r, this.known(r, "role_name"), ["role_name"]);
    const names = this.known(r, "policy_names");
    if (!Array.isArray(names) || r.unknown.policy_names === true || (Array.isArray(r.unknown.policy_names) && r.unknown.policy_names.some((x) => x === true))) {
      this.warn("terraform-unknown-value", "warning", `${r.address}.policy_names is known only after apply: which inline policies the role keeps is not known`, r.jsonPath);
      if (typeof role !== "string") this.incomplete.add(role.record.arn);
      return;
    }
    const list = names.filter((n): n is string => typeof n === "string");
    if (typeof role === "string") return this.externalRole(r, role, `sets the inline policies (${list.join(", ")}) of`);
    role.record.inlinePolicies = role.record.inlinePolicies.filter((p) => list.includes(p.name));
    this.recordPolicyResource(r, [role], [], {});
  }

  /**
   * Say, on each role a separate resource puts policies on, where it is written
   * (Role.policyResources): a role block that replaces the role's (`generate`) leaves it in
   * place, so the user must be told to remove or edit it, and what `depends_on` it.
   */
  recordPolicyResource(r: TfResource, roles: RoleBuild[], others: string[], what: { inlinePolicy?: string; managedPolicyArns?: string[] }): void {
    const dependents = [...this.index.config.values()].filter((c) => c.dependsOn.includes(r.configAddress)).map((c) => c.configAddress);
    const unique = [...new Set(roles)];
    for (const role of unique) {
      const sharedWith = [...new Set([...unique.filter((x) => x !== role).map((x) => `role ${x.resource.address}`), ...others])].sort();
      const entry: RolePolicyResource = { type: r.type, source: this.location(r), ...what, sharedWith, dependents: [...new Set(dependents)].sort() };
      role.record.policyResources = [...(role.record.policyResources ?? []).filter((p) => p.source.address !== r.address), entry];
    }
  }

  policyArnFor(r: TfResource, attr: string): string | undefined {
    const v = this.stringOrPlaceholder(r, attr);
    return v?.value;
  }

  readAttachment(r: TfResource): void {
    const role = this.roleFor(r, this.known(r, "role"), ["role"]);
    const arn = this.policyArnFor(r, "policy_arn");
    if (!arn) return;
    if (typeof role === "string") return this.externalRole(r, role, `attaches ${arn} to`);
    if (!role.record.attachedPolicies.some((p) => p.arn === arn)) role.record.attachedPolicies.push(attachedRef(arn));
    this.recordPolicyResource(r, [role], [], { managedPolicyArns: [arn] });
  }

  /** aws_iam_role_policy_attachments_exclusive: the complete list of a role's managed policies. */
  readAttachmentsExclusive(r: TfResource): void {
    const role = this.roleFor(r, this.known(r, "role_name"), ["role_name"]);
    const arns = this.known(r, "policy_arns");
    if (!Array.isArray(arns) || r.unknown.policy_arns === true) {
      this.warn("terraform-unknown-value", "warning", `${r.address}.policy_arns is known only after apply`, r.jsonPath);
      if (typeof role !== "string") this.incomplete.add(role.record.arn);
      return;
    }
    const unknownAt = Array.isArray(r.unknown.policy_arns) ? r.unknown.policy_arns : [];
    const list = arns.filter((a, i): a is string => typeof a === "string" && unknownAt[i] !== true);
    // A policy the same plan makes (`aws_iam_policy.x.arn`) is known only after apply: the list
    // holds null there. Taken from the configuration's references; before, it was dropped, and the
    // role lost a policy that the resource keeps attached.
    const unknownCount = arns.filter((a, i) => typeof a !== "string" || unknownAt[i] === true).length;
    if (unknownCount > 0) {
      const expr = configExpression(this.index, r, "policy_arns");
      const refs = isRecord(expr) && Array.isArray(expr.references) ? expr.references.filter((x): x is string => typeof x === "string") : [];
      const found = new Set<string>();
      for (const ref of refs) {
        const t = targetOf(this.index, resolveExpression(this.index, r.modulePath, { references: [ref] }), r);
        const arn = t?.type === "aws_iam_policy" ? this.policies.get(t.address)?.policy.arn : undefined;
        if (arn !== undefined && !list.includes(arn)) found.add(arn);
      }
      list.push(...[...found].sort());
      if (found.size < unknownCount) {
        this.warn("terraform-unknown-value", "warning", `${r.address}.policy_arns holds ${unknownCount - found.size} ARN${unknownCount - found.size === 1 ? "" : "s"} known only after apply that the configuration does not name as a policy of this plan: the role's managed policies are not all known`, r.jsonPath);
        if (typeof role !== "string") this.incomplete.add(role.record.arn);
      }
    }
    if (typeof role === "string") return this.externalRole(r, role, `sets the managed policies (${list.join(", ")}) of`);
    // Exclusive: at apply, every attachment not listed is detached, so the list replaces what we have.
    role.record.attachedPolicies = list.map(attachedRef);
    this.recordPolicyResource(r, [role], [], { managedPolicyArns: list });
  }

  /** aws_iam_policy_attachment: one policy to a list of roles (exclusively, but only the roles matter here). */
  readExclusiveAttachment(r: TfResource): void {
    const arn = this.policyArnFor(r, "policy_arn");
    if (!arn) return;
    const roles = this.known(r, "roles");
    const names: unknown[] = Array.isArray(roles) ? roles : [];
    const unknownRoles = r.unknown.roles;
    const exprRefs = configExpression(this.index, r, "roles");
    const refs = isRecord(exprRefs) && Array.isArray(exprRefs.references) ? (exprRefs.references as unknown[]) : [];
    const done = new Set<RoleBuild>();
    const external: string[] = [];
    const attach = (role: RoleBuild | string): void => {
      if (typeof role === "string") {
        external.push(`role ${role}`);
        return this.externalRole(r, role, `attaches ${arn} to`);
      }
      if (done.has(role)) return;
      done.add(role);
      if (!role.record.attachedPolicies.some((p) => p.arn === arn)) role.record.attachedPolicies.push(attachedRef(arn));
    };
    names.forEach((n, i) => {
      const isUnknown = unknownRoles === true || (Array.isArray(unknownRoles) && unknownRoles[i] === true);
      if (!isUnknown && typeof n === "string") attach(this.roleFor(r, n, []));
    });
    if (unknownRoles === true || (Array.isArray(unknownRoles) && unknownRoles.some((x) => x === true))) {
      // Which list element a reference fills is not recorded: attach to every role the expression references.
      for (const ref of refs) {
        if (typeof ref !== "string") continue;
        const res = resolveExpression(this.index, r.modulePath, { references: [ref] });
        const t = targetOf(this.index, res, r);
        if (t?.type === "aws_iam_role") {
          const role = this.roles.get(t.address);
          if (role) attach(role);
        }
      }
    }
    // Its users and groups lose the policy too if it is removed.
    const principals = (["users", "groups"] as const).flatMap((key) => {
      const v = this.known(r, key);
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string").map((x) => `${key === "users" ? "user" : "group"} ${x}`) : [];
    });
    this.recordPolicyResource(r, [...done], [...external, ...principals], { managedPolicyArns: [arn] });
  }

  /* ----------------------------------------------------------- Lambda */

  /**
   * A literal role ARN for a role this plan creates: the plan's role has a synthetic ARN (its
   * account is unknown at plan time), so match it by path and name to let the normaliser join.
   */
  joinRole(arn: string): string {
    const split = splitIamArn(arn);
    if (!split || [...this.roles.values()].some((r) => r.record.arn === arn)) return arn;
    const match = [...this.roles.values()].filter((r) => r.record.name === split.name && r.record.path === split.path && r.record.accountId === this.ctx.accountId && this.options.accountId === undefined);
    return match.length === 1 && match[0] ? match[0].record.arn : arn;
  }

}

/** Where a resource's attribute values sit in the plan file. */
function valuesPathOf(r: TfResource): string {
  return r.jsonPath.startsWith("resource_changes") ? childPath(childPath(r.jsonPath, "change"), "after") : childPath(r.jsonPath, "values");
}

function attachedRef(arn: string): AttachedPolicyRef {
  return { arn, name: arn.slice(arn.lastIndexOf("/") + 1) };
}

function abbreviate(text: string): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > 100 ? `${one.slice(0, 97)}...` : one;
}

/**
 * Placeholders (`${…}`) anywhere but in Resource, NotResource, Sid and condition values: an
 * action, effect or principal known only after apply cannot be judged.
 */
function placeholdersOutsideResources(doc: unknown): string[] {
  const found: string[] = [];
  const scan = (v: unknown): void => {
    if (typeof v === "string") {
      const m = v.match(/\$\{[^}]*\}/g);
      if (m) found.push(...m);
    } else if (Array.isArray(v)) v.forEach(scan);
    else if (isRecord(v)) Object.values(v).forEach(scan);
  };
  const statements = isRecord(doc) ? doc.Statement : undefined;
  for (const st of Array.isArray(statements) ? statements : [statements]) {
    if (!isRecord(st)) continue;
    for (const [k, v] of Object.entries(st)) {
      if (k === "Resource" || k === "NotResource" || k === "Sid") continue;
      if (k === "Condition" && isRecord(v)) {
        // Condition keys must be known; their values may be placeholders.
        for (const byKey of Object.values(v)) if (isRecord(byKey)) scan(Object.keys(byKey));
        continue;
      }
      scan(v);
    }
  }
  return [...new Set(found)];
}

