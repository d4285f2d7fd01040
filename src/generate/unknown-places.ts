/**
 * The IaC readers write `unknown` for the region or account a plan or template does not say
 * (docs/iac.md, "Synthetic ARNs"). Each output format fills them with its own references
 * (CloudFormation's pseudo parameters, Terraform data sources).
 */

/** As the readers write it (src/sources/cloudformation/lambda-shapes.ts, `UNKNOWN`). */
const UNKNOWN = "unknown";

/**
 * An ARN with `unknown` in its region or account part, split: the five parts before the resource,
 * the resource, and which of the two is unknown. Null when neither is (or it is no ARN).
 */
export function unknownPlaces(arn: string): { head: string[]; resource: string; region: boolean; account: boolean } | null {
  if (!arn.startsWith("arn:")) return null;
  const parts = arn.split(":");
  if (parts.length < 6 || (parts[3] !== UNKNOWN && parts[4] !== UNKNOWN)) return null;
  return { head: parts.slice(0, 5), resource: parts.slice(5).join(":"), region: parts[3] === UNKNOWN, account: parts[4] === UNKNOWN };
}
