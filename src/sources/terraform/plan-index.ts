/**
 * Indexes a `terraform show -json` plan: the future state of every resource (from
 * `resource_changes[].change.after`, falling back to `planned_values` and, for data sources read
 * at plan time, `prior_state`) and the `configuration` tree, whose references are the only link
 * between resources while ARNs and IDs are unknown at plan time.
 */

import { InputError } from "../../errors.js";
import { childPath, type Located } from "../cloudformation/located.js";
import { isRecord } from "../cloudformation/lambda-shapes.js";
import { valueAtPath } from "./values.js";

export interface TfResource {
  /** Full instance address: `module.api.aws_lambda_function.handler["x"]`. */
  address: string;
  /** Address without instance keys, as `configuration` knows it: `module.api.aws_lambda_function.handler`. */
  configAddress: string;
  /** Module path without instance keys ("" for the root module): `module.api`. */
  modulePath: string;
  /** Module instance address ("" for the root module): `module.svc["billing"]`. */
  moduleInstance: string;
  /** The resource's own instance key (`[0]`, `["a"]`), "" when it has none. */
  key: string;
  mode: "managed" | "data";
  type: string;
  name: string;
  values: Record<string, unknown>;
  /** `after_unknown`: `true` where the value is only known after apply. */
  unknown: Record<string, unknown>;
  /** JSON path of the resource in the plan file, for warnings. */
  jsonPath: string;
  line: number | null;
}

export interface TfConfigResource {
  configAddress: string;
  modulePath: string;
  expressions: Record<string, unknown>;
  /**
   * The provider configuration it is made with, as the plan's `provider_config` keys it
   * (`aws`, `aws.us_east_1`, `module.x:aws`): Terraform follows a module call's `providers`
   * map back to the configuration that is passed in.
   */
  providerKey: string | null;
  /** Its `depends_on`, as configuration addresses (`module.api.aws_iam_role_policy.x`). */
  dependsOn: string[];
}

export interface TfDestroyed {
  address: string;
  type: string;
  before: Record<string, unknown>;
  jsonPath: string;
  /**
   * What it was made after, as the prior state records it (`depends_on`: the resources its
   * configuration referred to, and its own depends_on), as configuration addresses. A resource
   * removed from the configuration is in no `configuration` entry: this is what still links it to
   * its role (`aws_iam_role.prod`) and so to that role's account.
   */
  dependsOn: string[];
}

