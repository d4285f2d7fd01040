/**
 * Pieces shared by the Terraform and CloudFormation readers: what Lambda itself writes into a
 * function's resource policy for a permission, what kind of trigger an event source ARN is, and
 * the synthetic ARN convention for things whose ARN is not known before deployment.
 */

import { triggerKind } from "../lambda-event-source-mappings.js";
import { isVersionQualifier } from "../arns.js";
import { createHash } from "node:crypto";
import type { LambdaFunction, PolicyDocument, PolicyStatement, TriggerKind, Warning } from "../../model/document.js";

/** The account / region / partition to put into synthetic ARNs when the input does not say. */
export interface ArnContext {
  partition: string;
  region: string;
  accountId: string;
}

export const UNKNOWN = "unknown";

/**
 * The synthetic account for one IaC file read beside others: `unknown-<8 hex of sha256(key)>`.
 * Generated names (logical IDs, Terraform addresses) are unique only within a stack or a root
 * module, so two templates that both define `MyFunctionRole` are two roles; without an account of
 * their own they would get one ARN and merge. The key is the file's path (relative to the folder
 * the user named, so that `diff old/ new/` keys both revisions of a file alike).
 */
export function syntheticAccountFor(key: string): string {
  if (key === "") return UNKNOWN; // the one (or first) file of a diff side: the documented default
  return `${UNKNOWN}-${createHash("sha256").update(key.replace(/\\/g, "/")).digest("hex").slice(0, 8)}`;
}

/**
 * Synthetic ARNs, used when an ARN is only known after deployment. They have the real ARN's shape
 * (so ARN parsing and matching keep working) with `unknown` for the parts nobody knows yet, and the
 * name (or logical ID / Terraform address when the name is generated) as the resource part. A
 * function's roleArn and its role's arn are built by the same function, so the normaliser joins
 * them by ARN exactly as it does for account exports.
 */
export function syntheticFunctionArn(ctx: ArnContext, name: string): string {
  return `arn:${ctx.partition}:lambda:${ctx.region}:${ctx.accountId}:function:${name}`;
}

export function syntheticRoleArn(ctx: ArnContext, path: string, name: string): string {
  return `arn:${ctx.partition}:iam::${ctx.accountId}:role${normalisePath(path)}${name}`;
}

export function syntheticPolicyArn(ctx: ArnContext, path: string, name: string): string {
  return `arn:${ctx.partition}:iam::${ctx.accountId}:policy${normalisePath(path)}${name}`;
}

export function normalisePath(path: string | null | undefined): string {
  if (!path) return "/";
  let p = path.startsWith("/") ? path : `/${path}`;
  if (!p.endsWith("/")) p += "/";
  return p;
}

/** Name, path and account of a role or policy ARN (`arn:aws:iam::123:role/service/x` → x, /service/). */
export function splitIamArn(arn: string): { accountId: string; path: string; name: string } | null {
  const m = /^arn:[^:]*:iam::([^:]*):(?:role|policy|user|group)(\/.*)$/.exec(arn);
  if (!m || m[2] === undefined || m[1] === undefined) return null;
  const rest = m[2];
  const slash = rest.lastIndexOf("/");
  return { accountId: m[1], path: rest.slice(0, slash + 1), name: rest.slice(slash + 1) };
}

/** Region and account of a Lambda function ARN, and the name and qualifier. */
export function splitFunctionArn(arn: string): { partition: string; region: string; accountId: string; name: string; qualifier: string | null } | null {
  const m = /^arn:([^:]+):lambda:([^:]*):([^:]*):function:([^:]+)(?::(.+))?$/.exec(arn);
  if (!m) return null;
  return { partition: m[1] ?? "aws", region: m[2] ?? "", accountId: m[3] ?? "", name: m[4] ?? "", qualifier: m[5] ?? null };
}

/**
 * A function ARN that may carry intrinsics (`arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:x`):
 * `${…}` may hold colons, so they are masked before splitting. `symbolic` says some part is not known.
 */
export function splitSymbolicFunctionArn(arn: string): (NonNullable<ReturnType<typeof splitFunctionArn>> & { symbolic: boolean }) | null {
  const masked = arn.replace(/\$\{[^}]*\}/g, (m) => m.replace(/:/g, "\u0000"));
  const split = splitFunctionArn(masked);
  if (!split) return null;
  const unmask = (x: string): string => x.replace(/\u0000/g, ":");
  const parts = { partition: unmask(split.partition), region: unmask(split.region), accountId: unmask(split.accountId), name: unmask(split.name), qualifier: split.qualifier === null ? null : unmask(split.qualifier) };
  return { ...parts, symbolic: masked !== arn || parts.region === UNKNOWN || parts.accountId === UNKNOWN };
}

/** What kind of event source an ESM reads from, by the service in its ARN (the account-export reader's rule). */
/**
 * A KMS key given by alias (`alias/x`, or its ARN): an event source encrypted so names no key a
 * grant can be written for (an alias is resolved at run time; AWS managed `alias/aws/sqs` needs
 * no grant at all).
 */
