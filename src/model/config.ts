/**
 * The configuration file (`.leastrole.yaml` or `.leastrole.json`). schemas/config.schema.json is
 * generated from this type; a test fails when they drift apart.
 */

export interface LeastroleConfig {
  /** Format version of this file. */
  version?: 1;
  /** Accepted findings. Each needs a reason; `expires` (YYYY-MM-DD, inclusive) makes it temporary. */
  suppressions?: SuppressionConfig[];
  /**
   * Kept exceptions: permissions a function must keep although it was not seen using them over
   * the window (error paths, disaster recovery, rare jobs). They are not reported as unused, and
   * the generated policy keeps them, with their reason.
   */
  exceptions?: KeptException[];
  usage?: {
    // The bounds are WINDOW_DAYS (src/config/load.ts), which --window-days checks too.
    /**
     * Days of usage data needed before a permission can be called unused, 1 to 400. Default 30.
     * @TJS-type integer
     * @minimum 1
     * @maximum 400
     */
    windowDays?: number;
    /**
     * The trail logs data events (S3 object, DynamoDB item, Lambda Invoke, SQS, SNS, Kinesis) for
     * every resource the functions can reach. Only then is a data-event action the logs do not
     * show called unused, and left out of a generated policy. Default false: data events seen for
     * some buckets or tables say nothing of the others.
     */
    dataEventsLogged?: boolean;
    /**
     * Whether the trail logs read management events, when you know (its ReadWriteType). Unset: judged
     * from the logs (an account with at least 100 management events and no read logs writes only).
     * false: reads are not logged, so actions CloudTrail records as reads are never called unused.
     */
    readEventsLogged?: boolean;
    /**
     * Whether the trail logs write management events, when you know (a ReadOnly trail does not).
     * Unset: judged from the logs (at least 1,000 management events and no write, or at least 100
     * data events and no management event). false: write actions are never called unused.
     */
    writeEventsLogged?: boolean;
    /**
     * Whether the trail logs AWS KMS events, when you know (ExcludeManagementEventSources). Unset:
     * judged from the logs (an account with at least 1,000 management events, reads among them, and
     * no KMS event excludes them). false: kms actions are never called unused.
     */
    kmsEventsLogged?: boolean;
  };
  rules?: {
    /** Rule ids or names not to report. */
    disable?: string[];
    /** Extra rule packs: folders of .rego, .wasm files or OPA bundles (paths relative to this file). */
    packs?: string[];
    /**
     * Options visible to every rule as data.leastrole.config. Each key must be an option a rule
     * of the packs run declares (METADATA `custom.options`; `leastrole explain` lists them).
     */
    options?: RuleOptions;
  };
  /** `execution-roles` (default): privilege-escalation checks on Lambda execution roles; `account`: on every principal. */
  scope?: "execution-roles" | "account";
}

export interface SuppressionConfig {
  /** Rule id (`LR001`), rule name (`shared-execution-role`), or `*`. */
  rule: string;
  /** ARN, resource name, or a glob over either (`*`, `?`). */
  resource: string;
  /** @minLength 1 */
  reason: string;
  /**
   * Last day the suppression applies (YYYY-MM-DD).
   * @pattern ^\d{4}-\d{2}-\d{2}$
   */
  expires?: string;
}

export interface KeptException {
  /** Function name or ARN, or a glob over either. */
  function: string;
  /**
   * IAM actions kept (`dynamodb:RestoreTableFromBackup`, wildcards allowed).
   * @minItems 1
   */
  actions: string[];
  /** Resource ARNs the actions are kept on; default: whatever today's policy grants. */
  resources?: string[];
  /** @minLength 1 */
  reason: string;
}

export interface RuleOptions {
  /** Tag keys that carry a data classification (LR001). */
  sensitivity_tag_keys?: string[];
  /** Any other option a custom rule reads from data.leastrole.config, as its METADATA `custom.options` declares. */
  [option: string]: unknown;
}