export interface TfModuleCall {
  /** Path of the called module: `module.a.module.b`. */
  path: string;
  /** The call's `source` (`./modules/worker`, a registry address, a git URL). */
  source: string | null;
  expressions: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

/** What a configuration reference points at. */
export type Resolved =
  | {
      kind: "resource";
      configAddress: string;
      attribute: string | null;
      key: string | null;
      /** The module instance the reference leads into, when the chain named it (`module.fn["reports"]`). */
      moduleInstance?: string;
    }
  | { kind: "constant"; value: unknown }
  | { kind: "unresolved"; text: string };

export interface PlanIndex {
  formatVersion: string;
  terraformVersion: string | null;
  errored: boolean;
  applyable: boolean | null;
  complete: boolean | null;
  region: string | null;
  /**
   * The region of each aws provider configuration that sets one, by its `provider_config` key:
   * its constant or variable's value, or null when the plan gives only an expression's references.
   */
  providerRegions: Map<string, string | null>;
  /**
   * The account of each aws provider configuration that says it, by its `provider_config` key:
   * what a `data "aws_caller_identity"` read through it returned, else its block's assume_role
   * role's account or its one allowed account (providerAccount). A plan with providers of several
   * accounts (`provider "aws" { alias = "prod" assume_role { … } }`) makes each resource in its
   * provider's account; one not here is in the plan's (`accountId`).
   */
  providerAccounts: Map<string, string>;
  /**
   * The keys of the plan's own aws provider configurations (`configuration.provider_config`), sorted:
   * not a module's entry for the provider it inherits (`module.x:aws` with a `module_address` and
   * no expressions nor alias: Terraform 1.11 writes one for terraform-aws-modules' wrapper module,
   * test/iac/fixtures/terraform-wrapper), which is its caller's configuration.
   */
  awsProviderKeys: string[];
  /**
   * Per aws provider configuration that sets credentials of its own (assume_role, a profile, keys,
   * credential or config files): those settings' expressions as text. Two configurations with the
   * same (none for both: the credentials Terraform runs with) are in the same account, whatever
   * their regions: an `alias = "us_east_1"` for Lambda@Edge or a DR region is in the default's.
   */
  providerCredentials: ReadonlyMap<string, string>;
  /**
   * The account the plan deploys to, when it says: the one account every read
   * `data "aws_caller_identity"` returned (none, or several through aliased providers: null).
   */
  accountId: string | null;
  resources: TfResource[];
  byConfigAddress: Map<string, TfResource[]>;
  /** Instances by `configAddress \0 moduleInstance`, so lookups stay O(1) with thousands of module instances. */
  byModuleInstance: Map<string, TfResource[]>;
  config: Map<string, TfConfigResource>;
  moduleCalls: Map<string, TfModuleCall>;
  /** The root module's input variables and their values for this plan (`variables.<name>.value`). */
  variables: Map<string, unknown>;
  deletedCount: number;
  /**
   * The managed objects the plan destroys (`["delete"]`, and the old half of a replacement), as they
   * are today (`change.before`): a role's own attributes, read back from IAM, still list the
   * policies they put on it.
   */
  destroyed: TfDestroyed[];
  /** What the reader met in the plan and does not read: said as warnings (read-plan.ts). */
  notices: PlanNotices;
}

/**
 * Parts of a plan that leave resources out of what the reader builds, or that it does not know.
 * Each is said, never passed over: a function missing from a plan must not read as no function.
 */
export interface PlanNotices {
  /** `format_version` is newer than the versions the reader knows (KNOWN_FORMAT_VERSIONS). */
  newerFormat: boolean;
  /** Top-level keys the reader does not know (a newer Terraform's), sorted. */
  unknownKeys: string[];
  /** `deferred_changes` entries: resources Terraform plans in a later round, not in this plan's changes. */
  deferred: { address: string; type: string; reason: string; jsonPath: string }[];
  /** `forget` changes: resources Terraform stops managing without destroying them (`removed` with `destroy = false`). */
  forgotten: { address: string; type: string; jsonPath: string }[];
  /**
   * Managed resources the configuration defines once (no `count` or `for_each`, nor on a module
   * call above them) that the plan neither plans nor defers: a plan made with `-target`
   * (only the targets and what they depend on are planned) or `-refresh-only` (nothing is
   * created). Their `configuration` paths.
   */
  unplanned: { address: string; type: string; jsonPath: string }[];
  /**
   * A `-refresh-only` plan: no change entries, empty `planned_values`, its managed objects only in
   * `prior_state` (the refreshed state, which applying the plan writes): read from there.
   */
  refreshOnly: boolean;
}

/**
 * The `format_version`s of `terraform show -json` the reader was built against: 0.1 (Terraform
 * 0.12–0.14), 0.2 (0.15–1.0), 1.0 (1.0.x), 1.1 (1.1–1.2), 1.2 (1.3 onwards). A minor version
 * adds keys only; a major one may change what the keys it keeps mean.
 */
const KNOWN_FORMAT_VERSIONS = new Set(["0.1", "0.2", "1.0", "1.1", "1.2"]);

/**
 * The top-level keys those versions write (internal/command/jsonplan/plan.go, and jsonstate for
 * `terraform show -json` of a state), including `condition_results` (Terraform 1.2's development
 * builds; `checks` since) and the keys leastrole reads nothing from: the drift, the outputs, the
 * checks, the actions (Terraform 1.14). A key outside these is a newer format's, said by name.
 */
const KNOWN_PLAN_KEYS = new Set([
  "format_version",
  "terraform_version",
  "variables",
  "planned_values",
  "resource_drift",
  "resource_changes",
  "deferred_changes",
  "deferred_action_invocations",
  "output_changes",
  "action_invocations",
  "prior_state",
  "configuration",
  "relevant_attributes",
  "checks",
  "condition_results",
  "timestamp",
  "applyable",
  "complete",
  "errored",
  "values",
]);

function addressMaps(resources: TfResource[]): Pick<PlanIndex, "byConfigAddress" | "byModuleInstance"> {
  const byConfigAddress = new Map<string, TfResource[]>();
  const byModuleInstance = new Map<string, TfResource[]>();
  for (const r of resources) {
    const list = byConfigAddress.get(r.configAddress) ?? [];
    list.push(r);
    byConfigAddress.set(r.configAddress, list);
    const k = `${r.configAddress}\u0000${r.moduleInstance}`;
    const inModule = byModuleInstance.get(k) ?? [];
    inModule.push(r);
    byModuleInstance.set(k, inModule);
  }
  return { byConfigAddress, byModuleInstance };
}

/** `module.a["k"].module.b[0].aws_x.y[1]` → `module.a.module.b.aws_x.y` (keys may contain brackets in quotes). */
export function stripInstanceKeys(address: string): string {
  let out = "";
  let depth = 0;
  let inString = false;
  for (let i = 0; i < address.length; i++) {
    const c = address[i];
    if (depth > 0) {
      if (inString) {
        if (c === "\\") i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === "]") depth--;
      continue;
    }
    if (c === "[") {
      depth++;
      continue;
    }
    out += c;
  }
  return out;
}

function moduleOf(configAddress: string, mode: string, type: string, name: string): string {
  const suffix = `${mode === "data" ? "data." : ""}${type}.${name}`;
  if (configAddress === suffix) return "";
  return configAddress.endsWith(`.${suffix}`) ? configAddress.slice(0, -suffix.length - 1) : "";
}

/**
 * A Terraform state: `terraform show -json` without a plan file (`{format_version, values:
 * {root_module}}`), or the state itself (`terraform state pull`, `terraform.tfstate`, the backend's
 * object: `{version: 4, resources: [{module, mode, type, name, instances: [{index_key, attributes}]}]}`).
 * What Terraform last applied, every value known: read as a plan that changes nothing.
 */
export type TerraformStateKind = "show-json" | "tfstate";

export function terraformStateKind(v: unknown): TerraformStateKind | null {
  if (!isRecord(v)) return null;
  if (typeof v.format_version === "string" && isRecord(v.values) && isRecord(v.values.root_module) && !("planned_values" in v) && !("resource_changes" in v) && !("configuration" in v)) return "show-json";
  if (v.version === 4 && typeof v.terraform_version === "string" && Array.isArray(v.resources) && typeof v.lineage === "string") return "tfstate";
  return null;
}

/** A tfstate resource instance's address, as `terraform show -json` writes it: `module.m["k"].data.aws_x.y[0]`. */
function stateAddress(module: string, mode: string, type: string, name: string, indexKey: unknown): string {
  const key = typeof indexKey === "number" ? `[${indexKey}]` : typeof indexKey === "string" ? `[${JSON.stringify(indexKey)}]` : "";
  return `${module === "" ? "" : `${module}.`}${mode === "data" ? "data." : ""}${type}.${name}${key}`;
}

/** The instances of a raw state (version 4), deposed objects left out. */
function tfstateResources(state: Record<string, unknown>, located: Located): TfResource[] {
  const out: TfResource[] = [];
  (state.resources as unknown[]).forEach((r: unknown, i: number) => {
    if (!isRecord(r) || typeof r.type !== "string" || typeof r.name !== "string" || !Array.isArray(r.instances)) return;
    const mode = r.mode === "data" ? "data" : "managed";
    const module = typeof r.module === "string" ? r.module : "";
    r.instances.forEach((inst: unknown, j: number) => {
      if (!isRecord(inst) || inst.deposed !== undefined || !isRecord(inst.attributes)) return;
      const address = stateAddress(module, mode, r.type as string, r.name as string, inst.index_key);
      const configAddress = stripInstanceKeys(address);
      const jsonPath = childPath(childPath(childPath(childPath("resources", i), "instances"), j), "attributes");
      out.push({
        address,
        configAddress,
        ...instanceParts(address, mode, r.type as string, r.name as string),
        modulePath: stripInstanceKeys(module),
        mode,
        type: r.type as string,
        name: r.name as string,
        values: inst.attributes,
        unknown: {},
        jsonPath,
        line: located.lineOf(jsonPath),
      });
    });
  });
  return out;
}

/** Where a state was applied, from what its resources say (there is no provider configuration in it). */
function stateRegion(resources: TfResource[]): string | null {
  for (const r of resources) {
    if (r.mode === "data" && r.type === "aws_region") {
      const name = r.values.region ?? r.values.name;
      if (typeof name === "string" && name !== "") return name;
    }
  }
  for (const r of resources) {
    const arn = r.values.arn;
    const m = typeof arn === "string" ? /^arn:[^:]+:(?:lambda|sqs|dynamodb|sns|kinesis|logs):([a-z]{2}(?:-[a-z]+)+-\d+):/.exec(arn) : null;
    if (m) return m[1] as string;
  }
  return null;
}

export function indexPlan(located: Located, file: string): PlanIndex {
  const parsed = located.value;
  if (!isRecord(parsed)) throw new InputError("not a Terraform plan: expected a JSON object", { file, path: "" });
  let plan: Record<string, unknown> = parsed;
  const state = terraformStateKind(plan);
  if (state === "tfstate") {
    const resources = tfstateResources(plan, located);
    return {
      formatVersion: "1.0",
      terraformVersion: plan.terraform_version as string,
      errored: false,
      applyable: null,
      complete: null,
      region: stateRegion(resources),
      accountId: callerAccount(resources),
      resources,
      ...addressMaps(resources),
      providerRegions: new Map(),
      providerAccounts: new Map(),
      awsProviderKeys: [],
      providerCredentials: new Map(),
      config: new Map(),
      moduleCalls: new Map(),
      variables: new Map(),
      deletedCount: 0,
      destroyed: [],
      notices: { newerFormat: false, unknownKeys: [], deferred: [], forgotten: [], unplanned: [], refreshOnly: false },
    };
  }
  if (state === "show-json") {
    // Walked below as planned values with nothing changing; its paths stay the file's own.
    const values = plan.values as Record<string, unknown>;
    const outer = located;
    located = { value: outer.value, lineOf: (path) => outer.lineOf(path.replace(/^planned_values/, "values")) };
    plan = { format_version: plan.format_version, terraform_version: plan.terraform_version, planned_values: values };
  }
  const formatVersion = plan.format_version;
  if (typeof formatVersion !== "string") {
    throw new InputError("not a Terraform plan (`terraform show -json`): no format_version", { file, path: "format_version" });
  }
  if (!/^\d+\.\d+$/.test(formatVersion)) {
    throw new InputError(`unsupported Terraform JSON format_version ${formatVersion}: not a version number (0.1 to 1.2 are known)`, { file, path: "format_version" });
  }
  // A version the reader does not know is read where its keys are known, and said (read-plan.ts).
  const notices: PlanNotices = {
    newerFormat: !KNOWN_FORMAT_VERSIONS.has(formatVersion),
    unknownKeys: Object.keys(parsed).filter((k) => !KNOWN_PLAN_KEYS.has(k)).sort(),
    deferred: [],
    forgotten: [],
    unplanned: [],
    refreshOnly: false,
  };
  if (!("planned_values" in plan) && !("resource_changes" in plan) && !("configuration" in plan)) {
    throw new InputError("not a Terraform plan or state: no planned_values, resource_changes or configuration, nor a state's values", { file, path: "" });
  }

  const resources: TfResource[] = [];
  const seen = new Set<string>();
  let deletedCount = 0;
  const destroyed: TfDestroyed[] = [];

  const changes = plan.resource_changes;
  if (changes !== undefined && !Array.isArray(changes)) throw new InputError("resource_changes must be an array", { file, path: "resource_changes" });
  (changes ?? []).forEach((rc: unknown, i: number) => {
    const jsonPath = childPath("resource_changes", i);
    if (!isRecord(rc)) throw new InputError("expected an object", { file, path: jsonPath });
    const address = rc.address;
    const type = rc.type;
    const name = rc.name;
    if (typeof address !== "string" || typeof type !== "string" || typeof name !== "string") {
      throw new InputError("resource change without address, type or name", { file, path: jsonPath });
    }
    const change = rc.change;
    // What the plan destroys, also the old half of a replacement (a deposed object, or
    // ["delete", "create"] and ["create", "delete"]), as it is today.
    if (rc.mode !== "data" && isRecord(change) && Array.isArray(change.actions) && change.actions.includes("delete") && isRecord(change.before)) {
      destroyed.push({ address, type, before: change.before, jsonPath, dependsOn: [] });
    }
    // A deposed object is the old half of a create-before-destroy replacement: about to go.
    if (rc.deposed !== undefined && rc.deposed !== null) return;
    if (!isRecord(change) || !Array.isArray(change.actions)) throw new InputError("resource change without change.actions", { file, path: childPath(jsonPath, "change") });
    const actions = change.actions as unknown[];
    const after = change.after;
    if (actions.includes("delete") && !actions.includes("create")) {
      deletedCount++;
      return;
    }
    // ["forget"] alone: Terraform lets go of the object, which stays in the account. ["create",
    // "forget"] is a replacement: a new object is made (its `after`), the old one let go.
    if (actions.includes("forget") && !actions.includes("create")) {
      notices.forgotten.push({ address, type, jsonPath });
      deletedCount++;
      return;
    }
    if (after === null || after === undefined) {
      deletedCount++;
      return;
    }
    if (!isRecord(after)) throw new InputError("change.after must be an object", { file, path: childPath(childPath(jsonPath, "change"), "after") });
    const mode = rc.mode === "data" ? "data" : "managed";
    const configAddress = stripInstanceKeys(address);
    seen.add(address);
    resources.push({
      address,
      configAddress,
      ...instanceParts(address, mode, type, name),
      modulePath: typeof rc.module_address === "string" ? stripInstanceKeys(rc.module_address) : moduleOf(configAddress, mode, type, name),
      mode,
      type,
      name,
      values: after,
      unknown: isRecord(change.after_unknown) ? change.after_unknown : {},
      jsonPath,
      line: located.lineOf(jsonPath),
    });
  });

  // Deferred changes (Terraform 1.9 onwards, with deferrals allowed): resources whose change
  // Terraform could not plan yet (an unknown count, for_each or provider configuration); they are
  // planned and applied in a later round, and are in neither resource_changes nor planned_values.
  const deferred = plan.deferred_changes;
  if (Array.isArray(deferred)) {
    deferred.forEach((d: unknown, i: number) => {
      const jsonPath = childPath(childPath("deferred_changes", i), "resource_change");
      const rc = isRecord(d) && isRecord(d.resource_change) ? d.resource_change : null;
      if (rc === null || typeof rc.address !== "string" || typeof rc.type !== "string") return;
      const reason = isRecord(d) && typeof d.reason === "string" ? d.reason : "unknown";
      notices.deferred.push({ address: rc.address, type: rc.type, reason, jsonPath });
    });
  }

  // Resources that have no change entry (older formats, or data sources fully read at plan time).
  const walk = (module: unknown, path: string, dataOnly: boolean): void => {
    if (!isRecord(module)) return;
    const list = module.resources;
    if (Array.isArray(list)) {
      list.forEach((r: unknown, i: number) => {
        const jsonPath = childPath(childPath(path, "resources"), i);
        if (!isRecord(r) || typeof r.address !== "string" || typeof r.type !== "string" || typeof r.name !== "string") return;
        if (seen.has(r.address)) return;
        const mode = r.mode === "data" ? "data" : "managed";
        if (dataOnly && mode !== "data") return;
        const configAddress = stripInstanceKeys(r.address);
        seen.add(r.address);
        resources.push({
          address: r.address,
          configAddress,
          ...instanceParts(r.address, mode, r.type, r.name),
          modulePath: moduleOf(configAddress, mode, r.type, r.name),
          mode,
          type: r.type,
          name: r.name,
          values: isRecord(r.values) ? r.values : {},
          unknown: {},
          jsonPath,
          line: located.lineOf(jsonPath),
        });
      });
    }
    const children = module.child_modules;
    if (Array.isArray(children)) children.forEach((c, i) => walk(c, childPath(childPath(path, "child_modules"), i), dataOnly));
  };
  if (isRecord(plan.planned_values)) walk(plan.planned_values.root_module, "planned_values.root_module", changes !== undefined);
  // A -refresh-only plan changes nothing: Terraform writes no resource_changes and empty
  // planned_values, and its prior_state is the refreshed state that applying it saves (Terraform
  // 1.11, checked against moto: test/iac/fixtures/terraform-partial-plans). Its managed objects
  // are what exists, read from there; in any other plan they have change entries of their own.
  const priorState = isRecord(plan.prior_state) && isRecord(plan.prior_state.values) ? plan.prior_state.values.root_module : undefined;
  notices.refreshOnly = state === null && (changes === undefined || (Array.isArray(changes) && changes.length === 0)) && resources.every((r) => r.mode === "data") && holdsManaged(priorState);
  if (priorState !== undefined) walk(priorState, "prior_state.values.root_module", !notices.refreshOnly);
  if (destroyed.length > 0) {
    const dependencies = priorDependencies(priorState);
    for (const d of destroyed) d.dependsOn = dependencies.get(d.address) ?? [];
  }

  const { byConfigAddress, byModuleInstance } = addressMaps(resources);

  const config = new Map<string, TfConfigResource>();
  const moduleCalls = new Map<string, TfModuleCall>();
  const moduleConfigs = new Map<string, Record<string, unknown>>();
  const walkConfig = (module: unknown, modulePath: string): void => {
    if (!isRecord(module)) return;
    moduleConfigs.set(modulePath, module);
    if (Array.isArray(module.resources)) {
      for (const r of module.resources) {
        if (!isRecord(r) || typeof r.address !== "string") continue;
        const configAddress = modulePath === "" ? r.address : `${modulePath}.${r.address}`;
        const providerKey = typeof r.provider_config_key === "string" ? r.provider_config_key : null;
        // `depends_on`, as the module writes it (`aws_iam_role_policy.x`): made absolute like the address.
        const dependsOn = Array.isArray(r.depends_on) ? r.depends_on.filter((d): d is string => typeof d === "string").map((d) => (modulePath === "" ? d : `${modulePath}.${d}`)) : [];
        config.set(configAddress, { configAddress, modulePath, expressions: isRecord(r.expressions) ? r.expressions : {}, providerKey, dependsOn });
      }
    }
    if (isRecord(module.module_calls)) {
      for (const [name, call] of Object.entries(module.module_calls)) {
        if (!isRecord(call)) continue;
        const path = modulePath === "" ? `module.${name}` : `${modulePath}.module.${name}`;
        const child = isRecord(call.module) ? call.module : {};
        moduleCalls.set(path, {
          path,
          source: typeof call.source === "string" ? call.source : null,
          expressions: isRecord(call.expressions) ? call.expressions : {},
          outputs: isRecord(child.outputs) ? child.outputs : {},
        });
        walkConfig(child, path);
      }
    }
  };
  let region: string | null = null;
  const providerRegions = new Map<string, string | null>();
  const providerAccounts = new Map<string, string>();
  const awsProviderKeys: string[] = [];
  const providerCredentials = new Map<string, string>();
  if (isRecord(plan.configuration)) {
    walkConfig(plan.configuration.root_module, "");
    // A state has no configuration; an errored plan's warning already says it is incomplete.
    if (state === null && plan.errored !== true) notices.unplanned = unplannedResources(plan, notices.refreshOnly);
    const providers = plan.configuration.provider_config;
    if (isRecord(providers)) {
      for (const [key, p] of Object.entries(providers)) {
        // Only a configuration that sets its region: one that does not (a module's entry for the
        // provider it inherits, with no expressions) is made where the plan's default is.
        const sets = isRecord(p) && isRecord(p.expressions) && p.expressions.region !== undefined;
        if (!isRecord(p) || !(p.name === "aws" || (typeof p.full_name === "string" && p.full_name.endsWith("hashicorp/aws")))) continue;
        if (!key.includes(":") || isRecord(p.expressions) || typeof p.alias === "string") awsProviderKeys.push(key);
        const expressions = isRecord(p.expressions) ? p.expressions : {};
        const credentials = CREDENTIAL_SETTINGS.filter((k) => expressions[k] !== undefined).map((k) => [k, expressions[k]]);
        if (credentials.length > 0) providerCredentials.set(key, JSON.stringify(credentials));
        const valueOf = providerValues(key, plan.variables, moduleConfigs, moduleCalls);
        if (sets) providerRegions.set(key, valueOf(isRecord(p.expressions) ? p.expressions.region : undefined));
        const account = providerAccount(p, valueOf);
        if (account !== null) providerAccounts.set(key, account);
      }
      // The plan's region: the root's default aws provider's; else, when the only aws provider
      // is a module's own (an older layout), that one's, its variable's default standing in for
      // a value nobody passed.
      const aws = Object.entries(providers).filter(([key, p]) => (key === "aws" || key.endsWith(":aws")) && isRecord(p));
      const chosen = aws.find(([key]) => key === "aws") ?? (aws.length === 1 ? aws[0] : undefined);
      if (chosen !== undefined) region = providerRegions.get(chosen[0]) ?? null;
    }
  }
  if (region === null && isRecord(plan.variables)) {
    const v = plan.variables.region ?? plan.variables.aws_region;
    if (isRecord(v) && typeof v.value === "string") region = v.value;
  }
  if (region === null && state !== null) region = stateRegion(resources);

  return {
    formatVersion,
    terraformVersion: typeof plan.terraform_version === "string" ? plan.terraform_version : null,
    errored: plan.errored === true,
    applyable: typeof plan.applyable === "boolean" ? plan.applyable : null,
    complete: typeof plan.complete === "boolean" ? plan.complete : null,
    region,
    providerRegions,
    providerAccounts: callerAccounts(resources, config, providerAccounts),
    awsProviderKeys: awsProviderKeys.sort(),
    providerCredentials,
    accountId: callerAccount(resources, config) ?? ownedAccount(resources, config),
    resources,
    byConfigAddress,
    byModuleInstance,
    config,
    moduleCalls,
    variables: rootVariables(plan.variables),
    deletedCount,
    destroyed,
    notices,
  };
}

/**
 * The managed resources `configuration` defines exactly once (no `count` or `for_each` on them
 * or on a module call above them: those may rightly make none) of which the plan holds no
 * instance the reader reads: in no `resource_changes` entry (a delete counts), `planned_values` or
 * `deferred_changes`. Terraform plans every such resource unless told not to: `-target` plans
 * only the targets and their dependencies, `-refresh-only` only reads what the state holds
 * (https://developer.hashicorp.com/terraform/cli/commands/plan#resource-targeting,
 * https://developer.hashicorp.com/terraform/cli/commands/plan#planning-modes).
 */
function unplannedResources(plan: Record<string, unknown>, refreshOnly: boolean): PlanNotices["unplanned"] {
  const held = new Set<string>();
  const hold = (address: unknown): void => {
    if (typeof address === "string") held.add(stripInstanceKeys(address));
  };
  if (Array.isArray(plan.resource_changes)) for (const rc of plan.resource_changes) if (isRecord(rc)) hold(rc.address);
  if (Array.isArray(plan.deferred_changes)) for (const d of plan.deferred_changes) if (isRecord(d) && isRecord(d.resource_change)) hold(d.resource_change.address);
  const walk = (module: unknown): void => {
    if (!isRecord(module)) return;
    if (Array.isArray(module.resources)) for (const r of module.resources) if (isRecord(r)) hold(r.address);
    if (Array.isArray(module.child_modules)) for (const c of module.child_modules) walk(c);
  };
  // prior_state only for a -refresh-only plan, whose objects are read from it. Else the reader
  // takes only data sources from it: a normal plan has a change entry (no-op included) for every
  // managed object of the state, and one only prior_state holds is one a -target plan passed over.
  if (isRecord(plan.planned_values)) walk(plan.planned_values.root_module);
  if (refreshOnly && isRecord(plan.prior_state) && isRecord(plan.prior_state.values)) walk(plan.prior_state.values.root_module);

  const out: PlanNotices["unplanned"] = [];
  const counted = (x: Record<string, unknown>): boolean => x.count_expression !== undefined || x.for_each_expression !== undefined;
  const visit = (module: unknown, modulePath: string, jsonPath: string): void => {
    if (!isRecord(module)) return;
    if (Array.isArray(module.resources)) {
      module.resources.forEach((r: unknown, i: number) => {
        if (!isRecord(r) || r.mode !== "managed" || typeof r.address !== "string" || typeof r.type !== "string" || counted(r)) return;
        const address = modulePath === "" ? r.address : `${modulePath}.${r.address}`;
        if (!held.has(address)) out.push({ address, type: r.type, jsonPath: childPath(childPath(jsonPath, "resources"), i) });
      });
    }
    if (isRecord(module.module_calls)) {
      for (const [name, call] of Object.entries(module.module_calls)) {
        if (!isRecord(call) || counted(call)) continue;
        visit(call.module, modulePath === "" ? `module.${name}` : `${modulePath}.module.${name}`, childPath(childPath(childPath(jsonPath, "module_calls"), name), "module"));
      }
    }
  };
  if (isRecord(plan.configuration)) visit(plan.configuration.root_module, "", "configuration.root_module");
  return out;
}

/** The `depends_on` of each resource of a state's `values` module tree, by instance address. */
function priorDependencies(module: unknown, out = new Map<string, string[]>()): Map<string, string[]> {
  if (!isRecord(module)) return out;
  if (Array.isArray(module.resources)) {
    for (const r of module.resources) {
      if (isRecord(r) && typeof r.address === "string" && Array.isArray(r.depends_on)) out.set(r.address, r.depends_on.filter((d): d is string => typeof d === "string").map(stripInstanceKeys));
    }
  }
  if (Array.isArray(module.child_modules)) for (const c of module.child_modules) priorDependencies(c, out);
  return out;
}

/** Whether a module of `values` (a state's or plan's) or one of its children holds a managed resource. */
function holdsManaged(module: unknown): boolean {
  if (!isRecord(module)) return false;
  if (Array.isArray(module.resources) && module.resources.some((r) => isRecord(r) && r.mode === "managed")) return true;
  return Array.isArray(module.child_modules) && module.child_modules.some(holdsManaged);
}

/**
 * `accounts` (from the provider blocks), with the account each provider's own
 * `data "aws_caller_identity"` returned put first: what STS answered for its credentials. A
 * provider whose reads returned several accounts is left as its block says.
 */
function callerAccounts(resources: readonly TfResource[], config: ReadonlyMap<string, TfConfigResource>, accounts: Map<string, string>): Map<string, string> {
  const seen = new Map<string, Set<string>>();
  for (const r of resources) {
    if (r.mode !== "data" || r.type !== "aws_caller_identity") continue;
    const key = config.get(r.configAddress)?.providerKey;
    const id = r.values.account_id;
    if (key === undefined || key === null || typeof id !== "string" || !/^\d{12}$/.test(id) || r.unknown.account_id === true) continue;
    seen.set(key, (seen.get(key) ?? new Set()).add(id));
  }
  for (const [key, ids] of seen) if (ids.size === 1) accounts.set(key, [...ids][0] as string);
  return accounts;
}

/**
 * The plan's account: the one every `data "aws_caller_identity"` returned. One read through an
 * aliased provider (`provider = aws.prod`, key `aws.prod` or `module.x:aws.prod`) says that
 * provider's account (providerAccounts), not the account of the resources made without it.
 */
function callerAccount(resources: readonly TfResource[], config?: ReadonlyMap<string, TfConfigResource>): string | null {
  const ids = new Set<string>();
  for (const r of resources) {
    if (r.mode !== "data" || r.type !== "aws_caller_identity") continue;
    const key = config?.get(r.configAddress)?.providerKey;
    if (typeof key === "string" && key.slice(key.lastIndexOf(":") + 1).includes(".")) continue;
    const id = r.values.account_id;
    if (typeof id === "string" && /^\d{12}$/.test(id) && r.unknown.account_id !== true) ids.add(id);
  }
  return ids.size === 1 ? ([...ids][0] as string) : null;
}

/**
 * Types whose `arn` argument names another resource, written in the configuration: an
 * EventBridge target's is what it invokes, maybe in another account.
 */
const ARN_IS_INPUT = new Set(["aws_cloudwatch_event_target"]);

/**
 * The account of a plan whose aws_caller_identity does not say it: the one account in the ARNs
 * Terraform already knows of resources it manages (a prior state's: a function updated in place
 * keeps its ARN), each the resource's own (computed: not written in its configuration). Null when
 * no such ARN names an account, or they name several (providers of other accounts). Before, the
 * resources the plan adds beside them were built in account `unknown`.
 */
function ownedAccount(resources: readonly TfResource[], config: ReadonlyMap<string, TfConfigResource>): string | null {
  const ids = new Set<string>();
  for (const r of resources) {
    const arn = r.values.arn;
    if (r.mode !== "managed" || typeof arn !== "string" || r.unknown.arn === true || ARN_IS_INPUT.has(r.type)) continue;
    if (config.get(r.configAddress)?.expressions.arn !== undefined) continue;
    const account = arn.split(":")[4];
    if (account !== undefined && /^\d{12}$/.test(account)) ids.add(account);
  }
  return ids.size === 1 ? ([...ids][0] as string) : null;
}

function rootVariables(v: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!isRecord(v)) return out;
  for (const [name, entry] of Object.entries(v)) if (isRecord(entry) && "value" in entry) out.set(name, entry.value);
  return out;
}