export function isKmsAlias(key: string): boolean {
  return key.startsWith("alias/") || /^arn:[^:]+:kms:[^:]*:[^:]*:alias\//.test(key);
}

export function triggerKindOfArn(arn: string | null): TriggerKind {
  return triggerKind(arn, false);
}

export interface PermissionInput {
  statementId: string | null;
  action: string;
  principal: string;
  functionArn: string;
  sourceArn: string | null;
  sourceAccount: string | null;
  principalOrgId: string | null;
  functionUrlAuthType: string | null;
  eventSourceToken: string | null;
}

/**
 * The statement Lambda's AddPermission writes into the function policy (the same shape
 * `get-policy` returns): service principals as `Service`, account IDs as the account root ARN,
 * SourceArn as ArnLike, SourceAccount / PrincipalOrgID / FunctionUrlAuthType as StringEquals.
 */
export function permissionStatement(p: PermissionInput): PolicyStatement {
  const statement: PolicyStatement = { Effect: "Allow", Action: [p.action], Resource: [p.functionArn] };
  if (p.statementId) statement.Sid = p.statementId;
  const principal = p.principal;
  if (principal === "*") statement.Principal = "*";
  else if (/^\d{12}$/.test(principal)) statement.Principal = { AWS: [`arn:aws:iam::${principal}:root`] };
  else if (principal.startsWith("arn:")) statement.Principal = { AWS: [principal] };
  // `!Ref AWS::AccountId` or a parameter the template was not given: an account (or principal
  // ARN) once deployed, never a service (service principals are DNS names).
  else if (/^\$\{[^}]*\}$/.test(principal)) statement.Principal = { AWS: [principal] };
  else statement.Principal = { Service: [principal] };
  const condition: NonNullable<PolicyStatement["Condition"]> = {};
  const stringEquals: { [k: string]: string[] } = {};
  if (p.sourceAccount) stringEquals["AWS:SourceAccount"] = [p.sourceAccount];
  if (p.principalOrgId) stringEquals["aws:PrincipalOrgID"] = [p.principalOrgId];
  if (p.functionUrlAuthType) stringEquals["lambda:FunctionUrlAuthType"] = [p.functionUrlAuthType];
  if (p.eventSourceToken) stringEquals["lambda:EventSourceToken"] = [p.eventSourceToken];
  if (Object.keys(stringEquals).length > 0) condition.StringEquals = stringEquals;
  if (p.sourceArn) condition.ArnLike = { "AWS:SourceArn": [p.sourceArn] };
  if (Object.keys(condition).length > 0) statement.Condition = condition;
  return statement;
}

/**
 * An event invoke config of a function the template or plan defines: `$LATEST`'s destinations
 * (no qualifier, or `$LATEST`), else the alias's or version's own. Each qualifier has its own
 * config (PutFunctionEventInvokeConfig's Qualifier,
 * https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html), and
 * asynchronous calls to `live` deliver where `live`'s says, with the role the alias's version runs
 * with: the function's, as the stack publishes its versions from it. The normaliser groups these
 * with the account export's (src/normalize/functions.ts).
 */
export function applyInvokeConfig(fn: LambdaFunction, qualifier: string | null, destinations: LambdaFunction["destinations"]): void {
  if (qualifier === null || qualifier === "$LATEST") {
    fn.destinations = destinations;
    return;
  }
  // A version is no alias: a number, or one known at deployment (`${Version.Version}`, isVersionQualifier).
  if (!isVersionQualifier(qualifier) && !fn.aliases.includes(qualifier)) fn.aliases = [...fn.aliases, qualifier].sort();
  const targets = [
    ["on-success", destinations.onSuccess],
    ["on-failure", destinations.onFailure],
  ] as const;
  for (const [kind, arn] of targets) if (arn) (fn.qualifiedDeliveryTargets ??= []).push({ kind, arn, qualifiers: [qualifier], roleArn: fn.roleArn });
}

export function resourcePolicyOf(statements: PolicyStatement[]): PolicyDocument | null {
  if (statements.length === 0) return null;
  return { Version: "2012-10-17", Id: "default", Statement: statements };
}

export function sha256(input: string | Uint8Array): string {
  return createHash("sha256").update(input).digest("hex");
}

export function sortWarnings(warnings: Warning[]): Warning[] {
  return warnings.sort(
    (a, b) =>
      (a.file ?? "").localeCompare(b.file ?? "") ||
      (a.path ?? "").localeCompare(b.path ?? "", "en", { numeric: true }) ||
      a.code.localeCompare(b.code) ||
      a.message.localeCompare(b.message),
  );
}

export function byArn<T extends { arn: string }>(a: T, b: T): number {
  return a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0;
}

/** Role.policyResources' order: by file, then address (the logical ID or Terraform address). */
export function byWhere<T extends { source: { file: string; address: string | null } }>(a: T, b: T): number {
  const x = `${a.source.file}\u0000${a.source.address ?? ""}`;
  const y = `${b.source.file}\u0000${b.source.address ?? ""}`;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A deep copy of a template value (JSON: what a template holds), for the SAM transform to rewrite freely. */
export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}
