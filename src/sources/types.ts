/**
 * What every source reader returns: a fragment of the canonical document. The normaliser
 * (src/normalize/) merges fragments from many files, joins functions to roles by ARN, resolves
 * managed policies and computes the IAM facts. Readers never compute facts and never see other
 * files: that is what makes normalising independent of file order.
 */

import type {
  Account,
  AliasRoute,
  AttachedPolicyRef,
  DeclaredSuppression,
  FunctionUrl,
  InlinePolicy,
  LambdaFunction,
  LambdaServiceUse,
  ManagedPolicy,
  Principal,
  Role,
  RolePolicyResource,
  SourceInfo,
  Warning,
} from "../model/document.js";
import type { UsageSection } from "../model/usage.js";
import type { ValueReferences } from "./value-references.js";
import type { LayerVersionRecord } from "./lambda-layers.js";

/** A role as a reader sees it: everything but the derived fields the normaliser fills in. */
export type RoleRecord = Omit<Role, "facts" | "functions" | "trustsLambda">;
export type PrincipalRecord = Omit<Principal, "facts">;

/** A function's `$LATEST` configuration as a reader sees it (triggers, URL, policy come as patches). */
export type FunctionRecord = LambdaFunction;

/**
 * A published version from `list-functions --function-version ALL` (or a qualified
 * get-function-configuration). Its role is frozen into the version and may differ from `$LATEST`.
 */
export interface FunctionVersionRecord {
  /** Unqualified function ARN. */
  functionArn: string;
  version: string;
  roleArn: string;
  /** The version's whole configuration, used only when no `$LATEST` record exists at all. */
  config: LambdaFunction;
}

/**
 * Data about one function from a per-function file (get-policy, event source mappings, URL
 * configs, event invoke configs, tags). The target is the function ARN when the file says it; the
 * cloudmapper layout gives only the function name (in the path) and the region (in the folder).
 */
export interface FunctionPatch {
  /** Unqualified function ARN, when known. */
  functionArn: string | null;
  functionName: string | null;
  region: string | null;
  /** The qualifier (alias or version) when the data came from a qualified ARN. */
  qualifier: string | null;
  patch: Partial<Pick<LambdaFunction, "resourcePolicy" | "resourcePolicyStatementSources" | "tags" | "destinations">> & {
    triggers?: LambdaFunction["triggers"];
    /** The URL of the patch's qualifier (get-function-url-config, AWS::Lambda::Url, aws_lambda_function_url). */
    functionUrl?: FunctionUrl;
    /** The alias the patch's qualifier names and the versions it routes to (list-aliases, get-alias). */
    aliasRoute?: AliasRoute;
    /**
     * The resource policy is one statement of the function's policy (lambda add-permission
     * output), not the whole: left out when a whole policy of the same qualifier is read, which
     * is the later word (the statement may have been removed since).
     */
    resourcePolicyPart?: boolean;
    /** AWS Config custom rules of the file that evaluate with the function (LambdaFunction.configRules). */
    configRules?: string[];
  };
  /** JSON path of the record in its file, for warnings when the target function is unknown. */
  path: string;
  /**
   * The function the data itself names, when the target above came from the file's path: used when
   * the path names no function of the inputs.
   */
  otherwise?: Pick<FunctionPatch, "functionArn" | "functionName" | "region" | "qualifier">;
}

/** A role a Lambda resource other than a function runs with; the normaliser puts it on the role of that ARN. */
export interface RoleUseRecord extends LambdaServiceUse {
  roleArn: string;
}

/** Whether a list's last page says more pages follow: see SourceFragment.pagination. */
export interface Pagination {
  truncated: boolean;
  /** The JSON path of the page's token (or where it would be). */
  path: string;
  /**
   * The function a per-function list is of (`list-function-url-configs --function-name`,
   * `list-function-event-invoke-configs`, a collector's per-function file): the final page of
   * another function's list does not complete it. Its unqualified ARN, else `name:<name>`, else
   * `file:<path>` when nothing says which function it is (no other file can then complete it).
   */
  scope?: string;
  /** The list's region, when the file holds lists of several regions (else the file's region). */
  region?: string;
  /** The export's account, when the file holds several accounts' exports (else the file's account). */
  accountId?: string;
}

/**
 * A policy a template puts on a role it does not define (`Roles: [!ImportValue …]`, a role of
 * another stack of a CDK app, or a role named by its name): merging attaches it to the one role
 * of the inputs that it names (by name in the account, or by the CDK construct the name was
 * exported from), else gives `unmatched`. Before, such a policy was only warned: the audit missed
 * what it grants to a role it did read.
 */