const RESOURCE_REF = /^(data\.)?([a-z0-9_-]+)\.([A-Za-z0-9_-]+)((?:\[[^\]]*\])*)(?:\.(.+))?$/;

/**
 * Follow a configuration reference (`aws_iam_role.this.arn`, `var.role_arn`, `module.x.out`) from
 * the module it appears in to the resource (or constant) it finally names. Module-relative
 * references are resolved through the module_calls tree: variables through the calling module's
 * expressions, outputs through the child's output expressions.
 */
export function resolveReference(index: PlanIndex, modulePath: string, ref: string, depth = 0, instance?: string): Resolved {
  if (depth > 32) return { kind: "unresolved", text: ref };
  const parts = ref.split(".");
  const head = parts[0];
  if (head === "var" && parts[1] !== undefined) {
    const call = index.moduleCalls.get(modulePath);
    if (!call) return { kind: "unresolved", text: ref };
    const expr = call.expressions[stripInstanceKeys(parts[1])];
    const parent = parentModule(modulePath);
    const parentInstance = instance === undefined ? undefined : moduleSegments(instance).slice(0, -1).map((m) => `module.${m.name}${m.key}`).join(".");
    return resolveExpression(index, parent, expr, depth + 1, parentInstance) ?? { kind: "unresolved", text: ref };
  }
  if (head === "module" && parts[1] !== undefined) {
    const child = modulePath === "" ? `module.${stripInstanceKeys(parts[1])}` : `${modulePath}.module.${stripInstanceKeys(parts[1])}`;
    const call = index.moduleCalls.get(child);
    if (!call || parts[2] === undefined) return { kind: "unresolved", text: ref };
    const out = call.outputs[stripInstanceKeys(parts[2])];
    const expr = isRecord(out) ? out.expression : undefined;
    // `module.fn["reports"].out` names one instance: what the output leads to is that instance's.
    const inChild = instance === undefined ? undefined : childInstance(instance, `module.${parts[1]}`);
    return resolveExpression(index, child, expr, depth + 1, inChild) ?? { kind: "unresolved", text: ref };
  }
  if (head === "local" || head === "each" || head === "count" || head === "path" || head === "self" || head === "terraform") {
    return { kind: "unresolved", text: ref };
  }
  const m = RESOURCE_REF.exec(ref);
  if (!m) return { kind: "unresolved", text: ref };
  const local = `${m[1] ?? ""}${m[2]}.${m[3]}`;
  const configAddress = modulePath === "" ? local : `${modulePath}.${local}`;
  if (!index.config.has(configAddress) && !index.byConfigAddress.has(configAddress)) return { kind: "unresolved", text: ref };
  const resolved: Resolved = { kind: "resource", configAddress, attribute: m[5] ?? null, key: m[4] ? m[4] : null };
  if (instance !== undefined) resolved.moduleInstance = instance;
  return resolved;
}

