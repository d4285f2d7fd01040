/**
 * ARN helpers. ARNs stay strings everywhere; these only split them. Account IDs are strings (they
 * can start with zeros) and are never inferred from file names.
 */

export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  accountId: string;
  resource: string;
}

export function parseArn(arn: string): ParsedArn | null {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn" || parts[1] === "" || parts[2] === "") return null;
  return {
    partition: parts[1]!,
    service: parts[2]!,
    region: parts[3]!,
    accountId: parts[4]!,
    resource: parts.slice(5).join(":"),
  };
}

export interface ParsedFunctionArn {
  /** `arn:<p>:lambda:<r>:<a>:function:<name>` */
  unqualified: string;
  partition: string;
  region: string;
  accountId: string;
  name: string;
  /** Version, alias or `$LATEST`; null when unqualified. */
  qualifier: string | null;
}

/** Split a Lambda function ARN, qualified (`:alias`, `:3`, `:$LATEST`) or not. */
export function parseFunctionArn(arn: string): ParsedFunctionArn | null {
  const parsed = parseArn(arn);
  if (!parsed || parsed.service !== "lambda") return null;
  const rest = parsed.resource.split(":");
  if (rest[0] !== "function" || !rest[1] || rest.length > 3) return null;
  const name = rest[1];
  return {
    unqualified: `arn:${parsed.partition}:lambda:${parsed.region}:${parsed.accountId}:function:${name}`,
    partition: parsed.partition,
    region: parsed.region,
    accountId: parsed.accountId,
    name,
    qualifier: rest[2] === undefined || rest[2] === "" ? null : rest[2],
  };
}

/**
 * A qualifier that names a published version, not an alias: a number, or a version known only at
 * deployment, the placeholder a template's `!GetAtt Version.Version` of an AWS::Lambda::Version
 * resolves to (`${Version.Version}`, as the CloudFormation reference's own examples write the
 * Qualifier; SAM's `${Fn.Version}`). Alias names cannot start with a digit only or hold `$`/`{`
 * (CreateAlias: `(?!^[0-9]+$)([a-zA-Z0-9-_]+)`), so neither is ever an alias; nor is a Terraform
 * plan's placeholder for a function's `version` (TERRAFORM_VERSION). One test for the
 * template reader and the normaliser, so a qualifier is a version on both sides of a join.
 */
export function isVersionQualifier(qualifier: string): boolean {
  return /^\d+$/.test(qualifier) || /^\$\{[A-Za-z0-9]+\.Version\}$/.test(qualifier) || TERRAFORM_VERSION.test(qualifier);
}

/**
 * A Terraform plan's placeholder for a function's version published by the same plan,
 * `${aws_lambda_function.this[0].version}`: the qualifier terraform-aws-modules/lambda gives its
 * current-version event invoke config and permissions (`aws_lambda_function.this[0].version`);
 * or for the version an alias of the plan points to, `${aws_lambda_alias.with_refresh[0].function_version}`
 * (a version number, or `$LATEST`: never an alias name), the qualifier its modules/alias gives the
 * version's config and permissions.
 */
const TERRAFORM_VERSION = /^\$\{(?:module\.[^{}]+\.)?(?:aws_lambda_function\.[A-Za-z0-9_-]+(?:\[[^\]{}]*\])?\.version|aws_lambda_alias\.[A-Za-z0-9_-]+(?:\[[^\]{}]*\])?\.function_version)\}$/;

/** `arn:<partition>:iam::aws:policy/…` */
export function isAwsManagedPolicyArn(arn: string): boolean {
  return /^arn:[^:]+:iam::aws:policy\//.test(arn);
}

/** Path of an IAM entity from its ARN: `arn:aws:iam::1:role/service-role/x` → `/service-role/`. */
export function iamPathFromArn(arn: string): string {
  const resource = parseArn(arn)?.resource ?? "";
  const segments = resource.split("/");
  return segments.length <= 2 ? "/" : `/${segments.slice(1, -1).join("/")}/`;
}
