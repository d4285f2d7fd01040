/**
 * Terraform plans as Terraform writes them (test/fixtures/terraform-sweep/SOURCE.md): Terraform's
 * own `terraform show -json` test outputs, checkov's and regula's, verbatim, of every
 * format_version from 0.1 to 1.2; and plans made here by Terraform 1.11.4 with the AWS provider 5.100.0, offline, from the
 * provider documentation's Lambda examples and from configurations written for this sweep (each
 * folder holds the `.tf` files, and the state, it was planned from). The expected values are read
 * off the configurations with the provider's documentation (which attribute names the role, what
 * an ARN of a name is: `arn:aws:sns:<region>:<account>:<name>`, a log group's `arn` without `:*`),
 * never copied from leastrole's output. Every case is read with its `.tf` files, as the CLI reads
 * a plan with the configuration beside it.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import type { PolicyDocument } from "../../src/model/document.js";
import { readTerraformPlan, readTfFiles } from "../../src/sources/terraform/index.js";
import { TerraformConfig } from "../../src/sources/terraform/config-expressions.js";
import { indexPlan } from "../../src/sources/terraform/plan-index.js";
import { normalizeFragments } from "../normalize/checked.js";

const DIR = new URL("../fixtures/terraform-sweep/", import.meta.url).pathname;

/** A case: a plan file, or a folder of plan.json and the `.tf` files it was planned from (modules/ holds the modules some call). */
const CASES = readdirSync(DIR)
  .filter((f) => f.endsWith(".json") || (statSync(join(DIR, f)).isDirectory() && existsSync(join(DIR, f, "plan.json"))))
  .sort();

function tfFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith(".tf")) out[relative(dir, p)] = readFileSync(p, "utf8");
    }
  };
  walk(dir);
  return out;
}

function read(name: string, withConfig = true) {
  const dir = join(DIR, name);
  if (!statSync(dir).isDirectory()) return readTerraformPlan(readFileSync(dir), dir);
  const plan = join(dir, "plan.json");
  // A folder calling ../modules/<m>: its files as the CLI finds them (readTfFiles follows local module sources).
  const configFiles = name.startsWith("tfmod-") ? readTfFiles(dir) : tfFiles(dir);
  return readTerraformPlan(readFileSync(plan), plan, withConfig ? { configFiles, configRoot: dir } : {});
}

const role = (name: string) => `arn:aws:iam::unknown:role/${name}`;
const fnArn = (name: string) => `arn:aws:lambda:eu-west-1:unknown:function:${name}`;
const BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
const LAMBDA_TRUST = [{ Service: ["lambda.amazonaws.com"] }];

const motoRole = (name: string, path = "/") => `arn:aws:iam::123456789012:role${path}${name}`;
const motoPolicy = (name: string, path = "/") => `arn:aws:iam::123456789012:policy${path}${name}`;
const motoFn = (name: string) => `arn:aws:lambda:eu-west-1:123456789012:function:${name}`;
/** The module's logs policy: `format("%v:*")` and `format("%v:*:*")` of its log group's ARN. */
const moduleLogs = (group: string) => [`arn:aws:logs:eu-west-1:123456789012:log-group:${group}:*`, `arn:aws:logs:eu-west-1:123456789012:log-group:${group}:*:*`];
const XRAY_DAEMON = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"];
const GAP_GROUP = "arn:aws:logs:eu-west-1:unknown:log-group:/aws/lambda/gap-fn";
/** name_prefix: the names are made at apply. */
const ASYNC_TOPIC = "arn:aws:sns:eu-west-1:123456789012:${aws_sns_topic.async.name}";
const ASYNC_QUEUE = "arn:aws:sqs:eu-west-1:123456789012:${aws_sqs_queue.async.name}";
/** The table's stream: its label is known once the stream is made. */
const ESM_STREAM = "arn:aws:dynamodb:eu-west-1:123456789012:table/tfmod-esm/stream/${aws_dynamodb_table.this.stream_label}";

/** A policy's statements as [actions, resources]. */
const grants = (d: PolicyDocument | null | undefined) => (d?.Statement ?? []).map((s) => [s.Action ?? [], s.Resource ?? []]);

interface Expected {
  /** Terraform address → what the function is. */
  functions: Record<string, { name: string; arn?: string; role: string; env?: string[]; aliases?: string[]; invokers?: [unknown, unknown][] }>;
  /** Terraform address → the role's ARN, inline policies (name → grants) and attached ARNs. */
  roles: Record<string, { arn: string; inline?: Record<string, unknown[]>; attached?: string[]; trust?: unknown[] }>;
  /** Customer managed policies of the plan: ARN → grants. */
  policies?: Record<string, unknown[]>;
  /** [code, path] of every warning: none beyond these. */
  warnings: [string, string][];
  partial?: boolean;
}

const NOTHING: Expected = { functions: {}, roles: {}, warnings: [] };

