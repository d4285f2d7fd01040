/**
 * The complete, frozen list of AWS API operations `collect` may call. Every call goes through
 * `callAws` (aws-call.ts), which refuses any operation not listed here, and the command classes
 * are imported in exactly one module (commands.ts) whose keys a test holds equal to this list.
 * Every entry is a read (`access: "read"`): List/Get/Lookup/Describe, plus
 * GenerateServiceLastAccessedDetails (see its note) — except the four `access: "query"` entries,
 * which start or stop a query (Athena, CloudTrail Lake) and are reachable only with
 * `--cloudtrail athena:…` or `lake:…`: they change the state of a query the run itself started
 * and nothing else (docs/collect.md, "Read-only by construction").
 *
 * `iamAction` is the action IAM authorises the call as (not always the operation's name:
 * ListFindingsV2 is authorised as access-analyzer:ListFindings, ListObjectsV2 as s3:ListBucket).
 * The minimal policy for running collect is generated from these (policy.ts).
 */

export type CollectFeature =
  /** Always called: identity, IAM inventory, Lambda inventory. */
  | "inventory"
  /** `--regions all`: the account's enabled regions. */
  | "all-regions"
  /** `--access-advisor`. */
  | "access-advisor"
  /** `--access-analyzer`. */
  | "access-analyzer"
  /** `--cloudtrail lookup`. */
  | "cloudtrail-lookup"
  /** `--cloudtrail s3://bucket/prefix`. */
  | "cloudtrail-s3"
  /** `--cloudtrail athena:<database>.<table>`: runs the shipped usage query. */
  | "cloudtrail-athena"
  /** `--cloudtrail lake:<event data store>`: runs the shipped Lake usage query. */
  | "cloudtrail-lake"
  /**
   * `--cloudtrail s3://…` or `athena:…`: the trails that log the regions read, and their event
   * selectors (what the logs include). Implied by `cloudtrail-s3` and `cloudtrail-athena` in the policy.
   */
  | "cloudtrail-trails"
  /**
   * `--config-aggregator <name>`: the IAM and Lambda inventory of every source account and region
   * from one AWS Config aggregator, instead of IAM's and Lambda's own APIs in one account.
   */
  | "config-aggregator";

export type AwsService = "sts" | "iam" | "lambda" | "account" | "accessanalyzer" | "cloudtrail" | "s3" | "athena" | "config";

/**
 * `read`: reads configuration or data, changes nothing. `query`: starts or stops a query
 * (StartQueryExecution/StopQueryExecution, StartQuery/CancelQuery): the Service Authorization
 * Reference classifies these as Write, but the only state they change is that of the query
 * collect itself runs (and Athena writes its results to the query result location in S3).
 */
export type OperationAccess = "read" | "query";

export interface CollectOperation {
  readonly service: AwsService;
  readonly operation: string;
  /** The IAM action that authorises it; null when no permission is needed (sts:GetCallerIdentity). */
  readonly iamAction: string | null;
  readonly feature: CollectFeature;
  readonly access: OperationAccess;
  /** Why the call is needed, and for the one whose name sounds like a write, why it is a read. */
  readonly note: string;
}

