/**
 * The account of a template or plan read without one, in words. A CloudFormation/SAM/CDK template
 * or a Terraform plan that names no account (no `--account-id`, no aws_caller_identity, no CDK
 * manifest's account) gets a placeholder account, `unknown` (one file) or `unknown-<8 hex>` (one
 * per file when several are read: syntheticAccountFor in src/sources/cloudformation/lambda-shapes.ts).
 * The placeholder is an identifier and stays one in ARNs, fingerprints and the JSON; what a person
 * reads (rule messages, report text, warnings) says "the deployment account" instead, because
 * `<any role in unknown-cb9bc906>` means nothing to a template's author. A real account ID is
 * shown as it is.
 */

/** How human text names a placeholder account. One wording for templates and plans alike. */
export const DEPLOYMENT_ACCOUNT = "the deployment account";

/** What a report says in place of an ARN whose account is a placeholder. */
export const ARN_KNOWN_AT_DEPLOY = "known only at deploy (no account ID given: --account-id sets one)";

const PLACEHOLDER = /^unknown(?:-[0-9a-f]{8})?$/;

/** Whether an account ID is the placeholder of a template or plan read without an account. */
export function isPlaceholderAccount(accountId: string | null | undefined): boolean {
  return typeof accountId === "string" && PLACEHOLDER.test(accountId);
}

/** The account as human text names it: `the deployment account` for a placeholder, else the ID. */
export function accountInWords(accountId: string): string {
  return isPlaceholderAccount(accountId) ? DEPLOYMENT_ACCOUNT : accountId;
}

/**
 * Whether an ARN's account (its fifth field) is a placeholder: `arn:aws:iam::unknown-9b80985c:role/R`,
 * `arn:aws:lambda:unknown:unknown:function:F`. False for anything that is not an ARN.
 */
export function hasPlaceholderAccount(arn: string): boolean {
  if (!arn.startsWith("arn:")) return false;
  let start = 0;
  for (let field = 0; field < 4; field++) {
    start = arn.indexOf(":", start) + 1;
    if (start === 0) return false;
  }
  const end = arn.indexOf(":", start);
  return end > start && isPlaceholderAccount(arn.slice(start, end));
}

/**
 * A function, role, user or policy as a warning names it: its ARN, except in a template's or
 * plan's placeholder account, where it is named as the user's code names it (its display name,
 * else its name): `arn:aws:lambda:unknown:unknown-c948089b:function:Fn` is `Fn` to the author.
 */
export function namedInText(entity: { arn: string; name: string; displayName?: string | undefined }): string {
  return hasPlaceholderAccount(entity.arn) ? (entity.displayName ?? entity.name) : entity.arn;
}

/** An ARN where a report shows one (a tooltip, a table cell): the ARN, or that it is made at deploy (ARN_KNOWN_AT_DEPLOY). */
export function shownArn(arn: string): string {
  return hasPlaceholderAccount(arn) ? `ARN ${ARN_KNOWN_AT_DEPLOY}` : arn;
}