export interface RolePolicyPatch {
  /** The role's name, when the template gives it (a literal, a parameter's value, another stack's export of a fixed RoleName). */
  roleName?: string;
  /** The construct another stack exported the role's name from (`Data/Shared`, else `<stack>/<logical ID>`), when CloudFormation makes the name. */
  roleConstruct?: string;
  /** The account the template deploys to (a file's own made-up one when it does not say): the role must be in it. */
  accountId: string;
  inlinePolicy?: InlinePolicy;
  managedPolicy?: AttachedPolicyRef;
  /** Where the policy resource is written, for the role's policyResources. */
  resource: RolePolicyResource;
  /** The warning when no role, or more than one, of the inputs matches. */
  unmatched: Warning;
}

export interface SourceFragment {
  source: SourceInfo;
  roles: RoleRecord[];
  principals: PrincipalRecord[];
  policies: ManagedPolicy[];
  functions: FunctionRecord[];
  functionVersions: FunctionVersionRecord[];
  functionPatches: FunctionPatch[];
  /** Roles that capacity providers, network connectors or MicroVM images of the file run with (absent: none). */
  roleUses?: RoleUseRecord[];
  /** Policies the file puts on roles it does not define (another stack's), attached when the inputs are merged (absent: none). */
  rolePolicyPatches?: RolePolicyPatch[];
  /**
   * ARNs of roles and principals whose policies were read only in part (a policy document in the
   * file was invalid): their facts are a lower bound and marked incomplete.
   */
  incompletePrincipals: string[];
  warnings: Warning[];
  /** Some records of the file could not be read. */
  partial: boolean;
  /**
   * The template was compiled by the Serverless Framework: its functions (logical IDs
   * `<Key>LambdaFunction`, which the user never writes) are known by their deployed names
   * (`<service>-<stage>-<key>`), display-names.ts. Not part of the document.
   */
  serverlessFramework?: boolean;
  /** Where the IaC reader's resolved names came from (value-references.ts); not part of the document. */
  valueReferences?: ValueReferences;
  /**
   * For paginated outputs: whether the file's last page says more pages follow (`IsTruncated`,
   * `NextMarker`), and the JSON path saying so. Pages are often separate files, so the
   * normaliser decides: it is partial only when no file of the same kind, account and region (and
   * scope) holds a final page.
   */
  pagination?: Pagination;
  /**
   * A file of several lists, one after the other (a shell loop over the functions, regions or
   * accounts writes them all into one file), any one of which may be cut: the last page of each,
   * with the `scope` (per-function lists), `region` or `accountId` that tells the lists apart.
   * Read like `pagination`.
   */
  listPages?: Pagination[];
  /**
   * Regions whose whole function list the file is (a `list-functions` output, not one function's
   * `get-function`): the normaliser counts them in the account's function coverage when the file
   * was read in full. The account is `source.accountId` (unknown for an empty list outside a
   * collection, whose manifest names it).
   */
  listedFunctionRegions?: string[];
  /**
   * AWS Config: the state each resource of the file was last captured in (its ARN, when, and
   * whether it was deployed then). History files of many days each hold a state of one role: the
   * merge keeps the one captured last, whichever file it is in, and a resource whose last state
   * is deleted is read from no file (absent: not a Config output).
   */
  configStates?: ConfigState[];
  /** Lambda layer versions the file names, with their policies when it holds them (absent: none). */
  layerVersions?: LayerVersionRecord[];
  /** Suppressions written beside the resources in the file (a template's resource Metadata; absent: none). */
  suppressions?: DeclaredSuppression[];
  /** Usage carried by a canonical document given as input. */
  usage?: UsageSection;
  /**
   * Sources listed by a canonical document given as input: the document stands for them, so they
   * (and not the document file) appear in `meta.sources`, which keeps normalising idempotent.
   */
  carriedSources?: SourceInfo[];
  /** The reference instant of a canonical document given as input (kept when re-normalising). */
  carriedAsOf?: string | null;
  /** The accounts of a canonical document given as input, for their function coverage (kept when re-normalising). */
  carriedAccounts?: Account[];
}

export interface ConfigState {
  arn: string;
  /** configurationItemCaptureTime, ISO UTC (null when the item does not say). */
  captured: string | null;
  deployed: boolean;
}

export function emptyFragment(source: SourceInfo): SourceFragment {
  return {
    source,
    roles: [],
    principals: [],
    policies: [],
    functions: [],
    functionVersions: [],
    functionPatches: [],
    incompletePrincipals: [],
    warnings: [],
    partial: false,
  };
}

/** Where a file sits in a collector layout, when its path says so (cloudmapper: region folder, call name, parameter). */
export interface PathContext {
  /** API call the collector named the file after, e.g. `lambda-get-policy` (cloudmapper) or `list-tags` (leastrole collect). */
  call: string | null;
  /** The AWS service of that call (`lambda`, `s3`…), from the call name or the folder above the region. */
  service: string | null;
  /** The call's parameter, taken from the file name (URL-decoded), e.g. a function name or ARN. */
  parameter: string | null;
  region: string | null;
}

export interface ReaderInput {
  /** Path as given by the user. */
  file: string;
  sha256: string;
  /** The file's top-level JSON values (several when documents were concatenated). */
  values: unknown[];
  context: PathContext;
}
