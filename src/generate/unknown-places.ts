/**
 * The IaC readers write `unknown` for the region or account a plan or template does not say
 * (docs/iac.md, "Synthetic ARNs"), and `unknown-<8 hex>` for the account of one of several IaC
 * files read together ("Several IaC files at once"). Each output format fills them with its own
 * references (CloudFormation's pseudo parameters, Terraform data sources).
 */

/** As the readers write it (src/sources/cloudformation/lambda-shapes.ts, `UNKNOWN`). */
const UNKNOWN = "unknown";

/**
 * An account part the readers made up: `unknown`, or a file's synthetic account `unknown-<hash>`
 * (syntheticAccountFor). The latter is no more known than the former: left in a generated policy,
 * it matched nothing once deployed (the role could not write its logs or reach its DLQ).
 */
export function isUnknownAccount(account: string): boolean {
  return account === UNKNOWN || /^unknown-[^:]+$/.test(account);
}

export function isUnknownRegion(region: string): boolean {
  return region === UNKNOWN;
}

/**
 * An ARN with `unknown` in its region or account part, split: the five parts before the resource,
 * the resource, and which of the two is unknown. Null when neither is (or it is no ARN).
 */
export function unknownPlaces(arn: string): { head: string[]; resource: string; region: boolean; account: boolean } | null {
  if (!arn.startsWith("arn:")) return null;
  const parts = arn.split(":");
  if (parts.length < 6) return null;
  const region = isUnknownRegion(parts[3] as string);
  const account = isUnknownAccount(parts[4] as string);
  if (!region && !account) return null;
  return { head: parts.slice(0, 5), resource: parts.slice(5).join(":"), region, account };
}