const EXPECTED: Record<string, Expected> = {
  // Terraform 1.9.8, format 1.2: a bucket let go of (["forget"]), no Lambda or IAM resource.
  "checkov-plan-forget-action.json": NOTHING,
  // Terraform 0.13.5, format 0.1 (regula's test input): a KMS key and a log group, no Lambda or IAM.
  "regula-resource-view-05-tf-v0-13.json": NOTHING,
  // override.tf and main_override.tf merged as Terraform merges them: the role policy's `policy`
  // is override.tf's (loaded last although policies.tf sorts after it), with override.tf's local;
  // the function keeps main.tf's arguments and dead_letter_config, its tracing_config main_override.tf's.
  "sweep-override-files": {
    functions: { "aws_lambda_function.fn": { name: "override-fn", arn: fnArn("override-fn"), role: role("override-fn"), env: [] } },
    roles: {
      "aws_iam_role.fn": {
        arn: role("override-fn"),
        inline: {
          "override-fn": [
            [["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], ["arn:aws:sqs:eu-west-1:unknown:override-jobs"]],
            [["dynamodb:GetItem"], ["arn:aws:dynamodb:eu-west-1:111122223333:table/override-orders-prod"]],
            [["sqs:SendMessage"], ["arn:aws:sqs:eu-west-1:unknown:override-dlq"]],
          ],
        },
        attached: [],
      },
    },
    warnings: [["terraform-policy-from-config", "resource_changes[1].change.after.policy"]],
  },
  // Terraform 1.11.4's own format (1.2, timestamp, checks, relevant_attributes), terraform_data only.
  "terraform-data-moved-removed-check": NOTHING,
  // The documentation's basic example: the role from an aws_iam_policy_document trust policy;
  // the environment's variable names only.
  "docs-lambda-basic": {
    functions: { "aws_lambda_function.test_lambda": { name: "lambda_function_name", arn: fnArn("lambda_function_name"), role: role("iam_for_lambda"), env: ["foo"] } },
    roles: { "aws_iam_role.iam_for_lambda": { arn: role("iam_for_lambda"), inline: {}, attached: [] } },
    warnings: [],
  },
  // EFS through an access point, in the plan's own subnet: see below. Managed policies attached
  // with for_each over their names.
  "docs-lambda-efs": {
    functions: { "aws_lambda_function.example": { name: "lambda_function_name", role: role("iam_for_lambda"), env: [] } },
    roles: {
      "aws_iam_role.iam_for_lambda": {
        arn: role("iam_for_lambda"),
        inline: {},
        attached: ["arn:aws:iam::aws:policy/AmazonElasticFileSystemClientReadWriteAccess", "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"],
      },
    },
    warnings: [],
  },
  // CloudWatch logging: a customer managed policy (path "/") attached by its ARN, known only
  // after apply, linked through the configuration; the statement as the data source wrote it.
  "docs-lambda-logging": {
    functions: { "aws_lambda_function.test_lambda": { name: "lambda_function_name", role: role("iam_for_lambda"), env: [] } },
    roles: { "aws_iam_role.iam_for_lambda": { arn: role("iam_for_lambda"), inline: {}, attached: ["arn:aws:iam::unknown:policy/lambda_logging"] } },
    policies: { "arn:aws:iam::unknown:policy/lambda_logging": [[["logs:PutLogEvents", "logs:CreateLogStream", "logs:CreateLogGroup"], ["arn:aws:logs:*:*:*"]]] },
    warnings: [],
  },
  // A permission with `qualifier` = an alias of the plan: the alias's policy (its qualified ARN).
  "docs-lambda-permission-alias": {
    functions: {
      "aws_lambda_function.test_lambda": {
        name: "lambda_function_name",
        role: role("iam_for_lambda"),
        aliases: ["testalias"],
        invokers: [[{ Service: ["events.amazonaws.com"] }, { ArnLike: { "AWS:SourceArn": ["arn:aws:events:eu-west-1:111122223333:rule/RunDaily"] } }]],
      },
    },
    roles: { "aws_iam_role.iam_for_lambda": { arn: role("iam_for_lambda"), inline: {}, attached: [] } },
    warnings: [],
  },
  // SNS may invoke it from the topic of the plan (name call-lambda-maybe); the subscription is
  // SNS's side and grants the function nothing.
  "docs-lambda-permission-sns": {
    functions: {
      "aws_lambda_function.func": {
        name: "lambda_called_from_sns",
        role: role("iam_for_lambda_with_sns"),
        invokers: [[{ Service: ["sns.amazonaws.com"] }, { ArnLike: { "AWS:SourceArn": ["arn:aws:sns:eu-west-1:unknown:call-lambda-maybe"] } }]],
      },
    },
    roles: { "aws_iam_role.default": { arn: role("iam_for_lambda_with_sns"), inline: {}, attached: [] } },
    warnings: [],
  },
  // `"${aws_cloudwatch_log_group.default.arn}:*"`: the log group's ARN (no `:*`) and the suffix.
  "docs-lambda-permission-logs": {
    functions: {
      "aws_lambda_function.logging": {
        name: "lambda_called_from_cloudwatch_logs",
        role: role("iam_for_lambda_called_from_cloudwatch_logs"),
        invokers: [[{ Service: ["logs.eu-west-1.amazonaws.com"] }, { ArnLike: { "AWS:SourceArn": ["arn:aws:logs:eu-west-1:unknown:log-group:/default:*"] } }]],
      },
    },
    roles: { "aws_iam_role.default": { arn: role("iam_for_lambda_called_from_cloudwatch_logs"), inline: {}, attached: [] } },
    warnings: [],
  },
  // One function, every kind of trigger and setting: see the test below for the triggers.
  "sweep-triggers": {
    functions: {
      "aws_lambda_function.worker": {
        name: "worker",
        role: role("worker"),
        // QUEUE_URL is unknown until the queue exists, so Terraform marks the whole map unknown:
        // the names come from the .tf files (said); API_TOKEN's value is sensitive, its name is not.
        env: ["API_TOKEN", "QUEUE_URL"],
        invokers: [
          [{ Service: ["s3.amazonaws.com"] }, { ArnLike: { "AWS:SourceArn": ["arn:aws:s3:::example-uploads-bucket"] } }],
          [{ Service: ["events.amazonaws.com"] }, { ArnLike: { "AWS:SourceArn": ["arn:aws:events:eu-west-1:unknown:rule/nightly"] } }],
        ],
      },
    },
    roles: {
      "aws_iam_role.worker": {
        arn: role("worker"),
        inline: {
          // jsonencode of ARNs known after apply: evaluated from the .tf files; a KMS key's ARN
          // ends in its key_id, which AWS chooses: kept as a reference.
          queue: [
            [["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], ["arn:aws:sqs:eu-west-1:unknown:jobs"]],
            [["sqs:SendMessage"], ["arn:aws:sqs:eu-west-1:unknown:worker-dlq"]],
            [["kms:Decrypt"], ["arn:aws:kms:eu-west-1:unknown:key/${aws_kms_key.queue.key_id}", "arn:aws:kms:eu-west-1:unknown:key/${aws_kms_key.env.key_id}"]],
          ],
          // The role's inline_policy block.
          "read-orders": [[["dynamodb:GetItem", "dynamodb:Query"], ["arn:aws:dynamodb:eu-west-1:111122223333:table/orders"]]],
        },
        attached: [BASIC, "arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole"],
      },
    },
    warnings: [
      ["terraform-policy-from-config", "resource_changes[4].change.after.policy"],
      ["terraform-value-from-config", "resource_changes[13]"],
    ],
  },
  // module.fn (for_each) and its module.role (count): each function's role by its instance; the
  // policy document names the root's queue through a module variable, known after apply.
  "sweep-modules": {
    functions: {
      'module.fn["orders"].aws_lambda_function.this': { name: "orders-fn", role: role("orders-role"), env: ["TABLE"] },
      'module.fn["reports"].aws_lambda_function.this': { name: "reports-fn", role: role("reports-role"), env: ["TABLE"] },
    },
    roles: {
      'module.fn["orders"].module.role[0].aws_iam_role.this': {
        arn: role("orders-role"),
        inline: { consume: [[["sqs:DeleteMessage", "sqs:ReceiveMessage"], ["arn:aws:sqs:eu-west-1:unknown:events"]]] },
        attached: [BASIC],
      },
      'module.fn["reports"].module.role[0].aws_iam_role.this': {
        arn: role("reports-role"),
        inline: { consume: [[["sqs:DeleteMessage", "sqs:ReceiveMessage"], ["arn:aws:sqs:eu-west-1:unknown:events"]]] },
        attached: [BASIC],
      },
    },
    warnings: [
      ["terraform-policy-from-config", "resource_changes[1]"],
      ["terraform-policy-from-config", "resource_changes[4]"],
    ],
  },
  // An image function published, with an alias (live) that has its own URL, invoke config and an
  // organisation's permission (function_name = the alias's ARN); a role with managed_policy_arns;
  // a policy document merging another (source_policy_documents); a function with count = 0.
  "sweep-aliases-urls": {
    functions: {
      "aws_lambda_function.api": {
        name: "api",
        role: role("api"),
        env: [],
        aliases: ["live"],
        invokers: [["*", { StringEquals: { "aws:PrincipalOrgID": ["o-a1b2c3d4e5"] } }]],
      },
    },
    roles: {
      "aws_iam_role.api": {
        arn: role("api"),
        inline: {
          api: [
            [["logs:PutLogEvents", "logs:CreateLogStream"], ["arn:aws:logs:*:*:log-group:/custom/api:*"]],
            [["secretsmanager:GetSecretValue"], ["arn:aws:secretsmanager:eu-west-1:111122223333:secret:api-*"]],
          ],
        },
        attached: ["arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"],
      },
    },
    warnings: [],
  },
  // Dynamic blocks whose for_each is known only after apply: the whole environment, vpc_config
  // and a Kafka mapping's source_access_configuration unknown (after_unknown true), said; the
  // role's dynamic inline_policy, which the plan leaves out of its configuration, found in the
  // .tf files: the role is read in part, and the plan partial. See below.
  "sweep-dynamic-blocks": {
    functions: { "aws_lambda_function.fn": { name: "dynamic-fn", role: role("dynamic-fn"), env: [] } },
    roles: { "aws_iam_role.fn": { arn: role("dynamic-fn"), inline: {}, attached: [] } },
    warnings: [
      ["terraform-unknown-policy", "resource_changes[0]"],
      ["terraform-unknown-value", "resource_changes[1]"],
      ["terraform-unknown-value", "resource_changes[2]"],
      ["terraform-unknown-value", "resource_changes[2]"],
    ],
    partial: true,
  },
  // Planned against a state: the role replaced under its new name (["create", "delete"]), the
  // function updated to it (its ARN known from the state), the basic attachment deleted, the
  // legacy function let go of (["forget"]): not in the plan, and said.
  // A log group made by the same plan, granted on `"${aws_cloudwatch_log_group.fn.arn}:*"` in a
  // jsonencode'd inline policy and in an aws_iam_policy_document (with `:log-stream:*`): the
  // group's ARN (no `:*`) and the suffixes, from the .tf files.
  "sweep-log-group-suffix": {
    functions: { "aws_lambda_function.fn": { name: "gap-fn", role: role("gap-fn"), env: [] } },
    roles: {
      "aws_iam_role.fn": {
        arn: role("gap-fn"),
        inline: { logs: [[["logs:CreateLogStream", "logs:PutLogEvents"], [`${GAP_GROUP}:*`]]] },
        attached: ["arn:aws:iam::unknown:policy/gap-logs-doc"],
      },
    },
    policies: { "arn:aws:iam::unknown:policy/gap-logs-doc": [[["logs:CreateLogStream", "logs:PutLogEvents"], [`${GAP_GROUP}:*`, `${GAP_GROUP}:log-stream:*`]]] },
    warnings: [
      ["terraform-policy-from-config", "resource_changes[0]"],
      ["terraform-policy-from-config", "resource_changes[4].change.after.policy"],
    ],
  },
  "sweep-changes": {
    // The new role is in the account the state's function is in (it was `unknown`).
    functions: { "aws_lambda_function.test_lambda": { name: "lambda_function_name", arn: "arn:aws:lambda:eu-west-1:111122223333:function:lambda_function_name", role: "arn:aws:iam::111122223333:role/iam_for_lambda_v2", env: [] } },
    roles: { "aws_iam_role.iam_for_lambda": { arn: "arn:aws:iam::111122223333:role/iam_for_lambda_v2", inline: {}, attached: [] } },
    warnings: [["terraform-forgotten-resource", "resource_changes[2]"]],
  },
  // terraform-aws-modules/lambda (modules/terraform-aws-lambda, v7.14.0): the role is
  // module.<call>.aws_iam_role.lambda[0], named after the function; each attach_* input is a
  // customer managed policy of the module's (`<role>-logs`, `-vpc`, …) attached by
  // aws_iam_role_policy_attachment; the account is aws_caller_identity's (moto's 123456789012).
  // No logs policy: the example sets attach_cloudwatch_logs_policy = false.
  "tfmod-simple": {
    functions: { "module.lambda_function.aws_lambda_function.this[0]": { name: "tfmod-lambda-simple", arn: motoFn("tfmod-lambda-simple"), role: motoRole("tfmod-lambda-simple"), env: [] } },
    roles: { "module.lambda_function.aws_iam_role.lambda[0]": { arn: motoRole("tfmod-lambda-simple"), inline: {}, attached: [] } },
    warnings: [],
  },
  // The logs policy grants on the module's log group (`${arn}:*` and `${arn}:*:*`, evaluated from
  // iam.tf's format()); attach_network_policy and attach_tracing_policy copy AWSLambdaENIManagementAccess
  // and AWSXRayDaemonWriteAccess (as moto serves them) into the module's own policies.
  "tfmod-with-vpc": {
    functions: { "module.lambda_function_in_vpc.aws_lambda_function.this[0]": { name: "tfmod-lambda-in-vpc", role: motoRole("tfmod-lambda-in-vpc"), env: [] } },
    roles: {
      "module.lambda_function_in_vpc.aws_iam_role.lambda[0]": {
        arn: motoRole("tfmod-lambda-in-vpc"),
        inline: {},
        attached: [motoPolicy("tfmod-lambda-in-vpc-logs"), motoPolicy("tfmod-lambda-in-vpc-tracing"), motoPolicy("tfmod-lambda-in-vpc-vpc")],
      },
    },
    policies: {
      [motoPolicy("tfmod-lambda-in-vpc-logs")]: [[["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], moduleLogs("/aws/lambda/tfmod-lambda-in-vpc")]],
      [motoPolicy("tfmod-lambda-in-vpc-tracing")]: [[XRAY_DAEMON, ["*"]]],
      [motoPolicy("tfmod-lambda-in-vpc-vpc")]: [[["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"], ["*"]]],
    },
    warnings: [["terraform-policy-from-config", "resource_changes[4]"]],
  },
  // Two calls, the second with `providers = { aws = aws.us-east-1 }`, create_role = false and the
  // first call's role (`module.lambda_function.lambda_role_arn`): a function in each region, one role.
  "tfmod-multiple-regions": {
    functions: {
      "module.lambda_function.aws_lambda_function.this[0]": { name: "tfmod-lambda-eu-west-1", arn: motoFn("tfmod-lambda-eu-west-1"), role: motoRole("tfmod-lambda-eu-west-1"), env: [] },
      "module.lambda_function_us_east_1.aws_lambda_function.this[0]": {
        name: "tfmod-lambda-us-east-1",
        arn: "arn:aws:lambda:us-east-1:123456789012:function:tfmod-lambda-us-east-1",
        role: motoRole("tfmod-lambda-eu-west-1"),
        env: [],
      },
    },
    roles: { "module.lambda_function.aws_iam_role.lambda[0]": { arn: motoRole("tfmod-lambda-eu-west-1"), inline: {}, attached: [motoPolicy("tfmod-lambda-eu-west-1-logs")] } },
    policies: { [motoPolicy("tfmod-lambda-eu-west-1-logs")]: [[["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], moduleLogs("/aws/lambda/tfmod-lambda-eu-west-1")]] },
    warnings: [["terraform-policy-from-config", "resource_changes[0]"]],
  },
  // Async destinations (attach_async_event_policy: the module's `-async` policy on both), set on
  // the unqualified function and its current version, which is no alias (it was listed as the
  // alias `${aws_lambda_function.this[0].version}`).
  "tfmod-async": {
    functions: { "module.lambda_function.aws_lambda_function.this[0]": { name: "tfmod-lambda-async", role: motoRole("tfmod-lambda-async"), env: [], aliases: [] } },
    roles: { "module.lambda_function.aws_iam_role.lambda[0]": { arn: motoRole("tfmod-lambda-async"), inline: {}, attached: [motoPolicy("tfmod-lambda-async-async"), motoPolicy("tfmod-lambda-async-logs")] } },
    policies: {
      [motoPolicy("tfmod-lambda-async-async")]: [[["events:PutEvents", "lambda:InvokeFunction", "sns:Publish", "sqs:SendMessage"], [ASYNC_TOPIC, ASYNC_QUEUE]]],
      [motoPolicy("tfmod-lambda-async-logs")]: [[["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], moduleLogs("/aws/lambda/tfmod-lambda-async")]],
    },
    warnings: [
      ["terraform-policy-from-config", "resource_changes[2]"],
      ["terraform-policy-from-config", "resource_changes[3]"],
    ],
  },
  // Every attach_* input: policy_json (the module names it after the role), policy_jsons (`-0`),
  // dead letter (`-dl`), policy_statements (`-inline`, its Deny kept), logs, tracing, and two AWS
  // managed ARNs; role and policies under /tf-managed/; a second trust statement from
  // assume_role_policy_statements; allowed_triggers on the unqualified function only
  // (create_current_version_allowed_triggers = false).
  "tfmod-complete": {
    functions: {
      "module.lambda_function.aws_lambda_function.this[0]": {
        name: "tfmod-lambda-complete",
        role: motoRole("tfmod-lambda-complete", "/tf-managed/"),
        env: ["Hello", "Serverless"],
        invokers: [
          [{ Service: ["apigateway.amazonaws.com"] }, { ArnLike: { "AWS:SourceArn": ["arn:aws:execute-api:eu-west-1:135367859851:aqnku8akd0/*/*/*"] } }],
          [{ Service: ["events.amazonaws.com"] }, { ArnLike: { "AWS:SourceArn": ["arn:aws:events:eu-west-1:135367859851:rule/RunDaily"] } }],
        ],
      },
    },
    roles: {
      "module.lambda_function.aws_iam_role.lambda[0]": {
        arn: motoRole("tfmod-lambda-complete", "/tf-managed/"),
        trust: [...LAMBDA_TRUST, { AWS: ["arn:aws:iam::135367859851:root"] }],
        inline: {},
        attached: [
          ...["", "-0", "-dl", "-inline", "-logs", "-tracing"].map((s) => motoPolicy(`tfmod-lambda-complete${s}`, "/tf-managed/")),
          "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess",
          "arn:aws:iam::aws:policy/AWSXrayReadOnlyAccess",
        ],
      },
    },
    policies: {
      [motoPolicy("tfmod-lambda-complete", "/tf-managed/")]: [[["xray:GetSamplingStatistics"], ["*"]]],
      [motoPolicy("tfmod-lambda-complete-0", "/tf-managed/")]: [[["xray:*"], ["*"]]],
      [motoPolicy("tfmod-lambda-complete-dl", "/tf-managed/")]: [[["sns:Publish", "sqs:SendMessage"], ["arn:aws:sqs:eu-west-1:123456789012:tfmod-complete-dlq"]]],
      [motoPolicy("tfmod-lambda-complete-inline", "/tf-managed/")]: [
        [["dynamodb:BatchWriteItem"], ["arn:aws:dynamodb:eu-west-1:123456789012:table/tfmod-complete-test"]],
        [["logs:DescribeLogStreams"], ["arn:aws:logs:eu-west-1:135367859851:log-group:/aws/lambda/other:*"]],
        [["s3:GetObject", "s3:HeadObject"], ["arn:aws:s3:::tfmod-complete-data/*"]],
      ],
      [motoPolicy("tfmod-lambda-complete-logs", "/tf-managed/")]: [[["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], moduleLogs("/aws/lambda/tfmod-lambda-complete")]],
      [motoPolicy("tfmod-lambda-complete-tracing", "/tf-managed/")]: [[XRAY_DAEMON, ["*"]]],
    },
    warnings: [
      ["terraform-policy-from-config", "resource_changes[3]"],
      ["terraform-policy-from-config", "resource_changes[4]"],
      ["terraform-policy-from-config", "resource_changes[5]"],
    ],
  },
  // Three mappings (see below); policy_statements on the stream, the Kinesis stream and the
  // failure queue, known once made; AWSLambdaSQSQueueExecutionRole by `policies`.
  "tfmod-event-source-mapping": {
    functions: {
      "module.lambda_function.aws_lambda_function.this[0]": {
        name: "tfmod-lambda-event-source-mapping",
        role: motoRole("tfmod-lambda-event-source-mapping"),
        env: [],
        invokers: [
          [{ Service: ["config.amazonaws.com"] }, { StringEquals: { "aws:PrincipalOrgID": ["o-abcdefghij"] } }],
          [{ Service: ["dynamodb.amazonaws.com"] }, { ArnLike: { "AWS:SourceArn": [ESM_STREAM] } }],
          [{ Service: ["kinesis.amazonaws.com"] }, { ArnLike: { "AWS:SourceArn": ["arn:aws:kinesis:eu-west-1:123456789012:stream/tfmod-esm"] } }],
          [{ Service: ["sqs.amazonaws.com"] }, { ArnLike: { "AWS:SourceArn": ["arn:aws:sqs:eu-west-1:123456789012:tfmod-esm"] } }],
        ],
      },
    },
    roles: {
      "module.lambda_function.aws_iam_role.lambda[0]": {
        arn: motoRole("tfmod-lambda-event-source-mapping"),
        inline: {},
        attached: [motoPolicy("tfmod-lambda-event-source-mapping-inline"), motoPolicy("tfmod-lambda-event-source-mapping-logs"), "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole"],
      },
    },
    policies: {
      [motoPolicy("tfmod-lambda-event-source-mapping-inline")]: [
        [["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"], [ESM_STREAM]],
        [
          ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards", "kinesis:ListStreams", "kinesis:SubscribeToShard"],
          ["arn:aws:kinesis:eu-west-1:123456789012:stream/tfmod-esm"],
        ],
        [["sqs:SendMessage"], ["arn:aws:sqs:eu-west-1:123456789012:tfmod-esm-failure"]],
      ],
      [motoPolicy("tfmod-lambda-event-source-mapping-logs")]: [[["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], moduleLogs("/aws/lambda/tfmod-lambda-event-source-mapping")]],
    },
    warnings: [
      ["terraform-policy-from-config", "resource_changes[4]"],
      ["terraform-policy-from-config", "resource_changes[5]"],
    ],
  },
  // The module's modules/alias: alias "live" of the published function, its allowed_triggers on the
  // alias and on the alias's version (the same rule), its async config (failure queue) on both, and
  // an SQS mapping on the alias's ARN. The function's role is the first call's.
  "tfmod-alias": {
    functions: {
      "module.lambda_function.aws_lambda_function.this[0]": {
        name: "tfmod-lambda-alias",
        arn: motoFn("tfmod-lambda-alias"),
        role: motoRole("tfmod-lambda-alias"),
        env: [],
        aliases: ["live"],
        invokers: [
          [{ Service: ["events.amazonaws.com"] }, { ArnLike: { "AWS:SourceArn": ["arn:aws:events:eu-west-1:123456789012:rule/tfmod-alias-nightly"] } }],
          [{ Service: ["events.amazonaws.com"] }, { ArnLike: { "AWS:SourceArn": ["arn:aws:events:eu-west-1:123456789012:rule/tfmod-alias-nightly"] } }],
        ],
      },
    },
    roles: { "module.lambda_function.aws_iam_role.lambda[0]": { arn: motoRole("tfmod-lambda-alias"), inline: {}, attached: [motoPolicy("tfmod-lambda-alias-logs")] } },
    policies: { [motoPolicy("tfmod-lambda-alias-logs")]: [[["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], moduleLogs("/aws/lambda/tfmod-lambda-alias")]] },
    warnings: [["terraform-policy-from-config", "resource_changes[8]"]],
  },
  // Log groups by the module's inputs: two that exist (use_existing_cloudwatch_log_group = true, read
  // from moto by data "aws_cloudwatch_log_group"; the module's logs policy then leaves out
  // logs:CreateLogGroup), one named by logging_log_group; one the module makes under
  // logging_log_group, its logs policy built from a policy document known after apply.
  "tfmod-existing-log-group": {
    functions: {
      "module.existing_default.aws_lambda_function.this[0]": { name: "tfmod-existing-default", role: motoRole("tfmod-existing-default"), env: [] },
      "module.existing_named.aws_lambda_function.this[0]": { name: "tfmod-existing-named", role: motoRole("tfmod-existing-named"), env: [] },
      "module.retention.aws_lambda_function.this[0]": { name: "tfmod-retention", role: motoRole("tfmod-retention"), env: [] },
    },
    roles: {
      "module.existing_default.aws_iam_role.lambda[0]": { arn: motoRole("tfmod-existing-default"), inline: {}, attached: [motoPolicy("tfmod-existing-default-logs")] },
      "module.existing_named.aws_iam_role.lambda[0]": { arn: motoRole("tfmod-existing-named"), inline: {}, attached: [motoPolicy("tfmod-existing-named-logs")] },
      "module.retention.aws_iam_role.lambda[0]": { arn: motoRole("tfmod-retention"), inline: {}, attached: [motoPolicy("tfmod-retention-logs")] },
    },
    policies: {
      // As the data source wrote them: the statement's actions and resources in its own order.
      [motoPolicy("tfmod-existing-default-logs")]: [[["logs:PutLogEvents", "logs:CreateLogStream"], [...moduleLogs("/aws/lambda/tfmod-existing-default")].reverse()]],
      [motoPolicy("tfmod-existing-named-logs")]: [[["logs:PutLogEvents", "logs:CreateLogStream"], [...moduleLogs("/shared/tfmod-existing")].reverse()]],
      [motoPolicy("tfmod-retention-logs")]: [[["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], moduleLogs("/custom/tfmod-retention")]],
    },
    warnings: [["terraform-policy-from-config", "resource_changes[8]"]],
  },
  // A role written beside two module calls that are given it (create_role = false, lambda_role):
  // both functions run with it; its policy is the user's aws_iam_role_policy, and the calls make no
  // role or policy (attach_tracing_policy = true on one makes nothing without create_role).
  "tfmod-shared-role": {
    functions: {
      "module.orders.aws_lambda_function.this[0]": { name: "tfmod-shared-orders", arn: motoFn("tfmod-shared-orders"), role: motoRole("tfmod-shared"), env: [] },
      "module.reports.aws_lambda_function.this[0]": { name: "tfmod-shared-reports", arn: motoFn("tfmod-shared-reports"), role: motoRole("tfmod-shared"), env: [] },
    },
    roles: {
      "aws_iam_role.shared": {
        arn: motoRole("tfmod-shared"),
        inline: {
          "tfmod-shared": [
            [["logs:CreateLogStream", "logs:PutLogEvents"], ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/tfmod-shared-orders:*"]],
            [["dynamodb:*"], ["*"]],
          ],
        },
        attached: [],
      },
    },
    warnings: [],
  },
  // publish = true: allowed_triggers on the current version (qualified by it, known once
  // published) and on the unqualified function; the logs policy on logging_log_group's group.
  "tfmod-triggers-url": {
    functions: {
      "module.lambda_function.aws_lambda_function.this[0]": {
        name: "tfmod-lambda-triggers",
        role: motoRole("tfmod-lambda-triggers"),
        env: [],
        invokers: [
          [{ Service: ["events.amazonaws.com"] }, { ArnLike: { "AWS:SourceArn": ["arn:aws:events:eu-west-1:123456789012:rule/tfmod-scan-ami"] } }],
          [{ Service: ["events.amazonaws.com"] }, { ArnLike: { "AWS:SourceArn": ["arn:aws:events:eu-west-1:123456789012:rule/tfmod-scan-ami"] } }],
        ],
      },
    },
    roles: { "module.lambda_function.aws_iam_role.lambda[0]": { arn: motoRole("tfmod-lambda-triggers"), inline: {}, attached: [motoPolicy("tfmod-lambda-triggers"), motoPolicy("tfmod-lambda-triggers-logs")] } },
    policies: {
      [motoPolicy("tfmod-lambda-triggers")]: [[["ec2:DescribeImages"], ["*"]]],
      [motoPolicy("tfmod-lambda-triggers-logs")]: [[["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], moduleLogs("/custom/tfmod-triggers")]],
    },
    warnings: [["terraform-policy-from-config", "resource_changes[2]"]],
  },
};

describe("Terraform plans as Terraform writes them", () => {
  it("every case has its expectation", () => {
    expect(CASES).toEqual(Object.keys(EXPECTED).sort());
    expect(CASES.length).toBeGreaterThanOrEqual(12);
  });

  it.each(CASES)("%s: its functions, roles, policies and warnings", (name) => {
    const want = EXPECTED[name]!;
    const f = read(name);
    expect(Object.fromEntries(f.functions.map((fn) => [fn.source?.address, fn.name]))).toEqual(Object.fromEntries(Object.entries(want.functions).map(([a, w]) => [a, w.name])));
    for (const [address, w] of Object.entries(want.functions)) {
      const fn = f.functions.find((x) => x.source?.address === address)!;
      expect(fn.roleArn).toBe(w.role);
      if (w.arn !== undefined) expect(fn.arn).toBe(w.arn);
      if (w.env !== undefined) expect(fn.environmentVariableNames).toEqual(w.env);
      expect(fn.aliases).toEqual(w.aliases ?? []);
      expect((fn.resourcePolicy?.Statement ?? []).map((s) => [s.Principal, s.Condition])).toEqual(w.invokers ?? []);
    }
    expect(Object.fromEntries(f.roles.map((r) => [r.source?.address, r.arn]))).toEqual(Object.fromEntries(Object.entries(want.roles).map(([a, w]) => [a, w.arn])));
    for (const [address, w] of Object.entries(want.roles)) {
      const r = f.roles.find((x) => x.source?.address === address)!;
      expect(r.trustPolicy?.Statement.map((s) => s.Principal)).toEqual(w.trust ?? LAMBDA_TRUST);
      if (w.inline !== undefined) expect(Object.fromEntries(r.inlinePolicies.map((p) => [p.name, grants(p.document)]))).toEqual(w.inline);
      if (w.attached !== undefined) expect(r.attachedPolicies.map((p) => p.arn)).toEqual(w.attached);
    }
    expect(Object.fromEntries(f.policies.map((p) => [p.arn, grants(p.document)]))).toEqual(want.policies ?? {});
    expect(f.warnings.map((w) => [w.code, w.path])).toEqual(want.warnings);
    expect(f.partial).toBe(want.partial ?? false);
    // Every warning names the file; the document the normaliser makes of it is valid.
    for (const w of f.warnings) expect(w.file).toContain(name);
    normalizeFragments([f]);
  });
});

describe("what the sweep's plans say, one by one", () => {
  it("the worker's triggers: the SQS queue, the DynamoDB stream (its label known once made) with its failure topic, the disabled Kinesis stream", () => {
    const fn = read("sweep-triggers").functions[0]!;
    expect(fn.triggers.map((t) => [t.kind, t.eventSourceArn, t.state, t.onFailureDestination, t.sourceKmsKeyArn ?? null])).toEqual([
      ["dynamodb", "arn:aws:dynamodb:eu-west-1:unknown:table/orders/stream/${aws_dynamodb_table.orders.stream_label}", "Enabled", "arn:aws:sns:eu-west-1:unknown:stream-failures", null],
      ["kinesis", "arn:aws:kinesis:eu-west-1:unknown:stream/clicks", "Disabled", null, null],
      // The queue is encrypted with the plan's own key: reading it needs kms:Decrypt on that key.
      ["sqs", "arn:aws:sqs:eu-west-1:unknown:jobs", "Enabled", null, "arn:aws:kms:eu-west-1:unknown:key/${aws_kms_key.queue.key_id}"],
    ]);
    expect(fn.vpc).toEqual({ vpcId: null, subnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"], securityGroupIds: ["sg-0123456789abcdef0"] });
    expect([fn.tracingMode, fn.deadLetterTargetArn, fn.kmsKeyArn]).toEqual(["Active", "arn:aws:sqs:eu-west-1:unknown:worker-dlq", "arn:aws:kms:eu-west-1:unknown:key/${aws_kms_key.env.key_id}"]);
    expect(fn.functionUrls).toEqual([{ authType: "NONE", url: null, qualifier: null }]);
    // The sensitive value never leaves the reader.
    expect(JSON.stringify(read("sweep-triggers"))).not.toContain("not-a-real-token");
  });

  it("the alias live's URL, failure destination and permission are live's own; the function logs to its custom group", () => {
    const fn = read("sweep-aliases-urls").functions[0]!;
    expect(fn.functionUrls).toEqual([{ authType: "AWS_IAM", url: null, qualifier: "live" }]);
    expect(fn.resourcePolicy?.Statement.map((s) => s.Resource)).toEqual([[`${fnArn("api")}:live`]]);
    expect(fn.destinations).toEqual({ onSuccess: null, onFailure: null });
    expect(fn.qualifiedDeliveryTargets).toEqual([{ kind: "on-failure", arn: "arn:aws:sqs:eu-west-1:unknown:api-failures", qualifiers: ["live"], roleArn: role("api") }]);
    expect([fn.packageType, fn.logGroup, fn.logFormat]).toEqual(["Image", "/custom/api", "JSON"]);
  });

  it("the EFS function: its access point and network known once made, kept as references to them", () => {
    const fn = read("docs-lambda-efs").functions[0]!;
    expect(fn.fileSystems).toEqual(["arn:aws:elasticfilesystem:eu-west-1:unknown:access-point/${aws_efs_access_point.access_point_for_lambda.id}"]);
    expect(fn.vpc).toEqual({ vpcId: null, subnetIds: ["${aws_subnet.subnet_for_lambda.id}"], securityGroupIds: ["${aws_security_group.sg_for_lambda.id}"] });
  });

  it("a dynamic vpc_config known only after apply: in a VPC of networks known after apply, said (it was read as in no VPC, silently); so are the environment, the Kafka mapping's secrets and the role's dynamic inline policy (they were none, silently)", () => {
    const f = read("sweep-dynamic-blocks");
    const fn = f.functions[0]!;
    expect(fn.vpc).toEqual({ vpcId: null, subnetIds: ["${aws_lambda_function.fn.vpc_config.0.subnet_ids}"], securityGroupIds: ["${aws_lambda_function.fn.vpc_config.0.security_group_ids}"] });
    expect(f.warnings.map((w) => [w.severity, w.message])).toEqual([
      ["warning", "aws_iam_role.fn: its inline_policy blocks are made by a dynamic block whose for_each is known only after apply: the role's inline policies are not known, and what it is granted is read in part"],
      ["warning", expect.stringContaining("aws_lambda_event_source_mapping.kafka: source_access_configuration is known only after apply")],
      ["info", "aws_lambda_function.fn: environment variable names are known only after apply"],
      ["warning", expect.stringContaining("aws_lambda_function.fn: vpc_config is known only after apply (a dynamic block over values the plan does not know)")],
    ]);
    // The dead-letter target, inside a dynamic block too, is evaluated from the .tf files: the queue's ARN.
    expect(fn.deadLetterTargetArn).toBe("arn:aws:sqs:eu-west-1:unknown:dynamic-dlq");
    // tracing_config is computed by the provider: unknown when unset in every plan, so not said.
    expect(fn.tracingMode).toBeNull();
    expect(fn.triggers.map((t) => [t.kind, t.secretArns])).toEqual([["self-managed-kafka", []]]);
    // The role's inline policy is not known: its grants are a lower bound (it was read as none, silently).
    expect(f.incompletePrincipals).toEqual([role("dynamic-fn")]);
  });

  it("without the .tf files, what the plan knows only after apply is said, never read as nothing", () => {
    const f = read("sweep-triggers", false);
    const fn = f.functions[0]!;
    expect(fn.environmentVariableNames).toEqual([]);
    expect(f.roles[0]!.inlinePolicies.map((p) => p.name)).toEqual(["read-orders"]);
    expect(f.warnings.map((w) => [w.code, w.severity])).toEqual([
      ["terraform-unknown-policy", "warning"],
      ["terraform-unknown-value", "info"],
    ]);
    expect(f.incompletePrincipals).toEqual([role("worker")]);
    expect(f.partial).toBe(true);
    // The module sweep: the document's resources are kept as a reference to the data source.
    const m = read("sweep-modules", false);
    expect(m.roles.map((r) => grants(r.inlinePolicies[0]!.document))).toEqual([
      [[["sqs:DeleteMessage", "sqs:ReceiveMessage"], ['${module.fn["orders"].data.aws_iam_policy_document.consume.statement[0].resources}']]],
      [[["sqs:DeleteMessage", "sqs:ReceiveMessage"], ['${module.fn["reports"].data.aws_iam_policy_document.consume.statement[0].resources}']]],
    ]);
  });

  it("terraform-aws-modules/lambda: mappings, URL, log groups, network, tracing and dead letter as the module's inputs set them", () => {
    const esm = read("tfmod-event-source-mapping").functions[0]!;
    expect(esm.triggers.map((t) => [t.kind, t.eventSourceArn, t.state, t.onFailureDestination])).toEqual([
      ["dynamodb", ESM_STREAM, "Enabled", "arn:aws:sqs:eu-west-1:123456789012:tfmod-esm-failure"],
      ["kinesis", "arn:aws:kinesis:eu-west-1:123456789012:stream/tfmod-esm", "Enabled", null],
      ["sqs", "arn:aws:sqs:eu-west-1:123456789012:tfmod-esm", "Enabled", null],
    ]);
    const url = read("tfmod-triggers-url").functions[0]!;
    expect(url.functionUrls).toEqual([{ authType: "AWS_IAM", url: null, qualifier: null }]);
    expect([url.logGroup, url.logFormat]).toEqual(["/custom/tfmod-triggers", "Text"]);
    const complete = read("tfmod-complete").functions[0]!;
    expect([complete.tracingMode, complete.deadLetterTargetArn, complete.logGroup, complete.logFormat, complete.layers]).toEqual([
      "Active",
      "arn:aws:sqs:eu-west-1:123456789012:tfmod-complete-dlq",
      "/aws/lambda/tfmod-lambda-complete",
      "JSON",
      ["arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:40"],
    ]);
    // In a VPC whose subnets are made by the same plan: known once made.
    const vpc = read("tfmod-with-vpc").functions[0]!;
    expect([vpc.vpc?.subnetIds.length, vpc.vpc?.securityGroupIds.length, vpc.tracingMode]).toEqual([1, 1, "Active"]);
    expect(read("tfmod-simple").functions[0]!.vpc).toBeNull();
  });

  it("terraform-aws-modules/lambda's modules/alias: the alias's mapping, permission and async config are the alias's; the version's config is the version's (it was the alias's), and its on_success block, which for_each [] leaves out, is none (it was a destination ${…on_success.0.destination})", () => {
    const f = read("tfmod-alias");
    const fn = f.functions[0]!;
    expect(fn.triggers.map((t) => [t.kind, t.eventSourceArn, t.state])).toEqual([["sqs", "arn:aws:sqs:eu-west-1:123456789012:tfmod-alias-jobs", "Enabled"]]);
    expect(fn.resourcePolicy?.Statement[0]?.Resource).toEqual([`${motoFn("tfmod-lambda-alias")}:live`]);
    const FAILURES = "arn:aws:sqs:eu-west-1:123456789012:tfmod-alias-failures";
    expect(fn.qualifiedDeliveryTargets?.map((t) => [t.kind, t.arn, t.qualifiers])).toEqual([
      ["on-failure", FAILURES, ["live"]],
      // local.version: the version the alias points to (function_version = the module's lambda_function_version).
      ["on-failure", FAILURES, ["${aws_lambda_alias.with_refresh[0].function_version}"]],
    ]);
    const { document } = normalizeFragments([f]);
    expect(document.functions.map((x) => [x.aliases, x.destinations])).toEqual([[["live"], { onSuccess: null, onFailure: null }]]);
  });

  it("terraform-aws-modules/lambda's log group inputs: the group the function writes to (logging_log_group sets logging_config.log_group), and one the plan reads as existing needs no logs:CreateLogGroup (it was required)", () => {
    const fns = read("tfmod-existing-log-group").functions;
    expect(fns.map((fn) => [fn.name, fn.logGroup, fn.logFormat, fn.logGroupCreated ?? false])).toEqual([
      // use_existing_cloudwatch_log_group = true: data "aws_cloudwatch_log_group" read at plan time, so the group exists.
      ["tfmod-existing-default", "/aws/lambda/tfmod-existing-default", "Text", true],
      ["tfmod-existing-named", "/shared/tfmod-existing", "Text", true],
      // The module makes it (aws_cloudwatch_log_group.lambda[0], retention 7 days).
      ["tfmod-retention", "/custom/tfmod-retention", "JSON", true],
    ]);
    // A function writing to a group of another name than the one read still needs to create its own.
    const plan = JSON.parse(readFileSync(join(DIR, "tfmod-existing-log-group", "plan.json"), "utf8"));
    const data = plan.prior_state.values.root_module.child_modules.flatMap((m: { resources?: { address: string; values: { name: string } }[] }) => m.resources ?? []).find((r: { address: string }) => r.address === "module.existing_named.data.aws_cloudwatch_log_group.lambda[0]");
    data.values.name = "/shared/another";
    const changed = readTerraformPlan(JSON.stringify(plan), "plan.json").functions.find((fn) => fn.name === "tfmod-existing-named")!;
    expect([changed.logGroup, changed.logGroupCreated ?? false]).toEqual(["/shared/tfmod-existing", false]);
  });

  it("terraform-aws-modules/lambda's current-version event invoke config is the version's, no alias (an alias `${aws_lambda_function.this[0].version}` was listed)", () => {
    const f = read("tfmod-async");
    const fn = f.functions[0]!;
    expect(fn.destinations).toEqual({ onSuccess: ASYNC_QUEUE, onFailure: ASYNC_TOPIC });
    expect(fn.qualifiedDeliveryTargets?.map((t) => [t.kind, t.arn, t.qualifiers])).toEqual([
      ["on-success", ASYNC_QUEUE, ["${aws_lambda_function.this[0].version}"]],
      ["on-failure", ASYNC_TOPIC, ["${aws_lambda_function.this[0].version}"]],
    ]);
    expect(normalizeFragments([f]).document.functions.map((x) => x.aliases)).toEqual([[]]);
  });

  it("without the .tf files, a policy document's `\"${aws_cloudwatch_log_group.fn.arn}:*\"` is read as the reference alone, and said so visibly (a warning, the plan partial): the plan's configuration holds references, not the text around them", () => {
    const f = read("sweep-log-group-suffix", false);
    expect(f.policies.map((p) => grants(p.document))).toEqual([[[["logs:CreateLogStream", "logs:PutLogEvents"], ["${aws_cloudwatch_log_group.fn.arn}", "${aws_cloudwatch_log_group.fn.arn}"]]]]);
    // What the configuration section says of the element: its references only.
    const plan = JSON.parse(readFileSync(join(DIR, "sweep-log-group-suffix/plan.json"), "utf8"));
    const doc = plan.configuration.root_module.resources.find((r: { address: string }) => r.address === "data.aws_iam_policy_document.logs_doc");
    expect(Object.keys(doc.expressions.statement[0].resources)).toEqual(["references"]);
    const said = f.warnings.find((w) => w.path === "resource_changes[0]")!;
    // Before: an info warning the table does not print, the log requirement "conditional" with no
    // finding, and the plan not partial.
    expect([said.code, said.severity]).toEqual(["terraform-reference-alone", "warning"]);
    expect(said.message).toContain("not the text written around them");
    expect(f.partial).toBe(true);
    expect(said.message).toContain("--tf-config");
    // The module's logs policy, read alone, names its statement list, not a resource: nothing more to say.
    const module = read("tfmod-async", false).warnings.filter((w) => w.code === "terraform-unknown-value");
    expect(module.length).toBe(2);
    for (const w of module) expect(w.message).not.toContain("not the text written around them");
  });

  it("override files are merged into the blocks they override (Terraform's Override Files): override.tf's policy replaces policies.tf's whatever the files' order, main_override.tf's tracing_config leaves main.tf's other arguments and blocks (before, the last file's block replaced the whole block, or lost to it)", () => {
    const f = read("sweep-override-files");
    const fn = f.functions[0]!;
    expect([fn.tracingMode, fn.deadLetterTargetArn]).toEqual(["Active", "arn:aws:sqs:eu-west-1:unknown:override-dlq"]);
    // The policy read from its expression: said with the file it is written in.
    expect(f.warnings.map((w) => w.message)).toEqual([expect.stringContaining("read from its expression in " + join(DIR, "sweep-override-files", "override.tf") + ":4")]);
    // The function's location is where it is defined, main.tf, not the override.
    expect([fn.source?.file.endsWith("sweep-override-files/main.tf"), fn.source?.line]).toEqual([true, 23]);
    // Every merge rule on one configuration (no plan needed: the `.tf` files alone).
    const files = {
      "main.tf": [
        'resource "aws_iam_role_policy" "p" {',
        '  name   = "p"',
        "  role   = aws_iam_role.r.id",
        '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })',
        "  lifecycle {",
        "    ignore_changes        = [name]",
        "    create_before_destroy = false",
        "  }",
        "}",
        'locals { a = "main" }',
        'locals { b = "main" }',
      ].join("\n"),
      "a_override.tf": ['resource "aws_iam_role_policy" "p" {', "  lifecycle {", "    create_before_destroy = true", "  }", "}", 'locals { a = "a_override" }'].join("\n"),
      "b_override.tf": ['locals { a = "b_override" }'].join("\n"),
    };
    const plan = JSON.parse(readFileSync(join(DIR, "docs-lambda-basic", "plan.json"), "utf8"));
    const config = new TerraformConfig(indexPlan({ value: plan, lineOf: () => null }, "plan.json"), files);
    const body = config.block("aws_iam_role_policy.p")!.block.body;
    expect(body.attributes.map((a) => a.name)).toEqual(["name", "role", "policy"]);
    expect(body.blocks.map((b) => [b.type, b.body.attributes.map((a) => `${a.name} = ${a.expr.span.text}`)])).toEqual([["lifecycle", ["ignore_changes = [name]", "create_before_destroy = true"]]]);
    // Later override files take precedence: b_override.tf's local.
    expect(config.local("", "a")?.file).toBe("b_override.tf");
    expect(config.local("", "b")?.file).toBe("main.tf");
  });

  it("an alias of the plan is one of its function's aliases once normalised (it was missing: aliases [])", () => {
    const { document } = normalizeFragments([read("docs-lambda-permission-alias")]);
    expect(document.functions.map((fn) => [fn.name, fn.aliases])).toEqual([["lambda_function_name", ["testalias"]]]);
  });
});

/**
 * The keys and versions of the format, on a real plan (docs-lambda-basic) changed as a Terraform
 * that writes them would: the change's actions, a deferred change, a top-level key or a
 * format_version of a later Terraform. The shapes are plan.go's (internal/command/jsonplan).
 */
describe("what a plan of another Terraform version holds", () => {
  const base = () => JSON.parse(readFileSync(join(DIR, "docs-lambda-basic/plan.json"), "utf8")) as Record<string, any>;
  const FN = "aws_lambda_function.test_lambda";
  const readPlan = (plan: object) => readTerraformPlan(JSON.stringify(plan), "later.plan.json");

  it('["create", "forget"] replaces the function: the new one is read (it was dropped as deleted)', () => {
    const plan = base();
    plan.resource_changes.find((r: any) => r.address === FN).change.actions = ["create", "forget"];
    const f = readPlan(plan);
    expect(f.functions.map((fn) => [fn.source?.address, fn.roleArn])).toEqual([[FN, role("iam_for_lambda")]]);
    expect(f.warnings).toEqual([]);
  });

  it('["forget"] of a function: not in the plan, and said with its address', () => {
    const plan = base();
    const rc = plan.resource_changes.find((r: any) => r.address === FN);
    rc.change.actions = ["forget"];
    rc.change.before = rc.change.after;
    rc.change.after = null;
    const f = readPlan(plan);
    expect(f.functions).toEqual([]);
    expect(f.warnings.map((w) => [w.code, w.severity, w.path])).toEqual([["terraform-forgotten-resource", "info", "resource_changes[1]"]]);
    expect(f.warnings[0]!.message).toContain(`${FN} is removed from Terraform's state without being destroyed`);
  });

  it("a deferred change of the function: said, naming it and the reason, and the plan partial (it was silently missing)", () => {
    const plan = base();
    const rc = plan.resource_changes.find((r: any) => r.address === FN);
    plan.resource_changes = plan.resource_changes.filter((r: any) => r !== rc);
    plan.planned_values.root_module.resources = plan.planned_values.root_module.resources.filter((r: any) => r.address !== FN);
    plan.deferred_changes = [{ reason: "provider_config_unknown", resource_change: rc }, { reason: "deferred_prereq", resource_change: { ...rc, address: "aws_sqs_queue.q", type: "aws_sqs_queue", name: "q" } }];
    const f = readPlan(plan);
    expect(f.functions).toEqual([]);
    // Sorted by path, as every reader's warnings are.
    expect(f.warnings.map((w) => [w.code, w.severity, w.path])).toEqual([
      ["terraform-deferred-change", "info", "deferred_changes"],
      ["terraform-deferred-change", "warning", "deferred_changes[0].resource_change"],
    ]);
    expect(f.warnings[1]!.message).toBe(
      `${FN}: its change is deferred (reason provider_config_unknown): Terraform plans it in a later round, so this plan does not say what it will be; what it grants or runs is not read, and the plan is partial`,
    );
    expect(f.warnings[0]!.message).toContain("1 other resource's change is deferred to a later round (aws_sqs_queue.q)");
    expect(f.partial).toBe(true);
  });

  it("the keys Terraform 1.2 to 1.14 added are known; a key no version writes is named", () => {
    const plan = { ...base(), action_invocations: [], deferred_action_invocations: [], checks: [], resource_drift: [] };
    expect(readPlan(plan).warnings).toEqual([]);
    const f = readPlan({ ...plan, ephemeral_changes: [], zz_extra: {} });
    expect(f.warnings.map((w) => [w.code, w.severity, w.path, w.message])).toEqual([
      ["terraform-plan-unknown-key", "info", "ephemeral_changes", "ephemeral_changes, zz_extra: top-level keys of the plan that leastrole does not know (a newer Terraform's), not read"],
    ]);
    expect(f.functions.map((fn) => fn.name)).toEqual(["lambda_function_name"]);
  });

  it("a later format_version is read where its keys are known, and said: 1.3 as information, 2.0 as a warning (2.0 was refused)", () => {
    const minor = readPlan({ ...base(), format_version: "1.3" });
    expect(minor.functions.map((fn) => fn.name)).toEqual(["lambda_function_name"]);
    expect(minor.warnings.map((w) => [w.code, w.severity, w.path])).toEqual([["terraform-plan-format-unknown", "info", "format_version"]]);
    const major = readPlan({ ...base(), format_version: "2.0" });
    expect(major.functions.map((fn) => [fn.name, fn.roleArn])).toEqual([["lambda_function_name", role("iam_for_lambda")]]);
    expect(major.warnings.map((w) => [w.code, w.severity])).toEqual([["terraform-plan-format-unknown", "warning"]]);
    expect(major.warnings[0]!.message).toContain("format_version 2.0 is not one leastrole knows (0.1 to 1.2)");
    expect([minor.partial, major.partial]).toEqual([false, true]);
    expect(minor.warnings[0]!.message).toBe("format_version 1.3 is not one leastrole knows (0.1 to 1.2): a minor version only adds keys, so the keys of the known versions are read, and it has no other top-level key");
    expect(() => readPlan({ ...base(), format_version: "latest" })).toThrow(/format_version latest: not a version number/);
  });
});

describe("a role the terraform-aws-modules/lambda module makes is recognised by its call", () => {
  const tfmodRoles = (f: ReturnType<typeof read>) => f.roles.map((r) => [r.source?.address, r.source?.terraformModule ?? null]);
  const simple = () => JSON.parse(readFileSync(join(DIR, "tfmod-simple", "plan.json"), "utf8"));
  const withSource = (source: string) => {
    const plan = simple();
    plan.configuration.root_module.module_calls.lambda_function.source = source;
    return readTerraformPlan(JSON.stringify(plan), "plan.json");
  };
  const ROLE = "module.lambda_function.aws_iam_role.lambda[0]";

  it("every tfmod-* plan (a local copy of the module, ../modules/terraform-aws-lambda): each call's aws_iam_role.lambda[0], by the module's shape", () => {
    const found = CASES.filter((c) => c.startsWith("tfmod-")).map((c) => [c, tfmodRoles(read(c))]);
    for (const [, roles] of found) {
      for (const [address, module] of roles as [string, unknown][]) {
        const call = /^(module\.[a-z_0-9]+)\.aws_iam_role\.lambda\[0\]$/.exec(address)?.[1];
        expect(module).toEqual(call === undefined ? null : { source: "../modules/terraform-aws-lambda", call });
      }
    }
    // The us-east-1 call runs its function with the first call's role (create_role = false): one role, the first call's.
    expect(Object.fromEntries(found)["tfmod-multiple-regions"]).toEqual([[ROLE, { source: "../modules/terraform-aws-lambda", call: "module.lambda_function" }]]);
  });

  it("the call's source, as Terraform writes it in the plan's configuration: the registry address or the module's git URL", () => {
    for (const source of [
      "terraform-aws-modules/lambda/aws",
      "registry.terraform.io/terraform-aws-modules/lambda/aws",
      "git::https://github.com/terraform-aws-modules/terraform-aws-lambda.git?ref=v7.20.1",
      "github.com/terraform-aws-modules/terraform-aws-lambda",
      "git@github.com:terraform-aws-modules/terraform-aws-lambda.git",
    ]) {
      expect(tfmodRoles(withSource(source))).toEqual([[ROLE, { source, call: "module.lambda_function" }]]);
    }
  });

  it("another published module of the same shape, or another module of the repository, is not taken for it", () => {
    for (const source of ["terraform-aws-modules/iam/aws", "terraform-aws-modules/lambda/aws//modules/alias", "git::https://github.com/example/terraform-aws-lambda.git"]) {
      expect(tfmodRoles(withSource(source))).toEqual([[ROLE, null]]);
    }
  });

  it("a call nested in another module (module_calls.<name>.module.module_calls): the call's instance address", () => {
    // tfmod-simple's call moved into a local module `svc`, as Terraform writes a nested call: every
    // address and key gains `module.svc.`, the call's configuration moves under svc's.
    const plan = JSON.parse(JSON.stringify(simple()).replace(/"(address|module_address|provider_config_key|resource)":"module\.lambda_function/g, '"$1":"module.svc.module.lambda_function'));
    plan.planned_values.root_module.child_modules = [{ address: "module.svc", resources: [], child_modules: plan.planned_values.root_module.child_modules }];
    delete plan.prior_state;
    delete plan.relevant_attributes;
    const calls = plan.configuration.root_module.module_calls;
    calls.lambda_function.source = "terraform-aws-modules/lambda/aws";
    plan.configuration.root_module = { module_calls: { svc: { source: "./svc", module: { module_calls: calls } } } };
    const f = readTerraformPlan(JSON.stringify(plan), "plan.json");
    expect(tfmodRoles(f)).toEqual([["module.svc.module.lambda_function.aws_iam_role.lambda[0]", { source: "terraform-aws-modules/lambda/aws", call: "module.svc.module.lambda_function" }]]);
  });

  it("a function the module makes carries its call, whichever role it runs with (create_role = false, lambda_role = aws_iam_role.shared.arn); other functions none", () => {
    const calls = (name: string) => read(name).functions.map((fn) => [fn.source?.address, fn.source?.terraformModule ?? null]);
    expect(calls("tfmod-shared-role")).toEqual([
      ["module.orders.aws_lambda_function.this[0]", { source: "../modules/terraform-aws-lambda", call: "module.orders" }],
      ["module.reports.aws_lambda_function.this[0]", { source: "../modules/terraform-aws-lambda", call: "module.reports" }],
    ]);
    // The role is the user's, no call's.
    expect(tfmodRoles(read("tfmod-shared-role"))).toEqual([["aws_iam_role.shared", null]]);
    // A local module of another shape (a function in module.fn["orders"], no aws_iam_role.lambda), and a root function.
    for (const name of ["sweep-modules", "docs-lambda-basic"]) for (const [, module] of calls(name)) expect(module).toBeNull();
    // The published source; without the configuration, only beside the call's own role.
    const plan = JSON.parse(readFileSync(join(DIR, "tfmod-shared-role", "plan.json"), "utf8"));
    plan.configuration.root_module.module_calls.reports.source = "terraform-aws-modules/lambda/aws";
    expect(readTerraformPlan(JSON.stringify(plan), "plan.json").functions.map((fn) => fn.source?.terraformModule?.source ?? null)).toEqual(["../modules/terraform-aws-lambda", "terraform-aws-modules/lambda/aws"]);
    delete plan.configuration;
    expect(readTerraformPlan(JSON.stringify(plan), "plan.json").functions.map((fn) => fn.source?.terraformModule ?? null)).toEqual([null, null]);
    expect(readTerraformPlan(JSON.stringify({ ...simple(), configuration: undefined }), "plan.json").functions.map((fn) => fn.source?.terraformModule)).toEqual([{ source: null, call: "module.lambda_function" }]);
  });

  it("a plan without its configuration (terraform show -json of a state): the shape alone, with no source", () => {
    const plan = simple();
    delete plan.configuration;
    expect(tfmodRoles(readTerraformPlan(JSON.stringify(plan), "plan.json"))).toEqual([[ROLE, { source: null, call: "module.lambda_function" }]]);
  });
});
