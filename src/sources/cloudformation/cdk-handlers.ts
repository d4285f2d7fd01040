/**
 * The AWS CDK's own singleton handlers (LogRetention, BucketNotificationsHandler, AwsCustomResource's
 * provider, a core CustomResourceProvider), recognised by their construct path. One place for the
 * recognition: the template reader marks their roles (Role.cdkHandler, which the rules read to say
 * what a CDK user can do about a grant the CDK writes), and `generate --format cloudformation`
 * says that a role of one is not the app's to change directly.
 */

import type { CdkHandler } from "../../model/document.js";

/** AwsCustomResource's provider function: one per stack, whatever the AwsCustomResources' ids. */
const AWS_CUSTOM_RESOURCE = "AWS679f53fac002430cb0da5b7982bd2287";

/** The end of an AwsCustomResource's policy's construct path: `<AwsCustomResource>/CustomResourcePolicy/Resource`. */
export const CUSTOM_RESOURCE_POLICY = "/CustomResourcePolicy/Resource";

function kindOf(id: string): CdkHandler["kind"] | null {
  if (id === AWS_CUSTOM_RESOURCE) return "aws-custom-resource";
  if (/^LogRetention[0-9a-f]{32}$/.test(id)) return "log-retention";
  if (/^BucketNotificationsHandler[0-9a-f]{32}$/.test(id)) return "bucket-notifications";
  if (/^Custom::[A-Za-z0-9]+CustomResourceProvider$/.test(id)) return "custom-resource-provider";
  if (/[0-9a-f]{32}$/.test(id)) return "singleton-function";
  return null;
}

/**
 * The CDK handler a construct path is in: a construct whose id ends with the handler's fixed 32-hex
 * UUID (`AWS679f53fac002430cb0da5b7982bd2287`, `BucketNotificationsHandler050a0587b7544547bf325f094a3db834`,
 * `LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a`) or a `Custom::<Name>CustomResourceProvider`; null
 * for any other path.
 */
export function cdkHandlerOf(construct: string): CdkHandler | null {
  const ids = construct.split("/");
  // Any segment below the stack: a nested stack's singleton is under the nested stack's construct.
  for (let i = 1; i < ids.length; i++) {
    const kind = kindOf(ids[i] as string);
    if (kind !== null) return { kind, construct: ids.slice(0, i + 1).join("/") };
  }
  return null;
}

/**
 * The CDK handler a role is, from its logical ID alone, for a template with no construct paths:
 * the CDK writes `aws:cdk:path` only when the CLI asks for it, so a stack synthesised in a unit
 * test (`Template.fromStack(stack).toJSON()`, the Jest snapshots apps commit) or an integration
 * snapshot has none. The CDK adds its singleton handlers at the stack's root, so their roles'
 * logical IDs are the handler's id, the role's (`ServiceRole`, the BucketNotificationsHandler's
 * `Role`) and the path's 8-hex hash: `LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8aServiceRole9741ECFB`.
 * The construct given is the handler's id (the stack's name is not in the template).
 */
export function cdkHandlerOfLogicalId(logicalId: string): CdkHandler | null {
  const m = /^(AWS679f53fac002430cb0da5b7982bd2287|LogRetention[0-9a-f]{32}|BucketNotificationsHandler[0-9a-f]{32})(?:ServiceRole|Role)[0-9A-F]{8}$/.exec(logicalId);
  const kind = m ? kindOf(m[1] as string) : null;
  return m && kind ? { kind, construct: m[1] as string } : null;
}

/**
 * The AwsCustomResource an `AWS::IAM::Policy` is the policy of, from its logical ID
 * (`<AwsCustomResource>CustomResourcePolicy<8 hex>`), for a template with no construct paths: the
 * construct's id as the logical ID spells it (for one inside another construct, their ids run together).
 */
export function awsCustomResourceOfLogicalId(logicalId: string): string | null {
  return /^(.+)CustomResourcePolicy[0-9A-F]{8}$/.exec(logicalId)?.[1] ?? null;
}

/** Whether a construct path is in one of the CDK's own singleton handlers (cdkHandlerOf). */
export function cdkSingleton(construct: string): boolean {
  return cdkHandlerOf(construct) !== null;
}