/** An address inside `parent` (a module path or instance, `""` for the root): `module.a["x"].module.b`. */
export function childInstance(parent: string, segment: string): string {
  return parent === "" ? segment : `${parent}.${segment}`;
}

/** The module instances of an instance address, outermost first: `module.a["x"].module.b[0]` → two. */
export function moduleSegments(instance: string): Array<{ name: string; key: string }> {
  return [...instance.matchAll(/module\.([A-Za-z0-9_-]+)((?:\["(?:[^"\\]|\\.)*"\]|\[\d+\])?)/g)].map((x) => ({ name: x[1] as string, key: x[2] ?? "" }));
}

function parentModule(modulePath: string): string {
  const i = modulePath.lastIndexOf(".module.");
  return i < 0 ? "" : modulePath.slice(0, i);
}

/**
 * Resolve a configuration expression (`{constant_value}` or `{references}`). Terraform lists each
 * reference with and without its attribute (`aws_iam_role.x.arn`, `aws_iam_role.x`): the first
 * that leads to a resource or a constant wins. Returns undefined for `{}` (an expression Terraform
 * could not summarise, e.g. `jsonencode(...)`).
 */
export function resolveExpression(index: PlanIndex, modulePath: string, expr: unknown, depth = 0, instance?: string): Resolved | undefined {
  if (!isRecord(expr)) return undefined;
  if ("constant_value" in expr) return { kind: "constant", value: expr.constant_value };
  const refs = expr.references;
  if (!Array.isArray(refs) || refs.length === 0) return undefined;
  let firstUnresolved: Resolved | undefined;
  let operand: Resolved | undefined;
  for (const ref of refs) {
    if (typeof ref !== "string") continue;
    const r = resolveReference(index, modulePath, ref, depth + 1, instance);
    // A boolean, number or null among several references is most often a condition's operand
    // (`var.create_role ? aws_iam_role.this[0].arn : var.role_arn`), not the value, and a
    // resource with no instance in the plan (count = 0) the branch not taken: a later reference
    // to a resource or a string is taken before either.
    const operandLike =
      (r.kind === "constant" && (r.value === null || typeof r.value === "boolean" || typeof r.value === "number")) ||
      (r.kind === "resource" && (index.byConfigAddress.get(r.configAddress)?.length ?? 0) === 0);
    if (operandLike && refs.length > 1) {
      operand ??= r;
      continue;
    }
    if (r.kind !== "unresolved") return r;
    firstUnresolved ??= r;
  }
  return operand ?? firstUnresolved;
}

/** The expression of attribute `name` of a resource in configuration (blocks are arrays of objects). */
export function configExpression(index: PlanIndex, r: TfResource, ...path: (string | number)[]): unknown {
  return valueAtPath(index.config.get(r.configAddress)?.expressions, path);
}

/**
 * The resource instance a resolved reference names, seen from resource `from`: the literal index
 * of the reference (`aws_iam_role.batch[1]`) when there is one; else the instance in the same
 * module instance (`module.svc["a"]` refers to its own role); else the instance with the same key
 * as `from` (`aws_iam_role.x[count.index]`); else the only (or first) instance.
 */
export function targetOf(index: PlanIndex, resolved: Resolved | undefined, from?: TfResource): TfResource | undefined {
  if (!resolved || resolved.kind !== "resource") return undefined;
  let list = index.byConfigAddress.get(resolved.configAddress) ?? [];
  const named = resolved.moduleInstance === undefined ? undefined : index.byModuleInstance.get(`${resolved.configAddress}\u0000${resolved.moduleInstance}`);
  if (named && named.length > 0) list = named;
  else if (from && list.length > 1) {
    const sameModule = index.byModuleInstance.get(`${resolved.configAddress}\u0000${from.moduleInstance}`);
    if (sameModule && sameModule.length > 0) list = sameModule;
  }
  if (resolved.key !== null) {
    const want = normaliseKey(resolved.key);
    const exact = list.filter((r) => normaliseKey(r.key) === want);
    if (exact.length > 0) list = exact;
  }
  if (from && list.length > 1 && from.key !== "") {
    const sameKey = list.filter((r) => r.key === from.key);
    if (sameKey.length > 0) list = sameKey;
  }
  return list[0];
}

function normaliseKey(key: string): string {
  return key.replace(/\s+/g, "");
}

function instanceParts(address: string, mode: string, type: string, name: string): { moduleInstance: string; key: string } {
  const local = `${mode === "data" ? "data." : ""}${type}.${name}`;
  const at = address.lastIndexOf(local);
  if (at < 0) return { moduleInstance: "", key: "" };
  return { moduleInstance: at > 0 ? address.slice(0, at - 1) : "", key: address.slice(at + local.length) };
}

/**
 * A string argument of an aws provider configuration (its region, an assume_role ARN): its
 * constant, or the variable it names (`var.x`),
 * followed up the module calls: the root's from the plan's variable values, a module's from what
 * its call passes, else the variable's default. Null when it depends on anything else (the
 * environment, a data source, an expression).
 */
function providerValues(
  key: string,
  rootValues: unknown,
  moduleConfigs: ReadonlyMap<string, Record<string, unknown>>,
  moduleCalls: ReadonlyMap<string, TfModuleCall>,
): (expr: unknown) => string | null {
  const fromExpression = (expr: unknown, modulePath: string, depth: number): string | null => {
    if (!isRecord(expr) || depth > 16) return null;
    if (typeof expr.constant_value === "string") return expr.constant_value;
    const refs = Array.isArray(expr.references) ? expr.references : [];
    const name = refs.map((r) => (typeof r === "string" ? /^var\.([A-Za-z0-9_-]+)$/.exec(r)?.[1] : undefined)).find((n) => n !== undefined);
    return name === undefined ? null : variable(modulePath, name, depth + 1);
  };
  const variable = (modulePath: string, name: string, depth: number): string | null => {
    if (modulePath === "" && isRecord(rootValues)) {
      const v = rootValues[name];
      if (isRecord(v) && typeof v.value === "string") return v.value;
    }
    if (modulePath !== "") {
      const passed = moduleCalls.get(modulePath)?.expressions[name];
      if (passed !== undefined) return fromExpression(passed, parentModule(modulePath), depth);
    }
    const variables = moduleConfigs.get(modulePath)?.variables;
    const declared = isRecord(variables) ? variables[name] : undefined;
    return isRecord(declared) && typeof declared.default === "string" ? declared.default : null;
  };
  // `module.x:aws.alias` is module.x's; `aws` and `aws.alias` are the root's.
  return (expr: unknown) => fromExpression(expr, key.includes(":") ? key.slice(0, key.lastIndexOf(":")) : "", 0);
}

/** The aws provider's arguments that give it other credentials than those Terraform runs with (AWS provider documentation, "Authentication and Configuration"). */
const CREDENTIAL_SETTINGS = ["assume_role", "assume_role_with_web_identity", "profile", "access_key", "secret_key", "token", "shared_credentials_files", "shared_config_files", "shared_credentials_file"];

/** The account of an IAM role ARN (a provider's assume_role `role_arn`), else null. */
export function roleArnAccount(arn: string): string | null {
  return /^arn:[^:]+:iam::(\d{12}):role\//.exec(arn)?.[1] ?? null;
}

/**
 * The account an aws provider configuration deploys to, when its block says: the account of
 * its `assume_role` (or `assume_role_with_web_identity`) `role_arn` (the provider's credentials
 * are then that role's, so what it makes is in that role's account), else its one
 * `allowed_account_ids` (the provider refuses to run in any other). Null when it says neither,
 * or only through an expression the plan does not give the value of.
 */
function providerAccount(provider: Record<string, unknown>, valueOf: (expr: unknown) => string | null): string | null {
  const expressions = isRecord(provider.expressions) ? provider.expressions : {};
  for (const block of ["assume_role", "assume_role_with_web_identity"]) {
    const first = Array.isArray(expressions[block]) ? expressions[block][0] : undefined;
    const arn = isRecord(first) ? valueOf(first.role_arn) : null;
    const account = arn === null ? null : roleArnAccount(arn);
    if (account !== null) return account;
  }
  const allowed = expressions.allowed_account_ids;
  if (isRecord(allowed) && Array.isArray(allowed.constant_value) && allowed.constant_value.length === 1) {
    const only = allowed.constant_value[0];
    if (typeof only === "string" && /^\d{12}$/.test(only)) return only;
  }
  return null;
}