const list: CollectOperation[] = [
  {
    service: "sts",
    operation: "GetCallerIdentity",
    iamAction: null,
    feature: "inventory",
    access: "read",
    note: "Account id for the manifest. Needs no permission: AWS answers it even when an explicit deny covers sts:GetCallerIdentity.",
  },
  {
    service: "iam",
    operation: "GetAccountAuthorizationDetails",
    iamAction: "iam:GetAccountAuthorizationDetails",
    feature: "inventory",
    access: "read",
    note: "Roles, trust policies, inline and managed policies (all versions) in one paginated call.",
  },
  {
    service: "lambda",
    operation: "ListFunctions",
    iamAction: "lambda:ListFunctions",
    feature: "inventory",
    access: "read",
    note: "Functions and published versions (FunctionVersion=ALL), each with its execution role.",
  },
  {
    service: "lambda",
    operation: "GetPolicy",
    iamAction: "lambda:GetPolicy",
    feature: "inventory",
    access: "read",
    note: "The function's resource-based policy (who may invoke it).",
  },
  {
    service: "lambda",
    operation: "ListEventSourceMappings",
    iamAction: "lambda:ListEventSourceMappings",
    feature: "inventory",
    access: "read",
    note: "SQS/Kinesis/DynamoDB/Kafka/MQ triggers the execution role must be able to poll.",
  },
  {
    service: "lambda",
    operation: "ListCapacityProviders",
    iamAction: "lambda:ListCapacityProviders",
    feature: "inventory",
    access: "read",
    note: "Lambda Managed Instances capacity providers: their operator roles trust Lambda and are in use though no function names them.",
  },
  {
    service: "lambda",
    operation: "GetFunctionUrlConfig",
    iamAction: "lambda:GetFunctionUrlConfig",
    feature: "inventory",
    access: "read",
    note: "Function URL and its AuthType (NONE = public).",
  },
  {
    service: "lambda",
    operation: "GetFunctionEventInvokeConfig",
    iamAction: "lambda:GetFunctionEventInvokeConfig",
    feature: "inventory",
    access: "read",
    note: "Asynchronous-invocation destinations the execution role must be able to write to.",
  },
  {
    service: "lambda",
    operation: "ListTags",
    iamAction: "lambda:ListTags",
    feature: "inventory",
    access: "read",
    note: "Function tags (suppressions can be written as tags).",
  },
  {
    service: "lambda",
    operation: "ListLayers",
    iamAction: "lambda:ListLayers",
    feature: "inventory",
    access: "read",
    note: "The account's Lambda layers: each version has its own resource-based policy (LR022).",
  },
  {
    service: "lambda",
    operation: "ListLayerVersions",
    iamAction: "lambda:ListLayerVersions",
    feature: "inventory",
    access: "read",
    note: "Every version of each layer, whose policies are read one by one.",
  },
  {
    service: "lambda",
    operation: "GetLayerVersionPolicy",
    iamAction: "lambda:GetLayerVersionPolicy",
    feature: "inventory",
    access: "read",
    note: "A layer version's resource-based policy: which accounts may get (download) it (LR022).",
  },
  {
    service: "lambda",
    operation: "ListAliases",
    iamAction: "lambda:ListAliases",
    feature: "inventory",
    access: "read",
    note: "A function's aliases: each can have its own resource policy, function URL and invoke config (read with the Qualifier).",
  },
  {
    service: "account",
    operation: "ListRegions",
    iamAction: "account:ListRegions",
    feature: "all-regions",
    access: "read",
    note: "The regions enabled in the account, for `--regions all`.",
  },
  {
    service: "iam",
    operation: "GenerateServiceLastAccessedDetails",
    iamAction: "iam:GenerateServiceLastAccessedDetails",
    feature: "access-advisor",
    access: "read",
    note:
      "Starts an Access Advisor report job and returns its JobId. Despite the verb it changes no resource, policy or setting: " +
      "it only asks IAM to compute a report that expires on its own, and the Service Authorization Reference classifies the action as Read.",
  },
  {
    service: "iam",
    operation: "GetServiceLastAccessedDetails",
    iamAction: "iam:GetServiceLastAccessedDetails",
    feature: "access-advisor",
    access: "read",
    note: "Polls the report job and reads its pages (ACTION_LEVEL granularity).",
  },
  {
    service: "accessanalyzer",
    operation: "ListAnalyzers",
    iamAction: "access-analyzer:ListAnalyzers",
    feature: "access-analyzer",
    access: "read",
    note: "Finds an unused-access analyzer (ACCOUNT_UNUSED_ACCESS or ORGANIZATION_UNUSED_ACCESS) in the region, and its configuration's unusedAccessAge (the span its findings speak of), written beside the findings.",
  },
  {
    service: "accessanalyzer",
    operation: "ListFindingsV2",
    iamAction: "access-analyzer:ListFindings",
    feature: "access-analyzer",
    access: "read",
    note: "Unused-access findings on IAM roles. ListFindingsV2 is authorised as access-analyzer:ListFindings.",
  },
  {
    service: "accessanalyzer",
    operation: "GetFindingV2",
    iamAction: "access-analyzer:GetFinding",
    feature: "access-analyzer",
    access: "read",
    note: "A finding's details (unused services and actions). GetFindingV2 is authorised as access-analyzer:GetFinding.",
  },
  {
    service: "cloudtrail",
    operation: "LookupEvents",
    iamAction: "cloudtrail:LookupEvents",
    feature: "cloudtrail-lookup",
    access: "read",
    note: "Event history: management events of the last 90 days, per region.",
  },
  {
    service: "s3",
    operation: "ListObjectsV2",
    iamAction: "s3:ListBucket",
    feature: "cloudtrail-s3",
    access: "read",
    note: "Lists the trail's log files under the prefix. ListObjectsV2 is authorised as s3:ListBucket.",
  },
  {
    service: "s3",
    operation: "GetObject",
    iamAction: "s3:GetObject",
    feature: "cloudtrail-s3",
    access: "read",
    note: "Downloads a log file as delivered (gzip bytes kept as they are).",
  },
  {
    service: "athena",
    operation: "StartQueryExecution",
    iamAction: "athena:StartQueryExecution",
    feature: "cloudtrail-athena",
    access: "query",
    note:
      "Starts the shipped usage query (`leastrole sql athena-usage`) over the CloudTrail table. Classified Write: it creates a query execution, " +
      "and Athena writes the result to the workgroup's S3 result location. It changes no table, log, policy or setting.",
  },
  {
    service: "athena",
    operation: "GetQueryExecution",
    iamAction: "athena:GetQueryExecution",
    feature: "cloudtrail-athena",
    access: "read",
    note: "Polls the query's state; records bytes scanned.",
  },
  {
    service: "athena",
    operation: "GetQueryResults",
    iamAction: "athena:GetQueryResults",
    feature: "cloudtrail-athena",
    access: "read",
    note: "Reads the result rows, page by page (Athena reads them from the S3 result location with the caller's credentials).",
  },
  {
    service: "athena",
    operation: "StopQueryExecution",
    iamAction: "athena:StopQueryExecution",
    feature: "cloudtrail-athena",
    access: "query",
    note: "Cancels collect's own query on Ctrl-C or timeout, so it stops scanning (and billing). Called only with the id StartQueryExecution returned.",
  },
  {
    service: "cloudtrail",
    operation: "StartQuery",
    iamAction: "cloudtrail:StartQuery",
    feature: "cloudtrail-lake",
    access: "query",
    note: "Starts the shipped CloudTrail Lake usage query (`leastrole sql lake-usage`) on the event data store. Classified Write: it creates a query; it changes no data store or trail.",
  },
  {
    service: "cloudtrail",
    operation: "DescribeQuery",
    iamAction: "cloudtrail:DescribeQuery",
    feature: "cloudtrail-lake",
    access: "read",
    note: "Polls the Lake query's state; records bytes scanned.",
  },
  {
    service: "cloudtrail",
    operation: "GetQueryResults",
    iamAction: "cloudtrail:GetQueryResults",
    feature: "cloudtrail-lake",
    access: "read",
    note: "Reads the Lake query's result rows, page by page.",
  },
  {
    service: "cloudtrail",
    operation: "CancelQuery",
    iamAction: "cloudtrail:CancelQuery",
    feature: "cloudtrail-lake",
    access: "query",
    note: "Cancels collect's own Lake query on Ctrl-C or timeout. Called only with the id StartQuery returned.",
  },
  {
    service: "cloudtrail",
    operation: "GetEventDataStore",
    iamAction: "cloudtrail:GetEventDataStore",
    feature: "cloudtrail-lake",
    access: "read",
    note: "The event data store's advanced event selectors: which management events (reads, writes, AWS KMS) and data events it holds.",
  },
  {
    service: "cloudtrail",
    operation: "DescribeTrails",
    iamAction: "cloudtrail:DescribeTrails",
    feature: "cloudtrail-trails",
    access: "read",
    note:
      "The trails that log each region read (includeShadowTrails: multi-region and organization trails homed elsewhere are listed too), " +
      "with where they deliver (S3 bucket and prefix).",
  },
  {
    service: "cloudtrail",
    operation: "GetEventSelectors",
    iamAction: "cloudtrail:GetEventSelectors",
    feature: "cloudtrail-trails",
    access: "read",
    note: "A trail's event selectors, in its home region: which management events (reads, writes, AWS KMS) and data events its logs hold.",
  },
  {
    service: "config",
    operation: "DescribeConfigRules",
    iamAction: "config:DescribeConfigRules",
    feature: "inventory",
    access: "read",
    note:
      "Per region, the AWS Config rules: a CUSTOM_LAMBDA rule names the function Config invokes, which reports its results with config:PutEvaluations with its execution role (LR010). " +
      "A region where AWS Config is not used answers an empty list.",
  },
  {
    service: "config",
    operation: "DescribeConfigurationAggregators",
    iamAction: "config:DescribeConfigurationAggregators",
    feature: "config-aggregator",
    access: "read",
    note: "That the aggregator named by --config-aggregator exists in the region read, and which accounts and regions it aggregates (said in the progress output).",
  },
  {
    service: "config",
    operation: "SelectAggregateResourceConfig",
    iamAction: "config:SelectAggregateResourceConfig",
    feature: "config-aggregator",
    access: "read",
    note: "Every source account's and region's IAM role, customer managed policy, user, group and Lambda function configuration item (SELECT *), 100 a page.",
  },
];

function deepFreeze<T extends object>(items: T[]): readonly Readonly<T>[] {
  for (const item of items) Object.freeze(item);
  return Object.freeze(items);
}

/** The allow-list. Frozen: nothing can add an operation at run time. */
export const COLLECT_OPERATIONS: readonly CollectOperation[] = deepFreeze(list);

/** `service:Operation`, the key used by callAws and the command registry. */
export type OperationKey =
  | "sts:GetCallerIdentity"
  | "iam:GetAccountAuthorizationDetails"
  | "lambda:ListFunctions"
  | "lambda:GetPolicy"
  | "lambda:ListEventSourceMappings"
  | "lambda:ListCapacityProviders"
  | "lambda:GetFunctionUrlConfig"
  | "lambda:GetFunctionEventInvokeConfig"
  | "lambda:ListTags"
  | "lambda:ListAliases"
  | "lambda:ListLayers"
  | "lambda:ListLayerVersions"
  | "lambda:GetLayerVersionPolicy"
  | "account:ListRegions"
  | "iam:GenerateServiceLastAccessedDetails"
  | "iam:GetServiceLastAccessedDetails"
  | "accessanalyzer:ListAnalyzers"
  | "accessanalyzer:ListFindingsV2"
  | "accessanalyzer:GetFindingV2"
  | "cloudtrail:LookupEvents"
  | "s3:ListObjectsV2"
  | "s3:GetObject"
  | "athena:StartQueryExecution"
  | "athena:GetQueryExecution"
  | "athena:GetQueryResults"
  | "athena:StopQueryExecution"
  | "cloudtrail:StartQuery"
  | "cloudtrail:DescribeQuery"
  | "cloudtrail:GetQueryResults"
  | "cloudtrail:CancelQuery"
  | "cloudtrail:GetEventDataStore"
  | "cloudtrail:DescribeTrails"
  | "cloudtrail:GetEventSelectors"
  | "config:DescribeConfigRules"
  | "config:DescribeConfigurationAggregators"
  | "config:SelectAggregateResourceConfig";

export function operationKey(op: Pick<CollectOperation, "service" | "operation">): string {
  return `${op.service}:${op.operation}`;
}

const byKey = new Map(COLLECT_OPERATIONS.map((op) => [operationKey(op), op]));

/** The allow-list entry for a key, or undefined when the operation is not allowed. */
export function allowedOperation(key: string): CollectOperation | undefined {
  return byKey.get(key);
}
